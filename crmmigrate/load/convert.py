"""Canonical text → Python values for binding, one column at a time.

Each column is factorised, only its distinct values are parsed, and the results are mapped back
by code, so a column of a million rows with a few thousand distinct dates parses a few thousand
strings. Text columns need no parsing and are checked whole (blank, length) without factorising.
A value that does not parse fails its record with ``"<field>: <what was expected>"`` — never the
value itself.

Empty strings (and whitespace-only strings) are treated as missing, like ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from crmmigrate.load.schema import STRING_TYPES, column_max_length
from crmmigrate.target_schema import FieldDef

# Numeric(18, 2): 16 digits before the point, at most 2 after.
_MONEY = re.compile(r"-?\d{1,16}(\.\d{1,2})?")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_INTEGER = re.compile(r"-?\d{1,19}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}(:?\d{2})?)?"
)
_INT64 = (-(2**63), 2**63 - 1)
_BOOLEANS = {"true": True, "false": False}


class _Invalid:
    """Marks a value that did not convert (distinct from a missing value, which is None)."""


INVALID = _Invalid()


def _text(value: str) -> str:
    return value


def _date(value: str) -> date | _Invalid:
    if not _DATE.fullmatch(value):
        return INVALID
    try:
        return date.fromisoformat(value)
    except ValueError:
        return INVALID


def _datetime(value: str) -> datetime | _Invalid:
    """A naive datetime; one with an offset is converted to UTC (the columns hold no zone)."""
    if not _DATETIME.fullmatch(value):
        return INVALID
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return INVALID
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _money(value: str) -> Decimal | _Invalid:
    return Decimal(value) if _MONEY.fullmatch(value) else INVALID


def _number(value: str) -> float | _Invalid:
    if not _NUMBER.fullmatch(value):
        return INVALID
    number = float(value)
    return number if np.isfinite(number) else INVALID


def _integer(value: str) -> int | _Invalid:
    if not _INTEGER.fullmatch(value):
        return INVALID
    number = int(value)
    return number if _INT64[0] <= number <= _INT64[1] else INVALID


def _boolean(value: str) -> bool | _Invalid:
    return _BOOLEANS.get(value.lower(), INVALID)


Parser = Callable[[str], Any]

_PARSERS: dict[str, tuple[Parser, str]] = {
    "text": (_text, "not text"),
    "date": (_date, "not an ISO date"),
    "datetime": (_datetime, "not an ISO datetime"),
    "money": (_money, "not a money amount (up to 16 digits and 2 decimals)"),
    "number": (_number, "not a finite decimal number"),
    "integer": (_integer, "not a 64-bit integer"),
    "boolean": (_boolean, "not true or false"),
    **{kind: (_text, "not text") for kind in STRING_TYPES},
}


@dataclass(frozen=True)
class ConvertedColumn:
    """A column's values ready to bind (None for missing) and each row's failure, if any."""

    values: np.ndarray  # object array of Python values / None
    reasons: np.ndarray  # object array: None, or "<field>: <what was expected>"

    @property
    def failed(self) -> np.ndarray:
        return np.asarray(pd.notna(self.reasons), dtype=bool)


def convert_column(field: str, fdef: FieldDef, column: pd.Series) -> ConvertedColumn:
    """Parse one frame column of canonical text into Python values for ``fdef``'s type.

    Lengths are checked here rather than left to the database: PostgreSQL's "value too long"
    does not say which column, and SQLite would not object at all without its CHECK.
    """
    parse, expected = _PARSERS[fdef.type]
    limit = column_max_length(fdef)
    invalid = f"{field}: {expected}"
    if parse is _text:
        converted = _convert_text(field, limit, column)
        if converted is not None:
            return converted
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object)
    # One slot per distinct value, plus a last slot that code -1 (missing) indexes.
    values = np.full(len(distinct) + 1, None, dtype=object)
    reasons = np.full(len(distinct) + 1, None, dtype=object)
    for i, raw in enumerate(distinct):
        if not isinstance(raw, str):
            reasons[i] = invalid
        elif raw.strip():
            parsed = parse(raw)
            if parsed is INVALID:
                reasons[i] = invalid
            elif limit is not None and len(parsed) > limit:
                reasons[i] = f"{field}: longer than {limit} characters"
            else:
                values[i] = parsed
    return ConvertedColumn(values=values[codes], reasons=reasons[codes])


def _convert_text(field: str, limit: int | None, column: pd.Series) -> ConvertedColumn | None:
    """Text needs no parsing: blanks and lengths are decided for the whole column at once
    (cheaper than factorising a column of mostly distinct values). None: not all strings."""
    values = np.array(column, dtype=object)
    missing = np.asarray(pd.isna(values), dtype=bool)
    present = values[~missing]
    if not _all_strings(present):
        return None
    reasons = np.full(len(values), None, dtype=object)
    lengths = np.fromiter(map(len, present), dtype=np.int64, count=len(present))
    keep = ~_blank(present, lengths)
    if limit is not None:
        too_long = keep & (lengths > limit)
        where = np.flatnonzero(~missing)[too_long]
        reasons[where] = f"{field}: longer than {limit} characters"
        keep &= ~too_long
    present[~keep] = None
    values[~missing] = present
    values[missing] = None
    return ConvertedColumn(values=values, reasons=reasons)


def _all_strings(values: np.ndarray) -> bool:
    return len(values) == 0 or pd.api.types.infer_dtype(values, skipna=False) == "string"


def _blank(values: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Empty or whitespace-only, for an object array of str (``str.strip`` semantics);
    ``lengths`` are the strings' lengths where the caller has them."""
    if lengths is None:
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    empty = lengths == 0
    space = np.fromiter(map(str.isspace, values), dtype=bool, count=len(values))
    return np.asarray(empty | space, dtype=bool)


def text_column(column: pd.Series) -> np.ndarray:
    """A column of identifiers as an object array of str / None (missing or empty → None)."""
    values = np.array(column, dtype=object)
    missing = np.asarray(pd.isna(values), dtype=bool)
    present = values[~missing]
    if _all_strings(present):  # the whole column at once, no factorising
        present[_blank(present)] = None
        values[~missing] = present
        values[missing] = None
        return values
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object)
    values = np.empty(len(distinct) + 1, dtype=object)
    for i, raw in enumerate(distinct):
        text = raw if isinstance(raw, str) else str(raw)
        values[i] = text if text.strip() else None
    values[-1] = None
    return values[codes]
