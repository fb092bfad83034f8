"""Proposals and the events accepted from them, in the primary store.

Owns `proposals`, `proposal_sources`, `proposal_keys`, the append-only `proposal_audit` and
`events`. Every function runs inside the caller's transaction (`toolkit.review` decides where
one begins and ends, and what a decision means) and returns rows as dicts, ids or counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from toolkit.store import db

# ------------------------------------------------------------------------- proposals


def proposal_row(conn: db.Connection, proposal_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
    return dict(row) if row else None


def proposal_exists(conn: db.Connection, proposal_id: int) -> bool:
    return conn.execute("SELECT 1 FROM proposals WHERE id = ?", (proposal_id,)).fetchone() is not None


def proposal_by_key(conn: db.Connection, key: str) -> dict[str, Any] | None:
    """The proposal a dedupe key leads to, through `proposal_keys` or its own key."""
    row = conn.execute(
        "SELECT p.* FROM proposal_keys k JOIN proposals p ON p.id = k.proposal_id WHERE k.key = ?",
        (key,),
    ).fetchone() or conn.execute(  # rows written by other tools may lack their key row
        "SELECT * FROM proposals WHERE dedupe_key = ?", (key,)
    ).fetchone()
    return dict(row) if row else None


def keyed_with_prefix(conn: db.Connection, prefix: str) -> Iterator[dict[str, Any]]:
    """Proposals with a key starting with `prefix` (a start and its '|'), each with that key
    as `matched_key`, oldest first, read as the caller goes."""
    # '}' sorts right after '|': this range is every key with the same start, via the index.
    rows = conn.execute(
        "SELECT p.*, k.key AS matched_key FROM proposal_keys k JOIN proposals p ON p.id = k.proposal_id "
        "WHERE k.key >= ? AND k.key < ? ORDER BY p.id",
        (prefix, prefix[:-1] + "}"),
    )
    return (dict(row) for row in rows)


def starting_between(conn: db.Connection, first: str, after: str) -> list[dict[str, Any]]:
    """Proposals whose start (as written) is in [first, after), oldest first."""
    return db.rows_as_dicts(conn.execute(
        "SELECT * FROM proposals WHERE start >= ? AND start < ? ORDER BY id",
        (first, after),
    ))


def insert_proposal(conn: db.Connection, values: dict[str, Any], *, key: str, confidence: float,
                    message_id: int | None, extraction_id: int | None, extractor: str,
                    extractor_version: str | None, tz_follows_chat: bool = True) -> int:
    """A new pending proposal; returns its id."""
    now = db.utc_now()
    cursor = conn.execute(
        "INSERT INTO proposals(title, start, end, all_day, tz, location, kind, confidence, status, "
        "source_message_id, extraction_id, extractor, extractor_version, dedupe_key, "
        "tz_follows_chat, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)",
        (values["title"], values["start"], values["end"], int(values["all_day"]), values["tz"],
         values["location"], values.get("kind", "event"), confidence, message_id, extraction_id,
         extractor, extractor_version, key, int(tz_follows_chat), now, now),
    )
    return int(cursor.lastrowid or 0)


def update_values(conn: db.Connection, proposal_id: int, values: dict[str, Any],
                  flagged: str | None = None) -> None:
    """Give the proposal new event values (a later message moved it, or its chat's zone
    changed), keeping its status and reviewer; version + 1. `flagged` replaces the note when given."""
    conn.execute(
        "UPDATE proposals SET title = ?, start = ?, end = ?, all_day = ?, tz = ?, location = ?, "
        "kind = ?, flagged = coalesce(?, flagged), version = version + 1, updated_at = ? "
        "WHERE id = ?",
        (values["title"], values["start"], values["end"], int(values["all_day"]), values["tz"],
         values["location"], values.get("kind", "event"), flagged, db.utc_now(), proposal_id),
    )


def set_tz_follows_chat(conn: db.Connection, proposal_id: int, follows: bool) -> None:
    conn.execute("UPDATE proposals SET tz_follows_chat = ? WHERE id = ?", (int(follows), proposal_id))


def following_chat_zone(conn: db.Connection, chat_id: int, tz: str) -> list[dict[str, Any]]:
    """Proposals first found in the chat that follow its zone but are not in `tz`, by id."""
    return db.rows_as_dicts(conn.execute(
        "SELECT p.* FROM proposals p JOIN messages m ON m.id = p.source_message_id "
        "WHERE m.chat_id = ? AND p.tz_follows_chat = 1 AND p.tz IS NOT ? ORDER BY p.id",
        (chat_id, tz),
    ))


def chats_out_of_zone(conn: db.Connection) -> list[dict[str, Any]]:
    """Chats with proposals that follow the chat's zone but are in another: (id, tz)."""
    return db.rows_as_dicts(conn.execute(
        "SELECT DISTINCT c.id, c.tz FROM proposals p JOIN messages m ON m.id = p.source_message_id "
        "JOIN chats c ON c.id = m.chat_id WHERE p.tz_follows_chat = 1 AND c.tz IS NOT NULL "
        "AND p.tz IS NOT c.tz ORDER BY c.id"
    ))


