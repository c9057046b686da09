"""Hong Kong addresses, Chinese and English. Hong Kong has no postal codes.

Chinese: 香港 + region (香港島/九龍/新界) + district or area + street and door (…道38號) +
building, floor and flat, written without spaces. English: flat/floor/block/building, street,
district, region, ``Hong Kong`` — joined with ", ", street types in full (Rd → Road, as
Hongkong Post writes them). A region missing from the text is added from the district.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise._address_text import (
    Groups,
    Lookup,
    cat,
    eq,
    filled,
    join_sep,
    ne,
    pick,
    sub,
    trie_regex,
    when,
)
from crmmigrate.transform.standardise._address_us import title_if_caps

# region, Chinese name, English name — the 18 districts and the areas people write instead
_AREAS = """
島 中西區 Central and Western|中環 Central|上環 Sheung Wan|西環 Sai Wan|西營盤 Sai Ying Pun
島 堅尼地城 Kennedy Town|半山 Mid-Levels|山頂 The Peak|金鐘 Admiralty|灣仔區 Wan Chai District
島 灣仔 Wan Chai|銅鑼灣 Causeway Bay|跑馬地 Happy Valley|大坑 Tai Hang|天后 Tin Hau|東區 Eastern
島 北角 North Point|鰂魚涌 Quarry Bay|太古 Tai Koo|西灣河 Sai Wan Ho|筲箕灣 Shau Kei Wan
島 柴灣 Chai Wan|小西灣 Siu Sai Wan|南區 Southern|香港仔 Aberdeen|鴨脷洲 Ap Lei Chau
島 黃竹坑 Wong Chuk Hang|淺水灣 Repulse Bay|赤柱 Stanley|薄扶林 Pok Fu Lam|數碼港 Cyberport
九 油尖旺區 Yau Tsim Mong|尖沙咀 Tsim Sha Tsui|尖東 Tsim Sha Tsui East|油麻地 Yau Ma Tei
九 旺角 Mong Kok|大角咀 Tai Kok Tsui|佐敦 Jordan|太子 Prince Edward|深水埗區 Sham Shui Po District
九 深水埗 Sham Shui Po|長沙灣 Cheung Sha Wan|荔枝角 Lai Chi Kok|石硤尾 Shek Kip Mei|美孚 Mei Foo
九 九龍城區 Kowloon City District|九龍城 Kowloon City|九龍塘 Kowloon Tong|何文田 Ho Man Tin
九 紅磡 Hung Hom|土瓜灣 To Kwa Wan|啟德 Kai Tak|黃大仙區 Wong Tai Sin District|黃大仙 Wong Tai Sin
九 鑽石山 Diamond Hill|新蒲崗 San Po Kong|慈雲山 Tsz Wan Shan|樂富 Lok Fu|觀塘區 Kwun Tong District
九 觀塘 Kwun Tong|牛頭角 Ngau Tau Kok|九龍灣 Kowloon Bay|藍田 Lam Tin|油塘 Yau Tong
九 秀茂坪 Sau Mau Ping
新 荃灣區 Tsuen Wan District|荃灣 Tsuen Wan|屯門 Tuen Mun|元朗 Yuen Long|天水圍 Tin Shui Wai
新 北區 North
新 上水 Sheung Shui|粉嶺 Fanling|大埔 Tai Po|西貢 Sai Kung|將軍澳 Tseung Kwan O|坑口 Hang Hau
新 沙田 Sha Tin|大圍 Tai Wai|火炭 Fo Tan|馬鞍山 Ma On Shan|葵青區 Kwai Tsing|葵涌 Kwai Chung
新 青衣 Tsing Yi|離島區 Islands|東涌 Tung Chung|大嶼山 Lantau Island|長洲 Cheung Chau
新 愉景灣 Discovery Bay|馬灣 Ma Wan|深井 Sham Tseng
"""
REGIONS = {
    "島": ("香港島", "Hong Kong Island"),
    "九": ("九龍", "Kowloon"),
    "新": ("新界", "New Territories"),
}
_REGION_ZH = {
    "香港島": "香港島",
    "香港岛": "香港島",
    "港島": "香港島",
    "九龍": "九龍",
    "九龙": "九龍",
}
_REGION_ZH |= {"新界": "新界", "島": "香港島", "岛": "香港島"}
_REGION_EN = {
    "hong kong island": "Hong Kong Island",
    "kowloon": "Kowloon",
    "new territories": "New Territories",
}
_REGION_EN |= {"n.t.": "New Territories", "nt": "New Territories", "hk island": "Hong Kong Island"}
_STREET_TYPES = {"rd": "Road", "road": "Road", "st": "Street", "street": "Street", "ave": "Avenue"}
_STREET_TYPES |= {
    "avenue": "Avenue",
    "ln": "Lane",
    "lane": "Lane",
    "path": "Path",
    "terrace": "Terrace",
}
_STREET_TYPES |= {"terr": "Terrace", "dr": "Drive", "drive": "Drive", "cres": "Crescent"}
_STREET_TYPES |= {"crescent": "Crescent", "sq": "Square", "square": "Square", "pl": "Place"}
_STREET_TYPES |= {"place": "Place", "circuit": "Circuit", "rise": "Rise", "praya": "Praya"}
_STREET_TYPES |= {
    "blvd": "Boulevard",
    "boulevard": "Boulevard",
    "hwy": "Highway",
    "highway": "Highway",
}
_UNIT_WORDS = {"flat": "Flat", "room": "Room", "rm": "Room", "unit": "Unit", "shop": "Shop"}
_UNIT_WORDS |= {"suite": "Suite", "apt": "Flat"}
HK_WORDS_EN = r"Hong\s*Kong(?:\s+SAR)?|H\.?K\.?(?:SAR)?"


@lru_cache(maxsize=1)
def areas() -> pd.DataFrame:
    """One row per area: zh (Traditional), zh_s (Simplified), en, region code."""
    import opencc

    s2t = opencc.OpenCC("t2s")
    rows = []
    for line in _AREAS.strip().splitlines():
        region, body = line.split(" ", 1)
        for item in body.split("|"):
            zh, en = item.split(" ", 1)
            rows.append((zh, s2t.convert(zh), en, region))
    return pd.DataFrame(rows, columns=["zh", "zh_s", "en", "region"])


@lru_cache(maxsize=1)
def _maps() -> dict[str, dict[str, str]]:
    a = areas()
    zh = {
        **dict(zip(a["zh"], a["zh"], strict=True)),
        **dict(zip(a["zh_s"], a["zh_s"], strict=True)),
    }
    region_zh = {
        **dict(zip(a["zh"], a["region"], strict=True)),
        **dict(zip(a["zh_s"], a["region"], strict=True)),
    }
    en = {e.casefold(): e for e in a["en"]}
    region_en = {e.casefold(): r for e, r in zip(a["en"], a["region"], strict=True)}
    return {"zh": zh, "region_zh": region_zh, "en": en, "region_en": region_en}


def warm() -> None:
    """Build the maps and compile the patterns (before threads share them)."""
    _lookups()
    zh_pattern()
    _tail_pattern()


def zh_names() -> list[str]:
    """Chinese district and area names (Traditional and Simplified)."""
    return list(_maps()["zh"])


@lru_cache(maxsize=1)
def _lookups() -> dict[str, Lookup]:
    maps = _maps()
    zh_region = {k: v[0] for k, v in REGIONS.items()}
    en_region = {k: v[1] for k, v in REGIONS.items()}
    return {
        "region_zh": Lookup(_REGION_ZH),
        "dist_region_zh": Lookup({d: zh_region[r] for d, r in maps["region_zh"].items()}),
        "dist_en": Lookup(maps["en"]),
        "dist_region_en": Lookup({d: en_region[r] for d, r in maps["region_en"].items()}),
        "region_en": Lookup(_REGION_EN),
        "street_type": Lookup(_STREET_TYPES),
        "unit": Lookup(_UNIT_WORDS),
        "block": Lookup({"blk": "Block", "block": "Block", "tower": "Tower", "twr": "Tower"}),
    }


@lru_cache(maxsize=1)
def zh_pattern() -> str:
    names = trie_regex(_maps()["zh"])
    return (
        "^(?:中[國国])?(?P<hk>香港(?:特別行政區|特别行政区)?)?"
        f"(?P<region>{trie_regex(_REGION_ZH)})?(?P<dist>{names})?"
        "(?P<street>[^0-9]*?[0-9]+(?:-[0-9]+)?[A-Za-z]?[號号])?(?P<rest>.*)$"
    )


@lru_cache(maxsize=1)
def en_district_regex() -> str:
    words = sorted(_maps()["en"], key=len, reverse=True)
    return "|".join(w.replace(" ", r"\s+").replace(".", r"\.") for w in words)


def parse_zh(text: pa.Array) -> dict[str, object]:
    """Chinese Hong Kong addresses (Traditional or Simplified; the script is kept)."""
    maps = _lookups()
    clean = sub(text, r"[\s,，]+", "")
    g = Groups(clean, zh_pattern())
    region = maps["region_zh"](g["region"])
    inferred = maps["dist_region_zh"](g["dist"])
    region = pick(filled(region), region, inferred)
    has_street = filled(g["street"])
    line1 = pick(has_street, g["street"], g["rest"])
    line2 = when(has_street, g["rest"])
    place = filled(g["hk"]) | filled(g["region"]) | filled(g["dist"])
    return {
        "line1": line1,
        "line2": line2,
        "district": g["dist"],
        "state": region,
        "city": "香港",
        "postal_code": "",
        "country": "HK",
        "value": cat("香港", g["region"], g["dist"], line1, line2),
        "parsed": place & ne(clean, g["hk"]),
        "flag": pick(has_street, "", "incomplete-address"),
        "rules": "address.hk-parse",
    }


_EN = (
    r"^(?:(?P<pre>.*)[,\s]+)?"
    r"(?P<street>(?P<num>\d+[A-Za-z]?(?:\s*-\s*\d+[A-Za-z]?)?)\s+(?P<name>[A-Za-z][A-Za-z'. ]*?)\s+"
    r"(?P<type>(?i:road|rd|street|st|avenue|ave|lane|ln|path|terrace|terr|drive|dr|crescent|cres"
    r"|square|sq|place|pl|circuit|rise|praya|boulevard|blvd|highway|hwy))\.?"
    r"(?:\s+(?P<dir>(?i:central|east|west|north|south|middle)))?)"
    r"(?:[,\s]+(?P<post>.*?))?[,\s]*$"
)
_PRE = (
    r"^(?:(?P<unitw>(?i:flat|room|rm|unit|shop|suite|apt))\.?\s*(?P<unit>[A-Za-z0-9-]+)[,\s]*)?"
    r"(?:(?P<floor>\d+|G|LG|UG|[Gg]round)\s*/\s*[Ff](?:loor)?[,\s]*|(?P<floorn>\d+)(?i:st|nd|rd|th)?"
    r"\s+(?i:floor|fl\.?)[,\s]*)?"
    r"(?:(?P<blockw>(?i:block|blk|tower|twr))\.?\s*(?P<block>[A-Za-z0-9]+)[,\s]*)?"
    r"(?P<bldg>.*?)[,\s]*$"
)


@lru_cache(maxsize=1)
def _tail_pattern() -> str:
    return (
        r"^(?P<head>.*?)(?:\s*,\s*(?P<dist>(?i:" + en_district_regex() + r")))?"
        r"(?:[,\s]+(?P<region>(?i:hong\s+kong\s+island|hk\s+island|kowloon|new\s+territories|n\.t\.|nt)))?"
        r"(?:[,\s]+(?P<hk>(?i:" + HK_WORDS_EN + r")))?[,.\s]*$"
    )


def _key(values: pa.Array) -> pa.Array:
    return sub(pc.utf8_lower(values), r"\s+", " ")


def parse_en(text: pa.Array) -> dict[str, object]:
    """English Hong Kong addresses: ``Flat 15H, Harbour View Mansion, 202 Nathan Road, …``."""
    maps = _lookups()
    tail = Groups(text, _tail_pattern())
    head = pick(tail.matched, tail["head"], text)
    g = Groups(head, _EN)
    pre = Groups(pick(g.matched, g["pre"], head), _PRE)
    dist_key = _key(tail["dist"])
    district = maps["dist_en"](dist_key)
    written = maps["region_en"](_key(tail["region"]))
    inferred = maps["dist_region_en"](dist_key)
    region = pick(filled(written), written, inferred)
    street_type = maps["street_type"](pc.utf8_lower(g["type"]))
    street = cat(
        pc.utf8_upper(sub(g["num"], r"\s+", "")),
        " ",
        title_if_caps(pc.utf8_trim_whitespace(g["name"])),
        " ",
        street_type,
        when(filled(g["dir"]), cat(" ", pc.utf8_capitalize(g["dir"]))),
    )
    line1 = join_sep([when(g.matched, street), g["post"]], ", ")
    unit = cat(maps["unit"](pc.utf8_lower(pre["unitw"])), " ", pc.utf8_upper(pre["unit"]))
    floor_no = pc.utf8_upper(pick(filled(pre["floor"]), pre["floor"], pre["floorn"]))
    floor_no = pick(eq(floor_no, "GROUND"), "G", floor_no)
    block = cat(maps["block"](pc.utf8_lower(pre["blockw"])), " ", pc.utf8_upper(pre["block"]))
    line2 = join_sep(
        [
            when(filled(pre["unit"]), unit),
            when(filled(floor_no), cat(floor_no, "/F")),
            when(filled(pre["block"]), block),
            title_if_caps(pre["bldg"]),
        ],
        ", ",
    )
    no_street = ~g.matched
    line1 = pick(no_street, line2, line1)
    line2 = pick(no_street, "", line2)
    return {
        "line1": line1,
        "line2": line2,
        "district": district,
        "state": region,
        "city": "Hong Kong",
        "postal_code": "",
        "country": "HK",
        "value": join_sep([line2, line1, district, written, _repeat("Hong Kong", len(text))], ", "),
        "parsed": g.matched | filled(district) | filled(region),
        "flag": pick(no_street, "incomplete-address", ""),
        "rules": "address.hk-parse",
    }


def _repeat(value: str, size: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), size)
