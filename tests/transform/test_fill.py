"""Gap filling: every rule kind and derivation, the never-invent guarantees, rule-file errors.

Fixture quirks, written down: frames are built by ``_frame`` with ids ``<prefix>#<n>`` and
external ids ``s:<prefix><n>``; a rules file is written per test (``_rules``) so each test runs
only the rules it is about. Expected values are worked out by hand from the reference data:
106 is 臺北市大安區; 300 is used by 新竹市 (東區, 北區, 香山區) and 新竹縣寶山鄉; 大安區 exists in
臺北市 and 臺中市, 中壢區 only in 桃園市; ZIP 62704 is Springfield, IL, 83414 is Alta, WY (in
Idaho's 834 prefix).
"""

from __future__ import annotations

import textwrap
import typing
from pathlib import Path

import pandas as pd
import pytest

from crmmigrate.errors import ConfigError
from crmmigrate.target_schema import TargetSchema, default_schema_path, load_target_schema
from crmmigrate.transform._fill_derive import DERIVATIONS
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.fill import (
    CONFLICT_COLUMNS,
    DeriveName,
    FillOutcome,
    fill_objects,
    load_fill_rules,
)


@pytest.fixture(scope="module")
def schema() -> TargetSchema:
    return load_target_schema(default_schema_path())


def _frame(prefix: str, **columns: list[str | None]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    ids = {"_record_id": [f"{prefix}#{i}" for i in range(n)]}
    ids["external_id"] = [f"s:{prefix}{i}" for i in range(n)]
    return pd.DataFrame({**ids, **columns}, dtype=object)


def _rules(tmp_path: Path, schema: TargetSchema, body: str, **files: str):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    path = tmp_path / "fill.yaml"
    path.write_text("version: 1\n" + textwrap.dedent(body), encoding="utf-8")
    return load_fill_rules(path, schema)


def _fill(frames, schema, rules) -> tuple[FillOutcome, pd.DataFrame]:
    log = ChangeLog()
    outcome = fill_objects(frames, schema, rules, log)
    return outcome, log.frame()


def _col(outcome: FillOutcome, obj: str, field: str) -> list[object]:
    frame = outcome.frames[obj]
    if field not in frame.columns:  # a rule that filled nothing adds no column
        return [None] * len(frame)
    return [None if pd.isna(v) else v for v in frame[field]]


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    """A frame's rows as lists, missing cells as None (the change log's frame holds NaN)."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.values.tolist()]


# --- derivations ----------------------------------------------------------------------------


def test_country_from_phone(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          contacts:
            - {field: mailing_country, derive: country-from-phone, from: [mobile_phone, phone]}
    """)  # fmt: skip
    contacts = _frame(
        "c",
        mobile_phone=["+886912345678", "+85291234567", "+14165550199", "+12125550199",
                      "+80012345678", "+8861", None, "+886912345678"],
        phone=[None, "+886223456789", None, "+12125550198", None, None, None, "+886223456789"],
        mailing_country=[None, None, None, None, None, None, None, "JP"],
    )  # fmt: skip
    outcome, _ = _fill({"contacts": contacts}, schema, rules)
    # TW; HK + TW disagree; Toronto is CA; two New York numbers; toll-free +800 is no country;
    # too short; nothing; already set (never overwritten)
    assert _col(outcome, "contacts", "mailing_country") == [
        "TW", None, "CA", "US", None, None, None, "JP"
    ]  # fmt: skip
    conflicts = outcome.conflicts
    assert conflicts.to_dict("records") == [
        {"record_id": "c#1", "object": "contacts", "field": "mailing_country",
         "rule": "fill.derive.country-from-phone", "candidates": "HK | TW",
         "reason": "phones-disagree"},
    ]  # fmt: skip


