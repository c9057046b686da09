"""Rules files (``kind: validate``): registered rule classes, checked against the schema first.

A rules file::

    version: 1
    kind: validate
    rules:
      - {type: regex, object: contacts, field: email, pattern: '[^@ ]+@[^@ ]+', severity: warning}
      - {type: cross-field, object: opportunities, left: close_date, op: ">=",
         right: created_date, max_failures: 0.5%, name: closes-after-creation}

Every rule has ``type`` (a kebab-case name registered in :data:`RULE_TYPES`), ``object``,
``severity`` (``error``/``warning``/``info``; default per type), ``max_failures`` (how many
failing records are tolerated before the rule fails the run: a count such as ``10`` or a share
of the object's records such as ``0.5%``; default 0) and an optional ``name`` that identifies
the rule in reports. The other keys are the type's own (see ``rule_types.py``).

A rules file is parsed and every rule's descriptor (object, fields, field types) is checked
against the target schema before any data is read; each mistake is one :class:`ConfigError`
line naming the file, the key path and the fix. Files of another ``kind`` are skipped. Rules
are never evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crmmigrate.errors import ConfigError
from crmmigrate.target_schema import EXTERNAL_ID, FieldDef, ObjectDef, TargetSchema
from crmmigrate.validate.catalogue import Severity
from crmmigrate.yamlio import did_you_mean, format_loc, load_yaml, pydantic_error_line

RULES_VERSION = 1
RULES_KIND = "validate"
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


class DescriptorError(ValueError):
    """A rule that does not fit the schema: ``key`` is the path inside the rule."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def parse_max_failures(value: object) -> int | str:
    """``10`` → 10, ``"0.5%"`` → ``"0.5%"``; anything else is a ValueError."""
    if isinstance(value, bool):
        raise ValueError("must be a count such as 10 or a share such as 0.5%")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str):
        if value.strip().isdigit():
            return int(value)
        m = _PERCENT.match(value)
        if m and float(m.group(1)) <= 100:
            return f"{m.group(1)}%"
    raise ValueError("must be a count such as 10 or a share such as 0.5%")


def allowed_failures(max_failures: int | str, records: int) -> int:
    """How many failing records a threshold tolerates for an object of ``records`` records."""
    if isinstance(max_failures, int):
        return max_failures
    return math.floor(float(max_failures.rstrip("%")) * records / 100 + 1e-9)


@dataclass(frozen=True)
class RuleContext:
    """What rules see besides the frames: the schema, counts read per object, the run date."""

    frames: Mapping[str, pd.DataFrame]
    schema: TargetSchema
    read: Mapping[str, int] = field(default_factory=dict)
    run_date: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class Hits:
    """Records a rule fails: the mask, message parameters, and the offending values."""

    mask: np.ndarray
    values: pd.Series
    fmt: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ObjectOutcome:
    """The verdict of an object-level rule (row-count): one finding when it does not hold."""

    ok: bool
    fmt: Mapping[str, Any]


class Rule(BaseModel):
    """Base of every rule type: the keys all rules share."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: str
    object: str
    severity: Severity | None = None
    max_failures: int | str = 0
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")

    code: ClassVar[str]
    default_severity: ClassVar[Severity] = "error"

    @field_validator("max_failures", mode="before")
    @classmethod
    def _threshold(cls, value: Any) -> int | str:
        return parse_max_failures(value)

    @property
    def rule_id(self) -> str:
        return self.name or self.code

    @property
    def level(self) -> Severity:
        return self.severity or self.default_severity

    @property
    def field_label(self) -> str:
        """The field(s) as shown in findings and reports."""
        return ""

    def field_refs(self) -> list[tuple[str, str]]:
        """(key path, field name) of every field the rule reads, checked before running."""
        return []

    def check_types(self, obj_name: str, obj: ObjectDef, schema: TargetSchema) -> None:
        """Type-specific descriptor checks; raise DescriptorError."""

    def evaluate(self, frame: pd.DataFrame, ctx: RuleContext) -> Hits:
        raise NotImplementedError

    def evaluate_object(self, ctx: RuleContext) -> ObjectOutcome | None:
        """Object-level rules return an outcome; record-level rules return None."""
        return None


RULE_TYPES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Register a rule class under its ``type`` literal."""
    name = cls.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
    RULE_TYPES[name] = cls
    return cls


def field_kind(fdef: FieldDef | None) -> str:
    """How values of a field compare: as dates, numbers or text."""
    if fdef is None:
        return "text"
    if fdef.type in ("date", "datetime"):
        return "date"
    if fdef.type in ("integer", "number", "money"):
        return "number"
    return "text"


