"""The chats and their messages in the primary store (`chats`, `messages`, `messages_fts`).

Every read and write of those tables: ingest's inserts and its bulk FTS indexing, the ETL
stages' keyset reads past their cursors, search's FTS5 and filter SQL, and the context around a
message. Functions run inside the caller's transaction, if any.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

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


# ------------------------------------------------------------------------- chats


def chat_named(conn: db.Connection, name: str) -> dict[str, Any] | None:
    """The chat's id, name, zone and date order as recorded, if a chat has this name, or had
    it before it was merged into another (then the chat it joined)."""
    row = conn.execute("SELECT id, name, tz, date_order FROM chats WHERE name = ?",
                       (name,)).fetchone() or conn.execute(
        "SELECT c.id, c.name, c.tz, c.date_order FROM chat_aliases a "
        "JOIN chats c ON c.id = a.chat_id WHERE a.name = ?", (name,)).fetchone()
    return dict(row) if row else None


def insert_chat(conn: db.Connection, name: str, tz: str, locale: str | None,
                date_order: str) -> int:
    cursor = conn.execute(
        "INSERT INTO chats (name, tz, locale, date_order, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, tz, locale, date_order, db.utc_now()),
    )
    return int(cursor.lastrowid or 0)


def set_chat_format(conn: db.Connection, chat_id: int, date_order: str,
                    locale: str | None) -> None:
    """Record how the chat's export is written; a locale of None keeps the recorded one."""
    conn.execute("UPDATE chats SET date_order = ?, locale = COALESCE(?, locale) WHERE id = ?",
                 (date_order, locale, chat_id))


def set_chat_locale(conn: db.Connection, chat_id: int, locale: str | None) -> None:
    """Record the chat's locale; None keeps the recorded one."""
    conn.execute("UPDATE chats SET locale = COALESCE(?, locale) WHERE id = ?", (locale, chat_id))


def set_chat_tz(conn: db.Connection, chat_id: int, tz: str) -> None:
    conn.execute("UPDATE chats SET tz = ? WHERE id = ?", (tz, chat_id))


def chat_row_by_id(conn: db.Connection, chat_id: int) -> dict[str, Any] | None:
    """The chat's id, name, zone and date order."""
    row = conn.execute("SELECT id, name, tz, date_order FROM chats WHERE id = ?",
                       (chat_id,)).fetchone()
    return dict(row) if row else None


def chat_authors(conn: db.Connection, chat_id: int) -> list[str]:
    """The chat's distinct authors as written."""
    return [str(r[0]) for r in conn.execute(
        "SELECT DISTINCT author FROM messages WHERE chat_id = ? AND author IS NOT NULL",
        (chat_id,))]


def chat_zone(conn: db.Connection, chat_id: int) -> str | None:
    """The zone recorded for the chat (None when it has none)."""
    row = conn.execute("SELECT tz FROM chats WHERE id = ?", (chat_id,)).fetchone()
    return str(row[0]) if row and row[0] else None


def set_chat_lang(conn: db.Connection, chat_id: int, lang: str) -> None:
    """Record the chat's language as detected from its text."""
    conn.execute("UPDATE chats SET lang = ? WHERE id = ?", (lang, chat_id))


def delete_chat(conn: db.Connection, chat_id: int) -> None:
    """Remove a chat row and its ingest cursor (its messages must be gone or moved)."""
    conn.execute("DELETE FROM etl_cursors WHERE name = ?", (f"ingest:chat:{chat_id}",))
    conn.execute("DELETE FROM chats WHERE id = ?", (chat_id,))


def retime_messages(conn: db.Connection, chat_id: int, to_utc: Callable[[str], str],
                    batch: int) -> None:
    """Recompute the UTC time of each of the chat's messages from its local time."""
    rows = conn.execute("SELECT id, sent_at FROM messages WHERE chat_id = ?", (chat_id,))
    while chunk := rows.fetchmany(batch):
        conn.executemany("UPDATE messages SET sent_at_utc = ? WHERE id = ?",
                         [(to_utc(sent_at), message_id) for message_id, sent_at in chunk])


