"""Benchmark ``crmmigrate profile``: one CSV of 1,000,000 rows × 20 columns, read and profiled.

Columns: the 8 of ``datagen.contacts`` (names, emails, phones, ISO/slash/compact/ROC birth
dates, addresses, companies, region) plus a customer id, a tax id, an order number, a created
date in mixed day-first / ISO / ROC forms, an amount (NT$, 元, plain), a quantity, a postal
code, a website, a status picklist, a gender, a free-text note and a score — most of them high
cardinality, as in a real customer export. About 1% of the rows are exact copies of another row.

    .venv/bin/python benchmarks/bench_profile.py [--rows 1000000] [--seed 7] [--keep PATH]

Prints the seconds to write the file, the seconds of ``profile_files`` (reading the CSV
included) and peak RSS. The target is under 30 s for 1M rows on the 2-core project machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from datagen import contacts

from crmmigrate.profiling import profile_files

STATUS = ["Active", "Inactive", "VIP", "潛在客戶", "已成交", "流失", ""]
GENDER = ["M", "F", "男", "女", "", "Male", "Female"]
WORDS = ["請於週末聯絡", "call back", "VIP 客戶", "地址待確認", "prefers email", "已寄送型錄",
         "重複?", "sent brochure", "欠款", "referral from 王經理", "newsletter", "展覽名單"]  # fmt: skip


def generate(n: int, seed: int) -> pd.DataFrame:
    """``n`` rows × 20 text columns (see the module docstring)."""
    rng = np.random.default_rng(seed)
    frame = contacts(n, seed)
    ids = pd.Series(rng.permutation(n) + 1).astype(str).str.zfill(7)
    frame.insert(0, "customer_id", "C" + ids)
    frame["tax_id"] = pd.Series(rng.integers(10_000_000, 99_999_999, n)).astype(str)
    frame["order_no"] = "SO-2025-" + pd.Series(rng.integers(0, 10**6, n)).astype(str).str.zfill(6)
    when = pd.Series(pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), "D"))
    form = rng.integers(0, 4, n)
    created = when.dt.strftime("%d/%m/%Y")
    created = created.where(form != 1, when.dt.strftime("%Y-%m-%d %H:%M"))
    roc = (when.dt.year - 1911).astype(str) + when.dt.strftime("/%m/%d")
    created = created.where(form != 2, roc)
    frame["created"] = created.where(form != 3, when.dt.strftime("%Y%m%d"))
    cents = rng.integers(100, 10**7, n)
    amount = pd.Series(cents // 100).map("{:,}".format)
    style = rng.integers(0, 3, n)
    amount = ("NT$" + amount).where(style == 0, amount + "元").where(style != 2, None)
    frame["amount"] = amount.fillna(pd.Series(cents / 100).astype(str))
    frame["quantity"] = pd.Series(rng.integers(1, 500, n)).astype(str)
    frame["postal_code"] = pd.Series(rng.integers(100, 999, n)).astype(str) + pd.Series(
        rng.integers(0, 99, n)
    ).astype(str).str.zfill(2)
    frame["website"] = "https://www.shop" + ids + ".com.tw"
    frame["status"] = np.asarray(STATUS, dtype=object)[rng.integers(0, len(STATUS), n)]
    frame["gender"] = np.asarray(GENDER, dtype=object)[rng.integers(0, len(GENDER), n)]
    note = pd.Series(np.asarray(WORDS, dtype=object)[rng.integers(0, len(WORDS), n)])
    frame["notes"] = (note + " #" + pd.Series(rng.integers(0, 10**5, n)).astype(str)).where(
        rng.random(n) < 0.3
    )
    frame["score"] = pd.Series(rng.normal(50, 15, n).round(2)).astype(str)
    copies = rng.integers(0, n, n // 100)
    frame.iloc[rng.integers(0, n, n // 100)] = frame.iloc[copies].to_numpy()
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the CSV here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "customers.csv"
        if not path.exists():
            start = time.perf_counter()
            frame = generate(args.rows, args.seed)
            frame.to_csv(path, index=False)
            del frame
            print(
                f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in "
                f"{time.perf_counter() - start:.1f} s"
            )
        start = time.perf_counter()
        report = profile_files([str(path)])
        elapsed = time.perf_counter() - start
    table = report.files[0].tables[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"profile: {table.rows:,} rows × {len(table.columns)} columns in {elapsed:.1f} s "
        f"({table.rows / elapsed:,.0f} rows/s), peak {peak:,.0f} MB"
    )
    for column in table.columns:
        print(f"  {column.name:<16} {column.type:<13} distinct {column.distinct:>9,}")


if __name__ == "__main__":
    main()
