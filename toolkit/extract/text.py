"""Find calendar events in the text of a chat message (or of an OCR'd flyer).

A rule-based resolver over the language tables in `extract_lang` (compiled by
`extract_rules`; date and time mentions found by `extract_mentions`). Measured off-the-shelf
resolvers were weak on chat text (dateparser finds numbers as dates, Recognizers-Text needs
heavy glue and conflicts with our dependencies), so this module does the whole job itself:

1. a cheap gate skips messages that cannot hold a date (no digit, no date word);
2. the text is repaired (OCR digits: 6:3O, l0am) and masked (phone numbers, prices,
   percentages, durations), keeping character offsets;
3. date mentions are found (ranges, explicit dates, weekdays, relative words, "in two weeks",
   bare day numbers) and then time mentions (am/pm, 24h, 18h30, 18 Uhr, "a las 6", ranges);
4. each time goes to the nearest date; am/pm is inferred (1-7 are pm in a plan; evening
   words make pm); past-tense clauses are dropped, cancellations are flagged, and a move
   ("moved from Tuesday to Thursday") flags the old day and announces the new one;
5. an evidence score (date kind + time + event noun + plan cue) decides event or not, and
   becomes the confidence.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.errors import InputError
from toolkit.eventtypes import FoundEvent
from toolkit.extract.lang import TABLES
from toolkit.extract.mentions import (
    DateMention,
    TimeMention,
    find_dates,
    find_times,
    period_near,
    resolve_hours,
)
from toolkit.extract.rules import Grammar, grammar
from toolkit.language import LANGUAGES, detect_language, language_confidences

__all__ = ["extract_events", "detect_language", "extract_file", "may_hold_date", "EXTRACTOR_VERSION"]

EXTRACTOR_VERSION = "text-rules-1"
THRESHOLD = 0.5  # evidence needed before a date mention counts as an event


# ------------------------------------------------------------------------- text repair


_OCR_ONE = re.compile(r"(?<![A-Za-z])[lI|](?=\d)|(?<=\d)[lI](?=\d)")
_OCR_ZERO = re.compile(r"(?<=\d)[Oo](?=[\d:.hH ]|\b|(?i:am|pm))|(?<=\d[:.hH])[Oo]")
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "\u00a0": " ", "’": "'"})


def repair(text: str) -> str:
    """Undo common OCR digit confusions and unify dashes; keeps the length (offsets hold)."""
    text = text.translate(_DASHES)
    if any(c.isdigit() for c in text):
        text = _OCR_ONE.sub("1", text)
        for _ in range(4):  # "1O:OO" needs several passes: each O needs a digit before it
            fixed = _OCR_ZERO.sub("0", text)
            if fixed == text:
                break
            text = fixed
    return text


_PHONE = re.compile(
    r"(?<![\w/.:])(?:\+\d{1,3}[\s-]?)?(?:\(\d{2,4}\)\s?)?\d{2,5}(?:[\s-]\d{2,8}){1,4}(?![\w/:])"
)
_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+", re.I)
_DASHED_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-(?:\d{4}|\d{2})")
_PRICE = re.compile(
    r"(?:R\$|US\$|[$€£¥])\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:€|\$|£|eur(?:os?)?\b|usd\b|"
    r"dollars?\b|pesos?\b|reais\b|real\b|francs?\b|pounds?\b|quid\b)|\d+\s?%|\d+\s?x\s?\d+\b",
    re.I,
)
_DURATION = re.compile(
    r"(?<![:\d.])\d+(?:[.,]\d+)?\s?(?:min(?:ute)?s?|minut[oe]s?|minuten|mins?\.?|hours?|hrs?"
    r"|horas?|heures?|stunden?|std\.?|secs?|seconds?|segundos?|sekunden"
    r"|years?(?: old)?|ans|años|anos|jahren?|months?|mois|meses|monaten?)\b",  # ages, too
    re.I,
)


_CLOCK_PREP = re.compile(
    r"(?:\bà|\bàs|\bas|\ba las|\ba la|\bat|\bum|\bvers|\bdès|\bpelas|\bde|\bdas)\s*$", re.I
)


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


# A chat line pasted into a message ("[08/10/2024, 09:15:02] Office: ..." or
# "14/10/2024, 18:00 - League: ...") starts with when it was sent, not when anything happens.
_STAMP = (r"^[ \t]*\[?\d{1,4}[./-]\d{1,2}[./-]\d{2,4},?[ \t]+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
          r"(?:[ \t]*[ap]\.?[ \t]?m\.?)?\]?")
_SENDER = r"[ \t]*(?:-[ \t]*)?[^:\n]{1,40}:"
_PASTED_STAMP = re.compile(rf"{_STAMP}(?={_SENDER})", re.M | re.I)
_PASTED_LINE = re.compile(rf"{_STAMP}{_SENDER}", re.M | re.I)  # stamp and sender, for titles


def mask_noise(text: str) -> str:
    """Blank out phone numbers, prices, percentages, durations and the send stamps of pasted
    chat lines (same length)."""
    chars = list(text)

    def blank(a: int, b: int) -> None:
        chars[a:b] = " " * (b - a)

    for m in _PASTED_STAMP.finditer(text):
        blank(m.start(), m.end())
    for m in _PHONE.finditer(text):
        span = m.group(0)
        if _digits(span) >= 7 and not _DASHED_DATE.fullmatch(span.strip()):
            blank(m.start(), m.end())
    for m in _URL.finditer(text):
        blank(m.start(), m.end())
    for m in _PRICE.finditer(text):
        blank(m.start(), m.end())
    for m in _DURATION.finditer(text):
        if not _CLOCK_PREP.search(text[max(0, m.start() - 8):m.start()]):
            blank(m.start(), m.end())  # but "à 20 heures", "às 8 horas" are clock times
    return "".join(chars)


# ------------------------------------------------------------------------- the gate


@lru_cache(maxsize=1)
def _gate() -> re.Pattern[str]:
    words: set[str] = set()
    for table in TABLES.values():
        words |= {w for w in (*table.weekdays, *table.weekday_abbr, *table.months) if len(w) >= 3}
        words |= {max(w.split(), key=len) for w in table.relative_days}
        words |= set(table.noon_words)
        words |= set(table.week_units) | set(table.day_units)
    words |= {"tmrw", "tmr", "hj", "amn"}
    alternation = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"\d|\b(?:{alternation})\b", re.I)


def may_hold_date(text: str) -> bool:
    """The cheap gate: False when the text has no digit and no date word in any language."""
    return bool(_gate().search(text))


# ------------------------------------------------------------------------- language


def choose_language(text: str, lang: str | None) -> list[tuple[str, float]]:
    """Languages to try with their scores, best first: the forced one, or a ranking."""
    if lang:
        code = lang.lower().split("-")[0]
        if code not in TABLES:
            raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
        return [(code, 1.0)]
    confidences = language_confidences(text)
    # Lingua alone is unsure on a six-word message; the words our tables know for each
    # language ("Juli", "Uhr", "mañana") settle it.
    scores = {code: confidences.get(code, 0.0) + 0.3 * min(3, _vocabulary_hits(text, code))
              for code in LANGUAGES}
    return sorted(scores.items(), key=lambda item: -item[1])


def _vocabulary_hits(text: str, code: str) -> int:
    g = grammar(code)
    words = {m.group(0).lower() for m in g.date_words.finditer(text)}
    words |= {m.group(0).lower() for m in g.event_noun.finditer(text)}
    words |= {m.group(0).lower() for m in g.marker.finditer(text)}
    return len(words)


# ------------------------------------------------------------------------- main entry


@dataclass
class _Context:
    text: str
    work: str
    low: str
    g: Grammar
    ref: datetime
    zone: tzinfo
    today: date
    past: list[re.Pattern[str]]  # past-tense cues of the languages in the running


def extract_events(
    text: str,
    ref_time: datetime,
    *,
    tz: str | None = None,
    locale: str | None = None,
    lang: str | None = None,
) -> list[FoundEvent]:
    """The events `text` announces (or cancels), resolved against the message's own time."""
    if ref_time.tzinfo is None:
        raise ValueError("ref_time must be timezone-aware (the message's own time with its offset)")
    if lang and lang.lower().split("-")[0] not in TABLES:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
    if not text or not may_hold_date(text):
        return []
    zone = _zone(tz, ref_time)
    ref = ref_time.astimezone(zone)
    repaired = repair(text)
    ranking = choose_language(repaired, lang)
    # A close runner-up (Spanish or Portuguese?) also gets its past-tense cues heard.
    close = [code for code, score in ranking[:2] if score >= ranking[0][1] - 0.3]
    masked = mask_noise(repaired)
    for code, _score in ranking[:2]:  # a third guess on a short message is noise
        g = grammar(code)
        work = masked
        if g.masks is not None:
            work = g.masks.sub(lambda m: " " * len(m.group(0)), work)
        past = [grammar(c).past for c in dict.fromkeys([code, *close])]
        ctx = _Context(repaired, work, repaired.lower(), g, ref, zone, ref.date(), past)
        day_first = _day_first(locale, code, zone)
        dates = find_dates(work, g, ctx.today, day_first)
        if not dates:
            continue
        # The first language that sees a date decides; a runner-up is only asked when the
        # best guess saw no date at all (a short message in the other language).
        # FoundEvent.tz is an IANA name or None (a bare +05:30 offset has no name).
        return _events_from(ctx, dates, tz or getattr(zone, "key", None))
    return []


