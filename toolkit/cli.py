"""`chatbook`: a thin click layer over the toolkit's Python API.

Every command loads settings once (a wrong value is one line, never a traceback), calls one
toolkit function, and prints either a short human summary or, with `--json`, the data.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from toolkit import __version__
from toolkit.config import Settings, load_settings
from toolkit.errors import ChatbookError
from toolkit.resources import copy_notebooks
from toolkit.terminal import json_safe, visible, visible_fields

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def settings_from(ctx: click.Context) -> Settings:
    """Settings are loaded lazily so `--help` works even with a broken environment."""
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings()
    return obj["settings"]  # type: ignore[no-any-return]


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None, *,
         multiline: bool = False) -> None:
    """JSON (exact, with nothing a terminal would act on), or the human lines built from a
    copy of `data` whose text cannot clear the screen, retitle the window or forge a line;
    `multiline` keeps the newlines inside values (draft messages) visible as line breaks."""
    if as_json or human is None:
        click.echo(json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str)))
    else:
        say(human(visible_fields(data, keep_newlines=multiline)))


def say(text: str, *, err: bool = False) -> None:
    """Every human line goes out through here: control characters shown, never obeyed."""
    click.echo(visible(text, keep_newlines=True), err=err)


@click.group()
@click.version_option(__version__, prog_name="chatbook")
def cli() -> None:
    """chatbook: your WhatsApp exports, searchable and reviewable, on your own machine."""


# ------------------------------------------------------------------------- stores


@cli.command()
@JSON_OPTION
@click.pass_context
def init(ctx: click.Context, as_json: bool) -> None:
    """Create the data folders and stores, and apply migrations."""
    from toolkit.store.connect import migrate_all

    settings = settings_from(ctx)
    result = migrate_all(settings)

    def human(res: Any) -> str:
        lines = [f"data folder: {settings.data_dir}"]
        lines += [f"{store}: {', '.join(files) or 'up to date'}" for store, files in res.applied.items()]
        lines += [f"{store}: unavailable ({why})" for store, why in res.unavailable.items()]
        return "\n".join(lines)

    emit(result.as_dict() if as_json else result, as_json, human)


@cli.command("migrate")
@click.option("--status", "status_only", is_flag=True, help="Show migrations, apply nothing.")
@JSON_OPTION
@click.pass_context
def migrate_command(ctx: click.Context, status_only: bool, as_json: bool) -> None:
    """Apply (or show) migrations for every enabled store."""
    from toolkit.store.connect import migrate_all

    result = migrate_all(settings_from(ctx), apply=not status_only)

    def human(res: Any) -> str:
        lines = []
        for store, status in res.status.items():
            state = "current" if status["current"] else (
                f"pending {status['pending']}" + (f", edited {status['edited']}" if status["edited"] else "")
            )
            applied = res.applied.get(store)
            lines.append(f"{store:9} applied {len(status['applied'])}, {state}"
                         + (f"; now applied {', '.join(applied)}" if applied else ""))
        lines += [f"{store:9} unavailable: {why}" for store, why in res.unavailable.items()]
        return "\n".join(lines)

    emit(result.as_dict() if as_json else result, as_json, human)
    if not result.ok:
        sys.exit(3)


@cli.command()
@click.option("--repair", is_flag=True,
              help="Fix what is safe (orphan embeddings, unreferenced files, missing media rows).")
@JSON_OPTION
@click.pass_context
def doctor(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Check stores, migrations, integrity, cross-store orphans and counters."""
    from toolkit.ops.doctor import repair_then_check, run_checks

    settings = settings_from(ctx)
    report = repair_then_check(settings) if repair else run_checks(settings)

    def human(rep: dict[str, Any]) -> str:
        lines = []
        for name, store in rep["stores"].items():
            mark = "ok " if store["ok"] else "!! "
            detail = store.get("error") or store.get("hint") or store.get("journal_mode", "")
            if name == "postgres" and not store["enabled"]:
                detail = "disabled (IMAGE_PROCESSING_ENABLED=false)"
            lines.append(f"{mark}{name:9} {detail}")
        ops = rep["operations"]
        backlog = ops.get("skipped") or f"{ops['outbox_pending']} pending"
        lines.append(f"{'ok ' if ops['ok'] else '!! '}outbox    {backlog}")
        lines += [f"   counter  {k} = {v}" for k, v in ops["counters"].items()]
        from toolkit.ops.doctor import integrity_lines

        lines += integrity_lines(rep)
        return "\n".join(lines)

    emit(report, as_json, human)
    if not report["ok"]:
        sys.exit(1)


