"""The dedupe engine: blocking, levels, scoring, clustering, decisions, invariants.

The fixture people: the Chan family shares a home phone (a household, not duplicates); Tai Man
Chan appears three times (a typo, a first/last swap); Peter O'Brien twice (punctuation, one
e-mail missing); two unrelated John Smiths (namesakes) must stay apart.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.dedupe.blocking import KeyCodes, candidate_pairs, pairs_within_groups
from crmmigrate.transform.dedupe.cluster import components
from crmmigrate.transform.dedupe.compare import column_of, compare
from crmmigrate.transform.dedupe.engine import find_duplicates

PEOPLE = [
    ("1", "Tai Man", "Chan", "taiman@x.com", "+85261234567", "1980-05-03", "1 Main St"),
    ("2", "Tai Mun", "Chan", "taiman@x.com", "+85261234567", "1980-05-03", "1 Main St"),
    ("3", "Chan", "Tai Man", None, "+85261234567", "1980-03-05", "1 Main Street"),
    ("4", "Mary", "Chan", "mary.chan@x.com", "+85261234567", "1982-01-01", "1 Main St"),
    ("5", "Peter", "OBrien", "peter.obrien@gmail.com", None, None, None),
    ("6", "Peter", "O'Brien", "peter.obrien@gmail.com", "+14155550100", None, "9 Elm Rd"),
    ("7", "John", "Smith", "js@a.com", "+14155550199", "1970-01-01", "3 Oak Ave"),
    ("8", "John", "Smith", "john.smith@b.com", "+14155550198", "1971-02-02", "77 Pine Rd"),
]
COLUMNS = ["id", "first", "last", "email", "phone", "dob", "street"]
SPEC = {
    "blocking": [["email"], ["phone"], ["last", "first:initial"], ["dob"]],
    "comparisons": [
        {"field": "first", "kind": "name"},
        {"field": "last", "kind": "name", "tf": True},
        {"field": "email", "kind": "email"},
        {"field": "phone", "kind": "phone"},
        {"field": "dob", "kind": "date"},
        {"field": "street", "kind": "text"},
    ],
    "name_swap": ["first", "last"],
    "match_threshold": 0.95,
    "review_threshold": 0.3,
}


def crowd(n: int = 400, seed: int = 5) -> pd.DataFrame:
    """Unrelated people around the fixture, so u and the prior are estimated as in real data."""
    rng = np.random.default_rng(seed)
    firsts = ["Ann", "Ben", "Cai", "Dora", "Eric", "Fion", "Gary", "Hugo", "Ivy", "Jack", "Ken"]
    lasts = ["Lee", "Wong", "Lam", "Ho", "Ng", "Cheung", "Yip", "Tse", "Kwok", "Lau", "Mak"]
    return pd.DataFrame(
        {
            "id": [f"z{i:04d}" for i in range(n)],
            "first": rng.choice(firsts, n),
            "last": rng.choice(lasts, n),
            "email": [f"user{i}@mail{i % 7}.com" for i in range(n)],
            "phone": [f"+8529{1000000 + i * 37}" for i in range(n)],
            "dob": [f"19{60 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
            "street": [f"{i} Queen's Road" for i in range(n)],
        }
    )


def people() -> pd.DataFrame:
    return pd.concat([pd.DataFrame(PEOPLE, columns=COLUMNS), crowd()], ignore_index=True)


def fixture_groups(clusters: pd.DataFrame) -> set[frozenset[str]]:
    return {g for g in groups(clusters) if not any(i.startswith("z") for i in g)}


def groups(clusters: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g) for g in clusters.groupby("cluster_id")["record_id"].agg(list)}


def test_pairs_within_groups_match_brute_force() -> None:
    rng = np.random.default_rng(3)
    rows = np.arange(200)
    keys = rng.integers(0, 30, size=200)
    left, right, skipped, skipped_rows = pairs_within_groups(rows, keys, max_size=9)
    sizes = np.bincount(keys)
    expected = {
        (a, b)
        for a, b in itertools.combinations(range(200), 2)
        if keys[a] == keys[b] and sizes[keys[a]] <= 9
    }
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == expected
    assert len(left) == len(expected)  # no pair twice
    assert skipped == int((sizes > 9).sum())
    assert skipped_rows == int(sizes[sizes > 9].sum())


def test_candidate_pairs_union_of_rules_with_set_fields() -> None:
    frame = pd.DataFrame(
        {
            "email": ["a@x", "a@x", None, "b@x"],
            "p1": ["1", None, "2", None],
            "p2": [None, "9", "1", "2"],
        },
        dtype="str",
    )
    left, right, stats, _ = candidate_pairs(
        frame, [["email"], ["phones"]], {"phones": ["p1", "p2"]}, 50
    )
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(0, 1), (0, 2), (2, 3)}
    assert [s.pairs for s in stats] == [1, 2]


def test_levels_per_kind() -> None:
    frame = pd.DataFrame(
        {"d": ["1980-05-03", "1980-03-05", "1980-05-04", "1980-11-30", "1999-01-01", None]}
    )
    col = column_of(*KeyCodes(frame, {}).matrix(("d",)))
    a = col.codes[[0, 0, 0, 0, 0]]
    b = col.codes[[1, 2, 3, 4, 5]]
    levels, _ = compare("date", col.uniques, a, b)
    # swapped day/month, one digit off, within a year, different, missing
    assert levels.tolist() == [3, 2, 1, 0, -1]


def test_clusters_find_the_duplicates_and_keep_households_and_namesakes_apart() -> None:
    result = find_duplicates(people(), SPEC, id_column="id")
    assert fixture_groups(result.clusters) == {
        frozenset({"1", "2", "3"}),
        frozenset({"4"}),
        frozenset({"5", "6"}),
        frozenset({"7"}),
        frozenset({"8"}),
    }
    assert result.stats["merged_records"] == 3
    assert result.stats["cluster_sizes"] == {"1": 403, "2": 1, "3": 1}


def test_every_score_splits_into_field_contributions() -> None:
    result = find_duplicates(people(), SPEC, id_column="id")
    pairs = result.pairs
    parts = pairs[[c for c in pairs.columns if c.startswith("weight_")]].sum(axis=1)
    prior = np.log2(result.model.prior / (1 - result.model.prior))
    assert np.allclose(parts + prior, pairs["weight"])


def test_a_bad_link_does_not_chain_two_people_together() -> None:
    # 10 and 11 are one person; 12 shares only 11's phone (a colleague's desk phone) and name
    frame = pd.DataFrame(
        [
            ("10", "Ann", "Lee", "ann@x.com", "+85291111111", "1990-01-01", None),
            ("11", "Ann", "Lee", "ann@x.com", "+85292222222", "1990-01-01", None),
            ("12", "Ann", "Lee", "ann.lee@y.com", "+85292222222", "1960-07-07", None),
        ],
        columns=COLUMNS,
    )
    result = find_duplicates(pd.concat([people(), frame], ignore_index=True), SPEC, id_column="id")
    found = groups(result.clusters)
    assert frozenset({"10", "11"}) in found


def test_components_of_a_chain() -> None:
    labels = components(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert labels.tolist() == [0, 0, 0, 3, 4, 4]


def test_decisions_are_obeyed_exactly() -> None:
    decisions = pd.DataFrame(
        {
            "left": ["1", "7", "nope"],
            "right": ["3", "8", "1"],
            "decision": ["distinct", "match", "match"],
        }
    )
    result = find_duplicates(people(), SPEC, id_column="id", decisions=decisions)
    found = groups(result.clusters)
    assert frozenset({"7", "8"}) in found
    assert not any({"1", "3"} <= g for g in found)
    assert result.stats["decisions_applied"] == 2
    assert result.stats["decisions_unknown_ids"] == 1
    decided = result.pairs[result.pairs["decision"] != ""]
    assert set(zip(decided["left"], decided["right"], decided["decision"], strict=True)) == {
        ("1", "3", "distinct"),
        ("7", "8", "match"),
    }


def test_ids_must_be_unique_and_columns_present() -> None:
    frame = people()
    frame.loc[1, "id"] = "1"
    with pytest.raises(ValueError, match="must be unique"):
        find_duplicates(frame, SPEC, id_column="id")
    with pytest.raises(ValueError, match="no column street"):
        find_duplicates(people().drop(columns="street"), SPEC, id_column="id")


@settings(max_examples=5, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_clusters(rnd: object) -> None:
    frame = people()
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 10**6)).reset_index(drop=True)  # type: ignore[attr-defined]
    first = find_duplicates(frame, SPEC, id_column="id")
    second = find_duplicates(shuffled, SPEC, id_column="id")
    assert groups(first.clusters) == groups(second.clusters)
    # every input record appears exactly once
    assert sorted(second.clusters["record_id"]) == sorted(frame["id"])


def test_larger_random_data_every_record_once_and_order_free() -> None:
    rng = np.random.default_rng(11)
    n = 3_000
    base = pd.DataFrame(
        {
            "id": [f"r{i:05d}" for i in range(n)],
            "first": rng.choice(["Ann", "Bob", "Cai", "Dan", "Eve", "Fay"], n),
            "last": rng.choice(["Lee", "Chan", "Wong", "Smith", "Lam"], n),
            "email": [f"u{i % 2400}@x.com" for i in range(n)],
            "phone": [f"+8529{rng.integers(1000000, 9999999)}" for _ in range(n)],
            "dob": [
                f"19{rng.integers(50, 99)}-0{rng.integers(1, 9)}-1{rng.integers(0, 9)}"
                for _ in range(n)
            ],
            "street": None,
        }
    )
    first = find_duplicates(base, SPEC, id_column="id")
    second = find_duplicates(base.iloc[::-1].reset_index(drop=True), SPEC, id_column="id")
    assert groups(first.clusters) == groups(second.clusters)
    assert first.clusters["record_id"].is_unique and len(first.clusters) == n