def chat_times_after(conn: db.Connection, chat_id: int, after: int,
                     limit: int) -> list[tuple[int, str]]:
    """(id, local time) of the chat's next `limit` rows past id `after`, in id order."""
    return [(int(r[0]), str(r[1])) for r in conn.execute(
        "SELECT id, sent_at FROM messages WHERE chat_id = ? AND id > ? ORDER BY id LIMIT ?",
        (chat_id, after, limit))]


def set_utc_times(conn: db.Connection, changes: Sequence[tuple[str, int]]) -> None:
    """(sent_at_utc, id) pairs."""
    conn.executemany("UPDATE messages SET sent_at_utc = ? WHERE id = ?", changes)


def cursors_with_prefix(conn: db.Connection, prefix: str) -> list[tuple[str, int]]:
    """(name, value) of the ETL cursors whose name starts with `prefix`."""
    return [(str(r[0]), int(r[1])) for r in conn.execute(
        "SELECT name, value FROM etl_cursors WHERE substr(name, 1, ?) = ? ORDER BY name",
        (len(prefix), prefix))]


def drop_cursor(conn: db.Connection, name: str) -> None:
    conn.execute("DELETE FROM etl_cursors WHERE name = ?", (name,))


# ------------------------------------------------------------------------- authors, as compared

# What migration 0006 removes or makes a plain space, character for character (its SQL is the
# twin of `author_key`, which fills the column for new rows).
AUTHOR_DROPPED = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c\u200b"
AUTHOR_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000\t\u205f"
PHONE_SEPARATORS = " -\u2010\u2011\u2012\u2013\u2014\u2212()./"
_AUTHOR_TABLE = {**dict.fromkeys(map(ord, AUTHOR_DROPPED)), **dict.fromkeys(map(ord, AUTHOR_SPACES), " ")}
_PHONE_TABLE = dict.fromkeys(map(ord, PHONE_SEPARATORS))
_PHONE = re.compile(r"\+?[0-9]{5,}")


def author_key(author: str | None) -> str | None:
    """The author as compared (stored in `author_key`; filters match it without case).

    Direction marks go, unusual spaces (U+00A0, U+202F, ...) become plain ones, and a phone
    number keeps only its + and digits: "\u202a+44\u00a07700\u00a0900123\u202c" and
    "+44 7700-900123" are one author. A name is otherwise kept as written.
    """
    if author is None:
        return None
    name = author.translate(_AUTHOR_TABLE).strip(" ")
    compact = name.translate(_PHONE_TABLE)
    return compact if _PHONE.fullmatch(compact) else name


# ------------------------------------------------------------------------- import

MESSAGE_COLUMNS = ("id, chat_id, sent_at, sent_at_utc, author, author_key, text, kind, media, "
                   "attachment_sha256, edited, source_file, source_line, content_key, ingested_at")
# Ids are given by the importer (above every row and every ETL cursor; see
# importer.ChatImport.first_free_id), so it knows which rows it wrote.
INSERT_SQL = (f"INSERT INTO messages ({MESSAGE_COLUMNS}) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(content_key) DO NOTHING")
FTS_TRIGGER = "messages_fts_insert"
# The FTS trigger of migration 0001, word for word: only while it is exactly this do we index
# a batch's rows ourselves (see deferred_fts).
FTS_TRIGGER_SQL = (
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN\n"
    "    INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);\nEND"
)
MATCH_COLUMNS = ("id, sent_at, author, text, kind, media, attachment_sha256, edited, "
                 "source_file, source_line")


def bulk_cache(conn: db.Connection, kib: int) -> None:
    """A big import touches many index pages (author, kind, content key): keep them in memory."""
    conn.execute(f"PRAGMA cache_size = -{kib}")


@dataclass(frozen=True)
class WriteStart:
    """What a batch needs to know as its transaction begins, read in one statement."""

    trigger_sql: str | None  # the FTS insert trigger as stored
    top: int  # the highest message id
    cursor: int  # the highest ETL cursor