@cli.command()
@click.option("--port", default=8888, show_default=True)
@click.option("--no-browser", is_flag=True)
@click.option("--notebooks", "folder", default="notebooks", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Your notebooks folder (relative to the current folder).")
@click.pass_context
def lab(ctx: click.Context, port: int, no_browser: bool, folder: Path) -> None:
    """JupyterLab on your notebooks with the environment set, bound to localhost with a token.

    Your notebooks live in ./notebooks (or --notebooks): chatbook copies its pipeline notebooks
    there the first time, and later only the ones missing, so your edits are never overwritten.
    `chatbook run` runs the shipped notebooks; give it a path to run one of yours.
    """
    from toolkit.ops.kernels import ensure_kernel_spec, run_server

    settings = settings_from(ctx)
    for copy in copy_notebooks(folder):
        say(f"chatbook lab: copied {copy}", err=True)
    ensure_kernel_spec()  # the notebooks name the `chatbook` kernel; JupyterLab looks it up
    env = {**os.environ, **settings.as_env()}
    command = [
        sys.executable, "-m", "jupyterlab", f"--notebook-dir={folder.resolve()}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
    ]
    if no_browser:
        command.append("--no-browser")
    if os.geteuid() == 0:  # containers run as root; Jupyter refuses to start there otherwise
        command.append("--allow-root")
    raise SystemExit(run_server(command, env))


# ------------------------------------------------------------------------- reliability


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path))
@JSON_OPTION
@click.pass_context
def backup(ctx: click.Context, dest: Path, as_json: bool) -> None:
    """Consistent online copies of every store and the attachment files into DEST (new folder)."""
    from toolkit.ops.backup import backup as take_backup

    manifest = take_backup(settings_from(ctx), dest)

    def human(man: Any) -> str:
        rows = {store: sum(counts.values()) for store, counts in man.counts.items()}
        return (f"backup in {dest}: {len(man.files)} files, "
                + ", ".join(f"{store} {n} rows" for store, n in rows.items())
                + "; verify and restore with `chatbook restore`")

    emit(manifest.as_dict() if as_json else manifest, as_json, human)


@cli.command()
@click.argument("src", type=click.Path(path_type=Path))
@JSON_OPTION
@click.pass_context
def restore(ctx: click.Context, src: Path, as_json: bool) -> None:
    """Verify the backup in SRC and restore it into empty stores (refuses otherwise)."""
    from toolkit.ops.backup import restore as run_restore

    result = run_restore(settings_from(ctx), src)
    emit(result.as_dict() if as_json else result, as_json,
         lambda res: "restored " + ", ".join(res.restored)
         + (f"; {res.requeued_outbox} media writes queued again" if res.requeued_outbox else ""))


# ------------------------------------------------------------------------- review


@cli.command()
@click.option("--port", default=8866, show_default=True, help="Port on 127.0.0.1 (0: any free).")
@click.option("--no-browser", is_flag=True, help="Only print the URL; open no browser.")
@click.option("--warm/--no-warm", default=True, show_default=True,
              help="Keep one kernel waiting with the page drawn, so opening or reloading the "
                   "page takes a second (costs one idle kernel).")
