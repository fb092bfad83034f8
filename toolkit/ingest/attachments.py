"""Media files from exports: zip safety checks, content-addressed copies, the Postgres row.

Files are copied under ATTACHMENTS_DIR as `<sha[:2]>/<sha256><ext>` (0600, folders 0700), so
the same photo sent to three groups is stored once and a re-import copies nothing new;
`attachment_files` and `file_sha` read that layout back (for `chatbook doctor` and backups). With
media processing on, each copied file gets an `attachments` row in Postgres through the outbox
(handler `attachment` below), written idempotently with ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import mimetypes
import os
import re
import stat
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from toolkit.config import Settings
from toolkit.errors import InputError
from toolkit.fsutil import PRIVATE_FILE_MODE, ensure_private_dir, sha256_file
from toolkit.store import outbox
from toolkit.store.attachments import insert_attachment

# Caps against zip bombs: a real export of years of chats with media is a few GB at most, and
# its text compresses about 5-10x; photos and videos barely compress at all. The caps hold for
# each big member and for the archive as a whole (many small members add up), and they bind:
# zipfile never unpacks a member past the size its header declares.
MAX_TOTAL_UNCOMPRESSED = 16 * 1024**3
MAX_RATIO = 200
RATIO_MIN_SIZE = 1024**2  # tiny members may compress absurdly well; only big ones count
MAX_ARCHIVE_RATIO = 100  # the whole archive: unpacked bytes per byte of zip file
ARCHIVE_RATIO_MIN_SIZE = 64 * 1024**2  # a zip unpacking to less is never too dense
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
COPY_BLOCK = 1 << 20
SAFE_EXT = re.compile(r"^\.[a-z0-9]{1,8}$")
HEX = frozenset("0123456789abcdef")
# A file being copied in: `.incoming-<pid>-<random hex>` directly under ATTACHMENTS_DIR until
# it is renamed to its sha256 name. A killed import leaves one behind; after an hour with its
# writer gone it is stale (a live copy rewrites its file continuously and renames it at once).
INCOMING_PREFIX = ".incoming-"
STALE_INCOMING_S = 3600


# ---------------------------------------------------------------------------- zip safety


@dataclass(frozen=True)
class ZipLimits:
    max_total: int = MAX_TOTAL_UNCOMPRESSED
    max_ratio: float = MAX_RATIO
    ratio_min_size: int = RATIO_MIN_SIZE
    max_archive_ratio: float = MAX_ARCHIVE_RATIO
    archive_ratio_min_size: int = ARCHIVE_RATIO_MIN_SIZE


def open_safe_zip(path: Path, limits: ZipLimits | None = None,
                  source: str | None = None) -> zipfile.ZipFile:
    """Open a zip and reject it whole, with a clear reason, if any member is unsafe or the
    whole would unpack to too much. `source` is the path as shown in errors."""
    source = source or str(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise InputError(f"not a readable zip file ({error})", source) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", source) from None
    try:
        check_members(archive, source, limits or ZipLimits(), path.stat().st_size)
    except BaseException:
        archive.close()
        raise
    return archive


def check_members(archive: zipfile.ZipFile, source: str, limits: ZipLimits,
                  archive_size: int) -> None:
    total = 0
    for info in archive.infolist():
        name = info.filename
        if info.flag_bits & 0x1:
            raise InputError(f"the zip is encrypted ({name!r}); export the chat again without a "
                             "password", source)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(f"the zip holds a symbolic link ({name!r}); refusing it", source)
        if not is_safe_member_name(name):
            raise InputError(f"the zip holds an unsafe path {name!r} (absolute or with ..)",
                             source)
        total += info.file_size
        if total > limits.max_total:
            raise InputError(f"the zip unpacks to more than {limits.max_total} bytes; refusing "
                             "it (zip bomb?)", source)
        if (info.file_size >= limits.ratio_min_size
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise InputError(f"{name!r} expands {info.file_size // max(info.compress_size, 1)}x; "
                             "refusing the zip (zip bomb?)", source)
    if (total >= limits.archive_ratio_min_size
            and total > limits.max_archive_ratio * max(archive_size, 1)):
        raise InputError(f"the zip unpacks to {total} bytes from {archive_size} "
                         f"({total // max(archive_size, 1)}x, over {len(archive.infolist())} "
                         "members); refusing it (zip bomb?)", source)


def is_safe_member_name(name: str) -> bool:
    """Relative, no `..`, no drive letters or backslash tricks."""
    if not name or "\x00" in name:
        return False
    normal = name.replace("\\", "/")
    if normal.startswith("/") or re.match(r"^[A-Za-z]:", normal):
        return False
    return ".." not in PurePosixPath(normal).parts


def member_opener(archive: zipfile.ZipFile, member: str, source: str) -> Callable[[], IO[bytes]]:
    """Opens the member afresh each time (the parser reads a chat text twice)."""
    return lambda: read_member(archive, member, source)


def read_member(archive: zipfile.ZipFile, name: str, source: str) -> IO[bytes]:
    """Open a zip member, turning zip errors into an InputError naming the zip and member."""
    try:
        return archive.open(name)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        raise InputError(f"cannot read {name!r} from the zip ({error})", source) from None


# ---------------------------------------------------------------------------- stored copies


@dataclass(frozen=True)
class StoredFile:
    """A media file under ATTACHMENTS_DIR; `path` is relative to it. `created`: this copy
    wrote the file (it was not there before), so a failed import may take it away again."""

    sha256: str
    path: str
    size: int
    file_name: str
    created: bool = False


def safe_ext(file_name: str) -> str:
    ext = os.path.splitext(file_name)[1].lower()
    return ext if SAFE_EXT.match(ext) else ""


def store_stream(settings: Settings, stream: IO[bytes], file_name: str, source: str,
                 max_bytes: int = MAX_TOTAL_UNCOMPRESSED) -> StoredFile:
    """Copy a stream into the content-addressed store, hashing on the way (one read)."""
    root = ensure_private_dir(settings.attachments_dir)
    tmp = root / f"{INCOMING_PREFIX}{os.getpid()}-{os.urandom(6).hex()}"
    digest = hashlib.sha256()
    size = 0
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out:
            while block := stream.read(COPY_BLOCK):
                size += len(block)
                if size > max_bytes:
                    raise InputError(f"{file_name!r} is larger than {max_bytes} bytes", source)
                digest.update(block)
                out.write(block)
        sha = digest.hexdigest()
        relative = f"{sha[:2]}/{sha}{safe_ext(file_name)}"
        final = root / relative
        ensure_private_dir(final.parent)
        created = not final.exists()
        if created:
            os.replace(tmp, final)
        else:
            tmp.unlink()
    except OSError as error:
        if error.errno in DISK_FULL_ERRNOS:
            raise  # the importer says "disk full" and takes back what it wrote
        raise InputError(f"cannot copy {file_name!r}: {error}", source) from None
    except (EOFError, zipfile.BadZipFile, zlib.error) as error:  # corrupt, bad CRC
        raise InputError(f"cannot copy {file_name!r}: {error}", source) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return StoredFile(sha, relative, size, file_name, created)


def remove_stored(settings: Settings, stored: StoredFile) -> None:
    """Take back a file this import wrote (no row names it any more)."""
    with contextlib.suppress(FileNotFoundError):
        (settings.attachments_dir / stored.path).unlink()


def is_temporary(path: Path) -> bool:
    """A file on its way in (an import's copy, an atomic write's temp file), not data yet."""
    name = path.name
    return name.startswith(INCOMING_PREFIX) or (
        name.startswith(".") and (".tmp" in name or name.endswith(".part")))


def attachment_files(root: Path) -> list[Path]:
    """Regular files under `root`; symlinks and half-written temp files are not data."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or is_temporary(path):
            continue
        found.append(path)
    return found


