"""Person names: casing table, splitting, column behaviour and idempotence properties."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.standardise import name
from crmmigrate.transform.standardise.name import split, split_full_name, split_value, standardise

CASING = [
    ("JOHN SMITH", "John Smith"),
    ("john smith", "John Smith"),
    ("John SMITH", "John Smith"),
    ("MCDONALD", "McDonald"),
    ("Mcdonald", "Mcdonald"),  # mixed case is the writer's choice
    ("MACARTHUR", "MacArthur"),
    ("MACK", "Mack"),
    ("MACY", "Macy"),
    ("O'BRIEN", "O'Brien"),
    ("D'ANGELO", "D'Angelo"),
    ("KA'AHUMANU", "Ka'ahumanu"),
    ("VAN DER BERG", "van der Berg"),
    ("PIETER VAN DER BERG", "Pieter van der Berg"),
    ("Pieter Van Der Berg", "Pieter Van Der Berg"),
    ("MARIA DE LA CRUZ", "Maria de la Cruz"),
    ("LEONARDO DA VINCI", "Leonardo da Vinci"),
    ("DeShawn JONES", "DeShawn Jones"),
    ("MEI-LING", "Mei-Ling"),
    ("Mei-ling", "Mei-ling"),
    ("JOHN SMITH III", "John Smith III"),
    ("john smith jr.", "John Smith Jr."),
    ("JOHN SMITH PHD", "John Smith PhD"),
    ("j.r.r. tolkien", "J.R.R. Tolkien"),
    ("JJ ABRAMS", "JJ Abrams"),
    ("WAI MAN NG", "Wai Man Ng"),
    ("LIU DE HUA", "Liu De Hua"),  # romanised Chinese: De is a syllable, not a particle
    ("NGUYEN VAN AN", "Nguyen Van An"),  # Vietnamese: Van is a middle name
    ("JOSÉ ÁLVAREZ", "José Álvarez"),
    ("陳大文", "陳大文"),
]


@pytest.mark.parametrize(("raw", "expected"), CASING)
def test_casing_table(raw: str, expected: str) -> None:
    assert name.standardise_part(raw).value == expected


def test_keep_casing_only_cleans() -> None:
    out = name.standardise_part("  JOHN   SMITH ", casing="keep")
    assert (out.value, out.status, out.rule) == ("JOHN SMITH", "fixed", "name.trim")


def test_rules_name_every_step() -> None:
    out = name.standardise_part("ＪＯＨＮ  O’BRIEN")
    assert out.value == "John O'Brien"
    assert out.rule == "name.nfkc+name.apostrophe+name.trim+name.case"


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("陳大文", (None, "大文", "陳")),
        ("歐陽娜娜", (None, "娜娜", "歐陽")),
        ("欧阳娜娜", (None, "娜娜", "欧阳")),
        ("陳林美玲", (None, "美玲", "陳林")),
        ("陳美玲", (None, "美玲", "陳")),
        ("王小明 先生", ("先生", "小明", "王")),
        ("李小姐", ("小姐", None, "李")),
        ("Mr. John Smith", ("Mr.", "John", "Smith")),
        ("MRS JANE DOE", ("Mrs.", "Jane", "Doe")),
        ("Doe, John", (None, "John", "Doe")),
        ("CHAN Tai Man", (None, "Tai Man", "Chan")),
        ("Chan Tai Man", (None, "Tai Man", "Chan")),
        ("Tai Man Chan", (None, "Tai Man", "Chan")),
        ("Kwok Wai Poon", (None, "Kwok Wai", "Poon")),
        ("Man Kit Fung", (None, "Man Kit", "Fung")),
        ("Lin Mei-Ling", (None, "Mei-Ling", "Lin")),
        ("John Smith", (None, "John", "Smith")),
        ("Madonna", (None, None, "Madonna")),
    ],
)
def test_split_full_name(raw: str, parts: tuple[str | None, ...]) -> None:
    got = split_full_name(raw)
    assert (got.salutation, got.first, got.last) == parts


def test_split_column_keeps_index_and_blanks() -> None:
    series = pd.Series(["陳大文", None, "  ", "Mr. John Smith", "陳大文"], index=[5, 6, 7, 8, 9])
    result = split(series.astype(object))
    assert list(result.values.index) == [5, 6, 7, 8, 9]
    assert list(result.status) == ["ok", "empty", "empty", "ok", "ok"]
    assert set(result.extras) == {"salutation", "first", "last", "suffix", "english_name"}
    assert list(result.extras["last"]) == ["陳", None, None, "Smith", "陳"]
    assert result.flags is None


def test_part_options_accept_the_full_name_option() -> None:
    """Config passes one person_name option set to both functions."""
    result = standardise(pd.Series(["JOHN"]), romanised_order="western")
    assert result.values.iloc[0] == "John"


def test_non_text_values_are_invalid_and_kept() -> None:
    result = standardise(pd.Series([12345, "Ann"], dtype=object))
    assert result.values.iloc[0] == 12345
    assert (result.status.iloc[0], result.reason.iloc[0]) == ("invalid", "not-a-name")


def test_ambiguous_order_is_flagged_not_guessed_silently() -> None:
    out = split_value("Siu Ming Wong")
    assert out.flag == "name-order-ambiguous"
    assert split_value("Wong Siu Ming").flag is None


def test_fast_paths_agree_with_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    values = ["陳大文", "歐陽娜娜", "陳林美玲", "Chan Tai Man", "Tai Man Chan", "John Smith",
              "Siu Ming Wong", "Lee Evans", "Wang Xiaoming", "Kwok Wai-man Poon", "Test User",
              "Mr Smith", "Au Yeung Ka Yan", "Pieter Van Berg", "Mei-ling Lin", "不詳",
              "  Ng Mei Ling  ", " 陳大文", "  JOHN SMITH ", " 李小姐 ",
              " \u3000陳 大文"]  # fmt: skip
    fast = [name._full_row(v, "smart", "auto") for v in values]
    monkeypatch.setattr(name, "FAST_PATHS", False)
    assert [name._full_row(v, "smart", "auto") for v in values] == fast


_PIECES = st.sampled_from(
    [
        *"abcdeghilmnostuyzABCDEGHMNOSTW'-., ",
        *("Mc", "Mac", "van ", "de ", "la ", "III", "Jr", "Mr ", "Dr.", "Chan ", "Wong ", "Man"),
        *"陳林歐陽大文美玲先生小姐 　ＡＢｃ’‧·",
    ]
)
_NAMEISH = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_NAMEISH)
def test_name_parts_are_idempotent(raw: str) -> None:
    once = name.standardise_part(raw) if raw.strip() else None
    if once is None:
        return
    if once.status == "invalid":
        assert once.value == raw
        return
    twice = name.standardise_part(once.value)  # type: ignore[arg-type]
    assert twice.value == once.value
    assert twice.status == "ok"


@settings(max_examples=300, deadline=None)
@given(_NAMEISH, st.sampled_from(["auto", "western", "surname-first"]))
def test_full_names_are_idempotent(raw: str, order: str) -> None:
    if not raw.strip():
        return
    once = split_value(raw, romanised_order=order)  # type: ignore[arg-type]
    if once.status == "invalid":
        assert once.value == raw
        return
    twice = split_value(once.value, romanised_order=order)  # type: ignore[arg-type]
    assert twice.value == once.value
    assert twice.status == "ok"
