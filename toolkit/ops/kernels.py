"""The Jupyter kernel chatbook's notebooks run on, with nothing to set up after `pip install`.

`chatbook run` starts each notebook's kernel from a spec made for the running interpreter,
never from one looked up by name. The kernel then has exactly the toolkit and settings of the
command that started it, whatever `chatbook` specs other environments left in the user's
Jupyter folder (which Jupyter searches before the interpreter's own), and an unattended run
writes nothing outside its run folder.

JupyterLab and Voila look a kernel up by the name in a notebook's metadata (`chatbook`), so
`chatbook lab` and `chatbook review` install that spec into this interpreter's prefix the first
time Jupyter cannot find it.
"""

from __future__ import annotations

import sys
from typing import Any

from toolkit.errors import ChatbookError

KERNEL_NAME = "chatbook"
DISPLAY_NAME = "chatbook"


def require_notebook_extra() -> None:
    """papermill and ipykernel come with the `notebooks` extra: say so, not a traceback."""
    try:
        import ipykernel  # noqa: F401
        import papermill  # noqa: F401
    except ImportError as error:
        raise ChatbookError(f"notebooks need the notebooks extra ({error.name} is missing): "
                            "pip install 'chatbook[notebooks]'") from None


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
