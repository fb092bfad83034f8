"""Image attachments: open safely, describe (thumbnail, EXIF, perceptual hash), OCR, find events.

Runs only with IMAGE_PROCESSING_ENABLED=true (ADR-0020): the `attachments` rows live in Postgres
(ingest queues them in the SQLite outbox; we drain it first) and every image gets one
`extractions` row per extractor version: status `done` (OCR'd here), `duplicate` (the same
flyer was OCR'd before: its text is reused, the events are found again with this message's
own time), or `failed` (with the reason: truncated, decompression bomb, not an image, ...).
When Postgres is unreachable the image work waits for the next run; nothing crashes.

Images are hostile input: we sniff the bytes instead of trusting the name, refuse pixel counts
that would exhaust memory before decoding, verify, and turn every decoder error into a failed
extraction.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import time
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from toolkit.config import Settings
from toolkit.errors import ChatbookError, StoreUnavailable
from toolkit.eventtypes import FoundEvent
from toolkit.extract import ocr
from toolkit.extract.text import EXTRACTOR_VERSION, extract_events
from toolkit.fsutil import is_within, write_private_bytes
from toolkit.ingest import attachments
from toolkit.store import attachments as attachment_rows
from toolkit.store import db, messages, migrate, outbox, pg
from toolkit.store.attachments import THUMBS_DIR

MEDIA_VERSION = "1"  # bump when this pipeline's output changes, so images are processed again
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 50_000_000  # above any phone camera (a 48 MP photo is 8000x6000)
DECODE_SIDE = 2000  # what OCR reads at most (toolkit.extract.ocr.MAX_SIDE)
THUMB_SIZE = (320, 320)
# Near-duplicates: a 64-bit pHash within this Hamming distance is a candidate, confirmed by a
# pixel comparison (see `same_picture`), because pHash alone cannot see a changed date.
PHASH_MAX_DISTANCE = 4
FINGERPRINT_SIZE = 128
FINGERPRINT_BLOCK = 4
FINGERPRINT_MAX_BLOCK_DIFF = 10.0

# Magic numbers of what people attach; the name's extension is only a claim.
SIGNATURES: list[tuple[int, bytes, str]] = [
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
]
FTYP_BRANDS = {
    b"heic": "image/heic", b"heix": "image/heic", b"mif1": "image/heif", b"msf1": "image/heif",
    b"avif": "image/avif", b"isom": "video/mp4", b"mp41": "video/mp4", b"mp42": "video/mp4",
    b"qt  ": "video/quicktime", b"3gp4": "video/3gpp", b"3gp5": "video/3gpp", b"M4A ": "audio/mp4",
}


class MediaError(ChatbookError):
    """An attachment that cannot be processed; `reason` goes into the failed extraction."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


# ----------------------------------------------------------------------------- safe opening


def sniff_mime(head: bytes) -> str | None:
    """The MIME type the first bytes say, or None when we do not recognise them."""
    for offset, magic, mime in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return FTYP_BRANDS.get(head[8:12], "video/mp4")
    if head and all(32 <= b < 127 or b in b"\t\r\n" for b in head[:64]):
        return "text/plain"
    return None


@dataclass
class OpenedImage:
    """A decoded image, upright (EXIF orientation applied), with what its header said."""

    image: Image.Image
    mime: str
    width: int  # as stored in the file, before orientation
    height: int
    exif: dict[str, Any]


def open_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> OpenedImage:
    """Decode untrusted image bytes or raise MediaError with a reason a person can read."""
    mime = sniff_mime(data[:64])
    if mime is None or not mime.startswith("image/"):
        raise MediaError(f"not an image: the content is {mime or 'unrecognised data'}")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; we treat both as bombs.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            if width * height > max_pixels:
                raise MediaError(f"decompression bomb: {width}x{height} pixels is over the "
                                 f"limit of {max_pixels:,}")
            probe.verify()  # checksums and structure, without decoding every pixel
            decoded = Image.open(io.BytesIO(data))
            # JPEG can decode at 1/2..1/8 scale directly: a 48 MP photo then costs a fraction
            # of the memory and time, and OCR reads at most DECODE_SIDE pixels anyway.
            decoded.draft(None, (DECODE_SIDE, DECODE_SIDE))
            decoded.load()  # a truncated file fails here (LOAD_TRUNCATED_IMAGES stays off)
            exif = read_exif(decoded)
            image = upright(decoded)
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise MediaError(f"decompression bomb: {error}") from None
    except UnidentifiedImageError:
        raise MediaError(f"unsupported or unreadable image ({mime})") from None
    except MemoryError:
        raise MediaError("image too large to decode in memory") from None
    except Exception as error:  # decoders raise OSError, SyntaxError, ValueError, struct.error...
        raise MediaError(f"corrupt image ({mime}): {first_line(str(error)) or type(error).__name__}"
                         ) from None
    return OpenedImage(image=image, mime=mime, width=width, height=height, exif=exif)


