"""Proposals: candidate events, from what the extractor found to what a reviewer decided.

Two halves share this module because they share one invariant, the dedupe key:

- recording (`record_event`, `record_cancellation`), called by the extract stage inside its
  transaction: the same event found in several messages or chats becomes ONE proposal with
  several `proposal_sources` rows, and an event a reviewer rejected is never proposed again;
- reviewing (`accept`, `reject`, `undo`), called by the CLI and the review widget: each
  decision is one SQLite transaction that checks the version the reviewer saw (a stale one
  raises ConflictError naming who changed it and when), bumps it, writes the event and its
  draft agent messages, and appends a before/after row to the append-only `proposal_audit`.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.errors import ConflictError, InputError
from toolkit.eventtypes import KINDS, FoundEvent
from toolkit.review import agent, events
from toolkit.store import chats, db, messages
from toolkit.store import proposals as proposal_store

log = logging.getLogger(__name__)

STATUSES = ("pending", "accepted", "edited", "rejected", "cancelled")
EDITABLE = ("title", "start", "end", "all_day", "tz", "location", "kind")
DAY_KINDS = ("deadline", "closure")  # whole days: all-day, whatever time the text gave
SYSTEM_REVIEWER = "chatbook-extract"  # who the audit trail names for automatic changes
# 'move': a later message moved, renamed or re-placed the event; 'retime': its chat's zone
# changed. A move can be undone (the extractor may misread); a retime follows the chat's zone
# and is reverted by setting the zone back.
UNDOABLE = ("accept", "edit", "reject", "cancel", "move")
RESTORED = ("status", "title", "start", "end", "all_day", "tz", "location", "kind",
            "reject_reason", "reviewed_by", "reviewed_at")
SNAPSHOT = (*RESTORED, "confidence", "flagged", "version")
CHANGED_FIELDS = ("title", "start", "end", "all_day", "tz", "location", "kind", "status")
MOVE_WINDOW = timedelta(days=14)  # how far a move without the old date may carry an event

# Words that carry no identity in an event title, in the five languages we extract: "the
# match", "Match!" and "our match" must give one key.
_STOPWORD_TEXT = """
a an the at in on of for to our my your this next and with from by is are
el la los las un una unos unas de del al en con para por y nuestro nuestra este esta proximo
der die das den dem des ein eine einen im am zum zur und mit fur von bei unser unsere diese
naechste nachste le les du des au aux et avec pour par notre nos ce cette prochain prochaine
o os as um uma do da dos das no na nos nas em com para pelo pela e nosso nossa este esta
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


# ------------------------------------------------------------------------- keys


def title_tokens(title: str) -> frozenset[str]:
    """Words of a title, lower-cased, accents and punctuation gone, filler words dropped."""
    plain = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", plain)
    meaningful = [w for w in words if w not in STOPWORDS]
    return frozenset(meaningful or words)


def normalise_title(title: str) -> str:
    return " ".join(sorted(title_tokens(title)))


def normalise_start(start: str, all_day: bool) -> str:
    """The instant in UTC to the minute (one event announced from two zones is one), or the day."""
    when = events.parse_when(start)
    if all_day or not isinstance(when, datetime):
        return events.local_date(start).isoformat()
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def dedupe_key(title: str, start: str, all_day: bool) -> str:
    return f"{normalise_start(start, all_day)}|{normalise_title(title)}"


def similar_titles(a: frozenset[str], b: frozenset[str]) -> bool:
    """Same event at the same time? One title's words inside the other's, or most words shared.

    "Bake sale" ~ "School bake sale"; but "U10 match" !~ "U12 match" (Jaccard 1/3).
    """
    if not a or not b:
        return False
    return a <= b or b <= a or len(a & b) / len(a | b) >= 0.5


# ------------------------------------------------------------------------- values


def check_tz(tz: str | None) -> str | None:
    if tz in (None, ""):
        return None
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"tz: unknown time zone {tz!r} (use an IANA name like Europe/London)") from None
    return str(tz)


