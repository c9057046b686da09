"""``reconciliation.html``: the report a project manager signs off, rendered from the RunReport.

Self-contained (inline CSS and SVG, no scripts, nothing fetched) and value-free: it shows counts,
field names, rule codes, file:row positions, record ids and source keys — never a field's value.
"""

from __future__ import annotations

from typing import Any

from crmmigrate.report.model import RunReport, fill_rows
from crmmigrate.report.page import chips, esc, num, page, severity, table
from crmmigrate.report.reconciliation import ObjectFlow
from crmmigrate.report.svg import COLORS, Link, Node, bar_list, column_chart, sankey, stacked_bar
from crmmigrate.validate.verdict import LABEL

TOP_RULES = 10
STAGE_LABEL = {"clean": "cleaned", "validate": "validated", "load": "loaded"}


def render_reconciliation(report: RunReport) -> str:
    rec = report.reconciliation
    body = [
        _header(report),
        _flows(report),
        _objects(report),
        _reasons(report),
        _sources(report),
        _fields(report),
        _validation(report),
        _dedupe(report),
        _fill(report),
        _customers(report),
        _load(report),
        _backups(report),
        _timings(report),
        "<footer>Written by crmmigrate. This page holds counts, field names, rule codes, "
        "file:row positions, record ids and source keys — no customer values. The same numbers "
        "are in reconciliation.json next to it.</footer>",
    ]
    return page(f"Reconciliation — run {rec.run_id}", body)


def _header(report: RunReport) -> str:
    rec = report.reconciliation
    t = rec.totals()
    loaded = rec.stage == "load"
    last, last_n = ("loaded", t.loaded) if loaded else ("clean", t.clean)
    archived = f"{num(t.archived)} archived + " if t.archived else ""
    created = f" + {num(t.created)} created" if t.created else ""
    equation = (
        f"{num(t.read)} read{created} = {num(last_n)} {last} + {num(t.merged)} merged + {archived}"
        f"{num(t.rejected if loaded else t.rejected_clean)} rejected"
    )
    ok = rec.balanced
    verdict = (
        f'<div class="verdict {"ok" if ok else "bad"}" id="verdict">'
        f'<span class="mark">{"✓" if ok else "✗"}</span>'
        f'<span class="word">{"Balanced" if ok else "NOT balanced"}</span>'
        f"<small>{esc(equation)}</small>"
        + ("" if ok else f"<small>check: {esc(', '.join(rec.unbalanced()))}</small>")
        + "</div>"
    )
    v = report.validation
    vtext = "not run"
    if v is not None:
        state = "done" if v.verdict is None else LABEL[v.verdict]
        vtext = f"{state} (fail on {v.fail_on or '?'}); " + ", ".join(
            f"{num(n)} {s}" for s, n in v.counts.items()
        )
    meta = [
        ("Run", f"<code>{esc(rec.run_id)}</code>"),
        ("Created", esc(report.created_at)),
        ("Stage reached", esc(STAGE_LABEL.get(rec.stage, rec.stage))),
        ("Tool version", esc(rec.tool_version)),
        (
            "Config hash",
            f'<code class="hash" title="{esc(rec.config_hash)}">'
            f"{esc(rec.config_hash[:16])}…</code>",
        ),
        ("Target", f"<code>{esc(report.target or '–')}</code>"),
        ("Validation", esc(vtext)),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta)
    return (
        f'<header class="top"><div><h1>Reconciliation report</h1><dl class="meta">{dl}</dl>'
        f"</div>{verdict}</header>"
    )


