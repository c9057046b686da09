"""Per-value tests over distinct values: the inferred type, the value's shape, its match key.

Every function takes an Arrow string array of *distinct* values and runs vectorised (RE2
regular expressions in Arrow); nothing loops per row or per value in Python.

Shapes: digits become ``9``, ASCII letters ``A``/``a``, CJK characters ``漢``, other letters
``A``/``a`` by case, anything else is kept, so ``0912-345-678`` becomes ``9999-999-999``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ColumnType = Literal[
    "empty",
    "email",
    "url",
    "roc_date",
    "date",
    "postal_code",
    "phone",
    "money",
    "number",
    "integer",
    "id",
    "company_name",
    "person_name",
    "text",
]
PATTERN_MAX_CHARS = 40
# Types whose repeated values mean repeated records (after normalisation).
KEY_TYPES: frozenset[str] = frozenset({"email", "phone", "id"})
NAME_TYPES: frozenset[str] = frozenset({"person_name", "company_name"})

# Per-value tests, in precedence order: a value takes the first type whose expression matches.
# They run on the trimmed, NFKC-normalised value (full-width digits are digits). RE2 syntax.
_DAY = r"(0?[1-9]|[12]\d|3[01])"
_MONTH = r"(0?[1-9]|1[0-2])"
_TIME = r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
_MONTH_NAME = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_EXT = r"(\s*(#|ext\.?|x|分機|轉)\s*\d{1,6})?"
_TLD = r"(com|net|org|info|biz|io|co|edu|gov|tw|hk|cn|mo|sg|jp|us|uk|de)(\.[a-z]{2})?"
_CURRENCY = r"(NT\$|US\$|HK\$|\$|€|£|¥|RMB|TWD|NTD|USD|HKD|CNY)"
_COMPANY_SUFFIX = (
    r"(股份有限公司|有限公司|\(股\)公司|公司|企業社|企业社|商行|行號|工作室|事務所|事务所|"
    r"集團|集团|株式会社|合作社)$"
)
_COMPANY_LATIN = (
    r"(?i:[\s,.]((co\.?,?\s*)?ltd\.?|limited|inc\.?|incorporated|corp\.?|corporation|llc|"
    r"l\.l\.c\.|gmbh|plc|s\.a\.|pte\.?\s*ltd\.?|company|co\.)$)"
)
_PLACE_END = "市縣县區区鄉乡鎮镇村里路街段號号樓楼巷弄省"
_TYPE_TESTS: tuple[tuple[ColumnType, tuple[str, ...]], ...] = (
    ("email", (r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",)),
    (
        "url",
        (
            r"(?i:^(https?://|www\.)\S+$)",
            rf"(?i:^[a-z0-9][a-z0-9\-]*(\.[a-z0-9\-]+)*\.{_TLD}(/\S*)?$)",
        ),
    ),
    (
        "roc_date",  # Minguo calendar: year 1 = 1912; two-digit years below 32 read as days
        (
            rf"^民[國国]\s*\d{{2,3}}\s*[-/.年]\s*{_MONTH}\s*[-/.月]\s*{_DAY}\s*日?$",
            rf"^(3[2-9]|[4-9]\d|0\d\d|1[0-4]\d)[-/.年]{_MONTH}[-/.月]{_DAY}日?$",
            r"^(0\d\d|1[0-4]\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$",
        ),
    ),
    (
        "date",
        (
            rf"^(1[89]|2[01])\d\d[-/.]{_MONTH}[-/.]{_DAY}{_TIME}$",
            rf"^(1[89]|2[01])\d\d年{_MONTH}月{_DAY}日?$",
            rf"^\d{{1,2}}[-/.]\d{{1,2}}[-/.]((1[89]|2[01])\d\d|\d\d){_TIME}$",
            r"^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$",
            rf"(?i:^\d{{1,2}}[ -]{_MONTH_NAME}[ ,-]+\d{{2,4}}$)",
            rf"(?i:^{_MONTH_NAME} \d{{1,2}}(st|nd|rd|th)?,? \d{{4}}$)",
        ),
    ),
    (
        "postal_code",  # shapes only: a bare 3- or 5-digit code is indistinguishable from a count
        (
            r"^\d{5}-\d{4}$",
            r"(?i:^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$)",
            r"(?i:^[A-Z]\d[A-Z] ?\d[A-Z]\d$)",
            r"(?i:^\d{4} ?[A-Z]{2}$)",
        ),
    ),
    (
        "phone",
        (
            rf"^\+\d[\d\s\-().]{{5,20}}\d{_EXT}$",
            rf"^0[1-9][\d\s\-().]{{5,15}}\d{_EXT}$",
            rf"^\(0?\d{{1,4}}\)\s*[\d\s\-.]{{5,14}}\d{_EXT}$",
            rf"^[1-9]\d\d[\-.\s]\d{{3}}[\-.\s]\d{{4}}{_EXT}$",
            rf"^[2-9]\d{{3}}[\-\s]\d{{4}}{_EXT}$",
            r"^9\d{8}$",  # a Taiwan mobile whose leading 0 a spreadsheet dropped
            r"^886\d{8,9}$",
        ),
    ),
    (
        "money",
        (
            rf"(?i:^{_CURRENCY}\s?[-+]?[\d,]*\d(\.\d+)?$)",
            rf"(?i:^[-+]?[\d,]*\d(\.\d+)?\s?({_CURRENCY}|元|圓|圆|块|塊)$)",
        ),
    ),
    (
        "number",
        (r"^[-+]?(\d{1,3}(,\d{3})+|\d+)?\.\d+$", r"^[-+]?\d+(\.\d+)?[eE][-+]?\d+$"),
    ),
    ("integer", (r"^[-+]?([1-9]\d{0,17}|0|\d{1,3}(,\d{3})+)$",)),
    ("id", (r"^[A-Za-z0-9][A-Za-z0-9\-_/.#:]{0,39}$",)),  # code-like, and needs a digit (below)
    ("company_name", (_COMPANY_SUFFIX, _COMPANY_LATIN, r"^株式会社")),
    (
        "person_name",  # CJK 2-4 characters (not a place), or two or three capitalised words
        (
            rf"^\p{{Han}}{{1,3}}[^\P{{Han}}{_PLACE_END}]$",
            r"^\p{Lu}[\p{L}'’\-]*\.?( \p{Lu}[\p{L}'’\-]*\.?){1,2}$",
        ),
    ),
)
_TYPES: tuple[ColumnType, ...] = (*(t for t, _ in _TYPE_TESTS), "text")
# One alternation per type: RE2 runs it in a single pass.
_COMBINED = {kind: "|".join(f"(?:{e})" for e in exprs) for kind, exprs in _TYPE_TESTS}

_CJK = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Bopomofo}]"
_CJK_MARK = "\x01"  # a stand-in while other letters are rewritten; no letter class matches it
# Byte-level shapes for ASCII (UTF-8 continuation and lead bytes are >= 0x80: left alone).
_BYTE_SHAPES = np.arange(256, dtype=np.uint8)
_BYTE_SHAPES[ord("0") : ord("9") + 1] = ord("9")
_BYTE_SHAPES[ord("A") : ord("Z") + 1] = ord("A")
_BYTE_SHAPES[ord("a") : ord("z") + 1] = ord("a")
_BYTE_SHAPES[[*range(0x20), 0x7F]] = ord(" ")


def value_types(values: pa.Array) -> np.ndarray:
    """The index into the column types (``_TYPES``) of each (trimmed) value's type."""
    norm = pc.utf8_normalize(values, form="NFKC")
    labels = np.full(len(values), len(_TYPES) - 1, dtype=np.int64)  # text
    has_digit = pc.match_substring_regex(norm, r"\d").to_numpy(zero_copy_only=False)
    for position in range(len(_TYPES) - 2, -1, -1):  # earlier tests overwrite later ones
        kind = _TYPES[position]
        mask = pc.match_substring_regex(norm, _COMBINED[kind]).fill_null(False)
        match = mask.to_numpy(zero_copy_only=False)
        if kind == "id":
            match &= has_digit
        labels[match] = position
    return labels


