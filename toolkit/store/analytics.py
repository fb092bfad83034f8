"""Analytics over the stores: DuckDB reads them where they are and hands Polars frames back.

DuckDB attaches the SQLite files read-only (and the Postgres media database when media is on),
so analytics never copy data and can never write to it. The sqlite and postgres scanner
extensions are loaded from their pip packages (`duckdb-extension-sqlite-scanner`,
`duckdb-extension-postgres-scanner`, built for the pinned duckdb); auto-install and auto-load
are off, so nothing is ever downloaded. The plots of these frames are `toolkit.ops.explore`.

Times: `sent_at` is the local time as written in the export, which is what "who talks when"
is about; response times use `sent_at_utc` when known so zone changes do not distort them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from toolkit.config import Settings
from toolkit.errors import ChatbookError, InputError

EXTENSION_PACKAGES = {
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
}
PERIODS = ("day", "week", "month")
# A reply more than this long after the previous message starts a new conversation.
REPLY_WINDOW_S = 6 * 3600


# ------------------------------------------------------------------------ connecting


def extension_path(name: str) -> Path:
    """The `.duckdb_extension` file shipped by the pip package for our duckdb version."""
    package = EXTENSION_PACKAGES[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ChatbookError(f"DuckDB's {name} extension is not installed: "
                            f"pip install {package.replace('_', '-')}=={duckdb.__version__}")
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        found = sorted(p.parent.name for p in base.glob("extensions/*/*.duckdb_extension"))
        raise ChatbookError(f"{package} has no build for duckdb {duckdb.__version__} "
                            f"(found {', '.join(found) or 'none'}); install the matching version")
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    # LOAD straight from the package file: nothing is copied to ~/.duckdb, nothing downloaded.
    con.execute(f"LOAD '{sql_text(str(extension_path(name)))}'")


def sql_text(value: str) -> str:
    return value.replace("'", "''")


def connect(settings: Settings, *, media: bool | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with `chat` (app.db), `vec` (vectors.db) and, with media on, `media`
    (Postgres) attached read-only."""
    con = duckdb.connect(":memory:", config={
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    })
    load_extension(con, "sqlite_scanner")
    for alias, path in (("chat", settings.db_path), ("vec", settings.vdb_path)):
        if not path.exists():
            raise InputError("store not found; run `chatbook init` (or ingest something) first",
                             path)
        con.execute(f"ATTACH '{sql_text(str(path))}' AS {alias} (TYPE sqlite, READ_ONLY)")
    if settings.image_processing_enabled if media is None else media:
        load_extension(con, "postgres_scanner")
        try:
            con.execute(f"ATTACH '{sql_text(settings.media_db_url)}' AS media "
                        "(TYPE postgres, READ_ONLY)")
        except duckdb.Error as error:
            raise ChatbookError(f"cannot attach the media database "
                                f"{settings.media_db_url_redacted}: "
                                f"{settings.redact(str(error)).splitlines()[0]}") from None
    return con


def attached(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT database_name FROM duckdb_databases() WHERE NOT internal"
    ).fetchall() if row[0] != "memory"]


# ------------------------------------------------------------------------ queries


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
    return con.execute(sql, params or []).pl()


def chat_filter(chat: str | None, alias: str = "c") -> tuple[str, list[Any]]:
    return (f" AND {alias}.name = ?", [chat]) if chat else ("", [])


MESSAGES = """
    SELECT m.id, c.name AS chat, c.lang, m.author, m.kind, m.text,
           TRY_CAST(m.sent_at AS TIMESTAMP) AS sent_at,
           COALESCE(TRY_CAST(m.sent_at_utc AS TIMESTAMPTZ),
                    TRY_CAST(m.sent_at AS TIMESTAMP)::TIMESTAMPTZ) AS instant
    FROM chat.messages m JOIN chat.chats c ON c.id = m.chat_id
    WHERE TRY_CAST(m.sent_at AS TIMESTAMP) IS NOT NULL
"""


