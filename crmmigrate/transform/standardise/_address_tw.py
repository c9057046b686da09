"""Taiwan addresses: 縣市 / 鄉鎮市區 / 村里 / 鄰 / 路街大道 / 段 / 巷 / 弄 / 號 / 樓 / 之.

One RE2 pattern takes every text of the Taiwan family apart at once (postal code, 縣市, 區, the
street before the door number, lane, alley, door, the rest); the street, floor, lane and door
parts repeat a lot, and are taken apart once per distinct value. Names are matched against the
official ones (Chunghwa Post 3+3 data): 臺 is written for 縣市 and for the roads
whose official name has it (臺灣大道), 台 stays where the official name has 台 (新台五路).
Old county names (臺北縣板橋市) become the current ones (新北市板橋區). Section numbers are
Chinese numerals (5段 → 五段); door, lane, alley, 鄰 and floor numbers are Arabic (八樓 → 8樓);
``12號之3`` and ``12-3號`` become ``12之3號``; basements ``B1``/``地下一樓`` become ``地下1樓``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa

from crmmigrate.transform.standardise import _address_twzip as twzip
from crmmigrate.transform.standardise._address_text import (
    Groups,
    Lookup,
    blank,
    blanks,
    cat,
    contains,
    eq,
    filled,
    head,
    ints,
    last,
    length,
    map_small,
    ne,
    pick,
    rules_text,
    scatter,
    sub,
    to_digits,
    trie_regex,
    when,
)
from crmmigrate.transform.standardise._address_text import int_to_cn as _int_to_cn

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
def lookups() -> dict[str, Lookup]:
    """Whole-column maps: area variant → area, city|variant → area, zip3 → city / area, …"""
    cities, areas, _, _ = names()
    t = twzip.tables()
    found: dict[str, set[str]] = {}
    for (_, variant), area in areas.items():
        found.setdefault(variant, set()).add(area)
    old = {_tai(o) for o in _OLD_COUNTIES}
    in_city = twzip.unique_area_by_road(True).reset_index()
    anywhere = twzip.unique_area_by_road(False).reset_index()
    keys = anywhere["key"].tolist()
    road_area_in_city = {
        f"{c}|{k}": a
        for c, k, a in zip(*(in_city[x].tolist() for x in ("city", "key", "area")), strict=True)
    }
    return {
        "city": Lookup(cities),
        "area_any": Lookup({v: next(iter(a)) for v, a in found.items() if len(a) == 1}),
        "city_area": Lookup({f"{c}|{v}": a for (c, v), a in areas.items()}),
        "zip3_city": Lookup({z: c for z, (c, _) in t.zip3.items()}),
        "zip3_area": Lookup({z: a for z, (_, a) in t.zip3.items()}),
        "zip3_district": Lookup(t.zip3_by_district),
        "area_city": Lookup(t.area_city),
        "old": Lookup({k: v for k, v in cities.items() if _tai(k) in old}),
        "variants": Lookup({v: v for v in found}),
        "road_area_in_city": Lookup(road_area_in_city),
        "road_area": Lookup(dict(zip(keys, anywhere["area"].tolist(), strict=True))),
        "road_city": Lookup(dict(zip(keys, anywhere["city"].tolist(), strict=True))),
    }


_ZIP = r"[(\[]?(?P<{}>[0-9]{{3}}(?:[0-9]{{2,3}})?)[)\]]?"
# lane and door number, matched whole and taken apart afterwards (once per distinct value):
# every capture group costs Arrow's extraction about as much as the matching itself
_LANE = f"{_N}(?:之{_D})?巷"
_NO = f"{_N}(?:[之-]{_D})?[號号](?:之{_D})?"
_LANE_PARTS = f"^(?P<lane>{_N})(?:之(?P<lanes>{_D}))?巷$"
_NO_PARTS = f"^(?P<no>{_N})(?:[之-](?P<nos>{_D}))?[號号](?:之(?P<nos2>{_D}))?$"


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
    door = f"(?P<body>.*?)(?P<laneraw>{_LANE})?(?:(?P<alley>{_N})弄)?(?P<noraw>{_NO})(?P<tail>.*)$"
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


def _extract(clean: pa.Array) -> Groups:
    """All the groups of a Taiwan address, the names checked against the official ones.

    One pass over the texts, then the street, floor, lane and door parts once per distinct value.
    """
    maps = lookups()
    with_door, without, body_re, tail_re = patterns()
    g = Groups(clean, with_door)
    miss = ~g.matched
    other = blanks(len(clean))
    if miss.any():
        h = Groups(clean.filter(pa.array(miss)), without)
        for column in ("zip", "zipb", "city", "dist"):
            g[column] = scatter(g[column], miss, h[column])
        other = scatter(other, miss, h["other"])
    # a 'city' that is really a district (竹北市), names that are neither: back to the street
    city, dist, body = g["city"], g["dist"], g["body"]
    city_ok = maps["city"].has(city) | blank(city)
    is_area = ~city_ok & maps["variants"].has(city) & blank(dist)
    dist = pick(is_area, city, dist)
    city = pick(is_area, "", city)
    bad = ~city_ok & ~is_area
    official = maps["city"](city)
    area_ok = maps["city_area"].has(cat(official, "|", dist)) | blank(dist)
    area_ok |= blank(official) & maps["variants"].has(dist)
    lost = bad | ~area_ok
    if lost.any():
        back = cat(when(bad, city), dist)
        other = pick(lost & miss, cat(back, other), other)
        body = pick(lost & ~miss, cat(back, body), body)
        city = pick(bad, "", city)
        dist = pick(lost, "", dist)
    g["city"], g["dist"], g["other"] = city, dist, other
    for text, pattern in (
        (body, body_re),
        (g["tail"], tail_re),
        (g["laneraw"], _LANE_PARTS),
        (g["noraw"], _NO_PARTS),
    ):
        g.merge(Groups(text, pattern, distinct=True))
    g["road"] = pick(blank(g["misc"]), g["road"], g["misc"])
    return g


def parse(text: pa.Array) -> dict[str, object]:
    """Parse normalised Taiwan-family texts into components, canonical value, rules and flags."""
    maps = lookups()
    g = _extract(sub(text, r"[\s,，]+", ""))
    rules: dict[str, np.ndarray] = {}

    # 縣市 and 鄉鎮市區: official spelling, old counties, then what can be inferred
    city = maps["city"](g["city"])
    old = maps["old"].has(g["city"])
    given = pick(filled(g["zip"]), g["zip"], g["zipb"])
    given3 = head(given, 3)
    zip3_city, zip3_area = maps["zip3_city"](given3), maps["zip3_area"](given3)
    from_area = maps["area_city"](maps["area_any"](g["dist"]))
    no_city = blank(city) & filled(g["dist"])
    city = pick(no_city, pick(filled(from_area), from_area, zip3_city), city)
    area = maps["city_area"](cat(city, "|", g["dist"]))
    old |= filled(area) & ne(last(area), last(g["dist"]))
    rules["address.tw-old-county"] = old

    # numbers: 段 in Chinese numerals, everything else Arabic; 12號之3 → 12之3號
    sec = map_small(to_digits(g["sec"]), lambda s: _int_to_cn(int(s)) if s else "")
    rules["address.tw-section"] = ne(sec, g["sec"])
    road = cat(g["road"], when(filled(sec), cat(sec, "段")), g["nlane"])
    key = twzip.fold_key(road)
    need = blank(area) & filled(road) & blank(g["dist"])
    if need.any():  # the district (and 縣市) from a road that lies in one district only
        city, area = _area_from_road(city, area, key, need)
    by_zip = blank(area) & blank(g["dist"]) & filled(zip3_area)
    by_zip &= blank(city) | eq(city, zip3_city)
    city = pick(by_zip, zip3_city, city)
    area = pick(by_zip, zip3_area, area)
    rules["address.tw-city-lookup"] = filled(city) & blank(g["city"])
    rules["address.tw-district-lookup"] = filled(area) & blank(g["dist"])

    # the road's official spelling (台/臺 as Chunghwa Post writes it)
    t = twzip.tables()
    where = t.road_index.index(cat(city, "|", area, "|", key))
    official = t.road_official.take(where)
    full_road = pick(official.is_valid().to_numpy(zero_copy_only=False), official, road)
    tai = contains(g["city"], "台") & contains(city, "臺")
    tai |= contains(g["dist"], "台") & contains(area, "臺")
    tai |= ne(road, full_road)
    rules["address.tai-to-tai"] = tai

    lin, lane, alley, no = (to_digits(g[c]) for c in ("lin", "lane", "alley", "no"))
    nos = pick(filled(g["nos"]), g["nos"], g["nos2"])
    door = when(filled(no), cat(no, when(filled(nos), cat("之", nos)), "號"))
    changed = ne(lin, g["lin"]) | ne(lane, g["lane"]) | ne(alley, g["alley"])
    rules["address.tw-number"] = changed | ne(door, g["noraw"])
    floor_num = to_digits(pick(filled(g["fl"]), g["fl"], g["bn"]))
    basement = filled(g["fb"]) | filled(g["bn"])
    has_floor = filled(floor_num)
    floor = cat(when(basement, "地下"), floor_num)
    floor = pick(has_floor, cat(floor, "樓", when(filled(g["fls"]), cat("之", g["fls"]))), floor)
    rules["address.tw-floor"] = ne(floor, g["flraw"])

    lane_part = cat(lane, when(filled(g["lanes"]), cat("之", g["lanes"])), "巷")
    line1 = cat(
        g["vil"],
        when(filled(lin), cat(lin, "鄰")),
        full_road,
        when(filled(lane), lane_part),
        when(filled(alley), cat(alley, "弄")),
        door,
    )
    other = g["other"]
    plain = blank(other)
    line1 = pick(plain, line1, other)
    line2 = cat(floor, sub(g["rest"], "^[、;；]+", ""))

    # postal code: keep a given one, look up a missing one, upgrade 3 / 3+2 to 3+3
    nums = {
        "lane": ints(lane),
        "lane_sub": ints(g["lanes"], 0),
        "alley": ints(alley),
        "no": ints(no),
        "no_sub": ints(nos, 0),
        "floor": np.where(
            has_floor, ints(floor_num, 0) * np.where(basement, -1, 1), twzip.NO_FLOOR
        ),
    }
    pos = np.asarray(where.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    zip6 = twzip.codes_for(np.where(plain, pos, -1), nums)
    district = cat(city, "|", area)
    found = pick(filled(zip6), zip6, maps["zip3_district"](district))
    # a district with several 3-digit prefixes (基隆市中山區: 203, 204, 200) accepts any of them
    valid3 = t.prefixes.has(cat(district, "|", given3))
    disagree = filled(given) & filled(found) & ne(given3, head(found, 3)) & ~valid3
    given_len = length(given)
    disagree |= (given_len == 6) & filled(zip6) & ne(given, zip6)
    upgrade = filled(given) & ~disagree & filled(zip6) & (given_len < 6)
    upgrade &= eq(given3, head(zip6, 3))
    postal = pick(blank(given), found, pick(upgrade, zip6, given))
    rules["address.tw-zip-lookup"] = blank(given) & filled(postal)
    rules["address.tw-zip-3plus3"] = upgrade

    city_out = pick(filled(city), city, g["city"])
    district_out = pick(filled(area), area, g["dist"])
    value = cat(postal, city_out, district_out, line1, line2)
    place = filled(city_out) | filled(district_out) | filled(given)
    complete = filled(city_out) & filled(district_out) & filled(no)
    flag = pick(complete, pick(disagree, "postal-code-mismatch", ""), "incomplete-address")
    return {
        "postal_code": postal,
        "city": city_out,
        "district": district_out,
        "state": "",
        "line1": line1,
        "line2": line2,
        "country": "TW",
        "value": value,
        "parsed": place | (plain & filled(line1)),
        "flag": flag,
        "rules": rules_text("address.tw-parse", rules),
    }


def _area_from_road(
    city: pa.Array, area: pa.Array, key: pa.Array, need: np.ndarray
) -> tuple[pa.Array, pa.Array]:
    """(縣市, 區) for roads that lie in one district of the 縣市 (or of all Taiwan)."""
    maps = lookups()
    mask = pa.array(need)
    c, k = city.filter(mask), key.filter(mask)
    blank_city = blank(c)
    area_n = pick(blank_city, maps["road_area"](k), maps["road_area_in_city"](cat(c, "|", k)))
    city_n = pick(blank_city, maps["road_city"](k), c)
    return scatter(city, need, city_n), scatter(area, need, area_n)
