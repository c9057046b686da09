"""Dates and date-times to ISO 8601, with the day/month order decided per column.

Reads ISO 8601 dates and date-times (``T`` or space, ``Z`` / offsets, fractions); ``Y M D``,
``D M Y`` and ``M D Y`` with ``/ - .`` separators; ``YYYYMMDD``; English and Chinese month names
(``3 Mar 1985``, ``March 3rd, 1985``, ``03-MAR-85``, ``03-5月-2023``); ``2023年5月3日`` /
``2023年05月03號`` in Arabic or Chinese numerals (``二〇二三年五月三日``, ``廿``, ``卅``);
ROC / 民國 years in every form (``民國112年5月3日``, ``民国``, ``中華民國``, ``民國前1年`` = 1911,
``112/05/03``, ``112.5.3``, ``1120503``, and two-digit ``75/03/04`` for Taiwan sources only);
Japanese eras (``令和5年5月3日``, ``平成元年``, ``R5.5.3``, ``H31.4.30``); Excel serial day numbers
(``45049``; 1900 system with its phantom 1900-02-29, or 1904 via ``excel_epoch=1904``) when the
column holds no other bare numbers; a weekday or a time after the date (``(三)``, ``下午 3:05``,
``14:22:10+08:00``). A date field keeps the written date of a date-time (rule
``date.time-dropped``); ``standardise_datetime`` keeps the time and its offset.

The order of an ambiguous ``03/04/1985`` is never decided value by value. The whole column is
the evidence: a first part over 12 (``25/04/1985``) says day-first, a second part over 12 says
month-first. Evidence one way decides every ambiguous value (flagged ``day-month-assumed``);
no evidence falls back to the configured ``date_order``; evidence both ways makes the column
contradictory (``notes["date_order_contradiction"]``) and its ambiguous values ``invalid``.

Reasons: ``unreadable-date``, ``impossible-date`` (``2023-02-30``, ROC year 0: never rolled
over), ``ambiguous-day-month``, ``ambiguous-year`` (a two-digit year outside Taiwan),
``out-of-range`` (outside ``min_year``..``max_year``), ``impossible-time``, ``weekday-mismatch``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise._date_forms import (
    ROC_OFFSET,
    Reading,
    excel_serial_to_date,
    parse_other,
    parse_serial,
    parse_tail,
)
from crmmigrate.transform.standardise.base import Standardised

DateOrder = Literal["YMD", "DMY", "MDY"]
__all__ = [
    "excel_serial_to_date",
    "parse_date",
    "standardise",
    "standardise_date",
    "standardise_datetime",
]

# The common numeric shapes, read for all distinct values at once (RE2, via Arrow): 2023-05-03,
# 03/05/2023, 112.5.3, 75/03/04, with an optional time after; and 20230503 / 1120503.
_SEPARATED = (
    r"^(?P<a>\d{1,4})(?P<s>[/.\-])(?P<b>\d{1,2})(?P<t>[/.\-])(?P<c>\d{1,4})\.?"
    r"(?P<rest>(?:[\sT,(].*)?)$"
)
_COMPACT = r"^(?P<n>\d{7,8})(?P<rest>(?:[\sT].*)?)$"
_REASONS: tuple[str | None, ...] = (
    None,
    "unreadable-date",
    "impossible-date",
    "ambiguous-day-month",
    "ambiguous-year",
    "out-of-range",
    "impossible-time",
    "weekday-mismatch",
)
_R = {name: code for code, name in enumerate(_REASONS)}
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))
FLAG_ASSUMED = "day-month-assumed"


def standardise(
    series: pd.Series,
    *,
    date_order: DateOrder | str = "YMD",
    country: str = "TW",
    excel_epoch: int = 1900,
    min_year: int = 1800,
    max_year: int = 2200,
) -> Standardised:
    """Standardise a column of dates to ``YYYY-MM-DD``; a time after a date is dropped."""
    opts = {
        "date_order": date_order,
        "country": country,
        "excel_epoch": excel_epoch,
        "min_year": min_year,
        "max_year": max_year,
    }
    return _standardise(series, opts, keep_time=False)


standardise_date = standardise


def standardise_datetime(
    series: pd.Series,
    *,
    date_order: DateOrder | str = "YMD",
    country: str = "TW",
    excel_epoch: int = 1900,
    min_year: int = 1800,
    max_year: int = 2200,
) -> Standardised:
    """Standardise a column of date-times to ``YYYY-MM-DDTHH:MM:SS[±HH:MM]``.

    The offset is kept as written (never converted); a value with no time stays a date.
    """
    opts = {
        "date_order": date_order,
        "country": country,
        "excel_epoch": excel_epoch,
        "min_year": min_year,
        "max_year": max_year,
    }
    return _standardise(series, opts, keep_time=True)


def parse_date(
    value: str, *, date_order: DateOrder | str = "YMD", country: str = "TW", excel_epoch: int = 1900
) -> dt.date | str:
    """One value read on its own (a column of one): the date, or the reason code."""
    result = standardise(
        pd.Series([value], dtype=object),
        date_order=date_order,
        country=country,
        excel_epoch=excel_epoch,
    )
    if result.status.iloc[0] == "invalid":
        return str(result.reason.iloc[0])
    if result.status.iloc[0] == "empty":
        return "unreadable-date"
    return dt.date.fromisoformat(result.values.iloc[0])


class _Column:
    """The readings of a column's distinct values, as parallel arrays."""

    def __init__(self, n: int) -> None:
        self.year = np.zeros(n, dtype=np.int64)
        self.first = np.zeros(n, dtype=np.int64)
        self.second = np.zeros(n, dtype=np.int64)
        self.pair = np.zeros(n, dtype=bool)
        self.form = np.full(n, "", dtype=object)
        self.reason = np.zeros(n, dtype=np.int8)
        self.clock = np.full(n, None, dtype=object)
        self.weekday = np.full(n, -1, dtype=np.int8)

    def put(self, i: int, r: Reading) -> None:
        if max(abs(r.year), abs(r.first), abs(r.second)) >= 100_000:  # 九九九九九九年: no date
            r = Reading(reason="unreadable-date")
        self.year[i], self.first[i], self.second[i] = r.year, r.first, r.second
        self.form[i], self.pair[i], self.clock[i] = r.form, r.pair, r.clock
        self.weekday[i] = -1 if r.weekday is None else r.weekday
        self.reason[i] = _R[r.reason]


