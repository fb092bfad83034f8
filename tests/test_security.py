"""Security: no network at run time, DSN passwords never shown or stored, private files,
and the web UIs (JupyterLab, Voila) only on localhost behind a token.

The offline test injects a `sitecustomize` through PYTHONPATH into every Python process the
commands start (the CLI, papermill's kernels): it refuses and records any connection to a
non-loopback address or any name lookup of a non-local host. The Hugging Face offline
variables are removed from the environment, so a library that wanted to download would try.
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


@pytest.mark.kernel
@pytest.mark.postgres
@pytest.mark.slow
def test_pipeline_offline_private_and_password_free(guard, cluster, tmp_path):
    """`chatbook run` (the papermill pipeline: ingest a zip with photos, embed, extract with
    OCR, report), then search, doctor and backup, media on against a password-protected
    Postgres, with the network cut."""
    url = cluster.create_database(f"sec_{uuid.uuid4().hex[:8]}")
    data, log = tmp_path / "data", tmp_path / "net.log"
    env = offline_env(guard, log, DATA_DIR=str(data), IMAGE_PROCESSING_ENABLED="true",
                      MEDIA_DB_URL=url)
    write_zip_with_media(tmp_path / "in", "Club", 60, 2, seed=3)
    outputs = []
    for args in (["init"], ["run", "-p", "source", str(tmp_path / "in")],
                 ["search", "practice on Saturday", "--mode", "keyword", "--json"],
                 ["doctor", "--json"], ["doctor"], ["backup", str(tmp_path / "backup")]):
        done = subprocess.run([sys.executable, "-m", "toolkit", *args], env=env,
                              capture_output=True, text=True, timeout=400)
        assert done.returncode == 0, f"{args}: {done.stderr}"
        outputs.append(done.stdout + done.stderr)
    assert not log.exists(), f"something tried the network:\n{log.read_text()}"
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

    # The password appears in no output, no log, no run record, no notebook, no store, no backup.
    assert all(PASSWORD not in text for text in outputs)
    secret = PASSWORD.encode()
    leaked = [p for root in (data, tmp_path / "backup") for p in all_files(root)
              if secret in p.read_bytes()]
    assert not leaked, f"the DSN password is stored in {leaked}"
    assert list((data / "runs").rglob("*.ipynb")) and list((data / "runs").rglob("*.html"))

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


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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


def test_nested_data_folders_are_created_private(tmp_path, cli):
    """DATA_DIR and the store paths may name folders that do not exist yet: every folder we
    create must be 0700, not only the last one (mkdir(parents=True) gives parents 0755)."""
    nested = tmp_path / "new" / "nested" / "data"
    env = {"DATA_DIR": str(nested), "DB_URL": f"sqlite:///{tmp_path}/other/deeper/app.db"}
    assert cli("init", env=env).returncode == 0
    for folder in (tmp_path / "new", tmp_path / "new" / "nested", nested,
                   tmp_path / "other", tmp_path / "other" / "deeper"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