@click.pass_context
def review(ctx: click.Context, port: int, no_browser: bool, warm: bool) -> None:
    """The review UI as a standalone page (Voila), on localhost with a token."""
    from toolkit.ops.kernels import ensure_kernel_spec
    from toolkit.ui.review.serve import serve

    ensure_kernel_spec()  # the review notebook names the `chatbook` kernel; Voila looks it up
    raise SystemExit(serve(settings_from(ctx), port=port, open_browser=not no_browser,
                           echo=say, warm=warm))


# ------------------------------------------------------------------------- events (extract, review, export)


def primary_store(ctx: click.Context) -> Any:
    """The migrated primary store for one command (closed by click when the command ends)."""
    from toolkit.store.connect import open_db

    conn = open_db(settings_from(ctx))
    ctx.call_on_close(conn.close)
    return conn


@cli.command()
@click.option("--full", is_flag=True,
              help="Re-read every message, not only new ones (repeats merge, rejections stay).")
@JSON_OPTION
@click.pass_context
def extract(ctx: click.Context, full: bool, as_json: bool) -> None:
    """Find events in new messages (and images when media is on); write proposals."""
    from toolkit.extract.stage import extract_new

    report = extract_new(settings_from(ctx), full=full, progress=not as_json and sys.stderr.isatty())
    emit(report.as_dict() if as_json else report, as_json, lambda r: r.summary())


@cli.group("proposals")
def proposals_group() -> None:
    """The review queue from a terminal: list, show, accept, reject, edit, undo."""


@proposals_group.command("list")
@click.option("--status", "statuses", multiple=True,
              help="pending, accepted, edited, rejected or cancelled (repeatable).")
@click.option("--chat", help="Only proposals mentioned in this chat (its name).")
@click.option("--min-confidence", type=float)
@click.option("--order", type=click.Choice(["date", "confidence"]), default="date", show_default=True)
@JSON_OPTION
@click.pass_context
def proposals_list(ctx: click.Context, statuses: tuple[str, ...], chat: str | None,
                   min_confidence: float | None, order: str, as_json: bool) -> None:
    """List proposals (all statuses unless --status)."""
    from toolkit.review import proposals

    rows = proposals.list_proposals(primary_store(ctx), status=list(statuses) or None, chat=chat,
                                    min_confidence=min_confidence, order=order)
    emit(rows, as_json, lambda rs: "\n".join(map(proposals.describe, rs)) or "no proposals")


@proposals_group.command("show")
@click.argument("proposal_id", type=int)
@JSON_OPTION
@click.pass_context
def proposals_show(ctx: click.Context, proposal_id: int, as_json: bool) -> None:
    """One proposal with its source messages and audit trail."""
    from toolkit.review import proposals

    conn = primary_store(ctx)
    data = {"proposal": proposals.get_proposal(conn, proposal_id),
            "zone": proposals.proposal_zone(conn, proposal_id),
            "sources": proposals.proposal_sources(conn, proposal_id),
            "changes": proposals.proposal_changes(conn, proposal_id),
            "audit": proposals.audit_trail(conn, proposal_id)}
    emit(data, as_json, lambda d: "\n".join(
        [proposals.describe(d["proposal"]),
         f"  zone {d['zone']['tz']} ({d['zone']['source']}: {d['zone']['note']})"]
        + [f"  {s['sent_at']} {s['chat']} / {s['author']} ({s['role']}): {s['text']}"
           for s in d["sources"]]
        + [f"  changed {c['field']}: {c['before']} -> {c['after']} ({c['action']} by {c['by']})"
           for c in d["changes"]]
        + [f"  {a['at']} {a['reviewer']}: {a['action']}" for a in d["audit"]]))


def decided(conn: Any, proposal_id: int) -> dict[str, Any]:
    from toolkit.review import proposals

    return proposals.get_proposal(conn, proposal_id)


def version_or_current(conn: Any, proposal_id: int, version: int | None) -> int:
    """--version as given; omitted in a terminal, the version there is now."""
    from toolkit.review import proposals

    return version if version is not None else int(proposals.get_proposal(conn, proposal_id)["version"])


