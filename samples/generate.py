#!/usr/bin/env python3
# ruff: noqa: E501 - long prose, README table rows and double-width CJK literals
"""Generate the crmmigrate sample migration data set (deterministic, idempotent).

Usage::

    python samples/generate.py           # (re)write every data file, expected.json, README.md
    python samples/generate.py --check   # only re-read the files and check them against expected.json

Only the standard library and openpyxl are needed. If ``phonenumbers`` happens to be importable,
the check also asserts libphonenumber validity of every background phone number.

Every planted problem is hand-written below (see the ``# --- planted`` blocks); the random
"clean background" rows are drawn from a fixed seed and guarded by a registry (unique names,
e-mails, phones, addresses, company names, UBNs) so they cannot create extra duplicates or
invalid values by accident. ``check()`` re-reads the written files with csv/openpyxl, recomputes
every count independently and compares it with ``expected.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import sys
import unicodedata
import zipfile
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
SEED = "crmmigrate-samples-v1"
XLSX_TIMESTAMP = dt.datetime(2026, 1, 5, 9, 0, 0)  # fixed docProps created/modified
ZIP_DATE_TIME = (2026, 1, 5, 9, 0, 0)  # fixed zip member timestamps

F_CONTACTS = "legacy_crm/contacts.csv"
F_ERP = "erp/accounts.csv"
F_MEMBERS = "shop/members.csv"
F_LEADS = "hubspot/leads.csv"
ORDER_MONTHS = list(range(1, 13))
ORDER_COUNTS = [31, 26, 38, 34, 36, 49, 37, 35, 30, 37, 42, 55]  # rows per monthly workbook


def f_orders(month: int) -> str:
    return f"shop/orders_2025-{month:02d}.xlsx"


CONTACT_HEADERS = [
    "Contact ID",
    "Salutation",
    "First Name",
    "Last Name",
    "E-mail",
    "Tel",
    "Mobile",
    "DOB",
    "Address",
    "City",
    "Country",
    "Company ID",
    "Created Date",
    "Owner",
]
ERP_HEADERS = [
    "客戶編號",
    "公司名稱",
    "統一編號",
    "電話",
    "傳真",
    "地址",
    "網站",
    "建立日期",
    "產業",
    "負責業務",
]
MEMBER_HEADERS = ["會員編號", "姓名", "手機", "Email", "生日", "地址", "性別", "加入日期"]
ORDER_HEADERS = [
    "訂單編號",
    "訂購日期",
    "會員編號",
    "收件人",
    "手機",
    "Email",
    "金額",
    "通路",
    "狀態",
]
LEAD_HEADERS = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Company Name",
    "Job Title",
    "Lifecycle Stage",
    "Lead Status",
    "Create Date",
    "Country/Region",
    "City",
]

AUTO: Any = object()  # "draw this value from the seeded RNG"

# ----------------------------------------------------------------------------------------------
# Small helpers shared by the generator and the checker
# ----------------------------------------------------------------------------------------------


def rng_for(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def to_fullwidth(s: str) -> str:
    out = []
    for c in s:
        if "!" <= c <= "~":
            out.append(chr(ord(c) + 0xFEE0))
        elif c == " ":
            out.append("\u3000")
        else:
            out.append(c)
    return "".join(out)


FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
TYPO_DOMAINS = ("gmial.com", "hotmial.com", "gmail.con", "yahooo.com")
HONORIFICS = ("先生", "小姐", "女士", "太太")


def email_key(e: str) -> str:
    return nfkc(e).strip().casefold()


def email_valid(e: str) -> bool:
    """Syntax check applied after NFKC + strip (full-width addresses are valid after that)."""
    return EMAIL_RE.fullmatch(nfkc(e).strip()) is not None


def latin_name_key(first: str, last: str) -> str:
    s = nfkc(f"{first} {last}").casefold().replace("'", "").replace("\u2019", "")
    return " ".join(sorted(t for t in re.split(r"[\s\-]+", s) if t))


def cjk_name_key(name: str) -> str:
    s = nfkc(name).strip()
    for h in HONORIFICS:
        s = s.replace(h, "")
    return s.replace(" ", "")


def levenshtein(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 1:
        return 2
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


CC = {"HK": "852", "TW": "886", "US": "1"}
EXT_RE = re.compile(r"\s*(?:#|分機|ext\.?)\s*\d+\s*$", re.I)


def phone_e164(raw: Any, region: str) -> str | None:
    """Stdlib normaliser: digits with country code, extension dropped. None for blank."""
    if raw is None:
        return None
    s = EXT_RE.sub("", nfkc(str(raw)).strip())
    digits = re.sub(r"\D", "", s)
    if not digits:
        return None
    if s.startswith("+"):
        return digits
    if region == "TW":
        if digits.startswith("886") and len(digits) >= 11:
            return digits
        return "886" + (digits[1:] if digits.startswith("0") else digits)
    if region == "HK":
        return digits if digits.startswith("852") and len(digits) == 11 else "852" + digits
    return digits if digits.startswith("1") and len(digits) == 11 else "1" + digits


def phone_plausible(e164: str) -> bool:
    """Length/prefix rules for the three regions used in the samples (stdlib stand-in)."""
    if e164.startswith("852"):
        n = e164[3:]
        return len(n) == 8 and n[0] in "235679"
    if e164.startswith("886"):
        n = e164[3:]
        if not n:
            return False
        if n[0] in "249":
            return len(n) == 9
        if n[0] in "367":
            return len(n) == 8
        return False
    if e164.startswith("1"):
        n = e164[1:]
        return len(n) == 10 and n[0] in "23456789" and n[3] in "23456789"
    return False


COUNTRY_REGION = {
    "Hong Kong": "HK",
    "HK": "HK",
    "Hong Kong SAR": "HK",
    "香港": "HK",
    "Taiwan": "TW",
    "TW": "TW",
    "台灣": "TW",
    "United States": "US",
    "USA": "US",
}
PREFIX_REGION = {"852": "HK", "886": "TW", "1": "US"}


def region_of(phone: str, country: str) -> str | None:
    s = nfkc(phone).strip()
    if s.startswith("+"):
        d = re.sub(r"\D", "", s)
        for cc, reg in PREFIX_REGION.items():
            if d.startswith(cc):
                return reg
    return COUNTRY_REGION.get(nfkc(country).strip())


def ubn_valid(ubn: str) -> bool:
    """Taiwan 統一編號 checksum (weights 1,2,1,2,1,2,4,1; 7th digit 7 may round either way)."""
    if not re.fullmatch(r"\d{8}", ubn):
        return False
    total = 0
    for d, w in zip(ubn, (1, 2, 1, 2, 1, 2, 4, 1), strict=True):
        p = int(d) * w
        total += p // 10 + p % 10
    return total % 5 == 0 or (ubn[6] == "7" and (total + 1) % 5 == 0)


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def parse_dob(s: str) -> tuple[str, dt.date | None]:
    """Parse the legacy DOB formats. Returns (status, date); status: ok/blank/impossible/ambiguous/bad."""
    s = nfkc(s).strip()
    if not s:
        return "blank", None
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
            return "ok", dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", s):
            d, mo = int(m[1]), int(m[2])
            if d <= 12 and mo <= 12 and d != mo:
                return "ambiguous", dt.date(int(m[3]), mo, d)
            return "ok", dt.date(int(m[3]), mo, d)
        if m := re.fullmatch(r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})", s):
            return "ok", dt.date(int(m[3]), MONTHS.index(m[2]) + 1, int(m[1]))
        if m := re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})", s):
            return "ok", dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s):
            return "ok", dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return "impossible", None
    return "bad", None


def parse_tw_date(s: str) -> dt.date | None:
    """ROC (民國) and AD forms used by the ERP, shop and orders files."""
    s = nfkc(s).strip()
    if m := re.fullmatch(r"民國(\d{2,3})年(\d{1,2})月(\d{1,2})日", s):
        return dt.date(int(m[1]) + 1911, int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{2,3})[/.](\d{1,2})[/.](\d{1,2})", s):
        return dt.date(int(m[1]) + 1911, int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{3})(\d{2})(\d{2})", s):
        return dt.date(int(m[1]) + 1911, int(m[2]), int(m[3]))
    return None


def parse_amount(v: Any) -> float | None:
    if isinstance(v, (int, float)):
        return float(v)
    s = nfkc(str(v)).replace("NT$", "").replace("元", "").replace(",", "").strip()
    return float(s) if re.fullmatch(r"\d+(?:\.\d+)?", s) else None


# ----------------------------------------------------------------------------------------------
# Vocabularies (all fictional; no real people)
# ----------------------------------------------------------------------------------------------

HK_SURNAMES = [
    "Chan",
    "Wong",
    "Lee",
    "Cheung",
    "Lau",
    "Ho",
    "Ng",
    "Leung",
    "Lam",
    "Tsang",
    "Yip",
    "Kwok",
    "Tang",
    "Mak",
    "Fung",
    "Chow",
    "Cheng",
    "Lai",
    "Siu",
    "Yeung",
    "Tse",
    "Choi",
    "Hui",
    "Ma",
    "Law",
    "Kwan",
    "Poon",
    "To",
    "Chu",
    "Lo",
    "Ip",
    "Yuen",
    "Mok",
    "Shum",
    "Tam",
    "Wan",
    "Au",
    "Chung",
    "Sze",
    "Pang",
]
HK_GIVEN = {
    "M": [
        "Tai Man",
        "Siu Ming",
        "Chi Keung",
        "Ka Lun",
        "Ka Ming",
        "Wai Man",
        "Chun Kit",
        "Ka Ho",
        "Man Kit",
        "Kwok Wai",
        "Chi Ho",
        "Ho Yin",
        "Wai Kit",
        "Kin Wah",
        "Tsz Hin",
        "Wing Hong",
        "Chun Yin",
        "Hon Ming",
        "Lok Hang",
        "Pak Hei",
        "Yiu Fai",
        "Shing Tak",
        "Ming Fai",
        "Kai Chung",
        "Tin Lok",
        "Sai Kit",
    ],
    "F": [
        "Ka Yan",
        "Wing Sze",
        "Mei Yee",
        "Siu Wah",
        "Hoi Yan",
        "Tsz Ching",
        "Wing Yan",
        "Pui Shan",
        "Yuk Lan",
        "Sze Wing",
        "Hiu Tung",
        "Lok Yi",
        "Suk Fan",
        "Mei Ki",
        "Yan Ting",
        "Man Yee",
        "Ching Man",
        "Wai Ling",
        "Hoi Ching",
        "Sau Ying",
        "Ka Wai",
        "Yee Man",
        "Pui Ki",
        "Nga Man",
        "Siu Fan",
        "Hiu Lam",
    ],
}
HK_ENGLISH = {
    "M": [
        "Peter",
        "David",
        "Kelvin",
        "Jason",
        "Eric",
        "Raymond",
        "Dennis",
        "Alan",
        "Tony",
        "Vincent",
        "Patrick",
        "Gary",
    ],
    "F": [
        "Karen",
        "Grace",
        "Winnie",
        "Cindy",
        "Fiona",
        "Joyce",
        "Irene",
        "Queenie",
        "Yvonne",
        "Carmen",
        "Mandy",
        "Heidi",
    ],
}
TW_SURNAMES = [
    "Lin",
    "Chen",
    "Huang",
    "Chang",
    "Li",
    "Wang",
    "Wu",
    "Liu",
    "Tsai",
    "Yang",
    "Hsu",
    "Cheng",
    "Hsieh",
    "Lai",
    "Kuo",
    "Hung",
    "Tseng",
    "Chiu",
    "Liao",
    "Chou",
    "Yeh",
    "Su",
    "Chuang",
    "Lu",
    "Chiang",
    "Kao",
    "Pan",
    "Chien",
]
TW_GIVEN = {
    "M": [
        "Chih-Hao",
        "Chun-Hung",
        "Po-Han",
        "Kuan-Yu",
        "Chien-Hung",
        "Ming-Hsun",
        "Chia-Wei",
        "Yu-Chen",
        "Cheng-Han",
        "Tsung-Han",
        "Wei-Lun",
        "Jui-Lin",
        "Yi-Hsiang",
        "Chih-Ming",
        "Tzu-Chiang",
        "Jen-Hao",
        "Sheng-Wen",
        "Kai-Wen",
        "Yu-Hsuan",
        "Ping-Chun",
    ],
    "F": [
        "Mei-Ling",
        "Ya-Ting",
        "Chia-Hui",
        "Hsin-Yi",
        "Shu-Fen",
        "Wei-Ting",
        "Yi-Chun",
        "Pei-Shan",
        "Tzu-Hsuan",
        "Hui-Ju",
        "Yen-Ting",
        "Szu-Yu",
        "Ya-Wen",
        "Li-Hua",
        "Shu-Hui",
        "Chia-Ling",
        "Yu-Ting",
        "Hsiao-Wen",
        "Pei-Ying",
        "Wan-Ting",
    ],
}
TW_ENGLISH = {
    "M": ["Kevin", "Daniel", "Jerry", "Allen", "Howard", "Steven"],
    "F": ["Vivian", "Jessica", "Amy", "Tina", "Sandy", "Phoebe"],
}
WEST_FIRST = {
    "M": [
        "John",
        "Peter",
        "David",
        "Michael",
        "James",
        "Daniel",
        "Thomas",
        "Andrew",
        "Kevin",
        "Brian",
        "Robert",
        "Mark",
        "Paul",
        "Steven",
        "Eric",
        "Matthew",
        "Nathan",
        "Ryan",
        "Jacob",
        "Samuel",
    ],
    "F": [
        "Mary",
        "Sarah",
        "Emily",
        "Laura",
        "Rachel",
        "Olivia",
        "Grace",
        "Jessica",
        "Megan",
        "Helen",
        "Susan",
        "Anna",
        "Karen",
        "Linda",
        "Hannah",
        "Claire",
        "Natalie",
        "Rebecca",
        "Victoria",
        "Amelia",
    ],
}
WEST_LAST = [
    "Smith",
    "Johnson",
    "Miller",
    "Davis",
    "Garcia",
    "Thompson",
    "Walker",
    "Harris",
    "Clarke",
    "Lewis",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Peterson",
    "O'Connor",
    "MacLeod",
    "de Vries",
    "Foster",
    "Bennett",
    "Hughes",
    "Ward",
    "Brooks",
    "Sanders",
    "Price",
    "Fisher",
    "Hayes",
    "Reed",
]

CJK_SURNAMES = list(
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴"
)
CJK_GIVEN = {
    "M": [
        "志豪",
        "俊傑",
        "建宏",
        "冠宇",
        "宗翰",
        "承恩",
        "柏翰",
        "家豪",
        "志明",
        "俊宏",
        "文彬",
        "彥廷",
        "宇軒",
        "冠廷",
        "哲瑋",
        "政宏",
        "明哲",
        "信宏",
        "子豪",
        "育誠",
        "偉倫",
        "書豪",
        "振宇",
        "承翰",
        "國峰",
        "世傑",
        "家銘",
        "耀文",
        "宏達",
        "志偉",
    ],
    "F": [
        "美玲",
        "雅婷",
        "家慧",
        "怡君",
        "淑芬",
        "佩珊",
        "欣怡",
        "詩涵",
        "婉婷",
        "思妤",
        "品妤",
        "雅雯",
        "淑惠",
        "美惠",
        "麗華",
        "嘉玲",
        "怡萱",
        "宜蓁",
        "郁婷",
        "佳穎",
        "筱涵",
        "靜宜",
        "雅琪",
        "心怡",
        "惠如",
        "佩君",
        "玉婷",
        "曉薇",
        "欣妤",
        "舒涵",
    ],
}

SURNAME_ROM = dict(
    zip(
        CJK_SURNAMES,
        [
            "chen",
            "lin",
            "huang",
            "chang",
            "li",
            "wang",
            "wu",
            "liu",
            "tsai",
            "yang",
            "hsu",
            "cheng",
            "hsieh",
            "kuo",
            "hung",
            "tseng",
            "chiu",
            "liao",
            "lai",
            "chou",
            "yeh",
            "su",
            "chuang",
            "lu",
            "chiang",
            "ho",
            "hsiao",
            "lo",
            "kao",
            "pan",
            "chien",
            "chu",
            "chung",
            "peng",
            "yu",
            "chan",
            "hu",
            "shih",
            "shen",
            "yu",
            "lu",
            "liang",
            "chao",
            "yen",
            "ko",
            "weng",
            "wei",
            "sun",
            "tai",
        ],
        strict=True,
    )
)
SURNAME_ROM.update({"歐陽": "ouyang", "上官": "shangkuan", "司徒": "szeto"})
GIVEN_ROM = dict(
    zip(
        CJK_GIVEN["M"] + CJK_GIVEN["F"],
        [
            "chihhao",
            "chunchieh",
            "chienhung",
            "kuanyu",
            "tsunghan",
            "chengen",
            "pohan",
            "chiahao",
            "chihming",
            "chunhung",
            "wenpin",
            "yenting",
            "yuhsuan",
            "kuanting",
            "chewei",
            "chenghung",
            "mingche",
            "hsinhung",
            "tzuhao",
            "yucheng",
            "weilun",
            "shuhao",
            "chenyu",
            "chenghan",
            "kuofeng",
            "shihchieh",
            "chiaming",
            "yaowen",
            "hungta",
            "chihwei",
            "meiling",
            "yating",
            "chiahui",
            "yichun",
            "shufen",
            "peishan",
            "hsinyi",
            "shihhan",
            "wanting",
            "ssuyu",
            "pinyu",
            "yawen",
            "shuhui",
            "meihui",
            "lihua",
            "chialing",
            "yihsuan",
            "yichen",
            "yuting",
            "chiaying",
            "hsiaohan",
            "chingyi",
            "yachi",
            "hsinyi",
            "huiju",
            "peichun",
            "yuting",
            "hsiaowei",
            "hsinyu",
            "shuhan",
        ],
        strict=True,
    )
)
GIVEN_ROM.update(
    {
        "小明": "hsiaoming",
        "美華": "meihua",
        "大文": "tawen",
        "靜雯": "chingwen",
        "文傑": "wenchieh",
        "嘉欣": "chiahsin",
    }
)


def cjk_rom(name: str) -> tuple[str, str]:
    """(given, surname) romanisation of a planted/background Chinese name."""
    name = cjk_name_key(name)
    sur = name[:2] if name[:2] in SURNAME_ROM else name[:1]
    return GIVEN_ROM.get(name[len(sur) :], ""), SURNAME_ROM[sur]


HK_BUILDINGS = [
    "Harbour View Mansion",
    "Golden Court",
    "Lucky Building",
    "Sun Wah House",
    "Kam Fung Court",
    "Bayview Tower",
    "Parkside Villa",
    "Jade Terrace",
    "Evergreen Mansion",
    "Prosperity Centre",
    "Silver Crest",
    "Fortune Garden",
    "Peony House",
    "Lotus Court",
    "Hillview Heights",
    "Oceanic Mansion",
]
HK_STREETS = [
    ("Nathan Road", "Tsim Sha Tsui"),
    ("Hennessy Road", "Wan Chai"),
    ("Lockhart Road", "Wan Chai"),
    ("Castle Peak Road", "Tsuen Wan"),
    ("Tai Po Road", "Sha Tin"),
    ("Kwun Tong Road", "Kwun Tong"),
    ("Shau Kei Wan Road", "Hong Kong"),
    ("Electric Road", "Hong Kong"),
    ("Waterloo Road", "Kowloon"),
    ("Argyle Street", "Kowloon"),
    ("Yee Wo Street", "Causeway Bay"),
    ("Sha Tin Wai Road", "Sha Tin"),
]
US_AREAS = {
    "415": "San Francisco",
    "212": "New York",
    "646": "New York",
    "206": "Seattle",
    "312": "Chicago",
    "617": "Boston",
    "213": "Los Angeles",
    "510": "Oakland",
}
US_STREETS = [
    "Market St",
    "Mission St",
    "Pine St",
    "Oak Ave",
    "Maple Ave",
    "Lake Shore Dr",
    "Broadway",
    "Elm St",
    "Cedar Ln",
    "Park Ave",
    "Washington St",
    "Harbor Blvd",
]
TW_PLACES = [  # (city with 臺 where applicable, English, district, postal, area code, roads)
    (
        "臺北市",
        "Taipei",
        "信義區",
        "110",
        "2",
        ["信義路五段", "松仁路", "基隆路一段", "忠孝東路五段"],
    ),
    (
        "臺北市",
        "Taipei",
        "大安區",
        "106",
        "2",
        ["復興南路一段", "敦化南路二段", "和平東路二段", "忠孝東路四段"],
    ),
    (
        "臺北市",
        "Taipei",
        "中山區",
        "104",
        "2",
        ["南京東路三段", "民生東路二段", "林森北路", "松江路"],
    ),
    ("臺北市", "Taipei", "內湖區", "114", "2", ["瑞光路", "內湖路一段", "成功路四段", "港墘路"]),
    ("新北市", "New Taipei", "板橋區", "220", "2", ["文化路一段", "縣民大道二段", "中山路一段"]),
    ("新北市", "New Taipei", "新莊區", "242", "2", ["中正路", "思源路", "幸福路"]),
    ("桃園市", "Taoyuan", "桃園區", "330", "3", ["中正路", "復興路", "經國路"]),
    ("桃園市", "Taoyuan", "中壢區", "320", "3", ["中華路二段", "環北路", "元化路"]),
    ("臺中市", "Taichung", "西屯區", "407", "4", ["市政路", "文心路三段", "西屯路二段"]),
    ("臺中市", "Taichung", "南屯區", "408", "4", ["公益路二段", "大墩路", "五權西路二段"]),
    ("臺南市", "Tainan", "東區", "701", "6", ["東門路二段", "林森路一段", "崇學路"]),
    ("高雄市", "Kaohsiung", "苓雅區", "802", "7", ["四維三路", "中正一路", "光華一路"]),
    ("高雄市", "Kaohsiung", "前鎮區", "806", "7", ["中山二路", "成功二路", "復興四路"]),
]

PERSONAL_DOMAINS = {
    "HK": ["gmail.com", "yahoo.com.hk", "hotmail.com", "netvigator.com", "outlook.com"],
    "TW": ["gmail.com", "yahoo.com.tw", "hotmail.com", "msa.hinet.net", "outlook.com"],
    "US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com"],
}

# Two-character company-name prefixes: fictional combinations with a romanisation for the domain.
PREFIX_CHARS = [
    ("宏", "hong"),
    ("瑞", "rui"),
    ("晉", "jin"),
    ("永", "yong"),
    ("鈺", "yu"),
    ("昱", "yu"),
    ("泓", "hong"),
    ("詠", "yong"),
    ("華", "hua"),
    ("聯", "lian"),
    ("富", "fu"),
    ("振", "zhen"),
    ("冠", "guan"),
    ("承", "cheng"),
    ("嘉", "jia"),
    ("鼎", "ding"),
    ("佳", "jia"),
    ("達", "da"),
    ("恆", "heng"),
    ("智", "zhi"),
    ("群", "qun"),
    ("立", "li"),
    ("信", "xin"),
    ("順", "shun"),
    ("益", "yi"),
    ("祥", "xiang"),
    ("泰", "tai"),
    ("安", "an"),
    ("昇", "sheng"),
    ("展", "zhan"),
    ("豐", "feng"),
    ("耀", "yao"),
    ("騰", "teng"),
    ("碩", "shuo"),
    ("晟", "sheng"),
    ("鑫", "xin"),
    ("鴻", "hong"),
    ("洋", "yang"),
    ("緯", "wei"),
    ("祐", "you"),
    ("毅", "yi"),
    ("凱", "kai"),
    ("捷", "jie"),
    ("倫", "lun"),
    ("采", "cai"),
]
# Well-known real company short names we must not produce by chance.
REAL_PREFIX_BLACKLIST = {
    "宏達",
    "華碩",
    "群光",
    "華新",
    "和碩",
    "聯華",
    "永豐",
    "鼎新",
    "信義",
    "安泰",
    "順益",
    "泰豐",
    "永昇",
    "凱達",
    "宏碩",
    "聯發",
    "華泰",
    "永信",
    "豐泰",
    "達豐",
    "智冠",
    "宏泰",
    "富鼎",
    "聯嘉",
    "華豐",
    "信昌",
    "佳世",
    "宏捷",
    "鴻海",
}
INDUSTRY_WORDS = [
    ("精密工業", "precision", "製造業"),
    ("電子", "elec", "製造業"),
    ("科技", "tech", "資訊服務"),
    ("貿易", "trading", "批發零售"),
    ("食品", "foods", "製造業"),
    ("實業", "ind", "批發零售"),
    ("資訊", "info", "資訊服務"),
    ("生技", "biotech", "製造業"),
    ("物流", "logistics", "批發零售"),
    ("紡織", "textile", "製造業"),
    ("化工", "chem", "製造業"),
    ("機械", "machinery", "製造業"),
    ("光電", "opto", "製造業"),
    ("投資", "invest", "金融"),
    ("創投", "ventures", "金融"),
    ("商行", "shop", "批發零售"),
]
COMPANY_SUFFIXES = ["股份有限公司", "股份有限公司", "有限公司", "有限公司", "(股)公司", "公司"]
SALES_REPS = ["陳雅琪", "林志偉", "張淑娟", "黃俊傑"]
OWNERS = ["Amy Lau", "Kevin Ho", "Grace Lin", "Daniel Chu", "Sophie Tang"]

LEAD_COMPANIES = [
    ("Northwind Logistics", "northwindlogistics.com"),
    ("Contoso Retail", "contosoretail.com"),
    ("Fabrikam Foods", "fabrikamfoods.com"),
    ("Tailspin Toys", "tailspintoys.com"),
    ("Wingtip Solutions", "wingtipsolutions.com"),
    ("Adventure Works Cycles", "adventureworkscycles.com"),
    ("Litware Systems", "litwaresystems.com"),
    ("Proseware", "proseware.com"),
    ("Woodgrove Advisory", "woodgroveadvisory.com"),
    ("Bluepeak Analytics", "bluepeakanalytics.com"),
    ("Formosa Cloudworks", "formosacloudworks.com"),
    ("Lumen Harbor Design", "lumenharbor.com"),
    ("Jadeport Consulting", "jadeportconsulting.com"),
    ("Kestrel Data Labs", "kestreldatalabs.com"),
    ("Orchid Bay Hotels", "orchidbayhotels.com"),
    ("Summit Ridge Software", "summitridgesoftware.com"),
    ("Harbourline Freight", "harbourlinefreight.com"),
    ("Pearl Delta Trading", "pearldeltatrading.com"),
    ("Maple Circuit Labs", "maplecircuitlabs.com"),
    ("Copperleaf Media", "copperleafmedia.com"),
    ("Silvergate Clinics", "silvergateclinics.com"),
    ("Tidewater Robotics", "tidewaterrobotics.com"),
]
JOB_TITLES = [
    "Purchasing Manager",
    "Operations Director",
    "Marketing Manager",
    "IT Manager",
    "CFO",
    "Office Manager",
    "Procurement Specialist",
    "Head of Sales",
    "Product Manager",
    "CEO",
    "Founder",
    "Business Analyst",
    "Logistics Coordinator",
    "HR Manager",
]

# ----------------------------------------------------------------------------------------------
# Data model
# ----------------------------------------------------------------------------------------------


@dataclass
class Phone:
    region: str
    kind: str  # fixed | mobile
    nat: str  # national significant number (no trunk 0, no country code)

    @property
    def e164(self) -> str:
        return CC[self.region] + self.nat


@dataclass
class Person:
    pid: str
    region: str
    gender: str
    first: str = ""
    last: str = ""
    cjk: str = ""
    email: str | None = None
    tel: Phone | None = None
    mobile: Phone | None = None
    dob: dt.date | None = None
    address: str = ""
    city: str = ""
    area: str | None = None  # TW landline area code matching the address


@dataclass
class Row:
    file: str
    cells: dict[str, Any]
    pid: str | None = None  # the real-world entity behind the row
    sheet: str | None = None
    row_no: int = 0

    def ref(self, key_col: str) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file}
        if self.sheet:
            d["sheet"] = self.sheet
        d["row"] = self.row_no
        d["key"] = "" if self.cells.get(key_col) is None else str(self.cells.get(key_col))
        return d


@dataclass
class Plant:
    category: str
    rows: list[Row]
    column: str
    problem: str
    expected: str
    capability: str
    value: str = ""


KEY_COL = {F_CONTACTS: "Contact ID", F_ERP: "客戶編號", F_MEMBERS: "會員編號", F_LEADS: "Record ID"}


def key_col_of(file: str) -> str:
    return KEY_COL.get(file, "訂單編號")


class Registry:
    """Everything claimed by an entity; a value may be shared only by rows of the same entity."""

    def __init__(self) -> None:
        self.emails: dict[str, str] = {}
        self.phones: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.by_last: dict[str, list[tuple[str, str]]] = {}
        self.by_first: dict[str, list[tuple[str, str]]] = {}
        self.cjk: dict[str, str] = {}
        self.addresses: dict[str, str] = {}
        self.misc: dict[str, str] = {}
        self._n = 0

    def new_pid(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n:04d}"

    def _claim(self, table: dict[str, str], key: str, pid: str, what: str) -> None:
        owner = table.get(key)
        if owner is not None and owner != pid:
            raise AssertionError(f"{what} {key!r} already used by {owner}, wanted by {pid}")
        table[key] = pid

    def email_free(self, e: str) -> bool:
        return email_key(e) not in self.emails

    def claim_email(self, e: str, pid: str) -> None:
        self._claim(self.emails, email_key(e), pid, "email")

    def phone_free(self, ph: Phone) -> bool:
        return ph.e164 not in self.phones

    def claim_phone(self, ph: Phone, pid: str) -> None:
        self._claim(self.phones, ph.e164, pid, "phone")

    @staticmethod
    def _parts(first: str, last: str) -> tuple[str, str]:
        def squash(s: str) -> str:
            return re.sub(r"[\s\-'\u2019]", "", nfkc(s).casefold())

        return squash(first), squash(last)

    def name_free(self, first: str, last: str, pid: str | None = None) -> bool:
        key = latin_name_key(first, last)
        if self.names.get(key, pid) != pid:
            return False
        f, la = self._parts(first, last)
        for other_f, other_pid in self.by_last.get(la, []):
            if other_pid != pid and levenshtein(f, other_f) <= 1:
                return False
        for other_l, other_pid in self.by_first.get(f, []):
            if other_pid != pid and levenshtein(la, other_l) <= 1:
                return False
        return True

    def claim_name(self, first: str, last: str, pid: str) -> None:
        if not self.name_free(first, last, pid):
            raise AssertionError(f"name {first} {last} collides with another entity")
        self.names[latin_name_key(first, last)] = pid
        f, la = self._parts(first, last)
        self.by_last.setdefault(la, []).append((f, pid))
        self.by_first.setdefault(f, []).append((la, pid))

    def claim_cjk(self, name: str, pid: str) -> None:
        self._claim(self.cjk, cjk_name_key(name), pid, "cjk name")

    def claim_address(self, addr: str, pid: str) -> None:
        key = re.sub(r"^\d{3}", "", nfkc(addr).replace("台", "臺")).casefold()
        key = re.sub(r"[\s,]+", " ", key).strip()
        self._claim(self.addresses, key, pid, "address")

    def address_free(self, addr: str) -> bool:
        key = re.sub(r"^\d{3}", "", nfkc(addr).replace("台", "臺")).casefold()
        return re.sub(r"[\s,]+", " ", key).strip() not in self.addresses

    def claim(self, kind: str, value: str, pid: str) -> None:
        self._claim(self.misc, f"{kind}:{value}", pid, kind)

    def free(self, kind: str, value: str) -> bool:
        return f"{kind}:{value}" not in self.misc


# ----------------------------------------------------------------------------------------------
# Random value factories (all registry-aware)
# ----------------------------------------------------------------------------------------------


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def phone_kind(region: str, nat: str) -> str:
    if region == "HK":
        return "fixed" if nat[0] in "23" else "mobile"
    if region == "TW":
        return "mobile" if nat[0] == "9" else "fixed"
    return "fixed"


def mk_phone(region: str, nat: str) -> Phone:
    return Phone(region, phone_kind(region, nat), nat)


def new_phone(
    rng: random.Random, reg: Registry, region: str, kind: str, pid: str, area: str | None = None
) -> Phone:
    for _ in range(1000):
        if region == "HK":
            nat = (
                "2" + rng.choice("345678") + digits(rng, 6)
                if kind == "fixed"
                else rng.choice(["61", "63", "64", "65", "69", "94", "96", "97"]) + digits(rng, 6)
            )
        elif region == "TW":
            if kind == "mobile":
                nat = "9" + rng.choice("12345678") + digits(rng, 7)
            else:
                a = area or rng.choice("2222473")
                nat = {
                    "2": "2" + rng.choice("2345678") + digits(rng, 7),
                    "4": "42" + digits(rng, 7),
                    "3": "3" + rng.choice("2345689") + digits(rng, 6),
                    "6": "6" + rng.choice("23567") + digits(rng, 6),
                    "7": "7" + rng.choice("2345678") + digits(rng, 6),
                }[a]
        else:
            nat = rng.choice(list(US_AREAS)) + "55501" + digits(rng, 2)
        ph = Phone(region, kind, nat)
        if reg.phone_free(ph):
            reg.claim_phone(ph, pid)
            return ph
    raise AssertionError("phone space exhausted")


def fmt_phone(ph: Phone, style: str) -> str:
    n = ph.nat
    if ph.region == "HK":
        return {
            "space": f"{n[:4]} {n[4:]}",
            "plain": n,
            "intl_dash": f"+852 {n[:4]}-{n[4:]}",
            "intl_space": f"+852 {n[:4]} {n[4:]}",
        }[style]
    if ph.region == "US":
        return {
            "paren": f"({n[:3]}) {n[3:6]}-{n[6:]}",
            "dash": f"{n[:3]}-{n[3:6]}-{n[6:]}",
            "intl": f"+1 {n[:3]} {n[3:6]} {n[6:]}",
            "intl_dash": f"+1 {n[:3]}-{n[3:6]}-{n[6:]}",
        }[style]
    if ph.kind == "mobile":
        return {
            "dash": f"0{n[:3]}-{n[3:6]}-{n[6:]}",
            "plain": f"0{n}",
            "cc_dash": f"886-{n[:3]}-{n[3:6]}-{n[6:]}",
            "intl": f"+886 {n[:3]} {n[3:6]} {n[6:]}",
            "cc_plain": f"886{n}",
            "fw": to_fullwidth(f"0{n}"),
        }[style]
    a, sub = n[0], n[1:]
    s1, s2 = (sub[:4], sub[4:]) if len(sub) == 8 else (sub[:3], sub[3:])
    return {
        "dash": f"0{a}-{s1}-{s2}",
        "paren": f"(0{a}){s1}-{s2}",
        "intl": f"+886 {a} {s1} {s2}",
        "space": f"0{a} {s1} {s2}",
        "cc_dash": f"886-{a}-{s1}-{s2}",
    }[style]


INTL_STYLES = {"HK": ["intl_dash", "intl_space"], "US": ["intl", "intl_dash"], "TW": ["intl"]}


def new_dob(rng: random.Random, lo: int = 1955, hi: int = 2003) -> dt.date:
    start = dt.date(lo, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(hi, 12, 31).toordinal()))


def rand_datetime(rng: random.Random, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    span = int((hi - lo).total_seconds())
    return lo + dt.timedelta(seconds=rng.randint(0, span))


def tw_address(
    rng: random.Random,
    reg: Registry,
    pid: str,
    *,
    tai: str | None = None,
    postal: bool | None = None,
    place: tuple | None = None,
    fullwidth: bool = False,
) -> tuple[str, tuple]:
    for _ in range(1000):
        pl = place or rng.choice(TW_PLACES)
        city = pl[0]
        if "臺" in city:
            city = city.replace("臺", tai or rng.choice("台臺"))
        road = rng.choice(pl[5])
        lane = f"{rng.randint(2, 250)}巷" if rng.random() < 0.25 else ""
        num = rng.randint(1, 399)
        no = f"{num}之{rng.randint(1, 5)}號" if rng.random() < 0.12 else f"{num}號"
        r = rng.random()
        fl = rng.randint(2, 15)
        floor = f"{fl}樓" if r < 0.6 else (f"{fl}樓之{rng.randint(1, 6)}" if r < 0.7 else "")
        tail = f"{lane}{no}{floor}"
        if fullwidth:
            tail = to_fullwidth(tail)
        pre = pl[3] if (postal if postal is not None else rng.random() < 0.35) else ""
        addr = f"{pre}{city}{pl[2]}{road}{tail}"
        if reg.address_free(addr):
            reg.claim_address(addr, pid)
            return addr, pl
    raise AssertionError("address space exhausted")


def hk_address(rng: random.Random, reg: Registry, pid: str) -> tuple[str, str]:
    for _ in range(1000):
        street, district = rng.choice(HK_STREETS)
        addr = (
            f"Flat {rng.randint(1, 32)}{rng.choice('ABCDEFGH')} {rng.choice(HK_BUILDINGS)} "
            f"{rng.randint(1, 480)} {street}"
        )
        if reg.address_free(addr):
            reg.claim_address(addr, pid)
            return addr, district
    raise AssertionError("address space exhausted")


def us_address(rng: random.Random, reg: Registry, pid: str) -> str:
    for _ in range(1000):
        addr = f"{rng.randint(10, 4999)} {rng.choice(US_STREETS)}"
        if rng.random() < 0.3:
            addr += f" Apt {rng.randint(1, 30)}{rng.choice('ABCD')}"
        if reg.address_free(addr):
            reg.claim_address(addr, pid)
            return addr
    raise AssertionError("address space exhausted")


def squash(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", nfkc(s).casefold())


def new_email(
    rng: random.Random,
    reg: Registry,
    pid: str,
    first: str,
    last: str,
    region: str,
    domain: str | None = None,
) -> str:
    g, s = squash(first), squash(last)
    initials = "".join(w[0] for w in re.split(r"[\s\-]+", nfkc(first).casefold()) if w)
    patterns = [f"{g}.{s}", f"{s}.{g}", f"{initials}{s}", f"{s}{initials}", f"{g}{s}", f"{s}_{g}"]
    dom = domain or rng.choice(PERSONAL_DOMAINS[region])
    rng.shuffle(patterns)
    for p in patterns + [f"{patterns[0]}{rng.randint(10, 99)}" for _ in range(30)]:
        e = f"{p}@{dom}"
        if reg.email_free(e):
            reg.claim_email(e, pid)
            return e
    raise AssertionError("email space exhausted")


def new_latin_name(
    rng: random.Random, reg: Registry, region: str, gender: str, pid: str, western: bool = False
) -> tuple[str, str]:
    for _ in range(5000):
        if region == "US" or western:
            first, last = rng.choice(WEST_FIRST[gender]), rng.choice(WEST_LAST)
        elif region == "HK":
            last = rng.choice(HK_SURNAMES)
            first = (
                rng.choice(HK_ENGLISH[gender])
                if rng.random() < 0.2
                else rng.choice(HK_GIVEN[gender])
            )
        else:
            last = rng.choice(TW_SURNAMES)
            first = (
                rng.choice(TW_ENGLISH[gender])
                if rng.random() < 0.15
                else rng.choice(TW_GIVEN[gender])
            )
        if reg.name_free(first, last):
            reg.claim_name(first, last, pid)
            return first, last
    raise AssertionError("name space exhausted")


def new_cjk_name(rng: random.Random, reg: Registry, gender: str, pid: str) -> tuple[str, str, str]:
    """A unique Chinese name whose romanisation is also unused (no 林雅婷 vs 'Ya-Ting Lin' look-alikes)."""
    for _ in range(5000):
        name = rng.choice(CJK_SURNAMES) + rng.choice(CJK_GIVEN[gender])
        given, sur = cjk_rom(name)
        if cjk_name_key(name) not in reg.cjk and reg.name_free(given, sur):
            reg.claim_cjk(name, pid)
            reg.claim_name(given, sur, pid)
            return name, given, sur
    raise AssertionError("cjk name space exhausted")


# ----------------------------------------------------------------------------------------------
# ERP accounts (Big5 / cp950)
# ----------------------------------------------------------------------------------------------


@dataclass
class Company:
    pid: str
    prefix: str
    slug: str
    name: str
    domain: str
    industry: str


def make_ubn(
    rng: random.Random, reg: Registry, pid: str, *, valid: bool = True, leading_zero: bool = False
) -> str:
    for _ in range(1000):
        body = ("0" if leading_zero else rng.choice("123456789")) + digits(rng, 6)
        cands = [body + str(d) for d in range(10)]
        good = [c for c in cands if ubn_valid(c) == valid]
        ubn = rng.choice(good)
        if reg.free("ubn", ubn):
            reg.claim("ubn", ubn, pid)
            return ubn
    raise AssertionError("ubn space exhausted")


def tw_fixed_formats(rng: random.Random, ph: Phone) -> str:
    return fmt_phone(ph, rng.choice(["dash", "dash", "paren", "space", "cc_dash"]))


def roc_date(d: dt.date, style: str) -> str:
    y = d.year - 1911
    return {
        "roc_full": f"民國{y}年{d.month}月{d.day}日",
        "roc_slash": f"{y}/{d.month:02d}/{d.day:02d}",
        "roc_compact": f"{y}{d.month:02d}{d.day:02d}",
        "roc_dot": f"{y}.{d.month}.{d.day}",
        "iso": d.isoformat(),
        "ymd_slash": f"{d.year}/{d.month}/{d.day}",
    }[style]


def build_erp(reg: Registry) -> tuple[list[Row], list[Plant], list[Company]]:
    rng = rng_for("erp")
    used_prefix: dict[str, str] = {}

    def company(
        prefix: str,
        slug: str,
        ind: tuple[str, str, str],
        suffix: str,
        pid: str | None = None,
        name: str | None = None,
    ) -> Company:
        pid = pid or reg.new_pid("E")
        if prefix in used_prefix and used_prefix[prefix] != pid:
            raise AssertionError(prefix)
        used_prefix[prefix] = pid
        nm = name or f"{prefix}{ind[0]}{suffix}"
        return Company(pid, prefix, slug, nm, f"{slug}{ind[1]}.com.tw", ind[2])

    def pick_company() -> Company:
        for _ in range(5000):
            (c1, s1), (c2, s2) = rng.sample(PREFIX_CHARS, 2)
            prefix = c1 + c2
            if prefix in REAL_PREFIX_BLACKLIST or prefix in used_prefix or c2 + c1 in used_prefix:
                continue
            return company(
                prefix, s1 + s2, rng.choice(INDUSTRY_WORDS), rng.choice(COMPANY_SUFFIXES)
            )
        raise AssertionError("company names exhausted")

    def render(
        c: Company,
        *,
        ubn: Any = AUTO,
        phone: Any = AUTO,
        fax: Any = AUTO,
        address: Any = AUTO,
        place: tuple | None = None,
        website: Any = AUTO,
        created: Any = AUTO,
        industry: Any = AUTO,
        name: Any = AUTO,
    ) -> Row:
        if address is AUTO:
            address, place = tw_address(rng, reg, c.pid)
        assert place is not None
        area = place[4]
        if phone is AUTO:
            phone = tw_fixed_formats(rng, new_phone(rng, reg, "TW", "fixed", c.pid, area=area))
        if fax is AUTO:
            fax = (
                fmt_phone(
                    new_phone(rng, reg, "TW", "fixed", c.pid, area=area),
                    rng.choice(["dash", "paren", "space"]),
                )
                if rng.random() < 0.55
                else ""
            )
        if ubn is AUTO:
            ubn = make_ubn(rng, reg, c.pid, leading_zero=rng.random() < 0.15)
        if website is AUTO:
            r = rng.random()
            host = c.domain
            website = (
                ""
                if r < 0.2
                else f"www.{host}"
                if r < 0.5
                else f"https://www.{host}"
                if r < 0.8
                else f"http://{host}"
            )
        if created is AUTO:
            d = dt.date.fromordinal(
                rng.randint(dt.date(2005, 1, 1).toordinal(), dt.date(2024, 12, 31).toordinal())
            )
            styles = ["roc_full", "roc_slash", "roc_dot", "iso"] + (
                ["roc_compact"] if d.year >= 2011 else []
            )
            created = roc_date(d, rng.choice(styles))
        if industry is AUTO:
            industry = "" if rng.random() < 0.12 else c.industry
        return Row(
            F_ERP,
            {
                "公司名稱": c.name if name is AUTO else name,
                "統一編號": ubn,
                "電話": phone,
                "傳真": fax,
                "地址": address,
                "網站": website,
                "建立日期": created,
                "產業": industry,
                "負責業務": rng.choice(SALES_REPS),
            },
            pid=c.pid,
        )

    plants: list[Plant] = []
    taipei_neihu, taipei_xinyi = TW_PLACES[3], TW_PLACES[0]
    rows_first: list[Row] = []  # planted "first" rows and singles, shuffled with the background
    rows_second: list[tuple[Row, Row]] = []  # (first, second) duplicate copies placed later
    companies: list[Company] = []

    # --- planted: duplicate pair D1 (台 / 臺 variant, second copy without 統一編號)
    c = company(
        "宏昇",
        "hongsheng",
        ("精密工業", "precision", "製造業"),
        "股份有限公司",
        name="台灣宏昇精密工業股份有限公司",
    )
    ph = new_phone(rng, reg, "TW", "fixed", c.pid, area="2")
    reg.claim_address("台北市內湖區瑞光路188號5樓", c.pid)
    a = render(
        c, phone=fmt_phone(ph, "dash"), address="台北市內湖區瑞光路188號5樓", place=taipei_neihu
    )
    b = render(
        c,
        ubn="",
        phone=fmt_phone(ph, "paren"),
        fax="",
        address="臺北市內湖區瑞光路188號5樓",
        place=taipei_neihu,
        name="臺灣宏昇精密工業股份有限公司",
    )
    companies.append(c)
    rows_first.append(a)
    rows_second.append((a, b))
    plants.append(
        Plant(
            "duplicate_pair",
            [a, b],
            "公司名稱",
            "same company entered twice: 台灣/臺灣 and 台北市/臺北市 "
            "variants, phone in another format, second copy has no 統一編號",
            "merged into one account (match on normalised name + phone/address)",
            "dedupe",
        )
    )
    plants.append(
        Plant(
            "blank_ubn",
            [b],
            "統一編號",
            "統一編號 blank (second copy of the 臺灣宏昇 duplicate pair)",
            "allowed blank; the merge keeps the first copy's UBN",
            "validate",
        )
    )
    # --- planted: duplicate pair D2 ((股)公司 vs 股份有限公司, postal prefix vs none)
    c = company("瑞展", "ruizhan", ("科技", "tech", "資訊服務"), "(股)公司")
    ph = new_phone(rng, reg, "TW", "fixed", c.pid, area="2")
    reg.claim_address("110臺北市信義區松仁路97號12樓", c.pid)
    a = render(
        c, phone=fmt_phone(ph, "dash"), address="110臺北市信義區松仁路97號12樓", place=taipei_xinyi
    )
    b = render(
        c,
        ubn="",
        phone=fmt_phone(ph, "cc_dash"),
        fax="",
        address="臺北市信義區松仁路97號12樓",
        place=taipei_xinyi,
        name="瑞展科技股份有限公司",
    )
    companies.append(c)
    rows_first.append(a)
    rows_second.append((a, b))
    plants.append(
        Plant(
            "duplicate_pair",
            [a, b],
            "公司名稱",
            "same company as 瑞展科技(股)公司 vs 瑞展科技股份有限公司; "
            "address with and without postal code, phone in another format, no 統一編號",
            "merged into one account (suffix normalisation (股)公司 = 股份有限公司)",
            "dedupe",
        )
    )
    plants.append(
        Plant(
            "blank_ubn",
            [b],
            "統一編號",
            "統一編號 blank (second copy of the 瑞展科技 duplicate pair)",
            "allowed blank; the merge keeps the first copy's UBN",
            "validate",
        )
    )
    # --- planted: duplicate pair D3 (same 統一編號 under two names)
    c = company(
        "晉豐", "jinfeng", ("貿易", "trading", "批發零售"), "有限公司", name="晉豐國際貿易有限公司"
    )
    addr, pl = tw_address(rng, reg, c.pid, place=TW_PLACES[8], tai="臺", postal=True)
    ubn = make_ubn(rng, reg, c.pid)
    a = render(c, ubn=ubn, address=addr, place=pl)
    b = render(c, ubn=ubn, address=re.sub(r"^\d{3}", "", addr), place=pl, name="晉豐貿易有限公司")
    companies.append(c)
    rows_first.append(a)
    rows_second.append((a, b))
    plants.append(
        Plant(
            "duplicate_pair",
            [a, b],
            "統一編號",
            "same 統一編號 on two accounts (晉豐國際貿易有限公司 / "
            "晉豐貿易有限公司), different phone numbers",
            "merged into one account (UBN is a unique business identifier)",
            "dedupe",
            ubn,
        )
    )
    # --- planted: blank 公司名稱
    c = pick_company()
    r = render(c, name="")
    companies.append(c)
    rows_first.append(r)
    plants.append(
        Plant(
            "blank_required",
            [r],
            "公司名稱",
            "公司名稱 blank (required field missing)",
            "row rejected by validate (required), reported, not loaded",
            "validate",
        )
    )
    # --- planted: 3 invalid UBN check digits
    for _ in range(3):
        c = pick_company()
        bad = make_ubn(rng, reg, c.pid, valid=False)
        r = render(c, ubn=bad)
        companies.append(c)
        rows_first.append(r)
        plants.append(
            Plant(
                "invalid_ubn",
                [r],
                "統一編號",
                "統一編號 fails the check-digit rule",
                "flagged invalid by validate (finding), value kept",
                "validate",
                bad,
            )
        )
    # --- planted: English company names (one with a comma -> quoted field)
    for nm, slug in (
        ("Acme Trading Co., Ltd.", "acmetrading"),
        ("Golden Harbor Logistics Ltd.", "goldenharbor"),
    ):
        c = Company(reg.new_pid("E"), nm, slug, nm, f"{slug}.com.tw", "批發零售")
        r = render(c)
        companies.append(c)
        rows_first.append(r)
        plants.append(
            Plant(
                "english_name",
                [r],
                "公司名稱",
                "English company name in a Chinese master"
                + (" (contains a comma, quoted)" if "," in nm else ""),
                "kept as-is; suffix 'Co., Ltd.'/'Ltd.' recognised by name normalisation",
                "standardise",
                nm,
            )
        )
    # --- planted: full-width digits in the address
    for tai in ("臺", "台", "臺"):
        c = pick_company()
        addr, pl = tw_address(
            rng, reg, c.pid, tai=tai, fullwidth=True, place=rng.choice(TW_PLACES[:4])
        )
        r = render(c, address=addr, place=pl)
        companies.append(c)
        rows_first.append(r)
        plants.append(
            Plant(
                "fullwidth",
                [r],
                "地址",
                "full-width digits in the address",
                "NFKC-normalised to ASCII digits",
                "standardise",
                addr,
            )
        )
    # --- planted: phone extensions
    for style in ("hash", "hash", "fenji", "fenji"):
        c = pick_company()
        addr, pl = tw_address(
            rng,
            reg,
            c.pid,
            place=rng.choice(TW_PLACES[8:10] if style == "fenji" else TW_PLACES[:4]),
        )
        ph = new_phone(rng, reg, "TW", "fixed", c.pid, area=pl[4])
        ext = str(rng.randint(10, 399))
        val = (
            f"{fmt_phone(ph, 'space')} #{ext}"
            if style == "hash"
            else f"{fmt_phone(ph, 'dash')} 分機 {ext}"
        )
        r = render(c, phone=val, address=addr, place=pl)
        companies.append(c)
        rows_first.append(r)
        plants.append(
            Plant(
                "phone_extension",
                [r],
                "電話",
                "phone number with an extension",
                "number standardised to E.164, extension split off and kept",
                "standardise",
                val,
            )
        )
    # --- planted: unknown industry value
    c = pick_company()
    r = render(c, industry="其他?")
    companies.append(c)
    rows_first.append(r)
    plants.append(
        Plant(
            "unknown_value",
            [r],
            "產業",
            "產業 value `其他?` is not in the picklist",
            "mapped to the fallback/unknown industry and reported",
            "standardise",
            "其他?",
        )
    )

    n_background = 80 - len(rows_first) - len(rows_second)
    for _ in range(n_background):
        c = pick_company()
        companies.append(c)
        rows_first.append(render(c))

    rng.shuffle(rows_first)
    rows = list(rows_first)
    for first, second in rows_second:
        pos = rows.index(first) + rng.randint(8, 30)
        rows.insert(min(pos, len(rows)), second)
    for i, r in enumerate(rows, 1):
        r.cells = {"客戶編號": f"A{i:04d}", **r.cells}
        r.row_no = i + 1
    for r in rows:  # everything must be encodable in Big5/cp950
        for v in r.cells.values():
            str(v).encode("cp950")
    return rows, plants, companies


# ----------------------------------------------------------------------------------------------
# Legacy CRM contacts (UTF-8 with BOM, CRLF)
# ----------------------------------------------------------------------------------------------

CONTACT_COUNTRY = {
    "HK": ["Hong Kong", "Hong Kong", "HK"],
    "TW": ["Taiwan", "Taiwan", "台灣"],
    "US": ["United States", "USA"],
}
CONTACT_TEL_STYLES = {
    "HK": ["space", "space", "intl_dash", "plain"],
    "TW": ["dash", "dash", "paren", "intl"],
    "US": ["paren", "paren", "dash", "intl"],
}
CONTACT_MOB_STYLES = {
    "HK": ["space", "intl_space", "plain"],
    "TW": ["dash", "dash", "cc_dash", "intl"],
    "US": ["paren", "dash"],
}


def build_contacts(
    reg: Registry, erp_rows: list[Row], companies: list[Company], cross: dict[str, Any]
) -> Generator[None, None, Any]:
    """Generator: planted rows, ``yield``, background rows; returns (rows, plants)."""
    rng = rng_for("contacts")
    erp_ids = [r.cells["客戶編號"] for r in erp_rows if r.cells["公司名稱"]]
    domain_of = {
        r.cells["客戶編號"]: next(c.domain for c in companies if c.pid == r.pid) for r in erp_rows
    }
    people: dict[str, Person] = {}
    dob_rng = rng_for("contacts-dob")

    def person(
        region: str,
        gender: str,
        first: Any = AUTO,
        last: Any = AUTO,
        *,
        email: Any = AUTO,
        tel: Any = AUTO,
        mobile: Any = AUTO,
        dob: Any = AUTO,
        address: Any = AUTO,
        company: Any = AUTO,
        cjk: str = "",
        western: bool = False,
    ) -> tuple[Person, str]:
        pid = reg.new_pid("P")
        if first is AUTO:
            first, last = new_latin_name(rng, reg, region, gender, pid, western=western)
        else:
            reg.claim_name(first, last, pid)
        if cjk:
            reg.claim_cjk(cjk, pid)
        p = Person(pid, region, gender, first, last, cjk)
        if company is AUTO:
            company = rng.choice(erp_ids) if rng.random() < 0.62 else ""
        if email is AUTO:
            if rng.random() < 0.09:
                email = None
            else:
                dom = domain_of.get(company) if company and rng.random() < 0.25 else None
                email = new_email(rng, reg, pid, first, last, region, dom)
        elif email:
            reg.claim_email(email, pid)
        p.email = email
        area = None
        if address is AUTO:
            if region == "HK":
                p.address, p.city = hk_address(rng, reg, pid)
            elif region == "TW":
                addr, pl = tw_address(rng, reg, pid)
                area = pl[4]
                p.address = addr
                city_cjk = re.search(r"[台臺新桃高]\w市", addr)
                p.city = pl[1] if rng.random() < 0.6 else (city_cjk[0] if city_cjk else pl[1])
            else:
                p.address = us_address(rng, reg, pid)
        else:
            p.address, p.city = address
            reg.claim_address(p.address, pid)
            if region == "TW":
                area = next((pl[4] for pl in TW_PLACES if pl[0][1:] in nfkc(p.address)), None)
        p.area = area
        r = rng.random()
        want_tel, want_mob = (
            (True, True) if r < 0.5 else (True, False) if r < 0.75 else (False, True)
        )
        for attr, val, kind, want in (
            ("tel", tel, "fixed", want_tel),
            ("mobile", mobile, "mobile", want_mob),
        ):
            if val is AUTO:
                ph = (
                    new_phone(rng, reg, region, kind if region != "US" else "fixed", pid, area=area)
                    if want
                    else None
                )
            elif val:
                ph = mk_phone(region, val)
                reg.claim_phone(ph, pid)
            else:
                ph = None
            setattr(p, attr, ph)
        p.dob = (new_dob(dob_rng) if dob_rng.random() > 0.12 else None) if dob is AUTO else dob
        if region == "US" and not p.city:
            ph = p.tel or p.mobile
            p.city = US_AREAS[ph.nat[:3]] if ph else rng.choice(list(US_AREAS.values()))
        people[pid] = p
        return p, company

    created_lo, created_hi = dt.datetime(2015, 1, 5, 8), dt.datetime(2024, 12, 20, 19)

    def row(p: Person, company: str, **ov: Any) -> Row:
        country = ov.pop("Country", AUTO)
        if country is AUTO:
            country = "" if rng.random() < 0.1 else rng.choice(CONTACT_COUNTRY[p.region])
        intl = country == ""
        tel = (
            fmt_phone(
                p.tel, rng.choice(INTL_STYLES[p.region] if intl else CONTACT_TEL_STYLES[p.region])
            )
            if p.tel
            else ""
        )
        mob = (
            fmt_phone(
                p.mobile,
                rng.choice(INTL_STYLES[p.region] if intl else CONTACT_MOB_STYLES[p.region]),
            )
            if p.mobile
            else ""
        )
        dob = ""
        if p.dob:
            d = p.dob
            style = rng.choice(["iso", "iso", "dmy", "dmony", "ymd", "compact"])
            if style == "dmy" and d.day <= 12:
                style = "iso"
            dob = {
                "iso": d.isoformat(),
                "dmy": f"{d.day:02d}/{d.month:02d}/{d.year}",
                "dmony": f"{d.day} {MONTHS[d.month - 1]} {d.year}",
                "ymd": f"{d.year}/{d.month}/{d.day}",
                "compact": d.strftime("%Y%m%d"),
            }[style]
        sal = (
            ""
            if rng.random() < 0.25
            else rng.choice(["Mr", "Mr."] if p.gender == "M" else ["Ms", "Mrs", "Miss", "Ms."])
        )
        if rng.random() < 0.03:
            sal = "Dr"
        cells = {
            "Contact ID": None,
            "Salutation": sal,
            "First Name": p.first,
            "Last Name": p.last,
            "E-mail": p.email or "",
            "Tel": tel,
            "Mobile": mob,
            "DOB": dob,
            "Address": p.address,
            "City": p.city,
            "Country": country,
            "Company ID": company,
            "Created Date": rand_datetime(rng, created_lo, created_hi).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            "Owner": rng.choice(OWNERS),
        }
        cells.update(ov)
        # a phone without an international prefix always has a Country to resolve its region
        if not cells["Country"] and any(
            cells[c] and not nfkc(cells[c]).strip().startswith("+") for c in ("Tel", "Mobile")
        ):
            cells["Country"] = CONTACT_COUNTRY[p.region][0]
        return Row(F_CONTACTS, cells, pid=p.pid)

    plants: list[Plant] = []
    main: list[Row] = []
    order_pairs: list[tuple[Row, Row]] = []

    def pair(
        a: Row, b: Row, column: str, problem: str, expected: str = "merged into one contact"
    ) -> None:
        main.extend([a, b])
        order_pairs.append((a, b))
        plants.append(Plant("duplicate_pair", [a, b], column, problem, expected, "dedupe"))

    # --- planted: 8 person duplicates with different Contact IDs
    p, co = person(
        "HK", "M", "Tai Man", "Chan", email="chan.taiman@gmail.com", mobile="94128376", tel=None
    )
    reg.claim_name("Tai Mun", "Chan", p.pid)
    pair(
        row(p, co, Mobile="+852 9412 8376"),
        row(p, co, **{"First Name": "Tai Mun", "Mobile": "9412 8376", "Country": "Hong Kong"}),
        "First Name",
        "typo in first name (Tai Man / Tai Mun); same e-mail and mobile in two formats",
    )
    p, co = person(
        "HK",
        "M",
        "Siu Ming",
        "Wong",
        email="wong.siuming@yahoo.com.hk",
        tel="27613482",
        mobile=None,
    )
    pair(
        row(p, co, Tel="2761 3482", Country="HK"),
        row(
            p,
            co,
            **{
                "First Name": "Wong",
                "Last Name": "Siu Ming",
                "E-mail": "",
                "Tel": "+852 2761-3482",
            },
        ),
        "First Name/Last Name",
        "first and last name swapped; same tel in two formats, e-mail missing on one",
    )
    p, co = person(
        "US", "M", "Peter", "O'Brien", email="peter.obrien@gmail.com", tel="6175550148", mobile=None
    )
    pair(
        row(
            p, co, **{"E-mail": "Peter.OBrien@Gmail.com", "Tel": "(617) 555-0148", "Country": "USA"}
        ),
        row(p, co, **{"Tel": "+1 617 555 0148"}),
        "E-mail",
        "same person; e-mail mixed case vs lower case, tel in two formats",
    )
    p, co = person(
        "HK",
        "F",
        "Ka Yan",
        "Cheung",
        email="kayan.cheung@hotmail.com",
        mobile="63982214",
        tel=None,
        dob=dt.date(1990, 7, 21),
    )
    pair(
        row(p, co, Mobile="+852 6398 2214", DOB="1990-07-21"),
        row(
            p,
            co,
            **{"Mobile": "63982214", "E-mail": "", "DOB": "21/07/1990", "Country": "Hong Kong"},
        ),
        "Mobile",
        "phone format differences (+852 6398 2214 / 63982214), DOB in two formats, e-mail on one only",
    )
    p, co = person(
        "US",
        "M",
        "John",
        "McDonald",
        email="john.mcdonald@gmail.com",
        tel="4155550132",
        mobile=None,
    )
    a5 = row(p, co, Tel="(415) 555-0132", Country="United States")
    b5 = row(
        p,
        co,
        **{
            "Last Name": "Mcdonald",
            "E-mail": to_fullwidth("john.mcdonald@gmail.com"),
            "Tel": "+1 415 555 0132",
        },
    )
    pair(
        a5,
        b5,
        "E-mail",
        "full-width e-mail ｊｏｈｎ．ｍｃｄｏｎａｌｄ＠ｇｍａｉｌ．ｃｏｍ equals john.mcdonald@gmail.com "
        "after NFKC; McDonald / Mcdonald",
    )
    plants.append(
        Plant(
            "fullwidth",
            [b5],
            "E-mail",
            "full-width e-mail address (copy of duplicate pair John McDonald)",
            "NFKC-normalised to john.mcdonald@gmail.com; valid, not counted invalid",
            "standardise",
            b5.cells["E-mail"],
        )
    )
    p, co = person(
        "TW",
        "F",
        "Hsin-Yi",
        "Chou",
        email="hsinyi.chou@msa.hinet.net",
        tel="227183364",
        mobile=None,
    )
    pair(
        row(p, co, Tel="02-2718-3364", Country="Taiwan"),
        row(
            p,
            co,
            **{"First Name": "Hsin Yi", "Tel": "(02)2718-3364", "E-mail": "", "Country": "Taiwan"},
        ),
        "Tel",
        "TW tel 02-2718-3364 vs (02)2718-3364, first name Hsin-Yi vs Hsin Yi",
    )
    p, co = person(
        "HK",
        "M",
        "Pieter",
        "van der Berg",
        email="pieter.vdberg@outlook.com",
        tel="28174455",
        mobile=None,
    )
    pair(
        row(p, co, Tel="2817 4455", Country="Hong Kong"),
        row(p, co, **{"Last Name": "Van Der Berg", "Tel": "+852 2817-4455"}),
        "Last Name",
        "van der Berg / Van Der Berg, same e-mail, tel in two formats",
    )
    p, co = person(
        "TW", "F", "Ya-Ting", "Huang", email="yating.huang@gmail.com", mobile="933812475", tel=None
    )
    a8 = row(p, co, Mobile="0933-812-475", Country="Taiwan")
    b8 = row(
        p,
        co,
        **{
            "First Name": "YA-TING",
            "Last Name": "HUANG",
            "Mobile": "886-933-812-475",
            "E-mail": "",
            "Country": "Taiwan",
        },
    )
    pair(
        a8, b8, "Mobile", "ALL-CAPS copy of the same person, mobile 0933-812-475 vs 886-933-812-475"
    )

    # --- planted: 2 repeated Contact IDs (export glitch; second copy has an extra mobile)
    repeated: list[tuple[Row, Row]] = []
    for region, gender in (("HK", "M"), ("TW", "M")):
        p, co = person(region, gender)
        if p.tel is None:
            p.tel = new_phone(rng, reg, region, "fixed", p.pid, area=p.area)
        if p.mobile is None:
            p.mobile = new_phone(rng, reg, region, "mobile", p.pid)
        full = row(p, co, Country=CONTACT_COUNTRY[region][0])
        first = Row(F_CONTACTS, {**full.cells, "Mobile": ""}, pid=p.pid)
        main.append(first)
        repeated.append((first, full))

    # --- planted: 2 rows with a blank Contact ID
    blank_id_rows = []
    for region, gender in (("HK", "F"), ("US", "M")):
        p, co = person(region, gender)
        r = row(p, co)
        main.append(r)
        blank_id_rows.append(r)
        plants.append(
            Plant(
                "blank_key",
                [r],
                "Contact ID",
                "Contact ID blank",
                "row rejected (no key) and reported; nothing silently dropped",
                "validate",
            )
        )

    def single(
        category: str,
        column: str,
        problem: str,
        expected: str,
        capability: str,
        region: str,
        gender: str,
        first: Any = AUTO,
        last: Any = AUTO,
        value: str = "",
        ov: dict | None = None,
        **kw: Any,
    ) -> Row:
        p, co = person(region, gender, first, last, **kw)
        r = row(p, co, **(ov or {}))
        main.append(r)
        plants.append(
            Plant(
                category,
                [r],
                column,
                problem,
                expected,
                capability,
                value or str(r.cells.get(column, "")),
            )
        )
        return r

    # --- planted: 6 invalid e-mails, 2 typo domains
    for region, g, fn, ln, bad, why in (
        ("HK", "F", "Wing Sze", "Kwok", "kwok.wingsze.gmail.com", "missing @"),
        ("HK", "M", "Ka Lun", "Ho", "ho.kalun@@yahoo.com.hk", "double @@"),
        ("HK", "F", "Mei Yee", "Tsang", "tsang.meiyee@hotmail.com.", "trailing dot"),
        ("HK", "M", "Chi Keung", "Lee", "lee chi keung@gmail.com", "spaces inside"),
        ("TW", "M", "Chun-Hung", "Yang", "yang.chunhung@gmail", "no top-level domain (name@gmail)"),
        ("US", "F", "Laura", "Mitchell", "laura.mitchell@@example.com", "double @@ (name@@x.com)"),
    ):
        single(
            "invalid_email",
            "E-mail",
            f"invalid e-mail: {why}",
            "flagged invalid by validate; e-mail "
            "not loaded (blanked) or row sent to review per config",
            "validate",
            region,
            g,
            fn,
            ln,
            email=None,
            ov={"E-mail": bad},
            value=bad,
        )
        reg.claim_email(bad, main[-1].pid or "")
    for region, g, fn, ln, em in (
        ("US", "F", "Rachel", "Evans", "rachel.evans@gmial.com"),
        ("HK", "F", "Hoi Yan", "Lam", "lam.hoiyan@hotmial.com"),
    ):
        single(
            "typo_domain",
            "E-mail",
            "e-mail domain looks like a typo (valid syntax)",
            "valid syntax, so NOT counted invalid; warned as a suspicious domain",
            "validate",
            region,
            g,
            fn,
            ln,
            email=em,
        )
    # --- planted: 4 impossible phone numbers
    for region, g, fn, ln, col, bad, country, why in (
        (
            "HK",
            "M",
            "Kin Wah",
            "Yip",
            "Tel",
            "2356 781",
            "Hong Kong",
            "HK number with 7 digits (too few)",
        ),
        ("HK", "F", "Suk Fan", "Chow", "Tel", "0000000", "HK", "all zeros"),
        ("TW", "F", "Shu-Hui", "Kuo", "Mobile", "123", "Taiwan", "3 digits"),
        (
            "TW",
            "M",
            "Wei-Lun",
            "Hsieh",
            "Tel",
            "02-2735-81246",
            "台灣",
            "TW Taipei number with an extra digit",
        ),
    ):
        phone_kw = {"tel": None, "mobile": AUTO} if col == "Tel" else {"tel": AUTO, "mobile": None}
        p, co = person(region, g, fn, ln, **phone_kw)
        if col == "Tel" and p.mobile is None:
            p.mobile = new_phone(rng, reg, region, "mobile", p.pid)
        if col == "Mobile" and p.tel is None:
            p.tel = new_phone(rng, reg, region, "fixed", p.pid, area=p.area)
        r = row(p, co, **{col: bad, "Country": country})
        main.append(r)
        plants.append(
            Plant(
                "impossible_phone",
                [r],
                col,
                f"impossible phone number: {why}",
                "flagged invalid by validate; number not loaded",
                "validate",
                bad,
            )
        )
    # --- planted: full-width characters (names, addresses, mobiles)
    r = single(
        "fullwidth",
        "First Name/Last Name",
        "full-width letters in both name fields (ideographic space)",
        "NFKC-normalised to 'Siu Fan' / 'Leung'",
        "standardise",
        "HK",
        "F",
        "Siu Fan",
        "Leung",
        ov={"First Name": to_fullwidth("Siu Fan"), "Last Name": to_fullwidth("Leung")},
        value=f"{to_fullwidth('Siu Fan')} / {to_fullwidth('Leung')}",
    )
    single(
        "fullwidth",
        "Last Name",
        "full-width letters in Last Name",
        "NFKC-normalised to 'Huang'",
        "standardise",
        "TW",
        "M",
        "Cheng-Han",
        "Huang",
        ov={"Last Name": to_fullwidth("Huang")},
    )
    addr_fw_tw = "台北市大安區復興南路一段" + to_fullwidth("123號4樓")
    single(
        "fullwidth",
        "Address",
        "full-width digits in the address",
        "NFKC-normalised digits",
        "standardise",
        "TW",
        "F",
        "Pei-Shan",
        "Su",
        address=(addr_fw_tw, "Taipei"),
        value=addr_fw_tw,
    )
    addr_fw_hk = (
        "Flat " + to_fullwidth("12B") + " Jade Terrace " + to_fullwidth("88") + " Nathan Road"
    )
    single(
        "fullwidth",
        "Address",
        "full-width letters/digits in the address",
        "NFKC-normalised",
        "standardise",
        "HK",
        "M",
        "Ho Yin",
        "Tam",
        address=(addr_fw_hk, "Tsim Sha Tsui"),
        value=addr_fw_hk,
    )
    for g, fn, ln in (("F", "Szu-Yu", "Chiang"), ("M", "Kuan-Yu", "Lu"), ("M", "Ping-Chun", "Kao")):
        p, co = person("TW", g, fn, ln, mobile=AUTO)
        if p.mobile is None:
            p.mobile = new_phone(rng, reg, "TW", "mobile", p.pid)
        val = fmt_phone(p.mobile, "fw")
        r = row(p, co, Mobile=val, Country=rng.choice(["Taiwan", "台灣"]))
        main.append(r)
        plants.append(
            Plant(
                "fullwidth",
                [r],
                "Mobile",
                "full-width digits in the mobile number",
                "NFKC-normalised, then a valid TW mobile",
                "standardise",
                val,
            )
        )
    # --- planted: ALL-CAPS names (9 here + the ALL-CAPS duplicate copy above = 10)
    caps_rows = [b8]
    for region, g, fn, ln in (
        ("HK", "M", "Wai Man", "Ng"),
        ("HK", "F", "Man Yee", "Au"),
        ("TW", "M", "Chia-Wei", "Chuang"),
        ("US", "M", "Robert", "Turner"),
        ("US", "F", "Helen", "Collins"),
        ("HK", "M", "Kwok Wai", "Poon"),
        ("TW", "F", "Yu-Ting", "Chiang"),
        ("HK", "F", "Pui Shan", "Tse"),
        ("HK", "M", "Tsz Hin", "Fung"),
    ):
        p, co = person(region, g, fn, ln)
        r = row(p, co, **{"First Name": fn.upper(), "Last Name": ln.upper()})
        main.append(r)
        caps_rows.append(r)
    for r in caps_rows:
        plants.append(
            Plant(
                "all_caps",
                [r],
                "First Name/Last Name",
                "name in ALL CAPS",
                f"title-cased by standardise to {r.cells['First Name'].title()} / "
                f"{r.cells['Last Name'].title()}",
                "standardise",
                f"{r.cells['First Name']} {r.cells['Last Name']}",
            )
        )
    # --- planted: 10 cells with leading/trailing/double spaces
    ws_specs: list[tuple[str, str, str, str, str, Any]] = [
        ("HK", "M", "Ka Ming", "Siu", "First Name", " Ka Ming"),
        ("HK", "F", "Wing Yan", "Leung", "Last Name", "Leung "),
        ("HK", "M", "Hon Ming", "Lo", "Address", "Flat 8C  Parkside Villa 23 Tai Hang Road"),
        ("US", "F", "Sarah", "Walker", "E-mail", "sarah.walker@gmail.com "),
        ("HK", "F", "Ching Man", "Hui", "City", "Kowloon "),
        ("TW", "M", "Tsung-Han", "Lai", "Company ID", " A0012"),
        ("HK", "M", "Chi Keung", "Mok", "First Name", "Chi  Keung"),
        ("HK", "F", "Sau Ying", "Chung", "Tel", None),
        ("US", "M", "Andrew", "Baker", "Owner", "Grace Lin "),
        ("HK", "M", "Yiu Fai", "Tsang", "Last Name", "  Tsang "),
    ]
    for region, g, fn, ln, col, val in ws_specs:
        kw: dict[str, Any] = {}
        if col == "E-mail":
            kw["email"] = val.strip()
        if col == "Company ID":
            kw["company"] = val.strip()
        if col == "Address":
            kw["address"] = (" ".join(val.split()), "Hong Kong")
        if col == "Tel":
            kw["tel"] = "28914420"
            val = " 2891 4420"
        p, co = person(region, g, fn, ln, **kw)
        ws_ov: dict[str, Any] = {col: val}
        if col == "Tel":
            ws_ov["Country"] = "Hong Kong"
        if col == "City":
            ws_ov["Country"] = "Hong Kong"
        r = row(p, co, **ws_ov)
        main.append(r)
        plants.append(
            Plant(
                "whitespace",
                [r],
                col,
                "leading/trailing/double spaces in the cell",
                "trimmed and collapsed by standardise",
                "standardise",
                val,
            )
        )
    # --- planted: address with a comma, address with an embedded newline (both quoted)
    single(
        "address_comma",
        "Address",
        "address contains commas (field is quoted)",
        "read as one field by foundation",
        "foundation",
        "HK",
        "F",
        "Nga Man",
        "Wan",
        address=("Flat 12A, Sun Wah House, 77 Castle Peak Road", "Tsuen Wan"),
    )
    single(
        "address_newline",
        "Address",
        "address contains an embedded newline (quoted, LF inside a CRLF file)",
        "read as one record by foundation; newline kept or collapsed by standardise",
        "foundation",
        "HK",
        "M",
        "Pak Hei",
        "Shum",
        address=("Flat 5C Golden Court\n38 Electric Road", "Hong Kong"),
    )
    # --- planted: impossible date, ambiguous date
    single(
        "impossible_date",
        "DOB",
        "impossible date 1987-02-30",
        "flagged invalid; DOB not loaded",
        "validate",
        "TW",
        "F",
        "Li-Hua",
        "Wu",
        dob=None,
        ov={"DOB": "1987-02-30"},
    )
    single(
        "ambiguous_date",
        "DOB",
        "ambiguous day/month 03/04/1985 (every other dd/mm/yyyy DOB has day > 12)",
        "parsed day-first (HK convention) as 1985-04-03 and warned as ambiguous",
        "standardise",
        "HK",
        "M",
        "Ming Fai",
        "Law",
        dob=None,
        ov={"DOB": "03/04/1985", "Country": "Hong Kong"},
    )
    # --- planted: Company IDs that do not exist in the ERP
    for region, g, fn, ln, cid in (
        ("HK", "M", "Kai Chung", "Pang", "A0097"),
        ("US", "F", "Megan", "Roberts", "A0123"),
    ):
        single(
            "unknown_fk",
            "Company ID",
            f"Company ID {cid} does not exist in erp/accounts.csv",
            "reported as an orphan reference (an error by default): the contact waits for a decision in load/errors.csv",
            "validate",
            region,
            g,
            fn,
            ln,
            company=cid,
            value=cid,
        )
    # --- planted: contacts who are also shop members / HubSpot leads (clean rows here)
    for key, fn, ln, cjk, g, email, mobile, tel in (
        ("X1", "Mei-Ling", "Lin", "林美玲", "F", "meiling.lin@yahoo.com.tw", "912603847", AUTO),
        ("X2", "Chih-Hao", "Chen", "陳志豪", "M", "chihhao.chen@gmail.com", "921448306", AUTO),
        ("X3", "Shu-Fen", "Huang", "黃淑芬", "F", "sfhuang@msa.hinet.net", "935270118", None),
        ("X4", "Yi-Chun", "Tsai", "蔡宜君", "F", "yichun.tsai@gmail.com", None, AUTO),
        ("X5", "Chun-Hung", "Wu", "吳俊宏", "M", "chunhung.wu@outlook.com", "958331604", None),
    ):
        p, co = person("TW", g, fn, ln, email=email, mobile=mobile, tel=tel, cjk=cjk)
        if p.tel is None and p.mobile is None:
            p.tel = new_phone(rng, reg, "TW", "fixed", p.pid, area=p.area)
        ov: dict[str, Any] = {}
        if key == "X1":
            ov = {"Mobile": "0912-603-847", "Country": "Taiwan"}
        elif key == "X2":
            ov = {"Mobile": "886-921-448-306", "Country": "台灣"}
        elif key == "X5":
            ov = {"Mobile": "+886 958 331 604", "Country": ""}
        r = row(p, co, **ov)
        main.append(r)
        cross[key] = p
        cross[key + "_row"] = r
    for key, region, g, fn, ln, email in (
        ("L1", "US", "M", "David", "Thompson", "david.thompson@outlook.com"),
        ("L2", "HK", "F", "Karen", "Wong", "karen.wong@netvigator.com"),
        ("L3", "TW", "M", "Kevin", "Tsai", "kevin.tsai@gmail.com"),
        ("L4", "US", "M", "Michael", "O'Connor", "michael.oconnor@gmail.com"),
        ("L5", "HK", "F", "Grace", "Lam", "grace.lam@yahoo.com.hk"),
        ("L6", "TW", "M", "Daniel", "Hsu", "daniel.hsu@hotmail.com"),
    ):
        p, co = person(region, g, fn, ln, email=email)
        r = row(p, co)
        main.append(r)
        cross[key] = p
        cross[key + "_row"] = r

    n_planted = len(main) + len(repeated)
    assert n_planted == 77, n_planted
    yield  # every planted entity of every file is registered before any background row is drawn
    region_cycle = ["HK"] * 45 + ["TW"] * 35 + ["US"] * 20
    for _ in range(300 - n_planted):
        region = rng.choice(region_cycle)
        p, co = person(region, rng.choice("MF"))
        main.append(row(p, co))

    rng.shuffle(main)
    for a, b in order_pairs:  # first copy first
        ia, ib = main.index(a), main.index(b)
        if ia > ib:
            main[ia], main[ib] = b, a
    n = 3
    for r in main:
        if r in blank_id_rows:
            r.cells["Contact ID"] = ""
            continue
        r.cells["Contact ID"] = f"C{n:05d}"
        n += rng.randint(1, 4)
    rows = list(main)
    for first, full in repeated:
        full.cells["Contact ID"] = first.cells["Contact ID"]
        pos = rows.index(first) + rng.randint(25, 90)
        rows.insert(min(pos, len(rows)), full)
        plants.append(
            Plant(
                "repeated_key",
                [first, full],
                "Contact ID",
                "the same Contact ID exported twice; the second copy is identical except that it "
                "also has a Mobile",
                "one contact kept (the copy with more data wins); counted as 1 repeated key",
                "load",
                first.cells["Contact ID"],
            )
        )
    for i, r in enumerate(rows, 1):
        r.row_no = i + 1
    assert len(rows) == 300
    return rows, plants


# ----------------------------------------------------------------------------------------------
# Shop members (UTF-8, no BOM, LF)
# ----------------------------------------------------------------------------------------------

MEMBER_MOB_STYLES = ["dash", "dash", "plain", "plain", "intl", "cc_plain"]


def build_members(reg: Registry, cross: dict[str, Any]) -> Generator[None, None, Any]:
    """Generator: planted rows, ``yield``, background rows; returns (rows, plants, persons)."""
    rng = rng_for("members")
    plants: list[Plant] = []
    main: list[Row] = []
    order_pairs: list[tuple[Row, Row]] = []
    persons: list[Person] = []

    def member(
        gender: str,
        name: Any = AUTO,
        *,
        pid: str | None = None,
        email: Any = AUTO,
        mobile: Any = AUTO,
        dob: Any = AUTO,
        latin: tuple[str, str] | None = None,
    ) -> Person:
        pid = pid or reg.new_pid("S")
        if latin:
            reg.claim_name(latin[1], latin[0], pid)  # "Surname Given" order in 姓名
            name = f"{latin[0]} {latin[1]}"
        elif name is AUTO:
            name, *_ = new_cjk_name(rng, reg, gender, pid)
        else:
            reg.claim_cjk(name, pid)
            given_r, sur_r = cjk_rom(name)
            if given_r:
                reg.claim_name(given_r, sur_r, pid)
        p = Person(pid, "TW", gender, cjk=name)
        if mobile is AUTO:
            p.mobile = new_phone(rng, reg, "TW", "mobile", pid)
        else:
            p.mobile = mk_phone("TW", mobile)
            reg.claim_phone(p.mobile, pid)
        if email is AUTO:
            if rng.random() < 0.1:
                p.email = None
            else:
                given, sur = (latin[1], latin[0]) if latin else cjk_rom(name)
                p.email = new_email(rng, reg, pid, given, sur, "TW")
        else:
            p.email = email
            if email:
                reg.claim_email(email, pid)
        p.dob = (new_dob(rng, 1960, 2005) if rng.random() > 0.12 else None) if dob is AUTO else dob
        persons.append(p)
        return p

    def row(p: Person, **ov: Any) -> Row:
        bday = ""
        if p.dob:
            bday = roc_date(p.dob, rng.choice(["roc_full", "roc_slash", "iso", "iso", "ymd_slash"]))
        gender = rng.choice({"M": ["男", "男", "男", "M"], "F": ["女", "女", "女", "F"]}[p.gender])
        if rng.random() < 0.08:
            gender = ""
        if not p.address:
            p.address, _ = tw_address(rng, reg, p.pid)
        joined = dt.date.fromordinal(
            rng.randint(dt.date(2018, 1, 1).toordinal(), dt.date(2024, 12, 31).toordinal())
        )
        cells = {
            "會員編號": None,
            "姓名": p.cjk,
            "手機": fmt_phone(p.mobile, rng.choice(MEMBER_MOB_STYLES)) if p.mobile else "",
            "Email": p.email or "",
            "生日": bday,
            "地址": p.address,
            "性別": gender,
            "加入日期": joined.isoformat(),
        }
        cells.update(ov)
        return Row(F_MEMBERS, cells, pid=p.pid)

    # --- planted: 5 members who are legacy contacts (Chinese name vs romanised)
    cross_rows: dict[str, Row] = {}
    for key, email, mob_style in (
        ("X1", AUTO, "intl"),
        ("X2", "ChihHao.Chen@gmail.com", "plain"),
        ("X3", None, "plain"),
        ("X4", AUTO, None),
        ("X5", "wu.chunhung@yahoo.com.tw", "dash"),
    ):
        c: Person = cross[key]
        em = c.email if email is AUTO else email
        p = Person(c.pid, "TW", c.gender, cjk=c.cjk, email=em or None, dob=c.dob, address=c.address)
        if em and email_key(em) != email_key(c.email or ""):
            reg.claim_email(em, c.pid)
        p.mobile = c.mobile if c.mobile else new_phone(rng, reg, "TW", "mobile", c.pid)
        persons.append(p)
        ov = {"手機": fmt_phone(p.mobile, mob_style)} if mob_style else {}
        r = row(p, **ov)
        main.append(r)
        cross_rows[key] = r

    def pair(a: Row, b: Row, column: str, problem: str) -> None:
        main.extend([a, b])
        order_pairs.append((a, b))
        plants.append(
            Plant("duplicate_pair", [a, b], column, problem, "merged into one member", "dedupe")
        )

    # --- planted: 3 within-member duplicate pairs
    p = member(
        "F", "張家慧", email="chiahui.chang@gmail.com", mobile="923517264", dob=dt.date(1988, 9, 14)
    )
    p.address = "台北市中山區南京東路三段52號7樓"
    reg.claim_address(p.address, p.pid)
    pair(
        row(p, 手機="0923-517-264", 生日="1988-09-14"),
        row(
            p,
            手機="0923517264",
            Email="",
            地址="臺北市中山區南京東路三段52號7樓",
            生日="民國77年9月14日",
        ),
        "地址/手機",
        "same member: 台北市 vs 臺北市 in the address, mobile 0923-517-264 vs 0923517264",
    )
    p = member(
        "M",
        "王小明",
        email="hsiaoming.wang@hotmail.com",
        mobile="918220573",
        dob=dt.date(1990, 5, 12),
    )
    p.address, _ = tw_address(rng, reg, p.pid)
    a2 = row(
        p,
        姓名="王小明 先生",
        Email="HsiaoMing.Wang@Hotmail.com",
        手機="0918-220-573",
        生日="民國79年5月12日",
    )
    pair(
        a2,
        row(p, 手機="+886 918 220 573", 生日="1990-05-12"),
        "姓名/Email",
        "same member: '王小明 先生' (honorific) vs '王小明', e-mail case, mobile format, ROC vs AD birthday",
    )
    p = member(
        "F",
        "司徒美華",
        email="meihua.szeto@yahoo.com.tw",
        mobile="935222817",
        dob=dt.date(1979, 11, 2),
    )
    p.address, _ = tw_address(rng, reg, p.pid)
    b3 = row(p, 手機="０９３５２２２８１７", Email="", 生日="1979/11/2")
    pair(
        row(p, 手機="+886 935 222 817", 生日="68/11/02"),
        b3,
        "手機",
        "same member: mobile +886 935 222 817 vs full-width ０９３５２２２８１７, birthday 68/11/02 (ROC) vs 1979/11/2",
    )
    plants.append(
        Plant(
            "honorific",
            [a2],
            "姓名",
            "honorific 先生 appended to the name",
            "honorific stripped (kept as salutation) by standardise",
            "standardise",
            "王小明 先生",
        )
    )
    plants.append(
        Plant(
            "fullwidth",
            [b3],
            "手機",
            "full-width digits in the mobile number",
            "NFKC-normalised, then a valid TW mobile",
            "standardise",
            "０９３５２２２８１７",
        )
    )
    # --- planted: honorific-only names
    for name, g, em in (("李小姐", "F", None), ("周先生", "M", "mr.chou.1975@gmail.com")):
        p = member(g, name, email=em)
        r = row(p)
        main.append(r)
        plants.append(
            Plant(
                "honorific",
                [r],
                "姓名",
                "only surname + honorific, no given name",
                "honorific split off; given name left blank; kept as a distinct member",
                "standardise",
                name,
            )
        )
    # --- planted: 3 invalid e-mails
    for name, g, bad, why in (
        ("陳大文", "M", "chen.dawen@", "nothing after @"),
        ("劉怡君", "F", "yijun.liu@gmail..com", "double dot in the domain"),
        ("許雅雯", "F", "yawen.hsu.hotmail.com", "missing @"),
    ):
        p = member(g, name, email=bad)
        r = row(p)
        main.append(r)
        plants.append(
            Plant(
                "invalid_email",
                [r],
                "Email",
                f"invalid e-mail: {why}",
                "flagged invalid by validate; e-mail not loaded",
                "validate",
                bad,
            )
        )
    # --- planted: 2 more full-width mobiles
    for _ in range(2):
        p = member(rng.choice("MF"))
        assert p.mobile is not None
        val = fmt_phone(p.mobile, "fw")
        r = row(p, 手機=val)
        main.append(r)
        plants.append(
            Plant(
                "fullwidth",
                [r],
                "手機",
                "full-width digits in the mobile number",
                "NFKC-normalised, then a valid TW mobile",
                "standardise",
                val,
            )
        )
    # --- planted: compound surnames and romanised names (clean, for name parsing)
    for name, g in (("歐陽靜雯", "F"), ("上官文傑", "M"), ("司徒嘉欣", "F")):
        p = member(g, name)
        r = row(p)
        main.append(r)
        plants.append(
            Plant(
                "compound_surname",
                [r],
                "姓名",
                "compound surname (歐陽/上官/司徒)",
                f"split as surname {name[:2]} + given name {name[2:]} (not {name[:1]} + {name[1:]})",
                "standardise",
                name,
            )
        )
    for sur, given, g in (
        ("Leung", "Chi Wai", "M"),
        ("Yeung", "Hoi Ching", "F"),
        ("Kwan", "Lok Man", "M"),
        ("Tse", "Wing Kei", "F"),
    ):
        p = member(g, latin=(sur, given))
        r = row(p)
        main.append(r)
        plants.append(
            Plant(
                "romanised_name",
                [r],
                "姓名",
                "romanised name in a Chinese name column (surname first)",
                "kept; split surname-first",
                "standardise",
                p.cjk,
            )
        )

    n_planted = len(main)
    assert n_planted == 25, n_planted
    yield
    for _ in range(200 - n_planted):
        p = member(rng.choice("MF"))
        main.append(row(p))
    rng.shuffle(main)
    for a, b in order_pairs:
        ia, ib = main.index(a), main.index(b)
        if ia > ib:
            main[ia], main[ib] = b, a
    for i, r in enumerate(main, 1):
        r.cells["會員編號"] = f"M{i:04d}"
        r.row_no = i + 1
    for key, r in cross_rows.items():
        crow: Row = cross[key + "_row"]
        how = []
        if r.cells["Email"] and email_key(r.cells["Email"]) == email_key(crow.cells["E-mail"]):
            how.append(
                "same e-mail"
                + ("" if r.cells["Email"] == crow.cells["E-mail"] else " in another case")
            )
        if crow.cells["Mobile"] and phone_e164(crow.cells["Mobile"], "TW") == phone_e164(
            r.cells["手機"], "TW"
        ):
            how.append("same mobile in another format")
        plants.append(
            Plant(
                "cross_file_duplicate",
                [crow, r],
                "Email/手機",
                f"member {r.cells['姓名']} is legacy contact {crow.cells['First Name']} "
                f"{crow.cells['Last Name']} ({' and '.join(how)})",
                "linked/merged with the legacy contact (match on e-mail or normalised mobile)",
                "dedupe",
            )
        )
    return main, plants, persons


# ----------------------------------------------------------------------------------------------
# Shop orders (12 xlsx workbooks)
# ----------------------------------------------------------------------------------------------

UNKNOWN_MEMBER_ORDERS = [
    (2, 7, "M9999"),
    (4, 12, "M0000"),
    (6, 3, "M9999"),
    (7, 20, "M0201"),
    (9, 15, "M1234"),
    (11, 30, "M0999"),
]
GUEST_ORDERS = [(3, 9, True), (5, 4, False), (8, 11, True), (12, 40, False)]
NUMERIC_PHONE_ORDERS = [(2, 14), (6, 27), (10, 5)]
TEXT_DATE_ORDERS = [(3, 20), (5, 16), (8, 2), (11, 25), (12, 8)]
TEXT_AMOUNT_ORDERS = [(4, 8, "NT$"), (7, 11, "元"), (9, 22, "NT$"), (12, 17, "元")]
REEXPORTED = (3, 16)  # SO-202503-0017, appended again (as 退貨) at the end of the April workbook
ROC_TEXT_DATE = dt.datetime(2025, 1, 20, 10, 15)


def build_orders(
    reg: Registry, member_rows: list[Row], persons: list[Person], member_plants: list[Plant]
) -> tuple[dict[int, list[Row]], list[Plant], list[str]]:
    rng = rng_for("orders")
    plants: list[Plant] = []
    by_pid: dict[str | None, Person] = {p.pid: p for p in persons}
    planted_member_pids = {r.pid for pl in member_plants for r in pl.rows}
    clean_members = [
        r for r in member_rows if r.pid not in planted_member_pids and r.cells["Email"]
    ]
    special: dict[tuple[int, int], str] = {}
    for lst, kind in (
        (UNKNOWN_MEMBER_ORDERS, "unknown"),
        (GUEST_ORDERS, "guest"),
        (NUMERIC_PHONE_ORDERS, "numeric"),
        (TEXT_DATE_ORDERS, "textdate"),
        (TEXT_AMOUNT_ORDERS, "textamount"),
        ([REEXPORTED], "reexport"),
    ):
        for t in lst:
            k = (t[0], t[1])
            assert k not in special, k
            special[k] = kind
    notes_lines = [
        "6月訂單備註（內部用）",
        "6/18 年中慶訂單量大，部分訂單延遲出貨。",
        "SO-202506-0012 客人來電要求更改收件地址，已處理。",
        "LINE 通路 6/20 系統異常，兩筆訂單人工補登。",
        "蝦皮對帳差額 NT$350，待財務確認。",
    ]
    out: dict[int, list[Row]] = {}
    reexport_row: Row | None = None
    guest_targets = rng.sample(clean_members, 2)
    for m, n in zip(ORDER_MONTHS, ORDER_COUNTS, strict=True):
        fname = f_orders(m)
        n_own = n - (1 if m == REEXPORTED[0] + 1 else 0)
        start = dt.datetime(2025, m, 1, 8)
        end = dt.datetime(2025 + (m == 12), m % 12 + 1, 1, 8) - dt.timedelta(hours=9)
        dates = sorted(rand_datetime(rng, start, end).replace(second=0) for _ in range(n_own))
        if m == 1:
            dates[-1] = ROC_TEXT_DATE
            dates.sort()
        rows: list[Row] = []
        for i, d in enumerate(dates):
            no = f"SO-2025{m:02d}-{i + 1:04d}"
            tag = special.get((m, i))
            mrow = rng.choice(member_rows)
            p = by_pid[mrow.pid]
            mid: Any = mrow.cells["會員編號"]
            recipient = cjk_name_key(mrow.cells["姓名"]) or mrow.cells["姓名"]
            if mrow.cells["姓名"] in ("李小姐", "周先生"):
                recipient = mrow.cells["姓名"]
            if " " in mrow.cells["姓名"] and re.match(r"[A-Za-z]", mrow.cells["姓名"]):
                recipient = mrow.cells["姓名"]
            phone: Any = (
                fmt_phone(p.mobile, rng.choice(["dash", "plain", "plain", "intl"]))
                if p.mobile
                else None
            )
            email: Any = (
                p.email if p.email and email_valid(p.email) and rng.random() < 0.7 else None
            )
            amount: Any = rng.choice(
                [
                    199,
                    299,
                    350,
                    480,
                    590,
                    680,
                    790,
                    890,
                    990,
                    1200,
                    1280,
                    1490,
                    1680,
                    1990,
                    2380,
                    2990,
                    3450,
                    4200,
                    5680,
                    7990,
                    12800,
                ]
            ) * rng.choice([1, 1, 1, 2, 3])
            if rng.random() < 0.07:
                amount = amount - 0.5
            date_cell: Any = d
            channel = rng.choice(["門市", "官網", "官網", "蝦皮", "蝦皮", "LINE"])
            status = rng.choices(["已完成", "已取消", "退貨"], weights=[85, 8, 7])[0]
            r = Row(fname, {}, pid=no, sheet="訂單")
            if tag == "unknown":
                mid = next(t[2] for t in UNKNOWN_MEMBER_ORDERS if (t[0], t[1]) == (m, i))
                opid = reg.new_pid("O")
                recipient, given, sur = new_cjk_name(rng, reg, rng.choice("MF"), opid)
                phone = fmt_phone(new_phone(rng, reg, "TW", "mobile", opid), "dash")
                email = new_email(rng, reg, opid, given, sur, "TW")
                plants.append(
                    Plant(
                        "unknown_fk",
                        [r],
                        "會員編號",
                        f"會員編號 {mid} does not exist in members.csv",
                        "reported as an orphan order (an error by default): the order waits for a decision in load/errors.csv",
                        "fill+orders",
                        mid,
                    )
                )
            elif tag == "guest":
                match = next(t[2] for t in GUEST_ORDERS if (t[0], t[1]) == (m, i))
                mid = None
                if match:
                    tgt = guest_targets.pop(0)
                    tp = by_pid[tgt.pid]
                    assert tp.mobile is not None
                    recipient = tgt.cells["姓名"]
                    styles = [
                        s
                        for s in ("intl", "cc_plain", "dash", "plain")
                        if fmt_phone(tp.mobile, s) != tgt.cells["手機"]
                    ]
                    phone = fmt_phone(tp.mobile, styles[0])
                    email = None
                    plants.append(
                        Plant(
                            "guest_order",
                            [r, tgt],
                            "會員編號",
                            "guest checkout (blank 會員編號) whose "
                            f"mobile {phone} is member {tgt.cells['會員編號']}'s {tgt.cells['手機']} in another format",
                            f"fill: 會員編號 filled with {tgt.cells['會員編號']} by normalised-mobile match",
                            "fill+orders",
                            phone,
                        )
                    )
                else:
                    opid = reg.new_pid("O")
                    recipient, given, sur = new_cjk_name(rng, reg, rng.choice("MF"), opid)
                    phone = fmt_phone(new_phone(rng, reg, "TW", "mobile", opid), "plain")
                    email = new_email(rng, reg, opid, given, sur, "TW")
                    plants.append(
                        Plant(
                            "guest_order",
                            [r],
                            "會員編號",
                            "guest checkout (blank 會員編號), contact details match no member",
                            "kept as a guest order (no member link)",
                            "fill+orders",
                            "",
                        )
                    )
            elif tag == "numeric":
                assert p.mobile is not None
                phone = int(p.mobile.nat)
                plants.append(
                    Plant(
                        "numeric_phone",
                        [r],
                        "手機",
                        "mobile stored as a number; leading zero lost",
                        f"read as text and repaired to 0{p.mobile.nat}",
                        "fill+orders",
                        str(phone),
                    )
                )
            elif tag == "textdate":
                date_cell = f"{d.year}/{d.month}/{d.day}"
                plants.append(
                    Plant(
                        "text_date",
                        [r],
                        "訂購日期",
                        "order date stored as text, not a date cell",
                        f"parsed as {d.date().isoformat()}",
                        "fill+orders",
                        date_cell,
                    )
                )
            elif tag == "textamount":
                unit = next(t[2] for t in TEXT_AMOUNT_ORDERS if (t[0], t[1]) == (m, i))
                amount = int(amount)
                txt = f"{amount:,}"
                amount = f"NT${txt}" if unit == "NT$" else f"{txt}元"
                plants.append(
                    Plant(
                        "text_amount",
                        [r],
                        "金額",
                        "amount stored as text with currency/thousands separator",
                        f"parsed as {parse_amount(amount):g}",
                        "fill+orders",
                        amount,
                    )
                )
            if m == 1 and d == ROC_TEXT_DATE:
                date_cell = "114/01/20"
                plants.append(
                    Plant(
                        "roc_text_date",
                        [r],
                        "訂購日期",
                        "ROC (民國) date stored as text",
                        "parsed as 2025-01-20",
                        "fill+orders",
                        "114/01/20",
                    )
                )
            r.cells = {
                "訂單編號": no,
                "訂購日期": date_cell,
                "會員編號": mid,
                "收件人": recipient,
                "手機": phone,
                "Email": email,
                "金額": amount,
                "通路": channel,
                "狀態": status,
            }
            if tag == "reexport":
                r.cells["狀態"] = "已完成"
                r.cells["會員編號"] = mid
                reexport_row = r
            rows.append(r)
        if m == REEXPORTED[0] + 1:
            assert reexport_row is not None
            again = Row(
                fname, {**reexport_row.cells, "狀態": "退貨"}, pid=reexport_row.pid, sheet="訂單"
            )
            rows.append(again)
            plants.append(
                Plant(
                    "repeated_key",
                    [reexport_row, again],
                    "訂單編號",
                    "order re-exported: the March order appears again at the end of the April "
                    "workbook with 狀態 changed 已完成 → 退貨",
                    "one order kept (latest file wins: 退貨); counted as 1 repeated key",
                    "load",
                    reexport_row.cells["訂單編號"],
                )
            )
        assert len(rows) == n, (m, len(rows), n)
        for i, r in enumerate(rows, 2):
            r.row_no = i
        out[m] = rows
    notes_row = Row(f_orders(6), {"訂單編號": ""}, sheet="備註", row_no=1)
    plants.append(
        Plant(
            "notes_sheet",
            [notes_row],
            "(sheet)",
            "second sheet 備註 with free-text notes "
            f"({len(notes_lines)} rows, one mentions an order number)",
            "ignored by default: only sheet 訂單 is read",
            "foundation",
            "備註",
        )
    )
    return out, plants, notes_lines


# ----------------------------------------------------------------------------------------------
# HubSpot leads (UTF-8, no BOM, LF)
# ----------------------------------------------------------------------------------------------

LEAD_COUNTRY = {
    "TW": ["Taiwan", "Taiwan", "TW", "台灣"],
    "US": ["United States"],
    "HK": ["Hong Kong SAR", "Hong Kong SAR", "香港"],
}
LEAD_CITY = {"TW": ["Taipei", "Taipei", "Taichung", "Hsinchu", "Kaohsiung"], "HK": ["Hong Kong"]}
LEAD_PHONE_STYLES = {
    "TW": {"mobile": ["intl", "dash", "plain"], "fixed": ["dash", "paren", "intl"]},
    "HK": {"mobile": ["space", "intl_space"], "fixed": ["space", "intl_space"]},
    "US": {"mobile": ["paren", "dash", "intl_dash"], "fixed": ["paren", "dash", "intl_dash"]},
}


def build_leads(reg: Registry, cross: dict[str, Any]) -> Generator[None, None, Any]:
    """Generator: planted rows, ``yield``, background rows; returns (rows, plants)."""
    rng = rng_for("leads")
    plants: list[Plant] = []
    main: list[Row] = []
    order_pairs: list[tuple[Row, Row]] = []

    def lead(
        region: str,
        gender: str,
        first: Any = AUTO,
        last: Any = AUTO,
        *,
        email: Any = AUTO,
        company: Any = AUTO,
        phone: Any = AUTO,
        pid: str | None = None,
    ) -> tuple[Person, tuple[str, str]]:
        pid = pid or reg.new_pid("H")
        if first is AUTO:
            first, last = new_latin_name(
                rng, reg, region, gender, pid, western=region == "US" or rng.random() < 0.15
            )
        elif (first, last) != ("", ""):
            reg.claim_name(first, last, pid)
        co = rng.choice(LEAD_COMPANIES) if company is AUTO else company
        p = Person(pid, region, gender, first, last)
        if email is AUTO:
            p.email = new_email(
                rng,
                reg,
                pid,
                first,
                last or "x",
                region,
                co[1] if co[1] and rng.random() < 0.7 else None,
            )
        else:
            p.email = email
            if email:
                reg.claim_email(email, pid)
        if phone is AUTO:
            if rng.random() < 0.85:
                kind = "mobile" if region != "US" and rng.random() < 0.6 else "fixed"
                p.mobile = new_phone(rng, reg, region, kind, pid)
        elif phone:
            p.mobile = mk_phone(region, phone)
            reg.claim_phone(p.mobile, pid)
        return p, co

    created_lo, created_hi = dt.datetime(2025, 1, 2, 8), dt.datetime(2025, 11, 28, 19)

    def row(p: Person, co: tuple[str, str], **ov: Any) -> Row:
        country = ov.pop("Country/Region", AUTO)
        if country is AUTO:
            country = "" if rng.random() < 0.1 else rng.choice(LEAD_COUNTRY[p.region])
        ph = ""
        if p.mobile:
            styles = (
                INTL_STYLES[p.region]
                if country == ""
                else LEAD_PHONE_STYLES[p.region][p.mobile.kind]
            )
            ph = fmt_phone(p.mobile, rng.choice(styles))
        city = (
            (US_AREAS[p.mobile.nat[:3]] if p.mobile else rng.choice(list(US_AREAS.values())))
            if p.region == "US"
            else rng.choice(LEAD_CITY[p.region])
        )
        stage = rng.choices(
            ["lead", "Lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity"],
            weights=[45, 8, 20, 15, 12],
        )[0]
        status = rng.choice(
            ["NEW", "NEW", "OPEN", "IN_PROGRESS", "ATTEMPTED_TO_CONTACT", "UNQUALIFIED", ""]
        )
        cells = {
            "Record ID": None,
            "First Name": p.first,
            "Last Name": p.last,
            "Email": p.email or "",
            "Phone Number": ph,
            "Company Name": co[0],
            "Job Title": "" if rng.random() < 0.1 else rng.choice(JOB_TITLES),
            "Lifecycle Stage": stage,
            "Lead Status": status,
            "Create Date": rand_datetime(rng, created_lo, created_hi).strftime("%Y-%m-%d %H:%M"),
            "Country/Region": country,
            "City": city,
        }
        cells.update(ov)
        if (
            not cells["Country/Region"]
            and cells["Phone Number"]
            and not cells["Phone Number"].startswith("+")
        ):
            cells["Country/Region"] = LEAD_COUNTRY[p.region][0]
        return Row(F_LEADS, cells, pid=p.pid)

    cross_rows: dict[str, Row] = {}
    # --- planted: 6 leads that are already legacy contacts (same e-mail, 3 in another case)
    for key, email_variant in (
        ("L1", None),
        ("L2", "Karen.Wong@netvigator.com"),
        ("L3", None),
        ("L4", "MICHAEL.OCONNOR@GMAIL.COM"),
        ("L5", None),
        ("L6", "Daniel.Hsu@hotmail.com"),
    ):
        c: Person = cross[key]
        p = Person(c.pid, c.region, c.gender, c.first, c.last, email=email_variant or c.email)
        p.mobile = c.mobile or c.tel
        co = rng.choice(LEAD_COMPANIES)
        r = row(p, co)
        main.append(r)
        cross_rows[key] = r

    def pair(a: Row, b: Row, column: str, problem: str) -> None:
        main.extend([a, b])
        order_pairs.append((a, b))
        plants.append(
            Plant("duplicate_pair", [a, b], column, problem, "merged into one lead", "dedupe")
        )

    # --- planted: 2 within-lead duplicate pairs
    co = ("Formosa Cloudworks", "formosacloudworks.com")
    p, _ = lead(
        "TW",
        "F",
        "Jessica",
        "Kuo",
        email="jessica.kuo@formosacloudworks.com",
        company=co,
        phone="922615803",
    )
    pair(
        row(
            p,
            co,
            **{
                "Phone Number": "0922-615-803",
                "Lifecycle Stage": "lead",
                "Country/Region": "Taiwan",
            },
        ),
        row(
            p,
            co,
            **{
                "Email": "Jessica.Kuo@FormosaCloudworks.com",
                "Phone Number": "+886 922 615 803",
                "Lifecycle Stage": "marketingqualifiedlead",
            },
        ),
        "Email/Phone Number",
        "same lead twice: e-mail case, phone 0922-615-803 vs +886 922 615 803",
    )
    co = ("Bluepeak Analytics", "bluepeakanalytics.com")
    p, _ = lead(
        "US",
        "M",
        "Brian",
        "Nelson",
        email="brian.nelson@bluepeakanalytics.com",
        company=co,
        phone="2065550177",
    )
    pair(
        row(p, co, **{"Lifecycle Stage": "Lead"}),
        row(
            p,
            ("Bluepeak Analytics Inc.", co[1]),
            **{"Phone Number": "", "Lifecycle Stage": "salesqualifiedlead"},
        ),
        "Company Name",
        "same lead twice: company 'Bluepeak Analytics' vs 'Bluepeak Analytics Inc.', same e-mail",
    )
    # --- planted: 2 invalid e-mails
    for region, g, fn, ln, bad, why, co in (
        (
            "US",
            "F",
            "Olivia",
            "Turner",
            "olivia.turner@contosoretail,com",
            "comma instead of dot",
            ("Contoso Retail", "contosoretail.com"),
        ),
        (
            "TW",
            "M",
            "Raymond",
            "Chiu",
            "raymond.chiu@@tailspintoys.com",
            "double @@",
            ("Tailspin Toys", "tailspintoys.com"),
        ),
    ):
        p, _ = lead(region, g, fn, ln, email=bad, company=co)
        r = row(p, co)
        main.append(r)
        plants.append(
            Plant(
                "invalid_email",
                [r],
                "Email",
                f"invalid e-mail: {why}",
                "flagged invalid by validate",
                "validate",
                bad,
            )
        )
    # --- planted: 2 blank Last Name, 1 blank Company Name
    for region, g, fn, email, co in (
        ("TW", "F", "Vivian", "vivian@lumenharbor.com", ("Lumen Harbor Design", "lumenharbor.com")),
        (
            "HK",
            "M",
            "Alex Wong",
            "alex.wong@jadeportconsulting.com",
            ("Jadeport Consulting", "jadeportconsulting.com"),
        ),
    ):
        p, _ = lead(region, g, fn, "", email=email, company=co)
        r = row(p, co)
        main.append(r)
        plants.append(
            Plant(
                "blank_required",
                [r],
                "Last Name",
                "Last Name blank" + (" (full name typed into First Name)" if " " in fn else ""),
                "row rejected (Last Name required for a lead) "
                "or sent to review; reported"
                + ("; fill can split 'Alex Wong'" if " " in fn else ""),
                "validate",
                fn,
            )
        )
    p, _ = lead("US", "M", "Thomas", "Reed", company=("", ""))
    r = row(p, ("", ""))
    main.append(r)
    plants.append(
        Plant(
            "blank_required",
            [r],
            "Company Name",
            "Company Name blank",
            "row rejected/sent to review if the target requires a company; reported",
            "validate",
            "",
        )
    )

    n_planted = len(main)
    assert n_planted == 15, n_planted
    yield
    regions = ["TW"] * 40 + ["US"] * 35 + ["HK"] * 25
    for _ in range(150 - n_planted):
        region = rng.choice(regions)
        p, co = lead(region, rng.choice("MF"))
        main.append(row(p, co))
    rng.shuffle(main)
    for a, b in order_pairs:
        ia, ib = main.index(a), main.index(b)
        if ia > ib:
            main[ia], main[ib] = b, a
    rid = 5123456701
    for i, r in enumerate(main, 1):
        r.cells["Record ID"] = str(rid)
        rid += rng.randint(3, 977)
        r.row_no = i + 1
    for key, r in cross_rows.items():
        crow: Row = cross[key + "_row"]
        same_case = r.cells["Email"] == crow.cells["E-mail"]
        plants.append(
            Plant(
                "cross_file_duplicate",
                [crow, r],
                "Email",
                f"lead {r.cells['First Name']} {r.cells['Last Name']} is already a legacy contact "
                f"(same e-mail{'' if same_case else ', different case'})",
                "matched to the existing contact (no new record); lead fields merged",
                "dedupe",
            )
        )
    return main, plants


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[Row], encoding: str, newline: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    for r in rows:
        w.writerow(["" if r.cells.get(h) is None else r.cells[h] for h in header])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(encoding))


def save_xlsx(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed document properties and zip timestamps so the bytes are reproducible."""
    wb.properties.creator = "crmmigrate samples"
    wb.properties.lastModifiedBy = "crmmigrate samples"
    wb.properties.created = XLSX_TIMESTAMP
    wb.properties.modified = XLSX_TIMESTAMP
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # (Workbook.save would stamp "modified" with the current time)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def write_orders(orders: dict[int, list[Row]], notes: list[str]) -> None:
    for m, rows in orders.items():
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "訂單"
        ws.append(ORDER_HEADERS)
        for r in rows:
            ws.append([r.cells[h] for h in ORDER_HEADERS])
        for row in ws.iter_rows(min_row=2):
            date_cell, phone_cell = row[1], row[4]
            if isinstance(date_cell.value, dt.datetime):
                date_cell.number_format = "yyyy-mm-dd hh:mm"
            if isinstance(phone_cell.value, int):
                phone_cell.number_format = "0"
        for col, width in zip("ABCDEFGHI", (17, 17, 10, 10, 17, 30, 10, 8, 8), strict=True):
            ws.column_dimensions[col].width = width
        if m == 6:
            ns = wb.create_sheet("備註")
            for line in notes:
                ns.append([line])
            ns.column_dimensions["A"].width = 60
        save_xlsx(wb, HERE / f_orders(m))


