"""The run report: one frozen model, built once from a run, rendered to JSON and HTML.

It extends the :class:`Reconciliation` with what a person signing off needs besides the counts:
sources and backups, per-field change statistics, validation findings (never values), dedupe
clusters (record ids and source keys only), the load and the timings. ``reconciliation.json`` is
``RunReport.to_dict()``: the reconciliation's keys first, unchanged, then these sections.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmmigrate.masking import mask_url
from crmmigrate.report.reconciliation import Reconciliation, build_reconciliation
from crmmigrate.report.validation_model import ValidationSummary, summarise_validation
from crmmigrate.runs import Run
from crmmigrate.validate.stored import read_validation_header

CLUSTERS = Path("dedupe", "clusters.csv")
BLOCKING = Path("dedupe", "blocking.json")
EXAMPLE_CLUSTERS = 5


@dataclass(frozen=True)
class SourceFile:
    file: str
    sheet: str | None
    encoding: str | None
    rows: int


@dataclass(frozen=True)
class SourceSummary:
    name: str
    object: str
    read: int
    rejected: int
    files: tuple[SourceFile, ...]


@dataclass(frozen=True)
class Backup:
    source: str
    stored: str
    sha256: str
    size: int


@dataclass(frozen=True)
class FieldChange:
    """One field's standardisation outcome, summed over its sources."""

    object: str
    field: str
    ok: int
    fixed: int
    invalid: int
    empty: int
    reasons: dict[str, int]
    flags: dict[str, int]
    notes: tuple[str, ...]  # per source, e.g. "legacy_contacts: date order DMY (...)"

    @property
    def total(self) -> int:
        return self.ok + self.fixed + self.invalid + self.empty

    @property
    def changed(self) -> bool:
        return bool(self.fixed or self.invalid or self.flags)


@dataclass(frozen=True)
class ClusterMember:
    record_id: str
    source: str
    source_key: str
    survivor: bool
    score: float | None


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    object: str
    members: tuple[ClusterMember, ...]


@dataclass(frozen=True)
class DedupeSummary:
    records: int
    clusters: int
    sizes: dict[int, int]  # cluster size → number of clusters
    examples: tuple[Cluster, ...]
    by_object: dict[str, dict[int, int]] = field(default_factory=dict)  # the survivor's object
    # per object, how candidate pairs were chosen (dedupe/blocking.json)
    blocking: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "blocking": self.blocking,
            "records": self.records,
            "clusters": self.clusters,
            "sizes": {str(k): v for k, v in self.sizes.items()},
            "sizes_by_object": {
                obj: {str(k): v for k, v in sizes.items()} for obj, sizes in self.by_object.items()
            },
            "examples": [asdict(c) for c in self.examples],
        }


@dataclass(frozen=True)
class LoadObject:
    object: str
    attempted: int
    inserted: int
    updated: int
    unchanged: int
    failed: int
    excluded: int


@dataclass(frozen=True)
class LoadSummary:
    target: str  # always masked
    mode: str
    dry_run: bool
    forced: bool
    objects: tuple[LoadObject, ...]


@dataclass(frozen=True)
class RunReport:
    """Everything the reconciliation report shows; JSON and HTML both render this."""

    reconciliation: Reconciliation
    created_at: str
    target: str  # masked; the load's target once loaded, else the configured one
    sources: tuple[SourceSummary, ...]
    backups: tuple[Backup, ...]
    clean_timings: dict[str, float]
    field_changes: tuple[FieldChange, ...]
    validation: ValidationSummary | None
    dedupe: DedupeSummary | None
    load: LoadSummary | None
    customers: dict[str, Any] | None = None  # the clean stage's customers-from-orders summary
    fill: dict[str, Any] | None = None  # the clean stage's gap-filling counts

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.reconciliation.to_dict(),
            "created_at": self.created_at,
            "target": self.target,
            "sources": [asdict(s) for s in self.sources],
            "backups": [asdict(b) for b in self.backups],
            "clean_timings": self.clean_timings,
            "validation": self.validation.to_dict() if self.validation else None,
            "dedupe": self.dedupe.to_dict() if self.dedupe else None,
            "fill": self.fill,
            "customers": self.customers,
            "load": asdict(self.load) if self.load else None,
        }


