"""Merge v0: repeated external ids become one record; nothing is thrown away."""

from __future__ import annotations

import pandas as pd

from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.dedupe.merge import merge_repeated_keys


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = []
    for i, row in enumerate(rows, start=1):
        base.append(
            {
                "_record_id": f"s#{i}",
                "_source": "s",
                "_source_key": str(row["key"]),
                "external_id": f"s:{row['key']}",
                "email": row.get("email"),
                "phone": row.get("phone"),
            }
        )
    return pd.DataFrame(base).astype(object)


def test_most_complete_survives_and_blanks_are_filled() -> None:
    frame = _frame(
        [
            {"key": "A", "email": "a@x.co"},
            {"key": "B", "email": "b@x.co"},
            {"key": "A", "email": "a@x.co", "phone": "0912"},
        ]
    )
    log = ChangeLog()
    merged = merge_repeated_keys(frame, "contacts", ["email", "phone"], log)
    assert merged.merged == 1
    assert sorted(merged.records["_record_id"]) == ["s#2", "s#3"]
    clusters = merged.clusters.set_index("record_id")
    assert clusters.loc["s#1", "cluster_id"] == "s#3"
    assert not clusters.loc["s#1", "survivor"]
    assert clusters.loc["s#2", "cluster_id"] == "s#2"
    assert len(merged.clusters) == 3  # every input record appears exactly once


def test_tie_goes_to_the_latest_copy_and_losing_values_are_logged() -> None:
    frame = _frame([{"key": "A", "email": "old@x.co"}, {"key": "A", "email": "new@x.co"}])
    log = ChangeLog()
    merged = merge_repeated_keys(frame, "orders", ["email", "phone"], log)
    assert merged.records["email"].tolist() == ["new@x.co"]
    changes = log.frame()
    lost = changes[changes["rule"] == "merge.lost"]
    assert lost[["record_id", "field", "before", "after"]].values.tolist() == [
        ["s#1", "email", "old@x.co", "new@x.co"]
    ]


def test_survivor_takes_a_missing_value_from_a_loser() -> None:
    frame = _frame(
        [{"key": "A", "email": "a@x.co", "phone": None}, {"key": "A", "email": None, "phone": "1"}]
    )
    # equally complete: the later copy survives and takes the email from the first
    log = ChangeLog()
    merged = merge_repeated_keys(frame, "contacts", ["email", "phone"], log)
    assert merged.records[["email", "phone"]].values.tolist() == [["a@x.co", "1"]]
    assert "merge.fill" in set(log.frame()["rule"])


def test_no_repeats_is_a_no_op() -> None:
    frame = _frame([{"key": "A"}, {"key": "B"}])
    merged = merge_repeated_keys(frame, "contacts", ["email"], ChangeLog())
    assert merged.merged == 0
    assert merged.records.equals(frame)
