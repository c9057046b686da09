"""Person names: text clean-up, smart casing and the not-a-name test, one value at a time.

Casing works word by word and only on words that carry no case information: a word written
ALL CAPS or all lower case is re-cased, a word that already mixes cases (``DeShawn``,
``McKenzie``, ``Mcdonald``, ``Mei-ling``, ``Van``) is kept exactly as written. Re-casing knows
``Mc``/``Mac`` (``MacArthur`` from a list of stems, never ``Mack``/``Macy``), ``O'``/``D'``,
hyphens (``Mei-Ling``), Roman numerals and generational suffixes after the first word (``III``,
``Jr.``), credentials (``PhD``) and particles (``van der``, ``de la``, ``di``): a particle is
lower-cased wherever it is followed by another word, including at the start of a last-name
field (``VAN DER BERG`` → ``van der Berg``), because name fields are shown after the first name.
Particles are left alone in names that read as romanised Chinese (``LIU DE HUA``) or start with
a Vietnamese surname (``NGUYEN VAN AN``). CJK text has no case and is never touched.
"""

from __future__ import annotations

import re
import unicodedata

from crmmigrate.transform.standardise._name_data import MAC_STEMS, NOT_NAMES, ROMAN_SURNAMES

CJK_CHARS = (
    "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f"
)
CJK = re.compile(f"[{CJK_CHARS}]")
_CJK_SPACE = re.compile(f"(?<=[{CJK_CHARS}·]) (?=[{CJK_CHARS}·])")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile("[\u2018\u2019\u02bc\u0060\u00b4\u2032]")
_MIDDLE_DOTS = re.compile(" ?[\u00b7\u2027\u2022\u30fb\u2219] ?")
_LETTER = f"[^\\W\\d_{CJK_CHARS}]"  # a letter of a cased script: CJK is never a "word" here
_WORD = re.compile(f"{_LETTER}+(?:['\\-.]{_LETTER}+)*\\.?")
_PART = re.compile(r"([^\W\d_]+)")
_VOWEL = re.compile("[aeiouy]")
DIGIT = re.compile(r"\d")

PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "degli", "di", "da", "du", "des", "dos",
    "das", "ter", "ten", "te", "zu", "vom", "zum", "zur", "bin", "binti"
})  # fmt: skip
_AFTER_PARTICLE = frozenset({"la", "le", "las", "los"})  # de la, de los: only after a particle
VIETNAMESE_SURNAMES = frozenset({
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "trinh", "dinh"
})  # fmt: skip
GENERATIONAL = {
    "jr": "Jr",
    "sr": "Sr",
    "ii": "II",
    "iii": "III",
    "iv": "IV",
    "2nd": "2nd",
    "3rd": "3rd",
}
CREDENTIALS = {
    "phd": "PhD", "md": "MD", "dds": "DDS", "dmd": "DMD", "esq": "Esq", "cpa": "CPA",
    "mba": "MBA", "jp": "JP", "mbe": "MBE", "obe": "OBE", "cbe": "CBE", "bbs": "BBS",
    "sbs": "SBS", "gbs": "GBS", "mh": "MH", "rn": "RN", "cfa": "CFA", "jd": "JD",
}  # fmt: skip
SALUTATIONS = {
    "mr": "Mr.", "mister": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "miss": "Miss", "mx": "Mx.",
    "dr": "Dr.", "doctor": "Dr.", "prof": "Prof.", "professor": "Prof.", "sir": "Sir",
    "dame": "Dame", "rev": "Rev.", "revd": "Rev.", "reverend": "Rev.", "madam": "Madam",
    "mdm": "Mdm.",
}  # fmt: skip
CJK_HONORIFICS = ("先生", "小姐", "女士", "太太", "夫人", "博士", "醫師", "医师", "醫生", "医生",
                  "教授", "老師", "老师")  # fmt: skip
_ROMAN = frozenset({"ii", "iii", "iv", "vi", "vii", "viii"})
_ROMAN_ANYWHERE = frozenset({"ii", "iii", "iv"})  # never a name on their own; Vi can be

# A romanised Chinese syllable (Pinyin, Wade-Giles, Hong Kong Cantonese), lower case, no tones.
_SYL = (
    r"(?:(?:ch|zh|sh|ts|tz|hs|ng|kw|gw|sz|[bpmfdtnlgkhjqxrzcswy])?[aeiou]{1,3}"
    r"(?:ng|n|m|p|t|k|h|w|y)?|ng|m|tsz|sz|erh?)"
)
_SYLLABLE = re.compile(_SYL)
_TWO_SYLLABLES = re.compile(f"{_SYL}{_SYL}")


def syllabic(word: str, *, allow_two: bool = False) -> bool:
    """Whether a word reads as one romanised Chinese syllable (or ``Tai-Man``, ``Xiaoming``)."""
    key = (word, allow_two)
    known = _SYLLABIC.get(key)
    if known is None:
        known = _syllabic(word.lower().replace("'", ""), allow_two)
        if len(_SYLLABIC) < 100_000:
            _SYLLABIC[key] = known
    return known


_SYLLABIC: dict[tuple[str, bool], bool] = {}  # names share few distinct words: remember them


