"""Address: parse into line1/line2/district/city/state/postal_code/country and re-assemble.

``standardise(series, country="TW")`` parses each distinct (text, default country) pair once.
The text itself may override the default region: a Taiwan 縣市 or 3+3 postal code, a mainland
province or city, 香港/Hong Kong/Kowloon or a Hong Kong district, a US state + ZIP or ``USA``, a
UK postcode or ``UK``. Each country family is parsed by one vectorised pattern over its subset:

* Taiwan (``_address_tw``): postal code + 縣市 + 區 + street + floor, 臺 as Chunghwa Post writes
  the names, 3+3 code looked up from the official scope rules where missing;
* mainland China (``_address_cn``), Simplified or Traditional, script kept;
* Hong Kong (``_address_hk``), Chinese or English, no postal codes;
* US (``_address_us``), USPS Publication 28 abbreviations; UK (``_address_uk``), postcode spacing.

Values: the canonical one-line address (Chinese-script addresses without spaces, English ones
``line1, line2, city, STATE postal_code``); extras: the components. A text that cannot be parsed
is ``invalid`` (``unparsed-address``), kept exactly, and its whole text is ``extras["line1"]``;
a partial parse is kept with what was found and flagged ``incomplete-address``; a given postal
code that disagrees with the looked-up one is kept and flagged ``postal-code-mismatch``.

A US or UK address keeps ``, USA`` or ``, United Kingdom`` at the end of its value when nothing
else in it (a state and ZIP, a postcode) names the country and the default region is another
one, so standardising the value again, with the same default, finds the same country.

The work is columnar end to end: the distinct texts are one Arrow array, every step is an Arrow
compute kernel or a numpy operation over a whole family, and Python objects are made once, for
the result columns (``_objects``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise import _address_cn as cn
from crmmigrate.transform.standardise import _address_hk as hk
from crmmigrate.transform.standardise import _address_route as route
from crmmigrate.transform.standardise import _address_tw as tw
from crmmigrate.transform.standardise import _address_uk as uk
from crmmigrate.transform.standardise import _address_us as us
from crmmigrate.transform.standardise._address_text import (
    COMPONENTS,
    blank,
    cat,
    eq,
    has,
    ne,
    pick,
    strings,
    sub,
)
from crmmigrate.transform.standardise.base import Standardised
from crmmigrate.transform.standardise.country import country_code

__all__ = ["COMPONENTS", "standardise", "standardise_address"]

_PARSERS: dict[str, Callable[[pa.Array], dict[str, Any]]] = {
    "TW": tw.parse,
    "HKZ": hk.parse_zh,
    "HKE": hk.parse_en,
    "US": us.parse,
    "GB": uk.parse,
}
_STRINGS = (*COMPONENTS, "value", "rules")
_Table = dict[str, np.ndarray]
_KEYS = ("value", "status", "rule", "reason", "flag", *COMPONENTS)
_NONE = np.array(None, dtype=object)  # a missing value that numpy's stubs accept
_STATUSES = np.array(["empty", "invalid", "ok", "fixed"], dtype=object)  # one object each
_REASONS = np.array([None, "unparsed-address"], dtype=object)
_CHUNK = 100_000  # distinct texts per piece of work
_FEW = ("line2", "district", "city", "state", "postal_code", "country")  # few distinct values
_COUNTRY_WORDS = {"US": ", USA", "GB": ", United Kingdom"}


def standardise(series: pd.Series, *, country: str | pd.Series = "TW") -> Standardised:
    """Standardise a column of addresses; ``country`` is the default region, per column or row."""
    vcodes, vuniq = _distinct(series)
    if isinstance(country, pd.Series):
        regions = country.reindex(series.index).astype(object).where(country.notna(), "TW")
        ccodes, cuniq = pd.factorize(regions)
        k = max(len(cuniq), 1)
        combined = np.where(vcodes < 0, -1, vcodes.astype(np.int64) * k + ccodes)
        codes, pairs = pd.factorize(combined[combined >= 0])
        full = np.full(len(series), -1, dtype=np.int64)
        full[combined >= 0] = codes
        codes = full
        texts = vuniq.take(pa.array(pairs // k))
        defaults = np.asarray([_region(str(c)) for c in cuniq], dtype=object)[pairs % k]
    else:
        codes = vcodes
        texts = vuniq
        defaults = np.full(len(texts), _region(country), dtype=object)
    table, order = _table_in_parts(texts, defaults)
    where = np.empty(len(order), dtype=np.int64)
    where[order] = np.arange(len(order))  # distinct text → its row of the table
    codes = np.where(codes < 0, -1, np.append(where, -1)[codes])
    return _to_rows(series.index, codes, table)


standardise_address = standardise


def standardise_unique(texts: pd.Series, defaults: pd.Series) -> pd.DataFrame:
    """One row of results per distinct text: value, status, rule, reason, flag, components."""
    table, order = _table(_as_text(texts.to_numpy(dtype=object)), defaults.to_numpy(dtype=object))
    return pd.DataFrame(table, index=order).sort_index()


def _distinct(series: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Codes per row (-1 = missing) and the distinct values as text."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        encoded = pc.dictionary_encode(strings(pa.array(series.array)))  # no copy of the text
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return np.asarray(codes, dtype=np.int64), strings(encoded.dictionary)
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), _as_text(np.asarray(uniques, dtype=object))


def _as_text(values: np.ndarray) -> pa.Array:
    """Distinct values as text (a value that is not a str is written with ``str``)."""
    try:
        text = pa.array(values, type=pa.string(), from_pandas=False)
        if not text.null_count:
            return text
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    return pa.array([v if isinstance(v, str) else str(v) for v in values], type=pa.string())


def _table_in_parts(texts: pa.Array, defaults: np.ndarray) -> tuple[_Table, np.ndarray]:
    """``_table`` over chunks of the distinct texts, on ``CRMMIGRATE_WORKERS`` threads (2).

    Threads, not processes: the work is Arrow kernels that release the GIL, so two chunks run
    side by side without copying the data or the lookup tables into other processes. Chunks
    keep the intermediate columns small: memory goes to the results, not to the work.
    """
    workers = max(1, int(os.environ.get("CRMMIGRATE_WORKERS", "2")))
    n = len(texts)
    if n <= _CHUNK:
        return _table(texts, defaults)
    route.warm()
    starts = range(0, n, _CHUNK)

    table = {k: np.empty(n, dtype=object) for k in _KEYS}
    order = np.empty(n, dtype=np.int64)

    def chunk(start: int) -> None:
        stop = min(start + _CHUNK, n)
        part, part_order = _table(texts[start:stop], defaults[start:stop])
        for k in _KEYS:
            table[k][start:stop] = part[k]
        order[start:stop] = part_order + start
        # the chunk's scratch columns, back to the system for the result objects to use
        pa.default_memory_pool().release_unused()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(chunk, starts))
    return table, order


def _table(texts: pa.Array, defaults: np.ndarray) -> tuple[_Table, np.ndarray]:
    """Result columns (object arrays) for distinct texts and their default regions.

    The rows are laid out family by family (each parser takes a zero-copy slice); the second
    result says which text each row is (``order``).
    """
    if not len(texts):
        return {k: np.empty(0, dtype=object) for k in _KEYS}, np.zeros(0, dtype=np.int64)
    norm = _normalise(texts)
    family, folded = route.family(norm, defaults)
    family[blank(norm)] = route.BLANK
    order = np.argsort(family, kind="stable")
    take = pa.array(order)
    texts, norm, folded = texts.take(take), norm.take(take), folded.take(take)
    defaults, family = defaults[order], family[order]
    bounds = np.searchsorted(family, np.arange(len(route.FAMILIES) + 1))
    parts: list[tuple[int, dict[str, Any]]] = []
    for name, a, b in zip(route.FAMILIES, bounds[:-1], bounds[1:], strict=True):
        if b > a:
            parts.append((b - a, _parse(name, norm[a:b], folded[a:b], defaults[a:b])))
    res = {
        c: pa.concat_arrays([_column(r[c], size) for size, r in parts]) for c in (*_STRINGS, "flag")
    }
    parsed = np.concatenate([np.broadcast_to(r["parsed"], size) for size, r in parts])
    empty = family == route.BLANK
    value = pick(parsed, res["value"], texts)
    same = eq(value, texts)
    status = _STATUSES[np.select([empty, ~parsed, same], [0, 1, 2], 3)]
    fixed = status == "fixed"
    nfkc = fixed & ne(norm, pc.utf8_trim_whitespace(texts))
    if nfkc.any():  # a full-width (or other compatibility) character was replaced
        nfkc[nfkc] = has(texts.filter(pa.array(nfkc)), r"[^\x00-\x{3000}]")
    rule = pick(nfkc, cat(res["rules"], "+address.fullwidth"), res["rules"])
    out = {
        "value": _objects(value, keep=~empty, blanks_too=False),
        "status": status,
        "rule": _objects(rule, keep=fixed, few=True),
        "reason": _REASONS[(status == "invalid").astype(np.int8)],
        "flag": _objects(res["flag"], keep=parsed, few=True),
    }
    for column in COMPONENTS:
        out[column] = _objects(res[column], keep=parsed, few=column in _FEW)
    invalid = status == "invalid"
    out["line1"][invalid] = _objects(texts.filter(pa.array(invalid)), blanks_too=False)
    out["country"][invalid] = defaults[invalid]
    return out, order


def _parse(name: str, text: pa.Array, folded: pa.Array, defaults: np.ndarray) -> dict[str, Any]:
    """One family's parser over its rows."""
    if name == "":
        return {c: "" for c in (*_STRINGS, "flag")} | {"parsed": False}
    if name == "CN":
        return cn.parse(text, folded)
    if name == "OTHER":
        return uk.parse_other(text, defaults)
    res = _PARSERS[name](text)
    if name in _COUNTRY_WORDS:
        _name_the_country(res, name, defaults)  # so that the value keeps its country
    return res


