"""`chatbook doctor`: are the stores reachable, migrated, in WAL mode, consistent?

Each check is a small function returning a dict; `run_checks` gathers them into one report
whose `ok` is false when anything needs the user's attention.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.config import Settings
from toolkit.errors import ChatbookError, StoreUnavailable
from toolkit.fsutil import ensure_private_dir
from toolkit.ingest import attachments
from toolkit.store import checks, db, migrate, outbox, pg, vectors
from toolkit.store.attachments import THUMBS_DIR, MediaRows, read_media_rows

UNREADABLE_HINT = ("restore it from a backup (`chatbook restore`), or move it aside and run "
                   "`chatbook init` to start again")


def check_sqlite_store(store: str, path: Any) -> dict[str, Any]:
    report: dict[str, Any] = {"path": str(path), "exists": path.exists()}
    if not path.exists():
        report.update(reachable=False, ok=False, hint="run `chatbook init`")
        return report
    try:
        conn = db.connect(path, readonly=True)
        try:
            report["journal_mode"] = db.journal_mode(conn)
            status = migrate.sqlite_status(conn, store)
            report["migrations"] = status.as_dict()
            report["integrity"] = checks.quick_check(conn)
        finally:
            conn.close()
    except (db.DatabaseError, ChatbookError) as error:  # overwritten, truncated, not SQLite
        report.update(reachable=False, ok=False, error=f"not a readable SQLite database ({error})",
                      hint=UNREADABLE_HINT)
        return report
    report["reachable"] = True
    report["mode"] = oct(path.stat().st_mode & 0o777)
    report["ok"] = report["journal_mode"] == "wal" and status.current and report["integrity"] == "ok"
    if not status.current:
        report["hint"] = "run `chatbook migrate`"
    return report


def unreadable(stores: dict[str, dict[str, Any]]) -> list[str]:
    """The SQLite stores that exist but cannot be read: nothing else can be checked in them."""
    return [name for name in ("sqlite", "vectors")
            if stores[name]["exists"] and not stores[name].get("reachable")]


def check_postgres(settings: Settings) -> dict[str, Any]:
    report: dict[str, Any] = {
        "enabled": settings.image_processing_enabled,
        "dsn": settings.media_db_url_redacted,
    }
    if not settings.image_processing_enabled:
        report["ok"] = True
        return report
    try:
        conn = pg.connect(settings)
    except StoreUnavailable as error:
        report.update(reachable=False, error=str(error), ok=False)
        return report
    try:
        status = migrate.pg_status(conn)
        report.update(reachable=True, migrations=status.as_dict(), ok=status.current)
        if not status.current:
            report["hint"] = "run `chatbook migrate`"
    finally:
        conn.close()
    return report


def check_operations(settings: Settings) -> dict[str, Any]:
    """Counters and the outbox backlog (cross-store writes waiting for Postgres)."""
    if not settings.db_path.exists():
        return {"counters": {}, "outbox_pending": 0, "ok": True}
    conn = db.connect(settings.db_path, readonly=True)
    try:
        counters = db.read_counters(conn)
        pending = outbox.pending_count(conn) if db.table_exists(conn, "outbox") else 0
    finally:
        conn.close()
    return {
        "counters": counters,
        "outbox_pending": pending,
        "cross_store_write_failures": counters.get(outbox.FAILURE_COUNTER, 0),
        "ok": pending == 0,
    }


def run_checks(settings: Settings) -> dict[str, Any]:
    stores = {
        "sqlite": check_sqlite_store("sqlite", settings.db_path),
        "vectors": check_sqlite_store("vectors", settings.vdb_path),
        "postgres": check_postgres(settings),
    }
    broken = unreadable(stores)
    if broken:
        why = f"the {' and '.join(broken)} store cannot be read"
        operations = {"counters": {}, "outbox_pending": 0, "ok": False, "skipped": why}
        integrity = {"findings": {}, "skipped": [why], "ok": False}
    else:
        operations = check_operations(settings)
        integrity = check_cross_store(settings)
    return {
        "settings": settings.public_dict(),
        "stores": stores,
        "operations": operations,
        "integrity": integrity,
        "ok": all(part["ok"] for part in stores.values()) and operations["ok"] and integrity["ok"],
    }


# ------------------------------------------------------------------ cross-store integrity
#
# There are no foreign keys between the stores (ADR-0020): the application keeps SQLite, the
# vector store, Postgres and the attachment files consistent, and this is where we look (the
# queries are `toolkit.store.checks`). Each finding says whether `--repair` fixes it ("safe")
# or only lists it ("manual").

SAMPLE = 20
QUARANTINE_DIR = "quarantine"
QUARANTINE_MIN_AGE_S = 600  # a younger file may belong to an import that has not committed yet


@dataclass
class Finding:
    name: str
    items: list[Any]
    repair: str  # "safe": --repair fixes it; "manual": listed with a hint
    hint: str

    def summary(self) -> dict[str, Any]:
        return {"count": len(self.items), "sample": self.items[:SAMPLE], "repair": self.repair,
                "hint": self.hint}


def attachment_files_by_sha(settings: Settings) -> dict[str, list[str]]:
    """sha256 -> paths relative to ATTACHMENTS_DIR, for every regular file there."""
    files: dict[str, list[str]] = {}
    for path in attachments.attachment_files(settings.attachments_dir):
        files.setdefault(attachments.file_sha(path), []).append(
            path.relative_to(settings.attachments_dir).as_posix())
    return files


def has_original(files: dict[str, list[str]], sha: str) -> bool:
    """A thumbnail (thumbs/<sha256>.jpg) is not the file itself."""
    return any(not rel.startswith(f"{THUMBS_DIR}/") for rel in files.get(sha, []))


def relative_attachment_path(settings: Settings, raw: str) -> str:
    path = Path(raw)
    if path.is_absolute():
        try:
            return path.relative_to(settings.attachments_dir).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def media_findings(settings: Settings, conn: db.Connection, media: MediaRows,
                   files: dict[str, list[str]]) -> list[Finding]:
    rows = media.attachments
    alive = checks.existing_message_ids(conn, sorted({int(r["message_id"]) for r in rows}))
    wanted = checks.wanted_extraction_ids(conn)
    have_row = {(int(r["message_id"]), str(r["sha256"])) for r in rows}
    waiting = outbox.pending_message_ids(conn)
    missing_rows = [
        message_id for message_id, sha in checks.messages_with_attachment(conn)
        if (message_id, sha) not in have_row and has_original(files, sha)
        and message_id not in waiting]
    return [
        Finding("attachment_rows_without_message",
                [int(r["id"]) for r in rows if int(r["message_id"]) not in alive], "manual",
                "Postgres attachment rows whose SQLite message is gone"),
        Finding("attachment_rows_without_file",
                [int(r["id"]) for r in rows if not (settings.attachments_dir /
                 relative_attachment_path(settings, str(r["path"]))).is_file()], "manual",
                "Postgres attachment rows whose file is missing; re-import the export zip"),
        Finding("proposals_without_extraction", sorted(i for i in set(wanted)
                if i not in media.extraction_ids), "manual",
                "proposals pointing at Postgres extractions that do not exist"),
        Finding("messages_without_attachment_row", missing_rows, "safe",
                "messages with a media file but no Postgres attachment row "
                "(--repair queues them through the outbox)"),
    ]


def collect_findings(settings: Settings) -> tuple[list[Finding], list[str]]:
    """Every finding with all its items, and the checks that could not run (and why)."""
    findings: list[Finding] = []
    skipped: list[str] = []
    if not settings.db_path.exists():
        return findings, skipped
    conn = db.connect(settings.db_path, readonly=True)
    try:
        if not db.table_exists(conn, "messages"):
            return findings, skipped
        if checks.attach_vectors(conn, settings.vdb_path):
            findings.append(Finding("orphan_embeddings", checks.orphan_embeddings(conn), "safe",
                                    "embeddings of messages that no longer exist"))
        findings.append(Finding("cursors_beyond_data", checks.cursors_beyond_data(conn), "manual",
                                "a stage cursor is past the newest message; rerun that stage "
                                "with --full"))
        files = attachment_files_by_sha(settings)
        message_shas = checks.first_message_per_attachment(conn)
        referenced, referenced_paths = set(message_shas), set()
        if settings.image_processing_enabled:
            media = read_media_rows(settings)
            if isinstance(media, str):
                skipped.append(f"postgres checks: {media}")
            else:
                findings += media_findings(settings, conn, media, files)
                referenced |= {str(r["sha256"]) for r in media.attachments}
                referenced_paths = {relative_attachment_path(settings, str(r["path"]))
                                    for r in media.attachments}
        findings.append(Finding(
            "files_without_rows",
            [rel for sha in sorted(files) for rel in files[sha]
             if sha not in referenced and rel not in referenced_paths], "safe",
            "files under ATTACHMENTS_DIR that nothing refers to "
            f"(--repair moves them to DATA_DIR/{QUARANTINE_DIR}/)"))
        findings.append(Finding(
            "stale_incoming_files",
            [path.name for path in attachments.stale_incoming_files(settings.attachments_dir)],
            "safe", "partial copies left by an import that was killed mid-copy (writer gone, "
            "unchanged for an hour); --repair deletes them, the export still holds the file"))
        findings.append(Finding(
            "messages_without_files",
            [message_shas[sha] for sha in sorted(message_shas) if not has_original(files, sha)],
            "manual",
            "messages whose attachment file is missing; re-import the export zip"))
    finally:
        conn.close()
    return findings, skipped


def check_cross_store(settings: Settings) -> dict[str, Any]:
    findings, skipped = collect_findings(settings)
    return {"findings": {f.name: f.summary() for f in findings}, "skipped": skipped,
            "ok": all(not f.items for f in findings)}


# ------------------------------------------------------------------ repair


def quarantine_files(settings: Settings, relative: list[str],
                     min_age_s: float) -> tuple[list[str], list[str]]:
    """Move files into DATA_DIR/quarantine/<stamp>/, never delete: one may be the only copy
    of a photo. Younger files stay: an import may be about to commit the row for them."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target_root = settings.data_dir / QUARANTINE_DIR / stamp
    now = datetime.now(UTC).timestamp()
    moved, left = [], []
    for rel in relative:
        source = settings.attachments_dir / rel
        if not source.is_file() or now - source.stat().st_mtime < min_age_s:
            left.append(rel)
            continue
        target = target_root / rel
        ensure_private_dir(target.parent)
        source.replace(target)
        moved.append(rel)
    return moved, left


