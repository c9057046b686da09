"""The JSON Schema of ``crmmigrate.yaml`` (printed by ``crmmigrate schema``).

The schema must accept every config :func:`crmmigrate.config.load_config` accepts and reject
what it rejects, as far as that is decidable from the file alone. pydantic's schema of the
models misses what their validators do, so this module adds it:

- a field mapping is a column name, a list of columns to join, or a mapping with exactly one
  of ``column:``, ``value:`` and ``concat:`` (:class:`~crmmigrate.config.FieldMap`);
- ``version`` is 1, countries are two letters, RFM edges come in fours, ``archive: true``
  needs ``inactive_before:``, no mapping sets ``external_id`` (it comes from ``key:``);
- project-wide ``standardise:`` options are the ones the standardisers take (``TYPE_OPTIONS``);
  per-source option names are among them (which ones depends on the field's type);
- ``target.schema_path`` is read like ``target.schema`` (pydantic's ``populate_by_name``);
- booleans may be spelt the YAML 1.1 way (``yes``/``no``/``on``/``off``): the loader (PyYAML)
  reads YAML 1.1, where ``enabled: no`` is false, while editors and check-jsonschema read
  YAML 1.2, where it is the string ``"no"``.

Not expressible here, so only the loader checks them: the target schema (objects, fields,
required mappings, references), unique source names, ascending RFM edges, codec names, files
on disk. pydantic's coercion of quoted scalars (``batch_size: "500"``) is not modelled either:
the schema asks for the YAML type the key documents.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from crmmigrate.config import (
    CONFIG_VERSION,
    Config,
    Customers,
    Dedupe,
    Defaults,
    FieldMap,
    Fill,
    RfmEdges,
    Source,
    Target,
)
from crmmigrate.target_schema import EXTERNAL_ID
from crmmigrate.transform.standardise.options import TYPE_OPTIONS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
YAML11_TRUE = ("yes", "Yes", "YES", "on", "On", "ON")
YAML11_FALSE = ("no", "No", "NO", "off", "Off", "OFF")
_COUNTRY = {"pattern": "^[A-Za-z]{2}$"}


class _ConfigJsonSchema(GenerateJsonSchema):
    """pydantic's generator, with booleans also spelt the YAML 1.1 way."""

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        return {"anyOf": [{"type": "boolean"}, {"enum": [*YAML11_TRUE, *YAML11_FALSE]}]}


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the config file format."""
    schema = Config.model_json_schema(by_alias=True, schema_generator=_ConfigJsonSchema)
    defs = schema["$defs"]
    schema["properties"]["version"]["const"] = CONFIG_VERSION
    schema["properties"]["standardise"]["properties"] = {
        kind: _options_schema(options) for kind, options in TYPE_OPTIONS.items()
    }
    schema["properties"]["standardise"]["additionalProperties"] = False
    for model in (Defaults, Target, FieldMap, Source, Dedupe, Fill, RfmEdges, Customers):
        _with_python_names(defs[model.__name__], model)
    defs["Defaults"]["properties"]["country"].update(_COUNTRY)
    _source(defs["Source"])
    defs["FieldMap"] = _field_map(defs["FieldMap"])
    for edges in defs["RfmEdges"]["properties"].values():
        _non_null(edges).update(minItems=4, maxItems=4)
    _customers(defs["Customers"])
    schema["$schema"] = DIALECT
    schema["title"] = f"crmmigrate.yaml (version {CONFIG_VERSION})"
    return schema


def _non_null(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an optional property (``anyOf: [X, {type: null}]``)."""
    branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
    assert len(branches) == 1, prop
    return branches[0]


def _options_schema(options: dict[str, tuple[Any, ...] | type]) -> dict[str, Any]:
    """One field type's options, checked as ``check_options`` checks them."""
    props: dict[str, Any] = {}
    for key, spec in options.items():
        if spec is str:
            props[key] = {"type": "string"}
        elif spec is int:
            props[key] = {"type": "integer"}
        elif isinstance(spec, tuple):
            values: list[Any] = list(spec)
            if set(spec) == {True, False}:
                values += [*YAML11_TRUE, *YAML11_FALSE]
            props[key] = {"enum": values}
        else:  # a new kind of spec in TYPE_OPTIONS: say nothing rather than reject it
            props[key] = {}
    return {"type": "object", "properties": props, "additionalProperties": False}


def _with_python_names(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The loader also reads an aliased field by its Python name (never both at once)."""
    for name, field in model.model_fields.items():
        alias = field.alias
        if alias is None or alias == name:
            continue
        prop = copy.deepcopy(schema["properties"][alias])
        prop["description"] = f"The same as {alias}: (prefer {alias}:)"
        prop["deprecated"] = True
        schema["properties"][name] = prop
        schema.setdefault("allOf", []).append({"not": {"required": [alias, name]}})


def _source(source: dict[str, Any]) -> None:
    props = source["properties"]
    _non_null(props["country"]).update(_COUNTRY)
    props["fields"]["propertyNames"] = {
        "not": {"const": EXTERNAL_ID},
        "description": f"{EXTERNAL_ID} comes from key:, not from a mapping",
    }
    option_names = sorted({name for options in TYPE_OPTIONS.values() for name in options})
    props["standardise"]["additionalProperties"] = {
        "type": "object",
        "propertyNames": {"enum": option_names},
    }


def _field_map(mapping: dict[str, Any]) -> dict[str, Any]:
    """A string (a column), a list (columns to join), or the mapping with exactly one source."""
    exactly_one = [
        {"required": [key], "properties": {key: {"not": {"type": "null"}}}}
        for key in ("column", "value", "concat")
    ]
    return {
        "title": mapping["title"],
        "description": mapping["description"],
        "anyOf": [
            {"type": "string", "description": "A source column: the same as {column: ...}"},
            {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "Columns joined by a space: the same as {concat: [...]}",
            },
            {**mapping, "oneOf": exactly_one},
        ],
    }


def _customers(customers: dict[str, Any]) -> None:
    customers["if"] = {
        "properties": {"archive": {"enum": [True, *YAML11_TRUE]}},
        "required": ["archive"],
    }
    customers["then"] = {
        "properties": {"inactive_before": {"not": {"type": "null"}}},
        "required": ["inactive_before"],
    }
