"""Wrong arguments and unloadable frames stop the load before the target is touched."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crmmigrate.errors import UsageError
from crmmigrate.load import load_frames
from crmmigrate.load.target import open_engine


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "merge"}, "load mode 'merge' is not one of insert, upsert, incremental"),
        ({"batch_size": 0}, "batch size 0 must be at least 1"),
        ({"run_id": ""}, "run id must be 1 to 64 characters"),
    ],
)
def test_bad_arguments_are_usage_errors(crm_schema, sqlite_url, kwargs, message):
    with pytest.raises(UsageError, match=message):
        load_frames({}, crm_schema, sqlite_url, **{"run_id": "r1", **kwargs})


def test_frame_problems_stop_the_load_before_the_target_is_touched(
    crm_schema, sqlite_url, make_frame, table_names
):
    unknown_column = make_frame("accounts", [{"name": "Acme", "nickname": "A"}])
    with pytest.raises(UsageError, match=r"accounts\.nickname: not a field of accounts"):
        load_frames({"accounts": unknown_column}, crm_schema, sqlite_url, run_id="r1")

    no_hash = make_frame("accounts", [{"name": "Acme"}]).drop(columns="_content_hash")
    with pytest.raises(UsageError, match="accounts: the frame has no _content_hash column"):
        load_frames({"accounts": no_hash}, crm_schema, sqlite_url, run_id="r1")

    with pytest.raises(UsageError, match="invoices: not an object of target schema crm_default"):
        load_frames({"invoices": no_hash}, crm_schema, sqlite_url, run_id="r1")
    assert table_names(sqlite_url) == set()


def test_sqlite_connections_enforce_foreign_keys(crm_schema, sqlite_url):
    load_frames({}, crm_schema, sqlite_url, run_id="r1")
    engine = open_engine(sqlite_url)
    with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY"), engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO contacts (external_id, last_name, account_id) VALUES ('c', 'L', 99)"
            )
        )
    engine.dispose()
