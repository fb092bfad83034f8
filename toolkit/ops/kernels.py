"""The Jupyter kernel chatbook's notebooks run on, with nothing to set up after `pip install`.

`chatbook run` starts each notebook's kernel from a spec made for the running interpreter,
never from one looked up by name. The kernel then has exactly the toolkit and settings of the
command that started it, whatever `chatbook` specs other environments left in the user's
Jupyter folder (which Jupyter searches before the interpreter's own), and an unattended run
writes nothing outside its run folder.

JupyterLab and Voila look a kernel up by the name in a notebook's metadata (`chatbook`), so
`chatbook lab` and `chatbook review` install that spec into this interpreter's prefix the first
time Jupyter cannot find it.

`run_server` runs JupyterLab for `chatbook lab` so that it never outlives the command: a
SIGTERM, SIGHUP or Ctrl+C is passed on and waited for, and if chatbook itself is killed the
kernel sends the server SIGTERM (Linux's parent-death signal), so no server is left behind
with PPID 1, holding its port and a token.
"""

from __future__ import annotations

import ctypes
import importlib.util
import signal
import subprocess
import sys
from collections.abc import Mapping
from types import FrameType
from typing import Any

from toolkit.errors import ChatbookError

KERNEL_NAME = "chatbook"
DISPLAY_NAME = "chatbook"


def require_notebook_extra() -> None:
    """papermill and ipykernel come with the `notebooks` extra: say so, not a traceback.

    Looked up, not imported: importing papermill (nbformat, jsonschema) takes seconds, which
    `chatbook review` and `chatbook lab` would pay before they start for nothing."""
    for name in ("ipykernel", "papermill"):
        if importlib.util.find_spec(name) is None:
            raise ChatbookError(f"notebooks need the notebooks extra ({name} is missing): "
                                "pip install 'chatbook[notebooks]'")


def interpreter_spec() -> Any:
    """A `chatbook` kernel spec that starts this very interpreter (`sys.executable`)."""
    from ipykernel.kernelspec import get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec

    return KernelSpec(**{**get_kernel_dict(), "display_name": DISPLAY_NAME})


def ensure_kernel_spec() -> str:
    """The folder of the `chatbook` spec Jupyter finds; installed into sys.prefix if none."""
    require_notebook_extra()
    from ipykernel.kernelspec import install
    from jupyter_client.kernelspec import KernelSpecManager

    found: dict[str, str] = KernelSpecManager().find_kernel_specs()
    if KERNEL_NAME in found:
        return found[KERNEL_NAME]
    return str(install(kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME, prefix=sys.prefix))


FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
STOP_GRACE_S = 20
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child, before exec: Linux sends it SIGTERM when its parent dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the forwarded signals still stop it
        pass


def run_server(command: list[str], env: Mapping[str, str]) -> int:
    """Run `command` in the foreground until it exits; stop it with us, never orphan it.

    Returns its exit code (128 + signal number when a signal stopped chatbook).
    """
    process = subprocess.Popen(command, env=dict(env), preexec_fn=die_with_parent)
    received: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM if signum != signal.SIGINT else signal.SIGINT)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED}
    try:
        code = process.wait()
    finally:
        stop(process)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 + received[0] if received else code


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, a grace period for the server to shut its kernels down, then SIGKILL."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
