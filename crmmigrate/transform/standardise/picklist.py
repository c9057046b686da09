"""Picklists: match a value to the schema's allowed values and their aliases.

Matching ignores case, width (``ＶＩＰ``), accents, spaces and ``_ - / .``, and folds Traditional
to Simplified Chinese (``進行中`` = ``进行中``), so ``IN_PROGRESS`` → ``In Progress`` and
``marketingqualifiedlead`` → ``Marketing Qualified Lead``. An exact allowed value is ``ok``; a
value found by its key or an alias is ``fixed`` (rule ``picklist``, or ``picklist.alias``); a
value that matches nothing is kept and ``invalid`` with reason ``not-in-picklist``.

If two allowed values share a key, the first listed wins; an alias always wins over a value's key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from crmmigrate.transform.standardise._keys import fold
from crmmigrate.transform.standardise.base import (
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
    ok,
)

_FOLD = re.compile(r"[\s_\-/.·・]+")


def picklist_key(value: str) -> str:
    """The matching key: folded (width, case, accents, Traditional → Simplified), no separators."""
    return _FOLD.sub("", fold(value))


def standardise(
    series: pd.Series, *, values: Sequence[str], aliases: Mapping[str, str] | None = None
) -> Standardised:
    """Map each value to its allowed form; ``aliases`` maps extra spellings to allowed values."""
    allowed = set(values)
    by_key: dict[str, tuple[str, str]] = {}
    for v in values:
        by_key.setdefault(picklist_key(v), (v, "picklist"))
    for alias, target in (aliases or {}).items():
        by_key[picklist_key(alias)] = (target, "picklist.alias")

    def parse(value: str) -> Outcome:
        if value in allowed:
            return ok(value)
        found = by_key.get(picklist_key(value))
        if found is None:
            return invalid(value, "not-in-picklist")
        return fixed(value, found[0], found[1])

    return apply_unique(series, parse)


def standardise_picklist(
    series: pd.Series, values: Sequence[str], aliases: Mapping[str, str] | None = None
) -> Standardised:
    """The v0 signature the standardise stage calls."""
    return standardise(series, values=values, aliases=aliases)
