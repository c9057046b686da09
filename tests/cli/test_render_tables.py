"""The clean summary tables: what they say about duplicates, filled gaps and customers."""

from __future__ import annotations

from rich.console import Console

from crmmigrate.cli.render import blocking_table, customers_table, dedupe_table, fill_table


def _text(table: object) -> str:
    """The table as plain text, whitespace collapsed (a caption may wrap)."""
    console = Console(width=160, record=True)
    console.print(table)
    return " ".join(console.export_text().split())


def test_duplicates_table_points_at_conflicts_when_there_are_some() -> None:
    stats = {
        "contacts": {"records": 10, "candidate_pairs": 4, "merged_records": 2, "clusters": 8},
        "conflicts": 3,
    }
    text = _text(dedupe_table(stats))
    assert "3 gaps left empty (the records disagree): dedupe/conflicts.csv" in text
    assert "conflicts.csv" not in _text(dedupe_table({**stats, "conflicts": 0}))


def test_fill_table_lists_only_rules_that_did_something() -> None:
    stats = {
        "enabled": True,
        "filled": 5,
        "conflicts": 1,
        "counts": {"leads": {"country": {"fill.derive.country-from-phone": 5, "fill.default": 0}}},
        "not_found": {},
    }
    text = _text(fill_table(stats))
    assert "leads.country" in text and "country-from-phone" in text
    assert "fill.default" not in text
    assert "5 cells filled; 1 left empty" in text
    assert fill_table({"enabled": False}) is None


def test_customers_table_shows_segments_and_what_was_left_unlinked() -> None:
    stats = {
        "customers": 3,
        "customer_object": "contacts",
        "with_orders": 2,
        "reference_date": None,
        "orders": 4,
        "orders_without_customer": 1,
        "segments": [
            {
                "segment": "Champions",
                "customers": 2,
                "share": 1.0,
                "orders": 3,
                "order_total": 1200.0,
                "currency": "TWD",
                "median_recency_days": 10.0,
            }
        ],
        "activity": {"Active": 2, "Inactive": 1},
        "archived": {},
    }
    text = _text(customers_table(stats))
    assert "Champions" in text and "1,200 TWD" in text
    assert "recency from –" in text
    assert "1 of 4 orders without a customer" in text and "1 Inactive" in text
    assert customers_table(None) is None


def test_blocking_table_lists_the_rules_with_pairs_and_recall() -> None:
    rule = {"rule": "email", "pairs": 1200, "split_blocks": 0, "split_records": 0}
    big = {"rule": "last_name:phonetic", "pairs": 9000, "split_blocks": 2, "split_records": 900}
    choice = {
        "rules": [{"rule": "email", "pairs": 1100, "recall_gain": 0.62},
                  {"rule": "last_name:phonetic", "pairs": 9100, "recall_gain": 0.3}],
        "estimated_recall": 0.92, "pair_budget": 30000, "all_pairs": False,
    }  # fmt: skip
    stats = {
        "contacts": {"blocking": [rule, big], "blocking_choice": choice, "exact_copies": 7},
        "links": {},
    }
    text = " ".join(_text(blocking_table(stats)).replace("│", " ").split())
    assert "email 1,200 62.0%" in text
    assert "last_name:phonetic 9,000 2 30.0%" in text
    assert "contacts: chosen from the data, estimated recall 92.0% within 30,000 pairs" in text
    assert "contacts: exact copies merged first: 7" in text
    small = {**choice, "all_pairs": True, "rules": []}
    stats["contacts"] = {"blocking": [], "blocking_choice": small}
    assert "contacts: every pair compared (within 30,000)" in _text(blocking_table(stats))
