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


def _tidy(arr: pa.Array, multiline: bool) -> pa.Array:
    if multiline:
        arr = pc.replace_substring(arr, "\r\n", "\n")
        arr = pc.replace_substring_regex(arr, f"[{_WS_NOT_NL}]+", " ")
        arr = pc.replace_substring_regex(arr, r" *\n *", "\n")
    else:
        arr = pc.replace_substring_regex(arr, f"[{_WS}]+", " ")
    return pc.replace_substring_regex(arr, f"^[{_WS}]+|[{_WS}]+$", "")


def clean_text(series: pd.Series, *, multiline: bool = False) -> Standardised:
    """Standardise a whole column of free text (vectorised over its distinct values)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    raw = [u if isinstance(u, str) else str(u) for u in uniques]
    texts = pa.array(raw, type=pa.large_string())
    # NFKC with Python's own Unicode tables (Arrow's may differ for the newest code points), and
    # only where needed: ASCII text is already NFKC
    ascii_ = pc.string_is_ascii(texts).to_numpy(zero_copy_only=False)
    normalized = [unicodedata.normalize("NFKC", raw[i]) for i in np.flatnonzero(~ascii_)]
    norm_list = raw.copy()
    for i, value in zip(np.flatnonzero(~ascii_), normalized, strict=True):
        norm_list[i] = value
    norm = pa.array(norm_list, type=pa.large_string())
    tidy = _tidy(norm, multiline)
    nfkc_changed = pc.not_equal(norm, texts).to_numpy(zero_copy_only=False)
    ws_changed = pc.not_equal(tidy, norm).to_numpy(zero_copy_only=False)
    values = tidy.to_numpy(zero_copy_only=False).astype(object)
    empty = values == ""
    changed = nfkc_changed | ws_changed
    rule = np.full(len(values), None, dtype=object)
    rule[nfkc_changed & ~ws_changed] = "text.nfkc"
    rule[ws_changed & ~nfkc_changed] = "text.whitespace"
    rule[nfkc_changed & ws_changed] = "text.nfkc+whitespace"
    status = np.where(empty, "empty", np.where(changed, "fixed", "ok")).astype(object)
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
    )