def delete_stale_incoming(settings: Settings) -> list[str]:
    """Delete the partial copies of killed imports, judged again now: a name reused by a live
    import since the check is left alone."""
    deleted = []
    for path in attachments.stale_incoming_files(settings.attachments_dir):
        path.unlink(missing_ok=True)
        deleted.append(path.name)
    return deleted


def requeue_attachment_rows(settings: Settings, message_ids: list[int]) -> int:
    """Queue the missing Postgres attachment rows again; the outbox writes them when it can.

    A done outbox row for the same message and file is made pending again (its dedupe key
    would turn a fresh enqueue into a no-op); otherwise a new row is queued.
    """
    files = attachment_files_by_sha(settings)
    conn = db.connect(settings.db_path)
    queued = 0
    try:
        with db.transaction(conn):
            for start in range(0, len(message_ids), 500):
                for row in checks.attachment_messages(conn, message_ids[start:start + 500]):
                    queued += requeue_one(settings, conn, row, files)
    finally:
        conn.close()
    return queued


def requeue_one(settings: Settings, conn: db.Connection, row: db.Row,
                files: dict[str, list[str]]) -> int:
    sha = str(row["attachment_sha256"])
    if outbox.reopen(conn, f"attachment:{row['id']}:{sha}"):
        return 1
    originals = [rel for rel in files.get(sha, []) if not rel.startswith(f"{THUMBS_DIR}/")]
    if not originals:
        return 0
    path = settings.attachments_dir / originals[0]
    stored = attachments.StoredFile(sha, originals[0], path.stat().st_size,
                                    str(row["media"] or path.name))
    attachments.enqueue_attachment(settings, conn, stored, str(row["name"]), int(row["id"]))
    return 1


