"""Tiny frames and rule sets for the validation tests (quirks are written next to each row)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.validate.rules import RuleSet, check_rule, parse_rule
from crmmigrate.validate.runner import FailOn, ValidationResult, validate_frames

SCHEMA = load_target_schema(default_schema_path())


def frame(prefix: str, rows: list[dict[str, Any]], **defaults: Any) -> pd.DataFrame:
    """Records with lineage columns: record ids ``<prefix>#1``…, source rows 2…"""
    out = []
    for i, row in enumerate(rows, start=1):
        out.append(
            {
                "_record_id": f"{prefix}#{i}",
                "_source": prefix,
                "_source_file": f"{prefix}.csv",
                "_source_sheet": None,
                "_source_row": i + 1,
                "_source_key": str(i),
                "external_id": f"{prefix}:{i}",
                **defaults,
                **row,
            }
        )
    return pd.DataFrame(out).astype(object)


def rules(*items: dict[str, Any], label: str = "rules.yaml") -> RuleSet:
    parsed = [parse_rule(label, i, item) for i, item in enumerate(items)]
    for i, rule in enumerate(parsed):
        check_rule(label, i, rule, SCHEMA)
    return RuleSet(label, parsed)


def run(
    frames: dict[str, pd.DataFrame], *items: dict[str, Any], fail_on: FailOn = "error", **kw: Any
) -> ValidationResult:
    return validate_frames(frames, SCHEMA, fail_on=fail_on, rules=[rules(*items)], **kw)


def hits(result: ValidationResult, code: str) -> list[str]:
    """Record ids with findings of ``code``, in order."""
    f = result.findings
    return f.loc[f["code"] == code, "record_id"].tolist()


def summary(result: ValidationResult, rule: str) -> dict[str, Any]:
    return next(r for r in result.by_rule() if r["rule"] == rule)


GOLDEN = Path(__file__).parent.parent / "data" / "validate" / "golden"


def make_run(root: Path, *, rules_file: Path | None = GOLDEN / "validate.yaml") -> Path:
    """A run directory built by hand from the golden fixture's clean CSVs (see its README)."""
    run = root / "runs" / "20250630T120000Z-golden"
    (run / "clean").mkdir(parents=True)
    (run / "config" / "rules").mkdir(parents=True)
    shutil.copyfile(default_schema_path(), run / "config" / "target_schema.yaml")
    if rules_file is not None:
        shutil.copyfile(rules_file, run / "config" / "rules" / "00_validate.yaml")
    objects = {}
    for name in ("contacts", "accounts"):
        clean = pd.read_csv(GOLDEN / f"{name}.csv", dtype=str, keep_default_na=False)
        clean = clean.astype(object).where(clean != "", None)
        clean["_source_row"] = clean["_source_row"].astype(int)
        clean.to_parquet(run / "clean" / f"{name}.parquet", index=False)
        objects[name] = {"read": len(clean), "rejected": 0, "merged": 0, "clean": len(clean)}
    manifest = {
        "manifest_version": 1,
        "run_id": run.name,
        "created_at": "2025-06-30T12:00:00+00:00",
        "config": str(root / "crmmigrate.yaml"),
        "stages": {"clean": {"status": "done", "objects": objects}},
    }
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (run / "backup").mkdir(exist_ok=True)
    (run / "backup" / "SHA256SUMS").write_text("", encoding="utf-8")  # made from frames: no sources
    return run
