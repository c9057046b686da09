"""``crmmigrate rollback``."""

from __future__ import annotations

from typing import Annotated

import typer

from crmmigrate.cli.common import (
    DEFAULT_CONFIG,
    ConfigOpt,
    DebugOpt,
    JsonOpt,
    QuietOpt,
    emit_json,
    handle_errors,
    out,
    runs_dir_for,
)
from crmmigrate.cli.load import TargetOpt


def register(app: typer.Typer) -> None:
    app.command("rollback")(rollback)


@handle_errors
def rollback(
    run: Annotated[str, typer.Argument(help="Run directory or run id whose load to undo.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    target: TargetOpt = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Undo a run's load: delete what it inserted, restore what it updated (exit 2 on conflict)."""
    from crmmigrate.pipeline.load import rollback_run
    from crmmigrate.runs import find_run

    result = rollback_run(find_run(run, runs_dir_for(config, run)), target=target)
    if json_out:
        emit_json(result.to_dict())
    elif not quiet:
        out.print(result.message, markup=False, soft_wrap=True)
