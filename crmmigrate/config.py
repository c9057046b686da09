"""The project config (``crmmigrate.yaml``, version 1): typed models and precise loading.

Loading happens in two steps, both before any work is done:

1. :func:`load_config` parses and type-checks the file and checks it against the target schema
   (objects and fields exist, required fields are mapped, references name real sources).
2. :func:`check_sources` resolves every source path and checks every mapped column against the
   file's real headers.

Each mistake raises :class:`~crmmigrate.errors.ConfigError` (or ``SourceError``) whose message
is one line naming the file, the key path (or source column) and the fix.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmmigrate.errors import ConfigError, SourceError
from crmmigrate.extract.headers import first_row_problem, looks_like_data_message, shown
from crmmigrate.target_schema import (
    EXTERNAL_ID,
    TargetSchema,
    default_schema_path,
    load_target_schema,
)
from crmmigrate.transform.standardise.options import TYPE_OPTIONS, check_options
from crmmigrate.yamlio import did_you_mean, load_yaml, pydantic_error_line

CONFIG_VERSION = 1
DateOrder = Literal["YMD", "DMY", "MDY"]
SOURCE_NAME_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Defaults(_Strict):
    """Project-wide defaults; each source may override them."""

    country: str = Field(
        default="TW", description="ISO 3166 alpha-2 region for phones and addresses"
    )
    date_order: DateOrder = Field(default="YMD", description="How to read an ambiguous 03/04/05")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return _check_country(value)


def _check_country(value: str) -> str:
    if len(value) != 2 or not value.isalpha():
        raise ValueError("must be an ISO 3166 alpha-2 code such as TW, HK, CN, US, GB")
    return value.upper()


class Target(_Strict):
    """Where the clean data goes."""

    schema_path: str | None = Field(
        default=None,
        alias="schema",
        description="Target schema YAML; default: the crm_default schema shipped with crmmigrate",
    )
    url: str = Field(
        default="sqlite:///crm.db", description="SQLAlchemy URL of the target database"
    )
    batch_size: int = Field(
        default=10_000, gt=0, le=100_000, description="Rows per load transaction"
    )


class FieldMap(_Strict):
    """Where one target field's value comes from: exactly one of column, value or concat."""

    column: str | None = Field(default=None, description="Source column")
    value: str | None = Field(default=None, description="A constant for every record")
    concat: list[str] | None = Field(default=None, min_length=1, description="Columns to join")
    sep: str = Field(default=" ", description="Separator for concat")
    source: str | None = Field(
        default=None, description="For a reference: the source whose keys the values are"
    )
    by: Literal["external_id", "name"] | None = Field(
        default=None, description="For a reference: match the referenced key or name"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"column": data}
        if isinstance(data, list):
            return {"concat": data}
        if isinstance(data, int | float | bool):
            raise ValueError("write a column name in quotes, or {value: ...} for a constant")
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> FieldMap:
        given = [k for k in ("column", "value", "concat") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of column:, value: or concat: (a plain string is a column)"
            )
        return self

    @property
    def columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        return list(self.concat or [])


class Source(_Strict):
    """One source file (or glob of files) mapped onto one target object."""

    name: str = Field(pattern=SOURCE_NAME_PATTERN, description="Short unique name, used in lineage")
    path: str = Field(description="File path or glob, relative to the config file")
    object: str = Field(description="Target object the records become")
    key: str | None = Field(
        default=None, description="Column holding the source's record key (becomes the external id)"
    )
    encoding: str = Field(default="auto", description="'auto' or a Python codec name")
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | None = Field(default=None, description="Excel sheet name, or '*' for all sheets")
    country: str | None = None
    date_order: DateOrder | None = None
    fields: dict[str, FieldMap] = Field(min_length=1)
    standardise: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-field standardiser options for this source, e.g. {phone: {region: HK}}",
    )

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else _check_country(value)

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str) -> str:
        if value != "auto":
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(
                    f"unknown encoding {value!r}; use auto or a Python codec name such as "
                    "utf-8, cp950, big5hkscs, gb18030"
                ) from None
        return value


class Dedupe(_Strict):
    """Duplicate finding: which rules, and the reviewer's decisions the run must obey."""

    enabled: bool = Field(default=True, description="Find and merge duplicates across keys")
    rules: str | None = Field(
        default=None,
        description="Dedupe rules file, relative to the config (default: the built-in "
        "rules/dedupe.yaml)",
    )
    decisions: str | None = Field(
        default=None,
        description="CSV of reviewed pairs (object,left,right,decision = match|distinct), "
        "relative to the config; a missing file means no decisions yet",
    )


