"""`chatbook doctor` cross-store integrity, and `doctor --repair`.

Real stores throughout: SQLite, the sqlite-vec index, a fresh Postgres database, attachment
files written by the ingest code and their Postgres rows written by its outbox handler. The
test breaks the links in every direction, then checks what doctor finds and what --repair
fixes (and what it leaves for a person, with a hint).
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from toolkit.ingest import attachments
from toolkit.ops import doctor
from toolkit.search.vector_index import open_store
from toolkit.store import db, outbox, pg
from toolkit.store.connect import migrate_all

DIM = 8


def add_message(conn: db.Connection, n: int, sha: str | None) -> int:
    cursor = conn.execute(
        "INSERT INTO messages(chat_id, sent_at, author, text, kind, media, attachment_sha256,"
        " source_file, source_line, content_key, ingested_at) VALUES (1, '2024-05-01T10:00:00',"
        " 'Ana', ?, ?, ?, ?, 'chat.txt', ?, ?, 'now')",
        (f"flyer {n}", "media" if sha else "text", f"IMG-{n}.jpg" if sha else None, sha, n,
         f"key{n}"))
    return int(cursor.lastrowid or 0)


@pytest.fixture
def broken(media_settings):
    """Four messages with photos, vectors and Postgres rows; then links broken on purpose."""
    settings = media_settings
    migrate_all(settings)
    conn = db.connect(settings.db_path)
    stored = []
    with db.transaction(conn):
        conn.execute("INSERT INTO chats(name, created_at) VALUES ('School', 'now')")
        for n in range(1, 5):
            file = attachments.store_stream(settings, io.BytesIO(f"photo {n}".encode()),
                                            f"IMG-{n}.jpg", "test.zip")
            message_id = add_message(conn, n, file.sha256)
            attachments.enqueue_attachment(settings, conn, file, "School", message_id)
            stored.append(file)
        add_message(conn, 5, None)
    assert outbox.drain(settings, conn, attachments.OUTBOX_HANDLERS).written == 4
    store = open_store(settings)
    index = store.prepare("test-model", DIM)
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(5, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index.add(np.arange(1, 6), vectors, [f"s{i}" for i in range(5)])
    store.close()
    pg_conn = pg.connect(settings)
    extraction = pg_conn.execute(
        "INSERT INTO extractions(attachment_id, extractor, extractor_version, status)"
        " SELECT id, 'ocr', '1', 'done' FROM attachments WHERE message_id = 1 RETURNING id"
    ).fetchone()[0]
    with db.transaction(conn):
        for key, extraction_id in (("good", extraction), ("dangling", 999_999)):
            conn.execute(
                "INSERT INTO proposals(title, start, dedupe_key, extraction_id, source_message_id,"
                " created_at, updated_at) VALUES ('Bake sale', '2024-05-04', ?, ?, 1, 'now',"
                " 'now')", (key, extraction_id))
        conn.execute("DELETE FROM messages WHERE id = 4")  # message gone, vector and row stay
        db.set_cursor(conn, "extract:text", 50)
    pg_conn.execute("DELETE FROM attachments WHERE message_id = 3")  # row lost in Postgres
    pg_conn.close()
    (settings.attachments_dir / stored[1].path).unlink()  # message 2's file lost
    stray = settings.attachments_dir / "zz" / "stray.jpg"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left by a rolled-back import")
    old = time.time() - 3600
    os.utime(stray, (old, old))
    conn.close()
    return settings, vectors


EXPECTED = {
    "orphan_embeddings": [4],
    "attachment_rows_without_message": 1,
    "attachment_rows_without_file": 1,
    "proposals_without_extraction": [999_999],
    "messages_without_attachment_row": [3],
    "files_without_rows": ["zz/stray.jpg"],
    "messages_without_files": [2],
    "cursors_beyond_data": 1,
}


def check_finding(findings: dict, name: str) -> None:
    want = EXPECTED[name]
    if isinstance(want, list):
        assert findings[name]["sample"] == want, name
    else:
        assert findings[name]["count"] == want, name


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_doctor_finds_each_kind_of_orphan(broken, cli, name):
    settings, _ = broken
    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": settings.media_db_url}
    result = cli("doctor", "--json", env=env)
    assert result.returncode == 1, "a store with orphans needs attention"
    report = json.loads(result.stdout)
    assert report["integrity"]["ok"] is False
    check_finding(report["integrity"]["findings"], name)


@pytest.mark.postgres
def test_doctor_repair_fixes_what_is_safe_and_lists_the_rest(broken, cli):
    settings, vectors = broken
    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": settings.media_db_url}
    result = cli("doctor", "--repair", env=env)
    assert result.returncode == 1  # what needs a person is still there
    human = result.stdout
    for manual in ("attachment_rows_without_message", "attachment_rows_without_file",
                   "proposals_without_extraction", "messages_without_files",
                   "cursors_beyond_data"):
        assert f"!! {manual}:" in human and "[needs you]" in human
    assert "repaired orphan_embeddings" in human

    report = json.loads(cli("doctor", "--json", env=env).stdout)
    findings = report["integrity"]["findings"]
    for fixed in ("orphan_embeddings", "files_without_rows", "messages_without_attachment_row"):
        assert findings[fixed]["count"] == 0, fixed
    for manual in ("attachment_rows_without_message", "proposals_without_extraction",
                   "messages_without_files", "cursors_beyond_data"):
        check_finding(findings, manual)

    # The vector is gone from the index itself, not only from the bookkeeping table.
    store = open_store(settings)
    index = store.index_for("test-model", DIM)
    hits = index.search(vectors[3], k=5, fast=False)
    assert 4 not in [message_id for message_id, _ in hits] and len(hits) == 4
    store.close()
    # The stray file is quarantined, not deleted, and stays private.
    moved = list((settings.data_dir / doctor.QUARANTINE_DIR).rglob("stray.jpg"))
    assert len(moved) == 1 and moved[0].read_bytes() == b"left by a rolled-back import"
    for folder in moved[0].parents:
        if folder == settings.data_dir:
            break
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    # Message 3's Postgres row came back through the outbox, once.
    pg_conn = pg.connect(settings)
    rows = pg_conn.execute("SELECT count(*) FROM attachments WHERE message_id = 3").fetchone()[0]
    pg_conn.close()
    assert rows == 1
    again = json.loads(cli("doctor", "--repair", "--json", env=env).stdout)
    assert again["repair"]["fixed"] == {}, "a second repair has nothing left it may fix"


def test_repair_leaves_young_unreferenced_files(settings, db_conn):
    """An import copies files before it commits their rows: a fresh file is not an orphan yet."""
    fresh = settings.attachments_dir / "ab" / "incoming.jpg"
    fresh.parent.mkdir(parents=True, exist_ok=True)
    fresh.write_bytes(b"being imported")
    result = doctor.repair(settings)
    assert result["fixed"]["files_without_rows"]["left_too_recent"] == ["ab/incoming.jpg"]
    assert fresh.exists()


def incoming_copy(settings, pid: int, age_s: float = 0) -> Path:
    """A file as `store_stream` names it while copying, made `age_s` seconds old."""
    path = settings.attachments_dir / f"{attachments.INCOMING_PREFIX}{pid}-{os.urandom(6).hex()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half of a photo")
    when = time.time() - age_s
    os.utime(path, (when, when))
    return path


def a_finished_pid() -> int:
    """The id of a process that has ended (the writer of a killed import)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_copy_in_progress_is_not_reported_nor_touched(settings, db_conn, cli):
    """An import writing `.incoming-<pid>-<hex>` (its writer alive, even for hours): doctor
    says nothing about it and --repair leaves it; it used to be a file without rows, moved
    to quarantine from under the import once 10 minutes old."""
    copying = [incoming_copy(settings, os.getpid()), incoming_copy(settings, os.getpid(), 7200)]
    report = doctor.check_cross_store(settings)
    assert report["ok"], report["findings"]
    result = doctor.repair(settings, min_file_age_s=0)
    assert result["fixed"] == {} and result["ok"]
    assert all(path.read_bytes() == b"half of a photo" for path in copying)
    human = cli("doctor", "--repair")
    assert ".incoming-" not in human.stdout + human.stderr
    assert all(path.exists() for path in copying)
    assert not (settings.data_dir / doctor.QUARANTINE_DIR).exists()


