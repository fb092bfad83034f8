"""One chat stays one chat across re-exports (issue #13), on the real SQLite store.

Each test imports minimal exports like the ones the issue quotes: the same chat without and
with media, before and after an edit or a deletion, from Android and from an iPhone, under a
new name, with its day/month order guessed wrong and fixed, with phone-number authors written
with odd spaces; folders that hold several exports; and a store made before message identity
existed.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from toolkit.ingest.importer import ingest_paths
from toolkit.store import db, history

ANDROID_HEAD = "14/03/2024, 09:58 - Messages and calls are end-to-end encrypted.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rows(conn: db.Connection, chat: str | None = None) -> list[tuple]:
    sql = ("SELECT m.sent_at, m.author, m.text, m.kind, m.media, m.attachment_sha256 IS NOT NULL, "
           "m.edited FROM messages m JOIN chats c ON c.id = m.chat_id")
    params: tuple = ()
    if chat is not None:
        sql += " WHERE c.name = ?"
        params = (chat,)
    return [tuple(r) for r in conn.execute(sql + " ORDER BY m.sent_at, m.id", params)]


def fts_hits(conn: db.Connection, word: str) -> int:
    return int(conn.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?",
                            (word,)).fetchone()[0])


def count(conn: db.Connection, sql: str, *args) -> int:
    return int(conn.execute(sql, args).fetchone()[0])


# ---------------------------------------------------------------------------- media


def test_media_omitted_then_file_attached_is_one_message_that_gains_its_file(settings, db_conn,
                                                                             tmp_path):
    without = write(tmp_path / "a" / "WhatsApp Chat with Team.txt", ANDROID_HEAD
                    + "14/03/2024, 10:00 - Ana: Photo of the pitch\n"
                    "14/03/2024, 10:01 - Ana: <Media omitted>\n"
                    "14/03/2024, 10:02 - Ben: Thanks!\n")
    first = ingest_paths(settings, [without])
    assert first.ok and first.added == 4
    photo = b"\x89PNG\r\n\x1a\n" + b"pitch" * 100
    with_media = tmp_path / "b" / "WhatsApp Chat with Team.zip"
    with_media.parent.mkdir()
    with zipfile.ZipFile(with_media, "w") as archive:
        archive.writestr("WhatsApp Chat with Team.txt", ANDROID_HEAD
                         + "14/03/2024, 10:00 - Ana: Photo of the pitch\n"
                         "14/03/2024, 10:01 - Ana: IMG-20240314-WA0001.jpg (file attached)\n"
                         "14/03/2024, 10:02 - Ben: Thanks!\n"
                         "14/03/2024, 10:05 - Ben: See you Saturday\n")
        archive.writestr("IMG-20240314-WA0001.jpg", photo)
    second = ingest_paths(settings, [with_media])
    assert second.ok, second.summary()
    result = second.files[0]
    assert (result.added, result.duplicates, result.media_linked) == (1, 4, 1)
    media = [r for r in rows(db_conn) if r[3] == "media"]
    assert media == [("2024-03-14T10:01:00", "Ana", "IMG-20240314-WA0001.jpg (file attached)",
                      "media", "IMG-20240314-WA0001.jpg", 1, 0)]
    assert count(db_conn, "SELECT count(*) FROM messages") == 5
    assert fts_hits(db_conn, "WA0001") == 1, "the row's new text is what search finds"
    # and the older export again changes nothing: the file stays linked
    again = ingest_paths(settings, [without])
    assert (again.added, again.files[0].media_linked) == (0, 0)
    assert [r for r in rows(db_conn) if r[3] == "media"] == media


# ---------------------------------------------------------------------------- edits


def test_an_edit_updates_the_row_and_keeps_the_earlier_text_in_history(settings, db_conn,
                                                                       tmp_path):
    before = write(tmp_path / "1" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
                   + "14/03/2024, 10:00 - Noah: Meet at 5pm\n"
                   "14/03/2024, 10:01 - Ana: ok\n")
    after = write(tmp_path / "2" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
                  + "14/03/2024, 10:00 - Noah: Meet at 6pm <This message was edited>\n"
                  "14/03/2024, 10:01 - Ana: ok\n"
                  "14/03/2024, 10:30 - Ana: See you there\n")
    assert ingest_paths(settings, [before]).added == 3
    report = ingest_paths(settings, [after])
    assert (report.added, report.files[0].edited) == (1, 1), report.summary()
    assert "1 edited" in report.summary()
    noah = db_conn.execute("SELECT id, text, edited FROM messages WHERE author = 'Noah'").fetchall()
    assert [(r["text"], r["edited"]) for r in noah] == [("Meet at 6pm", 1)]
    earlier = history.versions(db_conn, noah[0]["id"])
    assert [(v["text"], v["reason"]) for v in earlier] == [("Meet at 5pm", "edited")]
    assert fts_hits(db_conn, "6pm") == 1 and fts_hits(db_conn, "5pm") == 0
    # the older export again is an older version, not a second message
    again = ingest_paths(settings, [before])
    assert (again.added, again.files[0].older) == (0, 1)
    assert count(db_conn, "SELECT count(*) FROM messages WHERE author = 'Noah'") == 1
    assert len(history.versions(db_conn, noah[0]["id"])) == 1


def write_edited_training(folder: Path) -> None:
    """Two exports of one chat: `1` before Noah edited his message, `2` after."""
    write(folder / "1" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: Training moves to Riverside\n")
    write(folder / "2" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: Training moves to Hillside <This message was edited>\n")


def test_earlier_versions_are_searched_only_when_asked(settings, db_conn, tmp_path):
    from toolkit.store import messages

    write_edited_training(tmp_path)
    ingest_paths(settings, [tmp_path / "1"])
    ingest_paths(settings, [tmp_path / "2"])
    plain = messages.search_filters(["text"], chat_id=None, author=None, since=None, until=None)
    asked = messages.search_filters(["text"], chat_id=None, author=None, since=None, until=None,
                                    history=True)
    assert messages.keyword_ranked(db_conn, ["riverside"], plain, 10) == []
    found = messages.keyword_ranked(db_conn, ["riverside"], asked, 10)
    assert [db_conn.execute("SELECT text FROM messages WHERE id = ?", (r[0],)).fetchone()[0]
            for r in found] == ["Training moves to Hillside"]
    assert messages.substring_matches(db_conn, "Riverside", plain, 10) == []
    assert len(messages.substring_matches(db_conn, "Riverside", asked, 10)) == 1


def test_search_history_flag_finds_a_message_by_its_earlier_text(settings, cli, tmp_path):
    write_edited_training(tmp_path)
    assert cli("ingest", str(tmp_path / "1")).returncode == 0
    assert cli("ingest", str(tmp_path / "2")).returncode == 0
    plain = cli("search", "Riverside", "--mode", "keyword", "--json")
    asked = cli("search", "Riverside", "--mode", "keyword", "--history", "--json")
    assert plain.returncode == 0 and json.loads(plain.stdout) == [], plain.stdout + plain.stderr
    hits = json.loads(asked.stdout)
    assert [hit["text"] for hit in hits] == ["Training moves to Hillside"], asked.stdout


def test_a_later_export_seen_first_then_the_older_one(settings, db_conn, tmp_path):
    """Exports imported out of order: the older text becomes history, not a message."""
    write(tmp_path / "new" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: Meet at 6pm <This message was edited>\n")
    write(tmp_path / "old" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: Meet at 5pm\n")
    ingest_paths(settings, [tmp_path / "new"])
    report = ingest_paths(settings, [tmp_path / "old"])
    assert (report.added, report.files[0].older) == (0, 1)
    noah = db_conn.execute("SELECT id, text FROM messages WHERE author = 'Noah'").fetchall()
    assert [r["text"] for r in noah] == ["Meet at 6pm"]
    assert [v["text"] for v in history.versions(db_conn, noah[0]["id"])] == ["Meet at 5pm"]


# ---------------------------------------------------------------------------- deletions


def test_a_later_deletion_marks_the_row_and_takes_its_text_out_of_search(settings, db_conn,
                                                                         tmp_path):
    write(tmp_path / "1" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: the door code is 4711\n"
          "14/03/2024, 10:02 - Ana: thanks\n")
    write(tmp_path / "2" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: This message was deleted\n"
          "14/03/2024, 10:02 - Ana: thanks\n")
    ingest_paths(settings, [tmp_path / "1"])
    assert fts_hits(db_conn, "4711") == 1
    report = ingest_paths(settings, [tmp_path / "2"])
    assert (report.added, report.files[0].deleted) == (0, 1)
    noah = db_conn.execute("SELECT id, text, kind FROM messages WHERE author = 'Noah'").fetchall()
    assert [(r["text"], r["kind"]) for r in noah] == [("This message was deleted", "deleted")]
    assert fts_hits(db_conn, "4711") == 0
    assert fts_hits(db_conn, "door") == 0
    versions = history.versions(db_conn, noah[0]["id"])
    assert [(v["text"], v["reason"]) for v in versions] == [("the door code is 4711", "deleted")]
    # deleted text is never searchable, not even when history is asked for
    from toolkit.store import messages

    asked = messages.search_filters(["text", "deleted"], chat_id=None, author=None, since=None,
                                    until=None, history=True)
    assert messages.keyword_ranked(db_conn, ["4711"], asked, 10) == []
    # re-importing the first export does not bring the text back
    ingest_paths(settings, [tmp_path / "1"])
    assert fts_hits(db_conn, "4711") == 0
    assert count(db_conn, "SELECT count(*) FROM messages") == 3


@pytest.mark.slow
def test_edited_and_deleted_messages_lose_their_stale_vectors(settings, tmp_path):
    """With the real embedding model: vectors of a text a message no longer has go."""
    from toolkit.search.embed import embed_new
    from toolkit.store import vectors

    write(tmp_path / "1" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: the door code is 4711 for the gym\n"
          "14/03/2024, 10:01 - Noah: Meet at 5pm by the north gate\n"
          "14/03/2024, 10:02 - Ana: thanks, see you at the match\n")
    write(tmp_path / "2" / "WhatsApp Chat with Club.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - Noah: This message was deleted\n"
          "14/03/2024, 10:01 - Noah: Meet at 6pm by the north gate <This message was edited>\n"
          "14/03/2024, 10:02 - Ana: thanks, see you at the match\n")
    ingest_paths(settings, [tmp_path / "1"])
    embed_new(settings)
    conn = db.connect(settings.db_path)
    ids = {r["text"]: r["id"] for r in conn.execute("SELECT id, text FROM messages")}
    before = vectors.embedded_at(settings.vdb_path, list(ids.values()))
    assert len(before) == 3
    ingest_paths(settings, [tmp_path / "2"])
    after = vectors.embedded_at(settings.vdb_path, list(ids.values()))
    assert set(after) == {ids["thanks, see you at the match"]}
    conn.close()


# ---------------------------------------------------------------------------- platforms


ANDROID_EXPORT = ANDROID_HEAD + (
    "14/03/2024, 10:00 - Ana: Who can drive on Saturday?\n"
    "14/03/2024, 10:01 - +44 7700 900123: I can take three\n"
    "14/03/2024, 10:01 - Ana: <Media omitted>\n"
    "14/03/2024, 10:03 - Ben: Great, thanks\n"
    "14/03/2024, 10:03 - Ben: ok\n"
    "14/03/2024, 10:03 - Ben: ok\n"
)
IOS_EXPORT = (
    "[14/03/2024, 09:58:01] Team: \u200eMessages and calls are end-to-end encrypted.\n"
    "[14/03/2024, 10:00:12] Ana: Who can drive on Saturday?\n"
    "[14/03/2024, 10:01:40] \u202a+44\u00a07700\u00a0900123\u202c: I can take three\n"
    "[14/03/2024, 10:01:55] Ana: \u200eimage omitted\n"
    "[14/03/2024, 10:03:02] Ben: Great, thanks\n"
    "[14/03/2024, 10:03:20] Ben: ok\n"
    "[14/03/2024, 10:03:41] Ben: ok\n"
    "[14/03/2024, 10:09:00] Ana: Lovely\n"
)


def test_the_same_chat_from_android_and_ios_is_one_chat(settings, db_conn, tmp_path):
    android = write(tmp_path / "android" / "WhatsApp Chat with Team.txt", ANDROID_EXPORT)
    ios = tmp_path / "ios" / "WhatsApp Chat - Team.zip"
    ios.parent.mkdir()
    with zipfile.ZipFile(ios, "w") as archive:
        archive.writestr("_chat.txt", IOS_EXPORT)
    assert ingest_paths(settings, [android]).added == 7
    report = ingest_paths(settings, [ios])
    assert report.ok, report.summary()
    assert (report.added, report.files[0].duplicates) == (1, 7)
    assert count(db_conn, "SELECT count(*) FROM chats") == 1
    assert count(db_conn, "SELECT count(*) FROM messages") == 8
    assert count(db_conn, "SELECT count(*) FROM messages WHERE text = 'ok'") == 2


FAMILY_TEXTS = ["Who is bringing the cake?", "I can bring plates", "Lunch at one then",
                "Parking is behind the church", "See you all Sunday", "Don't forget the candles",
                "Traffic is bad on the bridge", "We are ten minutes away"]


def family_export(names: dict[str, str], ios: bool, extra: list[tuple[str, str]] = (),
                  rounds: int = 2) -> str:
    """The same messages of a family chat, as one member's phone names people."""
    people = ["ana", "ben", "mum", "priya"]
    lines = []
    for n, text in enumerate(FAMILY_TEXTS * rounds):
        who = names[people[n % 4]]
        hour, minute = 9 + n // 6, (n % 6) * 7
        hour, day = hour % 24, 15 + hour // 24
        if ios:
            lines.append(f"[{day}/03/2024, {hour:02d}:{minute:02d}:{n % 50 + 3:02d}] {who}: "
                         f"{text} ({n})")
        else:
            lines.append(f"{day}/03/2024, {hour:02d}:{minute:02d} - {who}: {text} ({n})")
    for n, (person, text) in enumerate(extra):
        lines.append(f"[20/03/2024, 10:{n:02d}:00] {names[person]}: {text}" if ios
                     else f"20/03/2024, 10:{n:02d} - {names[person]}: {text}")
    return "\n".join(lines) + "\n"


