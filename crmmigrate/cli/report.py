"""``crmmigrate report``."""

from __future__ import annotations

import typer

from crmmigrate.cli.common import (
    DEFAULT_CONFIG,
    ConfigOpt,
    DebugOpt,
    JsonOpt,
    QuietOpt,
    RunArg,
    emit_json,
    err,
    handle_errors,
    out,
    runs_dir_for,
)
from crmmigrate.errors import ExitCode


def register(app: typer.Typer) -> None:
    app.command("report")(report)


@handle_errors
def report(
    run: RunArg = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Rebuild a run's reconciliation (JSON + HTML) and validation.html; exit 1 if unbalanced."""
    from crmmigrate.cli.render import reconciliation_table
    from crmmigrate.report.write import write_reports
    from crmmigrate.runs import find_run, verify_run

    target_run = verify_run(find_run(run, runs_dir_for(config, run)))
    written = write_reports(target_run)
    rec = written.report.reconciliation
    if json_out:
        emit_json(written.report.to_dict())
    elif not quiet:
        out.print(reconciliation_table(rec))
    if not quiet:
        for path in written.files:
            err.print(f"written {path}", markup=False)
    if not rec.balanced:
        raise typer.Exit(int(ExitCode.DATA_FAILED))
