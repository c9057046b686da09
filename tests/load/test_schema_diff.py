"""An existing target that differs from the schema: every difference listed, nothing altered
unless migrating, and a migration only ever adds (columns, keys, indexes, foreign keys)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crmmigrate.errors import ExitCode
from crmmigrate.load import build_metadata
from crmmigrate.load.schema import SchemaMismatchError, check_tables, diff_tables
from crmmigrate.target_schema import TargetSchema

# A hand-made contacts table: email as TEXT (not VARCHAR(254)), no birthdate, no unique key on
# external_id, no account_id (so no foreign key), no bookkeeping index, plus an unknown
# NOT NULL column without a default.
CONTACTS_DDL = """
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    external_id VARCHAR(255) NOT NULL,
    last_name VARCHAR(80) NOT NULL,
    email TEXT,
    legacy_flag INTEGER NOT NULL
)"""


def _schema() -> TargetSchema:
    return TargetSchema.model_validate(
        {
            "version": 1,
            "name": "t",
            "objects": {
                "accounts": {"fields": {"name": {"type": "company_name", "required": True}}},
                "contacts": {
                    "fields": {
                        "last_name": {"type": "person_name", "required": True, "max_length": 80},
                        "email": {"type": "email", "max_length": 254},
                        "birthdate": {"type": "date"},
                        "account": {"type": "reference", "object": "accounts"},
                    }
                },
            },
        }
    )


def _run(url: str, fn, **kwargs):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return fn(conn, build_metadata(_schema()), **kwargs)
    finally:
        engine.dispose()


def _exec(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def test_fresh_target_has_no_differences(target_url, crm_schema):
    engine = sa.create_engine(target_url)
    metadata = build_metadata(crm_schema)
    with engine.connect() as conn:
        created = check_tables(conn, metadata).created
        assert set(created) == set(crm_schema.load_order)
        assert diff_tables(conn, metadata) == []  # no false positives on any backend
        assert check_tables(conn, metadata).created == ()
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.database)])
def diff_url(request: pytest.FixtureRequest) -> str:
    fixture = {"sqlite": "sqlite_url", "postgresql": "postgres_url"}
    return str(request.getfixturevalue(fixture[request.param]))


def test_every_difference_is_listed_and_nothing_altered(diff_url, table_names, read_rows):
    _exec(diff_url, CONTACTS_DDL)

    with pytest.raises(SchemaMismatchError) as caught:
        _run(diff_url, check_tables)

    err = caught.value
    assert err.exit_code == ExitCode.USAGE
    messages = [str(d) for d in err.differences]
    assert messages == [
        "contacts: unique key on external_id missing",
        "contacts.email: expected VARCHAR(254), found TEXT",
        "contacts.birthdate: missing",
        "contacts.account_id: missing",
        "contacts: index on account_id missing",
        "contacts.account_id: foreign key to accounts.id missing",
        "contacts._load_id: missing",
        "contacts: index on _load_id missing",
        "contacts._content_hash: missing",
        "contacts.legacy_flag: not in the schema and NOT NULL without a default",
    ]
    assert err.message == (
        "target schema differs: contacts: unique key on external_id missing"
        " (and 9 more differences)"
    )
    assert err.report().splitlines() == messages
    # Never altered: accounts was not created, contacts kept its columns.
    assert table_names(diff_url) == {"contacts"}
    assert list(read_rows(diff_url, "contacts")) == []
    engine = sa.create_engine(diff_url)
    with engine.connect() as conn:
        columns = [c["name"] for c in sa.inspect(conn).get_columns("contacts")]
    engine.dispose()
    assert columns == ["id", "external_id", "last_name", "email", "legacy_flag"]


def test_migrate_adds_what_is_missing_but_never_changes_a_type(diff_url, table_names):
    _exec(
        diff_url,
        CONTACTS_DDL.replace("    legacy_flag INTEGER NOT NULL\n", "").replace(
            "email TEXT,", "email TEXT"
        ),
        "INSERT INTO contacts (id, external_id, last_name) VALUES (1, 'a:1', 'x')",
    )

    with pytest.raises(SchemaMismatchError) as caught:
        _run(diff_url, check_tables, migrate=True)

    err = caught.value
    assert [str(d) for d in err.differences] == [
        "contacts.email: expected VARCHAR(254), found TEXT"
    ]
    assert err.message == "target schema differs: contacts.email: expected VARCHAR(254), found TEXT"
    assert err.migrated[:3] == (
        "contacts.birthdate: added column DATE",
        "contacts.account_id: added column INTEGER",
        "contacts._load_id: added column VARCHAR(64)",
    )
    assert "contacts: added unique key on external_id" in err.migrated
    assert "contacts: added index on _load_id" in err.migrated

    # Fix the one thing a migration never does, and the check passes.
    _exec(diff_url, "ALTER TABLE contacts RENAME COLUMN email TO old_email")
    check = _run(diff_url, check_tables, migrate=True)
    assert check.created == ()  # accounts was created by the first migration
    assert check.migrated == ("contacts.email: added column VARCHAR(254)",)
    assert table_names(diff_url) == {"accounts", "contacts"}
    engine = sa.create_engine(diff_url)
    with engine.connect() as conn:
        assert diff_tables(conn, build_metadata(_schema())) == []
        assert conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar() == 1
    engine.dispose()
