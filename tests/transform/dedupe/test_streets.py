"""Street and postal-code comparisons: one address however it is spelt, neighbours apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmigrate.transform.dedupe.blocking import KeyCodes
from crmmigrate.transform.dedupe.compare import column_of, compare, variant_of
from crmmigrate.transform.dedupe.streets import street_parts


def test_parts_of_a_street_line() -> None:
    parts = street_parts(
        pd.Series(
            [
                "371 E. 29th Pl. #320",
                "Unit 3, 46 Old Northern Pl",
                "5/46 King Rd",
                "台北市大安區忠孝東路四段１００號5樓",
                None,
            ],
            dtype=object,
        )
    )
    assert parts.to_dict("list") == {
        "number": ["371", "46", "46", "100", None],
        "unit": ["320", "3", "5", "5", None],
        "rest": ["e 29th pl", "old northern pl", "king rd", "忠孝東路四段", None],
    }


def _levels(kind: str, pairs: list[tuple[str, str]]) -> list[int]:
    values = [v for pair in pairs for v in pair]
    frame = pd.DataFrame({"v": values}, dtype=object)
    column = column_of(*KeyCodes(frame, {}).matrix(("v",)))
    a = column.codes[0::2]
    b = column.codes[1::2]
    levels, _ = compare(kind, column.uniques, a, b, variant_of(kind, column, None))  # type: ignore[arg-type]
    return levels.tolist()


def test_street_levels() -> None:
    assert _levels(
        "street",
        [
            ("371 E. 29th Pl. #320", "371 East 29th Place Suite 320"),  # one address
            ("12 Main St", "14 Main St"),  # neighbours
            ("Unit 3, 46 King Rd", "5/46 King Rd"),  # other flats of one building
            ("46 King Rd", "Unit 3, 46 King Road"),  # a unit left out
            ("8483 7th St", "8483 7th Stret"),  # a typo
            ("20 Rupp Place", "20 Windradyen Street"),  # another street
        ],
    ) == [3, 0, 0, 3, 2, 0]


def test_postal_levels() -> None:
    assert _levels(
        "postal", [("30373", "30373-0537"), ("106", "10646"), ("94105", "94107"), ("2000", "3000")]
    ) == [2, 1, 1, 0]
    assert np.array_equal(_levels("postal", [("SW1A 1AA", "sw1a1aa")]), [2])
