"""Comparing an existing target with the tables the target schema wants, and adding what is missing.

A difference is anything that would make the load fail or write somewhere else than intended:
a missing column, a column of another type (exact: ``VARCHAR(254)`` is not ``TEXT``), a nullable
column that is ``NOT NULL`` in the target, an unknown ``NOT NULL`` column without a default, a
missing unique key, index or foreign key. A column that is nullable where the schema says
required is *not* a difference: the load enforces required fields itself, and a column added by a
migration is always added nullable (the table may hold rows).

Messages name tables and columns only, never values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import Dialect

from crmmigrate.errors import UsageError

DifferenceKind = Literal[
    "missing_column", "type", "not_null", "extra_not_null", "unique", "index", "foreign_key"
]
FIXABLE: frozenset[str] = frozenset({"missing_column", "unique", "index", "foreign_key"})
MIGRATE_HINT = (
    "see load/schema_diff.txt; fix the target, or rerun with --migrate-schema to add the missing "
    "columns, keys and indexes (types are never changed, nothing is dropped)"
)


@dataclass(frozen=True)
class SchemaDifference:
    """One way an existing table differs from the schema; ``str()`` is the one-line message."""

    table: str
    column: str | None
    kind: DifferenceKind
    message: str

    @property
    def fixable(self) -> bool:
        """Whether ``migrate=True`` can add what is missing (never a type or nullability change)."""
        return self.kind in FIXABLE

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SchemaCheck:
    """What checking the target did: tables created, and migrations applied (one line each)."""

    created: tuple[str, ...]
    migrated: tuple[str, ...] = ()


class SchemaMismatchError(UsageError):
    """The target's tables differ from the schema; ``differences`` lists every one (exit 2)."""

    def __init__(
        self, differences: Sequence[SchemaDifference], *, migrated: Sequence[str] = ()
    ) -> None:
        more = len(differences) - 1
        message = str(differences[0])
        if more:
            message += f" (and {more} more difference{'s' if more > 1 else ''})"
        super().__init__(f"target schema differs: {message}", hint=MIGRATE_HINT)
        self.differences = tuple(differences)
        self.migrated = tuple(migrated)

    def report(self) -> str:
        """Every difference, one per line (what the CLI writes to ``load/schema_diff.txt``)."""
        lines = [str(d) for d in self.differences]
        lines += [f"migrated: {line}" for line in self.migrated]
        return "\n".join(lines) + "\n"


def _type_key(type_: Any) -> tuple[Any, ...]:
    """A dialect-independent identity of a column type: what must match between the two."""
    if isinstance(type_, sa.Boolean):
        return ("boolean",)
    if isinstance(type_, sa.Integer):
        # MySQL/MariaDB have no BOOLEAN: SQLAlchemy creates TINYINT(1) (and reflects it so).
        if type(type_).__name__ == "TINYINT" and getattr(type_, "display_width", None) == 1:
            return ("boolean",)
        return ("bigint",) if isinstance(type_, sa.BigInteger) else ("integer",)
    if isinstance(type_, sa.Float):  # before Numeric: Float is a Numeric
        return ("float",)
    if isinstance(type_, sa.Numeric):
        return ("numeric", type_.precision, type_.scale)
    if isinstance(type_, sa.DateTime):
        return ("datetime",)
    if isinstance(type_, sa.Date):
        return ("date",)
    if isinstance(type_, sa.Text) or type(type_).__name__.endswith("TEXT"):
        # Before String (Text is one); MySQL's TINY/MEDIUM/LONGTEXT are Strings, not Texts.
        return ("text",)
    if isinstance(type_, sa.String):
        return ("varchar", type_.length)
    return ("other", type(type_).__name__)


def _describe(type_: Any, dialect: Dialect) -> str:
    try:
        text = str(type_.compile(dialect=dialect))
    except Exception:  # a reflected type the dialect cannot render: its class name will do
        text = type(type_).__name__
    return re.sub(r"\s+(COLLATE|CHARACTER SET)\s+\S+", "", text)


def _covered(columns: set[tuple[str, ...]], column: str) -> bool:
    return any(cols and cols[0] == column for cols in columns)


