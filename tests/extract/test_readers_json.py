"""read_table / read_headers on JSON arrays and JSON Lines."""

from __future__ import annotations

import pytest

from crmmigrate.errors import SourceError
from crmmigrate.extract.readers import read_headers, read_table

from .conftest import WriteFile

NESTED = """[
  {"id": 7, "name": "陳大文", "balance": 0.10, "big": 12345678901234567890, "exp": 1E5,
   "vip": true, "fax": null, "tags": ["a", 1, 2.50, {"k": null}], "note": "",
   "address": {"city": "臺北市", "geo": {"lat": 25.0330}}, "extra": {}},
  {"id": "0012", "vip": false, "address": {"city": "高雄市"}, "phone": "0912345678"},
  {}
]"""


def test_nested_objects_flatten_and_numbers_stay_as_written(write: WriteFile) -> None:
    (table,) = read_table(write("c.json", NESTED))
    assert table.headers == [
        "id",
        "name",
        "balance",
        "big",
        "exp",
        "vip",
        "fax",
        "tags",
        "note",
        "address.city",
        "address.geo.lat",
        "extra",
        "phone",
    ]
    rows = table.frame.to_dict("records")
    assert rows[0] == {
        "id": "7",
        "name": "陳大文",
        "balance": "0.10",
        "big": "12345678901234567890",
        "exp": "1E5",
        "vip": "true",
        "fax": None,
        "tags": '["a",1,2.50,{"k":null}]',
        "note": None,
        "address.city": "臺北市",
        "address.geo.lat": "25.0330",
        "extra": None,
        "phone": None,
    }
    assert rows[1]["id"] == "0012"
    assert rows[1]["vip"] == "false"
    assert rows[1]["phone"] == "0912345678"
    assert all(type(v) is str for row in rows for v in row.values() if v is not None)
    # The empty third record is dropped; row numbers are 1-based record indexes.
    assert table.row_numbers.tolist() == [1, 2]
    assert (table.encoding, table.sheet) == ("utf-8", None)


def test_object_holding_one_array(write: WriteFile) -> None:
    path = write(
        "c.json", '{"exported": "2024-01-01", "tags": ["x"], "customers": [{"id": 1}, {"id": 2}]}'
    )
    (table,) = read_table(path)
    assert table.frame.to_numpy(dtype=object).tolist() == [["1"], ["2"]]
    assert read_headers(path) == {None: ["id"]}


def test_empty_array(write: WriteFile) -> None:
    (table,) = read_table(write("c.json", "[]"))
    assert (table.headers, len(table.frame)) == ([], 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[{"id": 1},\n {"id": 2,}]',
            "c.json: not valid JSON at line 2, column 11 (Expecting property name enclosed in "
            "double quotes); fix the file or export it again",
        ),
        (
            '{"a": [{"id": 1}], "b": [{"id": 2}]}',
            "c.json: expected an array of objects, or an object holding exactly one array "
            "of objects (found 2); export the records as one array",
        ),
        ('"text"', "c.json: expected an array of objects; export the records as one array"),
        (
            '[{"id": 1}, ["secret"]]',
            "c.json: record 2 is not an object; expected an array of objects",
        ),
    ],
)
def test_json_errors(write: WriteFile, text: str, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        read_table(write("c.json", text), label="c.json")
    assert str(caught.value) == message


def test_json_lines_use_line_numbers(write: WriteFile) -> None:
    text = '{"id": 1, "a": {"b": 2}}\n\n{"id": "x\\u2028y", "c": [1]}\r\n{"id": null}\n'
    (table,) = read_table(write("c.jsonl", text))
    assert table.headers == ["id", "a.b", "c"]
    assert table.frame.to_numpy(dtype=object).tolist() == [
        ["1", "2", None],
        ["x\u2028y", None, "[1]"],
    ]
    assert table.row_numbers.tolist() == [1, 3]


def test_json_lines_raw_line_separator_inside_a_string(write: WriteFile) -> None:
    # U+2028 is legal unescaped inside a JSON string; it must not split the line.
    (table,) = read_table(write("c.ndjson", '{"n": "a\u2028b"}\n{"n": "c"}\n'))
    assert table.frame["n"].tolist() == ["a\u2028b", "c"]
    assert table.row_numbers.tolist() == [1, 2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"id": 1}\n{"id": 2\n',
            "c.jsonl: line 2 is not valid JSON (column 9: Expecting ',' delimiter); "
            "fix or remove that line",
        ),
        ('{"id": 1}\n\n[1, 2]\n', "c.jsonl: line 3 is not a JSON object; put one object per line"),
    ],
)
def test_json_lines_errors(write: WriteFile, text: str, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        read_table(write("c.jsonl", text), label="c.jsonl")
    assert str(caught.value) == message


def test_duplicate_keys_after_cleaning(write: WriteFile) -> None:
    (table,) = read_table(write("c.json", '[{"Name": "a", " Name ": "b", "": "c"}]'))
    assert table.headers == ["Name", "Name_2", "column_3"]
    assert table.frame.to_numpy(dtype=object).tolist() == [["a", "b", "c"]]
