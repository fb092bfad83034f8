"""`chatbook backup` / `chatbook restore`: consistent online copies under load, verified restores.

A writer process appends messages (ten per transaction), their vectors (in a later
transaction, as the embed stage does) and attachment files while the backup runs; the backup
must hold whole transactions only, no vector without its message, and restore into empty
stores with identical counts and checksums.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from toolkit.config import load_settings
from toolkit.ops import backup as bk
from toolkit.store import db
from toolkit.store.connect import migrate_all

sys.path.insert(0, str(Path(__file__).parent))
from own_postgres import PASSWORD, OwnPostgres  # noqa: E402
from reliability_data import store_with_one_attachment, write_zip_with_media  # noqa: E402

WRITER = r"""
import hashlib, sys, time
from pathlib import Path
from toolkit.store import db
from toolkit.config import load_settings
from toolkit.fsutil import write_private_bytes
from toolkit.store.connect import open_db, open_vectors

settings = load_settings()
stop = Path(sys.argv[1])
app, vec = open_db(settings), open_vectors(settings)
with db.transaction(app):
    app.execute("INSERT OR IGNORE INTO chats(name, created_at) VALUES ('load', 'now')")
with db.transaction(vec):
    vec.execute("INSERT OR IGNORE INTO vector_models(model, dim, backend, table_name, created_at)"
                " VALUES ('m', 4, 'vec', 'vec_absent', 'now')")
batch = 0
while not stop.exists() or batch < 5:
    ids = []
    with db.transaction(app):
        for i in range(10):
            n = batch * 10 + i
            blob = f"photo {n}".encode()
            sha = hashlib.sha256(blob).hexdigest()
            write_private_bytes(settings.attachments_dir / sha[:2] / f"{sha}.jpg", blob)
            cur = app.execute(
                "INSERT INTO messages(chat_id, sent_at, author, text, kind, media, attachment_sha256,"
                " source_file, source_line, content_key, ingested_at) VALUES"
                " (1, '2024-01-01T10:00:00', 'a', ?, 'media', 'x.jpg', ?, 'f', ?, ?, 'now')",
                (f"message {n}", sha, n, f"k{n}"))
            ids.append(cur.lastrowid)
    with db.transaction(vec):
        vec.executemany("INSERT INTO embeddings(message_id, model, dim, text_sha1, vector, created_at)"
                        " VALUES (?, 'm', 4, 'x', zeroblob(16), 'now')", [(i,) for i in ids])
    batch += 1
