"""The chats and their messages in the primary store (`chats`, `messages`, `messages_fts`)."""

from __future__ import annotations

from toolkit.store import db


def chat_names(conn: db.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM chats ORDER BY name")]
