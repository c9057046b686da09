"""Target schema → SQLAlchemy tables, and creating or checking them in a SQL target.

One table per object: ``id`` (autoincrement primary key), ``external_id`` (unique source key),
one column per field, ``<field>_id`` foreign keys for references, and the load's bookkeeping
columns ``_load_id`` (the run that last wrote the row) and ``_content_hash``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from crmmigrate.errors import UsageError
from crmmigrate.load.schema_diff import (
    SchemaCheck,
    SchemaDifference,
    SchemaMismatchError,
    diff_tables,
    migrate_tables,
)
from crmmigrate.target_schema import (
    EXTERNAL_ID,
    EXTERNAL_ID_MAX_LENGTH,
    FieldDef,
    ObjectDef,
    TargetSchema,
)

ID = "id"
LOAD_ID = "_load_id"
CONTENT_HASH = "_content_hash"
BOOKKEEPING_LENGTH = 64
DEFAULT_STRING_LENGTH = 255
TEXT_VARCHAR_LIMIT = 4000

STRING_TYPES = frozenset(
    {
        "string",
        "person_name",
        "company_name",
        "phone",
        "email",
        "url",
        "postal_code",
        "country",
        "picklist",
        "tax_id",
    }
)

# Deterministic constraint names, so later schema diffs and rollbacks can find them.
NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}

_MYSQL_DIALECTS = ("mysql", "mariadb")

__all__ = [
    "SchemaCheck",
    "SchemaDifference",
    "SchemaMismatchError",
    "build_metadata",
    "check_tables",
    "diff_tables",
    "ensure_tables",
    "migrate_tables",
    "schema_lock",
]


def reference_column(field: str) -> str:
    """The column a reference field is stored in: ``account`` → ``account_id``."""
    return f"{field}_id"


def field_column(name: str, fdef: FieldDef) -> str:
    """The column name of a field."""
    return reference_column(name) if fdef.type == "reference" else name


def column_max_length(fdef: FieldDef) -> int | None:
    """The most characters a string or text field's column holds (None: unbounded)."""
    if fdef.type in STRING_TYPES:
        return fdef.max_length or DEFAULT_STRING_LENGTH
    return fdef.max_length if fdef.type == "text" else None


def _string(length: int, *, binary: bool = False) -> sa.types.TypeEngine[Any]:
    # MariaDB compares with a case- and trailing-space-insensitive collation by default; an
    # external id must match exactly, as it does on PostgreSQL and SQLite.
    variant = mysql.VARCHAR(length, collation="utf8mb4_bin") if binary else mysql.VARCHAR(length)
    return sa.String(length).with_variant(variant, *_MYSQL_DIALECTS)


def _text(max_length: int | None) -> sa.types.TypeEngine[Any]:
    # MySQL's TEXT holds 64 KB, too little for 32,000 CJK characters; TEXT(n) picks one that fits.
    variant = mysql.TEXT(length=max_length) if max_length else mysql.LONGTEXT()
    return sa.Text().with_variant(variant, *_MYSQL_DIALECTS)


def column_type(fdef: FieldDef) -> sa.types.TypeEngine[Any]:
    """The SQL type of a non-reference field."""
    kind = fdef.type
    if kind in STRING_TYPES:
        return _string(fdef.max_length or DEFAULT_STRING_LENGTH)
    if kind == "text":
        if fdef.max_length is not None and fdef.max_length <= TEXT_VARCHAR_LIMIT:
            return _string(fdef.max_length)
        return _text(fdef.max_length)
    if kind == "date":
        return sa.Date()
    if kind == "datetime":
        # MySQL's DATETIME drops fractional seconds unless given a precision.
        return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *_MYSQL_DIALECTS)
    if kind == "money":
        return sa.Numeric(18, 2)
    if kind == "number":
        # A Float: MySQL's plain FLOAT is 4 bytes, so ask for double precision everywhere.
        return sa.Double()
    if kind == "integer":
        return sa.BigInteger()
    if kind == "boolean":
        return sa.Boolean()
    raise ValueError(f"no column type for field type {kind!r}")  # pragma: no cover


def _object_columns(name: str, obj: ObjectDef) -> list[sa.schema.SchemaItem]:
    items: list[sa.schema.SchemaItem] = [
        sa.Column(ID, sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            EXTERNAL_ID, _string(EXTERNAL_ID_MAX_LENGTH, binary=True), nullable=False, unique=True
        ),
    ]
    for fname, fdef in obj.fields.items():
        if fdef.type == "reference":
            items.append(
                sa.Column(
                    reference_column(fname),
                    sa.Integer,
                    sa.ForeignKey(f"{fdef.object}.{ID}"),
                    nullable=True,
                    index=True,
                )
            )
            continue
        items.append(
            sa.Column(fname, column_type(fdef), nullable=not fdef.required, unique=fdef.unique)
        )
        length = column_max_length(fdef)
        if length is not None:
            # SQLite ignores VARCHAR lengths; a CHECK makes it reject what the servers reject.
            check = sa.CheckConstraint(f'length("{fname}") <= {length}', name=f"{fname}_length")
            items.append(check.ddl_if(dialect="sqlite"))
    items += [
        sa.Column(LOAD_ID, _string(BOOKKEEPING_LENGTH), nullable=True, index=True),
        sa.Column(CONTENT_HASH, _string(BOOKKEEPING_LENGTH), nullable=True),
    ]
    return items


