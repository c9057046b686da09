"""The wheel and the sdist carry what they must.

Both are built once for this module (once per xdist worker that runs it) with uv, from a copy of
the working tree into a temporary directory: the sdist, then the wheel from the unpacked sdist,
as pip does with an sdist from PyPI; so the wheel tests also prove the sdist is complete enough
to build from. What they are compared with is that copy, which other edits cannot change.
Without uv the tests are skipped, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from crmmigrate.builtin_rules import RULE_FILES

pytestmark = pytest.mark.slow  # 3-10 s: uv sets up the build backend and runs it twice

ROOT = Path(__file__).resolve().parents[1]
# what a checkout has that is no source: never copied, so never in a dist
NOT_COPIED = {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"}
NOT_COPIED |= {"build", "dist"}
NOT_COPIED_PATHS = {"runs", "samples/runs", "benchmarks/data", "benchmarks/out"}
# what the sdist must carry besides the package: the tests and everything they read
SDIST_DIRS = ("tests", "samples", "benchmarks", "docs", "rules")
SDIST_FILES = ("LICENSE", "README.md", "Makefile", "pyproject.toml", "MANIFEST.in")


@dataclass(frozen=True)
class Dists:
    src: Path  # the copy the dists were built from
    wheel: dict[str, bytes]
    sdist: dict[str, bytes]  # names without the leading crmmigrate-<version>/
    sdist_symlinks: tuple[str, ...]


def find_uv() -> str | None:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def not_copied(directory: str, names: list[str]) -> set[str]:
    """shutil.copytree's ignore: caches, virtualenvs (.venv*) and run outputs of the checkout."""
    here = Path(directory).relative_to(ROOT)
    return {
        name
        for name in names
        if name in NOT_COPIED
        or name.startswith(".venv")
        or name.endswith(".egg-info")
        or (here / name).as_posix() in NOT_COPIED_PATHS
    }


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    uv = find_uv()
    if uv is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("uv is missing: CI must build the dists (it is in the test extra)")
        pytest.skip("uv is missing (pip install uv); CI runs these tests")
    tmp = tmp_path_factory.mktemp("dists")
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=not_copied)
    out = tmp / "out"
    build = subprocess.run(
        [uv, "build", "--python", sys.executable, "--out-dir", str(out), str(src)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as zf:
        wheel_files = {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}
    sdist_files: dict[str, bytes] = {}
    links = []
    with tarfile.open(sdist) as tf:
        for member in tf.getmembers():
            name = member.name.split("/", 1)[1] if "/" in member.name else ""
            if member.issym() or member.islnk():
                links.append(name)
            elif member.isfile():
                data = tf.extractfile(member)
                assert data is not None
                sdist_files[name] = data.read()
    return Dists(src, wheel_files, sdist_files, tuple(links))


def files_under(root: Path) -> dict[str, Path]:
    """Every file below root by its posix path relative to root (symlinks followed)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found[path.relative_to(root).as_posix()] = path
    return found


def dist_info(dists: Dists, name: str) -> str:
    """The wheel's path of a file in its .dist-info directory."""
    (found,) = [
        n for n in dists.wheel if n.split("/", 1)[0].endswith(".dist-info") and n.endswith(name)
    ]
    return found


def test_wheel_has_the_license_file_and_expression(dists: Dists) -> None:
    license_path = dist_info(dists, "licenses/LICENSE")
    assert dists.wheel[license_path] == (dists.src / "LICENSE").read_bytes()
    assert b"Apache License\n                           Version 2.0" in dists.wheel[license_path]
    metadata = dists.wheel[dist_info(dists, "METADATA")].decode()
    assert "\nLicense-Expression: Apache-2.0\n" in metadata
    assert "\nLicense-File: LICENSE\n" in metadata
    for version in ("3.11", "3.12", "3.13"):
        assert f"\nClassifier: Programming Language :: Python :: {version}\n" in metadata


def test_wheel_has_the_rule_files_as_in_the_repository(dists: Dists) -> None:
    for rule in RULE_FILES:
        shipped = dists.wheel.get(f"crmmigrate/data/rules/{rule.name}")
        assert shipped == (dists.src / "rules" / rule.name).read_bytes(), rule.name


def test_wheel_has_all_the_package_data(dists: Dists) -> None:
    data = files_under(dists.src / "crmmigrate" / "data")
    assert "rules/validate.yaml" in data
    for name, path in data.items():
        assert dists.wheel.get(f"crmmigrate/data/{name}") == path.read_bytes(), name
    assert "crmmigrate/py.typed" in dists.wheel
    assert not [n for n in dists.wheel if n.startswith(("tests/", "samples/", "rules/"))]


def test_sdist_has_the_tests_samples_benchmarks_and_docs(dists: Dists) -> None:
    expected = {name: dists.src / name for name in SDIST_FILES}
    for directory in SDIST_DIRS:
        expected |= {
            f"{directory}/{name}": path
            for name, path in files_under(dists.src / directory).items()
            if not name.endswith(".db")
        }
    assert "samples/crmmigrate.yaml" in expected
    assert "tests/conftest.py" in expected
    missing = sorted(set(expected) - set(dists.sdist))
    assert missing == []
    for name, path in expected.items():
        assert dists.sdist[name] == path.read_bytes(), name


def test_sdist_holds_copies_not_symlinks(dists: Dists) -> None:
    # crmmigrate/data links into rules/ in the repository; an sdist must not (Windows, zips)
    assert dists.sdist_symlinks == ()
    assert "crmmigrate/data/rules/target/crm_default.yaml" in dists.sdist
