"""read_table / read_headers on .xlsx workbooks written by the tests with openpyxl."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from crmmigrate.errors import SourceError
from crmmigrate.extract.readers import excel_text, read_headers, read_table

from .conftest import WriteFile


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Three sheets. "Customers": row 1 empty, the header on row 2, typed cells, an empty row 5
    and an empty trailing row 7. "Notes": a header and one row. "Empty": nothing."""
    book = openpyxl.Workbook()
    customers = book.active
    assert customers is not None
    customers.title = "Customers"
    customers.append([])
    customers.append(["name", "phone", "mobile", "born", "updated", "active", "at", "score"])
    customers.append(
        [
            "陳大文",
            "0912345678",
            912345678.0,
            date(1980, 5, 17),
            datetime(2024, 1, 2, 13, 45, 6),
            True,
            time(9, 30),
            0.1,
        ]
    )
    customers.append(["Li", None, 42, datetime(2024, 3, 4), datetime(2024, 3, 4, 0, 0, 1), False])
    customers.append([])
    customers.append([" x ", "", None, None, None, None, None, None, None, "extra"])
    customers["A7"] = None  # an empty trailing row that still exists in the sheet XML
    notes = book.create_sheet("Notes")
    notes.append(["id", "note"])
    notes.append([1, "hello"])
    book.create_sheet("Empty")
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def test_first_sheet_by_default(workbook: Path) -> None:
    (table,) = read_table(workbook)
    assert table.sheet == "Customers"
    assert table.encoding is None
    assert table.headers[:8] == [
        "name",
        "phone",
        "mobile",
        "born",
        "updated",
        "active",
        "at",
        "score",
    ]


def test_typed_cells_become_text(workbook: Path) -> None:
    (table,) = read_table(workbook, sheet="Customers")
    rows = table.frame.to_numpy(dtype=object).tolist()
    assert rows[0] == [
        "陳大文",
        "0912345678",
        "912345678",
        "1980-05-17",
        "2024-01-02T13:45:06",
        "TRUE",
        "09:30:00",
        "0.1",
        None,
        None,
    ]
    assert rows[1][:6] == ["Li", None, "42", "2024-03-04", "2024-03-04T00:00:01", "FALSE"]
    # Whitespace is kept, "" is empty, and a value past the last header gets a column_N name.
    assert rows[2] == [" x ", None, None, None, None, None, None, None, None, "extra"]
    assert table.headers[-2:] == ["column_9", "column_10"]
    assert table.row_numbers.tolist() == [3, 4, 6]


def test_header_row_is_the_first_non_empty_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B3"] = "name"
    sheet["C3"] = "phone"
    sheet["B5"] = "Chan"
    sheet["C5"] = "0912"
    path = tmp_path / "offset.xlsx"
    book.save(path)
    (table,) = read_table(path)
    assert table.headers == ["column_1", "name", "phone"]
    assert table.frame.to_numpy(dtype=object).tolist() == [[None, "Chan", "0912"]]
    assert table.row_numbers.tolist() == [5]
    assert read_headers(path) == {"Sheet": ["column_1", "name", "phone"]}


def test_all_sheets_skips_empty_ones(workbook: Path) -> None:
    tables = read_table(workbook, sheet="*")
    assert [table.sheet for table in tables] == ["Customers", "Notes"]
    notes = tables[1]
    assert notes.headers == ["id", "note"]
    assert notes.frame.to_numpy(dtype=object).tolist() == [["1", "hello"]]
    assert notes.row_numbers.tolist() == [2]


def test_named_sheet_and_empty_sheet(workbook: Path) -> None:
    (table,) = read_table(workbook, sheet="Empty")
    assert (table.headers, len(table.frame)) == ([], 0)


def test_missing_sheet_lists_the_available_ones(workbook: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_table(workbook, sheet="Clients", label="in/book.xlsx")
    assert str(caught.value) == (
        "in/book.xlsx: no sheet named 'Clients'; available sheets: Customers, Notes, Empty; "
        "set sheet: to one of them, or to '*' for all"
    )


def test_read_headers_per_sheet(workbook: Path) -> None:
    assert read_headers(workbook, sheet="Notes") == {"Notes": ["id", "note"]}
    headers = read_headers(workbook, sheet="*")
    assert list(headers) == ["Customers", "Notes"]


def test_corrupt_workbook(write: WriteFile) -> None:
    path = write("broken.xlsx", b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(SourceError) as caught:
        read_table(path, label="broken.xlsx")
    assert str(caught.value) == (
        "broken.xlsx: not a valid .xlsx workbook (the file is damaged, encrypted or of another "
        "kind); open it in Excel and save it again as .xlsx"
    )
    renamed_csv = write("renamed.xlsx", "a,b\n1,2\n")
    with pytest.raises(SourceError, match=r"^renamed\.xlsx: not a valid \.xlsx workbook"):
        read_headers(renamed_csv, label="renamed.xlsx")


def test_zero_byte_workbook(write: WriteFile) -> None:
    with pytest.raises(SourceError, match=r"^e\.xlsx: file is empty$"):
        read_table(write("e.xlsx", b""), label="e.xlsx")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        ("0912345678", "0912345678"),
        (912345678.0, "912345678"),
        (1e20, "100000000000000000000"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (7, "7"),
        (True, "TRUE"),
        (False, "FALSE"),
        (datetime(2024, 1, 2), "2024-01-02"),
        (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05"),
        (datetime(2024, 1, 2, 23, 59, 59, 999_999), "2024-01-03"),  # float noise rounds up
        (datetime(2024, 1, 2, 3, 4, 5, 200), "2024-01-02T03:04:05"),
        (date(2024, 1, 2), "2024-01-02"),
        (time(3, 4, 5), "03:04:05"),
        (timedelta(hours=30, minutes=5), "30:05:00"),
    ],
)
def test_excel_text(value: object, text: str | None) -> None:
    assert excel_text(value) == text