VERSION_OPTION = click.option("--version", "version", type=int,
                              help="The version you reviewed; a newer one refuses the decision.")


@proposals_group.command("accept")
@click.argument("proposal_id", type=int)
@VERSION_OPTION
@JSON_OPTION
@click.pass_context
def proposals_accept(ctx: click.Context, proposal_id: int, version: int | None, as_json: bool) -> None:
    """Accept a proposal as extracted: it becomes a calendar event."""
    from toolkit.review import proposals

    conn = primary_store(ctx)
    proposals.accept(conn, proposal_id, reviewer=settings_from(ctx).reviewer,
                     expected_version=version_or_current(conn, proposal_id, version))
    emit(decided(conn, proposal_id), as_json, lambda p: f"accepted: {proposals.describe(p)}")


@proposals_group.command("reject")
@click.argument("proposal_id", type=int)
@click.option("--reason", help="Why (kept in the audit trail).")
@VERSION_OPTION
@JSON_OPTION
@click.pass_context
def proposals_reject(ctx: click.Context, proposal_id: int, reason: str | None, version: int | None,
                     as_json: bool) -> None:
    """Reject a proposal: it is never proposed again."""
    from toolkit.review import proposals

    conn = primary_store(ctx)
    proposals.reject(conn, proposal_id, reviewer=settings_from(ctx).reviewer,
                     expected_version=version_or_current(conn, proposal_id, version), reason=reason)
    emit(decided(conn, proposal_id), as_json, lambda p: f"rejected: {proposals.describe(p)}")


@proposals_group.command("edit")
@click.argument("proposal_id", type=int)
@click.option("--title")
@click.option("--start", help="2025-05-17T10:00 (read in the event's zone) or 2025-05-17 if all-day.")
@click.option("--end", help="Like --start; an empty string clears it.")
@click.option("--all-day/--timed", "all_day", default=None)
@click.option("--location", help="An empty string clears it.")
@click.option("--tz", help="IANA time zone of the event, e.g. Europe/Madrid.")
@VERSION_OPTION
@JSON_OPTION
@click.pass_context
def proposals_edit(ctx: click.Context, proposal_id: int, title: str | None, start: str | None,
                   end: str | None, all_day: bool | None, location: str | None, tz: str | None,
                   version: int | None, as_json: bool) -> None:
    """Edit a proposal and accept it with the new values."""
    from toolkit.review import proposals

    given = {"title": title, "start": start, "end": end, "all_day": all_day, "location": location,
             "tz": tz}
    changes = {name: value for name, value in given.items() if value is not None}
    if not changes:
        raise click.UsageError("nothing to change: give --title, --start, --end, --all-day/--timed, "
                               "--location or --tz")
    conn = primary_store(ctx)
    proposals.accept(conn, proposal_id, reviewer=settings_from(ctx).reviewer,
                     expected_version=version_or_current(conn, proposal_id, version), changes=changes)
    emit(decided(conn, proposal_id), as_json, lambda p: f"{p['status']}: {proposals.describe(p)}")


@proposals_group.command("undo")
@click.argument("proposal_id", type=int)
@JSON_OPTION
@click.pass_context
def proposals_undo(ctx: click.Context, proposal_id: int, as_json: bool) -> None:
    """Revert the last decision on a proposal."""
    from toolkit.review import proposals

    result = proposals.undo(primary_store(ctx), proposal_id, reviewer=settings_from(ctx).reviewer)
    emit(result, as_json, lambda p: f"undid {p['undone']}: {proposals.describe(p)}")


@cli.group("events")
def events_group() -> None:
    """Accepted events: list them, export them as iCalendar."""


