"""Standardise a mapped frame: composites split, then every field by its type.

Order per source frame: composite inputs (``full_name``, ``*_address``) are split into their
part fields; country fields are standardised first so phones and addresses can take their
region per row; then every other field: Unicode/whitespace clean-up, then its type's
standardiser. Each step writes its changes to the change log, counts statuses, reasons and flags
per field, and marks invalid values and flags per record in ``_invalid`` / ``_flags``
(``field:code`` joined by ``;``) for validation to report.
"""

from __future__ import annotations

import importlib
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.progress import Progress, no_progress
from crmmigrate.target_schema import CompositeDef, FieldDef, ObjectDef
from crmmigrate.transform.changes import Cells, ChangeLog, Labels
from crmmigrate.transform.standardise.base import STATUSES, Standardised
from crmmigrate.transform.standardise.text import clean_text

INVALID = "_invalid"
FLAGS = "_flags"
KEY_PREFIX = "_key_"  # matching keys kept for dedupe (e.g. a company's key without suffixes)
_PKG = "crmmigrate.transform.standardise"

# field type → (module:function, options it takes from the source context)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "phone": ("phone:standardise", ("region",)),
    "email": ("email:standardise", ()),
    "date": ("date:standardise", ("date_order", "country")),
    "datetime": ("date:standardise_datetime", ("date_order", "country")),
    "money": ("money:standardise", ()),
    "number": ("number:standardise", ()),
    "integer": ("number:standardise_integer", ()),
    "boolean": ("number:standardise_boolean", ()),
    "country": ("country:standardise", ()),
    "person_name": ("name:standardise", ()),
    "company_name": ("company:standardise", ()),
    "url": ("url:standardise", ()),
    "tax_id": ("ids:standardise_tax_id", ("country",)),
    "tw_ubn": ("ids:standardise_tw_ubn", ()),
    "tw_national_id": ("ids:standardise_tw_national_id", ()),
    "cn_uscc": ("ids:standardise_cn_uscc", ()),
    "hk_brn": ("ids:standardise_hk_brn", ()),
}
COMPOSITES: dict[str, tuple[str, tuple[str, ...]]] = {
    "person_name": ("name:standardise_full_name", ()),
    "address": ("address:standardise", ("country",)),
}
# types whose standardiser does its own NFKC and whitespace clean-up (see standardise_field)
SELF_CLEANING = frozenset({"phone", "email", "person_name", "company_name", "date"})
CJK_ADDRESS_COUNTRIES = frozenset({"TW", "CN", "HK", "MO"})
_CJK_CHAR = "[\u3400-\u9fff]"  # real characters, not regex escapes: RE2 has no \\u
# address components that _composite_parts folds into other parts when the schema lacks them
_FOLDED_PARTS = frozenset({"line1", "line2", "district"})
_NONE = np.array(None, dtype=object)  # a missing value that numpy's stubs accept


def _function(spec: str) -> Callable[..., Standardised]:
    module, _, name = spec.partition(":")
    fn: Callable[..., Standardised] = getattr(importlib.import_module(f"{_PKG}.{module}"), name)
    return fn


@dataclass
class FieldStats:
    """Per-field status, reason and flag counts (summed over sources) and column notes."""

    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    flags: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, result: Standardised, source: str) -> None:
        for key, count in result.counts().items():
            self.statuses[key] += count
        for key, count in result.reasons().items():
            self.reasons[key] += count
        for key, count in result.flag_counts().items():
            self.flags[key] += count
        if result.notes:
            self.notes[source] = {k: _jsonable(v) for k, v in result.notes.items()}

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {**self.statuses, "reasons": dict(sorted(self.reasons.items()))}
        if self.flags:
            out["flags"] = dict(sorted(self.flags.items()))
        if self.notes:
            out["notes"] = self.notes
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


@dataclass(frozen=True)
class SourceContext:
    """What a source contributes to its fields' options."""

    name: str
    country: str
    date_order: str
    project_options: Mapping[str, Mapping[str, Any]]
    field_options: Mapping[str, Mapping[str, Any]]

    def options(self, fname: str, kind: str, wanted: tuple[str, ...]) -> dict[str, Any]:
        base = {"country": self.country, "date_order": self.date_order, "region": self.country}
        out = {k: base[k] for k in wanted}
        out.update(self.project_options.get(kind, {}))
        out.update(self.field_options.get(fname, {}))
        return out


