"""Project severities: an unresolved reference waits for a decision unless the config says
otherwise, and what a CRM import refuses is an error before the load.

Quirk: in the shared fixture (tests/conftest.py) contact C003 names account A9, which no
source has, and has an invalid e-mail; C001 and C002 are fine apart from C002's date order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.config import load_config
from crmmigrate.validate.severities import severities_for, target_kind
from tests.conftest import BASE_CONFIG

GOOD_DATES = (
    "Contact ID,First Name,Last Name,E-mail,DOB,Company\n"
    "C001,Ann,Lee,ann@example.com,1985-03-04,A1\n"
    "C002,Bob,Wu,bob@example.com,1990-05-04,A1\n"
    "C003,Cy,Chan,not-an-email,1987-02-03,A9\n"
)


def _findings(project: Path, code: str) -> list[dict[str, object]]:
    (run,) = (project.parent / "runs").iterdir()  # called after the first run only
    found = json.loads((run / "validation.json").read_text("utf-8"))["findings"]
    return [f for f in found if f["code"] == code]


def _run(project: Path, *args: str) -> object:
    return CliRunner().invoke(app, ["run", "-c", str(project), *args])


def test_an_unresolved_reference_is_an_error_and_the_record_waits(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(contacts__csv=GOOD_DATES)
    monkeypatch.chdir(project.parent)
    result = _run(project)
    assert result.exit_code == 1  # validation failed: nothing loaded without a decision
    (finding,) = _findings(project, "reference-unresolved")
    assert (finding["severity"], finding["source_key"]) == ("error", "C003")
    forced = _run(project, "--fail-on", "never", "--json")
    assert forced.exit_code == 0
    run = project.parent / "runs" / json.loads(forced.stdout)["run_id"]  # two runs, one second
    errors = (run / "load" / "errors.csv").read_text("utf-8")
    assert "reference-unresolved account" in errors and "C003" in errors
    with sqlite3.connect(project.parent / "crm.db") as conn:
        assert conn.execute("select count(*) from contacts").fetchone()[0] == 2


def test_load_empty_loads_the_record_without_its_link(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = BASE_CONFIG + "references: {unresolved: load-empty}\n"
    project = make_project(config, contacts__csv=GOOD_DATES)
    monkeypatch.chdir(project.parent)
    assert _run(project).exit_code == 0
    (finding,) = _findings(project, "reference-unresolved")
    assert finding["severity"] == "warning"
    with sqlite3.connect(project.parent / "crm.db") as conn:
        rows = conn.execute("select external_id, account_id from contacts order by 1").fetchall()
    assert len(rows) == 3 and rows[-1][1] is None


def test_what_a_crm_import_refuses_is_an_error(tmp_path: Path) -> None:
    assert target_kind("postgresql+psycopg://h/db") == "postgresql"
    assert target_kind("salesforce-csv:out/sf") == "salesforce-csv"
    for url, email in (("sqlite:///crm.db", None), ("salesforce-csv:out/sf", "error"),
                       ("hubspot-csv:out/hs", "error")):  # fmt: skip
        text = BASE_CONFIG.replace("sqlite:///crm.db", url)
        (tmp_path / "crmmigrate.yaml").write_text(text, encoding="utf-8")
        for name in ("contacts.csv", "accounts.csv"):
            (tmp_path / name).write_text("x\n", encoding="utf-8")
        levels = severities_for(load_config(tmp_path / "crmmigrate.yaml").config)
        assert levels.get("invalid-email") == email, url
        assert levels["reference-unresolved"] == "error"


def test_a_bundle_target_in_the_config_is_written_by_run(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = BASE_CONFIG.replace("sqlite:///crm.db", "salesforce-csv:out/sf")
    project = make_project(config, contacts__csv=GOOD_DATES.replace("not-an-email", "c@x.co"))
    monkeypatch.chdir(project.parent)
    result = _run(project, "--fail-on", "never", "--json")
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["bundle"]["files"]
    assert {f["object"] for f in files} == {"accounts", "contacts"}
    assert all((project.parent / "out" / "sf").joinpath(Path(f["path"]).name).is_file()
               for f in files)  # fmt: skip
