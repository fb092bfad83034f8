"""The outbox: cross-store writes (SQLite -> Postgres) that could not be done yet.

Media writes are queued here in the same SQLite transaction as the core rows they belong to,
then drained to Postgres. A drain that fails leaves the row for next time and bumps the
`cross_store_write_failures` counter; each row has a dedupe key and its handler must be
idempotent (INSERT ... ON CONFLICT), so a crash between the Postgres write and marking the row
done can never write twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from toolkit.config import Settings
from toolkit.errors import StoreUnavailable
from toolkit.store import db, pg

FAILURE_COUNTER = "cross_store_write_failures"
Handler = Callable[[Any, dict[str, Any]], None]  # (postgres connection, payload)


def enqueue(conn: db.Connection, kind: str, payload: dict[str, Any], dedupe_key: str) -> None:
    """Queue a write; call inside the caller's SQLite transaction. Re-queueing is a no-op."""
    conn.execute(
        "INSERT INTO outbox(kind, payload, dedupe_key, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(dedupe_key) DO NOTHING",
        (kind, json.dumps(payload, sort_keys=True), dedupe_key, db.utc_now()),
    )


def pending_count(conn: db.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0])


def pending_message_ids(conn: db.Connection) -> set[int]:
    """Messages a pending row's payload names (their cross-store write is not missing, just late)."""
    waiting: set[int] = set()
    for row in conn.execute("SELECT payload FROM outbox WHERE done_at IS NULL"):
        try:
            payload = json.loads(row[0])
        except ValueError:
            continue
        if isinstance(payload, dict) and isinstance(payload.get("message_id"), int):
            waiting.add(payload["message_id"])
    return waiting


def reopen(conn: db.Connection, dedupe_key: str) -> bool:
    """Make a done row pending again (its key would turn a fresh enqueue into a no-op)."""
    return bool(conn.execute("UPDATE outbox SET done_at = NULL WHERE dedupe_key = ?",
                             (dedupe_key,)).rowcount)


def reopen_done_since(conn: db.Connection, since: str) -> int:
    """Make every row done at or after `since` pending again; how many."""
    with db.transaction(conn):
        cursor = conn.execute(
            "UPDATE outbox SET done_at = NULL WHERE done_at IS NOT NULL AND done_at >= ?",
            (since,))
        return int(cursor.rowcount)


@dataclass
class DrainResult:
    written: int = 0
    failed: int = 0
    pending: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"written": self.written, "failed": self.failed, "pending": self.pending,
                "error": self.error}


def drain(settings: Settings, conn: db.Connection, handlers: Mapping[str, Handler],
          limit: int = 10_000) -> DrainResult:
    """Write pending rows to Postgres in id order; stop at the first unreachable moment.

    `handlers` maps each row kind to the function that writes it (the module that queues a
    kind owns its handler, e.g. `ingest.attachments.OUTBOX_HANDLERS`).
    """
    result = DrainResult()
    if not settings.image_processing_enabled:
        result.pending = pending_count(conn)
        return result
    rows = conn.execute(
        "SELECT id, kind, payload FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT ?", (limit,)
    ).fetchall()
    if not rows:
        return result
    try:
        pg_conn = pg.connect(settings)
    except StoreUnavailable as error:
        record_failure(conn, [row["id"] for row in rows[:1]], str(error))
        result.failed, result.error = 1, str(error)
        result.pending = pending_count(conn)
        pg.warn_media_waiting(str(error))
        return result
    try:
        for row in rows:
            write = handlers.get(row["kind"])
            if write is None:
                raise KeyError(f"no outbox handler registered for {row['kind']!r}")
            try:
                with pg_conn.transaction():
                    write(pg_conn, json.loads(row["payload"]))
            except Exception as error:  # any Postgres failure: keep the row, count it, stop
                message = settings.redact(str(error))
                record_failure(conn, [row["id"]], message)
                result.failed, result.error = result.failed + 1, message
                break
            with db.transaction(conn):
                conn.execute("UPDATE outbox SET done_at = ? WHERE id = ?", (db.utc_now(), row["id"]))
            result.written += 1
    finally:
        pg_conn.close()
    result.pending = pending_count(conn)
    return result


def record_failure(conn: db.Connection, ids: list[int], message: str) -> None:
    with db.transaction(conn):
        db.bump_counter(conn, FAILURE_COUNTER)
        for row_id in ids:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                (pg.first_line(message), row_id),
            )
