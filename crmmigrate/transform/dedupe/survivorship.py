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
    """Merge records sharing ``cluster_key`` (aligned with ``frame``) into golden records.

    Clusters are integer codes and every field is worked on as an object array over the
    records of multi-record clusters only; a field no member holds costs one ``notna``.
    """
    frame = frame.reset_index(drop=True)
    n = len(frame)
    codes, _ = pd.factorize(cluster_key.to_numpy(dtype=object), use_na_sentinel=False)
    codes = codes.astype(np.int64)
    n_clusters = int(codes.max()) + 1 if n else 0
    keys = _rank_keys(frame, fields, rules)
    rank = _rank(keys, rules.default)
    by_cluster = np.lexsort((rank, codes))
    first = np.r_[True, codes[by_cluster][1:] != codes[by_cluster][:-1]] if n else np.zeros(0, bool)
    survivor_row = np.empty(n_clusters, dtype=np.int64)
    survivor_row[codes[by_cluster][first]] = by_cluster[first]
    record_ids = frame["_record_id"].to_numpy(dtype=object)
    survivor_of = survivor_row[codes]
    is_survivor = survivor_of == np.arange(n)
    size = np.bincount(codes, minlength=n_clusters)[codes]
    if scores is not None:  # formatted as one array, not a Python call per record
        values = pd.to_numeric(scores, errors="coerce").to_numpy(np.float64)
        score_text = pd.Series(np.char.mod("%.4f", np.nan_to_num(values)).astype(object))
        score_text[np.isnan(values)] = ""
    else:
        score_text = pd.Series(np.where(size > 1, "1.0", ""), index=frame.index)
    clusters = pd.DataFrame(
        {
            "record_id": record_ids,
            "object": obj_name,
            "source": frame["_source"].to_numpy(),
            "source_key": frame["_source_key"].to_numpy(),
            "cluster_id": record_ids[survivor_of],
            "score": score_text.to_numpy(),
            "survivor": is_survivor,
        }
    )
    merged = int((~is_survivor).sum())
    if merged == 0:
        return Merged(frame, clusters, 0)

    members = _Members(codes, size > 1, survivor_row, record_ids, keys)
    result = frame.copy()
    final: dict[str, np.ndarray] = {}  # per field: final value per multi cluster
    conflicts: list[pd.DataFrame] = []
    decided_by_rule = set(rules.fields) | set(seconds or {})
    for fname in fields:
        column = frame[fname].to_numpy(dtype=object)
        before = column[members.targets]
        values = column[members.rows]
        present = pd.notna(values)
        if not present.any():
            final[fname] = before
            continue
        rule = rules.fields.get(fname, rules.default)
        picked = members.choose(values, present, rule)
        has = pd.notna(picked)
        empty = pd.isna(before)
        if rules.conflicts != "choose" and fname not in decided_by_rule:
            gap = has & empty
            if gap.any():
                found = members.disagreeing(values, present, gap)
                if len(found):
                    has &= ~found["open"]
                    shown = found["open"]
                    conflicts.append(
                        pd.DataFrame(
                            {
                                "record_id": record_ids[members.targets[shown]],
                                "object": obj_name,
                                "field": fname,
                                "cluster_id": record_ids[members.targets[shown]],
                                "records": found["records"][shown],
                                "candidates": found["candidates"][shown],
                            }
                        )
                    )
        after = before.copy()
        after[has] = picked[has]
        if has.any():
            column = column.copy()
            column[members.targets] = after
            result[fname] = pd.Series(column, index=result.index, dtype=object)
            for mask, rule_name in ((empty, "merge.fill"), (~empty, f"merge.{rule}")):
                if mask.any():
                    log.record(
                        pd.Series(record_ids[members.targets[mask]]), obj_name, fname,
                        pd.Series(before[mask]), pd.Series(after[mask]), rule_name,
                    )  # fmt: skip
        final[fname] = after
    _keep_losers(result, frame, members, fields, final, obj_name, log, seconds or {})
    survivors = result.loc[is_survivor].reset_index(drop=True)
    external = frame["external_id"].to_numpy(dtype=object)
    movers = ~is_survivor
    remap = {
        k: v for k, v in zip(external[movers], external[survivor_of[movers]], strict=True) if k != v
    }
    return Merged(survivors, clusters, merged, remap, concat_rows(conflicts, CONFLICT_COLUMNS))


