"""Load benchmark: N generated clean contacts into PostgreSQL, SQLite and (optionally) MariaDB.

Measures, on the same generated rows (rows/s = rows / wall seconds):
  1. ``load_frames`` (the whole load: prepare, lookups, batches, journal) into PostgreSQL and
     SQLite, and into MariaDB with ``--mariadb URL``;
  2. a plain SQLAlchemy ``executemany`` INSERT into PostgreSQL (the baseline);
  3. ``crmmigrate.load.copy.bulk_insert`` (COPY FROM STDIN) into PostgreSQL, in batches.

Usage: python benchmarks/bench_load.py [--rows 1000000] [--batch 10000] [--accounts N]
       [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
       [--mariadb mysql+pymysql://root@127.0.0.1:3306/test]
Each PostgreSQL measurement runs in its own fresh schema, each MariaDB one in its own fresh
database, dropped afterwards. Besides wall time it prints this process's CPU seconds, which a
busy shared machine disturbs less than wall time (the database servers' time is not in it).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from crmmigrate.load import build_metadata, load_frames
from crmmigrate.load.copy import bulk_insert
from crmmigrate.load.prepare import prepare_object
from crmmigrate.load.schema import CONTENT_HASH, LOAD_ID, ensure_tables
from crmmigrate.load.target import open_engine
from crmmigrate.target_schema import EXTERNAL_ID, load_target_schema

HERE = Path(__file__).parent
SCHEMA = HERE.parent / "rules" / "target" / "crm_default.yaml"
SURNAMES = np.array(["陳", "林", "黃", "張", "李", "王", "Chan", "Wong", "Smith", "Lee"])
GIVEN = np.array(["大文", "美玲", "志明", "淑芬", "Tai Man", "Mei Ling", "John", "Mary"])
CITIES = np.array(["臺北市", "新北市", "臺中市", "高雄市", "Hong Kong"])


def contacts_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A realistic clean contacts frame (canonical text, as the transform writes), vectorised."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, rows + 1).astype(str)
    key = pd.Series(ids, dtype=object)
    days = rng.integers(0, 365 * 60, rows)
    birth = (np.datetime64("1945-01-01") + days).astype(str)
    created = (np.datetime64("2015-01-01") + rng.integers(0, 3650, rows)).astype(str)
    mobile = rng.integers(0, 100_000_000, rows)
    frame = pd.DataFrame(
        {
            "_record_id": "contacts-crm-" + key,
            "_source": "crm",
            "_source_file": "contacts.csv",
            "_source_row": np.arange(2, rows + 2),
            "_source_key": key,
            EXTERNAL_ID: "crm:" + key,
            "first_name": rng.choice(GIVEN, rows),
            "last_name": rng.choice(SURNAMES, rows),
            "email": "user" + key + "@example.com",
            "mobile_phone": pd.Series(mobile).map("+8869{:08d}".format),
            "birthdate": birth,
            "mailing_city": rng.choice(CITIES, rows),
            "mailing_street": "中山路" + pd.Series(rng.integers(1, 999, rows)).astype(str) + "號",
            "mailing_postal_code": pd.Series(rng.integers(100, 999, rows)).astype(str),
            "mailing_country": "TW",
            "created_date": created,
        }
    )
    frame["_content_hash"] = pd.util.hash_pandas_object(frame, index=False).map("{:016x}".format)
    return frame.astype(object)


def accounts_frame(rows: int, seed: int = 11) -> pd.DataFrame:
    """Clean accounts ``crm:A1`` … for contacts to reference (``--accounts``)."""
    rng = np.random.default_rng(seed)
    key = pd.Series(np.arange(1, rows + 1).astype(str), dtype=object)
    frame = pd.DataFrame(
        {
            "_record_id": "accounts-crm-A" + key,
            "_source": "crm",
            "_source_file": "accounts.csv",
            "_source_row": np.arange(2, rows + 2),
            "_source_key": "A" + key,
            EXTERNAL_ID: "crm:A" + key,
            "name": "公司" + key + " 有限公司",
            "billing_city": rng.choice(CITIES, rows),
            "number_of_employees": pd.Series(rng.integers(1, 5000, rows)).astype(str),
        }
    )
    frame["_content_hash"] = pd.util.hash_pandas_object(frame, index=False).map("{:016x}".format)
    return frame.astype(object)


def with_accounts(contacts: pd.DataFrame, accounts: int, seed: int = 13) -> pd.DataFrame:
    """The contacts, each referencing one of ``accounts`` accounts (10% none)."""
    rng = np.random.default_rng(seed)
    picks = pd.Series(rng.integers(1, accounts + 1, len(contacts))).astype(str)
    refs = ("crm:A" + picks).where(rng.random(len(contacts)) >= 0.1, None)
    return contacts.assign(account=refs.astype(object).to_numpy())


def insert_params(frame: pd.DataFrame, schema_path: Path = SCHEMA) -> list[dict[str, object]]:
    """The rows the batch writer would INSERT (converted values + bookkeeping), for 2 and 3."""
    schema = load_target_schema(schema_path)
    prep = prepare_object("contacts", schema.objects["contacts"], frame)
    columns = list(prep.values)
    rows = zip(prep.external_ids, prep.hashes, *(prep.values[c] for c in columns), strict=True)
    return [
        {EXTERNAL_ID: ext, CONTENT_HASH: h, LOAD_ID: "bench", **dict(zip(columns, v, strict=True))}
        for ext, h, *v in rows
    ]


def fresh_pg_schema(server: str) -> tuple[str, Callable[[], None]]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={name}"})

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def fresh_mariadb_database(server: str) -> tuple[str, Callable[[], None]]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {name}")
        admin.dispose()

    return sa.make_url(server).set(database=name).render_as_string(hide_password=False), drop


def reachable(server: str) -> bool:
    """Whether the PostgreSQL server answers; if not, say so (its measurements are skipped)."""
    engine = sa.create_engine(server)
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        print(
            f"PostgreSQL at {sa.make_url(server)!r} is not reachable: its measurements are skipped"
        )
        return False
    finally:
        engine.dispose()


def timed(label: str, rows: int, fn: Callable[[], object]) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label:<44} {seconds:8.1f} s {rows / seconds:12,.0f} rows/s   (cpu {cpu:.1f} s)",
        flush=True,
    )
    return rows / seconds


def bench_load_frames(
    frame: pd.DataFrame, url: str, batch: int, accounts: pd.DataFrame | None = None
) -> None:
    schema = load_target_schema(SCHEMA)
    frames = {"contacts": frame} if accounts is None else {"accounts": accounts, "contacts": frame}
    result = load_frames(frames, schema, url, run_id="bench", batch_size=batch)
    assert result.counts("contacts").inserted == len(frame), result.objects
    if accounts is not None:
        assert result.counts("accounts").inserted == len(accounts), result.objects


def bench_direct(url: str, params: list[dict[str, object]], batch: int, copy: bool) -> None:
    schema = load_target_schema(SCHEMA)
    metadata = build_metadata(schema)
    table = metadata.tables["contacts"]
    engine = open_engine(url)
    with engine.connect() as conn:
        ensure_tables(conn, metadata)
        for start in range(0, len(params), batch):
            chunk = params[start : start + batch]
            with conn.begin():
                if copy:
                    bulk_insert(conn, table, chunk)
                else:
                    conn.execute(sa.insert(table), chunk)
        count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
    engine.dispose()
    assert count == len(params), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--mariadb", help="also load into MariaDB at this server URL")
    parser.add_argument("--skip-load-frames", action="store_true")
    parser.add_argument(
        "--accounts",
        type=int,
        default=0,
        help="load_frames also loads this many accounts first, which 90%% of the contacts "
        "reference (rows/s then counts both objects)",
    )
    parser.add_argument(
        "--only",
        choices=["postgres-load", "sqlite-load", "mariadb-load"],
        help="run just one load_frames measurement (for profiling)",
    )
    args = parser.parse_args()
    rows = args.rows
    postgres = reachable(args.postgres)

    started = time.perf_counter()
    frame = contacts_frame(rows)
    accounts = accounts_frame(args.accounts) if args.accounts else None
    print(f"generated {rows:,} clean contacts in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    # the direct PostgreSQL runs
    params = insert_params(frame) if args.only is None and postgres else []
    print(f"converted to insert rows in {time.perf_counter() - started:.1f} s", flush=True)

    frame_ = frame if accounts is None else with_accounts(frame, len(accounts))
    loaded = rows + (0 if accounts is None else len(accounts))

    def load(url: str) -> None:
        bench_load_frames(frame_, url, args.batch, accounts)

    results: dict[str, float] = {}
    runs: list[tuple[str, Callable[[str], None]]] = []
    if args.only is None and postgres:
        runs += [
            (
                "PostgreSQL executemany (baseline)",
                lambda u: bench_direct(u, params, args.batch, False),
            ),
            ("PostgreSQL bulk_insert (COPY)", lambda u: bench_direct(u, params, args.batch, True)),
        ]
    if postgres and not args.skip_load_frames and args.only in (None, "postgres-load"):
        runs.append(("PostgreSQL load_frames", lambda u: load(u)))
    for label, run in runs:
        url, drop = fresh_pg_schema(args.postgres)
        try:
            count = loaded if "load_frames" in label else rows
            results[label] = timed(label, count, lambda run=run, url=url: run(url))
        finally:
            drop()
    if args.mariadb and not args.skip_load_frames and args.only in (None, "mariadb-load"):
        url, drop = fresh_mariadb_database(args.mariadb)
        try:
            label = "MariaDB load_frames"
            results[label] = timed(label, loaded, lambda: load(url))
        finally:
            drop()
    if not args.skip_load_frames and args.only in (None, "sqlite-load"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            label = "SQLite load_frames"
            results[label] = timed(label, loaded, lambda: load(url))
    print(f"\n| rows | batch | {' | '.join(results)} |")
    print(f"|---|---|{'---|' * len(results)}")
    print(
        f"| {rows:,} | {args.batch:,} | " + " | ".join(f"{v:,.0f}" for v in results.values()) + " |"
    )


if __name__ == "__main__":
    main()
