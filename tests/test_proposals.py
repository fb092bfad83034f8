"""Proposals on a real SQLite store: dedupe across messages and chats, rejected never again,
cancellations, version conflicts, the append-only audit trail, undo, and the queue queries."""

from __future__ import annotations

import json
import re

import pytest
from events_data import add_chat, add_message, found, record
from hypothesis import given
from hypothesis import strategies as st

from toolkit.errors import ConflictError, InputError
from toolkit.review import events, proposals
from toolkit.store import db


@pytest.fixture
def chats(db_conn):
    """Two chats, each with a few messages; returns (conn, {name: chat id}, [message ids])."""
    a = add_chat(db_conn, "School Parents")
    b = add_chat(db_conn, "Riverside FC", tz="Europe/London")
    ids = [add_message(db_conn, chat, f"message {n}", sent_at=f"2025-05-12T18:0{n}:00")
           for n, chat in enumerate([a, a, b, b, a, b])]
    return db_conn, {"a": a, "b": b}, ids


def proposal_count(conn) -> int:
    return int(conn.execute("SELECT count(*) FROM proposals").fetchone()[0])


def source_ids(conn, proposal_id: int) -> list[int]:
    return [s["message_id"] for s in proposals.proposal_sources(conn, proposal_id)]


# ------------------------------------------------------------------------- dedupe


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        # exact repeat, other wording of the title
        (found("Bake sale"), found("bake sale!"), True),
        (found("Bake sale"), found("The Bake Sale"), True),
        (found("Kuchenverkauf"), found("Der Kuchenverkauf"), True),
        (found("Fête de l'école"), found("fete de l ecole"), True),
        # the same instant written from another zone
        (found("Bake sale"), found("Bake sale", "2025-05-17T09:00:00+00:00", None), True),
        # one title inside the other, same start
        (found("Bake sale"), found("School bake sale"), True),
        # all-day mention and timed mention of the same thing that day
        (found("Bake sale", "2025-05-17", None, all_day=True), found("Bake sale"), True),
        (found("Bake sale"), found("bake sale", "2025-05-17", None, all_day=True), True),
        # different events at the same time, or the same title on another day
        (found("U10 match"), found("U12 match"), False),
        (found("Bake sale"), found("Bake sale", "2025-05-24T10:00:00+01:00", None), False),
        (found("Bake sale"), found("Book fair"), False),
        (found("Bake sale"), found("Bake sale", "2025-05-17T14:00:00+01:00", None), False),
    ],
)
def test_repeats_become_one_proposal_with_several_sources(chats, first, second, same):
    conn, _, ids = chats
    one = record(conn, first, ids[0])
    two = record(conn, second, ids[2])  # another chat
    assert one.outcome == "created"
    if same:
        assert two.outcome == "merged" and two.proposal_id == one.proposal_id
        assert proposal_count(conn) == 1
        assert source_ids(conn, one.proposal_id) == [ids[0], ids[2]]
        listed = proposals.list_proposals(conn)
        assert listed[0]["n_sources"] == 2
        assert {r["chat"] for r in proposals.summary_by_chat(conn)} == {"School Parents", "Riverside FC"}
    else:
        assert two.outcome == "created" and proposal_count(conn) == 2


@given(
    words=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäéñ", min_size=1, max_size=8),
                   min_size=1, max_size=4),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 365),
    offset=st.integers(min_value=-12, max_value=14),
)
def test_dedupe_key_ignores_case_punctuation_and_offset(words, minutes, offset):
    from datetime import UTC, datetime, timedelta, timezone

    instant = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    title = " ".join(words)
    shouted = "¡" + " ".join(w.upper() for w in reversed(words)) + "!!"
    elsewhere = instant.astimezone(timezone(timedelta(hours=offset))).isoformat()
    assert proposals.dedupe_key(title, instant.isoformat(), False) == proposals.dedupe_key(
        shouted, elsewhere, False)
    assert proposals.similar_titles(proposals.title_tokens(title), proposals.title_tokens(shouted))


