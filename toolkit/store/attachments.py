"""The media rows in Postgres: `attachments` (one per stored file and message) and `extractions`.

Only used with IMAGE_PROCESSING_ENABLED=true (ADR-0020). Integrity with the SQLite messages is
the application's: `message_id` names a row of the primary store, checked by `chatbook doctor`.
"""

from __future__ import annotations

from typing import Any

from toolkit.config import Settings
from toolkit.errors import StoreUnavailable
from toolkit.store import pg


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
