"""The review widget's logic without a browser: real SQLite store, real decision module.

Buttons are clicked with `Button.click()` (what a click in the page triggers in the kernel),
keys are sent as the keyboard widget's front-end message, and every check reads the database
through a second connection, so "written at once" means committed.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, time
from pathlib import Path

import pytest
from review_data import CHAT, OTHER_CHAT, audit_rows, proposal_row, seed_review_queue

from toolkit.config import Settings, load_settings
from toolkit.ops import nbparams
from toolkit.store import db
from toolkit.store.connect import migrate_all
from toolkit.ui.review.app import ReviewApp
from toolkit.ui.review.fields import join_when, split_when
from toolkit.ui.review.images import highlight, match_words
from toolkit.ui.review.keys import SHORTCUTS
from toolkit.ui.review.queue import Filters
from toolkit.ui.review.render import describe_when
from toolkit.ui.review.serve import NOTEBOOK, voila_command


@pytest.fixture
def seeded(db_conn: db.Connection):
    return seed_review_queue(db_conn)


@pytest.fixture
def make_app(settings: Settings, seeded):
    apps: list[ReviewApp] = []

    def make(**kwargs) -> ReviewApp:
        app = ReviewApp(settings, reviewer=kwargs.pop("reviewer", "alice"), **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()


def key(app: ReviewApp, name: str) -> None:
    """Exactly what the page sends when a shortcut key is pressed outside a field.

    That the page sends it for each key (and not for keys typed into a field) is what
    tests/test_review_browser.py checks in Chromium.
    """
    app.shortcuts._handle_custom_msg({"type": "key", "key": name}, [])


# ------------------------------------------------------------------ showing a proposal


def test_first_proposal_with_conversation_and_fields(make_app, seeded) -> None:
    app = make_app()
    assert app.ids == seeded.ids
    assert app.current["id"] == seeded.ids[0]
    assert app.title_field.value == "U11 match at Riverside Park"
    assert app.location_field.value == "Riverside Park"
    assert (app.start_day.value, app.start_clock.value) == ("Sat 5 Dec 2026", "10:00")
    assert (app.end_day.value, app.end_clock.value) == ("Sat 5 Dec 2026", "11:30")
    assert app.all_day_field.value is False
    shown = app.messages_html.value
    assert "kick-off 10am" in shown and 'cb-msg cb-source' in shown
    # Three messages of context either side where the chat has them, with author and time.
    assert "fixtures for December" in shown and "Can someone bring oranges?" in shown
    assert "Christmas party" not in shown  # the 4th message after: outside the context
    assert "Sam" in shown and "Mon 30 Nov 2026, 18:05" in shown
    assert "93% confidence" in app.summary_html.value
    # The event's zone, with its abbreviation on that day, on the card and beside the fields.
    assert "10:00–11:30" in app.summary_html.value and "(Europe/London, GMT)" in app.summary_html.value
    assert "Times are in Europe/London, GMT" in app.zone_html.value
    assert 'data-proposal-id="1"' in app.summary_html.value
    assert "Proposal 1 of 4 in this queue · 0 decided" in app.progress_html.value
    assert 'aria-valuenow="0"' in app.progress_html.value
    assert "pending <b>4</b>" in app.counts_html.value and "all:" in app.counts_html.value


def test_button_labels_show_their_shortcuts(make_app) -> None:
    app = make_app()
    labels = {"ArrowLeft": "←", "ArrowRight": "→", " ": "Space", "Backspace": "⌫"}
    for keyname, action in SHORTCUTS.items():
        # The first key on the button, every key in its tooltip and in the `?` overlay.
        assert labels.get(keyname, keyname) in app.buttons[action].tooltip
        assert any(labels.get(keyname, keyname) in keys.split(" / ")
                   for keys, _ in app.shortcuts.help_rows)
    assert [app.buttons[a].description for a in ("accept", "reject", "undo", "next")] == [
        "Accept [a]", "Reject [x]", "Undo [⌫]", "Next [→]"]
    assert app.shortcuts.shortcut_keys == list(SHORTCUTS)
    assert {"?", "Esc", "Tab"} <= {keys for keys, _ in app.shortcuts.help_rows}
    assert app.scope in app.widget._dom_classes and app.shortcuts.scope == app.scope


def test_empty_queue_says_so(settings: Settings, db_conn) -> None:
    app = ReviewApp(settings, reviewer="alice")
    try:
        assert app.current is None and app.main.layout.display == "none"
        assert "Nothing to review" in app.empty_html.value
        assert all(app.buttons[a].disabled for a in ("accept", "edit_accept", "reject", "skip"))
    finally:
        app.conn.close()


# ------------------------------------------------------------------ decisions


def test_accept_is_written_at_once_with_event_and_audit(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.buttons["accept"].click()
    row = proposal_row(db_conn, seeded.ids[0])
    assert (row["status"], row["reviewed_by"], row["version"]) == ("accepted", "alice", 2)
    event = db_conn.execute("SELECT * FROM events WHERE proposal_id = ?", (seeded.ids[0],)).fetchone()
    assert event["title"] == "U11 match at Riverside Park"
    [audit] = audit_rows(db_conn, seeded.ids[0])
    assert (audit["action"], audit["reviewer"]) == ("accept", "alice")
    assert json.loads(audit["before"])["proposal"]["status"] == "pending"
    assert json.loads(audit["after"])["proposal"]["status"] == "accepted"
    assert app.current["id"] == seeded.ids[1]  # moved on to the next pending one
    assert "Accepted" in app.message and "U11 match" in app.message


def test_edit_and_accept_saves_the_form(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.go_to(seeded.ids[1])
    app.title_field.value = "Team photo (bring kit)"
    app.start_clock.value = "2:30pm"
    app.end_day.value = "6 Dec"  # the year of the day the field held
    app.end_clock.value = "1500"
    app.location_field.value = "Clubhouse, Riverside"
    assert set(app.changes()) == {"title", "start", "end", "location"}
    assert app.buttons["edit_accept"].button_style == "primary"
    # Read back before saving: a misread day or time shows at once.
    assert "Team photo (bring kit)" in app.form_note.value
    assert "Sun 6 Dec 2026, 14:30–15:00" in app.form_note.value
    app.buttons["edit_accept"].click()
    row = proposal_row(db_conn, seeded.ids[1])
    assert row["status"] == "edited"
    assert (row["title"], row["location"]) == ("Team photo (bring kit)", "Clubhouse, Riverside")
    assert (row["start"], row["end"]) == ("2026-12-06T14:30:00+00:00", "2026-12-06T15:00:00+00:00")
    [audit] = audit_rows(db_conn, seeded.ids[1])
    assert audit["action"] == "edit"
    assert json.loads(audit["before"])["proposal"]["title"] == "Team photo"
    assert json.loads(audit["after"])["proposal"]["title"] == "Team photo (bring kit)"


def test_edit_to_all_day(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.all_day_field.value = True
    assert app.start_clock.layout.visibility == "hidden"
    app.end_day.value = ""
    app.buttons["edit_accept"].click()
    row = proposal_row(db_conn, seeded.ids[0])
    assert (row["all_day"], row["start"], row["end"]) == (1, "2026-12-05", None)


def test_accept_refuses_to_drop_edits(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.title_field.value = "Something else"
    app.buttons["accept"].click()
    assert proposal_row(db_conn, seeded.ids[0])["status"] == "pending"
    assert "Edit & accept" in app.message
    app.reset_button.click()
    assert app.title_field.value == "U11 match at Riverside Park" and app.changes() == {}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title_field", "   ", "title must not be empty"),
    ("start_day", "", "start needs a day"),
    ("start_clock", "", "start needs a time"),
    ("end_clock", "9:00", "end is before the start"),
    ("start_day", "Fri 5 Dec 2026", "Start day: Sat 5 Dec 2026 is a Saturday, not a Friday"),
    ("start_day", "5 Decmber", "Start day: cannot read '5 Decmber' as a day"),
    ("start_clock", "25:00", "Start time: '25:00' is not a time of day"),
    ("end_clock", "13pm", "End time: '13pm': with am or pm the hour is 1 to 12"),
])
def test_invalid_form_is_refused_with_a_reason(make_app, seeded, db_conn, field, value,
                                               message) -> None:
    app = make_app()
    getattr(app, field).value = value
    assert message in html.unescape(app.form_note.value)  # said while typing, before any button
    app.buttons["edit_accept"].click()
    assert message in app.message
    assert proposal_row(db_conn, seeded.ids[0])["status"] == "pending"
    assert audit_rows(db_conn, seeded.ids[0]) == []


def test_reject_with_reason_and_without(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.reason_field.value = ""
    app.buttons["reject"].click()
    assert "Give a reason" in app.message
    assert proposal_row(db_conn, seeded.ids[0])["status"] == "pending"
    app.reason_field.value = "duplicate of the club calendar"
    app.buttons["reject"].click()
    row = proposal_row(db_conn, seeded.ids[0])
    assert (row["status"], row["reject_reason"]) == ("rejected", "duplicate of the club calendar")
    assert audit_rows(db_conn, seeded.ids[0])[-1]["action"] == "reject"


def test_undo_reverts_the_last_decision(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.buttons["accept"].click()
    assert app.current["id"] == seeded.ids[1]
    app.buttons["undo"].click()
    assert app.current["id"] == seeded.ids[0]
    assert proposal_row(db_conn, seeded.ids[0])["status"] == "pending"
    assert db_conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert [a["action"] for a in audit_rows(db_conn, seeded.ids[0])] == ["accept", "undo"]
    assert "Undone" in app.message
    assert app.buttons["undo"].disabled


# ------------------------------------------------------------------ keyboard


U11, PHOTO, NATIVITY = "U11 match at Riverside Park", "Team photo", "Nativity rehearsal"


def seen(app: ReviewApp) -> tuple[str, str, str, str]:
    """What a person sees: the title in the form and on the card, the progress line, the banner."""
    card = re.search(r'cb-title-line">([^<]*)<', app.summary_html.value)
    progress = re.sub(r"<[^>]+>", "", app.progress_html.value)
    return app.title_field.value, card.group(1) if card else "", progress, app.message


@pytest.mark.parametrize(("keys", "expected_status", "expected_index", "title", "decided",
                          "banner"), [
    (["a"], "accepted", 1, PHOTO, 1, f"Accepted: “{U11}” (event #1). Undo [⌫] reverts it."),
    ([" "], "accepted", 1, PHOTO, 1, f"Accepted: “{U11}” (event #1). Undo [⌫] reverts it."),
    (["x"], "rejected", 1, PHOTO, 1, f"Rejected: “{U11}”. Undo [⌫] reverts it."),
    (["r"], "rejected", 1, PHOTO, 1, f"Rejected: “{U11}”. Undo [⌫] reverts it."),
    # nothing edited: edit & accept is a plain accept
    (["e"], "accepted", 1, PHOTO, 1, f"Accepted: “{U11}” (event #1). Undo [⌫] reverts it."),
    (["s"], "pending", 1, PHOTO, 0, f"Skipped “{U11}”; it stays pending."),
    (["n"], "pending", 1, PHOTO, 0, ""),
    (["ArrowRight", "ArrowRight"], "pending", 2, NATIVITY, 0, ""),
    (["n", "p"], "pending", 0, U11, 0, ""),
    (["ArrowRight", "ArrowLeft"], "pending", 0, U11, 0, ""),
    (["a", "u"], "pending", 0, U11, 0, f"Undone: “{U11}” is pending again."),
    (["a", "Backspace"], "pending", 0, U11, 0, f"Undone: “{U11}” is pending again."),
    (["p"], "pending", 0, U11, 0, ""),           # Previous is disabled on the first: nothing happens
    (["Enter", "A", "b", "?"], "pending", 0, U11, 0, ""),  # not shortcuts
])
def test_shortcut_keys(make_app, seeded, db_conn, keys, expected_status, expected_index, title,
                       decided, banner) -> None:
    app = make_app()
    for name in keys:
        key(app, name)
    assert proposal_row(db_conn, seeded.ids[0])["status"] == expected_status
    assert app.index == expected_index
    progress = f"Proposal {expected_index + 1} of 4 in this queue · {decided} decided"
    assert seen(app) == (title, html.escape(title), progress, banner)


def test_a_key_decides_only_the_proposal_the_page_shows(make_app, seeded, db_conn) -> None:
    """`a` pressed twice quickly: the second press was meant for the first proposal (the page
    had not drawn the next one yet), so the next one must not be accepted unseen."""
    app = make_app()
    shown = seeded.ids[0]
    app.shortcuts._handle_custom_msg({"type": "key", "key": "a", "shown": shown}, [])
    app.shortcuts._handle_custom_msg({"type": "key", "key": "a", "shown": shown}, [])
    assert [proposal_row(db_conn, i)["status"] for i in seeded.ids[:2]] == ["accepted", "pending"]
    assert app.current["id"] == seeded.ids[1]
    # Moving is not a decision: it acts on whatever the kernel shows.
    app.shortcuts._handle_custom_msg({"type": "key", "key": "n", "shown": shown}, [])
    assert app.current["id"] == seeded.ids[2]
    # The page caught up: the key acts on what it shows.
    app.shortcuts._handle_custom_msg({"type": "key", "key": " ", "shown": seeded.ids[2]}, [])
    assert proposal_row(db_conn, seeded.ids[2])["status"] == "accepted"


def test_keys_respect_disabled_buttons(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.go_to(seeded.ids[-1])
    assert app.press("n") is False  # already at the end
    key(app, "r")
    assert proposal_row(db_conn, seeded.ids[-1])["status"] == "rejected"
    app.go_to(seeded.ids[-1])
    assert app.buttons["reject"].disabled and app.press("r") is False


# ------------------------------------------------------------------ two reviewers


def test_second_reviewer_gets_a_conflict_not_an_overwrite(make_app, seeded, db_conn) -> None:
    alice, bob = make_app(reviewer="alice"), make_app(reviewer="bob")
    assert alice.current["id"] == bob.current["id"] == seeded.ids[0]
    bob.reason_field.value = "not an event"
    bob.buttons["reject"].click()
    alice.title_field.value = "Alice's title"
    alice.buttons["edit_accept"].click()
    row = proposal_row(db_conn, seeded.ids[0])
    assert (row["status"], row["title"], row["reviewed_by"]) == (
        "rejected", "U11 match at Riverside Park", "bob")
    # A sentence for a person: who, what and when in words; no versions, no ISO time.
    assert alice.message.startswith(
        "Not saved: bob rejected “U11 match at Riverside Park” just now, while this page still "
        "showed the earlier version. Nothing was overwritten")
    assert "version" not in alice.message.replace("earlier version", "")
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", alice.message)
    assert "cb-banner-error" in alice.banner.value
    # Alice now sees the current version, so what she decides next is an informed decision.
    assert alice.current["status"] == "rejected" and alice.current["version"] == 2
    assert [a["reviewer"] for a in audit_rows(db_conn, seeded.ids[0])] == ["bob"]


# ------------------------------------------------------------------ resuming


def test_resumes_on_the_same_proposal_after_a_restart(settings, seeded, db_conn) -> None:
    first = ReviewApp(settings, reviewer="alice")
    first.buttons["skip"].click()
    first.buttons["accept"].click()   # accepts the 2nd, moves to the 3rd
    assert first.current["id"] == seeded.ids[2]
    first.conn.close()
    again = ReviewApp(settings, reviewer="alice")  # a new kernel: nothing in memory
    try:
        assert again.current["id"] == seeded.ids[2]
        assert again.ids == [seeded.ids[0], seeded.ids[2], seeded.ids[3]]  # the 2nd is decided
        assert again.undo_stack == [[seeded.ids[1]]]
        saved = db_conn.execute("SELECT current_id, undo FROM review_state").fetchone()
        assert (saved["current_id"], json.loads(saved["undo"])) == (seeded.ids[2], [[seeded.ids[1]]])
    finally:
        again.conn.close()


def test_resume_keeps_position_and_undo(settings, seeded, db_conn) -> None:
    first = ReviewApp(settings, reviewer="alice", status="all")
    first.buttons["accept"].click()
    first.buttons["next"].click()
    assert first.current["id"] == seeded.ids[2]
    first.conn.close()
    again = ReviewApp(settings, reviewer="alice", status="all")
    other = ReviewApp(settings, reviewer="bob", status="all")
    try:
        assert again.current["id"] == seeded.ids[2]
        assert again.undo_stack == [[seeded.ids[0]]]
        assert other.current["id"] == seeded.ids[0]  # each reviewer has a place of their own
        again.buttons["undo"].click()
        assert proposal_row(db_conn, seeded.ids[0])["status"] == "pending"
    finally:
        again.conn.close()
        other.conn.close()


def test_resume_skips_to_the_next_when_the_saved_one_is_gone(settings, seeded, db_conn) -> None:
    first = ReviewApp(settings, reviewer="alice")
    first.go_to(seeded.ids[1])
    first.conn.close()
    bob = ReviewApp(settings, reviewer="bob")
    bob.go_to(seeded.ids[1])
    bob.buttons["accept"].click()
    bob.conn.close()
    again = ReviewApp(settings, reviewer="alice")
    try:
        assert again.current["id"] == seeded.ids[2]
    finally:
        again.conn.close()


# ------------------------------------------------------------------ filters and order


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, [0, 1, 2, 3]),
    ({"order": "confidence"}, [3, 0, 1, 2]),
    ({"chat": CHAT}, [0, 1, 3]),
    ({"chat": OTHER_CHAT}, [2]),
    ({"min_confidence": 0.7}, [0, 1, 3]),
    ({"since": "2026-12-06", "until": "2026-12-08"}, [1, 2]),
    ({"until": "2026-12-05"}, [0]),
    ({"status": "accepted"}, []),
    ({"chat": CHAT, "order": "confidence", "min_confidence": 0.9}, [3, 0]),
])
def test_filters_and_order(make_app, seeded, filters, expected) -> None:
    app = make_app(**filters)
    assert app.ids == [seeded.ids[i] for i in expected]


@pytest.mark.parametrize(("change", "expected"), [
    ({"chat": OTHER_CHAT}, [2]),
    ({"order": "confidence"}, [3, 0, 1, 2]),
    ({"min_confidence": 0.95}, [3]),
    ({"since": date(2026, 12, 7)}, [2, 3]),
    ({"status": "accepted,edited"}, [0]),
    ({"status": "all"}, [0, 1, 2, 3]),
])
def test_filter_bar_requeries(make_app, seeded, change, expected) -> None:
    app = make_app()
    app.buttons["accept"].click()
    app.set_filters(**change)
    # The first one is accepted now: only a status filter that includes it still shows it.
    assert app.ids == [seeded.ids[i] for i in expected if "status" in change or i != 0]


@pytest.mark.parametrize("bad", [{"status": "maybe"}, {"order": "random"},
                                 {"min_confidence": 1.5}, {"since": "next week"}])
def test_bad_filter_values_are_refused(settings, db_conn, bad) -> None:
    from toolkit.errors import ChatbookError

    with pytest.raises(ChatbookError):
        ReviewApp(settings, **bad)


# ------------------------------------------------------------------ bulk accept


def test_bulk_accept_after_preview(make_app, seeded, db_conn) -> None:
    app = make_app()
    assert app.bulk_panel is None  # built on first use: a lighter first paint
    app.bulk_open_button.value = True
    app.bulk_threshold.value = 0.9
    rows = app.preview_bulk()
    assert [r["id"] for r in rows] == [seeded.ids[0], seeded.ids[3]]
    assert app.bulk_confirm_button.description == "Accept these 2"
    assert app.bulk_confirm_button.layout.display is None
    shown = " ".join(check.description for check in app.bulk_checks)
    assert "Christmas party" in shown and "Team photo" not in shown
    assert db_conn.execute("SELECT count(*) FROM proposal_audit").fetchone()[0] == 0  # preview only
    app.bulk_confirm_button.click()
    assert [proposal_row(db_conn, i)["status"] for i in seeded.ids] == [
        "accepted", "pending", "pending", "accepted"]
    assert app.message == "Bulk accepted 2. Undo [⌫] reverts all 2 at once."
    assert app.bulk_confirm_button.layout.display == "none"


def test_bulk_accept_leaves_what_changed_since_the_preview(make_app, seeded, db_conn) -> None:
    app, other = make_app(), make_app(reviewer="bob")
    app.open_bulk()
    app.bulk_threshold.value = 0.9
    app.bulk_preview_button.click()
    other.go_to(seeded.ids[3])
    other.buttons["reject"].click()
    result = app.confirm_bulk()
    assert result == {"accepted": 1, "conflicts": 1, "errors": 0}
    assert proposal_row(db_conn, seeded.ids[3])["status"] == "rejected"
    assert "1 changed since the preview" in app.message


def test_a_moved_threshold_redoes_the_preview_on_screen(make_app, seeded) -> None:
    """The browser can deliver the slider's value after the Preview click that followed it:
    the preview shown follows the threshold; with no preview shown, nothing is listed."""
    app = make_app()
    app.open_bulk()
    app.bulk_threshold.value = 0.7
    assert app.bulk_rows == [] and app.bulk_list.children == ()
    app.bulk_threshold.value = 0.9
    app.bulk_preview_button.click()
    assert [r["id"] for r in app.bulk_rows] == [seeded.ids[0], seeded.ids[3]]
    app.bulk_threshold.value = 0.7
    assert [r["id"] for r in app.bulk_rows] == [seeded.ids[0], seeded.ids[1], seeded.ids[3]]
    assert app.bulk_confirm_button.description == "Accept these 3"
    app.bulk_cancel_button.click()
    app.bulk_threshold.value = 0.9
    assert app.bulk_rows == [] and app.bulk_list.children == ()


def test_bulk_cancel_writes_nothing(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.open_bulk()
    app.bulk_preview_button.click()
    app.bulk_cancel_button.click()
    assert app.bulk_rows == [] and app.bulk_table.value == "" and app.bulk_list.children == ()
    assert db_conn.execute("SELECT count(*) FROM proposal_audit").fetchone()[0] == 0


# ------------------------------------------------------------------ pieces


@pytest.mark.parametrize(("stored", "all_day", "zone"), [
    ("2026-12-05T10:00:00+00:00", False, "Europe/London"),
    ("2026-07-05T10:00:00+01:00", False, "Europe/London"),
    ("2026-07-05T10:00:00-04:00", False, None),
    ("2026-12-12", True, "Europe/London"),
])
def test_form_round_trip_is_not_a_change(stored, all_day, zone) -> None:
    day, clock = split_when(stored)
    assert join_when(day, clock, all_day=all_day, zone=zone, reference=stored) == stored


def test_join_uses_the_zone_offset_of_that_day() -> None:
    assert join_when(date(2026, 7, 1), time(9, 0), all_day=False, zone="Europe/Berlin",
                     reference="2026-12-01T09:00:00+01:00") == "2026-07-01T09:00:00+02:00"


@pytest.mark.parametrize(("start", "end", "all_day", "text"), [
    ("2026-12-05T10:00:00+00:00", "2026-12-05T11:30:00+00:00", False, "Sat 5 Dec 2026, 10:00–11:30"),
    ("2026-12-12", None, True, "Sat 12 Dec 2026 (all day)"),
    (None, None, False, "no date"),
])
def test_describe_when(start, end, all_day, text) -> None:
    assert describe_when(start, end, all_day) == text


def test_ocr_highlight_marks_the_words_of_the_proposal() -> None:
    words = match_words({"title": "Winter Fair", "location": "St Mary's hall",
                         "start": "2026-12-05T14:00:00+00:00"})
    marked = highlight("WINTER FAIR <b>\nSat 5 December, 2pm\nSt Mary's Hall", words)
    assert "<mark>WINTER</mark> <mark>FAIR</mark> &lt;b&gt;" in marked
    assert "<mark>5</mark> <mark>December</mark>, <mark>2pm</mark>" in marked
    assert "<mark>Hall</mark>" in marked and "Mary" in marked


def test_queue_key_is_canonical() -> None:
    assert Filters(chat="a", order="confidence").key() == Filters(order="confidence", chat="a").key()
    assert Filters(status="pending").key() != Filters(status="all").key()


def test_voila_is_bound_to_localhost_with_a_token() -> None:
    command = voila_command(8123)
    assert "--Voila.ip=127.0.0.1" in command and "--Voila.auto_token=True" in command
    assert not any("token=" in part.lower() and "auto_token" not in part for part in command)
    assert str(NOTEBOOK) in command and "--no-browser" in command
    assert command[1:3] == ["-m", "toolkit.ui.review.page"]  # Voila with the page's fixes
    assert "--preheat_kernel=True" in command  # one kernel waits with the page drawn
    assert "--preheat_kernel=True" not in voila_command(8123, warm=False)


def test_the_page_template_loads_nothing_remote() -> None:
    """Voila's own page links Font Awesome from a CDN; the review page's template drops it."""
    from toolkit.ui.review.page import CONTENT_SECURITY_POLICY, jupyter_data_dir

    template = jupyter_data_dir() / "voila" / "templates" / "chatbook"
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    assert "cdn.jsdelivr.net" in (template / "index.html.j2").read_text()  # named, to be removed
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY


def test_notebook_parameters_are_typed_and_outputs_empty() -> None:
    params = nbparams.read_parameters(NOTEBOOK)
    assert params["status"].default == params["order"].default == ""  # "": as you left it
    assert {name: p.annotation for name, p in params.items()} == {
        "status": "str", "chat": "str", "min_confidence": "float", "since": "str",
        "until": "str", "order": "str", "reviewer": "str"}
    assert all(p.help for p in params.values())
    nb = json.loads(Path(NOTEBOOK).read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


# ------------------------------------------------------------------ image-derived proposals


def media_proposal(conn, settings: Settings, pg_conn) -> tuple[int, Path]:
    """A flyer image in ATTACHMENTS_DIR, its attachment + extraction in Postgres, a proposal."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(image).text((40, 40), "WINTER FAIR  Sat 5 December 2pm", fill="black")
    path = settings.attachments_dir / "ab" / "flyer.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    attachment_id = pg_conn.execute(
        "INSERT INTO attachments(message_id, chat, file_name, sha256, mime, size_bytes, path) "
        "VALUES (1, %s, 'flyer.jpg', 'ab12', 'image/jpeg', %s, 'ab/flyer.jpg') RETURNING id",
        (CHAT, path.stat().st_size)).fetchone()[0]
    extraction_id = pg_conn.execute(
        "INSERT INTO extractions(attachment_id, extractor, extractor_version, status, ocr_text, "
        "boxes) VALUES (%s, 'ocr', '1', 'done', %s, %s) RETURNING id",
        (attachment_id, "WINTER FAIR\nSat 5 December 2pm\nSt Mary's Hall",
         json.dumps([[[[40, 40], [200, 40], [200, 60], [40, 60]], "WINTER FAIR", 0.98]]))
    ).fetchone()[0]
    seeded = seed_review_queue(conn, [{
        "title": "Winter Fair", "start": "2026-12-05T14:00:00+00:00", "end": None,
        "all_day": 0, "tz": "Europe/London", "location": "St Mary's Hall",
        "confidence": 0.8, "message": 3, "extraction_id": extraction_id}])
    return seeded.ids[0], path


