"""``crmmigrate run``."""

from __future__ import annotations

from typing import Annotated

import typer

from crmmigrate.cli.common import (
    DEFAULT_CONFIG,
    ConfigOpt,
    DebugOpt,
    FailOnOpt,
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
from crmmigrate.cli.load import DryRunOpt, MigrateSchemaOpt, ModeOpt, TargetOpt


def register(app: typer.Typer) -> None:
    app.command("run")(run)


@handle_errors
def run(
    config: ConfigOpt = DEFAULT_CONFIG,
    runs_dir: RunsDirOpt = None,
    fail_on: FailOnOpt = "error",
    target: TargetOpt = None,
    mode: ModeOpt = "upsert",
    dry_run: DryRunOpt = False,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size", min=1, help="Rows per load transaction; default: the config's."
        ),
    ] = None,
    migrate_schema: MigrateSchemaOpt = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Clean, validate and load in one go, stopping at the first stage that fails."""
    from crmmigrate.cli.render import load_table, reconciliation_table, validation_table
    from crmmigrate.pipeline.run import run_project
    from crmmigrate.report.reconciliation import build_reconciliation

    project = open_project(config)
    with progress(quiet) as step:
        result = run_project(
            project,
            runs_dir=runs_dir,
            fail_on=fail_on,
            target=target,
            mode=mode,
            dry_run=dry_run,
            batch_size=batch_size,
            migrate_schema=migrate_schema,
            progress=step,
        )
    if json_out:
        emit_json(result.to_dict())
    elif not quiet:
        if not result.validation.findings.empty:
            out.print(validation_table(result.validation, limit=15))
        if result.bundle is not None:
            for f in result.bundle.files:
                out.print(f"{f.object}: {f.rows:,} rows → {f.path}", markup=False)
            out.print(f"mapping: {result.bundle.mapping}", markup=False)
        if result.load is not None:
            payload = result.load.to_dict()
            out.print(
                load_table(payload["objects"], result.load.target, result.load.result.dry_run)
            )
        out.print(reconciliation_table(build_reconciliation(result.clean.run)))
    if not quiet:
        err.print(f"run {result.clean.run.run_id} in {result.clean.run.path}", markup=False)
        if result.stopped_at == "validate":
            err.print(
                "stopped: validation failed (see validation.json); fix the data, or rerun with "
                "--fail-on never to load the valid records",
                markup=False,
            )
        elif result.stopped_at == "load":
            err.print(
                "load rejected records or did not reconcile; see load/errors.csv", markup=False
            )
    raise typer.Exit(int(result.exit_code))
