"""Write a run's report files: reconciliation.json, reconciliation.html, validation.html."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmmigrate.report.html import render_reconciliation
from crmmigrate.report.model import RunReport, build_report
from crmmigrate.report.reconciliation import RECONCILIATION, Reconciliation
from crmmigrate.report.validation_html import render_validation
from crmmigrate.report.validation_model import ValidationSummary, summarise_validation
from crmmigrate.runs import Run, write_json_atomic, write_text_atomic
from crmmigrate.validate.stored import read_validation_header

RECONCILIATION_HTML = "reconciliation.html"
VALIDATION_HTML = "validation.html"


@dataclass(frozen=True)
class WrittenReports:
    report: RunReport
    files: tuple[Path, ...]


def write_reports(
    run: Run, rec: Reconciliation | None = None, validation: ValidationSummary | None = None
) -> WrittenReports:
    """(Re)write the run's report files from one report model; returns it and the paths.

    ``validation`` is the summary of the run's validation.json when the caller has it (the
    validate stage): the file, hundreds of MB for millions of findings, is then not read back."""
    if validation is None:
        header = read_validation_header(run.path)
        validation = summarise_validation(header) if header is not None else None
    report = build_report(run, rec, validation)
    files = [run.path / RECONCILIATION, run.path / RECONCILIATION_HTML]
    write_json_atomic(files[0], report.to_dict())
    write_text_atomic(files[1], render_reconciliation(report))
    if validation is not None:
        files.append(run.path / VALIDATION_HTML)
        write_text_atomic(files[-1], render_validation(validation, run_id=run.run_id))
    return WrittenReports(report, tuple(files))
