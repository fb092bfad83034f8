"""`chatbook`: a thin click layer over the toolkit's Python API.

Every command loads settings once (a wrong value is one line, never a traceback), calls one
toolkit function, and prints either a short human summary or, with `--json`, the data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from toolkit import __version__
from toolkit.config import Settings, load_settings
from toolkit.errors import ChatbookError

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def settings_from(ctx: click.Context) -> Settings:
    """Settings are loaded lazily so `--help` works even with a broken environment."""
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings()
    return obj["settings"]  # type: ignore[no-any-return]


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    if as_json or human is None:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(human(data))


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
    from toolkit.stores import migrate_all

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
    from toolkit.stores import migrate_all

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
    from toolkit.doctor import repair_then_check, run_checks

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
        lines.append(f"{'ok ' if ops['ok'] else '!! '}outbox    {ops['outbox_pending']} pending")
        lines += [f"   counter  {k} = {v}" for k, v in ops["counters"].items()]
        from toolkit.doctor import integrity_lines

        lines += integrity_lines(rep)
        return "\n".join(lines)

    emit(report, as_json, human)
    if not report["ok"]:
        sys.exit(1)


@cli.command()
@click.option("--port", default=8888, show_default=True)
@click.option("--no-browser", is_flag=True)
@click.pass_context
def lab(ctx: click.Context, port: int, no_browser: bool) -> None:
    """JupyterLab on notebooks/ with the environment set, bound to localhost with a token."""
    settings = settings_from(ctx)
    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    env = {**os.environ, **settings.as_env()}
    command = [
        sys.executable, "-m", "jupyterlab", f"--notebook-dir={notebooks}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
    ]
    if no_browser:
        command.append("--no-browser")
    raise SystemExit(subprocess.call(command, env=env))


# ------------------------------------------------------------------------- reliability


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path))
@JSON_OPTION
@click.pass_context
def backup(ctx: click.Context, dest: Path, as_json: bool) -> None:
    """Consistent online copies of every store and the attachment files into DEST (new folder)."""
    from toolkit.backup import backup as take_backup

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
    from toolkit.backup import restore as run_restore

    result = run_restore(settings_from(ctx), src)
    emit(result.as_dict() if as_json else result, as_json,
         lambda res: "restored " + ", ".join(res.restored)
         + (f"; {res.requeued_outbox} media writes queued again" if res.requeued_outbox else ""))


# ------------------------------------------------------------------------- review


@cli.command()
@click.option("--port", default=8866, show_default=True, help="Port on 127.0.0.1 (0: any free).")
@click.option("--no-browser", is_flag=True, help="Only print the URL; open no browser.")
@click.pass_context
def review(ctx: click.Context, port: int, no_browser: bool) -> None:
    """The review UI as a standalone page (Voila), on localhost with a token."""
    from toolkit.review import serve

    raise SystemExit(serve(settings_from(ctx), port=port, open_browser=not no_browser,
                           echo=click.echo))


# ------------------------------------------------------------------------- entry point


def main() -> None:
    """Run the CLI; our own errors become one line on stderr, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ChatbookError as error:
        click.echo(f"chatbook: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
