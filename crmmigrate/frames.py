"""Helpers for the pipeline's pandas frames (object columns, missing = None)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

# The lineage columns every record carries from the row it was read from (or was made as).
LINEAGE = ["_record_id", "_source", "_source_file", "_source_sheet", "_source_row", "_source_key"]


def concat_rows(parts: Sequence[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """The non-empty ``parts`` one after another, or an empty frame with ``columns``."""
    kept = [p for p in parts if len(p)]
    if not kept:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(kept, ignore_index=True)
