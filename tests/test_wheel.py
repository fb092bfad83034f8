"""chatbook installed from a wheel built from this tree, used in an empty folder far from it.

The fresh venv gets the wheel with `pip install --no-deps`; for its dependencies it sees the
project venv's site-packages through a `.pth` line, because installing them again from the
registry would take many minutes and gigabytes (torch). A folder added by a `.pth` line has
its own `.pth` files ignored, so the editable install of this checkout stays invisible: the
test asserts that `toolkit` is imported from the new venv.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

# What the wheel must carry besides the modules: without them `chatbook demo` cannot work.
PACKAGE_DATA = ("toolkit/py.typed", "toolkit/notebooks/01_ingest.ipynb",
                "toolkit/notebooks/05_review.ipynb", "toolkit/sample/flyers/flyers.json",
                "toolkit/store/migrations/sqlite/0001_core.sql",
                "toolkit/store/migrations/postgres/0001_media.sql")


def copy_tree(target: Path) -> Path:
    """The files a build reads, links kept as links (toolkit/notebooks -> ../notebooks)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "toolkit", target / "toolkit", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "notebooks", target / "notebooks", ignore=ignore)
    shutil.copytree(ROOT / "data" / "sample", target / "data" / "sample")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    return target


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the tree, so the build leaves nothing in the checkout."""
    tmp = tmp_path_factory.mktemp("build")
    source = copy_tree(tmp / "src")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(tmp / "dist"), str(source)], cwd=tmp)
    [built] = (tmp / "dist").glob("chatbook-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A new venv with only the wheel installed, and the project's dependencies visible."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(home)], cwd=home.parent)
    python = home / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                  cwd=home.parent).stdout.strip()
    (Path(purelib) / "chatbook_dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
         "--no-index", str(wheel)], cwd=home.parent)
    return home


def user_env(home: Path, folder: Path) -> dict[str, str]:
    """A user's shell: the new venv first on PATH, nothing pointing into the checkout, and a
    Jupyter data folder of its own (so no kernel spec from elsewhere is found by accident)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV")) and ROOT.as_posix() not in v}
    path = [p for p in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
            if not p.startswith(ROOT.as_posix())]
    return {**env, "PATH": os.pathsep.join([str(home / "bin"), *path]),
            "JUPYTER_DATA_DIR": str(folder.parent / "jupyter-data"), "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1"}


def test_the_wheel_carries_notebooks_samples_migrations_and_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(PACKAGE_DATA) <= names, set(PACKAGE_DATA) - names
    assert any(n.startswith("toolkit/ui/review/assets/") for n in names)
    assert not any(n.startswith(("tests/", "bench/", "data/")) for n in names)
    # the parser's compiled inner loop, built by setup.py (this machine has a C compiler)
    assert any(n.startswith("toolkit/ingest/_fastloop.") and n.endswith(".so") for n in names)


def test_installed_wheel_runs_demo_run_and_review_in_an_empty_folder(venv: Path,
                                                                     tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    env = user_env(venv, folder)
    chatbook = str(venv / "bin" / "chatbook")
    where = run([str(venv / "bin" / "python"), "-c", "import toolkit; print(toolkit.__file__)"],
                cwd=folder, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), where

    demo = json.loads(run([chatbook, "demo", "--json"], cwd=folder, env=env, timeout=900).stdout)
    assert demo["run"]["status"] == "succeeded"
    assert Path(demo["ics"]).is_file() and Path(demo["ics"]).is_relative_to(folder)
    assert demo["run"]["summary"]["messages"]["total"] > 0

    again = json.loads(run([chatbook, "run", "--json"], cwd=folder, env=env, timeout=900).stdout)
    assert again["status"] == "succeeded" and again["summary"]["messages"]["new"] == 0

    review = run([chatbook, "review", "--help"], cwd=folder, env=env)
    assert "standalone page" in review.stdout
    lab = run([chatbook, "lab", "--help"], cwd=folder, env=env)
    assert "./notebooks" in lab.stdout
    assert [p.name for p in folder.iterdir()] == ["data"]  # everything it made is under ./data
