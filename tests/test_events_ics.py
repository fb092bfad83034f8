"""iCalendar export: every file is parsed back with `icalendar` and checked field by field."""

from __future__ import annotations

import stat
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from events_data import add_chat, add_message, found, record
from icalendar import Calendar

from toolkit.review import events, proposals


@pytest.fixture
def accepted(db_conn):
    """Three accepted events: London (timed), New York (timed, no end), and an all-day range."""
    london = add_chat(db_conn, "School Parents", tz="Europe/London")
    ny = add_chat(db_conn, "Brooklyn Book Club", tz="America/New_York", locale="en-US")
    specs = [
        (london, found("Bake sale"), "Europe/London"),
        (ny, found("Book club", "2025-05-20T19:00:00-04:00", None, location=None), "America/New_York"),
        (london, found("Camp", "2025-05-23", "2025-05-25", all_day=True, location="Lake"),
         "Europe/London"),
    ]
    ids = []
    for chat, event, tz in specs:
        message = add_message(db_conn, chat, event.title)
        pid = record(db_conn, event, message, tz=tz).proposal_id
        proposals.accept(db_conn, pid, reviewer="ana", expected_version=1)
        ids.append(pid)
    return db_conn, ids


def read_back(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def vevents(calendar: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_export_is_valid_rfc5545_with_zones_and_dates(accepted, tmp_path):
    conn, _ = accepted
    path = tmp_path / "out" / "calendar.ics"
    assert events.export_ics(conn, path) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes().decode("utf-8")  # read_text would hide the CRLF line ends
    assert raw.startswith("BEGIN:VCALENDAR\r\n") and "VERSION:2.0" in raw and "PRODID:" in raw

    calendar = read_back(path)
    zones = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    assert zones == {"Europe/London", "America/New_York"}
    found_events = vevents(calendar)
    assert set(found_events) == {"Bake sale", "Book club", "Camp"}

    bake = found_events["Bake sale"]
    assert bake["dtstart"].params["TZID"] == "Europe/London"
    assert bake.decoded("dtstart") == datetime(2025, 5, 17, 10, tzinfo=ZoneInfo("Europe/London"))
    assert bake.decoded("dtend") == datetime(2025, 5, 17, 13, tzinfo=ZoneInfo("Europe/London"))
    assert str(bake["location"]) == "school gym"
    assert str(bake["status"]) == "CONFIRMED" and int(bake["sequence"]) == 0

    club = found_events["Book club"]
    assert club["dtstart"].params["TZID"] == "America/New_York"
    assert club.decoded("dtstart").utcoffset() == timedelta(hours=-4)
    assert "dtend" not in club and "location" not in club

    camp = found_events["Camp"]
    assert "DTSTART;VALUE=DATE:20250523" in raw
    assert camp.decoded("dtstart") == date(2025, 5, 23)
    assert not isinstance(camp.decoded("dtstart"), datetime)
    assert camp.decoded("dtend") == date(2025, 5, 26)  # exclusive: the day after Sunday

    uids = [str(e["uid"]) for e in found_events.values()]
    assert len(set(uids)) == 3 and all(uid.endswith("@chatbook") for uid in uids)
    assert all(e.get("dtstamp") is not None for e in found_events.values())


def test_edit_keeps_uid_and_bumps_sequence(accepted, tmp_path):
    conn, ids = accepted
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    events.export_ics(conn, first)
    before = vevents(read_back(first))["Bake sale"]
    version = proposals.get_proposal(conn, ids[0])["version"]
    proposals.accept(conn, ids[0], reviewer="bo", expected_version=version,
                     changes={"title": "Bake sale (moved)", "start": "2025-05-17T11:00"})
    events.export_ics(conn, second)
    after = vevents(read_back(second))["Bake sale (moved)"]
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") == datetime(2025, 5, 17, 11, tzinfo=ZoneInfo("Europe/London"))


def test_rejected_after_export_is_exported_cancelled(accepted, tmp_path):
    conn, ids = accepted
    events.export_ics(conn, tmp_path / "first.ics")
    version = proposals.get_proposal(conn, ids[1])["version"]
    proposals.reject(conn, ids[1], reviewer="bo", expected_version=version, reason="not going")
    assert events.export_ics(conn, tmp_path / "second.ics") == 3
    club = vevents(read_back(tmp_path / "second.ics"))["Book club"]
    assert str(club["status"]) == "CANCELLED" and int(club["sequence"]) == 1


def test_never_exported_rejection_leaves_no_trace(accepted, tmp_path):
    conn, ids = accepted
    version = proposals.get_proposal(conn, ids[1])["version"]
    proposals.reject(conn, ids[1], reviewer="bo", expected_version=version, reason="not going")
    assert events.export_ics(conn, tmp_path / "cal.ics") == 2
    assert "Book club" not in vevents(read_back(tmp_path / "cal.ics"))
    # only New York was in it: its zone is gone too
    assert {str(tz["tzid"]) for tz in read_back(tmp_path / "cal.ics").walk("VTIMEZONE")} == {
        "Europe/London"}


def test_export_of_nothing_is_an_empty_valid_calendar(db_conn, tmp_path):
    assert events.export_ics(db_conn, tmp_path / "empty.ics") == 0
    calendar = read_back(tmp_path / "empty.ics")
    assert calendar.walk("VEVENT") == [] and str(calendar["version"]) == "2.0"


def test_uid_is_stable_across_databases():
    key = proposals.dedupe_key("Bake sale", "2025-05-17T10:00:00+01:00", False)
    assert events.uid_for(key) == events.uid_for(
        proposals.dedupe_key("bake SALE!", "2025-05-17T09:00:00+00:00", False))
    assert events.uid_for(key) != events.uid_for(
        proposals.dedupe_key("Bake sale", "2025-05-17T11:00:00+01:00", False))


def test_cli_export_writes_the_file(accepted, cli, tmp_path):
    path = tmp_path / "cli.ics"
    result = cli("events", "export", "--ics", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert '"events": 3' in result.stdout
    assert len(read_back(path).walk("VEVENT")) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_unwritable_path_is_one_clear_error(accepted, tmp_path):
    from toolkit.errors import InputError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match=r"file/cal.ics: cannot write the calendar"):
        events.export_ics(accepted[0], blocker / "cal.ics")
    assert events.list_events(accepted[0])[0]["exported_at"] is None  # nothing marked exported
