"""Accepted events, and their export as iCalendar (RFC 5545) through the `icalendar` library.

An event is born when a reviewer accepts a proposal. Its UID is derived from the proposal's
dedupe key, so it stays the same across edits, re-runs and even a rebuilt database; every
change after the first export bumps SEQUENCE, which is how calendars know an update replaces
what they imported. Events are never deleted once exported: they are cancelled and exported
with STATUS:CANCELLED, so an importing calendar removes them too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from toolkit import __version__
from toolkit.errors import InputError
from toolkit.fsutil import write_private_bytes
from toolkit.store import agent_messages, db
from toolkit.store import proposals as proposal_store

EVENT_FIELDS = ("title", "start", "end", "all_day", "tz", "location", "kind")
# Kinds that are days rather than appointments: exported all-day, marked with a category, and
# transparent (they take no time in the calendar's free/busy).
DAY_KINDS = {"deadline": "Deadline", "closure": "Closure"}
# Fixed namespace: the same dedupe key gives the same UID on every machine, forever.
UID_NAMESPACE = uuid.UUID("5d0c4a52-6c1b-4f43-9a57-2f1c0b7e8a31")
PRODID = f"-//chatbook//chatbook {__version__}//EN"


def uid_for(dedupe_key: str) -> str:
    """The stable iCalendar UID of the event accepted from the proposal with this key."""
    return f"{uuid.uuid5(UID_NAMESPACE, dedupe_key)}@chatbook"


def parse_when(value: str) -> date | datetime:
    """A stored start/end: a plain date (all-day) or an ISO 8601 datetime with offset."""
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment


def local_date(value: str) -> date:
    """The calendar day of a stored start/end, in the offset it was written with."""
    when = parse_when(value)
    return when.date() if isinstance(when, datetime) else when


def get_event(conn: db.Connection, event_id: int) -> dict[str, Any] | None:
    return proposal_store.event_row(conn, event_id)


def event_for_proposal(conn: db.Connection, proposal_id: int) -> dict[str, Any] | None:
    return proposal_store.event_of_proposal(conn, proposal_id)


def list_events(conn: db.Connection, *, status: str | None = None) -> list[dict[str, Any]]:
    """Events in start order, with the name of their chat; `status` confirmed or cancelled."""
    return proposal_store.event_rows(conn, status)


def upsert_for_proposal(conn: db.Connection, *, proposal_id: int, dedupe_key: str,
                        chat_id: int | None, values: dict[str, Any]) -> int:
    """Create the proposal's event, or bring it to `values` (SEQUENCE + 1 when anything changes).

    Call inside the caller's transaction. A cancelled event that is accepted again is
    confirmed again under the same UID.
    """
    existing = event_for_proposal(conn, proposal_id)
    now = db.utc_now()
    fields = [values[name] for name in EVENT_FIELDS]
    if existing is None:
        return proposal_store.insert_event(conn, uid=uid_for(dedupe_key), proposal_id=proposal_id,
                                           chat_id=chat_id, fields=fields, now=now)
    changed = existing["status"] != "confirmed" or any(
        existing[name] != values[name] for name in EVENT_FIELDS
    )
    if changed:
        proposal_store.confirm_event(conn, existing["id"], fields, now)
    return int(existing["id"])


def set_values(conn: db.Connection, event_id: int, values: dict[str, Any]) -> bool:
    """Give the event new values, keeping its status (SEQUENCE + 1); False when nothing changed."""
    current = get_event(conn, event_id)
    if current is None or all(current[name] == values[name] for name in EVENT_FIELDS):
        return False
    proposal_store.set_event_state(conn, event_id,
                                   [*(values[name] for name in EVENT_FIELDS), current["status"]])
    return True


def cancel_event(conn: db.Connection, event_id: int) -> bool:
    """Mark an event cancelled (SEQUENCE + 1); False when it already was."""
    return proposal_store.cancel_event(conn, event_id)


def restore_event(conn: db.Connection, event_id: int, snapshot: dict[str, Any]) -> None:
    """Put an event back to an earlier state; SEQUENCE still goes up, never down."""
    current = get_event(conn, event_id)
    if current is None:
        return
    names = (*EVENT_FIELDS, "status")
    # A snapshot taken before a field existed (kind) leaves that field as it is.
    state = [snapshot.get(name, current[name]) for name in names]
    if all(current[name] == value for name, value in zip(names, state, strict=True)):
        return
    proposal_store.set_event_state(conn, event_id, state)


def remove_or_cancel(conn: db.Connection, event_id: int) -> str:
    """Take an event back: delete it if nobody outside saw it, else cancel it.

    "Outside" means exported to a file or announced by an agent message marked sent.
    """
    event = get_event(conn, event_id)
    if event is None:
        return "absent"
    if event["exported_at"] is None and not agent_messages.any_sent_about(conn, event_id):
        agent_messages.delete_about_event(conn, event_id)
        proposal_store.delete_event(conn, event_id)
        return "removed"
    cancel_event(conn, event_id)
    return "cancelled"


# ------------------------------------------------------------------------- iCalendar


def ical_time(value: str, tz: str | None) -> date | datetime:
    """A stored time as icalendar wants it: a date, or an aware datetime in the event's zone."""
    when = parse_when(value)
    if not isinstance(when, datetime):
        return when
    return when.astimezone(ZoneInfo(tz) if tz else UTC)


