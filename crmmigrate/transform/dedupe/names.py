"""Name knowledge for duplicate matching: nickname roots, romanisation keys, initials.

Each function takes pandas Series and returns Series on the same index; each distinct value (or
distinct pair) is worked out once and spread back over the rows. Missing and blank values give
``None``.

- ``given_name_root``: ``Bob``, ``Bobby``, ``Rob`` → ``robert`` (``crmmigrate/data/names/
  nicknames.csv``); other names are folded (accents stripped, lower case, no spaces, hyphens or
  dots): ``José`` → ``jose``, ``Mary-Ann`` → ``maryann``. Letters that do not fold to ASCII stay
  (``大文``, Simplified).
- ``romanised_keys``: ``"<family> <given>"`` keys joined by ``|``, sorted. A Chinese name gives
  one key in Hanyu Pinyin (``chen dawen``; ü as u), one in Wade–Giles as Taiwan passports write
  it (``chen tawen``) and one or more in Hong Kong Government Cantonese romanisation (``chan
  taiman``; the usual spelling, and one with the common alternatives taken together: 李嘉誠 gives
  ``lee kashing`` and ``li kashing``), six keys at most. A Latin name gives one key as written
  (``Tai-Man`` ``Chan`` → ``chan taiman``); nicknames are not folded here. Traditional and
  Simplified give the same keys (both are folded to Simplified first); a value with any Chinese
  character is read from its Chinese characters only. A Chinese full name alone in one field
  (the other empty) is split surname first: compound surnames (歐陽) and a married woman's double
  surname (陳林美玲) stay whole. With one field only, the keys are that field's forms alone.
- ``name_initial``: the first letter of the folded given name; for a Chinese name, the first
  letter of its pinyin (``大文`` → ``d``).

Readings: Mandarin from ``pypinyin`` (surname readings in ``mandarin_surnames.csv``); Cantonese
from Unihan kCantonese (``cantonese_jyutping.txt``), turned into HK spelling by ``_hk_syllable``
with the exceptions and alternatives of ``cantonese_names.csv``.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise._name_data import COMMON_SURNAMES, COMPOUND_SURNAMES

__all__ = ["given_name_root", "name_initial", "romanised_keys"]

_DATA = Path(__file__).parents[2] / "data" / "names"
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_NOT_HAN = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_NOT_WORD = re.compile(r"[\W_]+")
# Letters NFKD does not take apart into an ASCII letter and accents.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
     "þ": "th", "Þ": "th", "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "Ð": "d"}
)  # fmt: skip

Role = Literal["family", "given"]


# --- data tables -------------------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    with (_DATA / name).open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return list(csv.reader(lines))[1:]  # the first row names the columns


@functools.cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(texts: Sequence[str]) -> list[str]:
    """Fold Traditional to Simplified, many values in one call (they hold no new line)."""
    if not texts:
        return []
    return list(_t2s().convert("\n".join(texts)).split("\n"))


@functools.cache
def nickname_roots() -> dict[str, str]:
    """Variant → root, from ``nicknames.csv``."""
    return {variant: root for root, variant in _rows("nicknames.csv")}


@functools.cache
def _jyutping() -> dict[str, str]:
    """Character → Jyutping syllable (no tone); Simplified forms read like their source."""
    table: dict[str, str] = {}
    for line in (_DATA / "cantonese_jyutping.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            syllable, chars = line.split("\t")
            table.update(dict.fromkeys(chars, syllable))
    sources = [c for c in table if "\u4e00" <= c <= "\u9fff"]
    for source, simple in zip(sources, _simplified(sources), strict=True):
        if len(simple) == 1:
            table.setdefault(simple, table[source])
    return table


@functools.cache
def _cantonese_names() -> tuple[dict[str, tuple[str, ...]], ...]:
    """(surnames, characters, syllable alternatives) from ``cantonese_names.csv``."""
    rows = _rows("cantonese_names.csv")
    keys = _simplified([key for kind, key, _ in rows])
    tables: dict[str, dict[str, tuple[str, ...]]] = {"surname": {}, "char": {}, "syllable": {}}
    for (kind, key, spelling), simple in zip(rows, keys, strict=True):
        tables[kind][key if kind == "syllable" else simple] = tuple(spelling.split("|"))
    return tables["surname"], tables["char"], tables["syllable"]


@functools.cache
def _mandarin_surnames() -> dict[str, list[str]]:
    rows = _rows("mandarin_surnames.csv")
    keys = _simplified([key for key, _ in rows])
    return {key: pinyin.split() for key, (_, pinyin) in zip(keys, rows, strict=True)}


@functools.cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(compound, common single) surnames, Simplified."""
    compound = frozenset(_simplified(sorted(COMPOUND_SURNAMES)))
    return compound, frozenset(_simplified(sorted(COMMON_SURNAMES)))


