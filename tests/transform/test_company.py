"""Company names: key equality groups, display rules, column behaviour, idempotence."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.standardise import company
from crmmigrate.transform.standardise.company import match_key, standardise, standardise_value

SAME_COMPANY = [
    ["Acme Co., Ltd.", "ACME CO LTD", "Acme Company Limited", "Acme Limited", "ACME Corp.",
     "acme co.,ltd", "Acme Inc.", "ＡＣＭＥ　ＣＯ．，ＬＴＤ．", "The Acme Company", "Acme LLC"],
    ["台灣積體電路製造股份有限公司", "臺灣積體電路製造(股)公司", "台湾积体电路制造股份有限公司",
     "台灣積體電路製造（股）公司", "臺灣積體電路製造有限公司", " 台灣積體電路製造 股份有限公司 "],
    ["瑞展科技(股)公司", "瑞展科技股份有限公司", "瑞展科技公司", "瑞展科技"],
    ["詠晟商行股份有限公司", "詠晟商行", "咏晟商行"],
    ["Bluepeak Analytics", "Bluepeak Analytics Inc.", "BLUEPEAK ANALYTICS INC"],
    ["Johnson & Johnson", "Johnson and Johnson", "JOHNSON & JOHNSON"],
    ["Société Générale S.A.", "Societe Generale SA", "SOCIETE GENERALE"],
    ["McDonald's Corporation", "McDonalds Corp", "MCDONALD'S CORP."],
]  # fmt: skip
DIFFERENT_COMPANIES = [
    "Acme Co., Ltd.", "Acme Holdings Ltd", "Acme Group Limited", "Acme (Taiwan) Co., Ltd.",
    "Acme Co., Ltd. Taiwan Branch", "Acme Trading Co., Ltd.", "台灣積體電路製造股份有限公司",
    "台灣積體電路製造股份有限公司台北分公司", "台灣積體電路製造股份有限公司新竹分公司",
    "晉豐國際貿易有限公司", "晉豐貿易有限公司", "長江實業(集團)有限公司", "長江實業有限公司",
    "好日子設計工作室", "好日子設計",
]  # fmt: skip


@pytest.mark.parametrize("group", SAME_COMPANY, ids=lambda g: g[0])
def test_variants_of_one_company_share_one_key(group: list[str]) -> None:
    keys = {match_key(v) for v in group}
    assert len(keys) == 1 and None not in keys, keys


def test_different_companies_have_different_keys() -> None:
    keys = [match_key(v) for v in DIFFERENT_COMPANIES]
    assert None not in keys
    assert len(set(keys)) == len(keys), keys


def test_key_folds_traditional_to_simplified_never_back() -> None:
    assert match_key("臺灣積體電路製造股份有限公司") == "台湾积体电路制造"
    assert match_key("华为技术有限公司") == match_key("華為技術有限公司") == "华为技术"


@pytest.mark.parametrize(
    ("raw", "display", "legal_form"),
    [
        ("瑞展科技(股)公司", "瑞展科技股份有限公司", "股份有限公司"),
        ("Acme Co.,Ltd", "Acme Co., Ltd.", "Co., Ltd."),
        ("ACME CO LTD", "Acme Co., Ltd.", "Co., Ltd."),
        ("ACME TRADING CO., LTD.", "Acme Trading Co., Ltd.", "Co., Ltd."),
        ("IBM TAIWAN CORPORATION", "IBM Taiwan Corporation", "Corp."),
        ("KPMG ADVISORY SERVICES LIMITED", "KPMG Advisory Services Limited", "Ltd."),
        ("BANK OF AMERICA CORP", "Bank of America Corp", "Corp."),
        ("ASUS", "ASUS", None),
        ("Acme , Inc.", "Acme, Inc.", "Inc."),
        ("【瑞展】科技有限公司", "(瑞展)科技有限公司", "有限公司"),
    ],
)
def test_display_and_legal_form(raw: str, display: str, legal_form: str | None) -> None:
    row = standardise_value(raw)
    assert (row[0], row[6]) == (display, legal_form)


@pytest.mark.parametrize("raw", ["有限公司", "Co., Ltd.", "Limited", "N/A", "個人", "-", "a@b.com"])
def test_not_a_company_name(raw: str) -> None:
    row = standardise_value(raw)
    assert (row[0], row[1], row[3], row[5]) == (raw, "invalid", "not-a-company-name", None)


def test_column_extras_and_blanks() -> None:
    series = pd.Series(["Acme Ltd", None, "", "臺灣積體電路製造(股)公司", "Acme Ltd"], dtype=object)
    result = standardise(series)
    assert list(result.status) == ["ok", "empty", "empty", "fixed", "ok"]
    assert set(result.extras) == {"match_key", "legal_form", "branch"}
    assert list(result.extras["match_key"]) == ["acme", None, None, "台湾积体电路制造", "acme"]
    assert list(result.rule)[3] == "company.legal-form"


def test_many_keys_fold_in_one_batch() -> None:
    names = [f"臺灣第{i}號股份有限公司" for i in range(500)] + ["Acme Ltd"] * 3
    keys = standardise(pd.Series(names, dtype=object)).extras["match_key"]
    assert keys.iloc[7] == "台湾第7号" and keys.iloc[-1] == "acme"


def test_pure_han_fast_path_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    values = ["瑞展科技股份有限公司", "台灣宏昇精密工業股份有限公司", "有限公司", "個人",
              "詠晟商行股份有限公司", "台積電台北分公司", "好日子設計工作室", "公司"]  # fmt: skip
    fast = [company._parse(v) for v in values]
    monkeypatch.setattr(company, "FAST_PATHS", False)
    assert [company._parse(v) for v in values] == fast


_PIECES = st.sampled_from(
    ["Acme", "ACME", "acme", " ", "  ", ",", ".", "Co", "CO", "Ltd", "LTD.", "Inc", "Limited",
     "Company", "&", "The ", "(", ")", "（股）", "(股)", "公司", "有限", "股份", "臺灣", "台灣",
     "科技", "分公司", "台北", "Branch", "Taiwan ", "é", "Ａ", "　", "'s", "-", "IBM", "OF ",
     "集團"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join))
def test_company_names_are_idempotent(raw: str) -> None:
    if not raw.strip():
        return
    once = standardise_value(raw)
    if once[1] == "invalid":
        assert once[0] == raw
        return
    twice = standardise_value(once[0])
    assert twice[0] == once[0]
    assert twice[1] == "ok"
    assert twice[5] == once[5], "the key of the display form is the key of the raw value"
