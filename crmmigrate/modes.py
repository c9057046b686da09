"""The choices a command takes as words (``--fail-on``, ``--mode``), without importing the pipeline.

The CLI builds its options from these at start-up, so ``crmmigrate --help`` stays fast: this module
must import nothing heavier than :mod:`typing`.
"""

from __future__ import annotations

from typing import Literal

FailOn = Literal["error", "warning", "never"]
LoadMode = Literal["insert", "upsert", "incremental"]