@pytest.mark.postgres
def test_image_proposal_shows_thumbnail_and_highlighted_ocr(media_settings) -> None:
    from toolkit.store import pg

    migrate_all(media_settings)
    pg_conn = pg.connect(media_settings)
    app = None
    try:
        from toolkit.store.connect import open_db

        conn = open_db(media_settings)
        pid, _ = media_proposal(conn, media_settings, pg_conn)
        conn.close()
        app = ReviewApp(media_settings, reviewer="alice")
        assert app.current["id"] == pid
        shown = app.media_html.value
        assert shown.count("data:image/jpeg;base64,") == 2  # thumbnail and enlarged view
        assert 'class="cb-image"' in shown and "Click to enlarge" in shown
        assert "<mark>WINTER</mark> <mark>FAIR</mark>" in shown and "<mark>Hall</mark>" in shown
        # The flyer sits above the conversation, not below it.
        left = app.main.children[0]
        assert left.children == (app.summary_html, app.media_html, app.messages_html)
        # Postgres gone: the proposal is still reviewable, the panel says why it has no image.
        down = load_settings({**media_settings.as_env(),
                              "MEDIA_DB_URL": "postgresql://nobody@127.0.0.1:1/none"})
        app.settings = down
        app.go_to(pid)
        assert "Image details unavailable" in app.media_html.value
        app.buttons["accept"].click()
        assert app.finished and "Accepted: “Winter Fair”" in app.message  # the only one: the end
    finally:
        pg_conn.close()
        if app is not None:
            app.conn.close()


