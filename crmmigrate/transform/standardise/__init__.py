"""Standardise a mapped frame: text clean-up for every field, then each field by its type."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from crmmigrate.target_schema import FieldDef, ObjectDef
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.standardise.base import STATUSES, Standardised
from crmmigrate.transform.standardise.country import standardise_country
from crmmigrate.transform.standardise.date import standardise_date, standardise_datetime
from crmmigrate.transform.standardise.email import standardise_email
from crmmigrate.transform.standardise.name import split_full_name
from crmmigrate.transform.standardise.number import (
    standardise_boolean,
    standardise_integer,
    standardise_money,
    standardise_number,
)
from crmmigrate.transform.standardise.picklist import standardise_picklist
from crmmigrate.transform.standardise.text import clean_text

Standardiser = Callable[[pd.Series], Standardised]


@dataclass
class FieldStats:
    """Per-field status and reason counts, summed over sources."""

    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, result: Standardised) -> None:
        for key, count in result.counts().items():
            self.statuses[key] += count
        for key, count in result.reasons().items():
            self.reasons[key] += count

    def to_dict(self) -> dict[str, object]:
        return {**self.statuses, "reasons": dict(sorted(self.reasons.items()))}


def typed_standardiser(fdef: FieldDef, *, country: str, date_order: str) -> Standardiser | None:
    """The type-specific standardiser for a field, or None when text clean-up is all it gets."""
    match fdef.type:
        case "email":
            return standardise_email
        case "date":
            return partial(standardise_date, date_order=date_order, country=country)
        case "datetime":
            return partial(standardise_datetime, date_order=date_order, country=country)
        case "money":
            return standardise_money
        case "number":
            return standardise_number
        case "integer":
            return standardise_integer
        case "boolean":
            return standardise_boolean
        case "picklist":
            return partial(standardise_picklist, values=fdef.values or (), aliases=fdef.aliases)
        case "country":
            return standardise_country
    return None


def split_composites(
    frame: pd.DataFrame, obj_name: str, obj: ObjectDef, log: ChangeLog
) -> pd.DataFrame:
    """Split composite inputs (full_name, *_address) into their part fields."""
    for cname, comp in obj.composites.items():
        if cname not in frame.columns:
            continue
        text = clean_text(frame[cname], multiline=comp.type == "address").values
        if comp.type == "person_name":
            columns = _split_names(text)
            rule = "name.split"
        else:
            # v0: an address is not parsed yet; its whole text goes to the street line.
            columns = {"street": text}
            rule = "address.unparsed-to-street"
        for part, target in comp.parts.items():
            if part not in columns:
                continue
            after = columns[part].astype(object)
            before = frame[cname].astype(object)
            log.record(
                frame["_record_id"], obj_name, target, before.where(after.notna()), after, rule
            )
            frame[target] = after
        frame = frame.drop(columns=[cname])
    return frame


def _split_names(text: pd.Series) -> dict[str, pd.Series]:
    """Split each distinct full name once; columns salutation, first, last."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    parts = [split_full_name(u) for u in uniques]
    take = np.where(codes < 0, len(parts), codes)
    out: dict[str, pd.Series] = {}
    for attr, key in (("salutation", "salutation"), ("first", "first"), ("last", "last")):
        arr = np.empty(len(parts) + 1, dtype=object)
        arr[:] = [getattr(p, attr) for p in parts] + [None]
        out[key] = pd.Series(arr[take], index=text.index, dtype=object)
    return out


def standardise_frame(
    frame: pd.DataFrame,
    obj_name: str,
    obj: ObjectDef,
    *,
    country: str,
    date_order: str,
    log: ChangeLog,
    stats: dict[str, FieldStats],
) -> pd.DataFrame:
    """Standardise every mapped field of one source's frame in place of its raw values."""
    frame = split_composites(frame, obj_name, obj, log)
    ids = frame["_record_id"]
    for fname, fdef in obj.fields.items():
        if fname not in frame.columns or fdef.type == "reference":
            if fname in frame.columns:
                cleaned = clean_text(frame[fname])
                log.record(ids, obj_name, fname, frame[fname], cleaned.values, cleaned.rule)
                frame[fname] = cleaned.values
            continue
        before = frame[fname]
        result = clean_text(before, multiline=fdef.type == "text")
        log.record(ids, obj_name, fname, before, result.values, result.rule)
        typed = typed_standardiser(fdef, country=country, date_order=date_order)
        if typed is not None:
            text = result.values
            result = typed(text)
            log.record(ids, obj_name, fname, text, result.values, result.rule)
        stats.setdefault(f"{obj_name}.{fname}", FieldStats()).add(result)
        frame[fname] = result.values
    return frame
