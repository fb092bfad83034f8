"""The HTML of the review card: summary, conversation, progress, banner, end state, bulk note.

Pure functions from proposal and message rows to HTML strings (every value escaped); the class
names they use are styled by `assets/review.css`. The image panel is in `images`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.ui.review.fields import split_when
from toolkit.ui.review.keys import first_key
from toolkit.ui.review.queue import STATUSES

SHOWN_SOURCES = 3  # source messages shown with their conversation; the rest are counted
CONTEXT_CHARS = 600  # a neighbour longer than this is cut, the rest one click away
SOURCE_CHARS = 2000  # the same for a source message, which is read in full more often
EMPTY_HTML = ('<div class="cb-empty cb-card">✓ Nothing to review with these '
              "filters.<br><small>Change the filters above, or run "
              "<code>chatbook extract</code> to find new events.</small></div>")
KIND_LABELS = {"deadline": "Deadline", "closure": "Closed / no session"}
VERBS = {"accept": "accepted", "edit": "edited and accepted", "reject": "rejected",
         "undo": "undid a decision on", "cancel": "cancelled", "flag": "flagged"}


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


# ------------------------------------------------------------------ when and where


def zone_of(p: dict[str, Any]) -> ZoneInfo | None:
    try:
        return ZoneInfo(str(p["tz"])) if p.get("tz") else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_text(p: dict[str, Any]) -> str:
    """The event's time zone as a person reads it: 'Europe/London, GMT' or 'UTC+01:00'.

    The proposal's IANA zone with its abbreviation on the event's day; without a zone, the
    offset the start was written with.
    """
    start = p.get("start")
    if not start or len(str(start)) == 10:
        return str(p["tz"]) if p.get("tz") else ""
    moment = datetime.fromisoformat(str(start))
    zone = zone_of(p)
    if zone is not None:
        local = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
        abbreviation = local.tzname() or ""
        name = str(p["tz"])
        return name if not abbreviation or abbreviation in name else f"{name}, {abbreviation}"
    if moment.tzinfo is None:
        return ""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return "UTC" if minutes == 0 else f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


ZONE_SOURCES = {"given": "the chat's zone, as set", "phones": "the chat's zone, from its members' "
                "phone numbers", "locale": "the chat's zone, from the export's language",
                "machine": "the chat's zone, from this computer's", "chosen": "chosen for this event"}


def zone_line(p: dict[str, Any], info: dict[str, Any] | None) -> str:
    """Beside the time fields: the zone the times are in, and where that zone came from."""
    zone = zone_text(p)
    if not zone or p.get("all_day"):
        return ""
    why = ZONE_SOURCES.get(str((info or {}).get("source")), "")
    note = str((info or {}).get("note") or "")
    if why and note and (info or {}).get("source") != "chosen":
        why += f" ({note})"
    elif note:
        why = note
    tail = f' <span class="cb-sub">— {esc(why)}</span>' if why else ""
    return f'<div class="cb-zone cb-form-zone">Times are in {esc(zone)}{tail}</div>'


def describe_when(start: str | None, end: str | None, all_day: bool) -> str:
    """Short human text for a start/end pair, e.g. 'Sat 5 Dec 2026, 10:00–12:00'."""
    day, clock = split_when(start)
    if day is None:
        return "no date"
    text = f"{day:%a} {day.day} {day:%b %Y}"
    end_day, end_clock = split_when(end)
    if all_day or clock is None:
        if end_day is not None and end_day != day:
            return text + f" – {end_day:%a} {end_day.day} {end_day:%b %Y} (all day)"
        return text + " (all day)"
    text += f", {clock:%H:%M}"
    if end_clock is not None and end_day is not None:
        text += (f"–{end_clock:%H:%M}" if end_day == day
                 else f" – {end_day:%a} {end_day.day} {end_day:%b} {end_clock:%H:%M}")
    return text


def when_html(p: dict[str, Any]) -> str:
    """The when-line of the card, with the event's time zone."""
    when = esc(describe_when(p["start"], p.get("end"), bool(p["all_day"])))
    zone = zone_text(p) if not p["all_day"] else ""
    zone_part = f' <span class="cb-zone" title="time zone of the event">({esc(zone)})</span>' \
        if zone else ""
    where = f" · {esc(p['location'])}" if p.get("location") else ""
    return f'<div class="cb-when">{when}{zone_part}{where}</div>'


# ------------------------------------------------------------------ the card's head


def status_badge(status: str) -> str:
    return f'<span class="cb-badge cb-{esc(status)}">{esc(status)}</span>'