# Messages of one chat in the order they were sent: local time (one zone), then id.
MENTION_ORDER = "m.sent_at || '#' || printf('%012d', m.id)"


def mention_key(sent_at: str, message_id: int) -> str:
    """A message's place in its chat, comparable with MENTION_ORDER values."""
    return f"{sent_at}#{message_id:012d}"


def in_chat_between(conn: db.Connection, chat_id: int, first: str, after: str) -> list[dict[str, Any]]:
    """Proposals with a source in the chat whose start (as written) is in [first, after), oldest
    first, with `first_mention` and `last_mention`: the earliest and latest of their sources in
    that chat as MENTION_ORDER keys (local send time, then message id)."""
    return db.rows_as_dicts(conn.execute(
        f"SELECT p.*, max({MENTION_ORDER}) AS last_mention, min({MENTION_ORDER}) AS first_mention "
        "FROM proposals p JOIN proposal_sources s ON s.proposal_id = p.id "
        "JOIN messages m ON m.id = s.message_id "
        "WHERE m.chat_id = ? AND p.start >= ? AND p.start < ? GROUP BY p.id ORDER BY p.id",
        (chat_id, first, after),
    ))


def set_confidence(conn: db.Connection, proposal_id: int, confidence: float) -> None:
    conn.execute("UPDATE proposals SET confidence = ? WHERE id = ?", (confidence, proposal_id))


def add_key(conn: db.Connection, key: str, proposal_id: int) -> None:
    """Let `key` lead to the proposal too; a key already taken keeps its proposal."""
    conn.execute(
        "INSERT INTO proposal_keys(key, proposal_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT(key) DO NOTHING",
        (key, proposal_id, db.utc_now()),
    )


def add_source(conn: db.Connection, proposal_id: int, message_id: int | None,
               extraction_id: int | None, role: str = "mention") -> bool:
    """Link a message (and/or image extraction) to a proposal as a `role` source (mention,
    update or cancel); False when already linked.

    Checked by hand because UNIQUE lets NULL extraction ids repeat.
    """
    exists = conn.execute(
        "SELECT 1 FROM proposal_sources WHERE proposal_id = ? AND message_id IS ? "
        "AND extraction_id IS ?",
        (proposal_id, message_id, extraction_id),
    ).fetchone()
    if exists:
        return False
    conn.execute(
        "INSERT INTO proposal_sources(proposal_id, message_id, extraction_id, role, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (proposal_id, message_id, extraction_id, role, db.utc_now()),
    )
    return True


def source_chat_ids(conn: db.Connection, proposal_id: int) -> list[int]:
    """The chats of the messages a proposal was found in, by id."""
    rows = conn.execute(
        "SELECT DISTINCT m.chat_id FROM proposal_sources s JOIN messages m ON m.id = s.message_id "
        "WHERE s.proposal_id = ? ORDER BY m.chat_id",
        (proposal_id,),
    ).fetchall()
    return [int(row["chat_id"]) for row in rows]


