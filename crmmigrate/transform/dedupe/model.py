"""Fellegi–Sunter scoring: m and u probabilities per comparison level, estimated unsupervised.

* ``u`` (how often two *different* records agree at a level) comes from random record pairs,
  which are almost all non-matches.
* ``m`` (how often two records of the *same* entity agree at a level) comes from
  expectation–maximisation over the candidate pairs' level patterns. EM runs on the distinct
  patterns with their counts (a few thousand at most), so it costs nothing at any row count.
  Each kind brings a prior for ``m`` worth a few dozen pairs: it keeps a small project (where EM
  sees a handful of true pairs) sensible, and large data simply outweighs it.
* A pair's match weight is the prior log-odds that two random records match plus
  ``log2(m/u)`` of each comparison's level. With term-frequency adjustment an exact agreement
  uses the agreeing value's frequency as ``u``, so two "Chan"s count less than two "Szeto"s.
  The weight of each comparison is kept, so every score explains itself field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmmigrate.transform.dedupe.compare import LEVELS
from crmmigrate.transform.dedupe.spec import Kind

EM_ITERATIONS = 60
PRIOR_PAIRS = 30.0
U_FLOOR = 1e-7
EM_MIN_PAIRS = 200  # a training session with fewer candidate pairs keeps the priors
M_BOUND = 4.0  # EM may move a level's m at most this factor away from its prior
TF_PRIOR_RECORDS = 1_000.0  # term frequencies are shrunk toward u as if this many records

# what share of true duplicate pairs agree at each level (index = level), before EM
M_PRIORS: dict[Kind, tuple[float, ...]] = {
    "exact": (0.1, 0.9),
    "identifier": (0.03, 0.97),
    "text": (0.1, 0.1, 0.15, 0.65),
    "company": (0.05, 0.1, 0.15, 0.7),
    "name": (0.03, 0.04, 0.06, 0.07, 0.8),
    "email": (0.2, 0.03, 0.02, 0.75),
    "phone": (0.25, 0.05, 0.7),
    "date": (0.04, 0.02, 0.02, 0.02, 0.9),
    "number": (0.1, 0.1, 0.8),
    "street": (0.12, 0.1, 0.18, 0.6),
    "postal": (0.12, 0.08, 0.8),
}

# how often two random records agree at each level, before the sample is counted; worth
# U_PRIOR_PAIRS random pairs, so it matters only for small projects
U_PRIORS: dict[Kind, tuple[float, ...]] = {
    "exact": (0.99, 0.01),
    "identifier": (0.999999, 0.000001),
    "text": (0.97, 0.015, 0.01, 0.005),
    "company": (0.97, 0.015, 0.01, 0.005),
    "name": (0.9, 0.05, 0.03, 0.01, 0.01),
    "email": (0.999, 0.0005, 0.0004, 0.0001),
    "phone": (0.999, 0.0005, 0.0005),
    "date": (0.97, 0.025, 0.0048, 0.0001, 0.0001),
    "number": (0.9, 0.05, 0.05),
    "street": (0.995, 0.003, 0.0015, 0.0005),
    "postal": (0.98, 0.018, 0.002),
}
U_PRIOR_PAIRS = 5_000.0


@dataclass
class FSModel:
    """Per-comparison m/u by level and the prior probability that two random records match."""

    names: list[str]
    kinds: list[Kind]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float
    iterations: int = 0
    # comparison → the comparisons it repeats (a romanised full-name key repeats the first and
    # last names): it adds only what they did not already give, and never counts against
    repeats: dict[int, list[int]] = field(default_factory=dict)

    def level_weights(self) -> list[np.ndarray]:
        """log2(m/u) per level, per comparison."""
        return [
            np.log2(np.maximum(m, U_FLOOR) / np.maximum(u, U_FLOOR))
            for m, u in zip(self.m, self.u, strict=True)
        ]

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.prior / (1 - self.prior)))

    def to_dict(self) -> dict[str, object]:
        return {
            "prior": float(self.prior),
            "em_iterations": self.iterations,
            "comparisons": {
                name: {
                    level: {"m": round(float(m[i]), 6), "u": round(float(u[i]), 8)}
                    for i, level in enumerate(LEVELS[kind])
                }
                for name, kind, m, u in zip(self.names, self.kinds, self.m, self.u, strict=True)
            },
        }


def estimate_u(levels: np.ndarray, kinds: list[Kind]) -> list[np.ndarray]:
    """u per level from the levels of random pairs, smoothed towards the kind's prior."""
    out = []
    for k, kind in enumerate(kinds):
        prior = np.asarray(U_PRIORS[kind])
        col = levels[:, k]
        counts = np.bincount(col[col >= 0].astype(np.int64), minlength=len(prior))
        out.append((counts + U_PRIOR_PAIRS * prior) / (counts.sum() + U_PRIOR_PAIRS))
    return out


