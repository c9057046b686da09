"""Load semantics on SQLite: insert, upsert, update, references, lineage."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from crmmigrate.load import ObjectLoadResult, load_frames, loader, references
from crmmigrate.load import batch as batch_module
from crmmigrate.target_schema import TargetSchema

ACCOUNTS = [
    {"key": "A1", "name": "Acme Ltd", "annual_revenue": "1200.50", "created_date": "2020-01-02"},
    {"key": "A2", "name": "Globex 股份有限公司", "number_of_employees": "12"},
]
CONTACTS = [
    {"key": "C1", "last_name": "Chen", "email": "chen@example.com", "account": "legacy:A1"},
    {"key": "C2", "last_name": "Lin", "birthdate": "1990-05-17", "account": "legacy:A2"},
    {"key": "C3", "last_name": "Wang", "account": None},
]


def _file_digest(url: str) -> str:
    return hashlib.sha256(Path(url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


def test_insert_writes_rows_and_reports_lineage(crm_schema, sqlite_url, make_frame, read_rows):
    frames = {"accounts": make_frame("accounts", ACCOUNTS)}
    result = load_frames(frames, crm_schema, sqlite_url, run_id="run-1", mode="insert")

    assert result.objects == (ObjectLoadResult("accounts", 2, 2, 0, 0, 0, 0),)
    assert result.errors.empty and not result.dry_run
    success = result.success.to_dict("records")
    assert [(r["external_id"], r["target_id"], r["action"]) for r in success] == [
        ("legacy:A1", 1, "inserted"),
        ("legacy:A2", 2, "inserted"),
    ]
    assert success[0]["record_id"] == "accounts-legacy-A1"
    assert (success[0]["source"], success[0]["source_file"], success[0]["source_row"]) == (
        "legacy",
        "legacy.csv",
        2,
    )
    rows = read_rows(sqlite_url, "accounts")
    assert rows[0]["name"] == "Acme Ltd" and rows[1]["name"] == "Globex 股份有限公司"
    assert str(rows[0]["annual_revenue"]) in {"1200.5", "1200.50"}
    assert rows[0]["created_date"] == "2020-01-02"
    assert rows[1]["number_of_employees"] == 12
    assert {r["_load_id"] for r in rows} == {"run-1"}


def test_upsert_twice_is_idempotent_and_byte_identical(crm_schema, sqlite_url, make_frame):
    frames = {
        "accounts": make_frame("accounts", ACCOUNTS),
        "contacts": make_frame("contacts", CONTACTS),
    }
    load_frames(frames, crm_schema, sqlite_url, run_id="run-1")
    before = _file_digest(sqlite_url)

    second = load_frames(frames, crm_schema, sqlite_url, run_id="run-2")

    assert [(o.object, o.unchanged, o.inserted, o.updated) for o in second.objects] == [
        ("accounts", 2, 0, 0),
        ("contacts", 3, 0, 0),
    ]
    assert set(second.success["action"]) == {"unchanged"}
    assert _file_digest(sqlite_url) == before


def test_changed_content_hash_updates_only_that_record(
    crm_schema, sqlite_url, make_frame, read_rows
):
    load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)}, crm_schema, sqlite_url, run_id="run-1"
    )
    changed = [{**ACCOUNTS[0], "name": "Acme Limited"}, ACCOUNTS[1]]

    result = load_frames(
        {"accounts": make_frame("accounts", changed)}, crm_schema, sqlite_url, run_id="run-2"
    )

    assert (result.counts("accounts").updated, result.counts("accounts").unchanged) == (1, 1)
    rows = read_rows(sqlite_url, "accounts")
    assert [(r["id"], r["name"], r["_load_id"]) for r in rows] == [
        (1, "Acme Limited", "run-2"),
        (2, "Globex 股份有限公司", "run-1"),
    ]


def test_update_leaves_columns_the_frame_lacks(crm_schema, sqlite_url, make_frame, read_rows):
    first = [{"key": "A1", "name": "Acme", "website": "https://acme.example"}]
    load_frames({"accounts": make_frame("accounts", first)}, crm_schema, sqlite_url, run_id="r1")
    second = make_frame("accounts", [{"key": "A1", "name": "Acme Ltd"}])  # no website column

    result = load_frames({"accounts": second}, crm_schema, sqlite_url, run_id="r2")

    assert result.counts("accounts").updated == 1
    row = read_rows(sqlite_url, "accounts")[0]
    assert (row["name"], row["website"]) == ("Acme Ltd", "https://acme.example")


def test_insert_mode_fails_records_already_in_the_target(crm_schema, sqlite_url, make_frame):
    load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS[:1])}, crm_schema, sqlite_url, run_id="r1"
    )

    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)},
        crm_schema,
        sqlite_url,
        run_id="r2",
        mode="insert",
    )

    assert (result.counts("accounts").inserted, result.counts("accounts").failed) == (1, 1)
    error = result.errors.to_dict("records")[0]
    assert error["external_id"] == "legacy:A1"
    assert error["reason"] == "external_id already in the target (use --mode upsert)"


def test_references_resolve_to_parent_ids(crm_schema, sqlite_url, make_frame, read_rows):
    # The parents are loaded after an unrelated account, so ids and positions differ.
    accounts = [{"key": "A0", "name": "Other"}, *ACCOUNTS]
    frames = {
        "contacts": make_frame("contacts", CONTACTS),
        "accounts": make_frame("accounts", accounts),
    }

    result = load_frames(frames, crm_schema, sqlite_url, run_id="r1", batch_size=2)

    assert [o.object for o in result.objects] == ["accounts", "contacts"]
    ids = {r["external_id"]: r["id"] for r in read_rows(sqlite_url, "accounts")}
    contacts = {r["external_id"]: r["account_id"] for r in read_rows(sqlite_url, "contacts")}
    assert contacts == {
        "legacy:C1": ids["legacy:A1"],
        "legacy:C2": ids["legacy:A2"],
        "legacy:C3": None,
    }


def test_parents_this_load_wrote_need_no_lookup_the_others_are_looked_up(
    crm_schema, sqlite_url, make_frame, read_rows, monkeypatch
):
    load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS[:1])}, crm_schema, sqlite_url, run_id="r1"
    )
    asked: list[set[str]] = []
    real_select = references.select_by_external_id

    def spy(conn, table, keys, columns):
        asked.append(set(keys))
        return real_select(conn, table, keys, columns)

    monkeypatch.setattr(references, "select_by_external_id", spy)
    contacts = [*CONTACTS, {"key": "C4", "last_name": "Wu", "account": "legacy:A9"}]

    result = load_frames(
        {  # A1 from r1, A2 from this load, A9 nowhere
            "accounts": make_frame("accounts", ACCOUNTS[1:]),
            "contacts": make_frame("contacts", contacts),
        },
        crm_schema,
        sqlite_url,
        run_id="r2",
        batch_size=2,
    )

    assert asked == [{"legacy:A1"}, {"legacy:A9"}]  # one per batch that needs it
    ids = {r["external_id"]: r["id"] for r in read_rows(sqlite_url, "accounts")}
    contacts_ = {r["external_id"]: r["account_id"] for r in read_rows(sqlite_url, "contacts")}
    assert contacts_ == {
        "legacy:C1": ids["legacy:A1"],
        "legacy:C2": ids["legacy:A2"],
        "legacy:C3": None,
        "legacy:C4": None,
    }
    assert result.counts("contacts").unresolved_references == 1


def test_reference_to_a_parent_that_failed_fails_the_child(crm_schema, sqlite_url, make_frame):
    accounts = [ACCOUNTS[0], {"key": "A2", "name": None}]  # A2 violates NOT NULL on name
    frames = {
        "accounts": make_frame("accounts", accounts),
        "contacts": make_frame("contacts", CONTACTS),
    }

    result = load_frames(frames, crm_schema, sqlite_url, run_id="r1")

    errors = result.errors.set_index("external_id")["reason"].to_dict()
    assert errors["legacy:C2"] == "account: parent record failed to load (legacy:A2)"
    assert "NOT NULL constraint failed: accounts.name" in errors["legacy:A2"]
    assert result.counts("contacts").inserted == 2


def test_unknown_reference_loads_null_and_is_counted(crm_schema, sqlite_url, make_frame, read_rows):
    contacts = [{"key": "C1", "last_name": "Chen", "account": "legacy:NOPE"}]

    result = load_frames(
        {"contacts": make_frame("contacts", contacts)}, crm_schema, sqlite_url, run_id="r1"
    )

    assert result.counts("contacts") == ObjectLoadResult("contacts", 1, 1, 0, 0, 0, 1)
    assert read_rows(sqlite_url, "contacts")[0]["account_id"] is None


def test_late_parent_updates_an_otherwise_unchanged_child(
    crm_schema, sqlite_url, make_frame, read_rows
):
    contacts = make_frame("contacts", CONTACTS[:1])
    load_frames({"contacts": contacts}, crm_schema, sqlite_url, run_id="r1")

    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS), "contacts": contacts},
        crm_schema,
        sqlite_url,
        run_id="r2",
    )

    assert result.counts("contacts").updated == 1
    assert read_rows(sqlite_url, "contacts")[0]["account_id"] == 1


def test_dates_are_stored_as_sqlalchemy_stores_them(crm_schema, sqlite_url, make_frame, read_rows):
    """SQLite binds the dates' ISO text directly (no per-value bind processor): the same text
    SQLAlchemy's Date type writes and reads, year 999 included."""
    contacts = [
        {"key": "C1", "last_name": "Chen", "birthdate": "0999-01-02"},
        {"key": "C2", "last_name": "Lin", "birthdate": "1990-05-17"},
        {"key": "C3", "last_name": "Wang", "birthdate": None},
    ]

    load_frames({"contacts": make_frame("contacts", contacts)}, crm_schema, sqlite_url, run_id="r1")

    raw = [r["birthdate"] for r in read_rows(sqlite_url, "contacts")]
    assert raw == ["0999-01-02", "1990-05-17", None]
    processor = sa.Date()._cached_bind_processor(sa.create_engine(sqlite_url).dialect)
    assert [processor(date(999, 1, 2)), processor(date(1990, 5, 17))] == raw[:2]


