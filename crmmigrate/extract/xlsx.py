"""Open an .xlsx workbook safely: its zip checked before parsing, its damage named in one line.

Before openpyxl sees the file, every part is decompressed once and thrown away: a corrupt deflate
stream or a bad CRC is found here, and so is a zip bomb, by the parts' declared sizes and then by
what they really inflate to (:data:`~crmmigrate.extract.limits.MAX_XLSX`). The cost is one
decompression pass, a small share of what parsing the same XML takes.

openpyxl reports damage as assorted exceptions (lxml, expat, zlib, ``TypeError`` for an unknown
attribute, ``KeyError`` for a missing part). :func:`workbook_error` turns each into a
:class:`SourceError` that says what is wrong; for broken XML it finds the damaged part itself.
No message quotes the file's content: parts are named by their path inside the zip.
"""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile
import zlib
from typing import Any, BinaryIO

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException

from crmmigrate.errors import SourceError
from crmmigrate.extract.headers import shown
from crmmigrate.extract.limits import MAX_XLSX, xlsx_too_big

_SAVE_AGAIN = "open it in Excel and save it again as .xlsx, or export it again"
_CONTENT_TYPES = "[Content_Types].xml"
_CHUNK = 1 << 20
_MISSING_PART = re.compile(r"named '([^']*)'")
# Damaged archive data as zipfile and zlib report it; EOFError is a truncated deflate stream.
# a damaged local header can also carry a name that is not UTF-8 (UnicodeDecodeError)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    UnicodeDecodeError,
)


def open_workbook(handle: BinaryIO, label: str) -> Any:
    """A read-only openpyxl workbook of ``handle``; any damage raises a one-line SourceError."""
    check_archive(handle, label)
    handle.seek(0)
    reader: ExcelReader | None = None
    try:
        reader = ExcelReader(handle, read_only=True, data_only=True)
        reader.read()
        listed = list(reader.parser.find_sheets())
    except Exception as exc:  # openpyxl surfaces damage as assorted exception types
        if reader is not None:
            reader.archive.close()
        raise workbook_error(exc, handle, label) from None
    workbook = reader.wb
    for sheet, rel in listed:
        if rel.target not in reader.valid_files:
            workbook.close()
            raise SourceError(
                f"{label}: sheet {shown(sheet.name, 40)} is listed in the workbook but its part "
                f"{shown(rel.target, 100)} is missing (the file is damaged); {_SAVE_AGAIN}"
            )
    if not listed:
        workbook.close()
        raise SourceError(f"{label}: the workbook has no sheets; {_SAVE_AGAIN}")
    return workbook


def check_archive(handle: BinaryIO, label: str) -> None:
    """Refuse a workbook whose zip is damaged or inflates past MAX_XLSX, before any parsing."""
    limit = MAX_XLSX.bytes()
    part = ""
    try:
        with zipfile.ZipFile(handle) as archive:
            parts = [info for info in archive.infolist() if not info.is_dir()]
            if _CONTENT_TYPES not in {info.filename for info in parts}:
                raise _not_a_workbook(label)
            if sum(info.file_size for info in parts) > limit:
                raise xlsx_too_big(label)
            total = 0
            for info in parts:
                part = info.filename
                with archive.open(info) as stream:
                    # zipfile stops at the declared size; counting guards the sum regardless
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise xlsx_too_big(label)
    except SourceError:
        raise
    except MemoryError:
        raise xlsx_too_big(label) from None
    except _ZIP_ERRORS:
        if not part:
            raise _not_a_workbook(label) from None
        raise SourceError(
            f"{label}: the workbook is damaged: part {shown(part, 100)} does not decompress "
            f"(corrupt zip data); {_SAVE_AGAIN}"
        ) from None
    except OSError as exc:  # the disk, not the zip: BadZipFile is no OSError
        raise SourceError(f"{label}: cannot read the file ({exc.strerror})") from None


