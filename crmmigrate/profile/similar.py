"""Columns of different files that look like the same thing.

Two columns match when they have the same inferred type and their distinct values overlap
(normalised as for duplicates: Jaccard >= 0.2, or 90% of the smaller set found in the other),
or when their headers suggest the same target field (never for the record key alone: every
file has one). Overlap is measured with Arrow's hash-based ``is_in``: a sample of at most
:data:`OVERLAP_SAMPLE` values of the larger set is looked up in the smaller set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.profile.model import ColumnRef, MatchBasis, SimilarColumns
from crmmigrate.profile.values import ColumnType
from crmmigrate.target_schema import EXTERNAL_ID

OVERLAP_SAMPLE = 50_000
MIN_JACCARD = 0.2
MIN_CONTAINED = 0.9


@dataclass(frozen=True, eq=False)
class ColumnKeys:
    """A column's identity, type, suggestion and its set of normalised distinct values."""

    file: int  # position of its file in the report
    ref: ColumnRef
    type: ColumnType
    suggested: str | None
    keys: pa.Array  # unique, non-null


def overlap(a: pa.Array, b: pa.Array) -> tuple[float, float]:
    """(share of the smaller set found in the larger, Jaccard) of two sets of unique values."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if len(small) == 0:
        return 0.0, 0.0
    probe = large if len(large) <= OVERLAP_SAMPLE else large.slice(0, OVERLAP_SAMPLE)
    found = pc.sum(pc.is_in(probe, value_set=small)).as_py() or 0
    shared = min(len(small), round(found / len(probe) * len(large)))
    return shared / len(small), shared / (len(small) + len(large) - shared)


def similar_columns(columns: Sequence[ColumnKeys]) -> tuple[SimilarColumns, ...]:
    """Every matching pair of columns from different files, in file and column order."""
    pairs = []
    for i, left in enumerate(columns):
        for right in columns[i + 1 :]:
            if left.file == right.file or left.type != right.type or left.type == "empty":
                continue
            same_field = (
                left.suggested
                if left.suggested == right.suggested and left.suggested not in (None, EXTERNAL_ID)
                else None
            )
            contained, jaccard = overlap(left.keys, right.keys)
            by_values = jaccard >= MIN_JACCARD or contained >= MIN_CONTAINED
            if not (by_values or same_field):
                continue
            basis: MatchBasis = (
                "values+header" if by_values and same_field else "values" if by_values else "header"
            )
            pairs.append(
                SimilarColumns(
                    left.ref,
                    right.ref,
                    left.type,
                    round(contained, 3),
                    round(jaccard, 3),
                    left.suggested if left.suggested == right.suggested else None,
                    basis,
                )
            )
    return tuple(pairs)
