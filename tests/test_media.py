"""Image attachments: safe opening of hostile files, EXIF, thumbnails, pHash duplicates, and the
whole media stage against the real Postgres with real OCR on the sample flyers."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import struct
import sys
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from toolkit.config import Settings
from toolkit.extract import media
from toolkit.store import db

ROOT = Path(__file__).resolve().parent.parent
FLYERS = ROOT / "data" / "sample" / "flyers"
SAMPLE_ZIP = ROOT / "data" / "sample" / "WhatsApp Chat - Riverside Flyers.zip"
sys.path.insert(0, str(ROOT / "scripts"))
import make_flyers  # noqa: E402


def flyer_bytes(name: str) -> bytes:
    return (FLYERS / name).read_bytes()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int) -> bytes:
    """A valid 1-bit PNG of side x side black pixels: a few KB that decode to side² pixels."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row * 1000) for _ in range(side // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def broken_crc_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[-20] ^= 0xFF  # inside the IDAT chunk: its CRC no longer matches
    return bytes(data)


def truncated_jpeg() -> bytes:
    data = flyer_bytes("en_tournament.jpg")
    return data[: len(data) // 2]


HOSTILE = {
    "truncated.jpg": (truncated_jpeg, "truncated"),
    "bomb.png": (lambda: bomb_png(8_000), "decompression bomb: 8000x8000 pixels"),
    "huge_bomb.png": (lambda: bomb_png(20_000), "decompression bomb"),
    "notes.jpg": (lambda: b"Meeting notes: bring cakes on Friday\n",
                  "not an image: the content is text/plain"),
    "report.jpg": (lambda: b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
                   "not an image: the content is application/pdf"),
    "empty.jpg": (lambda: b"", "not an image: the content is unrecognised data"),
    "random.jpg": (lambda: bytes(range(256)) * 4, "not an image"),
    "broken.png": (broken_crc_png, "corrupt image (image/png)"),
    "header_only.gif": (lambda: b"GIF89a\x10\x00\x10\x00", "image/gif"),
}


# ----------------------------------------------------------------------------- safe opening


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bytes_raise_media_error_with_reason(name: str) -> None:
    make, reason = HOSTILE[name]
    with pytest.raises(media.MediaError) as caught:
        media.open_image(make())
    assert reason in caught.value.reason


@pytest.mark.parametrize(("head", "mime"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"GIF89a\x01\x00", "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00", "video/mp4"),
    (b"OggS\x00\x02", "audio/ogg"),
    (b"%PDF-1.7", "application/pdf"),
    (b"PK\x03\x04\x14\x00", "application/zip"),
    (b"hello, this is text", "text/plain"),
    (b"\x00\x01\x02\x03", None),
    (b"", None),
])
def test_sniff_mime(head: bytes, mime: str | None) -> None:
    assert media.sniff_mime(head) == mime


@pytest.mark.parametrize("name", ["en_tournament.jpg", "en_bake_sale.png", "fr_kermesse.png"])
def test_sample_flyers_open(name: str) -> None:
    opened = media.open_image(flyer_bytes(name))
    assert opened.image.mode == "RGB"
    assert opened.mime == ("image/png" if name.endswith(".png") else "image/jpeg")
    assert opened.image.size == (opened.width, opened.height)


def test_pixel_limit_is_checked_before_decoding() -> None:
    with pytest.raises(media.MediaError, match="decompression bomb: 826x1022 pixels"):
        media.open_image(flyer_bytes("en_tournament.jpg")[:2000], max_pixels=10_000)


def test_big_photo_is_decoded_at_a_reduced_scale() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (6000, 4500), "skyblue").save(buffer, "JPEG", quality=70)
    opened = media.open_image(buffer.getvalue())
    assert (opened.width, opened.height) == (6000, 4500)
    assert opened.image.size == (3000, 2250)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "JPEG", exif=exif.tobytes())
    opened = media.open_image(buffer.getvalue())
    assert (opened.width, opened.height) == (200, 100)
    assert opened.image.size == (100, 200)
    assert opened.exif["orientation"] == 6