def coerce_time(value: Any, all_day: bool, tz: str | None, field: str) -> str:
    """A start/end as stored: 'YYYY-MM-DD' when all-day, else ISO with the offset of `tz`.

    Accepts date/datetime objects or ISO strings; a time without offset is read in `tz`.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"{field}: {text!r} is not an ISO date or date-time (e.g. 2025-05-17 or 2025-05-17T10:00)"
            ) from None
    zone = ZoneInfo(tz) if tz else None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            moment = value.replace(tzinfo=zone or UTC)
        else:  # without a zone of its own, an event keeps the offset it was written with
            moment = value.astimezone(zone) if zone else value
        if all_day:
            return moment.date().isoformat()
        return moment.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        if not all_day:
            raise InputError(
                f"{field}: {value.isoformat()} has no time; give one (e.g. {value.isoformat()}T10:00) "
                "or make the event all-day"
            )
        return value.isoformat()
    raise InputError(f"{field}: expected a date or date-time, got {value!r}")


def time_order(start: str, end: str) -> bool:
    """True when `end` is not before `start` (dates and aware datetimes compare by instant)."""
    first, last = events.parse_when(start), events.parse_when(end)
    if isinstance(first, datetime) and isinstance(last, datetime):
        return last >= first
    return events.local_date(end) >= events.local_date(start)


def apply_changes(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The event values after a reviewer's `changes`, checked; InputError names the field."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(f"cannot change {', '.join(unknown)}; editable fields: {', '.join(EDITABLE)}")
    tz = check_tz(changes["tz"]) if "tz" in changes else current["tz"]
    kind = str(changes.get("kind", current.get("kind")) or "event")
    if kind not in KINDS:
        raise InputError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    all_day = bool(changes.get("all_day", current["all_day"]))
    if kind in DAY_KINDS:
        if changes.get("all_day") is False:
            raise InputError(f"all_day: a {kind} is a whole day; make it kind event to give it a time")
        all_day = True
    title = str(changes.get("title", current["title"]) or "").strip()
    if not title:
        raise InputError("title: must not be empty")
    start = coerce_time(changes.get("start", current["start"]), all_day, tz, "start")
    end_value = changes.get("end", current["end"])
    end = None if end_value in (None, "") else coerce_time(end_value, all_day, tz, "end")
    if end is not None and not time_order(start, end):
        raise InputError(f"end: {end} is before the start {start}")
    location = changes.get("location", current["location"])
    location = str(location).strip() or None if location is not None else None
    return {"title": title, "start": start, "end": end, "all_day": all_day, "tz": tz,
            "location": location, "kind": kind}


# ------------------------------------------------------------------------- recording found events


@dataclass(frozen=True)
class Recorded:
    """What became of one found event: created, merged, known, rejected, invalid (recording);
    moved (an update of an earlier proposal); cancelled, flagged, unmatched, known
    (cancellations)."""

    outcome: str
    proposal_id: int | None = None


def record_event(conn: db.Connection, found: FoundEvent, *, message_id: int | None,
                 extraction_id: int | None = None, extractor: str = "text",
                 extractor_version: str | None = None, tz: str | None = None) -> Recorded:
    """Turn one found event into a proposal, or a new source of the proposal it repeats.

    Call inside the caller's transaction. `tz` is the chat's zone, used when the event has none.
    """
    if found.cancelled:
        return record_cancellation(conn, found, message_id=message_id, tz=tz)
    zone = found.tz or tz
    try:
        zone = check_tz(zone)
        values = apply_changes(
            {"title": found.title, "start": found.start, "end": found.end,
             "all_day": found.all_day, "tz": zone, "location": found.location,
             "kind": found.kind if found.kind in KINDS else "event"}, {}
        )
    except InputError:
        return Recorded("invalid")
    confidence = min(max(float(found.confidence), 0.0), 1.0)
    if found.moved:
        moved = record_move(conn, found, values, message_id=message_id,
                            extraction_id=extraction_id, confidence=confidence)
        if moved is not None:
            return moved
        # Nothing earlier to move: the message still says when the event now is.
    key = dedupe_key(values["title"], values["start"], values["all_day"])
    match = match_proposal(conn, key, values)
    if match is None:
        proposal_id = create_proposal(conn, values, key=key, confidence=confidence,
                                      message_id=message_id, extraction_id=extraction_id,
                                      extractor=extractor, extractor_version=extractor_version,
                                      tz_follows_chat=found.tz in (None, tz))
        return Recorded("created", proposal_id)
    proposal_id = int(match["id"])
    if match["status"] == "rejected":
        return Recorded("rejected", proposal_id)
    proposal_store.add_key(conn, key, proposal_id)
    added = proposal_store.add_source(conn, proposal_id, message_id, extraction_id)
    event = events.event_for_proposal(conn, proposal_id) if added else None
    if event is not None:
        # Already in the calendar: a chat that mentions it for the first time gets its draft too.
        agent.sync_event_drafts(conn, event["id"])
    if confidence > match["confidence"]:
        # A second, clearer mention raises confidence; it changes nothing a reviewer decided.
        proposal_store.set_confidence(conn, proposal_id, confidence)
    return Recorded("merged" if added else "known", proposal_id)


def match_proposal(conn: db.Connection, key: str, values: dict[str, Any]) -> dict[str, Any] | None:
    """The proposal this event repeats: same key, else same start and a similar title, else the
    same day with a similar title where one mention is all-day and the other timed."""
    row = proposal_store.proposal_by_key(conn, key)
    if row is not None:
        return row
    tokens = title_tokens(values["title"])
    prefix = key.split("|", 1)[0] + "|"
    for candidate in proposal_store.keyed_with_prefix(conn, prefix):
        if similar_titles(tokens, frozenset(candidate["matched_key"].split("|", 1)[1].split())):
            return candidate
    for candidate in same_day(conn, values["start"]):
        if bool(candidate["all_day"]) != values["all_day"] and similar_titles(
            tokens, title_tokens(candidate["title"])
        ):
            return candidate
    return None


def same_day(conn: db.Connection, start: str) -> list[dict[str, Any]]:
    """Proposals starting on the local day of `start`, oldest first."""
    day = events.local_date(start)
    return proposal_store.starting_between(conn, day.isoformat(),
                                           (day + timedelta(days=1)).isoformat())


def create_proposal(conn: db.Connection, values: dict[str, Any], *, key: str, confidence: float,
                    message_id: int | None, extraction_id: int | None, extractor: str,
                    extractor_version: str | None, tz_follows_chat: bool = True) -> int:
    proposal_id = proposal_store.insert_proposal(
        conn, values, key=key, confidence=confidence, message_id=message_id,
        extraction_id=extraction_id, extractor=extractor, extractor_version=extractor_version,
        tz_follows_chat=tz_follows_chat,
    )
    proposal_store.add_key(conn, key, proposal_id)
    proposal_store.add_source(conn, proposal_id, message_id, extraction_id)
    return proposal_id


def record_cancellation(conn: db.Connection, found: FoundEvent, *, message_id: int | None,
                        tz: str | None = None) -> Recorded:
    """A message cancels an event ("no practice Monday"): never a new proposal.

    The proposal it names (same day, similar title; a title-less cancellation only when one
    proposal that day comes from the same chat) is cancelled when the cancelling message is in a
    chat the proposal came from, and only flagged for the reviewer when it is from elsewhere.
    Each (proposal, message) pair is applied once, so an undone cancellation stays undone.
    """
    try:
        start = coerce_time(found.start, True, check_tz(found.tz or tz), "start")
    except InputError:
        return Recorded("invalid")
    chat_id = messages.chat_of_message(conn, message_id)
    target = cancellation_target(conn, found.title, start, chat_id)
    if target is None:
        return Recorded("unmatched")
    proposal, same_chat = target
    if proposal["status"] in ("rejected", "cancelled") or already_applied(conn, proposal["id"], message_id):
        return Recorded("known", proposal["id"])
    before = snapshot(conn, proposal["id"])
    where = f"message {message_id}" if message_id is not None else "a message"
    if same_chat:
        note = f"cancelled by {where}"
        proposal_store.cancel_proposal(conn, proposal["id"], note)
        proposal_store.add_source(conn, proposal["id"], message_id, None, role="cancel")
        event = events.event_for_proposal(conn, proposal["id"])
        if event is not None:
            events.cancel_event(conn, event["id"])
            agent.sync_event_drafts(conn, event["id"])
        action, outcome = "cancel", "cancelled"
    else:
        note = f"possibly cancelled by {where} in another chat"
        proposal_store.flag_proposal(conn, proposal["id"], note)
        action, outcome = "flag", "flagged"
    after = snapshot(conn, proposal["id"])
    after["cause_message_id"] = message_id
    append_audit(conn, proposal["id"], action, before, after, SYSTEM_REVIEWER)
    return Recorded(outcome, proposal["id"])


def record_move(conn: db.Connection, found: FoundEvent, values: dict[str, Any], *,
                message_id: int | None, extraction_id: int | None,
                confidence: float) -> Recorded | None:
    """A later message moves (renames, re-places) an event: update the proposal it refers to.

    The proposal and its event keep their identity (id, UID; the event's SEQUENCE goes up), the
    message becomes a source of role 'update', and a 'move' audit row records before and after
    with the message as its cause. None when the message refers to no earlier proposal.
    """
    if message_id is None:
        return None
    sent = messages.time_and_chat_of(conn, message_id)
    chat_id = messages.chat_of_message(conn, message_id)
    if sent is None or chat_id is None:
        return None
    target = move_target(conn, values, found.previous_start, chat_id,
                         proposal_store.mention_key(sent["sent_at"], message_id))
    if target is None:
        return None
    if target["status"] == "rejected":
        # Moving an event you rejected does not bring it back, at its old time or its new one.
        proposal_store.add_key(conn, dedupe_key(values["title"], values["start"], values["all_day"]),
                               target["id"])
        return Recorded("rejected", target["id"])
    if proposal_store.change_recorded(conn, target["id"], message_id, ("move",)):
        return Recorded("known", target["id"])  # applied once; an undone move stays undone
    try:
        after_values = apply_changes(target, moved_changes(target, values, found))
    except InputError:
        return Recorded("invalid")
    proposal_store.add_source(conn, target["id"], message_id, extraction_id, role="update")
    if confidence > target["confidence"]:
        proposal_store.set_confidence(conn, target["id"], confidence)
    if all(after_values[name] == target[name] for name in EDITABLE if name != "all_day") and (
        after_values["all_day"] == bool(target["all_day"])
    ):
        return Recorded("merged", target["id"])  # "still at 10" changes nothing
    before = snapshot(conn, target["id"])
    proposal_store.update_values(conn, target["id"], after_values,
                                 flagged=f"moved by message {message_id}")
    proposal_store.add_key(conn, dedupe_key(after_values["title"], after_values["start"],
                                            after_values["all_day"]), target["id"])
    update_event(conn, target["id"], after_values)
    after = snapshot(conn, target["id"])
    after["cause_message_id"] = message_id
    append_audit(conn, target["id"], "move", before, after, SYSTEM_REVIEWER)
    return Recorded("moved", target["id"])


def update_event(conn: db.Connection, proposal_id: int, values: dict[str, Any]) -> None:
    """Bring the proposal's event (if it has one) to `values`, keeping its status and UID;
    SEQUENCE + 1 and the chats' drafts follow when anything changed."""
    event = events.event_for_proposal(conn, proposal_id)
    if event is not None and events.set_values(conn, event["id"], values):
        agent.sync_event_drafts(conn, event["id"])


def move_target(conn: db.Connection, values: dict[str, Any], previous_start: str | None,
                chat_id: int, mentioned: str) -> dict[str, Any] | None:
    """The proposal a moving message refers to, or None.

    Only proposals of the same chat that were mentioned before the message and are not
    cancelled are candidates (a rejected one is found so that it stays rejected). With the
    old start stated, the candidates are those on its day: the one at that very time, else a
    similar title, else the only one that day. Without it, a similar title starting within
    MOVE_WINDOW of the new start, the most recently discussed first. Two equally good
    candidates are no answer.
    """
    tokens = title_tokens(values["title"])
    if previous_start:
        try:
            old = coerce_time(previous_start, len(previous_start.strip()) == 10, values["tz"],
                              "previous_start")
        except InputError:
            return None
        first = events.local_date(old)
        pool = live_before(conn, chat_id, first, first + timedelta(days=1), mentioned)
        exact = [p for p in pool if not p["all_day"] and len(old) > 10
                 and normalise_start(p["start"], False) == normalise_start(old, False)]
        similar = [p for p in pool if similar_titles(tokens, title_tokens(p["title"]))]
        for group in (exact, similar, pool):
            if len(group) == 1:
                return group[0]
            if group:
                return None if group is pool else best_recent(group)
        return None
    first = events.local_date(values["start"])
    pool = live_before(conn, chat_id, first - MOVE_WINDOW, first + MOVE_WINDOW, mentioned)
    similar = [p for p in pool if similar_titles(tokens, title_tokens(p["title"]))]
    return best_recent(similar) if similar else None


def live_before(conn: db.Connection, chat_id: int, first: date, after: date,
                mentioned: str) -> list[dict[str, Any]]:
    """Proposals of the chat starting on days [first, after), not cancelled, first mentioned in
    it before the message at `mentioned` (a message cannot move what nobody had said yet)."""
    rows = proposal_store.in_chat_between(conn, chat_id, first.isoformat(), after.isoformat())
    return [row for row in rows if row["status"] != "cancelled" and row["first_mention"] < mentioned]


def best_recent(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most recently discussed candidate; None when two were last mentioned together."""
    ranked = sorted(candidates, key=lambda p: (p["last_mention"] or "", p["id"]), reverse=True)
    if len(ranked) > 1 and ranked[0]["last_mention"] == ranked[1]["last_mention"]:
        return None
    return ranked[0]


def moved_changes(target: dict[str, Any], values: dict[str, Any], found: FoundEvent) -> dict[str, Any]:
    """The proposal's new values after a move.

    The time is the message's; a move that names only a day keeps the old time of day; an end
    the message does not give keeps the old duration. The old title stays unless the message
    names the event differently (a rename); the old place stays unless it names a new one.
    """
    changes: dict[str, Any] = {}
    start, end, all_day = values["start"], values["end"], values["all_day"]
    old_start = events.parse_when(target["start"])
    old_end = events.parse_when(target["end"]) if target["end"] else None
    zone = ZoneInfo(target["tz"]) if target["tz"] else None
    if all_day and isinstance(old_start, datetime) and found.kind not in DAY_KINDS:
        # "moved to Thursday": the same time of day (on the wall clock) on the new day
        wall = old_start.astimezone(zone) if zone else old_start
        start = datetime.combine(events.local_date(start), wall.time()).isoformat()
        all_day, end = False, None
    changes.update(start=start, all_day=all_day)
    if end is None and isinstance(old_end, datetime) and isinstance(old_start, datetime) \
            and not all_day:
        end = (datetime.fromisoformat(start) + (old_end - old_start)).isoformat()
    elif end is None and old_end is not None and all_day and target["all_day"]:
        # a camp from Friday to Sunday moved to next Friday still lasts until Sunday
        end = (events.local_date(start) + (events.local_date(target["end"])
                                          - events.local_date(target["start"]))).isoformat()
    changes["end"] = end
    if not similar_titles(title_tokens(values["title"]), title_tokens(target["title"])) \
            and title_tokens(values["title"]):
        changes["title"] = values["title"]
    if values["location"]:
        changes["location"] = values["location"]
    if found.kind in DAY_KINDS and found.kind != target["kind"]:
        changes["kind"] = found.kind
    return changes


# ------------------------------------------------------------------------- a chat's zone changes


def follow_chat_zone(conn: db.Connection, chat_id: int, *, reviewer: str = SYSTEM_REVIEWER,
                     old_tz: str | None = None) -> int:
    """Move the chat's proposals that follow its zone into its current zone, in place.

    The wall-clock time stays (the text said 18:30; it meant 18:30 where the chat is), the
    instant changes. Each moved proposal gets a 'retime' audit row and the key of its new
    instant; an accepted event keeps its UID and gets SEQUENCE + 1. Call inside the caller's
    transaction; returns how many proposals moved.
    """
    chat = chats.chat_row(conn, chat_id)
    if chat is None or not chat["tz"]:
        return 0
    moved = 0
    for row in proposal_store.following_chat_zone(conn, chat_id, chat["tz"]):
        try:
            values = apply_changes(row, {})
            values.update(start=same_wall_time(row["start"], row["tz"], chat["tz"]),
                          end=row["end"] and same_wall_time(row["end"], row["tz"], chat["tz"]),
                          tz=chat["tz"])
        except (InputError, ValueError, ZoneInfoNotFoundError):
            # A row another tool wrote with an unreadable time: leave it for a reviewer rather
            # than stop the chat's other proposals from moving.
            log.warning("proposal %s: its times cannot be read; not moved to %s", row["id"], chat["tz"])
            continue
        before = snapshot(conn, row["id"])
        proposal_store.update_values(conn, row["id"], values)
        proposal_store.add_key(conn, dedupe_key(values["title"], values["start"], values["all_day"]),
                               row["id"])
        update_event(conn, row["id"], values)
        after = snapshot(conn, row["id"])
        after["zone_change"] = {"from": old_tz or row["tz"], "to": chat["tz"],
                                "source": chat["tz_source"]}
        append_audit(conn, row["id"], "retime", before, after, reviewer)
        moved += 1
    return moved


def follow_chat_zones(conn: db.Connection) -> int:
    """Bring every chat's proposals into the chat's zone (after an import changed one)."""
    return sum(follow_chat_zone(conn, int(chat["id"]))
               for chat in proposal_store.chats_out_of_zone(conn))


def same_wall_time(value: str, old_tz: str | None, new_tz: str) -> str:
    """A stored start/end at the same local clock time in `new_tz` (a date stays a date)."""
    when = events.parse_when(value)
    if not isinstance(when, datetime):
        return value
    wall = when.astimezone(ZoneInfo(old_tz)) if old_tz else when
    return wall.replace(tzinfo=ZoneInfo(new_tz)).isoformat()


def cancellation_target(conn: db.Connection, title: str, start: str,
                        chat_id: int | None) -> tuple[dict[str, Any], bool] | None:
    """The proposal a cancellation names and whether it came from the cancelling chat."""
    tokens = title_tokens(title or "")
    scored = []
    for candidate in same_day(conn, start):
        chats = set(proposal_store.source_chat_ids(conn, candidate["id"]))
        same_chat = chat_id is not None and chat_id in chats
        if similar_titles(tokens, title_tokens(candidate["title"])):
            scored.append((0 if same_chat else 1, candidate, same_chat))
        elif not tokens and same_chat:
            scored.append((2, candidate, same_chat))
    if not scored:
        return None
    untitled = [s for s in scored if s[0] == 2]
    if len(untitled) == len(scored) and len(untitled) > 1:
        return None  # "cancelled tomorrow" with two events that day: cannot tell which
    best = min(scored, key=lambda s: (s[0], s[1]["id"]))
    return best[1], best[2]


def already_applied(conn: db.Connection, proposal_id: int, message_id: int | None) -> bool:
    if message_id is None:
        return False
    return proposal_store.change_recorded(conn, proposal_id, message_id, ("cancel", "flag"))


# ------------------------------------------------------------------------- reading


def as_record(row: Any) -> dict[str, Any]:
    record = dict(row)
    record["all_day"] = bool(record["all_day"])
    return record


def list_proposals(conn: db.Connection, *, status: str | list[str] | None = None,
                   chat: str | int | None = None, min_confidence: float | None = None,
                   since: date | datetime | str | None = None,
                   until: date | datetime | str | None = None,
                   order: str = "date") -> list[dict[str, Any]]:
    """Proposals for review, filtered and ordered ("date" or "confidence").

    `chat` (a name or id) matches proposals with any source in that chat; `since` (inclusive)
    and `until` (exclusive: pass the day after the last day wanted) bound the start as written.
    """
    if order not in proposal_store.ORDERS:
        raise InputError(f"order: expected one of {', '.join(proposal_store.ORDERS)}, got {order!r}")
    statuses = None
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise InputError(f"status: unknown {', '.join(bad)}; expected {', '.join(STATUSES)}")
    rows = proposal_store.listed(
        conn, statuses=statuses, chat=chat,
        min_confidence=None if min_confidence is None else float(min_confidence),
        since=None if since is None else bound_text(since),
        until=None if until is None else bound_text(until), order=order,
    )
    return [as_record(row) for row in rows]


def bound_text(value: date | datetime | str) -> str:
    """A since/until bound as the ISO text starts are compared with."""
    return value.isoformat() if isinstance(value, date) else str(value)


def get_proposal(conn: db.Connection, proposal_id: int) -> dict[str, Any]:
    """One proposal with its chat, event (if accepted) and number of sources."""
    row = proposal_store.listed_row(conn, proposal_id)
    if row is None:
        raise InputError(f"no proposal with id {proposal_id}")
    return as_record(row)


def proposal_sources(conn: db.Connection, proposal_id: int) -> list[dict[str, Any]]:
    """The messages (and image extractions) a proposal was found in, oldest first."""
    return proposal_store.sources_of(conn, proposal_id)


def message_context(conn: db.Connection, message_id: int, n: int = 3) -> list[dict[str, Any]]:
    """The message with up to `n` messages before and after it in its chat, in order."""
    rows = messages.around(conn, message_id, n)
    if rows is None:
        raise InputError(f"no message with id {message_id}")
    return [{**dict(row), "is_source": row["id"] == message_id} for row in rows]


def counts_by_status(conn: db.Connection) -> dict[str, int]:
    """How many proposals are in each status (every status present, zeros included)."""
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(proposal_store.status_counts(conn))
    return counts


def summary_by_chat(conn: db.Connection) -> list[dict[str, Any]]:
    """Per chat: proposals in each status (a proposal seen in two chats counts in both)."""
    rows = proposal_store.status_counts_by_chat(conn)
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(row["chat"], {"chat": row["chat"], **dict.fromkeys(STATUSES, 0)})
        entry[row["status"]] = int(row["n"])
    for entry in table.values():
        entry["total"] = sum(entry[s] for s in STATUSES)
    return list(table.values())


def describe(p: dict[str, Any]) -> str:
    """One line per proposal for a terminal: id, status, version, confidence, when, what, where."""
    when = p["start"] + (f" - {p['end']}" if p["end"] else "")
    kind = f"[{p['kind']}] " if p.get("kind", "event") != "event" else ""
    line = (f"#{p['id']:<4} {p['status']:<9} v{p['version']:<3} {p['confidence']:.2f}  {when}  "
            f"{kind}{p['title']}")
    if p["location"]:
        line += f" @ {p['location']}"
    if p.get("chat"):
        more = int(p.get("n_sources") or 1) - 1
        line += f"  [{p['chat']}{f' +{more} more' if more > 0 else ''}]"
    if p["flagged"]:
        line += f"  ! {p['flagged']}"
    return line


def audit_trail(conn: db.Connection, proposal_id: int) -> list[dict[str, Any]]:
    """The proposal's audit rows, oldest first, with before/after decoded."""
    rows = proposal_store.audit_rows(conn, proposal_id)
    for row in rows:
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
    return rows


def proposal_changes(conn: db.Connection, proposal_id: int) -> list[dict[str, Any]]:
    """What changed in the proposal since it was found, oldest first: one entry per field.

    Each entry: `field`, `before`, `after`, `action` (move, retime, edit, accept, reject,
    cancel, undo...), `by` (reviewer, or chatbook-extract for automatic changes), `at`,
    `audit_id`, and `message` (id, author, sent_at, text) when a message caused it, or
    `zone_change` (from, to, source) for a retime. This is what the review card shows as
    "what changed".
    """
    entries: list[dict[str, Any]] = []
    for row in audit_trail(conn, proposal_id):
        before = (row["before"] or {}).get("proposal") or {}
        after = (row["after"] or {}).get("proposal") or {}
        cause = (row["after"] or {}).get("cause_message_id")
        for name in CHANGED_FIELDS:
            if name in before and name in after and before[name] != after[name]:
                entries.append({
                    "audit_id": row["id"], "at": row["at"], "action": row["action"],
                    "by": row["reviewer"], "field": name, "before": before[name],
                    "after": after[name], "message_id": cause,
                    "zone_change": (row["after"] or {}).get("zone_change"),
                })
    causes = [e["message_id"] for e in entries if e["message_id"] is not None]
    found = messages.hit_rows(conn, causes) if causes else {}
    for entry in entries:
        cause = found.get(entry["message_id"])
        entry["message"] = ({"id": cause["id"], "chat": cause["chat"], "author": cause["author"],
                             "sent_at": cause["sent_at"], "text": cause["text"]} if cause else None)
    return entries


def proposal_zone(conn: db.Connection, proposal_id: int) -> dict[str, Any]:
    """The proposal's zone and where it came from, for the review card and the report.

    `source` is its chat's (given, phones, locale, machine; unrecorded for chats imported
    before sources were kept) while the proposal follows its chat's zone, else `chosen` (a
    reviewer, or the text itself, named another zone); `note` says why in words.
    """
    p = get_proposal(conn, proposal_id)
    follows = bool(p.get("tz_follows_chat", 1)) and p["tz"] == p.get("chat_tz")
    if follows:
        return {"tz": p["tz"], "source": p.get("chat_tz_source") or "unrecorded",
                "note": p.get("chat_tz_note") or "", "chat": p.get("chat"), "follows_chat": True}
    return {"tz": p["tz"], "source": "chosen",
            "note": f"chosen for this event; the chat {p.get('chat')!r} is in {p.get('chat_tz')}",
            "chat": p.get("chat"), "follows_chat": False}


# ------------------------------------------------------------------------- decisions


def snapshot(conn: db.Connection, proposal_id: int) -> dict[str, Any]:
    """The reviewable state of a proposal and its event, as stored in the audit trail."""
    row = proposal_store.proposal_row(conn, proposal_id)
    if row is None:
        raise InputError(f"no proposal with id {proposal_id}")
    event = events.event_for_proposal(conn, proposal_id)
    return {"proposal": {name: row[name] for name in SNAPSHOT}, "event": event}


def append_audit(conn: db.Connection, proposal_id: int, action: str, before: dict[str, Any],
                 after: dict[str, Any], reviewer: str) -> None:
    proposal_store.insert_audit(conn, proposal_id, action,
                                json.dumps(before, sort_keys=True, default=str),
                                json.dumps(after, sort_keys=True, default=str), reviewer)


def locked_for_decision(conn: db.Connection, proposal_id: int, expected_version: int) -> dict[str, Any]:
    """The proposal, read inside the write transaction; ConflictError if someone got there first."""
    row = proposal_store.proposal_row(conn, proposal_id)
    if row is None:
        raise InputError(f"no proposal with id {proposal_id}")
    if int(row["version"]) != int(expected_version):
        last = proposal_store.last_audit(conn, proposal_id)
        who = f"{last['reviewer']} ({last['action']}) at {last['at']}" if last else "another writer"
        raise ConflictError(
            f"proposal {proposal_id} was changed by {who}: it is at version {row['version']}, "
            f"you saw version {expected_version}; reload it and decide again"
        )
    return row


def accept(conn: db.Connection, proposal_id: int, *, reviewer: str, expected_version: int,
           changes: dict[str, Any] | None = None) -> int:
    """Accept a proposal (with `changes`: edit and accept); returns the event id.

    The event gets the (edited) values under the proposal's stable UID, with SEQUENCE bumped
    when it changes, and each chat it came from gets a draft confirmation.
    """
    with db.transaction(conn):
        current = locked_for_decision(conn, proposal_id, expected_version)
        before = snapshot(conn, proposal_id)
        values = apply_changes(current, changes or {})
        edited = any(values[name] != current[name] for name in EDITABLE if name != "all_day") or (
            values["all_day"] != bool(current["all_day"])
        )
        status = "edited" if edited or current["status"] == "edited" else "accepted"
        proposal_store.write_decision(conn, proposal_id, reviewer=reviewer, status=status,
                                      values=values)
        if "tz" in (changes or {}):
            # A zone the reviewer chose stays when the chat's zone changes; the chat's own follows it.
            chat_tz = messages.chat_tz_of(conn, current["source_message_id"])
            proposal_store.set_tz_follows_chat(conn, proposal_id, values["tz"] == chat_tz)
        if edited:
            # The corrected wording leads here too: the extractor finding it later is no new event.
            proposal_store.add_key(conn, dedupe_key(values["title"], values["start"],
                                                    values["all_day"]), proposal_id)
        event_id = events.upsert_for_proposal(
            conn, proposal_id=proposal_id, dedupe_key=current["dedupe_key"],
            chat_id=messages.chat_of_message(conn, current["source_message_id"]), values=values,
        )
        agent.sync_event_drafts(conn, event_id)
        append_audit(conn, proposal_id, "edit" if edited else "accept", before,
                     snapshot(conn, proposal_id), reviewer)
    return event_id


def reject(conn: db.Connection, proposal_id: int, *, reviewer: str, expected_version: int,
           reason: str | None = None) -> None:
    """Reject a proposal: it never comes back; an event it had is withdrawn.

    Withdrawn means deleted if it was never exported nor announced, else cancelled.
    """
    with db.transaction(conn):
        current = locked_for_decision(conn, proposal_id, expected_version)
        before = snapshot(conn, proposal_id)
        values = {name: current[name] for name in EDITABLE}
        proposal_store.write_decision(conn, proposal_id, reviewer=reviewer, status="rejected",
                                      values=values, reject_reason=(reason or "").strip() or None)
        withdraw_event(conn, proposal_id)
        append_audit(conn, proposal_id, "reject", before, snapshot(conn, proposal_id), reviewer)


def withdraw_event(conn: db.Connection, proposal_id: int) -> None:
    event = events.event_for_proposal(conn, proposal_id)
    if event is not None and events.remove_or_cancel(conn, event["id"]) == "cancelled":
        agent.sync_event_drafts(conn, event["id"])


def undo(conn: db.Connection, proposal_id: int, *, reviewer: str) -> dict[str, Any]:
    """Revert the proposal's last decision not yet undone (accept, edit, reject or cancel).

    The proposal gets its earlier values and status back (its version still goes up); the event
    goes back to its earlier state, or is withdrawn if the decision created it. Returns the
    proposal as it is now, with `undone` (the action) and `undone_audit_id`.
    """
    with db.transaction(conn):
        target = last_undoable(conn, proposal_id)
        before = snapshot(conn, proposal_id)
        earlier = json.loads(target["before"])
        restore_proposal(conn, proposal_id, earlier["proposal"],
                         with_flag=target["action"] in ("cancel", "move"))
        restore_event_state(conn, proposal_id, earlier["event"])
        after = snapshot(conn, proposal_id)
        after.update(undoes=target["id"], undid_action=target["action"])
        append_audit(conn, proposal_id, "undo", before, after, reviewer)
    return {**get_proposal(conn, proposal_id), "undone": target["action"],
            "undone_audit_id": target["id"]}


def last_undoable(conn: db.Connection, proposal_id: int) -> dict[str, Any]:
    if not proposal_store.proposal_exists(conn, proposal_id):
        raise InputError(f"no proposal with id {proposal_id}")
    row = proposal_store.last_not_undone(conn, proposal_id, UNDOABLE)
    if row is None:
        raise InputError(f"proposal {proposal_id} has no decision left to undo")
    return row


def restore_proposal(conn: db.Connection, proposal_id: int, earlier: dict[str, Any], *,
                     with_flag: bool) -> None:
    names = RESTORED + (("flagged",) if with_flag else ())
    # A snapshot older than a column (kind) leaves that column as it is.
    proposal_store.restore_columns(conn, proposal_id,
                                   {name: earlier[name] for name in names if name in earlier})


def restore_event_state(conn: db.Connection, proposal_id: int, earlier: dict[str, Any] | None) -> None:
    """Bring the proposal's event back to `earlier` (None: there was no event then)."""
    current = events.event_for_proposal(conn, proposal_id)
    if earlier is None:
        withdraw_event(conn, proposal_id)
        return
    if current is None:
        # It was withdrawn without ever leaving the machine: recreate it under its UID.
        proposal_store.reinsert_event(conn, proposal_id, earlier)
    else:
        events.restore_event(conn, current["id"], earlier)
    restored = events.event_for_proposal(conn, proposal_id)
    if restored is not None:
        agent.sync_event_drafts(conn, restored["id"])
