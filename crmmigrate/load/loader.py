"""Load clean frames into a SQL target (SQLite, PostgreSQL, MariaDB) through SQLAlchemy.

Objects go in ``schema.load_order`` (parents first), each in batches of ``batch_size`` rows.
A batch is one transaction (see :mod:`crmmigrate.load.batch`) that also writes the load journal
(:mod:`crmmigrate.load.checkpoint`); a resumed load skips the records the journal has for the
run. A dry run wraps the whole load in one transaction that is rolled back, so children can
still find the parents it inserted, and journals nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import get_args

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import exc

from crmmigrate.errors import UsageError
from crmmigrate.frames import concat_rows
from crmmigrate.load.batch import Action, Batch, LinePart, LoadMode, row_parts, write_batch
from crmmigrate.load.checkpoint import (
    BatchProgress,
    ensure_journal,
    last_batch,
    read_before_images,
    read_journal,
    record_batch,
)
from crmmigrate.load.copy import copy_text, uses_copy
from crmmigrate.load.prepare import LINEAGE_COLUMNS, PreparedObject, prepare_object
from crmmigrate.load.references import ParentIds, ResolvedReferences, resolve_references
from crmmigrate.load.schema import (
    BOOKKEEPING_LENGTH,
    CONTENT_HASH,
    ID,
    LOAD_ID,
    build_metadata,
    check_tables,
    drop_tables,
    reference_column,
    schema_lock,
)
from crmmigrate.load.target import (
    db_reason,
    is_unavailable,
    mask_url,
    open_engine,
    unreachable,
)
from crmmigrate.target_schema import EXTERNAL_ID, TargetSchema

__all__ = ["LoadMode", "LoadResult", "ObjectLoadResult", "load_frames", "mask_url"]

_LINEAGE = ["object", *LINEAGE_COLUMNS.values()]
SUCCESS_COLUMNS = (*_LINEAGE, "target_id", "action")
ERROR_COLUMNS = (*_LINEAGE, "reason")


@dataclass(frozen=True)
class ObjectLoadResult:
    """Counts for one object; ``inserted + updated + unchanged + failed == attempted``."""

    object: str
    attempted: int
    inserted: int
    updated: int
    unchanged: int
    failed: int
    # References loaded as NULL because no record has that external id (the transform
    # reported them); counted per reference value, on records that were loaded.
    unresolved_references: int = 0


@dataclass(frozen=True)
class LoadResult:
    """What a load did: counts per object (in load order) and one row per record."""

    objects: tuple[ObjectLoadResult, ...]
    success: pd.DataFrame  # SUCCESS_COLUMNS
    errors: pd.DataFrame  # ERROR_COLUMNS; reasons name fields, never values
    dry_run: bool
    resumed: int = 0  # records an earlier, interrupted attempt of this run had written
    # Every before-image the run's journal holds: object, external_id, target_id, before.
    before_images: tuple[dict[str, object], ...] = ()
    migrated: tuple[str, ...] = ()  # what --migrate-schema added to the target
    # The frames as the load converted them (verification compares the target with these).
    prepared: tuple[PreparedObject, ...] = field(default=(), repr=False, compare=False)

    @property
    def failed(self) -> int:
        return sum(o.failed for o in self.objects)

    def counts(self, obj: str) -> ObjectLoadResult:
        """The counts of one object; KeyError if it was not in the load."""
        for result in self.objects:
            if result.object == obj:
                return result
        raise KeyError(obj)


@dataclass
class _Outcome:
    written: dict[int, tuple[Action, int | None]] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)
    unresolved: dict[int, int] = field(default_factory=dict)
    resumed: int = 0


def _check_arguments(
    frames: Mapping[str, pd.DataFrame],
    schema: TargetSchema,
    run_id: str,
    mode: str,
    batch_size: int,
) -> None:
    if mode not in get_args(LoadMode):
        raise UsageError(f"load mode {mode!r} is not one of {', '.join(get_args(LoadMode))}")
    if batch_size < 1:
        raise UsageError(f"batch size {batch_size} must be at least 1")
    if not run_id or len(run_id) > BOOKKEEPING_LENGTH:
        raise UsageError(f"run id must be 1 to {BOOKKEEPING_LENGTH} characters")
    unknown = sorted(set(frames) - set(schema.objects))
    if unknown:
        raise UsageError(
            f"{unknown[0]}: not an object of target schema {schema.name}",
            hint="check the run was cleaned against this target schema",
        )


def load_frames(
    frames: Mapping[str, pd.DataFrame],
    schema: TargetSchema,
    url: str,
    *,
    run_id: str,
    mode: LoadMode = "upsert",
    batch_size: int = 10_000,
    dry_run: bool = False,
    resume: bool = False,
    on_batch: Callable[[BatchProgress], None] | None = None,
    migrate_schema: bool = False,
) -> LoadResult:
    """Load one clean frame per object into the SQL target at ``url``.

    Objects absent from ``frames`` are skipped. Missing tables are created; a dry run drops
    the ones it created and rolls back everything else. Raises TargetUnreachableError (exit 3)
    when the target cannot be reached or goes away; batches committed before that stay.

    ``resume`` skips the records the target's journal says this ``run_id`` already wrote
    (reported with the journal's action); ``on_batch`` is called after each committed batch.
    """
    _check_arguments(frames, schema, run_id, mode, batch_size)
    prepared = [
        prepare_object(name, schema.objects[name], frames[name])
        for name in schema.load_order
        if name in frames
    ]
    loader = _Loader(
        schema,
        build_metadata(schema),
        mode,
        run_id,
        batch_size,
        dry_run,
        url,
        resume,
        on_batch,
        migrate_schema,
    )
    engine = open_engine(url)
    try:
        try:
            conn = engine.connect()
        except (exc.OperationalError, exc.InterfaceError) as err:
            raise unreachable(url, err, connecting=True) from err
        try:
            with conn, _frozen_heap():
                outcomes = loader.run(conn, prepared)
        except exc.DBAPIError as err:
            if is_unavailable(err):
                raise unreachable(url, err, connecting=False) from err
            raise
    finally:
        engine.dispose()
    return replace(
        _result(prepared, outcomes, dry_run),
        resumed=sum(o.resumed for o in outcomes),
        before_images=tuple(loader.before_images),
        migrated=tuple(loader.migrated),
        prepared=tuple(prepared),
    )


@dataclass(frozen=True)
class _Loader:
    schema: TargetSchema
    metadata: sa.MetaData
    mode: LoadMode
    run_id: str
    batch_size: int
    dry_run: bool
    url: str
    resume: bool = False
    on_batch: Callable[[BatchProgress], None] | None = None
    migrate_schema: bool = False
    before_images: list[dict[str, object]] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)

    def run(self, conn: sa.Connection, prepared: Sequence[PreparedObject]) -> list[_Outcome]:
        """Create or check the tables, then load every object (rolled back in a dry run)."""
        with schema_lock(conn):
            created = self._ensure_tables(conn)
            if not self.dry_run and any(p.size for p in prepared):
                ensure_journal(conn)
        if not self.dry_run:
            outcomes = self._load_objects(conn, prepared)
            with conn.begin():
                self.before_images.extend(read_before_images(conn, self.run_id))
            return outcomes
        try:
            with conn.begin() as everything:
                outcomes = self._load_objects(conn, prepared)
                everything.rollback()
        except BaseException:
            with suppress(exc.DBAPIError):
                drop_tables(conn, self.metadata, created)
            raise
        # DDL commits implicitly on MariaDB, so the tables are created outside the rolled-back
        # transaction and dropped here; PostgreSQL and SQLite behave the same way for simplicity.
        drop_tables(conn, self.metadata, created)
        return outcomes

    def _forget_hashes(self, conn: sa.Connection, migrated: Sequence[str]) -> None:
        """A table that gained columns holds rows written without them: rewrite them all.

        Clearing their content hashes makes the upsert see every existing row as changed, so
        the new columns are filled (and verified) instead of the rows counting as unchanged.
        """
        tables = {str(line).split(".", 1)[0].split(":", 1)[0] for line in migrated}
        changed = sorted(tables & set(self.metadata.tables))
        if not changed:
            return
        with conn.begin():
            for name in changed:
                table = self.metadata.tables[name]
                conn.execute(sa.update(table).values({CONTENT_HASH: None}))

    def _ensure_tables(self, conn: sa.Connection) -> list[str]:
        try:
            migrate = self.migrate_schema and not self.dry_run
            checked = check_tables(conn, self.metadata, migrate=migrate)
            self.migrated.extend(str(m) for m in checked.migrated)
            self._forget_hashes(conn, checked.migrated)
            return list(checked.created)
        except exc.DBAPIError as err:
            if is_unavailable(err):
                raise
            raise UsageError(
                f"target {mask_url(self.url)}: cannot create the tables: {db_reason(err)}",
                hint="grant the target user CREATE rights or create the tables first",
            ) from None

    def _load_objects(
        self, conn: sa.Connection, prepared: Sequence[PreparedObject]
    ) -> list[_Outcome]:
        failed_in_run: dict[str, set[str]] = {}
        loaded: dict[str, ParentIds] = {}  # for the children: their parents' ids, no lookup
        parents = {f.object for o in self.schema.objects.values() for f in o.fields.values()}
        outcomes = []
        for prep in prepared:
            outcome = self._load_object(conn, prep, failed_in_run, loaded)
            failed_in_run[prep.name] = {
                key for pos in outcome.failures if (key := prep.external_ids[pos]) is not None
            }
            if prep.name in parents:
                written = [(p, i) for p, (_, i) in outcome.written.items() if i is not None]
                keys = prep.external_ids[np.asarray([p for p, _ in written], dtype=np.intp)]
                loaded[prep.name] = ParentIds.of(keys, [i for _, i in written])
            outcomes.append(outcome)
        return outcomes

    def _load_object(
        self,
        conn: sa.Connection,
        prep: PreparedObject,
        failed_in_run: Mapping[str, set[str]],
        loaded: Mapping[str, ParentIds],
    ) -> _Outcome:
        obj = self.schema.objects[prep.name]
        table = self.metadata.tables[prep.name]
        outcome = _Outcome(failures=dict(prep.failures))
        reference_columns = [reference_column(f) for f in prep.references]
        pending = [pos for pos in range(prep.size) if pos not in outcome.failures]
        # COPY text (PostgreSQL) and row hashes (journaled loads) need every value as text.
        with_texts = not self.dry_run or uses_copy(conn)
        # Each row's line (COPY, row hash) is built with the batch, but for the reference
        # ids, which the batch looks up (see _with_references).
        line_table = table if not self.dry_run else None
        first_batch = 0
        if not self.dry_run and (self.resume or self.mode == "incremental"):
            with conn.begin():
                pending, first_batch = self._skip_done(conn, prep, table, pending, outcome)
        # An empty table holds none of the external ids, so the batches need not look them
        # up. That holds for a resumed load too: one whose earlier attempt committed a batch
        # finds that batch in the table (and looks up), a first attempt (what every `load`
        # of a run starts as) finds the table empty.
        with conn.begin_nested() if self.dry_run else conn.begin():
            all_new = _is_empty(conn, table)
        chunks = [pending[s : s + self.batch_size] for s in range(0, len(pending), self.batch_size)]
        windows = _TextWindows(prep, pending, self.batch_size, line_table, self.run_id)

        def build(positions: list[int], index: int) -> Batch:
            texts = windows.at(index * self.batch_size, len(positions)) if with_texts else None
            return _batch_rows(prep, positions, texts)

        # The next batch's records are gathered and turned into text while the database
        # works on this one's COPY (write_batch calls ``meanwhile`` once, at that point).
        ahead: dict[int, Batch] = {}
        for index, positions in enumerate(chunks):
            built = ahead.pop(index) if index in ahead else build(positions, index)

            def meanwhile(index: int = index) -> None:
                # An error here must not sink this batch: the next one is then built again
                # before its own transaction, where the error surfaces.
                if index + 1 < len(chunks):
                    with suppress(Exception):
                        ahead[index + 1] = build(chunks[index + 1], index + 1)

            # One transaction per batch; inside a dry run's transaction, a savepoint instead.
            with conn.begin_nested() if self.dry_run else conn.begin():
                refs = resolve_references(
                    conn, self.metadata.tables, obj, prep, positions, failed_in_run, loaded
                )
                rows = _with_references(built, refs)
                batch = write_batch(
                    conn,
                    table,
                    rows,
                    mode=self.mode,
                    run_id=self.run_id,
                    reference_columns=reference_columns,
                    capture_before=not self.dry_run,
                    all_new=all_new,
                    meanwhile=meanwhile,
                )
                if not self.dry_run:
                    record_batch(conn, self.run_id, prep.name, first_batch + index, rows, batch)
            outcome.failures.update(refs.failures)
            outcome.failures.update(batch.failures)
            outcome.written.update(batch.written)
            outcome.unresolved.update(
                {pos: n for pos, n in refs.unresolved.items() if pos in batch.written}
            )
            if self.on_batch is not None and not self.dry_run:
                done = len(outcome.written) + len(outcome.failures)
                self.on_batch(BatchProgress(prep.name, first_batch + index, done, prep.size))
        return outcome

    def _skip_done(
        self,
        conn: sa.Connection,
        prep: PreparedObject,
        table: sa.Table,
        pending: list[int],
        outcome: _Outcome,
    ) -> tuple[list[int], int]:
        """Take out what needs no batch: records this run's journal has (resume), and in
        incremental mode records whose content hash the target already has."""
        first_batch = 0
        if self.resume:
            journal = read_journal(conn, self.run_id, [prep.name])
            for pos in pending:
                entry = journal.get((prep.name, str(prep.external_ids[pos])))
                if entry is not None:
                    outcome.written[pos] = (entry.first_action, entry.target_id)
            outcome.resumed = len(outcome.written)
            first_batch = last_batch(conn, self.run_id, prep.name) + 1
        if self.mode == "incremental":
            current = {
                row[0]: (row[1], row[2])
                for row in conn.execute(
                    sa.select(table.c[EXTERNAL_ID], table.c[CONTENT_HASH], table.c[ID])
                )
            }
            for pos in pending:
                found = current.get(str(prep.external_ids[pos]))
                if found is None or pos in outcome.written or prep.hashes[pos] is None:
                    continue
                if found[0] == prep.hashes[pos]:
                    outcome.written[pos] = ("unchanged", found[1])
        return [pos for pos in pending if pos not in outcome.written], first_batch


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """The objects alive now (the frames and their prepared values: millions of them at a
    million records) set aside from the cyclic garbage collector while the batches run, which
    would otherwise go through them again on every full collection; what the batches make is
    collected as usual. Everything is handed back to the collector afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _is_empty(conn: sa.Connection, table: sa.Table) -> bool:
    return conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is None


# Records whose COPY text is made at once: per-column work (missing values, type, escaping)
# then costs once per window instead of once per batch, and a window's text is bounded.
TEXT_WINDOW = 50_000


@dataclass
class _Window:
    texts: dict[str, list[str]]  # column → COPY text, one per record of the window
    parts: list[LinePart] | None  # row_parts of the window (None without a line table)


class _TextWindows:
    """The COPY text (and row lines in parts, see :func:`batch.row_parts`) of an object's
    pending records, made a window of records at a time and sliced into batches.

    A window holds a whole number of batches; the one before the current is kept, as the
    next batch is built while the current one is written."""

    def __init__(
        self,
        prep: PreparedObject,
        pending: Sequence[int],
        batch_size: int,
        line_table: sa.Table | None,
        run_id: str,
    ) -> None:
        self.prep, self.pending, self.line_table, self.run_id = prep, pending, line_table, run_id
        self.size = max(1, TEXT_WINDOW // batch_size) * batch_size
        self.made: dict[int, _Window] = {}

    def at(self, start: int, count: int) -> _BatchTexts:
        """The text of the pending records ``start`` to ``start + count`` (one batch)."""
        number, offset = divmod(start, self.size)
        window = self.made.get(number)
        if window is None:
            for old in [n for n in self.made if n < number - 1]:
                del self.made[old]
            window = self.made[number] = self._make(number)
        cut = slice(offset, offset + count)
        texts = {c: t[cut] for c, t in window.texts.items()}
        parts = None
        if window.parts is not None:
            parts = [p if isinstance(p, str) else p[cut] for p in window.parts]
        return _BatchTexts(texts, parts)

    def _make(self, number: int) -> _Window:
        positions = self.pending[number * self.size : (number + 1) * self.size]
        index = np.asarray(positions, dtype=np.intp)
        prep = self.prep
        arrays = {c: prep.values[c][index] for c in prep.values}
        arrays[EXTERNAL_ID] = prep.external_ids[index]
        arrays[CONTENT_HASH] = prep.hashes[index]
        texts = {c: copy_text(a) for c, a in arrays.items()}
        parts = None
        if self.line_table is not None:
            # The reference columns come later (the batch looks the parents up): left out by
            # name, filled in by join_parts once they are known.
            later = [reference_column(name) for name in prep.references]
            load_id = copy_text([self.run_id]) * len(index)
            parts = row_parts(self.line_table, {**texts, LOAD_ID: load_id}, later)
        return _Window(texts, parts)


@dataclass(frozen=True)
class _BatchTexts:
    texts: dict[str, list[str]]
    parts: list[LinePart] | None


def _batch_rows(prep: PreparedObject, positions: Sequence[int], made: _BatchTexts | None) -> Batch:
    """The batch's records column by column (each column array sliced once), with the COPY
    text of every value and each record's line in parts (the row as the table will hold it,
    see :func:`batch.row_lines`, the reference columns left out until
    :func:`_with_references` has their text) when ``made`` has them. No database."""
    index = np.asarray(positions, dtype=np.intp)
    columns = {c: prep.values[c][index].tolist() for c in prep.values}
    external_ids = prep.external_ids[index].tolist()  # all str: prepare fails one without
    hashes = prep.hashes[index].tolist()
    if made is None:
        return Batch(list(positions), external_ids, hashes, columns, {})
    return Batch(list(positions), external_ids, hashes, columns, made.texts, made.parts)


def _with_references(batch: Batch, refs: ResolvedReferences) -> Batch:
    """The batch with its reference columns, without the records whose parent failed."""
    for column, values in refs.columns.items():
        batch.columns[column] = values
        if batch.texts:
            batch.texts[column] = copy_text(values)
    if refs.failures:
        batch = batch.take([i for i, p in enumerate(batch.positions) if p not in refs.failures])
    return batch


def _result(
    prepared: Sequence[PreparedObject], outcomes: Sequence[_Outcome], dry_run: bool
) -> LoadResult:
    objects, success_parts, error_parts = [], [], []
    for prep, outcome in zip(prepared, outcomes, strict=True):
        lost = prep.size - len(outcome.written) - len(outcome.failures)
        if lost or set(outcome.written) & set(outcome.failures):
            raise RuntimeError(f"{prep.name}: {lost} records unaccounted for in the load (a bug)")
        ok = sorted(outcome.written)
        bad = sorted(outcome.failures)
        actions = [outcome.written[pos][0] for pos in ok]
        success = prep.lineage.iloc[ok].reset_index(drop=True)
        success["target_id"] = pd.array([outcome.written[p][1] for p in ok], dtype="Int64")
        success["action"] = pd.Series(actions, dtype=object)
        errors = prep.lineage.iloc[bad].reset_index(drop=True)
        errors["reason"] = pd.Series([outcome.failures[p] for p in bad], dtype=object)
        success_parts.append(success)
        error_parts.append(errors)
        objects.append(
            ObjectLoadResult(
                object=prep.name,
                attempted=prep.size,
                inserted=actions.count("inserted"),
                updated=actions.count("updated"),
                unchanged=actions.count("unchanged"),
                failed=len(bad),
                unresolved_references=sum(outcome.unresolved.values()),
            )
        )
    return LoadResult(
        objects=tuple(objects),
        success=_concat(success_parts, SUCCESS_COLUMNS),
        errors=_concat(error_parts, ERROR_COLUMNS),
        dry_run=dry_run,
    )


def _concat(parts: Sequence[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    return concat_rows(parts, columns)[list(columns)]