def _patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct level patterns, their counts, and each pair's pattern index."""
    if len(levels) == 0:
        return levels, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    shifted = levels.astype(np.int64) + 1
    radix = int(shifted.max()) + 1
    code = np.zeros(len(levels), dtype=np.int64)
    for k in range(levels.shape[1]):
        code = code * radix + shifted[:, k]
    # sorted, so the pattern table (and EM's sums over it) does not depend on the pair order
    inverse, distinct = pd.factorize(code, sort=True)
    counts = np.bincount(inverse, minlength=len(distinct))
    patterns = np.zeros((len(distinct), levels.shape[1]), dtype=np.int64)
    rest = distinct.copy()
    for k in range(levels.shape[1] - 1, -1, -1):
        patterns[:, k] = rest % radix - 1
        rest //= radix
    return patterns, counts, inverse


def _log_likelihood(patterns: np.ndarray, probs: list[np.ndarray]) -> np.ndarray:
    total = np.zeros(len(patterns))
    for k, p in enumerate(probs):
        lev = patterns[:, k]
        present = lev >= 0
        total[present] += np.log(np.maximum(p[lev[present]], U_FLOOR))
    return total


def _em(
    patterns: np.ndarray,
    counts: np.ndarray,
    m: list[np.ndarray],
    u: list[np.ndarray],
    priors: list[np.ndarray],
    free: list[bool],
    fix_m: bool = False,
) -> tuple[list[np.ndarray], list[np.ndarray], float, int]:
    """EM over level patterns; comparisons not ``free`` are left out of the likelihood."""
    share, iterations = 0.1, 0
    c = counts.astype(np.float64)
    used = [k for k, f in enumerate(free) if f]
    for step in range(1, EM_ITERATIONS + 1):
        iterations = step
        lm = _log_likelihood(patterns[:, used], [m[k] for k in used]) + np.log(share)
        lu = _log_likelihood(patterns[:, used], [u[k] for k in used]) + np.log(1 - share)
        resp = 1.0 / (1.0 + np.exp(np.clip(lu - lm, -700, 700)))
        new_share = float(np.clip((c * resp).sum() / max(c.sum(), 1.0), 1e-6, 1 - 1e-6))
        new_m, new_u = list(m), list(u)
        for k in used:
            lev = patterns[:, k]
            present = lev >= 0
            size = len(priors[k])
            wu = np.bincount(lev[present], weights=(c * (1 - resp))[present], minlength=size)
            new_u[k] = (wu + PRIOR_PAIRS * u[k]) / (wu.sum() + PRIOR_PAIRS)
            if not fix_m:
                wm = np.bincount(lev[present], weights=(c * resp)[present], minlength=size)
                new_m[k] = (wm + PRIOR_PAIRS * priors[k]) / (wm.sum() + PRIOR_PAIRS)
        delta = max(
            [abs(new_share - share)]
            + [float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)]
        )
        m, u, share = new_m, new_u, new_share
        if delta < 1e-5:
            break
    return m, u, share, iterations


