"""Website standardiser: invariants and the choices the module documents."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmmigrate.transform.standardise.url import standardise, url_value

_urlish = st.one_of(
    st.none(),
    st.text(alphabet="htps:/wexample.comTW-_ 。．<>@?#=", max_size=30),
    st.builds(
        lambda scheme, host, path: f"{scheme}{host}{path}",
        st.sampled_from(["", "http://", "https://", "HTTP://", "//", "http:/", "https//"]),
        st.sampled_from(
            ["acme.com", "WWW.Acme.com.tw", "例子.台灣", "acme", "a..b.com", "acme.com."]
        ),
        st.sampled_from(["", "/", "/About/", "/x?y=1#z", " x"]),
    ),
)


@given(st.lists(_urlish, max_size=20), st.sampled_from(["https", "http"]))
def test_idempotent_and_invalid_kept(values: list[str | None], scheme: str) -> None:
    series = pd.Series(values, dtype=object)
    once = standardise(series, default_scheme=scheme)  # type: ignore[arg-type]
    twice = standardise(once.values, default_scheme=scheme)  # type: ignore[arg-type]
    assert once.values.equals(twice.values)
    assert set(twice.status) <= {"ok", "invalid", "empty"}
    bad = once.status == "invalid"
    assert once.values[bad].equals(series[bad])


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("acme.com", "https://acme.com", "url.scheme-added"),
        ("http://acme.com", "http://acme.com", None),  # a given http:// is kept
        ("https://acme.com/", "https://acme.com", "url.trailing-slash"),
        ("https://acme.com/a/", "https://acme.com/a/", None),  # paths keep their slash
        ("https://ACME.com/CaseSensitive", "https://acme.com/CaseSensitive", "url.lowercase"),
        ("http:/acme.com", "http://acme.com", "url.scheme-repaired"),
    ],
)
def test_examples(raw: str, value: str, rule: str | None) -> None:
    out = url_value(raw)
    assert (out.value, out.rule) == (value, rule)


def test_www_is_kept_as_given() -> None:
    result = standardise(pd.Series(["www.acme.com", "acme.com"], dtype=object))
    assert list(result.values) == ["https://www.acme.com", "https://acme.com"]