def _zone(tz: str | None, ref_time: datetime) -> tzinfo:
    """The IANA zone asked for, else the reference time's own zone (or its fixed offset)."""
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {tz!r}") from error
    if isinstance(ref_time.tzinfo, ZoneInfo):
        return ref_time.tzinfo
    offset = ref_time.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        return ZoneInfo("UTC")
    if offset % timedelta(hours=1) == timedelta(0):
        # Etc/GMT names invert the sign: UTC+01:00 is Etc/GMT-1.
        return ZoneInfo(f"Etc/GMT{-int(offset.total_seconds() // 3600):+d}")
    return timezone(offset)  # +05:30 and friends have no Etc/ zone


def _zone_name(zone: tzinfo) -> str:
    key = getattr(zone, "key", None)
    return str(key) if key else str(zone.tzname(None))


def _day_first(locale: str | None, lang: str, zone: tzinfo) -> bool:
    """Only US English (and a few others) write month first."""
    if locale:
        return locale.replace("_", "-").lower() not in ("en-us", "en-ph", "en-ca-us")
    if lang != "en":
        return True
    name = _zone_name(zone)
    if name.startswith("America/"):
        return False
    # Only an offset to go on (a batch line with no tz): UTC-4 to UTC-10 is North America.
    if name.startswith("Etc/") or not hasattr(zone, "key"):
        offset = zone.utcoffset(datetime(2025, 1, 15))
        return not (offset is not None and timedelta(hours=-10) <= offset <= timedelta(hours=-4))
    return True