@events_group.command("list")
@click.option("--status", type=click.Choice(["confirmed", "cancelled"]))
@JSON_OPTION
@click.pass_context
def events_list(ctx: click.Context, status: str | None, as_json: bool) -> None:
    """Events in date order."""
    from toolkit.review.events import list_events

    rows = list_events(primary_store(ctx), status=status)
    emit(rows, as_json, lambda rs: "\n".join(
        f"{e['start']}  {e['title']}  ({e['status']}, seq {e['sequence']}, {e['uid']})" for e in rs
    ) or "no events")


@events_group.command("export")
@click.option("--ics", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .ics file to write (0600).")
@JSON_OPTION
@click.pass_context
def events_export(ctx: click.Context, path: Path, as_json: bool) -> None:
    """Write every event (cancelled ones as STATUS:CANCELLED) to an iCalendar file."""
    from toolkit.review.events import export_ics

    count = export_ics(primary_store(ctx), path)
    emit({"path": str(path), "events": count}, as_json,
         lambda d: f"wrote {d['events']} events to {d['path']}")


@cli.group("agent")
def agent_group() -> None:
    """Drafts of what the assistant would post back: confirmations, digests."""


def describe_drafts(rows: list[dict[str, Any]]) -> str:
    return "\n\n".join(f"#{m['id']} {m['kind']} to {m['chat']} ({m['lang']}, {m['status']}):\n{m['body']}"
                       for m in rows) or "no drafts"


@agent_group.command("drafts")
@JSON_OPTION
@click.pass_context
def agent_drafts(ctx: click.Context, as_json: bool) -> None:
    """Agent messages waiting to be posted."""
    from toolkit.review.agent import list_messages

    emit(list_messages(primary_store(ctx), status="draft"), as_json, describe_drafts,
         multiline=True)


@agent_group.command("digest")
@click.option("--week", help="ISO week, e.g. 2025-W20 (default: this week).")
@JSON_OPTION
@click.pass_context
def agent_digest(ctx: click.Context, week: str | None, as_json: bool) -> None:
    """Draft one digest per chat of the week's events."""
    from toolkit.review.agent import weekly_digests

    emit(weekly_digests(primary_store(ctx), week), as_json, describe_drafts, multiline=True)


@agent_group.command("mark-sent")
@click.argument("message_id", type=int)
@JSON_OPTION
@click.pass_context
def agent_mark_sent(ctx: click.Context, message_id: int, as_json: bool) -> None:
    """Record that you posted a draft."""
    from toolkit.review.agent import mark_sent

    emit(mark_sent(primary_store(ctx), message_id), as_json, lambda m: describe_drafts([m]),
         multiline=True)


# ------------------------------------------------------------------------- search: embed, search


@cli.command()
@click.option("--full", is_flag=True, help="Forget this model's vectors and embed everything again.")
@JSON_OPTION
@click.pass_context
def embed(ctx: click.Context, full: bool, as_json: bool) -> None:
    """Embed messages that have no vector yet for the current model (EMBED_MODEL)."""
    from toolkit.search.embed import embed_new

    report = embed_new(settings_from(ctx), full=full, progress=not as_json and sys.stderr.isatty())

    def human(rep: Any) -> str:
        lines = [
            f"{rep.model} ({rep.dim}-d, {rep.backend}): {rep.stored} vectors stored for "
            f"{rep.eligible} of {rep.scanned} new messages in {rep.seconds:.1f} s",
            f"  {rep.embedded} distinct texts embedded, {rep.reused} reused, "
            f"{rep.skipped} without text to embed",
        ]
        return "\n".join(lines + [f"  note: {w}" for w in rep.warnings])

    emit(report.as_dict() if as_json else report, as_json, human)


@cli.command("search")
@click.argument("query")
@click.option("-k", "k", default=10, show_default=True, help="How many messages to return.")
@click.option("--mode", type=click.Choice(["hybrid", "vector", "keyword"]), default="hybrid",
              show_default=True, help="By meaning and words, by meaning only, or by words only.")
@click.option("--chat", help="Only this chat (its name).")
@click.option("--author", help="Only messages by this author.")
@click.option("--since", help="From this date (YYYY-MM-DD or ISO date-time).")
@click.option("--until", help="Up to and including this date.")
@click.option("--context", "context", default=2, show_default=True,
              help="Messages of conversation to show before and after each hit.")
@click.option("--history", is_flag=True,
              help="Words also match what edited messages said before their edit.")
@JSON_OPTION
@click.pass_context
def search_command(ctx: click.Context, query: str, k: int, mode: str, chat: str | None,
                   author: str | None, since: str | None, until: str | None, context: int,
                   history: bool, as_json: bool) -> None:
    """Ranked messages for QUERY, with the conversation around each."""
    from toolkit.search.query import format_hits, search_messages

    hits = search_messages(settings_from(ctx), query, k=k, mode=mode, chat=chat, author=author,
                  since=since, until=until, context=context, history=history)
    # multiline: the hit lines fold a message's own line breaks into spaces themselves
    emit([h.as_dict() for h in hits] if as_json else hits, as_json, format_hits, multiline=True)


# ------------------------------------------------------------------------- pipeline


def run_text(result: dict[str, Any]) -> str:
    """Human lines for a finished run: each notebook, then the headline figures."""
    lines = [f"run {result['run_id']} {result['status']}: {result['run_dir']}"]
    for nb in result["notebooks"]:
        where = nb["html"] or nb["notebook"] or ""
        lines.append(f"  {nb['name']:12} {nb['status']:10} {nb['seconds']:7.1f} s  {where}")
    summary = result.get("summary") or {}
    if "messages" in summary:
        lines.append(
            f"new: {summary['messages']['new']} messages, {summary['embeddings']['new']} "
            f"embeddings, {summary['proposals']['new']} proposals "
            f"({summary['proposals']['pending']} waiting for review: chatbook review)"
        )
    return "\n".join(lines)


@cli.command("run")
@click.argument("notebooks", nargs=-1)
@click.option("-p", "--parameter", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Set a notebook parameter (NAME or NOTEBOOK.NAME); repeatable.")
@click.option("-f", "--parameters-file", "param_file",
              type=click.Path(path_type=Path, dir_okay=False),
              help="YAML mapping of parameter names to values (-p wins).")
@click.option("--full", is_flag=True, help="Reprocess everything, not only what is new.")
@click.option("--cell-timeout", type=click.IntRange(min=1), default=None,
              help="Seconds a single cell may run [default: 1800].")
@click.option("--help-notebook", metavar="NAME", help="List a notebook's parameters and exit.")
@JSON_OPTION
@click.pass_context
def run_command(ctx: click.Context, notebooks: tuple[str, ...], params: tuple[tuple[str, str], ...],
                param_file: Path | None, full: bool, cell_timeout: int | None,
                help_notebook: str | None, as_json: bool) -> None:
    """Run the pipeline notebooks with papermill (default: ingest, embed, extract, report).

    NOTEBOOK is a name like `ingest`, `06_explore` or a path to a notebook. Each run leaves its
    executed notebooks, HTML and summary in RUNS_DIR/<UTC time>-<run id>/.
    """
    from toolkit.ops import pipeline

    if help_notebook:
        info = pipeline.notebook_help(help_notebook)
        emit(info, as_json, lambda i: "\n".join(
            [f"{i['notebook']} ({i['path']})"]
            + [f"  -p {p['name']} ({p['type']}, default {p['default']!r})  {p['help']}"
               for p in i["parameters"]]))
        return
    try:
        result = pipeline.run_pipeline(
            settings_from(ctx), notebooks, params, param_file, full=full,
            cell_timeout=cell_timeout or pipeline.DEFAULT_CELL_TIMEOUT,
            progress=lambda line: say(line, err=True), progress_bar=sys.stderr.isatty(),
        )
    except pipeline.RunFailed as failure:
        if as_json:
            emit(failure.result.as_dict(), True)
        raise
    emit(result.as_dict(), as_json, run_text)


@cli.command()
@JSON_OPTION
@click.pass_context
def demo(ctx: click.Context, as_json: bool) -> None:
    """The main job: init, run the pipeline on data/sample, export the .ics, say where it is."""
    from toolkit.ops.demo import demo_text, run_demo

    outcome = run_demo(settings_from(ctx), progress=lambda line: say(line, err=True),
                       progress_bar=sys.stderr.isatty())
    emit(outcome, as_json, demo_text)


# ------------------------------------------------------------------------- ingest: exports in, messages out


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--chat", help="Chat name for every export given (default: from the file name).")
@click.option("--tz", help="IANA time zone the export's times are in (default: inferred from the "
              "authors' phone numbers, else this machine's zone or CHATBOOK_TZ; see `chatbook chats`).")
@click.option("--date-order", type=click.Choice(["auto", "dmy", "mdy", "ymd"]), default="auto",
              show_default=True, help="Day/month order of the export's dates.")
@JSON_OPTION
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], chat: str | None, tz: str | None,
           date_order: str, as_json: bool) -> None:
    """Import WhatsApp exports (.txt, .zip with media, folders); only new messages are added."""
    from toolkit.ingest.importer import ingest_paths

    report = ingest_paths(settings_from(ctx), list(paths), chat=chat, tz=tz,
                          date_order=date_order, progress=not as_json and sys.stderr.isatty())
    emit(report.as_dict() if as_json else report, as_json,
         lambda rep: rep.summary(failures=False))
    if not report.ok:
        say(report.failures(), err=True)  # one `FAILED file:line: why` line per rejected file
        sys.exit(1)


