"""Finding the chat exports in what a user names: files, zips, folders of them.

A folder is searched whole: an unzipped export (`_chat.txt` and its media), other exports
beside it (`WhatsApp Chat with X.txt`, `WhatsApp Chat - Y.zip`) and sub-folders with their own.
A `.txt` or `.zip` that is no chat export is skipped with a line saying so, in folders and in
zips alike; a file named on the command line must be one. Links are followed once: a folder
that links to itself, or two links to one file, cannot make a file count twice. File names
that are not UTF-8 (a Latin-1 `Caf\xe9.txt`) are shown with the odd bytes escaped, and the
chat name is read as Latin-1.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toolkit.errors import InputError
from toolkit.ingest import attachments
from toolkit.ingest.whatsapp import ChatParser, binary_opener

EXPORT_SUFFIXES = (".txt", ".zip")
CHAT_FILE_NAMES = [
    re.compile(r"^WhatsApp[ -]Chat (?:with|mit|con|avec|com|met|z|med|ile) (?P<name>.+)$", re.I),
    re.compile(r"^WhatsApp[ -]Chat - (?P<name>.+)$", re.I),
    re.compile(r"^(?:Chat de WhatsApp con|Conversa do WhatsApp com|Discussion WhatsApp avec"
               r"|Chat WhatsApp con|Conversa de WhatsApp amb) (?P<name>.+)$", re.I),
]
GENERIC_CHAT_FILES = {"_chat", "chat", "whatsapp chat"}


@dataclass
class ChatSource:
    """One chat export to import: its text (on disk or in a zip) and where its media live."""

    path: str  # as shown to people (odd bytes escaped)
    chat: str
    parser: ChatParser
    media: attachments.MediaSource


@dataclass(frozen=True)
class Candidate:
    """A file to import: named by the user (it must be an export) or found in a folder."""

    path: Path
    named: bool


@dataclass(frozen=True)
class Skipped:
    """A file that was looked at and left alone, and why."""

    path: str
    reason: str

    def line(self) -> str:
        return f"skipped {self.path}: {self.reason}"


def shown(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 become \\xNN."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace")


def readable_name(name: str) -> str:
    """A file name as a person reads it: UTF-8, else Latin-1 (never an escape in a chat name)."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def chat_name_from(path: Path, container: Path | None = None) -> str:
    """The chat's name from the export's file name ("WhatsApp Chat with X.txt" -> "X")."""
    stem = re.sub(r" \(\d+\)$", "", readable_name(path.stem)).strip()
    if stem.lower() in GENERIC_CHAT_FILES and container is not None:
        return chat_name_from(container)
    for pattern in CHAT_FILE_NAMES:
        match = pattern.match(stem)
        if match:
            return match["name"].strip()
    return stem


def named_chat_member(name: str) -> bool:
    """Whether a file's name says it is a chat export (`_chat.txt`, `WhatsApp Chat ...`)."""
    stem = PurePosixPath(name).stem.lower()
    return stem in GENERIC_CHAT_FILES or stem.startswith("whatsapp")


# ---------------------------------------------------------------------------- folders