print(batch)
"""


def table_digest(path: Path, table: str) -> str:
    conn = db.connect(path, readonly=True)
    try:
        rows = sorted(repr(tuple(row)) for row in conn.execute(f'SELECT * FROM "{table}"'))
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()
    finally:
        conn.close()


def start_writer(data_dir: Path, stop: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATA_DIR": str(data_dir)}
    return subprocess.Popen([sys.executable, "-c", WRITER, str(stop)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_rows(path: Path, n: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            conn = db.connect(path, readonly=True)
            try:
                if db.table_exists(conn, "messages") and conn.execute(
                        "SELECT count(*) FROM messages").fetchone()[0] >= n:
                    return
            except db.OperationalError:
                pass
            finally:
                conn.close()
        time.sleep(0.05)
    raise AssertionError(f"the writer never reached {n} messages")


def assert_private_tree(root: Path) -> None:
    assert stat.S_IMODE(root.stat().st_mode) == 0o700, root
    for path in root.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"


def test_backup_under_load_then_restore_is_identical(tmp_path, cli):
    data = tmp_path / "data"
    assert cli("init").returncode == 0
    stop = tmp_path / "stop"
    writer = start_writer(data, stop)
    try:
        wait_for_rows(data / "app.db", 40)
        result = cli("backup", str(tmp_path / "bk"), "--json")
        assert result.returncode == 0, result.stderr
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    manifest = json.loads(result.stdout)
    backup_dir = tmp_path / "bk"
    assert_private_tree(backup_dir)

    # The copy holds whole transactions: ten messages each, ids 1..n without gaps.
    messages = manifest["counts"]["sqlite"]["messages"]
    assert messages >= 40 and messages % 10 == 0
    copy = db.connect(backup_dir / "app.db", readonly=True)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT max(id) FROM messages").fetchone()[0] == messages
    copy.close()
    assert not list(backup_dir.glob("*-wal")), "each store must be one self-contained file"
    # No vector without its message; every message's file is in the backup.
    assert manifest["counts"]["vectors"]["embeddings"] <= messages
    copy = db.connect(backup_dir / "vectors.db", readonly=True)
    assert copy.execute("SELECT max(message_id) FROM embeddings").fetchone()[0] <= messages
    copy.close()
    assert manifest["counts"]["attachments"]["files"] >= messages

    # The live store moved on while we copied; the restore gets exactly the backup.
    live = load_settings({"DATA_DIR": str(data)}, cwd=tmp_path)
    assert bk.sqlite_counts(live.db_path)["messages"] > messages
    restored_dir = tmp_path / "restored"
    result = cli("restore", str(backup_dir), "--json", env={"DATA_DIR": str(restored_dir)})
    assert result.returncode == 0, result.stderr
    restored = load_settings({"DATA_DIR": str(restored_dir)}, cwd=tmp_path)
    for store, path, copy_path in (("sqlite", restored.db_path, backup_dir / "app.db"),
                                   ("vectors", restored.vdb_path, backup_dir / "vectors.db")):
        assert bk.sqlite_counts(path) == manifest["counts"][store]
        for table in manifest["counts"][store]:
            assert table_digest(path, table) == table_digest(copy_path, table), table
        conn = db.connect(path)
        assert db.journal_mode(conn) == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    for entry in manifest["files"]:
        if entry["path"].startswith("attachments/"):
            restored_file = restored.attachments_dir / entry["path"][len("attachments/"):]
            assert bk.sha256_file(restored_file) == entry["sha256"]
    assert_private_tree(restored_dir)
    doctor = json.loads(cli("doctor", "--json", env={"DATA_DIR": str(restored_dir)}).stdout)
    assert doctor["integrity"]["ok"], doctor["integrity"]


@pytest.fixture
def small_store(tmp_path):
    return store_with_one_attachment(tmp_path)


def test_backup_leaves_out_files_nothing_refers_to_and_says_so(small_store, tmp_path):
    (small_store.attachments_dir / "stray.jpg").write_bytes(b"from a rolled-back import")
    manifest = bk.backup(small_store, tmp_path / "bk")
    assert manifest.unreferenced_files == ["stray.jpg"]
    assert manifest.counts["attachments"]["files"] == 1
    assert not (tmp_path / "bk" / "attachments" / "stray.jpg").exists()


def damage(backup_dir: Path, how: str) -> None:
    if how == "flipped byte":
        path = backup_dir / "app.db"
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "missing file":
        next((backup_dir / "attachments").rglob("*.jpg")).unlink()
    elif how == "no manifest":
        (backup_dir / "manifest.json").unlink()
    elif how == "manifest points outside":
        manifest = json.loads((backup_dir / "manifest.json").read_text())
        manifest["files"][0]["path"] = "../../etc/passwd"
        (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    elif how == "garbled manifest":
        (backup_dir / "manifest.json").write_text("{not json")


@pytest.mark.parametrize(("how", "message"), [
    ("flipped byte", "checksum mismatch"),
    ("missing file", "listed in the manifest but missing"),
    ("no manifest", "not a chatbook backup folder"),
    ("manifest points outside", "not a path inside a chatbook backup"),
    ("garbled manifest", "manifest is unreadable"),
])
def test_restore_verifies_the_manifest_before_touching_anything(small_store, tmp_path, how,
                                                                 message):
    bk.backup(small_store, tmp_path / "bk")
    damage(tmp_path / "bk", how)
    target = load_settings({"DATA_DIR": str(tmp_path / "target")}, cwd=tmp_path)
    with pytest.raises(bk.BackupError, match=message):
        bk.restore(target, tmp_path / "bk")
    assert not target.db_path.exists() and not target.attachments_dir.exists()


@pytest.mark.parametrize("occupied", ["app.db", "vectors.db", "attachments"])
def test_restore_refuses_stores_that_hold_data(small_store, tmp_path, occupied):
    bk.backup(small_store, tmp_path / "bk")
    target = load_settings({"DATA_DIR": str(tmp_path / "target")}, cwd=tmp_path)
    migrate_all(target)  # a fresh `chatbook init` counts as empty ...
    if occupied == "app.db":  # ... until it holds a single row
        conn = db.connect(target.db_path)
        conn.execute("INSERT INTO chats(name, created_at) VALUES ('mine', 'now')")
        conn.close()
    elif occupied == "vectors.db":
        conn = db.connect(target.vdb_path)
        conn.execute("INSERT INTO vector_models(model, dim, backend, table_name, created_at)"
                     " VALUES ('m', 4, 'vec', 't', 'now')")
        conn.close()
    else:
        target.attachments_dir.mkdir(parents=True, exist_ok=True)
        (target.attachments_dir / "mine.jpg").write_bytes(b"mine")
    before = {p: p.read_bytes() for p in target.data_dir.rglob("*") if p.is_file()}
    with pytest.raises(bk.BackupError, match="only goes into empty stores.*" + occupied):
        bk.restore(target, tmp_path / "bk")
    after = {p: p.read_bytes() for p in target.data_dir.rglob("*") if p.is_file()
             if not p.name.endswith(("-wal", "-shm"))}
    assert all(before[p] == data for p, data in after.items())


def test_cli_restore_into_a_full_store_is_one_clear_line(small_store, tmp_path, cli):
    bk.backup(small_store, tmp_path / "bk")
    result = cli("restore", str(tmp_path / "bk"))  # the cli fixture's DATA_DIR is small_store's
    assert result.returncode == 1
    assert result.stderr.startswith("chatbook: restore only goes into empty stores")
    assert "Traceback" not in result.stderr


def test_backup_refuses_a_folder_that_holds_files(small_store, tmp_path):
    dest = tmp_path / "bk"
    dest.mkdir()
    (dest / "keep.txt").write_text("precious")
    with pytest.raises(bk.BackupError, match="must be new or empty"):
        bk.backup(small_store, dest)
    assert (dest / "keep.txt").read_text() == "precious"


def test_backup_prunes_vectors_of_messages_it_does_not_hold(small_store, tmp_path):
    """A vector whose message is not in the copy would be pinned to the next imported message."""
    conn = db.connect(small_store.vdb_path)
    conn.execute("INSERT INTO vector_models(model, dim, backend, table_name, created_at)"
                 " VALUES ('m', 4, 'vec', 'absent', 'now')")
    conn.executemany("INSERT INTO embeddings(message_id, model, dim, text_sha1, vector,"
                     " created_at) VALUES (?, 'm', 4, 'x', zeroblob(16), 'now')", [(1,), (2,)])
    conn.close()
    manifest = bk.backup(small_store, tmp_path / "bk")
    assert manifest.counts["vectors"]["embeddings"] == 1
    copy = db.connect(tmp_path / "bk" / "vectors.db", readonly=True)
    assert [r[0] for r in copy.execute("SELECT message_id FROM embeddings")] == [1]
    copy.close()


def seed_media(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for i in range(1, 4):
            attachment = conn.execute(
                "INSERT INTO attachments(message_id, chat, file_name, sha256, size_bytes, path)"
                " VALUES (%s, 'c', %s, %s, 10, %s) RETURNING id",
                (i, f"f{i}.jpg", f"{i:064x}", f"{i:064x}.jpg")).fetchone()[0]
            conn.execute("INSERT INTO extractions(attachment_id, extractor, extractor_version,"
                         " status, ocr_text) VALUES (%s, 'ocr', '1', 'done', 'Bake sale')",
                         (attachment,))


@pytest.fixture(scope="module")
def own_pg():
    cluster = OwnPostgres()
    yield cluster
    cluster.close()


SSL_SECRET = "Vb3Ss1Kk-ssl"


def in_form(url: str, form: str) -> str:
    """The same DSN with its password where `form` puts it (libpq reads all three)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if form == "user info":
        return url
    if form == "query":  # ?password= used to reach pg_dump's command line (issue #12)
        return f"postgresql://{parts.hostname}:{parts.port}{parts.path}?user={parts.username}" \
               f"&password={parts.password}"
    if form == "sslpassword":  # used to reach pg_dump's command line beside the password
        return f"{url}?sslpassword={SSL_SECRET}"
    return (f"host={parts.hostname} port={parts.port} dbname={parts.path.lstrip('/')} "
            f"user={parts.username} password='{parts.password}'")


