"""Picklists: match a value to the schema's allowed values, ignoring case, spaces and ``_``/``-``.

``IN_PROGRESS`` → ``In Progress``, ``marketingqualifiedlead`` → ``Marketing Qualified Lead``.
A value that matches nothing is kept and flagged ``invalid`` (validation reports it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from crmmigrate.transform.standardise.base import (
    Outcome,
    Standardised,
    apply_unique,
    fixed,
    invalid,
)

_FOLD = re.compile(r"[\s_\-/.]+")


def picklist_key(value: str) -> str:
    return _FOLD.sub("", value).casefold()


def standardise_picklist(
    series: pd.Series, values: Sequence[str], aliases: Mapping[str, str] | None = None
) -> Standardised:
    """Map each value to its allowed form; ``aliases`` maps extra spellings to allowed values."""
    lookup = {picklist_key(v): v for v in values}
    for alias, target in (aliases or {}).items():
        lookup[picklist_key(alias)] = target

    def parse(value: str) -> Outcome:
        found = lookup.get(picklist_key(value))
        if found is None:
            return invalid(value, "not-in-picklist")
        return fixed(value, found, "picklist")

    return apply_unique(series, parse)
