"""``load``: load a validated run into the target and reconcile every record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from sqlalchemy.engine import make_url

from crmmigrate.errors import CrmMigrateError, UsageError
from crmmigrate.load.bundles import BundleKind, BundleResult, write_bundle
from crmmigrate.load.checkpoint import (
    CHECKPOINT_FILE,
    BatchProgress,
    read_checkpoint,
    write_checkpoint,
)
from crmmigrate.load.loader import LoadMode, LoadResult, load_frames, mask_url
from crmmigrate.load.rollback import RollbackResult, rollback_load
from crmmigrate.load.schema_diff import SchemaMismatchError
from crmmigrate.load.verify import Verification, verify_load
from crmmigrate.masking import MASK
from crmmigrate.pipeline.frames import read_clean_frames
from crmmigrate.pipeline.validate import run_schema
from crmmigrate.progress import Progress, no_progress
from crmmigrate.report.reconciliation import (
    Reconciliation,
    build_reconciliation,
    write_reconciliation,
)
from crmmigrate.runs import Run, verify_run, write_json_atomic
from crmmigrate.safecsv import write_csv
from crmmigrate.validate.stored import read_error_findings

TARGET_ENV = "CRMMIGRATE_TARGET_URL"
DEFAULT_BATCH_SIZE = 10_000
CHECKPOINT_EVERY = 0.5  # seconds
BEFORE_IMAGES = "before_images.jsonl"
ROLLBACK_CONFLICTS = "rollback_conflicts.csv"
SCHEMA_DIFF = "schema_diff.txt"
ERROR_COLUMNS = [
    "object",
    "record_id",
    "source",
    "source_file",
    "source_sheet",
    "source_row",
    "source_key",
    "external_id",
    "stage",
    "reason",
]


@dataclass(frozen=True)
class LoadStageResult:
    run: Run
    target: str
    result: LoadResult
    excluded: dict[str, int]
    reconciliation: Reconciliation
    verification: Verification | None = None  # None for a dry run

    @property
    def failed_rows(self) -> int:
        return sum(o.failed for o in self.result.objects)

    @property
    def verified(self) -> bool:
        return self.verification is None or self.verification.ok

    @property
    def ok(self) -> bool:
        return self.failed_rows == 0 and self.reconciliation.balanced and self.verified

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run.run_id,
            "target": self.target,
            "dry_run": self.result.dry_run,
            "objects": [
                {**vars(o), "excluded": self.excluded.get(o.object, 0)} for o in self.result.objects
            ],
            "resumed": self.result.resumed,
            "migrated": list(self.result.migrated),
            "verification": None if self.verification is None else self.verification.to_dict(),
            "reconciliation": self.reconciliation.to_dict(),
        }


def resolve_target_url(cli_url: str | None, run: Run) -> str:
    """--target, else $CRMMIGRATE_TARGET_URL, else the config's (SQLite paths config-relative).

    ``${NAME}`` in the URL is replaced by the environment variable NAME, so a config can keep its
    password out of the file. A run stores the config's URL masked: when it had a password, the
    URL is read again from the config the run was made from.
    """
    manifest = run.manifest()
    url = cli_url or os.environ.get(TARGET_ENV) or _config_url(run, manifest)
    url = _expand_env(url)
    try:
        parsed = make_url(url)
    except Exception:
        raise UsageError(f"target URL {mask_url(url)!s} is not a valid SQLAlchemy URL") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        db = Path(parsed.database)
        if not db.is_absolute() and not cli_url:
            base = Path(manifest.get("config", ".")).parent
            url = parsed.set(database=str(base / db)).render_as_string(hide_password=False)
    return url


def _config_url(run: Run, manifest: dict[str, Any]) -> str:
    stored = str(manifest.get("target_url") or "sqlite:///crm.db")
    if MASK not in stored:
        return stored
    config = Path(str(manifest.get("config", "")))
    current = _url_in_config(config)
    if current is None or mask_url(current) != stored:
        raise UsageError(
            f"run {run.run_id}: the target URL {stored} had a password, which a run never "
            f"stores, and {config} no longer gives that URL",
            hint=f"pass --target URL or set ${TARGET_ENV} (or write ${{NAME}} for the password "
            "in the config's target.url and set NAME)",
        )
    return current


def _url_in_config(config: Path) -> str | None:
    from crmmigrate.config import load_config  # only when a password has to be read back

    try:
        return load_config(config).config.target.url
    except CrmMigrateError:
        return None


_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand_env(url: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise UsageError(
                f"target URL {mask_url(url)} uses ${{{name}}}, which is not set",
                hint=f"export {name}=... before running",
            )
        return quote(os.environ[name], safe="")

    return _ENV_REF.sub(value, url)


def load_run(
    run: Run,
    *,
    target: str | None = None,
    mode: LoadMode = "upsert",
    dry_run: bool = False,
    force: bool = False,
    batch_size: int | None = None,
    migrate_schema: bool = False,
    verify_sample: int = 200,
    progress: Progress = no_progress,
) -> LoadStageResult:
    """Load a validated run. Records with validation errors are excluded and reported.

    A target whose tables differ from the schema is a UsageError; every difference is written
    to ``load/schema_diff.txt``.

    After a real load the target is read back (:func:`verify_load`): counts, key-field checksums
    and a seeded sample compared field by field; a mismatch makes the result not ``ok``.
    """
    started = time.monotonic()
    manifest = verify_run(run).manifest()
    if batch_size is None:  # the config's target.batch_size, as the run recorded it
        batch_size = int(manifest.get("target_batch_size") or DEFAULT_BATCH_SIZE)
    validate = manifest.get("stages", {}).get("validate")
    if validate is None and not force:
        raise UsageError(
            f"run {run.run_id} has not been validated",
            hint=f"run `crmmigrate validate {run.path}` first, or pass --force",
        )
    if validate is not None and validate.get("status") != "passed" and not force:
        raise UsageError(
            f"run {run.run_id} failed validation",
            hint="fix the findings in validation.json, or pass --force to load the valid records",
        )
    url = resolve_target_url(target, run)
    with run.lock():
        checkpoint = _Checkpoint(run, mask_url(url), mode)
        frames = read_clean_frames(run)
        excluded_rows = _excluded(run, frames)
        excluded = {o: int((excluded_rows["object"] == o).sum()) for o in frames}
        to_load = {
            o: f[~f["_record_id"].isin(set(excluded_rows["record_id"]))].reset_index(drop=True)
            for o, f in frames.items()
        }
        try:
            result = load_frames(
                to_load,
                run_schema(run),
                url,
                run_id=run.run_id,
                mode=mode,
                batch_size=batch_size,
                dry_run=dry_run,
                resume=not dry_run and not checkpoint.completed,
                on_batch=_batches(None if dry_run else checkpoint, progress),
                migrate_schema=migrate_schema,
            )
        except SchemaMismatchError as mismatch:
            report = run.sub("load", SCHEMA_DIFF)
            report.write_text(mismatch.report(), encoding="utf-8")
            raise UsageError(
                f"{mismatch.message}; every difference is listed in {report}", hint=mismatch.hint
            ) from None
        out = run.path / "load"
        out.mkdir(exist_ok=True)
        if not dry_run:
            checkpoint.finish()
            _write_before_images(out / BEFORE_IMAGES, result)
        write_csv(result.success, out / "success.csv")
        errors = pd.concat(
            [excluded_rows, result.errors.assign(stage="load")], ignore_index=True
        ).reindex(columns=ERROR_COLUMNS)
        write_csv(errors, out / "errors.csv")
        verification = None
        if not dry_run:
            # the sample is stable for a run and different across runs
            seed = int(hashlib.sha256(run.run_id.encode()).hexdigest()[:8], 16)
            progress("reading the target back to verify it")
            verification = verify_load(to_load, run_schema(run), url, run.run_id, result=result,
                                       sample=verify_sample, seed=seed)  # fmt: skip
            write_json_atomic(out / "verification.json", verification.to_dict())
        run.record_stage(
            "load",
            {
                "status": "done",
                "target": mask_url(url),
                "mode": mode,
                "batch_size": batch_size,
                "dry_run": dry_run,
                "forced": force,
                "resumed": result.resumed,
                "migrated": list(result.migrated),
                "verified": None if verification is None else verification.ok,
                "seconds": round(time.monotonic() - started, 3),
                "objects": {
                    o.object: {**vars(o), "excluded": excluded.get(o.object, 0)}
                    for o in result.objects
                },
            },
        )
        if not dry_run:
            _forget_rollback(run)  # this run's rows are in the target again
        rec = build_reconciliation(run)
        write_reconciliation(run, rec)
    return LoadStageResult(run, mask_url(url), result, excluded, rec, verification)


class _Checkpoint:
    """``load/checkpoint.json``: rewritten after committed batches (a hint; the journal in
    the target is what a resumed load trusts)."""

    def __init__(self, run: Run, target: str, mode: str) -> None:
        self.path = run.path / "load" / CHECKPOINT_FILE
        previous = read_checkpoint(self.path) or {}
        # A finished load of this run into this target is loaded afresh, not resumed.
        self.completed = previous.get("status") == "complete" and previous.get("target") == target
        same_load = previous.get("target") == target and not self.completed
        self.data: dict[str, Any] = {
            "run_id": run.run_id,
            "target": target,
            "mode": mode,
            "status": "running",
            "objects": previous.get("objects", {}) if same_load else {},
        }
        self.written = -math.inf  # when the checkpoint was last written (monotonic)

    def batch_done(self, progress: BatchProgress) -> None:
        self.data["objects"][progress.object] = {
            "batch": progress.batch,
            "rows_done": progress.rows_done,
            "rows_total": progress.rows_total,
        }
        # A hint, so written at most every CHECKPOINT_EVERY seconds (1,000 batches of 1M
        # records took a second of rewriting), but always after an object's first and last batch.
        now = time.monotonic()
        last = progress.rows_done >= progress.rows_total
        if not last and now - self.written < CHECKPOINT_EVERY:
            return
        self.written = now
        self.data["updated_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        write_checkpoint(self.path, self.data)

    def finish(self) -> None:
        self.data["status"] = "complete"
        self.data["updated_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        write_checkpoint(self.path, self.data)


def _batches(checkpoint: _Checkpoint | None, progress: Progress) -> Callable[[BatchProgress], None]:
    """After each committed batch: the checkpoint (not in a dry run), then the progress."""

    def done(batch: BatchProgress) -> None:
        if checkpoint is not None:
            checkpoint.batch_done(batch)
        progress(f"loading {batch.object}", batch.rows_done, batch.rows_total, "rows")

    return done


def _write_before_images(path: Path, result: LoadResult) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for image in result.before_images:
            fh.write(json.dumps(image, ensure_ascii=False, sort_keys=True) + "\n")


def _forget_rollback(run: Run) -> None:
    stages = run.manifest().get("stages", {})
    if stages.pop("rollback", None) is not None:
        run.update_manifest(stages=stages)


@dataclass(frozen=True)
class RollbackStageResult:
    run: Run
    target: str
    result: RollbackResult | None  # None: the manifest says the run was already rolled back
    message: str

    def to_dict(self) -> dict[str, Any]:
        objects = [asdict(o) for o in self.result.objects] if self.result else []
        return {
            "run_id": self.run.run_id,
            "target": self.target,
            "objects": objects,
            "message": self.message,
        }


def rollback_run(run: Run, *, target: str | None = None) -> RollbackStageResult:
    """Undo what the run's load wrote to the target; refuse (UsageError) on any conflict."""
    url = resolve_target_url(target, run)
    masked = mask_url(url)
    done = run.manifest().get("stages", {}).get("rollback")
    if done is not None and done.get("status") == "done":
        message = f"run {run.run_id} was already rolled back at {done.get('at')}; nothing to do"
        return RollbackStageResult(run, masked, None, message)
    with run.lock():
        result = rollback_load(url, run_schema(run), run.run_id)
        if result.conflicts:
            path = run.sub("load", ROLLBACK_CONFLICTS)
            write_csv(pd.DataFrame([asdict(c) for c in result.conflicts]), path)
            raise UsageError(
                f"rollback of run {run.run_id} refused: {len(result.conflicts):,} rows it wrote "
                f"were changed in the target after the load; list in {path}",
                hint="undo those changes or leave the load in place",
            )
        if result.nothing_to_do:
            message = f"target {masked} has no rows written by run {run.run_id}; nothing to do"
            return RollbackStageResult(run, masked, result, message)
        run.record_stage(
            "rollback",
            {
                "status": "done",
                "target": masked,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "objects": {o.object: asdict(o) for o in result.objects},
            },
        )
    deleted = sum(o.deleted for o in result.objects)
    restored = sum(o.restored for o in result.objects)
    message = f"rolled back run {run.run_id}: {deleted:,} rows deleted, {restored:,} restored"
    return RollbackStageResult(run, masked, result, message)