def test_image_proposal_with_media_off_says_so(make_app, db_conn, seeded) -> None:
    db_conn.execute("UPDATE proposals SET extraction_id = 42 WHERE id = ?", (seeded.ids[0],))
    app = make_app()
    assert "media processing is off" in app.media_html.value
    assert "extraction 42" in app.media_html.value


def test_bulk_preview_leaves_out_unticked_rows(make_app, seeded, db_conn) -> None:
    app = make_app()
    app.open_bulk()
    app.bulk_threshold.value = 0.7
    assert [r["id"] for r in app.preview_bulk()] == [seeded.ids[0], seeded.ids[1], seeded.ids[3]]
    app.bulk_checks[1].value = False  # not the team photo
    assert app.bulk_confirm_button.description == "Accept these 2"
    app.bulk_confirm_button.click()
    assert [proposal_row(db_conn, i)["status"] for i in seeded.ids] == [
        "accepted", "pending", "pending", "accepted"]
    for check in app.bulk_checks:
        check.value = False
    app.preview_bulk()
    for check in app.bulk_checks:
        check.value = False
    assert app.bulk_confirm_button.disabled and app.bulk_confirm_button.description == "Accept these 0"


def test_undo_after_a_bulk_accept_reverts_the_whole_bulk(make_app, seeded, db_conn) -> None:
    app = make_app()
    key(app, "a")  # one decision of its own before the bulk
    app.open_bulk()
    app.bulk_threshold.value = 0.7
    app.preview_bulk()
    app.bulk_confirm_button.click()
    assert app.undo_stack == [[seeded.ids[0]], [seeded.ids[1], seeded.ids[3]]]
    key(app, "Backspace")
    assert [proposal_row(db_conn, i)["status"] for i in seeded.ids] == [
        "accepted", "pending", "pending", "pending"]
    assert app.message == "Undone: all 2 of that bulk accept are pending again."
    assert app.current["id"] == seeded.ids[1]  # the first of them, in queue order
    key(app, "Backspace")  # the next step back: the single accept
    assert proposal_row(db_conn, seeded.ids[0])["status"] == "pending"
    assert app.undo_stack == [] and app.buttons["undo"].disabled
    assert [a["action"] for a in audit_rows(db_conn, seeded.ids[3])] == ["accept", "undo"]


