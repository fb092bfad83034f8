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


def messages_per_chat_week(conn: db.Connection, first_day: str) -> list[dict[str, Any]]:
    """Messages per chat per week (weeks start on Monday, by the time the message was sent, in
    UTC) from `first_day` on: rows of chat, week (the Monday, ISO date) and n, oldest first."""
    # weekday 0 moves a day forward to Sunday; six days back is that week's Monday.
    return db.rows_as_dicts(conn.execute(
        "SELECT c.name AS chat, date(coalesce(m.sent_at_utc, m.sent_at), 'weekday 0', '-6 days') "
        "AS week, count(*) AS n FROM messages m JOIN chats c ON c.id = m.chat_id "
        "WHERE coalesce(m.sent_at_utc, m.sent_at) >= ? GROUP BY c.name, week ORDER BY week, c.name",
        (first_day,),
    ))


def confidence_histogram(conn: db.Connection) -> list[dict[str, Any]]:
    """Proposals by status and confidence tenth (0 for 0-10 %, ..., 9 for 90-100 %): rows of
    status, tenth and n."""
    return db.rows_as_dicts(conn.execute(
        "SELECT status, min(9, max(0, CAST(confidence * 10 AS INTEGER))) AS tenth, count(*) AS n "
        "FROM proposals GROUP BY status, tenth ORDER BY status, tenth"))


def upcoming_events(conn: db.Connection, from_day: str, limit: int) -> list[dict[str, Any]]:
    """Confirmed events starting on or after `from_day` (as written), soonest first, with the
    chat they came from."""
    return db.rows_as_dicts(conn.execute(
        "SELECT e.title, e.start, e.end, e.all_day, e.tz, e.location, c.name AS chat "
        "FROM events e LEFT JOIN chats c ON c.id = e.chat_id "
        "WHERE e.status = 'confirmed' AND e.start >= ? ORDER BY e.start, e.id LIMIT ?",
        (from_day, int(limit)),
    ))


def newest_pending(conn: db.Connection, since: str | None, limit: int) -> list[dict[str, Any]]:
    """Pending proposals (created at or after `since`, all when None), soonest first, with
    their chat and how many there are in all (`total`, on every row)."""
    where = "p.status = 'pending'" + (" AND julianday(p.created_at) >= julianday(?)" if since else "")
    args: tuple[Any, ...] = (since,) if since else ()
    return db.rows_as_dicts(conn.execute(
        "SELECT p.id, p.title, p.start, p.end, p.all_day, p.tz, p.location, p.confidence, "
        "c.name AS chat, count(*) OVER () AS total FROM proposals p "
        "LEFT JOIN messages m ON m.id = p.source_message_id LEFT JOIN chats c ON c.id = m.chat_id "
        f"WHERE {where} ORDER BY p.start, p.id LIMIT ?", (*args, int(limit)),
    ))
