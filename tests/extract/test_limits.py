"""The line-length limit of delimited text: refused before decoding, with the line and the fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.errors import SourceError
from crmmigrate.extract.limits import MAX_LINE, check_line_lengths

CONFIG = """\
version: 1
sources:
  - name: legacy
    path: contacts.csv
    object: contacts
    fields: {first_name: First Name, last_name: Last Name}
"""
TOO_LONG = (
    "contacts.csv: line 3 is longer than 0.001 MB, the limit for one line of delimited text; "
    "check that the file is delimited text with one record per line, or raise the limit by "
    "setting CRMMIGRATE_MAX_LINE_MB (in MB)"
)


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Lines of at most 1,000 bytes (the default is 64 MB)."""
    monkeypatch.setenv(MAX_LINE.env, "0.001")
    return 1000


@pytest.mark.parametrize("command", ["profile", "clean"])
def test_a_line_over_the_limit_is_one_exact_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_limit: int, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "crmmigrate.yaml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    secret = "Ann" + "x" * small_limit
    (tmp_path / "contacts.csv").write_text(
        f"First Name,Last Name\nBob,Wu\n{secret},Lee\nCy,Chan\n", encoding="utf-8"
    )
    args = ["profile", "contacts.csv"] if command == "profile" else ["clean", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {TOO_LONG}\n"
    assert result.stdout == ""
    assert not (tmp_path / "runs").exists()


def test_under_the_limit_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MAX_LINE.env, "0.001")
    (tmp_path / "contacts.csv").write_text(
        "First Name,Last Name\n" + "".join(f"Name{i},Lee\n" for i in range(500)), encoding="utf-8"
    )  # 6 kB in all, every line short
    result = CliRunner().invoke(app, ["profile", "contacts.csv", "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"a" * 1001, 1),
        (b"a\n" + b"b" * 1001, 2),
        (b"a\r\n" * 3 + b"b" * 1001 + b"\r\n", 4),
        (b"a\r" * 3 + b"b" * 1001 + b"\r", 4),  # old Mac line ends
        (b"a\n" * 5000 + b"b" * 1001, 5001),
    ],
)
def test_the_first_long_line_is_named(small_limit: int, data: bytes, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        check_line_lengths(data, "f.csv")
    assert str(caught.value).startswith(f"f.csv: line {line:,} is longer than 0.001 MB, ")


@pytest.mark.parametrize(
    "data",
    [
        b"a" * 1000,
        b"a" * 1000 + b"\n" + b"b" * 1000,
        b"a" * 1000 + b"\r\n" + b"b" * 1000 + b"\r\n",
        b"a" * 1000 + b"\r" + b"b" * 1000,
        b"ab\n" * 10_000,
    ],
)
def test_lines_of_the_limit_pass(small_limit: int, data: bytes) -> None:
    check_line_lengths(data, "f.csv")


def test_default_limit() -> None:
    assert MAX_LINE.describe() == "64 MB"
