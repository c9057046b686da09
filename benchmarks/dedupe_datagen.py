"""CRM-like contact records with known duplicates, for the dedupe benchmark (deterministic per seed).

Values are already *standardised* (the engine is fed standardised values): lower-case e-mail,
E.164 phone, ISO birth date. Each row carries its record id and the id of the true person.

- ~25% of people have 2-4 records; the copies carry typos in names, swapped first/last names,
  nicknames, missing fields, another e-mail or phone, a day/month swap or a wrong digit in the
  birth date, the street abbreviated another way, or a new address.
- Names are English (US/TW/HK residents), Taiwanese (Chinese characters) and Hong Kong
  (romanised Cantonese, or an English first name).
- Traps that are *not* duplicates: households (same street, postal code and landline, mostly
  the same last name, different first names and birth dates, now and then one shared e-mail)
  and namesakes (a copied first and last name, often in the same city).

Everything is built with numpy and Arrow compute; 5,000,000 rows take well under a minute.

Usage: python benchmarks/dedupe_datagen.py --rows 1000000 [--seed 1] [--out contacts.parquet]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

VERSION = 3  # bump when the output changes: benchmark caches are keyed on it


def _words(text: str) -> list[str]:
    return text.split()


COLUMNS = ["rec_id", "entity_id", "first_name", "last_name", "email", "phone", "birthdate",
           "city", "postal_code", "street"]  # fmt: skip
DUP_SHARE = 0.25  # people with more than one record
DUP_SIZES, DUP_SIZE_P = [2, 3, 4], [0.6, 0.28, 0.12]
ORIGIN_P = [0.40, 0.38, 0.22]  # English, Taiwanese, Hong Kong names
EN, TW, HK = 0, 1, 2  # origins; also the countries of residence
US = 0  # English-named people live in the US (60%), Taiwan or Hong Kong

EN_FIRST = _words(
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa "
    "Matthew Margaret Anthony Betty Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew "
    "Donna Joshua Michelle Kenneth Dorothy Kevin Carol Brian Amanda George Melissa Edward "
    "Deborah Ronald Stephanie Timothy Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob "
    "Kathleen Gary Amy Nicholas Shirley Eric Angela Jonathan Helen Stephen Anna Larry Brenda "
    "Justin Pamela Scott Nicole Brandon Emma Benjamin Samantha Samuel Katherine Gregory "
    "Christine Frank Debra Alexander Rachel Raymond Catherine Patrick Carolyn Jack Janet Dennis "
    "Ruth Jerry Maria Tyler Heather Aaron Diane Jose Virginia Adam Julie Henry Joyce Nathan "
    "Victoria Peter Grace Vincent Ivy Kelvin Winnie Alan Cindy Eddie Vivian Terry Fiona"
)
NICKNAMES = {
    "James": "Jim", "Robert": "Bob", "Michael": "Mike", "William": "Bill", "Elizabeth": "Liz",
    "Richard": "Rick", "Joseph": "Joe", "Thomas": "Tom", "Christopher": "Chris",
    "Daniel": "Dan", "Matthew": "Matt", "Anthony": "Tony", "Margaret": "Maggie",
    "Andrew": "Andy", "Kenneth": "Ken", "Edward": "Ed", "Ronald": "Ron", "Timothy": "Tim",
    "Rebecca": "Becky", "Jeffrey": "Jeff", "Nicholas": "Nick", "Jonathan": "Jon",
    "Stephen": "Steve", "Steven": "Steve", "Benjamin": "Ben", "Samuel": "Sam",
    "Katherine": "Kate", "Gregory": "Greg", "Alexander": "Alex", "Patrick": "Pat",
    "Victoria": "Vicky", "Jennifer": "Jenny", "Jessica": "Jess", "Samantha": "Sam",
    "Kimberly": "Kim", "Deborah": "Debbie", "Stephanie": "Steph", "Catherine": "Cathy",
}  # fmt: skip
EN_LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter "
    "Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris "
    "Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly Howard Cox Ward Richardson "
    "Watson Brooks Wood James Bennett Gray Hughes Price Sanders Myers Long Ross Foster Powell "
    "Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Vasquez "
    "Simmons Graham Marshall Owens Harrison Gibson McDonald O'Brien Murray Ford Hamilton"
)
# A long tail of surnames, made from English place-name parts ("Ashford", "Whitmore").
LAST_HEADS = _words("Ash Black Brad Brook Cal Chad Clay Craw Dal Dun Ed Fair Fern Gar Glen Hal "
              "Hart Hazel Hol Kings Lang Lin Mar Mid New North Oak Pem Red Rad Rock Rut Shel "
              "Staf Stan Sut Thorn Wal Wes Whit Win")  # fmt: skip
LAST_TAILS = _words("ford ley more ton wood field by well ham worth ridge shaw wick dale hurst "
              "stone brook land mont cliffe")  # fmt: skip
TW_LAST = [  # character, Taiwanese romanisation, share of people (per cent)
    ("陳", "Chen", 11.1), ("林", "Lin", 8.3), ("黃", "Huang", 6.0), ("張", "Chang", 5.3),
    ("李", "Li", 5.1), ("王", "Wang", 4.1), ("吳", "Wu", 4.0), ("劉", "Liu", 3.2),
    ("蔡", "Tsai", 2.9), ("楊", "Yang", 2.7), ("許", "Hsu", 2.3), ("鄭", "Cheng", 1.9),
    ("謝", "Hsieh", 1.8), ("郭", "Kuo", 1.7), ("洪", "Hung", 1.6), ("曾", "Tseng", 1.4),
    ("邱", "Chiu", 1.4), ("廖", "Liao", 1.3), ("賴", "Lai", 1.3), ("周", "Chou", 1.2),
    ("葉", "Yeh", 1.2), ("蘇", "Su", 1.1), ("莊", "Chuang", 0.9), ("呂", "Lu", 0.9),
    ("江", "Chiang", 0.9), ("何", "Ho", 0.8), ("蕭", "Hsiao", 0.8), ("羅", "Lo", 0.8),
    ("高", "Kao", 0.7), ("潘", "Pan", 0.6), ("簡", "Chien", 0.6), ("朱", "Chu", 0.6),
    ("鍾", "Chung", 0.6), ("游", "Yu", 0.6), ("彭", "Peng", 0.6), ("詹", "Chan", 0.6),
    ("胡", "Hu", 0.5), ("施", "Shih", 0.5), ("沈", "Shen", 0.5), ("余", "Yu", 0.5),
    ("盧", "Lu", 0.5), ("梁", "Liang", 0.5), ("趙", "Chao", 0.5), ("顏", "Yen", 0.5),
    ("柯", "Ko", 0.5), ("翁", "Weng", 0.4), ("魏", "Wei", 0.4), ("孫", "Sun", 0.4),
    ("戴", "Tai", 0.4), ("范", "Fan", 0.4), ("方", "Fang", 0.3), ("宋", "Sung", 0.3),
    ("鄧", "Teng", 0.3), ("杜", "Tu", 0.3), ("傅", "Fu", 0.3), ("侯", "Hou", 0.3),
    ("曹", "Tsao", 0.3), ("薛", "Hsueh", 0.3), ("丁", "Ting", 0.2), ("卓", "Cho", 0.2),
    ("馬", "Ma", 0.2), ("董", "Tung", 0.2), ("唐", "Tang", 0.2), ("藍", "Lan", 0.2),
    ("石", "Shih", 0.2), ("蔣", "Chiang", 0.2), ("紀", "Chi", 0.2), ("姚", "Yao", 0.2),
    ("連", "Lien", 0.2), ("馮", "Feng", 0.2), ("歐陽", "Ouyang", 0.05), ("張簡", "Changchien", 0.05),
]  # fmt: skip
TW_GIVEN = [  # character and romanisation, most used first
    ("怡", "yi"), ("君", "chun"), ("家", "chia"), ("豪", "hao"), ("志", "chih"), ("明", "ming"),
    ("淑", "shu"), ("芬", "fen"), ("俊", "chun"), ("傑", "chieh"), ("雅", "ya"), ("婷", "ting"),
    ("建", "chien"), ("宏", "hung"), ("佳", "chia"), ("穎", "ying"), ("冠", "kuan"), ("宇", "yu"),
    ("欣", "hsin"), ("承", "cheng"), ("恩", "en"), ("子", "tzu"), ("涵", "han"), ("宗", "tsung"),
    ("翰", "han"), ("詩", "shih"), ("柏", "po"), ("思", "szu"), ("妤", "yu"), ("庭", "ting"),
    ("瑋", "wei"), ("宥", "yu"), ("廷", "ting"), ("心", "hsin"), ("美", "mei"), ("玲", "ling"),
    ("文", "wen"), ("華", "hua"), ("國", "kuo"), ("偉", "wei"), ("信", "hsin"), ("嘉", "chia"),
    ("慧", "hui"), ("秀", "hsiu"), ("英", "ying"), ("麗", "li"), ("珍", "chen"), ("惠", "hui"),
    ("玉", "yu"), ("鳳", "feng"), ("蘭", "lan"), ("雪", "hsueh"), ("琪", "chi"), ("瑜", "yu"),
    ("筱", "hsiao"), ("彥", "yen"), ("博", "po"), ("凱", "kai"), ("翔", "hsiang"), ("軒", "hsuan"),
    ("哲", "che"), ("誠", "cheng"), ("安", "an"), ("平", "ping"), ("正", "cheng"), ("德", "te"),
    ("仁", "jen"), ("義", "yi"), ("忠", "chung"), ("勝", "sheng"), ("榮", "jung"), ("昌", "chang"),
    ("泰", "tai"), ("智", "chih"), ("賢", "hsien"), ("銘", "ming"), ("坤", "kun"), ("輝", "hui"),
    ("峰", "feng"), ("晴", "ching"), ("琳", "lin"), ("瑞", "jui"), ("祥", "hsiang"), ("彤", "tung"),
    ("芸", "yun"), ("萱", "hsuan"), ("蓉", "jung"), ("薇", "wei"), ("馨", "hsin"), ("儀", "yi"),
    ("晨", "chen"), ("宜", "yi"), ("孟", "meng"), ("郁", "yu"), ("品", "pin"), ("育", "yu"),
    ("維", "wei"), ("振", "chen"), ("耀", "yao"), ("書", "shu"), ("毅", "yi"), ("元", "yuan"),
]  # fmt: skip
HK_LAST = _words("Chan Wong Lee Cheung Lau Ng Leung Cheng Lam Ho Yeung Tsang Tang Chow Li Yip Fung "
           "Kwok Mak Lo Tse Choi Chu Hui Siu Poon Yu Lai Law Chung Kwan Ma Wu Tam Sze Au Ko "
           "Kong Luk To Ip Chiu Chui Lui Tong")  # fmt: skip
HK_SYLLABLES = _words("Ka Wai Man Ming Kwok Chi Siu Tai Yan Hoi Wing Sze Lun Keung Ho Yin Kit Fai Hung "
                "Kin Pui Shan Ching Mei Ling Yee Lok Tsz Hin Chun Wah Kei Fung Sum Suet Yuk Kam "
                "Shing Kwan Tak Nga Hei Long On Pak Sau Tin Yiu")  # fmt: skip
TW_CITIES = [  # city, 3-digit postal codes from..to, share of people
    ("臺北市", 100, 116, 11), ("新北市", 207, 253, 17), ("桃園市", 320, 338, 10),
    ("臺中市", 400, 439, 12), ("臺南市", 700, 745, 8), ("高雄市", 800, 852, 12),
    ("基隆市", 200, 206, 1.5), ("新竹市", 300, 300, 2), ("新竹縣", 302, 315, 2.5),
    ("苗栗縣", 350, 369, 2), ("彰化縣", 500, 530, 5), ("南投縣", 540, 558, 2),
    ("雲林縣", 630, 655, 3), ("嘉義市", 600, 600, 1), ("嘉義縣", 602, 625, 2),
    ("屏東縣", 900, 947, 3.5), ("宜蘭縣", 260, 272, 2), ("花蓮縣", 970, 983, 1.3),
    ("臺東縣", 950, 966, 1), ("澎湖縣", 880, 885, 0.5),
]  # fmt: skip
TW_ROADS = _words("中山 中正 民生 民權 民族 忠孝 仁愛 信義 和平 復興 建國 光復 自由 成功 中華 "
            "文化 大同 三民 博愛 公園 新生 南京 重慶 承德 林森 松江 長安 永康 育英 勝利 "
            "景美 環河 福德 四維 五福 文心 大雅 英才 崇德 北新")  # fmt: skip
TW_ROAD_DIRS = ["", "", "", "東", "西", "南", "北"]
CN_NUMERALS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
HK_DISTRICTS = [
    "Central", "Wan Chai", "Causeway Bay", "North Point", "Quarry Bay", "Aberdeen", "Mong Kok",
    "Tsim Sha Tsui", "Yau Ma Tei", "Sham Shui Po", "Kowloon City", "Kwun Tong", "Wong Tai Sin",
    "Sha Tin", "Tai Po", "Tsuen Wan", "Tuen Mun", "Yuen Long", "Tseung Kwan O",
]  # fmt: skip
HK_ROADS = [
    "Nathan", "Hennessy", "Canton", "Lockhart", "Jaffe", "Queen's", "King's", "Des Voeux",
    "Prince Edward", "Argyle", "Waterloo", "Tai Po", "Castle Peak", "Hoi Bun", "Electric",
    "Java", "Shau Kei Wan", "Chatham", "Salisbury", "Kimberley", "Granville", "Austin",
    "Gascoigne", "Pok Fu Lam", "Yee Wo", "Sai Yeung Choi", "Fa Yuen", "Tung Choi", "Ma Tau Wai",
]  # fmt: skip
US_CITIES = [  # city, first three zip digits
    ("New York", 100), ("Brooklyn", 112), ("Los Angeles", 900), ("San Francisco", 941),
    ("San Jose", 951), ("Seattle", 981), ("Chicago", 606), ("Houston", 770), ("Austin", 787),
    ("Dallas", 752), ("Boston", 21), ("Philadelphia", 191), ("Phoenix", 850),
    ("San Diego", 921), ("Denver", 802), ("Atlanta", 303), ("Miami", 331), ("Portland", 972),
    ("Minneapolis", 554), ("Detroit", 482), ("Irvine", 926), ("Fremont", 945),
    ("Sacramento", 958), ("Las Vegas", 891), ("Honolulu", 968),
]  # fmt: skip
US_STREETS = _words("Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Sunset Lincoln Jackson "
              "Franklin Highland Church Spring River Walnut Chestnut Madison Jefferson Adams "
              "Willow Meadow Forest Valley Ridge Mission Market Broadway Central Union Grant "
              "Lakeview Cherry Harrison Wilson Dogwood Magnolia")  # fmt: skip
US_SUFFIXES = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"),
               ("Lane", "Ln"), ("Boulevard", "Blvd"), ("Court", "Ct"), ("Place", "Pl")]  # fmt: skip
US_UNITS = [" Apt ", " #", " Unit "]
MAIL_DOMAINS = {  # per country: (domain, weight)
    US: [("gmail.com", 45), ("yahoo.com", 15), ("outlook.com", 12), ("hotmail.com", 10),
         ("icloud.com", 10), ("aol.com", 3), ("comcast.net", 5)],
    TW: [("gmail.com", 45), ("yahoo.com.tw", 20), ("hotmail.com", 10), ("msa.hinet.net", 10),
         ("outlook.com", 10), ("pchome.com.tw", 5)],
    HK: [("gmail.com", 45), ("yahoo.com.hk", 20), ("netvigator.com", 12), ("hotmail.com", 13),
         ("outlook.com", 10)],
}  # fmt: skip
WORK_WORDS = _words("acme global pacific formosa golden harbour dragon lotus delta summit apex nova "
              "orient metro union unity bright prime star sun east west north south green blue "
              "silver jade pearl ocean river rock")  # fmt: skip
WORK_TLDS = [".com", ".com.tw", ".com.hk", ".co", ".net"]
START_DAY = np.datetime64("1940-01-01")
BIRTH_SPAN_DAYS = 24_000  # up to late 2005


def generate(rows: int, seed: int = 1) -> pd.DataFrame:
    """``rows`` contact records of known people; ``entity_id`` names the true person."""
    rng = np.random.default_rng(seed)
    rec_entity, is_first = _record_plan(rows, rng)
    people = _people(int(rec_entity[-1]) + 1, rng)
    columns = _records(people, rec_entity, is_first, rng)
    order = pa.array(rng.permutation(rows))  # duplicates never sit next to each other
    table = pa.table(
        {
            "rec_id": pa.array(np.arange(rows, dtype=np.int64)),
            "entity_id": pa.array(rec_entity.astype(np.int64)).take(order),
            **{name: columns[name].take(order) for name in COLUMNS[2:]},
        }
    )
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", np.nan)}.get)


def _record_plan(rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The entity of each record (grouped) and whether it is that entity's first record."""
    mean = 1 - DUP_SHARE + DUP_SHARE * float(np.dot(DUP_SIZES, DUP_SIZE_P))
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < rows:
        n = int(rows / mean * 1.02) + 16
        extra = rng.choice(DUP_SIZES, n, p=DUP_SIZE_P)
        sizes = np.concatenate([sizes, np.where(rng.random(n) < DUP_SHARE, extra, 1)])
    rec_entity = np.repeat(np.arange(len(sizes)), sizes)[:rows]
    is_first = np.ones(rows, dtype=bool)
    is_first[1:] = rec_entity[1:] != rec_entity[:-1]
    return rec_entity, is_first


