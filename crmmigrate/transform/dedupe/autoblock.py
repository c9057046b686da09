"""Blocking rules chosen from the data: the most recall within a budget of candidate pairs.

With ``blocking: auto`` (the built-in rules) nobody has to guess which keys suit a file. From
the fields the spec compares (and its ``refine`` fields) come candidate key parts, each with
how often two records of the same customer agree on it (``AGREEMENT``: an exact name less
often than its phonetic code, a birth date less often than the date with day and month put in
order). A candidate rule is one part, or two or three parts of different fields. For each, the
pairs it would make are *counted* first, from the sizes of its key groups (on a sample of the
records when there are many), never generated.

How much of the duplicates a set of rules finds is estimated as Splink's users are asked to
judge by eye: fields agree or not independently of each other, so every combination of "this
field agrees exactly / loosely / not at all" has a probability (the part's agreement times how
often both records have the field at all), and a rule catches the combinations in which all
its parts agree. A rule whose records sit mostly in blocks too large to compare in full (they
are compared by sorted neighbourhood) is counted only for the records in its small blocks.
Rules are then taken greedily by recall gained per candidate pair, until the budget
(``pair_budget`` pairs per record) is spent or no rule adds ``MIN_GAIN`` of recall.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmmigrate.transform.dedupe.blocking import KeyCodes, rule_keys
from crmmigrate.transform.dedupe.spec import ObjectSpec

# key parts per comparison kind: (transform, share of true duplicate pairs agreeing on it),
# loosest last; an exact agreement implies every looser one. The shares are set on the low side
# on purpose: an estimate too low costs candidate pairs (time), one too high costs duplicates
# never compared.
AGREEMENT: dict[str, tuple[tuple[str, float], ...]] = {
    "name": (("", 0.70), ("phonetic", 0.80)),
    "company": (("", 0.65), ("token1", 0.80)),
    "email": (("", 0.70),),
    "phone": (("", 0.65), ("last7", 0.70)),
    "date": (("", 0.75), ("swap", 0.78)),
    "text": (("street", 0.70),),
    "street": (("street", 0.70),),
    "postal": (("postal", 0.80),),
    "exact": (("", 0.80),),
    "identifier": (("", 0.90),),
    "number": (),
}
# coarse parts that only narrow a rule (never a rule alone)
REFINERS: dict[str, tuple[str, float]] = {"name": ("initial", 0.92), "date": ("year", 0.90)}
REFINE_AGREEMENT = 0.88  # a `refine:` field (city, state)
MIN_GAIN = 0.001  # a rule must add this much estimated recall to be worth its pairs
SAMPLE = 100_000  # records the pair counts are taken on when there are more
FREE_PAIRS = 0.5  # per record: below this a rule's pairs are not worth economising on
MAX_STATES = 200_000


@dataclass(frozen=True)
class Part:
    field: str
    transform: str
    level: int  # 1 = loosest part of the field; higher = stricter (exact)
    refiner: bool = False

    @property
    def text(self) -> str:
        return f"{self.field}:{self.transform}" if self.transform else self.field


@dataclass(frozen=True)
class Chosen:
    """One chosen rule with its counted pairs and the recall it added."""

    rule: list[str]
    pairs: int
    gain: float


@dataclass(frozen=True)
class Choice:
    rules: list[Chosen]
    recall: float  # estimated share of true duplicate pairs the rules put together
    budget: int
    pairs: int  # counted (estimated on a sample for large files), before removing overlaps
    considered: int
    sampled: int  # records the counts were taken on
    all_pairs: bool = False  # every pair fits in the budget: compare them all, no rules


@dataclass
class _Field:
    name: str
    states: np.ndarray  # P(state = k), k = 0 (no agreement) .. len(parts)


def _fields(spec: ObjectSpec, keys: KeyCodes) -> tuple[list[_Field], list[Part]]:
    """Each compared field's agreement states and its key parts, loosest first (level 1)."""
    fields: list[_Field] = []
    parts: list[Part] = []
    seen: set[str] = set()
    for comp in spec.comparisons:
        options = list(reversed(AGREEMENT.get(comp.kind, ())))  # loosest first
        if comp.field in seen or not options:
            continue
        seen.add(comp.field)
        present = _completeness(keys, spec, comp.field)
        if present == 0:
            continue
        refiner = REFINERS.get(comp.kind)
        levels = ([(*refiner, True)] if refiner else []) + [(t, a, False) for t, a in options]
        fields.append(_Field(comp.field, _nested([a * present**2 for _, a, _ in levels])))
        for level, (transform, _, coarse) in enumerate(levels, start=1):
            parts.append(Part(comp.field, transform, level, refiner=coarse))
    for name in spec.refine:
        present = _completeness(keys, spec, name)
        if name in seen or present == 0:
            continue
        seen.add(name)
        fields.append(_Field(name, _nested([REFINE_AGREEMENT * present**2])))
        parts.append(Part(name, "", 1, refiner=True))
    return fields, parts


def _nested(at_least: list[float]) -> np.ndarray:
    """P(state = k) for k = 0..len, from P(state >= k) for k = 1..len."""
    cumulative = np.minimum.accumulate(np.asarray(at_least, dtype=np.float64))
    bounds = np.r_[1.0, cumulative, 0.0]
    return bounds[:-1] - bounds[1:]


