"""``crmmigrate profile``: a data inventory of source files, without their values.

Per file: the encoding used, the sheets, rows and columns. Per column: blank and distinct
counts, an inferred type, the top value *patterns* (shapes: ``0912-345-678`` is
``9999-999-999``), the target field the header suggests, duplicates of key-like values and the
day/month evidence of date columns. Across files: columns that look like the same thing.
Cell values appear only when asked for (``show_values``), as each column's top values.
"""

from crmmigrate.profile.columns import TOP_PATTERNS, top_patterns
from crmmigrate.profile.core import profile_files, profile_table, profile_values
from crmmigrate.profile.html import render_html
from crmmigrate.profile.model import (
    ColumnProfile,
    ColumnRef,
    DateOrderEvidence,
    DuplicateRows,
    DuplicateValues,
    FileProfile,
    PatternCount,
    ProfileReport,
    SimilarColumns,
    TableProfile,
    ValueCount,
)
from crmmigrate.profile.values import (
    PATTERN_MAX_CHARS,
    ColumnType,
    infer_type,
    match_keys,
    value_patterns,
    value_types,
)

__all__ = [
    "PATTERN_MAX_CHARS",
    "TOP_PATTERNS",
    "ColumnProfile",
    "ColumnRef",
    "ColumnType",
    "DateOrderEvidence",
    "DuplicateRows",
    "DuplicateValues",
    "FileProfile",
    "PatternCount",
    "ProfileReport",
    "SimilarColumns",
    "TableProfile",
    "ValueCount",
    "infer_type",
    "match_keys",
    "profile_files",
    "profile_table",
    "profile_values",
    "render_html",
    "top_patterns",
    "value_patterns",
    "value_types",
]