# --- people -----------------------------------------------------------------------------------


def _zipf(n: int, skew: float = 1.0, shift: float = 3.0) -> np.ndarray:
    weights = 1.0 / (np.arange(n) + shift) ** skew
    return weights / weights.sum()


def _strs(values: list[str] | np.ndarray) -> pa.Array:
    return pa.array(values, pa.string())


def _num(values: np.ndarray, width: int = 0) -> pa.Array:
    text = pc.cast(pa.array(values.astype(np.int64)), pa.string())
    return pc.utf8_lpad(text, width, "0") if width else text


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _when(mask: np.ndarray, then: pa.Array | str, other: pa.Array | str) -> pa.Array:
    return pc.if_else(pa.array(mask), then, other)


def _by_group(group: np.ndarray, builders: dict[int, Any]) -> pa.Array:
    """Assemble one string column whose rows are built differently per group (country).

    People are ordered by country and origin and records by person, so those groups are
    usually runs of rows: then the parts are simply concatenated.
    """
    if len(group) and bool(np.all(group[1:] >= group[:-1])):
        bounds = np.searchsorted(group, [[key, key + 1] for key in sorted(builders)])
        return pa.concat_arrays(
            [
                _flat(builders[key](np.arange(lo, hi)))
                for key, (lo, hi) in zip(sorted(builders), bounds, strict=True)
            ]
        )
    parts, where = [], []
    for key, build in builders.items():
        idx = np.flatnonzero(group == key)
        parts.append(build(idx))
        where.append(idx)
    order = np.concatenate(where)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays([_flat(p) for p in parts]).take(inverse)


