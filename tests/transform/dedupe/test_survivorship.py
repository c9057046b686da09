"""Golden records: per-field survivorship rules, second fields, nothing lost."""

from __future__ import annotations

import pandas as pd

from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.dedupe.spec import Survivorship
from crmmigrate.transform.dedupe.survivorship import merge_clusters

FIELDS = ["email", "phone", "other_phone", "title", "created_date"]


def frame() -> pd.DataFrame:
    rows = [
        # cluster X: three records of one person from two sources
        ("crm#1", "crm", "C1", "old@x.com", "+85261111111", None, "Mgr", "2019-01-01"),
        ("shop#1", "shop", "M1", "new@x.com", "+85262222222", None, None, "2024-06-01"),
        ("crm#2", "crm", "C2", "old@x.com", None, None, "Manager of Sales", "2020-03-03"),
        # cluster Y: a single record
        ("crm#3", "crm", "C3", "y@x.com", None, None, None, "2021-01-01"),
    ]
    cols = ["_record_id", "_source", "_source_key", *FIELDS]
    data = pd.DataFrame(
        [(r[0], r[1], r[2], *r[3:]) for r in rows],
        columns=cols,
    ).astype(object)
    data["external_id"] = data["_source"] + ":" + data["_source_key"]
    return data.where(data.notna(), None)


def merged(rules: Survivorship) -> tuple[pd.DataFrame, pd.DataFrame, ChangeLog]:
    log = ChangeLog()
    key = pd.Series(["X", "X", "X", "Y"])
    out = merge_clusters(
        frame(), "contacts", FIELDS, key, rules, log, seconds={"phone": "other_phone"}
    )
    assert out.merged == 2
    return out.records.set_index("external_id"), out.clusters, log


def test_most_complete_survives_and_fills_from_the_others() -> None:
    records, clusters, log = merged(Survivorship())
    assert list(records.index) == ["crm:C1", "crm:C3"]  # C1 has the most fields
    golden = records.loc["crm:C1"]
    assert golden["email"] == "old@x.com"
    assert golden["phone"] == "+85261111111"
    # the shop's different phone is not lost: it moves to the second phone field
    assert golden["other_phone"] == "+85262222222"
    changes = log.frame()
    assert set(changes["rule"]) >= {"merge.second", "merge.lost"}
    lost = changes[changes["rule"] == "merge.lost"]
    assert ("email", "new@x.com") in set(zip(lost["field"], lost["before"], strict=True))
    assert clusters.set_index("record_id")["cluster_id"].to_dict() == {
        "crm#1": "crm#1",
        "shop#1": "crm#1",
        "crm#2": "crm#1",
        "crm#3": "crm#3",
    }


def test_per_field_rules() -> None:
    rules = Survivorship(
        fields={"email": "most_recent", "title": "longest"},
        recency_field="created_date",
    )
    records, _, _ = merged(rules)
    golden = records.loc["crm:C1"]
    assert golden["email"] == "new@x.com"  # the shop record is the most recent
    assert golden["title"] == "Manager of Sales"


def test_source_priority_picks_the_survivor() -> None:
    records, _, _ = merged(Survivorship(default="source_priority", source_priority=["shop"]))
    assert "shop:M1" in records.index
    assert records.loc["shop:M1", "phone"] == "+85262222222"


def _merge_with_conflicts(rules: Survivorship) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    log = ChangeLog()
    key = pd.Series(["X", "X", "X", "Y"])
    out = merge_clusters(
        frame(), "contacts", FIELDS, key, rules, log, seconds={"phone": "other_phone"}
    )
    return out.records.set_index("external_id"), out.conflicts, log.frame()


