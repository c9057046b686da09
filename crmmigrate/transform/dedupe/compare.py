"""Comparisons: each field of each candidate pair becomes an ordered agreement level.

Level ``-1`` means a side is empty (no evidence either way); ``0`` is "different"; higher levels
agree more closely, the top level being equality. Values are factorised once per column, so a
pair is two integer codes; string similarity is computed once per *distinct* pair of codes with
rapidfuzz's ``cpdist`` (C++, all cores) and mapped back. No Python loop runs per pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.fuzz import token_set_ratio

from crmmigrate.transform.dedupe.spec import Kind

# level labels per kind, index = level (what review.csv shows)
LEVELS: dict[Kind, tuple[str, ...]] = {
    "exact": ("different", "exact"),
    "identifier": ("different", "exact"),
    "text": ("different", "similar words", "similar", "exact"),
    "company": ("different", "similar words", "similar", "exact"),
    "name": ("different", "initial or weak", "similar", "variant", "exact"),
    "email": ("different", "similar", "same mailbox name", "exact"),
    "phone": ("different", "same last 7 digits", "exact"),
    "date": ("different", "within a year", "one digit off", "day/month swapped", "exact"),
    "number": ("different", "within 5%", "exact"),
    "street": ("different", "similar words", "similar", "exact"),
    "postal": ("different", "same area", "exact"),
}

VariantKey = Callable[[pd.Series], pd.Series]


@dataclass(frozen=True)
class NameCodes:
    """A name column's distinct values: nickname-root code (-1 none) and Chinese or not."""

    root: np.ndarray | None
    han: np.ndarray


@dataclass(frozen=True)
class StreetCodes:
    """A street column's distinct values taken apart (codes per distinct value, -1 empty)."""

    number: np.ndarray
    unit: np.ndarray
    rest: np.ndarray  # code of the respelled words
    rest_text: np.ndarray  # object array: the respelled words per rest code


def street_codes(uniques: np.ndarray, parts: pd.DataFrame | None = None) -> StreetCodes:
    from crmmigrate.transform.dedupe.streets import street_parts

    if parts is None:
        parts = street_parts(pd.Series(uniques, dtype=object))
    number = pd.factorize(parts["number"], use_na_sentinel=True)[0].astype(np.int64)
    unit = pd.factorize(parts["unit"], use_na_sentinel=True)[0].astype(np.int64)
    rest, rest_text = pd.factorize(parts["rest"], use_na_sentinel=True)
    return StreetCodes(number, unit, rest.astype(np.int64), np.asarray(rest_text, dtype=object))


def postal_main(values: pd.Series) -> pd.Series:
    """A postal code without its extension: ZIP+4 → the ZIP, a Taiwanese 3+2 or 3+3 code → its
    first 3 digits, spaces dropped, upper case."""
    text = values.astype("str").str.upper().str.replace(r"\s+", "", regex=True)
    main = text.str.split("-", n=1).str[0]
    six = main.str.fullmatch(r"\d{6}").fillna(False) & text.str.fullmatch(r"\d{6}").fillna(False)
    return main.where(~six, main.str.slice(0, 3))


def postal_codes(uniques: np.ndarray) -> np.ndarray:
    """(main code, area code) per distinct postal code; the area is the first three
    characters of the main code."""
    main = postal_main(pd.Series(uniques, dtype=object))
    area = main.str.slice(0, 3)
    return np.stack([pd.factorize(main)[0], pd.factorize(area)[0]], axis=1).astype(np.int64)


@dataclass
class Column:
    """A compared field factorised: codes per record (one column per member of a set field)."""

    codes: np.ndarray  # (rows, members) int64, -1 = empty
    uniques: np.ndarray  # object array of str
    counts: np.ndarray  # records holding each unique value (for term frequencies)

    @property
    def nonnull(self) -> int:
        return int((self.codes >= 0).any(axis=1).sum())


def column_of(codes: np.ndarray, uniques: np.ndarray) -> Column:
    """A :class:`Column` from codes (rows × members) and their distinct values."""
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return Column(codes, uniques, counts)


def _similarity(
    uniques: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    scorer: Callable[..., float],
    cutoff: float | None = None,
) -> np.ndarray:
    """Similarity (0..1) of value pairs given by codes, computed once per distinct code pair.

    ``cutoff`` lets rapidfuzz stop early on pairs that cannot reach it (they score 0, or
    cutoff + 1 for a distance).
    """
    if len(a) == 0:
        return np.zeros(0)
    size = len(uniques) + 1
    key = np.minimum(a, b) * size + np.maximum(a, b)
    inverse, distinct = pd.factorize(key)  # hashing: faster than np.unique's sort
    lo, hi = distinct // size, distinct % size
    scores = process.cpdist(
        uniques[lo].tolist(),
        uniques[hi].tolist(),
        scorer=scorer,
        workers=-1,
        score_cutoff=cutoff,
    ).astype(np.float32)
    if scorer is token_set_ratio:
        scores /= 100.0
    return scores[inverse]


