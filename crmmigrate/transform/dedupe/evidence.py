"""What a match needs besides a high weight: evidence that is not a name, and personal evidence
where a household or a namesake could look the same.

The Fellegi–Sunter weight treats fields as independent, and people are not independent in the
ways that matter most here: namesakes share a name and, often, a mailbox name built from it
(``susanwilliams@gmail.com`` / ``susanwilliams@hotmail.com``); a household shares a surname,
an address and a landline; twins share all that and a birth date. So, with
``require_other_evidence`` (the default), a pair whose weight reaches the threshold is a match
only if

1. the comparisons that are not names are positive on balance (an agreement that the
   disagreements do not outweigh; an e-mail counts only when it agrees exactly — a similar one
   or the same mailbox name at another provider is the name again);
2. when the two given names are two different names — clearly different (``Caleb`` /
   ``Nathan``), or close but each a name in its own right (``Paul`` / ``Paula``, ``Jesse`` /
   ``Jessie``: both held by several records and neither ten times rarer than the other, or
   both Chinese) rather than a name and its misspelling (``Emily`` / ``Emilyy``) or an initial
   — something personal agrees: the same e-mail, the same ``personal`` field (a mobile), an
   identifier, or the same phone at another address (a phone shared with the address is the
   household's landline);
3. when something only one person has differs — a ``personal`` field (another e-mail, another
   mobile) — and nothing personal agrees, the rest must be more than a household or a namesake
   could share: the same address and given names no further apart than a nickname (``Bob`` /
   ``Robert``). Two John Smiths born the same day with other e-mails and mobiles at other
   addresses are two people until a person says otherwise;
4. when the birth dates clearly differ (not a typo, a swap or within a year), something
   personal agrees: John and Jack Russell at one address, born 1961 and 1949, are a father and
   a son.

Rules 2 and 4 are ``protect_relatives`` (default on): switched off, a different given name or
birth date only weighs against the pair, as in a plain Fellegi–Sunter model — which suits data
whose errors replace whole values (FEBRL's generator does) better than a CRM's households.
A pair that fails is kept just below the threshold, so it goes to review with its weight.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from crmmigrate.transform.dedupe.compare import LEVELS
from crmmigrate.transform.dedupe.spec import ObjectSpec

KNOWN_NAME_COUNT = 3  # a given name held by this many records may be a name, not a misspelling
RARER = 0.1  # ...unless it is this many times rarer than the name it resembles


class Evidence:
    """The rules above for one spec's comparisons.

    ``personal`` holds, per ``spec.personal`` field, each record's value code (-1 empty);
    ``given_count`` per record how many records hold its given name (0 for an initial), and
    ``chinese`` whether that name is in Chinese characters.
    """

    def __init__(
        self,
        spec: ObjectSpec,
        personal: list[np.ndarray] | None = None,
        given_count: np.ndarray | None = None,
        chinese: np.ndarray | None = None,
    ) -> None:
        comps = spec.comparisons
        self.enabled = spec.require_other_evidence
        self.relatives = spec.protect_relatives
        self.top = np.array([len(LEVELS[c.kind]) - 1 for c in comps], dtype=np.int8)
        self.other = [k for k, c in enumerate(comps) if c.evidence != "name"]
        self.exact_only = [k for k in self.other if comps[k].kind == "email"]
        fields = [c.field for c in comps]
        given = spec.name_swap[0] if spec.name_swap else None
        self.given = fields.index(given) if given in fields else None
        self.variant = LEVELS["name"].index("variant")  # from here two given names are one name
        self.exact_personal = [
            k
            for k, c in enumerate(comps)
            if c.evidence in ("contact", "identifier") and c.kind != "phone"
        ]
        self.phones = [k for k, c in enumerate(comps) if c.kind == "phone"]
        self.places = [k for k, c in enumerate(comps) if c.evidence == "place"]
        self.dates = [k for k, c in enumerate(comps) if c.evidence == "date"]
        self.contacts = [k for k in self.exact_personal if comps[k].kind == "email"]
        self.personal = personal or []
        self.given_count = given_count
        self.chinese = chinese

    def balance(self, levels: np.ndarray, parts: np.ndarray) -> np.ndarray:
        """Per row (a pair or a distinct level pattern): the weight of the comparisons that are
        not names, an e-mail counting only when exact (rule 1 wants it positive)."""
        if not self.other:
            return np.zeros(len(levels))
        other = parts[:, self.other].copy()
        for k in self.exact_only:
            col = self.other.index(k)
            partial = levels[:, k] < self.top[k]
            other[partial, col] = np.minimum(other[partial, col], 0.0)
        return other.sum(axis=1)

    def backed(
        self, levels: np.ndarray, balance: np.ndarray, left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        """Per pair: may it be a match? ``balance`` is :meth:`balance` of each pair."""
        n = len(levels)
        if not self.enabled or n == 0:
            return np.ones(n, dtype=bool)
        if not self.other:
            return np.zeros(n, dtype=bool)
        ok = balance > 0

        place = _any(levels, self.places, lambda lev, k: lev > 0)
        phone = _any(levels, self.phones, lambda lev, k: lev == self.top[k])
        agrees = _any(levels, self.exact_personal, lambda lev, k: lev == self.top[k])
        agrees |= phone & ~place
        differs = _any(levels, self.contacts, lambda lev, k: lev == 0)
        born_apart = _any(levels, self.dates, lambda lev, k: lev == 0)
        for codes in self.personal:
            a, b = codes[left], codes[right]
            both = (a >= 0) & (b >= 0)
            agrees |= both & (a == b)
            differs |= both & (a != b)
        if self.given is not None:
            given = levels[:, self.given]
            two_names = given == 0
            if self.given_count is not None and self.chinese is not None:
                close = (given > 0) & (given < self.variant)
                two_names |= close & self._two_names(left, right)
            if self.relatives:
                ok &= ~two_names | agrees  # rule 2
            same_given = (given < 0) | (given >= self.variant)
        else:
            same_given = np.ones(n, dtype=bool)
        ok &= ~differs | agrees | (same_given & place)  # rule 3
        if self.relatives:
            ok &= ~born_apart | agrees  # rule 4
        return ok

    def _two_names(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Two close given names that are each a name: both Chinese, or both common and of
        like frequency (a misspelling is far rarer than the name it misspells)."""
        assert self.given_count is not None and self.chinese is not None
        a, b = self.given_count[left], self.given_count[right]
        common = (np.minimum(a, b) >= KNOWN_NAME_COUNT) & (
            np.minimum(a, b) >= RARER * np.maximum(a, b)
        )
        return common | (self.chinese[left] & self.chinese[right])


def _any(levels: np.ndarray, columns: list[int], test: Callable[..., np.ndarray]) -> np.ndarray:
    out = np.zeros(len(levels), dtype=bool)
    for k in columns:
        out |= test(levels[:, k], k)
    return out


def given_names(uniques: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct given name: how many records hold it (0 for an initial: ``J``, ``J.``),
    and whether it is written in Chinese characters."""
    text = [str(v).strip().rstrip(".") for v in uniques.tolist()]
    initial = np.array([len(t) <= 1 for t in text], dtype=bool)
    chinese = np.array([bool(t) and not t.isascii() and _HAN.search(t) is not None for t in text])
    return np.where(initial, 0, counts), chinese.astype(bool)


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
