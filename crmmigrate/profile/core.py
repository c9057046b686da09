"""Profile files: read, profile every column, then compare columns across files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.extract.headers import check_header_row
from crmmigrate.extract.readers import FORMATS, expand_paths
from crmmigrate.profile import columns as col
from crmmigrate.profile.model import (
    ColumnProfile,
    ColumnRef,
    DuplicateRows,
    FileProfile,
    PatternCount,
    ProfileReport,
    TableProfile,
)
from crmmigrate.profile.read import Columns, read_columns, to_arrow
from crmmigrate.profile.similar import ColumnKeys, similar_columns
from crmmigrate.profile.values import KEY_TYPES, NAME_TYPES, ColumnType
from crmmigrate.suggest import suggest_mapping
from crmmigrate.target_schema import (
    EXTERNAL_ID,
    TargetSchema,
    default_schema_path,
    load_target_schema,
)

# Target fields that hold a name: a table with one of them is checked for duplicate rows.
NAME_FIELDS = frozenset(
    {"full_name", "first_name", "last_name", "name", "company", "customer_name"}
)
KEY_FIELDS = frozenset({EXTERNAL_ID, "tax_id", "email", "phone", "mobile_phone"})
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio): a row-code hash


def profile_files(
    patterns: Sequence[str],
    *,
    encoding: str = "auto",
    sheet: str | None = None,
    base_dir: Path | None = None,
    schema: TargetSchema | None = None,
    show_values: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ProfileReport:
    """Profile every file the patterns name (globs expand; every sheet unless ``sheet``).

    ``show_values`` adds each column's most frequent values (customer data) to the report.
    A missing, unreadable or undecodable file raises the extract error before any output, and
    so does a file whose first row looks like data rather than a header: its "column names"
    would be a customer's values (see :mod:`crmmigrate.extract.headers`).
    """
    base_dir = Path(".") if base_dir is None else base_dir
    schema = schema or load_target_schema(default_schema_path())
    paths = [path for pattern in patterns for path in expand_paths(pattern, base_dir)]
    compare = len(paths) > 1
    files: list[FileProfile] = []
    keys: list[ColumnKeys] = []
    for number, path in enumerate(paths):
        if progress is not None:
            progress(f"profiling {path}")
        tables = read_columns(path, encoding=encoding, sheet=sheet, label=str(path))
        for table in tables:
            check_header_row(table.headers, label=str(path), sheet=table.sheet)
        profiles = []
        for table in tables:
            profile, found = profile_table(table, schema, show_values=show_values, keys=compare)
            profiles.append(profile)
            keys += [
                ColumnKeys(
                    number, ColumnRef(str(path), table.sheet, c.name), c.type, c.suggested, k
                )
                for c, k in zip(profile.columns, found, strict=True)
                if k is not None
            ]
        files.append(
            FileProfile(
                path=str(path),
                format=FORMATS.get(path.suffix.lower(), "?"),
                encoding=tables[0].encoding if tables else None,
                tables=tuple(profiles),
            )
        )
    if compare and progress is not None:
        progress("comparing columns across files")
    similar = similar_columns(keys) if compare else ()
    return ProfileReport(tuple(files), similar, show_values)


def profile_table(
    table: Columns, schema: TargetSchema, *, show_values: bool = False, keys: bool = False
) -> tuple[TableProfile, list[pa.Array | None]]:
    """Profile every column of one table; also each column's normalised value set if ``keys``."""
    suggestion = suggest_mapping(table.headers, schema)
    targets = suggestion.targets()
    data = [col.encode(values) for values in table.columns]
    kinds = [
        _column_type(d, targets.get(name)) for d, name in zip(data, table.headers, strict=True)
    ]
    profiles = []
    for name, d, kind in zip(table.headers, data, kinds, strict=True):
        suggested = targets.get(name)
        key_like = kind in KEY_TYPES or suggested in KEY_FIELDS
        profiles.append(
            ColumnProfile(
                name=name,
                blank=d.blank,
                distinct=len(d.values),
                type=kind,
                patterns=col.top_patterns(d.values, d.counts),
                suggested=suggested,
                top_values=col.top_values(d) if show_values else None,
                duplicates=col.duplicate_values(d, kind) if key_like and len(d.values) else None,
                date_order=col.date_order(d) if kind == "date" else None,
            )
        )
    has_name = any(k in NAME_TYPES for k in kinds) or any(
        targets.get(h) in NAME_FIELDS for h in table.headers
    )
    duplicate_rows = (
        _duplicate_rows(table.headers, data, kinds, suggestion.key) if has_name else None
    )
    value_sets: list[pa.Array | None] = []
    if keys:
        for d, kind in zip(data, kinds, strict=True):
            found = col.match_keys(d.values, kind)
            value_sets.append(pc.unique(found.drop_null()))
    else:
        value_sets = [None for _ in data]
    return (
        TableProfile(table.sheet, table.rows, suggestion.object, tuple(profiles), duplicate_rows),
        value_sets,
    )


def _column_type(data: col.ColumnData, suggested: str | None) -> ColumnType:
    kind = col.column_type(data)
    # A bare 5-digit number is a postcode only when the header says so.
    if kind == "integer" and suggested is not None and suggested.endswith("postal_code"):
        return "postal_code"
    return kind


def _duplicate_rows(
    headers: list[str], data: list[col.ColumnData], kinds: list[ColumnType], key: str | None
) -> DuplicateRows:
    """Rows whose every normalised cell equals another row's (the record key ignored)."""
    rows = len(data[0].codes) if data else 0
    mixed = np.zeros(rows, dtype=np.uint64)
    for name, d, kind in zip(headers, data, kinds, strict=True):
        if name == key:
            continue
        codes = col.key_codes(d, kind).astype(np.uint64) + np.uint64(1)  # blank -> 0
        mixed = (mixed ^ codes) * _MIX
        mixed ^= mixed >> np.uint64(29)
    _, counts = np.unique(mixed, return_counts=True)
    repeated = counts > 1
    return DuplicateRows(int(repeated.sum()), int(counts[repeated].sum()), key)


def profile_values(values: pd.Series) -> tuple[int, int, ColumnType, tuple[PatternCount, ...]]:
    """(blank cells, distinct non-blank values, inferred type, top patterns) of one column."""
    data = col.encode(to_arrow(values))
    kind = col.column_type(data)
    return data.blank, len(data.values), kind, col.top_patterns(data.values, data.counts)
