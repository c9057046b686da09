"""The Splink side of the card benchmark on tiny cards written here: raw values cleaned the way
Splink's docs ask, the known duplicates found, different people and businesses kept apart.

Splink is a benchmark-only dependency (``pip install -e '.[bench]'``); without it these skip.
"""

from __future__ import annotations

import csv
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip(
    "splink", reason="Splink is not installed: pip install -e '.[bench]' (splink, duckdb)"
)
pytest.importorskip("duckdb", reason="DuckDB is not installed: pip install -e '.[bench]'")

from benchmarks import splink_cards  # benchmarks/ is a namespace package from the root

SCRIPT = Path(splink_cards.__file__)

# 27 different people, then 3 later records of three of them (typed by someone else: another
# layout of the date and the phone, case, a typo, a dropped e-mail) in a second source. Two traps:
# Joan (a3) lives with John (a2), same surname, street, postcode and landline; a4 and a5 share a
# common full name in the same suburb, born in other years.
PEOPLE_A = [
    # key, first, last, dob (DMY), street no, street, suburb, postcode, email, phone
    ("a1", "Olivia", "Nguyen", "04/03/1985", "12", "Wattle St", "Carlton", "3053",
     "olivia.nguyen@mail.com", "0412 345 678"),
    ("a2", "John", "Papadopoulos", "17/11/1962", "8", "Banksia Rd", "Ryde", "2112",
     "jpapa@mail.com", "(02) 9876 5432"),
    ("a3", "Joan", "Papadopoulos", "02/06/1965", "8", "Banksia Rd", "Ryde", "2112",
     "joan.p@mail.com", "(02) 9876 5432"),
    ("a4", "James", "Smith", "21/01/1979", "3", "Ocean Pde", "Manly", "2095",
     "jsmith79@mail.com", "0400 111 222"),
    ("a5", "James", "Smith", "09/09/1990", "77", "Pittwater Rd", "Manly", "2095",
     "james.smith.90@mail.com", "0400 999 888"),
    ("a6", "Charlotte", "Williams", "30/12/1971", "5", "Hakea Cl", "Fadden", "2904",
     "cwilliams@mail.com", "0421 555 019"),
    ("a7", "Liam", "O'Connor", "15/07/2001", "101", "King St", "Newtown", "2042",
     "liam.oc@mail.com", "0433 222 777"),
    ("a8", "Amelia", "Brown", "11/02/1955", "19", "Grevillea Ave", "Toowong", "4066",
     "amelia.b@mail.com", "07 3344 5566"),
    ("a9", "Noah", "Wilson", "23/05/1988", "2", "Acacia Ct", "Glenelg", "5045",
     "noahw@mail.com", "0455 010 203"),
    ("a10", "Isla", "Taylor", "06/10/1993", "44", "Murray St", "Hobart", "7000",
     "isla.taylor@mail.com", "0466 321 987"),
    ("a11", "William", "Anderson", "28/02/1947", "9", "Station St", "Box Hill", "3128",
     "wanderson@mail.com", "03 9890 1234"),
    ("a12", "Mia", "Thomas", "19/08/1982", "60", "Hay St", "Subiaco", "6008",
     "mia.thomas@mail.com", "0477 654 321"),
    ("a13", "Jack", "Jackson", "01/01/1999", "14", "Bay Rd", "Sandringham", "3191",
     "jackjackson@mail.com", "0488 777 000"),
    ("a14", "Ava", "White", "12/12/1975", "33", "Lonsdale St", "Braddon", "2612",
     "ava.white@mail.com", "0499 123 321"),
    ("a15", "Oliver", "Harris", "25/04/1968", "7", "Darling St", "Balmain", "2041",
     "oharris@mail.com", "02 9810 4455"),
    ("a16", "Grace", "Martin", "03/09/1991", "21", "Flinders St", "Townsville", "4810",
     "grace.m@mail.com", "0411 909 808"),
]  # fmt: skip
PEOPLE_B = [
    ("b1", "Ethan", "Lee", "14/03/1986", "88", "George St", "Parramatta", "2150",
     "ethan.lee@mail.com", "0422 100 200"),
    ("b2", "Sophie", "Kelly", "27/06/1977", "4", "Church St", "Hawthorn", "3122",
     "skelly@mail.com", "0433 300 400"),
    ("b3", "Lucas", "Walker", "08/11/1960", "16", "Brunswick St", "Fitzroy", "3065",
     "lwalker@mail.com", "0444 500 600"),
    ("b4", "Chloe", "Hall", "31/01/1984", "3", "Marine Pde", "Coolangatta", "4225",
     "chloe.hall@mail.com", "0455 700 800"),
    ("b5", "Henry", "Young", "20/02/1958", "52", "Victoria Rd", "Gladesville", "2111",
     "hyoung@mail.com", "02 9817 2233"),
    ("b6", "Zoe", "King", "13/05/1996", "10", "Ann St", "Fortitude Valley", "4006",
     "zoe.king@mail.com", "0466 900 100"),
    ("b7", "Leo", "Wright", "22/07/1973", "27", "Rundle St", "Kent Town", "5067",
     "leo.wright@mail.com", "0477 200 300"),
    ("b8", "Ruby", "Scott", "05/04/1989", "6", "Elizabeth St", "Launceston", "7250",
     "ruby.scott@mail.com", "0488 400 500"),
    # later records of a1, a6 and a8
    ("b9", "OLIVIA", "NGUYEN", "1985-03-04", "12", "Wattle Street", "Carlton", "3053",
     "Olivia.Nguyen@Mail.com ", "+61 412 345 678"),
    ("b10", "Charlote", "Williams", "30 Dec 1971", "5", "Hakea Close", "Fadden", "2904",
     "cwilliams@mail.com", "0421555019"),
    ("b11", "Amelia", "Browne", "11/2/1955", "19", "Grevillea Ave", "Toowong", "4066",
     "", "(07) 3344-5566"),
    ("b12", "Harper", "Green", "18/10/1980", "71", "Beach Rd", "Brighton", "3186",
     "harper.green@mail.com", "0412 818 181"),
    ("b13", "Archie", "Baker", "29/03/1952", "15", "Main St", "Mudgee", "2850",
     "archie.baker@mail.com", "02 6372 1100"),
    ("b14", "Ivy", "Adams", "07/08/2004", "230", "Sturt St", "Ballarat", "3350",
     "ivy.adams@mail.com", "0490 246 802"),
]  # fmt: skip
PEOPLE_DUPLICATES = {frozenset({("a", "a1"), ("b", "b9")}), frozenset({("a", "a6"), ("b", "b10")}),
                     frozenset({("a", "a8"), ("b", "b11")})}  # fmt: skip