def test_two_phones_naming_people_differently_are_one_chat(settings, db_conn, tmp_path):
    """Ana's Android phone and Ben's iPhone export the family chat; each names the others as
    its own contacts do. Their messages are matched person by person, and what only Ben's
    export has is stored under the names the chat already uses."""
    ana = {"ana": "Ana", "ben": "Ben Smith", "mum": "Mum", "priya": "+44 7700 900123"}
    ben = {"ana": "Ana García", "ben": "Ben", "mum": "Grandma", "priya": "Priya"}
    write(tmp_path / "a" / "WhatsApp Chat with Family.txt", family_export(ana, ios=False))
    ios = tmp_path / "b" / "WhatsApp Chat - Family.zip"
    ios.parent.mkdir()
    with zipfile.ZipFile(ios, "w") as archive:
        archive.writestr("_chat.txt", family_export(ben, ios=True, extra=[
            ("mum", "Happy birthday darling"), ("ben", "Thanks for coming everyone")]))
    assert ingest_paths(settings, [tmp_path / "a"]).added == 16
    report = ingest_paths(settings, [ios])
    assert report.ok and report.added == 2, report.summary()
    assert report.files[0].renamed == {"Ana García": "Ana", "Ben": "Ben Smith", "Grandma": "Mum",
                                       "Priya": "+44 7700 900123"}
    assert "'Grandma' is 'Mum' in this chat" in report.summary()
    authors = {r[0]: r[1] for r in db_conn.execute(
        "SELECT text, author FROM messages WHERE text IN ('Happy birthday darling', "
        "'Thanks for coming everyone')")}
    assert authors == {"Happy birthday darling": "Mum", "Thanks for coming everyone": "Ben Smith"}
    assert count(db_conn, "SELECT count(*) FROM messages") == 18


