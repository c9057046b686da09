"""The profile as one self-contained HTML page: inline CSS, no script, no network.

Values appear only when the report holds them (``show_values``); everything is escaped.
"""

from __future__ import annotations

from html import escape

from crmmigrate.profile.model import ColumnProfile, FileProfile, ProfileReport, TableProfile
from crmmigrate.report.page import FONT_FAMILY, MONO_FAMILY

_CSS = """
body{font:14px/1.4 __FONT__;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px __MONO__;background:#f6f6f6;padding:0 3px}
.bar{background:#eee;width:120px;height:10px;display:inline-block;margin-right:6px}
.bar span{display:block;height:10px}
.blank span{background:#d9534f}.distinct span{background:#337ab7}
.note{color:#666}.warn{color:#b35900}
""".replace("__FONT__", FONT_FAMILY).replace("__MONO__", MONO_FAMILY)


def render_html(report: ProfileReport) -> str:
    """The whole report page as a string."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>crmmigrate profile</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>crmmigrate profile</h1>",
        f'<p class="note">{_values_note(report)}</p>',
    ]
    for file in report.files:
        for table in file.tables:
            parts.append(_table(file, table, report.show_values))
    parts.append(_similar(report))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _values_note(report: ProfileReport) -> str:
    if report.show_values:
        return "This report shows the most frequent values of each column: it holds customer data."
    return "Values are hidden: only counts and shapes are shown (profile --show-values adds them)."


def _bar(kind: str, part: int, whole: int) -> str:
    share = part / whole if whole else 0.0
    return (
        f'<span class="bar {kind}"><span style="width:{share * 100:.1f}%"></span></span>'
        f"{part:,} ({share:.0%})"
    )


def _table(file: FileProfile, table: TableProfile, show_values: bool) -> str:
    where = file.path + (f" [{table.sheet}]" if table.sheet is not None else "")
    facts = [
        f"encoding {file.encoding}" if file.encoding else file.format,
        f"{table.rows:,} rows",
        f"{len(table.columns)} columns",
        f"looks like {table.object}" if table.object else "no target object matched",
    ]
    head = ["column", "type", "blank", "distinct", "top patterns (cells)", "suggested", "notes"]
    if show_values:
        head.append("top values (cells)")
    rows = [f"<h2>{escape(where)}</h2>", f"<p>{escape(' · '.join(facts))}</p>"]
    if table.duplicate_rows is not None and table.duplicate_rows.groups:
        dup = table.duplicate_rows
        rows.append(
            f'<p class="warn">{dup.rows:,} rows are exact duplicates after normalisation '
            f"({dup.groups:,} groups).</p>"
        )
    rows.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>")
    for column in table.columns:
        cells = [
            escape(column.name),
            escape(column.type),
            _bar("blank", column.blank, table.rows),
            _bar("distinct", column.distinct, table.rows),
            "<br>".join(f"<code>{escape(p.pattern)}</code> {p.count:,}" for p in column.patterns),
            escape(column.suggested or "–"),
            escape("; ".join(column_notes(column))),
        ]
        if show_values:
            cells.append(
                "<br>".join(
                    f"<code>{escape(v.value)}</code> {v.count:,}" for v in column.top_values or ()
                )
            )
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def column_notes(column: ColumnProfile) -> list[str]:
    """Duplicates and date-order evidence of a column, in words (no values)."""
    notes = []
    if column.duplicates is not None and column.duplicates.repeated_values:
        d = column.duplicates
        verb = "value repeats" if d.repeated_values == 1 else "values repeat"
        notes.append(f"{d.repeated_values:,} {verb} in {d.rows:,} rows")
    if column.date_order is not None:
        e = column.date_order
        decided = {None: "order undecided", "contradictory": "order CONTRADICTORY"}.get(
            e.decided, f"order {e.decided}"
        )
        sample = " (sampled)" if e.sampled else ""
        notes.append(
            f"day-first {e.day_first:,} / month-first {e.month_first:,}: {decided}{sample}"
        )
    return notes


def _similar(report: ProfileReport) -> str:
    if len(report.files) < 2:
        return ""
    parts = ["<h2>Columns that look alike across files</h2>"]
    if not report.similar:
        return parts[0] + '<p class="note">None found.</p>'
    parts.append(
        "<table><tr><th>column</th><th>column</th><th>type</th><th>overlap</th>"
        "<th>Jaccard</th><th>suggested</th><th>basis</th></tr>"
    )
    for s in report.similar:
        cells = [
            escape(str(s.left)),
            escape(str(s.right)),
            escape(s.type),
            f"{s.overlap:.0%}",
            f"{s.jaccard:.2f}",
            escape(s.suggested or "–"),
            escape(s.basis),
        ]
        parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)
