"""Resolving reference fields (a parent's external id) to the parent table's ``id``.

Parents are loaded first (``schema.load_order``), so a reference is looked up in the target,
once per batch and reference field. A reference the target does not have either points at a
parent that failed in this run (the child fails too) or at a record nobody has — the transform
already reported that one, so the child is loaded with NULL and counted as unresolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from crmmigrate.load.batch import select_by_external_id
from crmmigrate.load.prepare import PreparedObject
from crmmigrate.load.schema import ID, reference_column
from crmmigrate.target_schema import ObjectDef


@dataclass
class ResolvedReferences:
    """Reference columns of one batch, by position, and the children that cannot be loaded."""

    values: dict[int, dict[str, int | None]] = field(default_factory=dict)
    unresolved: dict[int, int] = field(default_factory=dict)  # position → NULLed references
    failures: dict[int, str] = field(default_factory=dict)


def resolve_references(
    conn: sa.Connection,
    tables: Mapping[str, sa.Table],
    obj: ObjectDef,
    prepared: PreparedObject,
    positions: Sequence[int],
    failed_in_run: Mapping[str, set[str]],
) -> ResolvedReferences:
    """Look up the batch's references in the parent tables (one SELECT per reference field)."""
    if not prepared.references:
        return ResolvedReferences()
    resolved = ResolvedReferences(values={pos: {} for pos in positions})
    for fname, referenced in prepared.references.items():
        parent = str(obj.fields[fname].object)
        column = reference_column(fname)
        wanted = referenced[np.asarray(positions, dtype=np.intp)]
        keys = {key for key in wanted if key is not None}
        found = select_by_external_id(conn, tables[parent], keys, [ID]) if keys else {}
        parent_failures = failed_in_run.get(parent, set())
        for pos, key in zip(positions, wanted, strict=True):
            if key is None:
                resolved.values[pos][column] = None
            elif key in found:
                resolved.values[pos][column] = found[key]._mapping[ID]
            elif key in parent_failures:
                reason = f"{fname}: parent record failed to load ({key})"
                previous = resolved.failures.get(pos)
                resolved.failures[pos] = f"{previous}; {reason}" if previous else reason
            else:
                resolved.values[pos][column] = None
                resolved.unresolved[pos] = resolved.unresolved.get(pos, 0) + 1
    return resolved
