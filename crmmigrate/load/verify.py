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
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import exc

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
        return np.asarray([p for p in present if p not in prep.failures], dtype=np.intp)
    loaded = result.success.loc[result.success["object"] == prep.name, "external_id"]
    wanted = set(loaded.astype(str))
    return np.asarray([p for p in present if ids[p] in wanted], dtype=np.intp)


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


def _read(
    conn: sa.Connection, select: sa.Select[Any], key: Any, ids: Sequence[str] | None
) -> dict[str, sa.Row[Any]]:
    if ids is None:
        return {row[0]: row for row in conn.execute(select)}
    found: dict[str, sa.Row[Any]] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        found.update({row[0]: row for row in conn.execute(select.where(key.in_(chunk)))})
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
        out[name] = set(
            _read(conn, sa.select(parent.c[EXTERNAL_ID]), parent.c[EXTERNAL_ID], wanted)
        )
    return out


def _compare(
    obj_name: str,
    obj: ObjectDef,
    fields: Sequence[str],
    clean: dict[str, Any],
    parents: Mapping[str, set[str]],
    positions: np.ndarray,
    ids: np.ndarray,
    rows: Mapping[str, sa.Row[Any]],
) -> tuple[list[Mismatch], list[str], list[str]]:
    """Field-by-field comparison; returns mismatches and the clean / target checksum lines."""
    mismatches: list[Mismatch] = []
    fields = [f for f in fields if f in clean]
    expected = {}
    for name in fields:
        values = clean[name][positions]
        if name in parents:
            known = parents[name]
            values = np.array([v if v in known else None for v in values], dtype=object)
        expected[name] = _canonical_column(values)
    keys = [str(k) for k in ids[positions]]
    found = {
        name: _canonical_column(rows[k]._mapping[name] if k in rows else None for k in keys)
        for name in fields
    }
    clean_lines, target_lines = [], []
    for i, key in enumerate(keys):
        mine = [expected[name][i] for name in fields]
        clean_lines.append(_SEP.join([key, *mine]))
        if key not in rows:
            mismatches.append(Mismatch(obj_name, "missing", key, None, "not in the target"))
            continue
        theirs = [found[name][i] for name in fields]
        target_lines.append(_SEP.join([key, *theirs]))
        for name, a, b in zip(fields, mine, theirs, strict=True):
            if a != b:
                mismatches.append(Mismatch(obj_name, "field", key, name, "differs in the target"))
    return mismatches, clean_lines, target_lines


def _checksum(lines: list[str]) -> str:
    digest = hashlib.sha256()
    for line in sorted(lines):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


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
    the target; without it, every convertible record is expected. Read-only.
    """
    tables = build_metadata(schema).tables
    rng = np.random.default_rng(seed)
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
                prep = prepare_object(name, obj, frames[name])
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
    in_target = int(sum(1 for k in ids if k is not None and k in rows))
    total = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    found, clean_lines, target_lines = _compare(
        name, obj, key_fields, clean, parents, positions, ids, rows
    )
    mismatches = found

    picked = np.sort(rng.choice(positions, size=min(sample, len(positions)), replace=False))
    picked_ids = [str(k) for k in ids[picked]]
    sample_rows = _read(
        conn, _target_select(tables, name, obj, all_fields), table.c[EXTERNAL_ID], picked_ids
    )
    sampled, _, _ = _compare(name, obj, all_fields, clean, parents, picked, ids, sample_rows)
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
