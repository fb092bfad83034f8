"""Crash safety: `chatbook ingest`, `embed` and `extract` killed with SIGKILL at random points.

Each seed kills the real command (a child process, as cron would run it) at random moments,
restarts it until it completes, and then checks what the issue promises: every message exactly
once, every eligible message one embedding, cursors that agree with the data, proposals
identical to an uninterrupted run, and `PRAGMA integrity_check` ok on both SQLite files.

Kill points are drawn from the stage's own progress, not from the clock alone, so a busy
machine does not turn a mid-run kill into a kill before start-up.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit.config import load_settings
from toolkit.store import db

sys.path.insert(0, str(Path(__file__).parent))
from reliability_data import write_export, write_zip_with_media  # noqa: E402

# Each test kills and restarts real CLI processes many times: a minute in all, not the fast lane.
pytestmark = pytest.mark.slow

SEEDS = [11, 23, 37]
INGEST_FILES, INGEST_PER_FILE = 6, 2000


def stage_env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "DATA_DIR": str(data_dir), "OMP_NUM_THREADS": "1",
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def start(args: list[str], data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "toolkit", *args], env=stage_env(data_dir),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_at(process: subprocess.Popen[bytes], when: Callable[[], bool],
            timeout: float = 240) -> bool:
    """SIGKILL the process as soon as `when()` is true; False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if when():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return process.returncode == -signal.SIGKILL
        time.sleep(0.002)
    process.kill()
    raise AssertionError("the stage neither ended nor reached the kill point")


def run_to_end(args: list[str], data_dir: Path) -> None:
    process = start(args, data_dir)
    _, err = process.communicate(timeout=400)
    assert process.returncode == 0, err.decode()


def scalar(path: Path, sql: str, params: tuple = ()) -> int:
    conn = db.connect(path, readonly=True)
    try:
        return int(conn.execute(sql, params).fetchone()[0] or 0)
    except db.OperationalError:  # not created yet by the stage we are watching
        return 0
    finally:
        conn.close()


def progress_past(path: Path, sql: str, target: int, extra_s: float) -> Callable[[], bool]:
    """True `extra_s` seconds after `sql` first returns more than `target`."""
    seen: list[float] = []

    def check() -> bool:
        if not seen and scalar(path, sql) > target:
            seen.append(time.monotonic())
        return bool(seen) and time.monotonic() >= seen[0] + extra_s
    return check


def assert_intact(data_dir: Path) -> None:
    for name in ("app.db", "vectors.db"):
        conn = db.connect(data_dir / name)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", name
        finally:
            conn.close()


def assert_ingest_cursors_agree(app: Path) -> None:
    conn = db.connect(app, readonly=True)
    try:
        for chat_id, top in conn.execute("SELECT chat_id, max(id) FROM messages GROUP BY chat_id"):
            cursor = db.get_cursor(conn, f"ingest:chat:{chat_id}")
            assert cursor == top, f"chat {chat_id}: cursor {cursor}, newest message {top}"
    finally:
        conn.close()


# ------------------------------------------------------------------------------ ingest


