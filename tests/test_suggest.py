"""Header → target field suggestions, and the starter config built from them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crmmigrate.config import load_config
from crmmigrate.extract.readers import read_headers
from crmmigrate.suggest import (
    SourcePlan,
    Suggestion,
    normalise,
    render_config,
    source_name,
    suggest_mapping,
    yaml_scalar,
)
from crmmigrate.target_schema import TargetSchema, default_schema_path, load_target_schema

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def schema() -> TargetSchema:
    return load_target_schema(default_schema_path())


def test_normalise_ignores_case_width_spaces_and_punctuation() -> None:
    assert normalise("E-mail") == normalise("EMAIL") == normalise(" e_mail ") == "email"
    assert normalise("Ｅｍａｉｌ Address") == "emailaddress"  # full-width, NFKC
    assert normalise("Order #") == "order"
    assert normalise("電子郵件") == "電子郵件"


def test_english_headers(schema: TargetSchema) -> None:
    got = suggest_mapping(
        ["ID", "First Name", "Surname", "Email Address", "Phone Number", "Cell", "Birthday"],
        schema,
    )
    assert got.object == "contacts"
    assert got.key == "ID"
    assert got.fields == {
        "first_name": "First Name",
        "last_name": "Surname",
        "email": "Email Address",
        "phone": "Phone Number",
        "mobile_phone": "Cell",
        "birthdate": "Birthday",
    }
    assert set(got.confidence.values()) == {"exact"}
    assert got.unmapped == []


def test_traditional_chinese_headers(schema: TargetSchema) -> None:
    got = suggest_mapping(
        ["會員編號", "姓名", "電子郵件", "行動電話", "出生日期", "通訊地址"], schema
    )
    assert (got.object, got.key) == ("contacts", "會員編號")
    assert got.fields == {
        "email": "電子郵件",
        "mobile_phone": "行動電話",
        "birthdate": "出生日期",
        "full_name": "姓名",
        "mailing_address": "通訊地址",
    }


def test_simplified_chinese_headers(schema: TargetSchema) -> None:
    got = suggest_mapping(["订单编号", "下单日期", "金额", "渠道", "状态", "联系人"], schema)
    assert got.object == "orders"
    assert got.key == "订单编号"
    assert got.fields["order_number"] == "订单编号"  # the key may also be a field it names
    assert got.fields["order_date"] == "下单日期"
    assert got.fields["amount"] == "金额"
    assert got.fields["channel"] == "渠道"
    assert got.fields["status"] == "状态"


def test_accounts_from_simplified_erp_headers(schema: TargetSchema) -> None:
    got = suggest_mapping(["客户编号", "公司名称", "统一社会信用代码", "电话", "网站"], schema)
    assert got.object == "accounts"
    assert got.key == "客户编号"
    assert got.fields == {
        "name": "公司名称",
        "phone": "电话",
        "website": "网站",
        "tax_id": "统一社会信用代码",
    }


# The sample files' real headers (samples/README.md) and what each must map to.
SAMPLE_HEADERS = {
    "legacy_crm/contacts.csv": [
        "Contact ID", "Salutation", "First Name", "Last Name", "E-mail", "Tel", "Mobile", "DOB",
        "Address", "City", "Country", "Company ID", "Created Date", "Owner",
    ],
    "erp/accounts.csv": [
        "客戶編號", "公司名稱", "統一編號", "電話", "傳真", "地址", "網站", "建立日期", "產業",
        "負責業務",
    ],
    "shop/members.csv": ["會員編號", "姓名", "手機", "Email", "生日", "地址", "性別", "加入日期"],
    "shop/orders_2025-01.xlsx": [
        "訂單編號", "訂購日期", "會員編號", "收件人", "手機", "Email", "金額", "通路", "狀態",
    ],
    "hubspot/leads.csv": [
        "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
        "Job Title", "Lifecycle Stage", "Lead Status", "Create Date", "Country/Region", "City",
    ],
}  # fmt: skip
SAMPLE_EXPECTED: dict[str, tuple[str, str, dict[str, str]]] = {
    "legacy_crm/contacts.csv": (
        "contacts",
        "Contact ID",
        {"email": "E-mail", "phone": "Tel", "mobile_phone": "Mobile", "birthdate": "DOB",
         "first_name": "First Name", "last_name": "Last Name", "account": "Company ID",
         "mailing_street": "Address", "mailing_city": "City", "mailing_country": "Country"},
    ),
    "erp/accounts.csv": (
        "accounts",
        "客戶編號",
        {"name": "公司名稱", "tax_id": "統一編號", "phone": "電話", "fax": "傳真",
         "billing_address": "地址", "website": "網站", "created_date": "建立日期"},
    ),
    "shop/members.csv": (
        "contacts",
        "會員編號",
        {"full_name": "姓名", "mobile_phone": "手機", "email": "Email", "birthdate": "生日",
         "mailing_address": "地址", "gender": "性別", "created_date": "加入日期"},
    ),
    "shop/orders_2025-01.xlsx": (
        "orders",
        "訂單編號",
        {"order_number": "訂單編號", "order_date": "訂購日期", "customer": "會員編號",
         "customer_name": "收件人", "amount": "金額", "channel": "通路", "status": "狀態"},
    ),
    "hubspot/leads.csv": (
        "leads",
        "Record ID",
        {"first_name": "First Name", "last_name": "Last Name", "company": "Company Name",
         "status": "Lead Status", "lifecycle_stage": "Lifecycle Stage",
         "country": "Country/Region"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(SAMPLE_HEADERS))
def test_sample_headers_map_as_expected(schema: TargetSchema, name: str) -> None:
    obj, key, fields = SAMPLE_EXPECTED[name]
    got = suggest_mapping(SAMPLE_HEADERS[name], schema)
    assert (got.object, got.key) == (obj, key)
    assert {f: got.fields.get(f) for f in fields} == fields
    assert got.missing_required(schema) == []


@pytest.mark.parametrize("name", list(SAMPLE_HEADERS))
def test_sample_files_still_have_those_headers(name: str) -> None:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("samples not generated")
    headers = next(iter(read_headers(path).values()))
    assert headers == SAMPLE_HEADERS[name]


def test_fuzzy_matches_are_marked(schema: TargetSchema) -> None:
    got = suggest_mapping(["Emial Adress", "Frist Name", "Last Name", "Phone 2"], schema)
    assert got.fields == {
        "first_name": "Frist Name",
        "last_name": "Last Name",
        "email": "Emial Adress",
        "phone": "Phone 2",
    }
    assert got.confidence == {
        "first_name": "fuzzy",
        "last_name": "exact",
        "email": "fuzzy",
        "phone": "fuzzy",
    }


def test_opt_out_flags_and_short_headers_do_not_match_by_accident(schema: TargetSchema) -> None:
    got = suggest_mapping(["Email", "Email Opt Out", "Tax", "Last Name"], schema)
    assert got.fields == {"last_name": "Last Name", "email": "Email"}
    assert got.unmapped == ["Email Opt Out", "Tax"]


def test_composite_only_when_no_part_matches(schema: TargetSchema) -> None:
    whole = suggest_mapping(["Name", "Email"], schema)
    assert whole.fields == {"email": "Email", "full_name": "Name"}
    parts = suggest_mapping(["Name", "First Name", "Last Name", "Email"], schema)
    assert "full_name" not in parts.fields
    assert parts.unmapped == ["Name"]


def test_address_next_to_its_parts_becomes_the_street(schema: TargetSchema) -> None:
    got = suggest_mapping(["Last Name", "Address", "City", "Postcode"], schema)
    assert got.fields == {
        "last_name": "Last Name",
        "mailing_street": "Address",
        "mailing_city": "City",
        "mailing_postal_code": "Postcode",
    }


def test_each_column_used_once_and_the_first_duplicate_wins(schema: TargetSchema) -> None:
    got = suggest_mapping(["Last Name", "Email", "E-mail", "Tel", "Phone"], schema)
    assert got.fields == {"last_name": "Last Name", "email": "Email", "phone": "Tel"}
    assert got.unmapped == ["E-mail", "Phone"]
    assert len(set(got.fields.values())) == len(got.fields)


def test_key_prefers_the_objects_own_key_over_generic_ones(schema: TargetSchema) -> None:
    got = suggest_mapping(["ID", "Contact ID", "Last Name"], schema)
    assert got.key == "Contact ID"
    assert got.unmapped == ["ID"]
    assert suggest_mapping(["No", "Last Name"], schema).key == "No"
    assert suggest_mapping(["Last Name", "Email"], schema).key is None


def test_order_number_stays_a_field_when_a_separate_id_is_the_key(schema: TargetSchema) -> None:
    got = suggest_mapping(["Order ID", "Order Number", "Order Date"], schema)
    assert got.key == "Order ID"
    assert got.fields["order_number"] == "Order Number"


def test_schema_names_are_synonyms_too(schema: TargetSchema) -> None:
    got = suggest_mapping(["LastName", "MobilePhone", "hs_lead_status", "lifecyclestage"], schema)
    assert got.object == "leads"
    assert got.fields == {
        "last_name": "LastName",
        "mobile_phone": "MobilePhone",
        "status": "hs_lead_status",
        "lifecycle_stage": "lifecyclestage",
    }


def test_nothing_matches(schema: TargetSchema) -> None:
    got = suggest_mapping(["foo", "bar", ""], schema)
    assert got == Suggestion(None, None, {}, {}, ["foo", "bar", ""])
    assert got.missing_required(schema) == []
    assert suggest_mapping(["ID", "foo"], schema).object is None  # a generic key is no hint


def test_deterministic(schema: TargetSchema) -> None:
    headers = SAMPLE_HEADERS["hubspot/leads.csv"] + ["Mobil", "Emial"]
    assert suggest_mapping(headers, schema) == suggest_mapping(list(headers), schema)


def test_missing_required_fields(schema: TargetSchema) -> None:
    got = suggest_mapping(["Contact ID", "Email", "Tel"], schema)
    assert got.object == "contacts"
    assert got.missing_required(schema) == ["last_name"]


# --- the starter config -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["No", "Yes", "a: b", "#x", "x #y", " pad", "1", "null", "訂單編號", "it's", "a\nb"]
)
def test_yaml_scalar_round_trips(text: str) -> None:
    assert yaml.safe_load(f"k: {yaml_scalar(text)}  # comment") == {"k": text}


def test_source_name() -> None:
    assert source_name("exports/Legacy CRM-Contacts.csv") == "legacy_crm_contacts"
    assert source_name("shop/orders_2025-*.xlsx") == "orders_2025"
    assert source_name("客戶.csv") == "source"


def _plan(name: str, headers: list[str], schema: TargetSchema) -> SourcePlan:
    return SourcePlan(name, f"data/{name}.csv", headers, suggest_mapping(headers, schema))


def test_rendered_config_loads(tmp_path: Path, schema: TargetSchema) -> None:
    plans = [_plan(Path(n).stem, h, schema) for n, h in SAMPLE_HEADERS.items()]
    path = tmp_path / "crmmigrate.yaml"
    path.write_text(render_config(plans, schema), encoding="utf-8")
    project = load_config(path)
    sources = {s.name: s for s in project.config.sources}
    assert sources["contacts"].key == "Contact ID"
    assert sources["contacts"].fields["email"].column == "E-mail"
    assert sources["accounts"].fields["tax_id"].column == "統一編號"
    assert sources["leads"].object == "leads"


def test_template_loads(tmp_path: Path, schema: TargetSchema) -> None:
    path = tmp_path / "crmmigrate.yaml"
    path.write_text(render_config([], schema), encoding="utf-8")
    assert load_config(path).config.sources[0].object == "contacts"


def test_missing_required_field_is_a_todo(tmp_path: Path, schema: TargetSchema) -> None:
    text = render_config([_plan("people", ["Contact ID", "Email"], schema)], schema)
    assert "      last_name: TODO" in text
    assert "TODO: required, and no column matched; set the column (or map full_name)" in text
    path = tmp_path / "crmmigrate.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path).config.sources[0].fields["last_name"].column == "TODO"


def test_unknown_object_fails_load_clearly(tmp_path: Path, schema: TargetSchema) -> None:
    path = tmp_path / "crmmigrate.yaml"
    path.write_text(render_config([_plan("x", ["foo"], schema)], schema), encoding="utf-8")
    with pytest.raises(Exception, match=r"sources\[0\]\.object: unknown object 'TODO'"):
        load_config(path)