def _column(values: Any, size: int) -> pa.Array:
    if isinstance(values, str):
        return pa.repeat(pa.scalar(values, pa.string()), size)
    if isinstance(values, np.ndarray):
        return pa.array(values.astype(object), type=pa.string())
    return strings(values)


def _name_the_country(res: dict[str, Any], code: str, defaults: np.ndarray) -> None:
    """``, USA`` / ``, United Kingdom`` where the value alone would be taken for elsewhere.

    The parsers drop the country word; a value is sent back to the same parser (see
    ``_address_route``) when it ends in a state and ZIP (US) or a postcode (UK), or when the
    default region is that country, and the word is kept for every other case.
    """
    value = res["value"]
    to_us, to_uk = has(value, us.us_cue()), has(value, uk.uk_cue())
    if code == "US":
        stays = to_us | (~to_uk & (defaults == "US"))
    else:
        stays = ~to_us & (to_uk | (defaults == "GB"))
    rows = res["parsed"] & ~stays
    if rows.any():
        res["value"] = pick(rows, cat(value, _COUNTRY_WORDS[code]), value)


def _objects(
    values: pa.Array, *, keep: Any = True, blanks_too: bool = True, few: bool = False
) -> np.ndarray:
    """Python objects for a result column: None where not ``keep`` (and where "").

    A column of ``few`` distinct values shares one object per value (less memory, and faster).
    """
    if few:
        encoded = pc.dictionary_encode(values)
        out = encoded.dictionary.to_numpy(zero_copy_only=False)[encoded.indices.to_numpy()]
    else:
        out = values.to_numpy(zero_copy_only=False)
    out = np.asarray(out, dtype=object)
    drop = ~np.broadcast_to(keep, len(values))
    if blanks_too:
        drop = drop | blank(values)
    out[drop] = None
    return out


