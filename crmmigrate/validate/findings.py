"""Finding rows: one per failing record, built from a catalogue entry and a mask of hits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmigrate.frames import LINEAGE
from crmmigrate.validate.catalogue import CATALOGUE

FINDING_COLUMNS = [
    "code",
    "severity",
    "object",
    "field",
    "rule",
    "record_id",
    "source",
    "source_file",
    "source_sheet",
    "source_row",
    "source_key",
    "message",
]
# Kept in memory beside the findings; written to validation.json only with --show-values.
VALUE = "value"
# where a record that crmmigrate made (a guest customer from orders) stands instead of file:row
CREATED = "created by {source}, no source row"


def location(file: object, sheet: object, row: object, source: object = None) -> str:
    """Where a record came from, as a person finds it: ``orders.xlsx[2024-01]:12``.

    The sheet is named for workbooks; a record with no source row (made by crmmigrate) says so.
    """
    if _blank(row) or _blank(file):
        return CREATED.format(source="crmmigrate" if _blank(source) else source)
    where = str(file) if _blank(sheet) else f"{file}[{sheet}]"
    return f"{where}:{int(row) if isinstance(row, float) else row}"


def _blank(value: object) -> bool:
    """None, NaN, pandas' NA or an empty string: how a missing lineage cell can read back."""
    return (
        value is None
        or value is pd.NA
        or value == ""
        or (isinstance(value, float) and np.isnan(value))
    )


def row_numbers(rows: pd.Series) -> np.ndarray:
    """Source rows as ints, None where there is none.

    A clean frame holding created records (no source row) reads ``_source_row`` back as floats
    with NaN: ``9.0`` must still be row 9.
    """
    numbers = pd.to_numeric(rows, errors="coerce").astype("Int64")
    return numbers.astype(object).where(numbers.notna(), None).to_numpy()


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in [*FINDING_COLUMNS, VALUE]})


def findings_for(
    frame: pd.DataFrame,
    obj: str,
    field: str,
    mask: np.ndarray,
    code: str,
    *,
    rule: str | None = None,
    offending: pd.Series | None = None,
    reasons: pd.Series | None = None,
    severity: pd.Series | str | None = None,
    **fmt: object,
) -> pd.DataFrame:
    """Findings of one code for the records in ``mask``; ``reasons`` aligned with the hits.

    ``offending`` (aligned with ``frame``) are the offending values, kept only for --show-values.
    """
    kind = CATALOGUE[code]
    at = np.flatnonzero(mask)
    # only the lineage columns, taken at the hits (not a copy of every column of the frame)
    hit = frame[LINEAGE].take(at)
    if reasons is None:
        message: object = kind.template.format(
            object=obj, field=field, reason="", detail="", rule=rule or code, **fmt
        )
    else:
        head, _, tail = kind.template.partition("{reason}")
        if "{detail}" in kind.template:
            head, _, tail = kind.template.partition("{detail}")
            reasons = " (" + reasons + ")"
        elif "{reason}" not in kind.template:  # the template has no slot: append the reason
            head, tail = kind.template, ""
            reasons = " (" + reasons + ")"
        head = head.format(object=obj, field=field, **fmt)
        message = (head + reasons.astype(str) + tail.format(**fmt)).to_numpy()
    if offending is None:
        offending = frame[field] if field in frame.columns else None
    return pd.DataFrame(
        {
            "code": code,
            "severity": kind.severity
            if severity is None
            else (severity if isinstance(severity, str) else severity.to_numpy()),
            "object": obj,
            "field": field,
            "rule": rule or code,
            "record_id": hit["_record_id"].to_numpy(),
            "source": hit["_source"].to_numpy(),
            "source_file": hit["_source_file"].to_numpy(),
            "source_sheet": hit["_source_sheet"].to_numpy(),
            "source_row": row_numbers(hit["_source_row"]),
            "source_key": hit["_source_key"].to_numpy(),
            "message": message,
            VALUE: None if offending is None else offending.to_numpy()[at],
        }
    )
