"""Person names v0: split a full name into salutation, first and last name.

Chinese names (all CJK, no spaces) put the surname first, with compound surnames (歐陽, 司徒…)
taken whole; Western names put it last, or first before a comma (``Doe, John``). Honorifics
(``Mr.``, ``Dr.``, ``先生``, ``小姐``) move to the salutation. Casing is left alone here; the
standardise issue adds name casing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·・]+$")
COMPOUND_SURNAMES = frozenset(
    [
        "歐陽",
        "欧阳",
        "司徒",
        "上官",
        "諸葛",
        "诸葛",
        "司馬",
        "司马",
        "東方",
        "东方",
        "夏侯",
        "皇甫",
        "尉遲",
        "尉迟",
        "公孫",
        "公孙",
        "慕容",
        "長孫",
        "长孙",
        "宇文",
        "軒轅",
        "轩辕",
        "令狐",
        "鍾離",
        "钟离",
        "端木",
        "西門",
        "西门",
        "南宮",
        "南宫",
        "申屠",
        "濮陽",
        "濮阳",
        "澹台",
        "太史",
        "万俟",
        "呼延",
        "張簡",
        "张简",
        "范姜",
        "歐陽",
    ]
)
_CJK_HONORIFICS = (
    "先生",
    "小姐",
    "女士",
    "太太",
    "夫人",
    "醫師",
    "医师",
    "博士",
    "教授",
    "老師",
    "老师",
)
_WESTERN_HONORIFICS = {
    "mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "miss": "Miss", "mx": "Mx.", "dr": "Dr.",
    "prof": "Prof.", "sir": "Sir", "madam": "Madam", "mdm": "Mdm.",
}  # fmt: skip


@dataclass(frozen=True)
class NameParts:
    salutation: str | None
    first: str | None
    last: str | None


def split_full_name(value: str) -> NameParts:
    """Split one full name; a name that cannot be split goes whole into ``last``."""
    text = " ".join(value.split())
    salutation: str | None = None
    compact = text.replace(" ", "")
    if _CJK.match(compact.removesuffix("先生")) or any(
        compact.endswith(h) for h in _CJK_HONORIFICS
    ):
        for hon in _CJK_HONORIFICS:
            if compact.endswith(hon) and len(compact) > len(hon):
                salutation, compact = hon, compact[: -len(hon)]
                break
        if _CJK.match(compact):
            if len(compact) == 1:
                return NameParts(salutation, None, compact)
            surname_len = 2 if compact[:2] in COMPOUND_SURNAMES and len(compact) > 2 else 1
            return NameParts(salutation, compact[surname_len:], compact[:surname_len])
    words = text.split(" ")
    head = words[0].rstrip(".").lower()
    if head in _WESTERN_HONORIFICS and len(words) > 1:
        salutation = _WESTERN_HONORIFICS[head]
        words = words[1:]
        text = " ".join(words)
    if "," in text:
        last, _, first = text.partition(",")
        return NameParts(salutation, first.strip() or None, last.strip() or None)
    if len(words) == 1:
        return NameParts(salutation, None, words[0])
    return NameParts(salutation, " ".join(words[:-1]), words[-1])
