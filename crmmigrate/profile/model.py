"""The profile report: frozen models rendered to the terminal, JSON and HTML from one source.

Only :attr:`ColumnProfile.top_values` can hold cell values, and only when the caller asked for
them (``show_values=True``); every other field is a count, a shape, a name or a type.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from crmmigrate.profile.values import ColumnType

DecidedOrder = Literal["DMY", "MDY", "contradictory"]
MatchBasis = Literal["values", "header", "values+header"]


@dataclass(frozen=True)
class PatternCount:
    """A value shape and how many cells have it."""

    pattern: str
    count: int


@dataclass(frozen=True)
class ValueCount:
    """A (trimmed) cell value and how many cells hold it: customer data, shown only on request."""

    value: str
    count: int


@dataclass(frozen=True)
class DuplicateValues:
    """Values of a key-like column (email, phone, ID) that repeat once normalised."""

    repeated_values: int  # distinct normalised values found in more than one row
    rows: int  # rows holding one of them


@dataclass(frozen=True)
class DateOrderEvidence:
    """Day/month evidence of a date column, in distinct values, as the date standardiser reads."""

    day_first: int  # values whose first part is over 12 (25/04/1985)
    month_first: int  # values whose second part is over 12 (04/25/1985)
    decided: DecidedOrder | None  # None: no evidence either way (the configured order applies)
    sampled: bool  # True when only the first distinct values were read


@dataclass(frozen=True)
class DuplicateRows:
    """Rows equal to another row once every cell is normalised (the key column left out)."""

    groups: int
    rows: int
    ignored_column: str | None  # the record-key column, not compared


@dataclass(frozen=True)
class ColumnProfile:
    """One column, described without its values (unless ``top_values`` was asked for)."""

    name: str
    blank: int
    distinct: int
    type: ColumnType
    patterns: tuple[PatternCount, ...]
    suggested: str | None  # target field, "external_id" for the key column, or None
    top_values: tuple[ValueCount, ...] | None = None
    duplicates: DuplicateValues | None = None
    date_order: DateOrderEvidence | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "blank": self.blank,
            "distinct": self.distinct,
            "type": self.type,
            "patterns": [asdict(p) for p in self.patterns],
            "suggested": self.suggested,
            "top_values": None if self.top_values is None else [asdict(v) for v in self.top_values],
            "duplicates": None if self.duplicates is None else asdict(self.duplicates),
            "date_order": None if self.date_order is None else asdict(self.date_order),
        }


@dataclass(frozen=True)
class TableProfile:
    """One sheet of a workbook, or a whole text file."""

    sheet: str | None
    rows: int
    object: str | None  # the target object the headers suggest
    columns: tuple[ColumnProfile, ...]
    duplicate_rows: DuplicateRows | None = None  # only for tables with a name column

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "rows": self.rows,
            "column_count": len(self.columns),
            "object": self.object,
            "columns": [column.to_dict() for column in self.columns],
            "duplicate_rows": None if self.duplicate_rows is None else asdict(self.duplicate_rows),
        }


@dataclass(frozen=True)
class FileProfile:
    """One file: its format, the encoding it was read with, and its tables."""

    path: str
    format: str
    encoding: str | None
    tables: tuple[TableProfile, ...]

    @property
    def sheets(self) -> list[str]:
        return [t.sheet for t in self.tables if t.sheet is not None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "sheets": self.sheets,
            "rows": sum(t.rows for t in self.tables),
            "tables": [t.to_dict() for t in self.tables],
        }


@dataclass(frozen=True)
class ColumnRef:
    """Where a column lives: file, sheet (Excel) and column name."""

    path: str
    sheet: str | None
    column: str

    def __str__(self) -> str:
        sheet = f"[{self.sheet}]" if self.sheet is not None else ""
        return f"{self.path}{sheet}:{self.column}"


@dataclass(frozen=True)
class SimilarColumns:
    """Two columns of different files that look like the same thing."""

    left: ColumnRef
    right: ColumnRef
    type: ColumnType  # the inferred type both share ("mixed" pairs are never reported)
    overlap: float  # share of the smaller set of distinct values found in the other (0..1)
    jaccard: float  # shared distinct values / all distinct values of both (0..1)
    suggested: str | None  # the target field both headers suggest, if the same
    basis: MatchBasis

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": asdict(self.left),
            "right": asdict(self.right),
            "type": self.type,
            "overlap": self.overlap,
            "jaccard": self.jaccard,
            "suggested": self.suggested,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class ProfileReport:
    """The profiles of every file asked for, in the order given (globs expanded, sorted)."""

    files: tuple[FileProfile, ...]
    similar: tuple[SimilarColumns, ...] = ()
    show_values: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "show_values": self.show_values,
            "files": [f.to_dict() for f in self.files],
            "similar_columns": [s.to_dict() for s in self.similar],
        }