def writer_alive(pid: int) -> bool:
    """Whether a process with this id runs here (another container's look dead: the age
    condition of `stale_incoming_files` covers them)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def stale_incoming_files(root: Path, min_age_s: float = STALE_INCOMING_S,
                         now: float | None = None) -> list[Path]:
    """Copies a killed import left under `root`: its writer is gone and the file has not
    changed for `min_age_s`. A copy in progress is neither."""
    if not root.is_dir():
        return []
    now = time.time() if now is None else now
    stale = []
    for path in sorted(root.glob(f"{INCOMING_PREFIX}*")):
        pid_text = path.name[len(INCOMING_PREFIX):].split("-", 1)[0]
        if path.is_symlink() or not path.is_file():
            continue
        if pid_text.isdigit() and writer_alive(int(pid_text)):
            continue
        if now - path.stat().st_mtime >= min_age_s:
            stale.append(path)
    return stale


def file_sha(path: Path) -> str:
    """Content-addressed names start with their sha256; anything else is hashed."""
    stem = path.name.split(".", 1)[0]
    if len(stem) == 64 and set(stem) <= HEX:
        return stem
    return sha256_file(path)


MediaOpener = Callable[[], IO[bytes]]


class MediaSource:
    """Where the media files named in a chat live: nowhere, a zip, or a folder."""

    def find(self, name: str) -> MediaOpener | None:
        return None


class ZipMedia(MediaSource):
    def __init__(self, archive: zipfile.ZipFile, folder: str, source: str):
        self.archive = archive
        self.source = source
        self.members: dict[str, str] = {}
        for member in archive.namelist():
            if member.endswith("/"):
                continue
            base = PurePosixPath(member.replace("\\", "/"))
            # the chat's own folder wins over a same-named file elsewhere in the zip
            if str(base.parent) == folder or base.name not in self.members:
                self.members[base.name] = member

    def find(self, name: str) -> MediaOpener | None:
        member = self.members.get(name)
        if member is None:
            return None
        return lambda: read_member(self.archive, member, self.source)


class FolderMedia(MediaSource):
    """An export unzipped into a folder: the media sit beside `_chat.txt`."""

    def __init__(self, folder: Path):
        self.folder = folder

    def find(self, name: str) -> MediaOpener | None:
        if "/" in name or "\\" in name or name in {".", ".."}:
            return None
        path = self.folder / name
        if path.is_symlink() or not path.is_file():
            return None
        return lambda: path.open("rb")


# ---------------------------------------------------------------------------- Postgres rows


def describe_image(path: Path) -> tuple[str | None, int | None, int | None]:
    """(mime, width, height) from the file's header via Pillow; (guess, None, None) if no image."""
    mime = mimetypes.guess_type(path.name)[0]
    try:
        from PIL import Image  # the optional `media` extra: only media work describes images

        with Image.open(path) as image:
            width, height = image.size
            return Image.MIME.get(image.format or "", mime), width, height
    except Exception:  # not an image, or one Pillow cannot read: the row still gets written
        return mime, None, None


