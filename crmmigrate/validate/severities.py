"""Severities that depend on the project: what the target refuses, what the user decided.

The catalogue gives each finding a default severity. Two things raise or lower it per project,
worked out at ``clean`` and kept in the run's manifest, so that ``validate`` judges a run the
same way whenever it runs:

- ``references.unresolved`` in the config: ``error`` (default) makes a reference that finds no
  record (or several) an error, so the record waits for a decision instead of being loaded with
  its link silently empty; ``load-empty`` says that is wanted (a warning).
- the target's kind: a CRM import refuses rows a database would store; e.g. Salesforce and
  HubSpot reject a row whose e-mail is invalid, so for them ``invalid-email`` is an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmmigrate.validate.catalogue import Severity

if TYPE_CHECKING:
    from crmmigrate.config import Config

# per target kind (the URL's scheme, or the bundle kind): findings the target would refuse
TARGET_SEVERITIES: dict[str, dict[str, Severity]] = {
    "salesforce-csv": {"invalid-email": "error", "invalid-url": "error"},
    "hubspot-csv": {"invalid-email": "error"},
}
REFERENCE_CODES = ("reference-unresolved", "reference-ambiguous")


def target_kind(url: str) -> str:
    """``sqlite``, ``postgresql``, ``mysql``…, or a bundle kind (``salesforce-csv``)."""
    scheme = url.split(":", 1)[0]
    return scheme.split("+", 1)[0]


def severities_for(config: Config) -> dict[str, Severity]:
    """The severity overrides of this project, by finding code."""
    out: dict[str, Severity] = dict(TARGET_SEVERITIES.get(target_kind(config.target.url), {}))
    level: Severity = "error" if config.references.unresolved == "error" else "warning"
    out.update(dict.fromkeys(REFERENCE_CODES, level))
    return out