def test_a_copy_a_killed_import_left_is_deleted_by_repair_after_an_hour(settings, db_conn):
    """Writer gone and unchanged for an hour: a finding --repair fixes by deleting the partial
    copy (the export still holds the file). Younger, it is left: its writer's id may be one
    this process cannot see (another container) while it still writes."""
    dead = a_finished_pid()
    stale = incoming_copy(settings, dead, 2 * attachments.STALE_INCOMING_S)
    young = incoming_copy(settings, dead, 60)
    report = doctor.check_cross_store(settings)
    assert report["findings"]["stale_incoming_files"]["sample"] == [stale.name]
    assert report["findings"]["files_without_rows"]["count"] == 0
    result = doctor.repair(settings)
    assert result["fixed"]["stale_incoming_files"] == {"deleted": [stale.name]}
    assert not stale.exists() and young.exists() and result["ok"]


def test_backups_leave_copies_in_progress_out(settings, db_conn, tmp_path):
    """A backup neither copies nor lists a file still being copied in."""
    from toolkit.ops import backup as bk

    incoming_copy(settings, os.getpid())
    manifest = bk.backup(settings, tmp_path / "bk")
    assert manifest.unreferenced_files == []
    assert not list((tmp_path / "bk").rglob(f"{attachments.INCOMING_PREFIX}*"))


