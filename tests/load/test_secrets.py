"""A password in the target URL is never shown or stored: terminal, manifest, config copy,
checkpoint, reconciliation JSON/HTML — whatever form the URL takes.

Quirk: PostgreSQL here uses trust authentication, so any password connects; that is what lets a
real load run with a password that must then be found nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.masking import has_secret, mask_url
from tests.conftest import BASE_CONFIG

SECRET = "Zq7SECRETpw"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql+psycopg://u:pw@h:5432/db", "postgresql+psycopg://u:***@h:5432/db"),
        # an unencoded @ or / in the password: the user information ends at the last @
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),
        ("mysql+pymysql://u:pa/ss@h/db", "mysql+pymysql://u:***@h/db"),
        ("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://h/db?user=u&password=pw&sslmode=require",
         "postgresql://h/db?user=u&password=***&sslmode=require"),
        ("mssql+pyodbc://h/db?driver=x;PWD=pw;UID=u", "mssql+pyodbc://h/db?driver=x;PWD=***;UID=u"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h:5432/db", "postgresql://h:5432/db"),
        ("sqlite:///crm.db", "sqlite:///crm.db"),
        ("sqlite:////data/x:y/crm.db", "sqlite:////data/x:y/crm.db"),
        # no scheme: nothing reads as a password
        ("not a url u:pw@host", "not a url u:pw@host"),
    ],
)  # fmt: skip
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked
    assert has_secret(url) == (url != masked)


def test_mask_url_takes_sqlalchemy_urls() -> None:
    assert mask_url(make_url("postgresql://u:pw@h/db")) == "postgresql://u:***@h/db"


def _project(make_project: Callable[..., Path], url: str) -> Path:
    config = BASE_CONFIG.replace("target: {url: sqlite:///crm.db}", f"target:\n  url: '{url}'")
    return make_project(config)


def _leaks(root: Path, *texts: str) -> list[str]:
    found = [f"output {i}" for i, t in enumerate(texts) if SECRET in t]
    for path in root.rglob("*"):
        if path.is_file() and SECRET.encode() in path.read_bytes():
            found.append(str(path.relative_to(root)))
    return found


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_no_password_in_any_run_file_or_output(
    make_project: Callable[..., Path],
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    base = make_url(postgres_url)
    if form == "userinfo":
        url = base.set(password=f"{SECRET}@x").render_as_string(hide_password=False)
    else:
        url = base.update_query_dict({"password": SECRET}).render_as_string(hide_password=False)
    project = _project(make_project, url)
    monkeypatch.chdir(project.parent)
    runner = CliRunner()
    first = runner.invoke(app, ["run", "--fail-on", "never"])
    assert first.exit_code == 0, first.output
    # a later load reads the password again from the config: the run itself has none
    again = runner.invoke(app, ["load", "--json"])
    assert again.exit_code == 0, again.output
    report = runner.invoke(app, ["report"])
    assert report.exit_code == 0, report.output
    outputs = [r.stdout + r.stderr for r in (first, again, report)]
    assert _leaks(project.parent / "runs", *outputs) == []


def test_a_config_naming_another_target_asks_for_the_url(
    make_project: Callable[..., Path], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(postgres_url).set(password=SECRET).render_as_string(hide_password=False)
    project = _project(make_project, url)
    monkeypatch.chdir(project.parent)
    runner = CliRunner()
    assert runner.invoke(app, ["clean", "--quiet"]).exit_code == 0
    assert runner.invoke(app, ["validate", "--quiet", "--fail-on", "never"]).exit_code == 0
    # a new password for the same target is used (rotated); another target is not
    project.write_text(project.read_text().replace(SECRET, "rotated"), encoding="utf-8")
    assert runner.invoke(app, ["load", "--dry-run", "--quiet"]).exit_code == 0
    other = make_url(url).set(username="someone_else").render_as_string(hide_password=False)
    project.write_text(project.read_text().replace(url.replace(SECRET, "rotated"), other))
    result = runner.invoke(app, ["load"])
    assert result.exit_code == 2
    assert "had a password, which a run never stores" in result.stderr
    assert "pass --target URL or set $CRMMIGRATE_TARGET_URL" in result.stderr
    assert SECRET not in result.stderr


def test_the_password_may_come_from_the_environment(
    make_project: Callable[..., Path], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(postgres_url).set(password="PLACEHOLDER").render_as_string(hide_password=False)
    project = _project(make_project, url.replace("PLACEHOLDER", "${CRM_TEST_PW}"))
    monkeypatch.chdir(project.parent)
    runner = CliRunner()
    missing = runner.invoke(app, ["run", "--fail-on", "never"])
    assert missing.exit_code == 2
    assert "uses ${CRM_TEST_PW}, which is not set (export CRM_TEST_PW=... " in missing.stderr
    monkeypatch.setenv("CRM_TEST_PW", f"{SECRET}/@:")
    loaded = runner.invoke(app, ["load"])
    assert loaded.exit_code == 0, loaded.output
    assert _leaks(project.parent / "runs", loaded.stdout + loaded.stderr) == []