# ----------------------------------------------------------------------------------------------
# Expected counts (from the generator's own bookkeeping)
# ----------------------------------------------------------------------------------------------


def count(plants: list[Plant], file: str, category: str) -> int:
    return sum(1 for p in plants if p.category == category and p.rows[0].file == file)


def compute_expected(
    contacts: list[Row],
    erp: list[Row],
    members: list[Row],
    orders: dict[int, list[Row]],
    leads: list[Row],
    plants: list[Plant],
) -> dict[str, Any]:
    order_rows = [r for m in ORDER_MONTHS for r in orders[m]]

    def distinct(rows: list[Row]) -> int:
        return len({r.pid for r in rows})

    def file_plants(file: str, cat: str) -> int:
        return count(plants, file, cat)

    def pairs(file: str) -> int:
        return sum(1 for p in plants if p.category == "duplicate_pair" and p.rows[0].file == file)

    def blank_key(rows: list[Row], col: str) -> int:
        return sum(1 for r in rows if not str(r.cells.get(col) or "").strip())

    def repeated(rows: list[Row], col: str) -> tuple[int, list[str]]:
        seen: dict[str, int] = {}
        keys: list[str] = []
        n = 0
        for r in rows:
            k = str(r.cells.get(col) or "").strip()
            if not k:
                continue
            if k in seen:
                n += 1
                keys.append(k)
            seen[k] = 1
        return n, keys

    rk_c, rk_c_keys = repeated(contacts, "Contact ID")
    rk_o, rk_o_keys = repeated(order_rows, "訂單編號")
    people = {r.pid for r in contacts + members + leads}
    member_ids = {r.cells["會員編號"] for r in members}
    files: dict[str, Any] = {
        F_CONTACTS: {
            "format": "csv",
            "encoding": "utf-8-sig",
            "bom": True,
            "delimiter": ",",
            "line_terminator": "CRLF",
            "columns": CONTACT_HEADERS,
            "key": "Contact ID",
            "data_rows": len(contacts),
            "blank_key_rows": blank_key(contacts, "Contact ID"),
            "repeated_key_rows": rk_c,
            "repeated_keys": rk_c_keys,
            "invalid_emails": file_plants(F_CONTACTS, "invalid_email"),
            "typo_domain_emails": file_plants(F_CONTACTS, "typo_domain"),
            "blank_emails": sum(1 for r in contacts if not r.cells["E-mail"]),
            "impossible_phones": file_plants(F_CONTACTS, "impossible_phone"),
            "phone_cells_nonblank": sum(
                1 for r in contacts for c in ("Tel", "Mobile") if r.cells[c]
            ),
            "unknown_company_refs": file_plants(F_CONTACTS, "unknown_fk"),
            "blank_company_refs": sum(1 for r in contacts if not r.cells["Company ID"].strip()),
            "all_caps_name_rows": file_plants(F_CONTACTS, "all_caps"),
            "whitespace_cells": file_plants(F_CONTACTS, "whitespace"),
            "fullwidth_rows": file_plants(F_CONTACTS, "fullwidth"),
            "addresses_with_comma": file_plants(F_CONTACTS, "address_comma"),
            "addresses_with_newline": file_plants(F_CONTACTS, "address_newline"),
            "dob_blank": sum(1 for r in contacts if not r.cells["DOB"]),
            "dob_impossible": file_plants(F_CONTACTS, "impossible_date"),
            "dob_ambiguous": file_plants(F_CONTACTS, "ambiguous_date"),
            "duplicate_pairs_planted": pairs(F_CONTACTS),
            "distinct_people": distinct(contacts),
        },
        F_ERP: {
            "format": "csv",
            "encoding": "cp950",
            "bom": False,
            "delimiter": ",",
            "line_terminator": "CRLF",
            "columns": ERP_HEADERS,
            "key": "客戶編號",
            "data_rows": len(erp),
            "blank_key_rows": blank_key(erp, "客戶編號"),
            "repeated_key_rows": repeated(erp, "客戶編號")[0],
            "blank_company_name": sum(1 for r in erp if not r.cells["公司名稱"]),
            "invalid_ubn": file_plants(F_ERP, "invalid_ubn"),
            "blank_ubn": sum(1 for r in erp if not r.cells["統一編號"]),
            "ubn_with_leading_zero": sum(
                1 for r in erp if str(r.cells["統一編號"]).startswith("0")
            ),
            "repeated_ubn_rows": repeated(erp, "統一編號")[0],
            "phones_with_extension": file_plants(F_ERP, "phone_extension"),
            "fullwidth_rows": file_plants(F_ERP, "fullwidth"),
            "unknown_industry_values": file_plants(F_ERP, "unknown_value"),
            "blank_industry": sum(1 for r in erp if not r.cells["產業"]),
            "roc_dates": sum(
                1 for r in erp if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.cells["建立日期"])
            ),
            "duplicate_pairs_planted": pairs(F_ERP),
            "distinct_companies": distinct(erp),
        },
        F_MEMBERS: {
            "format": "csv",
            "encoding": "utf-8",
            "bom": False,
            "delimiter": ",",
            "line_terminator": "LF",
            "columns": MEMBER_HEADERS,
            "key": "會員編號",
            "data_rows": len(members),
            "blank_key_rows": blank_key(members, "會員編號"),
            "repeated_key_rows": repeated(members, "會員編號")[0],
            "invalid_emails": file_plants(F_MEMBERS, "invalid_email"),
            "blank_emails": sum(1 for r in members if not r.cells["Email"]),
            "impossible_phones": 0,
            "fullwidth_rows": file_plants(F_MEMBERS, "fullwidth"),
            "honorific_names": file_plants(F_MEMBERS, "honorific"),
            "birthday_blank": sum(1 for r in members if not r.cells["生日"]),
            "duplicate_pairs_planted": pairs(F_MEMBERS),
            "same_people_as_legacy_contacts": sum(
                1
                for p in plants
                if p.category == "cross_file_duplicate" and p.rows[1].file == F_MEMBERS
            ),
            "distinct_people": distinct(members),
        },
        F_LEADS: {
            "format": "csv",
            "encoding": "utf-8",
            "bom": False,
            "delimiter": ",",
            "line_terminator": "LF",
            "columns": LEAD_HEADERS,
            "key": "Record ID",
            "data_rows": len(leads),
            "blank_key_rows": blank_key(leads, "Record ID"),
            "repeated_key_rows": repeated(leads, "Record ID")[0],
            "invalid_emails": file_plants(F_LEADS, "invalid_email"),
            "blank_emails": sum(1 for r in leads if not r.cells["Email"]),
            "impossible_phones": 0,
            "blank_last_name": sum(1 for r in leads if not r.cells["Last Name"]),
            "blank_company_name": sum(1 for r in leads if not r.cells["Company Name"]),
            "duplicate_pairs_planted": pairs(F_LEADS),
            "already_legacy_contacts": sum(
                1
                for p in plants
                if p.category == "cross_file_duplicate" and p.rows[1].file == F_LEADS
            ),
            "distinct_people": distinct(leads),
        },
    }
    by_file = {f_orders(m): len(orders[m]) for m in ORDER_MONTHS}
    orders_info = {
        "format": "xlsx",
        "sheet": "訂單",
        "columns": ORDER_HEADERS,
        "key": "訂單編號",
        "extra_sheets": {f_orders(6): ["備註"]},
        "notes_sheet_rows": 5,
        "data_rows_per_file": by_file,
        "data_rows": len(order_rows),
        "blank_key_rows": blank_key(order_rows, "訂單編號"),
        "repeated_key_rows": rk_o,
        "repeated_keys": rk_o_keys,
        "distinct_orders": distinct(order_rows),
        "unknown_member_refs": sum(
            1 for r in order_rows if r.cells["會員編號"] and r.cells["會員編號"] not in member_ids
        ),
        "unknown_member_ids": sorted(
            {
                r.cells["會員編號"]
                for r in order_rows
                if r.cells["會員編號"] and r.cells["會員編號"] not in member_ids
            }
        ),
        "blank_member_refs": sum(1 for r in order_rows if not r.cells["會員編號"]),
        "guest_orders_matching_member_phone": sum(
            1 for p in plants if p.category == "guest_order" and len(p.rows) == 2
        ),
        "numeric_phone_cells": sum(1 for r in order_rows if isinstance(r.cells["手機"], int)),
        "text_date_cells": sum(1 for r in order_rows if isinstance(r.cells["訂購日期"], str)),
        "roc_text_dates": file_plants(f_orders(1), "roc_text_date"),
        "text_amount_cells": sum(1 for r in order_rows if isinstance(r.cells["金額"], str)),
        "float_amount_cells": sum(1 for r in order_rows if isinstance(r.cells["金額"], float)),
        "invalid_emails": 0,
        "impossible_phones": 0,
    }
    contact_plus_members = {r.pid for r in contacts + members}
    contact_plus_leads = {r.pid for r in contacts + leads}
    return {
        "generator": {"script": "samples/generate.py", "seed": SEED},
        "files": files,
        "orders": orders_info,
        "cross_file": {
            "members_same_as_legacy_contacts": files[F_MEMBERS]["same_people_as_legacy_contacts"],
            "leads_already_legacy_contacts": files[F_LEADS]["already_legacy_contacts"],
            "guest_orders_matching_member_phone": orders_info["guest_orders_matching_member_phone"],
        },
        "entities": {
            "people_legacy_contacts": files[F_CONTACTS]["distinct_people"],
            "people_shop_members": files[F_MEMBERS]["distinct_people"],
            "people_hubspot_leads": files[F_LEADS]["distinct_people"],
            "people_contacts_plus_members": len(contact_plus_members),
            "people_contacts_plus_leads": len(contact_plus_leads),
            "people_all_sources": len(people),
            "companies_erp": files[F_ERP]["distinct_companies"],
            "orders": orders_info["distinct_orders"],
        },
        "totals": {
            "invalid_emails": sum(f.get("invalid_emails", 0) for f in files.values()),
            "impossible_phones": sum(f.get("impossible_phones", 0) for f in files.values()),
            "duplicate_pairs_within_files": sum(
                f["duplicate_pairs_planted"] for f in files.values()
            ),
            "cross_file_duplicates": sum(1 for p in plants if p.category == "cross_file_duplicate"),
        },
        "planted": [plant_json(p) for p in plants],
    }


