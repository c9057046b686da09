"""Shared helpers for the extract tests: every fixture file is written into tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

WriteFile = Callable[[str, bytes | str], Path]


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """Write a file under tmp_path (str content as UTF-8 with the newlines given) and return it."""

    def _write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write
