"""junit.xml is valid against our JUnit XML schema (tests/data/junit/junit.xsd, see its README).

Needs lxml (XSD validation); outside CI a missing lxml skips with the reason, in CI it fails.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.target_schema import default_schema_path, load_target_schema
from crmmigrate.validate.junit import junit_xml
from crmmigrate.validate.runner import validate_frames
from tests.validate.helpers import make_run

XSD = Path(__file__).parent.parent / "data" / "junit" / "junit.xsd"


def _etree() -> ModuleType:
    try:
        from lxml import etree
    except ImportError:
        reason = "lxml not installed: it validates junit.xml against its XSD (pip install lxml)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return etree


def schema_errors(document: str) -> list[str]:
    """The schema's complaints about ``document``, one line each (empty: valid)."""
    etree = _etree()
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    schema.validate(etree.fromstring(document.encode("utf-8")))
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def test_the_schema_catches_what_it_should() -> None:
    """The check below can fail: the schema rejects an id on <testsuites>."""
    assert schema_errors('<testsuites name="x"/>') == []  # the same root without the id passes
    errors = schema_errors('<testsuites name="x" id="run-1"/>')
    assert errors == [
        "line 1: Element 'testsuites', attribute 'id': The attribute 'id' is not allowed."
    ]


@pytest.mark.parametrize("fail_on", ["error", "never"])
def test_junit_xml_of_a_run_is_valid(tmp_path: Path, fail_on: str) -> None:
    run = make_run(tmp_path)  # failures, tolerated findings (system-out) and passing cases
    result = CliRunner().invoke(app, ["validate", str(run), "--quiet", "--fail-on", fail_on])
    assert result.exit_code == (1 if fail_on == "error" else 0)
    document = (run / "junit.xml").read_text("utf-8")
    assert schema_errors(document) == []
    assert "<failure" in document if fail_on == "error" else "<system-out>" in document


def test_the_run_id_is_a_property_of_each_suite(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    CliRunner().invoke(app, ["validate", str(run), "--quiet"])
    etree = _etree()
    root = etree.parse(str(run / "junit.xml")).getroot()
    assert root.get("id") is None
    ids = [p.get("value") for p in root.iterfind("testsuite/properties/property[@name='run_id']")]
    assert ids == [run.name, run.name]  # accounts, contacts


def test_junit_xml_without_any_check_is_valid() -> None:
    schema = load_target_schema(default_schema_path())
    document = junit_xml(validate_frames({}, schema), run_id="r1")
    assert schema_errors(document) == []