def test_tw_postal_code_from_city_and_district(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          contacts:
            - {field: mailing_postal_code, derive: postal-code-from-city}
    """)  # fmt: skip
    contacts = _frame(
        "c",
        mailing_city=["臺北市", "台北市", "臺北市", "臺北市", "臺北市", None],
        mailing_street=["大安區忠孝東路四段103號14樓", "大安區", "中壢區環北路", None,
                        "大安區忠孝東路四段103號", "大安區忠孝東路四段103號"],
        mailing_country=["TW", "TW", "TW", "TW", "HK", "TW"],
        mailing_postal_code=[None, None, None, None, None, None],
    )  # fmt: skip
    outcome, _ = _fill({"contacts": contacts}, schema, rules)
    # 3+3 from road and door; the district's 3-digit code (台 = 臺); 中壢區 is not in 臺北市;
    # no district; not a TW record; no city
    assert _col(outcome, "contacts", "mailing_postal_code") == [
        "106071", "106", None, None, None, None
    ]  # fmt: skip


def test_tw_city_from_postal_code(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          contacts:
            - {field: mailing_city, derive: city-from-postal-code}
    """)  # fmt: skip
    contacts = _frame(
        "c",
        mailing_postal_code=["106", "106071", "300", "300", "106", "999", "SW1A 2AA", "M1 1AE"],
        mailing_street=[None, None, "東區光復路一段1號", None, "中壢區環北路", None,
                        "10 Downing St", "1 Piccadilly"],
        mailing_country=["TW", "TW", "TW", "TW", "TW", "TW", "GB", "GB"],
        mailing_city=[None] * 8,
    )  # fmt: skip
    outcome, _ = _fill({"contacts": contacts}, schema, rules)
    assert _col(outcome, "contacts", "mailing_city") == [
        "臺北市", "臺北市", "新竹市", None, None, None, "London", None
    ]  # fmt: skip
    assert outcome.conflicts[["record_id", "candidates", "reason"]].to_dict("records") == [
        {"record_id": "c#3", "candidates": "新竹市 | 新竹縣",
         "reason": "postal-code-in-several-cities"},
        {"record_id": "c#4", "candidates": "桃園市 | 臺北市",
         "reason": "postal-code-and-district-disagree"},
    ]  # fmt: skip


def test_tw_city_from_district(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          leads:
            - {field: city, derive: city-from-district}
    """)  # fmt: skip
    leads = _frame(
        "l",
        street=["中壢區環北路153號", "大安區忠孝東路四段103號", "忠孝東路四段103號"],
        country=["TW", "TW", "TW"],
        city=[None, None, None],
    )
    outcome, _ = _fill({"leads": leads}, schema, rules)
    assert _col(outcome, "leads", "city") == ["桃園市", None, None]
    assert outcome.conflicts[["record_id", "field", "candidates", "reason"]].to_dict(
        "records"
    ) == [
        {"record_id": "l#1", "field": "city", "candidates": "臺中市 | 臺北市",
         "reason": "district-in-several-cities"},
    ]  # fmt: skip


def test_cn_state_from_city(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          accounts:
            - {field: billing_state, derive: state-from-city}
    """)  # fmt: skip
    accounts = _frame(
        "a",
        billing_city=["杭州市", "廣州市", "北京市", "臺北市", "Springfield"],
        billing_country=["CN", "CN", "CN", "TW", "CN"],
        billing_state=[None] * 5,
    )
    outcome, _ = _fill({"accounts": accounts}, schema, rules)
    # a Traditional-script city gets its province in Traditional script; a municipality is its
    # own province; nothing outside CN or for a name the division table does not know
    assert _col(outcome, "accounts", "billing_state") == ["浙江省", "廣東省", "北京市", None, None]


