"""``crmmigrate init``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crmmigrate.cli.common import DebugOpt, JsonOpt, QuietOpt, emit_json, err, handle_errors, out


def register(app: typer.Typer) -> None:
    app.command("init")(init)


@handle_errors
def init(
    directory: Annotated[
        Path, typer.Argument(help="Where to write crmmigrate.yaml.", show_default=True)
    ] = Path("."),
    from_files: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help=(
                "A source file (repeat for more; a quoted glob becomes one source). Its "
                "headers suggest the object, key and field mapping."
            ),
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing crmmigrate.yaml.")
    ] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Write a starter crmmigrate.yaml, suggesting the mapping from the files' headers."""
    from crmmigrate.suggest import init_project

    result = init_project(directory, from_files or [], force=force)
    for note in result.todo:
        err.print(f"warning: {note}", markup=False)
    if json_out:
        emit_json(result.to_dict())
        return
    out.print(str(result.config), markup=False)
    if not quiet:
        what = f"{len(result.sources)} source(s)" if result.sources else "a template"
        err.print(
            f"wrote {what}; check the mapping, then run: crmmigrate clean -c {result.config}",
            markup=False,
        )
