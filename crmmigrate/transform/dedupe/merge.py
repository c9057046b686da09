"""Repeated keys: records of one object that share an external id become one record.

The same key twice in a source is an export glitch (or a re-exported order); an upsert could
not tell the two apart, so they are merged before any fuzzy matching. It is survivorship with
the external id as the cluster: the most complete record survives, the one read last on a tie
(a later file or row is a later export of the same record); its empty fields are filled from
the others (``merge.fill``) and every value that loses is written to the change log
(``merge.lost``), never thrown away.
"""

from __future__ import annotations

import pandas as pd

from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.dedupe.spec import Survivorship
from crmmigrate.transform.dedupe.survivorship import CLUSTER_COLUMNS, Merged, merge_clusters

__all__ = ["CLUSTER_COLUMNS", "Merged", "merge_repeated_keys"]


def merge_repeated_keys(
    frame: pd.DataFrame, obj_name: str, fields: list[str], log: ChangeLog
) -> Merged:
    """Merge records with the same external id; return survivors, clusters and the merge count."""
    return merge_clusters(frame, obj_name, fields, frame["external_id"], Survivorship(), log)