def sources_of(conn: db.Connection, proposal_id: int) -> list[dict[str, Any]]:
    """The messages (and image extractions) a proposal was found in, oldest first."""
    return db.rows_as_dicts(conn.execute(
        "SELECT s.message_id, c.name AS chat, m.chat_id, m.author, m.sent_at, m.text, m.kind, "
        "m.media, m.attachment_sha256, s.extraction_id, s.role, s.created_at AS linked_at "
        "FROM proposal_sources s LEFT JOIN messages m ON m.id = s.message_id "
        "LEFT JOIN chats c ON c.id = m.chat_id WHERE s.proposal_id = ? "
        "ORDER BY m.sent_at, s.message_id",
        (proposal_id,),
    ))


def cancel_proposal(conn: db.Connection, proposal_id: int, note: str) -> None:
    conn.execute(
        "UPDATE proposals SET status = 'cancelled', flagged = ?, version = version + 1, "
        "updated_at = ? WHERE id = ?",
        (note, db.utc_now(), proposal_id),
    )


def flag_proposal(conn: db.Connection, proposal_id: int, note: str) -> None:
    conn.execute(
        "UPDATE proposals SET flagged = ?, version = version + 1, updated_at = ? WHERE id = ?",
        (note, db.utc_now(), proposal_id),
    )


def write_decision(conn: db.Connection, proposal_id: int, *, reviewer: str, status: str,
                   values: dict[str, Any], reject_reason: str | None = None) -> None:
    """Write a decision's proposal row: new status and values, reviewer, version + 1."""
    conn.execute(
        "UPDATE proposals SET status = ?, title = ?, start = ?, end = ?, all_day = ?, tz = ?, "
        "location = ?, kind = ?, reject_reason = ?, reviewed_by = ?, reviewed_at = ?, "
        "version = version + 1, updated_at = ? WHERE id = ?",
        (status, values["title"], values["start"], values["end"], int(values["all_day"]),
         values["tz"], values["location"], values.get("kind", "event"), reject_reason, reviewer,
         db.utc_now(), db.utc_now(), proposal_id),
    )


def restore_columns(conn: db.Connection, proposal_id: int, earlier: dict[str, Any]) -> None:
    """Set the proposal's columns named in `earlier` back to those values; version + 1."""
    assignments = ", ".join(f"{name} = ?" for name in earlier)
    conn.execute(
        f"UPDATE proposals SET {assignments}, version = version + 1, updated_at = ? WHERE id = ?",
        (*earlier.values(), db.utc_now(), proposal_id),
    )


# ------------------------------------------------------------------------- reading for review


LIST_SQL = """
SELECT p.*, c.name AS chat, m.chat_id AS chat_id, c.tz AS chat_tz, c.tz_source AS chat_tz_source,
       c.tz_note AS chat_tz_note, e.id AS event_id, e.uid AS event_uid, e.status AS event_status,
       e.sequence AS event_sequence,
       (SELECT count(*) FROM proposal_sources s WHERE s.proposal_id = p.id) AS n_sources
FROM proposals p
LEFT JOIN messages m ON m.id = p.source_message_id
LEFT JOIN chats c ON c.id = m.chat_id
LEFT JOIN events e ON e.proposal_id = p.id
"""
ORDERS = {"date": "p.start, p.id", "confidence": "p.confidence DESC, p.start, p.id"}


