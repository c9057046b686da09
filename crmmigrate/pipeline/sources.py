"""Resolve a project's sources to files and check every mapped column against real headers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmmigrate.config import Project, Source, check_headers
from crmmigrate.errors import SourceError
from crmmigrate.extract.readers import expand_paths, read_headers


@dataclass(frozen=True)
class SourceFiles:
    source: Source
    index: int
    files: tuple[Path, ...]


def label(project: Project, path: Path) -> str:
    """A file as the user knows it: relative to the config's directory when inside it."""
    try:
        return path.resolve().relative_to(project.base_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def resolve_sources(project: Project, *, check: bool = True) -> list[SourceFiles]:
    """Every source's files; with ``check``, read headers and check the mapping against them."""
    out: list[SourceFiles] = []
    for i, src in enumerate(project.config.sources):
        try:
            files = expand_paths(src.path, project.base_dir)
        except SourceError as exc:
            raise SourceError(f"{project.path}: sources[{i}].path: {exc.message}") from None
        if check:
            for path in files:
                per_sheet = read_headers(
                    path,
                    encoding=src.encoding,
                    sheet=src.sheet,
                    delimiter=src.delimiter,
                    label=label(project, path),
                )
                for sheet, headers in per_sheet.items():
                    check_headers(project.path, i, src, label(project, path), headers, sheet)
        out.append(SourceFiles(src, i, tuple(files)))
    return out
