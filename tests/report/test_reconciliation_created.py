"""The reconciliation counts created and archived records on the right side of the equation."""

from __future__ import annotations

from crmmigrate.report.reconciliation import ObjectFlow


def test_created_records_enter_and_archived_records_leave() -> None:
    flow = ObjectFlow(
        "contacts", read=10, created=2, rejected_clean=1, merged=3, archived=2, clean=6
    )
    assert flow.balanced
    assert not ObjectFlow("contacts", read=10, created=2, merged=3, archived=2, clean=6).balanced
    loaded = ObjectFlow(
        "contacts", read=10, created=2, rejected_clean=1, merged=3, archived=2, clean=6,
        rejected_validation=1, loaded=5,
    )  # fmt: skip
    assert loaded.balanced and loaded.accounted == 12
