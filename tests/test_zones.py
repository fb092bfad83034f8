"""Every chat gets a zone and a record of where it came from (issue #11, item 1).

Real parts throughout: the machine-zone lookup reads a real (temporary) /etc tree, the exports
in tests/data/zones are ingested into real SQLite files, the real resolver extracts their
events, and the CLI runs end to end (ingest -> extract -> accept -> export -> set-tz -> export)
with the .ics read back by `icalendar`.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import make_env
from icalendar import Calendar

from toolkit.config import load_settings, machine_zone
from toolkit.extract.stage import extract_new, set_chat_zone
from toolkit.ingest import zones
from toolkit.ingest.importer import ingest_paths
from toolkit.review import proposals
from toolkit.store.connect import open_db

EXPORTS = Path(__file__).parent / "data" / "zones"
SPANISH = EXPORTS / "WhatsApp Chat with Padres 3A.txt"      # three +34 mobiles and a contact
BRITISH = EXPORTS / "WhatsApp Chat with Year 4 Parents.txt"  # +44 numbers, one in London
NEW_YORK = EXPORTS / "WhatsApp Chat with Robotics Club.txt"  # +1 numbers, all New York
COASTS = EXPORTS / "WhatsApp Chat with Cousins.txt"           # +1: two New York, two LA
NAMES_ONLY = EXPORTS / "WhatsApp Chat with Football Parents.txt"  # contacts, no numbers


def settings_in(data_dir: Path, **env: str):
    return load_settings(make_env(data_dir, **env), cwd=data_dir.parent)


def chat_rows(settings) -> dict[str, dict]:
    conn = open_db(settings)
    try:
        return {row["name"]: row for row in zones.list_chats(conn)}
    finally:
        conn.close()


def all_proposals(settings) -> list[dict]:
    conn = open_db(settings)
    try:
        return proposals.list_proposals(conn)
    finally:
        conn.close()


# ------------------------------------------------------------------------- the machine's zone


def fake_root(tmp_path: Path, *, localtime: str | None = None, timezone: str | None = None) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    if localtime:
        os.symlink(f"/usr/share/zoneinfo/{localtime}", root / "etc" / "localtime")
    if timezone is not None:
        (root / "etc" / "timezone").write_text(timezone + "\n")
    return root


@pytest.mark.parametrize(
    ("env", "files", "expected"),
    [
        ({"TZ": "America/Chicago"}, {"localtime": "Europe/Madrid"}, "America/Chicago"),
        ({"TZ": ":America/Chicago"}, {}, "America/Chicago"),
        ({"TZ": ":/usr/share/zoneinfo/Asia/Tokyo"}, {}, "Asia/Tokyo"),
        # a POSIX rule names no zone: the system's own setting is asked instead
        ({"TZ": "CET-1CEST"}, {"localtime": "Europe/Madrid"}, "Europe/Madrid"),
        # the localtime link is what the C library (and so the clock) reads; a stale
        # /etc/timezone beside it loses
        ({}, {"timezone": "Europe/Lisbon", "localtime": "Europe/Madrid"}, "Europe/Madrid"),
        ({}, {"timezone": "Europe/Lisbon"}, "Europe/Lisbon"),
        ({}, {"localtime": "Europe/Madrid"}, "Europe/Madrid"),
        ({}, {"timezone": "Not/AZone"}, "UTC"),
        ({}, {}, "UTC"),
    ],
)
def test_machine_zone_honours_tz_then_the_system(tmp_path, env, files, expected):
    name, where = machine_zone(env, root=fake_root(tmp_path, **files))
    assert name == expected
    if expected == "UTC":
        assert "set TZ or CHATBOOK_TZ" in where  # never a silent UTC


def test_default_zone_is_the_machines_not_utc(data_dir):
    settings = settings_in(data_dir, TZ="America/Chicago")
    assert settings.default_tz == "America/Chicago"
    assert settings.default_tz_note == "this machine's zone (TZ=America/Chicago)"
    configured = settings_in(data_dir, TZ="America/Chicago", CHATBOOK_TZ="Europe/Berlin")
    assert (configured.default_tz, configured.default_tz_note) == ("Europe/Berlin", "CHATBOOK_TZ")
    # a child process (kernel, job) reads the same zone from the same kind of place
    assert settings.as_env()["TZ"] == "America/Chicago" and "CHATBOOK_TZ" not in settings.as_env()
    assert load_settings(settings.as_env()).default_tz == "America/Chicago"


# ------------------------------------------------------------------------- inference


SPAIN = ["\u202a+34 612 34 56 78\u202c", "\u202a+34 622 98 76 54\u202c", "Lucía"]


@pytest.mark.parametrize(
    ("authors", "machine", "tz", "source"),
    [
        # Spanish mobiles name no area: most of Spain lives in Madrid, not the Canaries
        (SPAIN, "UTC", "Europe/Madrid", "phones"),
        # ...unless this machine is in one of Spain's zones: it is the exporting phone's witness
        (SPAIN, "Atlantic/Canary", "Atlantic/Canary", "phones"),
        (SPAIN, "Europe/London", "Europe/Madrid", "phones"),
        # a Canary landline among them names the islands
        ([*SPAIN, "+34 928 123 456"], "UTC", "Atlantic/Canary", "phones"),
        # numbers outside the published ranges still say their country
        (["+44 7700 900123", "+44 7700 900456"], "UTC", "Europe/London", "phones"),
        (["+1 212 555 0142", "+1 718 555 0199", "+1 415 555 0100"], "UTC", "America/New_York", "phones"),
        # two coasts, no majority, no principal zone: ambiguous, the machine decides
        (["+1 212 555 0142", "+1 718 555 0199", "+1 415 555 0100", "+1 310 555 0123"],
         "Europe/Paris", "Europe/Paris", "machine"),
        # countries split evenly: no majority
        (["+34 612 34 56 78", "+44 7700 900123"], "Asia/Tokyo", "Asia/Tokyo", "machine"),
        # one stranger's number says where that person lives, not the group
        (["+34 612 34 56 78", "Ana", "Luis"], "Europe/Berlin", "Europe/Berlin", "machine"),
        (["Ana", "Luis"], "America/Chicago", "America/Chicago", "machine"),
        # an author that merely starts with a plus is no number
        (["+ Ana", "+34", "Mum +34 612"], "UTC", "UTC", "machine"),
    ],
)
def test_zone_from_authors(authors, machine, tz, source):
    choice = zones.infer_zone(authors, None, machine, "this machine's zone (test)",
                              "2024-10-01T10:00:00", "2024-11-30T10:00:00")
    assert (choice.tz, choice.source) == (tz, source)
    assert choice.note  # always says why


@pytest.mark.parametrize(
    ("locale", "machine", "tz", "source"),
    [
        # German is the majority's official language only where clocks match Berlin's
        ("de", "UTC", "Europe/Berlin", "locale"),
        ("it", "Etc/UTC", "Europe/Rome", "locale"),
        # Spanish, English, Portuguese, French span oceans; a guessed region is no evidence
        ("es", "UTC", "UTC", "machine"),
        ("en-GB", "UTC", "UTC", "machine"),
        ("pt", "UTC", "UTC", "machine"),
        ("fr", "UTC", "UTC", "machine"),
        # a real machine zone outranks the language: the language says what the phone speaks
        ("de", "America/Chicago", "America/Chicago", "machine"),
    ],
)
def test_zone_from_locale_only_where_unambiguous(locale, machine, tz, source):
    choice = zones.infer_zone(["Anna", "Ben"], locale, machine, "this machine's zone (test)",
                              "2024-09-01T10:00:00", "2024-12-01T10:00:00")
    assert (choice.tz, choice.source) == (tz, source)


def test_configured_utc_is_a_choice_not_an_unknown():
    choice = zones.infer_zone(["Anna"], "de", "UTC", "CHATBOOK_TZ")
    assert (choice.tz, choice.source) == ("UTC", "machine")


# ------------------------------------------------------------------------- ingest records it


def test_ingest_records_each_chats_zone_and_source(data_dir):
    settings = settings_in(data_dir, TZ="America/Chicago")
    report = ingest_paths(settings, [SPANISH, BRITISH, NEW_YORK, COASTS, NAMES_ONLY])
    assert report.ok
    by_chat = {result.chat: result for result in report.files}
    assert (by_chat["Padres 3A"].tz, by_chat["Padres 3A"].tz_source) == ("Europe/Madrid", "phones")
    assert (by_chat["Year 4 Parents"].tz, by_chat["Year 4 Parents"].tz_source) == ("Europe/London", "phones")
    # New York area codes name New York, whatever this machine's zone...
    assert (by_chat["Robotics Club"].tz, by_chat["Robotics Club"].tz_source) == (
        "America/New_York", "phones")
    # ...but two coasts, two numbers each, name nothing: this machine's zone, saying why
    assert (by_chat["Cousins"].tz, by_chat["Cousins"].tz_source) == ("America/Chicago", "machine")
    assert "US has several zones" in by_chat["Cousins"].tz_note
    assert (by_chat["Football Parents"].tz, by_chat["Football Parents"].tz_source) == (
        "America/Chicago", "machine")
    assert "zone Europe/Madrid (phones: 3 of 3 numbers from ES" in report.summary()
    listed = chat_rows(settings)
    assert listed["Padres 3A"]["tz_source"] == "phones" and listed["Padres 3A"]["messages"] == 6
    assert "TZ=America/Chicago" in listed["Football Parents"]["tz_note"]


def test_messages_are_timed_in_the_inferred_zone(data_dir):
    settings = settings_in(data_dir, TZ="Etc/UTC")
    ingest_paths(settings, [SPANISH])
    conn = open_db(settings)
    try:
        row = conn.execute("SELECT sent_at, sent_at_utc FROM messages ORDER BY id LIMIT 1").fetchone()
    finally:
        conn.close()
    # 19:02 in Madrid in October (CEST) is 17:02 UTC
    assert (row["sent_at"], row["sent_at_utc"]) == ("2024-10-14T19:02:00", "2024-10-14T17:02:00+00:00")


def test_a_given_zone_is_kept_by_later_imports(data_dir):
    settings = settings_in(data_dir, TZ="Etc/UTC")
    ingest_paths(settings, [SPANISH], tz="Atlantic/Canary")
    again = ingest_paths(settings, [SPANISH])  # no --tz: the given zone stays
    assert (again.files[0].tz, again.files[0].tz_source) == ("Atlantic/Canary", "given")


def test_a_travelling_machine_does_not_move_its_chats(data_dir):
    home = settings_in(data_dir, TZ="Europe/London")
    ingest_paths(home, [NAMES_ONLY, SPANISH])
    away = settings_in(data_dir, TZ="America/New_York")
    report = ingest_paths(away, [NAMES_ONLY, SPANISH])
    assert [(r.chat, r.tz, r.tz_source) for r in report.files] == [
        ("Football Parents", "Europe/London", "machine"), ("Padres 3A", "Europe/Madrid", "phones")]


def test_more_numbers_can_sharpen_a_zone_but_fewer_cannot_undo_it(data_dir, tmp_path):
    settings = settings_in(data_dir, TZ="Etc/UTC")
    export = tmp_path / "WhatsApp Chat with Club.txt"
    export.write_text("01/10/2024, 10:00 - Ana: hola\n01/10/2024, 10:01 - Luis: hola\n")
    assert ingest_paths(settings, [export]).files[0].tz_source == "machine"
    with export.open("a") as more:  # two Spanish numbers join
        more.write("02/10/2024, 10:00 - +34 612 34 56 78: hola\n"
                   "02/10/2024, 10:01 - +34 622 98 76 54: hola\n")
    sharpened = ingest_paths(settings, [export]).files[0]
    assert (sharpened.tz, sharpened.tz_source) == ("Europe/Madrid", "phones")
    with export.open("a") as more:  # as many British ones: no majority any more
        more.write("03/10/2024, 10:00 - +44 7700 900123: hi\n"
                   "03/10/2024, 10:01 - +44 7700 900456: hi\n")
    kept = ingest_paths(settings, [export]).files[0]
    assert (kept.tz, kept.tz_source) == ("Europe/Madrid", "phones")


def test_a_legacy_utc_chat_is_inferred_again_at_its_next_import(data_dir):
    settings = settings_in(data_dir, TZ="Etc/UTC")
    ingest_paths(settings, [SPANISH])
    conn = open_db(settings)
    with conn:  # as migration 0005 leaves a chat imported before zones had sources
        conn.execute("UPDATE chats SET tz = 'UTC', tz_source = NULL, tz_note = NULL")
    assert zones.list_chats(conn)[0]["tz_source"] == "unrecorded"
    conn.close()
    again = ingest_paths(settings, [SPANISH])
    assert (again.files[0].tz, again.files[0].tz_source) == ("Europe/Madrid", "phones")


# ------------------------------------------------------------------------- the targets


@pytest.mark.slow
def test_spanish_numbers_put_every_proposal_in_madrid_with_no_flag(data_dir):
    settings = settings_in(data_dir, TZ="Etc/UTC")
    ingest_paths(settings, [SPANISH])
    extract_new(settings)
    found = all_proposals(settings)
    assert found, "the meeting on Thursday the 17th at 18:30 is proposed"
    assert {p["tz"] for p in found} == {"Europe/Madrid"}
    meeting = next(p for p in found if "18:30" in p["start"])
    assert meeting["start"] == "2024-10-17T18:30:00+02:00"
    assert proposals.proposal_zone(open_db(settings), meeting["id"])["source"] == "phones"


@pytest.mark.slow
def test_a_chat_without_numbers_gets_the_machines_zone(data_dir):
    settings = settings_in(data_dir, TZ="America/Chicago")
    ingest_paths(settings, [NAMES_ONLY])
    extract_new(settings)
    found = all_proposals(settings)
    assert [p["start"] for p in found] == ["2024-09-21T10:00:00-05:00"]
    assert found[0]["tz"] == "America/Chicago" and found[0]["chat_tz_source"] == "machine"


@pytest.mark.slow
def test_a_zone_given_later_moves_proposals_in_place(data_dir):
    """The pipeline's `-p tz ... --full`: ingest with --tz, then extract --full. No copies."""
    settings = settings_in(data_dir, TZ="Etc/UTC")
    ingest_paths(settings, [NAMES_ONLY])
    extract_new(settings)
    [before] = all_proposals(settings)
    assert before["start"] == "2024-09-21T10:00:00+00:00"
    ingest_paths(settings, [NAMES_ONLY], tz="Europe/London")
    report = extract_new(settings, full=True)
    assert report.proposals_retimed == 1 and report.proposals_created == 0
    [after] = all_proposals(settings)
    assert after["id"] == before["id"] and after["start"] == "2024-09-21T10:00:00+01:00"
    conn = open_db(settings)
    changes = proposals.proposal_changes(conn, after["id"])
    conn.close()
    assert {(c["field"], c["action"]) for c in changes} >= {("start", "retime"), ("tz", "retime")}
    start = next(c for c in changes if c["field"] == "start")
    assert start["zone_change"] == {"from": "Etc/UTC", "to": "Europe/London", "source": "given"}


