"""The phone fast path: common shapes decided exactly as phonenumbers would, vectorised.

phonenumbers costs ~23 µs per number, so two million phones would take most of a minute. Most
customer phones come in a handful of shapes (``+8869…``, ``09…``, ``0[2-8]…``, 8-digit HK,
``1[3-9]…`` CN, 10-digit US), written as digits, separators and maybe a ``+``. For those this
module replays phonenumbers' own steps over a whole pyarrow array at once, with the library's
metadata compiled into RE2 patterns:

- ``+``/``00`` then the country code (1-3 digits, the first known code wins);
- the default region's country code written without ``+`` (kept only when phonenumbers would);
- ``national_prefix_for_parsing`` with its viability and length checks;
- ``is_valid_number``: the general description, then any number-type description with its
  possible lengths, choosing the region inside a shared country code as
  ``region_code_for_number`` does;
- whether the national format adds a trunk ``0`` the input did not have.

It only ever *accepts*: a value it cannot prove valid is left undecided for phonenumbers itself
(the slow path in ``phone.py``), which also owns every reason code. The two are checked against
each other in tests/transform/test_phone.py.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

# Patterns shared with the slow path: each must mean the same in Python ``re`` and RE2.
_DASHES = "‐‑‒–—―−"
SEPARATORS = rf"[ \t().\-{_DASHES}]"
LABEL = (
    r"^(?:(?i:tel(?:ephone)?|phone|mobile|mob|cell(?:phone)?|fax|office|home|work|direct)"
    r"(?:\s*(?i:no)\.?)?\s*[.:]?|(?i:[homw])\s*:|電話|电话|手機|手机|行動電話|行动电话|行動|行动"
    r"|市話|市话|聯絡電話|联系电话|公司|住家)\s*[:.]?\s*"
)
EXTENSION = (
    r"^(?P<main>.*?[0-9)])\s*\(?\s*(?:#|(?i:extension|extn|ext|x)\s*\.?|分機|分机|轉|转|內線|内线"
    r"|,)\s*[:.]?\s*(?P<ext>[0-9]{1,6})\s*\)?\s*$"
)
SIMPLE = rf"^\(?\+?(?:[0-9]|{SEPARATORS})+$"
SPLIT = r"(?P<sep>\s*(?:[/;、|\n\r,]|\s(?i:or)\s|或)\s*)"
MIN_DIGITS_PER_NUMBER = 7
# Country codes read from digits written without '+' when the region gives no valid reading:
# the regions this tool is for. Others are too easy to hit by accident (415… is not +41).
OBVIOUS_CODES = ("886", "852", "853", "86", "65", "60", "81", "44", "1")
OBVIOUS = f"^(?:{'|'.join(OBVIOUS_CODES)})"
_SIMPLE_PART = rf"\(?\+?(?:[0-9]|{SEPARATORS})+"
_TWO = rf"^(?P<a>{_SIMPLE_PART}?){SPLIT}(?P<b>{_SIMPLE_PART})$"
_TYPES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
    "pager", "uan", "voicemail", "fixed_line", "mobile",
)  # fmt: skip
_CC_STRINGS = pa.array(sorted(str(c) for c in COUNTRY_CODE_TO_REGION_CODE))
_NON_GEO = "001"


@dataclass
class Region:
    """One region's metadata, compiled for RE2 over arrays."""

    code: str
    cc: int
    general: str
    lengths: np.ndarray
    local_lengths: np.ndarray
    idd: str | None
    npp: str | None
    npp_named: str | None
    npp_groups: int
    transform: bool
    trunk_zero: bool
    leading_digits: str | None
    formats: tuple[tuple[str | None, str, bool | None], ...]
    descs: tuple[tuple[frozenset[int], str], ...]
    _typed: dict[int, str | None] = field(default_factory=dict)

    def typed(self, length: int) -> str | None:
        """One pattern for every number type that allows this length (None: no type does)."""
        if length not in self._typed:
            parts = [p for lens, p in self.descs if not lens or length in lens]
            self._typed[length] = f"^(?:{'|'.join(parts)})$" if parts else None
        return self._typed[length]


def _name_groups(pattern: str) -> tuple[str, int]:
    """Name every capturing group: RE2's extract_regex refuses unnamed ones."""
    count = 0

    def name(m: re.Match[str]) -> str:
        nonlocal count
        if m.group() != "(":
            return m.group()  # an escape or a character class, kept as it is
        count += 1
        return f"(?P<g{count}>"

    return re.sub(r"\\.|\[(?:\\.|[^\]])*\]|\((?!\?)", name, pattern), count


