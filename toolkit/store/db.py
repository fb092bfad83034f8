"""SQLite access: the one connection factory, transactions, counters.

We use `sqlean.py` (a DB-API drop-in for `sqlite3` with a recent SQLite, FTS5 and extension
loading on every platform) because the stdlib module of many Pythons cannot load extensions,
which the vector store needs.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlean as sqlite3

from toolkit.errors import ChatbookError
from toolkit.fsutil import ensure_private_file

try:
    import fcntl
except ImportError:  # Windows: writers wait by polling alone
    fcntl = None  # type: ignore[assignment]

BUSY_TIMEOUT_MS = 30_000
WRITE_POLL_S = 0.002  # how often a writer waiting for the write lock tries again

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
    """BEGIN; a write lock held elsewhere is waited for, up to `attempts` busy timeouts.

    SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms), so behind
    a writer that commits in quick batches (an import) it keeps missing the gaps. Instead we
    try again every few milliseconds, holding a shared lock on `<store>-waiting` meanwhile:
    such a writer checks it between batches (`writers_waiting`) and lets us in.
    """
    if mode.upper() == "DEFERRED":
        conn.execute("BEGIN")  # takes no lock until it writes: nothing to wait for here
        return
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        if try_begin(conn, mode):
            return
        deadline = time.monotonic() + attempts * BUSY_TIMEOUT_MS / 1000
        with waiting_for_lock(conn):
            while not try_begin(conn, mode):
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError(
                        f"database is locked (another process kept writing for "
                        f"{attempts * BUSY_TIMEOUT_MS // 1000} s)")
                time.sleep(WRITE_POLL_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def try_begin(conn: Connection, mode: str) -> bool:
    """BEGIN `mode` now, or False when another connection holds the write lock."""
    try:
        conn.execute(f"BEGIN {mode}")
        return True
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        return False


def waiting_file(conn: Connection) -> str | None:
    """`<store file>-waiting`, beside the store's -wal and -shm (None for a memory store)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return f"{row[2]}-waiting" if row is not None and row[2] else None


@contextlib.contextmanager
def waiting_for_lock(conn: Connection) -> Iterator[None]:
    """Say, for as long as this lasts, that this connection waits for the write lock."""
    path = waiting_file(conn)
    if fcntl is None or path is None:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: waiting still works, only less fairly
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def writers_waiting(conn: Connection, path: str | None = None) -> bool:
    """Whether another connection is waiting for the write lock (see `begin_with_retry`);
    a long writer asks between two of its transactions and, if so, pauses to let it in.
    `path`: the connection's `waiting_file`, if the caller keeps it."""
    path = path or waiting_file(conn)
    if fcntl is None or path is None:
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:  # no such file: nobody has ever waited
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def truncate_wal(conn: Connection) -> None:
    """Copy the WAL into the store and cut it to nothing: after a failed write on a full disk,
    this gives back the space of the frames the failure left behind."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


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