def _flow_chart(report: RunReport, flow: ObjectFlow) -> str:
    name = flow.object
    nodes = [
        Node(f"src:{s.name}", s.name, s.read, 0, "source")
        for s in report.sources
        if s.object == name
    ]
    links = [Link(n.key, "read", n.value) for n in nodes]
    nodes += [
        Node("read", "read", flow.read, 1, "read"),
        Node("clean", "clean", flow.clean, 2, "clean"),
        Node("merged", "merged into another record", flow.merged, 2, "merged"),
        Node("archived", "archived (inactive)", flow.archived, 2, "excluded"),
        Node("rejected_clean", "rejected at clean", flow.rejected_clean, 2, "rejected"),
    ]
    links += [
        Link("read", "clean", flow.clean),
        Link("read", "merged", flow.merged),
        Link("read", "archived", flow.archived),
        Link("read", "rejected_clean", flow.rejected_clean),
    ]
    v = report.validation
    if flow.loaded is not None:
        nodes += [
            Node("loaded", "loaded", flow.loaded, 3, "loaded"),
            Node(
                "excluded", "not loaded: validation errors", flow.rejected_validation, 3, "excluded"
            ),
            Node("failed", "rejected by the target", flow.rejected_load, 3, "rejected"),
        ]
        links += [
            Link("clean", "loaded", flow.loaded),
            Link("clean", "excluded", flow.rejected_validation),
            Link("clean", "failed", flow.rejected_load),
        ]
    elif v is not None:
        errors = v.error_records.get(name, 0)
        nodes += [
            Node("valid", "validated, no errors", flow.clean - errors, 3, "valid"),
            Node("errors", "with validation errors", errors, 3, "excluded"),
        ]
        links += [Link("clean", "valid", flow.clean - errors), Link("clean", "errors", errors)]
    keep = {"read", "clean", "loaded", "valid"}
    nodes = [n for n in nodes if n.value > 0 or n.key in keep]
    return sankey(f"flow-{name}", f"Flow of {name} records", nodes, links)


def _flows(report: RunReport) -> str:
    legend = "".join(
        f'<span><i style="background:{COLORS[k]}"></i>{esc(label)}</span>'
        for k, label in (
            ("source", "source"),
            ("clean", "clean"),
            ("loaded", "loaded / valid"),
            ("merged", "merged (same customer)"),
            ("excluded", "validation errors"),
            ("rejected", "rejected"),
        )
    )
    charts = "".join(
        f'<div class="flow"><h3>{esc(f.object)}</h3>{_flow_chart(report, f)}</div>'
        for f in report.reconciliation.objects
    )
    return (
        '<h2 id="flow">Where every record went</h2>'
        f'<p class="legend">{legend}</p><div class="flows">{charts}</div>'
    )


def _objects(report: RunReport) -> str:
    rec = report.reconciliation
    loaded = rec.stage == "load"
    archived = bool(rec.totals().archived)
    created = bool(rec.totals().created)
    headers = ["object", "read", *(["created"] if created else []), "rejected (clean)", "merged"]
    headers += ["archived", "clean"] if archived else ["clean"]
    if loaded:
        headers += ["excluded (validation)", "rejected (target)", "loaded"]
    headers += ["check", "balanced"]

    def row(f: ObjectFlow) -> list[str]:
        cells = [esc(f.object), num(f.read), *([num(f.created)] if created else [])]
        cells += [num(f.rejected_clean), num(f.merged)]
        cells += [num(f.archived), num(f.clean)] if archived else [num(f.clean)]
        extra = (f.archived,) if archived else ()
        if loaded:
            cells += [num(f.rejected_validation), num(f.rejected_load), num(f.loaded)]
            parts = (f.rejected, f.merged, *extra, f.loaded)
        else:
            parts = (f.rejected_clean, f.merged, *extra, f.clean)
        check = " + ".join(num(p) for p in parts) + f" = {num(f.accounted)}"
        if created:
            check += f" (read + created {num(f.read + f.created)})"
        ok = '<span class="yes">✓ yes</span>' if f.balanced else '<span class="no">✗ NO</span>'
        return [*cells, check, ok]

    rows = [row(f) for f in rec.objects] + [row(rec.totals())]
    plus = " + archived" if archived else ""
    left = "read + created" if created else "read"
    invariant = (
        f"{left} = rejected (at clean, validation or load) + merged{plus} + loaded"
        if loaded
        else f"{left} = rejected at clean + merged{plus} + clean"
    )
    numeric = range(1, len(headers) - 1)
    return (
        f'<h2 id="objects">Per object</h2><p class="note">The invariant: <b>{invariant}</b>.</p>'
        + table(headers, rows, numeric=numeric, row_class=[""] * len(rec.objects) + ["total"])
    )


