"""Street lines taken apart for matching: house number, unit, and the rest in one spelling.

``371 E. 29th Pl. #320`` and ``371 East 29th Place Suite 320`` are one address; ``12 Main St``
and ``14 Main St`` are neighbours, and so are ``Unit 3, 46 King Rd`` and ``5/46 King Rd``.
:func:`street_parts` gives, per value, the house number, the unit (suite, flat, floor, or the
``3/46`` form) and the remaining words with street types, directions and ordinals written one
way (``Avenue``/``Ave``/``Av`` → ``ave``, ``South``/``S`` → ``s``, ``Fifth`` → ``5th``), the
way USPS and Australia Post abbreviate them. A Chinese address gives the number before 號 and
the floor before 樓 as the unit. Work is done on the distinct values with Arrow; tokens are
mapped once per distinct token.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_SUFFIX = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd",
    "boul": "blvd", "road": "rd", "drive": "dr", "drv": "dr", "court": "ct", "crt": "ct",
    "place": "pl", "lane": "ln", "parkway": "pkwy", "pky": "pkwy", "highway": "hwy",
    "terrace": "tce", "terr": "tce", "ter": "tce", "crescent": "cres", "cresent": "cres",
    "cr": "cres", "circle": "cir", "circuit": "cct", "square": "sq", "plaza": "plz",
    "wy": "way", "grove": "gr", "close": "cl", "parade": "pde", "esplanade": "esp",
    "expressway": "expy", "freeway": "fwy", "trail": "trl", "alley": "aly", "center": "ctr",
    "centre": "ctr", "mount": "mt", "point": "pt", "heights": "hts", "junction": "jct",
    "saint": "st",
}  # fmt: skip
_DIRECTION = {
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
    "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
_ORDINAL = {
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
    "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
    "eleventh": "11th", "twelfth": "12th", "thirteenth": "13th", "fourteenth": "14th",
    "fifteenth": "15th", "sixteenth": "16th", "seventeenth": "17th", "eighteenth": "18th",
    "nineteenth": "19th", "twentieth": "20th",
}  # fmt: skip
WORDS = _SUFFIX | _DIRECTION | _ORDINAL
_UNIT_WORD = r"(?:unit|u|apt|apartment|suite|ste|flat|fl|floor|level|lvl|room|rm|shop|villa|lot|#)"
_UNIT = r"(?:^|\s)" + _UNIT_WORD + r"\s*#?\s*(?P<v>[0-9]+[a-z]?|[a-z])(?:\s|$)"
_HAN = "[\u3400-\u9fff]"


def street_parts(values: pd.Series) -> pd.DataFrame:
    """Per value: ``number``, ``unit`` and ``rest`` (None where absent)."""
    text = pa.array(values.astype(object).where(values.notna(), None).tolist(), type=pa.string())
    text = pc.utf8_lower(text)
    han = pc.match_substring_regex(text, _HAN)
    latin = _latin(text)
    chinese = _chinese(text)
    out = {}
    for name in ("number", "unit", "rest"):
        merged = pc.if_else(pc.fill_null(han, False), chinese[name], latin[name])
        out[name] = pd.Series(merged.to_pylist(), index=values.index, dtype=object)
    return pd.DataFrame(out)


def _blank(array: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _latin(text: pa.Array) -> dict[str, pa.Array]:
    clean = pc.replace_substring_regex(text, r"[.,;:()\-]+", " ")
    # "3/46 King Rd": unit 3 at number 46
    slash = pc.extract_regex(clean, r"^\s*(?P<unit>[0-9]+[a-z]?)\s*/\s*(?P<number>[0-9]+[a-z]?)\b")
    clean = pc.replace_substring_regex(clean, r"^\s*[0-9]+[a-z]?\s*/\s*", " ")
    unit = pc.extract_regex(clean, _UNIT)
    clean = pc.replace_substring_regex(clean, _UNIT, " ")
    number = pc.extract_regex(clean, r"(?:^|\s)(?P<n>[0-9]+[a-z]?)(?:\s|$)")
    clean = pc.replace_substring_regex(
        clean, r"(?:^|\s)[0-9]+[a-z]?(?:\s|$)", " ", max_replacements=1
    )
    units = pc.coalesce(pc.struct_field(slash, "unit"), pc.struct_field(unit, "v"))
    numbers = pc.coalesce(pc.struct_field(slash, "number"), pc.struct_field(number, "n"))
    return {"number": numbers, "unit": units, "rest": _blank(_spell(clean))}


def _spell(text: pa.Array) -> pa.Array:
    """Each word in its one spelling (``avenue`` → ``ave``), joined by single spaces."""
    words = pc.utf8_split_whitespace(text)
    flat = pc.list_flatten(words)
    codes, uniques = pd.factorize(np.asarray(flat.to_numpy(zero_copy_only=False), dtype=object))
    mapped = np.array([WORDS.get(w, w) for w in uniques.tolist()], dtype=object)
    spelled = pa.array(mapped[codes] if len(codes) else [], type=pa.string())
    offsets = pc.list_value_length(words).fill_null(0).to_numpy(zero_copy_only=False)
    bounds = pa.array(np.r_[0, np.cumsum(offsets)].astype(np.int32))
    rebuilt = pa.ListArray.from_arrays(bounds, spelled)
    joined = pc.binary_join(rebuilt, " ")
    return pc.if_else(pc.is_null(words), pa.scalar(None, pa.string()), joined)


def _chinese(text: pa.Array) -> dict[str, pa.Array]:
    digits = pc.utf8_normalize(text, "NFKC")  # full-width digits → ASCII
    number = pc.struct_field(pc.extract_regex(digits, r"(?P<n>[0-9]+)\s*[號号]"), "n")
    floor = pc.struct_field(pc.extract_regex(digits, r"(?P<f>[0-9]+)\s*[樓楼fF]"), "f")
    # a city and district in front of the road are left out (a standardised street has none)
    rest = pc.replace_substring_regex(
        digits, r"^(?:[^市縣县]{1,4}[市縣县])?(?:[^區区鄉乡鎮镇]{1,4}[區区鄉乡鎮镇])?", ""
    )
    rest = pc.replace_substring_regex(rest, r"[0-9]+\s*(?:[號号樓楼fF]|之[0-9]+)", "")
    rest = pc.replace_substring_regex(rest, r"\s+", "")
    return {"number": number, "unit": floor, "rest": _blank(rest)}
