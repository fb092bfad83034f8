"""The WhatsApp export parser: every header shape, kinds, day/month order, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.ingest.whatsapp import Message, parse_file, parse_text

# Every test here runs with the compiled inner loop and with the pure-Python one.
pytestmark = pytest.mark.usefixtures("parser_loop")

LRM, RLM, NNBSP, NBSP = "\u200e", "\u200f", "\u202f", "\u00a0"


def parse(text: str, **kwargs) -> list[Message]:
    return list(parse_text(text, **kwargs))


# ---------------------------------------------------------------------------- header shapes
# Each header reads 13 September 2024, 19:58 (and :03 seconds where the shape has seconds);
# the 13 decides the day/month order on its own.
HEADERS = [
    ("android en-GB", "13/09/2024, 19:58 - ", "2024-09-13T19:58:00"),
    ("android en-US 12h NNBSP", f"9/13/24, 7:58{NNBSP}PM - ", "2024-09-13T19:58:00"),
    ("android en-US 12h space", "9/13/24, 7:58 PM - ", "2024-09-13T19:58:00"),
    ("android lower am/pm", "13/09/2024, 7:58 pm - ", "2024-09-13T19:58:00"),
    ("android a.m. dots", "13/09/2024, 7:58 p.m. - ", "2024-09-13T19:58:00"),
    ("android es p. m. NBSP", f"13/9/24, 7:58{NNBSP}p.{NBSP}m. - ", "2024-09-13T19:58:00"),
    ("android es p. m. spaces", "13/9/24, 7:58 p. m. - ", "2024-09-13T19:58:00"),
    ("android de nachm.", "13.09.24, 7:58 nachm. - ", "2024-09-13T19:58:00"),
    ("android de dotted 24h", "13.9.24, 19:58 - ", "2024-09-13T19:58:00"),
    ("dashed D-M-Y", "13-09-2024 19:58 - ", "2024-09-13T19:58:00"),
    ("Y-M-D", "2024-09-13, 19:58 - ", "2024-09-13T19:58:00"),
    ("Y/M/D no comma", "2024/09/13 19:58 - ", "2024-09-13T19:58:00"),
    ("finnish klo dotted time", "13.9.2024 klo 19.58 - ", "2024-09-13T19:58:00"),
    ("colon separator", "13/09/2024, 19:58: ", "2024-09-13T19:58:00"),
    ("en dash", "13/09/2024, 19:58 – ", "2024-09-13T19:58:00"),
    ("ios en-US", f"[9/13/24, 7:58:03{NNBSP}PM] ", "2024-09-13T19:58:03"),
    ("ios en-US LRM", f"{LRM}[9/13/24, 7:58:03{NNBSP}PM] ", "2024-09-13T19:58:03"),
    ("ios en-GB", "[13/09/2024, 19:58:03] ", "2024-09-13T19:58:03"),
    ("ios de dotted seconds", "[13.09.24, 19:58:03] ", "2024-09-13T19:58:03"),
    ("ios H.mm.ss", "[13.09.24 19.58.03] ", "2024-09-13T19:58:03"),
    ("ios no seconds", "[13/09/2024, 19:58] ", "2024-09-13T19:58:00"),
    ("arabic after, comma", "13/09/2024، 7:58 م - ", "2024-09-13T19:58:00"),
    ("arabic RLM marks", "13\u200f/9\u200f/2024، 7:58 م - ", "2024-09-13T19:58:00"),
    ("korean before", "2024. 9. 13. 오후 7:58 - ", "2024-09-13T19:58:00"),
    ("chinese before", "2024/9/13 下午7:58 - ", "2024-09-13T19:58:00"),
    ("japanese before", "2024/09/13 午後7:58 - ", "2024-09-13T19:58:00"),
    ("greek", "13/9/2024, 7:58 μ.μ. - ", "2024-09-13T19:58:00"),
]


@pytest.mark.parametrize(("name", "header", "sent_at"), HEADERS, ids=[h[0] for h in HEADERS])
def test_every_header_shape(name, header, sent_at):
    text = f"{header}Ana Lima: see you at 10\n{header}Ben: ok 👍\n"
    messages = parse(text)
    assert [(m.sent_at, m.author, m.text, m.kind) for m in messages] == [
        (sent_at, "Ana Lima", "see you at 10", "text"),
        (sent_at, "Ben", "ok 👍", "text"),
    ]
    assert [m.line for m in messages] == [1, 2]


@pytest.mark.parametrize(("header", "expected"), [
    ("13/09/2024, 12:05 AM - ", "00:05:00"),
    ("13/09/2024, 12:05 PM - ", "12:05:00"),
    ("13/09/2024, 1:05 AM - ", "01:05:00"),
    ("13/09/2024, 11:59 PM - ", "23:59:00"),
    ("2024/9/13 上午12:30 - ", "00:30:00"),
    ("13/09/2024، 12:10 ص - ", "00:10:00"),
    ("13.09.24, 12:10 vorm. - ", "00:10:00"),
])
def test_twelve_hour_clock_edges(header, expected):
    assert parse(f"{header}A: x\n")[0].sent_at.endswith(expected)


def test_bom_crlf_and_marks_are_export_artefacts():
    text = (f"\ufeff{LRM}[9/13/24, 7:58:03{NNBSP}PM] {LRM}Coach Mike{LRM}: {LRM}Hi all\r\n"
            f"[9/14/24, 9:00:00{NNBSP}AM] \u202a+1 555 0100\u202c: second line\r\nmore\r\n")
    messages = parse(text)
    assert [(m.author, m.text) for m in messages] == [
        ("Coach Mike", "Hi all"), ("+1 555 0100", "second line\nmore")]


def test_file_with_bom_and_crlf(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_bytes("\ufeff13/09/2024, 19:58 - A: one\r\ntwo\r\n14/09/2024, 08:00 - B: three\r\n"
                     .encode())
    messages = list(parse_file(path))
    assert [(m.text, m.line) for m in messages] == [("one\ntwo", 1), ("three", 3)]


def test_utf16_export(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_bytes("13/09/2024, 19:58 - Ana: olá\n".encode("utf-16"))
    assert [m.text for m in parse_file(path)] == ["olá"]


# ---------------------------------------------------------------------------- multi-line bodies


def test_multiline_kept_exactly_with_pasted_foreign_header():
    text = (
        "13/09/2024, 19:58 - Sarah: Copied from the newsletter:\n"
        "[08/10/2024, 09:15:02] Office: flu jabs on Monday\n"
        "\n"
        "  indented line   \n"
        "14/09/2024 10:00 no dash here\n"
        "14/09/2024, 10:01 - Tom: thanks\n"
    )
    messages = parse(text)
    assert len(messages) == 2
    assert messages[0].text == ("Copied from the newsletter:\n[08/10/2024, 09:15:02] Office: flu "
                                "jabs on Monday\n\n  indented line   \n14/09/2024 10:00 no dash here")
    assert messages[1].line == 6


def test_ios_file_keeps_pasted_android_line_as_text():
    text = ("[9/13/24, 7:58:03 PM] Dana: From the league:\n"
            "14/10/2024, 18:00 - League: fields closed\n"
            "[9/13/24, 8:00:00 PM] Kev: ok\n")
    messages = parse(text)
    assert [m.author for m in messages] == ["Dana", "Kev"]
    assert messages[0].text.endswith("14/10/2024, 18:00 - League: fields closed")


def test_text_is_not_normalised():
    decomposed = "Jose\u0301 cafe\u0301 ﬁne"
    assert parse(f"13/09/2024, 19:58 - A: {decomposed}\n")[0].text == decomposed


def test_long_file_crosses_chunk_boundaries(monkeypatch):
    import toolkit.ingest.whatsapp as whatsapp

    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", 64)
    body = "\n".join(f"line {i} of a long message" for i in range(20))
    text = "".join(f"13/09/2024, 19:{m:02d} - A: {body}\n" for m in range(30))
    messages = parse(text)
    assert len(messages) == 30 and all(m.text == body for m in messages)
    assert [m.line for m in messages][:3] == [1, 21, 41]


# ---------------------------------------------------------------------------- kinds
KINDS = [
    ("<Media omitted>", "media", None, False),
    ("image omitted", "media", None, False),
    (f"{LRM}video omitted", "media", None, False),
    (f"{LRM}<attached: 00000012-PHOTO-2024-09-13-19-58-03.jpg>", "media",
     "00000012-PHOTO-2024-09-13-19-58-03.jpg", False),
    ("IMG-20230102-WA0001.jpg (file attached)", "media", "IMG-20230102-WA0001.jpg", False),
    ("IMG-20230102-WA0001.jpg (file attached)\nflyer for Saturday", "media",
     "IMG-20230102-WA0001.jpg", False),
    ("IMG-20240921-WA0004.jpg (archivo adjunto)", "media", "IMG-20240921-WA0004.jpg", False),
    ("IMG-20241014-WA0003.jpg (Datei angehängt)", "media", "IMG-20241014-WA0003.jpg", False),
    ("PTT-20241014-WA0003.opus (fichier joint)", "media", "PTT-20241014-WA0003.opus", False),
    ("DOC-1.pdf (arquivo anexado)", "media", "DOC-1.pdf", False),
    (f"Trip form.pdf • {LRM}2 pages {LRM}<attached: 00000045-Trip form.pdf>", "media",
     "00000045-Trip form.pdf", False),
    ("Protokoll.pdf • 3 Seiten <Anhang: Protokoll.pdf>", "media", "Protokoll.pdf", False),
    ("<Multimedia omitido>", "media", None, False),
    ("<Medien ausgeschlossen>", "media", None, False),
    ("This message was deleted", "deleted", None, False),
    (f"{LRM}This message was deleted.", "deleted", None, False),
    ("You deleted this message", "deleted", None, False),
    ("Se eliminó este mensaje", "deleted", None, False),
    ("Diese Nachricht wurde gelöscht.", "deleted", None, False),
    ("Vous avez supprimé ce message", "deleted", None, False),
    ("see you at 5 <This message was edited>", "text", None, True),
    (f"see you at 5 {LRM}<This message was edited>", "text", None, True),
    ("hasta luego <Se editó este mensaje.>", "text", None, True),
    ("bis später <Diese Nachricht wurde bearbeitet.>", "text", None, True),
    ("POLL:\nWho drives?\nOPTION: Me (2 votes)\nOPTION: You (0 votes)", "poll", None, False),
    ("ENCUESTA:\n¿Quién?\nOPCIÓN: Yo (1 voto)", "poll", None, False),
    ("location: https://maps.google.com/?q=51.5,-0.12", "location", None, False),
    (f"{LRM}Location: https://maps.google.com/?q=41.8,-87.6", "location", None, False),
    ("Standort: https://maps.google.com/?q=50.0,8.2", "location", None, False),
    ("Live location shared", "location", None, False),
    ("Sarah Thompson.vcf (file attached)", "contact", "Sarah Thompson.vcf", False),
    ("Lisa Chen.vcf <attached: 00000081-Lisa Chen.vcf>", "contact", "00000081-Lisa Chen.vcf",
     False),
    (f"{LRM}Contact card omitted", "contact", None, False),
    ("<View once voice message omitted>", "view_once", None, False),
    ("Missed voice call", "call", None, False),
    (f"{LRM}Missed video call, {LRM}Tap to call back", "call", None, False),
    ("Verpasster Sprachanruf", "call", None, False),
    # iOS without media: a document keeps its title; old iOS; Arabic between guillemets
    (f"Schedule.pdf • {LRM}2 pages {LRM}document omitted", "media", "Schedule.pdf", False),
    ("Notes.docx \u200edocument omitted", "media", "Notes.docx", False),
    ("2013-08-06-PHOTO-00000006.jpg <attached>", "media", "2013-08-06-PHOTO-00000006.jpg",
     False),
    ("‹المُرفق: 00000012-PHOTO-2024-09-13-19-58-03.jpg›", "media",
     "00000012-PHOTO-2024-09-13-19-58-03.jpg", False),
    ("<прикреплено: 00000013-AUDIO-2024-09-13.opus>", "media", "00000013-AUDIO-2024-09-13.opus",
     False),
    ("IMG-20240913-WA0002.jpg (файл добавлен)", "media", "IMG-20240913-WA0002.jpg", False),
    ("IMG-20240913-WA0002.jpg (dosya ekli)", "media", "IMG-20240913-WA0002.jpg", False),
    ("sticker omitted", "media", None, False),
    ("GIF omitted", "media", None, False),
    ("audio omitted", "media", None, False),
    ("<Video message omitted>", "media", None, False),
    ("Sticker weggelassen", "media", None, False),
    ("<Media weggelaten>", "media", None, False),
    ("изображение отсутствует", "media", None, False),
    ("画像は含まれていません", "media", None, False),
    ("<Media omitted>\nthe flyer for Saturday", "media", None, False),
    ("This message was deleted by admin", "deleted", None, False),
    ("Данное сообщение удалено", "deleted", None, False),
    ("Bu mesaj silindi", "deleted", None, False),
    ("Dit bericht is verwijderd.", "deleted", None, False),
    ("Chiamata vocale persa", "call", None, False),
    ("부재중 영상통화", "call", None, False),
    ("ok <Dit bericht is bewerkt>", "text", None, True),
    ("PEILING:\nWie rijdt?\nOPTIE: Ik (2 stemmen)\nOPTIE: Jij (0 stemmen)", "poll", None,
     False),
    ("ОПРОС:\nКто?\nВАРИАНТ: Я (1 голос)\nВАРИАНТ: Ты (0 голосов)", "poll", None, False),
    ("местоположение: https://maps.google.com/?q=55.7,37.6", "location", None, False),
    ("Riverside Park (Mill Lane): https://foursquare.com/v/4b5c6d", "location", None, False),
    ("Agenda:\nitem one\nNote: bring kit (2 bags)", "text", None, False),  # no poll: case
    ("the Word document omitted", "text", None, False),
    ("Tom left", "text", None, False),  # a person writing about Tom, not a system line
    ("I attached the form (see above)", "text", None, False),
    ("<3 you all", "text", None, False),
]


@pytest.mark.parametrize(("body", "kind", "media", "edited"), KINDS,
                         ids=[f"{k[1]}-{i}" for i, k in enumerate(KINDS)])
@pytest.mark.parametrize("platform", ["android", "ios"])
def test_kinds(platform, body, kind, media, edited):
    header = "13/09/2024, 19:58 - " if platform == "android" else "[13/09/2024, 19:58:03] "
    # a plain message first: the author is then known, and the line takes the fast path
    first, message = parse(f"{header}Ana: hello\n{header}Ana: {body}\n")
    assert first.kind == "text"
    if platform == "android" and "document omitted" in body:
        kind, media = "text", None  # iOS writes it; on Android it is someone's text
    assert (message.kind, message.media, message.edited) == (kind, media, edited)
    assert message.author == "Ana"
    if edited:
        assert "<" not in message.text and not message.text.endswith(" ")


@pytest.mark.parametrize(("body", "placeholder", "caption"), [
    ("<Media omitted>", "media_omitted", None),
    ("<Multimedia omitido>\nel cartel", "media_omitted", "el cartel"),
    ("image omitted", "image_omitted", None),
    ("IMG-20230102-WA0001.jpg (file attached)\nflyer for Saturday", "attached",
     "flyer for Saturday"),
    (f"Schedule.pdf • {LRM}2 pages {LRM}document omitted", "document_omitted", None),
    ("Contact card omitted", "contact_omitted", None),
    ("You deleted this message", "deleted_by_you", None),
    ("Se eliminó este mensaje", "deleted", None),
    ("Missed video call", "missed_video_call", None),
    ("<View once voice message omitted>", "view_once_omitted", None),
    ("POLL:\nWho drives?\nOPTION: Me (2 votes)\nOPTION: You (0 votes)", "poll", None),
    ("Live location shared", "live_location", None),
    ("location: https://maps.google.com/?q=51.5,-0.12", "location", None),
    ("see you at 5", None, None),
])
def test_placeholder_is_named_without_its_language(body, placeholder, caption):
    [message] = parse(f"[13/09/2024, 19:58:03] Ana: {body}\n")
    assert (message.placeholder, message.caption) == (placeholder, caption)


@pytest.mark.parametrize("line", ["Ana:", "Ana: ", f"{LRM}Ana:"])
def test_an_empty_body_is_the_authors_empty_message(line):
    """Issue #13: "Ana:" with nothing after it was a system message with author null."""
    messages = parse(f"13/09/2024, 19:58 - Ana: hi\n13/09/2024, 19:59 - {line}\n"
                     "13/09/2024, 20:00 - Ben: ok\n")
    assert [(m.author, m.text, m.kind) for m in messages] == [
        ("Ana", "hi", "text"), ("Ana", "", "text"), ("Ben", "ok", "text")]