_SENTENCE = re.compile(r"[!?;\n]|(?<![\d\s])\.(?=\s)|(?<=[a-zäöüß])\.\s")


def _sentence_bounds(text: str, position: int) -> tuple[int, int]:
    start, end = 0, len(text)
    for m in _SENTENCE.finditer(text):
        if m.end() <= position:
            start = m.end()
        elif m.start() >= position:
            end = m.start()
            break
    return start, end


def _events_from(ctx: _Context, dates: list[DateMention], tz_name: str | None) -> list[FoundEvent]:
    times = find_times(ctx.work, ctx.g, dates)
    assignment = _assign_times(dates, times, ctx.work)
    _share_times(dates, assignment, ctx.work)
    blanks = [(x.start, x.end) for x in dates] + [(x.start, x.end) for x in times]
    noun = _names_event(ctx.g, ctx.low)
    plan = bool(ctx.g.plan.search(ctx.low))
    events: list[FoundEvent] = []
    unnamed: set[int] = set()
    for d in dates:
        event = _event_for(ctx, d, assignment.get(id(d)), noun, plan, tz_name, blanks, dates)
        if event is not None:
            events.append(event)
            s0, s1 = _sentence_bounds(ctx.text, d.start)
            if not _names_event(ctx.g, ctx.low[s0:s1]):
                unnamed.add(id(event))
    if any(e.confidence >= 0.9 and not e.all_day for e in events):
        # Beside a clearly dated and timed event, a weak all-day mention whose own sentence
        # names nothing is a side remark ("invites in book bags today").
        events = [e for e in events
                  if not e.all_day or e.cancelled or e.confidence >= 0.65 or id(e) not in unnamed]
    return _merge(events)


_LIST_GLUE = re.compile(r"^\s*(?:&|\+|and|y|und|et|e|,)\s*$", re.I)


def _share_times(dates: list[DateMention], assignment: dict[int, TimeMention], text: str) -> None:
    """'5/24 & 5/25 8am-2pm': days listed together share the hours given after the last."""
    for first, second in reversed(list(zip(dates, dates[1:], strict=False))):
        if id(first) not in assignment and id(second) in assignment and \
                _LIST_GLUE.match(text[first.end:second.start]):
            assignment[id(first)] = assignment[id(second)]


_HARD_BREAK = re.compile(r"[;\n]|(?<![\d\s])\.\s")
# "World Book Day", "el día de la fruta", "Obsttag", "journée du sport", "dia da fruta"
_DAY_EVENTS = {
    "es": re.compile(r"\bd[ií]a de(?:l| la| las| los)? \w+", re.I),
    "pt": re.compile(r"\bdia d[aoe]s? \w+", re.I),
    "fr": re.compile(r"\bjournée d(?:u|e la|es|e|')\s?\w+", re.I),
    "de": re.compile(r"\b(?!(?:mon|diens|donners|frei|sams|sonn|all|werk)tag)\w{3,}tag\b", re.I),
}
_EN_DAY_EVENT = re.compile(  # "Comic Relief day", "World Book Day", "inset day"
    r"\b(?!(?:every|a|one|the|nice|good|great|long|whole|all|each|same|next|that|this|some|any|"
    r"per|other|busy|lovely|hard|bad|happy|big|first|last|half|full|school|working|rainy|sunny)\b)"
    r"[a-z]+ day\b",
    re.I,
)


