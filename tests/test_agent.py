"""Agent drafts: confirmations in the chat's language, changes and cancellations after a message
was sent, weekly digests per chat, draft -> sent."""

from __future__ import annotations

import pytest
from events_data import add_chat, add_message, found, record

from toolkit.errors import InputError
from toolkit.review import agent, proposals


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Added: Bake sale, Sat 17 May 10:00-13:00, school gym"),
        ("es", "Añadido: Bake sale, sáb 17 may 10:00-13:00, school gym"),
        ("de", "Eingetragen: Bake sale, Sa 17. Mai 10:00-13:00, school gym"),
        ("fr", "Ajouté: Bake sale, sam. 17 mai 10:00-13:00, school gym"),
        ("pt", "Adicionado: Bake sale, sáb 17 mai 10:00-13:00, school gym"),
    ],
)
def test_confirmation_is_drafted_in_the_chat_language(db_conn, lang, expected):
    chat = add_chat(db_conn, f"Chat {lang}", lang=lang)
    pid = record(db_conn, found(), add_message(db_conn, chat, "bake sale")).proposal_id
    event_id = proposals.accept(db_conn, pid, reviewer="ana", expected_version=1)
    [draft] = agent.list_messages(db_conn)
    assert (draft["kind"], draft["lang"], draft["status"], draft["event_id"]) == (
        "confirmation", lang, "draft", event_id)
    assert draft["body"] == expected and draft["chat"] == f"Chat {lang}"


@pytest.mark.parametrize(
    ("start", "end", "all_day", "tz", "lang", "expected"),
    [
        ("2025-05-17", None, True, None, "en", "Sat 17 May"),
        ("2025-05-16", "2025-05-18", True, None, "de", "Fr 16. Mai - So 18. Mai"),
        ("2025-05-17T09:00:00+00:00", None, False, "Europe/Madrid", "es", "sáb 17 may 11:00"),
        ("2025-12-31T22:00:00+00:00", "2026-01-01T01:00:00+00:00", False, "UTC", "fr",
         "mer. 31 déc. 22:00 - jeu. 1 janv. 01:00"),
        ("2025-08-02T18:30:00-03:00", "2025-08-02T20:00:00-03:00", False, "America/Sao_Paulo", "pt",
         "sáb 2 ago 18:30-20:00"),
        ("2025-05-17T10:00:00+01:00", None, False, None, "xx", "Sat 17 May 10:00"),
    ],
)
def test_format_when(start, end, all_day, tz, lang, expected):
    assert agent.format_when(start, end, all_day, tz, lang) == expected


def test_language_is_detected_when_the_chat_has_none(db_conn):
    """Ingest records no language: the drafts detect it from the chat's own messages."""
    chat = add_chat(db_conn, "Familia", lang=None)
    for text in ["Hola a todos, ¿quién puede llevar a los niños mañana?",
                 "Yo puedo llevarlos, salimos a las cinco de la tarde",
                 "Perfecto, muchas gracias por la ayuda"]:
        message = add_message(db_conn, chat, text)
    pid = record(db_conn, found(), message).proposal_id
    proposals.accept(db_conn, pid, reviewer="ana", expected_version=1)
    assert agent.list_messages(db_conn)[0]["lang"] == "es"
    assert db_conn.execute("SELECT lang FROM chats WHERE id = ?", (chat,)).fetchone()[0] == "es"


def test_each_chat_gets_one_draft_and_it_follows_the_event(db_conn):
    school = add_chat(db_conn, "School", lang="en")
    club = add_chat(db_conn, "Club", lang="de")
    pid = record(db_conn, found(), add_message(db_conn, school, "x")).proposal_id
    record(db_conn, found(), add_message(db_conn, club, "y"))
    proposals.accept(db_conn, pid, reviewer="ana", expected_version=1)
    drafts = agent.list_messages(db_conn)
    assert [(d["chat"], d["body"].split(":")[0]) for d in drafts] == [("School", "Added"),
                                                                       ("Club", "Eingetragen")]
    # editing before anything was sent updates the drafts in place
    proposals.accept(db_conn, pid, reviewer="ana", expected_version=2, changes={"location": "Hall"})
    drafts = agent.list_messages(db_conn)
    assert len(drafts) == 2 and all(d["body"].endswith(", Hall") for d in drafts)
    assert drafts[0]["body"].startswith("Added:")


