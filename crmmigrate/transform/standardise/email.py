"""Email v0: strip ``mailto:``, lower-case; syntax is checked by validation.

The full email standardiser (typo domains, role addresses, email-validator) is a later issue.
"""

from __future__ import annotations

import re

import pandas as pd

from crmmigrate.transform.standardise.base import Outcome, Standardised, apply_unique, fixed

# Deliberately simple: one @, no spaces, a dot in the domain. Not RFC 5322; validation uses it
# to flag values a person should look at, never to change them.
EMAIL_SYNTAX = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def standardise_email_value(value: str) -> Outcome:
    out = value.strip()
    if out.lower().startswith("mailto:"):
        out = out[len("mailto:") :]
    return fixed(value, out.lower(), "email.lowercase")


def standardise_email(series: pd.Series) -> Standardised:
    return apply_unique(series, standardise_email_value)
