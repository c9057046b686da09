"""What the reports show of ``validation.json``: findings per object and rule.

Tolerant by design: the validation stage owns that file and may add keys (``threshold``,
``failed`` per rule, …); unknown keys are ignored, missing ``rules`` are rebuilt from the
findings. Values are never read: ``validation.json`` holds them with ``--show-values``, but no
report shows them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from crmmigrate.validate.findings import location
from crmmigrate.validate.verdict import Verdict, judge

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SAMPLES = 5


@dataclass(frozen=True)
class RuleSummary:
    """One rule's findings on one object (and field): how many, which rows."""

    code: str
    severity: str
    object: str
    field: str
    title: str
    count: int
    percent: float
    sample_rows: tuple[str, ...]  # "file:row", "file[sheet]:row"
    threshold: str | None = None
    failed: bool | None = None

    @property
    def target(self) -> str:
        return f"{self.object}.{self.field}" if self.field else self.object

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "object": self.object,
            "field": self.field,
            "title": self.title,
            "count": self.count,
            "percent": self.percent,
            "sample_rows": list(self.sample_rows),
        }
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.failed is not None:
            out["failed"] = self.failed
        return out


@dataclass(frozen=True)
class ValidationSummary:
    passed: bool | None
    fail_on: str
    counts: dict[str, int]
    records: dict[str, int]
    records_with_errors: int
    error_records: dict[str, int]  # per object: records with at least one error (not loaded)
    rules: tuple[RuleSummary, ...] = field(default_factory=tuple)
    validated_at: str = ""

    @property
    def verdict(self) -> Verdict | None:
        """The badge (see ``validate.verdict``); None when validation.json says no verdict."""
        if self.passed is None:
            return None
        return judge(self.passed, self.fail_on, self.counts.get("error", 0))

    @property
    def findings(self) -> tuple[RuleSummary, ...]:
        """The rules that found something (validation.json may also list rules that passed)."""
        return tuple(r for r in self.rules if r.count > 0)

    def to_dict(self) -> dict[str, Any]:
        """The value-free summary written into reconciliation.json."""
        return {
            "passed": self.passed,
            "fail_on": self.fail_on,
            "counts": self.counts,
            "records": self.records,
            "records_with_errors": self.records_with_errors,
            "error_records": self.error_records,
            "rules_checked": len(self.rules),
            "rules": [r.to_dict() for r in self.findings],
        }


def summarise_validation(data: dict[str, Any]) -> ValidationSummary:
    """The summary of a parsed ``validation.json``; never its values."""
    findings = [f for f in data.get("findings", []) if isinstance(f, dict)]
    records = {str(k): int(v) for k, v in (data.get("records") or {}).items()}
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        raw_rules = _rules_from_findings(findings, records)
    rules = [_rule(r, records) for r in raw_rules if isinstance(r, dict)]
    rules.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), -r.count, r.object, r.field))
    errors: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.get("severity") == "error":
            errors[str(f.get("object", ""))].add(str(f.get("record_id", "")))
    given = data.get("error_records")  # written since json_version 1 runs carry it
    error_records = (
        {str(k): int(v) for k, v in sorted(given.items())}
        if isinstance(given, dict)
        else {obj: len(ids) for obj, ids in sorted(errors.items())}
    )
    counts = data.get("counts")
    if not isinstance(counts, dict):
        counts = Counter(str(f.get("severity", "")) for f in findings)
    passed = data.get("passed")
    return ValidationSummary(
        passed=bool(passed) if passed is not None else None,
        fail_on=str(data.get("fail_on", "")),
        counts={str(k): int(v) for k, v in counts.items()},
        records=records,
        records_with_errors=int(
            data.get("records_with_errors", len(set().union(*errors.values())))
        ),
        error_records=error_records,
        rules=tuple(rules),
        validated_at=str(data.get("validated_at", "")),
    )


def _rule(raw: dict[str, Any], records: dict[str, int]) -> RuleSummary:
    obj, fname, code = str(raw.get("object", "")), str(raw.get("field") or ""), str(raw["code"])
    count = int(raw.get("count", 0))
    percent = raw.get("percent")
    if percent is None:
        percent = round(100.0 * count / (records.get(obj) or 1), 2)
    threshold = raw.get("threshold", raw.get("max_failures"))
    failed = raw.get("failed")
    return RuleSummary(
        code=code,
        severity=str(raw.get("severity", "")),
        object=obj,
        field=fname,
        title=str(raw.get("title", "")),
        count=count,
        percent=float(percent),
        sample_rows=tuple(str(s) for s in raw.get("sample_rows", []))[:SAMPLES],
        threshold=None if threshold is None else str(threshold),
        failed=None if failed is None else bool(failed),
    )


def _rules_from_findings(
    findings: list[dict[str, Any]], records: dict[str, int]
) -> list[dict[str, Any]]:
    """Rebuild per-rule rows when validation.json carries only findings."""
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        key = (
            str(f.get("object", "")),
            str(f.get("field") or ""),
            str(f.get("code", "")),
            str(f.get("severity", "")),
        )
        groups[key].append(f)
    return [
        {
            "object": obj,
            "field": fname,
            "code": code,
            "severity": sev,
            "count": len(group),
            "percent": round(100.0 * len(group) / (records.get(obj) or 1), 2),
            "sample_rows": [_where(g) for g in group[:SAMPLES]],
        }
        for (obj, fname, code, sev), group in groups.items()
    ]


def _where(finding: dict[str, Any]) -> str:
    keys = ("source_file", "source_sheet", "source_row", "source")
    return location(*(finding.get(k) for k in keys))
