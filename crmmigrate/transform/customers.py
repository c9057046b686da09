"""Customers from orders: per-customer history and RFM segments (library part of issue #7).

:func:`order_history` turns order rows (one per order) into one row per customer: first and
last order date, order count, total and average amount in the customer's main currency, and the
favourite channel. :func:`rfm` scores recency, frequency and monetary value in quantile buckets
(quintiles by default, or fixed edges) and names the standard segments from the recency ×
frequency grid. Everything is a pandas groupby over whole columns; 5M orders take seconds
(``benchmarks/bench_customers.py``). :mod:`crmmigrate.transform.consolidate` puts the results
on the customer records of a run.
"""

from __future__ import annotations

from collections.abc import Sequence

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

# (recency score, frequency score) on 1..5 → segment; the widely used RFM grid. The names are
# the values of the target schema's rfm_segment picklist.
_SEGMENT_GRID = {
    "Champions": [(r, f) for r in (4, 5) for f in (4, 5)],
    "Loyal": [(3, f) for f in (4, 5)] + [(r, 3) for r in (3, 4, 5)],
    "Potential Loyalist": [(r, 2) for r in (4, 5)] + [(3, 2)],
    "New": [(5, 1)],
    "Promising": [(4, 1)],
    "About To Sleep": [(3, 1)],
    "At Risk": [(r, f) for r in (1, 2) for f in (3, 4)],
    "Cannot Lose Them": [(r, 5) for r in (1, 2)],
    "Hibernating": [(2, f) for f in (1, 2)],
    "Lost": [(1, f) for f in (1, 2)],
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
    # a customer whose orders were all cancelled or returned has bought nothing: 0; one whose
    # paid orders carry no amount (none mapped, or all blank) spent an unknown sum: empty
    bought = frame[revenue].groupby("customer").size().reindex(out.index).fillna(0) > 0
    out["order_total"] = main["sum"].reindex(out.index).where(bought, 0.0)
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


def _edge_scores(values: pd.Series, edges: Sequence[float], higher_is_better: bool) -> pd.Series:
    """Bucket 1..len(edges)+1 by fixed edges: a value <= edges[0] is in the first bucket."""
    bucket = np.searchsorted(np.asarray(edges, dtype=np.float64), values.to_numpy(np.float64))
    score = bucket + 1 if higher_is_better else len(edges) + 1 - bucket
    return pd.Series(score.astype(np.int64), index=values.index)


def rfm(
    history: pd.DataFrame,
    reference_date: str,
    bins: int = 5,
    *,
    recency_edges: Sequence[float] | None = None,
    frequency_edges: Sequence[float] | None = None,
    monetary_edges: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Recency, frequency and monetary scores (1..bins, higher = better) and the segment.

    Scores are quantile buckets of the customers given, unless fixed edges are: four ascending
    numbers per measure (recency in days: up to the first edge scores 5; frequency and
    monetary: up to the first edge scores 1).
    """
    if bins != 5:
        raise ValueError("the named segments are defined on quintiles (bins: 5)")
    last = pd.to_datetime(history["last_order_date"])
    if last.isna().any():
        # a customer none of whose orders has a date cannot be placed: no scores, no segment,
        # and it takes no place in the others' quantiles
        dated = rfm(
            history[last.notna()], reference_date, bins,
            recency_edges=recency_edges, frequency_edges=frequency_edges,
            monetary_edges=monetary_edges,
        )  # fmt: skip
        out = dated.reindex(history.index)
        for col in ("r_score", "f_score", "m_score"):
            out[col] = out[col].astype("Int64")
        out["rfm_segment"] = (
            out["rfm_segment"].astype(object).where(out["rfm_segment"].notna(), None)
        )
        return out
    reference = pd.Timestamp(reference_date)
    recency = (reference - last).dt.days
    out = pd.DataFrame(index=history.index)
    out["recency_days"] = recency
    if history.empty:
        for col in ("r_score", "f_score", "m_score", "rfm_segment"):
            out[col] = pd.Series(dtype=object)
        return out
    frequency = history["order_count"]
    monetary = history["order_total"].fillna(0)
    out["r_score"] = (
        _edge_scores(recency, recency_edges, higher_is_better=False)
        if recency_edges
        else _scores(-recency, bins)
    )
    out["f_score"] = (
        _edge_scores(frequency, frequency_edges, higher_is_better=True)
        if frequency_edges
        else _scores(frequency, bins)
    )
    out["m_score"] = (
        _edge_scores(monetary, monetary_edges, higher_is_better=True)
        if monetary_edges
        else _scores(monetary, bins)
    )
    grid = np.empty((bins + 1, bins + 1), dtype=object)
    for name, cells in _SEGMENT_GRID.items():
        for r, f in cells:
            grid[r, f] = name
    out["rfm_segment"] = grid[out["r_score"].to_numpy(), out["f_score"].to_numpy()]
    return out
