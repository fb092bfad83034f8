"""Pipeline runs (`pipeline_runs`): one row per `chatbook run`, from running to its outcome.

Functions run inside the caller's transaction; `toolkit.ops.pipeline` decides what is
recorded (and redacts it first), `toolkit.ops.report` reads it back.
"""

from __future__ import annotations

from typing import Any

from toolkit.store import db


def insert_run(conn: db.Connection, *, run_id: str, started_at: str, parameters: str,
               toolkit_version: str, git_commit: str | None, output_dir: str) -> None:
    """A new run, status 'running', no notebooks yet."""
    conn.execute(
        "INSERT INTO pipeline_runs(id, started_at, status, parameters, toolkit_version, "
        "git_commit, notebooks, output_dir) VALUES (?, ?, 'running', ?, ?, ?, '[]', ?)",
        (run_id, started_at, parameters, toolkit_version, git_commit, output_dir),
    )


def update_run(conn: db.Connection, run_id: str, *, status: str, finished_at: str | None,
               notebooks: str, error: str | None) -> None:
    """Record where a run stands: status, notebooks so far (JSON), and its error if any."""
    conn.execute(
        "UPDATE pipeline_runs SET status = ?, finished_at = ?, notebooks = ?, error = ? "
        "WHERE id = ?",
        (status, finished_at, notebooks, error, run_id),
    )


def mark_interrupted(conn: db.Connection, run_id: str, why: str) -> None:
    """Close a run still marked running as interrupted, saying why."""
    conn.execute(
        "UPDATE pipeline_runs SET status = 'interrupted', finished_at = ?, error = ? "
        "WHERE id = ? AND status = 'running'",
        (db.utc_now(), why, run_id),
    )


def run_row(conn: db.Connection, run_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM pipeline_runs WHERE id = ?", (run_id,)).fetchone()
    return dict(row) if row else None


def latest_run(conn: db.Connection) -> dict[str, Any] | None:
    """The run started last (of two started in the same second, the one recorded last)."""
    row = conn.execute(
        "SELECT * FROM pipeline_runs ORDER BY started_at DESC, rowid DESC LIMIT 1"
    ).fetchone()
    return dict(row) if row else None
