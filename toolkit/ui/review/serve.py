"""`chatbook review`: the review notebook as a standalone page, served by Voila on localhost.

Voila (as `toolkit.ui.review.page` configures it) runs as a child process, bound to 127.0.0.1
with a token that travels in its environment; the URL is printed once the port answers, and
Ctrl+C or SIGTERM stops the child.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolkit.config import Settings
from toolkit.errors import ChatbookError
from toolkit.resources import notebook

NOTEBOOK = notebook("05_review.ipynb")
STARTUP_TIMEOUT_S = 60
WARM_KERNELS = 1  # kernels kept waiting with the page drawn (--warm)
WARM_WAIT_S = 30  # at most this long for the first one before the link is printed anyway


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def voila_command(port: int, notebook: Path = NOTEBOOK, *, warm: bool = True) -> list[str]:
    """Voila on one notebook, on localhost only, with token auth and no browser of its own.

    The token itself travels in the child's environment (JUPYTER_TOKEN), never on the command
    line, where any local user could read it with `ps`. `warm`: one kernel waits with the page
    already drawn (Voila's pre-heated kernels), so opening or reloading the page takes about a
    second instead of a kernel's start; it costs one idle kernel.
    """
    heat = ["--preheat_kernel=True", f"--pool_size={WARM_KERNELS}"] if warm else []
    return [*_voila(port, notebook), *heat]


def _voila(port: int, notebook: Path) -> list[str]:
    return [
        sys.executable, "-m", "toolkit.ui.review.page", str(notebook), f"--port={port}", "--no-browser",
        "--Voila.ip=127.0.0.1", "--Voila.auto_token=True", "--Voila.port_retries=0",
        "--VoilaConfiguration.show_tracebacks=False",
    ]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen[Any] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def wait_until_warm(port: int, token: str, timeout: float,
                    process: subprocess.Popen[Any] | None = None) -> bool:
    """Wait for a kernel with the page drawn already (GET /chatbook/api/warm); False on timeout."""
    import json
    import urllib.request

    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/chatbook/api/warm?token={token}"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if json.loads(reply.read()).get("ready", 0) > 0:
                    return True
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
    return False


def serve(settings: Settings, *, port: int = 8866, open_browser: bool = True,
          echo: Callable[[str], None] | None = None, warm: bool = True) -> int:
    """Serve notebooks/05_review.ipynb with Voila until interrupted; returns its exit code."""
    if not NOTEBOOK.is_file():
        raise ChatbookError(f"{NOTEBOOK}: the review notebook is missing")
    echo = echo or (lambda line: print(line, flush=True))
    port = port or free_port()
    if not port_is_free(port):
        raise ChatbookError(f"port {port} on 127.0.0.1 is in use; pass another with --port "
                            "(0: any free port)")
    token = secrets.token_urlsafe(24)
    url = f"http://127.0.0.1:{port}/?token={token}"
    env = {**os.environ, **settings.as_env(), "JUPYTER_TOKEN": token}
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (e.g. from a service manager) must stop Voila too, not orphan it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    process = subprocess.Popen(voila_command(port, warm=warm), env=env, cwd=str(NOTEBOOK.parent))
    try:
        # The URL is printed once it works, so whoever reads it can open it straight away.
        if not wait_for_port(port, STARTUP_TIMEOUT_S, process) or process.poll() is not None:
            process.terminate()
            code = process.wait()
            raise ChatbookError(f"Voila did not start on 127.0.0.1:{port} (exit {code}); "
                                "is the port in use? Try --port 0 for any free port")
        if warm:
            # The link is printed when opening it shows the page at once (or after a while
            # anyway: a slow machine still gets its page, drawn by a kernel of its own).
            wait_until_warm(port, token, WARM_WAIT_S, process)
        echo(f"chatbook review: serving on {url}")
        echo("(only this machine can reach it; press Ctrl+C to stop)")
        if open_browser:
            webbrowser.open(url)
        return process.wait()
    except (KeyboardInterrupt, SystemExit) as stop:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 130 if isinstance(stop, KeyboardInterrupt) else 143
