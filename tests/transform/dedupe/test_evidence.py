"""What a merge needs: more than a name; exact copies merged first; review capped per record.

``members()`` is a 16-row shop member list, the shape of the issue that found the problem:
  1-2   陳雅琪 twice, nothing else in common (e-mail on one, mobile on the other)
  3-4   John Smith twice, different e-mails
  5-6   王小明 twice, different mobiles
  7-8   Mary Lee twice, different e-mails and different mobiles
  9-10  林志明 / 林志明: the same mobile, name written the same — one person
  11-12 Ann Wu / ANN WU: the same e-mail — one person
  13-16 four other people
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.transform.dedupe.crm import _matching_frame, _strongest_per_record, load_rules
from crmmigrate.transform.dedupe.engine import exact_copies, find_duplicates
from crmmigrate.transform.dedupe.spec import parse_object_spec

SPEC = load_rules(None, load_target_schema(default_schema_path())).objects["contacts"]
MEMBERS = [
    ("1", "雅琪", "陳", "yachi@gmail.com", None),
    ("2", "雅琪", "陳", None, "+886912345678"),
    ("3", "John", "Smith", "john.smith@yahoo.com", None),
    ("4", "John", "Smith", "jsmith@hotmail.com", None),
    ("5", "小明", "王", None, "+886922333444"),
    ("6", "小明", "王", None, "+886933555666"),
    ("7", "Mary", "Lee", "mary@gmail.com", "+886910000001"),
    ("8", "Mary", "Lee", "marylee@outlook.com", "+886910000002"),
    ("9", "志明", "林", None, "+886955666777"),
    ("10", "志明", "林", "lin@msa.hinet.net", "+886955666777"),
    ("11", "Ann", "Wu", "ann.wu@gmail.com", None),
    ("12", "ANN", "WU", "ann.wu@gmail.com", "+886977000111"),
    ("13", "大同", "張", "chang@gmail.com", "+886911111111"),
    ("14", "Kevin", "Huang", "kevin@yahoo.com.tw", "+886922222222"),
    ("15", "美玲", "黃", None, "+886933333333"),
    ("16", "Grace", "Lin", "grace@example.com", None),
]


def members(extra: int = 0) -> pd.DataFrame:
    rows = list(MEMBERS)
    rng = np.random.default_rng(7)
    for i in range(extra):  # ordinary contacts beside them, all different people
        rows.append((f"x{i}", f"First{i}", f"Last{rng.integers(1000)}", f"p{i}@mail.com",
                     f"+8869{10_000_000 + i * 7919}"))  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["external_id", "first_name", "last_name", "email", "mobile_phone"]
    )
    return _matching_frame(frame.astype(object), SPEC)


def _groups(result: pd.DataFrame) -> set[frozenset[str]]:
    grouped = result.groupby("cluster_id")["record_id"].agg(frozenset)
    return {g for g in grouped if len(g) > 1}


def test_a_name_alone_or_against_other_evidence_never_merges() -> None:
    for extra in (0, 40, 400):
        result = find_duplicates(members(extra), SPEC, id_column="external_id")
        assert _groups(result.clusters) == {frozenset({"9", "10"}), frozenset({"11", "12"})}, extra


def test_without_the_rule_a_small_file_merges_namesakes() -> None:
    # the rule is what keeps them apart: switched off, the name's weight decides on its own
    loose = SPEC.model_copy(update={"require_other_evidence": False})
    result = find_duplicates(members(), loose, id_column="external_id")
    assert len(_groups(result.clusters)) > 2


def test_exact_copies_merge_first_unless_they_hold_only_a_name() -> None:
    spec = parse_object_spec(
        {"comparisons": [{"field": "name", "kind": "name"}, {"field": "phone", "kind": "phone"}]}
    )
    data = pd.DataFrame(
        {"name": ["Ann", "Ann", "Ann", "Ann", "Bob"], "phone": ["1", "1", None, None, "1"]},
        dtype="str",
    )
    rep, copies = exact_copies(data, spec, np.zeros(5, dtype=bool))
    assert rep.tolist() == [0, 0, 2, 3, 4] and copies == 1
    excluded = np.array([False, True, False, False, False])
    assert exact_copies(data, spec, excluded)[0].tolist() == [0, 1, 2, 3, 4]


def test_a_list_exported_twelve_times_merges_completely() -> None:
    base = members(60)
    copies = pd.concat(
        [base.assign(external_id=base["external_id"] + f"#{k}") for k in range(12)],
        ignore_index=True,
    )
    result = find_duplicates(copies, SPEC, id_column="external_id")
    cluster_of = result.clusters.set_index("record_id")["cluster_id"]
    for original in base["external_id"]:
        assert cluster_of[[f"{original}#{k}" for k in range(12)]].nunique() == 1, original
    assert result.stats["exact_copies"] == len(base) * 11


def test_review_keeps_each_records_strongest_pairs() -> None:
    band = pd.DataFrame(
        {"left": ["a", "a", "a", "a", "b", "c"], "right": ["b", "c", "d", "e", "c", "d"]}
    )  # sorted strongest first
    kept = _strongest_per_record(band, 2)
    # a's two strongest are b and c; b-c is the second of both b and c; d and e are a's 3rd/4th
    assert kept.to_dict("list") == {"left": ["a", "a", "b"], "right": ["b", "c", "c"]}


HOUSEHOLD = [
    # twins: one address, one landline, one birthday, two given names
    ("t1", "Keith", "Costa", None, None, "+61780104525", "1997-05-22", "5 Clark Road"),
    ("t2", "Courtney", "Costa", None, None, "+61780104525", "1997-05-22", "5 Clark Road"),
    # a father and a son of one name at one address
    ("f1", "John", "Russell", "john@yahoo.com", None, "+61287467600", "1949-12-23", "39 Main St"),
    ("f2", "John", "Russell", None, None, "+61287467600", "1981-06-26", "39 Main Street"),
    # sister and brother: close given names, each a name of its own, their own e-mails
    ("s1", "Paula", "Anderson", "paula@bigpond.com", None, "+61826631069", None, "75 Chapel Av"),
    ("s2", "Paul", "Anderson", "paul@gmail.com", None, "+61826631069", None, "75 Chapel Avenue"),
    # one person: a misspelt given name, the same mobile
    ("p1", "Emily", "Wong", None, "+61412345678", None, "1980-01-02", "9 Hill St"),
    ("p2", "Emilyy", "Wong", None, "+61412345678", None, "1980-01-02", "9 Hill Street"),
]
COLUMNS = ["external_id", "first_name", "last_name", "email", "mobile_phone", "phone",
           "birthdate", "mailing_street"]  # fmt: skip


def household(extra: int = 300) -> pd.DataFrame:
    rows = list(HOUSEHOLD)
    firsts = ["Paul", "Paula", "Emily", "John", "Keith", "Courtney"] * 10
    for i in range(extra):  # other people, so that the given names above are common names
        rows.append((f"x{i}", firsts[i % len(firsts)], f"Other{i}", f"x{i}@mail.com",
                     f"+614{20_000_000 + i}", None, f"19{50 + i % 40}-01-{1 + i % 28:02d}",
                     f"{i} Long Road"))  # fmt: skip
    return _matching_frame(pd.DataFrame(rows, columns=COLUMNS).astype(object), SPEC)


def test_relatives_stay_apart_and_a_misspelt_name_merges() -> None:
    result = find_duplicates(household(), SPEC, id_column="external_id")
    assert _groups(result.clusters) == {frozenset({"p1", "p2"})}


def test_without_protect_relatives_only_the_weights_decide() -> None:
    loose = SPEC.model_copy(update={"protect_relatives": False})
    groups = _groups(find_duplicates(household(), loose, id_column="external_id").clusters)
    assert frozenset({"t1", "t2"}) in groups  # the twins look like one person to the weights
