"""Ingest under attack or bad luck (issue #12: items 4, 5, 8, 10; issue #13: folders, older
stores), through the real CLI and the real SQLite store.

- folders: every export beside and below a `_chat.txt`; non-chats skipped with a line, in
  folders and zips alike; Latin-1 file names; links that loop;
- zip bombs made of many small members; nothing written stays behind a failed import;
- an export that fails after some of its batches committed is taken back whole;
- a full disk (a real, small tmpfs mounted for the test) is one line, and the store is intact;
- a decision made while a big import runs lands before the import ends;
- a store made before message identity existed keeps working.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from toolkit.ingest import importer
from toolkit.ingest.importer import ingest_paths
from toolkit.store import db

sys.path.insert(0, str(Path(__file__).parent))
from reliability_data import write_export  # noqa: E402

HEAD = "14/03/2024, 09:58 - Messages and calls are end-to-end encrypted.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def chat(lines: int, who: str = "Ana", day: int = 14) -> str:
    return HEAD + "".join(f"{day:02d}/03/2024, 10:{n:02d} - {who}: line {n} from {who}\n"
                          for n in range(lines))


def count(path: Path, sql: str = "SELECT count(*) FROM messages", *args) -> int:
    conn = db.connect(path, readonly=True)
    try:
        return int(conn.execute(sql, args).fetchone()[0])
    finally:
        conn.close()


def chat_names(path: Path) -> list[str]:
    conn = db.connect(path, readonly=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM chats ORDER BY name")]
    finally:
        conn.close()


def stored_files(settings) -> list[Path]:
    root = settings.attachments_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ---------------------------------------------------------------------------- folders


def test_a_folder_with_chat_txt_imports_every_export_beside_and_below_it(settings, cli,
                                                                       tmp_path, data_dir):
    folder = tmp_path / "exports"
    write(folder / "_chat.txt", chat(3, "Beta"))
    write(folder / "WhatsApp Chat with Alpha.txt", chat(4, "Alpha"))
    with zipfile.ZipFile(folder / "WhatsApp Chat - Gamma.zip", "w") as archive:
        archive.writestr("_chat.txt", chat(5, "Gamma"))
        archive.writestr("notes.txt", "milk\neggs\n")  # a file sent in that chat: not a chat
    write(folder / "sub" / "_chat.txt", chat(6, "Delta"))
    write(folder / "notes.txt", "remember the milk\n")
    with zipfile.ZipFile(folder / "photos.zip", "w") as archive:
        archive.writestr("IMG-0001.jpg", b"\xff\xd8\xff not really")
    done = cli("ingest", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert chat_names(data_dir / "app.db") == ["Alpha", "Gamma", "exports", "sub"]
    assert count(data_dir / "app.db") == 4 + 5 + 6 + 7  # each chat's lines and its header
    lines = done.stdout.splitlines()
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert len(skipped) == 2, lines
    assert any("notes.txt: line 1: not a WhatsApp chat export" in line for line in skipped)
    assert any("photos.zip: the zip holds no chat export" in line for line in skipped)
    assert lines[-1] == "22 messages added, 0 files failed, 2 skipped"
    # named on the command line, a non-chat is an error, whether a .txt or a zip
    named = cli("ingest", str(folder / "notes.txt"), str(folder / "photos.zip"))
    assert named.returncode == 1
    assert [line.startswith("FAILED ") for line in named.stderr.splitlines()] == [True, True]


def test_a_latin1_file_name_is_imported_and_shown_escaped(cli, tmp_path, data_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/WhatsApp Chat with Caf\xe9.txt"
    with open(raw, "w", encoding="utf-8") as out:
        out.write(chat(3))
    bad = os.fsencode(folder) + b"/WhatsApp Chat with Cr\xeape.txt"
    with open(bad, "w", encoding="utf-8") as out:
        out.write("not a chat\n")
    write(folder / "WhatsApp Chat with Zebra.txt", chat(2, "Zed"))
    done = cli("ingest", str(folder))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert chat_names(data_dir / "app.db") == ["Café", "Zebra"]
    assert "Caf\\xe9.txt" in done.stdout
    failed = done.stderr.strip().splitlines()
    assert len(failed) == 1 and "Cr\\xeape.txt" in failed[0] and "not a WhatsApp chat" in failed[0]


def test_a_folder_that_links_to_itself_is_searched_once(cli, tmp_path, data_dir):
    folder = tmp_path / "in"
    write(folder / "WhatsApp Chat with Loop.txt", chat(3))
    os.symlink(folder, folder / "again")
    os.symlink(folder / "WhatsApp Chat with Loop.txt", folder / "WhatsApp Chat with Link.txt")
    (folder / "deeper").mkdir()
    os.symlink("..", folder / "deeper" / "up")
    done = cli("ingest", str(folder), timeout=60)
    assert done.returncode == 0, done.stderr
    assert count(data_dir / "app.db") == 4, "the file behind two links imports once"
    assert chat_names(data_dir / "app.db") == ["Link"]
    assert sum("already searched" in line for line in done.stdout.splitlines()) == 2


# ---------------------------------------------------------------------------- zips


def test_a_zip_of_many_small_zero_members_is_refused_and_writes_nothing(settings, cli,
                                                                        tmp_path, data_dir):
    """70 members of 1 MiB - 1 byte of zeros: each under the per-member check's size, 70 MB
    from about 70 KB together."""
    bomb = tmp_path / "WhatsApp Chat - Bomb.zip"
    lines = [HEAD.rstrip("\n")] + [f"14/03/2024, 10:{n:02d} - Ana: IMG-{n:04d}.jpg (file attached)"
                                   for n in range(50)]
    zeros = bytes((1 << 20) - 1)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", "\n".join(lines) + "\n")
        for n in range(70):
            archive.writestr(f"IMG-{n:04d}.jpg", zeros)
    assert bomb.stat().st_size < 200_000
    done = cli("ingest", str(bomb))
    assert done.returncode == 1 and "zip bomb" in done.stderr, done.stderr
    assert "over 71 members" in done.stderr
    assert stored_files(settings) == []
    assert count(data_dir / "app.db") == 0


def test_a_zip_failing_midway_leaves_no_media_file_behind(settings, db_conn, tmp_path,
                                                         monkeypatch):
    """Photos copied for the batches before a corrupt member are removed with their rows."""
    monkeypatch.setattr(importer, "BATCH", 10)
    export = tmp_path / "WhatsApp Chat - Photos.zip"
    lines = [HEAD.rstrip("\n")]
    with zipfile.ZipFile(export, "w", zipfile.ZIP_STORED) as archive:
        for n in range(30):
            lines.append(f"14/03/2024, 10:{n:02d} - Ana: IMG-{n:04d}.jpg (file attached)")
            archive.writestr(f"IMG-{n:04d}.jpg", f"photo {n} ".encode() * 50)
        archive.writestr("_chat.txt", "\n".join(lines) + "\n")
    data = bytearray(export.read_bytes())
    last = data.rfind(b"photo 29 ")
    data[last] ^= 0xFF  # the last photo's bytes no longer match its CRC
    export.write_bytes(bytes(data))
    report = ingest_paths(settings, [export])
    assert not report.ok and "IMG-0029.jpg" in report.failed[0].error, report.failed
    assert db_conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert db_conn.execute("SELECT count(*) FROM chats").fetchone()[0] == 0
    assert stored_files(settings) == [], "copied photos of a failed import are removed"


# ---------------------------------------------------------------------------- taking back


def test_an_export_failing_after_committed_batches_is_taken_back_whole(settings, db_conn,
                                                                       tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 50)
    first = write(tmp_path / "1" / "WhatsApp Chat with Club.txt",
                  HEAD + "14/03/2024, 10:00 - Noah: Meet at 5pm\n")
    ingest_paths(settings, [first])
    before = [tuple(r) for r in db_conn.execute("SELECT * FROM messages ORDER BY id")]
    counters = db.read_counters(db_conn)
    lines = [f"{14 + n // 600:02d}/03/2024, {10 + n // 60 % 10:02d}:{n % 60:02d} - Ana: line {n}"
             for n in range(400)]
    bad = write(tmp_path / "2" / "WhatsApp Chat with Club.txt", HEAD
                + "14/03/2024, 10:00 - Noah: Meet at 6pm <This message was edited>\n"
                + "\n".join(lines) + "\n31/02/2024, 23:59 - Ana: a date that is no date\n")
    report = ingest_paths(settings, [bad])
    assert not report.ok and report.failed[0].line == 403, report.failed
    assert "invalid date" in report.failed[0].error
    assert [tuple(r) for r in db_conn.execute("SELECT * FROM messages ORDER BY id")] == before
    assert db_conn.execute("SELECT count(*) FROM message_history").fetchone()[0] == 0
    assert db_conn.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'line'"
                           ).fetchone()[0] == 0
    assert db.read_counters(db_conn) == counters
    chat_id = db_conn.execute("SELECT id FROM chats").fetchone()[0]
    assert db.get_cursor(db_conn, f"ingest:chat:{chat_id}") == before[-1][0]
    assert db_conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# ---------------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 10 MB tmpfs of our own (needs root, as this machine's test runs have)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=10m,mode=0700", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (not root?): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_is_one_line_and_nothing_of_the_export_is_stored(small_disk, tmp_path,
                                                                   monkeypatch):
    """The disk fills in the middle of an export, after one of its batches committed: that
    batch is taken back, the line says so, the store is intact, the files after it are not
    tried, and with space again the same command imports everything, each message once."""
    from conftest import run_cli

    from toolkit.config import load_settings

    env = {"DATA_DIR": str(small_disk / "data")}
    small = write_export(tmp_path / "small", "Small", 30, seed=1)
    big = write_export(tmp_path / "big", "Big", 80_000, seed=2)
    assert run_cli(["ingest", str(small)], env).returncode == 0
    taken_back: list[list[tuple[int, int]]] = []
    take_back = importer.ChatImport.take_back

    def watched(job):  # records what the import had committed when it failed
        taken_back.append(list(job.taken.inserted))
        take_back(job)

    monkeypatch.setattr(importer.ChatImport, "take_back", watched)
    report = ingest_paths(load_settings(env, cwd=tmp_path), [big, small])
    assert taken_back and taken_back[0], "the disk filled before a batch committed"
    assert report.failures().splitlines() == [
        f"FAILED disk full while importing {big}; nothing from it was stored",
        f"FAILED {small}: not imported: the disk is full"]
    app = small_disk / "data" / "app.db"
    assert chat_names(app) == ["Small"]
    assert count(app) == 30
    conn = db.connect(app)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # the CLI says the same in one line per file, with no traceback
    done = run_cli(["ingest", str(big)], env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == \
        f"FAILED disk full while importing {big}; nothing from it was stored"
    grown = subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)],
                           capture_output=True, text=True)
    assert grown.returncode == 0, grown.stderr
    again = run_cli(["ingest", str(big), str(small)], env)
    assert again.returncode == 0, again.stderr
    assert count(app) == 80_030
    assert count(app, "SELECT count(DISTINCT sent_at || author || text) FROM messages") == 80_030


# ---------------------------------------------------------------------------- a reviewer waits


DECIDER = r"""
import sys, time
from pathlib import Path
from toolkit.config import load_settings
from toolkit.review import proposals
from toolkit.store.connect import open_db