def repair(settings: Settings, *, min_file_age_s: float = QUARANTINE_MIN_AGE_S) -> dict[str, Any]:
    """Fix what is safe to fix without a person; list the rest, each with its hint."""
    findings, _ = collect_findings(settings)
    items = {f.name: f.items for f in findings}
    fixed: dict[str, Any] = {}
    if items.get("orphan_embeddings"):
        fixed["orphan_embeddings"] = {
            "deleted": vectors.delete_embeddings(settings.vdb_path, items["orphan_embeddings"])}
    if items.get("files_without_rows"):
        moved, left = quarantine_files(settings, items["files_without_rows"], min_file_age_s)
        fixed["files_without_rows"] = {"moved": moved, "left_too_recent": left,
                                       "to": str(settings.data_dir / QUARANTINE_DIR)}
    if items.get("stale_incoming_files"):
        fixed["stale_incoming_files"] = {"deleted": delete_stale_incoming(settings)}
    if items.get("messages_without_attachment_row"):
        queued = requeue_attachment_rows(settings, items["messages_without_attachment_row"])
        drained = drain_outbox(settings)
        fixed["messages_without_attachment_row"] = {"queued": queued, "outbox": drained}
    after = check_cross_store(settings)
    remaining = {name: f for name, f in after["findings"].items() if f["count"]}
    return {"fixed": fixed, "remaining": remaining, "skipped": after["skipped"],
            "ok": not remaining}


def drain_outbox(settings: Settings) -> dict[str, Any]:
    conn = db.connect(settings.db_path)
    try:
        return outbox.drain(settings, conn, attachments.OUTBOX_HANDLERS).as_dict()
    finally:
        conn.close()


def repair_then_check(settings: Settings) -> dict[str, Any]:
    """`doctor --repair`: repair first, then the full report with what was done in it.

    Nothing is repaired in stores that cannot be read: that takes a backup, not a repair.
    """
    report = run_checks(settings)
    if unreadable(report["stores"]):
        return report
    done = repair(settings)
    report = run_checks(settings)
    report["repair"] = done
    return report


def integrity_lines(report: dict[str, Any]) -> list[str]:
    """Human lines for the cross-store part of a report (and of a repair, when there was one)."""
    integrity = report.get("integrity", {})
    lines = []
    for name, found in integrity.get("findings", {}).items():
        if found["count"]:
            sample = ", ".join(str(item) for item in found["sample"][:5])
            more = "" if found["count"] <= 5 else ", ..."
            how = "--repair fixes this" if found["repair"] == "safe" else "needs you"
            lines.append(f"!! {name}: {found['count']} ({sample}{more}); {found['hint']} [{how}]")
    lines += [f"   skipped  {why}" for why in integrity.get("skipped", [])]
    if integrity.get("ok") and not integrity.get("skipped"):
        lines.append("ok cross-store no orphans")
    for name, what in report.get("repair", {}).get("fixed", {}).items():
        lines.append(f"   repaired {name}: {json.dumps(what, default=str)}")
    return lines
