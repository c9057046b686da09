"""SaaS import bundles: Salesforce Data Loader and HubSpot shapes, splitting, mapping files,
and formula injection neutralised in every cell."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crmmigrate.errors import UsageError
from crmmigrate.load.bundles import salesforce_relationship, write_bundle


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture
def frames(make_frame):
    accounts = make_frame("accounts", [{"key": "A1", "name": "Acme 股份有限公司", "phone": None}])
    contacts = make_frame(
        "contacts",
        [
            {
                "key": "1",
                "last_name": "陳",
                "email": "a@example.com",
                "account": "legacy:A1",
                "mobile_phone": "+886912345678",
            },
            {
                "key": "2",
                "last_name": '=HYPERLINK("http://evil")',
                "email": None,
                "account": None,
                "mobile_phone": None,
            },
        ],
    )
    return {"contacts": contacts, "accounts": accounts}


def test_salesforce_data_loader_shape(frames, crm_schema, tmp_path):
    result = write_bundle(frames, crm_schema, "salesforce-csv", tmp_path)

    assert [(f.object, f.path.name, f.rows) for f in result.files] == [
        ("accounts", "01_Account.csv", 1),
        ("contacts", "02_Contact.csv", 2),
    ]
    assert _read(tmp_path / "01_Account.csv") == [
        ["Legacy_Id__c", "Name", "Phone"],
        ["legacy:A1", "Acme 股份有限公司", ""],
    ]
    contacts = _read(tmp_path / "02_Contact.csv")
    assert contacts[0] == [
        "Legacy_Id__c",
        "LastName",
        "Email",
        "MobilePhone",
        "Account.Legacy_Id__c",
    ]
    assert contacts[1] == ["legacy:1", "陳", "a@example.com", "+886912345678", "legacy:A1"]
    assert contacts[2] == ["legacy:2", '\'=HYPERLINK("http://evil")', "", "", ""]
    sdl = (tmp_path / "02_Contact.sdl").read_text(encoding="utf-8").splitlines()
    assert "Account.Legacy_Id__c=Account.Legacy_Id__c" in sdl and "LastName=LastName" in sdl
    mapping = _read(result.mapping)
    assert mapping[0] == ["object", "field", "file", "header", "target_field", "note"]
    assert [
        "contacts",
        "account",
        "02_Contact.csv",
        "Account.Legacy_Id__c",
        "Account.Legacy_Id__c",
        "",
    ] in mapping


def test_blank_as_na_clears_empty_fields_on_update(frames, crm_schema, tmp_path):
    write_bundle(frames, crm_schema, "salesforce-csv", tmp_path, blank_as_na=True)
    contacts = _read(tmp_path / "02_Contact.csv")
    assert contacts[2] == ["legacy:2", '\'=HYPERLINK("http://evil")', "#N/A", "#N/A", "#N/A"]


def test_hubspot_shape_and_split_at_limits(make_frame, crm_schema, tmp_path):
    rows = [
        {"key": str(i), "last_name": f"Name{i}", "email": f"u{i}@example.com"} for i in range(5)
    ]
    frames = {"contacts": make_frame("contacts", rows)}

    result = write_bundle(frames, crm_schema, "hubspot-csv", tmp_path, max_rows=2)

    assert [(f.path.name, f.rows) for f in result.files] == [
        ("contacts-001.csv", 2),
        ("contacts-002.csv", 2),
        ("contacts-003.csv", 1),
    ]
    for f in result.files:
        assert _read(f.path)[0] == ["legacy_id", "lastname", "email"]
    assert [r[0] for f in result.files for r in _read(f.path)[1:]] == [
        f"legacy:{i}" for i in range(5)
    ]
    # A byte limit splits too; every file stays within it, header included.
    out = tmp_path / "bytes"
    result = write_bundle(frames, crm_schema, "hubspot-csv", out, max_bytes=100)
    assert len(result.files) > 1
    assert all(f.path.stat().st_size <= 100 for f in result.files)
    assert sum(f.rows for f in result.files) == 5


def test_hubspot_references_and_unmapped_fields(frames, crm_schema, tmp_path):
    result = write_bundle(frames, crm_schema, "hubspot-csv", tmp_path)
    assert [f.path.name for f in result.files] == ["companies.csv", "contacts.csv"]
    header = _read(tmp_path / "contacts.csv")[0]
    assert header[0] == "legacy_id" and header[-1] == "companies_legacy_id"
    assert result.unmapped == {}


def test_usage_errors(frames, crm_schema, tmp_path):
    with pytest.raises(UsageError, match="Salesforce"):
        write_bundle(frames, crm_schema, "hubspot-csv", tmp_path, blank_as_na=True)
    with pytest.raises(UsageError, match="not salesforce-csv"):
        write_bundle(frames, crm_schema, "odoo-csv", tmp_path)  # type: ignore[arg-type]


def test_salesforce_relationship_names():
    assert salesforce_relationship("AccountId") == "Account"
    assert salesforce_relationship("Primary_Contact__c") == "Primary_Contact__r"
