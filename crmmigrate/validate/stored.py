"""A run's validation on disk: ``validation.json`` and its columnar twin ``findings.parquet``.

``validation.json`` is the document users and tools read (its keys are described in
``pipeline/validate.py``). At a million records it holds hundreds of thousands of findings and
takes seconds to parse, while ``load`` needs only the error findings and the reports only the
header. So ``validate`` also writes ``findings.parquet``: the same findings, one row each, with
the header (everything but the findings) in the file's metadata. The readers here take what they
need from it, and fall back to ``validation.json`` when it is absent (a run validated by an
earlier version) or does not belong to that ``validation.json`` (the SHA-256 of the document it
was written with differs: a later validation by an earlier version, an edit by hand).

Order of writing: the old ``findings.parquet`` goes first, then ``validation.json``, then the new
``findings.parquet``; a validation interrupted half way never leaves a twin that disagrees.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

VALIDATION = "validation.json"
FINDINGS = "findings.parquet"
_HEADER_KEY = b"crmmigrate.validation"
_SIZE_KEY = b"crmmigrate.validation_json_size"
_SHA256_KEY = b"crmmigrate.validation_json_sha256"


def write_validation(run_path: Path, header: dict[str, Any], findings: pd.DataFrame) -> None:
    """Write ``validation.json`` (``header`` then ``findings``) and ``findings.parquet``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    twin = run_path / FINDINGS
    twin.unlink(missing_ok=True)
    document = run_path / VALIDATION
    head = json.dumps(header, ensure_ascii=False, indent=2)
    # pandas' C encoder writes the findings (a million of them in seconds, not minutes)
    rows = findings.to_json(orient="records", force_ascii=False, indent=2)
    text = f'{head[:-2]},\n  "findings": {rows}\n}}\n'.encode()
    _write_atomic(document, text)
    # source_row: whole numbers or none, read back as such (not as floats)
    rows_typed = findings.astype({c: "Int64" for c in ("source_row",) if c in findings})
    try:
        table = pa.Table.from_pandas(rows_typed, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return  # a column Arrow cannot type (mixed values): no twin, the document answers
    meta = {
        **(table.schema.metadata or {}),
        _HEADER_KEY: json.dumps(header, ensure_ascii=False).encode(),
        _SIZE_KEY: str(len(text)).encode(),
        _SHA256_KEY: hashlib.sha256(text).hexdigest().encode(),
    }
    tmp = twin.with_name(f".{twin.name}.tmp")
    pq.write_table(table.replace_schema_metadata(meta), tmp)
    os.replace(tmp, twin)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _twin_metadata(run_path: Path) -> dict[bytes, bytes] | None:
    """The metadata of a ``findings.parquet`` that belongs to the ``validation.json`` beside it."""
    twin, document = run_path / FINDINGS, run_path / VALIDATION
    if not twin.is_file() or not document.is_file():
        return None
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(twin).metadata or {}
    except (OSError, ValueError):  # not a readable parquet file: the JSON decides
        return None
    if _HEADER_KEY not in meta or meta.get(_SIZE_KEY) != str(document.stat().st_size).encode():
        return None
    with document.open("rb") as fh:  # the document it was written with, not one of its size
        digest = hashlib.file_digest(fh, "sha256").hexdigest().encode()
    return meta if meta.get(_SHA256_KEY) == digest else None


def read_validation_header(run_path: Path) -> dict[str, Any] | None:
    """Everything in ``validation.json`` but the findings (None: the run has none).

    From the twin's metadata when it matches; else the document itself, whose findings are
    then left out only after parsing (an old run's ``validation.json`` may lack header keys
    that the findings can rebuild: the caller gets them in ``findings`` then)."""
    meta = _twin_metadata(run_path)
    if meta is not None:
        header: dict[str, Any] = json.loads(meta[_HEADER_KEY])
        return header
    document = run_path / VALIDATION
    if not document.is_file():
        return None
    data: dict[str, Any] = json.loads(document.read_text("utf-8"))
    return data


def read_error_findings(run_path: Path) -> pd.DataFrame | None:
    """The findings of severity error (None: the run has no validation)."""
    if _twin_metadata(run_path) is not None:
        return pd.read_parquet(run_path / FINDINGS, filters=[("severity", "==", "error")])
    document = run_path / VALIDATION
    if not document.is_file():
        return None
    found = json.loads(document.read_text("utf-8")).get("findings", [])
    # only the errors become a frame (a run's warnings and notes can be hundreds of thousands)
    return pd.DataFrame([f for f in found if isinstance(f, dict) and f.get("severity") == "error"])
