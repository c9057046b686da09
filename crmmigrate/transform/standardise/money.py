"""Money amounts to plain decimal text, with the currency split off and the decimal mark per column.

``NT$1,200`` → ``1200`` (currency ``TWD``), ``1,234.50`` → ``1234.50`` (the written precision is
kept), ``(12.50)`` / ``12.50-`` → ``-12.50``, ``1.234,56`` → ``1234.56`` in a comma-decimal
column, ``1.2萬`` → ``12000``, ``3萬5千`` → ``35000``, ``2億``, ``五千元``, ``12k``, ``1.5M``.
Full-width digits and symbols are folded (NFKC).

The decimal mark is decided for the whole column (``decimal_mark="auto"``): ``1,5`` and
``1.234,56`` are evidence for a comma, ``1.5`` and ``1,234.56`` for a dot; ``1,234`` / ``1.234``
read either way and follow the decision (a dot when there is no evidence). Evidence both ways
is reported (``notes["decimal_mark_contradiction"]``) and the ambiguous values are ``invalid``
(``ambiguous-decimal-mark``), never decided one by one.

Currency symbols and codes on either side (NT$, NTD, TWD, 新台幣, HK$, HKD, US$, USD, 美金,
RMB, CNY, 人民幣, £, €, …) go to ``extras["currency"]`` as an ISO code. ``$``, ``¥`` and
``元`` / ``圓`` / ``塊`` are shared by several currencies: they take ``default_currency``
when it is one of them, else None; a value with no currency takes ``default_currency``.
A currency other than the default is flagged ``foreign-currency``; two different currencies
in one value are ``invalid`` (``conflicting-currency``).

A column standardised with ``decimal_mark=","`` gives dot-decimal text: standardise the output
again with ``"auto"`` or ``"."``, not ``","``.
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
    currency_of,
    standardise_amounts,
)
from crmmigrate.transform.standardise.base import Outcome, Standardised, fixed, invalid

FLAG_FOREIGN = "foreign-currency"


def standardise(
    series: pd.Series,
    *,
    decimal_mark: DecimalMark = "auto",
    default_currency: str | None = None,
) -> Standardised:
    """Standardise a column of money amounts; the currency goes to ``extras["currency"]``."""
    default = default_currency.upper() if default_currency else None

    def finish(raw: Any, amount: Amount, number: Decimal, reading: Reading) -> Outcome:
        currency = currency_of(amount.currencies, default)
        if currency is False:
            return invalid(raw, "conflicting-currency", extras={"currency": None})
        code = currency if isinstance(currency, str) else None
        rule = "money.unit" if reading.scaled else "money.decimal"
        out = fixed(raw, canonical(number, amount.negative), rule, extras={"currency": code})
        if default and code and code != default:
            return Outcome(out.value, out.status, out.rule, extras=out.extras, flag=FLAG_FOREIGN)
        return out

    return standardise_amounts(series, decimal_mark, finish, unreadable="not-a-number")


standardise_money = standardise
