"""The data inventory: patterns, inferred types and counts, without any cell value."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from crmmigrate.errors import SourceError
from crmmigrate.profiling import (
    PATTERN_MAX_CHARS,
    PatternCount,
    infer_type,
    profile_files,
    profile_values,
    value_patterns,
)


def patterns(*values: str) -> list[str]:
    return value_patterns(pa.array(values, type=pa.string())).to_pylist()


def kind(*values: str) -> str:
    return infer_type(pa.array(values, type=pa.string()), np.ones(len(values)))


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("0912-345-678", "9999-999-999"),
        ("Alice@mail.com", "Aaaaa@aaaa.aaa"),
        ("王小明", "漢漢漢"),
        ("台北市信義路5段7號", "漢漢漢漢漢漢9漢9漢"),
        ("ｊｏｈｎ＠ｇｍａｉｌ", "aaaa＠aaaaa"),  # full-width letters: lower-case letters
        ("１２３", "999"),  # full-width digits are digits
        ("Émile Zoë", "Aaaaa Aaa"),
        ("さくら 김", "漢漢漢 漢"),  # kana and hangul count as CJK
        ("(02)2345-6789 #12", "(99)9999-9999 #99"),
        ("a\tb\nc", "a a a"),  # control characters become spaces
    ],
)
def test_value_patterns(value: str, shape: str) -> None:
    assert patterns(value) == [shape]


def test_long_patterns_are_cut() -> None:
    (shape,) = patterns("x" * 100)
    assert shape == "a" * (PATTERN_MAX_CHARS - 1) + "…"
    assert len(shape) == PATTERN_MAX_CHARS


def test_patterns_of_a_sliced_array() -> None:
    values = pa.array(["abc", "12", "Z"]).slice(1)
    assert value_patterns(values).to_pylist() == ["99", "A"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", "25", "-3", "1,200"], "integer"),
        (["1.5", "0.25", "NT$1,200", "300元"], "number"),
        (["2024-01-31", "2023/1/5", "31/01/2024", "20240131", "12 Mar 2024"], "date"),
        (["113/01/31", "民國88年1月2日", "1130131", "99.12.31"], "roc_date"),
        (["a@b.com", "X.Y@foo.com.tw", "not-an-email"], "email"),
        (["0912-345-678", "+886 2 2345 6789", "(02)2345-6789", "0223456789"], "phone"),
        (["12345-6789", "SW1A 1AA", "K1A 0B6"], "postal_code"),
        (["C0001", "A-12", "0012"], "id"),
        (["100234", "100235", "100236"], "id"),  # same-width whole numbers: identifiers
        (["hello", "world", "N/A"], "text"),
    ],
)
def test_infer_type(values: list[str], expected: str) -> None:
    assert kind(*values) == expected


def test_majority_of_cells_wins() -> None:
    values = pa.array(["a@b.com", "x", "y"])
    assert infer_type(values, np.array([10, 1, 1])) == "email"
    assert infer_type(values, np.array([1, 1, 1])) == "text"


def test_profile_values_counts() -> None:
    series = pd.Series(
        ["0912-345-678", "0912-345-678", None, "  ", "0933-111-222", "(02)2345-6789"],
        dtype=object,
    )
    blank, distinct, kind_, top = profile_values(series)
    assert (blank, distinct, kind_) == (2, 3, "phone")
    assert top == (PatternCount("9999-999-999", 3), PatternCount("(99)9999-9999", 1))


def test_empty_column() -> None:
    assert profile_values(pd.Series([None, " ", ""], dtype=object)) == (3, 0, "empty", ())


def test_top_patterns_are_three_and_ties_sorted() -> None:
    series = pd.Series(["a", "1", "A", "aa", "11", "a"], dtype=object)
    _, _, _, top = profile_values(series)
    assert [(p.pattern, p.count) for p in top] == [("a", 2), ("9", 1), ("99", 1)]


def test_profile_csv_never_holds_values(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(
        "會員編號,姓名,手機,Email\nM001,王小明,0912-345-678,wang@example.com\n"
        "M002,陳大文,0933 111 222,\nM003,,,chan@example.com\n",
        encoding="utf-8",
    )
    report = profile_files([str(path)])
    (file,) = report.files
    assert (file.format, file.encoding, file.sheets) == ("csv", "utf-8", [])
    (table,) = file.tables
    assert (table.rows, table.object) == (3, "contacts")
    by_name = {c.name: c for c in table.columns}
    assert by_name["會員編號"].suggested == "external_id"
    assert by_name["姓名"].suggested == "full_name"
    assert (by_name["手機"].type, by_name["手機"].blank, by_name["手機"].distinct) == (
        "phone",
        1,
        2,
    )
    assert by_name["Email"].type == "email"
    text = json.dumps(report.to_dict(), ensure_ascii=False)
    for value in ("王小明", "陳大文", "0912-345-678", "wang@example.com", "M001"):
        assert value not in text


def test_profile_expands_globs_and_reads_every_sheet(tmp_path: Path) -> None:
    for month in ("01", "02"):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "訂單"
        sheet.append(["訂單編號", "訂購日期", "金額"])
        sheet.append([f"SO-{month}-1", f"2025-{month}-03", 480])
        book.create_sheet("備註").append(["note"])
        book.save(tmp_path / f"orders_2025-{month}.xlsx")
    report = profile_files(["orders_2025-*.xlsx"], base_dir=tmp_path)
    assert [Path(f.path).name for f in report.files] == [
        "orders_2025-01.xlsx",
        "orders_2025-02.xlsx",
    ]
    first = report.files[0]
    assert (first.format, first.encoding, first.sheets) == ("excel", None, ["訂單", "備註"])
    assert first.tables[0].object == "orders"
    assert [c.type for c in first.tables[0].columns] == ["id", "date", "integer"]
    only = profile_files(["orders_2025-01.xlsx"], base_dir=tmp_path, sheet="訂單")
    assert only.files[0].sheets == ["訂單"]


def test_missing_file_is_the_extract_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"nope\.csv: file not found"):
        profile_files(["nope.csv"], base_dir=tmp_path)
    with pytest.raises(SourceError, match=r"\*\.csv: no file matches"):
        profile_files(["*.csv"], base_dir=tmp_path)
