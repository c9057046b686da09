"""Records the load rejects: each fails alone, with a reason naming the field, never the value."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crmmigrate.load import ObjectLoadResult, load_frames
from crmmigrate.target_schema import TargetSchema

# one object whose code must be unique: the database, not the loader, rejects a repeat
MEMBERS = TargetSchema.model_validate(
    {
        "version": 1,
        "name": "t",
        "objects": {"members": {"fields": {"code": {"type": "string", "unique": True}}}},
    }
)
CONTACTS = [
    {"key": "C1", "last_name": "Chen", "email": "chen@example.com", "account": "legacy:A1"},
    {"key": "C2", "last_name": "Lin", "birthdate": "1990-05-17", "account": "legacy:A2"},
    {"key": "C3", "last_name": "Wang", "account": None},
]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"key": "C2", "last_name": None}, "NOT NULL constraint failed: contacts.last_name"),
        ({"key": "C2", "last_name": "x" * 81}, "last_name: longer than 80 characters"),
    ],
)
def test_bad_row_is_isolated_and_the_rest_of_the_batch_commits(
    crm_schema, sqlite_url, make_frame, read_rows, bad, reason
):
    contacts = [CONTACTS[0], bad, CONTACTS[2], {"key": "C4", "last_name": "Huang"}]
    frames = {"contacts": make_frame("contacts", contacts)}

    result = load_frames(frames, crm_schema, sqlite_url, run_id="r1", batch_size=3)

    assert result.counts("contacts") == ObjectLoadResult("contacts", 4, 3, 0, 0, 1, 1)
    assert result.errors[["external_id", "reason"]].values.tolist() == [["legacy:C2", reason]]
    assert [r["external_id"] for r in read_rows(sqlite_url, "contacts")] == [
        "legacy:C1",
        "legacy:C3",
        "legacy:C4",
    ]


def test_database_rejection_is_isolated_with_the_database_reason(sqlite_url, make_frame, read_rows):
    schema = MEMBERS
    members = [
        {"key": "M1", "code": "X1"},
        {"key": "M2", "code": "X1"},
        {"key": "M3", "code": "X3"},
    ]

    result = load_frames(
        {"members": make_frame("members", members)}, schema, sqlite_url, run_id="r1", batch_size=3
    )

    assert result.errors[["external_id", "reason"]].values.tolist() == [
        ["legacy:M2", "UNIQUE constraint failed: members.code"]
    ]
    assert [r["code"] for r in read_rows(sqlite_url, "members")] == ["X1", "X3"]


def test_sqlite_check_rejects_overlong_text_written_around_the_loader(crm_schema, sqlite_url):
    load_frames({}, crm_schema, sqlite_url, run_id="r1")
    engine = sa.create_engine(sqlite_url)
    with (
        pytest.raises(sa.exc.IntegrityError, match="ck_contacts_last_name_length"),
        engine.begin() as conn,
    ):
        conn.execute(
            sa.text("INSERT INTO contacts (external_id, last_name) VALUES ('x', :v)"),
            {"v": "x" * 81},
        )
    engine.dispose()


def test_conversion_errors_name_the_field_never_the_value(crm_schema, sqlite_url, make_frame):
    accounts = [
        {"key": "A1", "name": "Acme", "annual_revenue": "12,00 TWD", "number_of_employees": "many"},
        {"key": "A2", "name": "Globex", "created_date": "17/05/1990"},
        {"key": "A3", "name": "Initech", "annual_revenue": "10.005"},
    ]

    result = load_frames(
        {"accounts": make_frame("accounts", accounts)}, crm_schema, sqlite_url, run_id="r1"
    )

    reasons = result.errors.set_index("external_id")["reason"].to_dict()
    assert reasons == {
        "legacy:A1": "annual_revenue: not a money amount (up to 16 digits and 2 decimals); "
        "number_of_employees: not a 64-bit integer",
        "legacy:A2": "created_date: not an ISO date",
        "legacy:A3": "annual_revenue: not a money amount (up to 16 digits and 2 decimals)",
    }
    assert not any(v in " ".join(reasons.values()) for v in ("12,00", "many", "17/05", "10.005"))


def test_repeated_or_missing_external_id_fails_the_record(crm_schema, sqlite_url, make_frame):
    accounts = [
        {"key": "A1", "name": "Acme"},
        {"key": "A1", "name": "Acme again"},
        {"key": "A3", "name": "Nobody", "external_id": None},
    ]

    result = load_frames(
        {"accounts": make_frame("accounts", accounts)}, crm_schema, sqlite_url, run_id="r1"
    )

    assert result.errors["reason"].tolist() == [
        "external_id: repeats an earlier record of this load",
        "external_id: missing",
    ]


def test_rejected_update_is_isolated_from_inserts_and_updates(
    crm_schema, sqlite_url, make_frame, read_rows
):
    load_frames({"contacts": make_frame("contacts", CONTACTS)}, crm_schema, sqlite_url, run_id="r1")
    second = [
        {**CONTACTS[0], "last_name": "Chen-Li"},  # update
        {**CONTACTS[1], "last_name": None},  # update that violates NOT NULL
        {"key": "C4", "last_name": "Huang"},  # insert
    ]

    result = load_frames(
        {"contacts": make_frame("contacts", second)},
        crm_schema,
        sqlite_url,
        run_id="r2",
        batch_size=3,
    )

    counts = result.counts("contacts")
    assert (counts.updated, counts.inserted, counts.failed) == (1, 1, 1)
    assert result.errors["external_id"].tolist() == ["legacy:C2"]
    rows = {
        r["external_id"]: (r["last_name"], r["_load_id"]) for r in read_rows(sqlite_url, "contacts")
    }
    assert rows == {
        "legacy:C1": ("Chen-Li", "r2"),
        "legacy:C2": ("Lin", "r1"),
        "legacy:C3": ("Wang", "r1"),
        "legacy:C4": ("Huang", "r2"),
    }


def test_a_few_bad_rows_in_a_big_batch_are_isolated_in_few_statements(
    target_url, make_frame, read_rows
):
    """The replay halves the rows, not one statement per row: three rejected rows of 512 in
    one batch cost tens of INSERTs, and exactly those three are reported."""
    schema = MEMBERS
    codes = [f"X{i}" for i in range(512)]
    for bad, repeated in ((100, 3), (101, 100), (400, 399)):
        codes[bad] = codes[repeated]
    members = [{"key": f"M{i}", "code": code} for i, code in enumerate(codes)]
    inserts: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO") and "members" in statement:
            inserts.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        result = load_frames(
            {"members": make_frame("members", members)},
            schema,
            target_url,
            run_id="r1",
            batch_size=512,
        )
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)

    assert sorted(result.errors["external_id"]) == ["legacy:M100", "legacy:M101", "legacy:M400"]
    loaded = [r["code"] for r in read_rows(target_url, "members")]
    assert len(loaded) == 509 and len(set(loaded)) == 509
    assert 0 < len(inserts) < 100  # row by row it was 512 and more