def _names_event(g: Grammar, text: str) -> bool:
    """An event noun ("practice", "Elternabend", "fête") in `text`."""
    if g.event_noun.search(text):
        return True
    day_event = _EN_DAY_EVENT if g.t.code == "en" else _DAY_EVENTS.get(g.t.code)
    return bool(day_event and day_event.search(text))


def _assign_times(dates: list[DateMention], times: list[TimeMention], text: str) -> dict[int, TimeMention]:
    """Each time goes to the nearest date; each date keeps the closest time it was given."""
    chosen: dict[int, tuple[int, TimeMention]] = {}
    for t in times:
        def distance(d: DateMention, t: TimeMention = t) -> int:
            if t.start >= d.end:
                gap, between = t.start - d.end, text[d.end:t.start]
            else:  # a time before its date: slightly further
                gap, between = (d.start - t.end) + 1, text[t.end:d.start]
            # Crossing a ";", a line or a sentence end weighs most, a comma next: in
            # "Tue 21st meeting 5pm; Thu 23rd trip" the 5pm stays with Tuesday.
            hard = len(_HARD_BREAK.findall(between))
            return gap + 1000 * hard + 100 * between.count(",")
        nearest = min(dates, key=distance)
        gap = distance(nearest)
        if id(nearest) not in chosen or gap < chosen[id(nearest)][0]:
            chosen[id(nearest)] = (gap, t)
    return {key: value[1] for key, value in chosen.items()}


_AHEAD = re.compile(
    r"\b(?:next|upcoming|coming|próxim[oa]s?|proxim[oa]s?|siguiente|nächste[nrs]?|kommende[nrs]?|"
    r"prochaine?s?|seguinte)\b", re.I
)
_CLAUSE_BREAK = re.compile(r"[,;:]|\s-\s|\b(?:but|pero|aber|mais|mas|dafür|instead)\b")
_MOVED_FROM = re.compile(r"(?:from|de|del|von|vom|du|do|da|desde)\s*$")
_STRENGTH = {"explicit": 0.5, "numeric": 0.4, "weekday": 0.35, "relative": 0.3,
             "offset": 0.3, "ordinal": 0.3, "holiday": 0.25}


def _clause(ctx: _Context, d: DateMention, s0: int, s1: int) -> str:
    """The comma-delimited part of the sentence that holds the date."""
    c0 = max([s0] + [m.end() + s0 for m in _CLAUSE_BREAK.finditer(ctx.low[s0:d.start])])
    after = _CLAUSE_BREAK.search(ctx.low, d.end, s1)
    return ctx.low[c0:after.start() if after else s1]


def _cancels(ctx: _Context, d: DateMention, s0: int, s1: int, dates: list[DateMention]) -> bool:
    """A cancellation cue in the date's sentence; with two days in it, in the date's own clause
    ("Monday's practice is off, see you Wednesday instead")."""
    if not ctx.g.cancel.search(ctx.low[s0:s1]):
        return False
    if sum(s0 <= other.start < s1 for other in dates) <= 1:
        return True
    return bool(ctx.g.cancel.search(_clause(ctx, d, s0, s1)))


def _cancels_other(ctx: _Context, d: DateMention, s0: int, s1: int) -> bool:
    """The date's sentence cancels something, but not in the date's own clause."""
    return bool(ctx.g.cancel.search(ctx.low[s0:s1])) and not ctx.g.cancel.search(_clause(ctx, d, s0, s1))


def _in_past(ctx: _Context, d: DateMention, s0: int, s1: int) -> bool:
    """Past tense in the date's clause, or elsewhere in its sentence unless the date's own
    clause looks ahead ("the last concert was great, the next one is on May 30")."""
    sentence = ctx.work[s0:s1].lower()
    if not any(p.search(sentence) for p in ctx.past):
        return False
    clause = _clause(ctx, d, s0, s1)
    if any(p.search(clause) for p in ctx.past):
        return True
    return not (_AHEAD.search(clause) or ctx.g.plan.search(clause))


