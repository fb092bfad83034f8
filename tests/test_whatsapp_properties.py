"""Property-based tests: generated chats in every export shape survive the round trip, and no
input at all (random bytes, or header fragments in random order) crashes the parser with
anything but its own InputError."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from toolkit.errors import InputError
from toolkit.ingest import whatsapp
from toolkit.ingest.whatsapp import GENERIC_HEADER, parse_file

# Every test here runs with the compiled inner loop and with the pure-Python one.
pytestmark = pytest.mark.usefixtures("parser_loop")

NNBSP, NBSP, LRM = "\u202f", "\u00a0", "\u200e"


def h12(at: datetime) -> tuple[int, bool]:
    return at.hour % 12 or 12, at.hour >= 12


def ampm(at: datetime, am: str, pm: str) -> str:
    return pm if at.hour >= 12 else am


# Each shape: (render header, whether it keeps seconds).
SHAPES: dict[str, tuple[Callable[[datetime], str], bool]] = {
    "android en-GB": (lambda t: f"{t:%d/%m/%Y}, {t:%H:%M} - ", False),
    "android en-US": (lambda t: f"{t.month}/{t.day}/{t:%y}, {h12(t)[0]}:{t:%M}{NNBSP}"
                                f"{ampm(t, 'AM', 'PM')} - ", False),
    "ios en-US": (lambda t: f"{LRM}[{t.month}/{t.day}/{t:%y}, {h12(t)[0]}:{t:%M:%S}{NNBSP}"
                            f"{ampm(t, 'AM', 'PM')}] ", True),
    "ios en-GB": (lambda t: f"[{t:%d/%m/%Y}, {t:%H:%M:%S}] ", True),
    "android es": (lambda t: f"{t.day}/{t.month}/{t:%y}, {h12(t)[0]}:{t:%M}{NNBSP}"
                             f"{ampm(t, f'a.{NBSP}m.', f'p.{NBSP}m.')} - ", False),
    "android de": (lambda t: f"{t.day}.{t.month}.{t:%y}, {t:%H:%M} - ", False),
    "ymd": (lambda t: f"{t:%Y-%m-%d}, {t:%H:%M} - ", False),
    "finnish": (lambda t: f"{t.day}.{t.month}.{t:%Y} klo {t.hour}.{t:%M} - ", False),
    "korean": (lambda t: f"{t:%Y}. {t.month}. {t.day}. {ampm(t, '오전', '오후')} "
                         f"{h12(t)[0]}:{t:%M} - ", False),
    "chinese": (lambda t: f"{t:%Y}/{t.month}/{t.day} {ampm(t, '上午', '下午')}{h12(t)[0]}:{t:%M} - ",
                False),
    "arabic": (lambda t: f"{t.day}/{t.month}/{t:%Y}، {h12(t)[0]}:{t:%M} {ampm(t, 'ص', 'م')} - ",
               False),
    "colon": (lambda t: f"{t:%d/%m/%Y}, {t:%H:%M}: ", False),
    "ios dotted": (lambda t: f"[{t:%d.%m.%y} {t:%H.%M.%S}] ", True),
}

START = datetime(2024, 1, 13, 10, 0, 0)  # a day above 12 first: every order is decidable
# Text may hold anything a person types, including characters other tools treat as line
# breaks (U+2028, U+0085, form feed): only "\n" separates lines in an export. (A NUL byte
# marks a binary file.)
TEXT_ALPHABET = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\x00\n\r<>()\u200e\u200f\ufeff"
)
authors = st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" .'-+"),
                  min_size=1, max_size=20).map(str.strip).filter(
    lambda a: bool(a) and ": " not in a and not a.endswith(":"))
line_text = st.text(TEXT_ALPHABET, max_size=40)


def is_plain(body: str) -> bool:
    """No placeholder (alone, or on the first line above a caption), system, poll or location
    text: hypothesis draws constants from the parser's source ("STICKER OMITIDO", "Tap to
    change."), and those are no plain text."""
    first = body.split("\n", 1)[0]
    return (body.strip() not in whatsapp.FIXED_KINDS
            and first.strip() not in whatsapp.FIXED_KINDS
            and not body.startswith(whatsapp.SPECIAL_PREFIXES)
            and not body.endswith(whatsapp.STRONG_SYSTEM_SUFFIXES)
            and not whatsapp.SYSTEM_RE.search(body))


bodies = st.lists(line_text, min_size=1, max_size=4).map("\n".join).filter(is_plain)
gaps = st.integers(min_value=0, max_value=3 * 24 * 3600)


