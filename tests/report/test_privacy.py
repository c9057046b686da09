"""The reports hold no customer values, even when validation.json carries them."""

from __future__ import annotations

import json
import re

from crmmigrate.pipeline.run import RunResult
from crmmigrate.report.write import write_reports
from tests.report.conftest import PLANTED


def _text(result: RunResult, name: str) -> str:
    return (result.clean.run.path / name).read_text("utf-8")


def test_reports_never_show_values(tiny_run: RunResult) -> None:
    files = ("reconciliation.html", "validation.html", "reconciliation.json")
    for name in files:
        text = _text(tiny_run, name)
        for value in PLANTED:
            assert value.lower() not in text.lower(), f"{value} leaked into {name}"
    # the planted e-mail is found, by position only
    assert "contacts.csv:6" in _text(tiny_run, "validation.html")


def test_values_in_validation_json_stay_out_of_every_report(tiny_run: RunResult) -> None:
    """validation.json holds values with --show-values; no HTML page shows them, nor the JSON."""
    run = tiny_run.clean.run
    path = run.path / "validation.json"
    original = path.read_text("utf-8")
    data = json.loads(original)
    for f in data["findings"]:  # what --show-values adds
        if f["field"] == "email" and f["object"] == "contacts":
            f["value"] = PLANTED[1]
    try:
        path.write_text(json.dumps(data), "utf-8")
        write_reports(run)
        assert PLANTED[1] not in _text(tiny_run, "validation.html")
        assert PLANTED[1] not in _text(tiny_run, "reconciliation.html")
        assert PLANTED[1] not in _text(tiny_run, "reconciliation.json")
    finally:
        path.write_text(original, "utf-8")
        write_reports(run)


def test_html_is_self_contained(tiny_run: RunResult) -> None:
    for name in ("reconciliation.html", "validation.html"):
        text = _text(tiny_run, name)
        assert "<script" not in text and "<link" not in text and "@import" not in text
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), name
        assert "<svg" in text
