"""The change log: one row per changed cell (record, field, before, after, rule, status)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

CHANGE_COLUMNS = ["record_id", "object", "field", "before", "after", "rule", "status"]


def differs(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Element-wise 'changed', treating None/NaN as equal to each other."""
    b_na = before.isna().to_numpy()
    a_na = after.isna().to_numpy()
    both = ~b_na & ~a_na
    neq = np.zeros(len(before), dtype=bool)
    neq[both] = before.to_numpy(dtype=object)[both] != after.to_numpy(dtype=object)[both]
    return neq | (b_na != a_na)


@dataclass
class ChangeLog:
    """Accumulates change rows column-wise and hands back one frame."""

    parts: list[pd.DataFrame] = field(default_factory=list)

    def record(
        self,
        record_ids: pd.Series,
        obj: str,
        field_name: str,
        before: pd.Series,
        after: pd.Series,
        rule: pd.Series | str,
        status: pd.Series | str = "fixed",
    ) -> int:
        """Log the cells where ``after`` differs from ``before``; return how many."""
        mask = differs(before, after)
        count = int(mask.sum())
        if count == 0:
            return 0

        def pick(col: pd.Series | str) -> np.ndarray:
            if isinstance(col, str):
                return np.full(count, col, dtype=object)
            return col.to_numpy(dtype=object)[mask]

        self.parts.append(
            pd.DataFrame(
                {
                    "record_id": record_ids.to_numpy(dtype=object)[mask],
                    "object": obj,
                    "field": field_name,
                    "before": before.to_numpy(dtype=object)[mask],
                    "after": after.to_numpy(dtype=object)[mask],
                    "rule": pick(rule),
                    "status": pick(status),
                }
            )
        )
        return count

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in CHANGE_COLUMNS})
        out = pd.concat(self.parts, ignore_index=True)
        return out.astype({c: object for c in CHANGE_COLUMNS})
