"""Mainland China addresses: 省/自治区/直辖市 + 市/州/盟 + 区/县/县级市/旗 + street and door.

Names are matched on the text folded to Simplified Chinese (OpenCC ``t2s``, one batch call for
all rows) against the division table shipped in ``data/address/cn_divisions.csv.gz``; the output
keeps the script of the input (a Traditional address stays Traditional). A missing province (or
prefecture) is filled in from the city (or district) when that is unambiguous.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
import opencc
import pandas as pd

from crmmigrate.transform.standardise._address_text import (
    NONE,
    concat,
    extract,
    nonempty,
    trie_regex,
)

MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
COUNTRY_WORDS = "中华人民共和国|中華人民共和國|中国大陆|中國大陸|中国|中國"


@lru_cache(maxsize=1)
def divisions() -> pd.DataFrame:
    path = files("crmmigrate") / "data" / "address" / "cn_divisions.csv.gz"
    with path.open("rb") as handle:
        return pd.read_csv(handle, compression="gzip", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _converters() -> tuple[opencc.OpenCC, opencc.OpenCC]:
    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def fold(text: pd.Series) -> pd.Series:
    """Traditional → Simplified for matching: one OpenCC call over all rows joined."""
    if text.empty:
        return text
    joined = _converters()[0].convert("\n".join(text.tolist()))
    return pd.Series(joined.split("\n"), index=text.index, dtype="str")


def to_traditional(text: pd.Series) -> pd.Series:
    """Simplified → Traditional, one OpenCC call (used to tell a Simplified text apart)."""
    if text.empty:
        return text
    joined = _converters()[1].convert("\n".join(text.tolist()))
    return pd.Series(joined.split("\n"), index=text.index, dtype="str")


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    d = divisions()
    prov = d[d["level"] == "1"]
    city = d[(d["level"] == "2") & ~d["code"].isin(prov["code"])]
    county = d[d["level"] == "3"]
    prov_names = dict(zip(prov["name"], prov["code"], strict=True))
    city_full = set(city["name"])
    shorts = {
        s: c for s, c in zip(prov["short"], prov["code"], strict=True) if s + "市" not in city_full
    }
    prov_names |= {s: c for s, c in shorts.items() if s not in MUNICIPALITIES}
    city_names = dict(zip(city["name"], city["code"], strict=True))
    all_names = [*county["name"], *prov["name"], *city["name"]]
    for name, code in zip(city["name"], city["code"], strict=True):
        short = name[:-1]
        if (
            name.endswith("市")
            and len(short) >= 2
            and not any(n.startswith(short) and n != name for n in all_names)
        ):
            city_names[short] = code
    return {
        "prov": prov_names,
        "prov_name": dict(zip(prov["code"], prov["name"], strict=True)),
        "city": city_names,
        "city_name": dict(zip(city["code"], city["name"], strict=True)),
        "city_prov": dict(zip(city["code"], city["parent"], strict=True)),
        "county": county[["name", "code", "parent"]].rename(columns={"parent": "city_code"}),
    }


@lru_cache(maxsize=1)
def pattern() -> str:
    """Generic shapes for the names (checked against the table afterwards, not in RE2)."""
    t = _tables()
    shorts = [n for n in t["prov"] if not n.endswith(("省", "自治区", "市"))]
    counties = t["county"]["name"]
    inner = sorted({n for n in counties if any(c in "区县市旗" for c in n[:-1])}, key=len)[::-1]
    return (
        r"^(?P<zip>[0-9]{6})?(?P<cw>" + COUNTRY_WORDS + r")?"
        r"(?:(?P<muni>(?:北京|上海|天津|重庆)市?)|"
        r"(?P<prov>[^0-9]{2,7}?(?:省|自治区)|" + "|".join(shorts) + r")?"
        r"(?P<city>[^0-9]{1,9}?(?:市|自治州|地区|盟))?)"
        r"(?P<dist>" + "|".join(inner) + r"|[^0-9]{1,8}?(?:区|县|市|旗))?"
        r"(?P<street>[^0-9]*?[0-9]+(?:-[0-9]+)?号)?(?P<rest>.*?)"
        r"(?P<tail>[(（]?(?:邮编|邮政编码)?[:：]?(?P<zipe>[0-9]{6})[)）]?)?$"
    )


def _check_names(g: pd.DataFrame) -> None:
    """Names the table does not know go back to the street (in place)."""
    t = _tables()
    known_county = set(t["county"]["name"])
    prov_bad = (g["prov"] != "") & ~g["prov"].isin(list(t["prov"]))
    city_bad = (g["city"] != "") & ~g["city"].isin(list(t["city"]))
    to_dist = city_bad & g["city"].isin(known_county) & (g["dist"] == "")
    g.loc[to_dist, "dist"] = g.loc[to_dist, "city"]
    g.loc[to_dist, "city"] = ""
    city_bad &= ~to_dist
    dist_bad = (g["dist"] != "") & ~g["dist"].isin(known_county)
    lost = prov_bad | city_bad | dist_bad
    if not lost.any():
        return
    back = (
        g["prov"].where(prov_bad, "")
        + g["city"].where(city_bad, "")
        + g["dist"].where(dist_bad, "")
    )
    into_street = lost & (g["street"] != "")
    g.loc[into_street, "street"] = back[into_street] + g.loc[into_street, "street"]
    into_rest = lost & ~into_street
    g.loc[into_rest, "rest"] = back[into_rest] + g.loc[into_rest, "rest"]
    for column, bad in (("prov", prov_bad), ("city", city_bad), ("dist", dist_bad)):
        g.loc[bad, column] = ""


@lru_cache(maxsize=1)
def cue_pattern() -> str:
    """Texts that start like a mainland address (after folding to Simplified)."""
    t = _tables()
    full = [n for n in t["prov"] if n != "台湾"]
    cities = [n for n in t["city"] if n.endswith(("市", "州", "盟"))]
    names = trie_regex([*full, *cities, *MUNICIPALITIES])
    return r"^(?:[0-9]{6})?(?:" + COUNTRY_WORDS + r")?(?:" + names + ")"


_GROUPS = ("zip", "cw", "muni", "prov", "city", "dist", "street", "rest", "tail")


def parse(text: pd.Series) -> pd.DataFrame:
    """Parse mainland Chinese texts (Simplified or Traditional) into components."""
    t = _tables()
    clean = text.str.replace(r"[\s,，]+", "", regex=True)
    folded = fold(clean)
    g = extract(folded, pattern())
    _check_names(g)
    muni = g["muni"].str.replace("市", "", regex=False)
    prov_code = g["prov"].map(t["prov"]).fillna("")
    city_code = g["city"].map(t["city"]).fillna("")
    muni_code = muni.map(
        {m: c for c, m in ((c, n[:-1]) for n, c in t["prov"].items() if n[:-1] in MUNICIPALITIES)}
    )
    city_code = city_code.where(muni == "", muni_code.fillna(""))
    prov_code = prov_code.where(muni == "", muni_code.fillna(""))
    county = t["county"]
    picks = pd.DataFrame({"name": g["dist"], "city_code": city_code, "prov": prov_code})
    cand = picks.reset_index().merge(county, on="name", how="inner", suffixes=("", "_c"))
    cand["cprov"] = (
        cand["city_code_c"].map(t["city_prov"]).fillna(cand["city_code_c"].str[:2] + "0000")
    )
    fits = ((cand["city_code"] == "") | (cand["city_code"] == cand["city_code_c"])) & (
        (cand["prov"] == "") | (cand["prov"] == cand["cprov"])
    )
    cand = cand[fits]
    one = cand.groupby("index")["city_code_c"].agg(["nunique", "first"])
    from_dist = one.loc[one["nunique"] == 1, "first"].reindex(text.index).fillna("")
    add_city = (city_code == "") & (from_dist != "")
    city_code = city_code.where(~add_city, from_dist)
    from_city = city_code.map(t["city_prov"]).fillna("")
    from_city = from_city.where(~city_code.isin(muni_code.dropna().unique()), city_code)
    add_prov = (prov_code == "") & (from_city != "")
    prov_code = prov_code.where(~add_prov, from_city)

    # the input's own spelling where it wrote a name, the table's (in its script) where inferred
    own = _original_groups(clean, folded, g)
    trad = (folded != clean).to_numpy()
    prov_name = prov_code.map(t["prov_name"]).fillna("")
    city_name = city_code.map(t["city_name"]).fillna(prov_name.where(muni != "", ""))
    is_muni = (muni != "") | prov_code.isin(muni_code.dropna().unique())
    muni_name = own["muni"].where(own["muni"].str.endswith("市"), own["muni"] + "市")
    state = own["prov"].where(g["prov"] == prov_name, _script(prov_name, trad))
    city = own["city"].where(g["city"] == city_name, _script(city_name, trad))
    city = city.where(muni == "", muni_name)
    state = state.where(~is_muni, city)
    postal = g["zip"].where(g["zip"] != "", g["zipe"])
    has_street = g["street"] != ""
    out = pd.DataFrame(index=text.index)
    out["postal_code"] = nonempty(postal)
    out["state"] = nonempty(state)
    out["city"] = nonempty(city)
    out["district"] = nonempty(own["dist"])
    out["line1"] = nonempty(own["street"].where(has_street, own["rest"]))
    out["line2"] = nonempty(own["rest"].where(has_street, ""))
    out["country"] = "CN"
    head = out["state"].where(~is_muni, None)
    out["value"] = concat(
        [out["postal_code"], head, out["city"], out["district"], out["line1"], out["line2"]]
    )
    place = (out["state"].notna() | out["city"].notna() | out["district"].notna()).to_numpy()
    out["parsed"] = place & out["line1"].notna().to_numpy()
    complete = out["city"].notna() & out["district"].notna() & has_street
    out["flag"] = np.where(complete, NONE, "incomplete-address")
    rules = np.where(add_prov, "address.cn-parse+address.cn-province-lookup", "address.cn-parse")
    out["rules"] = np.where(add_city, "address.cn-parse+address.cn-city-lookup", rules)
    return out


def _original_groups(clean: pd.Series, folded: pd.Series, g: pd.DataFrame) -> pd.DataFrame:
    """The groups as the input wrote them: slices of the unfolded text (t2s keeps lengths)."""
    own = g[list(_GROUPS)].copy()
    trad = (folded != clean) & (folded.str.len() == clean.str.len())
    if not trad.any():
        return own
    rows = []
    for text, *parts in zip(clean[trad], *(g.loc[trad, c] for c in _GROUPS), strict=True):
        pos, sliced = 0, []
        for part in parts:
            sliced.append(text[pos : pos + len(part)])
            pos += len(part)
        rows.append(sliced)
    own.loc[trad, list(_GROUPS)] = pd.DataFrame(
        rows, index=clean.index[trad], columns=list(_GROUPS)
    )
    return own


def _script(names: pd.Series, trad: np.ndarray) -> pd.Series:
    """Table names (Simplified) written in Traditional for the rows written in Traditional."""
    if not trad.any():
        return names
    s2t = _converters()[1]
    table = {n: s2t.convert(n) for n in names[trad].unique()}
    return names.where(~trad, names.map(table))
