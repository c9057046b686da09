"""read_table / read_headers on delimited text, and expand_paths."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from crmmigrate.errors import SourceError
from crmmigrate.extract.readers import (
    expand_paths,
    read_headers,
    read_table,
    sniff_delimiter,
)

from .conftest import WriteFile


def cells(path: Path, **options: str) -> list[list[str | None]]:
    (table,) = read_table(path, **options)
    return table.frame.to_numpy(dtype=object).tolist()


def test_every_cell_is_text_as_written(write: WriteFile) -> None:
    path = write("a.csv", "id,phone,note,zip\n0012,0912345678,NA,07302\n2,+886 2,null, x \n")
    (table,) = read_table(path)
    assert table.headers == ["id", "phone", "note", "zip"]
    assert table.frame.to_numpy(dtype=object).tolist() == [
        ["0012", "0912345678", "NA", "07302"],
        ["2", "+886 2", "null", " x "],
    ]
    assert all(dtype == np.dtype("O") for dtype in table.frame.dtypes)
    assert all(type(value) is str for value in table.frame.to_numpy().ravel())
    assert table.encoding == "utf-8"
    assert table.sheet is None
    assert table.path == path
    assert table.row_numbers.dtype == np.int64
    assert table.row_numbers.tolist() == [2, 3]


def test_only_empty_strings_become_none(write: WriteFile) -> None:
    path = write("a.csv", 'a,b,c\n,"",x\n" ",\t,\n')
    assert cells(path) == [[None, None, "x"], [" ", "\t", None]]


@pytest.mark.parametrize("sep", [",", "\t", ";", "|"])
def test_delimiter_is_sniffed(write: WriteFile, sep: str) -> None:
    other = {",": ";", "\t": ",", ";": ",", "|": ","}[sep]  # a non-delimiter inside a value
    rows = ["id", "name", "city"], ["1", f"Chan{other} Tai Man", "臺北市"], ["2", "Li", ""]
    path = write("a.txt", "".join(sep.join(row) + "\n" for row in rows))
    (table,) = read_table(path)
    assert table.headers == ["id", "name", "city"]
    assert cells(path) == [["1", f"Chan{other} Tai Man", "臺北市"], ["2", "Li", None]]


def test_sniffing_prefers_the_delimiter_that_keeps_rows_consistent() -> None:
    assert sniff_delimiter("a;b;c\n1;x,y;2\n3;z;4\n") == ";"
    assert sniff_delimiter("name,notes\nBob,hi; there|x\n") == ","
    # One column with commas in values: a delimiter that never occurs keeps each line whole.
    assert sniff_delimiter("notes\nhello, world\nbye\n") == "\t"
    assert sniff_delimiter("email\n") == ","


def test_one_column_file_with_commas_in_values(write: WriteFile) -> None:
    path = write("notes.csv", "notes\nhello, world\nbye\n")
    assert cells(path) == [["hello, world"], ["bye"]]


def test_delimiter_option_overrides_sniffing(write: WriteFile) -> None:
    path = write("a.csv", "a;b,c\n1;2,3\n")
    assert read_table(path, delimiter=",")[0].headers == ["a;b", "c"]
    assert read_table(path, delimiter=";")[0].headers == ["a", "b,c"]
    tabbed = write("t.csv", "a\tb\n1\t2\n")
    assert read_table(tabbed, delimiter="tab")[0].headers == ["a", "b"]


def test_bad_delimiter_option(write: WriteFile) -> None:
    path = write("a.csv", "a,b\n")
    with pytest.raises(SourceError) as caught:
        read_table(path, delimiter=";;")
    assert str(caught.value) == (
        f"{path}: delimiter: must be one character, got 2; "
        "use e.g. delimiter: ';' or delimiter: tab"
    )


def test_quoted_delimiters_and_embedded_newlines_keep_row_numbers(write: WriteFile) -> None:
    text = (
        'id,address,note\r\n1,"12, Main St\r\nFloor 3",a\r\n2,"x ""y""",\r\n'
        '\r\n3,"one\ntwo\nthree",c\r\n'
    )
    (table,) = read_table(write("a.csv", text))
    assert table.frame.to_numpy(dtype=object).tolist() == [
        ["1", "12, Main St\r\nFloor 3", "a"],
        ["2", 'x "y"', None],
        ["3", "one\ntwo\nthree", "c"],
    ]
    # Spreadsheet rows, as Excel shows the file: a multi-line record is one row; the blank
    # record (row 4) is dropped but still counted.
    assert table.row_numbers.tolist() == [2, 3, 5]


def test_empty_rows_are_dropped_without_renumbering(write: WriteFile) -> None:
    path = write("a.csv", "\n\nid,name\n1,a\n,\n\n2,b\n")
    (table,) = read_table(path)
    assert table.headers == ["id", "name"]
    assert table.frame.to_numpy(dtype=object).tolist() == [["1", "a"], ["2", "b"]]
    assert table.row_numbers.tolist() == [4, 7]


def test_short_rows_are_padded(write: WriteFile) -> None:
    assert cells(write("a.csv", "a,b,c\n1\n2,3\n")) == [["1", None, None], ["2", "3", None]]


def test_long_row_is_an_error_naming_the_row(write: WriteFile) -> None:
    path = write("a.csv", 'id,name\n1,"multi\nline"\n2,Chan, Tai Man\n')
    with pytest.raises(SourceError) as caught:
        read_table(path, label="samples/a.csv")
    assert str(caught.value) == (
        "samples/a.csv: row 3 has 3 fields but the header has 2; "
        "fix the row or quote the field that contains the delimiter"
    )
    assert "Chan" not in str(caught.value)


