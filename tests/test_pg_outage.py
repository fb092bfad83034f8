"""Postgres outage with media processing on, against a Postgres cluster the test owns.

The test stops its own server in the middle of an import: core ingestion and text extraction
go on; the media rows wait in the outbox; `cross_store_write_failures` rises and `chatbook
doctor` shows it (with the DSN password redacted); after a restart the outbox drains, and
every attachment row is written exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from toolkit.store import db

sys.path.insert(0, str(Path(__file__).parent))
from own_postgres import PASSWORD, OwnPostgres  # noqa: E402
from reliability_data import write_zip_with_media  # noqa: E402

PHOTOS = 2
LATE_ZIPS = 3


@pytest.fixture
def cluster():
    own = OwnPostgres()
    yield own
    own.close()


def chatbook(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "toolkit", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)
    assert PASSWORD not in done.stdout + done.stderr, "the DSN password leaked into output"
    if check:
        assert done.returncode == 0, done.stderr
    return done


def pg_count(url: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(url, connect_timeout=3) as conn:
        return int(conn.execute(sql).fetchone()[0])


def app_scalar(path: Path, sql: str) -> int:
    conn = db.connect(path, readonly=True)
    try:
        return int(conn.execute(sql).fetchone()[0] or 0)
    finally:
        conn.close()


@pytest.mark.postgres
def test_postgres_stops_mid_run_and_the_outbox_drains_once_after(cluster, tmp_path):
    url = cluster.create_database(f"media_{uuid.uuid4().hex[:8]}")
    data = tmp_path / "data"
    env = {"DATA_DIR": str(data), "IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": url,
           "OMP_NUM_THREADS": "1", "CHATBOOK_TZ": "Europe/London"}
    app = data / "app.db"
    chatbook("init", env=env)
    write_zip_with_media(tmp_path / "early", "Early", 50, PHOTOS, seed=1)
    chatbook("ingest", str(tmp_path / "early"), env=env)
    assert pg_count(url, "SELECT count(*) FROM attachments") == PHOTOS

    # A long import; Postgres goes away once its first file is in.
    for n in range(LATE_ZIPS):
        write_zip_with_media(tmp_path / "late", f"Late {n}", 2000, PHOTOS, seed=10 + n)
    importer = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "ingest", str(tmp_path / "late"), "--json"],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    before = app_scalar(app, "SELECT count(*) FROM messages")
    while app_scalar(app, "SELECT count(*) FROM messages") == before:
        assert importer.poll() is None, importer.communicate()[1]
        time.sleep(0.01)
    cluster.stop()
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    assert importer.poll() == 0 and PASSWORD not in out + err
    summary = json.loads(out)
    assert summary["failed"] == 0 and summary["added"] == LATE_ZIPS * (2000 + PHOTOS)
    waiting = LATE_ZIPS * PHOTOS
    assert summary["outbox"]["pending"] == waiting
    assert app_scalar(app, "SELECT count(*) FROM outbox WHERE done_at IS NULL") == waiting
    failures = app_scalar(app, "SELECT value FROM counters WHERE name = 'cross_store_write_failures'")
    assert failures >= 1

    # Text extraction goes on without Postgres; the images wait.
    extracted = json.loads(chatbook("extract", "--json", env=env).stdout)
    assert extracted["proposals_created"] > 0 and extracted["images_processed"] == 0
    assert app_scalar(app, "SELECT count(*) FROM proposals") == extracted["proposals_created"]
    assert app_scalar(app, "SELECT value FROM counters WHERE name = 'cross_store_write_failures'") \
        > failures

    # doctor shows the outage, the backlog and the counter, and exits non-zero.
    doctor = chatbook("doctor", "--json", env=env, check=False)
    assert doctor.returncode == 1
    report = json.loads(doctor.stdout)
    assert report["stores"]["postgres"]["reachable"] is False
    assert "***" in report["stores"]["postgres"]["dsn"]
    assert report["operations"]["outbox_pending"] == waiting
    assert report["operations"]["cross_store_write_failures"] > failures
    human = chatbook("doctor", env=env, check=False).stdout
    assert f"{waiting} pending" in human and "cross_store_write_failures" in human

    # Postgres is back: the next run drains the outbox, exactly once.
    cluster.start()
    chatbook("extract", "--json", env=env)
    total = PHOTOS * (1 + LATE_ZIPS)
    assert pg_count(url, "SELECT count(*) FROM attachments") == total
    assert pg_count(url, "SELECT count(DISTINCT (message_id, sha256)) FROM attachments") == total
    assert app_scalar(app, "SELECT count(*) FROM outbox WHERE done_at IS NULL") == 0
    assert pg_count(url, "SELECT count(*) FROM extractions") == total
    chatbook("ingest", str(tmp_path / "late"), env=env)  # re-import and drain again: no change
    assert pg_count(url, "SELECT count(*) FROM attachments") == total
    report = json.loads(chatbook("doctor", "--json", env=env).stdout)
    assert report["ok"] and report["integrity"]["ok"], report["integrity"]