def upright(image: Image.Image) -> Image.Image:
    """Apply EXIF orientation (phones store photos sideways) and flatten onto white RGB."""
    with contextlib.suppress(Exception):  # a broken orientation tag must not cost the picture
        image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB") if image.mode != "RGB" else image


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


# ----------------------------------------------------------------------------- EXIF


def clean(value: Any) -> Any:
    """EXIF values as JSON-safe text; NUL bytes are stripped (Postgres text refuses them)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value.replace("\x00", "").strip() or None
    return value


def read_exif(image: Image.Image) -> dict[str, Any]:
    """Camera, orientation, taken-at (as written, plus its offset) and GPS, when present."""
    try:
        exif = image.getexif()
        if not exif:
            return {}
        sub = exif.get_ifd(0x8769)
        info: dict[str, Any] = {
            "make": clean(exif.get(0x010F)),
            "model": clean(exif.get(0x0110)),
            "orientation": exif.get(0x0112),
            "taken_at": clean(sub.get(0x9003) or exif.get(0x0132)),
            "offset": clean(sub.get(0x9011) or sub.get(0x9010)),
            "gps": gps_position(exif.get_ifd(0x8825)),
        }
    except Exception:  # malformed EXIF: the picture is still worth reading
        return {}
    return {key: value for key, value in info.items() if value is not None}


def gps_position(gps: Any) -> dict[str, float] | None:
    """Degrees/minutes/seconds with N/S/E/W references as signed decimal degrees."""
    try:
        lat = to_degrees(gps[2], gps.get(1))
        lon = to_degrees(gps[4], gps.get(3))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


def to_degrees(dms: Any, ref: Any) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if clean(ref) in ("S", "W") else value


def taken_at(exif: dict[str, Any], tz: str) -> datetime | None:
    """EXIF local time as an aware datetime: its own offset if written, else the chat's zone."""
    raw = exif.get("taken_at")
    if not isinstance(raw, str):
        return None
    try:
        local = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = exif.get("offset")
    if isinstance(offset, str) and len(offset) == 6 and offset[0] in "+-":
        try:
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            sign = -1 if offset[0] == "-" else 1
            return local.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
        except ValueError:
            pass
    return local.replace(tzinfo=ZoneInfo(tz))


# ----------------------------------------------------------------------------- describing


def perceptual_hash(image: Image.Image) -> str:
    """64-bit pHash as 16 hex digits: equal for re-encoded or rescaled copies of a picture."""
    import imagehash  # loads scipy (~0.4 s): only when an image is actually described

    return str(imagehash.phash(image))


def fingerprint(image: Image.Image) -> Any:
    """A small, slightly blurred greyscale copy to compare two candidate duplicates pixel-wise."""
    import numpy as np  # only when two candidate duplicates are compared

    grey = image.convert("L").resize((FINGERPRINT_SIZE, FINGERPRINT_SIZE), Image.Resampling.BOX)
    grey = ImageOps.autocontrast(grey.filter(ImageFilter.GaussianBlur(0.8)))
    return np.asarray(grey, dtype=np.float32)


def same_picture(a: Image.Image, b: Image.Image) -> bool:
    """True when no small block differs much: a changed date or time changes one block a lot.

    Whole-image hashes (pHash distance 0) cannot tell "Saturday 12 April" from "19 April" on an
    otherwise identical flyer; reusing the wrong OCR would propose the wrong date, so near
    matches must also agree block by block. Heavily re-compressed copies may fail this and are
    simply OCR'd again: a wasted second, never a wrong event.
    """
    cells = FINGERPRINT_SIZE // FINGERPRINT_BLOCK
    diff = abs(fingerprint(a) - fingerprint(b))
    blocks = diff.reshape(cells, FINGERPRINT_BLOCK, cells, FINGERPRINT_BLOCK).mean(axis=(1, 3))
    return bool(blocks.max() <= FINGERPRINT_MAX_BLOCK_DIFF)


