"""A pipeline writing, a reviewer deciding and a notebook reading, at once, in separate processes.

The writer is a real pipeline run (`chatbook run 01_ingest`: one transaction per export file); the reviewer
saves decisions with `toolkit.review.proposals.accept` / `reject`, as the review widget does; the
reader runs what the notebooks run (DuckDB over the SQLite files, keyword search, the review
queue). No process may see "database is locked", and every decision must be in the store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.errors import ConflictError
from toolkit.eventtypes import FoundEvent
from toolkit.review import proposals
from toolkit.store import db
from toolkit.store.connect import open_db

sys.path.insert(0, str(Path(__file__).parent))
from reliability_data import write_export  # noqa: E402

PROPOSALS = 40
FILES, PER_FILE = 16, 3000  # one write transaction per file: the reviewer squeezes in between

REVIEWER = r"""
import json, sys, time
from pathlib import Path
from toolkit.review import proposals
from toolkit.config import load_settings
from toolkit.store.connect import open_db

go, log = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
conn = open_db(load_settings())
ids = [r[0] for r in conn.execute("SELECT id FROM proposals WHERE status = 'pending' ORDER BY id")]
with log.open("a") as out:
    for n, pid in enumerate(ids):
        began = time.time()
        version = conn.execute("SELECT version FROM proposals WHERE id = ?", (pid,)).fetchone()[0]
        if n % 3 == 2:
            proposals.reject(conn, pid, reviewer="rev", expected_version=version, reason="dup")
            out.write(json.dumps({"id": pid, "action": "reject", "began": began,
                                  "at": time.time()}) + "\n")
        else:
            changes = {"title": f"Edited 'title' \"{n}\"; DROP TABLE events;--"} if n % 3 == 1 else None
            event = proposals.accept(conn, pid, reviewer="rev", expected_version=version,
                                     changes=changes)
            out.write(json.dumps({"id": pid, "action": "accept", "event": event, "began": began,
                                  "at": time.time(),
                                  "title": (changes or {}).get("title")}) + "\n")
        out.flush()
        time.sleep(0.03)
"""

READER = r"""
import sys, time
from pathlib import Path
from toolkit.ops import explore
from toolkit.review import proposals
from toolkit.search import query as search
from toolkit.config import load_settings
from toolkit.store.connect import open_db

go, stop = Path(sys.argv[1]), Path(sys.argv[2])
settings = load_settings()
while not go.exists():
    time.sleep(0.01)
rounds = 0
while not stop.exists() or rounds < 3:
    con = explore.connect(settings, media=False)
    explore.overview(con); explore.messages_per_author(con); explore.events_timeline(con)
    con.close()
    search.search_messages(settings, "practice Saturday", mode="keyword", k=5)
    conn = open_db(settings)
    proposals.list_proposals(conn, status="pending")
    conn.close()
    rounds += 1