class _Marks:
    """Accumulates ``field:code`` markers per record (None where a record has none)."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.text = np.full(len(index), None, dtype=object)

    def add(self, fname: str, codes: pd.Series | None) -> None:
        if codes is None:
            return
        values = codes.to_numpy(dtype=object)
        rows = np.flatnonzero(~pd.isna(values))
        if not len(rows):
            return
        # marks are few (invalid values, flags): building them one by one costs little
        marks = [f"{fname}:{code!s}" for code in values[rows]]
        before = self.text[rows]
        self.text[rows] = _array(
            [m if p is None else f"{p};{m}" for p, m in zip(before, marks, strict=True)]
        )

    def column(self) -> pd.Series:
        return pd.Series(self.text.copy(), index=self.index, dtype=object)


class FrameStandardiser:
    """Standardises one source's mapped frame of one object."""

    def __init__(
        self,
        frame: pd.DataFrame,
        obj_name: str,
        obj: ObjectDef,
        ctx: SourceContext,
        log: ChangeLog,
        stats: dict[str, FieldStats],
        progress: Progress = no_progress,
    ) -> None:
        self.frame = frame
        self.progress = progress
        self.obj_name = obj_name
        self.obj = obj
        self.ctx = ctx
        self.log = log
        self.stats = stats
        self.ids = Cells(frame["_record_id"])  # converted for the change log once
        self.invalid = _Marks(frame.index)
        self.flags = _Marks(frame.index)
        self.timings: dict[str, float] = {}  # seconds per field, for benchmarks and the manifest
        self.from_composite: set[str] = set()  # part fields only a composite filled
        self._region: pd.Series | str | None = None  # region() until a country field changes

    # -- helpers ---------------------------------------------------------------------------
    def _count(self, key: str, result: Standardised) -> None:
        self.stats.setdefault(f"{self.obj_name}.{key}", FieldStats()).add(result, self.ctx.name)

    def _mark(self, fname: str, result: Standardised) -> None:
        invalid = result.status.to_numpy(dtype=object) == "invalid"
        if invalid.any():  # most columns have none: no second pass over their reasons
            reasons = np.where(invalid, result.reason.to_numpy(dtype=object), _NONE)
            self.invalid.add(fname, pd.Series(reasons, index=result.reason.index, dtype=object))
        self.flags.add(fname, result.flags)

    def _set(self, fname: str, values: pd.Series, rule: pd.Series | str) -> None:
        before = self.frame[fname] if fname in self.frame.columns else _nones(self.frame.index)
        self.log.record(self.ids, self.obj_name, fname, before, values, rule)
        self.frame[fname] = values.astype(object)
        if fname in self.obj.fields and self.obj.fields[fname].type == "country":
            self._region = None

    def _take(self, fname: str, result: Standardised) -> None:
        """A standardised column into the frame, its changes logged; a column the
        standardiser says came back unchanged is not compared (there is nothing to log)."""
        if result.unchanged:
            self.frame[fname] = result.values
        else:
            self._set(fname, result.values, result.rule)

    def _fill_empty(self, fname: str, values: pd.Series, rule: str) -> pd.Series:
        """Put values into an empty field; return the values that found no empty slot."""
        current = self.frame[fname] if fname in self.frame.columns else _nones(self.frame.index)
        slot = current.isna() & values.notna()
        if slot.any():
            self._set(fname, current.where(~slot, values), rule)
        return values.where(~slot & values.notna(), None)

    def _keep_in_log(self, fname: str, leftover: pd.Series, rule: str) -> None:
        """A value with no field to go to is kept in the change log, never dropped."""
        if leftover.notna().any():
            self.log.record(self.ids, self.obj_name, fname, leftover, _nones(leftover.index), rule,
                            "kept-in-log")  # fmt: skip

    def region(self) -> pd.Series | str:
        """Per-row region from the object's country field when present, else the source's."""
        if self._region is None:
            self._region = self._find_region()
        return self._region

    def _find_region(self) -> pd.Series | str:
        for fname, fdef in self.obj.fields.items():
            if fdef.type == "country" and fname in self.frame.columns:
                col = self.frame[fname]
                if col.notna().any():
                    good = col.where(col.astype(str).str.fullmatch(r"[A-Z]{2}").fillna(False))
                    return good.fillna(self.ctx.country).astype(object)
        return self.ctx.country

    # -- stages ----------------------------------------------------------------------------
    def _timed(self, name: str, step: Callable[[], None]) -> None:
        started = time.perf_counter()
        step()
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started
        self._done += 1
        self.progress(self._step, self._done, self._total, "fields")

    def run(self) -> pd.DataFrame:
        columns = set(self.frame.columns)
        self._step = f"standardising {self.ctx.name}"
        self._total = len(columns & (set(self.obj.fields) | set(self.obj.composites)))
        self._done = 0
        self.progress(self._step, 0, self._total, "fields")
        for fname, fdef in self.obj.fields.items():
            if fdef.type == "country" and fname in self.frame.columns:
                self._timed(fname, lambda f=fname, d=fdef: self.standardise_field(f, d))  # type: ignore[misc]
        for cname, comp in self.obj.composites.items():
            if cname in self.frame.columns:
                self._timed(cname, lambda c=cname, d=comp: self.split_composite(c, d))  # type: ignore[misc]
        for fname, fdef in self.obj.fields.items():
            if fdef.type != "country" and fname in self.frame.columns:
                self._timed(fname, lambda f=fname, d=fdef: self.standardise_field(f, d))  # type: ignore[misc]
        self.frame[INVALID] = self.invalid.column()
        self.frame[FLAGS] = self.flags.column()
        return self.frame

    def standardise_field(self, fname: str, fdef: FieldDef) -> None:
        if fname in self.from_composite or fdef.type in SELF_CLEANING:
            # no separate clean-up: the composite's standardiser wrote canonical text, or the
            # type's standardiser folds full-width forms and spaces itself and keeps an invalid
            # value exactly as it came (one change per cell, from the raw value)
            text = _already_clean(self.frame[fname])
        else:
            text = clean_text(self.frame[fname], multiline=fdef.type == "text")
            self._take(fname, text)
        if fdef.type == "reference":
            return
        result = self._typed(fname, fdef, text.values)
        if result is None:
            self._count(fname, text)
            return
        self._take(fname, result)
        self._count(fname, result)
        self._mark(fname, result)
        self._route_extras(fname, fdef, result)

    def _typed(self, fname: str, fdef: FieldDef, values: pd.Series) -> Standardised | None:
        if fdef.type == "picklist":
            fn = _function("picklist:standardise_picklist")
            return fn(values, values=fdef.values or (), aliases=fdef.aliases)
        spec = KINDS.get(fdef.type)
        if spec is None:
            return None
        options = self.ctx.options(fname, fdef.type, spec[1])
        if fdef.type == "phone" and "region" not in self.ctx.field_options.get(fname, {}):
            options["region"] = self.region()
        return _function(spec[0])(values, **options)

    def _route_extras(self, fname: str, fdef: FieldDef, result: Standardised) -> None:
        extras = result.extras
        if "extension" in extras:
            ext = extras["extension"]
            if fdef.extension:
                ext = self._fill_empty(fdef.extension, ext, f"{fdef.type}.extension")
            self._keep_in_log(fname, ext, f"{fdef.type}.extension-not-stored")
        if "second" in extras:
            second = extras["second"]
            if fdef.second:
                second = self._fill_empty(fdef.second, second, f"{fdef.type}.second")
            self._keep_in_log(fname, second, f"{fdef.type}.second-not-stored")
        if "match_key" in extras:
            self.frame[f"{KEY_PREFIX}{fname}"] = extras["match_key"].astype(object)
        if "currency" in extras and "currency" in self.obj.fields:
            self._fill_empty("currency", extras["currency"], "money.currency")

    def split_composite(self, cname: str, comp: CompositeDef) -> None:
        raw = self.frame[cname]
        text = clean_text(raw, multiline=comp.type == "address").values
        spec, wanted = COMPOSITES[comp.type]
        options = self.ctx.options(cname, comp.type, wanted)
        if comp.type == "address" and "country" not in self.ctx.field_options.get(cname, {}):
            options["country"] = self.region()
        result = _function(spec)(text, **options)
        self._count(cname, result)
        self._mark(cname, result)
        parts = _composite_parts(comp, result)
        for part in sorted(set(parts) - set(comp.parts) - _FOLDED_PARTS):
            # a part the schema has no field for (an English name beside a Chinese one) is kept
            self._keep_in_log(cname, parts[part], f"{comp.type}.{part}-not-stored")
        source = Cells(raw)  # every part's change is logged from the whole text: convert it once
        # every part is logged with these rules: factorised once
        rule = Labels(result.rule.where(result.rule.notna(), f"{comp.type}.split"))
        for part, target in comp.parts.items():
            values = parts.get(part)
            if values is None:
                continue
            mapped = target in self.frame.columns
            if not mapped:  # the composite alone fills it, with values already cleaned
                self.from_composite.add(target)
            current = (self.frame[target].to_numpy(dtype=object) if mapped
                       else np.full(len(raw), None, dtype=object))  # fmt: skip
            new = values.to_numpy(dtype=object)
            # a separately mapped part wins; the composite only fills the gaps it leaves
            taken = pd.isna(current) & ~pd.isna(new)
            self.log.record(self.ids, self.obj_name, target, source, values, rule, rows=taken)
            self.frame[target] = pd.Series(np.where(taken, new, current), index=raw.index,
                                           dtype=object)  # fmt: skip
        self.frame = self.frame.drop(columns=[cname])


