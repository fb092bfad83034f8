"""WhatsApp exports (files, zips, folders) into the primary store, incrementally.

How one export is imported:

1. Its messages are parsed in batches of about `BATCH` that end on a minute, and the media files
   they name are copied, outside any transaction.
2. Each batch is written in its own short transaction. Its messages are matched against the
   rows stored for the same minutes (`ingest.identity`): a message seen before adds nothing (or
   brings its media file), an edit or a deletion seen in a later export changes the row it
   belongs to (the earlier text goes to `message_history`), and the rest are inserted and
   indexed. A reviewer's decision, a search or a pipeline run waits for one batch at most,
   never for a whole file.
3. A last transaction records the export (and how its dates were read), the chat's locale,
   language and zone.

A failure (bad input at line N, a corrupt zip member, a full disk) takes back what the export
wrote in earlier batches, so nothing of it stays and the other files still import. A process
killed mid-way (SIGKILL, a power cut) leaves whole batches, and importing the file again adds
exactly what is missing. New rows always get higher ids than every existing row and every ETL
cursor, so later stages (embedding, extraction) keep a cursor and process only what is new.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import gc
import itertools
import json
import os
import queue
import shutil
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.config import Settings
from toolkit.errors import ChatbookError, InputError
from toolkit.ingest import attachments, identity, merge, redate, zones
from toolkit.ingest.identity import Decision, Incoming, author_ident, content_key, text_key
from toolkit.ingest.redate import UtcConverter, chat_converter
from toolkit.ingest.sources import (  # noqa: F401 - chat_name_from: part of this module's API
    Candidate,
    ChatSource,
    Skipped,
    chat_name_from,
    expand_paths,
    open_sources,
    shown,
)
from toolkit.ingest.whatsapp import DATE_ORDERS, Message
from toolkit.store import db, history, messages, outbox
from toolkit.store.connect import open_db
from toolkit.terminal import visible

BATCH = 10_000  # messages per write transaction: a tenth of a second of lock or so
MAX_YIELD_S = 1.0  # the longest pause between batches for writers waiting for the store
EXPORT_FORMATS = ("jsonl", "csv", "parquet")
INGESTED_COUNTER = "messages_ingested"
INGEST_CACHE_KIB = 16 * 1024  # the pages a batch touches: the right edges of the table and indexes
LANG_SAMPLE_CHARS = 20_000  # enough text to tell five languages apart
LANG_TEXT_CHARS = 500  # of one message (a pasted novel must not cost minutes)
LANG_MIN_TEXTS = 20  # an import with fewer new texts keeps the chat's language
# A batch's rows as JSON (rows of scalars: no cycles to check). With \u escapes the encoder is
# about twice as fast on text in Latin script (accents and emoji here and there), and SQLite
# reads the few escapes at no cost worth measuring; text mostly in another script is cheaper
# written as it is (SQLite's decoding of the escapes then costs more than the encoder saves).
ASCII_ROWS = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode
WIDE_ROWS = json.JSONEncoder(ensure_ascii=False, check_circular=False,
                             separators=(",", ":")).encode


# ---------------------------------------------------------------------------- report


@dataclass
class FileResult:
    """What happened to one chat export."""

    path: str
    chat: str | None = None
    added: int = 0
    duplicates: int = 0
    messages: int = 0
    media_copied: int = 0
    date_order: str | None = None
    date_order_reason: str | None = None
    format: str | None = None
    first: str | None = None
    last: str | None = None
    kinds: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    line: int | None = None
    tz: str | None = None  # the chat's zone after this import, where it came from, and why
    tz_source: str | None = None
    tz_note: str | None = None
    edited: int = 0  # stored messages this export showed edited (earlier text kept in history)
    deleted: int = 0  # stored messages this export showed deleted
    media_linked: int = 0  # stored messages that got their media file from this export
    older: int = 0  # messages this export showed as they were before a stored edit/deletion
    redated: int = 0  # stored messages read again in the right day/month order first
    cut: int = 0  # messages far longer than WhatsApp allows, kept cut short
    lang: str | None = None
    merged_into: str | None = None  # the chat this one turned out to be (merged into it)
    renamed: dict[str, str] = field(default_factory=dict)  # this export's name -> the chat's
    merge_note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def describe(self) -> str:
        """The line `chatbook ingest` prints for an export that imported."""
        changes = [f"{count} {what}" for count, what in (
            (self.edited, "edited"), (self.deleted, "deleted"),
            (self.media_linked, "got their media file"), (self.older, "older versions"),
        ) if count]
        cut = f", {self.cut} cut short" if self.cut else ""
        known = f"{self.duplicates} already known" + (f" ({', '.join(changes)})" if changes else "")
        line = (f"{self.chat}: {self.added} new{cut}, {known} ({self.format}, {self.date_order}: "
                f"{self.date_order_reason}"
                + (f", {self.media_copied} media files" if self.media_copied else "")
                + f") from {self.path}")
        if self.redated:
            line += f"\n  re-dated {self.redated} stored messages as {self.date_order}"
        return line


@dataclass
class IngestReport:
    """Everything one `ingest_paths` call did: per-file results and the outbox drain."""

    files: list[FileResult] = field(default_factory=list)
    outbox: dict[str, Any] | None = None
    skipped: list[Skipped] = field(default_factory=list)
    disk_full: bool = False  # once the disk is full, the files after it are not tried

    @property
    def ok(self) -> bool:
        return all(result.error is None for result in self.files)

    @property
    def added(self) -> int:
        return sum(result.added for result in self.files)

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.files if result.error is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "added": self.added,
            "duplicates": sum(result.duplicates for result in self.files),
            "failed": len(self.failed),
            "files": [result.as_dict() for result in self.files],
            "outbox": self.outbox,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }

    def raise_for_rejected(self) -> None:
        """Raise (an InputError naming the first file and line) when any file was rejected."""
        if self.failed:
            first = self.failed[0]
            more = f" (and {len(self.failed) - 1} more rejected files)" if len(self.failed) > 1 else ""
            raise InputError(f"{first.error}{more}")

    def summary(self, failures: bool = True) -> str:
        """What imported (and, with `failures`, one `FAILED ...` line per rejected file, in
        order), what was skipped, the outbox, and the totals. The CLI leaves the failures out
        and prints `failures()` to stderr."""
        lines = []
        for result in self.files:
            if result.error:
                if failures:
                    lines.append(f"FAILED {result.error}")
                continue
            lines.append(result.describe())
            if result.tz:
                lines.append(f"  zone {result.tz} ({result.tz_source}: {result.tz_note})")
            if result.merge_note:
                lines.append(f"  {result.merge_note}")
            lines += [f"  {name!r} is {known!r} in this chat"
                      for name, known in result.renamed.items()]
        lines += [skipped.line() for skipped in self.skipped]
        if self.outbox and self.outbox.get("pending"):
            lines.append(f"{self.outbox['pending']} media rows wait for Postgres in the outbox")
        lines.append(f"{self.added} messages added, {len(self.failed)} files failed"
                     + (f", {len(self.skipped)} skipped" if self.skipped else ""))
        return "\n".join(lines)

    def failures(self) -> str:
        """One `FAILED ...` line per rejected file."""
        return "\n".join(f"FAILED {result.error}" for result in self.failed)


# ---------------------------------------------------------------------------- time zones


def check_tz(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ChatbookError(f"unknown time zone {tz!r} (use an IANA name like Europe/London)") \
            from None
    return tz


# ---------------------------------------------------------------------------- import


class DiskFull(Exception):
    """The disk (or the store's file system) is full: nothing more can be written anywhere."""


def disk_full(error: BaseException) -> bool:
    """A full disk, as SQLite or the OS reports it."""
    if isinstance(error, OSError):
        return error.errno in attachments.DISK_FULL_ERRNOS
    return isinstance(error, db.OperationalError) and "full" in str(error).lower()


@dataclass
class Taken:
    """What an import wrote, so that a failure can take it back."""

    inserted: list[tuple[int, int]] = field(default_factory=list)  # id ranges (first, last)
    changed: list[tuple[int, db.Row]] = field(default_factory=list)  # rows as they were
    versions: list[int] = field(default_factory=list)  # message_history ids added
    files: list[attachments.StoredFile] = field(default_factory=list)  # media files created
    added: int = 0

    def owns(self, message_id: int) -> bool:
        """Whether this import inserted the row (ranges are in increasing order)."""
        index = bisect.bisect_right(self.inserted, (message_id, float("inf"))) - 1
        return index >= 0 and self.inserted[index][0] <= message_id <= self.inserted[index][1]

    @property
    def anything(self) -> bool:
        return bool(self.inserted or self.changed or self.versions)


@dataclass
class Prepared:
    """A batch ready to write: its messages (each with its copied media file), the rows they
    become if none of them is stored yet (ids relative to the batch, as JSON: one statement),
    and, for a chat that had messages before, their identities to match them with."""

    items: list[tuple[Message, attachments.StoredFile | None]]
    payload: str | None  # None: the batch is within what the chat holds (made if needed)
    media: list[tuple[int, attachments.StoredFile]]  # (offset in the batch, copied file)
    texts: int
    batch: list[Incoming] | None = None


def rows_json(rows: list[tuple[Any, ...]]) -> str:
    """A batch's new rows as one JSON array, escaped or not as its script makes cheaper (a
    sample of its texts tells: a fifth of their UTF-8 bytes beyond ASCII or more, unescaped)."""
    sample = "".join([row[4] for row in rows[::16]])
    if sample.isascii():
        return ASCII_ROWS(rows)
    extra = len(sample.encode("utf-8", "surrogatepass")) - len(sample)
    return (WIDE_ROWS if 5 * extra >= len(sample) else ASCII_ROWS)(rows)


def identities(items: list[tuple[Message, attachments.StoredFile | None]]) -> list[Incoming]:
    """The messages of a batch with their identities (see `ingest.identity`)."""
    authors: dict[str | None, str] = {}
    found = []
    for item in items:
        message = item[0]
        who = authors.get(message.author)
        if who is None:
            who = authors[message.author] = author_ident(message.author)
        found.append(Incoming(message.sent_at[:16], who, text_key(message.kind, message.text),
                              message.kind, message.edited, item))
    return found


class ChatImport:
    """Import one chat export: batches of messages, each in its own transaction.

    A thread parses and prepares the next batches (pure Python) while this one writes the
    current batch (SQLite, which lets go of the GIL): on two cores the two halves overlap.
    """

    def __init__(self, settings: Settings, conn: db.Connection, source: ChatSource,
                 result: FileResult, tz: str, chat_id: int | None, tz_given: str | None = None):
        self.settings = settings
        self.tz_given = tz_given
        self.conn = conn
        self.source = source
        self.result = result
        self.tz = tz
        self.to_utc = UtcConverter(tz)
        self.now = db.utc_now()
        self.chat_id = chat_id or 0
        self.created_chat = False
        self.fresh = False  # a chat this import created, nobody else writing to it: no matching
        # people this export names otherwise than the chat: its name -> (the chat's name as
        # compared, as written, its author_key)
        self.people: dict[str, tuple[str, str | None, str | None]] = {}
        self.votes = identity.AuthorVotes()
        self.chat_names: set[str] | None = None
        self.export_names: set[str] = set()
        self.stored_until = ""  # the chat's last minute before this import
        self.key_seed = zlib.crc32(source.chat.encode("utf-8", "surrogatepass"))
        self.waiting_file: str | None = None
        self.queue_media = settings.image_processing_enabled
        self.taken = Taken()
        self.author_keys: dict[str | None, str | None] = {}
        self.lang_texts: list[str] = []
        self.lang_chars = 0
        self.new_texts = 0

    # -- the batches

    def run(self, bar: Any = None) -> None:
        with paused_gc():
            self.import_batches(bar)
        if self.chat_id:
            self.finish()

    def import_batches(self, bar: Any) -> None:
        fmt = self.source.parser.format
        batches = self.batches()
        first = next(batches, None)
        if not self.chat_id:  # a new chat: made by the first batch's transaction
            if self.tz_given is None and first:
                self.use_zone(self.zone_of(first))
            self.fresh = True
        else:
            self.stored_until = messages.chat_last_minute(self.conn, self.chat_id)
        for prepared in self.prepared(itertools.chain([first] if first else [], batches)):
            self.write(prepared)
            if bar is not None:
                bar.update(len(prepared.items))
        result = self.result
        result.duplicates = result.messages - result.added
        result.format = fmt.shape.describe()
        result.date_order, result.date_order_reason = fmt.date_order, fmt.date_order_reason

    def zone_of(self, first: list[tuple[Message, attachments.StoredFile | None]]) -> str:
        """A new chat's zone as its first batch tells it (`ingest.zones`): its rows are then
        written in the zone it will most likely keep, instead of re-timed after the import."""
        authors = sorted({message.author for message, _ in first if message.author})
        return zones.infer_zone(authors, self.source.parser.format.locale,
                                self.settings.default_tz, self.settings.default_tz_note,
                                first[0][0].sent_at, first[-1][0].sent_at).tz

    def use_zone(self, tz: str) -> None:
        self.tz = tz
        self.to_utc = UtcConverter(tz)

    def create_chat(self) -> int:
        """The chat's row, inside the first batch's transaction (a file that fails before
        leaves no chat behind; a failure after takes it back with the batch's rows)."""
        row = messages.chat_named(self.conn, self.source.chat)
        if row is not None:  # another process created it meanwhile: match against it
            self.fresh = False
            self.stored_until = messages.chat_last_minute(self.conn, int(row["id"]))
            return int(row["id"])
        self.created_chat = True
        return messages.insert_chat(self.conn, self.source.chat, self.tz, None,
                                    self.source.parser.format.date_order)

    def prepared(self, batches: Iterator[list[tuple[Message, attachments.StoredFile | None]]]
                 ) -> Iterator[Prepared]:
        """The prepared batches, made by a thread a batch or two ahead of the writer."""
        ahead: queue.Queue[Prepared | BaseException | None] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def produce() -> None:
            try:
                for batch in batches:
                    item = self.prepare(batch)
                    while not stop.is_set():
                        try:
                            ahead.put(item, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                ahead.put(None)
            except BaseException as error:  # handed to the writer, which raises it
                ahead.put(error)

        worker = threading.Thread(target=produce, name="chatbook-ingest-parse", daemon=True)
        switch = sys.getswitchinterval()
        # the writer takes the GIL back after every statement; waiting the default 5 ms for
        # it each time would cost more than the overlap gains
        sys.setswitchinterval(min(switch, 0.0005))
        worker.start()
        try:
            while (item := ahead.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            worker.join()
            sys.setswitchinterval(switch)

    def batches(self) -> Iterator[list[tuple[Message, attachments.StoredFile | None]]]:
        """The export's messages with their copied media files, about BATCH at a time, each
        batch ending on a minute (so a minute's messages are matched together)."""
        result, kinds = self.result, self.result.kinds
        batch: list[tuple[Message, attachments.StoredFile | None]] = []
        minute = last = ""
        lang_texts, lang_chars = self.lang_texts, 0
        for message in self.source.parser:
            sent_at, kind, media = message.sent_at, message.kind, message.media
            if sent_at[:16] != minute:
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
                minute = sent_at[:16]
                if result.first is None:
                    result.first = sent_at
            batch.append((message, self.copy_media(media) if media is not None else None))
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind == "text" and lang_chars < LANG_SAMPLE_CHARS:
                lang_texts.append(message.text[:LANG_TEXT_CHARS])
                lang_chars += min(len(message.text), LANG_TEXT_CHARS)
            if getattr(message, "cut", False):
                result.cut += 1
            last = sent_at
        result.last = last or None
        result.messages = sum(kinds.values())
        if batch:
            yield batch

    def copy_media(self, name: str) -> attachments.StoredFile | None:
        """Copy the media file a message names, if the export has it (outside the lock)."""
        opener = self.source.media.find(name)
        if opener is None:
            return None
        with opener() as stream:
            stored = attachments.store_stream(self.settings, stream, name, self.source.path)
        self.result.media_copied += 1
        if stored.created:
            self.taken.files.append(stored)
        return stored

    def prepare(self, items: list[tuple[Message, attachments.StoredFile | None]]) -> Prepared:
        """The batch with the rows it becomes if every message is new (unless it lies within
        the minutes the chat held already: then they are mostly stored, and made only if
        not); a chat that had messages before needs the identities too."""
        if self.fresh:
            return Prepared(items, *self.new_rows(items))
        batch = identities(items)
        if max(message.minute for message in batch) <= self.stored_until:
            return Prepared(items, None, [], 0, batch)
        return Prepared(items, *self.new_rows(items), batch)

    def new_rows(self, items: list[tuple[Message, attachments.StoredFile | None]]
                 ) -> tuple[str, list[tuple[int, attachments.StoredFile]], int]:
        """The rows of a batch of new messages as JSON (see `messages.insert_json`), its
        copied files by place, and how many are texts (the hot path of a first import:
        locals only); identical messages of a minute are told apart by their position."""
        seed, to_utc = self.key_seed, self.to_utc
        author_key, key_of = self.author_key, content_key
        positions: dict[tuple[str | None, str], int] = {}
        minute = ""
        rows = []
        media = []
        texts = 0
        for offset, (message, stored) in enumerate(items):
            sent_at, author, text, kind = message.sent_at, message.author, message.text, message.kind
            if sent_at[:16] != minute:
                positions.clear()
                minute = sent_at[:16]
            ident = (author, text)
            position = positions.get(ident, 0)
            positions[ident] = position + 1
            texts += kind == "text"
            if stored is not None:
                media.append((offset, stored))
            rows.append((sent_at, to_utc(sent_at), author, author_key(author), text, kind,
                         message.media, stored.sha256 if stored else None, int(message.edited),
                         message.line, key_of(seed, minute, author or "", text, position)))
        return rows_json(rows), media, texts

    def write(self, prepared: Prepared) -> None:
        """One batch in one transaction: match, insert, apply edits, deletions and files."""
        conn = self.conn
        with db.transaction(conn):
            if not self.chat_id:
                self.chat_id = self.create_chat()
            start = messages.write_start(conn)
            # ids grow past every ETL cursor too, or a stage whose cursor is above the newest
            # message (after messages were deleted) would never see the new ones
            first_id = max(start.top, start.cursor) + 1
            with messages.deferred_fts(conn, start):
                count = self.write_batch(prepared, first_id)
        if count:  # committed: these rows are now this import's to take back on failure
            self.taken.inserted.append((first_id, first_id + count - 1))
            self.taken.added += count
            self.result.added += count
        self.let_waiting_writers_in()

    def write_batch(self, prepared: Prepared, first_id: int) -> int:
        """The batch's rows and changes, inside its transaction; returns the rows inserted."""
        conn = self.conn
        decisions = self.decide(prepared)
        if decisions is None:
            if prepared.payload is None:  # within the chat's minutes after all
                prepared.payload, prepared.media, prepared.texts = self.new_rows(prepared.items)
            media_rows = [(first_id + offset, stored) for offset, stored in prepared.media]
            count = len(prepared.items)
            if messages.insert_json(conn, prepared.payload, first_id, self.chat_id,
                                    self.source.path, self.now) != count:
                self.rekey_missing(self.rows_of(prepared.payload, first_id))
            self.new_texts += prepared.texts
        else:
            media_rows = []
            rows: list[tuple[Any, ...]] = []
            for decision in decisions:
                if decision.action == identity.NEW:
                    message_id = first_id + len(rows)
                    rows.append(self.new_row(message_id, decision))
                    stored = decision.message.extra[1]
                    if stored is not None:
                        media_rows.append((message_id, stored))
                else:
                    self.apply(decision, media_rows)
            count = len(rows)
            if rows and messages.insert_messages(conn, rows) != count:
                self.rekey_missing(rows)
        if count:
            # the new rows have the highest ids of all, so the last is the chat's newest
            db.set_cursor(conn, f"ingest:chat:{self.chat_id}", first_id + count - 1)
            db.bump_counter(conn, INGESTED_COUNTER, count)
        if self.queue_media:
            for message_id, stored in media_rows:
                attachments.enqueue_attachment(self.settings, conn, stored, self.source.chat,
                                               message_id)
        return count

    def let_waiting_writers_in(self) -> None:
        """Between two batches, a writer waiting for the store (a review decision, a pipeline
        run, another import) takes the lock first: none waits longer than a batch."""
        if self.waiting_file is None:
            self.waiting_file = db.waiting_file(self.conn) or ""
        deadline = time.monotonic() + MAX_YIELD_S
        while (db.writers_waiting(self.conn, self.waiting_file)
               and time.monotonic() < deadline):
            time.sleep(db.WRITE_POLL_S)

    def decide(self, prepared: Prepared) -> list[Decision] | None:
        """Match the batch against the rows stored for its minutes; None when there are none
        (a chat this import created, or minutes past everything stored): all are new."""
        if self.fresh:
            newest = self.taken.inserted[-1][1] if self.taken.inserted else 0
            if db.get_cursor(self.conn, f"ingest:chat:{self.chat_id}") == newest:
                return None
            self.fresh = False  # another process wrote to the new chat meanwhile: match
        batch = prepared.batch if prepared.batch is not None else identities(prepared.items)
        first = min(message.minute for message in batch)
        last = max(message.minute for message in batch)
        stored = [row for row in messages.rows_in_minutes(self.conn, self.chat_id, first, last)
                  if not self.taken.owns(int(row["id"]))]
        if not stored and not self.people:
            return None
        by_minute: dict[str, list[identity.Stored]] = {}
        for found in identity.stored_from_rows(stored):
            by_minute.setdefault(found.row["sent_at"][:16], []).append(found)
        if stored:
            self.learn_people(batch, by_minute)
        if self.people:
            batch = [self.under_chat_name(message) for message in batch]
        decisions: list[Decision] = []
        start = 0
        for end in range(1, len(batch) + 1):
            if end == len(batch) or batch[end].minute != batch[start].minute:
                minute = batch[start:end]
                rows = by_minute.get(batch[start].minute, [])
                if not stored_as_is(minute, rows):
                    decisions += identity.match_minute(minute, rows)
                start = end
        return decisions

    def learn_people(self, batch: list[Incoming], by_minute: dict[str, list[identity.Stored]]
                     ) -> None:
        """Names this export gives people the chat knows by other names (another phone's
        contacts), learnt from the messages both have (`identity.AuthorVotes`)."""
        if self.chat_names is None:
            self.chat_names = {identity.author_ident(name)
                               for name in messages.chat_authors(self.conn, self.chat_id)}
        self.export_names |= {message.author for message in batch}
        for message in batch:
            if (not message.author or message.author in self.chat_names
                    or message.author in self.people):
                continue
            same = [row for row in by_minute.get(message.minute, ())
                    if row.text == message.text and row.author
                    and row.author not in self.export_names]
            if len(same) == 1:
                self.votes.vote(message.author, same[0], message.text)
        for name, partner in self.votes.certain().items():
            if name not in self.people:
                written = self.votes.written[partner]["author"]
                self.people[name] = (partner, written, messages.author_key(written))
                shown_as = next((m.extra[0].author for m in batch if m.author == name), name)
                self.result.renamed[shown_as] = written

    def under_chat_name(self, message: Incoming) -> Incoming:
        """The message by the name the chat knows its author by (if this export's differs)."""
        person = self.people.get(message.author)
        if person is None:
            return message
        return Incoming(message.minute, person[0], message.text, message.kind, message.edited,
                        (*message.extra[:2], person[1:]))

    def new_row(self, message_id: int, decision: Decision) -> tuple[Any, ...]:
        incoming = decision.message
        message: Message = incoming.extra[0]
        stored: attachments.StoredFile | None = incoming.extra[1]
        key = content_key(self.key_seed, incoming.minute, incoming.author, incoming.text,
                          decision.position)
        if message.kind == "text":
            self.new_texts += 1
        author, key_of_author = (incoming.extra[2] if len(incoming.extra) > 2
                                 else (message.author, self.author_key(message.author)))
        return (message_id, self.chat_id, message.sent_at, self.to_utc(message.sent_at),
                author, key_of_author, message.text, message.kind,
                message.media, stored.sha256 if stored else None, int(message.edited),
                self.source.path, message.line, key, self.now)

    def author_key(self, author: str | None) -> str | None:
        key = self.author_keys.get(author, "")
        if key == "":
            key = self.author_keys[author] = messages.author_key(author)
        return key

    def rows_of(self, payload: str, first_id: int) -> list[tuple[Any, ...]]:
        """A prepared batch's JSON rows as INSERT_SQL rows."""
        return [(first_id + offset, self.chat_id, *row[:9], self.source.path, *row[9:], self.now)
                for offset, row in enumerate(json.loads(payload))]

    def rekey_missing(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows whose key was taken (by a row that kept its key through a re-dating or a
        merge, so its minute no longer says where it is) are inserted with a salted key."""
        present = messages.ids_present(self.conn, [row[0] for row in rows])
        for row in rows:
            salt = 1
            while row[0] not in present:
                keyed = (*row[:13], identity.salted_key(row[13], salt), row[14])
                if messages.insert_messages(self.conn, [keyed]):
                    present.add(row[0])
                salt += 1

    def apply(self, decision: Decision, media_rows: list[tuple[int, attachments.StoredFile]]
              ) -> None:
        """A message already stored: maybe its media file, an edit, a deletion, a version."""
        assert decision.row is not None
        row = decision.row.row
        message: Message = decision.message.extra[0]
        stored: attachments.StoredFile | None = decision.message.extra[1]
        result, conn = self.result, self.conn
        if decision.action == identity.SAME:
            if stored is not None and row["attachment_sha256"] is None:
                self.change(row["id"], message.text, row["kind"], message.media, stored.sha256,
                            bool(row["edited"]) or message.edited, message.line)
                media_rows.append((int(row["id"]), stored))
                result.media_linked += 1
            return
        if decision.action == identity.EDIT:
            self.keep_version(row, "edited", row["source_file"])
            self.change(row["id"], message.text, message.kind, row["media"],
                        row["attachment_sha256"], True, message.line)
            result.edited += 1
        elif decision.action == identity.DELETE:
            self.keep_version(row, "deleted", row["source_file"])
            self.change(row["id"], message.text, "deleted", row["media"],
                        row["attachment_sha256"], False, message.line)
            result.deleted += 1
        elif decision.action == identity.OLDER:
            if message.text != row["text"] and not history.has_version(conn, row["id"],
                                                                       message.text):
                reason = "deleted" if row["kind"] == "deleted" else "edited"
                self.taken.versions.append(history.add_version(
                    conn, row["id"], message.text, message.kind, message.edited, reason,
                    self.source.path))
            result.older += 1

    def keep_version(self, row: db.Row, reason: str, source_file: str) -> None:
        self.taken.versions.append(history.add_version(
            self.conn, row["id"], row["text"], row["kind"], bool(row["edited"]), reason,
            source_file))

    def change(self, message_id: int, text: str, kind: str, media: str | None,
               sha256: str | None, edited: bool, line: int) -> None:
        before = messages.message_state(self.conn, message_id)
        assert before is not None
        self.taken.changed.append((message_id, before))
        messages.set_message_version(self.conn, message_id, text, kind, media, sha256, edited,
                                     self.source.path, line)

    # -- the end

    def finish(self) -> None:
        """Record the export, the chat's locale, language and zone (one transaction)."""
        fmt = self.source.parser.format
        result, conn = self.result, self.conn
        lang = self.detect_language()
        with db.transaction(conn):
            history.record_export(conn, self.chat_id, self.source.path, fmt.date_order,
                                  order_decided(fmt.date_order_reason), result.messages,
                                  result.first, result.last)
            messages.set_chat_format(conn, self.chat_id, fmt.date_order, fmt.locale)
            if not self.taken.inserted:  # a re-import: the cursor still names the newest row
                db.set_cursor(conn, f"ingest:chat:{self.chat_id}",
                              messages.chat_top_id(conn, self.chat_id))
            if lang:
                messages.set_chat_lang(conn, self.chat_id, lang)
            choice = zones.settle_chat_zone(self.settings, conn, self.chat_id,
                                            given=self.tz_given)
            result.tz, result.tz_source, result.tz_note = choice.tz, choice.source, choice.note
        result.lang = lang or messages.chat_lang(conn, self.chat_id)

    def detect_language(self) -> str | None:
        """The chat's language from this export's text; kept as it was when the export adds
        too little text to tell (or lingua, of the `extract` extra, is not installed)."""
        if self.new_texts < LANG_MIN_TEXTS and messages.chat_lang(self.conn, self.chat_id):
            return None
        if not self.lang_texts:
            return None
        try:
            from toolkit.language import chat_language
        except ImportError:
            return None
        try:
            return chat_language(self.lang_texts)
        except ImportError:
            return None

    # -- a failure

    def take_back(self) -> None:
        """Undo every batch this import committed (after a failure), newest first, in small
        transactions that each leave the store consistent (the counter follows the rows; the
        chat this import made goes with its last rows), keeping count as it goes: a second
        call after a failure goes on where the first stopped. Then the media files no row
        names are removed."""
        conn, taken = self.conn, self.taken
        if taken.versions or taken.changed:
            with db.transaction(conn):
                history.delete_versions(conn, taken.versions)
                for message_id, before in reversed(taken.changed):
                    messages.set_message_version(
                        conn, message_id, before["text"], before["kind"], before["media"],
                        before["attachment_sha256"], bool(before["edited"]),
                        before["source_file"], before["source_line"])
            taken.versions, taken.changed = [], []
        while taken.inserted:
            first, last = taken.inserted[-1]
            start = max(first, last - BATCH + 1)
            final = start == first and len(taken.inserted) == 1
            with db.transaction(conn):
                gone = messages.delete_messages(conn, range(start, last + 1))
                if gone:
                    db.bump_counter(conn, INGESTED_COUNTER, -gone)
                if final:
                    self.forget_chat_if_made()
            if start == first:
                taken.inserted.pop()
            else:
                taken.inserted[-1] = (first, start - 1)
            taken.added -= gone
        for stored in taken.files:
            if not messages.messages_naming_file(conn, stored.sha256):
                attachments.remove_stored(self.settings, stored)
        taken.files = []
        self.result.added = 0

    def forget_chat_if_made(self) -> None:
        """The chat's cursor as its rows now say; the chat itself gone if this import made it
        and nothing else wrote to it."""
        conn = self.conn
        db.set_cursor(conn, f"ingest:chat:{self.chat_id}", messages.chat_top_id(conn, self.chat_id))
        if self.created_chat and not messages.chat_has_messages(conn, self.chat_id):
            messages.delete_chat(conn, self.chat_id)

    def still_stored(self) -> int:
        """How many of the rows this import inserted are still there (after a failed undo)."""
        return self.taken.added


def stored_as_is(minute: list[Incoming], rows: list[identity.Stored]) -> bool:
    """Whether a minute of the export is stored exactly as it is, with nothing to bring (no
    media file a row lacks): then there is nothing to decide (most of a re-export)."""
    if len(minute) != len(rows) or not rows:
        return False
    if any(message.extra[1] is not None for message in minute):
        return False
    if len(rows) == 1:
        return minute[0].ident == rows[0].ident
    return sorted(m.ident for m in minute) == sorted(r.ident for r in rows)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while an export is imported: it makes millions of short
    tuples and no cycles, and the collector's passes over them cost a tenth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def order_decided(reason: str) -> bool:
    """Whether the export's own dates decided its day/month order (not guessed, not given)."""
    return "above 12" in reason or "is a year" in reason


# ---------------------------------------------------------------------------- one export


def ingest_paths(settings: Settings, paths: Sequence[Path | str], *, chat: str | None = None,
                 tz: str | None = None, date_order: str = "auto",
                 progress: bool = False) -> IngestReport:
    """Import every chat export found in `paths`; each export in batches of its own."""
    if date_order not in ("auto", *DATE_ORDERS):
        raise ChatbookError(f"unknown date order {date_order!r} (use auto, dmy, mdy or ymd)")
    if tz is not None:
        check_tz(tz)
    report = IngestReport()
    conn = open_db(settings)
    messages.bulk_cache(conn, INGEST_CACHE_KIB)
    reserve = SpaceReserve(settings.db_path.parent)
    try:
        finish_interrupted(settings, conn)
        candidates, skipped = expand_paths(paths)
        report.skipped.extend(skipped)
        reserve.hold()
        for candidate in candidates:
            ingest_one_path(settings, conn, candidate, report, chat=chat, tz=tz,
                            date_order=date_order, progress=progress, reserve=reserve)
        reserve.release()
        purge_stale_vectors(settings, conn)
        if settings.image_processing_enabled:
            report.outbox = outbox.drain(settings, conn, attachments.OUTBOX_HANDLERS).as_dict()
    finally:
        reserve.release()
        conn.close()
    return report


class SpaceReserve:
    """Room held on the store's disk while importing and given back when the disk fills, so
    that what a failed export wrote can still be taken back (deleting rows writes too)."""

    MAX_BYTES = 32 * 1024**2
    SHARE = 2  # never more than half the free space

    def __init__(self, folder: Path):
        self.path = folder / ".ingest-reserve"

    def hold(self) -> None:
        try:
            size = min(self.MAX_BYTES, shutil.disk_usage(self.path.parent).free // self.SHARE)
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        except OSError:
            return  # no room to hold: the import goes on without
        try:
            os.posix_fallocate(fd, 0, size)
        except (OSError, AttributeError):  # a file system (or OS) that cannot: hold nothing
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()


def finish_interrupted(settings: Settings, conn: db.Connection) -> None:
    """Re-datings, re-timings and merges a crash interrupted are finished first."""
    converter = chat_converter(conn, settings.default_tz)
    redate.run_redates(conn, converter)
    redate.run_retimes(conn, converter)
    merge.finish_interrupted_merges(settings, conn)


def ingest_one_path(settings: Settings, conn: db.Connection, candidate: Candidate,
                    report: IngestReport, *, chat: str | None, tz: str | None, date_order: str,
                    progress: bool, reserve: SpaceReserve | None = None) -> None:
    """The exports in one file (a zip may hold several), each reported on its own line."""
    display = shown(candidate.path)
    if report.disk_full:
        report.files.append(FileResult(path=display, error=f"{display}: not imported: the "
                                                            "disk is full"))
        return
    stack: list[zipfile.ZipFile] = []
    try:
        try:
            sources = open_sources(candidate, chat, date_order, stack, report.skipped)
        except InputError as error:
            report.files.append(FileResult(path=display, error=str(error), line=error.line))
            return
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # a member's first bytes
            report.files.append(FileResult(path=display,
                                           error=f"{display}: the zip is corrupt ({error})"))
            return
        except OSError as error:
            report.files.append(FileResult(path=display, error=f"{display}: cannot read: "
                                                                f"{error.strerror or error}"))
            return
        for source in sources:
            if report.disk_full:
                report.files.append(FileResult(path=source.path, chat=source.chat,
                                               error=f"{source.path}: not imported: the disk "
                                                     "is full"))
                continue
            report.files.append(ingest_source(settings, conn, source, report, tz, date_order,
                                              progress, may_merge=chat is None,
                                              reserve=reserve))
    finally:
        for archive in stack:
            archive.close()


def ingest_source(settings: Settings, conn: db.Connection, source: ChatSource,
                  report: IngestReport, tz: str | None, date_order: str,
                  progress: bool, *, may_merge: bool = True,
                  reserve: SpaceReserve | None = None) -> FileResult:
    """One export, in batches; any failure takes back what it wrote and is reported. A new
    chat that is certainly one already stored under another name is merged into it, unless
    its name was given (`--chat`): a name given on purpose is kept."""
    result = FileResult(path=source.path, chat=source.chat)
    job: ChatImport | None = None
    try:
        fmt = source.parser.format  # an export that is no export fails here, before writing
        recorded = messages.chat_named(conn, source.chat)
        if recorded is not None:
            result.chat = recorded["name"]
            if date_order == "auto" and recorded["date_order"]:
                adopt_recorded_order(source, recorded["date_order"])
            result.redated = fix_stored_order(settings, conn, int(recorded["id"]),
                                              fmt.date_order,
                                              explicit=date_order != "auto"
                                              or order_decided(fmt.date_order_reason))
            if tz is not None and tz != recorded["tz"]:
                redate.start_retime(conn, int(recorded["id"]), tz)
                redate.run_retimes(conn, chat_converter(conn, settings.default_tz),
                                   int(recorded["id"]))
        zone = tz or (recorded or {}).get("tz") or settings.default_tz
        job = ChatImport(settings, conn, source, result, zone,
                         int(recorded["id"]) if recorded else None, tz)
        bar = progress_bar(source) if progress else None
        try:
            job.run(bar)
        finally:
            if bar is not None:
                bar.close()
    except InputError as error:
        return failed(job, result, str(error), error.line)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # raised while reading a member
        return failed(job, result, f"{source.path}: the zip is corrupt ({error})")
    except (OSError, db.DatabaseError) as error:
        if disk_full(error):
            report.disk_full = True
            if reserve is not None:
                reserve.release()  # the room to take back what the export wrote
            return failed(job, result, f"disk full while importing {source.path}",
                          disk=True)
        return failed(job, result, f"{source.path}: cannot import: {error}")
    if may_merge and (job.created_chat or history.only_export(conn, job.chat_id, source.path)):
        # a chat that is only this export (new, or its first import was interrupted) may be
        # one already stored under another name
        try:
            note = merge.merge_if_certain(settings, conn, job.chat_id)
        except (OSError, db.DatabaseError) as error:
            result.merge_note = f"not merged yet ({error}); the next import goes on with it"
            return result
        if note is not None:
            result.merged_into, result.merge_note = note.into, note.describe()
            result.chat = note.into
    return result


def failed(job: ChatImport | None, result: FileResult, error: str, line: int | None = None,
           *, disk: bool = False) -> FileResult:
    """The failed export's result, after taking back whatever it had written."""
    kept = 0
    if job is not None:
        try:
            take_back(job, disk)
        except (OSError, db.DatabaseError) as undo_error:
            kept = job.still_stored()
            if not disk:
                error += (f"; {kept} messages from it stay stored (taking them back failed: "
                          f"{undo_error})")
    if disk:
        error += ("; nothing from it was stored" if not kept else
                  f"; {kept} messages from it were stored before the disk filled (free some "
                  "space and import it again: it goes on where it stopped)")
    return FileResult(path=result.path, chat=result.chat, error=error, line=line)


def take_back(job: ChatImport, disk: bool) -> None:
    """Take back what a failed import wrote; on a full disk, after a first failure, once more
    when the WAL has given back the space the failed batch took."""
    try:
        job.take_back()
    except (OSError, db.DatabaseError) as error:
        if not (disk and disk_full(error)):
            raise
        with contextlib.suppress(db.DatabaseError):  # it may need room too
            db.truncate_wal(job.conn)
        job.take_back()


def fix_stored_order(settings: Settings, conn: db.Connection, chat_id: int, order: str, *,
                     explicit: bool) -> int:
    """Re-date, in place, the chat's stored rows that were read in another day/month order by
    a guess, now that the order is known (given, or decided by this export's dates)."""
    if not explicit:
        return 0
    plan = redate.redate_plan(conn, chat_id, order, explicit=True)
    if not plan.exports:
        return 0
    return redate.run_redates(conn, chat_converter(conn, settings.default_tz), chat_id)


def adopt_recorded_order(source: ChatSource, recorded: str) -> None:
    """A newer export whose own dates cannot decide (all fields <= 12) keeps the chat's order."""
    fmt = source.parser.format
    if not order_decided(fmt.date_order_reason) and fmt.date_order != recorded:
        fmt.date_order = recorded
        fmt.date_order_reason = "as recorded for this chat"


def purge_stale_vectors(settings: Settings, conn: db.Connection) -> None:
    """Vectors of a text a message no longer has (edited or deleted since it was embedded)
    are deleted: a search must not find a message by what it used to say."""
    if not settings.vdb_path.exists():
        return
    replaced = history.replaced_messages(conn)
    if not replaced:
        return
    from toolkit.store import vectors

    made = vectors.embedded_at(settings.vdb_path, [message_id for message_id, _ in replaced])
    stale = [message_id for message_id, when in replaced
             if message_id in made and made[message_id] <= when]
    vectors.delete_embeddings(settings.vdb_path, stale)


def progress_bar(source: ChatSource) -> Any:
    from tqdm import tqdm

    # the chat's name comes from a file name: its controls are shown, never obeyed
    return tqdm(desc=visible(source.chat), unit=" msg", file=sys.stderr, leave=False)


def split_sources(source: str | Sequence[str | Path]) -> list[Path]:
    """A notebook parameter (a path, a comma-separated list, or a list) as paths."""
    if isinstance(source, str):
        return [Path(part.strip()) for part in source.split(",") if part.strip()]
    return [Path(part) for part in source]


def sources_or_inbox(settings: Settings, source: str | Sequence[str | Path]) -> list[Path]:
    """The paths a notebook run should import: the given ones, or else the inbox folder."""
    paths = split_sources(source)
    if paths:
        return paths
    from toolkit.fsutil import ensure_private_dir

    return [ensure_private_dir(settings.inbox_dir)]


def report_tables(settings: Settings, report: IngestReport, sample: int = 10) -> dict[str, Any]:
    """What a person wants to see after an import, as Polars frames: one row per file, counts
    and first/last dates by kind per chat, the newest messages, and the rejected files."""
    import polars as pl

    files = pl.DataFrame(
        [{"chat": r.chat, "added": r.added, "already known": r.duplicates,
          "messages": r.messages, "media files": r.media_copied, "format": r.format,
          "date order": r.date_order, "why": r.date_order_reason, "zone": r.tz,
          "zone from": r.tz_source, "zone why": r.tz_note, "path": r.path}
         for r in report.files if r.error is None],
        schema={"chat": pl.String, "added": pl.Int64, "already known": pl.Int64,
                "messages": pl.Int64, "media files": pl.Int64, "format": pl.String,
                "date order": pl.String, "why": pl.String, "zone": pl.String,
                "zone from": pl.String, "zone why": pl.String, "path": pl.String},
    )
    rejected = pl.DataFrame([{"path": r.path, "line": r.line, "error": r.error}
                             for r in report.failed],
                            schema={"path": pl.String, "line": pl.Int64, "error": pl.String})
    kinds_schema = {"chat": pl.String, "kind": pl.String, "messages": pl.Int64,
                    "first": pl.String, "last": pl.String}
    newest_schema = {"chat": pl.String, "sent_at": pl.String, "author": pl.String,
                     "kind": pl.String, "text": pl.String}
    chats = sorted({r.chat for r in report.files if r.error is None and r.chat})
    kinds: list[dict[str, Any]] = []
    newest: list[dict[str, Any]] = []
    if chats:
        conn = open_db(settings)
        try:
            kinds = messages.kinds_by_chat(conn, chats)
            newest = messages.newest_in_chats(conn, chats, sample)
        finally:
            conn.close()
    return {"files": files, "kinds": pl.DataFrame(kinds, schema=kinds_schema),
            "newest": pl.DataFrame(newest, schema=newest_schema), "rejected": rejected}


# ---------------------------------------------------------------------------- export


EXPORT_COLUMNS = ("id", "chat", "sent_at", "sent_at_utc", "author", "text", "kind", "media",
                  "attachment_sha256", "edited", "source_file", "source_line")


def iter_messages(conn: db.Connection, chat: str | None = None) -> Iterator[dict[str, Any]]:
    """Messages in chat and time order, as dicts with the export columns."""
    for row in messages.export_rows(conn, chat):
        record = dict(row)
        record["edited"] = bool(record["edited"])
        yield record


def export_messages(settings: Settings, fmt: str, out: Path | str | IO[str] | None = None,
                    chat: str | None = None) -> int:
    """Write messages as jsonl / csv (to a file, or stdout when `out` is None) or parquet."""
    if fmt not in EXPORT_FORMATS:
        raise ChatbookError(f"unknown export format {fmt!r} (use {', '.join(EXPORT_FORMATS)})")
    conn = open_db(settings)
    try:
        if chat is not None and messages.chat_named(conn, chat) is None:
            raise ChatbookError(f"no chat named {chat!r}")
        records = iter_messages(conn, chat)
        if fmt == "parquet":
            if out is None or not isinstance(out, str | Path):
                raise ChatbookError("parquet needs --output FILE")
            return write_parquet(records, Path(out))
        if out is None:
            return write_text(records, fmt, sys.stdout)
        if isinstance(out, str | Path):
            from toolkit.fsutil import ensure_private_file

            target = ensure_private_file(Path(out))
            with target.open("w", encoding="utf-8", newline="") as handle:
                return write_text(records, fmt, handle)
        return write_text(records, fmt, out)
    finally:
        conn.close()


def write_text(records: Iterator[dict[str, Any]], fmt: str, handle: IO[str]) -> int:
    count = 0
    if fmt == "jsonl":
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(record)
        count += 1
    return count


def write_parquet(records: Iterator[dict[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from toolkit.fsutil import ensure_private_file

    schema = pa.schema([
        ("id", pa.int64()), ("chat", pa.string()), ("sent_at", pa.string()),
        ("sent_at_utc", pa.string()), ("author", pa.string()), ("text", pa.string()),
        ("kind", pa.string()), ("media", pa.string()), ("attachment_sha256", pa.string()),
        ("edited", pa.bool_()), ("source_file", pa.string()), ("source_line", pa.int64()),
    ])
    ensure_private_file(path)
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= 50_000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        count += len(batch)
    return count