_PLAIN_GROUPS = re.compile(r"(?:\(\\d(?:\{\d+(?:,\d+)?\})?\))+")


def _trunk_zero_format(fmt: Any, national_prefix: str | None) -> bool | None:
    """Whether this national format writes trunk 0 + the whole number; None: not that simple.

    Simple means digit groups only, all shown in order with no digits added (Argentina's
    mobile format, for one, drops a 9 and adds 15).
    """
    groups = fmt.pattern.count("(")
    refs = re.findall(r"\\(\d)", fmt.format)
    plain = (
        _PLAIN_GROUPS.fullmatch(fmt.pattern) is not None
        and refs == [str(i) for i in range(1, groups + 1)]
        and not phonenumbers.normalize_digits_only(re.sub(r"\\\d", "", fmt.format))
    )
    if not plain:
        return None
    rule = fmt.national_prefix_formatting_rule
    if not rule or national_prefix != "0":
        return False
    return phonenumbers.normalize_digits_only(rule.replace("\\1", "")) == "0"


@functools.cache
def region(code: str) -> Region | None:
    """The compiled metadata of a region, or None when phonenumbers has none usable."""
    meta = PhoneMetadata.metadata_for_region(code, None)
    general = meta.general_desc if meta is not None else None
    if meta is None or meta.country_code is None or general is None or not general.possible_length:
        return None
    descs = tuple(
        (frozenset(desc.possible_length), desc.national_number_pattern)
        for desc in (getattr(meta, name) for name in _TYPES)
        if desc is not None and desc.national_number_pattern
    )
    npp = meta.national_prefix_for_parsing or None
    named, groups = _name_groups(npp) if npp else (None, 0)
    formats = tuple(
        (f.leading_digits_pattern[-1] if f.leading_digits_pattern else None, f.pattern or "",
         _trunk_zero_format(f, meta.national_prefix))
        for f in meta.number_format
    )  # fmt: skip
    return Region(
        code=code,
        cc=meta.country_code,
        general=f"^(?:{general.national_number_pattern})$",
        lengths=np.array(sorted(general.possible_length)),
        local_lengths=np.array(sorted(general.possible_length_local_only), dtype=np.int64),
        idd=meta.international_prefix,
        npp=npp,
        npp_named=f"^(?:{named})" if named else None,
        npp_groups=groups,
        transform=bool(meta.national_prefix_transform_rule),
        trunk_zero=meta.national_prefix == "0",
        leading_digits=meta.leading_digits,
        formats=formats,
        descs=descs,
    )


def _match(arr: Any, pattern: str) -> np.ndarray:
    if len(arr) == 0:
        return np.zeros(0, dtype=bool)
    return pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)


def _filter(arr: Any, mask: np.ndarray) -> Any:
    return arr.filter(pa.array(mask, type=pa.bool_()))


def _lengths(arr: Any) -> np.ndarray:
    return pc.utf8_length(arr).to_numpy(zero_copy_only=False)


def _replace(arr: Any, mask: np.ndarray, replacements: Any) -> Any:
    """``arr`` with the rows under ``mask`` replaced, in order, by ``replacements``."""
    if not mask.any():
        return arr
    return pc.replace_with_mask(arr, pa.array(mask), replacements)


def _valid_for_region(reg: Region, nsn: Any) -> np.ndarray:
    """``is_valid_number_for_region`` for national significant numbers of one region."""
    lens = _lengths(nsn)
    out = np.zeros(len(nsn), dtype=bool)
    for length in np.unique(lens):
        typed = reg.typed(int(length))
        if typed is None or length not in reg.lengths:
            continue
        idx = np.flatnonzero(lens == length)
        sub = nsn if len(idx) == len(nsn) else nsn.take(idx)
        good = _match(sub, reg.general)
        if good.any():
            good[good] = _match(_filter(sub, good), typed)
        out[idx] = good
    return out


def valid_for_cc(cc: int, nsn: Any) -> np.ndarray:
    """``is_valid_number``: pick the region as ``region_code_for_number`` does, then validate."""
    codes = COUNTRY_CODE_TO_REGION_CODE.get(cc, ())
    out = np.zeros(len(nsn), dtype=bool)
    todo = np.arange(len(nsn))
    for code in codes:
        reg = region(code)
        if reg is None or code == _NON_GEO:
            continue
        sub = nsn.take(todo)
        if reg.leading_digits:
            hit = _match(sub, f"^(?:{reg.leading_digits})")
            out[todo[hit]] = _valid_for_region(reg, _filter(sub, hit))
        else:
            hit = _valid_for_region(reg, sub)
            out[todo[hit]] = True
        todo = todo[~hit]
        if not todo.size:
            break
    return out


