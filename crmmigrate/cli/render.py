"""Rich renderings of library results (terminal only; JSON comes from the results' to_dict)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from crmmigrate.report.model import fill_rows
from crmmigrate.report.reconciliation import ObjectFlow, Reconciliation
from crmmigrate.validate.runner import ValidationResult

_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}


def _n(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def reconciliation_table(rec: Reconciliation) -> Table:
    loaded = rec.stage == "load"
    archived = bool(rec.totals().archived)
    created = bool(rec.totals().created)
    table = Table(title=f"Reconciliation — run {rec.run_id}", title_justify="left")
    cols = ["object", "read", *(["created"] if created else []), "rejected", "merged"]
    cols += [*(["archived"] if archived else []), "clean"]
    if loaded:
        cols += ["loaded", "inserted", "updated", "unchanged"]
    cols.append("balanced")
    for col in cols:
        table.add_column(col, justify="left" if col == "object" else "right", min_width=len(col))

    def row(flow: ObjectFlow, *, bold: bool = False) -> list[str]:
        cells = [flow.object, _n(flow.read), *([_n(flow.created)] if created else [])]
        cells += [_n(flow.rejected), _n(flow.merged)]
        cells += [_n(flow.archived)] if archived else []
        cells.append(_n(flow.clean))
        if loaded:
            cells += [_n(flow.loaded), _n(flow.inserted), _n(flow.updated), _n(flow.unchanged)]
        cells.append("[green]yes[/]" if flow.balanced else "[red]NO[/]")
        if bold:
            cells = [f"[bold]{c}[/]" for c in cells]
        return cells

    for flow in rec.objects:
        table.add_row(*row(flow))
    table.add_section()
    table.add_row(*row(rec.totals(), bold=True))
    last = "loaded" if loaded else "clean"
    table.caption = (
        f"read{' + created' if created else ''} = {last} + merged + "
        f"{'archived + ' if archived else ''}rejected"
    )
    return table


def dedupe_table(stats: dict[str, Any]) -> Table | None:
    """Per object: candidate pairs compared, records merged, pairs left for review, links."""
    objects = {k: v for k, v in stats.items() if isinstance(v, dict) and "candidate_pairs" in v}
    if not objects:
        return None
    table = Table(title="Duplicates", title_justify="left")
    for col in ("object", "records", "candidate pairs", "merged", "clusters", "to review"):
        table.add_column(col, justify="left" if col == "object" else "right")
    for name, s in objects.items():
        table.add_row(
            name,
            _n(s["records"]),
            _n(s["candidate_pairs"]),
            _n(s["merged_records"]),
            _n(s["clusters"]),
            _n(s.get("review_pairs", 0)),
        )
    lines = []
    links = stats.get("links") or {}
    if links:
        lines.append("links: " + ", ".join(f"{n} {k}" for k, n in links.items()))
    lines.append("review: dedupe/review.csv")
    if stats.get("conflicts"):
        lines.append(
            f"{stats['conflicts']:,} gaps left empty (the records disagree): dedupe/conflicts.csv"
        )
    table.caption = "\n".join(lines)
    return table


def blocking_table(stats: dict[str, Any]) -> Table | None:
    """The blocking rules each object was compared by, with their pairs (dedupe/blocking.json)."""
    objects = {k: v for k, v in stats.items() if isinstance(v, dict) and "blocking" in v}
    if not objects:
        return None
    table = Table(title="Candidate pairs by rule", title_justify="left")
    for col in ("object", "rule", "pairs", "split blocks", "recall added"):
        table.add_column(col, justify="left" if col in ("object", "rule") else "right")
    lines = []
    for name, s in objects.items():
        choice = s.get("blocking_choice")
        gains = {r["rule"]: r["recall_gain"] for r in (choice or {}).get("rules", [])}
        for i, rule in enumerate(s["blocking"]):
            gain = gains.get(rule["rule"])
            table.add_row(
                name if i == 0 else "",
                escape(rule["rule"]),
                _n(rule["pairs"]),
                _n(rule["split_blocks"]) if rule["split_blocks"] else "",
                "" if gain is None else f"{gain:.1%}",
            )
        if choice is not None and choice.get("all_pairs"):
            lines.append(f"{name}: every pair compared (within {choice['pair_budget']:,})")
        elif choice is not None:
            lines.append(
                f"{name}: chosen from the data, estimated recall {choice['estimated_recall']:.1%}"
                f" within {choice['pair_budget']:,} pairs"
            )
        if s.get("exact_copies"):
            lines.append(f"{name}: exact copies merged first: {s['exact_copies']:,}")
    lines.append("details: dedupe/blocking.json")
    table.caption = "\n".join(lines)
    return table


def fill_table(stats: dict[str, Any] | None) -> Table | None:
    """Per field and rule: cells filled (and lookup values not found), conflicts left open."""
    if not stats or not stats.get("enabled"):
        return None
    table = Table(title="Gaps filled", title_justify="left")
    for col in ("object.field", "rule", "filled", "not found"):
        table.add_column(col, justify="right" if col in ("filled", "not found") else "left")
    for target, rule, n, lost in fill_rows(stats):
        table.add_row(escape(target), escape(rule), _n(n), _n(lost) if lost else "")
    table.caption = (
        f"{stats.get('filled', 0):,} cells filled; {stats.get('conflicts', 0):,} left empty "
        "because the evidence disagrees: fill/conflicts.csv"
    )
    return table


def customers_table(stats: dict[str, Any] | None) -> Table | None:
    """Customers from orders: segment sizes, with who has orders and what was left unlinked."""
    if not stats:
        return None
    table = Table(title="Customers from orders", title_justify="left")
    columns = ("segment", "customers", "share", "orders", "order total", "days since last")
    for col in columns:
        table.add_column(col, justify="left" if col == "segment" else "right")
    with_orders = stats["with_orders"]
    for seg in stats["segments"]:
        total = seg["order_total"]
        currency = seg["currency"] or ""  # none when no currency was mapped or given
        money = "–" if total is None else f"{total:,.0f} {currency}".rstrip()
        table.add_row(
            seg["segment"],
            _n(seg["customers"]),
            f"{seg['share']:.0%}",
            _n(seg["orders"]),
            money,
            f"{seg['median_recency_days']:,.0f}",
        )
    lines = [
        f"{with_orders:,} of {stats['customers']:,} {stats['customer_object']} have orders; "
        f"recency from {stats['reference_date'] or '–'}",
        f"{stats['orders_without_customer']:,} of {stats['orders']:,} orders without a customer: "
        "customers/unmatched_orders.csv",
    ]
    if stats.get("activity"):
        lines.append(
            "activity: " + ", ".join(f"{n:,} {k}" for k, n in sorted(stats["activity"].items()))
        )
    if stats.get("archived"):
        lines.append("archived: " + ", ".join(f"{n:,} {k}" for k, n in stats["archived"].items()))
    table.caption = "\n".join(lines)
    return table


def validation_table(result: ValidationResult, limit: int = 30) -> Table:
    """Per object and check with findings: count, % of rows, threshold, sample file:row."""
    table = Table(title="Validation findings", title_justify="left")
    cols = ("severity", "object.field", "rule", "count", "% rows", "allowed", "e.g. file:row")
    for col in cols:
        right = col in ("count", "% rows", "allowed")
        table.add_column(col, justify="right" if right else "left", min_width=len(col))
    rules = [r for r in result.by_rule() if r["count"] or r["failed"]]
    for rule in rules[:limit]:
        sev = rule["severity"]
        target = rule["object"] + (f".{rule['field']}" if rule["field"] else "")
        mark = " [red]✗[/]" if rule["failed"] else ""
        percent = "–" if rule["percent"] is None else f"{rule['percent']:.1f}"
        table.add_row(
            f"[{_STYLE[sev]}]{sev}[/]",
            escape(target),
            escape(rule["rule"]) + mark,
            f"{rule['count']:,}",
            percent,
            f"{rule['threshold']:,}",
            escape(", ".join(rule["sample_rows"][:2]) or (rule["detail"] or "")),
        )
    if len(rules) > limit:
        table.caption = f"{len(rules) - limit} more rules in validation.json"
    return table


def load_table(objects: list[dict[str, Any]], target: str, dry_run: bool) -> Table:
    title = f"Load into {target}" + (" (dry run, rolled back)" if dry_run else "")
    table = Table(title=title, title_justify="left")
    cols = ["object", "attempted", "inserted", "updated", "unchanged", "failed", "excluded"]
    for col in cols:
        table.add_column(col, justify="left" if col == "object" else "right", min_width=len(col))
    for o in objects:
        table.add_row(o["object"], *(f"{o.get(c, 0):,}" for c in cols[1:]))
    return table


def fields_table(fields: dict[str, Any], limit: int = 40) -> Table:
    """Per-field standardisation outcome: how many values were ok, fixed, invalid, empty."""
    table = Table(title="Standardisation per field", title_justify="left")
    for col in ("object.field", "ok", "fixed", "invalid", "empty", "top reasons / flags"):
        left = col in ("object.field", "top reasons / flags")
        table.add_column(col, justify="left" if left else "right", min_width=len(col))
    rows = [(n, info) for n, info in fields.items() if info.get("fixed") or info.get("invalid")]
    rows.sort(key=lambda kv: (-int(kv[1].get("invalid", 0)), kv[0]))
    for name, info in rows[:limit]:
        notes = {**info.get("reasons", {}), **info.get("flags", {})}
        top = ", ".join(f"{k} {v:,}" for k, v in sorted(notes.items(), key=lambda kv: -kv[1])[:3])
        table.add_row(
            name,
            *(f"{int(info.get(k, 0)):,}" for k in ("ok", "fixed", "invalid", "empty")),
            top,
        )
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more fields in reconciliation.json"
    return table