def test_an_empty_body_from_a_new_author_is_theirs():
    [message] = parse("[13/09/2024, 19:58:03] Zoë:\n")
    assert (message.author, message.text, message.kind) == ("Zoë", "", "text")


# ---------------------------------------------------------------------------- header-shaped lines


def test_a_header_shaped_line_under_a_message_is_one_of_its_lines():
    """Issue #13: the pasted line split Noah's message and became a system message."""
    text = ("14/03/2024, 10:05 - Ana: Morning\n"
            "14/03/2024, 10:06 - Noah: Agenda:\n"
            "13/03/2024, 09:00 - kickoff\n"
            "(old slot)\n"
            "14/03/2024, 10:07 - Ana: thanks\n")
    messages = parse(text)
    assert [(m.author, m.text, m.kind, m.line) for m in messages] == [
        ("Ana", "Morning", "text", 1),
        ("Noah", "Agenda:\n13/03/2024, 09:00 - kickoff\n(old slot)", "text", 2),
        ("Ana", "thanks", "text", 5)]


@pytest.mark.parametrize(("before", "line", "merged"), [
    # no author part, earlier time, the line before ends with ":" -> a line of it
    ("Agenda:", "13/03/2024, 09:00 - kickoff", True),
    # no author part, earlier time, unknown text (the line before is no list head)
    ("Old plan", "13/03/2024, 09:00 - kickoff", True),
    # no author part, a list head, unknown text, in order
    ("Agenda:", "14/03/2024, 11:00 - standup", True),
    # even a system text we know, pasted under a list head from earlier
    ("Pasted:", "13/03/2024, 09:00 - Sarah added Tom", True),
    # a system message we know, in order: a message, even under a list head
    ("Agenda:", "14/03/2024, 10:07 - Sarah added Tom", False),
    # unknown text in order, no list head: one vote short, a message
    ("Morning all", "14/03/2024, 10:07 - standup", False),
    # an author the chat knows speaks: a message, whatever the time
    ("Agenda:", "13/03/2024, 09:00 - Ana: kickoff", False),
    # an unknown author part needs all three: earlier, list head, unknown text
    ("Agenda:", "13/03/2024, 09:00 - Office: flu jabs", True),
    ("Old plan", "13/03/2024, 09:00 - Office: flu jabs", False),
    ("Agenda:", "14/03/2024, 10:07 - Zoe: hi", False),
])
def test_continuation_votes(before, line, merged):
    text = (f"14/03/2024, 10:05 - Ana: Morning\n14/03/2024, 10:06 - Noah: {before}\n{line}\n"
            "14/03/2024, 10:08 - Ana: thanks\n")
    messages = parse(text)
    if merged:
        assert [m.author for m in messages] == ["Ana", "Noah", "Ana"]
        assert messages[1].text == f"{before}\n{line}"
    else:
        assert len(messages) == 4 and messages[1].text == before