print(rounds)
"""


@pytest.fixture
def store_with_proposals(settings, tmp_path, cli):
    assert cli("init").returncode == 0
    write_export(tmp_path / "first", "Club", 300, seed=0)
    assert cli("ingest", str(tmp_path / "first")).returncode == 0
    conn = open_db(settings)
    ids = [r[0] for r in conn.execute("SELECT id FROM messages ORDER BY id LIMIT ?", (PROPOSALS,))]
    with db.transaction(conn):
        for n, message_id in enumerate(ids):
            found = FoundEvent(title=f"Match {n}", start=f"2024-10-{1 + n % 28:02d}T10:00:00+01:00",
                               end=None, all_day=False, location="Riverside", confidence=0.9)
            proposals.record_event(conn, found, message_id=message_id, tz="Europe/London")
    assert conn.execute("SELECT count(*) FROM proposals").fetchone()[0] == PROPOSALS
    conn.close()
    return settings


def spawn(code: str, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_writing(path: Path, writer: subprocess.Popen[str]) -> None:
    """Let the others go only once the import has committed its first file."""
    conn = db.connect(path, readonly=True)
    try:
        while conn.execute("SELECT count(*) FROM messages").fetchone()[0] <= 300:
            assert writer.poll() is None, "the import ended before it wrote anything"
            time.sleep(0.02)
    finally:
        conn.close()


@pytest.mark.kernel
def test_writer_reviewer_and_reader_in_parallel(store_with_proposals, tmp_path, data_dir):
    settings = store_with_proposals
    inbox = tmp_path / "inbox"
    for seed in range(1, FILES + 1):
        write_export(inbox, f"Group {seed}", PER_FILE, seed=seed)
    env = {"DATA_DIR": str(data_dir), "OMP_NUM_THREADS": "1"}
    go, stop, log = tmp_path / "go", tmp_path / "stop", tmp_path / "decisions.jsonl"
    reviewer = spawn(REVIEWER, str(go), str(log), env=env)
    reader = spawn(READER, str(go), str(stop), env=env)
    # The writer is a pipeline run: papermill executes the ingest notebook in a kernel.
    writer = subprocess.Popen([sys.executable, "-m", "toolkit", "run", "01_ingest", "-p",
                               "source", str(inbox)],
                              env={**os.environ, **env}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    wait_until_writing(settings.db_path, writer)
    go.touch()
    try:
        _, w_err = writer.communicate(timeout=300)
        writer_done = time.time()
    finally:
        stop.touch()
    r_out, r_err = reviewer.communicate(timeout=120)
    q_out, q_err = reader.communicate(timeout=120)
    everything = w_err + r_err + q_err
    assert "locked" not in everything.lower() and "busy" not in everything.lower(), everything
    assert writer.returncode == 0, w_err
    assert reviewer.returncode == 0, r_err
    assert reader.returncode == 0, q_err
    assert int(q_out.strip()) >= 3

    decisions = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(decisions) == PROPOSALS, "every proposal decided exactly once"
    waited = [d for d in decisions if d["began"] < writer_done]
    saved_during = [d for d in waited if d["at"] < writer_done]
    print({"began during import": len(waited), "saved during import": len(saved_during),
           "longest wait s": round(max(d["at"] - d["began"] for d in decisions), 2)})
    assert waited and saved_during, "the reviewer must have contended with the import"
    conn = db.connect(settings.db_path, readonly=True)
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 300 + FILES * PER_FILE
    for decision in decisions:
        row = conn.execute("SELECT status, title FROM proposals WHERE id = ?",
                           (decision["id"],)).fetchone()
        audit = conn.execute("SELECT action FROM proposal_audit WHERE proposal_id = ?",
                             (decision["id"],)).fetchall()
        if decision["action"] == "reject":
            assert row["status"] == "rejected" and [a[0] for a in audit] == ["reject"]
        else:
            assert row["status"] in ("accepted", "edited")
            event = conn.execute("SELECT title FROM events WHERE id = ?",
                                 (decision["event"],)).fetchone()
            assert event is not None, f"the event of decision {decision} was lost"
            if decision["title"]:  # quotes and SQL metacharacters stored verbatim
                assert row["title"] == event["title"] == decision["title"]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == sum(
        d["action"] == "accept" for d in decisions)
    conn.close()


def test_two_reviewers_on_one_proposal_never_overwrite_silently(store_with_proposals):
    """The second save with a stale version is refused with a clear message, in any order."""
    settings = store_with_proposals
    first, second = open_db(settings), open_db(settings)
    pid = first.execute("SELECT min(id) FROM proposals").fetchone()[0]
    proposals.accept(first, pid, reviewer="ana", expected_version=1)
    with pytest.raises(ConflictError, match="changed by ana"):
        proposals.reject(second, pid, reviewer="tom", expected_version=1)
    status = second.execute("SELECT status FROM proposals WHERE id = ?", (pid,)).fetchone()[0]
    assert status == "accepted"
    first.close()
    second.close()


DECIDER = r"""
import sys, time
from pathlib import Path
from toolkit.config import load_settings
from toolkit.review import proposals
from toolkit.store.connect import open_db

conn = open_db(load_settings())
pid = conn.execute("SELECT max(id) FROM proposals").fetchone()[0]
print("ready", flush=True)
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.01)
print("deciding", flush=True)
proposals.reject(conn, pid, reviewer="rev", expected_version=1)
print("saved", flush=True)
"""


def test_a_long_writer_makes_others_wait_not_fail(store_with_proposals, tmp_path):
    """A transaction held for longer than a normal import: a decision waits, then lands.

    The reviewer says when it is about to write, so the wait below is spent on the lock, not
    on the child's imports."""
    settings = store_with_proposals
    go = tmp_path / "go"
    child = spawn(DECIDER, str(go), env={"DATA_DIR": str(settings.data_dir)})
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready", child.communicate(timeout=60)[1]
    holder = open_db(settings)
    holder.execute("BEGIN IMMEDIATE")
    go.touch()
    assert child.stdout.readline().strip() == "deciding"
    time.sleep(1.0)  # without waiting, SQLite would have refused the write within milliseconds
    assert child.poll() is None, "the decision must wait for the lock, not fail"
    status = "SELECT status FROM proposals WHERE id = (SELECT max(id) FROM proposals)"
    assert holder.execute(status).fetchone()[0] == "pending"
    holder.execute("COMMIT")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0 and out.strip() == "saved", err
    assert holder.execute(status).fetchone()[0] == "rejected"
    holder.close()