# Chatter around a day that is not a plan: praise, wishes, a verdict on a game
# ("Great effort at training tonight", "good luck with the test tomorrow").
_COMMENTARY = re.compile(
    r"\b(?:good luck|best of luck|well done|congrat\w*|proud of|what an? (?:game|match|win|"
    r"performance|result|effort)|(?:great|brilliant|super|fantastic|amazing|awesome|fab|lovely|"
    r"solid|nice) (?:hustle|effort|teamwork|work|job|game|match|performance|play(?:ing)?|win|result)|"
    r"suerte|enhorabuena|viel glück|toi,? toi,? toi|"
    r"bonne chance|bravo|félicitations|boa sorte|parabéns)\b",
    re.I,
)
# "needs a ride on the 21st": a lift asked for, not a (bike) ride to put in the calendar.
_FAVOUR = re.compile(r"\b(?:needs?|needed|wants?|could (?:do with|use)) a (?:ride|lift)\b", re.I)
# A clock-change notice names a night and an hour but is nobody's event, nor a cancellation.
_CLOCKS = re.compile(
    r"\b(?:clocks? (?:go|goes|going|change|changes) (?:back|forward)|(?:se )?cambia (?:la|el) "
    r"(?:hora|reloj)|cambio de hora|zeitumstellung|uhren werden|changement d'heure|"
    r"horário de verão)", re.I,
)
# "Spring registration opens January 15", "tickets go on sale Monday": like a deadline, the
# day a sign-up window opens is a notice, not a gathering.
_WINDOW = re.compile(
    r"\b(?:registrations?|sign[- ]?ups?|enrol(?:l?ment)?s?|bookings?|tickets?|applications?|"
    r"inscripci[oó]n(?:es)?|anmeldung(?:en)?|inscriptions?|inscriç(?:ão|ões)|matr[ií]culas?)\b"
    r"[^.!?\n]{0,25}?\b(?:opens?|go(?:es)? live|(?:go(?:es)? )?on sale|se abren?|abre[mn]?|öffnet|"
    r"startet|beginnt|ouvr(?:e|ent)|(?:est|sont) ouvertes?)\b", re.I,
)
# "Tues and Thurs 5:30-7 through November": a standing schedule, not one event.
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|mär|mai|okt|dez|"
           r"janv|févr|fev|avr|juil|sept|déc|set|out|dez)\w*")
_STANDING = re.compile(
    r"\b(?:through|thru|until|till|til|hasta|bis|jusqu'(?:à|en|au)|até)\s+(?:the\s+end\s+of\s+|"
    r"(?:finales|final|fin) de\s+|ende\s+|(?:la )?fin (?:de |d')?|o fim de\s+|o final de\s+)?"
    + _MONTHS + r"\b", re.I,
)

_ASKS = re.compile(
    r"(?:\W*(?:hi|hey|hello|morning|quick question|sorry)\W+)?(?:is|are|was|were|does|do|did|"
    r"when|what|where|which|any(?:one|body|1) (?:know|knows|remember|heard|sure)|"
    r"does any(?:one|body)|alguien sabe|sab[eé]is si|sabe alguien|se sabe|hay|weiß jemand|"
    r"wisst ihr|ist|gibt es|quelqu'un sait|est-ce qu|savez-vous|y a-t-il|alguém sabe|vocês sabem|"
    r"tem|vai ter)\b", re.I,
)


def _chatter(ctx: _Context, d: DateMention, t: TimeMention | None, s0: int, s1: int,
             plan: bool) -> bool:
    """Talk around a day that proposes nothing: praise or wishes, a lift asked for, a standing
    weekly schedule, or a question about a day with no time (\"is it mufti day on Friday?\")."""
    sentence = ctx.low[s0:s1]
    if _COMMENTARY.search(sentence) or (t is None and _FAVOUR.search(sentence)):
        return True
    if d.kind == "weekday" and d.last is None and _STANDING.search(sentence[d.end - s0:]):
        return True
    # Asking about a day ("is there swimming on Monday?") is not announcing it; a suggestion
    # ("Movie night in two weeks?") is, so only questions that ask for information count.
    question = ctx.text[s1:s1 + 1] == "?" and _ASKS.match(sentence.strip())
    return bool(question) and t is None and not plan


