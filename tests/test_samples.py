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
from crmmigrate.pipeline.clean import clean_project
from crmmigrate.pipeline.load import load_run
from crmmigrate.pipeline.run import RunResult, run_project
from crmmigrate.report.reconciliation import build_reconciliation
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


def _planted(category: str, problem: str = "") -> list[dict[str, Any]]:
    return [p for p in EXPECTED["planted"] if p["category"] == category and problem in p["problem"]]


def _rows(entries: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(r["file"], r["row"]) for p in entries for r in p["rows"]}


def _found(result: RunResult, code: str) -> set[tuple[str, int]]:
    f = _findings(result)
    hit = f[f["code"] == code]
    return set(zip(hit["source_file"], hit["source_row"].astype(int), strict=True))


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
    members = FILES["shop/members.csv"]
    cross = EXPECTED["cross_file"]
    assert contacts.merged == (
        legacy["repeated_key_rows"]
        + legacy["duplicate_pairs_planted"]
        + members["duplicate_pairs_planted"]
        + cross["members_same_as_legacy_contacts"]
    )
    assert rec["accounts"].merged == FILES["erp/accounts.csv"]["duplicate_pairs_planted"]
    assert rec["leads"].merged == (
        FILES["hubspot/leads.csv"]["duplicate_pairs_planted"]
        + cross["leads_already_legacy_contacts"]
    )
    # an unresolved reference is an error by default: those records wait for a decision
    assert contacts.rejected_validation == legacy["dob_impossible"] + legacy["unknown_company_refs"]
    assert rec["orders"].merged == EXPECTED["orders"]["repeated_key_rows"]
    assert rec["orders"].loaded == (
        EXPECTED["orders"]["distinct_orders"] - EXPECTED["orders"]["unknown_member_refs"]
    )
    assert rec["accounts"].rejected_validation == FILES["erp/accounts.csv"]["blank_company_name"]
    # the lead with its full name in First Name gets a last name from fill: loaded
    split_by_fill = len(_planted("blank_required", "full name typed into First Name"))
    assert split_by_fill == 1
    assert (
        rec["leads"].rejected_validation
        == FILES["hubspot/leads.csv"]["blank_last_name"] - split_by_fill
    )
    for flow in rec.values():
        assert flow.balanced
        assert flow.read == flow.loaded + flow.merged + flow.rejected