def _diff_table(
    inspector: sa.Inspector, table: sa.Table, dialect: Dialect
) -> list[SchemaDifference]:
    name = table.name
    found = {col["name"]: col for col in inspector.get_columns(name)}
    pk = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
    uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)}
    indexes = inspector.get_indexes(name)
    uniques |= {tuple(str(c) for c in i["column_names"]) for i in indexes if i.get("unique")}
    indexed = uniques | {tuple(str(c) for c in i["column_names"]) for i in indexes} | {pk}
    fks = {
        (tuple(fk["constrained_columns"]), fk["referred_table"])
        for fk in inspector.get_foreign_keys(name)
    }
    out: list[SchemaDifference] = []

    def add(column: str | None, kind: DifferenceKind, message: str) -> None:
        out.append(SchemaDifference(name, column, kind, message))

    for column in table.columns:
        col = column.name
        where = f"{name}.{col}"
        if col not in found:
            add(col, "missing_column", f"{where}: missing")
        else:
            have = found[col]
            if _type_key(have["type"]) != _type_key(column.type):
                expected = _describe(column.type, dialect)
                add(
                    col,
                    "type",
                    f"{where}: expected {expected}, found {_describe(have['type'], dialect)}",
                )
            if column.nullable and not have["nullable"] and col not in pk:
                add(col, "not_null", f"{where}: expected nullable, found NOT NULL")
        if column.unique and (col,) not in uniques:
            add(col, "unique", f"{name}: unique key on {col} missing")
        elif column.index and not column.unique and not _covered(indexed, col):
            add(col, "index", f"{name}: index on {col} missing")
        for fk in column.foreign_keys:
            parent = fk.column.table.name
            if ((col,), parent) not in fks:
                add(
                    col, "foreign_key", f"{where}: foreign key to {parent}.{fk.column.name} missing"
                )
    for col, have in found.items():
        if col in table.columns or have["nullable"] or col in pk:
            continue
        if have.get("default") is None and have.get("autoincrement") is not True:
            add(
                col,
                "extra_not_null",
                f"{name}.{col}: not in the schema and NOT NULL without a default",
            )
    return out


def diff_tables(conn: sa.Connection, metadata: sa.MetaData) -> list[SchemaDifference]:
    """Every difference between the target's existing tables and ``metadata`` (parents first).

    Tables the target does not have are not differences: the load creates them.
    """
    inspector = sa.inspect(conn)
    existing = set(inspector.get_table_names())
    out: list[SchemaDifference] = []
    for table in metadata.sorted_tables:
        if table.name in existing:
            out += _diff_table(inspector, table, conn.dialect)
    return out


def _add_column(conn: sa.Connection, table: sa.Table, column: sa.Column[Any]) -> str:
    preparer = conn.dialect.identifier_preparer
    ddl = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
    text = re.sub(r"\s+NOT NULL\b", "", str(ddl))  # added nullable: the table may hold rows
    fk = next(iter(column.foreign_keys), None)
    if fk is not None and conn.dialect.name == "sqlite":
        # SQLite cannot add a constraint later, but takes a REFERENCES clause on ADD COLUMN.
        parent = preparer.quote(fk.column.table.name)
        text += f" REFERENCES {parent} ({preparer.quote(fk.column.name)})"
    conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {text}")
    return f"{table.name}.{column.name}: added column {_describe(column.type, conn.dialect)}"


def _create_index(conn: sa.Connection, table: str, column: str, *, unique: bool) -> str:
    quote = conn.dialect.identifier_preparer.quote
    name = f"{'uq' if unique else 'ix'}_{table}_{column}"
    kind = "UNIQUE INDEX" if unique else "INDEX"
    conn.exec_driver_sql(f"CREATE {kind} {quote(name)} ON {quote(table)} ({quote(column)})")
    return f"{table}: added {'unique key' if unique else 'index'} on {column}"


def migrate_tables(
    conn: sa.Connection, metadata: sa.MetaData, differences: Sequence[SchemaDifference]
) -> list[str]:
    """Add the missing columns, unique keys, indexes and foreign keys among ``differences``.

    Never drops anything or changes a type. Commits; returns one line per change made. A foreign
    key on an existing SQLite column cannot be added (SQLite has no ADD CONSTRAINT): it stays.
    """
    done: list[str] = []
    fixes = [d for d in differences if d.fixable]
    for diff in fixes:
        if diff.kind == "missing_column":
            table = metadata.tables[diff.table]
            done.append(_add_column(conn, table, table.c[str(diff.column)]))
    for diff in fixes:
        if diff.kind in ("unique", "index"):
            unique = diff.kind == "unique"
            done.append(_create_index(conn, diff.table, str(diff.column), unique=unique))
    for diff in fixes:
        if diff.kind != "foreign_key" or conn.dialect.name == "sqlite":
            continue
        for constraint in metadata.tables[diff.table].foreign_key_constraints:
            if list(constraint.column_keys) == [diff.column]:
                conn.execute(sa.schema.AddConstraint(constraint))
                parent = constraint.referred_table.name
                done.append(f"{diff.table}.{diff.column}: added foreign key to {parent}.id")
    conn.commit()
    return done
