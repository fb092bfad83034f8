"""Merging one chat into another in the primary store (`chatbook chats merge`, and ingest when
two imports are certainly the same chat).

A row of the merged chat either moves to the chat it joins, or, when that chat already holds
the same message, goes away after everything that pointed at it (proposal sources, proposals,
earlier versions) points at the row that stays. Chat-level rows (events, agent messages, the
export records, aliases) follow the chat. Functions run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.store import db
from toolkit.store.messages import MATCH_COLUMNS


def chat_spans(conn: db.Connection) -> list[dict[str, Any]]:
    """Every chat with messages: id, name, zone, first and last local time (two index seeks
    per chat, whatever its size)."""
    rows = db.rows_as_dicts(conn.execute(
        "SELECT c.id, c.name, c.tz, "
        "(SELECT min(sent_at) FROM messages WHERE chat_id = c.id) AS first, "
        "(SELECT max(sent_at) FROM messages WHERE chat_id = c.id) AS last "
        "FROM chats c ORDER BY c.id"))
    return [row for row in rows if row["first"] is not None]


def sample_rows(conn: db.Connection, chat_id: int, first: str, last: str,
                limit: int) -> list[db.Row]:
    """Up to `limit` of the chat's text messages with an author sent from `first` to `last`
    (inclusive, to the second), spread evenly over them by id."""
    count = int(conn.execute(
        "SELECT count(*) FROM messages WHERE chat_id = ? AND sent_at >= ? AND sent_at <= ? "
        "AND kind = 'text' AND author IS NOT NULL", (chat_id, first, last)).fetchone()[0])
    step = max(1, count // max(limit, 1))
    rows: list[db.Row] = conn.execute(
        f"SELECT {MATCH_COLUMNS} FROM messages WHERE chat_id = ? AND sent_at >= ? "
        "AND sent_at <= ? AND kind = 'text' AND author IS NOT NULL AND id % ? = 0 "
        "ORDER BY id LIMIT ?", (chat_id, first, last, step, limit)).fetchall()
    return rows


def first_rows(conn: db.Connection, chat_id: int, limit: int) -> list[db.Row]:
    """The chat's earliest `limit` rows by time, plus the rest of the last one's minute (so a
    minute is never split), in time order."""
    rows: list[db.Row] = conn.execute(
        f"SELECT {MATCH_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY sent_at, id LIMIT ?",
        (chat_id, limit)).fetchall()
    if len(rows) < limit:
        return rows
    minute = str(rows[-1]["sent_at"])[:16]
    rows = [row for row in rows if str(row["sent_at"])[:16] < minute]
    rows += conn.execute(
        f"SELECT {MATCH_COLUMNS} FROM messages WHERE chat_id = ? AND sent_at >= ? "
        "AND sent_at < ? ORDER BY sent_at, id", (chat_id, minute, minute + ";")).fetchall()
    return rows


def fold_message(conn: db.Connection, duplicate: int, kept: int) -> None:
    """Everything that points at message `duplicate` points at `kept`; `duplicate` goes."""
    conn.execute("UPDATE OR IGNORE proposal_sources SET message_id = ? WHERE message_id = ?",
                 (kept, duplicate))
    conn.execute("UPDATE proposals SET source_message_id = ? WHERE source_message_id = ?",
                 (kept, duplicate))
    conn.execute("UPDATE message_history SET message_id = ? WHERE message_id = ?",
                 (kept, duplicate))
    conn.execute("DELETE FROM messages WHERE id = ?", (duplicate,))


def rename_authors(conn: db.Connection, changes: Sequence[tuple[str | None, str | None, int]]
                   ) -> None:
    """(author, author_key, id): rows written under the name the chat they join uses."""
    conn.executemany("UPDATE messages SET author = ?, author_key = ? WHERE id = ?", changes)


def move_messages(conn: db.Connection, ids: Sequence[int], chat_id: int) -> None:
    conn.executemany("UPDATE messages SET chat_id = ? WHERE id = ?",
                     [(chat_id, message_id) for message_id in ids])


def move_chat_rows(conn: db.Connection, merged: int, kept: int) -> None:
    """The merged chat's events, drafts, export records and aliases follow it into `kept`
    (a draft or record `kept` already has for the same thing stays as it is)."""
    conn.execute("UPDATE events SET chat_id = ? WHERE chat_id = ?", (kept, merged))
    conn.execute("UPDATE OR IGNORE agent_messages SET chat_id = ? WHERE chat_id = ?",
                 (kept, merged))
    conn.execute("DELETE FROM agent_messages WHERE chat_id = ?", (merged,))
    conn.execute("UPDATE OR IGNORE chat_exports SET chat_id = ? WHERE chat_id = ?",
                 (kept, merged))
    conn.execute("UPDATE chat_aliases SET chat_id = ? WHERE chat_id = ?", (kept, merged))
