"""Dedupe for a CRM run: per object, then across objects, with review and decisions.

For each object with rules, the clean records go through :func:`find_duplicates` (keyed by
external id, which stays the same from run to run, so a reviewer's decisions keep applying) and
each cluster becomes one golden record (:mod:`survivorship`). Then cross-object links run: a lead
whose e-mail or phone belongs to exactly one contact is merged into that contact. References to
merged records are pointed at their survivors. Outputs: the clusters for ``clusters.csv``, the
borderline pairs for ``review.csv`` (with a blank ``decision`` column the reviewer fills in and
points ``dedupe.decisions`` at), and ``links.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmmigrate.errors import ConfigError
from crmmigrate.frames import concat_rows
from crmmigrate.progress import Progress, no_progress
from crmmigrate.target_schema import TargetSchema
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.dedupe.compare import LEVELS
from crmmigrate.transform.dedupe.engine import DECISIONS, find_duplicates
from crmmigrate.transform.dedupe.spec import DedupeRules, LinkSpec, ObjectSpec, load_dedupe_rules
from crmmigrate.transform.dedupe.survivorship import CONFLICT_COLUMNS, merge_clusters

NAME_KEYS = ["_name_keys_1", "_name_keys_2", "_name_keys_3"]
LINK_COLUMNS = ["from_object", "from_id", "to_object", "to_id", "matched_on", "status"]
DECISION_COLUMNS = ["object", "left", "right", "decision"]
REVIEW_COLUMNS = ["object", "left", "right", "probability", "decision"]


def default_rules_path() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "dedupe_default.yaml"


def load_rules(path: Path | None, schema: TargetSchema) -> DedupeRules:
    """The dedupe rules (the built-in ones without a path), checked against the target schema."""
    rules_path = path or default_rules_path()
    rules = load_dedupe_rules(rules_path)
    for obj_name, spec in rules.objects.items():
        obj = schema.objects.get(obj_name)
        if obj is None:
            raise ConfigError(
                f"{rules_path}: objects.{obj_name}: no such object in the target schema"
            )
        known = set(obj.fields) | set(NAME_KEYS) | {f"_key_{f}" for f in obj.fields}
        for column in spec.columns():
            if column not in known:
                raise ConfigError(
                    f"{rules_path}: objects.{obj_name}: unknown field {column!r}; "
                    f"use a field of {obj_name} or a `sets:` name"
                )
    for i, link in enumerate(rules.links):
        for side in (link.from_, link.to):
            if side not in schema.objects:
                raise ConfigError(f"{rules_path}: links[{i}]: no such object {side!r}")
        for entry in link.keys:
            for side, names in zip((link.from_, link.to), link.sides(entry), strict=True):
                side_spec = rules.objects.get(side)
                known = set(schema.objects[side].fields) | set(side_spec.sets if side_spec else {})
                for name in names:
                    if name not in known:
                        raise ConfigError(
                            f"{rules_path}: links[{i}].keys: {side} has no field {name!r}"
                        )
        if link.field is not None:
            fdef = schema.objects[link.from_].fields.get(link.field)
            if fdef is None or fdef.type != "reference" or fdef.object != link.to:
                raise ConfigError(
                    f"{rules_path}: links[{i}].field: {link.field!r} is not a reference "
                    f"from {link.from_} to {link.to}"
                )
    return rules


def read_decisions(path: Path | None) -> pd.DataFrame:
    """The reviewer's decisions (blank decisions skipped); a missing file means none yet."""
    empty = pd.DataFrame(columns=DECISION_COLUMNS)
    if path is None or not path.is_file():
        return empty
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in DECISION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(
                f"{path}: missing column {', '.join(missing)}; the file needs "
                "object,left,right,decision (dedupe/review.csv has them)"
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            decision = (row["decision"] or "").strip().lower()
            if not decision:
                continue
            if decision not in DECISIONS:
                raise ConfigError(
                    f"{path}:{line}: decision must be match or distinct (or blank to skip)"
                )
            rows.append({"object": row["object"].strip(), "left": row["left"].strip(),
                         "right": row["right"].strip(), "decision": decision})  # fmt: skip
    return pd.DataFrame(rows, columns=DECISION_COLUMNS) if rows else empty


@dataclass
class DedupeOutcome:
    frames: dict[str, pd.DataFrame]
    clusters: dict[str, pd.DataFrame]  # per object: record_id → cluster_id, survivor, score
    review: pd.DataFrame
    links: pd.DataFrame
    merged: dict[str, int]
    stats: dict[str, Any] = field(default_factory=dict)
    conflicts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CONFLICT_COLUMNS))
    models: dict[str, Any] = field(default_factory=dict)  # per object: m, u and prior learnt


