"""`chatbook run`: execute the pipeline notebooks with papermill, unattended and accountable.

A run checks every parameter against each notebook's typed parameters cell before anything
starts, takes a lock (cron must never run two at once), executes the notebooks in order on a
kernel of the running interpreter (`ops/kernels`) with the settings in its environment, keeps
each executed notebook and its HTML under `RUNS_DIR/<UTC timestamp>-<run id>/`, and records
the run in `pipeline_runs`. The first failing notebook stops the run; its executed copy shows
the error.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.config import Settings, redact_text
from toolkit.dsn import dsn_secrets
from toolkit.errors import ChatbookError, InputError, LockedError
from toolkit.fsutil import ensure_private_dir, write_private_text
from toolkit.ops import nbparams
from toolkit.ops.kernels import KERNEL_NAME, interpreter_spec, require_notebook_extra
from toolkit.ops.nbparams import Parameter
from toolkit.resources import notebooks_dir, source_checkout
from toolkit.store import db, runs

NOTEBOOKS_DIR = notebooks_dir()
DEFAULT_NOTEBOOKS = ("01_ingest", "02_embed", "04_extract", "07_report")
DEFAULT_CELL_TIMEOUT = 1800  # seconds; embedding a large first import takes a while
LOCK_NAME = ".run.lock"
# Filled in by the runner, never by the user: the run's id and the --full flag.
RUN_ID_PARAM = "run_id"
FULL_PARAM = "full"
SECRET_NAME = re.compile(r"pass(word)?|secret|token|api[_-]?key|dsn", re.IGNORECASE)

Progress = Callable[[str], None]


class RunLocked(LockedError):
    """Another run holds the lock; EX_TEMPFAIL so cron wrappers can tell it from a failure."""

    exit_code = 75


class RunFailed(ChatbookError):
    """A notebook failed; the message is the one line naming notebook, cell and error."""

    def __init__(self, message: str, result: RunResult):
        super().__init__(message)
        self.result = result


# ------------------------------------------------------------------------ notebooks


def available_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("."))


def resolve_notebook(name: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> Path:
    """`ingest`, `01_ingest`, `01_ingest.ipynb` or a path to a notebook file."""
    candidate = Path(name)
    if candidate.suffix == ".ipynb" and candidate.is_file():
        return candidate.resolve()
    stem = name.removesuffix(".ipynb")
    found = available_notebooks(notebooks_dir)
    for path in found:
        if path.stem == stem or path.stem.split("_", 1)[-1] == stem:
            return path
    names = ", ".join(p.stem for p in found) or "none"
    raise InputError(f"unknown notebook {name!r} (available: {names})")


def notebook_help(name: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> dict[str, Any]:
    """What `chatbook run --help-notebook NAME` shows: the parameters with types and help."""
    path = resolve_notebook(name, notebooks_dir)
    params = nbparams.read_parameters(path)
    return {"notebook": path.stem, "path": str(path),
            "parameters": [p.as_dict() for p in params.values()]}


# ------------------------------------------------------------------------ planning


@dataclass
class Stage:
    """One notebook of a run, with the checked values to inject."""

    name: str
    path: Path
    declared: dict[str, Parameter]
    values: dict[str, Any] = field(default_factory=dict)


def read_param_file(path: Path) -> list[tuple[str, Any]]:
    """`-f params.yaml`: a mapping of parameter names (or `notebook.name`) to values."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read parameters file: {error.strerror}", path) from None
    except UnicodeDecodeError:
        raise InputError("parameters file is not UTF-8 text", path) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise InputError(problem, path, mark.line + 1 if mark else None) from None
    if data is None:
        return []
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise InputError("expected a mapping of parameter names to values", path)
    return list(data.items())


def plan_run(
    notebooks: Sequence[str] = (),
    params: Sequence[tuple[str, str]] = (),
    param_file: Path | None = None,
    *,
    full: bool = False,
    notebooks_dir: Path = NOTEBOOKS_DIR,
) -> list[Stage]:
    """Resolve notebooks and check every parameter; raises InputError before anything runs."""
    names = list(notebooks) or list(DEFAULT_NOTEBOOKS)
    stages = []
    for name in names:
        path = resolve_notebook(name, notebooks_dir)
        stages.append(Stage(path.stem, path, nbparams.read_parameters(path)))
    given: list[tuple[str, Any, str]] = []
    if param_file is not None:
        given += [(k, v, str(param_file)) for k, v in read_param_file(param_file)]
    given += [(k, v, "-p") for k, v in params]  # the command line wins over the file
    for name, value, origin in given:
        assign(stages, name, value, origin)
    for stage in stages:
        if FULL_PARAM in stage.declared and full:
            stage.values[FULL_PARAM] = nbparams.coerce(stage.declared[FULL_PARAM], True, "--full")
    return stages


