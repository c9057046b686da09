"""How long steps tell the caller where they are, without knowing who is watching.

A library step calls ``progress(step)`` when it starts and, when it can count its work,
``progress(step, done, total, unit)`` as it goes. The CLI draws bars in a terminal and writes
plain lines to a log; the library never prints.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(
        self, step: str, done: int | None = None, total: int | None = None, unit: str = ""
    ) -> None: ...


def no_progress(
    step: str, done: int | None = None, total: int | None = None, unit: str = ""
) -> None:
    """The progress of a caller that does not watch."""
    return None
