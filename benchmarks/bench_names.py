"""Benchmark: person-name and company-name standardisers on generated CRM-like columns.

Usage: python benchmarks/bench_names.py [--rows 1000000]
Budget (issue 3): first/last/full names of 1M rows (≈200k distinct) ≤ 2 s; 1M company names
(≈50k distinct) ≤ 1 s. Numbers live here and in the reply, never in unit tests.
"""

from __future__ import annotations

import argparse
import random
import time

import pandas as pd

from crmmigrate.transform.standardise import company, name

CJK_SURNAMES = [
    *"陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭詹胡施沈余盧梁趙顏柯翁魏孫戴",
    *("歐陽", "司徒", "上官", "陈", "张", "刘", "杨"),
]
CJK_GIVEN = list(
    "大文美玲志明淑芬家豪小明雅婷怡君俊宏建華宗翰冠宇佩珊詩涵欣怡嘉欣靜雯子豪文傑"
    "思妤振宇婉婷國峰承翰柏信筱曉薇郁哲瑋恩惠如世品妤心玉萱育誠耀達麗鑫凱祥"
)
ROMAN_SURNAMES = ["Chan", "Wong", "Lee", "Cheung", "Lau", "Leung", "Ho", "Lam", "Ng", "Tsang",
                  "Chen", "Lin", "Huang", "Chang", "Wu", "Liu", "Tsai", "Yang", "Hsu", "Cheng"]  # fmt: skip
ROMAN_GIVEN = ["Tai", "Man", "Siu", "Ming", "Ka", "Yan", "Chi", "Keung", "Wai", "Hoi", "Ching",
               "Mei", "Ling", "Hsin", "Yi", "Chia", "Wei", "Yu", "Ting", "Hao", "Kit", "Wing"]  # fmt: skip
EN_FIRST = ["John", "Mary", "Peter", "Sarah", "David", "Emily", "Michael", "Laura", "James",
            "Grace", "Daniel", "Rachel", "Kevin", "Amy", "Brian", "Helen", "Andrew", "Megan"]  # fmt: skip
EN_LAST = ["Smith", "Walker", "O'Brien", "McDonald", "Turner", "Collins", "Evans", "van der Berg",
           "Roberts", "Mitchell", "Baker", "Murphy", "Cooper", "MacLeod", "Price", "Hughes"]  # fmt: skip
CO_WORDS = list("瑞展智鈺昇立宏群祐騰詠緯冠富泰安捷倫嘉順晉豐采洋鴻碩台臺灣永鼎聯恆泓")
CO_TRADE = ["科技", "投資", "電子", "貿易", "物流", "化工", "光電", "機械", "紡織", "食品",
            "生技", "資訊"]  # fmt: skip
CO_SUFFIX = ["股份有限公司", "(股)公司", "有限公司", "公司", "（股）公司", "股份有限公司台北分公司"]
EN_CO = ["Acme", "Bluepeak", "Contoso", "Fabrikam", "Northwind", "Litware", "Tailspin", "Proseware",
         "Harbourline", "Kestrel", "Jadeport", "Orchid", "Summit", "Maple", "Formosa", "Lumen"]  # fmt: skip
EN_TRADE = ["Trading", "Analytics", "Logistics", "Foods", "Systems", "Labs", "Media", "Robotics"]
EN_SUFFIX = ["Co., Ltd.", "CO LTD", "Co.,Ltd", "Limited", "Inc.", "Corp.", "Ltd", "LLC", ""]


def person(rng: random.Random) -> tuple[str, str, str]:
    kind = rng.random()
    if kind < 0.55:
        last = rng.choice(CJK_SURNAMES)
        first = "".join(rng.sample(CJK_GIVEN, rng.choice((1, 2, 2, 2))))
        full = last + first
        if rng.random() < 0.03:
            full += rng.choice((" 先生", "小姐", "女士"))
        return first, last, full
    if kind < 0.8:
        last = rng.choice(ROMAN_SURNAMES)
        a, b = rng.sample(ROMAN_GIVEN, 2)
        first = f"{a}-{b.lower()}" if rng.random() < 0.3 else f"{a} {b}"
        full = f"{last} {first}" if rng.random() < 0.5 else f"{first} {last}"
    else:
        first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
        full = f"{first} {rng.choice(EN_FIRST)} {last}" if rng.random() < 0.3 else f"{first} {last}"
    r = rng.random()
    if r < 0.05:
        first, last, full = first.upper(), last.upper(), full.upper()
    elif r < 0.08:
        full = rng.choice(("Mr. ", "Ms ", "DR ", "Mrs. ")) + full
    elif r < 0.1:
        full = f"  {full}  "
    return first, last, full


def company_name(rng: random.Random) -> str:
    if rng.random() < 0.7:
        base = "".join(rng.sample(CO_WORDS, 3)) + rng.choice(CO_TRADE)
        return base + rng.choice(CO_SUFFIX)
    base = f"{rng.choice(EN_CO)} {rng.choice(EN_CO)} {rng.choice(EN_TRADE)}"
    out = f"{base} {rng.choice(EN_SUFFIX)}".strip()
    return out.upper() if rng.random() < 0.1 else out


def frame(rows: int, seed: int = 11) -> pd.DataFrame:
    rng = random.Random(seed)
    people_by_full: dict[str, tuple[str, str, str]] = {}
    while len(people_by_full) < rows // 5:  # 200k distinct full names per 1M rows
        first, last, full = person(rng)
        people_by_full.setdefault(full, (first, last, full))
    people = list(people_by_full.values())
    distinct_companies: dict[str, None] = {}
    while len(distinct_companies) < rows // 20:  # 50k distinct company names per 1M rows
        distinct_companies[company_name(rng)] = None
    companies = list(distinct_companies)
    picks = [rng.randrange(len(people)) for _ in range(rows)]
    parts = zip(*(people[i] for i in picks), strict=True)
    columns = dict(zip(("first", "last", "full"), parts, strict=True))
    columns["company"] = tuple(rng.choice(companies) for _ in range(rows))
    return pd.DataFrame(columns, dtype=object)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N (the machine is shared)")
    args = parser.parse_args()
    data = frame(args.rows)
    print(f"rows {len(data):,}; distinct " + ", ".join(f"{c} {data[c].nunique():,}" for c in data))
    timings = {}
    for label, fn, col in (
        ("first", name.standardise, "first"),
        ("last", name.standardise, "last"),
        ("full (split)", name.split, "full"),
        ("company", company.standardise, "company"),
    ):
        best, cpu = float("inf"), float("inf")
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = fn(data[col])
            best = min(best, time.perf_counter() - started)
            cpu = min(cpu, time.process_time() - started_cpu)
        timings[label] = best
        print(f"{label:14} {best:6.2f} s wall {cpu:6.2f} s cpu  {result.counts()}")
    names = timings["first"] + timings["last"] + timings["full (split)"]
    print(f"names total    {names:6.2f} s  (budget 2 s)")
    print(f"company        {timings['company']:6.2f} s  (budget 1 s)")


if __name__ == "__main__":
    main()
