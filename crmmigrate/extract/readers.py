"""Read source files -- delimited text, Excel, JSON, JSON Lines -- into tables of text cells.

Every cell comes back exactly as the file holds it, as a Python ``str`` ("0012", "NA", " x "),
or ``None`` when it is empty; cleaning is a later stage and never touches the raw file.

Row numbers are what a person sees when opening the file: the spreadsheet row for Excel and for
delimited text (header = row 1; a quoted field spanning several lines is still one row, as in
Excel), the 1-based record index for a JSON array and the line number for JSON Lines. Fully empty
rows are dropped without renumbering the others.

Headers are cleaned only as far as a column name must be: surrounding whitespace and BOM remnants
are stripped, a blank header becomes ``column_N`` (1-based position) and a repeated one gets a
suffix (``Name``, ``Name_2``, ...), skipping suffixes already used by another header.
"""

from __future__ import annotations

import csv
import glob
import io
import itertools
import json
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal

import numpy as np
import pandas as pd

from crmmigrate.errors import SourceError
from crmmigrate.extract.encoding import decode_bytes
from crmmigrate.extract.headers import shown
from crmmigrate.extract.limits import check_line_lengths
from crmmigrate.extract.xlsx import open_workbook, workbook_error

Format = Literal["csv", "excel", "json", "jsonl"]

FORMATS: dict[str, Format] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 50
_LEADING_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r))*")
_BOM_REMNANTS = ("\ufeff", "ï»¿")  # the BOM itself, and a UTF-8 BOM once read as cp1252


@dataclass(frozen=True, eq=False)  # eq=False: comparing DataFrames with == is not a bool
class RawTable:
    """One sheet or file as text cells, with the row number a user sees for each record."""

    frame: pd.DataFrame
    path: Path
    sheet: str | None
    encoding: str | None
    row_numbers: np.ndarray

    @property
    def headers(self) -> list[str]:
        """The cleaned column names, in file order."""
        return [str(column) for column in self.frame.columns]


def expand_paths(pattern: str, base_dir: Path) -> list[Path]:
    """Resolve a configured source path against ``base_dir``; glob patterns expand, sorted.

    ``*``, ``?`` and ``[..]`` expand (``**`` recurses) to the matching files, sorted by path;
    Excel's lock files (``~$name.xlsx``) are skipped. A plain path is returned as is if it exists.
    """
    full = Path(pattern).expanduser()
    if not full.is_absolute():
        full = base_dir / full
    if any(char in pattern for char in "*?["):
        matches = [
            Path(found)
            for found in glob.glob(str(full), recursive=True)
            if Path(found).is_file() and not Path(found).name.startswith("~$")
        ]
        if not matches:
            raise SourceError(f"{pattern}: no file matches; check path: (relative to {base_dir})")
        return sorted(matches, key=lambda path: path.as_posix())
    if not full.exists():
        raise SourceError(f"{pattern}: file not found; check path: in the config")
    return [full]


def read_headers(
    path: Path,
    *,
    encoding: str = "auto",
    sheet: str | None = None,
    delimiter: str | None = None,
    label: str | None = None,
) -> dict[str | None, list[str]]:
    """Return the cleaned headers per sheet (key ``None`` for non-Excel files), reading little.

    For Excel only the header row is read, so a sheet with data to the right of its last header
    gets extra ``column_N`` names from :func:`read_table` that this does not list.
    """
    label = label or str(path)
    kind = _format_of(path, label)
    if kind == "excel":
        sheets = _excel_sheets(path, sheet, label, True)
        return {name: clean_headers(headers) for name, headers, _, _ in sheets}
    if kind == "csv":
        with out_of_memory_is_a_source_error(label):
            text, _ = decode_bytes(read_source_bytes(path, label, kind), encoding, label=label)
            frame, _ = _read_delimited(text, delimiter, label, header_only=True)
        return {None: [str(column) for column in frame.columns]}
    return {None: read_table(path, encoding=encoding, label=label)[0].headers}


def read_table(
    path: Path,
    *,
    encoding: str = "auto",
    sheet: str | None = None,
    delimiter: str | None = None,
    label: str | None = None,
) -> list[RawTable]:
    """Read a file as text cells; one :class:`RawTable` per sheet read (one for non-Excel).

    ``sheet=None`` reads the first sheet, ``"*"`` every sheet that is not empty (the first one
    when all are). ``delimiter`` overrides sniffing for delimited text; ``encoding`` applies to
    text formats. ``label`` is the path as the user wrote it, used in error messages.
    """
    label = label or str(path)
    kind = _format_of(path, label)
    with out_of_memory_is_a_source_error(label):
        if kind == "excel":
            return [
                _table(headers, rows, numbers, path=path, sheet=name, encoding=None)
                for name, headers, rows, numbers in _excel_sheets(path, sheet, label, False)
            ]
        text, used = decode_bytes(read_source_bytes(path, label, kind), encoding, label=label)
        if kind == "csv":
            frame, row_numbers = _read_delimited(text, delimiter, label)
            return [RawTable(frame, path, None, used, row_numbers)]
        keys, records, numbers = _read_json(text, label, lines=kind == "jsonl")
        return [_table(keys, records, numbers, path=path, sheet=None, encoding=used)]


