"""``crmmigrate schema``: the JSON Schema it prints accepts the configs the loader accepts and
rejects the ones it rejects, as check-jsonschema (what the README tells CI to run) sees them.

The configs: samples/crmmigrate.yaml, what ``crmmigrate init`` writes for the sample files, and
small edits of BASE below, each once through check-jsonschema (one run for all of them) and once
through ``load_config``. BASE's quirks: two sources, every mapping a plain string (the shorthand)
but the reference, which is a mapping; no source file exists (``load_config`` opens none).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.cli.schema import CONFIG_NOTE, TARGET_NOTE
from crmmigrate.config import load_config
from crmmigrate.config_jsonschema import config_json_schema
from crmmigrate.errors import ConfigError
from crmmigrate.target_schema import default_schema_path, load_target_schema

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SAMPLE_SOURCES = (
    "erp/accounts.csv",
    "legacy_crm/contacts.csv",
    "shop/members.csv",
    "shop/orders_2025-*.xlsx",
    "hubspot/leads.csv",
)

BASE = """\
version: 1
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
      last_name: Last Name
      email: E-mail
      account: {column: Company, source: erp}
"""


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


# id -> a config the loader accepts
VALID = {
    "column-shorthand": BASE,
    "concat-shorthand": BASE + "      description: [Last Name, E-mail]\n",
    "concat-with-sep": BASE + "      description: {concat: [Last Name, E-mail], sep: ' / '}\n",
    "value": BASE + "      lead_source: {value: legacy-crm}\n",
    "other-keys-null": edit("email: E-mail", "email: {column: E-mail, value: null, concat: null}"),
    "reference-by": edit("source: erp}", "source: erp, by: external_id}"),
    "yaml-1.1-booleans": BASE
    + "dedupe: {enabled: no}\nfill: {enabled: Off}\n"
    + "customers: {enabled: yes, archive: ON, inactive_before: 2024-01-01}\n",
    "quoted-date-and-edges": BASE
    + "customers: {reference_date: '2026-01-01', rfm: {frequency: [1, 2, 3.5, 5]}}\n",
    "lowercase-countries": edit("key: Account No", "key: Account No\n    country: hk")
    + "defaults: {country: gb, date_order: DMY}\n",
    "standardise-options": edit(
        "key: Account No", "key: Account No\n    standardise: {phone: {region: HK}}"
    )
    + "standardise:\n  phone: {output: E164, region: HK}\n  email: {fix_typos: no}\n"
    + "  date: {excel_epoch: 1904, min_year: 1900}\n",
    "schema-path-alias": BASE
    + f"target: {{schema_path: {json.dumps(str(default_schema_path()))}}}\n",
}

# id -> (a config the loader rejects, what its message says, where check-jsonschema reports it)
INVALID = {
    "version-2": (edit("version: 1", "version: 2"), "version: must be 1", "$.version"),
    "no-version": (BASE.replace("version: 1\n", ""), "version: required key is missing", "$"),
    "no-sources": ("version: 1\nsources: []\n", "sources: ", "$.sources"),
    "unknown-key": (BASE + "runs-dir: runs\n", "runs-dir: unknown key", "$"),
    "number-mapping": (
        edit("email: E-mail", "email: 5"),
        "write a column name in quotes",
        "$.sources[1].fields.email",
    ),
    "null-mapping": (edit("email: E-mail", "email:"), "fields.email", "$.sources[1].fields.email"),
    "column-and-value": (
        edit("email: E-mail", "email: {column: E-mail, value: x}"),
        "give exactly one of column:, value: or concat:",
        "$.sources[1].fields.email",
    ),
    "no-column-value-or-concat": (
        edit("email: E-mail", "email: {sep: '-'}"),
        "give exactly one of column:, value: or concat:",
        "$.sources[1].fields.email",
    ),
    "empty-concat": (edit("email: E-mail", "email: []"), "concat", "$.sources[1].fields.email"),
    "misspelt-mapping-key": (
        edit("email: E-mail", "email: {colum: E-mail}"),
        "colum: unknown key",
        "$.sources[1].fields.email",
    ),
    "external-id-mapped": (
        BASE + "      external_id: Contact ID\n",
        "the external id comes from key:",
        "$.sources[1].fields",
    ),
    "archive-without-cutoff": (
        BASE + "customers: {archive: yes}\n",
        "archive: true needs inactive_before:",
        "$.customers",
    ),
    "three-rfm-edges": (
        BASE + "customers: {rfm: {frequency: [1, 2, 3]}}\n",
        "give 4 ascending edges",
        "$.customers.rfm.frequency",
    ),
    "three-letter-country": (
        BASE + "defaults: {country: TWN}\n",
        "must be an ISO 3166 alpha-2 code",
        "$.defaults.country",
    ),
    "not-a-field-type": (
        BASE + "standardise: {phon: {region: HK}}\n",
        "standardise.phon: not a field type with options",
        "$.standardise",
    ),
    "option-value": (
        BASE + "standardise: {phone: {output: e164}}\n",
        "standardise.phone.output: must be one of",
        "$.standardise.phone.output",
    ),
    "source-option-name": (
        edit("key: Account No", "key: Account No\n    standardise: {phone: {regoin: HK}}"),
        "sources[0].standardise.phone.regoin: unknown option",
        "$.sources[0].standardise.phone",
    ),
    "schema-and-schema-path": (
        BASE + "target: {schema: a.yaml, schema_path: b.yaml}\n",
        "target",
        "$.target",
    ),
    "not-a-boolean": (BASE + "dedupe: {enabled: maybe}\n", "dedupe.enabled", "$.dedupe.enabled"),
    "batch-size-0": (
        BASE + "target: {batch_size: 0}\n",
        "target.batch_size",
        "$.target.batch_size",
    ),
}


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def write_init_configs(where: Path) -> list[Path]:
    """What `crmmigrate init` writes: all the sample sources, each alone, and no source."""
    sets = {"all": SAMPLE_SOURCES, "template": ()}
    sets |= {f"only-{i}": (name,) for i, name in enumerate(SAMPLE_SOURCES)}
    configs = []
    for label, names in sets.items():
        args = [arg for name in names for arg in ("--from", str(SAMPLES / name))]
        result = invoke("init", str(where / label), "--quiet", *args)
        assert result.exit_code == 0, result.stderr
        configs.append(where / label / "crmmigrate.yaml")
    return configs


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """check-jsonschema's error paths per checked file (one run for every config here)."""
    tmp = tmp_path_factory.mktemp("schema")
    result = invoke("schema")
    assert result.exit_code == 0, result.stderr
    schema = tmp / "crmmigrate.schema.json"
    schema.write_text(result.stdout, encoding="utf-8")
    files = [SAMPLES / "crmmigrate.yaml", *write_init_configs(tmp / "init")]
    for label, text in [*VALID.items(), *((k, v[0]) for k, v in INVALID.items())]:
        files.append(tmp / label / "crmmigrate.yaml")
        files[-1].parent.mkdir()
        files[-1].write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "-o", "json", "--schemafile", str(schema)]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    assert not report.get("parse_errors"), report
    errors: dict[str, list[str]] = {str(f): [] for f in files}
    for error in report["errors"]:
        errors[error["filename"]].append(error["path"])
    assert run.returncode == (1 if report["errors"] else 0), run.stderr
    return {Path(name).parent.name: paths for name, paths in errors.items()}


