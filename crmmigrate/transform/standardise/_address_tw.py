"""Taiwan addresses: 縣市 / 鄉鎮市區 / 村里 / 鄰 / 路街大道 / 段 / 巷 / 弄 / 號 / 樓 / 之.

One RE2 pattern parses every distinct text of the Taiwan family at once. Names are matched
against the official ones (Chunghwa Post 3+3 data): 臺 is written for 縣市 and for the roads
whose official name has it (臺灣大道), 台 stays where the official name has 台 (新台五路).
Old county names (臺北縣板橋市) become the current ones (新北市板橋區). Section numbers are
Chinese numerals (5段 → 五段); door, lane, alley, 鄰 and floor numbers are Arabic (八樓 → 8樓);
``12號之3`` and ``12-3號`` become ``12之3號``; basements ``B1``/``地下一樓`` become ``地下1樓``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise import _address_twzip as twzip
from crmmigrate.transform.standardise._address_text import (
    NONE,
    concat,
    extract,
    int_to_cn,
    nonempty,
    to_digits,
    trie_regex,
)

_OLD_COUNTIES = {"臺北縣": "新北市", "桃園縣": "桃園市", "臺中縣": "臺中市", "臺南縣": "臺南市"}
_OLD_COUNTIES |= {"高雄縣": "高雄市"}
_N = "[0-9零〇○一二兩三四五六七八九十百]+"
_D = "[0-9]+"
COUNTRY_WORDS = "中華民國|臺灣省?|台灣省?|台湾省?|臺灣地區|台灣地區"


def _tai(name: str) -> str:
    return name.replace("臺", "台")


@lru_cache(maxsize=1)
def names() -> tuple[dict[str, str], dict[tuple[str, str], str], str, str]:
    """Variant → official maps for 縣市 and (縣市, 鄉鎮市區), and their trie patterns."""
    t = twzip.tables()
    cities = {c: c for c in t.districts["city"].unique()}
    cities |= {_tai(c): c for c in list(cities)}
    cities |= _OLD_COUNTIES | {_tai(k): v for k, v in _OLD_COUNTIES.items()}
    areas: dict[tuple[str, str], str] = {}
    for city, area in t.districts[["city", "area"]].itertuples(index=False):
        for variant in {area, _tai(area)}:
            areas[(city, variant)] = area
            # a township of an old county now a 區: 板橋市/三峽鎮/烏來鄉 → 板橋區/三峽區/烏來區
            if city in _OLD_COUNTIES.values() and area.endswith("區") and len(area) >= 3:
                for suffix in "市鎮鄉":
                    areas.setdefault((city, variant[:-1] + suffix), area)
    city_re = trie_regex(cities)
    area_re = trie_regex({variant for _, variant in areas})
    return cities, areas, city_re, area_re


@lru_cache(maxsize=1)
def _lookups() -> dict[str, dict[str, str]]:
    """Plain dict maps for ``Series.map``: area variant → area, city|variant → area, zip3 → …"""
    cities, areas, _, _ = names()
    t = twzip.tables()
    found: dict[str, set[str]] = {}
    for (_, variant), area in areas.items():
        found.setdefault(variant, set()).add(area)
    return {
        "area_any": {v: next(iter(a)) for v, a in found.items() if len(a) == 1},
        "city_area": {f"{c}|{v}": a for (c, v), a in areas.items()},
        "zip3_city": {z: c for z, (c, _) in t.zip3.items()},
        "zip3_area": {z: a for z, (_, a) in t.zip3.items()},
        "old": {k: v for k, v in cities.items() if _tai(k) in {_tai(o) for o in _OLD_COUNTIES}},
        "variants": {v: v for v in found},
    }


_ZIP = r"[(\[]?(?P<{}>[0-9]{{3}}(?:[0-9]{{2,3}})?)[)\]]?"


@lru_cache(maxsize=1)
def patterns() -> tuple[str, str, str, str]:
    """Small generic patterns (names are checked against the tables afterwards, not in RE2)."""
    _, areas, _, _ = names()
    # districts with a suffix character inside (新市區, 前鎮區, 平鎮市) must be tried whole first
    inner = sorted({v for _, v in areas if any(c in "區鄉鎮市" for c in v[:-1])}, key=len)[::-1]
    head = (
        "^(?:" + _ZIP.format("zip") + f")?(?:{COUNTRY_WORDS})?(?:" + _ZIP.format("zipb") + ")?"
        "(?P<city>[^0-9]{2}[縣市])?(?P<dist>" + "|".join(inner) + "|[^0-9]{1,3}?[區鄉鎮市])?"
    )
    door = (
        "(?P<body>.*?)"
        f"(?:(?P<lane>{_N})(?:之(?P<lanes>{_D}))?巷)?(?:(?P<alley>{_N})弄)?"
        f"(?P<noraw>(?P<no>{_N})(?:[之-](?P<nos>{_D}))?[號号](?:之(?P<nos2>{_D}))?)(?P<tail>.*)$"
    )
    body = (
        f"^(?:(?:(?P<vil>[^0-9]{{1,4}}?[村里])(?:(?P<lin>{_N})鄰)?)?"
        "(?P<road>[^0-9]+?(?:路|街|大道))?"
        f"(?:(?P<sec>{_N})段)?(?P<nlane>[^0-9巷]{{1,8}}巷)?|(?P<misc>.*?))$"
    )
    tail = (
        f"^(?P<flraw>(?P<fb>地下|[Bb])?(?P<fl>{_N})(?:樓|楼|層|层|[Ff])(?:[之-](?P<fls>{_D}))?"
        f"|[Bb](?P<bn>{_D}))?(?P<rest>.*)$"
    )
    return head + door, head + "(?P<other>.*)$", body, tail


def _extract(clean: pd.Series) -> pd.DataFrame:
    """All the groups of a Taiwan address, by three small passes and a check of the names."""
    cities, _, _, _ = names()
    maps = _lookups()
    with_door, without, body_re, tail_re = patterns()
    g = extract(clean, with_door)
    g["other"] = ""
    miss = ~g["_matched"].to_numpy()
    if miss.any():
        h = extract(clean[miss], without)
        for column in ("zip", "zipb", "city", "dist", "other"):
            g.loc[miss, column] = h[column]
    # a 'city' that is really a district (竹北市), names that are neither: back to the street
    city_ok = g["city"].isin(list(cities)) | (g["city"] == "")
    is_area = ~city_ok & g["city"].isin(list(maps["variants"])) & (g["dist"] == "")
    g.loc[is_area, "dist"] = g.loc[is_area, "city"]
    g.loc[is_area, "city"] = ""
    bad = ~city_ok & ~is_area
    official = g["city"].map(cities).fillna("")
    area_ok = (official + "|" + g["dist"]).isin(list(maps["city_area"]))
    area_ok |= (g["dist"] == "") | ((official == "") & g["dist"].isin(list(maps["variants"])))
    lost = bad | ~area_ok
    if lost.any():
        back = g["city"].where(bad, "") + g["dist"]
        target = np.where(miss, "other", "body")
        for column in ("other", "body"):
            rows = lost.to_numpy() & (target == column)
            g.loc[rows, column] = back[rows] + g.loc[rows, column]
        g.loc[bad, "city"] = ""
        g.loc[lost, "dist"] = ""
    b = extract(g["body"], body_re)
    t = extract(g["tail"], tail_re)
    for frame in (b, t):
        for column in frame.columns.drop("_matched"):
            g[column] = frame[column]
    g["road"] = g["road"].where(g["misc"] == "", g["misc"])
    return g


def parse(text: pd.Series) -> pd.DataFrame:
    """Parse normalised Taiwan-family texts into components, canonical value, rules and flags."""
    cities, _, _, _ = names()
    maps = _lookups()
    t = twzip.tables()
    clean = text.str.replace(r"[\s,，]+", "", regex=True)
    g = _extract(clean)
    rules: dict[str, np.ndarray] = {}

    # 縣市 and 鄉鎮市區: official spelling, old counties, then what can be inferred
    city = g["city"].map(cities).fillna("").astype("str")
    old = g["city"].isin(list(maps["old"]))
    given = g["zip"].where(g["zip"] != "", g["zipb"])
    zip3_city = given.str.slice(0, 3).map(maps["zip3_city"]).fillna("").astype("str")
    zip3_area = given.str.slice(0, 3).map(maps["zip3_area"]).fillna("").astype("str")
    area_any = g["dist"].map(maps["area_any"]).fillna("")
    from_area = area_any.map(t.area_city).fillna("").astype("str")
    no_city = (city == "") & (g["dist"] != "")
    city = city.where(~no_city, from_area.where(from_area != "", zip3_city))
    area = (city + "|" + g["dist"]).map(maps["city_area"]).fillna("").astype("str")
    old |= (area != "") & (area.str.slice(-1) != g["dist"].str.slice(-1))
    rules["address.tw-old-county"] = old.to_numpy()

    # numbers: 段 in Chinese numerals, everything else Arabic; 12號之3 → 12之3號
    sec = map_unique(to_digits(g["sec"]), lambda s: int_to_cn(int(s)) if s else "")
    rules["address.tw-section"] = (sec != g["sec"]).to_numpy()
    road = g["road"] + (sec + "段").where(sec != "", "") + g["nlane"]
    key = twzip.fold(road)
    need = (area == "") & (road != "") & (g["dist"] == "")
    if need.any():  # the district (and 縣市) from a road that lies in one district only
        city_n, area_n = _area_from_road(city[need], key[need])
        city[need], area[need] = city_n, area_n
    by_zip = (
        (area == "") & (g["dist"] == "") & (zip3_area != "") & ((city == "") | (city == zip3_city))
    )
    city = city.where(~by_zip, zip3_city)
    area = area.where(~by_zip, zip3_area)
    rules["address.tw-city-lookup"] = ((city != "") & (g["city"] == "")).to_numpy()
    rules["address.tw-district-lookup"] = ((area != "") & (g["dist"] == "")).to_numpy()

    # the road's official spelling (台/臺 as Chunghwa Post writes it)
    official = (
        pd.DataFrame({"city": city, "area": area, "key": key})
        .merge(t.roads[["city", "area", "key", "road"]], on=["city", "area", "key"], how="left")[
            "road"
        ]
        .fillna("")
        .to_numpy()
    )
    full_road = road.where(official == "", pd.Series(official, index=text.index, dtype="str"))
    tai = g["city"].str.contains("台") & city.str.contains("臺")
    tai |= g["dist"].str.contains("台") & area.str.contains("臺")
    tai |= road != full_road
    rules["address.tai-to-tai"] = tai.to_numpy()

    lin, lane, alley, no = (to_digits(g[c]) for c in ("lin", "lane", "alley", "no"))
    nos = g["nos"].where(g["nos"] != "", g["nos2"])
    door = no.where(no == "", no + ("之" + nos).where(nos != "", "") + "號")
    changed = (lin != g["lin"]) | (lane != g["lane"]) | (alley != g["alley"]) | (door != g["noraw"])
    rules["address.tw-number"] = changed.to_numpy()
    floor_num = to_digits(g["fl"].where(g["fl"] != "", g["bn"]))
    basement = ((g["fb"] != "") | (g["bn"] != "")).to_numpy()
    floor = pd.Series(np.where(basement, "地下", ""), index=text.index, dtype="str") + floor_num
    floor = floor.where(floor_num == "", floor + "樓" + ("之" + g["fls"]).where(g["fls"] != "", ""))
    rules["address.tw-floor"] = (floor != g["flraw"]).to_numpy()

    line1 = concat(
        [
            g["vil"],
            lin.where(lin == "", lin + "鄰"),
            full_road,
            lane.where(lane == "", lane + ("之" + g["lanes"]).where(g["lanes"] != "", "") + "巷"),
            alley.where(alley == "", alley + "弄"),
            door,
        ]
    )
    other = g["other"]
    line1 = line1.where(other == "", other)
    line2 = floor + g["rest"].str.lstrip("、;；")

    # postal code: keep a given one, look up a missing one, upgrade 3 / 3+2 to 3+3
    addr = pd.DataFrame(
        {
            "city": city,
            "area": area,
            "key": twzip.fold(full_road),
            "lane": _int(lane),
            "lane_sub": _int(g["lanes"], 0),
            "alley": _int(alley),
            "no": _int(no),
            "no_sub": _int(nos, 0),
            "floor": np.where(
                floor_num == "", twzip.NO_FLOOR, _int(floor_num, 0) * np.where(basement, -1, 1)
            ),
        }
    )
    zip6 = twzip.lookup(addr[(other == "").to_numpy()]).reindex(text.index, fill_value="")
    zip3 = (city + "|" + area).map(t.zip3_by_district).fillna("").astype("str")
    found = zip6.where(zip6 != "", zip3)
    disagree = (given != "") & (found != "") & (given.str.slice(0, 3) != found.str.slice(0, 3))
    disagree |= (given.str.len() == 6) & (zip6 != "") & (given != zip6)
    upgrade = (given != "") & ~disagree & (zip6 != "") & (given.str.len() < 6)
    postal = given.where(~upgrade, zip6).where(given != "", found)
    rules["address.tw-zip-lookup"] = ((given == "") & (postal != "")).to_numpy()
    rules["address.tw-zip-3plus3"] = upgrade.to_numpy()

    out = pd.DataFrame(index=text.index)
    out["postal_code"] = nonempty(postal)
    out["city"] = nonempty(city.where(city != "", g["city"]))
    out["district"] = nonempty(area.where(area != "", g["dist"]))
    out["state"] = None
    out["line1"] = nonempty(line1)
    out["line2"] = nonempty(line2)
    out["country"] = "TW"
    out["value"] = concat([out[c] for c in ("postal_code", "city", "district", "line1", "line2")])
    place = out["city"].notna() | out["district"].notna() | (given != "")
    out["parsed"] = (place | ((other == "") & (line1 != ""))).to_numpy()
    complete = (out["city"].notna() & out["district"].notna() & (no != "")).to_numpy()
    out["flag"] = np.where(
        ~complete, "incomplete-address", np.where(disagree, "postal-code-mismatch", NONE)
    )
    out["rules"] = rules_text("address.tw-parse", rules)
    return out


def _area_from_road(city: pd.Series, key: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(縣市, 區) for roads that lie in one district of the 縣市 (or of all Taiwan)."""
    in_city = twzip.unique_area_by_road(True)["area"]
    anywhere = twzip.unique_area_by_road(False)
    probe = pd.MultiIndex.from_arrays([city.to_numpy(), key.to_numpy()])
    area = in_city.reindex(probe).fillna("").to_numpy()
    blank = (city == "").to_numpy()
    area = np.where(blank, key.map(anywhere["area"]).fillna("").to_numpy(), area)
    city_out = np.where(blank, key.map(anywhere["city"]).fillna("").to_numpy(), city.to_numpy())
    return city_out, area


def map_unique(values: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """``func`` once per distinct value, mapped back (for small sets like section numbers)."""
    table = {v: func(v) for v in values.unique()}
    return values.map(table).astype("str")


def _int(values: pd.Series, default: int = -1) -> np.ndarray:
    return pd.to_numeric(values.replace("", str(default))).to_numpy(dtype=np.int64)


def rules_text(base: str, rules: dict[str, np.ndarray]) -> np.ndarray:
    """Per row: the rules that fired, ``+``-joined, or the base rule when none did."""
    keys = list(rules)
    bits = np.zeros(len(next(iter(rules.values()))), dtype=np.int64)
    for i, name in enumerate(keys):
        bits |= rules[name].astype(np.int64) << i
    codes, uniques = pd.factorize(bits)
    labels = ["+".join(n for i, n in enumerate(keys) if b >> i & 1) or base for b in uniques]
    return np.asarray(labels, dtype=object)[codes]
