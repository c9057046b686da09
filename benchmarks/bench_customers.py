"""Customers from orders: history and RFM for N generated order rows (issue #7's 5M target).

Usage: python benchmarks/bench_customers.py [--orders 5000000] [--customers 1000000]
Prints wall seconds for order_history and rfm alone, then for the whole ``consolidate`` step of
``clean`` (history and RFM, every field set on the customer records and logged in the change
log, activity tags, unmatched orders, segment summary) and the peak RSS; the target is under
30 s for 5,000,000 orders.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from crmmigrate.config import Customers
from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.consolidate import consolidate
from crmmigrate.transform.customers import order_history, rfm


def orders_frame(n: int, customers: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 3 * 365, n)
    dates = (np.datetime64("2023-01-01") + days.astype("timedelta64[D]")).astype(str)
    return pd.DataFrame(
        {
            # half the orders from a long tail of one-off buyers, half from regulars
            "customer": pd.array(
                np.char.add(
                    "c",
                    np.where(
                        rng.random(n) < 0.5,
                        rng.integers(1, customers, n),
                        rng.zipf(1.3, n).clip(1, customers),
                    ).astype(str),
                ),
                dtype="str",
            ),
            "order_date": pd.array(dates, dtype="str"),
            "amount": pd.array(rng.gamma(2.0, 800.0, n).round(0).astype(str), dtype="str"),
            "currency": pd.array(np.where(rng.random(n) < 0.97, "TWD", "USD"), dtype="str"),
            "channel": pd.array(rng.choice(["web", "shop", "line", "phone"], n), dtype="str"),
            "status": pd.array(rng.choice(["完成", "完成", "完成", "退貨"], n), dtype="str"),
        }
    )


def contacts_frame(customers: int, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.char.add("c", np.arange(1, customers + 1).astype(str))
    created = (np.datetime64("2015-01-01") + rng.integers(0, 3650, customers)).astype(str)
    return pd.DataFrame(
        {
            "_record_id": np.char.add("contacts#", ids),
            "external_id": ids,
            "last_name": "Chan",
            "created_date": created,
        }
    ).astype(object)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5_000_000)
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    frame = orders_frame(args.orders, args.customers)
    t0 = time.monotonic()
    history = order_history(frame)
    t1 = time.monotonic()
    scores = rfm(history, "2025-12-31")
    t2 = time.monotonic()
    print(f"{args.orders:,} orders → {len(history):,} customers")
    print(f"order_history {t1 - t0:.1f} s, rfm {t2 - t1:.1f} s, total {t2 - t0:.1f} s")
    print(f"segments: {scores['rfm_segment'].value_counts().to_dict()}")
    del history, scores

    orders = frame.assign(
        _record_id=np.char.add("orders#", np.arange(args.orders).astype(str)),
        external_id=np.char.add("shop:SO", np.arange(args.orders).astype(str)),
        order_number=np.char.add("SO", np.arange(args.orders).astype(str)),
    )
    contacts = contacts_frame(args.customers)
    schema = load_target_schema(default_schema_path())
    settings = Customers(inactive_before="2024-01-01")
    log = ChangeLog()
    t0 = time.monotonic()
    outcome = consolidate({"contacts": contacts, "orders": orders}, schema, settings, log)
    t1 = time.monotonic()
    assert outcome is not None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"consolidate (history, RFM, {len(log.table()):,} logged cells, activity) "
        f"{t1 - t0:.1f} s; peak RSS {peak:,.0f} MB"
    )
    print(f"activity: {outcome.stats['activity']}")


if __name__ == "__main__":
    main()
