"""Benchmark the phone standardiser: two columns of 1M mostly distinct, realistically messy phones.

Mix per row: TW 55%, HK 15%, CN 15%, US 10%, others (GB, SG, MY, JP, MO) 5%, each in the forms
people type (dashes, spaces, brackets, +/00/no country code, lost leading zeros, full-width,
labels), ~3% with an extension, ~0.5% with two numbers, ~2% junk. The region of each row comes
from its country, as a country column would give it.

    .venv/bin/python benchmarks/bench_phone.py [--rows 1000000] [--seed 7]

Prints seconds, values/s, the share decided by the fast path, and peak RSS (this process and
the largest pool worker, if a pool was used).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise import _phone_fast, phone

COUNTRIES = np.array(["TW", "HK", "CN", "US", "GB", "SG", "MY", "JP", "MO"])
WEIGHTS = np.array([0.55, 0.15, 0.15, 0.10, 0.01, 0.01, 0.01, 0.01, 0.01])
JUNK = ["N/A", "無", "-", "0000000", "123", "待補", "unknown", "同上", "n/a", "?", "0", "xxx"]
EXTENSIONS = [
    " #{}",
    " # {}",
    " ext. {}",
    " ext {}",
    " x{}",
    " Ext.{}",
    " 分機 {}",
    "分機{}",
    "轉{}",
    ",{}",
]
LABELS = ["Tel: ", "TEL ", "電話：", "手機 ", "Mobile: "]
HK_PREFIXES = ["21", "23", "24", "25", "26", "27", "28", "29", "52", "53", "55", "59", "61", "62",
               "63", "64", "65", "66", "67", "68", "69", "90", "91", "92", "93", "94", "95", "96",
               "97", "98"]  # fmt: skip
CN_MOBILE = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
             "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183",
             "185", "186", "187", "188", "189", "198", "199"]  # fmt: skip
FULL_WIDTH = str.maketrans("0123456789+-()", "０１２３４５６７８９＋－（）")


def _digits(rng: np.random.Generator, n: int, k: int) -> list[str]:
    return [f"{x:0{k}d}" for x in rng.integers(0, 10**k, n)]


def _tw(r: np.random.Generator, d: str) -> str:
    if r.random() < 0.6:  # mobile 09xx-xxx-xxx
        m = "9" + d[:8]
        return str(
            r.choice(
                [
                    f"0{m[:3]}-{m[3:6]}-{m[6:]}",
                    f"0{m}",
                    f"0{m[:3]} {m[3:6]} {m[6:]}",
                    f"+886 {m[:3]} {m[3:6]} {m[6:]}",
                    f"+886-{m[:3]}-{m[3:6]}-{m[6:]}",
                    f"886{m}",
                    m,
                    f"(+886){m}",
                    f"+886{m}",
                ],
                p=[0.35, 0.25, 0.1, 0.08, 0.05, 0.04, 0.08, 0.02, 0.03],
            )
        )
    area, local = [("2", "2" + d[:7]), ("2", "8" + d[:7]), ("4", "2" + d[:7]), ("7", "3" + d[:6]),
                   ("3", "4" + d[:6]), ("6", "2" + d[:6])][int(r.integers(0, 6))]  # fmt: skip
    a, b = local[:-4], local[-4:]
    return str(
        r.choice(
            [
                f"0{area}-{a}-{b}",
                f"(0{area}){a}-{b}",
                f"0{area} {a} {b}",
                f"0{area}{local}",
                f"+886 {area} {a} {b}",
                f"+886 (0){area} {a} {b}",
                f"00886 {area} {a} {b}",
                f"+886-{area}-{a}-{b}",
                f"{area}{local}",
            ],
            p=[0.35, 0.2, 0.1, 0.1, 0.08, 0.04, 0.04, 0.05, 0.04],
        )
    )


def _hk(r: np.random.Generator, d: str) -> str:
    n = str(r.choice(HK_PREFIXES)) + d[:6]
    return str(
        r.choice(
            [
                f"{n[:4]} {n[4:]}",
                n,
                f"+852 {n[:4]} {n[4:]}",
                f"(852) {n[:4]}-{n[4:]}",
                f"852-{n[:4]}-{n[4:]}",
                f"+852-{n}",
                f"00852 {n}",
            ],
            p=[0.35, 0.2, 0.2, 0.1, 0.05, 0.05, 0.05],
        )
    )


def _cn(r: np.random.Generator, d: str) -> str:
    if r.random() < 0.75:
        m = str(r.choice(CN_MOBILE)) + d[:8]
        return str(
            r.choice(
                [
                    f"{m[:3]} {m[3:7]} {m[7:]}",
                    f"{m[:3]}-{m[3:7]}-{m[7:]}",
                    m,
                    f"+86 {m[:3]} {m[3:7]} {m[7:]}",
                    f"+86{m}",
                    f"0086 {m}",
                    f"86-{m}",
                ],
                p=[0.2, 0.2, 0.35, 0.1, 0.08, 0.04, 0.03],
            )
        )
    area, local = [("10", "6" + d[:7]), ("21", "5" + d[:7]), ("755", "8" + d[:7])][d.count("7") % 3]
    return str(
        r.choice(
            [
                f"0{area}-{local[:4]}-{local[4:]}",
                f"0{area}-{local}",
                f"+86-{area}-{local}",
                f"(0{area}){local}",
                f"+86 {area} {local[:4]} {local[4:]}",
            ],
        )
    )


def _us(r: np.random.Generator, d: str) -> str:
    a = str(r.choice(["212", "415", "646", "312", "617", "206", "713", "305", "702", "503"]))
    x = str(r.integers(2, 10)) + d[:2]
    line = d[2:6]
    return str(
        r.choice(
            [
                f"({a}) {x}-{line}",
                f"{a}.{x}.{line}",
                f"{a}-{x}-{line}",
                f"+1 {a} {x} {line}",
                f"1-{a}-{x}-{line}",
                f"{a}{x}{line}",
                f"+1 ({a}) {x}-{line}",
            ],
        )
    )


def _other(r: np.random.Generator, country: str, d: str) -> str:
    q = str(r.integers(2, 9)) + d[1:4]  # four digits, not starting 0, 1 or 9
    m = str(r.choice(list("45789")))
    forms = {
        "GB": [
            f"020 7{d[:3]} {d[3:7]}",
            f"+44 20 3{d[:3]} {d[3:7]}",
            f"07{m}{d[:2]} {d[2:8]}",
            f"+44 7{m}{d[:2]} {d[2:8]}",
        ],
        "SG": [f"+65 9{q[:3]} {d[4:8]}", f"6{q[:3]} {d[4:8]}", f"8{q[1:4]}{d[4:8]}"],
        "MY": [f"012-{q[:3]} {d[4:8]}", f"+60 16-{q[:3]} {d[4:8]}", f"019-{q[:3]}{d[4:8]}"],
        "JP": [f"03-{q}-{d[4:8]}", f"090-{q}-{d[4:8]}", f"+81 90 {q} {d[4:8]}"],
        "MO": [f"62{d[:2]} {d[2:6]}", f"+853 65{d[:6]}", f"(853) 63{d[:2]} {d[2:6]}"],
    }[country]
    return str(r.choice(forms))


def generate(rows: int, seed: int) -> pd.DataFrame:
    """Two phone columns of ``rows`` values and the country (region) of each row."""
    rng = np.random.default_rng(seed)
    country = rng.choice(COUNTRIES, size=rows, p=WEIGHTS)
    columns = {}
    for col in ("phone", "mobile"):
        digits = _digits(rng, rows, 9)
        kind = rng.random(rows)
        out = []
        for c, d, k in zip(country.tolist(), digits, kind.tolist(), strict=True):
            if k < 0.02:
                out.append(str(rng.choice(JUNK)))
                continue
            make = {"TW": _tw, "HK": _hk, "CN": _cn, "US": _us}.get(c)
            value = make(rng, d) if make else _other(rng, c, d)
            if k < 0.05:
                value += str(rng.choice(EXTENSIONS)).format(d[-3:].lstrip("0") or "1")
            elif k < 0.055:
                value += " / " + (make(rng, d[::-1]) if make else _other(rng, c, d[::-1]))
            elif k < 0.065:
                value = str(rng.choice(LABELS)) + value
            elif k < 0.07:
                value = value.translate(FULL_WIDTH)
            out.append(value)
        columns[col] = out
    return pd.DataFrame({**columns, "country": country})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    t0 = time.perf_counter()
    frame = generate(args.rows, args.seed)
    gen = time.perf_counter() - t0
    values = 2 * len(frame)
    distinct = pd.concat([frame["phone"], frame["mobile"]]).nunique()
    print(f"generated {values:,} phones ({distinct:,} distinct) in {gen:.1f} s")

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    decided: list[tuple[int, int]] = []  # (decided by the fast path, distinct pairs) per call
    decide = _phone_fast.decide

    def counting(texts, *args):  # type: ignore[no-untyped-def]
        got = decide(texts, *args)
        decided.append((int(got.done.sum()), len(texts)))
        return got

    _phone_fast.decide = counting
    start = time.perf_counter()
    results = [phone.standardise(frame[c], region=frame["country"]) for c in ("phone", "mobile")]
    seconds = time.perf_counter() - start
    _phone_fast.decide = decide

    counts: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for r in results:
        for k, v in r.counts().items():
            counts[k] = counts.get(k, 0) + v
        for k, v in r.reasons().items():
            reasons[k] = reasons.get(k, 0) + v
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"standardised {values:,} phones in {seconds:.2f} s ({values / seconds:,.0f} values/s)")
    fast_done, pairs = (sum(x) for x in zip(*decided, strict=True))
    print(f"fast path decided {fast_done:,} of {pairs:,} distinct (value, region) pairs")
    print(f"statuses {counts}")
    print(f"reasons {reasons}")
    print(
        f"peak RSS {own:,.0f} MB ({before:,.0f} MB before standardising; "
        f"largest pool worker: {children:,.0f} MB)"
    )


if __name__ == "__main__":
    main()
