"""The user's commands are the benchmark: `crmmigrate clean`, `validate` and `load`, end to end.

Each command runs as a user runs it (a child process, from a CSV on disk) next to its physical
baseline in the same run, so the ratio holds while the machine's speed drifts:

- `clean` (dedupe off) beside reading the same CSV with pyarrow, and beside phonenumbers parsing
  and formatting the file's distinct phone numbers (the floor of any phone-standardising clean);
- `validate` on its own (the standardisers already marked what is invalid);
- `load` into SQLite beside `sqlite3 .import` of the same rows, and into PostgreSQL (when one
  answers on 127.0.0.1:5432) beside `psql \\copy` of the same rows.

Data from two independent generators: `gen_labelled.py distinct` (Australian contacts, DMY
dates, mixed layouts) and `datagen.py` (Taiwan, Hong Kong, mainland China and US contacts, ROC
and compact dates, CJK addresses). Wall, CPU (user+sys) and peak RSS are of the whole child
process (`os.wait4`).

    python benchmarks/bench_commands.py --rows 1000000 [--sets distinct,datagen] [--write]
    python benchmarks/bench_commands.py --smoke        # 100,000 rows, figures printed only (CI)

Numbers live in benchmarks/RESULTS.md, never in unit tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
PYTHON = sys.executable
CRMMIGRATE = [PYTHON, "-m", "crmmigrate.cli.main"]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-q", "-v", "ON_ERROR_STOP=1"]
RESULTS = HERE / "RESULTS.md"
MARKER = "<!-- command-rows -->"

PHONES_BASELINE = """
import sys, phonenumbers, pyarrow.csv as pc
table = pc.read_csv(sys.argv[1], convert_options=pc.ConvertOptions(
    column_types={c: "string" for c in sys.argv[3:]}))
distinct = set()
for column in sys.argv[3:]:
    distinct.update(v for v in table.column(column).to_pylist() if v)
fmt = phonenumbers.PhoneNumberFormat.E164
for value in distinct:
    try:
        phonenumbers.format_number(phonenumbers.parse(value, sys.argv[2]), fmt)
    except phonenumbers.NumberParseException:
        pass