def test_continuation_lines_chain_and_keep_line_numbers(monkeypatch):
    import toolkit.ingest.whatsapp as whatsapp

    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", 16)  # every line its own chunk
    text = ("14/03/2024, 10:06 - Noah: Times:\n"
            "12/03/2024, 09:00 - kickoff\n"
            "13/03/2024, 09:00 - review\n"
            "14/03/2024, 10:09 - Ana: ok\n")
    messages = parse(text)
    assert [(m.author, m.line) for m in messages] == [("Noah", 1), ("Ana", 4)]
    assert messages[0].text.splitlines()[1:] == ["12/03/2024, 09:00 - kickoff",
                                                 "13/03/2024, 09:00 - review"]


SYSTEM_ANDROID = [
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more.",
    "Sarah created group \"Year 4\"",
    "Sarah added Tom",
    "Tom left",
    "Sarah changed the subject from \"Y4\" to \"Year 4: parents\"",
    "Sarah changed this group's icon",
    "Tom's security code changed. Tap to learn more.",
    "Papá añadió a Mamá",
    "Anna Schulz hat die Gruppe verlassen",
]


@pytest.mark.parametrize("text", SYSTEM_ANDROID)
def test_android_system_lines_have_no_author(text):
    [message] = parse(f"13/09/2024, 19:58 - {text}\n")
    assert (message.kind, message.author, message.text) == ("system", None, text)