def test_an_error_building_the_next_batch_leaves_this_batch_committed(
    crm_schema, sqlite_url, make_frame, read_rows, monkeypatch
):
    """The next batch is built while this one is written; if building it fails, this batch
    still commits and the error surfaces before the next batch's own transaction."""
    real_build = loader._batch_rows
    calls = []

    def build(*args, **kwargs):
        calls.append(1)
        if len(calls) >= 2:  # every batch after the first
            raise RuntimeError("boom")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(loader, "_batch_rows", build)
    accounts = [{"key": f"A{n}", "name": f"Account {n}"} for n in range(6)]

    with pytest.raises(RuntimeError, match="boom"):
        load_frames(
            {"accounts": make_frame("accounts", accounts)},
            crm_schema,
            sqlite_url,
            run_id="r1",
            batch_size=3,
        )

    assert len(read_rows(sqlite_url, "accounts")) == 3


def test_datetime_with_offset_is_stored_in_utc(sqlite_url, make_frame, read_rows):
    schema = TargetSchema.model_validate(
        {"version": 1, "name": "t", "objects": {"events": {"fields": {"at": {"type": "datetime"}}}}}
    )
    frame = make_frame(
        "events", [{"at": "2024-03-01T08:30:00+08:00"}, {"at": "2024-03-01T08:30:00"}]
    )

    load_frames({"events": frame}, schema, sqlite_url, run_id="r1")

    assert [r["at"] for r in read_rows(sqlite_url, "events")] == [
        "2024-03-01 00:30:00.000000",
        "2024-03-01 08:30:00.000000",
    ]


