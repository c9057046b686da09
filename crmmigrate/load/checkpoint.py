"""The load journal in the target and the checkpoint file in the run.

The journal, table ``_crmmigrate_loads``, gets one row per record a load inserted or updated,
written in the same transaction as the batch that wrote the record, so it is exact even after
a crash: it is what a resumed load skips and what a rollback undoes. Updates carry the row's
before-image (JSON). Records found unchanged are not journaled: a load that changes nothing
writes nothing to the target.

``load/checkpoint.json`` in the run is only a hint (progress for people, and whether the last
load finished); a resumed load trusts the journal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from crmmigrate.load.batch import Action, Batch, BatchResult
from crmmigrate.load.copy import insert_columns
from crmmigrate.load.schema import CONTENT_HASH
from crmmigrate.runs import write_json_atomic
from crmmigrate.target_schema import EXTERNAL_ID, EXTERNAL_ID_MAX_LENGTH

JOURNAL = "_crmmigrate_loads"
CHECKPOINT_FILE = "checkpoint.json"
_MYSQL = ("mysql", "mariadb")

_metadata = sa.MetaData()
journal_table = sa.Table(
    JOURNAL,
    _metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("load_id", sa.String(64), nullable=False),
    sa.Column("object", sa.String(64), nullable=False),
    sa.Column("batch", sa.Integer, nullable=False),
    sa.Column(
        "external_id",
        sa.String(EXTERNAL_ID_MAX_LENGTH).with_variant(
            mysql.VARCHAR(EXTERNAL_ID_MAX_LENGTH, collation="utf8mb4_bin"), *_MYSQL
        ),
        nullable=False,
    ),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("target_id", sa.Integer, nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=True),
    sa.Column("before_image", sa.Text().with_variant(mysql.LONGTEXT(), *_MYSQL), nullable=True),
    # Hash of the whole row as the load left it (see batch.target_row_hashes); NULL in journals
    # written before it existed.
    sa.Column("row_hash", sa.String(32), nullable=True),
    sa.Index("ix__crmmigrate_loads_load_object", "load_id", "object"),
    sqlite_autoincrement=True,
    mysql_engine="InnoDB",
    mysql_charset="utf8mb4",
)
# What a batch journals per record (``seq`` is filled by the database).
JOURNAL_COLUMNS = (
    "load_id",
    "object",
    "batch",
    "external_id",
    "action",
    "target_id",
    "content_hash",
    "before_image",
    "row_hash",
)


@dataclass(frozen=True)
class JournalEntry:
    """The last journal row of one record of one load."""

    object: str
    external_id: str
    action: Action
    target_id: int | None
    content_hash: str | None
    before_image: dict[str, Any] | None
    row_hash: str | None  # None: journaled by a version that did not hash rows
    first_action: Action  # what the load did to the record first (inserted wins over updated)


@dataclass(frozen=True)
class BatchProgress:
    """Reported after each committed batch (the checkpoint's content for one object)."""

    object: str
    batch: int  # index of the batch just committed
    rows_done: int  # records of the object with a final outcome so far
    rows_total: int


def ensure_journal(conn: sa.Connection) -> None:
    """Create the journal table if the target lacks it, or add what it lacks (commits)."""
    journal_table.create(conn, checkfirst=True)
    have = {c["name"] for c in sa.inspect(conn).get_columns(JOURNAL)}
    preparer = conn.dialect.identifier_preparer
    for column in journal_table.columns:
        if column.name not in have:  # a journal from an earlier crmmigrate version
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(
                f"ALTER TABLE {preparer.format_table(journal_table)}"
                f" ADD COLUMN {preparer.quote(column.name)} {kind}"
            )
    conn.commit()


def has_journal(conn: sa.Connection) -> bool:
    return sa.inspect(conn).has_table(JOURNAL)


def image_json(row: Mapping[str, Any]) -> str:
    """A row as JSON: dates ISO, decimals as strings (exact), the rest as JSON has them."""

    def encode(value: Any) -> Any:
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"cannot journal a {type(value).__name__}")

    return json.dumps(dict(row), default=encode, ensure_ascii=False, sort_keys=True)


