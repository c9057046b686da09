"""Countries: English and Chinese names, ISO alpha-2/alpha-3/numeric codes → ISO alpha-2.

Names come from pycountry (English short, official and common names; alpha-3; numeric; its
zh_TW, zh_HK and zh_CN translations), phonenumbers' region names (English and Chinese), and
``crmmigrate/data/country_aliases.yaml`` for everyday names (``UK``, ``England``, ``USA``,
``ROC``, ``中華民國``, ``Mainland China``, ``Hong Kong SAR``, ``南韓``). Matching ignores case,
width, accents, spaces and punctuation (``U.S.A.`` = ``usa``, ``St.`` = ``Saint``) and folds
Traditional to Simplified Chinese. A bilingual value (``台灣 Taiwan``, ``Hong Kong (香港)``) is
accepted when every part names the same country. Anything else is ``invalid`` with reason
``unknown-country``; a code already in ISO form is ``ok``, everything else ``fixed`` with rule
``country.iso2``.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache
from importlib import resources

import pandas as pd
import pycountry
import yaml
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS

from crmmigrate.transform.standardise._keys import fold
from crmmigrate.transform.standardise.base import (
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
)

_SAINT = re.compile(r"\bst\b\.?")
_THE = re.compile(r"^the\b")
_DROP = re.compile(r"[\s.,·・'’\"()（）\[\]\-_/&]+")
_PARTS = re.compile(
    r"\s*[/|()（）\[\]、]+\s*|\s*,\s*"
    r"|(?<=[\u3400-\u9fff])\s*(?=[A-Za-z])|(?<=[A-Za-z.)])\s*(?=[\u3400-\u9fff])"
)
_ISO2 = re.compile(r"[A-Z]{2}")


def country_key(text: str) -> str:
    """The lookup key of a country name or code."""
    norm = fold(text).replace("&", " and ").strip()
    norm = _THE.sub("", _SAINT.sub("saint", norm))
    return _DROP.sub("", norm)


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(name: str | None, code: str, *, override: bool = False) -> None:
        if not name:
            return
        key = country_key(name)
        if key and (override or key not in table):
            table[key] = code

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("zh_TW", "zh_HK", "zh_CN")
    ]
    for country in pycountry.countries:
        code = country.alpha_2
        add(code, code, override=True)
        add(country.alpha_3, code, override=True)
        add(country.numeric, code)
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            add(name, code)
            for tr in translations:
                add(tr.gettext(name) if name else None, code)
    # geocoder loads every region's place names (0.5 s): only when the table is first built
    from phonenumbers import geocoder

    for region in SUPPORTED_REGIONS:
        if region.isalpha() and len(region) == 2:
            add(region, region)
            for lang in ("en", "zh"):
                add(geocoder._region_display_name(region, lang), region)
    text = resources.files("crmmigrate").joinpath("data/country_aliases.yaml").read_text("utf-8")
    for code, aliases in yaml.safe_load(text)["aliases"].items():
        for alias in aliases:
            add(alias, code, override=True)
    return table


def country_code(text: str) -> str | None:
    """The ISO alpha-2 code for a country name or code, or None."""
    table = _lookup()
    found = table.get(country_key(text))
    if found is not None:
        return found
    parts = [p for p in _PARTS.split(text) if p and p.strip()]
    if len(parts) < 2:
        return None
    codes = {table.get(country_key(p)) for p in parts}
    if len(codes) == 1 and None not in codes:
        return codes.pop()
    return None


def standardise_country_value(value: str) -> Outcome:
    code = country_code(value)
    if code is None:
        return invalid(value, "unknown-country")
    return fixed(value, code, "country.iso2")


def standardise(series: pd.Series) -> Standardised:
    """Standardise a column of countries to ISO alpha-2 codes."""
    return apply_unique(series, standardise_country_value)


standardise_country = standardise  # the v0 name


def is_iso2(text: str) -> bool:
    """Whether ``text`` is an assigned ISO 3166-1 alpha-2 code in canonical (upper-case) form."""
    return _ISO2.fullmatch(text) is not None and pycountry.countries.get(alpha_2=text) is not None
