"""The validation badge tells the truth: errors let through by --fail-on never are not "passed".

The golden run (tests/data/validate/golden) has 5 errors, 6 warnings and 0 info findings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.report.validation_html import render_validation
from crmmigrate.report.validation_model import summarise_validation
from tests.validate.helpers import make_run

NOT_ENFORCED = (
    '<div class="verdict warn" id="verdict"><span class="mark">!</span>'
    '<span class="word">errors not enforced</span><small>11 findings</small>'
    "<small>5 errors found; --fail-on never lets the run pass (records with errors are not "
    "loaded)</small></div>"
)
FAILED = (
    '<div class="verdict bad" id="verdict"><span class="mark">✗</span>'
    '<span class="word">FAILED</span><small>11 findings</small></div>'
)


def _badge(html: str) -> str:
    found = re.search(r'<div class="verdict [^"]*" id="verdict">.*?</div>', html)
    assert found, "no verdict badge"
    return found.group(0)


def _words(text: str) -> str:
    """The terminal's text with its wrapping undone (the console width differs by machine)."""
    return " ".join(text.split())


def _validated(tmp_path: Path, fail_on: str) -> tuple[Path, Any]:
    run = make_run(tmp_path)
    return run, CliRunner().invoke(app, ["validate", str(run), "--fail-on", fail_on])


def test_errors_under_fail_on_never_are_not_enforced(tmp_path: Path) -> None:
    run, result = _validated(tmp_path, "never")
    assert result.exit_code == 0  # the exit code still follows --fail-on
    assert _badge((run / "validation.html").read_text("utf-8")) == NOT_ENFORCED
    reconciliation = (run / "reconciliation.html").read_text("utf-8")
    assert (
        "<dt>Validation</dt><dd>errors not enforced (fail on never); 5 error, 6 warning, 0 info"
        in reconciliation
    )
    said = _words(result.stdout)
    assert (
        "validation errors not enforced (--fail-on never): 5 errors, 6 warnings, 0 info; "
        "details in "
    ) in said
    # the next line says why
    assert (
        "junit.xml 5 errors found; --fail-on never lets the run pass (records with errors are "
        "not loaded)"
    ) in said
    assert "passed" not in said


def test_a_failed_validation_says_failed(tmp_path: Path) -> None:
    run, result = _validated(tmp_path, "error")
    assert result.exit_code == 1
    assert _badge((run / "validation.html").read_text("utf-8")) == FAILED
    said = _words(result.stdout)
    assert "validation failed (--fail-on error): 5 errors, 6 warnings, 0 info; " in said


@pytest.mark.parametrize(
    ("passed", "fail_on", "counts", "badge"),
    [
        # errors tolerated by their rules' max_failures: the configured verdict is a pass
        (True, "error", {"error": 2, "warning": 0, "info": 0}, ("ok", "✓", "passed")),
        # --fail-on never and no error: nothing was let through
        (True, "never", {"error": 0, "warning": 3, "info": 1}, ("ok", "✓", "passed")),
        (False, "warning", {"error": 0, "warning": 3, "info": 0}, ("bad", "✗", "FAILED")),
        # an old validation.json without "passed": no claim either way
        (None, "", {"error": 1}, ("none", "–", "done")),
    ],
)
def test_the_badge_of_each_verdict(
    passed: bool | None, fail_on: str, counts: dict[str, int], badge: tuple[str, str, str]
) -> None:
    data: dict[str, Any] = {"fail_on": fail_on, "counts": counts, "records": {}, "findings": []}
    if passed is not None:
        data["passed"] = passed
    html = render_validation(summarise_validation(data), run_id="r1")
    css, mark, word = badge
    assert _badge(html) == (
        f'<div class="verdict {css}" id="verdict"><span class="mark">{mark}</span>'
        f'<span class="word">{word}</span><small>{sum(counts.values())} findings</small></div>'
    )
