"""Numbers v0: money, plain numbers, integers and booleans to canonical text.

Money and numbers become plain decimal text (``NT$1,200`` → ``1200``, ``1,234.50`` → ``1234.50``).
Only the unambiguous ``1,234.56`` convention is read; ``1.234,56`` is flagged ``invalid`` until
the per-column decimal-mark decision of the standardise issue lands.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pandas as pd

from crmmigrate.transform.standardise.base import (
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
)

_CURRENCY = re.compile(
    r"^(?:NT\$|NTD|TWD|HK\$|HKD|US\$|USD|RMB|CNY|GBP|EUR|[$¥￥£€元])\s*|\s*(?:元|圓|NTD|TWD|HKD|USD|RMB|CNY)$",
    re.IGNORECASE,
)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _decimal_text(value: str) -> str | None:
    text = value.strip()
    for _ in range(2):  # a prefix and a suffix ("NT$1,200元")
        text = _CURRENCY.sub("", text).strip()
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = "-" + text[1:-1].strip()
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    canonical = format(number, "f")  # keeps the written precision: 1234.50 stays 1234.50
    return canonical[1:] if canonical.startswith("-") and Decimal(canonical) == 0 else canonical


def standardise_number_value(value: str, rule: str = "number.decimal") -> Outcome:
    out = _decimal_text(value)
    if out is None:
        return invalid(value, "not-a-number")
    return fixed(value, out, rule)


def standardise_money(series: pd.Series) -> Standardised:
    return apply_unique(series, lambda v: standardise_number_value(v, "money.decimal"))


def standardise_number(series: pd.Series) -> Standardised:
    return apply_unique(series, standardise_number_value)


def standardise_integer_value(value: str) -> Outcome:
    out = _decimal_text(value)
    if out is None or "." in out:
        return invalid(value, "not-an-integer")
    return fixed(value, out, "integer")


def standardise_integer(series: pd.Series) -> Standardised:
    return apply_unique(series, standardise_integer_value)


_TRUE = {"true", "t", "yes", "y", "1", "是", "有", "對", "对", "✓", "x"}
_FALSE = {"false", "f", "no", "n", "0", "否", "無", "无", "不是"}


def standardise_boolean_value(value: str) -> Outcome:
    key = value.strip().lower()
    if key in _TRUE:
        return fixed(value, "true", "boolean")
    if key in _FALSE:
        return fixed(value, "false", "boolean")
    return invalid(value, "not-a-boolean")


def standardise_boolean(series: pd.Series) -> Standardised:
    return apply_unique(series, standardise_boolean_value)
