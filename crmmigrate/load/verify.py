"""Post-load verification: read the target back and compare it with the clean data.

Per object: counts (clean, loaded, rejected, in the target with this run's external ids, total
in the target); a SHA-256 over the sorted external ids and normalised *key fields* (required,
unique and reference fields) of every record that should be in the target, computed on both
sides; and a seeded random sample of records compared on *every* field after type conversion
(dates as dates, money as Decimal, references by the parent's external id).

Clean values go through the load's own conversion (:func:`prepare_object`), so "equal" means
"the value the load meant to write is the value the target holds". Mismatches name the object,
external id and field, never a value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import exc

from crmmigrate.load.copy import driver_error, uses_copy
from crmmigrate.load.loader import LoadResult
from crmmigrate.load.prepare import PreparedObject, prepare_object
from crmmigrate.load.schema import ID, build_metadata, field_column
from crmmigrate.load.target import is_unavailable, open_engine, unreachable
from crmmigrate.target_schema import EXTERNAL_ID, ObjectDef, TargetSchema

MismatchKind = Literal["missing", "field"]
LOOKUP_CHUNK = 900
_SEP = "\x1f"


@dataclass(frozen=True)
class Mismatch:
    """One disagreement between the clean data and the target (no values)."""

    object: str
    kind: MismatchKind
    external_id: str | None = None
    field: str | None = None
    detail: str = ""

    def __str__(self) -> str:
        where = self.object + (f" {self.external_id}" if self.external_id else "")
        return f"{where}{f'.{self.field}' if self.field else ''}: {self.detail}"


@dataclass(frozen=True)
class ObjectVerification:
    """Counts and checksums of one object; ``checksum_clean == checksum_target`` when all agree."""

    object: str
    clean: int
    loaded: int
    rejected: int
    in_target: int  # rows of the target with an external id of this object's clean records
    target_total: int  # every row of the target table
    key_fields: tuple[str, ...]
    checksum_clean: str
    checksum_target: str
    sampled: int


@dataclass(frozen=True)
class Verification:
    """The verification of one load; ``ok`` is False on any mismatch (the CLI exits 1)."""

    run_id: str
    objects: tuple[ObjectVerification, ...]
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "ok": self.ok,
            "objects": [asdict(o) for o in self.objects],
            "mismatches": [asdict(m) for m in self.mismatches],
        }


def canonical(value: Any) -> str:
    """One text form per value, the same whichever backend or Python type it came from."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _canonical_column(values: Iterable[Any]) -> np.ndarray:
    array = np.fromiter(values, dtype=object)
    codes, uniques = pd.factorize(array, use_na_sentinel=True)
    mapped = np.array([canonical(u) for u in uniques] + [""], dtype=object)
    return mapped[codes]


def _key_fields(obj: ObjectDef) -> tuple[str, ...]:
    return tuple(
        name for name, f in obj.fields.items() if f.required or f.unique or f.type == "reference"
    )


def _expected(prep: PreparedObject, result: LoadResult | None) -> np.ndarray:
    """Positions of the records that should be in the target."""
    ids = prep.external_ids
    present = np.flatnonzero(pd.notna(ids))
    if result is None:
        failed = np.fromiter(prep.failures, dtype=np.intp, count=len(prep.failures))
        return present[~np.isin(present, failed)].astype(np.intp)
    loaded = result.success.loc[result.success["object"] == prep.name, "external_id"]
    wanted = pd.Index(loaded.astype(str).unique())
    return present[wanted.get_indexer(ids[present]) >= 0].astype(np.intp)


def _clean_values(prep: PreparedObject, obj: ObjectDef, fields: Sequence[str]) -> dict[str, Any]:
    """Field → the values the load bound (references as the parent's external id)."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in prep.references:
            out[name] = prep.references[name]
        elif (column := field_column(name, obj.fields[name])) in prep.values:
            out[name] = prep.values[column]
    return out


def _target_select(
    tables: Mapping[str, sa.Table], obj_name: str, obj: ObjectDef, fields: Sequence[str]
) -> sa.Select[Any]:
    table = tables[obj_name]
    columns: list[Any] = [table.c[EXTERNAL_ID]]
    joined: Any = table
    for name in fields:
        fdef = obj.fields[name]
        if fdef.type == "reference":
            parent = tables[str(fdef.object)].alias(f"p_{name}")
            joined = joined.outerjoin(parent, table.c[field_column(name, fdef)] == parent.c[ID])
            columns.append(parent.c[EXTERNAL_ID].label(name))
        else:
            columns.append(table.c[name].label(name))
    return sa.select(*columns).select_from(joined)


@dataclass(frozen=True)
class _TargetRows:
    """Rows read back from the target, column by column, found by external id."""

    keys: pd.Index  # external ids (unique in the target: a unique constraint)
    columns: dict[str, np.ndarray]  # field → one value per row (objects), in ``keys`` order

    def at(self, keys: Sequence[str] | np.ndarray) -> np.ndarray:
        """Each key's row number, -1 where the target has no such row."""
        wanted = pd.Index(np.asarray(keys, dtype=object))
        return np.asarray(self.keys.get_indexer(wanted), dtype=np.intp)

    def __len__(self) -> int:
        return len(self.keys)


