"""What the assistant would write back to chats (`agent_messages`): drafts, then sent ones.

Functions run inside the caller's transaction; `toolkit.review.agent` decides what a chat
needs to be told.
"""

from __future__ import annotations

from typing import Any

from toolkit.store import db


def message_row(conn: db.Connection, message_id: int) -> dict[str, Any] | None:
    """One agent message with its chat's name."""
    row = conn.execute(
        "SELECT a.*, c.name AS chat FROM agent_messages a LEFT JOIN chats c ON c.id = a.chat_id "
        "WHERE a.id = ?",
        (message_id,),
    ).fetchone()
    return dict(row) if row else None


def message_rows(conn: db.Connection, *, status: str | None,
                 kind: str | None) -> list[dict[str, Any]]:
    """Agent messages of that status and kind (either may be None: any), oldest first."""
    clauses, params = [], []
    if status:
        clauses.append("a.status = ?")
        params.append(status)
    if kind:
        clauses.append("a.kind = ?")
        params.append(kind)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return db.rows_as_dicts(conn.execute(
        "SELECT a.*, c.name AS chat FROM agent_messages a LEFT JOIN chats c ON c.id = a.chat_id"
        f"{where} ORDER BY a.id",
        params,
    ))


def sent_about(conn: db.Connection, event_id: int, chat_id: int) -> list[dict[str, Any]]:
    """Messages about the event already posted in the chat, oldest first."""
    return db.rows_as_dicts(conn.execute(
        "SELECT kind, body FROM agent_messages WHERE event_id = ? AND chat_id = ? "
        "AND status = 'sent' ORDER BY sent_at, id",
        (event_id, chat_id),
    ))


def any_sent_about(conn: db.Connection, event_id: int) -> bool:
    """Whether any chat was told about the event (a message marked sent)."""
    sent = conn.execute(
        "SELECT 1 FROM agent_messages WHERE event_id = ? AND status = 'sent' LIMIT 1", (event_id,)
    ).fetchone()
    return sent is not None


def sent_digest(conn: db.Connection, chat_id: int, period: str) -> int | None:
    """The id of the chat's digest for `period` if it was sent."""
    row = conn.execute(
        "SELECT id FROM agent_messages WHERE kind = 'digest' AND chat_id = ? "
        "AND period = ? AND status = 'sent'",
        (chat_id, period),
    ).fetchone()
    return int(row["id"]) if row is not None else None


def upsert_draft(conn: db.Connection, *, kind: str, chat_id: int, event_id: int | None,
                 lang: str, body: str, period: str | None) -> int:
    """Update the unsent draft of this kind/event/chat/period, or insert one.

    The table's UNIQUE constraint cannot do this: its NULL event_id/period never collide.
    """
    row = conn.execute(
        "SELECT id FROM agent_messages WHERE kind = ? AND chat_id = ? AND event_id IS ? "
        "AND period IS ? AND status = 'draft'",
        (kind, chat_id, event_id, period),
    ).fetchone()
    if row is not None:
        conn.execute("UPDATE agent_messages SET body = ?, lang = ? WHERE id = ?",
                     (body, lang, row["id"]))
        return int(row["id"])
    cursor = conn.execute(
        "INSERT INTO agent_messages(chat_id, event_id, kind, lang, body, status, period, "
        "created_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)",
        (chat_id, event_id, kind, lang, body, period, db.utc_now()),
    )
    return int(cursor.lastrowid or 0)


def delete_drafts(conn: db.Connection, event_id: int, chat_id: int, kind: str) -> None:
    """Drop the unsent drafts of this kind about the event in the chat."""
    conn.execute(
        "DELETE FROM agent_messages WHERE event_id = ? AND chat_id = ? AND kind = ? "
        "AND status = 'draft'",
        (event_id, chat_id, kind),
    )


def delete_event_drafts(conn: db.Connection, event_id: int) -> None:
    """Drop every unsent draft about the event, in any chat."""
    conn.execute("DELETE FROM agent_messages WHERE event_id = ? AND status = 'draft'",
                 (event_id,))


def delete_about_event(conn: db.Connection, event_id: int) -> None:
    """Drop every message about the event, drafts and sent ones."""
    conn.execute("DELETE FROM agent_messages WHERE event_id = ?", (event_id,))


def mark_sent(conn: db.Connection, message_id: int) -> None:
    """Record that a draft was posted; a message already sent keeps its time."""
    conn.execute(
        "UPDATE agent_messages SET status = 'sent', sent_at = ? "
        "WHERE id = ? AND status = 'draft'",
        (db.utc_now(), message_id),
    )