def train(
    names: list[str],
    kinds: list[Kind],
    levels: np.ndarray,
    u_random: list[np.ndarray],
    total_pairs: float,
    sessions: list[tuple[np.ndarray, set[int]]] | None = None,
) -> tuple[FSModel, np.ndarray, np.ndarray]:
    """Fit m by EM; return the model, the distinct patterns and each pair's pattern index.

    Each training session is a subset of the candidate pairs (those a training rule would
    block together) and the comparisons that rule blocks on: those are left out of that
    session, since the rule guarantees their agreement. A comparison's ``m`` is the mean over
    the sessions where it was free. Choosing sessions blocked on identifying fields (name,
    e-mail, birth date) keeps households — who share an address and a landline but not a
    name or a birthday — from teaching the model that a different first name is normal.
    """
    patterns, counts, inverse = _patterns(levels)
    priors = [np.asarray(M_PRIORS[kind], dtype=np.float64) for kind in kinds]
    everything = [(np.ones(len(levels), dtype=bool), set[int]())]
    estimates: list[list[np.ndarray]] = [[] for _ in kinds]
    iterations = 0
    for mask, fixed in sessions or everything:
        if mask.sum() < EM_MIN_PAIRS:
            continue  # too few pairs to learn from: the priors stand
        sub_patterns, sub_counts, _ = _patterns(levels[mask])
        free = [k not in fixed for k in range(len(kinds))]
        m, _, _, steps = _em(
            sub_patterns, sub_counts, [p.copy() for p in priors], [x.copy() for x in u_random],
            priors, free,
        )  # fmt: skip
        iterations += steps
        for k in range(len(kinds)):
            if free[k]:
                estimates[k].append(m[k])
    m = [_bounded(np.mean(e, axis=0), priors[k]) if e else priors[k]
         for k, e in enumerate(estimates)]  # fmt: skip
    # the share of matches among all candidates, with m fixed
    _, _, share, steps = _em(
        patterns, counts, m, [x.copy() for x in u_random], priors, [True] * len(kinds), fix_m=True
    )
    iterations += steps
    # two random records of n are the same entity with probability about (duplicates / n²);
    # capping it at 1/n keeps a small project (where EM's estimate is noise) conservative
    records = (1 + float(np.sqrt(1 + 8 * total_pairs))) / 2
    expected_matches = share * len(levels)
    prior = float(np.clip(expected_matches / max(total_pairs, 1.0), 1e-12, 1 / max(records, 2)))
    return FSModel(names, kinds, m, u_random, prior, iterations), patterns, inverse


def _bounded(m: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """m kept within a factor of its prior per level (EM on odd data cannot make a differing
    e-mail normal among duplicates, or a name agreement near-certain), summing to 1."""
    clipped = np.clip(m, prior / M_BOUND, np.minimum(prior * M_BOUND, 1.0))
    return clipped / clipped.sum()


def value_frequencies(counts: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Each value's share of the records, for term frequencies, shrunk toward the field's u
    (the average chance of an exact agreement): in a small file a name seen twice may be
    the one duplicate, not a common name."""
    total = float(counts.sum())
    u_top = float(u[-1])
    return (counts + TF_PRIOR_RECORDS * u_top) / (total + TF_PRIOR_RECORDS)


def contributions(
    model: FSModel, levels: np.ndarray, groups: list[list[int]] | None = None
) -> np.ndarray:
    """Weight each comparison adds (pairs × comparisons; 0 for an empty side).

    Comparisons in one ``groups`` entry are one piece of evidence (a street and the home phone
    both say "same household"): only the strongest agreement of the group counts, while every
    disagreement still counts against.
    """
    out = np.zeros(levels.shape, dtype=np.float64)
    for k, w in enumerate(model.level_weights()):
        lev = levels[:, k]
        present = lev >= 0
        out[present, k] = w[lev[present]]
    for k, others in model.repeats.items():
        already = np.maximum(out[:, others], 0.0).sum(axis=1)
        out[:, k] = np.maximum(out[:, k] - already, 0.0)
    for group in groups or []:
        part = out[:, group]
        positive = np.where(part > 0, part, 0.0)
        top = positive.argmax(axis=1)
        keep = np.zeros_like(positive)
        keep[np.arange(len(part)), top] = positive[np.arange(len(part)), top]
        out[:, group] = np.where(part > 0, keep, part)
    return out


def pattern_weights(
    model: FSModel, levels: np.ndarray, groups: list[list[int]] | None = None
) -> np.ndarray:
    """Each pair's match weight without term-frequency adjustment."""
    if len(levels) == 0:
        return np.zeros(0)
    patterns, _, inverse = _patterns(levels)
    return pattern_table_weights(model, patterns, groups)[inverse]


def pattern_table_weights(
    model: FSModel, patterns: np.ndarray, groups: list[list[int]] | None = None
) -> np.ndarray:
    """Match weight of each distinct pattern."""
    return model.prior_weight + contributions(model, patterns, groups).sum(axis=1)


def tf_adjustment(
    model: FSModel, k: int, levels: np.ndarray, agreed: np.ndarray, frequency: np.ndarray
) -> np.ndarray:
    """Extra weight for exact agreements on a rare value (negative for a common one)."""
    top = len(model.m[k]) - 1
    out = np.zeros(len(levels))
    hit = (levels == top) & (agreed >= 0)
    u_top = max(float(model.u[k][top]), U_FLOOR)
    out[hit] = np.log2(u_top / np.maximum(frequency[agreed[hit]], U_FLOOR))
    return out


def probability(weight: np.ndarray) -> np.ndarray:
    """Match probability from a log2 match weight."""
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))
