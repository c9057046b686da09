"""Blocking chosen from the data, key transforms, and oversized blocks split, never dropped."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from crmmigrate.transform.dedupe.autoblock import choose_rules
from crmmigrate.transform.dedupe.blocking import TRANSFORMS, KeyCodes, pairs_within_groups
from crmmigrate.transform.dedupe.spec import parse_object_spec

SPEC = {
    "blocking": "auto",
    "comparisons": [
        {"field": "first", "kind": "name"},
        {"field": "last", "kind": "name"},
        {"field": "email", "kind": "email"},
        {"field": "dob", "kind": "date"},
        {"field": "street", "kind": "text"},
    ],
    "refine": ["city"],
    "pair_budget": 5,
}


def _text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_key_transforms() -> None:
    street = TRANSFORMS["street"](
        _text(
            [
                "20 Rupp Place",
                "5467 S. University Ave",
                "台北市大安區忠孝東路四段100號5樓",
                "PO Box",
                None,
            ]
        )
    )
    assert street.tolist()[:3] == ["20 rupp", "5467 university", "100 忠孝東路四段"]
    assert street.isna().tolist()[3:] == [True, True]
    assert TRANSFORMS["swap"](_text(["1980-05-03", "1980-03-05"])).tolist() == ["1980-03-05"] * 2
    assert TRANSFORMS["phonetic"](_text(["Smyth", "Smith", "陳"])).tolist() == ["SM0", "SM0", None]
    assert TRANSFORMS["last7"](_text(["264-5300", "+1 312 264 5300", "123"])).tolist()[:2] == [
        "2645300",
        "2645300",
    ]
    assert TRANSFORMS["token1"](_text(["acme trading"])).tolist() == ["acme"]


def test_oversized_groups_are_compared_by_sorted_neighbourhood() -> None:
    rows = np.arange(30)
    groups = np.r_[np.zeros(25, dtype=np.int64), np.ones(5, dtype=np.int64)]
    order = np.arange(30)[::-1].copy()  # neighbours by this order, not by row number
    left, right, split, split_rows = pairs_within_groups(rows, groups, 10, order, window=2)
    got = set(zip(left.tolist(), right.tolist(), strict=True))
    small = set(itertools.combinations(range(25, 30), 2))
    ranked = sorted(range(25), key=lambda r: order[r])
    near = {
        (min(ranked[i], ranked[j]), max(ranked[i], ranked[j]))
        for i in range(25)
        for j in range(i + 1, min(i + 3, 25))
    }
    assert got == small | near
    assert (split, split_rows) == (1, 25)
    # without a window the big group gives no pairs but is still counted
    left, _, split, _ = pairs_within_groups(rows, groups, 10)
    assert len(left) == 10 and split == 1


def _people(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firsts = np.array(["Ann", "Ben", "Cai", "Dora", "Eric", "Fion", "Gary", "Hugo", "Ivy", "Jack"])
    lasts = np.array([f"Surname{i}" for i in range(200)])
    return pd.DataFrame(
        {
            "first": rng.choice(firsts, n),
            "last": rng.choice(lasts, n),
            # every other pair of records shares an e-mail (a few duplicates to find)
            "email": [f"user{i // 2}@mail.com" if i % 3 else None for i in range(n)],
            "dob": [f"19{50 + i % 50}-{1 + i % 12:02d}-{1 + (i * 7) % 28:02d}" for i in range(n)],
            "street": [f"{i % 400} Main Street" for i in range(n)],
            "city": rng.choice(["Perth", "Sydney", "Hobart"], n),
        },
        dtype="str",
    )


def test_chosen_rules_stay_within_the_budget_and_use_the_fields_present() -> None:
    data = _people(3000)
    spec = parse_object_spec(SPEC)
    choice = choose_rules(spec, data, KeyCodes(data, {}))
    assert choice.rules, "some rule must be chosen"
    assert choice.pairs <= choice.budget == 5 * 3000
    assert ["email"] in [c.rule for c in choice.rules]  # a unique key: cheap and strong
    for chosen in choice.rules:
        fields = {part.split(":")[0] for part in chosen.rule}
        assert fields <= {"first", "last", "email", "dob", "street", "city"}
        assert fields != {"city"}  # a refine field never blocks alone
    assert 0 < choice.recall <= 1


def test_a_field_nobody_filled_is_not_blocked_on() -> None:
    data = _people(500).assign(email=None)
    spec = parse_object_spec(SPEC)
    choice = choose_rules(spec, data, KeyCodes(data, {}))
    assert all("email" not in part for c in choice.rules for part in c.rule)


def test_the_choice_does_not_depend_on_row_order() -> None:
    data = _people(2000)
    spec = parse_object_spec(SPEC)
    first = choose_rules(spec, data, KeyCodes(data, {}))
    shuffled = data.sample(frac=1, random_state=3).reset_index(drop=True)
    second = choose_rules(spec, shuffled, KeyCodes(shuffled, {}))
    assert [c.rule for c in first.rules] == [c.rule for c in second.rules]


def test_large_files_are_counted_on_a_sample() -> None:
    data = pd.concat([_people(60_000, seed=s) for s in (1, 2)], ignore_index=True)
    spec = parse_object_spec(SPEC | {"pair_budget": 30})
    choice = choose_rules(spec, data, KeyCodes(data, {}))
    assert choice.sampled == 100_000
    assert choice.pairs <= choice.budget
