"""Security: no network at run time, DSN passwords never shown or stored, private files,
and the web UIs (JupyterLab, Voila) only on localhost behind a token.

No network is checked by the operating system (tests/network_jail.py): every command runs in a
network namespace with only a loopback, under `strace -f`, and any connect/sendto beyond
loopback, or any name lookup, by any process or native thread (onnxruntime's telemetry was
one), is an attempt. Inside the jail a `sitecustomize` (through PYTHONPATH, into every Python
process: the CLI, papermill's kernels) also records Python-level attempts with what was asked
for. The Hugging Face offline variables are removed from the environment, so a library that
wanted to download would try.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from network_jail import jail_missing, jailed, network_attempts, remote_loads  # noqa: E402
from own_postgres import PASSWORD, OwnPostgres  # noqa: E402
from reliability_data import write_zip_with_media  # noqa: E402

GUARD = r'''
import ipaddress, os, socket

_LOG = os.environ.get("CHATBOOK_NET_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "", None}


def _record(what):
    if _LOG:
        with open(_LOG, "a") as out:
            out.write(f"{os.getpid()} {what}\n")


def _loopback(host):
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _check(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
        _record(f"connect {address!r}")
        raise ConnectionRefusedError(f"network access refused by the test guard: {address!r}")


def connect(self, address):
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    if isinstance(host, bytes):
        host = host.decode()
    if not _loopback(host):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"name lookup refused by the test guard: {host}")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = getaddrinfo
'''


@pytest.fixture(scope="module")
def guard(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("guard")
    (folder / "sitecustomize.py").write_text(GUARD)
    return folder


def offline_env(guard: Path, log: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "PYTHONPATH")}
    env.update(PYTHONPATH=str(guard), CHATBOOK_NET_LOG=str(log), OMP_NUM_THREADS="1", **extra)
    return env


def test_the_guard_really_refuses_and_records(guard, tmp_path):
    """Without this the offline test below could pass with a guard that never loaded."""
    log = tmp_path / "net.log"
    code = ("import socket, urllib.request\n"
            "s = socket.socket(); s.settimeout(2)\n"
            "try: s.connect(('203.0.113.7', 9))\n"
            "except ConnectionRefusedError as e: print('refused')\n"
            "try: urllib.request.urlopen('https://huggingface.co', timeout=2)\n"
            "except OSError as e: print('refused')\n")
    done = subprocess.run([sys.executable, "-c", code], env=offline_env(guard, log),
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["refused", "refused"], done.stderr
    recorded = log.read_text()
    assert "203.0.113.7" in recorded and "huggingface.co" in recorded


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def cluster():
    own = OwnPostgres()
    yield own
    own.close()


# A notebook kernel that read a flyer and stays open for a while, as in JupyterLab: native
# telemetry threads start some seconds after their library does (onnxruntime's took ~5 s).
OCR_AND_STAY = """
import sys, time
from PIL import Image, ImageDraw
from toolkit.extract import ocr
image = Image.new("RGB", (480, 120), "white")
ImageDraw.Draw(image).text((10, 40), "Saturday 10am practice at Riverside", fill="black")
print(ocr.read_text(image).text)
time.sleep(float(sys.argv[1]))
"""


@pytest.mark.kernel
@pytest.mark.postgres
@pytest.mark.slow
def test_pipeline_offline_private_and_password_free(guard, cluster, tmp_path):
    """`chatbook run` (the papermill pipeline: ingest a zip with photos, embed, extract with
    OCR, report), `chatbook extract --full`, an OCR kernel that stays up, search, doctor and
    backup, media on against a password-protected Postgres reached through its socket, each
    in a network namespace with nothing but loopback and under strace: not one call tries
    to leave the machine, and the HTML it leaves loads nothing from elsewhere."""
    if why := jail_missing():
        pytest.skip(f"the OS-level network jail cannot run here: {why}")
    database = f"sec_{uuid.uuid4().hex[:8]}"
    cluster.create_database(database)
    # The password as a query parameter: the form that used to leak (issue #12, item 3).
    url = (f"postgresql:///{database}?host={cluster.root}&port={cluster.port}"
           f"&user=chatbook&password={PASSWORD}")
    data, log, home = tmp_path / "data", tmp_path / "net.log", tmp_path / "home"
    home.mkdir()
    env = offline_env(guard, log, DATA_DIR=str(data), IMAGE_PROCESSING_ENABLED="true",
                      MEDIA_DB_URL=url, HOME=str(home))
    write_zip_with_media(tmp_path / "in", "Club", 60, 2, seed=3)
    outputs, attempts = [], {}
    steps = [["-m", "toolkit", "init"], ["-m", "toolkit", "run", "-p", "source", str(tmp_path / "in")],
             ["-m", "toolkit", "extract", "--full"], ["-c", OCR_AND_STAY, "12"],
             ["-m", "toolkit", "search", "practice on Saturday", "--json"],
             ["-m", "toolkit", "doctor", "--json"], ["-m", "toolkit", "doctor"],
             ["-m", "toolkit", "backup", str(tmp_path / "backup")]]
    for n, args in enumerate(steps):
        trace = tmp_path / f"strace-{n}.log"
        done = subprocess.run(jailed([sys.executable, *args], trace), env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{args}: {done.stderr}"
        outputs.append(done.stdout + done.stderr)
        if found := network_attempts(trace):
            attempts["ocr kernel" if args[0] == "-c" else " ".join(args[2:4])] = found
    assert not attempts, f"tried to leave the machine: {attempts}"
    assert not log.exists(), f"Python code tried the network:\n{log.read_text()}"
    assert not (home / ".cache" / "Microsoft").exists(), "onnxruntime's telemetry cache was made"
    # ... and the pipeline really did its work: messages, vectors, media rows and OCR.
    import psycopg

    from toolkit.store import db

    app, vectors = db.connect(data / "app.db", readonly=True), db.connect(data / "vectors.db",
                                                                         readonly=True)
    assert app.execute("SELECT count(*) FROM messages").fetchone()[0] == 62
    assert vectors.execute("SELECT count(*) FROM embeddings").fetchone()[0] >= 50
    assert app.execute("SELECT count(*) FROM proposals").fetchone()[0] > 0
    app.close()
    vectors.close()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM extractions").fetchone()[0] == 2

    # The run reports render from the page alone: no script, style or font from a CDN.
    reports = list((data / "runs").rglob("*.html"))
    assert reports and list((data / "runs").rglob("*.ipynb"))
    for report in reports:
        assert not remote_loads(report.read_text()), f"{report} loads {remote_loads(report.read_text())}"

    # The password appears in no output, no log, no run record, no notebook, no store, no backup.
    assert all(PASSWORD not in text for text in outputs)
    secret = PASSWORD.encode()
    leaked = [p for root in (data, tmp_path / "backup") for p in all_files(root)
              if secret in p.read_bytes()]
    assert not leaked, f"the DSN password is stored in {leaked}"

    # Everything we created is private: folders 0700, files 0600.
    for root in (data, tmp_path / "backup"):
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            want = 0o700 if path.is_dir() else 0o600
            assert mode == want, f"{path} is {oct(mode)}, expected {oct(want)}"


@pytest.mark.postgres
@pytest.mark.parametrize("state", ["up", "down"])
def test_doctor_never_shows_the_password(cluster, tmp_path, state, cli):
    url = cluster.create_database(f"doc_{uuid.uuid4().hex[:8]}")
    env = {"IMAGE_PROCESSING_ENABLED": "true", "MEDIA_DB_URL": url}
    cli("init", env=env)
    if state == "down":
        cluster.stop()
    for args in (("doctor",), ("doctor", "--json"), ("doctor", "--repair", "--json")):
        done = cli(*args, env=env)
        assert PASSWORD not in done.stdout + done.stderr, args
        if "--json" in args or state == "down":
            assert "***@127.0.0.1" in done.stdout, args


# --------------------------------------------------------------------------- web UIs


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str) -> int:
    """The status of a GET, redirects not followed (a redirect to a login page is a refusal)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}" if parts.query else parts.path)
        return int(conn.getresponse().status)
    finally:
        conn.close()


