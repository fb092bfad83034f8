"""Ingestion into the real SQLite store: incremental and idempotent imports, one transaction per
file, zips with media, zip safety, export, and the CLI as a user runs it."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.ingest.attachments import ZipLimits, open_safe_zip
from toolkit.ingest.importer import chat_name_from, export_messages, ingest_paths
from toolkit.store import db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SCHOOL = SAMPLE / "WhatsApp Chat with School Parents.txt"
RIVERSIDE = SAMPLE / "WhatsApp Chat - Riverside FC U10.zip"
OUR_SAMPLES = [SCHOOL, RIVERSIDE, SAMPLE / "WhatsApp Chat with Familia García.txt",
               SAMPLE / "WhatsApp-Chat mit Elternrat 3b.txt"]


def count(conn: db.Connection, sql: str = "SELECT count(*) FROM messages", *args) -> int:
    return int(conn.execute(sql, args).fetchone()[0])


def snapshot(conn: db.Connection) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        "SELECT chat_id, sent_at, author, text, kind, content_key FROM messages ORDER BY id")]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- samples


def test_samples_import_with_chats_recorded(settings, db_conn):
    report = ingest_paths(settings, OUR_SAMPLES, tz="Europe/London")
    assert report.ok, report.summary()
    chats = {r["name"]: dict(r) for r in db_conn.execute("SELECT * FROM chats")}
    assert set(chats) == {"School Parents", "Riverside FC U10", "Familia García", "Elternrat 3b"}
    assert {n: (c["date_order"], c["locale"], c["tz"]) for n, c in chats.items()} == {
        "School Parents": ("dmy", "en-GB", "Europe/London"),
        "Riverside FC U10": ("mdy", "en-US", "Europe/London"),
        "Familia García": ("dmy", "es", "Europe/London"),
        "Elternrat 3b": ("dmy", "de", "Europe/London"),
    }
    per_file = {r.chat: (r.added, r.duplicates, r.date_order) for r in report.files}
    assert per_file["Riverside FC U10"] == (168, 0, "mdy")
    assert count(db_conn) == report.added == 174 + 168 + 144 + 143
    # the FTS index follows the table
    assert count(db_conn, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'drizzle'") == 2
    # BST: local 19:58 in September is 18:58 UTC
    row = db_conn.execute("SELECT sent_at, sent_at_utc FROM messages WHERE text LIKE "
                          "'Just back from parents evening%'").fetchone()
    assert (row["sent_at"], row["sent_at_utc"]) == ("2024-09-19T18:44:00",
                                                    "2024-09-19T17:44:00+00:00")
    # the ETL cursor of each chat points at its newest message
    for chat_id, top in db_conn.execute("SELECT chat_id, max(id) FROM messages GROUP BY chat_id"):
        assert db.get_cursor(db_conn, f"ingest:chat:{chat_id}") == top
    assert db.read_counters(db_conn)["messages_ingested"] == report.added


def test_fts_index_complete_and_trigger_restored(settings, db_conn, tmp_path):
    """Ingest indexes its rows in bulk with the trigger dropped for the transaction; afterwards
    (and after a failed file) the trigger is back exactly and keeps indexing other writers."""
    from toolkit.store.messages import FTS_TRIGGER_SQL

    bad = write(tmp_path / "WhatsApp Chat with Bad.txt", HEAD + "40/40/2024, 10:00 - A: x\n")
    report = ingest_paths(settings, [SCHOOL, bad])
    assert len(report.failed) == 1
    trigger = "SELECT sql FROM sqlite_master WHERE name = 'messages_fts_insert'"
    assert db_conn.execute(trigger).fetchone()[0] == FTS_TRIGGER_SQL
    assert count(db_conn, "SELECT count(*) FROM messages_fts") == count(db_conn) == 174
    assert count(db_conn, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH "
                          "'carpool'") == count(db_conn, "SELECT count(*) FROM messages WHERE "
                                                         "lower(text) LIKE '%carpool%'")
    db_conn.execute("INSERT INTO messages (chat_id, sent_at, text, kind, source_file, "
                    "source_line, content_key, ingested_at) VALUES (1, '2024-12-01T10:00:00', "
                    "'zebra crossing', 'text', 'x', 1, 'k-zebra', 'now')")
    assert count(db_conn, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH "
                          "'zebra'") == 1


def test_reimport_is_idempotent(settings, db_conn):
    first = ingest_paths(settings, [SAMPLE])
    before = snapshot(db_conn)
    again = ingest_paths(settings, [SAMPLE])
    assert first.ok and again.ok
    assert again.added == 0
    assert all(r.duplicates == r.messages > 0 for r in again.files)
    assert snapshot(db_conn) == before


def test_folder_skips_non_chat_files_and_finds_exports(settings, tmp_path):
    folder = tmp_path / "exports"
    (folder / "nested").mkdir(parents=True)
    write(folder / "nested" / "WhatsApp Chat with A.txt", "13/09/2024, 19:58 - Ana: hi\n")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "notes.md").write_text("not an export")
    report = ingest_paths(settings, [folder])
    assert [(r.chat, r.added) for r in report.files] == [("A", 1)]


def test_unzipped_ios_export_folder_keeps_media(settings, db_conn, tmp_path):
    folder = tmp_path / "Riverside"
    with zipfile.ZipFile(RIVERSIDE) as archive:
        archive.extractall(folder)
    report = ingest_paths(settings, [folder])
    assert report.ok and report.files[0].chat == "Riverside" and report.files[0].media_copied == 2
    assert count(db_conn, "SELECT count(*) FROM messages WHERE attachment_sha256 IS NOT NULL") == 2


# ---------------------------------------------------------------------------- incremental

HEAD = """13/09/2024, 10:00 - Ana: Match on Saturday at 10
13/09/2024, 10:01 - Ben: ok
13/09/2024, 10:01 - Ben: ok
13/09/2024, 10:02 - Ana: see you
"""
NEWER = HEAD.split("\n", 1)[1] + """14/09/2024, 09:00 - Ana: we won 3-1
14/09/2024, 09:00 - Ana: we won 3-1
"""


def test_identical_messages_in_one_minute_both_kept(settings, db_conn, tmp_path):
    report = ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with Team.txt", HEAD)])
    assert report.files[0].added == 4
    assert count(db_conn, "SELECT count(*) FROM messages WHERE text = 'ok'") == 2


def test_overlapping_newer_export_adds_only_new(settings, db_conn, tmp_path):
    ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with Team.txt", HEAD)])
    top = count(db_conn, "SELECT max(id) FROM messages")
    newer = write(tmp_path / "WhatsApp Chat with Team (1).txt", NEWER)
    report = ingest_paths(settings, [newer])
    assert (report.files[0].chat, report.files[0].added, report.files[0].duplicates) == (
        "Team", 2, 3)
    assert count(db_conn, "SELECT count(*) FROM messages WHERE text = 'ok'") == 2
    assert count(db_conn, "SELECT count(*) FROM messages WHERE text = 'we won 3-1'") == 2
    # new rows get ids above every earlier one, so cursor-based stages see exactly them
    assert count(db_conn, "SELECT min(id) FROM messages WHERE text = 'we won 3-1'") > top


def test_new_ids_stay_above_every_etl_cursor(settings, db_conn, tmp_path):
    """After the newest messages were deleted, SQLite would hand their ids out again; a stage
    whose cursor already passed them would never see the new messages."""
    ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with Team.txt", HEAD)])
    top = count(db_conn, "SELECT max(id) FROM messages")
    db.set_cursor(db_conn, "embed:test", top)
    db_conn.execute("DELETE FROM messages WHERE id > ?", (top - 2,))
    report = ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with Team.txt", NEWER)])
    assert report.files[0].added == 4  # the two deleted ones come back, plus two new
    assert count(db_conn, "SELECT min(id) FROM messages WHERE id > ?", top - 2) > top
    assert count(db_conn, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'won'") == 2


def test_giving_a_chat_its_zone_later_recomputes_utc_times(settings, db_conn, tmp_path):
    export = write(tmp_path / "WhatsApp Chat with Team.txt", HEAD)
    ingest_paths(settings, [export])  # CHATBOOK_TZ: UTC
    utc = "SELECT sent_at_utc FROM messages WHERE text = 'see you'"
    assert db_conn.execute(utc).fetchone()[0] == "2024-09-13T10:02:00+00:00"
    report = ingest_paths(settings, [export], tz="America/New_York")
    assert report.files[0].added == 0
    assert db_conn.execute(utc).fetchone()[0] == "2024-09-13T14:02:00+00:00"
    assert db_conn.execute("SELECT tz FROM chats").fetchone()[0] == "America/New_York"
    ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with Team (1).txt", NEWER)])
    assert db_conn.execute("SELECT sent_at_utc FROM messages WHERE text = 'we won 3-1'"
                           ).fetchone()[0] == "2024-09-14T13:00:00+00:00"  # the chat's zone


def test_newer_ambiguous_export_keeps_the_chats_recorded_order(settings, db_conn, tmp_path):
    ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with US.txt",
                                  "9/13/24, 10:00 AM - Ana: hi\n")])
    report = ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with US (1).txt",
                                           "10/1/24, 10:00 AM - Ana: October 1st\n")])
    assert report.files[0].date_order_reason == "as recorded for this chat"
    assert db_conn.execute("SELECT sent_at FROM messages WHERE text = 'October 1st'"
                           ).fetchone()[0] == "2024-10-01T10:00:00"


# ---------------------------------------------------------------------------- failures


def test_bad_file_in_batch_leaves_others_imported_and_store_unchanged(settings, db_conn,
                                                                      tmp_path):
    good = write(tmp_path / "WhatsApp Chat with Good.txt", HEAD)
    bad = write(tmp_path / "WhatsApp Chat with Bad.txt",
                "13/09/2024, 10:00 - Ana: fine\n13/09/2024, 10:01 - Ana: fine too\n"
                "31/02/2024, 10:02 - Ana: no such day\n")
    report = ingest_paths(settings, [bad, good])
    assert not report.ok
    failed = report.failed[0]
    assert failed.path == str(bad) and failed.line == 3
    assert failed.error.startswith(f"{bad}:3: invalid date")
    assert [r.added for r in report.files if r.error is None] == [4]
    assert [r["name"] for r in db_conn.execute("SELECT name FROM chats")] == ["Good"]


def test_failing_newer_export_rolls_back_completely(settings, db_conn, tmp_path):
    ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with Team.txt", HEAD)])
    before = snapshot(db_conn)
    broken = NEWER + "14/09/2024, 25:00 - Ana: broken clock\n"
    report = ingest_paths(settings, [write(tmp_path / "WhatsApp Chat with Team.txt", broken)])
    assert report.failed and report.failed[0].line == 6
    assert snapshot(db_conn) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"\x00\x01\x02binary\xff" * 50, "binary"),
    (b"<html><head><title>WhatsApp</title></head><body></body></html>", "no line looks like"),
    (b"PK\x03\x04 this is not really a zip", "not a readable zip"),
])
def test_not_a_chat_is_a_clear_error(settings, db_conn, tmp_path, content, message):
    path = tmp_path / ("export.zip" if content.startswith(b"PK") else "export.txt")
    path.write_bytes(content)
    report = ingest_paths(settings, [path])
    assert message in report.files[0].error and str(path) in report.files[0].error
    assert count(db_conn) == 0


def test_missing_path_is_reported(settings, tmp_path):
    report = ingest_paths(settings, [tmp_path / "nope.txt"])
    assert "no such file" in report.files[0].error


# ---------------------------------------------------------------------------- zips


def make_zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None,
             encrypted: str | None = None, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            if name == symlink:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    if encrypted:
        mark_encrypted(path)
    return path


def mark_encrypted(path: Path) -> None:
    """Set the 'encrypted' flag in every local and central header (zipfile cannot write one)."""
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        while at >= 0:
            raw[at + offset] |= 0x1
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))


CHAT = b"[13/09/2024, 10:00:00] Ana: <attached: 00000001-PHOTO.png>\n[13/09/2024, 10:01:00] Ben: nice\n"


@pytest.mark.parametrize(("members", "kwargs", "message"), [
    ({"_chat.txt": CHAT, "../evil.txt": b"x"}, {}, "unsafe path"),
    ({"_chat.txt": CHAT, "/etc/evil": b"x"}, {}, "unsafe path"),
    ({"_chat.txt": CHAT, "C:\\evil.txt": b"x"}, {}, "unsafe path"),
    ({"_chat.txt": CHAT, "dir/../../evil.txt": b"x"}, {}, "unsafe path"),
    ({"_chat.txt": CHAT, "link": b"/etc/passwd"}, {"symlink": "link"}, "symbolic link"),
    ({"_chat.txt": CHAT, "a.bin": b"\0" * (4 << 20)}, {}, "zip bomb"),
    ({"_chat.txt": CHAT}, {"encrypted": "_chat.txt"}, "encrypted"),
    ({"photo.jpg": b"\xff\xd8\xff"}, {}, "no chat export"),
])
def test_unsafe_zips_rejected_whole(settings, db_conn, tmp_path, members, kwargs, message):
    path = make_zip(tmp_path / "WhatsApp Chat - Evil.zip", members, **kwargs)
    report = ingest_paths(settings, [path])
    assert message in report.files[0].error
    assert count(db_conn) == 0
    assert not (tmp_path / "evil.txt").exists()
    assert not settings.attachments_dir.exists() or not any(settings.attachments_dir.rglob("*.*"))


def test_zip_chat_found_whatever_its_name_next_to_a_text_document(settings, db_conn, tmp_path):
    path = make_zip(tmp_path / "export.zip", {"Chat export.txt": CHAT,
                                             "shopping list.txt": b"milk\neggs\n"})
    report = ingest_paths(settings, [path])
    assert report.ok and [(r.chat, r.added) for r in report.files] == [("Chat export", 2)]
    only_notes = make_zip(tmp_path / "notes.zip", {"shopping list.txt": b"milk\neggs\n"})
    report = ingest_paths(settings, [only_notes])
    assert "not a WhatsApp chat export" in report.files[0].error


def test_total_size_cap(tmp_path):
    path = make_zip(tmp_path / "big.zip", {"_chat.txt": CHAT, "v.mp4": b"x" * 5000},
                    compression=zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="more than 4000 bytes"):
        open_safe_zip(path, ZipLimits(max_total=4000))


def test_corrupt_member_is_a_clear_error(settings, db_conn, tmp_path):
    path = make_zip(tmp_path / "WhatsApp Chat - C.zip", {"_chat.txt": CHAT * 200},
                    compression=zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    at = raw.index(b"Ben: nice") + 2
    raw[at:at + 3] = b"XYZ"  # the stored bytes no longer match their CRC
    path.write_bytes(bytes(raw))
    report = ingest_paths(settings, [path])
    assert "corrupt" in report.files[0].error and "Bad CRC-32" in report.files[0].error
    assert count(db_conn) == 0


def test_corrupt_deflate_stream_is_a_clear_error(settings, db_conn, tmp_path):
    path = make_zip(tmp_path / "WhatsApp Chat - D.zip", {"_chat.txt": CHAT * 50})
    raw = bytearray(path.read_bytes())
    start = raw.index(b"_chat.txt") + len("_chat.txt")  # the compressed data follows the name
    raw[start:start + 40] = bytes(range(200, 240))
    path.write_bytes(bytes(raw))
    report = ingest_paths(settings, [path])
    assert "corrupt" in report.files[0].error or "CRC" in report.files[0].error
    assert count(db_conn) == 0


def test_zip_media_copied_content_addressed_and_private(settings, db_conn):
    report = ingest_paths(settings, [RIVERSIDE])
    assert report.ok and report.files[0].media_copied == 2
    rows = db_conn.execute("SELECT media, attachment_sha256 FROM messages "
                           "WHERE attachment_sha256 IS NOT NULL ORDER BY id").fetchall()
    assert [r["media"] for r in rows] == ["00000031-PHOTO-2024-09-14-11-47-03.png",
                                          "00000078-PHOTO-2024-10-19-12-05-41.png"]
    with zipfile.ZipFile(RIVERSIDE) as archive:
        for row in rows:
            data = archive.read(row["media"])
            sha = hashlib.sha256(data).hexdigest()
            assert row["attachment_sha256"] == sha
            stored = settings.attachments_dir / sha[:2] / f"{sha}.png"
            assert stored.read_bytes() == data
            assert stat.S_IMODE(stored.stat().st_mode) == 0o600
            assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    # nothing but the two files (no temp leftovers); media off: no outbox rows
    assert len([p for p in settings.attachments_dir.rglob("*") if p.is_file()]) == 2
    assert count(db_conn, "SELECT count(*) FROM outbox") == 0


def test_same_photo_in_two_chats_is_stored_once(settings, db_conn):
    ingest_paths(settings, [RIVERSIDE])
    ingest_paths(settings, [RIVERSIDE], chat="Riverside parents")
    shas = {r[0] for r in db_conn.execute(
        "SELECT attachment_sha256 FROM messages WHERE attachment_sha256 IS NOT NULL")}
    assert count(db_conn, "SELECT count(*) FROM messages WHERE attachment_sha256 IS NOT NULL") == 4
    assert len(shas) == 2
    assert len([p for p in settings.attachments_dir.rglob("*") if p.is_file()]) == 2


def test_media_rows_reach_postgres_through_outbox(media_settings, tmp_path):
    import psycopg

    from toolkit.store.connect import migrate_all, open_db

    migrate_all(media_settings)
    report = ingest_paths(media_settings, [RIVERSIDE])
    assert report.ok and report.outbox == {"written": 2, "failed": 0, "pending": 0, "error": None}
    conn = open_db(media_settings)
    ids = {r["attachment_sha256"]: r["id"] for r in conn.execute(
        "SELECT id, attachment_sha256 FROM messages WHERE attachment_sha256 IS NOT NULL")}
    with psycopg.connect(media_settings.media_db_url) as pg:
        rows = pg.execute("SELECT message_id, chat, file_name, sha256, mime, size_bytes, width, "
                          "height, path FROM attachments ORDER BY message_id").fetchall()
    assert len(rows) == 2
    for message_id, chat, file_name, sha, mime, size, width, height, path in rows:
        assert ids[sha] == message_id and chat == "Riverside FC U10"
        assert (mime, width, height) == ("image/png", 64, 48)
        assert path == f"{sha[:2]}/{sha}.png" and file_name.endswith(".png")
        assert size == (media_settings.attachments_dir / path).stat().st_size
    # importing again writes nothing twice
    again = ingest_paths(media_settings, [RIVERSIDE])
    assert again.added == 0 and again.outbox["pending"] == 0
    with psycopg.connect(media_settings.media_db_url) as pg:
        assert pg.execute("SELECT count(*) FROM attachments").fetchone()[0] == 2
    conn.close()


def test_postgres_down_media_rows_wait(data_dir):
    from toolkit.config import load_settings
    from toolkit.store.connect import open_db

    down = load_settings({"DATA_DIR": str(data_dir), "IMAGE_PROCESSING_ENABLED": "true",
                          "MEDIA_DB_URL": "postgresql://nobody@127.0.0.1:9/none"},
                         cwd=data_dir.parent)
    report = ingest_paths(down, [RIVERSIDE])
    assert report.ok and report.added == 168
    assert report.outbox["pending"] == 2 and report.outbox["failed"] == 1
    conn = open_db(down)
    payloads = [json.loads(r[0]) for r in conn.execute("SELECT payload FROM outbox")]
    message_ids = {r[0] for r in conn.execute(
        "SELECT id FROM messages WHERE attachment_sha256 IS NOT NULL")}
    assert {p["message_id"] for p in payloads} == message_ids
    assert db.read_counters(conn)["cross_store_write_failures"] >= 1
    conn.close()


# ---------------------------------------------------------------------------- names, export


@pytest.mark.parametrize(("path", "container", "name"), [
    ("WhatsApp Chat with School Parents.txt", None, "School Parents"),
    ("WhatsApp Chat with School Parents (2).txt", None, "School Parents"),
    ("WhatsApp-Chat mit Elternrat 3b.txt", None, "Elternrat 3b"),
    ("Chat de WhatsApp con Familia García.txt", None, "Familia García"),
    ("Discussion WhatsApp avec Club.txt", None, "Club"),
    ("_chat.txt", "WhatsApp Chat - Riverside FC U10.zip", "Riverside FC U10"),
    ("_chat.txt", "Riverside", "Riverside"),
    ("family.txt", None, "family"),
])
def test_chat_names_from_file_names(path, container, name):
    assert chat_name_from(Path(path), Path(container) if container else None) == name


def test_export_jsonl_round_trip(settings):
    ingest_paths(settings, [SCHOOL])
    out = io.StringIO()
    assert export_messages(settings, "jsonl", out, chat="School Parents") == 174
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {"chat", "sent_at", "author", "text", "kind", "media", "edited"} <= set(records[0])
    recipe = next(r for r in records if r["text"].startswith("Lemon drizzle recipe"))
    assert recipe["text"].count("\n") == 6 and recipe["author"] == "Priya Patel"
    edited = next(r for r in records if r["edited"])
    assert edited["text"].endswith("so he'll miss the carpool that day")
    assert records[0] == {**records[0], "kind": "system", "author": None, "edited": False,
                          "sent_at": "2024-09-02T07:58:00"}


def test_export_parquet_and_csv(settings, tmp_path):
    import pyarrow.parquet as pq

    ingest_paths(settings, [SAMPLE / "WhatsApp-Chat mit Elternrat 3b.txt"])
    assert export_messages(settings, "parquet", tmp_path / "m.parquet") == 143
    table = pq.read_table(tmp_path / "m.parquet")
    assert table.num_rows == 143 and table.column("edited").to_pylist().count(True) == 1
    assert export_messages(settings, "csv", tmp_path / "m.csv") == 143
    assert stat.S_IMODE((tmp_path / "m.csv").stat().st_mode) == 0o600


def test_cli_ingest_and_export(cli, tmp_path):
    bad = write(tmp_path / "WhatsApp Chat with Bad.txt", "hello\n")
    result = cli("ingest", str(SCHOOL), str(bad), "--json", "--tz", "Europe/Madrid")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert (data["added"], data["failed"]) == (174, 1)
    assert data["files"][0]["date_order"] == "dmy"
    assert "not a WhatsApp chat export" in data["files"][1]["error"]
    again = cli("ingest", str(SCHOOL))
    assert again.returncode == 0 and "0 new, 174 already known" in again.stdout
    exported = cli("messages", "export", "--chat", "School Parents")
    lines = exported.stdout.splitlines()
    assert exported.returncode == 0 and len(lines) == 174
    assert json.loads(lines[5])["chat"] == "School Parents"
    forced = cli("ingest", str(SCHOOL), "--chat", "Other", "--date-order", "mdy")
    assert forced.returncode == 1
    # the rejected file is one line on stderr; stdout holds only what imported and the totals
    assert [line for line in forced.stderr.splitlines() if line.startswith("FAILED ")] == [
        line for line in forced.stderr.splitlines() if line.strip()]
    assert "invalid date" in forced.stderr and "FAILED" not in forced.stdout
    assert "Traceback" not in forced.stderr
    unknown = cli("ingest", str(SCHOOL), "--tz", "Mars/Base")
    assert unknown.returncode != 0 and "unknown time zone" in unknown.stderr


def test_make_sample_is_deterministic(tmp_path):
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "scripts" / "make_sample.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample"] = module
    spec.loader.exec_module(module)
    written = module.make_samples(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in OUR_SAMPLES)
    for path in written:
        assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), path.name