@pytest.mark.parametrize(("slot", "text"), [
    ("Riverside FC U10", f"{LRM}Coach Mike added Dana"),
    ("Riverside FC U10", "Coach Mike added Dana"),  # old exports without marks: the slot is the chat
    ("Kevin Brooks", f"{LRM}Kevin Brooks left"),
    ("Kevin Brooks", "Kevin Brooks left"),  # the actor fills the slot and starts the text
    ("Coach Mike", "Messages and calls are end-to-end encrypted."),
    ("Coach Mike", f"{LRM}Coach Mike changed the group description"),
    ("Lisa", "Your security code with Tom changed. Tap to learn more."),
])
def test_ios_system_lines_classified_by_text(slot, text):
    [message] = parse(f"[9/13/24, 7:58:03 PM] {slot}: {text}\n", chat_name="Riverside FC U10")
    assert (message.kind, message.author, message.text) == ("system", None, text.lstrip(LRM))


# ---------------------------------------------------------------------------- day/month order


@pytest.mark.parametrize(("dates", "order", "reason"), [
    (["13/01/2024", "14/01/2024"], "dmy", "above 12"),
    (["01/13/2024", "01/14/2024"], "mdy", "above 12"),
    (["2024-01-02", "2024-01-03"], "ymd", "year"),
    (["10/01/2024", "02/02/2024"], "dmy", "first field decreases"),  # 10 Jan -> 2 Feb
    (["01/10/2024", "02/02/2024"], "mdy", "second field decreases"),  # Jan 10 -> Feb 2
    (["01/02/2024", "02/02/2024", "03/02/2024", "03/03/2024"], "dmy", "changes more often"),
    (["02/01/2024", "02/02/2024", "02/03/2024", "03/03/2024"], "mdy", "changes more often"),
    (["05/05/2024"], "dmy", "ambiguous"),
    (["10/01/2024", "02/02/2024", "12/31/2024"], "mdy", "above 12"),
    (["13/01/2024", "14/01/2024", "01/15/2024"], "dmy", "above 12"),
])
def test_date_order_inferred_from_whole_file(dates, order, reason):
    text = "".join(f"{d}, 10:00 - A: hi\n" for d in dates)
    parser = parse_text(text)
    if dates[-1] == "01/15/2024":
        # an export whose fields contradict each other: the bad date is named with its line
        with pytest.raises(InputError) as error:
            list(parser)
        assert error.value.line == 3 and "01/15/2024" in str(error.value)
        return
    list(parser)
    assert parser.format.date_order == order
    assert reason in parser.format.date_order_reason