def _reasons(report: RunReport) -> str:
    rows = [
        [esc(f.object), esc(reason), num(n)]
        for f in report.reconciliation.objects
        for reason, n in sorted(f.rejected_reasons.items(), key=lambda kv: -kv[1])
    ]
    if not rows:
        return '<h2 id="rejected">Rejected records</h2><p class="muted">None.</p>'
    return (
        '<h2 id="rejected">Rejected records, by reason</h2>'
        + table(["object", "reason", "records"], rows, numeric=[2])
        + '<p class="note">Each one is listed with its file and row in clean/rejected.csv '
        "or load/errors.csv.</p>"
    )


def _sources(report: RunReport) -> str:
    rows = [
        [
            esc(s.name),
            esc(s.object),
            esc(f.file),
            esc(f.sheet or ""),
            esc(f.encoding or "–"),
            num(f.rows),
        ]
        for s in report.sources
        for f in s.files
    ]
    headers = ["source", "object", "file", "sheet", "encoding", "rows"]
    return '<h2 id="sources">Sources read</h2>' + table(headers, rows, numeric=[5])


def _fields(report: RunReport) -> str:
    legend = "".join(
        f'<span><i style="background:{COLORS[k]}"></i>{k}</span>'
        for k in ("ok", "fixed", "invalid", "empty")
    )
    headers = ["object.field", "values", "ok", "fixed", "invalid", "empty", "reasons / flags"]

    def rows(changed: bool) -> list[list[str]]:
        out = []
        for f in report.field_changes:
            if f.changed != changed:
                continue
            bar = stacked_bar(
                f"fields-{f.object}.{f.field}",
                f"{f.object}.{f.field}",
                [("ok", f.ok), ("fixed", f.fixed), ("invalid", f.invalid), ("empty", f.empty)],
            )
            notes = "".join(f'<div class="note">{esc(n)}</div>' for n in f.notes)
            out.append(
                [
                    f"<code>{esc(f.object)}.{esc(f.field)}</code>",
                    bar,
                    num(f.ok),
                    num(f.fixed),
                    num(f.invalid),
                    num(f.empty),
                    chips(f.reasons, "reason") + chips(f.flags, "flag") + notes,
                ]
            )
        return out

    changed, unchanged = rows(True), rows(False)
    html = (
        '<h2 id="fields">Field-level changes</h2><p class="note">Each value is <b>ok</b> '
        "(already standard), <b>fixed</b> (rewritten to the standard form, logged in "
        "changes.parquet), <b>invalid</b> (kept as it was, reported by validation) or "
        f'<b>empty</b>.</p><p class="legend">{legend}</p>'
        + table(headers, changed, numeric=[2, 3, 4, 5])
    )
    if unchanged:
        html += (
            f"<details><summary>{len(unchanged)} fields needed no change</summary>"
            + table(headers, unchanged, numeric=[2, 3, 4, 5])
            + "</details>"
        )
    return html


def _validation(report: RunReport) -> str:
    v = report.validation
    if v is None:
        return '<h2 id="validation">Validation</h2><p class="muted">Not validated yet.</p>'
    counts = "".join(f"<span>{severity(s)} {num(n)}</span>" for s, n in v.counts.items())
    rows = [
        [
            severity(r.severity),
            f"<code>{esc(r.code)}</code>",
            esc(r.target),
            num(r.count),
            f"{r.percent:.1f}",
            esc(", ".join(r.sample_rows[:3])),
        ]
        for r in v.findings[:TOP_RULES]
    ]
    more = len(v.findings) - TOP_RULES
    headers = ["severity", "rule", "object.field", "records", "% rows", "e.g. file:row"]
    return (
        '<h2 id="validation">Top validation findings</h2>'
        f'<p class="counts">{counts}<span class="muted">{num(v.records_with_errors)} records '
        "with errors</span></p>"
        + (table(headers, rows, numeric=[3, 4]) if rows else '<p class="muted">No findings.</p>')
        + '<p class="note">All findings, per object and rule: <a href="validation.html">'
        + "validation.html</a>"
        + (f" ({more} more rules)" if more > 0 else "")
        + ".</p>"
    )


