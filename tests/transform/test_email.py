"""E-mail standardiser: the vectorised fast path agrees with the per-value parser and with
email-validator, typo correction never touches a known domain, and invariants hold."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from email_validator import validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmigrate.transform.standardise._email_domains import (
    candidate_pattern,
    tables,
    typo_target,
)
from crmmigrate.transform.standardise.email import (
    _FAST,
    EMAIL_SYNTAX,
    is_valid_email,
    standardise,
    standardise_email,
    standardise_email_value,
)

_local_chars = st.text(alphabet="abcXYZ019._%+-", min_size=1, max_size=20)
_label = st.text(alphabet="abcxyz019-", min_size=1, max_size=12)
_domain = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_label, min_size=1, max_size=3),
    st.sampled_from(["com", "tw", "com.tw", "hk", "co", "Net", "local", "test", "cm", "con"]),
)
_ascii_address = st.builds(lambda a, b: f"{a}@{b}", _local_chars, _domain)
_providers = st.sampled_from(sorted(tables().targets))
_messy = st.one_of(
    _ascii_address,
    st.builds(lambda a, d: f"{a}@{d}", _local_chars, _providers),
    st.builds(lambda a: f"{a}@gmial.com", _local_chars),
    st.text(alphabet="ab@.＠ ;,<>\"'mailto:中", max_size=16),
    st.none(),
)


def _row(result, i: int) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    flags = None if result.flags is None else result.flags.iloc[i]
    extras = {k: v.iloc[i] for k, v in result.extras.items() if v.iloc[i] is not None}
    return (
        result.values.iloc[i],
        result.status.iloc[i],
        result.rule.iloc[i],
        result.reason.iloc[i],
        flags,
        extras or None,
    )


@settings(max_examples=300)
@given(st.lists(_messy, max_size=30))
def test_fast_path_agrees_with_the_per_value_parser(values: list[str | None]) -> None:
    result = standardise(pd.Series(values, dtype=object))
    for i, value in enumerate(values):
        if value is None or not value.strip():
            assert result.status.iloc[i] == "empty"
            continue
        one = standardise_email_value(value)
        assert _row(result, i) == (one.value, one.status, one.rule, one.reason, one.flag,
                                   dict(one.extras) if one.extras else None)  # fmt: skip


@settings(max_examples=500)
@given(_ascii_address)
def test_every_fast_shape_is_accepted_by_email_validator(address: str) -> None:
    low = address.lower()
    fast = (
        re.match(_FAST, low)
        and "--" not in low
        and not re.search(r"\.(?:arpa|invalid|local|localhost|onion|test)$", low)
        and low.index("@") <= 64
    )
    if fast:
        validate_email(address, check_deliverability=False)  # raises if we were wrong


@given(st.lists(_messy, max_size=20))
def test_idempotent_and_invalid_kept(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    once = standardise(series)
    twice = standardise(once.values)
    assert once.values.equals(twice.values)
    assert set(twice.status) <= {"ok", "invalid", "empty"}
    bad = once.status == "invalid"
    assert once.values[bad].equals(series[bad])


def test_known_domains_are_never_corrected() -> None:
    t = tables()
    assert all(typo_target(d) is None for d in t.known)
    assert all(target in t.known for target in set(t.domain_typos.values()) if "." in target)


def _mutate(text: str, position: int, edit: str, char: str) -> str:
    i = position % (len(text) + 1)
    if edit == "delete":
        return text[:i] + text[i + 1 :]
    if edit == "swap" and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if edit == "replace":
        return text[:i] + char + text[i + 1 :]
    return text[:i] + char + text[i:]


_near_domains = st.builds(
    lambda d, edits: [d := _mutate(d, *e) for e in edits][-1] if edits else d,
    st.sampled_from([*sorted(tables().targets), "acme.com", "acme.com.tw"]),
    st.lists(
        st.tuples(
            st.integers(0, 20),
            st.sampled_from(["delete", "swap", "replace", "insert"]),
            st.sampled_from("aegilmnot.1w"),
        ),
        max_size=2,
    ),
)


@settings(max_examples=1000)
@given(_near_domains)
def test_every_corrected_domain_matches_the_prefilter(domain: str) -> None:
    if typo_target(domain) is not None:
        assert re.search(candidate_pattern(), domain), domain


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("gmial.com", "gmail.com"),
        ("ymial.com", "ymail.com"),  # nearest of gmail/ymail is unique
        ("email.com", None),  # a real domain
        ("cloud.com", None),  # near icloud.com, but known
        ("qqq.com", None),  # short names are never edited
        ("love.com", None),  # live.com: names of 4 letters or fewer are never edited
        ("acme.co", None),  # .co is real
        ("acme.cm", None),  # .cm is real
        ("acme.con", "acme.com"),
        ("acme.con.tw", "acme.com.tw"),
        ("yahoo.com.t", "yahoo.com.tw"),
        ("mygmail.com", None),
    ],
)
def test_typo_target(domain: str, expected: str | None) -> None:
    assert typo_target(domain) == expected


def test_arrow_backed_strings_and_non_text() -> None:
    series = pd.Series(["Ann@X.com", None, "ann@x.com", "bad"], dtype="str")
    result = standardise(series)
    assert list(result.values) == ["ann@x.com", None, "ann@x.com", "bad"]
    assert list(result.status) == ["fixed", "empty", "ok", "invalid"]
    odd = standardise(pd.Series([12345, "\ud800@x.com"], dtype=object))
    assert list(odd.status) == ["invalid", "invalid"]


def test_index_is_kept_and_v0_name_works() -> None:
    series = pd.Series(["b@x.com", "a@x.com"], index=[10, 3], dtype=object)
    result = standardise_email(series)
    assert list(result.values.index) == [10, 3]
    assert result.counts() == {"ok": 2, "fixed": 0, "invalid": 0, "empty": 0}
    assert result.flags is None


def test_counts_reasons_and_flags() -> None:
    series = pd.Series(["info@x.com", "a@b", "x@gmial.com", "a@x.com; b@y.com"], dtype=object)
    result = standardise(series)
    assert result.counts() == {"ok": 1, "fixed": 2, "invalid": 1, "empty": 0}
    assert result.reasons() == {"no-tld": 1}
    assert result.flag_counts() == {"role-address": 1}
    assert list(result.extras["second"]) == [None, None, None, "b@y.com"]
    assert list(result.rule) == [None, None, "email.typo-domain", "email.split"]


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("ann@example.com", True),
        ("Ann@Example.com", True),
        ("陳@例子.台灣", True),
        ("a@b.c", False),
        ("ann@example.com.", False),
        (" ann@example.com", False),
        ("ann@@example.com", False),
        ("ann@gmail..com", False),
    ],
)
def test_is_valid_email(text: str, valid: bool) -> None:
    assert is_valid_email(text) is valid


def test_email_syntax_regex_still_importable() -> None:
    assert EMAIL_SYNTAX.match("ok@example.com")
    assert not EMAIL_SYNTAX.match("not-an-email")
    assert not EMAIL_SYNTAX.match("a@example.123")