def _completeness(keys: KeyCodes, spec: ObjectSpec, name: str) -> float:
    codes, _ = keys.matrix(tuple(spec.sets.get(name, [name])))
    return float((codes >= 0).any(axis=1).mean()) if len(codes) else 0.0


class _States:
    """Every combination of field states with its probability (or a fixed random sample)."""

    def __init__(self, fields: list[_Field]) -> None:
        self.index = {f.name: i for i, f in enumerate(fields)}
        sizes = [len(f.states) for f in fields]
        total = int(np.prod(sizes)) if sizes else 1
        if total <= MAX_STATES:
            grids = np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij")
            self.states = np.stack([g.reshape(-1) for g in grids], axis=1)
            self.weight = np.ones(len(self.states))
            for k, f in enumerate(fields):
                self.weight *= f.states[self.states[:, k]]
        else:
            rng = np.random.default_rng(20261207)
            self.states = np.stack(
                [rng.choice(len(f.states), size=MAX_STATES, p=f.states) for f in fields], axis=1
            )
            self.weight = np.full(MAX_STATES, 1.0 / MAX_STATES)

    def covered(self, parts: tuple[Part, ...]) -> np.ndarray:
        hit = np.ones(len(self.states), dtype=bool)
        for part in parts:
            hit &= self.states[:, self.index[part.field]] >= part.level
        return hit


def _candidates(parts: list[Part]) -> list[tuple[Part, ...]]:
    """One strong part, or two or three parts of different fields (never refiners alone)."""
    out: list[tuple[Part, ...]] = [(p,) for p in parts if not p.refiner]
    for size in (2, 3):
        for combo in itertools.combinations(parts, size):
            if len({p.field for p in combo}) < size or all(p.refiner for p in combo):
                continue
            if size == 3 and sum(not p.refiner for p in combo) > 2:
                continue  # three strong keys: the pairs of two of them hold it already
            out.append(combo)
    return out


def choose_rules(spec: ObjectSpec, data: pd.DataFrame, keys: KeyCodes) -> Choice:
    """Blocking rules for ``data`` within ``spec.pair_budget`` pairs per record."""
    n = len(data)
    budget = int(spec.pair_budget * max(n, 1))
    if n * (n - 1) // 2 <= budget:  # a small file: every pair is affordable
        return Choice([], 1.0, budget, n * (n - 1) // 2, 0, n, all_pairs=True)
    fields, parts = _fields(spec, keys)
    if not fields or n < 2:
        return Choice([], 0.0, budget, 0, 0, n)
    states = _States(fields)
    sampled, scale = n, 1.0
    counting = keys
    if n > SAMPLE:
        rng = np.random.default_rng(20261207)
        rows = np.sort(rng.choice(n, size=SAMPLE, replace=False))
        counting = KeyCodes(data.iloc[rows].reset_index(drop=True), spec.sets)
        sampled, scale = SAMPLE, n / SAMPLE
    candidates = _candidates(parts)
    # counted per candidate: pairs in the whole file (estimated), share of keyed records in
    # blocks small enough to compare in full
    measured = []
    for combo in candidates:
        pairs, full = _count(counting, [p.text for p in combo], spec, scale)
        if pairs > 0 or full > 0:
            measured.append((combo, pairs, full, states.covered(combo)))
    # a rule giving less than FREE_PAIRS per record costs as if it gave that many: among cheap
    # rules the broadest wins (the estimate above counts agreements as independent, which
    # undervalues a single strong key such as an e-mail)
    floor = FREE_PAIRS * n
    miss = np.ones(len(states.weight))
    chosen: list[Chosen] = []
    spent = 0
    remaining = list(measured)
    while remaining:
        best, best_ratio = None, 0.0
        for i, (_, pairs, full, hit) in enumerate(remaining):
            if spent + pairs > budget:
                continue
            gain = float((states.weight * miss * hit).sum() * full)
            if gain < MIN_GAIN:
                continue
            ratio = gain / max(pairs, floor)
            if ratio > best_ratio:
                best, best_ratio = i, ratio
        if best is None:
            break
        combo, pairs, full, hit = remaining.pop(best)
        gain = float((states.weight * miss * hit).sum() * full)
        miss = np.where(hit, miss * (1.0 - full), miss)
        spent += pairs
        chosen.append(Chosen([p.text for p in combo], pairs, round(gain, 4)))
    recall = float((states.weight * (1.0 - miss)).sum())
    return Choice(chosen, round(recall, 4), budget, spent, len(measured), sampled)


def _count(keys: KeyCodes, rule: list[str], spec: ObjectSpec, scale: float) -> tuple[int, float]:
    """(pairs the rule would give in the whole file, share of its records in blocks small
    enough to compare in full). On a sample, a pair survives with probability 1/scale², and a
    block of k >= 2 sampled records stands for about k * scale records."""
    rows, groups = rule_keys(keys, rule)
    if len(rows) == 0:
        return 0, 0.0
    sizes = np.bincount(groups)
    sizes = sizes[sizes >= 2].astype(np.float64)
    whole = sizes * scale
    small = whole <= spec.max_block_size
    w = spec.window
    pairs = (sizes[small] * (sizes[small] - 1) / 2).sum() * scale**2
    pairs += (whole[~small] * w - w * (w + 1) / 2).sum()
    keyed = whole.sum()
    full = float(whole[small].sum() / keyed) if keyed else 0.0
    return int(pairs), full
