"""Mapping: source columns → target fields, with lineage, external ids and rejected records.

Each record gets ``_record_id`` (``<source>#<n>``, n counting the source's records in read
order), its lineage (``_source``, ``_source_file``, ``_source_sheet``, ``_source_row``,
``_source_key``) and ``external_id`` (``<source>:<key>``). A record whose key cell is empty
cannot be loaded or upserted: it is rejected with reason ``missing-key``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmmigrate.config import FieldMap, Source
from crmmigrate.extract.readers import RawTable
from crmmigrate.frames import LINEAGE

REJECT_COLUMNS = ["object", *LINEAGE, "external_id", "stage", "reason"]


@dataclass(frozen=True)
class Mapped:
    """A source's records mapped onto its object, and the ones that could not be."""

    records: pd.DataFrame
    rejected: pd.DataFrame
    read: int


def _column(table: pd.DataFrame, fmap: FieldMap) -> np.ndarray:
    n = len(table)
    if fmap.value is not None:
        return np.full(n, fmap.value, dtype=object)
    cols = fmap.columns
    out = table[cols[0]].to_numpy(dtype=object).copy()
    for col in cols[1:]:
        nxt = table[col].to_numpy(dtype=object)
        has_out = pd.notna(out) & (out != "")
        has_nxt = pd.notna(nxt) & (nxt != "")
        both = has_out & has_nxt
        joined = np.where(both, out.astype(str) + fmap.sep + nxt.astype(str), None)
        out = np.where(both, joined, np.where(has_nxt, nxt, out))
    return out


def _key_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return text or None


def map_source(tables: Sequence[RawTable], src: Source, base_dir: str | None = None) -> Mapped:
    """Map every table read for one source; keys become external ids."""
    frames = []
    for table in tables:
        raw = table.frame
        try:
            file_label = (
                table.path.relative_to(base_dir).as_posix() if base_dir else table.path.name
            )
        except ValueError:
            file_label = table.path.as_posix()
        data: dict[str, object] = {
            "_source": src.name,
            "_source_file": file_label,
            "_source_sheet": table.sheet,
            "_source_row": np.asarray(table.row_numbers, dtype=np.int64),
            "_source_key": raw[src.key].to_numpy(dtype=object) if src.key else None,
        }
        for fname, fmap in src.fields.items():
            data[fname] = _column(raw, fmap)
        frame = pd.DataFrame(data, index=pd.RangeIndex(len(raw)))
        if not src.key:
            sheet = f":{table.sheet}" if table.sheet else ""
            frame["_source_key"] = None
            frame["external_id"] = f"{src.name}:{file_label}{sheet}#" + frame["_source_row"].astype(
                str
            )
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    frame.insert(0, "_record_id", [f"{src.name}#{i}" for i in range(1, len(frame) + 1)])
    frame = frame.astype({c: object for c in frame.columns if c != "_source_row"})
    if src.key:
        keys = frame["_source_key"].map(_key_text)
        frame["external_id"] = (src.name + ":" + keys.astype(object)).where(keys.notna(), None)
    missing = frame["external_id"].isna()
    rejected = frame.loc[missing, LINEAGE].assign(
        object=src.object, stage="clean", reason="missing-key"
    )
    return Mapped(frame.loc[~missing].reset_index(drop=True), rejected, read=len(frame))