def _composite_parts(comp: CompositeDef, result: Standardised) -> dict[str, pd.Series]:
    """The composite's parts from the standardiser's extras, folding parts the schema lacks.

    Works on object arrays: the folds touch only the rows that have both pieces.
    """
    extras = dict(result.extras)
    if comp.type == "person_name":
        return extras  # salutation, first, last, suffix, english_name
    index = result.values.index
    size = len(index)

    def get(key: str) -> np.ndarray:
        values = extras.get(key)
        return (
            np.full(size, None, dtype=object) if values is None else values.to_numpy(dtype=object)
        )

    street, line2, district, city = get("line1"), get("line2"), get("district"), get("city")
    country = get("country")
    cjk = _has_cjk(street)
    if "line2" not in comp.parts:
        # Chinese addresses run on (…號8樓); English ones take a second street line, and in
        # Hong Kong the flat and building come first (Flat 8B, Kam Fung Court / 159 Kwun Tong Rd)
        hk = ~cjk & np.asarray(country == "HK", dtype=bool)
        plain = ~cjk & ~hk
        folded = street.copy()
        folded[cjk] = _join(street[cjk], line2[cjk], "")
        folded[hk] = _join(line2[hk], street[hk], "\n")
        folded[plain] = _join(street[plain], line2[plain], "\n")
        street = folded
    if "district" not in comp.parts:
        no_city = pd.isna(city)
        city = np.where(no_city, district, city)  # HK: the district is the best city there is
        lead = np.where(no_city, _NONE, district)
        folded = street.copy()
        folded[cjk] = _join(lead[cjk], street[cjk], "")
        folded[~cjk] = _join(street[~cjk], lead[~cjk], ", ")
        street = folded
    # an address that could not be parsed keeps its whole text in the street line
    unparsed = (result.status == "invalid").to_numpy(dtype=bool) & pd.isna(street)
    street = np.where(unparsed, result.values.to_numpy(dtype=object), street)
    out = {
        "street": street,
        "line2": line2,
        "district": district,
        "city": city,
        "state": get("state"),
        "postal_code": get("postal_code"),
        "country": country,
    }
    return {k: pd.Series(v, index=index, dtype=object) for k, v in out.items()}


