"""Writing one batch of one object: the unit every load mode is built from.

A batch runs inside a transaction the caller owns (committed per batch, or rolled back at the
end of a dry run). It looks up which of its external ids the target already has, inserts the
new records and updates the changed ones with one executemany each, and if the database
rejects the batch it replays it row by row, each row in its own savepoint, so the good rows
are kept and each bad row gets the database's reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.dialects import postgresql

from crmmigrate.load.copy import bulk_insert
from crmmigrate.load.schema import CONTENT_HASH, ID, LOAD_ID
from crmmigrate.load.target import db_reason, is_row_error
from crmmigrate.target_schema import EXTERNAL_ID

# incremental: upsert, after the loader skipped every record whose content hash the target has.
LoadMode = Literal["insert", "upsert", "incremental"]
Action = Literal["inserted", "updated", "unchanged"]

EXISTS_REASON = "external_id already in the target (use --mode upsert)"
# Bound parameters per lookup query; well under every backend's limit (SQLite's is 32,766).
LOOKUP_CHUNK = 900
# Keys per PostgreSQL ``= ANY(array)`` lookup (one bound parameter each).
ARRAY_CHUNK = 1000


@dataclass(frozen=True)
class BatchRow:
    """One record to write: its position in the object's frame and its column values."""

    position: int
    external_id: str
    content_hash: str | None
    values: dict[str, Any]  # the columns the frame has (fields and resolved references)


@dataclass
class BatchResult:
    """What happened to each row of a batch, by position."""

    written: dict[int, tuple[Action, int | None]] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)
    # Position → the whole target row before this batch updated it (with capture_before).
    before: dict[int, dict[str, Any]] = field(default_factory=dict)


def select_by_external_id(
    conn: sa.Connection, table: sa.Table, external_ids: Iterable[str], columns: Sequence[str]
) -> dict[str, sa.Row[Any]]:
    """The rows of ``table`` with these external ids, keyed by external id.

    One bound parameter per query: ``= ANY(array)`` of ARRAY_CHUNK keys on PostgreSQL, one
    ``IN json_each(...)`` query on SQLite; chunked IN lists elsewhere.
    """
    wanted = sorted(set(external_ids))
    found: dict[str, sa.Row[Any]] = {}
    if not wanted:
        return found
    key = table.c[EXTERNAL_ID]
    select_columns = [key, *(table.c[c] for c in columns)]
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # Arrays of ARRAY_CHUNK keep PostgreSQL on the unique index: with ~10,000 elements the
        # planner turns to a sequential scan, which grows with the table.
        # A table filling up during the load has no statistics yet, so the planner also picks
        # sequential scans for small arrays; it is told to prefer the index for these lookups
        # (transaction-local, put back afterwards; a rollback puts it back too).
        ids = sa.bindparam("crm_ids", type_=postgresql.ARRAY(sa.String))
        query = sa.select(*select_columns).where(key == sa.any_(ids))
        previous = conn.exec_driver_sql(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        ).one()[0]
        for start in range(0, len(wanted), ARRAY_CHUNK):
            chunk = wanted[start : start + ARRAY_CHUNK]
            for row in conn.execute(query, {"crm_ids": chunk}).all():
                found[row[0]] = row
        conn.execute(
            sa.text("SELECT set_config('enable_seqscan', :previous, true)"), {"previous": previous}
        )
        return found
    elif dialect == "sqlite":
        values = sa.func.json_each(sa.bindparam("crm_ids", json.dumps(wanted), type_=sa.String))
        subquery: sa.Select[Any] = sa.select(sa.column("value")).select_from(values)
        queries = [sa.select(*select_columns).where(key.in_(subquery))]
    else:
        queries = [
            sa.select(*select_columns).where(key.in_(wanted[start : start + LOOKUP_CHUNK]))
            for start in range(0, len(wanted), LOOKUP_CHUNK)
        ]
    for query in queries:
        for row in conn.execute(query).all():
            found[row[0]] = row
    return found


def _unchanged(found: sa.Row[Any], row: BatchRow, reference_columns: Sequence[str]) -> bool:
    if row.content_hash is None or found._mapping[CONTENT_HASH] != row.content_hash:
        return False
    # Same content, but a parent that was missing last time may be in the target now.
    return all(
        found._mapping[col] == row.values[col] for col in reference_columns if col in row.values
    )


