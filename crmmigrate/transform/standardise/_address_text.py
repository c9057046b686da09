"""Shared helpers for the address parsers: vectorised string work on Arrow arrays, numerals, tries.

Every parser takes a ``pyarrow`` string array of *distinct*, NFKC-normalised texts and returns
its components as Arrow string arrays ("" for a missing part). The heavy lifting is RE2 via
``pyarrow.compute`` (one compiled pattern per shape, linear time, no per-row Python); dictionary
work is a hash lookup (``Lookup``: ``index_in`` + ``take``). Nothing is turned into Python
objects until the very end (``address._objects``), and booleans are numpy arrays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

COMPONENTS = ("line1", "line2", "district", "city", "state", "postal_code", "country")
Part = Any  # a pyarrow string array, or a str broadcast to every row

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3}
_CN_DIGITS |= {"四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_SECTION_NAMES = "一二三四五六七八九十"


def cn_to_int(text: str) -> int | None:
    """``十二`` → 12, ``一百零五`` → 105, ``二〇三`` → 203, ``12`` → 12; None if not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    if not any(c in _CN_UNITS for c in text):  # digit by digit: 二〇三
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, digit = 0, 0
    for char in text:
        if char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
        else:
            digit = _CN_DIGITS[char]
    return total + digit


def int_to_cn(number: int) -> str:
    """12 → ``十二``, 20 → ``二十`` (section numbers: 段 are written in Chinese numerals)."""
    if number <= 10:
        return _SECTION_NAMES[number - 1] if number > 0 else "零"
    tens, ones = divmod(number, 10)
    head = "十" if tens == 1 else _SECTION_NAMES[tens - 1] + "十"
    return head + (_SECTION_NAMES[ones - 1] if ones else "") if tens < 10 else str(number)


def trie_regex(words: Iterable[str]) -> str:
    """A compact alternation for many literal words: common prefixes are shared, longer first."""
    trie: dict[str, dict] = {}
    for word in sorted(set(words)):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: Mapping[str, dict]) -> str:
        branches = [re.escape(c) + render(child) for c, child in node.items() if c]
        ends = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"  # greedy: the longer word is preferred
        return body

    return render(trie)


# --- Arrow string columns ---------------------------------------------------------------