print(len(distinct))
"""
CSV_BASELINE = "import sys, pyarrow.csv as pc; print(pc.read_csv(sys.argv[1]).num_rows)"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    peak_mb: float
    out: str


def timed(command: list[str], cwd: Path | None = None, stdin: Path | None = None) -> Timing:
    """Run a child process; its wall and CPU seconds and peak RSS. A failure stops the bench."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        source = stdin.open("rb") if stdin else subprocess.DEVNULL
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=source)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if stdin:
            source.close()  # type: ignore[union-attr]
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, problem = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if code != 0:
        raise SystemExit(f"{' '.join(command[:4])}…: exit {code}: {problem.strip()[-500:]}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


# --- the data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataSet:
    name: str
    csv: Path
    config: Path
    country: str
    phone_columns: list[str]


def make_distinct(rows: int, work: Path) -> DataSet:
    """gen_labelled's distinct Australian contacts, mapped as eval_dedupe maps its cards."""
    from eval_dedupe import crmmigrate_config

    out = work / "gen"
    subprocess.run([PYTHON, str(HERE / "gen_labelled.py"), "distinct", "--rows", str(rows),
                    "--out", str(out)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    config = crmmigrate_config(out, work / "project")
    card = json.loads((out / "card.json").read_text("utf-8"))
    phones = [card["fields"][f] for f in ("mobile_phone", "phone") if f in card["fields"]]
    _dedupe_off(config)
    return DataSet("distinct", out / "contacts.csv", config, card["country"], phones)


def make_datagen(rows: int, work: Path) -> DataSet:
    """datagen.py's TW/HK/CN/US contacts with their own column names."""
    import datagen

    project = work / "project"
    project.mkdir(parents=True, exist_ok=True)
    frame = datagen.contacts(rows).drop(columns=["region"])
    frame.insert(0, "id", [f"D{i:08d}" for i in range(rows)])
    path = project / "contacts.csv"
    frame.to_csv(path, index=False)
    fields = {"full_name": "full_name", "email": "email", "phone": "phone",
              "mobile_phone": "mobile_phone", "birthdate": "birthdate",
              "mailing_address": "mailing_address"}  # fmt: skip
    config = {
        "version": 1,
        "defaults": {"country": "TW", "date_order": "YMD"},
        "target": {"url": "sqlite:///crm.db"},
        "sources": [
            {
                "name": "contacts",
                "path": "contacts.csv",
                "object": "contacts",
                "key": "id",
                "fields": fields,
            }
        ],
    }
    config_path = project / "crmmigrate.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    _dedupe_off(config_path)
    return DataSet("datagen", path, config_path, "TW", ["phone", "mobile_phone"])


def _dedupe_off(config: Path) -> None:
    data = yaml.safe_load(config.read_text("utf-8"))
    data["dedupe"] = {"enabled": False}
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


GENERATORS = {"distinct": make_distinct, "datagen": make_datagen}


# --- the commands and their baselines ---------------------------------------------------------


def _postgres_up() -> bool:
    try:
        subprocess.run([*PSQL, "-c", "select 1"], check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def bench(data: DataSet, rows: int, targets: list[str]) -> list[dict[str, object]]:
    """Each command beside its baseline; one row per command."""
    project = data.config.parent
    lines: list[dict[str, object]] = []

    def add(command: str, got: Timing, baseline: str, base: Timing | None) -> None:
        ratio = got.wall / base.wall if base else None
        lines.append({"set": data.name, "rows": rows, "command": command, "wall": got.wall,
                      "cpu": got.cpu, "peak_mb": got.peak_mb, "baseline": baseline,
                      "baseline_wall": base.wall if base else None, "ratio": ratio})  # fmt: skip
        shown = f"{ratio:.1f}× {baseline}" if ratio else ""
        print(f"  {command:<24} {got.wall:7.1f} s  cpu {got.cpu:7.1f} s  "
              f"{got.peak_mb:7,.0f} MB  {shown}", flush=True)  # fmt: skip

    csv_read = timed([PYTHON, "-c", CSV_BASELINE, str(data.csv)])
    phones = timed([PYTHON, "-c", PHONES_BASELINE, str(data.csv), data.country,
                    *data.phone_columns])  # fmt: skip
    clean = timed([*CRMMIGRATE, "clean", "-c", str(data.config), "-q"], cwd=project)
    add("clean (dedupe off)", clean, f"phonenumbers over {int(phones.out):,} phones", phones)
    lines[-1]["csv_read_wall"] = csv_read.wall
    print(f"  {'':<24} csv read {csv_read.wall:.1f} s: clean is {clean.wall / csv_read.wall:.0f}×")
    validate = timed([*CRMMIGRATE, "validate", "-c", str(data.config), "-q", "--fail-on", "never"],
                     cwd=project)  # fmt: skip
    add("validate", validate, "", None)

    run = sorted((project / "runs").iterdir())[-1]
    clean_csv = project / "clean_rows.csv"
    frame = pd.read_parquet(run / "clean" / "contacts.parquet")
    frame.to_csv(clean_csv, index=False)
    columns = ", ".join(f'"{c}" text' for c in frame.columns)
    if "sqlite" in targets and shutil.which("sqlite3") is None:
        print("  load → SQLite: skipped (no sqlite3 command for the baseline)")
    elif "sqlite" in targets:
        db = project / "bench.db"
        db.unlink(missing_ok=True)
        load = timed([*CRMMIGRATE, "load", "-c", str(data.config), "-q", "--target",
                      f"sqlite:///{db}"], cwd=project)  # fmt: skip
        plain = project / "plain.db"
        plain.unlink(missing_ok=True)
        base = timed(["sqlite3", str(plain), ".mode csv", f".import {clean_csv} contacts"])
        add("load → SQLite", load, "sqlite3 .import", base)
    if "postgresql" in targets and _postgres_up():
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        subprocess.run([*PSQL, "-c", f"create schema {schema}"], check=True)
        try:
            url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
            load = timed([*CRMMIGRATE, "load", "-c", str(data.config), "-q", "--target", url],
                         cwd=project)  # fmt: skip
            table = f"{schema}.plain"
            subprocess.run([*PSQL, "-c", f"create table {table} ({columns})"], check=True)
            base = timed([*PSQL, "-c", f"\\copy {table} from '{clean_csv}' csv header"])
            add("load → PostgreSQL", load, "psql \\copy", base)
        finally:
            subprocess.run(
                [*PSQL, "-c", f"set client_min_messages to warning; drop schema {schema} cascade"],
                check=True,
            )
    return lines


def write_results(lines: list[dict[str, object]]) -> None:
    today = dt.date.today().isoformat()
    rows = []
    for line in lines:
        ratio = f"{line['ratio']:.1f}× {line['baseline']} ({line['baseline_wall']:.1f} s)" \
            if line["ratio"] else "—"  # fmt: skip
        rows.append(f"| {today} | {line['set']} | {line['rows']:,} | {line['command']} | "
                    f"{line['wall']:.1f} | {line['cpu']:.1f} | {line['peak_mb']:,.0f} | {ratio} |")  # fmt: skip
    text = RESULTS.read_text("utf-8")
    if MARKER not in text:
        raise SystemExit(f"{RESULTS}: no {MARKER} line to add the rows after")
    RESULTS.write_text(text.replace(MARKER, "\n".join([*rows, MARKER])), "utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--sets", default="distinct,datagen")
    p.add_argument("--targets", default="sqlite,postgresql")
    p.add_argument("--smoke", action="store_true", help="100,000 rows, figures printed only")
    p.add_argument("--write", action="store_true", help="append the figures to RESULTS.md")
    p.add_argument("--keep", type=Path, help="work here and keep the files")
    a = p.parse_args(argv)
    rows = 100_000 if a.smoke else a.rows
    lines: list[dict[str, object]] = []
    base = a.keep or Path(tempfile.mkdtemp(prefix="crmmigrate-bench-"))
    try:
        for name in a.sets.split(","):
            work = base / f"{name}-{rows}"
            shutil.rmtree(work, ignore_errors=True)
            data = GENERATORS[name](rows, work)
            print(f"{name}: {rows:,} rows", flush=True)
            lines += bench(data, rows, a.targets.split(","))
    finally:
        if a.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    if a.write and not a.smoke:
        write_results(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
