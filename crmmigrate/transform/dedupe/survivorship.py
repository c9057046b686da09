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
(``merge.lost``, status ``merged``) against the record that held it. Work is done with numpy
over the records of multi-record clusters only, sliced once for all fields: the rest of the
frame is only copied into the result, so the cost follows the clustered records and the fields
they hold, not every schema field times every record.
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
    frame: pd.DataFrame, rows: np.ndarray, filled: np.ndarray, rules: Survivorship
) -> dict[str, np.ndarray]:
    """Sort keys (smaller = better) for every rule, over the member ``rows`` only.

    Each key orders the members as it would among all records (the recency rank is dense, so
    monotone), so ranking the members alone picks the same survivors and values."""
    later = -np.arange(len(rows))  # read last wins a tie (``rows`` ascend)
    priority = {name: i for i, name in enumerate(rules.source_priority)}
    source = frame["_source"].take(rows)
    source_rank = source.map(priority).fillna(len(priority)).to_numpy(np.int64)
    if rules.recency_field and rules.recency_field in frame.columns:
        column = frame[rules.recency_field].take(rows)
        recency = column.astype(object).where(column.notna(), "")
        codes = pd.Series(recency).rank(method="dense", ascending=False).to_numpy()
    else:
        codes = np.zeros(len(rows))
    return {
        "most_complete": -filled,
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


def _score_text(scores: pd.Series | None, size: np.ndarray) -> np.ndarray:
    """The cluster score of every record as text ("" for none), formatting only the scored."""
    if scores is None:
        return pd.Series(np.where(size > 1, "1.0", "")).to_numpy()
    values = pd.to_numeric(scores, errors="coerce").to_numpy(np.float64)
    known = ~np.isnan(values)
    text = np.full(len(values), "", dtype=object)
    text[known] = [f"{v:.4f}" for v in np.nan_to_num(values[known]).tolist()]
    return text


def _taken(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The values of ``column`` at positions ``rows`` as objects (converting only those)."""
    return column.take(rows).to_numpy(dtype=object)


def _objects(values: np.ndarray) -> pd.Series:
    """An object Series for the change log (pandas would otherwise infer and convert text)."""
    return pd.Series(values, dtype=object)


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

    Clusters are integer codes. The records of multi-record clusters are sliced once for all
    fields and every field is worked on as an object array over them; a field none of them
    holds costs one ``notna`` over them, and one they agree on logs nothing.
    """
    frame = frame.reset_index(drop=True)
    n = len(frame)
    codes, _ = pd.factorize(cluster_key.to_numpy(dtype=object), use_na_sentinel=False)
    codes = codes.astype(np.int64)
    n_clusters = int(codes.max()) + 1 if n else 0
    size = np.bincount(codes, minlength=n_clusters)[codes]
    multi = size > 1
    survivor_row = np.empty(n_clusters, dtype=np.int64)
    single = np.flatnonzero(~multi)
    survivor_row[codes[single]] = single
    members = _Members(frame, codes, multi, fields, rules) if multi.any() else None
    if members is not None:
        survivor_row[members.clusters] = members.targets
    record_ids = frame["_record_id"].to_numpy(dtype=object)
    survivor_of = survivor_row[codes]
    is_survivor = survivor_of == np.arange(n)
    clusters = pd.DataFrame(
        {
            "record_id": record_ids,
            "object": obj_name,
            "source": frame["_source"].to_numpy(),
            "source_key": frame["_source_key"].to_numpy(),
            "cluster_id": record_ids[survivor_of],
            "score": _score_text(scores, size),
            "survivor": is_survivor,
        }
    )
    if members is None:
        return Merged(frame, clusters, 0)
    merged = int((~is_survivor).sum())

    target_ids = record_ids[members.targets]
    final: dict[str, np.ndarray] = {}  # per field: final value per multi cluster
    rewritten: set[str] = set()  # fields whose golden values are written back
    conflicts: list[pd.DataFrame] = []
    decided_by_rule = set(rules.fields) | set(seconds or {})
    for fname in fields:
        values = members.values[fname]
        present = members.present[fname]
        before = values[members.target_at]
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
                                "record_id": target_ids[shown],
                                "object": obj_name,
                                "field": fname,
                                "cluster_id": target_ids[shown],
                                "records": found["records"][shown],
                                "candidates": found["candidates"][shown],
                            }
                        )
                    )
        after = before.copy()
        after[has] = picked[has]
        if has.any():
            rewritten.add(fname)
            for mask, rule_name in ((empty, "merge.fill"), (~empty, f"merge.{rule}")):
                if mask.any():
                    log.record(
                        _objects(target_ids[mask]), obj_name, fname,
                        _objects(before[mask]), _objects(after[mask]), rule_name,
                    )  # fmt: skip
        final[fname] = after
    rewritten |= _keep_losers(frame, members, fields, final, obj_name, log, seconds or {})
    survivors = _survivors(frame, np.flatnonzero(is_survivor), members.targets, final, rewritten)
    return Merged(
        survivors, clusters, merged, members.remap(), concat_rows(conflicts, CONFLICT_COLUMNS)
    )


