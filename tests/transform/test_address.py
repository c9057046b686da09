"""Address standardiser: 3+3 scope rules, country routing, idempotence, nothing dropped.

The corpus (tests/data/standardise/address.yaml) holds the real-world shapes; these tests pin the
rules behind them. Postal codes below are from Chunghwa Post's 3+3 list v2102.01 (for example
臺北市信義區松仁路: 單 213號以下 → 110050, 101號 → 110414; 信義路五段: 7號 → 110615 while
單 17號以下 → 110014, so the single door wins over the range).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.standardise import _address_twzip as twzip
from crmmigrate.transform.standardise._address_build import TOP, parse_scoop
from crmmigrate.transform.standardise.address import standardise


def one(text: str, **options: object) -> dict[str, object]:
    result = standardise(pd.Series([text], dtype=object), **options)  # type: ignore[arg-type]
    flags = result.flags
    return {
        "value": result.values.iloc[0],
        "status": result.status.iloc[0],
        "reason": result.reason.iloc[0],
        "flag": None if flags is None else flags.iloc[0],
        **{k: v.iloc[0] for k, v in result.extras.items()},
    }


@pytest.mark.parametrize(
    ("scoop", "expected"),
    [
        ("全", {"parity": 0, "lo": 0, "hi": TOP}),
        ("單  19號以下", {"parity": 1, "lo": 0, "hi": 19000}),
        ("雙  20號至  48號", {"parity": 2, "lo": 20000, "hi": 48000}),
        ("連 342號至 342之   1號", {"parity": 0, "lo": 342000, "hi": 342001}),
        ("連   2之   4號至之  17號", {"lo": 2004, "hi": 2017}),
        ("　  23號", {"exact": 1, "lo": 23000, "hi": 23000}),
        ("　 150巷 431弄全", {"lane": 150, "alley": 431, "lo": 0, "hi": TOP}),
        ("　 297之  8巷雙  58號至  62號", {"lane": 297, "lane_sub": 8, "parity": 2}),
        ("雙 374號至 380號 2樓以上", {"lo": 374000, "hi": 380000, "fl_lo": 2, "fl_hi": TOP}),
        ("　 145號地下 1樓至-1樓", {"fl_lo": -1, "fl_hi": -1}),
        ("連  35號至  35號含附號", {"lo": 35000, "hi": 35999}),
        ("　  12附號", {"lo": 12001, "hi": 12999}),
        ("連   1號含附號以下", {"lo": 0, "hi": 1999}),
    ],
)
def test_scoop_rules_are_parsed(scoop: str, expected: dict[str, int]) -> None:
    parsed = parse_scoop(scoop)
    assert {k: parsed[k] for k in expected} == expected


def _lookup(
    city: str,
    area: str,
    road: str,
    no: int,
    *,
    lane: int = -1,
    alley: int = -1,
    no_sub: int = 0,
    floor: int = twzip.NO_FLOOR,
) -> str:
    frame = pd.DataFrame(
        {
            "city": [city],
            "area": [area],
            "key": [twzip.fold(pd.Series([road])).iloc[0]],
            "lane": [lane],
            "lane_sub": [0],
            "alley": [alley],
            "no": [no],
            "no_sub": [no_sub],
            "floor": [floor],
        }
    )
    return str(twzip.lookup(frame).iloc[0])


def test_zip_odd_even_and_ranges() -> None:
    assert _lookup("臺北市", "中山區", "一江街", 19) == "104091"  # 單 19號以下
    assert _lookup("臺北市", "中山區", "一江街", 21) == "104092"  # 單 21號至 39號
    assert _lookup("臺北市", "中山區", "一江街", 41) == "104088"  # 單 41號以上
    assert _lookup("臺北市", "中山區", "一江街", 50) == "104088"  # 雙 50號以上


def test_zip_single_door_beats_range() -> None:
    assert _lookup("臺北市", "信義區", "信義路五段", 7) == "110615"
    assert _lookup("臺北市", "信義區", "信義路五段", 9) == "110014"


def test_zip_lanes_and_alleys() -> None:
    assert _lookup("臺北市", "信義區", "信義路五段", 2, lane=150) == "110416"  # 150巷 2號
    assert _lookup("臺北市", "信義區", "信義路五段", 5, lane=150, alley=431) == "110023"
    # a lane is placed on the road by its own number: 信義路五段 151巷全
    assert _lookup("臺北市", "信義區", "信義路五段", 3, lane=151) == "110049"


def test_zip_floor_rules_and_undecided() -> None:
    # 八德路二段 雙 374號至 380號 2樓以上 → 105404, 雙 368號至 380號 → 105040
    assert _lookup("臺北市", "松山區", "八德路二段", 376, floor=3) == "105404"
    assert _lookup("臺北市", "松山區", "八德路二段", 376, floor=1) == "105040"
    assert _lookup("臺北市", "松山區", "八德路二段", 376) == ""  # no floor: two codes possible
    assert _lookup("臺北市", "信義區", "信義路五段", -1) == ""  # no door number: undecided


def test_undecided_scope_falls_back_to_district_code() -> None:
    got = one("臺北市信義區信義路五段")
    assert got["postal_code"] == "110"
    assert got["flag"] == "incomplete-address"


def test_given_zip_kept_when_it_disagrees() -> None:
    got = one("999臺北市信義區信義路五段7號")
    assert got["postal_code"] == "999"
    assert got["flag"] == "postal-code-mismatch"
    assert got["status"] == "ok"


def test_per_row_country_series() -> None:
    texts = pd.Series(["672 Washington St", "Flat 8C Parkside Villa 23 Tai Hang Road", "不詳"])
    result = standardise(texts, country=pd.Series(["USA", "HK", "TW"]))
    assert list(result.extras["country"]) == ["US", "HK", "TW"]
    assert result.values.iloc[1] == "Flat 8C, Parkside Villa, 23 Tai Hang Road, Hong Kong"
    # the same text under two default regions is parsed once for each
    same = standardise(pd.Series(["4343 Broadway"] * 2), country=pd.Series(["US", "TW"]))
    assert list(same.extras["country"]) == ["US", "TW"]


def test_text_overrides_default_region() -> None:
    assert one("香港九龍旺角彌敦道123號", country="TW")["country"] == "HK"
    assert one("广东省深圳市南山区深南大道9988号", country="TW")["country"] == "CN"
    assert one("123 Main St, Springfield, IL 62704", country="TW")["country"] == "US"
    assert one("10 Downing Street, London SW1A 2AA", country="HK")["country"] == "GB"
    assert one("台北市大安區復興南路一段106號", country="US")["country"] == "TW"


@pytest.mark.parametrize("junk", ["不詳", "N/A", "???", "12345", "asdf qwer"])
def test_unparsed_is_kept_whole(junk: str) -> None:
    got = one(junk)
    assert (got["status"], got["reason"], got["value"], got["line1"]) == (
        "invalid",
        "unparsed-address",
        junk,
        junk,
    )


def test_missing_and_blank_rows_are_empty_and_aligned() -> None:
    texts = pd.Series(
        [None, "  ", "台北市大安區復興南路一段106號"], index=[10, 20, 30], dtype=object
    )
    result = standardise(texts)
    assert list(result.status) == ["empty", "empty", "fixed"]
    assert list(result.values.index) == [10, 20, 30]
    assert result.extras["city"].loc[30] == "臺北市"


_ROADS = twzip.tables().roads.merge(twzip.tables().districts, on=["city", "area"])
_CN = "一二三四五六七八九十"


@st.composite
def taiwan_addresses(draw: st.DrawFn) -> str:
    row = _ROADS.iloc[draw(st.integers(0, len(_ROADS) - 1))]
    road = str(row["road"])
    if draw(st.booleans()):
        road = road.replace("臺", "台")
    text = f"{road}{draw(st.integers(1, 999))}"
    text += draw(st.sampled_from(["號", "之1號", "號之2", "-3號"]))
    if draw(st.booleans()):
        floor = draw(st.integers(1, 10))
        text += draw(st.sampled_from([f"{floor}樓", f"{floor}F", f"{_CN[floor - 1]}樓", "B1"]))
    city = str(row["city"])
    head = (city.replace("臺", "台") if draw(st.booleans()) else city) + str(row["area"])
    if draw(st.booleans()):
        head = str(row["zip3"]) + head
    text = head + text
    if draw(st.booleans()):
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return text


@settings(max_examples=60, deadline=None)
@given(st.lists(taiwan_addresses(), min_size=1, max_size=8))
def test_idempotent_on_taiwan_addresses(texts: list[str]) -> None:
    first = standardise(pd.Series(texts, dtype=object))
    again = standardise(first.values)
    assert list(again.values) == list(first.values)
    assert set(again.status) <= {"ok"}
    for key, column in first.extras.items():
        assert list(again.extras[key]) == list(column), key
    assert np.all(first.extras["city"].notna())


# --- districts with several 3-digit prefixes (基隆市中山區: 203, 204, 200) -------------------


@pytest.mark.parametrize(
    ("text", "postal"),
    [
        ("204基隆市中山區安一路", "204"),  # no door number: only the district is known
        ("200基隆市中山區", "200"),
        ("203基隆市中山區安一路97號", "203"),  # valid for the district, kept as given
        ("242新北市新莊區五工二路20號", "242"),
        ("248新北市新莊區五工二路20號", "248018"),  # the road's own prefix: upgraded to 3+3
    ],
)
def test_any_prefix_of_the_district_is_accepted(text: str, postal: str) -> None:
    got = one(text)
    assert got["postal_code"] == postal
    assert got["flag"] != "postal-code-mismatch"


@pytest.mark.parametrize("text", ["999基隆市中山區安一路97號", "110基隆市中山區安一路97號"])
def test_a_prefix_of_another_district_is_still_a_mismatch(text: str) -> None:
    assert one(text)["flag"] == "postal-code-mismatch"


def test_every_multi_prefix_district_accepts_each_of_its_prefixes() -> None:
    keys = pd.Series(twzip.tables().prefixes.keys.to_pylist()).str.split("|", expand=True)
    multi = keys.groupby([0, 1])[2].transform("size") > 1
    texts = (keys[2] + keys[0] + keys[1])[multi].tolist()
    assert keys[multi].groupby([0, 1]).ngroups == 17
    result = standardise(pd.Series(texts))
    assert result.flag_counts().get("postal-code-mismatch", 0) == 0
    assert list(result.extras["postal_code"]) == [t[:3] for t in texts]


# --- the country of an English address survives a second pass --------------------------


@pytest.mark.parametrize(
    ("text", "region", "value", "country"),
    [
        ("672 Washington St, USA", "TW", "672 Washington St, USA", "US"),
        ("672 Washington St, USA", "HK", "672 Washington St, USA", "US"),
        ("672 Washington St, USA", "US", "672 Washington St", "US"),
        ("123 Main Street, Springfield, IL, U.S.A.", "GB", "123 Main St, Springfield, IL, USA",
         "US"),
        ("10 Downing Street, London, UK", "TW", "10 Downing St, London, United Kingdom", "GB"),
        ("10 Downing Street, London, UK", "GB", "10 Downing St, London", "GB"),
        # a state and ZIP, or a postcode, name the country already
        ("1 Infinite Loop, Cupertino, CA 95014, USA", "TW", "1 Infinite Loop, Cupertino, CA 95014",
         "US"),
        ("221B Baker Street, London, NW1 6XE, UK", "HK", "221B Baker St, London, NW1 6XE", "GB"),
    ],
)  # fmt: skip
def test_country_word_kept_when_the_default_region_differs(
    text: str, region: str, value: str, country: str
) -> None:
    first = one(text, country=region)
    assert (first["value"], first["country"]) == (value, country)
    again = one(value, country=region)
    assert (again["value"], again["country"], again["status"]) == (value, country, "ok")


_STREETS = ["Washington St", "Elm Street", "Park Ave", "N Main St", "Broadway", "High Street"]
_PLACES = {  # the places and country words of one country (contradictions are not the point)
    "US": (["", ", Boston", ", Boston, MA", ", Boston, MA 02108", ", Springfield, Illinois"],
           ["", ", USA", ", U.S.A.", ", United States", " USA", ", US"]),
    "GB": (["", ", London", ", London SW1A 2AA", ", Leeds, LS1 4DY"],
           ["", ", UK", ", United Kingdom", ", England", ", GB"]),
}  # fmt: skip


@st.composite
def english_addresses(draw: st.DrawFn) -> str:
    towns, words = _PLACES[draw(st.sampled_from(sorted(_PLACES)))]
    text = f"{draw(st.integers(1, 9999))} {draw(st.sampled_from(_STREETS))}"
    text += draw(st.sampled_from(["", " Apt 4", ", Flat 2", " Suite 300"]))
    text += draw(st.sampled_from(towns)) + draw(st.sampled_from(words))
    return text.upper() if draw(st.booleans()) else text


@settings(max_examples=80, deadline=None)
@given(english_addresses(), st.sampled_from(["TW", "HK", "CN", "US", "GB", "JP"]))
def test_english_addresses_idempotent_under_any_default_region(text: str, region: str) -> None:
    first = one(text, country=region)
    again = one(first["value"], country=region)
    assert again["value"] == first["value"]
    assert again["country"] == first["country"]
    assert again["status"] in ("ok", "invalid")
