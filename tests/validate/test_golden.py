"""validation.json on a tiny fixed run equals the golden file (volatile fields stripped).

Regenerate: CRMMIGRATE_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/validate/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from crmmigrate.pipeline.validate import validate_run
from crmmigrate.runs import Run
from tests.validate.helpers import GOLDEN, make_run

VOLATILE = ("validated_at",)


def _stable(document: dict[str, Any], root: Path) -> dict[str, Any]:
    out = {k: v for k, v in document.items() if k not in VOLATILE}
    text = json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True)
    return json.loads(text.replace(str(root), "<tmp>"))


def test_validation_json_matches_golden(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    validate_run(Run(run), fail_on="error")
    got = _stable(json.loads((run / "validation.json").read_text("utf-8")), tmp_path)
    golden = GOLDEN / "validation.json"
    if os.environ.get("CRMMIGRATE_REGEN_GOLDEN") == "1":
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    assert got == json.loads(golden.read_text("utf-8"))
