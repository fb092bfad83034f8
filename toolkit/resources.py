"""Files chatbook ships beside its code: the pipeline notebooks and the synthetic sample chats.

In the repository they live at the top (`notebooks/`, `data/sample/`), where a reader looks for
them; `toolkit/notebooks` and `toolkit/sample` are links to those folders, so the same paths
resolve in a checkout, in an editable install and in a wheel (which holds copies of the files).
The shipped notebooks are read-only templates: the ones a person edits in JupyterLab are copies
in a folder of their own (`copy_notebooks`).
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A path inside the installed `toolkit` package, links followed: in a checkout that is
    `data/sample/...`, the folder a person knows, which is what runs record and show."""
    return Path(str(resources.files("toolkit").joinpath(*parts))).resolve()


def notebooks_dir() -> Path:
    """The shipped pipeline notebooks (`01_ingest.ipynb` ...)."""
    return package_path("notebooks")


def notebook(name: str) -> Path:
    """One shipped notebook by file name, e.g. `05_review.ipynb`."""
    return notebooks_dir() / name


def copy_notebooks(target: Path) -> list[Path]:
    """Copy the shipped notebooks that `target` lacks into it; returns the new copies.

    Never overwrites: a notebook the person has edited stays theirs, and one added in a newer
    release arrives beside it. In a checkout, `notebooks/` is the shipped folder itself.
    """
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in sorted(notebooks_dir().glob("*.ipynb")):
        copy = target / source.name
        if not copy.exists():
            shutil.copyfile(source, copy)
            copied.append(copy)
    return copied


def sample_dir() -> Path:
    """The synthetic sample exports that `chatbook demo` ingests."""
    return package_path("sample")


def source_checkout() -> Path | None:
    """The git checkout the package runs from, if any (for recording a run's commit)."""
    root = package_path().resolve().parent
    return root if (root / ".git").exists() else None