def confidence_meter(confidence: float) -> str:
    pct = max(0, min(100, round(float(confidence or 0) * 100)))
    level = "high" if pct >= 80 else "mid" if pct >= 50 else "low"
    return (f'<div class="cb-conf" title="how sure the extractor was">'
            f'<div class="cb-conf-bar cb-conf-{level}" style="width:{pct}%"></div>'
            f'<span>{pct}% confidence</span></div>')


def counts_html(counts: dict[str, int]) -> str:
    chips = [f'<span class="cb-chip cb-{esc(status)}">{esc(status)} '
             f'<b>{int(counts.get(status, 0))}</b></span>' for status in STATUSES
             if counts.get(status) or status == "pending"]
    label = '<span class="cb-sub" title="every proposal, whatever the filters">all:</span>'
    return '<div class="cb-counts">' + label + "".join(chips) + "</div>"


def progress_html(rows: Sequence[dict[str, Any]], index: int, *, finished: bool = False) -> str:
    """A bar of how much of the queue is decided, and where the reviewer is in it."""
    n = len(rows)
    decided = sum(1 for row in rows if row.get("status") != "pending")
    pct = round(100 * decided / n) if n else 0
    if finished:
        text = f"All {n} in this queue decided"
    else:
        where = f"{index + 1} of {n}" if n else "0 of 0"
        text = f"Proposal {where} in this queue · {decided} decided"
    return (f'<div class="cb-progress" role="progressbar" aria-valuemin="0" '
            f'aria-valuemax="{n}" aria-valuenow="{decided}">'
            f'<div class="cb-progress-bar"><span style="width:{pct}%"></span></div>'
            f'<span class="cb-progress-text">{esc(text)}</span></div>')


def header_html() -> str:
    return ('<div class="cb-h1">Review proposals</div>'
            '<button type="button" class="cb-keys-btn" title="Every keyboard shortcut">'
            "<kbd>?</kbd> Keys</button>")


def short_time(sent_at: str | None) -> str:
    if not sent_at:
        return ""
    try:
        moment = datetime.fromisoformat(sent_at)
    except ValueError:
        return sent_at
    return f"{moment:%a %d %b %Y, %H:%M}"


def summary_html(p: dict[str, Any], changes: Sequence[dict[str, Any]] = ()) -> str:
    """The head of the card: title, when (with its zone) and where, status, confidence, who
    decided, and what later messages changed. `data-proposal-id` tells the page's keys which
    proposal a person is looking at."""
    reviewed = ""
    if p.get("reviewed_by"):
        reviewed = f' · by {esc(p["reviewed_by"])} {esc(short_time(p.get("reviewed_at")))}'
    reason = (f'<div class="cb-sub">Reason: {esc(p["reject_reason"])}</div>'
              if p.get("reject_reason") else "")
    flag = f'<div class="cb-flag">⚑ {esc(p["flagged"])}</div>' if p.get("flagged") else ""
    kind = KIND_LABELS.get(str(p.get("kind") or "event"))
    kind_badge = f'<span class="cb-badge cb-kind">{esc(kind)}</span>' if kind else ""
    return (
        f'<div class="cb-summary" data-proposal-id="{int(p["id"])}">'
        f'<div class="cb-section">Proposal #{int(p["id"])}</div>'
        f'<div class="cb-title-line">{esc(p["title"])}</div>'
        f"{when_html(p)}"
        f'<div class="cb-badges">{status_badge(p["status"])}{kind_badge}'
        f'{confidence_meter(p.get("confidence") or 0)}'
        f'<span class="cb-sub">{reviewed}</span></div>{reason}{flag}'
        f"{changes_html(changes)}</div>"
    )


FIELD_NAMES = {"title": "Title", "start": "Start", "end": "End", "all_day": "All day",
               "tz": "Time zone", "location": "Place", "kind": "Kind"}
ACTION_WORDS = {"move": "moved by a message", "retime": "the chat's time zone changed",
                "edit": "edited", "undo": "undone", "cancel": "cancelled by a message"}


def change_value(name: str, value: Any) -> str:
    """A changed field's value as a person reads it."""
    if value in (None, ""):
        return "none"
    if name in ("start", "end"):
        day, clock = split_when(str(value))
        if day is None:
            return str(value)
        return f"{day:%a} {day.day} {day:%b}" + (f" {clock:%H:%M}" if clock else "")
    if name == "all_day":
        return "yes" if value else "no"
    return str(value)


