"""Text clean-up: the vectorised column version agrees with the per-value reference."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.standardise.text import clean_text, clean_text_value

_tricky = st.text(alphabet=" \t\n\r\u3000ａＡ０abc\u00a0\u2028\x1c\x85\u200b\ufeff陳", max_size=10)
_values = st.lists(st.one_of(st.none(), st.text(max_size=12), _tricky), max_size=8)


@settings(max_examples=400)
@given(_values, st.booleans())
def test_column_agrees_with_reference(values: list[str | None], multiline: bool) -> None:
    result = clean_text(pd.Series(values, dtype=object), multiline=multiline)
    for raw, out, status, rule in zip(
        values, result.values, result.status, result.rule, strict=True
    ):
        if raw is None or raw.strip() == "":
            assert (out, status) == (None, "empty")
            continue
        ref = clean_text_value(raw, multiline=multiline)
        assert (out, status) == (ref.value, ref.status)
        if status == "fixed":
            assert rule == ref.rule


def test_rules_name_what_changed() -> None:
    result = clean_text(pd.Series(["ａ", " a ", " ａ ", "a", None], dtype=object))
    assert result.rule.tolist() == [
        "text.nfkc",
        "text.whitespace",
        "text.nfkc+whitespace",
        None,
        None,
    ]
    assert result.status.tolist() == ["fixed", "fixed", "fixed", "ok", "empty"]
