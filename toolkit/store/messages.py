"""The chats and their messages in the primary store (`chats`, `messages`, `messages_fts`).

Every read and write of those tables: ingest's inserts and its bulk FTS indexing, the ETL
stages' keyset reads past their cursors, search's FTS5 and filter SQL, and the context around a
message. Functions run inside the caller's transaction, if any.
"""

from __future__ import annotations

from toolkit.store import db


def chat_names(conn: db.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT name FROM chats ORDER BY name")]


def chat_of_message(conn: db.Connection, message_id: int | None) -> int | None:
    """The id of the chat a message is in (None for no message, or one not in the store)."""
    if message_id is None:
        return None
    row = conn.execute("SELECT chat_id FROM messages WHERE id = ?", (message_id,)).fetchone()
    return int(row["chat_id"]) if row else None


def chat_lang(conn: db.Connection, chat_id: int) -> str | None:
    """The language recorded for the chat, if any."""
    row = conn.execute("SELECT lang FROM chats WHERE id = ?", (chat_id,)).fetchone()
    return row["lang"] if row else None


def remember_lang(conn: db.Connection, chat_id: int, lang: str) -> None:
    """Record a detected language for a chat that has none recorded."""
    conn.execute("UPDATE chats SET lang = ? WHERE id = ? AND lang IS NULL", (lang, chat_id))


def recent_texts(conn: db.Connection, chat_id: int) -> list[str]:
    """The texts of the chat's 60 newest text messages, newest first."""
    return [r["text"] for r in conn.execute(
        "SELECT text FROM messages WHERE chat_id = ? AND kind = 'text' ORDER BY id DESC LIMIT 60",
        (chat_id,),
    )]


def around(conn: db.Connection, message_id: int, n: int) -> list[db.Row] | None:
    """The message with up to `n` messages before and after it in its chat, in order, with
    the chat's name; None when there is no such message."""
    target = conn.execute("SELECT chat_id, sent_at FROM messages WHERE id = ?", (message_id,)).fetchone()
    if target is None:
        return None
    columns = ("SELECT m.id, c.name AS chat, m.author, m.sent_at, m.text, m.kind, m.media "
               "FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.chat_id = ? ")
    key = (target["chat_id"], target["sent_at"], message_id)
    before = conn.execute(columns + "AND (m.sent_at, m.id) < (?, ?) "
                          "ORDER BY m.sent_at DESC, m.id DESC LIMIT ?", (*key, n)).fetchall()
    after = conn.execute(columns + "AND (m.sent_at, m.id) > (?, ?) "
                         "ORDER BY m.sent_at, m.id LIMIT ?", (*key, n)).fetchall()
    hit = conn.execute(columns + "AND m.id = ?", (target["chat_id"], message_id)).fetchall()
    return [*reversed(before), *hit, *after]
