"""The run report: what a pipeline run brought in and what needs a person, at a glance.

Used by `notebooks/07_report.ipynb` (the last stage of `chatbook run`, whose HTML is what a
person opens) and by the runner, which writes the same figures to `summary.json`/`summary.md`
in the run folder. "New" means since the run started; without a run (a fresh store, or the
notebook opened by hand) it means everything.

The notebook only calls these functions: a headline of a few numbers, three plots (messages per
chat per week, proposals by status and confidence, the accepted events coming up), tidy tables
and links that work from the run folder (the run's other pages, and the review page or
JupyterLab as they can be opened now). Plots are PNGs inside the page; nothing is loaded from
anywhere.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from toolkit.config import Settings
from toolkit.ops.plots import drawable, plot_font
from toolkit.resources import notebook
from toolkit.store import db, figures, outbox, runs

REVIEW_NOTEBOOK = notebook("05_review.ipynb")
NEWEST_LIMIT = 25  # proposals listed in the report; the review queue has them all
UPCOMING_LIMIT = 20  # accepted events listed and plotted
WEEKS = 12  # weeks of messages plotted
TOP_CHATS = 6  # chats drawn as lines of their own; the others as one
# The review app's colours, so a status looks the same in both.
STATUS_COLOURS = {"pending": "#e0a800", "accepted": "#2f9e57", "edited": "#3b82c4",
                  "rejected": "#d0453f", "cancelled": "#9aa5b1"}
CARD = ("display:inline-block;min-width:150px;margin:0 10px 10px 0;padding:10px 14px;"
        "border:1px solid #e1e5ea;border-radius:10px;background:#fff;vertical-align:top")
TABLE = "border-collapse:collapse;font-size:13px;margin:4px 0 8px"
CELL = "padding:4px 12px 4px 0;border-bottom:1px solid #e1e5ea;text-align:left;vertical-align:top"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


# ------------------------------------------------------------------------- the figures


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
    return (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()


def weekly_messages(conn: db.Connection) -> list[dict[str, Any]]:
    """Messages per chat per week, over the WEEKS weeks up to the newest message."""
    newest = conn.execute("SELECT max(coalesce(sent_at_utc, sent_at)) FROM messages").fetchone()[0]
    if not newest:
        return []
    last = datetime.fromisoformat(str(newest)).date()
    first = last - timedelta(days=7 * WEEKS - 1 + last.weekday())
    return figures.messages_per_chat_week(conn, first.isoformat())


def run_summary(settings: Settings, run_id: str = "", *, today: date | None = None
                ) -> dict[str, Any]:
    """Everything the report shows, as plain data (also written to summary.json)."""
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    try:
        run = find_run(conn, run_id)
        since = run["started_at"] if run else None
        proposals = figures.proposal_figures(conn, since, NEWEST_LIMIT)
        waiting = figures.newest_pending(conn, since, NEWEST_LIMIT)
        return {
            "run": None if run is None else {
                k: run[k] for k in ("id", "started_at", "finished_at", "status", "git_commit",
                                    "toolkit_version", "output_dir", "notebooks", "parameters")
            },
            "since": since,
            "messages": figures.message_figures(conn, since),
            "embeddings": embedding_figures(settings, since),
            "proposals": {**proposals, "waiting": waiting,
                          "waiting_total": int(waiting[0]["total"]) if waiting else 0},
            "failures": failure_figures(conn, run),
            "counters": db.read_counters(conn),
            "weekly_messages": weekly_messages(conn),
            "confidences": figures.confidence_histogram(conn),
            "upcoming": figures.upcoming_events(
                conn, (today or date.today()).isoformat(), UPCOMING_LIMIT),
            "review": {
                "notebook": str(REVIEW_NOTEBOOK),
                "commands": ["chatbook review", "chatbook lab", "chatbook proposals list"],
            },
        }
    finally:
        conn.close()


# ------------------------------------------------------------------------- words


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
    lines += ["", "Review the proposals: `chatbook review` (a page of its own), or "
              "`chatbook lab` and open 05_review.ipynb."]
    return "\n".join(lines) + "\n"


def when_text(start: str | None, end: str | None = None, all_day: bool = False) -> str:
    """'Sat 5 Dec, 10:00' (or 'Sat 5 Dec' all day) as written, with the year when not this one."""
    if not start:
        return ""
    moment = datetime.fromisoformat(str(start))
    year = "" if moment.year == date.today().year else f" {moment.year}"
    text = f"{moment:%a} {moment.day} {moment:%b}{year}"
    if all_day or len(str(start)) == 10:
        return text
    text += f", {moment:%H:%M}"
    if end and len(str(end)) > 10:
        finish = datetime.fromisoformat(str(end))
        text += f"–{finish:%H:%M}" if finish.date() == moment.date() else ""
    return text


def title_html(summary: dict[str, Any]) -> str:
    run = summary["run"]
    if run is None:
        return "Store summary (no runs yet)"
    if run["status"] == "running":
        return f"Run {esc(run['id'])} (in progress: this report is its last stage)"
    return f"Run {esc(run['id'])}: {esc(run['status'])}"


def card(number: Any, label: str, detail: str = "", alert: bool = False) -> str:
    colour = "#9b1c1c" if alert else "#1f2933"
    return (f'<div style="{CARD}"><div style="font-size:24px;font-weight:650;color:{colour}">'
            f'{esc(number)}</div><div style="font-size:13px">{esc(label)}</div>'
            f'<div style="font-size:12px;color:#52606d">{esc(detail)}</div></div>')


def cards_html(summary: dict[str, Any]) -> str:
    """The headline as a row of numbers."""
    msgs, emb, props = summary["messages"], summary["embeddings"], summary["proposals"]
    fails = failure_text(summary["failures"])
    return "".join([
        card(msgs["new"], "new messages", f"of {msgs['total']} in {msgs['chats']} chats"),
        card(props["new"], "new proposals", f"{props['pending']} waiting for review"),
        card(props["events"], "accepted events", "in your calendar export"),
        card(emb["new"], "new embeddings", f"{emb['total']} in all"),
        card("none" if fails == "none" else "!", "failures", fails, alert=fails != "none"),
    ])


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain table; cells are HTML already escaped by the caller."""
    head = "".join(f'<th style="{CELL}">{esc(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{CELL}">{c}</td>' for c in row) + "</tr>"
                   for row in rows)
    return f'<table style="{TABLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def stages_html(run: dict[str, Any] | None) -> str:
    """The run's notebooks, each linked to its page in the run folder."""
    if not run or not run["notebooks"]:
        return ""
    rows = []
    for n in run["notebooks"]:
        page = Path(n["html"]).name if n.get("html") else ""
        name = f'<a href="{esc(page)}">{esc(n["name"])}</a>' if page else esc(n["name"])
        rows.append([name, esc(n["status"]), f"{float(n.get('seconds') or 0):.1f} s"])
    return ('<div style="font-size:13px;color:#52606d;margin-top:6px">This run, notebook by '
            "notebook (each links to its page):</div>"
            + table_html(["notebook", "status", "time"], rows))