def test_same_message_found_twice_is_known_not_duplicated(chats):
    conn, _, ids = chats
    first = record(conn, found(confidence=0.6), ids[0])
    again = record(conn, found(confidence=0.8), ids[0])
    assert again.outcome == "known" and again.proposal_id == first.proposal_id
    assert source_ids(conn, first.proposal_id) == [ids[0]]
    # the clearer mention raised the confidence without touching the reviewed version
    p = proposals.get_proposal(conn, first.proposal_id)
    assert p["confidence"] == pytest.approx(0.8) and p["version"] == 1


def test_image_sources_keep_their_extraction_id(chats):
    conn, _, ids = chats
    text = record(conn, found(), ids[0])
    image = record(conn, found(), ids[1], extraction_id=42)
    assert image.outcome == "merged"
    sources = proposals.proposal_sources(conn, text.proposal_id)
    assert [(s["message_id"], s["extraction_id"]) for s in sources] == [(ids[0], None), (ids[1], 42)]


@pytest.mark.parametrize("start", ["next saturday", "2025-05-17T10:00:00", "2025-05-17"])
def test_event_with_unusable_time_is_invalid_not_stored(chats, start):
    conn, _, ids = chats
    # a naive time would be read in the chat zone: only the first two are unusable as timed
    outcome = record(conn, found(start=start, end=None), ids[0])
    if start == "2025-05-17T10:00:00":
        assert outcome.outcome == "created"
        assert proposals.get_proposal(conn, outcome.proposal_id)["start"] == "2025-05-17T10:00:00+01:00"
    else:
        assert outcome.outcome == "invalid" and proposal_count(conn) == 0


# ------------------------------------------------------------------------- rejected never again


def test_rejected_is_never_proposed_again(chats):
    conn, _, ids = chats
    first = record(conn, found(), ids[0])
    proposals.reject(conn, first.proposal_id, reviewer="ana", expected_version=1, reason="not ours")
    for message_id, event in [(ids[1], found()), (ids[2], found("The bake sale")),
                              (ids[3], found("Bake sale", "2025-05-17", None, all_day=True))]:
        again = record(conn, event, message_id)
        assert again.outcome == "rejected" and again.proposal_id == first.proposal_id
    assert proposal_count(conn) == 1
    p = proposals.get_proposal(conn, first.proposal_id)
    assert p["status"] == "rejected" and p["reject_reason"] == "not ours" and p["version"] == 2
    assert source_ids(conn, first.proposal_id) == [ids[0]]


def test_edited_proposal_matches_old_and_new_wording(chats):
    conn, _, ids = chats
    first = record(conn, found("Bake sail"), ids[0])
    proposals.accept(conn, first.proposal_id, reviewer="ana", expected_version=1,
                     changes={"title": "Cake stall", "start": "2025-05-17T11:00"})
    assert record(conn, found("Bake sail"), ids[1]).proposal_id == first.proposal_id
    again = record(conn, found("Cake stall", "2025-05-17T11:00:00+01:00"), ids[2])
    assert again.outcome == "merged" and again.proposal_id == first.proposal_id
    assert proposal_count(conn) == 1


# ------------------------------------------------------------------------- cancellations


def test_cancellation_in_the_same_chat_cancels(chats):
    conn, _, ids = chats
    made = record(conn, found("Swimming practice", "2025-05-19T18:00:00+01:00", None), ids[0])
    cancel = record(conn, found("practice", "2025-05-19", None, all_day=True, cancelled=True), ids[1])
    assert cancel.outcome == "cancelled" and cancel.proposal_id == made.proposal_id
    assert proposal_count(conn) == 1
    p = proposals.get_proposal(conn, made.proposal_id)
    assert p["status"] == "cancelled" and p["version"] == 2
    assert p["flagged"] == f"cancelled by message {ids[1]}"
    trail = proposals.audit_trail(conn, made.proposal_id)
    assert [(a["action"], a["reviewer"]) for a in trail] == [("cancel", proposals.SYSTEM_REVIEWER)]
    # applied once: the same message again (a --full re-run) changes nothing
    assert record(conn, found("practice", "2025-05-19", None, all_day=True, cancelled=True),
                  ids[1]).outcome == "known"
    assert proposals.get_proposal(conn, made.proposal_id)["version"] == 2