def _fill(report: RunReport) -> str:
    f = report.fill
    if not f or not f.get("enabled"):
        return ""
    rows = [
        [f"<code>{esc(target)}</code>", f"<code>{esc(rule)}</code>", num(n), num(lost)]
        for target, rule, n, lost in fill_rows(f)
    ]
    body = (
        table(["field", "rule", "cells filled", "lookup values not found"], rows, numeric=[2, 3])
        if rows
        else '<p class="muted">No gap could be filled.</p>'
    )
    return (
        '<h2 id="fill">Gaps filled</h2>'
        f'<p class="note">{num(f.get("filled", 0))} empty cells filled by the fill rules, each '
        "in <code>changes.parquet</code> with status <code>filled</code>; "
        f"{num(f.get('conflicts', 0))} left empty because the evidence disagrees "
        "(<code>fill/conflicts.csv</code>).</p>" + body
    )


def _customers(report: RunReport) -> str:
    c = report.customers
    if not c:
        return ""
    rows = [
        [
            esc(s["segment"]),
            num(s["customers"]),
            f"{s['share']:.1%}",
            num(s["orders"]),
            "–" if s["order_total"] is None else f"{s['order_total']:,.0f} {esc(s['currency'])}",
            f"{s['median_recency_days']:,.0f}",
        ]
        for s in c["segments"]
    ]
    segments = (
        table(
            ["segment", "customers", "share", "orders", "order total", "median days since last"],
            rows,
            numeric=[1, 2, 3, 4, 5],
        )
        if rows
        else '<p class="muted">No customer has orders.</p>'
    )
    reasons = ", ".join(f"{num(n)} {esc(k)}" for k, n in c["unmatched_reasons"].items())
    notes = [
        f"{num(c['with_orders'])} of {num(c['customers'])} {esc(c['customer_object'])} have "
        f"orders; RFM scores by {esc(c['rfm'])}, recency measured from "
        f"{esc(c['reference_date'] or '–')}.",
        f"{num(c['orders_without_customer'])} of {num(c['orders'])} orders have no customer"
        + (f" ({reasons})" if reasons else "")
        + ": listed in <code>customers/unmatched_orders.csv</code>.",
    ]
    if c.get("activity"):
        notes.append(
            f"Activity before {esc(c['inactive_before'])}: "
            + ", ".join(f"{num(n)} {esc(k)}" for k, n in sorted(c["activity"].items()))
            + "."
        )
    if c.get("archived"):
        notes.append(
            "Archived to <code>clean/archive/</code> instead of the load: "
            + ", ".join(f"{num(n)} {esc(k)}" for k, n in c["archived"].items())
            + "."
        )
    return (
        '<h2 id="customers">Customers from orders</h2>'
        + "".join(f'<p class="note">{n}</p>' for n in notes)
        + segments
    )


def _dedupe(report: RunReport) -> str:
    d = report.dedupe
    if d is None:
        return ""
    bars = [(str(size), n) for size, n in d.sizes.items()]
    chart = column_chart(
        "cluster-sizes", "Clusters by size", bars, x_label="records per customer (cluster size)"
    )
    rows = [
        [
            f"<code>{esc(c.cluster_id)}</code>" if i == 0 else "",
            esc(c.object) if i == 0 else "",
            f"<code>{esc(m.record_id)}</code>",
            esc(m.source),
            f"<code>{esc(m.source_key)}</code>",
            "kept" if m.survivor else "merged",
            "" if m.score is None else f"{m.score:.2f}",
        ]
        for c in d.examples
        for i, m in enumerate(c.members)
    ]
    examples = (
        table(["cluster", "object", "record", "source", "key", "", "score"], rows, numeric=[6])
        if rows
        else '<p class="muted">No records were merged.</p>'
    )
    widths = sorted({size for sizes in d.by_object.values() for size in sizes})
    per_object = table(
        ["object", *(f"clusters of {w}" for w in widths)],
        [[esc(obj), *(num(sizes.get(w, 0)) for w in widths)] for obj, sizes in d.by_object.items()],
        numeric=list(range(1, len(widths) + 1)),
    )
    return (
        '<h2 id="dedupe">Duplicates merged</h2>'
        f'<p class="note">{num(d.records)} records formed {num(d.clusters)} clusters; a cluster '
        "of more than one record is one customer found several times. Borderline pairs to "
        "decide are in <code>dedupe/review.csv</code>.</p>"
        + per_object
        + _blocking(d.blocking)
        + f'<div class="cols"><div>{chart}</div>'
        + f"<div><h3>Largest clusters</h3>{examples}</div></div>"
    )