def change_cause(change: dict[str, Any]) -> str:
    """Why a field changed: the message that said so, a zone change, or who edited it."""
    message = change.get("message")
    if isinstance(message, dict) and message.get("text"):
        text = str(message["text"])
        text = text if len(text) <= 140 else text[:139] + "…"
        who = esc(message.get("author") or "")
        when = esc(short_time(message.get("sent_at")))
        return f' <span class="cb-sub">— “{esc(text)}” ({who}, {when})</span>'
    zone = change.get("zone_change")
    if isinstance(zone, dict) and zone.get("to"):
        return f' <span class="cb-sub">— the chat\'s zone became {esc(zone["to"])}</span>'
    action = ACTION_WORDS.get(str(change.get("action")), str(change.get("action") or "changed"))
    by = change.get("by")
    by_text = f" by {esc(by)}" if by and action in ("edited", "undone") else ""
    return f' <span class="cb-sub">— {esc(action)}{by_text}</span>'


def changes_html(changes: Sequence[dict[str, Any]]) -> str:
    """What changed on this proposal since it was found (a later message moved it, a reviewer
    edited it): field, before → after, and why. Status changes show on the badge instead."""
    shown = [c for c in changes if c.get("field") in FIELD_NAMES]
    if not shown:
        return ""
    items = [f'<li><b>{esc(FIELD_NAMES[str(c["field"])])}</b>: '
             f'<s>{esc(change_value(str(c["field"]), c.get("before")))}</s> → '
             f'{esc(change_value(str(c["field"]), c.get("after")))}{change_cause(c)}</li>'
             for c in shown]
    return ('<div class="cb-changes"><div class="cb-section">What changed since it was found'
            f'</div><ul>{"".join(items)}</ul></div>')


# ------------------------------------------------------------------ the conversation


def message_id_of(row: dict[str, Any]) -> int | None:
    value = row.get("message_id", row.get("id"))
    return int(value) if value is not None else None


@dataclass
class Conversation:
    """One chat's stretch of messages around one or more source messages of a proposal."""

    chat: str | None
    segments: list[list[dict[str, Any]]]  # runs of consecutive messages; gaps between them
    source_ids: set[int]


def merge_conversations(items: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]]
                        ) -> list[Conversation]:
    """(source, context) pairs as one conversation per chat, each message once.

    Two sources a few messages apart share their neighbours; showing each with its own context
    would repeat those. Windows that share a message become one run; the others are kept apart
    by a gap, in chat order.
    """
    by_chat: dict[str | None, Conversation] = {}
    windows: dict[str | None, list[list[dict[str, Any]]]] = {}
    for source, context in items:
        source_id = message_id_of(source)
        rows = list(context) or [source]
        if source_id is not None and all(message_id_of(r) != source_id for r in rows):
            rows.append(source)
        chat = source.get("chat") or next((r.get("chat") for r in rows if r.get("chat")), None)
        conversation = by_chat.setdefault(chat, Conversation(chat, [], set()))
        if source_id is not None:
            conversation.source_ids.add(source_id)
        windows.setdefault(chat, []).append(rows)
    for chat, chat_windows in windows.items():
        by_chat[chat].segments = merge_windows(chat_windows)
    return list(by_chat.values())


def chat_order(row: dict[str, Any]) -> tuple[str, int]:
    return str(row.get("sent_at") or ""), message_id_of(row) or 0


def merge_windows(windows: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Context windows of one chat merged where they share a message, in chat order."""
    ordered = sorted((sorted(w, key=chat_order) for w in windows if w),
                     key=lambda w: chat_order(w[0]))
    merged: list[list[dict[str, Any]]] = []
    for window in ordered:
        ids = {message_id_of(r) for r in window}
        if merged and ids & {message_id_of(r) for r in merged[-1]}:
            seen = {message_id_of(r) for r in merged[-1]}
            merged[-1] = sorted(merged[-1] + [r for r in window if message_id_of(r) not in seen],
                                key=chat_order)
        else:
            merged.append(window)
    return merged


def text_html(text: Any, limit: int) -> str:
    """A message's text, escaped; past `limit` characters the rest waits behind a click."""
    value = "" if text is None else str(text)
    if len(value) <= limit:
        return f'<div class="cb-text">{esc(value)}</div>'
    cut = value.rfind(" ", limit - 80, limit)
    cut = cut if cut > 0 else limit
    return (f'<div class="cb-text">{esc(value[:cut])}<details class="cb-more">'
            f"<summary>… show all {len(value):,} characters</summary>{esc(value[cut:])}"
            "</details></div>")


def message_html(row: dict[str, Any], is_source: bool) -> str:
    limit = SOURCE_CHARS if is_source else CONTEXT_CHARS
    return (f'<div class="cb-msg{" cb-source" if is_source else ""}">'
            f'<div class="cb-meta"><span class="cb-author">{esc(row.get("author") or "system")}'
            f'</span><span class="cb-time">{esc(short_time(row.get("sent_at")))}</span></div>'
            f"{text_html(row.get('text'), limit)}</div>")


def conversation_html(conversation: Conversation) -> str:
    """One chat's messages, the sources highlighted, a gap marked between separate stretches."""
    parts = []
    for number, segment in enumerate(conversation.segments):
        if number:
            parts.append('<div class="cb-gap" title="messages in between are not shown">⋯</div>')
        parts += [message_html(row, message_id_of(row) in conversation.source_ids)
                  for row in segment]
    header = (f'<div class="cb-chatname">{esc(conversation.chat)}</div>'
              if conversation.chat else "")
    return f'<div class="cb-convo">{header}{"".join(parts)}</div>'


def sources_html(items: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]],
                 total: int) -> str:
    """The first source messages (with their context, merged per chat) of `total`."""
    if not items:
        return '<div class="cb-note">No source message recorded.</div>'
    blocks = [conversation_html(c) for c in merge_conversations(items)]
    more = (f'<div class="cb-note">and {total - SHOWN_SOURCES} more messages</div>'
            if total > SHOWN_SOURCES else "")
    label = "Source messages" if total > 1 else "Source message"
    return f'<div class="cb-section">{label} and conversation</div>' + "".join(blocks) + more