def _has_cjk(values: np.ndarray) -> np.ndarray:
    """Whether each value contains a CJK ideograph (Arrow's regex engine; missing → False)."""
    arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    hit = pc.fill_null(pc.match_substring_regex(arr, _CJK_CHAR), False)
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


def _join(a: np.ndarray, b: np.ndarray, sep: str) -> np.ndarray:
    """``a + sep + b`` where both are there, else whichever is (object arrays)."""
    a_na, b_na = pd.isna(a), pd.isna(b)
    out = np.where(a_na, b, a)
    both = np.flatnonzero(~a_na & ~b_na)
    if len(both):
        out[both] = _array([f"{x!s}{sep}{y!s}" for x, y in zip(a[both], b[both], strict=True)])
    return out


def _array(values: list[str]) -> np.ndarray:
    """A list of strings as an object array (numpy would make a fixed-width one first)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _already_clean(values: pd.Series) -> Standardised:
    """A column a standardiser already produced: ``ok`` where filled, ``empty`` elsewhere."""
    filled = values.notna()
    nones = _nones(values.index)
    status = pd.Series("ok", index=values.index, dtype=object).where(filled, "empty")
    return Standardised(values=values.astype(object), status=status, rule=nones, reason=nones)


def _nones(index: pd.Index) -> pd.Series:
    return pd.Series([None] * len(index), index=index, dtype=object)


def standardise_frame(
    frame: pd.DataFrame,
    obj_name: str,
    obj: ObjectDef,
    ctx: SourceContext,
    *,
    log: ChangeLog,
    stats: dict[str, FieldStats],
    progress: Progress = no_progress,
) -> pd.DataFrame:
    """Standardise every mapped field of one source's frame."""
    return FrameStandardiser(frame, obj_name, obj, ctx, log, stats, progress).run()