def user_parameters(stage: Stage) -> list[str]:
    return [name for name in stage.declared if name not in (RUN_ID_PARAM, FULL_PARAM)]


def assign(stages: list[Stage], name: str, value: Any, origin: str) -> None:
    """Give `value` to every stage declaring `name` (or only to `notebook.name`'s notebook)."""
    target, _, bare = name.rpartition(".")
    if bare in (RUN_ID_PARAM, FULL_PARAM):
        hint = "use --full" if bare == FULL_PARAM else "the runner sets it"
        raise InputError(f"parameter {bare!r} ({origin}) cannot be set by hand: {hint}")
    chosen = [s for s in stages if not target or target in (s.name, s.name.split("_", 1)[-1])]
    if target and not chosen:
        raise InputError(f"parameter {name!r} ({origin}): notebook {target!r} is not in this run "
                         f"({', '.join(s.name for s in stages)})")
    takers = [s for s in chosen if bare in s.declared]
    if not takers:
        known = "; ".join(f"{s.name}: {', '.join(user_parameters(s)) or '-'}" for s in chosen)
        raise InputError(f"unknown parameter {name!r} ({origin}): no notebook in this run "
                         f"declares it ({known})")
    for stage in takers:
        stage.values[bare] = nbparams.coerce(stage.declared[bare], value, origin)


# ------------------------------------------------------------------------ the lock


def process_start_ticks(pid: int) -> int | None:
    """When `pid` started (clock ticks since boot, Linux); tells a reused pid from the owner."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def lock_is_stale(info: dict[str, Any]) -> bool:
    pid = info.get("pid")
    if not isinstance(pid, int) or not pid_alive(pid):
        return True
    if info.get("host") not in (None, socket.gethostname()):
        return False  # a shared folder: we cannot see that host's processes, so trust it
    ticks = info.get("start_ticks")
    return ticks is not None and process_start_ticks(pid) not in (None, ticks)


def read_lock(path: Path) -> dict[str, Any] | None:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: written atomically, so only a foreign file; treat as stale
    return info if isinstance(info, dict) else {}


@contextlib.contextmanager
def taking_turns(runs_dir: Path) -> Iterator[None]:
    """Serialise the check-and-replace of the lock file between processes: without it, two
    runs that both find a stale lock could each remove the other's fresh one. The flock is
    held for milliseconds and vanishes with its process, so it can never go stale itself."""
    import fcntl

    fd = os.open(runs_dir / ".run.lock.guard", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def take_lock(path: Path, info: dict[str, Any], progress: Progress) -> dict[str, Any] | None:
    """Create the lock file or raise RunLocked; a dead holder's lock is replaced. Returns the
    stale holder's info, if there was one."""
    tmp = path.with_name(f".run.lock.{os.getpid()}.{uuid.uuid4().hex[:6]}")
    write_private_text(tmp, json.dumps(info))
    try:
        with taking_turns(path.parent):
            try:
                os.link(tmp, path)  # atomic create-if-absent, with the content in place
                return None
            except FileExistsError:
                pass
            holder = read_lock(path) or {}
            if not lock_is_stale(holder):
                raise RunLocked(
                    f"another chatbook run is in progress (pid {holder.get('pid')}, started "
                    f"{holder.get('started_at')}, run {holder.get('run_id')}); lock file {path}"
                )
            os.replace(tmp, path)
            progress(f"cleared a stale lock from pid {holder.get('pid')} "
                     f"(run {holder.get('run_id')}), which is no longer running")
            return holder
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def run_lock(runs_dir: Path, run_id: str, progress: Progress) -> Iterator[dict[str, Any]]:
    """Hold `RUNS_DIR/.run.lock` (pid + start time) for the run; clear a dead run's lock."""
    ensure_private_dir(runs_dir)
    path = runs_dir / LOCK_NAME
    info = {"pid": os.getpid(), "run_id": run_id, "started_at": db.utc_now(),
            "host": socket.gethostname(), "start_ticks": process_start_ticks(os.getpid())}
    stale = take_lock(path, info, progress)
    try:
        yield {"stale": stale}
    finally:
        if (read_lock(path) or {}).get("run_id") == run_id:
            path.unlink(missing_ok=True)


