"""Read a source into Arrow string columns for profiling.

Delimited text takes a fast path: the file is decoded and its delimiter sniffed exactly as the
extract stage does (:func:`decode_bytes`, :func:`sniff_delimiter`, :func:`clean_headers`), then
parsed by Arrow's multi-threaded CSV reader, every cell as text. Anything the fast path does not
take cleanly (a ragged row, a broken quote) is read again by :func:`read_table`, so errors and
their messages are the extract stage's. Excel and JSON always go through :func:`read_table`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from crmmigrate.extract.encoding import decode_bytes
from crmmigrate.extract.readers import (
    FORMATS,
    clean_headers,
    out_of_memory_is_a_source_error,
    read_source_bytes,
    read_table,
    sniff_delimiter,
)

_LEADING_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r))*")


@dataclass(frozen=True, eq=False)
class Columns:
    """One sheet or file as Arrow string columns (``None`` for an empty cell)."""

    sheet: str | None
    encoding: str | None
    headers: list[str]
    columns: list[pa.Array]
    rows: int


def read_columns(path: Path, *, encoding: str, sheet: str | None, label: str) -> list[Columns]:
    """Every table of one file as string columns; the extract stage's errors on failure."""
    if FORMATS.get(path.suffix.lower()) == "csv" and path.is_file() and path.stat().st_size:
        with out_of_memory_is_a_source_error(label):
            fast = _read_csv_fast(path, encoding, label)
        if fast is not None:
            return [fast]
    return [
        Columns(
            table.sheet,
            table.encoding,
            table.headers,
            [to_arrow(table.frame.iloc[:, i]) for i in range(table.frame.shape[1])],
            len(table.frame),
        )
        for table in read_table(path, encoding=encoding, sheet=sheet or "*", label=label)
    ]


def to_arrow(values: pd.Series) -> pa.Array:
    """A column of text cells (or anything else a reader gave) as an Arrow string array."""
    raw = values.to_numpy(dtype=object)
    try:
        return pa.array(raw, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not every reader yields str cells
        return pa.array([None if v is None else str(v) for v in raw], type=pa.string())


def _read_csv_fast(path: Path, encoding: str, label: str) -> Columns | None:
    text, used = decode_bytes(read_source_bytes(path, label, "csv"), encoding, label=label)
    blank = _LEADING_BLANK_LINES.match(text)
    body = text[blank.end() :] if blank else text
    if not body.strip():
        return None  # let the extract stage describe the empty file
    sep = sniff_delimiter(body)
    data = body.encode("utf-8")
    del text, body
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=True,
                null_values=[""],
                column_types=_all_text(data, sep),
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    columns = [col.combine_chunks() for col in table.columns]
    columns = [c.cast(pa.string()) if c.type != pa.string() else c for c in columns]
    headers = clean_headers([c[0].as_py() if len(c) else None for c in columns])
    columns = [c.slice(1) for c in columns]
    if columns and len(columns[0]):
        filled = np.zeros(len(columns[0]), dtype=bool)
        for column in columns:
            filled |= column.is_valid().to_numpy(zero_copy_only=False)
        if not filled.all():  # fully empty rows are not records (as in read_table)
            keep = pa.array(filled)
            columns = [c.filter(keep) for c in columns]
    columns = [pa.concat_arrays([c]) if c.offset else c for c in columns]
    rows = len(columns[0]) if columns else 0
    return Columns(None, used, headers, columns, rows)


def _all_text(data: bytes, sep: str) -> dict[str, pa.DataType]:
    """Column types for the generated names (f0, f1, ...) of the header's width: text only.

    Every column must be named: Arrow infers the type of an unnamed one (``0012`` -> 12).
    """
    head = data[: 1 << 16].decode("utf-8", errors="ignore")
    row = next(csv.reader(io.StringIO(head, newline=""), delimiter=sep), [])
    return {f"f{i}": pa.string() for i in range(max(len(row), 1))}
