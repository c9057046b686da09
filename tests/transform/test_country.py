"""Country standardiser: every ISO code and name round-trips; Chinese in both scripts."""

from __future__ import annotations

import gettext

import pandas as pd
import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmmigrate.transform.standardise.country import (
    _lookup,
    country_code,
    is_iso2,
    standardise,
    standardise_country,
)

COUNTRIES = list(pycountry.countries)


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.alpha_2)
def test_every_iso_code_and_name_maps_back(country) -> None:  # type: ignore[no-untyped-def]
    code = country.alpha_2
    for text in (code, code.lower(), country.alpha_3, country.numeric, country.name):
        assert country_code(text) == code, text
    for attr in ("official_name", "common_name"):
        if getattr(country, attr, None):
            assert country_code(getattr(country, attr)) == code


@pytest.mark.parametrize("lang", ["zh_TW", "zh_HK", "zh_CN"])
def test_chinese_names_map_back(lang: str) -> None:
    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    wrong = [c.alpha_2 for c in COUNTRIES if country_code(tr.gettext(c.name)) != c.alpha_2]
    assert wrong == []


def test_every_code_given_out_maps_to_itself() -> None:
    assert sorted(c for c in set(_lookup().values()) if country_code(c) != c) == []


def test_iso2_is_ok_and_everything_else_fixed() -> None:
    result = standardise(pd.Series(["TW", "Taiwan", "tw", None], dtype=object))
    assert list(result.status) == ["ok", "fixed", "fixed", "empty"]
    assert standardise_country is standardise
    assert is_iso2("TW") and not is_iso2("tw") and not is_iso2("XX")


_names = st.one_of(
    st.none(),
    st.sampled_from(["Taiwan", "台灣", "USA", "u.k.", "香港 Hong Kong", "Narnia", "XX", "中国"]),
    st.text(alphabet="abcTWUSK .,()台灣中国香港", max_size=12),
)


@given(st.lists(_names, max_size=20))
def test_idempotent_and_invalid_kept(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    once = standardise(series)
    twice = standardise(once.values)
    assert once.values.equals(twice.values)
    assert set(twice.status) <= {"ok", "invalid", "empty"}
    bad = once.status == "invalid"
    assert once.values[bad].equals(series[bad])