def expand_paths(paths: Iterable[Path | str]) -> tuple[list[Candidate], list[Skipped]]:
    """The files to import from what the user named, each once, and what was skipped."""
    seen: set[tuple[int, int]] = set()
    found: list[Candidate] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(exports_in_folder(path, seen, skipped))
            continue
        identity = file_identity(path)
        if identity is not None and identity in seen:
            continue  # the same file named twice
        if identity is not None:
            seen.add(identity)
        found.append(Candidate(path, named=True))
    return found, skipped


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file or folder a path leads to; None if it leads nowhere."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def exports_in_folder(folder: Path, seen: set[tuple[int, int]],
                      skipped: list[Skipped]) -> Iterator[Candidate]:
    """Every .txt and .zip below `folder`, each file and folder visited once (links too)."""
    identity = file_identity(folder)
    if identity is None or identity in seen:
        return
    seen.add(identity)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: os.fsencode(entry.name))
    except OSError as error:
        skipped.append(Skipped(shown(folder), f"cannot read this folder ({error.strerror})"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            continue
        if is_dir:
            if entry.is_symlink() and file_identity(path) in seen:
                skipped.append(Skipped(shown(path), "a link to a folder already searched"))
                continue
            yield from exports_in_folder(path, seen, skipped)
        elif is_file and path.suffix.lower() in EXPORT_SUFFIXES:
            identity = file_identity(path)
            if identity is None or identity in seen:
                continue
            seen.add(identity)
            yield Candidate(path, named=False)


# ---------------------------------------------------------------------------- opening


def open_sources(candidate: Candidate, chat: str | None, date_order: str,
                 stack: list[zipfile.ZipFile], skipped: list[Skipped]) -> list[ChatSource]:
    """The chat exports in one file (a zip may hold several; zips stay open in `stack`).

    A file that is no export raises InputError when it was named (or its name says it is an
    export); found in a folder, it is added to `skipped` and gives no source.
    """
    path = candidate.path
    display = shown(path)
    if not path.exists():
        raise InputError("no such file or folder", display)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return zip_sources(path, display, chat, date_order, stack, skipped, candidate.named)
    name = chat or chat_name_from(path, path.parent if path.stem == "_chat" else None)
    try:
        opener = binary_opener(lambda: path.open("rb"), display)
        parser = ChatParser(opener, display, date_order=date_order, chat_name=name)
        if not (candidate.named or named_chat_member(path.name)):
            _ = parser.format  # a .txt found in a folder must look like an export
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", display) from None
    except InputError as error:
        if candidate.named or named_chat_member(path.name):
            raise
        skipped.append(Skipped(display, reason_of(error)))
        return []
    # An unzipped export keeps its media beside the text (Android and iOS alike).
    return [ChatSource(display, name, parser, attachments.FolderMedia(path.parent))]


def reason_of(error: InputError) -> str:
    """An InputError's message without the file name it repeats (with the line, if any)."""
    return f"line {error.line}: {error.reason}" if error.line is not None else error.reason


def chat_members(archive: zipfile.ZipFile) -> tuple[list[str], list[str]]:
    """The zip's chat texts (`_chat.txt`, `WhatsApp Chat ...txt`) and its other .txt files
    that are not beside one of them (those are files sent in that chat)."""
    texts = [name for name in archive.namelist()
             if name.lower().endswith(".txt") and not name.startswith("__MACOSX/")]
    named = [name for name in texts if named_chat_member(name)]
    chat_folders = {str(PurePosixPath(name).parent) for name in named}
    others = [name for name in texts if name not in named
              and str(PurePosixPath(name).parent) not in chat_folders]
    return named, others


def zip_sources(path: Path, display: str, chat: str | None, date_order: str,
                stack: list[zipfile.ZipFile], skipped: list[Skipped],
                named: bool) -> list[ChatSource]:
    archive = attachments.open_safe_zip(path, source=display)
    stack.append(archive)
    chat_texts, others = chat_members(archive)
    if not chat_texts and not others:
        if named:
            raise InputError("the zip holds no chat export (.txt)", display)
        skipped.append(Skipped(display, "the zip holds no chat export (.txt)"))
        return []
    sources: list[ChatSource] = []
    rejected: list[InputError] = []
    for member in chat_texts + others:
        member_path = PurePosixPath(member)
        name = chat or chat_name_from(Path(member_path.name), path)
        where = f"{display}!{member}"
        try:
            opener = binary_opener(attachments.member_opener(archive, member, display), where)
            parser = ChatParser(opener, where, date_order=date_order, chat_name=name)
            if member in others:
                _ = parser.format  # a .txt document in the zip is no export
        except InputError as error:
            if member in chat_texts:
                raise
            rejected.append(error)
            continue
        in_zip = attachments.ZipMedia(archive, str(member_path.parent), display)
        sources.append(ChatSource(where, name, parser, in_zip))
    if not sources and named:
        raise rejected[0]  # the zip was named: that it holds no chat is an error
    skipped += [Skipped(str(error.path), reason_of(error)) for error in rejected]
    return sources