def test_us_state_from_zip(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          contacts:
            - {field: mailing_state, derive: state-from-postal-code}
    """)  # fmt: skip
    contacts = _frame(
        "c",
        mailing_postal_code=["62704", "62704-1234", "83414", "06390", "96940", "72643", "21300",
                             "6270", "62704"],
        mailing_country=["US"] * 8 + ["CA"],
        mailing_state=[None] * 9,
    )  # fmt: skip
    outcome, _ = _fill({"contacts": contacts}, schema, rules)
    # IL; ZIP+4; Alta WY and Fishers Island NY differ from their prefixes; Palau; a ZIP the
    # data contradicts itself on; unassigned prefix 213; not a ZIP; not a US record
    assert _col(outcome, "contacts", "mailing_state") == [
        "IL", "IL", "WY", "NY", "PW", None, None, None, None
    ]  # fmt: skip


def test_split_full_name(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          contacts:
            - {field: last_name, derive: split-full-name, from: first_name, rewrite_from: true}
    """)  # fmt: skip
    contacts = _frame(
        "c",
        first_name=["Alex Wong", "陳大文", "大文", "Kwok Wai Poon", "Mr. Alex Wong", "Alex",
                    "Ann Lee"],
        last_name=[None, None, None, None, None, None, "Lee"],
    )  # fmt: skip
    outcome, changes = _fill({"contacts": contacts}, schema, rules)
    assert _col(outcome, "contacts", "last_name") == ["Wong", "陳", None, None, None, None, "Lee"]
    assert _col(outcome, "contacts", "first_name") == [
        "Alex", "大文", "大文", "Kwok Wai Poon", "Mr. Alex Wong", "Alex", "Ann Lee"
    ]  # fmt: skip
    assert outcome.conflicts[["record_id", "candidates", "reason"]].to_dict("records") == [
        {"record_id": "c#3", "candidates": "Kwok | Poon", "reason": "name-order-ambiguous"}
    ]
    assert _rows(changes[["record_id", "field", "before", "after"]]) == [
        ["c#0", "last_name", None, "Wong"],
        ["c#1", "last_name", None, "陳"],
        ["c#0", "first_name", "Alex Wong", "Alex"],
        ["c#1", "first_name", "陳大文", "大文"],
    ]
    assert outcome.counts == {
        "contacts": {
            "last_name": {"fill.derive.split-full-name": 2},
            "first_name": {"fill.derive.split-full-name": 2},
        }
    }


def test_split_full_name_keeps_the_source_without_rewrite(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          leads:
            - {field: last_name, derive: split-full-name, from: first_name}
    """)  # fmt: skip
    outcome, _ = _fill({"leads": _frame("l", first_name=["Alex Wong"])}, schema, rules)
    assert _col(outcome, "leads", "first_name") == ["Alex Wong"]
    assert _col(outcome, "leads", "last_name") == ["Wong"]


def test_website_from_contacts(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          accounts:
            - {field: website, derive: website-from-contacts, from: contacts.email,
               skip_domains: [partner.example]}
    """)  # fmt: skip
    accounts = _frame("a", website=[None, None, None, "https://own.site", None])
    contacts = _frame(
        "c",
        email=["amy@acme.com.tw", "bo@gmail.com", "cy@ms1.hinet.net", "dee@beta.com",
               "ed@gamma.com", "fay@own-other.com", "gus@partner.example", "hal@ACME.com.tw"],
        account=["s:a0", "s:a0", "s:a0", "s:a1", "s:a1", "s:a3", "s:a4", "s:a0"],
    )  # fmt: skip
    outcome, _ = _fill({"accounts": accounts, "contacts": contacts}, schema, rules)
    # free mail (gmail, a HiNet subdomain) skipped; beta and gamma disagree; a2 has no contacts;
    # a3 has a website already; a4's only domain is in skip_domains
    assert _col(outcome, "accounts", "website") == [
        "https://acme.com.tw", None, None, "https://own.site", None
    ]  # fmt: skip
    assert outcome.conflicts[["record_id", "candidates", "reason"]].to_dict("records") == [
        {"record_id": "a#1", "candidates": "https://beta.com | https://gamma.com",
         "reason": "contacts-have-several-domains"}
    ]  # fmt: skip


# --- lookups and defaults -------------------------------------------------------------------

OWNERS = "name,owner_id\nAmy Chen ,U1\nbo lin,U2\nAMY CHEN,U1\n,\n"