def plant_json(p: Plant) -> dict[str, Any]:
    if not p.value and p.category in ("duplicate_pair", "cross_file_duplicate"):

        def show(r: Row) -> str:
            alias = {"Email": ("Email", "E-mail"), "手機": ("手機", "Mobile")}
            cols = [
                c for tok in p.column.split("/") for c in alias.get(tok, (tok,)) if c in r.cells
            ]
            return " ".join(
                str(r.cells[c]) if r.cells[c] not in (None, "") else "(blank)" for c in cols
            )

        p.value = " ⇄ ".join(show(r) for r in p.rows)
    return {
        "category": p.category,
        "rows": [r.ref(key_col_of(r.file)) for r in p.rows],
        "column": p.column,
        "problem": p.problem,
        "value": p.value,
        "expected": p.expected,
        "capability": p.capability,
    }


# ----------------------------------------------------------------------------------------------
# README
# ----------------------------------------------------------------------------------------------


def md(s: Any) -> str:
    s = "" if s is None else str(s)
    return s.replace("|", "\\|").replace("\r", "\\r").replace("\n", "\\n")


def code(s: Any) -> str:
    s = md(s)
    if s == "":
        return "*(blank)*"
    if s != s.strip() or "  " in s:
        return "`" + s.replace(" ", "␠") + "`"
    return f"`{s}`"


