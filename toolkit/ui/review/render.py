"""The HTML of the review card: summary, conversation, progress, banner and bulk preview.

Pure functions from proposal and message rows to HTML strings (every value escaped); the class
names they use are styled by `assets/review.css`. The image panel is in `images`.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from toolkit.ui.review.fields import split_when
from toolkit.ui.review.queue import STATUSES

SHOWN_SOURCES = 3  # source messages shown with their conversation; the rest are counted
EMPTY_HTML = ('<div class="cb-empty cb-card">Nothing to review with these '
              "filters. 🎉<br><small>Change the filters above, or run "
              "<code>chatbook extract</code> to find new events.</small></div>")


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def describe_when(start: str | None, end: str | None, all_day: bool) -> str:
    """Short human text for a start/end pair, e.g. 'Sat 5 Dec 2026, 10:00-12:00'."""
    day, clock = split_when(start)
    if day is None:
        return "no date"
    text = f"{day:%a} {day.day} {day:%b %Y}"
    if all_day or clock is None:
        return text + " (all day)"
    text += f", {clock:%H:%M}"
    end_day, end_clock = split_when(end)
    if end_clock is not None:
        text += f"–{end_clock:%H:%M}" if end_day == day else f" – {end_day:%a %d %b} {end_clock:%H:%M}"
    return text


def status_badge(status: str) -> str:
    return f'<span class="cb-badge cb-{esc(status)}">{esc(status)}</span>'


def confidence_meter(confidence: float) -> str:
    pct = max(0, min(100, round(float(confidence or 0) * 100)))
    level = "high" if pct >= 80 else "mid" if pct >= 50 else "low"
    return (f'<div class="cb-conf" title="extractor confidence">'
            f'<div class="cb-conf-bar cb-conf-{level}" style="width:{pct}%"></div>'
            f'<span>{pct}% confidence</span></div>')


def counts_html(counts: dict[str, int]) -> str:
    chips = [f'<span class="cb-chip cb-{esc(status)}">{esc(status)} '
             f'<b>{int(counts.get(status, 0))}</b></span>' for status in STATUSES
             if counts.get(status) or status == "pending"]
    label = '<span class="cb-sub" title="every proposal, whatever the filters">all:</span>'
    return '<div class="cb-counts">' + label + "".join(chips) + "</div>"


def progress_html(rows: list[dict[str, Any]], index: int) -> str:
    """Where the reviewer is in the queue and how many of it are decided."""
    n = len(rows)
    decided = sum(1 for row in rows if row.get("status") != "pending")
    where = f"<b>{index + 1}</b> of <b>{n}</b>" if n else "<b>0</b> of <b>0</b>"
    return (f'<div class="cb-progress">Proposal {where} in this queue · '
            f"{decided} decided</div>")


def short_time(sent_at: str | None) -> str:
    if not sent_at:
        return ""
    try:
        moment = datetime.fromisoformat(sent_at)
    except ValueError:
        return sent_at
    return f"{moment:%a %d %b %Y, %H:%M}"


def summary_html(p: dict[str, Any]) -> str:
    """The head of the card: id, title, when and where, status, confidence, who decided."""
    reviewed = ""
    if p.get("reviewed_by"):
        reviewed = (f' · by {esc(p["reviewed_by"])} {esc(short_time(p.get("reviewed_at")))}')
    reason = (f'<div class="cb-sub">Reason: {esc(p["reject_reason"])}</div>'
              if p.get("reject_reason") else "")
    flag = f'<div class="cb-flag">⚑ {esc(p["flagged"])}</div>' if p.get("flagged") else ""
    return (
        f'<div class="cb-section">Proposal #{int(p["id"])}</div>'
        f'<div class="cb-title-line">{esc(p["title"])}</div>'
        f'<div class="cb-sub">{esc(describe_when(p["start"], p.get("end"), bool(p["all_day"])))}'
        f'{" · " + esc(p["location"]) if p.get("location") else ""}</div>'
        f'<div style="display:flex;gap:10px;align-items:center;margin-top:8px">'
        f'{status_badge(p["status"])}{confidence_meter(p.get("confidence") or 0)}'
        f'<span class="cb-sub">{reviewed}</span></div>{reason}{flag}'
    )


def message_id_of(row: dict[str, Any]) -> int | None:
    value = row.get("message_id", row.get("id"))
    return int(value) if value is not None else None


def conversation_html(source: dict[str, Any], context: list[dict[str, Any]]) -> str:
    """The source message among its neighbours, the source highlighted."""
    source_id = message_id_of(source)
    rows = context or [source]
    if source_id is not None and all(message_id_of(r) != source_id for r in rows):
        rows = [*rows, source]
    items = []
    for row in rows:
        is_source = message_id_of(row) == source_id
        items.append(
            f'<div class="cb-msg{" cb-source" if is_source else ""}">'
            f'<div class="cb-meta"><span class="cb-author">{esc(row.get("author") or "system")}'
            f'</span><span class="cb-time">{esc(short_time(row.get("sent_at")))}</span></div>'
            f'<div class="cb-text">{esc(row.get("text"))}</div></div>'
        )
    chat = source.get("chat")
    header = f'<div class="cb-chatname">{esc(chat)}</div>' if chat else ""
    return f'<div class="cb-convo">{header}{"".join(items)}</div>'


def sources_html(conversations: list[tuple[dict[str, Any], list[dict[str, Any]]]],
                 total: int) -> str:
    """The first source messages (each with its context) of `total`, the rest counted."""
    blocks = [conversation_html(source, context) for source, context in conversations]
    more = (f'<div class="cb-note">and {total - SHOWN_SOURCES} more messages</div>'
            if total > SHOWN_SOURCES else "")
    if not blocks:
        return '<div class="cb-note">No source message recorded.</div>'
    label = "Source messages" if total > 1 else "Source message"
    return f'<div class="cb-section">{label} and conversation</div>' + "".join(blocks) + more


def bulk_table_html(rows: list[dict[str, Any]]) -> str:
    """The proposals a bulk accept would accept, for the reviewer to confirm."""
    table = "".join(
        f"<tr><td>{esc(r['title'])}</td>"
        f"<td>{esc(describe_when(r['start'], r.get('end'), bool(r['all_day'])))}</td>"
        f"<td>{esc(r.get('chat') or '')}</td><td>{float(r['confidence']):.2f}</td></tr>"
        for r in rows)
    return (f'<div class="cb-note">These {len(rows)} proposals will be accepted as '
            "extracted:</div><table><tr><th>Title</th><th>When</th><th>Chat</th>"
            f"<th>Confidence</th></tr>{table}</table>")


def no_bulk_html(threshold: float) -> str:
    return ('<div class="cb-note">No pending proposal has confidence '
            f"≥ {threshold:.2f} in this queue.</div>")


def bulk_note(accepted: int, conflicts: int, errors: list[str]) -> str:
    """What a bulk accept did: how many were accepted, left alone, or refused and why."""
    note = f"Bulk accepted {accepted}."
    if conflicts:
        note += f" {conflicts} changed since the preview and were left alone."
    if errors:
        note += " Not accepted: " + "; ".join(errors)
    return note


def banner_html(level: str, text: str) -> str:
    """One line above the proposal: info, ok, warn or error ('' for none)."""
    if not text:
        return ""
    return f'<div class="cb-banner cb-banner-{level}">{esc(text)}</div>'


def banner_text(banner: str) -> str:
    """The words a banner shows, without its markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", banner))