@pytest.mark.postgres
@pytest.mark.parametrize("form", ["user info", "query", "key=value", "sslpassword"])
def test_postgres_dump_and_restore_with_a_password_never_on_a_command_line(
        own_pg, tmp_path, monkeypatch, capfd, form):
    """The dump goes through pg_dump/pg_restore against a scram-protected cluster: they only
    get in through PGPASSWORD, and the password appears in no argv and no output, wherever
    the DSN puts it."""
    source_url = in_form(own_pg.create_database(f"src_{uuid.uuid4().hex[:8]}"), form)
    target_url = in_form(own_pg.create_database(f"dst_{uuid.uuid4().hex[:8]}"), form)
    env = {"DATA_DIR": str(tmp_path / "data"), "IMAGE_PROCESSING_ENABLED": "true",
           "MEDIA_DB_URL": source_url}
    settings = load_settings(env, cwd=tmp_path)
    migrate_all(settings)
    seed_media(source_url)
    seen: list[list[str]] = []
    real_run = subprocess.run

    def spy(command, *args, **kwargs):
        seen.append(list(command))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(bk.subprocess, "run", spy)
    manifest = bk.backup(settings, tmp_path / "bk")
    assert manifest.postgres and manifest.counts["postgres"]["attachments"] == 3
    assert manifest.counts["postgres"]["extractions"] == 3
    target = load_settings({**env, "DATA_DIR": str(tmp_path / "t"), "MEDIA_DB_URL": target_url},
                           cwd=tmp_path)
    migrate_all(target)  # migrated but empty: restore goes ahead
    result = bk.restore(target, tmp_path / "bk")
    assert result.counts["postgres"] == manifest.counts["postgres"]
    assert [Path(c[0]).name for c in seen] == ["pg_dump", "pg_restore"]
    assert all(PASSWORD not in arg and SSL_SECRET not in arg for command in seen for arg in command)
    text = (tmp_path / "bk" / "manifest.json").read_text() + json.dumps(result.as_dict())
    captured = capfd.readouterr()
    assert PASSWORD not in text + captured.out + captured.err
    assert SSL_SECRET not in text + captured.out + captured.err
    # Restoring the same backup again: Postgres now holds data, so it is refused by name.
    again = load_settings({**env, "DATA_DIR": str(tmp_path / "t2"), "MEDIA_DB_URL": target_url},
                          cwd=tmp_path)
    with pytest.raises(bk.BackupError, match="empty stores") as error:
        bk.restore(again, tmp_path / "bk")
    assert "127.0.0.1" in str(error.value) and "***" in str(error.value)  # named, redacted
    assert PASSWORD not in str(error.value)