def rows_text(p: dict[str, Any]) -> str:
    parts = []
    for r in p["rows"]:
        loc = f"row {r['row']}"
        if r.get("sheet") == "備註":
            loc = "sheet 備註"
        key = (
            f" ({r['key']})"
            if r.get("key")
            else (" (blank key)" if r.get("sheet") != "備註" else "")
        )
        parts.append(f"{r['file']} {loc}{key}")
    return "<br>".join(parts)


def write_readme(exp: dict[str, Any]) -> None:
    f = exp["files"]
    o = exp["orders"]
    e = exp["entities"]
    out: list[str] = []
    w = out.append
    w("# crmmigrate sample migration data set")
    w("")
    w(
        "> **Generated file — do not edit by hand.** `samples/generate.py` writes every data file, "
        "`expected.json` and this README. Edit the generator and re-run it."
    )
    w("")
    w(
        "A fictional company moves its customer data into a new CRM. The data comes from four systems, each with "
        "its own encoding, layout and planted problems. All people, companies, e-mail local parts and phone "
        "numbers are made up (US numbers use the fictional 555-01xx range)."
    )
    w("")
    w("```sh")
    w(".venv/bin/python samples/generate.py          # regenerate (byte-identical on every run)")
    w(
        ".venv/bin/python samples/generate.py --check  # re-read the files and verify them against expected.json"
    )
    w("```")
    w("")
    w(
        "The generator uses a fixed seed (`"
        + exp["generator"]["seed"]
        + "`), the standard library and openpyxl; "
        "workbook properties and zip timestamps are fixed, so re-running it rewrites every file byte-identically. "
        "Every planted problem is hand-written in the script; the random background rows are guarded by a registry "
        "so that they never create an extra duplicate or invalid value, and `check()` re-reads the written files to "
        "recount everything (and, when `phonenumbers` is installed, asserts that every background phone is valid "
        "according to libphonenumber)."
    )
    w("")
    w("## Files")
    w("")
    w("| File | Source system | Format | Encoding | Line ends | Data rows | Key |")
    w("|---|---|---|---|---|---|---|")
    w(
        f"| `legacy_crm/contacts.csv` | old CRM contacts export | CSV, comma | UTF-8 **with BOM** | CRLF | "
        f"{f[F_CONTACTS]['data_rows']} | `Contact ID` |"
    )
    w(
        f"| `erp/accounts.csv` | ERP customer master (Traditional Chinese) | CSV, comma | **Big5 (cp950)**, no BOM | CRLF | "
        f"{f[F_ERP]['data_rows']} | `客戶編號` |"
    )
    w(
        f"| `shop/members.csv` | online shop members | CSV, comma | UTF-8, no BOM | LF | {f[F_MEMBERS]['data_rows']} | `會員編號` |"
    )
    w(
        f"| `shop/orders_2025-01.xlsx` … `orders_2025-12.xlsx` | online shop orders, one workbook per month | "
        f"XLSX, sheet `訂單` | — | — | {o['data_rows']} in total | `訂單編號` |"
    )
    w(
        f"| `hubspot/leads.csv` | HubSpot contacts/leads export | CSV, comma | UTF-8, no BOM | LF | {f[F_LEADS]['data_rows']} | `Record ID` |"
    )
    w(
        "| `expected.json` | the numbers below, machine-readable, plus every planted problem with its rows | JSON | UTF-8 | LF | — | — |"
    )
    w("")
    w("Columns (exact header text):")
    w("")
    for name, cols in (
        (F_CONTACTS, CONTACT_HEADERS),
        (F_ERP, ERP_HEADERS),
        (F_MEMBERS, MEMBER_HEADERS),
        ("shop/orders_2025-MM.xlsx (sheet 訂單)", ORDER_HEADERS),
        (F_LEADS, LEAD_HEADERS),
    ):
        w(f"- `{name}`: " + ", ".join(f"`{c}`" for c in cols))
    w("")
    w("Rows per order workbook (sheet `訂單` only; the `備註` sheet in June is not order data):")
    w("")
    w("| Workbook | " + " | ".join(f"{m:02d}" for m in ORDER_MONTHS) + " | total |")
    w("|---|" + "---|" * (len(ORDER_MONTHS) + 1))
    w(
        "| rows | "
        + " | ".join(str(o["data_rows_per_file"][f_orders(m)]) for m in ORDER_MONTHS)
        + f" | {o['data_rows']} |"
    )
    w("")
    w("## Conventions")
    w("")
    w(
        "- **Row numbers** are the row numbers a spreadsheet shows: the header is row 1, the first data record is "
        "row 2. In `contacts.csv` one record contains an embedded newline, so after that record the *physical* "
        "line number in a text editor is one higher than the row number given here."
    )
    w(
        "- **Keys** in the tables are the row's key value (`Contact ID`, `客戶編號`, `會員編號`, `訂單編號`, `Record ID`)."
    )
    w(
        "- **E-mail validity** is judged after NFKC normalisation and trimming (so the full-width address in the "
        "legacy contacts is *valid*, and a trailing space is a whitespace problem, not an invalid e-mail). "
        "Syntax rule used by the checker: `local@label(.label)*.tld` with an alphabetic TLD of 2+ letters."
    )
    w(
        "- **Phone region**: a phone without a `+` prefix always sits on a row whose country column is filled "
        "(contacts: `Country`; leads: `Country/Region`); ERP, members and orders are all Taiwan. "
        "`886-912-345-678`/`886912345678` are Taiwan numbers written with the country code but no `+`. "
        "Every phone not listed as impossible is valid per libphonenumber for that region (the ERP `分機 12` "
        "extension must be split off first; libphonenumber itself understands `#123`)."
    )
    w(
        "- **Entities**: the *distinct* counts are the number of real-world people / companies / orders after a "
        "perfect dedupe (every planted duplicate merged, nothing else merged). Order recipients and guest buyers "
        "are not counted as people."
    )
    w(
        "- **Capabilities**: *foundation* (read/encodings/sheets), *standardise* (normalise values), *dedupe*, "
        "*validate*, *load* (keys/upserts), *fill+orders* (fill gaps, link orders to members)."
    )
    w("")
    w("## Planted problems")
    w("")
    cats_order = [
        "blank_key",
        "repeated_key",
        "duplicate_pair",
        "cross_file_duplicate",
        "guest_order",
        "unknown_fk",
        "invalid_email",
        "typo_domain",
        "impossible_phone",
        "blank_required",
        "invalid_ubn",
        "blank_ubn",
        "impossible_date",
        "ambiguous_date",
        "fullwidth",
        "all_caps",
        "whitespace",
        "address_comma",
        "address_newline",
        "english_name",
        "phone_extension",
        "unknown_value",
        "honorific",
        "compound_surname",
        "romanised_name",
        "numeric_phone",
        "text_date",
        "roc_text_date",
        "text_amount",
        "notes_sheet",
    ]
    planted = exp["planted"]
    assert {p["category"] for p in planted} <= set(cats_order), {
        p["category"] for p in planted
    } - set(cats_order)
    file_order = [F_CONTACTS, F_ERP, F_MEMBERS, "orders", F_LEADS]
    titles = {
        F_CONTACTS: "legacy_crm/contacts.csv",
        F_ERP: "erp/accounts.csv",
        F_MEMBERS: "shop/members.csv",
        "orders": "shop/orders_2025-*.xlsx",
        F_LEADS: "hubspot/leads.csv",
    }

    def home(p: dict[str, Any]) -> str:
        fl = (
            p["rows"][-1]["file"]
            if p["category"] == "cross_file_duplicate"
            else p["rows"][0]["file"]
        )
        return "orders" if fl.startswith("shop/orders_") else fl

    n = 0
    for fl in file_order:
        items = sorted(
            (p for p in planted if home(p) == fl),
            key=lambda p: (
                cats_order.index(p["category"]),
                p["rows"][0].get("file"),
                p["rows"][0]["row"],
            ),
        )
        w(f"### {titles[fl]}")
        w("")
        w("| # | Row(s) (key) | Column | Problem | Value | Expected outcome | Capability |")
        w("|---|---|---|---|---|---|---|")
        for p in items:
            n += 1
            w(
                f"| {n} | {rows_text(p)} | {md(p['column'])} | {md(p['problem'])} | {code(p['value']) if p['value'] else ''} "
                f"| {md(p['expected'])} | {p['capability']} |"
            )
        w("")
    w(
        "Everything not listed above is clean background data: valid e-mails (lower case), valid phones in "
        "the usual local/international formats, unique names/e-mails/phones/addresses, unambiguous dates "
        "(every background `dd/mm/yyyy` DOB has a day > 12). Blank optional cells (Salutation, E-mail, Tel/Mobile, "
        "DOB, Company ID, 傳真, 網站, 產業, 生日, 性別, Job Title, Lead Status, Country) are normal and not problems."
    )
    w("")
    w(
        "Value variants the standardiser has to map (not counted as problems): Country `Hong Kong`/`HK`/"
        "`Hong Kong SAR`/`香港`, `Taiwan`/`TW`/`台灣`, `United States`/`USA`; Lifecycle Stage `lead`/`Lead`/"
        "`marketingqualifiedlead`/`salesqualifiedlead`/`opportunity`; 性別 `男`/`女`/`M`/`F`; 台北市/臺北市 "
        "(also 台中/臺中, 台南/臺南) in addresses, with or without the 3-digit postal code and with `之` numbers; "
        "ROC dates `民國108年3月5日`, `108/03/05`, `1080305`, `108.3.5` (ERP) and `民國75年3月4日`, `75/03/04` "
        "(members); legacy DOB formats `1985-03-04`, `14/03/1985`, `3 Mar 1985`, `1985/3/4`, `19850304`; "
        "company suffixes `股份有限公司`/`有限公司`/`(股)公司`/`公司`; 網站 with/without scheme."
    )
    w("")
    w("## Expected counts")
    w("")
    w("All numbers are in `expected.json` (same keys as below); tests should read them from there.")
    w("")
    w("| Count | contacts.csv | accounts.csv | members.csv | orders (12 xlsx) | leads.csv |")
    w("|---|---|---|---|---|---|")
    fo = [f[F_CONTACTS], f[F_ERP], f[F_MEMBERS], o, f[F_LEADS]]

    def line(label: str, key: str, *, alt: dict[int, str] | None = None) -> None:
        vals = []
        for i, d in enumerate(fo):
            k = (alt or {}).get(i, key)
            vals.append(str(d[k]) if k in d else "—")
        w(f"| {label} (`{key}`) | " + " | ".join(vals) + " |")

    line("data rows", "data_rows")
    line("rows with a blank key", "blank_key_rows")
    line("repeated keys (rows sharing a key with an earlier row)", "repeated_key_rows")
    line("invalid e-mails", "invalid_emails")
    line("impossible phones", "impossible_phones")
    line("duplicate pairs planted within the file", "duplicate_pairs_planted")
    line(
        "distinct real-world entities",
        "distinct_people",
        alt={1: "distinct_companies", 3: "distinct_orders"},
    )
    w("")
    w("More per-file counts:")
    w("")
    for title, d in (
        (F_CONTACTS, f[F_CONTACTS]),
        (F_ERP, f[F_ERP]),
        (F_MEMBERS, f[F_MEMBERS]),
        ("orders", o),
        (F_LEADS, f[F_LEADS]),
    ):
        items = [
            f"`{k}` = {json.dumps(v, ensure_ascii=False)}"
            for k, v in d.items()
            if k
            not in (
                "columns",
                "format",
                "encoding",
                "bom",
                "delimiter",
                "line_terminator",
                "key",
                "sheet",
                "data_rows_per_file",
            )
        ]
        w(f"- **{title}**: " + "; ".join(items))
    w("")
    c = exp["cross_file"]
    w("Cross-file:")
    w("")
    w(
        f"- shop members who are legacy contacts (Chinese name vs romanised; same e-mail and/or mobile): "
        f"**{c['members_same_as_legacy_contacts']}**"
    )
    w(
        f"- HubSpot leads who are already legacy contacts (same e-mail, 3 of them in another case): "
        f"**{c['leads_already_legacy_contacts']}**"
    )
    w(
        f"- guest orders (blank 會員編號) whose mobile matches a member in another format: "
        f"**{c['guest_orders_matching_member_phone']}** (the other {o['blank_member_refs'] - c['guest_orders_matching_member_phone']} "
        "guests match nobody)"
    )
    w(
        f"- orders referencing a 會員編號 that does not exist: **{o['unknown_member_refs']}** "
        f"(ids {', '.join(o['unknown_member_ids'])}; `M9999` twice)"
    )
    w("")
    w("True entity counts after a perfect dedupe:")
    w("")
    w("| Entity | Count |")
    w("|---|---|")
    labels = {
        "people_legacy_contacts": "people in legacy contacts",
        "people_shop_members": "people in shop members",
        "people_hubspot_leads": "people in HubSpot leads",
        "people_contacts_plus_members": "people in contacts ∪ members (members loaded as contacts)",
        "people_contacts_plus_leads": "people in contacts ∪ leads",
        "people_all_sources": "people across contacts, members and leads",
        "companies_erp": "companies in the ERP",
        "orders": "orders (distinct 訂單編號)",
    }
    for k, v in e.items():
        w(f"| {labels[k]} (`{k}`) | {v} |")
    w("")
    for text in PIPELINE_TODAY:
        w(text)
    (HERE / "README.md").write_text("\n".join(out) + "\n", encoding="utf-8", newline="\n")