def test_sideways_phone_photo_is_read_upright() -> None:
    """Phones store pixels sideways and an EXIF orientation tag; OCR must see it upright."""
    from toolkit.extract import ocr

    upright_flyer = Image.open(FLYERS / "de_elternabend.jpg").convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    upright_flyer.rotate(90, expand=True).save(buffer, "JPEG", quality=85, exif=exif.tobytes())
    opened = media.open_image(buffer.getvalue())
    assert opened.image.size == upright_flyer.size
    text = ocr.read_text(opened.image).text
    assert "Elternabend Klasse 3b" in text and "19:30 Uhr" in text


def test_transparency_is_flattened_onto_white() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, "PNG")
    opened = media.open_image(buffer.getvalue())
    assert opened.image.getpixel((5, 5)) == (255, 255, 255)


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    """The flyers and the export in data/sample are reproducible byte for byte (same Pillow)."""
    make_flyers.main(tmp_path)
    fresh = sorted(p.name for p in (tmp_path / "flyers").iterdir())
    assert fresh == sorted(p.name for p in FLYERS.iterdir())
    for name in fresh:
        assert (tmp_path / "flyers" / name).read_bytes() == (FLYERS / name).read_bytes(), name
    assert (tmp_path / make_flyers.ZIP_NAME).read_bytes() == SAMPLE_ZIP.read_bytes()
    sample_bytes = sum(p.stat().st_size for p in FLYERS.iterdir()) + SAMPLE_ZIP.stat().st_size
    assert sample_bytes < 2_000_000


# ----------------------------------------------------------------------------- EXIF


def test_exif_taken_at_and_gps_from_the_sample_photo() -> None:
    exif = media.open_image(flyer_bytes("en_team_photo.jpg")).exif
    assert exif["taken_at"] == "2025:03:16 16:45:10"
    assert exif["make"] == "Synthetic" and exif["model"] == "Flyer Cam 1"
    assert exif["gps"]["lat"] == pytest.approx(51.4545, abs=1e-4)
    assert exif["gps"]["lon"] == pytest.approx(-2.5879, abs=1e-4)


def test_no_exif_is_an_empty_dict() -> None:
    assert media.open_image(flyer_bytes("en_bake_sale.png")).exif == {}


@pytest.mark.parametrize(("exif", "tz", "expected"), [
    ({"taken_at": "2025:03:16 16:45:10"}, "Europe/London",
     datetime(2025, 3, 16, 16, 45, 10, tzinfo=ZoneInfo("Europe/London"))),
    ({"taken_at": "2025:07:01 09:00:00"}, "Europe/Madrid",
     datetime(2025, 7, 1, 7, 0, 0, tzinfo=ZoneInfo("UTC"))),
    ({"taken_at": "2025:07:01 09:00:00", "offset": "-05:00"}, "Europe/Madrid",
     datetime(2025, 7, 1, 14, 0, 0, tzinfo=ZoneInfo("UTC"))),
    ({"taken_at": "0000:00:00 00:00:00"}, "UTC", None),
    ({"taken_at": "yesterday"}, "UTC", None),
    ({}, "UTC", None),
])
def test_taken_at(exif: dict[str, Any], tz: str, expected: datetime | None) -> None:
    assert media.taken_at(exif, tz) == expected


# ----------------------------------------------------------------------------- describing


@pytest.mark.parametrize(("sent_at", "sent_at_utc", "tz", "expected"), [
    # the UTC instant shown in the chat's zone (BST in April)
    ("2025-04-10T09:00:00", "2025-04-10T08:00:00+00:00", "Europe/London",
     "2025-04-10T09:00:00+01:00"),
    ("2025-04-10T09:00:00", "2025-04-10T08:00:00Z", "Europe/London",
     "2025-04-10T09:00:00+01:00"),
    # no UTC instant recorded: the local time is in the chat's zone
    ("2025-01-10T21:30:00", None, "America/New_York", "2025-01-10T21:30:00-05:00"),
    # no zone on the chat: the configured default (UTC in tests)
    ("2025-01-10T21:30:00", None, None, "2025-01-10T21:30:00+00:00"),
    # a zone name that no longer exists falls back to the default rather than failing
    ("2025-01-10T21:30:00", None, "Mars/Olympus_Mons", "2025-01-10T21:30:00+00:00"),
])
def test_message_context_reference_time(db_conn: db.Connection, sent_at: str,
                                        sent_at_utc: str | None, tz: str | None,
                                        expected: str) -> None:
    chat_id = add_chat(db_conn, "Times", tz=tz, locale="en-GB")  # type: ignore[arg-type]
    with db.transaction(db_conn):
        message_id = db_conn.execute(
            "INSERT INTO messages(chat_id, sent_at, sent_at_utc, author, text, kind, source_file, "
            "source_line, content_key, ingested_at) VALUES (?, ?, ?, 'A', 'x', 'media', 't', 1, "
            "'k', ?)", (chat_id, sent_at, sent_at_utc, db.utc_now())).lastrowid
    context = media.message_context(db_conn, int(message_id or 0), "UTC")
    assert context.ref_time.isoformat() == expected
    assert context.locale == "en-GB" and context.tz in {tz, "UTC"}


