"""Every object of the default schema through clean → validate → load (SQLite) with each
optional field left unmapped in turn, with only the required fields, and orders linked to their
customers by key, by phone and by e-mail.

The data (below) is valid and has no duplicates, so every command must exit 0 and every record
must reach the target. The orders sweep also checks the customers' order history:

  M1 陳雅琪  A1 1200, A3 800, B1 100 (已取消: an order, not revenue) → 3 orders, 2000 (2100 when
             the status is not mapped)
  M2 王小明  A2 300                                                   → 1 order, 300
  M3 Ann Lee B2 50                                                    → 1 order, 50
  M4 林美玲  none; B3 is a guest's (phone and e-mail nobody has)      → unmatched
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.target_schema import default_schema_path, load_target_schema

SCHEMA = load_target_schema(default_schema_path())
Table = dict[str, list[str]]

ACCOUNTS: Table = {
    "Account No": ["A1", "A2", "A3", "A4"],
    "name": ["台灣好物股份有限公司", "Acme Trading Ltd", "香港順利貿易有限公司", "Beta Foods Co."],
    "phone": ["02-2345-6789", "+1 415 555 0100", "+852 2345 6789", "04-2222-3333"],
    "phone_extension": ["12", "", "3", ""],
    "fax": ["02-2345-6790", "", "", ""],
    "website": ["www.goodthings.com.tw", "acme.com", "", "https://betafoods.example"],
    "email": ["service@goodthings.com.tw", "sales@acme.com", "", ""],
    "tax_id": ["22099131", "", "", ""],
    "industry": ["Retail", "Wholesale", "Other", ""],
    "type": ["Customer", "Partner", "Prospect", "Vendor"],
    "annual_revenue": ["1,200,000", "250000.50", "", "3000000"],
    "number_of_employees": ["120", "15", "", "8"],
    "billing_street": ["忠孝東路四段100號", "1 Market St", "皇后大道中99號", "台灣大道二段2號"],
    "billing_city": ["台北市", "San Francisco", "中西區", "台中市"],
    "billing_state": ["", "CA", "", ""],
    "billing_postal_code": ["106", "94105", "", "403"],
    "billing_country": ["TW", "US", "HK", "TW"],
    "owner": ["陳雅琪", "Ann Lee", "", ""],
    "description": ["VIP", "", "", "- wholesale only"],
    "created_date": ["2020-01-15", "2019/03/02", "", "2021-12-31"],
    "first_order_date": ["2020-02-01", "", "", ""],
    "last_order_date": ["2024-05-01", "", "", ""],
    "order_count": ["7", "", "", ""],
    "order_total": ["35000", "", "", ""],
    "average_order": ["5000", "", "", ""],
    "order_currency": ["TWD", "", "", ""],
    "favourite_channel": ["web", "", "", ""],
    "billing_address": [
        "106台北市大安區忠孝東路四段100號",
        "1 Market St, San Francisco, CA 94105, USA",
        "香港中環皇后大道中99號",
        "403台中市西區台灣大道二段2號",
    ],
}

PEOPLE: Table = {
    "ID": ["P1", "P2", "P3", "P4"],
    "salutation": ["", "Ms.", "", "Mr."],
    "first_name": ["雅琪", "Ann", "小明", "Peter"],
    "last_name": ["陳", "Lee", "王", "Wong"],
    "suffix": ["", "", "", "Jr."],
    "email": ["ya.chen@example.com", "ANN.LEE@Example.com", "", "peter.w@example.hk"],
    "phone": ["02-2345-6789", "", "04-2222-3333", "+852 2345 6789"],
    "phone_extension": ["12", "", "", ""],
    "mobile_phone": ["0912-345-678", "+1 415 555 0111", "0922333444", "+852 9123 4567"],
    "other_phone": ["", "", "07-123-4567", ""],
    "birthdate": ["1985-03-04", "1990-05-04", "", "1979-12-31"],
    "gender": ["Female", "F", "", "Male"],
    "title": ["經理", "Buyer", "", "Director"],
    "company": ["台灣好物股份有限公司", "Acme Trading Ltd", "", "香港順利貿易有限公司"],
    "website": ["www.goodthings.com.tw", "", "", ""],
    "status": ["New", "Open", "", "Qualified"],
    "lifecycle_stage": ["Lead", "Customer", "", "Subscriber"],
    "street": ["忠孝東路四段100號", "1 Market St", "", "皇后大道中99號"],
    "city": ["台北市", "San Francisco", "", "中西區"],
    "state": ["", "CA", "", ""],
    "postal_code": ["106", "94105", "", ""],
    "country": ["TW", "US", "", "HK"],
    "account": ["A1", "A2", "", "A3"],
    "lead_source": ["展覽", "Web", "", ""],
    "owner": ["陳雅琪", "", "", ""],
    "description": ["VIP", "", "", ""],
    "created_date": ["2020-01-15", "2021-06-30", "", ""],
    "first_order_date": ["2020-02-01", "", "", ""],
    "last_order_date": ["2024-05-01", "", "", ""],
    "order_count": ["7", "", "", ""],
    "order_total": ["35000", "", "", ""],
    "average_order": ["5000", "", "", ""],
    "order_currency": ["TWD", "", "", ""],
    "favourite_channel": ["web", "", "", ""],
    "rfm_score": ["545", "", "", ""],
    "rfm_segment": ["Champions", "", "", ""],
    "activity_status": ["Active", "", "", ""],
    "full_name": ["陳雅琪", "Ms. Ann Lee", "王小明", "Mr. Peter Wong Jr."],
    "address": [
        "106台北市大安區忠孝東路四段100號",
        "1 Market St, San Francisco, CA 94105, USA",
        "",
        "香港中環皇后大道中99號",
    ],
}

DEALS: Table = {
    "Deal ID": ["D1", "D2", "D3"],
    "name": ["年度採購", "Pilot", "Renewal 2025"],
    "account": ["A1", "A2", ""],
    "contact": ["P1", "", "P4"],
    "amount": ["NT$120,000", "5000", ""],
    "currency": ["TWD", "USD", ""],
    "stage": ["Proposal", "Closed Won", "Prospecting"],
    "probability": ["60", "100", ""],
    "close_date": ["2025-03-31", "2024/12/01", "2025-06-30"],
    "owner": ["陳雅琪", "", ""],
    "description": ["", "first order", ""],
    "created_date": ["2024-10-01", "", ""],
}

MEMBERS: Table = {
    "Member No": ["M1", "M2", "M3", "M4"],
    "Name": ["陳雅琪", "王小明", "Ann Lee", "林美玲"],
    "Mobile": ["0912345678", "0922333444", "0933111222", "0955666777"],
    "Email": ["ya.chen@example.com", "ming@example.com", "ann.lee@example.com", "mei@example.com"],
}
# two monthly order sheets; B3 is a guest's
ORDERS_2024_01: Table = {
    "order_number": ["A1", "A2", "A3"],
    "order_date": ["2024-01-03", "2024/01/05", "2024-01-09"],
    "amount": ["1,200", "300", "800"],
    "currency": ["TWD", "TWD", "TWD"],
    "status": ["已完成", "已完成", "已完成"],
    "channel": ["web", "門市", "web"],
    "customer": ["M1", "M2", "M1"],
    "customer_name": ["陳雅琪", "王小明", "陳雅琪"],
    "customer_email": ["ya.chen@example.com", "MING@example.com", "ya.chen@example.com"],
    "customer_phone": ["0912345678", "0922-333-444", "+886 912 345 678"],
}
ORDERS_2024_02: Table = {
    "order_number": ["B1", "B2", "B3"],
    "order_date": ["2024-02-03", "2024-02-15", "2024-02-20"],
    "amount": ["100", "50", "75"],
    "currency": ["TWD", "TWD", "TWD"],
    "status": ["已取消", "已完成", "已完成"],
    "channel": ["web", "web", "web"],
    "customer": ["M1", "M3", ""],
    "customer_name": ["陳雅琪", "Ann Lee", "訪客"],
    "customer_email": ["ya.chen@example.com", "ann.lee@example.com", "guest@example.org"],
    "customer_phone": ["0912345678", "0933111222", "0988000111"],
}
LINKS = {"key": "customer", "phone": "customer_phone", "email": "customer_email"}


def _csv(path: Path, table: Table) -> None:
    columns = list(table)
    lines = [",".join(columns)]
    for row in zip(*(table[c] for c in columns), strict=True):
        lines.append(",".join(f'"{v}"' if "," in v else v for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _inputs(obj: str) -> list[str]:
    return list(SCHEMA.objects[obj].inputs)


def _required(obj: str) -> list[str]:
    return [f for f, d in SCHEMA.objects[obj].fields.items() if d.required]


def _parts(obj: str) -> dict[str, list[str]]:
    """Composite input → the fields it is split into (mapping both is ambiguous)."""
    return {name: list(c.parts.values()) for name, c in SCHEMA.objects[obj].composites.items()}


def _plain(obj: str) -> list[str]:
    return [f for f in _inputs(obj) if f not in _parts(obj)]


def _variants(obj: str) -> list[tuple[str, list[str]]]:
    """(label, mapped fields): all plain fields, each optional one left out in turn, only the
    required ones, and each composite input in place of the fields it splits into."""
    plain, required = _plain(obj), _required(obj)
    out = [("all", plain)]
    out += [(f"without-{f}", [g for g in plain if g != f]) for f in plain if f not in required]
    out.append(("required-only", required))
    for name, parts in _parts(obj).items():
        kept = [f for f in plain if f not in parts]
        out.append((f"{name}-instead-of-its-parts", [*kept, name]))
        out.append((f"{name}-with-the-required", sorted({*required, name} - set(parts))))
    return out


ACCOUNT_SOURCE = {
    "name": "erp",
    "path": "accounts.csv",
    "object": "accounts",
    "key": "Account No",
    "fields": {"name": "name"},
}


def _people_project(tmp: Path, obj: str, fields: list[str]) -> dict[str, Any]:
    """A source of ``obj`` (contacts or leads) mapping ``fields``; with the accounts its
    references point at."""
    _csv(tmp / "people.csv", PEOPLE)
    _csv(tmp / "accounts.csv", ACCOUNTS)
    mapping: dict[str, Any] = {}
    for f in fields:
        column = f.removeprefix("mailing_")  # contacts' mailing_city is the leads' city
        if f == "account":
            mapping[f] = {"column": "account", "source": "erp"}
        else:
            mapping[f] = column
    return {"sources": [ACCOUNT_SOURCE, _source("people", "people.csv", obj, "ID", mapping)]}


def _source(name: str, path: str, obj: str, key: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "path": path, "object": obj, "key": key, "fields": fields}


def _project(tmp: Path, obj: str, fields: list[str]) -> dict[str, Any]:
    if obj == "accounts":
        _csv(tmp / "accounts.csv", ACCOUNTS)
        return {"sources": [_source("erp", "accounts.csv", obj, "Account No", _same(fields))]}
    if obj in ("contacts", "leads"):
        return _people_project(tmp, obj, fields)
    if obj == "opportunities":
        _csv(tmp / "deals.csv", DEALS)
        _csv(tmp / "accounts.csv", ACCOUNTS)
        _csv(tmp / "people.csv", PEOPLE)
        mapping = _same(fields)
        if "account" in fields:
            mapping["account"] = {"column": "account", "source": "erp"}
        if "contact" in fields:
            mapping["contact"] = {"column": "contact", "source": "people"}
        people = _source("people", "people.csv", "contacts", "ID", _same(["first_name"]))
        people["fields"]["last_name"] = "last_name"
        return {
            "sources": [
                ACCOUNT_SOURCE,
                people,
                _source("deals", "deals.csv", obj, "Deal ID", mapping),
            ]
        }
    raise AssertionError(obj)


def _same(fields: list[str]) -> dict[str, Any]:
    return {f: f for f in fields}


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _migrate(tmp: Path, project: dict[str, Any]) -> Path:
    """clean → validate → load into tmp/crm.db; each must exit 0. Returns the database."""
    config = {"version": 1, "defaults": {"country": "TW", "date_order": "YMD"}}
    config["target"] = {"url": f"sqlite:///{tmp / 'crm.db'}"}
    config.update(project)
    path = tmp / "crmmigrate.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    clean = _invoke("clean", "-c", str(path), "--quiet")
    assert clean.exit_code == 0, clean.output
    validate = _invoke("validate", "-c", str(path), "--quiet", "--fail-on", "never")
    assert validate.exit_code == 0, validate.output
    load = _invoke("load", "-c", str(path), "--quiet")
    assert load.exit_code == 0, load.output
    return tmp / "crm.db"


def _rows(db: Path, table: str) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY external_id")]


SOURCE_ROWS = {"accounts": ACCOUNTS, "contacts": PEOPLE, "leads": PEOPLE, "opportunities": DEALS}
CASES = [(obj, label, fields) for obj in SOURCE_ROWS for label, fields in _variants(obj)]


@pytest.mark.parametrize(("obj", "label", "fields"), CASES, ids=[f"{o}-{v}" for o, v, _ in CASES])
def test_every_record_reaches_the_target_with_what_was_mapped(
    tmp_path: Path, obj: str, label: str, fields: list[str]
) -> None:
    db = _migrate(tmp_path, _project(tmp_path, obj, fields))
    rows = _rows(db, obj)
    table = SOURCE_ROWS[obj]
    assert len(rows) == len(next(iter(table.values())))
    # a mapped field with a value in the source has a value in the target (nothing dropped)
    for f in fields:
        if f not in SCHEMA.objects[obj].fields:
            continue  # a composite input: its parts are checked by the standardiser tests
        column = f"{f}_id" if SCHEMA.objects[obj].fields[f].type == "reference" else f
        given = [bool(v.strip()) for v in table[f.removeprefix("mailing_")]]
        loaded = [rows[i][column] is not None for i in range(len(rows))]
        assert [g <= h for g, h in zip(given, loaded, strict=True)] == [True] * len(rows), f


def test_the_sweep_covers_every_object_of_the_default_schema() -> None:
    assert set(SOURCE_ROWS) | {"orders"} == set(SCHEMA.objects)
    for obj, table in SOURCE_ROWS.items():
        assert {f.removeprefix("mailing_") for f in _inputs(obj)} <= set(table), obj
    assert set(_inputs("orders")) == set(ORDERS_2024_01)


# orders: (label, link fields, other optional fields)
ORDER_OPTIONAL = ["amount", "currency", "status", "channel", "customer_name"]


def _order_variants() -> list[tuple[str, list[str]]]:
    required = _required("orders")
    links = list(LINKS.values())
    out = [("all", [*required, *links, *ORDER_OPTIONAL])]
    out += [(f"all-without-{f}", [g for g in out[0][1] if g != f]) for f in links]
    for by, link in LINKS.items():
        base = [*required, link, *ORDER_OPTIONAL]
        out.append((f"by-{by}", base))
        out += [(f"by-{by}-without-{f}", [g for g in base if g != f]) for f in ORDER_OPTIONAL]
        out.append((f"by-{by}-required-only", [*required, link]))
    out.append(("required-only", required))
    return out


ORDER_CASES = _order_variants()


@pytest.mark.parametrize(("label", "fields"), ORDER_CASES, ids=[v for v, _ in ORDER_CASES])
def test_monthly_order_sheets_become_the_members_history(
    tmp_path: Path, label: str, fields: list[str]
) -> None:
    _csv(tmp_path / "members.csv", MEMBERS)
    _csv(tmp_path / "orders_2024-01.csv", ORDERS_2024_01)
    _csv(tmp_path / "orders_2024-02.csv", ORDERS_2024_02)
    members = _source(
        "members",
        "members.csv",
        "contacts",
        "Member No",
        {"full_name": "Name", "mobile_phone": "Mobile", "email": "Email"},
    )
    mapping: dict[str, Any] = _same(fields)
    if "customer" in fields:
        mapping["customer"] = {"column": "customer", "source": "members"}
    orders = _source("orders", "orders_*.csv", "orders", "order_number", mapping)
    db = _migrate(tmp_path, {"sources": [members, orders]})

    assert len(_rows(db, "orders")) == 6
    history = {r["external_id"]: r for r in _rows(db, "contacts")}
    linked = any(link in fields for link in LINKS.values())
    counts = {"members:M1": 3, "members:M2": 1, "members:M3": 1} if linked else {}
    totals = {"members:M1": 2000 if "status" in fields else 2100, "members:M2": 300}
    totals["members:M3"] = 50
    for member, row in history.items():
        assert row["order_count"] == counts.get(member), member
        if member not in counts or "amount" not in fields:
            assert row["order_total"] is None, member
        else:
            assert float(row["order_total"]) == totals[member], member
        paid = counts.get(member) and {"amount", "currency"} <= set(fields)
        assert row["order_currency"] == ("TWD" if paid else None)
        assert (row["first_order_date"] is not None) == (member in counts)
        assert (row["rfm_segment"] is not None) == (member in counts)
    unmatched = (tmp_path / "runs").glob("*/customers/unmatched_orders.csv")
    lines = next(unmatched).read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == (1 if linked else 6)