# --- folding -----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, accents stripped, everything but letters and digits removed."""
    if text.isascii():
        return _NOT_WORD.sub("", text).lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("", bare).casefold()


def _is_blank(text: str) -> bool:
    return not text or text.isspace()


def _per_distinct(
    values: pd.Series, work: Callable[[list[str]], Sequence[str | None]]
) -> pd.Series:
    """Run ``work`` once over the distinct non-blank values and spread its answers back."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [v if isinstance(v, str) else str(v) for v in uniques]
    live = [i for i, t in enumerate(texts) if not _is_blank(t)]
    answers = np.full(len(texts) + 1, None, dtype=object)  # the last slot answers code -1
    answers[live] = list(work([texts[i] for i in live])) if live else []
    return pd.Series(answers.take(codes), index=values.index, dtype=object)


# --- given-name roots --------------------------------------------------------------------------


def _roots(texts: list[str]) -> list[str | None]:
    table = nickname_roots()
    folded = [fold(t) for t in texts]
    han = [i for i, f in enumerate(folded) if _HAN.search(f)]
    for i, simple in zip(han, _simplified([folded[i] for i in han]), strict=True):
        folded[i] = simple
    return [table.get(f, f) or None for f in folded]


def given_name_root(values: pd.Series) -> pd.Series:
    """A canonical lower-case root per given name: Bob, Rob and Robert all give ``robert``."""
    return _per_distinct(values, _roots)


# --- Chinese readings --------------------------------------------------------------------------


@dataclass(frozen=True)
class HanForms:
    """One Chinese name part in each romanisation (``None``: a character has no reading)."""

    pinyin: str | None
    wade_giles: str | None
    cantonese: tuple[str, ...]


@functools.lru_cache(maxsize=65536)
def _char_pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin

    return str(lazy_pinyin(char)[0])


def _pinyin_syllables(simple: str, role: Role) -> list[str]:
    """Toneless pinyin ("v" for ü), each character's usual reading: given names are not words,
    so a word dictionary helps them little (and reading per character is much faster)."""
    surnames = _mandarin_surnames()
    if role == "family" and simple in surnames:
        return surnames[simple]
    syllables = [_char_pinyin(c) for c in simple]
    if role == "family":
        syllables = [surnames.get(c, [s])[0] for c, s in zip(simple, syllables, strict=True)]
    return syllables


# Where pypinyin 0.55's Wade–Giles differs from Taiwan usage (it writes 賴 lai as "lei", 霍 huo
# as "ho", 宜 yi as "i", 思 si as "ssu"), keyed by pinyin.
_WADE_GILES = {
    "ai": "ai", "hai": "hai", "lai": "lai", "mai": "mai", "nai": "nai", "sai": "sai",
    "shai": "shai", "wai": "wai", "huo": "huo", "tie": "tieh", "chua": "chua", "yi": "yi",
    "si": "szu", "shuo": "shuo",
}  # fmt: skip


@functools.cache
def _wade_giles(syllable: str) -> str:
    """One pinyin syllable in Wade–Giles as Taiwan passports write it (no apostrophes, no ü)."""
    from pypinyin import Style
    from pypinyin.style import convert

    if syllable in _WADE_GILES:
        return _WADE_GILES[syllable]
    wg = str(convert(syllable, Style.WADEGILES, strict=False))
    return wg.replace("'", "").replace("`", "").replace("v", "u")


def _ascii_syllable(syllable: str) -> bool:
    return syllable.isascii() and syllable.isalpha()


_JYUTPING = re.compile("(ng|gw|kw|[bpmfdtnlgkhwzcsj]?)(.*)")
_INITIALS = {
    "b": "p", "p": "p", "m": "m", "f": "f", "d": "t", "t": "t", "n": "n", "l": "l", "g": "k",
    "k": "k", "ng": "ng", "h": "h", "gw": "kw", "kw": "kw", "w": "w", "z": "ch", "c": "ch",
    "s": "s", "j": "y", "": "",
}  # fmt: skip
_FINALS = {
    "aa": "a", "aai": "ai", "aau": "au", "aam": "am", "aan": "an", "aang": "ang", "aap": "ap",
    "aat": "at", "aak": "ak", "ou": "o", "un": "oon", "ut": "ut", "oeng": "eung", "oek": "euk",
    "eoi": "ui", "eon": "un", "eot": "ut", "yu": "u", "yun": "uen", "yut": "uet",
}  # fmt: skip
# Finals after which HK spelling writes "sh" for s when Mandarin has a retroflex there (誠 shing,
# 星 sing; 淑 shuk, 宿 suk).
_SH_FINALS = frozenset({"ing", "eon", "ek", "uk", "am", "yun", "ik", "in", "ip", "it", "ei"})


@functools.cache
def _hk_syllable(jyutping: str, mandarin: str) -> str:
    """One Jyutping syllable (no tone) in HK Government spelling; Mandarin settles ch/ts, s/sh."""
    if jyutping in ("m", "ng", "hm", "hng"):
        return jyutping
    match = _JYUTPING.fullmatch(jyutping)
    initial, final = match.groups() if match else ("", jyutping)
    hk_initial, hk_final = _INITIALS[initial], _FINALS.get(final, final)
    retroflex = mandarin.startswith(("zh", "ch", "sh", "r"))
    if initial in ("z", "c"):
        if final == "i":
            return "chi" if retroflex else "tsz"
        if final in ("ang", "e", "ou"):
            hk_initial = "ts"
        elif final == "an" and initial == "z":
            hk_final = "un"  # 振 chun, 珍 chun; but 陳 can → chan
    elif initial == "s":
        if final == "i":
            return "sze"
        if final == "am":
            hk_final = "um"  # 心 sum, 沈 shum
        if final in ("aan", "oeng", "eoi", "yu") or (final in _SH_FINALS and retroflex):
            hk_initial = "sh"
    elif initial == "j" and final == "i":
        return "yee"
    elif initial == "l" and final in ("ei", "o"):
        return {"ei": "lee", "o": "law"}[final]
    elif initial == "m" and final == "un":
        hk_final = "un"  # 門 mun, 滿 mun; but 潘 poon, 歡 foon
    spelled = hk_initial + hk_final
    return {"a": "ah", "o": "or", "ngo": "ngor", "wa": "wah"}.get(spelled, spelled)


def _cantonese(simple: str, mandarin: list[str], role: Role) -> tuple[str, ...]:
    surnames, chars, alternatives = _cantonese_names()
    if role == "family" and simple in surnames:
        return surnames[simple]
    readings = _jyutping()
    options: list[tuple[str, ...]] = []
    for char, syllable in zip(simple, mandarin, strict=True):
        if role == "family" and char in surnames:
            options.append(surnames[char])
        elif char in chars:
            options.append(chars[char])
        elif char in readings:
            hk = _hk_syllable(readings[char], syllable)
            options.append(alternatives.get(hk, (hk,)))
        else:
            return ()
    # The usual spelling, and the alternatives taken together (詩詩 szesze, sisi): people spell
    # their whole name in one style, and two forms per part keep the keys few.
    usual = "".join(o[0] for o in options)
    return tuple(dict.fromkeys((usual, "".join(o[-1] for o in options))))


@functools.lru_cache(maxsize=65536)
def _han_forms(simple: str, role: Role) -> HanForms:
    syllables = _pinyin_syllables(simple, role)
    pinyin = [s.replace("v", "u") for s in syllables]
    wade_giles = [_wade_giles(s) for s in syllables]
    return HanForms(
        "".join(pinyin) if all(map(_ascii_syllable, pinyin)) else None,
        "".join(wade_giles) if all(map(_ascii_syllable, wade_giles)) else None,
        _cantonese(simple, syllables, role),
    )


# --- romanisation keys -------------------------------------------------------------------------

# A part's forms: pinyin, Wade–Giles, usual Cantonese, other Cantonese ("" where none); a Latin
# part is the same in the first three. Keys pair the family and given forms of one system; the
# two Cantonese forms pair every way (李 Lee/Li × 怡 Yee/Yi).
_SLOTS = 4
_PAIRINGS = ((0, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3))


# Spellings Taiwan writes both ways for one syllable (思 Ssu and Szu): keys use the first.
_ONE_SPELLING = (("szu", "ssu"),)


def _spelled(text: str) -> str:
    for other, usual in _ONE_SPELLING:
        text = text.replace(other, usual)
    return text


def _slots(part: str | HanForms) -> tuple[str, ...]:
    if isinstance(part, str):
        part = _spelled(part)
        return (part, part, part, "")
    cantonese = (*part.cantonese, "", "")
    wade_giles = _spelled(part.wade_giles or "")
    return (part.pinyin or "", wade_giles, cantonese[0], cantonese[1])


def _split_full(simple: str) -> tuple[str, str] | None:
    """A whole Chinese name in one field, surname first; ``None`` if it does not look like one."""
    compound, common = _surnames()
    if len(simple) > 2 and simple[:2] in compound:
        return simple[:2], simple[2:]
    if len(simple) == 4 and simple[0] in common and simple[1] in common:
        return simple[:2], simple[2:]  # 陳林美玲: a married woman's double surname
    if 3 <= len(simple) <= 4 or (len(simple) == 2 and simple[0] in common):
        return simple[:1], simple[1:]
    return None


@dataclass(frozen=True)
class _Field:
    """The distinct values of one name field as form slots; row 0 is the missing value."""

    codes: np.ndarray  # per record, into ``slots`` (0: missing)
    slots: np.ndarray  # (distinct + 1, _SLOTS) object array of str
    han: dict[int, str]  # slot row → the value's Chinese characters, Simplified


def _field(values: pd.Series, role: Role) -> _Field:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [v if isinstance(v, str) else str(v) for v in uniques]
    rows: list[tuple[str, ...]] = [("",) * _SLOTS]
    han: list[int] = []
    for i, text in enumerate(texts, start=1):
        if _HAN.search(text):
            han.append(i)
            rows.append(("",) * _SLOTS)  # filled below, after one t2s call for all
        else:
            rows.append(_slots(fold(text)))  # blank and unfoldable values fold to ""
    simple = dict(zip(han, _simplified([_NOT_HAN.sub("", texts[i - 1]) for i in han]), strict=True))
    for i, name in simple.items():
        rows[i] = _slots(_han_forms(name, role))
    # A value with no form at all (blank, punctuation only) counts as missing.
    remap = np.array([i if any(row) else 0 for i, row in enumerate(rows)], dtype=np.int64)
    return _Field(remap[codes.astype(np.int64) + 1], _as_slots(rows), simple)


def romanised_keys(given: pd.Series, family: pd.Series) -> pd.Series:
    """Romanisation keys ``"<family> <given>"`` per record, joined by ``|`` and sorted."""
    if len(given) != len(family):
        raise ValueError("given and family must have the same length")
    g, f = _field(given, "given"), _field(family, "family")
    fam_slots, giv_slots = f.slots, g.slots
    width = len(fam_slots)
    pair_codes, pairs = pd.factorize(g.codes * width + f.codes)
    gi, fi = np.divmod(pairs.astype(np.int64), width)
    # A whole Chinese name alone in one field (陳大文) is split into a new family/given pair.
    extra_f: list[tuple[str, ...]] = []
    extra_g: list[tuple[str, ...]] = []
    for codes, other, han in ((gi, fi, g.han), (fi, gi, f.han)):
        for row in np.flatnonzero((other == 0) & np.isin(codes, list(han))) if han else []:
            split = _split_full(han[int(codes[row])])
            if split is not None:
                fi[row], gi[row] = len(fam_slots) + len(extra_f), len(giv_slots) + len(extra_g)
                extra_f.append(_slots(_han_forms(split[0], "family")))
                extra_g.append(_slots(_han_forms(split[1], "given")))
    if extra_f:
        fam_slots = np.concatenate([fam_slots, _as_slots(extra_f)])
        giv_slots = np.concatenate([giv_slots, _as_slots(extra_g)])
    answers = np.empty(len(pairs) + 1, dtype=object)  # the last slot answers missing pairs
    answers[:-1] = _join_keys(fam_slots, giv_slots, fi, gi)
    return pd.Series(answers.take(pair_codes), index=given.index, dtype=object)


def _as_slots(rows: list[tuple[str, ...]]) -> np.ndarray:
    out = np.empty((len(rows), _SLOTS), dtype=object)
    out[:] = rows
    return out


def _ranks(slots: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """The distinct forms, sorted, and each slot's position among them (-1: no form)."""
    codes, forms = pd.factorize(slots.ravel(), sort=True)
    ranks = codes.reshape(slots.shape).astype(np.int64)
    if len(forms) and forms[0] == "":  # "" sorts first
        ranks -= 1
    else:
        forms = np.concatenate([[""], forms])
    return pa.array(forms[1:].tolist(), type=pa.string()), ranks


