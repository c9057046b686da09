"""Undo one load: delete what it inserted, restore the before-image of what it updated.

The load journal (:mod:`crmmigrate.load.checkpoint`) says what the load wrote. Nothing is
touched when any of those rows changed in the target after the load (any column of it differs
from what the load left — the journal holds a hash of each row it wrote — or it is gone): the
conflicts are returned instead. Objects are undone children first (reverse load order), one
transaction each, and each object's journal rows go in the same transaction, so a second
rollback finds nothing to do and an interrupted one continues where it stopped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc

from crmmigrate.errors import UsageError
from crmmigrate.load.batch import target_row_hashes
from crmmigrate.load.checkpoint import JournalEntry, journal_table, read_journal
from crmmigrate.load.schema import CONTENT_HASH, ID, LOAD_ID, build_metadata
from crmmigrate.load.target import db_reason, is_unavailable, open_engine, unreachable
from crmmigrate.target_schema import TargetSchema

CHUNK = 900  # ids per IN list, well under every backend's parameter limit
CHANGED = "changed in the target after the load"
DELETED = "deleted from the target after the load"


@dataclass(frozen=True)
class RollbackConflict:
    """A row the load wrote that something else changed since: the rollback refuses."""

    object: str
    external_id: str
    target_id: int | None
    reason: str


@dataclass(frozen=True)
class ObjectRollback:
    object: str
    deleted: int
    restored: int


@dataclass(frozen=True)
class RollbackResult:
    """What a rollback did; with conflicts it did nothing. No journal rows: nothing to do."""

    load_id: str
    objects: tuple[ObjectRollback, ...]
    conflicts: tuple[RollbackConflict, ...]
    journaled: int  # journal rows found for the load

    @property
    def nothing_to_do(self) -> bool:
        return self.journaled == 0


def rollback_load(url: str, schema: TargetSchema, load_id: str) -> RollbackResult:
    """Undo the load ``load_id`` in the target at ``url`` (see the module docstring)."""
    engine = open_engine(url)
    try:
        try:
            conn = engine.connect()
        except (exc.OperationalError, exc.InterfaceError) as err:
            raise unreachable(url, err, connecting=True) from err
        try:
            with conn:
                return _rollback(conn, schema, load_id)
        except exc.DBAPIError as err:
            if is_unavailable(err):
                raise unreachable(url, err, connecting=False) from err
            raise
    finally:
        engine.dispose()


def _rollback(conn: sa.Connection, schema: TargetSchema, load_id: str) -> RollbackResult:
    with conn.begin():
        journal = list(read_journal(conn, load_id).values())
    if not journal:
        return RollbackResult(load_id, (), (), 0)
    unknown = sorted({e.object for e in journal} - set(schema.objects))
    if unknown:
        raise UsageError(f"{unknown[0]}: journaled by load {load_id} but not in the target schema")
    tables = build_metadata(schema).tables
    with conn.begin():
        conflicts = [
            c for obj in schema.load_order for c in _conflicts(conn, tables[obj], load_id, journal)
        ]
    if conflicts:
        return RollbackResult(load_id, (), tuple(conflicts), len(journal))
    done = []
    for obj in reversed(schema.load_order):
        entries = [e for e in journal if e.object == obj]
        if entries:
            done.append(_undo_object(conn, tables[obj], load_id, entries))
    return RollbackResult(load_id, tuple(done), (), len(journal))


def _current(conn: sa.Connection, table: sa.Table, ids: Sequence[int]) -> dict[int, Any]:
    """The whole current rows of ``table`` with these ids, keyed by id."""
    found: dict[int, Any] = {}
    for start in range(0, len(ids), CHUNK):
        query = sa.select(table).where(table.c[ID].in_(ids[start : start + CHUNK]))
        found.update({row._mapping[ID]: row._mapping for row in conn.execute(query)})
    return found


def _conflicts(
    conn: sa.Connection, table: sa.Table, load_id: str, journal: Sequence[JournalEntry]
) -> list[RollbackConflict]:
    """The rows the load wrote that are gone or differ in any column from what it left.

    A row is compared whole through the hash the journal took of it; journals of earlier
    versions, which have no row hashes, fall back to ``_load_id`` and ``_content_hash``.
    """
    entries = [e for e in journal if e.object == table.name]
    current = _current(conn, table, [e.target_id for e in entries if e.target_id is not None])
    found = [(e, current.get(e.target_id) if e.target_id is not None else None) for e in entries]
    hashed = [(e, row) for e, row in found if row is not None and e.row_hash is not None]
    now = dict(
        zip(
            (id(e) for e, _ in hashed),
            target_row_hashes([row for _, row in hashed], table),
            strict=True,
        )
    )
    conflicts = []
    for entry, row in found:
        if row is None:
            reason = DELETED
        elif (
            row[LOAD_ID] != load_id
            or row[CONTENT_HASH] != entry.content_hash
            or (entry.row_hash is not None and now[id(entry)] != entry.row_hash)
        ):
            reason = CHANGED
        else:
            continue
        conflicts.append(RollbackConflict(table.name, entry.external_id, entry.target_id, reason))
    return conflicts


def _decode(column: sa.Column[Any], value: Any) -> Any:
    """A before-image value (as JSON held it) back to what the column binds."""
    kind = column.type
    if value is None:
        return None
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, sa.Float):
        return float(value)
    if isinstance(kind, sa.Numeric):
        return Decimal(str(value))
    if isinstance(kind, sa.Boolean):
        return bool(value)
    return value


def _undo_object(
    conn: sa.Connection, table: sa.Table, load_id: str, entries: Sequence[JournalEntry]
) -> ObjectRollback:
    inserted = [e.target_id for e in entries if e.first_action == "inserted"]
    restores = [e for e in entries if e.first_action == "updated" and e.before_image]
    columns = [c for c in table.columns if c.name != ID]
    statement = (
        sa.update(table)
        .where(table.c[ID] == sa.bindparam("b_id"))
        .values({c.name: sa.bindparam(f"b_{c.name}") for c in columns})
    )
    params = [
        {
            "b_id": e.target_id,
            **{f"b_{c.name}": _decode(c, (e.before_image or {}).get(c.name)) for c in columns},
        }
        for e in restores
    ]
    try:
        with conn.begin():
            if params:
                conn.execute(statement, params)
            for start in range(0, len(inserted), CHUNK):
                chunk = inserted[start : start + CHUNK]
                conn.execute(sa.delete(table).where(table.c[ID].in_(chunk)))
            j = journal_table
            conn.execute(sa.delete(j).where(j.c.load_id == load_id, j.c.object == table.name))
    except exc.IntegrityError as err:
        raise UsageError(
            f"rollback of {table.name} refused by the target: {db_reason(err)}",
            hint="rows loaded later reference rows of this load; roll back that load first",
        ) from None
    return ObjectRollback(table.name, deleted=len(inserted), restored=len(restores))
