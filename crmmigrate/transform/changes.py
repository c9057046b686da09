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


_ALL_TEXT = frozenset({"string", "empty"})  # infer_dtype's answers for text-or-missing arrays


class Cells:
    """A column the change log reads more than once (the record ids, a composite's text).

    Its objects and missing-value mask are taken once, and its Arrow text is converted once
    and filtered for each ``record`` call instead of being converted again each time.
    """

    def __init__(self, values: pd.Series) -> None:
        self.objects: np.ndarray = values.to_numpy(dtype=object)
        self.index = values.index
        self._na: np.ndarray | None = None
        self._arrow: dict[pa.DataType, pa.Array] = {}

    def __len__(self) -> int:
        return len(self.objects)

    def na(self) -> np.ndarray:
        if self._na is None:
            self._na = pd.isna(self.objects)
        return self._na

    def arrow(self, type_: pa.DataType) -> pa.Array:
        if type_ not in self._arrow:
            self._arrow[type_] = _text(self.objects, type_)
        return self._arrow[type_]


Column = pd.Series | Cells


def _objects_and_na(values: Column) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(values, Cells):
        return values.objects, values.na()
    objects = values.to_numpy(dtype=object)
    return objects, pd.isna(objects)


def differs(before: Column, after: Column) -> np.ndarray:
    """Element-wise 'changed', treating None/NaN as equal to each other."""
    b_obj, b_na = _objects_and_na(before)
    a_obj, a_na = _objects_and_na(after)
    return _differs(b_obj, b_na, a_obj, a_na)


def _differs(
    b_obj: np.ndarray, b_na: np.ndarray, a_obj: np.ndarray, a_na: np.ndarray
) -> np.ndarray:
    both = ~b_na & ~a_na
    if both.all():  # the usual case: compare whole arrays (no fancy-indexed copies)
        return np.asarray(b_obj != a_obj, dtype=bool)
    neq = np.zeros(len(b_obj), dtype=bool)
    neq[both] = b_obj[both] != a_obj[both]
    return neq | (b_na != a_na)


def _text(values: np.ndarray, type_: pa.DataType) -> pa.Array:
    """Object values as Arrow text (anything that is not a string is written as its str)."""
    if pd.api.types.infer_dtype(values, skipna=True) in _ALL_TEXT:
        # every value is text or missing: Arrow converts them without a Python loop
        return pa.array(values, type=type_, from_pandas=True)
    cleaned = [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
               else v if isinstance(v, str) else str(v) for v in values]  # fmt: skip
    return pa.array(cleaned, type=type_)


def _constant(value: str, count: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(count, dtype=np.int32)), pa.array([value], type=pa.string())
    )


def _labels(values: np.ndarray) -> pa.Array:
    """Few distinct values (rules, statuses) as a dictionary array (pandas' hash table)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    words = _text(np.asarray(uniques, dtype=object), pa.string())
    if len(set(words.to_pylist())) < len(words):  # two values with the same text: let Arrow merge
        return _text(values, pa.string()).dictionary_encode()
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, words)


class Labels:
    """A label column (the rules of a composite's parts) a caller logs from more than once:
    factorised once, then taken per call as a dictionary array."""

    def __init__(self, values: pd.Series) -> None:
        self.objects: np.ndarray = values.to_numpy(dtype=object)
        codes, uniques = pd.factorize(self.objects, use_na_sentinel=True)
        self.codes = codes.astype(np.int32)
        self.words = _text(np.asarray(uniques, dtype=object), pa.string())
        self.exact = len(set(self.words.to_pylist())) == len(self.words)

    def take(self, mask: np.ndarray) -> pa.Array:
        if not self.exact:  # two values with the same text: let _labels merge them
            return _labels(self.objects[mask])
        codes = self.codes[mask]
        return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), self.words)


def _changed_text(
    values: Column, objects: np.ndarray, mask: np.ndarray, type_: pa.DataType
) -> pa.Array:
    if isinstance(values, Cells):
        return values.arrow(type_).filter(pa.array(mask))
    return _text(objects[mask], type_)


@dataclass
class ChangeLog:
    """Accumulates change rows as Arrow tables and hands back one table (or frame)."""

    parts: list[pa.Table] = field(default_factory=list)

    def record(
        self,
        record_ids: Column,
        obj: str,
        field_name: str,
        before: Column,
        after: Column,
        rule: pd.Series | Labels | str,
        status: pd.Series | Labels | str = "fixed",
        *,
        rows: np.ndarray | None = None,
    ) -> int:
        """Log the cells where ``after`` differs from ``before``; return how many.

        ``record_ids`` and ``before``/``after`` may be ``Cells`` a caller reads for many calls;
        ``rows`` (a boolean mask) limits the cells that may be logged.
        """
        b_obj, b_na = _objects_and_na(before)
        a_obj, a_na = _objects_and_na(after)
        mask = _differs(b_obj, b_na, a_obj, a_na)
        if rows is not None:
            mask &= rows
        count = int(mask.sum())
        if count == 0:
            return 0

        def labels(col: pd.Series | Labels | str) -> pa.Array:
            if isinstance(col, str):
                return _constant(col, count)
            if isinstance(col, Labels):
                return col.take(mask)
            return _labels(col.to_numpy(dtype=object)[mask])

        ids = (
            record_ids.objects
            if isinstance(record_ids, Cells)
            else record_ids.to_numpy(dtype=object)
        )
        self.parts.append(
            pa.table(
                [
                    _changed_text(record_ids, ids, mask, pa.string()),
                    _constant(obj, count),
                    _constant(field_name, count),
                    _changed_text(before, b_obj, mask, pa.large_string()),
                    _changed_text(after, a_obj, mask, pa.large_string()),
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