@cli.group("messages")
def messages_group() -> None:
    """Messages as parsed from the exports."""


@messages_group.command("export")
@click.option("--chat", help="Only this chat (its name).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: stdout; parquet needs a file).")
@click.pass_context
def messages_export(ctx: click.Context, chat: str | None, fmt: str, output: Path | None) -> None:
    """Write messages as JSON lines, CSV or Parquet."""
    from toolkit.ingest.importer import export_messages

    count = export_messages(settings_from(ctx), fmt, output, chat=chat)
    if output is not None:
        say(f"{count} messages written to {output}", err=True)


# ------------------------------------------------------------------------- chats: zones, names


@cli.group("chats", invoke_without_command=True)
@JSON_OPTION
@click.pass_context
def chats_group(ctx: click.Context, as_json: bool) -> None:
    """Your chats: messages, time zone and where it came from, language (same as `chats list`)."""
    if ctx.invoked_subcommand is None:
        show_chats(ctx, as_json)


def show_chats(ctx: click.Context, as_json: bool) -> None:
    from toolkit.ingest.zones import describe_chats, list_chats

    emit(list_chats(primary_store(ctx)), as_json, describe_chats)


@chats_group.command("list")
@JSON_OPTION
@click.pass_context
def chats_list(ctx: click.Context, as_json: bool) -> None:
    """Every chat with its messages, zone, where the zone came from, and language."""
    show_chats(ctx, as_json)


