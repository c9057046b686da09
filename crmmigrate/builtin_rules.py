"""The rule files shipped with crmmigrate: listed by ``crmmigrate rules list``, copied out by
``crmmigrate rules export DIR`` for a project to change.

They are edited in the repository's ``rules/`` directory (the paths the README and the samples
use); ``crmmigrate/data/rules/`` mirrors it as package data (symlinks in the repository, copies
in a wheel), so an installed crmmigrate can write them out too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from crmmigrate.errors import UsageError
from crmmigrate.yamlio import did_you_mean

RuleKind = Literal["validate", "dedupe", "fill", "target-schema"]


@dataclass(frozen=True)
class RuleFile:
    """One built-in rule file: its path under ``rules/`` and how a config uses it."""

    name: str
    kind: RuleKind
    use: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "use": self.use}


RULE_FILES: tuple[RuleFile, ...] = (
    RuleFile(
        "validate.yaml",
        "validate",
        "a starting set of validation rules for the default schema; applied only when listed "
        "under rules:",
    ),
    RuleFile("dedupe.yaml", "dedupe", "the built-in duplicate rules; point dedupe.rules at a copy"),
    RuleFile("fill.yaml", "fill", "the built-in gap-filling rules; point fill.rules at a copy"),
    RuleFile(
        "target/crm_default.yaml",
        "target-schema",
        "the default target CRM schema; point target.schema at a copy",
    ),
)


@dataclass(frozen=True)
class ExportResult:
    """What ``export_rule_files`` wrote."""

    directory: Path
    files: tuple[RuleFile, ...]
    overwritten: tuple[str, ...]

    def path(self, rule: RuleFile) -> Path:
        return self.directory / rule.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "files": [
                {
                    **rule.to_dict(),
                    "path": str(self.path(rule)),
                    "overwritten": rule.name in self.overwritten,
                }
                for rule in self.files
            ],
        }


def builtin_rules_dir() -> Traversable:
    """Where the package holds the rule files (``crmmigrate/data/rules``)."""
    return files("crmmigrate").joinpath("data", "rules")


def rule_file_data(rule: RuleFile) -> bytes:
    """The shipped bytes of one rule file."""
    return builtin_rules_dir().joinpath(*rule.name.split("/")).read_bytes()


def select_rule_files(names: Sequence[str] = ()) -> tuple[RuleFile, ...]:
    """The rule files named (``validate.yaml``, ``target/crm_default.yaml``, ...); all for none."""
    by_name = {rule.name: rule for rule in RULE_FILES}
    chosen: list[RuleFile] = []
    for name in names:
        if name not in by_name:
            raise UsageError(f"{name}: not a built-in rule file{did_you_mean(name, by_name)}")
        if by_name[name] not in chosen:
            chosen.append(by_name[name])
    return tuple(chosen) if names else RULE_FILES


def export_rule_files(
    directory: Path, names: Sequence[str] = (), *, force: bool = False
) -> ExportResult:
    """Copy the built-in rule files into ``directory``, keeping their paths under ``rules/``.

    Refuses to overwrite an existing file unless ``force``; then nothing is written.
    """
    chosen = select_rule_files(names)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory; give a directory to export into")
    targets = [directory / rule.name for rule in chosen]
    for target in targets:
        if target.is_dir():
            raise UsageError(f"{target}: is a directory; remove it or export somewhere else")
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        listed = ", ".join(map(str, existing))
        verb, pronoun = ("exists", "it") if len(existing) == 1 else ("exist", "them")
        raise UsageError(
            f"{listed}: already {verb}; pass --force to overwrite {pronoun} (nothing was written)"
        )
    for rule, target in zip(chosen, targets, strict=True):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(rule_file_data(rule))
        except OSError as exc:
            raise UsageError(f"{target}: cannot write ({exc.strerror})") from None
    overwritten = tuple(
        rule.name for rule, target in zip(chosen, targets, strict=True) if target in existing
    )
    return ExportResult(directory, chosen, overwritten)