def _join_keys(
    fam_slots: np.ndarray, giv_slots: np.ndarray, fi: np.ndarray, gi: np.ndarray
) -> np.ndarray:
    """Per (family, given) pair: its keys, sorted, without repeats, joined by ``|``.

    Keys are worked on as numbers first: a key's number orders like its text (the family and
    given forms are ranked, and the space between them sorts before any letter).
    """
    fam_forms, fam_rank = _ranks(fam_slots)
    giv_forms, giv_rank = _ranks(giv_slots)
    base = len(giv_forms) + 1
    # Latin (or missing) on both sides: one form each, so one key and nothing to sort.
    one_f = (fam_rank[:, 0] == fam_rank[:, 1]) & (fam_rank[:, 0] == fam_rank[:, 2])
    one_g = (giv_rank[:, 0] == giv_rank[:, 1]) & (giv_rank[:, 0] == giv_rank[:, 2])
    single = (one_f & (fam_rank[:, 3] < 0))[fi] & (one_g & (giv_rank[:, 3] < 0))[gi]
    keys = np.empty(len(fi), dtype=object)
    for rows, pairings in ((single, _PAIRINGS[:1]), (~single, _PAIRINGS)):
        at = np.flatnonzero(rows)
        if len(at):
            codes = _key_codes(fam_rank, giv_rank, fi[at], gi[at], pairings, base)
            keys[at] = _key_texts(codes, base, fam_forms, giv_forms)
    return keys


