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
   size of the file, and nothing ever holds the file as a list of lines.

Message text is kept exactly as written (multi-line, no Unicode normalisation); only the export's
own artefacts are removed: direction marks around the author and before the text, and the
"<This message was edited>" marker, which becomes `edited=True`.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, NamedTuple

from toolkit.errors import InputError

DATE_ORDERS = ("dmy", "mdy", "ymd")
HEAD_LINES = 2000
CHUNK_CHARS = 1 << 16  # 64 Ki characters: larger chunks (megabytes of str) cost more to allocate
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
MARKS_RE = re.compile(MARK + "+")
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
    """One parsed message; `sent_at` is local time as written, ISO 8601 with seconds."""

    sent_at: str
    author: str | None
    text: str
    kind: str
    media: str | None
    edited: bool
    line: int


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
        """The strict header pattern of this shape, with the date and time as groups d and t."""
        return re.compile("^" + self._source(), re.MULTILINE)

    def splitter(self) -> re.Pattern[str]:
        """The header pattern with the line end before it, to split text after a line end.

        `re` scans for a leading literal character in C and tries the pattern only there;
        a leading `^` (MULTILINE) is tried at every position of the text instead.
        """
        return re.compile("\n" + self._source())

    def _source(self) -> str:
        ds = re.escape(self.date_sep)
        date_re = (rf"\d{{1,4}}{MARK}*{ds}{MARK}*[ ]?\d{{1,2}}{MARK}*{ds}{MARK}*[ ]?\d{{1,4}}"
                   + (r"\." if self.date_trail else ""))
        ts = re.escape(self.time_sep)
        time_re = rf"\d{{1,2}}{ts}\d{{2}}" + (rf"{ts}\d{{2}}" if self.seconds else "")
        if self.period == "before":
            time_re = rf"{PERIOD}[ \u00a0\u202f]?{time_re}"
        elif self.period == "after":
            time_re = rf"{time_re}{SPACE}?{PERIOD}"
        opening, closing = (r"\[", r"\]") if self.bracket else ("", "")
        return (rf"{MARK}*{opening}{MARK}*(?P<d>{date_re}){MARK}*"
                rf"{re.escape(self.sep)}(?P<t>{time_re}){MARK}*{closing}{re.escape(self.end)}")

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
# Exact placeholders (compared with direction marks, surrounding spaces and a final period
# removed, lower-cased), by language: they also tell us the language of the phone's UI.
FIXED_KINDS: dict[str, tuple[str, str]] = {}


def _fixed(lang: str, kind: str, *texts: str) -> None:
    """Register placeholders as the fast path sees them (lower-cased), with and without a final
    period; the full path also removes direction marks before looking them up."""
    for text in texts:
        FIXED_KINDS[text.lower()] = FIXED_KINDS[text.lower() + "."] = (kind, lang)


_fixed("en", "media", "<media omitted>", "image omitted", "video omitted", "audio omitted",
       "sticker omitted", "gif omitted", "document omitted", "<video note omitted>",
       "video note omitted")
_fixed("en", "contact", "contact card omitted")
_fixed("en", "deleted", "this message was deleted", "you deleted this message",
       "this message was deleted by admin")
_fixed("en", "call", "missed voice call", "missed video call", "missed group voice call",
       "missed group video call", "missed voice call, tap to call back",
       "missed video call, tap to call back", "silenced voice call", "silenced video call")
_fixed("en", "view_once", "<view once voice message omitted>", "view once voice message omitted",
       "<view once photo omitted>", "view once photo omitted", "<view once video omitted>",
       "view once video omitted", "<view once message omitted>", "view once message omitted")
_fixed("en", "location", "live location shared")
_fixed("es", "media", "<multimedia omitido>", "imagen omitida", "video omitido", "audio omitido",
       "sticker omitido", "gif omitido", "documento omitido")
_fixed("es", "contact", "tarjeta de contacto omitida")
_fixed("es", "deleted", "se eliminó este mensaje", "eliminaste este mensaje",
       "este mensaje fue eliminado", "eliminaste este mensaje")
