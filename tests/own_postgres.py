"""A throwaway PostgreSQL 15 cluster of the test's own, which it may stop and start at will.

The machine's server is shared by everyone's tests, so the outage and password tests bring up
their own: `initdb` into a temp dir owned by the `postgres` OS user (root may not run the
server), password authentication (scram) so that a DSN password really matters, listening on a
free loopback port only.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PASSWORD = "s3cret-Pa55word"
USER = "chatbook"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True,
                          text=True, check=check, timeout=60)


class OwnPostgres:
    """initdb / start / stop / URL of a private cluster; `close()` removes everything."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="chatbook-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.port = free_port()
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        shutil.chown(self.root, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        as_postgres(pg_bin("initdb"), "-D", str(self.data), "-U", USER, "--auth=scram-sha-256",
                    f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8")
        pwfile.unlink()
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        as_postgres(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                    "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "immediate") -> None:
        as_postgres(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def create_database(self, name: str) -> str:
        import psycopg

        deadline = time.monotonic() + 20
        while True:
            try:
                with psycopg.connect(self.url(), autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                return self.url(name)
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
