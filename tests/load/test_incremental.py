"""Incremental mode: records whose content hash the target already has never reach a batch.

On every backend (SQLite, PostgreSQL, MariaDB; see conftest.py).
"""

from __future__ import annotations

from crmmigrate.load import load_frames, loader

ACCOUNTS = [{"key": f"A{i}", "name": f"Account {i}"} for i in range(5)]


def test_incremental_skips_unchanged_before_batching(
    crm_schema, target_url, make_frame, read_rows, monkeypatch
):
    load_frames({"accounts": make_frame("accounts", ACCOUNTS)}, crm_schema, target_url, run_id="r1")
    changed = [*ACCOUNTS[:4], {"key": "A4", "name": "Renamed"}, {"key": "A5", "name": "New"}]
    seen: list[str] = []
    real_write_batch = loader.write_batch

    def spy(conn, table, rows, **kwargs):
        seen.extend(r.external_id for r in rows)
        return real_write_batch(conn, table, rows, **kwargs)

    monkeypatch.setattr(loader, "write_batch", spy)

    result = load_frames(
        {"accounts": make_frame("accounts", changed)},
        crm_schema,
        target_url,
        run_id="r2",
        mode="incremental",
        batch_size=2,
    )

    assert seen == ["legacy:A4", "legacy:A5"]
    counts = result.counts("accounts")
    assert (counts.unchanged, counts.updated, counts.inserted) == (4, 1, 1)
    unchanged = result.success[result.success["action"] == "unchanged"]
    assert unchanged["target_id"].tolist() == [1, 2, 3, 4]
    rows = read_rows(target_url, "accounts")
    assert [(r["name"], r["_load_id"]) for r in rows[3:]] == [
        ("Account 3", "r1"),
        ("Renamed", "r2"),
        ("New", "r2"),
    ]


def test_incremental_into_an_empty_target_loads_everything(crm_schema, target_url, make_frame):
    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)},
        crm_schema,
        target_url,
        run_id="r1",
        mode="incremental",
    )
    assert result.counts("accounts").inserted == 5