def test_planted_findings_are_reported(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    f = _findings(result)

    def count(obj: str, field: str, code: str) -> int:
        return int(((f["object"] == obj) & (f["field"] == field) & (f["code"] == code)).sum())

    # a trailing dot is repaired by the email standardiser (fixed, logged), not reported
    repaired = len(_planted("invalid_email", "trailing dot"))
    invalid_contacts = (
        FILES["legacy_crm/contacts.csv"]["invalid_emails"]
        + FILES["shop/members.csv"]["invalid_emails"]
        - repaired
    )
    assert repaired == 1
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
        if p["category"] == "blank_required"
        and p["column"] == "Last Name"
        and "full name typed into First Name" not in p["problem"]  # filled by fill
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
    # the first table of the section: one row per object
    first_table = section[section.index("| object |") :].split("\n\n")[0]
    rows = [line.split("|")[1:6] for line in first_table.splitlines()[2:]]
    table = {r[0].strip(): [int(c) for c in r[1:]] for r in rows}
    for flow in result.load.reconciliation.objects:
        assert table[flow.object] == [flow.read, flow.rejected, flow.merged, flow.loaded]


def test_impossible_phones_and_bad_ids_are_flagged_on_their_rows(
    demo: tuple[Path, RunResult],
) -> None:
    _, result = demo
    phones = _planted("impossible_phone")
    assert len(phones) == FILES["legacy_crm/contacts.csv"]["impossible_phones"]
    assert _found(result, "invalid-phone") == _rows(phones)
    ubn = _planted("invalid_ubn")
    assert len(ubn) == FILES["erp/accounts.csv"]["invalid_ubn"]
    assert _found(result, "invalid-tax-id") == _rows(ubn)


def test_phones_are_e164_with_extensions_split(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    clean = result.clean.run.path / "clean"
    accounts = pd.read_parquet(clean / "accounts.parquet")
    assert accounts["phone"].str.fullmatch(r"\+8862?\d{7,9}").all()
    assert (
        accounts["phone_extension"].notna().sum()
        == FILES["erp/accounts.csv"]["phones_with_extension"]
    )
    contacts = pd.read_parquet(clean / "contacts.parquet")
    invalid = contacts["_invalid"].fillna("")
    ok_mobiles = contacts.loc[~invalid.str.contains("mobile_phone:"), "mobile_phone"].dropna()
    assert ok_mobiles.str.fullmatch(r"\+\d{8,15}").all()
    orders = pd.read_parquet(clean / "orders.parquet")
    # mobiles that Excel stored as numbers lost their leading zero; it is restored
    assert orders["customer_phone"].str.fullmatch(r"\+8869\d{8}").all()


def test_addresses_are_parsed_into_components(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    clean = result.clean.run.path / "clean"
    members = pd.read_parquet(clean / "contacts.parquet").query("_source == 'shop_members'")
    assert members["mailing_city"].notna().all()
    assert members["mailing_postal_code"].str.fullmatch(r"\d{3}(\d{2,3})?").all()
    assert not members["mailing_city"].str.startswith("台").any(), "台 → 臺 in city names"
    accounts = pd.read_parquet(clean / "accounts.parquet")
    assert accounts["billing_postal_code"].notna().all()
    assert set(accounts["billing_country"]) == {"TW"}


def test_the_ambiguous_birthdate_is_read_day_first_and_flagged(
    demo: tuple[Path, RunResult],
) -> None:
    _, result = demo
    f = _findings(result)
    assumed = f[(f["code"] == "flagged-value") & f["message"].str.contains("day-month-assumed")]
    planted = [p for p in EXPECTED["planted"] if "03/04/1985" in str(p.get("value"))]
    assert _rows(planted) == set(
        zip(assumed["source_file"], assumed["source_row"].astype(int), strict=True)
    )


def _clean_row(result: RunResult, file: str, row: int, key: str | None = None) -> pd.Series:
    """The clean record read from file:row, or the golden record it was merged into."""
    frames = [pd.read_parquet(p) for p in (result.clean.run.path / "clean").glob("*.parquet")]
    for frame in frames:
        hit = frame[(frame["_source_file"] == file) & (frame["_source_row"] == row)]
        if len(hit):
            return hit.iloc[0]
    clusters = _clusters(result)
    cluster = clusters.loc[clusters["source_key"] == key, "cluster_id"]
    for frame in frames:
        hit = frame[frame["_record_id"].isin(cluster)]
        if len(hit):
            return hit.iloc[0]
    raise AssertionError(f"{file}:{row} is not in the clean data")


_WIDE = r"[\uff01-\uff5e\u3000]"


def test_planted_text_problems_are_fixed(demo: tuple[Path, RunResult]) -> None:
    """Full-width characters, stray spaces and ALL-CAPS names, as samples/README.md lists."""
    _, result = demo
    for category in ("fullwidth", "whitespace", "all_caps"):
        for entry in _planted(category):
            (where,) = entry["rows"]
            record = _clean_row(result, where["file"], where["row"], where.get("key"))
            values = [str(v) for k, v in record.items() if not k.startswith("_") and v is not None]
            for value in values:
                assert not pd.Series([value]).str.contains(_WIDE).any(), (category, where)
                assert value == value.strip() and "  " not in value, (category, where)
            if category == "all_caps":
                first, last = entry["expected"].split(" to ")[1].split(" / ")
                assert (record["first_name"], record["last_name"]) == (first, last)


def test_planted_name_shapes_are_split(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    for entry in _planted("compound_surname"):
        (where,) = entry["rows"]
        record = _clean_row(result, where["file"], where["row"], where.get("key"))
        assert record["last_name"] == entry["value"][:2]
        assert record["first_name"] == entry["value"][2:]
    for entry in _planted("honorific"):
        (where,) = entry["rows"]
        record = _clean_row(result, where["file"], where["row"], where.get("key"))
        assert record["salutation"] in ("先生", "小姐")
        assert record["last_name"] == entry["value"][0]
    for entry in _planted("romanised_name"):
        (where,) = entry["rows"]
        record = _clean_row(result, where["file"], where["row"], where.get("key"))
        assert record["last_name"] == entry["value"].split()[0]


def _clusters(result: RunResult) -> pd.DataFrame:
    return pd.read_csv(result.clean.run.path / "dedupe" / "clusters.csv", dtype=str)


def test_planted_duplicates_are_merged_and_nothing_else(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    clusters = _clusters(result)
    cluster_of = {
        (obj, key): cid
        for obj, key, cid in zip(
            clusters["object"], clusters["source_key"], clusters["cluster_id"], strict=True
        )
    }
    file_object = {"legacy_crm/contacts.csv": "contacts", "shop/members.csv": "contacts",
                   "erp/accounts.csv": "accounts", "hubspot/leads.csv": "leads"}  # fmt: skip
    expected_groups = set()
    for planted in _planted("duplicate_pair") + _planted("cross_file_duplicate"):
        left, right = planted["rows"]
        a = cluster_of[(file_object[left["file"]], left["key"])]
        b = cluster_of[(file_object[right["file"]], right["key"])]
        assert a == b, planted["problem"]
        expected_groups.add(a)
    repeated = set(FILES["legacy_crm/contacts.csv"]["repeated_keys"])
    repeated |= set(EXPECTED["orders"]["repeated_keys"])
    multi = clusters.groupby("cluster_id").filter(lambda g: len(g) > 1)
    unexpected = multi[
        ~multi["cluster_id"].isin(expected_groups) & ~multi["source_key"].isin(repeated)
    ]
    assert unexpected.empty, "no record outside the planted duplicates is merged"
    # every record read and not rejected at clean appears exactly once
    assert not clusters["record_id"].duplicated().any()
    stage = read_json(result.clean.run.manifest_path)["stages"]["clean"]["objects"]
    per_object = clusters.groupby("object").size().to_dict()
    assert per_object == {o: c["read"] - c["rejected"] for o, c in stage.items()}


def test_lead_already_a_contact_is_merged_into_it(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    links = pd.read_csv(result.clean.run.path / "dedupe" / "links.csv", dtype=str)
    planted = _planted("cross_file_duplicate", "lead ")
    expected = {
        (f"hubspot_leads:{p['rows'][1]['key']}", f"legacy_contacts:{p['rows'][0]['key']}")
        for p in planted
    }
    merged = links[links["status"] == "merged"]
    assert set(zip(merged["from_id"], merged["to_id"], strict=True)) == expected
    assert len(expected) == EXPECTED["cross_file"]["leads_already_legacy_contacts"]


def test_guest_orders_are_linked_to_the_member_with_their_phone(
    demo: tuple[Path, RunResult],
) -> None:
    _, result = demo
    links = pd.read_csv(result.clean.run.path / "dedupe" / "links.csv", dtype=str)
    referenced = links[links["status"] == "referenced"]
    expected = {
        (f"shop_orders:{p['rows'][0]['key']}", f"shop_members:{p['rows'][1]['key']}")
        for p in _planted("guest_order")
        if len(p["rows"]) == 2
    }
    assert len(expected) == EXPECTED["cross_file"]["guest_orders_matching_member_phone"]
    assert set(zip(referenced["from_id"], referenced["to_id"], strict=True)) == expected
    orders = pd.read_parquet(result.clean.run.path / "clean" / "orders.parquet")
    linked = orders.set_index("external_id").loc[sorted(k for k, _ in expected)]
    assert list(linked["customer"]) == [v for _, v in sorted(expected)]


def _readme_customers() -> dict[str, dict[str, str]]:
    text = (SAMPLES / "README.md").read_text("utf-8")
    section = text.split("### Customers from the order sheets", 1)[1]
    lines = [line for line in section.split("\n\n")[2].splitlines() if line.startswith("| ")]
    header = [c.strip() for c in lines[0].split("|")[1:-1]]
    rows = [
        dict(zip(header, (c.strip() for c in line.split("|")[1:-1]), strict=True))
        for line in lines[1:]
    ]
    return {row["customer"]: row for row in rows}


def test_order_sheets_become_customers_as_the_readme_says(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    run = result.clean.run.path
    contacts = pd.read_parquet(run / "clean" / "contacts.parquet").set_index("external_id")
    expected = _readme_customers()
    assert len(expected) == 5
    columns = {
        "orders": "order_count",
        "first order": "first_order_date",
        "last order": "last_order_date",
        "total": "order_total",
        "average": "average_order",
        "channel": "favourite_channel",
        "RFM": "rfm_score",
        "segment": "rfm_segment",
    }
    for key, row in expected.items():
        got = contacts.loc[key]
        for readme, field in columns.items():
            want = None if row[readme] == "–" else row[readme]
            value = None if pd.isna(got[field]) else got[field]
            assert value == want, (key, field)
    stats = read_json(result.clean.run.manifest_path)["stages"]["clean"]["customers"]
    assert (stats["with_orders"], stats["customers"]) == (174, 480)
    assert stats["rolled_up"] == {"accounts": 2}
    assert stats["unmatched_reasons"] == {"unknown-customer": 6, "guest-no-match": 2}
    unmatched = pd.read_csv(run / "customers" / "unmatched_orders.csv", dtype=str)
    unknown = {p["rows"][0]["key"] for p in _planted("unknown_fk", "會員編號")}
    assert set(unmatched.loc[unmatched["reason"] == "unknown-customer", "order_number"]) == unknown
    segments = {s["segment"]: s["customers"] for s in stats["segments"]}
    assert segments == {
        "Champions": 26, "Loyal": 39, "Potential Loyalist": 28, "New": 10, "Promising": 4,
        "About To Sleep": 2, "At Risk": 18, "Hibernating": 33, "Lost": 14,
    }  # fmt: skip
    assert sum(segments.values()) == stats["with_orders"]
    assert stats["activity"] == {"Active": 209, "Inactive": 271}
    # the activity tag follows the dates: inactive = nothing since 2024-01-01
    latest = contacts[["last_order_date", "created_date"]].max(axis=1)
    assert set(contacts.loc[latest < "2024-01-01", "activity_status"]) == {"Inactive"}
    assert set(contacts.loc[latest >= "2024-01-01", "activity_status"]) == {"Active"}


def test_create_and_archive_keep_the_books_balanced(tmp_path: Path) -> None:
    root = tmp_path / "samples"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("runs", "*.db"))
    config = root / "crmmigrate.yaml"
    text = config.read_text("utf-8").replace("  archive: false", "  archive: true")
    config.write_text(text + "  unmatched_orders: create\n", "utf-8")
    result = clean_project(load_config(config))
    rec = build_reconciliation(result.run)
    assert rec.balanced
    flows = {f.object: f for f in rec.objects}
    assert flows["contacts"].created == 2  # the 2 guests who match no member
    stats = read_json(result.run.manifest_path)["stages"]["clean"]["customers"]
    assert stats["archived"]["contacts"] == flows["contacts"].archived == 271
    # every order is from 2025, so no inactive customer has one: no order follows them
    assert stats["archived"].get("orders", 0) == flows["orders"].archived == 0
    archive = pd.read_parquet(result.run.path / "clean" / "archive" / "contacts.parquet")
    assert set(archive["activity_status"]) == {"Inactive"} and len(archive) == 271
    assert (result.run.path / "clean" / "archive" / "contacts.csv").is_file()
    clean = pd.read_parquet(result.run.path / "clean" / "contacts.parquet")
    assert set(clean["activity_status"]) == {"Active"}
    orders = pd.read_parquet(result.run.path / "clean" / "orders.parquet")
    assert not orders["customer"].isin(archive["external_id"]).any()  # none left dangling


def test_gaps_are_filled_and_logged(demo: tuple[Path, RunResult]) -> None:
    _, result = demo
    run = result.clean.run.path
    leads = pd.read_parquet(run / "clean" / "leads.parquet")
    (split,) = _planted("blank_required", "full name typed into First Name")
    row = leads[leads["_source_key"] == split["rows"][0]["key"]].iloc[0]
    assert (row["first_name"], row["last_name"]) == ("Alex", "Wong")
    changes = pd.read_parquet(run / "changes.parquet")
    filled = changes[changes["rule"].astype(str).str.startswith("fill.")]
    assert set(filled["status"]) == {"filled"}
    counts = filled.groupby(["object", "field", "rule"], observed=True).size().to_dict()
    assert counts == {
        ("accounts", "website", "fill.derive.website-from-contacts"): 6,
        ("leads", "country", "fill.derive.country-from-phone"): 8,
        ("leads", "first_name", "fill.derive.split-full-name"): 1,
        ("leads", "last_name", "fill.derive.split-full-name"): 1,
    }
    # every filled country is the country of the lead's phone
    by_id = leads.set_index("_record_id")
    countries = filled[filled["field"] == "country"]
    for record_id, country in zip(countries["record_id"], countries["after"], strict=True):
        phone = by_id.loc[record_id, "phone"] or by_id.loc[record_id, "mobile_phone"]
        prefix = {"TW": "+886", "HK": "+852", "US": "+1"}[country]
        assert phone.startswith(prefix), record_id
    stats = read_json(result.clean.run.manifest_path)["stages"]["clean"]["fill"]
    assert stats["filled"] == 16 and stats["conflicts"] == 0
    assert (run / "fill" / "conflicts.csv").is_file()
