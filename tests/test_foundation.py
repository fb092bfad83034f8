"""Config, SQLite store, migrations (both stores), doctor and the CLI skeleton."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from toolkit.config import load_settings, redact_text, redact_url
from toolkit.errors import ConfigError, MigrationError
from toolkit.store import db, migrate
from toolkit.store.connect import migrate_all, open_db


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("IMAGE_PROCESSING_ENABLED", "maybe", "IMAGE_PROCESSING_ENABLED: expected true or false"),
        ("DB_URL", "postgres://x/y", "DB_URL: expected a SQLite URL"),
        ("VDB_URL", "sqlite:///", "VDB_URL: the URL 'sqlite:///' names no database file"),
        ("DB_URL", "sqlite:///:memory:", "DB_URL: an in-memory database"),
        ("VECTOR_BACKEND", "faiss", "VECTOR_BACKEND: expected one of vec, vss"),
        ("CHATBOOK_TZ", "Mars/Base", "CHATBOOK_TZ: unknown time zone"),
    ],
)
def test_bad_config_value_is_one_clear_line(tmp_path, cli, name, value, fragment):
    result = cli("doctor", env={name: value})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"chatbook: {result.stderr.strip()[10:]}"]
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_media_url_is_redacted(tmp_path):
    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": "mysql://u:hunter2@h/db",
           "DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigError) as error:
        load_settings(env, cwd=tmp_path)
    assert "MEDIA_DB_URL" in str(error.value)
    assert "hunter2" not in str(error.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("host=h user=u password=secret dbname=x", "host=h user=u password=*** dbname=x"),
    ],
)
def test_redact_url(url, expected):
    assert redact_url(url) == expected
    assert "secret" not in redact_text(f"failed: {url}")


def test_defaults_live_under_data(tmp_path):
    settings = load_settings({}, cwd=tmp_path)
    assert settings.db_path == tmp_path / "data" / "app.db"
    assert settings.vdb_path == tmp_path / "data" / "vectors.db"
    assert settings.attachments_dir == tmp_path / "data" / "attachments"
    assert settings.image_processing_enabled is False


def test_dotenv_is_read_and_environment_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("CHATBOOK_TZ=Europe/Madrid\nEMBED_MODEL=from-dotenv\n")
    monkeypatch.setenv("EMBED_MODEL", "from-environment")
    settings = load_settings(cwd=tmp_path)
    assert settings.default_tz == "Europe/Madrid"
    assert settings.embed_model == "from-environment"


def test_sqlite_store_settings(settings, db_conn):
    assert db.journal_mode(db_conn) == "wal"
    assert db_conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db_conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db_conn.execute("PRAGMA busy_timeout").fetchone()[0] == db.BUSY_TIMEOUT_MS
    assert stat.S_IMODE(settings.db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.db_path.parent.stat().st_mode) == 0o700
    tables = {r[0] for r in db_conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in ("chats", "messages", "messages_fts", "proposals", "events", "agent_messages",
                  "etl_cursors", "pipeline_runs", "counters", "outbox", "schema_migrations"):
        assert table in tables


def test_fts_follows_messages(db_conn):
    with db.transaction(db_conn):
        db_conn.execute("INSERT INTO chats(name, created_at) VALUES ('c', 'now')")
        db_conn.execute(
            "INSERT INTO messages(chat_id, sent_at, author, text, kind, source_file, source_line,"
            " content_key, ingested_at) VALUES (1, '2024-01-01T10:00:00', 'a',"
            " 'Dentist appointment on Friday', 'text', 'f', 1, 'k1', 'now')"
        )
    hits = db_conn.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'dentist'")
    assert [r[0] for r in hits] == [1]


def test_migrations_apply_then_reapply_is_noop(tmp_path):
    conn = db.connect(tmp_path / "m.db")
    first = migrate.migrate_sqlite(conn, "sqlite")
    assert first[0] == "0001_core.sql"
    assert first == [m.filename for m in migrate.load_migrations("sqlite")]
    assert migrate.migrate_sqlite(conn, "sqlite") == []
    assert migrate.sqlite_status(conn, "sqlite").current


def write_migrations(folder: Path, body: str) -> list[migrate.Migration]:
    folder.mkdir(exist_ok=True)
    (folder / "0001_first.sql").write_text(body)
    (folder / "0002_second.sql").write_text("CREATE TABLE second (id INTEGER PRIMARY KEY);\n")
    return migrate.load_migrations("sqlite", folder)


def test_a_gap_in_migration_numbers_is_an_error_naming_the_missing_one(tmp_path):
    folder = tmp_path / "mig"
    write_migrations(folder, "CREATE TABLE t (a);")
    (folder / "0002_second.sql").rename(folder / "0003_second.sql")
    with pytest.raises(MigrationError, match="migration 0002 is missing"):
        migrate.load_migrations("sqlite", folder)


def test_the_primary_stores_skipped_0002_stays_skipped(tmp_path):
    """Stores have recorded 1, 3, 4 since the start: the shipped hole loads, a new 0002 does not."""
    assert [m.version for m in migrate.load_migrations("sqlite")][:3] == [1, 3, 4]
    conn = db.connect(tmp_path / "m.db")
    migrate.migrate_sqlite(conn, "sqlite")
    assert sorted(migrate.sqlite_applied(conn))[:3] == [1, 3, 4]
    with pytest.raises(MigrationError, match="version 0002 is never used"):
        migrate.check_numbering(tmp_path, [1, 2, 3, 4], migrate.NEVER_USED["sqlite"])


def test_edited_applied_migration_is_an_error_naming_the_file(tmp_path):
    conn = db.connect(tmp_path / "m.db")
    migrate.migrate_sqlite(conn, "sqlite", write_migrations(tmp_path / "mig", "CREATE TABLE t (a);"))
    edited = write_migrations(tmp_path / "mig", "CREATE TABLE t (a, b);")
    status = migrate.sqlite_status(conn, "sqlite", edited)
    assert status.edited == ["0001_first.sql"] and not status.current
    with pytest.raises(MigrationError, match="0001_first.sql"):
        migrate.migrate_sqlite(conn, "sqlite", edited)


def test_failing_migration_leaves_nothing_half_applied(tmp_path):
    conn = db.connect(tmp_path / "m.db")
    files = write_migrations(tmp_path / "mig", "CREATE TABLE t (a);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(MigrationError, match="0001_first.sql"):
        migrate.migrate_sqlite(conn, "sqlite", files)
    assert not db.table_exists(conn, "t")
    assert migrate.sqlite_applied(conn) == {}


def _migrate_in_child(path: str, folder: str, queue) -> None:
    conn = db.connect(Path(path))
    files = migrate.load_migrations("sqlite", Path(folder))
    queue.put(migrate.migrate_sqlite(conn, "sqlite", files))


def test_two_runners_never_apply_the_same_file_twice(tmp_path):
    slow = (
        "CREATE TABLE t (a);\n"
        "INSERT INTO t WITH RECURSIVE n(i) AS\n"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT i FROM n;\n"
    )
    folder = tmp_path / "mig"
    write_migrations(folder, slow)
    queue = multiprocessing.get_context("spawn").Queue()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_migrate_in_child, args=(str(tmp_path / "m.db"), str(folder), queue))
             for _ in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    applied = sorted(queue.get(timeout=5) + queue.get(timeout=5))
    assert applied == ["0001_first.sql", "0002_second.sql"]  # each applied exactly once
    conn = db.connect(tmp_path / "m.db")
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 300000


@pytest.mark.postgres
def test_postgres_migrations_apply_reapply_and_status(media_settings):
    result = migrate_all(media_settings)
    assert result.applied["postgres"] == [m.filename for m in migrate.load_migrations("postgres")]
    assert result.ok
    again = migrate_all(media_settings)
    assert again.applied["postgres"] == [] and again.status["postgres"]["current"]


def _pg_migrate_in_child(url: str, queue) -> None:
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    queue.put(migrate.migrate_postgres(conn))


@pytest.mark.postgres
def test_postgres_runners_are_serialised_by_advisory_lock(pg_url):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_pg_migrate_in_child, args=(pg_url, queue)) for _ in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    applied = sorted(sum((queue.get(timeout=5) for _ in procs), []))
    assert applied == [m.filename for m in migrate.load_migrations("postgres")]  # each once


def test_doctor_reports_wal_and_current_migrations(cli):
    assert cli("init").returncode == 0
    report = json.loads(cli("doctor", "--json").stdout)
    for store in ("sqlite", "vectors"):
        assert report["stores"][store]["journal_mode"] == "wal"
        assert report["stores"][store]["migrations"]["current"] is True
    assert report["stores"]["postgres"]["enabled"] is False
    assert report["ok"] is True


@pytest.mark.postgres
def test_doctor_reports_postgres_migrated_when_media_enabled(cli, pg_url):
    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": pg_url}
    assert cli("init", env=env).returncode == 0
    report = json.loads(cli("doctor", "--json", env=env).stdout)
    assert report["stores"]["postgres"]["reachable"] is True
    assert report["stores"]["postgres"]["migrations"]["current"] is True


def test_media_disabled_never_touches_postgres(cli):
    """Postgres 'down' (an address nothing listens on) changes nothing while media is off."""
    env = {"MEDIA_DB_URL": "postgresql://nobody:pw@127.0.0.1:1/none"}
    assert cli("init", env=env).returncode == 0
    result = cli("doctor", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert "psycopg" not in result.stderr
    code = ("import sys, toolkit.cli as c; sys.argv=['chatbook','doctor'];\n"
            "try: c.main()\nexcept SystemExit: pass\nprint('psycopg' in sys.modules)")
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **env, "DATA_DIR": str(Path(report_dir(cli)))})
    assert out.stdout.strip().splitlines()[-1] == "False"


def report_dir(cli) -> str:
    return json.loads(cli("doctor", "--json").stdout)["settings"]["data_dir"]


def test_media_enabled_postgres_down_core_still_works(cli):
    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": "postgresql://u:pw@127.0.0.1:1/x"}
    result = cli("init", env=env)
    assert result.returncode == 0
    assert result.stderr.count("media work is waiting") == 1
    assert "pw@" not in result.stderr + result.stdout
    report = json.loads(cli("doctor", "--json", env=env).stdout)
    assert report["stores"]["sqlite"]["ok"] and report["stores"]["postgres"]["reachable"] is False


def test_open_db_creates_and_migrates(settings):
    conn = open_db(settings)
    assert migrate.sqlite_status(conn, "sqlite").current


def _connect_in_child(path: str, queue) -> None:
    conn = db.connect(Path(path))
    queue.put(db.journal_mode(conn))


def test_connect_waits_to_switch_a_busy_new_file_to_wal(tmp_path):
    """Switching to WAL needs an exclusive lock that SQLite does not wait for on its own."""
    import sqlean

    path = tmp_path / "busy.db"
    holder = sqlean.connect(str(path), isolation_level=None)
    holder.execute("CREATE TABLE t (a)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_connect_in_child, args=(str(path), queue))
    child.start()
    import time

    time.sleep(1.0)  # the child is now trying while we hold the write lock
    holder.execute("COMMIT")
    holder.close()
    child.join(60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == "wal"
