"""The target CRM schema: objects, typed fields, constraints and references.

A schema is a YAML file (``rules/target/crm_default.yaml`` ships with the package). The mapping
in the project config says where a value goes; the schema says what it is, which standardiser
and checks apply, and how the load creates its table.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crmmigrate.errors import ConfigError
from crmmigrate.yamlio import load_yaml, pydantic_error_line

FieldType = Literal[
    "string",
    "text",
    "integer",
    "number",
    "boolean",
    "money",
    "date",
    "datetime",
    "phone",
    "email",
    "url",
    "person_name",
    "company_name",
    "postal_code",
    "country",
    "picklist",
    "reference",
    "tax_id",
    "tw_ubn",
    "tw_national_id",
    "cn_uscc",
    "hk_brn",
]
CompositeType = Literal["person_name", "address"]

EXTERNAL_ID = "external_id"
EXTERNAL_ID_MAX_LENGTH = 255

# The parts a composite of each type may be split into.
COMPOSITE_PARTS: dict[str, tuple[str, ...]] = {
    "person_name": ("salutation", "first", "last", "suffix"),
    "address": ("street", "line2", "district", "city", "state", "postal_code", "country"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldDef(_Strict):
    """One field of a target object."""

    type: FieldType
    required: bool = False
    unique: bool = False
    max_length: int | None = Field(default=None, gt=0)
    values: tuple[str, ...] | None = None
    aliases: dict[str, str] | None = None
    object: str | None = None
    by: Literal["external_id", "name"] = "external_id"
    extension: str | None = None
    second: str | None = None
    label: str | None = None
    description: str | None = None
    salesforce: str | None = None
    hubspot: str | None = None
    odoo: str | None = None

    @model_validator(mode="after")
    def _check_kind(self) -> FieldDef:
        if self.type == "picklist" and not self.values:
            raise ValueError("a picklist field needs values: [...]")
        if self.type != "picklist" and (self.values is not None or self.aliases is not None):
            raise ValueError("values: and aliases: are only for type: picklist")
        for alias, target in (self.aliases or {}).items():
            if target not in (self.values or ()):
                raise ValueError(f"alias {alias!r} maps to {target!r}, which is not in values:")
        if self.type == "reference" and not self.object:
            raise ValueError("a reference field needs object: <referenced object>")
        if self.type != "reference" and self.object is not None:
            raise ValueError("object: is only for type: reference")
        if self.extension is not None and self.type != "phone":
            raise ValueError("extension: is only for type: phone")
        if self.second is not None and self.type not in ("phone", "email"):
            raise ValueError("second: is only for type: phone or email")
        return self


class CompositeDef(_Strict):
    """A composite input (full name, whole address) that the transform splits into fields."""

    type: CompositeType
    parts: dict[str, str]

    @model_validator(mode="after")
    def _check_parts(self) -> CompositeDef:
        allowed = COMPOSITE_PARTS[self.type]
        unknown = sorted(set(self.parts) - set(allowed))
        if unknown:
            raise ValueError(f"unknown part {unknown[0]!r}; a {self.type} has {', '.join(allowed)}")
        return self


class ObjectDef(_Strict):
    """One target object (a table in a SQL target)."""

    label: str | None = None
    salesforce: str | None = None
    hubspot: str | None = None
    odoo: str | None = None
    fields: dict[str, FieldDef]
    composites: dict[str, CompositeDef] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_names(self) -> ObjectDef:
        if EXTERNAL_ID in self.fields:
            raise ValueError(f"{EXTERNAL_ID} is implicit on every object; remove it from fields:")
        for name, fdef in self.fields.items():
            for key in ("extension", "second"):
                target = getattr(fdef, key)
                if target is not None and target not in self.fields:
                    raise ValueError(f"{name}: {key}: names unknown field {target!r}")
        for name, comp in self.composites.items():
            if name in self.fields:
                raise ValueError(f"composite {name!r} has the name of a field")
            for part, target in comp.parts.items():
                if target not in self.fields:
                    raise ValueError(
                        f"composite {name!r} part {part!r} names unknown field {target!r}"
                    )
        return self

    @property
    def references(self) -> dict[str, FieldDef]:
        return {n: f for n, f in self.fields.items() if f.type == "reference"}

    @property
    def inputs(self) -> list[str]:
        """Every name a mapping may write to: fields and composites."""
        return [*self.fields, *self.composites]


class TargetSchema(_Strict):
    """A whole target CRM schema."""

    version: Literal[1]
    name: str
    description: str | None = None
    objects: dict[str, ObjectDef]
    path: str | None = None

    @model_validator(mode="after")
    def _check_references(self) -> TargetSchema:
        for oname, obj in self.objects.items():
            for fname, fdef in obj.references.items():
                if fdef.object not in self.objects:
                    raise ValueError(
                        f"objects.{oname}.fields.{fname}: references unknown object {fdef.object!r}"
                    )
        self.load_order  # noqa: B018 - raises on a reference cycle
        return self

    @cached_property
    def load_order(self) -> tuple[str, ...]:
        """Objects with every referenced object before its referrers (stable by file order)."""
        order: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in order:
                return
            if name in visiting:
                raise ValueError(f"objects.{name}: references form a cycle; break it")
            visiting.add(name)
            for fdef in self.objects[name].references.values():
                if fdef.object != name:
                    visit(str(fdef.object))
            visiting.discard(name)
            order.append(name)

        for name in self.objects:
            visit(name)
        return tuple(order)


def default_schema_path() -> Path:
    """The schema shipped with the package."""
    return Path(__file__).parent / "data" / "crm_default.yaml"


def load_target_schema(path: Path) -> TargetSchema:
    """Read and check a target schema file; errors name the file and key path."""
    raw: Any = load_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a target schema is a mapping with version: and objects:")
    try:
        return TargetSchema.model_validate({**raw, "path": str(path)})
    except ValueError as exc:
        raise ConfigError(pydantic_error_line(path, exc)) from None


def schema_markdown(schema: TargetSchema) -> str:
    """The schema as Markdown tables: every field with its constraints and SaaS equivalents."""
    lines = [
        f"# Target schema `{schema.name}`",
        "",
        "Generated from `rules/target/crm_default.yaml` by `make docs`; do not edit by hand.",
        "Every object also has `external_id` (text, required, unique): `<source>:<key>`.",
        "",
    ]
    for oname in schema.load_order:
        obj = schema.objects[oname]
        lines += [
            f"## {oname}",
            "",
            f"{obj.label or oname} — Salesforce `{obj.salesforce}`, HubSpot `{obj.hubspot}`, "
            f"Odoo `{obj.odoo}`.",
            "",
            "| field | type | constraints | Salesforce | HubSpot | Odoo |",
            "|---|---|---|---|---|---|",
        ]
        for fname, f in obj.fields.items():
            rules = []
            if f.required:
                rules.append("required")
            if f.unique:
                rules.append("unique")
            if f.max_length:
                rules.append(f"max {f.max_length}")
            if f.values:
                rules.append("one of: " + ", ".join(f.values))
            if f.object:
                rules.append(f"→ {f.object} by {f.by}")
            lines.append(
                f"| `{fname}` | {f.type} | {'; '.join(rules)} | {f.salesforce or ''} | "
                f"{f.hubspot or ''} | {f.odoo or ''} |"
            )
        for cname, comp in obj.composites.items():
            parts = ", ".join(f"{p} → `{t}`" for p, t in comp.parts.items())
            lines.append(f"| `{cname}` (input) | {comp.type} | split into {parts} | | | |")
        lines.append("")
    return "\n".join(lines)