def write_start(conn: db.Connection) -> WriteStart:
    row = conn.execute(
        "SELECT (SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?), "
        "(SELECT coalesce(max(id), 0) FROM messages), "
        "(SELECT coalesce(max(value), 0) FROM etl_cursors)", (FTS_TRIGGER,)).fetchone()
    return WriteStart(row[0], int(row[1]), int(row[2]))


@contextlib.contextmanager
def deferred_fts(conn: db.Connection, start: WriteStart | None = None) -> Iterator[None]:
    """Index a batch's new rows in one statement at the end instead of row by row.

    A trigger that writes to an FTS5 table runs in a statement savepoint, and FTS5 flushes its
    pending index data at every savepoint: one tiny segment per message, about 7x slower than
    a bulk insert. Inside the caller's transaction we drop the trigger, insert, index the new
    rows (ids above the old maximum: we hold the write lock), and create the trigger again
    from its own stored SQL. It is all one transaction, so a failure restores the trigger, and
    other connections never see the store without it. `start`: read in this transaction.
    """
    start = start or write_start(conn)
    if start.trigger_sql != FTS_TRIGGER_SQL:
        yield  # someone changed how messages are indexed: leave it to their trigger
        return
    conn.execute(f"DROP TRIGGER {FTS_TRIGGER}")
    yield
    conn.execute("INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages "
                 "WHERE id > ?", (start.top,))
    conn.execute(start.trigger_sql)


def max_message_id(conn: db.Connection) -> int:
    """The highest message id (0 in an empty store)."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])


def highest_cursor(conn: db.Connection) -> int:
    """The furthest any ETL stage has got (cursors are message ids; 0 with none)."""
    return int(conn.execute("SELECT coalesce(max(value), 0) FROM etl_cursors").fetchone()[0])


def chat_top_id(conn: db.Connection, chat_id: int) -> int:
    """The chat's highest message id (0 when it has none)."""
    top = conn.execute("SELECT max(id) FROM messages WHERE chat_id = ?", (chat_id,)).fetchone()[0]
    return int(top or 0)


def chat_last_minute(conn: db.Connection, chat_id: int) -> str:
    """The minute (ISO, to the minute) of the chat's last message; "" without messages."""
    row = conn.execute("SELECT max(sent_at) FROM messages WHERE chat_id = ?", (chat_id,)).fetchone()
    return str(row[0])[:16] if row and row[0] else ""


def chat_has_messages(conn: db.Connection, chat_id: int) -> bool:
    return conn.execute("SELECT 1 FROM messages WHERE chat_id = ? LIMIT 1",
                        (chat_id,)).fetchone() is not None


def insert_messages(conn: db.Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert INSERT_SQL rows; returns how many were new (known content keys are skipped)."""
    cursor = conn.executemany(INSERT_SQL, rows)
    return max(cursor.rowcount, 0)


# The batch as JSON: each row [sent_at, sent_at_utc, author, author_key, text, kind, media,
# attachment_sha256, edited, source_line, content_key]; the id is the first id plus the row's
# place in the array, and chat, source file and time of import are the batch's.
INSERT_JSON_SQL = (
    "WITH batch(row, place) AS MATERIALIZED (SELECT value, key FROM json_each(?5)) "
    f"INSERT INTO messages ({MESSAGE_COLUMNS}) SELECT ?1 + place, ?2, row ->> 0, row ->> 1, "
    "row ->> 2, row ->> 3, row ->> 4, row ->> 5, row ->> 6, row ->> 7, row ->> 8, ?3, "
    "row ->> 9, row ->> 10, ?4 FROM batch WHERE true ON CONFLICT(content_key) DO NOTHING"
)  # MATERIALIZED: each row's JSON is made once, not once per column (half the JSON work)


def insert_json(conn: db.Connection, payload: str, first_id: int, chat_id: int,
                source_file: str, ingested_at: str) -> int:
    """Insert a batch of new messages given as one JSON array (see INSERT_JSON_SQL); returns
    how many were new.

    One statement for the whole batch: SQLite unpacks it without holding Python's GIL, so
    another thread can parse the next batch meanwhile (executemany takes the GIL per row)."""
    return max(conn.execute(INSERT_JSON_SQL, (first_id, chat_id, source_file, ingested_at,
                                              payload)).rowcount, 0)


def ids_present(conn: db.Connection, ids: Sequence[int]) -> set[int]:
    """Which of these message ids exist."""
    found: set[int] = set()
    for start in range(0, len(ids), 10_000):
        chunk = "[" + ",".join(str(int(i)) for i in ids[start:start + 10_000]) + "]"
        found.update(row[0] for row in conn.execute(
            "SELECT id FROM messages WHERE id IN (SELECT value FROM json_each(?))", (chunk,)))
    return found


def rows_in_minutes(conn: db.Connection, chat_id: int, first_minute: str,
                    last_minute: str) -> list[db.Row]:
    """The chat's rows sent in the minutes from `first_minute` to `last_minute` (ISO, to the
    minute), in id order: what an export's batch is matched against."""
    rows: list[db.Row] = conn.execute(
        f"SELECT {MATCH_COLUMNS} FROM messages WHERE chat_id = ? AND sent_at >= ? "
        "AND sent_at < ? ORDER BY id", (chat_id, first_minute, last_minute + ";")).fetchall()
    return rows  # ";" sorts right after ":", so every second of the last minute is in