def test_date_order_decided_late_in_file():
    text = "".join(f"0{m}/0{d}/2024, 10:00 - A: hi\n" for m in range(1, 4) for d in range(1, 9))
    text += "04/20/2024, 10:00 - A: the deciding date\n"
    parser = parse_text(text)
    messages = list(parser)
    assert parser.format.date_order == "mdy"
    assert messages[1].sent_at == "2024-01-02T10:00:00"


@pytest.mark.parametrize(("forced", "sent_at"), [("dmy", "2024-02-01"), ("mdy", "2024-01-02")])
def test_date_order_forced(forced, sent_at):
    parser = parse_text("01/02/2024, 10:00 - A: hi\n", date_order=forced)
    assert list(parser)[0].sent_at.startswith(sent_at)
    assert parser.format.date_order_reason == "given"


# ---------------------------------------------------------------------------- bad input


def test_times_with_seconds_in_runs_of_plain_messages():
    """The common path reads a time with seconds by its hour and minute (looked up once) and
    its seconds: the same minute again, another second of it, both halves of the day."""
    clocks = ["12:00:59 AM", "12:00:00 AM", "12:00:59 AM", "7:58:03 PM", "7:58:04 PM",
              "12:30:15 PM", "7:58:03 AM", "11:59:59 PM"]
    text = "".join(f"[9/13/24, {clock.replace(' ', NNBSP)}] Ana: message {n}\n"
                   for n, clock in enumerate(clocks))
    assert [m.sent_at[11:] for m in parse(text)] == [
        "00:00:59", "00:00:00", "00:00:59", "19:58:03", "19:58:04", "12:30:15", "07:58:03",
        "23:59:59"]
    dotted = "[13.09.24 19.58.03] Ana: a\n[13.09.24 19.58.41] Ana: b\n[13.09.24 7.05.09] Ana: c\n"
    assert [m.sent_at[11:] for m in parse(dotted)] == ["19:58:03", "19:58:41", "07:05:09"]


