"""backup_sources / verify_backup: byte-exact copies, SHA256SUMS, read-only modes, tampering."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crmmigrate.errors import BackupError
from crmmigrate.extract import backup
from crmmigrate.extract.backup import BackupEntry, backup_sources, verify_backup


def mode(path: Path) -> int:
    # Root ignores permission bits, so tests look at the bits rather than try a write.
    return stat.S_IMODE(path.stat().st_mode)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    base = tmp_path / "project"
    (base / "exports" / "2024").mkdir(parents=True)
    (base / "customers.csv").write_bytes(b"id,name\n1,\xe9\n")  # not UTF-8: bytes must survive
    (base / "exports" / "2024" / "orders.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    return base


def test_copies_are_byte_exact_and_listed(project: Path, tmp_path: Path) -> None:
    backup_dir = tmp_path / "runs" / "r1" / "backup"
    paths = [project / "customers.csv", project / "exports" / "2024" / "orders.xlsx"]
    entries = backup_sources(paths, backup_dir, project)
    csv_bytes = (project / "customers.csv").read_bytes()
    xlsx_bytes = (project / "exports/2024/orders.xlsx").read_bytes()
    assert entries == [
        BackupEntry("customers.csv", "customers.csv", sha(csv_bytes), len(csv_bytes)),
        BackupEntry(
            "exports/2024/orders.xlsx", "exports/2024/orders.xlsx", sha(xlsx_bytes), len(xlsx_bytes)
        ),
    ]
    assert (backup_dir / "customers.csv").read_bytes() == csv_bytes
    assert (backup_dir / "exports/2024/orders.xlsx").read_bytes() == xlsx_bytes
    assert (backup_dir / "SHA256SUMS").read_text() == (
        f"{sha(csv_bytes)}  customers.csv\n{sha(xlsx_bytes)}  exports/2024/orders.xlsx\n"
    )
    assert verify_backup(backup_dir) == []


def test_copies_keep_the_source_mtime(project: Path, tmp_path: Path) -> None:
    source = project / "customers.csv"
    backup_sources([source], tmp_path / "b", project)
    assert (tmp_path / "b" / "customers.csv").stat().st_mtime_ns == source.stat().st_mtime_ns


def test_everything_is_read_only(project: Path, tmp_path: Path) -> None:
    backup_dir = tmp_path / "b"
    backup_sources(
        [project / "customers.csv", project / "exports/2024/orders.xlsx"], backup_dir, project
    )
    for name in ["customers.csv", "exports/2024/orders.xlsx", "SHA256SUMS"]:
        assert mode(backup_dir / name) == 0o444, name
    for directory in [backup_dir, backup_dir / "exports", backup_dir / "exports/2024"]:
        assert mode(directory) == 0o555, directory


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs GNU sha256sum")
def test_sha256sum_accepts_the_listing(project: Path, tmp_path: Path) -> None:
    backup_dir = tmp_path / "b"
    backup_sources(
        [project / "customers.csv", project / "exports/2024/orders.xlsx"], backup_dir, project
    )
    done = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"],
        cwd=backup_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_large_file_is_streamed_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "_CHUNK", 1000)  # many chunks without writing megabytes
    data = bytes(range(256)) * 40 + b"tail"
    (tmp_path / "big.bin").write_bytes(data)
    (entry,) = backup_sources([tmp_path / "big.bin"], tmp_path / "b", tmp_path)
    assert (entry.sha256, entry.size) == (sha(data), len(data))
    assert (tmp_path / "b" / "big.bin").read_bytes() == data


def test_duplicates_are_backed_up_once(project: Path, tmp_path: Path) -> None:
    source = project / "customers.csv"
    same = project / "exports" / ".." / "customers.csv"
    entries = backup_sources([source, same, source], tmp_path / "b", project)
    assert [entry.stored for entry in entries] == ["customers.csv"]
    assert (tmp_path / "b" / "SHA256SUMS").read_text().count("\n") == 1


def test_sources_outside_base_dir_go_under_external(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "customers.csv").write_bytes(b"other")
    (outside / "more.json").write_bytes(b"[]")
    entries = backup_sources(
        [project / "customers.csv", outside / "customers.csv", outside / "more.json"],
        tmp_path / "b",
        project,
    )
    assert [(e.source, e.stored) for e in entries] == [
        ("customers.csv", "customers.csv"),
        ("../elsewhere/customers.csv", "_external/1_customers.csv"),
        ("../elsewhere/more.json", "_external/2_more.json"),
    ]
    assert (tmp_path / "b/_external/1_customers.csv").read_bytes() == b"other"
    assert mode(tmp_path / "b/_external") == 0o555
    assert verify_backup(tmp_path / "b") == []


def test_missing_source_stops_the_run(project: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupError) as caught:
        backup_sources([project / "gone.csv"], tmp_path / "b", project)
    assert str(caught.value) == (
        "gone.csv: cannot back up: file not found; the run stopped before any other work; "
        "check path: in the config"
    )


def test_copy_that_does_not_verify_stops_the_run(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "sha256_of", lambda path: "0" * 64)  # a disk that lies
    with pytest.raises(BackupError) as caught:
        backup_sources([project / "customers.csv"], tmp_path / "b", project)
    assert str(caught.value) == (
        "customers.csv: backup copy does not match the source (sha256 differs); "
        "the run stopped before any other work; check the disk and retry"
    )


def test_an_existing_backup_is_never_overwritten(project: Path, tmp_path: Path) -> None:
    backup_dir = tmp_path / "b"
    backup_sources([project / "customers.csv"], backup_dir, project)
    with pytest.raises(BackupError) as caught:
        backup_sources([project / "customers.csv"], backup_dir, project)
    assert str(caught.value) == (
        f"{backup_dir}: already holds a backup (SHA256SUMS exists); "
        "the run stopped before any other work; choose a new backup directory"
    )


def test_verify_catches_a_tampered_and_a_missing_copy(project: Path, tmp_path: Path) -> None:
    backup_dir = tmp_path / "b"
    backup_sources(
        [project / "customers.csv", project / "exports/2024/orders.xlsx"], backup_dir, project
    )
    copy = backup_dir / "customers.csv"
    copy.chmod(0o644)
    copy.write_bytes(b"id,name\n1,changed\n")
    (backup_dir / "exports/2024").chmod(0o755)
    (backup_dir / "exports/2024/orders.xlsx").unlink()
    assert verify_backup(backup_dir) == [
        "customers.csv: sha256 mismatch",
        "exports/2024/orders.xlsx: missing",
    ]


def test_verify_distrusts_a_bad_listing(tmp_path: Path) -> None:
    assert verify_backup(tmp_path) == ["SHA256SUMS: missing"]
    (tmp_path / "SHA256SUMS").write_text(f"nonsense\n{'a' * 64}  ../../etc/passwd\n")
    assert verify_backup(tmp_path) == [
        "SHA256SUMS line 1: malformed",
        "SHA256SUMS line 2: path leaves the backup directory",
    ]


def test_odd_file_names_round_trip(tmp_path: Path) -> None:
    base = tmp_path / "p"
    base.mkdir()
    odd = base / "客戶 back\\slash.csv"
    odd.write_bytes(b"x")
    (entry,) = backup_sources([odd], tmp_path / "b", base)
    line = (tmp_path / "b" / "SHA256SUMS").read_text(encoding="utf-8")
    assert line == f"\\{entry.sha256}  客戶 back\\\\slash.csv\n"  # GNU sha256sum escaping
    assert verify_backup(tmp_path / "b") == []


def test_checking_a_backup_does_not_import_the_readers() -> None:
    """validate and load check a run's backup: that must not import the readers (pandas,
    openpyxl, charset detection), which cost more than half a second of every command."""
    code = (
        "import sys\n"
        "from crmmigrate.extract.backup import verify_backup\n"
        "print([m for m in ('crmmigrate.extract.readers', 'openpyxl', 'pandas')"
        " if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
