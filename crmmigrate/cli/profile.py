"""``crmmigrate profile``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from crmmigrate.cli.common import (
    DebugOpt,
    JsonOpt,
    QuietOpt,
    emit_json,
    handle_errors,
    out,
    progress,
)
from crmmigrate.profiling import FileProfile, TableProfile, profile_files


def register(app: typer.Typer) -> None:
    app.command("profile")(profile)


@handle_errors
def profile(
    files: Annotated[
        list[str],
        typer.Argument(help="Files to profile; glob patterns expand.", show_default=False),
    ],
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding", help="'auto' or a codec for text files: utf-8, cp950, gb18030, ..."
        ),
    ] = "auto",
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Excel: profile only this sheet (default: every sheet)."),
    ] = None,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Inventory files: rows, columns, types, blanks, distinct counts and value patterns.

    Cell values are never shown, only their shapes (9 = digit, A/a = letter, 漢 = CJK).
    """
    with progress(quiet) as step:
        report = profile_files(files, encoding=encoding, sheet=sheet, progress=step)
    if json_out:
        emit_json(report.to_dict())
        return
    for file in report.files:
        for table in file.tables:
            out.print(profile_table_view(file, table))


def profile_table_view(file: FileProfile, table: TableProfile) -> Table:
    """A rich table for one profiled sheet or file (plain text: headers are never markup)."""
    where = file.path + (f" [{table.sheet}]" if table.sheet is not None else "")
    facts = [
        f"encoding {file.encoding}" if file.encoding else file.format,
        f"{table.rows:,} rows",
        f"{len(table.columns)} columns",
        f"looks like {table.object}" if table.object else "no target object matched",
    ]
    view = Table(
        title=Text(f"{where} — {' · '.join(facts)}"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    # Patterns are cut, never wrapped; the column names wrap when the terminal is narrow.
    view.add_column("column", min_width=8)
    view.add_column("type", no_wrap=True)
    view.add_column("blank", justify="right", no_wrap=True)
    view.add_column("distinct", justify="right", no_wrap=True)
    view.add_column("top patterns (cells)", no_wrap=True, overflow="ellipsis", max_width=26)
    view.add_column("suggested", no_wrap=True, overflow="ellipsis", max_width=16)
    width = max((len(f"{p.count:,}") for c in table.columns for p in c.patterns), default=1)
    for column in table.columns:
        patterns = "\n".join(f"{p.count:>{width},}  {p.pattern}" for p in column.patterns)
        view.add_row(
            Text(column.name),
            Text(column.type),
            f"{column.blank:,}",
            f"{column.distinct:,}",
            Text(patterns),
            Text(column.suggested or "–"),
        )
    return view
