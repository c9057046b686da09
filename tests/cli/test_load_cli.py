"""load through the CLI: verification, schema differences, --migrate-schema, SaaS bundles."""

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
def validated(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = make_project()
    monkeypatch.chdir(path.parent)
    runner = CliRunner()
    assert runner.invoke(app, ["clean", "-q"]).exit_code == 0
    assert runner.invoke(app, ["validate", "-q", "--fail-on", "never"]).exit_code == 0
    return path.parent


def test_load_verifies_the_target_and_writes_the_evidence(validated: Path) -> None:
    result = CliRunner().invoke(app, ["load", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["verification"]["ok"] is True
    (run,) = (validated / "runs").iterdir()
    evidence = json.loads((run / "load" / "verification.json").read_text())
    assert {o["object"] for o in evidence["objects"]} == {"accounts", "contacts"}


def test_a_target_with_a_different_schema_is_exit_2_with_every_difference_listed(
    validated: Path,
) -> None:
    with sqlite3.connect(validated / "crm.db") as db:
        db.execute("create table contacts (id integer primary key, external_id text, email text)")
    result = CliRunner().invoke(app, ["load"])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: target schema differs: contacts.")
    assert "more differences); every difference is listed in" in line
    (run,) = (validated / "runs").iterdir()
    listed = (run / "load" / "schema_diff.txt").read_text().splitlines()
    assert any(d.startswith("contacts.birthdate") for d in listed)


def test_migrate_schema_adds_what_is_missing(validated: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["load", "-q"]).exit_code == 0
    with sqlite3.connect(validated / "crm.db") as db:
        db.execute("alter table contacts drop column birthdate")
    assert runner.invoke(app, ["load", "-q"]).exit_code == 2
    result = runner.invoke(app, ["load", "--migrate-schema", "--json"])
    assert result.exit_code == 0, result.output
    assert any("contacts.birthdate" in line for line in json.loads(result.stdout)["migrated"])
    with sqlite3.connect(validated / "crm.db") as db:
        columns = {row[1] for row in db.execute("pragma table_info(contacts)")}
    assert "birthdate" in columns


@pytest.mark.parametrize("kind", ["salesforce-csv", "hubspot-csv"])
def test_saas_bundle_target(validated: Path, kind: str) -> None:
    out = validated / "bundle"
    result = CliRunner().invoke(app, ["load", "--target", f"{kind}:{out}", "--json"])
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert [f["object"] for f in files] == ["accounts", "contacts"]
    assert all(Path(f["path"]).is_file() for f in files)
    assert not (validated / "crm.db").exists(), "a bundle never touches a database"