def wait_for_url(process: subprocess.Popen[str], pattern: str, timeout: float = 120) -> str:
    """Read the server's output until it prints a URL with its token."""
    deadline = time.monotonic() + timeout
    seen = ""
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen += line
        match = re.search(pattern, line)
        if match:
            return match.group(0)
    raise AssertionError(f"no URL with a token was printed:\n{seen}")


def in_session(session: int) -> list[int]:
    """Live processes of a session (a server started with start_new_session=True, and all
    it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry.name))
    return found


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM to chatbook alone (as a service manager sends it), then wait until nothing it
    started is left: no server may go on with PPID 1."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 30
    while (left := in_session(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:  # clean up before failing, so no test leaves a server behind
        os.kill(pid, 9)
    assert not left, f"still running after chatbook stopped: {left}"


def children_cmdlines(pid: int) -> list[str]:
    """Command lines of `pid` and all its descendants, as `ps` shows them to every user."""
    lines, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            lines.append(Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return lines


@pytest.mark.kernel
@pytest.mark.slow
@pytest.mark.parametrize("ui", ["lab", "review"])
def test_web_ui_is_local_only_and_needs_its_token(ui, tmp_path, data_dir):
    port = free_port()
    args = ["lab", "--no-browser", "--port", str(port)] if ui == "lab" else \
        ["review", "--no-browser", "--port", str(port)]
    env = {**os.environ, "DATA_DIR": str(data_dir), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    subprocess.run([sys.executable, "-m", "toolkit", "init"], env=env, check=True,
                   capture_output=True)
    process = subprocess.Popen([sys.executable, "-m", "toolkit", *args], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)  # a group of its own, waited for
    try:
        url = wait_for_url(process, rf"http://(127\.0\.0\.1|localhost):{port}/\S*token=[\w-]+")
        token = url.rsplit("token=", 1)[1]
        deadline = time.monotonic() + 60
        while not listening_addresses(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        # 0100007F is 127.0.0.1 (little-endian hex); nothing on 0.0.0.0 or ::.
        assert listening_addresses(port) == {"0100007F"}
        base = f"http://127.0.0.1:{port}"
        probe = "/api/status" if ui == "lab" else "/"
        assert http_status(f"{base}{probe}") in (302, 401, 403), "reachable without the token"
        assert http_status(f"{base}{probe}?token=wrong-{token}") in (302, 401, 403)
        with_token = f"{base}/api/status?token={token}" if ui == "lab" else f"{base}/?token={token}"
        assert http_status(with_token) == 200
        assert not any(token in line for line in children_cmdlines(process.pid)), \
            "the token is on a command line, readable by every local user through ps"
    finally:
        stop(process)


CHROMIUM = "/usr/bin/chromium"
# Any host but this one resolves to nothing, so a remote fetch fails here and is recorded.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
LOCAL_SCHEMES = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost",
                 "file://", "data:", "blob:", "about:")


def report_with_math_and_widgets(tmp_path: Path) -> Path:
    """A run report as `chatbook run` renders it, from a notebook whose outputs need MathJax
    and the widget renderer (the two things nbconvert's template fetched from CDNs)."""
    import nbformat

    from toolkit.ops.pipeline import render_html

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0}}
    notebook.cells = [nbformat.v4.new_markdown_cell("Events per week: $\\sum_i x_i$"),
                      nbformat.v4.new_code_cell("1 + 1", outputs=[nbformat.v4.new_output(
                          "execute_result", {"text/plain": "2"}, execution_count=1)])]
    path = tmp_path / "report.ipynb"
    nbformat.write(notebook, path)
    html = tmp_path / "report.html"
    html.write_text(render_html(path))
    return html


