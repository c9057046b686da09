"""Every config mistake: exit 2 and one exact line naming file, key path and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from tests.conftest import BASE_CONFIG

CASES = [
    (
        "unknown top-level key",
        BASE_CONFIG.replace("defaults:", "defualts:"),
        "crmmigrate.yaml: defualts: unknown key; did you mean 'defaults'?",
    ),
    (
        "unknown source key",
        BASE_CONFIG.replace("    key: Account No", "    kee: Account No"),
        "crmmigrate.yaml: sources[0].kee: unknown key; did you mean 'key'?",
    ),
    (
        "wrong version",
        BASE_CONFIG.replace("version: 1", "version: 2"),
        "crmmigrate.yaml: version: must be 1 (this crmmigrate reads config version 1)",
    ),
    (
        "missing version",
        BASE_CONFIG.replace("version: 1\n", ""),
        "crmmigrate.yaml: version: required key is missing; add version: 1 at the top",
    ),
    (
        "bad date order",
        BASE_CONFIG.replace("date_order: YMD", "date_order: XYZ"),
        "crmmigrate.yaml: defaults.date_order: must be one of 'YMD', 'DMY' or 'MDY'",
    ),
    (
        "country name instead of code",
        BASE_CONFIG.replace("country: TW", "country: Taiwan"),
        "crmmigrate.yaml: defaults.country: must be an ISO 3166 alpha-2 code such as "
        "TW, HK, CN, US, GB",
    ),
    (
        "unknown object",
        BASE_CONFIG.replace("object: contacts", "object: contact"),
        "crmmigrate.yaml: sources[1].object: unknown object 'contact'; did you mean 'contacts'?",
    ),
    (
        "unknown target field",
        BASE_CONFIG.replace("email: E-mail", "emial: E-mail"),
        "crmmigrate.yaml: sources[1].fields.emial: contacts has no field 'emial'; "
        "did you mean 'email'?",
    ),
    (
        "column not in the file",
        BASE_CONFIG.replace("email: E-mail", "email: Email"),
        "crmmigrate.yaml: sources[1].fields.email: no column 'Email' in contacts.csv; "
        "did you mean 'E-mail'?",
    ),
    (
        "key column not in the file",
        BASE_CONFIG.replace("key: Contact ID", "key: ContactID"),
        "crmmigrate.yaml: sources[1].key: no column 'ContactID' in contacts.csv; "
        "did you mean 'Contact ID'?",
    ),
    (
        "source file missing",
        BASE_CONFIG.replace("path: contacts.csv", "path: contact.csv"),
        "crmmigrate.yaml: sources[1].path: contact.csv: file not found; check path: in the config",
    ),
    (
        "malformed YAML",
        BASE_CONFIG.replace("phone: Phone}", "phone: Phone"),
        "crmmigrate.yaml:10:9: malformed YAML (did not find expected ',' or '}'); "
        "check indentation, colons and quoting",
    ),
    (
        "duplicate key",
        BASE_CONFIG.replace("      birthdate: DOB\n", "      birthdate: DOB\n      email: DOB\n"),
        "crmmigrate.yaml:19: duplicate key 'email'; keep one of them",
    ),
    (
        "duplicate source name",
        BASE_CONFIG.replace("name: legacy", "name: erp"),
        "crmmigrate.yaml: sources[1].name: 'erp' is already the name of sources[0]; "
        "give each source a unique name",
    ),
    (
        "required field not mapped",
        BASE_CONFIG.replace("      last_name: Last Name\n", ""),
        "crmmigrate.yaml: sources[1].fields: contacts.last_name is required by the target "
        "schema; map it (or full_name)",
    ),
    (
        "unknown encoding",
        BASE_CONFIG.replace("    object: accounts", "    encoding: big-5\n    object: accounts"),
        "crmmigrate.yaml: sources[0].encoding: unknown encoding 'big-5'; use auto or a Python "
        "codec name such as utf-8, cp950, big5hkscs, gb18030",
    ),
    (
        "reference to an unknown source",
        BASE_CONFIG.replace("source: erp}", "source: erpp}"),
        "crmmigrate.yaml: sources[1].fields.account.source: unknown source 'erpp'; "
        "did you mean 'erp'?",
    ),
    (
        "reference to a source of another object",
        BASE_CONFIG.replace("source: erp}", "source: legacy}"),
        "crmmigrate.yaml: sources[1].fields.account.source: 'legacy' loads contacts, "
        "but account references accounts",
    ),
    (
        "column and constant both given",
        BASE_CONFIG.replace("email: E-mail", "email: {column: E-mail, value: x}"),
        "crmmigrate.yaml: sources[1].fields.email: give exactly one of column:, value: or "
        "concat: (a plain string is a column)",
    ),
    (
        "no sources",
        "version: 1\nsources: []\n",
        "crmmigrate.yaml: sources: needs at least 1 item(s)",
    ),
    (
        "empty file",
        "",
        "crmmigrate.yaml: the file is empty; start from `crmmigrate init`",
    ),
    (
        "source name with a space",
        BASE_CONFIG.replace("name: legacy", "name: legacy contacts"),
        "crmmigrate.yaml: sources[1].name: use only letters, digits, '_', '.' and '-' (no spaces)",
    ),
    (
        "unknown standardise option",
        BASE_CONFIG + "standardise: {phone: {outptu: E164}}\n",
        "crmmigrate.yaml: standardise.phone.outptu: unknown option; did you mean 'output'?",
    ),
    (
        "bad standardise option value",
        BASE_CONFIG.replace(
            "    key: Contact ID\n",
            "    key: Contact ID\n    standardise: {birthdate: {date_order: DDMMYY}}\n",
        ),
        "crmmigrate.yaml: sources[1].standardise.birthdate.date_order: "
        "must be one of YMD, DMY, MDY",
    ),
    (
        "standardise options for an unknown field",
        BASE_CONFIG.replace(
            "    key: Contact ID\n",
            "    key: Contact ID\n    standardise: {mobile: {region: HK}}\n",
        ),
        "crmmigrate.yaml: sources[1].standardise.mobile: contacts has no field 'mobile'; "
        "did you mean 'mobile_phone'?",
    ),
    (
        "rules file missing",
        BASE_CONFIG + "rules: [rules/validate.yaml]\n",
        "crmmigrate.yaml: rules[0]: rules/validate.yaml: file not found; fix the path",
    ),
    (
        "dedupe rules file missing",
        BASE_CONFIG + "dedupe: {rules: dedupe.yaml}\n",
        "crmmigrate.yaml: dedupe.rules: dedupe.yaml: file not found; fix the path or remove the "
        "key to use the built-in rules",
    ),
    (
        "dedupe key misspelt",
        BASE_CONFIG + "dedupe: {decision: d.csv}\n",
        "crmmigrate.yaml: dedupe.decision: unknown key; did you mean 'decisions'?",
    ),
    (
        "fill rules file missing",
        BASE_CONFIG + "fill: {rules: fill.yaml}\n",
        "crmmigrate.yaml: fill.rules: fill.yaml: file not found; fix the path or remove the "
        "key to use the built-in rules",
    ),
    (
        "customers: orders object not in the schema",
        BASE_CONFIG + "customers: {orders: order}\n",
        "crmmigrate.yaml: customers.orders: the target schema has no object 'order'; did you "
        "mean 'orders'?",
    ),
    (
        "customers: unknown activity field",
        BASE_CONFIG + "customers: {activity_fields: [last_order_date, created]}\n",
        "crmmigrate.yaml: customers.activity_fields[1]: contacts has no field 'created'; did you "
        "mean 'created_date'?",
    ),
    (
        "customers: RFM edges not ascending",
        BASE_CONFIG + "customers: {rfm: {monetary: [100, 50, 200, 300]}}\n",
        "crmmigrate.yaml: customers.rfm.monetary: give 4 ascending edges (5 buckets), e.g. "
        "[30, 90, 180, 365]",
    ),
    (
        "customers: archive without a cut-off date",
        BASE_CONFIG + "customers: {archive: true}\n",
        "crmmigrate.yaml: customers: archive: true needs inactive_before: (the date before which "
        "a customer with no activity is inactive)",
    ),
    (
        "customers: reference date not a date",
        BASE_CONFIG + "customers: {reference_date: next monday}\n",
        "crmmigrate.yaml: customers.reference_date: must be a date (YYYY-MM-DD)",
    ),
    (
        "YAML nested 1,000 deep (libyaml's own limit)",
        BASE_CONFIG + "standardise: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n",
        "crmmigrate.yaml:20: nested more than 100 levels deep, far more than any crmmigrate file "
        "needs; check that this is the right file and that its brackets are closed",
    ),
    (
        "YAML mappings nested 990 deep (construction would recurse)",
        BASE_CONFIG + "standardise: {phone: " + "{a: " * 990 + "1" + "}" * 991 + "\n",
        "crmmigrate.yaml:20: nested more than 100 levels deep, far more than any crmmigrate file "
        "needs; check that this is the right file and that its brackets are closed",
    ),
    (
        "YAML block mappings nested 150 deep",
        BASE_CONFIG + "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(150)),
        "crmmigrate.yaml:120: nested more than 100 levels deep, far more than any crmmigrate "
        "file needs; check that this is the right file and that its brackets are closed",
    ),
    (
        "YAML aliases that expand to a billion values",
        BASE_CONFIG
        + "laughs0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"laughs{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10)
        ),
        "crmmigrate.yaml: more than 1,000,000 values once its aliases (*name) are expanded; "
        "write the values out instead of nesting aliases",
    ),
]


@pytest.mark.parametrize(("config", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_config_mistake_is_one_exact_line_and_exit_2(
    make_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    message: str,
) -> None:
    path = make_project(config)
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(app, ["clean", "-c", "crmmigrate.yaml"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: {message}"
    assert result.stdout == ""
    assert not (path.parent / "runs").exists(), "no run may be started on a bad config"


def test_config_errors_never_show_customer_values(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_project(BASE_CONFIG.replace("email: E-mail", "email: Email"))
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(app, ["clean", "-c", "crmmigrate.yaml"])
    for value in ("ANN@EXAMPLE.COM", "Ann", "Lee", "bob@example.com"):
        assert value not in result.output + result.stderr


@pytest.mark.parametrize(
    ("key", "rules"),
    [
        ("fill", "version: 1\nobjects:\n  contacts:\n    - {field: email, derive: guess}\n"),
        ("dedupe", "version: 1\nobjects:\n  contacts:\n    blocking: [[emial]]\n"),
    ],
)
def test_a_bad_rules_file_stops_clean_before_a_run_starts(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, key: str, rules: str
) -> None:
    path = make_project(BASE_CONFIG + f"{key}: {{rules: rules.yaml}}\n", rules__yaml=rules)
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(app, ["clean", "-c", "crmmigrate.yaml"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and "rules.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (path.parent / "runs").exists(), "no run may be started on bad rules"


@pytest.mark.parametrize(
    ("runs_dir", "message"),
    [
        (
            "notes.txt",
            "crmmigrate.yaml: runs_dir: 'notes.txt' is a file, not a directory; set runs_dir: to "
            "a directory (it is created if missing)",
        ),
        (
            "notes.txt/runs",
            "crmmigrate.yaml: runs_dir: 'notes.txt/runs' is under notes.txt, which is a file, not "
            "a directory; set runs_dir: to a directory (it is created if missing)",
        ),
    ],
)
@pytest.mark.parametrize("command", ["clean", "validate", "report"])
def test_runs_dir_that_is_a_file(
    make_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    runs_dir: str,
    message: str,
    command: str,
) -> None:
    path = make_project(BASE_CONFIG + f"runs_dir: {runs_dir}\n", notes__txt="not a directory\n")
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(app, [command, "-c", "crmmigrate.yaml"])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {message}\n"
    assert (path.parent / "notes.txt").read_text(encoding="utf-8") == "not a directory\n"


def test_a_recursion_error_while_reading_yaml_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the pure-Python loader (PyYAML without libyaml) recurses while composing, before the
    # depth check can run; its RecursionError must still be the one-line error
    from crmmigrate import yamlio
    from crmmigrate.errors import ConfigError

    def recurse(*_args: object) -> None:
        raise RecursionError

    monkeypatch.setattr(yamlio._UniqueKeyLoader, "get_single_node", recurse)
    path = tmp_path / "deep.yaml"
    path.write_text("a: [[[]]]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        yamlio.load_yaml(path)
    assert str(caught.value) == (
        f"{path}: nested more than 100 levels deep, far more than any crmmigrate file needs; "
        "check that this is the right file and that its brackets are closed"
    )