def test_undo_on_a_decided_one_shown_reverts_just_that_one(make_app, seeded, db_conn) -> None:
    app = make_app(status="all")
    app.open_bulk()
    app.bulk_threshold.value = 0.7
    app.preview_bulk()
    app.bulk_confirm_button.click()
    app.go_to(seeded.ids[2])
    key(app, "x")  # rejects the nativity rehearsal, the only one left pending
    app.go_to(seeded.ids[1])  # accepted in the bulk, not the newest step
    key(app, "u")
    assert [proposal_row(db_conn, i)["status"] for i in seeded.ids] == [
        "accepted", "pending", "rejected", "accepted"]
    assert app.undo_stack == [[seeded.ids[0], seeded.ids[3]], [seeded.ids[2]]]


def test_undo_leaves_alone_what_someone_else_decided_since(make_app, seeded, db_conn) -> None:
    alice, bob = make_app(), make_app(reviewer="bob")
    key(alice, "a")
    bob.go_to(seeded.ids[0])
    bob.status_filter.value = "all"
    bob.go_to(seeded.ids[0])
    bob.reason_field.value = "duplicate"
    bob.buttons["reject"].click()
    key(alice, "u")
    assert proposal_row(db_conn, seeded.ids[0])["status"] == "rejected"  # bob's stays
    assert "was changed by bob since, and was left alone" in alice.message


