"""Tell a header row from a row of data, and keep names short enough to show in a message.

A file without a header row has its first record read as the column names: names, phones and
e-mails would then be printed wherever the columns are listed ("no column 'E-mail'; valid: Ann,
0912-345-678, ..."). A header cell that has the shape of a value -- an e-mail address, a phone
number, a date, a number, or more than :data:`MAX_HEADER_CHARS` characters -- is therefore never
shown; the message says that the first row looks like data instead.

Shapes only catch what is obviously a value: a first row of plain names ("Ann", "Lee") still
reads as a header. That is the limit of any check that does not know the columns in advance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from crmmigrate.errors import SourceError

# Longer than any header a CRM export writes, shorter than most free-text values and addresses.
MAX_HEADER_CHARS = 64
# The most characters of one name (a path, a configured column, a sheet) put into a message.
MAX_SHOWN_CHARS = 300

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DATE = re.compile(
    r"\d{1,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,4}\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm]|Z|[+-]\d{2}:?\d{2})?)?"
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?")
_PHONE = re.compile(r"\+?[\d\s().\-/]+(?:\s*(?:ext\.?|x|#)\s*\d+)?", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?[$€£¥]?\s*(?:\d[\d,\s]*)?(?:\.\d+)?(?:[eE][-+]?\d+)?\s*%?")


def data_shape(name: str) -> str | None:
    """How ``name`` looks like a value rather than a column name ("a date", ...), or None."""
    text = name.strip()
    if len(text) > MAX_HEADER_CHARS:
        return f"is longer than {MAX_HEADER_CHARS} characters"
    if not any(char.isdigit() for char in text) and "@" not in text:
        return None  # every shape below but the e-mail needs a digit
    if _EMAIL.fullmatch(text):
        return "looks like an e-mail address"
    if _DATE.fullmatch(text) or _TIME.fullmatch(text):
        return "looks like a date or time"
    if _PHONE.fullmatch(text) and sum(char.isdigit() for char in text) >= 7:
        return "looks like a phone number"
    if _NUMBER.fullmatch(text):
        return "looks like a number"
    return None


def first_row_problem(headers: Sequence[str]) -> str | None:
    """Why the header row looks like a row of data ("column 4 looks like a date"), or None."""
    for position, name in enumerate(headers, start=1):
        shape = data_shape(name)
        if shape is not None:
            return f"column {position} {shape}"
    return None


def looks_like_data_message(problem: str) -> str:
    """The sentence that replaces a list of column names whose first row looks like data."""
    return (
        f"the first row looks like data, not a header ({problem}); add a header row naming "
        "the columns (if that row is the header, rename that column)"
    )


def check_header_row(headers: Sequence[str], *, label: str, sheet: str | None = None) -> None:
    """Raise a SourceError, without showing any header, when the first row looks like data."""
    problem = first_row_problem(headers)
    if problem is not None:
        where = label + (f" (sheet {shown(sheet, 40)})" if sheet is not None else "")
        raise SourceError(f"{where}: {looks_like_data_message(problem)}")


def shown(name: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """``repr(name)``, cut to about ``limit`` characters with the length said when it is longer."""
    if len(name) <= limit:
        return repr(name)
    return f"{name[:limit]!r}… ({len(name):,} characters)"
