"""``validate``: check a run's clean data and write ``validation.json``."""

from __future__ import annotations

import time
from pathlib import Path

from crmmigrate.pipeline.clean import RUN_CONFIG, read_clean_frames
from crmmigrate.report.reconciliation import build_reconciliation, write_reconciliation
from crmmigrate.runs import Run, write_json_atomic
from crmmigrate.target_schema import TargetSchema, load_target_schema
from crmmigrate.validate.runner import FailOn, ValidationResult, validate_frames

VALIDATION = "validation.json"


def run_schema(run: Run) -> TargetSchema:
    """The target schema the run was cleaned against (a copy lives in the run)."""
    return load_target_schema(run.path / RUN_CONFIG / "target_schema.yaml")


def validate_run(run: Run, *, fail_on: FailOn = "error") -> ValidationResult:
    """Validate a run's clean data; the result says whether it passed at ``fail_on``."""
    started = time.monotonic()
    run.manifest()  # a clear error when this is not a run
    with run.lock():
        result = validate_frames(read_clean_frames(run), run_schema(run), fail_on=fail_on)
        write_json_atomic(run.path / VALIDATION, result.to_dict())
        run.record_stage(
            "validate",
            {
                "status": "passed" if result.passed else "failed",
                "fail_on": fail_on,
                "counts": result.counts(),
                "records_with_errors": len(result.error_record_ids()),
                "seconds": round(time.monotonic() - started, 3),
            },
        )
        write_reconciliation(run, build_reconciliation(run))
    return result


def validation_path(run: Run) -> Path:
    return run.path / VALIDATION
