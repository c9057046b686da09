"""Bounds on how much one source may make crmmigrate read, each raised by an environment variable.

A damaged export or a hostile file can be small on disk and huge once read: a CSV with no line
breaks becomes one multi-gigabyte "header", a 5 MB workbook can inflate to gigabytes of XML (a zip
bomb). Both are refused before parsing, with a message naming the file, the limit, and the
variable that raises it for a genuine file. Sizes are decimal megabytes (1 MB = 1,000,000 bytes).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from crmmigrate.errors import SourceError, UsageError

MB = 1_000_000


@dataclass(frozen=True)
class Limit:
    """A size limit in MB with its default and the environment variable that overrides it."""

    env: str
    default_mb: float

    def megabytes(self) -> float:
        """The limit in force: the environment variable if set, else the default."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default_mb
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            raise UsageError(
                f"{self.env}={raw[:40]!r}: must be a positive number of megabytes, "
                f"e.g. {self.env}={self.default_mb * 4:g}"
            )
        return value

    def bytes(self) -> int:
        return max(1, int(self.megabytes() * MB))

    def describe(self) -> str:
        return f"{self.megabytes():,g} MB"


# A CRM record is a few kilobytes; the longest text fields CRMs accept are about 130,000
# characters. 64 MB leaves room for hundreds of such fields while stopping a file with no line
# breaks before it is decoded, parsed and turned into a "header" of that size.
MAX_LINE = Limit("CRMMIGRATE_MAX_LINE_MB", 64)
# All parts of one .xlsx once decompressed. Sheet XML is ~40 bytes per cell, so 1,000 MB is about
# 25 million cells -- more than openpyxl reads in reasonable time -- and stops zip bombs, which
# inflate a few megabytes into gigabytes. Bigger workbooks are better read as CSV.
MAX_XLSX = Limit("CRMMIGRATE_MAX_XLSX_MB", 1000)


def check_line_lengths(data: bytes, label: str) -> None:
    """Raise a SourceError naming the line when a line of ``data`` is longer than MAX_LINE.

    A line ends at LF or CR (CR LF, and old Mac files, count once per break). The scan jumps a
    limit's length at a time and looks backwards for the last break, so it costs little more
    than one pass over the bytes however many lines the file has.
    """
    limit = MAX_LINE.bytes()
    start = 0
    while len(data) - start > limit:
        window = start + limit + 1
        last = max(data.rfind(b"\n", start, window), data.rfind(b"\r", start, window))
        if last < 0:
            line = (data.count(b"\n", 0, start) or data.count(b"\r", 0, start)) + 1
            raise SourceError(
                f"{label}: line {line:,} is longer than {MAX_LINE.describe()}, the limit for one "
                "line of delimited text; check that the file is delimited text with one record "
                f"per line, or raise the limit by setting {MAX_LINE.env} (in MB)"
            )
        start = last + 1


def xlsx_too_big(label: str) -> SourceError:
    """The error for a workbook whose parts decompress to more than MAX_XLSX."""
    return SourceError(
        f"{label}: the workbook decompresses to more than {MAX_XLSX.describe()}, the limit for "
        "one .xlsx (the file may be damaged or a zip bomb); if it is genuine, save its sheets "
        f"as CSV, or raise the limit by setting {MAX_XLSX.env} (in MB)"
    )
