"""Decode a source file's bytes strictly, with an 'auto' mode for the encodings CRM exports use.

'auto' never trusts a detector on a sample: it decodes the *whole* byte string strictly with each
candidate and the first success wins. One exception to "first wins": Big5 (cp950/big5hkscs) and
GBK (gb18030) share most of their byte ranges, so a short GBK file of Simplified Chinese often
decodes cleanly -- as nonsense -- with cp950. When both a Big5 codec and gb18030 decode the file,
the text with fewer rare characters wins (see :func:`_rare_ratio`); a tie keeps cp950.

A Chinese reading is also refused when it shows the mark of Western European single-byte text
(cp1252/latin-1), which Big5 and GBK accept as valid pairs: the user is asked to name the
encoding instead of getting silently corrupted names (see :func:`_check_not_western`).
"""

from __future__ import annotations

import codecs
import re
from functools import cache

import numpy as np

from crmmigrate.errors import SourceError

AUTO_ENCODINGS: tuple[str, ...] = ("utf-8", "utf-16", "cp950", "big5hkscs", "gb18030")

_BIG5_FAMILY = ("cp950", "big5hkscs")
# A non-ASCII character between two ASCII letters: the shape of cp1252 read as Big5/GBK.
_SANDWICHED = re.compile(r"[A-Za-z]([^\x00-\x7f])(?=[A-Za-z])")
# Characters per chunk when scoring; keeps the UTF-32 copy of a huge file small.
_SCORE_CHUNK = 1 << 20


def decode_bytes(data: bytes, encoding: str, *, label: str) -> tuple[str, str]:
    """Return ``(text, encoding_used)``, decoding ``data`` strictly.

    ``encoding='auto'`` honours a BOM first (UTF-8 -> 'utf-8-sig', UTF-16 LE/BE -> 'utf-16'; a BOM
    is decisive), then tries each of :data:`AUTO_ENCODINGS` on the whole input ('utf-16' only with
    a BOM). Any other value is a Python codec name used strictly. A leading BOM is never part of
    the returned text. Failures raise :class:`SourceError` naming ``label``, the byte offset and
    the line; the message never quotes the bytes themselves.
    """
    name = encoding.strip()
    if name.lower() == "auto":
        return _decode_auto(data, label)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise SourceError(
            f"{label}: unknown encoding {name!r}; set encoding: to a Python codec name "
            "such as utf-8, cp950, big5hkscs or gb18030, or to auto"
        ) from None
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name, codec = "utf-8-sig", "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _cannot_decode(data, name, exc, label) from None
    return _strip_bom(text), name


def _decode_auto(data: bytes, label: str) -> tuple[str, str]:
    bom_codec = _bom_codec(data)
    if bom_codec is not None:
        try:
            return _strip_bom(data.decode(bom_codec)), bom_codec
        except UnicodeDecodeError as exc:
            raise _cannot_decode(data, bom_codec, exc, label) from None

    failures: list[UnicodeDecodeError] = []
    big5: tuple[str, str] | None = None
    for codec in AUTO_ENCODINGS:
        if codec == "utf-16" or (codec in _BIG5_FAMILY and big5 is not None):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            failures.append(exc)
            continue
        if codec in _BIG5_FAMILY:
            big5 = (text, codec)  # hold it: gb18030 may read the same bytes more plausibly
            continue
        if codec == "gb18030":
            if big5 is not None and _rare_ratio(big5[0]) <= _rare_ratio(text):
                return _check_not_western(*big5, label=label)
            return _check_not_western(text, codec, label=label)
        return text, codec
    if big5 is not None:
        return _check_not_western(*big5, label=label)

    # The candidate that got furthest points at the byte most worth looking at.
    furthest = max(failures, key=lambda exc: exc.start)
    line = _line_of(data, furthest.start, furthest.encoding)
    raise SourceError(
        f"{label}: not valid UTF-8, UTF-16, cp950, big5hkscs or gb18030 "
        f"(first bad byte at line {line}); set encoding: explicitly"
    )