def field_def(schema: TargetSchema, obj: str, name: str) -> FieldDef | None:
    return schema.objects[obj].fields.get(name)


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A field's values (None where the frame lacks the column)."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def present(values: pd.Series) -> pd.Series:
    return values.notna() & (values.astype(str).str.strip() != "")


def as_kind(values: pd.Series, kind: str) -> pd.Series:
    """Values as dates or numbers (NaT/NaN where unreadable), or text."""
    if kind == "date":
        return pd.to_datetime(values, errors="coerce", format="ISO8601")
    if kind == "number":
        return pd.to_numeric(values, errors="coerce")
    return values.where(present(values), None)


@dataclass(frozen=True)
class RuleSet:
    """The rules of one file, and the file's label for messages and reports."""

    origin: str
    rules: list[Rule]


def _rule_line(label: str, index: int, exc: ValidationError, cls: type[Rule]) -> str:
    line = pydantic_error_line(label, exc, root=cls)
    where = format_loc(tuple(exc.errors(include_url=False)[0]["loc"]))
    rest = line.removeprefix(f"{label}: ")
    if where:
        return f"{label}: rules[{index}].{rest}"
    return f"{label}: rules[{index}]: {rest}"


def parse_rule(label: str, index: int, item: object) -> Rule:
    """One rule entry as its registered class; a ConfigError line on any mistake."""
    from crmmigrate.validate import rule_types  # noqa: F401 - registers the built-in types

    where = f"{label}: rules[{index}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a mapping (type: ..., object: ..., ...)")
    kind = item.get("type")
    if kind is None:
        raise ConfigError(f"{where}.type: required key is missing; add it")
    if kind not in RULE_TYPES:
        raise ConfigError(
            f"{where}.type: unknown rule type {kind!r}" + did_you_mean(str(kind), RULE_TYPES)
        )
    cls = RULE_TYPES[kind]
    try:
        return cls.model_validate(item)
    except ValidationError as exc:
        raise ConfigError(_rule_line(label, index, exc, cls)) from None


def check_rule(label: str, index: int, rule: Rule, schema: TargetSchema) -> None:
    """The descriptor check: the object and every field exist and have usable types."""
    where = f"{label}: rules[{index}]"
    if rule.object not in schema.objects:
        raise ConfigError(
            f"{where}.object: unknown object {rule.object!r}"
            + did_you_mean(rule.object, schema.objects)
        )
    obj = schema.objects[rule.object]
    names = [*obj.fields, EXTERNAL_ID]
    for key, name in rule.field_refs():
        target = rule.object
        if key.startswith("of."):
            target = getattr(rule, "of").object  # noqa: B009 - row-count names another object
            names_here = [*schema.objects[target].fields, EXTERNAL_ID]
        else:
            names_here = names
        if name not in names_here:
            raise ConfigError(
                f"{where}.{key}: {target} has no field {name!r}" + did_you_mean(name, names_here)
            )
    try:
        rule.check_types(rule.object, obj, schema)
    except DescriptorError as exc:
        raise ConfigError(f"{where}.{exc.key}: {exc.message}") from None


def load_rules_file(
    path: Path, schema: TargetSchema, *, label: str | None = None, required: bool = False
) -> RuleSet | None:
    """Parse and check one rules file; None when its ``kind`` is not ``validate``.

    ``required`` (a file given with --rules) makes another kind an error instead.
    """
    name = label or str(path)
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{name}: the top level must be a mapping (version:, kind:, rules:)")
    kind = raw.get("kind")
    if kind != RULES_KIND:
        if required:
            raise ConfigError(f"{name}: kind: must be {RULES_KIND!r} for a validation rules file")
        return None
    if raw.get("version") != RULES_VERSION:
        raise ConfigError(f"{name}: version: must be {RULES_VERSION}; add version: 1 at the top")
    unknown = sorted(set(raw) - {"version", "kind", "rules", "description"})
    if unknown:
        hint = did_you_mean(unknown[0], ["version", "kind", "rules", "description"])
        raise ConfigError(f"{name}: {unknown[0]}: unknown key{hint}")
    items = raw.get("rules")
    if not isinstance(items, list):
        raise ConfigError(f"{name}: rules: must be a list of rules")
    rules = [parse_rule(name, i, item) for i, item in enumerate(items)]
    for i, rule in enumerate(rules):
        check_rule(name, i, rule, schema)
    return RuleSet(name, rules)
