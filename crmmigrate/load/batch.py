"""Writing one batch of one object: the unit every load mode is built from.

A batch runs inside a transaction the caller owns (committed per batch, or rolled back at the
end of a dry run). It looks up which of its external ids the target already has, inserts the
new records and updates the changed ones with one executemany each, and if the database
rejects the batch it replays it in halves, each in its own savepoint, halving a half that fails
and trying a short failing run row by row, so the good rows are kept and each bad row gets the
database's reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.dialects import postgresql

from crmmigrate.load.copy import (
    NULL,
    copy_hashed,
    copy_text,
    driver_error,
    hash_lines,
    insert_columns,
    row_hashes,
    uses_copy,
)
from crmmigrate.load.schema import CONTENT_HASH, ID, LOAD_ID
from crmmigrate.load.target import db_reason, is_row_error
from crmmigrate.modes import LoadMode
from crmmigrate.target_schema import EXTERNAL_ID

# incremental: upsert, after the loader skipped every record whose content hash the target has.
Action = Literal["inserted", "updated", "unchanged"]

EXISTS_REASON = "external_id already in the target (use --mode upsert)"
# Bound parameters per lookup query; well under every backend's limit (SQLite's is 32,766).
LOOKUP_CHUNK = 900
# A failing run of rows this short is replayed row by row, not halved further (see _replay).
ONE_BY_ONE = 32
# Keys per PostgreSQL ``= ANY(array)`` lookup (one bound parameter each).
ARRAY_CHUNK = 1000


@dataclass(frozen=True)
class BatchRow:
    """One record to write: its position in the object's frame and its column values."""

    position: int
    external_id: str
    content_hash: str | None
    values: dict[str, Any]  # the columns the frame has (fields and resolved references)


@dataclass(frozen=True)
class Batch:
    """The records of one batch, column by column; iterating gives :class:`BatchRow` s."""

    positions: list[int]
    external_ids: list[str]
    hashes: list[str | None]
    columns: dict[str, list[Any]]  # column → one value per record (fields and references)
    # column → its values' COPY text (copy.copy_text), where the caller has it already
    texts: dict[str, list[str]] = field(default_factory=dict)
    # Each record's row_parts (its whole row as text, the columns given by name taken from
    # ``texts`` when the lines are made: see lines_for), where the caller built them already.
    line_parts: list[LinePart] | None = None

    def __len__(self) -> int:
        return len(self.positions)

    def __iter__(self) -> Iterator[BatchRow]:
        return (self.row(i) for i in range(len(self)))

    def row(self, i: int) -> BatchRow:
        values = {c: v[i] for c, v in self.columns.items()}
        return BatchRow(self.positions[i], self.external_ids[i], self.hashes[i], values)

    def take(self, indexes: Sequence[int]) -> Batch:
        """The records at these indexes (of this batch), in that order."""
        if len(indexes) == len(self):
            return self
        return Batch(
            [self.positions[i] for i in indexes],
            [self.external_ids[i] for i in indexes],
            [self.hashes[i] for i in indexes],
            {c: [v[i] for i in indexes] for c, v in self.columns.items()},
            {c: [v[i] for i in indexes] for c, v in self.texts.items()},
            None
            if self.line_parts is None
            else [p if isinstance(p, str) else [p[i] for i in indexes] for p in self.line_parts],
        )

    def lines_for(self, table: sa.Table, texts: Mapping[str, Sequence[str]]) -> list[str]:
        """The records' :func:`row_lines`: from ``line_parts`` where the caller built them,
        else from ``texts`` (the COPY text of every column the batch inserts)."""
        if self.line_parts is not None:
            return join_parts(self.line_parts, self.texts)
        return row_lines(table, texts)

    @classmethod
    def from_rows(cls, rows: Sequence[BatchRow]) -> Batch:
        """A batch of rows given one by one (the columns are the first row's)."""
        names = list(rows[0].values) if rows else []
        return cls(
            [r.position for r in rows],
            [r.external_id for r in rows],
            [r.content_hash for r in rows],
            {c: [r.values.get(c) for r in rows] for c in names},
        )


@dataclass
class BatchResult:
    """What happened to each row of a batch, by position."""

    written: dict[int, tuple[Action, int | None]] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)
    # Position → the whole target row before this batch updated it (with capture_before).
    before: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Position → hash of the whole row as this batch left it (with capture_before), so a
    # rollback can tell whether anything changed the row since: see :func:`target_row_hashes`.
    row_hashes: dict[int, str] = field(default_factory=dict)