def test_a_gap_the_others_disagree_on_is_reported_not_guessed() -> None:
    # the shop record survives (priority) without a title; the two CRM records hold different
    # titles, so neither is taken: the title stays empty and the candidates are listed
    records, conflicts, changes = _merge_with_conflicts(
        Survivorship(default="source_priority", source_priority=["shop"])
    )
    assert records.loc["shop:M1", "title"] is None
    assert conflicts.to_dict("records") == [
        {
            "record_id": "shop#1",
            "object": "contacts",
            "field": "title",
            "cluster_id": "shop#1",
            "records": 2,
            "candidates": "Manager of Sales | Mgr",
        }
    ]
    lost = changes[(changes["rule"] == "merge.lost") & (changes["field"] == "title")]
    assert set(lost["before"]) == {"Mgr", "Manager of Sales"}  # both kept in the change log
    # a gap the others agree on is filled: both CRM records have old@x.com
    assert records.loc["shop:M1", "email"] == "new@x.com"  # its own value
    # a phone disagreement is no conflict: the second field keeps the other number
    assert "phone" not in set(conflicts["field"])


def test_a_field_rule_or_conflicts_choose_decides_instead() -> None:
    rules = Survivorship(
        default="source_priority", source_priority=["shop"], fields={"title": "longest"}
    )
    records, conflicts, _ = _merge_with_conflicts(rules)
    assert records.loc["shop:M1", "title"] == "Manager of Sales"
    assert conflicts.empty
    chosen = Survivorship(default="source_priority", source_priority=["shop"], conflicts="choose")
    records, conflicts, _ = _merge_with_conflicts(chosen)
    assert records.loc["shop:M1", "title"] in ("Mgr", "Manager of Sales")
    assert conflicts.empty


def test_every_value_survives_somewhere() -> None:
    records, _, log = merged(Survivorship())
    changes = log.frame()
    original = frame()
    for _, row in original.iterrows():
        for f in FIELDS:
            value = row[f]
            if pd.isna(value):
                continue
            kept = value in set(records[f].dropna()) or value in set(
                records["other_phone"].dropna()
            )
            logged = ((changes["field"] == f) & (changes["before"] == value)).any()
            assert kept or logged, (row["_record_id"], f)


class Untouchable:
    """A value that fails loudly if survivorship compares, hashes, prints or measures it."""

    def _touched(self, *_: object) -> bool:
        raise AssertionError("a record outside every multi-record cluster was read")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _touched
    __hash__ = __str__ = __repr__ = __len__ = _touched  # type: ignore[assignment]


def test_records_outside_clusters_are_never_read() -> None:
    # cluster Y's lone record holds an Untouchable in every field, the recency field too: golden
    # records are built from the members of multi-record clusters alone (ranking every record
    # by recency, as before, compared it), and the lone record comes back as it was
    data = frame()
    lone = data.index[-1]
    poison = {f: Untouchable() for f in FIELDS}
    for f, value in poison.items():
        data.at[lone, f] = value  # type: ignore[assignment]
    log = ChangeLog()
    rules = Survivorship(default="most_recent", recency_field="created_date")
    key = pd.Series(["X", "X", "X", "Y"])
    out = merge_clusters(
        data, "contacts", FIELDS, key, rules, log, seconds={"phone": "other_phone"}
    )
    assert out.merged == 2
    kept = out.records.set_index("external_id").loc["crm:C3"]
    assert all(kept[f] is value for f, value in poison.items())
    assert "crm#3" not in set(log.frame()["record_id"])
    assert out.records.loc[out.records["external_id"] == "shop:M1", "email"].item() == "new@x.com"


def test_a_field_the_members_agree_on_or_lack_is_left_alone() -> None:
    # "nickname" (a text column, not object) is held by the lone record only: no member holds
    # it, so it is neither logged nor rewritten and keeps its dtype; "country" is held by every
    # member alike: nothing is lost, filled or in conflict
    data = frame()
    data["nickname"] = pd.Series([None, None, None, "Y"], dtype="str")
    data["country"] = pd.Series(["HK", "HK", "HK", "SG"], dtype="str")
    fields = [*FIELDS, "nickname", "country"]
    log = ChangeLog()
    out = merge_clusters(
        data, "contacts", fields, pd.Series(["X", "X", "X", "Y"]), Survivorship(), log
    )
    changes = log.frame()
    assert not set(changes["field"]) & {"nickname", "country"}
    assert "email" in set(changes["field"])  # the members disagree on it: logged
    assert out.records["nickname"].dtype == data["nickname"].dtype
    assert list(out.records["country"]) == ["HK", "SG"]
    assert list(out.records["nickname"].fillna("-")) == ["-", "Y"]
    assert out.conflicts.empty
