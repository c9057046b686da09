"""``crmmigrate profile``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from crmmigrate.cli.common import (
    DebugOpt,
    JsonOpt,
    QuietOpt,
    emit_json,
    err,
    handle_errors,
    out,
    progress,
)

if TYPE_CHECKING:
    from crmmigrate.profile import FileProfile, ProfileReport, TableProfile

VALUES_HIDDEN = (
    "note: values are hidden; --show-values adds the top values to --json and --html only"
)


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
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a self-contained HTML report to this path."),
    ] = None,
    show_values: Annotated[
        bool,
        typer.Option(
            "--show-values",
            help="Put each column's top values (customer data) in the --json and --html "
            "outputs; the terminal never shows them.",
        ),
    ] = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Inventory files: types, blanks, distinct counts, patterns, duplicates, date order.

    Cell values are never shown on the terminal, only their shapes (9 = digit, A/a = letter,
    漢 = CJK). Columns that look alike across files are listed by name and overlap.
    """
    from crmmigrate.profile import profile_files, render_html

    with progress(quiet) as step:
        report = profile_files(
            files, encoding=encoding, sheet=sheet, show_values=show_values, progress=step
        )
    if html is not None:
        html.write_text(render_html(report), encoding="utf-8")
        if not quiet:
            err.print(f"wrote {html}", markup=False)
    if json_out:
        emit_json(report.to_dict())
        return
    for file in report.files:
        for table in file.tables:
            out.print(profile_table_view(file, table))
            if table.duplicate_rows is not None and table.duplicate_rows.groups:
                dup = table.duplicate_rows
                out.print(
                    Text(
                        f"  {dup.rows:,} rows are exact duplicates after normalisation "
                        f"({dup.groups:,} groups)\n"
                    )
                )
    if len(report.files) > 1:
        out.print(similar_view(report))
    if not quiet:
        err.print(VALUES_HIDDEN, markup=False)


def profile_table_view(file: FileProfile, table: TableProfile) -> Table:
    """A rich table for one profiled sheet or file (plain text: headers are never markup)."""
    from crmmigrate.profile.html import column_notes

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
    # Patterns are cut, never wrapped; the column names and notes wrap when narrow.
    view.add_column("column", min_width=8)
    view.add_column("type", no_wrap=True)
    view.add_column("blank", justify="right", no_wrap=True)
    view.add_column("distinct", justify="right", no_wrap=True)
    view.add_column("top patterns (cells)", no_wrap=True, overflow="ellipsis", max_width=26)
    view.add_column("suggested", no_wrap=True, overflow="ellipsis", max_width=16)
    view.add_column("notes", min_width=10)
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
            Text("\n".join(column_notes(column))),
        )
    return view


def similar_view(report: ProfileReport) -> Table:
    """Columns of different files that look like the same thing (names and overlap only)."""
    view = Table(
        title=Text("Columns that look alike across files"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    for name in ("column", "column", "type", "overlap", "Jaccard", "suggested", "basis"):
        view.add_column(name, justify="right" if name in ("overlap", "Jaccard") else "left")
    for s in report.similar:
        view.add_row(
            Text(str(s.left)),
            Text(str(s.right)),
            Text(s.type),
            f"{s.overlap:.0%}",
            f"{s.jaccard:.2f}",
            Text(s.suggested or "–"),
            Text(s.basis),
        )
    if not report.similar:
        view.caption = "none found"
    return view
