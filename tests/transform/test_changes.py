"""The change log: a column read once (``Cells``) and a row limit log what plain Series would."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmigrate.transform.changes import Cells, ChangeLog, Labels, differs

_IDS = pd.Series([f"s#{i}" for i in range(6)], dtype=object)
_BEFORE = pd.Series(["a", None, "c", float("nan"), 5, "f"], dtype=object)
_AFTER = pd.Series(["a", "b", None, None, "5", "F"], dtype=object)
_RULE = pd.Series(["r1", None, "r2", "r1", "r3", "r1"], dtype=object)


def test_differs_treats_missing_values_alike() -> None:
    assert differs(_BEFORE, _AFTER).tolist() == [False, True, True, False, True, True]


def test_cells_and_rows_log_what_subsets_would() -> None:
    rows = np.array([True, True, False, True, True, True])
    plain, cells = ChangeLog(), ChangeLog()
    plain.record(_IDS[rows], "contacts", "f", _BEFORE[rows], _AFTER[rows], _RULE[rows])
    cells.record(Cells(_IDS), "contacts", "f", Cells(_BEFORE), _AFTER, _RULE, rows=rows)
    assert cells.frame().equals(plain.frame())
    table = cells.table()
    assert table.column("before").to_pylist() == [None, "5", "f"]  # a number is logged as text
    assert table.column("rule").to_pylist() == [None, "r3", "r1"]


def test_labels_factorised_once_log_what_a_series_would() -> None:
    plain, labelled = ChangeLog(), ChangeLog()
    rules = Labels(_RULE)
    for log, rule in ((plain, _RULE), (labelled, rules)):
        log.record(_IDS, "contacts", "f", _BEFORE, _AFTER, rule)
        log.record(_IDS, "contacts", "g", _AFTER, _BEFORE, rule)  # the same labels again
    assert labelled.frame().equals(plain.frame())
    # two labels with the same text (1 and "1") are merged as a Series' would be
    mixed = pd.Series([1, "1", None, "r", 1, "1"], dtype=object)
    a, b = ChangeLog(), ChangeLog()
    a.record(_IDS, "contacts", "f", _BEFORE, _AFTER, mixed)
    b.record(_IDS, "contacts", "f", _BEFORE, _AFTER, Labels(mixed))
    assert b.frame().equals(a.frame())