def test_old_undo_histories_of_plain_ids_still_load(settings, seeded, db_conn) -> None:
    from toolkit.store.review_state import save_state

    first = ReviewApp(settings, reviewer="alice")
    first.buttons["accept"].click()
    key_text = first.filters.key()
    first.close()
    save_state(db_conn, "alice", key_text, current_id=seeded.ids[1], queue=seeded.ids,
               undo=[seeded.ids[0]])  # as saved before undo groups existed
    again = ReviewApp(settings, reviewer="alice")
    try:
        assert again.undo_stack == [[seeded.ids[0]]]
        again.buttons["undo"].click()
        assert proposal_row(db_conn, seeded.ids[0])["status"] == "pending"
    finally:
        again.close()


# ------------------------------------------------------------------ the end of the queue


def test_deciding_the_last_pending_shows_the_end_and_keeps_it(make_app, seeded, db_conn) -> None:
    app = make_app()
    for name in ("a", "a", "x", " "):
        key(app, name)
    assert app.finished and app.current is None
    assert app.main.layout.display == "none" and app.empty_html.layout.display is None
    end = app.empty_html.value
    assert "Every proposal in this queue is decided" in end
    assert "4 here: 3 accepted, 1 rejected." in end
    assert "Accepted: “Christmas party”" in end  # the last decision, inside the end, not after
    assert app.banner.value == ""
    assert "All 4 in this queue decided" in app.progress_html.value
    assert 'style="width:100%"' in app.progress_html.value
    for name in ("a", "x", "s", "n", "e"):  # nothing to decide or skip at the end
        assert app.press(name) is False
    assert app.finished and "Every proposal in this queue is decided" in app.empty_html.value
    key(app, "ArrowLeft")  # back to the last one decided
    assert not app.finished and app.current["id"] == seeded.ids[3]
    assert app.current["status"] == "accepted"


