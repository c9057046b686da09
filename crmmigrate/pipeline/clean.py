"""``clean``: backup → extract → map → standardise → merge → resolve references → write a run."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import yaml

from crmmigrate.config import Project
from crmmigrate.extract.backup import backup_copies, backup_sources
from crmmigrate.extract.readers import read_table
from crmmigrate.frames import concat_rows
from crmmigrate.masking import has_secret, mask_url
from crmmigrate.pipeline.frames import RUN_CONFIG
from crmmigrate.pipeline.sources import label, resolve_sources
from crmmigrate.progress import Progress, no_progress
from crmmigrate.report.reconciliation import build_reconciliation, write_reconciliation
from crmmigrate.runs import Run, create_run, output_checksums, write_json_atomic
from crmmigrate.safecsv import write_csv as write_safe_csv
from crmmigrate.target_schema import EXTERNAL_ID, ObjectDef
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.consolidate import consolidate
from crmmigrate.transform.dedupe.crm import (
    blocking_report,
    dedupe_objects,
    default_rules_path,
    load_rules,
    read_decisions,
)
from crmmigrate.transform.dedupe.merge import merge_repeated_keys
from crmmigrate.transform.dedupe.spec import DedupeRules
from crmmigrate.transform.dedupe.survivorship import CONFLICT_COLUMNS
from crmmigrate.transform.fill import CONFLICT_COLUMNS as FILL_CONFLICT_COLUMNS
from crmmigrate.transform.fill import FillRules, fill_objects, load_fill_rules
from crmmigrate.transform.fill import default_rules_path as default_fill_rules_path
from crmmigrate.transform.mapping import REJECT_COLUMNS, map_source
from crmmigrate.transform.references import resolve_references
from crmmigrate.transform.standardise.dispatch import FieldStats, SourceContext, standardise_frame
from crmmigrate.validate.severities import severities_for
from crmmigrate.yamlio import load_yaml


@dataclass(frozen=True)
class CleanResult:
    run: Run
    objects: dict[str, dict[str, int]]
    changes: int
    dedupe: dict[str, Any] = field(default_factory=dict)
    customers: dict[str, Any] | None = None
    fill: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run.run_id,
            "run_dir": str(self.run.path),
            "objects": [{"object": name, **counts} for name, counts in self.objects.items()],
            "changes": self.changes,
            "dedupe": self.dedupe,
            "customers": self.customers,
            "fill": self.fill,
        }


def content_hash(frame: pd.DataFrame, fields: list[str]) -> pd.Series:
    """A stable 64-bit hash of a record's field values (what an upsert compares)."""
    if not fields:
        return pd.Series(["0" * 16] * len(frame), index=frame.index, dtype=object)
    hashed = pd.util.hash_pandas_object(frame[sorted(fields)].astype(object), index=False)
    return hashed.map(lambda h: f"{h:016x}").astype(object)