def _replay_one_by_one(
    conn: sa.Connection,
    statement: sa.Executable,
    rows: Sequence[BatchRow],
    params: Sequence[dict[str, Any]],
    failures: dict[int, str],
) -> list[int]:
    """Run ``statement`` once per row, each in a savepoint; return the indexes that succeeded."""
    succeeded = []
    for index, (row, row_params) in enumerate(zip(rows, params, strict=True)):
        try:
            with conn.begin_nested():
                conn.execute(statement, row_params)
        except exc.DBAPIError as err:
            if not is_row_error(err):
                raise
            failures[row.position] = db_reason(err)
        else:
            succeeded.append(index)
    return succeeded


def _update_statement(table: sa.Table, columns: Sequence[str]) -> sa.Update:
    # Prefixed bind names: a bindparam may not share a column's name in an UPDATE's SET.
    return (
        sa.update(table)
        .where(table.c[ID] == sa.bindparam("b_target_id"))
        .values({col: sa.bindparam(f"b_{col}") for col in columns})
    )


def write_batch(
    conn: sa.Connection,
    table: sa.Table,
    rows: Sequence[BatchRow],
    *,
    mode: LoadMode,
    run_id: str,
    reference_columns: Sequence[str] = (),
    capture_before: bool = False,
) -> BatchResult:
    """Insert or update ``rows`` in ``table`` inside the caller's transaction.

    With ``capture_before``, the rows it updates are read whole first (``result.before``).
    """
    result = BatchResult()
    if not rows:
        return result
    lookup = [ID, CONTENT_HASH, *(c for c in reference_columns if c in rows[0].values)]
    existing = select_by_external_id(conn, table, (r.external_id for r in rows), lookup)

    inserts: list[BatchRow] = []
    updates: list[tuple[BatchRow, int]] = []
    for row in rows:
        found = existing.get(row.external_id)
        if found is None:
            inserts.append(row)
        elif mode == "insert":
            result.failures[row.position] = EXISTS_REASON
        elif _unchanged(found, row, reference_columns):
            result.written[row.position] = ("unchanged", found._mapping[ID])
        else:
            updates.append((row, found._mapping[ID]))

    before: dict[str, dict[str, Any]] = {}
    if capture_before and updates:
        columns = [c.name for c in table.columns if c.name != EXTERNAL_ID]
        found_rows = select_by_external_id(
            conn, table, (r.external_id for r, _ in updates), columns
        )
        before = {key: dict(found._mapping) for key, found in found_rows.items()}

    stamp = {LOAD_ID: run_id}
    insert_params = [
        {EXTERNAL_ID: r.external_id, **r.values, CONTENT_HASH: r.content_hash, **stamp}
        for r in inserts
    ]
    set_columns = [*rows[0].values, LOAD_ID, CONTENT_HASH]
    update_params = [
        {
            "b_target_id": target_id,
            **{f"b_{col}": value for col, value in r.values.items()},
            f"b_{CONTENT_HASH}": r.content_hash,
            f"b_{LOAD_ID}": run_id,
        }
        for r, target_id in updates
    ]
    insert_stmt = sa.insert(table)
    update_stmt = _update_statement(table, set_columns)

    try:
        with conn.begin_nested():
            if insert_params:
                bulk_insert(conn, table, insert_params)  # COPY on PostgreSQL
            if update_params:
                conn.execute(update_stmt, update_params)
    except exc.DBAPIError as err:
        if not is_row_error(err):
            raise
        ok = _replay_one_by_one(conn, insert_stmt, inserts, insert_params, result.failures)
        inserts = [inserts[i] for i in ok]
        update_rows = [row for row, _ in updates]
        ok = _replay_one_by_one(conn, update_stmt, update_rows, update_params, result.failures)
        updates = [updates[i] for i in ok]

    for row, target_id in updates:
        result.written[row.position] = ("updated", target_id)
        if row.external_id in before:
            result.before[row.position] = before[row.external_id]
    # Re-select the new ids instead of RETURNING, which MariaDB's executemany path lacks.
    new_ids = select_by_external_id(conn, table, (r.external_id for r in inserts), [ID])
    for row in inserts:
        result.written[row.position] = ("inserted", new_ids[row.external_id]._mapping[ID])
    return result