def test_lookup_matches_trimmed_and_case_folded(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          contacts:
            - {field: owner, lookup: {file: owners.csv, key: name, value: owner_id},
               overwrite: true}
    """, **{"owners.csv": OWNERS})  # fmt: skip
    contacts = _frame("c", owner=["amy chen", " Bo Lin", "Cy Wu", None])
    outcome, changes = _fill({"contacts": contacts}, schema, rules)
    assert _col(outcome, "contacts", "owner") == ["U1", "U2", "Cy Wu", None]
    assert outcome.counts == {"contacts": {"owner": {"fill.lookup.owners": 2}}}
    assert outcome.not_found == {"contacts": {"owner": {"fill.lookup.owners": 1}}}
    assert _rows(changes) == [
        ["c#0", "contacts", "owner", "amy chen", "U1", "fill.lookup.owners", "filled"],
        ["c#1", "contacts", "owner", " Bo Lin", "U2", "fill.lookup.owners", "filled"],
    ]


def test_lookup_from_another_field_fills_only_empty_cells(tmp_path, schema):
    regions = "city,region\n臺北市,North\n高雄市,South\n"
    rules = _rules(tmp_path, schema, """
        objects:
          leads:
            - {field: description, lookup: {file: regions.csv, key: city, value: region,
               name: region-map}, from: city}
    """, **{"regions.csv": regions})  # fmt: skip
    leads = _frame("l", city=["臺北市", "高雄市", "花蓮縣"], description=[None, "keep me", None])
    outcome, _ = _fill({"leads": leads}, schema, rules)
    assert _col(outcome, "leads", "description") == ["North", "keep me", None]
    assert outcome.counts == {"leads": {"description": {"fill.lookup.region-map": 1}}}
    assert outcome.not_found == {"leads": {"description": {"fill.lookup.region-map": 1}}}


def test_default_never_overwrites_and_overwrite_true_does(tmp_path, schema):
    rules = _rules(tmp_path, schema, """
        objects:
          contacts:
            - {field: lead_source, default: legacy-import}
          leads:
            - {field: lead_source, default: legacy-import, overwrite: true}
    """)  # fmt: skip
    contacts = _frame("c", lead_source=[None, "", "web"])
    leads = _frame("l", lead_source=[None, "web", "legacy-import"])
    outcome, changes = _fill({"contacts": contacts, "leads": leads}, schema, rules)
    assert _col(outcome, "contacts", "lead_source") == ["legacy-import", "legacy-import", "web"]
    assert _col(outcome, "leads", "lead_source") == ["legacy-import"] * 3
    assert _rows(changes) == [
        ["c#0", "contacts", "lead_source", None, "legacy-import", "fill.default", "filled"],
        ["c#1", "contacts", "lead_source", "", "legacy-import", "fill.default", "filled"],
        ["l#0", "leads", "lead_source", None, "legacy-import", "fill.default", "filled"],
        ["l#1", "leads", "lead_source", "web", "legacy-import", "fill.default", "filled"],
    ]
    assert outcome.counts == {
        "contacts": {"lead_source": {"fill.default": 2}},
        "leads": {"lead_source": {"fill.default": 2}},
    }


def test_derivations_never_overwrite_without_overwrite_true(tmp_path, schema):
    body = """
        objects:
          contacts:
            - {field: mailing_country, derive: country-from-phone, from: [mobile_phone]%s}
    """
    contacts = _frame("c", mobile_phone=["+886912345678"], mailing_country=["HK"])
    kept, _ = _fill({"contacts": contacts}, schema, _rules(tmp_path, schema, body % ""))
    assert _col(kept, "contacts", "mailing_country") == ["HK"]
    replaced, changes = _fill(
        {"contacts": contacts}, schema, _rules(tmp_path, schema, body % ", overwrite: true")
    )
    assert _col(replaced, "contacts", "mailing_country") == ["TW"]
    assert _rows(changes[["before", "after", "status"]]) == [["HK", "TW", "filled"]]


def test_a_later_rule_sees_an_earlier_fill(tmp_path, schema):
    phone_first = """
        objects:
          contacts:
            - {field: mailing_country, derive: country-from-phone, from: [mobile_phone]}
            - {field: mailing_city, derive: city-from-postal-code}
    """
    contacts = _frame("c", mobile_phone=["+886912345678"], mailing_postal_code=["106"])
    outcome, _ = _fill({"contacts": contacts}, schema, _rules(tmp_path, schema, phone_first))
    assert _col(outcome, "contacts", "mailing_city") == ["臺北市"]
    city_first = """
        objects:
          contacts:
            - {field: mailing_city, derive: city-from-postal-code}
            - {field: mailing_country, derive: country-from-phone, from: [mobile_phone]}
    """
    outcome, _ = _fill({"contacts": contacts}, schema, _rules(tmp_path, schema, city_first))
    assert _col(outcome, "contacts", "mailing_city") == [None]  # the country was unknown then


# --- the default rules: idempotent, input untouched -----------------------------------------


def _mixed() -> dict[str, pd.DataFrame]:
    contacts = _frame(
        "c",
        first_name=["Alex Wong", "Ann", "陳大文"],
        last_name=[None, "Lee", None],
        mobile_phone=["+886912345678", "+85291234567", None],
        mailing_street=["大安區忠孝東路四段103號", None, "中壢區環北路153號"],
        mailing_city=["臺北市", None, None],
        mailing_country=[None, None, "TW"],
        email=["alex@acme.com.tw", "ann@gmail.com", None],
        account=["s:a0", "s:a0", None],
    )
    accounts = _frame("a", name=["Acme"], website=[None], phone=["+886223456789"])
    return {"contacts": contacts, "accounts": accounts}


def test_default_rules_fill_once_and_then_nothing(schema):
    rules = load_fill_rules(None, schema)
    frames = _mixed()
    first, changes = _fill(frames, schema, rules)
    assert _col(first, "contacts", "mailing_country") == ["TW", "HK", "TW"]
    assert _col(first, "contacts", "mailing_city") == ["臺北市", None, "桃園市"]
    assert _col(first, "contacts", "mailing_postal_code") == ["106071", None, "320015"]
    assert _col(first, "contacts", "last_name") == ["Wong", "Lee", "陳"]
    assert _col(first, "accounts", "website") == ["https://acme.com.tw"]
    assert _col(first, "accounts", "billing_country") == ["TW"]
    assert set(changes["status"]) == {"filled"}
    assert first.filled == len(changes) == 14
    second, again = _fill(first.frames, schema, rules)
    assert second.filled == 0 and again.empty
    assert all(n == 0 for fields in second.counts.values() for r in fields.values()
               for n in r.values())  # fmt: skip


def test_input_frames_are_not_mutated(schema):
    frames = _mixed()
    copies = {name: frame.copy(deep=True) for name, frame in frames.items()}
    outcome, _ = _fill(frames, schema, load_fill_rules(None, schema))
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, copies[name])
        assert outcome.frames[name] is not frame
    assert "lead_source" not in frames["contacts"].columns


def test_no_conflicts_is_an_empty_frame_with_the_columns(tmp_path, schema):
    rules = _rules(tmp_path, schema, "objects: {contacts: [{field: lead_source, default: x}]}\n")
    outcome, _ = _fill({"contacts": _frame("c", lead_source=[None])}, schema, rules)
    assert list(outcome.conflicts.columns) == CONFLICT_COLUMNS and outcome.conflicts.empty


# --- rules-file errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("objects: {contact: []}",
         "objects.contact: no such object in the target schema; did you mean 'contacts'?"),
        ("objects: {contacts: [{field: lastname, default: x}]}",
         "objects.contacts[0].field: contacts has no field 'lastname'; did you mean 'last_name'?"),
        ("objects: {contacts: [{field: mailing_city, derive: city-from-zip}]}",
         "objects.contacts[0].derive: must be one of 'country-from-phone', "
         "'postal-code-from-city', 'city-from-postal-code', 'city-from-district', "
         "'state-from-city', 'state-from-postal-code', 'split-full-name' or "
         "'website-from-contacts'"),
        ("objects: {contacts: [{field: owner, default: x, lookup: {file: a.csv, key: k, "
         "value: v}}]}",
         "objects.contacts[0]: give exactly one of derive:, lookup:, default:"),
        ("objects: {contacts: [{field: owner}]}",
         "objects.contacts[0]: give exactly one of derive:, lookup:, default:"),
        ("objects: {contacts: [{field: owner, derive: country-from-phone, from: [phone]}]}",
         "objects.contacts[0]: field 'owner' is of type string, not country"),
        ("objects: {contacts: [{field: mailing_country, derive: country-from-phone}]}",
         "objects.contacts[0]: country-from-phone needs from: naming one or more fields"),
        ("objects: {contacts: [{field: mailing_country, derive: country-from-phone, "
         "from: [fax]}]}",
         "objects.contacts[0].from: contacts has no field 'fax'"),
        ("objects: {contacts: [{field: owner, derive: city-from-postal-code}]}",
         "objects.contacts[0]: 'owner' is not the city part of an address composite of "
         "contacts"),
        ("objects: {contacts: [{field: mailing_city, derive: state-from-city}]}",
         "objects.contacts[0]: 'mailing_city' is not the state part of an address composite "
         "of contacts"),
        ("objects: {accounts: [{field: website, derive: website-from-contacts, "
         "from: contacts}]}",
         "objects.accounts[0]: website-from-contacts needs from: <object>.<field>, "
         "e.g. contacts.email"),
        ("objects: {accounts: [{field: website, derive: website-from-contacts, "
         "from: contacts.phone}]}",
         "objects.accounts[0]: from field 'phone' is of type phone, not email"),
        ("objects: {contacts: [{field: last_name, derive: split-full-name, from: first_name, "
         "via: account}]}",
         "objects.contacts[0]: via: and skip_domains: are only for derive: "
         "website-from-contacts"),
        ("objects: {contacts: [{field: mailing_country, default: XX}]}",
         "objects.contacts[0].default: not an ISO 3166 alpha-2 country code (e.g. TW)"),
        ("objects: {contacts: [{field: owner, lookup: {file: owners.csv, key: name, "
         "value: owner_id}}]}",
         "objects.contacts[0]: a lookup from the field itself replaces its values; add "
         "overwrite: true (or read another field with from:)"),
    ],
)  # fmt: skip
def test_rules_file_errors(tmp_path, schema, body, message):
    with pytest.raises(ConfigError) as err:
        _rules(tmp_path, schema, body + "\n")
    assert str(err.value) == f"{tmp_path / 'fill.yaml'}: {message}"


def test_version_must_be_1(tmp_path, schema):
    path = tmp_path / "fill.yaml"
    path.write_text("version: 2\nobjects: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_fill_rules(path, schema)
    expected = "version: unsupported version 2; this crmmigrate reads version 1"
    assert str(err.value) == f"{path}: {expected}"


LOOKUP_RULE = """
    objects:
      contacts:
        - {field: owner, lookup: {file: owners.csv, key: name, value: owner_id}, overwrite: true}
"""


@pytest.mark.parametrize(
    ("csv", "problem"),
    [
        (None, "objects.contacts[0].lookup.file: {csv} not found (lookup paths are relative "
               "to the rules file)"),
        ("name,id\nAmy,U1\n",
         "objects.contacts[0].lookup: {csv} has no column 'owner_id' (its columns: name, id)"),
        ("name,owner_id\nAmy,U1\namy ,U2\nBo,U3\nbo,U4\nCy,U5\ncy,U5\n",
         "objects.contacts[0].lookup: {csv} lists 2 key(s) with different values in "
         "'owner_id'; keep one value per key"),
        ("name,owner_id\nAmy,\n",
         "objects.contacts[0].lookup: {csv} has 1 row(s) with a key and an empty 'owner_id'; "
         "fill them or remove the rows"),
    ],
)  # fmt: skip
def test_lookup_file_errors(tmp_path, schema, csv, problem):
    files = {} if csv is None else {"owners.csv": csv}
    with pytest.raises(ConfigError) as err:
        _rules(tmp_path, schema, LOOKUP_RULE, **files)
    expected = problem.format(csv=tmp_path / "owners.csv")
    assert str(err.value) == f"{tmp_path / 'fill.yaml'}: {expected}"
    assert "Amy" not in str(err.value)  # customer values never appear in errors


def test_shipped_rules_load_and_name_their_rules(schema):
    rules = load_fill_rules(None, schema)
    assert [r.label for r in rules.objects["accounts"]] == [
        "fill.derive.country-from-phone",
        "fill.derive.city-from-postal-code",
        "fill.derive.city-from-district",
        "fill.derive.postal-code-from-city",
        "fill.derive.state-from-city",
        "fill.derive.state-from-postal-code",
        "fill.derive.website-from-contacts",
    ]
    assert rules.objects["contacts"][-1].label == "fill.default"
    shipped = Path(__file__).parents[2] / "rules" / "fill.yaml"
    assert shipped.read_text(encoding="utf-8") == (rules.path.read_text(encoding="utf-8"))


def test_every_registered_derivation_can_be_named_in_a_rules_file():
    assert set(typing.get_args(DeriveName)) == set(DERIVATIONS)
