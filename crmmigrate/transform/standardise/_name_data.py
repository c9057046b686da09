"""Word lists for person names, read once from ``crmmigrate/data/names/*.txt``.

Each file explains itself in its ``#`` header. Words are separated by spaces or new lines; in
``romanised_surnames.txt`` a line holding ``|`` lists entries that may contain spaces (compound
surnames: ``au yeung|sze to``); ``not_names.txt`` and ``not_companies.txt`` hold one entry per
line.
"""

from __future__ import annotations

import re
from pathlib import Path

_DATA = Path(__file__).parents[2] / "data" / "names"


def _read(name: str) -> str:
    text = (_DATA / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _words(name: str) -> frozenset[str]:
    return frozenset(_read(name).split())


def entries(name: str) -> frozenset[str]:
    """Entries separated by ``|`` or new lines (they may contain spaces)."""
    return frozenset(e.strip() for e in re.split(r"[|\n]", _read(name)) if e.strip())


COMPOUND_SURNAMES: frozenset[str] = _words("compound_surnames.txt")
COMMON_SURNAMES: frozenset[str] = _words("common_surnames.txt")
GIVEN_SYLLABLES: frozenset[str] = _words("given_syllables.txt")
MAC_STEMS: frozenset[str] = _words("mac_names.txt")
NOT_NAMES: frozenset[str] = entries("not_names.txt")

_romanised = [
    e.strip().replace("-", " ")
    for line in _read("romanised_surnames.txt").splitlines()
    for e in (line.split("|") if "|" in line else line.split())
    if e.strip()
]
#: single-word romanised surnames (``chan``, ``hsieh``, ``szeto``)
ROMAN_SURNAMES: frozenset[str] = frozenset(e for e in _romanised if " " not in e)
#: two-word romanised compound surnames (``au yeung``, ``sze to``)
ROMAN_COMPOUND_SURNAMES: frozenset[str] = frozenset(e for e in _romanised if " " in e)
#: surnames that are not mostly given-name syllables: the romanised-order rule trusts only these
STRONG_SURNAMES: frozenset[str] = (ROMAN_SURNAMES - GIVEN_SYLLABLES) | frozenset(
    e.replace(" ", sep) for e in ROMAN_COMPOUND_SURNAMES for sep in ("", "-")
)