def hashed_columns(table: sa.Table) -> list[str]:
    """The columns a row hash covers: all but the primary key, in the table's order."""
    return [c.name for c in table.columns if c.name != ID]


# A run of consecutive columns already joined (one str per row), or a column left out by name.
LinePart = list[str] | str


def row_parts(
    table: sa.Table, texts: Mapping[str, Sequence[str]], later: Iterable[str] = ()
) -> list[LinePart]:
    """:func:`row_lines` with the columns ``later`` left out by name, to be filled in by
    :func:`join_parts` once their values are known; the columns between them are joined."""
    count = len(next(iter(texts.values()))) if texts else 0
    nulls = [NULL] * count
    holes = set(later)
    parts: list[LinePart] = []
    run: list[Sequence[str]] = []
    for column in hashed_columns(table):
        if column not in holes:
            run.append(texts.get(column, nulls))
            continue
        if run:
            parts.append(list(map("\t".join, zip(*run, strict=True))))
            run = []
        parts.append(column)
    if run:
        parts.append(list(map("\t".join, zip(*run, strict=True))))
    return parts


def join_parts(parts: Sequence[LinePart], texts: Mapping[str, Sequence[str]]) -> list[str]:
    """The lines of :func:`row_parts`, the columns left out taken from ``texts``."""
    columns = [texts[part] if isinstance(part, str) else part for part in parts]
    if len(columns) == 1:
        return list(columns[0])
    return list(map("\t".join, zip(*columns, strict=True)))


def row_lines(table: sa.Table, texts: Mapping[str, Sequence[str]]) -> list[str]:
    """Each row of ``texts`` (column → copy_text, equal lengths) as one line of the table's
    :func:`hashed_columns`, tab-separated, NULL for a column ``texts`` lacks: what the COPY
    sends after the id, and what the row hash is taken of."""
    return join_parts(row_parts(table, texts), texts)


def target_row_hashes(rows: Sequence[Mapping[str, Any]], table: sa.Table) -> list[str]:
    """The row hash of each of ``rows`` (whole rows, column → value, as the target has them)."""
    names = hashed_columns(table)
    return row_hashes([copy_text([row.get(c) for row in rows]) for c in names])


@dataclass(frozen=True, slots=True)
class FoundRow:
    """A row read through the driver directly; like a SQLAlchemy Row, it has ``_mapping``."""

    _mapping: dict[str, Any]


def _select_with_driver(
    conn: sa.Connection, table: sa.Table, wanted: Sequence[str], columns: Sequence[str]
) -> dict[str, FoundRow]:
    """PostgreSQL lookups on the psycopg connection itself: SQLAlchemy's statement and row
    handling cost three times the driver's CPU here, for columns that need no conversion."""
    preparer = conn.dialect.identifier_preparer
    names = [EXTERNAL_ID, *columns]
    statement = (
        f"SELECT {', '.join(preparer.quote(c) for c in names)}"
        f" FROM {preparer.format_table(table)} WHERE {preparer.quote(EXTERNAL_ID)} = ANY(%s)"
    )
    found: dict[str, FoundRow] = {}
    dbapi: Any = conn.connection.driver_connection
    try:
        with dbapi.cursor() as cursor:
            for start in range(0, len(wanted), ARRAY_CHUNK):
                cursor.execute(statement, [wanted[start : start + ARRAY_CHUNK]])
                for row in cursor.fetchall():
                    found[row[0]] = FoundRow(dict(zip(names, row, strict=True)))
    except conn.dialect.loaded_dbapi.Error as err:
        raise driver_error(conn, err, statement) from err
    return found


