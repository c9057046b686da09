"""Taiwan postal data: Chunghwa Post 3+3 codes (v2102.01) and the scope (投遞範圍) rules.

The data file holds every row of the official list with its SCOOP already parsed into typed
columns (see ``_address_build.parse_scoop``): an optional lane (巷) and alley (弄) prefix, the
parity (單 odd / 雙 even / 連 or blank: both), a range of door positions ``lo..hi`` encoded as
``number * 1000 + 之-number`` and an optional floor range. A door's *position* on a road is its
lane number when it lies in a lane (lanes are numbered after the door they branch from) and its
door number otherwise; inside a lane it is the alley number or the door number.

A lookup keeps every rule that is not definitely violated; a rule whose condition needs a part
the address lacks (no door number, no floor) stays a candidate. When the candidates agree on one
code, that is the 3+3 code; otherwise the lookup falls back to the district's 3-digit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise._address_text import Lookup, cat, expand, scatter

SUB = 1000
TOP = 10**9
_DEFAULTS = {"lane": -1, "lane_sub": 0, "alley": -1, "parity": 0, "exact": 0, "lo": 0}
_DEFAULTS |= {"hi": TOP, "fl_lo": -TOP, "fl_hi": TOP}
NO_FLOOR = -(10**6)


def fold(road: pd.Series) -> pd.Series:
    """The matching key of a road name: 臺 and 台 are the same character for matching."""
    return road.str.replace("臺", "台", regex=False)


def fold_key(road: pa.Array) -> pa.Array:
    """``fold`` for an Arrow column."""
    return pc.replace_substring(road, "臺", "台")


@dataclass(frozen=True)
class TwTables:
    districts: pd.DataFrame  # city, area, zip3 (the district's usual 3-digit code)
    roads: pd.DataFrame  # city, area, key (folded road), road (official), road_id, zip ("" = rules)
    rules: pd.DataFrame  # road_id, zip and the typed rule columns, for roads with several codes
    area_city: dict[str, str]  # district name found in one city only → that city
    zip3: dict[str, tuple[str, str]]  # 3-digit code → (city, district)
    zip3_by_district: dict[str, str]  # "city|district" → 3-digit code
    # column forms of the above for whole-column lookups
    road_index: Lookup  # "city|area|key" → row of ``roads`` (via ``index``)
    road_official: pa.Array  # per road row: the official spelling
    road_zip: pa.Array  # per road row: its one code, "" when its rules decide
    road_has_zip: np.ndarray
    rule_start: np.ndarray  # rules of road row r: rule_start[r] .. rule_start[r + 1]
    rule_cols: dict[str, np.ndarray]
    rule_zip: np.ndarray
    prefixes: Lookup  # "city|area|zip3" for every 3-digit prefix a district uses
    lane_rule_keys: np.ndarray  # sorted road << 32 | lane << 12 | lane_sub of the lane rules
    road_alley_rules: np.ndarray  # per road row: has rules for an alley outside any lane
    road_floor_rules: np.ndarray  # per road row: has rules for some floors only


@lru_cache(maxsize=1)
def tables() -> TwTables:
    """Load the shipped 3+3 file once per process."""
    path = files("crmmigrate") / "data" / "address" / "tw_zip33.csv.gz"
    with path.open("rb") as handle:
        raw = pd.read_csv(handle, compression="gzip", dtype=str, keep_default_na=False)
    for column, default in _DEFAULTS.items():
        values = raw[column].to_numpy(dtype=object)
        raw[column] = np.where(values == "", default, values).astype(np.int64)
    raw["zip3"] = raw["zip"].str[:3]
    # each district's usual 3-digit code: its most frequent, the first seen on a tie
    usual = raw.groupby(["city", "area", "zip3"], sort=False).size().reset_index(name="n")
    usual["seen"] = np.arange(len(usual))  # groups come in the order they are first seen
    districts = (
        usual.sort_values(["city", "area", "n", "seen"], ascending=[True, True, False, True])
        .drop_duplicates(["city", "area"])[["city", "area", "zip3"]]
        .reset_index(drop=True)
    )
    prefixes = raw[["city", "area", "zip3"]].drop_duplicates()
    road_keys = raw[["city", "area", "road"]].drop_duplicates().reset_index(drop=True)
    road_keys["key"] = fold(road_keys["road"])
    road_keys = road_keys.drop_duplicates(["city", "area", "key"]).reset_index(drop=True)
    road_keys["road_id"] = np.arange(len(road_keys))
    raw = raw.merge(road_keys[["city", "area", "road", "road_id"]], on=["city", "area", "road"])
    nzip = raw.groupby("road_id")["zip"].agg(["nunique", "first"])
    road_keys["zip"] = np.where(nzip["nunique"] == 1, nzip["first"], "")
    multi = raw[raw["road_id"].isin(nzip.index[nzip["nunique"] > 1])]
    rules = multi[["road_id", "zip", *_DEFAULTS]].reset_index(drop=True)
    per_area = districts.groupby("area")["city"].agg(["nunique", "first"])
    area_city = {str(k): str(v) for k, v in per_area.loc[per_area["nunique"] == 1, "first"].items()}
    zip3 = {z: (c, a) for c, a, z in districts[["city", "area", "zip3"]].itertuples(index=False)}
    by_district = {
        f"{c}|{a}": z for c, a, z in districts[["city", "area", "zip3"]].itertuples(index=False)
    }
    ordered = rules.sort_values("road_id", kind="stable")
    start = np.searchsorted(ordered["road_id"].to_numpy(), np.arange(len(road_keys) + 1))
    keys = road_keys["city"] + "|" + road_keys["area"] + "|" + road_keys["key"]
    lanes = rules[rules["lane"] >= 0]
    n_roads = len(road_keys)
    return TwTables(
        districts,
        road_keys,
        rules,
        area_city,
        zip3,
        by_district,
        road_index=Lookup(dict(zip(keys, keys, strict=True))),
        road_official=pa.array(road_keys["road"].tolist(), type=pa.string()),
        road_zip=pa.array(road_keys["zip"].tolist(), type=pa.string()),
        road_has_zip=(road_keys["zip"] != "").to_numpy(),
        rule_start=start.astype(np.int64),
        rule_cols={c: ordered[c].to_numpy(dtype=np.int64) for c in _DEFAULTS},
        rule_zip=ordered["zip"].to_numpy(dtype=object),
        lane_rule_keys=np.unique(
            (lanes["road_id"].to_numpy(dtype=np.int64) << 32)
            | (lanes["lane"].to_numpy(dtype=np.int64) << 12)
            | lanes["lane_sub"].to_numpy(dtype=np.int64)
        ),
        road_alley_rules=_per_road(rules[(rules["lane"] < 0) & (rules["alley"] >= 0)], n_roads),
        road_floor_rules=_per_road(
            rules[(rules["fl_lo"] > -TOP) | (rules["fl_hi"] < TOP)], n_roads
        ),
        prefixes=Lookup({f"{c}|{a}|{z}": z for c, a, z in prefixes.itertuples(index=False)}),
    )


def _per_road(rules: pd.DataFrame, n_roads: int) -> np.ndarray:
    flags = np.zeros(n_roads, dtype=bool)
    flags[rules["road_id"].to_numpy(dtype=np.int64)] = True
    return flags


@lru_cache(maxsize=2)
def unique_area_by_road(in_city: bool) -> pd.DataFrame:
    """Roads (folded key) that lie in one district only: of their 縣市, or of all Taiwan."""
    roads = tables().roads
    by = ["city", "key"] if in_city else ["key"]
    counts = roads.groupby(by, sort=False).agg(
        n=("area", "size"), area=("area", "first"), first_city=("city", "first")
    )
    found = counts[counts["n"] == 1].drop(columns="n")
    return (
        found.rename(columns={"first_city": "city"})
        if not in_city
        else found.drop(columns="first_city")
    )


def lookup(addr: pd.DataFrame) -> pd.Series:
    """The 3+3 code for each address, "" where the scope rules cannot decide.

    ``addr`` has columns city, area, key (folded road), lane, lane_sub, alley, no, no_sub and
    floor (integers; -1 = absent, floor ``NO_FLOOR`` = absent).
    """
    t = tables()
    text = {c: pa.array(addr[c].astype(str).tolist(), type=pa.string()) for c in _TEXT}
    where = t.road_index.index(cat(text["city"], "|", text["area"], "|", text["key"]))
    nums = {c: addr[c].to_numpy(dtype=np.int64) for c in _NUMBERS}
    codes = codes_for(np.asarray(where.fill_null(-1).to_numpy(zero_copy_only=False)), nums)
    return pd.Series(codes.to_pylist(), index=addr.index, dtype="str")


_TEXT = ("city", "area", "key")
_NUMBERS = ("lane", "lane_sub", "alley", "no", "no_sub", "floor")


def codes_for(pos: np.ndarray, nums: dict[str, np.ndarray]) -> pa.Array:
    """3+3 codes from the rows' road positions in ``tables().roads`` (-1 = unknown road).

    Roads with one code answer directly; the others are paired with their scope rules (a slice
    of the rules table sorted by road) and decided by ``_decide``.
    """
    t = tables()
    pos = pos.astype(np.int64)
    known = pos >= 0
    safe = np.where(known, pos, 0)
    out = pc.if_else(known, t.road_zip.take(pa.array(safe)), "")
    need = known & ~t.road_has_zip[safe]
    if not need.any():
        return out
    rows = np.flatnonzero(need)
    road = pos[rows]
    parts = _relevant(road, {c: nums[c][rows] for c in _NUMBERS})
    # addresses that agree on every part the rules look at get one decision
    first, inverse = _distinct_rows([road, *parts.values()])
    pair_row, rule = expand(road[first], t.rule_start)
    pair = {c: parts[c][first][pair_row] for c in _NUMBERS}
    pair |= {f"{c}_r": t.rule_cols[c][rule] for c in ("lane", "lane_sub", "alley")}
    pair |= {c: t.rule_cols[c][rule] for c in ("parity", "exact", "lo", "hi", "fl_lo", "fl_hi")}
    ok, definite, score = _candidates(pair)
    cand = pd.DataFrame(
        {"_row": pair_row, "zip": t.rule_zip[rule], "score": score, "definite": definite}
    )[ok]
    decided = _decide(cand)
    codes = np.full(len(first), "", dtype=object)
    codes[decided.index.to_numpy(dtype=np.int64)] = decided.to_numpy()
    return scatter(out, need, pa.array(codes[inverse], type=pa.string()))


def _relevant(road: np.ndarray, n: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The address numbers with the parts that no rule of the road can look at blanked.

    The door number (and alley) of an address in a lane matter only if that very lane, or an
    alley of the road, has rules of its own: the road's other rules place it by its lane. The
    floor matters only on roads with floor rules.
    """
    t = tables()
    lane, lane_sub = n["lane"], n["lane_sub"]
    fits = (lane >= 0) & (lane < 1 << 20) & (lane_sub >= 0) & (lane_sub < 1 << 12)
    key = (road << 32) | (np.where(fits, lane, 0) << 12) | np.where(fits, lane_sub, 0)
    door = (lane < 0) | (fits & np.isin(key, t.lane_rule_keys)) | t.road_alley_rules[road]
    return {
        "lane": lane,
        "lane_sub": lane_sub,
        "alley": np.where(door, n["alley"], -1),
        "no": np.where(door, n["no"], -1),
        "no_sub": np.where(door, n["no_sub"], 0),
        "floor": np.where(t.road_floor_rules[road], n["floor"], NO_FLOOR),
    }


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct combination of the columns, and each row's combination."""
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        values, uniques = pd.factorize(column)
        code, _ = pd.factorize(code * len(uniques) + values)
    _, first = np.unique(code, return_index=True)
    return first, code