# ------------------------------------------------------------------------ results


@dataclass
class NotebookResult:
    name: str
    status: str  # succeeded / failed / interrupted / skipped
    seconds: float = 0.0
    notebook: str | None = None
    html: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    cell: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "seconds": round(self.seconds, 2),
            "notebook": self.notebook, "html": self.html, "cell": self.cell,
            "error": self.error,
        }


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    started_at: str
    status: str = "running"
    notebooks: list[NotebookResult] = field(default_factory=list)
    error: str | None = None
    finished_at: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "status": self.status, "run_dir": str(self.run_dir),
            "started_at": self.started_at, "finished_at": self.finished_at,
            "notebooks": [n.as_dict() for n in self.notebooks], "error": self.error,
            "summary": self.summary,
        }


# ------------------------------------------------------------------------ recording


def git_commit(root: Path | None = None) -> str | None:
    """The checkout's commit, when this runs from a git checkout and git is installed."""
    root = root or source_checkout()
    if root is None:
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def secrets_of(settings: Settings) -> list[str]:
    """Values that must never be recorded: the media DSN's password, in every form it takes."""
    return dsn_secrets(settings.media_db_url)


def redacted_parameters(stages: list[Stage], settings: Settings) -> str:
    """The injected values as JSON, with secret-looking names and DSN passwords blanked."""
    shown = {
        stage.name: {k: ("***" if SECRET_NAME.search(k) else v) for k, v in stage.values.items()}
        for stage in stages
    }
    return redact_text(json.dumps(shown, ensure_ascii=False, default=str), secrets_of(settings))


def insert_run(conn: db.Connection, result: RunResult, parameters: str) -> None:
    with db.transaction(conn):
        runs.insert_run(conn, run_id=result.run_id, started_at=result.started_at,
                        parameters=parameters, toolkit_version=__version__,
                        git_commit=git_commit(), output_dir=str(result.run_dir))


def update_run(conn: db.Connection, result: RunResult, settings: Settings) -> None:
    secrets = secrets_of(settings)
    notebooks = redact_text(json.dumps([n.as_dict() for n in result.notebooks], default=str),
                            secrets)
    error = redact_text(result.error, secrets) if result.error else None
    with db.transaction(conn):
        runs.update_run(conn, result.run_id, status=result.status,
                        finished_at=result.finished_at, notebooks=notebooks, error=error)


def mark_interrupted(conn: db.Connection, run_id: str | None, why: str) -> None:
    """A run whose process died keeps status 'running' forever unless someone says otherwise."""
    if not run_id:
        return
    with db.transaction(conn):
        runs.mark_interrupted(conn, run_id, why)


# ------------------------------------------------------------------------ executing


