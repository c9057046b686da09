"""Rollback deletes what a run inserted and restores what it updated, exactly; it refuses (exit 2,
with the list) when a row the run wrote was changed afterwards; a second rollback is a no-op.

Target before the run: A1, A2 and contacts C1, C2 from an earlier load ("before"). The run
updates A1 (name, revenue) and C1 (now points at the new A3), leaves A2 and C2 unchanged and
inserts A3 and C3.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa
from run_helpers import make_run
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.load import build_metadata, load_frames
from crmmigrate.load.batch import target_row_hashes
from crmmigrate.load.checkpoint import PACKED, read_journal
from crmmigrate.pipeline.load import load_run, rollback_run

ACCOUNTS = [
    {"key": "A1", "name": "Acme", "annual_revenue": "1200.50", "created_date": "2020-01-02"},
    {"key": "A2", "name": "Globex", "number_of_employees": "12"},
]
CONTACTS = [
    {"key": "C1", "last_name": "Chen", "birthdate": "1990-05-17", "account": "legacy:A1"},
    {"key": "C2", "last_name": "Lin", "account": "legacy:A2"},
]
RUN_ACCOUNTS = [
    {**ACCOUNTS[0], "name": "Acme Ltd", "annual_revenue": "99.99"},
    ACCOUNTS[1],
    {"key": "A3", "name": "Initech", "created_date": "2021-12-31"},
]
RUN_CONTACTS = [
    {**CONTACTS[0], "account": "legacy:A3"},
    CONTACTS[1],
    {"key": "C3", "last_name": "Wang", "account": "legacy:A1"},
]
TABLES = ("accounts", "contacts")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.database),
        pytest.param("mariadb", marks=pytest.mark.database),
    ]
)
def url(request):
    return request.getfixturevalue(
        {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mariadb": "mariadb_url"}[
            request.param
        ]
    )


@pytest.fixture
def loaded(tmp_path, url, crm_schema, make_frame, snapshot):
    """The target before the run, the run, and the run loaded: (run, before-snapshot)."""
    frames = {
        "accounts": make_frame("accounts", ACCOUNTS),
        "contacts": make_frame("contacts", CONTACTS),
    }
    load_frames(frames, crm_schema, url, run_id="before")
    before = snapshot(url, TABLES)
    run_frames = {
        "accounts": make_frame("accounts", RUN_ACCOUNTS),
        "contacts": make_frame("contacts", RUN_CONTACTS),
    }
    run = make_run(tmp_path / "runs", "run-1", run_frames)
    result = load_run(run, target=url)
    counts = [(o.object, o.inserted, o.updated, o.unchanged) for o in result.result.objects]
    assert counts == [("accounts", 1, 1, 1), ("contacts", 1, 1, 1)]
    return run, before


def _journal(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT object, external_id, action, before_image, records FROM _crmmigrate_loads"
                " WHERE load_id = 'run-1' ORDER BY seq"
            )
        ).all()
        entries = read_journal(conn, "run-1")
    engine.dispose()
    return rows, entries


def test_journal_records_inserts_and_before_images_of_updates(loaded, url):
    run, _ = loaded
    rows, entries = _journal(url)
    # An update has a row of its own; the records a batch inserted share one row.
    assert [(o, e, a) for o, e, a, _, _ in rows] == [
        ("accounts", "legacy:A1", "updated"),
        ("accounts", PACKED, "inserted"),
        ("contacts", "legacy:C1", "updated"),
        ("contacts", PACKED, "inserted"),
    ]
    image = json.loads(rows[0][3])
    assert (image["name"], image["_load_id"], image["id"]) == ("Acme", "before", 1)
    assert rows[1][3] is None and rows[0][4] is None
    assert json.loads(rows[1][4])["external_id"] == ["legacy:A3"]
    assert [(k, e.action, e.before_image is None) for k, e in entries.items()] == [
        (("accounts", "legacy:A1"), "updated", False),
        (("accounts", "legacy:A3"), "inserted", True),
        (("contacts", "legacy:C1"), "updated", False),
        (("contacts", "legacy:C3"), "inserted", True),
    ]
    assert all(e.row_hash and e.target_id and e.content_hash for e in entries.values())
    lines = (run.path / "load" / "before_images.jsonl").read_text().splitlines()
    assert [json.loads(line)["external_id"] for line in lines] == ["legacy:A1", "legacy:C1"]


def test_journal_row_hashes_are_the_hashes_of_the_rows_in_the_target(loaded, url, crm_schema):
    """What rollback compares against: on PostgreSQL the inserted rows are hashed while the
    COPY sends them, elsewhere after the insert; either way, the rows as the target has them."""
    _, entries = _journal(url)
    tables = build_metadata(crm_schema).tables
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {}
        for name in TABLES:
            rows = [dict(r._mapping) for r in conn.execute(sa.select(tables[name]))]
            hashes = target_row_hashes(rows, tables[name])
            found.update({(name, r["id"]): h for r, h in zip(rows, hashes, strict=True)})
    engine.dispose()

    assert {(o, e.target_id): e.row_hash for (o, _), e in entries.items()} == {
        key: found[key] for (o, _), e in entries.items() if (key := (o, e.target_id))
    }
    assert {e.action for e in entries.values()} == {"inserted", "updated"}


def test_rollback_restores_the_exact_before_image(loaded, url, snapshot):
    run, before = loaded
    assert snapshot(url, TABLES) != before

    result = rollback_run(run, target=url)

    assert snapshot(url, TABLES) == before
    assert [(o.object, o.deleted, o.restored) for o in result.result.objects] == [
        ("contacts", 1, 1),
        ("accounts", 1, 1),
    ]
    assert _journal(url) == ([], {})
    assert (
        json.loads((run.path / "manifest.json").read_text())["stages"]["rollback"]["status"]
        == "done"
    )

    again = CliRunner().invoke(app, ["rollback", str(run.path), "--target", url])

    assert again.exit_code == 0
    assert "run-1 was already rolled back at" in again.stdout and "nothing to do" in again.stdout
    assert snapshot(url, TABLES) == before


def test_rollback_refuses_when_a_row_changed_after_the_load(loaded, url, snapshot):
    run, _ = loaded
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        # What later loads leave behind: another run id, other content, a deleted row.
        edit = "UPDATE {} SET {} = 'later' WHERE external_id = '{}'"
        conn.execute(sa.text(edit.format("accounts", "_content_hash", "legacy:A3")))
        conn.execute(sa.text(edit.format("contacts", "_load_id", "legacy:C1")))
        conn.execute(sa.text("DELETE FROM contacts WHERE external_id = 'legacy:C3'"))
    engine.dispose()
    after_edit = snapshot(url, TABLES)

    result = CliRunner().invoke(app, ["rollback", str(run.path), "--target", url])

    assert result.exit_code == 2
    path = run.path / "load" / "rollback_conflicts.csv"
    assert result.output == (
        "error: rollback of run run-1 refused: 3 rows it wrote were changed in the target after"
        f" the load; list in {path} (undo those changes or leave the load in place)\n"
    )
    conflicts = pd.read_csv(path)
    assert conflicts[["object", "external_id", "reason"]].values.tolist() == [
        ["accounts", "legacy:A3", "changed in the target after the load"],
        ["contacts", "legacy:C1", "changed in the target after the load"],
        ["contacts", "legacy:C3", "deleted from the target after the load"],
    ]
    assert snapshot(url, TABLES) == after_edit  # nothing touched
    assert "rollback" not in json.loads((run.path / "manifest.json").read_text())["stages"]


def test_rollback_refuses_a_hand_edit_that_kept_the_bookkeeping_columns(loaded, url, snapshot):
    run, _ = loaded
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        # Edited with SQL after the load; _load_id and _content_hash still say "run-1".
        conn.execute(
            sa.text("UPDATE accounts SET annual_revenue = 1 WHERE external_id = 'legacy:A1'")
        )
        conn.execute(sa.text("UPDATE contacts SET email = 'x@y.z' WHERE external_id = 'legacy:C3'"))
        conn.execute(
            sa.text("UPDATE contacts SET account_id = NULL WHERE external_id = 'legacy:C1'")
        )
    engine.dispose()
    after_edit = snapshot(url, TABLES)

    result = CliRunner().invoke(app, ["rollback", str(run.path), "--target", url])

    assert result.exit_code == 2
    assert "refused: 3 rows it wrote were changed in the target after the load" in result.output
    listed = (run.path / "load" / "rollback_conflicts.csv").read_text()
    conflicts = pd.read_csv(run.path / "load" / "rollback_conflicts.csv")
    assert conflicts.columns.tolist() == ["object", "external_id", "target_id", "reason"]
    assert conflicts[["object", "external_id"]].values.tolist() == [
        ["accounts", "legacy:A1"],
        ["contacts", "legacy:C1"],
        ["contacts", "legacy:C3"],
    ]
    assert "x@y.z" not in listed and "x@y.z" not in result.output  # ids only, never values
    assert snapshot(url, TABLES) == after_edit


def test_rollback_after_undoing_the_hand_edit_goes_ahead(loaded, url, snapshot):
    run, before = loaded
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        original = conn.execute(
            sa.text("SELECT last_name FROM contacts WHERE external_id = 'legacy:C3'")
        ).scalar()
        conn.execute(sa.text("UPDATE contacts SET last_name = 'X' WHERE external_id = 'legacy:C3'"))
    refused = CliRunner().invoke(app, ["rollback", str(run.path), "--target", url])
    assert refused.exit_code == 2
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE contacts SET last_name = :v WHERE external_id = 'legacy:C3'"),
            {"v": original},
        )
    engine.dispose()

    rollback_run(run, target=url)

    assert snapshot(url, TABLES) == before


def test_a_journal_without_row_hashes_still_rolls_back(loaded, url, snapshot):
    # A journal written by a version without row hashes: the bookkeeping columns decide.
    run, before = loaded
    _as_older_journal(url)

    rollback_run(run, target=url)

    assert snapshot(url, TABLES) == before


def test_the_next_load_adds_row_hashes_to_an_older_journal(tmp_path, sqlite_url, make_frame):
    run = make_run(tmp_path / "runs", "run-1", {"accounts": make_frame("accounts", ACCOUNTS)})
    load_run(run, target=sqlite_url)
    _as_older_journal(sqlite_url)
    again = make_run(tmp_path / "runs", "run-2", {"accounts": make_frame("accounts", RUN_ACCOUNTS)})

    load_run(again, target=sqlite_url)

    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        hashes = {
            load: [
                (key, e.row_hash is not None) for (_, key), e in read_journal(conn, load).items()
            ]
            for load in ("run-1", "run-2")
        }
    engine.dispose()
    assert hashes == {
        "run-1": [("legacy:A1", False), ("legacy:A2", False)],
        "run-2": [("legacy:A1", True), ("legacy:A3", True)],
    }


def _as_older_journal(url: str) -> None:
    """Turn the journal into what crmmigrate wrote before row hashes and packed inserts: one
    row per inserted record, and neither a row_hash nor a records column."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM _crmmigrate_loads ORDER BY seq")).mappings()
        rows = [dict(r) for r in rows]
        conn.execute(sa.text("DELETE FROM _crmmigrate_loads"))
        columns = ("load_id", "object", "batch", "external_id", "action", "target_id")
        columns += ("content_hash", "before_image")
        insert = sa.text(
            f"INSERT INTO _crmmigrate_loads ({', '.join(columns)})"
            f" VALUES ({', '.join(':' + c for c in columns)})"
        )
        for row in rows:
            if row["records"] is None:
                conn.execute(insert, {c: row[c] for c in columns})
                continue
            packed = json.loads(row["records"])
            for key, target_id, content_hash in zip(
                packed["external_id"], packed["target_id"], packed["content_hash"], strict=True
            ):
                conn.execute(
                    insert,
                    {
                        **{c: row[c] for c in columns},
                        "external_id": key,
                        "target_id": target_id,
                        "content_hash": content_hash,
                    },
                )
        conn.execute(sa.text("ALTER TABLE _crmmigrate_loads DROP COLUMN row_hash"))
        conn.execute(sa.text("ALTER TABLE _crmmigrate_loads DROP COLUMN records"))
    engine.dispose()


def test_rollback_of_a_run_never_loaded_is_a_no_op(tmp_path, sqlite_url, make_frame, crm_schema):
    load_frames({"accounts": make_frame("accounts", ACCOUNTS)}, crm_schema, sqlite_url, run_id="x")
    run = make_run(tmp_path / "runs", "run-9", {"accounts": make_frame("accounts", ACCOUNTS)})

    result = CliRunner().invoke(app, ["rollback", str(run.path), "--target", sqlite_url])

    assert result.exit_code == 0
    assert f"target {sqlite_url} has no rows written by run run-9; nothing to do" in result.stdout


def test_rollback_of_an_unreachable_target_is_exit_3(loaded, tmp_path):
    run, _ = loaded
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'crm.db'}"
    result = CliRunner().invoke(app, ["rollback", str(run.path), "--target", url])
    assert result.exit_code == 3