def write_thumbnail(settings: Settings, sha256: str, image: Image.Image) -> str:
    """A JPEG thumbnail under ATTACHMENTS_DIR/thumbs (0600); returns its relative path."""
    thumb = image.copy()
    thumb.thumbnail(THUMB_SIZE, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumb.save(buffer, "JPEG", quality=80)
    relative = f"{THUMBS_DIR}/{sha256}.jpg"
    write_private_bytes(settings.attachments_dir / relative, buffer.getvalue())
    return relative


def attachment_file(settings: Settings, path: str) -> Path:
    """The attachment's file, which must lie inside ATTACHMENTS_DIR."""
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = settings.attachments_dir / candidate
    if not is_within(candidate, settings.attachments_dir):
        raise MediaError(f"refusing a file outside ATTACHMENTS_DIR: {path}")
    return candidate


def read_attachment(settings: Settings, path: str, sha256: str | None) -> bytes:
    """The file's bytes, checked against its size limit and its recorded sha256."""
    file = attachment_file(settings, path)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise MediaError(f"file too large: {size:,} bytes (limit {MAX_FILE_BYTES:,})")
        data = file.read_bytes()
    except FileNotFoundError:
        raise MediaError(f"file missing: {path}") from None
    except IsADirectoryError:
        raise MediaError(f"not a file: {path}") from None
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise MediaError("file content does not match its recorded sha256")
    return data


# ----------------------------------------------------------------------------- report


@dataclass
class ImageResult:
    """One processed image attachment, with what the proposals code needs for provenance."""

    message_id: int
    attachment_id: int
    extraction_id: int | None
    status: str  # done | duplicate | failed
    extractor: str
    extractor_version: str
    events: list[FoundEvent] = field(default_factory=list)
    error: str | None = None
    duplicate_of: int | None = None
    duration_ms: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "attachment_id": self.attachment_id,
            "extraction_id": self.extraction_id,
            "status": self.status,
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "events": [event.as_dict() for event in self.events],
            "error": self.error,
            "duplicate_of": self.duplicate_of,
            "duration_ms": self.duration_ms,
        }


@dataclass
class MediaReport:
    """What `process_images` did: outbox drained, images processed, or why the work waits."""

    enabled: bool
    waiting: str | None = None  # set when Postgres could not be reached: try again next run
    outbox: dict[str, Any] = field(default_factory=dict)
    images: list[ImageResult] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.enabled:
            return "disabled"
        return f"waiting: {self.waiting}" if self.waiting else "ok"

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.images:
            counts[item.status] = counts.get(item.status, 0) + 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "status": self.status,
            "waiting": self.waiting,
            "outbox": self.outbox,
            "migrated": self.migrated,
            "counts": self.counts(),
            "images": [item.as_dict() for item in self.images],
        }


# ----------------------------------------------------------------------------- the pipeline


@dataclass(frozen=True)
class Extractor:
    """Which OCR engine and text extractor produce an extraction: its name and version."""

    engine: str
    name: str
    version: str


def current_extractor(engine: str) -> Extractor:
    """The extractor identity for `engine`: a new version of any part means a new extraction."""
    return Extractor(
        engine=engine,
        name=f"{engine}+events",
        version=f"media {MEDIA_VERSION}; {engine} {ocr.engine_version(engine)}; "
                f"events {EXTRACTOR_VERSION}",
    )


@dataclass(frozen=True)
class MessageContext:
    message_id: int
    ref_time: datetime
    tz: str
    locale: str | None


def message_context(conn: db.Connection, message_id: int, default_tz: str) -> MessageContext:
    """The message's time in its chat's zone: the reference for "Saturday" on a flyer."""
    row = messages.time_and_chat_of(conn, message_id)
    if row is None:
        raise MediaError(f"orphan attachment: message {message_id} is not in the SQLite store")
    tz = row["tz"] or default_tz
    try:
        zone = ZoneInfo(tz)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        tz, zone = default_tz, ZoneInfo(default_tz)
    if row["sent_at_utc"]:
        sent = datetime.fromisoformat(row["sent_at_utc"].replace("Z", "+00:00"))
        sent = (sent if sent.tzinfo else sent.replace(tzinfo=UTC)).astimezone(zone)
    else:
        sent = datetime.fromisoformat(row["sent_at"])
        sent = sent.astimezone(zone) if sent.tzinfo else sent.replace(tzinfo=zone)
    return MessageContext(message_id, sent, tz, row["locale"])


