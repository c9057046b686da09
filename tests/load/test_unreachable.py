"""An unreachable target is exit 3 with a masked URL; committed batches survive a lost link."""

from __future__ import annotations

import socket
import sqlite3

import pytest
import sqlalchemy as sa

from crmmigrate.errors import ExitCode, TargetUnreachableError, UsageError
from crmmigrate.load import load_frames, loader, mask_url

HINT = "check the server is running and the URL; rerun the load"


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_mask_url_hides_the_password():
    assert mask_url("postgresql+psycopg://u:secret@127.0.0.1:1/db") == (
        "postgresql+psycopg://u:***@127.0.0.1:1/db"
    )
    assert mask_url("sqlite:///crm.db") == "sqlite:///crm.db"
    assert "secret" not in mask_url("not a url://u:secret@host")


def test_sqlite_in_a_missing_directory_is_unreachable(crm_schema, tmp_path):
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'crm.db'}"
    with pytest.raises(TargetUnreachableError) as caught:
        load_frames({}, crm_schema, url, run_id="r1")

    assert caught.value.exit_code == ExitCode.TARGET_UNREACHABLE == 3
    assert caught.value.message == f"target {url} is unreachable: cannot open the database file"
    assert caught.value.hint == HINT


def test_postgres_on_an_unused_port_is_unreachable_and_masked(crm_schema, make_frame):
    url = f"postgresql+psycopg://u:secret@127.0.0.1:{_unused_port()}/db"
    frames = {"accounts": make_frame("accounts", [{"name": "Acme"}])}

    with pytest.raises(TargetUnreachableError) as caught:
        load_frames(frames, crm_schema, url, run_id="r1")

    assert caught.value.exit_code == 3
    assert caught.value.message == (
        f"target {url.replace('secret', '***')} is unreachable: connection refused"
    )
    assert "secret" not in str(caught.value) and "secret" not in repr(caught.value.args)


def test_literal_port_1_url_from_the_issue_is_masked(crm_schema):
    with pytest.raises(TargetUnreachableError) as caught:
        load_frames({}, crm_schema, "postgresql+psycopg://u:secret@127.0.0.1:1/db", run_id="r1")
    assert "secret" not in str(caught.value)
    assert "postgresql+psycopg://u:***@127.0.0.1:1/db" in str(caught.value)


def test_bad_url_and_missing_driver_are_usage_errors(crm_schema):
    with pytest.raises(UsageError, match="is not a SQLAlchemy URL"):
        load_frames({}, crm_schema, "crm.db", run_id="r1")
    with pytest.raises(UsageError, match="its driver is not installed") as caught:
        load_frames({}, crm_schema, "postgresql+nosuchdriver://u:secret@h/db", run_id="r1")
    assert "secret" not in str(caught.value)


def test_connection_lost_mid_load_keeps_committed_batches(
    crm_schema, sqlite_url, make_frame, read_rows, monkeypatch
):
    real_write_batch = loader.write_batch
    calls = []

    def write_batch_then_lose_the_server(conn, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise sa.exc.OperationalError(
                "SELECT", {}, Exception("server has gone away"), connection_invalidated=True
            )
        return real_write_batch(conn, *args, **kwargs)

    monkeypatch.setattr(loader, "write_batch", write_batch_then_lose_the_server)
    frames = {"accounts": make_frame("accounts", [{"name": f"Account {i}"} for i in range(5)])}

    with pytest.raises(TargetUnreachableError, match="the connection was lost during the load"):
        load_frames(frames, crm_schema, sqlite_url, run_id="r1", batch_size=2)

    assert [r["external_id"] for r in read_rows(sqlite_url, "accounts")] == ["legacy:1", "legacy:2"]


def test_unknown_host_is_unreachable(crm_schema):
    url = "mysql+pymysql://u:secret@no-such-host.invalid/db"
    with pytest.raises(TargetUnreachableError) as caught:
        load_frames({}, crm_schema, url, run_id="r1")
    assert caught.value.message == (
        "target mysql+pymysql://u:***@no-such-host.invalid/db is unreachable: unknown host"
    )


def test_locked_sqlite_database_is_unreachable(crm_schema, sqlite_url):
    path = sqlite_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(TargetUnreachableError) as caught:
            load_frames({}, crm_schema, f"{sqlite_url}?timeout=0.1", run_id="r1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert caught.value.message.endswith(
        "is unreachable: the database is locked by another process"
    )


@pytest.mark.database
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"database": "crm_no_such_database"}, "the database does not exist"),
        ({"username": "crm_no_such_user", "password": "secret"}, "authentication failed"),
    ],
)
@pytest.mark.parametrize("server", ["postgres_server", "mariadb_server"])
def test_server_refusing_the_connection_is_unreachable(crm_schema, request, server, change, reason):
    url = request.getfixturevalue(server).set(**change).render_as_string(hide_password=False)
    with pytest.raises(TargetUnreachableError) as caught:
        load_frames({}, crm_schema, url, run_id="r1")
    assert caught.value.message == f"target {mask_url(url)} is unreachable: {reason}"
    assert "secret" not in str(caught.value)
