"""The page shell shared by the HTML reports: inline CSS, no scripts, no external resources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

# CJK system fonts after the Latin ones (the browser falls back glyph by glyph): without them a
# machine with no CJK default font shows file names, sheets and labels in Chinese as boxes.
CJK_FONTS = ('"PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", "Noto Sans TC", '
             '"Source Han Sans TC", "Microsoft YaHei", "Noto Sans CJK SC"')  # fmt: skip
FONT_FAMILY = f'system-ui, -apple-system, "Segoe UI", Roboto, {CJK_FONTS}, sans-serif'
MONO_FAMILY = f'ui-monospace, "SFMono-Regular", Menlo, Consolas, {CJK_FONTS}, monospace'

CSS = """
:root { --ink:#0f172a; --muted:#475569; --line:#e2e8f0; --ok:#15803d; --bad:#b91c1c;
        --warn:#b45309; --info:#1d4ed8; --bg:#f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 14px/1.45 __FONT__; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
header.top { display: flex; justify-content: space-between; align-items: flex-start; gap: 24px;
             padding-bottom: 4px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 30px 0 10px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0;
          color: var(--muted); }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; color: var(--ink); }
.verdict { min-width: 230px; text-align: center; border-radius: 10px; padding: 14px 18px;
           color: #fff; font-weight: 700; }
.verdict .mark { font-size: 44px; line-height: 1; display: block; }
.verdict .word { font-size: 22px; display: block; margin-top: 4px; }
.verdict small { display: block; font-weight: 400; margin-top: 4px; opacity: .92; }
.verdict.ok { background: var(--ok); } .verdict.bad { background: var(--bad); }
.verdict.warn { background: var(--warn); } .verdict.none { background: var(--muted); }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left;
         vertical-align: top; }
th { background: #f1f5f9; font-weight: 600; vertical-align: bottom; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n, td code:not(.hash) { white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
code, .mono { font-family: __MONO__; font-size: 12px; }
.hash { word-break: break-all; }
.muted { color: var(--muted); }
.yes { color: var(--ok); font-weight: 700; } .no { color: var(--bad); font-weight: 700; }
.sev { display: inline-block; border-radius: 4px; padding: 0 6px; color: #fff; font-size: 12px; }
.sev.error { background: var(--bad); } .sev.warning { background: var(--warn); }
.sev.info { background: var(--info); }
.flows { display: grid; gap: 4px; }
.flow { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.flow h3 { margin: 0 0 4px; }
.legend span { display: inline-block; margin-right: 14px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
            vertical-align: -1px; border-radius: 2px; }
.cols { display: grid; grid-template-columns: minmax(260px, 1fr) 2.6fr; gap: 20px; }
.chip.reason { background: #fee2e2; } .chip.flag { background: #fef3c7; }
.chip { display: inline-block; background: #eef2ff; border-radius: 10px; padding: 0 7px;
        margin: 1px 3px 1px 0; font-size: 12px; white-space: nowrap; }
.note { font-size: 12px; color: var(--muted); }
details > summary { cursor: pointer; color: var(--info); margin: 6px 0; }
svg.chart { display: block; max-width: 100%; height: auto; }
td svg.chart { display: inline-block; vertical-align: middle; max-width: none; }
.counts span { margin-right: 14px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
""".replace("__FONT__", FONT_FAMILY).replace("__MONO__", MONO_FAMILY)


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def num(value: int | float | None) -> str:
    return "–" if value is None else f"{value:,}"


def page(title: str, body: Iterable[str]) -> str:
    """A complete, self-contained HTML document."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        "<body><main>" + "\n".join(body) + "</main></body></html>\n"
    )


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    row_class: Sequence[str] = (),
) -> str:
    """An HTML table; cells are already-escaped HTML, ``numeric`` column indexes align right."""
    head = "".join(
        f'<th class="n">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    lines = []
    for r, cells in enumerate(rows):
        cls = f' class="{row_class[r]}"' if r < len(row_class) and row_class[r] else ""
        tds = "".join(
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(cells)
        )
        lines.append(f"<tr{cls}>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def severity(sev: str) -> str:
    return f'<span class="sev {esc(sev)}">{esc(sev)}</span>'


def chips(counts: dict[str, int], kind: str = "", limit: int = 4) -> str:
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return "".join(f'<span class="chip {kind}">{esc(k)} {num(v)}</span>' for k, v in top)