def clean_headers(raw: Sequence[object]) -> list[str]:
    """Turn raw header cells into unique column names (see the module docstring)."""
    names: list[str] = []
    for position, cell in enumerate(raw, start=1):
        text = "" if cell is None or (isinstance(cell, float) and math.isnan(cell)) else str(cell)
        for remnant in _BOM_REMNANTS:
            text = text.replace(remnant, "")
        names.append(text.strip() or f"column_{position}")
    taken = set(names)
    seen: set[str] = set()
    unique: list[str] = []
    for name in names:
        if name in seen:
            suffix = 2
            while f"{name}_{suffix}" in taken:
                suffix += 1
            name = f"{name}_{suffix}"
            taken.add(name)
        seen.add(name)
        unique.append(name)
    return unique


def _format_of(path: Path, label: str) -> Format:
    suffix = path.suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    supported = " ".join(FORMATS)
    if suffix == ".xls":
        raise SourceError(
            f"{label}: old .xls workbooks are not supported; open it in Excel and save it "
            f"as .xlsx (supported: {supported})"
        )
    raise SourceError(
        f"{label}: unsupported file type {suffix or '(none)'}; supported: {supported}"
    )


def _check_readable(path: Path, label: str) -> int:
    """Raise a one-line SourceError unless ``path`` is a readable, non-empty file; return size."""
    try:
        if path.is_dir():
            raise SourceError(f"{label}: is a directory, not a file; check path: in the config")
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except FileNotFoundError:
        raise SourceError(f"{label}: file not found; check path: in the config") from None
    except PermissionError:
        raise SourceError(f"{label}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise SourceError(f"{label}: cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise SourceError(f"{label}: file is empty")
    return size


def read_source_bytes(path: Path, label: str, kind: Format) -> bytes:
    """The bytes of a text source; delimited text with a line over the limit is refused."""
    _check_readable(path, label)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{label}: cannot read the file ({exc.strerror})") from None
    if kind == "csv":
        check_line_lengths(data, label)
    return data


@contextmanager
def out_of_memory_is_a_source_error(label: str) -> Iterator[None]:
    """A file too big for this machine's memory is the input's problem, not a crash."""
    try:
        yield
    except MemoryError:
        raise SourceError(
            f"{label}: not enough memory to read the file; split it into smaller files "
            "(one source can be a glob of them)"
        ) from None


def _table(
    raw_headers: Sequence[object],
    rows: list[list[str | None]],
    numbers: list[int],
    *,
    path: Path,
    sheet: str | None,
    encoding: str | None,
) -> RawTable:
    headers = clean_headers(raw_headers)
    values = np.empty((len(rows), len(headers)), dtype=object)
    for index, row in enumerate(rows):
        values[index, :] = row
    frame = pd.DataFrame(values, columns=headers, dtype=object)
    return RawTable(frame, path, sheet, encoding, np.asarray(numbers, dtype=np.int64))


# --- delimited text -------------------------------------------------------------------------


def _skip_leading_blank_lines(text: str) -> tuple[str, int]:
    """Drop blank lines before the header; return the rest and how many lines were dropped."""
    blank = _LEADING_BLANK_LINES.match(text)
    skipped = blank.group(0) if blank else ""
    lines = skipped.count("\n") + skipped.count("\r") - skipped.count("\r\n")
    return text[len(skipped) :], lines


def _delimiter(configured: str | None, body: str, label: str) -> str:
    if configured is None:
        return sniff_delimiter(body)
    sep = _DELIMITER_NAMES.get(configured.lower(), configured)
    if len(sep) != 1:
        raise SourceError(
            f"{label}: delimiter: must be one character, got {len(sep)}; "
            "use e.g. delimiter: ';' or delimiter: tab"
        )
    return sep


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter among , TAB ; | that splits the first rows most consistently.

    Each candidate parses up to 50 records (quote-aware, with :mod:`csv`). A candidate that gives
    the header more than one field wins over one that does not; then one under which no record
    is wider than the header; then the most records exactly as wide as the header; then the
    widest header; then the order above. For a one-column file this picks a delimiter that does
    not occur in it, so commas inside values do not split them.
    """
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > len(sample)
    best: tuple[tuple[bool, bool, int, int, int], str] | None = None
    for order, sep in enumerate(DELIMITERS):
        rows = _sample_rows(sample, sep)
        if truncated and len(rows) > 1:
            rows.pop()  # the sample may end inside the last record
        if not rows:
            continue
        width = len(rows[0])
        fits = all(len(row) <= width for row in rows[1:])
        exact = sum(len(row) == width for row in rows[1:])
        key = (width > 1, fits, exact, width, -order)
        if best is None or key > best[0]:
            best = (key, sep)
    return best[1] if best else ","


def _sample_rows(sample: str, sep: str) -> list[list[str]]:
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
    try:
        for row in itertools.islice(reader, _SNIFF_ROWS * 2):
            if any(row):
                rows.append(row)
            if len(rows) == _SNIFF_ROWS:
                break
    except csv.Error:
        pass  # a cut-off quote or an oversized field: judge on what parsed
    return rows


def _read_delimited(
    text: str, delimiter: str | None, label: str, *, header_only: bool = False
) -> tuple[pd.DataFrame, np.ndarray]:
    body, offset = _skip_leading_blank_lines(text)
    if not body.strip():
        return pd.DataFrame(dtype=object), np.empty(0, dtype=np.int64)
    sep = _delimiter(delimiter, body, label)
    try:
        # The C parser with header=None makes the header line fix the width, so a wider row
        # is an error rather than a silently invented index column. skip_blank_lines=False keeps
        # one frame row per record, so the frame position gives the row number.
        parsed = pd.read_csv(
            io.StringIO(body),
            sep=sep,
            header=None,
            dtype=object,
            na_values=[""],
            keep_default_na=False,
            skip_blank_lines=False,
            quotechar='"',
            doublequote=True,
            engine="c",
            nrows=1 if header_only else None,
        )
    except pd.errors.ParserError as exc:
        raise _explain_parse_error(body, sep, offset, label, exc) from None
    values = parsed.to_numpy(dtype=object, copy=True)  # copy-on-write views are read-only
    empty = pd.isna(values)
    values[empty] = None
    keep = ~empty[1:].all(axis=1)
    numbers = (np.arange(len(values) - 1, dtype=np.int64) + 2 + offset)[keep]
    frame = pd.DataFrame(values[1:][keep], columns=clean_headers(values[0]), dtype=object)
    return frame, numbers


def _explain_parse_error(
    body: str, sep: str, offset: int, label: str, exc: pd.errors.ParserError
) -> SourceError:
    """Re-walk the text with :mod:`csv` to name the record the C parser stumbled on."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, strict=True)
    width: int | None = None
    row_number = offset
    try:
        for row_number, row in enumerate(reader, start=offset + 1):
            if width is None:
                width = len(row)
            elif len(row) > width:
                return SourceError(
                    f"{label}: row {row_number} has {len(row)} fields but the header has "
                    f"{width}; fix the row or quote the field that contains the delimiter"
                )
    except csv.Error:
        return SourceError(
            f"{label}: row {row_number + 1} has a quoted field that is never closed; "
            'add the missing " or check the delimiter: and quoting'
        )
    reason = str(exc).strip().splitlines()[0].removeprefix("Error tokenizing data. C error: ")
    reason = reason[:200]
    return SourceError(
        f"{label}: cannot parse the file ({reason}); check the delimiter: and quoting"
    )


# --- Excel ----------------------------------------------------------------------------------

_SheetRows = tuple[str, list[str | None], list[list[str | None]], list[int]]


def _excel_sheets(
    path: Path, sheet: str | None, label: str, headers_only: bool
) -> list[_SheetRows]:
    """Read the selected sheets: (name, header cells, data rows, row numbers) for each."""
    _check_readable(path, label)
    # the file is opened here, not by openpyxl: some openpyxl releases leave their own handle
    # open after a failed load or in read-only mode
    with path.open("rb") as handle:
        return _excel_sheets_from(handle, sheet, label, headers_only)


def _excel_sheets_from(
    handle: BinaryIO, sheet: str | None, label: str, headers_only: bool
) -> list[_SheetRows]:
    workbook = open_workbook(handle, label)
    current: str | None = None
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            selected = names[:1]
        elif sheet == "*":
            selected = names
        elif sheet in names:
            selected = [sheet]
        else:
            available = ", ".join(name[:40] for name in names[:50])
            raise SourceError(
                f"{label}: no sheet named {shown(sheet, 100)}; available sheets: {available}"
                f"{', ...' if len(names) > 50 else ''}; set sheet: to one of them, or to '*' "
                "for all"
            )
        read = []
        for current in selected:
            read.append(_read_sheet(workbook[current], current, headers_only))
    except SourceError:
        raise
    except Exception as exc:  # openpyxl surfaces damaged XML as assorted exception types
        raise workbook_error(exc, handle, label, current) from None
    finally:
        workbook.close()
    if sheet == "*":
        non_empty = [one for one in read if one[1]]
        return non_empty or read[:1]
    return read


def _read_sheet(worksheet: Any, name: str, headers_only: bool) -> _SheetRows:
    if not hasattr(worksheet, "iter_rows"):  # a chart sheet holds no cells
        return name, [], [], []
    # Files written by some tools carry a wrong <dimension>; without the reset, read-only
    # mode would trust it and cut rows or columns off.
    worksheet.reset_dimensions()
    header: list[str | None] = []
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = [excel_text(value) for value in values]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            continue
        if not header:
            header = cells
            if headers_only:
                break
            continue
        rows.append(cells)
        numbers.append(number)
    width = max([len(header), *(len(row) for row in rows)])
    header += [None] * (width - len(header))
    for row in rows:
        row += [None] * (width - len(row))
    return name, header, rows, numbers


def excel_text(value: object) -> str | None:
    """Render one Excel cell value as the text a user would type for it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 912345678.0 is a phone number typed into a number cell, not a decimal.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        value = _round_to_second(value)  # Excel stores fractions of a day; drop float noise
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _round_to_second(datetime.combine(date(2000, 1, 1), value)).strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value)


def _round_to_second(value: datetime) -> datetime:
    rounded = value.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if value.microsecond >= 500_000 else rounded


# --- JSON -----------------------------------------------------------------------------------


class _Number(str):
    """A JSON number kept exactly as written (``0.10`` stays ``0.10``, big ints stay exact)."""


def _read_json(
    text: str, label: str, *, lines: bool
) -> tuple[list[str], list[list[str | None]], list[int]]:
    records = _jsonl_records(text, label) if lines else _json_records(text, label)
    keys: dict[str, None] = {}
    flat_records: list[dict[str, str | None]] = []
    numbers: list[int] = []
    for number, record in records:
        flat: dict[str, str | None] = {}
        _flatten(record, "", flat)
        keys.update(dict.fromkeys(flat))
        flat_records.append(flat)
        numbers.append(number)
    names = list(keys)
    rows = [[flat.get(name) for name in names] for flat in flat_records]
    keep = [index for index, row in enumerate(rows) if any(cell is not None for cell in row)]
    return names, [rows[index] for index in keep], [numbers[index] for index in keep]


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=_Number, parse_int=_Number, parse_constant=_Number)


def _json_records(text: str, label: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        document = _loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{label}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}); "
            "fix the file or export it again"
        ) from None
    except RecursionError:
        raise SourceError(f"{label}: JSON nested too deeply to read") from None
    records = document
    if isinstance(document, dict):
        lists = [key for key, value in document.items() if isinstance(value, list)]
        of_objects = [
            key
            for key in lists
            if document[key] and all(isinstance(x, dict) for x in document[key])
        ]
        chosen = of_objects if len(of_objects) == 1 else lists if len(lists) == 1 else []
        if not chosen:
            raise SourceError(
                f"{label}: expected an array of objects, or an object holding exactly one array "
                f"of objects (found {len(of_objects)}); export the records as one array"
            )
        records = document[chosen[0]]
    if not isinstance(records, list):
        raise SourceError(f"{label}: expected an array of objects; export the records as one array")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise SourceError(
                f"{label}: record {number} is not an object; expected an array of objects"
            )
        yield number, record


def _jsonl_records(text: str, label: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # split("\n"), not splitlines(): a JSON string may legally hold U+2028 and friends.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = _loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"{label}: line {number} is not valid JSON (column {exc.colno}: {exc.msg}); "
                "fix or remove that line"
            ) from None
        except RecursionError:
            raise SourceError(f"{label}: line {number} is nested too deeply to read") from None
        if not isinstance(record, dict):
            raise SourceError(
                f"{label}: line {number} is not a JSON object; put one object per line"
            )
        yield number, record


def _flatten(record: dict[str, Any], prefix: str, out: dict[str, str | None]) -> None:
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _flatten(value, f"{name}.", out)
        else:
            out[name] = _json_text(value)


def _json_text(value: object) -> str | None:
    if value is None or value == {} or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str.__str__(value)  # a plain str, also for _Number
    return _compact(value)


def _compact(value: object) -> str:
    """Compact JSON text that writes numbers exactly as the source did."""
    if isinstance(value, _Number):
        return str.__str__(value)
    if isinstance(value, list):
        return "[" + ",".join(_compact(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{json.dumps(key, ensure_ascii=False)}:{_compact(v)}" for key, v in value.items())
        return "{" + ",".join(items) + "}"
    return json.dumps(value, ensure_ascii=False)