def _syllabic(low: str, allow_two: bool) -> bool:
    if "-" in low:
        return all(_SYLLABLE.fullmatch(p) for p in low.split("-"))
    if _SYLLABLE.fullmatch(low):
        return True
    return allow_two and len(low) >= 4 and _TWO_SYLLABLES.fullmatch(low) is not None


def clean(value: str) -> tuple[str, list[str]]:
    """NFKC, apostrophes and middle dots folded, whitespace trimmed; CJK spaces are kept here."""
    rules: list[str] = []
    text = value
    if not text.isascii():
        norm = unicodedata.normalize("NFKC", text)
        if norm != text:
            rules.append("name.nfkc")
            text = norm
        folded = _APOSTROPHES.sub("'", text)
        if folded != text:
            rules.append("name.apostrophe")
            text = folded
    tidy = " ".join(text.split())
    if tidy != text:
        rules.append("name.trim")
        text = tidy
    if not text.isascii() and CJK.search(text):
        dotted = _MIDDLE_DOTS.sub("·", text)
        if dotted != text:
            rules.append("name.middle-dot")
            text = dotted
    return text, rules


def join_cjk(text: str, rules: list[str]) -> str:
    """Remove spaces between CJK characters (``陳 大文`` → ``陳大文``)."""
    if " " not in text or not CJK.search(text):
        return text
    joined = _CJK_SPACE.sub("", text)
    if joined != text:
        rules.append("name.cjk-spaces")
    return joined


def not_a_name(text: str) -> bool:
    """Placeholders, e-mail addresses, URLs and values without a single letter."""
    if "@" in text or not any(c.isalpha() for c in text):
        return True
    low = text.casefold()
    if low.startswith(("http:", "https:", "www.")):
        return True
    bare = low.strip(" .-_*?!()[]")
    return bare in NOT_NAMES or low in NOT_NAMES or bare in SALUTATIONS or text in CJK_HONORIFICS


def _cap(part: str) -> str:
    low = part.lower()
    if low.startswith("mc") and len(low) > 3:
        return "Mc" + low[2].upper() + low[3:]
    if low.startswith("mac") and low[3:] in MAC_STEMS:
        return "Mac" + low[3].upper() + low[4:]
    return low[:1].upper() + low[1:]


def case_word(word: str, index: int, count: int, particles: bool, after_particle: bool) -> str:
    """Re-case one word of a name (``index`` among ``count`` words), or return it unchanged."""
    if not (word.isupper() or word.islower()):
        return word  # mixed case, or no cased letters (CJK): the writer meant it
    low = word.lower()
    bare = low.rstrip(".")
    last = index == count - 1
    if (
        particles
        and not last
        and (bare in PARTICLES or (after_particle and bare in _AFTER_PARTICLE))
    ):
        return low
    if bare in _ROMAN_ANYWHERE:
        return word.upper()
    if index > 0:
        if bare in _ROMAN:
            return word.upper()
        if bare in GENERATIONAL:
            return GENERATIONAL[bare] + word[len(bare) :]
        key = bare.replace(".", "")
        if key in CREDENTIALS and (last or count > 2):
            if "." in bare:
                return word.upper().replace("PH.D", "Ph.D")
            return CREDENTIALS[key] + word[len(bare) :]
    if (
        len(bare) == 2
        and not _VOWEL.search(bare)
        and bare not in ROMAN_SURNAMES
        and bare not in SALUTATIONS
    ):
        return word.upper()  # JJ, TJ: initials used as a name
    cased = _CAPPED.get(low)
    if cased is None:
        cased = capitalise(low)
        if len(_CAPPED) < 100_000:
            _CAPPED[low] = cased
    return cased


_CAPPED: dict[str, str] = {}  # lower-case word → capitalised; names repeat their words a lot


def capitalise(low: str) -> str:
    if low.isalpha():
        return _cap(low)
    return "-".join(_cap_piece(piece) for piece in low.split("-"))


def _cap_piece(piece: str) -> str:
    if "." in piece:  # initials: j.r.r. → J.R.R.
        return _PART.sub(lambda m: _cap(m.group(1)), piece)
    head, apos, tail = piece.partition("'")
    if apos and len(head) == 1:  # O'Brien, D'Angelo; otherwise Ka'ahumanu, McDonald's
        return head.upper() + "'" + _cap(tail)
    return _cap(head) + apos + tail


def case_text(text: str) -> str:
    """Smart-case every Latin word of a name; CJK and mixed-case words are left as they are."""
    if text.istitle() or text.lower() == text.upper():
        return text  # every word already capitalised (or no cased letters at all)
    words = list(_WORD.finditer(text))
    plain = [m.group(0) for m in words]
    lows = [w.lower().rstrip(".") for w in plain]
    particles = any(w in PARTICLES for w in lows[:-1]) and _particles_apply(lows)
    out: list[str] = []
    pos = 0
    for i, m in enumerate(words):
        out.append(text[pos : m.start()])
        after = i > 0 and lows[i - 1] in PARTICLES
        out.append(case_word(plain[i], i, len(words), particles, after))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _particles_apply(lows: list[str]) -> bool:
    if lows[0] in VIETNAMESE_SURNAMES:
        return False
    return not all(_SYLLABLE.fullmatch(w.replace("'", "")) for w in lows)