def _decide(cand: pd.DataFrame) -> pd.Series:
    """One code per address row where the most specific candidate rules agree.

    Rules whose conditions are all decided compete by specificity (a single door beats a range,
    an alley or lane rule beats a road rule); a rule left undecided for lack of a part (no door
    number, no floor) that is at least as specific and names another code makes it ambiguous.
    """
    sure = cand[cand["definite"]]
    best = sure.groupby("_row")["score"].max()
    top = sure[sure["score"].to_numpy() == best.reindex(sure["_row"]).to_numpy()]
    tops = top.groupby("_row")["zip"].agg(["nunique", "first"])
    chosen = tops.loc[tops["nunique"] == 1, "first"]
    maybe = cand[~cand["definite"]]
    bar = best.reindex(maybe["_row"]).fillna(-1).to_numpy()
    maybe = maybe[maybe["score"].to_numpy() >= bar]
    against = chosen.reindex(maybe["_row"]).to_numpy()
    clash = maybe.loc[pd.notna(against) & (maybe["zip"].to_numpy() != against), "_row"].unique()
    chosen = chosen.drop(clash)
    alone = maybe[~maybe["_row"].isin(best.index)].groupby("_row")["zip"].agg(["nunique", "first"])
    return pd.concat([chosen, alone.loc[alone["nunique"] == 1, "first"]])


