"""Mainland China addresses: 省/自治区/直辖市 + 市/州/盟 + 区/县/县级市/旗 + street and door.

Names are matched on the text folded to Simplified Chinese (OpenCC ``t2s``, one batch call for
all rows) against the division table shipped in ``data/address/cn_divisions.csv.gz``; the output
keeps the script of the input (a Traditional address stays Traditional). A missing province (or
prefecture) is filled in from the city (or district) when that is unambiguous.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
import opencc
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise._address_text import (
    Groups,
    Lookup,
    blank,
    cat,
    eq,
    expand,
    filled,
    map_small,
    ne,
    pick,
    scatter,
    staged,
    sub,
    trie_regex,
    when,
)

_LOCK = threading.Lock()
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


def fold(text: pa.Array) -> pa.Array:
    """Traditional → Simplified for matching: one OpenCC call over all rows joined."""
    return _convert(text, 0)


def to_traditional(text: pa.Array) -> pa.Array:
    """Simplified → Traditional, one OpenCC call (used to tell a Simplified text apart)."""
    return _convert(text, 1)


def _convert(text: pa.Array, which: int) -> pa.Array:
    if not len(text):
        return text
    with _LOCK:  # one converter object is shared by the address threads
        joined = _converters()[which].convert("\n".join(text.to_pylist()))
    return pa.array(joined.split("\n"), type=pa.string())


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
    all_names = sorted({*county["name"], *prov["name"], *city["name"]})
    for name, code in zip(city["name"], city["code"], strict=True):
        short = name[:-1]
        if name.endswith("市") and len(short) >= 2 and not _shared(all_names, short, name):
            city_names[short] = code
    munis = {n[:-1]: c for n, c in prov_names.items() if n[:-1] in MUNICIPALITIES}
    counties = county.sort_values("name", kind="stable")
    county_names = counties["name"].drop_duplicates()
    city_prov = dict(zip(city["code"], city["parent"], strict=True))
    county_city = counties["parent"].to_numpy(dtype=object)
    return {
        "prov": prov_names,
        "city": city_names,
        "county": county[["name", "code", "parent"]].rename(columns={"parent": "city_code"}),
        "maps": {
            "prov": Lookup(prov_names),
            "prov_name": Lookup(dict(zip(prov["code"], prov["name"], strict=True))),
            "city": Lookup(city_names),
            "city_name": Lookup(dict(zip(city["code"], city["name"], strict=True))),
            "city_prov": Lookup(city_prov),
            "muni": Lookup(munis),
            "muni_codes": Lookup({c: c for c in munis.values()}),
            "county": Lookup(dict(zip(county_names, county_names, strict=True))),
        },
        # the counties sorted by name: rows start[i] .. start[i + 1] are named county_names[i]
        "county_start": np.append(
            np.searchsorted(
                counties["name"].to_numpy(dtype=object), county_names.to_numpy(dtype=object)
            ),
            len(counties),
        ),
        "county_city": county_city,
        "county_prov": np.asarray(
            [city_prov.get(c, c[:2] + "0000") for c in county_city], dtype=object
        ),
    }


def warm() -> None:
    """Load the tables and compile the patterns (before threads share them)."""
    _tables()
    _converters()
    cue_pattern()
    stages()


def _shared(ordered: list[str], prefix: str, name: str) -> bool:
    """Whether a name other than ``name`` in the sorted ``ordered`` starts with ``prefix``."""
    i = bisect_left(ordered, prefix)
    while i < len(ordered) and ordered[i].startswith(prefix):
        if ordered[i] != name:
            return True
        i += 1
    return False


@lru_cache(maxsize=1)
def pattern() -> str:
    """Generic shapes for the names (checked against the table afterwards, not in RE2)."""
    return "^" + "".join(stages()) + "$"


@lru_cache(maxsize=1)
def stages() -> tuple[str, str, str]:
    """``pattern`` cut in three, each part matched where the one before stopped.

    Every part after a cut can match any text, so a part's first choice is the whole pattern's
    choice too: the same groups, for a third of the work (each part is a small program).
    """
    t = _tables()
    shorts = [n for n in t["prov"] if not n.endswith(("省", "自治区", "市"))]
    counties = t["county"]["name"]
    inner = sorted({n for n in counties if any(c in "区县市旗" for c in n[:-1])}, key=len)[::-1]
    return (
        r"(?P<zip>[0-9]{6})?(?P<cw>" + COUNTRY_WORDS + r")?"
        r"(?:(?P<muni>(?:北京|上海|天津|重庆)市?)|"
        r"(?P<prov>[^0-9]{2,7}?(?:省|自治区)|" + "|".join(shorts) + r")?"
        r"(?P<city>[^0-9]{1,9}?(?:市|自治州|地区|盟))?)",
        r"(?P<dist>" + "|".join(inner) + r"|[^0-9]{1,8}?(?:区|县|市|旗))?"
        r"(?P<street>[^0-9]*?[0-9]+(?:-[0-9]+)?号)?",
        r"(?P<rest>.*?)(?P<tail>[(（]?(?:邮编|邮政编码)?[:：]?(?P<zipe>[0-9]{6})[)）]?)?",
    )


@lru_cache(maxsize=1)
def cue_pattern() -> str:
    """Texts that start like a mainland address (after folding to Simplified)."""
    t = _tables()
    full = [n for n in t["prov"] if n != "台湾"]
    cities = [n for n in t["city"] if n.endswith(("市", "州", "盟"))]
    names = trie_regex([*full, *cities, *MUNICIPALITIES])
    return r"^(?:[0-9]{6})?(?:" + COUNTRY_WORDS + r")?(?:" + names + ")"


_GROUPS = ("zip", "cw", "muni", "prov", "city", "dist", "street", "rest", "tail")


def _check_names(g: Groups) -> None:
    """Names the table does not know go back to the street (in place)."""
    maps = _tables()["maps"]
    prov_bad = filled(g["prov"]) & ~maps["prov"].has(g["prov"])
    city_bad = filled(g["city"]) & ~maps["city"].has(g["city"])
    to_dist = city_bad & maps["county"].has(g["city"]) & blank(g["dist"])
    g["dist"] = pick(to_dist, g["city"], g["dist"])
    g["city"] = pick(to_dist, "", g["city"])
    city_bad &= ~to_dist
    dist_bad = filled(g["dist"]) & ~maps["county"].has(g["dist"])
    lost = prov_bad | city_bad | dist_bad
    if not lost.any():
        return
    back = cat(when(prov_bad, g["prov"]), when(city_bad, g["city"]), when(dist_bad, g["dist"]))
    into_street = lost & filled(g["street"])
    g["street"] = pick(into_street, cat(back, g["street"]), g["street"])
    into_rest = lost & ~into_street
    g["rest"] = pick(into_rest, cat(back, g["rest"]), g["rest"])
    for column, bad in (("prov", prov_bad), ("city", city_bad), ("dist", dist_bad)):
        g[column] = pick(bad, "", g[column])


def parse(text: pa.Array, folded: pa.Array | None = None) -> dict[str, object]:
    """Parse mainland Chinese texts (Simplified or Traditional) into components.

    ``folded`` is the text without spaces folded to Simplified, when the caller has it already.
    """
    t = _tables()
    maps = t["maps"]
    clean = sub(text, r"[\s,，]+", "")
    folded = fold(clean) if folded is None else folded
    g = staged(folded, stages())
    _check_names(g)
    muni = sub(g["muni"], "市", "")
    muni_code = maps["muni"](muni)
    has_muni = filled(muni)
    prov_code = pick(has_muni, muni_code, maps["prov"](g["prov"]))
    city_code = pick(has_muni, muni_code, maps["city"](g["city"]))
    from_dist = _city_from_district(g["dist"], city_code, prov_code)
    add_city = blank(city_code) & filled(from_dist)
    city_code = pick(add_city, from_dist, city_code)
    in_muni = maps["muni_codes"].has(city_code)
    from_city = pick(in_muni, city_code, maps["city_prov"](city_code))
    add_prov = blank(prov_code) & filled(from_city)
    prov_code = pick(add_prov, from_city, prov_code)

    # the input's own spelling where it wrote a name, the table's (in its script) where inferred
    own = _original_groups(clean, folded, g)
    trad = ne(folded, clean)
    prov_name = maps["prov_name"](prov_code)
    city_name = maps["city_name"](city_code)
    city_name = pick(filled(city_name) | ~has_muni, city_name, prov_name)
    is_muni = has_muni | maps["muni_codes"].has(prov_code)
    muni_name = pick(_ends_with(own["muni"], "市"), own["muni"], cat(own["muni"], "市"))
    state = pick(eq(g["prov"], prov_name), own["prov"], _script(prov_name, trad))
    city = pick(eq(g["city"], city_name), own["city"], _script(city_name, trad))
    city = pick(has_muni, muni_name, city)
    state = pick(is_muni, city, state)
    postal = pick(filled(g["zip"]), g["zip"], g["zipe"])
    has_street = filled(g["street"])
    line1 = pick(has_street, own["street"], own["rest"])
    line2 = when(has_street, own["rest"])
    district = own["dist"]
    value = cat(postal, when(~is_muni, state), city, district, line1, line2)
    place = filled(state) | filled(city) | filled(district)
    complete = filled(city) & filled(district) & has_street
    rules = pick(add_prov, "address.cn-parse+address.cn-province-lookup", "address.cn-parse")
    rules = pick(add_city, "address.cn-parse+address.cn-city-lookup", rules)
    return {
        "postal_code": postal,
        "state": state,
        "city": city,
        "district": district,
        "line1": line1,
        "line2": line2,
        "country": "CN",
        "value": value,
        "parsed": place & filled(line1),
        "flag": pick(complete, "", "incomplete-address"),
        "rules": rules,
    }


def _city_from_district(dist: pa.Array, city_code: pa.Array, prov_code: pa.Array) -> pa.Array:
    """The prefecture of a county name, where the given city / province leave only one."""
    t = _tables()
    where = t["maps"]["county"].index(dist)
    pos = np.asarray(where.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    row, item = expand(pos, t["county_start"])
    cand_city = t["county_city"][item]
    given_city = city_code.to_numpy(zero_copy_only=False)[row]
    given_prov = prov_code.to_numpy(zero_copy_only=False)[row]
    fits = ((given_city == "") | (given_city == cand_city)) & (
        (given_prov == "") | (given_prov == t["county_prov"][item])
    )
    cand = pd.DataFrame({"row": row[fits], "city": cand_city[fits]})
    one = cand.groupby("row")["city"].agg(["nunique", "first"])
    one = one[one["nunique"] == 1]
    out = np.full(len(dist), "", dtype=object)
    out[one.index.to_numpy(dtype=np.int64)] = one["first"].to_numpy(dtype=object)
    return pa.array(out, type=pa.string())


def _ends_with(values: pa.Array, suffix: str) -> np.ndarray:
    return eq(pc.utf8_slice_codeunits(values, -len(suffix)), suffix)


def _original_groups(clean: pa.Array, folded: pa.Array, g: Groups) -> dict[str, pa.Array]:
    """The groups as the input wrote them: slices of the unfolded text (t2s keeps lengths)."""
    own = {c: g[c] for c in _GROUPS}
    trad = ne(folded, clean) & eq(pc.utf8_length(folded), pc.utf8_length(clean))
    if not trad.any():
        return own
    mask = pa.array(trad)
    texts = clean.filter(mask).to_pylist()
    parts = [own[c].filter(mask).to_pylist() for c in _GROUPS]
    sliced: list[list[str]] = [[] for _ in _GROUPS]
    for i, text in enumerate(texts):
        pos = 0
        for j, column in enumerate(parts):
            size = len(column[i])
            sliced[j].append(text[pos : pos + size])
            pos += size
    for j, c in enumerate(_GROUPS):
        own[c] = scatter(own[c], trad, pa.array(sliced[j], type=pa.string()))
    return own


def _script(names: pa.Array, trad: np.ndarray) -> pa.Array:
    """Table names (Simplified) written in Traditional for the rows written in Traditional."""
    if not trad.any():
        return names
    converted = map_small(names.filter(pa.array(trad)), _to_traditional_one)
    return scatter(names, trad, converted)


def _to_traditional_one(name: str) -> str:
    with _LOCK:
        return str(_converters()[1].convert(name))
