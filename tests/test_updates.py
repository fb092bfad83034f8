"""Updates, not copies (issue #11, item 2), and event kinds, on a real SQLite store.

A later message that moves, renames or re-places an event updates the proposal it refers to
(and the accepted event, with SEQUENCE + 1), keeps both messages as sources, and records the
change so the card can show it. The found events here are what the resolver hands over
(`FoundEvent` with `moved` and `previous_start`); the stage test covers the resolver itself.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from events_data import add_chat, add_message
from icalendar import Calendar

from toolkit.errors import InputError
from toolkit.eventtypes import FoundEvent
from toolkit.review import agent, events, proposals


def event(title: str = "U10 training", start: str = "2025-05-17T10:00:00+01:00",
          end: str | None = "2025-05-17T11:30:00+01:00", **fields) -> FoundEvent:
    base = {"all_day": False, "location": "Riverside", "confidence": 0.8, "tz": None}
    return FoundEvent(title=title, start=start, end=end, **{**base, **fields})


def moved(title: str = "U10 training", start: str = "2025-05-17T11:00:00+01:00", **fields) -> FoundEvent:
    return replace(event(title, start, None, location=None), moved=True, **fields)


@pytest.fixture
def club(db_conn):
    """A club chat with messages on Monday to Thursday evening and another chat; returns
    (conn, chat ids, message ids in the club chat by day, the other chat's message)."""
    conn = db_conn
    club = add_chat(conn, "Riverside FC")
    other = add_chat(conn, "School Parents")
    days = {day: add_message(conn, club, f"{day} message", sent_at=f"2025-05-{n}T18:00:00",
                             author=f"Coach {day}")
            for n, day in [(12, "mon"), (13, "tue"), (14, "wed"), (15, "thu")]}
    elsewhere = add_message(conn, other, "elsewhere", sent_at="2025-05-14T18:00:00")
    return conn, {"club": club, "other": other}, days, elsewhere


def record(conn, found: FoundEvent, message_id: int):
    with conn:
        return proposals.record_event(conn, found, message_id=message_id, tz="Europe/London")


def count(conn) -> int:
    return int(conn.execute("SELECT count(*) FROM proposals").fetchone()[0])


# ------------------------------------------------------------------------- moves


def test_a_later_message_moves_the_proposal_in_place(club):
    conn, _, days, _ = club
    first = record(conn, event(), days["mon"])
    update = record(conn, moved(), days["wed"])
    assert update.outcome == "moved" and update.proposal_id == first.proposal_id and count(conn) == 1
    p = proposals.get_proposal(conn, first.proposal_id)
    # the new time; the old duration and place, since the message gave neither
    assert (p["start"], p["end"], p["location"]) == (
        "2025-05-17T11:00:00+01:00", "2025-05-17T12:30:00+01:00", "Riverside")
    assert p["status"] == "pending" and p["version"] == 2
    assert [(s["message_id"], s["role"]) for s in proposals.proposal_sources(conn, p["id"])] == [
        (days["mon"], "mention"), (days["wed"], "update")]
    changes = proposals.proposal_changes(conn, p["id"])
    assert [(c["field"], c["before"], c["after"], c["action"]) for c in changes] == [
        ("start", "2025-05-17T10:00:00+01:00", "2025-05-17T11:00:00+01:00", "move"),
        ("end", "2025-05-17T11:30:00+01:00", "2025-05-17T12:30:00+01:00", "move")]
    assert changes[0]["message"]["text"] == "wed message" and changes[0]["by"] == "chatbook-extract"
    # the message saying the new time again is no new event
    assert record(conn, event(start="2025-05-17T11:00:00+01:00"), days["thu"]).outcome == "merged"
    assert count(conn) == 1


def test_moving_again_with_the_same_message_changes_nothing(club):
    conn, _, days, _ = club
    first = record(conn, event(), days["mon"])
    record(conn, moved(), days["wed"])
    again = record(conn, moved(), days["wed"])  # extract --full reads the message again
    assert again.outcome == "known" and again.proposal_id == first.proposal_id
    assert proposals.get_proposal(conn, first.proposal_id)["version"] == 2


def test_a_move_naming_only_a_day_keeps_the_time_of_day(club):
    conn, _, days, _ = club
    first = record(conn, event(), days["mon"])
    update = record(conn, moved(start="2025-05-18", all_day=True), days["wed"])
    assert update.proposal_id == first.proposal_id
    p = proposals.get_proposal(conn, first.proposal_id)
    assert (p["start"], p["end"], p["all_day"]) == (
        "2025-05-18T10:00:00+01:00", "2025-05-18T11:30:00+01:00", False)


def test_a_moved_stay_of_several_days_keeps_its_length(club):
    conn, _, days, _ = club
    camp = record(conn, event("Summer camp", start="2025-05-23", end="2025-05-25", all_day=True),
                  days["mon"])
    record(conn, moved("Summer camp", start="2025-05-30", all_day=True), days["wed"])
    p = proposals.get_proposal(conn, camp.proposal_id)
    assert (p["start"], p["end"], p["all_day"]) == ("2025-05-30", "2025-06-01", True)


def test_a_rename_is_matched_by_the_old_start(club):
    conn, _, days, _ = club
    first = record(conn, event("Bake sale", location="school gym"), days["mon"])
    update = record(conn, moved("Summer fair", start="2025-05-17T10:00:00+01:00",
                                previous_start="2025-05-17T10:00:00+01:00"), days["tue"])
    assert update.outcome == "moved" and update.proposal_id == first.proposal_id
    p = proposals.get_proposal(conn, first.proposal_id)
    assert (p["title"], p["start"], p["location"]) == (
        "Summer fair", "2025-05-17T10:00:00+01:00", "school gym")
    # either name leads to it now
    assert record(conn, event("Bake sale", location="school gym"), days["thu"]).proposal_id == p["id"]
    assert record(conn, event("Summer fair"), days["thu"]).proposal_id == p["id"]


def test_the_old_start_picks_the_event_among_several(club):
    conn, _, days, _ = club
    tuesday = record(conn, event(start="2025-05-13T18:00:00+01:00", end=None), days["mon"])
    thursday = record(conn, event(start="2025-05-15T18:00:00+01:00", end=None), days["mon"])
    update = record(conn, moved(start="2025-05-16T18:00:00+01:00",
                                previous_start="2025-05-15T18:00:00+01:00"), days["tue"])
    assert update.proposal_id == thursday.proposal_id
    assert proposals.get_proposal(conn, tuesday.proposal_id)["start"] == "2025-05-13T18:00:00+01:00"


def test_without_the_old_start_the_most_recently_discussed_similar_event_moves(club):
    conn, _, days, _ = club
    older = record(conn, event(start="2025-05-20T18:00:00+01:00", end=None), days["mon"])
    newer = record(conn, event(start="2025-05-24T18:00:00+01:00", end=None), days["tue"])
    update = record(conn, moved(start="2025-05-24T19:00:00+01:00"), days["wed"])
    assert update.proposal_id == newer.proposal_id
    assert proposals.get_proposal(conn, older.proposal_id)["start"] == "2025-05-20T18:00:00+01:00"


@pytest.mark.parametrize("case", ["other chat", "earlier message", "unrelated title", "far away",
                                  "two that day", "rejected"])
def test_what_a_move_does_not_touch(club, case):
    """No earlier event of that chat to refer to: the message's event is recorded as new (a
    rejected one is found, and stays rejected)."""
    conn, _, days, elsewhere = club
    first = record(conn, event(), days["wed"])
    source, found = days["thu"], moved()
    if case == "other chat":
        source = elsewhere
    elif case == "earlier message":
        source = days["tue"]
    elif case == "unrelated title":
        found = moved("Book fair")
    elif case == "far away":
        found = moved(start="2025-06-21T11:00:00+01:00")
    elif case == "two that day":
        record(conn, event("Parents evening", start="2025-05-17T17:00:00+01:00", end=None), days["wed"])
        found = moved("Something", previous_start="2025-05-17")
    elif case == "rejected":
        with conn:
            proposals.reject(conn, first.proposal_id, reviewer="ana", expected_version=1)
        found = moved("Training", previous_start="2025-05-17T10:00:00+01:00")
    result = record(conn, found, source)
    if case == "rejected":  # found, and it stays rejected: no proposal at the new time either
        assert (result.proposal_id, result.outcome, count(conn)) == (first.proposal_id, "rejected", 1)
        assert record(conn, event(start="2025-05-17T11:00:00+01:00"), days["thu"]).outcome == "rejected"
    else:
        assert result.proposal_id != first.proposal_id and result.outcome == "created"
    assert proposals.get_proposal(conn, first.proposal_id)["start"] == "2025-05-17T10:00:00+01:00"


def test_moving_an_accepted_event_keeps_its_uid_and_bumps_sequence(club, tmp_path):
    conn, _, days, _ = club
    first = record(conn, event(), days["mon"])
    event_id = proposals.accept(conn, first.proposal_id, reviewer="ana", expected_version=1)
    [draft] = agent.list_messages(conn)
    agent.mark_sent(conn, draft["id"])
    before = events.get_event(conn, event_id)
    events.export_ics(conn, tmp_path / "before.ics")
    record(conn, moved(), days["wed"])
    after = events.get_event(conn, event_id)
    assert (after["uid"], after["sequence"], after["status"]) == (before["uid"], 1, "confirmed")
    assert after["start"] == "2025-05-17T11:00:00+01:00"
    assert proposals.get_proposal(conn, first.proposal_id)["status"] == "accepted"
    # the chat told "Added" is now told "Changed"
    [changed] = agent.list_messages(conn)
    assert changed["body"].startswith("Changed: U10 training, Sat 17 May 11:00-12:30")
    events.export_ics(conn, tmp_path / "after.ics")
    [vevent] = Calendar.from_ical((tmp_path / "after.ics").read_bytes()).walk("VEVENT")
    assert str(vevent["uid"]) == before["uid"] and int(vevent["sequence"]) == 1


def test_undoing_a_move_restores_the_event_and_it_stays_undone(club):
    conn, _, days, _ = club
    first = record(conn, event(), days["mon"])
    event_id = proposals.accept(conn, first.proposal_id, reviewer="ana", expected_version=1)
    record(conn, moved(), days["wed"])
    undone = proposals.undo(conn, first.proposal_id, reviewer="ana")
    assert undone["undone"] == "move" and undone["start"] == "2025-05-17T10:00:00+01:00"
    assert events.get_event(conn, event_id)["start"] == "2025-05-17T10:00:00+01:00"
    assert record(conn, moved(), days["wed"]).outcome == "known"  # not re-applied
    assert proposals.get_proposal(conn, first.proposal_id)["start"] == "2025-05-17T10:00:00+01:00"
    assert [c["action"] for c in proposals.proposal_changes(conn, first.proposal_id)
            if c["field"] == "start"] == ["move", "undo"]


def test_a_stale_reviewer_is_told_the_extractor_moved_it(club):
    conn, _, days, _ = club
    first = record(conn, event(), days["mon"])
    record(conn, moved(), days["wed"])
    from toolkit.errors import ConflictError

    with pytest.raises(ConflictError, match="chatbook-extract \\(move\\)"):
        proposals.accept(conn, first.proposal_id, reviewer="ana", expected_version=1)


def test_a_cancelling_message_is_kept_as_a_source(club):
    conn, _, days, _ = club
    first = record(conn, event(), days["mon"])
    record(conn, replace(event(start="2025-05-17"), cancelled=True), days["thu"])
    assert [s["role"] for s in proposals.proposal_sources(conn, first.proposal_id)] == [
        "mention", "cancel"]
    changes = proposals.proposal_changes(conn, first.proposal_id)
    assert [(c["field"], c["before"], c["after"]) for c in changes] == [
        ("status", "pending", "cancelled")]


# ------------------------------------------------------------------------- kinds


def test_deadlines_and_closures_are_all_day_marked_and_transparent(club, tmp_path):
    conn, _, days, _ = club
    due = record(conn, event("Permission slips", start="2025-05-16T17:00:00+01:00", end=None,
                             kind="deadline", location=None), days["mon"])
    closed = record(conn, event("No school", start="2025-05-23", end=None, all_day=True,
                                kind="closure", location=None), days["mon"])
    p = proposals.get_proposal(conn, due.proposal_id)
    assert (p["kind"], p["all_day"], p["start"]) == ("deadline", True, "2025-05-16")
    for pid in (due.proposal_id, closed.proposal_id):
        proposals.accept(conn, pid, reviewer="ana", expected_version=1)
    events.export_ics(conn, tmp_path / "kinds.ics")
    items = {str(v["summary"]): v for v in
             Calendar.from_ical((tmp_path / "kinds.ics").read_bytes()).walk("VEVENT")}
    deadline, closure = items["Permission slips"], items["No school"]
    assert deadline["dtstart"].to_ical() == b"20250516" and deadline["dtstart"].params["VALUE"] == "DATE"
    assert deadline["categories"].cats == ["Deadline"] and closure["categories"].cats == ["Closure"]
    assert deadline["transp"] == "TRANSPARENT" and deadline["x-chatbook-kind"] == "deadline"


def test_a_reviewer_can_change_the_kind_but_not_time_a_deadline(club):
    conn, _, days, _ = club
    p = record(conn, event(), days["mon"])
    proposals.accept(conn, p.proposal_id, reviewer="ana", expected_version=1,
                     changes={"kind": "deadline"})
    changed = proposals.get_proposal(conn, p.proposal_id)
    assert (changed["kind"], changed["all_day"], changed["start"]) == ("deadline", True, "2025-05-17")
    with pytest.raises(InputError, match="kind: expected one of event, deadline, closure"):
        proposals.accept(conn, p.proposal_id, reviewer="ana", expected_version=2,
                         changes={"kind": "party"})
    with pytest.raises(InputError, match="a deadline is a whole day"):
        proposals.accept(conn, p.proposal_id, reviewer="ana", expected_version=2,
                         changes={"all_day": False, "start": "2025-05-17T10:00"})
    proposals.undo(conn, p.proposal_id, reviewer="ana")
    assert proposals.get_proposal(conn, p.proposal_id)["kind"] == "event"


def test_a_message_cancelling_and_announcing_a_similar_event_moves_it():
    from toolkit.extract.stage import in_recording_order

    cancel = replace(event(start="2025-05-13", end=None, all_day=True), cancelled=True)
    new = event(start="2025-05-15", end=None, all_day=True)
    other = event("Match", start="2025-05-17T10:00:00+01:00", end=None)
    first, last = in_recording_order([cancel, new])
    assert first.moved and first.previous_start == "2025-05-13" and last is cancel
    # an unrelated announcement beside a cancellation is no move
    assert [e.moved for e in in_recording_order([cancel, replace(other, title="Match")])] == [
        False, False]
    # an untitled cancellation pairs only when the message holds nothing else
    untitled = replace(cancel, title="")
    assert in_recording_order([untitled, new])[0].moved
    assert not any(e.moved for e in in_recording_order([untitled, other, new]))
