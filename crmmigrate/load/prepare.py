"""Check an object's frame against the target schema and convert it for binding.

Runs before the target is touched, so a frame that cannot be loaded at all (an unknown column,
no ``external_id``) stops the load with a usage error instead of half-loading the objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmmigrate.errors import UsageError
from crmmigrate.load.convert import convert_column, text_column
from crmmigrate.load.schema import field_column
from crmmigrate.target_schema import EXTERNAL_ID, ObjectDef

# Frame column → result column. The first three must be present; the rest default to None.
REQUIRED_COLUMNS = ("_record_id", EXTERNAL_ID, "_content_hash")
LINEAGE_COLUMNS = {
    "_record_id": "record_id",
    "_source": "source",
    "_source_file": "source_file",
    "_source_sheet": "source_sheet",
    "_source_row": "source_row",
    "_source_key": "source_key",
    EXTERNAL_ID: "external_id",
}


@dataclass
class PreparedObject:
    """One object's rows, converted, with the records that already failed before the load."""

    name: str
    lineage: pd.DataFrame  # object + LINEAGE_COLUMNS values, one row per frame row
    external_ids: np.ndarray  # str / None
    hashes: np.ndarray  # str / None
    values: dict[str, np.ndarray]  # column → Python values, for the fields the frame has
    references: dict[str, np.ndarray]  # reference field → referenced external id (str / None)
    failures: dict[int, str] = field(default_factory=dict)  # row position → reason

    @property
    def size(self) -> int:
        return len(self.lineage)


def _lineage(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    out["object"] = name
    for src, dst in LINEAGE_COLUMNS.items():
        if src not in frame.columns:
            out[dst] = None
        elif src == "_source_row":
            out[dst] = pd.to_numeric(frame[src], errors="coerce").astype("Int64")
        else:
            column = frame[src].astype(object)
            out[dst] = column.where(column.notna(), None)
    return out


def _check_columns(name: str, obj: ObjectDef, frame: pd.DataFrame) -> None:
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise UsageError(
                f"{name}: the frame has no {column} column",
                hint="load the clean frames a crmmigrate run wrote",
            )
    unknown = [c for c in frame.columns if not str(c).startswith("_") and c != EXTERNAL_ID]
    unknown = [c for c in unknown if c not in obj.fields]
    if unknown:
        raise UsageError(
            f"{name}.{unknown[0]}: not a field of {name} in the target schema",
            hint="map the column to a field of the target schema or drop it",
        )


def prepare_object(name: str, obj: ObjectDef, frame: pd.DataFrame) -> PreparedObject:
    """Convert ``frame`` column by column; conversion failures become record failures."""
    _check_columns(name, obj, frame)
    frame = frame.reset_index(drop=True)
    prepared = PreparedObject(
        name=name,
        lineage=_lineage(name, frame),
        external_ids=text_column(frame[EXTERNAL_ID]),
        hashes=text_column(frame["_content_hash"]),
        values={},
        references={},
    )
    reasons: dict[int, list[str]] = {}  # position → reasons, for the records that fail

    missing_id = np.flatnonzero(pd.isna(prepared.external_ids))
    for pos in missing_id:
        reasons.setdefault(int(pos), []).append(f"{EXTERNAL_ID}: missing")
    # The contract says unique; a repeat would otherwise silently overwrite the first record.
    repeats = pd.Series(prepared.external_ids).duplicated(keep="first").to_numpy()
    for pos in np.flatnonzero(repeats & ~pd.isna(prepared.external_ids)):
        reasons.setdefault(int(pos), []).append(
            f"{EXTERNAL_ID}: repeats an earlier record of this load"
        )

    for fname, fdef in obj.fields.items():
        if fname not in frame.columns:
            continue  # not mapped: inserted as NULL, left alone on update
        if fdef.type == "reference":
            prepared.references[fname] = text_column(frame[fname])
            continue
        converted = convert_column(fname, fdef, frame[fname])
        prepared.values[field_column(fname, fdef)] = converted.values
        for pos in np.flatnonzero(converted.failed):
            reasons.setdefault(int(pos), []).append(converted.reasons[pos])

    prepared.failures = {pos: "; ".join(reasons[pos]) for pos in sorted(reasons)}
    return prepared
