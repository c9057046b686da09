"""Splink side of the card benchmark: one data-set directory (``card.json`` + CSVs) -> clusters.

A card names its sources (CSV file + key column) and maps crmmigrate field names to CSV columns
(a list = those columns joined with a space). The records of all sources are deduplicated
together (``dedupe_only`` over the union; the unique id is ``source:key``); ``truth.csv`` is never
read. Splink is configured the way its own documentation recommends for the fields the card has,
and every choice below names the page or example it follows. Pages are cited by their path in
the Splink docs (https://moj-analytical-services.github.io/splink/, source under ``docs/`` in
moj-analytical-services/splink), as read for Splink 4/5:

Data preparation (README "What data does Splink work best with?": standardise first —
lower-case, punctuation cleaned up; leave out columns predictable from others;
``demos/tutorials/08_building_your_own_model.md``: read CSVs with DuckDB's own reader and clean
in SQL, not pandas). The CSVs are read as text by DuckDB; then, and only then:

- text (names, street, city, state, company name): lower-case, dots and apostrophes dropped,
  other punctuation -> space, runs of white space -> one, trimmed, empty -> null;
- e-mail: lower-case, trimmed, inner spaces removed; postcode: lower-case, trimmed;
- phones, mobile, fax: the digits only; tax id: letters and digits only; website: the host,
  without scheme and ``www.``;
- birth date: parsed to ISO ``YYYY-MM-DD`` with the formats the card's ``date_order`` allows
  (unparseable -> null), because ``DateOfBirthComparison(input_is_string=True)`` parses ISO;
- ``first_name || ' ' || last_name`` as a full-name column, so the name's term frequency is the
  full name's (``topic_guides/data_preparation/feature_engineering.md`` "Full name", and
  ``demos/examples/duckdb/deduplicate_50k_synthetic``).

Comparisons (``api_docs/comparison_library``):

- first + last name: ``ForenameSurnameComparison`` with the concatenated column
  (``deduplicate_50k_synthetic``, ``quick_and_dirty_persons``); a lone name column (first, last,
  full name, company name): ``NameComparison`` (``febrl3`` / ``febrl4`` examples), which puts
  term-frequency adjustments on the exact level;
- birth date: ``DateOfBirthComparison(input_is_string=True)`` (all person examples);
- e-mail: ``EmailComparison`` (``demos/tutorials/04_Estimating_model_parameters``);
- postcode: ``PostcodeComparison`` for GB cards (its levels are UK sector/district/area);
  elsewhere ``DamerauLevenshteinAtThresholds(postcode, [1, 2])`` with term frequencies, as the
  ``febrl4`` example's detailed model does for Australian postcodes;
- tax id: ``DamerauLevenshteinAtThresholds(tax_id, [1, 2])``, the ``febrl3``/``febrl4``
  treatment of their numeric identifier (soc_sec_id); ``topic_guides/comparisons/comparators.md``:
  Damerau-Levenshtein for data-entry errors, transpositions and miskeys;
- phones, mobile, fax and street: ``LevenshteinAtThresholds(col, [1, 2])`` (comparators.md:
  Levenshtein for miskeys; tutorial 04 uses it for city and dob). Not Damerau-Levenshtein: DuckDB's
  ``damerau_levenshtein`` measured ~5x slower than ``levenshtein`` on 10-13 digit phones here
  (drivers_of_performance: costly comparison functions are the second driver of run time), and
  not Jaro-Winkler for the street: it weights the first characters (comparators.md: "e.g.
  names"), and streets share theirs ("flat a ..", "12 ..") across different addresses. The
  distance is computed once a pair, as ``topic_guides/performance/optimising_duckdb.md``
  "Enabling the optimisation yourself" shows (same levels and results as the library class);
- website: ``ExactMatch`` with term frequencies (``febrl4`` style for a categorical key);
- city only when there is no postcode, state only when there is neither: the ``febrl4`` example
  leaves further location columns out "as they will be strongly correlated with postcode", and
  the README warns against columns predictable from others; when they are used they are
  ``ExactMatch`` with term frequencies (``04_Estimating_model_parameters``, city).

Blocking (``topic_guides/blocking/blocking_rules.md``, ``demos/tutorials/03_Blocking``,
``topic_guides/blocking/performance.md``): equi-join rules only (no OR, no fuzzy function:
performance.md), in three tiers (PERSON_RULES / ACCOUNT_RULES):

1. strict: blocking_rules.md's "Tightening blocking rules for linking larger datasets" (first +
   surname + ``substr(postcode,1,3)``; surname + dob; first name + dob; dob + postcode; first
   name + postcode; surname + postcode), swapped first and last names (``febrl4``), the
   identifiers the card has (e-mail as in tutorial 03; phones, tax id, website as ``febrl4``'s
   soc_sec_id) and the street (``febrl4``: street number + address_1);
2. looser: first + surname (``febrl4``, blocking_rules.md), then ``deduplicate_50k_synthetic``'s
   list (substr(first,1,3) + substr(surname,1,4), substr(postcode,1,3) + dob / first name /
   surname, substr(first,1,2) + substr(surname,1,2) + year of birth, dob + birth place -> city);
3. loosest, tried only up to 20,000 records: ``febrl3``'s one column each (first name,
   surname, dob, postcode), which that example uses on its 5,000 records.

Following performance.md ("start with strict blocking rules and incrementally loosen them",
choosing "which rule is appropriate for their data" from the counts), run() keeps the rules in
that order while the sum of their own pair counts (block sizes, a cheap group-by; an upper bound
of their union) stays within ``COMPARISONS_ADVISED`` = 20 million, the figure tutorial 03 gives
for DuckDB on a laptop. ``count_comparisons_from_blocking_rules`` then counts the chosen rules'
comparisons (exact up to ``EXACT_COUNT_ROWS`` records, from a 10% sample on each side beyond),
and the per-rule and total counts are printed to stderr.

Training (``topic_guides/training/training_rationale.md``, ``04_Estimating_model_parameters``):
``estimate_probability_two_random_records_match`` with deterministic rules (names + birth date,
swapped names + birth date as in ``febrl3``, e-mail as in training_rationale.md; tax id, name +
postcode, name + phone for accounts) at recall 0.7 (training_rationale.md's and tutorial 04's
value); ``estimate_u_using_random_sampling(max_pairs=1e7)`` (training_rationale.md,
``deduplicate_50k_synthetic``), seeded; EM in training_rationale.md's "round robin": dob, then
the names, then the postcode for a further estimate that Splink averages (``febrl3`` trains on
dob and postcode); accounts: name, then postcode and phone. Each with
``estimate_without_term_frequencies=True`` (``febrl4``, ``deduplicate_50k_synthetic``) and, past
``EXACT_COUNT_ROWS`` records, ``max_pairs`` capping the session (drivers_of_performance).

Prediction and clustering: ``predict(threshold_match_probability=threshold)`` (drivers of
performance: filter below the threshold in predict; the clusters are the same as from a lower
filter) and ``cluster_pairwise_predictions_at_threshold(predictions, threshold)`` (connected
components; ``deduplicate_50k_synthetic`` clusters at 0.95, which is also crmmigrate's default
here). DuckDB runs in memory with an explicit ``memory_limit``
(``topic_guides/performance/optimising_duckdb.md``).

Usage::

    python benchmarks/splink_cards.py CARD_DIR [--threshold 0.95] [--out clusters.csv]

prints one JSON line on stdout (wall seconds from CSV read to clusters, peak RSS from VmHWM,
counts); the comparison counts and Splink's own messages go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from splink_runner import splink_version

DEFAULT_THRESHOLD = 0.95  # crmmigrate's merge probability
DETERMINISTIC_RECALL = 0.7  # tutorial 04's guess for a few deterministic rules
U_MAX_PAIRS = 1e7  # deduplicate_50k_synthetic; tutorial 04: at least 1e7 for large data
EM_MAX_PAIRS = 2e6  # drivers_of_performance: cap each EM session's blocked pairs (large data)
COMPARISONS_ADVISED = 20_000_000  # tutorial 03: DuckDB on a laptop
EXACT_COUNT_ROWS = 200_000  # count comparisons exactly up to this many records
COUNT_SAMPLE = 0.1  # beyond it, from this share of the records on each side of the join
SEED = 1
DUCKDB_MEMORY_LIMIT = "12GB"  # optimising_duckdb.md: set it, leave headroom (24 GB machine)

# crmmigrate field -> the column Splink sees. mailing_/billing_ are dropped so that contacts and
# accounts share the address rules; a full address is used only when there is no street.
CONTACT_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "full_name",
    "email": "email",
    "phone": "phone",
    "mobile_phone": "mobile_phone",
    "birthdate": "birthdate",
    "mailing_street": "street",
    "mailing_address": "street",
    "mailing_city": "city",
    "mailing_state": "state",
    "mailing_postal_code": "postal_code",
}
ACCOUNT_FIELDS = {
    "name": "name",
    "phone": "phone",
    "fax": "fax",
    "website": "website",
    "email": "email",
    "tax_id": "tax_id",
    "billing_street": "street",
    "billing_address": "street",
    "billing_city": "city",
    "billing_state": "state",
    "billing_postal_code": "postal_code",
}
KINDS = {  # the light cleaning each column gets
    "first_name": "text",
    "last_name": "text",
    "full_name": "text",
    "name": "text",
    "street": "text",
    "city": "text",
    "state": "text",
    "email": "email",
    "postal_code": "postcode",
    "phone": "digits",
    "mobile_phone": "digits",
    "fax": "digits",
    "tax_id": "alnum",
    "website": "host",
    "birthdate": "date",
}
# Prediction blocking rules, each the columns of one block_on (equi-joins only), in three
# tiers from strict to loose. run() keeps, in this order, every rule whose own pair count still
# fits the comparison budget (performance.md: start strict, loosen incrementally, and let the
# count of comparisons decide which rule suits the data). A rule naming a column the card lacks
# is left out; without a postcode the city stands in for it.
PERSON_RULES: list[list[tuple[str, ...]]] = [
    [  # blocking_rules.md, "Tightening blocking rules for linking larger datasets"
        ("first_name", "last_name", "substr(postal_code, 1, 3)"),
        ("last_name", "birthdate"),
        ("first_name", "birthdate"),
        ("birthdate", "postal_code"),
        ("first_name", "postal_code"),
        ("last_name", "postal_code"),
        ("full_name",),  # a full name alone: quick_and_dirty_persons
        ("substr(full_name, 1, 6)", "birthdate"),
    ],
    [  # febrl4 (first + surname), then deduplicate_50k_synthetic (dob + birth_place -> city)
        ("first_name", "last_name"),
        ("substr(postal_code, 1, 3)", "birthdate"),
        ("birthdate", "city"),
        ("substr(first_name, 1, 2)", "substr(last_name, 1, 2)", "substr(birthdate, 1, 4)"),
        ("substr(first_name, 1, 3)", "substr(last_name, 1, 4)"),
        ("substr(postal_code, 1, 3)", "first_name"),
        ("substr(postal_code, 1, 3)", "last_name"),
    ],
    [  # febrl3: one column each, for small data (see TIER_MAX_ROWS)
        ("first_name",),
        ("last_name",),
        ("birthdate",),
        ("postal_code",),
    ],
]
ACCOUNT_RULES: list[list[tuple[str, ...]]] = [  # the same shapes with one name column
    [
        ("name", "substr(postal_code, 1, 3)"),
        ("name", "city"),
        ("substr(name, 1, 4)", "postal_code"),
    ],
    [("name",), ("substr(postal_code, 1, 3)", "substr(name, 1, 2)")],
    [("postal_code",)],
]
# A tier is tried only up to this many records: the loosest is febrl3's, for its 5,000 records
# (blocking_rules.md: "As the size of your input data grows, tighter blocking rules may be needed").
TIER_MAX_ROWS = (None, None, 20_000)
SWAPPED = "l.first_name = r.last_name and l.last_name = r.first_name"  # febrl4
IDENTIFIERS = ("email", "tax_id", "mobile_phone", "phone", "fax", "website")  # tutorial 03: email
FULL_NAME = "first_name_surname_concat"  # deduplicate_50k_synthetic's name for it
_ISO = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d"]
DATE_FORMATS = {  # two-digit years first: %Y would read "56" as the year 56
    "YMD": [*_ISO, "%Y.%m.%d", "%Y%m%d", "%y-%m-%d", "%y/%m/%d"],
    "DMY": [
        *_ISO,
        "%d/%m/%y", "%d-%m-%y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y",
        "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d %b, %Y", "%d%m%Y",
    ],
    "MDY": [
        *_ISO,
        "%m/%d/%y", "%m-%d-%y", "%m.%d.%y", "%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y",
        "%b %d %Y", "%b %d, %Y", "%B %d %Y", "%B %d, %Y", "%m%d%Y",
    ],
}  # fmt: skip


@dataclass(frozen=True)
class SplinkResult:
    clusters: pd.DataFrame  # source, key, cluster_id: every record, singletons included
    records: int
    comparisons: int  # candidate pairs the prediction blocking rules generate
    comparisons_estimated: bool  # counted from a sample of the records
    scored_pairs: int  # pairs at or above the threshold
    seconds: float  # CSV read to clusters
    threshold: float


def load_card(card_dir: str | Path) -> dict[str, Any]:
    card = json.loads((Path(card_dir) / "card.json").read_text(encoding="utf-8"))
    if card.get("object") not in ("contacts", "accounts"):
        raise ValueError(f"card object must be contacts or accounts, not {card.get('object')!r}")
    return card


def columns(card: dict[str, Any]) -> dict[str, list[str]]:
    """The columns Splink sees -> the CSV columns they are made of (joined with a space)."""
    mapping = CONTACT_FIELDS if card["object"] == "contacts" else ACCOUNT_FIELDS
    out: dict[str, list[str]] = {}
    for field, source in card["fields"].items():
        target = mapping.get(field)
        if target is None or not source:
            continue
        if field in ("mailing_address", "billing_address") and "street" in out:
            continue  # a street is more use than a whole address
        out[target] = [source] if isinstance(source, str) else list(source)
    if "first_name" in out and "last_name" in out:
        out.pop("full_name", None)  # the concatenation of the two carries the full name
    return out


Rule = tuple[str, ...] | str  # the columns of a block_on, or SQL (the swapped names)


def _fit(keys: tuple[str, ...], have: set[str]) -> tuple[str, ...] | None:
    if "postal_code" not in have and "city" in have:  # substr(postal_code, ..) too
        keys = tuple("city" if "postal_code" in key else key for key in keys)
    needed = {name for key in keys for name in KINDS if re.search(rf"\b{name}\b", key)}
    return keys if needed <= have and len(set(keys)) == len(keys) else None


def candidate_rules(card: dict[str, Any]) -> list[list[Rule]]:
    """The prediction blocking rules the card's fields allow, in tiers from strict to loose."""
    have = set(columns(card))
    person = card["object"] == "contacts"
    tiers: list[list[Rule]] = []
    seen: set[Rule] = set()
    for table in PERSON_RULES if person else ACCOUNT_RULES:
        tier: list[Rule] = []
        for keys in table:
            fitted = _fit(keys, have)
            if fitted is not None and fitted not in seen:
                seen.add(fitted)
                tier.append(fitted)
        tiers.append(tier)
    strict = tiers[0]
    if person and {"first_name", "last_name"} <= have:
        strict.append(SWAPPED)
    strict += [(c,) for c in IDENTIFIERS if c in have and (c,) not in seen]  # tutorial 03: email
    if "street" in have:
        strict.append(("street",))  # febrl4: street number + address_1
    return [tier for tier in tiers if tier]