def test_cancellation_from_another_chat_only_flags(chats):
    conn, _, ids = chats
    made = record(conn, found("Swimming practice", "2025-05-19T18:00:00+01:00", None), ids[0])
    outcome = record(conn, found("Practice", "2025-05-19T18:00:00+01:00", None, cancelled=True), ids[2])
    assert outcome.outcome == "flagged"
    p = proposals.get_proposal(conn, made.proposal_id)
    assert p["status"] == "pending" and "possibly cancelled" in p["flagged"] and p["version"] == 2


@pytest.mark.parametrize(
    ("cancel_title", "cancel_day", "outcome"),
    [
        ("Book fair", "2025-05-19", "unmatched"),   # nothing by that name that day
        ("practice", "2025-05-20", "unmatched"),    # another day
        ("", "2025-05-19", "cancelled"),            # untitled, one event that day in this chat
    ],
)
def test_cancellation_matching(chats, cancel_title, cancel_day, outcome):
    conn, _, ids = chats
    made = record(conn, found("Practice", "2025-05-19T18:00:00+01:00", None), ids[0])
    result = record(conn, found(cancel_title, cancel_day, None, all_day=True, cancelled=True), ids[1])
    assert result.outcome == outcome
    assert proposal_count(conn) == 1
    expected = "cancelled" if outcome == "cancelled" else "pending"
    assert proposals.get_proposal(conn, made.proposal_id)["status"] == expected


def test_untitled_cancellation_with_two_candidates_changes_nothing(chats):
    conn, _, ids = chats
    record(conn, found("Practice", "2025-05-19T18:00:00+01:00", None), ids[0])
    record(conn, found("Parents evening", "2025-05-19T19:30:00+01:00", None), ids[0])
    assert record(conn, found("", "2025-05-19", None, all_day=True, cancelled=True),
                  ids[1]).outcome == "unmatched"
    assert proposals.counts_by_status(conn)["pending"] == 2


def test_cancelling_an_accepted_event_cancels_the_event(chats):
    conn, _, ids = chats
    made = record(conn, found("Practice", "2025-05-19T18:00:00+01:00", None), ids[0])
    event_id = proposals.accept(conn, made.proposal_id, reviewer="ana", expected_version=1)
    record(conn, found("practice", "2025-05-19", None, all_day=True, cancelled=True), ids[1])
    event = events.get_event(conn, event_id)
    assert event["status"] == "cancelled" and event["sequence"] == 1
    # undo brings the event back, and the same message will not cancel it a second time
    proposals.undo(conn, made.proposal_id, reviewer="ana")
    assert events.get_event(conn, event_id)["status"] == "confirmed"
    assert proposals.get_proposal(conn, made.proposal_id)["status"] == "accepted"
    record(conn, found("practice", "2025-05-19", None, all_day=True, cancelled=True), ids[1])
    assert events.get_event(conn, event_id)["status"] == "confirmed"


# ------------------------------------------------------------------------- decisions


def test_accept_creates_event_with_stable_uid_and_audit(chats):
    conn, _, ids = chats
    made = record(conn, found(), ids[0])
    event_id = proposals.accept(conn, made.proposal_id, reviewer="ana", expected_version=1)
    p = proposals.get_proposal(conn, made.proposal_id)
    assert p["status"] == "accepted" and p["version"] == 2 and p["reviewed_by"] == "ana"
    assert p["reviewed_at"] and p["event_id"] == event_id
    event = events.get_event(conn, event_id)
    assert event["uid"] == events.uid_for(proposals.dedupe_key("Bake sale", p["start"], False))
    assert (event["title"], event["start"], event["end"], event["location"]) == (
        "Bake sale", "2025-05-17T10:00:00+01:00", "2025-05-17T13:00:00+01:00", "school gym")
    [audit] = proposals.audit_trail(conn, made.proposal_id)
    assert audit["action"] == "accept" and audit["reviewer"] == "ana"
    assert audit["before"]["proposal"]["status"] == "pending" and audit["before"]["event"] is None
    assert audit["after"]["proposal"]["status"] == "accepted"
    assert audit["after"]["event"]["uid"] == event["uid"]