class _Members:
    """The records of multi-record clusters: their rows, their cluster (dense 0..k-1) and
    each cluster's survivor row (``targets``)."""

    def __init__(
        self,
        codes: np.ndarray,
        multi: np.ndarray,
        survivor_row: np.ndarray,
        record_ids: np.ndarray,
        keys: dict[str, np.ndarray],
    ) -> None:
        self.rows = np.flatnonzero(multi)
        clusters = np.unique(codes[self.rows])
        dense = np.full(len(survivor_row), -1, dtype=np.int64)
        dense[clusters] = np.arange(len(clusters))
        self.cluster = dense[codes[self.rows]]
        self.targets = survivor_row[clusters]
        self.count = len(clusters)
        self.record_ids = record_ids
        self.keys = keys

    def choose(self, values: np.ndarray, present: np.ndarray, rule: SurvivorRule) -> np.ndarray:
        """Per cluster, the chosen non-empty value (None where no member has one)."""
        idx = np.flatnonzero(present)
        cluster = self.cluster[idx]
        order = _rank(self.keys, rule)[self.rows[idx]]
        sort_keys: list[np.ndarray] = [order]
        if rule == "most_frequent":
            vcode = pd.factorize(values[idx])[0].astype(np.int64)
            pair = cluster * (int(vcode.max()) + 1) + vcode
            inverse = pd.factorize(pair)[0]
            sort_keys.append(-np.bincount(inverse)[inverse])
        elif rule == "longest":
            length = pd.Series(values[idx], dtype=object).astype(str).str.len().to_numpy()
            sort_keys.append(-length)
        ranked = np.lexsort((*sort_keys, cluster))
        head = np.r_[True, cluster[ranked][1:] != cluster[ranked][:-1]]
        out = np.full(self.count, None, dtype=object)
        out[cluster[ranked][head]] = values[idx][ranked][head]
        return out

    def disagreeing(
        self, values: np.ndarray, present: np.ndarray, wanted: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Among the ``wanted`` clusters, those whose members hold two or more different
        values: ``open`` (per cluster), ``records`` (members holding a value) and
        ``candidates`` (the values, sorted, " | "-joined)."""
        rows = np.flatnonzero(present & wanted[self.cluster])
        if not len(rows):
            return {}
        table = pd.DataFrame(
            {
                "cluster": self.cluster[rows],
                "value": pd.Series(values[rows], dtype=object).astype(str),
            }
        )
        distinct = table.drop_duplicates(["cluster", "value"])
        several = distinct["cluster"].duplicated(keep=False)
        if not several.any():
            return {}
        open_ = np.zeros(self.count, dtype=bool)
        open_clusters = distinct.loc[several, "cluster"].unique()
        open_[open_clusters] = True
        holders = np.bincount(table["cluster"].to_numpy(), minlength=self.count)
        joined = (
            distinct[several].sort_values(["cluster", "value"]).groupby("cluster")["value"]
            .agg(" | ".join)
        )  # fmt: skip
        candidates = np.full(self.count, None, dtype=object)
        candidates[joined.index.to_numpy()] = joined.to_numpy()
        return {"open": open_, "records": holders, "candidates": candidates}


def _keep_losers(
    result: pd.DataFrame,
    frame: pd.DataFrame,
    members: _Members,
    fields: list[str],
    final: dict[str, np.ndarray],
    obj_name: str,
    log: ChangeLog,
    seconds: dict[str, str],
) -> None:
    """Member values that differ from their cluster's final value: to a second field or the log."""
    record_ids = members.record_ids
    for fname in fields:
        values = frame[fname].to_numpy(dtype=object)[members.rows]
        kept = final[fname][members.cluster]
        present = pd.notna(values)
        lost = present & (values != kept)
        if not lost.any():
            continue
        lost_at = np.flatnonzero(lost)  # positions among the members
        second = seconds.get(fname)
        moved = np.zeros(len(lost_at), dtype=bool)
        if second and second in result.columns:
            target = members.targets[members.cluster[lost_at]]
            slot = result[second].to_numpy(dtype=object)
            free = pd.isna(slot[target])
            cluster = members.cluster[lost_at]
            candidates = np.flatnonzero(free)
            # the first free loser of each cluster, in row order
            _, first_of = np.unique(cluster[candidates], return_index=True)
            chosen = candidates[first_of]
            if len(chosen):
                rows = target[chosen]
                before = slot[rows].copy()
                slot = slot.copy()
                slot[rows] = values[lost_at[chosen]]
                result[second] = pd.Series(slot, index=result.index, dtype=object)
                log.record(
                    pd.Series(record_ids[rows]), obj_name, second,
                    pd.Series(before), pd.Series(slot[rows]), "merge.second",
                )  # fmt: skip
                moved[chosen] = True
                final[second] = slot[members.targets]
        rest = lost_at[~moved]
        if len(rest):
            log.record(
                pd.Series(record_ids[members.rows[rest]]), obj_name, fname,
                pd.Series(values[rest]), pd.Series(final[fname][members.cluster[rest]]),
                "merge.lost", "merged",
            )  # fmt: skip
