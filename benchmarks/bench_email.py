"""E-mail standardiser benchmark: a column of N distinct, realistic addresses.

Usage: python benchmarks/bench_email.py [--rows N] [--domains D] [--repeat R]

Addresses: mixed-case names on a weighted mix of webmail providers (Taiwan, Hong Kong, China,
English-speaking) and D company domains, about 1 % of them messy (mistyped domains, spaces,
``mailto:``, full-width forms, invalid shapes) so the per-value path is exercised too.
Prints the first (cold caches) and the best of R runs, wall and CPU seconds; the target is at most 2 s for 1,000,000 distinct addresses.
"""

from __future__ import annotations

import argparse
import random
import time

import pandas as pd

from crmmigrate.transform.standardise.email import standardise

PROVIDERS = [
    ("gmail.com", 30),
    ("yahoo.com.tw", 10),
    ("hotmail.com", 8),
    ("outlook.com", 5),
    ("msa.hinet.net", 3),
    ("yahoo.com.hk", 3),
    ("netvigator.com", 2),
    ("qq.com", 4),
    ("163.com", 3),
    ("126.com", 1),
    ("icloud.com", 2),
    ("yahoo.com", 2),
]
SYLLABLES = ["hong", "sheng", "yi", "tai", "guo", "hua", "ming", "ocean", "global", "asia", "gold"]
COMPANY_SUFFIXES = [".com.tw", ".com", ".com.hk", "-tech.com", ".co.uk", ".cn", ".net"]
MESSY = [
    "{}@gmial.com",
    " {}@gmail.com ",
    "mailto:{}@outlook.com",
    "{}＠yahoo.com.tw",
    "{}@hotmail.com.",
    "{}.gmail.com",
    "{}@@qq.com",
    "{}@yahoo.con.tw",
    "Info <{}@acme.com>",
]


def make_addresses(rows: int, domains: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    companies = [
        "".join(rng.choices(SYLLABLES, k=2)) + f"{i}{rng.choice(COMPANY_SUFFIXES)}"
        for i in range(domains)
    ]
    names, weights = zip(*PROVIDERS, strict=True)
    firsts = [
        "ann",
        "Chih-Hao",
        "mei.ling",
        "JOHN",
        "wing",
        "sfhuang",
        "david",
        "xiaoming",
        "service",
    ]
    out = []
    for i in range(rows):
        local = f"{rng.choice(firsts)}.{i}"
        if rng.random() < 0.01:
            out.append(rng.choice(MESSY).format(local))
            continue
        domain = rng.choices(names, weights)[0] if rng.random() < 0.7 else rng.choice(companies)
        out.append(f"{local}@{domain}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--domains", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    series = pd.Series(make_addresses(args.rows, args.domains), dtype=object)
    times, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = standardise(series)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    best = min(times)
    counts = result.counts()
    print(
        f"email: {args.rows:,} distinct addresses, {args.domains:,} company domains: "
        f"first {times[0]:.2f} s (cpu {cpu[0]:.2f}), best {best:.2f} s (cpu {min(cpu):.2f}) "
        f"of {args.repeat} ({args.rows / best:,.0f}/s); "
        f"statuses {counts}; "
        f"flags {result.flag_counts()}"
    )


if __name__ == "__main__":
    main()