# ------------------------------------------------------------------ the end, bulk, banner


def done_html(rows: Sequence[dict[str, Any]], last: str = "") -> str:
    """The end of a queue: everything decided, what became of it, and what one can do next."""
    tally: dict[str, int] = {}
    for row in rows:
        tally[str(row.get("status"))] = tally.get(str(row.get("status")), 0) + 1
    parts = [f"{n} {status}" for status, n in tally.items() if status != "pending"]
    last_line = f"<div>{esc(last)}</div>" if last else ""
    return ('<div class="cb-done cb-card" role="status"><div class="cb-done-title">'
            "✓ Every proposal in this queue is decided</div>"
            f'<div>{len(rows)} here: {esc(", ".join(parts))}.</div>{last_line}'
            f'<small>Undo [{esc(first_key("undo"))}] reverts your last decision; '
            f"Previous [{esc(first_key('previous'))}] goes back through them. Change the "
            "filters to see other proposals, or run <code>chatbook extract</code> for new "
            "ones.</small></div>")


def bulk_row_html(r: dict[str, Any]) -> str:
    """One line of the bulk preview, beside its checkbox."""
    when = esc(describe_when(r["start"], r.get("end"), bool(r["all_day"])))
    chat = f' · <span class="cb-sub">{esc(r["chat"])}</span>' if r.get("chat") else ""
    return (f'<span class="cb-bulk-row"><b>{esc(r["title"])}</b> · {when}{chat} · '
            f'{round(float(r["confidence"]) * 100)}%</span>')


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
    if accepted:
        note += f" Undo [{first_key('undo')}] reverts all {accepted} at once."
    return note


def when_ago(at: str | None, now: datetime | None = None) -> str:
    """A past moment as a person says it: 'just now', '5 minutes ago', 'yesterday at 14:05'."""
    if not at:
        return "a moment ago"
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return "earlier"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    seconds = (now - moment).total_seconds()
    local, today = moment.astimezone(), now.astimezone().date()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes > 1 else ''} ago"
    if local.date() == today:
        return f"today at {local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"yesterday at {local:%H:%M}"
    return f"on {local:%a} {local.day} {local:%b} at {local:%H:%M}"


def conflict_text(last: dict[str, Any] | None, reviewer: str, title: str,
                  now: datetime | None = None) -> str:
    """Why a decision was refused, as a sentence: who changed the proposal, and when."""
    if last is None:
        who = "Someone else changed this proposal"
    else:
        verb = VERBS.get(str(last.get("action")), "changed")
        name = str(last.get("reviewer") or "someone")
        ago = when_ago(last.get("at"), now)
        who = (f"You {verb} “{title}” in another tab or window {ago}" if name == reviewer
               else f"{name} {verb} “{title}” {ago}")
    return (f"Not saved: {who}, while this page still showed the earlier version. Nothing was "
            "overwritten; below is the proposal as it is now, so decide again if you still want "
            "to.")


def banner_html(level: str, text: str) -> str:
    """One line above the proposal: info, ok, warn or error ('' for none)."""
    if not text:
        return ""
    role = ' role="alert"' if level == "error" else ' role="status"'
    return f'<div class="cb-banner cb-banner-{level}"{role}>{esc(text)}</div>'


def banner_text(banner: str) -> str:
    """The words a banner shows, without its markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", banner))

