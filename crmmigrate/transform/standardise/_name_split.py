"""Split one cleaned, cased full name into salutation, first, last, suffix and English name.

See ``name.py`` for the rules as users see them; this module is the machinery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crmmigrate.transform.standardise._name_case import (
    CJK_CHARS,
    CJK_HONORIFICS,
    CREDENTIALS,
    GENERATIONAL,
    PARTICLES,
    SALUTATIONS,
    VIETNAMESE_SURNAMES,
    syllabic,
)
from crmmigrate.transform.standardise._name_data import (
    COMMON_SURNAMES,
    COMPOUND_SURNAMES,
    ROMAN_COMPOUND_SURNAMES,
    ROMAN_SURNAMES,
    STRONG_SURNAMES,
)

RomanisedOrder = Literal["auto", "western", "surname-first"]

_CJK_RUN = re.compile(f"[{CJK_CHARS}·]+(?: [{CJK_CHARS}·]+)*")
_KANA = re.compile("[\u3040-\u30ff]")
_INITIAL = re.compile(r"[^\W\d_]\.?")
_LATIN_NOISE = re.compile(r"[()\[\],/;:]+")
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True, slots=True)
class Split:
    salutation: str | None = None
    first: str | None = None
    last: str | None = None
    suffix: str | None = None
    english_name: str | None = None
    ambiguous: bool = False


def _join(words: list[str]) -> str | None:
    return " ".join(words) or None


def split_name(text: str, raw: str, order: RomanisedOrder = "auto") -> Split:
    """``text`` is the cleaned, cased name (CJK spaces kept); ``raw`` the same before casing."""
    tokens, raw_tokens = text.split(" "), raw.split(" ")
    salutation: list[str] = []
    while tokens:
        sal = SALUTATIONS.get(tokens[0].lower().rstrip("."))
        if sal is None:
            break
        salutation.append(sal)
        tokens, raw_tokens = tokens[1:], raw_tokens[1:]
    if tokens and tokens[-1].endswith(CJK_HONORIFICS):
        last_tok = tokens[-1]
        for hon in CJK_HONORIFICS:
            if last_tok.endswith(hon) and (len(last_tok) > len(hon) or len(tokens) > 1):
                salutation.append(hon)
                tokens[-1] = last_tok[: -len(hon)]
                raw_tokens[-1] = raw_tokens[-1][: -len(hon)]
                if not tokens[-1]:
                    tokens, raw_tokens = tokens[:-1], raw_tokens[:-1]
                break
    sal_text = " ".join(salutation) or None
    rest = " ".join(tokens)
    if not rest:
        return Split(salutation=sal_text)
    if _CJK_RUN.search(rest):
        return _split_cjk(rest, sal_text)
    return _split_latin(tokens, raw_tokens, order, sal_text)


def _split_cjk(rest: str, salutation: str | None) -> Split:
    run = _CJK_RUN.search(rest)
    assert run is not None
    name = run.group(0)
    latin = _LATIN_NOISE.sub(" ", rest[: run.start()] + " " + rest[run.end() :]).split()
    english = _join(latin) if any(c.isalpha() for c in "".join(latin)) else None
    for hon in CJK_HONORIFICS:  # 陳先生 Peter: the honorific ends the CJK part, not the value
        if name.endswith(hon) and len(name) > len(hon):
            salutation = f"{salutation} {hon}" if salutation else hon
            name = name[: -len(hon)].rstrip()
            break
    first, last = split_cjk_name(name)
    return Split(salutation, first, last, english_name=english)


def split_cjk_name(name: str) -> tuple[str | None, str | None]:
    """(given name, surname) of a CJK name; a space after one or two characters ends the surname."""
    parts = name.split(" ")
    if len(parts) == 2 and len(parts[0]) <= 2 and "·" not in name:
        return parts[1], parts[0]
    compact = name.replace(" ", "")
    if "·" in compact:  # transliterated or minority names: given·family, Western order
        head, _, tail = compact.rpartition("·")
        return head or None, tail or None
    if len(compact) == 1 or (_KANA.search(compact) and len(compact) > 2):
        return None, compact
    if compact[:2] in COMPOUND_SURNAMES and len(compact) > 2:
        cut = 2
    elif len(compact) == 4 and compact[0] in COMMON_SURNAMES and compact[1] in COMMON_SURNAMES:
        cut = 2  # 陳林美玲: a married woman's double-barrelled surname (冠夫姓)
    else:
        cut = 1
    return compact[cut:], compact[:cut]


def _is_suffix(word: str) -> bool:
    key = word.lower().rstrip(".").replace(".", "")
    return key in GENERATIONAL or key in CREDENTIALS


def surname_cut(words: list[str]) -> int:
    """How many leading words are a romanised surname when ``words`` read surname-first, or 0.

    Conservative on purpose: the first word must be a known surname that is not mostly a given
    name syllable, every other word a romanised syllable (``Tai``, ``Mei-Ling``, ``Xiaoming``),
    and the last word must not itself be such a surname (``Kwok Wai Poon`` stays western).
    """
    lows = [w.lower() for w in words]
    if len(lows) >= 3 and f"{lows[0]} {lows[1]}" in ROMAN_COMPOUND_SURNAMES:
        cut = 2
    elif lows[0] in STRONG_SURNAMES:
        cut = 1
    else:
        return 0
    given = words[cut:]
    if not given or not all(syllabic(g, allow_two=len(given) == 1) for g in given):
        return 0
    if lows[-1] in STRONG_SURNAMES:
        return 0
    if len(given) >= 2 and f"{lows[-2]} {lows[-1]}" in ROMAN_COMPOUND_SURNAMES:
        return 0
    return cut


def _caps_lead(raw_tokens: list[str]) -> int:
    """Leading ALL-CAPS surname words followed by a mixed-case given name (``CHAN Tai Man``)."""
    lead = 0
    for tok in raw_tokens:
        word = tok.strip(",")
        letters = [c for c in word if c.isalpha()]
        if len(letters) < 2 or not word.isupper():
            break
        if not (_VOWELS & set(word.lower())) and word.lower() not in ROMAN_SURNAMES:
            break  # JJ Abrams: initials, not a surname
        lead += 1
    rest = raw_tokens[lead:]
    return lead if rest and any(c.islower() for c in "".join(rest)) else 0


def _split_latin(
    tokens: list[str], raw_tokens: list[str], order: RomanisedOrder, salutation: str | None
) -> Split:
    text = " ".join(tokens)
    credentials: list[str] = []
    generation: list[str] = []

    def peel(words: list[str]) -> list[str]:
        while len(words) > 1 and _is_suffix(words[-1]):
            word = words.pop()
            key = word.lower().rstrip(".").replace(".", "")
            (generation if key in GENERATIONAL else credentials).insert(0, word)
        return words

    def done(
        first: list[str], last: list[str], english: str | None = None, amb: bool = False
    ) -> Split:
        return Split(salutation, _join(first), _join(last + generation),
                     ", ".join(credentials) or None, english, amb)  # fmt: skip

    if "," in text:
        parts = [p.strip() for p in text.split(",") if p.strip()]
        while len(parts) > 1 and all(_is_suffix(w) for w in parts[-1].split()):
            for word in parts.pop().split():
                key = word.lower().rstrip(".").replace(".", "")
                (generation if key in GENERATIONAL else credentials).append(word)
        if len(parts) >= 2:  # Last, First
            last_words = peel(parts[0].split())
            first_words = peel(" ".join(parts[1:]).split())
            if order != "western" and len(last_words) >= 3 and len(first_words) == 1:
                cut = surname_cut(last_words)  # Chan Tai Man, Peter
                if cut and not syllabic(first_words[0]):
                    return done(last_words[cut:], last_words[:cut], first_words[0])
            return done(first_words, last_words)
        tokens = parts[0].split() if parts else []
    words = peel([t.strip(",") for t in tokens if t.strip(",")])
    n = len(words)
    if n <= 1:
        return done([], words)
    if n == 2 and _INITIAL.fullmatch(words[1]) and not _INITIAL.fullmatch(words[0]):
        return done(words[1:], words[:1])  # Smith J.
    if order == "surname-first":
        cut = 2 if n > 2 and f"{words[0]} {words[1]}".lower() in ROMAN_COMPOUND_SURNAMES else 1
        return done(words[cut:], words[:cut])
    if order == "auto":
        lead = _caps_lead(raw_tokens)
        if 0 < lead < n:
            given = words[lead:]
            if len(given) >= 3 and not syllabic(given[-1]) and all(map(syllabic, given[:-1])):
                return done(given[:-1], words[:lead], given[-1])  # WONG Siu Ming Peter
            return done(given, words[:lead])
        cut = surname_cut(words)
        if cut:
            return done(words[cut:], words[:cut])
        if n >= 4 and not syllabic(words[0]) and words[0].lower() not in ROMAN_SURNAMES:
            cut = surname_cut(words[1:])  # Peter Chan Tai Man
            if cut:
                return done(words[1 + cut :], words[1 : 1 + cut], words[0])
        if n >= 4 and not syllabic(words[-1]) and (cut := surname_cut(words[:-1])):
            return done(words[cut:-1], words[:cut], words[-1])  # Chan Tai Man Peter
    start = n - 1
    if n >= 3 and f"{words[-2]} {words[-1]}".lower() in ROMAN_COMPOUND_SURNAMES:
        start = n - 2  # Ka Yan Au Yeung
    elif words[0].lower() not in VIETNAMESE_SURNAMES and not all(syllabic(w) for w in words):
        while start > 1 and words[start - 1].lower() in PARTICLES:
            start -= 1  # Pieter van der Berg, Maria de la Cruz
        if (
            start > 1
            and words[start - 1].lower() in ("la", "le", "los", "las")
            and (words[start - 2].lower() in PARTICLES)
        ):
            start -= 1
            while start > 1 and words[start - 1].lower() in PARTICLES:
                start -= 1
    amb = order == "auto" and n >= 2 and both_ends_surnames(words)
    return done(words[:start], words[start:], amb=amb)


def both_ends_surnames(words: list[str]) -> bool:
    """A romanised name with a surname at each end (``Siu Ming Wong``): its order is a guess."""
    lows = [w.lower() for w in words]
    return (
        lows[0] in STRONG_SURNAMES
        and lows[-1] in STRONG_SURNAMES
        and all(syllabic(w) for w in words)
    )
