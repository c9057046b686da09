"""Which parser takes each address: the text's own evidence first, then the default region.

A Taiwan 縣市 or 3+3 code, 香港 or a Hong Kong district, a mainland province or city (or text
written in Simplified Chinese), ``Hong Kong``/``Kowloon``, a US state + ZIP or ``USA``, a UK
postcode or ``UK``. Each cue is one RE2 pattern run over the whole column.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise import _address_cn as cn
from crmmigrate.transform.standardise import _address_hk as hk
from crmmigrate.transform.standardise import _address_tw as tw
from crmmigrate.transform.standardise import _address_us as us
from crmmigrate.transform.standardise._address_text import blanks, eq, has, ne, sub, trie_regex

# the parsers, in the order their rows are laid out; "" = blank text (no parser)
FAMILIES = ("TW", "CN", "HKZ", "HKE", "US", "GB", "OTHER", "")
TW, CN, HKZ, HKE, US, GB, OTHER, BLANK = range(len(FAMILIES))


@lru_cache(maxsize=1)
def cues() -> dict[str, str]:
    _, _, city_re, area_re = tw.names()
    hk_names = [n for n in hk.zh_names() if not (len(n) <= 3 and n.endswith(("區", "区")))]
    return {
        "tw": (
            r"^[(\[]?(?:[0-9]{3,6})?[)\]]?\s*(?:" + tw.COUNTRY_WORDS + r")?\s*[(\[]?(?:[0-9]{3,6})?"
            r"[)\]]?\s*(?:" + city_re + r"|[0-9]{3}\s*(?:" + area_re + "))"
        ),
        "tw_word": r"^(?:" + tw.COUNTRY_WORDS + ")",
        "hk": r"^(?:中[國国])?\s*(?:香港|九[龍龙]|新界|" + trie_regex(hk_names) + ")",
        "hk_en": r"(?i)(?:^|[\s,])(?:hong\s*kong|kowloon|new\s+territories)(?:$|[\s,.])",
        "hk_en_district": r"(?i),\s*(?:" + hk.en_district_regex() + r")\s*(?:,|$)",
        "us": us.us_cue(),
        "uk": us.uk_cue(),
    }


def family(norm: pa.Array, default: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Each text's family, as a position in ``FAMILIES`` (blank texts are not looked at).

    Also returns the texts folded to Simplified Chinese (without spaces) for the rows that might
    be mainland addresses ("" elsewhere), for the mainland parser to reuse.
    """
    cue = cues()
    n = len(norm)
    family = np.full(n, OTHER, dtype=np.int8)
    folded = blanks(n)
    chinese = has(norm, r"\p{Han}")
    if chinese.any():
        zi = np.flatnonzero(chinese)
        zh = norm.take(pa.array(zi))
        d = default[zi]
        fam = np.where(d == "CN", CN, np.where(d == "HK", HKZ, TW))
        is_tw = has(zh, cue["tw"])
        is_hk = ~is_tw & has(zh, cue["hk"])
        rest = np.flatnonzero(~is_tw & ~is_hk)
        is_cn = np.zeros(len(zh), dtype=bool)
        if len(rest):
            plain = sub(zh.take(pa.array(rest)), r"[\s,]+", "")
            fold = cn.fold(plain)
            by_name, tw_word = has(fold, cn.cue_pattern()), has(fold, cue["tw_word"])
            # no place name to go by: text written in Simplified Chinese is taken as mainland
            check = ~by_name & ~tw_word & eq(fold, plain)
            simplified = np.zeros(len(rest), dtype=bool)
            if check.any():
                unsure = plain.filter(pa.array(check))
                simplified[check] = ne(cn.to_traditional(unsure), unsure)
            is_cn[rest] = (by_name | simplified) & ~tw_word
            mask = np.zeros(n, dtype=bool)
            mask[zi[rest]] = True
            folded = pc.replace_with_mask(folded, pa.array(mask), fold)
        family[zi] = np.where(is_tw, TW, np.where(is_hk, HKZ, np.where(is_cn, CN, fam)))
    latin = np.flatnonzero(~chinese)
    if len(latin):
        la = norm.take(pa.array(latin))
        d = default[latin]
        fam = np.where(d == "US", US, np.where(d == "GB", GB, np.where(d == "HK", HKE, OTHER)))
        is_hk = has(la, cue["hk_en"]) | has(la, cue["hk_en_district"])
        is_us = has(la, cue["us"])
        is_uk = has(la, cue["uk"])
        family[latin] = np.where(is_hk, HKE, np.where(is_us, US, np.where(is_uk, GB, fam)))
    return family, folded


def warm() -> None:
    """Load the tables and compile the patterns once, before threads share them."""
    cues()
    tw.patterns()
    tw.lookups()
    cn.warm()
    hk.warm()
    us.warm()
