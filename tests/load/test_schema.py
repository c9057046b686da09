"""Target schema → tables: types, constraints, and checking tables that already exist."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crmmigrate.errors import ExitCode, UsageError
from crmmigrate.load import build_metadata, load_frames
from crmmigrate.target_schema import TargetSchema


def _columns(url: str, table: str) -> dict[str, dict]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns(table)}
    engine.dispose()
    return columns


def _one_type_schema(**fields: dict) -> TargetSchema:
    return TargetSchema.model_validate(
        {"version": 1, "name": "t", "objects": {"things": {"fields": fields}}}
    )


def test_tables_created_from_crm_default(crm_schema, sqlite_url, make_frame, table_names):
    load_frames({}, crm_schema, sqlite_url, run_id="r1")

    assert table_names(sqlite_url) == set(crm_schema.objects)
    cols = _columns(sqlite_url, "contacts")
    assert (
        isinstance(cols["last_name"]["type"], sa.VARCHAR) and cols["last_name"]["type"].length == 80
    )
    assert cols["last_name"]["nullable"] is False
    assert cols["first_name"]["nullable"] is True
    assert isinstance(cols["birthdate"]["type"], sa.DATE)
    assert isinstance(cols["description"]["type"], sa.TEXT)  # max_length 32000 > 4000
    assert cols["gender"]["type"].length == 255  # picklist without max_length
    assert cols["external_id"]["nullable"] is False and cols["external_id"]["type"].length == 255
    assert cols["_load_id"]["type"].length == 64 and cols["_content_hash"]["type"].length == 64
    assert "account" not in cols and isinstance(cols["account_id"]["type"], sa.INTEGER)
    assert cols["account_id"]["nullable"] is True

    accounts = _columns(sqlite_url, "accounts")
    assert isinstance(accounts["annual_revenue"]["type"], sa.NUMERIC)
    assert (
        accounts["annual_revenue"]["type"].precision,
        accounts["annual_revenue"]["type"].scale,
    ) == (18, 2)
    assert isinstance(accounts["number_of_employees"]["type"], sa.BIGINT)

    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert inspector.get_pk_constraint("contacts")["constrained_columns"] == ["id"]
        uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("contacts")}
        assert ("external_id",) in uniques
        fks = inspector.get_foreign_keys("opportunities")
        assert {(fk["constrained_columns"][0], fk["referred_table"]) for fk in fks} == {
            ("account_id", "accounts"),
            ("contact_id", "contacts"),
        }
        assert all(fk["referred_columns"] == ["id"] for fk in fks)
    engine.dispose()


@pytest.mark.parametrize(
    ("field", "expected", "length"),
    [
        ({"type": "text", "max_length": 4000}, sa.String, 4000),
        ({"type": "text", "max_length": 4001}, sa.Text, None),
        ({"type": "text"}, sa.Text, None),
        ({"type": "email"}, sa.String, 255),
        ({"type": "tax_id", "max_length": 8}, sa.String, 8),
        ({"type": "datetime"}, sa.DateTime, None),
        ({"type": "number"}, sa.Float, None),
        ({"type": "boolean"}, sa.Boolean, None),
        ({"type": "integer"}, sa.BigInteger, None),
    ],
)
def test_column_type_per_field_type(field, expected, length):
    table = build_metadata(_one_type_schema(f=field)).tables["things"]
    column_type = table.c.f.type
    assert isinstance(column_type, expected)
    if expected is sa.String:
        assert not isinstance(column_type, sa.Text) and column_type.length == length


def test_unique_and_required_fields_become_constraints():
    table = build_metadata(
        _one_type_schema(code={"type": "string", "unique": True, "required": True})
    ).tables["things"]
    assert table.c.code.unique and not table.c.code.nullable
    assert table.c.external_id.unique and not table.c.external_id.nullable


def test_existing_table_missing_a_column_is_a_usage_error(crm_schema, sqlite_url, table_names):
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE accounts (id INTEGER PRIMARY KEY, external_id TEXT)")
    engine.dispose()

    with pytest.raises(UsageError) as caught:
        load_frames({}, crm_schema, sqlite_url, run_id="r1")

    assert caught.value.exit_code == ExitCode.USAGE
    assert caught.value.message == (
        "target schema differs: accounts.external_id: expected VARCHAR(255), found TEXT"
        " (and 30 more differences)"  # every other column of accounts is missing
    )
    assert "accounts.name: missing" in caught.value.report().splitlines()
    assert "--migrate-schema" in str(caught.value.hint)
    assert table_names(sqlite_url) == {"accounts"}  # nothing created before the check failed
