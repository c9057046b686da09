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
    DateOrderEvidence,
    DuplicateRows,
    DuplicateValues,
    PatternCount,
    ProfileReport,
    ValueCount,
    infer_type,
    match_keys,
    profile_files,
    profile_values,
    render_html,
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
        (["1.5", "0.25", "-3.75e2"], "number"),
        (["NT$1,200", "300元", "US$ 12.50", "1.5"], "money"),
        (["https://example.com/a", "www.acme.com.tw", "shop.example.org"], "url"),
        (["王小明", "歐陽娜娜", "李四", "Mary O'Brien", "Chan Tai Man"], "person_name"),
        (
            ["台灣積體電路製造股份有限公司", "Acme Co., Ltd.", "Global Inc.", "大同商行"],
            "company_name",
        ),
        (["臺北市", "新北市", "中山路"], "text"),  # places are not names
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


def test_picklist_of_cjk_words_is_not_names() -> None:
    values = pa.array(["已成交", "流失", "潛在"])
    assert infer_type(values, np.array([40, 30, 30])) == "text"


@pytest.mark.parametrize(
    ("kind_", "values", "keys"),
    [
        (
            "phone",
            ["+886 912-345-678", "0912345678", "02-2345-6789 #12"],
            ["912345678", "912345678", "223456789"],
        ),
        ("email", [" Ann@Example.COM ", "ann@example.com"], ["ann@example.com", "ann@example.com"]),
        ("id", ["c-0001", "C 0001", "  "], ["c0001", "c0001", None]),
    ],
)
def test_match_keys(kind_: str, values: list[str], keys: list[str | None]) -> None:
    assert match_keys(pa.array(values), kind_).to_pylist() == keys


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# Quirks: Bob's email differs only by case and spaces, his phone only by the country code;
# row 4 repeats row 2 under another customer id (an exact duplicate once normalised).
CUSTOMERS = (
    "Customer ID,Name,Email,Phone,Joined\n"
    "1,Ann Lee,ann@example.com,0912-345-678,25/04/2020\n"
    "2,Bob Chan,bob@example.com,0922-111-222,03/04/2021\n"
    "3,Cy Wu, BOB@example.com ,+886 922 111 222,13/12/2019\n"
    "4,bob chan,bob@example.com,0922-111-222,03/04/2021\n"
)


def test_duplicates_and_date_order(tmp_path: Path) -> None:
    write_csv(tmp_path / "customers.csv", CUSTOMERS)
    (table,) = profile_files(["customers.csv"], base_dir=tmp_path).files[0].tables
    by_name = {c.name: c for c in table.columns}
    assert by_name["Email"].duplicates == DuplicateValues(1, 3)
    assert by_name["Phone"].duplicates == DuplicateValues(1, 3)
    assert by_name["Name"].type == "person_name"
    assert table.duplicate_rows == DuplicateRows(1, 2, "Customer ID")
    joined = by_name["Joined"]
    assert joined.type == "date"
    assert joined.date_order == DateOrderEvidence(2, 0, "DMY", False)


def test_contradictory_date_order(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", "When\n25/04/2020\n04/25/2020\n03/04/2021\n")
    (column,) = profile_files(["d.csv"], base_dir=tmp_path).files[0].tables[0].columns
    assert column.date_order == DateOrderEvidence(1, 1, "contradictory", False)
    assert column.duplicates is None


def test_similar_columns_across_files(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "a.csv",
        "會員編號,手機,Notes\nM1,0912-345-678,x\nM2,0922-111-222,y\nM3,0933-000-111,z\n",
    )
    write_csv(
        tmp_path / "b.csv",
        "Contact ID,Mobile,Remarks\nK9,+886 912 345 678,q\nK8,0922111222,r\nK7,0955-999-888,s\n",
        encoding="cp950",
    )
    report = profile_files(["a.csv", "b.csv"], base_dir=tmp_path)
    pairs = [(s.left.column, s.right.column, s.type, s.basis) for s in report.similar]
    assert ("手機", "Mobile", "phone", "values+header") in pairs
    phone = next(s for s in report.similar if s.left.column == "手機")
    assert (phone.overlap, phone.jaccard) == (round(2 / 3, 3), 0.5)
    assert all(
        s.left.path.endswith("a.csv") and s.right.path.endswith("b.csv") for s in report.similar
    )
    assert ("會員編號", "Contact ID") not in [(a, b) for a, b, _, _ in pairs]  # no shared ids
    assert "0912" not in json.dumps(report.to_dict())


def test_single_file_has_no_similar_columns(tmp_path: Path) -> None:
    write_csv(tmp_path / "customers.csv", CUSTOMERS)
    assert profile_files(["customers.csv"], base_dir=tmp_path).similar == ()


def test_top_values_only_on_request(tmp_path: Path) -> None:
    write_csv(tmp_path / "customers.csv", CUSTOMERS)
    hidden = profile_files(["customers.csv"], base_dir=tmp_path)
    assert all(c.top_values is None for c in hidden.files[0].tables[0].columns)
    shown = profile_files(["customers.csv"], base_dir=tmp_path, show_values=True)
    email = shown.files[0].tables[0].columns[2]
    assert email.top_values[0] == ValueCount("bob@example.com", 2)


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    write_csv(tmp_path / "x.csv", "<b>Name</b>,Email\nAnn Lee,ann@example.com\n")
    report = profile_files(["x.csv"], base_dir=tmp_path)
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<b>Name</b>" not in page and "&lt;b&gt;Name&lt;/b&gt;" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "ann@example.com" not in page
    assert "ann@example.com" in render_html(
        profile_files(["x.csv"], base_dir=tmp_path, show_values=True)
    )
    assert isinstance(report, ProfileReport)


def test_csv_fast_path_keeps_text_and_drops_empty_rows(tmp_path: Path) -> None:
    write_csv(tmp_path / "z.csv", '\n\nCode,Note\n0012,"a\nb"\n,\n0012,c\n')
    (table,) = profile_files(["z.csv"], base_dir=tmp_path, show_values=True).files[0].tables
    assert table.rows == 2
    code, note = table.columns
    assert code.top_values == (ValueCount("0012", 2),)
    assert note.patterns[0].pattern in ("a a", "a")


def test_ragged_csv_is_the_extract_error(tmp_path: Path) -> None:
    write_csv(tmp_path / "r.csv", "a,b\n1,2\n3,4,5\n")
    with pytest.raises(SourceError, match=r"row 3 has 3 fields but the header has 2"):
        profile_files(["r.csv"], base_dir=tmp_path)