def test_message_context_of_a_missing_message_is_an_orphan(db_conn: db.Connection) -> None:
    with pytest.raises(media.MediaError, match="orphan attachment: message 42"):
        media.message_context(db_conn, 42, "UTC")


def zip_member(name: str) -> bytes:
    with zipfile.ZipFile(SAMPLE_ZIP) as archive:
        return archive.read(name)


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def test_forwarded_copy_is_the_same_picture() -> None:
    original = media.open_image(flyer_bytes("en_tournament.jpg")).image
    forward = media.open_image(zip_member("00000021-PHOTO-2025-03-19-20-15-09.jpg")).image
    assert forward.size != original.size
    assert hamming(media.perceptual_hash(original), media.perceptual_hash(forward)) <= 4
    assert media.same_picture(original, forward)


def variant(line: int, text: str) -> Image.Image:
    flyer = make_flyers.FLYERS[0]
    lines = list(flyer.lines)
    lines[line] = dataclasses.replace(lines[line], text=text)
    changed = dataclasses.replace(flyer, lines=lines)
    return media.open_image(make_flyers.encode(make_flyers.render(changed), "jpg")).image


@pytest.mark.parametrize(("line", "text"), [
    (2, "Saturday 19 April 2025"),
    (3, "11am - 3pm"),
    (3, "10am - 5pm"),
])
def test_flyer_with_another_date_or_time_is_not_a_duplicate(line: int, text: str) -> None:
    """pHash alone calls these the same picture; reusing the OCR would propose a wrong date."""
    original = media.open_image(flyer_bytes("en_tournament.jpg")).image
    other = variant(line, text)
    assert hamming(media.perceptual_hash(original), media.perceptual_hash(other)) <= 4
    assert not media.same_picture(original, other)


def test_different_flyers_have_distant_hashes() -> None:
    hashes = [media.perceptual_hash(media.open_image(p.read_bytes()).image)
              for p in sorted(FLYERS.glob("*.[jp][pn]g"))]
    assert all(hamming(a, b) > 10 for i, a in enumerate(hashes) for b in hashes[i + 1:])


def test_thumbnail_is_small_and_private(settings: Settings) -> None:
    image = media.open_image(flyer_bytes("en_tournament.jpg")).image
    relative = media.write_thumbnail(settings, "ab" * 32, image)
    assert relative == f"thumbs/{'ab' * 32}.jpg"
    path = settings.attachments_dir / relative
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    with Image.open(path) as thumb:
        assert max(thumb.size) <= 320 and thumb.format == "JPEG"


