"""The rule types of rules files, one small registered class each (see ``rules.py``).

- ``regex`` — field, pattern (the whole value must match) → ``regex-mismatch`` (error)
- ``range`` — field, min and/or max (numbers, or ISO dates for date fields) → ``out-of-range``
  (error)
- ``cross-field`` — left, op (``<`` ``<=`` ``==`` ``!=`` ``>=`` ``>``), right; compared as dates,
  numbers or text by the fields' schema types → ``cross-field`` (error)
- ``one-of-required`` — fields: [phone, website], at least one filled → ``one-of-required``
  (error)
- ``required-if`` — field, when: {field: status, in: [Qualified]} → ``required-if`` (error)
- ``unique-together`` — fields: [...], no complete combination twice →
  ``duplicate-combination`` (error)
- ``row-count`` — min/max, or within: 1% (or a count) of: {object: X, distinct: field} /
  {object: X} / {object: X, records: read} → ``row-count`` (error; one per object)
- ``checksum`` — field, algorithm: tw_ubn | tw_national_id | cn_uscc → ``bad-checksum`` (error)
- ``freshness`` — field (a date), max_age_days, reference_date (default: the run's date) →
  ``stale-record`` (warning)

Empty values pass every rule except the ones about emptiness (one-of-required, required-if);
values a schema check already reports as unreadable (not a date, not a number) are skipped.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from typing import Any, ClassVar, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crmmigrate.target_schema import ObjectDef, TargetSchema
from crmmigrate.transform.standardise.ids import (
    cn_uscc_value,
    tw_national_id_valid,
    tw_ubn_valid,
)
from crmmigrate.validate.catalogue import Severity
from crmmigrate.validate.checks import _invalid_unique
from crmmigrate.validate.rules import (
    DescriptorError,
    Hits,
    ObjectOutcome,
    Rule,
    RuleContext,
    as_kind,
    column,
    field_def,
    field_kind,
    parse_max_failures,
    present,
    register,
)
from crmmigrate.yamlio import did_you_mean

Bound = int | float | dt.date | str | None


def _joined(frame: pd.DataFrame, fields: list[str]) -> pd.Series:
    """The offending values of several fields as ``a=…; b=…`` (only kept for --show-values)."""
    parts = [f + "=" + column(frame, f).astype(object).fillna("").astype(str) for f in fields]
    out = parts[0]
    for part in parts[1:]:
        out = out + "; " + part
    return out


def _bound(value: Bound, kind: str, key: str) -> Any:
    if value is None:
        return None
    if kind == "date":
        try:
            return pd.Timestamp(dt.date.fromisoformat(str(value)))
        except ValueError:
            raise DescriptorError(key, "must be an ISO date such as 2020-01-31") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise DescriptorError(key, "must be a number")


@register
class RegexRule(Rule):
    type: Literal["regex"]
    field: str
    pattern: str

    code: ClassVar[str] = "regex-mismatch"

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
        return value

    @property
    def field_label(self) -> str:
        return self.field

    def field_refs(self) -> list[tuple[str, str]]:
        return [("field", self.field)]

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        pattern = re.compile(self.pattern)
        values = column(frame, self.field)
        mask = _invalid_unique(values, lambda t: pattern.fullmatch(t) is not None)
        return Hits(mask, values)


@register
class RangeRule(Rule):
    type: Literal["range"]
    field: str
    min: Bound = None
    max: Bound = None

    code: ClassVar[str] = "out-of-range"

    @model_validator(mode="after")
    def _one_bound(self) -> RangeRule:
        if self.min is None and self.max is None:
            raise ValueError("give min:, max: or both")
        return self

    @property
    def field_label(self) -> str:
        return self.field

    def field_refs(self) -> list[tuple[str, str]]:
        return [("field", self.field)]

    def check_types(self, obj_name: str, obj: ObjectDef, schema: TargetSchema) -> None:
        kind = field_kind(obj.fields.get(self.field))
        if kind == "text":
            raise DescriptorError(
                "field", f"{obj_name}.{self.field} is not a number or date field; use regex"
            )
        _bound(self.min, kind, "min")
        _bound(self.max, kind, "max")

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        kind = field_kind(field_def(ctx.schema, self.object, self.field))
        values = column(frame, self.field)
        got = as_kind(values, kind)
        low, high = _bound(self.min, kind, "min"), _bound(self.max, kind, "max")
        bad = pd.Series(False, index=frame.index)
        if low is not None:
            bad |= got < low
        if high is not None:
            bad |= got > high
        bounds = f"{'' if self.min is None else self.min}..{'' if self.max is None else self.max}"
        return Hits((bad & got.notna()).to_numpy(dtype=bool), values, {"bounds": bounds})


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq,
    "!=": operator.ne, ">=": operator.ge, ">": operator.gt,
}  # fmt: skip


@register
class CrossFieldRule(Rule):
    type: Literal["cross-field"]
    left: str
    op: Literal["<", "<=", "==", "!=", ">=", ">"]
    right: str

    code: ClassVar[str] = "cross-field"

    @property
    def field_label(self) -> str:
        return f"{self.left} {self.op} {self.right}"

    def field_refs(self) -> list[tuple[str, str]]:
        return [("left", self.left), ("right", self.right)]

    def _kind(self, schema: TargetSchema) -> str:
        kinds = {field_kind(field_def(schema, self.object, f)) for f in (self.left, self.right)}
        return kinds.pop() if len(kinds) == 1 else "text"

    def check_types(self, obj_name: str, obj: ObjectDef, schema: TargetSchema) -> None:
        kinds = [field_kind(obj.fields.get(f)) for f in (self.left, self.right)]
        if set(kinds) == {"date", "number"}:
            raise DescriptorError(
                "right",
                f"{obj_name}.{self.left} is a {kinds[0]} but {self.right} is a {kinds[1]}; "
                "compare fields of one kind",
            )

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        kind = self._kind(ctx.schema)
        left = as_kind(column(frame, self.left), kind)
        right = as_kind(column(frame, self.right), kind)
        both = left.notna() & right.notna()
        holds = pd.Series(True, index=frame.index)
        holds[both] = _OPS[self.op](left[both], right[both]).astype(bool)
        fmt = {"left": self.left, "op": self.op, "right": self.right}
        return Hits((~holds).to_numpy(dtype=bool), _joined(frame, [self.left, self.right]), fmt)


class _FieldsRule(Rule):
    fields: list[str] = Field(min_length=2)

    def field_refs(self) -> list[tuple[str, str]]:
        return [(f"fields[{i}]", f) for i, f in enumerate(self.fields)]


@register
class OneOfRequiredRule(_FieldsRule):
    type: Literal["one-of-required"]

    code: ClassVar[str] = "one-of-required"

    @property
    def field_label(self) -> str:
        return "|".join(self.fields)

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        filled = pd.Series(False, index=frame.index)
        for f in self.fields:
            filled |= present(column(frame, f))
        fmt = {"fields": ", ".join(self.fields)}
        return Hits((~filled).to_numpy(dtype=bool), _joined(frame, self.fields), fmt)


class When(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    field: str
    in_: list[str] = Field(alias="in", min_length=1)


@register
class RequiredIfRule(Rule):
    type: Literal["required-if"]
    field: str
    when: When

    code: ClassVar[str] = "required-if"

    @property
    def field_label(self) -> str:
        return self.field

    def field_refs(self) -> list[tuple[str, str]]:
        return [("field", self.field), ("when.field", self.when.field)]

    def check_types(self, obj_name: str, obj: ObjectDef, schema: TargetSchema) -> None:
        fdef = obj.fields.get(self.when.field)
        if fdef is None or fdef.type != "picklist":
            return
        allowed = list(fdef.values or ())
        for j, value in enumerate(self.when.in_):
            if value not in allowed:
                raise DescriptorError(
                    f"when.in[{j}]",
                    f"{value!r} is not a value of {obj_name}.{self.when.field}"
                    + did_you_mean(value, allowed),
                )

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        condition = column(frame, self.when.field).isin(set(self.when.in_))
        values = column(frame, self.field)
        fmt = {"when": self.when.field, "values": ", ".join(self.when.in_)}
        return Hits((condition & ~present(values)).to_numpy(dtype=bool), values, fmt)


@register
class UniqueTogetherRule(_FieldsRule):
    type: Literal["unique-together"]
    fields: list[str] = Field(min_length=1)

    code: ClassVar[str] = "duplicate-combination"

    @property
    def field_label(self) -> str:
        return "+".join(self.fields)

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        table = pd.DataFrame({f: column(frame, f) for f in self.fields}, index=frame.index)
        complete = pd.Series(True, index=frame.index)
        for f in self.fields:
            complete &= present(table[f])
        repeat = pd.Series(False, index=frame.index)
        repeat[complete] = table[complete].astype(str).duplicated(keep="first")
        fmt = {"fields": "+".join(self.fields)}
        return Hits(repeat.to_numpy(dtype=bool), _joined(frame, self.fields), fmt)


class Of(BaseModel):
    """What a row count is compared with: another object's records, read rows or distinct values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    object: str
    distinct: str | None = None
    records: Literal["clean", "read"] = "clean"


