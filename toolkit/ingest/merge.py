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

from dataclasses import dataclass
from typing import Any

from toolkit.config import Settings
from toolkit.errors import InputError
from toolkit.ingest import identity, redate
from toolkit.store import db, history, merging, messages

SAMPLE = 400
MIN_EVIDENCE = 20
MIN_DISTINCT = 10
MIN_SHARE = 0.9
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

    def describe(self) -> str:
        why = f" ({self.evidence})" if self.evidence else ""
        return (f"merged {self.merged!r} into {self.into!r}{why}: {self.folded} messages were "
                f"already there, {self.moved} moved")

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
    return run_merge(settings, conn, int(merged["id"]), int(kept["id"]), "merged by hand")


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
        evidence = overlap_evidence(conn, chat_id, other)
        if evidence is not None:
            certain.append((other, evidence))
    if len(certain) != 1:
        return None  # none, or several candidates: not certain which
    other, evidence = certain[0]
    return run_merge(settings, conn, chat_id, int(other["id"]), f"the same chat: {evidence}")


def overlap_evidence(conn: db.Connection, chat_id: int, other: dict[str, Any]) -> str | None:
    """Why the chat is certainly `other` (a sentence), or None when it is not certain."""
    rows = merging.sample_rows(conn, chat_id, other["first"], other["last"], SAMPLE)
    if len(rows) < MIN_EVIDENCE:
        return None
    found = 0
    texts: set[str] = set()
    for row in rows:
        mine = identity.stored_from_row(row)
        minute = str(row["sent_at"])[:identity.MINUTE]
        theirs = messages.rows_in_minutes(conn, int(other["id"]), minute, minute)
        if any(identity.stored_from_row(r).ident == mine.ident for r in theirs):
            found += 1
            texts.add(mine.text)
    if found < MIN_EVIDENCE or len(texts) < MIN_DISTINCT or found < MIN_SHARE * len(rows):
        return None
    return f"{found} of {len(rows)} sampled messages are in both"


def run_merge(settings: Settings, conn: db.Connection, merged_id: int, kept_id: int,
              reason: str) -> MergeNote:
    """Merge chat `merged_id` into `kept_id`, in batches (resumable)."""
    kept_row = messages.chat_row_by_id(conn, kept_id)
    merged_row = messages.chat_row_by_id(conn, merged_id)
    assert kept_row is not None and merged_row is not None
    note = MergeNote(into=kept_row["name"], merged=merged_row["name"],
                     evidence=reason if reason != "merged by hand" else "")
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
            moved, folded, changed = merge_batch(conn, rows, kept_id)
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


def merge_batch(conn: db.Connection, rows: list[db.Row], kept_id: int) -> tuple[int, int, int]:
    """One batch of the merged chat's rows (whole minutes) against the kept chat's rows of
    those minutes; returns (moved, folded, rows of the kept chat changed)."""
    first, last = str(rows[0]["sent_at"])[:16], str(rows[-1]["sent_at"])[:16]
    stored: dict[str, list[identity.Stored]] = {}
    for row in messages.rows_in_minutes(conn, kept_id, first, last):
        stored.setdefault(str(row["sent_at"])[:16], []).append(identity.stored_from_row(row))
    by_minute: dict[str, list[identity.Incoming]] = {}
    for row in rows:
        own = identity.stored_from_row(row)
        by_minute.setdefault(str(row["sent_at"])[:16], []).append(identity.Incoming(
            str(row["sent_at"])[:16], own.author, own.text, row["kind"], bool(row["edited"]),
            row))
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