def _key_codes(
    fam_rank: np.ndarray,
    giv_rank: np.ndarray,
    fi: np.ndarray,
    gi: np.ndarray,
    pairings: tuple[tuple[int, int], ...],
    base: int,
) -> np.ndarray:
    """Each pair's key numbers, one column per pairing of forms, sorted, repeats as -1, first."""
    a = fam_rank[:, [p[0] for p in pairings]][fi]
    b = giv_rank[:, [p[1] for p in pairings]][gi]
    same = np.array([p[0] == p[1] for p in pairings])
    family_only, given_only = (gi == 0)[:, None], (fi == 0)[:, None]
    ok = ((a >= 0) & (b >= 0)) | (same & family_only & (a >= 0)) | (same & given_only & (b >= 0))
    codes = np.where(ok, (a + 1) * base + (b + 1), -1)
    if codes.shape[1] > 1:
        codes.sort(axis=1)
        codes[:, 1:][codes[:, 1:] == codes[:, :-1]] = -1
        codes.sort(axis=1)  # missing keys first, the rest in order
    return codes


def _key_texts(codes: np.ndarray, base: int, fam_forms: pa.Array, giv_forms: pa.Array) -> Any:
    """The keys of each row of ``codes`` as text, joined by ``|`` (``None``: no key)."""
    present = codes >= 0
    flat = codes[present]  # row by row, each row's keys in order
    offsets = np.zeros(len(codes) + 1, dtype=np.int32)
    np.cumsum(present.sum(axis=1), out=offsets[1:])
    fam_text = fam_forms.take(pa.array(flat // base - 1, mask=flat // base == 0))
    giv_text = giv_forms.take(pa.array(flat % base - 1, mask=flat % base == 0))
    texts = pc.coalesce(pc.binary_join_element_wise(fam_text, giv_text, " "), fam_text, giv_text)
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), texts), "|")
    keys = np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)
    keys[offsets[1:] == offsets[:-1]] = None
    return keys


# --- initials ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _han_initial(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    letter = str(lazy_pinyin(_simplified([char])[0], style=Style.FIRST_LETTER)[0])
    return letter if _ascii_syllable(letter) else char


def _initials(texts: list[str]) -> list[str | None]:
    out: list[str | None] = []
    for text in texts:
        first = fold(text)[:1]
        out.append((_han_initial(first) if _HAN.match(first) else first) or None)
    return out


def name_initial(values: pd.Series) -> pd.Series:
    """The first letter of each given name, ASCII-folded (``J.`` and ``John`` give ``j``)."""
    return _per_distinct(values, _initials)
