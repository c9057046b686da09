"""Phone numbers: local and international forms to E.164 (or a display format), validated.

``standardise(series, region="TW", output="E164")`` reads each distinct (value, region) pair
once. It accepts national forms for the default region (``02-2345-6789``, ``(02)2345-6789``,
``0912-345-678``, HK ``2345 6789``, CN ``138-0013-8000``, US ``(415) 555-0132``, UK
``020 7946 0018``, ...), international ones (``+886 (0)2 …``, ``00886 …``, ``886-912-345-678``),
full-width characters, labels (``Tel:``, ``電話：``, ``手機``), an extension (``#123``,
``ext. 12``, ``x12``, ``分機 123``, ``轉123``, ``,123``) kept in ``extras["extension"]``, and two
numbers in one cell (the second, standardised too, in ``extras["second"]``).

Validity is ``phonenumbers.is_valid_number``, never "possible". An invalid value is kept as it
was with a reason: ``not-a-phone-number``, ``too-short``, ``too-long``, ``invalid-number`` or
``unknown-region``. Rules: ``phone.e164`` / ``phone.international`` / ``phone.national`` (a
reformat), ``phone.extension-split``, ``phone.leading-zero-restored`` (a number that lost its
trunk 0, as Excel does to ``0912345678``) and ``phone.split-second``.

``NATIONAL`` output is used only for numbers of the row's own region; others are shown
``INTERNATIONAL`` so that standardising the output again reads the same number.

Speed: simple shapes are decided for all values at once by ``_phone_fast``, which replays
phonenumbers' steps on its own metadata (split over threads for large columns); the rest go
through phonenumbers, in a process pool when there are many. ``CRMMIGRATE_WORKERS`` (default 2)
sets both; 1 keeps everything in one thread.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from itertools import pairwise, repeat
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np
import pandas as pd
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

from crmmigrate.transform.standardise import _phone_fast as fast
from crmmigrate.transform.standardise.base import Standardised, Status

Output = Literal["E164", "INTERNATIONAL", "NATIONAL"]
OUTPUTS: tuple[Output, ...] = ("E164", "INTERNATIONAL", "NATIONAL")
FAST_PATH = True  # tests turn it off to compare with phonenumbers alone
POOL_THRESHOLD = 20_000  # values for phonenumbers before a process pool pays for itself
THREAD_THRESHOLD = 100_000  # values before the fast path is split over threads
DEFAULT_WORKERS = 2

NOT_A_NUMBER, TOO_SHORT, TOO_LONG = "not-a-phone-number", "too-short", "too-long"
INVALID_NUMBER, UNKNOWN_REGION = "invalid-number", "unknown-region"
RESTORED, EXTENSION_SPLIT, SPLIT_SECOND = (
    "phone.leading-zero-restored",
    "phone.extension-split",
    "phone.split-second",
)
FORMAT_RULES: dict[str, str] = {
    "E164": "phone.e164",
    "INTERNATIONAL": "phone.international",
    "NATIONAL": "phone.national",
}
_REGION_ALIASES = {"UK": "GB"}
_MIN_DIGITS_PER_NUMBER = fast.MIN_DIGITS_PER_NUMBER

_LABEL = re.compile(fast.LABEL)
_EXTENSION = re.compile(fast.EXTENSION)
_TRAILING_LABEL = re.compile(
    r"\s*[(\[]?\s*(?:手機|手机|公司|住家|家|辦公室|(?i:office|home|mobile|cell|work|[homw]))"
    r"\s*[)\]]?\s*$"
)
_SPLIT = re.compile(fast.SPLIT)
_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s+")

# One value's result: value (None if invalid or empty), status, rule, reason, extension, second.
Row = tuple[str | None, Status, str | None, str | None, str | None, str | None]
_ROW_FIELDS = ("value", "status", "rule", "reason", "extension", "second")
_EMPTY_ROW: Row = (None, "empty", None, None, None, None)
T = TypeVar("T")
R = TypeVar("R")


class _Parsed(NamedTuple):
    value: str | None
    rule: str | None
    reason: str | None
    extension: str | None


def region_code(value: object) -> str:
    """An ISO alpha-2 region phonenumbers knows (``UK`` read as ``GB``), else ``ZZ``."""
    if not isinstance(value, str):
        return "ZZ"
    code = value.strip().upper()
    code = _REGION_ALIASES.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else "ZZ"


def standardise(
    series: pd.Series, *, region: str | pd.Series = "TW", output: Output = "E164"
) -> Standardised:
    """Standardise phone numbers to E.164 (or ``output``), one status per value.

    ``region`` is the default region for numbers written without a country code: one code for
    the column or a Series aligned with it (None/unknown entries: ``ZZ``, no default).
    """
    if output not in OUTPUTS:
        raise ValueError(f"unknown phone output format; expected one of {', '.join(OUTPUTS)}")
    codes, originals, region_idx, names = _distinct_pairs(series, region)
    texts = _texts(originals)
    cols = _standardise_distinct(texts, region_idx, names, output)
    invalid = cols["status"] == "invalid"
    cols["value"][invalid] = originals[invalid]

    take = np.where(codes < 0, len(texts), codes)

    def column(values: np.ndarray, missing: Any = None) -> pd.Series:
        full = np.empty(len(values) + 1, dtype=object)
        full[:-1] = values
        full[-1] = missing
        return pd.Series(full[take], index=series.index, dtype=object)

    return Standardised(
        values=column(cols["value"]),
        status=column(cols["status"], "empty"),
        rule=column(cols["rule"]),
        reason=column(cols["reason"]),
        extras={"extension": column(cols["extension"]), "second": column(cols["second"])},
    )


standardise_phone = standardise


# --- distinct values ------------------------------------------------------------------------


def _distinct_pairs(
    series: pd.Series, region: str | pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Row codes into distinct (value, region) pairs, their values, region indexes and names."""
    vcodes, vuniques = pd.factorize(series, use_na_sentinel=True)
    values = np.asarray(vuniques, dtype=object)
    if not isinstance(region, pd.Series):
        return vcodes, values, np.zeros(len(values), dtype=np.int64), [region_code(region)]
    if not region.index.equals(series.index):
        region = region.reindex(series.index)
    rcodes, runiques = pd.factorize(region, use_na_sentinel=True)
    raw = [region_code(r) for r in runiques] + ["ZZ"]  # the last slot: missing region
    names = sorted(set(raw))
    ridx = np.array([names.index(r) for r in raw], dtype=np.int64)[
        np.where(rcodes < 0, len(runiques), rcodes)
    ]
    present = vcodes >= 0
    pair = vcodes[present].astype(np.int64) * len(names) + ridx[present]
    pcodes, puniques = pd.factorize(pair)
    codes = np.full(len(series), -1, dtype=np.int64)
    codes[present] = pcodes
    puniques = np.asarray(puniques, dtype=np.int64)
    return codes, values[puniques // len(names)], puniques % len(names), names


def _texts(values: np.ndarray) -> np.ndarray:
    """The text of each distinct value; Excel numbers (912345678.0) lose their '.0'."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return np.array(
        [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values],
        dtype=object,
    )


def _standardise_distinct(
    texts: np.ndarray, region_idx: np.ndarray, names: list[str], output: Output
) -> dict[str, np.ndarray]:
    n = len(texts)
    cols = {k: np.full(n, None, dtype=object) for k in _ROW_FIELDS}
    cols["status"][:] = "empty"
    if FAST_PATH:
        got = _fast_decide(texts, region_idx, names)
        blank, done = got.blank, got.done
        rows = np.flatnonzero(done)
        shown, second = got.e164[rows], got.second[rows]
        has_second = np.asarray(second != None, dtype=bool)  # noqa: E711
        if output != "E164":
            shown = _display(got.cc[rows], shown, region_idx[rows], output, names)
            pairs = np.flatnonzero(has_second)
            second[pairs] = _display(
                got.second_cc[rows][pairs], second[pairs], region_idx[rows][pairs], output, names
            )
        extension = got.extension[rows]
        same = np.asarray(shown == texts[rows], dtype=bool)
        code = np.where(got.restored[rows], 1, np.where(extension != None, 2, 0))  # noqa: E711
        code[has_second] = 4
        code[same] = 3
        cols["value"][rows] = shown
        cols["status"][rows] = np.array(["fixed", "ok"], dtype=object)[same.view(np.uint8)]
        cols["rule"][rows] = np.array(
            [FORMAT_RULES[output], RESTORED, EXTENSION_SPLIT, None, SPLIT_SECOND], dtype=object
        )[code]
        cols["extension"][rows] = extension
        cols["second"][rows] = second
    else:
        blank = np.array([not t.strip() for t in texts], dtype=bool)
        done = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(~done & ~blank)
    results = _map(_slow_batch, [(texts[i], names[region_idx[i]]) for i in rest], output)
    for key, values in zip(_ROW_FIELDS, zip(*results, strict=True), strict=False):
        cols[key][rest] = values
    return cols


def _fast_decide(texts: np.ndarray, region_idx: np.ndarray, names: list[str]) -> fast.Fast:
    """The fast path, over slices in threads (pyarrow releases the GIL) when there are many."""
    workers = _workers()
    if workers < 2 or len(texts) < THREAD_THRESHOLD:
        return fast.decide(texts, region_idx, names)
    bounds = np.linspace(0, len(texts), workers + 1).astype(int)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(
            lambda s: fast.decide(texts[s], region_idx[s], names),
            [slice(a, b) for a, b in pairwise(bounds)],
        )
        return fast.Fast.concat(list(parts))


def _display(
    cc: np.ndarray, e164: np.ndarray, region_idx: np.ndarray, output: Output, names: list[str]
) -> np.ndarray:
    items = list(zip(cc.tolist(), e164, region_idx.tolist(), strict=True))
    return np.array(_map(_display_batch, items, output, names), dtype=object)


def _workers() -> int:
    try:
        return max(1, int(os.environ.get("CRMMIGRATE_WORKERS", DEFAULT_WORKERS)))
    except ValueError:
        return DEFAULT_WORKERS


def _map(func: Callable[..., list[R]], items: list[T], *args: Any) -> list[R]:
    """``func(items, *args)``, split over a process pool when there are many items."""
    workers = _workers()
    if workers < 2 or len(items) < POOL_THRESHOLD:
        return func(items, *args)
    size = -(-len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(func, chunks, *(repeat(a, len(chunks)) for a in args)))
    return [row for part in parts for row in part]


def _display_batch(
    items: list[tuple[int, str, int]], output: Output, names: list[str]
) -> list[str]:
    """Display formats for numbers the fast path decided: (country code, E.164, region index)."""
    out = []
    for cc, e164, ridx in items:
        nsn = e164[len(str(cc)) + 1 :]
        number = PhoneNumber(country_code=cc, national_number=int(nsn))
        if len(nsn) > 1 and nsn[0] == "0":  # as parse records an Italian-style leading zero
            number.italian_leading_zero = True
            zeros = min(len(nsn) - len(nsn.lstrip("0")), len(nsn) - 1)
            if zeros > 1:
                number.number_of_leading_zeros = zeros
        out.append(_render(number, output, names[ridx]))
    return out


# --- one value through phonenumbers (the slow path) -----------------------------------------


def _slow_batch(items: list[tuple[str, str]], output: Output) -> list[Row]:
    return [_cell(text, region, output) for text, region in items]


def _cell(text: str, region: str, output: Output) -> Row:
    clean = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
    if not clean:
        return _EMPTY_ROW
    parts = _split(clean)
    first = _number(parts[0], region, output)
    if first.value is None and len(parts) == 1 and first.reason == TOO_LONG:
        halves = _split_on_space(parts[0], region, output)
        if halves:
            parts, first = halves, _number(halves[0], region, output)
    if first.value is None:
        return (None, "invalid", None, first.reason, None, None)
    second = None
    rule = first.rule
    if len(parts) > 1:
        second = "; ".join(_second(p, region, output) for p in parts[1:])
        rule = SPLIT_SECOND
    if first.value == text:
        return (text, "ok", None, None, first.extension, second)
    return (first.value, "fixed", rule, None, first.extension, second)


def _digit_count(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _split(text: str) -> list[str]:
    """Split a cell holding several numbers.

    A piece with a few digits (``,123``) stays with the number before it; a piece without any
    (``/ 無``) is kept apart, so it ends up verbatim in ``second`` instead of spoiling the first.
    """
    pieces = _SPLIT.split(text)
    parts = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        digits = _digit_count(piece)
        if _digit_count(parts[-1]) >= _MIN_DIGITS_PER_NUMBER and (
            digits >= _MIN_DIGITS_PER_NUMBER or digits == 0
        ):
            parts.append(piece)
        else:
            parts[-1] += sep + piece
    return [p for p in parts if p.strip()] or [text]


def _split_on_space(text: str, region: str, output: Output) -> list[str] | None:
    """Two numbers separated only by a space: both halves must be valid numbers."""
    if _digit_count(text) < 2 * _MIN_DIGITS_PER_NUMBER:
        return None
    for gap in _SPACE.finditer(text):
        left, right = text[: gap.start()], text[gap.end() :]
        if _number(left, region, output).value and _number(right, region, output).value:
            return [left, right]
    return None


def _second(text: str, region: str, output: Output) -> str:
    parsed = _number(text, region, output)
    if parsed.value is None:
        return text.strip()
    return parsed.value + (f" ext. {parsed.extension}" if parsed.extension else "")


def _number(part: str, region: str, output: Output) -> _Parsed:
    s = _TRAILING_LABEL.sub("", _LABEL.sub("", part.strip(), count=1))
    extension = None
    found = _EXTENSION.match(s)
    if found:
        s, extension = found.group("main"), found.group("ext")
    digits = phonenumbers.normalize_digits_only(s)
    if _LETTER.search(s) or not digits:
        return _Parsed(None, None, NOT_A_NUMBER, None)
    number, restored, reason = _decide(digits, s.startswith(("+", "(+")), region)
    if number is None:
        return _Parsed(None, None, reason, None)
    rule = RESTORED if restored else EXTENSION_SPLIT if extension else FORMAT_RULES[output]
    return _Parsed(_render(number, output, region), rule, None, extension)


def _decide(digits: str, plus: bool, region: str) -> tuple[PhoneNumber | None, bool, str | None]:
    """The first valid reading of the digits: (number, trunk 0 restored, reason if none)."""
    known = region != "ZZ"
    double_zero = not plus and digits.startswith("00") and digits[2:3] not in ("", "0")
    attempts: list[tuple[str, str | None, bool]] = []
    if plus:
        attempts.append(("+" + digits, None, False))
    else:
        if double_zero:  # 00 + country code; before the region's IDD, which can misread it
            attempts.append(("+" + digits[2:], None, False))
        if known:
            attempts.append((digits, region, False))
            if _trunk_zero(region) and not digits.startswith("0"):
                attempts.append(("0" + digits, region, True))
        if len(digits) >= 10 and digits.startswith(fast.OBVIOUS_CODES):
            attempts.append(("+" + digits, None, False))
    reason = None
    for candidate, reg, restored in attempts:
        try:
            number = phonenumbers.parse(candidate, reg)
        except NumberParseException as exc:
            reason = reason or _parse_reason(exc, candidate)
            continue
        if phonenumbers.is_valid_number(number):
            if not restored and reg is not None and _trunk_zero(reg) and digits[0] != "0":
                national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
                restored = phonenumbers.normalize_digits_only(national) == "0" + digits
            return number, restored, None
        reason = reason or _invalid_reason(number)
    if not plus and not known and not double_zero:
        return None, False, UNKNOWN_REGION
    return None, False, reason or UNKNOWN_REGION


def _trunk_zero(region: str) -> bool:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    return meta is not None and meta.national_prefix == "0"


def _parse_reason(exc: NumberParseException, candidate: str) -> str:
    kind = exc.error_type
    if kind == NumberParseException.TOO_LONG:
        return TOO_LONG
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return INVALID_NUMBER if candidate.startswith("+") else UNKNOWN_REGION
    return TOO_SHORT  # NOT_A_NUMBER (under 2 digits), TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD


def _invalid_reason(number: PhoneNumber) -> str:
    why = phonenumbers.is_possible_number_with_reason(number)
    if why in (
        phonenumbers.ValidationResult.TOO_SHORT,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ):
        return TOO_SHORT
    if why == phonenumbers.ValidationResult.TOO_LONG:
        return TOO_LONG
    return INVALID_NUMBER


def _render(number: PhoneNumber, output: Output, region: str) -> str:
    if output == "E164":
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    own = region != "ZZ" and number.country_code == phonenumbers.country_code_for_region(region)
    if output == "NATIONAL" and own:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