@chats_group.command("set-tz")
@click.argument("chat")
@click.argument("zone")
@JSON_OPTION
@click.pass_context
def chats_set_tz(ctx: click.Context, chat: str, zone: str, as_json: bool) -> None:
    """Give CHAT the time zone ZONE, an IANA name such as Europe/Madrid.

    Its messages are re-timed and its proposals and events move in place: same ids and UIDs,
    and the next `events export` carries each changed event with SEQUENCE+1.
    """
    from toolkit.extract.stage import describe_zone_change, set_chat_zone

    emit(set_chat_zone(settings_from(ctx), chat, zone), as_json, describe_zone_change)


@chats_group.command("merge")
@click.argument("kept")
@click.argument("merged")
@JSON_OPTION
@click.pass_context
def chats_merge(ctx: click.Context, kept: str, merged: str, as_json: bool) -> None:
    """Merge chat MERGED into chat KEPT: the same chat from two phones, or renamed.

    A message KEPT already has is folded into it (with the proposals that cite it, and its
    media file if KEPT's copy had none); an edit or deletion MERGED shows is applied; the rest
    move over. MERGED's name stays as another name of KEPT, so its next export lands there.
    """
    from toolkit.ingest.merge import MergeNote, merge_chats

    note = merge_chats(settings_from(ctx), primary_store(ctx), kept, merged)
    emit(note.as_dict(), as_json, lambda data: MergeNote(**data).describe())


