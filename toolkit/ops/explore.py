"""Exploring the chats: DuckDB reads the stores where they are and hands Polars frames back.

DuckDB attaches the SQLite files read-only (and the Postgres media database when media is on),
so analytics never copy data and can never write to it. The sqlite and postgres scanner
extensions are loaded from their pip packages (`duckdb-extension-sqlite-scanner`,
`duckdb-extension-postgres-scanner`, built for the pinned duckdb); auto-install and auto-load
are off, so nothing is ever downloaded.

Times: `sent_at` is the local time as written in the export, which is what "who talks when"
is about; response times use `sent_at_utc` when known so zone changes do not distort them.
"""

from __future__ import annotations

import importlib.util
import re
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
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# A reply more than this long after the previous message starts a new conversation.
REPLY_WINDOW_S = 6 * 3600
TIMELINE_LIMIT = 30  # rows in the timeline plot; the frame has them all
WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Small, hand-picked lists: enough to let the words that carry meaning rise to the top.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("""a about after all also am an and any are as at be because been before
        but by can could did do does don't for from get got had has have he her here him his how
        i i'm if in into is it it's its just know like me more my no not now of ok okay on one
        or our out really she so some than that that's the their them then there they this to
        too up us was we well were what when where which who will with would yes you your
        you're yeah lol going see"""),
    "es": _words("""a al algo como con de del el ella en es esa ese esta este esto está
        estoy fue ha hay la las le lo los me mi muy más no nos o para pero por que qué se si
        sí su sus también te tu tú un una uno y ya yo"""),
    "de": _words("""aber alle als am an auch auf aus bei bin bis da das dass dem den der
        des die dir doch du ein eine einen er es für hab habe hat ich ihr im in ist ja kann
        mal mir mit nach nicht noch nur oder schon sie sind so und uns von war was wir wie zu
        zum zur über"""),
    "fr": _words("""a au aux avec ce ces c'est dans de des du elle en est et il ils je j'ai
        la le les leur lui ma mais me mes moi mon ne nous on ou par pas pour qu'il que qui sa
        se ses son sur ta te tes toi ton tu un une vous y à ça été"""),
    "pt": _words("""a ao aos as com como da das de do dos e ela ele em era essa esse esta
        este está eu foi isso já lhe mais mas me meu minha muito na nas no nos não o os ou
        para pela pelo por que se sem seu sua são também te tem tu um uma você é"""),
}
ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())


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
            from toolkit.config import redact_text

            raise ChatbookError(f"cannot attach the media database "
                                f"{settings.media_db_url_redacted}: "
                                f"{redact_text(str(error)).splitlines()[0]}") from None
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


def heatmap_matrix(heatmap: pl.DataFrame) -> list[list[int]]:
    """The heatmap frame as 7 rows (Mon..Sun) of 24 hourly counts."""
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, messages in heatmap.select("weekday", "hour", "messages").iter_rows():
        grid[weekday][hour] = messages
    return grid


def media_share(con: duckdb.DuckDBPyConnection, chat: str | None = None) -> pl.DataFrame:
    """Per chat: people's messages, how many carry media, and the share."""
    where, args = chat_filter(chat, "c")
    return query(con, f"""
        SELECT chat, count(*) AS messages, count(*) FILTER (WHERE kind = 'media') AS media,
               round(count(*) FILTER (WHERE kind = 'media') / count(*), 4) AS share
        FROM ({MESSAGES}{where}) WHERE kind <> 'system'
        GROUP BY chat ORDER BY share DESC, chat
    """, args)


def tokens(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def top_words(con: duckdb.DuckDBPyConnection, chat: str | None = None, n: int = 20,
              min_length: int = 3) -> pl.DataFrame:
    """The most used words in text messages, without the stopwords of each chat's language
    (all five lists when the language is unknown)."""
    where, args = chat_filter(chat, "c")
    texts = query(con, f"SELECT lang, text FROM ({MESSAGES}{where}) WHERE kind = 'text'", args)
    counts: dict[str, int] = {}
    for lang, text in texts.iter_rows():
        stop = STOPWORDS.get((lang or "")[:2].lower(), ALL_STOPWORDS)
        for word in tokens(text or ""):
            if len(word) >= min_length and word not in stop:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
    return pl.DataFrame({"word": [w for w, _ in ranked], "count": [c for _, c in ranked]},
                        schema={"word": pl.Utf8, "count": pl.Int64})


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
            WHERE p.status IN ('pending', 'edited')
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


def media_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | str:
    """`media_attachments` when the media database is attached, else a sentence saying why not."""
    if "media" not in attached(con):
        return "Media processing is off (IMAGE_PROCESSING_ENABLED=false): no attachments to show."
    return media_attachments(con)


# ------------------------------------------------------------------------ plots


def _figure(width: float = 9, height: float = 3.5) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained")


def _empty(ax: Any, title: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def plot_messages_over_time(frame: pl.DataFrame, title: str = "Messages over time") -> Any:
    """One line per chat from `messages_per_period`."""
    fig, ax = _figure()
    if frame.is_empty():
        _empty(ax, title)
        return fig
    for chat in sorted(frame["chat"].unique().to_list()):
        part = frame.filter(pl.col("chat") == chat).sort("period")
        ax.plot(part["period"].to_list(), part["messages"].to_list(), marker="o", label=chat)
    ax.set_title(title)
    ax.set_ylabel("messages")
    ax.legend(fontsize="small", loc="upper left")
    fig.autofmt_xdate()
    return fig


def plot_heatmap(heatmap: pl.DataFrame, title: str = "When people write (local time)") -> Any:
    fig, ax = _figure(9, 3.2)
    grid = heatmap_matrix(heatmap)
    image = ax.imshow(grid, aspect="auto", cmap="viridis")
    ax.set_yticks(range(7), WEEKDAYS)
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("hour")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="messages")
    return fig


def plot_bars(frame: pl.DataFrame, label: str, value: str, title: str, top: int = 15) -> Any:
    """A horizontal bar chart of `value` by `label` (largest on top)."""
    fig, ax = _figure(8, max(2.5, 0.3 * min(top, frame.height) + 1))
    if frame.is_empty():
        _empty(ax, title)
        return fig
    part = frame.sort(value, descending=True).head(top).reverse()
    ax.barh([str(v) for v in part[label].to_list()], part[value].to_list())
    ax.set_title(title)
    ax.set_xlabel(value)
    return fig


def plot_events_timeline(frame: pl.DataFrame, title: str = "Events and proposals",
                         limit: int = TIMELINE_LIMIT) -> Any:
    """The first `limit` dated items of `events_timeline`, one row each, labelled."""
    dated = frame.filter(pl.col("day").is_not_null())
    shown = dated.head(limit)
    fig, ax = _figure(9, max(2.5, 0.3 * shown.height + 1))
    if shown.is_empty():
        _empty(ax, title)
        return fig
    colours = {"event": "tab:green", "proposal": "tab:orange"}
    for row, item in enumerate(shown.iter_rows(named=True)):
        ax.scatter([item["day"]], [row], color=colours.get(item["source"], "tab:blue"))
        ax.annotate(str(item["title"])[:40], (item["day"], row), xytext=(6, -3),
                    textcoords="offset points", fontsize="small")
    ax.set_yticks([])
    ax.margins(x=0.15, y=0.05)  # room for the labels right of the last point
    ax.invert_yaxis()
    more = f", the first {limit} of {dated.height}" if dated.height > limit else ""
    ax.set_title(f"{title} (green: accepted, orange: waiting for review{more})")
    fig.autofmt_xdate()
    return fig
