"""US and UK addresses, and English-script addresses of other countries.

US: a fast RE2 path for the usual shapes (``123 N Main St Apt 4, Springfield, IL 62704``); what it
cannot take goes to ``usaddress`` (CRF tagging, ~80 µs a value), in a process pool when there
are many. Street types, directionals and unit words follow USPS Publication 28 (Street → St,
Avenue → Ave, Suite → Ste, North → N); ALL-CAPS text is title-cased. The one-line form is
``line1, line2, city, ST 12345``. UK: postcode validated and spaced (``sw1a1aa`` → ``SW1A 1AA``),
the same abbreviations, ``line1, line2, town, postcode``.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np
import pandas as pd

from crmmigrate.transform.standardise._address_text import NONE, extract, join_sep, nonempty

STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "District of Columbia",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
# USPS Publication 28, appendix C1 (common street suffixes) and C2 (secondary unit designators)
SUFFIXES = {
    "alley": "Aly",
    "aly": "Aly",
    "avenue": "Ave",
    "ave": "Ave",
    "av": "Ave",
    "boulevard": "Blvd",
    "blvd": "Blvd",
    "circle": "Cir",
    "cir": "Cir",
    "court": "Ct",
    "ct": "Ct",
    "crescent": "Cres",
    "cres": "Cres",
    "drive": "Dr",
    "dr": "Dr",
    "expressway": "Expy",
    "expy": "Expy",
    "freeway": "Fwy",
    "fwy": "Fwy",
    "highway": "Hwy",
    "hwy": "Hwy",
    "lane": "Ln",
    "ln": "Ln",
    "parkway": "Pkwy",
    "pkwy": "Pkwy",
    "place": "Pl",
    "pl": "Pl",
    "plaza": "Plz",
    "plz": "Plz",
    "road": "Rd",
    "rd": "Rd",
    "square": "Sq",
    "sq": "Sq",
    "street": "St",
    "st": "St",
    "str": "St",
    "terrace": "Ter",
    "ter": "Ter",
    "trail": "Trl",
    "trl": "Trl",
    "way": "Way",
    "loop": "Loop",
    "pike": "Pike",
    "turnpike": "Tpke",
    "tpke": "Tpke",
    "center": "Ctr",
    "ctr": "Ctr",
    "point": "Pt",
    "pt": "Pt",
    "ridge": "Rdg",
    "rdg": "Rdg",
    "route": "Rte",
    "rte": "Rte",
    "close": "Cl",
    "gardens": "Gdns",
    "gdns": "Gdns",
    "grove": "Grv",
    "grv": "Grv",
    "mews": "Mews",
    "row": "Row",
    "walk": "Walk",
    "green": "Grn",
    "hill": "Hl",
    "crossing": "Xing",
}
UNITS = {
    "apartment": "Apt",
    "apt": "Apt",
    "suite": "Ste",
    "ste": "Ste",
    "unit": "Unit",
    "room": "Rm",
    "rm": "Rm",
    "floor": "Fl",
    "fl": "Fl",
    "building": "Bldg",
    "bldg": "Bldg",
    "department": "Dept",
    "dept": "Dept",
    "#": "#",
    "flat": "Flat",
}
DIRECTIONS = {
    "north": "N",
    "south": "S",
    "east": "E",
    "west": "W",
    "northeast": "NE",
    "northwest": "NW",
    "southeast": "SE",
    "southwest": "SW",
    "n": "N",
    "s": "S",
    "e": "E",
    "w": "W",
    "ne": "NE",
    "nw": "NW",
    "se": "SE",
    "sw": "SW",
}
US_WORDS = r"USA|U\.S\.A\.?|U\.S\.|US|United\s+States(?:\s+of\s+America)?"
UK_WORDS = (
    r"UK|U\.K\.|United\s+Kingdom|England|Scotland|Wales|Northern\s+Ireland|Great\s+Britain|GB"
)
UK_POSTCODE = r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}"
_ALT = "|".join


def _words(keys: dict[str, str]) -> str:
    return _ALT(sorted((re.escape(k) for k in keys if k != "#"), key=len, reverse=True))


@lru_cache(maxsize=1)
def state_regex() -> str:
    names = sorted(STATES.values(), key=len, reverse=True)
    return "(?:" + _ALT(STATES) + "|(?i:" + _ALT(n.replace(" ", r"\s+") for n in names) + "))"


def _street(prefix: str = "") -> str:
    return (
        r"(?P<num>[0-9]+[A-Za-z]?(?:-[0-9]+[A-Za-z]?)?)\s+"
        r"(?:(?P<pre>(?i:" + _words(DIRECTIONS) + r"))\.?\s+)?"
        r"(?P<name>[A-Za-z0-9][A-Za-z0-9'.\- ]*?)"
        r"(?:\s+(?P<type>(?i:" + _words(SUFFIXES) + r"))\.?)?"
        r"(?:\s+(?P<post>(?i:" + _words(DIRECTIONS) + r"))\.?)?"
        r"(?:\s*,?\s+(?P<unitw>(?i:" + _words(UNITS) + r")\.?|#)\s*#?\s*(?P<unit>[A-Za-z0-9-]+))?"
    )


@lru_cache(maxsize=1)
def us_pattern() -> str:
    return (
        r"^(?:(?P<box>(?i:p\.?\s*o\.?\s*box|post\s+office\s+box))\s*(?P<boxno>[0-9A-Za-z-]+)|"
        + _street()
        + r")(?:\s*,\s*(?P<city>[A-Za-z][A-Za-z .'-]*?))?"
        r"(?:\s*,?\s+(?P<state>" + state_regex() + r"))?\.?"
        r"(?:\s*,?\s*(?P<zip>[0-9]{5})(?:\s*-\s*(?P<zip4>[0-9]{4}))?)?"
        r"(?:\s*,?\s*(?i:" + US_WORDS + r"))?\s*$"
    )


def us_cue() -> str:
    return (
        r"(?:[\s,]"
        + state_regex()
        + r"\.?,?\s+[0-9]{5}(?:-[0-9]{4})?|(?i:[\s,](?:"
        + US_WORDS
        + r")))"
        r"\.?\s*$"
    )


def uk_cue() -> str:
    return r"(?:[\s,]" + UK_POSTCODE + r"|(?i:[\s,](?:" + UK_WORDS + r")))\.?\s*$"


def _canon_street(g: pd.DataFrame) -> pd.Series:
    # "123 North Street": the 'directional' is the name and the name is the street type
    swap = (g["type"] == "") & (g["pre"] != "") & g["name"].str.lower().isin(list(SUFFIXES))
    g = g.assign(
        type=g["type"].where(~swap, g["name"]),
        name=g["name"].where(~swap, g["pre"]),
        pre=g["pre"].where(~swap, ""),
    )
    pre = g["pre"].str.lower().map(DIRECTIONS).fillna("").astype("str")
    kind = g["type"].str.lower().map(SUFFIXES).fillna("").astype("str")
    post = g["post"].str.lower().map(DIRECTIONS).fillna("").astype("str")
    return join_sep([g["num"].str.upper(), pre, title_if_caps(g["name"]), kind, post], " ")


def _canon_unit(g: pd.DataFrame) -> pd.Series:
    word = g["unitw"].str.lower().str.rstrip(".").map(UNITS).fillna("").astype("str")
    return join_sep([word, g["unit"].str.upper()], " ").where(g["unit"] != "", "")


def parse_us(text: pd.Series) -> pd.DataFrame:
    """US addresses: the fast regex path, then ``usaddress`` for the rest."""
    g = extract(text, us_pattern())
    # a street type inside the 'name' means a city was run on without a comma: slow path
    inner = g["name"].str.contains(r"(?i)\s(?:" + _words(SUFFIXES) + r")\.?\s", regex=True)
    fast = g["_matched"] & ~inner
    out = _empty(text.index, "US")
    box = ("PO Box " + g["boxno"].str.upper()).where(g["box"] != "", "")
    line1 = _canon_street(g).where(g["box"] == "", box)
    state = g["state"].map(_state_code).fillna("").astype("str")
    zip_ = g["zip"] + ("-" + g["zip4"]).where(g["zip4"] != "", "")
    fill(out, fast, line1, _canon_unit(g), title_if_caps(g["city"]), state, zip_)
    slow = text[~fast.to_numpy()]
    if len(slow):
        tagged = pd.DataFrame(tag_many(slow.tolist()), index=slow.index, columns=list(_TAGS))
        ok = tagged["ok"].astype(bool)
        tg = tagged.drop(columns="ok").fillna("").astype("str")
        line1 = _canon_street(tg).where(tg["box"] == "", "PO Box " + tg["boxno"].str.upper())
        fill(
            out,
            pd.Series(ok.to_numpy(), index=slow.index).reindex(text.index, fill_value=False),
            line1.reindex(text.index, fill_value=""),
            _canon_unit(tg).reindex(text.index, fill_value=""),
            title_if_caps(tg["city"]).reindex(text.index, fill_value=""),
            tg["state"].map(_state_code).fillna("").reindex(text.index, fill_value=""),
            tg["zip"].reindex(text.index, fill_value=""),
        )
    out["value"] = join_sep(
        [
            out["line1"],
            out["line2"],
            out["city"],
            join_sep([out["state"], out["postal_code"]], " "),
        ],
        ", ",
    )
    out["flag"] = np.where(out["city"].isna() | out["state"].isna(), "incomplete-address", NONE)
    out["rules"] = "address.us-parse"
    return _finish(out)


def parse_uk(text: pd.Series) -> pd.DataFrame:
    """UK addresses: postcode checked and spaced; town is the part before the postcode."""
    g = extract(
        text,
        r"^(?P<l1>[^,]+?)(?:\s*,\s*(?P<l2>[^,]+?))??(?:\s*,\s*(?P<town>[^,]+?))?"
        r"(?:\s*,?\s+(?P<pc>(?P<out>[A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*(?P<in>[0-9][A-Za-z]{2})))?"
        r"(?:\s*,?\s*(?i:" + UK_WORDS + r"))?[.\s]*$",
    )
    flat_first = g["l1"].str.contains(r"(?i)^(?:flat|apartment|apt|unit|suite|room)\b", regex=True)
    street_text = g["l2"].where(flat_first & (g["l2"] != ""), g["l1"])
    unit_text = g["l1"].where(flat_first & (g["l2"] != ""), g["l2"])
    s = extract(street_text, "^" + _street() + "$")
    street = _canon_street(s).where(s["_matched"], title_if_caps(street_text))
    postcode = (g["out"].str.upper() + " " + g["in"].str.upper()).where(g["pc"] != "", "")
    out = _empty(text.index, "GB")
    fill(
        out, g["_matched"], street, title_if_caps(unit_text), title_if_caps(g["town"]), "", postcode
    )
    out["value"] = join_sep([out["line1"], out["line2"], out["city"], out["postal_code"]], ", ")
    out["flag"] = np.where(
        out["postal_code"].isna() | out["city"].isna(), "incomplete-address", NONE
    )
    out["rules"] = "address.uk-parse"
    return _finish(out)


def parse_other(text: pd.Series, country: pd.Series) -> pd.DataFrame:
    """English-script text for a country without a grammar here: kept whole in line1, flagged."""
    out = _empty(text.index, "")
    out["country"] = country.to_numpy()
    tidy = text.str.replace(r"\s*,\s*", ", ", regex=True)
    useful = text.str.contains(r"[0-9]", regex=True) & text.str.contains(r"[A-Za-z]{2}", regex=True)
    out["line1"] = nonempty(tidy)
    out["value"] = tidy
    out["parsed"] = useful.to_numpy()
    out["flag"] = "incomplete-address"
    out["rules"] = "address.format"
    return out


def _empty(index: pd.Index, country: str) -> pd.DataFrame:
    out = pd.DataFrame(
        index=index,
        columns=["line1", "line2", "district", "city", "state", "postal_code"],
        dtype=object,
    )
    out["country"] = country
    out["parsed"] = False
    return out


def fill(
    out: pd.DataFrame,
    rows: pd.Series,
    line1: object,
    line2: object,
    city: object,
    state: object,
    postal: object,
) -> None:
    """Set the components of ``rows`` (a boolean mask over ``out``)."""
    mask = rows.to_numpy(dtype=bool)
    for column, values in (
        ("line1", line1),
        ("line2", line2),
        ("city", city),
        ("state", state),
        ("postal_code", postal),
    ):
        col = pd.Series(values, index=out.index) if not isinstance(values, pd.Series) else values
        out.loc[mask, column] = nonempty(col.astype("str"))[mask]
    out.loc[mask, "parsed"] = True


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    out["parsed"] = out["parsed"].astype(bool) & out["line1"].notna()
    return out


def _state_code(name: str) -> str | None:
    key = re.sub(r"\s+", " ", name).strip().rstrip(".")
    if key.upper() in STATES:
        return key.upper()
    return _STATE_BY_NAME.get(key.casefold())


_STATE_BY_NAME = {v.casefold(): k for k, v in STATES.items()}


def title_if_caps(values: pd.Series) -> pd.Series:
    """Title-case values written in one case (``ELM ST``, ``elm st`` → ``Elm St``; ``10D`` kept)."""
    upper = values.str.contains(r"[A-Z]", regex=True)
    lower = values.str.contains(r"[a-z]", regex=True)
    caps = (upper & ~lower & values.str.contains(r"[A-Z]{2}", regex=True)) | (lower & ~upper)
    if not caps.any():
        return values
    out = values.copy()
    out[caps] = values[caps].map(_title)
    return out


def _title(text: str) -> str:
    def word(match: re.Match[str]) -> str:
        w = match.group(0)
        if any(c.isdigit() for c in w):
            return w.lower() if re.fullmatch(r"[0-9]+(?:ST|ND|RD|TH)", w) else w
        if w in STATES or w in ("NE", "NW", "SE", "SW", "PO", "N", "S", "E", "W"):
            return w
        head = w[:1].upper() + w[1:].lower()
        if head.startswith("Mc") and len(head) > 2:
            head = "Mc" + head[2:].capitalize()
        return head

    return re.sub(r"[A-Za-z0-9]+", word, text)


# usaddress, for the US shapes the regex does not take
_TAGS = (
    "ok",
    "num",
    "pre",
    "name",
    "type",
    "post",
    "unitw",
    "unit",
    "box",
    "boxno",
    "city",
    "state",
    "zip",
)
_LABELS = {
    "AddressNumber": "num",
    "StreetNamePreDirectional": "pre",
    "StreetName": "name",
    "StreetNamePostType": "type",
    "StreetNamePostDirectional": "post",
    "OccupancyType": "unitw",
    "OccupancyIdentifier": "unit",
    "USPSBoxType": "box",
    "USPSBoxID": "boxno",
    "PlaceName": "city",
    "StateName": "state",
    "ZipCode": "zip",
}


def tag_one(text: str) -> tuple[object, ...]:
    import usaddress

    try:
        tagged, kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return (False, *[""] * (len(_TAGS) - 1))
    parts = {_LABELS[k]: v.strip(" ,") for k, v in tagged.items() if k in _LABELS}
    ok = kind in ("Street Address", "PO Box") and ("num" in parts or "boxno" in parts)
    return (ok, *[parts.get(k, "") for k in _TAGS[1:]])


def tag_many(texts: list[str]) -> list[tuple[object, ...]]:
    """``usaddress`` over many texts: in a process pool when there are enough to pay for it."""
    workers = int(os.environ.get("CRMMIGRATE_WORKERS", "2"))
    if len(texts) < 5000 or workers < 2:
        return [tag_one(t) for t in texts]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(tag_one, texts, chunksize=2000))
