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


# values the column version leaves alone without running NFKC or the whitespace patterns
# (ASCII, CJK Unified Ideographs, single spaces) next to ones that look alike but change
_LOOKALIKES = [
    "臺北市中正區重慶南路一段12號3樓",
    "臺北市中正區重慶南路一段１２號",  # full-width digits
    "\uf900\u2f00 路",  # a compatibility ideograph and a Kangxi radical
    "\u9fff\u4e00",
    "Flat 8B, Kam Fung Court",
    "Flat  8B",
    "a\u00a0b",
    "a\u3000b",
    " a",
    "a ",
    "a\nb",
    "a \n b",
    "a\r\nb",
    "e\u0301",
]


def test_skipped_values_agree_with_reference() -> None:
    for multiline in (False, True):
        result = clean_text(pd.Series(_LOOKALIKES, dtype=object), multiline=multiline)
        for raw, out, status in zip(_LOOKALIKES, result.values, result.status, strict=True):
            ref = clean_text_value(raw, multiline=multiline)
            assert (out, status) == (ref.value, ref.status), raw