# What crmmigrate does with these files today; tests/test_samples.py asserts each line and is
# tightened (with this section) as the standardise, dedupe and fill capabilities land.
PIPELINE_TODAY = [
    "## What the pipeline does with them today",
    "",
    "`make demo` (`crmmigrate run -c samples/crmmigrate.yaml --fail-on never`) gives, per object "
    "(asserted by `tests/test_samples.py`):",
    "",
    "| object | read | rejected | merged | loaded | why rejected / merged |",
    "|---|---|---|---|---|---|",
    "| accounts | 80 | 1 | 3 | 76 | blank 公司名稱 (`required-missing name`); 3 companies entered "
    "twice under different 客戶編號 merged (臺灣/台灣 spelling, (股)公司 = 股份有限公司, one "
    "統一編號 on two rows) |",
    "| contacts | 500 | 3 | 18 | 479 | 2 blank `Contact ID` (`missing-key`); `1987-02-30` "
    "(`invalid-date birthdate`); C00117 and C00162 exported twice (merged, the copy with more data "
    "survives); 8 legacy and 3 member duplicates with different keys and 5 members who are legacy "
    "contacts merged by the dedupe model |",
    "| leads | 150 | 1 | 8 | 141 | 1 blank `Last Name` (`required-missing last_name`; the other "
    "blank one had the full name `Alex Wong` in First Name, split by fill); 2 leads entered twice "
    "merged; 6 leads that are already legacy contacts merged into the contact "
    "(`dedupe/links.csv`) |",
    "| orders | 450 | 0 | 1 | 449 | SO-202503-0017 re-exported in April (merged, the later copy survives: 退貨) |",
    "",
    "Reported as warnings and loaded: 10 invalid e-mails (5 legacy, 3 members, 2 leads; the "
    "legacy `tsang.meiyee@hotmail.com.` is repaired instead — its trailing dot removed, "
    "`email.trailing-dot`), the 4 impossible phones (`invalid-phone`, on their rows), the 3 "
    "統一編號 with bad check digits (`invalid-tax-id`), 6 orders whose 會員編號 is unknown "
    "(loaded without a customer link), 2 contacts whose `Company ID` is unknown, 1 unknown 產業 "
    "value; `03/04/1985` is read day-first (the source's `date_order: DMY`) and flagged "
    "`day-month-assumed`.",
    "",
    "Standardised on the way (asserted row by row): the Big5 file decoded (cp950); full-width "
    "characters, stray spaces and ALL-CAPS names fixed; e-mails lower-cased and the `gmial.com` / "
    "`hotmial.com` typos fixed; phones to E.164 with the ERP extensions (`#163`, `分機 164`) in "
    "`phone_extension` and the order sheets' numeric mobiles given back their leading zero; ROC "
    "and mixed dates to ISO; `NT$1,200` / `10,350元` to numbers; addresses parsed into street, "
    "city, postal code (3+3 codes looked up where missing) and country, 台 → 臺; members' "
    "Chinese full names split (compound surnames 歐陽/司徒/上官 whole, honorifics 先生/小姐 "
    "to the salutation, romanised `Leung Chi Wai` surname-first); company names and countries "
    "normalised; HubSpot picklists (`IN_PROGRESS`, `marketingqualifiedlead`) matched.",
    "",
    "Duplicates (asserted pair by pair, and that nothing else is merged): every planted pair ends "
    "up in one cluster in `dedupe/clusters.csv`, the golden record keeps the most complete "
    "record's values, fills its gaps from the others, moves a second phone to `other_phone` and "
    "logs every other losing value (`merge.lost`) in `changes.parquet`; orders that named a "
    "merged member point at the surviving contact. The 2 guest orders whose mobile is a "
    "member's (in another format) are linked to that member (`dedupe/links.csv`, "
    "`referenced`); the other 2 stay guest orders.",
    "",
    "Gaps filled by the built-in fill rules (`rules/fill.yaml`; every cell in `changes.parquet` "
    "with status `filled`): 8 leads without a Country/Region get the country of their phone "
    "(`fill.derive.country-from-phone`), the lead `Alex Wong` is split into first and last name "
    "(`fill.derive.split-full-name`), and 6 accounts without a 網站 get the one business e-mail "
    "domain their contacts share (`fill.derive.website-from-contacts`; free-mail domains such as "
    "gmail.com or hinet.net are never used). Nothing conflicted (`fill/conflicts.csv` is empty).",
    "",
    "### Customers from the order sheets",
    "",
    "`customers:` in `crmmigrate.yaml` sets the reference date (2026-01-01) and fixed RFM edges, "
    "so the scores below can be checked by hand (asserted by `tests/test_samples.py`). 174 of the "
    "480 clean contacts have orders. 441 of the 449 orders name a customer; the other 8 are listed "
    "in `customers/unmatched_orders.csv`: 6 `unknown-customer` (the 會員編號 that do not exist) "
    "and 2 `guest-no-match`. Orders count towards the surviving contact: member M0184's orders "
    "are on legacy contact C00035, M0163's on M0029 (the same member), and the guest order "
    "SO-202503-0010 on M0005 (linked by phone). Cancelled (已取消) and returned (退貨) orders "
    "count as orders but not as money. Hand-checked customers (R F M: recency ≤ 30/60/120/240 "
    "days scores 5/4/3/2, else 1; frequency ≤ 1/2/3/5 orders scores 1/2/3/4, else 5; monetary "
    "≤ 1,000/3,000/6,000/12,000 TWD scores 1/2/3/4, else 5):",
    "",
    "| customer | orders | first order | last order | total | average | channel | RFM | segment "
    "| why |",
    "|---|---|---|---|---|---|---|---|---|---|",
    "| shop_members:M0001 | 6 | 2025-01-18 | 2025-11-17 | 6639.5 | 1659.88 | 蝦皮 | 454 | "
    "Champions | 45 days; 6 orders; the cancelled 4,470 and the returned 299 are not money |",
    "| shop_members:M0029 | 6 | 2025-01-28 | 2025-12-18 | 35940 | 5990 | 蝦皮 | 555 | Champions "
    "| 3 orders of M0163, the same member, merged in; 14 days |",
    "| legacy_contacts:C00035 | 2 | 2025-07-14 | 2025-09-27 | 6880 | 3440 | 門市 | 324 | "
    "Potential Loyalist | member M0184's orders; 96 days |",
    "| legacy_contacts:C00424 | 2 | 2025-06-21 | 2025-06-23 | 0 | – | 門市 | 221 | Hibernating | "
    "member M0107's orders, both cancelled; 192 days |",
    "| shop_members:M0005 | 1 | 2025-03-06 | 2025-03-06 | 12800 | 12800 | 官網 | 115 | Lost | "
    "the guest order linked by phone; 301 days |",
    "",
    "The 2 ERP accounts whose contacts have orders get those orders' history too. "
    "Segments (`customers/segments.csv` and the reconciliation report): 26 Champions, 39 Loyal, "
    "28 Potential Loyalist, 10 New, 4 Promising, 2 About To Sleep, 18 At Risk, 33 Hibernating, 14 "
    "Lost. Activity (`inactive_before: 2024-01-01`, by the later of the last order and the "
    "creation date): 209 contacts `Active`, 271 `Inactive`; with `archive: true` the inactive "
    "ones, and their orders, would go to `clean/archive/` instead of the CRM.",
    "",
]