def test_set_chat_zone_moves_pending_proposals_and_accepted_events(data_dir):
    settings = settings_in(data_dir, TZ="Etc/UTC")
    ingest_paths(settings, [NAMES_ONLY])
    conn = open_db(settings)
    from events_data import found

    message = int(conn.execute("SELECT min(id) FROM messages").fetchone()[0])
    first = proposals.record_event(conn, found("Training", "2024-09-21T10:00:00+00:00", None),
                                   message_id=message, tz="Etc/UTC")
    chosen = proposals.record_event(conn, found("Match", "2024-09-22T15:00:00+00:00", None),
                                    message_id=message, tz="Etc/UTC")
    conn.commit()
    event_id = proposals.accept(conn, first.proposal_id, reviewer="ana", expected_version=1)
    # a reviewer put the match in New York time: a chat change leaves it alone
    proposals.accept(conn, chosen.proposal_id, reviewer="ana", expected_version=1,
                     changes={"tz": "America/New_York", "start": "2024-09-22T15:00"})
    uid = conn.execute("SELECT uid FROM events WHERE id = ?", (event_id,)).fetchone()[0]
    conn.close()

    change = set_chat_zone(settings, "football parents", "Europe/London")  # any case
    assert change["proposals_moved"] == 1 and change["messages_retimed"] == 2
    assert change["previous_tz"] == "Etc/UTC"
    conn = open_db(settings)
    event = conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
    assert (event["uid"], event["sequence"], event["start"], event["tz"]) == (
        uid, 1, "2024-09-21T10:00:00+01:00", "Europe/London")
    match = proposals.get_proposal(conn, chosen.proposal_id)
    assert match["tz"] == "America/New_York" and match["start"] == "2024-09-22T15:00:00-04:00"
    assert proposals.proposal_zone(conn, chosen.proposal_id)["source"] == "chosen"
    assert proposals.proposal_zone(conn, first.proposal_id) == {
        "tz": "Europe/London", "source": "given", "note": "set with chatbook chats set-tz",
        "chat": "Football Parents", "follows_chat": True}
    assert [a["action"] for a in proposals.audit_trail(conn, first.proposal_id)] == ["accept", "retime"]
    conn.close()


