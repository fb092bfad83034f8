"""Where each reviewer stands in each review queue (`review_state`), so a restart resumes there.

A queue is a filter combination (its canonical JSON is `queue_key`); the row holds the proposal
on screen, the queue's ids and the undo history (groups of ids, newest last: a bulk accept is
one group). The queue a reviewer used last is the one a reload of the page opens again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
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


def last_queue_key(conn: db.Connection, reviewer: str) -> str | None:
    """The queue this reviewer saved last (their filters when they left), if any."""
    row = conn.execute(
        "SELECT queue_key FROM review_state WHERE reviewer = ? ORDER BY updated_at DESC LIMIT 1",
        (reviewer,),
    ).fetchone()
    return None if row is None else str(row["queue_key"])


def save_state(conn: db.Connection, reviewer: str, queue_key: str, *, current_id: int | None,
               queue: Sequence[int], undo: Sequence[Sequence[int] | int]) -> None:
    # Microseconds: two queues saved within one second must still tell which came last.
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO review_state(reviewer, queue_key, current_id, queue, undo, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(reviewer, queue_key) DO UPDATE SET "
            "current_id = excluded.current_id, queue = excluded.queue, undo = excluded.undo, "
            "updated_at = excluded.updated_at",
            (reviewer, queue_key, current_id, json.dumps(list(queue)),
             json.dumps([list(g) if isinstance(g, list | tuple) else g for g in undo]), now),
        )
        # Every filter combination is a queue; keep only a reviewer's most recent ones.
        conn.execute(
            "DELETE FROM review_state WHERE reviewer = ? AND queue_key NOT IN (SELECT queue_key "
            "FROM review_state WHERE reviewer = ? ORDER BY updated_at DESC LIMIT ?)",
            (reviewer, reviewer, KEEP_QUEUES),
        )