def _block(rule: Rule) -> Any:
    from splink import block_on

    return rule if isinstance(rule, str) else block_on(*rule)


def levenshtein_at_thresholds(column: str, thresholds: list[int]) -> Any:
    """``LevenshteinAtThresholds(column, thresholds)`` with the distance computed once a pair.

    optimising_duckdb.md, "Enabling the optimisation yourself": name the function in the null
    level with a test that is never true, so DuckDB hoists it out of the CASE; the levels and
    results are those of the library comparison.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    left, right = f"{column}_l", f"{column}_r"
    null = cll.CustomLevel(
        f"levenshtein({left}, {right}) = -100 OR {left} IS NULL OR {right} IS NULL",
        label_for_charts=f"{column} is NULL",
    ).configure(is_null_level=True)
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            null,
            cll.ExactMatchLevel(column),
            *(cll.LevenshteinLevel(column, t) for t in thresholds),
            cll.ElseLevel(),
        ],
    )


def splink_settings(
    card: dict[str, Any], blocking_rules: list[Rule] | None = None
) -> tuple[Any, list[Any], list[Any]]:
    """(settings, deterministic rules, EM rules) for the fields the card has.

    ``blocking_rules`` are the prediction rules (see choose_rules); by default the strict tier,
    which suits any size of data.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    have = set(columns(card))
    person = card["object"] == "contacts"
    postcode, city = "postal_code" in have, "city" in have
    both_names = {"first_name", "last_name"} <= have
    if person:
        lone = [c for c in ("full_name", "first_name", "last_name") if c in have][:1]
        names = ["first_name", "last_name"] if both_names else lone
    else:
        names = ["name"] if "name" in have else []

    comparisons: list[Any] = []
    if both_names:
        comparisons.append(
            cl.ForenameSurnameComparison(
                "first_name", "last_name", forename_surname_concat_col_name=FULL_NAME
            )
        )
    elif names:
        comparisons.append(cl.NameComparison(names[0]))
    if "birthdate" in have:
        comparisons.append(cl.DateOfBirthComparison("birthdate", input_is_string=True))
    if "email" in have:
        comparisons.append(cl.EmailComparison("email"))
    if "tax_id" in have:
        comparisons.append(cl.DamerauLevenshteinAtThresholds("tax_id", [1, 2]))
    for phone in ("mobile_phone", "phone", "fax"):
        if phone in have:
            comparisons.append(levenshtein_at_thresholds(phone, [1, 2]))
    if "website" in have:
        comparisons.append(cl.ExactMatch("website").configure(term_frequency_adjustments=True))
    if "street" in have:
        comparisons.append(levenshtein_at_thresholds("street", [1, 2]))
    if postcode and str(card.get("country", "")).upper() in ("GB", "UK"):
        comparisons.append(cl.PostcodeComparison("postal_code"))
    elif postcode:
        comparisons.append(
            cl.DamerauLevenshteinAtThresholds("postal_code", [1, 2]).configure(
                term_frequency_adjustments=True
            )
        )
    elif city:
        comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
    elif "state" in have:
        comparisons.append(cl.ExactMatch("state").configure(term_frequency_adjustments=True))
    if not comparisons:
        raise ValueError(f"card {card.get('name')!r} maps no field Splink can compare")

    if blocking_rules is None:
        blocking_rules = candidate_rules(card)[0]
    if not blocking_rules:
        raise ValueError(f"card {card.get('name')!r} has no field to block on")
    rules = [_block(rule) for rule in blocking_rules]

    deterministic: list[Any] = []
    em: list[Any] = []
    if "tax_id" in have:
        deterministic.append(block_on("tax_id"))  # febrl3/febrl4: soc_sec_id
    if person:
        dob = "birthdate" in have
        if names and dob:
            deterministic.append(block_on(*names, "birthdate"))  # febrl3, febrl4
        if both_names and dob:
            deterministic.append(f"{SWAPPED} and l.birthdate = r.birthdate")  # febrl3
        # training_rationale.md's round robin: dob, then the names, then (more estimates, which
        # Splink averages) the postcode; febrl3 trains on dob and postcode
        em += [block_on("birthdate")] if dob else []
        em += [block_on(*names)] if names else []
        em += [block_on("postal_code" if postcode else "city")] if postcode or city else []
    else:
        place = "postal_code" if postcode else "city" if city else None
        if names and place:
            deterministic.append(block_on("name", place))
        if names and "phone" in have:
            deterministic.append(block_on("name", "phone"))
        em += [block_on("name")] if names else []
        em += [block_on(c) for c in ("postal_code", "phone") if c in have]
        em += [block_on("city")] if city and not postcode else []
    if "email" in have:
        deterministic.append(block_on("email"))  # tutorial 04
    if not deterministic:  # nothing above applies: the strictest prediction rule
        deterministic.append(rules[0])
    if not em:
        em.append(rules[0])

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=rules,
        comparisons=comparisons,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return settings, deterministic, em


