"""The catalogue of findings: a stable code, a title, a default severity and a message template.

Templates name objects, fields, files and rows — never values (values are customer data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class FindingType:
    code: str
    title: str
    severity: Severity
    template: str


CATALOGUE: dict[str, FindingType] = {
    f.code: f
    for f in (
        FindingType("required-missing", "Required field is empty", "error",
                    "{object}.{field} is required but empty"),
        FindingType("too-long", "Value longer than the field allows", "error",
                    "{object}.{field} is longer than {max_length} characters"),
        FindingType("duplicate-value", "Value of a unique field repeats", "error",
                    "{object}.{field} must be unique; an earlier record has the same value"),
        FindingType("invalid-date", "Not a date", "error",
                    "{object}.{field} is not a readable date"),
        FindingType("invalid-datetime", "Not a date-time", "error",
                    "{object}.{field} is not a readable date-time"),
        FindingType("invalid-number", "Not a number", "error",
                    "{object}.{field} is not a number"),
        FindingType("invalid-integer", "Not a whole number", "error",
                    "{object}.{field} is not a whole number"),
        FindingType("invalid-boolean", "Not yes/no", "error",
                    "{object}.{field} is not a yes/no value"),
        FindingType("invalid-email", "Email address looks wrong", "warning",
                    "{object}.{field} is not a valid email address"),
        FindingType("invalid-country", "Unknown country", "warning",
                    "{object}.{field} is not a known country"),
        FindingType("picklist-value", "Value not in the picklist", "warning",
                    "{object}.{field} is not one of the picklist values"),
        FindingType("reference-unresolved", "Reference points at no record", "warning",
                    "{object}.{field} refers to a {target} record that is not in the sources"),
        FindingType("reference-ambiguous", "Reference matches several records", "warning",
                    "{object}.{field} matches more than one {target} record"),
    )
}  # fmt: skip
