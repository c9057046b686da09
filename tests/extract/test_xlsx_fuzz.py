"""Fuzz: however a small workbook is damaged, `profile` exits 0 or 2, never 70 (a crash).

Two mutators: bytes flipped in the zip itself (mostly caught by the zip check), and bytes
changed inside one XML part before zipping again (reaches openpyxl's parsers). A failure prints
the example, which is a regression test to keep.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crmmigrate.cli.main import app

from .workbooks import SECRET, good_workbook, parts, rezip

_SETTINGS = settings(
    max_examples=int(os.environ.get("CRMMIGRATE_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# bytes that matter to XML and to the zip format, plus anything else
_BYTES = st.one_of(st.sampled_from(list(b"<>&;\"'=/ \x00\xffPK")), st.integers(0, 255))


@cache
def _good() -> bytes:
    return good_workbook()


def _profile(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "book.xlsx"
        path.write_bytes(data)
        result = CliRunner().invoke(app, ["profile", str(path), "--quiet"])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), result.stderr
        assert len(lines[0]) < 400
    assert SECRET not in result.stderr


@_SETTINGS
@given(st.lists(st.tuples(st.integers(0, 1 << 16), _BYTES), min_size=1, max_size=6))
def test_flipped_zip_bytes_never_crash(changes: list[tuple[int, int]]) -> None:
    data = bytearray(_good())
    for position, value in changes:
        data[position % len(data)] = value
    _profile(bytes(data))


@_SETTINGS
@given(
    st.sampled_from(sorted(name for name in parts(good_workbook()) if name.endswith(".xml"))),
    st.lists(
        st.tuples(st.integers(0, 1 << 16), st.integers(0, 8), st.binary(max_size=8) | _BYTES),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_xml_parts_never_crash(
    name: str, changes: list[tuple[int, int, bytes | int]]
) -> None:
    contents = parts(_good())
    part = contents[name]
    for position, cut, insert in changes:
        at = position % (len(part) + 1)
        replacement = bytes([insert]) if isinstance(insert, int) else insert
        part = part[:at] + replacement + part[at + cut :]
    contents[name] = part
    _profile(rezip(contents))
