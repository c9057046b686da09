"""References: turn a source's reference values into the referenced records' external ids.

``contacts.account: Company ID`` holds an ERP customer number; it is matched against the keys
of the sources that feed ``accounts`` (or only the source named by ``source:``), or against
account names with ``by: name``. The raw value stays in ``_ref_<field>`` for lineage; a value
that matches nothing (or more than one record) leaves the reference empty and is reported by
validation as ``reference-unresolved`` / ``reference-ambiguous``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import pandas as pd

from crmmigrate.config import Project

AMBIGUOUS = "\x00ambiguous"


def _fold(value: object) -> object:
    if not isinstance(value, str):
        return None
    return unicodedata.normalize("NFKC", value).strip().casefold() or None


def _index(values: pd.Series, ext_ids: pd.Series) -> dict[object, str]:
    """value → external id; a value shared by different records maps to AMBIGUOUS."""
    table = pd.DataFrame({"v": values.map(_fold), "e": ext_ids}).dropna().drop_duplicates()
    counts = table["v"].value_counts()
    out = dict(zip(table["v"], table["e"], strict=True))
    for v in counts.index[counts > 1]:
        out[v] = AMBIGUOUS
    return out


def resolve_references(
    frames: Mapping[str, pd.DataFrame], project: Project
) -> dict[str, dict[str, dict[str, int]]]:
    """Resolve every mapped reference field in place; return counts per object and field."""
    stats: dict[str, dict[str, dict[str, int]]] = {}
    schema = project.schema
    for obj_name, frame in frames.items():
        obj = schema.objects[obj_name]
        for fname, fdef in obj.references.items():
            if fname not in frame.columns:
                continue
            target = frames.get(str(fdef.object))
            raw = frame[fname].astype(object)
            frame[f"_ref_{fname}"] = raw
            resolved = pd.Series([None] * len(frame), index=frame.index, dtype=object)
            for src_name in frame["_source"].unique():
                src = project.source(str(src_name))
                fmap = src.fields.get(fname)
                rows = frame["_source"] == src_name
                if fmap is None or target is None or target.empty:
                    continue
                candidates = target
                if fmap.source:
                    candidates = target[target["_source"] == fmap.source]
                by = fmap.by or fdef.by
                if by == "name" and "name" in candidates.columns:
                    lookup = _index(candidates["name"], candidates["external_id"])
                else:
                    lookup = _index(candidates["_source_key"], candidates["external_id"])
                resolved[rows] = raw[rows].map(_fold).map(lookup)
            present = raw.notna()
            ambiguous = resolved == AMBIGUOUS
            frame[fname] = resolved.where(~ambiguous, None)
            frame[f"_ref_{fname}_status"] = (
                pd.Series(["empty"] * len(frame), index=frame.index, dtype=object)
                .mask(present & frame[fname].notna(), "resolved")
                .mask(present & frame[fname].isna(), "unresolved")
                .mask(ambiguous, "ambiguous")
            )
            counts = frame[f"_ref_{fname}_status"].value_counts()
            stats.setdefault(obj_name, {})[fname] = {
                k: int(counts.get(k, 0)) for k in ("resolved", "unresolved", "ambiguous", "empty")
            }
    return stats
