"""Benchmark: standardise 1,000,000 mostly distinct addresses (60% TW, 15% HK, 15% CN, 10% US/UK).

Taiwan addresses are built on real roads of the shipped Chunghwa Post 3+3 data (sampled by row,
so long roads with many scope rules come up often), mainland ones on the shipped division table.

    .venv/bin/python benchmarks/bench_address.py [--rows 1000000] [--seed 7]

Prints the wall and CPU time of ``standardise`` (data generation excluded), the load average
around it (other jobs on the machine skew the wall time), the status counts and the peak RSS of
the process. ``CRMMIGRATE_WORKERS=1`` runs it on one thread.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise import _address_cn, _address_twzip
from crmmigrate.transform.standardise.address import standardise

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HK_STREETS = [
    "Nathan Road",
    "Castle Peak Road",
    "Hennessy Road",
    "Electric Road",
    "Argyle Street",
    "Kwun Tong Road",
    "Queen's Road Central",
    "Des Voeux Road West",
    "Tai Po Road",
]
HK_ZH = [
    ("九龍", "旺角", "彌敦道"),
    ("香港島", "灣仔", "軒尼詩道"),
    ("新界", "沙田", "大埔道"),
    ("九龍", "觀塘", "觀塘道"),
    ("香港島", "銅鑼灣", "怡和街"),
]
HK_DISTRICTS = ["Mong Kok", "Tsim Sha Tsui", "Wan Chai", "Causeway Bay", "Sha Tin", "Kwun Tong"]
BUILDINGS = [
    "Harbour View Mansion",
    "Golden Court",
    "Sun Wah House",
    "Jade Terrace",
    "Lucky Building",
]
CN_STREETS = ["人民路", "中山路", "解放大道", "建设路", "和平街", "新华大街", "科技园南路"]
US = [
    ("Boston", "MA", "021"),
    ("Chicago", "IL", "606"),
    ("Seattle", "WA", "981"),
    ("Austin", "TX", "787"),
]
US_STREETS = ["Washington St", "Elm Street", "Park Ave", "Lake Shore Dr", "N Main St", "Broadway"]
UK = [("London", "SW1A"), ("Manchester", "M1"), ("Leeds", "LS1"), ("Bristol", "BS8")]


def taiwan(rng: np.random.Generator, n: int) -> list[str]:
    rows = _address_twzip.tables().roads.merge(
        _address_twzip.tables().districts, on=["city", "area"]
    )
    pick = rows.iloc[rng.integers(0, len(rows), n)]
    out = []
    for i, (city, area, road, zip3) in enumerate(
        pick[["city", "area", "road", "zip3"]].itertuples(index=False)
    ):
        r = rng.random()
        no = int(rng.integers(1, 400))
        text = f"{road}{no}號" if r < 0.6 else f"{road}{int(rng.integers(1, 300))}巷{no}號"
        if r > 0.8:
            text = text.replace("號", f"之{int(rng.integers(1, 9))}號")
        if rng.random() < 0.7:
            text += (
                f"{int(rng.integers(1, 30))}樓"
                if rng.random() < 0.8
                else f"{int(rng.integers(1, 30))}F"
            )
        head = city.replace("臺", "台") if i % 3 == 0 else city
        text = head + area + text
        if rng.random() < 0.4:
            text = zip3 + text
        if rng.random() < 0.05:
            text = text.translate(FULLWIDTH)
        out.append(text)
    return out


def hong_kong(rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for i in range(n):
        no, floor = int(rng.integers(1, 500)), int(rng.integers(1, 40))
        flat = "ABCDEFGH"[i % 8]
        if i % 2:
            region, dist, street = HK_ZH[i % len(HK_ZH)]
            out.append(f"香港{region}{dist}{street}{no}號{floor}樓{flat}室")
        else:
            text = f"Flat {floor}{flat} {BUILDINGS[i % len(BUILDINGS)]} {no} {HK_STREETS[i % len(HK_STREETS)]}"
            if i % 4 == 0:
                text += f", {HK_DISTRICTS[i % len(HK_DISTRICTS)]}, Hong Kong"
            out.append(text)
    return out


def china(rng: np.random.Generator, n: int) -> list[str]:
    d = _address_cn.divisions()
    counties = d[d["level"] == "3"].merge(
        d[d["level"] == "2"], left_on="parent", right_on="code", suffixes=("", "_city")
    )
    counties = counties.merge(
        d[d["level"] == "1"], left_on="parent_city", right_on="code", suffixes=("", "_prov")
    )
    pick = counties.iloc[rng.integers(0, len(counties), n)]
    out = []
    for i, (county, city, prov) in enumerate(
        pick[["name", "name_city", "name_prov"]].itertuples(index=False)
    ):
        head = city if prov == city else prov + city
        text = f"{head}{county}{CN_STREETS[i % len(CN_STREETS)]}{int(rng.integers(1, 2000))}号"
        if i % 3 == 0:
            text += f"{int(rng.integers(1, 30))}{int(rng.integers(1, 20)):02d}室"
        out.append(text)
    return out


def english(rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for i in range(n):
        no = int(rng.integers(1, 9999))
        if i % 3 == 2:
            town, area = UK[i % len(UK)]
            out.append(f"{no} High Street, {town} {area} {int(rng.integers(1, 9))}AA")
        else:
            city, state, zip3 = US[i % len(US)]
            unit = f" Apt {int(rng.integers(1, 40))}B" if i % 4 == 0 else ""
            text = (
                f"{no} {US_STREETS[i % len(US_STREETS)]}{unit}, {city}, {state} {zip3}{i % 100:02d}"
            )
            out.append(text.upper() if i % 10 == 0 else text)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.rows
    counts = [int(n * 0.6), int(n * 0.15), int(n * 0.15)]
    texts = taiwan(rng, counts[0]) + hong_kong(rng, counts[1]) + china(rng, counts[2])
    texts += english(rng, n - sum(counts))
    order = rng.permutation(len(texts))
    series = pd.Series(np.asarray(texts, dtype=object)[order], dtype="str")
    del texts
    print(f"rows: {len(series):,}  distinct: {series.nunique():,}")
    _address_twzip.tables()  # data loading is timed separately
    workers = os.environ.get("CRMMIGRATE_WORKERS", "2")
    load = os.getloadavg()
    start, cpu = time.perf_counter(), time.process_time()
    result = standardise(series, country="TW")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"standardise: {elapsed:.2f} s wall, {cpu:.2f} s CPU, {workers} worker thread(s)")
    print(f"load average before/after: {load[0]:.2f} / {os.getloadavg()[0]:.2f}")
    print("status:", result.counts())
    print("flags:", result.flag_counts())
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
