"""``load``: load a validated run into the target and reconcile every record."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import make_url

from crmmigrate.errors import UsageError
from crmmigrate.load.loader import LoadMode, LoadResult, load_frames, mask_url
from crmmigrate.pipeline.clean import read_clean_frames
from crmmigrate.pipeline.validate import run_schema, validation_path
from crmmigrate.report.reconciliation import (
    Reconciliation,
    build_reconciliation,
    write_reconciliation,
)
from crmmigrate.runs import Run, read_json

TARGET_ENV = "CRMMIGRATE_TARGET_URL"
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

    @property
    def failed_rows(self) -> int:
        return sum(o.failed for o in self.result.objects)

    @property
    def ok(self) -> bool:
        return self.failed_rows == 0 and self.reconciliation.balanced

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run.run_id,
            "target": self.target,
            "dry_run": self.result.dry_run,
            "objects": [
                {**vars(o), "excluded": self.excluded.get(o.object, 0)} for o in self.result.objects
            ],
            "reconciliation": self.reconciliation.to_dict(),
        }


def resolve_target_url(cli_url: str | None, run: Run) -> str:
    """--target, else $CRMMIGRATE_TARGET_URL, else the config's (SQLite paths config-relative)."""
    manifest = run.manifest()
    url = cli_url or os.environ.get(TARGET_ENV) or manifest.get("target_url") or "sqlite:///crm.db"
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


def load_run(
    run: Run,
    *,
    target: str | None = None,
    mode: LoadMode = "upsert",
    dry_run: bool = False,
    force: bool = False,
    batch_size: int = 1000,
) -> LoadStageResult:
    """Load a validated run. Records with validation errors are excluded and reported."""
    started = time.monotonic()
    manifest = run.manifest()
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
        frames = read_clean_frames(run)
        excluded_rows = _excluded(run, frames)
        excluded = {o: int((excluded_rows["object"] == o).sum()) for o in frames}
        to_load = {
            o: f[~f["_record_id"].isin(set(excluded_rows["record_id"]))].reset_index(drop=True)
            for o, f in frames.items()
        }
        result = load_frames(
            to_load,
            run_schema(run),
            url,
            run_id=run.run_id,
            mode=mode,
            batch_size=batch_size,
            dry_run=dry_run,
        )
        out = run.path / "load"
        out.mkdir(exist_ok=True)
        result.success.to_csv(out / "success.csv", index=False)
        errors = pd.concat(
            [excluded_rows, result.errors.assign(stage="load")], ignore_index=True
        ).reindex(columns=ERROR_COLUMNS)
        errors.to_csv(out / "errors.csv", index=False)
        run.record_stage(
            "load",
            {
                "status": "done",
                "target": mask_url(url),
                "mode": mode,
                "dry_run": dry_run,
                "forced": force,
                "seconds": round(time.monotonic() - started, 3),
                "objects": {
                    o.object: {**vars(o), "excluded": excluded.get(o.object, 0)}
                    for o in result.objects
                },
            },
        )
        rec = build_reconciliation(run)
        write_reconciliation(run, rec)
    return LoadStageResult(run, mask_url(url), result, excluded, rec)


def _excluded(run: Run, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Records with error findings: not loaded, listed in load/errors.csv with their codes."""
    path = validation_path(run)
    if not path.exists():
        return pd.DataFrame(columns=ERROR_COLUMNS)
    findings = pd.DataFrame(read_json(path).get("findings", []))
    if findings.empty:
        return pd.DataFrame(columns=ERROR_COLUMNS)
    errors = findings[findings["severity"] == "error"]
    if errors.empty:
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
