"""Text clean-up applied to every mapped field: Unicode NFKC and whitespace.

NFKC folds full-width letters and digits (``０９１２`` → ``0912``, ``＠`` → ``@``) and other
compatibility forms; whitespace clean-up trims the ends and collapses runs of spaces, tabs and
ideographic spaces into one space. Line breaks inside a value are kept only for text fields.
The work is vectorised with Arrow over the column's distinct values.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise.base import Outcome, Standardised, fixed

_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but newline (NFKC already made U+3000 a space)
_ALL_SPACES = re.compile(r"\s+")
_NEWLINE_PADDING = re.compile(r" *\n *")


def clean_text_value(value: str, *, multiline: bool = False) -> Outcome:
    """NFKC-normalise one value and tidy its whitespace (the per-value reference version)."""
    norm = unicodedata.normalize("NFKC", value)
    rule = "text.nfkc" if norm != value else None
    if multiline:
        tidy = _NEWLINE_PADDING.sub("\n", _SPACES.sub(" ", norm.replace("\r\n", "\n"))).strip()
    else:
        tidy = _ALL_SPACES.sub(" ", norm).strip()
    if tidy != norm:
        rule = "text.whitespace" if rule is None else "text.nfkc+whitespace"
    return fixed(value, tidy, rule or "text")


# Python's \s (what clean_text_value uses) in RE2 syntax: ASCII whitespace, the information
# separators \x1c-\x1f, NEL and every Unicode space/line/paragraph separator.
_WS = r"\t\n\v\f\r \x1c-\x1f\x85\p{Z}"
_WS_NOT_NL = r"\t\v\f\r \x1c-\x1f\x85\p{Z}"
_WS_NOT_SPACE = r"\t\n\v\f\r\x1c-\x1f\x85"  # with [^\PZ ], every whitespace but " "


def _tidy(arr: pa.Array, multiline: bool) -> pa.Array:
    if multiline:
        arr = pc.replace_substring(arr, "\r\n", "\n")
        arr = pc.replace_substring_regex(arr, f"[{_WS_NOT_NL}]+", " ")
        arr = pc.replace_substring_regex(arr, r" *\n *", "\n")
    else:
        arr = pc.replace_substring_regex(arr, f"[{_WS}]+", " ")
    return pc.replace_substring_regex(arr, f"^[{_WS}]+|[{_WS}]+$", "")


# A value matching neither pattern is left as it is by NFKC / by ``_tidy``, so only the values
# that match are worked on. ASCII and CJK Unified Ideographs are NFKC already; ``_tidy`` changes
# nothing in a value whose only whitespace is single spaces between other characters.
_MAY_NFKC = r"[^\x00-\x7f\x{4e00}-\x{9fff}]"
_MAY_TIDY = f"[{_WS_NOT_SPACE}]|[^\\PZ ]|  |^[{_WS}]|[{_WS}]$"


def clean_text(series: pd.Series, *, multiline: bool = False) -> Standardised:
    """Standardise a whole column of free text (vectorised over its distinct values)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    raw = np.asarray(uniques, dtype=object)
    all_text = pd.api.types.infer_dtype(raw, skipna=False) in ("string", "empty")
    if not all_text:
        raw = _objects([u if isinstance(u, str) else str(u) for u in raw])
    texts = pa.array(raw, type=pa.large_string())
    # NFKC with Python's own Unicode tables (Arrow's may differ for the newest code points), and
    # only where needed
    odd = np.flatnonzero(_matches(texts, _MAY_NFKC))
    normalized = [unicodedata.normalize("NFKC", v) for v in raw[odd]]
    nfkc_changed = np.zeros(len(raw), dtype=bool)
    nfkc_changed[odd] = [n != v for n, v in zip(normalized, raw[odd], strict=True)]
    norm = texts
    if nfkc_changed.any():
        new = [n for n, c in zip(normalized, nfkc_changed[odd], strict=True) if c]
        norm = pc.replace_with_mask(texts, pa.array(nfkc_changed), pa.array(new, texts.type))
    may_tidy = _matches(norm, _MAY_TIDY)
    ws_changed = np.zeros(len(raw), dtype=bool)
    tidy = norm
    if may_tidy.any():
        some = pa.array(may_tidy)
        before, after = norm.filter(some), _tidy(norm.filter(some), multiline)
        ws_changed[may_tidy] = pc.not_equal(after, before).to_numpy(zero_copy_only=False)
        tidy = pc.replace_with_mask(norm, some, after)
    changed = nfkc_changed | ws_changed
    # unchanged values keep their own objects; only the changed ones are made from Arrow
    values = raw.copy()
    values[changed] = tidy.filter(pa.array(changed)).to_numpy(zero_copy_only=False)
    empty = values == ""
    rule = np.full(len(values), None, dtype=object)
    rule[nfkc_changed & ~ws_changed] = "text.nfkc"
    rule[ws_changed & ~nfkc_changed] = "text.whitespace"
    rule[nfkc_changed & ws_changed] = "text.nfkc+whitespace"
    status = np.where(empty, "empty", np.where(changed, "fixed", "ok")).astype(object)
    # a blank text becomes missing: a change too, unless there is none
    unchanged = all_text and not changed.any() and not empty.any()
    values[empty] = None
    rule[~changed & ~empty] = None
    rule[empty & ~changed] = None
    # missing cells take the extra last slot
    take = np.where(codes < 0, len(values), codes)

    def column(arr: np.ndarray, fill: object) -> pd.Series:
        full = np.append(arr, np.array([fill], dtype=object))
        return pd.Series(full[take], index=series.index, dtype=object)

    return Standardised(
        values=column(values, None),
        status=column(status, "empty"),
        rule=column(rule, None),
        reason=pd.Series(np.full(len(series), None, dtype=object), index=series.index),
        unchanged=unchanged,
    )


def _matches(texts: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(
        pc.match_substring_regex(texts, pattern).to_numpy(zero_copy_only=False), dtype=bool
    )


def _objects(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
