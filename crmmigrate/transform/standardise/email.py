"""E-mail addresses: unwrap, NFKC, lower-case, syntax-check, fix mistyped provider domains.

What a value goes through, in order (each change names its rule; the most telling one is kept):

- ``email.trim`` surrounding whitespace; ``email.nfkc`` full-width forms (``＠``, ``．``), the
  ideographic full stop ``。`` typed for a dot, zero-width characters pasted from web pages;
- ``email.split`` two addresses in one cell (``;``, ``,``, ``/``, ``|``, ``、``, `` or ``, spaces):
  the first is the value, the rest go to ``extras["second"]``;
- ``email.unwrap`` ``mailto:``, ``<...>``, quotes, a display name (``Ann Lee <ann@x.com>``, kept in
  ``extras["display_name"]``), stray ``,`` ``;`` ``:`` at the ends;
- ``email.trailing-dot`` a dot after the domain (``ann@x.com.``) is a syntax error we fix;
- ``email.lowercase`` the whole address is lower-cased. Only the domain is case-insensitive by
  the RFCs, but no mail provider in use treats the local part by case, and a CRM matches and
  dedupes on the address, so the CRM convention is all lower case;
- syntax check with email-validator (no network, no deliverability check). Internationalised
  addresses (``陳@例子.台灣``) are valid; the domain stays in Unicode; a non-ASCII local part is
  flagged ``non-ascii-local-part`` because some CRMs and mail servers refuse it. Quoted local
  parts and IP-address domains are refused. A one-letter top-level domain is ``no-tld``;
- ``email.typo-domain`` a mistyped provider domain (``gmial.com``, ``yahoo.com.w``,
  ``hotmail.con``) is corrected when the correction is unambiguous (see ``_email_domains``);
  with ``fix_typos=False`` it is flagged ``typo-domain`` instead;
- role mailboxes (``info@``, ``sales01@``, ``客服@``) are flagged ``role-address``, never invalid.

Invalid reasons: ``missing-at``, ``multiple-at``, ``spaces-inside``, ``bad-local-part``,
``bad-domain``, ``no-tld``, ``too-long``.

Speed: distinct values in the plain ASCII shape are checked by one vectorised pattern that only
admits what email-validator accepts (``_FAST``); only the rest go through the per-value parser.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from email_validator import EmailNotValidError, validate_email

from crmmigrate.transform.standardise._email_domains import (
    candidate_pattern,
    role_pattern,
    typo_target,
)
from crmmigrate.transform.standardise._vector import Columns, factorize, to_arrow
from crmmigrate.transform.standardise.base import EMPTY, Outcome, Standardised, invalid

# A loose shape kept for compatibility: one @, no spaces, dot-separated labels, an alphabetic
# top-level domain of 2+ letters. ``is_valid_email`` is the exact check the standardiser uses.
EMAIL_SYNTAX = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[^\W\d_]{2,}$")

# The plain ASCII shape, after lower-casing. Everything it admits email-validator accepts as
# long as the local part is at most 64 characters, the address at most 254, no label contains
# ``--`` (reserved for IDNA) and the domain is not special-use (``_SPECIAL``); checked apart.
_FAST = (
    r"^[a-z0-9%+_-]+(?:\.[a-z0-9%+_-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_SPECIAL = r"\.(?:arpa|invalid|local|localhost|onion|test)$"
_FAST_RE = re.compile(_FAST)
_SPECIAL_RE = re.compile(_SPECIAL)
_LOCAL_MAX, _ADDRESS_MAX = 64, 254

_RULE_ORDER = (
    "email.typo-domain",
    "email.split",
    "email.trailing-dot",
    "email.unwrap",
    "email.nfkc",
    "email.lowercase",
    "email.trim",
)
_SEPARATORS = re.compile(r"\s*(?:[;,/|、]|\s(?:or|and|或|及)\s)\s*|\s+", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:mailto|e-?mail)\s*:\s*", re.IGNORECASE)
_DISPLAY_NAME = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>$")
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "(": ")", "[": "]", "<": ">"}
_EDGE_PUNCT = ",;:"
# the ideographic full stop typed for a dot; zero-width characters pasted from web pages
_INVISIBLE_AND_DOTS = str.maketrans(
    {"。": ".", "､": "、", "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
     "\ufeff": None}
)  # fmt: skip


def is_valid_email(text: str) -> bool:
    """Whether ``text`` exactly as given is a syntactically valid address (no clean-up)."""
    return _check(text)[0] is None


def standardise(series: pd.Series, *, fix_typos: bool = True) -> Standardised:
    """Standardise a column of e-mail addresses (see the module docstring)."""
    codes, uniques = factorize(series)
    cols = Columns(len(uniques))
    fast = _fast_path(uniques, cols) if len(uniques) else np.zeros(0, dtype=bool)
    for i in np.flatnonzero(~fast):
        cols.put(int(i), standardise_email_value(_as_text(uniques[i]), fix_typos=fix_typos))
    return cols.build(series.index, codes)


standardise_email = standardise  # the v0 name the standardise stage imports


def _fast_path(uniques: np.ndarray, cols: Columns) -> np.ndarray:
    """Fill the plain ASCII addresses on known-good domains; return which distinct values it did."""
    raw = to_arrow(uniques)
    low = pc.ascii_lower(raw)  # only ASCII values can take the fast path
    mask = pc.and_(
        pc.and_(pc.match_substring_regex(low, _FAST), pc.invert(pc.match_substring(low, "--"))),
        pc.and_(
            pc.less_equal(pc.find_substring(low, "@"), _LOCAL_MAX),
            pc.less_equal(pc.binary_length(low), _ADDRESS_MAX),
        ),
    )
    mask = pc.and_(mask, pc.invert(pc.match_substring_regex(low, _SPECIAL)))
    mask = pc.and_(mask, pc.string_is_ascii(raw))
    domains = pc.replace_substring_regex(low, r"^[^@]*@", "")
    maybe = pc.and_(mask, pc.match_substring_regex(domains, candidate_pattern()))
    typos = [d for d in pc.unique(pc.filter(domains, maybe)).to_pylist() if typo_target(d)]
    if typos:  # a mistyped domain takes the per-value path, which corrects or flags it
        mask = pc.and_(mask, pc.invert(pc.is_in(domains, value_set=pa.array(typos, low.type))))
    mask = pc.fill_null(mask, False)
    fast = mask.to_numpy(zero_copy_only=False)
    where = np.flatnonzero(fast)
    picked = pc.filter(low, mask)
    cols.values[where] = picked.to_numpy(zero_copy_only=False)
    same = pc.equal(picked, pc.filter(raw, mask)).to_numpy(zero_copy_only=False)
    cols.status[where] = np.where(same, "ok", "fixed")
    cols.rule[where[~same]] = "email.lowercase"
    role = pc.match_substring_regex(picked, role_pattern()).to_numpy(zero_copy_only=False)
    cols.flags[where[role]] = "role-address"
    return fast


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def standardise_email_value(value: str, *, fix_typos: bool = True) -> Outcome:
    """Standardise one address; the reference the vectorised fast path agrees with."""
    rules: set[str] = set()
    text = value.strip()
    if not text:
        return EMPTY
    if text != value:
        rules.add("email.trim")
    norm = unicodedata.normalize("NFKC", text).translate(_INVISIBLE_AND_DOTS).strip()
    if norm != text:
        rules.add("email.nfkc")
    parts = _split(norm)
    if len(parts) > 1:
        rules.add("email.split")
    address, display_name, unwrap_rules = _unwrap(parts[0])
    rules |= unwrap_rules
    reason, canonical = _check(address)
    if reason == "no-tld" and fix_typos:  # `yahoo.com.w`: a one-letter TLD, mistyped
        local, _, domain = address.rpartition("@")
        typo = typo_target(domain.lower())
        if typo is not None:
            reason, canonical = _check(f"{local}@{typo}")
            rules.add("email.typo-domain")
    if reason is not None or canonical is None:
        return invalid(value, reason or "bad-domain")
    if canonical != address:
        rules.add("email.lowercase")
    local, _, domain = canonical.rpartition("@")
    flag = None
    typo = typo_target(domain)
    if typo is not None and fix_typos:
        canonical = f"{local}@{typo}"
        rules.add("email.typo-domain")
    elif typo is not None:
        flag = "typo-domain"
    if flag is None and re.match(role_pattern(), canonical):
        flag = "role-address"
    if flag is None and not local.isascii():
        flag = "non-ascii-local-part"
    extras: dict[str, str | None] = {}
    if len(parts) > 1:
        extras["second"] = "; ".join(_second(p, fix_typos) for p in parts[1:])
    if display_name:
        extras["display_name"] = display_name
    if canonical == value:
        return Outcome(value, "ok", extras=extras or None, flag=flag)
    rule = next(r for r in _RULE_ORDER if r in rules)
    return Outcome(canonical, "fixed", rule, extras=extras or None, flag=flag)


def _second(text: str, fix_typos: bool) -> str:
    """A further address from the same cell: standardised when valid, else as written."""
    out = standardise_email_value(text, fix_typos=fix_typos)
    return out.value if out.status in ("ok", "fixed") and out.value else text


def _split(text: str) -> list[str]:
    """Several addresses in one cell, or just the cell when it is not clearly several."""
    if text.count("@") < 2:
        return [text]
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) > 1 and all("@" in p for p in parts):
        return parts
    return [text]


def _unwrap(text: str) -> tuple[str, str | None, set[str]]:
    """Strip ``mailto:``, brackets, quotes, a display name and edge punctuation."""
    rules: set[str] = set()
    display_name = None
    while True:
        before = text
        text = _PREFIX.sub("", text).strip()
        text = text.strip(_EDGE_PUNCT).strip()
        named = _DISPLAY_NAME.match(text)
        if named and "@" in named["addr"]:
            display_name = named["name"].strip().strip("\"'“”") or display_name
            text = named["addr"].strip()
        if len(text) > 1 and _QUOTES.get(text[0]) == text[-1]:
            text = text[1:-1].strip()
        if text != before:
            rules.add("email.unwrap")
            continue
        if text.endswith(".") and "@" in text:
            text = text.rstrip(".")
            rules.add("email.trailing-dot")
            continue
        return text, display_name, rules


def _check(address: str) -> tuple[str | None, str | None]:
    """(reason, None) for an invalid address, else (None, its canonical lower-case form)."""
    at = address.count("@")
    if at == 0:
        return "missing-at", None
    if at > 1:
        return "multiple-at", None
    if any(c.isspace() for c in address):
        return "spaces-inside", None
    local, _, domain = address.partition("@")
    if not local:
        return "bad-local-part", None
    if not domain:
        return "bad-domain", None
    if len(local) > _LOCAL_MAX or len(address) > _ADDRESS_MAX:
        return "too-long", None
    low = address.lower()
    if (
        address.isascii()
        and _FAST_RE.match(low)
        and "--" not in low
        and not _SPECIAL_RE.search(low)
    ):
        return None, low
    try:
        checked = validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=True,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
        )
    except EmailNotValidError as error:
        return _reason(str(error), local), None
    if len(checked.ascii_domain.rpartition(".")[2]) < 2:
        return "no-tld", None
    return None, f"{checked.local_part.lower()}@{checked.domain.lower()}"


def _reason(message: str, local: str) -> str:
    """A stable reason code for an email-validator message."""
    m = message.lower()
    if "too long" in m or "so many characters" in m:
        return "too-long"
    if "should have a period" in m or "top-level domain" in m:
        return "no-tld"
    if "after the @-sign" in m:
        return "bad-domain"
    try:  # does the local part pass on its own?
        validate_email(f"{local}@example.com", check_deliverability=False)
    except EmailNotValidError:
        return "bad-local-part"
    return "bad-domain"