SECRET_FORMS = {
    "query": "postgresql://u@127.0.0.1:5/media?password=pw%20one&sslpassword=ssl%20two",
    "user info": "postgresql://u:pw%20one@127.0.0.1:5/media?sslpassword=ssl%20two",
    "key=value": "host=127.0.0.1 port=5 dbname=media user=u password='pw one' "
                 "sslpassword='ssl two'",
}


def spy_pg_tool(monkeypatch, tmp_path, url: str) -> tuple[list[str], dict[str, str], dict]:
    """Run pg_dump through `run_pg_tool` with subprocess.run spied on: its argv, its
    environment, and what its service file held (and how private it was) while it ran."""
    seen: dict = {}

    def spy(command, *args, env, **kwargs):
        seen["argv"], seen["env"] = list(command), dict(env)
        if "PGSERVICEFILE" in env:
            service = Path(env["PGSERVICEFILE"])
            seen["service"] = (service.read_text(), stat.S_IMODE(service.stat().st_mode),
                               stat.S_IMODE(service.parent.stat().st_mode), service)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(bk.subprocess, "run", spy)
    monkeypatch.setattr(bk, "find_pg_tool", lambda name: name)
    monkeypatch.delenv("PGSERVICE", raising=False)
    settings = load_settings({"DATA_DIR": str(tmp_path / "d"), "IMAGE_PROCESSING_ENABLED": "true",
                              "MEDIA_DB_URL": url}, cwd=tmp_path)
    bk.run_pg_tool(settings, ["pg_dump", "--file=x"], "pg_dump")
    return seen["argv"], seen["env"], seen


