"""Merge v0: records of one object that share an external id become one record.

The same key twice in a source is an export glitch (or a re-exported order); an upsert could
not tell the two apart, so they are merged here. The survivor is the most complete record, the
one read last on a tie (a later file or row is a later export of the same record). Its empty
fields are filled from the others (``merge.fill``) and every value that loses is written to the
change log (``merge.lost``), never thrown away. The dedupe issue adds fuzzy matching across
keys; its clusters plug into the same outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmmigrate.transform.changes import ChangeLog

CLUSTER_COLUMNS = ["record_id", "object", "source", "source_key", "cluster_id", "score", "survivor"]


@dataclass(frozen=True)
class Merged:
    records: pd.DataFrame
    clusters: pd.DataFrame
    merged: int


def merge_repeated_keys(
    frame: pd.DataFrame, obj_name: str, fields: list[str], log: ChangeLog
) -> Merged:
    """Merge records with the same external id; return survivors, clusters and the merge count."""
    filled = frame[fields].notna().sum(axis=1).to_numpy() if fields else np.zeros(len(frame))
    order = np.lexsort((-np.arange(len(frame)), -filled))  # most complete, then latest read
    ranked = frame.iloc[order]
    first = ~ranked["external_id"].duplicated(keep="first")
    survivor_ids = ranked.loc[first, ["external_id", "_record_id"]].set_index("external_id")[
        "_record_id"
    ]
    cluster_of = frame["external_id"].map(survivor_ids)
    is_survivor = (cluster_of == frame["_record_id"]).to_numpy()
    group_size = frame.groupby("external_id")["_record_id"].transform("size").to_numpy()
    clusters = pd.DataFrame(
        {
            "record_id": frame["_record_id"].to_numpy(),
            "object": obj_name,
            "source": frame["_source"].to_numpy(),
            "source_key": frame["_source_key"].to_numpy(),
            "cluster_id": cluster_of.to_numpy(),
            "score": np.where(group_size > 1, "1.0", ""),
            "survivor": is_survivor,
        }
    )
    merged = int((~is_survivor).sum())
    if merged == 0:
        return Merged(frame, clusters, 0)

    losers = frame.loc[~is_survivor]
    survivors = frame.loc[is_survivor].set_index("external_id")
    dup_keys = losers["external_id"].unique()
    result = survivors.copy()
    for fname in fields:
        # fill a survivor's empty field from the latest loser that has it
        donor = (
            losers.dropna(subset=[fname])
            .drop_duplicates("external_id")
            .set_index("external_id")[fname]
        )
        target = result.loc[dup_keys, fname]
        fill = target.isna() & target.index.isin(donor.index)
        if fill.any():
            keys = target.index[fill.to_numpy()]
            before = result.loc[keys, fname]
            result.loc[keys, fname] = donor.loc[keys].to_numpy()
            log.record(
                result.loc[keys, "_record_id"],
                obj_name,
                fname,
                before,
                result.loc[keys, fname],
                "merge.fill",
            )
        # every loser value that differs from the survivor's final value is kept in the log
        final = losers["external_id"].map(result[fname])
        lost = losers[fname].notna() & (losers[fname].astype(object) != final.astype(object))
        if lost.any():
            log.record(
                losers.loc[lost, "_record_id"],
                obj_name,
                fname,
                losers.loc[lost, fname],
                final[lost],
                "merge.lost",
                "merged",
            )
    records = result.reset_index()[frame.columns]
    return Merged(records, clusters, merged)
