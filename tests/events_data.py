"""Chats and messages written straight into a real SQLite store, and found events to record,
for the proposals / events / agent tests (the stage test uses the real ingest and resolver)."""

from __future__ import annotations

from toolkit.eventtypes import FoundEvent
from toolkit.store import db


def add_chat(conn: db.Connection, name: str, *, tz: str = "Europe/London", lang: str | None = "en",
             locale: str | None = "en-GB") -> int:
    with db.transaction(conn):
        cursor = conn.execute(
            "INSERT INTO chats(name, tz, locale, lang, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, tz, locale, lang, db.utc_now()),
        )
    return int(cursor.lastrowid)


def add_message(conn: db.Connection, chat_id: int, text: str, *,
                sent_at: str = "2025-05-12T18:00:00", sent_at_utc: str | None = None,
                author: str = "Sam", kind: str = "text") -> int:
    with db.transaction(conn):
        line = conn.execute("SELECT count(*) FROM messages").fetchone()[0] + 1
        cursor = conn.execute(
            "INSERT INTO messages(chat_id, sent_at, sent_at_utc, author, text, kind, source_file, "
            "source_line, content_key, ingested_at) VALUES (?, ?, ?, ?, ?, ?, 'chat.txt', ?, ?, ?)",
            (chat_id, sent_at, sent_at_utc, author, text, kind, line, f"test-{chat_id}-{line}",
             db.utc_now()),
        )
    return int(cursor.lastrowid)


def found(title: str = "Bake sale", start: str = "2025-05-17T10:00:00+01:00",
          end: str | None = "2025-05-17T13:00:00+01:00", *, all_day: bool = False,
          location: str | None = "school gym", confidence: float = 0.9,
          cancelled: bool = False, tz: str | None = None) -> FoundEvent:
    return FoundEvent(title=title, start=start, end=end, all_day=all_day, location=location,
                      confidence=confidence, tz=tz, cancelled=cancelled)


def record(conn: db.Connection, event: FoundEvent, message_id: int, *,
           tz: str = "Europe/London", extraction_id: int | None = None):
    """Record one found event as the extract stage does: in its own transaction."""
    from toolkit.review import proposals

    with db.transaction(conn):
        return proposals.record_event(conn, event, message_id=message_id, extraction_id=extraction_id,
                                      extractor="text", extractor_version="test", tz=tz)
