"""Customers from orders on clean frames: history fields, RFM, activity, archive, unmatched.

Three contacts and five orders, reference date 2025-07-01, fixed RFM edges:
  legacy:C1  2 orders (2025-06-01 300 web, 2025-06-21 700 shop) → total 1000, 10 days since
  legacy:C2  1 cancelled order 2023-05-01 (shop)                → total 0, 792 days since
  legacy:C3  no orders, created 2019-01-01
  one guest order without a customer key, one order naming a customer that does not exist
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from crmmigrate.config import Customers, RfmEdges
from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.consolidate import consolidate

SCHEMA = load_target_schema(default_schema_path())
EDGES = RfmEdges(
    recency_days=[30, 60, 120, 240], frequency=[1, 2, 3, 5], monetary=[500, 1000, 2000, 5000]
)


def _contacts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "_record_id": ["c#1", "c#2", "c#3"],
            "external_id": ["legacy:C1", "legacy:C2", "legacy:C3"],
            "last_name": ["Chan", "Lin", "Wong"],
            "created_date": ["2020-01-01", "2022-03-01", "2019-01-01"],
            "order_count": [None, None, "7"],  # C3 has a legacy value and no orders: kept
        },
        dtype=object,
    )


def _orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "_record_id": [f"o#{i}" for i in range(1, 6)],
            "_source": "shop",
            "_source_file": "orders.xlsx",
            "_source_sheet": "訂單",
            "_source_row": [2, 3, 4, 5, 6],
            "_source_key": ["SO1", "SO2", "SO3", "SO4", "SO5"],
            "external_id": ["shop:SO1", "shop:SO2", "shop:SO3", "shop:SO4", "shop:SO5"],
            "_ref_customer_status": ["resolved", "resolved", "resolved", "empty", "unresolved"],
            "order_number": ["SO1", "SO2", "SO3", "SO4", "SO5"],
            "order_date": ["2025-06-01", "2025-06-21", "2023-05-01", "2025-01-01", "2025-02-02"],
            "customer": ["legacy:C1", "legacy:C1", "legacy:C2", None, None],
            "amount": ["300", "700", "50", "80", "90"],
            "currency": "TWD",
            "channel": ["web", "shop", "shop", "web", "web"],
            "status": ["done", "done", "cancelled", "done", "done"],
        },
        dtype=object,
    )


def _run(**settings: object) -> tuple:
    log = ChangeLog()
    options = {"reference_date": dt.date(2025, 7, 1), "rfm": EDGES, **settings}
    outcome = consolidate(
        {"contacts": _contacts(), "orders": _orders()}, SCHEMA, Customers(**options), log
    )
    assert outcome is not None
    return outcome, log.frame()


def test_history_and_rfm_on_the_contacts() -> None:
    outcome, _ = _run()
    c = outcome.frames["contacts"].set_index("external_id")
    assert c.loc["legacy:C1", "first_order_date"] == "2025-06-01"
    assert c.loc["legacy:C1", "last_order_date"] == "2025-06-21"
    assert c.loc["legacy:C1", "order_count"] == "2"
    assert (c.loc["legacy:C1", "order_total"], c.loc["legacy:C1", "average_order"]) == (
        "1000",
        "500",
    )
    assert c.loc["legacy:C1", "order_currency"] == "TWD"
    # 1 web, 1 shop: the tie goes to the alphabetically first channel
    assert c.loc["legacy:C1", "favourite_channel"] == "shop"
    # recency 10 days → 5; 2 orders → 2; 1000 → 2 (on the edge): "522", Potential Loyalist
    assert (c.loc["legacy:C1", "rfm_score"], c.loc["legacy:C1", "rfm_segment"]) == (
        "522",
        "Potential Loyalist",
    )
    # only a cancelled order: counted, no revenue (0, no average); 792 days → 1: "111", Lost
    assert c.loc["legacy:C2", "order_count"] == "1"
    assert (c.loc["legacy:C2", "order_total"], c.loc["legacy:C2", "average_order"]) == ("0", None)
    assert (c.loc["legacy:C2", "rfm_score"], c.loc["legacy:C2", "rfm_segment"]) == ("111", "Lost")
    # no orders: nothing set, the legacy value stays
    assert c.loc["legacy:C3", "order_count"] == "7"
    assert c.loc["legacy:C3", "rfm_segment"] is None


def test_every_set_cell_is_logged() -> None:
    _, changes = _run()
    c1 = changes[changes["record_id"] == "c#1"].set_index("field")
    assert c1.loc["order_total", "after"] == "1000"
    assert c1.loc["order_total", "rule"] == "customers.history"
    assert c1.loc["order_total", "status"] == "filled"
    assert c1.loc["rfm_segment", "rule"] == "customers.rfm"
    assert "c#3" not in set(changes["record_id"])  # no orders and no activity tag asked for


def test_unmatched_orders_and_stats() -> None:
    outcome, _ = _run()
    unmatched = outcome.unmatched.set_index("order_number")
    assert unmatched["reason"].to_dict() == {"SO4": "guest-no-match", "SO5": "unknown-customer"}
    assert unmatched.loc["SO5", "source_row"] == 6
    stats = outcome.stats
    assert (stats["customers"], stats["with_orders"], stats["without_orders"]) == (3, 2, 1)
    assert (stats["orders"], stats["orders_without_customer"]) == (5, 2)
    assert stats["reference_date"] == "2025-07-01" and stats["rfm"] == "fixed edges"
    assert [(s["segment"], s["customers"], s["orders"]) for s in stats["segments"]] == [
        ("Potential Loyalist", 1, 2),
        ("Lost", 1, 1),
    ]


def test_reference_date_defaults_to_the_day_after_the_last_order() -> None:
    outcome, _ = _run(reference_date=None)
    assert outcome.stats["reference_date"] == "2025-06-22"


def test_quintiles_when_no_edges_are_given() -> None:
    outcome, _ = _run(rfm=RfmEdges())
    assert outcome.stats["rfm"] == "quintiles"
    c = outcome.frames["contacts"].set_index("external_id")
    # two customers: C1 ranks above C2 on every measure
    assert c.loc["legacy:C1", "rfm_score"] == "555" and c.loc["legacy:C2", "rfm_score"] == "333"


def test_activity_tags_by_the_latest_activity_date() -> None:
    outcome, changes = _run(inactive_before=dt.date(2023, 1, 1))
    c = outcome.frames["contacts"].set_index("external_id")
    # C1 ordered in 2025; C2 was created 2022 but ordered 2023-05; C3 created 2019, no orders
    assert c["activity_status"].to_dict() == {
        "legacy:C1": "Active",
        "legacy:C2": "Active",
        "legacy:C3": "Inactive",
    }
    assert outcome.stats["activity"] == {"Active": 2, "Inactive": 1}
    assert set(changes.loc[changes["rule"] == "customers.activity", "record_id"]) == {
        "c#1",
        "c#2",
        "c#3",
    }
    assert outcome.archived == {}


def test_archive_moves_inactive_customers_and_their_orders() -> None:
    outcome, _ = _run(inactive_before=dt.date(2024, 1, 1), archive=True)
    # C2's last activity is its 2023 order: inactive, archived with that order
    assert outcome.frames["contacts"]["external_id"].tolist() == ["legacy:C1"]
    archived = outcome.archived
    assert archived["contacts"]["external_id"].tolist() == ["legacy:C2", "legacy:C3"]
    assert archived["orders"]["order_number"].tolist() == ["SO3"]
    assert outcome.frames["orders"]["order_number"].tolist() == ["SO1", "SO2", "SO4", "SO5"]
    assert outcome.stats["archived"] == {"contacts": 2, "orders": 1}


def test_nothing_to_do_without_orders_or_when_disabled() -> None:
    log = ChangeLog()
    frames = {"contacts": _contacts()}
    assert consolidate(frames, SCHEMA, Customers(), log) is None
    both = {"contacts": _contacts(), "orders": _orders()}
    assert consolidate(both, SCHEMA, Customers(enabled=False), log) is None
    assert len(log.frame()) == 0


def test_input_frames_are_not_changed() -> None:
    contacts, orders = _contacts(), _orders()
    consolidate(
        {"contacts": contacts, "orders": orders},
        SCHEMA,
        Customers(inactive_before=dt.date(2024, 1, 1), archive=True),
        ChangeLog(),
    )
    pd.testing.assert_frame_equal(contacts, _contacts())
    pd.testing.assert_frame_equal(orders, _orders())


@pytest.mark.parametrize("edges", [[1, 2, 3], [5, 4, 3, 2], [1, 1, 2, 3]])
def test_rfm_edges_must_be_four_ascending_numbers(edges: list[int]) -> None:
    with pytest.raises(ValueError, match="4 ascending edges"):
        RfmEdges(frequency=edges)


def _guest_orders() -> pd.DataFrame:
    """Two orders of one guest (same e-mail, phone written differently upstream → the same
    E.164), one guest known only by phone, one without a name, one unknown customer key."""
    orders = pd.DataFrame(
        {
            "_record_id": [f"o#{i}" for i in range(1, 6)],
            "_source": "shop",
            "_source_key": ["G1", "G2", "G3", "G4", "G5"],
            "external_id": ["shop:G1", "shop:G2", "shop:G3", "shop:G4", "shop:G5"],
            "_ref_customer_status": ["empty", "empty", "empty", "empty", "unresolved"],
            "order_number": ["G1", "G2", "G3", "G4", "G5"],
            "order_date": ["2025-03-01", "2025-05-01", "2025-04-01", "2025-04-02", "2025-04-03"],
            "customer": None,
            "customer_name": ["陳小美", "陳小美 小姐", "Alex Wong", None, "Someone"],
            "customer_email": ["amy@example.com", "amy@example.com", None, "x@example.com", None],
            "customer_phone": ["+886912345678", "+886912345678", "+85223456789", None, None],
            "amount": ["100", "200", "300", "400", "500"],
            "currency": "TWD",
        },
        dtype=object,
    )
    return orders.where(orders.notna(), None)


def test_create_makes_one_customer_per_guest() -> None:
    log = ChangeLog()
    settings = Customers(unmatched_orders="create", reference_date=dt.date(2025, 7, 1))
    outcome = consolidate(
        {"contacts": _contacts(), "orders": _guest_orders()}, SCHEMA, settings, log
    )
    assert outcome is not None
    contacts = outcome.frames["contacts"].set_index("external_id")
    amy = contacts.loc["orders-guest:amy@example.com"]
    # name from the latest order (its honorific to the salutation), created at the first
    assert (amy["last_name"], amy["first_name"], amy["salutation"]) == ("陳", "小美", "小姐")
    assert (amy["mobile_phone"], amy["phone"]) == ("+886912345678", None)
    assert (amy["created_date"], amy["lead_source"], amy["order_count"]) == (
        "2025-03-01",
        "guest-order",
        "2",
    )
    alex = contacts.loc["orders-guest:+85223456789"]  # no e-mail: keyed by the phone
    assert (alex["first_name"], alex["last_name"], alex["phone"]) == (
        "Alex",
        "Wong",
        "+85223456789",
    )
    orders = outcome.frames["orders"].set_index("order_number")
    assert orders.loc[["G1", "G2", "G3"], "customer"].tolist() == [
        "orders-guest:amy@example.com",
        "orders-guest:amy@example.com",
        "orders-guest:+85223456789",
    ]
    # no name: not created; an unknown key is never a guest
    assert outcome.unmatched.set_index("order_number")["reason"].to_dict() == {
        "G4": "guest-no-match",
        "G5": "unknown-customer",
    }
    assert outcome.stats["created"] == 2 and outcome.stats["customers"] == 5
    changes = log.frame()
    made = changes[changes["rule"] == "customers.create"]
    assert set(made["object"]) == {"contacts", "orders"}
    assert set(made.loc[made["object"] == "orders", "record_id"]) == {"o#1", "o#2", "o#3"}


def test_report_is_the_default_and_creates_nothing() -> None:
    outcome = consolidate(
        {"contacts": _contacts(), "orders": _guest_orders()}, SCHEMA, Customers(), ChangeLog()
    )
    assert outcome is not None
    assert len(outcome.frames["contacts"]) == 3 and outcome.stats["created"] == 0
    assert len(outcome.unmatched) == 5


def test_orders_without_a_date_count_but_give_no_segment() -> None:
    orders = _orders()
    orders.loc[2, "order_date"] = None  # C2's only order
    outcome = consolidate(
        {"contacts": _contacts(), "orders": orders},
        SCHEMA,
        Customers(reference_date=dt.date(2025, 7, 1), rfm=EDGES),
        ChangeLog(),
    )
    assert outcome is not None
    c2 = outcome.frames["contacts"].set_index("external_id").loc["legacy:C2"]
    assert (c2["order_count"], c2["last_order_date"]) == ("1", None)
    assert (c2["rfm_score"], c2["rfm_segment"]) == (None, None)
    assert outcome.stats["without_order_dates"] == 1
    assert [s["segment"] for s in outcome.stats["segments"]] == ["Potential Loyalist"]


def test_an_account_gets_the_history_of_its_contacts_orders() -> None:
    contacts = _contacts().assign(account=["erp:A1", "erp:A1", None])
    accounts = pd.DataFrame(
        {"_record_id": ["a#1", "a#2"], "external_id": ["erp:A1", "erp:A2"], "name": ["Acme", "B"]},
        dtype=object,
    )
    log = ChangeLog()
    outcome = consolidate(
        {"accounts": accounts, "contacts": contacts, "orders": _orders()},
        SCHEMA,
        Customers(reference_date=dt.date(2025, 7, 1)),
        log,
    )
    assert outcome is not None
    a = outcome.frames["accounts"].set_index("external_id")
    # C1's two orders (300 + 700) and C2's cancelled one: 3 orders, 1000 of revenue
    assert a.loc["erp:A1", "order_count"] == "3"
    assert (a.loc["erp:A1", "first_order_date"], a.loc["erp:A1", "last_order_date"]) == (
        "2023-05-01",
        "2025-06-21",
    )
    assert (a.loc["erp:A1", "order_total"], a.loc["erp:A1", "favourite_channel"]) == (
        "1000",
        "shop",
    )
    assert a.loc["erp:A2", "order_count"] is None  # no contact with orders
    assert "rfm_segment" not in a.columns  # segments stay on the customers
    assert outcome.stats["rolled_up"] == {"accounts": 1}
    assert set(log.frame().query("object == 'accounts'")["record_id"]) == {"a#1"}
    pd.testing.assert_frame_equal(accounts, pd.DataFrame(
        {"_record_id": ["a#1", "a#2"], "external_id": ["erp:A1", "erp:A2"], "name": ["Acme", "B"]},
        dtype=object,
    ))  # fmt: skip


def test_orders_without_any_customer_source() -> None:
    orders = _guest_orders()
    none = consolidate({"orders": orders}, SCHEMA, Customers(), ChangeLog())
    assert none is not None and "contacts" not in none.frames  # nothing made up
    assert none.stats["customers"] == 0 and len(none.unmatched) == 5
    made = consolidate(
        {"orders": orders}, SCHEMA, Customers(unmatched_orders="create"), ChangeLog()
    )
    assert made is not None and len(made.frames["contacts"]) == 2
