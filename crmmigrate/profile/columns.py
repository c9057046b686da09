"""Profile one column from its distinct values: counts, type, patterns, duplicates, date order.

A column is dictionary-encoded once (Arrow, in C++): the dictionary holds its distinct values,
the indices give each row's value. Every test then runs over the distinct values, weighted by
their counts; the expensive ones (type inference, date-order evidence) over a sample of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.profile.model import (
    DateOrderEvidence,
    DecidedOrder,
    DuplicateValues,
    PatternCount,
    ValueCount,
)
from crmmigrate.profile.values import ColumnType, infer_type, match_keys, value_patterns
from crmmigrate.transform.standardise.date import standardise as standardise_date

TOP_PATTERNS = 3
TOP_VALUES = 5
TYPE_SAMPLE = 50_000  # distinct values tested for the type
DATE_SAMPLE = 20_000  # distinct values read for the day/month order


@dataclass(frozen=True, eq=False)
class ColumnData:
    """A column's distinct (trimmed, non-blank) values, their counts, and each row's value."""

    values: pa.Array  # distinct trimmed values (two raw spellings may trim to one: kept apart)
    counts: np.ndarray  # cells per distinct value
    codes: np.ndarray  # per row: position in ``values``, -1 for a blank cell
    blank: int


def encode(column: pa.Array) -> ColumnData:
    """Dictionary-encode a string column; blank (empty or whitespace) cells count as blank."""
    encoded = pc.dictionary_encode(column)
    dictionary = encoded.dictionary
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=len(dictionary))
    trimmed = pc.utf8_trim_whitespace(dictionary)
    filled = pc.greater(pc.utf8_length(trimmed), 0).to_numpy(zero_copy_only=False)
    if not filled.all():
        position = np.full(len(dictionary) + 1, -1, dtype=np.int64)
        position[:-1][filled] = np.arange(int(filled.sum()))
        codes = position[codes]  # -1 stays -1 (the last slot)
        trimmed, counts = trimmed.filter(pa.array(filled)), counts[filled]
    return ColumnData(trimmed, counts, codes, int(len(codes) - counts.sum()))


def column_type(data: ColumnData) -> ColumnType:
    """The inferred type, from up to :data:`TYPE_SAMPLE` of the most frequent distinct values."""
    if len(data.values) == 0:
        return "empty"
    values, counts = data.values, data.counts
    if len(values) > TYPE_SAMPLE:
        pick = np.sort(np.argpartition(-counts, TYPE_SAMPLE)[:TYPE_SAMPLE])
        values, counts = values.take(pa.array(pick)), counts[pick]
    return infer_type(values, counts)


def top_patterns(
    values: pa.Array, counts: np.ndarray, top: int = TOP_PATTERNS
) -> tuple[PatternCount, ...]:
    """The most common shapes of the (distinct) values, by the number of cells with them."""
    if len(values) == 0:
        return ()
    shapes = pa.table({"pattern": value_patterns(values), "count": pa.array(counts)})
    totals = shapes.group_by("pattern").aggregate([("count", "sum")])
    frame = totals.to_pandas().rename(columns={"count_sum": "count"})
    frame = frame.sort_values(["count", "pattern"], ascending=[False, True], kind="stable")
    return tuple(
        PatternCount(str(p), int(c))
        for p, c in zip(frame["pattern"][:top], frame["count"][:top], strict=True)
    )


def top_values(data: ColumnData, top: int = TOP_VALUES) -> tuple[ValueCount, ...]:
    """The most frequent values (most cells first, then by value): customer data."""
    if len(data.values) == 0:
        return ()
    frame = pd.DataFrame({"value": data.values.to_pandas(), "count": data.counts})
    frame = frame.groupby("value", sort=False)["count"].sum().reset_index()
    frame = frame.sort_values(["count", "value"], ascending=[False, True]).head(top)
    return tuple(
        ValueCount(str(v), int(c)) for v, c in zip(frame["value"], frame["count"], strict=True)
    )


def key_codes(data: ColumnData, kind: str) -> np.ndarray:
    """Per row: the code of its normalised value (:func:`match_keys`), -1 when blank."""
    keys = pc.dictionary_encode(match_keys(data.values, kind))
    per_value = keys.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.append(per_value, -1)[data.codes]


def duplicate_values(data: ColumnData, kind: str) -> DuplicateValues:
    """How many normalised values repeat, and in how many rows."""
    keys = pc.dictionary_encode(match_keys(data.values, kind))
    per_value = keys.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    used = per_value >= 0
    totals = np.bincount(per_value[used], weights=data.counts[used], minlength=len(keys.dictionary))
    repeated = totals > 1
    return DuplicateValues(int(repeated.sum()), int(totals[repeated].sum()))


def date_order(data: ColumnData) -> DateOrderEvidence:
    """Day-first / month-first evidence, read by the date standardiser over distinct values."""
    values = data.values
    sampled = len(values) > DATE_SAMPLE
    if sampled:
        pick = np.sort(np.argpartition(-data.counts, DATE_SAMPLE)[:DATE_SAMPLE])
        values = values.take(pa.array(pick))
    notes = standardise_date(pd.Series(values.to_pylist(), dtype=object)).notes
    evidence = notes.get("date_order_evidence", {})
    day, month = int(evidence.get("day_first", 0)), int(evidence.get("month_first", 0))
    decided: DecidedOrder | None = None
    if notes.get("date_order_contradiction"):
        decided = "contradictory"
    elif day or month:
        decided = "DMY" if day else "MDY"
    return DateOrderEvidence(day, month, decided, sampled)
