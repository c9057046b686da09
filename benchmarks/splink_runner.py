"""Splink side of the dedupe benchmark: a sensible DuckDB model for each dataset family.

Splink is a benchmark-only dependency, imported lazily so the rest of the benchmark (and the
test suite) runs without it. Install it with ``pip install -e '.[bench]'`` or
``pip install splink==5.0.0 duckdb``.

The models follow Splink's own FEBRL examples and its advice for person data: blocking rules
as close as possible to crmmigrate's, comparisons with Jaro-Winkler / Levenshtein levels, a
date-of-birth comparison, term-frequency adjustments on names, u by random sampling, m by EM
on two blocking rules, scoring above ``PREDICT_THRESHOLD`` and connected components at
``CLUSTER_THRESHOLD``. Training is part of the timed run, as it is for crmmigrate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

Family = Literal["febrl", "generated"]
INSTALL_HINT = (
    "Splink is not installed; the benchmark compares against it. Install the benchmark extra "
    "with `pip install -e '.[bench]'` (or `pip install splink==5.0.0 duckdb`)."
)
PREDICT_THRESHOLD = 0.2
# Splink's FEBRL4 example clusters at 0.99; on the generated contacts 0.99 is also better
# than 0.9 (households chain together less), so both families use it.
CLUSTER_THRESHOLD = {"febrl": 0.99, "generated": 0.99}
U_MAX_PAIRS = {"febrl": 1e6, "generated": 1e7}
DUCKDB_MEMORY_LIMIT = "12GB"  # a guard for the shared machine; DuckDB spills beyond it


@dataclass(frozen=True)
class SplinkRun:
    clusters: pd.DataFrame  # record_id, cluster_id
    predicted_pairs: int  # scored pairs above PREDICT_THRESHOLD
    cluster_threshold: float


def splink_version() -> str:
    """The installed Splink version, or raise SystemExit with the install hint."""
    try:
        import splink
    except ImportError as err:
        raise SystemExit(INSTALL_HINT) from err
    return str(splink.__version__)


def run_splink(frame: pd.DataFrame, family: Family, id_column: str = "rec_id") -> SplinkRun:
    """Train a model on ``frame``, predict, cluster; return one cluster id per record."""
    splink_version()
    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    db_api = DuckDBAPI(connection=con)
    prepared = _prepare(frame, family)
    table = db_api.register(prepared, table_name="records")
    settings, deterministic, em_rules = _model(family, id_column)
    linker = Linker(table, settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS[family], seed=1)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
    threshold = CLUSTER_THRESHOLD[family]
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    clusters = (
        clustered.as_duckdbpyrelation().select(f'"{id_column}" AS record_id, cluster_id').df()
    )
    predicted = predictions.as_duckdbpyrelation().count("*").fetchall()[0][0]
    return SplinkRun(clusters, int(predicted), threshold)


def count_candidate_pairs(frame: pd.DataFrame, family: Family, id_column: str = "rec_id") -> int:
    """Distinct pairs the prediction blocking rules generate (run after the timed part)."""
    import duckdb
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    db_api = DuckDBAPI(connection=con)
    table = db_api.register(_prepare(frame, family), table_name="records")
    rules = _blocking_rules(family)
    counts = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=rules,
        link_type="dedupe_only",
        unique_id_column_name=id_column,
        record_sample_proportion=1.0,
    )
    last = counts[-1]
    value = (
        last["cumulative_comparison_count"]
        if isinstance(last, dict)
        else last.cumulative_comparison_count
    )
    return int(value)


def _prepare(frame: pd.DataFrame, family: Family) -> pd.DataFrame:
    if family == "generated":  # a full-name column carries the name's term frequency
        full = frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")
        return frame.assign(full_name=full.str.strip().replace("", None))
    return frame


def _blocking_rules(family: Family) -> list[Any]:
    from splink import block_on

    if family == "febrl":
        return [
            block_on("soc_sec_id"),
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
    return [  # the same keys as crmmigrate's GENERATED_SPEC, plus swapped names
        block_on("email"),
        block_on("phone"),
        block_on("last_name", "birthdate"),
        block_on("first_name", "last_name", "city"),
        block_on("first_name", "birthdate"),
        block_on("postal_code", "last_name"),
        "l.first_name = r.last_name and l.last_name = r.first_name",
    ]


def _model(family: Family, id_column: str) -> tuple[Any, list[Any], list[Any]]:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if family == "febrl":
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
    else:
        comparisons = [
            cl.ForenameSurnameComparison(
                "first_name", "last_name", forename_surname_concat_col_name="full_name"
            ),
            cl.EmailComparison("email"),
            cl.LevenshteinAtThresholds("phone", [1, 2]),
            cl.DateOfBirthComparison("birthdate", input_is_string=True),
            cl.JaroWinklerAtThresholds("street", [0.95, 0.85]),
            # city is left out: it only repeats what the postal code says
            cl.ExactMatch("postal_code").configure(term_frequency_adjustments=True),
        ]
        deterministic = [block_on("email"), block_on("first_name", "last_name", "birthdate")]
        em_rules = [block_on("email"), block_on("first_name", "last_name", "city")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=id_column,
        blocking_rules_to_generate_predictions=_blocking_rules(family),
        comparisons=comparisons,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return settings, deterministic, em_rules
