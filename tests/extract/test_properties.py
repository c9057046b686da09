"""Property: any table written by the csv module reads back cell for cell."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmmigrate.extract.readers import DELIMITERS, read_table

# Latin, CJK, the four delimiters, quotes, CR/LF, whitespace, and anything else text() offers.
_SPECIAL = st.sampled_from(
    [",", "\t", ";", "|", '"', "'", "\n", "\r", "\r\n", " ", "陳", "陈", "臺"]
)
_CELL = st.lists(st.one_of(_SPECIAL, st.text(max_size=4)), max_size=5).map("".join)
_HEADER = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True)


@st.composite
def tables(draw: st.DrawFn, min_columns: int = 1) -> tuple[list[str], list[list[str]]]:
    headers = draw(st.lists(_HEADER, min_size=min_columns, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(_CELL, min_size=len(headers), max_size=len(headers)), max_size=8))
    return headers, rows


def write_csv(headers: list[str], rows: list[list[str]], sep: str, terminator: str) -> bytes:
    # With lineterminator="\n" the csv module leaves a bare "\r" unquoted, which every reader
    # must take as a line break; so "\n" files quote every field instead.
    quoting = csv.QUOTE_MINIMAL if terminator == "\r\n" else csv.QUOTE_ALL
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator=terminator, quoting=quoting)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def check_round_trip(
    headers: list[str], rows: list[list[str]], data: bytes, delimiter: str | None
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "t.csv"
        path.write_bytes(data)
        (table,) = read_table(path, delimiter=delimiter)
    kept = [(number, row) for number, row in enumerate(rows, start=2) if any(row)]
    assert table.headers == headers
    assert table.frame.to_numpy(dtype=object).tolist() == [
        [cell if cell != "" else None for cell in row] for _, row in kept
    ]
    assert table.row_numbers.tolist() == [number for number, _ in kept]


_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(tables(), st.sampled_from(DELIMITERS), st.sampled_from(["\r\n", "\n"]))
def test_cells_round_trip_with_the_delimiter_given(
    table: tuple[list[str], list[list[str]]], sep: str, terminator: str
) -> None:
    headers, rows = table
    check_round_trip(headers, rows, write_csv(headers, rows, sep, terminator), sep)


@_SETTINGS
@given(tables(min_columns=2), st.sampled_from(DELIMITERS), st.sampled_from(["\r\n", "\n"]))
def test_cells_round_trip_with_a_sniffed_delimiter(
    table: tuple[list[str], list[list[str]]], sep: str, terminator: str
) -> None:
    headers, rows = table
    check_round_trip(headers, rows, write_csv(headers, rows, sep, terminator), None)
