"""The fast path for the INSERT part of a batch: PostgreSQL ``COPY``, multi-row INSERT elsewhere.

:func:`insert_columns` writes new rows, given column by column, inside the caller's transaction
(or savepoint); :func:`bulk_insert` does the same for rows given as dicts:

- PostgreSQL through psycopg 3: ``COPY table (columns) FROM STDIN`` on the connection the
  SQLAlchemy transaction already holds. The text-format data is built column by column
  (:func:`copy_text`: strings escaped only when one needs it, other types formatted once per
  distinct value) and joined into lines in one pass, instead of adapting every row in Python.
- SQLite: ``executemany`` (sqlite3 runs it in C; nothing faster exists in-process), the
  INSERT compiled once and its parameters built column by column with the types' bind
  processors (SQLAlchemy's own per-row parameter processing was most of the time).
- MySQL/MariaDB through PyMySQL: ``executemany``, which PyMySQL rewrites into multi-row
  ``INSERT ... VALUES (...),(...),...`` statements of up to ~1 MB each.

:func:`copy_text` is also the canonical text of a value for the load journal's row hashes
(:func:`row_hashes`), on every backend: a value and the same value read back from the target
give the same text (decimals are normalised, ``12.5`` and ``12.50`` are one value).

Errors are raised as SQLAlchemy exceptions (``IntegrityError``, ``DataError``, ...) exactly as
``conn.execute`` would raise them, so the batch writer's savepoint-and-replay handling of bad
rows and its detection of a lost connection work unchanged. The statement and its parameters are
never put into the error (they hold customer values).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import exc

NULL = "\\N"
_SPECIAL = ("\\", "\t", "\n", "\r")
# Rows per write of copy_hashed: the server parses one chunk while the next is hashed.
COPY_CHUNK = 1000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def uses_copy(conn: sa.Connection) -> bool:
    """True when :func:`bulk_insert` will use PostgreSQL's COPY on this connection."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def _text(value: Any) -> str:
    """One non-missing value as COPY text (and as the canonical text of row hashes)."""
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Decimal):
        # 12.5 and 12.50 (what a NUMERIC(18, 2) column gives back) are one value; -0 is 0.
        return format((value + 0).normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, np.bool_):
        return "t" if value else "f"
    if isinstance(value, np.floating):
        return repr(float(value))
    raise TypeError(f"cannot write a {type(value).__name__} to the target")


def copy_text(values: Sequence[Any] | np.ndarray) -> list[str]:
    """Each value as a field of PostgreSQL's COPY text format; missing values are ``\\N``.

    Works column-wise: a column of strings is escaped only if some value needs it; other
    columns are formatted once per distinct value (a column holds one type).
    """
    array = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if array.dtype != object:
        array = array.astype(object)
    if len(array) == 0:
        return []
    missing = np.asarray(pd.isna(array), dtype=bool)
    kind = pd.api.types.infer_dtype(array, skipna=True)
    if kind == "empty":
        return [NULL] * len(array)
    if kind == "string":
        present = array[~missing]
        joined = "\0".join(present)
        if any(c in joined for c in _SPECIAL):
            array = array.copy()
            # One translate over the whole column, split back: PostgreSQL text holds no NUL,
            # so a NUL separates the values (a value with one is escaped on its own).
            if joined.count("\0") != len(present) - 1:
                array[~missing] = [v.translate(_ESCAPES) for v in present]
            else:
                array[~missing] = joined.translate(_ESCAPES).split("\0")
        if missing.any():
            array = np.where(missing, NULL, array)
        return list(array.tolist())
    if kind == "integer" and not isinstance(array[~missing][0], bool):
        text = np.full(len(array), NULL, dtype=object)
        text[~missing] = array[~missing].astype(np.int64).astype(str).astype(object)
        return list(text.tolist())
    codes, uniques = pd.factorize(array, use_na_sentinel=True)
    # One slot per distinct value, then the one code -1 (missing) indexes.
    texts = np.array([*(_text(u) for u in uniques), NULL], dtype=object)
    return list(texts[codes].tolist())


