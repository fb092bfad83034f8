"""The `chatbook extract` stage: new messages and images -> found events -> proposals.

Text: every message of kind `text` past the `extract:text` cursor goes through the resolver
(`toolkit.extract.text.extract_events`) with its own time, its chat's zone and locale as the
reference. Images (only with IMAGE_PROCESSING_ENABLED): `toolkit.extract.media.process_images` reads
them and finds their events. Either way each found event goes through
`proposals.record_event`, which merges repeats into one proposal, never re-proposes a rejected
one, and applies cancellations.

The resolver runs outside any write transaction (it is the slow part, and a reviewer saving a
decision must not wait for it); each batch's proposals and the cursor then commit together, so
an interrupted run resumes after the last committed batch and never records a message twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tqdm.auto import tqdm

from toolkit import __version__
from toolkit.config import Settings
from toolkit.errors import ChatbookError
from toolkit.eventtypes import FoundEvent
from toolkit.ingest import zones
from toolkit.review import proposals
from toolkit.store import db, messages
from toolkit.store.connect import open_db
from toolkit.terminal import visible

log = logging.getLogger(__name__)

TEXT_CURSOR = "extract:text"
BATCH_SIZE = 500
Extractor = Callable[..., list[FoundEvent]]
OUTCOME_FIELDS = {
    "created": "proposals_created",
    "merged": "sources_added",
    "moved": "proposals_moved",
    "known": "already_known",
    "rejected": "skipped_rejected",
    "invalid": "invalid_events",
    "cancelled": "cancellations_applied",
    "flagged": "proposals_flagged",
    "unmatched": "cancellations_unmatched",
}


@dataclass
class ExtractReport:
    """What one `extract_new` run did; `as_dict()` is the `--json` output."""

    messages_scanned: int = 0
    events_found: int = 0
    proposals_created: int = 0
    sources_added: int = 0        # a repeat of a known proposal, from a new message or image
    already_known: int = 0        # found again in a message already linked (a --full re-run)
    proposals_moved: int = 0      # a later message moved, renamed or re-placed a proposal
    proposals_retimed: int = 0    # moved into their chat's new zone (ingest --tz, chats set-tz)
    skipped_rejected: int = 0     # repeats of rejected proposals: never proposed again
    invalid_events: int = 0       # found events with unusable times (logged, not stored)
    cancellations_applied: int = 0
    proposals_flagged: int = 0
    cancellations_unmatched: int = 0
    images_processed: int = 0
    images_failed: int = 0
    image_events: int = 0
    failed_messages: list[int] = field(default_factory=list)
    media: str = "disabled"
    cursor: int = 0
    full: bool = False
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def tally(self, outcome: str) -> None:
        name = OUTCOME_FIELDS[outcome]
        setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """A few lines for people (the CLI without --json, the notebook)."""
        lines = [
            f"messages scanned: {self.messages_scanned} (cursor now {self.cursor})",
            f"events found: {self.events_found} in text, {self.image_events} in images",
            f"proposals: {self.proposals_created} new, {self.sources_added} repeats merged, "
            f"{self.proposals_moved} moved by later messages, "
            f"{self.skipped_rejected} rejected before (skipped)"
            + (f", {self.proposals_retimed} moved into their chat's new zone"
               if self.proposals_retimed else ""),
            f"cancellations: {self.cancellations_applied} applied, {self.proposals_flagged} flagged, "
            f"{self.cancellations_unmatched} unmatched",
            f"images: {self.media}"
            + (f", {self.images_processed} processed, {self.images_failed} failed"
               if self.media != "disabled" else ""),
            "queue: " + ", ".join(f"{n} {status}" for status, n in self.counts.items()),
        ]
        if self.failed_messages:
            lines.append(f"resolver failed on messages: {self.failed_messages[:20]}")
        return "\n".join(lines)


def load_extractor() -> tuple[Extractor, str]:
    """The text resolver and its version string."""
    try:
        from toolkit.extract import text as extract_text
    except ImportError as error:
        raise ChatbookError(f"the text extractor (toolkit.extract.text) cannot be loaded: {error}") from None
    version = str(getattr(extract_text, "EXTRACTOR_VERSION", None)
                  or getattr(extract_text, "__version__", None) or __version__)
    return extract_text.extract_events, version


def reference_time(row: Any, default_tz: str) -> datetime:
    """When the message was sent, in its chat's zone: what 'tomorrow' and 'Saturday' count from."""
    zone = ZoneInfo(row["tz"] or default_tz)
    if row["sent_at_utc"]:
        sent = datetime.fromisoformat(row["sent_at_utc"])
        return (sent if sent.tzinfo else sent.replace(tzinfo=UTC)).astimezone(zone)
    sent = datetime.fromisoformat(row["sent_at"])
    return sent.astimezone(zone) if sent.tzinfo else sent.replace(tzinfo=zone)


