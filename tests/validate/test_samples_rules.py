"""On samples/, the rules in samples/rules/validate.yaml find the planted problems.

The counts come from samples/expected.json (the numbers in samples/README.md).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crmmigrate.config import load_config
from crmmigrate.pipeline.clean import clean_project
from crmmigrate.pipeline.validate import validate_run
from crmmigrate.validate.runner import ValidationResult

SAMPLES = Path(__file__).parent.parent.parent / "samples"
EXPECTED: dict[str, Any] = json.loads((SAMPLES / "expected.json").read_text("utf-8"))
FILES = EXPECTED["files"]


@pytest.fixture(scope="module")
def validation(tmp_path_factory: pytest.TempPathFactory) -> ValidationResult:
    root = tmp_path_factory.mktemp("samples") / "samples"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("runs", "*.db"))
    cleaned = clean_project(load_config(root / "crmmigrate.yaml"))
    return validate_run(cleaned.run, fail_on="error")


def _rule(result: ValidationResult, name: str) -> dict[str, Any]:
    return next(r for r in result.by_rule() if r["rule"] == name)


def test_the_sample_rules_file_is_applied(validation: ValidationResult) -> None:
    assert [Path(f).name for f in validation.rules_files] == ["00_validate.yaml"]


def test_planted_ubn_problems(validation: ValidationResult) -> None:
    erp = FILES["erp/accounts.csv"]
    assert _rule(validation, "ubn-check-digit")["count"] == erp["invalid_ubn"]
    # the two accounts sharing one 統一編號 (rows 31 and 51) are one company: dedupe merges them
    # (the UBN is an identifier), so the uniqueness rule has nothing left to report
    assert erp["repeated_ubn_rows"] == 1
    assert _rule(validation, "one-account-per-ubn")["count"] == 0
    planted = {
        (r["file"], r["row"]) for p in EXPECTED["planted"] if p["category"] == "invalid_ubn"
        for r in p["rows"]
    }  # fmt: skip
    found = {tuple(s.split(":")) for s in _rule(validation, "ubn-check-digit")["sample_rows"]}
    assert {(f, int(r)) for f, r in found} == planted


def test_planted_blank_lead_company(validation: ValidationResult) -> None:
    row = _rule(validation, "lead-has-company")
    assert row["count"] == FILES["hubspot/leads.csv"]["blank_company_name"]


def test_row_counts_and_formats_hold(validation: ValidationResult) -> None:
    for name in ("orders-distinct", "contacts-kept", "order-number-format", "positive-amount"):
        row = _rule(validation, name)
        assert (row["count"], row["failed"]) == (0, False), name


def test_sample_rules_are_warnings_so_the_load_is_unchanged(validation: ValidationResult) -> None:
    failed = {r["rule"] for r in validation.by_rule() if r["failed"]}
    # the schema's, as in tests/test_samples (an unresolved reference is an error by default)
    assert failed == {"required-missing", "invalid-date", "reference-unresolved"}
