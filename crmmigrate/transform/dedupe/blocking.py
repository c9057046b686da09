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


def _phonetic(values: pd.Series) -> pd.Series:
    """Metaphone of a Latin name (``Smyth`` and ``Smith`` → ``SM0``); None for other scripts,
    whose romanised keys are blocked on instead."""
    import jellyfish

    from crmmigrate.transform.dedupe.names import fold

    def code(text: str) -> str | None:
        folded = fold(text)
        return jellyfish.metaphone(folded) or None if folded.isascii() else None

    return pd.Series([code(v) for v in values.tolist()], index=values.index, dtype=object)


def _swap(values: pd.Series) -> pd.Series:
    """A date with its day and month in ascending order: 1980-05-03 and 1980-03-05 agree."""
    parts = values.str.extract(r"^(\d{4})-(\d{2})-(\d{2})$")
    low = parts[1].where(parts[1] <= parts[2], parts[2])
    high = parts[2].where(parts[1] <= parts[2], parts[1])
    return parts[0] + "-" + low + "-" + high


def _street(values: pd.Series) -> pd.Series:
    from crmmigrate.transform.dedupe.streets import street_parts

    return street_key(street_parts(values)).set_axis(values.index)


def street_key(parts: pd.DataFrame) -> pd.Series:
    """House number and the street's first word, respelled: ``20 Rupp Place`` → ``20 rupp``,
    ``371 E. 29th Pl.`` → ``371 29th``; in Chinese the number and the road: ``100 忠孝東路四段``."""
    # a leading direction (S. University Ave) is the first word one copy leaves out
    rest = parts["rest"].astype("str").str.replace(r"^(?:[nsew]|ne|nw|se|sw) ", "", regex=True)
    first = rest.str.split(" ", n=1).str[0]
    return (parts["number"].astype("str") + " " + first).astype(object)


def _last7(values: pd.Series) -> pd.Series:
    """The last seven digits, an extension left out: a local number written without its area
    code still agrees."""
    number = values.str.replace(r"(?i)\s*(?:ext|x|#|分機|轉).*$", "", regex=True)
    digits = number.str.replace(r"\D+", "", regex=True)
    return digits.str.slice(-7).where(digits.str.len() >= 7, None)


def _postal(values: pd.Series) -> pd.Series:
    """The postal code without its extension (ZIP+4 → ZIP), spaces dropped."""
    from crmmigrate.transform.dedupe.compare import postal_main

    return postal_main(values)


def _token1(values: pd.Series) -> pd.Series:
    """The first word: ``acme trading`` and ``acme`` agree."""
    return values.str.lower().str.extract(r"^\W*(\w+)")[0]


