"""Blocking: which record pairs are compared at all.

A rule lists key parts; two records are a candidate pair when they agree on every part of at
least one rule. Keys are computed once per column, records are grouped by key, and the pairs
inside each group are generated with numpy, so candidate pairs grow with the sizes of the groups
(near-linearly for sensible rules), never with the square of the row count. A group larger than
``max_block_size`` (``Smith`` + no other key) is skipped and counted, not compared: a rule that
produces such groups is too loose, and the report says which one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

KeyTransform = Callable[[pd.Series], pd.Series]


def _initial(values: pd.Series) -> pd.Series:
    return values.str.slice(0, 1)


def _prefix3(values: pd.Series) -> pd.Series:
    return values.str.slice(0, 3)


def _year(values: pd.Series) -> pd.Series:
    return values.str.slice(0, 4)


def _digits(values: pd.Series) -> pd.Series:
    return values.str.replace(r"\D+", "", regex=True).replace("", None)


def _last4(values: pd.Series) -> pd.Series:
    return values.str.slice(-4)


def _root(values: pd.Series) -> pd.Series:
    from crmmigrate.transform.dedupe.names import given_name_root

    return given_name_root(values).astype("str")


TRANSFORMS: dict[str, KeyTransform] = {
    "initial": _initial,
    "prefix3": _prefix3,
    "year": _year,
    "digits": _digits,
    "last4": _last4,
    "root": _root,
}


@dataclass(frozen=True)
class RuleStats:
    rule: str
    pairs: int
    skipped_blocks: int
    skipped_records: int


def key_part(frame: pd.DataFrame, part: str, sets: dict[str, list[str]]) -> pd.DataFrame:
    """Long table (row, key) of one key part; a set field gives one row per value it holds."""
    name, _, transform = part.partition(":")
    pieces = []
    for column in sets.get(name, [name]):
        values = frame[column]
        if transform:
            values = TRANSFORMS[transform](values)
        pieces.append(pd.DataFrame({"row": np.arange(len(frame)), part: values.to_numpy()}))
    long = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
    long = long[long[part].notna() & (long[part] != "")]
    return long.drop_duplicates() if len(pieces) > 1 else long


def pairs_within_groups(
    rows: np.ndarray, groups: np.ndarray, max_size: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """All pairs (left < right) of rows sharing a group; groups above ``max_size`` skipped."""
    order = np.lexsort((rows, groups))
    rows, groups = rows[order], groups[order]
    if len(rows) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, 0, 0
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[starts, len(groups)])
    too_big = sizes > max_size
    skipped_blocks, skipped_rows = int(too_big.sum()), int(sizes[too_big].sum())
    keep = (sizes >= 2) & ~too_big
    starts, sizes = starts[keep], sizes[keep]
    # element at position p of a group [s, s + z) pairs with the z - 1 - (p - s) after it
    pos = np.repeat(starts, sizes) + _ranges(sizes)
    after = np.repeat(starts + sizes, sizes) - pos - 1
    left_pos = np.repeat(pos, after)
    right_pos = left_pos + 1 + _ranges(after)
    left, right = rows[left_pos], rows[right_pos]
    low, high = np.minimum(left, right), np.maximum(left, right)
    keep_pair = low != high  # a set field can put one record twice in a group
    return low[keep_pair], high[keep_pair], skipped_blocks, skipped_rows


def _ranges(counts: np.ndarray) -> np.ndarray:
    """Concatenated aranges: [0..c0), [0..c1), …"""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets


def candidate_pairs(
    frame: pd.DataFrame,
    rules: list[list[str]],
    sets: dict[str, list[str]],
    max_block_size: int,
) -> tuple[np.ndarray, np.ndarray, list[RuleStats]]:
    """Distinct candidate pairs (left < right, row positions) of all rules, and per-rule stats."""
    n = len(frame)
    encoded: list[np.ndarray] = []
    stats: list[RuleStats] = []
    for rule in rules:
        long: pd.DataFrame | None = None
        for part in rule:
            piece = key_part(frame, part, sets)
            long = piece if long is None else long.merge(piece, on="row")
        assert long is not None
        groups = long.groupby(list(rule), sort=False, observed=True).ngroup().to_numpy()
        left, right, skipped, skipped_rows = pairs_within_groups(
            long["row"].to_numpy(np.int64), groups, max_block_size
        )
        codes = np.unique(left * n + right)
        encoded.append(codes)
        stats.append(RuleStats("+".join(rule), len(codes), skipped, skipped_rows))
    codes = np.unique(np.concatenate(encoded)) if encoded else np.empty(0, dtype=np.int64)
    return codes // n, codes % n, stats
