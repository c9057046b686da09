"""A first row of data is never shown as column names; no message grows with the input.

Fixtures: ``NO_HEADER`` is a contacts export saved without its header row, so its first record
(a customer's id, name, e-mail, phone and birth date) is what a reader takes for the header.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path
from random import Random

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.extract.headers import data_shape, shown

NO_HEADER = (
    "C001,Ann,Lee,ann@example.com,0912-345-678,1985-03-04\n"
    "C002,Bob,Wu,bob@example.com,0912-345-679,1990-01-01\n"
)
VALUES = ("C001", "Ann", "Lee", "ann@example.com", "0912-345-678", "1985-03-04")
CONFIG = """\
version: 1
sources:
  - name: legacy
    path: contacts.csv
    object: contacts
    key: Contact ID
    fields: {first_name: First Name, last_name: Last Name, email: E-mail}
"""
LOOKS_LIKE_DATA = (
    "the first row looks like data, not a header ({}); add a header row naming the columns "
    "(if that row is the header, rename that column)"
)


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("ann@example.com", "looks like an e-mail address"),
        ("0912-345-678", "looks like a phone number"),
        ("+886 2 2345 6789", "looks like a phone number"),
        ("(02) 2345-6789 ext. 12", "looks like a phone number"),
        ("1985-03-04", "looks like a date or time"),
        ("04/05/1990", "looks like a date or time"),
        ("2024-01-02T13:45:06", "looks like a date or time"),
        ("2024年1月2日", "looks like a date or time"),
        ("09:30", "looks like a date or time"),
        ("42", "looks like a number"),
        ("-1,234.50", "looks like a number"),
        ("$99", "looks like a number"),
        ("12%", "looks like a number"),
        ("x" * 65, "is longer than 64 characters"),
    ],
)
def test_values_have_a_data_shape(name: str, shape: str) -> None:
    assert data_shape(name) == shape


@pytest.mark.parametrize(
    "name",
    [
        "E-mail",
        "Contact ID",
        "Phone 1",
        "Address 2",
        "2024 Sales",
        "Q1",
        "DOB",
        "客戶編號",
        "column_3",
        "Tel (office)",
        "#",
        "x" * 64,
    ],
)
def test_header_names_have_none(name: str) -> None:
    assert data_shape(name) is None


def test_shown_caps_a_name() -> None:
    assert shown("abc") == "'abc'"
    assert shown("a" * 400, 10) == "'aaaaaaaaaa'… (400 characters)"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "crmmigrate.yaml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    return tmp_path


def test_profile_refuses_a_file_without_a_header_row(in_tmp: Path) -> None:
    (in_tmp / "contacts.csv").write_text(NO_HEADER, encoding="utf-8")
    result = CliRunner().invoke(app, ["profile", "contacts.csv"])
    assert result.exit_code == 2, result.output
    message = LOOKS_LIKE_DATA.format("column 4 looks like an e-mail address")
    assert result.stderr == f"error: contacts.csv: {message}\n"
    assert result.stdout == ""
    as_json = CliRunner().invoke(app, ["profile", "contacts.csv", "--json"])
    assert as_json.exit_code == 2, as_json.output
    for value in VALUES:
        assert value not in result.output + as_json.output


def test_missing_column_error_does_not_list_a_first_row_of_data(in_tmp: Path) -> None:
    (in_tmp / "contacts.csv").write_text(NO_HEADER, encoding="utf-8")
    result = CliRunner().invoke(app, ["clean", "-q"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: crmmigrate.yaml: sources[0].key: no column 'Contact ID' in contacts.csv; "
        + LOOKS_LIKE_DATA.format("column 4 looks like an e-mail address")
        + "\n"
    )
    for value in VALUES:
        assert value not in result.output
    assert not (in_tmp / "runs").exists()


def test_excel_sheet_without_a_header_row(in_tmp: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Orders"
    sheet.append(["O-1", "Ann Lee", 1200.5])
    book.save(in_tmp / "orders.xlsx")
    result = CliRunner().invoke(app, ["profile", "orders.xlsx"])
    assert result.exit_code == 2, result.output
    message = LOOKS_LIKE_DATA.format("column 3 looks like a number")
    assert result.stderr == f"error: orders.xlsx (sheet 'Orders'): {message}\n"
    assert "Ann Lee" not in result.output


@pytest.mark.parametrize("command", ["profile", "clean"])
def test_a_long_line_without_a_newline_gives_a_short_message(in_tmp: Path, command: str) -> None:
    # the shape of a 60 MB line with no line break, at 2 MB (the line limit is 64 MB)
    (in_tmp / "contacts.csv").write_text("Ann Lee " * 250_000, encoding="utf-8")
    args = ["profile", "contacts.csv"] if command == "profile" else ["clean", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    prefix = (
        "contacts.csv: "
        if command == "profile"
        else ("crmmigrate.yaml: sources[0].key: no column 'Contact ID' in contacts.csv; ")
    )
    message = LOOKS_LIKE_DATA.format("column 1 is longer than 64 characters")
    assert result.stderr == f"error: {prefix}{message}\n"
    assert "Ann Lee" not in result.output


def test_a_long_configured_column_is_cut_in_the_message(in_tmp: Path) -> None:
    (in_tmp / "contacts.csv").write_text(
        "Contact ID,First Name,Last Name,E-mail\nC1,Ann,Lee,a@b.co\n", encoding="utf-8"
    )
    config = (in_tmp / "crmmigrate.yaml").read_text(encoding="utf-8")
    (in_tmp / "crmmigrate.yaml").write_text(
        config.replace("key: Contact ID", "key: " + "K" * 5000), encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["clean", "-q"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: crmmigrate.yaml: sources[0].key: no column '{'K' * 100}'… (5,000 characters) "
        "in contacts.csv; valid: Contact ID, E-mail, First Name, Last Name\n"
    )


# --- generated first rows ---------------------------------------------------------------------

_EMAIL = st.from_regex(r"[a-z]{3,8}\.[a-z]{3,8}@[a-z]{4,8}\.(com|tw|hk)", fullmatch=True)
_PHONE = st.from_regex(r"09\d{2}-\d{3}-\d{3}|\+8869\d{8}|\(0\d\) \d{4}-\d{4}", fullmatch=True)
_DATE = st.from_regex(r"(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])", fullmatch=True)
_NAME = st.sampled_from(["Zhqwen", "Xuqiao", "Vrimla", "陳大文", "林小美"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_EMAIL, _PHONE, _DATE), min_size=1, max_size=3),
    st.lists(_NAME, max_size=3),
    st.randoms(use_true_random=False),
)
def test_a_generated_first_row_of_data_is_never_printed(
    shaped: list[str], names: list[str], random: Random
) -> None:
    cells = shaped + names
    random.shuffle(cells)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "contacts.csv"
        path.write_text(",".join(cells) + "\n" + ",".join(cells) + "\n", encoding="utf-8")
        result = CliRunner().invoke(app, ["profile", str(path)])
    assert result.exit_code == 2, result.output
    assert "the first row looks like data, not a header" in result.stderr
    for cell in cells:
        assert cell not in result.output


def test_init_refuses_a_file_without_a_header_row(in_tmp: Path) -> None:
    """init would write the first row (a customer's e-mail) into crmmigrate.yaml as names."""
    (in_tmp / "contacts.csv").write_text(NO_HEADER, encoding="utf-8")
    result = CliRunner().invoke(app, ["init", "new", "--from", "contacts.csv"])
    assert result.exit_code == 2, result.output
    message = LOOKS_LIKE_DATA.format("column 4 looks like an e-mail address")
    assert result.stderr == f"error: contacts.csv: {message}\n"
    assert not (in_tmp / "new" / "crmmigrate.yaml").exists()
    assert not any(value in result.output for value in VALUES)


def test_a_runs_dir_option_that_is_a_file_is_exit_2(tmp_path: Path, make_project) -> None:
    project = make_project()
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["clean", "-c", str(project), "--runs-dir", str(tmp_path / "taken")]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {tmp_path / 'taken'}: cannot hold runs: it, or a directory above it, is a file "
        "(choose another --runs-dir (or runs_dir in the config))\n"
    )
