"""The fast path for the INSERT part of a batch: PostgreSQL ``COPY``, multi-row INSERT elsewhere.

:func:`bulk_insert` writes new rows inside the caller's transaction (or savepoint):

- PostgreSQL through psycopg 3: ``COPY table (columns) FROM STDIN`` (text format, rows adapted
  by psycopg's C adapters) on the connection the SQLAlchemy transaction already holds.
- SQLite: ``executemany`` (sqlite3 runs it in C; nothing faster exists in-process), the
  INSERT compiled once and its parameters built column by column with the types' bind
  processors (SQLAlchemy's own per-row parameter processing was most of the time).
- MySQL/MariaDB through PyMySQL: ``executemany``, which PyMySQL rewrites into multi-row
  ``INSERT ... VALUES (...),(...),...`` statements of up to ~1 MB each.

Errors are raised as SQLAlchemy exceptions (``IntegrityError``, ``DataError``, ...) exactly as
``conn.execute`` would raise them, so the batch writer's savepoint-and-replay handling of bad
rows and its detection of a lost connection work unchanged. The statement and its parameters are
never put into the error (they hold customer values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc


def uses_copy(conn: sa.Connection) -> bool:
    """True when :func:`bulk_insert` will use PostgreSQL's COPY on this connection."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def bulk_insert(
    conn: sa.Connection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
) -> int:
    """Insert ``rows`` (column → Python value) into ``table``; returns the number of rows.

    ``columns`` defaults to the keys of the first row; a key missing from a row is NULL.
    Runs in the caller's transaction; commits nothing.
    """
    if not rows:
        return 0
    names = list(columns) if columns is not None else list(rows[0])
    if uses_copy(conn):
        _copy(conn, table, names, rows)
    elif conn.dialect.name == "sqlite" and not any(c.default is not None for c in table.columns):
        _sqlite_executemany(conn, table, names, rows)
    else:
        conn.execute(sa.insert(table), [{c: row.get(c) for c in names} for row in rows])
    return len(rows)


def _sqlite_executemany(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """The same INSERT executemany, compiled once, its parameters built column by column.

    Each value goes through its column type's bind processor, as SQLAlchemy would apply it.
    """
    compiled = sa.insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
    order = list(compiled.positiontup or ())
    if sorted(order) != sorted(columns):  # not the plain positional INSERT expected
        conn.execute(sa.insert(table), [{c: row.get(c) for c in columns} for row in rows])
        return
    cells = []
    for name in order:
        process = table.c[name].type._cached_bind_processor(conn.dialect)
        values = [row.get(name) for row in rows]
        cells.append([process(v) for v in values] if process is not None else values)
    conn.exec_driver_sql(compiled.string, list(zip(*cells, strict=True)))


def _copy(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    preparer = conn.dialect.identifier_preparer
    target = preparer.format_table(table)
    column_list = ", ".join(preparer.quote(c) for c in columns)
    statement = f"COPY {target} ({column_list}) FROM STDIN"
    dbapi: Any = conn.connection.driver_connection  # the psycopg.Connection itself
    try:
        with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
            write_row = copy.write_row
            if len(columns) > 1:
                values_of = itemgetter(*columns)
                for row in rows:
                    try:
                        values = values_of(row)
                    except KeyError:  # a row without some column: NULL there
                        values = tuple(row.get(c) for c in columns)
                    write_row(values)
            else:
                for row in rows:
                    write_row([row.get(c) for c in columns])
    except conn.dialect.loaded_dbapi.Error as err:
        invalidated = conn.dialect.is_disconnect(err, dbapi, None)
        raise exc.DBAPIError.instance(
            statement,
            None,
            err,
            conn.dialect.loaded_dbapi.Error,
            hide_parameters=True,
            dialect=conn.dialect,
            ismulti=False,
            connection_invalidated=invalidated,
        ) from err
