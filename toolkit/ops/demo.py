"""`chatbook demo`: the README's first command, end to end on the synthetic sample chats.

Set up the stores, run the default pipeline (ingest, embed, extract, report) on
`data/sample/` with the embedded default (SQLite only, media off), export the accepted events
as iCalendar, and say where everything is and how to review the proposals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.config import Settings
from toolkit.ops.pipeline import Progress, run_pipeline
from toolkit.resources import sample_dir as shipped_sample_dir

SAMPLE_DIR = shipped_sample_dir()


def ics_path(settings: Settings) -> Path:
    return settings.data_dir / "exports" / "events.ics"


def chatbook_command() -> str:
    """How to call chatbook from here: the checkout's venv in a checkout, else the one on PATH."""
    local = Path(".venv/bin/chatbook")
    return str(local) if local.exists() else "chatbook"


def run_demo(settings: Settings, progress: Progress | None = None,
             sample_dir: Path = SAMPLE_DIR, *, progress_bar: bool = False) -> dict[str, Any]:
    """Init, run the pipeline on the sample data, export the .ics; what to print afterwards."""
    from toolkit.review.events import export_ics
    from toolkit.store.connect import migrate_all, open_db

    settings = settings.with_overrides(image_processing_enabled=False)
    migrate_all(settings)
    result = run_pipeline(settings, params=[("source", str(sample_dir))], progress=progress,
                          progress_bar=progress_bar)
    conn = open_db(settings)
    try:
        exported = export_ics(conn, ics_path(settings))
    finally:
        conn.close()
    report = next((n.html for n in result.notebooks if n.name == "07_report"), None)
    return {
        "run": result.as_dict(),
        "run_dir": str(result.run_dir),
        "notebooks": [n.notebook for n in result.notebooks],
        "report_html": report,
        "ics": str(ics_path(settings)),
        "events_exported": exported,
        "pending_proposals": result.summary.get("proposals", {}).get("pending", 0),
        "next": {
            "lab": f"{chatbook_command()} lab  (then open 05_review.ipynb)",
            "review": f"{chatbook_command()} review",
        },
    }


def demo_text(outcome: dict[str, Any]) -> str:
    """The closing lines of `make demo`."""
    summary = outcome["run"]["summary"]
    msgs = summary.get("messages", {})
    def row(label: str, value: object) -> str:
        return f"  {label:<20}{value}"

    lines = [
        "",
        f"chatbook demo: run {outcome['run']['run_id']} {outcome['run']['status']}",
        row("messages", f"{msgs.get('total', 0)} in {msgs.get('chats', 0)} chats "
                        f"({msgs.get('new', 0)} new)"),
        row("embeddings", summary.get("embeddings", {}).get("total", 0)),
        row("proposals", f"{outcome['pending_proposals']} waiting for review"),
        row("executed notebooks", f"{outcome['run_dir']}/"),
    ]
    lines += [row("", Path(n).name) for n in outcome["notebooks"] if n]
    lines += [
        row("HTML report", outcome["report_html"]),
        row("calendar (.ics)", f"{outcome['ics']} ({outcome['events_exported']} accepted "
                               "events so far)"),
        "",
        "Review the proposals, then export the calendar again:",
        row("JupyterLab", outcome["next"]["lab"]),
        row("standalone page", outcome["next"]["review"]),
        row("calendar", f"{chatbook_command()} events export --ics {outcome['ics']}"),
        row("explore the chats", f"{chatbook_command()} run explore  (or 06_explore.ipynb)"),
    ]
    return "\n".join(lines)
