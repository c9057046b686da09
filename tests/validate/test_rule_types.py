"""One test per rule type: the failing records are found, the passing ones are not."""

from __future__ import annotations

import datetime as dt

from tests.validate.helpers import frame, hits, run, summary

C = {"last_name": "Lee"}


def test_regex_full_match_skips_empty() -> None:
    contacts = frame("c", [{"title": "CEO"}, {"title": "CEO of X"}, {"title": None}], **C)
    rule = {"type": "regex", "object": "contacts", "field": "title", "pattern": "[A-Z]{2,4}"}
    result = run({"contacts": contacts}, rule)
    assert hits(result, "regex-mismatch") == ["c#2"]
    f = result.findings
    assert f.loc[0, "message"] == "contacts.title does not match the pattern of rule regex-mismatch"
    assert run({"contacts": contacts.iloc[[0, 2]]}, rule).passed


def test_range_on_numbers_and_dates() -> None:
    orders = frame("o", [{"amount": "10"}, {"amount": "-1"}, {"amount": "x"}, {"amount": None}])
    rule = {"type": "range", "object": "orders", "field": "amount", "min": 0, "max": 100}
    assert hits(run({"orders": orders}, rule), "out-of-range") == ["o#2"]  # 'x' is not a number
    contacts = frame("c", [{"birthdate": "1890-05-01"}, {"birthdate": "1985-03-04"}], **C)
    rule = {"type": "range", "object": "contacts", "field": "birthdate", "min": dt.date(1900, 1, 1)}
    result = run({"contacts": contacts}, rule)
    assert hits(result, "out-of-range") == ["c#1"]
    assert "outside the allowed range 1900-01-01.." in result.findings.loc[0, "message"]


def test_cross_field_compares_dates_as_dates() -> None:
    opps = frame(
        "p",
        [
            {"close_date": "2024-02-01", "created_date": "2024-01-31"},
            {"close_date": "2024-01-01", "created_date": "2024-01-31"},  # closes before creation
            {"close_date": "2024-01-01", "created_date": None},  # nothing to compare
        ],
        name="Deal",
    )
    rule = {"type": "cross-field", "object": "opportunities", "left": "close_date", "op": ">=",
            "right": "created_date"}  # fmt: skip
    result = run({"opportunities": opps}, rule)
    assert hits(result, "cross-field") == ["p#2"]
    assert summary(result, "cross-field")["field"] == "close_date >= created_date"


def test_cross_field_compares_numbers_as_numbers() -> None:
    # as text "9" > "10"; as numbers it is not
    opps = frame("p", [{"amount": "9", "probability": "10"}], name="Deal", close_date="2024-01-01")
    rule = {"type": "cross-field", "object": "opportunities", "left": "amount", "op": "<",
            "right": "probability"}  # fmt: skip
    assert run({"opportunities": opps}, rule).findings.query("code == 'cross-field'").empty


def test_one_of_required() -> None:
    accounts = frame(
        "a", [{"phone": "+886223456789"}, {"website": "https://x.tw"}, {"phone": " "}], name="A"
    )
    rule = {"type": "one-of-required", "object": "accounts", "fields": ["phone", "website"]}
    result = run({"accounts": accounts}, rule)
    assert hits(result, "one-of-required") == ["a#3"]
    assert result.findings.loc[0, "field"] == "phone|website"


def test_required_if() -> None:
    leads = frame(
        "l",
        [
            {"status": "Qualified", "company": "Acme"},
            {"status": "Qualified", "company": None},
            {"status": "New", "company": None},
        ],
        last_name="Lee",
    )
    rule = {"type": "required-if", "object": "leads", "field": "company",
            "when": {"field": "status", "in": ["Qualified"]}}  # fmt: skip
    assert hits(run({"leads": leads}, rule), "required-if") == ["l#2"]


def test_unique_together_flags_repeats_after_the_first() -> None:
    contacts = frame(
        "c",
        [
            {"first_name": "Ann", "birthdate": "1985-03-04"},
            {"first_name": "Ann", "birthdate": "1985-03-04"},
            {"first_name": "Ann", "birthdate": "1990-01-01"},
            {"first_name": None, "birthdate": "1985-03-04"},
        ],
        **C,
    )
    rule = {"type": "unique-together", "object": "contacts",
            "fields": ["first_name", "last_name", "birthdate"]}  # fmt: skip
    result = run({"contacts": contacts}, rule)
    assert hits(result, "duplicate-combination") == ["c#2"]


def test_row_count_min_max_and_within() -> None:
    contacts = frame("c", [{"email": e} for e in ["a@x.co", "A@x.co", "b@x.co", None]], **C)
    ok = {"type": "row-count", "object": "contacts", "min": 1, "max": 4}
    assert run({"contacts": contacts}, ok).passed
    low = {"type": "row-count", "object": "contacts", "min": 5, "name": "enough"}
    result = run({"contacts": contacts}, low)
    assert not result.passed
    row = summary(result, "enough")
    assert (row["count"], row["failed"], row["percent"]) == (1, True, None)
    assert row["detail"] == "contacts has 4 records; expected at least 5"
    assert result.findings.empty  # an object-level finding names no record
    # 4 records vs 2 distinct e-mails (case-insensitive): off by 100%
    within = {"type": "row-count", "object": "contacts", "within": "1%",
              "of": {"object": "contacts", "distinct": "email"}}  # fmt: skip
    assert not run({"contacts": contacts}, within).passed
    read = {"type": "row-count", "object": "contacts", "within": "20%",
            "of": {"object": "contacts", "records": "read"}}  # fmt: skip
    assert run({"contacts": contacts}, read, read={"contacts": 5}).passed
    assert not run({"contacts": contacts}, read, read={"contacts": 6}).passed


def test_checksum_algorithms() -> None:
    accounts = frame(
        "a",
        [{"tax_id": "04595257"}, {"tax_id": "04595258"}, {"tax_id": None}],
        name="A",
    )
    rule = {"type": "checksum", "object": "accounts", "field": "tax_id", "algorithm": "tw_ubn"}
    assert hits(run({"accounts": accounts}, rule), "bad-checksum") == ["a#2"]
    ids = frame("a", [{"tax_id": "A123456789"}, {"tax_id": "A123456788"}], name="A")
    rule = {**rule, "algorithm": "tw_national_id"}
    assert hits(run({"accounts": ids}, rule), "bad-checksum") == ["a#2"]
    uscc = frame(
        "a", [{"tax_id": "91350100M000100Y43"}, {"tax_id": "91350100M000100Y44"}], name="A"
    )
    rule = {**rule, "algorithm": "cn_uscc"}
    assert hits(run({"accounts": uscc}, rule), "bad-checksum") == ["a#2"]


def test_freshness_against_reference_or_run_date() -> None:
    leads = frame(
        "l", [{"created_date": "2025-12-01"}, {"created_date": "2020-01-01"}], last_name="Lee"
    )
    rule = {"type": "freshness", "object": "leads", "field": "created_date", "max_age_days": 365,
            "reference_date": "2025-12-31"}  # fmt: skip
    result = run({"leads": leads}, rule)
    assert hits(result, "stale-record") == ["l#2"]
    assert summary(result, "stale-record")["severity"] == "warning"
    assert result.passed  # a warning does not fail at --fail-on error
    rule.pop("reference_date")
    assert hits(run({"leads": leads}, rule, run_date=dt.date(2026, 1, 1)), "stale-record") == [
        "l#2"
    ]
    assert hits(run({"leads": leads}, rule, run_date=dt.date(2030, 1, 1)), "stale-record") == [
        "l#1",
        "l#2",
    ]