def _normalise(text: pa.Array) -> pa.Array:
    """NFKC (full-width → half-width), line breaks → ", ", runs of spaces → one, trimmed."""
    # ASCII and CJK Unified Ideographs are NFKC already: only the other rows are normalised
    odd = has(text, r"[^\x00-\x7f\x{4e00}-\x{9fff}]")
    norm = text
    if odd.any():
        mask = pa.array(odd)
        norm = pc.replace_with_mask(text, mask, pc.utf8_normalize(text.filter(mask), "NFKC"))
    norm = sub(norm, r"\s*[\r\n]+\s*", ", ")
    norm = sub(norm, r"\s+", " ")
    return pc.utf8_trim(norm, " ,;")


@lru_cache(maxsize=64)
def _region(text: str) -> str:
    code = text.strip().upper() if len(text.strip()) == 2 else country_code(text)
    return {"UK": "GB"}.get(code or "", code or "TW")


def _to_rows(index: pd.Index, codes: np.ndarray, table: dict[str, np.ndarray]) -> Standardised:
    """Spread the per-distinct results to the rows (code -1 = missing → empty)."""
    size = len(table["status"])
    take = np.where(codes < 0, size, codes)
    every = bool(len(codes) == size and (codes == np.arange(size)).all())

    def column(name: str) -> pd.Series:
        values = table.pop(name)  # the per-distinct column is not needed any more
        if not every:
            values = np.append(values, "empty" if name == "status" else _NONE)[take]
        return pd.Series(values, index=index, dtype=object)

    flags = column("flag")
    return Standardised(
        values=column("value"),
        status=column("status"),
        rule=column("rule"),
        reason=column("reason"),
        extras={c: column(c) for c in COMPONENTS},
        flags=flags if flags.notna().any() else None,
    )