go, pid = Path(sys.argv[1]), int(sys.argv[2])
conn = open_db(load_settings())
print("ready", flush=True)
while not go.exists():
    time.sleep(0.01)
before = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
proposals.reject(conn, pid, reviewer="rev", expected_version=1, reason="dup")
after = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
print(f"saved {before} {after}", flush=True)
"""


@pytest.mark.slow
def test_a_decision_lands_while_a_big_import_runs(settings, db_conn, tmp_path, data_dir):
    """One write transaction per file made a reviewer wait for the whole import; now the
    decision lands between two batches, long before the import ends."""
    from conftest import make_env

    total = 120_000
    big = write_export(tmp_path / "big", "Big", total, seed=7)
    now = db.utc_now()
    with db.transaction(db_conn):
        pid = db_conn.execute(
            "INSERT INTO proposals (title, start, dedupe_key, created_at, updated_at) "
            "VALUES ('Bake sale', '2024-09-20T15:00:00', 'bake', ?, ?)", (now, now)).lastrowid
    env = {**os.environ, **make_env(data_dir)}
    go = tmp_path / "go"
    decider = subprocess.Popen([sys.executable, "-c", DECIDER, str(go), str(pid)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert decider.stdout is not None and decider.stdout.readline().strip() == "ready"
    ingest = subprocess.Popen([sys.executable, "-m", "toolkit", "ingest", str(big)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while db_conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0:
            assert ingest.poll() is None, ingest.communicate()
        go.touch()  # the import is under way: decide now
        said = decider.stdout.readline().split()
        still_importing = ingest.poll() is None
        assert said[:1] == ["saved"], decider.communicate()
        assert still_importing, "the decision had to wait for the whole import"
        assert int(said[2]) < total, "the decision landed before the import's last batch"
    finally:
        out, err = ingest.communicate(timeout=600)
        decider.communicate(timeout=60)
    assert ingest.returncode == 0, err
    assert db_conn.execute("SELECT status FROM proposals WHERE id = ?", (pid,)).fetchone()[0] \
        == "rejected"
    assert db_conn.execute("SELECT count(*) FROM messages").fetchone()[0] == total


# ---------------------------------------------------------------------------- older stores


def test_a_store_made_before_message_identity_keeps_working(settings, tmp_path):
    """Rows written by the importer of migration 0005's time (content keys to the second,
    no author_key): after migrating, re-importing the export adds nothing and author
    filters find them."""
    import hashlib

    from toolkit.store import messages, migrate

    export = write(tmp_path / "WhatsApp Chat with Old.txt", HEAD
                   + "14/03/2024, 10:00 - \u202a+44\u00a07700\u00a0900123\u202c: hello\n"
                   "14/03/2024, 10:01 - Ana: ok\n14/03/2024, 10:01 - Ana: ok\n")
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = db.connect(settings.db_path)
    migrate.migrate_sqlite(conn, "sqlite", [m for m in migrate.load_migrations("sqlite")
                                            if m.version <= 5])
    now = db.utc_now()
    conn.execute("INSERT INTO chats (name, tz, date_order, created_at) VALUES "
                 "('Old', 'Etc/UTC', 'dmy', ?)", (now,))
    old_rows = [("2024-03-14T09:58:00", None, "Messages and calls are end-to-end encrypted.",
                 "system", 0), ("2024-03-14T10:00:00", "+44\u00a07700\u00a0900123", "hello",
                                "text", 0),
                ("2024-03-14T10:01:00", "Ana", "ok", "text", 0),
                ("2024-03-14T10:01:00", "Ana", "ok", "text", 1)]
    for line, (sent_at, author, text, kind, position) in enumerate(old_rows, start=1):
        key = sent_at + hashlib.blake2b(f"Old\x1f{sent_at}\x1f{author or ''}\x1f{text}\x1f"
                                        f"{position}".encode(), digest_size=12).hexdigest()
        conn.execute("INSERT INTO messages (chat_id, sent_at, sent_at_utc, author, text, kind, "
                     "source_file, source_line, content_key, ingested_at) VALUES "
                     "(1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (sent_at, sent_at + "+00:00", author, text, kind, str(export), line, key,
                      now))
    conn.close()
    report = ingest_paths(settings, [export])
    assert report.ok and report.added == 0 and report.files[0].duplicates == 4, report.summary()
    conn = db.connect(settings.db_path)
    filters = messages.search_filters(["text"], chat_id=None, author="+44 7700 900123",
                                      since=None, until=None)
    assert len(list(messages.ids_passing(conn, filters))) == 1
    assert [r[0] for r in conn.execute("SELECT source_file FROM chat_exports")] == [str(export)]
    conn.close()


def test_json_report_lists_what_was_skipped(cli, tmp_path):
    folder = tmp_path / "in"
    write(folder / "WhatsApp Chat with A.txt", chat(2))
    write(folder / "readme.txt", "hello\n")
    done = cli("ingest", str(folder), "--json")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["added"] == 3
    assert [s["path"] for s in data["skipped"]] == [str(folder / "readme.txt")]
    assert "not a WhatsApp chat export" in data["skipped"][0]["reason"]


def test_zip_ratio_of_the_whole_archive_is_checked(tmp_path):
    from toolkit.errors import InputError
    from toolkit.ingest.attachments import ZipLimits, open_safe_zip

    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(40):
            archive.writestr(f"f{n}.bin", bytes(100_000))
    limits = ZipLimits(archive_ratio_min_size=1_000_000)
    with pytest.raises(InputError, match="zip bomb"):
        open_safe_zip(path, limits)
    open_safe_zip(path).close()  # under the default 64 MiB floor it is fine
    assert zlib  # (the deflate module the zips above use)