def test_a_chat_mentioning_an_accepted_event_later_gets_its_draft(db_conn):
    school = add_chat(db_conn, "School", lang="en")
    club = add_chat(db_conn, "Club", lang="fr")
    pid = record(db_conn, found(), add_message(db_conn, school, "x")).proposal_id
    proposals.accept(db_conn, pid, reviewer="ana", expected_version=1)
    agent.mark_sent(db_conn, agent.list_messages(db_conn)[0]["id"])
    assert record(db_conn, found(), add_message(db_conn, club, "y")).outcome == "merged"
    [draft] = agent.list_messages(db_conn)
    assert (draft["chat"], draft["body"]) == (
        "Club", "Ajouté: Bake sale, sam. 17 mai 10:00-13:00, school gym")


def test_after_sending_an_edit_drafts_a_change_and_a_reject_a_cancellation(db_conn, tmp_path):
    chat = add_chat(db_conn, "School", lang="en")
    pid = record(db_conn, found(), add_message(db_conn, chat, "x")).proposal_id
    proposals.accept(db_conn, pid, reviewer="ana", expected_version=1)
    [sent] = agent.list_messages(db_conn)
    assert agent.mark_sent(db_conn, sent["id"])["status"] == "sent"
    assert agent.mark_sent(db_conn, sent["id"])["sent_at"] is not None  # idempotent
    assert agent.list_messages(db_conn) == []

    proposals.accept(db_conn, pid, reviewer="ana", expected_version=2,
                     changes={"start": "2025-05-17T11:00", "end": "2025-05-17T14:00"})
    [change] = agent.list_messages(db_conn)
    assert change["body"] == "Changed: Bake sale, Sat 17 May 11:00-14:00, school gym"

    # undoing the edit returns to what was sent: no draft needed any more
    proposals.undo(db_conn, pid, reviewer="ana")
    assert agent.list_messages(db_conn) == []

    version = proposals.get_proposal(db_conn, pid)["version"]
    proposals.reject(db_conn, pid, reviewer="ana", expected_version=version, reason="called off")
    [cancel] = agent.list_messages(db_conn)
    assert (cancel["kind"], cancel["body"]) == (
        "cancellation", "Cancelled: Bake sale, Sat 17 May 10:00-13:00, school gym")


def test_weekly_digest_one_per_chat(db_conn):
    school = add_chat(db_conn, "School", lang="en")
    club = add_chat(db_conn, "Verein", lang="de", tz="Europe/Berlin")
    specs = [
        (school, found("Bake sale")),                                                  # W20
        (school, found("Sports day", "2025-05-14", None, all_day=True, location=None)),  # W20
        (club, found("Training", "2025-05-13T18:00:00+02:00", None, location="Platz")),  # W20
        (school, found("Book fair", "2025-05-21T15:00:00+01:00", None)),                # W21
    ]
    for chat, event in specs:
        tz = "Europe/Berlin" if chat == club else "Europe/London"
        pid = record(db_conn, event, add_message(db_conn, chat, event.title), tz=tz).proposal_id
        proposals.accept(db_conn, pid, reviewer="ana", expected_version=1)
    pending = record(db_conn, found("Quiz", "2025-05-15T19:00:00+01:00", None),
                     add_message(db_conn, school, "quiz"))
    assert pending.outcome == "created"  # pending proposals are not in any digest

    digests = agent.weekly_digests(db_conn, "2025-W20")
    assert [(d["chat"], d["period"], d["kind"], d["status"]) for d in digests] == [
        ("School", "2025-W20", "digest", "draft"), ("Verein", "2025-W20", "digest", "draft")]
    assert digests[0]["body"] == (
        "This week (Mon 12 May - Sun 18 May):\n"
        "- Sports day, Wed 14 May\n"
        "- Bake sale, Sat 17 May 10:00-13:00, school gym")
    assert digests[1]["body"] == (
        "Diese Woche (Mo 12. Mai - So 18. Mai):\n- Training, Di 13. Mai 18:00, Platz")

    again = agent.weekly_digests(db_conn, "2025-W20")
    assert [d["id"] for d in again] == [d["id"] for d in digests]  # updated, not duplicated
    agent.mark_sent(db_conn, digests[0]["id"])
    assert agent.weekly_digests(db_conn, "2025-W20")[0]["status"] == "sent"
    assert agent.weekly_digests(db_conn, "2030-W01") == []


@pytest.mark.parametrize("week", ["2025-20", "W20", "2025-W54", "2025-W00"])
def test_bad_week_is_refused(db_conn, week):
    with pytest.raises(InputError, match="week"):
        agent.weekly_digests(db_conn, week)


def test_mark_sent_unknown_id(db_conn):
    with pytest.raises(InputError, match="no agent message with id 7"):
        agent.mark_sent(db_conn, 7)
