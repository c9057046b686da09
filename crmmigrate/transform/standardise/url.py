"""Websites: ``scheme://host[:port][/path][?query][#fragment]``, canonical and checked.

- Whitespace, ``<...>``, quotes and trailing ``,`` ``;`` ``.`` around the value are removed;
  NFKC folds full-width forms and ``。`` is read as a dot (rule ``url.unwrap`` / ``url.nfkc``).
- Scheme: ``http://`` and ``https://`` are kept as given (lower-cased); a missing scheme becomes
  ``default_scheme`` (``https`` unless configured; rule ``url.scheme-added``): nearly every site
  serves HTTPS now and a browser upgrades nothing by itself. ``//host``, ``http:/host``,
  ``https//host`` are repaired (``url.scheme-repaired``). Other schemes (``ftp:``) are
  ``unsupported-scheme``.
- Host: lower-cased, a trailing dot dropped; ``www.`` is kept as given (it can be a different
  site). An internationalised host (``例子.台灣``) stays in Unicode for display and is checked
  through IDNA; a Punycode host (``xn--...``) is kept as written.
- Path, query and fragment are kept exactly (paths are case-sensitive); the lone ``/`` of a bare
  host is dropped (``https://acme.com/`` → ``https://acme.com``), other trailing slashes kept.
- Two sites in one cell (``a.com; b.com``): the first is the value, the rest ``extras["second"]``.

Invalid: ``not-a-url`` (spaces inside, no dot in the host, a bad label), ``email-not-url`` (an
e-mail address given as the website), ``credentials-in-url`` (``user:pass@``: never stored),
``unsupported-scheme``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

import idna
import pandas as pd

from crmmigrate.transform.standardise.base import EMPTY, Outcome, Standardised, apply_unique

_RULE_ORDER = ("url.split", "url.scheme-repaired", "url.scheme-added", "url.unwrap", "url.nfkc",
               "url.lowercase", "url.trailing-slash", "url.trim")  # fmt: skip
_QUOTES = {'"': '"', "'": "'", "<": ">", "(": ")", "[": "]", "“": "”", "「": "」"}
_SCHEME = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.\-]*):(?P<slashes>/*)", re.IGNORECASE)
_BROKEN_SCHEME = re.compile(r"^(?P<scheme>https?)(?::/?|//)(?=[^/])", re.IGNORECASE)
_EMAIL = re.compile(r"^(?:mailto:)?[^@\s/:]+@[^@\s/]+\.[^@\s/]+$", re.IGNORECASE)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_SPLIT = re.compile(r"\s*[;,|、]\s*|\s+")
_PORT = re.compile(r"^\d{1,5}$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def standardise(
    series: pd.Series, *, default_scheme: Literal["https", "http"] = "https"
) -> Standardised:
    """Standardise a column of website addresses (see the module docstring)."""
    return apply_unique(series, lambda v: url_value(_text(v), default_scheme=default_scheme))


def url_value(value: str, *, default_scheme: str = "https") -> Outcome:
    """Standardise one website address."""
    rules: set[str] = set()
    text = value.strip()
    if not text:
        return EMPTY
    if text != value:
        rules.add("url.trim")
    norm = unicodedata.normalize("NFKC", text).replace("。", ".").strip()
    if norm != text:
        rules.add("url.nfkc")
    parts = [p for p in _SPLIT.split(norm) if p]
    if len(parts) > 1 and all(_canonical(p, default_scheme, set())[0] for p in parts):
        rules.add("url.split")
        norm = parts[0]
    canonical, reason = _canonical(norm, default_scheme, rules)
    if canonical is None:
        return Outcome(value, "invalid", None, reason or "not-a-url")
    extras = None
    if "url.split" in rules:
        extras = {"second": "; ".join(_canonical(p, default_scheme, set())[0] or p
                                      for p in parts[1:])}  # fmt: skip
    if canonical == value:
        return Outcome(value, "ok", extras=extras)
    rule = next(r for r in _RULE_ORDER if r in rules)
    return Outcome(canonical, "fixed", rule, extras=extras)


def _canonical(text: str, default_scheme: str, rules: set[str]) -> tuple[str | None, str | None]:
    """(canonical URL, None) or (None, reason)."""
    text = _unwrap(text, rules)
    if _EMAIL.match(text):
        return None, "email-not-url"
    if any(c.isspace() for c in text):
        return None, "not-a-url"
    scheme, rest = _split_scheme(text, default_scheme, rules)
    if scheme not in ("http", "https"):
        return None, "unsupported-scheme"
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        return None, "credentials-in-url"
    host, _, port = authority.partition(":")
    if port and not _PORT.match(port):
        return None, "not-a-url"
    host_out = _host(host)
    if host_out is None:
        return None, "not-a-url"
    if host_out != host:
        rules.add("url.lowercase")
    if tail == "/":
        tail = ""
        rules.add("url.trailing-slash")
    return f"{scheme}://{host_out}{':' + port if port else ''}{tail}", None


def _unwrap(text: str, rules: set[str]) -> str:
    while True:
        before = text
        text = text.strip().rstrip(",;")
        if len(text) > 1 and _QUOTES.get(text[0]) == text[-1]:
            text = text[1:-1]
        if text.endswith(".") and "/" not in text.split("//", 1)[-1]:
            text = text.rstrip(".")  # `www.acme.com.` — end of a sentence or a root dot
        if text == before:
            return text
        rules.add("url.unwrap")


def _split_scheme(text: str, default_scheme: str, rules: set[str]) -> tuple[str, str]:
    broken = _BROKEN_SCHEME.match(text)
    if text.startswith("//"):
        rules.add("url.scheme-added")
        return default_scheme, text[2:]
    found = _SCHEME.match(text)
    if found and found["slashes"] == "//":
        scheme = found["scheme"].lower()
        if scheme != found["scheme"]:
            rules.add("url.lowercase")
        return scheme, text[found.end() :]
    if broken:
        rules.add("url.scheme-repaired")
        return broken["scheme"].lower(), text[broken.end() :]
    if found and not found["slashes"] and not re.match(r"\d", text[found.end() :]):
        return found["scheme"].lower(), text[found.end() :]  # `ftp:x`, `javascript:`
    rules.add("url.scheme-added")
    return default_scheme, text


def _host(host: str) -> str | None:
    """The lower-cased host, or None when it cannot be a public host name."""
    host = host.lower().rstrip(".")
    if "." not in host or ".." in host:
        return None
    if _IPV4.match(host):
        return host if all(int(p) < 256 for p in host.split(".")) else None
    labels = host.split(".")
    if host.isascii() and "xn--" not in host:
        ok = all(_LABEL.match(lb) for lb in labels) and not labels[-1].isdigit()
        return host if ok and len(labels[-1]) >= 2 else None
    if len(labels[-1]) < 2:
        return None
    try:
        idna.encode(host, uts46=True)
    except idna.IDNAError:
        return None
    return host


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)
