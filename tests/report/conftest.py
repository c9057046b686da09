"""A tiny deterministic project, run through clean → validate → load once per module.

Its quirks, on purpose:
- contacts C002 appears twice (same key): the two rows merge into one cluster of size 2;
- a contact row has no key: rejected at clean (missing-key);
- C003's birthdate 1987-02-30 is impossible: an error finding, so it is not loaded;
- C004's first name ``Zqxplanted`` and e-mail ``zqx.planted@@example.com`` are the planted
  customer values the report must never show (the e-mail is also an invalid-email warning).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmmigrate.config import load_config
from crmmigrate.pipeline.run import RunResult, run_project
from tests.conftest import ACCOUNTS_CSV, BASE_CONFIG

PLANTED = ("Zqxplanted", "zqx.planted@@example.com")

CONTACTS = (
    "Contact ID,First Name,Last Name,E-mail,DOB,Company\n"
    "C001,Ann,Lee,ANN@EXAMPLE.COM,1985-03-04,A1\n"
    "C002,Bob,Wu,bob@example.com,1990-05-04,A1\n"
    "C002,Bob,Wu,bob@example.com,1990-05-04,A1\n"
    "C003,Cy,Chan,cy@example.com,1987-02-30,A2\n"
    f"C004,{PLANTED[0]},Ho,{PLANTED[1]},1979-12-01,A2\n"
    ",Nokey,Person,nokey@example.com,1970-01-01,A1\n"
)
# the same two-source project as tests/conftest.py, with these contacts
ACCOUNTS = ACCOUNTS_CSV
CONFIG = BASE_CONFIG


def make_tiny_project(root: Path) -> Path:
    (root / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (root / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    config = root / "crmmigrate.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The tiny project after `crmmigrate run --fail-on never` (reports written by the stages)."""
    config = make_tiny_project(tmp_path_factory.mktemp("tiny"))
    return run_project(load_config(config), fail_on="never")