@pytest.mark.attack("dsn-password-forms")
@pytest.mark.parametrize("form", list(SECRET_FORMS))
def test_no_secret_of_the_dsn_reaches_the_pg_dump_command_line(monkeypatch, tmp_path, form):
    """A DSN with password and sslpassword: neither is on pg_dump's argv (visible in `ps`);
    the password goes as PGPASSWORD, the sslpassword in a 0600 service file in a 0700 folder,
    removed once pg_dump is done (the sslpassword used to stay on the command line)."""
    argv, env, seen = spy_pg_tool(monkeypatch, tmp_path, SECRET_FORMS[form])
    assert not [arg for arg in argv if "pw one" in arg or "ssl two" in arg or "pw%20" in arg
                or "ssl%20" in arg], argv
    assert "host=127.0.0.1" in argv[-1] and "dbname=media" in argv[-1]
    assert env["PGPASSWORD"] == "pw one"
    text, file_mode, folder_mode, service = seen["service"]
    assert text == f"[{bk.SERVICE_NAME}]\nsslpassword=ssl two\n" and env["PGSERVICE"] == bk.SERVICE_NAME
    assert (file_mode, folder_mode) == (0o600, 0o700)
    assert not service.exists() and not service.parent.exists()


def test_a_dsn_without_secrets_goes_to_pg_dump_unchanged(monkeypatch, tmp_path):
    """No secret, no service file; a PGPASSWORD the user set stays (libpq in this process
    reads it too, so pg_dump must see the same)."""
    monkeypatch.setenv("PGPASSWORD", "from-the-user")
    url = "postgresql://u@127.0.0.1:5/media"
    argv, env, seen = spy_pg_tool(monkeypatch, tmp_path, url)
    assert argv[-1] == f"--dbname={url}" and env["PGPASSWORD"] == "from-the-user"
    assert "service" not in seen and "PGSERVICEFILE" not in env


@pytest.mark.parametrize("url", [
    "host=127.0.0.1 dbname=media sslpassword='ends in a space '",
    "postgresql://u@127.0.0.1/media?service=mine&sslpassword=s3cret-x",
])
def test_an_sslpassword_that_cannot_travel_safely_is_refused_in_one_line(monkeypatch, tmp_path, url):
    """Rather than put it on a command line: a value a service file cannot carry, or a DSN
    that names its own service (ours would replace it), is refused, the secret not shown."""
    with pytest.raises(bk.BackupError) as error:
        spy_pg_tool(monkeypatch, tmp_path, url)
    assert "sslpassword" in str(error.value) and "\n" not in str(error.value)
    assert "ends in a space" not in str(error.value) and "s3cret-x" not in str(error.value)


