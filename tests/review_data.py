"""A small review queue written straight into a real SQLite store, for the review UI tests.

The rows follow the core schema (0001) exactly as the extractor leaves them: a chat, its
messages, and pending proposals each linked to its source message in `proposal_sources`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toolkit.store import db

CHAT = "Riverside U11 parents"
OTHER_CHAT = "Year 4 class"

# (chat, author, time with offset, text); messages are numbered in this order from 1.
MESSAGES: list[tuple[str, str, str, str]] = [
    (CHAT, "Sam", "2026-11-30T18:01:00+00:00", "Hi all, fixtures for December are out"),
    (CHAT, "Priya", "2026-11-30T18:03:00+00:00", "Great, thanks Sam"),
    (CHAT, "Sam", "2026-11-30T18:05:00+00:00",
     "Saturday 5 Dec: match at Riverside Park, kick-off 10am, be there 9:30"),
    (CHAT, "Tom", "2026-11-30T18:07:00+00:00", "Will the kit be washed by then?"),
    (CHAT, "Sam", "2026-11-30T18:09:00+00:00", "Team photo on Sunday 6 Dec at 2pm in the clubhouse"),
    (CHAT, "Priya", "2026-11-30T18:12:00+00:00", "Can someone bring oranges?"),
    (CHAT, "Sam", "2026-11-30T18:15:00+00:00", "Christmas party 12 December, all day at the hall"),
    (OTHER_CHAT, "Ms Lee", "2026-11-29T08:00:00+00:00", "Nativity rehearsal Tuesday 8 Dec 3pm"),
]


@dataclass(frozen=True)
class Seeded:
    ids: list[int]            # proposal ids in date order
    message_ids: list[int]


PROPOSALS: list[dict[str, Any]] = [
    {"title": "U11 match at Riverside Park", "start": "2026-12-05T10:00:00+00:00",
     "end": "2026-12-05T11:30:00+00:00", "all_day": 0, "tz": "Europe/London",
     "location": "Riverside Park", "confidence": 0.93, "message": 3},
    {"title": "Team photo", "start": "2026-12-06T14:00:00+00:00", "end": None, "all_day": 0,
     "tz": "Europe/London", "location": "Clubhouse", "confidence": 0.71, "message": 5},
    {"title": "Nativity rehearsal", "start": "2026-12-08T15:00:00+00:00", "end": None,
     "all_day": 0, "tz": "Europe/London", "location": None, "confidence": 0.55, "message": 8},
    {"title": "Christmas party", "start": "2026-12-12", "end": None, "all_day": 1,
     "tz": "Europe/London", "location": "the hall", "confidence": 0.97, "message": 7},
]


def seed_review_queue(conn: db.Connection, proposals: list[dict[str, Any]] | None = None,
                      messages: list[tuple[str, str, str, str]] | None = None) -> Seeded:
    """Chats, messages and pending proposals (with sources), committed; ids in date order.

    `messages` replaces MESSAGES (the proposals' "message" numbers count in it from 1)."""
    now = db.utc_now()
    chat_ids: dict[str, int] = {}
    message_ids: list[int] = []
    with db.transaction(conn):
        for number, (chat, author, sent_at, text) in enumerate(messages or MESSAGES, start=1):
            if chat not in chat_ids:
                chat_ids[chat] = conn.execute(
                    "INSERT INTO chats(name, tz, created_at) VALUES (?, 'Europe/London', ?)",
                    (chat, now)).lastrowid
            message_ids.append(conn.execute(
                "INSERT INTO messages(chat_id, sent_at, sent_at_utc, author, text, kind, "
                "source_file, source_line, content_key, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, 'text', 'chat.txt', ?, ?, ?)",
                (chat_ids[chat], sent_at, sent_at, author, text, number,
                 f"review-test-{number}", now)).lastrowid)
        ids = []
        for spec in proposals or PROPOSALS:
            message_id = message_ids[spec["message"] - 1]
            pid = conn.execute(
                "INSERT INTO proposals(title, start, end, all_day, tz, location, confidence, "
                "status, source_message_id, extraction_id, extractor, extractor_version, "
                "dedupe_key, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, 'test', '1', ?, ?, ?)",
                (spec["title"], spec["start"], spec["end"], spec["all_day"], spec["tz"],
                 spec["location"], spec["confidence"], message_id, spec.get("extraction_id"),
                 f"test:{spec['title']}:{spec['start']}", now, now)).lastrowid
            conn.execute(
                "INSERT INTO proposal_sources(proposal_id, message_id, extraction_id, created_at) "
                "VALUES (?, ?, ?, ?)", (pid, message_id, spec.get("extraction_id"), now))
            ids.append(pid)
    return Seeded(ids=ids, message_ids=message_ids)


def proposal_row(conn: db.Connection, proposal_id: int) -> dict[str, Any]:
    return dict(conn.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone())


def audit_rows(conn: db.Connection, proposal_id: int) -> list[dict[str, Any]]:
    return db.rows_as_dicts(conn.execute(
        "SELECT * FROM proposal_audit WHERE proposal_id = ? ORDER BY id", (proposal_id,)))
