"""The fill benchmark's data runs through the built-in rules, and a second pass fills nothing."""

from __future__ import annotations

from phonenumbers import is_valid_number, parse

from benchmarks.bench_fill import frames  # benchmarks/ is a namespace package from the root
from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.fill import fill_objects, load_fill_rules


def test_fill_is_idempotent_on_the_benchmark_data() -> None:
    data = frames(4_000, streets=50)
    schema = load_target_schema(default_schema_path())
    rules = load_fill_rules(None, schema)
    first = fill_objects(data, schema, rules, ChangeLog())
    assert first.filled > 0
    # a contact with a phone is given a country, unless its phones are in two countries
    contacts = first.frames["contacts"]
    has_phone = contacts["mobile_phone"].notna() | contacts["phone"].notna()
    left = set(contacts.loc[has_phone & contacts["mailing_country"].isna(), "_record_id"])
    conflicts = first.conflicts
    disagree = conflicts[(conflicts["field"] == "mailing_country")]
    assert set(disagree["reason"]) == {"phones-disagree"}
    assert set(disagree["record_id"]) <= left
    # the others have no valid number (the generator makes some impossible HK numbers)
    by_id = contacts.set_index("_record_id")
    for record_id in left - set(disagree["record_id"]):
        numbers = by_id.loc[record_id, ["mobile_phone", "phone"]].dropna()
        assert not any(is_valid_number(parse(n)) for n in numbers), record_id
    # the 1% full names typed into the first name are split
    assert not (contacts["first_name"] == "Alex Wong").any()
    again = fill_objects(first.frames, schema, rules, ChangeLog())
    assert again.filled == 0
