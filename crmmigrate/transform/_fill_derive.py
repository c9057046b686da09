"""The derivations of ``rules/fill.yaml``: one registered class each, over distinct values.

A derivation is checked against the target schema when the rules are loaded (``check``, which
raises ``ValueError`` with the problem; the loader adds the file and rule) and then proposes, for
the rows a rule may fill, one candidate value per row (``derive``). Where the evidence of a row
points at two or more values the row gets no candidate: the candidates, joined with " | ", and
a reason code go back instead, to be reported and never guessed.

Each derivation parses each distinct input once (``_map_distinct``) or works on whole columns
(phone regions by country code with the phone fast path's compiled metadata, postal tables by
pandas lookups); Python loops run over distinct values only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import ClassVar

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pycountry
from phonenumbers import NumberParseException
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from crmmigrate.target_schema import ObjectDef, TargetSchema
from crmmigrate.transform.standardise import _address_cn as cn
from crmmigrate.transform.standardise import _address_twzip as twzip
from crmmigrate.transform.standardise import _phone_fast as fast
from crmmigrate.transform.standardise import address
from crmmigrate.transform.standardise import name as person_name
from crmmigrate.transform.standardise._name_data import COMMON_SURNAMES, COMPOUND_SURNAMES
from crmmigrate.transform.standardise.url import url_value

SEP = " | "
# The London postal district: every postcode of these areas has the post town LONDON.
LONDON_AREAS = frozenset({"E", "EC", "N", "NW", "SE", "SW", "W", "WC"})
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2})[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")
_E164 = r"^\+[1-9][0-9]{6,14}$"
_CJK = re.compile("[\u3400-\u9fff]")
NONE = np.array(None, dtype=object)  # a missing value numpy's stubs accept in np.where
_UNIT = "\x1f"  # joins the parts of a distinct key (city, district, street)


@dataclass(frozen=True)
class Target:
    """What a checked derivation rule reads and writes."""

    obj: str
    field: str
    sources: tuple[str, ...] = ()  # `from:` fields of the same object
    parts: tuple[tuple[str, str], ...] = ()  # the address composite's (part, field) pairs
    other: tuple[str, str, str] | None = None  # (object, field, reference field to obj)
    rewrite_from: bool = False
    skip_domains: frozenset[str] = frozenset()

    def part(self, name: str) -> str | None:
        return dict(self.parts).get(name)


@dataclass
class Derived:
    """Candidates for the rows (object arrays; None where there is none)."""

    values: np.ndarray
    conflicts: np.ndarray  # the disagreeing candidates joined with SEP
    reasons: np.ndarray  # a reason code where there is a conflict
    also: dict[str, np.ndarray] = field(default_factory=dict)  # other fields set with a fill


def text(frame: pd.DataFrame, column: str | None) -> np.ndarray:
    """A column as an object array, None for missing and empty cells (and absent columns)."""
    if column is None or column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    values = frame[column].to_numpy(dtype=object)
    blank = pd.isna(values)
    blank[~blank] = values[~blank] == ""
    return np.where(blank, NONE, values)


def _nones(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


def _map_distinct(values: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``fn`` over the distinct non-missing values, mapped back to the rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return _nones(len(values))
    mapped = np.asarray(fn(np.asarray(uniques, dtype=object)), dtype=object)
    return np.append(mapped, np.array([None], dtype=object))[codes]


def _objects(values: list[object]) -> np.ndarray:
    """A list as a 1-d object array (numpy would make a 2-d array of equal-length tuples)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _na_to_none(values: np.ndarray) -> np.ndarray:
    return np.where(pd.isna(values), NONE, values)


