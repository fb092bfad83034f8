"""Cross-store checks: what one store refers to that another does not hold.

There are no foreign keys between the stores (ADR-0020): the application keeps SQLite, the
vector store, Postgres and the attachment files consistent. `chatbook doctor` looks with these
queries, and a backup uses them so its copies hold no dangling reference.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.config import Settings
from toolkit.store import attachments, db


def quick_check(conn: db.Connection) -> str:
    """SQLite's own structural check: "ok", or what is damaged."""
    return str(conn.execute("PRAGMA quick_check").fetchone()[0])


def attach_vectors(conn: db.Connection, vdb_path: Path) -> bool:
    """Attach the vector store read-only as `v`; False when it has no embeddings table."""
    if not vdb_path.exists():
        return False
    conn.execute("ATTACH DATABASE ? AS v", (f"file:{vdb_path}?mode=ro",))
    row = conn.execute("SELECT 1 FROM v.sqlite_master WHERE name = 'embeddings'").fetchone()
    return row is not None


def orphan_embeddings(conn: db.Connection) -> list[int]:
    """Message ids with a vector but no message (deleted, or beyond a restored copy)."""
    rows = conn.execute(
        "SELECT DISTINCT e.message_id FROM v.embeddings e "
        "LEFT JOIN main.messages m ON m.id = e.message_id WHERE m.id IS NULL "
        "ORDER BY e.message_id").fetchall()
    return [int(row[0]) for row in rows]


def embeddings_without_message(app_path: Path, vdb_path: Path) -> list[int]:
    """`orphan_embeddings` of a vector store file against a primary store file."""
    conn = db.connect(app_path, readonly=True)
    try:
        return orphan_embeddings(conn) if attach_vectors(conn, vdb_path) else []
    finally:
        conn.close()


def cursors_beyond_data(conn: db.Connection) -> list[str]:
    """ETL cursors past the newest message: that stage would silently skip what comes next."""
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])
    rows = conn.execute("SELECT name, value FROM etl_cursors WHERE value > ? ORDER BY name",
                        (top,)).fetchall()
    return [f"{row['name']}={row['value']} (newest message {top})" for row in rows]


def existing_message_ids(conn: db.Connection, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(int(r[0]) for r in
                     conn.execute(f"SELECT id FROM messages WHERE id IN ({marks})", chunk))
    return found


def wanted_extraction_ids(conn: db.Connection) -> list[int]:
    """Postgres extraction ids that proposals (or their extra sources) point at."""
    return [int(r[0]) for r in conn.execute(
        "SELECT extraction_id FROM proposals WHERE extraction_id IS NOT NULL "
        "UNION SELECT extraction_id FROM proposal_sources WHERE extraction_id IS NOT NULL")]


def messages_with_attachment(conn: db.Connection) -> list[tuple[int, str]]:
    """(message id, attachment sha256) of every message that carries a stored file, by id."""
    return [(int(r[0]), str(r[1])) for r in conn.execute(
        "SELECT id, attachment_sha256 FROM messages WHERE attachment_sha256 IS NOT NULL "
        "ORDER BY id")]


def first_message_per_attachment(conn: db.Connection) -> dict[str, int]:
    """Attachment sha256 -> the lowest id of the messages that carry it."""
    return {str(r[0]): int(r[1]) for r in conn.execute(
        "SELECT attachment_sha256, min(id) FROM messages "
        "WHERE attachment_sha256 IS NOT NULL GROUP BY attachment_sha256")}


def attachment_messages(conn: db.Connection, ids: list[int]) -> list[db.Row]:
    """id, media (file name), attachment_sha256 and chat name of these messages."""
    marks = ",".join("?" * len(ids))
    return list(conn.execute(
        "SELECT m.id, m.media, m.attachment_sha256, c.name FROM messages m "
        f"JOIN chats c ON c.id = m.chat_id WHERE m.id IN ({marks})", ids).fetchall())


def referenced_shas(settings: Settings, app_path: Path) -> set[str]:
    """Content addresses the stores refer to: messages (of this primary store file), and
    Postgres attachment rows when media is on."""
    conn = db.connect(app_path, readonly=True)
    try:
        shas = {str(r[0]) for r in conn.execute(
            "SELECT DISTINCT attachment_sha256 FROM messages WHERE attachment_sha256 IS NOT NULL")}
    finally:
        conn.close()
    if settings.image_processing_enabled:
        shas |= attachments.attachment_shas(settings)
    return shas
