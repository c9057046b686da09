"""The dedupe benchmark's generator and scoring: deterministic, truthful, standardised values.

The generator lives in ``benchmarks/`` (not a package), so it is imported by path. A 3,000-row
frame takes well under a second.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))  # bench_dedupe imports its siblings by name
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


datagen = _load("dedupe_datagen")
bench = _load("bench_dedupe")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return datagen.generate(3_000, seed=7)


def test_same_seed_same_frame(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(frame, datagen.generate(3_000, seed=7))


def test_other_seed_other_frame(frame: pd.DataFrame) -> None:
    assert not frame.equals(datagen.generate(3_000, seed=8))


def test_columns_and_ids(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == datagen.COLUMNS
    assert len(frame) == 3_000
    assert frame["rec_id"].is_unique
    assert frame["entity_id"].notna().all()


def test_duplicate_share(frame: pd.DataFrame) -> None:
    """About a quarter of the people have 2-4 records; nobody has more."""
    sizes = frame.groupby("entity_id").size()
    assert sizes.max() <= 4
    assert 0.18 <= (sizes > 1).mean() <= 0.32


def test_values_are_standardised(frame: pd.DataFrame) -> None:
    email = frame["email"].dropna()
    assert (email == email.str.lower()).all()
    assert email.str.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z.]+").all()
    assert frame["phone"].dropna().str.fullmatch(r"\+\d{10,13}").all()
    birth = frame["birthdate"].dropna()
    assert birth.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert pd.to_datetime(birth, format="%Y-%m-%d", errors="coerce").notna().all()


def test_both_scripts_and_missing_values(frame: pd.DataFrame) -> None:
    last = frame["last_name"].dropna()
    assert last.str.contains(r"[\u4e00-\u9fff]").any()  # Taiwanese names in characters
    assert last.str.fullmatch(r"[A-Za-z' ]+").any()  # English and Hong Kong names
    for column in ("email", "phone", "birthdate"):
        assert 0.03 < frame[column].isna().mean() < 0.4


def test_traps_that_are_not_duplicates(frame: pd.DataFrame) -> None:
    """Households share a street and often a phone; namesakes share a full name."""
    street = frame.dropna(subset=["street", "postal_code"])
    people_per_address = street.groupby(["street", "postal_code"])["entity_id"].nunique()
    assert (people_per_address > 1).sum() > 10
    names = frame.dropna(subset=["first_name", "last_name"])
    people_per_name = names.groupby(["first_name", "last_name"])["entity_id"].nunique()
    assert (people_per_name > 1).sum() > 10


def test_score_counts_pairs_from_group_sizes() -> None:
    truth = pd.DataFrame({"rec_id": [1, 2, 3, 4, 5], "entity_id": [1, 1, 1, 2, 2]})
    clusters = pd.DataFrame({"record_id": ["1", "2", "3", "4"], "cluster_id": ["a", "a", "b", "b"]})
    scores = bench.score(truth, clusters)  # record 5 is missing: it stands alone
    assert (scores.true_pairs, scores.predicted_pairs, scores.true_positives) == (4, 2, 1)
    assert scores.precision == 0.5
    assert scores.recall == 0.25


def test_score_across_sources_counts_only_cross_pairs() -> None:
    truth = pd.DataFrame(
        {"rec_id": ["a1", "a2", "b1", "b2"], "entity_id": [1, 1, 1, 2],
         "source": ["a", "a", "b", "b"]}
    )  # fmt: skip
    clusters = pd.DataFrame({"record_id": ["a1", "a2", "b1", "b2"], "cluster_id": [0, 0, 0, 0]})
    scores = bench.score(truth, clusters, cross_source=True)
    assert (scores.true_pairs, scores.predicted_pairs, scores.true_positives) == (2, 4, 2)
