"""validation.json and findings.parquet: the twin answers what the document would, or is ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.validate.runner import ValidationResult, validate_frames
from crmmigrate.validate.stored import (
    FINDINGS,
    VALIDATION,
    read_error_findings,
    read_validation_header,
    write_validation,
)

SCHEMA = load_target_schema(default_schema_path())


def _result() -> ValidationResult:
    rows = []
    for i in range(1, 7):
        rows.append(
            {
                "_record_id": f"s#{i}",
                "_source": "s",
                "_source_file": "s.csv",
                "_source_sheet": None,
                # a record crmmigrate created has no source row
                "_source_row": None if i == 6 else i + 1,
                "_source_key": str(i),
                "external_id": f"s:{i}",
                "last_name": "Lee" if i % 2 else None,  # required: an error on 2, 4, 6
                "email": "not-an-email" if i == 3 else None,
            }
        )
    frame = pd.DataFrame(rows).astype(object)
    return validate_frames({"contacts": frame}, SCHEMA, fail_on="never")


def _written(tmp_path: Path) -> tuple[ValidationResult, dict[str, object]]:
    result = _result()
    header = result.header()
    write_validation(tmp_path, header, result.finding_frame())
    return result, header


def _from_document(tmp_path: Path) -> pd.DataFrame:
    (tmp_path / FINDINGS).unlink()
    found = read_error_findings(tmp_path)
    assert found is not None
    return found


def test_document_is_the_header_then_every_finding(tmp_path: Path) -> None:
    result, header = _written(tmp_path)
    data = json.loads((tmp_path / VALIDATION).read_text("utf-8"))
    assert {k: v for k, v in data.items() if k != "findings"} == header
    assert len(data["findings"]) == len(result.findings) > 0
    assert read_validation_header(tmp_path) == header


def test_error_findings_from_the_twin_equal_those_from_the_document(tmp_path: Path) -> None:
    _written(tmp_path)
    twin = read_error_findings(tmp_path)
    assert twin is not None and set(twin["severity"]) == {"error"}
    assert sorted(twin["record_id"]) == ["s#2", "s#4", "s#6"]
    document = _from_document(tmp_path)
    pd.testing.assert_frame_equal(
        twin.astype(object).where(twin.notna(), None).reset_index(drop=True),
        document.astype(object).where(document.notna(), None).reset_index(drop=True),
        check_dtype=False,
    )
    rows = dict(zip(twin["record_id"], twin["source_row"], strict=True))
    assert str(rows["s#2"]) == "3" and pd.isna(rows["s#6"])  # whole numbers, not 3.0


def test_a_twin_that_does_not_match_the_document_is_ignored(tmp_path: Path) -> None:
    _written(tmp_path)
    document = tmp_path / VALIDATION
    data = json.loads(document.read_text("utf-8"))
    data["passed"] = not data["passed"]
    data["findings"] = [f for f in data["findings"] if f["record_id"] != "s#2"]
    document.write_text(json.dumps(data), "utf-8")  # edited by hand: another size
    assert read_validation_header(tmp_path)["passed"] is data["passed"]  # type: ignore[index]
    found = read_error_findings(tmp_path)
    assert found is not None and sorted(found["record_id"]) == ["s#4", "s#6"]


@pytest.mark.parametrize("twin", ["missing", "garbage"])
def test_without_a_usable_twin_the_document_answers(tmp_path: Path, twin: str) -> None:
    _, header = _written(tmp_path)
    if twin == "missing":
        (tmp_path / FINDINGS).unlink()
    else:
        (tmp_path / FINDINGS).write_bytes(b"not parquet")
    got = read_validation_header(tmp_path)
    assert got is not None and {k: v for k, v in got.items() if k != "findings"} == header
    found = read_error_findings(tmp_path)
    assert found is not None and sorted(found["record_id"]) == ["s#2", "s#4", "s#6"]


def test_no_validation_reads_as_none(tmp_path: Path) -> None:
    assert read_validation_header(tmp_path) is None
    assert read_error_findings(tmp_path) is None


def test_a_new_validation_replaces_the_twin_before_the_document(tmp_path: Path) -> None:
    """Should writing the document fail, no twin of the earlier validation is left behind."""
    _written(tmp_path)
    result = _result()
    blocked = tmp_path / f".{VALIDATION}.tmp"
    blocked.mkdir()  # the document's temporary file cannot be written
    with pytest.raises(OSError):
        write_validation(tmp_path, result.header(), result.finding_frame())
    assert not (tmp_path / FINDINGS).exists()


def test_findings_arrow_cannot_type_leave_no_twin_and_the_document_answers(
    tmp_path: Path,
) -> None:
    result = _result()
    findings = result.finding_frame(values=True).copy()
    findings["value"] = [7 if i % 2 else "x" for i in range(len(findings))]  # mixed types
    write_validation(tmp_path, result.header(), findings)
    assert not (tmp_path / FINDINGS).exists()
    found = read_error_findings(tmp_path)
    assert found is not None and sorted(found["record_id"]) == ["s#2", "s#4", "s#6"]


def test_a_twin_beside_another_document_of_the_same_size_is_ignored(tmp_path: Path) -> None:
    """A later validation by an earlier version (or an edit by hand) may leave a document of
    exactly the old size: the twin is matched on the document's SHA-256, not on its size."""
    _written(tmp_path)
    document = tmp_path / VALIDATION
    text = document.read_text("utf-8")
    swapped = text.replace('"record_id":"s#2"', '"record_id":"s#9"')
    assert swapped != text and len(swapped) == len(text)
    document.write_text(swapped, "utf-8")
    found = read_error_findings(tmp_path)
    assert found is not None and sorted(found["record_id"]) == ["s#4", "s#6", "s#9"]