def chat_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT name FROM chat.chats ORDER BY name").fetchall()]


def select_chat(con: duckdb.DuckDBPyConnection, chat: str) -> str | None:
    """The notebook's `chat` parameter: empty means all chats; a name must exist."""
    if not chat.strip():
        return None
    names = chat_names(con)
    if chat not in names:
        raise InputError(f"no chat named {chat!r} (chats: {', '.join(names) or 'none yet'})")
    return chat


def overview(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per chat: messages, authors, first and last message, language."""
    return query(con, f"""
        SELECT chat, any_value(lang) AS lang, count(*) AS messages,
               count(DISTINCT author) FILTER (WHERE kind <> 'system') AS authors,
               min(sent_at) AS first, max(sent_at) AS last
        FROM ({MESSAGES}) GROUP BY chat ORDER BY messages DESC, chat
    """)


def messages_per_period(con: duckdb.DuckDBPyConnection, period: str = "day",
                        chat: str | None = None) -> pl.DataFrame:
    """Messages per chat per day / week (starting Monday) / month, people's messages only.

    Dense: every period from the first to the last message is there, quiet ones with 0, so
    averages and plots do not skip the silent days.
    """
    if period not in PERIODS:
        raise InputError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    where, args = chat_filter(chat, "c")
    return query(con, f"""
        WITH counts AS (
            SELECT chat, CAST(date_trunc('{period}', sent_at) AS DATE) AS period,
                   count(*) AS messages
            FROM ({MESSAGES}{where}) WHERE kind <> 'system' GROUP BY ALL
        ), periods AS (
            SELECT CAST(unnest(generate_series(min(period)::TIMESTAMP, max(period)::TIMESTAMP,
                                               INTERVAL 1 {period})) AS DATE) AS period
            FROM counts
        )
        SELECT chats.chat, periods.period, coalesce(counts.messages, 0) AS messages
        FROM periods CROSS JOIN (SELECT DISTINCT chat FROM counts) chats
        LEFT JOIN counts ON counts.chat = chats.chat AND counts.period = periods.period
        ORDER BY periods.period, chats.chat
    """, args)


def messages_per_author(con: duckdb.DuckDBPyConnection, chat: str | None = None) -> pl.DataFrame:
    """Per chat and author: messages, words, media sent, share of the chat, first and last."""
    where, args = chat_filter(chat, "c")
    return query(con, f"""
        SELECT chat, author, count(*) AS messages,
               sum(CASE WHEN kind = 'text' THEN len(string_split_regex(trim(text), '\\s+'))
                   ELSE 0 END) AS words,
               count(*) FILTER (WHERE kind = 'media') AS media,
               round(count(*) / sum(count(*)) OVER (PARTITION BY chat), 4) AS share,
               min(sent_at) AS first, max(sent_at) AS last
        FROM ({MESSAGES}{where}) WHERE kind <> 'system' AND author IS NOT NULL
        GROUP BY chat, author ORDER BY chat, messages DESC, author
    """, args)


def activity_heatmap(con: duckdb.DuckDBPyConnection, chat: str | None = None) -> pl.DataFrame:
    """Messages by weekday (0 = Monday) and hour of local time: the full 7 x 24 grid."""
    where, args = chat_filter(chat, "c")
    return query(con, f"""
        WITH counts AS (
            SELECT isodow(sent_at) - 1 AS weekday, hour(sent_at) AS hour, count(*) AS messages
            FROM ({MESSAGES}{where}) WHERE kind <> 'system' GROUP BY ALL
        )
        SELECT d.weekday::INTEGER AS weekday, h.hour::INTEGER AS hour,
               COALESCE(counts.messages, 0) AS messages
        FROM range(7) d(weekday) CROSS JOIN range(24) h(hour)
        LEFT JOIN counts ON counts.weekday = d.weekday AND counts.hour = h.hour
        ORDER BY weekday, hour
    """, args)


def media_share(con: duckdb.DuckDBPyConnection, chat: str | None = None) -> pl.DataFrame:
    """Per chat: people's messages, how many carry media, and the share."""
    where, args = chat_filter(chat, "c")
    return query(con, f"""
        SELECT chat, count(*) AS messages, count(*) FILTER (WHERE kind = 'media') AS media,
               round(count(*) FILTER (WHERE kind = 'media') / count(*), 4) AS share
        FROM ({MESSAGES}{where}) WHERE kind <> 'system'
        GROUP BY chat ORDER BY share DESC, chat
    """, args)


def text_messages(con: duckdb.DuckDBPyConnection, chat: str | None = None) -> pl.DataFrame:
    """(lang, text) of every text message, for word counts."""
    where, args = chat_filter(chat, "c")
    return query(con, f"SELECT lang, text FROM ({MESSAGES}{where}) WHERE kind = 'text'", args)


def response_times(con: duckdb.DuckDBPyConnection, chat: str | None = None,
                   window_s: int = REPLY_WINDOW_S) -> pl.DataFrame:
    """How fast each author answers: seconds between someone else's message and theirs,
    counting only replies within `window_s` (longer gaps start a new conversation)."""
    where, args = chat_filter(chat, "c")
    return query(con, f"""
        WITH ordered AS (
            SELECT chat, author, instant,
                   lag(author) OVER w AS previous_author, lag(instant) OVER w AS previous_at
            FROM ({MESSAGES}{where}) WHERE kind <> 'system' AND author IS NOT NULL
            WINDOW w AS (PARTITION BY chat ORDER BY instant, id)
        ), replies AS (
            SELECT chat, author, epoch(instant - previous_at) AS seconds FROM ordered
            WHERE previous_author IS NOT NULL AND previous_author <> author
        )
        SELECT chat, author, count(*) AS replies, median(seconds) AS median_s,
               round(avg(seconds), 1) AS mean_s
        FROM replies WHERE seconds BETWEEN 0 AND {int(window_s)}
        GROUP BY chat, author ORDER BY chat, median_s, author
    """, args)


def events_timeline(con: duckdb.DuckDBPyConnection, chat: str | None = None) -> pl.DataFrame:
    """Accepted events and open proposals in date order, with where they came from."""
    where = " WHERE chat = ?" if chat else ""
    return query(con, f"""
        SELECT * FROM (
            SELECT 'event' AS source, e.title, TRY_CAST(left(e.start, 10) AS DATE) AS day,
                   e.start, e."end", e.all_day = 1 AS all_day, e.location, e.status,
                   c.name AS chat
            FROM chat.events e LEFT JOIN chat.chats c ON c.id = e.chat_id
            UNION ALL
            SELECT 'proposal', p.title, TRY_CAST(left(p.start, 10) AS DATE), p.start, p."end",
                   p.all_day = 1, p.location, p.status, c.name
            FROM chat.proposals p
            LEFT JOIN chat.messages m ON m.id = p.source_message_id
            LEFT JOIN chat.chats c ON c.id = m.chat_id
            WHERE p.status = 'pending'  -- an accepted or edited one is an event above
        ){where} ORDER BY day, start, title
    """, [chat] if chat else [])


def media_attachments(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """With media on: attachments per chat and mime type, and how many extractions found text."""
    if "media" not in attached(con):
        raise ChatbookError("media processing is off (IMAGE_PROCESSING_ENABLED=false): "
                            "there is no media database to read")
    return query(con, """
        SELECT a.chat, coalesce(a.mime, 'unknown') AS mime, count(DISTINCT a.id) AS attachments,
               sum(a.size_bytes) AS bytes,
               count(DISTINCT x.id) FILTER (WHERE x.status = 'done') AS extractions_done,
               count(DISTINCT x.id) FILTER (WHERE x.status = 'failed') AS extractions_failed
        FROM media.attachments a LEFT JOIN media.extractions x ON x.attachment_id = a.id
        GROUP BY ALL ORDER BY attachments DESC, a.chat, mime
    """)
