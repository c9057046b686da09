"""The grammar shared by money, numbers and integers: signs, currencies, separators and units.

A value is read in two steps. ``split_amount`` strips what surrounds the number (sign,
accounting brackets, trailing minus, currency symbols and codes on either side) and leaves the
core. ``read_core`` then reads the core under *both* decimal marks: a value readable only one way
(``1.5``, ``1,234.56``; ``1,5``, ``1.234,56``) is evidence for that mark, one that reads the same
both ways (``1200``, ``1 200``) is evidence for nothing, and one that reads differently
(``1,234``, ``1.234``) is ambiguous and waits for the column's decision. Units multiply the
number: ``1.2萬`` = 12000, ``3萬5000`` = 35000, ``2億``, ``五千``, ``12k``, ``1.5M``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise._cjk_numbers import (
    LARGE_UNITS,
    NUMERAL_CHARS,
    SMALL_UNITS,
    cjk_amount,
)
from crmmigrate.transform.standardise.base import (
    EMPTY,
    Outcome,
    Standardised,
    from_outcomes,
    invalid,
)

DecimalMark = Literal["auto", ".", ","]

# Symbols and words that name one currency; "$", "元" and "¥" are shared and resolved by the
# column's default currency.
CURRENCIES: dict[str, str] = {
    "nt$": "TWD", "ntd": "TWD", "twd": "TWD", "nt": "TWD", "新台幣": "TWD", "新臺幣": "TWD",
    "新台币": "TWD", "台幣": "TWD", "臺幣": "TWD", "台币": "TWD",
    "hk$": "HKD", "hkd": "HKD", "港幣": "HKD", "港币": "HKD", "港元": "HKD", "港紙": "HKD",
    "us$": "USD", "usd": "USD", "美金": "USD", "美元": "USD",
    "rmb": "CNY", "cny": "CNY", "cn¥": "CNY", "人民幣": "CNY", "人民币": "CNY",
    "mop$": "MOP", "mop": "MOP", "澳門元": "MOP", "s$": "SGD", "sgd": "SGD", "新幣": "SGD",
    "myr": "MYR", "rm": "MYR", "a$": "AUD", "aud": "AUD", "c$": "CAD", "cad": "CAD",
    "nz$": "NZD", "nzd": "NZD", "jpy": "JPY", "jp¥": "JPY", "円": "JPY", "日圓": "JPY",
    "日元": "JPY", "日幣": "JPY", "£": "GBP", "gbp": "GBP", "英鎊": "GBP", "英镑": "GBP",
    "€": "EUR", "eur": "EUR", "歐元": "EUR", "欧元": "EUR",
}  # fmt: skip
SHARED: dict[str, frozenset[str]] = {
    "$": frozenset({"TWD", "HKD", "USD", "SGD", "AUD", "CAD", "NZD", "MOP"}),
    "¥": frozenset({"CNY", "JPY"}),
    **dict.fromkeys(("元", "圓", "圆", "塊", "块"), frozenset({"TWD", "CNY", "HKD", "MOP"})),
}
_TOKENS = sorted([*CURRENCIES, *SHARED], key=len, reverse=True)
_PREFIX = re.compile(rf"^(?:{'|'.join(map(re.escape, _TOKENS))})", re.I)
_SUFFIX = re.compile(rf"(?:{'|'.join(map(re.escape, _TOKENS))})(?:整|正)?$", re.I)
_UNITS: dict[str, int] = {
    **{k: v for k, v in {**LARGE_UNITS, **SMALL_UNITS}.items() if k not in "十拾"},
    "k": 1_000, "thousand": 1_000, "m": 1_000_000, "mn": 1_000_000, "mil": 1_000_000,
    "million": 1_000_000, "b": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
}  # fmt: skip
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_NUMERIC = re.compile(
    r"^(?P<num>[.,]?\d(?:[\d.,' ]*\d)?[.,]?)(?:[eE](?P<exp>[+-]?\d{1,3}))?"
    rf"\s*(?P<unit>{_UNIT})?$",
    re.I,
)
_CJK_CHARS = frozenset(NUMERAL_CHARS) | frozenset(LARGE_UNITS) | frozenset("0123456789.")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-"})


@dataclass(frozen=True, slots=True)
class Amount:
    """A value split from its surroundings: sign, currency token(s) and the numeric core."""

    core: str
    negative: bool
    currencies: tuple[str, ...]  # the tokens as written, lower-cased


def normalise(value: str) -> str:
    text = value if value.isascii() else unicodedata.normalize("NFKC", value).translate(_MINUS)
    return " ".join(text.split())


def split_amount(value: str) -> Amount | None:
    """Strip sign, brackets and currency from both ends; None when what is left is empty."""
    text = normalise(value)
    negative = False
    currencies: list[str] = []
    for _ in range(4):  # "-NT$ (1,200)元": peel one layer per pass
        before = text
        # Brackets, a leading or a trailing (SAP-style) minus all mean negative; two of them
        # in one value are emphasis, not a double negation.
        if text.startswith("(") and text.endswith(")"):
            text, negative = text[1:-1].strip(), True
        if text[:1] in ("+", "-"):
            negative |= text[0] == "-"
            text = text[1:].strip()
        elif text[-1:] == "-" and text[:-1].strip()[-1:].isdigit():
            text, negative = text[:-1].strip(), True
        if m := _PREFIX.match(text):
            currencies.append(m.group().lower())
            text = text[m.end() :].strip()
        if m := _SUFFIX.search(text):
            currencies.append(m.group().lower().rstrip("整正"))
            text = text[: m.start()].strip()
        if text == before:
            break
    return Amount(text, negative, tuple(currencies)) if text else None


def currency_of(tokens: tuple[str, ...], default: str | None) -> str | bool | None:
    """The ISO code the tokens name (None: none known), or False when they disagree."""
    codes = {CURRENCIES[t] for t in tokens if t in CURRENCIES}
    if len(codes) > 1:
        return False
    shared = [SHARED[t] for t in tokens if t in SHARED]
    if codes:
        code = codes.pop()
        return code if all(code in s for s in shared) else False
    if not shared:
        return default
    if default is not None and all(default in s for s in shared):
        return default
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """The core read under each decimal mark (None where it does not read that way)."""

    dot: Decimal | None
    comma: Decimal | None
    scaled: bool = False  # a unit (萬, k) or Chinese numerals were read

    @property
    def evidence(self) -> str | None:
        if self.dot is not None and self.comma is None:
            return "."
        if self.comma is not None and self.dot is None:
            return ","
        return None

    @property
    def ambiguous(self) -> bool:
        return self.dot is not None and self.comma is not None and self.dot != self.comma


def read_core(core: str) -> Reading | None:
    """Read a numeric core (``1,234.50``, ``1.2萬``, ``三萬五千``); None when it is no number."""
    if m := _NUMERIC.match(core):
        num, exp, unit = m["num"], m["exp"], m["unit"]
        if exp and ("," in num or " " in num or "'" in num):
            return None
        dot, comma = _decimal(num, "."), _decimal(num, ",")
        if dot is None and comma is None:
            return None
        if not (exp or unit):
            return Reading(dot, comma)
        scale = Decimal(10) ** int(exp or 0)
        if unit:
            scale *= _UNITS[unit.lower()]
        try:
            dot = None if dot is None else _plain(dot * scale)
            comma = None if comma is None else _plain(comma * scale)
        except InvalidOperation:
            return None
        return Reading(dot, comma, scaled=bool(unit))
    if core and set(core) <= _CJK_CHARS and not core.isascii():
        got = cjk_amount(core)
        if got is None:
            return None
        try:
            return Reading(_plain(got), _plain(got), scaled=True)
        except InvalidOperation:
            return None
    return None


def _plain(number: Decimal) -> Decimal:
    """Drop trailing zeros a multiplication made up (1.2 × 10000 is 12000, not 12000.0)."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


