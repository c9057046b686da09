"""``crmmigrate rules list`` and ``crmmigrate rules export``, and the package's copy of rules/.

The built-in rule files are the repository's rules/ directory; the package holds them under
crmmigrate/data/rules/ (tests/test_packaging.py checks that a wheel does too).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmmigrate.builtin_rules import RULE_FILES, export_rule_files, rule_file_data
from crmmigrate.cli.main import app
from crmmigrate.config import load_config
from crmmigrate.target_schema import default_schema_path
from crmmigrate.transform.dedupe.crm import default_rules_path as default_dedupe_rules
from crmmigrate.transform.fill import default_rules_path as default_fill_rules

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["validate.yaml", "dedupe.yaml", "fill.yaml", "target/crm_default.yaml"]
EXPORTED = (
    "wrote {n} rule file(s) to {dir}{replaced}; list a validate file under rules: in "
    "crmmigrate.yaml, point dedupe.rules, fill.rules or target.schema at a copy to change the "
    "built-in one\n"
)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in tmp_path, so the paths in messages stay short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_file_of_rules_is_a_built_in_rule_file() -> None:
    in_repository = sorted(
        p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*") if p.is_file()
    )
    assert sorted(rule.name for rule in RULE_FILES) == in_repository == sorted(NAMES)
    for rule in RULE_FILES:
        assert rule_file_data(rule) == (ROOT / "rules" / rule.name).read_bytes(), rule.name


def test_the_exported_files_are_the_built_in_defaults_a_run_uses() -> None:
    data = {rule.name: rule_file_data(rule) for rule in RULE_FILES}
    assert data["target/crm_default.yaml"] == default_schema_path().read_bytes()
    assert data["dedupe.yaml"] == default_dedupe_rules().read_bytes()
    assert data["fill.yaml"] == default_fill_rules().read_bytes()


@pytest.mark.parametrize("args", [["rules"], ["rules", "list"], ["rules", "export"]])
def test_rules_commands_have_help(args: list[str]) -> None:
    result = invoke(*args, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_rules_list_shows_each_file_and_how_to_copy_them() -> None:
    result = invoke("rules", "list")
    assert result.exit_code == 0
    for rule in RULE_FILES:
        assert rule.name in result.stdout
        assert rule.kind in result.stdout
    assert result.stderr == "copy them with: crmmigrate rules export DIR [FILE]...\n"
    assert invoke("rules", "list", "--quiet").stderr == ""


def test_rules_list_json_is_the_library_list() -> None:
    result = invoke("rules", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "json_version": 1,
        "rules": [rule.to_dict() for rule in RULE_FILES],
    }
    assert [r["name"] for r in json.loads(result.stdout)["rules"]] == NAMES
    assert result.stderr == ""


def test_export_writes_every_file_where_the_readme_paths_expect_them(in_tmp: Path) -> None:
    result = invoke("rules", "export", "rules")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [str(Path("rules", name)) for name in NAMES]
    assert result.stderr == EXPORTED.format(n=4, dir="rules", replaced="")
    for name in NAMES:
        assert (in_tmp / "rules" / name).read_bytes() == (ROOT / "rules" / name).read_bytes()
    # the README's config keys, pointed at the copies, load
    (in_tmp / "crmmigrate.yaml").write_text(
        "version: 1\n"
        "target: {schema: rules/target/crm_default.yaml}\n"
        "rules: [rules/validate.yaml]\n"
        "dedupe: {rules: rules/dedupe.yaml}\n"
        "fill: {rules: rules/fill.yaml}\n"
        "sources:\n"
        "  - {name: crm, path: c.csv, object: contacts, fields: {last_name: Last Name}}\n",
        encoding="utf-8",
    )
    assert load_config(in_tmp / "crmmigrate.yaml").config.rules == ["rules/validate.yaml"]


def test_export_refuses_to_overwrite_and_writes_nothing(in_tmp: Path) -> None:
    (in_tmp / "mine").mkdir()
    (in_tmp / "mine" / "fill.yaml").write_text("my rules\n", encoding="utf-8")
    result = invoke("rules", "export", "mine")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {Path('mine', 'fill.yaml')}: already exists; pass --force to overwrite it "
        "(nothing was written)\n"
    )
    assert result.stdout == ""
    assert sorted(p.name for p in (in_tmp / "mine").iterdir()) == ["fill.yaml"]
    assert (in_tmp / "mine" / "fill.yaml").read_text(encoding="utf-8") == "my rules\n"


def test_export_names_every_file_it_would_overwrite(in_tmp: Path) -> None:
    assert invoke("rules", "export", "out", "--quiet").exit_code == 0
    result = invoke("rules", "export", "out", "validate.yaml", "target/crm_default.yaml")
    assert result.exit_code == 2
    listed = f"{Path('out', 'validate.yaml')}, {Path('out', 'target', 'crm_default.yaml')}"
    assert result.stderr == (
        f"error: {listed}: already exist; pass --force to overwrite them (nothing was written)\n"
    )


def test_export_force_overwrites_and_says_so(in_tmp: Path) -> None:
    (in_tmp / "mine").mkdir()
    (in_tmp / "mine" / "fill.yaml").write_text("my rules\n", encoding="utf-8")
    result = invoke("rules", "export", "mine", "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == EXPORTED.format(n=4, dir="mine", replaced=" (1 overwritten)")
    assert (in_tmp / "mine" / "fill.yaml").read_bytes() == (ROOT / "rules/fill.yaml").read_bytes()


def test_export_only_the_named_files(in_tmp: Path) -> None:
    result = invoke("rules", "export", "out", "fill.yaml", "target/crm_default.yaml", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    written = sorted(p.relative_to(in_tmp / "out").as_posix() for p in in_tmp.rglob("*.yaml"))
    assert written == ["fill.yaml", "target/crm_default.yaml"]


def test_export_json_is_the_library_result(in_tmp: Path) -> None:
    (in_tmp / "out").mkdir()
    (in_tmp / "out" / "dedupe.yaml").write_text("old\n", encoding="utf-8")
    result = invoke("rules", "export", "out", "--force", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    again = export_rule_files(Path("out"), force=True).to_dict()
    for entry in again["files"]:  # the library's second export overwrote every file
        entry["overwritten"] = entry["name"] == "dedupe.yaml"
    assert json.loads(result.stdout) == {"json_version": 1, **again}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["out", "fill.yml"], "fill.yml: not a built-in rule file; did you mean 'fill.yaml'?"),
        (["a-file"], "a-file: not a directory; give a directory to export into"),
        (
            ["dir-in-the-way"],
            f"{Path('dir-in-the-way', 'validate.yaml')}: is a directory; "
            "remove it or export somewhere else",
        ),
    ],
)
def test_export_usage_errors_are_exit_2(in_tmp: Path, args: list[str], message: str) -> None:
    (in_tmp / "a-file").write_text("", encoding="utf-8")
    (in_tmp / "dir-in-the-way" / "validate.yaml").mkdir(parents=True)
    result = invoke("rules", "export", *args, "--force")
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert result.stdout == ""
    assert not (in_tmp / "out").exists()


def test_the_readme_documents_rules_and_schema() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        "| `crmmigrate rules list` / `crmmigrate rules export DIR [FILE]... [--force]` |" in readme
    )
    assert "`--json` and `--quiet` only leave out the note" in readme
