"""Build damaged .xlsx files from a good openpyxl workbook: unzip, alter a part, zip again.

The good workbook has one sheet, "Contacts", with a header row (First Name, Last Name, E-mail)
and one record whose e-mail, ``ann@example.com``, must never appear in an error.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl

SECRET = "ann@example.com"
SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"


def good_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Contacts"
    sheet.append(["First Name", "Last Name", "E-mail"])
    sheet.append(["Ann", "Lee", SECRET])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(contents: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return out.getvalue()


def altered(**changes: bytes | None) -> bytes:
    """The good workbook with parts replaced (``sheet=b"..."``) or removed (``sheet=None``)."""
    names = {"sheet": SHEET, "styles": STYLES, "workbook": WORKBOOK, "types": CONTENT_TYPES}
    contents = parts(good_workbook())
    for key, data in changes.items():
        if data is None:
            del contents[names[key]]
        else:
            contents[names[key]] = data
    return rezip(contents)


def billion_laughs(root: bytes) -> bytes:
    """An XML document whose one text node expands to 10^9 "lol"s through nested entities."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10)
    )
    return b'<?xml version="1.0"?><!DOCTYPE x [' + entities + b"]>" + root


def corrupt_deflate(data: bytes, name: str = SHEET) -> bytes:
    """Flip bytes inside one part's compressed stream, leaving the zip's directory intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    damaged = bytearray(data)
    for offset in range(start + 2, start + 12):
        damaged[offset] ^= 0xFF
    return bytes(damaged)


def lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite a part's uncompressed size, in its local header and central directory entry."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    damaged = bytearray(data)
    struct.pack_into("<I", damaged, info.header_offset + 22, size)
    encoded = name.encode()
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(encoded)] != encoded:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", damaged, central + 24, size)
    return bytes(damaged)


def padded_sheet(extra_bytes: int) -> bytes:
    """The good sheet with ``extra_bytes`` of whitespace inside it: valid XML that deflates to
    almost nothing, the shape of a zip bomb."""
    sheet = parts(good_workbook())[SHEET]
    return sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * extra_bytes, 1)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
