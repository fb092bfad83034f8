"""Search results for notebooks: a table, an HTML conversation view, and an ipywidgets search box.

The notebook (`notebooks/03_search.ipynb`) only calls these; all text from the chats is
HTML-escaped before it is shown.
"""

from __future__ import annotations

import html
from typing import Any

from toolkit.config import Settings
from toolkit.errors import ChatbookError
from toolkit.search.query import MODES, Hit, search_messages
from toolkit.store import messages


def hits_table(hits: list[Hit]) -> Any:
    """One row per hit (polars DataFrame): rank, score, chat, time, author, text, how many identical
    messages it stands for, matched by."""
    import polars as pl

    return pl.DataFrame(
        {
            "rank": [h.rank for h in hits],
            "score": [h.score for h in hits],
            "chat": [h.chat for h in hits],
            "sent_at": [h.sent_at for h in hits],
            "author": [h.author or "" for h in hits],
            "text": [h.text for h in hits],
            "count": [h.count for h in hits],
            "matched_by": [", ".join(f"{k} #{v}" for k, v in h.matched_by.items()) for h in hits],
            "message_id": [h.message_id for h in hits],
        },
        schema={"rank": pl.Int64, "score": pl.Float64, "chat": pl.Utf8, "sent_at": pl.Utf8,
                "author": pl.Utf8, "text": pl.Utf8, "count": pl.Int64, "matched_by": pl.Utf8,
                "message_id": pl.Int64},
    )


def render_hits(hits: list[Hit]) -> str:
    """HTML: each hit with its conversation, the hit itself highlighted."""
    if not hits:
        return "<p><em>No matching messages.</em></p>"
    parts = []
    for hit in hits:
        lines = []
        for line in hit.context or [hit.as_dict() | {"is_hit": True}]:
            style = "background:#fff3bf;font-weight:600" if line["is_hit"] else "color:#555"
            lines.append(
                f'<div style="{style}"><span style="color:#888">{html.escape(str(line["sent_at"]))}</span> '
                f"<b>{html.escape(line['author'] or '-')}</b>: "
                f"{html.escape(str(line['text'])).replace(chr(10), '<br>')}</div>"
            )
        same = f" · {hit.count} identical messages, the newest shown" if hit.count > 1 else ""
        parts.append(
            f'<div style="margin:0 0 12px 0;padding:6px;border-left:3px solid #999">'
            f"<div>#{hit.rank} · score {hit.score:.4f} · {html.escape(hit.chat)}{same}</div>"
            f"{''.join(lines)}</div>"
        )
    return "".join(parts)


def chat_names(settings: Settings) -> list[str]:
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    try:
        return messages.chat_names(conn)
    finally:
        conn.close()


def search_widget(
    settings: Settings, *, query: str = "", mode: str = "hybrid", k: int = 10, context: int = 2
) -> Any:
    """A search box with mode, k, chat and context controls; results render below it.

    Errors a user can act on (an empty query, no vectors yet) are shown in place of results.
    """
    import ipywidgets as widgets

    # continuous_update=False: the search runs on Enter (or leaving the box), not per keystroke.
    box = widgets.Text(value=query, placeholder="search your chats…", description="Search",
                       continuous_update=False, layout=widgets.Layout(width="60%"))
    mode_pick = widgets.Dropdown(options=list(MODES), value=mode, description="Mode")
    k_pick = widgets.IntSlider(value=k, min=1, max=50, description="Results")
    chat_pick = widgets.Dropdown(options=["(all chats)", *chat_names(settings)], description="Chat")
    context_pick = widgets.IntSlider(value=context, min=0, max=10, description="Context")
    button = widgets.Button(description="Search", button_style="primary")
    out = widgets.HTML()

    def run(_: Any = None) -> None:
        chat = None if chat_pick.value == "(all chats)" else chat_pick.value
        try:
            hits = search_messages(settings, box.value, k=k_pick.value, mode=mode_pick.value, chat=chat,
                          context=context_pick.value)
            out.value = render_hits(hits)
        except ChatbookError as error:
            out.value = f"<p style='color:#b00'>{html.escape(str(error))}</p>"

    button.on_click(run)
    box.observe(run, names="value")
    if query.strip():
        run()
    controls = widgets.HBox([mode_pick, k_pick, chat_pick, context_pick])
    return widgets.VBox([widgets.HBox([box, button]), controls, out])
