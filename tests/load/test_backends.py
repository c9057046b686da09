"""The core load behaviour on every backend: SQLite, PostgreSQL and MariaDB.

Each test gets a fresh, empty target (a temp SQLite file, a new PostgreSQL schema or a new
MariaDB database; see conftest.py).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crmmigrate.errors import TargetUnreachableError
from crmmigrate.load import build_metadata, load_frames, loader
from crmmigrate.load.batch import target_row_hashes
from crmmigrate.load.checkpoint import read_journal
from crmmigrate.target_schema import TargetSchema

TABLES = ("accounts", "contacts")
ACCOUNTS = [
    {"key": "A1", "name": "Acme Ltd", "annual_revenue": "1200.50", "created_date": "2020-01-02"},
    {"key": "a1", "name": "台灣好公司 🚀", "number_of_employees": "9007199254740993"},
    {"key": "A3", "name": "Globex", "description": "長" * 32000},
]
CONTACTS = [
    {"key": "C1", "last_name": "陳", "first_name": "大文", "account": "legacy:a1"},
    {"key": "C2", "last_name": "Lin", "birthdate": "1990-05-17", "account": "legacy:A1"},
    {"key": "C3", "last_name": "Wang", "account": None},
]


def _frames(make_frame):
    return {
        "accounts": make_frame("accounts", ACCOUNTS),
        "contacts": make_frame("contacts", CONTACTS),
    }


def test_creates_the_tables_with_keys(crm_schema, target_url, table_names):
    load_frames({}, crm_schema, target_url, run_id="r1")

    assert table_names(target_url) == set(crm_schema.objects)
    engine = sa.create_engine(target_url)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        columns = {c["name"]: c for c in inspector.get_columns("contacts")}
        fks = inspector.get_foreign_keys("contacts")
        uniques = inspector.get_unique_constraints("accounts")
    engine.dispose()
    assert columns["last_name"]["nullable"] is False and columns["last_name"]["type"].length == 80
    assert [(fk["constrained_columns"], fk["referred_table"]) for fk in fks] == [
        (["account_id"], "accounts")
    ]
    assert ["external_id"] in [u["column_names"] for u in uniques]


def test_upsert_twice_is_idempotent(crm_schema, target_url, make_frame, read_rows, snapshot):
    first = load_frames(_frames(make_frame), crm_schema, target_url, run_id="run-1", batch_size=2)
    before = snapshot(target_url, TABLES)

    second = load_frames(_frames(make_frame), crm_schema, target_url, run_id="run-2", batch_size=2)

    assert [(o.inserted, o.failed) for o in first.objects] == [(3, 0), (3, 0)]
    assert [(o.unchanged, o.inserted, o.updated) for o in second.objects] == [(3, 0, 0), (3, 0, 0)]
    assert snapshot(target_url, TABLES) == before
    accounts = {r["external_id"]: r for r in read_rows(target_url, "accounts")}
    # External ids are case-sensitive (MariaDB's default collation is not).
    assert accounts["legacy:a1"]["name"] == "台灣好公司 🚀"
    assert accounts["legacy:a1"]["number_of_employees"] == 9007199254740993
    assert str(accounts["legacy:A1"]["annual_revenue"]) in {"1200.50", "1200.5"}
    assert str(accounts["legacy:A1"]["created_date"]) == "2020-01-02"
    assert accounts["legacy:A3"]["description"] == "長" * 32000


@pytest.mark.parametrize(
    "bad", [{"last_name": None}, {"last_name": "x" * 81}], ids=["null", "long"]
)
def test_bad_row_is_isolated(crm_schema, target_url, make_frame, read_rows, bad):
    contacts = [CONTACTS[2], {"key": "C9", **bad}, {"key": "C4", "last_name": "Huang"}]

    result = load_frames(
        {"contacts": make_frame("contacts", contacts)},
        crm_schema,
        target_url,
        run_id="r1",
        batch_size=3,
    )

    assert (result.objects[0].inserted, result.objects[0].failed) == (2, 1)
    error = result.errors.to_dict("records")[0]
    assert error["external_id"] == "legacy:C9" and "last_name" in error["reason"]
    assert "\n" not in error["reason"] and "xxxx" not in error["reason"]
    assert [r["external_id"] for r in read_rows(target_url, "contacts")] == [
        "legacy:C3",
        "legacy:C4",
    ]


def test_database_rejection_is_isolated(target_url, make_frame, read_rows):
    schema = TargetSchema.model_validate(
        {
            "version": 1,
            "name": "t",
            "objects": {"members": {"fields": {"code": {"type": "string", "unique": True}}}},
        }
    )
    members = [
        {"key": "M1", "code": "秘密-1"},
        {"key": "M2", "code": "秘密-1"},
        {"key": "M3", "code": "X3"},
    ]

    result = load_frames(
        {"members": make_frame("members", members)}, schema, target_url, run_id="r1", batch_size=3
    )

    assert result.errors["external_id"].tolist() == ["legacy:M2"]
    reason = result.errors["reason"].iloc[0]
    assert "秘密" not in reason  # MariaDB quotes the duplicate value; it is cut out
    assert [r["code"] for r in read_rows(target_url, "members")] == ["秘密-1", "X3"]


def test_a_rejected_batch_between_others_keeps_every_good_row_and_its_hash(
    target_url, make_frame, read_rows
):
    """The next batch is built while the server parses this one's COPY; when this one is
    rejected and replayed row by row, both still load exactly, hashed as the target has them."""
    schema = TargetSchema.model_validate(
        {
            "version": 1,
            "name": "t",
            "objects": {"members": {"fields": {"code": {"type": "string", "unique": True}}}},
        }
    )
    members = [{"key": f"M{n}", "code": f"X{n}"} for n in range(1, 8)]
    members[3]["code"] = "X1"  # M4, in the second batch of two

    result = load_frames(
        {"members": make_frame("members", members)}, schema, target_url, run_id="r1", batch_size=2
    )

    assert result.errors["external_id"].tolist() == ["legacy:M4"]
    rows = read_rows(target_url, "members")
    assert [r["code"] for r in rows] == ["X1", "X2", "X3", "X5", "X6", "X7"]
    success = dict(zip(result.success["external_id"], result.success["target_id"], strict=True))
    assert {r["external_id"]: r["id"] for r in rows} == success
    table = build_metadata(schema).tables["members"]
    engine = sa.create_engine(target_url)
    with engine.connect() as conn:
        journal = read_journal(conn, "r1")
        found = [dict(r._mapping) for r in conn.execute(sa.select(table).order_by(table.c.id))]
    engine.dispose()
    hashes = dict(zip((r["id"] for r in found), target_row_hashes(found, table), strict=True))
    assert {e.target_id: e.row_hash for e in journal.values()} == hashes


def test_ids_of_new_rows_are_right_when_someone_wrote_ids_above_the_sequence(
    crm_schema, target_url, make_frame, read_rows
):
    # The new rows' ids are read back as "above the highest id, with this load's id"; a row
    # written by hand with a high id makes the loader's rows land below it.
    load_frames({}, crm_schema, target_url, run_id="setup")
    engine = sa.create_engine(target_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO accounts (id, external_id, name) VALUES (1000, 'hand:1', 'Hand')")
        )
    engine.dispose()

    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)},
        crm_schema,
        target_url,
        run_id="r1",
        batch_size=2,
    )

    ids = {r["external_id"]: r["id"] for r in read_rows(target_url, "accounts")}
    success = result.success
    assert dict(zip(success["external_id"], success["target_id"], strict=True)) == {
        key: ids[key] for key in ("legacy:A1", "legacy:a1", "legacy:A3")
    }


def test_references_resolve_parents_first(crm_schema, target_url, make_frame, read_rows):
    result = load_frames(_frames(make_frame), crm_schema, target_url, run_id="r1")

    assert result.errors.empty
    ids = {r["external_id"]: r["id"] for r in read_rows(target_url, "accounts")}
    links = {r["external_id"]: r["account_id"] for r in read_rows(target_url, "contacts")}
    assert links == {
        "legacy:C1": ids["legacy:a1"],
        "legacy:C2": ids["legacy:A1"],
        "legacy:C3": None,
    }


def test_dry_run_leaves_the_target_empty(crm_schema, target_url, make_frame, table_names):
    result = load_frames(_frames(make_frame), crm_schema, target_url, run_id="r1", dry_run=True)

    assert [(o.inserted, o.failed) for o in result.objects] == [(3, 0), (3, 0)]
    assert table_names(target_url) == set()


def _kill(url: str, conn: sa.Connection) -> None:
    """End ``conn``'s server session from another connection, as a restarting server would."""
    is_postgres = conn.dialect.name == "postgresql"
    session = conn.exec_driver_sql(
        "SELECT pg_backend_pid()" if is_postgres else "SELECT CONNECTION_ID()"
    ).scalar()
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as other:
        other.exec_driver_sql(
            f"SELECT pg_terminate_backend({session})" if is_postgres else f"KILL {session}"
        )
    admin.dispose()


def test_server_lost_mid_load_is_unreachable(
    crm_schema, server_url, make_frame, read_rows, monkeypatch
):
    # SQLite has no server to lose; test_unreachable.py simulates that case.
    real_write_batch = loader.write_batch
    calls = []

    def write_batch_after_killing_the_session(conn, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            _kill(server_url, conn)
        return real_write_batch(conn, *args, **kwargs)

    monkeypatch.setattr(loader, "write_batch", write_batch_after_killing_the_session)
    frames = {"accounts": make_frame("accounts", [{"name": f"Account {i}"} for i in range(5)])}

    with pytest.raises(TargetUnreachableError) as caught:
        load_frames(frames, crm_schema, server_url, run_id="r1", batch_size=2)

    assert caught.value.exit_code == 3
    assert caught.value.message.endswith("is unreachable: the connection was lost during the load")
    assert [r["external_id"] for r in read_rows(server_url, "accounts")] == ["legacy:1", "legacy:2"]
