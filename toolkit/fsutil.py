"""Private files and folders: chats are personal, so everything we create is owner-only."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
CHUNK = 1 << 20  # bytes read at a time when hashing or copying a file


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) as 0700; tighten it if it already exists and is ours."""
    if not path.parent.exists():  # mkdir(parents=True) would give new parents the umask's mode
        ensure_private_dir(path.parent)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if path.stat().st_uid == os.getuid():
        path.chmod(PRIVATE_DIR_MODE)
    return path


def ensure_private_file(path: Path) -> Path:
    """Create an empty 0600 file if missing (so SQLite's WAL/SHM inherit 0600), else tighten it."""
    ensure_private_dir(path.parent)
    # Never open an existing file: closing any descriptor of a file drops every POSIX lock this
    # process holds on it, so a second SQLite connection would silently unlock the first and
    # let another process delete the WAL under it ("disk I/O error").
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE)
        os.close(fd)
    path.chmod(PRIVATE_FILE_MODE)
    return path


def write_private_bytes(path: Path, data: bytes) -> Path:
    """Write `data` atomically (temp file + rename) as a 0600 file."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_private_text(path: Path, text: str) -> Path:
    return write_private_bytes(path, text.encode("utf-8"))


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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_within(path: Path, root: Path) -> bool:
    """True when `path` resolves inside `root` (guards against ../ and symlink escapes)."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
