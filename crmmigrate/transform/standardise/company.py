"""Company names: a canonical display form plus a matching key without legal suffixes.

**Display** (the value): Unicode NFKC (full-width letters and ``（）`` → ASCII), ``【】`` and
``〔〕`` → ``()``, whitespace trimmed and collapsed, spaces between CJK characters removed, the
Taiwanese abbreviation ``(股)公司``/``(股)`` written out as the registered form 股份有限公司,
every spelling of ``Co. Ltd`` (``Co.,Ltd``, ``CO LTD``, ``Co.,Ltd.``) as ``Co., Ltd.``, a space
after a comma and none before it. A name written entirely in capitals with at least two Latin
words is re-cased: words of four or more letters in Title Case (``ACME TRADING`` → ``Acme
Trading``), acronyms kept (words without vowels: ``HSBC``, ``KPMG``; words of up to three
letters that are not common English words: ``IBM``, ``ABC``), small words lower-case inside
(``Bank of America``), legal suffixes in their usual case (``Ltd``, ``GmbH``, ``LLC``). A single
capitalised word (``ASUS``, ``IBM``) is a brand and stays. Rules: ``company.nfkc``,
``company.trim``, ``company.brackets``, ``company.legal-form``, ``company.cjk-spaces``,
``company.case``, ``company.punctuation``.

**extras["match_key"]**: lower case, accents and punctuation removed, ``&`` read as ``and``, a
leading ``the`` dropped, 台/臺 folded and Traditional/Simplified folded with OpenCC ``t2s`` (never
``s2t``), legal suffixes removed from the end (repeatedly, so ``Co., Ltd.``, ``Company Limited``,
``商行股份有限公司`` all go). English: Co, Company, Corp, Corporation, Inc, Incorporated, Ltd,
Limited, LLC, LLP, LP, PLC, Pte, Pty, Pvt, Sdn Bhd, Berhad, GmbH, AG, SA, BV, NV, KK, SARL,
SRL, SpA, SAS. Chinese (Traditional and Simplified): 股份有限公司, 有限責任公司, 有限公司,
無限公司, 兩合公司, 股份公司, (股)公司, 公司, 總公司, 企業社, 商行, 商號, 行號; Japanese 株式会社,
有限会社. Holdings, Group/集團, International and 工作室 are part of the name and stay: a holding
company and its operating company are different customers. A branch (``台北分公司``,
``Taiwan Branch``) stays in the display *and* in the key, so a branch never merges with its
head office; ``extras["branch"]`` holds it on its own.

**extras["legal_form"]**: the outermost legal suffix found, normalised (``Co., Ltd.``, ``Ltd.``,
``Inc.``, ``股份有限公司`` for ``(股)公司``).

``invalid`` / ``not-a-company-name``: nothing left once the suffixes are removed (``有限公司``),
no letter or CJK character at all (``-``, ``1688``), an e-mail address, or a placeholder from
``crmmigrate/data/names/not_companies.txt`` (``N/A``, ``個人``, ``self-employed``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import pandas as pd

from crmmigrate.transform.standardise._name_build import Row, build
from crmmigrate.transform.standardise._name_case import CJK, CJK_CHARS, capitalise
from crmmigrate.transform.standardise._name_data import entries
from crmmigrate.transform.standardise.base import Standardised

EXTRAS = ("match_key", "legal_form", "branch")
NOT_COMPANIES = entries("not_companies.txt")

_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")"})
_CJK_SPACE = re.compile(
    f"(?<=[{CJK_CHARS}]) (?=[{CJK_CHARS}()])|(?<=[{CJK_CHARS}()]) (?=[{CJK_CHARS}])"
)
_GU = re.compile(r"\(股\) ?公司|\(股\)$")
_CO_LTD = re.compile(r"\bCo\b\s*[.,]?\s*[.,]?\s*Ltd\b\.?", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.])")
_COMMA_NO_SPACE = re.compile(r"(?<=[A-Za-z.]),(?=[A-Za-z(])")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'&.\-]*")
_SMALL = frozenset({
    "of", "and", "the", "for", "in", "on", "at", "by", "to", "a", "an", "de", "du", "la",
    "van", "von", "der"
})  # fmt: skip
# short words that are words, not acronyms, in an ALL-CAPS name (ACE HARDWARE → Ace Hardware)
_COMMON_SHORT = frozenset({
    "ace", "age", "aid", "air", "all", "and", "app", "ark", "art", "at", "bar", "bay", "bee",
    "big", "bio", "bit", "box", "bus", "by", "cab", "car", "cat", "cup", "day", "dog", "eco",
    "elm", "era", "fan", "far", "fit", "fly", "for", "fox", "fun", "gas", "gem", "go", "hi",
    "hot", "hub", "ice", "in", "inn", "ivy", "jet", "joy", "key", "kid", "lab", "man", "map",
    "max", "my", "net", "new", "oak", "of", "oil", "old", "on", "one", "our", "owl", "pet",
    "pro", "pub", "red", "run", "sea", "sew", "sky", "son", "spa", "sun", "tax", "tea", "the",
    "to", "top", "toy", "two", "up", "van", "way", "we", "web", "win", "won", "zen"
})  # fmt: skip
SUFFIX_CASE = {
    "co": "Co", "ltd": "Ltd", "inc": "Inc", "corp": "Corp", "llc": "LLC", "llp": "LLP",
    "lp": "LP", "plc": "PLC", "gmbh": "GmbH", "pte": "Pte", "pty": "Pty", "pvt": "Pvt",
    "sdn": "Sdn", "bhd": "Bhd", "ag": "AG", "sa": "SA", "bv": "BV", "nv": "NV", "kk": "KK",
    "sarl": "SARL", "srl": "SRL", "spa": "SpA", "sas": "SAS",
}  # fmt: skip
_EN_SUFFIXES = frozenset(SUFFIX_CASE) | {
    "company", "corporation", "incorporated", "limited", "berhad"
}  # fmt: skip
_EN_ONLY_BEFORE = {"private": "limited", "pvt": "ltd", "sdn": "bhd"}  # Private Limited, Sdn Bhd
_EN_FORMS = {
    ("co", "ltd"): "Co., Ltd.", ("company", "limited"): "Co., Ltd.", ("pte", "ltd"): "Pte. Ltd.",
    ("pty", "ltd"): "Pty Ltd", ("sdn", "bhd"): "Sdn. Bhd.", ("private", "limited"): "Pvt. Ltd.",
    ("pvt", "ltd"): "Pvt. Ltd.", ("ltd",): "Ltd.", ("limited",): "Ltd.", ("inc",): "Inc.",
    ("incorporated",): "Inc.", ("corp",): "Corp.", ("corporation",): "Corp.", ("co",): "Co.",
    ("company",): "Co.", ("bhd",): "Bhd.", ("berhad",): "Bhd.", ("sa",): "S.A.", ("bv",): "B.V.",
    ("nv",): "N.V.", ("kk",): "K.K.",
}  # fmt: skip
CJK_SUFFIXES = (
    "股份有限公司", "有限責任公司", "有限责任公司", "無限公司", "无限公司", "兩合公司", "两合公司",
    "股份公司", "有限公司", "(股)公司", "(股)", "總公司", "总公司", "公司", "企業社", "企业社",
    "商行", "商號", "商号", "行號", "行号", "株式会社", "有限会社",
)  # fmt: skip
_CJK_FORMS = {"(股)公司": "股份有限公司", "(股)": "股份有限公司"}
_CJK_BRANCH = re.compile("(?:分公司|分行|辦事處|办事处|營業所|营业所|分處|分处)$")
_EN_BRANCH = re.compile(
    r"[\s,(-]+((?:(?!(?:co|ltd|limited|inc|corp|corporation|company|llc|plc)\b)"
    r"[A-Za-z][\w.&'-]*\s+){0,3}branch(?:\s+office)?)\)?$",
    re.IGNORECASE,
)
_DOTTED = re.compile(r"(?<![a-z])((?:[a-z]\.){2,})")
_ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")
_NON_WORD = re.compile(f"[^0-9a-z{CJK_CHARS} ]+")
_KEY_CJK_SPACE = re.compile(f"(?<=[{CJK_CHARS}]) | (?=[{CJK_CHARS}])")
_SEP = "\n"
_HAN = re.compile("[\u4e00-\u9fff]+")
FAST_PATHS = True  # tests switch the fast path off and compare


def _display(value: str) -> tuple[str, list[str]]:
    """The canonical display form of one company name and the rules that made it."""
    rules: list[str] = []
    text = value
    if not text.isascii():
        norm = unicodedata.normalize("NFKC", text)
        if norm != text:
            rules.append("company.nfkc")
        text = norm.translate(_BRACKETS)
        if text != norm:
            rules.append("company.brackets")
    tidy = " ".join(text.split())
    if tidy != text:
        rules.append("company.trim")
    text = tidy
    if "(股)" in text:
        expanded = _GU.sub("股份有限公司", text)
        if expanded != text:
            rules.append("company.legal-form")
            text = expanded
    if " " in text and CJK.search(text):
        joined = _CJK_SPACE.sub("", text)
        if joined != text:
            rules.append("company.cjk-spaces")
            text = joined
    if text.isascii() or re.search("[A-Za-z]", text):
        cased = _recase(text)
        if cased != text:
            rules.append("company.case")
            text = cased
        tidy = _punctuation(text)
        if tidy != text:
            rules.append("company.punctuation")
            text = tidy
    return text, rules


def _punctuation(text: str) -> str:
    if "," not in text and " ." not in text and "co" not in text.lower():
        return text
    text = _CO_LTD.sub("Co., Ltd.", text)
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    return _COMMA_NO_SPACE.sub(", ", text)


def _recase(text: str) -> str:
    """Title-case an ALL-CAPS name of two or more Latin words, keeping acronyms."""
    words = _LATIN_WORD.findall(text)
    if len(words) < 2 or any(c.islower() for c in text):
        return text
    out: list[str] = []
    pos = 0
    for i, m in enumerate(_LATIN_WORD.finditer(text)):
        out.append(text[pos : m.start()])
        out.append(_case_word(m.group(0), i))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _case_word(word: str, index: int) -> str:
    low = word.lower()
    bare = low.strip(".")
    if bare in SUFFIX_CASE and index > 0:
        return SUFFIX_CASE[bare] + word[len(bare) :]
    if "&" in word or re.fullmatch(r"(?:[a-z]\.)+", low):
        return word  # AT&T, P&G, S.A.
    if index > 0 and bare in _SMALL:
        return low
    letters = re.sub("[^a-z]", "", low)
    if len(letters) >= 2 and not re.search("[aeiouy]", letters):
        return word  # HSBC, KPMG
    if len(letters) <= 3 and bare not in _COMMON_SHORT:
        return word  # IBM, ABC
    return capitalise(low)


def _strip_cjk(text: str) -> tuple[str, str | None]:
    if not text.endswith(CJK_SUFFIXES):
        return text, None
    for suffix in CJK_SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)].rstrip(" ,.-"), _CJK_FORMS.get(suffix, suffix)
    return text, None


def _strip_en(words: list[str]) -> tuple[list[str], list[str]]:
    stripped: list[str] = []
    while words:
        word = words[-1]
        need = _EN_ONLY_BEFORE.get(word)
        if (need is not None and stripped and stripped[0] == need) or (
            word in _EN_SUFFIXES and need is None
        ):  # Sdn Bhd, Private Limited
            stripped.insert(0, words.pop())
        elif word == "and" and stripped:
            words.pop()
        else:
            break
    return words, stripped


def _en_form(stripped: list[str]) -> str | None:
    for size in (2, 1):
        tail = tuple(stripped[-size:]) if len(stripped) >= size else ()
        if tail in _EN_FORMS:
            return _EN_FORMS[tail]
    return SUFFIX_CASE.get(stripped[-1], stripped[-1].title()) if stripped else None


def _fold(text: str) -> str:
    """Lower case, accents off, 臺 → 台, dotted acronyms closed up, ``&`` → ``and``."""
    key = text.casefold()
    if not key.isascii():
        if _ACCENTED.search(key):
            key = unicodedata.normalize("NFKD", key)
            key = "".join(c for c in key if not unicodedata.combining(c))
            key = unicodedata.normalize("NFC", key)
        key = key.replace("臺", "台")
    if "." in key:
        key = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), key)
    return key.replace("&", " and ").replace("'", "")


def _base_key(text: str) -> tuple[str, str | None]:
    """The key of a name without its branch (before the t2s fold) and its outermost legal form."""
    key, form = _fold(text), None
    while True:
        key = key.strip(" ,.-")
        rest, cjk_form = _strip_cjk(key)
        words, stripped = _strip_en(_NON_WORD.sub(" ", rest).split())
        form = form or (_en_form(stripped) if stripped else cjk_form)
        new = " ".join(words)
        if new == key:
            break
        key = new
    if key.startswith("the "):
        key = key[4:]
    return _KEY_CJK_SPACE.sub("", key), form


def _branch(display: str) -> tuple[str, str | None]:
    """(the name without its branch, the branch) — ``台北分公司``, ``Taiwan Branch``."""
    if CJK.search(display):
        mark = _CJK_BRANCH.search(display)
        if mark is not None:
            head = display[: mark.start()]
            cut = max((head.rfind(s) + len(s) for s in ("公司", "(股)") if s in head), default=0)
            if cut == 0:  # 台積電台北分公司: where the name ends is unknown, the key keeps it all
                return head, mark.group(0)
            return head[:cut], head[cut:] + mark.group(0)
    if "branch" in display.lower():
        mark = _EN_BRANCH.search(display)
        if mark is not None:
            return display[: mark.start()], mark.group(1)
    return display, None


def _pure_han(value: str) -> tuple[Row, str | None] | None:
    """Fast path for the commonest shape (``瑞展科技股份有限公司``), same answer as the rest."""
    if value in NOT_COMPANIES or _CJK_BRANCH.search(value):
        return None
    key, form = value.replace("臺", "台"), None
    while True:
        rest, found = _strip_cjk(key)
        if found is None:
            break
        key, form = rest, form or found
    if not key:
        return None
    return (value, "ok", None, None, None, key, form, None), key


def _parse(value: str) -> tuple[Row, str | None]:
    """(row without the t2s fold, the key still to fold or None)."""
    if FAST_PATHS and _HAN.fullmatch(value):
        fast = _pure_han(value)
        if fast is not None:
            return fast
    display, rules = _display(value)
    low = display.casefold().strip(" .-_*?!()[]")
    if low in NOT_COMPANIES or "@" in display or not any(c.isalpha() for c in display):
        return (value, "invalid", None, "not-a-company-name", None, None, None, None), None
    base, branch = _branch(display)
    key, form = _base_key(base) if base.strip(" ,(-") else ("", None)
    if not key:
        return (value, "invalid", None, "not-a-company-name", None, None, None, None), None
    if branch:
        key += _KEY_CJK_SPACE.sub("", " " + " ".join(_NON_WORD.sub(" ", _fold(branch)).split()))
    if display == value:
        row: Row = (value, "ok", None, None, None, key, form, branch)
    else:
        row = (display, "fixed", "+".join(rules) or "company.trim", None, None, key, form, branch)
    return row, key


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def fold_keys(keys: list[str]) -> list[str]:
    """Traditional → Simplified for keys holding CJK, in one OpenCC call."""
    todo = [i for i, k in enumerate(keys) if not k.isascii()]
    if not todo:
        return keys
    converted = _t2s().convert(_SEP.join(keys[i] for i in todo)).split(_SEP)
    if len(converted) != len(todo):  # never expected; fall back to one call per key
        converted = [_t2s().convert(keys[i]) for i in todo]
    out = list(keys)
    for i, folded in zip(todo, converted, strict=True):
        out[i] = folded
    return out


def _parse_all(values: list[str]) -> list[Row]:
    parsed = [_parse(v) for v in values]
    keys = fold_keys([k or "" for _, k in parsed])
    return [
        row if k is None else (*row[:5], folded, *row[6:])
        for (row, k), folded in zip(parsed, keys, strict=True)
    ]


def standardise_value(value: str) -> Row:
    """One company name: (value, status, rule, reason, flag, match_key, legal_form, branch)."""
    return _parse_all([value])[0]


def standardise(series: pd.Series) -> Standardised:
    """Standardise a company-name column; extras ``match_key``, ``legal_form``, ``branch``."""
    return build(series, _parse_all, EXTRAS)


def match_key(value: str) -> str | None:
    """The matching key of one company name (None when it is not a company name)."""
    key: str | None = standardise_value(value)[5]
    return key
