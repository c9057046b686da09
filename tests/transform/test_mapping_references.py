"""Mapping (rename, constant, concat, full name, missing keys) and reference resolution."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from crmmigrate.config import load_config
from crmmigrate.pipeline.clean import clean_project
from crmmigrate.pipeline.frames import read_clean_frames
from tests.conftest import BASE_CONFIG

Make = Callable[..., Path]

CONCAT_CONFIG = BASE_CONFIG.replace(
    "      birthdate: DOB\n",
    "      birthdate: DOB\n"
    "      description: {concat: [First Name, Company], sep: ' @ '}\n"
    "      lead_source: {value: legacy}\n",
)


def _clean(path: Path) -> dict[str, pd.DataFrame]:
    return read_clean_frames(clean_project(load_config(path)).run)


def test_constant_concat_lineage_and_external_ids(make_project: Make) -> None:
    frames = _clean(make_project(CONCAT_CONFIG))
    contacts = frames["contacts"].set_index("_source_key")
    assert contacts.loc["C001", "description"] == "Ann @ A1"
    assert set(contacts["lead_source"]) == {"legacy"}
    assert contacts.loc["C002", "external_id"] == "legacy:C002"
    assert contacts.loc["C002", "_source_row"] == 3
    assert contacts.loc["C002", "_source_file"] == "contacts.csv"
    assert contacts.loc["C001", "email"] == "ann@example.com"


def test_concat_skips_blank_parts(make_project: Make) -> None:
    csv = "Contact ID,First Name,Last Name,E-mail,DOB,Company\nC1,,Lee,,,A1\n"
    frames = _clean(make_project(CONCAT_CONFIG, contacts__csv=csv))
    assert frames["contacts"]["description"].tolist() == ["A1"]


def test_blank_key_is_rejected_with_its_row(make_project: Make) -> None:
    csv = "Contact ID,First Name,Last Name,E-mail,DOB,Company\n,Ann,Lee,,,\nC2,Bob,Wu,,,\n"
    path = make_project(contacts__csv=csv)
    run = clean_project(load_config(path)).run
    rejected = pd.read_csv(run.path / "clean" / "rejected.csv")
    assert rejected[["source", "source_row", "reason"]].values.tolist() == [
        ["legacy", 2, "missing-key"]
    ]


def test_full_name_is_split_into_parts(make_project: Make) -> None:
    config = BASE_CONFIG.replace(
        "      first_name: First Name\n      last_name: Last Name\n", "      full_name: Name\n"
    )
    csv = "Contact ID,Name,E-mail,DOB,Company\nC1,歐陽娜娜,,,\nC2,Mr. John Smith,,,\n"
    contacts = _clean(make_project(config, contacts__csv=csv))["contacts"]
    assert contacts[["salutation", "first_name", "last_name"]].values.tolist() == [
        [None, "娜娜", "歐陽"],
        ["Mr.", "John", "Smith"],
    ]


def test_reference_by_key_and_by_name(make_project: Make) -> None:
    frames = _clean(make_project())
    contacts = frames["contacts"].set_index("_source_key")
    assert contacts.loc["C001", "account"] == "erp:A1"
    assert contacts.loc["C003", "account"] is None  # A9 is not an ERP key
    assert contacts.loc["C003", "_ref_account_status"] == "unresolved"

    by_name = BASE_CONFIG.replace("{column: Company, source: erp}", "{column: Company, by: name}")
    csv = "Contact ID,First Name,Last Name,E-mail,DOB,Company\nC1,A,B,,,ACME LTD\nC2,C,D,,,Nope\n"
    frames = _clean(make_project(by_name, contacts__csv=csv))
    assert frames["contacts"]["account"].tolist() == ["erp:A1", None]