def _people(n: int, rng: np.random.Generator) -> dict[str, Any]:
    origin = rng.choice(3, n, p=ORIGIN_P)
    country = origin.copy()
    en = origin == EN
    country[en] = rng.choice([US, TW, HK], int(en.sum()), p=[0.6, 0.2, 0.2])
    order = np.argsort(country * 3 + origin, kind="stable")  # see _by_group
    origin, country = origin[order], country[order]
    p: dict[str, Any] = {"origin": origin, "country": country}
    _names(p, rng)
    birth = START_DAY + rng.integers(0, BIRTH_SPAN_DAYS, n).astype("timedelta64[D]")
    p["birth"] = birth
    # Mobiles, landlines and the records' other phones (see _records) draw their last seven
    # digits from one shuffled pool, so no two numbers share them.
    p["phone_digits"] = _phone_digits(3 * n, rng)
    p["mobile"] = _phones(country, p["phone_digits"][:n], rng, landline=False)
    p["landline"] = _phones(country, p["phone_digits"][n : 2 * n], rng, landline=True)
    p["phone_kind"] = np.zeros(n, dtype=np.int8)  # 0: own mobile, 1: household landline
    p["addr"] = _addresses(country, rng)
    _households(p, rng)
    _namesakes(p, rng)
    p["email"] = _emails(p, rng, np.arange(n), unique=True)
    _shared_emails(p, rng)
    return p


