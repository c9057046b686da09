"""Vectorised generator of CRM-like contact rows for benchmarks (deterministic per seed).

Mix: ~60% Taiwan, 15% Hong Kong, 15% mainland China, 10% US; most phones, emails and
addresses distinct; names, dates and companies repeat as they do in real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SURNAMES = list(
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴"
)
SURNAMES += ["歐陽", "司徒", "上官", "諸葛"]
GIVEN = list("大文美玲志明淑芬家豪怡君俊傑雅婷建宏佳穎冠宇欣怡承恩子涵宗翰詩涵柏翰思妤庭瑋宥廷心怡")
EN_FIRST = ["John", "Mary", "Peter", "Grace", "David", "Karen", "Kevin", "Emily", "Michael", "Jessica",
            "Tai Man", "Siu Ming", "Mei Ling", "Wing Sze", "Ka Lun", "Hoi Yan", "Chi Keung"]  # fmt: skip
EN_LAST = ["Chan", "Wong", "Lee", "Cheung", "Lau", "Ng", "Smith", "Johnson", "O'Brien",
           "McDonald", "van der Berg", "Tsai", "Lin", "Huang", "Hsu", "Kuo"]  # fmt: skip
DOMAINS = ["gmail.com", "yahoo.com.tw", "hotmail.com", "outlook.com", "msa.hinet.net",
           "netvigator.com", "qq.com", "163.com", "example.com.tw", "GMAIL.COM"]  # fmt: skip
TW_PLACES = [
    ("100", "臺北市", "中正區", "重慶南路一段"), ("106", "台北市", "大安區", "復興南路一段"),
    ("110", "臺北市", "信義區", "信義路五段"), ("104", "台北市", "中山區", "南京東路二段"),
    ("220", "新北市", "板橋區", "文化路一段"), ("231", "新北市", "新店區", "北新路三段"),
    ("300", "新竹市", "東區", "光復路二段"), ("330", "桃園市", "桃園區", "中正路"),
    ("403", "台中市", "西區", "台灣大道二段"), ("407", "臺中市", "西屯區", "文心路三段"),
    ("701", "臺南市", "東區", "中華東路一段"), ("800", "高雄市", "新興區", "中山一路"),
    ("802", "高雄市", "苓雅區", "四維三路"), ("260", "宜蘭縣", "宜蘭市", "中山路二段"),
]  # fmt: skip
HK_PLACES = [("Wan Chai", "Hennessy Road"), ("Central", "Queen's Road Central"),
             ("Mong Kok", "Nathan Road"), ("Sha Tin", "Sha Tin Centre Street"),
             ("Kwun Tong", "Hoi Bun Road"), ("Tsim Sha Tsui", "Canton Road")]  # fmt: skip
CN_PLACES = [("北京市", "北京市", "朝阳区", "建国路"), ("上海市", "上海市", "浦东新区", "世纪大道"),
             ("广东省", "深圳市", "南山区", "科技园路"), ("广东省", "广州市", "天河区", "天河路"),
             ("浙江省", "杭州市", "西湖区", "文三路"), ("江苏省", "南京市", "鼓楼区", "中山北路")]  # fmt: skip
US_PLACES = [("Main Street", "San Francisco", "CA", "941"), ("Broadway", "New York", "NY", "100"),
             ("Oak Avenue", "Seattle", "WA", "981"), ("5th Avenue", "Austin", "TX", "787")]  # fmt: skip
COMPANY_WORDS = ["台灣", "臺灣", "永豐", "宏達", "聯合", "大同", "新光", "遠東", "Acme", "Global",
                 "Pacific", "Formosa", "Golden", "Harbour", "Dragon", "Lotus"]  # fmt: skip
COMPANY_SUFFIX = [
    "股份有限公司",
    "有限公司",
    "(股)公司",
    " Co., Ltd.",
    " Limited",
    " Inc.",
    " Corp.",
]


def _pick(rng: np.random.Generator, items: list, n: int) -> np.ndarray:  # type: ignore[type-arg]
    return np.asarray(items, dtype=object)[rng.integers(0, len(items), n)]


def _digits(rng: np.random.Generator, n: int, width: int) -> pd.Series:
    return pd.Series(rng.integers(0, 10**width, n)).astype(str).str.zfill(width)


def contacts(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` contact rows: full_name, email, phone, mobile, birthdate, address, company."""
    rng = np.random.default_rng(seed)
    region = rng.choice(
        np.array(["TW", "HK", "CN", "US"], dtype=object), n, p=[0.6, 0.15, 0.15, 0.1]
    )
    chinese = (region != "US") & (rng.random(n) < 0.75)
    zh_name = pd.Series(_pick(rng, SURNAMES, n)) + _pick(rng, GIVEN, n) + _pick(rng, GIVEN, n)
    en_name = pd.Series(_pick(rng, EN_FIRST, n)) + " " + _pick(rng, EN_LAST, n)
    name = zh_name.where(chinese, en_name)
    caps = rng.random(n) < 0.05
    name = name.where(~caps, name.str.upper())
    ids = pd.Series(np.arange(n)).astype(str)
    email = ("user." + ids + "@" + pd.Series(_pick(rng, DOMAINS, n))).where(rng.random(n) > 0.05)

    d8 = _digits(rng, n, 8)
    d7 = _digits(rng, n, 7)
    mobile = pd.Series(np.full(n, None, dtype=object))
    tw, hk, cn, us = (region == r for r in ("TW", "HK", "CN", "US"))
    style = rng.integers(0, 3, n)
    tw_mobile = "09" + d8.str[:2] + "-" + d8.str[2:5] + "-" + d8.str[5:]
    tw_mobile = tw_mobile.where(
        style != 1, "+886 9" + d8.str[:2] + " " + d8.str[2:5] + " " + d8.str[5:]
    )
    tw_mobile = tw_mobile.where(style != 2, "09" + d8)
    mobile[tw] = tw_mobile[tw]
    mobile[hk] = ("+852 9" + d7.str[:3] + " " + d7.str[3:])[hk]
    mobile[cn] = ("+86 13" + d8.str[:1] + " " + d8.str[1:5] + " " + d8.str[5:] + "0")[cn]
    mobile[us] = ("(415) 555-01" + d8.str[:2])[us]
    phone = pd.Series(np.full(n, None, dtype=object))
    phone[tw] = ("(02)2" + d7.str[:3] + "-" + d7.str[3:])[tw]
    phone[hk] = ("2" + d7.str[:3] + " " + d7.str[3:])[hk]
    phone[cn] = ("010-6" + d7.str[:3] + "-" + d7.str[3:])[cn]
    phone[us] = ("+1 212 555 01" + d8.str[:2])[us]
    ext = rng.random(n) < 0.05
    phone[ext] = phone[ext] + " #" + d8.str[:3][ext]

    days = rng.integers(0, 25000, n)
    dob = pd.Series(pd.Timestamp("1940-01-01") + pd.to_timedelta(days, unit="D"))
    fmt = rng.integers(0, 4, n)
    birth = dob.dt.strftime("%Y-%m-%d")
    birth = birth.where(fmt != 1, dob.dt.strftime("%Y/%m/%d"))
    birth = birth.where(fmt != 2, dob.dt.strftime("%Y%m%d"))
    roc = "民國" + (dob.dt.year - 1911).astype(str) + "年" + dob.dt.month.astype(str) + "月"
    birth = birth.where(fmt != 3, roc + dob.dt.day.astype(str) + "日")

    no = pd.Series(rng.integers(1, 400, n)).astype(str)
    floor = pd.Series(rng.integers(1, 25, n)).astype(str)
    lane = pd.Series(rng.integers(1, 200, n)).astype(str)
    tw_pick = rng.integers(0, len(TW_PLACES), n)
    twp = (
        pd.DataFrame([TW_PLACES[i] for i in range(len(TW_PLACES))])
        .iloc[tw_pick]
        .reset_index(drop=True)
    )
    tw_addr = twp[0] + twp[1] + twp[2] + twp[3] + lane + "巷" + no + "號" + floor + "樓"
    hkp = pd.DataFrame(HK_PLACES).iloc[rng.integers(0, len(HK_PLACES), n)].reset_index(drop=True)
    hk_addr = "Flat " + lane.str[-1] + ", " + floor + "/F, " + no + " " + hkp[1] + ", " + hkp[0]
    cnp = pd.DataFrame(CN_PLACES).iloc[rng.integers(0, len(CN_PLACES), n)].reset_index(drop=True)
    cn_addr = (
        cnp[0] + cnp[1].where(cnp[0] != cnp[1], "") + cnp[2] + cnp[3] + no + "号" + lane + "室"
    )
    usp = pd.DataFrame(US_PLACES).iloc[rng.integers(0, len(US_PLACES), n)].reset_index(drop=True)
    us_addr = (
        no
        + lane
        + " "
        + usp[0]
        + " Apt "
        + floor
        + ", "
        + usp[1]
        + ", "
        + usp[2]
        + " "
        + usp[3]
        + d8.str[:2]
    )
    address = pd.Series(np.full(n, None, dtype=object))
    address[tw] = tw_addr[tw]
    address[hk] = hk_addr[hk]
    address[cn] = cn_addr[cn]
    address[us] = us_addr[us]

    firm = pd.Series(_pick(rng, COMPANY_WORDS, n)) + pd.Series(rng.integers(0, 500, n)).astype(str)
    company = firm + _pick(rng, COMPANY_SUFFIX, n)
    return pd.DataFrame(
        {
            "full_name": name.astype(object),
            "email": email.astype(object),
            "phone": phone,
            "mobile_phone": mobile,
            "birthdate": birth.astype(object),
            "mailing_address": address,
            "company": company.astype(object),
            "region": region,
        }
    )
