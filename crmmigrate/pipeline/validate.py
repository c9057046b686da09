"""``validate``: check a run's clean data; write ``validation.json`` and ``junit.xml``.

``findings.parquet`` holds the same findings, one row each, and the header below in its metadata
(see :mod:`crmmigrate.validate.stored`): ``load`` reads the errors and the reports the header
from it without parsing a document of hundreds of MB; pandas, DuckDB or Spark read it too.

``validation.json`` (the document the HTML report renders; keys are stable, new ones may be
added)::

    passed            bool: no check failed the run at fail_on
    fail_on           "error" | "warning" | "never"
    counts            {error: n, warning: n, info: n}: findings per severity (an object-level
                      rule that does not hold counts as one)
    records           {object: clean records validated}
    records_with_errors  records with at least one error finding (load leaves them out)
    failed_rules      ["<object>.<field> <rule>", ...]: the checks that failed the run
    rules_files       rules files applied (the run's config/rules/ files of kind validate,
                      then --rules files)
    rules             one entry per check × object × field that ran (count may be 0):
                      rule (a rule's name, else its finding code; "#2" when repeated), origin
                      ("schema" or the rules file), object, field (for multi-field rules as
                      written: "a >= b", "a|b" one-of, "a+b" together; "" for row-count), code,
                      severity, title, count, percent (of the object's records; null for
                      row-count), max_failures (as written: 10 or "0.5%"), threshold (failures
                      tolerated, a count), over_threshold, failed (over the threshold and at or
                      above fail_on), detail (row-count: what was expected; else null),
                      sample_record_ids and sample_rows (up to 10: "file:row",
                      "file[sheet]:row" for workbooks, "created by <source>, no source row")
                      sorted: failed first, then severity, then count
    findings          one per failing record: code, severity, object, field, rule, record_id,
                      source (source name), source_file, source_sheet, source_row (an
                      integer, as a spreadsheet shows it; null for a record crmmigrate
                      created), source_key, message (no values); with
                      --show-values also value (the offending value; "a=…; b=…" for several
                      fields)
    show_values       whether findings carry values
    validated_at      ISO timestamp (UTC)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path

from crmmigrate.pipeline.frames import RUN_CONFIG, read_clean_frames
from crmmigrate.report.reconciliation import build_reconciliation, write_reconciliation
from crmmigrate.report.validation_model import summarise_validation
from crmmigrate.runs import Run, verify_run
from crmmigrate.target_schema import TargetSchema, load_target_schema
from crmmigrate.validate.junit import junit_xml
from crmmigrate.validate.rules import RuleSet, load_rules_file
from crmmigrate.validate.runner import FailOn, ValidationResult, validate_frames
from crmmigrate.validate.stored import write_validation

JUNIT = "junit.xml"


def run_schema(run: Run) -> TargetSchema:
    """The target schema the run was cleaned against (a copy lives in the run)."""
    return load_target_schema(run.path / RUN_CONFIG / "target_schema.yaml")


def run_rules(run: Run, schema: TargetSchema, extra: Sequence[Path] = ()) -> list[RuleSet]:
    """The validation rules of a run (its config/rules/ files of kind validate), then ``extra``.

    Every file is parsed and checked against the schema before any data is read.
    """
    folder = run.path / RUN_CONFIG / "rules"
    sets: list[RuleSet] = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.suffix.lower() in (".yaml", ".yml"):
            found = load_rules_file(path, schema)
            if found is not None:
                sets.append(found)
    for path in extra:
        found = load_rules_file(path, schema, required=True)
        if found is not None:
            sets.append(found)
    return sets


def _run_date(manifest: dict[str, object]) -> dt.date:
    created = str(manifest.get("created_at") or "")
    try:
        return dt.datetime.fromisoformat(created).date()
    except ValueError:
        return dt.date.today()


def validate_run(
    run: Run,
    *,
    fail_on: FailOn = "error",
    rules: Sequence[Path] = (),
    show_values: bool = False,
) -> ValidationResult:
    """Validate a run's clean data; the result says whether it passed at ``fail_on``."""
    started = time.monotonic()
    manifest = verify_run(run).manifest()  # a clear error for a non-, half or changed run
    schema = run_schema(run)
    rule_sets = run_rules(run, schema, rules)  # rule mistakes stop here, before any data
    objects = manifest.get("stages", {}).get("clean", {}).get("objects", {})
    read = {name: int(info.get("read", 0)) for name, info in objects.items()}
    with run.lock():
        result = validate_frames(
            read_clean_frames(run),
            schema,
            fail_on=fail_on,
            rules=rule_sets,
            read=read,
            run_date=_run_date(manifest),
            show_values=show_values,
            severities=manifest.get("severities", {}),
        )
        header = result.header()
        write_validation(run.path, header, result.finding_frame())
        (run.path / JUNIT).write_text(junit_xml(result, run_id=run.run_id), encoding="utf-8")
        run.record_stage(
            "validate",
            {
                "status": "passed" if result.passed else "failed",
                "fail_on": fail_on,
                "counts": result.counts(),
                "records_with_errors": len(result.error_record_ids()),
                "failed_rules": result.failed_rules(),
                "rules_files": list(result.rules_files),
                "seconds": round(time.monotonic() - started, 3),
            },
        )
        # the summary from memory: validation.json is not read back
        summary = summarise_validation({**header, "findings": []})
        write_reconciliation(run, build_reconciliation(run), summary)
    return result
