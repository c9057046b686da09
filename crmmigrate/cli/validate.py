"""``crmmigrate validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
from crmmigrate.errors import ExitCode
from crmmigrate.validate.verdict import LABEL, why_not_enforced

VERDICT_STYLE = {"passed": "green", "failed": "red", "not-enforced": "yellow"}


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        metavar="FILE",
        help="Also apply this rules file (kind: validate); repeat for several.",
        show_default=False,
    ),
]
ShowValuesOpt = Annotated[
    bool,
    typer.Option(
        "--show-values",
        help="Write each finding's offending value into the run's validation.json "
        "(customer data; never shown on the terminal).",
    ),
]


@handle_errors
def validate(
    run: RunArg = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    fail_on: FailOnOpt = "error",
    rules: RulesOpt = None,
    show_values: ShowValuesOpt = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check a run's clean data against the target schema and rules; exit 1 when a check fails.

    A check fails the run when its findings are at or above --fail-on and more than its
    threshold (schema checks: 0; rules: their max_failures). Writes validation.json and
    junit.xml into the run.
    """
    from crmmigrate.cli.render import validation_table
    from crmmigrate.pipeline.validate import validate_run
    from crmmigrate.runs import find_run

    target_run = find_run(run, runs_dir_for(config, run))
    result = validate_run(target_run, fail_on=fail_on, rules=rules or (), show_values=show_values)
    if json_out:
        emit_json({"run_id": target_run.run_id, **result.to_dict(values=False)})
    elif not quiet:
        table = validation_table(result)
        if table.row_count:
            out.print(table)
        counts = result.counts()
        verdict = f"[{VERDICT_STYLE[result.verdict]}]{LABEL[result.verdict]}[/]"
        out.print(
            f"validation {verdict} (--fail-on {fail_on}): {counts['error']:,} errors, "
            f"{counts['warning']:,} warnings, {counts['info']:,} info; "
            f"details in {target_run.path / 'validation.json'}, {target_run.path / 'junit.xml'}",
            markup=True,
        )
        if result.verdict == "not-enforced":
            out.print(why_not_enforced(counts["error"]), markup=False)
        failed = result.failed_rules()
        if failed:
            shown = ", ".join(failed[:8]) + (
                f" and {len(failed) - 8} more" if len(failed) > 8 else ""
            )
            out.print(f"failed the run: {shown}", markup=False)
    if not result.passed:
        if not quiet:
            err.print(
                f"next: fix the findings, or load the valid records with "
                f"`crmmigrate load {target_run.path} --force`",
                markup=False,
            )
        raise typer.Exit(int(ExitCode.DATA_FAILED))
