"""End to end on samples/: the planted problems come out as samples/README.md says.

The expected numbers come from samples/expected.json (written by samples/generate.py); the
outcomes of the current pipeline are asserted here and tightened as capabilities land.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from crmmigrate.config import load_config
from crmmigrate.pipeline.load import load_run
from crmmigrate.pipeline.run import RunResult, run_project
from crmmigrate.runs import read_json

SAMPLES = Path(__file__).parent.parent / "samples"
EXPECTED: dict[str, Any] = json.loads((SAMPLES / "expected.json").read_text("utf-8"))
FILES = EXPECTED["files"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    root = tmp_path_factory.mktemp("samples") / "samples"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("runs", "*.db"))
    result = run_project(load_config(root / "crmmigrate.yaml"), fail_on="never")
    return root, result


def _findings(result: RunResult) -> pd.DataFrame:
    return result.validation.findings


def test_every_source_is_read_in_full(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    sources = {s["name"]: s for s in read_json(result.clean.run.manifest_path)["sources"]}
    assert sources["legacy_contacts"]["read"] == FILES["legacy_crm/contacts.csv"]["data_rows"]
    assert sources["erp_accounts"]["read"] == FILES["erp/accounts.csv"]["data_rows"]
    assert sources["shop_members"]["read"] == FILES["shop/members.csv"]["data_rows"]
    assert sources["hubspot_leads"]["read"] == FILES["hubspot/leads.csv"]["data_rows"]
    orders = sources["shop_orders"]
    assert orders["read"] == EXPECTED["orders"]["data_rows"]
    per_file = {f["file"]: f["rows"] for f in orders["files"]}
    assert per_file == EXPECTED["orders"]["data_rows_per_file"]
    assert {f["sheet"] for f in orders["files"]} == {"訂單"}  # the 備註 notes sheet is not read


def test_encodings_detected(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    sources = {s["name"]: s for s in read_json(result.clean.run.manifest_path)["sources"]}
    assert sources["erp_accounts"]["files"][0]["encoding"] == "cp950"
    assert sources["legacy_contacts"]["files"][0]["encoding"] == "utf-8-sig"
    assert sources["shop_members"]["files"][0]["encoding"] == "utf-8"


def test_backups_match_the_sources_byte_for_byte(demo: tuple[Path, RunResult]) -> None:
    root, result = demo
    backup = result.clean.run.path / "backup"
    sums = (backup / "SHA256SUMS").read_text("utf-8").splitlines()
    assert len(sums) == 4 + 12  # four CSV files and twelve monthly workbooks
    for line in sums:
        digest, name = line.split(maxsplit=1)
        name = name.lstrip("*")
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest
        assert (backup / name).read_bytes() == (root / name).read_bytes()
        assert (backup / name).stat().st_mode & 0o222 == 0, "backups are read-only"


def test_reconciliation_balances_per_object(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    assert result.load is not None
    rec = {o.object: o for o in result.load.reconciliation.objects}
    legacy = FILES["legacy_crm/contacts.csv"]
    contacts = rec["contacts"]
    assert contacts.read == legacy["data_rows"] + FILES["shop/members.csv"]["data_rows"]
    assert contacts.rejected_clean == legacy["blank_key_rows"]
    assert contacts.merged == legacy["repeated_key_rows"]
    assert contacts.rejected_validation == legacy["dob_impossible"]
    assert rec["orders"].merged == EXPECTED["orders"]["repeated_key_rows"]
    assert rec["orders"].loaded == EXPECTED["orders"]["distinct_orders"]
    assert rec["accounts"].rejected_validation == FILES["erp/accounts.csv"]["blank_company_name"]
    assert rec["leads"].rejected_validation == FILES["hubspot/leads.csv"]["blank_last_name"]
    for flow in rec.values():
        assert flow.balanced
        assert flow.read == flow.loaded + flow.merged + flow.rejected


def test_planted_findings_are_reported(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    f = _findings(result)

    def count(obj: str, field: str, code: str) -> int:
        return int(((f["object"] == obj) & (f["field"] == field) & (f["code"] == code)).sum())

    invalid_contacts = (
        FILES["legacy_crm/contacts.csv"]["invalid_emails"]
        + FILES["shop/members.csv"]["invalid_emails"]
    )
    assert count("contacts", "email", "invalid-email") == invalid_contacts
    assert count("leads", "email", "invalid-email") == FILES["hubspot/leads.csv"]["invalid_emails"]
    assert (
        count("orders", "customer", "reference-unresolved")
        == (EXPECTED["orders"]["unknown_member_refs"])
    )
    assert (
        count("contacts", "account", "reference-unresolved")
        == (FILES["legacy_crm/contacts.csv"]["unknown_company_refs"])
    )
    assert (
        count("contacts", "birthdate", "invalid-date")
        == (FILES["legacy_crm/contacts.csv"]["dob_impossible"])
    )
    assert (
        count("accounts", "industry", "picklist-value")
        == (FILES["erp/accounts.csv"]["unknown_industry_values"])
    )


def test_findings_point_at_the_planted_rows(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    f = _findings(result)
    blank_last = {
        (p["rows"][0]["file"], p["rows"][0]["row"])
        for p in EXPECTED["planted"]
        if p["category"] == "blank_required" and p["column"] == "Last Name"
    }
    got = f[(f["object"] == "leads") & (f["code"] == "required-missing")]
    assert set(zip(got["source_file"], got["source_row"], strict=True)) == blank_last


def test_standardised_values(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    clean = result.clean.run.path / "clean"
    accounts = pd.read_parquet(clean / "accounts.parquet")
    # ROC dates (民國108年3月5日, 108/03/05, 1080305, 108.3.5) all become ISO dates
    assert accounts["created_date"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    # tax ids keep their leading zeros
    leading = FILES["erp/accounts.csv"]["ubn_with_leading_zero"]
    assert int(accounts["tax_id"].dropna().str.startswith("0").sum()) == leading
    orders = pd.read_parquet(clean / "orders.parquet")
    assert orders["order_date"].str.fullmatch(r"2025-\d{2}-\d{2}").all()
    assert orders["amount"].str.fullmatch(r"\d+(\.\d+)?").all()
    contacts = pd.read_parquet(clean / "contacts.parquet")
    assert not contacts["email"].dropna().str.contains("[Ａ-Ｚａ-ｚ＠．]").any()  # NFKC applied
    assert set(contacts["mailing_country"].dropna()) <= {"HK", "TW", "US", "GB"}
    members = contacts[contacts["_source"] == "shop_members"]
    assert members["last_name"].notna().all(), "every member's full name was split"


def test_repeated_order_keeps_the_latest_export(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    orders = pd.read_parquet(result.clean.run.path / "clean" / "orders.parquet")
    (key,) = EXPECTED["orders"]["repeated_keys"]
    row = orders[orders["_source_key"] == key]
    assert len(row) == 1
    assert row["status"].iloc[0] == "退貨"


def test_target_holds_what_was_loaded_and_a_second_load_changes_nothing(
    demo: tuple[Path, RunResult],
) -> None:
    root, result = demo
    assert result.load is not None
    db = root / "crm.db"

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with sqlite3.connect(db) as conn:
            return {
                t: conn.execute(f"select * from {t} order by id").fetchall()
                for t in ("accounts", "contacts", "leads", "orders")
            }

    before = snapshot()
    for flow in result.load.reconciliation.objects:
        assert len(before[flow.object]) == flow.loaded
    again = load_run(result.clean.run)
    assert all(o.inserted == 0 and o.updated == 0 for o in again.result.objects)
    assert snapshot() == before
    with sqlite3.connect(db) as conn:
        linked = conn.execute("select count(*) from contacts where account_id is not null")
        assert linked.fetchone()[0] > 0


def test_samples_readme_table_matches_the_run(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    assert result.load is not None
    text = (SAMPLES / "README.md").read_text("utf-8")
    section = text.split("## What the pipeline does with them today", 1)[1]
    rows = [line.split("|")[1:6] for line in section.splitlines() if line.startswith("| ")]
    table = {r[0].strip(): [int(c) for c in r[1:]] for r in rows[1:]}
    for flow in result.load.reconciliation.objects:
        assert table[flow.object] == [flow.read, flow.rejected, flow.merged, flow.loaded]