def message_state(conn: db.Connection, message_id: int) -> db.Row | None:
    """What an import may change on a row (to put it back if the import fails)."""
    row: db.Row | None = conn.execute(
        "SELECT text, kind, media, attachment_sha256, edited, source_file, source_line "
        "FROM messages WHERE id = ?", (message_id,)).fetchone()
    return row


def set_message_version(conn: db.Connection, message_id: int, text: str, kind: str,
                        media: str | None, sha256: str | None, edited: bool,
                        source_file: str, source_line: int) -> None:
    """Give a row another version of its message (an edit, a deletion, its media file, or
    back what it was); the FTS index follows through the update trigger."""
    conn.execute(
        "UPDATE messages SET text = ?, kind = ?, media = ?, attachment_sha256 = ?, edited = ?, "
        "source_file = ?, source_line = ? WHERE id = ?",
        (text, kind, media, sha256, int(edited), source_file, source_line, message_id))


def delete_messages(conn: db.Connection, ids: Sequence[int]) -> int:
    """Delete these rows (the FTS index follows through the delete trigger)."""
    deleted = 0
    for start in range(0, len(ids), 10_000):
        chunk = "[" + ",".join(str(int(i)) for i in ids[start:start + 10_000]) + "]"
        deleted += conn.execute("DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))",
                                (chunk,)).rowcount
    return deleted


def messages_naming_file(conn: db.Connection, sha256: str) -> int:
    """How many messages name this media file."""
    return int(conn.execute("SELECT count(*) FROM messages WHERE attachment_sha256 = ?",
                            (sha256,)).fetchone()[0])


# ------------------------------------------------------------------------- import report, export


def kinds_by_chat(conn: db.Connection, chats: Sequence[str]) -> list[dict[str, Any]]:
    """Per chat and kind: messages, first and last local time; by chat, most messages first."""
    marks = ",".join("?" * len(chats))
    return db.rows_as_dicts(conn.execute(
        "SELECT c.name AS chat, m.kind, count(*) AS messages, min(m.sent_at) AS first, "
        "max(m.sent_at) AS last FROM messages m JOIN chats c ON c.id = m.chat_id "
        f"WHERE c.name IN ({marks}) GROUP BY c.name, m.kind "
        "ORDER BY c.name, messages DESC", chats))


def newest_in_chats(conn: db.Connection, chats: Sequence[str], limit: int) -> list[dict[str, Any]]:
    """The `limit` newest messages of these chats (by id), newest first."""
    marks = ",".join("?" * len(chats))
    return db.rows_as_dicts(conn.execute(
        "SELECT c.name AS chat, m.sent_at, m.author, m.kind, m.text FROM messages m "
        f"JOIN chats c ON c.id = m.chat_id WHERE c.name IN ({marks}) "
        "ORDER BY m.id DESC LIMIT ?", [*chats, limit]))


