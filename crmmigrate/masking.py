"""Secrets in URLs: masked for anything shown or stored.

A database URL is shown in the terminal and stored in a run's manifest, load checkpoint and
reports; its password never is. Masking works on the text, not on a parsed URL, so that a URL a
parser reads differently from the user (an unencoded ``@`` or ``/`` in the password) still loses
the whole password: the user information ends at the *last* ``@``. Masking too much only hides
part of a host name; masking too little leaks a secret.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
# query parameters that carry secrets in SQLAlchemy/libpq/ODBC URLs
_SECRET_PARAMS = re.compile(
    r"([?&;](?:password|passwd|pwd|sslpassword|secret|token|access_token|api_key|apikey|key)=)"
    r"[^&;#]*",
    re.IGNORECASE,
)


def mask_url(url: Any) -> str:
    """``url`` with its password and secret query parameters replaced by ``***``."""
    text = _as_text(url)
    scheme, sep, rest = text.partition("://")
    if sep:
        colon, at = rest.find(":"), rest.rfind("@")
        slash = rest.find("/")
        if colon != -1 and at > colon and (slash == -1 or colon < slash):
            rest = f"{rest[: colon + 1]}{MASK}{rest[at:]}"
        text = f"{scheme}{sep}{rest}"
    return _SECRET_PARAMS.sub(rf"\g<1>{MASK}", text)


def has_secret(url: Any) -> bool:
    """Whether masking changes ``url``: it carries a password or a secret parameter."""
    return mask_url(url) != _as_text(url)


def _as_text(url: Any) -> str:
    render = getattr(url, "render_as_string", None)  # an SQLAlchemy URL object
    return str(render(hide_password=False) if callable(render) else url)
