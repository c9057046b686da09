"""Options shared by every command, output helpers, and the one place errors become exit codes."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import secrets
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

from crmmigrate.errors import CrmMigrateError, ExitCode
from crmmigrate.modes import FailOn
from crmmigrate.progress import Progress, no_progress

if TYPE_CHECKING:
    from crmmigrate.config import Project

# Nothing heavier than typer and rich is imported here or at the top of a command module: the
# pipeline (pandas, SQLAlchemy, the standardisers) is imported by the command that runs, so
# `crmmigrate --help` answers at once.

F = TypeVar("F", bound=Callable[..., Any])

# Pipes and CI logs get 120 columns (rich would assume 80); a terminal keeps its own width.
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)
if not out.is_terminal:
    out.width = 120

JsonOpt = Annotated[bool, typer.Option("--json", help="Print a machine-readable result on stdout.")]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress or summaries on stderr.")
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Show full tracebacks instead of one-line errors.")
]
ConfigOpt = Annotated[
    Path,
    typer.Option("--config", "-c", help="Project config file.", show_default=True),
]
RunArg = Annotated[
    str | None,
    typer.Argument(help="Run directory or run id; default: the newest run.", show_default=False),
]
RunsDirOpt = Annotated[
    Path | None,
    typer.Option("--runs-dir", help="Where runs live; default: runs_dir of the config."),
]
FailOnOpt = Annotated[
    FailOn,
    typer.Option(
        "--fail-on", help="Lowest finding severity that fails the run: error, warning or never."
    ),
]
DEFAULT_CONFIG = Path("crmmigrate.yaml")


def handle_errors(fn: F) -> F:
    """Turn library errors into one stderr line and the exit code; crashes into a trace file."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug", False))
        previous = _on_sigterm(_terminated)
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except CrmMigrateError as exc:
            if debug:
                raise
            err.print(f"error: {cap_message(str(exc))}", markup=False)
            if kwargs.get("json_out"):  # a script reading stdout learns why, too
                message = cap_message(exc.message)
                error = {"exit_code": int(exc.exit_code), "message": message, "hint": exc.hint}
                emit_json({"error": error})
            raise typer.Exit(int(exc.exit_code)) from None
        except Terminated:
            err.print(_STOPPED.format(how="stopped by SIGTERM"), markup=False)
            raise typer.Exit(int(ExitCode.TERMINATED)) from None
        except KeyboardInterrupt:
            err.print(_STOPPED.format(how="interrupted"), markup=False)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except Exception as exc:
            if debug:
                raise
            trace = _write_trace(exc)
            where = f"Full trace written to {trace}" if trace else "No trace could be written"
            err.print(
                f"crmmigrate crashed ({type(exc).__name__}); this is a bug. "
                f"{where}; please report it (it may contain your data).",
                markup=False,
            )
            raise typer.Exit(int(ExitCode.CRASHED)) from None
        finally:
            _on_sigterm(previous)

    return wrapper  # type: ignore[return-value]


_STOPPED = (
    "{how}: nothing was lost. An interrupted clean leaves an incomplete run that every command "
    "refuses; an interrupted load resumes when you run it again"
)
MESSAGE_LIMIT = 2000


class Terminated(BaseException):
    """SIGTERM arrived: stop as Ctrl-C does (cleanups run, state stays resumable)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def _on_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler; returns the previous one (no-op outside the main thread)."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def cap_message(message: str) -> str:
    """A message no longer than a screenful, whatever a library put in it."""
    if len(message) <= MESSAGE_LIMIT:
        return message
    return (
        f"{message[: MESSAGE_LIMIT - 40]}… ({len(message) - MESSAGE_LIMIT + 40:,} more characters)"
    )


def _write_trace(exc: BaseException) -> Path | None:
    """The full trace in the user's state directory: created new (never follows a planted file
    or symlink), readable by the user alone, as it may hold customer values."""
    directory = _state_dir() / "crashes"
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    text = "".join(traceback.format_exception(exc)).encode("utf-8")
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        for _ in range(100):
            path = directory / f"crash-{stamp}-{secrets.token_hex(4)}.log"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
            return path
    except OSError:
        return None
    return None


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _state_dir() -> Path:
    """``$XDG_STATE_HOME/crmmigrate`` (default ``~/.local/state/crmmigrate``)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "crmmigrate"