def strings(values: Any) -> pa.Array:
    """A flat Arrow string array (no chunks) from an Arrow array, pandas Series or sequence."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not isinstance(values, pa.Array):
        values = pa.array(values, type=pa.string())
    if values.type != pa.string():
        values = values.cast(pa.string())
    return values


def blanks(n: int, value: str = "") -> pa.Array:
    """A column of ``n`` copies of ``value``."""
    return pa.repeat(pa.scalar(value, pa.string()), n)


class Groups:
    """The named groups of an RE2 pattern over a column ("" where a group took no part).

    ``distinct=True`` matches each distinct text once (for columns with many repeats, such as
    the road and floor parts of Taiwan addresses) and spreads the groups back.
    """

    def __init__(self, text: pa.Array, pattern: str, *, distinct: bool = False) -> None:
        where = None
        if distinct:
            encoded = pc.dictionary_encode(text)
            text, where = encoded.dictionary, encoded.indices
        result = pc.extract_regex(text, pattern=pattern)
        valid = result.is_valid()
        self.cols: dict[str, pa.Array] = {}
        for i in range(result.type.num_fields):
            values = pc.fill_null(result.field(i), "")
            self.cols[result.type.field(i).name] = values if where is None else values.take(where)
        self.matched: np.ndarray = _bools(valid if where is None else valid.take(where))

    def __getitem__(self, name: str) -> pa.Array:
        return self.cols[name]

    def __setitem__(self, name: str, values: pa.Array) -> None:
        self.cols[name] = values

    def merge(self, other: Groups) -> Groups:
        self.cols |= other.cols
        return self


def staged(text: pa.Array, parts: Iterable[str]) -> Groups:
    """``Groups(text, "^" + "".join(parts) + "$")``, one part after the other.

    Only for patterns cut where anything may follow: the parts after a cut can match any text
    (all optional, or lazy up to the end). Then each part's first choice, matched at the start
    of what the one before left, is the whole pattern's choice too. Several small programs are
    much cheaper for RE2's backtracking engine than one big one.
    """
    *heads, last = parts
    out: Groups | None = None
    left = text
    for part in heads:
        step = Groups(left, "^" + part + "(?P<_left>(?s:.*))$")
        left = step.cols.pop("_left")
        out = step if out is None else out.merge(step)
    step = Groups(left, "^" + last + "$")
    out = step if out is None else out.merge(step)
    out.matched = step.matched
    if not step.matched.all():  # the whole pattern fails where its last part does
        for name, values in out.cols.items():
            out.cols[name] = when(step.matched, values)
    return out


def _bools(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def has(text: pa.Array, pattern: str) -> np.ndarray:
    """Rows where the RE2 ``pattern`` matches somewhere."""
    return _bools(pc.match_substring_regex(text, pattern=pattern))


def contains(text: pa.Array, literal: str) -> np.ndarray:
    return _bools(pc.match_substring(text, pattern=literal))


def sub(text: pa.Array, pattern: str, replacement: str) -> pa.Array:
    """Replace every match of ``pattern``; only the rows that match are rewritten.

    Finding the rows is one DFA pass, much cheaper than a replacement over every row.
    """
    hit = has(text, pattern)
    if not hit.any():
        return text
    if hit.all():
        return pc.replace_substring_regex(text, pattern=pattern, replacement=replacement)
    mask = pa.array(hit)
    done = pc.replace_substring_regex(text.filter(mask), pattern=pattern, replacement=replacement)
    return pc.replace_with_mask(text, mask, done)


def eq(a: Part, b: Part) -> np.ndarray:
    return _bools(pc.equal(a, b))


def ne(a: Part, b: Part) -> np.ndarray:
    return ~eq(a, b)


def blank(a: pa.Array) -> np.ndarray:
    """Rows that are "" (read from the offsets buffer: no string is touched)."""
    if a.null_count or a.type != pa.string():
        return _bools(pc.equal(pc.utf8_length(a), 0))
    offsets = np.frombuffer(a.buffers()[1], dtype=np.int32, count=len(a) + 1, offset=4 * a.offset)
    return np.diff(offsets) == 0


def filled(a: pa.Array) -> np.ndarray:
    return ~blank(a)


def pick(cond: np.ndarray, a: Part, b: Part) -> pa.Array:
    """``a`` where ``cond``, else ``b`` (either may be a str for every row)."""
    if not cond.any():
        return b if isinstance(b, pa.Array) else pc.if_else(cond, a, b)
    if cond.all() and isinstance(a, pa.Array):
        return a
    return pc.if_else(cond, a, b)


def when(cond: np.ndarray, a: Part) -> pa.Array:
    """``a`` where ``cond``, else ""."""
    return pick(cond, a, "")


def cat(*parts: Part) -> pa.Array:
    """Row-wise concatenation of columns and literal strings."""
    return pc.binary_join_element_wise(*parts, "")


def join_sep(parts: list[pa.Array], sep: str) -> pa.Array:
    """Row-wise ``sep.join(non-empty parts)``."""
    out = parts[0]
    for part in parts[1:]:
        out = cat(out, when(filled(out) & filled(part), sep), part)
    return out


def head(a: pa.Array, n: int) -> pa.Array:
    return pc.utf8_slice_codeunits(a, 0, n)


def last(a: pa.Array) -> pa.Array:
    return pc.utf8_slice_codeunits(a, -1)


def length(a: pa.Array) -> np.ndarray:
    return np.asarray(pc.utf8_length(a).to_numpy(zero_copy_only=False))


def scatter(base: pa.Array, mask: np.ndarray, values: pa.Array) -> pa.Array:
    """``base`` with the rows of ``mask`` replaced, in order, by ``values``."""
    if not mask.any():
        return base
    return pc.replace_with_mask(base, pa.array(mask), values)


def ints(a: pa.Array, default: int = -1) -> np.ndarray:
    """Digit strings as int64 ("" → ``default``; absurdly long numbers → ``default`` too)."""
    ok = filled(a) & (length(a) <= 15)
    return np.asarray(pc.cast(pick(ok, a, str(default)), pa.int64()).to_numpy(), dtype=np.int64)


def map_small(a: pa.Array, func: Callable[[str], str]) -> pa.Array:
    """``func`` once per distinct value (for low-cardinality columns), mapped back."""
    encoded = pc.dictionary_encode(a)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    mapped = pa.array([func(v) for v in encoded.dictionary.to_pylist()], type=pa.string())
    return mapped.take(encoded.indices)


def to_digits(values: pa.Array) -> pa.Array:
    """Chinese-numeral or Arabic number strings → Arabic digit strings ("" stays "")."""
    odd = filled(values) & ~_bools(pc.ascii_is_decimal(values))
    out = values
    if pc.any(pc.starts_with(values, "0")).as_py():
        out = sub(values, "^0+([0-9])", r"\1")  # 007 → 7, 000 → 0
    if odd.any():
        words = map_small(values.filter(pa.array(odd)), _digit_word)
        out = scatter(out, odd, words)
    return out


def _digit_word(text: str) -> str:
    number = cn_to_int(text)
    return "" if number is None else str(number).lstrip("0")


class Lookup:
    """A str → str map applied to whole columns by hashing ("" where a key is missing)."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.keys = pa.array(list(mapping), type=pa.string())
        self.values = pa.array(list(mapping.values()), type=pa.string())

    def index(self, a: pa.Array) -> pa.Array:
        return pc.index_in(a, value_set=self.keys)

    def __call__(self, a: pa.Array) -> pa.Array:
        return pc.fill_null(self.values.take(self.index(a)), "")

    def has(self, a: pa.Array) -> np.ndarray:
        return _bools(pc.is_in(a, value_set=self.keys))


def rules_text(base: str, rules: dict[str, np.ndarray]) -> pa.Array:
    """Per row: the rules that fired, ``+``-joined, or the base rule when none did."""
    keys = list(rules)
    bits = np.zeros(len(next(iter(rules.values()))), dtype=np.int64)
    for i, name in enumerate(keys):
        bits |= rules[name].astype(np.int64) << i
    labels = [
        "+".join(n for i, n in enumerate(keys) if b >> i & 1) or base if used else ""
        for b, used in enumerate(np.bincount(bits, minlength=1))
    ]
    return pa.array(labels, type=pa.string()).take(pa.array(bits))


def expand(group: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, item) for rows in groups of a sorted table: items start[g] .. start[g + 1].

    ``group`` holds each row's group number, -1 for none.
    """
    rows = np.flatnonzero(group >= 0)
    first = start[group[rows]]
    count = start[group[rows] + 1] - first
    row = np.repeat(rows, count)
    item = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(len(row))
    return row, item
