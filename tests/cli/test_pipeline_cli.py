"""The exit-code contract and the CLI/library agreement, through the real commands."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from tests.conftest import BASE_CONFIG

Make = Callable[..., Path]


def invoke(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("crmmigrate ")


def test_version_imports_nothing_heavy() -> None:
    """--version answered in well under 0.3 s: it must not import the pipeline (which takes
    seconds); checked by what is imported, not by a timing that depends on the machine."""
    code = (
        "import sys; sys.argv = ['crmmigrate', '--version']\n"
        "from crmmigrate.cli.main import main; main()\n"
        "heavy = [m for m in ('pandas', 'sqlalchemy', 'phonenumbers', 'typer', 'rich', 'pyarrow')"
        " if m in sys.modules]\n"
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, heavy = done.stdout.splitlines()
    assert version.startswith("crmmigrate ")
    assert heavy == "[]"


@pytest.mark.parametrize("argv", [["--help"], ["clean", "--help"], ["load", "--help"],
                                  ["rules", "list", "--help"], ["profile", "--help"]])  # fmt: skip
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    """--help builds the app from typer and rich alone: the pipeline (pandas, SQLAlchemy, YAML,
    the standardisers: over a second) is imported by the command that runs, never for help."""
    code = (
        f"import sys; sys.argv = ['crmmigrate', *{argv!r}]\n"
        "from crmmigrate.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        # (typer itself may import pydantic to coerce a Path default: its choice, and light)
        "heavy = [m for m in ('pandas', 'numpy', 'sqlalchemy', 'phonenumbers', 'pyarrow', 'yaml',"
        " 'openpyxl', 'crmmigrate.pipeline', 'crmmigrate.config') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage" in done.stdout
    assert done.stdout.splitlines()[-1] == "HEAVY []"


def test_every_command_has_help() -> None:
    commands = (
        "init",
        "profile",
        "clean",
        "validate",
        "load",
        "rollback",
        "report",
        "run",
        "schema",
        "rules",
    )
    for command in commands:
        result = invoke(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.stdout


def test_validate_exit_codes_follow_fail_on(project: Path) -> None:
    assert invoke("clean", "--quiet").exit_code == 0
    # the fixture has 2 invalid dates (errors), an invalid email and an unknown account (warnings)
    assert invoke("validate", "--quiet").exit_code == 1
    assert invoke("validate", "--quiet", "--fail-on", "never").exit_code == 0
    assert invoke("validate", "--quiet", "--fail-on", "warning").exit_code == 1


def test_validate_passes_on_clean_data(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    good = "Contact ID,First Name,Last Name,E-mail,DOB,Company\nC1,Ann,Lee,a@b.co,1985-03-04,A1\n"
    path = make_project(contacts__csv=good)
    monkeypatch.chdir(path.parent)
    assert invoke("clean", "--quiet").exit_code == 0
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert "validation passed" in result.stdout


def test_load_refuses_a_failed_validation_without_force(project: Path) -> None:
    invoke("clean", "--quiet")
    invoke("validate", "--quiet")
    result = invoke("load")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: run ")
    assert (
        "failed validation (fix the findings in validation.json, or pass --force" in result.stderr
    )


def test_load_refuses_an_unvalidated_run(project: Path) -> None:
    invoke("clean", "--quiet")
    result = invoke("load")
    assert result.exit_code == 2
    assert "has not been validated" in result.stderr


def test_run_loads_and_second_run_changes_nothing(project: Path) -> None:
    first = invoke("run", "--fail-on", "never", "--json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["stopped_at"] is None
    with sqlite3.connect(project.parent / "crm.db") as db:
        before = db.execute("select * from contacts order by id").fetchall()
    second = invoke("run", "--fail-on", "never", "--json")
    assert second.exit_code == 0
    loaded = json.loads(second.stdout)["load"]["objects"]
    assert all(o["inserted"] == 0 and o["updated"] == 0 for o in loaded)
    assert sum(o["unchanged"] for o in loaded) == sum(o["attempted"] for o in loaded)
    with sqlite3.connect(project.parent / "crm.db") as db:
        assert db.execute("select * from contacts order by id").fetchall() == before


def test_run_stops_at_failed_validation(project: Path) -> None:
    result = invoke("run", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["stopped_at"] == "validate"
    assert data["load"] is None
    assert not (project.parent / "crm.db").exists()


def test_unreachable_target_is_exit_3_with_masked_password(project: Path) -> None:
    invoke("clean", "--quiet")
    invoke("validate", "--quiet", "--fail-on", "never")
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:1/nowhere"
    result = invoke("load", "--target", url)
    assert result.exit_code == 3, result.output
    assert "s3cret" not in result.output + result.stderr
    assert "***" in result.stderr


def test_json_result_equals_library_result(project: Path) -> None:
    from crmmigrate.pipeline.validate import validate_run
    from crmmigrate.runs import find_run

    invoke("clean", "--quiet")
    cli = json.loads(invoke("validate", "--json", "--fail-on", "never").stdout)
    lib = validate_run(find_run(None, project.parent / "runs"), fail_on="never").to_dict()
    for key in ("passed", "counts", "records", "rules", "findings"):
        assert cli[key] == json.loads(json.dumps(lib[key], default=str)), key


def test_report_rebuilds_reconciliation(project: Path) -> None:
    invoke("run", "--fail-on", "never", "--quiet")
    result = invoke("report", "--json")
    assert result.exit_code == 0
    rec = json.loads(result.stdout)
    assert rec["balanced"] is True
    assert rec["stage"] == "load"
    total = rec["total"]
    assert total["read"] == total["loaded"] + total["merged"] + total["rejected"]


def test_crash_is_exit_70_with_trace_file_and_no_values(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret customer value ann@example.com")

    monkeypatch.setattr("crmmigrate.pipeline.clean.clean_project", boom)
    result = invoke("clean")
    assert result.exit_code == 70
    assert "crmmigrate crashed (RuntimeError); this is a bug." in result.stderr
    assert "ann@example.com" not in result.output + result.stderr
    trace = Path(result.stderr.split("Full trace written to ")[1].split(";")[0])
    assert "ann@example.com" in trace.read_text()


def test_interrupt_is_exit_130(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("crmmigrate.pipeline.clean.clean_project", interrupted)
    assert invoke("clean").exit_code == 130


def test_missing_run_is_exit_2(project: Path) -> None:
    result = invoke("validate", "no-such-run")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: no-such-run: no such run")


def test_schema_prints_json_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "crmmigrate.yaml (version 1)"
    assert "sources" in schema["properties"]


def test_base_config_is_valid() -> None:
    assert "version: 1" in BASE_CONFIG


def test_every_json_payload_has_one_versioned_shape(project: Path) -> None:
    """README "Machine-readable output": json_version 1; ``objects`` a list of
    {"object": name, ...counts} wherever it appears; an error is a payload too."""
    payloads = {}
    for command in (("clean",), ("validate", "--fail-on", "never"), ("load",), ("report",)):
        result = invoke(*command, "--json", "--quiet")
        assert result.exit_code == 0, (command, result.output)
        payloads[command[0]] = json.loads(result.stdout)
    for name, payload in payloads.items():
        assert payload["json_version"] == 1, name
        if "objects" in payload:
            assert isinstance(payload["objects"], list), name
            assert all(isinstance(o["object"], str) for o in payload["objects"]), name
    clean = {o["object"]: o for o in payloads["clean"]["objects"]}
    assert clean["contacts"]["read"] == 3
    failed = invoke("validate", "no-such-run", "--json")
    assert failed.exit_code == 2
    assert json.loads(failed.stdout) == {
        "json_version": 1,
        "error": {
            "exit_code": 2,
            "message": "no-such-run: no such run",
            "hint": f"list the runs in {Path('runs')}",
        },
    }


def test_load_takes_the_configs_batch_size(
    make_project: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = BASE_CONFIG.replace(
        "target: {url: sqlite:///crm.db}", "target: {url: sqlite:///crm.db, batch_size: 2}"
    )
    path = make_project(config)
    monkeypatch.chdir(path.parent)
    assert invoke("clean", "--quiet").exit_code == 0
    assert invoke("validate", "--quiet", "--fail-on", "never").exit_code == 0
    assert invoke("load", "--quiet").exit_code == 0
    run = sorted((path.parent / "runs").iterdir())[-1]
    stage = json.loads((run / "manifest.json").read_text("utf-8"))["stages"]["load"]
    assert stage["batch_size"] == 2  # was 1,000 whatever the config said
    assert invoke("load", "--quiet", "--batch-size", "5").exit_code == 0
    stage = json.loads((run / "manifest.json").read_text("utf-8"))["stages"]["load"]
    assert stage["batch_size"] == 5


def test_records_left_out_by_validation_are_reported_and_exit_0(project: Path) -> None:
    assert invoke("clean", "--quiet").exit_code == 0
    assert invoke("validate", "--quiet", "--fail-on", "never").exit_code == 0
    result = invoke("load")
    assert result.exit_code == 0
    errors = sorted(Path("runs").iterdir())[-1] / "load" / "errors.csv"
    assert result.stderr == (
        f"2 records with validation errors were not loaded; listed in {errors}\n"
    )


def test_records_left_out_are_the_same_from_findings_parquet_or_validation_json(
    project: Path,
) -> None:
    """load reads the errors from findings.parquet; without it, from validation.json: the
    same errors.csv either way (source rows as whole numbers)."""
    assert invoke("clean", "--quiet").exit_code == 0
    assert invoke("validate", "--quiet", "--fail-on", "never").exit_code == 0
    run = sorted(Path("runs").iterdir())[-1]
    assert (run / "findings.parquet").is_file()
    assert invoke("load", "--quiet").exit_code == 0
    from_twin = (run / "load" / "errors.csv").read_text("utf-8")
    (run / "findings.parquet").unlink()
    assert invoke("load", "--quiet", "--target", "sqlite:///other.db").exit_code == 0
    assert (run / "load" / "errors.csv").read_text("utf-8") == from_twin
    assert from_twin.count("validation error") == 2 and ".0," not in from_twin


def test_a_later_load_leaves_fields_no_source_maps_as_the_crm_has_them(project: Path) -> None:
    """Someone fills in a contact's title and mobile in the CRM after the first load; a later
    run (the source changed) updates what the sources map and leaves those fields alone: a
    field nothing in the run provides is not in its clean frame, so it is never set to NULL."""
    assert invoke("run", "--quiet", "--fail-on", "never").exit_code == 0
    with sqlite3.connect("crm.db") as conn:
        conn.execute(
            "UPDATE contacts SET title = 'VP Sales', mobile_phone = '+886912345678'"
            " WHERE external_id = 'legacy:C001'"
        )
    contacts = Path("contacts.csv")
    contacts.write_text(contacts.read_text("utf-8").replace("Ann,Lee", "Anne,Lee"), "utf-8")

    assert invoke("run", "--quiet", "--fail-on", "never").exit_code == 0

    with sqlite3.connect("crm.db") as conn:
        row = conn.execute(
            "SELECT first_name, title, mobile_phone FROM contacts WHERE external_id = 'legacy:C001'"
        ).fetchone()
    assert row == ("Anne", "VP Sales", "+886912345678")
    run = sorted(Path("runs").iterdir())[-1]
    columns = set(pd.read_parquet(run / "clean" / "contacts.parquet").columns)
    assert {"first_name", "email", "account"} <= columns
    assert not {"title", "mobile_phone", "gender"} & columns


def test_a_phone_extension_goes_with_its_phone_even_when_no_extension_came(
    project: Path,
) -> None:
    """The extension is filled from the mapped phone: it belongs to the run even when no phone
    of this run has one, so a new phone without an extension clears the old extension."""
    accounts = Path("accounts.csv")
    accounts.write_text(
        "Account No,Company Name,Phone\nA1,Acme Ltd,02-2345-6789 ext 12\nA2,Beta Co,\n", "utf-8"
    )
    assert invoke("run", "--quiet", "--fail-on", "never").exit_code == 0
    accounts.write_text(
        "Account No,Company Name,Phone\nA1,Acme Ltd,02-2999-0000\nA2,Beta Co,\n", "utf-8"
    )
    assert invoke("run", "--quiet", "--fail-on", "never").exit_code == 0
    with sqlite3.connect("crm.db") as conn:
        row = conn.execute(
            "SELECT phone, phone_extension FROM accounts WHERE external_id = 'erp:A1'"
        ).fetchone()
    assert row == ("+886229990000", None)
