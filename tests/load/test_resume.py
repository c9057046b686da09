"""A load killed (SIGKILL) or cut off from its database mid-way resumes to the same target as
an uninterrupted load: no duplicate and no missing row, the journal in the target is the truth.

Data: 40 accounts and 3,000 contacts (every 7th without an account), batches of 25, so the
kill lands among a hundred-odd committed batches.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from run_helpers import (
    contact_records,
    extra_mariadb_database,
    extra_postgres_schema,
    journal_count,
    make_run,
    target_state,
)
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.load import loader
from crmmigrate.pipeline.load import load_run

ACCOUNTS, CONTACTS = 40, 3000
TOTAL = ACCOUNTS + CONTACTS
BATCH = "25"


@pytest.fixture
def runs(tmp_path, make_frame):
    """Two identical runs: one to interrupt and resume, one to load without interruption."""
    acc, con = contact_records(CONTACTS, ACCOUNTS)
    frames = {"accounts": make_frame("accounts", acc), "contacts": make_frame("contacts", con)}
    return make_run(tmp_path, "run-interrupted", frames), make_run(tmp_path, "run-straight", frames)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.database),
        pytest.param("mariadb", marks=pytest.mark.database),
    ]
)
def two_targets(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
        return
    if request.param == "mariadb":
        first = request.getfixturevalue("mariadb_url")
        with extra_mariadb_database(request.getfixturevalue("mariadb_server")) as second:
            yield first, second
        return
    first = request.getfixturevalue("postgres_url")
    with extra_postgres_schema(request.getfixturevalue("postgres_server")) as second:
        yield first, second


def _command(run, url: str) -> list[str]:
    return [sys.executable, "-m", "crmmigrate.cli.main", "load", str(run.path), "--target", url,
            "--batch-size", BATCH, "--quiet"]  # fmt: skip


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "CRMMIGRATE_TARGET_URL"}


def _wait_for_journal(proc: subprocess.Popen, url: str, rows: int) -> None:
    deadline = time.monotonic() + 120
    while journal_count(url) < rows:
        if proc.poll() is not None:
            pytest.fail(
                f"the load ended (exit {proc.returncode}) before the journal had {rows} rows"
            )
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the load made no progress")
        time.sleep(0.005)


def _assert_checkpoint_behind_journal(run, url: str) -> None:
    checkpoint = json.loads((run.path / "load" / "checkpoint.json").read_text())
    assert checkpoint["status"] == "running"
    done = sum(o["rows_done"] for o in checkpoint["objects"].values())
    assert 0 < done <= journal_count(url) < TOTAL  # committed, then the hint was written


def _assert_resumed_load_is_complete(run, url: str, straight_url: str) -> None:
    load_run(run.__class__(run.path.parent / "run-straight"), target=straight_url)
    assert target_state(url) == target_state(straight_url)
    assert journal_count(url) == TOTAL
    success = pd.read_csv(run.path / "load" / "success.csv")
    assert len(success) == TOTAL and success["external_id"].is_unique
    assert set(success["action"]) == {"inserted"}  # resumed rows keep what the load did
    assert json.loads((run.path / "load" / "checkpoint.json").read_text())["status"] == "complete"


def test_sigkill_mid_load_then_resume_equals_an_uninterrupted_load(runs, two_targets):
    run, _ = runs
    url, straight_url = two_targets
    proc = subprocess.Popen(_command(run, url), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    _wait_for_journal(proc, url, 800)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _assert_checkpoint_behind_journal(run, url)

    resumed = subprocess.run(_command(run, url), env=_env(), capture_output=True, text=True)

    assert resumed.returncode == 0, resumed.stderr
    _assert_resumed_load_is_complete(run, url, straight_url)
    manifest = json.loads((run.path / "manifest.json").read_text())
    assert 0 < manifest["stages"]["load"]["resumed"] < TOTAL


def test_sqlite_connection_lost_on_batch_k_is_exit_3_and_resumes(runs, tmp_path, monkeypatch):
    run, _ = runs
    url, straight_url = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    real_write_batch = loader.write_batch
    calls = []

    def lose_the_server_on_batch_40(conn, *args, **kwargs):
        calls.append(1)
        if len(calls) == 40:
            raise sa.exc.OperationalError(
                "SELECT", {}, Exception("server has gone away"), connection_invalidated=True
            )
        return real_write_batch(conn, *args, **kwargs)

    monkeypatch.setattr(loader, "write_batch", lose_the_server_on_batch_40)
    args = ["load", str(run.path), "--target", url, "--batch-size", BATCH, "--quiet"]
    lost = CliRunner().invoke(app, args)

    assert lost.exit_code == 3, lost.output
    assert "the connection was lost during the load" in lost.output
    assert journal_count(url) == ACCOUNTS + 37 * int(BATCH)  # 2 account + 37 contact batches
    _assert_checkpoint_behind_journal(run, url)
    monkeypatch.setattr(loader, "write_batch", real_write_batch)

    again = CliRunner().invoke(app, args)

    assert again.exit_code == 0, again.output
    _assert_resumed_load_is_complete(run, url, straight_url)


@pytest.mark.database
def test_postgres_backend_terminated_mid_load_is_exit_3_and_resumes(
    runs, postgres_url, postgres_server
):
    run, _ = runs
    app_name = f"crm_kill_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_url).update_query_dict({"application_name": app_name})
    url_text = url.render_as_string(hide_password=False)
    proc = subprocess.Popen(_command(run, url_text), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    _wait_for_journal(proc, postgres_url, 600)
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = :app"
            ),
            {"app": app_name},
        ).all()
    admin.dispose()
    _, stderr = proc.communicate(timeout=60)

    assert killed and proc.returncode == 3, stderr
    assert "is unreachable: the connection was lost during the load" in stderr
    _assert_checkpoint_behind_journal(run, postgres_url)

    resumed = subprocess.run(_command(run, url_text), env=_env(), capture_output=True, text=True)

    assert resumed.returncode == 0, resumed.stderr
    with extra_postgres_schema(postgres_server) as straight_url:
        _assert_resumed_load_is_complete(run, postgres_url, straight_url)


@pytest.mark.database
def test_mariadb_connection_killed_mid_load_is_exit_3_and_resumes(
    runs, mariadb_url, mariadb_server
):
    run, _ = runs
    database = make_url(mariadb_url).database
    proc = subprocess.Popen(_command(run, mariadb_url), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    _wait_for_journal(proc, mariadb_url, 600)
    admin = sa.create_engine(mariadb_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        # Every session on the test's own database is the load's (the admin uses another).
        sessions = (
            conn.execute(
                sa.text("SELECT id FROM information_schema.processlist WHERE db = :db"),
                {"db": database},
            )
            .scalars()
            .all()
        )
        for session in sessions:
            conn.exec_driver_sql(f"KILL {int(session)}")
    admin.dispose()
    _, stderr = proc.communicate(timeout=60)

    assert sessions and proc.returncode == 3, stderr
    assert "is unreachable: the connection was lost during the load" in stderr
    _assert_checkpoint_behind_journal(run, mariadb_url)

    resumed = subprocess.run(_command(run, mariadb_url), env=_env(), capture_output=True, text=True)

    assert resumed.returncode == 0, resumed.stderr
    with extra_mariadb_database(mariadb_server) as straight_url:
        _assert_resumed_load_is_complete(run, mariadb_url, straight_url)


def test_a_finished_load_run_again_is_a_fresh_idempotent_load(runs, tmp_path):
    run, _ = runs
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    load_run(run, target=url)

    again = load_run(run, target=url)

    assert again.result.resumed == 0
    assert {o.unchanged for o in again.result.objects} == {ACCOUNTS, CONTACTS}
    assert journal_count(url) == TOTAL


def test_checkpoint_file_lost_the_journal_still_decides(runs, tmp_path):
    run, _ = runs
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    load_run(run, target=url)
    (run.path / "load" / "checkpoint.json").unlink()

    again = load_run(run, target=url)

    assert again.result.resumed == TOTAL  # nothing rewritten, all reported from the journal
    assert journal_count(url) == TOTAL
    assert Path(run.path / "load" / "checkpoint.json").exists()
