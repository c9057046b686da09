"""A half run is never taken for a good one; a run's lock is the kernel's; a changed run is
refused; SIGTERM stops like Ctrl-C; crash traces are private.

Quirk: the project is the shared two-source fixture (tests/conftest.py); its validation has
errors, so commands that must get past validation use ``--fail-on never``.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmmigrate.cli.main import app
from crmmigrate.errors import UsageError
from crmmigrate.runs import Run

Make = Callable[..., Path]


def invoke(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def _runs(project: Path) -> list[Path]:
    return sorted(p for p in (project.parent / "runs").iterdir() if p.is_dir())


def _interrupted_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean stopped after everything but its last write (the stage record)."""

    def stop(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("crmmigrate.pipeline.clean.write_reconciliation", stop)
    result = invoke("clean", "--quiet")
    assert result.exit_code == 130
    monkeypatch.undo()


def test_an_interrupted_clean_is_refused_by_every_command(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupted_clean(monkeypatch)
    monkeypatch.chdir(project.parent)
    (half,) = _runs(project)
    assert not Run(half).complete
    for command in ("validate", "load", "report"):
        result = invoke(command, half.name)
        assert result.exit_code == 2, command
        assert result.stderr.startswith(
            f"error: run {half.name} is incomplete: its clean stage did not finish "
            "(interrupted, killed or still running) (start a new run with `crmmigrate clean`"
        ), command
    result = invoke("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: runs: no complete runs (1 incomplete, newest {half.name})"
    )


def test_the_newest_run_means_the_newest_complete_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("clean", "--quiet").exit_code == 0
    (good,) = _runs(project)
    _interrupted_clean(monkeypatch)
    monkeypatch.chdir(project.parent)
    assert len(_runs(project)) == 2
    result = invoke("validate", "--fail-on", "never", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["run_id"] == good.name


def test_a_clean_killed_with_sigkill_leaves_an_incomplete_run(project: Path) -> None:
    proc = _clean_past_its_backup(project)
    proc.kill()
    proc.communicate()
    (half,) = _runs(project)
    assert not Run(half).complete
    result = invoke("load", half.name)
    assert result.exit_code == 2
    assert f"run {half.name} is incomplete" in result.stderr


def test_sigterm_stops_like_ctrl_c(project: Path) -> None:
    proc = _clean_past_its_backup(project)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143
    assert stderr.decode().startswith("stopped by SIGTERM: nothing was lost.")
    assert not any(Run(r).complete for r in _runs(project))


def _clean_past_its_backup(project: Path) -> subprocess.Popen[bytes]:
    """A clean of 60,000 contacts in a child process, once its backup is written."""
    rows = "".join(f"C{i},Ann{i},Lee,a{i}@example.com,1985-03-04,A1\n" for i in range(60_000))
    (project.parent / "contacts.csv").write_text(
        "Contact ID,First Name,Last Name,E-mail,DOB,Company\n" + rows, encoding="utf-8"
    )
    proc = _start("clean", "--quiet", cwd=project.parent)
    _wait_for(lambda: any((r / "backup" / "SHA256SUMS").exists() for r in _maybe_runs(project)))
    return proc


def _maybe_runs(project: Path) -> list[Path]:
    runs = project.parent / "runs"
    return list(runs.iterdir()) if runs.is_dir() else []


def _start(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen(
        [sys.executable, "-m", "crmmigrate.cli.main", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the clean to reach its backup")
        time.sleep(0.005)


# --- the lock ---------------------------------------------------------------------------------


def _hold(path: str, log: str, hold: float) -> str:
    """Take the run's lock, note entry and exit in ``log``; 'busy' when another holds it."""
    try:
        with Run(Path(path)).lock():
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(fd, f"in {os.getpid()}\n".encode())
            time.sleep(hold)
            os.write(fd, f"out {os.getpid()}\n".encode())
            os.close(fd)
        return "held"
    except UsageError:
        return "busy"


def test_two_processes_never_hold_a_run_lock_together(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    log = tmp_path / "log"
    with get_context("spawn").Pool(8) as pool:
        for _ in range(5):
            results = pool.starmap(_hold, [(str(run_dir), str(log), 0.05)] * 16)
            assert "held" in results
    lines = log.read_text().splitlines()
    # every "in" is followed by its own "out": no two holders interleave
    for first, second in zip(lines[::2], lines[1::2], strict=True):
        assert first.startswith("in ") and second == first.replace("in ", "out ", 1)


def test_a_lock_left_by_sigkill_is_free_at_once(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    code = (
        "import sys, time; from pathlib import Path; from crmmigrate.runs import Run\n"
        "with Run(Path(sys.argv[1])).lock():\n    print('locked', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(run_dir)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"locked\n"
    with pytest.raises(UsageError) as busy, Run(run_dir).lock():
        pass
    assert busy.value.message == (
        f"{run_dir}: another crmmigrate process (pid {proc.pid}) is working on this run"
    )
    proc.kill()
    proc.communicate()
    with Run(run_dir).lock():
        assert (run_dir / ".lock").read_text() == str(os.getpid())


# --- a run changed after clean ----------------------------------------------------------------


def test_a_changed_backup_or_clean_file_is_refused(project: Path) -> None:
    assert invoke("clean", "--quiet").exit_code == 0
    (run,) = _runs(project)
    copy = run / "backup" / "contacts.csv"
    copy.chmod(0o644)
    copy.write_text(copy.read_text() + "C9,Eve,Tan,e@x.co,1990-01-01,A1\n")
    for command in ("validate", "load", "report"):
        result = invoke(command)
        assert result.exit_code == 2, command
        assert result.stderr.startswith(
            f"error: run {run.name} has changed since clean wrote it: "
            "backup/contacts.csv: sha256 mismatch (restore the files"
        ), command


def test_a_changed_clean_frame_is_refused(project: Path) -> None:
    assert invoke("clean", "--quiet").exit_code == 0
    (run,) = _runs(project)
    (run / "clean" / "contacts.parquet").write_bytes(b"not parquet")
    result = invoke("load", "--force")
    assert result.exit_code == 2
    assert "clean/contacts.parquet: sha256 mismatch" in result.stderr


def test_extraction_reads_the_verified_backup_not_the_live_source(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmmigrate.pipeline import clean as clean_module

    real = clean_module.backup_sources

    def backup_then_append(*args: object, **kwargs: object) -> object:
        entries = real(*args, **kwargs)  # type: ignore[arg-type]
        with (project.parent / "contacts.csv").open("a", encoding="utf-8") as fh:
            fh.write("C9,Eve,Tan,e@x.co,1990-01-01,A1\n")  # appended after the backup
        return entries

    monkeypatch.setattr(clean_module, "backup_sources", backup_then_append)
    result = invoke("clean", "--json", "--quiet")
    assert result.exit_code == 0, result.output
    objects = {o["object"]: o for o in json.loads(result.stdout)["objects"]}
    assert objects["contacts"]["read"] == 3  # the backup's rows, not the live file's 4


# --- crash traces -----------------------------------------------------------------------------


def test_a_crash_trace_is_private_and_new(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("crmmigrate.pipeline.clean.clean_project", boom)
    first, second = invoke("clean"), invoke("clean")
    traces = [
        Path(r.stderr.split("Full trace written to ")[1].split(";")[0]) for r in (first, second)
    ]
    assert traces[0] != traces[1]  # same second, two files: never an existing one reused
    for trace in traces:
        assert trace.parent == Path(os.environ["XDG_STATE_HOME"]) / "crmmigrate" / "crashes"
        assert stat.S_IMODE(trace.stat().st_mode) == 0o600
        assert "RuntimeError: boom" in trace.read_text()


def test_the_newest_of_two_runs_made_in_one_second_is_the_later(tmp_path: Path) -> None:
    from crmmigrate.runs import create_run, find_run

    runs = [
        create_run(tmp_path, config_path=tmp_path / "c.yaml", config_hash="x") for _ in range(6)
    ]
    for run in runs:
        run.record_stage("clean", {"status": "done"})
    assert find_run(None, tmp_path).run_id == runs[-1].run_id
