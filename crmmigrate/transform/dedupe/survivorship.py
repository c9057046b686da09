"""Golden records: one record per cluster, each field chosen by a survivorship rule.

The survivor (whose external id the merged customer keeps) is the best record by the default
rule, ties broken by the others and finally by the record read last (a later export of the same
record). Each field then takes the first non-empty value in its own rule's order:

* ``most_complete`` — the survivor's value, else the next most complete record's;
* ``most_recent`` — from the record with the latest ``recency_field``;
* ``source_priority`` — from the most trusted source (``source_priority`` list);
* ``most_frequent`` — the value most records in the cluster hold;
* ``longest`` — the longest value.

A gap is never filled by a guess: when the survivor has no value and the other records of its
cluster hold different ones (two birth dates), the field stays empty and the candidates are
listed in ``Merged.conflicts`` — unless the field has a rule of its own in ``fields`` (the user
chose how to decide) or a ``second`` field that keeps both values, or ``conflicts: choose``.

Nothing is thrown away: a losing phone moves to the field's ``second`` field (``other_phone``)
when that is empty, and every other losing value is written to the change log
(``merge.lost``, status ``merged``) against the record that held it. Work is done with pandas
over the records of multi-record clusters only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmmigrate.frames import concat_rows
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.dedupe.spec import SurvivorRule, Survivorship

CLUSTER_COLUMNS = ["record_id", "object", "source", "source_key", "cluster_id", "score", "survivor"]
CONFLICT_COLUMNS = ["record_id", "object", "field", "cluster_id", "records", "candidates"]


@dataclass(frozen=True)
class Merged:
    records: pd.DataFrame
    clusters: pd.DataFrame
    merged: int
    remap: dict[str, str] = field(default_factory=dict)  # loser external id → survivor's
    # gaps left empty because the cluster's other records disagree (CONFLICT_COLUMNS)
    conflicts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CONFLICT_COLUMNS))


def _rank_keys(
    frame: pd.DataFrame, fields: list[str], rules: Survivorship
) -> dict[str, np.ndarray]:
    """Sort keys (smaller = better) for every rule."""
    n = len(frame)
    later = -np.arange(n)  # read last wins a tie
    priority = {name: i for i, name in enumerate(rules.source_priority)}
    source_rank = frame["_source"].map(priority).fillna(len(priority)).to_numpy(np.int64)
    filled = -(frame[fields].notna().sum(axis=1).to_numpy()) if fields else np.zeros(n)
    if rules.recency_field and rules.recency_field in frame.columns:
        recency = (
            frame[rules.recency_field].astype(object).where(frame[rules.recency_field].notna(), "")
        )
        codes = pd.Series(recency).rank(method="dense", ascending=False).to_numpy()
    else:
        codes = np.zeros(n)
    return {
        "most_complete": filled,
        "source_priority": source_rank,
        "most_recent": codes,
        "later": later,
    }


def _order(keys: dict[str, np.ndarray], primary: SurvivorRule) -> np.ndarray:
    """Row positions best first by ``primary``, ties by the other rules, then read last."""
    chain = [primary] + [
        k for k in ("most_complete", "source_priority", "most_recent") if k != primary
    ]
    if primary in ("most_frequent", "longest"):
        chain = ["most_complete", "source_priority", "most_recent"]
    # np.lexsort sorts by the last key first
    return np.lexsort([keys["later"]] + [keys[k] for k in reversed(chain)])


def _rank(keys: dict[str, np.ndarray], rule: SurvivorRule) -> np.ndarray:
    """Rank of every row under ``rule`` (0 = best), cached in ``keys``."""
    name = f"rank:{rule}"
    if name not in keys:
        order = _order(keys, rule)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        keys[name] = rank
    return keys[name]


def merge_clusters(
    frame: pd.DataFrame,
    obj_name: str,
    fields: list[str],
    cluster_key: pd.Series,
    rules: Survivorship,
    log: ChangeLog,
    *,
    seconds: dict[str, str] | None = None,
    scores: pd.Series | None = None,
) -> Merged:
    """Merge records sharing ``cluster_key`` (aligned with ``frame``) into golden records."""
    frame = frame.reset_index(drop=True)
    key = pd.Series(cluster_key.to_numpy(dtype=object), index=frame.index)
    keys = _rank_keys(frame, fields, rules)
    rank = _rank(keys, rules.default)
    ranked = pd.DataFrame({"key": key.to_numpy(), "rank": rank}).sort_values("rank")
    survivor_pos = ranked.drop_duplicates("key")
    survivor_of_key = pd.Series(
        frame.loc[survivor_pos.index, "_record_id"].to_numpy(), index=survivor_pos["key"].to_numpy()
    )
    cluster_id = key.map(survivor_of_key)
    is_survivor = (cluster_id == frame["_record_id"]).to_numpy()
    size = key.map(key.value_counts()).to_numpy()
    if scores is not None:  # formatted as one array, not a Python call per record
        values = pd.to_numeric(scores, errors="coerce").to_numpy(np.float64)
        score_text = pd.Series(np.char.mod("%.4f", np.nan_to_num(values)).astype(object))
        score_text[np.isnan(values)] = ""
    else:
        score_text = pd.Series(np.where(size > 1, "1.0", ""), index=frame.index)
    clusters = pd.DataFrame(
        {
            "record_id": frame["_record_id"].to_numpy(),
            "object": obj_name,
            "source": frame["_source"].to_numpy(),
            "source_key": frame["_source_key"].to_numpy(),
            "cluster_id": cluster_id.to_numpy(),
            "score": score_text.to_numpy(),
            "survivor": is_survivor,
        }
    )
    merged = int((~is_survivor).sum())
    if merged == 0:
        return Merged(frame, clusters, 0)

    multi = size > 1
    members = frame.loc[multi]
    survivor_row = pd.Series(survivor_pos.index.to_numpy(), index=survivor_pos["key"].to_numpy())
    result = frame.copy()
    targets = survivor_row.loc[key[multi].unique()].to_numpy()  # survivor row per multi cluster
    final: dict[str, pd.Series] = {}  # per field: final value by cluster key
    conflicts: list[pd.DataFrame] = []
    for fname in fields:
        rule = rules.fields.get(fname, rules.default)
        chosen = _choose(members, key[multi], fname, rule, keys)
        before = result.loc[targets, fname]
        after = before.copy()
        cluster_keys = key[targets].to_numpy()
        picked = pd.Series(cluster_keys).map(chosen).to_numpy(dtype=object)
        has = pd.notna(picked)
        decides = rules.conflicts == "choose" or fname in rules.fields or fname in (seconds or {})
        if not decides and has.any():
            gap = has & before.isna().to_numpy()
            if gap.any():
                found = _conflicts(members, key[multi], fname, cluster_keys[gap])
                if len(found):
                    open_ = np.isin(cluster_keys, found.index.to_numpy())
                    has &= ~open_
                    conflicts.append(
                        pd.DataFrame(
                            {
                                "record_id": result.loc[targets[open_], "_record_id"].to_numpy(),
                                "object": obj_name,
                                "field": fname,
                                "cluster_id": cluster_id[targets[open_]].to_numpy(),
                                "records": found["records"].reindex(cluster_keys[open_]).to_numpy(),
                                "candidates": found["candidates"]
                                .reindex(cluster_keys[open_])
                                .to_numpy(),
                            }
                        )
                    )
        after[has] = picked[has]
        if has.any():
            result.loc[targets, fname] = after.to_numpy(dtype=object)
            was_empty = before.isna().to_numpy()
            for mask, rule_name in ((was_empty, "merge.fill"), (~was_empty, f"merge.{rule}")):
                rows = targets[mask]
                if len(rows):
                    log.record(
                        result.loc[rows, "_record_id"], obj_name, fname,
                        before[mask], after[mask], rule_name,
                    )  # fmt: skip
        final[fname] = pd.Series(result.loc[targets, fname].to_numpy(), index=cluster_keys)
    _keep_losers(result, frame, members.index, key, targets, fields, final, obj_name, log, seconds)
    survivors = result.loc[is_survivor].reset_index(drop=True)
    remap = dict(
        zip(
            frame.loc[~is_survivor, "external_id"],
            key[~is_survivor].map(
                pd.Series(
                    frame.loc[survivor_pos.index, "external_id"].to_numpy(),
                    index=survivor_pos["key"].to_numpy(),
                )
            ),
            strict=True,
        )
    )
    remap = {k: v for k, v in remap.items() if k != v}
    return Merged(survivors, clusters, merged, remap, concat_rows(conflicts, CONFLICT_COLUMNS))


def _conflicts(
    members: pd.DataFrame, key: pd.Series, fname: str, wanted: np.ndarray
) -> pd.DataFrame:
    """Clusters among ``wanted`` whose records hold two or more different values of ``fname``:
    index cluster key; ``records`` (how many hold a value) and ``candidates`` (" | "-joined)."""
    values = members[fname]
    present = values.notna().to_numpy() & np.isin(key.to_numpy(), wanted)
    if not present.any():
        return pd.DataFrame(columns=["records", "candidates"])
    table = pd.DataFrame(
        {"key": key.to_numpy()[present], "value": values.to_numpy(dtype=object)[present]}
    )
    table["value"] = table["value"].astype(str)
    distinct = table.drop_duplicates(["key", "value"])
    several = distinct["key"].duplicated(keep=False)
    if not several.any():
        return pd.DataFrame(columns=["records", "candidates"])
    open_keys = distinct.loc[several, "key"].unique()
    holders = table[table["key"].isin(open_keys)].groupby("key").size()
    candidates = (
        distinct[several].sort_values(["key", "value"]).groupby("key")["value"].agg(" | ".join)
    )
    return pd.DataFrame({"records": holders, "candidates": candidates})


def _choose(
    members: pd.DataFrame,
    key: pd.Series,
    fname: str,
    rule: SurvivorRule,
    keys: dict[str, np.ndarray],
) -> pd.Series:
    """The chosen non-empty value of ``fname`` per cluster key."""
    values = members[fname]
    present = values.notna()
    if not present.any():
        return pd.Series(dtype=object)
    pos = members.index[present].to_numpy()
    table = pd.DataFrame({"key": key[present].to_numpy(), "value": values[present].to_numpy()})
    table["order"] = _rank(keys, rule)[pos]
    if rule == "most_frequent":
        table["count"] = -table.groupby(["key", "value"])["value"].transform("size")
        table = table.sort_values(["key", "count", "order"])
    elif rule == "longest":
        table["length"] = -table["value"].astype(str).str.len()
        table = table.sort_values(["key", "length", "order"])
    else:
        table = table.sort_values(["key", "order"])
    first = table.drop_duplicates("key")
    return pd.Series(first["value"].to_numpy(), index=first["key"].to_numpy())


def _keep_losers(
    result: pd.DataFrame,
    frame: pd.DataFrame,
    member_rows: pd.Index,
    key: pd.Series,
    targets: np.ndarray,
    fields: list[str],
    final: dict[str, pd.Series],
    obj_name: str,
    log: ChangeLog,
    seconds: dict[str, str] | None,
) -> None:
    """Member values that differ from their cluster's final value: to a second field or the log."""
    seconds = seconds or {}
    target_of = pd.Series(targets, index=key[targets].to_numpy())
    for fname in fields:
        values = frame.loc[member_rows, fname]
        kept = key[member_rows].map(final[fname])
        lost = values.notna() & (values.astype(object) != kept.astype(object))
        if not lost.any():
            continue
        lost_rows = member_rows[lost.to_numpy()]
        second = seconds.get(fname)
        moved = np.zeros(len(lost_rows), dtype=bool)
        if second and second in result.columns:
            candidates = pd.DataFrame(
                {
                    "key": key[lost_rows].to_numpy(),
                    "value": frame.loc[lost_rows, fname].to_numpy(),
                    "row": lost_rows,
                }
            )
            candidates["target"] = candidates["key"].map(target_of)
            free = result.loc[candidates["target"], second].isna().to_numpy()
            first = candidates[free].drop_duplicates("key")
            if len(first):
                rows = first["target"].to_numpy()
                before = result.loc[rows, second].copy()
                result.loc[rows, second] = first["value"].to_numpy()
                log.record(
                    result.loc[rows, "_record_id"],
                    obj_name,
                    second,
                    before,
                    result.loc[rows, second],
                    "merge.second",
                )
                moved = np.isin(lost_rows, first["row"].to_numpy())
                final[second] = pd.Series(
                    result.loc[targets, second].to_numpy(), index=key[targets].to_numpy()
                )
        rest = lost_rows[~moved]
        if len(rest):
            log.record(
                frame.loc[rest, "_record_id"], obj_name, fname,
                frame.loc[rest, fname], key[rest].map(final[fname]), "merge.lost", "merged",
            )  # fmt: skip
