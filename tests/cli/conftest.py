"""The CLI tests' project: the shared two-source fixture (tests/conftest.py), cwd in its dir.

Test files whose project differs (other sources, rules) define their own ``project``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def project(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    path = make_project()
    monkeypatch.chdir(path.parent)
    return path