@pytest.fixture(scope="module")
def ingest_inbox(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inbox")
    for n in range(INGEST_FILES):
        write_export(inbox, f"Club {n}", INGEST_PER_FILE, seed=n)
    return inbox


@pytest.mark.parametrize("seed", SEEDS)
def test_ingest_killed_at_random_points(tmp_path, ingest_inbox, seed):
    rng = random.Random(seed)
    data = tmp_path / "data"
    run_to_end(["init"], data)
    app = data / "app.db"
    kills = 0
    for _ in range(2):
        done = scalar(app, "SELECT count(*) FROM messages")
        # Once one or two more files have committed, kill a moment later: the import is then
        # inside the next file however fast the machine is (a clock-only delay was not).
        files_more = rng.randint(1, 2)
        when = progress_past(app, "SELECT count(*) FROM messages",
                             done + (files_more - 1) * INGEST_PER_FILE, rng.uniform(0, 0.01))
        kills += kill_at(start(["ingest", str(ingest_inbox)], data), when)
        assert_intact(data)
        partial = scalar(app, "SELECT count(*) FROM messages")
        assert partial % INGEST_PER_FILE == 0, "a killed import left half a file behind"
        assert_ingest_cursors_agree(app)
    assert kills >= 1, "no kill landed inside the import; the test proved nothing"
    run_to_end(["ingest", str(ingest_inbox)], data)
    total = INGEST_FILES * INGEST_PER_FILE
    assert scalar(app, "SELECT count(*) FROM messages") == total
    assert scalar(app, "SELECT count(DISTINCT content_key) FROM messages") == total
    assert scalar(app, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'oranges'") == \
        scalar(app, "SELECT count(*) FROM messages WHERE text LIKE '%oranges%'")
    assert_ingest_cursors_agree(app)
    assert_intact(data)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_ingest_of_zips_with_photos_killed_leaves_only_what_doctor_repairs(tmp_path, seed):
    """Photos are copied before their rows commit: a kill can leave a copied file (or a
    half-written temp file) nothing refers to. After the restart every photo message has its
    file, and `doctor --repair` quarantines the leftovers, leaving the stores consistent."""
    from toolkit.ops import doctor

    rng = random.Random(seed)
    data = tmp_path / "data"
    run_to_end(["init"], data)
    for n in range(6):
        write_zip_with_media(tmp_path / "in", f"Team {n}", 2500, 6, seed=seed * 10 + n)
    app = data / "app.db"
    when = progress_past(app, "SELECT count(*) FROM messages", 0, rng.uniform(0, 0.2))
    assert kill_at(start(["ingest", str(tmp_path / "in")], data), when), "the kill came too late"
    assert_intact(data)
    run_to_end(["ingest", str(tmp_path / "in")], data)
    settings = load_settings({"DATA_DIR": str(data)}, cwd=tmp_path)
    assert scalar(app, "SELECT count(*) FROM messages") == 6 * 2506
    assert scalar(app, "SELECT count(DISTINCT attachment_sha256) FROM messages") == 6 * 6
    found = doctor.check_cross_store(settings)["findings"]
    assert found["messages_without_files"]["count"] == 0
    doctor.repair(settings, min_file_age_s=0)
    assert doctor.check_cross_store(settings)["ok"]
    assert_ingest_cursors_agree(app)


BIG_EXPORT = 60_000  # six write batches of 10,000


def content(app: Path) -> list[tuple]:
    conn = db.connect(app, readonly=True)
    try:
        return sorted(tuple(r) for r in conn.execute(
            "SELECT sent_at, sent_at_utc, author, author_key, text, kind, source_line "
            "FROM messages"))
    finally:
        conn.close()


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_a_big_export_killed_between_its_batches_resumes_exactly_once(tmp_path, seed):
    """One export is written in batches of 10,000, each committed: a kill leaves whole
    batches, and importing the file again adds exactly the rest. The store then holds what an
    uninterrupted import holds, and the FTS index and the chat's cursor agree with it."""
    from toolkit.ingest.importer import BATCH

    rng = random.Random(seed)
    export = write_export(tmp_path / "in", "Big", BIG_EXPORT, seed=seed)
    reference = tmp_path / "reference"
    run_to_end(["ingest", str(export)], reference)
    data = tmp_path / "data"
    run_to_end(["init"], data)
    app = data / "app.db"
    when = progress_past(app, "SELECT count(*) FROM messages", BATCH * rng.randint(1, 5) - 1,
                         rng.uniform(0, 0.05))
    assert kill_at(start(["ingest", str(export)], data), when), "the kill came too late"
    partial = scalar(app, "SELECT count(*) FROM messages")
    assert 0 < partial < BIG_EXPORT and partial % BATCH == 0, partial
    assert_intact(data)
    assert_ingest_cursors_agree(app)
    run_to_end(["ingest", str(export)], data)
    assert scalar(app, "SELECT count(*) FROM messages") == BIG_EXPORT
    assert content(app) == content(reference / "app.db")
    assert scalar(app, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'oranges'") == \
        scalar(app, "SELECT count(*) FROM messages WHERE text LIKE '%oranges%'")
    assert scalar(app, "SELECT value FROM counters WHERE name = 'messages_ingested'") == BIG_EXPORT
    assert_ingest_cursors_agree(app)
    assert_intact(data)


# ------------------------------------------------------------------------------ embed


def eligible_ids(app: Path) -> set[int]:
    from toolkit.search.embed import meaningful_text

    conn = db.connect(app, readonly=True)
    try:
        return {int(r["id"]) for r in conn.execute("SELECT id, kind, text FROM messages")
                if meaningful_text(r["kind"], r["text"])}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def embed_store(tmp_path_factory):
    """6,000 messages over few distinct texts: two write chunks, little model time."""
    root = tmp_path_factory.mktemp("embed")
    data = root / "data"
    run_to_end(["init"], data)
    write_export(root / "in", "Team", 6000, seed=5, unique=False)
    run_to_end(["ingest", str(root / "in")], data)
    return data


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_embed_killed_then_restarted(tmp_path, embed_store, seed):
    data = tmp_path / "data"
    shutil.copytree(embed_store, data)
    rng = random.Random(seed)
    vectors = data / "vectors.db"
    # Kill right around the first chunk's commits: its vectors land in vectors.db, then the
    # cursor in app.db, two stores, two transactions; the gap between them is the risk.
    when = progress_past(vectors, "SELECT count(*) FROM embeddings", 0, rng.uniform(0, 0.05))
    assert kill_at(start(["embed"], data), when), "embed finished before the kill point"
    assert_intact(data)
    run_to_end(["embed"], data)
    settings = load_settings({"DATA_DIR": str(data)}, cwd=tmp_path)
    conn = db.connect(vectors, readonly=True)
    ids = [int(r[0]) for r in conn.execute(
        "SELECT message_id FROM embeddings WHERE model = ?", (settings.embed_model,))]
    conn.close()
    assert len(ids) == len(set(ids)), "a message embedded twice"
    assert set(ids) == eligible_ids(data / "app.db")
    top = scalar(data / "app.db", "SELECT max(id) FROM messages")
    assert scalar(data / "app.db", "SELECT value FROM etl_cursors WHERE name = ?",
                  (f"embed:{settings.embed_model}",)) == top
    assert_intact(data)


# ------------------------------------------------------------------------------ extract


def proposal_state(app: Path) -> tuple[list[tuple], int]:
    conn = db.connect(app, readonly=True)
    try:
        props = sorted(tuple(r) for r in conn.execute(
            "SELECT title, start, end, all_day, location, status FROM proposals"))
        sources = int(conn.execute("SELECT count(*) FROM proposal_sources").fetchone()[0])
        return props, sources
    finally:
        conn.close()


@pytest.fixture(scope="module")
def extract_reference(tmp_path_factory):
    """An ingested store, and the proposals an uninterrupted `chatbook extract` makes of it."""
    root = tmp_path_factory.mktemp("extract")
    base = root / "base"
    run_to_end(["init"], base)
    for n in range(2):
        write_export(root / "in", f"Parents {n}", 700, seed=40 + n)
    run_to_end(["ingest", str(root / "in")], base)
    reference = root / "reference"
    shutil.copytree(base, reference)
    run_to_end(["extract"], reference)
    return base, proposal_state(reference / "app.db")


@pytest.mark.parametrize("seed", SEEDS)
def test_extract_killed_at_random_points(tmp_path, extract_reference, seed):
    base, (want_props, want_sources) = extract_reference
    assert want_props, "the reference run found no events; the data is wrong"
    data = tmp_path / "data"
    shutil.copytree(base, data)
    rng = random.Random(seed)
    app = data / "app.db"
    cursor_sql = "SELECT coalesce(max(value), 0) FROM etl_cursors WHERE name = 'extract:text'"
    kills = 0
    for _ in range(2):
        done = scalar(app, cursor_sql)
        # A batch of 500 takes a fraction of a second on an idle machine: kill within it.
        when = progress_past(app, cursor_sql, done, rng.uniform(0, 0.05))
        kills += kill_at(start(["extract"], data), when)
        assert_intact(data)
    assert kills >= 1, "no kill landed inside extraction"
    run_to_end(["extract"], data)
    assert proposal_state(app) == (want_props, want_sources)
    top = scalar(app, "SELECT max(id) FROM messages")
    assert scalar(app, cursor_sql) == top
    assert_intact(data)
