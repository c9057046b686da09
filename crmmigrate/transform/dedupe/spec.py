"""What a dedupe run compares: blocking rules, comparisons, thresholds and survivorship.

One :class:`ObjectSpec` per object (``contacts``, ``accounts``, ``leads``) lives in
``rules/dedupe.yaml`` (``version: 1``), next to the cross-object :class:`LinkSpec` list. The
engine itself is generic: a spec names columns of whatever frame it is given, so the same code
dedupes a CRM object or the FEBRL benchmark files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmmigrate.errors import ConfigError
from crmmigrate.yamlio import load_yaml, pydantic_error_line

Kind = Literal[
    "exact", "identifier", "text", "name", "email", "phone", "date", "number", "company",
    "street", "postal",
]  # fmt: skip
SurvivorRule = Literal[
    "most_complete", "most_recent", "source_priority", "most_frequent", "longest"
]
KEY_TRANSFORMS = ("initial", "prefix3", "year", "digits", "last4", "root", "phonetic", "swap",
                  "street", "last7", "token1")  # fmt: skip
# what a comparison's agreement says about two records being one customer: a name is weak
# evidence (namesakes), a contact detail strong, an identifier decisive; a place (an address)
# is shared by a household or a building, an area (postal code, city) by many more
Role = Literal["name", "contact", "identifier", "date", "place", "area", "other"]
ROLE_OF_KIND: dict[str, Role] = {
    "name": "name", "company": "name", "email": "contact", "phone": "contact",
    "identifier": "identifier", "date": "date", "text": "place", "exact": "other",
    "number": "other", "street": "place", "postal": "area",
}  # fmt: skip
DEDUPE_VERSION = 1
_KEY_PART = re.compile(r"^(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<transform>[a-z0-9]+))?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Comparison(_Strict):
    """How one field (or set of columns) of two records is compared, in ordered levels."""

    field: str = Field(description="column, or a name from `sets`")
    kind: Kind = "exact"
    tf: bool = Field(
        default=False, description="term-frequency adjustment: a common value agreeing counts less"
    )
    only_agreement: bool = Field(
        default=False,
        description="a key that repeats the other comparisons of its role (romanised names "
        "repeat the first and last names): it adds only what they did not already give, and "
        "a disagreement is no evidence",
    )
    role: Role | None = Field(
        default=None,
        description="what an agreement is evidence of: name, contact, identifier, date, place "
        "(an address), area (postal code, city) or other (default: from the kind)",
    )

    @property
    def evidence(self) -> Role:
        return self.role or ROLE_OF_KIND[self.kind]


class Survivorship(_Strict):
    """Which record's value a merged cluster keeps, per field."""

    default: SurvivorRule = "most_complete"
    fields: dict[str, SurvivorRule] = Field(default_factory=dict)
    recency_field: str | None = Field(
        default=None, description="date field that orders records for `most_recent`"
    )
    source_priority: list[str] = Field(
        default_factory=list, description="source names, most trusted first"
    )
    conflicts: Literal["report", "choose"] = Field(
        default="report",
        description="when the survivor lacks a value and the other records disagree: report "
        "the candidates and leave it empty (report), or take one by the rule (choose)",
    )


