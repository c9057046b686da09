"""Post-load verification: a clean load verifies on every backend; a row changed or deleted in
the target afterwards is found, named by object, external id and field — never by value."""

from __future__ import annotations

import sqlalchemy as sa

from crmmigrate.load import load_frames
from crmmigrate.load.verify import Mismatch, canonical, verify_load

ACCOUNTS = [
    {"key": "A1", "name": "Acme 股份有限公司", "annual_revenue": "1200000.50"},
    {"key": "A2", "name": "Globex", "annual_revenue": "-12.5"},
]
CONTACTS = [
    {
        "key": "1",
        "last_name": "陳",
        "email": "a@example.com",
        "birthdate": "1980-02-29",
        "account": "legacy:A1",
    },
    {
        "key": "2",
        "last_name": "Smith",
        "email": None,
        "birthdate": "1975-12-31",
        "account": "legacy:A2",
    },
    # A reference nobody has: loaded as NULL (the transform reported it), not a mismatch.
    {
        "key": "3",
        "last_name": "Lee",
        "email": "c@example.com",
        "birthdate": None,
        "account": "legacy:NOPE",
    },
    # Fails to load (required last_name missing): rejected, so not expected in the target.
    {"key": "4", "last_name": None, "email": "d@example.com"},
]


def _load(make_frame, crm_schema, url):
    frames = {
        "accounts": make_frame("accounts", ACCOUNTS),
        "contacts": make_frame("contacts", CONTACTS),
    }
    result = load_frames(frames, crm_schema, url, run_id="r1")
    return frames, result


def _exec(url: str, statement: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()


def test_clean_load_verifies(target_url, crm_schema, make_frame):
    frames, result = _load(make_frame, crm_schema, target_url)

    verification = verify_load(frames, crm_schema, target_url, "r1", result=result)

    assert verification.ok, [str(m) for m in verification.mismatches]
    contacts = verification.objects[1]
    assert (contacts.object, contacts.clean, contacts.loaded, contacts.rejected) == (
        "contacts",
        4,
        3,
        1,
    )
    assert (contacts.in_target, contacts.target_total, contacts.sampled) == (3, 3, 3)
    assert "last_name" in contacts.key_fields and "account" in contacts.key_fields
    assert contacts.checksum_clean == contacts.checksum_target
    assert verification.to_dict()["ok"] is True


def test_tampered_and_deleted_rows_are_found(target_url, crm_schema, make_frame):
    frames, result = _load(make_frame, crm_schema, target_url)
    _exec(target_url, "UPDATE contacts SET birthdate = '1999-01-01' WHERE external_id = 'legacy:1'")
    _exec(target_url, "UPDATE accounts SET annual_revenue = 1 WHERE external_id = 'legacy:A2'")
    _exec(target_url, "DELETE FROM contacts WHERE external_id = 'legacy:2'")

    verification = verify_load(frames, crm_schema, target_url, "r1", result=result, sample=10)

    assert not verification.ok
    assert set(verification.mismatches) == {
        Mismatch("accounts", "field", "legacy:A2", "annual_revenue", "differs in the target"),
        Mismatch("contacts", "field", "legacy:1", "birthdate", "differs in the target"),
        Mismatch("contacts", "missing", "legacy:2", None, "not in the target"),
    }
    contacts = verification.objects[1]
    assert contacts.in_target == 2 and contacts.checksum_clean != contacts.checksum_target
    # Messages name where, never what.
    assert "1999" not in " ".join(str(m) for m in verification.mismatches)


def test_key_field_change_found_outside_the_sample(target_url, crm_schema, make_frame):
    frames, result = _load(make_frame, crm_schema, target_url)
    _exec(target_url, "UPDATE contacts SET last_name = 'X' WHERE external_id = 'legacy:3'")
    _exec(target_url, "UPDATE contacts SET account_id = NULL WHERE external_id = 'legacy:2'")

    verification = verify_load(frames, crm_schema, target_url, "r1", result=result, sample=0)

    assert [(m.external_id, m.field) for m in verification.mismatches] == [
        ("legacy:2", "account"),
        ("legacy:3", "last_name"),
    ]
    assert verification.objects[1].sampled == 0


def test_without_a_load_result_every_convertible_record_is_expected(
    sqlite_url, crm_schema, make_frame
):
    frames, _ = _load(make_frame, crm_schema, sqlite_url)
    verification = verify_load(frames, crm_schema, sqlite_url, "r1", seed=7)
    # Only the load result knows the database rejected record 4 (NOT NULL last_name).
    assert [str(m) for m in verification.mismatches] == ["contacts legacy:4: not in the target"]
    assert verification.objects[1].loaded == 4 and verification.objects[1].rejected == 0


def test_canonical_forms_agree_across_types():
    from datetime import date, datetime
    from decimal import Decimal

    assert canonical(Decimal("12.50")) == canonical(Decimal("12.5")) == "12.5"
    assert canonical(Decimal("100")) == "100"
    assert canonical(date(2020, 2, 29)) == "2020-02-29"
    assert canonical(datetime(2020, 1, 1, 8, 30)) == "2020-01-01T08:30:00"
    assert canonical(None) == canonical(float("nan")) == ""
    assert canonical(True) == "true"
