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
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from toolkit import __version__
from toolkit.config import Settings, redact_text
from toolkit.errors import ChatbookError, StoreUnavailable
from toolkit.fsutil import PRIVATE_FILE_MODE, ensure_private_dir, is_within
from toolkit.store import db, pg

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
APP_FILE = "app.db"
VECTORS_FILE = "vectors.db"
PG_FILE = "media.dump"
ATTACHMENTS_FOLDER = "attachments"
PG_TABLES = ("attachments", "extractions")
CHUNK = 1 << 20


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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(root: Path, path: Path) -> FileEntry:
    return FileEntry(path.relative_to(root).as_posix(), sha256_file(path), path.stat().st_size)


def plain_tables(conn: db.Connection) -> list[str]:
    """Ordinary tables (shadow tables of FTS/vector indexes included; they need no extension)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [row["name"] for row in rows if not str(row["sql"]).upper().startswith("CREATE VIRTUAL")]


def sqlite_counts(path: Path) -> dict[str, int]:
    conn = db.connect(path, readonly=True)
    try:
        return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                for t in plain_tables(conn)}
    finally:
        conn.close()


def write_private_copy(source: Path, target: Path) -> None:
    """Copy bytes to a 0600 file (never through a wider umask), via temp + rename."""
    ensure_private_dir(target.parent)
    tmp = target.with_name(f".{target.name}.part")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)


# ------------------------------------------------------------------ SQLite


def copy_sqlite(source: Path, target: Path) -> None:
    """An online, consistent copy through SQLite's backup API, as one self-contained file.

    One step (pages=-1) copies the whole database inside a single read transaction: in WAL
    mode that is a snapshot, and writers are never blocked (a paged copy would restart
    whenever a writer commits, and may never finish under load).
    """
    ensure_private_dir(target.parent)
    src = db.connect(source, readonly=True)
    dst = db.connect(target)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()
    as_single_file(target)


def prune_embeddings_beyond(vectors_copy: Path, app_copy: Path) -> int:
    """Drop, from the vector copy, embeddings of messages the primary copy does not hold."""
    from toolkit.ops import doctor

    conn = db.connect(app_copy, readonly=True)
    try:
        conn.execute("ATTACH DATABASE ? AS v", (f"file:{vectors_copy}?mode=ro",))
        has_table = conn.execute(
            "SELECT 1 FROM v.sqlite_master WHERE name = 'embeddings'").fetchone() is not None
        orphans = doctor.orphan_embeddings(conn) if has_table else []
    finally:
        conn.close()
    pruned = doctor.delete_embeddings(vectors_copy, orphans)
    if pruned:
        as_single_file(vectors_copy)
    return pruned


def as_single_file(path: Path) -> None:
    """Leave a copy in journal mode DELETE: one file, no -wal beside it, stable checksum."""
    conn = db.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.chmod(PRIVATE_FILE_MODE)


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


def pg_command_env(url: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and an environment carrying it as PGPASSWORD.

    A password on a command line is visible to every user through /proc; the environment
    of our own child is not.
    """
    parts = urlsplit(url)
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    if parts.password is None:
        return url, env
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    env["PGPASSWORD"] = parts.password
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host)), env


def run_pg_tool(settings: Settings, args: list[str], what: str) -> None:
    dsn, env = pg_command_env(settings.media_db_url)
    tool, *rest = args
    command = [find_pg_tool(tool), *rest, f"--dbname={dsn}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        secret = pg.password_of(settings.media_db_url) or ""
        detail = redact_text(done.stderr.strip() or f"exit code {done.returncode}", [secret])
        raise BackupError(f"{what} failed for {settings.media_db_url_redacted}: {detail}")


def dump_postgres(settings: Settings, target: Path) -> tuple[str, dict[str, int]]:
    """pg_dump inside a snapshot we hold open, so the row counts are exactly what it dumped.

    Returns when the snapshot was taken (second precision, rounded down: restore re-queues
    every outbox row marked done since then) and the counts.
    """
    ensure_private_dir(target.parent)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.close(fd)
    conn = pg.connect(settings)
    try:
        taken_at = db.utc_now()
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = str(conn.execute("SELECT pg_export_snapshot()").fetchone()[0])
        counts = postgres_counts_on(conn)
        run_pg_tool(settings, ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                               f"--snapshot={snapshot}", f"--file={target}"], "pg_dump")
        conn.execute("COMMIT")
    finally:
        conn.close()
    target.chmod(PRIVATE_FILE_MODE)
    return taken_at, counts


