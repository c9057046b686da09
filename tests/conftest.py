"""Shared fixtures: tiny projects written into tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# no per-example deadline: the machines tests run on are shared and a time limit here would make
# a test fail for the machine's load, not for the code (speed is measured in benchmarks/)
settings.register_profile("crmmigrate", deadline=None)
settings.load_profile("crmmigrate")


@pytest.fixture(autouse=True)
def _state_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Crash traces go to the user's state directory: in tests, a temporary one; no progress."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    # progress lines depend on how long a step takes on a loaded machine: tests that assert on
    # stderr must not see them (tests/cli/test_progress.py turns them on)
    monkeypatch.setenv("CRMMIGRATE_PROGRESS", "never")


CONTACTS_CSV = (
    "Contact ID,First Name,Last Name,E-mail,DOB,Company\n"
    "C001,Ann,Lee,ANN@EXAMPLE.COM,1985-03-04,A1\n"
    "C002,Bob,Wu,bob@example.com,04/05/1990,A1\n"
    "C003,Cy,Chan,not-an-email,1987-02-30,A9\n"
)
ACCOUNTS_CSV = "Account No,Company Name,Phone\nA1,Acme Ltd,02-2345-6789\nA2,Beta Co,\n"

BASE_CONFIG = """\
version: 1
defaults: {country: TW, date_order: YMD}
target: {url: sqlite:///crm.db}
sources:
  - name: erp
    path: accounts.csv
    object: accounts
    key: Account No
    fields: {name: Company Name, phone: Phone}
  - name: legacy
    path: contacts.csv
    object: contacts
    key: Contact ID
    fields:
      first_name: First Name
      last_name: Last Name
      email: E-mail
      birthdate: DOB
      account: {column: Company, source: erp}
"""


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a two-source project into tmp_path; returns the config path."""

    def make(config: str = BASE_CONFIG, **files: str) -> Path:
        contents = {"contacts.csv": CONTACTS_CSV, "accounts.csv": ACCOUNTS_CSV}
        contents.update({k.replace("__", "."): v for k, v in files.items()})
        for name, text in contents.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        path = tmp_path / "crmmigrate.yaml"
        path.write_text(textwrap.dedent(config), encoding="utf-8")
        return path

    return make