# ------------------------------------------------------------------------- media: images, OCR, extractions


@cli.group("media")
def media_group() -> None:
    """Image attachments (IMAGE_PROCESSING_ENABLED=true): OCR results in Postgres."""


@media_group.command("status")
@JSON_OPTION
@click.pass_context
def media_status_command(ctx: click.Context, as_json: bool) -> None:
    """Images in Postgres, their extractions by status, and what is waiting."""
    from toolkit.extract.media import media_status

    status = media_status(settings_from(ctx), primary_store(ctx))

    def human(st: dict[str, Any]) -> str:
        if not st["enabled"]:
            return "media processing is off (IMAGE_PROCESSING_ENABLED=false)"
        lines = [f"outbox: {st['outbox_pending']} attachment writes pending"]
        if "waiting" in st:
            return "\n".join([f"media work is waiting: {st['waiting']}", *lines])
        lines.insert(0, f"images: {st['images']} ({st['images_pending']} not processed yet by "
                        f"{st['extractor']})")
        lines += [f"  {name}: {count}" for name, count in st["extractions"].items()]
        return "\n".join(lines)

    emit(status, as_json, human)


# ------------------------------------------------------------------------- event extraction (text)


@cli.command("extract-events")
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path),
              help="JSONL: {id, text, ref_time[, tz, locale, lang]} per line.")
@click.option("--output", "output_path", required=True, type=click.Path(path_type=Path),
              help="JSONL written here: {id, events: [...]} per input line.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes sharing a large file (default: one per core).")
@JSON_OPTION
def extract_events_command(input_path: Path, output_path: Path, workers: int | None,
                           as_json: bool) -> None:
    """Find events in each message of a JSONL file (batch interface, no stores touched)."""
    from toolkit.extract.text import extract_file

    stats = extract_file(input_path, output_path,
                         on_error=lambda error: say(f"chatbook: {visible(str(error))}", err=True),
                         workers=workers)
    emit(stats, as_json, lambda s: f"{s['messages']} messages, {s['events']} events -> {output_path}")


# ------------------------------------------------------------------------- entry point


def main() -> None:
    """Run the CLI; our own errors become one line on stderr, never a traceback."""
    # Chats are personal: whatever this process and its children create (stores, indexes,
    # run folders, kernels' files, pg_dump output, exports) is owner-only, even where a
    # module forgets to ask. Existing files and folders keep their modes.
    os.umask(0o077)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ChatbookError as error:
        say(f"chatbook: {visible(str(error))}", err=True)
        sys.exit(error.exit_code)
    except OSError as error:  # a folder that is a file, no permission, a disk full: one line
        if os.environ.get("CHATBOOK_DEBUG"):
            raise
        say(f"chatbook: {visible(os_error_line(error))}", err=True)
        sys.exit(OS_ERROR_EXIT)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


OS_ERROR_EXIT = 1


def os_error_line(error: OSError) -> str:
    """`PATH: what went wrong` for an OSError a user can cause (the path first, as `ls` and
    `cp` say it); a broken pipe or a socket error without a path is just its reason."""
    reason = error.strerror or str(error)
    if error.filename is None:
        return reason
    where = os.fsdecode(error.filename)
    if error.filename2 is not None:
        where += f" -> {os.fsdecode(error.filename2)}"
    return f"{where}: {reason}"