def find_in_batch(rows: list[Any], extract: Extractor, default_tz: str,
                  report: ExtractReport) -> list[tuple[Any, list[FoundEvent]]]:
    """Run the resolver on each message; a message it fails on is reported, not fatal."""
    found = []
    for row in rows:
        tz = row["tz"] or default_tz
        try:
            events = extract(row["text"], reference_time(row, default_tz), tz=tz,
                             locale=row["locale"], lang=None)
        except Exception as error:  # noqa: BLE001 - one odd message must not stop the stage
            # The message id, never its text: logs must not leak chat content.
            log.warning("extract: resolver failed on message %s: %s", row["id"], type(error).__name__)
            report.failed_messages.append(int(row["id"]))
            continue
        found.append((row, events))
    return found


def in_recording_order(found: list[FoundEvent]) -> list[FoundEvent]:
    """A message's events as they should be recorded: moves first, cancellations last.

    A message that cancels an event and announces one with a similar title ("Tuesday's
    training is moved to Wednesday", "no choir on the 5th, we meet on the 6th instead") moves
    it: the announced event becomes a move from the cancelled day. An untitled cancellation
    pairs only when it and the announcement are the message's only two events. The
    cancellation is still recorded after the move, so when nothing in the chat could be moved
    it does what it always did (and after a move it finds nothing left on the old day).
    """
    cancels = [event for event in found if event.cancelled]
    news = [event for event in found if not event.cancelled and not event.moved]
    paired: dict[int, FoundEvent] = {}
    for cancel in cancels:
        tokens = proposals.title_tokens(cancel.title or "")
        for index, event in enumerate(news):
            untitled = not tokens and len(found) == 2
            if index not in paired and (untitled or proposals.similar_titles(
                    tokens, proposals.title_tokens(event.title))):
                paired[index] = replace(event, moved=True,
                                        previous_start=event.previous_start or cancel.start)
                break
    events = [paired.get(index, event) for index, event in enumerate(news)]
    moves = [event for event in found if event.moved]
    return moves + [e for e in events if e.moved] + [e for e in events if not e.moved] + cancels


def extract_text_messages(conn: db.Connection, settings: Settings, report: ExtractReport, *,
                          full: bool, progress: bool) -> None:
    start = 0 if full else db.get_cursor(conn, TEXT_CURSOR)
    total = messages.count_texts_after(conn, start)
    if not total:  # nothing new: the extractor (its rules and language data) is not even loaded
        report.cursor = db.get_cursor(conn, TEXT_CURSOR)
        return
    extract, version = load_extractor()
    with tqdm(total=total, disable=not progress, unit="msg", desc="extract") as bar:
        for rows in messages.text_batches(conn, start, BATCH_SIZE):
            results = find_in_batch(rows, extract, settings.default_tz, report)
            with db.transaction(conn):
                for row, found in results:
                    for event in in_recording_order(found):
                        report.events_found += 1
                        outcome = proposals.record_event(
                            conn, event, message_id=int(row["id"]), extractor="text",
                            extractor_version=version, tz=row["tz"] or settings.default_tz,
                        )
                        report.tally(outcome.outcome)
                        if outcome.outcome == "invalid":
                            log.info("extract: message %s: an event with unusable times was skipped",
                                     row["id"])
                # A --full re-run never moves the cursor backwards.
                cursor = max(int(rows[-1]["id"]), db.get_cursor(conn, TEXT_CURSOR))
                db.set_cursor(conn, TEXT_CURSOR, cursor)
            report.messages_scanned += len(rows)
            bar.update(len(rows))
    report.cursor = db.get_cursor(conn, TEXT_CURSOR)


