"""Exploring the chats in a notebook: the analytics frames and their plots.

The frames come from `toolkit.store.analytics` (DuckDB over the stores, read-only, handing
Polars frames back) and are the public functions notebooks call here, beside the plots of them
and the word counts (stopwords per language are not a store concern).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import polars as pl

from toolkit.ops.plots import drawable
from toolkit.store.analytics import (
    PERIODS,
    activity_heatmap,
    attached,
    connect,
    events_timeline,
    extension_path,
    media_attachments,
    media_share,
    messages_per_author,
    messages_per_period,
    overview,
    response_times,
    select_chat,
    text_messages,
)

__all__ = [
    "PERIODS", "activity_heatmap", "attached", "connect", "events_timeline", "extension_path",
    "heatmap_matrix", "media_attachments", "media_share", "media_summary", "messages_per_author",
    "messages_per_period", "overview", "plot_bars", "plot_events_timeline", "plot_heatmap",
    "plot_messages_over_time", "response_times", "select_chat", "top_words",
]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TIMELINE_LIMIT = 150  # rows in the timeline plot (a busy term fits); the frame has them all
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


# ------------------------------------------------------------------------ frames


def heatmap_matrix(heatmap: pl.DataFrame) -> list[list[int]]:
    """The heatmap frame as 7 rows (Mon..Sun) of 24 hourly counts."""
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, messages in heatmap.select("weekday", "hour", "messages").iter_rows():
        grid[weekday][hour] = messages
    return grid


def tokens(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def top_words(con: duckdb.DuckDBPyConnection, chat: str | None = None, n: int = 20,
              min_length: int = 3) -> pl.DataFrame:
    """The most used words in text messages, without the stopwords of each chat's language
    (all five lists when the language is unknown)."""
    texts = text_messages(con, chat)
    counts: dict[str, int] = {}
    for lang, text in texts.iter_rows():
        stop = STOPWORDS.get((lang or "")[:2].lower(), ALL_STOPWORDS)
        for word in tokens(text or ""):
            if len(word) >= min_length and word not in stop:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
    return pl.DataFrame({"word": [w for w, _ in ranked], "count": [c for _, c in ranked]},
                        schema={"word": pl.Utf8, "count": pl.Int64})


def media_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | str:
    """`media_attachments` when the media database is attached, else a sentence saying why not."""
    if "media" not in attached(con):
        return "Media processing is off (IMAGE_PROCESSING_ENABLED=false): no attachments to show."
    return media_attachments(con)


# ------------------------------------------------------------------------ plots


def _figure(width: float = 9, height: float = 3.5) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt  # the optional `notebooks` extra; frames work without it

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
        ax.plot(part["period"].to_list(), part["messages"].to_list(), marker="o",
                label=drawable(str(chat)))
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
    ax.barh([drawable(str(v)) for v in part[label].to_list()], part[value].to_list())
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
        ax.annotate(drawable(str(item["title"]))[:40], (item["day"], row), xytext=(6, -3),
                    textcoords="offset points", fontsize="small")
    ax.set_yticks([])
    ax.margins(x=0.15, y=0.05)  # room for the labels right of the last point
    ax.invert_yaxis()
    more = f", the first {limit} of {dated.height}" if dated.height > limit else ""
    ax.set_title(f"{title} (green: accepted, orange: waiting for review{more})")
    fig.autofmt_xdate()
    return fig
