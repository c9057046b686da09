"""bulk_insert: COPY on PostgreSQL, executemany elsewhere — same rows, same errors, same
transaction as the caller."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from crmmigrate.load import build_metadata
from crmmigrate.load.batch import Batch, join_parts, row_lines, row_parts
from crmmigrate.load.copy import NULL, bulk_insert, copy_text, row_hashes, uses_copy
from crmmigrate.load.schema import ensure_tables
from crmmigrate.load.target import db_reason, is_row_error, open_engine

ROWS = [
    {
        "external_id": "s:1",
        "name": "Acme\t股份\n有限公司 \\ x",
        "annual_revenue": Decimal("12.50"),
        "created_date": date(2020, 2, 29),
        "number_of_employees": 12,
        "_load_id": "r1",
    },
    {
        "external_id": "s:2",
        "name": "Globex",
        "annual_revenue": None,
        "created_date": None,
        "number_of_employees": None,
        "_load_id": "r1",
    },
]


def test_rows_round_trip_in_the_callers_transaction(target_url, crm_schema):
    metadata = build_metadata(crm_schema)
    table = metadata.tables["accounts"]
    engine = open_engine(target_url)
    with engine.connect() as conn:
        ensure_tables(conn, metadata)
        assert uses_copy(conn) == target_url.startswith("postgresql")
        with conn.begin() as tx:
            assert bulk_insert(conn, table, ROWS) == 2
            tx.rollback()
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0
        conn.rollback()
        with conn.begin():
            bulk_insert(conn, table, ROWS)
        got = conn.execute(
            sa.select(
                table.c.external_id,
                table.c.name,
                table.c.annual_revenue,
                table.c.created_date,
                table.c.number_of_employees,
            ).order_by(table.c.id)
        ).all()
    engine.dispose()
    assert [tuple(r) for r in got] == [
        ("s:1", ROWS[0]["name"], Decimal("12.50"), date(2020, 2, 29), 12),
        ("s:2", "Globex", None, None, None),
    ]


def test_a_bad_row_raises_a_row_error_and_the_savepoint_recovers(target_url, crm_schema):
    metadata = build_metadata(crm_schema)
    table = metadata.tables["accounts"]
    engine = open_engine(target_url)
    with engine.connect() as conn:
        ensure_tables(conn, metadata)
        with conn.begin():
            bulk_insert(conn, table, ROWS[:1])
            with pytest.raises(exc.IntegrityError) as caught, conn.begin_nested():
                bulk_insert(conn, table, ROWS)  # s:1 again: unique violation
            assert is_row_error(caught.value)
            assert "Acme" not in db_reason(caught.value)
            bulk_insert(conn, table, ROWS[1:])  # the transaction is still usable
        count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
    engine.dispose()
    assert count == 2


def test_nothing_to_insert(sqlite_url, crm_schema):
    engine = open_engine(sqlite_url)
    with engine.connect() as conn:
        assert bulk_insert(conn, build_metadata(crm_schema).tables["accounts"], []) == 0
    engine.dispose()


def test_copy_text_escapes_and_formats_column_wise():
    assert copy_text(["a\tb\nc\\d\re", None, "plain"]) == ["a\\tb\\nc\\\\d\\re", "\\N", "plain"]
    assert copy_text([Decimal("12.50"), Decimal("12.5"), Decimal("-0.00"), Decimal("100")]) == [
        "12.5",
        "12.5",
        "0",
        "100",
    ]
    assert copy_text([date(2020, 2, 29), None]) == ["2020-02-29", "\\N"]
    assert copy_text([datetime(2020, 1, 2, 3, 4, 5, 6)]) == ["2020-01-02 03:04:05.000006"]
    assert copy_text([True, False, None]) == ["t", "f", "\\N"]
    assert copy_text([3, None, 9007199254740993]) == ["3", "\\N", "9007199254740993"]
    assert copy_text([0.1, 1e20]) == ["0.1", "1e+20"]
    assert copy_text([None, None]) == ["\\N", "\\N"]


def test_row_hashes_depend_on_every_column_and_not_on_decimal_scale():
    one = row_hashes([copy_text(["s:1", "s:2"]), copy_text([Decimal("1.50"), Decimal("2")])])
    same = row_hashes([copy_text(["s:1", "s:2"]), copy_text([Decimal("1.5"), Decimal("2.00")])])
    other = row_hashes([copy_text(["s:1", "s:2"]), copy_text([Decimal("1.5"), Decimal("2.01")])])
    assert one == same
    assert (other[0], other[1] != one[1]) == (one[0], True)


@pytest.mark.parametrize("later", [(), ("a",), ("b", "c"), ("a", "d"), ("a", "b", "c", "d")])
def test_row_parts_filled_in_later_make_the_same_lines(later):
    """Lines built in parts (reference ids filled in after the lookup, records dropped in
    between) are the lines built at once: the row hashes cannot tell them apart."""
    table = sa.Table(
        "t", sa.MetaData(), *(sa.Column(c, sa.String) for c in ("id", "a", "b", "c", "d"))
    )
    values = {"a": ["x", None, "z"], "b": ["1\t2", "3", None], "d": ["p", "q", "r"]}
    texts = {c: copy_text(v) for c, v in values.items()}  # c: none, so NULL
    early = {c: t for c, t in texts.items() if c not in later}
    batch = Batch([0, 1, 2], ["e0", "e1", "e2"], [None] * 3, {}, early)
    batch = replace(batch, line_parts=row_parts(table, early, later)).take([2, 0])

    late = {c: [texts.get(c, [NULL] * 3)[i] for i in (2, 0)] for c in later}

    assert join_parts(batch.line_parts, late) == [row_lines(table, texts)[i] for i in (2, 0)]
    assert row_lines(table, texts)[1] == "\\N\t3\t\\N\tq"