def all_day_end(start: str, end: str | None) -> date:
    """DTEND of an all-day event: the day after its last day (RFC 5545 ends are exclusive).

    Stored all-day ends are inclusive ("Fri-Sun" ends on Sunday).
    """
    last = local_date(end) if end else local_date(start)
    return max(last, local_date(start)) + timedelta(days=1)


def vevent(row: dict[str, Any]) -> Event:
    """One VEVENT from an events row."""
    item = Event()
    item.add("uid", row["uid"])
    item.add("dtstamp", datetime.fromisoformat(row["updated_at"]).astimezone(UTC))
    item.add("created", datetime.fromisoformat(row["created_at"]).astimezone(UTC))
    item.add("last-modified", datetime.fromisoformat(row["updated_at"]).astimezone(UTC))
    item.add("sequence", int(row["sequence"]))
    item.add("summary", row["title"])
    kind = row.get("kind") or "event"
    if row["all_day"] or kind in DAY_KINDS:
        item.add("dtstart", local_date(row["start"]))
        item.add("dtend", all_day_end(row["start"], row["end"]))
    else:
        item.add("dtstart", ical_time(row["start"], row["tz"]))
        if row["end"]:
            item.add("dtend", ical_time(row["end"], row["tz"]))
    if row["location"]:
        item.add("location", row["location"])
    if row.get("chat"):
        item.add("description", f"From the chat {row['chat']} (chatbook)")
    item.add("status", "CANCELLED" if row["status"] == "cancelled" else "CONFIRMED")
    if kind in DAY_KINDS:
        item.add("categories", [DAY_KINDS[kind]])
        item.add("transp", "TRANSPARENT")
    item.add("x-chatbook-kind", kind)
    return item


def build_calendar(rows: list[dict[str, Any]]) -> Calendar:
    """A VCALENDAR with one VEVENT per row and a VTIMEZONE for every zone they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "chatbook")
    for row in rows:
        calendar.add_component(vevent(row))
    if rows:
        # Transitions for the span the events cover (plus a year either side), not 1970-2038:
        # the file stays small and every local time still resolves.
        days = [local_date(row["start"]) for row in rows]
        calendar.add_missing_timezones(
            first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
        )
    return calendar


def export_ics(conn: db.Connection, path: str | Path) -> int:
    """Write every event (confirmed and cancelled) to `path` as a 0600 .ics; returns the count."""
    rows = list_events(conn)
    data = build_calendar(rows).to_ical()
    try:
        write_private_bytes(Path(path), data)
    except OSError as error:
        raise InputError(f"cannot write the calendar: {error.strerror or error}", path) from None
    with db.transaction(conn):
        # Only the rows in the file: an event accepted meanwhile has not been exported.
        proposal_store.mark_exported(conn, [row["id"] for row in rows])
    return len(rows)
