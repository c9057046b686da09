"""Canonical text → Python values: what converts, what fails, and that failures carry no values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from crmmigrate.load.convert import convert_column
from crmmigrate.target_schema import FieldDef


def _convert(kind: str, values: list, **field) -> tuple[list, list[bool], str | None]:
    fdef = FieldDef(type=kind, **field)
    converted = convert_column("f", fdef, pd.Series(values, dtype=object))
    reasons = [r for r in converted.reasons if r is not None]
    first = reasons[0] if reasons else None
    return list(converted.values), [bool(x) for x in converted.failed], first


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("date", "2024-02-29", date(2024, 2, 29)),
        ("datetime", "2024-03-01T08:30:00", datetime(2024, 3, 1, 8, 30)),
        ("datetime", "2024-03-01T08:30:00Z", datetime(2024, 3, 1, 8, 30)),
        ("datetime", "2024-03-01T08:30:00-05:00", datetime(2024, 3, 1, 13, 30)),
        ("money", "1200.50", Decimal("1200.50")),
        ("money", "-3", Decimal("-3")),
        ("money", "9999999999999999.99", Decimal("9999999999999999.99")),
        ("number", "0.125", 0.125),
        ("number", "-1.5e3", -1500.0),
        ("integer", "12", 12),
        ("integer", "-9223372036854775808", -(2**63)),
        ("boolean", "true", True),
        ("boolean", "False", False),
        ("string", " keep spaces ", " keep spaces "),
        ("text", "多行\n文字", "多行\n文字"),
    ],
)
def test_valid_text_converts(kind, text, value):
    values, failed, _ = _convert(kind, [text])
    assert values == [value] and failed == [False]
    assert type(values[0]) is type(value)  # plain Python types, never numpy scalars


@pytest.mark.parametrize(
    ("kind", "text", "reason"),
    [
        ("date", "2024-02-30", "f: not an ISO date"),
        ("date", "20240229", "f: not an ISO date"),
        ("date", "2024-02-29T00:00:00", "f: not an ISO date"),
        ("datetime", "2024-03-01", "f: not an ISO datetime"),
        ("money", "12.345", "f: not a money amount (up to 16 digits and 2 decimals)"),
        ("money", "1,200", "f: not a money amount (up to 16 digits and 2 decimals)"),
        ("money", "12345678901234567", "f: not a money amount (up to 16 digits and 2 decimals)"),
        ("number", "nan", "f: not a finite decimal number"),
        ("number", "1e999", "f: not a finite decimal number"),
        ("integer", "1.0", "f: not a 64-bit integer"),
        ("integer", "9223372036854775808", "f: not a 64-bit integer"),
        ("boolean", "yes", "f: not true or false"),
        ("string", 12, "f: not text"),
    ],
)
def test_invalid_text_fails_with_the_field_and_what_was_expected(kind, text, reason):
    values, failed, message = _convert(kind, [text, None])
    assert failed == [True, False] and values == [None, None]
    assert message == reason and str(text) not in message


def test_missing_and_blank_values_are_none_not_failures():
    values, failed, _ = _convert("date", [None, float("nan"), pd.NA, "", "   ", "2024-01-01"])
    assert values == [None, None, None, None, None, date(2024, 1, 1)]
    assert not any(failed)


def test_repeated_values_map_back_to_every_row():
    values, failed, _ = _convert("integer", ["1", "x", "1", None, "x", "2"])
    assert values == [1, None, 1, None, None, 2]
    assert failed == [False, True, False, False, True, False]


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ({"type": "string", "max_length": 3}, 3),
        ({"type": "email"}, 255),
        ({"type": "text", "max_length": 5000}, 5000),
    ],
)
def test_longer_than_the_column_fails_naming_the_limit(field, limit):
    ok = "長" * limit  # characters, not bytes
    values, failed, reason = _convert(field.pop("type"), [ok, ok + "x"], **field)
    assert values == [ok, None] and failed == [False, True]
    assert reason == f"f: longer than {limit} characters"
