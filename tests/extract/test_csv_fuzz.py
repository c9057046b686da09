"""Fuzz: whatever bytes a .csv holds, `profile` exits 0 or 2 with at most one short line.

Bytes are drawn from what breaks delimited text (delimiters, quotes, CR/LF, BOMs, bytes of
multi-byte encodings, NUL) plus long runs without a line break; the line limit is lowered to
200 bytes so the runs cross it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.extract.limits import MAX_LINE

_PIECES = st.one_of(
    st.sampled_from(
        [b",", b";", b"\t", b"|", b'"', b"\r", b"\n", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe"]
    ),
    st.sampled_from([b"\xa4\xa4", b"\xe9\x99\xb3", b"\x00", b"ann@example.com", b"0912-345-678"]),
    st.binary(max_size=6),
    st.builds(lambda n: b"x" * n, st.integers(150, 400)),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(_PIECES, min_size=1, max_size=30).map(b"".join))
def test_any_csv_bytes_never_crash(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setenv(MAX_LINE.env, "0.0002")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "f.csv"
        path.write_bytes(data)
        result = CliRunner().invoke(app, ["profile", str(path), "--quiet", "--json"])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert len(lines[0]) < 400
        assert "ann@example.com" not in result.stderr
