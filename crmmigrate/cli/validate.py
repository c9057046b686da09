"""``crmmigrate validate``."""

from __future__ import annotations

import typer

from crmmigrate.cli.common import (
    DEFAULT_CONFIG,
    ConfigOpt,
    DebugOpt,
    FailOnOpt,
    JsonOpt,
    QuietOpt,
    RunArg,
    emit_json,
    err,
    handle_errors,
    out,
    runs_dir_for,
)
from crmmigrate.cli.render import validation_table
from crmmigrate.errors import ExitCode
from crmmigrate.pipeline.validate import validate_run
from crmmigrate.runs import find_run


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


@handle_errors
def validate(
    run: RunArg = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    fail_on: FailOnOpt = "error",
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check a run's clean data against the target schema; exit 1 on findings at --fail-on."""
    target_run = find_run(run, runs_dir_for(config, run))
    result = validate_run(target_run, fail_on=fail_on)
    if json_out:
        emit_json({"run_id": target_run.run_id, **result.to_dict()})
    elif not quiet:
        if not result.findings.empty:
            out.print(validation_table(result))
        counts = result.counts()
        verdict = "[green]passed[/]" if result.passed else "[red]failed[/]"
        out.print(
            f"validation {verdict} (--fail-on {fail_on}): {counts['error']:,} errors, "
            f"{counts['warning']:,} warnings, {counts['info']:,} info; "
            f"details in {target_run.path / 'validation.json'}"
        )
    if not result.passed:
        if not quiet:
            err.print(
                f"next: fix the findings, or load the valid records with "
                f"`crmmigrate load {target_run.path} --force`",
                markup=False,
            )
        raise typer.Exit(int(ExitCode.DATA_FAILED))
