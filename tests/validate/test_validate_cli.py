"""`crmmigrate validate` with rules: exit codes, --rules, --show-values, junit.xml."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from tests.validate.helpers import make_run

WARN_ONLY = """\
version: 1
kind: validate
rules:
  - {name: corporate-email, type: regex, object: contacts, field: email,
     pattern: '[^@ ]+@[^@ ]+\\.[a-z]{2,}', severity: warning}
"""


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return make_run(tmp_path)


def test_exit_codes_for_each_fail_on(run: Path) -> None:
    # the golden run has error findings over their thresholds (row-count, out-of-range, …)
    assert invoke("validate", str(run), "--quiet").exit_code == 1
    assert invoke("validate", str(run), "--quiet", "--fail-on", "warning").exit_code == 1
    assert invoke("validate", str(run), "--quiet", "--fail-on", "never").exit_code == 0


def test_summary_names_the_schema_check_that_failed(tmp_path: Path) -> None:
    rules = tmp_path / "warn.yaml"
    rules.write_text(WARN_ONLY, encoding="utf-8")
    run = make_run(tmp_path, rules_file=rules)
    # the schema's required-missing on C2 is an error: without it, only warnings remain
    (run / "config" / "rules" / "00_validate.yaml").write_text(WARN_ONLY, encoding="utf-8")
    result = invoke("validate", str(run), "--fail-on", "error")
    assert result.exit_code == 1  # required-missing last_name (schema, error)
    assert "failed the run: contacts.last_name required-missing" in result.stdout
    assert "corporate-email" in result.stdout


def test_summary_names_failed_rules_and_shows_file_rows(run: Path) -> None:
    result = invoke("validate", str(run))
    assert result.exit_code == 1
    assert "validation failed (--fail-on error)" in result.stdout
    assert "contacts row-count" in result.stdout
    assert "legacy/contacts.csv:5" in result.stdout
    assert "next: fix the findings" in result.stderr


def test_rules_option_adds_a_file(tmp_path: Path) -> None:
    run = make_run(tmp_path, rules_file=None)
    extra = tmp_path / "extra.yaml"
    extra.write_text(WARN_ONLY, encoding="utf-8")
    result = invoke("validate", str(run), "--rules", str(extra), "--json", "--fail-on", "never")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["rules_files"] == [str(extra)]
    assert any(r["rule"] == "corporate-email" and r["count"] == 1 for r in data["rules"])


def test_a_bad_rules_file_is_exit_2_with_one_line(tmp_path: Path) -> None:
    run = make_run(tmp_path, rules_file=None)
    bad = tmp_path / "bad.yaml"
    bad.write_text(WARN_ONLY.replace("field: email", "field: emial"), encoding="utf-8")
    result = invoke("validate", str(run), "--rules", str(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {bad}: rules[0].field: contacts has no field 'emial'; did you mean 'email'?\n"
    )
    assert not (run / "validation.json").exists()  # nothing ran


def test_show_values_only_in_the_json_file(run: Path) -> None:
    plain = invoke("validate", str(run), "--fail-on", "never")
    written = json.loads((run / "validation.json").read_text("utf-8"))
    assert written["show_values"] is False
    assert all("value" not in f for f in written["findings"])
    shown = invoke("validate", str(run), "--fail-on", "never", "--show-values")
    written = json.loads((run / "validation.json").read_text("utf-8"))
    values = {f["value"] for f in written["findings"]}
    assert "cy.example.com" in values
    assert "04595258" in values
    for output in (plain.output, shown.output):
        assert "cy.example.com" not in output and "04595258" not in output
    as_json = invoke("validate", str(run), "--show-values", "--json", "--fail-on", "never")
    assert "cy.example.com" not in as_json.stdout
    assert "cy.example.com" not in (run / "junit.xml").read_text("utf-8")


PLANTED = "zqx.planted.9431"  # a distinctive e-mail (no @): invalid-email and corporate-email


def test_show_values_never_reach_validation_html(run: Path) -> None:
    contacts = run / "clean" / "contacts.parquet"
    frame = pd.read_parquet(contacts)
    frame.loc[frame["email"] == "cy.example.com", "email"] = PLANTED  # row 4, marked no-at-sign
    frame.to_parquet(contacts, index=False)
    shown = invoke("validate", str(run), "--fail-on", "never", "--show-values")
    written = json.loads((run / "validation.json").read_text("utf-8"))
    assert {f["code"] for f in written["findings"] if f["value"] == PLANTED} == {
        "invalid-email",
        "regex-mismatch",
    }
    html = (run / "validation.html").read_text("utf-8")
    assert PLANTED not in html
    assert "legacy/contacts.csv:4" in html  # the finding is there, by position
    assert "never shows values (--show-values adds them to validation.json only)" in html
    for name in ("reconciliation.html", "reconciliation.json", "junit.xml"):
        assert PLANTED not in (run / name).read_text("utf-8"), name
    assert PLANTED not in shown.output


def test_junit_xml_parses_with_one_case_per_rule_and_object(run: Path) -> None:
    invoke("validate", str(run))
    root = ET.parse(run / "junit.xml").getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"contacts", "accounts"}
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests", "")) == len(cases)
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(root.get("failures", "")) == len(failed)
    for suite in suites.values():
        assert int(suite.get("tests", "")) == len(suite.findall("testcase"))
    names = {(c.get("classname"), c.get("name")) for c in failed}
    assert names == {
        ("contacts", "required-missing last_name"),
        ("contacts", "out-of-range birthdate"),
        ("contacts", "duplicate-combination first_name+last_name+birthdate"),
        ("contacts", "row-count"),
    }
    dup = next(c for c in failed if c.get("name", "").startswith("duplicate"))
    failure = dup.find("failure")
    assert failure is not None
    assert failure.get("message") == "1 finding (16.67% of contacts), over the threshold of 0"
    assert "legacy/contacts.csv:6" in (failure.text or "")
    # tolerated by max_failures: 50% — a passing case with a note
    tolerated = next(c for c in cases if c.get("name") == "one-of-required phone|website")
    assert tolerated.find("failure") is None and tolerated.find("system-out") is not None
    never = invoke("validate", str(run), "--fail-on", "never")
    assert never.exit_code == 0
    assert ET.parse(run / "junit.xml").getroot().get("failures") == "0"
