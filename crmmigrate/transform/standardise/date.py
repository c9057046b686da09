"""Dates v0: the common unambiguous forms, ROC (民國) years and the configured day/month order.

Reads ISO dates and date-times, ``Y/M/D`` with ``/ - .`` separators, ``YYYYMMDD``, ``Y年M月D日``,
ROC years (``民國108年3月5日``, ``108/03/05``, ``1080305``; two-digit ROC years only for TW
sources), English month names (``3 Mar 1985``, ``March 3, 1985``) and ``D/M/Y`` or ``M/D/Y``
by the source's ``date_order``. Impossible dates (``2023-02-30``) are ``invalid``, never rolled
over. The standardise issue replaces the per-value order with a per-column decision.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from crmmigrate.transform.standardise.base import (
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
)

ROC_OFFSET = 1911
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

_TIME = (
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
_NUMERIC = re.compile(rf"^(?P<a>\d{{1,4}})[/\-.](?P<b>\d{{1,2}})[/\-.](?P<c>\d{{1,4}}){_TIME}$")
_COMPACT = re.compile(r"^(?P<y>\d{3,4})(?P<m>\d{2})(?P<d>\d{2})$")
_CJK = re.compile(
    r"^(?P<roc>民國|民国)?\s*(?P<y>\d{1,4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日號号]?$"
)
_DAY_MONTH_NAME = re.compile(
    rf"^(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s\-/.]*(?P<mon>{_MONTH_RE})\.?[\s\-/.,]*(?P<y>\d{{4}})$",
    re.I,
)
_MONTH_NAME_DAY = re.compile(
    rf"^(?P<mon>{_MONTH_RE})\.?[\s\-/.]*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s,]+(?P<y>\d{{4}})$", re.I
)


def _year(text: str, *, roc: bool, country: str) -> int | None:
    year = int(text)
    if roc or (len(text) == 3) or (len(text) <= 2 and country == "TW"):
        return year + ROC_OFFSET if year > 0 else None
    return year if len(text) == 4 else None


def _make(year: int | None, month: int, day: int) -> dt.date | str:
    """The date, or a reason code: a two-digit year outside TW is ambiguous, 02-30 impossible."""
    if year is None:
        return "ambiguous-year"
    try:
        return dt.date(year, month, day)
    except ValueError:
        return "impossible-date"


def parse_date(value: str, *, date_order: str = "YMD", country: str = "TW") -> dt.date | str:
    """A date, or a reason code string when the value is not a readable date."""
    text = value.strip()
    if m := _COMPACT.match(text):
        y = _year(m["y"], roc=False, country=country)
        return _make(y, int(m["m"]), int(m["d"]))
    if m := _CJK.match(text):
        y = _year(m["y"], roc=bool(m["roc"]), country=country)
        return _make(y, int(m["m"]), int(m["d"]))
    if m := _NUMERIC.match(text):
        a, b, c = m["a"], m["b"], m["c"]
        if len(a) >= 3 or (date_order == "YMD" and len(c) <= 2):
            y = _year(a, roc=False, country=country)
            month, day = int(b), int(c)
        elif len(c) == 4:
            y = int(c)
            first, second = int(a), int(b)
            if date_order == "MDY":
                month, day = first, second
            elif date_order == "DMY" or first > 12 >= second:
                day, month = first, second
            elif second > 12 >= first:
                month, day = first, second
            else:
                return "ambiguous-day-month"
        else:
            return "unreadable-date"
        return _make(y, month, day)
    for pattern in (_DAY_MONTH_NAME, _MONTH_NAME_DAY):
        if m := pattern.match(text):
            return _make(int(m["y"]), _MONTHS[m["mon"].lower()], int(m["d"]))
    return "unreadable-date"


def standardise_date(
    series: pd.Series, *, date_order: str = "YMD", country: str = "TW"
) -> Standardised:
    def parse(value: str) -> Outcome:
        got = parse_date(value, date_order=date_order, country=country)
        if isinstance(got, str):
            return invalid(value, got)
        return fixed(value, got.isoformat(), "date.iso")

    return apply_unique(series, parse)


def standardise_datetime(
    series: pd.Series, *, date_order: str = "YMD", country: str = "TW"
) -> Standardised:
    def parse(value: str) -> Outcome:
        text = value.strip()
        m = _NUMERIC.match(text)
        got = parse_date(value, date_order=date_order, country=country)
        if isinstance(got, str):
            return invalid(value, got)
        if m and m["H"] is not None:
            try:
                clock = dt.time(int(m["H"]), int(m["M"]), int(m["S"] or 0))
            except ValueError:
                return invalid(value, "impossible-time")
            out = dt.datetime.combine(got, clock).isoformat()
            if m["tz"]:
                tz = m["tz"].replace("Z", "+00:00")
                out += tz if ":" in tz else f"{tz[:3]}:{tz[3:]}"
            return fixed(value, out, "datetime.iso")
        return fixed(value, got.isoformat(), "datetime.iso")

    return apply_unique(series, parse)