def _names(p: dict[str, Any], rng: np.random.Generator) -> None:
    origin = p["origin"]
    n = len(origin)
    en_first = rng.choice(len(EN_FIRST), n, p=_zipf(len(EN_FIRST), 0.7, 10))
    tail = [h + t for h in LAST_HEADS for t in LAST_TAILS]
    en_last_pool = EN_LAST + tail
    en_last_p = np.concatenate(
        [_zipf(len(EN_LAST), 0.6, 10) * 0.75, np.full(len(tail), 0.25 / len(tail))]
    )
    en_last = rng.choice(len(en_last_pool), n, p=en_last_p)
    tw_share = np.array([s for _, _, s in TW_LAST])
    tw_last = rng.choice(len(TW_LAST), n, p=tw_share / tw_share.sum())
    given_p = _zipf(len(TW_GIVEN), 0.9, 5)
    g1, g2 = rng.choice(len(TW_GIVEN), (2, n), p=given_p)
    single = rng.random(n) < 0.05
    hk_last = rng.choice(len(HK_LAST), n, p=_zipf(len(HK_LAST), 1.0, 4))
    s1, s2 = rng.choice(len(HK_SYLLABLES), (2, n), p=_zipf(len(HK_SYLLABLES), 0.7, 5))
    hk_english = rng.random(n) < 0.45

    en_first_pool, en_last_arr = _strs(EN_FIRST), _strs(en_last_pool)
    tw_chars, tw_roman = _strs([c for c, _ in TW_GIVEN]), _strs([r for _, r in TW_GIVEN])
    tw_last_chars, tw_last_roman = (
        _strs([c for c, _, _ in TW_LAST]),
        _strs([r for _, r, _ in TW_LAST]),
    )
    hk_syl = _strs(HK_SYLLABLES)

    def tw_given(i: np.ndarray, pool: pa.Array) -> pa.Array:
        return _join(pool.take(g1[i]), _when(single[i], "", pool.take(g2[i])))

    def hk_given(i: np.ndarray) -> pa.Array:
        syllables = _join(hk_syl.take(s1[i]), " ", hk_syl.take(s2[i]))
        return _when(hk_english[i], en_first_pool.take(en_first[i]), syllables)

    first = _by_group(origin, {EN: lambda i: en_first_pool.take(en_first[i]),
                               TW: lambda i: tw_given(i, tw_chars), HK: hk_given})  # fmt: skip
    last = _by_group(origin, {EN: lambda i: en_last_arr.take(en_last[i]),
                              TW: lambda i: tw_last_chars.take(tw_last[i]),
                              HK: lambda i: _strs(HK_LAST).take(hk_last[i])})  # fmt: skip
    first_roman = _by_group(origin, {EN: lambda i: first.take(i),
                                     TW: lambda i: tw_given(i, tw_roman), HK: lambda i: first.take(i)})  # fmt: skip
    last_roman = _by_group(origin, {EN: lambda i: last.take(i),
                                    TW: lambda i: tw_last_roman.take(tw_last[i]), HK: lambda i: last.take(i)})  # fmt: skip
    p["first"], p["last"] = first, last
    p["first_roman"], p["last_roman"] = first_roman, last_roman


