"""Business and personal IDs: check digits against independent implementations, kinds told
apart by shape and country, idempotence."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmmigrate.transform.standardise.ids import (
    cn_uscc_check_char,
    standardise_cn_uscc,
    standardise_hk_brn,
    standardise_tax_id,
    standardise_tw_national_id,
    standardise_tw_ubn,
    tw_national_id_valid,
    tw_ubn_valid,
)

_UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def _ubn_sum(number: str) -> int:
    total = 0
    for digit, weight in zip(number, _UBN_WEIGHTS, strict=True):
        product = int(digit) * weight
        total += product // 10 + product % 10
    return total


def _ubn_old_rule(number: str) -> bool:
    """The pre-2023 rule python-stdnum 2.2 still applies: divisible by 10."""
    total = _ubn_sum(number)
    return total % 10 == 0 or (number[6] == "7" and (total + 1) % 10 == 0)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_ubn_matches_the_2023_rule(number: str) -> None:
    total = _ubn_sum(number)
    expected = total % 5 == 0 or (number[6] == "7" and (total + 1) % 5 == 0)
    assert tw_ubn_valid(number) is expected
    if _ubn_old_rule(number):  # the new rule only ever adds numbers
        assert tw_ubn_valid(number)


@pytest.mark.parametrize("number", ["81282193", "96478913", "52023943", "40403052", "02852471"])
def test_ubn_valid_only_under_the_new_rule(number: str) -> None:
    assert tw_ubn_valid(number) and not _ubn_old_rule(number)


_LETTER_VALUES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip


def _national_id_check_digit(first9: str) -> str:
    area = _LETTER_VALUES[first9[0]]
    second = first9[1]
    d1 = _LETTER_VALUES[second] % 10 if second.isalpha() else int(second)
    digits = [d1, *map(int, first9[2:])]
    total = (
        area // 10
        + (area % 10) * 9
        + sum(d * w for d, w in zip(digits, range(8, 0, -1), strict=True))
    )
    return str((10 - total % 10) % 10)


@given(
    st.sampled_from(sorted(_LETTER_VALUES)),
    st.sampled_from("1289ABCD"),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.integers(0, 9),
)
def test_national_id_check_digit(letter: str, second: str, body: str, check: int) -> None:
    first9 = letter + second + body
    expected = _national_id_check_digit(first9) == str(check)
    assert tw_national_id_valid(f"{first9}{check}") is expected


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(
    st.text(alphabet=_USCC_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=_USCC_ALPHABET, min_size=9, max_size=9),
)
def test_uscc_check_character(head: str, area: str, org: str) -> None:
    body = head + area + org
    # GB 32100-2015: weights 3^i mod 31; check = 31 - (sum mod 31), 31 read as 0
    total = sum(_USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    assert cn_uscc_check_char(body) == _USCC_ALPHABET[(31 - total % 31) % 31]
    good = body + cn_uscc_check_char(body)
    result = standardise_cn_uscc(pd.Series([good, good.lower()], dtype=object))
    assert list(result.status) == ["ok", "fixed" if good != good.lower() else "ok"]
    wrong = _USCC_ALPHABET[(_USCC_ALPHABET.index(good[-1]) + 1) % 31]
    assert standardise_cn_uscc(pd.Series([body + wrong])).reason.iloc[0] == "bad-check-digit"


def test_tax_id_country_per_row() -> None:
    ids = pd.Series(["12345678", "12345678", "22099131", None], index=[5, 6, 7, 8], dtype=object)
    country = pd.Series(["HK", "TW", None, "HK"], index=[5, 6, 7, 8], dtype=object)
    result = standardise_tax_id(ids, country=country)
    assert list(result.status) == ["ok", "invalid", "ok", "empty"]
    assert list(result.extras["id_type"]) == ["hk_brn", "tw_ubn", "tw_ubn", None]
    assert list(result.values.index) == [5, 6, 7, 8]


def test_tax_id_unknown_format_is_kept_and_flagged() -> None:
    result = standardise_tax_id(pd.Series(["GB 123 4567 89"], dtype=object), country="GB")
    assert (result.values.iloc[0], result.status.iloc[0]) == ("GB 123 4567 89", "ok")
    assert result.flags is not None and result.flags.iloc[0] == "unknown-id-format"


_id_text = st.one_of(
    st.none(),
    st.text(alphabet="0123456789-  .ABCDXYZabc統編:", max_size=22),
    st.sampled_from(["22099131", "4541302", "A123456789", "91440300708461136T", "12345678-000"]),
)
_standardisers = [
    standardise_tw_ubn,
    standardise_tw_national_id,
    standardise_cn_uscc,
    standardise_hk_brn,
    standardise_tax_id,
]


@pytest.mark.parametrize("fn", _standardisers)
@given(values=st.lists(_id_text, max_size=15))
def test_idempotent_and_invalid_kept(fn, values: list[str | None]) -> None:  # type: ignore[no-untyped-def]
    series = pd.Series(values, dtype=object)
    once = fn(series)
    twice = fn(once.values)
    assert once.values.equals(twice.values)
    assert set(twice.status) <= {"ok", "invalid", "empty"}
    bad = once.status == "invalid"
    assert once.values[bad].equals(series[bad])