def workbook_error(
    exc: BaseException, handle: BinaryIO, label: str, sheet: str | None = None
) -> SourceError:
    """The SourceError for an exception openpyxl raised while reading the workbook."""
    cause = _root_cause(exc)
    if isinstance(cause, MemoryError):
        return SourceError(
            f"{label}: not enough memory to read the workbook; save its sheets as CSV and "
            "read those instead"
        )
    if isinstance(cause, zipfile.BadZipFile | InvalidFileException):
        return _not_a_workbook(label)
    if isinstance(cause, KeyError):
        found = _MISSING_PART.search(str(cause))
        if found is not None and found.group(1).lower().endswith("workbook.xml"):
            return _no_workbook_part(label)
        part = f"part {shown(found.group(1), 100)}" if found else "a part it refers to"
        return SourceError(f"{label}: the workbook is damaged: {part} is missing; {_SAVE_AGAIN}")
    if isinstance(cause, OSError) and "workbook part" in str(cause):
        return _no_workbook_part(label)
    if _is_xml_error(cause):
        return _xml_damage(handle, label, sheet)
    where = f"sheet {shown(sheet, 40)} of the workbook" if sheet is not None else "the workbook"
    return SourceError(
        f"{label}: cannot read {where}: its content does not follow the .xlsx format "
        f"({type(cause).__name__}); {_SAVE_AGAIN}"
    )


def _root_cause(exc: BaseException) -> BaseException:
    """openpyxl wraps some errors in ValueError("Unable to read workbook ...") from the cause."""
    seen = {id(exc)}
    while exc.__cause__ is not None and id(exc.__cause__) not in seen:
        exc = exc.__cause__
        seen.add(id(exc))
    return exc


def _is_xml_error(exc: BaseException) -> bool:
    if isinstance(exc, xml.parsers.expat.ExpatError):
        return True
    # xml.etree's ParseError and lxml's XMLSyntaxError are both SyntaxError subclasses; lxml is
    # optional, so it is recognised by module rather than imported
    return isinstance(exc, SyntaxError) and type(exc).__module__.startswith(("xml.etree", "lxml"))


def _xml_damage(handle: BinaryIO, label: str, sheet: str | None) -> SourceError:
    """Name the first part whose XML does not parse, and say why, without quoting it."""
    found = _first_bad_xml_part(handle)
    if found is None:
        where = f"sheet {shown(sheet, 40)}" if sheet is not None else "the workbook"
        return SourceError(f"{label}: {where} has damaged XML; {_SAVE_AGAIN}")
    part, line, entity = found
    if entity:
        return SourceError(
            f"{label}: part {shown(part, 100)} declares XML entities, which .xlsx files never "
            "do (an entity-expansion bomb?); export the workbook again from where it came from"
        )
    return SourceError(
        f"{label}: the workbook is damaged: part {shown(part, 100)} has broken XML at line "
        f"{line:,}; {_SAVE_AGAIN}"
    )


class _EntityDeclared(Exception):
    pass


def _refuse_entity(*_args: object) -> None:
    raise _EntityDeclared


def _first_bad_xml_part(handle: BinaryIO) -> tuple[str, int, bool] | None:
    """(part, line, declares entities) of the first XML part that fails, or None."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            for info in archive.infolist():
                if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                parser = xml.parsers.expat.ParserCreate()
                parser.EntityDeclHandler = _refuse_entity
                try:
                    with archive.open(info) as stream:
                        while chunk := stream.read(_CHUNK):
                            parser.Parse(chunk, False)
                    parser.Parse(b"", True)
                except _EntityDeclared:
                    return info.filename, parser.CurrentLineNumber, True
                except xml.parsers.expat.ExpatError as exc:
                    return info.filename, exc.lineno, False
    except (*_ZIP_ERRORS, OSError):
        return None
    return None


def _not_a_workbook(label: str) -> SourceError:
    return SourceError(
        f"{label}: not a valid .xlsx workbook (the file is damaged, encrypted or of another "
        "kind); open it in Excel and save it again as .xlsx"
    )


def _no_workbook_part(label: str) -> SourceError:
    return SourceError(
        f"{label}: not a valid .xlsx workbook: it has no workbook part (xl/workbook.xml); "
        f"{_SAVE_AGAIN}"
    )
