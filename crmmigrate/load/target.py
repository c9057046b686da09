"""The SQL target: engine set-up, URL masking and telling an unreachable target from bad rows.

Every message built here names the target by its masked URL and never carries customer values;
DBAPI messages are reduced to a short, value-free reason before they reach an exception.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, make_url

from crmmigrate.errors import TargetUnreachableError, UsageError
from crmmigrate.masking import mask_url

UNREACHABLE_HINT = "check the server is running and the URL; rerun the load"
CONNECT_TIMEOUT_SECONDS = 10
REASON_MAX_CHARS = 300

_DRIVER_HINTS = {
    "postgresql": "use postgresql+psycopg:// and pip install 'crmmigrate[postgres]'",
    "mysql": "use mysql+pymysql:// and pip install 'crmmigrate[mysql]'",
    "mariadb": "use mysql+pymysql:// and pip install 'crmmigrate[mysql]'",
}

# (substring of the lower-cased DBAPI message, short reason). First match wins, so the more
# specific patterns come first ("role ... does not exist" before "database ... does not exist").
_CONNECT_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("connection refused",), "connection refused"),
    (
        (
            "could not translate host name",
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "unknown mysql server host",
            "no address associated",
        ),
        "unknown host",
    ),
    (
        (
            "password authentication failed",
            "authentication failed",
            "no password supplied",
            "access denied",
            "pg_hba.conf",
            'role "',
        ),
        "authentication failed",
    ),
    (("unknown database", "does not exist"), "the database does not exist"),
    (("unable to open database file",), "cannot open the database file"),
    (("timeout", "timed out"), "connection timed out"),
)

# Messages that mean the target went away or cannot be used (on top of SQLAlchemy's own
# disconnect detection): the load stops with exit 3 instead of failing row after row.
_UNAVAILABLE_MARKERS = (
    "server has gone away",
    "lost connection",
    "connection refused",
    "terminating connection",
    "server closed the connection",
    "connection reset",
    "connection is closed",
    "connection already closed",
    "the connection is lost",
    "broken pipe",
    "database is locked",
)
# Mid-load reasons more precise than "the connection was lost".
_LOST_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("database is locked",), "the database is locked by another process"),
)

# DBAPI messages that quote the offending value; the value is cut out before it is recorded.
_VALUE_REDACTIONS = (
    (re.compile(r"(entry|value:?) '.*' (for (?:key|column))", re.IGNORECASE), r"\1 '***' \2"),
    (re.compile(r"(invalid input (?:syntax|value) for [^:]*):.*", re.IGNORECASE), r"\1"),
)


def open_engine(url: str) -> sa.Engine:
    """An engine for ``url`` with the settings every load relies on (not yet connected)."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise UsageError(
            f"target URL {mask_url(url)} is not a SQLAlchemy URL",
            hint="e.g. sqlite:///crm.db or postgresql+psycopg://user@host/db",
        ) from None
    backend = parsed.get_backend_name()
    try:
        driver = parsed.get_dialect().driver
        engine = sa.create_engine(
            parsed, future=True, hide_parameters=True, connect_args=_connect_args(parsed, driver)
        )
    except (exc.NoSuchModuleError, ImportError) as err:
        raise UsageError(
            f"target URL {mask_url(url)}: its driver is not installed ({type(err).__name__})",
            hint=_DRIVER_HINTS.get(backend, "install the driver the URL names"),
        ) from None
    if backend == "sqlite":
        _configure_sqlite(engine)
    elif backend in ("mysql", "mariadb"):
        _configure_mysql(engine)
    return engine


SQLITE_BUSY_SECONDS = 60


def _connect_args(url: URL, driver: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        # libpq waits forever on a black-holed host by default.
        args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if url.get_backend_name() == "sqlite" and "timeout" not in url.query:
        args["timeout"] = SQLITE_BUSY_SECONDS  # another load's batch: wait for it
    if driver == "psycopg" and "prepare_threshold" not in url.query:
        # psycopg prepares a query after 5 runs; the lookups' plan, cached while a table was
        # nearly empty, stays a sequential scan as it grows (100k rows: 132 s instead of 10 s).
        args["prepare_threshold"] = None
    return args


def _configure_sqlite(engine: sa.Engine) -> None:
    # The sqlite3 module's legacy transaction handling skips BEGIN before SAVEPOINT and DDL, which
    # breaks nested transactions; let SQLAlchemy emit BEGIN itself (SQLAlchemy's SQLite docs).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE: a transaction takes the write lock when it starts, so a second writer
        # waits for it (up to the busy timeout) instead of failing at once with "database is
        # locked" when its read turns into a write (SQLite's deadlock avoidance)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _configure_mysql(engine: sa.Engine) -> None:
    # Without strict mode MySQL/MariaDB silently truncate long strings and turn NULLs into ''.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(
            "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''),"
            " 'STRICT_ALL_TABLES')"
        )
        cursor.close()


def _dbapi_message(err: BaseException) -> str:
    orig = getattr(err, "orig", None) or err
    args: tuple[Any, ...] = getattr(orig, "args", ())
    # PyMySQL errors are (errno, message); the bare message reads like the other drivers'.
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return args[1]
    return str(orig)


def is_unavailable(err: BaseException) -> bool:
    """True when ``err`` means the target went away or is locked (not that a row was bad)."""
    if not isinstance(err, exc.DBAPIError):
        return False
    if err.connection_invalidated:
        return True
    if not isinstance(err, exc.OperationalError | exc.InterfaceError):
        return False
    message = _dbapi_message(err).lower()
    return any(marker in message for marker in _UNAVAILABLE_MARKERS)


def unreachable(url: str, err: BaseException, *, connecting: bool) -> TargetUnreachableError:
    """The error to raise for a target that cannot be reached (``connecting``) or went away."""
    message = _dbapi_message(err).lower()
    reasons, default = (
        (_CONNECT_REASONS, "the connection failed")
        if connecting
        else (_LOST_REASONS, "the connection was lost during the load")
    )
    reason = next(
        (text for markers, text in reasons if any(m in message for m in markers)), default
    )
    return TargetUnreachableError(
        f"target {mask_url(url)} is unreachable: {reason}", hint=UNREACHABLE_HINT
    )


def db_reason(err: BaseException) -> str:
    """The database's reason for rejecting a row: first line, trimmed, quoted values cut out."""
    lines = _dbapi_message(err).strip().splitlines()
    line = lines[0].strip() if lines else type(err).__name__
    for pattern, replacement in _VALUE_REDACTIONS:
        line = pattern.sub(replacement, line)
    return line[:REASON_MAX_CHARS]


def is_row_error(err: BaseException) -> bool:
    """True when the database rejected the data of a row (constraint, type, length)."""
    if is_unavailable(err):
        return False
    if isinstance(err, exc.IntegrityError | exc.DataError):
        return True
    # MariaDB reports a failed CHECK constraint (errno 4025) as an OperationalError.
    orig = getattr(err, "orig", None)
    args: tuple[Any, ...] = getattr(orig, "args", ())
    return isinstance(err, exc.OperationalError) and bool(args) and args[0] == 4025