def _levels_for(
    kind: Kind,
    uniques: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    variant: object | None,
) -> np.ndarray:
    """Levels for code pairs (both non-empty)."""
    equal = a == b
    top = len(LEVELS[kind]) - 1
    levels = np.where(equal, top, 0).astype(np.int8)
    todo = np.flatnonzero(~equal)
    if len(todo) == 0 or kind in ("exact", "identifier"):
        return levels
    ta, tb = a[todo], b[todo]
    if kind in ("text", "company"):
        jw = _similarity(uniques, ta, tb, JaroWinkler.normalized_similarity, 0.7)
        levels[todo] = np.where(jw >= 0.92, 2, 0)
        # token-set similarity (same words, another order or an extra word) only where the
        # characters are already close: most candidate pairs' streets have nothing in common
        weak = np.flatnonzero((jw < 0.92) & (jw >= 0.7))
        if len(weak):
            ts = _similarity(uniques, ta[weak], tb[weak], token_set_ratio, 80)
            levels[todo[weak]] = np.where(ts >= 0.8, 1, 0)
    elif kind == "name":
        jw = _similarity(uniques, ta, tb, JaroWinkler.normalized_similarity, 0.8)
        lev = np.where(jw >= 0.92, 2, np.where(jw >= 0.8, 1, 0))
        # Jaro–Winkler is harsh on two-character Chinese given names: one character off
        # (佳芬 / 佳許) counts as a weak agreement, as a typo does in a longer name
        short = np.flatnonzero(lev == 0)
        if len(short):
            one_off = _similarity(uniques, ta[short], tb[short], Levenshtein.distance, 1) == 1
            lev[short[one_off]] = 1
        names = variant if isinstance(variant, NameCodes) else NameCodes(None, _has_han(uniques))
        if names.root is not None:
            root = names.root
            lev = np.where((root[ta] == root[tb]) & (root[ta] >= 0), 3, lev)
        initial = _initial_match(uniques, ta, tb)
        lev = np.where(initial & (lev == 0), 1, lev)
        # 張 and Chang cannot be compared letter by letter: no evidence either way (the
        # romanised name keys compare them)
        han = names.han
        levels[todo] = np.where(han[ta] != han[tb], -1, lev)
    elif kind == "email":
        local = variant if isinstance(variant, np.ndarray) else None
        lv = _similarity(uniques, ta, tb, Levenshtein.normalized_similarity, 0.9)
        lev = np.where(lv >= 0.9, 1, 0)
        if local is not None:
            lev = np.where((local[ta] == local[tb]) & (local[ta] >= 0), 2, lev)
        levels[todo] = lev
    elif kind == "street":
        assert isinstance(variant, StreetCodes)
        levels[todo] = _street_levels(variant, ta, tb)
    elif kind == "postal":
        assert isinstance(variant, np.ndarray)
        main = variant[ta, 0] == variant[tb, 0]
        area = variant[ta, 1] == variant[tb, 1]
        levels[todo] = np.select([main, area], [2, 1], 0).astype(np.int8)
    elif kind == "phone":
        if isinstance(variant, np.ndarray):
            levels[todo] = np.where((variant[ta] == variant[tb]) & (variant[ta] >= 0), 1, 0)
    elif kind == "date":
        parts = variant if isinstance(variant, DateParts) else None
        levels[todo] = _date_levels(uniques, ta, tb, parts)
    elif kind == "number":
        num = pd.to_numeric(pd.Series(uniques), errors="coerce").to_numpy(np.float64)
        x, y = num[ta], num[tb]
        close = np.abs(x - y) <= 0.05 * np.maximum(np.abs(x), np.abs(y))
        levels[todo] = np.where(close, 1, 0)
    return levels


