"""Country v0: English and Chinese names, alpha-2 and common alpha-3 codes → ISO alpha-2.

Region names come from the locale data that ships with ``phonenumbers`` (English and Simplified
Chinese for every region it knows); common Traditional Chinese names, alpha-3 codes and everyday
aliases are listed here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd
from phonenumbers import geocoder
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS

from crmmigrate.transform.standardise.base import (
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
)

_ALIASES: dict[str, str] = {
    # Traditional Chinese and everyday names
    "台灣": "TW", "臺灣": "TW", "台湾": "TW", "中華民國": "TW", "taiwan roc": "TW", "roc": "TW",
    "republic of china": "TW", "taiwan, province of china": "TW",
    "香港": "HK", "香港特別行政區": "HK", "香港特别行政区": "HK", "hong kong sar": "HK",
    "hong kong sar china": "HK", "hongkong": "HK",
    "澳門": "MO", "澳门": "MO", "macau": "MO", "macao sar": "MO", "澳門特別行政區": "MO",
    "中國": "CN", "中國大陸": "CN", "中国大陆": "CN", "大陸": "CN", "大陆": "CN", "prc": "CN",
    "mainland china": "CN", "people's republic of china": "CN",
    "美國": "US", "usa": "US", "u.s.a.": "US", "u.s.": "US", "united states of america": "US",
    "america": "US",
    "英國": "GB", "uk": "GB", "u.k.": "GB", "great britain": "GB", "england": "GB",
    "日本國": "JP", "新加坡共和國": "SG", "馬來西亞": "MY", "韓國": "KR", "南韓": "KR",
    "korea": "KR", "republic of korea": "KR", "澳洲": "AU", "澳大利亞": "AU", "加拿大": "CA",
    "德國": "DE", "法國": "FR", "泰國": "TH", "越南": "VN", "菲律賓": "PH", "印尼": "ID",
    "紐西蘭": "NZ", "新西蘭": "NZ", "印度": "IN",
    # common alpha-3 codes
    "twn": "TW", "hkg": "HK", "mac": "MO", "chn": "CN", "gbr": "GB", "jpn": "JP",
    "sgp": "SG", "mys": "MY", "kor": "KR", "aus": "AU", "can": "CA", "deu": "DE", "fra": "FR",
    "tha": "TH", "vnm": "VN", "phl": "PH", "idn": "ID", "nzl": "NZ", "ind": "IN",
}  # fmt: skip

_PUNCT = re.compile(r"[\s.,()]+")


def _key(text: str) -> str:
    return _PUNCT.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for region in SUPPORTED_REGIONS:
        table[region.casefold()] = region
        for lang in ("en", "zh"):
            name = geocoder._region_display_name(region, lang)
            if name:
                table.setdefault(_key(name), region)
    for alias, region in _ALIASES.items():
        table[_key(alias)] = region
    return table


def country_code(text: str) -> str | None:
    """The ISO alpha-2 code for a country name or code, or None."""
    return _lookup().get(_key(text))


def standardise_country_value(value: str) -> Outcome:
    code = country_code(value)
    if code is None:
        return invalid(value, "unknown-country")
    return fixed(value, code, "country.iso2")


def standardise_country(series: pd.Series) -> Standardised:
    return apply_unique(series, standardise_country_value)