def test_undo_at_the_end_goes_back_to_that_proposal(make_app, seeded, db_conn) -> None:
    app = make_app()
    for name in ("a", "a", "a", "a"):
        key(app, name)
    assert app.finished
    key(app, "Backspace")
    assert not app.finished and app.current["id"] == seeded.ids[3]
    assert app.current["status"] == "pending"
    assert app.message == "Undone: “Christmas party” is pending again."


def test_skip_on_a_decided_proposal_says_what_is_true(make_app, seeded, db_conn) -> None:
    app = make_app(status="all")
    key(app, "a")
    app.go_to(seeded.ids[0])
    key(app, "s")
    assert app.message == ("“U11 match at Riverside Park” is already accepted, so there is "
                           "nothing to skip; here is the next pending one.")
    assert app.current["id"] == seeded.ids[1]
    key(app, "s")
    assert app.message == "Skipped “Team photo”; it stays pending."


def test_skip_with_one_pending_left_says_so(make_app, seeded) -> None:
    app = make_app()
    for name in ("a", "a", "a"):
        key(app, name)
    key(app, "s")
    assert app.message == "“Christmas party” is the only pending proposal left in this queue."


def test_edited_banner_quotes_the_new_title(make_app, seeded) -> None:
    app = make_app()
    app.title_field.value = "U11 match (away kit)"
    key(app, "e")
    assert app.message.startswith("Edited: “U11 match (away kit)” (event #1).")


# ------------------------------------------------------------------ reading


def test_two_sources_close_together_share_one_conversation(make_app, seeded, db_conn) -> None:
    """Messages 3 and 5 both announce the match: their neighbours overlap and show once."""
    now = db.utc_now()
    db_conn.execute("INSERT INTO proposal_sources(proposal_id, message_id, created_at) "
                    "VALUES (?, ?, ?)", (seeded.ids[0], seeded.message_ids[4], now))
    app = make_app()
    shown = app.messages_html.value
    for text in ("fixtures for December", "Will the kit be washed", "Can someone bring oranges?",
                 "Christmas party 12 December"):
        assert shown.count(html.escape(text)) == 1, text
    assert shown.count('class="cb-msg cb-source"') == 2
    assert shown.count('class="cb-chatname"') == 1 and "Source messages" in shown