class Fill(_Strict):
    """Gap filling: derivations, lookup tables and defaults for empty cells."""

    enabled: bool = Field(default=True, description="Fill empty cells by the fill rules")
    rules: str | None = Field(
        default=None,
        description="Fill rules file, relative to the config (default: the built-in "
        "rules/fill.yaml)",
    )


class RfmEdges(_Strict):
    """Fixed RFM bucket edges instead of quintiles: four ascending numbers per measure."""

    recency_days: list[float] | None = Field(
        default=None,
        description="Days since the last order: <= 1st edge scores 5, ... above the 4th scores 1",
    )
    frequency: list[float] | None = Field(
        default=None, description="Orders: <= 1st edge scores 1, ... above the 4th scores 5"
    )
    monetary: list[float] | None = Field(
        default=None, description="Order total: <= 1st edge scores 1, ... above the 4th scores 5"
    )

    @field_validator("recency_days", "frequency", "monetary")
    @classmethod
    def _edges(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and (
            len(value) != 4 or any(b <= a for a, b in itertools.pairwise(value))
        ):
            raise ValueError("give 4 ascending edges (5 buckets), e.g. [30, 90, 180, 365]")
        return value


class Customers(_Strict):
    """Customers from orders: history, RFM segments and activity on the customer records."""

    enabled: bool = Field(
        default=True,
        description="Compute order history and segments when the orders object has records",
    )
    orders: str = Field(default="orders", description="The object holding one record per order")
    reference_date: dt.date | None = Field(
        default=None,
        description="The date recency is measured from (default: the day after the latest "
        "order, so a re-run gives the same answer)",
    )
    rfm: RfmEdges = Field(default_factory=RfmEdges)
    inactive_before: dt.date | None = Field(
        default=None,
        description="Customers whose latest activity is before this date are tagged Inactive",
    )
    activity_fields: list[str] = Field(
        default_factory=lambda: ["last_order_date", "created_date"],
        description="Date fields of the customer whose latest value is its last activity",
    )
    archive: bool = Field(
        default=False,
        description="Write inactive customers (and their orders) to clean/archive/ instead of "
        "the CRM load; counted as archived",
    )
    unmatched_orders: Literal["report", "create"] = Field(
        default="report",
        description="Guest orders that match no customer: list them (report), or create one "
        "customer per e-mail (else phone) from the orders' customer_* fields (create)",
    )

    @model_validator(mode="after")
    def _archive_needs_a_cutoff(self) -> Customers:
        if self.archive and self.inactive_before is None:
            raise ValueError(
                "archive: true needs inactive_before: (the date before which a customer with "
                "no activity is inactive)"
            )
        return self


class References(_Strict):
    """What happens to a reference that finds no record (or several)."""

    unresolved: Literal["error", "load-empty"] = Field(
        default="error",
        description="error: the record waits for a decision (not loaded; validation error); "
        "load-empty: load it with the link empty (a warning). The raw value stays in the "
        "clean data's _ref_<field> column either way",
    )


class Config(_Strict):
    """A whole ``crmmigrate.yaml``."""

    version: Annotated[int, Field(description="Config format version; this crmmigrate reads 1")]
    defaults: Defaults = Field(default_factory=Defaults)
    target: Target = Field(default_factory=Target)
    runs_dir: str = Field(
        default="runs", description="Where runs are written, relative to the config"
    )
    standardise: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Project-wide standardiser options per field type: {phone: {output: E164}}",
    )
    sources: list[Source] = Field(min_length=1)
    rules: list[str] = Field(default_factory=list, description="Rule files, relative to the config")
    dedupe: Dedupe = Field(default_factory=Dedupe)
    fill: Fill = Field(default_factory=Fill)
    customers: Customers = Field(default_factory=Customers)
    references: References = Field(default_factory=References)

    @field_validator("version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != CONFIG_VERSION:
            raise ValueError(f"must be {CONFIG_VERSION} (this crmmigrate reads config version 1)")
        return value


@dataclass(frozen=True)
class Project:
    """A loaded, checked config with everything resolved against its directory."""

    config: Config
    path: Path
    schema: TargetSchema
    config_hash: str

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def runs_dir(self) -> Path:
        return self.base_dir / self.config.runs_dir

    def resolve(self, relative: str) -> Path:
        return self.base_dir / relative

    def source(self, name: str) -> Source:
        for src in self.config.sources:
            if src.name == name:
                return src
        raise KeyError(name)

    def country(self, src: Source) -> str:
        return src.country or self.config.defaults.country

    def date_order(self, src: Source) -> str:
        return src.date_order or self.config.defaults.date_order


# The JSON Schema of this format (`crmmigrate schema`) is built in crmmigrate/config_jsonschema.py:
# a validator that changes what a file may say changes it there too; the tests in
# tests/cli/test_schema_cli.py give both the same files.


def load_config(path: Path) -> Project:
    """Parse, type-check and schema-check a config file (sources are not opened yet)."""
    raw = load_yaml(path)
    if raw is None:
        raise ConfigError(f"{path}: the file is empty; start from `crmmigrate init`")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping (version:, sources:, ...)")
    if "version" not in raw:
        raise ConfigError(f"{path}: version: required key is missing; add version: 1 at the top")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(pydantic_error_line(path, exc, root=Config)) from None
    _check_runs_dir(path, config.runs_dir)
    schema_file = (
        path.parent / config.target.schema_path
        if config.target.schema_path
        else default_schema_path()
    )
    if not schema_file.is_file():
        raise ConfigError(
            f"{path}: target.schema: {config.target.schema_path}: file not found; "
            "fix the path or remove the key to use the default schema"
        )
    schema = load_target_schema(schema_file)
    _check_against_schema(path, config, schema)
    _check_options(path, config, schema)
    _check_customers(path, config.customers, schema)
    for i, rule_file in enumerate(config.rules):
        if not (path.parent / rule_file).is_file():
            raise ConfigError(f"{path}: rules[{i}]: {rule_file}: file not found; fix the path")
    if config.fill.rules and not (path.parent / config.fill.rules).is_file():
        raise ConfigError(
            f"{path}: fill.rules: {config.fill.rules}: file not found; fix the path or "
            "remove the key to use the built-in rules"
        )
    if config.dedupe.rules and not (path.parent / config.dedupe.rules).is_file():
        raise ConfigError(
            f"{path}: dedupe.rules: {config.dedupe.rules}: file not found; fix the path or "
            "remove the key to use the built-in rules"
        )
    digest = hashlib.sha256(
        json.dumps(config.model_dump(mode="json", by_alias=True), sort_keys=True).encode()
        + schema_file.read_bytes()
    ).hexdigest()
    return Project(config=config, path=path, schema=schema, config_hash=digest)


def _check_runs_dir(path: Path, runs_dir: str) -> None:
    """runs_dir must be a directory, or a path that can become one (mkdir -p)."""
    target = path.parent / runs_dir
    probe = target
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        what = "is a file" if probe == target else f"is under {probe}, which is a file"
        raise ConfigError(
            f"{path}: runs_dir: {shown(runs_dir, 200)} {what}, not a directory; set runs_dir: "
            "to a directory (it is created if missing)"
        )


def customer_reference(schema: TargetSchema, orders: str) -> tuple[str, str] | None:
    """(reference field, customer object) of the orders object, or None without one."""
    obj = schema.objects.get(orders)
    if obj is None:
        return None
    for fname, fdef in obj.fields.items():
        if fdef.type == "reference" and fdef.object:
            return fname, fdef.object
    return None


def _check_customers(path: Path, settings: Customers, schema: TargetSchema) -> None:
    where = f"{path}: customers"
    if settings.orders not in schema.objects:
        if settings.orders == "orders":
            return  # the default, on a schema without orders: nothing to consolidate
        hint = did_you_mean(settings.orders, schema.objects)
        raise ConfigError(
            f"{where}.orders: the target schema has no object {settings.orders!r}{hint}"
        )
    found = customer_reference(schema, settings.orders)
    if found is None:
        raise ConfigError(
            f"{where}.orders: {settings.orders} has no reference field to a customer object; "
            "add one to the target schema (type: reference, object: contacts)"
        )
    orders = schema.objects[settings.orders]
    for needed in ("order_date", "amount"):
        if needed not in orders.fields:
            raise ConfigError(
                f"{where}.orders: {settings.orders} has no field {needed!r}, which order "
                "history needs; add it to the target schema"
            )
    customer = schema.objects[found[1]]
    for i, fname in enumerate(settings.activity_fields):
        if fname not in customer.fields:
            hint = did_you_mean(fname, customer.fields)
            raise ConfigError(
                f"{where}.activity_fields[{i}]: {found[1]} has no field {fname!r}{hint}"
            )


def _check_options(path: Path, config: Config, schema: TargetSchema) -> None:
    for kind, options in config.standardise.items():
        if kind not in TYPE_OPTIONS:
            raise ConfigError(
                f"{path}: standardise.{kind}: not a field type with options"
                + did_you_mean(kind, TYPE_OPTIONS)
            )
        problem = check_options(kind, options)
        if problem:
            raise ConfigError(f"{path}: standardise.{kind}.{problem}")
    for i, src in enumerate(config.sources):
        obj = schema.objects[src.object]
        for fname, options in src.standardise.items():
            where = f"{path}: sources[{i}].standardise.{fname}"
            fdef = obj.fields.get(fname)
            comp = obj.composites.get(fname)
            if fdef is None and comp is None:
                hint = did_you_mean(fname, obj.inputs)
                raise ConfigError(f"{where}: {src.object} has no field {fname!r}{hint}")
            problem = check_options(fdef.type if fdef else comp.type, options)  # type: ignore[union-attr]
            if problem:
                raise ConfigError(f"{where}.{problem}")


def _check_against_schema(path: Path, config: Config, schema: TargetSchema) -> None:
    names: dict[str, int] = {}
    for i, src in enumerate(config.sources):
        where = f"{path}: sources[{i}]"
        if src.name in names:
            raise ConfigError(
                f"{where}.name: {src.name!r} is already the name of sources[{names[src.name]}]; "
                "give each source a unique name"
            )
        names[src.name] = i
        if src.object not in schema.objects:
            raise ConfigError(
                f"{where}.object: unknown object {src.object!r}"
                + did_you_mean(src.object, schema.objects)
            )
        obj = schema.objects[src.object]
        for fname, fmap in src.fields.items():
            if fname == EXTERNAL_ID:
                raise ConfigError(
                    f"{where}.fields.{fname}: the external id comes from key:; "
                    "set key: <column> instead"
                )
            if fname not in obj.inputs:
                raise ConfigError(
                    f"{where}.fields.{fname}: {src.object} has no field {fname!r}"
                    + did_you_mean(fname, obj.inputs)
                )
            fdef = obj.fields.get(fname)
            is_ref = fdef is not None and fdef.type == "reference"
            if (fmap.source or fmap.by) and not is_ref:
                raise ConfigError(
                    f"{where}.fields.{fname}: source:/by: are only for reference fields"
                )
        for fname, fdef in obj.fields.items():
            if fdef.required and fname not in src.fields:
                via = [c for c, comp in obj.composites.items() if fname in comp.parts.values()]
                if not any(c in src.fields for c in via):
                    alt = f" (or {via[0]})" if via else ""
                    raise ConfigError(
                        f"{where}.fields: {src.object}.{fname} is required by the target schema; "
                        f"map it{alt}"
                    )
    for i, src in enumerate(config.sources):
        for fname, fmap in src.fields.items():
            if fmap.source is None:
                continue
            fdef = schema.objects[src.object].fields[fname]
            if fmap.source not in names:
                raise ConfigError(
                    f"{path}: sources[{i}].fields.{fname}.source: unknown source {fmap.source!r}"
                    + did_you_mean(fmap.source, names)
                )
            ref_src = config.sources[names[fmap.source]]
            if ref_src.object != fdef.object:
                raise ConfigError(
                    f"{path}: sources[{i}].fields.{fname}.source: {fmap.source!r} loads "
                    f"{ref_src.object}, but {fname} references {fdef.object}"
                )


def check_headers(
    path: Path, index: int, src: Source, file_label: str, headers: list[str], sheet: str | None
) -> None:
    """Check that every column the source maps exists in one file's headers."""
    in_file = file_label + (f" (sheet {sheet!r})" if sheet else "")
    wanted: list[tuple[str, str]] = []
    if src.key is not None:
        wanted.append(("key", src.key))
    for fname, fmap in src.fields.items():
        for j, col in enumerate(fmap.columns):
            key = f"fields.{fname}" + (f".concat[{j}]" if fmap.concat else "")
            wanted.append((key, col))
    present = set(headers)
    for key, col in wanted:
        if col not in present:
            # the file's headers are listed only if none looks like a value (a headerless file)
            problem = first_row_problem(headers)
            hint = (
                f"; {looks_like_data_message(problem)}"
                if problem is not None
                else did_you_mean(col, headers)
            )
            raise SourceError(
                f"{path}: sources[{index}].{key}: no column {shown(col, 100)} in {in_file}{hint}"
            )
