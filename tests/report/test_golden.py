"""Golden reconciliation.json of the tiny project; CRMMIGRATE_REGEN_GOLDEN=1 rewrites it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from crmmigrate.pipeline.run import RunResult

GOLDEN = Path(__file__).parent / "golden" / "reconciliation.json"
# differ from run to run or machine to machine; their presence is still checked
VOLATILE = ("run_id", "tool_version", "config_hash", "created_at", "target", "timings",
            "clean_timings")  # fmt: skip


def stable(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: ("<volatile>" if k in VOLATILE else v) for k, v in data.items()}
    out["load"] = {**data["load"], "target": "<volatile>"}
    return out


def test_reconciliation_json_matches_golden(tiny_run: RunResult) -> None:
    data = json.loads((tiny_run.clean.run.path / "reconciliation.json").read_text("utf-8"))
    assert set(VOLATILE) <= data.keys()
    got = stable(data)
    if os.environ.get("CRMMIGRATE_REGEN_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", "utf-8")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    assert got == expected, "reconciliation.json changed; if intended: CRMMIGRATE_REGEN_GOLDEN=1"