def row_hashes(texts: Sequence[Sequence[str]]) -> list[str]:
    """A hash per row of the :func:`copy_text` columns ``texts`` (in a fixed column order)."""
    if not texts:
        return []
    return hash_lines(list(map("\t".join, zip(*texts, strict=True))))


def hash_lines(lines: Sequence[str]) -> list[str]:
    """The row hash of each row already joined into one line (see :func:`row_hashes`)."""
    return [_hash(line) for line in lines]


def _hash(line: str) -> str:
    return hashlib.blake2b(line.encode(), digest_size=16).hexdigest()


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
    return insert_columns(conn, table, {c: [row.get(c) for row in rows] for c in names})


def insert_columns(
    conn: sa.Connection,
    table: sa.Table,
    columns: Mapping[str, Sequence[Any]],
    texts: Mapping[str, Sequence[str]] | None = None,
) -> int:
    """Insert the rows given column by column (equal lengths); returns the number of rows.

    ``texts`` may hold the :func:`copy_text` of some columns already (COPY reuses them).
    Runs in the caller's transaction; commits nothing.
    """
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return 0
    if uses_copy(conn):
        known = texts or {}
        _copy(conn, table, names, [known.get(c) or copy_text(columns[c]) for c in names])
    elif conn.dialect.name == "sqlite" and not any(c.default is not None for c in table.columns):
        _sqlite_executemany(conn, table, columns, texts or {})
    else:
        rows = [
            dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)
        ]
        conn.execute(sa.insert(table), rows)
    return count


def _sqlite_executemany(
    conn: sa.Connection,
    table: sa.Table,
    columns: Mapping[str, Sequence[Any]],
    texts: Mapping[str, Sequence[str]],
) -> None:
    """The same INSERT executemany, compiled once, its parameters built column by column.

    Each value goes through its column type's bind processor, as SQLAlchemy would apply it;
    a date column whose COPY text the caller has takes that instead, the same ISO text
    (checked on its first value) for a small part of the cost.

    A column that is NULL in every row of the batch is left out of the INSERT when the table
    in the database gives it no default (it is NULL then either way): SQLite's cost grows
    with the columns bound, and a CRM table has many a source never fills (44 columns bound
    instead of 14 took six times as long).
    """
    bare = _sqlite_no_default(conn, table)
    columns = {
        name: values
        for name, values in columns.items()
        if name not in bare or not _all_null(values)
    } or dict(columns)
    compiled = sa.insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
    order = list(compiled.positiontup or ())
    if sorted(order) != sorted(columns):  # not the plain positional INSERT expected
        rows = [
            dict(zip(columns, values, strict=True))
            for values in zip(*columns.values(), strict=True)
        ]
        conn.execute(sa.insert(table), rows)
        return
    cells: list[Sequence[Any]] = []
    for name in order:
        process = table.c[name].type._cached_bind_processor(conn.dialect)
        values = columns[name]
        if (
            process is not None
            and name in texts
            and _same_text(table.c[name], process, values, texts[name])
        ):
            cells.append([None if t == NULL else t for t in texts[name]])
        elif process is not None:
            cells.append([process(v) for v in values])
        else:
            cells.append(values)
    conn.exec_driver_sql(compiled.string, list(zip(*cells, strict=True)))


def _all_null(values: Sequence[Any]) -> bool:
    if isinstance(values, list):
        with suppress(TypeError):  # a value whose == None is not a bool (pd.NA)
            return values.count(None) == len(values)  # in C
    return all(v is None for v in values)


