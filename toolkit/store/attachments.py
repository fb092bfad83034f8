"""The media rows in Postgres: `attachments` (one per stored file and message) and `extractions`.

Only used with IMAGE_PROCESSING_ENABLED=true (ADR-0020). Integrity with the SQLite messages is
the application's: `message_id` names a row of the primary store, checked by `chatbook doctor`.
Connections come from `toolkit.store.pg`; psycopg itself is imported only inside the functions
that need its types, so with media off importing this module never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from toolkit.config import Settings
from toolkit.errors import StoreUnavailable
from toolkit.store import pg

# The folder under ATTACHMENTS_DIR holding the thumbnails an extraction's `thumb_path` names,
# `thumbs/<sha256 of the original>.jpg`: written by toolkit.extract.media, and told apart from
# the originals by `chatbook doctor`.
THUMBS_DIR = "thumbs"

def insert_attachment(pg_conn: Any, payload: dict[str, Any], mime: str | None, width: int | None,
                      height: int | None) -> None:
    """Insert the `attachments` row for one stored file; a second write changes nothing."""
    pg_conn.execute(
        "INSERT INTO attachments (message_id, chat, file_name, sha256, mime, size_bytes, width, "
        "height, path) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (message_id, sha256) DO NOTHING",
        (payload["message_id"], payload["chat"], payload["file_name"], payload["sha256"], mime,
         payload["size"], width, height, payload["path"]),
    )


def load_extraction(settings: Settings, extraction_id: int) -> dict[str, Any] | None:
    """OCR text, boxes and the attachment file of an extraction, from Postgres.

    Raises StoreUnavailable when Postgres is off or down; the caller shows that and goes on.
    """
    conn = pg.connect(settings)
    try:
        row = conn.execute(
            "SELECT e.ocr_text, e.boxes, e.confidence, a.path, a.file_name, a.mime "
            "FROM extractions e JOIN attachments a ON a.id = e.attachment_id WHERE e.id = %s",
            (extraction_id,),
        ).fetchone()
    except Exception as error:  # a query error must not take the review page down
        raise StoreUnavailable(f"extraction {extraction_id} could not be read: {error}") from None
    finally:
        conn.close()
    if row is None:
        return None
    ocr_text, boxes, confidence, path, file_name, mime = row
    return {"ocr_text": ocr_text or "", "boxes": boxes, "confidence": confidence,
            "path": path, "file_name": file_name, "mime": mime}


def has_media_schema(pg_conn: Any) -> bool:
    """Whether `chatbook migrate` has created the media tables yet."""
    return pg_conn.execute("SELECT to_regclass('attachments')").fetchone()[0] is not None


@dataclass
class MediaRows:
    attachments: list[dict[str, Any]] = field(default_factory=list)
    extraction_ids: set[int] = field(default_factory=set)


def read_media_rows(settings: Settings) -> MediaRows | str:
    """Attachment rows and extraction ids from Postgres, or why they cannot be read."""
    try:
        conn = pg.connect(settings)
    except StoreUnavailable as error:
        return str(error)
    try:
        if not has_media_schema(conn):
            return "the media schema is not migrated yet; run `chatbook migrate`"
        cursor = conn.execute("SELECT id, message_id, sha256, path FROM attachments ORDER BY id")
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        extraction_ids = {int(r[0]) for r in conn.execute("SELECT id FROM extractions")}
        return MediaRows(rows, extraction_ids)
    finally:
        conn.close()


def attachment_shas(settings: Settings) -> set[str]:
    """The sha256 of every attachment row (none before the media schema exists)."""
    pg_conn = pg.connect(settings)
    try:
        if not has_media_schema(pg_conn):
            return set()
        return {str(r[0]) for r in pg_conn.execute("SELECT DISTINCT sha256 FROM attachments")}
    finally:
        pg_conn.close()


# ----------------------------------------------------------------------------- image work


def pending_images(pg_conn: Any, extractor: str, version: str, full: bool) -> list[dict[str, Any]]:
    """Image attachments without an extraction by this extractor version (all, when full)."""
    from psycopg.rows import dict_row  # psycopg is loaded only once media work runs

    with pg_conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT a.id, a.message_id, a.sha256, a.mime, a.path FROM attachments a "
            "WHERE a.mime LIKE 'image/%%' AND (%s OR NOT EXISTS ("
            "  SELECT 1 FROM extractions e WHERE e.attachment_id = a.id "
            "  AND e.extractor = %s AND e.extractor_version = %s)) ORDER BY a.id",
            (full, extractor, version),
        )
        return list(cur.fetchall())


def record_image(pg_conn: Any, attachment_id: int, *, mime: str, width: int, height: int,
                 exif: dict[str, Any], phash: str, thumb_path: str, taken_at: datetime | None,
                 gps_lat: float | None, gps_lon: float | None) -> None:
    """What the pixels say about an attachment: real MIME, size, EXIF, pHash, thumbnail."""
    from psycopg.types.json import Jsonb  # psycopg is loaded only once media work runs

    pg_conn.execute(
        "UPDATE attachments SET mime = %s, width = %s, height = %s, exif = %s, phash = %s, "
        "thumb_path = %s, taken_at = %s, gps_lat = %s, gps_lon = %s WHERE id = %s",
        (mime, width, height, Jsonb(exif), phash, thumb_path, taken_at, gps_lat, gps_lon,
         attachment_id),
    )


def duplicate_candidates(pg_conn: Any, attachment_id: int, sha256: str, phash: str,
                         extractor: str, version: str, max_distance: int) -> list[dict[str, Any]]:
    """Done extractions (by this extractor version) of other attachments with the same bytes
    or a pHash within `max_distance` bits: exact copies first, at most 5."""
    from psycopg.rows import dict_row  # psycopg is loaded only once media work runs

    with pg_conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT e.id, e.ocr_text, e.boxes, e.confidence, a.sha256, a.path FROM extractions e "
            "JOIN attachments a ON a.id = e.attachment_id "
            "WHERE e.extractor = %(name)s AND e.extractor_version = %(version)s "
            "AND e.status = 'done' AND a.id <> %(id)s AND a.phash IS NOT NULL "
            "AND (a.sha256 = %(sha)s OR bit_count(('x' || a.phash)::bit(64) "
            "     # ('x' || %(phash)s)::bit(64)) <= %(distance)s) "
            "ORDER BY (a.sha256 = %(sha)s) DESC, e.id LIMIT 5",
            {"name": extractor, "version": version, "id": attachment_id,
             "sha": sha256, "phash": phash, "distance": max_distance},
        )
        return list(cur.fetchall())


def save_extraction(pg_conn: Any, attachment_id: int, extractor: str, version: str, *,
                    status: str, ocr_text: str | None, boxes: list[dict[str, Any]] | None,
                    result: dict[str, Any] | None, confidence: float | None, duration_ms: int,
                    error: str | None, duplicate_of: int | None) -> int:
    """Insert (or, when re-processing, replace) this extractor version's row; its id."""
    from psycopg.types.json import Jsonb  # psycopg is loaded only once media work runs

    row = pg_conn.execute(
        "INSERT INTO extractions (attachment_id, extractor, extractor_version, status, ocr_text, "
        "boxes, result, confidence, duration_ms, error, duplicate_of) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (attachment_id, extractor, extractor_version) DO UPDATE SET "
        "status = EXCLUDED.status, ocr_text = EXCLUDED.ocr_text, boxes = EXCLUDED.boxes, "
        "result = EXCLUDED.result, confidence = EXCLUDED.confidence, "
        "duration_ms = EXCLUDED.duration_ms, error = EXCLUDED.error, "
        "duplicate_of = EXCLUDED.duplicate_of, created_at = now() RETURNING id",
        (attachment_id, extractor, version, status, strip_nul(ocr_text),
         None if boxes is None else Jsonb(boxes), None if result is None else Jsonb(result),
         confidence, duration_ms, strip_nul(error), duplicate_of),
    ).fetchone()
    return int(row[0])


def strip_nul(text: str | None) -> str | None:
    """Postgres text cannot hold NUL characters."""
    return None if text is None else text.replace("\x00", "")


def image_counts(pg_conn: Any, extractor: str, version: str) -> tuple[int, dict[str, int]]:
    """Image attachments, and their extractions by this extractor version per status."""
    images = pg_conn.execute(
        "SELECT count(*) FROM attachments WHERE mime LIKE 'image/%%'").fetchone()[0]
    rows = pg_conn.execute(
        "SELECT e.status, count(*) FROM extractions e JOIN attachments a "
        "ON a.id = e.attachment_id WHERE a.mime LIKE 'image/%%' AND e.extractor = %s "
        "AND e.extractor_version = %s GROUP BY e.status ORDER BY e.status",
        (extractor, version),
    ).fetchall()
    return int(images), {str(row[0]): int(row[1]) for row in rows}
