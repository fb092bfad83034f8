"""WhatsApp exports (files, zips, folders) into the primary store, incrementally.

Each chat export is imported in one SQLite transaction: an error leaves the store exactly as it
was and names the file and line, and the other files of the batch still import. Every message
gets a content key (chat, local time, author, text, and its position among identical
duplicates), so re-importing an export, or a newer export that overlaps it, adds only the
messages not seen before, while two identical messages sent in the same minute both survive.
New rows always get higher ids than every existing row and every ETL cursor, so later stages
(embedding, extraction) keep a cursor and process only what is new.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.config import Settings
from toolkit.errors import ChatbookError, InputError
from toolkit.ingest import attachments, zones
from toolkit.ingest.whatsapp import DATE_ORDERS, ChatParser, Message, binary_opener
from toolkit.store import db, messages, outbox
from toolkit.store.connect import open_db

BATCH = 5000
EXPORT_FORMATS = ("jsonl", "csv", "parquet")
CHAT_FILE_NAMES = [
    re.compile(r"^WhatsApp[ -]Chat (?:with|mit|con|avec|com|met|z|med|ile) (?P<name>.+)$", re.I),
    re.compile(r"^WhatsApp[ -]Chat - (?P<name>.+)$", re.I),
    re.compile(r"^(?:Chat de WhatsApp con|Conversa do WhatsApp com|Discussion WhatsApp avec"
               r"|Chat WhatsApp con|Conversa de WhatsApp amb) (?P<name>.+)$", re.I),
]
GENERIC_CHAT_FILES = {"_chat", "chat", "whatsapp chat"}
INGESTED_COUNTER = "messages_ingested"
INGEST_CACHE_KIB = 64 * 1024


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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class IngestReport:
    """Everything one `ingest_paths` call did: per-file results and the outbox drain."""

    files: list[FileResult] = field(default_factory=list)
    outbox: dict[str, Any] | None = None

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
        }

    def raise_for_rejected(self) -> None:
        """Raise (an InputError naming the first file and line) when any file was rejected."""
        if self.failed:
            first = self.failed[0]
            more = f" (and {len(self.failed) - 1} more rejected files)" if len(self.failed) > 1 else ""
            raise InputError(f"{first.error}{more}")

    def summary(self) -> str:
        lines = []
        for result in self.files:
            if result.error:
                lines.append(f"FAILED {result.error}")
            else:
                lines.append(
                    f"{result.chat}: {result.added} new, {result.duplicates} already known "
                    f"({result.format}, {result.date_order}: {result.date_order_reason}"
                    + (f", {result.media_copied} media files" if result.media_copied else "")
                    + f") from {result.path}"
                )
                if result.tz:
                    lines.append(f"  zone {result.tz} ({result.tz_source}: {result.tz_note})")
        if self.outbox and self.outbox.get("pending"):
            lines.append(f"{self.outbox['pending']} media rows wait for Postgres in the outbox")
        lines.append(f"{self.added} messages added, {len(self.failed)} files failed")
        return "\n".join(lines)


# ---------------------------------------------------------------------------- sources


@dataclass
class ChatSource:
    """One chat export to import: its text (on disk or in a zip) and where its media live."""

    path: str
    chat: str
    parser: ChatParser
    media: attachments.MediaSource


def chat_name_from(path: Path, container: Path | None = None) -> str:
    """The chat's name from the export's file name ("WhatsApp Chat with X.txt" -> "X")."""
    stem = re.sub(r" \(\d+\)$", "", path.stem).strip()
    if stem.lower() in GENERIC_CHAT_FILES and container is not None:
        return chat_name_from(container)
    for pattern in CHAT_FILE_NAMES:
        match = pattern.match(stem)
        if match:
            return match["name"].strip()
    return stem


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; folders become their chat exports (an unzipped export stays one)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(exports_in_folder(path))
        else:
            found.append(path)
    return found


def exports_in_folder(folder: Path) -> list[Path]:
    if (folder / "_chat.txt").is_file():
        return [folder / "_chat.txt"]
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            found.extend(exports_in_folder(path))
        elif path.suffix.lower() in (".txt", ".zip"):
            found.append(path)
    return found


def named_chat_member(name: str) -> bool:
    stem = PurePosixPath(name).stem.lower()
    return stem in GENERIC_CHAT_FILES or stem.startswith("whatsapp")


def chat_members(archive: zipfile.ZipFile) -> list[str]:
    """The chat text files in a zip: `_chat.txt` or `WhatsApp Chat ...txt`, else any .txt
    (those that turn out not to be exports are skipped when another one is)."""
    texts = [name for name in archive.namelist()
             if name.lower().endswith(".txt") and not name.startswith("__MACOSX/")]
    return [name for name in texts if named_chat_member(name)] or texts


# ---------------------------------------------------------------------------- time zones


class UtcConverter:
    """Local wall time of the export -> UTC, cached per hour (offsets change only on the hour
    in practice; a half-hour zone still converts exactly, just without the cache)."""

    def __init__(self, tz: str):
        self.zone = ZoneInfo(tz)
        self.cache: dict[str, str | None] = {}

    def __call__(self, sent_at: str) -> str:
        prefix = self.cache.get(sent_at[:13], "")
        if prefix:
            return f"{prefix}{sent_at[13:]}+00:00"
        if prefix == "":
            prefix = self.cache[sent_at[:13]] = self._hour_prefix(sent_at[:13])
        if prefix is None:
            local = datetime.fromisoformat(sent_at).replace(tzinfo=self.zone)
            return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None).isoformat() + "+00:00"
        return f"{prefix}{sent_at[13:]}+00:00"

    def _hour_prefix(self, hour_key: str) -> str | None:
        local = datetime.fromisoformat(f"{hour_key}:00:00").replace(tzinfo=self.zone)
        offset = local.utcoffset() or timedelta(0)
        if offset.total_seconds() % 3600:
            return None
        utc = local.replace(tzinfo=None) - offset
        return utc.isoformat()[:13]


def check_tz(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ChatbookError(f"unknown time zone {tz!r} (use an IANA name like Europe/London)") \
            from None
    return tz


# ---------------------------------------------------------------------------- import


def ensure_chat(conn: db.Connection, name: str, tz: str, tz_given: bool, date_order: str,
                locale: str | None) -> int:
    """The chat's id; its tz changes only when given explicitly (and then its messages' UTC
    times are recomputed), the rest follows the export."""
    row = messages.chat_named(conn, name)
    if row is None:
        return messages.insert_chat(conn, name, tz, locale, date_order)
    messages.set_chat_format(conn, row["id"], date_order, locale)
    if tz_given and tz != row["tz"]:
        retime_chat(conn, int(row["id"]), tz)
    return int(row["id"])


def retime_chat(conn: db.Connection, chat_id: int, tz: str) -> None:
    """A chat's zone given anew: its messages' UTC times follow (local times stay as written)."""
    messages.set_chat_tz(conn, chat_id, tz)
    messages.retime_messages(conn, chat_id, UtcConverter(tz), BATCH)


class ChatImport:
    """Import one chat export inside the caller's transaction."""

    def __init__(self, settings: Settings, conn: db.Connection, source: ChatSource,
                 result: FileResult, tz: str, tz_given: bool):
        self.settings = settings
        self.conn = conn
        self.source = source
        self.result = result
        self.tz = tz
        self.tz_given = tz_given
        self.to_utc = UtcConverter(tz)
        self.now = db.utc_now()
        self.batch: list[tuple[Any, ...]] = []
        self.chat_id = 0
        self.queue_media = settings.image_processing_enabled
        self.next_id: int | None = None

    def first_free_id(self) -> int | None:
        """Ids must grow past every ETL cursor, or a stage whose cursor is above the newest
        message (after messages were deleted) would never see the new ones. SQLite gives
        max(id) + 1, which is enough unless that is not above the highest cursor; then we
        number the rows ourselves from there (gaps left by duplicates are harmless)."""
        top = messages.max_message_id(self.conn)
        cursor = messages.highest_cursor(self.conn)
        return cursor + 1 if cursor > top else None

    def take_id(self) -> int | None:
        if self.next_id is None:
            return None
        self.next_id += 1
        return self.next_id - 1

    def run(self, bar: Any = None) -> None:
        parser, result = self.source.parser, self.result
        fmt = parser.format
        self.chat_id = ensure_chat(self.conn, self.source.chat, self.tz, self.tz_given,
                                   fmt.date_order, None)
        self.next_id = self.first_free_id()
        kinds: dict[str, int] = {}
        positions: dict[tuple[str | None, str], int] = {}
        current = ""
        chat, chat_id, path, now = self.source.chat, self.chat_id, self.source.path, self.now
        to_utc, batch, blake2b = self.to_utc, self.batch, hashlib.blake2b
        count = 0
        # the per-message loop of every import: locals only, rows built inline
        for message in parser:
            sent_at, author, text, kind, media, edited, line = message
            if sent_at != current:
                positions.clear()
                current = sent_at
                if result.first is None:
                    result.first = sent_at
            # identical messages at the same time are told apart by their position
            twin = (author, text)
            position = positions.get(twin, 0)
            positions[twin] = position + 1
            # the time in front keeps the unique index growing at its end, like the table
            # (a bare hash lands anywhere: a quarter slower to insert); 96 bits of hash per
            # second of one export is plenty
            key = sent_at + blake2b(
                f"{chat}\x1f{sent_at}\x1f{author or ''}\x1f{text}\x1f{position}"
                .encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
            kinds[kind] = kinds.get(kind, 0) + 1
            count += 1
            if media is not None:
                self.insert_with_media(message, key)
                batch = self.batch
                continue
            batch.append((self.next_id and self.take_id(), chat_id, sent_at, to_utc(sent_at),
                          author, text, kind, None, None, int(edited), path, line, key, now))
            if len(batch) >= BATCH:
                self.flush()
                batch = self.batch
                if bar is not None:
                    bar.update(BATCH)
        result.messages = count
        result.last = current or None
        self.flush()
        result.kinds = kinds
        result.format = fmt.shape.describe()
        result.date_order, result.date_order_reason = fmt.date_order, fmt.date_order_reason
        result.duplicates = result.messages - result.added
        messages.set_chat_locale(self.conn, self.chat_id, fmt.locale)
        db.set_cursor(self.conn, f"ingest:chat:{self.chat_id}",
                      messages.chat_top_id(self.conn, self.chat_id))
        if result.added:
            db.bump_counter(self.conn, INGESTED_COUNTER, result.added)

    def row(self, message: Message, key: str, sha: str | None) -> tuple[Any, ...]:
        return (self.take_id(), self.chat_id, message.sent_at, self.to_utc(message.sent_at),
                message.author, message.text, message.kind, message.media, sha,
                int(message.edited), self.source.path, message.line, key, self.now)

    def flush(self) -> None:
        if self.batch:
            self.result.added += messages.insert_messages(self.conn, self.batch)
            self.batch = []

    def insert_with_media(self, message: Message, key: str) -> None:
        """A message naming a media file: copy the file if the export has it, link it, and
        (media on) queue its Postgres row in this same transaction."""
        assert message.media is not None
        opener = self.source.media.find(message.media)
        stored = None
        if opener is not None:
            with opener() as stream:
                stored = attachments.store_stream(self.settings, stream, message.media,
                                                  self.source.path)
            self.result.media_copied += 1
        self.flush()
        sha = stored.sha256 if stored else None
        new_id = messages.insert_message(self.conn, self.row(message, key, sha))
        self.result.added += int(new_id is not None)
        if stored is None:
            return
        if new_id is not None:
            message_id = new_id
        else:
            message_id = messages.id_by_content_key(self.conn, key)
            messages.link_attachment(self.conn, message_id, stored.sha256)
        if self.queue_media:
            attachments.enqueue_attachment(self.settings, self.conn, stored, self.source.chat,
                                           message_id)


def member_opener(archive: zipfile.ZipFile, member: str,
                  source: str) -> Callable[[], IO[bytes]]:
    return lambda: attachments.read_member(archive, member, source)


def open_sources(path: Path, chat: str | None, date_order: str,
                 stack: list[zipfile.ZipFile]) -> list[ChatSource]:
    """The chat exports in one path (a zip may hold several); zips stay open in `stack`."""
    if not path.exists():
        raise InputError("no such file or folder", str(path))
    path = path.resolve()
    display = str(path)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        archive = attachments.open_safe_zip(path)
        stack.append(archive)
        members = chat_members(archive)
        if not members:
            raise InputError("the zip holds no chat export (.txt)", display)
        sources, rejected = [], []
        for member in members:
            member_path = PurePosixPath(member)
            name = chat or chat_name_from(Path(member_path.name), path)
            try:
                opener = binary_opener(member_opener(archive, member, display),
                                       f"{display}!{member}")
                parser = ChatParser(opener, f"{display}!{member}", date_order=date_order,
                                    chat_name=name)
                if not named_chat_member(member):
                    _ = parser.format  # a .txt document sent in the chat is no export
            except InputError as error:
                rejected.append(error)
                continue
            in_zip = attachments.ZipMedia(archive, str(member_path.parent), display)
            sources.append(ChatSource(f"{display}!{member}", name, parser, in_zip))
        if not sources:
            raise rejected[0]
        return sources
    name = chat or chat_name_from(path, path.parent if path.stem == "_chat" else None)
    from toolkit.ingest.whatsapp import parse_file

    parser = parse_file(path, date_order=date_order, chat_name=name)
    media: attachments.MediaSource = (attachments.FolderMedia(path.parent)
                                      if path.name == "_chat.txt" else attachments.MediaSource())
    return [ChatSource(display, name, parser, media)]


def ingest_paths(settings: Settings, paths: Sequence[Path | str], *, chat: str | None = None,
                 tz: str | None = None, date_order: str = "auto",
                 progress: bool = False) -> IngestReport:
    """Import every chat export found in `paths`; one transaction per export."""
    if date_order not in ("auto", *DATE_ORDERS):
        raise ChatbookError(f"unknown date order {date_order!r} (use auto, dmy, mdy or ymd)")
    if tz is not None:
        check_tz(tz)
    report = IngestReport()
    conn = open_db(settings)
    messages.bulk_cache(conn, INGEST_CACHE_KIB)
    try:
        for path in expand_paths(paths):
            report.files.extend(ingest_one_path(settings, conn, path, chat=chat, tz=tz,
                                                date_order=date_order, progress=progress))
        if settings.image_processing_enabled:
            report.outbox = outbox.drain(settings, conn, attachments.OUTBOX_HANDLERS).as_dict()
    finally:
        conn.close()
    return report


def ingest_one_path(settings: Settings, conn: db.Connection, path: Path, *, chat: str | None,
                    tz: str | None, date_order: str, progress: bool) -> list[FileResult]:
    stack: list[zipfile.ZipFile] = []
    try:
        try:
            sources = open_sources(path, chat, date_order, stack)
        except InputError as error:
            return [FileResult(path=str(path), error=str(error), line=error.line)]
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # a member's first bytes
            return [FileResult(path=str(path), error=f"{path}: the zip is corrupt ({error})")]
        return [ingest_source(settings, conn, source, tz, date_order, progress)
                for source in sources]
    finally:
        for archive in stack:
            archive.close()


def ingest_source(settings: Settings, conn: db.Connection, source: ChatSource, tz: str | None,
                  date_order: str, progress: bool) -> FileResult:
    """One export in one transaction; an InputError rolls it back and is reported."""
    result = FileResult(path=source.path, chat=source.chat)
    try:
        recorded = messages.chat_named(conn, source.chat)
        if recorded and date_order == "auto" and recorded["date_order"]:
            adopt_recorded_order(source, recorded["date_order"])
        zone = tz or (recorded or {}).get("tz") or settings.default_tz
        bar = progress_bar(source) if progress else None
        try:
            with db.transaction(conn), messages.deferred_fts(conn):
                job = ChatImport(settings, conn, source, result, zone, tz is not None)
                job.run(bar)
                choice = zones.settle_chat_zone(settings, conn, job.chat_id, given=tz)
                result.tz, result.tz_source, result.tz_note = choice.tz, choice.source, choice.note
        finally:
            if bar is not None:
                bar.close()
    except InputError as error:
        return FileResult(path=source.path, chat=source.chat, error=str(error), line=error.line)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # raised while reading a member
        return FileResult(path=source.path, chat=source.chat,
                          error=f"{source.path}: the zip is corrupt ({error})")
    return result


def adopt_recorded_order(source: ChatSource, recorded: str) -> None:
    """A newer export whose own dates cannot decide (all fields <= 12) keeps the chat's order."""
    fmt = source.parser.format
    decisive = "above 12" in fmt.date_order_reason or "is a year" in fmt.date_order_reason
    if not decisive and fmt.date_order != recorded:
        fmt.date_order = recorded
        fmt.date_order_reason = "as recorded for this chat"


def progress_bar(source: ChatSource) -> Any:
    from tqdm import tqdm

    return tqdm(desc=source.chat, unit=" msg", file=sys.stderr, leave=False)


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