def moment_text(value: str) -> str:
    """A stored UTC time in this machine's zone, as a person reads it: 'Mon 7 Dec, 00:59'."""
    moment = datetime.fromisoformat(value)
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"


def summary_html(summary: dict[str, Any]) -> str:
    """The head of the report: title, headline numbers, the run's notebooks."""
    since = (f'<p style="color:#52606d">"New" means since this run started, '
             f'{esc(moment_text(summary["since"]))}.</p>' if summary["since"] else "")
    return (f"<h3>{title_html(summary)}</h3>{since}<div>{cards_html(summary)}</div>"
            f"{stages_html(summary['run'])}")


def waiting_html(summary: dict[str, Any]) -> str:
    """The new proposals waiting for review, soonest first, as a tidy table."""
    props = summary["proposals"]
    rows = props["waiting"]
    if not rows:
        return ('<p>Nothing new waits for review. '
                f"({props['pending']} pending in all: <code>chatbook review</code>.)</p>")
    table = table_html(["when", "what", "where", "chat", "confidence"], [
        [esc(when_text(r["start"], r.get("end"), bool(r["all_day"]))), esc(r["title"]),
         esc(r.get("location") or ""), esc(r.get("chat") or ""),
         f"{round(float(r['confidence']) * 100)}%"] for r in rows])
    more = props["waiting_total"] - len(rows)
    tail = (f"<p>and {more} more in the review queue (<code>chatbook review</code>).</p>"
            if more > 0 else "")
    return table + tail


