"""``crmmigrate init`` and ``crmmigrate profile`` through the CLI (typer's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.config import load_config
from crmmigrate.profiling import profile_files
from crmmigrate.suggest import init_project

# Quirks: a BOM-less UTF-8 file; the Mobile header is a fuzzy match ("Mobil"); "Notes" maps
# to description; "Loyalty Tier" maps to nothing.
CONTACTS = (
    "Contact ID,First Name,Last Name,E-mail,Tel,Mobil,DOB,Notes,Loyalty Tier\n"
    "C001,Ann,Lee,ann@example.com,02-2345-6789,0912-345-678,1985-03-04,,Gold\n"
)
# Big5 (cp950) ERP customer master; 祕密客戶甲 is the planted value that must never be shown.
PLANTED = "祕密客戶甲"
ERP = f"客戶編號,公司名稱,統一編號,電話\nA0001,{PLANTED}股份有限公司,12345675,02-2345-6789\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in tmp_path, so relative paths in arguments and output stay short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


# --- init -------------------------------------------------------------------------------------


def test_init_writes_a_loadable_config_from_a_csv(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "exports" / "contacts.csv", CONTACTS)
    result = runner.invoke(app, ["init", "project", "--from", "exports/contacts.csv"])
    assert result.exit_code == 0, result.stderr
    config = Path("project") / "crmmigrate.yaml"
    assert result.stdout == f"{config}\n"
    project = load_config(in_tmp / config)
    (source,) = project.config.sources
    assert (source.name, source.path, source.object) == (
        "contacts",
        "../exports/contacts.csv",
        "contacts",
    )
    assert source.key == "Contact ID"
    assert {name: fmap.column for name, fmap in source.fields.items()} == {
        "first_name": "First Name",
        "last_name": "Last Name",
        "email": "E-mail",
        "phone": "Tel",
        "mobile_phone": "Mobil",
        "birthdate": "DOB",
        "description": "Notes",
    }
    text = config.read_text(encoding="utf-8")
    assert "mobile_phone: Mobil" in text and "# fuzzy match: check it" in text
    assert "# not mapped: Loyalty Tier" in text


def test_init_big5_headers(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "erp.csv", ERP, encoding="cp950")
    result = runner.invoke(app, ["init", "--from", "erp.csv"])
    assert result.exit_code == 0, result.stderr
    (source,) = load_config(in_tmp / "crmmigrate.yaml").config.sources
    assert (source.object, source.key) == ("accounts", "客戶編號")
    assert source.fields["name"].column == "公司名稱"
    assert source.fields["tax_id"].column == "統一編號"


def test_init_without_files_writes_a_template(runner: CliRunner, in_tmp: Path) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "crmmigrate.yaml\n"
    assert load_config(in_tmp / "crmmigrate.yaml").config.sources[0].name == "legacy_contacts"


def test_init_refuses_to_overwrite(runner: CliRunner, in_tmp: Path) -> None:
    (in_tmp / "crmmigrate.yaml").write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 2
    assert result.stderr == "error: crmmigrate.yaml: already exists; pass --force to overwrite it\n"
    assert result.stdout == ""
    assert (in_tmp / "crmmigrate.yaml").read_text(encoding="utf-8") == "mine\n"
    forced = runner.invoke(app, ["init", "--force"])
    assert forced.exit_code == 0, forced.stderr
    assert "version: 1" in (in_tmp / "crmmigrate.yaml").read_text(encoding="utf-8")


def test_init_unreadable_file_is_the_extract_error(runner: CliRunner, in_tmp: Path) -> None:
    result = runner.invoke(app, ["init", "--from", "missing.csv"])
    assert result.exit_code == 2
    assert result.stderr == "error: missing.csv: file not found; check path: in the config\n"
    assert not (in_tmp / "crmmigrate.yaml").exists()


def test_init_missing_required_field_is_a_todo_on_stderr(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "people.csv", "Contact ID,E-mail,Tel\nC1,a@b.co,02-2345-6789\n")
    result = runner.invoke(app, ["init", "--from", "people.csv"])
    assert result.exit_code == 0
    assert (
        "warning: people: no column looks like the required field contacts.last_name; "
        "replace TODO in fields.last_name of crmmigrate.yaml" in result.stderr
    )
    assert "last_name: TODO" in (in_tmp / "crmmigrate.yaml").read_text(encoding="utf-8")


def test_init_json_equals_the_library_result(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "contacts.csv", CONTACTS)
    write(in_tmp / "erp.csv", ERP, encoding="cp950")
    args = ["--from", "contacts.csv", "--from", "erp.csv"]
    result = runner.invoke(app, ["init", "out", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    expected = init_project(Path("out"), ["contacts.csv", "erp.csv"], force=True).to_dict()
    assert json.loads(result.stdout) == {"json_version": 1, **expected}
    assert expected["config"] == str(Path("out") / "crmmigrate.yaml")
    names = [(s["name"], s["object"], s["key"]) for s in expected["sources"]]
    assert names == [("contacts", "contacts", "Contact ID"), ("erp", "accounts", "客戶編號")]
    assert expected["sources"][0]["unmapped"] == ["Loyalty Tier"]


def test_init_names_are_unique_and_globs_are_one_source(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "a" / "contacts.csv", CONTACTS)
    write(in_tmp / "b" / "contacts.csv", CONTACTS)
    write(in_tmp / "m" / "orders_01.csv", "訂單編號,訂購日期,金額\nSO1,2025-01-02,480\n")
    write(in_tmp / "m" / "orders_02.csv", "訂單編號,訂購日期,金額\nSO2,2025-02-02,80\n")
    args = ["--from", "a/contacts.csv", "--from", "b/contacts.csv", "--from", "m/orders_*.csv"]
    result = runner.invoke(app, ["init", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    sources = json.loads(result.stdout)["sources"]
    assert [(s["name"], s["path"]) for s in sources] == [
        ("contacts", "a/contacts.csv"),
        ("contacts_2", "b/contacts.csv"),
        ("orders", "m/orders_*.csv"),
    ]
    assert load_config(in_tmp / "crmmigrate.yaml").config.sources[2].object == "orders"


# --- profile ----------------------------------------------------------------------------------


def test_profile_big5_shows_encoding_and_never_a_value(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "erp.csv", ERP, encoding="cp950")
    result = runner.invoke(app, ["profile", "erp.csv"])
    assert result.exit_code == 0, result.stderr
    assert "encoding cp950" in result.stdout
    assert "looks like accounts" in result.stdout
    assert "tax_id" in result.stdout and "99999999" in result.stdout
    for value in (PLANTED, "A0001", "12345675", "02-2345-6789"):
        assert value not in result.stdout + result.stderr


def test_profile_json_equals_the_library_result(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "erp.csv", ERP, encoding="cp950")
    write(in_tmp / "contacts.csv", CONTACTS)
    result = runner.invoke(app, ["profile", "*.csv", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == {"json_version": 1, **profile_files(["*.csv"]).to_dict()}
    assert [f["path"] for f in data["files"]] == ["contacts.csv", "erp.csv"]
    assert data["files"][1]["encoding"] == "cp950"
    assert PLANTED not in result.stdout


def test_profile_encoding_option(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "erp.csv", ERP, encoding="cp950")
    result = runner.invoke(app, ["profile", "erp.csv", "--encoding", "utf-8", "--json"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: erp.csv: ")
    assert PLANTED not in result.stderr


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("nope.csv", "error: nope.csv: file not found; check path: in the config\n"),
        ("*.xlsx", "error: *.xlsx: no file matches; check path: (relative to .)\n"),
    ],
)
def test_profile_missing_file(runner: CliRunner, in_tmp: Path, pattern: str, message: str) -> None:
    result = runner.invoke(app, ["profile", pattern])
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_commands_have_help(runner: CliRunner) -> None:
    for command in ("init", "profile"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "--json" in result.stdout


def test_profile_show_values_gating(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "erp.csv", ERP, encoding="cp950")
    hidden = runner.invoke(app, ["profile", "erp.csv", "--html", "hidden.html"])
    assert hidden.exit_code == 0, hidden.stderr
    assert "values are hidden" in hidden.stderr
    page = (in_tmp / "hidden.html").read_text(encoding="utf-8")
    for text in (hidden.stdout, hidden.stderr, page):
        assert PLANTED not in text
    shown = runner.invoke(app, ["profile", "erp.csv", "--show-values", "--html", "shown.html"])
    assert shown.exit_code == 0, shown.stderr
    assert PLANTED not in shown.stdout + shown.stderr  # never on the terminal
    assert PLANTED in (in_tmp / "shown.html").read_text(encoding="utf-8")
    as_json = runner.invoke(app, ["profile", "erp.csv", "--show-values", "--json"])
    assert PLANTED in as_json.stdout
    assert json.loads(as_json.stdout) == {
        "json_version": 1,
        **profile_files(["erp.csv"], show_values=True).to_dict(),
    }


def test_profile_html_is_self_contained(runner: CliRunner, in_tmp: Path) -> None:
    write(in_tmp / "erp.csv", ERP, encoding="cp950")
    write(in_tmp / "contacts.csv", CONTACTS)
    result = runner.invoke(app, ["profile", "*.csv", "--html", "p.html", "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    page = (in_tmp / "p.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page
    assert (
        "Columns that look alike across files" in page
        and "Columns that look alike" in result.stdout
    )