def build_metadata(schema: TargetSchema) -> sa.MetaData:
    """One table per object of ``schema`` (table name = object name), in load order."""
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    for name in schema.load_order:
        sa.Table(
            name,
            metadata,
            *_object_columns(name, schema.objects[name]),
            sqlite_autoincrement=True,  # never reuse the id of a deleted row
            mysql_engine="InnoDB",  # transactions and foreign keys
            mysql_charset="utf8mb4",
        )
    return metadata


def check_tables(
    conn: sa.Connection, metadata: sa.MetaData, *, migrate: bool = False
) -> SchemaCheck:
    """Create the missing tables; compare the existing ones with ``metadata``, never altering them.

    Every existing table is compared before anything is created, so a bad target is left as it
    was: any difference raises :class:`SchemaMismatchError` (exit 2) listing all of them. With
    ``migrate`` the fixable ones (missing columns, indexes, unique keys, foreign keys of added
    columns) are added first — ``ALTER TABLE ... ADD`` and ``CREATE INDEX`` only, never a drop or
    a type change — and only what is still different raises. Commits what it did.
    """
    differences = diff_tables(conn, metadata)
    done: list[str] = []
    created: list[sa.Table] = []
    if differences and migrate and any(d.fixable for d in differences):
        # Parents first: a foreign key added to an existing table may point at a new one.
        created = _create_missing(conn, metadata)
        done = migrate_tables(conn, metadata, differences)
        differences = diff_tables(conn, metadata)
    if differences:
        conn.rollback()
        raise SchemaMismatchError(differences, migrated=done)
    created += _create_missing(conn, metadata)
    return SchemaCheck(created=tuple(t.name for t in created), migrated=tuple(done))


def _create_missing(conn: sa.Connection, metadata: sa.MetaData) -> list[sa.Table]:
    existing = set(sa.inspect(conn).get_table_names())
    missing = [t for t in metadata.sorted_tables if t.name not in existing]
    metadata.create_all(conn, tables=missing, checkfirst=True)
    conn.commit()
    return missing


def ensure_tables(
    conn: sa.Connection, metadata: sa.MetaData, *, migrate: bool = False
) -> list[str]:
    """:func:`check_tables`, returning the names of the tables it created (parents first)."""
    return list(check_tables(conn, metadata, migrate=migrate).created)


# one number for "crmmigrate is creating or changing tables here" (PostgreSQL takes a bigint)
_SCHEMA_LOCK_KEY = 0x63726D6D6967  # "crmmig"
_SCHEMA_LOCK_NAME = "crmmigrate_schema"
_SCHEMA_LOCK_WAIT = 600  # seconds a MariaDB load waits for another to finish its DDL


@contextmanager
def schema_lock(conn: sa.Connection) -> Iterator[None]:
    """Serialise table creation and migration between loads into the same database.

    Two loads creating the same tables at once would both see them missing; the loser's
    CREATE fails (or, for the journal, violates a catalogue key). A session-level lock held
    around the DDL makes the second wait and then find the tables there. SQLite serialises
    writers itself.
    """
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({_SCHEMA_LOCK_KEY})")
        conn.commit()
        try:
            yield
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_SCHEMA_LOCK_KEY})")
            conn.commit()
    elif dialect in ("mysql", "mariadb"):
        got = conn.exec_driver_sql(
            f"SELECT GET_LOCK('{_SCHEMA_LOCK_NAME}', {_SCHEMA_LOCK_WAIT})"
        ).scalar()
        conn.commit()
        if got != 1:
            raise UsageError(
                f"another load kept the target's tables locked for {_SCHEMA_LOCK_WAIT} s",
                hint="wait for it to finish, then load again",
            )
        try:
            yield
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"SELECT RELEASE_LOCK('{_SCHEMA_LOCK_NAME}')")
            conn.commit()
    else:
        yield


def drop_tables(conn: sa.Connection, metadata: sa.MetaData, names: list[str]) -> None:
    """Drop the named tables (children first) and commit."""
    tables = [metadata.tables[name] for name in names]
    metadata.drop_all(conn, tables=tables, checkfirst=True)
    conn.commit()
