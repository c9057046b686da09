"""``run``: clean → validate → load in one go, stopping at the first stage that fails."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmmigrate.config import Project
from crmmigrate.errors import ExitCode
from crmmigrate.load.bundles import BundleResult
from crmmigrate.load.loader import LoadMode
from crmmigrate.pipeline.clean import CleanResult, clean_project
from crmmigrate.pipeline.load import LoadStageResult, bundle_run, bundle_target, load_run
from crmmigrate.pipeline.validate import validate_run
from crmmigrate.progress import Progress, no_progress
from crmmigrate.validate.runner import FailOn, ValidationResult


@dataclass(frozen=True)
class RunResult:
    clean: CleanResult
    validation: ValidationResult
    load: LoadStageResult | None
    bundle: BundleResult | None = None  # instead of a load, when the target is an import bundle

    @property
    def stopped_at(self) -> str | None:
        if not self.validation.passed:
            return "validate"
        if self.load is not None and not self.load.ok:
            return "load"
        return None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.stopped_at is None else ExitCode.DATA_FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.clean.run.run_id,
            "stopped_at": self.stopped_at,
            "clean": self.clean.to_dict(),
            "validation": {"passed": self.validation.passed, "counts": self.validation.counts()},
            "load": self.load.to_dict() if self.load else None,
            "bundle": None if self.bundle is None else _bundle_dict(self.bundle),
        }


def _bundle_dict(bundle: BundleResult) -> dict[str, Any]:
    files = [{"object": f.object, "path": str(f.path), "rows": f.rows} for f in bundle.files]
    return {"kind": bundle.kind, "mapping": str(bundle.mapping), "files": files}


def run_project(
    project: Project,
    *,
    runs_dir: Path | None = None,
    fail_on: FailOn = "error",
    target: str | None = None,
    mode: LoadMode = "upsert",
    dry_run: bool = False,
    batch_size: int | None = None,
    migrate_schema: bool = False,
    progress: Progress = no_progress,
) -> RunResult:
    """The whole pipeline; a failed validation stops before the load.

    The load options are ``load_run``'s; ``batch_size`` defaults to the config's
    ``target.batch_size``.
    """
    cleaned = clean_project(project, runs_dir=runs_dir, progress=progress)
    progress("validating")
    validation = validate_run(cleaned.run, fail_on=fail_on)
    if not validation.passed:
        return RunResult(cleaned, validation, None)
    bundle = bundle_target(target, cleaned.run)
    if bundle is not None:
        progress("writing the import bundle")
        written = bundle_run(cleaned.run, bundle[0], bundle[1])
        return RunResult(cleaned, validation, None, written)
    progress("loading")
    loaded = load_run(
        cleaned.run,
        target=target,
        mode=mode,
        dry_run=dry_run,
        batch_size=batch_size if batch_size is not None else project.config.target.batch_size,
        migrate_schema=migrate_schema,
        progress=progress,
    )
    return RunResult(cleaned, validation, loaded)