def strip_national_prefix(reg: Region, s: Any) -> tuple[Any, np.ndarray]:
    """``_maybe_strip_national_prefix_carrier_code`` plus parse's length check; and undecided."""
    undecided = np.zeros(len(s), dtype=bool)
    if reg.npp is None or len(s) == 0:
        return s, undecided
    start = f"^(?:{reg.npp})"
    hit = _match(s, start)
    if not hit.any():
        return s, undecided
    idx = np.flatnonzero(hit)
    sub = s.take(idx)
    if reg.transform and reg.npp_named:
        groups = pc.extract_regex(sub, reg.npp_named)
        last = groups.field(f"g{reg.npp_groups}")
        undecided[idx[_lengths(last) > 0]] = True
    rest = pc.replace_substring_regex(sub, start, "", max_replacements=1)
    keep = _match(sub, reg.general) & ~_match(rest, reg.general)
    lens = _lengths(rest)  # parse keeps the stripped number if its length is possible or long
    take = ~keep & (np.isin(lens, reg.lengths) | (lens > reg.lengths[-1]))
    take &= ~np.isin(lens, reg.local_lengths)
    mask = np.zeros(len(s), dtype=bool)
    mask[idx[take]] = True
    return _replace(s, mask, _filter(rest, take)), undecided


def adds_trunk_zero(reg: Region, nsn: Any) -> tuple[np.ndarray, np.ndarray]:
    """Whether the national format (the first that fits) is trunk 0 + the number; and unsure."""
    out = np.zeros(len(nsn), dtype=bool)
    unsure = np.zeros(len(nsn), dtype=bool)
    todo = np.arange(len(nsn))
    for leading, pattern, adds in reg.formats:
        if not todo.size:
            break
        sub = nsn.take(todo)
        hit = _match(sub, f"^(?:{leading})") if leading else np.ones(len(todo), dtype=bool)
        if hit.any():
            hit[hit] = _match(_filter(sub, hit), f"^(?:{pattern})$")
        out[todo[hit]] = bool(adds)
        unsure[todo[hit]] = adds is None
        todo = todo[~hit]
    return out, unsure


@dataclass
class Decided:
    """Numbers proven valid: their country code, E.164, and whether a trunk 0 was restored."""

    done: np.ndarray
    cc: np.ndarray
    e164: np.ndarray
    restored: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Decided:
        return cls(
            np.zeros(n, bool), np.zeros(n, np.int64), np.full(n, None, object), np.zeros(n, bool)
        )

    def accept(self, rows: np.ndarray, cc: int, nsn: Any, restored: np.ndarray | None) -> None:
        self.done[rows] = True
        self.cc[rows] = cc
        e164 = pc.binary_join_element_wise(f"+{cc}", nsn, "")
        self.e164[rows] = e164.to_numpy(zero_copy_only=False)
        if restored is not None:
            self.restored[rows] = restored


def _international(body: Any, rows: np.ndarray, out: Decided) -> None:
    """Digits after ``+``: the country code, then the national number of its main region."""
    lens = _lengths(body)
    cc_len = np.zeros(len(body), dtype=np.int64)
    for k in (3, 2, 1):  # the shortest known code wins, as in _extract_country_code
        prefix = pc.utf8_slice_codeunits(body, 0, k)
        hit = pc.is_in(prefix, value_set=_CC_STRINGS).to_numpy(zero_copy_only=False)
        cc_len[hit & (lens > k)] = k
    for k in (1, 2, 3):
        idx = np.flatnonzero(cc_len == k)
        if not idx.size:
            continue
        sub = body.take(idx)
        ccs = pc.utf8_slice_codeunits(sub, 0, k).dictionary_encode()
        for code, cc_text in enumerate(ccs.dictionary.to_pylist()):
            cc = int(cc_text)
            main = phonenumbers.region_code_for_country_code(cc)
            reg = region(main)
            if reg is None or main == _NON_GEO:
                continue
            in_cc = ccs.indices.to_numpy(zero_copy_only=False) == code
            nsn, undecided = strip_national_prefix(
                reg, pc.utf8_slice_codeunits(_filter(sub, in_cc), k)
            )
            good = valid_for_cc(cc, nsn) & ~undecided
            out.accept(rows[idx[in_cc][good]], cc, _filter(nsn, good), None)