def _phones(country: np.ndarray, digits: np.ndarray, rng: np.random.Generator,
            landline: bool) -> pa.Array:  # fmt: skip
    """E.164 numbers ending in the given 7 ``digits`` (distinct digits: distinct numbers)."""
    tw_prefix = _strs(["+8862", "+8864", "+8867", "+8863"] if landline else ["+8869"])
    hk_prefix = _strs(["+8522", "+8523"] if landline else ["+8525", "+8526", "+8529"])

    def local(i: np.ndarray, prefix: pa.Array, lead: int) -> pa.Array:
        pick = prefix.take(rng.integers(0, len(prefix), len(i)))
        head = rng.integers(0, lead, len(i)) * 10**7  # TW numbers have 8 digits
        return _join(pick, _num(head + digits[i], 8 if lead > 1 else 7))

    def us(i: np.ndarray) -> pa.Array:
        area = rng.integers(201, 990, len(i))
        return _join("+1", _num(area * 10**7 + digits[i], 10))

    return _by_group(country, {TW: lambda i: local(i, tw_prefix, 10),
                               HK: lambda i: local(i, hk_prefix, 1), US: us})  # fmt: skip


def _phone_digits(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct 7-digit subscriber numbers (they repeat only past 10 million)."""
    pool = rng.permutation(10**7)
    return pool[np.arange(count) % len(pool)]


def _addresses(country: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Address parts as integers; the street text is written per record (abbreviation style)."""
    n = len(country)
    tw_w = np.array([w for *_, w in TW_CITIES])
    tw_city = rng.choice(len(TW_CITIES), n, p=tw_w / tw_w.sum())
    lo = np.array([c[1] for c in TW_CITIES])[tw_city]
    hi = np.array([c[2] for c in TW_CITIES])[tw_city]
    tw_postal = (lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)) * 100 + rng.integers(
        1, 100, n
    )
    us_city = rng.choice(len(US_CITIES), n, p=_zipf(len(US_CITIES), 0.8, 3))
    us_zip = np.array([z for _, z in US_CITIES])[us_city] * 100 + rng.integers(1, 100, n)
    hk_city = rng.choice(len(HK_DISTRICTS), n)
    return {
        "country": country.copy(),
        "city": np.select([country == TW, country == HK], [tw_city, hk_city], us_city),
        "postal": np.select([country == TW, country == HK], [tw_postal, 0], us_zip),
        "road": rng.integers(0, 10_000, n),  # mapped onto each country's road list
        "section": np.where(rng.random(n) < 0.45, rng.integers(1, 6, n), 0),
        "lane": np.where(rng.random(n) < 0.25, rng.integers(1, 300, n), 0),
        "number": rng.integers(1, 800, n),
        "floor": np.where(rng.random(n) < 0.7, rng.integers(1, 30, n), 0),
        "unit": np.where(rng.random(n) < 0.3, rng.integers(1, 40, n), 0),
    }


def _households(p: dict[str, Any], rng: np.random.Generator) -> None:
    """Pair heads with one or two members of the same origin and country: same address, often
    the landline."""
    origin, addr = p["origin"], p["addr"]
    n = len(origin)
    first, last = p["first"], p["last"]
    heads, members = [], []
    group = np.asarray(p["country"]) * 3 + origin
    for g in np.unique(group):
        idx = rng.permutation(np.flatnonzero(group == g))
        h = int(len(idx) * 0.04)
        second = int(h * 0.4)
        heads += [idx[:h], idx[:second]]
        members += [idx[h : 2 * h], idx[2 * h : 2 * h + second]]
    head, member = np.concatenate(heads), np.concatenate(members)
    for key in addr:
        addr[key][member] = addr[key][head]
    keep_own_last = rng.random(len(member)) < 0.3  # a spouse with another surname
    new_last = pc.if_else(pa.array(keep_own_last), last.take(member), last.take(head))
    same_first = pc.equal(first.take(member), first.take(head)).to_numpy(zero_copy_only=False)
    other = rng.integers(0, n, len(member))  # a different first name of the same origin
    swap = same_first & (np.asarray(origin)[other] == np.asarray(origin)[member])
    new_first = pc.if_else(pa.array(swap), first.take(other), first.take(member))
    p["first"] = _scatter(first, member, new_first)
    p["last"] = _scatter(last, member, new_last)
    p["first_roman"] = _scatter(
        p["first_roman"],
        member,
        pc.if_else(pa.array(swap), p["first_roman"].take(other), p["first_roman"].take(member)),
    )
    p["last_roman"] = _scatter(
        p["last_roman"],
        member,
        pc.if_else(
            pa.array(keep_own_last), p["last_roman"].take(member), p["last_roman"].take(head)
        ),
    )
    landline = p["landline"]
    p["landline"] = _scatter(landline, member, landline.take(head))
    everyone = np.concatenate([head, member])
    kind = p["phone_kind"]
    kind[everyone] = rng.random(len(everyone)) < 0.6
    p["household_head"], p["household_member"] = head, member