# --- reading and light cleaning, in DuckDB ------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _clean(kind: str, raw: str, date_order: str) -> str:
    text = f"trim(CAST({raw} AS VARCHAR))"
    if kind == "text":
        joined = rf"regexp_replace(lower({text}), '[.''’`]', '', 'g')"  # o'connor, t.a.s.
        spaced = rf"regexp_replace({joined}, '[^\p{{L}}\p{{N}}]+', ' ', 'g')"
        return f"nullif(trim({spaced}), '')"
    if kind == "email":
        return rf"nullif(regexp_replace(lower({text}), '\s+', '', 'g'), '')"
    if kind == "postcode":
        return rf"nullif(regexp_replace(lower({text}), '\s+', ' ', 'g'), '')"
    if kind == "digits":
        return f"nullif(regexp_replace({text}, '[^0-9]', '', 'g'), '')"
    if kind == "alnum":
        return rf"nullif(regexp_replace(lower({text}), '[^\p{{L}}\p{{N}}]', '', 'g'), '')"
    if kind == "host":
        host = (
            f"regexp_extract(lower({text}), '^(?:[a-z][a-z0-9+.-]*://)?(?:www\\.)?([^/?#:@]+)', 1)"
        )
        return f"nullif({host}, '')"
    if kind == "date":
        formats = DATE_FORMATS.get(str(date_order).upper(), DATE_FORMATS["YMD"])
        tries = ", ".join(
            f"CASE WHEN year(try_strptime({text}, {_literal(f)})) BETWEEN 1800 AND 2200 "
            f"THEN try_strptime({text}, {_literal(f)}) END"
            for f in formats
        )
        parsed = f"coalesce({tries})"
        # a two-digit year in the future is last century's
        fixed = f"CASE WHEN {parsed} > now() THEN {parsed} - INTERVAL 100 YEAR ELSE {parsed} END"
        return f"strftime({fixed}, '%Y-%m-%d')"
    raise ValueError(kind)


