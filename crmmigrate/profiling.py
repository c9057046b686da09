"""Profile source files: a data inventory that describes every column without showing values.

Per file: the encoding used, the sheets, rows and columns. Per column: blank and distinct counts,
an inferred type, the top value *patterns* (the shape of a value: digits become ``9``, ASCII
letters ``A``/``a``, CJK characters ``漢``, other letters ``A``/``a`` by case, anything else is
kept, so ``0912-345-678`` becomes ``9999-999-999``) and the target field the header suggests.
Cell values themselves never appear in a profile.

The work is column-wise over *distinct* values: pandas counts the values once, then every test
runs vectorised in Arrow (RE2 regular expressions) over the distinct values, weighted by their
counts. No Python loop runs per row or per value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.extract.readers import FORMATS, RawTable, expand_paths, read_table
from crmmigrate.suggest import suggest_mapping
from crmmigrate.target_schema import TargetSchema, default_schema_path, load_target_schema

ColumnType = Literal[
    "empty", "integer", "number", "date", "roc_date", "email", "phone", "postal_code", "id", "text"
]
TOP_PATTERNS = 3
PATTERN_MAX_CHARS = 40

# Per-value tests, in precedence order: a value takes the first type whose expression matches.
# They run on the trimmed, NFKC-normalised value (full-width digits are digits). RE2 syntax.
_DAY = r"(0?[1-9]|[12]\d|3[01])"
_MONTH = r"(0?[1-9]|1[0-2])"
_TIME = r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
_MONTH_NAME = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_EXT = r"(\s*(#|ext\.?|x|分機|轉)\s*\d{1,6})?"
_TYPE_TESTS: tuple[tuple[ColumnType, tuple[str, ...]], ...] = (
    ("email", (r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",)),
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
        "number",
        (
            r"^[-+]?(\d{1,3}(,\d{3})+|\d+)?\.\d+$",
            r"^[-+]?\d+(\.\d+)?[eE][-+]?\d+$",
            r"(?i:^(NT\$|US\$|HK\$|\$|€|£|¥|RMB|TWD|USD|HKD|CNY)\s?[-+]?[\d,]*\d(\.\d+)?$)",
            r"^[-+]?[\d,]*\d(\.\d+)?\s?(元|圓|圆|块)$",
        ),
    ),
    ("integer", (r"^[-+]?([1-9]\d{0,17}|0|\d{1,3}(,\d{3})+)$",)),
    ("id", (r"^[A-Za-z0-9][A-Za-z0-9\-_/.#:]{0,39}$",)),  # code-like, and needs a digit (below)
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


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatternCount:
    """A value shape and how many cells have it."""

    pattern: str
    count: int


@dataclass(frozen=True)
class ColumnProfile:
    """One column, described without its values."""

    name: str
    blank: int
    distinct: int
    type: ColumnType
    patterns: tuple[PatternCount, ...]
    suggested: str | None  # target field, "external_id" for the key column, or None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "blank": self.blank,
            "distinct": self.distinct,
            "type": self.type,
            "patterns": [{"pattern": p.pattern, "count": p.count} for p in self.patterns],
            "suggested": self.suggested,
        }


@dataclass(frozen=True)
class TableProfile:
    """One sheet of a workbook, or a whole text file."""

    sheet: str | None
    rows: int
    object: str | None  # the target object the headers suggest
    columns: tuple[ColumnProfile, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "rows": self.rows,
            "column_count": len(self.columns),
            "object": self.object,
            "columns": [column.to_dict() for column in self.columns],
        }


@dataclass(frozen=True)
class FileProfile:
    """One file: its format, the encoding it was read with, and its tables."""

    path: str
    format: str
    encoding: str | None
    tables: tuple[TableProfile, ...]

    @property
    def sheets(self) -> list[str]:
        return [t.sheet for t in self.tables if t.sheet is not None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "sheets": self.sheets,
            "rows": sum(t.rows for t in self.tables),
            "tables": [t.to_dict() for t in self.tables],
        }


@dataclass(frozen=True)
class ProfileReport:
    """The profiles of every file asked for, in the order given (globs expanded, sorted)."""

    files: tuple[FileProfile, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files]}


# --- profiling --------------------------------------------------------------------------------


def profile_files(
    patterns: Sequence[str],
    *,
    encoding: str = "auto",
    sheet: str | None = None,
    base_dir: Path | None = None,
    schema: TargetSchema | None = None,
    progress: Callable[[str], None] | None = None,
) -> ProfileReport:
    """Profile every file the patterns name (globs expand; every sheet unless ``sheet``).

    A missing, unreadable or undecodable file raises the extract error before any output.
    """
    base_dir = Path(".") if base_dir is None else base_dir
    schema = schema or load_target_schema(default_schema_path())
    paths = [path for pattern in patterns for path in expand_paths(pattern, base_dir)]
    files = []
    for path in paths:
        if progress is not None:
            progress(f"profiling {path}")
        tables = read_table(path, encoding=encoding, sheet=sheet or "*", label=str(path))
        files.append(
            FileProfile(
                path=str(path),
                format=FORMATS.get(path.suffix.lower(), "?"),
                encoding=tables[0].encoding if tables else None,
                tables=tuple(profile_table(table, schema) for table in tables),
            )
        )
    return ProfileReport(tuple(files))


def profile_table(table: RawTable, schema: TargetSchema) -> TableProfile:
    """Profile every column of one table and suggest its target fields from the headers."""
    suggestion = suggest_mapping(table.headers, schema)
    targets = suggestion.targets()
    columns = []
    for position, name in enumerate(table.headers):
        blank, distinct, kind, patterns = profile_values(table.frame.iloc[:, position])
        columns.append(ColumnProfile(name, blank, distinct, kind, patterns, targets.get(name)))
    return TableProfile(table.sheet, len(table.frame), suggestion.object, tuple(columns))


def profile_values(
    values: pd.Series,
) -> tuple[int, int, ColumnType, tuple[PatternCount, ...]]:
    """(blank cells, distinct non-blank values, inferred type, top patterns) of one column."""
    counts = values.value_counts(dropna=True, sort=False)
    distinct = _to_arrow(counts.index)
    freq = counts.to_numpy(dtype=np.int64)
    trimmed = pc.utf8_trim_whitespace(distinct)
    filled = pc.greater(pc.utf8_length(trimmed), 0).to_numpy(zero_copy_only=False)
    distinct, trimmed, freq = distinct.filter(filled), trimmed.filter(filled), freq[filled]
    blank = len(values) - int(freq.sum())
    if len(distinct) == 0:
        return blank, 0, "empty", ()
    kind = infer_type(trimmed, freq)
    return blank, len(distinct), kind, top_patterns(distinct, freq)


def _to_arrow(index: pd.Index) -> pa.Array:
    raw = index.to_numpy(dtype=object)
    try:
        return pa.array(raw, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not every reader yields str cells
        return pa.array([str(v) for v in raw], type=pa.string())


def value_types(values: pa.Array) -> np.ndarray:
    """The index into the column types (``_TYPES``) of each (trimmed) value's type."""
    norm = pc.utf8_normalize(values, form="NFKC")
    labels = np.full(len(values), len(_TYPES) - 1, dtype=np.int64)  # text
    has_digit = pc.match_substring_regex(norm, r"\d").to_numpy(zero_copy_only=False)
    for position in range(len(_TYPES) - 2, -1, -1):  # earlier tests overwrite later ones
        kind = _TYPES[position]
        mask = pc.match_substring_regex(norm, _COMBINED[kind]).to_numpy(zero_copy_only=False)
        if kind == "id":
            mask &= has_digit
        labels[mask] = position
    return labels


