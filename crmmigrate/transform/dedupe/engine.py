"""Find duplicate records in one frame: block → compare → score → cluster.

:func:`find_duplicates` is generic: the spec names the frame's columns, so it runs on a CRM
object's clean records as well as on the FEBRL benchmark files. Records are first sorted by id,
so everything after (random pairs for ``u``, tie-breaks in clustering) is independent of the
order the rows came in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmmigrate.progress import Progress, no_progress
from crmmigrate.transform.dedupe import model as fs
from crmmigrate.transform.dedupe.autoblock import Choice, choose_rules
from crmmigrate.transform.dedupe.blocking import (
    KeyCodes,
    candidate_pairs,
    rule_name,
    sorted_unique,
)
from crmmigrate.transform.dedupe.cluster import cluster
from crmmigrate.transform.dedupe.compare import (
    LEVELS,
    Column,
    column_of,
    compare,
    street_codes,
    variant_of,
)
from crmmigrate.transform.dedupe.evidence import Evidence, given_names
from crmmigrate.transform.dedupe.spec import ObjectSpec, parse_object_spec

U_SAMPLE_PAIRS = 200_000
DECISIONS = ("match", "distinct")
NOT_BACKED = 0.5  # a name-only pair is held this far (log2 odds) below the match threshold


@dataclass
class DedupeResult:
    """Clusters (one row per record), scored pairs worth showing, the model and the numbers."""

    clusters: pd.DataFrame  # record_id, cluster_id, score
    pairs: pd.DataFrame  # left, right, weight, probability, decision, level_<f>, weight_<f>
    model: fs.FSModel
    stats: dict[str, Any] = field(default_factory=dict)


def _text_column(values: pd.Series) -> pd.Series:
    """A column as pandas strings, stripped, with empty values missing."""
    text = values.astype("str").str.strip().reset_index(drop=True)
    return text.where(text != "", None)


def _email_local(values: pd.Series) -> pd.Series:
    # a regex replace runs in Arrow; str.split falls back to a Python loop per value
    return values.astype("str").str.replace(r"@.*$", "", regex=True)


def _phone_tail(values: pd.Series) -> pd.Series:
    """The last 7 digits, an extension left out: ``415 6187 ext. 365`` and ``+15204156187``
    (a local number and the same with its area code) agree."""
    number = values.astype("str").str.replace(r"(?i)\s*(?:ext|x|#|分機|轉).*$", "", regex=True)
    digits = number.str.replace(r"\D+", "", regex=True)
    return digits.str.slice(-7).where(digits.str.len() >= 7, None)


def _name_root(values: pd.Series) -> pd.Series:
    try:
        from crmmigrate.transform.dedupe.names import given_name_root
    except ImportError:  # pragma: no cover - the names table ships with the package
        return values.astype("str").str.lower()
    return given_name_root(values)


VARIANT_KEYS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "name": _name_root,
    "email": _email_local,
    "phone": _phone_tail,
}


class _Pairs:
    """Compares any pairs of (sorted) records with the spec's comparisons."""

    def __init__(self, keys: KeyCodes, spec: ObjectSpec) -> None:
        self.spec = spec
        self.columns: list[Column] = []
        self.variants: list[object | None] = []
        swap = spec.name_swap
        shared = column_of(*keys.matrix(tuple(swap))) if swap else None
        for comp in spec.comparisons:
            if shared is not None and swap is not None and comp.field in swap:
                member = swap.index(comp.field)
                codes = shared.codes[:, [member]]
                counts = np.bincount(codes[codes >= 0], minlength=len(shared.uniques))
                column = Column(codes, shared.uniques, counts)
            else:
                column = column_of(*keys.matrix(tuple(spec.sets.get(comp.field, [comp.field]))))
            self.columns.append(column)
            key = VARIANT_KEYS.get(comp.kind)
            streets = None
            if comp.kind == "street":
                members = tuple(spec.sets.get(comp.field, [comp.field]))
                streets = street_codes(column.uniques, keys.street_parts(members))
            self.variants.append(variant_of(comp.kind, column, key, streets))
        self.swap_index = (
            [i for i, c in enumerate(spec.comparisons) if swap and c.field in swap] if swap else []
        )

    def levels(
        self, left: np.ndarray, right: np.ndarray, progress: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """Level matrix (pairs × comparisons) and, per comparison, the agreeing value's code;
        ``progress`` hears how many comparisons are done."""
        levels = np.empty((len(left), len(self.columns)), dtype=np.int8)
        agreed: list[np.ndarray | None] = []
        for k, (comp, column) in enumerate(zip(self.spec.comparisons, self.columns, strict=True)):
            if progress is not None:
                progress(k)
            levels[:, k], got = compare(
                comp.kind, column.uniques, column.codes[left], column.codes[right], self.variants[k]
            )
            # the agreeing value is only needed for term frequencies: 8 bytes a pair otherwise
            agreed.append(got if comp.tf else None)
        if len(self.swap_index) == 2 and len(left):
            self._swap(left, right, levels, agreed)
        return levels, agreed

    def _swap(
        self,
        left: np.ndarray,
        right: np.ndarray,
        levels: np.ndarray,
        agreed: list[np.ndarray | None],
    ) -> None:
        """Where first and last names agree better crosswise, use the crosswise levels."""
        i, j = self.swap_index
        first, last = self.columns[i], self.columns[j]
        kind_i, kind_j = self.spec.comparisons[i].kind, self.spec.comparisons[j].kind
        top = len(LEVELS[kind_i]) - 1 + len(LEVELS[kind_j]) - 1
        straight = levels[:, i].astype(np.int16) + levels[:, j]
        # only pairs whose names do not already agree fully, with all four names present
        todo = np.flatnonzero(
            (straight < top)
            & (first.codes[left, 0] >= 0)
            & (last.codes[left, 0] >= 0)
            & (first.codes[right, 0] >= 0)
            & (last.codes[right, 0] >= 0)
        )
        if len(todo) == 0:
            return
        a, b = left[todo], right[todo]
        cross_i, got_i = compare(
            kind_i, first.uniques, first.codes[a], last.codes[b], self.variants[i]
        )
        cross_j, got_j = compare(
            kind_j, last.uniques, last.codes[a], first.codes[b], self.variants[j]
        )
        better = cross_i.astype(np.int16) + cross_j > straight[todo]
        rows = todo[better]
        levels[rows, i] = cross_i[better]
        levels[rows, j] = cross_j[better]
        for k, got in ((i, got_i), (j, got_j)):
            kept = agreed[k]
            if kept is not None:
                kept[rows] = got[better]


def find_duplicates(
    frame: pd.DataFrame,
    spec: ObjectSpec | dict[str, Any],
    id_column: str = "record_id",
    decisions: pd.DataFrame | None = None,
    progress: Progress = no_progress,
    label: str = "records",
) -> DedupeResult:
    """Cluster the records of ``frame`` into entities; see the module docs for the steps.

    ``progress`` hears each step (``label`` names what is deduplicated) and, while candidate
    pairs are compared, how many comparisons of the spec are done.

    ``decisions`` (columns ``left``, ``right``, ``decision`` = match|distinct, ids from
    ``id_column``) override the model for those pairs: a match always joins, a distinct pair
    never ends up in one cluster.
    """
    spec = spec if isinstance(spec, ObjectSpec) else parse_object_spec(spec)
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    ids_in = frame[id_column].astype(str).to_numpy(dtype=object)
    if len(set(ids_in)) != len(ids_in):
        raise ValueError(f"dedupe: {id_column} must be unique")
    order = np.argsort(ids_in, kind="stable")
    ids = ids_in[order]
    n = len(ids)
    missing = [c for c in spec.columns() if c not in frame.columns]
    if missing:
        raise ValueError(f"dedupe: the frame has no column {', '.join(missing)}")
    full = pd.DataFrame({c: _text_column(frame[c].iloc[order]) for c in spec.columns()})
    # exact copies (every compared value equal, more than a name) are one record from here on:
    # ``rep[i]`` is the position of record i's representative among the ``data`` rows
    in_decisions = _decided_ids(decisions)
    rep, copies = (
        exact_copies(full, spec, np.isin(ids, list(in_decisions)))
        if spec.exact_copies
        else (np.arange(n), 0)
    )
    kept = np.unique(rep)
    data = full.iloc[kept].reset_index(drop=True)
    ids_all, ids = ids, ids[kept]
    n = len(ids)
    timings["prepare"] = time.monotonic() - t0

    t0 = time.monotonic()
    progress(f"finding duplicates in {label}: choosing blocking keys")
    keys = KeyCodes(data, spec.sets)
    choice = choose_rules(spec, data, keys) if spec.blocking == "auto" else None
    rules = [c.rule for c in choice.rules] if choice is not None else spec.rules
    neighbours = keys.neighbourhood_order(
        [tuple(spec.sets.get(c.field, [c.field])) for c in spec.comparisons]
    )
    left, right, rule_stats, rule_codes = candidate_pairs(
        data, rules, spec.sets, spec.max_block_size, keys, neighbours, spec.window
    )
    if choice is not None and choice.all_pairs:
        left, right = (x.astype(np.int64) for x in np.triu_indices(n, k=1))
    forced, unknown_ids = _decision_pairs(decisions, ids)
    if len(forced):
        codes = sorted_unique(np.concatenate([left * n + right, forced["code"].to_numpy()]))
        left, right = codes // n, codes % n
    timings["blocking"] = time.monotonic() - t0

    t0 = time.monotonic()
    pairs = _Pairs(keys, spec)
    step = f"finding duplicates in {label}: comparing {len(left):,} candidate pairs"
    total = len(spec.comparisons)
    levels, agreed = pairs.levels(left, right, lambda k: progress(step, k, total, "fields"))
    progress(step, total, total, "fields")
    timings["compare"] = time.monotonic() - t0
    progress(f"finding duplicates in {label}: scoring")

    t0 = time.monotonic()
    names = [c.field for c in spec.comparisons]
    kinds = [c.kind for c in spec.comparisons]
    rl, rr = _random_pairs(n, U_SAMPLE_PAIRS)
    u = fs.estimate_u(pairs.levels(rl, rr)[0], kinds)
    total_pairs = n * (n - 1) / 2
    sessions = _training_sessions(data, spec, rules, left * n + right, rule_codes, keys)
    model, patterns, inverse = fs.train(names, kinds, levels, u, total_pairs, sessions)
    model.repeats = {
        k: [j for j, d in enumerate(spec.comparisons) if d.evidence == c.evidence and j != k]
        for k, c in enumerate(spec.comparisons)
        if c.only_agreement
    }
    frequencies = [
        fs.value_frequencies(col.counts, model.u[k]) for k, col in enumerate(pairs.columns)
    ]
    groups = spec.evidence_groups()
    grouped = {k for g in groups for k in g}
    tf_comparisons = [k for k, c in enumerate(spec.comparisons) if c.tf and k not in grouped]

    def tf_weights(lev: np.ndarray, agr: list[np.ndarray | None], k: int) -> np.ndarray:
        values = agr[k]
        assert values is not None  # kept for every comparison with tf: true
        return fs.tf_adjustment(model, k, lev[:, k], values, frequencies[k])

    def weigh(lev: np.ndarray, agr: list[np.ndarray | None], base: np.ndarray) -> np.ndarray:
        weight = base.astype(np.float64)
        for k in tf_comparisons:
            weight += tf_weights(lev, agr, k)
        return weight

    evidence = _evidence(spec, data, keys)

    other_tf = [k for k in tf_comparisons if k in evidence.other]

    def gate(
        a: np.ndarray,
        b: np.ndarray,
        lev: np.ndarray,
        agr: list[np.ndarray | None],
        weight: np.ndarray,
        balance: np.ndarray | None = None,
    ) -> np.ndarray:
        """A pair the evidence rules do not back is held below the threshold (see evidence).
        ``balance`` may come per distinct pattern; term frequencies are added per pair."""
        if not evidence.enabled or not len(weight):
            return weight
        if balance is None:
            balance = evidence.balance(lev, fs.contributions(model, lev, groups))
        for k in other_tf:
            balance = balance + tf_weights(lev, agr, k)
        backed = evidence.backed(lev, balance, a, b)
        return np.where(backed, weight, np.minimum(weight, threshold - NOT_BACKED))

    threshold = float(np.log2(spec.match_threshold / (1 - spec.match_threshold)))
    weight = weigh(levels, agreed, fs.pattern_table_weights(model, patterns, groups)[inverse])
    per_pattern = evidence.balance(patterns, fs.contributions(model, patterns, groups))
    weight = gate(left, right, levels, agreed, weight, per_pattern[inverse])
    decided = np.full(len(left), "", dtype=object)
    if len(forced):
        pos = np.searchsorted(left * n + right, forced["code"].to_numpy())
        verdict = forced["decision"].to_numpy()
        weight[pos] = np.where(verdict == "match", np.inf, -np.inf)
        decided[pos] = verdict
    timings["score"] = time.monotonic() - t0

    t0 = time.monotonic()

    def score_extra(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lev, agr = pairs.levels(a, b)
        return gate(a, b, lev, agr, weigh(lev, agr, fs.pattern_weights(model, lev, groups)))

    progress(f"finding duplicates in {label}: clustering")
    labels, split = cluster(n, left, right, weight, threshold, score_extra)
    timings["cluster"] = time.monotonic() - t0

    probability = fs.probability(weight)
    same = labels[left] == labels[right]
    best = np.full(n, np.nan)
    if same.any():
        np.fmax.at(best, left[same], probability[same])
        np.fmax.at(best, right[same], probability[same])
    # every record takes its representative's cluster; an exact copy scores 1
    position = np.searchsorted(kept, rep)
    is_copy = rep != np.arange(len(rep))
    has_copies = np.bincount(position[is_copy], minlength=n) > 0
    score = np.where(is_copy, 1.0, np.where(has_copies, 1.0, best)[position])
    clusters = pd.DataFrame(
        {"record_id": ids_all, "cluster_id": ids[labels][position], "score": score}
    )
    keep = (probability >= spec.review_threshold) | (decided != "") | same
    out = {
        "left": ids[left[keep]],
        "right": ids[right[keep]],
        "weight": weight[keep],
        "probability": probability[keep],
        "decision": decided[keep],
        "same_cluster": same[keep],
    }
    parts = fs.contributions(model, levels[keep], groups)
    kept_agreed = [None if a is None else a[keep] for a in agreed]
    for k in tf_comparisons:
        parts[:, k] += tf_weights(levels[keep], kept_agreed, k)
    for k, name in enumerate(names):
        out[f"level_{name}"] = levels[keep, k]
        out[f"weight_{name}"] = parts[:, k]
    sizes = clusters["cluster_id"].value_counts()
    stats = {
        "records": len(ids_all),
        "exact_copies": copies,
        "candidate_pairs": len(left),
        "blocking": [vars(r) for r in rule_stats],
        "blocking_choice": _choice_stats(choice),
        "pairs_scored_above_review": int((probability >= spec.review_threshold).sum()),
        "pairs_matched": int((weight >= threshold).sum()),
        "clusters": len(sizes),
        "merged_records": int(len(ids_all) - len(sizes)),
        "cluster_sizes": {str(k): int(v) for k, v in sizes.value_counts().sort_index().items()},
        "components_split": split,
        "decisions_applied": len(forced),
        "decisions_unknown_ids": unknown_ids,
        "model": model.to_dict(),
        "seconds": {k: round(v, 3) for k, v in timings.items()},
    }
    return DedupeResult(clusters, pd.DataFrame(out), model, stats)


def _evidence(spec: ObjectSpec, data: pd.DataFrame, keys: KeyCodes) -> Evidence:
    """The evidence rules with what they read per record: the personal fields' value codes and
    whether each given name is a name in its own right."""
    personal = [keys.matrix((name,))[0][:, 0] for name in spec.personal]
    if not spec.name_swap or spec.name_swap[0] not in data.columns:
        return Evidence(spec, personal)
    codes, uniques = keys.matrix((spec.name_swap[0],))
    flat = codes[:, 0]
    counts, chinese = given_names(uniques, np.bincount(flat[flat >= 0], minlength=len(uniques)))
    present = flat >= 0
    at = np.maximum(flat, 0)
    return Evidence(
        spec,
        personal,
        np.where(present, counts[at] if len(counts) else 0, 0),
        np.where(present, chinese[at] if len(chinese) else False, False),
    )


def _decided_ids(decisions: pd.DataFrame | None) -> set[str]:
    if decisions is None or decisions.empty:
        return set()
    return set(decisions["left"].astype(str)) | set(decisions["right"].astype(str))


def exact_copies(
    data: pd.DataFrame, spec: ObjectSpec, excluded: np.ndarray
) -> tuple[np.ndarray, int]:
    """Per record, the position of the first record with exactly its compared values (itself
    when none), and how many records are such copies. A record holding nothing but a name,
    or named in a reviewer's decision, is nobody's copy."""
    n = len(data)
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0
    compared = list(dict.fromkeys(c for comp in spec.comparisons
                                  for c in spec.sets.get(comp.field, [comp.field])))  # fmt: skip
    names = {
        c
        for comp in spec.comparisons
        if comp.evidence == "name"
        for c in spec.sets.get(comp.field, [comp.field])
    }
    others = [c for c in compared if c not in names]
    eligible = ~excluded
    if others:
        eligible &= data[others].notna().any(axis=1).to_numpy()
    else:
        eligible &= False
    # one code per distinct combination of the compared values (factorised column by column)
    combined = np.zeros(n, dtype=np.int64)
    for column in compared:
        codes, uniques = pd.factorize(data[column], use_na_sentinel=True)
        combined = pd.factorize(combined * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    rep = np.arange(n, dtype=np.int64)
    rows = np.flatnonzero(eligible)
    if len(rows):
        group = pd.factorize(combined[rows])[0]
        first = np.full(group.max() + 1, n, dtype=np.int64)
        np.minimum.at(first, group, rows)
        rep[rows] = first[group]
    return rep, int((rep != np.arange(n)).sum())


def _choice_stats(choice: Choice | None) -> dict[str, Any] | None:
    if choice is None:
        return None
    return {
        "rules": [
            {"rule": rule_name(c.rule), "pairs": c.pairs, "recall_gain": c.gain}
            for c in choice.rules
        ],
        "all_pairs": choice.all_pairs,
        "estimated_recall": choice.recall,
        "pair_budget": choice.budget,
        "pairs_counted": choice.pairs,
        "candidates_considered": choice.considered,
        "records_counted_on": choice.sampled,
    }


def _training_sessions(
    data: pd.DataFrame,
    spec: ObjectSpec,
    rules: list[list[str]],
    codes: np.ndarray,
    rule_codes: dict[str, np.ndarray],
    keys: KeyCodes,
) -> list[tuple[np.ndarray, set[int]]]:
    """Per training rule: which candidate pairs it blocks together, and the comparisons it fixes."""
    sessions = []
    for rule in spec.training or rules:
        own = rule_codes.get(rule_name(rule))
        if own is None:
            _, _, _, extra = candidate_pairs(
                data, [rule], spec.sets, spec.max_block_size, keys, None, spec.window
            )
            own = extra[rule_name(rule)]
        # both sorted and ``own`` within ``codes`` (forced pairs aside): a search, not a set
        at = np.searchsorted(codes, own)
        at = at[(at < len(codes)) & (codes[np.minimum(at, len(codes) - 1)] == own)]
        mask = np.zeros(len(codes), dtype=bool)
        mask[at] = True
        blocked = {part.split(":")[0] for part in rule}
        sessions.append((mask, _fixed_by(spec, blocked)))
    return sessions


def _fixed_by(spec: ObjectSpec, blocked: set[str]) -> set[int]:
    """Comparisons a training rule decides: those it blocks on, and those that say the same
    thing (every name comparison when it blocks on a name — a romanised key is made of the
    first and last names —, every member of a same_evidence group when it blocks on one)."""
    fixed = {k for k, c in enumerate(spec.comparisons) if c.field in blocked}
    if any(spec.comparisons[k].evidence == "name" for k in fixed):
        fixed |= {k for k, c in enumerate(spec.comparisons) if c.evidence == "name"}
    for group in spec.evidence_groups():
        if fixed & set(group):
            fixed |= set(group)
    return fixed


def _random_pairs(n: int, sample: int) -> tuple[np.ndarray, np.ndarray]:
    """Random distinct record pairs (all of them when there are fewer than ``sample``)."""
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    if n * (n - 1) // 2 <= sample:
        left, right = np.triu_indices(n, k=1)
        return left.astype(np.int64), right.astype(np.int64)
    rng = np.random.default_rng(20261123)
    left = rng.integers(0, n, size=sample)
    right = rng.integers(0, n, size=sample)
    keep = left != right
    return left[keep], right[keep]


def _decision_pairs(decisions: pd.DataFrame | None, ids: np.ndarray) -> tuple[pd.DataFrame, int]:
    """Decided pairs as sorted-position codes (one per pair, the last decision wins)."""
    if decisions is None or decisions.empty:
        return pd.DataFrame({"code": [], "decision": []}), 0
    position = pd.Series(np.arange(len(ids)), index=ids)
    a = decisions["left"].astype(str).map(position)
    b = decisions["right"].astype(str).map(position)
    known = a.notna() & b.notna() & (a != b)
    a, b = a[known].astype(np.int64), b[known].astype(np.int64)
    lo = np.minimum(a.to_numpy(), b.to_numpy())
    hi = np.maximum(a.to_numpy(), b.to_numpy())
    out = pd.DataFrame(
        {"code": lo * len(ids) + hi, "decision": decisions.loc[known, "decision"].to_numpy()}
    )
    out = out.drop_duplicates("code", keep="last").sort_values("code", ignore_index=True)
    return out, int((~known).sum())


__all__ = ["DECISIONS", "LEVELS", "DedupeResult", "find_duplicates"]
