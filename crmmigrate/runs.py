"""Run ids, the run directory, its manifest and its lock.

A run directory is immutable once ``clean`` has written it, except ``load/`` and the report
files. ``manifest.json`` is rewritten atomically after each stage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import time
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
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Write text so that a reader (or a crash) never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
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

    @property
    def complete(self) -> bool:
        """Whether ``clean`` finished: its stage record is the last thing it writes."""
        try:
            stages = self.manifest().get("stages", {})
        except UsageError:
            return False
        return stages.get("clean", {}).get("status") == "done"

    def require_complete(self) -> Run:
        """This run, or a usage error naming it when its ``clean`` never finished."""
        if not self.complete:
            raise UsageError(
                f"run {self.run_id} is incomplete: its clean stage did not finish "
                "(interrupted, killed or still running)",
                hint="start a new run with `crmmigrate clean`; "
                f"delete {self.path} when no process is working on it",
            )
        return self

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Refuse a second process working on the same run at the same time.

        An OS lock (``flock``) on ``.lock``: the kernel releases it when the holder exits, however
        it exits, so a lock left by ``kill -9`` is free at once and two processes can never both
        hold it. The file stays (removing it would let a third process lock a new inode); it holds
        the pid of the last holder, for the message.
        """
        lock_path = self.path / LOCK
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not _try_lock(fd):
                pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                raise UsageError(
                    f"{self.path}: another crmmigrate process (pid {pid}) is working on this run",
                    hint="wait for it to finish",
                )
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; False when another process holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def output_checksums(run: Run) -> dict[str, str]:
    """SHA-256 of each file ``clean`` wrote that later stages read, by path in the run."""
    from crmmigrate.extract.backup import sha256_of

    files = sorted((run.path / "clean").rglob("*.parquet"))
    return {p.relative_to(run.path).as_posix(): sha256_of(p) for p in files}


def verify_run(run: Run) -> Run:
    """The run, after checking its backup and clean outputs against their checksums.

    ``validate``, ``load`` and ``report`` work from what ``clean`` wrote; a file changed since
    (by hand, by a tool, by a failing disk) is refused with the files named.
    """
    from crmmigrate.extract.backup import sha256_of, verify_backup

    run.require_complete()
    problems = [f"backup/{p}" for p in verify_backup(run.path / "backup")]
    recorded = run.manifest()["stages"]["clean"].get("outputs", {})
    for name, digest in recorded.items():
        path = run.path / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_of(path) != digest:
            problems.append(f"{name}: sha256 mismatch")
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise UsageError(
            f"run {run.run_id} has changed since clean wrote it: {shown}",
            hint="restore the files, or start a new run with `crmmigrate clean`",
        )
    return run


def create_run(runs_dir: Path, *, config_path: Path, config_hash: str) -> Run:
    """Make a new run directory with its first manifest."""
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UsageError(
            f"{runs_dir}: cannot hold runs: it, or a directory above it, is a file",
            hint="choose another --runs-dir (or runs_dir in the config)",
        ) from None
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
            "created_ns": time.time_ns(),  # orders runs made within one second
            "config": str(config_path),
            "config_hash": config_hash,
            "stages": {},
        },
    )
    return run


def _creation_order(path: Path) -> tuple[str, int, str]:
    """Run ids sort by the second they were made in; within a second, by the manifest's clock."""
    try:
        created = int(read_json(path / MANIFEST).get("created_ns", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        created = 0
    return path.name[:16], created, path.name


def find_run(arg: str | None, runs_dir: Path) -> Run:
    """A complete run given by path or id; without one, the newest complete run in ``runs_dir``.

    A run whose ``clean`` did not finish is never taken for a good one: named, it is refused;
    unnamed, the newest complete run is used instead.
    """
    if arg:
        for candidate in (Path(arg), runs_dir / arg):
            if (candidate / MANIFEST).is_file():
                return Run(candidate).require_complete()
        raise UsageError(f"{arg}: no such run", hint=f"list the runs in {runs_dir}")
    runs = (
        sorted((p for p in runs_dir.glob("*") if (p / MANIFEST).is_file()), key=_creation_order)
        if runs_dir.is_dir()
        else []
    )
    complete = [Run(p) for p in runs if Run(p).complete]
    if complete:
        return complete[-1]
    if runs:
        raise UsageError(
            f"{runs_dir}: no complete runs ({len(runs)} incomplete, newest {runs[-1].name})",
            hint="run `crmmigrate clean` again",
        )
    raise UsageError(f"{runs_dir}: no runs yet", hint="run `crmmigrate clean` first")