@contextlib.contextmanager
def kernel_environment(settings: Settings, run_id: str, full: bool) -> Iterator[None]:
    """The kernel inherits our environment: put the settings there, and restore afterwards."""
    extra = {**settings.as_env(), "CHATBOOK_RUN_ID": run_id, "CHATBOOK_FULL": "1" if full else "0"}
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """systemd stops a unit with SIGTERM: unwind like Ctrl-C so the run is recorded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def one_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # ANSI colours from tracebacks
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source_cell_number(cell_index: int, injected_at: int) -> int:
    """1-based number of the failing cell in the notebook as written (without our cell)."""
    return cell_index + (0 if cell_index < injected_at else -1) + 1


def timed_out_cell(output: Path) -> int | None:
    """The executed-notebook index of the cell that was running when time ran out."""
    try:
        nb = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    started = [i for i, cell in enumerate(nb.get("cells", []))
               if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def kernel_manager_logging_to(log_path: Path) -> type:
    """A kernel manager for this interpreter's kernel (no installed spec needed, see
    ops/kernels), which writes its own stdout/stderr (start-up warnings, a crash) to
    `log_path` in the run folder instead of over the progress lines."""
    from jupyter_client.manager import AsyncKernelManager

    spec = interpreter_spec()

    class LoggedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            # Unix sockets in the private runtime folder rather than open loopback ports.
            kwargs.setdefault("transport", "ipc")
            super().__init__(**kwargs)

        @property
        def kernel_spec(self) -> Any:
            return spec

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            fd = os.open(log_path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
            with os.fdopen(fd, "ab") as handle:  # the child keeps its own copy of the fd
                kw["stdout"] = kw["stderr"] = handle
                await super()._async_launch_kernel(kernel_cmd, **kw)

    return LoggedKernelManager


def execute_stage(stage: Stage, run_dir: Path, run_id: str, *, cell_timeout: int,
                  progress_bar: bool) -> NotebookResult:
    """Run one notebook with papermill into the run folder, then render it to HTML."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    values = dict(stage.values)
    if RUN_ID_PARAM in stage.declared:
        values[RUN_ID_PARAM] = run_id
    nb = nbparams.load_notebook(stage.path)
    injected_at = nbparams.inject(nb, values)
    node = nbformat.reads(json.dumps(nb), as_version=4)
    output = run_dir / f"{stage.name}.ipynb"
    result = NotebookResult(stage.name, "running", notebook=str(output), parameters=values)
    started = time.monotonic()
    try:
        papermill.execute_notebook(
            node, str(output), kernel_name=KERNEL_NAME, progress_bar=progress_bar,
            execution_timeout=cell_timeout, cwd=os.getcwd(), start_timeout=120,
            kernel_manager_class=kernel_manager_logging_to(run_dir / f"{stage.name}.kernel.log"),
        )
        result.status = "succeeded"
    except PapermillExecutionError as error:
        result.status = "failed"
        result.cell = source_cell_number(error.cell_index, injected_at)
        result.error = one_line(f"{error.ename}: {error.evalue}" if error.evalue else error.ename)
    except KeyboardInterrupt:
        result.status = "interrupted"
        result.error = "interrupted"
        raise
    except Exception as error:  # a timeout, a dead kernel: papermill saved what it had
        result.status = "failed"
        index = timed_out_cell(output)
        result.cell = source_cell_number(index, injected_at) if index is not None else None
        result.error = (f"timed out after {cell_timeout} s (the per-cell limit, --cell-timeout)"
                        if isinstance(error, TimeoutError)
                        else one_line(f"{type(error).__name__}: {error}"))
    finally:
        result.seconds = time.monotonic() - started
        finish_outputs(output, result)
        kernel_log = run_dir / f"{stage.name}.kernel.log"
        if kernel_log.exists() and not kernel_said_something(kernel_log, result.status):
            kernel_log.unlink()  # keep the log only when the kernel had something to say
    return result


# The kernel manager interrupts a kernel that is slow to stop once its notebook is done; the
# kernel then logs this line. After a successful run it says nothing about the run.
_SHUTDOWN_NOISE = re.compile(r"\[IPKernelApp\] ERROR \| KeyboardInterrupt caught in kernel\.?")


def kernel_said_something(log: Path, status: str) -> bool:
    """Whether a stage's kernel log is worth keeping: anything at all after a failure, and
    anything but the shutdown interrupt's line after a success."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    if status != "succeeded":
        return bool(lines)
    return any(not _SHUTDOWN_NOISE.fullmatch(line.strip()) for line in lines)


def finish_outputs(output: Path, result: NotebookResult) -> None:
    """Make the executed notebook private and render its HTML (also for a failed one)."""
    if not output.exists():
        result.notebook = None
        return
    output.chmod(0o600)
    html = output.with_suffix(".html")
    try:
        write_private_text(html, render_html(output))
        result.html = str(html)
    except Exception as error:  # the notebook is the record; HTML is a convenience
        result.html = None
        result.error = result.error or one_line(f"HTML rendering failed: {error}")


# nbconvert's lab template loads require.js, MathJax, Mermaid and the widget renderer from
# CDNs. A run report is read offline, perhaps years later: it renders from the page alone
# (math stays as its TeX source, a widget as its text fallback) and asks no one for anything.
OFFLINE_TEMPLATE = "chatbook_offline.html.j2"
OFFLINE_TEMPLATE_SOURCE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


def render_html(notebook: Path) -> str:
    """The executed notebook as one self-contained HTML page that loads nothing remote."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", template_file=OFFLINE_TEMPLATE,
                            extra_loaders=[DictLoader({OFFLINE_TEMPLATE: OFFLINE_TEMPLATE_SOURCE})])
    body, _resources = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    return str(body)


