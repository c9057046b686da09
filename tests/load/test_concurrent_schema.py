"""Loads that create the tables of one empty database at the same time all succeed.

Before the schema lock, 7 of 10 concurrent first loads into an empty PostgreSQL database
exited 2 ("grant CREATE rights") and one 70 (a catalogue key violated creating the journal).
Each process here loads its own run (disjoint external ids), so the only contention is DDL.
"""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa
from run_helpers import make_run

PROCESSES = 8


def test_concurrent_first_loads_all_succeed(tmp_path, make_frame, target_url):
    runs = []
    for n in range(PROCESSES):
        accounts = [{"key": f"A{n}-{i}", "name": f"Account {n}-{i}"} for i in range(5)]
        contacts = [
            {"key": f"C{n}-{i}", "last_name": f"Name{i}", "account": f"legacy:A{n}-{i % 5}"}
            for i in range(20)
        ]
        frames = {
            "accounts": make_frame("accounts", accounts),
            "contacts": make_frame("contacts", contacts),
        }
        runs.append(make_run(tmp_path, f"run-{n}", frames))
    command = [sys.executable, "-m", "crmmigrate.cli.main", "load", "--target", target_url, "-q"]
    procs = [
        subprocess.Popen([*command, str(run.path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for run in runs
    ]
    outcomes = [(p.communicate(timeout=300)[1].decode(), p.returncode) for p in procs]
    outcomes = [(code, text) for text, code in outcomes]
    assert [code for code, _ in outcomes] == [0] * PROCESSES, outcomes
    engine = sa.create_engine(target_url)
    with engine.connect() as conn:
        counts = {
            t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
            for t in ("accounts", "contacts")
        }
    engine.dispose()
    assert counts == {"accounts": 5 * PROCESSES, "contacts": 20 * PROCESSES}
