"""CSV cells that a spreadsheet will not run as formulas (CSV/formula injection, OWASP).

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@``
(and, through some import paths, a leading tab or carriage return) as a formula. Every CSV
the tool writes for people to open passes its cells through :func:`neutralise`, which prefixes
such a value with ``'`` — the spreadsheet then shows it as text.

Exception, decided on purpose: a value that is a plain number (``^[+-]?\\d+(\\.\\d+)?$``, e.g.
``-12.50`` or an E.164 phone ``+886912345678``) is left alone. A spreadsheet reads it as a
number, which runs no code and calls nothing, and prefixing would corrupt amounts and phones for
every consumer that reads the file as data (a CRM import, pandas). Anything else starting with a
trigger character — ``-1+2``, ``+1 (555) 010``, ``=1+1``, ``@SUM(A1)`` — is neutralised.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_FIRST = frozenset(TRIGGERS)
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralise(value: Any) -> Any:
    """The value, prefixed with ``'`` if a spreadsheet would read it as a formula.

    Non-strings (None, numbers) are returned unchanged: they are written as data.
    """
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return PREFIX + value


def neutralise_series(column: pd.Series) -> pd.Series:
    """:func:`neutralise` over a column: only the strings that start with a trigger are looked
    at one by one (a column of ids or names has none), each distinct one once."""
    if column.dtype.kind in "biufcmM":  # numbers and dates cannot start with a trigger
        return column
    values = column.to_numpy(dtype=object)
    at = np.fromiter(
        (i for i, v in enumerate(values) if v.__class__ is not str or v[:1] in _FIRST),
        dtype=np.intp,
    )
    if not len(at):
        return column
    out = values.copy()
    codes, uniques = pd.factorize(values[at], use_na_sentinel=True)
    mapped = np.array([neutralise(u) for u in uniques] + [None], dtype=object)
    picked = mapped[codes]
    missing = codes == -1
    picked[missing] = values[at][missing]  # keep None / NaN as they were
    out[at] = picked
    return pd.Series(out, index=column.index, name=column.name, dtype=object)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every cell (and header) neutralised."""
    out = pd.DataFrame({i: neutralise_series(frame.iloc[:, i]) for i in range(frame.shape[1])})
    out.index = frame.index
    out.columns = [neutralise(str(c)) for c in frame.columns]
    return out


def write_csv(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8", **kwargs: Any) -> Path:
    """Write ``frame`` as CSV (no index) with every cell neutralised; returns ``path``.

    Extra keyword arguments go to :meth:`pandas.DataFrame.to_csv` (e.g. ``na_rep``).
    """
    kwargs.setdefault("index", False)
    kwargs.setdefault("quoting", csv.QUOTE_MINIMAL)
    neutralise_frame(frame).to_csv(path, encoding=encoding, **kwargs)
    return path
