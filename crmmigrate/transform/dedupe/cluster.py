"""Clustering matched pairs into entities without chaining strangers together.

Connected components of the matched pairs are the first cut. A component of three or more
records is accepted only if every pair in it matches; otherwise it is re-clustered by average
linkage: pairs are taken strongest first, and two groups join only if the mean weight of *all*
pairs between them (scored now if blocking never compared them) is positive (more likely the
same customer than not) and no pair between them was declared distinct. One bad link between
two households therefore cannot merge them. Ties break on record order, which the engine fixes
by sorting on record id, so the result does not depend on the order rows arrived in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from crmmigrate.transform.dedupe.blocking import pairs_within_groups

FULL_SCORING_LIMIT = 40  # components up to this size get every pair scored
# two groups joined by a matching pair merge when the pairs between them are, on average, more
# likely the same customer than not (log2 odds 0): the records of one person vary, so the mean
# of all their pairs falls below the match threshold, while two households linked by one bad
# pair have every other pair strongly against
JOIN_WEIGHT = 0.0
PairScorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label (smallest member) of each of ``n`` nodes."""
    labels = np.arange(n, dtype=np.int64)
    if len(left) == 0:
        return labels
    while True:
        low = np.minimum(labels[left], labels[right])
        new = labels.copy()
        np.minimum.at(new, left, low)
        np.minimum.at(new, right, low)
        while True:  # pointer jumping: follow labels to their root
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    threshold: float,
    score: PairScorer,
) -> tuple[np.ndarray, int]:
    """Cluster label (smallest member position) per record, and how many components were split.

    ``weight`` is +inf for pairs declared a match and -inf for pairs declared distinct.
    """
    linked = weight >= threshold
    labels = components(n, left[linked], right[linked])
    sizes = np.bincount(labels, minlength=n)
    big = np.flatnonzero(sizes[labels] >= 3)
    if len(big) == 0:
        return labels, 0

    # a component whose every pair is a known match needs no second look
    same = labels[left] == labels[right]
    matched_pairs = np.bincount(labels[left[linked & same]], minlength=n)
    size_of = sizes[labels[big]]
    big = big[matched_pairs[labels[big]] != size_of * (size_of - 1) // 2]
    if len(big) == 0:
        return labels, 0
    in_big = np.zeros(n, dtype=bool)
    in_big[big] = True
    inside = in_big[left] & same
    known = dict(
        zip((left[inside] * n + right[inside]).tolist(), weight[inside].tolist(), strict=True)
    )
    small = big[sizes[labels[big]] <= FULL_SCORING_LIMIT]
    a, b, _, _ = pairs_within_groups(small.astype(np.int64), labels[small], FULL_SCORING_LIMIT)
    if len(a):
        codes = a * n + b
        missing = np.array([c not in known for c in codes.tolist()], dtype=bool)
        if missing.any():
            extra = score(a[missing], b[missing])
            known.update(zip(codes[missing].tolist(), extra.tolist(), strict=True))
    split = 0
    members_by_label: dict[int, list[int]] = {}
    for pos in big.tolist():
        members_by_label.setdefault(int(labels[pos]), []).append(pos)
    for members in members_by_label.values():
        pair_w = {
            (x, y): known[x * n + y]
            for i, x in enumerate(members)
            for y in members[i + 1 :]
            if x * n + y in known
        }
        complete = len(pair_w) == len(members) * (len(members) - 1) // 2
        if complete and min(pair_w.values()) >= threshold:
            continue
        groups = _average_linkage(members, pair_w, threshold)
        if len(groups) > 1:
            split += 1
            for group in groups:
                labels[group] = min(group)
    return labels, split


def _average_linkage(
    members: list[int], pair_w: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Greedy average-linkage grouping of one component's members."""
    root = {m: m for m in members}
    groups = {m: [m] for m in members}
    for (x, y), w in sorted(pair_w.items(), key=lambda item: (-item[1], item[0])):
        if w < threshold:
            break
        rx, ry = root[x], root[y]
        if rx == ry:
            continue
        cross = [pair_w.get((min(p, q), max(p, q))) for p in groups[rx] for q in groups[ry]]
        scored = [c for c in cross if c is not None]
        if any(c == -np.inf for c in scored):
            continue
        if not any(c == np.inf for c in scored) and float(np.mean(scored)) < JOIN_WEIGHT:
            continue
        keep, gone = (rx, ry) if rx < ry else (ry, rx)
        for m in groups[gone]:
            root[m] = keep
        groups[keep].extend(groups.pop(gone))
    return [sorted(g) for g in groups.values()]
