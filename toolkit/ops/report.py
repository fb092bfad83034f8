"""The run summary: what a pipeline run brought in and what needs a person, at a glance.

Used by `notebooks/07_report.ipynb` (the last stage of `chatbook run`) and by the runner, which
writes it to `summary.json`/`summary.md` in the run folder. "New" means since the run started;
without a run (a fresh store, or the notebook opened by hand) it means everything.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from toolkit.config import Settings
from toolkit.resources import notebook
from toolkit.store import db, figures, outbox, runs

REVIEW_NOTEBOOK = notebook("05_review.ipynb")
LAB_URL = "http://127.0.0.1:8888/lab/tree/05_review.ipynb"
NEWEST_LIMIT = 25  # proposals listed in the report; the review queue has them all


def find_run(conn: db.Connection, run_id: str = "") -> dict[str, Any] | None:
    """The `pipeline_runs` row for `run_id`, or the latest run when it is empty."""
    run = runs.run_row(conn, run_id) if run_id else runs.latest_run(conn)
    if run is None:
        return None
    run["notebooks"] = json.loads(run["notebooks"] or "[]")
    run["parameters"] = json.loads(run["parameters"] or "{}")
    return run


def embedding_figures(settings: Settings, since: str | None) -> dict[str, Any]:
    """Counts from the vector store, opened read-only: the report must not create it."""
    if not settings.vdb_path.exists():
        return {"model": settings.embed_model, "new": 0, "total": 0}
    conn = db.connect(settings.vdb_path, readonly=True)
    try:
        if not db.table_exists(conn, "embeddings"):
            return {"model": settings.embed_model, "new": 0, "total": 0}
        return {"model": settings.embed_model,
                **figures.embedding_counts(conn, settings.embed_model, since)}
    finally:
        conn.close()


def failure_figures(conn: db.Connection, run: dict[str, Any] | None) -> dict[str, Any]:
    failed = [n for n in (run or {}).get("notebooks", []) if n.get("status") == "failed"]
    return {
        "notebooks_failed": [f"{n['name']}: {n.get('error')}" for n in failed],
        "run_error": (run or {}).get("error"),
        "failed_runs_7d": figures.failed_runs_since(conn, db_time_days_ago(7)),
        "outbox_pending": outbox.pending_count(conn),
    }


def db_time_days_ago(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()


def run_summary(settings: Settings, run_id: str = "") -> dict[str, Any]:
    """Everything the report shows, as plain data (also written to summary.json)."""
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    try:
        run = find_run(conn, run_id)
        since = run["started_at"] if run else None
        return {
            "run": None if run is None else {
                k: run[k] for k in ("id", "started_at", "finished_at", "status", "git_commit",
                                    "toolkit_version", "output_dir", "notebooks", "parameters")
            },
            "since": since,
            "messages": figures.message_figures(conn, since),
            "embeddings": embedding_figures(settings, since),
            "proposals": figures.proposal_figures(conn, since, NEWEST_LIMIT),
            "failures": failure_figures(conn, run),
            "counters": db.read_counters(conn),
            "review": {
                "notebook": str(REVIEW_NOTEBOOK),
                "lab_url": LAB_URL,
                "commands": ["chatbook lab", "chatbook review", "chatbook proposals list"],
            },
        }
    finally:
        conn.close()


def headline(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The few lines a person reads first: (label, value)."""
    msgs, emb, props = summary["messages"], summary["embeddings"], summary["proposals"]
    fails = summary["failures"]
    rows = [
        ("new messages", f"{msgs['new']} (of {msgs['total']} in {msgs['chats']} chats)"),
        ("new embeddings", f"{emb['new']} ({emb['total']} in total, model {emb['model']})"),
        ("new proposals", f"{props['new']} ({props['pending']} waiting for review)"),
        ("accepted events", str(props["events"])),
        ("failures", failure_text(fails)),
    ]
    rows += [(f"counter {name}", str(value)) for name, value in summary["counters"].items()]
    return rows