def test_the_samples_config_is_valid(checked: dict[str, list[str]]) -> None:
    assert checked["samples"] == []


@pytest.mark.parametrize("label", ["all", "template", *(f"only-{i}" for i in range(5))])
def test_every_config_init_writes_is_valid(checked: dict[str, list[str]], label: str) -> None:
    assert checked[label] == []


@pytest.mark.parametrize("label", VALID)
def test_what_the_loader_accepts_the_schema_accepts(
    checked: dict[str, list[str]], label: str, tmp_path: Path
) -> None:
    config = tmp_path / "crmmigrate.yaml"
    config.write_text(VALID[label], encoding="utf-8")
    load_config(config)
    assert checked[label] == []


@pytest.mark.parametrize("label", INVALID)
def test_what_the_loader_rejects_the_schema_rejects(
    checked: dict[str, list[str]], label: str, tmp_path: Path
) -> None:
    text, message, where = INVALID[label]
    config = tmp_path / "crmmigrate.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert message in str(raised.value)
    assert checked[label], f"the schema accepts {label}"
    # and for that reason alone: BASE itself passes, so every error is the edit's
    assert all(path.startswith(where) for path in checked[label]), checked[label]


def test_schema_prints_the_library_schema_and_a_note_on_stderr() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == config_json_schema()
    assert result.stderr == f"note: {CONFIG_NOTE}\n"


@pytest.mark.parametrize("flag", ["--json", "--quiet", "-q"])
def test_schema_json_and_quiet_print_the_same_schema_and_nothing_else(flag: str) -> None:
    result = invoke("schema", flag)
    assert result.exit_code == 0
    assert result.stdout == invoke("schema").stdout
    assert result.stderr == ""


def test_schema_target_prints_the_default_target_schema() -> None:
    result = invoke("schema", "--target")
    assert result.exit_code == 0
    expected = load_target_schema(default_schema_path()).model_dump(mode="json", exclude_none=True)
    assert json.loads(result.stdout) == expected
    assert result.stderr == f"note: {TARGET_NOTE}\n"
    assert invoke("schema", "--target", "--json").stderr == ""
