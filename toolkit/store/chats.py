"""Chats as a whole in the primary store: their zone and where it came from, and the listing.

`chats` rows are created by ingest (`store.messages`); this module reads a chat with its zone,
its authors and its span, records a zone with its source, and lists every chat with its counts.
Functions run inside the caller's transaction, if any.
"""

from __future__ import annotations

from typing import Any

from toolkit.store import db

ZONE_SOURCES = ("given", "phones", "locale", "machine")


def chat_row(conn: db.Connection, chat_id: int) -> dict[str, Any] | None:
    """The chat's id, name, zone, zone source and note, locale and language."""
    row = conn.execute(
        "SELECT id, name, tz, tz_source, tz_note, locale, lang, date_order FROM chats WHERE id = ?",
        (chat_id,),
    ).fetchone()
    return dict(row) if row else None


def chat_id_named(conn: db.Connection, name: str) -> int | None:
    """The id of the chat with exactly this name, else the one with it in another case."""
    row = conn.execute("SELECT id FROM chats WHERE name = ?", (name,)).fetchone() or conn.execute(
        "SELECT id FROM chats WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1", (name,)
    ).fetchone()
    return int(row["id"]) if row else None


def record_zone(conn: db.Connection, chat_id: int, tz: str, source: str, note: str) -> None:
    """Give the chat this zone, saying where it came from (one of ZONE_SOURCES) and why."""
    conn.execute("UPDATE chats SET tz = ?, tz_source = ?, tz_note = ? WHERE id = ?",
                 (tz, source, note, chat_id))


def authors(conn: db.Connection, chat_id: int) -> list[str]:
    """The chat's distinct authors as written in the export (names or phone numbers)."""
    return [row[0] for row in conn.execute(
        "SELECT DISTINCT author FROM messages WHERE chat_id = ? AND author IS NOT NULL "
        "ORDER BY author", (chat_id,))]


def span(conn: db.Connection, chat_id: int) -> tuple[str | None, str | None]:
    """The local time of the chat's first and last message (None, None without messages)."""
    row = conn.execute("SELECT min(sent_at), max(sent_at) FROM messages WHERE chat_id = ?",
                       (chat_id,)).fetchone()
    return row[0], row[1]


def listing(conn: db.Connection) -> list[dict[str, Any]]:
    """Every chat by name with its message count, first and last message, zone and language."""
    return db.rows_as_dicts(conn.execute(
        "SELECT c.id, c.name, count(m.id) AS messages, min(m.sent_at) AS first, "
        "max(m.sent_at) AS last, c.tz, c.tz_source, c.tz_note, c.locale, c.lang "
        "FROM chats c LEFT JOIN messages m ON m.chat_id = c.id GROUP BY c.id ORDER BY c.name"
    ))
