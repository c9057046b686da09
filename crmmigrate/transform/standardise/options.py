"""The options each field type's standardiser accepts, so the config can be checked up front.

``defaults`` (country, date_order) and the per-source ``country`` / ``date_order`` feed the
region and order options; these are the extra knobs a config may set, project-wide under
``standardise: {<type>: {...}}`` or per source and field under
``sources[i].standardise: {<field>: {...}}``.
"""

from __future__ import annotations

from typing import Any

TYPE_OPTIONS: dict[str, dict[str, tuple[Any, ...] | type]] = {
    "phone": {"region": str, "output": ("E164", "INTERNATIONAL", "NATIONAL")},
    "date": {
        "date_order": ("YMD", "DMY", "MDY"),
        "excel_epoch": (1900, 1904),
        "country": str,
        "min_year": int,
        "max_year": int,
    },
    "datetime": {
        "date_order": ("YMD", "DMY", "MDY"),
        "excel_epoch": (1900, 1904),
        "country": str,
        "min_year": int,
        "max_year": int,
    },
    "email": {"fix_typos": (True, False)},
    "money": {"decimal_mark": ("auto", ".", ","), "default_currency": str},
    "number": {"decimal_mark": ("auto", ".", ",")},
    "integer": {"decimal_mark": ("auto", ".", ",")},
    "person_name": {
        "casing": ("smart", "keep"),
        "romanised_order": ("auto", "western", "surname-first"),
    },
    "address": {"country": str},
    "tax_id": {"country": str},
    "tw_ubn": {"restore_zeros": (True, False)},
    "url": {"default_scheme": ("https", "http")},
}


def check_options(kind: str, options: dict[str, Any]) -> str | None:
    """A one-line problem with ``options`` for a field type, or None when they are fine."""
    allowed = TYPE_OPTIONS.get(kind, {})
    for key, value in options.items():
        if key not in allowed:
            from crmmigrate.yamlio import did_you_mean

            hint = did_you_mean(key, allowed) if allowed else f"; {kind} fields take no options"
            return f"{key}: unknown option{hint}"
        spec = allowed[key]
        if isinstance(spec, tuple) and value not in spec:
            return f"{key}: must be one of {', '.join(map(str, spec))}"
        if spec is str and not isinstance(value, str):
            return f"{key}: must be text"
        if spec is int and (isinstance(value, bool) or not isinstance(value, int)):
            return f"{key}: must be a whole number"
    return None