@pytest.mark.parametrize(("path", "sha", "reason"), [
    ("../outside.jpg", None, "outside ATTACHMENTS_DIR"),
    ("/etc/passwd", None, "outside ATTACHMENTS_DIR"),
    ("ab/missing.jpg", None, "file missing"),
    ("ab/present.jpg", "0" * 64, "does not match its recorded sha256"),
])
def test_read_attachment_refuses(settings: Settings, path: str, sha: str | None,
                                 reason: str) -> None:
    (settings.attachments_dir / "ab").mkdir(parents=True)
    (settings.attachments_dir / "ab" / "present.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(media.MediaError, match=reason):
        media.read_attachment(settings, path, sha)


# ----------------------------------------------------------------------------- the stage


@pytest.fixture
def store(media_settings: Settings):
    from toolkit.store.connect import migrate_all, open_db

    assert migrate_all(media_settings).ok
    conn = open_db(media_settings)
    yield conn
    conn.close()


def add_chat(conn: db.Connection, name: str, tz: str = "Europe/London",
             locale: str = "en-GB") -> int:
    with db.transaction(conn):
        cur = conn.execute("INSERT INTO chats(name, tz, locale, created_at) VALUES (?, ?, ?, ?)",
                           (name, tz, locale, db.utc_now()))
    return int(cur.lastrowid or 0)


def attach(settings: Settings, conn: db.Connection, chat_id: int, sent_local: datetime,
           file_name: str, data: bytes) -> int:
    """A media message plus its attachment, as ingest writes them: the file copied
    content-addressed, the Postgres row queued in the outbox in the same transaction."""
    from toolkit.ingest import attachments

    chat = conn.execute("SELECT name, tz FROM chats WHERE id = ?", (chat_id,)).fetchone()
    stored = attachments.store_stream(settings, io.BytesIO(data), file_name, "test")
    sent_utc = sent_local.replace(tzinfo=ZoneInfo(chat["tz"])).astimezone(ZoneInfo("UTC"))
    with db.transaction(conn):
        cur = conn.execute(
            "INSERT INTO messages(chat_id, sent_at, sent_at_utc, author, text, kind, media, "
            "attachment_sha256, source_file, source_line, content_key, ingested_at) "
            "VALUES (?, ?, ?, 'Coach Dan', ?, 'media', ?, ?, 'test', 1, ?, ?)",
            (chat_id, sent_local.isoformat(), sent_utc.isoformat(), f"<attached: {file_name}>",
             file_name, stored.sha256, f"{chat_id}:{file_name}", db.utc_now()),
        )
        message_id = int(cur.lastrowid or 0)
        attachments.enqueue_attachment(settings, conn, stored, chat["name"], message_id)
    return message_id


def pg_rows(settings: Settings, sql: str, *params: Any) -> list[dict[str, Any]]:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(settings.media_db_url, row_factory=dict_row) as conn:
        return list(conn.execute(sql, params).fetchall())


ATTACHED = re.compile(r"^\[(\d\d/\d\d/\d{4}), (\d\d:\d\d:\d\d)\] ([^:]+): <attached: (.+)>$")


def ingest_sample_zip(settings: Settings, conn: db.Connection) -> dict[str, int]:
    """The attached lines of the sample export as messages; file name -> message id."""
    chat_id = add_chat(conn, "Riverside Flyers")
    ids = {}
    with zipfile.ZipFile(SAMPLE_ZIP) as archive:
        for line in archive.read("_chat.txt").decode("utf-8").splitlines():
            match = ATTACHED.match(line)
            if match:
                day, clock, _, name = match.groups()
                sent = datetime.strptime(f"{day} {clock}", "%d/%m/%Y %H:%M:%S")
                ids[name] = attach(settings, conn, chat_id, sent, name, archive.read(name))
    return ids


def starts(result: media.ImageResult) -> list[str]:
    return [event.start for event in result.events]


@pytest.mark.postgres
def test_sample_export_flyers_end_to_end(media_settings: Settings, store: db.Connection) -> None:
    ids = ingest_sample_zip(media_settings, store)
    report = media.process_images(media_settings, store)

    assert report.waiting is None and report.outbox["written"] == 5
    by_file = {name: next(r for r in report.images if r.message_id == mid)
               for name, mid in ids.items()}
    tour, bake, same, photo, forward = (by_file[n] for n in sorted(by_file))
    assert [r.status for r in (tour, bake, same, photo, forward)] == \
        ["done", "done", "duplicate", "done", "duplicate"]
    # The byte-identical forward and the re-encoded one reuse the first OCR of the flyer.
    assert same.duplicate_of == forward.duplicate_of == tour.extraction_id
    # Events found on the pixels, relative to each message's own time.
    assert any(s.startswith("2025-04-12T10:00") for s in starts(tour)), tour.events
    assert any(s.startswith("2025-04-12T10:00") for s in starts(forward)), forward.events
    assert any(s.startswith("2025-03-21T15:30") for s in starts(bake)), bake.events
    assert photo.events == []
    assert tour.extractor == "rapidocr+events" and "PP-OCRv6" in tour.extractor_version

    rows = {r["id"]: r for r in pg_rows(media_settings, "SELECT * FROM extractions")}
    assert len(rows) == 5
    first = rows[tour.extraction_id]
    assert "Summer Tournament" in first["ocr_text"] and "Saturday 12 April 2025" in first["ocr_text"]
    assert first["status"] == "done" and first["error"] is None and first["duration_ms"] > 0
    assert {b["text"] for b in first["boxes"]} >= {"RIVERSIDE JUNIOR FC", "10am - 3pm"}
    assert first["result"]["events"] == [e.as_dict() for e in tour.events]
    assert first["confidence"] > 0.9
    assert rows[forward.extraction_id]["ocr_text"] == first["ocr_text"]
    assert rows[forward.extraction_id]["duplicate_of"] == tour.extraction_id

    attachment = pg_rows(media_settings, "SELECT * FROM attachments WHERE id = %s",
                         photo.attachment_id)[0]
    assert attachment["taken_at"] == datetime(2025, 3, 16, 16, 45, 10, tzinfo=ZoneInfo("UTC"))
    assert attachment["gps_lat"] == pytest.approx(51.4545, abs=1e-4)
    assert attachment["exif"]["gps"]["lon"] == pytest.approx(-2.5879, abs=1e-4)
    assert (attachment["width"], attachment["height"]) == (900, 640)
    assert len(attachment["phash"]) == 16
    thumb = media_settings.attachments_dir / attachment["thumb_path"]
    assert thumb.is_file() and thumb.stat().st_mode & 0o777 == 0o600

    status = media.media_status(media_settings, store)
    assert status["images"] == 5 and status["images_pending"] == 0
    assert status["extractions"] == {"done": 3, "duplicate": 2} and status["outbox_pending"] == 0

    # Nothing new: nothing to do. --full: everything again, into the same rows.
    assert media.process_images(media_settings, store).images == []
    again = media.process_images(media_settings, store, full=True)
    assert sorted(r.extraction_id for r in again.images) == sorted(rows)
    assert [r.status for r in again.images] == ["done", "done", "duplicate", "done", "duplicate"]


@pytest.mark.postgres
def test_hostile_attachments_become_failed_extractions(media_settings: Settings,
                                                      store: db.Connection) -> None:
    chat_id = add_chat(store, "Hostile")
    names = ["truncated.jpg", "bomb.png", "notes.jpg", "broken.png"]
    for minute, name in enumerate(names):
        attach(media_settings, store, chat_id, datetime(2025, 3, 1, 9, minute), name,
               HOSTILE[name][0]())
    good = attach(media_settings, store, chat_id, datetime(2025, 3, 1, 10, 0),
                  "flyer.jpg", flyer_bytes("de_elternabend.jpg"))

    report = media.process_images(media_settings, store)

    by_status = report.counts()
    assert by_status == {"failed": 4, "done": 1}, report.as_dict()
    rows = pg_rows(media_settings,
                   "SELECT a.file_name, e.status, e.error, e.ocr_text FROM extractions e "
                   "JOIN attachments a ON a.id = e.attachment_id ORDER BY a.id")
    for row in rows[:4]:
        assert row["status"] == "failed" and row["ocr_text"] is None
        assert HOSTILE[row["file_name"]][1] in row["error"], row
    assert rows[4]["status"] == "done" and "Elternabend" in rows[4]["ocr_text"]
    done = next(r for r in report.images if r.message_id == good)
    assert any(s.startswith("2025-03-25T19:30") for s in starts(done)), done.events


@pytest.mark.postgres
def test_orphan_attachment_fails_with_reason(media_settings: Settings,
                                             store: db.Connection) -> None:
    from toolkit.ingest import attachments
    from toolkit.store import pg

    stored = attachments.store_stream(media_settings, io.BytesIO(flyer_bytes("es_fiesta.jpg")),
                                      "fiesta.jpg", "test")
    with pg.connect(media_settings) as conn:
        conn.execute(
            "INSERT INTO attachments (message_id, chat, file_name, sha256, mime, size_bytes, path)"
            " VALUES (999, 'gone', 'fiesta.jpg', %s, 'image/jpeg', %s, %s)",
            (stored.sha256, stored.size, stored.path),
        )
    report = media.process_images(media_settings, store)
    assert [(r.status, r.message_id) for r in report.images] == [("failed", 999)]
    assert "message 999 is not in the SQLite store" in (report.images[0].error or "")


@pytest.mark.postgres
def test_postgres_down_waits_then_catches_up(media_settings: Settings, store: db.Connection,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit.store import outbox, pg

    chat_id = add_chat(store, "Kermesse", tz="Europe/Paris", locale="fr-FR")
    attach(media_settings, store, chat_id, datetime(2025, 5, 20, 18, 0), "kermesse.png",
           flyer_bytes("fr_kermesse.png"))
    down = media_settings.with_overrides(
        media_db_url="postgresql://postgres@127.0.0.1:1/chatbook")
    pg._warned = False

    waiting = media.process_images(down, store)

    assert waiting.images == [] and "unreachable" in (waiting.waiting or "")
    assert waiting.status.startswith("waiting")
    assert outbox.pending_count(store) == 1
    assert "media work is waiting" in capsys.readouterr().err

    caught_up = media.process_images(media_settings, store)
    assert caught_up.waiting is None and caught_up.outbox["written"] == 1
    assert outbox.pending_count(store) == 0
    [image] = caught_up.images
    assert image.status == "done"
    assert any(s.startswith("2025-06-14T10:00") for s in starts(image)), image.events


def test_media_disabled_touches_nothing(settings: Settings, db_conn: db.Connection) -> None:
    report = media.process_images(settings, db_conn)
    assert report.enabled is False and report.images == [] and report.waiting is None
    assert report.status == "disabled"


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "media processing is off"),
    ({"IMAGE_PROCESSING_ENABLED": "true",
      "MEDIA_DB_URL": "postgresql://chatbook:s3cret@127.0.0.1:1/chatbook"},
     "media work is waiting: Postgres at postgresql://chatbook:***@127.0.0.1:1/chatbook"),
])
def test_media_status_command(cli: Any, env: dict[str, str], expected: str) -> None:
    done = cli("media", "status", env=env)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert "s3cret" not in done.stdout + done.stderr
    as_json = cli("media", "status", "--json", env=env)
    data = json.loads(as_json.stdout)
    assert data["enabled"] is bool(env) and data["outbox_pending"] == 0