def test_a_renamed_chat_from_another_phone_is_merged_with_its_people(settings, db_conn,
                                                                    tmp_path):
    ana = {"ana": "Ana", "ben": "Ben Smith", "mum": "Mum", "priya": "+44 7700 900123"}
    ben = {"ana": "Ana García", "ben": "Ben", "mum": "Grandma", "priya": "Priya"}
    write(tmp_path / "a" / "WhatsApp Chat with Family.txt", family_export(ana, False, rounds=6))
    write(tmp_path / "b" / "WhatsApp Chat with Smith Family.txt",
          family_export(ben, False, [("mum", "Happy birthday darling")], rounds=6))
    ingest_paths(settings, [tmp_path / "a"])
    report = ingest_paths(settings, [tmp_path / "b"])
    assert report.files[0].merged_into == "Family", report.summary()
    assert "'Grandma' is 'Mum' there" in report.summary()
    assert [r[0] for r in db_conn.execute("SELECT name FROM chats")] == ["Family"]
    assert count(db_conn, "SELECT count(*) FROM messages") == 49
    assert db_conn.execute("SELECT author FROM messages WHERE text = 'Happy birthday darling'"
                           ).fetchone()[0] == "Mum"


def test_phone_number_authors_are_one_author_kept_as_written(settings, db_conn, tmp_path):
    from toolkit.store import messages

    write(tmp_path / "WhatsApp Chat with Team.txt", ANDROID_HEAD
          + "14/03/2024, 10:00 - +44 7700 900123: plain spaces\n"
          "14/03/2024, 10:01 - \u202a+44\u00a07700\u00a0900123\u202c: no-break spaces\n"
          "14/03/2024, 10:02 - +44\u202f7700-900123: narrow space and a dash\n"
          "14/03/2024, 10:03 - Ana: someone else\n")
    ingest_paths(settings, [tmp_path])
    keys = {r[0] for r in db_conn.execute(
        "SELECT author_key FROM messages WHERE text <> 'someone else' AND author IS NOT NULL")}
    assert keys == {"+447700900123"}
    # what was written stays for display
    assert "+44\u00a07700\u00a0900123" in {r[0] for r in db_conn.execute(
        "SELECT author FROM messages")}
    for typed in ("+44 7700 900123", "+447700900123", "+44 (7700) 900-123"):
        filters = messages.search_filters(["text"], chat_id=None, author=typed, since=None,
                                          until=None)
        assert len(list(messages.ids_passing(db_conn, filters))) == 3, typed
    filters = messages.search_filters(["text"], chat_id=None, author="ana", since=None,
                                      until=None)
    assert len(list(messages.ids_passing(db_conn, filters))) == 1