@register
class RowCountRule(Rule):
    type: Literal["row-count"]
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    within: int | str | None = None
    of: Of | None = None

    code: ClassVar[str] = "row-count"

    @field_validator("within", mode="before")
    @classmethod
    def _within(cls, value: object) -> int | str | None:
        return None if value is None else parse_max_failures(value)

    @model_validator(mode="after")
    def _shape(self) -> RowCountRule:
        if (self.within is None) != (self.of is None):
            raise ValueError("within: and of: go together (within: 1%, of: {object: ...})")
        if self.within is None and self.min is None and self.max is None:
            raise ValueError("give min:, max:, or within: with of:")
        return self

    def field_refs(self) -> list[tuple[str, str]]:
        if self.of is not None and self.of.distinct is not None:
            return [("of.distinct", self.of.distinct)]
        return []

    def check_types(self, obj_name: str, obj: ObjectDef, schema: TargetSchema) -> None:
        pass  # of.object is checked with the fields (rules.check_rule)

    def evaluate_object(self, ctx: RuleContext) -> ObjectOutcome:
        frame = ctx.frames.get(self.object)
        count = 0 if frame is None else len(frame)
        expected: list[str] = []
        ok = True
        if self.min is not None:
            ok &= count >= self.min
            expected.append(f"at least {self.min}")
        if self.max is not None:
            ok &= count <= self.max
            expected.append(f"at most {self.max}")
        if self.of is not None and self.within is not None:
            ref, what = self._reference(ctx, self.of)
            if isinstance(self.within, int):
                slack: float = self.within
            else:
                slack = float(self.within.rstrip("%")) * ref / 100
            ok &= abs(count - ref) <= slack + 1e-9
            expected.append(f"within {self.within} of {ref} ({what})")
        return ObjectOutcome(bool(ok), {"count": count, "expected": " and ".join(expected)})

    @staticmethod
    def _reference(ctx: RuleContext, of: Of) -> tuple[int, str]:
        other = ctx.frames.get(of.object)
        if of.distinct is not None:
            if other is None:
                return 0, f"distinct {of.object}.{of.distinct}"
            values = column(other, of.distinct)
            distinct = values[present(values)].astype(str).str.strip().str.lower().nunique()
            return int(distinct), f"distinct {of.object}.{of.distinct}"
        if of.records == "read":
            return int(ctx.read.get(of.object, 0)), f"{of.object} records read from the sources"
        return (0 if other is None else len(other)), f"{of.object} records"


