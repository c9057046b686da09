"""Fixtures for the load tests: frame builder, target URLs per backend, table readers.

Server backends: PostgreSQL at postgresql+psycopg://postgres@127.0.0.1:5432/test (falls back to
user root) and MariaDB at mysql+pymysql://root@127.0.0.1:3306/test, trust auth; override with
CRMMIGRATE_TEST_POSTGRES_URL / CRMMIGRATE_TEST_MARIADB_URL. Each test gets its own PostgreSQL
schema or MariaDB database, dropped afterwards. An unreachable server skips the test, except
with CI=true, where it fails: CI must not pass by skipping the backends it is there to test.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from crmmigrate.target_schema import TargetSchema, load_target_schema

REPO = Path(__file__).resolve().parents[2]
CRM_DEFAULT = REPO / "rules" / "target" / "crm_default.yaml"

POSTGRES_URLS = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)
MARIADB_URLS = ("mysql+pymysql://root@127.0.0.1:3306/test",)
LINEAGE_KEYS = ("key", "external_id", "_content_hash", "_source_sheet")


@pytest.fixture(scope="session")
def crm_schema() -> TargetSchema:
    return load_target_schema(CRM_DEFAULT)


def content_hash(record: dict[str, Any]) -> str:
    """A stand-in for the transform's content hash: any change in the fields changes it."""
    fields = sorted((k, v) for k, v in record.items() if k not in LINEAGE_KEYS)
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def _make_frame(obj: str, records: list[dict[str, Any]], *, source: str = "legacy") -> pd.DataFrame:
    """A valid clean frame for ``obj``: each dict holds field values (str/None) and optionally
    ``key`` (default: its 1-based position), ``external_id`` or ``_content_hash`` overrides.

    Fields missing from a dict but present in another are None; fields in no dict are absent.
    """
    rows = []
    for i, record in enumerate(records):
        key = str(record.get("key", i + 1))
        fields = {k: v for k, v in record.items() if k not in LINEAGE_KEYS}
        rows.append(
            {
                "_record_id": f"{obj}-{source}-{key}",
                "_source": source,
                "_source_file": f"{source}.csv",
                "_source_sheet": record.get("_source_sheet"),
                "_source_row": i + 2,
                "_source_key": key,
                "external_id": record.get("external_id", f"{source}:{key}"),
                "_content_hash": record.get("_content_hash", content_hash(record)),
                **fields,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.astype(object).where(frame.notna(), None)


def _read_rows(url: str, table: str, columns: str = "*") -> list[dict[str, Any]]:
    """All rows of ``table`` ordered by id, as dicts."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            result = conn.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY id"))
            return [dict(row._mapping) for row in result]
    finally:
        engine.dispose()


def _snapshot(url: str, tables: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    return {table: _read_rows(url, table) for table in tables}


def _table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _unreachable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: database tests must run, not skip)")
    pytest.skip(message)


def _first_reachable(candidates: tuple[str, ...], label: str) -> URL:
    reason = "no URL to try"
    for candidate in candidates:
        engine = sa.create_engine(candidate)
        try:
            with engine.connect():
                return make_url(candidate)
        except Exception as err:  # any failure to connect means "not reachable" here
            reason = str(getattr(err, "orig", err)).strip().splitlines()[0]
        finally:
            engine.dispose()
    _unreachable(f"{label}: {reason}")
    raise AssertionError("unreachable")  # pragma: no cover - _unreachable raises


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    override = os.environ.get("CRMMIGRATE_TEST_POSTGRES_URL")
    return _first_reachable(
        (override,) if override else POSTGRES_URLS, "PostgreSQL not reachable at 127.0.0.1:5432"
    )


@pytest.fixture(scope="session")
def mariadb_server() -> URL:
    override = os.environ.get("CRMMIGRATE_TEST_MARIADB_URL")
    return _first_reachable(
        (override,) if override else MARIADB_URLS, "MariaDB not reachable at 127.0.0.1:3306"
    )


def _admin(url: URL, statement: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.fixture
def postgres_url(postgres_server: URL) -> Iterator[str]:
    schema = f"crm_test_{uuid.uuid4().hex[:12]}"
    _admin(postgres_server, f"CREATE SCHEMA {schema}")
    url = postgres_server.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        _admin(postgres_server, f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def mariadb_url(mariadb_server: URL) -> Iterator[str]:
    database = f"crm_test_{uuid.uuid4().hex[:12]}"
    _admin(mariadb_server, f"CREATE DATABASE {database} CHARACTER SET utf8mb4")
    try:
        yield mariadb_server.set(database=database).render_as_string(hide_password=False)
    finally:
        _admin(mariadb_server, f"DROP DATABASE {database}")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'crm.db'}"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.database),
        pytest.param("mariadb", marks=pytest.mark.database),
    ]
)
def target_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty target on each backend."""
    fixture = {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mariadb": "mariadb_url"}
    return str(request.getfixturevalue(fixture[request.param]))


@pytest.fixture(
    params=[
        pytest.param("postgresql", marks=pytest.mark.database),
        pytest.param("mariadb", marks=pytest.mark.database),
    ]
)
def server_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty target on each server backend."""
    fixture = {"postgresql": "postgres_url", "mariadb": "mariadb_url"}
    return str(request.getfixturevalue(fixture[request.param]))


# Helpers handed out as fixtures, so test modules need no imports from this conftest.
@pytest.fixture(scope="session")
def make_frame() -> Callable[..., pd.DataFrame]:
    return _make_frame


@pytest.fixture(scope="session")
def read_rows() -> Callable[..., list[dict[str, Any]]]:
    return _read_rows


@pytest.fixture(scope="session")
def snapshot() -> Callable[..., dict[str, list[dict[str, Any]]]]:
    return _snapshot


@pytest.fixture(scope="session")
def table_names() -> Callable[[str], set[str]]:
    return _table_names
