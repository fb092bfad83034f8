"""What the primary store remembers about re-exports (`message_history`, `chat_exports`,
`chat_redates`, `chat_aliases`; migration 0006).

- Earlier versions of messages: the text before an edit a later export showed, or before a
  deletion. Edited versions are in their own FTS index, searched only when asked.
- The exports each chat was imported from, with the day/month order their dates were read in.
- Re-datings under way (a wrong order fixed in place, in batches, resumable).
- The names a chat had before it was merged into another.

Functions run inside the caller's transaction, if any.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.store import db

# ------------------------------------------------------------------------- earlier versions


def add_version(conn: db.Connection, message_id: int, text: str, kind: str, edited: bool,
                reason: str, source_file: str | None) -> int:
    """Keep an earlier version of a message; returns the history row's id."""
    cursor = conn.execute(
        "INSERT INTO message_history (message_id, text, kind, edited, reason, source_file, "
        "replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (message_id, text, kind, int(edited), reason, source_file, db.utc_now()))
    return int(cursor.lastrowid or 0)


def has_version(conn: db.Connection, message_id: int, text: str) -> bool:
    """Whether this text is already one of the message's earlier versions."""
    return conn.execute("SELECT 1 FROM message_history WHERE message_id = ? AND text = ? LIMIT 1",
                        (message_id, text)).fetchone() is not None


def delete_versions(conn: db.Connection, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), 10_000):
        chunk = "[" + ",".join(str(int(i)) for i in ids[start:start + 10_000]) + "]"
        conn.execute("DELETE FROM message_history WHERE id IN (SELECT value FROM json_each(?))",
                     (chunk,))


def versions(conn: db.Connection, message_id: int) -> list[dict[str, Any]]:
    """The message's earlier versions, oldest first."""
    return db.rows_as_dicts(conn.execute(
        "SELECT id, text, kind, edited, reason, source_file, replaced_at FROM message_history "
        "WHERE message_id = ? ORDER BY id", (message_id,)))


def replaced_messages(conn: db.Connection) -> list[tuple[int, str]]:
    """(message id, when its newest earlier version was replaced) for every message with
    history: a vector made before that moment is of a text the message no longer has."""
    return [(int(r[0]), str(r[1])) for r in conn.execute(
        "SELECT message_id, max(replaced_at) FROM message_history GROUP BY message_id")]


# ------------------------------------------------------------------------- exports


def record_export(conn: db.Connection, chat_id: int, source_file: str, date_order: str,
                  decisive: bool, messages: int, first: str | None, last: str | None) -> None:
    """Remember that `source_file` was imported into the chat, and how its dates were read."""
    conn.execute(
        "INSERT INTO chat_exports (chat_id, source_file, date_order, order_decisive, messages, "
        "first, last, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(chat_id, source_file) DO UPDATE SET date_order = excluded.date_order, "
        "order_decisive = excluded.order_decisive, messages = excluded.messages, "
        "first = excluded.first, last = excluded.last, imported_at = excluded.imported_at",
        (chat_id, source_file, date_order, int(decisive), messages, first, last, db.utc_now()))


def exports_of(conn: db.Connection, chat_id: int) -> list[dict[str, Any]]:
    """The chat's exports with their date order and whether their own dates decided it."""
    return db.rows_as_dicts(conn.execute(
        "SELECT source_file, date_order, order_decisive, messages, first, last, imported_at "
        "FROM chat_exports WHERE chat_id = ? ORDER BY imported_at, source_file", (chat_id,)))


def only_export(conn: db.Connection, chat_id: int, source_file: str) -> bool:
    """Whether the chat holds nothing but what came from `source_file`."""
    return [r[0] for r in conn.execute(
        "SELECT source_file FROM chat_exports WHERE chat_id = ? LIMIT 2", (chat_id,))] == [
        source_file]


def set_export_order(conn: db.Connection, chat_id: int, source_file: str, date_order: str) -> None:
    conn.execute("UPDATE chat_exports SET date_order = ? WHERE chat_id = ? AND source_file = ?",
                  (date_order, chat_id, source_file))


def export_dates(conn: db.Connection, chat_id: int, source_file: str) -> list[str]:
    """The distinct dates (YYYY-MM-DD) of the rows that came from one export of the chat."""
    return [str(r[0]) for r in conn.execute(
        "SELECT DISTINCT substr(sent_at, 1, 10) FROM messages WHERE chat_id = ? "
        "AND source_file = ?", (chat_id, source_file))]


# ------------------------------------------------------------------------- re-datings


def start_redate(conn: db.Connection, chat_id: int, source_file: str, from_order: str,
                 to_order: str) -> None:
    conn.execute(
        "INSERT INTO chat_redates (chat_id, source_file, from_order, to_order, after_id, "
        "started_at) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT(chat_id, source_file) DO NOTHING",
        (chat_id, source_file, from_order, to_order, db.utc_now()))


def redates(conn: db.Connection, chat_id: int | None = None) -> list[dict[str, Any]]:
    """Re-datings under way (of one chat, or all)."""
    sql = ("SELECT chat_id, source_file, from_order, to_order, after_id FROM chat_redates"
           + (" WHERE chat_id = ?" if chat_id is not None else "") + " ORDER BY started_at")
    return db.rows_as_dicts(conn.execute(sql, () if chat_id is None else (chat_id,)))


def redate_rows(conn: db.Connection, chat_id: int, source_file: str, after_id: int,
                limit: int) -> list[db.Row]:
    """The next `limit` rows of one export of the chat past `after_id`, in id order."""
    rows: list[db.Row] = conn.execute(
        "SELECT id, sent_at FROM messages WHERE chat_id = ? AND source_file = ? AND id > ? "
        "ORDER BY id LIMIT ?", (chat_id, source_file, after_id, limit)).fetchall()
    return rows


def redate_messages(conn: db.Connection, changes: Sequence[tuple[str, str, int]]) -> None:
    """(sent_at, sent_at_utc, id): rows read again in the right date order."""
    conn.executemany("UPDATE messages SET sent_at = ?, sent_at_utc = ? WHERE id = ?", changes)


def advance_redate(conn: db.Connection, chat_id: int, source_file: str, after_id: int) -> None:
    conn.execute("UPDATE chat_redates SET after_id = ? WHERE chat_id = ? AND source_file = ?",
                 (after_id, chat_id, source_file))


def finish_redate(conn: db.Connection, chat_id: int, source_file: str) -> None:
    conn.execute("DELETE FROM chat_redates WHERE chat_id = ? AND source_file = ?",
                 (chat_id, source_file))


# ------------------------------------------------------------------------- aliases


def add_alias(conn: db.Connection, name: str, chat_id: int, reason: str) -> None:
    """`name` now means the chat `chat_id` (names that meant the merged chat follow it)."""
    conn.execute("UPDATE chat_aliases SET chat_id = ? WHERE chat_id IN "
                 "(SELECT id FROM chats WHERE name = ?)", (chat_id, name))
    conn.execute(
        "INSERT INTO chat_aliases (name, chat_id, reason, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET chat_id = excluded.chat_id, reason = excluded.reason",
        (name, chat_id, reason, db.utc_now()))


def aliases_of(conn: db.Connection, chat_id: int) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        "SELECT name FROM chat_aliases WHERE chat_id = ? ORDER BY created_at, name", (chat_id,))]