def _event_for(ctx: _Context, d: DateMention, t: TimeMention | None, noun: bool, plan: bool,
               tz_name: str | None, blanks: list[tuple[int, int]],
               dates: list[DateMention]) -> FoundEvent | None:
    s0, s1 = _sentence_bounds(ctx.text, d.start)
    sentence = ctx.low[s0:s1]
    cancelled = _cancels(ctx, d, s0, s1, dates)
    move = ctx.g.move.search(sentence)
    moved_to = False
    if move is not None:
        moved_at = s0 + move.start()
        moved_from = moved_at < d.start and _MOVED_FROM.search(ctx.low[max(s0, d.start - 12):d.start])
        # "Saturday's match is postponed", "moved from Tuesday to ...": that day is off;
        # "moved to Thursday", "remarcada para sexta": that day is announced.
        cancelled = d.start < moved_at or bool(moved_from)
        moved_to = not cancelled  # "foi remarcada para sexta": past form, future day
    if not cancelled and not moved_to and _in_past(ctx, d, s0, s1):
        return None
    if _CLOCKS.search(sentence) or (not cancelled and _chatter(ctx, d, t, s0, s1, plan)):
        return None
    last = d.last or d.day
    if last < ctx.today:
        return None
    strength = _STRENGTH[d.kind] + (0.05 if d.last is not None else 0.0)  # ranges are deliberate
    slot = ctx.low[d.end:d.end + 16]
    if t is None and (d.period or ctx.g.pm.search(slot) or ctx.g.am.search(slot)):
        strength += 0.1  # "Friday night", "tonight": a slot of the day, not just a day
    timed = 0.3 if d.last is None else 0.1  # over several days a time is daily hours
    several = sum(s0 <= other.start < s1 for other in dates) > 1
    scope = _clause(ctx, d, s0, s1) if several else sentence  # "trip 30 June, payment due 20th"
    if ctx.g.deadline.search(scope) or ctx.g.until.search(ctx.low[max(s0, d.start - 20):d.start]):
        strength -= 0.35  # "payable by 1 Oct", "due Friday": a limit, not a gathering
    if _WINDOW.search(scope):
        strength -= 0.35  # "registration opens Jan 15": a window opening, nobody meets
    if ctx.g.decline.search(ctx.low):
        strength -= 0.3
    # The "what" next to the date counts fully; one elsewhere in the message less
    # ("party on Saturday ... invites in book bags today": today is not the party).
    named = 0.25 if _names_event(ctx.g, sentence) else 0.15 if noun else 0.0
    if t is None and not named and not cancelled and not moved_to and d.last is None \
            and d.kind not in ("explicit", "numeric") \
            and not (ctx.g.pm.search(slot) or ctx.g.am.search(slot)):
        # "will bring it tonight", "needs it on Friday": a day said in passing, with no time,
        # no part of the day, no "what" and no calendar date, plans nothing
        return None
    if t is None and several and not cancelled and not moved_to and _cancels_other(ctx, d, s0, s1) \
            and not _names_event(ctx.g, _clause(ctx, d, s0, s1)):
        return None  # "no practice Monday, but Tues is fine": the other day just stays as it was
    score = strength + (timed if t else 0.0) + named + (0.1 if plan else 0.0)
    if t is not None and t.end_hour is not None:
        score += 0.05
    if not cancelled and score < THRESHOLD:
        return None
    location = find_location(ctx, d, t)
    if location:
        score += 0.05
    evidence_start = min(d.start, t.start) if t else d.start
    evidence_end = max(d.end, t.end) if t else d.end
    common = {
        "title": find_title(ctx, d, blanks),
        "location": location,
        "confidence": min(0.99, round(score, 3)),
        "tz": tz_name,
        "lang": ctx.g.t.code,
        "cancelled": cancelled,
        "evidence": ctx.text[evidence_start:evidence_end],
    }
    if t is None or d.last is not None:
        return FoundEvent(start=d.day.isoformat(), end=d.last.isoformat() if d.last else None,
                          all_day=True, **common)  # type: ignore[arg-type]
    period = period_near(ctx.low, ctx.g, t.start, t.end, d)
    if period is None and ctx.g.evening_noun.search(ctx.low):
        period = "late"
    start_time, end_time = resolve_hours(t, period)
    start = datetime.combine(d.day, start_time, tzinfo=ctx.zone)
    end = datetime.combine(d.day, end_time, tzinfo=ctx.zone) if end_time else None
    return FoundEvent(start=start.isoformat(), end=end.isoformat() if end else None, all_day=False,
                      **common)  # type: ignore[arg-type]


def _merge(events: list[FoundEvent]) -> list[FoundEvent]:
    """One event per start; an all-day mention of a day that also has a timed event goes."""
    timed_days = {e.start[:10] for e in events if not e.all_day}
    result: list[FoundEvent] = []
    seen: set[tuple[str, str | None, bool]] = set()
    for event in sorted(events, key=lambda e: -e.confidence):
        key = (event.start, event.end, event.all_day)
        if key in seen or (event.all_day and event.end is None and event.start in timed_days):
            continue
        seen.add(key)
        result.append(event)
    return sorted(result, key=lambda e: e.start)


# ------------------------------------------------------------------------- what and where


