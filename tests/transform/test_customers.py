"""Order history and RFM against a hand-computed example.

Five customers, reference date 2025-12-31:
  A: 3 orders (2025-01-10 100, 2025-06-01 200, 2025-12-20 300 TWD), web ×2, shop ×1
  B: 1 order 2025-12-30 50 TWD (shop)
  C: 2 orders 2024-03-01 1000 TWD and 2024-04-01 a *returned* 9999 TWD (not revenue)
  D: 4 orders in 2023, 10 TWD each, plus one in USD (counted, not in the TWD money)
  E: 2 orders 2025-11-01 and 2025-11-02, 500 TWD each
  an order without a customer is left out
"""

from __future__ import annotations

import pandas as pd
import pytest

from crmmigrate.transform.customers import SEGMENTS, order_history, rfm

ORDERS = [
    ("A", "2025-01-10", "100", "TWD", "web", "完成"),
    ("A", "2025-06-01", "200", "TWD", "web", "完成"),
    ("A", "2025-12-20", "300", "TWD", "shop", "完成"),
    ("B", "2025-12-30", "50", "TWD", "shop", "完成"),
    ("C", "2024-03-01", "1000", "TWD", "web", "完成"),
    ("C", "2024-04-01", "9999", "TWD", "web", "退貨"),
    ("D", "2023-01-01", "10", "TWD", "shop", None),
    ("D", "2023-02-01", "10", "TWD", "shop", None),
    ("D", "2023-03-01", "10", "TWD", "shop", None),
    ("D", "2023-04-01", "10", "TWD", "shop", None),
    ("D", "2023-05-01", "7", "USD", "web", None),
    ("E", "2025-11-01", "500", "TWD", "web", "完成"),
    ("E", "2025-11-02", "500", "TWD", "web", "完成"),
    (None, "2025-05-05", "80", "TWD", "web", "完成"),
]


@pytest.fixture
def history() -> pd.DataFrame:
    orders = pd.DataFrame(
        ORDERS, columns=["customer", "order_date", "amount", "currency", "channel", "status"]
    )
    return order_history(orders)


def test_history_per_customer(history: pd.DataFrame) -> None:
    assert list(history.index) == ["A", "B", "C", "D", "E"]
    a = history.loc["A"]
    assert (str(a["first_order_date"].date()), str(a["last_order_date"].date())) == (
        "2025-01-10",
        "2025-12-20",
    )
    assert (a["order_count"], a["order_total"], a["average_order"]) == (3, 600, 200)
    assert a["favourite_channel"] == "web"
    c = history.loc["C"]
    assert (c["order_count"], c["order_total"]) == (2, 1000)  # the return is not revenue
    d = history.loc["D"]
    assert (d["order_count"], d["order_total"], d["currency"]) == (5, 40, "TWD")
    assert d["other_currency_orders"] == 1


def test_rfm_scores_and_segments(history: pd.DataFrame) -> None:
    scores = rfm(history, "2025-12-31")
    assert scores.loc["B", "recency_days"] == 1
    # recency ranks (most recent best): B, A, E, C, D → scores 5, 4, 3, 2, 1
    assert scores["r_score"].to_dict() == {"A": 4, "B": 5, "C": 2, "D": 1, "E": 3}
    # frequency: D 5 orders, A 3, then C and E 2 (tie broken by order), B 1
    assert scores["f_score"].to_dict() == {"A": 4, "B": 1, "C": 2, "D": 5, "E": 3}
    # money: C 1000, E 1000 (tie), A 600, B 50, D 40
    assert scores["m_score"].to_dict() == {"A": 3, "B": 2, "C": 4, "D": 1, "E": 5}
    assert scores["rfm_segment"].to_dict() == {
        "A": "Champions",
        "B": "New",
        "C": "Hibernating",
        "D": "Cannot Lose Them",
        "E": "Loyal",
    }
    assert set(scores["rfm_segment"]) <= set(SEGMENTS)


def test_every_customer_gets_a_named_segment() -> None:
    n = 25
    history = pd.DataFrame(
        {
            "last_order_date": pd.date_range("2020-01-01", periods=n, freq="7D"),
            "order_count": range(1, n + 1),
            "order_total": range(n),
        }
    )
    assert rfm(history, "2021-01-01")["rfm_segment"].notna().all()


def test_rfm_with_fixed_edges(history: pd.DataFrame) -> None:
    # recency days at 2025-12-31: A 11, B 1, C 639, D 975, E 59
    scores = rfm(
        history,
        "2025-12-31",
        recency_edges=[30, 90, 180, 365],
        frequency_edges=[1, 2, 3, 4],
        monetary_edges=[100, 500, 1000, 5000],
    )
    assert scores["r_score"].to_dict() == {"A": 5, "B": 5, "C": 1, "D": 1, "E": 4}
    # an order count on an edge falls in that edge's bucket: 3 orders → 3
    assert scores["f_score"].to_dict() == {"A": 3, "B": 1, "C": 2, "D": 5, "E": 2}
    assert scores["m_score"].to_dict() == {"A": 3, "B": 1, "C": 3, "D": 1, "E": 3}
    assert scores["rfm_segment"].to_dict() == {
        "A": "Loyal",
        "B": "New",
        "C": "Lost",
        "D": "Cannot Lose Them",
        "E": "Potential Loyalist",
    }


def test_a_customer_without_dated_orders_gets_no_segment() -> None:
    orders = pd.DataFrame(
        [
            ("A", "2025-12-01", "100", "TWD", "web", "完成"),
            ("B", None, "100", "TWD", "web", "完成"),
            ("B", "2025-02-30", "50", "TWD", "web", "完成"),  # impossible: no date
            ("C", "2025-06-01", "300", "TWD", "web", "完成"),
        ],
        columns=["customer", "order_date", "amount", "currency", "channel", "status"],
    )
    history = order_history(orders)
    assert history.loc["B", "order_count"] == 2 and pd.isna(history.loc["B", "last_order_date"])
    scores = rfm(history, "2025-12-31")
    assert scores.loc["B", "rfm_segment"] is None and pd.isna(scores.loc["B", "r_score"])
    # B takes no place in the others' quintiles: A is the more recent of two
    assert (scores.loc["A", "r_score"], scores.loc["C", "r_score"]) == (5, 3)
