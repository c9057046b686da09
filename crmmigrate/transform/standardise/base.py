"""The standardiser contract: work on distinct values, return new values plus a status per value.

Every standardiser is a function ``(pd.Series, **options) -> Standardised``. It parses each
*distinct* value once (``apply_unique``) and maps the outcome back to the rows, so a column of
a million rows with ten thousand distinct values costs ten thousand parses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

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


EMPTY = Outcome(None, "empty")


def ok(value: str) -> Outcome:
    return Outcome(value, "ok")


def fixed(before: str, after: str | None, rule: str) -> Outcome:
    """A change, or ``ok`` when the 'change' left the value as it was."""
    if after == before:
        return Outcome(before, "ok")
    if after is None or after == "":
        return Outcome(None, "empty", rule)
    return Outcome(after, "fixed", rule)


def invalid(value: str, reason: str) -> Outcome:
    """Kept exactly as it was, flagged with a reason code."""
    return Outcome(value, "invalid", None, reason)


@dataclass(frozen=True)
class Standardised:
    """A standardised column: values plus, aligned with them, status, rule and reason."""

    values: pd.Series
    status: pd.Series
    rule: pd.Series
    reason: pd.Series

    def counts(self) -> dict[str, int]:
        counted = self.status.value_counts()
        return {s: int(counted.get(s, 0)) for s in STATUSES}

    def reasons(self) -> dict[str, int]:
        counted = self.reason.dropna().value_counts()
        return {str(k): int(v) for k, v in counted.items()}


def apply_unique(series: pd.Series, parse: Callable[[str], Outcome]) -> Standardised:
    """Run ``parse`` once per distinct non-missing value and map the outcomes back to rows."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    outcomes = [EMPTY if _blank(v) else parse(v) for v in uniques]
    outcomes.append(EMPTY)  # code -1 (missing) takes the last slot
    take = np.where(codes < 0, len(outcomes) - 1, codes)

    def column(attr: str) -> pd.Series:
        arr = np.empty(len(outcomes), dtype=object)
        arr[:] = [getattr(o, attr) for o in outcomes]
        return pd.Series(arr[take], index=series.index, dtype=object)

    return Standardised(column("value"), column("status"), column("rule"), column("reason"))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def chain(series: pd.Series, *steps: Callable[[str], Outcome]) -> Standardised:
    """Apply several per-value steps in order; the last non-None rule names the change."""

    def run(value: str) -> Outcome:
        current = value
        rules: list[str] = []
        for step in steps:
            out = step(current)
            if out.status == "invalid":
                return invalid(value, out.reason or "invalid")
            if out.status == "empty":
                return Outcome(None, "empty", out.rule)
            if out.status == "fixed" and out.rule:
                rules.append(out.rule)
            current = out.value or current
        if current == value:
            return ok(value)
        return Outcome(current, "fixed", "+".join(rules))

    return apply_unique(series, run)
