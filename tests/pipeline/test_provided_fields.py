"""A clean frame holds the fields the run provides: mapped by a source, or filled by a stage."""

from __future__ import annotations

import pandas as pd

from crmmigrate.pipeline.clean import _provided_only
from crmmigrate.target_schema import default_schema_path, load_target_schema

SCHEMA = load_target_schema(default_schema_path())


def test_only_fields_nothing_provided_are_left_out() -> None:
    frame = pd.DataFrame(
        {
            "_record_id": ["c#1", "c#2"],
            "external_id": ["c:1", "c:2"],
            "last_name": ["Lee", "Wu"],
            "email": [None, None],  # mapped, empty in every record: the source says so
            "mailing_city": [None, "Taipei"],  # no source maps it; a fill rule gave one
            "title": [None, None],  # neither mapped nor filled
        }
    ).astype(object)
    provided = {"_record_id", "external_id", "last_name", "email"}

    kept = _provided_only(frame, provided, SCHEMA.objects["contacts"])

    assert list(kept.columns) == ["_record_id", "external_id", "last_name", "email", "mailing_city"]
    assert kept["mailing_city"].iloc[1] == "Taipei"
