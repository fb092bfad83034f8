"""The errors the toolkit raises on purpose: each carries one line a user can act on."""

from __future__ import annotations

from pathlib import Path


class ChatbookError(Exception):
    """Base class: the CLI prints `str(error)` as one line and exits non-zero."""

    exit_code = 1


class ConfigError(ChatbookError):
    """A setting has a wrong value; the message names the variable."""

    exit_code = 2


class InputError(ChatbookError):
    """Bad input: names the file and, where known, the line."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.reason = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class MigrationError(ChatbookError):
    """A migration cannot be applied, or an applied one has been edited."""


class StoreUnavailable(ChatbookError):
    """A store (usually the optional Postgres) cannot be reached right now."""


class LockedError(ChatbookError):
    """Another process holds a lock this command needs (a pipeline run, a migration)."""


class ConflictError(ChatbookError):
    """Someone else changed the row since it was read (optimistic locking)."""