# ----------------------------------------------------------------------------------------------
# Check: re-read the written files and recount everything independently
# ----------------------------------------------------------------------------------------------


def read_csv(path: Path, encoding: str) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, rec, strict=True)) for rec in reader]
    return header, rows


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[Any]]:
        out: dict[Any, list[Any]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return [sorted(v) for v in out.values()]


def check(base: Path = HERE) -> None:
    exp = json.loads((base / "expected.json").read_text(encoding="utf-8"))
    got: dict[str, dict[str, Any]] = {}
    try:
        import phonenumbers as _pn

        phonenumbers: Any = _pn
    except ImportError:  # pragma: no cover
        phonenumbers = None

    planted = exp["planted"]

    def planted_rows(file: str, cat: str) -> set[int]:
        return {
            r["row"]
            for p in planted
            if p["category"] == cat
            for r in p["rows"]
            if r["file"] == file
        }

    impossible: dict[str, set[int]] = {}

    def check_phone(file: str, row: int, col: str, raw: Any, region: str | None) -> bool:
        """Returns plausibility; asserts libphonenumber agrees when available."""
        assert region, (file, row, col, raw)
        e164 = phone_e164(raw, region)
        assert e164
        ok = phone_plausible(e164)
        if phonenumbers is not None:
            s = re.sub(r"\s*分機\s*(\d+)$", r" ext. \1", nfkc(str(raw)).strip())
            if isinstance(raw, int):
                s = "0" + s
            try:
                pn_ok = phonenumbers.is_valid_number(phonenumbers.parse(s, region))
            except phonenumbers.NumberParseException:
                pn_ok = False
            assert pn_ok == ok, (file, row, col, raw, pn_ok, ok)
        if not ok:
            impossible.setdefault(file, set()).add(row)
        return ok

    # ---- people signals for the duplicate check
    uf = UnionFind()
    signals: dict[str, list[tuple[str, int]]] = {}

    def add_person(file: str, row: int, name_key: str, email: str, phones: list[str]) -> None:
        node = (file, row)
        uf.find(node)
        for sig in (
            ([f"name:{name_key}"] if name_key else [])
            + ([f"email:{email_key(email)}"] if email.strip() else [])
            + [f"phone:{p}" for p in phones]
        ):
            signals.setdefault(sig, []).append(node)

    # ---- contacts
    raw = (base / F_CONTACTS).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "contacts.csv must start with a UTF-8 BOM"
    header, rows = read_csv(base / F_CONTACTS, "utf-8-sig")
    assert header == CONTACT_HEADERS
    assert raw.count(b"\r\n") == len(rows) + 1 and raw.count(b"\n") == len(rows) + 2, (
        "CRLF + one embedded LF"
    )
    erp_header, erp_rows = read_csv(base / F_ERP, "cp950")
    erp_ids = {r["客戶編號"] for r in erp_rows}
    g: dict[str, Any] = {}
    g["data_rows"] = len(rows)
    g["blank_key_rows"] = sum(1 for r in rows if not r["Contact ID"].strip())
    seen: set[str] = set()
    rk: list[str] = []
    for r in rows:
        k = r["Contact ID"].strip()
        if k and k in seen:
            rk.append(k)
        seen.add(k)
    g["repeated_key_rows"], g["repeated_keys"] = len(rk), rk
    g["invalid_emails"] = sum(
        1 for r in rows if r["E-mail"].strip() and not email_valid(r["E-mail"])
    )
    g["typo_domain_emails"] = sum(
        1
        for r in rows
        if email_valid(r["E-mail"]) and email_key(r["E-mail"]).split("@")[1] in TYPO_DOMAINS
    )
    g["blank_emails"] = sum(1 for r in rows if not r["E-mail"])
    g["phone_cells_nonblank"] = sum(1 for r in rows for c in ("Tel", "Mobile") if r[c])
    for i, r in enumerate(rows, 2):
        for c in ("Tel", "Mobile"):
            if r[c]:
                check_phone(F_CONTACTS, i, c, r[c], region_of(r[c], r["Country"]))
    g["impossible_phones"] = len(impossible.get(F_CONTACTS, set()))
    assert impossible.get(F_CONTACTS, set()) == planted_rows(F_CONTACTS, "impossible_phone")
    g["unknown_company_refs"] = sum(
        1 for r in rows if r["Company ID"].strip() and r["Company ID"].strip() not in erp_ids
    )
    g["blank_company_refs"] = sum(1 for r in rows if not r["Company ID"].strip())

    def all_caps(r: dict[str, str]) -> bool:
        s = nfkc(r["First Name"] + r["Last Name"])
        return any(ch.isalpha() for ch in s) and s == s.upper()

    g["all_caps_name_rows"] = sum(1 for r in rows if all_caps(r))
    g["whitespace_cells"] = sum(1 for r in rows for v in r.values() if v != v.strip() or "  " in v)
    g["fullwidth_rows"] = sum(1 for r in rows if any(FULLWIDTH_RE.search(v) for v in r.values()))
    g["addresses_with_comma"] = sum(1 for r in rows if "," in r["Address"])
    g["addresses_with_newline"] = sum(1 for r in rows if "\n" in r["Address"])
    dob = [parse_dob(r["DOB"])[0] for r in rows]
    assert "bad" not in dob, "unparseable DOB format"
    g["dob_blank"], g["dob_impossible"], g["dob_ambiguous"] = (
        dob.count("blank"),
        dob.count("impossible"),
        dob.count("ambiguous"),
    )
    for i, r in enumerate(rows, 2):
        phones = [
            e
            for c in ("Tel", "Mobile")
            if r[c] and i not in planted_rows(F_CONTACTS, "impossible_phone")
            for e in [phone_e164(r[c], region_of(r[c], r["Country"]) or "")]
            if e
        ]
        add_person(
            F_CONTACTS, i, latin_name_key(r["First Name"], r["Last Name"]), r["E-mail"], phones
        )
    got[F_CONTACTS] = g

    # ---- ERP
    raw = (base / F_ERP).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    try:
        raw.decode("utf-8")
        raise AssertionError("accounts.csv must be Big5, not UTF-8")
    except UnicodeDecodeError:
        pass
    assert raw.count(b"\r\n") == len(erp_rows) + 1
    assert erp_header == ERP_HEADERS
    g = {
        "data_rows": len(erp_rows),
        "blank_key_rows": sum(1 for r in erp_rows if not r["客戶編號"]),
    }
    g["repeated_key_rows"] = len(erp_rows) - len({r["客戶編號"] for r in erp_rows})
    g["blank_company_name"] = sum(1 for r in erp_rows if not r["公司名稱"].strip())
    g["invalid_ubn"] = sum(1 for r in erp_rows if r["統一編號"] and not ubn_valid(r["統一編號"]))
    g["blank_ubn"] = sum(1 for r in erp_rows if not r["統一編號"])
    g["ubn_with_leading_zero"] = sum(1 for r in erp_rows if r["統一編號"].startswith("0"))
    ubns = [r["統一編號"] for r in erp_rows if r["統一編號"]]
    g["repeated_ubn_rows"] = len(ubns) - len(set(ubns))
    g["phones_with_extension"] = sum(1 for r in erp_rows if EXT_RE.search(r["電話"]))
    g["fullwidth_rows"] = sum(
        1 for r in erp_rows if any(FULLWIDTH_RE.search(v) for v in r.values())
    )
    g["unknown_industry_values"] = sum(
        1
        for r in erp_rows
        if r["產業"] and r["產業"] not in ("製造業", "批發零售", "資訊服務", "金融")
    )
    g["blank_industry"] = sum(1 for r in erp_rows if not r["產業"])
    for r in erp_rows:
        assert parse_tw_date(r["建立日期"]), r["建立日期"]
    g["roc_dates"] = sum(
        1 for r in erp_rows if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["建立日期"])
    )
    assert all(v == v.strip() and "  " not in v for r in erp_rows for v in r.values())
    cuf = UnionFind()
    csig: dict[str, list[int]] = {}
    for i, r in enumerate(erp_rows, 2):
        cuf.find(i)
        for c in ("電話", "傳真"):
            if r[c]:
                assert check_phone(F_ERP, i, c, r[c], "TW"), (i, r[c])
        core = nfkc(r["公司名稱"]).replace("台", "臺")
        for suf in ("股份有限公司", "(股)公司", "有限公司", "公司", " Co., Ltd.", " Ltd."):
            if core.endswith(suf):
                core = core[: -len(suf)]
                break
        sigs = (
            ([f"name:{core}"] if core else [])
            + ([f"ubn:{r['統一編號']}"] if r["統一編號"] else [])
            + [f"phone:{phone_e164(r['電話'], 'TW')}"]
            + ([f"fax:{phone_e164(r['傳真'], 'TW')}"] if r["傳真"] else [])
            + [f"addr:{re.sub(r'^[0-9]{3}', '', nfkc(r['地址']).replace('台', '臺'))}"]
        )
        for s in sigs:
            csig.setdefault(s, []).append(i)
    for nodes in csig.values():
        for x in nodes[1:]:
            cuf.union(nodes[0], x)
    comp = [gr for gr in cuf.groups() if len(gr) > 1]
    want = sorted(
        sorted(r["row"] for r in p["rows"])
        for p in planted
        if p["category"] == "duplicate_pair" and p["rows"][0]["file"] == F_ERP
    )
    assert sorted(comp) == want, (comp, want)
    g["duplicate_pairs_planted"] = len(comp)
    g["distinct_companies"] = len(cuf.groups())
    got[F_ERP] = g

    # ---- members
    raw = (base / F_MEMBERS).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    header, mrows = read_csv(base / F_MEMBERS, "utf-8")
    assert header == MEMBER_HEADERS
    g = {"data_rows": len(mrows), "blank_key_rows": sum(1 for r in mrows if not r["會員編號"])}
    g["repeated_key_rows"] = len(mrows) - len({r["會員編號"] for r in mrows})
    g["invalid_emails"] = sum(1 for r in mrows if r["Email"] and not email_valid(r["Email"]))
    g["blank_emails"] = sum(1 for r in mrows if not r["Email"])
    for i, r in enumerate(mrows, 2):
        check_phone(F_MEMBERS, i, "手機", r["手機"], "TW")
        if r["生日"]:
            assert parse_tw_date(r["生日"]), r["生日"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["加入日期"])
    g["impossible_phones"] = len(impossible.get(F_MEMBERS, set()))
    g["fullwidth_rows"] = sum(1 for r in mrows if any(FULLWIDTH_RE.search(v) for v in r.values()))
    g["honorific_names"] = sum(1 for r in mrows if any(h in r["姓名"] for h in HONORIFICS))
    g["birthday_blank"] = sum(1 for r in mrows if not r["生日"])
    assert all(v == v.strip() and "  " not in v for r in mrows for v in r.values())
    for i, r in enumerate(mrows, 2):
        nm = r["姓名"]
        key = (
            latin_name_key(*nm.split(" ", 1)[::-1])
            if re.match(r"[A-Za-z]", nm)
            else "cjk:" + cjk_name_key(nm)
        )
        add_person(F_MEMBERS, i, key, r["Email"], [phone_e164(r["手機"], "TW") or ""])
    got[F_MEMBERS] = g

    # ---- leads
    raw = (base / F_LEADS).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    header, lrows = read_csv(base / F_LEADS, "utf-8")
    assert header == LEAD_HEADERS
    g = {"data_rows": len(lrows), "blank_key_rows": sum(1 for r in lrows if not r["Record ID"])}
    g["repeated_key_rows"] = len(lrows) - len({r["Record ID"] for r in lrows})
    assert all(re.fullmatch(r"\d{10}", r["Record ID"]) for r in lrows)
    g["invalid_emails"] = sum(1 for r in lrows if r["Email"] and not email_valid(r["Email"]))
    g["blank_emails"] = sum(1 for r in lrows if not r["Email"])
    for i, r in enumerate(lrows, 2):
        if r["Phone Number"]:
            check_phone(
                F_LEADS,
                i,
                "Phone Number",
                r["Phone Number"],
                region_of(r["Phone Number"], r["Country/Region"]),
            )
        assert re.fullmatch(r"2025-\d{2}-\d{2} \d{2}:\d{2}", r["Create Date"])
    g["impossible_phones"] = len(impossible.get(F_LEADS, set()))
    g["blank_last_name"] = sum(1 for r in lrows if not r["Last Name"])
    g["blank_company_name"] = sum(1 for r in lrows if not r["Company Name"])
    assert all(v == v.strip() and "  " not in v for r in lrows for v in r.values())
    for i, r in enumerate(lrows, 2):
        phones = (
            [
                phone_e164(
                    r["Phone Number"], region_of(r["Phone Number"], r["Country/Region"]) or ""
                )
                or ""
            ]
            if r["Phone Number"]
            else []
        )
        add_person(F_LEADS, i, latin_name_key(r["First Name"], r["Last Name"]), r["Email"], phones)
    got[F_LEADS] = g

    # ---- people: every shared name/e-mail/phone must be a planted duplicate, and vice versa
    for sig_nodes in signals.values():
        for node in sig_nodes[1:]:
            uf.union(sig_nodes[0], node)
    comps = uf.groups()
    multi = sorted(gr for gr in comps if len(gr) > 1)
    want_groups: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for p in planted:
        if (
            p["category"] in ("duplicate_pair", "repeated_key", "cross_file_duplicate")
            and not p["rows"][0]["file"].startswith("shop/orders")
            and p["rows"][0]["file"] != F_ERP
        ):
            pair_nodes = {(r["file"], r["row"]) for r in p["rows"]}
            merged = set(pair_nodes)
            for n_ in pair_nodes:
                merged |= want_groups.get(n_, set())
            for n_ in merged:
                want_groups[n_] = merged
    want_multi = sorted({tuple(sorted(v)) for v in want_groups.values()})
    assert [tuple(x) for x in multi] == want_multi, (
        [x for x in multi if tuple(x) not in want_multi],
        [x for x in want_multi if list(x) not in multi],
    )
    for f_, g_ in (
        (F_CONTACTS, got[F_CONTACTS]),
        (F_MEMBERS, got[F_MEMBERS]),
        (F_LEADS, got[F_LEADS]),
    ):
        within = [gr for gr in comps if any(n_[0] == f_ for n_ in gr)]
        # distinct people in one file: components restricted to that file
        fuf = UnionFind()
        for gr in within:
            nodes = [n_ for n_ in gr if n_[0] == f_]
            for x in nodes:
                fuf.find(x)
            for x in nodes[1:]:
                fuf.union(nodes[0], x)
        g_["distinct_people"] = len(fuf.groups())
        g_["duplicate_pairs_planted"] = (
            sum(1 for gr in fuf.groups() if len(gr) > 1) - g_["repeated_key_rows"]
        )
    got[F_MEMBERS]["same_people_as_legacy_contacts"] = sum(
        1 for gr in multi if {n_[0] for n_ in gr} == {F_CONTACTS, F_MEMBERS}
    )
    got[F_LEADS]["already_legacy_contacts"] = sum(
        1 for gr in multi if {n_[0] for n_ in gr} == {F_CONTACTS, F_LEADS}
    )
    people_all = len(comps)

    def union_count(files: set[str]) -> int:
        return len([gr for gr in comps if any(n_[0] in files for n_ in gr)])

    # ---- orders
    member_ids = {r["會員編號"] for r in mrows}
    member_phones: dict[str | None, set[str]] = {}
    for r in mrows:
        member_phones.setdefault(phone_e164(r["手機"], "TW"), set()).add(r["會員編號"])
    outside_emails = {
        email_key(r[c])
        for rows_, c in ((rows, "E-mail"), (mrows, "Email"), (lrows, "Email"))
        for r in rows_
        if r[c]
    }
    o: dict[str, Any] = {"data_rows_per_file": {}}
    all_orders: list[dict[str, Any]] = []
    numeric_phone = text_date = text_amount = float_amount = 0
    for m in ORDER_MONTHS:
        wb = openpyxl.load_workbook(base / f_orders(m))
        assert wb.sheetnames == (["訂單", "備註"] if m == 6 else ["訂單"]), wb.sheetnames
        assert wb.properties.modified == XLSX_TIMESTAMP
        ws = wb["訂單"]
        vals = list(ws.iter_rows(values_only=True))
        assert list(vals[0]) == ORDER_HEADERS
        recs: list[dict[str, Any]] = [dict(zip(ORDER_HEADERS, v, strict=True)) for v in vals[1:]]
        o["data_rows_per_file"][f_orders(m)] = len(recs)
        for i, orec in enumerate(recs, 2):
            orec["_file"], orec["_row"] = f_orders(m), i
            assert re.fullmatch(r"SO-2025\d{2}-\d{4}", orec["訂單編號"])
            if isinstance(orec["手機"], int):
                numeric_phone += 1
            if isinstance(orec["訂購日期"], str):
                text_date += 1
                assert parse_tw_date(orec["訂購日期"])
            else:
                assert isinstance(orec["訂購日期"], dt.datetime)
            if isinstance(orec["金額"], str):
                text_amount += 1
            elif isinstance(orec["金額"], float):
                float_amount += 1
            assert parse_amount(orec["金額"]) is not None
            assert orec["通路"] in ("門市", "官網", "蝦皮", "LINE") and orec["狀態"] in (
                "已完成",
                "已取消",
                "退貨",
            )
            if orec["手機"] is not None:
                check_phone(f_orders(m), i, "手機", orec["手機"], "TW")
        all_orders.extend(recs)
        if m == 6:
            notes = [v for v in wb["備註"].iter_rows(values_only=True)]
            o["notes_sheet_rows"] = len(notes)
    o["data_rows"] = len(all_orders)
    o["blank_key_rows"] = sum(1 for r in all_orders if not r["訂單編號"])
    seen = set()
    rk = []
    for r in all_orders:
        if r["訂單編號"] in seen:
            rk.append(r["訂單編號"])
        seen.add(r["訂單編號"])
    o["repeated_key_rows"], o["repeated_keys"] = len(rk), rk
    o["distinct_orders"] = len(seen)
    unknown = [r for r in all_orders if r["會員編號"] and r["會員編號"] not in member_ids]
    o["unknown_member_refs"] = len(unknown)
    o["unknown_member_ids"] = sorted({r["會員編號"] for r in unknown})
    guests = [r for r in all_orders if not r["會員編號"]]
    o["blank_member_refs"] = len(guests)
    o["guest_orders_matching_member_phone"] = sum(
        1 for r in guests if phone_e164(r["手機"], "TW") in member_phones
    )
    for r in unknown + [r for r in guests if phone_e164(r["手機"], "TW") not in member_phones]:
        assert not r["Email"] or email_key(r["Email"]) not in outside_emails
    for r in all_orders:
        if r["會員編號"] in member_ids and r["手機"] is not None:
            assert r["會員編號"] in member_phones.get(phone_e164(r["手機"], "TW"), set()), r
    o["numeric_phone_cells"] = numeric_phone
    o["text_date_cells"] = text_date
    o["roc_text_dates"] = sum(
        1 for r in all_orders if isinstance(r["訂購日期"], str) and r["訂購日期"].startswith("114/")
    )
    o["text_amount_cells"] = text_amount
    o["float_amount_cells"] = float_amount
    o["invalid_emails"] = sum(1 for r in all_orders if r["Email"] and not email_valid(r["Email"]))
    o["impossible_phones"] = sum(1 for f_ in impossible if f_.startswith("shop/orders"))

    # ---- compare with expected.json
    problems: list[str] = []
    for f_, g_ in got.items():
        for k, v in g_.items():
            if exp["files"][f_].get(k) != v:
                problems.append(f"{f_}: {k} expected {exp['files'][f_].get(k)!r}, files say {v!r}")
    for k, v in o.items():
        if exp["orders"].get(k) != v:
            problems.append(f"orders: {k} expected {exp['orders'].get(k)!r}, files say {v!r}")
    ent = {
        "people_legacy_contacts": got[F_CONTACTS]["distinct_people"],
        "people_shop_members": got[F_MEMBERS]["distinct_people"],
        "people_hubspot_leads": got[F_LEADS]["distinct_people"],
        "people_contacts_plus_members": union_count({F_CONTACTS, F_MEMBERS}),
        "people_contacts_plus_leads": union_count({F_CONTACTS, F_LEADS}),
        "people_all_sources": people_all,
        "companies_erp": got[F_ERP]["distinct_companies"],
        "orders": o["distinct_orders"],
    }
    for k, v in ent.items():
        if exp["entities"][k] != v:
            problems.append(f"entities: {k} expected {exp['entities'][k]!r}, files say {v!r}")
    # every planted row reference points at a row whose key matches
    keyed = {F_CONTACTS: rows, F_ERP: erp_rows, F_MEMBERS: mrows, F_LEADS: lrows}
    by_order_pos = {(r["_file"], r["_row"]): r for r in all_orders}
    for p in planted:
        for ref in p["rows"]:
            if ref.get("sheet") == "備註":
                continue
            if ref["file"] in keyed:
                rec = keyed[ref["file"]][ref["row"] - 2]
                k = rec[KEY_COL[ref["file"]]]
            else:
                k = by_order_pos[(ref["file"], ref["row"])]["訂單編號"]
            if (k or "") != ref["key"]:
                problems.append(f"planted {p['category']}: {ref} points at key {k!r}")
    if phonenumbers is None:
        print(
            "note: phonenumbers not installed; libphonenumber validity not checked", file=sys.stderr
        )
    if problems:
        raise AssertionError("check failed:\n  " + "\n  ".join(problems))


