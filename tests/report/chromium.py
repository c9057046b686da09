"""Headless Chromium for the report tests: dump a page's DOM and catch console output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]
# Chromium logs every console message as "...:INFO:CONSOLE(N)] "text", source: ..." (the
# format varies by version: CONSOLE(1) or CONSOLE:1); the reports have no scripts, so any
# console line — an Uncaught error, a CSP violation — is a failure.
CONSOLE = re.compile(r":CONSOLE[(:]|Uncaught|Refused to|Failed to load resource")


def require_chromium() -> str:
    """Chromium's path; skipped with the reason outside CI, a failure in CI (CI=true)."""
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    reason = f"{CHROMIUM} not found: apt-get install chromium (.ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class Rendered:
    dom: str
    console: list[str]


def render(page: Path, profile: Path, screenshot: Path | None = None) -> Rendered:
    """Open ``page`` from disk; the DOM after parsing and the console lines it produced."""
    args = [require_chromium(), *FLAGS, f"--user-data-dir={profile}"]
    if screenshot is not None:
        args += [f"--screenshot={screenshot}", "--window-size=1280,2400"]
    else:
        args.append("--dump-dom")
    done = subprocess.run(
        [*args, page.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if CONSOLE.search(line)]
    return Rendered(done.stdout, console)