TRANSFORMS: dict[str, KeyTransform] = {
    "initial": _initial,
    "prefix3": _prefix3,
    "year": _year,
    "digits": _digits,
    "last4": _last4,
    "root": _root,
    "phonetic": _phonetic,
    "swap": _swap,
    "street": _street,
    "last7": _last7,
    "postal": _postal,
    "token1": _token1,
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
    split_blocks: int  # blocks above max_block_size, compared by sorted neighbourhood
    split_records: int


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
        self._streets: dict[tuple[str, ...], pd.DataFrame] = {}

    def matrix(self, columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Codes (rows × columns, -1 = empty) over the columns' shared distinct values."""
        if columns not in self._matrices:
            stacked = pd.concat([self.frame[c] for c in columns], ignore_index=True)
            flat, uniques = pd.factorize(stacked, use_na_sentinel=True)
            codes = flat.astype(np.int64).reshape(len(columns), len(self.frame)).T
            self._matrices[columns] = (codes, np.asarray(uniques, dtype=object))
        return self._matrices[columns]

    def alphabetical(self, columns: tuple[str, ...]) -> np.ndarray:
        """Per record, the rank of its first present value of ``columns`` in alphabetical
        order (missing last): near-equal values sort next to each other."""
        codes, uniques = self.matrix(columns)
        rank = np.empty(len(uniques) + 1, dtype=np.int64)
        rank[np.argsort(uniques.astype(str), kind="stable")] = np.arange(len(uniques))
        rank[-1] = len(uniques)  # code -1 (missing) indexes the last slot
        first = np.where(codes[:, 0] >= 0, codes[:, 0], codes.max(axis=1, initial=-1))
        return rank[first]

    def neighbourhood_order(self, columns: list[tuple[str, ...]]) -> np.ndarray:
        """A rank of the records sorted by ``columns`` in turn (each alphabetically)."""
        if not columns:
            return np.arange(len(self.frame), dtype=np.int64)
        ranks = [self.alphabetical(c) for c in reversed(columns)]
        order = np.lexsort(ranks)
        out = np.empty(len(order), dtype=np.int64)
        out[order] = np.arange(len(order))
        return out

    def street_parts(self, columns: tuple[str, ...]) -> pd.DataFrame:
        """The columns' distinct values taken apart as streets (``streets.street_parts``),
        once: the ``street`` key and the street comparison both read them."""
        if columns not in self._streets:
            from crmmigrate.transform.dedupe.streets import street_parts

            _, uniques = self.matrix(columns)
            self._streets[columns] = street_parts(pd.Series(uniques, dtype=object))
        return self._streets[columns]

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
        if transform == "street" and len(uniques):
            derived = street_key(self.street_parts(tuple(columns)))
        elif transform and len(uniques):
            derived = TRANSFORMS[transform](pd.Series(uniques, dtype="str"))
        if transform and len(uniques):
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
        codes = pd.factorize(combined)[0].astype(np.int64)  # hashing: faster than a sort
    return rows, codes


def pairs_within_groups(
    rows: np.ndarray,
    groups: np.ndarray,
    max_size: int,
    order: np.ndarray | None = None,
    window: int = 0,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Pairs (left < right) of rows sharing a group, and (split groups, their rows).

    A group of more than ``max_size`` rows is not compared all against all: its rows are
    sorted by ``order`` (a code per row: the record's other values) and each is paired with
    the ``window`` rows after it (sorted neighbourhood). With ``window`` 0 such a group gives
    no pairs; either way it is counted.
    """
    if len(rows) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, 0, 0
    # one int64 sort key (group, then neighbourhood order): faster than a lexsort of two
    sort_key = groups if order is None else groups * (int(order.max(initial=0)) + 1) + order[rows]
    ordering = np.argsort(sort_key, kind="stable")  # pairs are put in (low, high) order below
    rows, groups = rows[ordering], groups[ordering]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    sizes = np.diff(np.r_[starts, len(groups)])
    too_big = sizes > max_size
    split_blocks, split_rows = int(too_big.sum()), int(sizes[too_big].sum())
    keep = (sizes >= 2) & ~too_big
    left_pos, right_pos = _all_pairs(starts[keep], sizes[keep])
    if window > 0 and split_blocks:
        near_left, near_right = _neighbour_pairs(starts[too_big], sizes[too_big], window)
        left_pos = np.concatenate([left_pos, near_left])
        right_pos = np.concatenate([right_pos, near_right])
    left, right = rows[left_pos], rows[right_pos]
    low, high = np.minimum(left, right), np.maximum(left, right)
    keep_pair = low != high  # a set field can put one record twice in a group
    return low[keep_pair], high[keep_pair], split_blocks, split_rows


def _all_pairs(starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions within each range [start, start + size)."""
    # element at position p of a group [s, s + z) pairs with the z - 1 - (p - s) after it
    pos = np.repeat(starts, sizes) + _ranges(sizes)
    after = np.repeat(starts + sizes, sizes) - pos - 1
    left_pos = np.repeat(pos, after)
    return left_pos, left_pos + 1 + _ranges(after)


def _neighbour_pairs(
    starts: np.ndarray, sizes: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each position with the ``window`` positions after it, within each range."""
    pos = np.repeat(starts, sizes) + _ranges(sizes)
    ends = np.repeat(starts + sizes, sizes)
    after = np.minimum(ends - pos - 1, window)
    left_pos = np.repeat(pos, after)
    return left_pos, left_pos + 1 + _ranges(after)


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
    order: np.ndarray | None = None,
    window: int = 0,
) -> tuple[np.ndarray, np.ndarray, list[RuleStats], dict[str, np.ndarray]]:
    """Distinct candidate pairs (left < right, row positions) of all rules, per-rule stats,
    and each rule's own pairs as sorted codes ``left * n + right``. A block above
    ``max_block_size`` is compared by sorted neighbourhood (``order``, ``window``)."""
    n = len(frame)
    keys = keys or KeyCodes(frame, sets)
    encoded: dict[str, np.ndarray] = {}
    stats: list[RuleStats] = []
    for rule in rules:
        rows, groups = rule_keys(keys, rule)
        left, right, skipped, skipped_rows = pairs_within_groups(
            rows, groups, max_block_size, order, window
        )
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
