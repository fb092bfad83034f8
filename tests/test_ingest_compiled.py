"""The parser's compiled inner loop (toolkit/ingest/_fastloop.c) against its pure-Python one
(`whatsapp.PlainRunner`): the same messages, message for message (every field, the class, `cut`),
the same export format and cut lines, the same errors at the same lines after the same
messages, on every export fixture, every bench family, hand-made hostile exports and seeded
random ones, with chunks small enough that messages and lines straddle them.

And a test that fails where the compiled loop is not built or not used: `make setup` builds
it, and CI must not test only the fallback without saying so.
"""

from __future__ import annotations

import importlib.util
import os
import random
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from toolkit.errors import InputError
from toolkit.ingest import whatsapp
from toolkit.ingest.whatsapp import PURE_PARSER_ENV, ChatParser, parse_file, parse_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "data" / "zones").glob("*.txt")) + sorted(
    (ROOT / "data" / "sample").glob("*.txt"))
LRM, RLM, NNBSP, NBSP = "\u200e", "\u200f", "\u202f", "\u00a0"
CHUNKS = [16, 64, 997, 1 << 14]

Outcome = tuple[list[tuple[object, ...]], object, tuple[str, int | None] | None]


def outcome(make: Callable[[], ChatParser], pure: bool) -> Outcome:
    """What one parse gives: its messages (class, fields, cut), its format, and its error (the
    reason and line) with the messages handed on before it."""
    saved = os.environ.pop(PURE_PARSER_ENV, None)
    if pure:
        os.environ[PURE_PARSER_ENV] = "1"
    try:
        parser = make()
        messages: list[tuple[object, ...]] = []
        try:
            for message in parser:
                messages.append((type(message).__name__, *message, message.cut))
        except InputError as error:
            return messages, None, (error.reason, error.line)
        return messages, parser.format.as_dict(), None
    finally:
        os.environ.pop(PURE_PARSER_ENV, None)
        if saved is not None:
            os.environ[PURE_PARSER_ENV] = saved


def assert_same(make: Callable[[], ChatParser]) -> Outcome:
    compiled, pure = outcome(make, pure=False), outcome(make, pure=True)
    assert compiled == pure
    return compiled


# ---------------------------------------------------------------------------- in use


def test_the_compiled_loop_is_built_and_used(monkeypatch):
    """After `make setup` the compiled loop is importable from this checkout, no older than its
    source, and the one a parse uses; CHATBOOK_PURE_PARSER=1 turns it off."""
    assert whatsapp._fastloop is not None, (
        "toolkit.ingest._fastloop is not built: run `make setup` (it needs a C compiler and "
        "the Python headers); the parser is running its pure-Python fallback")
    built = Path(whatsapp._fastloop.__file__)
    assert built.parent == Path(whatsapp.__file__).parent
    source = built.parent / "_fastloop.c"
    if source.exists():  # (a checkout; a wheel carries no source)
        assert built.stat().st_mtime >= source.stat().st_mtime, (
            f"{built.name} is older than _fastloop.c: run `make setup` to rebuild it")
    monkeypatch.delenv(PURE_PARSER_ENV, raising=False)
    text = "13/09/2024, 19:58 - Ana: hi\n"
    assert isinstance(parse_text(text)._runner(), whatsapp._fastloop.Runner)
    assert whatsapp.COMPILED_PIECES_MATCH, (
        "whatsapp.py's MARK, SPACE or PERIOD differs from what _fastloop.c matches: bring the C "
        "header matcher in line (the parser's own pattern splits meanwhile)")
    assert parse_text(text)._runner().splits_here
    monkeypatch.setenv(PURE_PARSER_ENV, "1")
    assert isinstance(parse_text(text)._runner(), whatsapp.PlainRunner)
    monkeypatch.setenv(PURE_PARSER_ENV, "0")
    assert isinstance(parse_text(text)._runner(), whatsapp._fastloop.Runner)