def _name_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Romanised name keys (up to three per record) for cross-script name matching."""
    out = pd.DataFrame(index=frame.index, columns=NAME_KEYS, dtype=object)
    if "first_name" not in frame.columns or "last_name" not in frame.columns:
        return out
    try:
        from crmmigrate.transform.dedupe.names import romanised_keys
    except ImportError:  # pragma: no cover - shipped with the package
        return out
    keys = romanised_keys(frame["first_name"], frame["last_name"])
    split = keys.astype(object).where(keys.notna(), "").str.split("|", n=2, expand=True)
    for i, name in enumerate(NAME_KEYS):
        if i in split.columns:
            out[name] = split[i].where(split[i].notna() & (split[i] != ""), None)
    return out


def _matching_frame(frame: pd.DataFrame, spec: ObjectSpec) -> pd.DataFrame:
    """The columns the spec reads (and the external id), with the derived name keys; a copy of
    those only, not of the whole object."""
    wanted = ["external_id", *spec.columns()]
    data = frame[[c for c in dict.fromkeys(wanted) if c in frame.columns]].copy()
    if any(c in spec.columns() for c in NAME_KEYS):
        data[NAME_KEYS] = _name_keys(frame)
    for column in spec.columns():
        if column not in data.columns:
            data[column] = None
    return data


def dedupe_objects(
    frames: dict[str, pd.DataFrame],
    schema: TargetSchema,
    rules: DedupeRules,
    decisions: pd.DataFrame,
    log: ChangeLog,
    progress: Progress = no_progress,
) -> DedupeOutcome:
    """Find and merge duplicates in every object with rules, then run the cross-object links."""
    out_frames = dict(frames)
    clusters: dict[str, pd.DataFrame] = {}
    reviews: list[pd.DataFrame] = []
    conflicts: list[pd.DataFrame] = []
    merged: dict[str, int] = {}
    stats: dict[str, Any] = {}
    models: dict[str, Any] = {}
    remap: dict[str, dict[str, str]] = {}
    for obj_name, spec in rules.objects.items():
        frame = frames.get(obj_name)
        if frame is None or frame.empty:
            continue
        obj = schema.objects[obj_name]
        data = _matching_frame(frame, spec)
        result = find_duplicates(
            data, spec, id_column="external_id",
            decisions=decisions[decisions["object"] == obj_name],
            progress=progress, label=obj_name,
        )  # fmt: skip
        progress(f"merging duplicates in {obj_name}")
        by_id = result.clusters.set_index("record_id")
        key = frame["external_id"].map(by_id["cluster_id"])
        seconds = {f: d.second for f, d in obj.fields.items() if d.second}
        fields = [f for f in obj.fields if f in frame.columns]
        outcome = merge_clusters(
            frame, obj_name, fields, key, spec.survivorship, log,
            seconds=seconds, scores=frame["external_id"].map(by_id["score"]),
        )  # fmt: skip
        out_frames[obj_name] = outcome.records
        conflicts.append(outcome.conflicts)
        clusters[obj_name] = outcome.clusters
        merged[obj_name] = outcome.merged
        remap[obj_name] = outcome.remap
        reviews.append(_review_rows(obj_name, spec, data, result.pairs))
        stats[obj_name] = {k: v for k, v in result.stats.items() if k != "model"}
        models[obj_name] = result.stats["model"]
        stats[obj_name]["review_pairs"] = len(reviews[-1])
        stats[obj_name]["review_band"] = int(
            (
                (result.pairs["probability"] >= spec.review_threshold)
                & (result.pairs["probability"] < spec.match_threshold)
                & (result.pairs["decision"] == "")
            ).sum()
        )
    links = []
    for link in rules.links:
        linked = _link(out_frames, schema, rules, link, log)
        if linked is None:
            continue
        frame_out, link_rows, link_clusters, link_remap = linked
        out_frames[link.from_] = frame_out
        links.append(link_rows)
        merged[link.from_] = merged.get(link.from_, 0) + int(
            (link_rows["status"] == "merged").sum()
        )
        if link_clusters is not None:
            base = clusters.get(link.from_)
            clusters[link.from_] = (
                _relabel(base, link_clusters) if base is not None else link_clusters
            )
        remap.setdefault(link.from_, {}).update(link_remap)
    _remap_references(out_frames, schema, remap)
    review = concat_rows(reviews, REVIEW_COLUMNS)
    link_frame = (
        pd.concat(links, ignore_index=True) if links else pd.DataFrame(columns=LINK_COLUMNS)
    )
    stats["links"] = {
        status: int(n) for status, n in link_frame["status"].value_counts().sort_index().items()
    }
    conflict_frame = concat_rows(conflicts, CONFLICT_COLUMNS)
    return DedupeOutcome(
        out_frames, clusters, review, link_frame, merged, stats, conflict_frame, models
    )


def blocking_report(stats: dict[str, Any]) -> dict[str, Any]:
    """Per object: how candidate pairs were chosen (``dedupe/blocking.json``)."""
    out: dict[str, Any] = {}
    for obj_name, s in stats.items():
        if not isinstance(s, dict) or "blocking" not in s:
            continue
        choice = s.get("blocking_choice")
        counted = {r["rule"]: r for r in (choice or {}).get("rules", [])}
        rules = []
        for r in s["blocking"]:
            row = {"rule": r["rule"], "pairs": r["pairs"], "split_blocks": r["split_blocks"],
                   "split_records": r["split_records"]}  # fmt: skip
            if r["rule"] in counted:
                row["pairs_counted"] = counted[r["rule"]]["pairs"]
                row["recall_gain"] = counted[r["rule"]]["recall_gain"]
            rules.append(row)
        entry: dict[str, Any] = {
            "records": s["records"],
            "exact_copies": s.get("exact_copies", 0),
            "chosen": "auto" if choice is not None else "rules",
            "rules": rules,
            "candidate_pairs": s["candidate_pairs"],
        }
        if choice is not None:
            shown = ("all_pairs", "estimated_recall", "pair_budget", "candidates_considered")
            entry |= {k: choice[k] for k in (*shown, "records_counted_on")}
        out[obj_name] = entry
    return out


def _relabel(base: pd.DataFrame, linked: pd.DataFrame) -> pd.DataFrame:
    """Records of a cluster whose survivor was linked into another object follow it there."""
    moved = linked.set_index("record_id")["cluster_id"]
    out = base.copy()
    follow = out["cluster_id"].isin(moved.index)
    out.loc[follow, "cluster_id"] = out.loc[follow, "cluster_id"].map(moved)
    out.loc[follow, "survivor"] = False
    return out


def _display(data: pd.DataFrame, spec: ObjectSpec, name: str) -> pd.Series:
    columns = spec.sets.get(name, [name])
    if len(columns) == 1:
        return data[columns[0]].astype(object)
    joined = (
        data[columns]
        .astype(object)
        .apply(
            lambda row: "; ".join(dict.fromkeys(str(v) for v in row if v is not None and v == v)),
            axis=1,
        )
    )
    return joined.where(joined != "", None)


def _review_rows(
    obj_name: str, spec: ObjectSpec, data: pd.DataFrame, pairs: pd.DataFrame
) -> pd.DataFrame:
    """Borderline pairs with their field-by-field comparison and a blank decision column."""
    band = pairs[
        (pairs["probability"] >= spec.review_threshold)
        & (pairs["probability"] < spec.match_threshold)
        & (pairs["decision"] == "")
    ].sort_values(["probability", "left", "right"], ascending=[False, True, True])
    if band.empty:
        return pd.DataFrame()
    band = _strongest_per_record(band, spec.review_per_record)
    if band.empty:
        return pd.DataFrame()
    # only the records in the band are shown: joining set fields row by row over the whole
    # object would cost seconds per million records for a few hundred review rows
    shown_ids = pd.unique(np.concatenate([band["left"].to_numpy(), band["right"].to_numpy()]))
    records = data[data["external_id"].isin(shown_ids)]
    out = pd.DataFrame(
        {
            "object": obj_name,
            "left": band["left"].to_numpy(),
            "right": band["right"].to_numpy(),
            "probability": band["probability"].round(4).to_numpy(),
            "decision": "",
        }
    )
    for comp in spec.comparisons:
        shown = _display(records, spec, comp.field)
        shown.index = pd.Index(records["external_id"])
        labels = np.array(("missing", *LEVELS[comp.kind]), dtype=object)
        out[f"{comp.field} left"] = shown.reindex(band["left"]).to_numpy()
        out[f"{comp.field} right"] = shown.reindex(band["right"]).to_numpy()
        out[f"{comp.field} agreement"] = labels[band[f"level_{comp.field}"].to_numpy() + 1]
        out[f"{comp.field} weight"] = band[f"weight_{comp.field}"].round(2).to_numpy()
    return out


def _strongest_per_record(band: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The pairs among each record's ``limit`` strongest (``band`` is sorted strongest first):
    a record that resembles a hundred others gives a reviewer three pairs, not a hundred."""
    # each record's pairs, as left and as right, ranked by their position (strongest first)
    ids = np.r_[band["left"].to_numpy(), band["right"].to_numpy()]
    position = np.r_[np.arange(len(band)), np.arange(len(band))]
    rank = pd.Series(position).groupby(ids, sort=False).rank(method="first").to_numpy()
    worst = np.maximum(rank[: len(band)], rank[len(band) :])
    return band[worst <= limit]


