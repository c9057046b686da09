"""The ``crmmigrate`` command: registers one module per command (entry point: ``main``)."""

from __future__ import annotations

from typing import Annotated

import typer

from crmmigrate import __version__
from crmmigrate.cli import (
    clean,
    init,
    load,
    profile,
    report,
    rollback,
    rules,
    run,
    schema,
    validate,
)

app = typer.Typer(
    name="crmmigrate",
    help=(
        "Migrate messy customer data into a new CRM: back up, extract, clean, validate, "
        "load — and prove nothing was lost.\n\n"
        "Exit codes: 0 success; 1 the data failed (findings, rejected rows, reconciliation "
        "mismatch); 2 wrong input (usage, config, unreadable source); 3 target unreachable; "
        "130 interrupted (Ctrl-C); 143 stopped by SIGTERM; 70 crashed (a bug)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crmmigrate {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """crmmigrate: clean, validate and load customer data into a new CRM."""


for module in (init, profile, clean, validate, load, rollback, report, run, schema, rules):
    module.register(app)