def postgres_counts_on(conn: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in (*PG_TABLES, "schema_migrations"):
        if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is not None:
            counts[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return counts


def postgres_counts(settings: Settings) -> dict[str, int]:
    conn = pg.connect(settings)
    try:
        return postgres_counts_on(conn)
    finally:
        conn.close()


# ------------------------------------------------------------------ attachments


def attachment_files(root: Path) -> list[Path]:
    """Regular files under `root`; symlinks and half-written temp files are not data."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if path.name.startswith(".") and (".tmp" in path.name or path.name.endswith(".part")):
            continue
        found.append(path)
    return found


def referenced_shas(settings: Settings, app_copy: Path) -> set[str]:
    """Content addresses the copied stores refer to: messages, and Postgres attachment rows."""
    conn = db.connect(app_copy, readonly=True)
    try:
        shas = {str(r[0]) for r in conn.execute(
            "SELECT DISTINCT attachment_sha256 FROM messages WHERE attachment_sha256 IS NOT NULL")}
    finally:
        conn.close()
    if settings.image_processing_enabled:
        pg_conn = pg.connect(settings)
        try:
            if pg_conn.execute("SELECT to_regclass('attachments')").fetchone()[0] is not None:
                shas |= {str(r[0]) for r in pg_conn.execute("SELECT DISTINCT sha256 FROM attachments")}
        finally:
            pg_conn.close()
    return shas


def copy_attachments(source_root: Path, target_root: Path,
                     wanted: set[str]) -> tuple[list[Path], list[str]]:
    """Copy the files the stores refer to; return them and the unreferenced ones left out.

    Files are written before the row that names them commits, so under load the folder holds
    files of imports newer than the SQLite copy: they belong to the next backup, not this one.
    """
    from toolkit.ops.doctor import file_sha

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
        from toolkit.store.connect import open_vectors

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
        referenced_shas(settings, dest / APP_FILE))
    manifest.counts["sqlite"] = sqlite_counts(dest / APP_FILE)
    manifest.counts["vectors"] = sqlite_counts(dest / VECTORS_FILE)
    manifest.counts["attachments"] = {"files": len(attachment_files(dest / ATTACHMENTS_FOLDER))}
    manifest.files = [file_entry(dest, path) for path in sorted(dest.rglob("*"))
                      if path.is_file() and path.name != MANIFEST_NAME]
    write_manifest(dest, manifest)
    return manifest


def write_manifest(dest: Path, manifest: Manifest) -> None:
    from toolkit.fsutil import write_private_text

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


def sqlite_store_is_empty(path: Path) -> bool:
    """Missing, or holding no rows beyond its migration bookkeeping (a fresh `chatbook init`)."""
    if not path.exists():
        return True
    conn = db.connect(path, readonly=True)
    try:
        virtual = [str(r[0]) for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")]
        # An FTS index has rows (its config) from birth; its content table is what counts.
        tables = [t for t in plain_tables(conn) if t != "schema_migrations"
                  and not any(t.startswith(f"{v}_") for v in virtual)]
        return all(conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is None for t in tables)
    finally:
        conn.close()


def postgres_is_empty(settings: Settings) -> bool:
    counts = postgres_counts(settings)
    return all(counts.get(table, 0) == 0 for table in PG_TABLES)


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
    conn = db.connect(target)  # back to WAL, as every chatbook store runs
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
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
        with db.transaction(conn):
            cursor = conn.execute(
                "UPDATE outbox SET done_at = NULL WHERE done_at IS NOT NULL AND done_at >= ?",
                (since,))
            return int(cursor.rowcount)
    finally:
        conn.close()


def restore(settings: Settings, src: Path) -> RestoreResult:
    """Restore a verified backup into empty stores; refuses, naming them, otherwise."""
    src = Path(src).resolve()
    manifest = verify(src)
    refuse_unless_empty(settings, manifest)
    from toolkit.store.connect import ensure_dirs

    ensure_dirs(settings)
    restored = []
    place_sqlite(src / APP_FILE, settings.db_path)
    place_sqlite(src / VECTORS_FILE, settings.vdb_path)
    restored += [str(settings.db_path), str(settings.vdb_path)]
    for entry in manifest.files:
        if entry.path.startswith(f"{ATTACHMENTS_FOLDER}/"):
            relative = entry.path[len(ATTACHMENTS_FOLDER) + 1:]
            write_private_copy(src / entry.path, settings.attachments_dir / relative)
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
