"""What the assistant would write back to a chat: confirmations, cancellations, weekly digests.

Everything here is a *draft* in `agent_messages` (status draft, then sent once a person has
posted it); nothing is ever sent from here. Drafts are written in the chat's language (en, es,
de, fr, pt; English otherwise) with hand-made short date forms, because the point is a line a
parent would actually post: "Added: Bake sale, Sat 17 May 10:00-13:00, school gym".
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from toolkit.errors import InputError
from toolkit.language import detect_language
from toolkit.review.events import get_event, local_date, parse_when
from toolkit.store import agent_messages, db, messages
from toolkit.store import proposals as proposal_store

LANGS = ("en", "es", "de", "fr", "pt")
PHRASES: dict[str, dict[str, str]] = {
    "en": {"added": "Added", "changed": "Changed", "cancelled": "Cancelled", "week": "This week"},
    "es": {"added": "Añadido", "changed": "Cambiado", "cancelled": "Cancelado",
           "week": "Esta semana"},
    "de": {"added": "Eingetragen", "changed": "Geändert", "cancelled": "Abgesagt",
           "week": "Diese Woche"},
    "fr": {"added": "Ajouté", "changed": "Modifié", "cancelled": "Annulé", "week": "Cette semaine"},
    "pt": {"added": "Adicionado", "changed": "Alterado", "cancelled": "Cancelado",
           "week": "Esta semana"},
}
WEEKDAYS = {lang: names.split() for lang, names in {
    "en": "Mon Tue Wed Thu Fri Sat Sun",
    "es": "lun mar mié jue vie sáb dom",
    "de": "Mo Di Mi Do Fr Sa So",
    "fr": "lun. mar. mer. jeu. ven. sam. dim.",
    "pt": "seg ter qua qui sex sáb dom",
}.items()}
MONTHS = {lang: names.split() for lang, names in {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "es": "ene feb mar abr may jun jul ago sept oct nov dic",
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "pt": "jan fev mar abr mai jun jul ago set out nov dez",
}.items()}
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


# ------------------------------------------------------------------------- formatting


def format_day(day: date, lang: str) -> str:
    """'Sat 17 May' in English, 'Sa 17. Mai' in German, 'sáb 17 may' in Spanish."""
    lang = lang if lang in LANGS else "en"
    weekday, month = WEEKDAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    number = f"{day.day}." if lang == "de" else str(day.day)
    return f"{weekday} {number} {month}"


def format_when(start: str, end: str | None, all_day: bool, tz: str | None, lang: str) -> str:
    """The date and time span of an event, short, in the chat's language and the event's zone."""
    if all_day:
        first = local_date(start)
        last = local_date(end) if end else first
        if last <= first:
            return format_day(first, lang)
        return f"{format_day(first, lang)} - {format_day(last, lang)}"
    zone = ZoneInfo(tz) if tz else None
    begin = as_local(parse_when(start), zone)
    if not end:
        return f"{format_day(begin.date(), lang)} {begin:%H:%M}"
    finish = as_local(parse_when(end), zone)
    if finish.date() == begin.date():
        return f"{format_day(begin.date(), lang)} {begin:%H:%M}-{finish:%H:%M}"
    return (f"{format_day(begin.date(), lang)} {begin:%H:%M} - "
            f"{format_day(finish.date(), lang)} {finish:%H:%M}")


def as_local(when: date | datetime, zone: ZoneInfo | None) -> datetime:
    if not isinstance(when, datetime):
        return datetime(when.year, when.month, when.day)
    return when.astimezone(zone) if zone else when


def event_line(event: dict[str, Any], lang: str) -> str:
    """'Bake sale, Sat 17 May 10:00-13:00, school gym'."""
    when = format_when(event["start"], event["end"], bool(event["all_day"]), event["tz"], lang)
    parts = [event["title"], when] + ([event["location"]] if event["location"] else [])
    return ", ".join(parts)


def confirmation_body(event: dict[str, Any], lang: str, *, changed: bool = False) -> str:
    phrase = PHRASES.get(lang, PHRASES["en"])["changed" if changed else "added"]
    return f"{phrase}: {event_line(event, lang)}"


def cancellation_body(event: dict[str, Any], lang: str) -> str:
    return f"{PHRASES.get(lang, PHRASES['en'])['cancelled']}: {event_line(event, lang)}"


# ------------------------------------------------------------------------- languages and chats


def chat_language(conn: db.Connection, chat_id: int) -> str:
    """The chat's language: as recorded, else detected from its recent messages (and recorded).

    Call inside a transaction (it may write `chats.lang`).
    """
    recorded = (messages.chat_lang(conn, chat_id) or "").lower()[:2]
    if recorded in LANGS:
        return recorded
    texts = messages.recent_texts(conn, chat_id)
    if texts:
        try:
            detected = (detect_language("\n".join(texts)) or "").lower()[:2]
        except ImportError:  # lingua is optional for drafting; English is a safe default
            return "en"
        if detected in LANGS:
            # Remember it: ingest leaves the column empty, and detection is not free.
            messages.remember_lang(conn, chat_id, detected)
            return detected
    return "en"


def event_chats(conn: db.Connection, event: dict[str, Any]) -> list[int]:
    """Every chat the event was mentioned in (its proposal's sources), its own chat first."""
    sources = proposal_store.source_chat_ids(conn, event["proposal_id"])
    chats = [event["chat_id"]] if event["chat_id"] is not None else []
    return chats + [chat_id for chat_id in sources if chat_id not in chats]


# ------------------------------------------------------------------------- event drafts


def sync_event_drafts(conn: db.Connection, event_id: int) -> list[int]:
    """Make the event's unsent drafts match its state; returns the ids of its drafts.

    Call inside the caller's transaction, after every change to the event. Confirmed: one
    confirmation per chat ("Changed" once a confirmation was sent, none if the sent one still
    says it all). Cancelled: a cancellation only where a confirmation was sent. Gone: no drafts.
    """
    event = get_event(conn, event_id)
    if event is None:
        agent_messages.delete_event_drafts(conn, event_id)
        return []
    ids: list[int] = []
    for chat_id in event_chats(conn, event):
        draft = draft_for_chat(conn, event, chat_id)
        if draft is not None:
            ids.append(draft)
    return ids


def draft_for_chat(conn: db.Connection, event: dict[str, Any], chat_id: int) -> int | None:
    """The one unsent draft this chat needs about the event now, or None if it needs none."""
    lang = chat_language(conn, chat_id)
    sent = agent_messages.sent_about(conn, event["id"], chat_id)
    last_kind = sent[-1]["kind"] if sent else None
    confirmations = [row["body"] for row in sent if row["kind"] == "confirmation"]
    if event["status"] == "confirmed":
        kind, other = "confirmation", "cancellation"
        body = confirmation_body(event, lang, changed=bool(confirmations))
        already_said = last_kind == "confirmation" and same_content(body, confirmations[-1])
    else:
        kind, other = "cancellation", "confirmation"
        body = cancellation_body(event, lang)
        # A chat never told about the event needs no cancellation either.
        already_said = not confirmations or last_kind == "cancellation"
    agent_messages.delete_drafts(conn, event["id"], chat_id, other)
    if already_said:
        agent_messages.delete_drafts(conn, event["id"], chat_id, kind)
        return None
    return agent_messages.upsert_draft(conn, kind=kind, chat_id=chat_id, event_id=event["id"],
                                       lang=lang, body=body, period=None)


def same_content(body: str, old: str) -> bool:
    """Same event line, whatever the leading word ("Added" or "Changed")."""
    return body.split(": ", 1)[-1] == old.split(": ", 1)[-1]


# ------------------------------------------------------------------------- weekly digests


def parse_week(week: str | None) -> tuple[str, date]:
    """'2025-W20' -> ('2025-W20', its Monday); None -> the current ISO week (UTC)."""
    if week is None:
        year, number, _ = datetime.now(UTC).date().isocalendar()
        week = f"{year}-W{number:02d}"
    match = WEEK_PATTERN.match(week.strip())
    if not match:
        raise InputError(f"week {week!r}: expected an ISO week like 2025-W20")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise InputError(f"week {week!r}: no such ISO week") from None
    return week.strip(), monday


def digest_body(events: list[dict[str, Any]], monday: date, lang: str) -> str:
    phrase = PHRASES.get(lang, PHRASES["en"])["week"]
    span = f"{format_day(monday, lang)} - {format_day(monday + timedelta(days=6), lang)}"
    lines = [f"{phrase} ({span}):"]
    lines += [f"- {event_line(event, lang)}" for event in events]
    return "\n".join(lines)


def weekly_digests(conn: db.Connection, week: str | None = None) -> list[dict[str, Any]]:
    """Draft one digest per chat of the confirmed events starting in ISO `week`.

    Re-running updates an unsent digest; a digest already sent is left as it was. Chats with
    nothing that week get no digest.
    """
    period, monday = parse_week(week)
    first, after = monday.isoformat(), (monday + timedelta(days=7)).isoformat()
    with db.transaction(conn):
        events = proposal_store.confirmed_between(conn, first, after)
        by_chat: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for event in events:
            for chat_id in event_chats(conn, event):
                by_chat[chat_id].append(event)
        ids = []
        for chat_id, chat_events in sorted(by_chat.items()):
            sent = agent_messages.sent_digest(conn, chat_id, period)
            if sent is not None:
                ids.append(sent)
                continue
            lang = chat_language(conn, chat_id)
            ids.append(agent_messages.upsert_draft(
                conn, kind="digest", chat_id=chat_id, event_id=None, lang=lang,
                body=digest_body(chat_events, monday, lang), period=period))
    return [get_message(conn, message_id) for message_id in ids]


# ------------------------------------------------------------------------- reading and sending


def get_message(conn: db.Connection, message_id: int) -> dict[str, Any]:
    row = agent_messages.message_row(conn, message_id)
    if row is None:
        raise InputError(f"no agent message with id {message_id}")
    return row


def list_messages(conn: db.Connection, *, status: str | None = "draft",
                  kind: str | None = None) -> list[dict[str, Any]]:
    """Agent messages (drafts by default), oldest first, with their chat's name."""
    return agent_messages.message_rows(conn, status=status, kind=kind)


def mark_sent(conn: db.Connection, message_id: int) -> dict[str, Any]:
    """Record that a person posted this draft; marking a sent message again changes nothing."""
    with db.transaction(conn):
        get_message(conn, message_id)
        agent_messages.mark_sent(conn, message_id)
    return get_message(conn, message_id)
