"""Run every check over a run's clean data, collect all findings, write ``validation.json``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from crmmigrate.target_schema import ObjectDef, TargetSchema
from crmmigrate.transform.standardise.dispatch import FLAGS, INVALID
from crmmigrate.validate.catalogue import (
    CATALOGUE,
    FLAG_SEVERITY,
    INVALID_BY_TYPE,
    SEVERITIES,
    SEVERITY_RANK,
)
from crmmigrate.validate.checks import CHECKS

# Format checks for frames the pipeline did not standardise (no _invalid markers).
FORMAT_CODES = frozenset(
    {"invalid-date", "invalid-datetime", "invalid-number", "invalid-integer", "invalid-boolean",
     "invalid-email", "invalid-country", "picklist-value"}
)  # fmt: skip

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
    frame: pd.DataFrame,
    obj: str,
    field: str,
    mask: np.ndarray,
    code: str,
    *,
    reasons: pd.Series | None = None,
    severity: pd.Series | str | None = None,
    **fmt: object,
) -> pd.DataFrame:
    """Findings of one code for the records in ``mask``; ``reasons`` aligned with the hits."""
    kind = CATALOGUE[code]
    hit = frame.loc[mask]
    if reasons is None:
        message: object = kind.template.format(object=obj, field=field, reason="", detail="", **fmt)
    else:
        head, _, tail = kind.template.partition("{reason}")
        if "{detail}" in kind.template:
            head, _, tail = kind.template.partition("{detail}")
            reasons = " (" + reasons + ")"
        head = head.format(object=obj, field=field, **fmt)
        message = (head + reasons.astype(str) + tail.format(**fmt)).to_numpy()
    return pd.DataFrame(
        {
            "code": code,
            "severity": kind.severity
            if severity is None
            else (severity if isinstance(severity, str) else severity.to_numpy()),
            "object": obj,
            "field": field,
            "record_id": hit["_record_id"].to_numpy(),
            "source": hit["_source"].to_numpy(),
            "source_file": hit["_source_file"].to_numpy(),
            "source_sheet": hit["_source_sheet"].to_numpy(),
            "source_row": hit["_source_row"].to_numpy(),
            "source_key": hit["_source_key"].to_numpy(),
            "message": message,
        }
    )


def _marker_findings(frame: pd.DataFrame, obj_name: str, obj: ObjectDef) -> list[pd.DataFrame]:
    """Findings for the values the standardisers marked invalid or flagged (``field:code``)."""
    out: list[pd.DataFrame] = []
    types = {**{n: f.type for n, f in obj.fields.items()},
             **{n: c.type for n, c in obj.composites.items()}}  # fmt: skip
    for column, flagged in ((INVALID, False), (FLAGS, True)):
        if column not in frame.columns:
            continue
        marks = frame[column].dropna().str.split(";").explode()
        if marks.empty:
            continue
        parts = marks.str.partition(":")
        table = pd.DataFrame({"row": marks.index, "field": parts[0], "reason": parts[2]})
        for field, group in table.groupby("field", sort=True):
            mask = np.zeros(len(frame), dtype=bool)
            positions = frame.index.get_indexer(pd.Index(group["row"]))
            mask[positions] = True
            order = np.argsort(positions, kind="stable")  # frame.loc[mask] is in frame order
            reasons = group["reason"].reset_index(drop=True).iloc[order].reset_index(drop=True)
            if flagged:
                severity = reasons.map(lambda f: FLAG_SEVERITY.get(f, "info"))
                out.append(_findings_for(frame, obj_name, str(field), mask, "flagged-value",
                                         reasons=reasons, severity=severity))  # fmt: skip
            else:
                code = INVALID_BY_TYPE.get(types.get(str(field), ""), "flagged-value")
                out.append(_findings_for(frame, obj_name, str(field), mask, code,
                                         reasons=reasons))  # fmt: skip
    return out


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
        has_markers = INVALID in frame.columns
        if has_markers:
            parts.extend(_marker_findings(frame, obj_name, obj))
        for fname, fdef in obj.fields.items():
            if fname not in frame.columns:
                values = pd.Series([None] * len(frame), index=frame.index, dtype=object)
            else:
                values = frame[fname]
            for code, (applies, check) in CHECKS.items():
                if has_markers and code in FORMAT_CODES:
                    continue  # the standardisers' own verdicts (below) replace format checks
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