@pytest.mark.postgres
def test_backup_with_postgres_down_is_refused_clearly(tmp_path, small_store):
    settings = small_store.with_overrides(image_processing_enabled=True,
                                          media_db_url="postgresql://u:pw-x9@127.0.0.1:1/none")
    with pytest.raises(bk.BackupError, match="unreachable") as error:
        bk.backup(settings, tmp_path / "bk")
    assert "pw-x9" not in str(error.value)
    assert not (tmp_path / "bk").exists()


ZIPS, PER_ZIP = 8, 5000


@pytest.mark.postgres
def test_backup_while_a_media_import_runs_restores_consistent_stores(tmp_path, pg_url, cli):
    """The real `chatbook ingest` (zips with photos, media on) writes while the backup runs.
    After restoring into empty stores and draining the outbox, every message with a photo has
    its Postgres row and its file, once; counts match the manifest."""
    import psycopg

    from toolkit.ingest import attachments
    from toolkit.ops.doctor import check_cross_store
    from toolkit.store import outbox

    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": pg_url}
    assert cli("init", env=env).returncode == 0
    for n in range(ZIPS):
        write_zip_with_media(tmp_path / "in", f"Club {n}", PER_ZIP, 3, seed=n)
    data = tmp_path / "data"
    importer = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "ingest", str(tmp_path / "in")],
        env={**os.environ, "DATA_DIR": str(data), **env}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        wait_for_rows(data / "app.db", 1)
        # In this process: a CLI start-up would let a fast import finish first.
        manifest = bk.backup(load_settings({"DATA_DIR": str(data), **env}, cwd=tmp_path),
                             tmp_path / "bk").as_dict()
    finally:
        _, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    assert manifest["postgres"] is True
    taken = manifest["counts"]["sqlite"]["messages"]
    assert 0 < taken < ZIPS * (PER_ZIP + 3), "the backup must have been taken while the import ran"

    target_url = pg_url.rsplit("/", 1)[0] + f"/chatbook_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(pg_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{target_url.rsplit("/", 1)[1]}"')
    admin.close()
    try:
        target_env = {"DATA_DIR": str(tmp_path / "restored"), "IMAGE_PROCESSING_ENABLED": "true",
                      "MEDIA_DB_URL": target_url}
        result = cli("restore", str(tmp_path / "bk"), "--json", env=target_env)
        assert result.returncode == 0, result.stderr
        restored = load_settings(target_env, cwd=tmp_path)
        assert bk.sqlite_counts(restored.db_path) == manifest["counts"]["sqlite"]
        assert bk.postgres_counts(restored)["attachments"] == \
            manifest["counts"]["postgres"]["attachments"]
        conn = db.connect(restored.db_path)
        outbox.drain(restored, conn, attachments.OUTBOX_HANDLERS)
        with_photo = conn.execute(
            "SELECT count(*) FROM messages WHERE attachment_sha256 IS NOT NULL").fetchone()[0]
        conn.close()
        assert bk.postgres_counts(restored)["attachments"] == with_photo
        report = check_cross_store(restored)
        assert report["ok"], report
    finally:
        from toolkit.store import pg

        pg.close_pools()
        admin = psycopg.connect(pg_url, autocommit=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{target_url.rsplit("/", 1)[1]}" WITH (FORCE)')
        admin.close()


def test_backup_before_anything_was_embedded(tmp_path, cli):
    """`chatbook ingest` alone makes no vector store: the backup still has one to restore."""
    from reliability_data import write_export

    write_export(tmp_path / "in", "Club", 20, seed=1)
    assert cli("ingest", str(tmp_path / "in")).returncode == 0
    result = cli("backup", str(tmp_path / "bk"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["sqlite"]["messages"] == 20
    restored = cli("restore", str(tmp_path / "bk"), env={"DATA_DIR": str(tmp_path / "r")})
    assert restored.returncode == 0, restored.stderr


def test_backup_without_any_store_says_what_to_run(tmp_path, cli):
    result = cli("backup", str(tmp_path / "bk"))
    assert result.returncode == 1
    assert "run `chatbook init` first" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "bk").exists()