# ----------------------------------------------------------------------------------------------


def generate() -> dict[str, Any]:
    reg = Registry()
    erp, erp_plants, companies = build_erp(reg)
    cross: dict[str, Any] = {}
    phased = [
        build_contacts(reg, erp, companies, cross),
        build_members(reg, cross),
        build_leads(reg, cross),
    ]
    for gen in phased:  # phase 1: planted rows of every person file
        next(gen)
    results = []
    for gen in phased:  # phase 2: background rows
        try:
            next(gen)
            raise AssertionError("builder yielded twice")
        except StopIteration as stop:
            results.append(stop.value)
    (contacts, contact_plants), (members, member_plants, persons), (leads, lead_plants) = results
    orders, order_plants, notes = build_orders(reg, members, persons, member_plants)
    plants = contact_plants + erp_plants + member_plants + order_plants + lead_plants

    # in-generator sanity: background never looks like a planted problem
    planted_ids = {id(r) for p in plants for r in p.rows}
    for r in contacts:
        if id(r) in planted_ids:
            continue
        c = r.cells
        assert email_valid(c["E-mail"]) or not c["E-mail"], c
        assert c["E-mail"] == c["E-mail"].lower(), c
        assert all(
            v == v.strip() and "  " not in v and "\n" not in v and "," not in v
            for v in c.values()
            if isinstance(v, str)
        ), c
        assert not FULLWIDTH_RE.search("".join(str(v) for v in c.values())), c
        assert c["Company ID"] == "" or c["Company ID"] in {e.cells["客戶編號"] for e in erp}, c
        assert parse_dob(c["DOB"])[0] in ("ok", "blank"), c
    for r in erp:
        if id(r) not in planted_ids:
            assert r.cells["公司名稱"] and ubn_valid(r.cells["統一編號"]), r.cells
    for r in members:
        if id(r) not in planted_ids:
            assert (
                not r.cells["Email"] or email_valid(r.cells["Email"])
            ) and not FULLWIDTH_RE.search(r.cells["手機"])
    for r in leads:
        if id(r) not in planted_ids:
            assert (
                email_valid(r.cells["Email"]) and r.cells["Last Name"] and r.cells["Company Name"]
            ), r.cells

    write_csv(HERE / F_CONTACTS, CONTACT_HEADERS, contacts, "utf-8-sig", "\r\n")
    write_csv(HERE / F_ERP, ERP_HEADERS, erp, "cp950", "\r\n")
    write_csv(HERE / F_MEMBERS, MEMBER_HEADERS, members, "utf-8", "\n")
    write_csv(HERE / F_LEADS, LEAD_HEADERS, leads, "utf-8", "\n")
    write_orders(orders, notes)
    exp = compute_expected(contacts, erp, members, orders, leads, plants)
    (HERE / "expected.json").write_text(
        json.dumps(exp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )
    write_readme(exp)
    return exp


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        generate()
    check()
    print("samples OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
