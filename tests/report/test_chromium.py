"""Each HTML report renders in headless Chromium with its charts and without console errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmmigrate.pipeline.run import RunResult
from tests.report.chromium import render

CHARTS = {
    "reconciliation.html": ["flow-accounts", "flow-contacts", "cluster-sizes", "timings-stages",
                            "fields-contacts.birthdate"],
    "validation.html": ["severity-bar", "rule-contacts.birthdate.invalid-date"],
}  # fmt: skip


def _charts(dom: str) -> dict[str, str]:
    """Rendered SVG charts by name, with their markup."""
    found = re.findall(r'<svg class="chart" data-chart="([^"]+)"(.*?)</svg>', dom, flags=re.S)
    return dict(found)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_report_renders_in_chromium(tiny_run: RunResult, tmp_path: Path, name: str) -> None:
    rendered = render(tiny_run.clean.run.path / name, tmp_path / "profile")
    assert rendered.console == [], "\n".join(rendered.console)
    assert 'id="verdict"' in rendered.dom
    charts = _charts(rendered.dom)
    for chart in CHARTS[name]:
        assert chart in charts, f"{name}: chart {chart} missing"
        assert re.search(r"<(rect|path)\b", charts[chart]), f"{name}: chart {chart} is empty"
    shot = tmp_path / "page.png"
    render(tiny_run.clean.run.path / name, tmp_path / "profile2", screenshot=shot)
    assert shot.stat().st_size > 10_000  # a blank page is ~3 KB


def test_console_errors_are_caught(tmp_path: Path) -> None:
    """The check above would see a broken page: a script error reaches the console lines."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefined_fn()</script></body></html>")
    rendered = render(page, tmp_path / "profile")
    assert any("Uncaught ReferenceError" in line for line in rendered.console)


def test_profile_report_renders_in_chromium(tmp_path: Path) -> None:
    """crmmigrate profile --html: renders with its bars and without console errors."""
    from crmmigrate.profile import profile_files, render_html

    samples = Path(__file__).parent.parent.parent / "samples"
    report = profile_files(["erp/accounts.csv", "shop/members.csv"], base_dir=samples)
    page = tmp_path / "profile.html"
    page.write_text(render_html(report), encoding="utf-8")
    rendered = render(page, tmp_path / "chrome")
    assert rendered.console == [], "\n".join(rendered.console)
    assert rendered.dom.count('class="bar blank"') >= 18
    assert "cp950" in rendered.dom
