"""A dry run does the whole load, constraints included, and leaves the target as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

from run_helpers import journal_count

from crmmigrate.load import load_frames

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


def test_dry_run_leaves_an_empty_database_empty(crm_schema, sqlite_url, make_frame, table_names):
    frames = {
        "accounts": make_frame("accounts", ACCOUNTS),
        "contacts": make_frame("contacts", CONTACTS),
    }

    result = load_frames(frames, crm_schema, sqlite_url, run_id="r1", dry_run=True)

    assert result.dry_run
    assert [(o.object, o.inserted) for o in result.objects] == [("accounts", 2), ("contacts", 3)]
    assert result.success["target_id"].notna().all()  # the would-be ids
    assert table_names(sqlite_url) == set()


def test_dry_run_leaves_a_loaded_database_unchanged(crm_schema, sqlite_url, make_frame):
    load_frames({"accounts": make_frame("accounts", ACCOUNTS)}, crm_schema, sqlite_url, run_id="r1")
    before = _file_digest(sqlite_url)
    changed = [
        {**ACCOUNTS[0], "name": "Changed"},
        {"key": "A3", "name": "New"},
        {"key": "A4", "name": None},
    ]

    result = load_frames(
        {"accounts": make_frame("accounts", changed)},
        crm_schema,
        sqlite_url,
        run_id="r2",
        dry_run=True,
    )

    counts = result.counts("accounts")
    assert (counts.updated, counts.inserted, counts.failed) == (1, 1, 1)
    assert "NOT NULL" in result.errors["reason"].iloc[0]  # constraints are checked in a dry run
    assert _file_digest(sqlite_url) == before


def test_dry_run_leaves_a_loaded_target_unchanged_on_every_backend(
    crm_schema, target_url, make_frame, snapshot, table_names
):
    frames = {
        "accounts": make_frame("accounts", ACCOUNTS),
        "contacts": make_frame("contacts", CONTACTS[:2]),
    }
    load_frames(frames, crm_schema, target_url, run_id="r1")
    before = (snapshot(target_url, ("accounts", "contacts")), journal_count(target_url))
    tables = table_names(target_url)
    changed = {
        "accounts": make_frame(
            "accounts", [{**ACCOUNTS[0], "name": "Changed"}, {"key": "A3", "name": "New"}]
        ),
        "contacts": make_frame("contacts", [{**CONTACTS[1], "account": "legacy:A3"}, CONTACTS[2]]),
    }

    result = load_frames(changed, crm_schema, target_url, run_id="r2", dry_run=True)

    assert [(o.object, o.inserted, o.updated) for o in result.objects] == [
        ("accounts", 1, 1),
        ("contacts", 1, 1),
    ]
    assert (snapshot(target_url, ("accounts", "contacts")), journal_count(target_url)) == before
    assert table_names(target_url) == tables
