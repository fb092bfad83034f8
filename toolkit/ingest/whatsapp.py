"""Streaming parser for WhatsApp chat exports (Android and iOS, any locale we know of).

How a file is read:

1. The head of the file (up to `HEAD_LINES` lines) is matched against a permissive header
   pattern; the most common header *shape* (brackets, date separator, clock, seconds, where the
   day-period marker sits, the separator before the author) becomes the file's own strict
   pattern. A pasted timestamp inside a message that breaks that shape stays message text.
2. Unless forced, the day/month order is inferred from the dates of the whole file (any field
   above 12 decides at once; otherwise the field that ever decreases within a year is the day;
   otherwise the field that changes more often is). This pass stops at the first deciding date.
3. The messages are produced one by one from line-aligned chunks: memory stays flat in the
   size of the file, and nothing ever holds the file as a list of lines. A line that matches
   the header shape starts a new message unless the votes say it is a line of the message
   before (see `ChatParser._continues`). A line or message too long to be a chat message is
   cut (the message is kept, marked `cut`), and the rest of the export is read on.

Message text is kept exactly as written (multi-line, no Unicode normalisation); only the export's
own artefacts are removed: direction marks around the author and before the text, and the
"<This message was edited>" marker, which becomes `edited=True`. What WhatsApp writes in place
of media, deleted messages, calls and the like (in the languages of its apps, `markers`) sets
the message's `kind`, and `Message.placeholder` names it without the language.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, NamedTuple, Protocol

from toolkit.errors import InputError
from toolkit.ingest import markers

try:  # the compiled inner loop, built by `pip install` (setup.py) where a C compiler is
    from toolkit.ingest import _fastloop
except ImportError:  # not built: `PlainRunner` does the same, only slower
    _fastloop = None  # type: ignore[assignment]

DATE_ORDERS = ("dmy", "mdy", "ymd")
HEAD_LINES = 2000
# 16 Ki characters: a chunk, its split and its messages stay in the CPU's caches (64 Ki took
# 7-8% more CPU time for the same instructions; megabytes of str cost more to allocate)
CHUNK_CHARS = 1 << 14
MAX_LINE_CHARS = 1 << 20
MAX_MESSAGE_CHARS = 1 << 21
BINARY_SNIFF_BYTES = 8192
MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
MARK_SET = frozenset(MARK_CHARS)
MARK = "[\u200e\u200f\u202a-\u202e\u2066-\u2069]"
SPACE = "[ \u00a0\u202f]"
# Day-period markers, after or (Arabic, Korean, Chinese, Japanese) before the time.
PERIOD = (
    r"(?:[AaPp]\.?[ \u00a0\u202f]?[Mm]\.?|vorm\.|nachm\.|ص|م|오전|오후|上午|下午|午前|午後"
    r"|[πμ]\.?[ \u00a0\u202f]?μ\.?)"
)
AM_MARKERS = {"am", "vorm", "ص", "오전", "上午", "午前", "πμ"}
PM_MARKERS = {"pm", "nachm", "م", "오후", "下午", "午後", "μμ"}
PERIOD_RE = re.compile(PERIOD)
PERIOD_DROP = str.maketrans("", "", ". \u00a0\u202f")  # "p.\u00a0m." -> "pm"
TIME_RE = re.compile(
    rf"(?:(?P<pb>{PERIOD})[ \u00a0\u202f]?)?(?P<h>\d{{1,2}})[:.](?P<mi>\d{{2}})"
    rf"(?:{SPACE}?(?P<pa>{PERIOD}))?"
)
SECONDS_RE = re.compile(r"(?P<hm>\d{1,2}([:.])\d{2})\2(?P<s>\d{2})")
MARKS_RE = re.compile(MARK + "+")
SECONDS = frozenset(f"{second:02d}" for second in range(60))  # as a time with seconds has them
new_tuple = tuple.__new__  # Message(...) runs a Python-level __new__; this does not

GENERIC_HEADER = re.compile(
    rf"""^(?P<lead>{MARK}*)(?P<open>\[)?{MARK}*
    (?P<f1>\d{{1,4}}){MARK}*(?P<ds>[./-]){MARK}*[ ]?
    (?P<f2>\d{{1,2}}){MARK}*(?P=ds){MARK}*[ ]?
    (?P<f3>\d{{1,4}})(?P<dtrail>\.)?{MARK}*
    (?P<sep>,[ \u00a0]|،[ ]?|[ \u00a0]klo[ ]|[ \u00a0]à[ ]|[ \u00a0]|,)
    (?:(?P<pb>{PERIOD})[ \u00a0\u202f]?)?
    (?P<h>\d{{1,2}})(?P<ts>[:.])(?P<mi>\d{{2}})(?:(?P=ts)(?P<s>\d{{2}}))?
    (?:{SPACE}?(?P<pa>{PERIOD}))?{MARK}*
    (?P<close>\])?(?P<end>[ ]?[-–][ ]|:[ ]|[ ])""",
    re.VERBOSE,
)


class Message(NamedTuple):
    """One parsed message; `sent_at` is local time as written, ISO 8601 with seconds.

    Seven fields, as ever (callers unpack them); what is derived from them is a property.
    """

    sent_at: str
    author: str | None
    text: str
    kind: str
    media: str | None
    edited: bool
    line: int

    @property
    def cut(self) -> bool:
        """Whether the message was too long to be a chat message and was cut short (it is then
        a `CutMessage`; a property, so the tuple keeps its seven fields)."""
        return False

    @property
    def placeholder(self) -> str | None:
        """What a placeholder stands for, whatever the language and platform: `image_omitted`,
        `media_omitted`, `document_omitted`, `attached` (the file is in the export), `deleted`,
        `deleted_by_you`, `missed_voice_call`, `poll`, `location`, ... (see
        `markers.PLACEHOLDERS`); None for text and system messages."""
        return placeholder_of(self.kind, self.text, self.media)

    @property
    def caption(self) -> str | None:
        """For media: the text written with it (the lines after the placeholder), if any."""
        if self.kind not in ("media", "contact") or "\n" not in self.text:
            return None
        return self.text.split("\n", 1)[1].strip() or None


class CutMessage(Message):
    """A message cut at `MAX_MESSAGE_CHARS` (or a line cut at `MAX_LINE_CHARS`)."""

    __slots__ = ()

    @property
    def cut(self) -> bool:
        return True


@dataclass(frozen=True)
class HeaderShape:
    """What every message header of one export looks like."""

    bracket: bool
    date_sep: str
    date_trail: bool
    sep: str
    time_sep: str
    seconds: bool
    period: str | None  # "before", "after" or None (24 h clock)
    end: str

    @property
    def platform(self) -> str:
        return "ios" if self.bracket else "android"

    @property
    def clock(self) -> str:
        return "24h" if self.period is None else "12h"

    def pattern(self) -> re.Pattern[str]:
        """The strict header pattern of this shape, with the date and time as groups d and t
        (with seconds, t holds the groups of `splitter`'s time too)."""
        return re.compile("^" + self._source(), re.MULTILINE)

    def splitter(self, *, lean: bool = False) -> re.Pattern[str]:
        """The header pattern with the line end before it, to split text after a line end; the
        header is group h, its date d and time t.

        With seconds, the time is split in C instead: group hm is the time without its seconds
        (with a day period before it), s the seconds, and tail a day period after them (only
        in a shape that has one): the parser looks up `hm + tail` and puts `s` back.

        `re` scans for a leading literal character in C and tries the pattern only there;
        a leading `^` (MULTILINE) is tried at every position of the text instead. The lean
        splitter allows direction marks only before the header (where iOS writes them), which
        halves the cost of a split; `ChatParser` checks that it missed no header.
        """
        return re.compile("\n(?P<h>" + self._source(lean=lean, split=True) + ")")

    def _source(self, *, lean: bool = False, split: bool = False) -> str:
        # The lean pattern takes ASCII digits only: `\d` asks the Unicode database for each
        # character, `[0-9]` compares it. A header in other digits is found by the full one.
        mark, digit = ("", "[0-9]") if lean else (f"{MARK}*", r"\d")
        ds = re.escape(self.date_sep)
        date_re = (rf"{digit}{{1,4}}{mark}{ds}{mark}[ ]?{digit}{{1,2}}{mark}{ds}{mark}[ ]?"
                   rf"{digit}{{1,4}}" + (r"\." if self.date_trail else ""))
        opening, closing = (r"\[", r"\]") if self.bracket else ("", "")
        time_re = self._time_source(digit)
        if not (split and self.seconds):
            time_re = f"(?P<t>{time_re})"
        return (rf"{MARK}*{opening}{mark}(?P<d>{date_re}){mark}"
                rf"{re.escape(self.sep)}{time_re}{mark}{closing}{re.escape(self.end)}")

    def _time_source(self, digit: str) -> str:
        """The time; with seconds, in the groups hm, s and (a day period after) tail."""
        ts = re.escape(self.time_sep)
        hour_minute = rf"{digit}{{1,2}}{ts}{digit}{{2}}"
        if self.period == "before":
            hour_minute = rf"{PERIOD}[ \u00a0\u202f]?{hour_minute}"
        tail = rf"{SPACE}?{PERIOD}" if self.period == "after" else ""
        if not self.seconds:
            return hour_minute + tail
        return (rf"(?P<hm>{hour_minute}){ts}(?P<s>{digit}{{2}})"
                + (f"(?P<tail>{tail})" if tail else ""))

    def describe(self) -> str:
        seconds = " with seconds" if self.seconds else ""
        return f"{self.platform}, {self.clock}{seconds}"


def shape_of(match: re.Match[str]) -> HeaderShape | None:
    """The shape of one permissive header match, or None when it is not a plausible header."""
    bracket = match["open"] is not None
    if bracket != (match["close"] is not None):
        return None
    end = match["end"]
    if end == " " and not bracket:
        return None  # "date time text" without a bracket or dash is prose, not a header
    if bracket and end.strip() in ("-", "–"):
        return None
    period = "before" if match["pb"] else "after" if match["pa"] else None
    return HeaderShape(bracket, match["ds"], match["dtrail"] is not None, match["sep"],
                       match["ts"], match["s"] is not None, period, end)


# ---------------------------------------------------------------------------- message kinds


class LazyPattern:
    """A pattern compiled on first use: the alternations of every language WhatsApp speaks
    take tens of milliseconds to compile, which an import should not pay."""

    def __init__(self, source: str, flags: int = 0):
        self.source, self.flags = source, flags

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.source, self.flags)

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)


