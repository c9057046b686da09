"""Resolving reference fields (a parent's external id) to the parent table's ``id``.

Parents are loaded first (``schema.load_order``), so the ids of the parents this load wrote
are known (``loaded``: parent → external id → target id) and need no query; a reference to
any other parent is looked up in the target, once per batch and reference field. A reference
the target does not have either points at a parent that failed in this run (the child fails
too) or at a record nobody has — the transform already reported that one, so the child is
loaded with NULL and counted as unresolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa

from crmmigrate.load.batch import select_by_external_id
from crmmigrate.load.prepare import PreparedObject
from crmmigrate.load.schema import ID, reference_column
from crmmigrate.target_schema import ObjectDef


@dataclass(frozen=True)
class ParentIds:
    """The target ids of the records one object's load wrote, by external id."""

    external_ids: pd.Index  # unique
    ids: np.ndarray  # int64, aligned with external_ids

    @classmethod
    def of(cls, external_ids: Sequence[str] | np.ndarray, ids: Sequence[int]) -> ParentIds:
        return cls(pd.Index(list(external_ids), dtype=object), np.asarray(ids, dtype=np.int64))

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The id of each key as an object array, None where this load did not write it."""
        found = np.full(len(keys), None, dtype=object)
        if len(self.ids):
            where = self.external_ids.get_indexer(pd.Index(keys, dtype=object))
            hit = where >= 0
            found[hit] = self.ids[where[hit]].astype(object)  # Python ints
        return found


@dataclass
class ResolvedReferences:
    """Reference columns of one batch and the children that cannot be loaded."""

    # Reference column → the parent id (or None) of each of the batch's positions, in order.
    columns: dict[str, list[int | None]] = field(default_factory=dict)
    unresolved: dict[int, int] = field(default_factory=dict)  # position → NULLed references
    failures: dict[int, str] = field(default_factory=dict)


def resolve_references(
    conn: sa.Connection,
    tables: Mapping[str, sa.Table],
    obj: ObjectDef,
    prepared: PreparedObject,
    positions: Sequence[int],
    failed_in_run: Mapping[str, set[str]],
    loaded: Mapping[str, ParentIds] | None = None,
) -> ResolvedReferences:
    """The batch's references as parent ids: from ``loaded`` where this load wrote the
    parent, else looked up in the parent table (one SELECT per reference field)."""
    resolved = ResolvedReferences()
    index = np.asarray(positions, dtype=np.intp)
    for fname, referenced in prepared.references.items():
        parent = str(obj.fields[fname].object)
        column = reference_column(fname)
        wanted = referenced[index]
        parent_ids = (loaded or {}).get(parent)
        if parent_ids is not None:
            ids = parent_ids.lookup(wanted)
        else:
            ids = np.full(len(wanted), None, dtype=object)
        # A reference to a parent this load did not write: ask the target.
        ask = np.flatnonzero(pd.isna(ids) & pd.notna(wanted))
        keys = {wanted[i] for i in ask}
        found = select_by_external_id(conn, tables[parent], keys, [ID]) if keys else {}
        parent_failures = failed_in_run.get(parent, set())
        values: list[int | None] = ids.tolist()
        for i in ask.tolist():
            key, pos = wanted[i], positions[i]
            if key in found:
                values[i] = int(found[key]._mapping[ID])
            elif key in parent_failures:
                reason = f"{fname}: parent record failed to load ({key})"
                previous = resolved.failures.get(pos)
                resolved.failures[pos] = f"{previous}; {reason}" if previous else reason
            else:
                resolved.unresolved[pos] = resolved.unresolved.get(pos, 0) + 1
        resolved.columns[column] = values
    return resolved