def infer_type(values: pa.Array, counts: np.ndarray) -> ColumnType:
    """The type most cells have (ties: the earlier in precedence); values are trimmed, distinct.

    A column of whole numbers that all have the same number of digits, six or more, is a
    column of identifiers (customer numbers), not of quantities. A few CJK words repeated over
    many rows are a picklist (狀態: 已成交/流失), not people's names.
    """
    labels = value_types(values)
    weights = np.bincount(labels, weights=counts, minlength=len(_TYPES))
    kind = _TYPES[int(np.argmax(weights))]
    if kind == "integer":
        ints = values.filter(pa.array(labels == _TYPES.index("integer")))
        digits = pc.count_substring_regex(ints, r"\d").to_numpy(zero_copy_only=False)
        if digits.min() == digits.max() >= 6 and len(digits) > 1:
            return "id"
    if kind == "person_name" and len(values) <= 12 and counts.sum() >= 20 * len(values):
        return "text"
    return kind


def value_patterns(values: pa.Array) -> pa.Array:
    """The shape of each value (see the module docstring), cut to 40 characters."""
    shape = _ascii_shapes(values)
    wide = pc.invert(pc.string_is_ascii(shape))
    if pc.any(wide).as_py():  # Unicode classes are slow in RE2: only where they can match
        other = shape.filter(wide)
        other = pc.replace_substring_regex(other, _CJK, _CJK_MARK)
        other = pc.replace_substring_regex(other, r"[\p{Ll}\p{Lm}\p{Lo}]", "a")
        other = pc.replace_substring_regex(other, r"[\p{Lu}\p{Lt}]", "A")
        other = pc.replace_substring_regex(other, r"[^\P{N}0-9]", "9")
        other = pc.replace_substring(other, _CJK_MARK, "漢")
        shape = pc.replace_with_mask(shape, wide, other)
    long = pc.greater(pc.utf8_length(shape), PATTERN_MAX_CHARS)
    cut = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(shape, 0, PATTERN_MAX_CHARS - 1), "…", ""
    )
    return pc.if_else(long, cut, shape)