def upcoming_html(summary: dict[str, Any]) -> str:
    rows = summary["upcoming"]
    if not rows:
        return (f"<p>No accepted event lies ahead ({summary['proposals']['events']} accepted in "
                "all). Review the waiting proposals to fill your calendar.</p>")
    return table_html(["when", "what", "where", "chat"], [
        [esc(when_text(r["start"], r.get("end"), bool(r["all_day"]))), esc(r["title"]),
         esc(r.get("location") or ""), esc(r.get("chat") or "")] for r in rows])


def lab_server() -> dict[str, Any] | None:
    """A JupyterLab of this user running now on this machine, if any (its URL and folder).

    Reads the `jpserver-*.json` files each running server keeps in Jupyter's runtime folder, as
    `jupyter server list` does, without importing jupyter_server: that import alone took
    seconds of every report, even when nothing was new.
    """
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:
        return None
    for path in sorted(Path(jupyter_runtime_dir()).glob("jpserver-*.json")):
        try:
            server = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a server starting or stopping right now
        local = str(server.get("url", "")).startswith(("http://127.0.0.1", "http://localhost"))
        if isinstance(server, dict) and local and process_alive(server.get("pid")):
            return server
    return None


def process_alive(pid: Any) -> bool:
    """Whether a process with this id runs (a stale server file outlives a killed server)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, but not ours to signal
    return True


def next_html(summary: dict[str, Any]) -> str:
    """What to do next, with links that work: the review page, JupyterLab, the run folder."""
    pending = summary["proposals"]["pending"]
    parts = [f"<p><b>Review the {pending} waiting proposals:</b> run <code>chatbook review</code> "
             "in a terminal; it opens the review page (05_review) in your browser.</p>"]
    server = lab_server()
    root = Path(str(server.get("root_dir") or "")) if server else None
    if server and root is not None:
        found = [name for name in ("05_review.ipynb", "06_explore.ipynb") if (root / name).is_file()]
        if found:
            links = " and ".join(
                f'<a href="{esc(server["url"])}lab/tree/{esc(name)}">{esc(name[:-6])}</a>'
                for name in found)
            parts.append(f"<p>Or in the JupyterLab running now: {links}.</p>")
    else:
        parts.append("<p>Or in JupyterLab: run <code>chatbook lab</code>, then open "
                     "<code>05_review.ipynb</code> (review) or <code>06_explore.ipynb</code> "
                     "(explore your chats).</p>")
    run = summary["run"]
    if run and run.get("output_dir"):
        folder = Path(str(run["output_dir"]))
        parts.append(f'<p>This run\'s files: <a href="{esc(folder.as_uri())}">{esc(folder)}</a> '
                     '(<a href="summary.md">summary.md</a>, <a href="summary.json">summary.json'
                     "</a>).</p>")
    return "".join(parts)


# ------------------------------------------------------------------------- plots


def new_figure(height: float = 3.0) -> Any:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.6, height), dpi=110)
    figure.set_layout_engine("constrained")
    return figure


def style_axes(axes: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.25 of a message
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#e1e5ea", linewidth=0.8)
    axes.set_axisbelow(True)


def messages_figure(summary: dict[str, Any]) -> Any:
    """Messages per chat per week (the busiest chats as lines, the rest as one); None when
    there are no messages."""
    rows = summary["weekly_messages"]
    if not rows:
        return None
    weeks = sorted({r["week"] for r in rows})
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["chat"]] = totals.get(r["chat"], 0) + int(r["n"])
    top = sorted(totals, key=lambda c: (-totals[c], c))[:TOP_CHATS]
    series: dict[str, dict[str, int]] = {}
    for r in rows:
        name = r["chat"] if r["chat"] in top else "other chats"
        series.setdefault(name, {})
        series[name][r["week"]] = series[name].get(r["week"], 0) + int(r["n"])
    figure = new_figure()
    axes = figure.subplots()
    font = plot_font()
    x = [date.fromisoformat(w) for w in weeks]
    for name in [*top, "other chats"]:
        if name in series:
            axes.plot(x, [series[name].get(w, 0) for w in weeks], marker="o", markersize=3,
                      linewidth=1.6, label=drawable(name, font))
    axes.set_ylabel("messages per week")
    axes.set_ylim(bottom=0)
    step = max(1, len(x) // 8)  # at most about 8 labels
    axes.set_xticks(x[::step], [f"{d.day} {d:%b}" for d in x[::step]])
    axes.set_xlabel("week starting")
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    style_axes(axes)
    return figure


def proposals_figure(summary: dict[str, Any]) -> Any:
    """How sure the extractor was, by what became of each proposal (stacked bars of 10 %)."""
    rows = summary["confidences"]
    if not rows:
        return None
    bins = [i / 10 for i in range(11)]
    figure = new_figure()
    axes = figure.subplots()
    bottom = [0] * 10
    for status, colour in STATUS_COLOURS.items():
        counts = [0] * 10
        for r in rows:
            if r["status"] == status:
                counts[int(r["tenth"])] += int(r["n"])
        if any(counts):
            axes.bar([b + 0.05 for b in bins[:-1]], counts, width=0.09, bottom=bottom,
                     color=colour, label=f"{status} ({sum(counts)})")
            bottom = [a + b for a, b in zip(bottom, counts, strict=True)]
    axes.set_xlim(0, 1)
    axes.set_xticks(bins, [f"{round(b * 100)}%" for b in bins])
    axes.set_xlabel("extractor confidence")
    axes.set_ylabel("proposals")
    axes.legend(fontsize=8, frameon=False, loc="upper left")
    style_axes(axes)
    return figure


def upcoming_figure(summary: dict[str, Any]) -> Any:
    """The accepted events ahead on a timeline, one row per chat; None when there are none."""
    rows = summary["upcoming"]
    if not rows:
        return None
    font = plot_font()
    chats = sorted({drawable(r.get("chat") or "no chat", font) for r in rows})
    figure = new_figure(height=1.2 + 0.45 * len(chats))
    axes = figure.subplots()
    for r in rows:
        when = datetime.fromisoformat(str(r["start"]))
        lane = chats.index(drawable(r.get("chat") or "no chat", font))
        axes.plot([when], [lane], marker="o", color=STATUS_COLOURS["accepted"])
        label = drawable(str(r["title"]), font)
        axes.annotate(label if len(label) <= 28 else label[:27] + "…", (when, lane),
                      xytext=(5, 5), textcoords="offset points", fontsize=7, rotation=20)
    axes.set_yticks(range(len(chats)), chats)
    axes.set_ylim(-0.6, len(chats) - 0.1)
    figure.autofmt_xdate()
    style_axes(axes)
    return figure


# ------------------------------------------------------------------------- display


def png(figure: Any) -> bytes:
    """A figure as PNG bytes (no pyplot, no backend state: safe in any kernel)."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def show(part: Any, empty: str = "") -> None:
    """Display a figure (as a PNG inside the page) or an HTML fragment; `empty` when None."""
    from IPython.display import HTML, Image, display

    if part is None:
        if empty:
            display(HTML(f'<p style="color:#52606d">{esc(empty)}</p>'))
    elif isinstance(part, str):
        display(HTML(part))
    else:
        display(Image(data=png(part), format="png"))


def show_summary(summary: dict[str, Any]) -> None:
    """The head of the report (title, numbers, the run's notebooks)."""
    show(summary_html(summary))


def show_messages(summary: dict[str, Any]) -> None:
    show(messages_figure(summary), "No messages yet: `chatbook ingest` your exports.")


def show_proposals(summary: dict[str, Any]) -> None:
    show(proposals_figure(summary), "No proposals yet: `chatbook extract` finds them.")
    show(waiting_html(summary))


def show_upcoming(summary: dict[str, Any]) -> None:
    show(upcoming_figure(summary))
    show(upcoming_html(summary))


def show_next(summary: dict[str, Any]) -> None:
    show(next_html(summary))
