"""US addresses, and the English street grammar the UK parser shares.

A fast RE2 path for the usual shapes (``123 N Main St Apt 4, Springfield, IL 62704``); what it
cannot take goes to ``usaddress`` (CRF tagging, ~80 µs a value), in a process pool when there
are many. Street types, directionals and unit words follow USPS Publication 28 (Street → St,
Avenue → Ave, Suite → Ste, North → N); ALL-CAPS text is title-cased. The one-line form is
``line1, line2, city, ST 12345``.
"""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise._address_text import (
    Groups,
    Lookup,
    blank,
    cat,
    filled,
    has,
    join_sep,
    map_small,
    pick,
    scatter,
    when,
)


def _pairs(text: str) -> dict[str, str]:
    """``key=value`` items separated by spaces and line breaks, as a dict."""
    return dict(item.split("=", 1) for item in text.split())


STATES = dict(
    item.split(" ", 1)
    for item in """
AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware
FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky
LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi
MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico
NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania
RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont
VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming|DC District of Columbia
PR Puerto Rico|GU Guam|VI Virgin Islands|AS American Samoa|MP Northern Mariana Islands
""".strip()
    .replace("\n", "|")
    .split("|")
)
# USPS Publication 28, appendix C1 (common street suffixes) and C2 (secondary unit designators)
SUFFIXES = _pairs("""
alley=Aly aly=Aly avenue=Ave ave=Ave av=Ave boulevard=Blvd blvd=Blvd circle=Cir cir=Cir court=Ct
ct=Ct crescent=Cres cres=Cres drive=Dr dr=Dr expressway=Expy expy=Expy freeway=Fwy fwy=Fwy
highway=Hwy hwy=Hwy lane=Ln ln=Ln parkway=Pkwy pkwy=Pkwy place=Pl pl=Pl plaza=Plz plz=Plz
road=Rd rd=Rd square=Sq sq=Sq street=St st=St str=St terrace=Ter ter=Ter trail=Trl trl=Trl
way=Way loop=Loop pike=Pike turnpike=Tpke tpke=Tpke center=Ctr ctr=Ctr point=Pt pt=Pt ridge=Rdg
rdg=Rdg route=Rte rte=Rte close=Cl gardens=Gdns gdns=Gdns grove=Grv grv=Grv mews=Mews row=Row
walk=Walk green=Grn hill=Hl crossing=Xing
""")
UNITS = _pairs("""
apartment=Apt apt=Apt suite=Ste ste=Ste unit=Unit room=Rm rm=Rm floor=Fl fl=Fl building=Bldg
bldg=Bldg department=Dept dept=Dept #=# flat=Flat
""")
DIRECTIONS = _pairs("""
north=N south=S east=E west=W northeast=NE northwest=NW southeast=SE southwest=SW n=N s=S e=E
w=W ne=NE nw=NW se=SE sw=SW
""")
US_WORDS = r"USA|U\.S\.A\.?|U\.S\.|US|United\s+States(?:\s+of\s+America)?"
UK_WORDS = (
    r"UK|U\.K\.|United\s+Kingdom|England|Scotland|Wales|Northern\s+Ireland|Great\s+Britain|GB"
)
UK_POSTCODE = r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}"
_ALT = "|".join


def words(keys: dict[str, str]) -> str:
    return _ALT(sorted((re.escape(k) for k in keys if k != "#"), key=len, reverse=True))


@lru_cache(maxsize=1)
def state_regex() -> str:
    names = sorted(STATES.values(), key=len, reverse=True)
    return "(?:" + _ALT(STATES) + "|(?i:" + _ALT(n.replace(" ", r"\s+") for n in names) + "))"


def street_pattern() -> str:
    return (
        r"(?P<num>[0-9]+[A-Za-z]?(?:-[0-9]+[A-Za-z]?)?)\s+"
        r"(?:(?P<pre>(?i:" + words(DIRECTIONS) + r"))\.?\s+)?"
        r"(?P<name>[A-Za-z0-9][A-Za-z0-9'.\- ]*?)"
        r"(?:\s+(?P<type>(?i:" + words(SUFFIXES) + r"))\.?)?"
        r"(?:\s+(?P<post>(?i:" + words(DIRECTIONS) + r"))\.?)?"
        r"(?:\s*,?\s+(?P<unitw>(?i:" + words(UNITS) + r")\.?|#)\s*#?\s*(?P<unit>[A-Za-z0-9-]+))?"
    )