def listed(conn: db.Connection, *, statuses: Sequence[str] | None, chat: str | int | None,
           min_confidence: float | None, since: str | None, until: str | None,
           order: str) -> list[db.Row]:
    """Proposals with their chat, event and number of sources, filtered, in an ORDERS order.

    `chat` (a name or id) matches proposals with any source in that chat; `since` (inclusive)
    and `until` (exclusive) bound the start as written.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if statuses:
        clauses.append(f"p.status IN ({', '.join('?' for _ in statuses)})")
        params += statuses
    if chat is not None:
        column = "sc.id" if isinstance(chat, int) else "sc.name"
        clauses.append(
            "EXISTS (SELECT 1 FROM proposal_sources s JOIN messages sm ON sm.id = s.message_id "
            f"JOIN chats sc ON sc.id = sm.chat_id WHERE s.proposal_id = p.id AND {column} = ?)"
        )
        params.append(chat)
    if min_confidence is not None:
        clauses.append("p.confidence >= ?")
        params.append(min_confidence)
    if since is not None:
        clauses.append("p.start >= ?")
        params.append(since)
    if until is not None:
        clauses.append("p.start < ?")
        params.append(until)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return conn.execute(f"{LIST_SQL}{where} ORDER BY {ORDERS[order]}", params).fetchall()


def listed_row(conn: db.Connection, proposal_id: int) -> db.Row | None:
    """One proposal as `listed` gives it."""
    row: db.Row | None = conn.execute(f"{LIST_SQL} WHERE p.id = ?", (proposal_id,)).fetchone()
    return row


def status_counts(conn: db.Connection) -> dict[str, int]:
    """Proposals per status present in the store."""
    return {row["status"]: int(row["n"]) for row in conn.execute(
        "SELECT status, count(*) AS n FROM proposals GROUP BY status")}


def status_counts_by_chat(conn: db.Connection) -> list[dict[str, Any]]:
    """(chat, status, n) per chat and status, by chat name; a proposal counts in each of its chats."""
    return db.rows_as_dicts(conn.execute(
        "SELECT c.name AS chat, p.status, count(DISTINCT p.id) AS n FROM proposals p "
        "JOIN proposal_sources s ON s.proposal_id = p.id JOIN messages m ON m.id = s.message_id "
        "JOIN chats c ON c.id = m.chat_id GROUP BY c.name, p.status ORDER BY c.name"
    ))


# ------------------------------------------------------------------------- audit trail


def audit_rows(conn: db.Connection, proposal_id: int) -> list[dict[str, Any]]:
    """The proposal's audit rows, oldest first (before/after as stored JSON text)."""
    return db.rows_as_dicts(conn.execute(
        "SELECT * FROM proposal_audit WHERE proposal_id = ? ORDER BY id", (proposal_id,)
    ))


def insert_audit(conn: db.Connection, proposal_id: int, action: str, before: str, after: str,
                 reviewer: str) -> None:
    conn.execute(
        "INSERT INTO proposal_audit(proposal_id, action, before, after, reviewer, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (proposal_id, action, before, after, reviewer, db.utc_now()),
    )


def last_audit(conn: db.Connection, proposal_id: int) -> db.Row | None:
    """Who did what, and when, in the proposal's newest audit row."""
    row: db.Row | None = conn.execute(
        "SELECT reviewer, action, at FROM proposal_audit WHERE proposal_id = ? "
        "ORDER BY id DESC LIMIT 1", (proposal_id,)
    ).fetchone()
    return row


def last_not_undone(conn: db.Connection, proposal_id: int,
                    actions: Sequence[str]) -> dict[str, Any] | None:
    """The newest audit row with one of `actions` that no 'undo' row names as undone."""
    row = conn.execute(
        f"SELECT * FROM proposal_audit WHERE proposal_id = ? AND action IN "
        f"({', '.join('?' for _ in actions)}) AND id NOT IN ("
        "  SELECT json_extract(after, '$.undoes') FROM proposal_audit "
        "  WHERE proposal_id = ? AND action = 'undo' AND json_extract(after, '$.undoes') IS NOT NULL"
        ") ORDER BY id DESC LIMIT 1",  # (a NULL inside NOT IN would hide every row)
        (proposal_id, *actions, proposal_id),
    ).fetchone()
    return dict(row) if row else None


def change_recorded(conn: db.Connection, proposal_id: int, message_id: int,
                    actions: Sequence[str] = ("cancel", "flag")) -> bool:
    """Whether an audit row with one of `actions` names this message as its cause."""
    row = conn.execute(
        f"SELECT 1 FROM proposal_audit WHERE proposal_id = ? AND action IN "
        f"({', '.join('?' for _ in actions)}) "
        "AND json_extract(after, '$.cause_message_id') = ? LIMIT 1",
        (proposal_id, *actions, message_id),
    ).fetchone()
    return row is not None


# ------------------------------------------------------------------------- events


