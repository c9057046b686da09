"""Run every check over a run's clean data, collect all findings, and judge them.

Two kinds of checks run in one pass: the schema checks (required, too long, unique, format,
picklist, references, and the standardisers' own verdicts) and the rules of rules files
(``rules.py``, ``rule_types.py``). Each check is summarised per object and field with a
threshold: schema checks tolerate no findings, a rule tolerates its ``max_failures``. The run
fails when a check at or above ``--fail-on`` has more findings than its threshold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from crmmigrate.modes import FailOn
from crmmigrate.target_schema import ObjectDef, TargetSchema
from crmmigrate.transform.standardise.dispatch import FLAGS, INVALID
from crmmigrate.validate.catalogue import (
    CATALOGUE,
    FLAG_SEVERITY,
    INVALID_BY_TYPE,
    SEVERITIES,
    SEVERITY_RANK,
    Severity,
)
from crmmigrate.validate.checks import CHECKS
from crmmigrate.validate.findings import (
    FINDING_COLUMNS,
    VALUE,
    empty_findings,
    findings_for,
    location,
)
from crmmigrate.validate.rules import RuleContext, RuleSet, allowed_failures
from crmmigrate.validate.verdict import Verdict, judge

# Format checks for frames the pipeline did not standardise (no _invalid markers).
FORMAT_CODES = frozenset(
    {"invalid-date", "invalid-datetime", "invalid-number", "invalid-integer", "invalid-boolean",
     "invalid-email", "invalid-country", "picklist-value"}
)  # fmt: skip
SCHEMA_ORIGIN = "schema"
SAMPLES = 10


@dataclass(frozen=True)
class CheckSpec:
    """One check of one object (and field): what it is, where it came from, what it tolerates."""

    rule: str
    object: str
    field: str
    code: str
    severity: Severity
    origin: str = SCHEMA_ORIGIN
    max_failures: int | str = 0
    detail: str | None = None  # object-level rules: what was expected, when it did not hold

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.rule, self.object, self.field, self.code, self.severity)


@dataclass(frozen=True)
class ValidationResult:
    """All findings of one validation, the checks that ran, and what they mean for the exit."""

    findings: pd.DataFrame
    records: dict[str, int]
    fail_on: FailOn
    checks: tuple[CheckSpec, ...] = ()
    object_failures: tuple[CheckSpec, ...] = ()  # object-level rules that did not hold
    show_values: bool = False
    rules_files: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        got = self.findings["severity"].value_counts()
        counts: dict[str, int] = {s: int(got.get(s, 0)) for s in SEVERITIES}
        for spec in self.object_failures:
            counts[spec.severity] += 1
        return counts

    @property
    def passed(self) -> bool:
        return not any(rule["failed"] for rule in self.by_rule())

    @property
    def verdict(self) -> Verdict:
        """What the badge says: ``passed`` is not said of errors that --fail-on never let by."""
        return judge(self.passed, self.fail_on, self.counts()["error"])

    def failed_rules(self) -> list[str]:
        """``object.field rule`` of every check that failed the run."""
        return [
            f"{r['object']}{'.' + r['field'] if r['field'] else ''} {r['rule']}"
            for r in self.by_rule()
            if r["failed"]
        ]

    def _fails(self, severity: str, over: bool) -> bool:
        if self.fail_on == "never" or not over:
            return False
        return SEVERITY_RANK[severity] >= SEVERITY_RANK[self.fail_on]

    @cached_property
    def _summaries(self) -> list[dict[str, Any]]:
        specs: dict[tuple[str, ...], CheckSpec] = {spec.key: spec for spec in self.checks}
        groups: dict[tuple[str, ...], pd.DataFrame] = {}
        if not self.findings.empty:
            keys = ["rule", "object", "field", "code", "severity"]
            for key, part in self.findings.groupby(keys, sort=True):
                groups[tuple(str(k) for k in key)] = part
        for key in groups:
            if key not in specs:  # e.g. a flag whose severity depends on its reason
                rule, obj, field, code, sev = key
                specs[key] = CheckSpec(rule, obj, field, code, sev)  # type: ignore[arg-type]
        failures: dict[tuple[str, ...], CheckSpec] = {
            spec.key: spec for spec in self.object_failures
        }
        rows: list[dict[str, Any]] = []
        for key, spec in specs.items():
            group = groups.get(key)
            records = self.records.get(spec.object, 0)
            if spec.key in failures or spec.code == "row-count":
                count, percent = (1 if spec.key in failures else 0), None
                detail = failures[spec.key].detail if spec.key in failures else None
            else:
                count = 0 if group is None else len(group)
                percent = round(100.0 * count / (records or 1), 2)
                detail = None
            threshold = allowed_failures(spec.max_failures, records)
            over = count > threshold
            head = group.head(SAMPLES) if group is not None else None
            rows.append(
                {
                    "rule": spec.rule,
                    "origin": spec.origin,
                    "object": spec.object,
                    "field": spec.field,
                    "code": spec.code,
                    "severity": spec.severity,
                    "title": CATALOGUE[spec.code].title,
                    "count": count,
                    "percent": percent,
                    "max_failures": spec.max_failures,
                    "threshold": threshold,
                    "over_threshold": over,
                    "failed": self._fails(spec.severity, over),
                    "detail": detail,
                    "sample_record_ids": [] if head is None else head["record_id"].tolist(),
                    "sample_rows": [] if head is None else _locations(head),
                }
            )
        rows.sort(
            key=lambda r: (
                not r["failed"],
                -SEVERITY_RANK[r["severity"]],
                -r["count"],
                r["object"],
                r["field"],
                r["rule"],
            )
        )
        return rows

    def by_rule(self) -> list[dict[str, Any]]:
        """One row per check, object and field: count, share of records, threshold, samples."""
        return [dict(r) for r in self._summaries]

    def error_record_ids(self) -> set[str]:
        errors = self.findings[self.findings["severity"] == "error"]
        return set(errors["record_id"])

    def error_records(self) -> dict[str, int]:
        """Records with at least one error finding, per object."""
        errors = self.findings[self.findings["severity"] == "error"]
        return {str(k): int(v) for k, v in errors.groupby("object")["record_id"].nunique().items()}

    def to_dict(self, *, values: bool | None = None) -> dict[str, Any]:
        """The validation.json document; offending values only with ``values`` (--show-values)."""
        findings = self.finding_frame(values).astype(object).replace({np.nan: None})
        return {**self.header(values), "findings": findings.to_dict(orient="records")}

    def finding_frame(self, values: bool | None = None) -> pd.DataFrame:
        """The findings as validation.json lists them (``value`` only with ``values``)."""
        with_values = self.show_values if values is None else values
        return self.findings[[*FINDING_COLUMNS, VALUE] if with_values else FINDING_COLUMNS]

    def header(self, values: bool | None = None) -> dict[str, Any]:
        """Everything in validation.json but the findings."""
        with_values = self.show_values if values is None else values
        return {
            "passed": self.passed,
            "fail_on": self.fail_on,
            "counts": self.counts(),
            "records": self.records,
            "records_with_errors": len(self.error_record_ids()),
            "failed_rules": self.failed_rules(),
            "rules_files": list(self.rules_files),
            "rules": self.by_rule(),
            "error_records": self.error_records(),
            "show_values": with_values,
            "validated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }


def _locations(findings: pd.DataFrame) -> list[str]:
    """``file[sheet]:row`` of each finding (see ``findings.location``)."""
    columns = ("source_file", "source_sheet", "source_row", "source")
    return [location(*where) for where in zip(*(findings[c] for c in columns), strict=True)]


def _marker_findings(
    frame: pd.DataFrame, obj_name: str, obj: ObjectDef, severities: Mapping[str, Severity]
) -> list[pd.DataFrame]:
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
                out.append(findings_for(frame, obj_name, str(field), mask, "flagged-value",
                                         reasons=reasons, severity=severity))  # fmt: skip
            else:
                code = INVALID_BY_TYPE.get(types.get(str(field), ""), "flagged-value")
                level = severities.get(code)
                out.append(findings_for(frame, obj_name, str(field), mask, code,
                                         reasons=reasons, severity=level))  # fmt: skip
    return out


def _schema_checks(
    frame: pd.DataFrame, obj_name: str, obj: ObjectDef, severities: Mapping[str, Severity]
) -> tuple[list[pd.DataFrame], list[CheckSpec]]:
    parts: list[pd.DataFrame] = []
    specs: list[CheckSpec] = []

    def declare(fname: str, code: str) -> None:
        level = severities.get(code, CATALOGUE[code].severity)
        specs.append(CheckSpec(code, obj_name, fname, code, level))

    def found(fname: str, mask: np.ndarray, code: str, **fmt: Any) -> pd.DataFrame:
        return findings_for(frame, obj_name, fname, mask, code, severity=severities.get(code),
                            **fmt)  # fmt: skip

    has_markers = INVALID in frame.columns
    if has_markers:
        parts.extend(_marker_findings(frame, obj_name, obj, severities))
        for fname, fdef in obj.fields.items():
            if fdef.type in INVALID_BY_TYPE:
                declare(fname, INVALID_BY_TYPE[fdef.type])
    for fname, fdef in obj.fields.items():
        if fname not in frame.columns:
            values = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        else:
            values = frame[fname]
        for code, (applies, check) in CHECKS.items():
            if has_markers and code in FORMAT_CODES:
                continue  # the standardisers' own verdicts (above) replace format checks
            if applies(fdef):
                declare(fname, code)
                mask = check(values, fdef)
                if mask.any():
                    parts.append(found(fname, mask, code, max_length=fdef.max_length))
        status_col = f"_ref_{fname}_status"
        if fdef.type == "reference" and status_col in frame.columns:
            for status, code in (
                ("unresolved", "reference-unresolved"),
                ("ambiguous", "reference-ambiguous"),
            ):
                declare(fname, code)
                mask = (frame[status_col] == status).to_numpy()
                if mask.any():
                    parts.append(found(fname, mask, code, target=fdef.object))
    return parts, specs


def _rule_checks(
    rule_sets: Sequence[RuleSet], ctx: RuleContext
) -> tuple[list[pd.DataFrame], list[CheckSpec], list[CheckSpec]]:
    """Evaluate every rule of every rules file; all rules run, whatever the others found."""
    parts: list[pd.DataFrame] = []
    specs: list[CheckSpec] = []
    failures: list[CheckSpec] = []
    seen: set[tuple[str, ...]] = set()
    for rule_set in rule_sets:
        for rule in rule_set.rules:
            rule_id, n = rule.rule_id, 1
            while (rule_id, rule.object, rule.field_label) in seen:  # same rule twice: number it
                n += 1
                rule_id = f"{rule.rule_id}#{n}"
            seen.add((rule_id, rule.object, rule.field_label))
            spec = CheckSpec(rule_id, rule.object, rule.field_label, rule.code, rule.level,
                             rule_set.origin, rule.max_failures)  # fmt: skip
            specs.append(spec)
            outcome = rule.evaluate_object(ctx)
            if outcome is not None:
                if not outcome.ok:
                    detail = CATALOGUE[rule.code].template.format(object=rule.object, **outcome.fmt)
                    failures.append(dataclasses.replace(spec, detail=detail))
                continue
            frame = ctx.frames.get(rule.object)
            if frame is None or frame.empty:
                continue
            hits = rule.evaluate(frame, ctx)
            if hits.mask.any():
                found = findings_for(
                    frame,
                    rule.object,
                    rule.field_label,
                    hits.mask,
                    rule.code,
                    rule=rule_id,
                    offending=hits.values,
                    severity=rule.level,
                    **hits.fmt,
                )
                parts.append(found)
    return parts, specs, failures


def validate_frames(
    frames: Mapping[str, pd.DataFrame],
    schema: TargetSchema,
    *,
    fail_on: FailOn = "error",
    rules: Sequence[RuleSet] = (),
    read: Mapping[str, int] | None = None,
    run_date: dt.date | None = None,
    show_values: bool = False,
    severities: Mapping[str, Severity] | None = None,
) -> ValidationResult:
    """Check every object's clean frame against the schema and the rules, in one pass.

    ``severities`` overrides the catalogue's default severity per finding code (the project's,
    from ``validate.severities``)."""
    parts: list[pd.DataFrame] = []
    specs: list[CheckSpec] = []
    for obj_name in schema.load_order:
        frame = frames.get(obj_name)
        if frame is not None:
            found, declared = _schema_checks(
                frame, obj_name, schema.objects[obj_name], severities or {}
            )
            parts.extend(found)
            specs.extend(declared)
    ctx = RuleContext(frames, schema, read or {}, run_date or dt.date.today())
    found, declared, failures = _rule_checks(rules, ctx)
    parts.extend(found)
    specs.extend(declared)
    nonempty = [p for p in parts if not p.empty]
    findings = pd.concat(nonempty, ignore_index=True) if nonempty else empty_findings()
    records = {name: len(frame) for name, frame in frames.items()}
    return ValidationResult(
        findings[[*FINDING_COLUMNS, VALUE]],
        records,
        fail_on,
        checks=tuple(specs),
        object_failures=tuple(failures),
        show_values=show_values,
        rules_files=tuple(r.origin for r in rules),
    )
