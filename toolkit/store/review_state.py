"""Where each reviewer stands in each review queue (`review_state`), so a restart resumes there."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from toolkit.store import db

KEEP_QUEUES = 20  # saved queue positions per reviewer


def load_state(conn: db.Connection, reviewer: str, queue_key: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT current_id, queue, undo FROM review_state WHERE reviewer = ? AND queue_key = ?",
        (reviewer, queue_key),
    ).fetchone()
    if row is None:
        return None
    return {"current_id": row["current_id"], "queue": json.loads(row["queue"]),
            "undo": json.loads(row["undo"])}


def save_state(conn: db.Connection, reviewer: str, queue_key: str, *, current_id: int | None,
               queue: Sequence[int], undo: Sequence[int]) -> None:
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO review_state(reviewer, queue_key, current_id, queue, undo, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(reviewer, queue_key) DO UPDATE SET "
            "current_id = excluded.current_id, queue = excluded.queue, undo = excluded.undo, "
            "updated_at = excluded.updated_at",
            (reviewer, queue_key, current_id, json.dumps(list(queue)), json.dumps(list(undo)),
             db.utc_now()),
        )
        # Every filter combination is a queue; keep only a reviewer's most recent ones.
        conn.execute(
            "DELETE FROM review_state WHERE reviewer = ? AND queue_key NOT IN (SELECT queue_key "
            "FROM review_state WHERE reviewer = ? ORDER BY updated_at DESC LIMIT ?)",
            (reviewer, reviewer, KEEP_QUEUES),
        )