# ---------------------------------------------------------------------------- merging


def club_export(name: str, lines: int, start_day: int = 1, offset: int = 0) -> str:
    """`lines` distinct messages of a chat, one every ten minutes from day `start_day`."""
    out = [f"{start_day:02d}/03/2024, 08:00 - Messages and calls are end-to-end encrypted.\n"]
    for n in range(offset, offset + lines):
        day, minute = start_day + n // 60, (n % 60) * 10
        out.append(f"{day:02d}/03/2024, {8 + minute // 60:02d}:{minute % 60:02d} - "
                   f"{['Ana', 'Ben', 'Cleo'][n % 3]}: message number {n} about the {name} "
                   f"fixtures\n")
    return "".join(out)


def test_a_renamed_chat_is_merged_when_the_overlap_makes_it_certain(settings, db_conn, tmp_path):
    old = write(tmp_path / "old" / "WhatsApp Chat with U10 Parents.txt",
                club_export("club", 120))
    new = write(tmp_path / "new" / "WhatsApp Chat with Riverside U10.txt",
                club_export("club", 150))
    ingest_paths(settings, [old])
    report = ingest_paths(settings, [new])
    assert report.ok, report.summary()
    result = report.files[0]
    assert result.merged_into == "U10 Parents" and result.chat == "U10 Parents"
    assert "merged 'Riverside U10' into 'U10 Parents'" in report.summary()
    assert [r[0] for r in db_conn.execute("SELECT name FROM chats")] == ["U10 Parents"]
    assert count(db_conn, "SELECT count(*) FROM messages WHERE kind = 'text'") == 150
    # the next export under the new name goes to the same chat
    newer = write(tmp_path / "newer" / "WhatsApp Chat with Riverside U10.txt",
                  club_export("club", 160))
    again = ingest_paths(settings, [newer])
    assert (again.files[0].chat, again.added) == ("U10 Parents", 10)