def open_project(config: Path) -> Project:
    from crmmigrate.config import load_config

    return load_config(config)


JSON_VERSION = 1  # the shape of every --json payload (README, "Machine-readable output")


def emit_json(data: dict[str, Any]) -> None:
    """The machine-readable result, alone on stdout, with the version of its shape."""
    emit_document({"json_version": JSON_VERSION, **data})


def emit_document(data: Any) -> None:
    """A JSON document printed as it is (``schema``: the output is the schema itself)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


PROGRESS_ENV = "CRMMIGRATE_PROGRESS"  # auto (default), bar, lines or never


@contextmanager
def progress(quiet: bool) -> Iterator[Progress]:
    """Progress of long steps on stderr: bars with counts and time left in a terminal, plain
    timed lines otherwise (a log, CI); nothing with --quiet or CRMMIGRATE_PROGRESS=never."""
    mode = os.environ.get(PROGRESS_ENV, "auto")
    if quiet or mode == "never":
        yield no_progress
        return
    if mode == "bar" or (mode == "auto" and err.is_terminal):
        with _Bars() as bars:
            yield bars
        return
    lines = ProgressLines(err.print)
    try:
        yield lines
    finally:
        lines.close()


class _Bars:
    """One rich bar per step; a step that cannot count shows a pulsing bar and its time."""

    def __init__(self) -> None:
        self.bars = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        self.step: str | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _Bars:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.__exit__(None, None, None)

    def __call__(
        self, step: str, done: int | None = None, total: int | None = None, unit: str = ""
    ) -> None:
        if step != self.step or self.task is None:
            if self.task is not None:
                self.bars.remove_task(self.task)
            self.step = step
            self.task = self.bars.add_task(step, total=total, unit=unit)
        self.bars.update(self.task, completed=done or 0, total=total, unit=unit)


class ProgressLines:
    """Plain lines for logs: a step is written when it took long enough to matter
    (``QUIET_FOR`` seconds), a counted step at most every ``EVERY`` seconds with time left."""

    QUIET_FOR = 2.0
    EVERY = 10.0

    def __init__(
        self, write: Callable[..., None], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.write, self.clock = write, clock
        self.quiet_for, self.every = self.QUIET_FOR, self.EVERY
        self.step: str | None = None
        self.started = self.last = 0.0

    def __call__(
        self, step: str, done: int | None = None, total: int | None = None, unit: str = ""
    ) -> None:
        now = self.clock()
        if step != self.step:
            self.close()
            self.step, self.started, self.last = step, now, now
            return
        if done is not None and total and now - self.last >= self.every:
            self.last = now
            left = (now - self.started) / done * (total - done) if done else None
            eta = f", about {_duration(left)} left" if left is not None else ""
            self.write(
                f"{step}: {done:,}/{total:,} {unit}".rstrip() + f" ({done / total:.0%}){eta}",
                markup=False,
            )

    def close(self) -> None:
        """End the current step: written with its time when it was long."""
        if self.step is not None and (took := self.clock() - self.started) >= self.quiet_for:
            self.write(f"{self.step}: done in {_duration(took)}", markup=False)
        self.step = None


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


def runs_dir_for(config: Path, run: str | None) -> Path:
    """Where to look for runs: the config's runs_dir when the config exists, else ./runs."""
    if run is not None and (Path(run) / "manifest.json").is_file():
        return Path(run).parent
    if config.is_file():
        from crmmigrate.config import load_config

        return load_config(config).runs_dir
    return Path("runs")
