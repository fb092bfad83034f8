"""SQLite access: the one connection factory, transactions, counters.

We use `sqlean.py` (a DB-API drop-in for `sqlite3` with a recent SQLite, FTS5 and extension
loading on every platform) because the stdlib module of many Pythons cannot load extensions,
which the vector store needs.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlean as sqlite3

from toolkit.errors import ChatbookError
from toolkit.fsutil import ensure_private_file

BUSY_TIMEOUT_MS = 30_000

if TYPE_CHECKING:  # sqlean ships no type hints; its API is the stdlib module's
    # `X as X`: an explicit re-export, so `db.Connection` resolves under mypy --strict too
    from sqlite3 import Connection as Connection
    from sqlite3 import Row as Row
else:
    Connection = sqlite3.Connection
    Row = sqlite3.Row
DatabaseError = sqlite3.DatabaseError
IntegrityError = sqlite3.IntegrityError
OperationalError = sqlite3.OperationalError


def utc_now() -> str:
    """Timestamps we record ourselves: UTC, ISO 8601, seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def connect(path: Path, *, readonly: bool = False) -> Connection:
    """Open a SQLite file with the settings every chatbook connection needs.

    Autocommit mode (isolation_level=None): transactions are explicit, via `transaction()`,
    so a write never sits in an implicit transaction that another process waits on.
    """
    conn: Connection
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False)
    else:
        ensure_private_file(path)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as error:  # unwritable folder, not a database, ...: one line
        conn.close()
        raise ChatbookError(f"{path}: cannot open this store: {error} (can you write to "
                            f"{path.parent}?)") from None
    return conn


def enable_wal(conn: Connection, attempts: int = 40) -> None:
    """Switch to WAL once per file. Switching needs an exclusive lock and SQLite does not
    wait on the busy timeout for it, so a new file opened by two processes at once retries."""
    for attempt in range(attempts):
        try:
            if journal_mode(conn) != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(min(0.05 * 2**attempt, 1.0))


@contextlib.contextmanager
def transaction(conn: Connection, mode: str = "IMMEDIATE") -> Iterator[Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

    IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead of
    failing later with SQLITE_BUSY when a read transaction tries to upgrade.
    """
    begin_with_retry(conn, mode)
    try:
        yield conn
    except BaseException:
        # SQLite has already rolled back after some errors (a full disk, an I/O error): a
        # second ROLLBACK would only bury the real cause under "no transaction is active".
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def begin_with_retry(conn: Connection, mode: str, attempts: int = 20) -> None:
    """BEGIN, retrying past the busy timeout: a long writer elsewhere must not fail us."""
    for attempt in range(attempts):
        try:
            conn.execute(f"BEGIN {mode}")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if attempt == attempts - 1:
                raise
            time.sleep(min(0.05 * 2**attempt, 2.0))


def journal_mode(conn: Connection) -> str:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def table_exists(conn: Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)
    ).fetchone()
    return row is not None


def bump_counter(conn: Connection, name: str, by: int = 1) -> None:
    """Add `by` to an operational counter (e.g. cross_store_write_failures)."""
    conn.execute(
        "INSERT INTO counters(name, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value, "
        "updated_at = excluded.updated_at",
        (name, by, utc_now()),
    )


def read_counters(conn: Connection) -> dict[str, int]:
    if not table_exists(conn, "counters"):
        return {}
    return {row["name"]: row["value"] for row in conn.execute("SELECT name, value FROM counters")}


def get_cursor(conn: Connection, name: str) -> int:
    """The position (a message id) up to which an ETL stage has processed."""
    row = conn.execute("SELECT value FROM etl_cursors WHERE name = ?", (name,)).fetchone()
    return int(row["value"]) if row else 0


def set_cursor(conn: Connection, name: str, value: int) -> None:
    conn.execute(
        "INSERT INTO etl_cursors(name, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (name, value, utc_now()),
    )


def rows_as_dicts(rows: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]
