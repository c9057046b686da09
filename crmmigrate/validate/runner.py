"""Run every check over a run's clean data, collect all findings, write ``validation.json``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from crmmigrate.target_schema import TargetSchema
from crmmigrate.validate.catalogue import CATALOGUE, SEVERITIES, SEVERITY_RANK
from crmmigrate.validate.checks import CHECKS

FailOn = Literal["error", "warning", "never"]
FINDING_COLUMNS = [
    "code",
    "severity",
    "object",
    "field",
    "record_id",
    "source",
    "source_file",
    "source_sheet",
    "source_row",
    "source_key",
    "message",
]


@dataclass(frozen=True)
class ValidationResult:
    """All findings of one validation, and what they mean for the exit code."""

    findings: pd.DataFrame
    records: dict[str, int]
    fail_on: FailOn

    def counts(self) -> dict[str, int]:
        got = self.findings["severity"].value_counts()
        return {s: int(got.get(s, 0)) for s in SEVERITIES}

    @property
    def passed(self) -> bool:
        if self.fail_on == "never":
            return True
        worst = SEVERITY_RANK[self.fail_on]
        return not any(
            count and SEVERITY_RANK[sev] >= worst for sev, count in self.counts().items()
        )

    def by_rule(self) -> list[dict[str, Any]]:
        """One row per object, field and code: count, share of records, sample record ids."""
        rows: list[dict[str, Any]] = []
        if self.findings.empty:
            return rows
        grouped = self.findings.groupby(["object", "field", "code", "severity"], sort=True)
        for (obj, field, code, severity), group in grouped:
            total = self.records.get(str(obj), 0) or 1
            rows.append(
                {
                    "object": obj,
                    "field": field,
                    "code": code,
                    "severity": severity,
                    "title": CATALOGUE[str(code)].title,
                    "count": len(group),
                    "percent": round(100.0 * len(group) / total, 2),
                    "sample_record_ids": group["record_id"].head(5).tolist(),
                    "sample_rows": [
                        f"{file}:{row}"
                        for file, row in zip(
                            group["source_file"].head(5), group["source_row"].head(5), strict=True
                        )
                    ],
                }
            )
        rows.sort(key=lambda r: (-SEVERITY_RANK[r["severity"]], -r["count"], r["object"]))
        return rows

    def error_record_ids(self) -> set[str]:
        errors = self.findings[self.findings["severity"] == "error"]
        return set(errors["record_id"])

    def to_dict(self) -> dict[str, Any]:
        findings = self.findings.replace({np.nan: None})
        return {
            "passed": self.passed,
            "fail_on": self.fail_on,
            "counts": self.counts(),
            "records": self.records,
            "records_with_errors": len(self.error_record_ids()),
            "rules": self.by_rule(),
            "findings": findings.to_dict(orient="records"),
            "validated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }


def _findings_for(
    frame: pd.DataFrame, obj: str, field: str, mask: np.ndarray, code: str, **fmt: object
) -> pd.DataFrame:
    kind = CATALOGUE[code]
    hit = frame.loc[mask]
    return pd.DataFrame(
        {
            "code": code,
            "severity": kind.severity,
            "object": obj,
            "field": field,
            "record_id": hit["_record_id"].to_numpy(),
            "source": hit["_source"].to_numpy(),
            "source_file": hit["_source_file"].to_numpy(),
            "source_sheet": hit["_source_sheet"].to_numpy(),
            "source_row": hit["_source_row"].to_numpy(),
            "source_key": hit["_source_key"].to_numpy(),
            "message": kind.template.format(object=obj, field=field, **fmt),
        }
    )


def validate_frames(
    frames: Mapping[str, pd.DataFrame], schema: TargetSchema, *, fail_on: FailOn = "error"
) -> ValidationResult:
    """Check every object's clean frame; all findings are collected in one pass."""
    parts: list[pd.DataFrame] = []
    for obj_name in schema.load_order:
        frame = frames.get(obj_name)
        if frame is None:
            continue
        obj = schema.objects[obj_name]
        for fname, fdef in obj.fields.items():
            if fname not in frame.columns:
                values = pd.Series([None] * len(frame), index=frame.index, dtype=object)
            else:
                values = frame[fname]
            for code, (applies, check) in CHECKS.items():
                if applies(fdef):
                    mask = check(values, fdef)
                    if mask.any():
                        parts.append(
                            _findings_for(
                                frame, obj_name, fname, mask, code, max_length=fdef.max_length
                            )
                        )
            status_col = f"_ref_{fname}_status"
            if fdef.type == "reference" and status_col in frame.columns:
                for status, code in (
                    ("unresolved", "reference-unresolved"),
                    ("ambiguous", "reference-ambiguous"),
                ):
                    mask = (frame[status_col] == status).to_numpy()
                    if mask.any():
                        parts.append(
                            _findings_for(frame, obj_name, fname, mask, code, target=fdef.object)
                        )
    findings = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype=object) for c in FINDING_COLUMNS})
    )
    records = {name: len(frame) for name, frame in frames.items()}
    return ValidationResult(findings[FINDING_COLUMNS], records, fail_on)
