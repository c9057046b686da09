"""What makes bulk loads into PostgreSQL fast, kept correct: ids of new rows taken from the
table's sequence before the COPY (no read-back), read back where the table's id takes no ids
from outside (GENERATED ALWAYS); the journal's packed records stored uncompressed."""

from __future__ import annotations

import sqlalchemy as sa

from crmmigrate.load import build_metadata, load_frames
from crmmigrate.load.batch import reserve_ids
from crmmigrate.load.target import open_engine

ACCOUNTS = [{"key": f"A{n}", "name": f"Account {n}"} for n in range(7)]


def _success_ids(result) -> dict[str, int]:
    success = result.success
    return dict(zip(success["external_id"], success["target_id"].astype(int), strict=True))


def _execute(url: str, *statements: str) -> None:
    """Change the target behind the load's back, in one transaction."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def test_new_rows_take_their_ids_from_the_sequence(crm_schema, postgres_url, make_frame, read_rows):
    load_frames({}, crm_schema, postgres_url, run_id="setup")
    engine = open_engine(postgres_url)
    with engine.begin() as conn:
        # Somebody else takes ids from the same sequence while the load runs: no id is shared.
        taken = reserve_ids(conn, build_metadata(crm_schema).tables["accounts"], 3)
    engine.dispose()
    assert taken == [1, 2, 3]

    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)},
        crm_schema,
        postgres_url,
        run_id="r1",
        batch_size=3,
    )

    ids = {r["external_id"]: r["id"] for r in read_rows(postgres_url, "accounts")}
    assert _success_ids(result) == ids
    assert sorted(ids.values()) == list(range(4, 11))


def test_ids_from_a_sequence_that_skips_values(crm_schema, postgres_url, make_frame, read_rows):
    """Ids come back as a range when they are consecutive; a sequence counting in steps (or
    one another session takes from at the same time) gives them one by one."""
    load_frames({}, crm_schema, postgres_url, run_id="setup")
    _execute(postgres_url, "ALTER SEQUENCE accounts_id_seq INCREMENT BY 5")

    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)},
        crm_schema,
        postgres_url,
        run_id="r1",
        batch_size=4,
    )

    ids = {r["external_id"]: r["id"] for r in read_rows(postgres_url, "accounts")}
    assert _success_ids(result) == ids
    assert sorted(ids.values()) == list(range(1, 35, 5))


def test_identity_generated_always_ids_are_read_back(
    crm_schema, postgres_url, make_frame, read_rows
):
    load_frames({}, crm_schema, postgres_url, run_id="setup")
    _execute(
        postgres_url,
        "ALTER TABLE accounts ALTER COLUMN id DROP DEFAULT",
        "DROP SEQUENCE accounts_id_seq",
        "ALTER TABLE accounts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
    )
    engine = open_engine(postgres_url)
    with engine.begin() as conn:
        assert reserve_ids(conn, build_metadata(crm_schema).tables["accounts"], 2) is None
    engine.dispose()

    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)},
        crm_schema,
        postgres_url,
        run_id="r1",
        batch_size=3,
    )

    assert result.counts("accounts").inserted == len(ACCOUNTS)
    ids = {r["external_id"]: r["id"] for r in read_rows(postgres_url, "accounts")}
    assert _success_ids(result) == ids


def test_packed_journal_records_are_stored_uncompressed(crm_schema, postgres_url, make_frame):
    load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)}, crm_schema, postgres_url, run_id="r1"
    )
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        storage = conn.execute(
            sa.text(
                "SELECT attstorage FROM pg_attribute"
                " WHERE attrelid = '_crmmigrate_loads'::regclass AND attname = 'records'"
            )
        ).scalar()
    engine.dispose()
    assert storage == "e"


def test_a_default_the_target_has_is_kept_for_fields_the_load_lacks(
    crm_schema, postgres_url, make_frame, read_rows
):
    """The COPY names every column only when the target has no default NULL would override."""
    load_frames({}, crm_schema, postgres_url, run_id="setup")
    _execute(postgres_url, "ALTER TABLE accounts ALTER COLUMN industry SET DEFAULT 'Other'")

    result = load_frames(
        {"accounts": make_frame("accounts", ACCOUNTS)}, crm_schema, postgres_url, run_id="r1"
    )

    assert result.counts("accounts").inserted == len(ACCOUNTS)
    assert {r["industry"] for r in read_rows(postgres_url, "accounts")} == {"Other"}
