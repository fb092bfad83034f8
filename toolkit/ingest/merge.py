"""One chat under two names: merge them (`chatbook chats merge KEPT MERGED`), by hand or, at
ingest, when the overlap makes it certain.

The same group exported from an Android phone and an iPhone, or exported again after it was
renamed, arrives as a second chat. Merging moves the second chat's messages into the first,
message by message through the same identity as a re-export (`ingest.identity`): a message
the first chat already has is folded into it (with whatever pointed at it: proposal sources,
earlier versions; its media file if the kept row had none), an edit or a deletion it shows is
applied, and the rest move over. The merged chat's name stays as an alias, so its next export
lands in the chat it joined.

Automatic merges need certainty: a new chat is compared with every chat whose time span it
overlaps, on up to `SAMPLE` of its text messages in the overlap; at least `MIN_EVIDENCE` of
them, with at least `MIN_DISTINCT` different texts, must be there, and at least
`MIN_SHARE` of the sampled ones must be found in the other chat (same minute, author and text).
Chats that merely share members or a few greetings are far from that.

A merge runs in small transactions and is resumable: the cursor `merge:chat:<merged id>`
names the chat it joins until it is done, and the next import finishes an interrupted one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.config import Settings
from toolkit.errors import InputError
from toolkit.ingest import identity, redate
from toolkit.store import db, history, merging, messages

SAMPLE = 400
MIN_EVIDENCE = 20
MIN_DISTINCT = 10
MIN_SHARE = 0.9
MIN_AUTHOR_TEXTS = 3  # different texts by which two names are known to be one person
BATCH = 5000
MERGE_PREFIX = "merge:chat:"


@dataclass
class MergeNote:
    """What a merge did."""

    into: str
    merged: str
    moved: int = 0
    folded: int = 0
    evidence: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # merged chat's name -> kept's

    def describe(self) -> str:
        why = f" ({self.evidence})" if self.evidence else ""
        people = "".join(f"; {name!r} is {kept!r} there" for name, kept in self.authors.items())
        return (f"merged {self.merged!r} into {self.into!r}{why}: {self.folded} messages were "
                f"already there, {self.moved} moved{people}")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def merge_chats(settings: Settings, conn: db.Connection, kept_name: str,
                merged_name: str) -> MergeNote:
    """Merge the chat named `merged_name` into the one named `kept_name` (names or aliases)."""
    kept = messages.chat_named(conn, kept_name)
    merged = messages.chat_named(conn, merged_name)
    for name, row in ((kept_name, kept), (merged_name, merged)):
        if row is None:
            known = ", ".join(messages.chat_names(conn)[:10]) or "none yet"
            raise InputError(f"no chat named {name!r} (chats: {known})")
    assert kept is not None and merged is not None
    if kept["id"] == merged["id"]:
        raise InputError(f"{kept_name!r} and {merged_name!r} are already one chat "
                         f"({kept['name']!r})")
    spans = {span["id"]: span for span in merging.chat_spans(conn)}
    authors = {}
    if kept["id"] in spans and merged["id"] in spans:
        authors = overlap(conn, int(merged["id"]), spans[kept["id"]]).authors
    return run_merge(settings, conn, int(merged["id"]), int(kept["id"]), "merged by hand",
                     authors)


def merge_if_certain(settings: Settings, conn: db.Connection, chat_id: int) -> MergeNote | None:
    """Merge a newly imported chat into the one chat it certainly is, if there is one."""
    spans = merging.chat_spans(conn)
    own = next((span for span in spans if span["id"] == chat_id), None)
    if own is None:
        return None
    certain = []
    for other in spans:
        if other["id"] == chat_id or other["last"] < own["first"] or other["first"] > own["last"]:
            continue
        seen = overlap(conn, chat_id, other)
        if seen.certain:
            certain.append((other, seen))
    if len(certain) != 1:
        return None  # none, or several candidates: not certain which
    other, seen = certain[0]
    return run_merge(settings, conn, chat_id, int(other["id"]), f"the same chat: {seen.describe()}",
                     seen.authors)


@dataclass
class Overlap:
    """What a sample of one chat's messages found in another chat."""

    sampled: int = 0
    found: int = 0  # sampled messages the other chat has (same minute, author and text)
    texts: int = 0  # different texts among them
    # The same person under two names (two phones' contacts): this chat's author as compared
    # -> the other chat's, with how the other chat writes it (author, author_key).
    authors: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)

    @property
    def certain(self) -> bool:
        return (self.found >= MIN_EVIDENCE and self.texts >= MIN_DISTINCT
                and self.found >= MIN_SHARE * self.sampled)

    def describe(self) -> str:
        return f"{self.found} of {self.sampled} sampled messages are in both"