def find_events(text: str, context: MessageContext) -> list[FoundEvent]:
    if not text.strip():
        return []
    return list(extract_events(text, context.ref_time, tz=context.tz, locale=context.locale,
                               lang=None))


def process_images(settings: Settings, conn: db.Connection, *, full: bool = False,
                   progress: bool = False) -> MediaReport:
    """Drain the outbox, then OCR and extract events from every image not yet processed.

    With `full=True` every image attachment is processed again (its extraction overwritten).
    Postgres unreachable: the report's `waiting` says why, and the next run picks the work up.
    """
    report = MediaReport(enabled=settings.image_processing_enabled)
    if not settings.image_processing_enabled:
        return report
    drained = outbox.drain(settings, conn, attachments.OUTBOX_HANDLERS)
    report.outbox = drained.as_dict()
    try:
        pg_conn = pg.connect(settings)
    except StoreUnavailable as error:
        report.waiting = str(error)
        count_cross_store_failure(conn)
        pg.warn_media_waiting(str(error))
        return report
    import psycopg  # ~0.75 s to load: only once images are processed (media_status needs none)

    try:
        if not migrate.pg_status(pg_conn).current:
            report.migrated = migrate.migrate_postgres(pg_conn)
        extractor = current_extractor(engine_name(settings))
        todo = attachment_rows.pending_images(pg_conn, extractor.name, extractor.version, full)
        for row in with_progress(todo, progress):
            report.images.append(process_one(settings, conn, pg_conn, row, extractor))
    except psycopg.OperationalError as error:
        report.waiting = f"Postgres went away: {settings.redact(pg.first_line(str(error)))}"
        count_cross_store_failure(conn)
        pg.warn_media_waiting(report.waiting)
    finally:
        pg_conn.close()
    return report


def count_cross_store_failure(conn: db.Connection) -> None:
    """An outage cost this run its Postgres work (extractions): count it as the outbox counts
    its own failed writes, so `doctor` shows every outage, not only those during ingest."""
    with db.transaction(conn):
        db.bump_counter(conn, outbox.FAILURE_COUNTER)


def engine_name(settings: Settings) -> str:
    return (settings.source_env.get("OCR_ENGINE") or ocr.DEFAULT_ENGINE).strip().lower()


def with_progress(rows: list[dict[str, Any]], progress: bool) -> Any:
    if not progress:
        return rows
    from tqdm.auto import tqdm  # a notebook progress bar only when one is asked for

    return tqdm(rows, desc="images", unit="image")


@dataclass
class Outcome:
    """What one image yielded, ready to be written as an extraction row."""

    status: str = "failed"
    ocr_text: str | None = None
    boxes: list[dict[str, Any]] | None = None
    confidence: float | None = None
    events: list[FoundEvent] = field(default_factory=list)
    result: dict[str, Any] | None = None
    error: str | None = None
    duplicate_of: int | None = None


def process_one(settings: Settings, conn: db.Connection, pg_conn: Any, row: dict[str, Any],
                extractor: Extractor) -> ImageResult:
    """One attachment, end to end; every failure of the file itself becomes a failed row."""
    started = time.perf_counter()
    outcome = Outcome()
    try:
        context = message_context(conn, row["message_id"], settings.default_tz)
        opened = open_image(read_attachment(settings, row["path"], row["sha256"]))
        phash = perceptual_hash(opened.image)
        update_attachment(settings, pg_conn, row, opened, phash, context.tz)
        earlier = find_duplicate(settings, pg_conn, row, phash, opened.image, extractor)
        if earlier is not None:
            outcome.status, outcome.duplicate_of = "duplicate", earlier["id"]
            outcome.ocr_text, outcome.boxes = earlier["ocr_text"], earlier["boxes"]
            outcome.confidence = earlier["confidence"]
        else:
            read = ocr.read_text(opened.image, extractor.engine)
            outcome.status, outcome.ocr_text = "done", read.text
            outcome.boxes, outcome.confidence = read.boxes(), read.confidence
        try:
            outcome.events = find_events(outcome.ocr_text or "", context)
        except Exception as error:  # a resolver bug on one text must not stop the other images
            raise MediaError(f"event extraction failed: {type(error).__name__}: "
                             f"{first_line(str(error))}") from None
        outcome.result = {
            "events": [event.as_dict() for event in outcome.events],
            "ref_time": context.ref_time.isoformat(),
            "tz": context.tz,
            "locale": context.locale,
        }
    except (MediaError, ocr.OcrError) as error:
        outcome.status, outcome.error = "failed", str(error)
        outcome.events = []
    duration_ms = int((time.perf_counter() - started) * 1000)
    extraction_id = save_extraction(pg_conn, row["id"], extractor, outcome, duration_ms)
    return ImageResult(
        message_id=row["message_id"], attachment_id=row["id"], extraction_id=extraction_id,
        status=outcome.status, extractor=extractor.name, extractor_version=extractor.version,
        events=outcome.events, error=outcome.error, duplicate_of=outcome.duplicate_of,
        duration_ms=duration_ms,
    )


