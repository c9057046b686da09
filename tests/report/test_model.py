"""One report model: reconciliation.json is its to_dict, and its numbers agree with the run."""

from __future__ import annotations

import json

from crmmigrate.pipeline.run import RunResult
from crmmigrate.report.model import build_report
from crmmigrate.report.validation_model import summarise_validation

LEGACY_KEYS = {
    "run_id",
    "tool_version",
    "config_hash",
    "stage",
    "balanced",
    "invariant",
    "objects",
    "total",
    "timings",
    "fields",
}


def _saved(result: RunResult) -> dict:
    return json.loads((result.clean.run.path / "reconciliation.json").read_text("utf-8"))


def test_json_is_the_report_model(tiny_run: RunResult) -> None:
    report = build_report(tiny_run.clean.run)
    saved = _saved(tiny_run)
    assert saved == json.loads(json.dumps(report.to_dict()))
    assert saved.keys() >= LEGACY_KEYS
    assert saved["objects"] == [o.to_dict() for o in report.reconciliation.objects]


def test_report_numbers_agree_with_the_stages(tiny_run: RunResult) -> None:
    report = build_report(tiny_run.clean.run)
    flows = {f.object: f for f in report.reconciliation.objects}
    contacts = flows["contacts"]
    assert (contacts.read, contacts.rejected_clean, contacts.merged, contacts.clean) == (6, 1, 1, 4)
    assert contacts.rejected_validation == 1 and contacts.loaded == 3
    assert report.reconciliation.balanced
    # the same numbers from every section
    assert sum(s.read for s in report.sources if s.object == "contacts") == contacts.read
    assert report.dedupe is not None
    assert report.dedupe.records == sum(f.read - f.rejected_clean for f in flows.values())
    assert report.dedupe.sizes == {1: 5, 2: 1}
    [cluster] = report.dedupe.examples
    assert {m.source_key for m in cluster.members} == {"C002"}
    assert report.load is not None
    assert {o.object: o.inserted for o in report.load.objects} == {"accounts": 2, "contacts": 3}
    assert report.validation is not None
    assert report.validation.error_records == {"contacts": 1}
    assert len(report.backups) == 2 and all(len(b.sha256) == 64 for b in report.backups)
    birth = next(
        f for f in report.field_changes if (f.object, f.field) == ("contacts", "birthdate")
    )
    assert birth.invalid == 1 and birth.notes  # the date order decided for the column
    assert set(report.reconciliation.timings) == {"clean", "validate", "load"}


def test_validation_summary_tolerates_new_keys_and_missing_rules() -> None:
    finding = {
        "code": "regex",
        "severity": "error",
        "object": "leads",
        "field": "email",
        "record_id": "l#1",
        "source_file": "leads.csv",
        "source_row": 2,
        "value": "x@y",
    }
    data = {
        "passed": False,
        "fail_on": "error",
        "records": {"leads": 4},
        # the second as an older validation.json may hold it: a float row, from a workbook
        "findings": [
            finding,
            {
                **finding,
                "record_id": "l#2",
                "source_file": "leads.xlsx",
                "source_sheet": "Jan",
                "source_row": 3.0,
            },
        ],
        "rules": [
            {
                "code": "regex",
                "severity": "error",
                "object": "leads",
                "field": "email",
                "count": 2,
                "threshold": "0.5%",
                "failed": True,
                "new_key": [1, 2],
                "sample_rows": ["leads.csv:2", "leads.csv:3"],
            },
            {
                "code": "row-count",
                "severity": "warning",
                "object": "leads",
                "field": None,
                "count": 1,
            },
        ],
        "something_new": {"x": 1},
    }
    summary = summarise_validation(data)
    regex, rowcount = summary.rules
    assert (regex.threshold, regex.failed, regex.percent) == ("0.5%", True, 50.0)
    assert "x@y" not in repr(summary)  # the values validation.json holds never reach a report
    assert rowcount.target == "leads" and rowcount.percent == 25.0
    assert summary.counts == {"error": 2}
    assert summary.error_records == {"leads": 2}
    rebuilt = summarise_validation({**data, "rules": None})
    assert [(r.code, r.count, r.sample_rows) for r in rebuilt.rules] == [
        ("regex", 2, ("leads.csv:2", "leads.xlsx[Jan]:3"))
    ]