def _values(frame: pd.DataFrame, fields: list[str], sets: dict[str, list[str]]) -> pd.DataFrame:
    """Long table (external_id, key) of a link rule's fields (a set field gives several rows)."""
    table = pd.DataFrame({"external_id": frame["external_id"].to_numpy()})
    for name in fields:
        long = pd.concat(
            [
                pd.DataFrame(
                    {"external_id": frame["external_id"].to_numpy(), name: frame[c].to_numpy()}
                )
                for c in sets.get(name, [name])
                if c in frame.columns
            ],
            ignore_index=True,
        )
        long = long[long[name].notna()].drop_duplicates()
        table = table.merge(long, on="external_id")
    # one key column per record and value combination, joined column-wise (not row by row)
    key = table[fields[0]].astype(str)
    for name in fields[1:]:
        key = key.str.cat(table[name].astype(str), sep="\x1f")
    return pd.DataFrame({"external_id": table["external_id"], "key": key}).drop_duplicates()


def _link(
    frames: dict[str, pd.DataFrame],
    schema: TargetSchema,
    rules: DedupeRules,
    link: LinkSpec,
    log: ChangeLog,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, dict[str, str]] | None:
    """Match ``from`` records to ``to`` records on equal values; merge the unambiguous ones."""
    source, target = frames.get(link.from_), frames.get(link.to)
    if source is None or target is None or source.empty or target.empty:
        return None
    from_sets = rules.objects[link.from_].sets if link.from_ in rules.objects else {}
    to_sets = rules.objects[link.to].sets if link.to in rules.objects else {}
    found = []
    if link.action == "reference":
        # only records whose reference is empty: a value that failed to resolve said something
        status = f"_ref_{link.field}_status"
        blank = source[str(link.field)].isna()
        if status in source.columns:
            blank &= source[status] == "empty"
        source_rows = source[blank]
    else:
        source_rows = source
    for entry in link.keys:
        from_fields, to_fields = link.sides(entry)
        left = _values(source_rows, from_fields, from_sets)
        right = _values(target, to_fields, to_sets)
        hits = left.merge(right, on="key", suffixes=("_from", "_to"))
        hits["matched_on"] = "+".join(entry)
        found.append(hits[["external_id_from", "external_id_to", "matched_on"]])
    hits = pd.concat(found, ignore_index=True)
    if hits.empty:
        return None
    grouped = hits.groupby("external_id_from", sort=True).agg(
        to=("external_id_to", lambda s: sorted(set(s))),
        matched_on=("matched_on", lambda s: ", ".join(sorted(set(s)))),
    )
    single = grouped["to"].map(len) == 1
    rows = pd.DataFrame(
        {
            "from_object": link.from_,
            "from_id": grouped.index.to_numpy(),
            "to_object": link.to,
            "to_id": grouped["to"].map(lambda ids: "; ".join(ids)).to_numpy(),
            "matched_on": grouped["matched_on"].to_numpy(),
            "status": np.where(single, _LINK_STATUS[link.action], "ambiguous"),
        }
    )
    if link.action == "reference" and single.any():
        return _set_reference(source, link, grouped[single], log), rows, None, {}
    if link.action != "merge" or not single.any():
        return source, rows, None, {}
    pairs = pd.Series(grouped.loc[single, "to"].map(lambda ids: ids[0]))
    merge_rows = source["external_id"].isin(pairs.index)
    movers = source[merge_rows]
    target = target.copy()
    target_pos = pd.Series(np.arange(len(target)), index=target["external_id"].to_numpy())
    common = [
        f for f in schema.objects[link.to].fields if f in movers.columns and f in target.columns
    ]
    for fname in common:
        incoming = pd.Series(
            movers[fname].to_numpy(), index=movers["external_id"].map(pairs).to_numpy()
        )
        incoming = incoming[incoming.notna()]
        incoming = incoming[~incoming.index.duplicated(keep="first")]
        if incoming.empty:
            continue
        pos = target_pos.reindex(incoming.index).to_numpy()
        before = target[fname].iloc[pos]
        empty = before.isna().to_numpy()
        if empty.any():
            values = target[fname].to_numpy(dtype=object).copy()
            values[pos[empty]] = incoming.to_numpy(dtype=object)[empty]
            target[fname] = values
            log.record(
                target["_record_id"].iloc[pos[empty]], link.to, fname,
                before[empty], target[fname].iloc[pos[empty]], "link.fill",
            )  # fmt: skip
        kept = target[fname].iloc[pos].to_numpy(dtype=object)
        lost = incoming.to_numpy(dtype=object) != kept
        if lost.any():
            mover_ids = movers.set_index(movers["external_id"].map(pairs))["_record_id"]
            mover_ids = mover_ids[~mover_ids.index.duplicated(keep="first")]
            log.record(
                pd.Series(mover_ids.reindex(incoming.index[lost]).to_numpy()), link.from_, fname,
                pd.Series(incoming.to_numpy()[lost]), pd.Series(kept[lost]), "merge.lost", "merged",
            )  # fmt: skip
    frames[link.to] = target
    survivors = target.set_index("external_id")["_record_id"]
    link_clusters = pd.DataFrame(
        {"record_id": movers["_record_id"].to_numpy(),
         "cluster_id": movers["external_id"].map(pairs).map(survivors).to_numpy()}
    )  # fmt: skip
    # references to a linked lead stay as they are: they name a lead, not a contact
    return source[~merge_rows].reset_index(drop=True), rows, link_clusters, {}


