"""Standardisers v0: expected outputs and statuses, idempotence, invalid values unchanged."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crmmigrate.transform.standardise.base import apply_unique, ok
from crmmigrate.transform.standardise.country import standardise_country
from crmmigrate.transform.standardise.date import parse_date, standardise_date
from crmmigrate.transform.standardise.email import standardise_email
from crmmigrate.transform.standardise.name import split_full_name
from crmmigrate.transform.standardise.number import (
    standardise_boolean,
    standardise_integer,
    standardise_money,
)
from crmmigrate.transform.standardise.picklist import standardise_picklist
from crmmigrate.transform.standardise.text import clean_text


def _one(fn, value, **kw):  # type: ignore[no-untyped-def]
    result = fn(pd.Series([value], dtype=object), **kw)
    return result.values.iloc[0], result.status.iloc[0], result.reason.iloc[0]


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("1985-03-04", "YMD", "1985-03-04"),
        ("1985/3/4", "YMD", "1985-03-04"),
        ("19850304", "YMD", "1985-03-04"),
        ("04/03/1985", "DMY", "1985-03-04"),
        ("03/04/1985", "MDY", "1985-03-04"),
        ("13/04/1985", "YMD", "1985-04-13"),
        ("3 Mar 1985", "YMD", "1985-03-03"),
        ("March 3, 1985", "YMD", "1985-03-03"),
        ("2023年5月3日", "YMD", "2023-05-03"),
        ("民國112年5月3日", "YMD", "2023-05-03"),
        ("民国112年5月3日", "YMD", "2023-05-03"),
        ("112/05/03", "YMD", "2023-05-03"),
        ("1120503", "YMD", "2023-05-03"),
        ("108.3.5", "YMD", "2019-03-05"),
        ("75/03/04", "YMD", "1986-03-04"),
        ("2019-05-03 14:22:10", "YMD", "2019-05-03"),
    ],
)
def test_dates_read(raw: str, order: str, expected: str) -> None:
    assert _one(standardise_date, raw, date_order=order)[0] == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1987-02-30", "impossible-date"),
        ("2023-13-01", "impossible-date"),
        ("03/04/1985", "ambiguous-day-month"),
        ("soon", "unreadable-date"),
        ("0000-01-01", "impossible-date"),
    ],
)
def test_bad_dates_are_invalid_and_kept(raw: str, reason: str) -> None:
    value, status, why = _one(standardise_date, raw, date_order="YMD")
    assert (value, status, why) == (raw, "invalid", reason)


def test_roc_two_digit_year_only_for_taiwan() -> None:
    assert parse_date("75/03/04", country="TW") != parse_date("75/03/04", country="HK")
    assert parse_date("75/03/04", country="HK") == "ambiguous-year"


@pytest.mark.parametrize(
    ("raw", "expected", "status"),
    [
        ("NT$1,200", "1200", "fixed"),
        ("1,200元", "1200", "fixed"),
        ("1234.50", "1234.50", "ok"),
        ("(12.5)", "-12.5", "fixed"),
        ("1.234,56", "1234.56", "fixed"),  # comma decimal, decided by the value itself
        ("1.234,56 USD NTD", "1.234,56 USD NTD", "invalid"),
        ("abc", "abc", "invalid"),
    ],
)
def test_money(raw: str, expected: str, status: str) -> None:
    value, got, _ = _one(standardise_money, raw)
    assert (value, got) == (expected, status)


def test_integer_and_boolean() -> None:
    assert _one(standardise_integer, "1,000")[:2] == ("1000", "fixed")
    assert _one(standardise_integer, "1.5")[:2] == ("1.5", "invalid")
    assert _one(standardise_boolean, "是")[:2] == ("true", "fixed")
    assert _one(standardise_boolean, "maybe")[:2] == ("maybe", "invalid")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Taiwan", "TW"),
        ("台灣", "TW"),
        ("臺灣", "TW"),
        ("Hong Kong SAR", "HK"),
        ("香港", "HK"),
        ("USA", "US"),
        ("United States", "US"),
        ("u.k.", "GB"),
        ("CHN", "CN"),
        ("tw", "TW"),
    ],
)
def test_country(raw: str, expected: str) -> None:
    assert _one(standardise_country, raw)[0] == expected


def test_unknown_country_is_invalid() -> None:
    assert _one(standardise_country, "Narnia") == ("Narnia", "invalid", "unknown-country")


def test_email_lowercase_and_mailto() -> None:
    assert _one(standardise_email, "mailto:Ann@Example.COM")[:2] == ("ann@example.com", "fixed")
    assert _one(standardise_email, "ann@example.com")[:2] == ("ann@example.com", "ok")


def test_picklist_folds_case_spaces_and_aliases() -> None:
    values = ["In Progress", "Marketing Qualified Lead", "Male"]
    aliases = {"男": "Male"}
    for raw, expected in [
        ("IN_PROGRESS", "In Progress"),
        ("marketingqualifiedlead", "Marketing Qualified Lead"),
        ("男", "Male"),
    ]:
        assert _one(standardise_picklist, raw, values=values, aliases=aliases)[0] == expected
    assert _one(standardise_picklist, "Other", values=values)[1] == "invalid"


def test_picklist_ignores_width_and_chinese_script() -> None:
    values = ["Lead", "In Progress"]
    aliases = {"潜在客户": "Lead", "進行中": "In Progress"}
    for raw, expected in [("潛在客戶", "Lead"), ("进行中", "In Progress"), ("ＬＥＡＤ", "Lead")]:
        assert _one(standardise_picklist, raw, values=values, aliases=aliases)[:2] == (
            expected,
            "fixed",
        )
    assert _one(standardise_picklist, "Lead", values=values)[:2] == ("Lead", "ok")


@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["lead", "LEAD", "男", "x", " "])), max_size=10)
)
def test_picklist_idempotent_and_invalid_kept(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    opts = {"values": ["Lead", "Male"], "aliases": {"男": "Male"}}
    once = standardise_picklist(series, **opts)
    assert once.values.equals(standardise_picklist(once.values, **opts).values)
    invalid = once.status == "invalid"
    assert once.values[invalid].equals(series[invalid])


def test_text_nfkc_and_whitespace() -> None:
    assert _one(clean_text, "  ０９１２　３４５ ")[0] == "0912 345"
    assert _one(clean_text, "ｊｏｈｎ＠ｇｍａｉｌ．ｃｏｍ")[0] == "john@gmail.com"
    assert _one(clean_text, "   ")[:2] == (None, "empty")
    multi = clean_text(pd.Series(["a  b \r\n  c"], dtype=object), multiline=True)
    assert multi.values.iloc[0] == "a b\nc"


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("陳大文", (None, "大文", "陳")),
        ("歐陽娜娜", (None, "娜娜", "歐陽")),
        ("司徒美華", (None, "美華", "司徒")),
        ("王小明 先生", ("先生", "小明", "王")),
        ("李小姐", ("小姐", None, "李")),
        ("Mr. John Smith", ("Mr.", "John", "Smith")),
        ("Doe, John", (None, "John", "Doe")),
        ("Madonna", (None, None, "Madonna")),
    ],
)
def test_split_full_name(raw: str, parts: tuple[str | None, ...]) -> None:
    got = split_full_name(raw)
    assert (got.salutation, got.first, got.last) == parts


def test_apply_unique_parses_each_distinct_value_once() -> None:
    seen: list[str] = []

    def parse(v: str):  # type: ignore[no-untyped-def]
        seen.append(v)
        return ok(v)

    apply_unique(pd.Series(["a", "b", "a", None, "a"], dtype=object), parse)
    assert sorted(seen) == ["a", "b"]


_text = st.one_of(st.none(), st.text(max_size=20))
_dates = st.one_of(
    st.none(), st.dates().map(str), st.text(alphabet="0123456789/-.年月日民國", max_size=12)
)


@given(st.lists(_text, max_size=20))
def test_text_idempotent(values: list[str | None]) -> None:
    once = clean_text(pd.Series(values, dtype=object)).values
    twice = clean_text(once).values
    assert once.equals(twice)


@given(st.lists(_dates, max_size=20), st.sampled_from(["YMD", "DMY", "MDY"]))
def test_date_idempotent_and_invalid_kept(values: list[str | None], order: str) -> None:
    series = pd.Series(values, dtype=object)
    once = standardise_date(series, date_order=order)
    # A contradictory column's evidence is gone once its values are ISO: see test_date.py.
    assume(not once.notes["date_order_contradiction"])
    twice = standardise_date(once.values, date_order=order)
    assert once.values.equals(twice.values)
    invalid = once.status == "invalid"
    assert once.values[invalid].equals(series[invalid])


@given(
    st.lists(
        st.one_of(st.none(), st.text(alphabet="0123456789,.$元NT()-", max_size=10)), max_size=20
    )
)
def test_money_idempotent_and_invalid_kept(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    once = standardise_money(series)
    assume(not once.notes["decimal_mark_contradiction"])  # see test_money.py
    assert once.values.equals(standardise_money(once.values).values)
    invalid = once.status == "invalid"
    assert once.values[invalid].equals(series[invalid])
