"""Rules files: parsing, descriptor errors (exact messages), kinds, thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmmigrate.errors import ConfigError
from crmmigrate.validate.rules import allowed_failures, load_rules_file, parse_max_failures
from tests.validate.helpers import SCHEMA, frame, run, summary

REPO = Path(__file__).parent.parent.parent


def _file(tmp_path: Path, body: str, kind: str = "validate") -> Path:
    path = tmp_path / "validate.yaml"
    path.write_text(f"version: 1\nkind: {kind}\nrules:\n{body}", encoding="utf-8")
    return path


def _error(tmp_path: Path, body: str) -> str:
    path = _file(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_rules_file(path, SCHEMA)
    return str(info.value).replace(str(path), "F")


GOOD = "  - {type: regex, object: contacts, field: email, pattern: '.+@.+'}\n"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "  - {type: regex, object: contacts, field: emial, pattern: x}\n",
            "F: rules[3].field: contacts has no field 'emial'; did you mean 'email'?",
        ),
        (
            "  - {type: regex, object: contact, field: email, pattern: x}\n",
            "F: rules[3].object: unknown object 'contact'; did you mean 'contacts'?",
        ),
        (
            "  - {type: regexp, object: contacts, field: email, pattern: x}\n",
            "F: rules[3].type: unknown rule type 'regexp'; did you mean 'regex'?",
        ),
        (
            "  - {type: regex, object: contacts, field: email, pattern: x, severity: fatal}\n",
            "F: rules[3].severity: must be one of 'error', 'warning' or 'info'",
        ),
        (
            "  - {type: regex, object: contacts, field: email, pattern: '(x'}\n",
            "F: rules[3].pattern: not a valid regular expression "
            "(missing ), unterminated subpattern at position 0)",
        ),
        (
            "  - {type: regex, object: contacts, field: email, pattern: x, max_failures: lots}\n",
            "F: rules[3].max_failures: must be a count such as 10 or a share such as 0.5%",
        ),
        (
            "  - {type: regex, object: contacts, field: email, pattern: x, severty: info}\n",
            "F: rules[3].severty: unknown key; did you mean 'severity'?",
        ),
        (
            "  - {type: one-of-required, object: accounts, fields: [phone, webside]}\n",
            "F: rules[3].fields[1]: accounts has no field 'webside'; did you mean 'website'?",
        ),
        (
            "  - {type: range, object: contacts, field: email, min: 1}\n",
            "F: rules[3].field: contacts.email is not a number or date field; use regex",
        ),
        (
            "  - {type: range, object: contacts, field: birthdate, min: yesterday}\n",
            "F: rules[3].min: must be an ISO date such as 2020-01-31",
        ),
        (
            "  - {type: range, object: contacts, field: birthdate}\n",
            "F: rules[3]: give min:, max: or both",
        ),
        (
            "  - {type: cross-field, object: opportunities, left: close_date, op: '>=',"
            " right: amount}\n",
            "F: rules[3].right: opportunities.close_date is a date but amount is a number; "
            "compare fields of one kind",
        ),
        (
            "  - {type: required-if, object: leads, field: company,"
            " when: {field: status, in: [Qualifed]}}\n",
            "F: rules[3].when.in[0]: 'Qualifed' is not a value of leads.status; "
            "did you mean 'Qualified'?",
        ),
        (
            "  - {type: row-count, object: contacts, within: 1%,"
            " of: {object: contacts, distinct: mail}}\n",
            "F: rules[3].of.distinct: contacts has no field 'mail'; did you mean 'email'?",
        ),
        (
            "  - {type: row-count, object: contacts, within: 1%}\n",
            "F: rules[3]: within: and of: go together (within: 1%, of: {object: ...})",
        ),
        (
            "  - {type: freshness, object: leads, field: email, max_age_days: 30}\n",
            "F: rules[3].field: leads.email is not a date field",
        ),
        (
            "  - {type: checksum, object: accounts, field: tax_id, algorithm: luhn}\n",
            "F: rules[3].algorithm: must be one of 'tw_ubn', 'tw_national_id' or 'cn_uscc'",
        ),
    ],
)
def test_descriptor_errors_name_file_rule_and_fix(tmp_path: Path, rule: str, message: str) -> None:
    assert _error(tmp_path, GOOD * 3 + rule) == message


def test_other_kinds_are_skipped_and_the_shipped_files_load(tmp_path: Path) -> None:
    assert load_rules_file(_file(tmp_path, "  - {anything: 1}\n", kind="dedupe"), SCHEMA) is None
    with pytest.raises(ConfigError, match="kind: must be 'validate'"):
        load_rules_file(_file(tmp_path, "", kind="dedupe"), SCHEMA, required=True)
    for path in (REPO / "rules" / "validate.yaml", REPO / "samples" / "rules" / "validate.yaml"):
        loaded = load_rules_file(path, SCHEMA)
        assert loaded is not None and loaded.rules, path


def test_max_failures_forms() -> None:
    assert parse_max_failures(10) == 10
    assert parse_max_failures("10") == 10
    assert parse_max_failures("0.5%") == "0.5%"
    assert allowed_failures("0.5%", 1000) == 5
    assert allowed_failures("0.5%", 199) == 0
    assert allowed_failures(3, 10) == 3
    for bad in (True, -1, "1.5", "200%"):
        with pytest.raises(ValueError):
            parse_max_failures(bad)


def _titles(n_bad: int) -> dict[str, object]:
    rows = [{"title": "bad title"}] * n_bad + [{"title": "CEO"}] * (200 - n_bad)
    return {"contacts": frame("c", rows, last_name="Lee")}


REGEX = {"type": "regex", "object": "contacts", "field": "title", "pattern": "[A-Z]+"}


def test_percentage_threshold() -> None:
    rule = {**REGEX, "max_failures": "1%"}  # 1% of 200 records: 2 tolerated
    at = run(_titles(2), rule)  # type: ignore[arg-type]
    assert at.passed
    row = summary(at, "regex-mismatch")
    assert (row["count"], row["percent"], row["threshold"], row["failed"]) == (2, 1.0, 2, False)
    assert len(at.findings) == 2  # still reported
    over = run(_titles(3), rule)  # type: ignore[arg-type]
    assert not over.passed
    assert over.failed_rules() == ["contacts.title regex-mismatch"]


def test_count_threshold_and_severity_against_fail_on() -> None:
    rule = {**REGEX, "max_failures": 3}
    assert run(_titles(3), rule).passed  # type: ignore[arg-type]
    assert not run(_titles(4), rule).passed  # type: ignore[arg-type]
    warn = {**rule, "severity": "warning"}
    assert run(_titles(4), warn).passed  # type: ignore[arg-type]
    assert not run(_titles(4), warn, fail_on="warning").passed  # type: ignore[arg-type]
    assert run(_titles(4), rule, fail_on="never").passed  # type: ignore[arg-type]


def test_schema_checks_keep_a_threshold_of_zero() -> None:
    frames = {"contacts": frame("c", [{"last_name": None}, {"last_name": "Lee"}])}
    result = run(frames, REGEX)
    row = summary(result, "required-missing")
    assert (row["origin"], row["threshold"], row["failed"]) == ("schema", 0, True)


def test_two_unnamed_rules_on_one_field_are_told_apart() -> None:
    second = {**REGEX, "pattern": "[A-Z]{3}"}
    result = run(_titles(1), REGEX, second)  # type: ignore[arg-type]
    rules = {r["rule"] for r in result.by_rule() if r["origin"] != "schema"}
    assert rules == {"regex-mismatch", "regex-mismatch#2"}
