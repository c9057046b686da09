"""The default target schema loads, orders parents first, and its docs are current."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmmigrate.errors import ConfigError
from crmmigrate.target_schema import default_schema_path, load_target_schema, schema_markdown

ROOT = Path(__file__).parent.parent


def test_default_schema_is_the_rules_file() -> None:
    assert (
        default_schema_path().read_bytes() == (ROOT / "rules/target/crm_default.yaml").read_bytes()
    )


def test_load_order_puts_parents_first() -> None:
    order = load_target_schema(default_schema_path()).load_order
    assert order.index("accounts") < order.index("contacts") < order.index("orders")
    assert order.index("contacts") < order.index("opportunities")


def test_every_field_names_its_saas_equivalents() -> None:
    schema = load_target_schema(default_schema_path())
    for oname, obj in schema.objects.items():
        for fname, f in obj.fields.items():
            assert f.salesforce and f.hubspot and f.odoo, f"{oname}.{fname}"


def test_salesforce_style_field_names() -> None:
    contacts = load_target_schema(default_schema_path()).objects["contacts"].fields
    for name in ("first_name", "last_name", "salutation", "email", "phone", "mobile_phone",
                 "birthdate", "mailing_street", "mailing_city", "mailing_state",
                 "mailing_postal_code", "mailing_country", "account"):  # fmt: skip
        assert name in contacts


def test_docs_are_generated_from_the_schema() -> None:
    text = schema_markdown(load_target_schema(default_schema_path()))
    assert (ROOT / "docs/target-schema.md").read_text(encoding="utf-8") == text, "run `make docs`"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("version: 1\nname: x\nobjects: {a: {fields: {f: {type: picklist}}}}\n",
         "objects.a.fields.f: a picklist field needs values: [...]"),
        ("version: 1\nname: x\nobjects: {a: {fields: {f: {type: reference, object: b}}}}\n",
         "objects.a.fields.f: references unknown object 'b'"),
        ("version: 1\nname: x\nobjects: {a: {fields: {f: {type: strin}}}}\n",
         "objects.a.fields.f.type: must be one of"),
    ],
)  # fmt: skip
def test_schema_mistakes_name_the_key_path(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_target_schema(path)
    assert message in str(info.value)
