"""SaaS import bundles: clean frames → CSV files shaped for Salesforce Data Loader or HubSpot.

Salesforce (``salesforce-csv``): one ``NN_<SObject>.csv`` per object in load order (parents
first, so Data Loader upserts them in that order); headers are the API names from the schema's
``salesforce:`` keys; the external id column is ``Legacy_Id__c``; a reference is a relationship
column ``<Relationship>.Legacy_Id__c`` (``AccountId`` → ``Account``, ``Foo__c`` → ``Foo__r``)
holding the parent's external id, so Data Loader resolves it on upsert. Empty values are blank;
with ``blank_as_na`` they are ``#N/A``, which Data Loader writes as "set this field to null" —
use it for an update that must clear fields the clean data emptied (a blank cell leaves the CRM
value as it was). One Data Loader mapping file (``NN_<SObject>.sdl``, ``header=field`` lines) per
CSV.

HubSpot (``hubspot-csv``): one ``<object>.csv`` per object (``contacts``, ``companies``, ...) with
the ``hubspot:`` internal property names as headers, the external id in ``legacy_id`` (a custom
unique property to create first), a reference as ``<parent object>_legacy_id``; files are split
so none exceeds HubSpot's import limits (1,048,576 rows, 512 MB) — ``<object>-001.csv``, ...

Both write ``mapping.csv`` (object, field, file header, target field, note) and UTF-8 files
whose every cell went through :func:`crmmigrate.safecsv.neutralise`. Fields without an
equivalent in the target CRM are left out and listed in the result and the mapping file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from crmmigrate.errors import UsageError
from crmmigrate.safecsv import neutralise, neutralise_series
from crmmigrate.target_schema import EXTERNAL_ID, ObjectDef, TargetSchema

BundleKind = Literal["salesforce-csv", "hubspot-csv"]
SALESFORCE_EXTERNAL_ID = "Legacy_Id__c"
HUBSPOT_EXTERNAL_ID = "legacy_id"
HUBSPOT_MAX_ROWS = 1_048_576
HUBSPOT_MAX_BYTES = 512 * 1024 * 1024
NA = "#N/A"
MAPPING_HEADER = ("object", "field", "file", "header", "target_field", "note")


@dataclass(frozen=True)
class BundleFile:
    object: str
    path: Path
    rows: int


@dataclass(frozen=True)
class BundleResult:
    """The files a bundle wrote, in load order, and the fields the target CRM has no place for."""

    kind: BundleKind
    out_dir: Path
    files: tuple[BundleFile, ...]
    mapping: Path
    unmapped: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Column:
    field: str  # crmmigrate field (or external_id)
    header: str


def salesforce_relationship(api_name: str) -> str:
    """The relationship name of a Salesforce lookup field: ``AccountId`` → ``Account``."""
    if api_name.endswith("__c"):
        return api_name[:-3] + "__r"
    return api_name[:-2] if api_name.endswith("Id") else api_name


def _columns(
    kind: BundleKind, schema: TargetSchema, obj: ObjectDef, frame: pd.DataFrame
) -> tuple[list[_Column], list[str]]:
    ext = SALESFORCE_EXTERNAL_ID if kind == "salesforce-csv" else HUBSPOT_EXTERNAL_ID
    columns, unmapped, seen = [_Column(EXTERNAL_ID, ext)], [], {ext}
    for name, fdef in obj.fields.items():
        if name not in frame.columns:
            continue
        target = fdef.salesforce if kind == "salesforce-csv" else fdef.hubspot
        if not target:
            unmapped.append(name)
            continue
        if fdef.type == "reference":
            parent = schema.objects[str(fdef.object)]
            if kind == "salesforce-csv":
                header = f"{salesforce_relationship(target)}.{SALESFORCE_EXTERNAL_ID}"
            else:
                header = f"{parent.hubspot or fdef.object}_{HUBSPOT_EXTERNAL_ID}"
        else:
            header = target
        if header in seen:  # two fields onto one property: keep the first, report the other
            unmapped.append(name)
            continue
        seen.add(header)
        columns.append(_Column(name, header))
    return columns, unmapped


def _cells(frame: pd.DataFrame, columns: list[_Column], blank: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for col in columns:
        values = frame[col.field].astype(object)
        values = values.where(values.notna(), "").map(lambda v: v if isinstance(v, str) else str(v))
        if col.field != EXTERNAL_ID and blank:
            values = values.where(values.str.strip() != "", blank)
        out[col.header] = neutralise_series(values)
    return out


def _line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _write_split(
    cells: pd.DataFrame, stem: Path, max_rows: int, max_bytes: int
) -> list[tuple[Path, int]]:
    """Write ``cells`` to ``stem.csv``, or ``stem-001.csv``... when over a limit."""
    header = _line([neutralise(c) for c in cells.columns])
    header_bytes = len(header.encode("utf-8"))
    parts: list[list[str]] = [[]]
    size = header_bytes
    for row in cells.itertuples(index=False, name=None):
        line = _line(list(row))
        length = len(line.encode("utf-8"))
        if header_bytes + length > max_bytes:
            raise UsageError(f"{stem.name}: a row is larger than the {max_bytes}-byte file limit")
        if len(parts[-1]) >= max_rows or size + length > max_bytes:
            parts.append([])
            size = header_bytes
        parts[-1].append(line)
        size += length
    written = []
    for i, lines in enumerate(parts, start=1):
        path = (
            stem.with_suffix(".csv")
            if len(parts) == 1
            else stem.with_name(f"{stem.name}-{i:03d}.csv")
        )
        path.write_text(header + "".join(lines), encoding="utf-8", newline="")
        written.append((path, len(lines)))
    return written


def _write_sdl(path: Path, columns: list[_Column]) -> None:
    lines = ["# Data Loader field mapping written by crmmigrate: csvHeader=sfdcField"]
    lines += [f"{c.header}={c.header}" for c in columns]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_bundle(
    frames: Mapping[str, pd.DataFrame],
    schema: TargetSchema,
    kind: BundleKind,
    out_dir: Path,
    *,
    blank_as_na: bool = False,
    max_rows: int = HUBSPOT_MAX_ROWS,
    max_bytes: int = HUBSPOT_MAX_BYTES,
) -> BundleResult:
    """Write one import bundle of the clean ``frames`` into ``out_dir`` (created if needed).

    ``blank_as_na`` (Salesforce only) writes ``#N/A`` for empty mapped fields so an update
    clears them. ``max_rows`` / ``max_bytes`` split HubSpot files (rows exclude the header).
    """
    if kind not in ("salesforce-csv", "hubspot-csv"):
        raise UsageError(f"bundle kind {kind!r} is not salesforce-csv or hubspot-csv")
    if blank_as_na and kind != "salesforce-csv":
        raise UsageError("#N/A blanking (blank_as_na) is a Salesforce Data Loader convention")
    unknown = sorted(set(frames) - set(schema.objects))
    if unknown:
        raise UsageError(f"{unknown[0]}: not an object of target schema {schema.name}")
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[BundleFile] = []
    mapping_rows: list[tuple[str, ...]] = []
    unmapped: dict[str, tuple[str, ...]] = {}
    names = [n for n in schema.load_order if n in frames]
    for number, name in enumerate(names, start=1):
        obj, frame = schema.objects[name], frames[name]
        if EXTERNAL_ID not in frame.columns:
            raise UsageError(f"{name}: the frame has no {EXTERNAL_ID} column")
        columns, skipped = _columns(kind, schema, obj, frame)
        cells = _cells(frame, columns, NA if blank_as_na else "")
        if kind == "salesforce-csv":
            stem = out_dir / f"{number:02d}_{obj.salesforce or name}"
            written = _write_split(cells, stem, len(frame) + 1, 2**62)
            _write_sdl(stem.with_suffix(".sdl"), columns)
        else:
            written = _write_split(cells, out_dir / (obj.hubspot or name), max_rows, max_bytes)
        files += [BundleFile(name, path, rows) for path, rows in written]
        file_names = ";".join(path.name for path, _ in written)
        for col in columns:
            target = col.header if col.field != EXTERNAL_ID else f"{col.header} (external id)"
            mapping_rows.append((name, col.field, file_names, col.header, target, ""))
        for fname in skipped:
            mapping_rows.append((name, fname, "", "", "", "no equivalent in the target CRM"))
        if skipped:
            unmapped[name] = tuple(skipped)
    mapping = out_dir / "mapping.csv"
    with mapping.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(MAPPING_HEADER)
        writer.writerows([[neutralise(v) for v in row] for row in mapping_rows])
    return BundleResult(kind, out_dir, tuple(files), mapping, unmapped)
