"""``validation.html``: every finding per object and rule, from ``validation.json``.

Never a value, even when ``validation.json`` holds them (``--show-values``): the page identifies
records by file, sheet and row only.
"""

from __future__ import annotations

from crmmigrate.report.page import esc, num, page, severity, table
from crmmigrate.report.svg import stacked_bar
from crmmigrate.report.validation_model import RuleSummary, ValidationSummary
from crmmigrate.validate.verdict import why_not_enforced

# the badge per verdict: css class, mark, word
BADGE = {
    "passed": ("ok", "✓", "passed"),
    "failed": ("bad", "✗", "FAILED"),
    "not-enforced": ("warn", "!", "errors not enforced"),
    None: ("none", "–", "done"),
}


def _badge(summary: ValidationSummary, total: int) -> str:
    """The verdict box: never "passed" over errors that --fail-on never let through."""
    css, mark, word = BADGE[summary.verdict]
    notes = [f"{num(total)} findings"]
    if summary.verdict == "not-enforced":
        notes.append(esc(why_not_enforced(summary.counts.get("error", 0))))
    small = "".join(f"<small>{n}</small>" for n in notes)
    return (
        f'<div class="verdict {css}" id="verdict"><span class="mark">{mark}</span>'
        f'<span class="word">{word}</span>{small}</div>'
    )


def render_validation(summary: ValidationSummary, *, run_id: str) -> str:
    counts = "".join(f"<span>{severity(s)} {num(n)}</span>" for s, n in summary.counts.items())
    total = sum(summary.counts.values())
    bar = stacked_bar(
        "severity-bar",
        "Findings by severity",
        [(s, summary.counts.get(s, 0)) for s in ("error", "warning", "info")],
        width=420,
        height=16,
    )
    meta = [
        ("Run", f"<code>{esc(run_id)}</code>"),
        ("Validated", esc(summary.validated_at or "–")),
        ("Fail on", esc(summary.fail_on or "–")),
        ("Records", esc(", ".join(f"{o} {num(n)}" for o, n in summary.records.items()))),
        ("With errors", f"{num(summary.records_with_errors)} records (not loaded)"),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta)
    body = [
        f'<header class="top"><div><h1>Validation report</h1><dl class="meta">{dl}</dl></div>'
        f"{_badge(summary, total)}</header>",
        f'<p class="counts">{counts}</p>{bar}',
    ]
    show_threshold = any(r.threshold is not None or r.failed is not None for r in summary.rules)
    objects = sorted({r.object for r in summary.rules} | set(summary.records))
    for obj in objects:
        found = [r for r in summary.findings if r.object == obj]
        passed = [r for r in summary.rules if r.object == obj and r.count == 0]
        records = summary.records.get(obj)
        note = f"{num(records)} records checked; " if records is not None else ""
        body.append(
            f"<h2>{esc(obj)}</h2>"
            f'<p class="note">{note}{len(found)} rules with findings, {len(passed)} passed.</p>'
        )
        if found:
            body.append(_findings_table(obj, found, records, show_threshold))
        if passed:
            rows = [
                [f"<code>{esc(r.code)}</code>", esc(r.field or "–"), esc(r.threshold or "–")]
                for r in passed
            ]
            body.append(
                f"<details><summary>{len(passed)} rules passed on {esc(obj)}</summary>"
                + table(["rule", "field", "threshold"], rows)
                + "</details>"
            )
    if not summary.findings:
        body.append('<h2>Findings</h2><p class="muted">No findings: every rule passed.</p>')
    body.append(
        "<footer>Written by crmmigrate from validation.json. Each finding names its record by "
        "source file, sheet and row; every finding is listed in validation.json. This page "
        "never shows values (--show-values adds them to validation.json only).</footer>"
    )
    return page(f"Validation — run {run_id}", body)


def _findings_table(
    obj: str,
    rules: list[RuleSummary],
    records: int | None,
    show_threshold: bool,
) -> str:
    headers = ["severity", "rule", "field", "records", "% rows", "", "e.g. file:row"]
    if show_threshold:
        headers += ["threshold", "over it"]
    rows = []
    for r in rules:
        pct = stacked_bar(
            f"rule-{obj}.{r.field}.{r.code}",
            f"{r.percent:.1f}% of {obj}",
            [("findings", r.count), ("others", max((records or r.count) - r.count, 0))],
            width=90,
            height=10,
        )
        cells = [
            severity(r.severity),
            f'<code>{esc(r.code)}</code><div class="note">{esc(r.title)}</div>',
            esc(r.field or "–"),
            num(r.count),
            f"{r.percent:.2f}",
            pct,
            esc(", ".join(r.sample_rows)),
        ]
        if show_threshold:
            over = {True: '<span class="no">yes</span>', False: "no", None: "–"}[r.failed]
            cells += [esc(r.threshold or "–"), over]
        rows.append(cells)
    return table(headers, rows, numeric=[3, 4])