def fill_rows(stats: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    """(object.field, rule, cells filled, values not found) for every rule that did something."""
    counts = stats.get("counts") or {}
    missing = stats.get("not_found") or {}
    rows = []
    for obj, fields in counts.items():
        for fname, rules in fields.items():
            for rule, n in rules.items():
                lost = (missing.get(obj) or {}).get(fname, {}).get(rule, 0)
                if n or lost:
                    rows.append((f"{obj}.{fname}", rule, int(n), int(lost)))
    return rows


def build_report(
    run: Run, rec: Reconciliation | None = None, validation: ValidationSummary | None = None
) -> RunReport:
    """Read the run once and assemble its report (``rec`` and ``validation`` if the caller
    already has them)."""
    rec = rec or build_reconciliation(run)
    manifest = run.manifest()
    stages = manifest.get("stages", {})
    clean = stages.get("clean", {})
    load = stages.get("load")
    if validation is None:
        header = read_validation_header(run.path)
        validation = summarise_validation(header) if header is not None else None
    return RunReport(
        reconciliation=rec,
        created_at=str(manifest.get("created_at", "")),
        target=mask_url(str((load or {}).get("target") or manifest.get("target_url") or "")),
        sources=tuple(_source(s) for s in manifest.get("sources", [])),
        backups=tuple(
            Backup(str(b["source"]), str(b["stored"]), str(b["sha256"]), int(b["size"]))
            for b in manifest.get("backup", [])
        ),
        clean_timings={k: float(v) for k, v in clean.get("timings", {}).items()},
        field_changes=tuple(_field(name, info) for name, info in rec.fields.items()),
        validation=validation,
        dedupe=_dedupe(run.path / CLUSTERS, run.path / BLOCKING),
        load=_load(load) if load else None,
        customers=clean.get("customers"),
        fill=clean.get("fill"),
    )


def _source(info: dict[str, Any]) -> SourceSummary:
    files = tuple(
        SourceFile(str(f["file"]), f.get("sheet"), f.get("encoding"), int(f.get("rows", 0)))
        for f in info.get("files", [])
    )
    return SourceSummary(
        str(info["name"]),
        str(info["object"]),
        int(info.get("read", 0)),
        int(info.get("rejected", 0)),
        files,
    )


def _field(name: str, info: dict[str, Any]) -> FieldChange:
    obj, _, fname = name.partition(".")
    notes = tuple(
        f"{source}: {describe_note(note)}" for source, note in sorted(info.get("notes", {}).items())
    )
    return FieldChange(
        object=obj,
        field=fname,
        ok=int(info.get("ok", 0)),
        fixed=int(info.get("fixed", 0)),
        invalid=int(info.get("invalid", 0)),
        empty=int(info.get("empty", 0)),
        reasons=dict(info.get("reasons", {})),
        flags=dict(info.get("flags", {})),
        notes=notes,
    )


def describe_note(note: dict[str, Any]) -> str:
    """``date_order DMY (evidence: day_first 29, month_first 0)``; contradictions called out."""
    parts = []
    for key, value in note.items():
        if key.endswith(("_evidence", "_contradiction")):
            continue
        shown = value if str(value).isalnum() else f'"{value}"'
        text = f"{key.replace('_', ' ')} {shown}"
        evidence = note.get(f"{key}_evidence")
        if isinstance(evidence, dict) and evidence:
            text += " (evidence: " + ", ".join(f"{k} {v}" for k, v in evidence.items()) + ")"
        if note.get(f"{key}_contradiction"):
            text += " — contradicting evidence"
        parts.append(text)
    return "; ".join(parts) if parts else json.dumps(note, sort_keys=True)


def _dedupe(path: Path, blocking: Path) -> DedupeSummary | None:
    """The clusters of ``dedupe/clusters.csv``: sizes, examples, counts per object.

    A record alone in its cluster (every record, with dedupe off) only counts: the work on
    members, owners and examples is done on the records of multi-record clusters."""
    if not path.is_file():
        return None
    cols = ["record_id", "object", "source", "source_key", "cluster_id", "score", "survivor"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow")
    frame = frame.reindex(columns=cols, fill_value="").fillna("")
    codes, _ = pd.factorize(frame["cluster_id"], use_na_sentinel=False)
    per_record = np.bincount(codes)[codes]  # the size of each record's cluster
    alone = per_record == 1
    merged = frame[~alone]
    sizes = merged.groupby("cluster_id", sort=False).size()
    largest = sizes.sort_index().sort_values(ascending=False, kind="stable")
    examples = []
    for cluster_id in largest.index[:EXAMPLE_CLUSTERS]:
        rows = merged[merged["cluster_id"] == cluster_id]
        members = tuple(
            ClusterMember(
                str(r.record_id),
                str(r.source),
                str(r.source_key),
                str(r.survivor).lower() == "true",
                float(r.score) if str(r.score) else None,
            )
            for r in rows.itertuples(index=False)
        )
        examples.append(Cluster(str(cluster_id), str(rows["object"].iloc[0]), members))
    # a cluster belongs to its survivor's object (a lead merged into a contact: contacts)
    ranked = merged.assign(_kept=merged["survivor"].str.lower() != "true")
    owner = ranked.sort_values("_kept", kind="stable").drop_duplicates("cluster_id")
    owners = owner.set_index("cluster_id")["object"]
    per_cluster = pd.DataFrame({"object": owners.reindex(sizes.index).to_numpy(), "size": sizes})
    counts = per_cluster.groupby(["object", "size"]).size()  # one pass, not one per cluster
    by_object: dict[str, dict[int, int]] = {}
    for (obj, size), n in zip(counts.index, counts.to_numpy(), strict=True):
        by_object.setdefault(str(obj), {})[int(size)] = int(n)
    for obj, n in frame.loc[alone, "object"].value_counts().items():
        by_object.setdefault(str(obj), {})[1] = int(n)
    distribution = sizes.value_counts()
    singles = int(np.count_nonzero(alone))
    size_counts = dict(zip(map(int, distribution.index), map(int, distribution), strict=True))
    if singles:
        size_counts[1] = singles
    return DedupeSummary(
        records=len(frame),
        clusters=len(sizes) + singles,
        sizes=dict(sorted(size_counts.items())),
        examples=tuple(examples),
        by_object={obj: dict(sorted(c.items())) for obj, c in sorted(by_object.items())},
        blocking=json.loads(blocking.read_text("utf-8")) if blocking.is_file() else {},
    )


def _load(info: dict[str, Any]) -> LoadSummary:
    keys = ("attempted", "inserted", "updated", "unchanged", "failed", "excluded")
    objects = tuple(
        LoadObject(str(name), *(int(o.get(k, 0)) for k in keys))
        for name, o in info.get("objects", {}).items()
    )
    return LoadSummary(
        target=mask_url(str(info.get("target", ""))),
        mode=str(info.get("mode", "")),
        dry_run=bool(info.get("dry_run", False)),
        forced=bool(info.get("forced", False)),
        objects=objects,
    )