def test_a_thumbnail_is_never_taken_for_its_original(settings, db_conn):
    """The media stage's thumbnail (named after the original's sha256) and doctor agree on
    where thumbnails live (one THUMBS_DIR): with the original gone, the message still lacks
    its file, and the thumbnail is no unreferenced file."""
    from PIL import Image

    from toolkit.extract import media

    original = attachments.store_stream(settings, io.BytesIO(b"a flyer"), "IMG-1.jpg", "t.zip")
    with db.transaction(db_conn):
        db_conn.execute("INSERT INTO chats(name, created_at) VALUES ('School', 'now')")
        message_id = add_message(db_conn, 1, original.sha256)
    thumb = media.write_thumbnail(settings, original.sha256, Image.new("RGB", (640, 480)))
    assert (settings.attachments_dir / thumb).is_file()
    (settings.attachments_dir / original.path).unlink()
    findings = doctor.check_cross_store(settings)["findings"]
    assert findings["messages_without_files"]["sample"] == [message_id]
    assert findings["files_without_rows"]["count"] == 0


def test_embeddings_of_deleted_messages_without_postgres(settings, db_conn):
    """Media off: the SQLite-side checks run all the same and Postgres is never asked."""
    with db.transaction(db_conn):
        db_conn.execute("INSERT INTO chats(name, created_at) VALUES ('c', 'now')")
        add_message(db_conn, 1, None)
    store = open_store(settings)
    index = store.prepare("test-model", DIM)
    index.add(np.array([1, 2]), np.eye(2, DIM, dtype=np.float32), ["a", "b"])
    store.close()
    report = doctor.check_cross_store(settings)
    assert report["findings"]["orphan_embeddings"]["sample"] == [2]
    assert report["skipped"] == [] and "attachment_rows_without_message" not in report["findings"]
    assert doctor.repair(settings)["fixed"]["orphan_embeddings"] == {"deleted": 1}
    assert doctor.check_cross_store(settings)["ok"]


@pytest.mark.parametrize("store", ["app.db", "vectors.db"])
@pytest.mark.parametrize("repair", [False, True])
def test_a_store_that_is_not_a_database_is_a_finding_not_a_traceback(data_dir, cli, store,
                                                                       repair):
    """A damaged or overwritten store file is what doctor is for: say so in a line, exit 1."""
    assert cli("init").returncode == 0
    (data_dir / store).write_bytes(b"this was overwritten by something else\n" * 200)
    args = ["doctor", "--repair"] if repair else ["doctor"]
    human = cli(*args)
    assert human.returncode == 1
    assert "Traceback" not in human.stderr + human.stdout
    assert "not a readable SQLite database" in human.stdout
    report = json.loads(cli(*args, "--json").stdout)
    name = "sqlite" if store == "app.db" else "vectors"
    assert report["stores"][name]["reachable"] is False and report["ok"] is False
    assert "chatbook restore" in report["stores"][name]["hint"]