def _national(reg: Region, body: Any, rows: np.ndarray, out: Decided) -> None:
    """Digits without ``+`` read with a default region, as ``parse(number, region)`` does."""
    undecided = _match(body, f"^(?:{reg.idd})") if reg.idd else np.zeros(len(body), bool)
    cc_text = str(reg.cc)
    cc_stripped = np.zeros(len(body), dtype=bool)
    nsn = body
    starts = pc.starts_with(body, cc_text).to_numpy(zero_copy_only=False)
    if starts.any():
        idx = np.flatnonzero(starts)
        sub = body.take(idx)
        lens = _lengths(sub)
        too_long = (lens > reg.lengths[-1]) & ~np.isin(lens, reg.local_lengths)
        full_ok = _match(sub, reg.general)
        rest = pc.utf8_slice_codeunits(sub, len(cc_text))
        rest_np = _match(rest, f"^(?:{reg.npp})") if reg.npp else np.zeros(len(idx), bool)
        considered = ~full_ok | too_long
        strip = ((~full_ok & _match(rest, reg.general)) | too_long) & ~rest_np
        undecided[idx[considered & rest_np]] = True
        if phonenumbers.region_code_for_country_code(reg.cc) != reg.code:
            undecided[idx[strip]] = True  # parse switches to the main region's metadata
        cc_stripped[idx[strip]] = True
        nsn = _replace(body, cc_stripped, _filter(rest, strip))
    nsn, undecided_np = strip_national_prefix(reg, nsn)
    good = valid_for_cc(reg.cc, nsn) & ~undecided & ~undecided_np
    restored = np.zeros(len(body), dtype=bool)
    if reg.trunk_zero:
        candidate = good & ~cc_stripped & ~pc.starts_with(body, "0").to_numpy(zero_copy_only=False)
        candidate &= pc.equal(nsn, body).to_numpy(zero_copy_only=False)
        if candidate.any():
            main = region(phonenumbers.region_code_for_country_code(reg.cc))
            if main is not None:
                adds, unsure = adds_trunk_zero(main, _filter(nsn, candidate))
                restored[candidate] = adds
                good[np.flatnonzero(candidate)[unsure]] = False
    out.accept(rows[good], reg.cc, _filter(nsn, good), restored[good])


def decide_digits(body: Any, plus: np.ndarray, region_idx: np.ndarray, names: list[str]) -> Decided:
    """Decide numbers written as digits (``plus``: with a leading ``+``) per default region.

    ``region_idx`` indexes ``names`` (ISO codes; ``ZZ`` for none) row by row.
    """
    n = len(body)
    out = Decided.empty(n)
    if n == 0:
        return out
    lens = _lengths(body)
    double_zero = ~plus & _match(body, "^00[1-9]")
    # 1. international: '+', and '00' read as '+' first (see phone.py)
    intl = np.flatnonzero(plus | double_zero)
    if intl.size:
        sub = body.take(intl)
        sub = pc.if_else(pa.array(double_zero[intl]), pc.utf8_slice_codeunits(sub, 2), sub)
        _international(sub, intl, out)
    # 2. national, per default region
    todo = ~out.done & ~plus
    known = np.array([name != "ZZ" for name in names], dtype=bool)[region_idx]
    for code in np.unique(region_idx[todo & known]):
        rows = np.flatnonzero(todo & (region_idx == code))
        reg = region(names[code])
        if reg is not None:
            _national(reg, body.take(rows), rows, out)
    # 3. an obvious country code without '+', when there is no region to read it with
    assumed = np.flatnonzero(~out.done & ~plus & ~known & (lens >= 10) & ~double_zero)
    if assumed.size:
        sub = body.take(assumed)
        keep = _match(sub, OBVIOUS)
        _international(_filter(sub, keep), assumed[keep], out)
    return out


def digits_only(arr: Any) -> Any:
    """Every string with all but its ASCII digits dropped (UTF-8 bytes >= 0x80 never are)."""
    if arr.offset or arr.null_count:
        arr = pa.concat_arrays([pc.fill_null(arr, "")])
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=len(arr) + 1)
    if data_buf is None or offsets[-1] == 0:
        return pa.array([""] * len(arr), type=pa.string())
    data = np.frombuffer(data_buf, dtype=np.uint8, count=int(offsets[-1]))
    keep = (data >= 48) & (data <= 57)
    kept = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum(keep, dtype=np.int32, out=kept[1:])
    return pa.StringArray.from_buffers(
        len(arr), pa.py_buffer(kept[offsets]), pa.py_buffer(data[keep].tobytes())
    )