def infer_type(values: pa.Array, counts: np.ndarray) -> ColumnType:
    """The type most cells have (ties: the earlier in precedence); values are trimmed, distinct.

    A column of whole numbers that all have the same number of digits, six or more, is a
    column of identifiers (customer numbers), not of quantities.
    """
    labels = value_types(values)
    weights = np.bincount(labels, weights=counts, minlength=len(_TYPES))
    kind = _TYPES[int(np.argmax(weights))]
    if kind == "integer":
        ints = values.filter(pa.array(labels == _TYPES.index("integer")))
        digits = pc.count_substring_regex(ints, r"\d").to_numpy(zero_copy_only=False)
        if digits.min() == digits.max() >= 6 and len(digits) > 1:
            return "id"
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


def top_patterns(
    values: pa.Array, counts: np.ndarray, top: int = TOP_PATTERNS
) -> tuple[PatternCount, ...]:
    """The most common shapes of the (distinct) values, by the number of cells with them."""
    shapes = pa.table({"pattern": value_patterns(values), "count": pa.array(counts)})
    totals = shapes.group_by("pattern").aggregate([("count", "sum")])
    frame = totals.to_pandas().rename(columns={"count_sum": "count"})
    frame = frame.sort_values(["count", "pattern"], ascending=[False, True], kind="stable")
    return tuple(
        PatternCount(str(p), int(c))
        for p, c in zip(frame["pattern"][:top], frame["count"][:top], strict=True)
    )
