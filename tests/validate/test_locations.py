"""Findings name file, sheet and an integer row everywhere; a created record says it has no row.

The project, cleaned once per module, and its quirks:
- contacts.csv row 3 (C002) has no last name: ``required-missing`` (error) at ``contacts.csv:3``;
- orders.xlsx has two sheets, ``2024-01`` and ``2024-02``; the order on row 2 of ``2024-02`` has
  the amount ``lots``: ``invalid-number`` (error) at ``orders.xlsx[2024-02]:2``;
- order SO-2 (``2024-01`` row 3) has no customer: with ``unmatched_orders: create`` it becomes a
  new contact, which has no source row. Concatenated with the read contacts it turns
  ``_source_row`` into floats (``3.0``) in the clean frame, for every contact;
- the rule ``dated`` (no contact has a birthdate or a description) finds all three contacts, the
  created one last.
- the guest has a phone: with none, ``customers.create`` warns (Pandas4Warning, an error in tests)
  in ``consolidate._phone_fields``, which is not what this module tests.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.validate import findings

CONTACTS = (
    "Contact ID,First Name,Last Name,E-mail\n"
    "C001,Ann,Lee,ann@example.com\n"
    "C002,Bob,,bob@example.com\n"
)
HEADER = ["Order No", "Date", "Customer", "Name", "Email", "Phone", "Amount"]
SHEETS = {
    "2024-01": [
        ["SO-1", "2024-01-05", "C001", "Ann Lee", "ann@example.com", None, "100"],
        ["SO-2", "2024-01-09", None, "Guest Person", "guest@example.com", "0912345678", "200"],
    ],
    "2024-02": [["SO-3", "2024-02-01", "C001", "Ann Lee", "ann@example.com", None, "lots"]],
}
CONFIG = """\
version: 1
defaults: {country: TW, date_order: YMD}
target: {url: sqlite:///crm.db}
sources:
  - name: legacy
    path: contacts.csv
    object: contacts
    key: Contact ID
    fields: {first_name: First Name, last_name: Last Name, email: E-mail}
  - name: shop
    path: orders.xlsx
    sheet: "*"
    object: orders
    key: Order No
    fields:
      order_number: Order No
      order_date: Date
      customer: {column: Customer, source: legacy}
      customer_name: Name
      customer_email: Email
      customer_phone: Phone
      amount: Amount
customers: {unmatched_orders: create}
rules: [rules.yaml]
"""
RULES = """\
version: 1
kind: validate
rules:
  - {name: dated, type: one-of-required, object: contacts, fields: [birthdate, description],
     severity: warning}
"""
CREATED = "created by customers.create, no source row"
DATED = ["contacts.csv:2", "contacts.csv:3", CREATED]


def _workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in SHEETS.items():
        sheet = book.create_sheet(title)
        for row in [HEADER, *rows]:
            sheet.append(row)
    book.save(path)


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The project cleaned, then validated at --fail-on warning: every check with findings fails."""
    root = tmp_path_factory.mktemp("locations")
    (root / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    _workbook(root / "orders.xlsx")
    (root / "rules.yaml").write_text(RULES, encoding="utf-8")
    config = root / "crmmigrate.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    cleaned = CliRunner().invoke(app, ["clean", "-c", str(config), "--quiet"])
    assert cleaned.exit_code == 0, cleaned.output
    [run] = (root / "runs").iterdir()
    result = CliRunner().invoke(app, ["validate", str(run), "--fail-on", "warning"])
    assert result.exit_code == 1, result.output
    return {"run": run, "stdout": result.stdout}


def test_a_created_customer_keeps_the_other_rows_whole(validated: dict[str, Any]) -> None:
    contacts = pd.read_parquet(validated["run"] / "clean" / "contacts.parquet")
    assert contacts["_source_row"].dtype == "Int64"  # was float64: rows printed as "9.0"
    assert contacts["_source_row"].isna().tolist()[-1]
    assert contacts["_source"].tolist()[-1] == "customers.create"


def test_location_names_sheet_and_integer_row() -> None:
    location = findings.location
    assert location("orders.xlsx", "2024-01", 12) == "orders.xlsx[2024-01]:12"
    assert location("contacts.csv", None, 9.0) == "contacts.csv:9"
    assert location("contacts.csv", float("nan"), 9) == "contacts.csv:9"
    assert location(None, None, None, "customers.create") == CREATED
    assert location(None, None, float("nan")) == "created by crmmigrate, no source row"


def test_terminal_shows_sheets_and_integer_rows(validated: dict[str, Any]) -> None:
    stdout = validated["stdout"]
    assert "orders.xlsx[2024-02]:2" in stdout
    assert "contacts.csv:3" in stdout
    assert not re.search(r":\d+\.0\b", stdout), stdout
    assert "nan" not in stdout.lower()


def test_json_rows_are_integers_and_a_created_record_has_none(validated: dict[str, Any]) -> None:
    data = json.loads((validated["run"] / "validation.json").read_text("utf-8"))
    rows = {(f["code"], f["source"], f["source_sheet"], f["source_row"]) for f in data["findings"]}
    assert rows == {
        ("required-missing", "legacy", None, 3),
        ("invalid-number", "shop", "2024-02", 2),
        ("one-of-required", "legacy", None, 2),
        ("one-of-required", "legacy", None, 3),
        ("one-of-required", "customers.create", None, None),
    }
    assert all(type(f["source_row"]) in (int, type(None)) for f in data["findings"])
    samples = {r["rule"]: r["sample_rows"] for r in data["rules"] if r["count"]}
    assert samples == {
        "required-missing": ["contacts.csv:3"],
        "invalid-number": ["orders.xlsx[2024-02]:2"],
        "dated": DATED,
    }


def test_junit_failures_list_the_same_locations(validated: dict[str, Any]) -> None:
    root = ET.parse(validated["run"] / "junit.xml").getroot()
    texts = {
        case.get("name"): (case.findtext("failure") or "").splitlines()[1:]
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    assert texts == {
        "required-missing last_name": ["contacts.csv:3"],
        "invalid-number amount": ["orders.xlsx[2024-02]:2"],
        "dated birthdate|description": DATED,
    }


def test_validation_html_shows_the_same_locations(validated: dict[str, Any]) -> None:
    html = (validated["run"] / "validation.html").read_text("utf-8")
    assert "orders.xlsx[2024-02]:2" in html
    assert ", ".join(DATED) in html
    assert not re.search(r":\d+\.0\b", html)
    assert "nan" not in html.lower()