def _sqlite_no_default(conn: sa.Connection, table: sa.Table) -> frozenset[str]:
    """The table's columns that the database itself gives no default and that are not
    generated (``PRAGMA table_xinfo``), asked once per table and connection."""
    cache = conn.info.setdefault("crmmigrate_sqlite_bare", {})
    if table.name not in cache:
        preparer = conn.dialect.identifier_preparer
        schema = f"{preparer.quote(table.schema)}." if table.schema else ""
        pragma = f"PRAGMA {schema}table_xinfo({preparer.quote(table.name)})"
        # cid, name, type, notnull, dflt_value, pk, hidden (0: an ordinary column)
        found = conn.exec_driver_sql(pragma).fetchall()
        cache[table.name] = frozenset(row[1] for row in found if row[4] is None and row[6] == 0)
    bare: frozenset[str] = cache[table.name]
    return bare


def _same_text(
    column: sa.Column[Any], process: Any, values: Sequence[Any], texts: Sequence[str]
) -> bool:
    """A Date column whose bind processor gives exactly the COPY text (ISO), first value
    checked: SQLite stores the text as it is, so the text can be bound instead."""
    if not isinstance(column.type, sa.Date):
        return False
    first = next((i for i, v in enumerate(values) if v is not None), None)
    return first is None or process(values[first]) == texts[first]


def _copy_statement(conn: sa.Connection, table: sa.Table, columns: Sequence[str]) -> str:
    preparer = conn.dialect.identifier_preparer
    column_list = ", ".join(preparer.quote(c) for c in columns)
    return f"COPY {preparer.format_table(table)} ({column_list}) FROM STDIN"


def _copy(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], texts: Sequence[Sequence[str]]
) -> None:
    statement = _copy_statement(conn, table, columns)
    dbapi: Any = conn.connection.driver_connection  # the psycopg.Connection itself
    data = "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"
    try:
        with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(data)
    except conn.dialect.loaded_dbapi.Error as err:
        raise driver_error(conn, err, statement) from err


def copy_hashed(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    lines: Sequence[str],
    ids: tuple[str, Sequence[int]] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[str]:
    """COPY rows into ``table`` (PostgreSQL) and return their :func:`hash_lines`.

    ``lines`` are the rows as COPY text (:func:`copy_text` fields joined by tabs) of
    ``columns``; ``ids`` (a column name and one id per row) go in first and are not hashed.
    The rows travel in chunks of COPY_CHUNK, each hashed right after it is sent, while the
    server parses it: the hashes the journal needs then cost next to no time beside the
    server's work. ``meanwhile`` is called after the last chunk, before the COPY is
    finished: more of the caller's work the server's parsing hides. Runs in the caller's
    transaction; an error returns nothing (the COPY inserted nothing).
    """
    names = [ids[0], *columns] if ids is not None else list(columns)
    statement = _copy_statement(conn, table, names)
    dbapi: Any = conn.connection.driver_connection
    hashes: list[str] = []
    try:
        with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
            for start in range(0, len(lines), COPY_CHUNK):
                chunk = lines[start : start + COPY_CHUNK]
                if ids is None:
                    copy.write("\n".join(chunk) + "\n")
                else:
                    keys = ids[1][start : start + COPY_CHUNK]
                    copy.write("".join(map("{}\t{}\n".format, keys, chunk)))
                hashes += hash_lines(chunk)
            if meanwhile is not None:
                meanwhile()
    except conn.dialect.loaded_dbapi.Error as err:
        raise driver_error(conn, err, statement) from err
    return hashes


def driver_error(conn: sa.Connection, err: Any, statement: str) -> exc.DBAPIError:
    """A driver's exception, on a statement run on the raw connection, as SQLAlchemy's."""
    dbapi: Any = conn.connection.driver_connection
    invalidated = conn.dialect.is_disconnect(err, dbapi, None)
    return exc.DBAPIError.instance(
        statement,
        None,
        err,
        conn.dialect.loaded_dbapi.Error,
        hide_parameters=True,
        dialect=conn.dialect,
        ismulti=False,
        connection_invalidated=invalidated,
    )
