"""Open, create and migrate every enabled store: the SQLite files always, Postgres when media is on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.config import Settings
from toolkit.errors import StoreUnavailable
from toolkit.fsutil import ensure_private_dir
from toolkit.store import db, migrate, pg


def ensure_dirs(settings: Settings) -> None:
    """The data folders, all 0700."""
    for folder in (
        settings.data_dir,
        settings.db_path.parent,
        settings.vdb_path.parent,
        settings.attachments_dir,
        settings.runs_dir,
        settings.inbox_dir,
    ):
        ensure_private_dir(folder)


def open_db(settings: Settings) -> db.Connection:
    """The primary store, migrated: callers can rely on the current schema."""
    ensure_private_dir(settings.db_path.parent)
    conn = db.connect(settings.db_path)
    if not migrate.sqlite_status(conn, "sqlite").current:
        migrate.migrate_sqlite(conn, "sqlite")
    return conn


def open_vectors(settings: Settings) -> db.Connection:
    ensure_private_dir(settings.vdb_path.parent)
    conn = db.connect(settings.vdb_path)
    if not migrate.sqlite_status(conn, "vectors").current:
        migrate.migrate_sqlite(conn, "vectors")
    return conn


@dataclass
class MigrateResult:
    applied: dict[str, list[str]] = field(default_factory=dict)
    status: dict[str, dict[str, Any]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.unavailable and all(s["current"] for s in self.status.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "stores": self.status,
            "unavailable": self.unavailable,
            "ok": self.ok,
        }


def migrate_all(settings: Settings, *, apply: bool = True) -> MigrateResult:
    """Apply (or, with apply=False, only report) migrations for every enabled store."""
    result = MigrateResult()
    ensure_dirs(settings)
    for store, path in (("sqlite", settings.db_path), ("vectors", settings.vdb_path)):
        conn = db.connect(path)
        try:
            if apply:
                result.applied[store] = migrate.migrate_sqlite(conn, store)
            result.status[store] = migrate.sqlite_status(conn, store).as_dict()
        finally:
            conn.close()
    if settings.image_processing_enabled:
        try:
            conn = pg.connect(settings)
        except StoreUnavailable as error:
            result.unavailable["postgres"] = str(error)
            pg.warn_media_waiting(str(error))
            return result
        try:
            if apply:
                result.applied["postgres"] = migrate.migrate_postgres(conn)
            result.status["postgres"] = migrate.pg_status(conn).as_dict()
        finally:
            conn.close()
    return result