def test_empty_frame_loads_nothing_and_absent_objects_are_skipped(
    crm_schema, sqlite_url, make_frame, capsys
):
    empty = make_frame("accounts", [{"name": "Acme"}]).iloc[0:0]

    result = load_frames({"accounts": empty}, crm_schema, sqlite_url, run_id="r1")

    assert result.objects == (ObjectLoadResult("accounts", 0, 0, 0, 0, 0, 0),)
    assert list(result.success.columns) == [
        "object", "record_id", "source", "source_file", "source_sheet",
        "source_row", "source_key", "external_id", "target_id", "action",
    ]  # fmt: skip
    assert list(result.errors.columns)[-2:] == ["external_id", "reason"] and result.errors.empty
    assert capsys.readouterr() == ("", "")  # the library never prints


@pytest.mark.parametrize("resume", [False, True])
def test_a_first_attempt_into_an_empty_table_looks_up_no_external_ids(
    crm_schema, sqlite_url, make_frame, read_rows, monkeypatch, resume
):
    """Every `load` of a run is resumable (resume=True) but starts as a first attempt: the
    table is empty, so no batch asks the target which external ids it has. A second attempt
    (the table holds the first one's rows) does ask, and updates instead of inserting."""
    asked: list[int] = []
    real_select = batch_module.select_by_external_id

    def spy(conn, table, keys, columns):
        asked.append(len(keys))
        return real_select(conn, table, keys, columns)

    monkeypatch.setattr(batch_module, "select_by_external_id", spy)
    accounts = [{"key": f"A{n}", "name": f"Account {n}"} for n in range(5)]
    frame = make_frame("accounts", accounts)

    first = load_frames({"accounts": frame}, crm_schema, sqlite_url, run_id="r1",
                        batch_size=2, resume=resume)  # fmt: skip
    assert asked == []
    assert first.counts("accounts").inserted == 5

    changed = make_frame("accounts", [{**a, "name": a["name"] + " Ltd"} for a in accounts])
    again = load_frames({"accounts": changed}, crm_schema, sqlite_url, run_id="r2",
                        batch_size=2, resume=resume)  # fmt: skip
    # per batch: which ids the target has, then the before-images of the rows it updates
    assert asked == [2, 2, 2, 2, 1, 1]
    assert (again.counts("accounts").inserted, again.counts("accounts").updated) == (0, 5)
    names = sorted(r["name"] for r in read_rows(sqlite_url, "accounts"))
    assert names == [f"Account {n} Ltd" for n in range(5)]


def test_sqlite_column_left_empty_is_null_even_where_the_table_has_a_default(
    crm_schema, sqlite_url, make_frame, read_rows
):
    """A column NULL in a whole batch is left out of SQLite's INSERT only where the table gives
    it no default: one the database defaults is bound as NULL, so the row is what the load
    meant (and what its row hash and verification say)."""
    from crmmigrate.load.schema import build_metadata
    from crmmigrate.load.verify import verify_load

    metadata = build_metadata(crm_schema)
    metadata.tables["contacts"].c["title"].server_default = sa.DefaultClause("Dr")
    engine = sa.create_engine(sqlite_url)
    metadata.create_all(engine)
    engine.dispose()
    contacts = [{"key": "C1", "last_name": "Chen", "title": None, "phone": None}]
    frames = {"contacts": make_frame("contacts", contacts)}

    result = load_frames(frames, crm_schema, sqlite_url, run_id="r1")

    (row,) = read_rows(sqlite_url, "contacts")
    assert row["title"] is None and row["phone"] is None and row["last_name"] == "Chen"
    assert verify_load(frames, crm_schema, sqlite_url, "r1", result=result).ok