def test_sources_far_apart_are_kept_apart_by_a_gap(settings, db_conn) -> None:
    from review_data import MESSAGES

    chatter = [(CHAT, "Tom", f"2026-11-30T19:{m:02d}:00+00:00", f"chatter {m}") for m in range(20)]
    far = [(CHAT, "Sam", "2026-11-30T20:00:00+00:00", "Reminder: match Saturday 10am")]
    seeded = seed_review_queue(db_conn, messages=[*MESSAGES, *chatter, *far])
    db_conn.execute("INSERT INTO proposal_sources(proposal_id, message_id, created_at) "
                    "VALUES (?, ?, ?)", (seeded.ids[0], seeded.message_ids[-1], db.utc_now()))
    app = ReviewApp(settings, reviewer="alice")
    try:
        shown = app.messages_html.value
        assert shown.count('class="cb-gap"') == 1
        assert shown.index("kick-off 10am") < shown.index("cb-gap") < shown.index("Reminder: match")
        assert "chatter 10" not in shown  # between the two stretches: not shown
    finally:
        app.close()


def test_a_long_message_is_cut_and_wraps(settings, db_conn) -> None:
    from review_data import MESSAGES

    url = "https://example.org/" + "a" * 400
    lead = "Tournament details: "
    long_text = lead + ("lorem ipsum " * 400)[:4500 - len(lead) - len(url)] + url
    seeded = seed_review_queue(db_conn, messages=[*MESSAGES[:3], (CHAT, "Ana",
                               "2026-11-30T18:06:00+00:00", long_text), *MESSAGES[3:]])
    app = ReviewApp(settings, reviewer="alice")
    try:
        assert app.current["id"] == seeded.ids[0]
        shown = app.messages_html.value
        # A neighbour of 4,500 characters: the start, and the rest behind one click.
        assert "show all 4,500 characters" in shown and 'class="cb-more"' in shown
        assert html.escape(url[-50:]) in shown  # nothing lost: the rest is in the page
    finally:
        app.close()
    from toolkit.ui.review.keys import asset

    css = asset("review.css")
    assert "overflow-wrap: anywhere" in css.split(".chatbook-review .cb-text {")[1].split("}")[0]


@pytest.mark.parametrize(("proposal", "text"), [
    ({"start": "2026-07-05T10:00:00+01:00", "tz": "Europe/London"}, "Europe/London, BST"),
    ({"start": "2026-12-05T10:00:00+01:00", "tz": "Europe/Madrid"}, "Europe/Madrid, CET"),
    ({"start": "2026-12-05T10:00:00-05:00", "tz": None}, "UTC-05:00"),
    ({"start": "2026-12-05T10:00:00+00:00", "tz": None}, "UTC"),
    ({"start": "2026-12-05T10:00:00+00:00", "tz": "UTC"}, "UTC"),
])
def test_zone_text(proposal, text) -> None:
    from toolkit.ui.review.render import zone_text

    assert zone_text(proposal) == text


@pytest.mark.parametrize(("text", "day"), [
    ("Sat 5 Dec 2026", date(2026, 12, 5)), ("5 dec", date(2026, 12, 5)),
    ("Dec 5, 2026", date(2026, 12, 5)), ("2026-12-05", date(2026, 12, 5)),
    ("5/12/2026", date(2026, 12, 5)), ("5.12.26", date(2026, 12, 5)),
    ("5th December 2026", date(2026, 12, 5)), ("2026/12/05", date(2026, 12, 5)),
    ("", None),
])
def test_typed_days(text, day) -> None:
    from toolkit.ui.review.fields import parse_day_text

    assert parse_day_text(text, near=date(2026, 11, 30)) == day


@pytest.mark.parametrize(("text", "clock"), [
    ("14:30", time(14, 30)), ("2pm", time(14, 0)), ("2:30 pm", time(14, 30)),
    ("1430", time(14, 30)), ("930", time(9, 30)), ("9.30", time(9, 30)), ("14h30", time(14, 30)),
    ("12am", time(0, 0)), ("12pm", time(12, 0)), ("noon", time(12, 0)), ("", None),
])
def test_typed_times(text, clock) -> None:
    from toolkit.ui.review.fields import parse_clock_text

    assert parse_clock_text(text) == clock


def test_when_ago_reads_like_speech() -> None:
    from datetime import UTC, datetime

    from toolkit.ui.review.render import when_ago

    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert when_ago("2026-12-05T11:59:30+00:00", now) == "just now"
    assert when_ago("2026-12-05T11:55:00+00:00", now) == "5 minutes ago"
    assert when_ago("2026-12-05T11:59:00+00:00", now) == "1 minute ago"


# ------------------------------------------------------------------ reload


def test_a_reload_opens_the_filters_left_last(settings, seeded, db_conn) -> None:
    """The page (or a restarted kernel) builds a new app with no filters given: it opens the
    queue this reviewer used last, not the default one."""
    first = ReviewApp(settings, reviewer="alice")
    first.set_filters(chat=CHAT, order="confidence", since=date(2026, 12, 6))
    assert first.ids == [seeded.ids[3], seeded.ids[1]]
    first.close()
    again = ReviewApp(settings, reviewer="alice")
    other = ReviewApp(settings, reviewer="bob")
    asked = ReviewApp(settings, reviewer="alice", status="all")  # filters given: exactly those
    try:
        assert (again.filters.chat, again.filters.order) == (CHAT, "confidence")
        assert again.since_filter.value == "Sun 6 Dec 2026" and again.more_button.value
        assert (again.chat_filter.value, again.order_filter.value) == (CHAT, "confidence")
        assert again.ids == [seeded.ids[3], seeded.ids[1]]
        assert other.filters == Filters()
        assert asked.filters == Filters(status="all")
    finally:
        for app in (again, other, asked):
            app.close()


def test_a_page_drawn_later_shows_what_changed_since(settings, seeded, db_conn,
                                                     monkeypatch) -> None:
    """An app built ahead of its page (a kernel Voila keeps warm) records nothing until a page
    shows it, then catches up with what the reviewer did meanwhile."""
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    warm = ReviewApp(settings, reviewer="alice")
    assert db_conn.execute("SELECT count(*) FROM review_state").fetchone()[0] == 0
    monkeypatch.delenv("VOILA_PREHEAT")
    tab = ReviewApp(settings, reviewer="alice")
    tab.set_filters(order="confidence")
    key(tab, "n")
    shown = tab.current["id"]
    tab.close()
    warm.shortcuts._handle_custom_msg({"type": "ready"}, [])
    try:
        assert warm.filters.order == "confidence" and warm.current["id"] == shown
    finally:
        warm.close()