def _uscc_ok(text: str) -> bool:
    return cn_uscc_value(text).status != "invalid"


_CHECKSUMS: dict[str, Callable[[str], bool]] = {
    "tw_ubn": tw_ubn_valid,
    "tw_national_id": tw_national_id_valid,
    "cn_uscc": _uscc_ok,
}


@register
class ChecksumRule(Rule):
    type: Literal["checksum"]
    field: str
    algorithm: Literal["tw_ubn", "tw_national_id", "cn_uscc"]

    code: ClassVar[str] = "bad-checksum"

    @property
    def field_label(self) -> str:
        return self.field

    def field_refs(self) -> list[tuple[str, str]]:
        return [("field", self.field)]

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        valid = _CHECKSUMS[self.algorithm]
        values = column(frame, self.field)
        mask = _invalid_unique(values, lambda t: valid(t.strip().upper()))
        return Hits(mask, values, {"algorithm": self.algorithm})


@register
class FreshnessRule(Rule):
    type: Literal["freshness"]
    field: str
    max_age_days: int = Field(gt=0)
    reference_date: dt.date | None = None

    code: ClassVar[str] = "stale-record"
    default_severity: ClassVar[Severity] = "warning"

    @property
    def field_label(self) -> str:
        return self.field

    def field_refs(self) -> list[tuple[str, str]]:
        return [("field", self.field)]

    def check_types(self, obj_name: str, obj: ObjectDef, schema: TargetSchema) -> None:
        if field_kind(obj.fields.get(self.field)) != "date":
            raise DescriptorError("field", f"{obj_name}.{self.field} is not a date field")

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        reference = self.reference_date or ctx.run_date
        cutoff = pd.Timestamp(reference - dt.timedelta(days=self.max_age_days))
        values = column(frame, self.field)
        dates = as_kind(values, "date")
        mask = (dates.notna() & (dates < cutoff)).to_numpy(dtype=bool)
        fmt = {"max_age_days": self.max_age_days, "reference": reference.isoformat()}
        return Hits(mask, values, fmt)