# ---------------------------------------------------------------------------- the split

# One header of each shape the parser knows (as in test_whatsapp.HEADERS).
SHAPE_HEADERS = [
    "13/09/2024, 19:58 - ", f"9/13/24, 7:58{NNBSP}PM - ", "9/13/24, 7:58 PM - ",
    "13/09/2024, 7:58 pm - ", "13/09/2024, 7:58 p.m. - ", f"13/9/24, 7:58{NNBSP}p.{NBSP}m. - ",
    "13/9/24, 7:58 p. m. - ", "13.09.24, 7:58 nachm. - ", "13.9.24, 19:58 - ",
    "13-09-2024 19:58 - ", "2024-09-13, 19:58 - ", "2024/09/13 19:58 - ",
    "13.9.2024 klo 19.58 - ", "13/09/2024, 19:58: ", "13/09/2024, 19:58 – ",
    f"[9/13/24, 7:58:03{NNBSP}PM] ", f"{LRM}[9/13/24, 7:58:03{NNBSP}PM] ",
    "[13/09/2024, 19:58:03] ", "[13.09.24, 19:58:03] ", "[13.09.24 19.58.03] ",
    "[13/09/2024, 19:58] ", "13/09/2024، 7:58 م - ", "2024. 9. 13. 오후 7:58 - ",
    "2024/9/13 下午7:58 - ", "2024/09/13 午後7:58 - ", "13/9/2024, 7:58 μ.μ. - ",
    "13.09.24, 7:58 vorm. - ", "2024/09/13 午前7:58 - ", "2024/9/13 上午7:58 - ",
    "13/9/2024, 7:58 π.μ. - ", "2024. 9. 13. 오전 7:58 - ", "13/09/2024، 7:58 ص - ",
    "[13/09/2024, 7:58:03 a.m.] ", "13/09/2024, 7:58 AM: ", "13.09.2024. 19:58 - ",
]
# What a near miss is made of: the characters headers are made of, and their neighbours.
MUTATIONS = list("0123456789/.-:, []") + [NNBSP, NBSP, LRM, RLM, "\u202a", "\u2066", "A", "P",
                                           "M", "m", "p", "오", "후", "午", "前", "م", "ص", "μ", "π",
                                           "٣", "١", "²", "\n", "x", "–", "،", "klo"]


def near_misses(header: str, rng: random.Random) -> str:
    """The header with one to three characters deleted, inserted or replaced."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(header) + 1)
        how = rng.random()
        if how < 0.3:
            header = header[:at] + header[at + 1 :]
        elif how < 0.7:
            header = header[:at] + rng.choice(MUTATIONS) + header[at:]
        else:
            header = header[:at] + rng.choice(MUTATIONS) + header[at + 1 :]
    return header


@pytest.mark.parametrize("full", [False, True], ids=["lean", "full"])
@pytest.mark.parametrize("header", SHAPE_HEADERS)
def test_the_compiled_split_finds_what_the_pattern_finds(header, full):
    """`Runner.split` matches the header shape in C in place of the split pattern (the lean
    one, or the full one, with marks inside the date and any decimal digits, which a file
    whose head has marks inside its dates uses): the same parts on text full of headers of the
    shape, and near misses of it."""
    parser = parse_text(f"{header}Ana: hi\n{header}Ben: ok\n")
    assert parser.format is not None
    if full:
        parser._lean = parser._splitter
    pattern = parser._lean
    assert pattern is not None and (pattern is parser._splitter) == full
    runner = parser._runner()
    assert runner.splits_here, header  # every shape here is one the compiled loop splits
    rng = random.Random(header)
    for _ in range(40):
        lines = [f"{near_misses(header, rng) if rng.random() < 0.5 else header}Ana: x {i}"
                 for i in range(rng.randint(1, 30))]
        chunk = rng.choice(["", "\n", "text\n"]) + "\n".join(lines) + rng.choice(["", "\n"])
        assert runner.split(chunk) == pattern.split(chunk), chunk


def test_the_compiled_split_stands_down_where_the_pieces_differ(monkeypatch):
    """Where whatsapp.py's MARK, SPACE or PERIOD is no longer what _fastloop.c was written for,
    the parser's own pattern splits (same results, only slower)."""
    monkeypatch.setattr(whatsapp, "COMPILED_PIECES_MATCH", False)
    parser = parse_text("13/09/2024, 19:58 - Ana: hi\n")
    assert parser.format is not None
    assert not parser._runner().splits_here
    assert [m.text for m in parser] == ["hi"]