_fixed("es", "call", "llamada de voz perdida", "videollamada perdida")
_fixed("es", "view_once", "<se omitió un archivo de visualización única>")
_fixed("es", "location", "ubicación en tiempo real compartida")
_fixed("de", "media", "<medien ausgeschlossen>", "bild weggelassen", "video weggelassen",
       "audio weggelassen", "sticker weggelassen", "gif weggelassen", "dokument weggelassen")
_fixed("de", "contact", "kontaktkarte weggelassen")
_fixed("de", "deleted", "diese nachricht wurde gelöscht", "du hast diese nachricht gelöscht")
_fixed("de", "call", "verpasster sprachanruf", "verpasster videoanruf")
_fixed("de", "location", "live-standort geteilt")
_fixed("fr", "media", "<médias omis>", "image absente", "vidéo absente", "audio omis",
       "sticker omis")
_fixed("fr", "deleted", "ce message a été supprimé", "vous avez supprimé ce message")
_fixed("fr", "call", "appel vocal manqué", "appel vidéo manqué")
_fixed("pt", "media", "<mídia oculta>", "imagem ocultada", "vídeo omitido", "áudio ocultado",
       "figurinha omitida")
_fixed("pt", "deleted", "mensagem apagada", "você apagou esta mensagem",
       "essa mensagem foi apagada")
_fixed("pt", "call", "chamada de voz perdida", "chamada de vídeo perdida")
_fixed("it", "media", "<media omessi>", "immagine omessa")
_fixed("it", "deleted", "questo messaggio è stato eliminato", "hai eliminato questo messaggio")

FIXED_LENGTHS = frozenset(len(text) for text in FIXED_KINDS)
EDITED_MARKERS = (
    "<This message was edited>", "<Se editó este mensaje.>", "<Diese Nachricht wurde bearbeitet.>",
    "<Ce message a été modifié>", "<Esta mensagem foi editada>", "<Questo messaggio è stato modificato>",
)
# "<attached: 00000012-PHOTO-2024-01-02-10-00-00.jpg>" (iOS), in several UI languages.
ATTACHED_RE = re.compile(
    rf"(?:^|\s|{MARK})<(?:attached|Anhang|adjunto|adjunto|pièce jointe|anexo|allegato) ?: "
    r"(?P<name>[^<>\n]+)>$"
)
# "IMG-20230102-WA0001.jpg (file attached)" (Android), in several UI languages.
FILE_ATTACHED_RE = re.compile(
    rf"^{MARK}*(?P<name>[^\n]+?) \((?:file attached|archivo adjunto|Datei angehängt|"
    r"fichier joint|arquivo anexado|file allegato)\)$"
)
POLL_PREFIXES = ("POLL:\n", "ENCUESTA:\n", "UMFRAGE:\n", "SONDAGE :\n", "SONDAGE:\n",
                 "ENQUETE:\n", "SONDAGGIO:\n")
LOCATION_PREFIXES = ("location: ", "Location: ", "ubicación: ", "Ubicación: ", "Standort: ",
                     "localização: ", "Localização: ", "position : ", "Position : ",
                     "posizione: ", "Posizione: ")
