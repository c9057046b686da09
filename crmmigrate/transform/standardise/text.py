"""Text clean-up applied to every mapped field: Unicode NFKC and whitespace.

NFKC folds full-width letters and digits (``０９１２`` → ``0912``, ``＠`` → ``@``) and other
compatibility forms; whitespace clean-up trims the ends and collapses runs of spaces, tabs and
ideographic spaces into one space. Line breaks inside a value are kept only for text fields.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from crmmigrate.transform.standardise.base import Outcome, Standardised, apply_unique, fixed

_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but newline (NFKC already made U+3000 a space)
_ALL_SPACES = re.compile(r"\s+")
_NEWLINE_PADDING = re.compile(r" *\n *")


def clean_text_value(value: str, *, multiline: bool = False) -> Outcome:
    """NFKC-normalise one value and tidy its whitespace."""
    norm = unicodedata.normalize("NFKC", value)
    rule = "text.nfkc" if norm != value else None
    if multiline:
        tidy = _NEWLINE_PADDING.sub("\n", _SPACES.sub(" ", norm.replace("\r\n", "\n"))).strip()
    else:
        tidy = _ALL_SPACES.sub(" ", norm).strip()
    if tidy != norm:
        rule = "text.whitespace" if rule is None else "text.nfkc+whitespace"
    return fixed(value, tidy, rule or "text")


def clean_text(series: pd.Series, *, multiline: bool = False) -> Standardised:
    """Standardise a whole column of free text."""
    return apply_unique(series, lambda v: clean_text_value(v, multiline=multiline))
