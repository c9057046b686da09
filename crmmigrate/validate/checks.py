"""Validation v0 checks: a registry of small named checks over one object's clean frame.

Each check is a function ``(frame, object name, field name, field def) -> boolean mask`` of the
failing records, registered under its finding code. Checks work on whole columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from crmmigrate.target_schema import FieldDef
from crmmigrate.transform.standardise.email import EMAIL_SYNTAX

Check = Callable[[pd.Series, FieldDef], np.ndarray]
CHECKS: dict[str, tuple[Callable[[FieldDef], bool], Check]] = {}


def register(code: str, applies: Callable[[FieldDef], bool]) -> Callable[[Check], Check]:
    def deco(fn: Check) -> Check:
        CHECKS[code] = (applies, fn)
        return fn

    return deco


def _invalid_unique(values: pd.Series, ok: Callable[[str], bool]) -> np.ndarray:
    """Evaluate ``ok`` once per distinct non-empty value; True where a value fails."""
    present = values.notna().to_numpy()
    codes, uniques = pd.factorize(values)
    good = np.array([ok(str(u)) for u in uniques] + [True], dtype=bool)
    failing = ~good[np.where(codes < 0, len(uniques), codes)]
    return failing & present


@register("required-missing", lambda f: f.required)
def required(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return values.isna().to_numpy()


@register("too-long", lambda f: f.max_length is not None and f.type != "reference")
def too_long(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    array = values.to_numpy(dtype=object)
    present = np.flatnonzero(pd.notna(array))
    text = array[present]
    if pd.api.types.infer_dtype(text, skipna=False) != "string":
        text = np.array([str(v) for v in text], dtype=object)  # numbers, dates: as written
    lengths = np.fromiter(map(len, text), dtype=np.int64, count=len(text))
    mask = np.zeros(len(values), dtype=bool)
    mask[present[lengths > (fdef.max_length or 0)]] = True
    return mask


@register("duplicate-value", lambda f: f.unique)
def duplicate(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return (values.notna() & values.duplicated(keep="first")).to_numpy()


def _is_iso_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_iso_datetime(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_decimal(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _is_int(text: str) -> bool:
    return re.fullmatch(r"-?\d+", text) is not None


@register("invalid-date", lambda f: f.type == "date")
def invalid_date(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return _invalid_unique(values, _is_iso_date)


@register("invalid-datetime", lambda f: f.type == "datetime")
def invalid_datetime(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return _invalid_unique(values, _is_iso_datetime)


@register("invalid-number", lambda f: f.type in ("money", "number"))
def invalid_number(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return _invalid_unique(values, _is_decimal)


@register("invalid-integer", lambda f: f.type == "integer")
def invalid_integer(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return _invalid_unique(values, _is_int)


@register("invalid-boolean", lambda f: f.type == "boolean")
def invalid_boolean(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return _invalid_unique(values, lambda t: t in ("true", "false"))


@register("invalid-email", lambda f: f.type == "email")
def invalid_email(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return _invalid_unique(values, lambda t: EMAIL_SYNTAX.match(t) is not None)


@register("invalid-country", lambda f: f.type == "country")
def invalid_country(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    return _invalid_unique(values, lambda t: re.fullmatch(r"[A-Z]{2}", t) is not None)


@register("picklist-value", lambda f: f.type == "picklist")
def picklist(values: pd.Series, fdef: FieldDef) -> np.ndarray:
    allowed = set(fdef.values or ())
    return _invalid_unique(values, lambda t: t in allowed)
