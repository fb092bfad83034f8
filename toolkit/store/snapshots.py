"""Consistent copies of the stores, and what they hold: the store side of `chatbook backup`.

SQLite files are copied online with the backup API and left as one self-contained file;
Postgres is read inside an exported snapshot (for `pg_dump --snapshot`) so its row counts are
exactly what the dump holds; row counts and emptiness say what a copy or a target holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.config import Settings
from toolkit.fsutil import PRIVATE_FILE_MODE, ensure_private_dir
from toolkit.store import checks, db, pg, vectors

PG_TABLES = ("attachments", "extractions")


# ------------------------------------------------------------------ SQLite


def plain_tables(conn: db.Connection) -> list[str]:
    """Ordinary tables (shadow tables of FTS/vector indexes included; they need no extension)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [row["name"] for row in rows if not str(row["sql"]).upper().startswith("CREATE VIRTUAL")]


def sqlite_counts(path: Path) -> dict[str, int]:
    conn = db.connect(path, readonly=True)
    try:
        return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                for t in plain_tables(conn)}
    finally:
        conn.close()


def copy_sqlite(source: Path, target: Path) -> None:
    """An online, consistent copy through SQLite's backup API, as one self-contained file.

    One step (pages=-1) copies the whole database inside a single read transaction: in WAL
    mode that is a snapshot, and writers are never blocked (a paged copy would restart
    whenever a writer commits, and may never finish under load).
    """
    ensure_private_dir(target.parent)
    src = db.connect(source, readonly=True)
    dst = db.connect(target)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()
    as_single_file(target)


def prune_embeddings_beyond(vectors_copy: Path, app_copy: Path) -> int:
    """Drop, from the vector copy, embeddings of messages the primary copy does not hold."""
    orphans = checks.embeddings_without_message(app_copy, vectors_copy)
    pruned = vectors.delete_embeddings(vectors_copy, orphans)
    if pruned:
        as_single_file(vectors_copy)
    return pruned


def as_single_file(path: Path) -> None:
    """Leave a copy in journal mode DELETE: one file, no -wal beside it, stable checksum."""
    conn = db.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.chmod(PRIVATE_FILE_MODE)


def sqlite_store_is_empty(path: Path) -> bool:
    """Missing, or holding no rows beyond its migration bookkeeping (a fresh `chatbook init`)."""
    if not path.exists():
        return True
    conn = db.connect(path, readonly=True)
    try:
        virtual = [str(r[0]) for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")]
        # An FTS index has rows (its config) from birth; its content table is what counts.
        tables = [t for t in plain_tables(conn) if t != "schema_migrations"
                  and not any(t.startswith(f"{v}_") for v in virtual)]
        return all(conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is None for t in tables)
    finally:
        conn.close()


def integrity_check(path: Path) -> str:
    """Open the store as chatbook runs it (WAL) and run SQLite's full integrity check."""
    conn = db.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# ------------------------------------------------------------------ Postgres


@dataclass(frozen=True)
class PgSnapshot:
    id: str  # for pg_dump --snapshot
    taken_at: str  # second precision, rounded down
    counts: dict[str, int]


@contextmanager
def exported_snapshot(settings: Settings) -> Iterator[PgSnapshot]:
    """A read-only snapshot of the media database, held open while the caller dumps it."""
    conn = pg.connect(settings)
    try:
        taken_at = db.utc_now()
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = str(conn.execute("SELECT pg_export_snapshot()").fetchone()[0])
        yield PgSnapshot(snapshot, taken_at, postgres_counts_on(conn))
        conn.execute("COMMIT")
    finally:
        conn.close()


def postgres_counts_on(conn: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in (*PG_TABLES, "schema_migrations"):
        if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is not None:
            counts[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return counts


def postgres_counts(settings: Settings) -> dict[str, int]:
    conn = pg.connect(settings)
    try:
        return postgres_counts_on(conn)
    finally:
        conn.close()


def postgres_is_empty(settings: Settings) -> bool:
    counts = postgres_counts(settings)
    return all(counts.get(table, 0) == 0 for table in PG_TABLES)