def test_times_with_seconds_across_chunks_cut_nothing(monkeypatch):
    """Messages that go on across chunk ends, in a shape with seconds: none is marked cut."""
    import toolkit.ingest.whatsapp as whatsapp

    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", 64)
    text = "".join(f"[13/09/2024, 19:{n % 60:02d}:{n % 47:02d}] Ana Lima: line {n}\nmore {n}\n"
                   for n in range(200))
    parser = parse_text(text)
    messages = list(parser)
    assert len(messages) == 200
    assert not any(m.cut for m in messages)
    assert parser.format.cut_lines == []
    assert [m.text for m in messages[:2]] == ["line 0\nmore 0", "line 1\nmore 1"]


@pytest.mark.parametrize(("content", "line"), [
    (b"[13/09/2024, 19:58:03] A: hi\n[13/09/2024, 19:58:60] A: bad second\n", 2),
    (b"[13/09/2024, 19:58:03] A: hi\n[13/09/2024, 19:58:07] A: ok\n"
     b"[13/09/2024, 19:58:99] A: bad second\n", 3),
    (b"[13/09/2024, 19:58:03] A: hi\n[13/09/2024, 24:58:07] A: bad hour\n", 2),
])
def test_an_invalid_time_with_seconds_is_an_error_at_its_line(tmp_path, content, line):
    path = tmp_path / "export.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        list(parse_file(path))
    assert "invalid time" in str(error.value)
    assert error.value.line == line