ACCOUNTS_A = [
    # key, name, street, city, zip, phone, website
    ("L1", "Acme Plumbing LLC", "120 Main St", "Springfield", "62701", "(217) 555-0101",
     "https://www.acmeplumbing.com/"),
    ("L2", "Blue Heron Bakery", "45 Lake Ave", "Madison", "53703", "608-555-0142",
     "blueheronbakery.com"),
    ("L3", "Cedar Dental Group", "9 Oak Blvd", "Boise", "83702", "208 555 0199", ""),
    ("L4", "Delta Freight Inc", "700 Harbor Dr", "Tacoma", "98402", "(253) 555-0123",
     "deltafreight.com"),
    ("L5", "Evergreen Landscaping", "33 Pine Rd", "Eugene", "97401", "541-555-0177",
     "evergreenland.com"),
    ("L6", "Fulton Hardware", "2 Fulton St", "Brooklyn", "11201", "718-555-0110", ""),
    ("L7", "Granite Legal PC", "88 Court St", "Concord", "03301", "603-555-0133",
     "granitelegal.com"),
    ("L8", "Harbor View Dental", "9 Oak Blvd", "Boise", "83702", "208 555 7321",
     "harborviewdental.com"),
    ("L9", "Ironwood Fitness", "510 Elm St", "Dallas", "75201", "214-555-0166",
     "ironwoodfit.com"),
    ("L10", "Juniper Books", "17 College Ave", "Berkeley", "94704", "510-555-0188",
     "juniperbooks.com"),
]  # fmt: skip
ACCOUNTS_B = [
    ("C1", "Kestrel Analytics", "400 Market St", "San Francisco", "94105", "415-555-0111",
     "kestrel.io"),
    ("C2", "Lumen Electric Co", "61 Spark Way", "Phoenix", "85004", "602-555-0122",
     "lumenelectric.com"),
    ("C3", "Maple Street Cafe", "3 Maple St", "Burlington", "05401", "802-555-0144", ""),
    ("C4", "Northwind Traders", "250 Pier Rd", "Portland", "04101", "207-555-0155",
     "northwind.com"),
    ("C5", "Orchid Florist", "12 Bloom Ln", "Austin", "78701", "512-555-0193", ""),
    ("C6", "Pioneer Auto Repair", "808 Route 9", "Albany", "12207", "518-555-0170",
     "pioneerauto.com"),
    # later records of L1, L2 and L4
    ("C7", "ACME PLUMBING, L.L.C.", "120 Main Street", "Springfield", "62701",
     "217.555.0101", "acmeplumbing.com"),
    ("C8", "Blue Heron Bakery", "45 Lake Avenue", "Madison", "53703", "(608) 555-0142",
     "http://blueheronbakery.com/menu"),
    ("C9", "Delta Freight", "700 Harbour Dr", "Tacoma", "98402", "253 555 0123",
     "www.deltafreight.com"),
]  # fmt: skip
ACCOUNTS_DUPLICATES = {frozenset({("a", "L1"), ("b", "C7")}), frozenset({("a", "L2"), ("b", "C8")}),
                       frozenset({("a", "L4"), ("b", "C9")})}  # fmt: skip


