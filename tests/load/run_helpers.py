"""Build a minimal validated run directory from clean frames, and compare targets.

The run has what ``load_run`` reads: manifest (clean counts, validate passed), the target
schema copy under config/, and clean/<object>.parquet. Quirk: lineage is the load conftest's
``make_frame`` lineage, so external ids are ``legacy:<key>``.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL

from crmmigrate.runs import Run

CRM_DEFAULT = Path(__file__).resolve().parents[2] / "rules" / "target" / "crm_default.yaml"
IGNORED = {"id", "_load_id"}


def make_run(runs_dir: Path, run_id: str, frames: dict[str, pd.DataFrame]) -> Run:
    path = runs_dir / run_id
    (path / "config").mkdir(parents=True)
    (path / "clean").mkdir()
    (path / "backup").mkdir()
    (path / "backup" / "SHA256SUMS").write_text("", "utf-8")  # a run from frames backs up nothing
    shutil.copy(CRM_DEFAULT, path / "config" / "target_schema.yaml")
    for name, frame in frames.items():
        frame.to_parquet(path / "clean" / f"{name}.parquet", index=False)
    counts = {
        n: {"read": len(f), "clean": len(f), "rejected": 0, "merged": 0} for n, f in frames.items()
    }
    manifest = {
        "manifest_version": 1,
        "run_id": run_id,
        "config": str(runs_dir / "crmmigrate.yaml"),
        "config_hash": "test",
        "stages": {
            "clean": {"status": "done", "objects": counts},
            "validate": {"status": "passed"},
        },
    }
    (path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return Run(path)


def contact_records(n: int, accounts: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``accounts`` accounts and ``n`` contacts spread over them (every 7th without one)."""
    acc = [{"key": f"A{i}", "name": f"Account {i}"} for i in range(accounts)]
    con = [
        {
            "key": f"C{i}",
            "last_name": f"Name{i}",
            "email": f"c{i}@example.com",
            "account": None if i % 7 == 0 else f"legacy:A{i % accounts}",
        }
        for i in range(n)
    ]
    return acc, con


def target_state(url: str, tables: tuple[str, ...] = ("accounts", "contacts")) -> dict[str, Any]:
    """Each table's rows by external_id, references as the parent's external_id, without
    autoincrement ids and the run id: what two loads of the same data must agree on."""
    engine = sa.create_engine(url)
    state: dict[str, Any] = {}
    try:
        with engine.connect() as conn:
            keys = {
                t: dict(conn.execute(sa.text(f"SELECT id, external_id FROM {t}")).all())
                for t in tables
            }
            for table in tables:
                rows = {}
                for row in conn.execute(sa.text(f"SELECT * FROM {table}")).mappings():
                    clean = {k: v for k, v in row.items() if k not in IGNORED}
                    if clean.get("account_id") is not None:
                        clean["account_id"] = keys["accounts"][clean["account_id"]]
                    rows[row["external_id"]] = clean
                state[table] = rows
    finally:
        engine.dispose()
    return state


def journal_count(url: str) -> int:
    """Records in the load journal (0 while the table does not exist yet): a row each, or as
    many as a row packs (the records a batch inserted)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("_crmmigrate_loads"):
                return 0
            rows = conn.execute(sa.text("SELECT records FROM _crmmigrate_loads")).scalars()
            return sum(1 if r is None else len(json.loads(r)["external_id"]) for r in rows)
    finally:
        engine.dispose()


@contextmanager
def extra_postgres_schema(server: URL) -> Iterator[str]:
    """A second fresh PostgreSQL target (the conftest gives one per test)."""
    schema = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = server.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


@contextmanager
def extra_mariadb_database(server: URL) -> Iterator[str]:
    """A second fresh MariaDB target (the conftest gives one per test)."""
    database = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {database} CHARACTER SET utf8mb4")
        yield server.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {database}")
        admin.dispose()