def _ascii_shapes(values: pa.Array) -> pa.Array:
    """Digits, ASCII letters and control characters mapped byte by byte (UTF-8 safe)."""
    values = pa.concat_arrays([values]) if values.offset else values  # no sliced buffers
    validity, offsets, data = values.buffers()
    if data is None:
        return values
    mapped = _BYTE_SHAPES[np.frombuffer(data, dtype=np.uint8)]
    return pa.StringArray.from_buffers(
        len(values), offsets, pa.py_buffer(mapped.tobytes()), validity, values.null_count
    )


def match_keys(values: pa.Array, kind: str) -> pa.Array:
    """The form two values are compared in; null where nothing is left.

    All: NFKC, trimmed, inner whitespace collapsed, lower case. Phones: the last 9 digits
    without an extension (``+886 912-345-678`` == ``0912345678``). IDs: no spaces or dashes.
    """
    text = pc.utf8_lower(pc.utf8_normalize(values, form="NFKC"))
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"\s+", " "))
    if kind == "phone":
        text = pc.replace_substring_regex(text, r"(#|ext|x|分機|轉).*$", "")
        text = pc.utf8_slice_codeunits(pc.replace_substring_regex(text, r"\D", ""), -9)
    elif kind == "id":
        text = pc.replace_substring_regex(text, r"[\s\-]", "")
    empty = pc.equal(pc.utf8_length(text), 0)
    return pc.if_else(empty, pa.scalar(None, pa.string()), text)
