"""Property: whatever the input, every record read is loaded, merged or rejected — once."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmmigrate.config import load_config
from crmmigrate.pipeline.load import load_run
from crmmigrate.pipeline.run import run_project

CONFIG = """\
version: 1
target: {url: sqlite:///crm.db}
sources:
  - name: people
    path: people.csv
    object: contacts
    key: id
    fields: {first_name: first, last_name: last, email: email, birthdate: dob}
"""

keys = st.one_of(st.just(""), st.sampled_from(["1", "2", "3", "007", " 7 ", "x"]))
names = st.one_of(st.just(""), st.text(min_size=1, max_size=8))
dobs = st.sampled_from(["", "1985-03-04", "1987-02-30", "04/05/1990", "民國75年3月4日", "?"])
emails = st.sampled_from(["", "a@b.co", "A@B.CO", "broken@", "x y@z.com"])
rows = st.lists(st.tuples(keys, names, names, emails, dobs), min_size=0, max_size=25)


def _csv(data: list[tuple[str, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "first", "last", "email", "dob"])
    writer.writerows(data)
    return buf.getvalue()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows)
def test_read_equals_loaded_plus_merged_plus_rejected(tmp_path_factory, data) -> None:
    root: Path = tmp_path_factory.mktemp("inv")
    (root / "people.csv").write_text(_csv(data), encoding="utf-8")
    (root / "crmmigrate.yaml").write_text(CONFIG, encoding="utf-8")
    project = load_config(root / "crmmigrate.yaml")
    result = run_project(project, fail_on="never")
    assert result.load is not None
    rec = result.load.reconciliation
    flow = rec.objects[0]
    assert flow.read == len([r for r in data if any(c != "" for c in r)])
    assert flow.read == flow.loaded + flow.merged + flow.rejected
    assert rec.balanced
    with sqlite3.connect(root / "crm.db") as db:
        (in_target,) = db.execute("select count(*) from contacts").fetchone()
    assert in_target == flow.loaded
    # loading the same run again changes nothing and still balances
    again = load_run(result.clean.run)
    assert again.reconciliation.balanced
    assert all(o.inserted == 0 and o.updated == 0 for o in again.result.objects)
