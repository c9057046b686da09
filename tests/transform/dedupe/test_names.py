"""Name knowledge for dedupe: nickname roots, romanisation keys across scripts, initials.

Romanisation examples are real-world spellings: Taiwan passports (Wade–Giles without
apostrophes: Chih-Hao, Shu-Fen, Yi-Chun, Chun-Hung) and Hong Kong identity cards (HK Government
Cantonese: Chan Tai Man, Li Ka Shing, Ho Hung Sun, Leung Chun Ying, Lam Cheng Yuet Ngor).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.dedupe.names import (
    given_name_root,
    name_initial,
    nickname_roots,
    romanised_keys,
)


def keys(first: str | None, last: str | None) -> list[str]:
    out = romanised_keys(pd.Series([first], dtype=object), pd.Series([last], dtype=object))[0]
    return [] if out is None else out.split("|")


def root(value: str | None) -> str | None:
    return given_name_root(pd.Series([value], dtype=object))[0]


# --- given-name roots --------------------------------------------------------------------------

SAME_ROOT = [
    ("Bob", "Robert", "Rob", "Bobby", "ROBBIE"),
    ("Bill", "William", "Will", "Liam", "Billy"),
    ("Peggy", "Maggie", "Margaret", "Meg"),
    ("Kate", "Katie", "Catherine", "Katherine", "Kathy", "Kathryn"),
    ("Jim", "James", "Jimmy"),
    ("Dick", "Richard", "Rick"),
    ("Jack", "John", "Jon", "Johnny"),
    ("Stephen", "Steven", "Steve"),
    ("Sean", "Shaun", "Shawn"),
    ("Alex", "Alexander", "Alec"),
    ("Liz", "Elizabeth", "Betty", "Beth", "Elisabeth"),
    ("Mohammed", "Muhammad", "Mohamed"),
]


@pytest.mark.parametrize("names", SAME_ROOT, ids=lambda n: n[0])
def test_nicknames_share_a_root(names: tuple[str, ...]) -> None:
    assert len(set(given_name_root(pd.Series(names)))) == 1


def test_roots_are_lower_case_formal_names() -> None:
    got = given_name_root(pd.Series(["Bob", "Bill", "Peggy", "Jack", "Alex", "Kathy"]))
    assert got.tolist() == ["robert", "william", "margaret", "john", "alexander", "catherine"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("José", "jose"),
        ("Zoë", "zoe"),
        ("Søren", "soren"),
        ("Mary-Ann", "maryann"),
        ("Tai Man", "taiman"),
        ("J.", "j"),
        ("  KEANU ", "keanu"),  # unknown: itself, folded
        ("偉強", "伟强"),  # other scripts stay, Traditional folded to Simplified
        (None, None),
        ("", None),
        ("   ", None),
        ("-", None),
    ],
)
def test_root_folding(value: str | None, expected: str | None) -> None:
    assert root(value) == expected


def test_nickname_table_has_one_root_per_variant_and_no_chains() -> None:
    table = nickname_roots()
    assert len(table) > 500
    assert not set(table) & set(table.values())  # a root is never a variant of another root
    assert all(re.fullmatch("[a-z]+", k + v) for k, v in table.items())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet="abcJoséBOB -.'ü", max_size=8), min_size=1, max_size=5))
def test_root_is_idempotent(values: list[str]) -> None:
    once = given_name_root(pd.Series(values))
    assert given_name_root(once).tolist() == once.tolist()


def test_series_keep_their_index() -> None:
    values = pd.Series(["Bob", None, "Bob"], index=[10, 20, 30])
    assert given_name_root(values).to_dict() == {10: "robert", 20: None, 30: "robert"}
    assert name_initial(values).index.tolist() == [10, 20, 30]


# --- romanisation keys -------------------------------------------------------------------------


def test_chinese_name_in_three_romanisations() -> None:
    assert keys("大文", "陳") == ["chan taiman", "chen dawen", "chen tawen"]


@pytest.mark.parametrize(
    ("given", "wade_giles"),
    [("志豪", "chihhao"), ("淑芬", "shufen"), ("美玲", "meiling"), ("宜君", "yichun"),
     ("俊宏", "chunhung"), ("欣怡", "hsinyi"), ("秀蓮", "hsiulien")],
)  # fmt: skip
def test_taiwan_passport_wade_giles(given: str, wade_giles: str) -> None:
    assert any(k.endswith(" " + wade_giles) for k in keys(given, "林"))


def test_wade_giles_fixes_over_pypinyin() -> None:
    assert "lai shufen" in keys("淑芬", "賴")  # pypinyin 0.55 writes "lei"
    assert "huo chihming" in keys("志明", "霍")  # and "ho"
    assert "mai chiahui" in keys("家慧", "麥")


@pytest.mark.parametrize(
    ("family", "hk"),
    [("黃", "wong"), ("陳", "chan"), ("張", "cheung"), ("李", "lee"), ("林", "lam"),
     ("王", "wong"), ("吳", "ng"), ("曾", "tsang"), ("謝", "tse"), ("鄭", "cheng")],
)  # fmt: skip
def test_hong_kong_surnames(family: str, hk: str) -> None:
    assert f"{hk} taiman" in keys("大文", family)


@pytest.mark.parametrize(
    ("name", "hk"),
    [
        ("李嘉誠", "li kashing"),
        ("李嘉誠", "lee kashing"),
        ("何鴻燊", "ho hungsun"),
        ("梁振英", "leung chunying"),
        ("林鄭月娥", "lamcheng yuetngor"),  # a married woman's double surname
        ("周潤發", "chow yunfat"),
        ("張欣怡", "cheung yanyee"),
        ("徐子健", "tsui tszkin"),
    ],
)
def test_hong_kong_full_names(name: str, hk: str) -> None:
    assert hk in keys(name, None)


SAME_PERSON = [
    (("美玲", "林"), ("Mei-Ling", "Lin")),
    (("志豪", "陳"), ("Chih-Hao", "Chen")),
    (("淑芬", "黃"), ("Shu-Fen", "Huang")),
    (("宜君", "蔡"), ("Yi-Chun", "Tsai")),
    (("俊宏", "吳"), ("Chun-Hung", "Wu")),
    (("大文", "陳"), ("Tai Man", "Chan")),
    (("小明", "王"), ("Siu Ming", "Wong")),
    (("大文", "陳"), ("Da-Wen", "Chen")),
    (("嘉誠", "李"), ("Ka Shing", "Li")),
    (("娜娜", "歐陽"), ("Nana", "Ouyang")),
]


@pytest.mark.parametrize(("chinese", "latin"), SAME_PERSON, ids=lambda p: "".join(p))
def test_chinese_and_romanised_forms_share_a_key(
    chinese: tuple[str, str], latin: tuple[str, str]
) -> None:
    assert set(keys(*chinese)) & set(keys(*latin))


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("陳大文", "陈大文"), ("黃淑芬", "黄淑芬"), ("歐陽娜娜", "欧阳娜娜"), ("鄭志偉", "郑志伟"),
     ("區家麟", "区家麟"), ("葉詩詠", "叶诗咏"), ("劉德華", "刘德华")],
)  # fmt: skip
def test_traditional_and_simplified_give_the_same_keys(traditional: str, simplified: str) -> None:
    assert keys(traditional, None) == keys(simplified, None)
    assert keys(traditional[1:], traditional[0]) == keys(simplified[1:], simplified[0])


@pytest.mark.parametrize(
    ("name", "key"),
    [("歐陽娜娜", "ouyang nana"), ("司徒華", "szeto wah"), ("諸葛亮", "zhuge liang"),
     ("上官婉兒", "shangguan waner"), ("司馬光", "sima guang"), ("張簡志明", "zhangjian zhiming"),
     ("范姜美玲", "fanjiang meiling"), ("陳林美玲", "chenlin meiling")],
)  # fmt: skip
def test_whole_name_splits_surname_first(name: str, key: str) -> None:
    assert key in keys(name, None)
    assert keys(name, None) == keys(None, name)  # the full name in the family field too


def test_surname_readings() -> None:
    assert "zeng zhiwei" in keys("志偉", "曾")  # not "ceng"
    assert "ou jialin" in keys("家麟", "區")  # not "qu"
    assert "shan tianfang" in keys("田芳", "單")  # not "dan"


@pytest.mark.parametrize("given", ["Tai Man", "Tai-Man", "Taiman", "TAI MAN", "tai-man"])
def test_latin_names_give_one_key_as_written(given: str) -> None:
    assert keys(given, "Chan") == ["chan taiman"]


def test_mixed_and_partial_names() -> None:
    assert keys("Peter", "陳") == ["chan peter", "chen peter"]
    assert keys(None, "陳") == ["chan", "chen"]
    assert keys("Tai Man", None) == ["taiman"]
    assert keys("Tai Man", "  ") == ["taiman"]
    assert keys("Ch'en", "O'Brien") == ["obrien chen"]
    assert keys(None, None) == []
    assert keys("", " ") == []


def test_keys_are_sorted_unique_and_aligned() -> None:
    given_names = pd.Series(["大文", "Tai Man", None, "淑儀", "大文"], index=list("abcde"))
    family_names = pd.Series(["陳", "Chan", None, "葉", "陳"], index=list("abcde"))
    got = romanised_keys(given_names, family_names)
    assert got.index.tolist() == list("abcde")
    assert got["c"] is None
    assert got["a"] == got["e"]
    for value in got.dropna():
        parts = value.split("|")
        assert parts == sorted(set(parts))
        assert all(re.fullmatch("[a-z]+( [a-z]+)?", p) for p in parts)
    assert len(got["d"].split("|")) <= 8  # 葉 Yip/Ip × 儀 Yee/Yi stay few


def test_keys_do_not_depend_on_row_order() -> None:
    given_names = pd.Series(["大文", "Tai Man", "淑芬", None, "Bob", "陳大文"] * 3)
    family_names = pd.Series(["陳", "Chan", "黃", "Lee", None, None] * 3)
    forward = romanised_keys(given_names, family_names)
    order = list(reversed(range(len(given_names))))
    backward = romanised_keys(given_names.iloc[order], family_names.iloc[order])
    assert backward.sort_index().tolist() == forward.tolist()


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError):
        romanised_keys(pd.Series(["a"]), pd.Series(["b", "c"]))


# --- initials ----------------------------------------------------------------------------------


def test_initials() -> None:
    values = pd.Series(["J.", "John", "  émile", "大文", "陳", "", None, "-"])
    assert name_initial(values).tolist() == ["j", "j", "e", "d", "c", None, None, None]