class ObjectSpec(_Strict):
    """Dedupe rules for one object."""

    sets: dict[str, list[str]] = Field(
        default_factory=dict,
        description="names for groups of columns compared as one set (any value in common)",
    )
    blocking: list[list[str]] | Literal["auto"] = Field(
        default="auto",
        description="`auto` (rules chosen from the data within pair_budget), or a list of "
        "rules, each listing key parts (`field` or `field:transform`); records sharing every "
        "part of any rule become candidate pairs",
    )
    pair_budget: float = Field(
        default=30, gt=0, description="auto blocking: at most this many candidate pairs per record"
    )
    refine: list[str] = Field(
        default_factory=list,
        description="auto blocking: fields too common to block on alone (city, state) that may "
        "narrow a rule",
    )
    window: int = Field(
        default=10,
        ge=1,
        description="a block above max_block_size is compared by sorted neighbourhood: each "
        "record with this many records after it",
    )
    exact_copies: bool = Field(
        default=True,
        description="records whose compared values are all equal are merged before blocking "
        "(when they hold more than a name)",
    )
    require_other_evidence: bool = Field(
        default=True,
        description="a match needs more than a name: some other comparison must agree and "
        "the others must not outweigh it",
    )
    protect_relatives: bool = Field(
        default=True,
        description="two different given names, or birth dates clearly apart, are two people "
        "(a twin, a parent) unless something personal agrees: such pairs go to review",
    )
    personal: list[str] = Field(
        default_factory=list,
        description="fields only one person has (their own mobile): a value that differs is "
        "evidence of two people, one that agrees is personal evidence (see require_other_evidence)",
    )
    review_per_record: int = Field(
        default=3, ge=0, description="at most this many review pairs per record (the strongest)"
    )
    comparisons: list[Comparison] = Field(min_length=1)
    training: list[list[str]] | None = Field(
        default=None,
        description="rules (as in blocking) whose pairs train m, one EM session each; the "
        "fields a rule blocks on are left out of its session. Default: the blocking rules",
    )
    same_evidence: list[list[str]] = Field(
        default_factory=list,
        description="groups of comparisons that say the same thing (an address and the home "
        "phone): only the strongest agreement in a group counts",
    )
    name_swap: tuple[str, str] | None = Field(
        default=None, description="(first, last) fields to compare crosswise when swapped"
    )
    match_threshold: float = Field(default=0.95, gt=0, lt=1)
    review_threshold: float = Field(default=0.5, gt=0, lt=1)
    max_block_size: int = Field(default=500, ge=2)
    survivorship: Survivorship = Field(default_factory=Survivorship)

    @field_validator("blocking", "training")
    @classmethod
    def _key_parts(
        cls, rules: list[list[str]] | Literal["auto"] | None
    ) -> list[list[str]] | Literal["auto"] | None:
        if rules == "auto":
            return rules
        if rules is not None and not rules:
            raise ValueError("give at least one rule, or `auto`")
        for rule in rules or []:
            if not rule:
                raise ValueError("a blocking rule needs at least one key part")
            for part in rule:
                m = _KEY_PART.match(part)
                if not m:
                    raise ValueError(f"bad key part {part!r}: use `field` or `field:transform`")
                if m["transform"] and m["transform"] not in KEY_TRANSFORMS:
                    raise ValueError(
                        f"unknown key transform {m['transform']!r} in {part!r}; "
                        f"use one of {', '.join(KEY_TRANSFORMS)}"
                    )
        return rules

    @model_validator(mode="after")
    def _thresholds(self) -> ObjectSpec:
        if self.review_threshold > self.match_threshold:
            raise ValueError("review_threshold must not exceed match_threshold")
        compared = {c.field for c in self.comparisons}
        for group in self.same_evidence:
            unknown = [f for f in group if f not in compared]
            if unknown:
                raise ValueError(f"same_evidence names {unknown[0]!r}, which is not compared")
        return self

    def evidence_groups(self) -> list[list[int]]:
        """``same_evidence`` as comparison indices."""
        index = {c.field: k for k, c in enumerate(self.comparisons)}
        return [[index[f] for f in group] for group in self.same_evidence]

    @property
    def rules(self) -> list[list[str]]:
        """The blocking rules given (none when they are chosen from the data)."""
        return [] if self.blocking == "auto" else self.blocking

    def columns(self) -> list[str]:
        """Every frame column the spec reads."""
        names: list[str] = []
        rules = self.rules + (self.training or [])
        for name in (
            [c.field for c in self.comparisons]
            + self.refine
            + self.personal
            + [part.split(":")[0] for rule in rules for part in rule]
        ):
            names.extend(self.sets.get(name, [name]))
        if self.name_swap:
            names.extend(self.name_swap)
        return list(dict.fromkeys(names))


class LinkSpec(_Strict):
    """Records of one object that are already records of another (a lead that is a contact)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: str = Field(alias="from", description="object whose records are matched")
    to: str = Field(description="object they are matched against")
    keys: list[list[str]] = Field(
        min_length=1,
        description="each entry lists fields that must all be equal: `field` (same name on "
        "both sides) or `from_field=to_field`",
    )
    action: Literal["merge", "reference", "report"] = Field(
        default="merge",
        description="merge: the matched record is merged into the other; reference: an empty "
        "reference `field` is set to the matched record; report: only listed in links.csv",
    )
    field: str | None = Field(default=None, description="the reference field, for `reference`")

    @model_validator(mode="after")
    def _field(self) -> LinkSpec:
        if (self.action == "reference") != (self.field is not None):
            raise ValueError("field: is required with action: reference, and only then")
        return self

    def sides(self, entry: list[str]) -> tuple[list[str], list[str]]:
        """The from-side and to-side field names of one ``keys`` entry."""
        pairs = [part.partition("=") for part in entry]
        return [a for a, _, _ in pairs], [b or a for a, _, b in pairs]


class DedupeRules(_Strict):
    """The whole ``rules/dedupe.yaml``."""

    version: int
    objects: dict[str, ObjectSpec] = Field(default_factory=dict)
    links: list[LinkSpec] = Field(default_factory=list)

    @field_validator("version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != DEDUPE_VERSION:
            raise ValueError(f"unsupported version {value}; this crmmigrate reads version 1")
        return value


def parse_object_spec(data: dict[str, Any]) -> ObjectSpec:
    """An :class:`ObjectSpec` from a plain dict (what one object of rules/dedupe.yaml holds)."""
    return ObjectSpec.model_validate(data)


def load_dedupe_rules(path: Path) -> DedupeRules:
    """Read and check a dedupe rules file; mistakes become one-line ConfigErrors."""
    data = load_yaml(path)
    try:
        return DedupeRules.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(pydantic_error_line(path, exc, DedupeRules)) from None