def _only(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.where(rows, values, NONE)


def agree(candidates: list[np.ndarray], reason: str) -> Derived:
    """One value per row where the candidates (None = none) agree; the others are conflicts."""
    n = len(candidates[0])
    first = _nones(n)
    for cand in candidates:
        first = np.where(pd.isna(first), cand, first)
    clash = np.zeros(n, dtype=bool)
    for cand in candidates:
        has = ~pd.isna(cand)
        clash[has] |= cand[has] != first[has]
    conflicts = _nones(n)
    for row in np.flatnonzero(clash):
        conflicts[row] = SEP.join(sorted({str(c[row]) for c in candidates if c[row] is not None}))
    return Derived(np.where(clash, NONE, first), conflicts, np.where(clash, reason, NONE))


@dataclass(frozen=True)
class Choice:
    """Candidate values with the reason to give when there are several."""

    values: tuple[str, ...]
    reason: str


def _from_sets(sets: np.ndarray, reason: str) -> Derived:
    """Rows holding candidate values (a tuple or a Choice): one → the value, several → conflict."""
    n = len(sets)
    values, conflicts, reasons = _nones(n), _nones(n), _nones(n)
    for row in np.flatnonzero(~pd.isna(sets)):
        item = sets[row]
        cands, why = (item.values, item.reason) if isinstance(item, Choice) else (item, reason)
        if len(cands) == 1:
            values[row] = cands[0]
        elif len(cands) > 1:
            conflicts[row], reasons[row] = SEP.join(cands), why
    return Derived(values, conflicts, reasons)


def _single(values: np.ndarray) -> Derived:
    n = len(values)
    return Derived(values, _nones(n), _nones(n))


# --- the registry ---------------------------------------------------------------------------


class Derivation:
    """A registered derivation: ``check`` at load time, ``derive`` at fill time."""

    name: ClassVar[str]
    sources: ClassVar[str] = "none"  # `from:` — "none", "one", "many" or "other-object"

    def check(self, schema: TargetSchema, obj_name: str, target: Target) -> Target:
        return target

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        raise NotImplementedError


DERIVATIONS: dict[str, Derivation] = {}


def register(cls: type[Derivation]) -> type[Derivation]:
    DERIVATIONS[cls.name] = cls()
    return cls


def _need_type(obj: ObjectDef, fname: str, types: Iterable[str], what: str) -> None:
    allowed = tuple(types)
    if obj.fields[fname].type not in allowed:
        kinds = " or ".join(allowed)
        raise ValueError(f"{what} {fname!r} is of type {obj.fields[fname].type}, not {kinds}")


# --- country from phone ---------------------------------------------------------------------


@register
class CountryFromPhone(Derivation):
    """The country of the record's E.164 phone numbers; different countries are a conflict."""

    name = "country-from-phone"
    sources = "many"

    def check(self, schema: TargetSchema, obj_name: str, target: Target) -> Target:
        obj = schema.objects[obj_name]
        _need_type(obj, target.field, ["country"], "field")
        for source in target.sources:
            _need_type(obj, source, ["phone"], "from field")
        return target

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        found = [_map_distinct(_only(text(frame, s), rows), phone_countries) for s in t.sources]
        return agree(found, "phones-disagree")


def phone_countries(numbers: np.ndarray) -> np.ndarray:
    """ISO country of each E.164 number (None: not E.164, not valid, non-geographic)."""
    s = pd.Series(numbers, dtype=object).astype(str)
    e164 = s.str.fullmatch(_E164).to_numpy(dtype=bool)
    cc = np.zeros(len(s), dtype=np.int64)
    for length in (1, 2, 3):  # country codes are prefix-free: at most one length matches
        prefix = s.str[1 : 1 + length]
        hit = e164 & (cc == 0) & prefix.isin(_country_codes(length)).to_numpy(dtype=bool)
        cc[hit] = prefix[hit].astype(np.int64)
    out = _nones(len(s))
    for code in np.unique(cc[cc > 0]):
        idx = np.flatnonzero(cc == code)
        nsn = pa.array(s.iloc[idx].str[1 + len(str(code)) :].tolist(), type=pa.string())
        out[idx] = _regions_for_cc(int(code), nsn)
    undecided = np.flatnonzero(e164 & pd.isna(out))
    for row in undecided:  # what the fast path cannot prove: phonenumbers itself
        out[row] = _region_slow(str(s.iloc[row]))
    regions = pd.Series(out, dtype=object)
    return regions.where(regions.isin(_iso_countries()), None).to_numpy(dtype=object)


@lru_cache(maxsize=3)
def _country_codes(length: int) -> frozenset[str]:
    return frozenset(str(c) for c in COUNTRY_CODE_TO_REGION_CODE if len(str(c)) == length)


@lru_cache(maxsize=1)
def _iso_countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _regions_for_cc(cc: int, nsn: pa.Array) -> np.ndarray:
    """``region_code_for_number`` for valid numbers of one country code (None: undecided).

    Mirrors ``_phone_fast.valid_for_cc``: regions in phonenumbers' order, a region with leading
    digits takes the numbers they match, one without takes the numbers valid for it.
    """
    out = _nones(len(nsn))
    todo = np.arange(len(nsn))
    for code in COUNTRY_CODE_TO_REGION_CODE.get(cc, ()):
        reg = fast.region(code)
        if code == "001" or reg is None:
            break  # non-geographic, or metadata the fast path cannot use: phonenumbers decides
        sub = nsn.take(pa.array(todo))
        if reg.leading_digits:
            hit = fast._match(sub, f"^(?:{reg.leading_digits})")
            valid = fast._valid_for_region(reg, fast._filter(sub, hit))
            out[todo[hit][valid]] = code
        else:
            hit = fast._valid_for_region(reg, sub)
            out[todo[hit]] = code
        todo = todo[~hit]
        if not todo.size:
            break
    return out


def _region_slow(number: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return None if region in (None, "001", "ZZ") else str(region)


# --- addresses ------------------------------------------------------------------------------


class _AddressDerivation(Derivation):
    """Fills one part of an address composite from its other parts."""

    part: ClassVar[str]

    def check(self, schema: TargetSchema, obj_name: str, target: Target) -> Target:
        obj = schema.objects[obj_name]
        for comp in obj.composites.values():
            if comp.type == "address" and comp.parts.get(self.part) == target.field:
                if "country" not in comp.parts:
                    raise ValueError(f"the address of {target.field!r} has no country part")
                return Target(target.obj, target.field, parts=tuple(comp.parts.items()))
        raise ValueError(
            f"{target.field!r} is not the {self.part} part of an address composite of {obj_name}"
        )


def _tw_district(street: np.ndarray, district: np.ndarray) -> np.ndarray:
    """The district: the district part, else the Taiwan district name leading the street."""
    out = district.copy()
    todo = pd.isna(out) & ~pd.isna(street)
    if todo.any():
        s = pd.Series(street[todo], dtype=object).astype(str)
        found = pd.Series(None, index=s.index, dtype=object)
        for length in (4, 3, 2):  # the longest district name that leads the street
            head = s.str[:length]
            hit = found.isna() & head.isin(_tw_places().district_names)
            found[hit] = head[hit]
        out[todo] = found.to_numpy(dtype=object)
    return out


@dataclass(frozen=True)
class _TwPlaces:
    """City sets per 3+3 code, per 3-digit prefix and per district name (Chunghwa Post)."""

    zip6: dict[str, tuple[str, ...]]
    zip3: dict[str, tuple[str, ...]]
    district: dict[str, tuple[str, ...]]
    district_names: frozenset[str]


@lru_cache(maxsize=1)
def _tw_places() -> _TwPlaces:
    t = twzip.tables()
    roads = t.roads
    direct = roads.loc[roads["zip"] != "", ["zip", "city"]]
    ruled = t.rules[["road_id", "zip"]].merge(roads[["road_id", "city"]], on="road_id")
    codes = pd.concat([direct, ruled[["zip", "city"]]]).drop_duplicates()
    codes["zip3"] = codes["zip"].str[:3]

    def sets(frame: pd.DataFrame, key: str) -> dict[str, tuple[str, ...]]:
        """key → its cities, sorted (one sort of the distinct pairs, sliced per key)."""
        pairs = frame[[key, "city"]].drop_duplicates().sort_values([key, "city"])
        keys = pairs[key].to_numpy(dtype=object)
        cities = pairs["city"].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys
        ends = np.r_[starts[1:], len(keys)]
        return {str(keys[a]): tuple(cities[a:b]) for a, b in zip(starts, ends, strict=True)}

    return _TwPlaces(
        zip6=sets(codes, "zip"),
        zip3=sets(codes, "zip3"),
        district=sets(t.districts, "area"),
        district_names=frozenset(t.districts["area"]),
    )


@register
class PostalCodeFromCity(_AddressDerivation):
    """TW: the postal code of city + street (3+3 where road and door decide, else 3 digits)."""

    name = "postal-code-from-city"
    part = "postal_code"

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        country, city = text(frame, t.part("country")), text(frame, t.part("city"))
        street, district = text(frame, t.part("street")), text(frame, t.part("district"))
        todo = rows & (country == "TW") & ~pd.isna(city) & ~(pd.isna(street) & pd.isna(district))
        parts = pd.DataFrame({"c": city, "d": district, "s": street})[todo].fillna("")
        keys = _nones(len(frame))
        keys[todo] = (parts["c"] + _UNIT + parts["d"] + _UNIT + parts["s"]).to_numpy(dtype=object)
        return _single(_map_distinct(keys, _tw_postal_codes))


def _tw_postal_codes(keys: np.ndarray) -> np.ndarray:
    """The address standardiser's postal code for each (city, district, street), where clean.

    Clean: in Taiwan, to the given city (臺 and 台 alike) and a district, with no flag but
    ``incomplete-address`` (a street without a door number still has its district's code).
    """
    split = pd.Series(keys, dtype=object).str.split(_UNIT, regex=False)
    city, district, street = (split.str[i] for i in range(3))
    composed = city + district + street.str.split("\n").str[0]
    result = address.standardise(composed, country="TW")
    extras = result.extras
    flags = result.flags if result.flags is not None else pd.Series(None, index=composed.index)
    good = (
        (result.status != "invalid")
        & (flags.isna() | (flags == "incomplete-address"))
        & (extras["country"] == "TW")
        & extras["district"].notna()
        & (twzip.fold(extras["city"].fillna("")) == twzip.fold(city))
    )
    return extras["postal_code"].where(good, None).to_numpy(dtype=object)


@register
class CityFromPostalCode(_AddressDerivation):
    """TW: the city of the postal code (and the street's district); UK: London's areas."""

    name = "city-from-postal-code"
    part = "city"

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        country, code = text(frame, t.part("country")), text(frame, t.part("postal_code"))
        has_code = rows & ~pd.isna(code)
        tw = has_code & (country == "TW")
        district = _tw_district(
            _only(text(frame, t.part("street")), tw), _only(text(frame, t.part("district")), tw)
        )
        keys = _nones(len(frame))
        keys[tw] = [f"{c}{_UNIT}{d or ''}" for c, d in zip(code[tw], district[tw], strict=True)]
        sets = _map_distinct(keys, _tw_cities_for_code)
        found = _from_sets(sets, "postal-code-in-several-cities")
        uk = has_code & (country == "GB")
        found.values[uk] = _map_distinct(code[uk], _london)
        return found


def _tw_cities_for_code(keys: np.ndarray) -> np.ndarray:
    places = _tw_places()
    out = _nones(len(keys))
    for i, key in enumerate(keys):
        code, _, district = str(key).partition(_UNIT)
        code = code.replace(" ", "").replace("-", "")
        if not re.fullmatch(r"[0-9]{3}(?:[0-9]{2,3})?", code):
            continue
        by_code = places.zip6.get(code) if len(code) == 6 else None
        cities = set(by_code or places.zip3.get(code[:3], ()))
        if not cities:
            continue
        reason = "postal-code-in-several-cities"
        of_district = set(places.district.get(district, ())) if district else set()
        if of_district and not cities & of_district:
            cities, reason = cities | of_district, "postal-code-and-district-disagree"
        elif of_district:
            cities &= of_district
        out[i] = Choice(tuple(sorted(cities)), reason)
    return out


def _london(codes: np.ndarray) -> np.ndarray:
    out = _nones(len(codes))
    for i, code in enumerate(codes):
        m = _UK_POSTCODE.match(str(code).upper().strip())
        if m and m.group(1) in LONDON_AREAS:
            out[i] = "London"
    return out


@register
class CityFromDistrict(_AddressDerivation):
    """TW: the city of the district leading the street, where one city has that district."""

    name = "city-from-district"
    part = "city"

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        tw = rows & (text(frame, t.part("country")) == "TW")
        district = _tw_district(
            _only(text(frame, t.part("street")), tw), _only(text(frame, t.part("district")), tw)
        )
        cities = _tw_places().district
        sets = _map_distinct(district, lambda names: _objects([cities.get(d) for d in names]))
        return _from_sets(sets, "district-in-several-cities")


@register
class StateFromCity(_AddressDerivation):
    """CN: the province of a prefecture-level city (a municipality is its own province)."""

    name = "state-from-city"
    part = "state"

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        cn_rows = rows & (text(frame, t.part("country")) == "CN")
        return _single(_map_distinct(_only(text(frame, t.part("city")), cn_rows), _cn_provinces))


def _cn_provinces(cities: np.ndarray) -> np.ndarray:
    parsed = cn.parse(pa.array([str(c) for c in cities], type=pa.string()))

    def col(key: str) -> np.ndarray:
        value = parsed[key]
        if isinstance(value, pa.Array):
            return np.asarray(value.to_pylist(), dtype=object)
        return np.full(len(cities), value, dtype=object)

    alone = (col("city") != "") & (col("district") == "") & (col("line1") == "")
    alone &= col("line2") == ""
    state = col("state")
    return np.where(alone & (state != ""), state, NONE)


@register
class StateFromPostalCode(_AddressDerivation):
    """US: the state of a ZIP code (USPS prefix assignments, with the ZIPs that differ)."""

    name = "state-from-postal-code"
    part = "state"

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        us = rows & (text(frame, t.part("country")) == "US")
        return _single(_map_distinct(_only(text(frame, t.part("postal_code")), us), _us_states))


@lru_cache(maxsize=1)
def _us_zip_table() -> tuple[dict[str, str], dict[str, str]]:
    path = files("crmmigrate") / "data" / "fill" / "us_zip_state.csv"
    with path.open("rb") as handle:
        rows = pd.read_csv(handle, dtype=str, keep_default_na=False)
    prefixes: dict[str, str] = {}
    zips: dict[str, str] = {}
    for first, last, state in rows.itertuples(index=False):
        if len(first) == 5:
            zips[first] = state
        else:
            prefixes |= {f"{p:03d}": state for p in range(int(first), int(last) + 1)}
    return prefixes, zips


def _us_states(codes: np.ndarray) -> np.ndarray:
    prefixes, zips = _us_zip_table()
    zip5 = (
        pd.Series(codes, dtype=object)
        .astype(str)
        .str.strip()
        .str.extract(r"^([0-9]{5})(?:-?[0-9]{4})?$", expand=False)
    )
    exact = zip5.map(zips)
    state = exact.where(exact.notna(), zip5.str[:3].map(prefixes))
    return state.where(state.notna() & (state != ""), None).to_numpy(dtype=object)


# --- names ----------------------------------------------------------------------------------


@register
class SplitFullName(Derivation):
    """A full name typed into one field: its surname fills the rule's field.

    With ``rewrite_from: true`` the source field keeps only the given name. Names with a
    salutation, suffix or a second (English) name are left alone; a Chinese-script name is split
    only when its surname part is a known surname; a romanised name whose order is ambiguous
    (``Kwok Wai Poon``) is a conflict.
    """

    name = "split-full-name"
    sources = "one"

    def check(self, schema: TargetSchema, obj_name: str, target: Target) -> Target:
        obj = schema.objects[obj_name]
        _need_type(obj, target.field, ["person_name"], "field")
        _need_type(obj, target.sources[0], ["person_name", "string", "text"], "from field")
        if target.sources[0] == target.field:
            raise ValueError("from: must name another field than field:")
        return target

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        source = _only(text(frame, t.sources[0]), rows)
        codes, uniques = pd.factorize(source, use_na_sentinel=True)
        n = len(uniques)
        if not n:
            return _single(_nones(len(frame)))
        names = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        split = person_name.split(names)
        ex = {k: v.to_numpy(dtype=object) for k, v in split.extras.items()}
        flags = split.flags.to_numpy(dtype=object) if split.flags is not None else _nones(n)
        plain = ~pd.isna(ex["first"]) & ~pd.isna(ex["last"])
        plain &= split.status.to_numpy(dtype=object) != "invalid"
        for extra in ("salutation", "suffix", "english_name"):
            plain &= pd.isna(ex[extra])
        plain &= np.array([_surname_known(str(last)) for last in ex["last"]], dtype=bool)
        ambiguous = plain & (flags == "name-order-ambiguous")
        last, first = np.where(plain & ~ambiguous, ex["last"], NONE), ex["first"]
        conflicts, reasons = _nones(n), _nones(n)
        if ambiguous.any():
            other = person_name.split(names[ambiguous], romanised_order="surname-first")
            alt = other.extras["last"].to_numpy(dtype=object)
            conflicts[ambiguous] = [
                SEP.join(sorted({a, b})) for a, b in zip(ex["last"][ambiguous], alt, strict=True)
            ]
            reasons[ambiguous] = "name-order-ambiguous"

        def rows_of(values: np.ndarray) -> np.ndarray:
            return np.append(np.asarray(values, dtype=object), np.array([None], dtype=object))[
                codes
            ]

        values = rows_of(last)
        also = {t.sources[0]: np.where(pd.isna(values), NONE, rows_of(first))}
        return Derived(values, rows_of(conflicts), rows_of(reasons), also if t.rewrite_from else {})


def _surname_known(last: str) -> bool:
    """A Chinese-script surname must be a known one (大文 alone is a given name, not 大 + 文)."""
    if not _CJK.search(last):
        return True
    if last in COMMON_SURNAMES or last in COMPOUND_SURNAMES:
        return True
    return len(last) == 2 and all(c in COMMON_SURNAMES for c in last)  # 陳林: 冠夫姓


# --- websites -------------------------------------------------------------------------------


@register
class WebsiteFromContacts(Derivation):
    """The one business e-mail domain of the records that reference this one, as a website."""

    name = "website-from-contacts"
    sources = "other-object"

    def check(self, schema: TargetSchema, obj_name: str, target: Target) -> Target:
        obj = schema.objects[obj_name]
        _need_type(obj, target.field, ["url"], "field")
        assert target.other is not None
        other_name, other_field, via = target.other
        other = schema.objects.get(other_name)
        if other is None:
            raise ValueError(f"from: no such object {other_name!r}")
        if other_field not in other.fields:
            raise ValueError(f"from: {other_name} has no field {other_field!r}")
        _need_type(other, other_field, ["email"], "from field")
        refs = [n for n, f in other.references.items() if f.object == obj_name]
        if via and via not in refs:
            raise ValueError(f"via: {via!r} is not a reference from {other_name} to {obj_name}")
        if not via:
            if len(refs) != 1:
                raise ValueError(
                    f"{other_name} has {len(refs)} references to {obj_name}; name one with via:"
                )
            via = refs[0]
        return Target(
            target.obj, target.field, other=(other_name, other_field, via),
            skip_domains=target.skip_domains,
        )  # fmt: skip

    def derive(
        self, frame: pd.DataFrame, rows: np.ndarray, t: Target, frames: dict[str, pd.DataFrame]
    ) -> Derived:
        assert t.other is not None
        other_name, other_field, via = t.other
        other = frames.get(other_name)
        n = len(frame)
        if other is None or other.empty or "external_id" not in frame.columns:
            return _single(_nones(n))
        keys = _only(text(frame, "external_id"), rows)
        refs, emails = text(other, via), text(other, other_field)
        keep = ~pd.isna(emails) & pd.Series(refs, dtype=object).isin(set(keys) - {None}).to_numpy()
        if not keep.any():
            return _single(_nones(n))
        lowered = pc.utf8_lower(pc.utf8_trim_whitespace(pa.array(emails[keep], type=pa.string())))
        domain = pc.struct_field(pc.extract_regex(lowered, r"^[^@]+@(?P<d>[^@]+)$"), [0])
        domains = np.asarray(domain.to_numpy(zero_copy_only=False), dtype=object)
        skip = free_mail_domains() | t.skip_domains
        sites = _map_distinct(domains, lambda d: _business_sites(d, skip))
        pairs = pd.DataFrame({"ref": refs[keep], "site": sites}).dropna().drop_duplicates()
        pairs = pairs.sort_values(["ref", "site"])
        many = pairs.groupby("ref")["site"].transform("size").to_numpy() > 1
        one = pairs[~many].set_index("ref")["site"]
        several = pairs[many].groupby("ref")["site"].agg(SEP.join)  # conflicts only: few
        ids = pd.Series(keys, dtype=object)
        conflicts = ids.map(several).to_numpy(dtype=object)
        return Derived(
            _na_to_none(ids.map(one).to_numpy(dtype=object)),
            _na_to_none(conflicts),
            np.where(pd.isna(conflicts), NONE, "contacts-have-several-domains"),
        )


@lru_cache(maxsize=1)
def free_mail_domains() -> frozenset[str]:
    """The shipped free-mail and ISP domains (``data/fill/free_email_domains.txt``)."""
    path = files("crmmigrate") / "data" / "fill" / "free_email_domains.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def _business_sites(domains: np.ndarray, skip: frozenset[str]) -> np.ndarray:
    """``https://<domain>`` (the url standardiser's form) for domains that are not free mail."""
    out = _nones(len(domains))
    for i, domain in enumerate(domains):
        labels = str(domain).split(".")
        if any(".".join(labels[k:]) in skip for k in range(len(labels))):
            continue
        outcome = url_value(str(domain))
        if outcome.status != "invalid":
            out[i] = outcome.value
    return out