def _variants(text: str) -> set[str]:
    """The spellings of one placeholder that exports show: as written, lower-cased and
    capitalised; bare and in angle brackets; with and without a final period."""
    bare = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    bare = bare.rstrip(".。")
    found: set[str] = set()
    for form in {bare, bare.lower(), bare[:1].upper() + bare[1:]}:
        for ending in ("", ".", "。"):
            found.update((form + ending, f"<{form}{ending}>"))
    return found


# Exact placeholders (as compared: outer direction marks and spaces removed) ->
# (placeholder kind, language or None). Exact lookups keep the common case one dict probe.
FIXED_KINDS: dict[str, tuple[str, str | None]] = {}
for _text, _found in markers.placeholder_strings().items():
    for _variant in _variants(_text):
        FIXED_KINDS.setdefault(_variant, _found)
FIXED_MAX = max(map(len, FIXED_KINDS))
EDITED_MARKERS = markers.EDITED_MARKERS
_MARKS_OR_SPACE = r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]"
# iOS: "<attached: 00000012-PHOTO-2024-01-02-10-00-00.jpg>", in every UI language, also between
# single guillemets (Arabic: "‹المُرفق: …›"); the document title may come before it.
ATTACHED_RE = LazyPattern(
    rf"(?:^|(?<={_MARKS_OR_SPACE}))[<‹]{MARK}*(?:{markers.ATTACHED_WORDS}){MARK}* ?: "
    r"(?P<name>[^<>‹›\n]+)[>›]$"
)
# Old iOS: "2013-08-06-PHOTO-00000006.jpg <attached>".
OLD_ATTACHED_RE = LazyPattern(
    rf"^{MARK}*(?P<name>[^<>‹›\n]*[^<>‹›\s]) {MARK}*[<‹](?:{markers.ATTACHED_WORDS})[>›]$"
)
# Android: "IMG-20230102-WA0001.jpg (file attached)", in every UI language.
FILE_ATTACHED_RE = LazyPattern(
    rf"^{MARK}*(?P<name>[^\n]+?) {MARK}*\((?:{markers.FILE_ATTACHED_WORDS})\)$"
)
# iOS without media: "Schedule.pdf • ‎2 pages ‎document omitted".
_DOCUMENT_WORDS = "|".join(
    re.escape(text) for text, (kind, _) in markers.placeholder_strings().items()
    if kind == "document_omitted")
# The title comes first; a bullet (page count) or a direction mark sets the placeholder off
# from it, so "the Word document omitted" written by a person stays text.
DOCUMENT_OMITTED_RE = LazyPattern(
    rf"^{MARK}*(?P<name>[^\n•]*[^\n•\s\u200e\u200f])"
    rf"(?:\s*•[^\n]*?[\s\u200e\u200f]+|\s*[\u200e\u200f][\s\u200e\u200f]*)"
    rf"(?:{_DOCUMENT_WORDS})\.?$", re.IGNORECASE
)
# "location: https://maps.google.com/?q=51.5,-0.12" (Android), "Location: …" (iOS), translated.
LOCATION_RE = LazyPattern(
    rf"^(?:{markers.LOCATION_WORDS}) ?: ?https?://\S+", re.IGNORECASE
)
# Android, a place: "Riverside Park (Mill Lane): https://foursquare.com/v/…".
PLACE_RE = re.compile(r"^[^\n]{1,200}: https://foursquare\.com/\S+$")
# A poll, in any language: "POLL:" / "ENCUESTA:" alone on the first line, the question, then
# its options ("OPTION: Me (2 votes)"), all starting with the same word; both words are
# written in capitals (`is_poll` checks that, where the script has capitals).
POLL_RE = re.compile(
    r"^(?P<head>[^\W\d_][^\s:]{1,24}) ?:\n[^\n]+(?:\n[^\n]+)*?"
    r"(?P<options>(?:\n(?P<option>[^\W\d_][^\s:]{1,24}) ?: [^\n]* \(\d+ [^\W\d_]+\))"
    r"(?:\n(?P=option) ?: [^\n]* \(\d+ [^\W\d_]+\))*)$"
)


