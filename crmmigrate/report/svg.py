"""Inline SVG charts, generated in Python: no JavaScript, no network, open from disk.

Every chart is ``<svg class="chart" data-chart="NAME" role="img">`` with a ``<title>`` so that
tests (and screen readers) can find it; numbers are printed on the chart, not only drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from crmmigrate.report.page import FONT_FAMILY

COLORS = {
    "source": "#64748b",
    "read": "#334155",
    "clean": "#2563eb",
    "loaded": "#16a34a",
    "valid": "#16a34a",
    "merged": "#9333ea",
    "rejected": "#dc2626",
    "excluded": "#d97706",
    "ok": "#16a34a",
    "fixed": "#2563eb",
    "invalid": "#dc2626",
    "empty": "#cbd5e1",
    "bar": "#2563eb",
    "error": "#dc2626",
    "warning": "#d97706",
    "info": "#2563eb",
    "findings": "#dc2626",
    "others": "#e2e8f0",
}
# the pages' font stack (CJK fonts included: node labels are source and object names)
_FAMILY = FONT_FAMILY.replace('"', "'")  # inside a double-quoted attribute
FONT = f'font-family="{_FAMILY}"'


def _svg(name: str, width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" data-chart="{escape(name)}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" {FONT} font-size="12">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _n(value: float) -> str:
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    value: int
    column: int
    kind: str  # a COLORS key


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    value: int


def sankey(
    name: str,
    title: str,
    nodes: Sequence[Node],
    links: Sequence[Link],
    *,
    width: int = 1040,
    plot_height: int = 110,
) -> str:
    """A left-to-right flow: node heights and ribbon widths proportional to record counts."""
    gap, node_w, top, label_w = 24.0, 12.0, 20.0, 250.0
    columns = max(n.column for n in nodes) + 1
    by_col = [[n for n in nodes if n.column == c] for c in range(columns)]
    busiest = max(len(c) for c in by_col)
    peak = max(sum(n.value for n in col) for col in by_col) or 1
    scale = max(plot_height - gap * (busiest - 1), 20.0) / peak

    def thick(v: int) -> float:
        return 0.0 if v <= 0 else max(v * scale, 2.0)

    outs = {n.key: sum(thick(lk.value) for lk in links if lk.source == n.key) for n in nodes}
    ins = {n.key: sum(thick(lk.value) for lk in links if lk.target == n.key) for n in nodes}
    height = {n.key: max(thick(n.value), outs[n.key], ins[n.key], 2.0) for n in nodes}
    step = (width - label_w - node_w) / max(columns - 1, 1)
    x = {n.key: 4 + n.column * step for n in nodes}
    y: dict[str, float] = {}
    bottom = top
    for col in by_col:
        cursor = top
        for n in col:
            y[n.key] = cursor
            cursor += height[n.key] + gap
        bottom = max(bottom, cursor - gap)

    body: list[str] = []
    out_at = dict(y)
    in_at = dict(y)
    for lk in links:
        t = thick(lk.value)
        if not t or lk.source not in y or lk.target not in y:
            continue
        x0, x1 = x[lk.source] + node_w, x[lk.target]
        y0, y1 = out_at[lk.source], in_at[lk.target]
        out_at[lk.source] += t
        in_at[lk.target] += t
        xm = (x0 + x1) / 2
        kind = next(n.kind for n in nodes if n.key == lk.target)
        body.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} '
            f"L{x1:.1f},{y1 + t:.1f} C{xm:.1f},{y1 + t:.1f} {xm:.1f},{y0 + t:.1f} "
            f'{x0:.1f},{y0 + t:.1f} Z" fill="{COLORS[kind]}" fill-opacity="0.28">'
            f"<title>{escape(lk.source)} → {escape(lk.target)}: {_n(lk.value)}</title></path>"
        )
    for n in nodes:
        h = height[n.key]
        body.append(
            f'<rect x="{x[n.key]:.1f}" y="{y[n.key]:.1f}" width="{node_w:.0f}" height="{h:.1f}" '
            f'fill="{COLORS[n.kind]}"><title>{escape(n.label)}: {_n(n.value)}</title></rect>'
        )
        text = f'<tspan font-weight="600">{_n(n.value)}</tspan> {escape(n.label)}'
        if outs[n.key]:  # label above a node that flows on, beside a terminal one
            body.append(f'<text x="{x[n.key]:.1f}" y="{y[n.key] - 6:.1f}">{text}</text>')
        else:
            ty = y[n.key] + h / 2 + 4
            body.append(f'<text x="{x[n.key] + node_w + 6:.1f}" y="{ty:.1f}">{text}</text>')
    return _svg(name, width, bottom + 10, title, body)


def stacked_bar(
    name: str, title: str, parts: Sequence[tuple[str, int]], *, width: int = 240, height: int = 14
) -> str:
    """One horizontal bar split into ``(kind, count)`` parts (kinds are COLORS keys)."""
    total = sum(v for _, v in parts) or 1
    body, x = [], 0.0
    for kind, value in parts:
        if value <= 0:
            continue
        w = width * value / total
        body.append(
            f'<rect x="{x:.2f}" y="0" width="{max(w, 1.0):.2f}" height="{height}" '
            f'fill="{COLORS[kind]}"><title>{kind}: {_n(value)}</title></rect>'
        )
        x += w
    if not body:
        body.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f1f5f9"/>')
    return _svg(name, width, height, title, body)


def column_chart(
    name: str,
    title: str,
    bars: Sequence[tuple[str, int]],
    *,
    x_label: str,
    height: int = 170,
    bar_w: int = 56,
) -> str:
    """Vertical bars with their counts on top, e.g. a histogram of cluster sizes."""
    top, bottom, left = 22.0, 34.0, 8.0
    plot = height - top - bottom
    peak = max((v for _, v in bars), default=0) or 1
    content = left * 2 + len(bars) * (bar_w + 14)
    width = max(content, 260.0)
    left += (width - content) / 2  # centre the bars
    body = [
        f'<line x1="{left:.1f}" y1="{top + plot:.1f}" x2="{width - left:.1f}" '
        f'y2="{top + plot:.1f}" stroke="#94a3b8"/>'
    ]
    for i, (label, value) in enumerate(bars):
        h = 0.0 if value <= 0 else max(plot * value / peak, 2.0)
        bx = left + 7 + i * (bar_w + 14)
        by = top + plot - h
        body.append(
            f'<rect x="{bx:.1f}" y="{by:.1f}" width="{bar_w}" height="{h:.1f}" '
            f'fill="{COLORS["bar"]}"><title>{escape(label)}: {_n(value)}</title></rect>'
            f'<text x="{bx + bar_w / 2:.1f}" y="{by - 5:.1f}" text-anchor="middle" '
            f'font-weight="600">{_n(value)}</text>'
            f'<text x="{bx + bar_w / 2:.1f}" y="{top + plot + 15:.1f}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    body.append(
        f'<text x="{width / 2:.1f}" y="{height - 4}" text-anchor="middle" '
        f'fill="#475569">{escape(x_label)}</text>'
    )
    return _svg(name, width, height, title, body)


def bar_list(
    name: str, title: str, bars: Sequence[tuple[str, float]], *, unit: str = "s", width: int = 520
) -> str:
    """Labelled horizontal bars, e.g. seconds per stage."""
    row, label_w, value_w = 22, 130.0, 70.0
    peak = max((v for _, v in bars), default=0.0) or 1.0
    plot = width - label_w - value_w
    body = []
    for i, (label, value) in enumerate(bars):
        y = i * row + 4
        w = 0.0 if value <= 0 else max(plot * value / peak, 1.5)
        body.append(
            f'<text x="{label_w - 8:.0f}" y="{y + 12}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w:.0f}" y="{y}" width="{w:.1f}" height="15" '
            f'fill="{COLORS["bar"]}"><title>{escape(label)}: {value:.3f} {unit}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 12}">{value:,.2f} {unit}</text>'
        )
    return _svg(name, width, max(len(bars), 1) * row + 8, title, body)
