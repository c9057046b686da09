"""``crmmigrate rules list`` and ``crmmigrate rules export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crmmigrate.cli.common import DebugOpt, JsonOpt, QuietOpt, emit_json, err, handle_errors, out

rules_app = typer.Typer(
    help="The rule files shipped with crmmigrate: list them, or copy them out to change them.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")


@rules_app.command("list")
@handle_errors
def list_rules(
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """List the built-in rule files: name (its path under rules/), kind and how to use it."""
    from crmmigrate.builtin_rules import RULE_FILES

    if json_out:
        emit_json({"rules": [rule.to_dict() for rule in RULE_FILES]})
        return
    table = Table("file", "kind", "use", title="Built-in rule files", title_justify="left")
    for rule in RULE_FILES:
        table.add_row(rule.name, rule.kind, rule.use)
    out.print(table, markup=False)
    if not quiet:
        err.print("copy them with: crmmigrate rules export DIR [FILE]...", markup=False)


@rules_app.command("export")
@handle_errors
def export(
    directory: Annotated[
        Path,
        typer.Argument(metavar="DIR", help="Where to write the files (created if missing)."),
    ],
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="FILE",
            help="Only these files, as `rules list` names them (default: all).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Copy the built-in rule files into DIR (refuses to overwrite a file unless --force).

    `crmmigrate rules export rules` gives the paths the README uses: rules/validate.yaml,
    rules/dedupe.yaml, rules/fill.yaml and rules/target/crm_default.yaml.
    """
    from crmmigrate.builtin_rules import export_rule_files

    result = export_rule_files(directory, names or [], force=force)
    if json_out:
        emit_json(result.to_dict())
        return
    for rule in result.files:
        out.print(str(result.path(rule)), markup=False)
    if not quiet:
        replaced = f" ({len(result.overwritten)} overwritten)" if result.overwritten else ""
        err.print(
            f"wrote {len(result.files)} rule file(s) to {directory}{replaced}; list a validate "
            "file under rules: in crmmigrate.yaml, point dedupe.rules, fill.rules or "
            "target.schema at a copy to change the built-in one",
            markup=False,
        )