def test_chats_that_merely_share_members_are_not_merged(settings, db_conn, tmp_path):
    a = write(tmp_path / "a" / "WhatsApp Chat with Choir.txt", club_export("choir", 120))
    b = write(tmp_path / "b" / "WhatsApp Chat with Football.txt", club_export("football", 120))
    # a few identical greetings at the same minutes are not evidence enough
    greeting = "".join(f"{d:02d}/03/2024, 20:00 - Ana: Good night all\n" for d in range(2, 5))
    a.write_text(a.read_text() + greeting)
    b.write_text(b.read_text() + greeting)
    ingest_paths(settings, [a, b])
    assert sorted(r[0] for r in db_conn.execute("SELECT name FROM chats")) == ["Choir", "Football"]


def test_chats_merge_by_hand_folds_duplicates_and_keeps_references(settings, db_conn, tmp_path,
                                                                  cli):
    a = write(tmp_path / "a" / "WhatsApp Chat with Team.txt", ANDROID_EXPORT)
    b = write(tmp_path / "b" / "WhatsApp Chat with Team B.txt",
              IOS_EXPORT.replace("] Team:", "] Team B:"))
    ingest_paths(settings, [a])
    ingest_paths(settings, [b], chat="Team B")  # a name given on purpose is never auto-merged
    assert count(db_conn, "SELECT count(*) FROM chats") == 2
    drive = db_conn.execute("SELECT m.id FROM messages m JOIN chats c ON c.id = m.chat_id "
                            "WHERE c.name = 'Team B' AND text LIKE 'Who can drive%'").fetchone()[0]
    now = db.utc_now()
    with db.transaction(db_conn):  # a proposal found in the chat about to be merged
        proposal = db_conn.execute(
            "INSERT INTO proposals (title, start, dedupe_key, source_message_id, created_at, "
            "updated_at) VALUES ('Match', '2024-03-16T10:00:00', 'match', ?, ?, ?)",
            (drive, now, now)).lastrowid
        db_conn.execute("INSERT INTO proposal_sources (proposal_id, message_id, created_at) "
                        "VALUES (?, ?, ?)", (proposal, drive, now))
    done = cli("chats", "merge", "Team", "Team B", "--json")
    assert done.returncode == 0, done.stderr
    note = json.loads(done.stdout)
    assert (note["into"], note["merged"], note["folded"], note["moved"]) == ("Team", "Team B", 7, 1)
    assert [r[0] for r in db_conn.execute("SELECT name FROM chats")] == ["Team"]
    assert count(db_conn, "SELECT count(*) FROM messages") == 8
    kept = db_conn.execute("SELECT id FROM messages WHERE text LIKE 'Who can drive%'").fetchone()[0]
    assert kept != drive, "the row of the chat that stays is kept"
    assert count(db_conn, "SELECT count(*) FROM proposal_sources WHERE message_id = ?", kept) == 1
    assert count(db_conn, "SELECT count(*) FROM proposals WHERE source_message_id = ?", kept) == 1
    # the merged name now leads to the chat it joined
    again = cli("ingest", str(b))
    assert again.returncode == 0 and "Team: 0 new" in again.stdout, again.stdout + again.stderr
    unknown = cli("chats", "merge", "Team", "Nope")
    assert unknown.returncode != 0 and "no chat named 'Nope'" in unknown.stderr


