"""The reconciliation: where every record read went, per object, from one model.

Per object: ``read`` = ``rejected`` (at clean, validation or load) + ``merged`` + ``archived``
+ ``loaded``, once a load has run; before it, ``read`` = ``rejected`` + ``merged`` +
``archived`` + ``clean``. ``archived`` counts inactive customers (and the records that follow
them) that ``customers.archive`` wrote to ``clean/archive/`` instead of the load; ``created``
counts customers made from guest orders (``customers.unmatched_orders: create``), records no
source row holds, so the left side is ``read`` + ``created``. The invariant is checked here and
a mismatch fails the run (exit 1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from crmmigrate import __version__
from crmmigrate.runs import Run

RECONCILIATION = "reconciliation.json"


@dataclass(frozen=True)
class ObjectFlow:
    """One object's records through the stages."""

    object: str
    read: int = 0
    created: int = 0
    rejected_clean: int = 0
    merged: int = 0
    archived: int = 0
    clean: int = 0
    rejected_validation: int = 0
    rejected_load: int = 0
    loaded: int | None = None
    inserted: int | None = None
    updated: int | None = None
    unchanged: int | None = None
    rejected_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return self.rejected_clean + self.rejected_validation + self.rejected_load

    @property
    def accounted(self) -> int:
        if self.loaded is None:
            return self.rejected_clean + self.merged + self.archived + self.clean
        return self.rejected + self.merged + self.archived + self.loaded

    @property
    def balanced(self) -> bool:
        entered = self.read + self.created
        clean_ok = entered == self.rejected_clean + self.merged + self.archived + self.clean
        return clean_ok and entered == self.accounted

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rejected": self.rejected, "balanced": self.balanced}


@dataclass(frozen=True)
class Reconciliation:
    run_id: str
    tool_version: str
    config_hash: str
    stage: str
    objects: tuple[ObjectFlow, ...]
    timings: dict[str, float] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return all(o.balanced for o in self.objects)

    def unbalanced(self) -> list[str]:
        return [o.object for o in self.objects if not o.balanced]

    def totals(self) -> ObjectFlow:
        def total(attr: str) -> Any:
            values = [getattr(o, attr) for o in self.objects]
            return None if any(v is None for v in values) else sum(values)

        names = [
            "read",
            "created",
            "rejected_clean",
            "merged",
            "archived",
            "clean",
            "rejected_validation",
            "rejected_load",
            "loaded",
            "inserted",
            "updated",
            "unchanged",
        ]
        return ObjectFlow("total", **{n: total(n) for n in names})

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "tool_version": self.tool_version,
            "config_hash": self.config_hash,
            "stage": self.stage,
            "balanced": self.balanced,
            "invariant": (
                "read + created = loaded + merged + archived + rejected (before a load: clean "
                "for loaded)"
            ),
            "objects": [o.to_dict() for o in self.objects],
            "total": self.totals().to_dict(),
            "timings": self.timings,
            "fields": self.fields,
        }


def build_reconciliation(run: Run) -> Reconciliation:
    """Assemble the reconciliation from what the stages recorded in the manifest."""
    manifest = run.manifest()
    stages = manifest.get("stages", {})
    clean = stages.get("clean", {})
    validate = stages.get("validate", {})
    load = stages.get("load", {})
    loaded_stage = load.get("status") == "done" and not load.get("dry_run", False)
    flows = []
    for obj_name, counts in clean.get("objects", {}).items():
        lo = load.get("objects", {}).get(obj_name, {}) if loaded_stage else {}
        flows.append(
            ObjectFlow(
                object=obj_name,
                read=counts.get("read", 0),
                created=counts.get("created", 0),
                rejected_clean=counts.get("rejected", 0),
                merged=counts.get("merged", 0),
                archived=counts.get("archived", 0),
                clean=counts.get("clean", 0),
                rejected_validation=lo.get("excluded", 0),
                rejected_load=lo.get("failed", 0),
                loaded=(lo.get("inserted", 0) + lo.get("updated", 0) + lo.get("unchanged", 0))
                if loaded_stage
                else None,
                inserted=lo.get("inserted") if loaded_stage else None,
                updated=lo.get("updated") if loaded_stage else None,
                unchanged=lo.get("unchanged") if loaded_stage else None,
            )
        )
    reasons = _rejection_reasons(run.path, include_load=loaded_stage)
    flows = [
        ObjectFlow(**{**asdict(f), "rejected_reasons": reasons.get(f.object, {})}) for f in flows
    ]
    timings = {name: info.get("seconds", 0.0) for name, info in stages.items()}
    stage = "load" if loaded_stage else ("validate" if validate else "clean")
    return Reconciliation(
        run_id=run.run_id,
        tool_version=__version__,
        config_hash=manifest.get("config_hash", ""),
        stage=stage,
        objects=tuple(flows),
        timings=timings,
        fields=clean.get("fields", {}),
    )


def _rejection_reasons(run_dir: Path, *, include_load: bool) -> dict[str, dict[str, int]]:
    """Rejected records per object and reason, from the run's rejection files."""
    counts: dict[str, Counter[str]] = {}
    files = [run_dir / "clean" / "rejected.csv"]
    if include_load:
        files.append(run_dir / "load" / "errors.csv")
    for path in files:
        if not path.exists():
            continue
        frame = pd.read_csv(path, usecols=["object", "stage", "reason"], dtype=str).fillna("")
        frame["label"] = _reason_labels(frame["stage"], frame["reason"])
        sizes = frame.groupby(["object", "label"]).size()
        for obj, label, n in zip(
            sizes.index.get_level_values(0), sizes.index.get_level_values(1), sizes, strict=True
        ):
            counts.setdefault(str(obj), Counter())[str(label)] += int(n)
    return {obj: dict(sorted(c.items())) for obj, c in counts.items()}


def _reason_labels(stage: pd.Series, reason: pd.Series) -> pd.Series:
    """Short, value-free labels: database messages are grouped, never quoted."""
    labels = stage + ": " + reason
    validate = stage == "validate"
    labels[validate] = "validate: " + reason[validate].str.removeprefix("validation error: ")
    labels[stage == "load"] = "load: rejected by the target (see load/errors.csv)"
    return labels


def write_reconciliation(run: Run, rec: Reconciliation, validation: Any = None) -> None:
    """Write reconciliation.json and the HTML reports (see ``report.write.write_reports``;
    ``validation``: its ValidationSummary, when the caller has it)."""
    from crmmigrate.report.write import write_reports  # the report model builds on this module

    write_reports(run, rec, validation)