def event_row(conn: db.Connection, event_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
    return dict(row) if row else None


def event_of_proposal(conn: db.Connection, proposal_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM events WHERE proposal_id = ?", (proposal_id,)).fetchone()
    return dict(row) if row else None


def event_rows(conn: db.Connection, status: str | None = None) -> list[dict[str, Any]]:
    """Events in start order, with the name of their chat; only `status` ones when given."""
    sql = ("SELECT e.*, c.name AS chat FROM events e LEFT JOIN chats c ON c.id = e.chat_id"
           + (" WHERE e.status = ?" if status else "") + " ORDER BY e.start, e.id")
    return db.rows_as_dicts(conn.execute(sql, (status,) if status else ()))


def confirmed_between(conn: db.Connection, first: str, after: str) -> list[dict[str, Any]]:
    """Confirmed events starting (as written) in [first, after), in start order."""
    return db.rows_as_dicts(conn.execute(
        "SELECT * FROM events WHERE status = 'confirmed' AND start >= ? AND start < ? "
        "ORDER BY start, id",
        (first, after),
    ))


def insert_event(conn: db.Connection, *, uid: str, proposal_id: int, chat_id: int | None,
                 fields: Sequence[Any], now: str) -> int:
    """A new confirmed event (SEQUENCE 0) with `fields` in events.EVENT_FIELDS order."""
    cursor = conn.execute(
        "INSERT INTO events(uid, proposal_id, chat_id, title, start, end, all_day, tz, "
        "location, kind, sequence, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'confirmed', ?, ?)",
        (uid, proposal_id, chat_id, *fields, now, now),
    )
    return int(cursor.lastrowid or 0)


def reinsert_event(conn: db.Connection, proposal_id: int, earlier: dict[str, Any]) -> None:
    """Recreate a deleted event from its snapshot, under its UID, SEQUENCE one past it."""
    conn.execute(
        "INSERT INTO events(uid, proposal_id, chat_id, title, start, end, all_day, tz, location, "
        "kind, sequence, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (earlier["uid"], proposal_id, earlier["chat_id"], earlier["title"], earlier["start"],
         earlier["end"], earlier["all_day"], earlier["tz"], earlier["location"],
         earlier.get("kind", "event"), earlier["sequence"] + 1, earlier["status"],
         earlier["created_at"], db.utc_now()),
    )


def confirm_event(conn: db.Connection, event_id: int, fields: Sequence[Any], now: str) -> None:
    """Give the event `fields` (events.EVENT_FIELDS order), confirmed, SEQUENCE + 1."""
    conn.execute(
        "UPDATE events SET title = ?, start = ?, end = ?, all_day = ?, tz = ?, location = ?, "
        "kind = ?, status = 'confirmed', sequence = sequence + 1, updated_at = ? WHERE id = ?",
        (*fields, now, event_id),
    )


def set_event_state(conn: db.Connection, event_id: int, state: Sequence[Any]) -> None:
    """Give the event `state` (events.EVENT_FIELDS, then status), SEQUENCE + 1."""
    conn.execute(
        "UPDATE events SET title = ?, start = ?, end = ?, all_day = ?, tz = ?, location = ?, "
        "kind = ?, status = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?",
        (*state, db.utc_now(), event_id),
    )


def cancel_event(conn: db.Connection, event_id: int) -> bool:
    """Mark an event cancelled (SEQUENCE + 1); False when it already was."""
    cursor = conn.execute(
        "UPDATE events SET status = 'cancelled', sequence = sequence + 1, updated_at = ? "
        "WHERE id = ? AND status != 'cancelled'",
        (db.utc_now(), event_id),
    )
    return cursor.rowcount > 0


def delete_event(conn: db.Connection, event_id: int) -> None:
    conn.execute("DELETE FROM events WHERE id = ?", (event_id,))


def mark_exported(conn: db.Connection, event_ids: Sequence[int]) -> None:
    conn.execute(
        "UPDATE events SET exported_at = ? WHERE id IN (SELECT value FROM json_each(?))",
        (db.utc_now(), json.dumps(list(event_ids))),
    )
