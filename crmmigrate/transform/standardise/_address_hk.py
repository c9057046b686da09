"""Hong Kong addresses, Chinese and English. Hong Kong has no postal codes.

Chinese: 香港 + region (香港島/九龍/新界) + district or area + street and door (…道38號) +
building, floor and flat, written without spaces. English: flat/floor/block/building, street,
district, region, ``Hong Kong`` — joined with ", ", street types in full (Rd → Road, as
Hongkong Post writes them). A region missing from the text is added from the district.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise._address_en import title_if_caps
from crmmigrate.transform.standardise._address_text import (
    NONE,
    concat,
    extract,
    join_sep,
    nonempty,
    trie_regex,
)

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


def parse_zh(text: pd.Series) -> pd.DataFrame:
    """Chinese Hong Kong addresses (Traditional or Simplified; the script is kept)."""
    maps = _maps()
    clean = text.str.replace(r"[\s,，]+", "", regex=True)
    g = extract(clean, zh_pattern())
    region = g["region"].map(_REGION_ZH).fillna("").astype("str")
    code = g["dist"].map(maps["region_zh"]).fillna("")
    inferred = code.map({k: v[0] for k, v in REGIONS.items()}).fillna("").astype("str")
    add_region = (region == "") & (inferred != "")
    region = region.where(~add_region, inferred)
    out = pd.DataFrame(index=text.index)
    out["line1"] = nonempty(g["street"].where(g["street"] != "", g["rest"]))
    out["line2"] = nonempty(g["rest"].where(g["street"] != "", ""))
    out["district"] = nonempty(g["dist"])
    out["state"] = nonempty(region)
    out["city"] = "香港"
    out["postal_code"] = None
    out["country"] = "HK"
    out["value"] = concat([out["city"], g["region"], out["district"], out["line1"], out["line2"]])
    place = (g["hk"] != "") | (g["region"] != "") | (g["dist"] != "")
    out["parsed"] = (place & (clean != g["hk"])).to_numpy()
    out["flag"] = np.where(g["street"] == "", "incomplete-address", NONE)
    out["rules"] = "address.hk-parse"
    return out


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


def parse_en(text: pd.Series) -> pd.DataFrame:
    """English Hong Kong addresses: ``Flat 15H, Harbour View Mansion, 202 Nathan Road, …``."""
    maps = _maps()
    tail = extract(
        text,
        r"^(?P<head>.*?)(?:\s*,\s*(?P<dist>(?i:" + en_district_regex() + r")))?"
        r"(?:[,\s]+(?P<region>(?i:hong\s+kong\s+island|hk\s+island|kowloon|new\s+territories|n\.t\.|nt)))?"
        r"(?:[,\s]+(?P<hk>(?i:" + HK_WORDS_EN + r")))?[,.\s]*$",
    )
    head = tail["head"].where(tail["_matched"], text)
    g = extract(head, _EN)
    pre = extract(g["pre"].where(g["_matched"], head), _PRE)
    dist_key = tail["dist"].str.lower().str.replace(r"\s+", " ", regex=True)
    district = dist_key.map(maps["en"]).fillna("").astype("str")
    region_key = tail["region"].str.lower().str.replace(r"\s+", " ", regex=True)
    region = region_key.map(_REGION_EN).fillna("").astype("str")
    inferred = dist_key.map(maps["region_en"]).map({k: v[1] for k, v in REGIONS.items()})
    add_region = (region == "") & inferred.notna()
    region = region.where(~add_region, inferred.fillna(""))
    street_type = g["type"].str.lower().map(_STREET_TYPES).fillna("").astype("str")
    direction = (" " + g["dir"].str.capitalize()).where(g["dir"] != "", "")
    street = concat(
        [
            g["num"].str.replace(r"\s+", "", regex=True).str.upper(),
            " " + title_if_caps(g["name"].str.strip()),
            " " + street_type,
            direction,
        ]
    )
    line1 = join_sep([street.where(g["_matched"], ""), g["post"]], ", ")
    unit = (
        pre["unitw"].str.lower().map(_UNIT_WORDS).fillna("").astype("str")
        + " "
        + pre["unit"].str.upper()
    )
    floor_no = (
        pre["floor"].where(pre["floor"] != "", pre["floorn"]).str.upper().replace("GROUND", "G")
    )
    block = (
        pre["blockw"]
        .str.lower()
        .map({"blk": "Block", "block": "Block", "tower": "Tower", "twr": "Tower"})
    )
    line2 = join_sep(
        [
            unit.where(pre["unit"] != "", ""),
            (floor_no + "/F").where(floor_no != "", ""),
            (block.fillna("") + " " + pre["block"].str.upper()).where(pre["block"] != "", ""),
            title_if_caps(pre["bldg"]),
        ],
        ", ",
    )
    no_street = ~g["_matched"]
    line1 = line1.where(~no_street, line2)
    line2 = line2.where(~no_street, "")
    out = pd.DataFrame(index=text.index)
    out["line1"] = nonempty(line1)
    out["line2"] = nonempty(line2)
    out["district"] = nonempty(district)
    out["state"] = nonempty(region)
    out["city"] = "Hong Kong"
    out["postal_code"] = None
    out["country"] = "HK"
    written = nonempty(region_key.map(_REGION_EN).fillna("").astype("str"))
    out["value"] = join_sep(
        [out["line2"], out["line1"], out["district"], written, out["city"]], ", "
    )
    out["parsed"] = (g["_matched"] | (district != "") | (region != "")).to_numpy()
    out["flag"] = np.where(no_street, "incomplete-address", NONE)
    out["rules"] = "address.hk-parse"
    return out