def test_set_chat_zone_refuses_unknown_chats_and_zones(data_dir):
    settings = settings_in(data_dir, TZ="Etc/UTC")
    ingest_paths(settings, [NAMES_ONLY])
    from toolkit.errors import InputError

    with pytest.raises(InputError, match="no chat named 'Nope'.*Football Parents"):
        set_chat_zone(settings, "Nope", "Europe/London")
    with pytest.raises(InputError, match="unknown time zone 'Mars/Base'"):
        set_chat_zone(settings, "Football Parents", "Mars/Base")
    assert chat_rows(settings)["Football Parents"]["tz"] == "Etc/UTC"  # nothing half-written


# ------------------------------------------------------------------------- the CLI, end to end


def ics_events(path: Path) -> list:
    return [c for c in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]


@pytest.mark.slow
def test_cli_ingest_extract_accept_set_tz_export_same_uid_next_sequence(cli, tmp_path):
    env = {"TZ": "Etc/UTC"}
    export = tmp_path / NAMES_ONLY.name
    shutil.copy(NAMES_ONLY, export)
    ingest = cli("ingest", str(export), env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert "zone Etc/UTC (machine: this machine's zone (TZ=Etc/UTC)" in ingest.stdout
    assert cli("extract", env=env).returncode == 0
    [proposal] = json.loads(cli("proposals", "list", "--json", env=env).stdout)
    assert cli("proposals", "accept", str(proposal["id"]), env=env).returncode == 0
    first_ics = tmp_path / "first.ics"
    assert cli("events", "export", "--ics", str(first_ics), env=env).returncode == 0

    listed = json.loads(cli("chats", "--json", env=env).stdout)
    assert [(c["name"], c["tz"], c["tz_source"], c["language"]) for c in listed] == [
        ("Football Parents", "Etc/UTC", "machine", "en")]
    moved = cli("chats", "set-tz", "Football Parents", "Europe/London", env=env)
    assert moved.returncode == 0, moved.stderr
    assert "1 proposals moved in place" in moved.stdout
    table = cli("chats", "list", env=env).stdout
    assert "Europe/London" in table and "given" in table

    second_ics = tmp_path / "second.ics"
    assert cli("events", "export", "--ics", str(second_ics), env=env).returncode == 0
    [before], [after] = ics_events(first_ics), ics_events(second_ics)
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    start = after.decoded("dtstart")
    assert start.tzinfo.key == "Europe/London" and start.replace(tzinfo=None) == datetime(2024, 9, 21, 10)
    assert after["dtstart"].params["TZID"] == "Europe/London"
    assert b"BEGIN:VTIMEZONE" in second_ics.read_bytes()

    # re-reading every message in the new zone finds the same event: no copy
    assert cli("extract", "--full", env=env).returncode == 0
    assert len(json.loads(cli("proposals", "list", "--json", env=env).stdout)) == 1
    bad = cli("chats", "set-tz", "Football Parents", "Mars/Base", env=env)
    assert bad.returncode != 0 and "unknown time zone 'Mars/Base'" in bad.stderr


@pytest.mark.kernel
@pytest.mark.slow
def test_a_run_with_a_tz_parameter_and_full_moves_proposals_without_copies(cli, tmp_path):
    """`chatbook run -p tz ... --full`, as the issue reported it: notebooks under papermill."""
    env = {"TZ": "Etc/UTC"}
    export = tmp_path / NAMES_ONLY.name
    shutil.copy(NAMES_ONLY, export)
    first = cli("run", "ingest", "extract", "-p", "source", str(export), env=env)
    assert first.returncode == 0, first.stderr
    [before] = json.loads(cli("proposals", "list", "--json", env=env).stdout)
    assert before["start"] == "2024-09-21T10:00:00+00:00"
    fixed = cli("run", "ingest", "extract", "-p", "source", str(export), "-p", "tz", "Europe/London",
                "--full", env=env)
    assert fixed.returncode == 0, fixed.stderr
    [after] = json.loads(cli("proposals", "list", "--json", env=env).stdout)
    assert (after["id"], after["start"]) == (before["id"], "2024-09-21T10:00:00+01:00")
    [chat] = json.loads(cli("chats", "list", "--json", env=env).stdout)
    assert (chat["tz"], chat["tz_source"]) == ("Europe/London", "given")


@pytest.mark.parametrize("zone", [
    "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Australia/Adelaide", "Australia/Lord_Howe",
    "Pacific/Chatham", "Asia/Tehran", "Australia/Eucla", "Europe/London", "America/Sao_Paulo",
])
def test_the_cached_utc_conversion_equals_the_exact_one(zone):
    """The converter caches per local hour, also where the offset has minutes (+05:30, -02:30)
    and where the clocks move inside an hour (Lord Howe at 2:00 by half an hour, the Chathams at
    2:45): a time every 13 minutes of two years, DST changes included, converts as zoneinfo does."""
    from toolkit.ingest.redate import UtcConverter

    convert, utc = UtcConverter(zone), ZoneInfo("UTC")
    moment = datetime(2023, 1, 1, 0, 0, 17)
    while moment < datetime(2025, 1, 1):
        sent_at = moment.isoformat()
        exact = moment.replace(tzinfo=ZoneInfo(zone)).astimezone(utc).replace(tzinfo=None).isoformat()
        assert convert(sent_at) == exact + "+00:00", sent_at
        moment += timedelta(minutes=13)