def _street_levels(parts: StreetCodes, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Another house number or another unit is another address; otherwise the words decide
    (respelled: ``E. 29th Pl.`` equals ``East 29th Place``)."""
    out = np.zeros(len(a), dtype=np.int8)
    na, nb, ua, ub = parts.number[a], parts.number[b], parts.unit[a], parts.unit[b]
    other_number = (na >= 0) & (nb >= 0) & (na != nb)
    other_unit = (ua >= 0) & (ub >= 0) & (ua != ub)
    ra, rb = parts.rest[a], parts.rest[b]
    live = ~other_number & ~other_unit & (ra >= 0) & (rb >= 0)
    same = live & (ra == rb)
    out[same] = np.where((na[same] >= 0) & (na[same] == nb[same]), 3, 2)
    fuzzy = np.flatnonzero(live & ~same)
    if len(fuzzy):
        x, y = ra[fuzzy], rb[fuzzy]
        jw = _similarity(parts.rest_text, x, y, JaroWinkler.normalized_similarity, 0.7)
        ts = _similarity(parts.rest_text, x, y, token_set_ratio, 80)
        out[fuzzy] = np.where(jw >= 0.92, 2, np.where(ts >= 0.8, 1, 0))
    return out


def _has_han(uniques: np.ndarray) -> np.ndarray:
    return (
        pd.Series(uniques, dtype="str").str.contains(_HAN, regex=True).fillna(False).to_numpy(bool)
    )


_HAN = "[\u3400-\u9fff\uf900-\ufaff]"


def _initial_match(uniques: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One side is an initial ("J" / "J.") of the other."""
    text = pd.Series(uniques, dtype="str")
    short_value = (text.str.rstrip(".").str.len() == 1).to_numpy(dtype=bool)
    short = short_value[a] | short_value[b]
    if not short.any():
        return short
    firsts = text.str.slice(0, 1).str.lower().to_numpy(dtype=object)
    out = np.zeros(len(a), dtype=bool)
    out[short] = firsts[a[short]] == firsts[b[short]]
    return out


@dataclass(frozen=True)
class DateParts:
    """Year, month, day and days since 1900 per distinct date (NaN where not a date)."""

    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    days: np.ndarray


def date_parts(uniques: np.ndarray) -> DateParts:
    parsed = pd.to_datetime(pd.Series(uniques, dtype="str"), format="%Y-%m-%d", errors="coerce")
    return DateParts(
        parsed.dt.year.to_numpy(np.float64),
        parsed.dt.month.to_numpy(np.float64),
        parsed.dt.day.to_numpy(np.float64),
        (parsed - pd.Timestamp("1900-01-01")).dt.days.to_numpy(np.float64),
    )


def _date_levels(
    uniques: np.ndarray, a: np.ndarray, b: np.ndarray, parts: DateParts | None = None
) -> np.ndarray:
    parts = parts or date_parts(uniques)
    year, month, day, days = parts.year, parts.month, parts.day, parts.days
    swapped = (year[a] == year[b]) & (month[a] == day[b]) & (day[a] == month[b])
    # one digit wrong, or two next to each other swapped (1967 / 1976): one optimal-string-
    # alignment edit
    one_digit = _similarity(uniques, a, b, OSA.distance, 1) == 1
    near = np.abs(days[a] - days[b]) <= 365
    return np.select([swapped, one_digit, near], [3, 2, 1], 0).astype(np.int8)


def variant_of(
    kind: Kind, column: Column, key: VariantKey | None, streets: StreetCodes | None = None
) -> object | None:
    """What a kind compares beside the value itself, worked out once per distinct value."""
    if kind == "street":
        return streets if streets is not None else street_codes(column.uniques)
    if kind == "postal":
        return postal_codes(column.uniques)
    if kind == "date":
        return date_parts(column.uniques)
    if kind == "name":
        return NameCodes(variant_codes(column, key) if key else None, _has_han(column.uniques))
    return variant_codes(column, key) if key else None


def variant_codes(column: Column, key: VariantKey) -> np.ndarray:
    """Codes of a derived key per unique value (a name's root, a phone's last digits…)."""
    derived = key(pd.Series(column.uniques, dtype="str"))
    derived = derived.where(derived.notna() & (derived != ""), None)
    codes, _ = pd.factorize(derived, use_na_sentinel=True)
    return codes.astype(np.int64)


def compare(
    kind: Kind,
    uniques: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    variant: object | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Levels (int8, -1 = empty) per pair, and the code of the agreeing value (-1 if none).

    ``a`` and ``b`` hold each pair's codes, one column per member of a set field; a set field
    agrees as well as its best-agreeing pair of members.
    """
    n_pairs = len(a)
    best = np.full(n_pairs, -1, dtype=np.int8)
    agreed = np.full(n_pairs, -1, dtype=np.int64)
    for i in range(a.shape[1]):
        for j in range(b.shape[1]):
            ca, cb = a[:, i], b[:, j]
            present = np.flatnonzero((ca >= 0) & (cb >= 0))
            if len(present) == 0:
                continue
            lev = np.full(n_pairs, -1, dtype=np.int8)
            lev[present] = _levels_for(kind, uniques, ca[present], cb[present], variant)
            better = lev > best
            best = np.where(better, lev, best)
            agreed = np.where(better & (ca == cb), ca, agreed)
    return best, agreed
