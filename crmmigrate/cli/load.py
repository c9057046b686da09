"""``crmmigrate load``."""

from __future__ import annotations

from typing import Annotated

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
    progress,
    runs_dir_for,
)
from crmmigrate.errors import ExitCode
from crmmigrate.modes import LoadMode

TargetOpt = Annotated[
    str | None,
    typer.Option(
        "--target",
        help="SQLAlchemy URL of the target; default: $CRMMIGRATE_TARGET_URL, else the config's.",
    ),
]
ModeOpt = Annotated[
    LoadMode,
    typer.Option(
        "--mode",
        help="insert, upsert (by external id) or incremental (only records whose content "
        "changed since the last load to this target).",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Do everything inside a transaction that is rolled back.")
]
BatchOpt = Annotated[
    int | None,
    typer.Option(
        "--batch-size", min=1, help="Rows per transaction; default: the config's target.batch_size."
    ),
]
MigrateSchemaOpt = Annotated[
    bool,
    typer.Option(
        "--migrate-schema",
        help="Add missing columns, keys and indexes to an existing target (never drops or "
        "changes a type).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("load")(load)


@handle_errors
def load(
    run: RunArg = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    target: TargetOpt = None,
    mode: ModeOpt = "upsert",
    dry_run: DryRunOpt = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Load a run that was not validated or failed validation."),
    ] = False,
    batch_size: BatchOpt = None,
    migrate_schema: MigrateSchemaOpt = False,
    blank_as_na: Annotated[
        bool,
        typer.Option("--blank-as-na", help="salesforce-csv bundles: write #N/A in empty fields."),
    ] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Load a validated run into the target; exit 1 if any record was rejected.

    An interrupted load of the run resumes: the records the target's load journal has are
    skipped. After the load the target is read back and compared with the clean data
    (load/verification.json); a mismatch is exit 1. --target salesforce-csv:DIR or
    hubspot-csv:DIR writes an import bundle for that CRM instead.
    """
    from crmmigrate.cli.render import load_table, reconciliation_table
    from crmmigrate.pipeline.load import bundle_run, bundle_target, load_run
    from crmmigrate.runs import find_run

    target_run = find_run(run, runs_dir_for(config, run))
    bundle = bundle_target(target, target_run)
    if bundle is not None:
        written = bundle_run(target_run, bundle[0], bundle[1], force=force, blank_as_na=blank_as_na)
        if json_out:
            emit_json({"run_id": target_run.run_id, "kind": written.kind,
                       "files": [{"object": f.object, "path": str(f.path), "rows": f.rows}
                                 for f in written.files],
                       "mapping": str(written.mapping)})  # fmt: skip
        elif not quiet:
            for f in written.files:
                out.print(f"{f.object}: {f.rows:,} rows → {f.path}", markup=False)
            out.print(f"mapping: {written.mapping}", markup=False)
        return
    with progress(quiet) as step:
        result = load_run(target_run, target=target, mode=mode, dry_run=dry_run, force=force,
                          batch_size=batch_size, migrate_schema=migrate_schema,
                          progress=step)  # fmt: skip
    payload = result.to_dict()
    if json_out:
        emit_json(payload)
    elif not quiet:
        out.print(load_table(payload["objects"], result.target, result.result.dry_run))
        out.print(reconciliation_table(result.reconciliation))
    left_out = sum(result.excluded.values())
    if left_out and not quiet:
        # not a failure: only a run that failed validation (--force) or was validated with
        # --fail-on never has records with errors; the user chose to load the rest
        err.print(
            f"{left_out:,} records with validation errors were not loaded; listed in "
            f"{target_run.path / 'load' / 'errors.csv'}",
            markup=False,
        )
    if not result.ok:
        if not quiet:
            if not result.reconciliation.balanced:
                err.print(
                    "reconciliation does not balance for: "
                    + ", ".join(result.reconciliation.unbalanced()),
                    markup=False,
                )
            if result.verification is not None and not result.verification.ok:
                err.print(
                    f"the target does not match the clean data for "
                    f"{len(result.verification.mismatches):,} record fields; see "
                    f"{target_run.path / 'load' / 'verification.json'}",
                    markup=False,
                )
            if result.failed_rows:
                err.print(
                    f"{result.failed_rows:,} records rejected by the target; reasons in "
                    f"{target_run.path / 'load' / 'errors.csv'}",
                    markup=False,
                )
        raise typer.Exit(int(ExitCode.DATA_FAILED))
