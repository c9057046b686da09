"""The review → decisions loop through the real CLI.

The project: 120 unrelated contacts, one clear duplicate (C900/C901: same e-mail, phone and
birth date) and one borderline pair (C950/C951: same name and birth date, nothing else in
common). Thresholds in the project's dedupe rules put the borderline pair in review.csv.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app

Make = Callable[..., Path]
FIRST = ["Ann", "Ben", "Cai", "Dora", "Eric", "Fion", "Gary", "Hugo", "Ivy", "Jack"]
LAST = ["Lee", "Wong", "Lam", "Ho", "Ng", "Cheung", "Yip", "Tse", "Kwok", "Lau", "Mak", "Szeto"]


def contacts_csv() -> str:
    rows = ["Contact ID,First Name,Last Name,E-mail,Mobile,DOB"]
    for i in range(120):
        rows.append(
            f"C{i:03d},{FIRST[i % 10]},{LAST[i % 12]},p{i}@mail.com,+8529{1000000 + i * 7919},"
            f"19{50 + i % 45}-{1 + i % 12:02d}-{1 + i % 27:02d}"
        )
    rows += [
        "C900,Tai Man,Chan,taiman@x.com,+85261234567,1980-05-03",
        "C901,Tai Mun,Chan,TAIMAN@X.COM,6123 4567,03/05/1980",
        "C950,Mei Ling,Szeto,ml@a.com,+85260000001,1979-11-02",
        "C951,Mei Ling,Szeto,meiling@b.com,+85260000002,1979-11-02",
    ]
    return "\n".join(rows) + "\n"


CONFIG = """\
version: 1
defaults: {country: HK, date_order: DMY}
target: {url: sqlite:///crm.db}
dedupe: {rules: dedupe.yaml, decisions: decisions.csv}
sources:
  - name: legacy
    path: contacts.csv
    object: contacts
    key: Contact ID
    fields:
      first_name: First Name
      last_name: Last Name
      email: E-mail
      mobile_phone: Mobile
      birthdate: DOB
"""

RULES = """\
version: 1
objects:
  contacts:
    sets: {phones: [phone, mobile_phone]}
    blocking: [[email], [phones], [last_name, birthdate]]
    comparisons:
      - {field: first_name, kind: name}
      - {field: last_name, kind: name, tf: true}
      - {field: email, kind: email}
      - {field: phones, kind: phone}
      - {field: birthdate, kind: date}
    match_threshold: 0.999
    review_threshold: 0.001
"""


@pytest.fixture
def project(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = make_project(CONFIG, contacts__csv=contacts_csv(), dedupe__yaml=RULES)
    monkeypatch.chdir(path.parent)
    return path


def clean(project: Path) -> Path:
    result = CliRunner().invoke(app, ["clean", "-c", str(project), "--json"])
    assert result.exit_code == 0, result.output
    return Path(json.loads(result.stdout)["run_dir"])


def together(run: Path, *keys: str) -> bool:
    with (run / "dedupe" / "clusters.csv").open(encoding="utf-8") as handle:
        cluster = {r["source_key"]: r["cluster_id"] for r in csv.DictReader(handle)}
    return len({cluster[k] for k in keys}) == 1


def test_review_then_decide_then_the_next_run_obeys(project: Path) -> None:
    run = clean(project)
    assert together(run, "C900", "C901")
    assert not together(run, "C950", "C951")
    with (run / "dedupe" / "review.csv").open(encoding="utf-8") as handle:
        review = list(csv.DictReader(handle))
    pair = [r for r in review if {r["left"], r["right"]} == {"legacy:C950", "legacy:C951"}]
    assert len(pair) == 1, "the borderline pair is offered for review"
    assert pair[0]["decision"] == ""
    assert pair[0]["birthdate agreement"] == "exact"
    assert pair[0]["email agreement"] == "different"

    # the reviewer says: C950/C951 are one person, C900/C901 are two
    decided = [dict(pair[0], decision="match")]
    decided.append(dict(pair[0], left="legacy:C900", right="legacy:C901", decision="distinct"))
    with (project.parent / "decisions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(review[0]))
        writer.writeheader()
        writer.writerows(decided)
    second = clean(project)
    assert together(second, "C950", "C951")
    assert not together(second, "C900", "C901")
    stage = json.loads((second / "manifest.json").read_text("utf-8"))["stages"]["clean"]
    assert stage["dedupe"]["decisions"] == 2
    assert stage["objects"]["contacts"]["merged"] == 1
    assert (second / "config" / "dedupe_decisions.csv").is_file()


def test_a_bad_decision_is_a_config_error_naming_the_line(project: Path) -> None:
    (project.parent / "decisions.csv").write_text(
        "object,left,right,decision\ncontacts,legacy:C950,legacy:C951,maybe\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["clean", "-c", str(project)])
    assert result.exit_code == 2
    assert "decisions.csv:2: decision must be match or distinct" in result.stderr


def test_a_bad_rules_file_is_a_config_error(project: Path) -> None:
    (project.parent / "dedupe.yaml").write_text(
        RULES.replace("kind: date", "kind: birthday"), encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["clean", "-c", str(project)])
    assert result.exit_code == 2
    assert "dedupe.yaml" in result.stderr and "kind" in result.stderr


def test_the_run_says_how_pairs_were_chosen_and_what_the_model_learnt(project: Path) -> None:
    run = clean(project)
    blocking = json.loads((run / "dedupe" / "blocking.json").read_text("utf-8"))
    contacts = blocking["contacts"]
    assert contacts["chosen"] == "rules"  # the rules file of this project gives its own
    assert [r["rule"] for r in contacts["rules"]] == ["email", "phones", "last_name+birthdate"]
    assert contacts["candidate_pairs"] <= sum(r["pairs"] for r in contacts["rules"])
    assert all(r["split_blocks"] == 0 for r in contacts["rules"])
    model = json.loads((run / "dedupe" / "model.json").read_text("utf-8"))
    levels = model["contacts"]["comparisons"]["email"]
    assert set(levels) == {"different", "similar", "same mailbox name", "exact"}
    assert 0 < model["contacts"]["prior"] < 1