def _namesakes(p: dict[str, Any], rng: np.random.Generator) -> None:
    """Give 2% of people the first and last name of another person, half of them in the same city."""
    origin = np.asarray(p["origin"])
    n = len(origin)
    who = rng.choice(n, int(n * 0.02), replace=False)
    like = rng.integers(0, n, len(who))
    ok = (origin[like] == origin[who]) & (like != who)
    who, like = who[ok], like[ok]
    for key in ("first", "last", "first_roman", "last_roman"):
        p[key] = _scatter(p[key], who, p[key].take(like))
    near = rng.random(len(who)) < 0.5
    addr = p["addr"]
    same_country = addr["country"][who] == addr["country"][like]
    move = who[near & same_country]
    src = like[near & same_country]
    for key in ("city", "postal"):
        addr[key][move] = addr[key][src]


def _scatter(values: pa.Array, idx: np.ndarray, new: pa.Array) -> pa.Array:
    mask = np.zeros(len(values), dtype=bool)
    mask[idx] = True
    order = np.argsort(idx, kind="stable")
    return pc.replace_with_mask(_flat(values), pa.array(mask), _flat(new.take(order)))


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _emails(p: dict[str, Any], rng: np.random.Generator, who: np.ndarray, unique: bool,
            work: bool = False) -> pa.Array:  # fmt: skip
    """E-mail addresses built from romanised names; ``unique`` appends digits to clashes."""
    n = len(who)
    fr = pc.utf8_lower(pc.replace_substring_regex(p["first_roman"].take(who), "[ ']", ""))
    lr = pc.utf8_lower(pc.replace_substring_regex(p["last_roman"].take(who), "[ ']", ""))
    years = (np.asarray(p["birth"])[who].astype("datetime64[Y]").astype(np.int64) + 70) % 100
    digits = rng.integers(1, 1000, n)
    style = rng.integers(0, 7, n)
    if work:
        style[style < 3] = 0
    styles = {
        0: lambda i: _join(fr.take(i), ".", lr.take(i)),
        1: lambda i: _join(fr.take(i), lr.take(i), _num(years[i], 2)),
        2: lambda i: _join(fr.take(i), "_", lr.take(i)),
        3: lambda i: _join(pc.utf8_slice_codeunits(fr.take(i), 0, 1), lr.take(i)),
        4: lambda i: _join(lr.take(i), ".", fr.take(i)),
        5: lambda i: _join(fr.take(i), lr.take(i), _num(digits[i])),
        6: lambda i: _join(fr.take(i), _num(digits[i])),
    }
    local = _by_group(style, styles)
    if work:
        words, tlds = _strs(WORK_WORDS), _strs(WORK_TLDS)
        domain = _join(words.take(rng.integers(0, len(WORK_WORDS), n)),
                       words.take(rng.integers(0, len(WORK_WORDS), n)),
                       tlds.take(rng.integers(0, len(WORK_TLDS), n)))  # fmt: skip
    else:
        country = np.asarray(p["country"])[who]
        pick = np.zeros(n, dtype=np.int64)
        names: list[str] = []
        for c, options in MAIL_DOMAINS.items():
            w = np.array([x for _, x in options], dtype=float)
            at = country == c
            pick[at] = len(names) + rng.choice(len(options), int(at.sum()), p=w / w.sum())
            names += [d for d, _ in options]
        domain = _strs(names).take(pick)
    email = _join(local, "@", domain)
    if unique:  # ".<serial>" never ends a generated local part, so the result is unique
        clash = np.flatnonzero(_duplicated(email))
        local = _join(local.take(clash), ".", _num(who[clash]))
        email = _scatter(email, clash, _join(local, "@", domain.take(clash)))
    return email


def _duplicated(values: pa.Array) -> np.ndarray:
    codes = _flat(pc.dictionary_encode(values)).indices.to_numpy(zero_copy_only=False)
    return pd.Series(codes).duplicated().to_numpy()


def _shared_emails(p: dict[str, Any], rng: np.random.Generator) -> None:
    """One household member in ten uses the head's e-mail address."""
    head, member = p["household_head"], p["household_member"]
    share = rng.random(len(member)) < 0.1
    p["email"] = _scatter(p["email"], member[share], p["email"].take(head[share]))


# --- records ----------------------------------------------------------------------------------

NOISE = {  # (rate on every record, extra rate on the later records of a person)
    "first_missing": (0.0, 0.01), "email_missing": (0.10, 0.10), "phone_missing": (0.08, 0.10),
    "birth_missing": (0.08, 0.08), "street_missing": (0.03, 0.05), "postal_missing": (0.03, 0.03),
    "city_missing": (0.02, 0.02), "first_typo": (0.0, 0.08), "last_typo": (0.0, 0.05),
    "swap_names": (0.0, 0.04), "nickname": (0.0, 0.25), "hk_hyphen": (0.0, 0.05),
    "email_other": (0.0, 0.10), "email_typo": (0.0, 0.04), "phone_other": (0.0, 0.08),
    "phone_typo": (0.0, 0.02), "birth_swap": (0.0, 0.03), "birth_digit": (0.0, 0.03),
    "moved": (0.0, 0.04), "abbreviation": (0.25, 0.0),
}  # fmt: skip


