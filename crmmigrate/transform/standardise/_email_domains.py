"""Mistyped e-mail domains and role mailboxes, from ``crmmigrate/data/email_domains.yaml``.

A domain is corrected only when the correction is unambiguous: it is not a known domain, and
either it is listed (``gmail.com.tw``), or exactly one provider domain is nearest to it under the
distance limits the data file documents, or its ending is not a real top-level domain
(``.con``, ``.cpm``, ``.con.tw``). Distances are optimal-string-alignment edit distances, so a
swap of two neighbouring letters (``gmial``) costs one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from rapidfuzz.distance import OSA


@dataclass(frozen=True)
class DomainTables:
    targets: frozenset[str]
    known: frozenset[str]
    by_first: dict[str, tuple[tuple[str, str, int], ...]]  # first char → (name, suffix, limit)
    domain_typos: dict[str, str]
    suffix_typos: dict[str, str]
    roles: frozenset[str]


def _name_limit(name: str) -> int:
    """How far a mistyped provider name may be from the real one."""
    if len(name) <= 4:
        return 0
    return 1 if len(name) < 10 else 2


@lru_cache(maxsize=1)
def tables() -> DomainTables:
    text = resources.files("crmmigrate").joinpath("data/email_domains.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    targets = frozenset(data["targets"])
    by_first: dict[str, list[tuple[str, str, int]]] = {}
    for domain in sorted(targets):
        name, _, suffix = domain.partition(".")
        by_first.setdefault(name[0], []).append((name, suffix, _name_limit(name)))
    return DomainTables(
        targets=targets,
        known=targets | frozenset(data["known"]),
        by_first={k: tuple(v) for k, v in by_first.items()},
        domain_typos=dict(data["domain_typos"]),
        suffix_typos=dict(data["suffix_typos"]),
        roles=frozenset(data["role_local_parts"]),
    )


@lru_cache(maxsize=65536)
def typo_target(domain: str) -> str | None:
    """The domain a mistyped ``domain`` should be, or None when it is not a known typo."""
    t = tables()
    if domain in t.known:
        return None
    listed = t.domain_typos.get(domain)
    if listed is not None:
        return listed
    near = _nearest_provider(domain, t)
    if near is not None:
        return near
    labels = domain.split(".")
    for size in (2, 1):  # the longest listed ending wins: `con.tw` before `tw`
        if len(labels) > size:
            fixed_suffix = t.suffix_typos.get(".".join(labels[-size:]))
            if fixed_suffix is not None:
                return ".".join([*labels[:-size], fixed_suffix])
    return None


def _nearest_provider(domain: str, t: DomainTables) -> str | None:
    name, _, suffix = domain.partition(".")
    best: list[str] = []
    best_distance = 99
    for target_name, target_suffix, limit in t.by_first.get(domain[:1], ()):
        if abs(len(name) - len(target_name)) > limit:
            continue
        name_d = OSA.distance(name, target_name, score_cutoff=limit)
        if name_d > limit:
            continue
        suffix_d = OSA.distance(suffix, target_suffix, score_cutoff=1)
        if suffix_d > 1:
            continue
        total = name_d + suffix_d
        candidate = f"{target_name}.{target_suffix}"
        if total < best_distance:
            best, best_distance = [candidate], total
        elif total == best_distance:
            best.append(candidate)
    return best[0] if len(best) == 1 and best_distance > 0 else None


@lru_cache(maxsize=1)
def role_pattern() -> str:
    """A regular expression (Python and RE2) for a role local part at the start of an address."""
    names = sorted(tables().roles, key=len, reverse=True)
    return r"^(?:" + "|".join(re.escape(n) for n in names) + r")(?:[._-]?[0-9]+)?@"


@lru_cache(maxsize=1)
def candidate_pattern() -> str:
    """A regular expression (Python and RE2) every domain ``typo_target`` corrects matches.

    It lets a column skip the per-domain check for the many domains that cannot be a typo.
    """
    t = tables()
    names = set()
    for first, entries in t.by_first.items():
        for name, _, limit in entries:
            if limit == 0:
                names.add(re.escape(name))
            else:
                low, high = max(len(name) - limit - 1, 0), len(name) + limit - 1
                names.add(f"{re.escape(first)}[^.]{{{low},{high}}}")
    suffixes = "|".join(re.escape(s) for s in sorted(t.suffix_typos))
    listed = "|".join(re.escape(d) for d in sorted(t.domain_typos))
    return rf"^(?:{'|'.join(sorted(names))})\.|\.(?:{suffixes})$|^(?:{listed})$"