def is_poll(text: str) -> bool:
    poll = POLL_RE.match(text)
    return poll is not None and all(word == word.upper() for word in poll.group("head", "option"))
STRONG_SYSTEM_PREFIXES = (
    "Messages and calls are end-to-end encrypted", "Messages to this group are now secured",
    "Los mensajes y las llamadas están cifrados", "Nachrichten und Anrufe sind Ende-zu-Ende",
    "Les messages et les appels sont chiffrés", "As mensagens e as chamadas são protegidas",
    "As mensagens e chamadas são encriptadas", "I messaggi e le chiamate sono crittografati",
    "Berichten en gesprekken worden end-to-end", "Your security code with",
    "Tu código de seguridad con", "Deine Sicherheitsnummer für",
)
STRONG_SYSTEM_SUFFIXES = (
    "security code changed. Tap to learn more.", "security code changed",
    "changed their phone number to a new number. Tap to message or add the new number.",
    "Tap to change.", "Toca para obtener más información.", "Tippe, um mehr zu erfahren.",
)
# System messages that carry an actor ("Sarah added Tom"). On Android they have no author
# slot; on iOS the chat name or the actor fills it, so the text decides, not the slot.
SYSTEM_RE = re.compile(
    r"""(?x)
    end-to-end\ encrypted|created\ (?:the\ )?group|\ added\ |\ removed\ |\ left$|\ joined\ using
    |changed\ the\ (?:subject|group\ description|group\ name)|changed\ (?:this\ group's|the\ group)\ icon
    |deleted\ this\ group's\ icon|changed\ the\ settings|changed\ this\ group's\ settings
    |changed\ their\ phone\ number|is\ now\ an\ admin|now\ an\ admin|no\ longer\ an\ admin
    |security\ code|disappearing\ messages|pinned\ a\ message|updated\ the\ message\ timer
    |started\ a\ call|changed\ to\ \+|\ joined$|created\ this\ group|turned\ (?:on|off)\ admin\ approval
    |joined\ from\ the\ community|requested\ to\ join|reset\ this\ group's\ invite\ link
    |cifrados\ de\ extremo|creó\ el\ grupo|añadió\ a|\ salió(?:\ del\ grupo)?$|\ eliminó\ a
    |cambió\ el\ asunto|cambió\ (?:el\ ícono|la\ imagen|la\ descripción)|se\ unió
    |Ende-zu-Ende|hat\ die\ Gruppe|hinzugefügt$|hat\ die\ Gruppe\ verlassen|entfernt$
    |hat\ den\ Betreff|hat\ das\ Gruppenbild|hat\ die\ Gruppenbeschreibung|Sicherheitsnummer
    |chiffrés\ de\ bout|a\ créé\ le\ groupe|\ a\ ajouté\ |\ est\ parti|\ a\ retiré\ |a\ changé\ le\ sujet
    |a\ modifié\ (?:l'icône|la\ description)
    |criptografia\ de\ ponta|criou\ o\ grupo|\ adicionou\ |\ saiu$|\ removeu\ |mudou\ o\ assunto
    |mudou\ a\ imagem|mudou\ a\ descrição
    """
)
# The head of an Android system line whose text holds ": " ('X changed the subject to "A: B"'):
# what sits before the colon is then no author.
SYSTEM_HEAD_RE = re.compile(
    r"changed the (?:subject|group description|group name)|created group|cambió el asunto"
    r"|creó el grupo|hat den Betreff|hat die Gruppe|a changé le sujet|a créé le groupe"
    r"|mudou o assunto|criou o grupo| added | removed |añadió a| a ajouté | adicionou "
)
SYSTEM_LANGS = (
    ("es", re.compile(r"cifrados|creó|añadió|salió|eliminó a|cambió|se unió")),
    ("de", re.compile(r"Ende-zu-Ende|hat die|hat den|hat das|hinzugefügt|entfernt|Sicherheits")),
    ("fr", re.compile(r"chiffrés| a créé| a ajouté| est parti| a retiré| a changé| a modifié")),
    ("pt", re.compile(r"criptografia|criou|adicionou|saiu|removeu|mudou")),
    ("en", re.compile(r"encrypted|created|added|left|removed|changed|security code|joined|"
                      r"admin|pinned|Tap to")),
)
YOU_PREFIXES = ("You ", "Tú ", "Du ", "Vous ", "Você ", "Hai ")
# What sends a message from the fast path to the full classification: its first three
# characters, its last one or three, a first line ending in one of ")>›:" (a file with a
# caption, a poll), or an exact placeholder. Each test is a set lookup on a short slice.
_LOCATION_HEADS = tuple(
    f"{form}: " for word in markers.LOCATION_WORDS.split("|")
    for form in {word, word.lower(), word[:1].upper() + word[1:]})
SPECIAL_PREFIXES = (_LOCATION_HEADS + STRONG_SYSTEM_PREFIXES + YOU_PREFIXES
                    + tuple(m[:3] for m in EDITED_MARKERS))
SPECIAL_HEADS = frozenset(p[:3] for p in SPECIAL_PREFIXES)
# Android writes no author slot on system lines, so there "You …" is only text.
SPECIAL_HEADS_ANDROID = frozenset(p[:3] for p in SPECIAL_PREFIXES if p not in YOU_PREFIXES)
SPECIAL_FIRST = frozenset(MARK_CHARS + " \t<‹")
SPECIAL_TAILS = frozenset(MARK_CHARS + " \t>)›" + "".join(s[-1] for s in STRONG_SYSTEM_SUFFIXES))
SPECIAL_TAILS3 = frozenset(text[-3:] for text, (kind, _) in FIXED_KINDS.items()
                           if kind == "document_omitted")
SPECIAL_LINE_ENDS = frozenset(")>›:")


def placeholder_of(kind: str, text: str, media: str | None) -> str | None:
    """The language-free name of what a message of this kind and text stands for."""
    if kind in ("text", "system"):
        return None
    if kind in ("poll", "location"):
        first = text.split("\n", 1)[0].strip(MARK_CHARS + " \t")
        found = FIXED_KINDS.get(first)
        return found[0] if found is not None else kind
    first = text.split("\n", 1)[0].strip(MARK_CHARS + " \t")
    found = FIXED_KINDS.get(first)
    if found is not None:
        return found[0]
    if DOCUMENT_OMITTED_RE.match(first):
        return "document_omitted"
    return "attached" if media is not None else None


# ---------------------------------------------------------------------------- reading


