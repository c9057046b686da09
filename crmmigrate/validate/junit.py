"""``junit.xml``: one test case per check and object, so CI systems show validation as tests.

Layout (the JUnit conventions Jenkins, GitLab, GitHub and Azure read)::

    <testsuites name="crmmigrate validate" tests=N failures=F errors=0>
      <testsuite name="<object>" tests=n failures=f errors=0 skipped=0>
        <testcase classname="<object>" name="<rule code or name> <field>">
          <failure message="12 findings (2.4%), over the threshold of 0" type="<code>">
            samples (file:row)...
          </failure>
        </testcase>

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
    if run_id:
        root.set("id", run_id)
    total = failures = 0
    for obj in sorted({r["object"] for r in rules}):
        mine = [r for r in rules if r["object"] == obj]
        failed = sum(r["failed"] for r in mine)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=obj,
            tests=str(len(mine)),
            failures=str(failed),
            errors="0",
            skipped="0",
        )
        for rule in mine:
            name = f"{rule['rule']} {rule['field']}".strip()
            case = ET.SubElement(suite, "testcase", classname=obj, name=name)
            if rule["failed"]:
                message = f"{_count_text(rule)}, over the threshold of {rule['threshold']}"
                failure = ET.SubElement(case, "failure", message=message, type=rule["code"])
                samples = rule["sample_rows"]
                failure.text = "\n".join([f"{rule['severity']}: {rule['title']}", *samples])
            elif rule["count"]:
                note = ET.SubElement(case, "system-out")
                note.text = (
                    f"{_count_text(rule)} ({rule['severity']}), tolerated: threshold "
                    f"{rule['threshold']}, --fail-on {result.fail_on}"
                )
        total += len(mine)
        failures += failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