def test_edit_and_accept_gives_the_event_the_edited_values(chats):
    conn, _, ids = chats
    made = record(conn, found(), ids[0])
    event_id = proposals.accept(conn, made.proposal_id, reviewer="ana", expected_version=1,
                                changes={"title": "Spring bake sale", "start": "2025-05-17T11:00",
                                         "end": "", "location": "Hall"})
    p = proposals.get_proposal(conn, made.proposal_id)
    assert p["status"] == "edited" and p["title"] == "Spring bake sale"
    event = events.get_event(conn, event_id)
    assert (event["title"], event["start"], event["end"], event["location"], event["sequence"]) == (
        "Spring bake sale", "2025-05-17T11:00:00+01:00", None, "Hall", 0)
    # editing again keeps the UID and bumps SEQUENCE; accepting unchanged keeps both
    uid = event["uid"]
    proposals.accept(conn, made.proposal_id, reviewer="bo", expected_version=2,
                     changes={"all_day": True})
    event = events.get_event(conn, event_id)
    assert (event["uid"], event["sequence"], event["start"], event["all_day"]) == (uid, 1, "2025-05-17", 1)
    proposals.accept(conn, made.proposal_id, reviewer="bo", expected_version=3)
    assert events.get_event(conn, event_id)["sequence"] == 1
    assert proposals.get_proposal(conn, made.proposal_id)["status"] == "edited"
    assert [a["action"] for a in proposals.audit_trail(conn, made.proposal_id)] == ["edit", "edit", "accept"]


def test_stale_version_is_refused_and_names_who_changed_it(chats):
    conn, _, ids = chats
    made = record(conn, found(), ids[0])
    proposals.accept(conn, made.proposal_id, reviewer="ana", expected_version=1)
    with pytest.raises(ConflictError) as error:
        proposals.reject(conn, made.proposal_id, reviewer="bo", expected_version=1, reason="dup")
    message = str(error.value)
    assert f"proposal {made.proposal_id} was changed by ana (accept) at" in message
    assert "version 2" in message and "version 1" in message
    with pytest.raises(ConflictError):
        proposals.accept(conn, made.proposal_id, reviewer="bo", expected_version=1,
                         changes={"title": "Other"})
    p = proposals.get_proposal(conn, made.proposal_id)
    assert (p["status"], p["version"], p["title"]) == ("accepted", 2, "Bake sale")
    assert len(proposals.audit_trail(conn, made.proposal_id)) == 1


def test_two_connections_second_save_refused(chats, settings):
    """Two reviewers on two connections to the same file: the second save loses, loudly."""
    from toolkit.store.connect import open_db

    conn, _, ids = chats
    made = record(conn, found(), ids[0])
    other = open_db(settings)
    try:
        seen_by_both = proposals.get_proposal(other, made.proposal_id)["version"]
        proposals.accept(conn, made.proposal_id, reviewer="ana", expected_version=seen_by_both,
                         changes={"title": "Ana's title"})
        with pytest.raises(ConflictError, match="changed by ana"):
            proposals.accept(other, made.proposal_id, reviewer="bo", expected_version=seen_by_both,
                             changes={"title": "Bo's title"})
    finally:
        other.close()
    assert proposals.get_proposal(conn, made.proposal_id)["title"] == "Ana's title"


@pytest.mark.parametrize("statement", [
    "UPDATE proposal_audit SET reviewer = 'mallory'",
    "DELETE FROM proposal_audit",
])
def test_audit_rows_are_append_only(chats, statement):
    conn, _, ids = chats
    made = record(conn, found(), ids[0])
    proposals.accept(conn, made.proposal_id, reviewer="ana", expected_version=1)
    proposals.reject(conn, made.proposal_id, reviewer="ana", expected_version=2, reason="oops")
    with pytest.raises(db.DatabaseError, match="append-only"):
        conn.execute(statement)
    assert [a["action"] for a in proposals.audit_trail(conn, made.proposal_id)] == ["accept", "reject"]