def _check_not_western(text: str, codec: str, *, label: str) -> tuple[str, str]:
    """Refuse a CJK reading that is really Western European text in a single-byte encoding.

    In cp1252 an accented letter plus the next ASCII letter form a valid double-byte Big5/GBK
    code ("François" -> "Fran" + one ideograph + "is"), so 'auto' would silently corrupt
    names. A rare ideograph with Latin letters on both sides almost never occurs in real Chinese
    data, so one is enough to stop and ask for the encoding.
    """
    common = _common_table()
    for match in _SANDWICHED.finditer(text):
        if not common[ord(match.group(1))]:
            line = text.count("\n", 0, match.start()) + 1
            raise SourceError(
                f"{label}: line {line} looks like Western European text, not UTF-8 or Chinese; "
                "set encoding: explicitly, e.g. encoding: cp1252"
            )
    return text, codec


def _bom_codec(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _line_of(data: bytes, offset: int, codec: str) -> int:
    """1-based line of byte ``offset``, counted in the codec's terms (UTF-16 newlines differ)."""
    return data[:offset].decode(codec, errors="replace").count("\n") + 1


def _cannot_decode(data: bytes, name: str, exc: UnicodeDecodeError, label: str) -> SourceError:
    line = _line_of(data, exc.start, exc.encoding)
    suggestion = _suggest(data, name)
    return SourceError(
        f"{label}: cannot decode as {name} at byte {exc.start} (line {line}); "
        f"set encoding: to the file's encoding, e.g. encoding: {suggestion}"
    )


def _suggest(data: bytes, failed: str) -> str:
    """An encoding worth trying instead of ``failed``: what 'auto' would pick, else gb18030."""
    bom_codec = _bom_codec(data)
    if bom_codec is not None:
        # The BOM already failed or was overridden; the rest of the bytes may tell more.
        data = data[2:] if bom_codec == "utf-16" else data[len(codecs.BOM_UTF8) :]
    try:
        _, found = _decode_auto(data, "")
    except SourceError:
        return "gb18030"
    return found if found != failed else "auto"


def _rare_ratio(text: str) -> float:
    """Share of non-ASCII characters in ``text`` that are rare in Chinese writing.

    "Common" means the first level of GB2312 (3755 everyday simplified characters), the first
    level of Big5 (5401 everyday traditional characters), CJK and full-width punctuation. Text
    decoded with the wrong codec lands in the second levels, extension areas, kana or private
    use about half the time, so the right codec scores far lower.
    """
    common = _common_table()
    non_ascii = rare = 0
    for start in range(0, len(text), _SCORE_CHUNK):
        chunk = text[start : start + _SCORE_CHUNK]
        points = np.frombuffer(chunk.encode("utf-32-le", errors="surrogatepass"), dtype="<u4")
        points = points[points >= 0x80]
        non_ascii += int(points.size)
        rare += int(np.count_nonzero(~common[points]))
    return rare / non_ascii if non_ascii else 0.0


@cache
def _common_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    table[:0x80] = True
    table[0x3000:0x3040] = True  # CJK symbols and punctuation
    table[0xFF01:0xFF5F] = True  # full-width ASCII forms
    for point in (0xB7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026):
        table[point] = True
    gb_level1 = _decode_pairs("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
    big5_level1 = _decode_pairs(
        "cp950", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    )
    for char in gb_level1 + big5_level1:
        table[ord(char)] = True
    return table


def _decode_pairs(codec: str, leads: range, trails: range | list[int]) -> str:
    out: list[str] = []
    for lead in leads:
        for trail in trails:
            # Big5 level 1 ends at C67E; what follows in row C6 is level-2 kana and symbols.
            if codec == "cp950" and (lead, trail) > (0xC6, 0x7E):
                break
            try:
                out.append(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue
    return "".join(out)