def _blocking(blocking: dict[str, Any]) -> str:
    """The rules that chose which records were compared, per object, with their pairs."""
    if not blocking:
        return ""
    rows = []
    notes = []
    for obj, b in blocking.items():
        for i, rule in enumerate(b.get("rules", [])):
            gain = rule.get("recall_gain")
            rows.append(
                [
                    esc(obj) if i == 0 else "",
                    f"<code>{esc(rule['rule'])}</code>",
                    num(rule["pairs"]),
                    num(rule["split_blocks"]) if rule.get("split_blocks") else "",
                    "" if gain is None else f"{gain:.1%}",
                ]
            )
        how = "chosen from the data" if b.get("chosen") == "auto" else "from the rules file"
        if b.get("all_pairs"):
            how = "none needed: every pair was compared"
        text = f"{esc(obj)}: {num(b['candidate_pairs'])} candidate pairs, rules {how}"
        if "estimated_recall" in b:
            text += f", estimated recall {b['estimated_recall']:.1%}"
        if b.get("exact_copies"):
            text += f"; exact copies merged first: {num(b['exact_copies'])}"
        notes.append(text)
    return (
        "<h3>Which records were compared</h3>"
        + table(
            ["object", "rule", "pairs", "split blocks", "recall added"], rows, numeric=[2, 3, 4]
        )
        + "".join(f'<p class="note">{n}.</p>' for n in notes)
    )


def _load(report: RunReport) -> str:
    ld = report.load
    if ld is None:
        return '<h2 id="load">Load</h2><p class="muted">Not loaded yet.</p>'
    keys = ("attempted", "inserted", "updated", "unchanged", "failed", "excluded")
    rows = [[esc(o.object), *(num(getattr(o, k)) for k in keys)] for o in ld.objects]
    total = [
        "total",
        *(num(sum(getattr(o, k) for o in ld.objects)) for k in keys),
    ]
    what = " — dry run, rolled back" if ld.dry_run else ""
    forced = " (forced past a failed validation)" if ld.forced else ""
    return (
        f'<h2 id="load">Load</h2><p>Into <code>{esc(ld.target)}</code>, mode '
        f"<b>{esc(ld.mode)}</b>{what}{forced}.</p>"
        + table(
            ["object", *keys],
            [*rows, total],
            numeric=range(1, 7),
            row_class=[""] * len(rows) + ["total"],
        )
    )


def _backups(report: RunReport) -> str:
    rows = [
        [
            esc(b.source),
            f"<code>backup/{esc(b.stored)}</code>",
            num(b.size),
            f'<code class="hash">{esc(b.sha256)}</code>',
        ]
        for b in report.backups
    ]
    return (
        '<h2 id="backups">Backups</h2><p class="note">Byte-for-byte copies, read-only; '
        "<code>sha256sum -c SHA256SUMS</code> in backup/ checks them.</p>"
        + table(["source", "copy", "bytes", "SHA-256"], rows, numeric=[2])
    )


def _timings(report: RunReport) -> str:
    stages = [(k, v) for k, v in report.reconciliation.timings.items()]
    parts = [c for c in report.clean_timings.items() if c[0] != "total"]
    charts = bar_list("timings-stages", "Seconds per stage", stages)
    if parts:
        charts += "<h3>Inside clean</h3>" + bar_list("timings-clean", "Seconds inside clean", parts)
    return f'<h2 id="timings">Timings</h2>{charts}'