TextOpener = Callable[[], IO[str]]
# ChatParser._settle: (held, held_body, head, date, time, body, line, cut) -> (out, held, body)
Settle = Callable[[Message | None, str, str, str, str, str, int, bool],
                  tuple[Message | None, Message, str]]


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def encoding_of(head: bytes) -> str:
    """UTF-8 (with or without BOM) as WhatsApp writes it; UTF-16 when a BOM says so."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8-sig"


CUT = ""  # what `line_chunks` yields after a line it had to cut (no chunk is ever empty)


def line_chunks(stream: IO[str], size: int | None = None) -> Iterator[str]:
    """Chunks of about `size` characters that end at a line end (or the file's end).

    A line longer than MAX_LINE_CHARS is no chat line (WhatsApp caps a message at 65,536
    characters): its first MAX_LINE_CHARS characters end a chunk (with a line end added), the
    rest of the line is read and dropped in pieces of that size (memory stays flat), and `CUT`
    follows, so the caller can mark its message as cut. A NUL (past the binary sniff) becomes
    U+FFFD: SQLite's text functions and FTS stop at a NUL, so "a\0b" would be found as "a".
    """
    size = size or CHUNK_CHARS
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        if not chunk.endswith("\n"):
            rest = stream.readline(MAX_LINE_CHARS)
            chunk += rest
            if len(rest) >= MAX_LINE_CHARS and not rest.endswith("\n"):
                while (more := stream.readline(MAX_LINE_CHARS)) and not more.endswith("\n"):
                    pass
                yield _without_nul(chunk) + "\n"
                yield CUT
                continue
        yield _without_nul(chunk)


def _without_nul(chunk: str) -> str:
    """The chunk with each NUL (the line's rest read by `readline` too) as U+FFFD."""
    return chunk.replace("\0", "\ufffd") if "\0" in chunk else chunk


# ---------------------------------------------------------------------------- the inner loop

PURE_PARSER_ENV = "CHATBOOK_PURE_PARSER"  # set (not "0"): the pure-Python loop, even if built


class LoopRunner(Protocol):
    """The inner loop over one chunk: `PlainRunner`, or `_fastloop.Runner` (the same in C)."""

    def split(self, chunk: str) -> list[str]: ...

    def missed(self, parts: list[str], stride: int) -> bool: ...

    def run(self, out: list[Message], heads_in: list[str], dates_in: list[str],
            times_in: list[str], seconds_in: list[str] | None, bodies: list[str],
            held: Message | None, held_body: str, line: int, last_date: str, day: str
            ) -> tuple[Message | None, str, int, str, str]: ...


def compiled_loop() -> Callable[..., LoopRunner] | None:
    """The compiled inner loop (`toolkit/ingest/_fastloop.c`), or None where it is not built
    or `CHATBOOK_PURE_PARSER` asks for the pure-Python one (read at each parse, so the two can
    be compared side by side in one process)."""
    if _fastloop is None or os.environ.get(PURE_PARSER_ENV, "") not in ("", "0"):
        return None
    return _fastloop.Runner


# Whether the compiled loop's header matcher was written for this file's pattern pieces (if one
# of them changes, the lean pattern splits again, until _fastloop.c is brought in line).
COMPILED_PIECES_MATCH = _fastloop is not None and (
    _fastloop.MARK, _fastloop.SPACE, _fastloop.PERIOD) == (MARK, SPACE, PERIOD)


class PlainRunner:
    """The parser's inner loop in Python: what `_fastloop.Runner` does in C, to the message.

    `run` takes one chunk's complete bodies with their headers, dates and times (and seconds,
    where the times have them) and the loop's state, appends the messages to hand on to `out`
    in order, and returns the new state. A plain text message from an author the chat knows
    is made here with its state in locals; everything else goes through `settle` (the
    parser's `_settle`); new dates and times through `day_of` and `parse_time`.
    """

    def __init__(self, *, authors: dict[str, str], days: dict[str, str], times: dict[str, str],
                 minutes: dict[str, str], valid_seconds: frozenset[str], firsts: frozenset[str],
                 tails: frozenset[str], tails3: frozenset[str], heads: frozenset[str],
                 head_firsts: frozenset[str], line_ends: frozenset[str],
                 fixed: dict[str, tuple[str, str | None]], fixed_max: int, ios: bool,
                 settle: Settle, day_of: Callable[[str, int], str],
                 parse_time: Callable[[str, int], str], time_text: Callable[[str, str], str],
                 message_type: type[Message], kind_text: str,
                 split: Callable[[str], list[str]],
                 recheck: Callable[[str], re.Match[str] | None] | None,
                 shape: HeaderShape | None = None, full: bool = False):
        # (`shape` and `full` are for the compiled loop, which matches headers itself)
        self.split = split
        self._recheck = recheck
        self._context = (authors, days, times, minutes, valid_seconds, firsts, tails, tails3,
                         heads, head_firsts, line_ends, fixed, fixed_max, ios, settle, day_of,
                         parse_time, time_text, message_type, kind_text)

    def missed(self, parts: list[str], stride: int) -> bool:
        """Whether the full split pattern finds a header the lean one missed, in the bodies
        (`parts[::stride]`, with the text before the first header): one search over them."""
        return self._recheck is not None and self._recheck("\x00".join(parts[::stride])) is not None

    def run(self, out: list[Message], heads_in: list[str], dates_in: list[str],
            times_in: list[str], seconds_in: list[str] | None, bodies: list[str],
            held: Message | None, held_body: str, line: int, last_date: str, day: str
            ) -> tuple[Message | None, str, int, str, str]:
        """One chunk: returns (held, held_body, line, last_date, day) after it."""
        (authors, days, times, minutes, valid_seconds, firsts, tails, tails3, heads,
         head_firsts, line_ends, fixed, fixed_max, ios, settle, day_of, parse_time, time_text,
         message_type, kind_text) = self._context
        append = out.append
        # (not strict: without seconds, `seconds_in` repeats None without end)
        for h, d, t, sec, complete in zip(heads_in, dates_in, times_in,
                                          itertools.repeat(None) if seconds_in is None
                                          else seconds_in, bodies, strict=False):
            slot, _, text = complete.partition(": ")
            author = authors.get(slot)
            # (with an author, the slot holds no line end: a line end is in the text)
            multiline = "\n" in complete
            if (not author or not text or (c := text[0]) in firsts or text[-1] in tails
                    or (c in head_firsts and text[:3] in heads)
                    or (ios and ((c == slot[0] and text.startswith(slot)) or (
                        # (a text without wide characters answers "in" at once)
                        ("•" in text or "\u200e" in text or "\u200f" in text)
                        and text[-3:] in tails3)))
                    or (multiline and text[text.index("\n") - 1] in line_ends)
                    or (len(text) <= fixed_max and text in fixed)):
                settled, held, held_body = settle(held, held_body, h, d,
                                                  t if sec is None else time_text(t, sec),
                                                  complete, line, False)
                if settled is not None:
                    append(settled)
            else:
                if d != last_date:  # runs of messages share a day
                    day = days.get(d) or day_of(d, line)
                    last_date = d
                if sec is None:  # a time without seconds
                    sent_at = day + (times.get(t) or parse_time(t, line))
                else:
                    clock = minutes.get(t) if sec in valid_seconds else None
                    sent_at = (f"{day}{clock}:{sec}" if clock is not None
                               else day + parse_time(time_text(t, sec), line))
                if held is not None:
                    append(held)
                held = new_tuple(message_type, (sent_at, author, text, kind_text, None, False,
                                                line))
                held_body = complete
            line += complete.count("\n") + 1 if multiline else 1
        return held, held_body, line, last_date, day


@dataclass
class ExportFormat:
    """What the parser found out about one export; reported back to the user."""

    shape: HeaderShape
    date_order: str
    date_order_reason: str
    langs: Counter[str] = field(default_factory=Counter)
    cut_lines: list[int] = field(default_factory=list)  # where messages were cut short

    @property
    def lang(self) -> str | None:
        return self.langs.most_common(1)[0][0] if self.langs else None

    @property
    def locale(self) -> str | None:
        """A guess from the UI language of the export and its date order (en-GB vs en-US)."""
        lang = self.lang
        if lang == "en":
            return {"dmy": "en-GB", "mdy": "en-US"}.get(self.date_order, "en")
        return lang

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "format": self.shape.describe(), "date_order": self.date_order,
            "date_order_reason": self.date_order_reason, "locale": self.locale}
        if self.cut_lines:
            found["cut_lines"] = list(self.cut_lines)
        return found


class ChatParser:
    """Parse one export; `opener` gives a fresh text stream each time (the file is read twice
    at most: once for the day/month order, once for the messages)."""

    def __init__(self, opener: TextOpener, source: str, *, date_order: str = "auto",
                 chat_name: str | None = None):
        if date_order not in ("auto", *DATE_ORDERS):
            raise InputError(f"unknown date order {date_order!r} (use auto, dmy, mdy or ymd)",
                             source)
        self.opener = opener
        self.source = source
        self.requested_order = date_order
        self.chat_name = chat_name
        self._format: ExportFormat | None = None
        self._header: re.Pattern[str] | None = None
        self._splitter: re.Pattern[str] | None = None
        self._lean: re.Pattern[str] | None = None
        self._dates: dict[str, str] = {}
        self._times: dict[str, str] = {}
        self._minutes: dict[str, str] = {}  # a time without its seconds -> "HH:MM"
        self._days: dict[str, str] = {}  # a header's date -> "YYYY-MM-DDT"
        self._seconds_sep: str | None = None  # the time separator, where times have seconds
        self._authors: dict[str, str | None] = {}
        # The authors the fast path may take as they are: not the chat's name (on iOS a
        # system line carries it in the author slot).
        self._plain_authors: dict[str, str] = {}

    # -- detection

    @property
    def format(self) -> ExportFormat:
        if self._format is None:
            self._format = self._detect()
        return self._format

    def _detect(self) -> ExportFormat:
        try:
            return self._detect_unchecked()
        except UnicodeDecodeError as error:
            raise self._decode_error(error) from None

    def _detect_unchecked(self) -> ExportFormat:
        shape, heads = self._detect_shape()
        self._seconds_sep = shape.time_sep if shape.seconds else None
        self._header = shape.pattern()
        self._splitter = shape.splitter()
        lean = shape.splitter(lean=True)
        # Marks inside a header of the head (Arabic dates) make the lean splitter miss most
        # headers: correct (they are found again) but slow, so such a file splits in full.
        self._lean = lean if all(lean.match("\n" + line) for line in heads) else self._splitter
        if self.requested_order != "auto":
            order, reason = self.requested_order, "given"
        else:
            order, reason = self._infer_order()
        return ExportFormat(shape, order, reason)

    def _detect_shape(self) -> tuple[HeaderShape, list[str]]:
        """The export's header shape, and the head's header lines of that shape."""
        shapes: Counter[HeaderShape] = Counter()
        heads: list[tuple[HeaderShape, str]] = []
        first_text_line: tuple[int, str] | None = None
        starts_line = True  # a piece of an over-long line is no line of its own
        with self.opener() as stream:
            for number in range(1, HEAD_LINES + 1):
                line = stream.readline(MAX_LINE_CHARS)
                if not line:
                    break
                at_start, starts_line = starts_line, line.endswith("\n")
                if not at_start:
                    continue
                if first_text_line is None and line.strip(MARK_CHARS + " \t\r\n"):
                    first_text_line = (number, line)
                match = GENERIC_HEADER.match(line)
                shape = shape_of(match) if match else None
                if shape is not None:
                    shapes[shape] += 1
                    heads.append((shape, line[:200]))
        if first_text_line is None:
            raise InputError("the file is empty: not a WhatsApp chat export", self.source)
        if not shapes:
            raise InputError("not a WhatsApp chat export: no line looks like a message header "
                             "(date, time, author)", self.source, first_text_line[0])
        shape = shapes.most_common(1)[0][0]
        number, line = first_text_line
        if not shape.pattern().match(line):
            raise InputError("not a WhatsApp chat export: the first line is not a message header",
                             self.source, number)
        return shape, [text for found, text in heads if found == shape]

    def _infer_order(self) -> tuple[str, str]:
        """Day/month order from the dates of the whole file (stops at the first deciding one)."""
        assert self._header is not None
        previous: tuple[int, int, int] | None = None
        last_text = ""
        decreased = [False, False]
        changes = [0, 0]
        seen = False
        with self.opener() as stream:
            for chunk in line_chunks(stream):
                for match in self._header.finditer(chunk):
                    text = match["d"]
                    if text == last_text:
                        continue
                    last_text = text
                    fields = date_fields(text)
                    if fields is None:
                        continue
                    seen = True
                    first, second, third = fields
                    if first > 31:
                        return "ymd", "the first date field is a year"
                    if first > 12:
                        return "dmy", f"a first field above 12 ({text.strip()})"
                    if second > 12:
                        return "mdy", f"a second field above 12 ({text.strip()})"
                    if previous is not None and previous[2] == third:
                        for index in (0, 1):
                            if fields[index] < previous[index]:
                                decreased[index] = True
                            if fields[index] != previous[index]:
                                changes[index] += 1
                    previous = fields
        if not seen:
            return "dmy", "no dates (default)"
        if decreased[0] != decreased[1]:
            return ("dmy", "the first field decreases within a year") if decreased[0] else (
                "mdy", "the second field decreases within a year")
        if changes[0] != changes[1]:
            return ("dmy", "the first field changes more often") if changes[0] > changes[1] else (
                "mdy", "the second field changes more often")
        return "dmy", "ambiguous dates (default dmy; use --date-order to force)"

    # -- messages

    def __iter__(self) -> Iterator[Message]:
        return self._messages()

    def _decode_error(self, error: UnicodeDecodeError) -> InputError:
        """The error naming the line of the first undecodable bytes, where we can find it."""
        locate = getattr(self.opener, "first_bad_line", None)
        line = locate() if locate is not None else None
        return InputError(f"not UTF-8 text ({error.reason}); export the chat again",
                          self.source, line)

    def _messages(self) -> Iterator[Message]:
        """The messages, handed on from one list per chunk (`_batches`) by C-level iteration."""
        return itertools.chain.from_iterable(self._batches())

    def _runner(self) -> LoopRunner:
        """The inner loop over a chunk's split parts: compiled (`_fastloop.Runner`) when it is
        built and not turned off by `CHATBOOK_PURE_PARSER`, else `PlainRunner`; both take and
        give the same state and append the same messages."""
        shape = self.format.shape
        ios = shape.bracket
        # iOS puts the actor or the chat's name in the author slot of a system line, and
        # writes "document omitted" after a title; Android does neither.
        heads = SPECIAL_HEADS if ios else SPECIAL_HEADS_ANDROID
        assert self._lean is not None and self._splitter is not None
        lean = self._lean is not self._splitter
        runner: Callable[..., LoopRunner] = compiled_loop() or PlainRunner
        return runner(
            split=self._lean.split, recheck=self._splitter.search if lean else None,
            # the compiled loop matches the split pattern's headers itself (the lean one's, or
            # the full one's), where it was written for this file's pattern pieces
            shape=shape if COMPILED_PIECES_MATCH else None, full=not lean,
            authors=self._plain_authors, days=self._days, times=self._times,
            minutes=self._minutes, valid_seconds=SECONDS, firsts=SPECIAL_FIRST,
            tails=SPECIAL_TAILS, tails3=SPECIAL_TAILS3, heads=heads,
            head_firsts=frozenset(head[0] for head in heads), line_ends=SPECIAL_LINE_ENDS,
            fixed=FIXED_KINDS, fixed_max=FIXED_MAX, ios=ios, settle=self._settle,
            day_of=self._day, parse_time=self._parse_time, time_text=self._time_text,
            message_type=Message, kind_text="text")

    def _batches(self) -> Iterator[list[Message]]:
        """The messages of each line-aligned chunk, as a list.

        This is the hot loop of every import. `re.split` cuts a chunk into [text before the
        first header, header, date, time, body, header, date, time, body, ...] in C; a body is
        complete when the next header follows it (the last one of a chunk may go on in the next
        chunk, so it stays pending). The split pattern starts with the line end before a header
        (a literal `re` scans for in C), so complete bodies come without their final line end,
        as messages keep them; a header at the very start of a chunk is matched on its own.

        A message is held back until the next header is known to start a message of its own
        (`_settle` may instead make that header's line part of it). The complete bodies of a
        chunk go through the runner (`_runner`), which makes a plain text message from a known
        author itself and sends everything else through `_settle`, which decides the same way
        by the full rules. A list per chunk, flattened by `chain`, costs no Python step per
        message; when an error stops a chunk, the messages before it are still handed on.
        """
        _ = self.format
        header, full, lean = self._header, self._splitter, self._lean
        assert header is not None and full is not None and lean is not None
        full_split = full.split
        # With seconds, most times are new ones, and a cache of every time seen is a large
        # dict read at random (a cache miss per message): the time without its seconds is
        # looked up instead (at most 1,440 of them) and the seconds put back, as `_parse_time`
        # does for a new time. The splitter cuts the time into those parts in C (groups hm, s
        # and tail): a list of them per chunk costs less than slicing each time in Python.
        stride = 4 if self._seconds_sep is None else 5 + (self.format.shape.period == "after")
        time_text, settle = self._time_text, self._settle
        # The lean splitter misses a header only where marks sit inside it, or digits other
        # than ASCII: such a header would be a line of some body; the runner's `missed`
        # searches the bodies for one.
        runner = self._runner()
        split, missed, run = runner.split, runner.missed, runner.run
        held: Message | None = None  # the last message, until the next header is settled
        held_body = ""
        pending = cut = False  # a body that may go on in the next chunk; cut short?
        head = date_text = time_full = body = ""
        pending_lines = 0  # line ends seen in the pending body (also those cut off)
        line = 1  # the line of the next header to settle (of the pending body while pending)
        last_date = day = ""
        with self.opener() as stream:
            chunks = line_chunks(stream)
            while True:
                try:
                    chunk = next(chunks, None)
                except UnicodeDecodeError as error:  # decoding happens as chunks are read
                    raise self._decode_error(error) from None
                if chunk is None:
                    break
                if chunk is CUT or not chunk:
                    cut = cut or pending
                    continue
                out: list[Message] = []
                parts = split(chunk)
                if missed(parts, stride):
                    parts = full_split(chunk)
                first = parts[0]
                opening = header.match(first)
                if pending:
                    if opening is None:  # the pending body goes on
                        pending_lines += first.count("\n")
                        if len(body) < MAX_MESSAGE_CHARS:  # beyond it, lines are dropped
                            body += first
                            if len(body) > MAX_MESSAGE_CHARS:
                                body, cut = body[:MAX_MESSAGE_CHARS], True
                        if len(parts) == 1:
                            continue
                        advance = pending_lines + 1  # the split took the line end
                        if cut and body.endswith("\n"):  # the line end added at a cut
                            body = body[:-1]
                    else:  # it ended with the previous chunk, and its final line end
                        advance = pending_lines
                        if body.endswith("\n"):
                            body = body[:-1]
                    settled, held, held_body = settle(held, held_body, head, date_text,
                                                      time_full, body, line, cut)
                    if settled is not None:
                        out.append(settled)
                    line += advance
                    pending = cut = False
                elif opening is None:
                    if first.strip(MARK_CHARS + " \t\r\n"):
                        raise InputError("text before the first message header", self.source,
                                         line)
                    line += first.count("\n") + (len(parts) > 1)
                heads_in, dates_in, times_in, bodies = (parts[1::stride], parts[2::stride],
                                                        parts[3::stride], parts[stride::stride])
                seconds_in: list[str] | None = None  # the seconds, where times have them
                if stride == 6:  # the hour and minute, then the day period: one key
                    times_in = list(map(str.__add__, times_in, parts[5::6]))
                if stride != 4:
                    seconds_in = parts[4::stride]
                if opening is not None:
                    heads_in.insert(0, opening.group())
                    dates_in.insert(0, opening["d"])
                    bodies.insert(0, first[opening.end() :])
                    if seconds_in is None:
                        times_in.insert(0, opening["t"])
                    else:
                        tail = opening["tail"] if stride == 6 else ""
                        times_in.insert(0, opening["hm"] + tail)
                        seconds_in.insert(0, opening["s"])
                if not bodies:
                    if out:
                        yield out
                    continue
                # The chunk's last body may go on in the next chunk.
                head, date_text, body = heads_in.pop(), dates_in.pop(), bodies.pop()
                time_full = times_in.pop()
                if seconds_in is not None:
                    time_full = time_text(time_full, seconds_in.pop())
                pending, pending_lines = True, body.count("\n")
                if len(body) > MAX_MESSAGE_CHARS:
                    body, cut = body[:MAX_MESSAGE_CHARS], True
                try:
                    held, held_body, line, last_date, day = run(
                        out, heads_in, dates_in, times_in, seconds_in, bodies, held, held_body,
                        line, last_date, day)
                except Exception:
                    if out:  # the messages before the error, as the error's line says
                        yield out
                    raise
                if out:
                    yield out
        out = []
        if pending:
            if body.endswith("\n"):
                body = body[:-1]
            settled, held, held_body = settle(held, held_body, head, date_text, time_full, body,
                                              line, cut)
            if settled is not None:
                out.append(settled)
        if held is not None:
            out.append(held)
        if out:
            yield out

    def _settle(self, held: Message | None, held_body: str, head: str, date_text: str,
                time_text: str, body: str, line: int, cut: bool
                ) -> tuple[Message | None, Message, str]:
        """Settle the header `head` (with its `body`) that follows the held message: either a
        message of its own (the held one can go out) or a line of the held message.

        Returns the message to yield now (or None), the message now held, and its body.
        """
        sent_at = f"{self._dates.get(date_text) or self._parse_date(date_text, line)}T" \
                  f"{self._times.get(time_text) or self._parse_time(time_text, line)}"
        if held is not None and self._continues(held, held_body, sent_at, body):
            merged = f"{held_body}\n{head}{body}"
            cut = cut or held.cut
            if len(merged) > MAX_MESSAGE_CHARS:
                merged, cut = merged[:MAX_MESSAGE_CHARS], True
            message = self._message(held.sent_at, held.line, merged)
            return None, self._mark_cut(message) if cut else message, merged
        message = self._message(sent_at, line, body)
        return held, self._mark_cut(message) if cut else message, body

    def _time_text(self, time: str, seconds: str) -> str:
        """A header's time as written, from the splitter's parts: `time` without its seconds
        (the hour and minute, with the day period before or after them), and the seconds."""
        sep = self._seconds_sep
        assert sep is not None
        if self.format.shape.period != "after":
            return f"{time}{sep}{seconds}"
        at = time.find(sep) + 3  # "7:58 PM": the hour and minute come first
        return f"{time[:at]}{sep}{seconds}{time[at:]}"

    def _mark_cut(self, message: Message) -> Message:
        if not message.cut:
            self.format.cut_lines.append(message.line)
        return new_tuple(CutMessage, tuple(message))  # type: ignore[no-any-return]

    def _continues(self, held: Message, held_body: str, sent_at: str, body: str) -> bool:
        """Whether a header-shaped line is a line of the held message, by votes.

        A pasted "13/03/2024, 09:00 - kickoff" under "Noah: Agenda:" has the export's header
        shape. What says it is text: no "Author: " part on its line; a time earlier than the
        message before (WhatsApp writes messages in order; a pasted line quotes the past); the
        message before ending its last line with ":" (a list follows); and a text that is no
        system message or placeholder we know. Three votes make it a line of the message
        before; an author the chat knows makes it a message. No single vote decides, so a
        clock that went back, or a system message we do not know, does not swallow a message.
        """
        first = body.split("\n", 1)[0]
        slot, sep, rest = first.partition(": ")
        if sep and self._authors.get(slot):
            return False
        votes = 0 if sep else 1
        if sent_at < held.sent_at:
            votes += 1
        if held.text[held.text.rfind("\n") + 1 :].rstrip(MARK_CHARS + " \t").endswith(":"):
            votes += 1
        if votes == 2 and not self._known_text(rest if sep else first):
            votes += 1
        return votes >= 3

    @staticmethod
    def _known_text(text: str) -> bool:
        """Is this a system message or placeholder text that we know (in any language)?"""
        text = text.strip(MARK_CHARS + " \t")
        return bool(text in FIXED_KINDS or text.startswith(STRONG_SYSTEM_PREFIXES)
                    or text.endswith(STRONG_SYSTEM_SUFFIXES) or SYSTEM_RE.search(text)
                    or ATTACHED_RE.search(text) or FILE_ATTACHED_RE.match(text))

    def _message(self, sent_at: str, line: int, body: str) -> Message:
        """One message by the full rules (the body without its final line end)."""
        first = body.split("\n", 1)[0] if "\n" in body else body
        slot, sep, _ = first.partition(": ")
        if not sep:
            # "Ana:" with nothing after it is Ana's empty message, not a system line.
            stripped = first.rstrip(MARK_CHARS + " \t")
            if stripped.endswith(":") and len(stripped) > 1:
                author = self._author_of(stripped[:-1])
                if author is not None:
                    return self._classify(sent_at, author, stripped[:-1],
                                          body[len(first) + 1 :], line)
            return self._system(sent_at, body, line)
        author = self._authors.get(slot, "")
        if author == "":
            author = self._author_of(slot)
        if author is None:  # 'X changed the subject to "A: B"': the colon was in the text
            return self._system(sent_at, body, line)
        return self._classify(sent_at, author, slot, body[len(slot) + 2 :], line)

    def _author_of(self, slot: str) -> str | None:
        """The author as written minus direction marks; None when the slot is a system head."""
        author: str | None = slot.strip(MARK_CHARS + " ")
        for mark in MARK_CHARS:
            if author and mark in author:
                author = author.replace(mark, "")
        if not author or SYSTEM_HEAD_RE.search(slot):
            author = None
        self._authors[slot] = author
        if author is not None and (slot != self.chat_name or not self.format.shape.bracket):
            self._plain_authors[slot] = author
        return author

    def _system(self, sent_at: str, text: str, line: int) -> Message:
        text = text.lstrip(MARK_CHARS)
        self._note_lang(text)
        return Message(sent_at, None, text, "system", None, False, line)

    def _note_lang(self, text: str) -> None:
        for lang, pattern in SYSTEM_LANGS:
            if pattern.search(text):
                self.format.langs[lang] += 1
                return

    def _classify(self, sent_at: str, author: str, slot: str, text: str, line: int) -> Message:
        marked = False
        if text[:1] in MARK_SET:
            text = text.lstrip(MARK_CHARS)
            marked = True
        edited = False
        if text.endswith(">"):
            for marker in EDITED_MARKERS:
                if text.endswith(marker):
                    text = text[: -len(marker)].rstrip(MARK_CHARS + " ")
                    edited = True
                    break
        first = text.split("\n", 1)[0] if "\n" in text else text
        key = first.strip(MARK_CHARS + " \t")
        found = FIXED_KINDS.get(key) if len(key) <= FIXED_MAX else None
        if found is not None and (key == text.strip(MARK_CHARS + " \t")
                                  or markers.PLACEHOLDERS[found[0]] in ("media", "contact")):
            # a placeholder alone, or a media placeholder with its caption below it
            if found[1] is not None:
                self.format.langs[found[1]] += 1
            kind = markers.PLACEHOLDERS[found[0]]
            return Message(sent_at, author, text, kind, None, edited, line)
        ios = self.format.shape.bracket  # iOS: the actor or chat name may fill the slot
        if text.startswith(STRONG_SYSTEM_PREFIXES) or text.endswith(STRONG_SYSTEM_SUFFIXES) or (
            (marked or (ios and (slot == self.chat_name or text.startswith(YOU_PREFIXES)
                                 or (text.startswith(slot)
                                     and text[len(slot) : len(slot) + 1] == " "))))
            and SYSTEM_RE.search(first)
        ):
            return self._system(sent_at, text, line)
        if "\n" in text and first.endswith(":") and is_poll(text):
            return Message(sent_at, author, text, "poll", None, edited, line)
        if LOCATION_RE.match(text) or PLACE_RE.match(first):
            return Message(sent_at, author, text, "location", None, edited, line)
        if first.endswith((">", "›")):
            attached = ATTACHED_RE.search(first) or OLD_ATTACHED_RE.match(first)
            if attached:
                return self._media(sent_at, author, text, attached["name"], edited, line)
        elif first.endswith(")"):
            attached = FILE_ATTACHED_RE.match(first)
            if attached:
                return self._media(sent_at, author, text, attached["name"], edited, line)
        elif ios and first[-3:] in SPECIAL_TAILS3:
            document = DOCUMENT_OMITTED_RE.match(first)
            if document:
                return self._media(sent_at, author, text, document["name"], edited, line)
        return Message(sent_at, author, text, "text", None, edited, line)

    def _media(self, sent_at: str, author: str, text: str, name: str, edited: bool,
               line: int) -> Message:
        name = name.strip(MARK_CHARS + " ")
        for mark in MARK_CHARS:
            if mark in name:
                name = name.replace(mark, "")
        kind = "contact" if name.lower().endswith(".vcf") else "media"
        return Message(sent_at, author, text, kind, name, edited, line)

    # -- dates and times

    def _day(self, text: str, line: int) -> str:
        """The date of a header with the "T" that joins it to the time (the fast path's)."""
        day = self._days[text] = f"{self._dates.get(text) or self._parse_date(text, line)}T"
        return day

    def _parse_date(self, text: str, line: int) -> str:
        fields = date_fields(text)
        order = self.format.date_order
        if fields is None:
            raise InputError(f"unreadable date {text!r}", self.source, line)
        day = day_from_fields(fields, order)
        if day is None:
            raise InputError(
                f"invalid date {text.strip(MARK_CHARS + ' ')!r} read as {order} "
                "(use --date-order if the day/month order is wrong)", self.source, line
            )
        iso = day.isoformat()
        self._dates[text] = iso
        return iso

    def _parse_time(self, text: str, line: int) -> str:
        """The time of a header. With seconds most times are new ones, so the seconds are
        cut out and the rest (the hour, minute and day period) is looked up in turn."""
        sep = self._seconds_sep
        if sep is None:
            iso = f"{self._minutes.get(text) or self._parse_clock(text, line)}:00"
            self._times[text] = iso
            return iso
        # "7:58:03 PM": the seconds are the two digits after the separator that follows the
        # minutes (string slicing; the regex below only for anything unusual)
        cut = text.find(sep) + 3
        seconds = text[cut + 1 : cut + 3]
        if text[cut : cut + 1] == sep and seconds.isascii() and seconds.isdigit():
            rest = text[:cut] + text[cut + 3 :]
        else:
            found = SECONDS_RE.search(text)
            if found is None:
                raise InputError(f"unreadable time {text!r}", self.source, line)
            seconds = f"{int(found['s']):02d}"
            rest = text[: found.end("hm")] + text[found.end() :]
        if seconds > "59":
            raise InputError(f"invalid time {text!r}", self.source, line)
        iso = f"{self._minutes.get(rest) or self._parse_clock(rest, line)}:{seconds}"
        self._times[text] = iso
        return iso

    def _parse_clock(self, text: str, line: int) -> str:
        """Hour and minute ("HH:MM") of a time without its seconds."""
        found = TIME_RE.search(text)
        if found is None:
            raise InputError(f"unreadable time {text!r}", self.source, line)
        hour, minute = int(found["h"]), int(found["mi"])
        marker = found["pb"] or found["pa"]
        if marker:
            if not 1 <= hour <= 12:
                raise InputError(f"invalid 12-hour time {text!r}", self.source, line)
            marker = marker.translate(PERIOD_DROP).lower()
            if marker in PM_MARKERS:
                hour = hour % 12 + 12
            elif marker in AM_MARKERS:
                hour = hour % 12
        if hour > 23 or minute > 59:
            raise InputError(f"invalid time {text!r}", self.source, line)
        clock = f"{hour:02d}:{minute:02d}"
        self._minutes[text] = clock
        return clock


def date_fields(text: str) -> tuple[int, int, int] | None:
    digits = re.findall(r"\d+", text)
    if len(digits) != 3:
        return None
    try:
        return int(digits[0]), int(digits[1]), int(digits[2])
    except ValueError:
        return None


# ---------------------------------------------------------------------------- entry points


def day_from_fields(fields: tuple[int, int, int], order: str) -> date | None:
    """The day three date fields name, read in `order` (dmy, mdy or ymd; a two-digit year is
    this century's); None when they name no day."""
    first, second, third = fields
    if order == "dmy":
        year, month, day = third, second, first
    elif order == "mdy":
        year, month, day = third, first, second
    else:
        year, month, day = first, second, third
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


class ByteText:
    """A text view of a byte stream that can be opened again for each pass over the file."""

    def __init__(self, open_bytes: Callable[[], IO[bytes]], encoding: str):
        self.open_bytes = open_bytes
        self.encoding = encoding

    def __call__(self) -> IO[str]:
        return io.TextIOWrapper(self.open_bytes(), encoding=self.encoding, errors="strict",
                                newline=None)

    def first_bad_line(self) -> int | None:
        """The line number of the first bytes that do not decode (only called on an error)."""
        decoder = codecs.getincrementaldecoder(self.encoding)()
        number = 1
        with self.open_bytes() as raw:
            while piece := raw.readline(MAX_LINE_CHARS):
                try:
                    decoder.decode(piece)
                except UnicodeDecodeError:
                    return number
                number += piece.endswith(b"\n")
        return None


def binary_opener(open_bytes: Callable[[], IO[bytes]], source: str) -> ByteText:
    """A text opener over a byte stream: sniffs binary content and the encoding once."""
    with open_bytes() as raw:
        head = raw.read(BINARY_SNIFF_BYTES)
    if looks_binary(head):
        raise InputError("not a WhatsApp chat export: this is a binary file", source)
    return ByteText(open_bytes, encoding_of(head))


def parse_file(path: Path, *, date_order: str = "auto",
               chat_name: str | None = None) -> ChatParser:
    """A parser over a chat export on disk; iterate it for messages, `.format` for the shape."""
    source = str(path)
    try:
        opener = binary_opener(lambda: path.open("rb"), source)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", source) from None
    return ChatParser(opener, source, date_order=date_order, chat_name=chat_name)


def parse_text(text: str, *, source: str = "<text>", date_order: str = "auto",
               chat_name: str | None = None) -> ChatParser:
    """A parser over a chat export held in a string (tests, notebooks)."""
    return ChatParser(lambda: io.StringIO(text.lstrip("\ufeff"), newline=None), source,
                      date_order=date_order, chat_name=chat_name)
