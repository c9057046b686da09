"""``crmmigrate run`` hands the load options to its load stage: --mode, --dry-run,
--batch-size and --migrate-schema do what they do for ``crmmigrate load``.

The project is tests/conftest.py's: 2 accounts and 3 contacts, two of them with validation
errors, so every run here uses ``--fail-on never``: 2 accounts and 1 contact are loaded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app

Make = Callable[..., Path]


@pytest.fixture
def project(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = make_project()
    monkeypatch.chdir(path.parent)
    return path.parent


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["run", "--fail-on", "never", *args])


def _load_stage(payload: dict[str, object]) -> dict[str, object]:
    manifest = Path("runs") / str(payload["run_id"]) / "manifest.json"
    return dict(json.loads(manifest.read_text())["stages"]["load"])


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        query = "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        return {row[0] for row in conn.execute(query)}


def test_mode_insert_rejects_what_the_target_has(project: Path) -> None:
    assert run("--quiet").exit_code == 0

    result = run("--mode", "insert", "--json")

    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert payload["stopped_at"] == "load"
    assert _load_stage(payload)["mode"] == "insert"
    counts = {o["object"]: (o["inserted"], o["failed"]) for o in payload["load"]["objects"]}
    assert counts == {"accounts": (0, 2), "contacts": (0, 1)}
    errors = Path("runs") / payload["run_id"] / "load" / "errors.csv"
    assert "external_id already in the target (use --mode upsert)" in errors.read_text()


def test_mode_incremental_reaches_the_load(project: Path) -> None:
    assert run("--quiet").exit_code == 0

    result = run("--mode", "incremental", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert _load_stage(payload)["mode"] == "incremental"
    assert [o["unchanged"] for o in payload["load"]["objects"]] == [2, 1]


def test_dry_run_leaves_the_target_untouched(project: Path) -> None:
    result = run("--dry-run", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["load"]["dry_run"] is True
    assert [o["inserted"] for o in payload["load"]["objects"]] == [2, 1]
    assert _tables(project / "crm.db") == set()


def test_batch_size_sets_the_rows_per_transaction(project: Path) -> None:
    result = run("--batch-size", "1", "--json")

    assert result.exit_code == 0, result.output
    run_id = json.loads(result.stdout)["run_id"]
    checkpoint = json.loads((project / "runs" / run_id / "load" / "checkpoint.json").read_text())
    # batches are numbered from 0: one record per batch
    assert {o: v["batch"] for o, v in checkpoint["objects"].items()} == {
        "accounts": 1,
        "contacts": 0,
    }
    with sqlite3.connect(project / "crm.db") as conn:
        query = "select object, count(*), count(distinct batch) from _crmmigrate_loads group by 1"
        batches = conn.execute(query).fetchall()
    assert sorted(batches) == [("accounts", 2, 2), ("contacts", 1, 1)]


def test_batch_size_must_be_positive(project: Path) -> None:
    result = run("--batch-size", "0")
    assert result.exit_code == 2
    assert "--batch-size" in result.output


def test_migrate_schema_reaches_the_load(project: Path) -> None:
    assert run("--quiet").exit_code == 0
    with sqlite3.connect(project / "crm.db") as db:
        db.execute("alter table contacts drop column birthdate")

    refused = run("--quiet")

    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: target schema differs: contacts.birthdate")
    assert "every difference is listed in" in refused.stderr
    migrated = run("--migrate-schema", "--json")
    assert migrated.exit_code == 0, migrated.output
    assert any("contacts.birthdate" in m for m in json.loads(migrated.stdout)["load"]["migrated"])
    with sqlite3.connect(project / "crm.db") as db:
        columns = {row[1] for row in db.execute("pragma table_info(contacts)")}
    assert "birthdate" in columns