@lru_cache(maxsize=1)
def us_pattern() -> str:
    return (
        r"^(?:(?P<box>(?i:p\.?\s*o\.?\s*box|post\s+office\s+box))\s*(?P<boxno>[0-9A-Za-z-]+)|"
        + street_pattern()
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


def canon_street(g: dict[str, pa.Array]) -> pa.Array:
    """``num pre name type post`` with Publication 28 abbreviations (``123 North Street``: the
    'directional' is the name and the name is the street type)."""
    maps = _lookups()
    kind, name, pre = g["type"], g["name"], g["pre"]
    swap = blank(kind) & filled(pre) & maps["suffix"].has(pc.utf8_lower(name))
    kind, name, pre = pick(swap, name, kind), pick(swap, pre, name), pick(swap, "", pre)
    return join_sep(
        [
            pc.utf8_upper(g["num"]),
            maps["direction"](pc.utf8_lower(pre)),
            title_if_caps(name),
            maps["suffix"](pc.utf8_lower(kind)),
            maps["direction"](pc.utf8_lower(g["post"])),
        ],
        " ",
    )


def _canon_unit(g: dict[str, pa.Array]) -> pa.Array:
    word = _lookups()["unit"](pc.utf8_rtrim(pc.utf8_lower(g["unitw"]), characters="."))
    return when(filled(g["unit"]), join_sep([word, pc.utf8_upper(g["unit"])], " "))


def warm() -> None:
    """Build the maps and compile the patterns (before threads share them)."""
    _lookups()
    us_pattern()
    state_regex()


@lru_cache(maxsize=1)
def _lookups() -> dict[str, Lookup]:
    return {"suffix": Lookup(SUFFIXES), "direction": Lookup(DIRECTIONS), "unit": Lookup(UNITS)}


def parse(text: pa.Array) -> dict[str, object]:
    """US addresses: the fast regex path, then ``usaddress`` for the rest."""
    g = Groups(text, us_pattern())
    # a street type inside the 'name' means a city was run on without a comma: slow path
    inner = has(g["name"], r"(?i)\s(?:" + words(SUFFIXES) + r")\.?\s")
    fast = g.matched & ~inner
    box = filled(g["box"])
    line1 = pick(box, cat("PO Box ", pc.utf8_upper(g["boxno"])), canon_street(g.cols))
    zip4 = when(filled(g["zip4"]), cat("-", g["zip4"]))
    city = _no_country(g["city"])
    cols = {
        "line1": line1,
        "line2": _canon_unit(g.cols),
        "city": title_if_caps(city),
        "state": map_small(g["state"], _state_code),
        "postal_code": cat(g["zip"], zip4),
    }
    ok = fast.copy()
    if not fast.all():
        slow = ~fast
        tagged = tag_many(text.filter(pa.array(slow)).to_pylist())
        good = np.asarray([row[0] for row in tagged], dtype=bool)
        tg = {k: pa.array([row[i] for row in tagged], type=pa.string()) for i, k in _TAGGED}
        slow_box = cat("PO Box ", pc.utf8_upper(tg["boxno"]))
        slow_cols = {
            "line1": pick(filled(tg["box"]), slow_box, canon_street(tg)),
            "line2": _canon_unit(tg),
            "city": title_if_caps(_no_country(tg["city"])),
            "state": map_small(tg["state"], _state_code),
            "postal_code": tg["zip"],
        }
        for name, values in slow_cols.items():
            cols[name] = scatter(cols[name], slow, values)
        ok[slow] = good
    for name in cols:
        cols[name] = when(ok, cols[name])
    value = join_sep(
        [
            cols["line1"],
            cols["line2"],
            cols["city"],
            join_sep([cols["state"], cols["postal_code"]], " "),
        ],
        ", ",
    )
    incomplete = blank(cols["city"]) | blank(cols["state"])
    return cols | {
        "district": "",
        "country": "US",
        "value": value,
        "parsed": ok & filled(cols["line1"]),
        "flag": pick(incomplete, "incomplete-address", ""),
        "rules": "address.us-parse",
    }


def _no_country(city: pa.Array) -> pa.Array:
    """A 'city' that is the country word (``672 Washington St, USA``) is no city."""
    return pick(has(city, f"^(?i:{US_WORDS})$"), "", city)


def _state_code(name: str) -> str:
    key = re.sub(r"\s+", " ", name).strip().rstrip(".")
    if key.upper() in STATES:
        return key.upper()
    return _STATE_BY_NAME.get(key.casefold(), "")


_STATE_BY_NAME = {v.casefold(): k for k, v in STATES.items()}


def title_if_caps(values: pa.Array) -> pa.Array:
    """Title-case values written in one case (``ELM ST``, ``elm st`` → ``Elm St``; ``10D`` kept)."""
    upper = has(values, "[A-Z]")
    lower = has(values, "[a-z]")
    caps = (upper & ~lower & has(values, "[A-Z]{2}")) | (lower & ~upper)
    if not caps.any():
        return values
    titled = map_small(values.filter(pa.array(caps)), _title)
    return scatter(values, caps, titled)


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
    """``usaddress`` over many texts: in a process pool when there are enough to pay for it.

    Both address threads may get here: one pool at a time. Its workers are forked while the
    other thread may be in an Arrow kernel; they only run ``usaddress`` (Python and CRFsuite),
    never Arrow, so no lock that thread holds is ever waited for in a worker.
    """
    workers = int(os.environ.get("CRMMIGRATE_WORKERS", "2"))
    if len(texts) < 5000 or workers < 2:
        return [tag_one(t) for t in texts]
    with _POOL_LOCK, ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(tag_one, texts, chunksize=2000))


_POOL_LOCK = threading.Lock()


_TAGGED = tuple((i, k) for i, k in enumerate(_TAGS) if k != "ok")
