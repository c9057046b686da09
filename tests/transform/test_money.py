"""Money and numbers: the per-column decimal mark, currencies, Chinese units, properties.

Value-by-value cases live in tests/data/standardise/money.yaml, number.yaml, integer.yaml and
boolean.yaml; these tests cover whole columns and generated values.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crmmigrate.transform.standardise import number
from crmmigrate.transform.standardise._cjk_numbers import cjk_amount
from crmmigrate.transform.standardise.money import standardise


def _column(values: list[str | None], **options: object):  # type: ignore[no-untyped-def]
    return standardise(pd.Series(values, dtype=object), **options)


def test_sample_order_amounts() -> None:
    result = _column(["NT$2,990", "10,350元", "NT$1,200", "700元", "1490"], default_currency="TWD")
    assert list(result.values) == ["2990", "10350", "1200", "700", "1490"]
    assert list(result.extras["currency"]) == ["TWD"] * 5
    assert result.notes["decimal_mark"] == "."


def test_comma_evidence_decides_the_column() -> None:
    result = _column(["1.234,56", "2.000", "12,5", "7"])
    assert list(result.values) == ["1234.56", "2000", "12.5", "7"]
    assert result.notes == {
        "decimal_mark": ",",
        "decimal_mark_evidence": {"dot": 0, "comma": 2},
        "decimal_mark_contradiction": False,
    }


def test_dot_evidence_and_the_fallback_without_evidence() -> None:
    assert list(_column(["1,234", "0.5"]).values) == ["1234", "0.5"]
    none = _column(["1,234", "1.234"])
    assert list(none.values) == ["1234", "1.234"]
    assert none.notes["decimal_mark_evidence"] == {"dot": 0, "comma": 0}


def test_contradiction_is_reported_and_ambiguous_values_invalid() -> None:
    result = _column(["1.234,56", "9,99", "1,234.56", "1.234", "1,234", "42"])
    assert result.notes["decimal_mark_contradiction"] is True
    assert result.notes["decimal_mark_evidence"] == {"dot": 1, "comma": 2}
    assert list(result.values) == ["1234.56", "9.99", "1234.56", "1.234", "1,234", "42"]
    assert list(result.reason)[3:5] == ["ambiguous-decimal-mark"] * 2


def test_a_fixed_mark_reads_every_value_that_way() -> None:
    comma = _column(["1.234", "1,5", "1,234.56"], decimal_mark=",")
    assert list(comma.values) == ["1234", "1.5", "1,234.56"]
    assert list(comma.reason) == [None, None, "not-a-number"]
    with pytest.raises(ValueError, match="decimal_mark"):
        _column(["1"], decimal_mark=";")


@pytest.mark.parametrize(
    ("raw", "default", "currency"),
    [
        ("NT$5", None, "TWD"),
        ("$5", None, None),
        ("$5", "HKD", "HKD"),
        ("$5", "EUR", None),
        ("5元", "CNY", "CNY"),
        ("5元", "USD", None),
        ("¥5", "JPY", "JPY"),
        ("NT$5元", None, "TWD"),
        ("5", "twd", "TWD"),
    ],
)
def test_currency(raw: str, default: str | None, currency: str | None) -> None:
    result = _column([raw], default_currency=default)
    assert result.values.iloc[0] == "5"
    assert result.extras["currency"].iloc[0] == currency


def test_foreign_currency_is_flagged_and_conflicts_are_invalid() -> None:
    result = _column(["US$5", "NT$5", "HK$5 RMB"], default_currency="TWD")
    assert list(result.flags) == ["foreign-currency", None, None]
    assert result.reason.iloc[2] == "conflicting-currency"


def test_number_module_keeps_its_names() -> None:
    assert number.standardise_money is standardise
    assert number.standardise_number is number.standardise
    result = number.standardise_integer(pd.Series(["1,000", "1.5", "2萬"], dtype=object))
    assert list(result.values) == ["1000", "1.5", "20000"]
    assert result.reason.iloc[1] == "not-an-integer"


# --- Chinese units ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一萬", 10_000),
        ("十萬", 100_000),
        ("一百萬", 1_000_000),
        ("一千二百萬", 12_000_000),
        ("三萬零五", 30_005),
        ("一萬二", 12_000),
        ("兩千五", 2_500),
        ("一億零五百萬", 105_000_000),
        ("二十五", 25),
        ("零", 0),
    ],
)
def test_chinese_amounts(text: str, expected: int) -> None:
    assert cjk_amount(text) == expected


@given(st.integers(min_value=1, max_value=99_999), st.integers(min_value=1000, max_value=9999))
def test_arabic_numbers_with_units(wan: int, rest: int) -> None:
    assert _column([f"{wan}萬{rest}"]).values.iloc[0] == str(wan * 10_000 + rest)
    assert _column([f"{wan}萬"]).values.iloc[0] == str(wan * 10_000)
    assert _column([f"{wan}k"]).values.iloc[0] == str(wan * 1000)


# --- properties ---------------------------------------------------------------------------------


def _grouped(whole: int, sep: str) -> str:
    return f"{whole:,}".replace(",", sep)


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    st.sampled_from([".", ","]),
    st.sampled_from(["", "NT$", "US$ ", "HK$", "€"]),
)
def test_formatted_amounts_read_back_given_the_right_mark(
    amount: Decimal, mark: str, symbol: str
) -> None:
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    text = _grouped(int(whole), "," if mark == "." else ".") + mark + cents
    text = f"({symbol}{text})" if amount < 0 else f"{symbol}{text}"
    result = _column([text], decimal_mark=mark)
    assert Decimal(result.values.iloc[0]) == amount
    assert result.values.iloc[0] == f"{amount:.2f}".replace("-0.00", "0.00")


_amount_like = st.one_of(
    st.none(),
    st.text(alphabet="0123456789,.-() $元萬千kNT", max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.text(max_size=10),
)


@given(st.lists(_amount_like, max_size=12))
def test_idempotent_and_invalid_values_kept(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    once = _column(values)
    bad = once.status == "invalid"
    assert once.values[bad].equals(series[bad])
    assume(not once.notes["decimal_mark_contradiction"])  # the evidence is gone after one pass
    twice = standardise(once.values)
    assert once.values.equals(twice.values)
    assert set(twice.status) <= {"ok", "invalid", "empty"}


@given(st.lists(_amount_like, max_size=12))
def test_numbers_and_integers_idempotent(values: list[str | None]) -> None:
    for fn in (number.standardise, number.standardise_integer):
        once = fn(pd.Series(values, dtype=object))
        assume(not once.notes["decimal_mark_contradiction"])
        assert once.values.equals(fn(once.values).values)