# ---------------------------------------------------------------------------- dates


# Messages on the 5th of four months: the day never changes and the month does, so the parser
# guesses month/day (the field that changes more often is taken for the day): wrongly.
AMBIGUOUS = (
    "05/01/2024, 09:58 - Messages and calls are end-to-end encrypted.\n"
    "05/01/2024, 10:00 - Ana: first\n"
    "05/02/2024, 10:00 - Ana: second\n"
    "05/03/2024, 10:00 - Ana: third\n"
    "05/04/2024, 10:00 - Ana: fourth\n"
)


def test_fixing_a_wrong_date_order_redates_the_rows_in_place(settings, db_conn, tmp_path):
    export = write(tmp_path / "WhatsApp Chat with Dates.txt", AMBIGUOUS)
    first = ingest_paths(settings, [export])
    guessed = first.files[0].date_order
    assert first.added == 5 and guessed == "mdy"  # a guess, and a wrong one
    stored = [r[0] for r in db_conn.execute("SELECT sent_at FROM messages ORDER BY id")]
    assert stored[1:] == ["2024-05-01T10:00:00", "2024-05-02T10:00:00", "2024-05-03T10:00:00",
                          "2024-05-04T10:00:00"]
    fixed = ingest_paths(settings, [export], date_order="dmy")
    assert fixed.ok and fixed.added == 0 and fixed.files[0].redated == 5, fixed.summary()
    assert [r[0] for r in db_conn.execute("SELECT sent_at FROM messages ORDER BY id")][1:] == [
        "2024-01-05T10:00:00", "2024-02-05T10:00:00", "2024-03-05T10:00:00",
        "2024-04-05T10:00:00"]
    assert count(db_conn, "SELECT count(*) FROM messages") == 5
    assert db_conn.execute("SELECT date_order FROM chats").fetchone()[0] == "dmy"
    # the UTC times follow the local ones
    assert [r[0] for r in db_conn.execute("SELECT sent_at_utc FROM messages ORDER BY id")][1] \
        == "2024-01-05T10:00:00+00:00"
    # an export whose own dates decide keeps them: nothing else moves
    decided = write(tmp_path / "later" / "WhatsApp Chat with Dates.txt", AMBIGUOUS
                    + "13/05/2024, 10:00 - Ana: fifth\n")
    again = ingest_paths(settings, [decided])
    assert (again.added, again.files[0].redated) == (1, 0)


