"""Damaged and hostile .xlsx files: `profile` and `clean` exit 2 with one exact line, never 70.

Every fixture is the good workbook of ``workbooks.py`` with one part altered (see there).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app

from .workbooks import (
    CONTENT_TYPES,
    SECRET,
    SHEET,
    STYLES,
    WORKBOOK,
    altered,
    billion_laughs,
    corrupt_deflate,
    good_workbook,
    lie_about_size,
    padded_sheet,
    parts,
    rezip,
)

CONFIG = """\
version: 1
sources:
  - name: shop
    path: book.xlsx
    object: contacts
    fields: {first_name: First Name, last_name: Last Name, email: E-mail}
"""
SAVE = "open it in Excel and save it again as .xlsx, or export it again"
DAMAGED = "book.xlsx: the workbook is damaged: "


def _part(name: str) -> bytes:
    return parts(good_workbook())[name]


def _without_workbook_type() -> bytes:
    contents = parts(good_workbook())
    del contents[WORKBOOK]
    types = contents[CONTENT_TYPES].decode()
    start = types.index('<Override PartName="/xl/workbook.xml"')
    contents[CONTENT_TYPES] = (types[:start] + types[types.index("/>", start) + 2 :]).encode()
    return rezip(contents)


def _undecodable_local_name() -> bytes:
    """A local file header whose name is not UTF-8 though its flag says so (found by the
    fuzzer on the floors install: zipfile raised UnicodeDecodeError, exit 70)."""
    data = bytearray(good_workbook())
    name = b"xl/worksheets/sheet1.xml"
    at = data.index(name, data.index(b"PK\x03\x04"))  # the first local header naming it
    header = data.rindex(b"PK\x03\x04", 0, at)
    flags = int.from_bytes(data[header + 6 : header + 8], "little") | 0x800  # "name is UTF-8"
    data[header + 6 : header + 8] = flags.to_bytes(2, "little")
    data[at + 3 : at + 5] = b"\xed\x3c"  # not UTF-8
    return bytes(data)


CASES: list[tuple[str, Callable[[], bytes], str]] = [
    (
        "a local header name that is not UTF-8",
        _undecodable_local_name,
        f"{DAMAGED}part 'xl/worksheets/sheet1.xml' does not decompress (corrupt zip data); {SAVE}",
    ),
    (
        "broken XML in the styles part",
        lambda: altered(styles=_part(STYLES)[:-20]),
        f"{DAMAGED}part 'xl/styles.xml' has broken XML at line 1; {SAVE}",
    ),
    (
        "broken XML in the sheet",
        lambda: altered(sheet=_part(SHEET)[:-20]),
        f"{DAMAGED}part 'xl/worksheets/sheet1.xml' has broken XML at line 1; {SAVE}",
    ),
    (
        "billion laughs in the sheet (expat stops it)",
        lambda: altered(
            sheet=billion_laughs(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
                b"</row></sheetData></worksheet>"
            )
        ),
        "book.xlsx: part 'xl/worksheets/sheet1.xml' declares XML entities, which .xlsx files "
        "never do (an entity-expansion bomb?); export the workbook again from where it came from",
    ),
    (
        "billion laughs in the styles part",
        lambda: altered(
            styles=billion_laughs(
                b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<numFmts count="1"><numFmt numFmtId="164" formatCode="&lol9;"/></numFmts>'
                b"</styleSheet>"
            )
        ),
        "book.xlsx: part 'xl/styles.xml' declares XML entities, which .xlsx files never do (an "
        "entity-expansion bomb?); export the workbook again from where it came from",
    ),
    (
        "corrupt deflate stream",
        lambda: corrupt_deflate(good_workbook()),
        f"{DAMAGED}part 'xl/worksheets/sheet1.xml' does not decompress (corrupt zip data); {SAVE}",
    ),
    (
        "unknown workbook attribute",
        lambda: altered(workbook=_part(WORKBOOK).replace(b"<workbook ", b'<workbook foo="1" ', 1)),
        "book.xlsx: cannot read the workbook: its content does not follow the .xlsx format "
        f"(TypeError); {SAVE}",
    ),
    (
        "no workbook part",
        lambda: altered(workbook=None),
        f"book.xlsx: not a valid .xlsx workbook: it has no workbook part (xl/workbook.xml); {SAVE}",
    ),
    (
        "no workbook part, nor its content type",
        _without_workbook_type,
        f"book.xlsx: not a valid .xlsx workbook: it has no workbook part (xl/workbook.xml); {SAVE}",
    ),
    (
        "missing sheet part",
        lambda: altered(sheet=None),
        "book.xlsx: sheet 'Contacts' is listed in the workbook but its part "
        f"'xl/worksheets/sheet1.xml' is missing (the file is damaged); {SAVE}",
    ),
    (
        "a zip without [Content_Types].xml",
        lambda: altered(types=None),
        "book.xlsx: not a valid .xlsx workbook (the file is damaged, encrypted or of another "
        "kind); open it in Excel and save it again as .xlsx",
    ),
    (
        "a part whose declared size is smaller than what it inflates to",
        lambda: lie_about_size(altered(sheet=padded_sheet(3_000_000)), SHEET, 1000),
        f"{DAMAGED}part 'xl/worksheets/sheet1.xml' does not decompress (corrupt zip data); {SAVE}",
    ),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[bytes], Path]:
    """Write book.xlsx and a config reading it into tmp_path, and run there."""
    monkeypatch.chdir(tmp_path)

    def make(data: bytes) -> Path:
        (tmp_path / "crmmigrate.yaml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
        (tmp_path / "book.xlsx").write_bytes(data)
        return tmp_path

    return make


def _invoke(command: str) -> list[str]:
    return ["profile", "book.xlsx"] if command == "profile" else ["clean", "-q"]


@pytest.mark.parametrize("command", ["profile", "clean"])
@pytest.mark.parametrize(("build", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_damaged_workbook_is_one_exact_line_and_exit_2(
    project: Callable[[bytes], Path], command: str, build: Callable[[], bytes], message: str
) -> None:
    project(build())
    result = CliRunner().invoke(app, _invoke(command))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {message}\n"
    assert result.stdout == ""
    assert SECRET not in result.output


def test_the_good_workbook_reads(project: Callable[[bytes], Path]) -> None:
    project(good_workbook())
    result = CliRunner().invoke(app, ["profile", "book.xlsx"])
    assert result.exit_code == 0, result.output
    assert "E-mail" in result.stdout


@pytest.mark.parametrize("command", ["profile", "clean"])
def test_zip_bomb_is_refused_by_the_decompressed_size_limit(
    project: Callable[[bytes], Path], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    # 3 MB of XML that deflates to a few kilobytes; the limit is lowered to 1 MB to stand for a
    # 5 MB file that inflates to gigabytes
    bomb = altered(sheet=padded_sheet(3_000_000))
    assert len(bomb) < 30_000
    project(bomb)
    monkeypatch.setenv("CRMMIGRATE_MAX_XLSX_MB", "1")
    result = CliRunner().invoke(app, _invoke(command))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: book.xlsx: the workbook decompresses to more than 1 MB, the limit for one .xlsx "
        "(the file may be damaged or a zip bomb); if it is genuine, save its sheets as CSV, or "
        "raise the limit by setting CRMMIGRATE_MAX_XLSX_MB (in MB)\n"
    )


def test_the_same_workbook_reads_under_a_higher_limit(
    project: Callable[[bytes], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project(altered(sheet=padded_sheet(3_000_000)))
    monkeypatch.setenv("CRMMIGRATE_MAX_XLSX_MB", "5")
    result = CliRunner().invoke(app, ["profile", "book.xlsx", "--json"])
    assert result.exit_code == 0, result.output
    assert '"First Name"' in result.stdout


@pytest.mark.parametrize("value", ["lots", "0", "-1", "nan", "inf"])
def test_a_bad_limit_variable_is_a_usage_error(
    project: Callable[[bytes], Path], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    project(good_workbook())
    monkeypatch.setenv("CRMMIGRATE_MAX_XLSX_MB", value)
    result = CliRunner().invoke(app, ["profile", "book.xlsx"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: CRMMIGRATE_MAX_XLSX_MB={value!r}: must be a positive number of megabytes, "
        "e.g. CRMMIGRATE_MAX_XLSX_MB=4000\n"
    )