@st.composite
def chats(draw: st.DrawFn) -> tuple[str, list[tuple[datetime, str, str]], str, bool]:
    shape = draw(st.sampled_from(sorted(SHAPES)))
    count = draw(st.integers(min_value=1, max_value=12))
    moment = START
    messages = []
    for _ in range(count):
        author, body = draw(authors), draw(bodies)
        for continuation in body.split("\n")[1:]:
            assume(GENERIC_HEADER.match(continuation) is None)
        messages.append((moment, author, body))
        moment += timedelta(seconds=draw(gaps))
    return shape, messages, draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans())


def expected_time(moment: datetime, seconds: bool) -> str:
    return (moment if seconds else moment.replace(second=0)).isoformat()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chats(), st.sampled_from([5, 40, 1 << 20]))
def test_round_trip_in_every_shape(chat, chunk_chars):
    """Also with tiny read chunks, so messages and lines straddle chunk boundaries."""
    saved = whatsapp.CHUNK_CHARS
    whatsapp.CHUNK_CHARS = chunk_chars
    try:
        check_round_trip(chat)
    finally:
        whatsapp.CHUNK_CHARS = saved


def check_round_trip(chat: tuple[str, list[tuple[datetime, str, str]], str, bool]) -> None:
    shape, messages, newline, bom = chat
    render, seconds = SHAPES[shape]
    lines = [f"{render(at)}{author}: {body}" for at, author, body in messages]
    raw = newline.join(line.replace("\n", newline) for line in lines) + newline
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WhatsApp Chat with Test.txt"
        path.write_bytes(("\ufeff" if bom else "").encode() + raw.encode("utf-8"))
        parsed = list(parse_file(path))
    assert [(m.sent_at, m.author, m.text) for m in parsed] == [
        (expected_time(at, seconds), author, body) for at, author, body in messages]
    line = 1
    for message, (_, _, body) in zip(parsed, messages, strict=True):
        assert message.line == line
        line += body.count("\n") + 1


def parse_bytes(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.txt"
        path.write_bytes(content)
        try:
            for message in parse_file(path):
                assert message.sent_at[4] == "-" and message.sent_at[10] == "T"
        except InputError as error:
            assert str(error).startswith(str(path))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_only_raise_input_error(content):
    parse_bytes(content)


FRAGMENTS = ["13/09/2024", "9/13/24", "31/02/2024", "2024-09-13", "13.9.24", ", ", " ", "19:58",
             "7:58", ":03", "99:99", "12:00", " - ", ": ", "] ", "[", "A: ", "Ana Lima: ", "\n",
             "\r\n", "PM", "\u202fAM", " p.\u00a0m.", "오후 ", "下午", " م", " klo ", "19.58",
             "\ufeff", "\u200e", "<Media omitted>", "<attached: x.jpg>", " (file attached)",
             "POLL:\n", "added", " left", "<This message was edited>", "x", "\x00", "é"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60))
def test_header_fragments_only_raise_input_error(parts):
    parse_bytes("".join(parts).encode("utf-8"))


# Special lines as Android and iOS write them: (text after "Author: ", kind, media, edited).
SPECIALS = [
    ("<Media omitted>", "media", None, False),
    ("\u200eimage omitted", "media", None, False),
    ("IMG-20240102-WA0001.jpg (file attached)", "media", "IMG-20240102-WA0001.jpg", False),
    ("\u200e<attached: 00000012-PHOTO-2024-01-02-10-00-00.jpg>", "media",
     "00000012-PHOTO-2024-01-02-10-00-00.jpg", False),
    ("This message was deleted", "deleted", None, False),
    ("POLL:\nWho drives?\nOPTION: Me (1 vote)", "poll", None, False),
    ("location: https://maps.google.com/?q=51.5,-0.12", "location", None, False),
    ("Ana.vcf (file attached)", "contact", "Ana.vcf", False),
    ("Missed voice call", "call", None, False),
    ("see you at 10 <This message was edited>", "text", None, True),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["android en-GB", "ios en-US", "android es", "korean"]),
       st.lists(st.tuples(authors, st.one_of(bodies.map(lambda b: (b, "text", None, False)),
                                             st.sampled_from(SPECIALS))), min_size=1,
                max_size=10))
def test_kinds_survive_any_mix(shape, lines):
    render, _ = SHAPES[shape]
    moment = START
    rendered = []
    for author, (body, _, _, _) in lines:
        for continuation in body.split("\n")[1:]:
            assume(GENERIC_HEADER.match(continuation) is None)
        rendered.append(f"{render(moment)}{author}: {body}")
        moment += timedelta(minutes=7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chat.txt"
        path.write_text("\n".join(rendered) + "\n", encoding="utf-8")
        parsed = list(parse_file(path))
    assert [(m.author, m.kind, m.media, m.edited) for m in parsed] == [
        (author, kind, media, edited) for author, (_, kind, media, edited) in lines]
