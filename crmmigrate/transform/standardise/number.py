"""Numbers, integers and booleans to canonical text.

Numbers and integers share the money grammar (``crmmigrate.transform.standardise._amounts``):
digit grouping, the per-column decimal mark (``decimal_mark``: ``auto``, ``.`` or ``,``), signs
and accounting brackets, units (``1.2萬`` → ``12000``, ``3萬5千``, ``五千``, ``12k``, ``1.5M``),
scientific notation (``1.5e3``) and full-width digits. A currency symbol is not a number here
(``not-a-number``): money fields keep the currency, see ``money.py``. Integers reject fractions
(``not-an-integer``; ``12.0`` is ``12``). Booleans read yes/no words in English and Chinese.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from crmmigrate.transform.standardise._amounts import (
    Amount,
    DecimalMark,
    Reading,
    canonical,
    standardise_amounts,
)
from crmmigrate.transform.standardise.base import (
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
)
from crmmigrate.transform.standardise.money import standardise_money

__all__ = [
    "standardise",
    "standardise_boolean",
    "standardise_integer",
    "standardise_money",  # kept importable from here; money lives in money.py
    "standardise_number",
]


def standardise(series: pd.Series, *, decimal_mark: DecimalMark = "auto") -> Standardised:
    """Standardise a column of numbers to plain decimal text (``1,234.50`` → ``1234.50``)."""

    def finish(raw: Any, amount: Amount, number: Decimal, reading: Reading) -> Outcome:
        if amount.currencies:
            return invalid(raw, "not-a-number")
        rule = "number.unit" if reading.scaled else "number.decimal"
        return fixed(raw, canonical(number, amount.negative), rule)

    return standardise_amounts(series, decimal_mark, finish, unreadable="not-a-number")


standardise_number = standardise


def standardise_integer(series: pd.Series, *, decimal_mark: DecimalMark = "auto") -> Standardised:
    """Standardise a column of whole numbers (``1,000`` → ``1000``, ``3萬`` → ``30000``)."""

    def finish(raw: Any, amount: Amount, number: Decimal, reading: Reading) -> Outcome:
        if amount.currencies or number != number.to_integral_value():
            return invalid(raw, "not-an-integer")
        # to_integral_value, not quantize: quantize fails beyond the context's 28 digits
        return fixed(raw, canonical(number.to_integral_value(), amount.negative), "integer")

    return standardise_amounts(series, decimal_mark, finish, unreadable="not-an-integer")


_TRUE = {"true", "t", "yes", "y", "1", "on", "是", "有", "對", "对", "真", "✓", "✔", "☑", "x", "v"}
_FALSE = {
    "false",
    "f",
    "no",
    "n",
    "0",
    "off",
    "否",
    "無",
    "无",
    "不是",
    "沒有",
    "没有",
    "假",
    "✗",
    "☐",
}


def standardise_boolean_value(value: str) -> Outcome:
    key = " ".join(value.split()).lower()
    if key in _TRUE:
        return fixed(value, "true", "boolean")
    if key in _FALSE:
        return fixed(value, "false", "boolean")
    return invalid(value, "not-a-boolean")


def standardise_boolean(series: pd.Series) -> Standardised:
    """Standardise a column of yes/no values to ``true`` / ``false``."""
    return apply_unique(series, standardise_boolean_value)
