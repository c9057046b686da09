"""Gap filling: the built-in fill rules on N generated contacts and N/20 accounts.

Usage: python benchmarks/bench_fill.py [--rows 1000000] [--streets 400]
Contacts: 80% with a mobile (mostly distinct; 5% US/CA, 5% HK, the rest TW), 40% with a
landline, TW addresses with parts missing (city 10%, postal code 50%, country 20%), 1% with the
full name typed into the first name; accounts: 70% without a website, their contacts' e-mail
domains a third free-mail. ``--streets`` sets how many door numbers per road (distinct
city + street texts: about 5 roads × that), which is what the postal-code rule parses. Prints
wall seconds of ``fill_objects``, the cells filled and conflicts, a second pass over the result
(which must fill nothing) and the peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.fill import fill_objects, load_fill_rules

DISTRICT = {
    "臺北市": "大安區",
    "新北市": "板橋區",
    "臺中市": "西屯區",
    "高雄市": "苓雅區",
    "桃園市": "中壢區",
}


def frames(n: int, streets: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def maybe(values: np.ndarray, missing: float) -> np.ndarray:
        out = np.asarray(values, dtype=object).copy()
        out[rng.random(len(out)) < missing] = None
        return out

    mobile = np.char.add("+8869", np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8))
    mobile = mobile.astype(object)
    us = rng.random(n) < 0.05
    area = rng.choice(np.array(["212", "415", "416", "604", "312"]), int(us.sum()))
    mobile[us] = np.char.add(
        np.char.add("+1", area), rng.integers(2_000_000, 10**7, us.sum()).astype(str)
    )
    hk = rng.random(n) < 0.05
    mobile[hk] = np.char.add("+852", rng.integers(51_000_000, 69_999_999, hk.sum()).astype(str))
    land = np.char.add("+8862", rng.integers(20_000_000, 29_999_999, n).astype(str)).astype(object)
    cities = np.array(list(DISTRICT), dtype=object)[rng.choice(5, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])]
    districts = pd.Series(cities).map(DISTRICT).to_numpy(dtype=object)
    doors = rng.integers(1, streets + 1, n).astype(str)
    street = np.char.add(np.char.add(districts.astype(str), "中正路"), np.char.add(doors, "號"))
    first = np.array(["大文", "美玲", "Alex", "志明", "Mary"], dtype=object)[rng.integers(0, 5, n)]
    last = np.array(["陳", "林", "Wong", "王", "Lee"], dtype=object)[rng.integers(0, 5, n)]
    whole = rng.random(n) < 0.01
    first[whole], last[whole] = "Alex Wong", None
    ids = np.arange(n).astype(str)
    accounts_n = max(n // 20, 1)
    domain = np.where(
        np.arange(n) % 3 == 0,
        "gmail.com",
        np.char.add(np.char.add("co", (np.arange(n) % accounts_n).astype(str)), ".com.tw"),
    )
    contacts = pd.DataFrame(
        {
            "_record_id": np.char.add("src#", ids),
            "external_id": np.char.add("src:", ids),
            "first_name": first,
            "last_name": last,
            "mobile_phone": maybe(mobile, 0.2),
            "phone": maybe(land, 0.6),
            "email": np.char.add(np.char.add("u", ids), np.char.add("@", domain)),
            "mailing_street": maybe(street.astype(object), 0.1),
            "mailing_city": maybe(cities, 0.1),
            "mailing_postal_code": maybe(np.full(n, "106", dtype=object), 0.5),
            "mailing_country": maybe(np.full(n, "TW", dtype=object), 0.2),
            "account": np.char.add("erp:", (np.arange(n) % accounts_n).astype(str)),
            "lead_source": maybe(np.full(n, "web", dtype=object), 0.5),
        }
    ).astype(object)
    aids = np.arange(accounts_n).astype(str)
    accounts = pd.DataFrame(
        {
            "_record_id": np.char.add("erp#", aids),
            "external_id": np.char.add("erp:", aids),
            "website": maybe(np.full(accounts_n, "https://x.com", dtype=object), 0.7),
            "phone": maybe(land[:accounts_n], 0.3),
            "billing_country": maybe(np.full(accounts_n, "TW", dtype=object), 0.5),
        }
    ).astype(object)
    return {"contacts": contacts, "accounts": accounts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--streets", type=int, default=400)
    args = parser.parse_args()
    data = frames(args.rows, args.streets)
    schema = load_target_schema(default_schema_path())
    rules = load_fill_rules(None, schema)
    log = ChangeLog()
    started = time.perf_counter()
    out = fill_objects(data, schema, rules, log)
    seconds = time.perf_counter() - started
    distinct = data["contacts"]["mailing_street"].nunique()
    print(
        f"{args.rows:,} contacts ({distinct:,} distinct streets), {len(data['accounts']):,} accounts"
    )
    print(
        f"fill_objects {seconds:.1f} s: {out.filled:,} cells filled, {len(out.conflicts):,} conflicts"
    )
    started = time.perf_counter()
    again = fill_objects(out.frames, schema, rules, ChangeLog())
    print(f"second pass {time.perf_counter() - started:.1f} s: {again.filled:,} cells filled")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
