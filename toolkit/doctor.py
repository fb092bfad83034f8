"""`chatbook doctor`: are the stores reachable, migrated, in WAL mode, consistent?

Each check is a small function returning a dict; `run_checks` gathers them into one report
whose `ok` is false when anything needs the user's attention.
"""

from __future__ import annotations

from typing import Any

from toolkit import db, migrate, outbox, pg
from toolkit.config import Settings
from toolkit.errors import StoreUnavailable


def check_sqlite_store(store: str, path: Any) -> dict[str, Any]:
    report: dict[str, Any] = {"path": str(path), "exists": path.exists()}
    if not path.exists():
        report.update(reachable=False, ok=False, hint="run `chatbook init`")
        return report
    conn = db.connect(path, readonly=True)
    try:
        report["reachable"] = True
        report["journal_mode"] = db.journal_mode(conn)
        status = migrate.sqlite_status(conn, store)
        report["migrations"] = status.as_dict()
        report["integrity"] = str(conn.execute("PRAGMA quick_check").fetchone()[0])
        report["mode"] = oct(path.stat().st_mode & 0o777)
        report["ok"] = (
            report["journal_mode"] == "wal" and status.current and report["integrity"] == "ok"
        )
        if not status.current:
            report["hint"] = "run `chatbook migrate`"
    finally:
        conn.close()
    return report


def check_postgres(settings: Settings) -> dict[str, Any]:
    report: dict[str, Any] = {
        "enabled": settings.image_processing_enabled,
        "dsn": settings.media_db_url_redacted,
    }
    if not settings.image_processing_enabled:
        report["ok"] = True
        return report
    try:
        conn = pg.connect(settings)
    except StoreUnavailable as error:
        report.update(reachable=False, error=str(error), ok=False)
        return report
    try:
        status = migrate.pg_status(conn)
        report.update(reachable=True, migrations=status.as_dict(), ok=status.current)
        if not status.current:
            report["hint"] = "run `chatbook migrate`"
    finally:
        conn.close()
    return report


def check_operations(settings: Settings) -> dict[str, Any]:
    """Counters and the outbox backlog (cross-store writes waiting for Postgres)."""
    if not settings.db_path.exists():
        return {"counters": {}, "outbox_pending": 0, "ok": True}
    conn = db.connect(settings.db_path, readonly=True)
    try:
        counters = db.read_counters(conn)
        pending = outbox.pending_count(conn) if db.table_exists(conn, "outbox") else 0
    finally:
        conn.close()
    return {
        "counters": counters,
        "outbox_pending": pending,
        "cross_store_write_failures": counters.get(outbox.FAILURE_COUNTER, 0),
        "ok": pending == 0,
    }


def run_checks(settings: Settings) -> dict[str, Any]:
    stores = {
        "sqlite": check_sqlite_store("sqlite", settings.db_path),
        "vectors": check_sqlite_store("vectors", settings.vdb_path),
        "postgres": check_postgres(settings),
    }
    operations = check_operations(settings)
    return {
        "settings": settings.public_dict(),
        "stores": stores,
        "operations": operations,
        "ok": all(part["ok"] for part in stores.values()) and operations["ok"],
    }
