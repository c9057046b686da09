"""``crmmigrate schema``."""

from __future__ import annotations

from typing import Annotated

import typer

from crmmigrate.cli.common import DebugOpt, JsonOpt, QuietOpt, emit_document, err, handle_errors

CONFIG_NOTE = (
    "JSON Schema (draft 2020-12) of crmmigrate.yaml; save it and check a config with: "
    "check-jsonschema --schemafile crmmigrate.schema.json crmmigrate.yaml"
)
TARGET_NOTE = (
    "the default target schema as JSON; `crmmigrate rules export DIR` writes its YAML "
    "(target/crm_default.yaml) to copy and change"
)


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


@handle_errors
def schema(
    target: Annotated[
        bool,
        typer.Option("--target", help="Print the default target CRM schema (as JSON) instead."),
    ] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Print the JSON Schema of crmmigrate.yaml (for editors and CI linting).

    The output is JSON with or without --json; --json and --quiet leave out the note on stderr.
    """
    from crmmigrate.config_jsonschema import config_json_schema
    from crmmigrate.target_schema import default_schema_path, load_target_schema

    if target:
        emit_document(
            load_target_schema(default_schema_path()).model_dump(mode="json", exclude_none=True)
        )
    else:
        emit_document(config_json_schema())
    if not (json_out or quiet):
        err.print(f"note: {TARGET_NOTE if target else CONFIG_NOTE}", markup=False)