def attachment_payload(settings: Settings, stored: StoredFile, chat: str,
                       message_id: int) -> dict[str, Any]:
    """What the handler needs; `root` because a handler gets the payload and nothing else."""
    return {"sha256": stored.sha256, "path": stored.path, "size": stored.size,
            "file_name": stored.file_name, "chat": chat, "message_id": message_id,
            "root": str(settings.attachments_dir)}


def enqueue_attachment(settings: Settings, conn: Any, stored: StoredFile, chat: str,
                       message_id: int) -> None:
    """Queue the Postgres row; call in the same SQLite transaction as the message."""
    outbox.enqueue(conn, "attachment", attachment_payload(settings, stored, chat, message_id),
                   f"attachment:{message_id}:{stored.sha256}")


def write_attachment(pg_conn: Any, payload: dict[str, Any]) -> None:
    """The outbox handler for one stored file: its `attachments` row (a second write changes nothing)."""
    mime, width, height = describe_image(Path(payload["root"]) / payload["path"])
    insert_attachment(pg_conn, payload, mime, width, height)


# What the outbox drain needs to write the rows this module queues; passed explicitly by every
# caller of `outbox.drain`, so nothing depends on which modules happen to be imported.
OUTBOX_HANDLERS: dict[str, outbox.Handler] = {"attachment": write_attachment}