STRONG_SYSTEM_PREFIXES = (
    "Messages and calls are end-to-end encrypted", "Messages to this group are now secured",
    "Los mensajes y las llamadas están cifrados", "Nachrichten und Anrufe sind Ende-zu-Ende",
    "Les messages et les appels sont chiffrés", "As mensagens e as chamadas são protegidas",
    "I messaggi e le chiamate sono crittografati", "Your security code with",
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
    |deleted\ this\ group's\ icon|changed\ the\ settings|changed\ their\ phone\ number
    |is\ now\ an\ admin|now\ an\ admin|security\ code|disappearing\ messages|pinned\ a\ message
    |started\ a\ call|changed\ to\ \+|\ joined$|created\ this\ group
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
# What sends a message to the full classification: its first or last characters.
SPECIAL_PREFIXES = POLL_PREFIXES + LOCATION_PREFIXES + STRONG_SYSTEM_PREFIXES + YOU_PREFIXES
SPECIAL_HEADS = frozenset(p[:3] for p in SPECIAL_PREFIXES)  # a cheap test before startswith
assert min(map(len, SPECIAL_PREFIXES)) >= 3, "SPECIAL_HEADS needs three characters"
SPECIAL_SUFFIXES = (">", ")") + STRONG_SYSTEM_SUFFIXES
SPECIAL_TAILS = frozenset(s[-1] for s in SPECIAL_SUFFIXES)  # a cheap test before endswith


# ---------------------------------------------------------------------------- reading


TextOpener = Callable[[], IO[str]]


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def encoding_of(head: bytes) -> str:
    """UTF-8 (with or without BOM) as WhatsApp writes it; UTF-16 when a BOM says so."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8-sig"


class LineTooLong(Exception):
    """Raised by `line_chunks` after it yielded the chunk holding an endless line."""


def line_chunks(stream: IO[str], size: int | None = None) -> Iterator[str]:
    """Chunks of about `size` characters that end at a line end (or the file's end).

    A line longer than MAX_LINE_CHARS is no chat line (WhatsApp caps a message at 65,536
    characters): the chunk up to that point is yielded, so the caller knows where it is, and
    then LineTooLong is raised instead of reading the rest of the line into memory.
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
                yield chunk
                raise LineTooLong
        yield chunk


@dataclass
class ExportFormat:
    """What the parser found out about one export; reported back to the user."""

    shape: HeaderShape
    date_order: str
    date_order_reason: str
    langs: Counter[str] = field(default_factory=Counter)

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
        return {"format": self.shape.describe(), "date_order": self.date_order,
                "date_order_reason": self.date_order_reason, "locale": self.locale}


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
        self._dates: dict[str, str] = {}
        self._times: dict[str, str] = {}
        self._authors: dict[str, str | None] = {}

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
        shape = self._detect_shape()
        self._header = shape.pattern()
        self._splitter = shape.splitter()
        if self.requested_order != "auto":
            order, reason = self.requested_order, "given"
        else:
            order, reason = self._infer_order()
        return ExportFormat(shape, order, reason)

    def _detect_shape(self) -> HeaderShape:
        shapes: Counter[HeaderShape] = Counter()
        first_text_line: tuple[int, str] | None = None
        with self.opener() as stream:
            for number in range(1, HEAD_LINES + 1):
                line = stream.readline(MAX_LINE_CHARS)
                if not line:
                    break
                if first_text_line is None and line.strip(MARK_CHARS + " \t\r\n"):
                    first_text_line = (number, line)
                match = GENERIC_HEADER.match(line)
                shape = shape_of(match) if match else None
                if shape is not None:
                    shapes[shape] += 1
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
        return shape

    def _infer_order(self) -> tuple[str, str]:
        """Day/month order from the dates of the whole file (stops at the first deciding one)."""
        assert self._header is not None
        previous: tuple[int, int, int] | None = None
        last_text = ""
        decreased = [False, False]
        changes = [0, 0]
        seen = False
        with self.opener() as stream, contextlib.suppress(LineTooLong):
            # an endless line ends the look here; reading the messages reports it
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
        """Messages from line-aligned chunks.

        This is the hot loop of every import. `re.split` cuts a chunk into [text before the
        first header, date, time, body, date, time, body, ...] in C; a message is produced when
        the next header shows its body is complete (the last one of a chunk may go on in the
        next chunk). The split pattern starts with the line end before a header (a literal `re`
        scans for in C), so complete bodies come without their final line end, as messages keep
        them; a header at the very start of a chunk is matched on its own. The common case, a plain text
        message from a known author, is inlined here with its state in locals; everything else
        goes through `_message`, which decides the same way with the full rules.
        """
        _ = self.format
        header, splitter = self._header, self._splitter
        assert header is not None and splitter is not None
        split = splitter.split
        dates, times, authors = self._dates, self._times, self._authors
        chat_name, full = self.chat_name, self._message
        pending = False
        date_text = time_text = body = ""
        line = 1
        last_date = day = ""
        with self.opener() as stream:
            chunks = line_chunks(stream)
            while True:
                try:
                    chunk = next(chunks, None)
                except UnicodeDecodeError as error:  # decoding happens as chunks are read
                    raise self._decode_error(error) from None
                except LineTooLong:
                    where = line + body.count("\n") if pending else line
                    raise InputError(f"a line longer than {MAX_LINE_CHARS} characters: this is "
                                     "no chat export line", self.source, where) from None
                if chunk is None:
                    break
                parts = split(chunk)
                first = parts[0]
                # A header at the chunk's start has no line end before it in the chunk.
                opening = header.match(first)
                if pending and opening is None:  # the pending message goes on
                    body += first
                    # (+1: the split took the line end before the next header, if any)
                    if len(body) + (len(parts) > 1) > MAX_MESSAGE_CHARS:
                        raise InputError(f"a message longer than {MAX_MESSAGE_CHARS} characters: "
                                         "this is no chat export", self.source, line)
                elif pending:  # it ended with the previous chunk (and its final line end)
                    if len(body) > MAX_MESSAGE_CHARS:
                        raise InputError(f"a message longer than {MAX_MESSAGE_CHARS} characters: "
                                         "this is no chat export", self.source, line)
                    body = body[:-1]
                elif opening is None and first.strip(MARK_CHARS + " \t\r\n"):
                    raise InputError("text before the first message header", self.source, line)
                elif opening is None:
                    line += first.count("\n") + (len(parts) > 1)
                # Every body but the chunk's last is complete (the next header follows it,
                # and the split took the line end between them); the last may go on in the
                # next chunk, so it stays pending.
                dates_in, times_in, bodies = parts[1::3], parts[2::3], parts[3::3]
                if opening is not None:
                    dates_in.insert(0, opening["d"])
                    times_in.insert(0, opening["t"])
                    bodies.insert(0, first[opening.end() :])
                if not bodies:
                    continue
                if pending:
                    dates_in.insert(0, date_text)
                    times_in.insert(0, time_text)
                    bodies.insert(0, body)
                date_text, time_text, body = dates_in.pop(), times_in.pop(), bodies.pop()
                pending = True
                for complete_date, complete_time, complete in zip(dates_in, times_in, bodies,
                                                                  strict=True):
                    newline = complete.find("\n")
                    colon = complete.find(": ")
                    if 0 <= newline < colon:  # the author ends on the first line or not at all
                        colon = -1
                    slot = complete[:colon]
                    author = authors.get(slot, "") if colon > 0 else None
                    text = complete[colon + 2 :]
                    if (not author or text[:1] in MARK_SET
                            or (text[-1:] in SPECIAL_TAILS and text.endswith(SPECIAL_SUFFIXES))
                            or (newline > 0 and complete[newline - 1] in ")>")
                            or (text[:3] in SPECIAL_HEADS and text.startswith(SPECIAL_PREFIXES))
                            or text.startswith(slot) or slot == chat_name
                            or (len(text) in FIXED_LENGTHS and text.lower() in FIXED_KINDS)):
                        yield full(complete_date, complete_time, line, complete)
                    else:
                        if complete_date != last_date:  # runs of messages share a day
                            day = dates.get(complete_date) or self._parse_date(complete_date, line)
                            last_date = complete_date
                        clock = times.get(complete_time) or self._parse_time(complete_time, line)
                        yield new_tuple(Message, (f"{day}T{clock}", author, text, "text",
                                                  None, False, line))
                    line += complete.count("\n") + 1 if newline >= 0 else 1
        if pending:
            yield full(date_text, time_text, line, body[:-1] if body[-1:] == "\n" else body)

    def _message(self, date_text: str, time_text: str, line: int, body: str) -> Message:
        """One message by the full rules (the body without its final line end)."""
        day = self._dates.get(date_text) or self._parse_date(date_text, line)
        clock = self._times.get(time_text) or self._parse_time(time_text, line)
        newline = body.find("\n")
        colon = body.find(": ", 0, newline if newline >= 0 else len(body))
        sent_at = f"{day}T{clock}"
        if colon < 0:
            return self._system(sent_at, body, line)
        slot = body[:colon]
        author = self._authors.get(slot, "")
        if author == "":
            author = self._author_of(slot)
        if author is None:  # 'X changed the subject to "A: B"': the colon was in the text
            return self._system(sent_at, body, line)
        return self._classify(sent_at, author, slot, body[colon + 2 :], line)

    def _author_of(self, slot: str) -> str | None:
        """The author as written minus direction marks; None when the slot is a system head."""
        author: str | None = slot.strip(MARK_CHARS + " ")
        for mark in MARK_CHARS:
            if author and mark in author:
                author = author.replace(mark, "")
        if not author or SYSTEM_HEAD_RE.search(slot):
            author = None
        self._authors[slot] = author
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
        if len(text) <= 80:
            key = text if text.isascii() else MARKS_RE.sub("", text)
            key = key.strip().rstrip(".").lower()
            found = FIXED_KINDS.get(key)
            if found is not None:
                self.format.langs[found[1]] += 1
                return Message(sent_at, author, text, found[0], None, edited, line)
        if text.startswith(STRONG_SYSTEM_PREFIXES) or text.endswith(STRONG_SYSTEM_SUFFIXES) or (
            (marked or slot == self.chat_name or text.startswith(YOU_PREFIXES)
             or (text.startswith(slot) and text[len(slot) : len(slot) + 1] == " "))
            and SYSTEM_RE.search(text.split("\n", 1)[0])
        ):
            return self._system(sent_at, text, line)
        if text.startswith(POLL_PREFIXES):
            return Message(sent_at, author, text, "poll", None, edited, line)
        if text.startswith(LOCATION_PREFIXES):
            return Message(sent_at, author, text, "location", None, edited, line)
        first = text.split("\n", 1)[0] if "\n" in text else text
        if first.endswith(">"):
            attached = ATTACHED_RE.search(first)
            if attached:
                return self._media(sent_at, author, text, attached["name"], edited, line)
        elif first.endswith(")"):
            attached = FILE_ATTACHED_RE.match(first)
            if attached:
                return self._media(sent_at, author, text, attached["name"], edited, line)
        return Message(sent_at, author, text, "text", None, edited, line)

    def _media(self, sent_at: str, author: str, text: str, name: str, edited: bool,
               line: int) -> Message:
        name = name.strip(MARK_CHARS + " ")
        kind = "contact" if name.lower().endswith(".vcf") else "media"
        return Message(sent_at, author, text, kind, name, edited, line)

    # -- dates and times

    def _parse_date(self, text: str, line: int) -> str:
        fields = date_fields(text)
        order = self.format.date_order
        if fields is None:
            raise InputError(f"unreadable date {text!r}", self.source, line)
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
            iso = date(year, month, day).isoformat()
        except ValueError:
            raise InputError(
                f"invalid date {text.strip(MARK_CHARS + ' ')!r} read as {order} "
                "(use --date-order if the day/month order is wrong)", self.source, line
            ) from None
        self._dates[text] = iso
        return iso

    def _parse_time(self, text: str, line: int) -> str:
        digits = re.findall(r"\d+", PERIOD_RE.sub(" ", text))
        hour, minute = int(digits[0]), int(digits[1])
        second = int(digits[2]) if len(digits) > 2 else 0
        period = PERIOD_RE.search(text)
        if period:
            marker = re.sub(r"[.\s\u00a0\u202f]", "", period.group()).lower()
            if not 1 <= hour <= 12:
                raise InputError(f"invalid 12-hour time {text!r}", self.source, line)
            if marker in PM_MARKERS or marker == "μμ":
                hour = hour % 12 + 12
            elif marker in AM_MARKERS or marker == "πμ":
                hour = hour % 12
        if hour > 23 or minute > 59 or second > 59:
            raise InputError(f"invalid time {text!r}", self.source, line)
        iso = f"{hour:02d}:{minute:02d}:{second:02d}"
        self._times[text] = iso
        return iso


def date_fields(text: str) -> tuple[int, int, int] | None:
    digits = re.findall(r"\d+", text)
    if len(digits) != 3:
        return None
    try:
        return int(digits[0]), int(digits[1]), int(digits[2])
    except ValueError:
        return None


# ---------------------------------------------------------------------------- entry points


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
