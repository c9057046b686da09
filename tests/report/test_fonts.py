"""Every HTML report names the common CJK system fonts, so Chinese text never renders as boxes.

Checked on each page's CSS and on the SVG charts (which set their own font-family): every
declaration that ends in a generic family must list the CJK fonts before it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmmigrate.pipeline.run import RunResult
from crmmigrate.profile import profile_files, render_html

CJK = ["PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", "Noto Sans TC",
       "Source Han Sans TC", "Microsoft YaHei", "Noto Sans CJK SC"]  # fmt: skip
SAMPLES = Path(__file__).parent.parent.parent / "samples"
# a font stack: in CSS after "font:" or "font-family:", in SVG the attribute's value
CSS_STACK = re.compile(r"font(?:-family)?\s*:\s*([^;}]*)")
SVG_STACK = re.compile(r'font-family="([^"]*)"')


def _stacks(html: str) -> list[str]:
    return CSS_STACK.findall(html) + SVG_STACK.findall(html)


def _families(stack: str) -> list[str]:
    return [f.strip().strip("\"'") for f in stack.split(",")]


def _assert_cjk(html: str, name: str) -> None:
    stacks = _stacks(html)
    assert stacks, f"{name}: no font named"
    for stack in stacks:
        families = _families(stack)
        named = [f for f in families if f in CJK]
        assert named == CJK, f"{name}: {stack}"
        assert families.index(CJK[-1]) < len(families) - 1  # the generic family stays last


@pytest.mark.parametrize("name", ["reconciliation.html", "validation.html"])
def test_run_reports_name_the_cjk_fonts(tiny_run: RunResult, name: str) -> None:
    html = (tiny_run.clean.run.path / name).read_text("utf-8")
    _assert_cjk(html, name)
    assert "<svg" in html and 'font-family="' in html  # the charts are checked too


def test_the_dedupe_section_is_on_a_page_that_names_them(tiny_run: RunResult) -> None:
    """The dedupe report is a section of reconciliation.html, under the same CSS."""
    html = (tiny_run.clean.run.path / "reconciliation.html").read_text("utf-8")
    assert '<h2 id="dedupe">Duplicates merged</h2>' in html
    assert 'data-chart="cluster-sizes"' in html


def test_profile_report_names_the_cjk_fonts() -> None:
    report = profile_files(["erp/accounts.csv"], base_dir=SAMPLES)
    html = render_html(report)
    _assert_cjk(html, "profile")
    assert len(_stacks(html)) == 2  # body and code


def test_the_check_sees_a_stack_without_cjk() -> None:
    assert _stacks("body{font:14px/1.4 system-ui,sans-serif}") == ["14px/1.4 system-ui,sans-serif"]
    with pytest.raises(AssertionError):
        _assert_cjk("body{font:14px/1.4 system-ui,sans-serif}", "old")