@contextmanager
def _index_scans(conn: sa.Connection) -> Iterator[None]:
    """On PostgreSQL, tell the planner to prefer indexes for the statements inside.

    A table filling up during the load has no statistics yet, so the planner picks
    sequential scans even for a few keys or a narrow id range, and the load slows down as
    the table grows. The setting is transaction-local and put back afterwards (a rollback
    puts it back too). Elsewhere this does nothing.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    previous = conn.exec_driver_sql(
        "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
    ).one()[0]
    yield
    conn.execute(
        sa.text("SELECT set_config('enable_seqscan', :previous, true)"), {"previous": previous}
    )


def _plain(table: sa.Table, columns: Sequence[str]) -> bool:
    """Only integer and string columns: what the driver returns is what SQLAlchemy would."""
    return all(isinstance(table.c[c].type, sa.Integer | sa.String) for c in columns)


def select_by_external_id(
    conn: sa.Connection, table: sa.Table, external_ids: Iterable[str], columns: Sequence[str]
) -> dict[str, sa.Row[Any] | FoundRow]:
    """The rows of ``table`` with these external ids, keyed by external id.

    One bound parameter per query: ``= ANY(array)`` of ARRAY_CHUNK keys on PostgreSQL, one
    ``IN json_each(...)`` query on SQLite; chunked IN lists elsewhere.
    """
    wanted = sorted(set(external_ids))
    found: dict[str, sa.Row[Any] | FoundRow] = {}
    if not wanted:
        return found
    key = table.c[EXTERNAL_ID]
    select_columns = [key, *(table.c[c] for c in columns)]
    dialect = conn.dialect.name
    if dialect == "postgresql":
        # Arrays of ARRAY_CHUNK keep PostgreSQL on the unique index: with ~10,000 elements the
        # planner turns to a sequential scan, which grows with the table.
        ids = sa.bindparam("crm_ids", type_=postgresql.ARRAY(sa.String))
        query = sa.select(*select_columns).where(key == sa.any_(ids))
        with _index_scans(conn):
            if uses_copy(conn) and _plain(table, columns):
                found.update(_select_with_driver(conn, table, wanted, columns))
            else:
                for start in range(0, len(wanted), ARRAY_CHUNK):
                    chunk = wanted[start : start + ARRAY_CHUNK]
                    for row in conn.execute(query, {"crm_ids": chunk}).all():
                        found[row[0]] = row
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


def _unchanged(
    found: sa.Row[Any] | FoundRow, batch: Batch, i: int, reference_columns: Sequence[str]
) -> bool:
    if batch.hashes[i] is None or found._mapping[CONTENT_HASH] != batch.hashes[i]:
        return False
    # Same content, but a parent that was missing last time may be in the target now.
    return all(
        found._mapping[col] == batch.columns[col][i]
        for col in reference_columns
        if col in batch.columns
    )


def _replay(
    conn: sa.Connection,
    statement: sa.Executable,
    rows: Sequence[BatchRow],
    params: Sequence[dict[str, Any]],
    failures: dict[int, str],
) -> list[int]:
    """Run ``statement`` for the rows again, isolating the ones the database rejects; return
    the indexes that succeeded, in order.

    The rows go in halves, each in a savepoint; a half that fails is halved again, and a
    failing run of ONE_BY_ONE rows or fewer is tried row by row, so each bad row gets the
    database's own reason. One bad row among a batch of n costs about 2·log2(n/ONE_BY_ONE) +
    ONE_BY_ONE statements instead of n (replaying row by row made a 10,000-row batch with one
    bad row 10,000 round trips); a batch where every row fails costs about n + 2n/ONE_BY_ONE.
    """
    succeeded: list[int] = []

    def attempt(low: int, high: int) -> None:
        try:
            with conn.begin_nested():
                if high - low == 1:
                    conn.execute(statement, params[low])
                else:
                    conn.execute(statement, list(params[low:high]))
        except exc.DBAPIError as err:
            if not is_row_error(err):
                raise
            if high - low == 1:
                failures[rows[low].position] = db_reason(err)
            elif high - low <= ONE_BY_ONE:
                for index in range(low, high):  # few rows: each alone costs no more
                    attempt(index, index + 1)
            else:
                middle = (low + high) // 2
                attempt(low, middle)
                attempt(middle, high)
        else:
            succeeded.extend(range(low, high))

    if rows:
        attempt(0, len(rows))
    return succeeded


def _update_statement(table: sa.Table, columns: Sequence[str]) -> sa.Update:
    # Prefixed bind names: a bindparam may not share a column's name in an UPDATE's SET.
    return (
        sa.update(table)
        .where(table.c[ID] == sa.bindparam("b_target_id"))
        .values({col: sa.bindparam(f"b_{col}") for col in columns})
    )


def _rows(columns: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _classify(
    batch: Batch,
    existing: Mapping[str, sa.Row[Any] | FoundRow],
    mode: LoadMode,
    reference_columns: Sequence[str],
    result: BatchResult,
) -> tuple[list[int], list[int], list[int]]:
    """Which of the batch's records to insert and which to update (with their target ids);
    unchanged ones and, in insert mode, ones already there go straight into ``result``."""
    if not existing:
        return list(range(len(batch))), [], []
    insert_at: list[int] = []
    update_at: list[int] = []
    update_ids: list[int] = []
    for i, (position, key) in enumerate(zip(batch.positions, batch.external_ids, strict=True)):
        found = existing.get(key)
        if found is None:
            insert_at.append(i)
        elif mode == "insert":
            result.failures[position] = EXISTS_REASON
        elif _unchanged(found, batch, i, reference_columns):
            result.written[position] = ("unchanged", found._mapping[ID])
        else:
            update_at.append(i)
            update_ids.append(found._mapping[ID])
    return insert_at, update_at, update_ids


def write_batch(
    conn: sa.Connection,
    table: sa.Table,
    rows: Batch | Sequence[BatchRow],
    *,
    mode: LoadMode,
    run_id: str,
    reference_columns: Sequence[str] = (),
    capture_before: bool = False,
    all_new: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> BatchResult:
    """Insert or update ``rows`` in ``table`` inside the caller's transaction.

    With ``capture_before`` (a load that is journaled), the rows it updates are read whole
    first (``result.before``) and every written row's hash is taken (``result.row_hashes``).
    With ``all_new`` the caller knows the table holds none of these external ids (it was
    empty when this load of the object began), so they are not looked up; should one be
    there after all, the unique key rejects it and the row is reported, never overwritten.

    ``meanwhile`` is called once: while the server parses the COPY if there is one, else at
    the end (the caller's work that needs no database, done while the database is busy).
    """
    pending = [meanwhile] if meanwhile is not None else []

    def during_copy() -> None:
        while pending:
            pending.pop()()

    result = _write_batch(
        conn, table, rows, mode, run_id, reference_columns, capture_before, all_new, during_copy
    )
    during_copy()  # if there was no COPY to call it during
    return result


def _write_batch(
    conn: sa.Connection,
    table: sa.Table,
    rows: Batch | Sequence[BatchRow],
    mode: LoadMode,
    run_id: str,
    reference_columns: Sequence[str],
    capture_before: bool,
    all_new: bool,
    meanwhile: Callable[[], None],
) -> BatchResult:
    batch = rows if isinstance(rows, Batch) else Batch.from_rows(rows)
    result = BatchResult()
    if not len(batch):
        return result
    lookup = [ID, CONTENT_HASH, *(c for c in reference_columns if c in batch.columns)]
    existing = {} if all_new else select_by_external_id(conn, table, batch.external_ids, lookup)

    insert_at, update_at, update_ids = _classify(batch, existing, mode, reference_columns, result)
    inserts = batch.take(insert_at)
    updates = batch.take(update_at)

    before: dict[str, dict[str, Any]] = {}
    if capture_before and len(updates):
        columns = [c.name for c in table.columns if c.name != EXTERNAL_ID]
        found_rows = select_by_external_id(conn, table, updates.external_ids, columns)
        before = {key: dict(found._mapping) for key, found in found_rows.items()}

    # On PostgreSQL the new rows' ids come from the table's sequence before the COPY, so
    # they need not be read back afterwards (see reserve_ids).
    reserved = reserve_ids(conn, table, len(inserts)) if len(inserts) else None
    insert_columns_: dict[str, list[Any]] = {
        **({ID: reserved} if reserved is not None else {}),
        EXTERNAL_ID: inserts.external_ids,
        **inserts.columns,
        CONTENT_HASH: inserts.hashes,
        LOAD_ID: [run_id] * len(inserts),
    }
    texts: dict[str, list[str]] = {}
    if capture_before or uses_copy(conn):
        # The text of the run id and of the reserved ids needs no copy_text per value.
        known = {**inserts.texts, LOAD_ID: copy_text([run_id]) * len(inserts)}
        if reserved is not None:
            known[ID] = list(map(str, reserved))
        texts = {c: known[c] if c in known else copy_text(v) for c, v in insert_columns_.items()}
    set_columns = [*batch.columns, LOAD_ID, CONTENT_HASH]
    update_columns = {
        "b_target_id": update_ids,
        **{f"b_{col}": values for col, values in updates.columns.items()},
        f"b_{CONTENT_HASH}": updates.hashes,
        f"b_{LOAD_ID}": [run_id] * len(updates),
    }
    update_stmt = _update_statement(table, set_columns)

    inserted = list(range(len(inserts)))
    updated = list(range(len(updates)))
    floor = _max_id(conn, table) if len(inserts) and reserved is None else 0
    insert_hashes: list[str] | None = None  # the inserted rows' hashes, taken during the COPY
    try:
        with conn.begin_nested():
            if len(inserts) and capture_before and _copies_whole_rows(conn, table):
                ids = (ID, reserved) if reserved is not None else None
                lines = inserts.lines_for(table, texts)
                insert_hashes = copy_hashed(
                    conn, table, hashed_columns(table), lines, ids, meanwhile
                )
            elif len(inserts):
                insert_columns(conn, table, insert_columns_, texts)  # COPY on PostgreSQL
            if len(updates):
                conn.execute(update_stmt, _rows(update_columns))
    except exc.DBAPIError as err:
        if not is_row_error(err):
            raise
        insert_hashes = None
        insert_rows, update_rows = list(inserts), list(updates)
        inserted = _replay(
            conn, sa.insert(table), insert_rows, _rows(insert_columns_), result.failures
        )
        updated = _replay(conn, update_stmt, update_rows, _rows(update_columns), result.failures)

    for i in updated:
        position = updates.positions[i]
        result.written[position] = ("updated", update_ids[i])
        if updates.external_ids[i] in before:
            result.before[position] = before[updates.external_ids[i]]
    if reserved is not None:
        inserted_: list[Action] = ["inserted"] * len(inserts)
        actions = zip(inserted_, reserved, strict=True)
        if len(inserted) == len(inserts):  # all of them: one pass in C
            result.written.update(zip(inserts.positions, actions, strict=True))
        else:
            result.written.update(
                (inserts.positions[i], ("inserted", reserved[i])) for i in inserted
            )
    else:
        new_keys = [inserts.external_ids[i] for i in inserted]
        new_ids = _inserted_ids(conn, table, new_keys, floor, run_id)
        for i, key in zip(inserted, new_keys, strict=True):
            result.written[inserts.positions[i]] = ("inserted", new_ids[key])
    if capture_before:
        if insert_hashes is not None:
            result.row_hashes.update(zip(inserts.positions, insert_hashes, strict=True))
        to_hash = inserted if insert_hashes is None else []
        _hash_rows(table, inserts, to_hash, texts, updates, updated, before, run_id, result)
    return result


def _copies_whole_rows(conn: sa.Connection, table: sa.Table) -> bool:
    """COPY may name every column (NULL for the ones the batch has not): no column but the
    id has a default, in the table definition or in the target itself (a default someone
    added, a generated column), that NULL would override. Then the row hashes come with the
    COPY."""
    declared = any(
        c.default is not None or c.server_default is not None for c in table.columns if c.name != ID
    )
    return uses_copy(conn) and not declared and not _pg_table(conn, table).defaults


def reserve_ids(conn: sa.Connection, table: sa.Table, count: int) -> list[int] | None:
    """``count`` new ids for ``table`` from its own sequence (PostgreSQL), else None.

    ``nextval`` hands out every id once, to this load or to anybody else writing to the table
    at the same time, and never takes one back, so the rows can be inserted with these ids
    and need not be read back. None where the ids cannot be taken that way: another backend,
    an ``id`` without a sequence, or an identity column ``GENERATED ALWAYS``, which refuses
    ids given to it (the caller then reads the ids back after the insert).
    """
    if not uses_copy(conn):
        return None
    sequence = _pg_table(conn, table).sequence
    if sequence is None:
        return None
    dbapi: Any = conn.connection.driver_connection
    try:
        with dbapi.cursor() as cursor:
            cursor.execute(_RESERVE, [sequence, count])
            low, high, taken, listed = cursor.fetchone()
    except conn.dialect.loaded_dbapi.Error as err:
        raise driver_error(conn, err, _RESERVE) from err
    if taken != count:  # pragma: no cover - generate_series gives exactly count rows
        raise RuntimeError(f"{table.name}: asked the sequence for {count} ids, got {taken}")
    return list(range(low, high + 1)) if listed is None else [int(v) for v in listed]


# The ids come back as a range when nobody else took one in between (the usual case, and
# much less to send and convert than a row per id), else as the list of them.
_RESERVE = (
    "SELECT min(id), max(id), count(*),"
    " CASE WHEN max(id) - min(id) + 1 <> count(*) THEN array_agg(id ORDER BY id) END"
    " FROM (SELECT nextval(%s::regclass) AS id FROM generate_series(1, %s)) AS reserved"
)


@dataclass(frozen=True)
class _PgTable:
    """What the load needs to know of a PostgreSQL table beyond its definition."""

    sequence: str | None  # the sequence ids may be taken from (None: GENERATED ALWAYS, none)
    defaults: int  # columns but the id with a default or generated


def _pg_table(conn: sa.Connection, table: sa.Table) -> _PgTable:
    """Asked of the target's catalog once per table and connection."""
    cache = conn.info.setdefault("crmmigrate_pg_tables", {})
    name = conn.dialect.identifier_preparer.format_table(table)
    if name not in cache:
        sequence, identity, defaults = conn.execute(
            sa.text(
                "SELECT pg_get_serial_sequence(:table, :column),"
                " (SELECT attidentity FROM pg_attribute"
                "  WHERE attrelid = CAST(:table AS regclass) AND attname = :column),"
                " (SELECT count(*) FROM pg_attribute"
                "  WHERE attrelid = CAST(:table AS regclass) AND attnum > 0"
                "  AND NOT attisdropped AND attname <> :column"
                "  AND (atthasdef OR attgenerated <> ''))"
            ),
            {"table": name, "column": ID},
        ).one()
        cache[name] = _PgTable(sequence if identity != "a" else None, int(defaults))
    found: _PgTable = cache[name]
    return found


def _max_id(conn: sa.Connection, table: sa.Table) -> int:
    found = conn.execute(sa.select(sa.func.max(table.c[ID]))).scalar()
    return 0 if found is None else int(found)


def _inserted_ids(
    conn: sa.Connection, table: sa.Table, keys: Sequence[str], floor: int, run_id: str
) -> dict[str, int]:
    """The target ids of the rows this batch just inserted, keyed by external id.

    Neither COPY nor MariaDB's executemany has RETURNING, so the ids are read back: the rows
    above ``floor`` (the highest id before the insert) that carry this load's id, one range
    scan of the primary key. Every row this batch updated or an earlier batch wrote is at or
    below ``floor``. A key not found that way (an id written by hand above the sequence) is
    looked up by external id.
    """
    if not keys:
        return {}
    wanted = set(keys)
    query = sa.select(table.c[EXTERNAL_ID], table.c[ID]).where(
        table.c[ID] > floor, table.c[LOAD_ID] == run_id
    )
    with _index_scans(conn):
        ids = {key: int(id_) for key, id_ in conn.execute(query) if key in wanted}
    if len(ids) < len(wanted):
        missing = [key for key in keys if key not in ids]
        for key, row in select_by_external_id(conn, table, missing, [ID]).items():
            ids[key] = int(row._mapping[ID])
    return ids


def _hash_rows(
    table: sa.Table,
    inserts: Batch,
    inserted: Sequence[int],
    texts: Mapping[str, list[str]],
    updates: Batch,
    updated: Sequence[int],
    before: Mapping[str, Mapping[str, Any]],
    run_id: str,
    result: BatchResult,
) -> None:
    """Each written row's hash, over the whole row as the batch left it."""
    if inserted:
        lines = inserts.lines_for(table, texts)
        hashes = hash_lines([lines[i] for i in inserted])
        for i, row_hash in zip(inserted, hashes, strict=True):
            result.row_hashes[inserts.positions[i]] = row_hash
    if updated:
        rows = []
        for i in updated:
            row = dict(before.get(updates.external_ids[i], {}))
            row.update({c: v[i] for c, v in updates.columns.items()})
            row[EXTERNAL_ID] = updates.external_ids[i]
            row[CONTENT_HASH] = updates.hashes[i]
            row[LOAD_ID] = run_id
            rows.append(row)
        for i, row_hash in zip(updated, target_row_hashes(rows, table), strict=True):
            result.row_hashes[updates.positions[i]] = row_hash