def _write(path: Path, header: list[str], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _people_card(root: Path) -> Path:
    root.mkdir()
    header = ["rec_id", "given_name", "surname", "date_of_birth", "street_number", "address_1",
              "suburb", "postcode", "email", "phone"]  # fmt: skip
    _write(root / "a.csv", header, PEOPLE_A)
    _write(root / "b.csv", header, PEOPLE_B)
    card = {
        "name": "tiny-people", "object": "contacts", "country": "AU", "date_order": "DMY",
        "sources": [{"name": "a", "file": "a.csv", "key": "rec_id"},
                    {"name": "b", "file": "b.csv", "key": "rec_id"}],
        "fields": {"first_name": "given_name", "last_name": "surname",
                   "birthdate": "date_of_birth", "mailing_street": ["street_number", "address_1"],
                   "mailing_city": "suburb", "mailing_postal_code": "postcode", "email": "email",
                   "phone": "phone"},
        "cross_source_only": False, "expected_merges": 3, "notes": "written by the test",
    }  # fmt: skip
    (root / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return root


def _accounts_card(root: Path) -> Path:
    root.mkdir()
    header = ["Account #", "Business Name", "Street", "City", "ZIP", "Phone", "Web"]
    _write(root / "licences.csv", header, ACCOUNTS_A)
    _write(root / "crm.csv", ["Id", *header[1:]], ACCOUNTS_B)
    card = {
        "name": "tiny-accounts", "object": "accounts", "country": "US", "date_order": "MDY",
        "sources": [{"name": "a", "file": "licences.csv", "key": "Account #"},
                    {"name": "b", "file": "crm.csv", "key": "Id"}],
        "fields": {"name": "Business Name", "billing_street": "Street", "billing_city": "City",
                   "billing_postal_code": "ZIP", "phone": "Phone", "website": "Web"},
        "cross_source_only": False, "expected_merges": 3, "notes": "written by the test",
    }  # fmt: skip
    (root / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return root


def _merged_pairs(clusters: pd.DataFrame) -> set[frozenset[tuple[str, str]]]:
    pairs: set[frozenset[tuple[str, str]]] = set()
    for _, group in clusters.groupby("cluster_id"):
        members = list(zip(group["source"], group["key"], strict=True))
        pairs |= {frozenset(pair) for pair in itertools.combinations(members, 2)}
    return pairs


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _people_card(tmp_path_factory.mktemp("splink") / "people")


def test_light_cleaning_follows_the_card(people: Path) -> None:
    import duckdb

    card = splink_cards.load_card(people)
    with duckdb.connect() as con:
        records = splink_cards.prepare(con, people, card).df().set_index("unique_id")
    olivia, again, amelia = records.loc["a:a1"], records.loc["b:b9"], records.loc["b:b11"]
    assert (again["first_name"], again["last_name"]) == ("olivia", "nguyen")
    assert again["first_name_surname_concat"] == "olivia nguyen"
    assert olivia["birthdate"] == again["birthdate"] == "1985-03-04"  # DMY and ISO
    assert records.loc["b:b10", "birthdate"] == "1971-12-30"  # "30 Dec 1971"
    assert amelia["birthdate"] == "1955-02-11"  # "11/2/1955"
    assert again["email"] == "olivia.nguyen@mail.com"
    assert (olivia["phone"], again["phone"]) == ("0412345678", "61412345678")
    assert amelia["phone"] == "0733445566"
    assert pd.isna(amelia["email"])  # empty -> null
    assert records.loc["a:a7", "last_name"] == "oconnor"  # apostrophe dropped
    assert again["street"] == "12 wattle street"
    assert list(records["source"].unique()) == ["a", "b"]


def test_settings_use_the_fields_the_card_has(people: Path) -> None:
    card = splink_cards.load_card(people)
    tiers = splink_cards.candidate_rules(card)
    flat = [rule for tier in tiers for rule in tier]
    assert flat[0] == ("first_name", "last_name", "substr(postal_code, 1, 3)")
    assert splink_cards.SWAPPED in flat and ("email",) in flat and ("phone",) in flat
    assert all("mobile_phone" not in rule for rule in flat)  # not mapped by this card
    settings, deterministic, em = splink_cards.splink_settings(card)
    names = [c.create_output_column_name() for c in settings.comparisons]
    # city is left out: the postcode says where (febrl4's choice)
    assert names == ["first_name_last_name", "birthdate", "email", "phone", "street",
                     "postal_code"]  # fmt: skip
    assert settings.blocking_rules_to_generate_predictions  # the strict tier by default
    assert len(deterministic) == 3 and len(em) == 3


def test_people_duplicates_found_and_different_people_kept_apart(people: Path) -> None:
    result = splink_cards.run(people, threshold=0.95)
    clusters = result.clusters
    assert list(clusters.columns) == ["source", "key", "cluster_id"]
    assert len(clusters) == result.records == len(PEOPLE_A) + len(PEOPLE_B)
    assert result.comparisons > 0
    assert _merged_pairs(clusters) == PEOPLE_DUPLICATES  # no household, no namesake merged


def test_accounts_duplicates_found_and_neighbours_kept_apart(tmp_path: Path) -> None:
    card_dir = _accounts_card(tmp_path / "accounts")
    clusters = splink_cards.run(card_dir).clusters
    assert len(clusters) == len(ACCOUNTS_A) + len(ACCOUNTS_B)
    # Cedar Dental and Harbor View Dental share a building: not one business
    assert _merged_pairs(clusters) == ACCOUNTS_DUPLICATES


def test_cli_writes_clusters_and_one_json_line(people: Path, tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(people), "--threshold", "0.9", "--out", str(out)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    figures = json.loads(lines[0])
    assert figures["threshold"] == 0.9 and figures["records"] == 30
    assert figures["wall_seconds"] > 0 and figures["peak_rss_mb"] > 0
    assert "comparisons from blocking rules" in done.stderr
    written = pd.read_csv(out, dtype=str)
    assert list(written.columns) == ["source", "key", "cluster_id"] and len(written) == 30


def test_a_card_without_a_known_object_is_refused(tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text(json.dumps({"object": "leads"}), encoding="utf-8")
    with pytest.raises(ValueError, match="contacts or accounts"):
        splink_cards.load_card(tmp_path)