@pytest.mark.postgres
def test_postgres_lost_mid_run_keeps_what_was_done(media_settings: Settings,
                                                   store: db.Connection) -> None:
    """An administrator kills our Postgres session after the first image: the run stops
    cleanly with `waiting`, and the next run does exactly the images that were left."""
    import threading

    import psycopg

    chat_id = add_chat(store, "Flyers")
    names = ["en_tournament.jpg", "es_fiesta.jpg", "pt_festa_junina.jpg", "en_bake_sale.png"]
    for minute, name in enumerate(names):
        attach(media_settings, store, chat_id, datetime(2025, 3, 15, 9, minute), name,
               flyer_bytes(name))
    stop = threading.Event()

    def kill_after_first_extraction() -> None:
        with psycopg.connect(media_settings.media_db_url, autocommit=True) as admin:
            while not stop.is_set():
                if admin.execute("SELECT count(*) FROM extractions").fetchone()[0]:
                    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                    return
                stop.wait(0.01)

    killer = threading.Thread(target=kill_after_first_extraction)
    killer.start()
    try:
        first = media.process_images(media_settings, store)
    finally:
        stop.set()
        killer.join()

    assert first.waiting and "Postgres went away" in first.waiting, first.as_dict()
    assert 1 <= len(first.images) < len(names)
    second = media.process_images(media_settings, store)
    assert second.waiting is None
    done_ids = {r.attachment_id for r in first.images} | {r.attachment_id for r in second.images}
    assert len(done_ids) == len(names) == len(first.images) + len(second.images)
    rows = pg_rows(media_settings, "SELECT status FROM extractions")
    assert sorted(r["status"] for r in rows) == ["done"] * len(names)
