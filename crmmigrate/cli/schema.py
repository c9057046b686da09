"""``crmmigrate schema``."""

from __future__ import annotations

from typing import Annotated

import typer

from crmmigrate.cli.common import DebugOpt, emit_json, handle_errors
from crmmigrate.config import config_json_schema
from crmmigrate.target_schema import default_schema_path, load_target_schema


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


@handle_errors
def schema(
    target: Annotated[
        bool,
        typer.Option("--target", help="Print the default target CRM schema (as JSON) instead."),
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Print the JSON Schema of crmmigrate.yaml (for editors and CI linting)."""
    if target:
        emit_json(
            load_target_schema(default_schema_path()).model_dump(mode="json", exclude_none=True)
        )
    else:
        emit_json(config_json_schema())
