"""Standardise 1,000,000 contact rows: the standardise issue's target is <= 20 s, < 3 GB.

Rows carry a full name, email, two phones, birth date, address and company (most phones and
addresses distinct; see datagen.py). Prints wall time, peak memory and the per-field breakdown,
and appends a row to benchmarks/RESULTS.md.

Usage: python benchmarks/bench_standardise.py [--rows N] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from datagen import contacts

from crmmigrate.target_schema import FieldDef, ObjectDef, default_schema_path, load_target_schema
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.standardise.dispatch import FieldStats, FrameStandardiser, SourceContext

HERE = Path(__file__).parent
MARKER = "<!-- standardise-rows -->"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    data = contacts(args.rows)
    gen_s = time.perf_counter() - t0
    contacts_def = load_target_schema(default_schema_path()).objects["contacts"]
    obj = ObjectDef(
        fields={**contacts_def.fields, "company": FieldDef(type="company_name")},
        composites=contacts_def.composites,
    )
    frame = data.drop(columns=["region"]).assign(mailing_country=data["region"])
    frame.insert(0, "_record_id", "bench#" + pd.Series(range(len(frame))).astype(str))
    frame = frame.astype(object)
    distinct = {c: int(frame[c].nunique()) for c in frame.columns if not c.startswith("_")}
    ctx = SourceContext("bench", "TW", "YMD", {}, {})
    stats: dict[str, FieldStats] = {}
    log = ChangeLog()
    t0 = time.perf_counter()
    runner = FrameStandardiser(frame, "contacts", obj, ctx, log, stats)
    runner.run()
    wall = time.perf_counter() - t0
    changes = len(log)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"rows {args.rows:,} (generated in {gen_s:.1f} s); distinct: {distinct}")
    print(
        f"standardise wall {wall:.1f} s; peak RSS {peak:,.0f} MB (largest worker {peak_children:,.0f} MB)"
    )
    for name, seconds in sorted(runner.timings.items(), key=lambda kv: -kv[1]):
        counts = stats.get(f"contacts.{name}")
        statuses = counts.to_dict() if counts else {}
        brief = {k: statuses.get(k) for k in ("ok", "fixed", "invalid", "empty")}
        print(f"  {name:<16} {seconds:6.2f} s  {brief}")
    print(f"change log rows: {changes:,}")
    if args.no_write:
        return
    breakdown = ", ".join(
        f"{k} {v:.1f}" for k, v in sorted(runner.timings.items(), key=lambda kv: -kv[1])
    )
    line = (f"| {dt.date.today()} | {args.rows:,} | {wall:.1f} | {peak:,.0f} | {peak_children:,.0f} | "
            f"{breakdown} |")  # fmt: skip
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    results.write_text(text.replace(MARKER, f"{line}\n{MARKER}"), encoding="utf-8")


if __name__ == "__main__":
    main()
