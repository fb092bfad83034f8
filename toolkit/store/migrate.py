"""Numbered plain-SQL migrations per store, applied in order, one transaction each.

Each store has a folder under `toolkit/store/migrations/` (`sqlite`, `vectors`, `postgres`) of
files named `NNNN_description.sql`, numbered 1, 2, 3... without gaps. A migration and its
bookkeeping row commit together; the file's sha256 is recorded, and an applied file whose text
has changed since is an error naming it.
Two runners never apply the same file twice: SQLite's BEGIN IMMEDIATE serialises writers and
the applied set is re-read inside the lock; Postgres takes an advisory lock for the run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit.errors import MigrationError
from toolkit.store import db

FILE_PATTERN = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
PG_ADVISORY_KEY = 0x63686174  # "chat": one key for every chatbook migration runner
STORES = ("sqlite", "vectors", "postgres")
# Numbers the shipped migrations skip on purpose. The primary store's 0002 was never written
# (0003 followed 0001), and every store made since has recorded 1, 3 and 4; renumbering the
# files would make those records disagree with them. So the hole is declared here, and any
# other gap (a file lost in a merge, a typo in a name) is an error.
NEVER_USED: dict[str, frozenset[int]] = {"sqlite": frozenset({2})}


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()

    @property
    def filename(self) -> str:
        return f"{self.version:04d}_{self.name}.sql"


@dataclass(frozen=True)
class Status:
    store: str
    applied: list[int]
    pending: list[int]
    edited: list[str]

    @property
    def current(self) -> bool:
        return not self.pending and not self.edited

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "applied": self.applied,
            "pending": self.pending,
            "edited": self.edited,
            "current": self.current,
        }


def migrations_dir(store: str) -> Path:
    return Path(str(resources.files("toolkit.store") / "migrations" / store))


def load_migrations(store: str, directory: Path | None = None) -> list[Migration]:
    """The store's migration files in version order; a malformed name or gap is an error."""
    folder = directory or migrations_dir(store)
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = FILE_PATTERN.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files must be named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{folder}: two migration files share a version number")
    check_numbering(folder, versions, NEVER_USED.get(store, frozenset()) if directory is None
                    else frozenset())
    return found


def check_numbering(folder: Path, versions: list[int], never_used: frozenset[int]) -> None:
    """Versions run 1, 2, 3... skipping only `never_used`: a gap means a file went missing."""
    expected = [v for v in range(1, max(versions, default=0) + 1) if v not in never_used]
    if versions == expected:
        return
    if reused := sorted(set(versions) & never_used):
        raise MigrationError(f"{folder}: version {reused[0]:04d} is never used (stores skipped it); "
                             "number the new migration after the last one")
    missing = sorted(set(expected) - set(versions))
    raise MigrationError(f"{folder}: migration {missing[0]:04d} is missing (versions must run "
                         "1, 2, 3... without gaps)")


def split_sql(script: str) -> list[str]:
    """Split a script into statements (trigger bodies keep their inner semicolons)."""
    import sqlean

    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlean.complete_statement(buffer):
            if buffer.strip() and not _only_comments(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise MigrationError(f"incomplete SQL statement at the end: {buffer.strip()[:60]!r}")
    return statements


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


# ---------------------------------------------------------------- SQLite (primary and vectors)

SQLITE_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""


def sqlite_applied(conn: db.Connection) -> dict[int, str]:
    if not db.table_exists(conn, "schema_migrations"):
        return {}
    rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    return {int(row[0]): str(row[1]) for row in rows}


def check_edited(store: str, files: list[Migration], applied: dict[int, str]) -> list[str]:
    return [m.filename for m in files if m.version in applied and applied[m.version] != m.checksum]


def raise_if_edited(store: str, edited: list[str]) -> None:
    if edited:
        where = migrations_dir(store)
        raise MigrationError(
            f"{where / edited[0]}: this migration was applied with different contents; "
            "restore the file and add a new migration instead"
        )


def sqlite_status(conn: db.Connection, store: str, files: list[Migration] | None = None) -> Status:
    files = load_migrations(store) if files is None else files
    applied = sqlite_applied(conn)
    return Status(
        store=store,
        applied=sorted(applied),
        pending=[m.version for m in files if m.version not in applied],
        edited=check_edited(store, files, applied),
    )


def migrate_sqlite(conn: db.Connection, store: str, files: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations; returns the file names applied by this call."""
    files = load_migrations(store) if files is None else files
    with db.transaction(conn):
        conn.execute(SQLITE_BOOKKEEPING)
    done: list[str] = []
    for migration in files:
        with db.transaction(conn):
            # Re-read inside the write lock: another runner may have applied it meanwhile.
            applied = sqlite_applied(conn)
            raise_if_edited(store, check_edited(store, files, applied))
            if migration.version in applied:
                continue
            for statement in split_sql(migration.sql):
                try:
                    conn.execute(statement)
                except db.DatabaseError as error:
                    raise MigrationError(f"{migration.filename}: {error}") from error
            conn.execute(
                "INSERT INTO schema_migrations(version, name, checksum, applied_at) "
                "VALUES (?, ?, ?, ?)",
                (migration.version, migration.name, migration.checksum, db.utc_now()),
            )
            done.append(migration.filename)
    return done


# ---------------------------------------------------------------- PostgreSQL (media, optional)

PG_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""


def pg_applied(conn: Any) -> dict[int, str]:
    exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
    if exists is None:
        return {}
    rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    return {int(row[0]): str(row[1]) for row in rows}


def pg_status(conn: Any, files: list[Migration] | None = None) -> Status:
    files = load_migrations("postgres") if files is None else files
    applied = pg_applied(conn)
    return Status(
        store="postgres",
        applied=sorted(applied),
        pending=[m.version for m in files if m.version not in applied],
        edited=check_edited("postgres", files, applied),
    )


def migrate_postgres(conn: Any, files: list[Migration] | None = None) -> list[str]:
    """Apply pending Postgres migrations under a session advisory lock (autocommit conn)."""
    files = load_migrations("postgres") if files is None else files
    done: list[str] = []
    conn.execute("SELECT pg_advisory_lock(%s)", (PG_ADVISORY_KEY,))
    try:
        with conn.transaction():
            conn.execute(PG_BOOKKEEPING)
        applied = pg_applied(conn)
        raise_if_edited("postgres", check_edited("postgres", files, applied))
        for migration in files:
            if migration.version in applied:
                continue
            try:
                with conn.transaction():
                    conn.execute(migration.sql)
                    conn.execute(
                        "INSERT INTO schema_migrations(version, name, checksum) "
                        "VALUES (%s, %s, %s)",
                        (migration.version, migration.name, migration.checksum),
                    )
            except Exception as error:
                if isinstance(error, MigrationError):
                    raise
                raise MigrationError(f"{migration.filename}: {error}") from error
            done.append(migration.filename)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (PG_ADVISORY_KEY,))
    return done