def test_undo_walks_back_through_decisions(chats, tmp_path):
    conn, _, ids = chats
    made = record(conn, found(), ids[0])
    pid = made.proposal_id
    proposals.accept(conn, pid, reviewer="ana", expected_version=1)
    proposals.accept(conn, pid, reviewer="ana", expected_version=2, changes={"location": "Hall"})
    event = events.event_for_proposal(conn, pid)
    assert (event["location"], event["sequence"]) == ("Hall", 1)

    undone = proposals.undo(conn, pid, reviewer="ana")
    assert undone["undone"] == "edit" and undone["status"] == "accepted"
    assert undone["location"] == "school gym" and undone["version"] == 4
    event = events.event_for_proposal(conn, pid)
    assert (event["location"], event["sequence"]) == ("school gym", 2)  # SEQUENCE never goes down

    assert proposals.undo(conn, pid, reviewer="ana")["status"] == "pending"
    assert events.event_for_proposal(conn, pid) is None  # never exported: simply gone
    assert conn.execute("SELECT count(*) FROM agent_messages").fetchone()[0] == 0
    with pytest.raises(InputError, match="no decision left to undo"):
        proposals.undo(conn, pid, reviewer="ana")
    actions = [a["action"] for a in proposals.audit_trail(conn, pid)]
    assert actions == ["accept", "edit", "undo", "undo"]


def test_undo_of_an_exported_accept_cancels_instead_of_deleting(chats, tmp_path):
    conn, _, ids = chats
    pid = record(conn, found(), ids[0]).proposal_id
    event_id = proposals.accept(conn, pid, reviewer="ana", expected_version=1)
    events.export_ics(conn, tmp_path / "cal.ics")
    proposals.undo(conn, pid, reviewer="ana")
    event = events.get_event(conn, event_id)
    assert (event["status"], event["sequence"]) == ("cancelled", 1)
    # accepting again confirms the same event under the same UID
    again = proposals.accept(conn, pid, reviewer="ana", expected_version=3)
    assert again == event_id
    assert (events.get_event(conn, event_id)["status"], events.get_event(conn, event_id)["sequence"]) == (
        "confirmed", 2)


def test_reject_after_accept_withdraws_and_undo_restores(chats):
    conn, _, ids = chats
    pid = record(conn, found(), ids[0]).proposal_id
    uid = events.get_event(conn, proposals.accept(conn, pid, reviewer="ana", expected_version=1))["uid"]
    proposals.reject(conn, pid, reviewer="ana", expected_version=2, reason="wrong group")
    assert events.event_for_proposal(conn, pid) is None
    restored = proposals.undo(conn, pid, reviewer="ana")
    assert restored["status"] == "accepted" and restored["reject_reason"] is None
    event = events.event_for_proposal(conn, pid)
    assert event["uid"] == uid and event["status"] == "confirmed"