def test_a_decisive_export_fixes_the_guessed_one_before_it(settings, db_conn, tmp_path):
    export = write(tmp_path / "old" / "WhatsApp Chat with Dates.txt", AMBIGUOUS)
    ingest_paths(settings, [export])  # guessed mdy, wrongly
    later = write(tmp_path / "new" / "WhatsApp Chat with Dates.txt",
                  AMBIGUOUS + "13/05/2024, 10:00 - Ana: fifth\n")
    report = ingest_paths(settings, [later])
    assert report.ok and (report.added, report.files[0].redated) == (1, 5), report.summary()
    assert [r[0] for r in db_conn.execute("SELECT text FROM messages ORDER BY sent_at")][1:] == [
        "first", "second", "third", "fourth", "fifth"]


def test_giving_the_zone_later_retimes_in_place(settings, db_conn, tmp_path):
    export = write(tmp_path / "WhatsApp Chat with Zone.txt", ANDROID_HEAD
                   + "14/07/2024, 10:00 - Ana: summer\n")
    ingest_paths(settings, [export], tz="UTC")
    ingest_paths(settings, [export], tz="Europe/Madrid")
    assert [tuple(r) for r in db_conn.execute(
        "SELECT sent_at, sent_at_utc FROM messages WHERE text = 'summer'")] == [
        ("2024-07-14T10:00:00", "2024-07-14T08:00:00+00:00")]
    assert count(db_conn, "SELECT count(*) FROM messages") == 2
    assert count(db_conn, "SELECT count(*) FROM etl_cursors WHERE name LIKE 'retime:%'") == 0


# ---------------------------------------------------------------------------- language


def test_ingest_records_the_chats_language(settings, db_conn, tmp_path):
    spanish = "".join(f"14/03/2024, 10:{n:02d} - Ana: {text}\n" for n, text in enumerate([
        "Hola a todos, ¿quién puede llevar a los niños el sábado?",
        "Yo puedo llevar a tres niños en mi coche",
        "Muchas gracias, nos vemos en el campo a las diez",
        "¿Alguien sabe si el partido es en casa o fuera?",
        "Es en casa, en el polideportivo municipal",
    ] * 5))
    write(tmp_path / "WhatsApp Chat with Padres.txt", ANDROID_HEAD + spanish)
    report = ingest_paths(settings, [tmp_path])
    assert report.files[0].lang == "es"
    assert db_conn.execute("SELECT lang FROM chats").fetchone()[0] == "es"