def clean_project(
    project: Project,
    *,
    runs_dir: Path | None = None,
    write_csv: bool = False,
    progress: Progress = no_progress,
) -> CleanResult:
    """Run the clean stage for a checked project; returns the new run."""
    started = time.monotonic()
    timings: dict[str, float] = {}
    progress("checking sources against the config")
    sources = resolve_sources(project, check=True)
    # the dedupe and fill rules are read and checked now: a mistake in one stops the run
    # before it starts, not after every source has been read
    dedupe = _DedupeInput.read(project) if project.config.dedupe.enabled else None
    fill_rules = _fill_rules(project) if project.config.fill.enabled else None
    run = create_run(
        runs_dir or project.runs_dir, config_path=project.path, config_hash=project.config_hash
    )
    with run.lock():
        _copy_config(project, run.sub(RUN_CONFIG, "crmmigrate.yaml"))
        shutil.copyfile(project.schema.path or "", run.sub(RUN_CONFIG, "target_schema.yaml"))
        # rule files travel with the run, so validate and load work on the run alone
        for i, rule_file in enumerate(project.config.rules):
            source = project.resolve(rule_file)
            shutil.copyfile(source, run.sub(RUN_CONFIG, "rules", f"{i:02d}_{source.name}"))

        t0 = time.monotonic()
        progress("backing up sources")
        all_files = [p for s in sources for p in s.files]
        backup = backup_sources(all_files, run.path / "backup", project.base_dir)
        copies = backup_copies(backup, run.path / "backup", project.base_dir)
        timings["backup"] = time.monotonic() - t0

        log = ChangeLog()
        stats: dict[str, FieldStats] = {}
        per_object: dict[str, list[pd.DataFrame]] = {}
        # the fields a mapped field or composite fills (phone extension, a second phone or
        # e-mail, money's currency, an address's parts), whether or not a value came this time
        derived: dict[str, set[str]] = {}
        rejected: list[pd.DataFrame] = []
        source_info: list[dict[str, Any]] = []
        objects: dict[str, dict[str, int]] = {}
        t_extract = t_transform = 0.0
        for sf in sources:
            src = sf.source
            t0 = time.monotonic()
            tables = []
            for i, path in enumerate(sf.files):
                progress(f"reading {src.name}", i, len(sf.files), "files")
                copy = copies[Path(os.path.abspath(path)).resolve()]
                read = read_table(
                    copy,
                    encoding=src.encoding,
                    sheet=src.sheet,
                    delimiter=src.delimiter,
                    label=label(project, path),
                )
                # lineage names the source as the user knows it; the bytes came from its copy
                tables += [replace(t, path=path) for t in read]
            t_extract += time.monotonic() - t0
            t0 = time.monotonic()
            files = [
                {
                    "file": label(project, t.path),
                    "sheet": t.sheet,
                    "encoding": t.encoding,
                    "rows": len(t.frame),
                }
                for t in tables
            ]
            mapped = map_source(tables, src, base_dir=str(project.base_dir))
            del tables  # the raw frames: only the mapped records go on (memory at 1M rows)
            obj = project.schema.objects[src.object]
            ctx = SourceContext(
                name=src.name,
                country=project.country(src),
                date_order=project.date_order(src),
                project_options=project.config.standardise,
                field_options=src.standardise,
            )
            records, read_count, rejected_part = mapped.records, mapped.read, mapped.rejected
            del mapped
            frame = standardise_frame(
                records, src.object, obj, ctx, log=log, stats=stats, progress=progress
            )
            del records  # the standardised frame replaces it
            t_transform += time.monotonic() - t0
            per_object.setdefault(src.object, []).append(frame)
            del frame
            derived.setdefault(src.object, set()).update(_derived_fields(obj, src.fields))
            rejected.append(rejected_part)
            counts = objects.setdefault(src.object, {"read": 0, "rejected": 0, "merged": 0})
            counts["read"] += read_count
            counts["rejected"] += len(rejected_part)
            source_info.append(
                {
                    "name": src.name,
                    "object": src.object,
                    "read": read_count,
                    "rejected": len(rejected_part),
                    "files": files,
                }
            )
        timings["extract"] = t_extract

        t0 = time.monotonic()
        progress("merging repeated keys")
        frames: dict[str, pd.DataFrame] = {}
        provided: dict[str, set[str]] = {}
        clusters: dict[str, pd.DataFrame] = {}
        conflicts: list[pd.DataFrame] = []
        for obj_name in list(per_object):
            fields = list(project.schema.objects[obj_name].fields)
            parts = per_object.pop(obj_name)  # the parts live on only in the concatenation
            frame = pd.concat(parts, ignore_index=True)
            del parts
            # what the sources map, and what the mapped fields and composites fill
            provided[obj_name] = set(frame.columns) | derived.get(obj_name, set())
            for fname in fields:
                if fname not in frame.columns:
                    frame[fname] = None
            text = [c for c in frame.columns if c != "_source_row"]
            # columns only some sources have come back from concat as NaN: the contract is None
            frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
            merged = merge_repeated_keys(frame, obj_name, [f for f in fields if f in frame], log)
            conflicts.append(merged.conflicts)
            clusters[obj_name] = merged.clusters
            objects[obj_name]["merged"] = merged.merged
            frames[obj_name] = merged.records
            del frame, merged
        ref_stats = resolve_references(frames, project)
        dedupe_stats: dict[str, Any] = {"enabled": project.config.dedupe.enabled}
        if dedupe is not None:
            progress("finding duplicates")
            frames, dedupe_stats = _dedupe(
                project, dedupe, run, frames, clusters, objects, log, conflicts, progress
            )
        fill_stats: dict[str, Any] = {"enabled": project.config.fill.enabled}
        fill_conflicts = pd.DataFrame(columns=FILL_CONFLICT_COLUMNS)
        if fill_rules is not None:
            progress("filling gaps")
            frames, fill_stats, fill_conflicts = _fill(project, fill_rules, run, frames, log)
        customers = consolidate(frames, project.schema, project.config.customers, log)
        archived: dict[str, pd.DataFrame] = {}
        if customers is not None:
            progress("consolidating customers from orders")
            frames, archived = customers.frames, customers.archived
            if customers.stats["created"]:  # the customer object may have had no source
                counts = objects.setdefault(
                    customers.stats["customer_object"], {"read": 0, "rejected": 0, "merged": 0}
                )
                counts["created"] = customers.stats["created"]
            for obj_name, frame in archived.items():
                objects[obj_name]["archived"] = len(frame)
        for obj_name, frame in frames.items():
            fields = list(project.schema.objects[obj_name].fields)
            frame["_content_hash"] = content_hash(frame, fields)
            objects[obj_name]["clean"] = len(frame)
        timings["transform"] = t_transform + time.monotonic() - t0

        t0 = time.monotonic()
        progress("writing the run")
        for obj_name, frame in frames.items():
            obj = project.schema.objects[obj_name]
            kept = _provided_only(frame, provided.get(obj_name, set()), obj)
            _write_frame(kept, run.sub("clean", f"{obj_name}.parquet"), write_csv)
        for obj_name, frame in archived.items():
            obj = project.schema.objects[obj_name]
            kept = _provided_only(frame, provided.get(obj_name, set()), obj)
            _write_frame(kept, run.sub("clean", "archive", f"{obj_name}.parquet"), True)
        if customers is not None:
            write_safe_csv(customers.unmatched, run.sub("customers", "unmatched_orders.csv"))
            write_safe_csv(customers.segments, run.sub("customers", "segments.csv"))
        rej = pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame()
        rej = rej.reindex(columns=REJECT_COLUMNS).rename(columns=lambda c: c.lstrip("_"))
        write_safe_csv(rej, run.sub("clean", "rejected.csv"))
        changes = log.table()
        pq.write_table(changes, run.sub("changes.parquet"))
        write_safe_csv(
            pd.concat(list(clusters.values()), ignore_index=True), run.sub("dedupe", "clusters.csv")
        )
        conflict_frame = concat_rows(conflicts, CONFLICT_COLUMNS)
        write_safe_csv(conflict_frame, run.sub("dedupe", "conflicts.csv"))
        write_safe_csv(fill_conflicts, run.sub("fill", "conflicts.csv"))
        dedupe_stats["conflicts"] = len(conflict_frame)
        timings["write"] = time.monotonic() - t0
        timings["total"] = time.monotonic() - started

        run.update_manifest(
            sources=source_info,
            backup=[vars(b) for b in backup],
            schema=project.schema.name,
            target_url=mask_url(project.config.target.url),
            target_batch_size=project.config.target.batch_size,
            severities=severities_for(project.config),
        )
        stage = {
            "status": "writing reports",
            "seconds": round(timings["total"], 3),
            "timings": {k: round(v, 3) for k, v in timings.items()},
            "objects": objects,
            "fields": {k: v.to_dict() for k, v in sorted(stats.items())},
            "references": ref_stats,
            "dedupe": dedupe_stats,
            "fill": fill_stats,
            "customers": customers.stats if customers is not None else None,
            "changes": changes.num_rows,
        }
        run.record_stage("clean", stage)
        write_reconciliation(run, build_reconciliation(run))
        # the last write: until the stage says "done" the run is incomplete and every command
        # refuses it (an interrupted or killed clean is never taken for a good one)
        run.record_stage("clean", {**stage, "status": "done", "outputs": output_checksums(run)})
    return CleanResult(
        run,
        objects,
        changes.num_rows,
        dedupe_stats,
        customers.stats if customers else None,
        fill_stats,
    )


