"""What a run's later stages read of its clean stage: the clean frames and the config folder.

Kept apart from :mod:`crmmigrate.pipeline.clean`, so ``validate`` and ``load`` start without
importing what cleaning needs (the readers, standardisers and matcher).
"""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

from crmmigrate.runs import Run

RUN_CONFIG = "config"  # the run's copy of the config, target schema and rules files

__all__ = ["RUN_CONFIG", "read_clean_frames"]


def read_clean_frames(run: Run) -> dict[str, pd.DataFrame]:
    """The clean frames of a run, by object: text columns as objects holding str or None.

    Each column goes from Arrow to Python objects once: pandas' route (its string dtype, then
    ``astype(object)``, then NaN → None) takes three passes and nearly twice the time.
    """
    out: dict[str, pd.DataFrame] = {}
    for path in sorted((run.path / "clean").glob("*.parquet")):
        table = pq.read_table(path)
        columns = {
            # _source_row through pandas' metadata, so an Int64 column stays Int64
            name: table.select([name]).to_pandas()[name]
            if name == "_source_row"
            else pd.Series(column.to_numpy(zero_copy_only=False), dtype=object, copy=False)
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
        out[path.stem] = pd.DataFrame(columns, copy=False)
    return out
