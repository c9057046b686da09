"""The standardise corpus: real-world-shaped cases per kind, each with expected output and status.

Each ``tests/data/standardise/<name>.yaml`` holds::

    kind: phone                                   # module crmmigrate.transform.standardise.<kind>
    function: crmmigrate.transform.standardise.date:standardise_datetime   # optional override
    options: {region: TW}                         # optional defaults for every case
    cases:
      - {input: "02-2345-6789", value: "+886223456789", status: fixed}
      - {input: "123", options: {region: HK}, value: "123", status: invalid, reason: too-short}
      - {input: "0912-345-678 #12", value: "+886912345678", extras: {extension: "12"}}
      - column: ["03/04/2023", "25/04/2023"]    # a column decided as a whole
        values: ["2023-04-03", "2023-04-25"]
        statuses: [fixed, fixed]
        notes: {date_order: DMY}

Every single-value case is also checked for idempotence: standardising the output again gives
the same value, and an ``invalid`` value is never changed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from crmmigrate.transform.standardise.base import Standardised

CORPUS = Path(__file__).parent.parent / "data" / "standardise"


def _function(spec: dict[str, Any]) -> Callable[..., Standardised]:
    target = spec.get("function") or f"crmmigrate.transform.standardise.{spec['kind']}:standardise"
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _cases() -> list[Any]:
    params = []
    for path in sorted(CORPUS.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(spec["cases"]):
            label = case.get("input", case.get("column"))
            params.append(pytest.param(spec, case, id=f"{path.stem}[{i}]:{str(label)[:40]}"))
    return params


def _norm(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _check_extras(result: Standardised, expected: dict[str, Any], row: int) -> None:
    for key, want in expected.items():
        got = result.extras.get(key)
        got_value = None if got is None else _norm(got.iloc[row])
        assert got_value == want, f"extras[{key}]"


@pytest.mark.parametrize(("spec", "case"), _cases())
def test_corpus_case(spec: dict[str, Any], case: dict[str, Any]) -> None:
    fn = _function(spec)
    options = {**spec.get("options", {}), **case.get("options", {})}
    if "column" in case:
        series = pd.Series(case["column"], dtype=object)
        result = fn(series, **options)
        assert [_norm(v) for v in result.values] == case["values"]
        if "statuses" in case:
            assert list(result.status) == case["statuses"]
        for key, want in case.get("notes", {}).items():
            assert result.notes.get(key) == want, f"notes[{key}]"
        return
    series = pd.Series([case["input"]], dtype=object)
    result = fn(series, **options)
    assert _norm(result.values.iloc[0]) == case["value"], "value"
    if "status" in case:
        assert result.status.iloc[0] == case["status"], "status"
    if "reason" in case:
        assert _norm(result.reason.iloc[0]) == case["reason"], "reason"
    if "flag" in case:
        flags = result.flags
        assert (None if flags is None else _norm(flags.iloc[0])) == case["flag"], "flag"
    _check_extras(result, case.get("extras", {}), 0)
    if result.status.iloc[0] == "invalid":
        assert result.values.iloc[0] == case["input"], "invalid values are kept as they were"
    # idempotence: the output standardised again is unchanged (and not 'fixed')
    again = fn(pd.Series([result.values.iloc[0]], dtype=object), **options)
    assert _norm(again.values.iloc[0]) == _norm(result.values.iloc[0]), "not idempotent"
    assert again.status.iloc[0] in ("ok", "invalid", "empty"), "second pass changed it"


def test_corpus_size() -> None:
    """The standardise issue asks for at least 400 real-world-shaped cases."""
    total = sum(
        len(yaml.safe_load(p.read_text(encoding="utf-8"))["cases"]) for p in CORPUS.glob("*.yaml")
    )
    assert total >= 400
