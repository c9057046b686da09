"""Customers from orders: per-customer history and RFM segments (library part of issue #7).

:func:`order_history` turns order rows (one per order) into one row per customer: first and
last order date, order count, total and average amount in the customer's main currency, and the
favourite channel. :func:`rfm` scores recency, frequency and monetary value in quantile buckets
(quintiles by default) and names the standard segments from the recency × frequency grid.
Everything is a pandas groupby over whole columns; 5M orders take seconds
(``benchmarks/bench_customers.py``). Wiring into ``clean`` (history on the contact record,
orders without a customer reported) is the next step of issue #7.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# orders that did not turn into revenue: counted in the history, left out of the money
NOT_REVENUE = frozenset(
    {
        "cancelled",
        "canceled",
        "returned",
        "refunded",
        "void",
        "取消",
        "已取消",
        "退貨",
        "退款",
        "作廢",
    }
)
HISTORY_COLUMNS = [
    "first_order_date",
    "last_order_date",
    "order_count",
    "order_total",
    "average_order",
    "currency",
    "other_currency_orders",
    "favourite_channel",
]

# (recency score, frequency score) on 1..5 → segment; the widely used RFM grid
_SEGMENT_GRID = {
    "champions": [(r, f) for r in (4, 5) for f in (4, 5)],
    "loyal": [(3, f) for f in (4, 5)] + [(r, 3) for r in (3, 4, 5)],
    "potential loyalist": [(r, 2) for r in (4, 5)] + [(3, 2)],
    "new": [(5, 1)],
    "promising": [(4, 1)],
    "about to sleep": [(3, 1)],
    "at risk": [(r, f) for r in (1, 2) for f in (3, 4)],
    "cannot lose them": [(r, 5) for r in (1, 2)],
    "hibernating": [(2, f) for f in (1, 2)],
    "lost": [(1, f) for f in (1, 2)],
}
SEGMENTS = tuple(_SEGMENT_GRID)


def order_history(
    orders: pd.DataFrame,
    *,
    customer: str = "customer",
    date: str = "order_date",
    amount: str = "amount",
    currency: str = "currency",
    channel: str = "channel",
    status: str = "status",
) -> pd.DataFrame:
    """One row per customer (the index) with :data:`HISTORY_COLUMNS`; orders without one skipped."""
    frame = pd.DataFrame(
        {
            "customer": orders[customer],
            "date": pd.to_datetime(orders[date], errors="coerce", format="%Y-%m-%d"),
            "amount": pd.to_numeric(orders[amount], errors="coerce"),
            "currency": orders.get(currency),
            "channel": orders.get(channel),
            "status": orders.get(status),
        }
    )
    frame = frame[frame["customer"].notna()]
    # group on integer codes: several groupbys over millions of string keys cost seconds each
    codes, names = pd.factorize(frame["customer"], sort=True)
    frame["customer"] = codes
    revenue = ~frame["status"].astype("str").str.strip().str.lower().isin(NOT_REVENUE)
    grouped = frame.groupby("customer", sort=True)
    out = pd.DataFrame(
        {
            "first_order_date": grouped["date"].min(),
            "last_order_date": grouped["date"].max(),
            "order_count": grouped.size(),
        }
    )
    # the main currency is the one most of a customer's orders are in (ties: alphabetical)
    paid = frame[revenue & frame["amount"].notna()]
    per_currency = (
        paid.groupby(["customer", "currency"], dropna=False)["amount"]
        .agg(["sum", "count"])
        .reset_index()
        .sort_values(["customer", "count", "currency"], ascending=[True, False, True])
    )
    main = per_currency.drop_duplicates("customer").set_index("customer")
    out["order_total"] = main["sum"].reindex(out.index)
    out["average_order"] = (main["sum"] / main["count"]).reindex(out.index)
    out["currency"] = main["currency"].reindex(out.index)
    counted = main["count"].reindex(out.index).fillna(0)
    all_paid = paid.groupby("customer").size().reindex(out.index).fillna(0)
    out["other_currency_orders"] = (all_paid - counted).astype(np.int64)
    channels = (
        frame.dropna(subset=["channel"])
        .groupby(["customer", "channel"])
        .size()
        .reset_index(name="n")
        .sort_values(["customer", "n", "channel"], ascending=[True, False, True])
        .drop_duplicates("customer")
        .set_index("customer")["channel"]
    )
    out["favourite_channel"] = channels.reindex(out.index)
    out.index = pd.Index(np.asarray(names, dtype=object)[out.index.to_numpy()], name="customer")
    return out[HISTORY_COLUMNS]


def _scores(values: pd.Series, bins: int, higher_is_better: bool = True) -> pd.Series:
    """Quantile bucket 1..bins by rank (ties broken by order, so every bucket is used)."""
    ranked = values.rank(method="first", ascending=higher_is_better)
    buckets = np.ceil(ranked.to_numpy(dtype=np.float64) / len(values) * bins)
    return pd.Series(buckets.clip(1, bins).astype(np.int64), index=values.index)


def rfm(history: pd.DataFrame, reference_date: str, bins: int = 5) -> pd.DataFrame:
    """Recency, frequency and monetary scores (1..bins, higher = better) and the segment."""
    if bins != 5:
        raise ValueError("the named segments are defined on quintiles (bins: 5)")
    reference = pd.Timestamp(reference_date)
    recency = (reference - pd.to_datetime(history["last_order_date"])).dt.days
    out = pd.DataFrame(index=history.index)
    out["recency_days"] = recency
    if history.empty:
        for col in ("r_score", "f_score", "m_score", "rfm_segment"):
            out[col] = pd.Series(dtype=object)
        return out
    out["r_score"] = _scores(-recency, bins)
    out["f_score"] = _scores(history["order_count"], bins)
    out["m_score"] = _scores(history["order_total"].fillna(0), bins)
    grid = np.empty((bins + 1, bins + 1), dtype=object)
    for name, cells in _SEGMENT_GRID.items():
        for r, f in cells:
            grid[r, f] = name
    out["rfm_segment"] = grid[out["r_score"].to_numpy(), out["f_score"].to_numpy()]
    return out