def export_rows(conn: db.Connection, chat: str | None = None) -> Iterator[db.Row]:
    """Messages with their chat's name, in chat and time order (of one chat when named)."""
    sql = (
        "SELECT m.id, c.name AS chat, m.sent_at, m.sent_at_utc, m.author, m.text, m.kind, "
        "m.media, m.attachment_sha256, m.edited, m.source_file, m.source_line "
        "FROM messages m JOIN chats c ON c.id = m.chat_id"
    )
    params: tuple[Any, ...] = ()
    if chat is not None:
        sql += " WHERE c.name = ?"
        params = (chat,)
    sql += " ORDER BY c.name, m.sent_at, m.id"
    yield from conn.execute(sql, params)


# ------------------------------------------------------------------------- search

PREFIX_MIN = 4  # words this long also match as prefixes: appointment -> appointments


@dataclass(frozen=True)
class Filters:
    """The WHERE clause (over `messages m`) that every mode applies inside its query;
    `history`: keyword matches also look in the earlier versions of edited messages."""

    sql: str
    params: tuple[Any, ...]
    history: bool = False

    @property
    def active(self) -> bool:
        return bool(self.params)


def search_filters(kinds: Sequence[str], *, chat_id: int | None, author: str | None,
                   since: str | None, until: str | None, history: bool = False) -> Filters:
    """Messages of these kinds, in the chat, by the author (any case; a phone number however
    it is spaced), sent in [since, until); `history` searches earlier versions too."""
    clauses = [f"m.kind IN ({', '.join(repr(k) for k in kinds)})"]
    params: list[Any] = []
    if chat_id is not None:
        clauses.append("m.chat_id = ?")
        params.append(chat_id)
    if author is not None:
        clauses.append("m.author_key = ? COLLATE NOCASE")
        params.append(author_key(author))
    if since:
        clauses.append("m.sent_at >= ?")
        params.append(since)
    if until:
        clauses.append("m.sent_at < ?")
        params.append(until)
    return Filters(" AND ".join(clauses), tuple(params), history)