@pytest.mark.browser
@pytest.mark.kernel
@pytest.mark.slow
def test_review_page_and_run_report_fetch_nothing_remote(tmp_path, data_dir):
    """Opened in Chromium, the review page (with every script, style and font it pulls in)
    and a run report request nothing from any host but this one (Font Awesome, require.js and
    MathJax used to come from CDNs); the review server, under strace, tries no network."""
    from playwright.sync_api import sync_playwright

    if why := jail_missing():
        pytest.skip(f"strace is needed: {why}")
    env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    subprocess.run([sys.executable, "-m", "toolkit", "init"], env=env, check=True,
                   capture_output=True)
    port, trace = free_port(), tmp_path / "review.strace"
    strace = ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg,sendmmsg",
              "-e", "signal=none", "-o", str(trace)]
    process = subprocess.Popen(
        [*strace, sys.executable, "-m", "toolkit", "review", "--no-browser", "--port", str(port)],
        env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        start_new_session=True)
    requested: list[str] = []
    try:
        url = wait_for_url(process, rf"http://127\.0\.0\.1:{port}/\S*token=[\w-]+")
        report = report_with_math_and_widgets(tmp_path)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.on("request", lambda request: requested.append(request.url))
                page.goto(url, wait_until="networkidle", timeout=120_000)
                page.wait_for_selector(".cb-title, .cb-empty, .widget-html, .jp-OutputArea",
                                       timeout=120_000)
                page.wait_for_load_state("networkidle")
                page.goto(report.as_uri(), wait_until="networkidle", timeout=60_000)
            finally:
                browser.close()
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    assert any(u.startswith(f"http://127.0.0.1:{port}") for u in requested), requested
    remote = sorted({u for u in requested if not u.startswith(LOCAL_SCHEMES)})
    assert not remote, f"the page asked other hosts for: {remote}"
    assert not network_attempts(trace), network_attempts(trace)


def test_nested_data_folders_are_created_private(tmp_path, cli):
    """DATA_DIR and the store paths may name folders that do not exist yet: every folder we
    create must be 0700, not only the last one (mkdir(parents=True) gives parents 0755)."""
    nested = tmp_path / "new" / "nested" / "data"
    env = {"DATA_DIR": str(nested), "DB_URL": f"sqlite:///{tmp_path}/other/deeper/app.db"}
    assert cli("init", env=env).returncode == 0
    for folder in (tmp_path / "new", tmp_path / "new" / "nested", nested,
                   tmp_path / "other", tmp_path / "other" / "deeper"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
