"""Property: whatever valid frame goes in comes back out of the target (SQLite), value for value."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmmigrate.load import build_metadata, load_frames
from crmmigrate.target_schema import TargetSchema

SCHEMA = TargetSchema.model_validate(
    {
        "version": 1,
        "name": "roundtrip",
        "objects": {
            "things": {
                "fields": {
                    "name": {"type": "string", "max_length": 40},
                    "notes": {"type": "text", "max_length": 5000},
                    "day": {"type": "date"},
                    "at": {"type": "datetime"},
                    "amount": {"type": "money"},
                    "ratio": {"type": "number"},
                    "count": {"type": "integer"},
                    "active": {"type": "boolean"},
                }
            }
        },
    }
)
# Text as a CRM holds it: any character but NUL (which PostgreSQL refuses) and lone surrogates.
TEXT = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
# SQLite stores NUMERIC as REAL: exact to 15 significant digits, so stay within 13 + 2.
AMOUNTS = st.decimals(
    min_value=Decimal("-9999999999999.99"), max_value=Decimal("9999999999999.99"), places=2
)


def _optional(strategy):
    return st.none() | strategy


RECORD = st.fixed_dictionaries(
    {
        "name": _optional(st.text(TEXT, min_size=1, max_size=40)),
        "notes": _optional(st.text(TEXT, max_size=300)),
        "day": _optional(st.dates().map(date.isoformat)),
        "at": _optional(st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat())),
        "amount": _optional(AMOUNTS.map(str)),
        "ratio": _optional(st.floats(allow_nan=False, allow_infinity=False).map(repr)),
        "count": _optional(st.integers(-(2**63), 2**63 - 1).map(str)),
        "active": _optional(st.sampled_from(["true", "false"])),
    }
)


def _expected(record: dict) -> dict:
    parse = {
        "day": date.fromisoformat,
        "at": datetime.fromisoformat,
        "amount": Decimal,
        "ratio": float,
        "count": int,
        "active": lambda v: v == "true",
    }
    out = {}
    for key, text in record.items():
        if text is None or not text.strip():
            out[key] = None  # blank text is a missing value
        else:
            out[key] = parse.get(key, str)(text)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(RECORD, min_size=1, max_size=8))
def test_loaded_frames_read_back_equal(records, make_frame):
    frame = make_frame("things", records)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'crm.db'}"
        result = load_frames({"things": frame}, SCHEMA, url, run_id="r1", batch_size=3)
        assert result.errors.empty and result.objects[0].inserted == len(records)

        table = build_metadata(SCHEMA).tables["things"]
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(table).order_by(table.c.id)).mappings().all()
        engine.dispose()

    assert [{key: row[key] for key in records[0]} for row in rows] == [
        _expected(r) for r in records
    ]
