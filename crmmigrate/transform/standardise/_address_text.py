"""Shared helpers for the address parsers: vectorised regex over Arrow strings, numerals, tries.

Every parser works on a pandas Series of *distinct* texts (already NFKC-normalised) and returns a
frame of components. The heavy lifting is RE2 via ``pyarrow.compute`` (one compiled pattern per
country family, linear time, no per-row Python); dictionary work is pandas ``map``/``merge``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NONE = np.array(None, dtype=object)  # a missing value that numpy's stubs accept in np.where
COMPONENTS = ("line1", "line2", "district", "city", "state", "postal_code", "country")

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3}
_CN_DIGITS |= {"四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "零〇○一二兩两三四五六七八九十百千"
_SECTION_NAMES = "一二三四五六七八九十"


def cn_to_int(text: str) -> int | None:
    """``十二`` → 12, ``一百零五`` → 105, ``二〇三`` → 203, ``12`` → 12; None if not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    if not any(c in _CN_UNITS for c in text):  # digit by digit: 二〇三
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, digit = 0, 0
    for char in text:
        if char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
        else:
            digit = _CN_DIGITS[char]
    return total + digit


def int_to_cn(number: int) -> str:
    """12 → ``十二``, 20 → ``二十`` (section numbers: 段 are written in Chinese numerals)."""
    if number <= 10:
        return _SECTION_NAMES[number - 1] if number > 0 else "零"
    tens, ones = divmod(number, 10)
    head = "十" if tens == 1 else _SECTION_NAMES[tens - 1] + "十"
    return head + (_SECTION_NAMES[ones - 1] if ones else "") if tens < 10 else str(number)


def to_digits(values: pd.Series) -> pd.Series:
    """Chinese-numeral or Arabic number strings → Arabic digit strings ("" stays "")."""
    out = values.copy()
    odd = values.str.contains(r"[^0-9]", regex=True) & (values != "")
    if odd.any():
        mapping = {v: _as_str(cn_to_int(v)) for v in values[odd].unique()}
        out[odd] = values[odd].map(mapping)
    return out.str.lstrip("0").where(~values.str.fullmatch(r"0+"), "0")


def _as_str(number: int | None) -> str:
    return "" if number is None else str(number)


def trie_regex(words: Iterable[str]) -> str:
    """A compact alternation for many literal words: common prefixes are shared, longer first."""
    trie: dict[str, dict] = {}
    for word in sorted(set(words)):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: Mapping[str, dict]) -> str:
        branches = [re.escape(c) + render(child) for c, child in node.items() if c]
        ends = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"  # greedy: the longer word is preferred
        return body

    return render(trie)


def arrow(series: pd.Series) -> pa.Array:
    values = series if series.dtype == "str" else series.astype("str")
    arr = values.array
    if hasattr(arr, "_pa_array"):  # Arrow-backed already: no copy
        return (
            pa.concat_arrays(arr._pa_array.chunks)
            if arr._pa_array.num_chunks != 1
            else arr._pa_array.chunk(0)
        )
    return pa.array(values, type=pa.string())


def as_series(values: pa.Array, index: pd.Index) -> pd.Series:
    """An Arrow string array as a pandas ``str`` Series (no Python objects in between)."""
    return pd.Series(pd.array(values, dtype="str"), index=index)


def extract(series: pd.Series, pattern: str) -> pd.DataFrame:
    """Named groups of an RE2 pattern as columns of str ("" for a group that took no part).

    A text the pattern does not match gets "" everywhere and ``_matched`` False.
    """
    result = pc.extract_regex(arrow(series), pattern=pattern)
    valid = result.is_valid().to_numpy(zero_copy_only=False)
    names = [result.type.field(i).name for i in range(result.type.num_fields)]
    frame = pd.DataFrame(index=series.index)
    for i, name in enumerate(names):
        col = pc.fill_null(result.field(i), "")
        frame[name] = as_series(col, series.index)
    frame["_matched"] = valid
    return frame


def matches(series: pd.Series, pattern: str) -> np.ndarray:
    hit = pc.match_substring_regex(arrow(series), pattern=pattern)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def replace(series: pd.Series, pattern: str, repl: str) -> pd.Series:
    out = pc.replace_substring_regex(arrow(series), pattern=pattern, replacement=repl)
    return as_series(out, series.index)


def nonempty(values: pd.Series) -> pd.Series:
    """ "" → missing (NaN), for the components handed back to callers."""
    return values.where(values != "")


def concat(parts: Iterable[pd.Series]) -> pd.Series:
    """Concatenate component columns row-wise (missing parts count as "")."""
    cols = [p.fillna("").astype("str") for p in parts]
    out = cols[0]
    for col in cols[1:]:
        out = out + col
    return out


def join_sep(parts: list[pd.Series], sep: str) -> pd.Series:
    """Vectorised ``sep.join(non-empty parts)`` without a per-row Python call."""
    cols = [p.fillna("").astype("str") for p in parts]
    out = cols[0]
    for col in cols[1:]:
        glue = ((out != "") & (col != "")).map({True: sep, False: ""})
        out = out + glue.astype("str") + col
    return out
