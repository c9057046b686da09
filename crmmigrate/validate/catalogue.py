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
                    "{object}.{field} is not a readable date{detail}"),
        FindingType("invalid-datetime", "Not a date-time", "error",
                    "{object}.{field} is not a readable date-time{detail}"),
        FindingType("invalid-number", "Not a number", "error",
                    "{object}.{field} is not a number{detail}"),
        FindingType("invalid-integer", "Not a whole number", "error",
                    "{object}.{field} is not a whole number{detail}"),
        FindingType("invalid-boolean", "Not yes/no", "error",
                    "{object}.{field} is not a yes/no value{detail}"),
        FindingType("invalid-email", "Email address looks wrong", "warning",
                    "{object}.{field} is not a valid email address{detail}"),
        FindingType("invalid-country", "Unknown country", "warning",
                    "{object}.{field} is not a known country"),
        FindingType("picklist-value", "Value not in the picklist", "warning",
                    "{object}.{field} is not one of the picklist values"),
        FindingType("reference-unresolved", "Reference points at no record", "warning",
                    "{object}.{field} refers to a {target} record that is not in the sources"),
        FindingType("reference-ambiguous", "Reference matches several records", "warning",
                    "{object}.{field} matches more than one {target} record"),
        FindingType("invalid-phone", "Not a valid phone number", "warning",
                    "{object}.{field} is not a valid phone number ({reason})"),
        FindingType("invalid-url", "Not a web address", "warning",
                    "{object}.{field} is not a valid web address ({reason})"),
        FindingType("invalid-tax-id", "Business or personal ID fails its check", "warning",
                    "{object}.{field} is not a valid ID ({reason})"),
        FindingType("invalid-name", "Does not look like a name", "warning",
                    "{object}.{field} does not look like a person's name ({reason})"),
        FindingType("invalid-company-name", "Does not look like a company name", "warning",
                    "{object}.{field} does not look like a company name ({reason})"),
        FindingType("unparsed-address", "Address could not be parsed", "warning",
                    "{object}.{field} could not be parsed into components ({reason}); "
                    "kept whole in the street line"),
        FindingType("flagged-value", "Value flagged for a person to look at", "info",
                    "{object}.{field} is flagged: {reason}"),
        # from the rules in rules files (kind: validate); see crmmigrate/validate/rule_types.py
        FindingType("regex-mismatch", "Value does not match the rule's pattern", "error",
                    "{object}.{field} does not match the pattern of rule {rule}"),
        FindingType("out-of-range", "Value outside the allowed range", "error",
                    "{object}.{field} is outside the allowed range {bounds}"),
        FindingType("cross-field", "Fields of a record contradict each other", "error",
                    "{object}: {left} {op} {right} does not hold"),
        FindingType("one-of-required", "None of the alternative fields is filled", "error",
                    "{object}: one of {fields} is required; all are empty"),
        FindingType("required-if", "Conditionally required field is empty", "error",
                    "{object}.{field} is required when {when} is one of {values}"),
        FindingType("duplicate-combination", "Combination of fields repeats", "error",
                    "{object}: the combination {fields} repeats an earlier record"),
        FindingType("row-count", "Record count outside the expectation", "error",
                    "{object} has {count} records; expected {expected}"),
        FindingType("bad-checksum", "ID fails its check digit", "error",
                    "{object}.{field} fails the {algorithm} check"),
        FindingType("stale-record", "Record older than allowed", "warning",
                    "{object}.{field} is more than {max_age_days} days before {reference}"),
    )
}  # fmt: skip

# The finding raised for a value its standardiser marked invalid, by field type. Types whose
# column in the target is typed (dates, numbers) are errors: the value cannot be stored.
INVALID_BY_TYPE: dict[str, str] = {
    "date": "invalid-date", "datetime": "invalid-datetime", "money": "invalid-number",
    "number": "invalid-number", "integer": "invalid-integer", "boolean": "invalid-boolean",
    "email": "invalid-email", "phone": "invalid-phone", "url": "invalid-url",
    "country": "invalid-country", "picklist": "picklist-value", "person_name": "invalid-name",
    "company_name": "invalid-company-name", "tax_id": "invalid-tax-id", "tw_ubn": "invalid-tax-id",
    "tw_national_id": "invalid-tax-id", "cn_uscc": "invalid-tax-id", "hk_brn": "invalid-tax-id",
    "address": "unparsed-address",
}  # fmt: skip
# Flags that deserve more than 'info'.
FLAG_SEVERITY: dict[str, Severity] = {
    "incomplete-address": "warning",
    "postal-code-mismatch": "warning",
    "typo-domain": "warning",
    "name-has-digits": "warning",
}
