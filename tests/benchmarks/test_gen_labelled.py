"""The independent labelled-data generator: same seed same bytes, honest truth, valid cards, the
traps each set promises are in its data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.gen_labelled import generate  # benchmarks/ is a namespace package from the root

TARGETS = {
    "contacts": {"first_name", "last_name", "full_name", "email", "phone", "mobile_phone",
                 "birthdate", "mailing_street", "mailing_city", "mailing_state",
                 "mailing_postal_code", "mailing_country", "mailing_address"},
    "accounts": {"name", "phone", "fax", "website", "email", "tax_id", "billing_street",
                 "billing_city", "billing_state", "billing_postal_code", "billing_country",
                 "billing_address"},
}  # fmt: skip
SMALL = {"people": 1500, "accounts": 1200, "sparse": 16, "reexport": 40, "distinct": 1500}


def _make(
    tmp_path: Path, name: str, rows: int | None = None, **opts: object
) -> tuple[dict, pd.DataFrame]:
    """Generate a set and read it back: every record with its source, key and entity."""
    out = tmp_path / f"{name}-{rows}-{sorted(opts.items())}"
    card = generate(name, out, rows or SMALL[name], seed=5, quiet=True, **opts)
    assert json.loads((out / "card.json").read_text(encoding="utf-8")) == card
    truth = pd.read_csv(out / "truth.csv", dtype=str, keep_default_na=False)
    frames = []
    for src in card["sources"]:
        frame = pd.read_csv(out / src["file"], dtype=str, keep_default_na=False)
        frames.append(frame.assign(_source=src["name"], _key=frame[src["key"]]))
    data = pd.concat(frames, ignore_index=True)
    both = data.merge(truth, left_on=["_source", "_key"], right_on=["source", "key"],
                      how="outer", validate="1:1", indicator=True)  # fmt: skip
    assert (both["_merge"] == "both").all(), "truth and files disagree"
    both.attrs["out"] = out
    return card, both


def _digits(s: pd.Series) -> pd.Series:
    return s.str.replace(r"\D", "", regex=True).str.replace(r"^886", "0", regex=True)


@pytest.mark.parametrize("name", list(SMALL))
def test_same_seed_same_bytes(tmp_path: Path, name: str) -> None:
    for sub in ("a", "b"):
        generate(name, tmp_path / sub, SMALL[name], seed=9, quiet=True)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    card = generate(name, tmp_path / "c", SMALL[name], seed=10, quiet=True)
    first = card["sources"][0]["file"]
    assert (tmp_path / "a" / first).read_bytes() != (tmp_path / "c" / first).read_bytes()


@pytest.mark.parametrize("name", list(SMALL))
def test_card_is_valid_and_truth_is_consistent(tmp_path: Path, name: str) -> None:
    card, data = _make(tmp_path, name)
    assert set(card) == {"name", "object", "country", "date_order", "sources", "fields",
                         "cross_source_only", "expected_merges", "notes"}  # fmt: skip
    assert card["name"] == name and card["date_order"] in ("YMD", "DMY", "MDY")
    assert card["object"] in TARGETS and set(card["fields"]) <= TARGETS[card["object"]]
    assert len(card["country"]) == 2 and card["notes"]
    out = data.attrs["out"]
    headers = {tuple(pd.read_csv(out / s["file"], nrows=0).columns) for s in card["sources"]}
    assert len(headers) == 1  # every file has the same columns
    columns = set(next(iter(headers)))
    for cols in card["fields"].values():
        assert set([cols] if isinstance(cols, str) else cols) <= columns
    assert not data.duplicated(["_source", "_key"]).any()
    # keys say nothing about the entity
    assert not (data["_key"].str.extract(r"(\d+)$")[0] == data["entity"].str[1:]).all()
    merges = len(data) - data["entity"].nunique()
    if card["expected_merges"] is not None:
        assert card["expected_merges"] == merges


def test_sizes(tmp_path: Path) -> None:
    for name, rows in (("people", 2345), ("distinct", 999), ("accounts", 777), ("sparse", 16),
                       ("sparse", 56)):  # fmt: skip
        assert len(_make(tmp_path, name, rows)[1]) == rows
    card, data = _make(tmp_path, "accounts", 500, sources=2)
    assert len(card["sources"]) == 2 and len(data) == 500
    card, data = _make(tmp_path, "reexport", 30, copies=4)
    assert len(data) == 120 and card["expected_merges"] == 90
    card, data = _make(tmp_path, "reexport", 25, copies=3, object="contacts")
    assert card["object"] == "contacts" and card["expected_merges"] == 50


def _many(d: pd.DataFrame, cols: list[str], of: str = "entity") -> pd.Series:
    """Rows whose group (alike in cols) holds more than one distinct value of `of`."""
    return d.groupby(cols)[of].transform("nunique") > 1


def test_people_has_duplicates_and_every_trap(tmp_path: Path) -> None:
    _, d = _make(tmp_path, "people", 6000)
    sizes = d["entity"].value_counts()
    assert 0.18 < (sizes > 1).mean() < 0.32 and sizes.max() <= 5
    # records of one person are formatted differently (1984-03-17, St/Street): compare the core
    d["dob"] = d["date_of_birth"].str.replace(r"\D", "", regex=True)
    d["sur"], d["road"] = d["surname"].str.lower(), d["address_1"].str.lower().str.split().str[0]
    home = ["street_number", "road", "suburb"]
    # households: other people at one address with one surname, each with a given name of their own
    house = d[_many(d, ["sur", *home])].drop_duplicates("entity")
    assert len(house) > 100
    assert _many(house, ["sur", *home, "given_name"]).mean() < 0.05
    twins = d[_many(d, ["sur", "dob", *home])]
    assert twins["entity"].nunique() >= 20
    pairs = {("John", "Joan"), ("Paul", "Paula"), ("Daniel", "Danielle"), ("Eric", "Erica"),
             ("Carl", "Carla"), ("Adrian", "Adriana"), ("Louis", "Louise"), ("Francis", "Frances"),
             ("Kyle", "Kylie"), ("Jesse", "Jessie"), ("Ella", "Emma"), ("Jack", "Jake"),
             ("Lily", "Lucy"), ("Mark", "Mary")}  # fmt: skip
    names = twins.groupby(["sur", "dob"])["given_name"].agg(lambda x: tuple(sorted(set(x))))
    assert pairs & set(names)
    assert _many(d, ["given_name", "surname"]).sum() > 100  # namesakes
    assert _many(d, ["given_name", "surname", "suburb"]).sum() > 10
    units = d[d["address_2"] != ""]
    building = units[_many(units, home) & _many(units, home, "address_2")]
    assert building["entity"].nunique() > 20


def test_distinct_has_look_alikes_but_no_duplicates(tmp_path: Path) -> None:
    card, d = _make(tmp_path, "distinct", 4000)
    assert card["expected_merges"] == 0 and d["entity"].is_unique
    email = d.loc[d["Email"] != "", "Email"].str.lower()
    mobile = _digits(d.loc[d["Mobile"] != "", "Mobile"]).str.replace(r"^61", "0", regex=True)
    assert email.is_unique and mobile.is_unique and (mobile.str.len() == 10).all()
    assert d.duplicated(["First Name", "Last Name"]).sum() > 100
    assert d.duplicated(["First Name", "Last Name", "Suburb"]).sum() > 10
    assert d.duplicated(["Last Name", "Street", "Suburb"]).sum() > 100  # households
    assert d[d["Home Phone"] != ""].duplicated("Home Phone").sum() > 20
    assert d["Last Name"].isin(["陳", "林", "王"]).sum() > 100


def test_sparse_duplicates_share_a_contact_and_traps_share_only_a_name(tmp_path: Path) -> None:
    for rows in (16, 56):
        _, d = _make(tmp_path, "sparse", rows)
        d["mail"], d["mob"] = d["電子郵件"].str.lower(), _digits(d["手機"])
        for _, group in d.groupby("entity"):
            if len(group) > 1:  # a true duplicate shares an e-mail or a mobile
                mails, mobs = group["mail"][group["mail"] != ""], group["mob"][group["mob"] != ""]
                assert mails.duplicated().any() or mobs.duplicated().any(), group
        for col in ("mail", "mob"):  # no contact is shared by two people
            known = d[d[col] != ""]
            assert (known.groupby(col)["entity"].nunique() == 1).all()
        names = d.groupby("姓名").filter(lambda x: x["entity"].nunique() > 1)
        kinds = set()
        for _, group in names.groupby("姓名"):
            mail, mob = (group["mail"] != "").sum(), (group["mob"] != "").sum()
            kinds.add("mails" if mail >= 2 else "mobiles" if mob >= 2 else "name only")
        assert kinds == {"mails", "mobiles", "name only"}


def test_accounts_traps_and_cross_source_duplicates(tmp_path: Path) -> None:
    _, d = _make(tmp_path, "accounts", 3000)
    per = d.groupby("entity")["_source"].agg(["size", "nunique"])
    assert (per["nunique"] > 1).sum() > 200 and ((per["size"] > 1) & (per["nunique"] == 1)).any()
    name = d["Site Name"].str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
    chains = d.assign(n=name).groupby("n")["entity"].nunique()
    assert (chains > 1).sum() > 20
    d["num"], d["zip5"], d["n"] = (
        d["Street Address"].str.extract(r"^(\d+)")[0],
        d["ZIP"].str[:5],
        name,
    )
    buildings = d[_many(d, ["num", "zip5"]) & _many(d, ["num", "zip5"], "n")]
    assert buildings["entity"].nunique() > 50
    local = d["Phone"].str.fullmatch(r"\d{3}[- ]?\d{4}")
    assert local.sum() > 50  # 7-digit numbers without an area code


def test_reexport_copies_differ_only_in_the_key(tmp_path: Path) -> None:
    for obj in ("accounts", "contacts"):
        card, d = _make(tmp_path, "reexport", 40, copies=5, object=obj)
        key = card["sources"][0]["key"]
        extra = (key, "_source", "_key", "source", "key", "entity", "_merge")
        fields = [c for c in d.columns if c not in extra]
        groups = d.groupby(fields)["entity"].agg(["size", "nunique"])
        assert len(groups) == 40 and (groups["size"] == 5).all() and (groups["nunique"] == 1).all()
