"""Extract stage: back up the sources, then read them as tables of text cells.

Nothing here cleans or interprets a value: every cell comes back exactly as the file holds it.

The names below are imported when first used: ``validate`` and ``load`` check a run's backup
(``extract.backup``, hashlib only) without importing the readers (pandas, openpyxl, charset
detection: over half a second).
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "AUTO_ENCODINGS": "encoding",
    "BackupEntry": "backup",
    "RawTable": "readers",
    "backup_sources": "backup",
    "decode_bytes": "encoding",
    "expand_paths": "readers",
    "read_headers": "readers",
    "read_table": "readers",
    "verify_backup": "backup",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
