"""The change log: one row per changed cell (record, field, before, after, rule, status).

Rows are kept as Arrow tables as they are recorded: a million-row run changes millions of
cells, and holding them as Python objects (and the old values they reference) would cost
gigabytes. ``table()`` hands back one Arrow table (what clean writes to changes.parquet);
``frame()`` the same as pandas for small uses and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

CHANGE_COLUMNS = ["record_id", "object", "field", "before", "after", "rule", "status"]
_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("object", pa.dictionary(pa.int32(), pa.string())),
        ("field", pa.dictionary(pa.int32(), pa.string())),
        ("before", pa.large_string()),
        ("after", pa.large_string()),
        ("rule", pa.dictionary(pa.int32(), pa.string())),
        ("status", pa.dictionary(pa.int32(), pa.string())),
    ]
)


def differs(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Element-wise 'changed', treating None/NaN as equal to each other."""
    b_na = before.isna().to_numpy()
    a_na = after.isna().to_numpy()
    both = ~b_na & ~a_na
    neq = np.zeros(len(before), dtype=bool)
    neq[both] = before.to_numpy(dtype=object)[both] != after.to_numpy(dtype=object)[both]
    return neq | (b_na != a_na)


def _text(values: np.ndarray, type_: pa.DataType) -> pa.Array:
    """Object values as Arrow text (anything that is not a string is written as its str)."""
    cleaned = [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
               else v if isinstance(v, str) else str(v) for v in values]  # fmt: skip
    return pa.array(cleaned, type=type_)


def _constant(value: str, count: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(count, dtype=np.int32)), pa.array([value], type=pa.string())
    )


@dataclass
class ChangeLog:
    """Accumulates change rows as Arrow tables and hands back one table (or frame)."""

    parts: list[pa.Table] = field(default_factory=list)

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

        def labels(col: pd.Series | str) -> pa.Array:
            if isinstance(col, str):
                return _constant(col, count)
            return _text(col.to_numpy(dtype=object)[mask], pa.string()).dictionary_encode()

        self.parts.append(
            pa.table(
                [
                    _text(record_ids.to_numpy(dtype=object)[mask], pa.string()),
                    _constant(obj, count),
                    _constant(field_name, count),
                    _text(before.to_numpy(dtype=object)[mask], pa.large_string()),
                    _text(after.to_numpy(dtype=object)[mask], pa.large_string()),
                    labels(rule),
                    labels(status),
                ],
                schema=_SCHEMA,
            )
        )
        return count

    def __len__(self) -> int:
        return sum(p.num_rows for p in self.parts)

    def table(self) -> pa.Table:
        """Every change as one Arrow table (dictionaries unified across the parts)."""
        if not self.parts:
            return _SCHEMA.empty_table()
        return pa.concat_tables(self.parts).unify_dictionaries().combine_chunks()

    def frame(self) -> pd.DataFrame:
        """Every change as a pandas frame of object columns."""
        table = self.table()
        data = {
            name: table.column(name).cast(pa.large_string()).to_pylist()
            if pa.types.is_dictionary(table.column(name).type)
            else table.column(name).to_pylist()
            for name in CHANGE_COLUMNS
        }
        return pd.DataFrame(data, columns=CHANGE_COLUMNS).astype(object)
