"""Run ids, the run directory, its manifest and its lock.

A run directory is immutable once ``clean`` has written it, except ``load/`` and the report
files. ``manifest.json`` is rewritten atomically after each stage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crmmigrate import __version__
from crmmigrate.errors import UsageError

MANIFEST = "manifest.json"
LOCK = ".lock"
MANIFEST_VERSION = 1


def new_run_id(now: dt.datetime | None = None) -> str:
    """``20261123T125500Z-3f9a1c``: sortable by time, unique without coordination."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that a reader (or a crash) never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", "utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


class Run:
    """One run directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def run_id(self) -> str:
        return self.path.name

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def manifest(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = read_json(self.manifest_path)
        except FileNotFoundError:
            raise UsageError(
                f"{self.path}: not a crmmigrate run (no {MANIFEST})",
                hint="pass a directory under runs/ written by `crmmigrate clean`",
            ) from None
        except json.JSONDecodeError:
            raise UsageError(
                f"{self.manifest_path}: damaged manifest; rerun `crmmigrate clean`"
            ) from None
        return data

    def update_manifest(self, **sections: Any) -> dict[str, Any]:
        data = self.manifest() if self.manifest_path.exists() else {}
        data.update(sections)
        write_json_atomic(self.manifest_path, data)
        return data

    def record_stage(self, stage: str, info: dict[str, Any]) -> None:
        data = self.manifest()
        data.setdefault("stages", {})[stage] = info
        write_json_atomic(self.manifest_path, data)

    def sub(self, *parts: str) -> Path:
        path = self.path.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Refuse a second process working on the same run at the same time."""
        lock_path = self.path / LOCK
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pid = lock_path.read_text().strip() if lock_path.exists() else "?"
            if pid.isdigit() and not _alive(int(pid)):
                lock_path.unlink(missing_ok=True)  # left by a killed process
                fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            else:
                raise UsageError(
                    f"{self.path}: another crmmigrate process (pid {pid}) is working on this run",
                    hint=f"wait for it, or delete {lock_path} if it is gone",
                ) from None
        try:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            yield
        finally:
            lock_path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def create_run(runs_dir: Path, *, config_path: Path, config_hash: str) -> Run:
    """Make a new run directory with its first manifest."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    path = runs_dir / run_id
    path.mkdir()
    run = Run(path)
    write_json_atomic(
        run.manifest_path,
        {
            "manifest_version": MANIFEST_VERSION,
            "run_id": run_id,
            "tool_version": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "config": str(config_path),
            "config_hash": config_hash,
            "stages": {},
        },
    )
    return run


def find_run(arg: str | None, runs_dir: Path) -> Run:
    """A run given by path or id; without one, the newest run in ``runs_dir``."""
    if arg:
        for candidate in (Path(arg), runs_dir / arg):
            if (candidate / MANIFEST).is_file():
                return Run(candidate)
        raise UsageError(f"{arg}: no such run", hint=f"list the runs in {runs_dir}")
    runs = (
        sorted(p for p in runs_dir.glob("*") if (p / MANIFEST).is_file())
        if runs_dir.is_dir()
        else []
    )
    if not runs:
        raise UsageError(f"{runs_dir}: no runs yet", hint="run `crmmigrate clean` first")
    return Run(runs[-1])
