"""Write a run's report files: reconciliation.json, reconciliation.html, validation.html."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from crmmigrate.report.html import render_reconciliation
from crmmigrate.report.model import RunReport, build_report
from crmmigrate.report.reconciliation import RECONCILIATION, Reconciliation
from crmmigrate.report.validation_html import render_validation
from crmmigrate.report.validation_model import VALIDATION, summarise_validation
from crmmigrate.runs import Run, read_json, write_json_atomic

RECONCILIATION_HTML = "reconciliation.html"
VALIDATION_HTML = "validation.html"


@dataclass(frozen=True)
class WrittenReports:
    report: RunReport
    files: tuple[Path, ...]


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def write_reports(run: Run, rec: Reconciliation | None = None) -> WrittenReports:
    """(Re)write the run's report files from one report model; returns it and the paths."""
    report = build_report(run, rec)
    files = [run.path / RECONCILIATION, run.path / RECONCILIATION_HTML]
    write_json_atomic(files[0], report.to_dict())
    write_text_atomic(files[1], render_reconciliation(report))
    validation = run.path / VALIDATION
    if validation.is_file():
        summary = summarise_validation(read_json(validation))
        files.append(run.path / VALIDATION_HTML)
        write_text_atomic(files[-1], render_validation(summary, run_id=run.run_id))
    return WrittenReports(report, tuple(files))
