"""Validation v0 checks from the target schema: each rule finds exactly the failing records."""

from __future__ import annotations

import pandas as pd

from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.validate.runner import validate_frames

SCHEMA = load_target_schema(default_schema_path())


def _contacts(rows: list[dict[str, object]]) -> pd.DataFrame:
    out = []
    for i, row in enumerate(rows, start=1):
        out.append(
            {
                "_record_id": f"s#{i}",
                "_source": "s",
                "_source_file": "s.csv",
                "_source_sheet": None,
                "_source_row": i + 1,
                "_source_key": str(i),
                "external_id": f"s:{i}",
                "last_name": "Lee",
                **row,
            }
        )
    return pd.DataFrame(out).astype(object)


def _codes(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    result = validate_frames({"contacts": frame}, SCHEMA, fail_on="error")
    f = result.findings
    return sorted(zip(f["record_id"], f["field"], f["code"], strict=True))


def test_each_rule_flags_only_its_records() -> None:
    frame = _contacts(
        [
            {"last_name": None},
            {"first_name": "x" * 41},
            {"birthdate": "1987-02-30"},
            {"email": "not-an-email"},
            {"gender": "Unknown"},
            {"mailing_country": "Narnia"},
            {"email": "ok@example.com", "birthdate": "1985-03-04", "gender": "Female"},
        ]
    )
    assert _codes(frame) == [
        ("s#1", "last_name", "required-missing"),
        ("s#2", "first_name", "too-long"),
        ("s#3", "birthdate", "invalid-date"),
        ("s#4", "email", "invalid-email"),
        ("s#5", "gender", "picklist-value"),
        ("s#6", "mailing_country", "invalid-country"),
        ("s#6", "mailing_country", "too-long"),
    ]


def test_fail_on_levels_and_record_ids_with_errors() -> None:
    frame = _contacts([{"email": "bad"}, {"last_name": None}])
    warn_only = _contacts([{"email": "bad"}])
    assert not validate_frames({"contacts": frame}, SCHEMA, fail_on="error").passed
    assert validate_frames({"contacts": warn_only}, SCHEMA, fail_on="error").passed
    assert not validate_frames({"contacts": warn_only}, SCHEMA, fail_on="warning").passed
    assert validate_frames({"contacts": frame}, SCHEMA, fail_on="never").passed
    result = validate_frames({"contacts": frame}, SCHEMA)
    assert result.error_record_ids() == {"s#2"}


def test_unique_flags_repeats_after_the_first() -> None:
    accounts = pd.DataFrame(
        {
            "_record_id": ["a#1", "a#2"],
            "_source": "a",
            "_source_file": "a.csv",
            "_source_sheet": None,
            "_source_row": [2, 3],
            "_source_key": ["1", "2"],
            "external_id": ["a:1", "a:2"],
            "name": ["X", "Y"],
        }
    ).astype(object)
    from crmmigrate.target_schema import FieldDef, ObjectDef, TargetSchema

    schema = TargetSchema(
        version=1,
        name="t",
        objects={"accounts": ObjectDef(fields={"name": FieldDef(type="string", unique=True)})},
    )
    assert validate_frames({"accounts": accounts}, schema).findings.empty
    accounts.loc[1, "name"] = "X"
    found = validate_frames({"accounts": accounts}, schema).findings
    assert found[["record_id", "code"]].values.tolist() == [["a#2", "duplicate-value"]]


def test_findings_carry_no_values() -> None:
    frame = _contacts([{"email": "secret@@example.com"}])
    result = validate_frames({"contacts": frame}, SCHEMA).to_dict()
    assert "secret" not in str(result)