# ---------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("chunk_chars", CHUNKS)
@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_exports(path, chunk_chars, monkeypatch):
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", chunk_chars)
    messages, found, error = assert_same(lambda: parse_file(path))
    assert error is None and messages


def bench_module() -> ModuleType:
    """bench/ingest.py (a script, not a package), for its export generators."""
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = bench_module()


@pytest.mark.parametrize("chunk_chars", [64, 1 << 14])
@pytest.mark.parametrize("family", sorted(BENCH.FAMILIES))
def test_bench_families(family, chunk_chars, tmp_path, monkeypatch):
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", chunk_chars)
    path = tmp_path / "WhatsApp Chat with Bench.txt"
    BENCH.generate(path, 3000, family, seed=11)
    messages, _, error = assert_same(lambda: parse_file(path))
    assert error is None and len(messages) == 3000
    kinds = {message[4] for message in messages}
    assert {"text", "media", "system"} <= kinds


# ---------------------------------------------------------------------------- hand-made

HOSTILE = {
    "header-shaped continuation": (
        "14/03/2024, 10:05 - Noah: hi\n14/03/2024, 10:06 - Noah: Agenda:\n"
        "13/03/2024, 09:00 - kickoff\n(old slot)\n14/03/2024, 10:07 - Ana: ok\n"
        "14/03/2024, 10:08 - Ana: list:\n14/03/2024, 10:09 - Noah: a reply\n"),
    "ios system lines and placeholders": (
        f"{LRM}[13/09/2024, 19:58:03] Club: {LRM}Ana added Ben\n"
        f"[13/09/2024, 19:58:04] Ana: {LRM}image omitted\n"
        f"[13/09/2024, 19:58:05] Ana: Schedule.pdf • {LRM}2 pages {LRM}document omitted\n"
        f"[13/09/2024, 19:58:06] Ana: Ana changed the subject to \"x\"\n"
        f"[13/09/2024, 19:58:07] Ben: You deleted this message\n"
        f"[13/09/2024, 19:58:08] Ben: Meet at 6 {LRM}<This message was edited>\n"
        f"[13/09/2024, 19:58:09] Ben: <attached: 00000012-PHOTO-2024-01-02-10-00-00.jpg>\n"
        f"[13/09/2024, 19:58:60] Ben: seconds above 59 read the long way\n"
        f"[13/09/2024, 19:58:10] Ben: plain 👍\n[13/09/2024, 19:58:10] Ana:\n"
        f"[13/09/2024, 19:58:11] Ana: \n[13/09/2024, 19:58:12] Ben: two\nlines:\nthree\n"),
    "android kinds": (
        "13/09/2024, 19:58 - Ana: <Media omitted>\n13/09/2024, 19:58 - Ana: IMG-1.jpg (file "
        "attached)\ncaption\n13/09/2024, 19:59 - Ana: location: https://maps.google.com/?q=1,2\n"
        "13/09/2024, 19:59 - Ben: POLL:\nWhere?\nOPTION: Park (2 votes)\nOPTION: Pool (0 votes)\n"
        "13/09/2024, 20:00 - Ben added Ana\n13/09/2024, 20:01 - Ben: You added Ana\n"
        "13/09/2024, 20:02 - Ana: ‎lead mark\n13/09/2024, 20:02 - Ana: ends in space \n"
        "13/09/2024, 20:03 - Ana: Your security code with Ben changed\n"
        "13/09/2024, 20:04 - Ana: tab\tinside: and a colon\n"),
    "arabic marks": "".join(f"13{RLM}/9{RLM}/2024، 7:{m:02d} م - Ana: نص {m}\n" for m in range(30)),
    "invalid date after messages": (
        "13/09/2024, 19:58 - Ana: one\n13/09/2024, 19:59 - Ana: two\n"
        "31/02/2024, 20:00 - Ana: three\n13/09/2024, 20:01 - Ana: four\n"),
    "invalid time after messages": (
        "13/09/2024, 19:58 - Ana: one\n13/09/2024, 19:59 - Ana: two\nmore\n"
        "13/09/2024, 29:00 - Ana: three\n"),
    "invalid seconds after messages": (
        "[13/09/2024, 19:58:03] Ana: one\n[13/09/2024, 19:58:04] Ana: two\n"
        "[13/09/2024, 19:58:99] Ana: three\n"),
    "text before the first header": "hello\n13/09/2024, 19:58 - Ana: one\n",
}


