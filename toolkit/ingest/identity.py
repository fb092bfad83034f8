"""Which stored message an exported message is: one identity across re-exports.

A message is the same message when its chat, its time to the minute, its author (phone numbers
compared by digits) and its normalised text agree, whatever the platform (iOS writes seconds,
Android does not), the header format, the media (a `<Media omitted>` export and an export with
`IMG-....jpg (file attached)` name one photo) or a later edit or deletion. Two identical
messages in one minute stay two: the nth of them matches the nth stored one.

`match_minute` decides, for the messages of one minute of an export and the rows already
stored for that minute, what each exported message is: the same row (perhaps bringing its
media file), an edit or a deletion of a stored row, an older version of an edited or deleted
row, or a new message. It is pure: the importer and `chats merge` apply its decisions.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.store.messages import author_key

MINUTE = 16  # "2024-03-14T10:06": the identity's time
# Kinds whose text is a placeholder the platforms word differently: the kind is the identity.
MEDIA_KINDS = frozenset({"media", "contact"})
PLACEHOLDER_KINDS = MEDIA_KINDS | {"view_once", "deleted"}
# Kinds an edit can change (a placeholder is never edited).
EDITABLE_KINDS = frozenset({"text", "poll", "location"})
# Direction marks and zero-width characters the platforms sprinkle differently (str.split
# already takes U+00A0, U+202F and the other odd spaces for spaces).
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c\u200b]")


def text_key(kind: str, text: str) -> str:
    """The text as compared: a placeholder by its kind; otherwise without direction marks,
    in NFC, case-folded, with every run of white space one space."""
    if kind in PLACEHOLDER_KINDS:
        return "\x00media" if kind in MEDIA_KINDS else "\x00" + kind
    if text.isascii():
        return " ".join(text.lower().split())
    if _MARKS.search(text):
        text = _MARKS.sub("", text)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def author_ident(author: str | None) -> str:
    """The author as the identity compares it: its key, case-folded ("" for none)."""
    key = author_key(author)
    return key.casefold() if key else ""


def content_key(seed: int, minute: str, author: str, text: str, position: int) -> str:
    """The stored row's unique key: its minute first (the index grows at its end, as the table
    does), then a 32-bit hash of its author and text (from `seed`, the chat's), then its place
    among identical messages of the minute. Nothing is looked up by it (messages are matched
    by identity), so a short hash is enough: the rare collision gets a salted key."""
    crc = zlib.crc32(author.encode("utf-8", "surrogatepass"), seed)
    return f"{minute}{zlib.crc32(text.encode('utf-8', 'surrogatepass'), crc):08x}{position:x}"


def salted_key(key: str, salt: int) -> str:
    """Another key for the same row when `key` is taken (by a hash collision, or by a row that
    kept its key through a re-dating or a merge, so its minute no longer says where it is)."""
    return key[:MINUTE] + hashlib.blake2b(f"{key}\x1f{salt}".encode(),
                                          digest_size=12).hexdigest()


@dataclass(slots=True)
class Incoming:
    """One exported message with its identity; `extra` is whatever the caller carries along
    (the importer: the parsed message and its copied media file)."""

    minute: str
    author: str  # author_ident
    text: str  # text_key
    kind: str
    edited: bool
    extra: Any = None

    @property
    def ident(self) -> tuple[str, str]:
        return (self.author, self.text)


@dataclass(slots=True)
class Stored:
    """A stored row of the same minute and chat, as the matching needs it."""

    id: int
    author: str  # author_ident
    text: str  # text_key
    kind: str
    edited: bool
    has_file: bool
    row: Any = None

    @property
    def ident(self) -> tuple[str, str]:
        return (self.author, self.text)


def stored_from_row(row: Any) -> Stored:
    """A `messages` row (id, author, text, kind, edited, attachment_sha256) as matched."""
    return Stored(int(row["id"]), author_ident(row["author"]), text_key(row["kind"], row["text"]),
                  row["kind"], bool(row["edited"]), row["attachment_sha256"] is not None, row)


def stored_from_rows(rows: Sequence[Any]) -> list[Stored]:
    """`stored_from_row` for many rows (each author's identity worked out once)."""
    authors: dict[str | None, str] = {}
    found = []
    for row in rows:
        author = row["author"]
        who = authors.get(author)
        if who is None:
            who = authors[author] = author_ident(author)
        kind = row["kind"]
        found.append(Stored(row["id"], who, text_key(kind, row["text"]), kind,
                            bool(row["edited"]), row["attachment_sha256"] is not None, row))
    return found


class AuthorVotes:
    """Whether two names are one person: the same chat exported from two phones names each
    member as that phone's contacts do ("Mum" here, "Grandma" there; a number here, a name
    there). Each message one side has, at a minute where the other side has exactly one
    message of the same text under another name, is a vote for that pair. A name is another
    name's person when at least `min_texts` different texts vote for the pair, those are at
    least `share` of that name's votes, and no other name claims the same partner."""

    def __init__(self, min_texts: int = 3, share: float = 0.9):
        self.min_texts = min_texts
        self.share = share
        self.votes: dict[str, dict[str, set[str]]] = {}
        self.written: dict[str, Any] = {}  # the other side's name -> one of its rows

    def vote(self, mine: str, theirs: Stored, text: str) -> None:
        self.votes.setdefault(mine, {}).setdefault(theirs.author, set()).add(text)
        self.written.setdefault(theirs.author, theirs.row)

    def certain(self) -> dict[str, str]:
        """This side's name -> the other side's, for the pairs the votes make certain."""
        claimed: dict[str, list[str]] = {}
        for name, partners in self.votes.items():
            best, texts = max(partners.items(), key=lambda item: len(item[1]))
            total = sum(len(found) for found in partners.values())
            if len(texts) >= self.min_texts and len(texts) >= self.share * total:
                claimed.setdefault(best, []).append(name)
        return {names[0]: partner for partner, names in claimed.items() if len(names) == 1}

    def texts(self, mine: str, theirs: str) -> set[str]:
        return self.votes.get(mine, {}).get(theirs, set())


# What an exported message turned out to be.
SAME = "same"        # the stored row, unchanged (it may gain its media file)
EDIT = "edit"        # a later edit of the stored row: the row takes the new text
DELETE = "delete"    # the stored row was deleted since
OLDER = "older"      # an older version of a stored row that was edited or deleted since
NEW = "new"          # not stored yet


@dataclass(slots=True)
class Decision:
    action: str
    message: Incoming
    row: Stored | None = None
    position: int = 0  # NEW: how many identical messages of the minute come before it


def match_minute(incoming: Sequence[Incoming], stored: Sequence[Stored]) -> list[Decision]:
    """Decide what each exported message of one minute is, given that minute's stored rows
    (in id order). Every stored row answers for at most one exported message."""
    pool: dict[tuple[str, str], deque[Stored]] = {}
    for row in stored:
        pool.setdefault(row.ident, deque()).append(row)
    taken: set[int] = set()
    decisions: list[Decision | None] = []
    unmatched: list[int] = []
    for index, message in enumerate(incoming):
        queue = pool.get(message.ident)
        if queue:
            row = queue.popleft()
            taken.add(row.id)
            decisions.append(Decision(SAME, message, row))
        else:
            decisions.append(None)
            unmatched.append(index)
    leftovers = [row for row in stored if row.id not in taken]
    counts: dict[tuple[str, str], int] = {}
    for row in stored:
        counts[row.ident] = counts.get(row.ident, 0) + 1
    for index in unmatched:
        message = incoming[index]
        version = counterpart(message, leftovers)
        if version is None:
            position = counts.get(message.ident, 0)
            counts[message.ident] = position + 1
            decisions[index] = Decision(NEW, message, None, position)
            continue
        leftovers.remove(version)
        decisions[index] = Decision(relation(message, version), message, version)
    return [decision for decision in decisions if decision is not None]


def counterpart(message: Incoming, leftovers: list[Stored]) -> Stored | None:
    """The stored row an unmatched exported message is another version of, if any.

    Only rows of the same author and minute that the export does not show as they are stored
    qualify: an export that shows a message edited or deleted no longer shows its old text,
    and an older export shows the text a stored row had before its edit or deletion.
    """
    for row in leftovers:
        if row.author != message.author:
            continue
        if message.kind == "system" or row.kind == "system":
            # Platforms word system lines differently ("You added Ana" / "‎You added Ana"):
            # an unmatched one answers for an unmatched one of the same minute.
            if message.kind == row.kind == "system":
                return row
            continue
        if message.kind == "deleted":
            if row.kind != "deleted":
                return row
        elif message.edited and message.kind in EDITABLE_KINDS:
            if row.kind == message.kind or row.kind == "deleted":
                return row
        elif row.kind == "deleted" or (row.edited and row.kind == message.kind):
            return row
    return None


def relation(message: Incoming, row: Stored) -> str:
    """How an exported message relates to the stored row `counterpart` found for it."""
    if message.kind == "system":
        return SAME
    if message.kind == "deleted":
        return DELETE
    if row.kind == "deleted":
        return OLDER  # a deletion is final: the text it had goes to history, never back
    if message.edited:
        return EDIT
    return OLDER
