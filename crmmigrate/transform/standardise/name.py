"""Person names: clean and case name parts; split full names into salutation, first and last.

**Name parts** (``standardise``, for a first- or last-name field): Unicode NFKC, whitespace
trimmed and collapsed (ideographic spaces too), curly apostrophes folded to ``'``, spaces between
CJK characters removed (``陳 大文`` → ``陳大文``), then smart casing (see ``_name_case``): only
words written ALL CAPS or all lower case are re-cased (``MCDONALD`` → ``McDonald``, ``O'BRIEN``
→ ``O'Brien``, ``VAN DER BERG`` → ``van der Berg``, ``MEI-LING`` → ``Mei-Ling``, ``III`` kept);
words that already mix cases are the writer's choice and stay (``DeShawn``, ``Mcdonald``,
``Van Der Berg``). ``casing="keep"`` turns casing off. Rules in the change log, joined by ``+``:
``name.nfkc``, ``name.apostrophe``, ``name.middle-dot``, ``name.trim``, ``name.cjk-spaces``,
``name.case``. A value with no letter, an e-mail address, a URL or a placeholder (``N/A``,
``test``, ``unknown``, ``不詳``, a bare ``Mr.``/``先生``) is ``invalid`` with reason ``not-a-name``;
a name with digits in it is kept and flagged ``name-has-digits``.

**Full names** (``split``/``standardise_full_name``): the value is the cleaned, cased full name
(nothing removed or reordered); ``extras`` hold ``salutation``, ``first``, ``last``, ``suffix``
and ``english_name``:

- Salutations at the start (Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Dame, Rev, Madam, Mdm; any
  case, with or without the dot; written canonically as ``Mr.``, ``Dr.``…) and CJK honorifics
  at the end (先生, 小姐, 女士, 太太, 夫人, 博士, 醫師/医师, 醫生/医生, 教授, 老師/老师, kept
  as written) go to ``salutation``; ``李小姐`` has a last name and no first name.
- Generational suffixes (Jr., Sr., II, III, IV) stay with the last name (``Smith Jr.``): they tell
  father and son apart. Credentials (PhD, MD, Esq., CPA, MBE, JP, BBS…) go to ``suffix``.
- Middle names are folded into ``first`` (``John Fitzgerald``): CRMs rarely have a middle-name
  field, and Hong Kong given names (``Tai Man``) are one name written as two words.
- Chinese names are surname first: one character, or two for compound surnames (歐陽, 司徒… in
  ``crmmigrate/data/names/compound_surnames.txt``), or two when a four-character name starts with
  two common surnames (``陳林美玲`` → ``陳林`` / ``美玲``, a married woman's 冠夫姓). A space typed
  after one or two characters marks the surname (``山田 太郎``). ``約翰·史密斯`` splits at the dot.
- A name with CJK and Latin parts (``陳大文 Peter``, ``Peter Chan 陳大文``) is split on its CJK
  part; the Latin part, as written, goes to ``english_name``.
- Latin names: ``Last, First`` by the comma; otherwise western ``First … Last`` where the last
  name takes its particles (``van der Berg``, ``de la Cruz``) and romanised compound surnames
  (``Au Yeung``), except under ``romanised_order``:

  * ``"auto"`` (default): an ALL-CAPS surname before a mixed-case given name (``CHAN Tai Man``)
    is read surname first; so is a romanised Chinese name whose first word is a known surname
    and whose other words are romanised syllables, as long as the last word is not a surname
    too (``Wong Siu Ming`` → Wong / Siu Ming, ``Lin Mei-Ling`` → Lin / Mei-Ling; but ``Kwok Wai
    Poon`` stays western and is flagged ``name-order-ambiguous``). ``Peter Chan Tai Man`` and
    ``Chan Tai Man, Peter`` put Peter in ``english_name``. ``John Smith`` stays western.
  * ``"western"``: never reorder without a comma.  ``"surname-first"``: the first word (or a
    romanised compound surname) is always the last name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from crmmigrate.transform.standardise._name_build import Row, build
from crmmigrate.transform.standardise._name_case import (
    CJK_HONORIFICS,
    CREDENTIALS,
    DIGIT,
    GENERATIONAL,
    PARTICLES,
    SALUTATIONS,
    case_text,
    clean,
    join_cjk,
    not_a_name,
)
from crmmigrate.transform.standardise._name_data import (
    COMMON_SURNAMES,
    COMPOUND_SURNAMES,
    NOT_NAMES,
    ROMAN_COMPOUND_SURNAMES,
)
from crmmigrate.transform.standardise._name_split import (
    RomanisedOrder,
    both_ends_surnames,
    split_name,
    surname_cut,
)
from crmmigrate.transform.standardise.base import Outcome, Standardised

__all__ = [
    "COMPOUND_SURNAMES",
    "NameParts",
    "split",
    "split_full_name",
    "split_value",
    "standardise",
    "standardise_full_name",
    "standardise_part",
]

Casing = Literal["smart", "keep"]
EXTRAS = ("salutation", "first", "last", "suffix", "english_name")
_NO_EXTRAS = (None,) * len(EXTRAS)
# Fast paths for the shapes most rows have; they give exactly what the general path gives
# (tests switch them off with FAST_PATHS and compare).
FAST_PATHS = True
_PURE_HAN = re.compile("[\u4e00-\u9fff]{2,4}")
_TITLE_WORDS = re.compile(
    r"[A-Z][a-z]+(?:-[A-Za-z][a-z]*)?(?: [A-Z][a-z]+(?:-[A-Za-z][a-z]*)?){1,2}"
)
_SLOW_WORDS = frozenset(PARTICLES | {"la", "le", "los", "las"})
_SUFFIX_WORDS = frozenset(GENERATIONAL) | frozenset(CREDENTIALS)


@dataclass(frozen=True)
class NameParts:
    salutation: str | None
    first: str | None
    last: str | None


def _finish(value: str, final: str, rules: list[str], flag: str | None, extras: Row) -> Row:
    if final == value:
        return (value, "ok", None, None, flag, *extras)
    return (final, "fixed", "+".join(rules) or "name.trim", None, flag, *extras)


def _part_row(value: str, casing: Casing) -> Row:
    text, rules = clean(value)
    if not_a_name(text):
        return (value, "invalid", None, "not-a-name", None)
    cased = case_text(text) if casing == "smart" else text
    if cased != text:
        rules.append("name.case")
    final = join_cjk(cased, rules)
    flag = "name-has-digits" if DIGIT.search(final) else None
    return _finish(value, final, rules, flag, ())


def _full_row(value: str, casing: Casing, order: RomanisedOrder) -> Row:
    if FAST_PATHS:
        fast = _fast_full_row(value, casing, order)
        if fast is not None:
            return fast
    text, rules = clean(value)
    if not_a_name(text):
        return (value, "invalid", None, "not-a-name", None, *_NO_EXTRAS)
    cased = case_text(text) if casing == "smart" else text
    if cased != text:
        rules.append("name.case")
    parts = split_name(cased, text, order)
    if parts.first is None and parts.last is None:
        return (value, "invalid", None, "not-a-name", None, *_NO_EXTRAS)  # a salutation alone
    final = join_cjk(cased, rules)
    if DIGIT.search(final):
        flag: str | None = "name-has-digits"
    else:
        flag = "name-order-ambiguous" if parts.ambiguous else None
    extras = (parts.salutation, parts.first, parts.last, parts.suffix, parts.english_name)
    return _finish(value, final, rules, flag, extras)


def _fast_full_row(value: str, casing: Casing, order: RomanisedOrder) -> Row | None:
    """The commonest shapes, answered without the general machinery (and exactly as it would)."""
    if _PURE_HAN.fullmatch(value) and value not in NOT_NAMES and not value.endswith(CJK_HONORIFICS):
        # 陳大文: split_cjk_name inlined
        cut = 2 if len(value) > 2 and value[:2] in COMPOUND_SURNAMES else 1
        if len(value) == 4 and cut == 1 and value[0] in COMMON_SURNAMES:
            cut = 2 if value[1] in COMMON_SURNAMES else 1
        return (value, "ok", None, None, None, None, value[cut:], value[:cut], None, None)
    if _TITLE_WORDS.fullmatch(value):
        return _title_words(value, order)
    if value[:1] == " " or value[-1:] == " ":  # padded but otherwise canonical: trim only
        inner = value.strip(" ")
        if inner and "  " not in inner:
            row = _full_row(inner, casing, order)
            if row[1] == "ok":
                return (inner, "fixed", "name.trim", None, *row[4:])
    return None


def _title_words(value: str, order: RomanisedOrder) -> Row | None:
    """Two or three capitalised ASCII words with nothing special in them (``Chan Tai Man``)."""
    words = value.split(" ")
    lows = value.lower().split(" ")
    if (
        lows[0] in SALUTATIONS
        or lows[-1] in _SUFFIX_WORDS
        or " ".join(lows) in NOT_NAMES
        or any(w in _SLOW_WORDS for w in lows[:-1])
        or f"{lows[0]} {lows[1]}" in ROMAN_COMPOUND_SURNAMES
        or f"{lows[-2]} {lows[-1]}" in ROMAN_COMPOUND_SURNAMES
    ):
        return None
    cut = {"surname-first": 1, "western": 0}.get(order)
    if cut is None:
        cut = surname_cut(words)
    if cut:
        first, last, amb = " ".join(words[cut:]), " ".join(words[:cut]), False
    else:
        first, last = " ".join(words[:-1]), words[-1]
        amb = order == "auto" and both_ends_surnames(words)
    flag = "name-order-ambiguous" if amb else None
    return (value, "ok", None, None, flag, None, first, last, None, None)


def _outcome(row: Row, keys: tuple[str, ...]) -> Outcome:
    extras = dict(zip(keys, row[5:], strict=True)) if keys else None
    return Outcome(row[0], row[1], row[2], row[3], extras=extras, flag=row[4])


def standardise_part(value: str, *, casing: Casing = "smart") -> Outcome:
    """Clean and case one first- or last-name value."""
    return _outcome(_part_row(value, casing), ())


def standardise(
    series: pd.Series,
    *,
    casing: Casing = "smart",
    romanised_order: RomanisedOrder = "auto",
) -> Standardised:
    """Standardise a first- or last-name column (``romanised_order`` only matters to ``split``)."""
    del romanised_order  # accepted so one person_name option set fits both functions
    return build(series, lambda values: [_part_row(v, casing) for v in values], ())


def split_value(
    value: str, *, casing: Casing = "smart", romanised_order: RomanisedOrder = "auto"
) -> Outcome:
    """Clean one full name and split it; extras ``salutation``/``first``/``last``/…"""
    return _outcome(_full_row(value, casing, romanised_order), EXTRAS)


def split(
    series: pd.Series,
    *,
    casing: Casing = "smart",
    romanised_order: RomanisedOrder = "auto",
) -> Standardised:
    """Standardise a full-name column and split it into salutation, first and last names."""
    return build(
        series, lambda values: [_full_row(v, casing, romanised_order) for v in values], EXTRAS
    )


standardise_full_name = split


def split_full_name(value: str) -> NameParts:
    """Split one full name (v0 helper); a name that cannot be split goes whole into ``last``."""
    outcome = split_value(value)
    extras = outcome.extras or {}
    if outcome.status == "invalid":
        return NameParts(None, None, " ".join(value.split()) or None)
    return NameParts(extras.get("salutation"), extras.get("first"), extras.get("last"))