_TITLE_NOISE = re.compile(
    r"^(?:(?:reminder|recordatorio|rappel|erinnerung|lembrete|psa|fyi|update)(?:\s+that)?"
    r"|don'?t forget(?:\s+the)?|recordad(?:\s+que)?|recuerden(?:\s+que)?|os recuerdo(?:\s+que)?"
    r"|n'oubliez pas|bitte denkt an(?:\s+d\w+)?|nicht vergessen|não esqueçam|nao esquecam"
    r"|hey all|hi all|hi everyone|hello all|hola|hallo(?:\s+zusammen)?|liebe eltern|salut|coucou"
    r"|bonsoir|bonjour|oi(?:\s+gente)?|gente|chicas|chicos|buenas|pessoal|hey)\b[\s:!,.-]*",
    re.I,
)
_CLAUSE = re.compile(r"[,:;!?()]|\s-\s")


def find_title(ctx: _Context, d: DateMention, blanks: list[tuple[int, int]]) -> str:
    """What: a flyer's headline, else the sentence with its dates, times and place taken out."""
    # A pasted chat line's stamp and sender ("[08/10/2024, 09:15] Office:") are no title.
    pasted = [m.span() for m in _PASTED_LINE.finditer(ctx.text)]
    if ctx.text.count("\n") >= 2 and not pasted:  # a flyer: the lines above the date are its headline
        head = [line.strip() for line in ctx.text[:d.start].splitlines() if line.strip()]
        headline = " ".join(head[:2])
        if head and len(headline) <= 70:
            return _tidy(headline)
    s0, s1 = _sentence_bounds(ctx.text, d.start)
    chars = list(ctx.text)
    places = []
    for m in ctx.g.place.finditer(ctx.text):
        phrase = _cut_place(m.group(1), ctx.g)
        if _looks_like_place(phrase, ctx.g):
            places.append((m.start(), m.start(1) + len(phrase)))
    for a, b in blanks + places + pasted:
        chars[a:b] = " " * (b - a)
    sentence = "".join(chars[s0:s1])
    dangling = ctx.g.dangling
    for _ in range(3):  # "am Freitag, den" leaves several words hanging
        sentence = dangling.sub(" ", sentence)
    sentence = ctx.g.period_phrase.sub(" ", sentence)  # "por la noche", "Friday night"
    sentence = re.sub(r"^\W*'s\b", "", sentence.strip())  # "Tomorrow's game" without its day
    sentence = _main_clause(sentence, ctx.g, "".join(chars[:s0]))
    for _ in range(2):  # "Hey all! Reminder: ..."
        sentence = _TITLE_NOISE.sub("", sentence.strip())
    return _tidy(sentence) or "Event"


def _main_clause(sentence: str, g: Grammar, before: str = "") -> str:
    """The comma-separated piece that names the event ("Sports Day, Field" -> "Sports Day"),
    looking back into the message when the date's sentence names none ("BAKE SALE! Friday...")."""
    for text in (sentence, before):
        for piece in _CLAUSE.split(text):
            if piece.strip() and g.event_noun.search(piece):
                return piece
    return sentence


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.!?])", r"\1", text).strip(" ,.;:-!?¿¡")
    words = text.split()
    stop = {"on", "at", "the", "el", "la", "am", "um", "à", "às", "a", "le", "de", "is", "ist",
            "es", "est", "é", "and", "y", "e", "und", "et", "from", "von", "das", "del", "du"}
    while words and words[-1].lower() in stop:
        words.pop()
    text = " ".join(words)[:80]
    return text[:1].upper() + text[1:] if text else text


def _looks_like_place(phrase: str, g: Grammar) -> bool:
    phrase = phrase.strip()
    if not phrase or phrase[0].isdigit() or g.date_words.match(phrase):
        return False
    return phrase[0].isupper() or bool(g.place_noun.search(phrase))


def find_location(ctx: _Context, d: DateMention, t: TimeMention | None) -> str | None:
    """Where: a place phrase after a place preposition, else a flyer's last plain line."""
    for m in ctx.g.place.finditer(ctx.text):
        phrase = _cut_place(m.group(1), ctx.g)
        if not phrase or _overlaps(m, d, t):
            continue
        host = _HOST.search(ctx.text[m.start():m.start(1)])
        if host and not ctx.g.date_words.match(phrase):  # "chez Paul", "en casa de los abuelos"
            return f"{host.group(0).strip()} {phrase}"
        if _looks_like_place(phrase, ctx.g):
            return phrase
    # A flyer: the first plain line after the date and time (a pasted chat line is no flyer).
    if ctx.text.count("\n") >= 2 and not _PASTED_LINE.search(ctx.text):
        end = max(d.end, t.end if t else 0)
        following = ctx.text[end:].splitlines()
        for line in following[0 if ctx.text[end - 1:end] == "\n" else 1:]:
            line = line.strip()
            if line and len(line) <= 60 and not may_hold_date(line) and not _NOT_A_PLACE.search(line):
                return _tidy(line)
    return None