def failure_line(result: NotebookResult) -> str:
    cell = f", cell {result.cell}" if result.cell is not None else ""
    return f"{result.name}{cell}: {result.error} (executed notebook: {result.notebook})"


# ------------------------------------------------------------------------ a run


def new_run(runs_dir: Path) -> RunResult:
    now = datetime.now(UTC).replace(microsecond=0)
    run_id = uuid.uuid4().hex[:8]
    run_dir = runs_dir / f"{now.strftime('%Y%m%dT%H%M%SZ')}-{run_id}"
    return RunResult(run_id, run_dir, now.isoformat())


def run_pipeline(
    settings: Settings,
    notebooks: Sequence[str] = (),
    params: Sequence[tuple[str, str]] = (),
    param_file: Path | None = None,
    *,
    full: bool = False,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: Progress | None = None,
    progress_bar: bool = False,
) -> RunResult:
    """Check, lock, execute every stage, record; raises RunFailed when a notebook fails."""
    say = progress or (lambda _line: None)
    stages = plan_run(notebooks, params, param_file, full=full, notebooks_dir=notebooks_dir)
    require_notebook_extra()
    from toolkit.store.connect import ensure_dirs, open_db

    ensure_dirs(settings)
    result = new_run(settings.runs_dir)
    conn = open_db(settings)
    try:
        with run_lock(settings.runs_dir, result.run_id, say) as lock, sigterm_as_interrupt():
            stale = lock["stale"] or {}
            mark_interrupted(conn, stale.get("run_id"),
                             f"process {stale.get('pid')} died while running")
            ensure_private_dir(result.run_dir)
            insert_run(conn, result, redacted_parameters(stages, settings))
            say(f"run {result.run_id}: {len(stages)} notebook(s) -> {result.run_dir}")
            try:
                with kernel_environment(settings, result.run_id, full):
                    run_stages(stages, result, settings, conn, say, cell_timeout, progress_bar)
            except KeyboardInterrupt:
                finish(result, settings, conn, "interrupted", "interrupted by a signal")
                say(f"run {result.run_id} interrupted; executed notebooks so far are in "
                    f"{result.run_dir}")
                raise
        if result.status == "failed":
            raise RunFailed(f"run {result.run_id} failed in {result.error}", result)
        return result
    finally:
        conn.close()


def run_stages(stages: list[Stage], result: RunResult, settings: Settings, conn: db.Connection,
               say: Progress, cell_timeout: int, progress_bar: bool) -> None:
    for number, stage in enumerate(stages, 1):
        say(f"[{number}/{len(stages)}] {stage.name} ...")
        try:
            outcome = execute_stage(stage, result.run_dir, result.run_id,
                                    cell_timeout=cell_timeout, progress_bar=progress_bar)
        except KeyboardInterrupt:
            result.notebooks.append(NotebookResult(stage.name, "interrupted"))
            raise
        result.notebooks.append(outcome)
        if outcome.status != "succeeded":
            say(f"[{number}/{len(stages)}] {stage.name} FAILED after {outcome.seconds:.1f} s")
            result.notebooks += [NotebookResult(s.name, "skipped") for s in stages[number:]]
            finish(result, settings, conn, "failed", failure_line(outcome))
            return
        say(f"[{number}/{len(stages)}] {stage.name} ok ({outcome.seconds:.1f} s)")
        update_run(conn, result, settings)
    finish(result, settings, conn, "succeeded", None)


def finish(result: RunResult, settings: Settings, conn: db.Connection, status: str,
           error: str | None) -> None:
    """Record the outcome and write the run summary next to the notebooks."""
    from toolkit.ops import report

    secrets = secrets_of(settings)
    result.status, result.finished_at = status, db.utc_now()
    result.error = redact_text(error, secrets) if error else None
    update_run(conn, result, settings)
    try:
        result.summary = report.run_summary(settings, result.run_id)
    except Exception as problem:  # a summary must never hide the run's own outcome
        result.summary = {"error": one_line(f"summary unavailable: {problem}")}
    write_private_text(result.run_dir / "summary.json",
                       redact_text(json.dumps(result.as_dict(), indent=2, default=str), secrets))
    write_private_text(result.run_dir / "summary.md", report.summary_markdown(result.summary))
