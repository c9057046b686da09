"""What a validation's badge says, the same on the terminal, in validation.html and reconciliation.

``passed`` (no check failed the run) is what the exit code follows; the badge must not turn it
into "passed" when ``--fail-on never`` let errors through unjudged: that is "not-enforced".
"""

from __future__ import annotations

from typing import Literal

Verdict = Literal["passed", "failed", "not-enforced"]
LABEL: dict[Verdict, str] = {
    "passed": "passed",
    "failed": "failed",
    "not-enforced": "errors not enforced",
}


def judge(passed: bool, fail_on: str, errors: int) -> Verdict:
    """``failed`` when a check failed the run; ``not-enforced`` when errors passed unjudged."""
    if not passed:
        return "failed"
    if fail_on == "never" and errors > 0:
        return "not-enforced"
    return "passed"


def why_not_enforced(errors: int) -> str:
    """The one line that explains a ``not-enforced`` badge (no values: a count only)."""
    noun = "error" if errors == 1 else "errors"
    return (
        f"{errors:,} {noun} found; --fail-on never lets the run pass "
        "(records with errors are not loaded)"
    )
