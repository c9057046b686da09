"""Pipeline benchmark: generate CRM-like contacts, time clean → validate → load into SQLite.

Usage: python benchmarks/run.py [--rows N]   (results appended to benchmarks/RESULTS.md)
Numbers live here, never in unit tests.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import platform
import random
import resource
import shutil
import time
from pathlib import Path

from crmmigrate import __version__
from crmmigrate.config import load_config
from crmmigrate.pipeline.clean import clean_project
from crmmigrate.pipeline.load import load_run
from crmmigrate.pipeline.validate import validate_run

HERE = Path(__file__).parent
SURNAMES = [
    "陳",
    "林",
    "黃",
    "張",
    "李",
    "王",
    "吳",
    "劉",
    "蔡",
    "楊",
    "Chan",
    "Wong",
    "Smith",
    "Lee",
]
GIVEN = ["大文", "美玲", "志明", "淑芬", "Tai Man", "Mei Ling", "John", "Mary", "小明", "家豪"]
CONFIG = """\
version: 1
defaults: {country: TW, date_order: YMD}
target: {url: sqlite:///bench.db, batch_size: 5000}
sources:
  - name: contacts
    path: contacts.csv
    object: contacts
    key: id
    fields: {first_name: first, last_name: last, email: email, mobile_phone: mobile,
             birthdate: dob, mailing_address: address, created_date: created}
"""


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "first", "last", "email", "mobile", "dob", "address", "created"])
        for i in range(rows):
            dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
            fmt = rng.choice(["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"])
            roc = f"民國{dob.year - 1911}年{dob.month}月{dob.day}日"
            w.writerow(
                [
                    f"C{i:08d}",
                    rng.choice(GIVEN),
                    rng.choice(SURNAMES),
                    f"user{i}@{rng.choice(['gmail.com', 'yahoo.com.tw', 'EXAMPLE.COM'])}",
                    f"09{rng.randrange(10**8):08d}",
                    roc if rng.random() < 0.2 else dob.strftime(fmt),
                    f"臺北市信義區信義路{rng.randrange(1, 6)}段{rng.randrange(1, 300)}號",
                    f"2019-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} 10:00:00",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    work = HERE / "out" / "pipeline"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    generate(work / "contacts.csv", args.rows)
    (work / "crmmigrate.yaml").write_text(CONFIG, encoding="utf-8")
    project = load_config(work / "crmmigrate.yaml")
    t0 = time.perf_counter()
    cleaned = clean_project(project)
    t1 = time.perf_counter()
    validate_run(cleaned.run, fail_on="never")
    t2 = time.perf_counter()
    loaded = load_run(cleaned.run)
    t3 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert loaded.reconciliation.balanced
    cells = [
        str(dt.date.today()), __version__, f"{args.rows:,}", f"{t1 - t0:.1f}", f"{t2 - t1:.1f}",
        f"{t3 - t2:.1f}", f"{args.rows / (t3 - t0):,.0f}", f"{peak_mb:,.0f}",
        platform.python_version(),
    ]  # fmt: skip
    line = "| " + " | ".join(cells) + " |"
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    marker = "<!-- pipeline-rows -->"
    if marker in text:
        text = text.replace(marker, f"{line}\n{marker}")
        results.write_text(text, encoding="utf-8")
    print(line)


if __name__ == "__main__":
    main()
