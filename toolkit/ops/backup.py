"""`chatbook backup DEST` / `chatbook restore SRC`: consistent copies of every store.

A backup folder holds:
- `app.db` and `vectors.db`: online copies made with SQLite's backup API, so writers keep
  running; each copy is one self-contained file (journal mode DELETE, no -wal beside it);
- `media.dump`: `pg_dump -Fc` of the media database, when media processing is on;
- `attachments/`: the media files, as they lie under ATTACHMENTS_DIR;
- `manifest.json`: sha256 and size of every file, and row counts of every table.

Order matters because the stores are not one transaction. Postgres is dumped first and the
SQLite stores after it: every outbox row marked done after the dump started is re-queued on
restore (outbox handlers are idempotent), so nothing written to Postgres is lost between the
two snapshots. The vector store is copied after the primary store, and embeddings of messages
the primary copy does not hold yet are pruned from the copy, so a restored store never pins
a vector to a message id that a later import will reuse.

Restore goes into empty stores only and verifies every checksum before it touches anything.
The copies, counts and snapshots themselves are `toolkit.store.snapshots`; this module runs
the order, the Postgres client tools, the attachment files and the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from toolkit import __version__
from toolkit.config import Settings
from toolkit.dsn import SECRET_KEYS
from toolkit.errors import ChatbookError, StoreUnavailable
from toolkit.fsutil import (
    PRIVATE_FILE_MODE,
    ensure_private_dir,
    is_within,
    sha256_file,
    write_private_copy,
    write_private_text,
)
from toolkit.ingest.attachments import attachment_files, file_sha
from toolkit.store import checks, db, outbox, pg
from toolkit.store.connect import ensure_dirs, open_vectors
from toolkit.store.snapshots import (
    copy_sqlite,
    exported_snapshot,
    integrity_check,
    postgres_counts,
    postgres_is_empty,
    prune_embeddings_beyond,
    sqlite_counts,
    sqlite_store_is_empty,
)

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
APP_FILE = "app.db"
VECTORS_FILE = "vectors.db"
PG_FILE = "media.dump"
ATTACHMENTS_FOLDER = "attachments"


class BackupError(ChatbookError):
    """A backup or restore cannot go ahead; the message says why and what to do."""


@dataclass
class FileEntry:
    path: str  # relative to the backup folder, with forward slashes
    sha256: str
    size: int


@dataclass
class Manifest:
    created_at: str
    toolkit_version: str
    files: list[FileEntry] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    postgres: bool = False
    pg_snapshot_at: str | None = None
    unreferenced_files: list[str] = field(default_factory=list)  # left out: nothing refers to them
    format: int = MANIFEST_FORMAT

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        files = [FileEntry(**entry) for entry in data.get("files", [])]
        return cls(
            created_at=str(data["created_at"]),
            toolkit_version=str(data["toolkit_version"]),
            files=files,
            counts={k: dict(v) for k, v in data.get("counts", {}).items()},
            postgres=bool(data.get("postgres", False)),
            pg_snapshot_at=data.get("pg_snapshot_at"),
            unreferenced_files=list(data.get("unreferenced_files", [])),
            format=int(data.get("format", MANIFEST_FORMAT)),
        )

    def entry(self, path: str) -> FileEntry | None:
        return next((f for f in self.files if f.path == path), None)


@dataclass
class RestoreResult:
    source: str
    restored: list[str]
    counts: dict[str, dict[str, int]]
    requeued_outbox: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------ helpers


def file_entry(root: Path, path: Path) -> FileEntry:
    return FileEntry(path.relative_to(root).as_posix(), sha256_file(path), path.stat().st_size)


# ------------------------------------------------------------------ Postgres


def find_pg_tool(name: str) -> str:
    """`pg_dump`/`pg_restore` from PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} not found on PATH or under /usr/lib/postgresql/*/bin; "
                      "install the PostgreSQL client (Debian: postgresql-client)")


# libpq reads the password from PGPASSWORD; sslpassword has no environment variable, so it
# travels in a private service file named by PGSERVICEFILE/PGSERVICE.
SERVICE_NAME = "chatbook-backup"


def service_file_value(key: str, value: str) -> str:
    """`value` as a service-file line keeps it: libpq reads to the end of the line and strips
    trailing whitespace, so a line break or trailing whitespace cannot be carried."""
    if "\n" in value or "\r" in value or value != value.rstrip():
        raise BackupError(f"the {key} in MEDIA_DB_URL ends in whitespace or holds a line break, "
                          "which pg_dump cannot be given without a command line; change it")
    return f"{key}={value}\n"


def split_secrets(url: str) -> tuple[dict[str, str], dict[str, str]]:
    """The DSN's parameters as libpq reads them (psycopg's `conninfo_to_dict`, wherever a
    secret sits: user info, `?password=`, a key=value pair), and its secrets taken out."""
    from psycopg.conninfo import conninfo_to_dict

    params = {k: str(v) for k, v in conninfo_to_dict(url).items()}
    return params, {key: params.pop(key) for key in sorted(SECRET_KEYS) if key in params}


@contextmanager
def pg_command_env(url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A DSN for pg_dump/pg_restore's command line holding no secret, and the environment that
    carries the secrets instead: the password as PGPASSWORD, the sslpassword in a service file
    of mode 0600 in a private temporary folder, removed on leaving.

    A command line is visible to every user through /proc (`ps`); the environment and files
    of our own are not.
    """
    from psycopg.conninfo import make_conninfo

    params, secrets = split_secrets(url)
    dsn = make_conninfo("", **params) if secrets else url
    env = dict(os.environ)
    if "password" in secrets:
        env["PGPASSWORD"] = secrets.pop("password")
    if not secrets:
        yield dsn, env
        return
    if "service" in params or env.get("PGSERVICE"):
        raise BackupError("MEDIA_DB_URL names a service and holds an sslpassword; put the "
                          "sslpassword in that service's entry instead, so pg_dump can read it")
    lines = "".join(service_file_value(key, value) for key, value in secrets.items())
    with tempfile.TemporaryDirectory(prefix="chatbook-pg-") as folder:  # created 0700
        service_file = Path(folder) / "pg_service.conf"
        write_private_text(service_file, f"[{SERVICE_NAME}]\n{lines}")
        yield dsn, {**env, "PGSERVICEFILE": str(service_file), "PGSERVICE": SERVICE_NAME}


def run_pg_tool(settings: Settings, args: list[str], what: str) -> None:
    """Run a Postgres client tool against MEDIA_DB_URL, no secret on its command line."""
    with pg_command_env(settings.media_db_url) as (dsn, env):
        tool, *rest = args
        command = [find_pg_tool(tool), *rest, f"--dbname={dsn}"]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = settings.redact(done.stderr.strip() or f"exit code {done.returncode}")
        raise BackupError(f"{what} failed for {settings.media_db_url_redacted}: {detail}")


def dump_postgres(settings: Settings, target: Path) -> tuple[str, dict[str, int]]:
    """pg_dump inside a snapshot we hold open, so the row counts are exactly what it dumped.

    Returns when the snapshot was taken (second precision, rounded down: restore re-queues
    every outbox row marked done since then) and the counts.
    """
    ensure_private_dir(target.parent)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.close(fd)
    with exported_snapshot(settings) as snapshot:
        run_pg_tool(settings, ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                               f"--snapshot={snapshot.id}", f"--file={target}"], "pg_dump")
    target.chmod(PRIVATE_FILE_MODE)
    return snapshot.taken_at, snapshot.counts


# ------------------------------------------------------------------ attachments


def copy_attachments(source_root: Path, target_root: Path,
                     wanted: set[str]) -> tuple[list[Path], list[str]]:
    """Copy the files the stores refer to; return them and the unreferenced ones left out.

    Files are written before the row that names them commits, so under load the folder holds
    files of imports newer than the SQLite copy: they belong to the next backup, not this one.
    """
    copied, skipped = [], []
    for path in attachment_files(source_root):
        relative = path.relative_to(source_root)
        if file_sha(path) not in wanted:
            skipped.append(relative.as_posix())
            continue
        write_private_copy(path, target_root / relative)
        copied.append(target_root / relative)
    return copied, skipped


# ------------------------------------------------------------------ backup


def prepare_dest(dest: Path) -> None:
    """DEST is new or empty, in a folder that exists: a backup creates its own folder only,
    so a backup drive that is not mounted is never replaced by a folder on this disk."""
    if not dest.parent.is_dir():
        what = "is not a folder" if dest.parent.exists() else "no such folder"
        raise BackupError(f"{dest.parent}: {what}; create it (or mount the drive) first: "
                          "a backup only creates its own folder")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest}: the backup folder must be new or empty; "
                          "choose another folder (a backup never overwrites)")
    ensure_private_dir(dest)


def backup(settings: Settings, dest: Path) -> Manifest:
    """Copy every store into `dest` (new or empty, made 0700) and write its manifest last.

    The manifest is written last, so a backup that failed half-way is never taken for a
    whole one; we also remove what we wrote.
    """
    dest = Path(dest).resolve()
    if not settings.db_path.exists():
        raise BackupError(f"{settings.db_path}: no store to back up; run `chatbook init` first")
    if not settings.vdb_path.exists():  # nothing embedded yet: back up an empty vector store
        open_vectors(settings).close()
    if settings.image_processing_enabled and not pg.is_reachable(settings)[0]:
        raise BackupError(
            f"Postgres at {settings.media_db_url_redacted} is unreachable, and media is on; "
            "start it and retry (a backup without the media store would be incomplete)")
    existed = dest.exists()
    prepare_dest(dest)
    try:
        return write_backup(settings, dest)
    except BaseException:
        if existed:
            for child in dest.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        else:
            shutil.rmtree(dest, ignore_errors=True)
        raise


def write_backup(settings: Settings, dest: Path) -> Manifest:
    manifest = Manifest(created_at=db.utc_now(), toolkit_version=__version__)
    if settings.image_processing_enabled:
        manifest.postgres = True
        manifest.pg_snapshot_at, manifest.counts["postgres"] = dump_postgres(settings, dest / PG_FILE)
    copy_sqlite(settings.db_path, dest / APP_FILE)
    copy_sqlite(settings.vdb_path, dest / VECTORS_FILE)
    prune_embeddings_beyond(dest / VECTORS_FILE, dest / APP_FILE)
    _, manifest.unreferenced_files = copy_attachments(
        settings.attachments_dir, dest / ATTACHMENTS_FOLDER,
        checks.referenced_shas(settings, dest / APP_FILE))
    manifest.counts["sqlite"] = sqlite_counts(dest / APP_FILE)
    manifest.counts["vectors"] = sqlite_counts(dest / VECTORS_FILE)
    manifest.counts["attachments"] = {"files": len(attachment_files(dest / ATTACHMENTS_FOLDER))}
    manifest.files = [file_entry(dest, path) for path in sorted(dest.rglob("*"))
                      if path.is_file() and path.name != MANIFEST_NAME]
    write_manifest(dest, manifest)
    return manifest


def write_manifest(dest: Path, manifest: Manifest) -> None:
    write_private_text(dest / MANIFEST_NAME, json.dumps(manifest.as_dict(), indent=2) + "\n")


# ------------------------------------------------------------------ restore


def read_manifest(src: Path) -> Manifest:
    path = src / MANIFEST_NAME
    if not path.is_file():
        raise BackupError(f"{path}: no manifest; this is not a chatbook backup folder")
    try:
        manifest = Manifest.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path}: the manifest is unreadable ({error})") from None
    if manifest.format != MANIFEST_FORMAT:
        raise BackupError(f"{path}: manifest format {manifest.format} is not supported")
    return manifest


def verify(src: Path) -> Manifest:
    """Check every file of the backup against the manifest; any mismatch is an error."""
    src = Path(src).resolve()
    manifest = read_manifest(src)
    listed = set()
    for entry in manifest.files:
        check_entry_path(src, entry.path)
        path = src / entry.path
        if not is_within(path, src) or path.is_symlink():
            raise BackupError(f"{src / MANIFEST_NAME}: entry {entry.path!r} points outside the backup")
        if not path.is_file():
            raise BackupError(f"{path}: listed in the manifest but missing")
        if path.stat().st_size != entry.size or sha256_file(path) != entry.sha256:
            raise BackupError(f"{path}: checksum mismatch; the backup is damaged")
        listed.add(entry.path)
    for required in (APP_FILE, VECTORS_FILE):
        if required not in listed:
            raise BackupError(f"{src / MANIFEST_NAME}: lists no {required}")
    if manifest.postgres and PG_FILE not in listed:
        raise BackupError(f"{src / MANIFEST_NAME}: says Postgres was dumped but lists no {PG_FILE}")
    return manifest


def check_entry_path(src: Path, raw: str) -> None:
    """A manifest path is one of the store files or `attachments/<relative path>`, written
    plainly: no absolute part, no `..` or `.`, no empty part. `attachments//tmp/x` would
    otherwise pass the check inside the backup and then be joined onto ATTACHMENTS_DIR as
    the absolute `/tmp/x`."""
    path = PurePosixPath(raw)
    plain = (bool(raw) and "\0" not in raw and "\\" not in raw and not path.is_absolute()
             and path.as_posix() == raw and not {".", ".."} & set(path.parts))
    known = raw in (APP_FILE, VECTORS_FILE, PG_FILE) or (
        len(path.parts) > 1 and path.parts[0] == ATTACHMENTS_FOLDER)
    if not plain or not known:
        raise BackupError(f"{src / MANIFEST_NAME}: entry {raw!r} is not a path inside a chatbook "
                          "backup; the manifest was altered, nothing was restored")


def attachment_targets(settings: Settings, src: Path, manifest: Manifest) -> list[tuple[Path, Path]]:
    """(backup file, where it goes) for every attachment, each checked to stay inside
    ATTACHMENTS_DIR after resolving links, before anything is written."""
    root = settings.attachments_dir
    planned = []
    for entry in manifest.files:
        if not entry.path.startswith(f"{ATTACHMENTS_FOLDER}/"):
            continue
        target = root / PurePosixPath(entry.path).relative_to(ATTACHMENTS_FOLDER)
        if not is_within(target, root):
            raise BackupError(f"{src / MANIFEST_NAME}: entry {entry.path!r} would be restored to "
                              f"{target.resolve()}, outside {root}; nothing was restored")
        planned.append((src / entry.path, target))
    return planned


def refuse_unless_empty(settings: Settings, manifest: Manifest) -> None:
    full = [str(p) for p in (settings.db_path, settings.vdb_path) if not sqlite_store_is_empty(p)]
    if attachment_files(settings.attachments_dir):
        full.append(str(settings.attachments_dir))
    if manifest.postgres:
        if not settings.image_processing_enabled:
            raise BackupError("this backup holds the media database; set "
                              "IMAGE_PROCESSING_ENABLED=true and MEDIA_DB_URL to restore it")
        try:
            if not postgres_is_empty(settings):
                full.append(settings.media_db_url_redacted)
        except StoreUnavailable as error:
            raise BackupError(f"cannot restore the media database: {error}") from None
    if full:
        raise BackupError("restore only goes into empty stores, and these hold data: "
                          + ", ".join(full) + "; point DATA_DIR (and MEDIA_DB_URL) at empty ones")


def place_sqlite(source: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    write_private_copy(source, target)
    result = integrity_check(target)  # and back to WAL, as every chatbook store runs
    if result != "ok":
        raise BackupError(f"{target}: integrity check failed after restore: {result}")


def restore_postgres(settings: Settings, dump: Path) -> None:
    run_pg_tool(settings, ["pg_restore", "--no-owner", "--no-privileges", "--clean",
                           "--if-exists", "--single-transaction", "--exit-on-error", str(dump)],
                "pg_restore")


def requeue_outbox_since(path: Path, since: str) -> int:
    """Outbox rows done after the Postgres snapshot may be missing from it: write them again."""
    conn = db.connect(path)
    try:
        return outbox.reopen_done_since(conn, since)
    finally:
        conn.close()


def restore(settings: Settings, src: Path) -> RestoreResult:
    """Restore a verified backup into empty stores; refuses, naming them, otherwise."""
    src = Path(src).resolve()
    manifest = verify(src)
    refuse_unless_empty(settings, manifest)
    files = attachment_targets(settings, src, manifest)
    ensure_dirs(settings)
    restored = []
    place_sqlite(src / APP_FILE, settings.db_path)
    place_sqlite(src / VECTORS_FILE, settings.vdb_path)
    restored += [str(settings.db_path), str(settings.vdb_path)]
    for source, target in files:
        write_private_copy(source, target)
    restored.append(str(settings.attachments_dir))
    requeued = 0
    if manifest.postgres:
        restore_postgres(settings, src / PG_FILE)
        restored.append(settings.media_db_url_redacted)
        if manifest.pg_snapshot_at:
            requeued = requeue_outbox_since(settings.db_path, manifest.pg_snapshot_at)
    counts = {
        "sqlite": sqlite_counts(settings.db_path),
        "vectors": sqlite_counts(settings.vdb_path),
        "attachments": {"files": len(attachment_files(settings.attachments_dir))},
    }
    if manifest.postgres:
        counts["postgres"] = postgres_counts(settings)
    check_counts(manifest, counts)
    return RestoreResult(str(src), restored, counts, requeued)


def check_counts(manifest: Manifest, counts: dict[str, dict[str, int]]) -> None:
    for store, expected in manifest.counts.items():
        got = counts.get(store, {})
        for table, n in expected.items():
            if got.get(table) != n:
                raise BackupError(f"after restore, {store}.{table} has {got.get(table)} rows, "
                                  f"the backup {n}")
