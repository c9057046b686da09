"""Progress on stderr: plain timed lines when stderr is not a terminal, nothing with --quiet.

The line writer is tested with a fake clock, so what it prints does not depend on how busy
the machine is; the end-to-end tests turn it on with CRMMIGRATE_PROGRESS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.common import ProgressLines
from crmmigrate.cli.main import app


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _lines() -> tuple[ProgressLines, Clock, list[str]]:
    clock, written = Clock(), []
    lines = ProgressLines(lambda text, **_: written.append(text), clock=clock)
    return lines, clock, written


def test_short_steps_write_nothing_long_ones_their_time() -> None:
    lines, clock, written = _lines()
    lines("reading erp")
    clock.now = 0.5
    lines("finding duplicates in contacts: scoring")
    clock.now = 75.4
    lines("writing the run")
    lines.close()
    assert written == ["finding duplicates in contacts: scoring: done in 1 min 15 s"]


def test_a_counted_step_writes_its_count_and_time_left_every_ten_seconds() -> None:
    lines, clock, written = _lines()
    lines("loading contacts", 0, 50_000, "rows")
    for second, done in ((4, 5_000), (10, 12_500), (15, 20_000), (20, 25_000)):
        clock.now = second
        lines("loading contacts", done, 50_000, "rows")
    assert written == [
        "loading contacts: 12,500/50,000 rows (25%), about 30 s left",
        "loading contacts: 25,000/50,000 rows (50%), about 20 s left",
    ]


def test_lines_reach_stderr_and_quiet_silences_them(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    monkeypatch.chdir(project.parent)
    monkeypatch.setenv("CRMMIGRATE_PROGRESS", "lines")
    monkeypatch.setattr(ProgressLines, "QUIET_FOR", 0.0)  # every step is "long"
    runner = CliRunner()
    loud = runner.invoke(app, ["clean"])
    assert loud.exit_code == 0
    steps = [line.rsplit(": done in ", 1)[0] for line in loud.stderr.splitlines()]
    for step in ("backing up sources", "reading erp", "standardising legacy", "writing the run"):
        assert step in steps
    quiet = runner.invoke(app, ["clean", "--quiet"])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
