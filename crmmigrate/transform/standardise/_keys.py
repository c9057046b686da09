"""Lookup keys that ignore width, case, accents, spacing and Traditional/Simplified script.

Keys fold Traditional Chinese to Simplified with OpenCC ``t2s`` (never ``s2t``: one Simplified
character stands for several Traditional ones, so only this direction is a function).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def t2s(text: str) -> str:
    """Traditional → Simplified Chinese; text without Han characters is returned as it is."""
    return _converter().convert(text) if _CJK.search(text) else text


def fold(text: str) -> str:
    """NFKC, case-folded, accents removed, Simplified Chinese."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    if not norm.isascii():  # strip accents from Latin letters only (kana keep their marks)
        norm = "".join(_plain_latin(c) if "\u00c0" <= c <= "\u024f" else c for c in norm)
    return t2s(norm)


def _plain_latin(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