def test_long_first_data_row_is_an_error_not_an_index(write: WriteFile) -> None:
    with pytest.raises(SourceError, match=r"^a\.csv: row 2 has 3 fields but the header has 2;"):
        read_table(write("a.csv", "a,b\n1,2,3\n"), label="a.csv")


def test_unclosed_quote(write: WriteFile) -> None:
    path = write("a.csv", 'a,b\n1,2\n3,"never closed\n4,5\n')
    with pytest.raises(SourceError) as caught:
        read_table(path, label="a.csv")
    assert str(caught.value) == (
        "a.csv: row 3 has a quoted field that is never closed; "
        'add the missing " or check the delimiter: and quoting'
    )


def test_headers_are_cleaned(write: WriteFile) -> None:
    path = write("a.csv", "\ufeff\ufeff Name ,,Name,Name_2,ï»¿email\t,Name\n1,2,3,4,5,6\n")
    expected = ["Name", "column_2", "Name_3", "Name_2", "email", "Name_4"]
    assert read_table(path)[0].headers == expected
    assert read_headers(path) == {None: expected}


def test_header_only_file_has_no_rows(write: WriteFile) -> None:
    (table,) = read_table(write("a.csv", "id;name\n"))
    assert table.headers == ["id", "name"]
    assert len(table.frame) == 0
    assert table.row_numbers.tolist() == []


def test_blank_file_has_no_headers(write: WriteFile) -> None:
    (table,) = read_table(write("a.csv", "\n \n"))
    assert table.headers == []
    assert len(table.frame) == 0
    assert read_headers(write("b.csv", "\r\n")) == {None: []}


def test_zero_byte_file(write: WriteFile) -> None:
    path = write("a.csv", b"")
    with pytest.raises(SourceError) as caught:
        read_table(path, label="in/a.csv")
    assert str(caught.value) == "in/a.csv: file is empty"


def test_big5_file_records_its_encoding(write: WriteFile) -> None:
    path = write("a.csv", "姓名,城市\n陳大文,臺北市\n".encode("cp950"))
    (table,) = read_table(path)
    assert table.encoding == "cp950"
    assert table.frame.to_numpy(dtype=object).tolist() == [["陳大文", "臺北市"]]
    assert read_table(path, encoding="big5")[0].encoding == "big5"


def test_utf16_tab_separated(write: WriteFile) -> None:
    path = write("a.tsv", "\ufeffid\tname\n1\t陈大文\n".encode("utf-16-le"))
    (table,) = read_table(path)
    assert (table.headers, table.encoding) == (["id", "name"], "utf-16")
    assert cells(path) == [["1", "陈大文"]]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "a.xls",
            "a.xls: old .xls workbooks are not supported; open it in Excel and save it as .xlsx "
            "(supported: .csv .txt .tsv .tab .xlsx .xlsm .json .jsonl .ndjson)",
        ),
        (
            "a.parquet",
            "a.parquet: unsupported file type .parquet; "
            "supported: .csv .txt .tsv .tab .xlsx .xlsm .json .jsonl .ndjson",
        ),
    ],
)
def test_unsupported_extension(write: WriteFile, name: str, message: str) -> None:
    path = write(name, b"x")
    with pytest.raises(SourceError) as caught:
        read_table(path, label=name)
    assert str(caught.value) == message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_table(tmp_path / "nope.csv", label="nope.csv")
    assert str(caught.value) == "nope.csv: file not found; check path: in the config"
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(SourceError) as caught:
        read_table(tmp_path / "dir.csv", label="dir.csv")
    assert str(caught.value) == "dir.csv: is a directory, not a file; check path: in the config"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(write: WriteFile) -> None:
    path = write("a.csv", "a\n1\n")
    path.chmod(0)
    with pytest.raises(SourceError) as caught:
        read_table(path, label="a.csv")
    assert str(caught.value) == "a.csv: permission denied; check the file's permissions"


def test_expand_paths_sorts_glob_matches(tmp_path: Path) -> None:
    for name in ["b.csv", "a.csv", "c.txt", "sub/d.csv", "~$lock.csv"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x\n")
    assert expand_paths("*.csv", tmp_path) == [tmp_path / "a.csv", tmp_path / "b.csv"]
    assert expand_paths("**/*.csv", tmp_path) == [
        tmp_path / "a.csv",
        tmp_path / "b.csv",
        tmp_path / "sub/d.csv",
    ]
    assert expand_paths("[ab].csv", tmp_path)[0].name == "a.csv"
    assert expand_paths("c.txt", tmp_path) == [tmp_path / "c.txt"]
    assert expand_paths(str(tmp_path / "a.csv"), Path("/elsewhere")) == [tmp_path / "a.csv"]


def test_expand_paths_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        expand_paths("exports/*.csv", tmp_path)
    assert (
        str(caught.value) == f"exports/*.csv: no file matches; check path: (relative to {tmp_path})"
    )
    with pytest.raises(SourceError) as caught:
        expand_paths("exports/a.csv", tmp_path)
    assert str(caught.value) == "exports/a.csv: file not found; check path: in the config"


def test_permission_denied_even_as_root(write: WriteFile, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("a.csv", "a\n1\n")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(SourceError) as caught:
        read_table(path, label="a.csv")
    assert str(caught.value) == "a.csv: permission denied; check the file's permissions"