def _candidates(p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rules not definitely violated by the address, whether fully decided, and specificity."""
    lane, lane_sub, alley = (p[c] for c in ("lane", "lane_sub", "alley"))
    r_lane, r_lane_sub, r_alley = (p[c] for c in ("lane_r", "lane_sub_r", "alley_r"))
    no, no_sub, floor = (p[c] for c in ("no", "no_sub", "floor"))
    ok = (r_lane < 0) | ((lane == r_lane) & (lane_sub == r_lane_sub))
    ok &= (r_alley < 0) | (alley == r_alley)
    # where on the road (or in the lane) the door is, and whether that is a door number
    in_lane = r_lane >= 0
    pos_num = np.where(
        r_alley >= 0,
        no,
        np.where(in_lane, np.where(alley >= 0, alley, no), np.where(lane >= 0, lane, no)),
    )
    pos_sub = np.where(
        r_alley >= 0,
        no_sub,
        np.where(in_lane, np.where(alley >= 0, 0, no_sub), np.where(lane >= 0, lane_sub, no_sub)),
    )
    is_door = np.where(r_alley >= 0, True, np.where(in_lane, alley < 0, lane < 0))
    known = pos_num >= 0
    pos = pos_num * SUB + pos_sub
    parity = p["parity"]
    ok &= ~known | (parity != 1) | (pos_num % 2 == 1)
    ok &= ~known | (parity != 2) | (pos_num % 2 == 0)
    ok &= ~known | ((p["lo"] <= pos) & (pos <= p["hi"]))
    ok &= ~known | (p["exact"] != 1) | is_door
    has_floor = floor != NO_FLOOR
    fl_lo, fl_hi = p["fl_lo"], p["fl_hi"]
    ok &= ~has_floor | ((fl_lo <= floor) & (floor <= fl_hi))
    exact = p["exact"] == 1
    needs_pos = (parity != 0) | (p["lo"] > 0) | (p["hi"] < TOP) | exact
    needs_floor = (fl_lo > -TOP) | (fl_hi < TOP)
    definite = (known | ~needs_pos) & (has_floor | ~needs_floor)
    score = 8 * exact + 4 * (r_alley >= 0) + 2 * in_lane + 1 * needs_floor
    return ok, definite, score