def _excluded(run: Run, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Records with error findings: not loaded, listed in load/errors.csv with their codes."""
    errors = read_error_findings(run.path)
    if errors is None or errors.empty:
        return pd.DataFrame(columns=ERROR_COLUMNS)
    reasons = (errors["code"] + " " + errors["field"]).groupby(errors["record_id"]).agg("; ".join)
    first = errors.drop_duplicates("record_id").set_index("record_id")
    ext = pd.concat([f.set_index("_record_id")["external_id"] for f in frames.values()])
    out = pd.DataFrame(
        {
            "object": first["object"],
            "record_id": first.index,
            "source": first["source"],
            "source_file": first["source_file"],
            "source_sheet": first["source_sheet"],
            "source_row": first["source_row"],
            "source_key": first["source_key"],
            "external_id": ext.reindex(first.index).to_numpy(),
            "stage": "validate",
            "reason": "validation error: " + reasons.reindex(first.index),
        }
    )
    return out.reset_index(drop=True)


BUNDLE_KINDS: tuple[BundleKind, ...] = ("salesforce-csv", "hubspot-csv")


def bundle_target(target: str | None, run: Run | None = None) -> tuple[BundleKind, Path] | None:
    """``salesforce-csv:DIR`` / ``hubspot-csv:DIR`` → (kind, directory); None for a database.

    Without ``target``, the run's configured target (``target.url`` may name a bundle; a
    relative directory is relative to the config)."""
    if target is None and run is not None and not os.environ.get(TARGET_ENV):
        manifest = run.manifest()
        configured = str(manifest.get("target_url") or "")
        found = bundle_target(configured) if configured else None
        if found is not None and not found[1].is_absolute():
            found = (found[0], Path(str(manifest.get("config", "."))).parent / found[1])
        return found
    if target is None:
        return None
    for kind in BUNDLE_KINDS:
        if target.startswith(f"{kind}:"):
            directory = target[len(kind) + 1 :]
            if not directory:
                raise UsageError(f"--target {kind}: needs a directory, e.g. {kind}:out/{kind}")
            return kind, Path(directory)
    return None


def bundle_run(
    run: Run, kind: BundleKind, out_dir: Path, *, force: bool = False, blank_as_na: bool = False
) -> BundleResult:
    """Write a SaaS CRM import bundle of a validated run (records with errors left out)."""
    manifest = verify_run(run).manifest()
    validate = manifest.get("stages", {}).get("validate")
    if (validate is None or validate.get("status") != "passed") and not force:
        raise UsageError(
            f"run {run.run_id} has not passed validation",
            hint=f"run `crmmigrate validate {run.path}` first, or pass --force",
        )
    with run.lock():
        frames = read_clean_frames(run)
        excluded = _excluded(run, frames)
        to_write = {
            o: f[~f["_record_id"].isin(set(excluded["record_id"]))].reset_index(drop=True)
            for o, f in frames.items()
        }
        result = write_bundle(to_write, run_schema(run), kind, out_dir, blank_as_na=blank_as_na)
        run.record_stage(
            "bundle",
            {
                "status": "done",
                "kind": kind,
                "out_dir": str(out_dir),
                "files": [str(f.path) for f in result.files],
                "excluded": len(excluded),
            },
        )
    return result