def _standardise(series: pd.Series, opts: dict[str, Any], *, keep_time: bool) -> Standardised:
    order = str(opts["date_order"]).upper()
    if order not in ("YMD", "DMY", "MDY"):
        raise ValueError(f"date_order must be YMD, DMY or MDY, not {opts['date_order']!r}")
    if opts["excel_epoch"] not in (1900, 1904):
        raise ValueError("excel_epoch must be 1900 or 1904")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = [_normalise(v) for v in uniques]
    col = _Column(len(texts))
    notes: dict[str, Any] = {}
    fast = _read_numeric(texts, col, order=order, country=str(opts["country"]).upper())
    _read_others(texts, fast, col, opts, notes)
    counts = np.bincount(codes[codes >= 0], minlength=len(texts))
    assumed = _decide_order(col, counts, order, notes)
    _validate(col, int(opts["min_year"]), int(opts["max_year"]))
    return _build(series, codes, uniques, texts, col, assumed, notes, keep_time=keep_time)


def _normalise(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = " ".join(text.split())
    return text[1:].lstrip() if text.startswith("'") else text  # Excel's text-cell apostrophe


def _arrow(texts: list[str]) -> pa.Array:
    try:
        return pa.array(texts, type=pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):  # a lone surrogate: no fast path for it
        return pa.array([t if t.isprintable() and t.isascii() else "" for t in texts])


def _field(found: pa.StructArray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A captured group as integers and as lengths (0 where the pattern did not match)."""
    text = pc.struct_field(found, name)
    number = pc.cast(text, pa.int64()).fill_null(0).to_numpy()
    return number, pc.utf8_length(text).fill_null(0).to_numpy()


def _read_numeric(texts: list[str], col: _Column, *, order: str, country: str) -> np.ndarray:
    """Read the common numeric shapes for all values at once; True where one was found."""
    arr = _arrow(texts)
    found = pc.extract_regex(arr, _SEPARATED)
    same_sep = pc.equal(pc.struct_field(found, "s"), pc.struct_field(found, "t"))
    sep = same_sep.fill_null(False).to_numpy(zero_copy_only=False)
    whole = pc.extract_regex(arr, _COMPACT)
    compact = whole.is_valid().to_numpy(zero_copy_only=False)
    (a, la), (b, _), (c, lc) = _field(found, "a"), _field(found, "b"), _field(found, "c")
    digits, lcmp = _field(whole, "n")

    ymd = sep & (la == 4) & (lc <= 2)
    short = sep & (la <= 2) & (lc <= 2)
    roc_short = short & (country == "TW" and order == "YMD")  # 75/03/04 in Taiwan
    roc = (sep & (la == 3) & (lc <= 2)) | roc_short
    pair = (sep & (la <= 2) & (lc == 4)) | (short & ~roc_short)
    for mask, year, first, second in (
        (ymd, a, b, c),
        (roc, a + ROC_OFFSET, b, c),
        (pair, c, a, b),
        (compact, digits // 10_000, digits // 100 % 100, digits % 100),
    ):
        col.year[mask], col.first[mask], col.second[mask] = year[mask], first[mask], second[mask]
    col.form[ymd], col.form[roc], col.form[compact & (lcmp == 8)] = "ymd", "roc", "compact"
    roc7 = compact & (lcmp == 7)
    col.form[roc7] = "roc"
    col.year[roc7] += ROC_OFFSET
    col.pair[pair] = True
    col.reason[(roc & (a == 0)) | (roc7 & (digits < 10_000))] = _R["impossible-date"]
    col.reason[short & ~roc_short] = _R["ambiguous-year"]
    col.reason[sep & ~(ymd | roc | pair)] = _R["unreadable-date"]
    # 8 digits only count as a date when they start with a plausible year (not 12345678).
    implausible = compact & (lcmp == 8) & ((col.year < 1000) | (col.year > 2999))
    col.reason[implausible] = _R["unreadable-date"]
    rest = pc.if_else(pa.array(sep), pc.struct_field(found, "rest"), pc.struct_field(whole, "rest"))
    rest_np = rest.fill_null("").to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(pc.utf8_length(rest).fill_null(0).to_numpy() > 0):
        tail = parse_tail(rest_np[i], Reading())
        if tail.reason == "unreadable-date" or (tail.reason and not col.reason[i]):
            col.reason[i] = _R[tail.reason]
        col.clock[i] = tail.clock
        col.weekday[i] = -1 if tail.weekday is None else tail.weekday
    return sep | compact


def _read_others(
    texts: list[str], fast: np.ndarray, col: _Column, opts: dict[str, Any], notes: dict[str, Any]
) -> None:
    """Read the rarer forms one value at a time; Excel serials only in a column of serials."""
    slow = [i for i, text in enumerate(texts) if text and not fast[i]]
    serial = [i for i in slow if _is_serial(texts[i])]
    if serial:
        readings = {i: parse_serial(texts[i], opts["excel_epoch"]) for i in serial}
        # Any other bare number (1234, 123456, a 5-digit number past 2099) says the column
        # holds numbers that are not day counts: postcodes, amounts, IDs.
        other = any(texts[i].isdigit() for i in slow if i not in readings)
        out_of_range = any(r is not None and r.reason for r in readings.values())
        use = notes["excel_serials"] = not (other or out_of_range)
        if use:
            notes["excel_epoch"] = opts["excel_epoch"]
        for i, got in readings.items():
            col.put(i, got if use and got is not None else Reading(reason="unreadable-date"))
    country = str(opts["country"]).upper()
    for i in slow:
        if i not in serial:
            col.put(i, parse_other(texts[i], country=country))


def _is_serial(text: str) -> bool:
    head, _, frac = text.partition(".")
    return len(head) == 5 and head.isdigit() and (not frac or frac.isdigit())


def _decide_order(
    col: _Column, counts: np.ndarray, order: str, notes: dict[str, Any]
) -> np.ndarray:
    """Decide the column's day/month order from its evidence; returns the rows it decided."""
    first, second = col.first, col.second
    live = col.pair & ((col.reason == 0) | (col.reason == _R["ambiguous-year"]))
    day_first = live & (first > 12) & (first <= 31) & (second >= 1) & (second <= 12)
    month_first = live & (second > 12) & (second <= 31) & (first >= 1) & (first <= 12)
    n_day, n_month = int(counts[day_first].sum()), int(counts[month_first].sum())
    decided: str | None
    if n_day and n_month:
        decided = None
    elif n_day or n_month:
        decided = "DMY" if n_day else "MDY"
    else:
        decided = order if order != "YMD" else None
    notes["date_order"] = decided or order
    notes["date_order_evidence"] = {"day_first": n_day, "month_first": n_month}
    notes["date_order_contradiction"] = bool(n_day and n_month)

    pair = col.pair & (col.reason == 0)
    ambiguous = pair & (first <= 12) & (second <= 12) & (first != second)
    if decided is None:
        col.reason[ambiguous] = _R["ambiguous-day-month"]
        assumed = np.zeros(len(first), dtype=bool)
    else:
        assumed = ambiguous
    # Day-first where the value says so itself, or the column decided it.
    day_first_rows = pair & ((first > 12) | (ambiguous & (decided == "DMY")))
    day_first_rows |= pair & (first == second) & ((decided or order) != "MDY")
    col.first[day_first_rows], col.second[day_first_rows] = (
        second[day_first_rows],
        first[day_first_rows],
    )
    col.form[pair & day_first_rows] = "dmy"
    col.form[pair & ~day_first_rows] = "mdy"
    return assumed


def _validate(col: _Column, min_year: int, max_year: int) -> None:
    year, month, day = col.year, col.first, col.second
    live = col.reason == 0
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = _DAYS_IN_MONTH[np.clip(month, 1, 12)] + ((month == 2) & leap)
    impossible = (year <= 0) | (month < 1) | (month > 12) | (day < 1) | (day > days)
    col.reason[live & impossible] = _R["impossible-date"]
    live = col.reason == 0
    col.reason[live & ((year < min_year) | (year > max_year))] = _R["out-of-range"]
    for i in np.flatnonzero((col.weekday >= 0) & (col.reason == 0)):
        if dt.date(int(year[i]), int(month[i]), int(day[i])).weekday() != col.weekday[i]:
            col.reason[i] = _R["weekday-mismatch"]


def _build(
    series: pd.Series,
    codes: np.ndarray,
    uniques: Any,
    texts: list[str],
    col: _Column,
    assumed: np.ndarray,
    notes: dict[str, Any],
    *,
    keep_time: bool,
) -> Standardised:
    """Outputs per distinct value, filled array-wise, then mapped back to the rows."""
    n = len(texts)
    raw = np.empty(n + 1, dtype=object)  # the last slot is for missing rows (code -1)
    raw[:n] = list(uniques)
    blank = np.append(np.array([not t for t in texts], dtype=bool), True)
    reason = np.append(col.reason, 0)
    good = np.flatnonzero((reason == 0) & ~blank)
    prefix = "datetime" if keep_time else "date"
    years, months, days = col.year[good].tolist(), col.first[good].tolist(), col.second[good]
    iso = [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in zip(years, months, days.tolist(), strict=True)]
    rule = [f"{prefix}.{form}" for form in col.form[good]]
    for k in np.flatnonzero(pd.notna(col.clock[good])):
        if keep_time:
            iso[k] = f"{iso[k]}T{col.clock[good[k]]}"
        else:
            rule[k] = "date.time-dropped"
    good_values = np.empty(len(good), dtype=object)
    good_values[:] = iso
    unchanged = good_values == raw[good]

    values = raw.copy()  # invalid values are kept exactly as they were
    values[blank] = None
    values[good] = good_values
    status = np.where(blank, "empty", "invalid").astype(object)
    status[good] = np.where(unchanged, "ok", "fixed")
    rules = np.full(n + 1, None, dtype=object)
    changed_rule = np.array(rule, dtype=object)
    changed_rule[unchanged] = None
    rules[good] = changed_rule
    reasons = np.array(_REASONS, dtype=object)[reason]
    reasons[blank] = None
    flags = np.full(n + 1, None, dtype=object)
    flags[good[assumed[good] & ~unchanged]] = FLAG_ASSUMED

    take = np.where(codes < 0, n, codes)

    def column(arr: np.ndarray) -> pd.Series:
        return pd.Series(arr[take], index=series.index, dtype=object)

    return Standardised(
        values=column(values),
        status=column(status),
        rule=column(rules),
        reason=column(reasons),
        flags=column(flags) if (flags != None).any() else None,  # noqa: E711
        notes=notes,
    )