def overlap(conn: db.Connection, chat_id: int, other: dict[str, Any]) -> Overlap:
    """Sample the chat's text messages in `other`'s span and look for each in `other`.

    A sampled message found there under another author (the only message of that minute with
    its text) is a vote that the two names are one person; a name with at least
    `MIN_AUTHOR_TEXTS` such votes of different texts, at least `MIN_SHARE` of its votes for
    one name that no other name claims, is that person, and its messages count as found.
    """
    rows = merging.sample_rows(conn, chat_id, other["first"], other["last"], SAMPLE)
    seen = Overlap(sampled=len(rows))
    texts: set[str] = set()
    votes = identity.AuthorVotes(MIN_AUTHOR_TEXTS, MIN_SHARE)
    for row in rows:
        mine = identity.stored_from_row(row)
        minute = str(row["sent_at"])[:identity.MINUTE]
        theirs = [identity.stored_from_row(r)
                  for r in messages.rows_in_minutes(conn, int(other["id"]), minute, minute)]
        same_text = [r for r in theirs if r.text == mine.text]
        if any(r.author == mine.author for r in same_text):
            seen.found += 1
            texts.add(mine.text)
        elif len(same_text) == 1 and same_text[0].author:
            votes.vote(mine.author, same_text[0], mine.text)
    for name, partner in votes.certain().items():
        written = votes.written[partner]["author"]
        seen.authors[name] = (partner, written, messages.author_key(written))
        seen.found += len(votes.texts(name, partner))
        texts |= votes.texts(name, partner)
    seen.texts = len(texts)
    return seen


def run_merge(settings: Settings, conn: db.Connection, merged_id: int, kept_id: int,
              reason: str, authors: dict[str, tuple[str, str | None, str | None]] | None = None
              ) -> MergeNote:
    """Merge chat `merged_id` into `kept_id`, in batches (resumable). `authors` maps the
    merged chat's names of people the kept chat names otherwise (see `overlap`)."""
    kept_row = messages.chat_row_by_id(conn, kept_id)
    merged_row = messages.chat_row_by_id(conn, merged_id)
    assert kept_row is not None and merged_row is not None
    authors = authors or {}
    note = MergeNote(into=kept_row["name"], merged=merged_row["name"],
                     evidence=reason if reason != "merged by hand" else "",
                     authors=renamed_authors(conn, merged_id, authors))
    with db.transaction(conn):
        db.set_cursor(conn, f"{MERGE_PREFIX}{merged_id}", kept_id)
    converter = redate.chat_converter(conn, settings.default_tz)
    redate.run_redates(conn, converter, merged_id)
    redate.run_retimes(conn, converter, merged_id)
    moved_any = False
    while True:
        with db.transaction(conn):
            rows = merging.first_rows(conn, merged_id, BATCH)
            if not rows:
                break
            moved, folded, changed = merge_batch(conn, rows, kept_id, authors)
            note.moved += moved
            note.folded += folded
            moved_any = moved_any or bool(moved)
    with db.transaction(conn):
        merging.move_chat_rows(conn, merged_id, kept_id)
        messages.delete_chat(conn, merged_id)
        history.add_alias(conn, merged_row["name"], kept_id, reason)
        db.set_cursor(conn, f"ingest:chat:{kept_id}", messages.chat_top_id(conn, kept_id))
        messages.drop_cursor(conn, f"{MERGE_PREFIX}{merged_id}")
    if moved_any and merged_row["tz"] != kept_row["tz"] and kept_row["tz"]:
        redate.start_retime(conn, kept_id, kept_row["tz"])  # the moved rows take its zone
        redate.run_retimes(conn, converter, kept_id)
    return note


