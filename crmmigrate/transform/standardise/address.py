"""Address: parse into line1/line2/district/city/state/postal_code/country and re-assemble.

``standardise(series, country="TW")`` parses each distinct (text, default country) pair once.
The text itself may override the default region: a Taiwan 縣市 or 3+3 postal code, a mainland
province or city, 香港/Hong Kong/Kowloon or a Hong Kong district, a US state + ZIP or ``USA``, a
UK postcode or ``UK``. Each country family is parsed by one vectorised pattern over its subset:

* Taiwan (``_address_tw``): postal code + 縣市 + 區 + street + floor, 臺 as Chunghwa Post writes
  the names, 3+3 code looked up from the official scope rules where missing;
* mainland China (``_address_cn``), Simplified or Traditional, script kept;
* Hong Kong (``_address_hk``), Chinese or English, no postal codes;
* US and UK (``_address_en``), USPS Publication 28 abbreviations, UK postcode spacing.

Values: the canonical one-line address (Chinese-script addresses without spaces, English ones
``line1, line2, city, STATE postal_code``); extras: the components. A text that cannot be parsed
is ``invalid`` (``unparsed-address``), kept exactly, and its whole text is ``extras["line1"]``;
a partial parse is kept with what was found and flagged ``incomplete-address``; a given postal
code that disagrees with the looked-up one is kept and flagged ``postal-code-mismatch``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from crmmigrate.transform.standardise import _address_cn as cn
from crmmigrate.transform.standardise import _address_en as en
from crmmigrate.transform.standardise import _address_hk as hk
from crmmigrate.transform.standardise import _address_tw as tw
from crmmigrate.transform.standardise._address_text import (
    COMPONENTS,
    NONE,
    arrow,
    as_series,
    matches,
    replace,
    trie_regex,
)
from crmmigrate.transform.standardise.base import Standardised
from crmmigrate.transform.standardise.country import country_code

__all__ = ["COMPONENTS", "standardise", "standardise_address"]

_CHINESE_FAMILIES = ("TW", "CN", "HK")


def standardise(series: pd.Series, *, country: str | pd.Series = "TW") -> Standardised:
    """Standardise a column of addresses; ``country`` is the default region, per column or row."""
    values = series.astype(object)
    vcodes, vuniq = pd.factorize(values, use_na_sentinel=True)
    if isinstance(country, pd.Series):
        regions = country.reindex(series.index).astype(object).where(country.notna(), "TW")
        ccodes, cuniq = pd.factorize(regions)
        k = max(len(cuniq), 1)
        combined = np.where(vcodes < 0, -1, vcodes.astype(np.int64) * k + ccodes)
        codes, pairs = pd.factorize(combined[combined >= 0])
        full = np.full(len(values), -1, dtype=np.int64)
        full[combined >= 0] = codes
        codes = full
        texts = np.asarray(vuniq, dtype=object)[pairs // k]
        defaults = np.asarray([_region(str(c)) for c in cuniq], dtype=object)[pairs % k]
    else:
        codes = vcodes
        texts = np.asarray(vuniq, dtype=object)
        defaults = np.full(len(texts), _region(country), dtype=object)
    table = standardise_unique(pd.Series(texts, dtype=object), pd.Series(defaults, dtype=object))
    return _to_rows(series.index, codes, table)


standardise_address = standardise


def standardise_unique(texts: pd.Series, defaults: pd.Series) -> pd.DataFrame:
    """One row of results per distinct text: value, status, rule, reason, flag, components."""
    texts = texts.reset_index(drop=True)
    defaults = defaults.reset_index(drop=True)
    as_text = texts.map(lambda v: v if isinstance(v, str) else str(v)).astype("str")
    norm = _normalise(as_text)
    blank = (norm == "").to_numpy()
    family = _family(norm, defaults).where(~blank, "")
    parts = []
    for name, parser in (
        ("TW", tw.parse),
        ("CN", cn.parse),
        ("HKZ", hk.parse_zh),
        ("HKE", hk.parse_en),
        ("US", en.parse_us),
        ("GB", en.parse_uk),
    ):
        subset = norm[(family == name).to_numpy()]
        if len(subset):
            parts.append(parser(subset))
    other = norm[(family == "OTHER").to_numpy()]
    if len(other):
        parts.append(en.parse_other(other, defaults[other.index]))
    columns = [*COMPONENTS, "value", "parsed", "flag", "rules"]
    res = pd.concat([p[columns] for p in parts]) if parts else pd.DataFrame(columns=columns)
    res = res.reindex(texts.index)
    parsed = res["parsed"].fillna(False).astype(bool).to_numpy() & ~blank
    value = res["value"].astype(object).where(parsed, as_text.astype(object))
    same = (value.astype("str") == as_text).to_numpy()
    status = np.select([blank, ~parsed, same], ["empty", "invalid", "ok"], "fixed")
    nfkc = (norm != as_text.str.strip()).to_numpy() & as_text.str.contains(
        r"[^\x00-\u3000]"
    ).to_numpy()
    rule = np.where(status == "fixed", res["rules"].astype(object), NONE)
    rule = np.where((status == "fixed") & nfkc, rule.astype(str) + "+address.fullwidth", rule)
    out = pd.DataFrame({"value": np.where(blank, NONE, value), "status": status, "rule": rule})
    out["reason"] = np.where(status == "invalid", "unparsed-address", NONE)
    out["flag"] = np.where(parsed, res["flag"].astype(object), NONE)
    for column in COMPONENTS:
        out[column] = np.where(parsed, res[column].astype(object), NONE)
    out["line1"] = np.where(status == "invalid", as_text.astype(object), out["line1"])
    out["country"] = np.where(status == "invalid", defaults, out["country"])
    out.loc[blank, "country"] = None
    return out.astype(object).where(out.notna(), None)


def _normalise(text: pd.Series) -> pd.Series:
    """NFKC (full-width → half-width), line breaks → ", ", runs of spaces → one, trimmed."""
    norm = pc.utf8_normalize(arrow(text), "NFKC")
    norm = pc.replace_substring_regex(norm, r"\s*[\r\n]+\s*", ", ")
    norm = pc.replace_substring_regex(norm, r"\s+", " ")
    norm = pc.utf8_trim(norm, " ,;")
    return as_series(norm, text.index)


@lru_cache(maxsize=1)
def _cues() -> dict[str, str]:
    _, _, city_re, area_re = tw.names()
    hk_names = [n for n in hk._maps()["zh"] if not (len(n) <= 3 and n.endswith(("區", "区")))]
    return {
        "tw": (
            r"^[(\[]?(?:[0-9]{3,6})?[)\]]?\s*(?:" + tw.COUNTRY_WORDS + r")?\s*[(\[]?(?:[0-9]{3,6})?"
            r"[)\]]?\s*(?:" + city_re + r"|[0-9]{3}\s*(?:" + area_re + "))"
        ),
        "tw_word": r"^(?:" + tw.COUNTRY_WORDS + ")",
        "hk": r"^(?:中[國国])?\s*(?:香港|九[龍龙]|新界|" + trie_regex(hk_names) + ")",
        "hk_en": r"(?i)(?:^|[\s,])(?:hong\s*kong|kowloon|new\s+territories)(?:$|[\s,.])",
        "hk_en_district": r"(?i),\s*(?:" + hk.en_district_regex() + r")\s*(?:,|$)",
        "us": en.us_cue(),
        "uk": en.uk_cue(),
    }


def _family(norm: pd.Series, defaults: pd.Series) -> pd.Series:
    """Which parser takes each text: the text's own evidence first, then the default region."""
    cues = _cues()
    default = defaults.to_numpy()
    chinese = matches(norm, r"\p{Han}")
    family = np.full(len(norm), "OTHER", dtype=object)
    if chinese.any():
        zh = norm[chinese]
        fam = np.where(np.isin(default[chinese], _CHINESE_FAMILIES), default[chinese], "TW")
        is_tw = matches(zh, cues["tw"])
        is_hk = ~is_tw & matches(zh, cues["hk"])
        rest = ~is_tw & ~is_hk
        is_cn = np.zeros(len(zh), dtype=bool)
        if rest.any():
            folded = cn.fold(replace(zh[rest], r"[\s,]+", ""))
            plain = replace(zh[rest], r"[\s,]+", "")
            # no place name to go by: text written in Simplified Chinese is taken as mainland
            simplified = ((folded == plain) & (cn.to_traditional(plain) != plain)).to_numpy()
            is_cn[rest] = (matches(folded, cn.cue_pattern()) | simplified) & ~matches(
                folded, cues["tw_word"]
            )
        fam = np.where(is_tw, "TW", np.where(is_hk, "HK", np.where(is_cn, "CN", fam)))
        family[chinese] = np.where(fam == "HK", "HKZ", fam)
    latin = ~chinese
    if latin.any():
        la = norm[latin]
        d = default[latin]
        fam = np.where(
            d == "US", "US", np.where(d == "GB", "GB", np.where(d == "HK", "HKE", "OTHER"))
        )
        is_hk = matches(la, cues["hk_en"]) | matches(la, cues["hk_en_district"])
        is_us = matches(la, cues["us"])
        is_uk = matches(la, cues["uk"])
        fam = np.where(is_hk, "HKE", np.where(is_us, "US", np.where(is_uk, "GB", fam)))
        family[latin] = fam
    return pd.Series(family, index=norm.index, dtype=object)


@lru_cache(maxsize=64)
def _region(text: str) -> str:
    code = text.strip().upper() if len(text.strip()) == 2 else country_code(text)
    return {"UK": "GB"}.get(code or "", code or "TW")


def _to_rows(index: pd.Index, codes: np.ndarray, table: pd.DataFrame) -> Standardised:
    """Spread the per-distinct results to the rows (code -1 = missing → empty)."""
    empty = {c: None for c in table.columns} | {"status": "empty"}
    table = pd.concat([table, pd.DataFrame([empty])], ignore_index=True)
    take = np.where(codes < 0, len(table) - 1, codes)

    def column(name: str) -> pd.Series:
        arr = table[name].to_numpy(dtype=object)
        return pd.Series(arr[take], index=index, dtype=object)

    flags = column("flag")
    return Standardised(
        values=column("value"),
        status=column("status"),
        rule=column("rule"),
        reason=column("reason"),
        extras={c: column(c) for c in COMPONENTS},
        flags=flags if flags.notna().any() else None,
    )
