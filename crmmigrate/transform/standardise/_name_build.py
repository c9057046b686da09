"""Build a ``Standardised`` column from one result row per distinct value, cheaply.

Same contract as ``base.apply_unique``/``from_outcomes`` (one parse per distinct value, blanks
``empty``), but results are plain tuples and each column is one ``take`` over the rows: at a
million rows and two hundred thousand distinct names the ``Outcome`` objects and per-column
copies cost more than the parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise.base import Standardised

#: (value, status, rule, reason, flag, *extras)
Row = tuple[Any, ...]


def build(
    series: pd.Series,
    parse_all: Callable[[list[str]], list[Row]],
    extras: Sequence[str],
) -> Standardised:
    """Parse each distinct non-blank value (as a batch) and spread the rows back over ``series``."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object).tolist()
    texts = [v if isinstance(v, str) else str(v) for v in values]
    blank = [not t or t.isspace() for t in texts]
    parsed = iter(parse_all([t for t, b in zip(texts, blank, strict=True) if not b]))
    empty: Row = (None, "empty", None, None, None) + (None,) * len(extras)
    rows: list[Row] = []
    for value, is_blank in zip(values, blank, strict=True):
        if is_blank:
            rows.append(empty)
            continue
        row = next(parsed)
        if row[1] == "invalid" and row[0] is not value:
            row = (value, *row[1:])  # an invalid value is kept exactly as it came
        rows.append(row)
    rows.append(empty)  # code -1 (missing) takes the last slot
    take = np.where(codes < 0, len(rows) - 1, codes)
    index = series.index

    def column(i: int) -> pd.Series | None:
        per_value = np.empty(len(rows), dtype=object)
        per_value[:] = [r[i] for r in rows]
        present = ~pd.isna(per_value)
        if present.all():
            out = per_value.take(take)
        elif not present.any():
            return None
        else:  # mostly-None columns (rule, reason, suffix): touch only the rows that have a value
            out = np.empty(len(take), dtype=object)
            hit = present.take(take)
            out[hit] = per_value.take(take[hit])
        return pd.Series(out, index=index, dtype=object, copy=False)

    def column_or_nones(i: int) -> pd.Series:
        col = column(i)
        if col is None:
            return pd.Series(np.empty(len(take), dtype=object), index=index, copy=False)
        return col

    # every value came back as it went in (a blank one becomes missing: a change)
    unchanged = all(
        type(r[0]) is type(v) and r[0] == v for r, v in zip(rows[:-1], values, strict=True)
    )
    return Standardised(
        values=column_or_nones(0),
        status=column_or_nones(1),
        rule=column_or_nones(2),
        reason=column_or_nones(3),
        extras={key: column_or_nones(5 + i) for i, key in enumerate(extras)},
        flags=column(4),
        unchanged=unchanged,
    )