# ------------------------------------------------------------------------- changes are checked


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": "Saturday"}, "start: 'Saturday' is not an ISO date"),
        ({"start": "2025-05-17"}, "has no time"),
        ({"end": "2025-05-17T09:00"}, "end: 2025-05-17T09:00:00+01:00 is before the start"),
        ({"title": "   "}, "title: must not be empty"),
        ({"colour": "red"}, "cannot change colour"),
        ({"tz": "Mars/Olympus"}, "tz: unknown time zone"),
        ({"all_day": False, "start": "2025-05-18", "end": None}, "has no time"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(chats, changes, message):
    conn, _, ids = chats
    pid = record(conn, found(), ids[0]).proposal_id
    with pytest.raises(InputError, match=re.escape(message)):
        proposals.accept(conn, pid, reviewer="ana", expected_version=1, changes=changes)
    p = proposals.get_proposal(conn, pid)
    assert (p["status"], p["version"]) == ("pending", 1)
    assert proposals.audit_trail(conn, pid) == []
    assert events.event_for_proposal(conn, pid) is None


@pytest.mark.parametrize(
    ("changes", "start", "end", "all_day"),
    [
        ({"all_day": True}, "2025-05-17", "2025-05-17", True),
        ({"start": "2025-05-17T09:00+00:00", "end": None}, "2025-05-17T10:00:00+01:00", None, False),
        ({"tz": "Europe/Madrid", "start": "2025-05-17T10:00", "end": None},
         "2025-05-17T10:00:00+02:00", None, False),
        ({"all_day": True, "start": "2025-05-16", "end": "2025-05-18"}, "2025-05-16", "2025-05-18", True),
    ],
)
def test_changes_are_normalised(chats, changes, start, end, all_day):
    conn, _, ids = chats
    pid = record(conn, found(), ids[0]).proposal_id
    event = events.get_event(conn, proposals.accept(conn, pid, reviewer="ana", expected_version=1,
                                                    changes=changes))
    assert (event["start"], event["end"], bool(event["all_day"])) == (start, end, all_day)


# ------------------------------------------------------------------------- queue queries


def test_list_filters_order_and_counts(chats):
    conn, _, ids = chats
    low = record(conn, found("Book fair", "2025-05-20T15:00:00+01:00", None, confidence=0.4), ids[0])
    high = record(conn, found("Match", "2025-05-18T09:00:00+01:00", None, confidence=0.95), ids[2])
    mid = record(conn, found("Bake sale", confidence=0.7), ids[1])
    proposals.reject(conn, low.proposal_id, reviewer="ana", expected_version=1, reason=None)

    def listed(**kwargs):
        return [p["id"] for p in proposals.list_proposals(conn, **kwargs)]

    assert listed() == [mid.proposal_id, high.proposal_id, low.proposal_id]
    assert listed(order="confidence") == [high.proposal_id, mid.proposal_id, low.proposal_id]
    assert listed(status="pending") == [mid.proposal_id, high.proposal_id]
    assert listed(status=["rejected", "accepted"]) == [low.proposal_id]
    assert listed(chat="Riverside FC") == [high.proposal_id]
    assert listed(min_confidence=0.7) == [mid.proposal_id, high.proposal_id]
    assert listed(since="2025-05-18", until="2025-05-19") == [high.proposal_id]
    assert proposals.counts_by_status(conn) == {"pending": 2, "accepted": 0, "edited": 0,
                                                "rejected": 1, "cancelled": 0}
    row = proposals.list_proposals(conn, status="pending")[0]
    assert set(row) >= {"id", "title", "start", "end", "all_day", "tz", "location", "confidence",
                        "status", "version", "chat", "source_message_id", "extraction_id",
                        "flagged", "reject_reason", "reviewed_by", "reviewed_at"}
    assert row["all_day"] is False and row["chat"] == "School Parents"
    with pytest.raises(InputError, match="status: unknown maybe"):
        proposals.list_proposals(conn, status="maybe")


def test_message_context_is_the_conversation_around(chats):
    conn, chat_ids, ids = chats
    context = proposals.message_context(conn, ids[4], n=2)  # chat a holds ids 0, 1, 4
    assert [m["id"] for m in context] == [ids[0], ids[1], ids[4]]
    assert [m["is_source"] for m in context] == [False, False, True]
    assert proposals.message_context(conn, ids[0], n=1)[1]["id"] == ids[1]
    with pytest.raises(InputError, match="no message with id 999"):
        proposals.message_context(conn, 999)


def test_sources_show_author_chat_and_text(chats):
    conn, _, ids = chats
    pid = record(conn, found(), ids[0]).proposal_id
    record(conn, found(), ids[3])
    sources = proposals.proposal_sources(conn, pid)
    assert [(s["chat"], s["author"], s["text"]) for s in sources] == [
        ("School Parents", "Sam", "message 0"), ("Riverside FC", "Sam", "message 3")]
    assert json.dumps(sources)  # plain data, ready for the widget and --json