_GROUPED = {sep: re.compile(rf"^[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+$") for sep in ",. '"}


def _decimal(num: str, mark: str) -> Decimal | None:
    """``num`` read with ``mark`` as the decimal mark and the other marks as digit grouping."""
    whole, _, fraction = num.partition(mark)
    if mark in fraction or (fraction and not fraction.isdigit()):
        return None
    if not whole and not fraction:
        return None
    if not whole.isdigit() and whole:
        separators = {ch for ch in whole if not ch.isdigit()}
        if (
            len(separators) != 1
            or mark in separators
            or not _GROUPED[separators.pop()].match(whole)
        ):
            return None
        whole = "".join(ch for ch in whole if ch.isdigit())
    try:
        return Decimal(f"{whole or '0'}.{fraction}" if fraction else whole)
    except InvalidOperation:
        return None


def canonical(number: Decimal, negative: bool) -> str:
    """Plain decimal text, keeping the written precision (``1234.50``); never ``-0``."""
    text = format(-number if negative else number, "f")
    return text[1:] if text.startswith("-") and number == 0 else text


Finish = Callable[[Any, Amount, Decimal, Reading], Outcome]


def standardise_amounts(
    series: pd.Series, decimal_mark: DecimalMark | str, finish: Finish, *, unreadable: str
) -> Standardised:
    """Read a column of amounts, decide its decimal mark, and let ``finish`` judge each number.

    ``auto`` decides the mark from the column's evidence (``.`` when there is none); a column
    with evidence both ways is contradictory, and its ambiguous values are ``invalid``
    (``ambiguous-decimal-mark``). A fixed mark reads every value that way.
    """
    if decimal_mark not in ("auto", ".", ","):
        raise ValueError(f"decimal_mark must be auto, '.' or ',', not {decimal_mark!r}")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    parsed: list[tuple[Amount, Reading | None] | None] = []
    for raw in uniques:
        text = raw if isinstance(raw, str) else str(raw)
        amount = split_amount(text) if text.strip() else None
        if amount is None:
            parsed.append(None if not text.strip() else (Amount(text, False, ()), None))
        else:
            parsed.append((amount, read_core(amount.core)))
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    evidence = [p[1].evidence if p and p[1] else None for p in parsed]
    dots = int(sum(c for c, e in zip(counts, evidence, strict=True) if e == "."))
    commas = int(sum(c for c, e in zip(counts, evidence, strict=True) if e == ","))
    contradiction = decimal_mark == "auto" and bool(dots and commas)
    mark = decimal_mark if decimal_mark != "auto" else ("," if commas and not dots else ".")
    notes = {
        "decimal_mark": mark,
        "decimal_mark_evidence": {"dot": dots, "comma": commas},
        "decimal_mark_contradiction": contradiction,
    }
    outcomes: list[Outcome] = []
    for raw, item, own in zip(uniques, parsed, evidence, strict=True):
        if item is None:
            outcomes.append(EMPTY)
            continue
        amount, reading = item
        if reading is None:
            outcomes.append(invalid(raw, unreadable))
            continue
        if contradiction and reading.ambiguous:
            outcomes.append(invalid(raw, "ambiguous-decimal-mark"))
            continue
        use = own if decimal_mark == "auto" and own else mark
        number = reading.dot if use == "." else reading.comma
        if number is None:
            outcomes.append(invalid(raw, unreadable))
            continue
        outcomes.append(finish(raw, amount, number, reading))
    return from_outcomes(series.index, codes, outcomes, notes)