@dataclass
class Fast:
    """The fast path's verdict on each cell (aligned with the input): blank, or decided or not.

    For a decided cell: country code, E.164, trunk 0 restored, the extension if one was split
    off, and the second number (its country code and E.164) if the cell held two.
    """

    blank: np.ndarray
    done: np.ndarray
    cc: np.ndarray
    e164: np.ndarray
    restored: np.ndarray
    extension: np.ndarray
    second_cc: np.ndarray
    second: np.ndarray

    @classmethod
    def concat(cls, parts: list[Fast]) -> Fast:
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))


def _cells(
    texts: np.ndarray,
) -> tuple[np.ndarray, list[np.ndarray], list[Any], np.ndarray, np.ndarray, Any]:
    """Blank cells; cells reduced to simple numbers (rows and texts, step by step); extensions;
    the cells holding two numbers (also the last step's rows) and their second numbers."""
    arr = pa.array(texts, type=pa.string())
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        arr = pc.utf8_normalize(arr, "NFKC")
    arr = pc.utf8_trim_whitespace(arr)
    blank = _lengths(arr) == 0
    simple = _match(arr, SIMPLE)
    extension = np.full(len(texts), None, dtype=object)
    rows, mains = [np.flatnonzero(simple)], [arr.take(np.flatnonzero(simple))]
    others = np.flatnonzero(~simple & ~blank)
    if not others.size:
        return blank, rows, mains, extension, others, pa.array([], type=pa.string())
    # labels, extensions, two numbers: only for the cells not simple already
    sub = pc.replace_substring_regex(arr.take(others), LABEL, "", max_replacements=1)
    ok = _match(sub, SIMPLE)
    rows.append(others[ok])
    mains.append(_filter(sub, ok))
    others, sub = others[~ok], _filter(sub, ~ok)
    found = pc.extract_regex(sub, EXTENSION)
    got = found.is_valid().to_numpy(zero_copy_only=False)
    main = _filter(found.field("main"), got)
    ok = _match(main, SIMPLE)
    extension[others[got][ok]] = _filter(_filter(found.field("ext"), got), ok).to_numpy(
        zero_copy_only=False
    )
    rows.append(others[got][ok])
    mains.append(_filter(main, ok))
    others, sub = others[~got], _filter(sub, ~got)
    two = pc.extract_regex(sub, _TWO)
    got = two.is_valid().to_numpy(zero_copy_only=False)
    first, second = _filter(two.field("a"), got), _filter(two.field("b"), got)
    ok = (_lengths(digits_only(first)) >= MIN_DIGITS_PER_NUMBER) & (
        _lengths(digits_only(second)) >= MIN_DIGITS_PER_NUMBER
    )
    rows.append(others[got][ok])
    mains.append(_filter(first, ok))
    return blank, rows, mains, extension, rows[-1], _filter(second, ok)


def decide(texts: np.ndarray, region_idx: np.ndarray, names: list[str]) -> Fast:
    """NFKC, trim, drop a label, split an extension or a second number, decide the digits."""
    blank, rows, mains, extension, pairs, seconds = _cells(texts)
    firsts = np.concatenate(rows)
    written = pa.concat_arrays([*mains, seconds])
    inner = decide_digits(
        digits_only(written),
        pc.or_(pc.starts_with(written, "+"), pc.starts_with(written, "(+")).to_numpy(
            zero_copy_only=False
        ),
        region_idx[np.concatenate([firsts, pairs])],
        names,
    )
    n, k = len(texts), len(firsts)
    none = np.full(n, None, dtype=object)
    out = Fast(blank, np.zeros(n, bool), np.zeros(n, np.int64), none, np.zeros(n, bool),
               extension, np.zeros(n, np.int64), none.copy())  # fmt: skip
    done = inner.done[:k]
    for name in ("done", "cc", "e164", "restored"):
        getattr(out, name)[firsts[done]] = getattr(inner, name)[:k][done]
    out.second_cc[pairs] = inner.cc[k:]
    out.second[pairs] = inner.e164[k:]
    out.done[pairs[~inner.done[k:]]] = False  # the second number is phonenumbers' to judge
    return out
