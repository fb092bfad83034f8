"""Shared fixtures: real SQLite files in a temp data folder, a real Postgres database per test
session, and a CLI runner that goes through `toolkit.cli.main` exactly as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("CHATBOOK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

# No test may see the developer's own stores or .env.
for _name in ("DB_URL", "VDB_URL", "MEDIA_DB_URL", "IMAGE_PROCESSING_ENABLED", "DATA_DIR",
              "ATTACHMENTS_DIR", "RUNS_DIR", "INBOX_DIR", "EMBED_MODEL", "VECTOR_BACKEND"):
    os.environ.pop(_name, None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# Fixtures that need a PostgreSQL server: the machine's (pg_url, and media_settings through it)
# or a throwaway cluster of the test's own (own_pg, cluster).
POSTGRES_FIXTURES = frozenset({"pg_url", "own_pg", "cluster"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `postgres` every test that uses a Postgres fixture, directly or through another, so
    `make test-fast` (-m "not postgres ...") leaves it out without a hand-written marker."""
    for item in items:
        if POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="module", params=["compiled", "pure"])
def parser_loop(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a module's tests once with each inner loop of the WhatsApp parser: the compiled one
    (toolkit/ingest/_fastloop.c, where built) and the pure-Python one. Module-scoped and set in
    os.environ (read at each parse), so hypothesis tests can use it too."""
    from toolkit.ingest.whatsapp import PURE_PARSER_ENV

    saved = os.environ.pop(PURE_PARSER_ENV, None)
    if request.param == "pure":
        os.environ[PURE_PARSER_ENV] = "1"
    try:
        yield request.param
    finally:
        os.environ.pop(PURE_PARSER_ENV, None)
        if saved is not None:
            os.environ[PURE_PARSER_ENV] = saved


def make_env(data_dir: Path, **extra: str) -> dict[str, str]:
    # The machine's zone is every chat's fallback: pin it, so a test means the same on a
    # laptop in Madrid as here (tests about the machine's zone pass their own TZ).
    return {"DATA_DIR": str(data_dir), "TZ": "Etc/UTC", **extra}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Media off, everything under a fresh temp data folder."""
    return load_settings(make_env(data_dir), cwd=data_dir.parent)


@pytest.fixture
def db_conn(settings: Settings):
    """The primary store, created and migrated."""
    from toolkit.store.connect import open_db

    conn = open_db(settings)
    yield conn
    conn.close()


def pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is required for this test and not reachable at {PG_ADMIN_URL}: {error}. "
            "Start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start`."
        )


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh Postgres database of our own, dropped afterwards. Fails loudly without a server."""
    name = f"chatbook_test_{uuid.uuid4().hex[:12]}"
    admin = pg_admin()
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        from toolkit.store import pg

        pg.close_pools()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def media_settings(data_dir: Path, pg_url: str) -> Settings:
    """Media on, against a fresh real Postgres database."""
    env = make_env(data_dir, IMAGE_PROCESSING_ENABLED="true", MEDIA_DB_URL=pg_url)
    return load_settings(env, cwd=data_dir.parent)


def run_cli(args: list[str], env: dict[str, str], cwd: Path | None = None,
            input: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run `python -m toolkit ARGS` in a child process with `env` over a clean environment."""
    full_env = {k: v for k, v in os.environ.items()}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        env=full_env, cwd=cwd or ROOT, capture_output=True, text=True, input=input,
        timeout=timeout,
    )


@pytest.fixture
def cli(data_dir: Path):
    """Call the CLI as a user would, with this test's data folder."""

    def call(*args: str, env: dict[str, str] | None = None, **kwargs):
        return run_cli(list(args), {**make_env(data_dir), **(env or {})}, **kwargs)

    return call


@pytest.fixture(scope="session")
def model() -> object:
    """The default embedding model, loaded once for every test that embeds."""
    from toolkit.config import DEFAULT_EMBED_MODEL
    from toolkit.search.embed import load_model

    return load_model(DEFAULT_EMBED_MODEL)
