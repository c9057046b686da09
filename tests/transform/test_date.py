"""Dates: the traps general-purpose parsers fall into, Excel serials, per-column order, properties.

The corpus (tests/data/standardise/date.yaml, datetime.yaml) holds the value-by-value cases;
these tests hold what a corpus line cannot say: comparisons with another implementation,
whole-column behaviour and properties over generated dates.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel

from crmmigrate.transform.standardise._cjk_numbers import cjk_int
from crmmigrate.transform.standardise.date import (
    excel_serial_to_date,
    parse_date,
    standardise,
    standardise_datetime,
)


def _column(values: list[str | None], **options: object):  # type: ignore[no-untyped-def]
    return standardise(pd.Series(values, dtype=object), **options)


def _one(value: str, **options: object) -> str:
    return str(_column([value], **options).values.iloc[0])


# --- the traps: a wrong year without an error -------------------------------------------------


def test_roc_slash_date_is_not_the_year_112() -> None:
    # dateutil.parser.parse("112/05/03") returns 0112-05-03.
    assert _one("112/05/03") == "2023-05-03"
    assert parse_date("112/05/03") == dt.date(2023, 5, 3)
    assert _one("112/05/03", country="US") == "2023-05-03"


@pytest.mark.parametrize(
    "value",
    [
        "民國112年5月3日",
        "2023年5月3日",
        "民國前1年5月3日",
        "二〇二三年五月三日",
        "令和5年5月3日",
        "112年5月3日",
        "二〇一九年五月三日 下午3時",
    ],
)
def test_chinese_years_are_read_not_replaced_by_this_year(value: str) -> None:
    # dateutil's fuzzy=True skips the Chinese year and returns the current year instead.
    got = parse_date(value)
    assert isinstance(got, dt.date)
    assert got.year in (2023, 1911, 2019)


@pytest.mark.parametrize(
    "value", ["某年5月3日", "今年5月3日", "年5月3日", "5月3日", "去年五月三日", "2023年5月3"]
)
def test_a_chinese_date_without_a_readable_year_is_invalid(value: str) -> None:
    result = _column([value])
    if result.status.iloc[0] != "invalid":  # "2023年5月3" (no 日) is a whole date
        assert result.values.iloc[0] == "2023-05-03"
        return
    assert result.reason.iloc[0] == "unreadable-date"


@given(st.dates(min_value=dt.date(1912, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_no_chinese_date_comes_back_with_another_year(day: dt.date) -> None:
    roc = day.year - 1911
    for text in (
        f"民國{roc}年{day.month}月{day.day}日",
        f"{day.year}年{day.month}月{day.day}日",
        f"{roc:03d}{day.month:02d}{day.day:02d}",
        f"{roc}/{day.month}/{day.day}",
    ):
        assert _one(text) == day.isoformat(), text


# --- Excel serial day numbers -----------------------------------------------------------------


def test_excel_1900_serials_around_the_lotus_leap_day_bug() -> None:
    assert excel_serial_to_date(1) == dt.date(1900, 1, 1)
    assert excel_serial_to_date(59) == dt.date(1900, 2, 28)
    assert excel_serial_to_date(60) is None  # Excel's 1900-02-29 never existed
    assert excel_serial_to_date(61) == dt.date(1900, 3, 1)
    assert excel_serial_to_date(0) is None
    assert excel_serial_to_date(45049) == dt.date(2023, 5, 3)


def test_excel_1904_serials() -> None:
    assert excel_serial_to_date(0, 1904) == dt.date(1904, 1, 1)
    assert excel_serial_to_date(1462, 1904) == dt.date(1908, 1, 2)
    assert excel_serial_to_date(45049 - 1462, 1904) == dt.date(2023, 5, 3)
    assert _one("43587", excel_epoch=1904) == "2023-05-03"


@given(st.integers(min_value=61, max_value=80_000), st.sampled_from([1900, 1904]))
def test_excel_serials_agree_with_openpyxl(serial: int, epoch: int) -> None:
    calendar = CALENDAR_MAC_1904 if epoch == 1904 else None
    expected = from_excel(serial, calendar) if calendar else from_excel(serial)
    assert excel_serial_to_date(serial, epoch) == expected.date()


def test_excel_serials_only_in_a_column_of_serials() -> None:
    read = _column(["45049", "45050.25", None])
    assert list(read.values) == ["2023-05-03", "2023-05-04", None]
    assert read.notes["excel_serials"] is True
    postcodes = _column(["45049", "100", "90210"])  # other bare numbers: not day counts
    assert list(postcodes.status) == ["invalid"] * 3
    assert postcodes.notes["excel_serials"] is False
    assert _one("2958465") == "2958465"  # 9999-12-31 is no 5-digit serial


# --- day/month order decided per column -------------------------------------------------------


def test_day_first_evidence_decides_the_whole_column() -> None:
    result = _column(["03/04/1985", "14/03/1985", "14/03/1985", "1985-03-04"], date_order="MDY")
    assert list(result.values) == ["1985-04-03", "1985-03-14", "1985-03-14", "1985-03-04"]
    assert result.notes["date_order"] == "DMY"
    assert result.notes["date_order_evidence"] == {"day_first": 2, "month_first": 0}
    assert result.notes["date_order_contradiction"] is False
    assert list(result.flags) == ["day-month-assumed", None, None, None]
    assert list(result.rule[:2]) == ["date.dmy", "date.dmy"]


def test_month_first_evidence() -> None:
    result = _column(["03/04/1985", "04/25/1985"], date_order="DMY")
    assert list(result.values) == ["1985-03-04", "1985-04-25"]
    assert result.notes["date_order"] == "MDY"


def test_no_evidence_falls_back_to_the_configured_order() -> None:
    assert _column(["03/04/1985"], date_order="DMY").values.iloc[0] == "1985-04-03"
    assert _column(["03/04/1985"], date_order="MDY").values.iloc[0] == "1985-03-04"
    ymd = _column(["03/04/1985"], date_order="YMD")
    assert (ymd.status.iloc[0], ymd.reason.iloc[0]) == ("invalid", "ambiguous-day-month")
    assert ymd.notes["date_order"] == "YMD"


def test_contradicting_evidence_is_reported_never_resolved_value_by_value() -> None:
    values = ["03/04/1985", "25/04/1985", "04/25/1985", "06/06/1985", "1985-01-02"]
    result = _column(values, date_order="DMY")
    assert result.notes["date_order_contradiction"] is True
    assert result.notes["date_order_evidence"] == {"day_first": 1, "month_first": 1}
    assert list(result.status) == ["invalid", "fixed", "fixed", "fixed", "ok"]
    assert result.reason.iloc[0] == "ambiguous-day-month"
    assert result.values.iloc[0] == "03/04/1985"


def test_evidence_needs_a_real_day() -> None:
    # 45/03/1985 is no date at all and says nothing about the order.
    result = _column(["45/03/1985", "03/04/1985"], date_order="MDY")
    assert result.notes["date_order_evidence"] == {"day_first": 0, "month_first": 0}
    assert list(result.values) == ["45/03/1985", "1985-03-04"]


def test_two_digit_roc_years_only_in_taiwan() -> None:
    assert _one("75/03/04", country="TW") == "1986-03-04"
    hk = _column(["75/03/04"], country="HK")
    assert hk.reason.iloc[0] == "ambiguous-year"
    assert parse_date("75/03/04", country="HK") == "ambiguous-year"


def test_time_dropped_for_dates_kept_for_datetimes() -> None:
    value = "2023-05-03T23:30:00-05:00"
    date = _column([value])
    assert (date.values.iloc[0], date.rule.iloc[0]) == ("2023-05-03", "date.time-dropped")
    stamp = standardise_datetime(pd.Series([value], dtype=object))
    assert stamp.values.iloc[0] == value  # the written date and offset, never converted


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="date_order"):
        _column(["2023-05-03"], date_order="XYZ")
    with pytest.raises(ValueError, match="excel_epoch"):
        _column(["2023-05-03"], excel_epoch=1950)


# --- properties -------------------------------------------------------------------------------

_ENGLISH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _cjk(n: int) -> str:
    """A number under 1000 in positional Chinese numerals (the writer the parser must invert)."""
    digits = "〇一二三四五六七八九"
    out = ""
    for unit, name in ((100, "百"), (10, "十")):
        if n >= unit:
            out += ("" if unit == 10 and n < 20 and not out else digits[n // unit]) + name
            n %= unit
        elif out and n:
            out += "零"
    return out + (digits[n] if n else "") if out or n else "〇"


def _written(day: dt.date) -> list[tuple[str, dict[str, str]]]:
    """``day`` in every supported form, each with the options that make it unambiguous."""
    y, m, d, roc = day.year, day.month, day.day, day.year - 1911
    forms: list[tuple[str, dict[str, str]]] = [
        (day.isoformat(), {}),
        (f"{y}/{m}/{d}", {}),
        (f"{y}.{m:02d}.{d:02d}", {}),
        (f"{y}{m:02d}{d:02d}", {}),
        (f"{d:02d}/{m:02d}/{y}", {"date_order": "DMY"}),
        (f"{m}-{d}-{y}", {"date_order": "MDY"}),
        (f"{y}年{m}月{d}日", {}),
        ("".join("〇一二三四五六七八九"[int(c)] for c in str(y)) + f"年{_cjk(m)}月{_cjk(d)}日", {}),
        (f"{d} {_ENGLISH[m - 1]} {y}", {}),
        (f"{day:%B} {d}, {y}", {}),
        (f"{day:%a}, {d:02d} {_ENGLISH[m - 1]} {y} 12:34:56 +0800", {}),
        (f"{day.isoformat()}T23:59:59.5Z", {}),
    ]
    if roc >= 1:
        forms += [
            (f"{roc}/{m:02d}/{d:02d}", {}),
            (f"{roc:03d}{m:02d}{d:02d}", {}),
            (f"民國{roc}年{m}月{d}日", {}),
            (f"民國{_cjk(roc)}年{_cjk(m)}月{_cjk(d)}日", {}),
        ]
    if day >= dt.date(2019, 5, 1):
        forms.append((f"令和{y - 2018}年{m}月{d}日", {}))
        forms.append((f"R{y - 2018}.{m}.{d}", {}))
    elif day >= dt.date(1989, 1, 8):
        forms.append((f"平成{y - 1988}年{m}月{d}日", {}))
    serial = (day - dt.date(1899, 12, 30)).days
    if serial >= 10_000 and day <= dt.date(2099, 12, 31):
        forms.append((str(serial), {}))
    return forms


def test_the_numeral_writer_and_reader_agree() -> None:
    for n in range(1000):
        assert cjk_int(_cjk(n)) == n, _cjk(n)


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_any_supported_form_reads_back_to_the_date(day: dt.date) -> None:
    for text, options in _written(day):
        assert _one(text, **options) == day.isoformat(), text


_date_like = st.one_of(
    st.none(),
    st.dates().map(str),
    st.dates(min_value=dt.date(1800, 1, 1)).map(lambda d: f"{d.day}/{d.month}/{d.year}"),
    st.text(alphabet="0123456789/-.: T年月日民國前元十二三〇", max_size=14),
    st.text(max_size=12),
)


@given(st.lists(_date_like, max_size=12), st.sampled_from(["YMD", "DMY", "MDY"]))
def test_idempotent_and_invalid_values_kept(values: list[str | None], order: str) -> None:
    series = pd.Series(values, dtype=object)
    once = standardise(series, date_order=order)
    bad = once.status == "invalid"
    assert once.values[bad].equals(series[bad])
    # A contradictory column loses its evidence once its values are ISO, so a second pass may
    # decide what the first refused to: idempotence holds for every other column.
    assume(not once.notes["date_order_contradiction"])
    twice = standardise(once.values, date_order=order)
    assert once.values.equals(twice.values)
    assert set(twice.status) <= {"ok", "invalid", "empty"}


@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=8))
def test_datetime_never_crashes_and_keeps_invalid_values(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    once = standardise_datetime(series)
    bad = once.status == "invalid"
    assert once.values[bad].equals(series[bad])