def merge_batch(conn: db.Connection, rows: list[db.Row], kept_id: int,
                authors: dict[str, tuple[str, str | None, str | None]]) -> tuple[int, int, int]:
    """One batch of the merged chat's rows (whole minutes) against the kept chat's rows of
    those minutes; returns (moved, folded, rows of the kept chat changed). A row by a person
    the kept chat names otherwise is compared, and moved, under the kept chat's name."""
    first, last = str(rows[0]["sent_at"])[:16], str(rows[-1]["sent_at"])[:16]
    stored: dict[str, list[identity.Stored]] = {}
    for row in messages.rows_in_minutes(conn, kept_id, first, last):
        stored.setdefault(str(row["sent_at"])[:16], []).append(identity.stored_from_row(row))
    by_minute: dict[str, list[identity.Incoming]] = {}
    renamed: list[tuple[str | None, str | None, int]] = []
    for row in rows:
        own = identity.stored_from_row(row)
        person = authors.get(own.author)
        if person is not None:
            renamed.append((person[1], person[2], int(row["id"])))
        by_minute.setdefault(str(row["sent_at"])[:16], []).append(identity.Incoming(
            str(row["sent_at"])[:16], person[0] if person else own.author, own.text,
            row["kind"], bool(row["edited"]), row))
    merging.rename_authors(conn, renamed)
    moved: list[int] = []
    folded = changed = 0
    for minute, incoming in by_minute.items():
        for decision in identity.match_minute(incoming, stored.get(minute, [])):
            row = decision.message.extra
            if decision.action == identity.NEW:
                moved.append(int(row["id"]))
                continue
            assert decision.row is not None
            changed += apply_to_kept(conn, decision.action, row, decision.row.row)
            merging.fold_message(conn, int(row["id"]), int(decision.row.id))
            folded += 1
    merging.move_messages(conn, moved, kept_id)
    return len(moved), folded, changed


def renamed_authors(conn: db.Connection, merged_id: int,
                    authors: dict[str, tuple[str, str | None, str | None]]) -> dict[str, str]:
    """For the note: each merged-chat name as written -> the kept chat's name for that person."""
    names = {}
    for written in messages.chat_authors(conn, merged_id):
        person = authors.get(identity.author_ident(written))
        if person is not None and person[1] is not None:
            names[written] = person[1]
    return names


def apply_to_kept(conn: db.Connection, action: str, row: db.Row, kept: db.Row) -> int:
    """What a merged row brings to the kept row it is: its media file, an edit, a deletion,
    or an older version. Returns 1 when the kept row changed."""
    if action == identity.SAME:
        if row["attachment_sha256"] is not None and kept["attachment_sha256"] is None:
            messages.set_message_version(conn, kept["id"], row["text"], kept["kind"], row["media"],
                                         row["attachment_sha256"], bool(kept["edited"]),
                                         kept["source_file"], kept["source_line"])
            return 1
        return 0
    if action in (identity.EDIT, identity.DELETE):
        reason = "edited" if action == identity.EDIT else "deleted"
        history.add_version(conn, kept["id"], kept["text"], kept["kind"], bool(kept["edited"]),
                            reason, kept["source_file"])
        messages.set_message_version(conn, kept["id"], row["text"], row["kind"], kept["media"],
                                     kept["attachment_sha256"], bool(row["edited"]),
                                     row["source_file"], row["source_line"])
        return 1
    if row["text"] != kept["text"] and not history.has_version(conn, kept["id"], row["text"]):
        reason = "deleted" if kept["kind"] == "deleted" else "edited"
        history.add_version(conn, kept["id"], row["text"], row["kind"], bool(row["edited"]),
                            reason, row["source_file"])
    return 0


def finish_interrupted_merges(settings: Settings, conn: db.Connection) -> list[MergeNote]:
    """Merges a crash interrupted, finished."""
    notes = []
    for name, kept_id in messages.cursors_with_prefix(conn, MERGE_PREFIX):
        merged_id = int(name[len(MERGE_PREFIX):])
        if messages.chat_row_by_id(conn, merged_id) is None:
            with db.transaction(conn):
                messages.drop_cursor(conn, name)
            continue
        notes.append(run_merge(settings, conn, merged_id, kept_id, "finishing a merge"))
    return notes

