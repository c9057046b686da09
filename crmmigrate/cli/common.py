"""Options shared by every command, output helpers, and the one place errors become exit codes."""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from crmmigrate.config import Project, load_config
from crmmigrate.errors import CrmMigrateError, ExitCode
from crmmigrate.validate.runner import FailOn

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
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except CrmMigrateError as exc:
            if debug:
                raise
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except Exception as exc:
            if debug:
                raise
            trace = _write_trace(exc)
            err.print(
                f"crmmigrate crashed ({type(exc).__name__}); this is a bug. "
                f"Full trace written to {trace}; please report it (it may contain your data).",
                markup=False,
            )
            raise typer.Exit(70) from None

    return wrapper  # type: ignore[return-value]


def _write_trace(exc: BaseException) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = Path(tempfile.gettempdir()) / f"crmmigrate-crash-{stamp}.log"
    path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return path


def open_project(config: Path) -> Project:
    return load_config(config)


def emit_json(data: Any) -> None:
    """The machine-readable result, alone on stdout."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def progress(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A status line on stderr for long steps (silent with --quiet or when not a terminal)."""
    if quiet or not err.is_terminal:
        yield lambda _msg: None
        return
    with err.status("starting") as status:
        yield lambda msg: status.update(msg)


def runs_dir_for(config: Path, run: str | None) -> Path:
    """Where to look for runs: the config's runs_dir when the config exists, else ./runs."""
    if run is not None and (Path(run) / "manifest.json").is_file():
        return Path(run).parent
    if config.is_file():
        return load_config(config).runs_dir
    return Path("runs")