@dataclass(frozen=True)
class _DedupeInput:
    """The dedupe rules and the reviewer's decisions, read before the run starts."""

    rules: DedupeRules
    rules_path: Path | None  # None: the built-in rules
    decisions: pd.DataFrame
    decisions_path: Path | None

    @classmethod
    def read(cls, project: Project) -> _DedupeInput:
        settings = project.config.dedupe
        rules_path = project.resolve(settings.rules) if settings.rules else None
        decisions_path = project.resolve(settings.decisions) if settings.decisions else None
        return cls(
            load_rules(rules_path, project.schema),
            rules_path,
            read_decisions(decisions_path),
            decisions_path,
        )


def _fill_rules(project: Project) -> FillRules:
    rules = project.config.fill.rules
    return load_fill_rules(project.resolve(rules) if rules else None, project.schema)


def _dedupe(
    project: Project,
    given: _DedupeInput,
    run: Run,
    frames: dict[str, pd.DataFrame],
    clusters: dict[str, pd.DataFrame],
    objects: dict[str, dict[str, int]],
    log: ChangeLog,
    conflicts: list[pd.DataFrame],
    progress: Progress,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Fuzzy dedupe and cross-object links; folds the results into ``clusters``/``objects``."""
    shutil.copyfile(given.rules_path or default_rules_path(), run.sub(RUN_CONFIG, "dedupe.yaml"))
    decisions = given.decisions
    if given.decisions_path is not None and given.decisions_path.is_file():
        shutil.copyfile(given.decisions_path, run.sub(RUN_CONFIG, "dedupe_decisions.csv"))
    outcome = dedupe_objects(frames, project.schema, given.rules, decisions, log, progress)
    for obj_name, found in outcome.clusters.items():
        base = clusters[obj_name]
        final = found.set_index("record_id")
        # a record merged by repeated key follows its survivor into the survivor's cluster
        moved = base["cluster_id"].map(final["cluster_id"])
        base["cluster_id"] = moved.where(moved.notna(), base["cluster_id"])
        in_final = base["record_id"].map(final["survivor"])
        base["survivor"] = base["survivor"].astype(bool) & in_final.fillna(False).astype(bool)
        score = base["record_id"].map(final["score"])
        base["score"] = score.where(score.notna() & (score != ""), base["score"])
    for obj_name, count in outcome.merged.items():
        objects[obj_name]["merged"] += count
    conflicts.append(outcome.conflicts)
    write_safe_csv(outcome.review, run.sub("dedupe", "review.csv"))
    write_safe_csv(outcome.links, run.sub("dedupe", "links.csv"))
    write_json_atomic(run.sub("dedupe", "blocking.json"), blocking_report(outcome.stats))
    write_json_atomic(run.sub("dedupe", "model.json"), outcome.models)
    stats = dict(outcome.stats)
    stats["enabled"] = True
    stats["decisions"] = len(decisions)
    return outcome.frames, stats


def _fill(
    project: Project, rules: FillRules, run: Run, frames: dict[str, pd.DataFrame], log: ChangeLog
) -> tuple[dict[str, pd.DataFrame], dict[str, Any], pd.DataFrame]:
    """Gap filling by the fill rules (copied into the run); returns frames, stats, conflicts."""
    given = project.config.fill.rules
    shutil.copyfile(
        project.resolve(given) if given else default_fill_rules_path(),
        run.sub(RUN_CONFIG, "fill.yaml"),
    )
    outcome = fill_objects(frames, project.schema, rules, log)
    stats = {
        "enabled": True,
        "filled": outcome.filled,
        "counts": outcome.counts,
        "not_found": outcome.not_found,
        "conflicts": len(outcome.conflicts),
    }
    return outcome.frames, stats, outcome.conflicts


def _copy_config(project: Project, snapshot: Path) -> None:
    """The config as it was, except that a password in ``target.url`` is masked: a run never
    stores a secret (``load`` takes the password from the config, --target or the environment)."""
    original = project.path.read_text(encoding="utf-8")
    text = original
    url = project.config.target.url
    if has_secret(url):
        text = original.replace(url, mask_url(url))
        if url in text or url not in original:
            # written with quotes or escapes the plain replacement did not meet: store the
            # parsed config with the masked URL instead (comments are lost, no secret is kept)
            data = load_yaml(project.path)
            data.setdefault("target", {})["url"] = mask_url(url)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    snapshot.write_text(text, encoding="utf-8")


def _derived_fields(obj: ObjectDef, mapped: Iterable[str]) -> set[str]:
    """The fields that the mapped fields and composites of a source fill when they have a
    value to give: they belong to the source even in a run where none came."""
    out: set[str] = set()
    for name in mapped:
        fdef = obj.fields.get(name)
        if fdef is not None:
            out.update(f for f in (fdef.extension, fdef.second) if f)
            if fdef.type == "money" and "currency" in obj.fields:
                out.add("currency")
        composite = obj.composites.get(name)
        if composite is not None:
            out.update(composite.parts.values())
    return out


def _provided_only(frame: pd.DataFrame, provided: set[str], obj: ObjectDef) -> pd.DataFrame:
    """The frame without the fields nothing gave a value: no source maps them (nor fills them
    from a mapped field) and no stage (fill, customers) filled one in any record.

    A clean frame holds only what the run knows. ``load`` inserts an absent field with the
    table's default (NULL where it has none) and leaves it alone on update, so a field somebody
    keeps in the target CRM (a title typed in after the first load) is not overwritten with
    NULL by a later load that never had it.
    """
    fields = obj.fields
    absent = [
        name
        for name in fields
        if name in frame.columns and name not in provided and not frame[name].notna().any()
    ]
    return frame.drop(columns=absent) if absent else frame


def _write_frame(frame: pd.DataFrame, path: Path, write_csv: bool) -> None:
    ordered = [c for c in frame.columns if c.startswith("_")] + [
        c for c in frame.columns if not c.startswith("_")
    ]
    ordered.remove(EXTERNAL_ID)
    ordered.insert(ordered.index("_source_key") + 1, EXTERNAL_ID)
    frame = frame[ordered]
    frame.to_parquet(path, index=False)
    if write_csv:
        write_safe_csv(frame, path.with_suffix(".csv"))