def record_batch(
    conn: sa.Connection,
    load_id: str,
    obj: str,
    batch: int,
    rows: Batch,
    result: BatchResult,
) -> None:
    """Journal what a batch inserted or updated, inside the batch's transaction."""
    written = result.written
    at = [
        i
        for i, position in enumerate(rows.positions)
        if (done := written.get(position)) is not None and done[0] != "unchanged"
    ]
    if not at:
        return
    positions = [rows.positions[i] for i in at]
    before = result.before
    count = len(at)
    entries: dict[str, list[Any]] = {
        "load_id": [load_id] * count,
        "object": [obj] * count,
        "batch": [batch] * count,
        "external_id": [rows.external_ids[i] for i in at],
        "action": [written[p][0] for p in positions],
        "target_id": [written[p][1] for p in positions],
        "content_hash": [rows.hashes[i] for i in at],
        "before_image": [image_json(before[p]) if p in before else None for p in positions],
        "row_hash": [result.row_hashes.get(p) for p in positions],
    }
    # The batch has the COPY text of its external ids and content hashes already.
    texts = {
        column: [rows.texts[source][i] for i in at]
        for column, source in (("external_id", EXTERNAL_ID), ("content_hash", CONTENT_HASH))
        if source in rows.texts
    }
    insert_columns(conn, journal_table, entries, texts)  # COPY on PostgreSQL


def read_journal(
    conn: sa.Connection, load_id: str, objects: Iterable[str] | None = None
) -> dict[tuple[str, str], JournalEntry]:
    """The journal of one load, keyed by (object, external_id); an absent table is empty."""
    if not has_journal(conn):
        return {}
    t = journal_table
    have = {c["name"] for c in sa.inspect(conn).get_columns(JOURNAL)}
    columns = [c for c in t.columns if c.name in have]  # an earlier version's journal: fewer
    query = sa.select(*columns).where(t.c.load_id == load_id).order_by(t.c.seq)
    if objects is not None:
        query = query.where(t.c.object.in_(list(objects)))
    entries: dict[tuple[str, str], JournalEntry] = {}
    for row in conn.execute(query).mappings():
        key = (row["object"], row["external_id"])
        earlier = entries.get(key)
        before = json.loads(row["before_image"]) if row["before_image"] else None
        entries[key] = JournalEntry(
            object=row["object"],
            external_id=row["external_id"],
            action=row["action"],
            target_id=row["target_id"],
            content_hash=row["content_hash"],
            # The image to restore is the one before the load first touched the record.
            before_image=earlier.before_image if earlier else before,
            row_hash=row.get("row_hash"),
            first_action=earlier.first_action if earlier else row["action"],
        )
    return entries


def read_before_images(conn: sa.Connection, load_id: str) -> list[dict[str, Any]]:
    """Every before-image of a load: object, external_id, target_id, before_image (a dict)."""
    if not has_journal(conn):
        return []
    t = journal_table
    query = (
        sa.select(t.c.object, t.c.external_id, t.c.target_id, t.c.before_image)
        .where(t.c.load_id == load_id, t.c.before_image.is_not(None))
        .order_by(t.c.seq)
    )
    return [
        {**row._mapping, "before_image": json.loads(row.before_image)}
        for row in conn.execute(query)
    ]


def last_batch(conn: sa.Connection, load_id: str, obj: str) -> int:
    """The highest batch index the journal has for an object of a load (-1: none)."""
    if not has_journal(conn):
        return -1
    t = journal_table
    found = conn.execute(
        sa.select(sa.func.max(t.c.batch)).where(t.c.load_id == load_id, t.c.object == obj)
    ).scalar()
    return -1 if found is None else int(found)


def read_checkpoint(path: Path) -> dict[str, Any] | None:
    """The checkpoint file, or None when absent or unreadable (it is only a hint)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def write_checkpoint(path: Path, data: dict[str, Any]) -> None:
    """Replace the checkpoint file atomically (a reader or a crash never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, data)