def _source_sql(con: Any, card_dir: Path, source: dict[str, Any], card: dict[str, Any]) -> str:
    path = card_dir / source["file"]
    reader = f"read_csv({_literal(str(path))}, all_varchar = true, header = true)"
    header = [row[0] for row in con.sql(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    stripped = {name.strip(): name for name in header}

    def column(name: str) -> str | None:
        found = name if name in header else stripped.get(name.strip())
        return _quote(found) if found is not None else None

    key = column(source["key"])
    if key is None:
        raise ValueError(f"{path}: no key column {source['key']!r}")
    parts = [f"{_literal(source['name'])} AS source", f"trim({key}) AS key"]
    for target, sources in columns(card).items():
        present = [c for c in (column(s) for s in sources) if c is not None]
        if len(present) < len(sources):
            missing = [s for s in sources if column(s) is None]
            print(f"{path.name}: no column {missing} for {target}", file=sys.stderr)
        raw = f"concat_ws(' ', {', '.join(present)})" if present else "NULL"
        parts.append(f"{_clean(KINDS[target], raw, card.get('date_order', 'YMD'))} AS {target}")
    return f"SELECT {', '.join(parts)} FROM {reader}"


def prepare(con: Any, card_dir: Path, card: dict[str, Any]) -> Any:
    """The union of the sources, cleaned, as a DuckDB table ``records``."""
    union = " UNION ALL BY NAME ".join(
        f"({_source_sql(con, card_dir, source, card)})" for source in card["sources"]
    )
    concat = ""
    if {"first_name", "last_name"} <= set(columns(card)):
        concat = f", first_name || ' ' || last_name AS {FULL_NAME}"
    con.execute(
        f"CREATE OR REPLACE TABLE records AS SELECT source || ':' || key AS unique_id, *"
        f"{concat} FROM ({union})"
    )
    query = "SELECT count(*), count(DISTINCT unique_id) FROM records"
    rows, distinct = con.execute(query).fetchall()[0]
    if rows != distinct:
        raise ValueError(f"{card_dir}: {rows - distinct} records repeat a source key")
    return con.table("records")


# --- the run ------------------------------------------------------------------------------------


def own_pairs(con: Any, rule: Rule) -> int:
    """Pairs one rule generates on its own, from block sizes (cheap: no join is made)."""
    if isinstance(rule, str):  # the swapped names: an equi-join that DuckDB counts as it goes
        sql = f"SELECT count(*) FROM records l JOIN records r ON ({rule}) AND l.unique_id < r.unique_id"
    else:
        present = " AND ".join(f"({key}) IS NOT NULL" for key in rule)
        blocks = f"SELECT count(*) AS n FROM records WHERE {present} GROUP BY {', '.join(rule)}"
        sql = f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM ({blocks})"
    return int(con.execute(sql).fetchall()[0][0])


def choose_rules(
    con: Any, tiers: list[list[Rule]], rows: int, budget: int = COMPARISONS_ADVISED
) -> list[Rule]:
    """Strict rules first, then looser ones while the pairs they add up to fit ``budget``.

    performance.md: get a model running with strict rules and loosen them incrementally,
    choosing with the comparison counts; tutorial 03: about 20 million comparisons for DuckDB.
    The sum of each rule's own pairs bounds their union from above.
    """
    chosen: list[Rule] = []
    total = 0
    for tier, rules in enumerate(tiers, 1):
        limit = TIER_MAX_ROWS[min(tier, len(TIER_MAX_ROWS)) - 1]
        if limit is not None and rows > limit:
            print(f"  tier {tier} not tried: more than {limit:,} records", file=sys.stderr)
            continue
        for rule in rules:
            pairs = own_pairs(con, rule)
            keep = total + pairs <= budget or not chosen
            if keep:
                chosen.append(rule)
                total += pairs
            label = rule if isinstance(rule, str) else ", ".join(rule)
            verdict = "kept" if keep else "left out"
            print(f"  tier {tier} {verdict:>8} {pairs:>14,} own pairs  {label}", file=sys.stderr)
    return chosen


def count_comparisons(table: Any, rules: list[Any], rows: int) -> tuple[int, bool]:
    """Candidate pairs of the prediction rules (count_comparisons_from_blocking_rules)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    proportion = 1.0 if rows <= EXACT_COUNT_ROWS else COUNT_SAMPLE
    counts = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=rules,
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        record_sample_proportion=proportion,
    )
    estimated = proportion < 1.0
    for record in counts:
        print(
            f"  {record['marginal_comparison_count']:>14,}  {record['blocking_rule']}",
            file=sys.stderr,
        )
    total = int(counts[-1]["cumulative_comparison_count"]) if counts else 0
    note = " (estimated from a sample)" if estimated else ""
    print(f"comparisons from blocking rules: {total:,}{note}", file=sys.stderr)
    if total > COMPARISONS_ADVISED:
        print(
            f"  more than the ~{COMPARISONS_ADVISED:,} Splink's tutorial advises for DuckDB",
            file=sys.stderr,
        )
    return total, estimated


def run(
    card_dir: str | Path, threshold: float = DEFAULT_THRESHOLD, verbose: bool = False
) -> SplinkResult:
    """Read the card's CSVs, train, predict and cluster at ``threshold``."""
    splink_version()
    import duckdb
    from splink import DuckDBAPI, Linker

    card_dir = Path(card_dir)
    card = load_card(card_dir)
    tiers = candidate_rules(card)
    log_level = logging.INFO if verbose else logging.WARNING
    started = time.perf_counter()
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    con.execute("SET enable_progress_bar = false")  # stdout carries only the JSON line
    records = prepare(con, card_dir, card)
    rows = int(con.execute("SELECT count(*) FROM records").fetchall()[0][0])
    settings, deterministic, em_rules = splink_settings(card, choose_rules(con, tiers, rows))
    db_api = DuckDBAPI(connection=con)
    table = db_api.register(records, table_name="records_input")
    comparisons, estimated = count_comparisons(
        table, settings.blocking_rules_to_generate_predictions, rows
    )
    linker = Linker(table, settings, log_level=log_level)
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    em_max_pairs = EM_MAX_PAIRS if rows > EXACT_COUNT_ROWS else None
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=em_max_pairs
        )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    clusters = clustered.as_duckdbpyrelation().select("source, key, cluster_id").df()
    scored = int(predictions.as_duckdbpyrelation().count("*").fetchall()[0][0])
    seconds = time.perf_counter() - started
    con.close()
    return SplinkResult(clusters, rows, comparisons, estimated, scored, seconds, threshold)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("card_dir", type=Path)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--out", type=Path, default=None, help="write source,key,cluster_id")
    parser.add_argument("--verbose", action="store_true", help="Splink's INFO messages")
    args = parser.parse_args(argv)
    version = splink_version()
    result = run(args.card_dir, args.threshold, verbose=args.verbose)
    if args.out is not None:
        result.clusters.to_csv(args.out, index=False)
    sizes = result.clusters.groupby("cluster_id").size()
    line = {
        "tool": "splink",
        "version": version,
        "card": str(args.card_dir),
        "threshold": result.threshold,
        "wall_seconds": round(result.seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "records": result.records,
        "clusters": len(sizes),
        "merged_records": int(sizes[sizes > 1].sum()),
        "comparisons": result.comparisons,
        "comparisons_estimated": result.comparisons_estimated,
        "scored_pairs": result.scored_pairs,
    }
    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
