"""Counts for the run summary: what the stores hold, and what is new since a time.

Read-only, over the primary store (messages, chats, proposals, events, runs) and the vector
store (embeddings); `toolkit.ops.report` decides what "new" means and how it is shown.
"""

from __future__ import annotations

from typing import Any

from toolkit.store import db


def count_since(conn: db.Connection, table: str, column: str, since: str | None,
                where: str = "1") -> int:
    """Rows of `table` whose `column` (an ISO time) is at or after `since` (all when None)."""
    # julianday() compares instants, so '...Z', '+00:00' and '+02:00' stamps all agree.
    sql = f"SELECT count(*) FROM {table} WHERE {where}"
    args: tuple[Any, ...] = ()
    if since is not None:
        sql += f" AND julianday({column}) >= julianday(?)"
        args = (since,)
    return int(conn.execute(sql, args).fetchone()[0])


def message_figures(conn: db.Connection, since: str | None) -> dict[str, Any]:
    """Messages new since `since` (all when None), in total, and new per chat; chats."""
    by_chat = conn.execute(
        "SELECT c.name AS chat, count(m.id) AS new FROM messages m JOIN chats c ON c.id = m.chat_id "
        + ("WHERE julianday(m.ingested_at) >= julianday(?) " if since else "")
        + "GROUP BY c.name ORDER BY new DESC, c.name",
        (since,) if since else (),
    ).fetchall()
    return {
        "new": sum(row["new"] for row in by_chat),
        "total": count_since(conn, "messages", "ingested_at", None),
        "chats": count_since(conn, "chats", "created_at", None),
        "new_by_chat": {row["chat"]: row["new"] for row in by_chat},
    }


def proposal_figures(conn: db.Connection, since: str | None, newest: int) -> dict[str, Any]:
    """Proposals new and pending, by status, the `newest` pending ones (soonest first), events."""
    by_status = conn.execute(
        "SELECT status, count(*) AS n FROM proposals GROUP BY status ORDER BY status"
    ).fetchall()
    pending = conn.execute(
        "SELECT p.title, p.start, p.location, round(p.confidence, 2) AS confidence, "
        "c.name AS chat FROM proposals p LEFT JOIN messages m ON m.id = p.source_message_id "
        "LEFT JOIN chats c ON c.id = m.chat_id WHERE p.status = 'pending'"
        + (" AND julianday(p.created_at) >= julianday(?)" if since else "")
        + f" ORDER BY p.start, p.id LIMIT {int(newest)}",
        (since,) if since else (),
    ).fetchall()
    return {
        "newest": [dict(row) for row in pending],
        "new": count_since(conn, "proposals", "created_at", since),
        "pending": count_since(conn, "proposals", "created_at", None, "status = 'pending'"),
        "by_status": {row["status"]: row["n"] for row in by_status},
        "events": count_since(conn, "events", "created_at", None, "status = 'confirmed'"),
    }


def embedding_counts(vectors: db.Connection, model: str, since: str | None) -> dict[str, int]:
    """The model's vectors in the vector store: new since `since`, and in total."""
    where = "model = " + sql_text(model)
    return {
        "new": count_since(vectors, "embeddings", "created_at", since, where),
        "total": count_since(vectors, "embeddings", "created_at", None, where),
    }


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def failed_runs_since(conn: db.Connection, since: str) -> int:
    """Pipeline runs started at or after `since` that failed or were interrupted."""
    return count_since(conn, "pipeline_runs", "started_at", since,
                       "status IN ('failed', 'interrupted')")