_HOST = re.compile(r"(?:casa d[eoa]s?|chez|bei)\s*$", re.I)
_NOT_A_PLACE = re.compile(
    r"www\.|https?:|@|!|\b(?:entry|tickets?|free|admission|refreshments|all welcome|entrada|"
    r"gratis|libre|donativo|eintritt|frei|kostenlos|entrée|gratuit|ingresso|grátis|comidas|tel|"
    r"call|ligue|llama|anruf)\b",
    re.I,
)
_PLACE_STOP = re.compile(
    r"\s+(?:and|to|for|with|at|on|y|para|con|a las|und|mit|um|ab|et|pour|avec|à|e|com|para|às|"
    r"because|due|por|wegen|car|porque|de\s+\d|from|from\s+\d|tomorrow|mañana|morgen|demain|"
    r"a partir|à partir|desde|dès|"
    r"amanhã|today|hoy|heute|hoje|\d)\b.*$",
    re.I,
)


def _cut_place(phrase: str, g: Grammar) -> str:
    phrase = re.split(r"[,.!?;:\n()]", phrase)[0]
    phrase = _PLACE_STOP.sub("", " " + phrase).strip()
    words = phrase.split()
    while words and g.date_words.fullmatch(words[-1]):
        words.pop()
    return " ".join(words)


def _overlaps(m: re.Match[str], d: DateMention, t: TimeMention | None) -> bool:
    spans = [(d.start, d.end)] + ([(t.start, t.end)] if t else [])
    return any(m.start(1) < b and m.end(1) > a for a, b in spans)


# ------------------------------------------------------------------------- batch


def _parse_line(raw: str, path: Path, line_no: int) -> dict[str, Any]:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg})", path, line_no) from error
    if not isinstance(record, dict):
        raise InputError("each line must be a JSON object", path, line_no)
    for key in ("id", "text", "ref_time"):
        if key not in record:
            raise InputError(f"missing field {key!r}", path, line_no)
    if not isinstance(record["text"], str):
        raise InputError("'text' must be a string", path, line_no)
    try:
        ref = datetime.fromisoformat(str(record["ref_time"]).replace("Z", "+00:00"))
    except ValueError as error:
        raise InputError(f"ref_time {record['ref_time']!r} is not ISO 8601", path, line_no) from error
    if ref.tzinfo is None:
        raise InputError(f"ref_time {record['ref_time']!r} has no UTC offset", path, line_no)
    record["ref_time"] = ref
    return record


def output_record(message_id: Any, events: list[FoundEvent]) -> dict[str, Any]:
    """One output line. A cancellation is not an event ("no practice Monday"): it goes under
    `cancelled` (only when there is one), so `events` holds announcements only."""
    record: dict[str, Any] = {"id": message_id,
                              "events": [e.as_output() for e in events if not e.cancelled]}
    cancelled = [e.as_output() for e in events if e.cancelled]
    if cancelled:
        record["cancelled"] = cancelled
    return record


def iter_results(input_path: str | Path) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """(line number, output record or the InputError for that line), line by line."""
    path = Path(input_path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path) from error
    with handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = _parse_line(raw, path, line_no)
                events = extract_events(record["text"], record["ref_time"], tz=record.get("tz"),
                                        locale=record.get("locale"), lang=record.get("lang"))
            except InputError as error:
                yield line_no, error
                continue
            except ValueError as error:  # unknown zone or language in that line
                yield line_no, InputError(str(error), path, line_no)
                continue
            yield line_no, output_record(record["id"], events)


def _to_stderr(error: InputError) -> None:
    print(f"chatbook: {error}", file=sys.stderr)


def extract_file(input_path: str | Path, output_path: str | Path,
                 on_error: Callable[[InputError], None] = _to_stderr) -> dict[str, Any]:
    """Run the extractor over a JSONL file; bad lines go to `on_error` (stderr) and are counted.

    The output is written to a temporary file beside the target and renamed at the end, so a
    crash never leaves a half-written output. Raises InputError (naming the first bad line)
    after processing everything else when any line was bad.
    """
    from toolkit.fsutil import PRIVATE_FILE_MODE

    output = Path(output_path)
    tmp = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    stats = {"lines": 0, "messages": 0, "events": 0, "errors": 0}
    first_error: InputError | None = None
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror}", output) from error
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        for _line_no, result in iter_results(input_path):
            stats["lines"] += 1
            if isinstance(result, InputError):
                stats["errors"] += 1
                first_error = first_error or result
                on_error(result)
                continue
            stats["messages"] += 1
            stats["events"] += len(result["events"])
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    tmp.replace(output)
    if first_error is not None:
        raise InputError(
            f"{stats['errors']} bad line(s); first: {first_error.reason}", first_error.path, first_error.line
        )
    return stats