def _survivors(
    frame: pd.DataFrame,
    kept: np.ndarray,
    targets: np.ndarray,
    final: dict[str, np.ndarray],
    rewritten: set[str],
) -> pd.DataFrame:
    """The ``kept`` rows; the ``rewritten`` fields as object columns holding ``final`` at the
    ``targets`` rows.

    Built column by column: replacing columns of a taken frame one at a time would copy its
    block of object columns again for each."""
    at = np.searchsorted(kept, targets)  # each cluster's survivor among the survivors
    index = pd.RangeIndex(len(kept))
    columns: dict[int, pd.Series] = {}
    for j, name in enumerate(frame.columns):
        if name in rewritten:
            values = frame[name].take(kept).to_numpy(dtype=object, copy=True)
            values[at] = final[name]
            columns[j] = pd.Series(values, index=index, dtype=object)
        else:
            columns[j] = frame.iloc[:, j].take(kept).set_axis(index)
    out = pd.DataFrame(columns, index=index, copy=False)
    out.columns = frame.columns
    return out


class _Members:
    """The records of multi-record clusters: their rows, their values per field (sliced once),
    their cluster (dense 0..k-1) and each cluster's survivor (``targets`` rows, ``target_at``
    positions among the members)."""

    def __init__(
        self,
        frame: pd.DataFrame,
        codes: np.ndarray,
        multi: np.ndarray,
        fields: list[str],
        rules: Survivorship,
    ) -> None:
        self.rows = np.flatnonzero(multi)
        # each column's member rows, taken once for every use below (never the whole column)
        self.values = {f: _taken(frame[f], self.rows) for f in dict.fromkeys(fields)}
        self.present = {f: pd.notna(v) for f, v in self.values.items()}
        self.external = _taken(frame["external_id"], self.rows)
        self.ids = _taken(frame["_record_id"], self.rows)
        filled = (
            np.sum([self.present[f] for f in fields], axis=0)
            if fields
            else np.zeros(len(self.rows))
        )
        self.keys = _rank_keys(frame, self.rows, filled, rules)
        cluster = codes[self.rows]
        by_cluster = np.lexsort((_rank(self.keys, rules.default), cluster))
        sorted_cluster = cluster[by_cluster]
        first = np.r_[True, sorted_cluster[1:] != sorted_cluster[:-1]]
        self.clusters = sorted_cluster[first]  # their codes, ascending
        self.target_at = by_cluster[first]
        self.targets = self.rows[self.target_at]
        self.cluster = np.empty(len(self.rows), dtype=np.int64)
        self.cluster[by_cluster] = np.cumsum(first) - 1
        self.count = len(self.clusters)
        # member positions by cluster, best first by a rule: one sort serves every field
        self._by_rule: dict[str, np.ndarray] = {rules.default: by_cluster}

    def _ranked(self, rule: SurvivorRule) -> np.ndarray:
        if rule not in self._by_rule:
            self._by_rule[rule] = np.lexsort((_rank(self.keys, rule), self.cluster))
        return self._by_rule[rule]

    def choose(self, values: np.ndarray, present: np.ndarray, rule: SurvivorRule) -> np.ndarray:
        """Per cluster, the chosen non-empty value (None where no member has one)."""
        if rule in ("most_frequent", "longest"):
            idx = np.flatnonzero(present)
            cluster = self.cluster[idx]
            extra: np.ndarray  # smaller = better, ahead of the rank
            if rule == "most_frequent":
                vcode = pd.factorize(values[idx])[0].astype(np.int64)
                pair = cluster * (int(vcode.max()) + 1) + vcode
                inverse = pd.factorize(pair)[0]
                extra = -np.bincount(inverse)[inverse]
            else:
                extra = -pd.Series(values[idx], dtype=object).astype(str).str.len().to_numpy()
            ranked = idx[np.lexsort((_rank(self.keys, rule)[idx], extra, cluster))]
        else:  # the rule's order among all members, kept to those holding a value
            ranked = self._ranked(rule)
            ranked = ranked[present[ranked]]
        cluster = self.cluster[ranked]
        head = np.r_[True, cluster[1:] != cluster[:-1]]
        out = np.full(self.count, None, dtype=object)
        out[cluster[head]] = values[ranked[head]]
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
        holders = np.bincount(self.cluster[rows], minlength=self.count)
        rows = rows[holders[self.cluster[rows]] > 1]  # a lone holder cannot disagree
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
        ordered = distinct[several].sort_values(["cluster", "value"])
        cluster = ordered["cluster"].to_numpy()
        text = ordered["value"].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]])
        ends = np.r_[starts[1:], len(cluster)]
        candidates = np.full(self.count, None, dtype=object)
        candidates[cluster[starts]] = [
            " | ".join(text[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
        ]
        return {"open": open_, "records": holders, "candidates": candidates}

    def remap(self) -> dict[str, str]:
        """Each merged record's external id → its survivor's (when they differ)."""
        survivor_at = self.target_at[self.cluster]
        movers = survivor_at != np.arange(len(self.rows))
        pairs = zip(self.external[movers], self.external[survivor_at[movers]], strict=True)
        return {k: v for k, v in pairs if k != v}


def _keep_losers(
    frame: pd.DataFrame,
    members: _Members,
    fields: list[str],
    final: dict[str, np.ndarray],
    obj_name: str,
    log: ChangeLog,
    seconds: dict[str, str],
) -> set[str]:
    """Member values that differ from their cluster's final value: to a second field or the log.

    Returns the second fields that took a value (their final values are in ``final``)."""
    target_ids = members.ids[members.target_at]
    member_ids = members.ids
    filled: set[str] = set()
    for fname in fields:
        present = members.present[fname]
        held = np.flatnonzero(present)  # positions among the members
        if not len(held):
            continue
        values = members.values[fname]
        lost_at = held[values[held] != final[fname][members.cluster[held]]]
        if not len(lost_at):  # every member agrees with the golden value
            continue
        second = seconds.get(fname)
        moved = np.zeros(len(lost_at), dtype=bool)
        if second and second in frame.columns:
            if second not in final:  # not a field: the survivors' own values
                final[second] = _taken(frame[second], members.targets)
            slot = final[second]
            cluster = members.cluster[lost_at]
            candidates = np.flatnonzero(pd.isna(slot[cluster]))
            # the first free loser of each cluster, in row order
            _, first_of = np.unique(cluster[candidates], return_index=True)
            chosen = candidates[first_of]
            if len(chosen):
                into = cluster[chosen]
                before = slot[into]
                slot = slot.copy()
                slot[into] = values[lost_at[chosen]]
                log.record(
                    _objects(target_ids[into]), obj_name, second,
                    _objects(before), _objects(slot[into]), "merge.second",
                )  # fmt: skip
                moved[chosen] = True
                final[second] = slot
                filled.add(second)
        rest = lost_at[~moved]
        if len(rest):
            log.record(
                _objects(member_ids[rest]), obj_name, fname,
                _objects(values[rest]), _objects(final[fname][members.cluster[rest]]),
                "merge.lost", "merged",
            )  # fmt: skip
    return filled