def extract_images(conn: db.Connection, settings: Settings, report: ExtractReport, *,
                   full: bool) -> None:
    """Events on flyers and screenshots, via the media stage (Postgres-backed).

    Postgres down: the media stage says so once and returns nothing; the images wait for the
    next run, and the text proposals above are already committed.
    """
    try:
        from toolkit.extract import media
    except ImportError as error:
        raise ChatbookError(
            f"image processing is enabled but its packages are missing ({error.name}); "
            "install chatbook[media] or set IMAGE_PROCESSING_ENABLED=false"
        ) from None
    media_report = media.process_images(settings, conn, full=full)
    report.media = media_report.status
    with db.transaction(conn):
        for image in media_report.images:
            report.images_processed += 1
            if image.status == "failed":
                report.images_failed += 1
            tz = messages.chat_tz_of(conn, image.message_id) or settings.default_tz
            for event in image.events:
                report.image_events += 1
                outcome = proposals.record_event(
                    conn, event, message_id=image.message_id, extraction_id=image.extraction_id,
                    extractor=image.extractor, extractor_version=image.extractor_version, tz=tz,
                )
                report.tally(outcome.outcome)


def extract_new(settings: Settings, *, full: bool = False, progress: bool = False) -> ExtractReport:
    """Find events in new messages (all messages with `full`) and images; write proposals.

    Re-running is safe: repeats merge into their proposal, rejected events stay rejected.
    """
    began = time.monotonic()
    report = ExtractReport(full=full)
    conn = open_db(settings)
    try:
        with db.transaction(conn):
            # An import may have changed a chat's zone: its proposals move before new ones
            # are read in the new zone, so a --full re-run finds them where it looks.
            report.proposals_retimed = proposals.follow_chat_zones(conn)
        extract_text_messages(conn, settings, report, full=full, progress=progress)
        if settings.image_processing_enabled:
            extract_images(conn, settings, report, full=full)
        report.counts = proposals.counts_by_status(conn)
    finally:
        conn.close()
    report.seconds = round(time.monotonic() - began, 3)
    return report


# ------------------------------------------------------------------------- a chat's zone


def set_chat_zone(settings: Settings, chat: str, tz: str) -> dict[str, Any]:
    """Give a chat its zone (`chatbook chats set-tz`): in one transaction its messages are
    re-timed and its proposals and events move into the zone in place (same ids and UIDs,
    SEQUENCE + 1 for events). Returns what changed."""
    conn = open_db(settings)
    try:
        with db.transaction(conn):
            before, retimed = zones.set_zone(conn, chat, tz, "set with chatbook chats set-tz")
            moved = proposals.follow_chat_zone(conn, int(before["id"]), reviewer=settings.reviewer,
                                               old_tz=before["tz"])
    finally:
        conn.close()
    return {"chat": before["name"], "tz": tz, "source": "given", "previous_tz": before["tz"],
            "previous_source": before["tz_source"] or "unrecorded", "messages_retimed": retimed,
            "proposals_moved": moved}


def describe_zone_change(change: dict[str, Any]) -> str:
    """One line; the chat's name is shown with its controls (and line breaks) escaped."""
    chat = visible(change["chat"])
    if change["previous_tz"] == change["tz"]:
        return (f"{chat}: zone {change['tz']} kept, now recorded as given "
                f"(was {change['previous_source']})")
    return (f"{chat}: zone {change['previous_tz']} ({change['previous_source']}) -> "
            f"{change['tz']} (given); {change['messages_retimed']} messages re-timed, "
            f"{change['proposals_moved']} proposals moved in place")


# ------------------------------------------------------------------------- what was found (notebook)

TABLE_COLUMNS = ("id", "status", "confidence", "start", "end", "all_day", "title", "location",
                 "chat", "n_sources", "from_image", "flagged")


def proposals_table(conn: db.Connection, **filters: Any) -> Any:
    """Proposals as a Polars DataFrame with fixed columns (also when there are none)."""
    import polars as pl

    rows = [
        {**{name: p.get(name) for name in TABLE_COLUMNS if name != "from_image"},
         "from_image": p["extraction_id"] is not None}
        for p in proposals.list_proposals(conn, **filters)
    ]
    schema = {"id": pl.Int64, "status": pl.Utf8, "confidence": pl.Float64, "start": pl.Utf8,
              "end": pl.Utf8, "all_day": pl.Boolean, "title": pl.Utf8, "location": pl.Utf8,
              "chat": pl.Utf8, "n_sources": pl.Int64, "from_image": pl.Boolean, "flagged": pl.Utf8}
    return pl.DataFrame(rows, schema=schema).select(TABLE_COLUMNS)


def chats_table(conn: db.Connection) -> Any:
    """Per chat: proposals in each status, as a Polars DataFrame."""
    import polars as pl

    schema = {"chat": pl.Utf8, **{status: pl.Int64 for status in proposals.STATUSES},
              "total": pl.Int64}
    return pl.DataFrame(proposals.summary_by_chat(conn), schema=schema)