def test_the_filter_days_take_what_people_type(make_app, seeded) -> None:
    app = make_app()
    app.more_button.value = True
    app.since_filter.value = "7/12/2026"
    assert app.ids == [seeded.ids[2], seeded.ids[3]]
    assert app.since_filter.value == "Mon 7 Dec 2026"
    app.until_filter.value = "yesterday-ish"
    assert "To: cannot read 'yesterday-ish' as a day" in app.message
    assert app.ids == [seeded.ids[2], seeded.ids[3]]  # the queue stays as it was


def test_refresh_picks_up_new_chats_and_proposals(make_app, seeded, db_conn) -> None:
    app = make_app()
    db_conn.execute("INSERT INTO chats(name, created_at) VALUES ('Choir', '2026-11-01')")
    db_conn.execute("UPDATE proposals SET status = 'rejected' WHERE id = ?", (seeded.ids[2],))
    app.refresh_button.click()
    assert ("Choir", "Choir") in list(app.chat_filter.options)
    assert seeded.ids[2] not in app.ids
    assert "rejected <b>1</b>" in app.counts_html.value


def test_saved_queues_are_pruned_per_reviewer(db_conn) -> None:
    from toolkit.store.review_state import KEEP_QUEUES, save_state

    for n in range(KEEP_QUEUES + 5):
        save_state(db_conn, "alice", f"queue-{n}", current_id=None, queue=[], undo=[])
    save_state(db_conn, "bob", "queue-0", current_id=None, queue=[], undo=[])
    counts = dict(db_conn.execute(
        "SELECT reviewer, count(*) FROM review_state GROUP BY reviewer").fetchall())
    assert counts == {"alice": KEEP_QUEUES, "bob": 1}


def test_review_command_reports_a_busy_port(cli, db_conn) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("review", "--port", str(port), "--no-browser", timeout=90)
    assert result.returncode != 0
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "token=" not in result.stdout


@pytest.mark.kernel
def test_notebook_runs_with_papermill_parameters(settings, seeded, tmp_path, monkeypatch) -> None:
    import papermill

    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "05_review.out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
        parameters={"status": "all", "order": "confidence", "reviewer": "papermill",
                    "min_confidence": 0.7})
    nb = json.loads(out.read_text())
    shown = [o for c in nb["cells"] for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(shown) == 1
    conn = db.connect(settings.db_path, readonly=True)
    try:
        row = conn.execute("SELECT queue_key, current_id, queue FROM review_state "
                           "WHERE reviewer = 'papermill'").fetchone()
    finally:
        conn.close()
    key = json.loads(row["queue_key"])
    assert (key["status"], key["order"], key["min_confidence"]) == ("all", "confidence", 0.7)
    assert json.loads(row["queue"]) == [seeded.ids[3], seeded.ids[0], seeded.ids[1]]


def test_an_accepted_proposal_can_be_corrected_later(make_app, seeded, db_conn) -> None:
    app = make_app(status="all")
    app.buttons["accept"].click()
    app.go_to(seeded.ids[0])
    assert app.buttons["accept"].disabled and not app.buttons["edit_accept"].disabled
    app.buttons["edit_accept"].click()
    assert "Nothing changed" in app.message
    assert len(audit_rows(db_conn, seeded.ids[0])) == 1
    app.location_field.value = "Riverside Park, pitch 3"
    app.buttons["edit_accept"].click()
    row = proposal_row(db_conn, seeded.ids[0])
    assert (row["status"], row["location"]) == ("edited", "Riverside Park, pitch 3")
    event = db_conn.execute("SELECT location, sequence FROM events WHERE proposal_id = ?",
                            (seeded.ids[0],)).fetchone()
    assert event["location"] == "Riverside Park, pitch 3"


def test_close_releases_widgets_and_connection(settings, seeded) -> None:
    app = ReviewApp(settings, reviewer="alice")
    app.close()
    assert app.widget.comm is None and app.buttons["accept"].comm is None
    with pytest.raises(db.DatabaseError):
        app.conn.execute("SELECT 1")


def test_the_card_shows_what_a_later_message_changed(settings, db_conn) -> None:
    """A later message moves the match: the card says what changed, from what, and who said so;
    the zone line says where the zone came from."""
    from review_data import MESSAGES

    from toolkit.eventtypes import FoundEvent
    from toolkit.review import proposals

    moved_by = (CHAT, "Sam", "2026-11-30T18:20:00+00:00", "Update: Saturday's match moved to 11am")
    seeded = seed_review_queue(db_conn, messages=[*MESSAGES, moved_by])
    db_conn.execute("UPDATE chats SET tz_source = 'phones', tz_note = '3 of 3 numbers are +44'")
    with db.transaction(db_conn):
        outcome = proposals.record_event(db_conn, FoundEvent(
            title="U11 match at Riverside Park", start="2026-12-05T11:00:00+00:00", end=None,
            all_day=False, location=None, confidence=0.9, moved=True,
            previous_start="2026-12-05T10:00:00+00:00"), message_id=seeded.message_ids[-1],
            tz="Europe/London")
    assert (outcome.outcome, outcome.proposal_id) == ("moved", seeded.ids[0])
    app = ReviewApp(settings, reviewer="alice")
    try:
        card = html.unescape(re.sub(r"<[^>]+>", "", app.summary_html.value))
        assert "What changed since it was found" in card
        assert "Start: Sat 5 Dec 10:00 → Sat 5 Dec 11:00" in card
        assert "“Update: Saturday's match moved to 11am” (Sam, Mon 30 Nov 2026, 18:20)" in card
        assert "Sat 5 Dec 2026, 11:00" in card  # the when-line is the new time
        zone = html.unescape(re.sub(r"<[^>]+>", "", app.zone_html.value))
        assert zone == ("Times are in Europe/London, GMT — the chat's zone, from its members' "
                        "phone numbers (3 of 3 numbers are +44)")
    finally:
        app.close()