_LINK_STATUS = {"merge": "merged", "reference": "referenced", "report": "linked"}


def _set_reference(
    source: pd.DataFrame, link: LinkSpec, matched: pd.DataFrame, log: ChangeLog
) -> pd.DataFrame:
    """Fill the empty reference ``link.field`` of matched records with their match's id."""
    field_name = str(link.field)
    out = source.copy()
    target_id = out["external_id"].map(matched["to"].map(lambda ids: ids[0]))
    hit = target_id.notna().to_numpy()
    before = out.loc[hit, field_name].copy()
    out.loc[hit, field_name] = target_id[hit].to_numpy()
    status = f"_ref_{field_name}_status"
    if status in out.columns:
        out.loc[hit, status] = "linked"
    log.record(out.loc[hit, "_record_id"], link.from_, field_name, before,
               out.loc[hit, field_name], "link.reference")  # fmt: skip
    return out


def _remap_references(
    frames: dict[str, pd.DataFrame], schema: TargetSchema, remap: dict[str, dict[str, str]]
) -> None:
    """Point references at the survivors of the records they named."""
    for obj_name, frame in frames.items():
        for fname, fdef in schema.objects[obj_name].references.items():
            moves = remap.get(str(fdef.object))
            if not moves or fname not in frame.columns:
                continue
            values = frame[fname]
            mapped = values.map(moves)
            frame[fname] = mapped.where(mapped.notna(), values).astype(object)
