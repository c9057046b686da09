"""One exception hierarchy for the whole library; each class carries its exit code.

The CLI catches :class:`CrmMigrateError` once and turns it into a one-line message and the exit
code. Messages name files, rows, fields and rule codes; they never contain customer values.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit-code contract users script against (see README, "Exit codes")."""

    OK = 0
    DATA_FAILED = 1
    USAGE = 2
    TARGET_UNREACHABLE = 3
    CRASHED = 70
    INTERRUPTED = 130
    TERMINATED = 143


class CrmMigrateError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(CrmMigrateError):
    """The user asked for something impossible: wrong option, missing run, bad argument."""


class ConfigError(UsageError):
    """The project config (or a rules file) is wrong; the message names file, key path and fix."""


class SourceError(UsageError):
    """A source file is missing, unreadable, undecodable or lacks a mapped column."""


class BackupError(UsageError):
    """A source could not be backed up, or its copy did not verify; the run stops."""


class DataFailedError(CrmMigrateError):
    """The data did not pass: validation findings, rejected rows, a reconciliation mismatch."""

    exit_code = ExitCode.DATA_FAILED


class TargetUnreachableError(CrmMigrateError):
    """The target database could not be reached or went away mid-load."""

    exit_code = ExitCode.TARGET_UNREACHABLE
