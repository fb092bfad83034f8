"""Chat rows for tests that read the stores (explore, the 06/07 notebooks): small enough to
check every figure by hand."""

from __future__ import annotations

from toolkit.store import db

# (chat, local time, author, kind, text); 2024-05-06 is a Monday.
MESSAGES = [
    ("Team", "2024-05-06T09:00:00", "Ana", "text", "Training tomorrow at the stadium"),
    ("Team", "2024-05-06T09:10:00", "Ben", "text", "Great, stadium at 10? I'm in"),
    ("Team", "2024-05-06T09:40:00", "Ana", "text", "Yes stadium 10am, bring water"),
    ("Team", "2024-05-06T21:00:00", "Ben", "media", "<Media omitted>"),
    ("Team", "2024-05-07T10:00:00", None, "system", "Ana added Cleo"),
    ("Team", "2024-05-14T18:30:00", "Cleo", "text", "Thanks for adding me! Training again?"),
    ("Familia", "2024-05-11T12:00:00", "Mamá", "text", "La cena es el sábado en casa de la abuela"),
    ("Familia", "2024-05-11T12:05:00", "Luis", "text", "Perfecto, la cena con la abuela"),
    ("Familia", "2024-05-11T20:05:00", "Mamá", "media", "IMG-0001.jpg (file attached)"),
]


def fill(conn: db.Connection) -> dict[str, int]:
    """Chats, messages, one accepted event and two proposals; returns message ids by text."""
    now = db.utc_now()
    ids: dict[str, int] = {}
    with db.transaction(conn):
        for name, lang in (("Team", "en"), ("Familia", "es")):
            conn.execute("INSERT INTO chats(name, tz, lang, created_at) VALUES (?, 'UTC', ?, ?)",
                         (name, lang, now))
        chat_ids = {r["name"]: r["id"] for r in conn.execute("SELECT id, name FROM chats")}
        for line, (chat, sent, author, kind, text) in enumerate(MESSAGES, 1):
            cur = conn.execute(
                "INSERT INTO messages(chat_id, sent_at, sent_at_utc, author, text, kind, "
                "source_file, source_line, content_key, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'chat.txt', ?, ?, ?)",
                (chat_ids[chat], sent, sent + "+00:00", author, text, kind, line,
                 f"k{line}", now),
            )
            ids[text] = int(cur.lastrowid)
        conn.execute(
            "INSERT INTO proposals(title, start, all_day, status, source_message_id, dedupe_key, "
            "created_at, updated_at) VALUES ('Training', '2024-05-07T10:00:00+00:00', 0, "
            "'accepted', ?, 'd1', ?, ?)", (ids[MESSAGES[0][4]], now, now))
        conn.execute(
            "INSERT INTO proposals(title, start, all_day, status, source_message_id, dedupe_key, "
            "created_at, updated_at) VALUES ('Cena', '2024-05-18', 1, 'pending', ?, 'd2', ?, ?)",
            (ids[MESSAGES[6][4]], now, now))
        conn.execute(
            "INSERT INTO proposals(title, start, all_day, status, source_message_id, dedupe_key, "
            "created_at, updated_at) VALUES ('Nope', '2024-05-20', 1, 'rejected', ?, 'd3', ?, ?)",
            (ids[MESSAGES[6][4]], now, now))
        conn.execute(
            "INSERT INTO events(uid, proposal_id, chat_id, title, start, all_day, location, "
            "created_at, updated_at) VALUES ('u1', 1, ?, 'Training', '2024-05-07T10:00:00+00:00', "
            "0, 'Stadium', ?, ?)", (chat_ids["Team"], now, now))
    return ids