def _read(
    conn: sa.Connection, select: sa.Select[Any], key: Any, ids: Sequence[str] | None
) -> _TargetRows:
    """The rows of ``select`` (the external id first), all of them or those of ``ids``."""
    if ids is None:
        rows = _fetch(conn, select)
    else:
        rows = []
        for start in range(0, len(ids), LOOKUP_CHUNK):
            rows += _fetch(conn, select.where(key.in_(ids[start : start + LOOKUP_CHUNK])))
    names = [c.name for c in select.selected_columns][1:]
    # column by column (itemgetter runs in C; zip(*rows) of a million rows takes seconds)
    keys = pd.Index(_objects(list(map(itemgetter(0), rows))))
    columns = {n: _objects(list(map(itemgetter(i), rows))) for i, n in enumerate(names, 1)}
    return _TargetRows(keys, columns)


def _objects(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _as_driver_gives(kind: Any) -> bool:
    """A column type whose values psycopg returns as SQLAlchemy would (no result processing):
    text, integers, dates, booleans, NUMERIC as Decimal and floating point as float."""
    if isinstance(kind, sa.Float):
        return not kind.asdecimal
    if isinstance(kind, sa.Numeric):
        return bool(kind.asdecimal)
    return isinstance(kind, sa.String | sa.Integer | sa.Date | sa.Boolean) and not isinstance(
        kind, sa.DateTime | sa.Enum
    )


def _fetch(conn: sa.Connection, select: sa.Select[Any]) -> Sequence[Sequence[Any]]:
    """``select``'s rows as tuples; on PostgreSQL through psycopg itself when its columns need
    no conversion (SQLAlchemy's row handling doubles the time of reading a million rows)."""
    plain = all(_as_driver_gives(c.type) for c in select.selected_columns)
    if not (uses_copy(conn) and plain):
        return conn.execute(select).fetchall()
    compiled = select.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    dbapi: Any = conn.connection.driver_connection
    try:
        with dbapi.cursor() as cursor:
            cursor.execute(compiled.string, compiled.params)
            found: list[tuple[Any, ...]] = cursor.fetchall()
    except conn.dialect.loaded_dbapi.Error as err:
        raise driver_error(conn, err, compiled.string) from err
    return found


def _parents_present(
    conn: sa.Connection,
    tables: Mapping[str, sa.Table],
    obj: ObjectDef,
    clean: dict[str, Any],
    positions: np.ndarray,
) -> dict[str, set[str]]:
    """Per reference field: the referenced external ids the parent table has (the others were
    loaded as NULL on purpose — unresolved references the transform already reported)."""
    out: dict[str, set[str]] = {}
    for name, fdef in obj.references.items():
        if name not in clean:
            continue
        wanted = sorted({v for v in clean[name][positions] if v is not None})
        parent = tables[str(fdef.object)]
        found = _read(conn, sa.select(parent.c[EXTERNAL_ID]), parent.c[EXTERNAL_ID], wanted)
        out[name] = set(found.keys)
    return out


def _compare(
    obj_name: str,
    fields: Sequence[str],
    clean: dict[str, Any],
    parents: Mapping[str, set[str]],
    positions: np.ndarray,
    ids: np.ndarray,
    target: _TargetRows,
    at: np.ndarray | None = None,
) -> tuple[list[Mismatch], list[str], list[str]]:
    """Field-by-field comparison, column by column; returns mismatches and the clean / target
    checksum lines (the target's only for the records it has). ``at``: the target row of each
    position, when the caller has looked them up already."""
    fields = [f for f in fields if f in clean]
    keys = [str(k) for k in ids[positions]]
    at = target.at(keys) if at is None else at
    there = at >= 0
    expected, found, differs = {}, {}, np.zeros((len(fields), len(keys)), dtype=bool)
    for i, name in enumerate(fields):
        values = clean[name][positions]
        if name in parents:
            known = pd.Series(values, dtype=object).isin(parents[name]).to_numpy()
            values = np.where(known, values, None)
        expected[name] = _canonical_column(values)
        column = target.columns[name] if len(target) else None
        theirs = np.full(len(keys), "", dtype=object)
        if column is not None and there.any():
            theirs[there] = _canonical_column(column[at[there]])
        found[name] = theirs
        differs[i] = there & (expected[name] != theirs)
    key_array = np.asarray(keys, dtype=object)
    clean_lines = _lines(key_array, [expected[n] for n in fields])
    target_lines = _lines(key_array[there], [found[n][there] for n in fields])
    mismatches: list[Mismatch] = []
    for row in np.flatnonzero(~there | differs.any(axis=0)):  # the records that disagree
        if not there[row]:
            mismatches.append(Mismatch(obj_name, "missing", keys[row], None, "not in the target"))
            continue
        mismatches += [
            Mismatch(obj_name, "field", keys[row], name, "differs in the target")
            for f, name in enumerate(fields)
            if differs[f, row]
        ]
    return mismatches, clean_lines, target_lines


def _lines(keys: np.ndarray, columns: Sequence[np.ndarray]) -> list[str]:
    """Each record's key and canonical values joined by the unit separator."""
    return list(map(_SEP.join, zip(keys, *columns, strict=True)))


def _checksum(lines: list[str]) -> str:
    """SHA-256 of the sorted lines, each ended by a newline."""
    text = "\n".join(sorted(lines)) + "\n" if lines else ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_load(
    frames: Mapping[str, pd.DataFrame],
    schema: TargetSchema,
    url: str,
    run_id: str,
    *,
    result: LoadResult | None = None,
    sample: int = 200,
    seed: int = 0,
) -> Verification:
    """Compare the target at ``url`` with the clean ``frames`` the run loaded.

    ``result`` (the load's) gives the loaded/rejected counts and which records should be in
    the target; without it, every convertible record is expected. It must be the result of
    loading these same ``frames``: its converted frames (``result.prepared``) are what the
    target is compared with. Read-only.
    """
    tables = build_metadata(schema).tables
    rng = np.random.default_rng(seed)
    # the load's own conversion of the same frames, when it is given (prepare is pure)
    converted = {p.name: p for p in result.prepared} if result is not None else {}
    engine = open_engine(url)
    objects, mismatches = [], []
    try:
        try:
            conn = engine.connect()
        except (exc.OperationalError, exc.InterfaceError) as err:
            raise unreachable(url, err, connecting=True) from err
        with conn:
            for name in (n for n in schema.load_order if n in frames):
                obj = schema.objects[name]
                prep = converted.get(name) or prepare_object(name, obj, frames[name])
                ov, found = _verify_object(conn, tables, name, obj, prep, result, rng, sample)
                objects.append(ov)
                mismatches += found
    except exc.DBAPIError as err:
        if is_unavailable(err):
            raise unreachable(url, err, connecting=False) from err
        raise
    finally:
        engine.dispose()
    return Verification(run_id, tuple(objects), tuple(mismatches))


def _verify_object(
    conn: sa.Connection,
    tables: Mapping[str, sa.Table],
    name: str,
    obj: ObjectDef,
    prep: PreparedObject,
    result: LoadResult | None,
    rng: np.random.Generator,
    sample: int,
) -> tuple[ObjectVerification, list[Mismatch]]:
    table = tables[name]
    key_fields = _key_fields(obj)
    positions = _expected(prep, result)
    all_fields = list(obj.fields)
    clean = _clean_values(prep, obj, all_fields)
    parents = _parents_present(conn, tables, obj, clean, positions)

    ids = prep.external_ids
    rows = _read(conn, _target_select(tables, name, obj, key_fields), table.c[EXTERNAL_ID], None)
    present = np.flatnonzero(pd.notna(ids))
    rows_at = np.full(len(ids), -1, dtype=np.intp)  # each record's row in the target, or -1
    if len(present):
        rows_at[present] = rows.at([str(k) for k in ids[present]])
    in_target = int(np.count_nonzero(rows_at >= 0))
    total = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    found, clean_lines, target_lines = _compare(
        name, key_fields, clean, parents, positions, ids, rows, rows_at[positions]
    )
    mismatches = found

    picked = np.sort(rng.choice(positions, size=min(sample, len(positions)), replace=False))
    picked_ids = [str(k) for k in ids[picked]]
    sample_rows = _read(
        conn, _target_select(tables, name, obj, all_fields), table.c[EXTERNAL_ID], picked_ids
    )
    sampled, _, _ = _compare(name, all_fields, clean, parents, picked, ids, sample_rows)
    seen = {(m.external_id, m.field) for m in mismatches}
    mismatches += [m for m in sampled if (m.external_id, m.field) not in seen]

    counts = result.counts(name) if result is not None else None
    loaded = len(positions) if counts is None else counts.attempted - counts.failed
    rejected = len(prep.failures) if counts is None else counts.failed
    ov = ObjectVerification(
        object=name,
        clean=prep.size,
        loaded=loaded,
        rejected=rejected,
        in_target=in_target,
        target_total=total,
        key_fields=key_fields,
        checksum_clean=_checksum(clean_lines),
        checksum_target=_checksum(target_lines),
        sampled=len(picked),
    )
    return ov, mismatches