def _records(p: dict[str, Any], ent: np.ndarray, first: np.ndarray,
             rng: np.random.Generator) -> dict[str, pa.Array]:  # fmt: skip
    n = len(ent)
    later = ~first
    hit = {}
    for key, (base, extra) in NOISE.items():
        rate = np.where(later, np.float32(base + extra), np.float32(base))
        hit[key] = rng.random(n, dtype=np.float32) < rate
    origin = np.asarray(p["origin"])[ent]

    first_name = p["first"].take(ent)
    last_name = p["last"].take(ent)
    nick_from = _strs(list(NICKNAMES))
    nick_to = _strs(list(NICKNAMES.values()))
    nick_idx = pc.index_in(first_name, nick_from)
    use_nick = hit["nickname"] & pc.is_valid(nick_idx).to_numpy(zero_copy_only=False)
    first_name = _when(use_nick, nick_to.take(pc.fill_null(nick_idx, 0)), first_name)
    hyphen = hit["hk_hyphen"] & (origin == HK)
    first_name = _when(hyphen, pc.replace_substring(first_name, " ", "-"), first_name)
    first_name = _typos(first_name, hit["first_typo"], rng)
    last_name = _typos(last_name, hit["last_typo"], rng)
    swap = hit["swap_names"]
    first_name, last_name = _when(swap, last_name, first_name), _when(swap, first_name, last_name)
    first_name = _when(hit["first_missing"], pa.nulls(n, pa.string()), first_name)

    email = p["email"].take(ent)
    other = np.flatnonzero(hit["email_other"])
    email = _scatter(email, other, _emails(p, rng, ent[other], unique=False, work=True))
    at = pc.find_substring(email, "@").to_numpy(zero_copy_only=False)
    email = _typos(email, hit["email_typo"] & (np.nan_to_num(at.astype(float)) > 2), rng, stop=at)
    email = _null(email, hit["email_missing"])

    kind = np.asarray(p["phone_kind"])[ent]
    phone = _when(kind == 1, p["landline"].take(ent), p["mobile"].take(ent))
    country = np.asarray(p["addr"]["country"])[ent]
    other = np.flatnonzero(hit["phone_other"])
    pool = p["phone_digits"][2 * len(p["origin"]) :]
    digits = pool[np.arange(len(other)) % len(pool)]
    phone = _scatter(phone, other, _phones(country[other], digits, rng, landline=False))
    plen = pc.utf8_length(phone).to_numpy(zero_copy_only=False)
    phone = _typos(phone, hit["phone_typo"], rng, start=np.nan_to_num(plen.astype(float)) - 7)
    phone = _null(phone, hit["phone_missing"])

    birthdate = _birthdates(np.asarray(p["birth"])[ent], hit, rng)
    addr = {k: v[ent] for k, v in p["addr"].items()}
    _move(addr, hit["moved"], rng)
    city, postal, street = _address_text(addr, hit["abbreviation"], rng)
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": phone,
        "birthdate": birthdate,
        "city": _null(city, hit["city_missing"]),
        "postal_code": _null(postal, hit["postal_missing"]),
        "street": _null(street, hit["street_missing"]),
    }