@pytest.mark.parametrize("chunk_chars", CHUNKS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hand_made_exports(name, chunk_chars, monkeypatch):
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", chunk_chars)
    messages, _, error = assert_same(lambda: parse_text(HOSTILE[name]))
    assert messages or error


@pytest.mark.parametrize("chunk_chars", [64, 1 << 16])
def test_headers_in_other_digits_and_marks_after_the_head(chunk_chars, monkeypatch):
    """Headers the lean splitter misses (found by the recheck) go through both loops alike."""
    monkeypatch.setattr(whatsapp, "HEAD_LINES", 3)
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", chunk_chars)
    plain = "".join(f"[13/09/2024, 7:{m:02d}:05 PM] Ana: plain {m}\n" for m in range(10))
    other = "".join(f"[١٤/٠٩/٢٠٢٤, ٨:٠{m}:٣٠ PM] Ben: other {m}\nline\n" for m in range(10))
    messages, _, error = assert_same(lambda: parse_text(plain + other))
    assert error is None and len(messages) == 20


def test_cut_lines_and_messages(tmp_path, monkeypatch):
    monkeypatch.setattr(whatsapp, "MAX_LINE_CHARS", 300)
    monkeypatch.setattr(whatsapp, "MAX_MESSAGE_CHARS", 700)
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", 128)
    text = ("13/09/2024, 19:58 - Ana: short\n13/09/2024, 19:59 - Ben: " + "x" * 2000 + "\n"
            + "13/09/2024, 20:00 - Ana: " + "\n".join("y" * 90 for _ in range(20)) + "\n"
            + "13/09/2024, 20:01 - Ben: after\n")
    path = tmp_path / "WhatsApp Chat with Cut.txt"
    path.write_text(text, encoding="utf-8")
    messages, found, error = assert_same(lambda: parse_file(path))
    assert error is None and [m[-1] for m in messages] == [False, True, True, False]
    assert found["cut_lines"] == [2, 3]  # type: ignore[index]


def test_undecodable_bytes_after_messages(tmp_path, monkeypatch):
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", 64)
    # (past the head the detection reads, so messages come before the error)
    good = "".join(f"13/09/2024, 19:{m % 60:02d} - Ana: message {m}\n" for m in range(5000))
    path = tmp_path / "WhatsApp Chat with Bad.txt"
    path.write_bytes(good.encode() + b"13/09/2024, 20:00 - Ana: \xff\xfe bad\n")
    messages, _, error = assert_same(lambda: parse_file(path))
    assert error is not None and error[1] == 5001 and len(messages) >= 1000


# ---------------------------------------------------------------------------- seeded random

SHAPES: list[Callable[[int, int, int], str]] = [
    lambda d, h, m: f"{d:02d}/09/2024, {h:02d}:{m:02d} - ",
    lambda d, h, m: f"9/{d}/24, {h % 12 or 12}:{m:02d}{NNBSP}{'PM' if h >= 12 else 'AM'} - ",
    lambda d, h, m: f"{LRM}[{d:02d}/09/2024, {h:02d}:{m:02d}:{(d * 7 + m) % 61:02d}] ",
    lambda d, h, m: f"[9/{d}/24, {h % 12 or 12}:{m:02d}:{m % 60:02d}{NNBSP}"
                    f"{'PM' if h >= 12 else 'AM'}] ",
    lambda d, h, m: f"{d}{RLM}/9{RLM}/2024، {h % 12 or 12}:{m:02d} {'م' if h >= 12 else 'ص'} - ",
    lambda d, h, m: f"2024. 9. {d}. {'오후' if h >= 12 else '오전'} {h % 12 or 12}:{m:02d} - ",
]
AUTHORS = ["Ana", "Ben Lima", "+44 7700 900123", f"+44{NBSP}7700{NBSP}900123", "Club", "Mamá",
           f"{LRM}Zoe", "Ana:", ""]
PIECES = ["ok", "see you at 10", "lost jacket 😂", "list:", "line one\nline two", "a: b",
          f"{LRM}image omitted", "<Media omitted>", "Ana added Ben", "You removed Ben",
          "Messages and calls are end-to-end encrypted", "changed the subject to \"A: B\"",
          "IMG-1.jpg (file attached)", "doc.pdf • 2 pages document omitted", "POLL:\nQ?\n"
          "OPTION: a (1 vote)", "location: https://maps.google.com/?q=1,2", "edited <This "
          "message was edited>", "  ", "\t", "x" * 120, "ends with )", "<attached: a.jpg>",
          "٣٠", "•", RLM, "Club changed this group's icon", "ok ", "ends:\nnext"]


def random_export(seed: int) -> str:
    """A chat in one shape, with every kind of line mixed in: continuation lines (some
    header-shaped, some dated earlier), empty and marked texts, placeholders, system lines, a
    time that goes back, and now and then a date or time that cannot be read."""
    rng = random.Random(seed)
    shape = SHAPES[seed % len(SHAPES)]
    day, hour, minute = 13, 8, 0
    lines = []
    for _ in range(rng.randint(20, 120)):
        roll = rng.random()
        minute += rng.randint(0, 9)
        hour, minute = min(hour + minute // 60, 23), minute % 60
        if roll < 0.06:  # a header-shaped line inside a message, dated earlier
            lines.append(f"{shape(day - 1, 9, 0)}{rng.choice(PIECES)}")
        elif roll < 0.12:
            lines.append(rng.choice(PIECES).replace("\n", " "))
        elif roll < 0.125 and seed % 3 == 0:  # a date that does not read
            lines.append(f"{shape(32, hour, minute)}Ana: bad day")
        else:
            author, text = rng.choice(AUTHORS), rng.choice(PIECES)
            lines.append(f"{shape(day, hour, minute)}{author}: {text}" if author
                         else f"{shape(day, hour, minute)}{text}")
    return "\n".join(lines) + ("\n" if seed % 2 else "")


@pytest.mark.parametrize("chunk_chars", [16, 100, 1 << 14])
@pytest.mark.parametrize("seed", range(48))
def test_random_exports(seed, chunk_chars, monkeypatch):
    monkeypatch.setattr(whatsapp, "CHUNK_CHARS", chunk_chars)
    if seed % 4 == 1:  # cut lines and messages too
        monkeypatch.setattr(whatsapp, "MAX_LINE_CHARS", 100)
        monkeypatch.setattr(whatsapp, "MAX_MESSAGE_CHARS", 300)
    text = random_export(seed)
    if text.startswith(("•", "\t", " ", "ok")):
        text = "13/09/2024, 08:00 - Ana: first\n" + text
    messages, _, error = assert_same(lambda: parse_text(text))
    assert messages or error
