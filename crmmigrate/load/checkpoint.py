"""The load journal in the target and the checkpoint file in the run.

The journal, table ``_crmmigrate_loads``, holds every record a load inserted or updated,
written in the same transaction as the batch that wrote the record, so it is exact even after
a crash: it is what a resumed load skips and what a rollback undoes. An updated record has a
row of its own, with the row's before-image (JSON); the records a batch inserted share one row,
their external ids, target ids, content hashes and row hashes packed as JSON lists into
``records`` (one row instead of a batch's worth of rows and index entries: writing the journal
was a third of a bulk load's database time). Journals of earlier versions have one row per
inserted record too, and read the same. Records found unchanged are not journaled: a load
that changes nothing writes nothing to the target.

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
from crmmigrate.runs import write_json_atomic
from crmmigrate.target_schema import EXTERNAL_ID_MAX_LENGTH

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
    # The records a batch inserted (PACKED_FIELDS → one JSON list each), in a row whose own
    # external_id is PACKED and whose per-record columns are NULL; NULL in every other row.
    sa.Column("records", sa.Text().with_variant(mysql.LONGTEXT(), *_MYSQL), nullable=True),
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
    "records",
)
# The external_id of a row that packs a batch's inserted records, and what it packs per record.
PACKED = "*"
PACKED_FIELDS = ("external_id", "target_id", "content_hash", "row_hash")


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
    if conn.dialect.name == "postgresql":
        # The packed records are mostly hashes, which do not compress: PostgreSQL's attempt
        # to (pglz, on the server) took two thirds of the journal's time.
        storage = conn.exec_driver_sql(
            "SELECT attstorage FROM pg_attribute"
            f" WHERE attrelid = '{preparer.format_table(journal_table)}'::regclass"
            " AND attname = 'records'"
        ).scalar()
        if storage != "e":
            conn.exec_driver_sql(
                f"ALTER TABLE {preparer.format_table(journal_table)}"
                " ALTER COLUMN records SET STORAGE EXTERNAL"
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
    found = list(map(written.get, rows.positions))  # (action, target id) or None
    updated = [i for i, w in enumerate(found) if w is not None and w[0] == "updated"]
    inserted = [i for i, w in enumerate(found) if w is not None and w[0] == "inserted"]
    if not updated and not inserted:
        return
    entries: dict[str, list[Any]] = {name: [] for name in JOURNAL_COLUMNS}

    def add(values: Mapping[str, Any]) -> None:
        for name in JOURNAL_COLUMNS:
            entries[name].append(values.get(name))

    for i in updated:
        position = rows.positions[i]
        before = result.before.get(position)
        add(
            {
                "external_id": rows.external_ids[i],
                "action": "updated",
                "target_id": written[position][1],
                "content_hash": rows.hashes[i],
                "before_image": image_json(before) if before is not None else None,
                "row_hash": result.row_hashes.get(position),
            }
        )
    if inserted:
        every = len(inserted) == len(rows)
        positions = rows.positions if every else [rows.positions[i] for i in inserted]
        packed = {
            "external_id": rows.external_ids if every else [rows.external_ids[i] for i in inserted],
            "target_id": [found[i][1] for i in inserted],  # type: ignore[index]
            "content_hash": rows.hashes if every else [rows.hashes[i] for i in inserted],
            "row_hash": list(map(result.row_hashes.get, positions)),
        }
        records = json.dumps(packed, ensure_ascii=False, separators=(",", ":"))
        add({"external_id": PACKED, "action": "inserted", "records": records})
    count = len(entries["external_id"])
    entries["load_id"] = [load_id] * count
    entries["object"] = [obj] * count
    entries["batch"] = [batch] * count
    insert_columns(conn, journal_table, entries)  # COPY on PostgreSQL


def _entries(row: sa.RowMapping) -> list[dict[str, Any]]:
    """The records one journal row holds: itself, or the inserted records it packs."""
    packed = row.get("records")
    if not packed:
        return [dict(row)]
    lists = json.loads(packed)
    return [
        {**row, "before_image": None, **dict(zip(PACKED_FIELDS, values, strict=True))}
        for values in zip(*(lists[name] for name in PACKED_FIELDS), strict=True)
    ]


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
    for journal_row in conn.execute(query).mappings():
        for row in _entries(journal_row):
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
