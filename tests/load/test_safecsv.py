"""Formula injection: what is neutralised, what is left as data, and write_csv end to end."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from crmmigrate.safecsv import neutralise, neutralise_series, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("+1 (555) 010-0000", "'+1 (555) 010-0000"),  # not a plain number
        ("-1+2", "'-1+2"),
        ("\t=1", "'\t=1"),
        ("\rx", "'\rx"),
        ("-", "'-"),
        ("+", "'+"),
        # Plain numbers are data, not formulas: amounts and E.164 phones stay intact.
        ("+886912345678", "+886912345678"),
        ("-12.50", "-12.50"),
        ("12", "12"),
        # Ordinary text and non-strings pass through.
        ("陳大文", "陳大文"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (3.5, 3.5),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_neutralise_is_idempotent():
    for value in ("=1+1", "@x", "-1+2", "+886912345678"):
        assert neutralise(neutralise(value)) == neutralise(value)


def test_series_keeps_missing_and_numbers():
    column = pd.Series(["=1", None, "ok", "=1", np.nan])
    out = neutralise_series(column)
    assert [out.iloc[i] for i in (0, 2, 3)] == ["'=1", "ok", "'=1"]
    assert out.isna().tolist() == [False, True, False, False, True]
    numbers = pd.Series([-1.5, 2.0])
    assert neutralise_series(numbers) is numbers


def test_write_csv_neutralises_cells_and_headers(tmp_path):
    frame = pd.DataFrame(
        {"name": ["=cmd|' /C calc'!A0", "Mary"], "=bad": ["-12.50", None], "n": [1, 2]}
    )
    path = write_csv(frame, tmp_path / "out.csv")

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["name", "'=bad", "n"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-12.50", "1"]
    assert rows[2] == ["Mary", "", "2"]
    assert frame.loc[0, "name"].startswith("=")  # the caller's frame is not modified