def _null(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return _when(mask, pa.nulls(len(values), pa.string()), values)


def _typos(values: pa.Array, mask: np.ndarray, rng: np.random.Generator,
           start: np.ndarray | None = None, stop: np.ndarray | None = None) -> pa.Array:  # fmt: skip
    """One edit per masked value: substitute, delete, transpose or double a character.

    Letters are replaced by letters, digits by digits, Chinese characters by other Chinese
    characters (a wrong character that sounds alike); positions fall in ``[start, stop)``.
    """
    idx = np.flatnonzero(mask & pc.is_valid(values).to_numpy(zero_copy_only=False))
    if len(idx) == 0:
        return values
    text = np.array(values.take(pa.array(idx)).to_numpy(zero_copy_only=False), dtype=str)
    width = text.dtype.itemsize // 4 + 1
    codes = text.astype(f"<U{width}").view(np.uint32).reshape(len(idx), width).copy()
    m = len(idx)
    length = (codes != 0).sum(axis=1)
    lo = np.zeros(m) if start is None else np.clip(np.asarray(start, float)[idx], 0, None)
    hi = length if stop is None else np.minimum(length, np.asarray(stop, float)[idx])
    pos = np.clip((lo + rng.random(m) * (hi - lo)).astype(np.int64), 0, length - 1)
    rows = np.arange(m)
    char = codes[rows, pos]
    cjk = char >= 0x2E80
    digit = (char >= 0x30) & (char <= 0x39)
    kind = rng.integers(0, 4, m)  # substitute, delete, transpose, double
    kind[cjk | digit | (length < 4)] = 0
    kind[(kind == 2) & (pos >= length - 1)] = 0
    col = np.arange(width)[None, :]
    p = pos[:, None]
    k = kind[:, None]
    src = np.where(k == 1, col + (col >= p), col)
    src = np.where(k == 3, col - (col > p), src)
    src = np.where((k == 2) & (col == p), p + 1, src)
    src = np.where((k == 2) & (col == p + 1), p, src)
    out = np.take_along_axis(codes, np.clip(src, 0, width - 1), axis=1)
    out[(k == 1) & (col == width - 1)] = 0
    chinese = np.array(
        [ord(c) for c, _ in TW_GIVEN] + [ord(c[0]) for c, _, _ in TW_LAST], np.uint32
    )
    letter = rng.integers(ord("a"), ord("z") + 1, m).astype(np.uint32)
    upper = (char >= 0x41) & (char <= 0x5A)
    letter[upper] -= 32
    pick = rng.integers(0, len(chinese), m)
    new = np.where(cjk, chinese[pick], letter)
    new = np.where(digit, rng.integers(0x30, 0x3A, m), new).astype(np.uint32)
    same = new == char  # step to the next letter, digit or character instead
    base = np.where(digit, 0x30, np.where(upper, 0x41, 0x61)).astype(np.uint32)
    span = np.where(digit, 10, 26).astype(np.uint32)
    stepped = np.where(cjk, chinese[(pick + 1) % len(chinese)], base + (char - base + 1) % span)
    new = np.where(same, stepped, new)
    sub = kind == 0
    out[rows[sub], pos[sub]] = new[sub]
    edited = pa.array(out.view(f"<U{width}").ravel(), pa.string())
    return _scatter(values, idx, edited)


def _birthdates(
    birth: np.ndarray, hit: dict[str, np.ndarray], rng: np.random.Generator
) -> pa.Array:
    n = len(birth)
    year = birth.astype("datetime64[Y]").astype(int) + 1970
    month = birth.astype("datetime64[M]").astype(int) % 12 + 1
    day = (birth - birth.astype("datetime64[M]")).astype(int) + 1
    swap = hit["birth_swap"] & (day <= 12) & (day != month)
    month, day = np.where(swap, day, month), np.where(swap, month, day)
    digit = hit["birth_digit"]
    in_year = rng.random(n) < 0.5
    new_digit = rng.integers(0, 10, n)
    new_year = year // 10 * 10 + new_digit
    new_day = day // 10 * 10 + new_digit
    new_day = np.where((new_day < 1) | (new_day > 28), day, new_day)  # keep the date valid
    year = np.where(digit & in_year, new_year, year)
    day = np.where(digit & ~in_year, new_day, day)
    days = (
        (year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        + (month - 1).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    text = pc.cast(pa.array(days), pa.string())
    return _null(text, hit["birth_missing"])


def _move(addr: dict[str, np.ndarray], moved: np.ndarray, rng: np.random.Generator) -> None:
    """A new address in the same country, taken from another record."""
    country = addr["country"]
    for c in (US, TW, HK):
        idx = np.flatnonzero(moved & (country == c))
        pool = np.flatnonzero(country == c)
        if len(idx) == 0:
            continue
        src = pool[rng.integers(0, len(pool), len(idx))]
        for key in addr:
            addr[key][idx] = addr[key][src]


def _address_text(addr: dict[str, np.ndarray], abbreviate: np.ndarray,
                  rng: np.random.Generator) -> tuple[pa.Array, pa.Array, pa.Array]:  # fmt: skip
    country = addr["country"]
    style = rng.integers(0, 3, len(country))  # which abbreviation, when abbreviated

    def tw_street(i: np.ndarray) -> pa.Array:
        a, ab, st = {k: v[i] for k, v in addr.items()}, abbreviate[i], style[i]
        roads = _strs([r + d + "路" for r in TW_ROADS for d in TW_ROAD_DIRS])
        road = roads.take(a["road"] % len(roads))
        section = _when(ab & (st == 0), _join(_num(a["section"]), "段"),
                        _join(_strs(CN_NUMERALS).take(a["section"]), "段"))  # fmt: skip
        section = _when(a["section"] == 0, "", section)
        lane = _when(a["lane"] > 0, _join(_num(a["lane"]), "巷"), "")
        floor_word = _when(ab & (st == 1), "F", "樓")
        floor = _when(a["floor"] > 0, _join(_num(a["floor"]), floor_word), "")
        return _join(road, section, lane, _num(a["number"]), "號", floor)

    def hk_street(i: np.ndarray) -> pa.Array:
        a, ab, st = {k: v[i] for k, v in addr.items()}, abbreviate[i], style[i]
        kind = a["road"] % 2
        road = _strs(HK_ROADS).take(a["road"] // 2 % len(HK_ROADS))
        word = _when(kind == 0, _when(ab, "Rd", "Road"), _when(ab, "St", "Street"))
        flat = _strs(list("ABCDEFGH")).take(a["unit"] % 8)
        sep = _when(ab & (st == 2), " ", ", ")
        flat_floor = _when(
            a["floor"] > 0, _join("Flat ", flat, sep, _num(a["floor"]), "/F", sep), ""
        )
        return _join(flat_floor, _num(a["number"]), " ", road, " ", word)

    def us_street(i: np.ndarray) -> pa.Array:
        a, ab, st = {k: v[i] for k, v in addr.items()}, abbreviate[i], style[i]
        name = _strs(US_STREETS).take(a["road"] % len(US_STREETS))
        suffix_i = a["road"] // len(US_STREETS) % len(US_SUFFIXES)
        long = _strs([s for s, _ in US_SUFFIXES]).take(suffix_i)
        short = _strs([s for _, s in US_SUFFIXES]).take(suffix_i)
        unit = _join(_strs(US_UNITS).take(np.where(ab, st, 0)), _num(a["unit"]))
        unit = _when(a["unit"] > 0, unit, "")
        return _join(_num(a["number"]), " ", name, " ", _when(ab, short, long), unit)

    street = _by_group(country, {TW: tw_street, HK: hk_street, US: us_street})
    city = _by_group(country, {
        TW: lambda i: _strs([c[0] for c in TW_CITIES]).take(addr["city"][i]),
        HK: lambda i: _strs(HK_DISTRICTS).take(addr["city"][i]),
        US: lambda i: _strs([c for c, _ in US_CITIES]).take(addr["city"][i]),
    })  # fmt: skip
    postal = _when(country == HK, pa.nulls(len(country), pa.string()),
                   _when(country == TW, _num(addr["postal"], 5), _num(addr["postal"], 5)))  # fmt: skip
    return city, postal, street


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="parquet file to write")
    args = parser.parse_args()
    t0 = time.perf_counter()
    frame = generate(args.rows, args.seed)
    took = time.perf_counter() - t0
    out = args.out or Path(f"dedupe_contacts_{args.rows}_seed{args.seed}.parquet")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), out)
    people = frame["entity_id"].nunique()
    print(f"{len(frame):,} records of {people:,} people in {took:.1f} s -> {out}")


if __name__ == "__main__":
    main()
