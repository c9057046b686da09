"""Back up the source files byte for byte before any other work, and prove the copies intact.

The backup directory mirrors each source's path relative to the project's base directory;
sources outside it go under ``_external/<n>_<name>``. ``SHA256SUMS`` lists every copy in the
format ``sha256sum -c`` reads, so the backup can be checked without crmmigrate. When done, the
copies and ``SHA256SUMS`` are read-only (0o444) and the directories 0o555.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from crmmigrate.errors import BackupError

SUMS_NAME = "SHA256SUMS"
_CHUNK = 1 << 20  # 1 MiB: sources can be gigabytes
_STOPPED = "the run stopped before any other work"


@dataclass(frozen=True)
class BackupEntry:
    """One backed-up source: where it came from, where the copy is, and its hash and size."""

    source: str
    stored: str
    sha256: str
    size: int


def backup_sources(paths: Sequence[Path], backup_dir: Path, base_dir: Path) -> list[BackupEntry]:
    """Copy each source into ``backup_dir``, write ``SHA256SUMS``, verify, then make it read-only.

    Each file is hashed while it is copied (in 1 MiB chunks), then its copy is re-read and its
    hash compared with the source's. Paths naming the same file are backed up once. Any failure
    raises :class:`BackupError` naming the file; copies made so far are left for inspection.
    """
    if (backup_dir / SUMS_NAME).exists():
        raise BackupError(
            f"{backup_dir}: already holds a backup ({SUMS_NAME} exists); {_STOPPED}; "
            "choose a new backup directory"
        )
    # Lexical absolute paths name files as the user sees them (a symlink keeps its own name);
    # resolved paths only decide which spellings are the same file.
    base = Path(os.path.abspath(base_dir))
    entries: list[BackupEntry] = []
    seen: set[Path] = set()
    external = 0
    for path in paths:
        absolute = Path(os.path.abspath(path))
        if (resolved := absolute.resolve()) in seen:
            continue
        seen.add(resolved)
        if absolute.is_relative_to(base):
            source = stored = absolute.relative_to(base).as_posix()
        else:
            external += 1
            source = _display(absolute, base)
            stored = f"_external/{external}_{absolute.name}"
        entries.append(_copy(absolute, source, stored, backup_dir))

    _write_sums(backup_dir, entries)
    for entry in entries:
        if sha256_of(backup_dir / entry.stored) != entry.sha256:
            raise BackupError(
                f"{entry.source}: backup copy does not match the source (sha256 differs); "
                f"{_STOPPED}; check the disk and retry"
            )
    _make_read_only(backup_dir, entries)
    return entries


def backup_copies(
    entries: Sequence[BackupEntry], backup_dir: Path, base_dir: Path
) -> dict[Path, Path]:
    """Each backed-up source, by its resolved path, → its copy in ``backup_dir``.

    ``clean`` reads the copies, not the sources: what it reads is exactly what ``SHA256SUMS``
    describes, even when a source changes while the run goes on.
    """
    base = Path(os.path.abspath(base_dir))
    return {(base / entry.source).resolve(): backup_dir / entry.stored for entry in entries}


def verify_backup(backup_dir: Path) -> list[str]:
    """Re-hash every file listed in ``SHA256SUMS``; return problem lines, empty when intact.

    Problems read ``<stored>: missing``, ``<stored>: sha256 mismatch``, or name a line of
    ``SHA256SUMS`` that cannot be trusted.
    """
    sums = backup_dir / SUMS_NAME
    try:
        text = sums.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [f"{SUMS_NAME}: missing"]
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{SUMS_NAME}: unreadable ({type(exc).__name__})"]
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line:
            continue
        parsed = _parse_sums_line(line)
        if parsed is None:
            problems.append(f"{SUMS_NAME} line {number}: malformed")
            continue
        expected, stored = parsed
        relative = PurePosixPath(stored)
        if relative.is_absolute() or ".." in relative.parts:
            problems.append(f"{SUMS_NAME} line {number}: path leaves the backup directory")
            continue
        copy = backup_dir / relative
        if not copy.is_file():
            problems.append(f"{stored}: missing")
        elif sha256_of(copy) != expected:
            problems.append(f"{stored}: sha256 mismatch")
    return problems


def _display(path: Path, base: Path) -> str:
    """How a source outside ``base`` is shown: relative ('../x.csv') when possible."""
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _copy(source_path: Path, source: str, stored: str, backup_dir: Path) -> BackupEntry:
    target = backup_dir / stored
    digest = hashlib.sha256()
    size = 0
    try:
        reader = source_path.open("rb")
    except FileNotFoundError:
        raise BackupError(
            f"{source}: cannot back up: file not found; {_STOPPED}; check path: in the config"
        ) from None
    except IsADirectoryError:
        raise BackupError(f"{source}: cannot back up: is a directory; {_STOPPED}") from None
    except OSError as exc:
        raise BackupError(
            f"{source}: cannot back up: {exc.strerror or 'read failed'}; {_STOPPED}; "
            "check the file's permissions"
        ) from None
    with reader:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # "xb": never overwrite an earlier copy, e.g. two sources mapping to one name.
            with target.open("xb") as writer:
                while chunk := _read_chunk(reader, source):
                    digest.update(chunk)
                    writer.write(chunk)
                    size += len(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            stat = source_path.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        except BackupError:
            raise
        except FileExistsError:
            raise BackupError(
                f"{source}: cannot back up: {stored} already exists in {backup_dir}; "
                f"{_STOPPED}; choose a new backup directory"
            ) from None
        except OSError as exc:
            raise BackupError(
                f"{source}: cannot write the backup copy to {backup_dir} "
                f"({exc.strerror or type(exc).__name__}); {_STOPPED}; check the disk and retry"
            ) from None
    return BackupEntry(source=source, stored=stored, sha256=digest.hexdigest(), size=size)


def _read_chunk(reader: BinaryIO, source: str) -> bytes:
    try:
        return reader.read(_CHUNK)
    except OSError as exc:
        raise BackupError(
            f"{source}: cannot back up: read failed ({exc.strerror}); {_STOPPED}; "
            "check the disk and retry"
        ) from None


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB chunks (sources and run files can be gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sums_line(entry: BackupEntry) -> str:
    # GNU sha256sum escapes names holding a backslash or newline and marks the line with "\".
    if "\\" in entry.stored or "\n" in entry.stored or "\r" in entry.stored:
        name = entry.stored.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{entry.sha256}  {name}\n"
    return f"{entry.sha256}  {entry.stored}\n"


def _parse_sums_line(line: str) -> tuple[str, str] | None:
    escaped = line.startswith("\\")
    if escaped:
        line = line[1:]
    digest, sep, name = line.partition(" ")
    if not sep or len(digest) != 64 or not name or name[0] not in " *":
        return None
    name = name[1:]
    if escaped:
        name = _unescape(name)
    return digest.lower(), name


def _unescape(name: str) -> str:
    out: list[str] = []
    chars = iter(name)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append({"n": "\n", "r": "\r", "\\": "\\"}.get(following, following))
        else:
            out.append(char)
    return "".join(out)


def _write_sums(backup_dir: Path, entries: list[BackupEntry]) -> None:
    backup_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(_sums_line(entry) for entry in sorted(entries, key=lambda e: e.stored))
    try:
        with (backup_dir / SUMS_NAME).open("x", encoding="utf-8", newline="\n") as sums:
            sums.write(lines)
            sums.flush()
            os.fsync(sums.fileno())
    except OSError as exc:
        raise BackupError(
            f"{backup_dir / SUMS_NAME}: cannot write ({exc.strerror or type(exc).__name__}); "
            f"{_STOPPED}; check the disk and retry"
        ) from None


def _make_read_only(backup_dir: Path, entries: list[BackupEntry]) -> None:
    try:
        for entry in entries:
            (backup_dir / entry.stored).chmod(0o444)
        (backup_dir / SUMS_NAME).chmod(0o444)
        # Deepest directories first, so a parent loses write permission last.
        directories = {backup_dir} | {
            backup_dir / parent
            for entry in entries
            for parent in PurePosixPath(entry.stored).parents
        }
        for directory in sorted(directories, key=lambda d: len(d.parts), reverse=True):
            directory.chmod(0o555)
    except OSError as exc:
        raise BackupError(
            f"{backup_dir}: cannot make the backup read-only ({exc.strerror}); {_STOPPED}"
        ) from None