def chat_id_any_case(conn: db.Connection, name: str) -> int | None:
    """The id of the chat with this name, compared without case."""
    row = conn.execute("SELECT id FROM chats WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    return int(row[0]) if row is not None else None


def author_names(conn: db.Connection, chat_id: int | None = None) -> list[str]:
    """The distinct authors (of one chat, or of all), most messages first."""
    where, params = ("WHERE chat_id = ? AND author IS NOT NULL", (chat_id,)) if chat_id is not None \
        else ("WHERE author IS NOT NULL", ())
    rows = conn.execute(
        f"SELECT author FROM messages {where} GROUP BY author ORDER BY count(*) DESC, author", params
    ).fetchall()
    return [str(r[0]) for r in rows]


def has_author(conn: db.Connection, author: str, chat_id: int | None = None) -> bool:
    """Whether anyone of this name (any case) wrote a message (in the chat, when given)."""
    sql = "SELECT 1 FROM messages WHERE author_key = ? COLLATE NOCASE"
    params: tuple[Any, ...] = (author_key(author),)
    if chat_id is not None:
        sql += " AND chat_id = ?"
        params += (chat_id,)
    return conn.execute(sql + " LIMIT 1", params).fetchone() is not None


def newest_passing(conn: db.Connection, ids: Sequence[int], filters: Filters) -> tuple[int, int] | None:
    """Of these messages, the newest that passes the filters and how many pass (None if none)."""
    row = conn.execute(
        f"SELECT m.id, count(*) OVER () FROM messages m WHERE m.id IN (SELECT value FROM json_each(?)) "
        f"AND {filters.sql} ORDER BY m.sent_at DESC, m.id DESC LIMIT 1",
        ("[" + ",".join(str(int(m)) for m in ids) + "]", *filters.params),
    ).fetchone()
    return (int(row[0]), int(row[1])) if row is not None else None


def fts_expression(terms: list[str]) -> str:
    """An FTS5 MATCH string where every term is a quoted string: no user text is syntax."""
    parts = []
    for term in dict.fromkeys(terms):
        quoted = '"' + term.replace('"', '""') + '"'
        parts.append(quoted + "*" if len(term) >= PREFIX_MIN else quoted)
    return " OR ".join(parts)


def keyword_ranked(conn: db.Connection, terms: list[str], filters: Filters,
                   limit: int) -> list[db.Row]:
    """(id, bm25) of messages with any of the terms that pass the filters, best first; with
    `filters.history`, a message also matches by an earlier (edited) version of its text."""
    current = ("SELECT m.id, bm25(messages_fts) AS rank FROM messages_fts "
               "JOIN messages m ON m.id = messages_fts.rowid "
               f"WHERE messages_fts MATCH ? AND {filters.sql}")
    expression = fts_expression(terms)
    if not filters.history:
        rows: list[db.Row] = conn.execute(f"{current} ORDER BY rank, m.id LIMIT ?",
                                          (expression, *filters.params, limit)).fetchall()
        return rows
    earlier = ("SELECT m.id, bm25(message_history_fts) AS rank FROM message_history_fts "
               "JOIN message_history h ON h.id = message_history_fts.rowid "
               "JOIN messages m ON m.id = h.message_id "
               f"WHERE message_history_fts MATCH ? AND {filters.sql}")
    rows = conn.execute(
        f"SELECT id, min(rank) AS rank FROM ({current} UNION ALL {earlier}) "
        "GROUP BY id ORDER BY rank, id LIMIT ?",
        (expression, *filters.params, expression, *filters.params, limit)).fetchall()
    return rows


def substring_matches(conn: db.Connection, text: str, filters: Filters, limit: int) -> list[int]:
    """Ids of messages containing `text` literally that pass the filters, newest first."""
    needle = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    earlier = ("OR m.id IN (SELECT message_id FROM message_history WHERE reason = 'edited' "
               "AND text LIKE ? ESCAPE '\\')") if filters.history else ""
    rows = conn.execute(
        f"SELECT m.id FROM messages m WHERE (m.text LIKE ? ESCAPE '\\' {earlier}) "
        f"AND {filters.sql} ORDER BY m.sent_at DESC, m.id DESC LIMIT ?",
        (f"%{needle}%", *((f"%{needle}%",) if filters.history else ()), *filters.params, limit),
    ).fetchall()
    return [int(r[0]) for r in rows]


def ids_passing(conn: db.Connection, filters: Filters) -> Iterator[int]:
    """Every message id that passes the filters."""
    for row in conn.execute(f"SELECT m.id FROM messages m WHERE {filters.sql}", filters.params):
        yield row[0]


def fold(text: str) -> str:
    """Lower case without diacritics, as the FTS5 tokenizer (remove_diacritics 2) sees it."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def document_frequencies(conn: db.Connection, terms: list[str]) -> dict[str, int]:
    """Messages containing each term (a prefix term: the sum over its forms), from fts5vocab.

    The vocabulary table reads the FTS5 index's term list directly: microseconds per term,
    where a `count(*) ... MATCH` walks every posting.
    """
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_vocab USING fts5vocab(main, messages_fts, 'row')"
    )
    found = {}
    for term in dict.fromkeys(terms):
        folded = fold(term)
        if len(term) >= PREFIX_MIN:
            row = conn.execute(
                "SELECT coalesce(sum(doc), 0) FROM temp.messages_vocab WHERE term >= ? AND term < ?",
                (folded, folded + "\U0010ffff"),
            ).fetchone()
        else:
            row = conn.execute("SELECT coalesce(sum(doc), 0) FROM temp.messages_vocab WHERE term = ?",
                               (folded,)).fetchone()
        found[term] = int(row[0])
    return found


def rowid_ceiling(conn: db.Connection) -> int:
    """The highest message rowid (1 in an empty store): the corpus size IDF counts with."""
    return int(conn.execute("SELECT coalesce(max(rowid), 1) FROM messages").fetchone()[0])


def texts_by_id(conn: db.Connection, ids: Sequence[int]) -> dict[int, str]:
    return dict(conn.execute(
        "SELECT id, text FROM messages WHERE id IN (SELECT value FROM json_each(?))",
        ("[" + ",".join(str(m) for m in ids) + "]",),
    ).fetchall())


def hit_rows(conn: db.Connection, ids: Sequence[int]) -> dict[int, db.Row]:
    """The messages with these ids, with their chat's name, by id (missing ids left out)."""
    return {
        r["id"]: r
        for r in conn.execute(
            "SELECT m.id, m.chat_id, c.name AS chat, m.author, m.sent_at, m.text, m.kind "
            "FROM messages m JOIN chats c ON c.id = m.chat_id "
            "WHERE m.id IN (SELECT value FROM json_each(?))",
            ("[" + ",".join(str(m) for m in ids) + "]",),
        )
    }


def hit_neighbours(conn: db.Connection, row: db.Row,
                   around: int) -> tuple[list[db.Row], list[db.Row]]:
    """Up to `around` messages before `row` in its chat (nearest first) and after it."""
    columns = "id AS message_id, author, sent_at, text, kind"
    before = conn.execute(
        f"SELECT {columns} FROM messages WHERE chat_id = ? AND (sent_at, id) < (?, ?) "
        "ORDER BY sent_at DESC, id DESC LIMIT ?", (row["chat_id"], row["sent_at"], row["id"], around),
    ).fetchall()
    after = conn.execute(
        f"SELECT {columns} FROM messages WHERE chat_id = ? AND (sent_at, id) > (?, ?) "
        "ORDER BY sent_at, id LIMIT ?", (row["chat_id"], row["sent_at"], row["id"], around),
    ).fetchall()
    return before, after


# ------------------------------------------------------------------------- ETL stages past a cursor


def count_after(conn: db.Connection, after: int) -> int:
    """Messages with an id above `after` (what a stage with that cursor has not seen)."""
    return int(conn.execute("SELECT count(*) FROM messages WHERE id > ?", (after,)).fetchone()[0])


def message_chunks(conn: db.Connection, after: int, size: int) -> Iterator[list[db.Row]]:
    """(id, kind, text) of messages past `after`, in id order, `size` at a time (keyset pagination)."""
    while True:
        rows = conn.execute(
            "SELECT id, kind, text FROM messages WHERE id > ? ORDER BY id LIMIT ?", (after, size)
        ).fetchall()
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def count_texts_after(conn: db.Connection, after: int) -> int:
    """Text messages with an id above `after`."""
    return int(conn.execute(
        "SELECT count(*) FROM messages WHERE kind = 'text' AND id > ?", (after,)
    ).fetchone()[0])


def text_batches(conn: db.Connection, after: int, size: int) -> Iterator[list[db.Row]]:
    """Text messages past `after`, in id order, `size` at a time, with their chat's tz and locale."""
    while True:
        rows = conn.execute(
            "SELECT m.id, m.text, m.sent_at, m.sent_at_utc, m.chat_id, c.tz, c.locale "
            "FROM messages m JOIN chats c ON c.id = m.chat_id "
            "WHERE m.kind = 'text' AND m.id > ? ORDER BY m.id LIMIT ?",
            (after, size),
        ).fetchall()
        if not rows:
            return
        yield rows
        after = int(rows[-1]["id"])


def chat_tz_of(conn: db.Connection, message_id: int | None) -> str | None:
    """The time zone recorded for the chat of a message (None without one)."""
    if message_id is None:
        return None
    row = conn.execute(
        "SELECT c.tz FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ?", (message_id,)
    ).fetchone()
    return str(row["tz"]) if row and row["tz"] else None


def time_and_chat_of(conn: db.Connection, message_id: int) -> db.Row | None:
    """A message's send time (as written, and in UTC) with its chat's zone and locale."""
    row: db.Row | None = conn.execute(
        "SELECT m.sent_at, m.sent_at_utc, c.tz, c.locale FROM messages m "
        "JOIN chats c ON c.id = m.chat_id WHERE m.id = ?", (message_id,)
    ).fetchone()
    return row