def failure_text(fails: dict[str, Any]) -> str:
    parts = list(fails["notebooks_failed"])
    if fails["outbox_pending"]:
        parts.append(f"{fails['outbox_pending']} media writes waiting in the outbox")
    if fails["failed_runs_7d"]:
        parts.append(f"{fails['failed_runs_7d']} failed or interrupted runs in 7 days")
    return "; ".join(parts) or "none"


def summary_markdown(summary: dict[str, Any]) -> str:
    """The summary as Markdown (summary.md in the run folder)."""
    if "messages" not in summary:
        return f"# chatbook run\n\n{summary.get('error', 'no summary')}\n"
    run = summary["run"]
    title = f"# chatbook run {run['id']} ({run['status']})" if run else "# chatbook store summary"
    lines = [title, ""]
    if summary["since"]:
        lines += [f"New since {summary['since']}.", ""]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {label} | {value.replace('|', '/')} |" for label, value in headline(summary)]
    if run and run["notebooks"]:
        lines += ["", "| notebook | status | seconds |", "|---|---|---|"]
        lines += [f"| {n['name']} | {n['status']} | {n.get('seconds', '')} |"
                  for n in run["notebooks"]]
    review = summary["review"]
    lines += ["", f"Review the proposals: `chatbook review`, or open {review['notebook']} in "
              f"JupyterLab (`chatbook lab`, then {review['lab_url']})."]
    return "\n".join(lines) + "\n"


def summary_html(summary: dict[str, Any]) -> str:
    """The summary as an HTML fragment for the report notebook (and so its HTML export)."""
    esc = html.escape
    run = summary["run"]
    if run is None:
        title = "Store summary (no runs yet)"
    elif run["status"] == "running":
        title = f"Run {esc(run['id'])} (in progress: this report is its last stage)"
    else:
        title = f"Run {esc(run['id'])}: {esc(run['status'])}"
    rows = "".join(f"<tr><th style='text-align:left'>{esc(label)}</th><td style='text-align:left'>"
                   f"{esc(value)}</td></tr>" for label, value in headline(summary))
    stages = ""
    if run and run["notebooks"]:
        stages = "<h4>Notebooks</h4><table>" + "".join(
            f"<tr><td>{esc(n['name'])}</td><td>{esc(n['status'])}</td>"
            f"<td>{esc(str(n.get('seconds', '')))} s</td></tr>" for n in run["notebooks"]
        ) + "</table>"
    review = summary["review"]
    links = (
        f"<p>Review the {summary['proposals']['pending']} waiting proposals: "
        f"<a href='{esc(review['lab_url'])}'>05_review in JupyterLab</a> "
        f"(start it with <code>chatbook lab</code>), "
        f"<a href='{esc(Path(review['notebook']).as_uri())}'>the notebook file</a>, "
        f"or <code>chatbook review</code> for the standalone page.</p>"
    )
    since = f"<p>New since {esc(summary['since'])}.</p>" if summary["since"] else ""
    return f"<h3>{title}</h3>{since}<table>{rows}</table>{stages}{links}"


def show_summary(summary: dict[str, Any]) -> Any:
    """An IPython display object for the summary (renders in JupyterLab and in nbconvert)."""
    from IPython.display import HTML

    return HTML(summary_html(summary))


def new_proposals(summary: dict[str, Any]) -> Any:
    """The new proposals waiting for review (soonest first) as a Polars frame."""
    import polars as pl

    schema = {"title": pl.Utf8, "start": pl.Utf8, "location": pl.Utf8, "confidence": pl.Float64,
              "chat": pl.Utf8}
    return pl.DataFrame(summary["proposals"]["newest"], schema=schema)


def new_messages_by_chat(summary: dict[str, Any]) -> Any:
    """New messages per chat as a Polars frame, for a glance at which groups were busy."""
    import polars as pl

    by_chat = summary["messages"]["new_by_chat"]
    return pl.DataFrame({"chat": list(by_chat), "new_messages": list(by_chat.values())},
                        schema={"chat": pl.Utf8, "new_messages": pl.Int64})
