"""UK addresses, and English-script addresses of countries without a grammar here.

UK: postcode validated and spaced (``sw1a1aa`` → ``SW1A 1AA``), the US parser's street
abbreviations, ``line1, line2, town, postcode``; the town is the part before the postcode.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crmmigrate.transform.standardise._address_text import (
    Groups,
    blank,
    cat,
    filled,
    has,
    join_sep,
    pick,
    sub,
    when,
)
from crmmigrate.transform.standardise._address_us import (
    UK_WORDS,
    canon_street,
    street_pattern,
    title_if_caps,
    uk_cue,
)

__all__ = ["parse", "parse_other", "uk_cue"]

_UK = (
    r"^(?P<l1>[^,]+?)(?:\s*,\s*(?P<l2>[^,]+?))??(?:\s*,\s*(?P<town>[^,]+?))?"
    r"(?:\s*,?\s+(?P<pc>(?P<out>[A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*(?P<in>[0-9][A-Za-z]{2})))?"
    r"(?:\s*,?\s*(?i:" + UK_WORDS + r"))?[.\s]*$"
)


def parse(text: pa.Array) -> dict[str, object]:
    """UK addresses: postcode checked and spaced; town is the part before the postcode."""
    g = Groups(text, _UK)
    flat_first = has(g["l1"], r"(?i)^(?:flat|apartment|apt|unit|suite|room)\b")
    swap = flat_first & filled(g["l2"])
    street_text = pick(swap, g["l2"], g["l1"])
    unit_text = pick(swap, g["l1"], g["l2"])
    s = Groups(street_text, "^" + street_pattern() + "$")
    street = pick(s.matched, canon_street(s.cols), title_if_caps(street_text))
    postcode = when(filled(g["pc"]), cat(pc.utf8_upper(g["out"]), " ", pc.utf8_upper(g["in"])))
    town = pick(has(g["town"], f"^(?i:{UK_WORDS})$"), "", g["town"])  # "…, UK" is no town
    ok = g.matched
    cols = {
        "line1": when(ok, street),
        "line2": when(ok, title_if_caps(unit_text)),
        "city": when(ok, title_if_caps(town)),
        "postal_code": when(ok, postcode),
    }
    value = join_sep([cols["line1"], cols["line2"], cols["city"], cols["postal_code"]], ", ")
    incomplete = blank(cols["postal_code"]) | blank(cols["city"])
    return cols | {
        "district": "",
        "state": "",
        "country": "GB",
        "value": value,
        "parsed": ok & filled(cols["line1"]),
        "flag": pick(incomplete, "incomplete-address", ""),
        "rules": "address.uk-parse",
    }


def parse_other(text: pa.Array, country: np.ndarray) -> dict[str, object]:
    """English-script text for a country without a grammar here: kept whole in line1, flagged."""
    tidy = sub(text, r"\s*,\s*", ", ")
    useful = has(text, "[0-9]") & has(text, "[A-Za-z]{2}")
    return {
        "line1": tidy,
        "line2": "",
        "district": "",
        "city": "",
        "state": "",
        "postal_code": "",
        "country": pa.array(country.astype(object), type=pa.string()),
        "value": tidy,
        "parsed": useful,
        "flag": "incomplete-address",
        "rules": "address.format",
    }
