"""``junit.xml``: one test case per check and object, so CI systems show validation as tests.

Layout (the JUnit conventions Jenkins, GitLab, GitHub and Azure read), valid against the
documented JUnit format (tests/data/junit/junit.xsd, written from the format's documentation)::

    <testsuites name="crmmigrate validate" tests=N failures=F errors=0>
      <testsuite name="<object>" tests=n failures=f errors=0 skipped=0>
        <properties><property name="run_id" value="<run id>"/></properties>
        <testcase classname="<object>" name="<rule code or name> <field>">
          <failure message="12 findings (2.4%), over the threshold of 0" type="<code>">
            samples (file[sheet]:row)...
          </failure>
        </testcase>

The schema allows no ``id`` on ``<testsuites>``: the run id is a property of each suite.

A check fails here exactly when it failed the run (at ``--fail-on``). Findings under the
threshold or below ``--fail-on`` are noted in ``<system-out>``. No values, ever.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from crmmigrate.validate.runner import ValidationResult


def _count_text(rule: dict[str, Any]) -> str:
    if rule["detail"]:
        return str(rule["detail"])
    n = rule["count"]
    return f"{n} finding{'' if n == 1 else 's'} ({rule['percent']}% of {rule['object']})"


def junit_xml(result: ValidationResult, *, run_id: str = "") -> str:
    """The JUnit XML document of a validation result."""
    rules = sorted(result.by_rule(), key=lambda r: (r["object"], r["rule"], r["field"]))
    root = ET.Element("testsuites", name="crmmigrate validate")
    for obj in sorted({r["object"] for r in rules}):
        _suite(root, obj, [r for r in rules if r["object"] == obj], result.fail_on, run_id)
    root.set("tests", str(len(rules)))
    root.set("failures", str(sum(r["failed"] for r in rules)))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(
    root: ET.Element, obj: str, rules: list[dict[str, Any]], fail_on: str, run_id: str
) -> None:
    """One ``<testsuite>`` per object: a test case per check."""
    failed = sum(r["failed"] for r in rules)
    suite = ET.SubElement(root, "testsuite", name=obj, tests=str(len(rules)),
                          failures=str(failed), errors="0", skipped="0")  # fmt: skip
    if run_id:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="run_id", value=run_id)
    for rule in rules:
        _case(suite, obj, rule, fail_on)


def _case(suite: ET.Element, obj: str, rule: dict[str, Any], fail_on: str) -> None:
    """A check's ``<testcase>``: a failure when it failed the run, a note when it was tolerated."""
    name = f"{rule['rule']} {rule['field']}".strip()
    case = ET.SubElement(suite, "testcase", classname=obj, name=name)
    if rule["failed"]:
        message = f"{_count_text(rule)}, over the threshold of {rule['threshold']}"
        failure = ET.SubElement(case, "failure", message=message, type=rule["code"])
        failure.text = "\n".join([f"{rule['severity']}: {rule['title']}", *rule["sample_rows"]])
    elif rule["count"]:
        note = ET.SubElement(case, "system-out")
        note.text = (
            f"{_count_text(rule)} ({rule['severity']}), tolerated: threshold "
            f"{rule['threshold']}, --fail-on {fail_on}"
        )
