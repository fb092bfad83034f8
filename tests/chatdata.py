"""Messages written straight into the core schema, for the embed/vector/search tests.

They do not go through ingestion on purpose: these tests are about what happens after it, and
they need exact control over kinds, authors, times and duplicates.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from toolkit.config import Settings
from toolkit.store import db, messages

_keys = itertools.count(1)

# (author, text, kind) lines of a school-parents group; duplicates and placeholders on purpose.
SCHOOL = [
    ("Sarah", "Welcome back everyone! Hope you had a lovely summer", "text"),
    ("Mrs Hughes", "Parents' evening is on Thursday 19 September from 4pm in the school hall", "text"),
    ("Tom", "Is there parking at the school or should we walk?", "text"),
    ("Mrs Hughes", "Please use the church car park on Mill Lane", "text"),
    ("Priya", "Has anyone seen a navy blue jacket with a fox badge?", "text"),
    ("Sarah", "I'll check the lost property box tomorrow morning", "text"),
    (None, "Sarah added Tom", "system"),
    ("Tom", "<Media omitted>", "media"),
    ("Priya", "IMG-20240906-WA0003.jpg (file attached)\nthe flyer for the bake sale", "media"),
    ("James", "This message was deleted", "deleted"),
    ("James", "Thanks!", "text"),
    ("Priya", "Thanks!", "text"),
    ("Tom", "👍", "text"),
    ("Mrs Hughes", "Reminder: homework is the spelling list, due Friday", "text"),
    ("James", "Is the maths homework the 7 times table or the 8?", "text"),
    ("Sarah", "Dentist appointment moved to Tuesday at 3pm, so Mia will miss swimming", "text"),
    ("Tom", "Swimming lessons restart next week at the leisure centre", "text"),
    ("Priya", "POLL: Which day for the class picnic? OPTION: Saturday OPTION: Sunday", "poll"),
    ("Sarah", "location: https://maps.google.com/?q=51.5,-0.12", "location"),
    ("James", "...", "text"),
    ("Tom", "The school trip to the science museum costs £12, pay by Friday", "text"),
    ("Mrs Hughes", "Year 4 class photos are on Wednesday, please wear full uniform", "text"),
    ("Priya", "Can someone give Aarav a lift to football practice on Saturday?", "text"),
    ("Sarah", "Happy birthday Mia!! 🎂🎉", "text"),
    ("Tom", "Thanks!", "text"),
]

FAMILY = [
    ("Mamá", "Recordad: cumpleaños de la abuela el sábado, comida a las 14:00 en El Olivo", "text"),
    ("Papá", "Llego tarde a cenar, empezad sin mí", "text"),
    ("Lucía", "Leche y pan porfa", "text"),
    ("Abuela", "La receta de la tortilla de patatas: 6 huevos, 4 patatas, 1 cebolla", "text"),
    ("Papá", "Vale", "text"),
    ("Mamá", "Thanks!", "text"),
    ("Lucía", "El dentista me ha cambiado la cita al martes", "text"),
]


def add_chat(conn: db.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM chats WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute("INSERT INTO chats(name, tz, created_at) VALUES (?, 'UTC', ?)", (name, db.utc_now()))
    return int(cur.lastrowid or 0)


def add_messages(
    conn: db.Connection,
    chat: str,
    lines: Sequence[tuple[str | None, str, str]],
    *,
    start: datetime = datetime(2024, 9, 2, 8, 0),
    step: timedelta = timedelta(hours=7),
) -> list[int]:
    """Insert `lines` (author, text, kind) into `chat`, `step` apart from `start`; their ids."""
    chat_id = add_chat(conn, chat)
    ids = []
    with db.transaction(conn):
        for n, (author, text, kind) in enumerate(lines):
            key = next(_keys)
            cur = conn.execute(
                "INSERT INTO messages(chat_id, sent_at, author, author_key, text, kind, source_file, "
                "source_line, content_key, ingested_at) VALUES (?, ?, ?, ?, ?, ?, 'test.txt', ?, ?, ?)",
                (chat_id, (start + n * step).isoformat(timespec="seconds"), author,
                 messages.author_key(author), text, kind, n + 1, f"test-{key}", db.utc_now()),
            )
            ids.append(int(cur.lastrowid or 0))
    return ids


def message_id(conn: db.Connection, text: str) -> int:
    row = conn.execute("SELECT id FROM messages WHERE text = ? ORDER BY id LIMIT 1", (text,)).fetchone()
    assert row is not None, text
    return int(row[0])


def embedded_school_and_family(data: Path) -> tuple[Settings, db.Connection]:
    """A store under `data` holding the two small chats above, embedded with the default model
    (the caller closes the connection)."""
    from toolkit.config import load_settings
    from toolkit.search.embed import embed_new
    from toolkit.store.connect import open_db

    settings = load_settings({"DATA_DIR": str(data)}, cwd=data.parent)
    conn = open_db(settings)
    add_messages(conn, "School Parents", SCHOOL)
    add_messages(conn, "Familia García", FAMILY, start=datetime(2024, 9, 1, 10, 0))
    embed_new(settings)
    return settings, conn