@pytest.mark.parametrize(("content", "message", "line"), [
    (b"", "empty", None),
    (b"\n\n  \n", "empty", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary", None),
    (b"<!DOCTYPE html>\n<html><body><p>WhatsApp</p></body></html>\n", "no line looks like", 1),
    (b"Shopping list\nmilk\neggs\n", "no line looks like", 1),
    (b"Notes\n13/09/2024, 19:58 - A: hi\n", "first line is not a message header", 1),
    (b"13/09/2024, 19:58 - A: hi\n\xff\xfe broken\n", "not UTF-8", 2),
    (b"13/09/2024, 19:58 - A: hi\n" * 3000 + b"13/09/2024, 19:58 - A: caf\xe9\n", "not UTF-8",
     3001),
    (b"13/09/2024, 19:58 - A: hi\n31/02/2024, 10:00 - A: bad day\n", "invalid date", 2),
    (b"13/09/2024, 19:58 - A: hi\n13/09/2024, 25:61 - A: bad time\n", "invalid time", 2),
])
def test_not_a_chat_gets_a_clear_error(tmp_path, content, message, line):
    path = tmp_path / "export.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        list(parse_file(path))
    assert message in str(error.value)
    assert error.value.path == str(path)
    if line is not None:
        assert error.value.line == line


def test_endless_line_is_cut_and_the_rest_imported(tmp_path, monkeypatch):
    import toolkit.ingest.whatsapp as whatsapp

    monkeypatch.setattr(whatsapp, "MAX_LINE_CHARS", 1000)
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", 300)
    path = tmp_path / "chat.txt"
    path.write_text("13/09/2024, 19:58 - A: hi\n13/09/2024, 19:59 - A: " + "x" * 50_000
                    + "\nsecond line\n13/09/2024, 20:00 - B: after\n")
    parser = parse_file(path)
    messages = list(parser)
    assert [(m.author, m.line, m.cut) for m in messages] == [
        ("A", 1, False), ("A", 2, True), ("B", 4, False)]
    long = messages[1]
    assert long.text.startswith("xxx") and long.text.endswith("\nsecond line")
    assert 1000 <= len(long.text) <= 1000 + 300 + len("\nsecond line")
    assert parser.format.cut_lines == [2]
    assert parser.format.as_dict()["cut_lines"] == [2]


def test_endless_message_is_cut_and_the_rest_imported(tmp_path, monkeypatch):
    import toolkit.ingest.whatsapp as whatsapp

    monkeypatch.setattr(whatsapp, "MAX_MESSAGE_CHARS", 5000)
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", 300)
    path = tmp_path / "chat.txt"
    path.write_text("13/09/2024, 19:58 - A: hi\n13/09/2024, 19:59 - A: start\n"
                    + "not a header\n" * 1000 + "13/09/2024, 20:00 - B: after\n")
    messages = list(parse_file(path))
    assert [(m.author, m.line, m.cut) for m in messages] == [
        ("A", 1, False), ("A", 2, True), ("B", 1003, False)]
    assert len(messages[1].text) <= 5000 and messages[1].text.startswith("start\nnot a header")


def test_a_five_megabyte_message_does_not_reject_the_export(tmp_path):
    """Issue #13: one pasted 5 MB message used to reject the whole file."""
    import toolkit.ingest.whatsapp as whatsapp

    path = tmp_path / "WhatsApp Chat with Big.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write("13/09/2024, 19:58 - Ana: before\n13/09/2024, 19:59 - Ben: ")
        out.write("0123456789" * 500_000)
        out.write("\n13/09/2024, 20:00 - Ana: after\n")
    messages = list(parse_file(path))
    assert [(m.author, m.text[:6], m.cut) for m in messages] == [
        ("Ana", "before", False), ("Ben", "012345", True), ("Ana", "after", False)]
    assert whatsapp.MAX_LINE_CHARS <= len(messages[1].text) <= whatsapp.MAX_MESSAGE_CHARS
    assert messages[2].line == 3


def test_unknown_date_order_rejected():
    with pytest.raises(InputError, match="unknown date order"):
        parse_text("13/09/2024, 19:58 - A: hi\n", date_order="dym")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        parse_file(tmp_path / "nope.txt")


# ---------------------------------------------------------------------------- the samples

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.mark.parametrize(("name", "order", "platform", "count"), [
    ("WhatsApp Chat with School Parents.txt", "dmy", "android", 174),
    ("WhatsApp Chat with Familia García.txt", "dmy", "android", 144),
    ("WhatsApp-Chat mit Elternrat 3b.txt", "dmy", "android", 143),
])
def test_sample_exports_parse(name, order, platform, count):
    parser = parse_file(SAMPLE / name)
    messages = list(parser)
    assert len(messages) == count
    assert parser.format.date_order == order and parser.format.shape.platform == platform
    kinds = {m.kind for m in messages}
    assert {"text", "system", "media", "deleted", "poll", "location", "contact"} <= kinds
    assert [m.sent_at for m in messages] == sorted(m.sent_at for m in messages)


@pytest.mark.parametrize("chunk_chars", [64, 1 << 16])
def test_headers_with_marks_inside_after_the_head_are_found(monkeypatch, chunk_chars):
    """The lean splitter (marks only before a header, as the head showed) misses a header with
    marks inside its date; the recheck over the bodies finds it, whatever the chunking."""
    import toolkit.ingest.whatsapp as whatsapp

    monkeypatch.setattr(whatsapp, "HEAD_LINES", 3)
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", chunk_chars)
    plain = "".join(f"13/09/2024، 7:{m:02d} م - Ana: plain {m}\n" for m in range(10))
    marked = "".join(f"14{RLM}/9{RLM}/2024، 8:{m:02d} م - Ben: marked {m}\nsecond line\n"
                     for m in range(10))
    messages = parse(plain + marked)
    assert [m.author for m in messages] == ["Ana"] * 10 + ["Ben"] * 10
    assert messages[10].sent_at == "2024-09-14T20:00:00"
    assert messages[10].text == "marked 0\nsecond line"
    assert [m.line for m in messages][9:12] == [10, 11, 13]


@pytest.mark.parametrize("chunk_chars", [64, 1 << 16])
def test_headers_in_other_digits_after_the_head_are_found(monkeypatch, chunk_chars):
    """The lean splitter reads ASCII digits only; a header in other decimal digits (Arabic-Indic
    here) after an ASCII head is found by the recheck, with its time and seconds."""
    import toolkit.ingest.whatsapp as whatsapp

    monkeypatch.setattr(whatsapp, "HEAD_LINES", 3)
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", chunk_chars)
    plain = "".join(f"[13/09/2024, 7:{m:02d}:05 PM] Ana: plain {m}\n" for m in range(10))
    other = "".join(f"[١٤/٠٩/٢٠٢٤, ٨:٠{m}:٣٠ PM] Ben: other {m}\nsecond line\n" for m in range(10))
    messages = parse(plain + other)
    assert [m.author for m in messages] == ["Ana"] * 10 + ["Ben"] * 10
    assert [m.sent_at for m in messages][9:12] == [
        "2024-09-13T19:09:05", "2024-09-14T20:00:30", "2024-09-14T20:01:30"]
    assert messages[10].text == "other 0\nsecond line"
    assert [m.line for m in messages][9:12] == [10, 11, 13]


def test_a_nul_past_the_binary_sniff_is_stored_as_a_replacement_character(tmp_path):
    """SQLite's text functions and FTS stop at a NUL: "before\\0after" would be found (and
    measured, and shown by SQL tools) as "before". The parser turns it into U+FFFD."""
    from toolkit.ingest.whatsapp import BINARY_SNIFF_BYTES

    filler = "".join(f"12/05/2025, 09:{i % 60:02d} - Sam: line {i} {'x' * 60}\n"
                     for i in range(BINARY_SNIFF_BYTES // 60))
    path = tmp_path / "chat.txt"
    path.write_text(filler + "12/05/2025, 10:00 - Sam: before\0after\n", encoding="utf-8")
    last = list(parse_file(path))[-1]
    assert last.text == "before\ufffdafter"


@pytest.mark.parametrize("size", [1, 4, 9, 20, 64])
def test_a_nul_in_the_rest_of_a_line_read_past_a_chunk_is_replaced_too(size):
    """A chunk ends mid-line and the line's rest is read on: a NUL there is replaced as well."""
    import io

    from toolkit.ingest.whatsapp import line_chunks

    text = "12/05/2025, 10:00 - Sam: before\0after and\0more\n12/05/2025, 10:01 - Ana: ok\n"
    chunks = list(line_chunks(io.StringIO(text), size=size))
    assert "".join(chunks) == text.replace("\0", "\ufffd")
