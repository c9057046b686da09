"""``crmmigrate clean``."""

from __future__ import annotations

from typing import Annotated

import typer

from crmmigrate.cli.common import (
    DEFAULT_CONFIG,
    ConfigOpt,
    DebugOpt,
    JsonOpt,
    QuietOpt,
    RunsDirOpt,
    emit_json,
    err,
    handle_errors,
    open_project,
    out,
    progress,
)


def register(app: typer.Typer) -> None:
    app.command("clean")(clean)


@handle_errors
def clean(
    config: ConfigOpt = DEFAULT_CONFIG,
    runs_dir: RunsDirOpt = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write clean/<object>.csv.")] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Back up, extract, map, standardise and merge the sources into a new run."""
    from crmmigrate.cli.render import (
        blocking_table,
        customers_table,
        dedupe_table,
        fields_table,
        fill_table,
        reconciliation_table,
    )
    from crmmigrate.pipeline.clean import clean_project
    from crmmigrate.report.reconciliation import build_reconciliation

    project = open_project(config)
    with progress(quiet) as step:
        result = clean_project(project, runs_dir=runs_dir, write_csv=csv, progress=step)
    if json_out:
        emit_json(result.to_dict())
    elif not quiet:
        rec = build_reconciliation(result.run)
        out.print(fields_table(rec.fields))
        duplicates = dedupe_table(result.dedupe)
        if duplicates is not None:
            out.print(duplicates)
            blocking = blocking_table(result.dedupe)
            if blocking is not None:
                out.print(blocking)
        filled = fill_table(result.fill)
        if filled is not None:
            out.print(filled)
        customers = customers_table(result.customers)
        if customers is not None:
            out.print(customers)
        out.print(reconciliation_table(rec))
        out.print(f"{result.changes:,} cell changes logged in changes.parquet")
    if not quiet:
        err.print(f"run written to {result.run.path}", markup=False)
