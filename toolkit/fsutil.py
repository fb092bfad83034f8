"""Private files and folders: chats are personal, so everything we create is owner-only."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
CHUNK = 1 << 20  # bytes read at a time when hashing or copying a file


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700; never change a folder that exists.

    A folder chatbook did not create is the user's (or the system's, like /tmp, or another
    program's socket folder): exporting a file into it must not change who may enter it.
    """
    path = Path(path)
    if path.is_dir():
        return path
    if not path.parent.exists() and path.parent != path:
        ensure_private_dir(path.parent)  # mkdir(parents=True) would give parents the umask's mode
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE)
    except FileExistsError:
        if not path.is_dir():  # a file (or a link to one) where a folder belongs
            raise NotADirectoryError(errno.ENOTDIR, "a file is in the way of a folder",
                                     str(path)) from None
        return path  # someone made it meanwhile: theirs, so left as it is
    path.chmod(PRIVATE_DIR_MODE)  # ours: exactly 0700, whatever the umask
    return path


@contextlib.contextmanager
def owner_only_umask() -> Iterator[None]:
    """Files created meanwhile are owner-only whoever calls us (a notebook, a script): for code
    that writes many files through numpy and plain `open`. The umask is per process, so only
    ever tightened here, and given back after."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


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


def private_temp_beside(target: Path) -> tuple[int, Path]:
    """A new 0600 file next to `target`, under a name nobody could have planted (O_EXCL, a
    random suffix): in a shared folder like /tmp a predictable name would let another user
    put a link there and have us write through it."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:  # name the file the user asked for, not our temp name
        raise type(error)(error.errno, error.strerror, str(target)) from None
    os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd, Path(name)


def write_private_bytes(path: Path, data: bytes) -> Path:
    """Write `data` atomically (temp file + rename) as a 0600 file; only the file is private,
    the folder it goes into keeps its mode (a missing one is created 0700)."""
    path = Path(path)
    ensure_private_dir(path.parent)
    fd, tmp = private_temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_private_text(path: Path, text: str) -> Path:
    return write_private_bytes(path, text.encode("utf-8"))


def write_private_copy(source: Path, target: Path) -> None:
    """Copy bytes to a 0600 file (never through a wider umask), via temp + rename."""
    ensure_private_dir(target.parent)
    fd, tmp = private_temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


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