def update_attachment(settings: Settings, pg_conn: Any, row: dict[str, Any],
                      opened: OpenedImage, phash: str, tz: str) -> None:
    """Record what the pixels say: real MIME, size, EXIF, taken-at, GPS, pHash, thumbnail."""
    thumb = write_thumbnail(settings, row["sha256"], opened.image)
    gps = opened.exif.get("gps") or {}
    attachment_rows.record_image(
        pg_conn, row["id"], mime=opened.mime, width=opened.width, height=opened.height,
        exif=opened.exif, phash=phash, thumb_path=thumb, taken_at=taken_at(opened.exif, tz),
        gps_lat=gps.get("lat"), gps_lon=gps.get("lon"))


def find_duplicate(settings: Settings, pg_conn: Any, row: dict[str, Any], phash: str,
                   image: Image.Image, extractor: Extractor) -> dict[str, Any] | None:
    """An earlier OCR of the same picture: the same bytes, or a near pHash that also matches
    block by block (the candidate's file is opened to compare)."""
    candidates = attachment_rows.duplicate_candidates(
        pg_conn, row["id"], row["sha256"], phash, extractor.name, extractor.version,
        PHASH_MAX_DISTANCE)
    for candidate in candidates:
        if candidate["sha256"] == row["sha256"]:
            return dict(candidate)
        try:
            other = open_image(read_attachment(settings, candidate["path"], candidate["sha256"]))
        except MediaError:
            continue
        if same_picture(image, other.image):
            return dict(candidate)
    return None


def save_extraction(pg_conn: Any, attachment_id: int, extractor: Extractor, outcome: Outcome,
                    duration_ms: int) -> int:
    """Write this extractor version's row for `outcome` (replacing an older one); its id."""
    return attachment_rows.save_extraction(
        pg_conn, attachment_id, extractor.name, extractor.version, status=outcome.status,
        ocr_text=outcome.ocr_text, boxes=outcome.boxes, result=outcome.result,
        confidence=outcome.confidence, duration_ms=duration_ms, error=outcome.error,
        duplicate_of=outcome.duplicate_of)


def media_status(settings: Settings, conn: db.Connection) -> dict[str, Any]:
    """How far image work has got: images in Postgres, extractions by status, what waits."""
    status: dict[str, Any] = {"enabled": settings.image_processing_enabled,
                              "outbox_pending": outbox.pending_count(conn)}
    if not settings.image_processing_enabled:
        return status
    try:
        pg_conn = pg.connect(settings)
    except StoreUnavailable as error:
        status["waiting"] = str(error)
        return status
    try:
        extractor = current_extractor(engine_name(settings))
        status.update(extractor=extractor.name, extractor_version=extractor.version)
        images, by_status = attachment_rows.image_counts(pg_conn, extractor.name, extractor.version)
    finally:
        pg_conn.close()
    status.update(images=images, extractions=by_status,
                  images_pending=images - sum(by_status.values()))
    return status


def extraction_events(result: dict[str, Any] | str | None) -> list[FoundEvent]:
    """FoundEvents back from an extraction's JSONB result (as stored by `process_one`)."""
    if result is None:
        return []
    data = json.loads(result) if isinstance(result, str) else result
    return [FoundEvent(**event) for event in data.get("events", [])]
