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


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting: numpy 2's hash-based unique is several times slower on the
    large, spread-out int64 pair codes used here."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


@dataclass(frozen=True)
class RuleStats:
    rule: str
    pairs: int
    skipped_blocks: int
    skipped_records: int


def rule_name(rule: list[str]) -> str:
    return "+".join(rule)


class KeyCodes:
    """Integer codes of key parts, computed once per (field, transform) and cached.

    A part gives a long table: ``rows`` (record positions) and ``codes`` (the key value's
    code), one entry per record and value — a set field gives a record several entries.
    Transforms run on the distinct values only.
    """

    def __init__(self, frame: pd.DataFrame, sets: dict[str, list[str]]) -> None:
        self.frame = frame
        self.sets = sets
        self._cache: dict[str, tuple[np.ndarray, np.ndarray, bool]] = {}
        self._matrices: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

    def matrix(self, columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Codes (rows × columns, -1 = empty) over the columns' shared distinct values."""
        if columns not in self._matrices:
            stacked = pd.concat([self.frame[c] for c in columns], ignore_index=True)
            flat, uniques = pd.factorize(stacked, use_na_sentinel=True)
            codes = flat.astype(np.int64).reshape(len(columns), len(self.frame)).T
            self._matrices[columns] = (codes, np.asarray(uniques, dtype=object))
        return self._matrices[columns]

    def part(self, part: str) -> tuple[np.ndarray, np.ndarray, bool]:
        """(rows, codes, single) for one key part; ``single`` = at most one entry per record."""
        if part not in self._cache:
            self._cache[part] = self._compute(part)
        return self._cache[part]

    def _compute(self, part: str) -> tuple[np.ndarray, np.ndarray, bool]:
        name, _, transform = part.partition(":")
        columns = self.sets.get(name, [name])
        n = len(self.frame)
        matrix, uniques = self.matrix(tuple(columns))
        flat = matrix.T.reshape(-1)
        if transform and len(uniques):
            derived = TRANSFORMS[transform](pd.Series(uniques, dtype="str"))
            derived = derived.where(derived.notna() & (derived != ""), None)
            remap, _ = pd.factorize(derived, use_na_sentinel=True)
            flat = np.where(flat >= 0, remap.astype(np.int64)[np.maximum(flat, 0)], -1)
        rows = np.tile(np.arange(n, dtype=np.int64), len(columns))
        keep = flat >= 0
        rows, flat = rows[keep], flat[keep]
        if len(columns) > 1:
            both = sorted_unique(rows * (int(flat.max(initial=0)) + 1) + flat)
            width = int(flat.max(initial=0)) + 1
            rows, flat = both // width, both % width
        return rows, flat, len(columns) == 1


def rule_keys(keys: KeyCodes, rule: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, group code) of one blocking rule: records agreeing on every part share a code."""
    rows, codes, _ = keys.part(rule[0])
    for part in rule[1:]:
        more_rows, more_codes, single = keys.part(part)
        if single:
            full = np.full(len(keys.frame), -1, dtype=np.int64)
            full[more_rows] = more_codes
            extra = full[rows]
            keep = extra >= 0
            rows, codes, extra = rows[keep], codes[keep], extra[keep]
        else:  # a set part: one entry per (entry so far, value of the set)
            joined = pd.DataFrame({"row": rows, "a": codes}).merge(
                pd.DataFrame({"row": more_rows, "b": more_codes}), on="row"
            )
            rows = joined["row"].to_numpy(np.int64)
            codes, extra = joined["a"].to_numpy(np.int64), joined["b"].to_numpy(np.int64)
        combined = codes * (int(extra.max(initial=0)) + 1) + extra
        codes = np.unique(combined, return_inverse=True)[1].astype(np.int64)
    return rows, codes


def pairs_within_groups(
    rows: np.ndarray, groups: np.ndarray, max_size: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """All pairs (left < right) of rows sharing a group; groups above ``max_size`` skipped."""
    order = np.argsort(groups, kind="stable")  # pairs are put in (low, high) order below
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
    keys: KeyCodes | None = None,
) -> tuple[np.ndarray, np.ndarray, list[RuleStats], dict[str, np.ndarray]]:
    """Distinct candidate pairs (left < right, row positions) of all rules, per-rule stats,
    and each rule's own pairs as sorted codes ``left * n + right``."""
    n = len(frame)
    keys = keys or KeyCodes(frame, sets)
    encoded: dict[str, np.ndarray] = {}
    stats: list[RuleStats] = []
    for rule in rules:
        rows, groups = rule_keys(keys, rule)
        left, right, skipped, skipped_rows = pairs_within_groups(rows, groups, max_block_size)
        codes = left * n + right
        # a single-valued key puts a pair in one group only; a set field may repeat it
        single = all(keys.part(p)[2] for p in rule)
        codes = np.sort(codes) if single else sorted_unique(codes)
        encoded[rule_name(rule)] = codes
        stats.append(RuleStats(rule_name(rule), len(codes), skipped, skipped_rows))
    codes = (
        sorted_unique(np.concatenate(list(encoded.values())))
        if encoded
        else np.empty(0, dtype=np.int64)
    )
    return codes // n, codes % n, stats, encoded
