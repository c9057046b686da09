"""The standardiser contract: work on distinct values, return new values plus a status per value.

Every kind lives in its own module ``crmmigrate/transform/standardise/<kind>.py`` and exposes
``standardise(series: pd.Series, **options) -> Standardised`` (plus named helpers). It parses
each *distinct* value once (``apply_unique``, or vectorised fast paths over the uniques) and maps
the outcome back to the rows, so a million rows with ten thousand distinct values cost ten
thousand parses.

Statuses: ``ok`` (already canonical), ``fixed`` (changed; ``rule`` says by which rule),
``invalid`` (kept exactly as it was; ``reason`` is a stable kebab-case code), ``empty``.
Standardising a standardised column again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

Status = Literal["ok", "fixed", "invalid", "empty"]
STATUSES: tuple[Status, ...] = ("ok", "fixed", "invalid", "empty")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a standardiser decided for one distinct value."""

    value: str | None
    status: Status
    rule: str | None = None
    reason: str | None = None
    extras: Mapping[str, str | None] | None = None
    flag: str | None = None


EMPTY = Outcome(None, "empty")


def ok(value: str, *, extras: Mapping[str, str | None] | None = None) -> Outcome:
    return Outcome(value, "ok", extras=extras)


def fixed(
    before: str, after: str | None, rule: str, *, extras: Mapping[str, str | None] | None = None
) -> Outcome:
    """A change, or ``ok`` when the 'change' left the value as it was."""
    if after == before:
        return Outcome(before, "ok", extras=extras)
    if after is None or after == "":
        return Outcome(None, "empty", rule, extras=extras)
    return Outcome(after, "fixed", rule, extras=extras)


def invalid(value: str, reason: str, *, extras: Mapping[str, str | None] | None = None) -> Outcome:
    """Kept exactly as it was, flagged with a reason code."""
    return Outcome(value, "invalid", None, reason, extras=extras)


@dataclass(frozen=True)
class Standardised:
    """A standardised column: values plus, aligned with them, status, rule and reason.

    ``extras`` are side outputs aligned with the values (a phone's ``extension`` and ``second``
    number, an address's components, a company's ``match_key``); ``flags`` are non-blocking
    warnings per value (``role-address``); ``notes`` are facts about the whole column (the day/
    month order decided from its evidence, a contradiction found, the decimal mark).
    """

    values: pd.Series
    status: pd.Series
    rule: pd.Series
    reason: pd.Series
    extras: Mapping[str, pd.Series] = field(default_factory=dict)
    flags: pd.Series | None = None
    notes: Mapping[str, Any] = field(default_factory=dict)
    # True when the standardiser knows every value came back exactly as it went in, so a
    # caller need not compare the column to log its changes (there are none)
    unchanged: bool = False

    def counts(self) -> dict[str, int]:
        counted = self.status.value_counts()
        return {s: int(counted.get(s, 0)) for s in STATUSES}

    def reasons(self) -> dict[str, int]:
        counted = self.reason.dropna().value_counts()
        return {str(k): int(v) for k, v in counted.items()}

    def flag_counts(self) -> dict[str, int]:
        if self.flags is None:
            return {}
        counted = self.flags.dropna().value_counts()
        return {str(k): int(v) for k, v in counted.items()}


def apply_unique(series: pd.Series, parse: Callable[[str], Outcome]) -> Standardised:
    """Run ``parse`` once per distinct non-blank value and map the outcomes back to rows."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    outcomes = [EMPTY if _blank(v) else parse(v) for v in uniques]
    result = from_outcomes(series.index, codes, outcomes)
    pairs = zip(outcomes, uniques, strict=True)
    if all(type(o.value) is type(v) and o.value == v for o, v in pairs):
        return replace(result, unchanged=True)  # every value came back as it went in
    return result


def from_outcomes(
    index: pd.Index,
    codes: np.ndarray,
    outcomes: list[Outcome],
    notes: Mapping[str, Any] | None = None,
) -> Standardised:
    """Build a column from one outcome per distinct value and the rows' codes (-1 = missing)."""
    outcomes = [*outcomes, EMPTY]  # code -1 (missing) takes the last slot
    take = np.where(codes < 0, len(outcomes) - 1, codes)

    def column(values: list[Any]) -> pd.Series:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return pd.Series(arr[take], index=index, dtype=object)

    extra_keys = sorted({k for o in outcomes if o.extras for k in o.extras})
    extras = {key: column([(o.extras or {}).get(key) for o in outcomes]) for key in extra_keys}
    has_flags = any(o.flag for o in outcomes)
    return Standardised(
        values=column([o.value for o in outcomes]),
        status=column([o.status for o in outcomes]),
        rule=column([o.rule for o in outcomes]),
        reason=column([o.reason for o in outcomes]),
        extras=extras,
        flags=column([o.flag for o in outcomes]) if has_flags else None,
        notes=dict(notes or {}),
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")
