"""Find calendar events in the text of a chat message (or of an OCR'd flyer).

A rule-based resolver over the language tables in `extract_lang`. Measured off-the-shelf
resolvers were weak on chat text (dateparser finds numbers as dates, Recognizers-Text needs
heavy glue and conflicts with our dependencies), so this module does the whole job itself:

1. a cheap gate skips messages that cannot hold a date (no digit, no date word);
2. the text is repaired (OCR digits: 6:3O, l0am) and masked (phone numbers, prices,
   percentages, durations), keeping character offsets;
3. date mentions are found (ranges, explicit dates, weekdays, relative words, "in two weeks",
   bare day numbers) and then time mentions (am/pm, 24h, 18h30, 18 Uhr, "a las 6", ranges);
4. each time goes to the nearest date; am/pm is inferred (1-7 are pm in a plan; evening
   words make pm); past-tense sentences are dropped, cancellations are flagged;
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
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.errors import InputError
from toolkit.eventtypes import FoundEvent
from toolkit.extract_lang import LANGUAGES, TABLES, LangTable, detect_language, language_confidences

__all__ = ["extract_events", "detect_language", "extract_file", "may_hold_date", "EXTRACTOR_VERSION"]

EXTRACTOR_VERSION = "text-rules-1"
THRESHOLD = 0.5  # evidence needed before a date mention counts as an event
_PAST_WINDOW = timedelta(days=60)  # an explicit date this far back is "past", not next year

# ------------------------------------------------------------------------- data shapes


@dataclass
class DateMention:
    start: int
    end: int
    day: date
    last: date | None  # inclusive last day of a range
    kind: str  # explicit / numeric / weekday / relative / ordinal / offset
    period: str | None = None  # "pm" when the words themselves say evening ("tonight")
    bare: bool = False  # a weekday with no "next"/"this" and no day number


@dataclass
class TimeMention:
    start: int
    end: int
    hour: int
    minute: int
    end_hour: int | None = None
    end_minute: int | None = None
    meridiem: str | None = None  # explicit am/pm on the start
    end_meridiem: str | None = None
    literal: bool = False  # 24-hour evidence (18h, 18 Uhr, 07:30, hour >= 13): no inference


# ------------------------------------------------------------------------- text repair


_OCR_ONE = re.compile(r"(?<![A-Za-z])[lI|](?=\d)|(?<=\d)[lI](?=\d)")
_OCR_ZERO = re.compile(r"(?<=\d)[Oo](?=[\d:.hH ]|\b|(?i:am|pm))|(?<=\d[:.hH])[Oo]")
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "\u00a0": " ", "’": "'"})


def repair(text: str) -> str:
    """Undo common OCR digit confusions and unify dashes; keeps the length (offsets hold)."""
    text = text.translate(_DASHES)
    if any(c.isdigit() for c in text):
        text = _OCR_ONE.sub("1", text)
        for _ in range(2):  # "11:OO" needs two passes: each O needs a digit before it
            text = _OCR_ZERO.sub("0", text)
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
    r"|horas?|heures?|stunden?|std\.?|secs?|seconds?|segundos?|sekunden)\b",
    re.I,
)


_CLOCK_PREP = re.compile(
    r"(?:\bà|\bàs|\bas|\ba las|\ba la|\bat|\bum|\bvers|\bdès|\bpelas|\bde|\bdas)\s*$", re.I
)


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


def mask_noise(text: str) -> str:
    """Blank out phone numbers, prices, percentages and durations (same length)."""
    chars = list(text)

    def blank(a: int, b: int) -> None:
        chars[a:b] = " " * (b - a)

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


# ------------------------------------------------------------------------- grammar per language


def _alt(words: Any) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


class Grammar:
    """The regular expressions for one language, compiled once."""

    def __init__(self, t: LangTable):
        self.t = t
        wd = _alt(t.weekdays)
        wd_abbr = _alt(t.weekday_abbr)
        mon = _alt(t.months)
        self.weekday_of = {**{k: v for k, v in t.weekday_abbr.items()}, **t.weekdays}
        self.month_of = t.months
        sep = r"(?:-|to|till|until|bis|al|au|a|à|às|até|e|y|und|et)"
        day = r"(\d{1,2})(?:st|nd|rd|th|er|º|ª|°)?\.?"
        year = r"(?:,?\s*(?:de\s+|del\s+)?(\d{4}))?"
        self.month_range = re.compile(
            rf"(?:\b(?:from|del|vom|du|de|entre|between)\s+)?\b{day}(?:\s*(?:de\s+|of\s+)?({mon})\.?)?"
            rf"\s*{sep}\s*(?:(?:{wd}|{wd_abbr})\.?,?\s+)?{day}\s*(?:de\s+|of\s+)?({mon})\b\.?{year}",
            re.I,
        )
        self.month_first_range = re.compile(
            rf"\b({mon})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|to|until|through|thru)\s*"
            rf"(?:(?:{wd}|{wd_abbr})\.?,?\s+)?(?:({mon})\.?\s+)?(\d{{1,2}})"
            rf"(?:st|nd|rd|th)?\b(?![.:]\d|\s*(?:am|pm|h\b|uhr)){year}",
            re.I,
        )
        self.day_month = re.compile(
            rf"\b{day}(?:\s*|-)(?:de\s+|of\s+)?({mon})\b\.?(?:-(?=\d{{4}}))?{year}(?!\s*(?::\d|h\d))",
            re.I,
        )
        self.month_day = re.compile(
            rf"\b({mon})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:am|pm|[:.]\d|h\b)){year}",
            re.I,
        )
        num = r"\d{1,2}[./]\d{1,2}(?:[./](?:\d{4}|\d{2}))?\.?"
        self.numeric_range = re.compile(
            rf"(?:\b(?:del|vom|du|de|from|entre|between)\s+)?(?<![\d/.])({num})\s*"
            rf"(?:-|bis|al|au|a|à|to|até|till|until)\s*({num})(?![\d/])",
            re.I,
        )
        self.iso = re.compile(r"(?<![\d/.:])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
        self.numeric = re.compile(
            r"(?<![\d/.:,])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(\.)?(?![\d/]|[.,]\d)"
        )
        self.weekday_range = re.compile(
            rf"\b({wd}|{wd_abbr})\.?\s*(?:-|to|till|until|thru|through|bis|al|à|a|au|até)\s*({wd}|{wd_abbr})\b\.?",
            re.I,
        )
        self.next_week_weekday = re.compile(
            rf"\b(?:{_alt(t.next_week)})\s*,?\s*(?:am\s+|on\s+|el\s+|le\s+|na\s+|no\s+)?({wd})\b", re.I
        )
        if t.code == "en":  # "this Sat": capitalisation is checked in _weekday_mention
            wd = _alt({**t.weekdays, **t.weekday_abbr})
        next_words = _alt(set(t.next_words) | (_THIS & set(t.this_words + t.next_words)) | {"this"}
                          if t.code == "en" else set(t.next_words))
        next_after = _alt(t.next_after) if t.next_after else "(?!)"
        self.weekday = re.compile(
            rf"(?:\b({next_words})\s+)?\b({wd})\b\.?(?:\s+({next_after})\b)?"
            rf"(?:\s*,?\s*(?:the\s+|den\s+|le\s+|el\s+|dia\s+)?(\d{{1,2}})(?:st|nd|rd|th|er)?\b"
            rf"(?![:./h]\d|\s*(?:am|pm|a\.m|p\.m|h\b|uhr|-\s*\d|/))\.?)?",
            re.I,
        )
        self.weekday_abbr = re.compile(
            rf"\b({wd_abbr})\b\.?(?=,?\s*\d)(?:\s*,?\s*(\d{{1,2}})(?:st|nd|rd|th)?\b"
            rf"(?![:./h]\d|\s*(?:am|pm|h\b|uhr|-\s*\d)))?",
            re.I,
        )
        rel = _alt(t.relative_days)
        self.relative = re.compile(rf"(?<![\w-])({rel})(?![\w-])", re.I)
        nums = _alt(t.numbers)
        self.offset = re.compile(
            rf"\b(?:{_alt(t.in_words)})\s+(\d{{1,2}}|{nums})\s+({_alt(t.day_units + t.week_units)})\b",
            re.I,
        )
        self.ordinal = re.compile(ORDINALS[t.code], re.I)
        self.masks = re.compile(rf"\b(?:{_alt(t.masks)})\b", re.I) if t.masks else None
        # times
        suffix = r"(?:\s*(a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])|\s*(uhr|hrs?|h)\b)?" if t.code != "en" else \
            r"(?:\s*(a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])|\s*(hrs?)\b)?"
        clock = rf"(\d{{1,2}})(?:([:.h])(\d{{2}}))?{suffix}"
        self.clock = clock
        preps = _alt(t.time_preps)
        ranges = _alt(t.range_words)
        froms = _alt(t.from_words)
        self.time_range = re.compile(
            rf"(?:\b({froms}|{preps})\s+)?(?<![\d/.:])(\d{{1,2}})(?:([:.h])(\d{{2}}))?\s*(a\.?m\.?|p\.?m\.?|uhr|h)?"
            rf"\s*(?:{ranges})\s*(\d{{1,2}})(?:([:.h])(\d{{2}}))?\s*(a\.?m\.?|p\.?m\.?|uhr|hrs?|h)?(?![\d/])",
            re.I,
        )
        # "18h", "18h30", "18 h 30", "19hs" outside English (where "2h" is two hours).
        h_form = r"|\s?(h)(?:rs?|s)?\s?(\d{2})?(?!\w)" if t.code != "en" else r"|(?!)()()"
        self.time_marked = re.compile(
            r"(?<![\d/.:,])(\d{1,2})(?:([:.])(\d{2})\s*(a\.?\s?m\.?|p\.?\s?m\.?|uhr|hrs?|h)?"
            + h_form + r"|\s*(a\.?\s?m\.?|p\.?\s?m\.?|uhr)(?![a-z]))(?![\d/])",
            re.I,
        )
        self.time_prep = re.compile(
            rf"(?<![\w])(?:{preps})\s+(\d{{1,2}})(?:ish)?(?!\d|[:./,]\d|\s*[-/]\s*\d)"
            rf"(?:\s*(heures?|horas?|uhr)\b)?", re.I
        )
        self.time_ish = re.compile(r"(?<![\d/.:,])(\d{1,2})\s?ish\b", re.I)  # "5ish"
        self.half_before = (
            re.compile(rf"\b(?:{_alt(t.half_before)})\s+(\d{{1,2}})\b", re.I) if t.half_before else None
        )
        self.half_after = re.compile(rf"^\s*(?:{_alt(t.half_after)})\b", re.I) if t.half_after else None
        self.quarter_after = (
            re.compile(rf"^\s*(?:{_alt(t.quarter_after)})\b", re.I) if t.quarter_after else None
        )
        self.marker = re.compile(rf"(?<![\w])(?:{_alt(MARKERS[t.code])})(?![\w])", re.I)
        self.noon = re.compile(rf"(?<![\w-])(?:{_alt(t.noon_words)})(?![\w-])", re.I)
        self.pm = re.compile(rf"(?<![\w])(?:{_alt(t.pm_words)})(?![\w])", re.I)
        self.am = re.compile(rf"(?<![\w])(?:{_alt(t.am_words)})(?![\w])", re.I)
        nouns = _alt(t.event_nouns)
        if t.compound_nouns:
            self.event_noun = re.compile(rf"(?:{nouns})", re.I)
        else:
            self.event_noun = re.compile(rf"(?<![\w])(?:{nouns})(?![\w])", re.I)
        self.evening_noun = re.compile(rf"(?<![\w])(?:{_alt(t.evening_nouns)})", re.I)
        self.move = re.compile(rf"(?<![\w])(?:{'|'.join(t.move_cues)})(?![\w])", re.I)
        self.recurring = re.compile(rf"(?<![\w])(?:{'|'.join(RECURRING[t.code])})\s*$", re.I)
        self.opening = re.compile(rf"(?<![\w])(?:{'|'.join(OPENING[t.code])})(?![\w])", re.I)
        self.until = re.compile(rf"(?<![\w])(?:{'|'.join(UNTIL[t.code])})\s*$", re.I)
        self.decline = re.compile(rf"(?<![\w])(?:{'|'.join(DECLINES[t.code])})(?![\w])", re.I)
        self.deadline = re.compile(rf"(?<![\w])(?:{'|'.join(DEADLINES[t.code])})(?![\w])", re.I)
        self.plan = re.compile(rf"(?<![\w])(?:{_alt(t.plan_cues)})(?![\w])", re.I)
        self.past = re.compile(rf"(?<![\w'])(?:{'|'.join(t.past_cues)})(?![\w])", re.I)
        cancel = "|".join(c.replace("{nouns}", nouns) for c in t.cancel_cues)
        self.cancel = re.compile(rf"(?<![\w])(?:{cancel})(?![\w])", re.I)
        # A lookahead, so "à 14h au stade" yields both "à 14h..." and "au stade".
        self.place = re.compile(
            rf"(?<![\w])(?=(?:{_alt(t.place_preps)})\s+((?:[\w'.&-]+[ \t]?){{1,4}}))", re.I
        )
        self.place_noun = re.compile(rf"(?<![\w])(?:{_alt(t.place_nouns)})(?![\w])", re.I)
        glue = (t.time_preps + t.from_words + t.range_words + t.day_preps + t.this_words + t.next_words
                + t.next_after + t.place_preps + ("on", "at", "the", "de", "del", "da", "do", "der", "den",
                                                   "am", "um", "ab", "le", "la", "el", "à", "às", "dès"))
        words = _alt(w for w in glue if w != "-")
        self.dangling = re.compile(rf"(?<![\w])(?:{words})(?=\s*(?:\s\s|$|[,.;:!?]))", re.I)
        periods = _alt(t.pm_words + t.am_words)
        # "por la noche", or a period word right after a date taken out ("Friday night"),
        # but not the "night" of "movie night".
        self.period_phrase = re.compile(
            rf"(?:(?<![\w])(?:por|de|en|à|a|da|am|in the|this|pela|na)\s+(?:la\s+|l')?|(?<=\s\s)|^\s*)"
            rf"(?:{periods})(?![\w])",
            re.I,
        )
        self.date_words = re.compile(
            rf"(?<![\w])(?:{wd}|{mon}|{rel}|{_alt(t.noon_words)}|{_alt(t.pm_words + t.am_words)})(?![\w])",
            re.I,
        )


# Function words that give a language away in short messages (used only to rank languages).
MARKERS = {
    "en": ("at", "the", "is", "on", "and", "tomorrow", "next", "pm", "am", "we", "you"),
    "es": ("a las", "el", "la", "los", "de la", "es", "hay", "y", "próximo", "del", "hrs"),
    "de": ("uhr", "um", "am", "der", "die", "das", "und", "ist", "vom", "bis", "im", "wir"),
    "fr": ("à", "le", "les", "du", "des", "et", "est", "au", "chez", "prochain", "de l'"),
    "pt": ("às", "das", "no", "na", "do", "da", "é", "e", "tem", "próximo", "dia", "não"),
}

# Before a weekday, these make it a weekly schedule ("every Tuesday"), not one event.
RECURRING = {
    "en": (r"every", r"each", r"every other"),
    "es": (r"todos los", r"todas las", r"cada"),
    "de": (r"jeden", r"jede", r"immer", r"immer am", r"jeweils"),
    "fr": (r"tous les", r"chaque"),
    "pt": (r"todo", r"toda", r"todos os", r"todas as", r"sempre"),
}
# Opening hours are not events.
OPENING = {
    "en": (r"open", r"opening hours", r"opening times", r"closes at"),
    "es": (r"abierto", r"horario", r"abrimos"),
    "de": (r"geöffnet", r"öffnungszeiten", r"offen"),
    "fr": (r"ouvert", r"horaires", r"ouverture"),
    "pt": (r"aberto", r"horário", r"funcionamento"),
}
# Right before a date these make it a limit ("by Friday", "até 30/05"), not an event.
UNTIL = {
    "en": (r"by", r"until", r"till", r"before", r"no later than"),
    "es": (r"hasta(?: el)?", r"antes del?"),
    "de": (r"bis(?: zum| spätestens)?", r"vor dem", r"spätestens"),
    "fr": (r"jusqu'au", r"avant le", r"d'ici"),
    "pt": (r"até(?: o| dia| a)?", r"antes de"),
}
# Someone saying they cannot come is not announcing anything.
DECLINES = {
    "en": (r"can'?t (?:do|make|come|go)", r"cannot (?:do|make|come|go)", r"won'?t be able",
           r"not free", r"i'?m busy", r"i'?m working", r"unable to"),
    "es": (r"no puedo", r"no podemos", r"no me va bien", r"estoy ocupad[oa]", r"trabajo"),
    "de": (r"kann (?:ich )?nicht", r"können (?:wir )?nicht", r"keine zeit", r"muss arbeiten"),
    "fr": (r"je ne peux pas", r"on ne peut pas", r"je peux pas", r"pas dispo", r"je bosse",
           r"je travaille"),
    "pt": (r"não posso", r"nao posso", r"não consigo", r"nao consigo", r"vou trabalhar",
           r"estou ocupad[oa]", r"tô ocupad[oa]"),
}
# A deadline is worth knowing but is not an event to attend.
DEADLINES = {
    "en": (r"due", r"deadline", r"hand in", r"handed in", r"submit(?:ted)?", r"return(?:ed)? by",
           r"no later than", r"pay by", r"sign up by", r"reply by", r"rsvp by"),
    "es": (r"fecha límite", r"plazo", r"entregar", r"antes del", r"hasta el"),
    "de": (r"abgabe", r"abgeben", r"frist", r"spätestens", r"bis spätestens", r"zurückgeben"),
    "fr": (r"date limite", r"à rendre", r"avant le", r"au plus tard", r"rendre"),
    "pt": (r"prazo", r"entregar", r"até o dia", r"até dia", r"data limite"),
}

ORDINALS = {
    "en": r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of)|\bon\s+the\s+(\d{1,2})\b(?![:./]\d)",
    "es": r"\bel\s+(?:d[ií]a\s+)?(\d{1,2})\b(?![./:h]?\d|\s*(?:am|pm|h\b|hrs|%|/|de\s+la|y\s))",
    "de": r"\bam\s+(\d{1,2})\.(?![\d])",
    "fr": r"\b(?:le|du)\s+(1er|\d{1,2})\b(?![./:h]?\d|h\b|\s*(?:am|pm|%|/))",
    "pt": r"\bdia\s+(\d{1,2})\b(?![./:h]?\d|h\b|\s*(?:am|pm|%|/))",
}


@cache
def grammar(lang: str) -> Grammar:
    return Grammar(TABLES[lang])


# ------------------------------------------------------------------------- date helpers


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, today: date) -> date | None:
    """The nearest sensible year: this year, next year once the date is well past."""
    candidate = _safe_date(today.year, month, day)
    if candidate is None:
        return _safe_date(today.year + 1, month, day)
    if candidate < today - _PAST_WINDOW:
        return _safe_date(today.year + 1, month, day) or candidate
    return candidate


def _full_year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _coming(weekday: int, today: date, include_today: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _day_of_month(day: int, today: date, weekday: int | None = None) -> date | None:
    """The next date with this day number (from today), matching `weekday` when given."""
    fallback = None
    y, m = today.year, today.month
    for _ in range(13):
        candidate = _safe_date(y, m, day)
        if candidate and candidate >= today:
            if weekday is None or candidate.weekday() == weekday:
                return candidate
            fallback = fallback or candidate
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return fallback


def _number(word: str, table: LangTable) -> int:
    return int(word) if word.isdigit() else table.numbers.get(word.lower(), 1)


# ------------------------------------------------------------------------- finding dates


class _Spans:
    """Character spans already claimed by a mention, so later patterns skip them."""

    def __init__(self) -> None:
        self.taken: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in self.taken)

    def take(self, a: int, b: int) -> None:
        self.taken.append((a, b))


def find_dates(work: str, g: Grammar, today: date, day_first: bool) -> list[DateMention]:
    """Every date mention in the masked text, most specific patterns first."""
    spans = _Spans()
    found: list[DateMention] = []

    def add(m: re.Match[str], mention: DateMention | None) -> None:
        if mention is not None and spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)
            found.append(mention)

    for m in g.month_range.finditer(work):
        d1, mon1, d2, mon2, yr = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        month2 = g.month_of[mon2.lower()]
        month1 = g.month_of[mon1.lower()] if mon1 else month2
        last = _dated(int(d2), month2, _full_year(yr), today)
        first = _dated(int(d1), month1, last.year if last else None, today)
        if first and last and first > last:
            first = _safe_date(last.year - 1, month1, int(d1))
        if first and last and (last - first).days <= 62:
            add(m, DateMention(m.start(), m.end(), first, last, "explicit"))
    for m in g.month_first_range.finditer(work):
        month = g.month_of[m.group(1).lower()]
        month2 = g.month_of[m.group(3).lower()] if m.group(3) else month
        first = _dated(int(m.group(2)), month, _full_year(m.group(5)), today)
        last = _safe_date(first.year + (month2 < month), month2, int(m.group(4))) if first else None
        if first and last and first < last and (last - first).days <= 62:
            add(m, DateMention(m.start(), m.end(), first, last, "explicit"))
    for m in g.numeric_range.finditer(work):
        first = _numeric(m.group(1), today, day_first)
        last = _numeric(m.group(2), today, day_first)
        if first and last:
            if last < first:
                last = _safe_date(last.year + 1, last.month, last.day)
            if last and 0 < (last - first).days <= 62:
                add(m, DateMention(m.start(), m.end(), first, last, "numeric"))
    for m in g.day_month.finditer(work):
        day = _dated(int(m.group(1)), g.month_of[m.group(2).lower()], _full_year(m.group(3)), today)
        add(m, DateMention(m.start(), m.end(), day, None, "explicit") if day else None)
    for m in g.month_day.finditer(work):
        day = _dated(int(m.group(2)), g.month_of[m.group(1).lower()], _full_year(m.group(3)), today)
        add(m, DateMention(m.start(), m.end(), day, None, "explicit") if day else None)
    for m in g.iso.finditer(work):
        day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(m, DateMention(m.start(), m.end(), day, None, "explicit") if day else None)
    for m in g.numeric.finditer(work):
        add(m, _numeric_mention(m, work, g, today, day_first))
    for m in g.weekday_range.finditer(work):
        if g.move.search(work[max(0, m.start() - 30):m.start()]):
            continue  # "moved from Tuesday to Thursday" is a move, not Tue-Thu
        w1, w2 = g.weekday_of[m.group(1).lower()], g.weekday_of[m.group(2).lower()]
        first = _coming(w1, today, include_today=True)
        last = first + timedelta(days=(w2 - w1) % 7)
        if first != last:
            # "Fri-Sun" is an event; "Monday to Friday" and "open Mon-Sat" are schedules.
            if "-" in m.group(0) and not g.opening.search(work):
                add(m, DateMention(m.start(), m.end(), first, last, "weekday"))
            else:  # claim the span so its weekdays are not read one by one
                spans.take(m.start(), m.end())
    for m in g.next_week_weekday.finditer(work):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        add(m, DateMention(m.start(), m.end(), monday + timedelta(days=g.weekday_of[m.group(1).lower()]),
                           None, "weekday"))
    for m in g.weekday.finditer(work):
        add(m, _weekday_mention(m, work, g, today, spans))
    for m in g.weekday_abbr.finditer(work):
        add(m, _weekday_abbr_mention(m, work, g, today, spans))
    for m in g.relative.finditer(work):
        word = m.group(1).lower()
        offset = g.t.relative_days[word]
        period = "pm" if word in g.t.evening_days else None
        add(m, DateMention(m.start(), m.end(), today + timedelta(days=offset), None, "relative", period))
    for m in g.offset.finditer(work):
        n = _number(m.group(1), g.t)
        unit = m.group(2).lower()
        days = n * 7 if unit in g.t.week_units else n
        if 0 < days <= 120:
            add(m, DateMention(m.start(), m.end(), today + timedelta(days=days), None, "offset"))
    for m in g.ordinal.finditer(work):
        value = next(v for v in m.groups() if v)
        number = 1 if value.lower() == "1er" else int(value)
        day = _day_of_month(number, today)
        add(m, DateMention(m.start(), m.end(), day, None, "ordinal") if day else None)
    found.sort(key=lambda d: d.start)
    return _anchor_weekdays(_absorb_weekdays(found, work))


def _anchor_weekdays(found: list[DateMention]) -> list[DateMention]:
    """'Trip from 14.10. to 16.10.; departure Monday 8:00, back Wednesday 15:30': a bare
    weekday after an explicit date means that week's day, not the next one from today."""
    anchor: DateMention | None = None
    for mention in found:
        if mention.kind in ("explicit", "numeric"):
            anchor = mention
        elif mention.bare and anchor is not None:
            weekday = mention.day.weekday()
            candidate = anchor.day + timedelta(days=(weekday - anchor.day.weekday()) % 7)
            limit = anchor.last or anchor.day + timedelta(days=6)
            if candidate <= limit:
                mention.day = candidate
    return found


def _dated(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    return _infer_year(month, day, today)


def _numeric(text: str, today: date, day_first: bool) -> date | None:
    parts = [p for p in re.split(r"[./]", text) if p]
    if len(parts) < 2:
        return None
    if "." in text and len(parts) == 2 and not text.endswith("."):
        return None  # "6.30" is a time; German dates end with a dot ("20.10.")
    a, b = int(parts[0]), int(parts[1])
    year = _full_year(parts[2]) if len(parts) > 2 else None
    day, month = (a, b) if day_first else (b, a)
    if not 1 <= month <= 12 and "/" in text:
        day, month = month, day
    if not 1 <= month <= 12:
        return None
    return _dated(day, month, year, today)


_FRACTION_AFTER = re.compile(
    r"^\s*(?:of|de|der|des|du|do|da|dos|das|cups?|tazas?|x|points?|punkte|pts|marks?|"
    r"en\s+(?:el|la)\s+examen|na\s+prova|em\s+|no\s+teste|in\s+(?:the\s+)?test)\b"
    r"(?!\s*\d)",  # "2/3 das vagas" is a fraction, "10/10 das 9h" a date with its hours
    re.I,
)
_DATE_CONTEXT_BEFORE = re.compile(
    r"(?:\b(?:on|the|el|le|am|em|no|dia|du|del|vom|den|until|till|by|from|for|due|"
    r"hasta|ab|jusqu'au|au|bis|até|para|pour|für|a|à|desde)\b|[,\n(]|^)\s*$",
    re.I,
)


def _numeric_mention(m: re.Match[str], work: str, g: Grammar, today: date,
                     day_first: bool) -> DateMention | None:
    """A numeric date; without a year it needs context, or it is a fraction or a score."""
    a, sep, b, year_text, trailing = m.groups()
    year = _full_year(year_text)
    if sep == "-" and year is None:
        return None  # "3-1" is a score or a range of hours, never a date on its own
    if sep == "." and year is None and not trailing:
        return None  # "17.5" is a decimal, "7.30" a time; German dates end with a dot
    first, second = int(a), int(b)
    day, month = (first, second) if day_first else (second, first)
    if not 1 <= month <= 12 and 1 <= day <= 12 and year is not None:
        day, month = month, day
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is None:
        before = work[max(0, m.start() - 16):m.start()]
        after = work[m.end():m.end() + 30]
        if _FRACTION_AFTER.match(after):
            return None
        nearby_time = bool(re.search(r"\d\s*(?:am|pm|h\b|uhr|[:.h]\d\d)|\b(?:at|um|à|às|a las)\s+\d",
                                     after + " " + before, re.I))
        weekday_before = bool(g.date_words.search(before))
        if not (_DATE_CONTEXT_BEFORE.search(before) or nearby_time or weekday_before):
            return None
        day_value = _dated(day, month, None, today)
    else:
        if not 1990 <= year <= 2100:
            return None
        day_value = _safe_date(year, month, day)
    if day_value is None:
        return None
    return DateMention(m.start(), m.end(), day_value, None, "numeric")


def _weekday_mention(m: re.Match[str], work: str, g: Grammar, today: date,
                     spans: _Spans) -> DateMention | None:
    modifier, name, after, number = m.group(1), m.group(2), m.group(3), m.group(4)
    weekday = g.weekday_of[name.lower()]
    around = work[max(0, m.start() - 8):m.start()] + "|" + work[m.end():m.end() + 10]
    if g.t.code == "en" and name.lower() in g.t.weekday_abbr and not name[0].isupper() \
            and not _DAY_CONTEXT.search(around):
        return None  # "sat" and "sun" are words too, unless the context says day
    if g.recurring.search(work[max(0, m.start() - 16):m.start()]) or _GERMAN_EVERY.fullmatch(name):
        return None  # "every Tuesday", "dienstags": a weekly schedule, not one event
    start, end = m.start(), m.end()
    if not spans.free(start, end):
        # "Wednesday 28 May": the number belongs to an explicit date already found; keep
        # the weekday alone so it can join that date.
        start, end, number, after = m.start(2), m.end(2), None, None
    if number:
        day = _day_of_month(int(number), today, weekday)
        if day is not None:
            return DateMention(start, end, day, None, "weekday")
    # A bare "Wednesday" said on a Wednesday means next week (today would be "today");
    # only "this Wednesday" can be today. "Next Wednesday" is the first one after today.
    is_this = bool(modifier) and modifier.lower() in _THIS
    day = _coming(weekday, today, include_today=is_this and not after)
    return DateMention(start, end, day, None, "weekday", bare=not (modifier or after))


def _weekday_abbr_mention(m: re.Match[str], work: str, g: Grammar, today: date,
                          spans: _Spans) -> DateMention | None:
    name, number = m.group(1), m.group(2)
    if not name[0].isupper():
        return None  # "do", "so", "mar", "ter": only trusted when written as an abbreviation
    weekday = g.weekday_of[name.lower()]
    start, end = m.start(), m.end()
    if not spans.free(start, end):  # "So, 6. Juli": the number belongs to the explicit date
        start, end, number = m.start(1), m.end(1), None
    if number:
        day = _day_of_month(int(number), today, weekday)
        return DateMention(start, end, day, None, "weekday") if day else None
    return DateMention(start, end, _coming(weekday, today, True), None, "weekday")


_THIS = {"this", "este", "esta", "diesen", "dieser", "diese", "ce", "cette", "nesta", "neste"}
_DAY_CONTEXT = re.compile(
    r"(?:\b(?:on|this|next|every|till|until)\s*|\d\s*|,\s*)\|"
    r"|\|\s*(?:morning|afternoon|evening|night|am\b|pm\b|\d|,|$)", re.I
)
_GERMAN_EVERY = re.compile(r"(?:mon|diens|mitt|donners|frei|sams|sonn)tags", re.I)
_GLUE = re.compile(r"^[\s,.(]*(?:the|den|le|el|la|o|a|,|\s)*[\s,.]*$", re.I)


def _absorb_weekdays(found: list[DateMention], work: str) -> list[DateMention]:
    """'Saturday 17 May' is one date: a weekday right next to an explicit date joins it."""
    result: list[DateMention] = []
    for mention in found:
        if mention.kind == "weekday" and mention.last is None:
            neighbour = _adjacent_explicit(mention, found, work)
            if neighbour is not None:
                neighbour.start = min(neighbour.start, mention.start)
                neighbour.end = max(neighbour.end, mention.end)
                continue
        result.append(mention)
    return result


def _adjacent_explicit(mention: DateMention, found: list[DateMention], work: str) -> DateMention | None:
    for other in found:
        if other is mention or other.kind not in ("explicit", "numeric", "ordinal"):
            continue
        gap = (work[mention.end:other.start] if other.start >= mention.end
               else work[other.end:mention.start])
        if len(gap) <= 6 and _GLUE.match(gap):
            return other
    return None


# ------------------------------------------------------------------------- finding times


def find_times(work: str, g: Grammar, dates: list[DateMention]) -> list[TimeMention]:
    """Clock times and time ranges that are not part of a date."""
    spans = _Spans()
    for d in dates:
        spans.take(d.start, d.end)
    found: list[TimeMention] = []
    for m in g.time_range.finditer(work):
        mention = _range_mention(m, work, dates)
        if mention and spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)
            found.append(mention)
    if g.half_before is not None:
        for m in g.half_before.finditer(work):
            hour = int(m.group(1))
            if 1 <= hour <= 12 and spans.free(m.start(), m.end()):
                spans.take(m.start(), m.end())
                found.append(TimeMention(m.start(), m.end(), hour - 1 if hour > 1 else 12, 30))
    for m in g.time_marked.finditer(work):
        mention = _marked_mention(m)
        if mention and spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)
            found.append(_with_fraction(mention, work, g))
    for m in g.time_prep.finditer(work):
        hour = int(m.group(1))
        if 0 <= hour <= 24 and spans.free(m.start(1), m.end(1)):
            spans.take(m.start(1), m.end(1))
            literal = m.group(2) is not None  # "à 10 heures" is a 24-hour clock reading
            found.append(_with_fraction(TimeMention(m.start(1), m.end(), hour % 24, 0, literal=literal),
                                        work, g))
    for m in g.time_ish.finditer(work):
        hour = int(m.group(1))
        if 1 <= hour <= 12 and spans.free(m.start(), m.end()):
            spans.take(m.start(), m.end())
            found.append(TimeMention(m.start(), m.end(), hour, 0))
    for m in g.noon.finditer(work):
        if spans.free(m.start(), m.end()):
            spans.take(m.start(), m.end())
            found.append(TimeMention(m.start(), m.end(), 12, 0, literal=True))
    found.sort(key=lambda t: t.start)
    return found


def _meridiem(text: str | None) -> str | None:
    if not text:
        return None
    letter = text.lower().replace(".", "").strip()[:1]
    return "am" if letter == "a" else "pm" if letter == "p" else None


def _is_24h(suffix: str | None, sep: str | None, hour_text: str) -> bool:
    literal_suffix = suffix is not None and suffix.lower() in ("uhr", "h", "hr", "hrs")
    leading_zero = len(hour_text) == 2 and hour_text[0] == "0"  # "07:30" is morning
    return literal_suffix or sep == "h" or int(hour_text) >= 13 or leading_zero


_SCORE_VERB = re.compile(
    r"\b(?:won|lost|beat|drew|score[ds]?|ganamos|ganhamos|perdimos|perdemos|gewonnen|verloren|"
    r"gagné|perdu|ganó|ganhou|perdeu|empate|empatamos)\b", re.I
)


def _range_mention(m: re.Match[str], work: str, dates: list[DateMention]) -> TimeMention | None:
    prep, h1, s1, m1, suf1, h2, s2, m2, suf2 = m.groups()
    hour1, hour2 = int(h1), int(h2)
    min1, min2 = int(m1 or 0), int(m2 or 0)
    if hour1 > 24 or hour2 > 24 or min1 > 59 or min2 > 59:
        return None
    marked = any((s1, s2, suf1, suf2))
    if not marked and hour2 < hour1 <= 9:
        return None  # "ganamos 4 a 2", "3 à 1": a score, not hours
    if _SCORE_VERB.search(work[max(0, m.start() - 20):m.start()]):
        return None
    start = m.start(2)
    follows_date = any(0 <= start - d.end <= 3 for d in dates)
    if not (marked or prep or follows_date):
        return None  # "3-1" and "10 to 12" alone are scores or quantities
    literal = _is_24h(suf1, s1, h1) or _is_24h(suf2, s2, h2)
    return TimeMention(
        start=start if not prep else m.start(), end=m.start() + len(m.group(0).rstrip()),
        hour=hour1 % 24, minute=min1,
        end_hour=hour2 % 24, end_minute=min2, meridiem=_meridiem(suf1), end_meridiem=_meridiem(suf2),
        literal=literal,
    )


def _marked_mention(m: re.Match[str]) -> TimeMention | None:
    hour_text, sep, minutes, suffix, h_sep, h_minutes, bare_suffix = m.groups()
    hour = int(hour_text)
    if sep:
        minute = int(minutes)
        if sep == "." and suffix is None and hour > 12:
            pass  # "19.30" is a time (German style)
        mer, literal_suffix = _meridiem(suffix), suffix if suffix and _meridiem(suffix) is None else None
        literal = _is_24h(literal_suffix, None, hour_text)
    elif h_sep:
        minute = int(h_minutes or 0)
        mer, literal = None, True
    else:
        minute = 0
        mer = _meridiem(bare_suffix)
        literal = mer is None  # "18 Uhr"
    if hour > 24 or minute > 59 or (mer and not 1 <= hour <= 12):
        return None
    return TimeMention(m.start(), m.end(), hour % 24, minute, meridiem=mer, literal=literal)


def _with_fraction(mention: TimeMention, work: str, g: Grammar) -> TimeMention:
    """'a las 5 y media', 'às 7 e meia', 'à 8 heures et demie': add the half or quarter."""
    rest = work[mention.end:mention.end + 14]
    if g.half_after is not None and (hit := g.half_after.match(rest)):
        mention.minute, mention.end = 30, mention.end + hit.end()
    elif g.quarter_after is not None and (hit := g.quarter_after.match(rest)):
        mention.minute, mention.end = 15, mention.end + hit.end()
    elif g.t.code in ("es", "pt") and (hit := _AND_MINUTES.match(rest)) and int(hit.group(1)) < 60:
        mention.minute, mention.end = int(hit.group(1)), mention.end + hit.end()  # "6 y 30"
    return mention


_AND_MINUTES = re.compile(r"^\s*(?:y|e)\s+(\d{2})\b(?!\s*(?:min|€|\$|%))", re.I)


# ------------------------------------------------------------------------- am / pm


def _period_near(low: str, g: Grammar, start: int, end: int, date_mention: DateMention | None) -> str | None:
    """Evening or morning words close to a time (or on its date: 'tonight', 'Friday night')."""
    window = low[max(0, start - 40):end + 28]
    if date_mention is not None:
        window += " " + low[date_mention.start:date_mention.end + 12]
    if g.am.search(window):
        return "am"
    if g.pm.search(window) or (date_mention is not None and date_mention.period == "pm"):
        return "pm"
    return None


def resolve_hours(t: TimeMention, period: str | None) -> tuple[time, time | None]:
    """Apply am/pm: explicit wins; evening words make pm; 1-7 in a plan are pm."""
    hour = _to_24(t.hour, t.meridiem or (t.end_meridiem if t.end_hour is None else None), t.literal, period)
    end: time | None = None
    if t.end_hour is not None:
        end_hour = _to_24(t.end_hour, t.end_meridiem, t.literal, period)
        end_value = end_hour + (t.end_minute or 0) / 60
        if t.meridiem is None and t.end_meridiem == "pm" and hour < 12 and hour + 12 < end_value:
            hour += 12  # "5-7pm" is 17-19; "10-1pm" stays 10-13
        elif t.meridiem is None and t.end_meridiem == "am" and hour > 12:
            hour -= 12
        if end_hour < hour and end_hour + 12 < 24 and not t.literal:
            end_hour += 12
        if (end_hour, t.end_minute or 0) > (hour, t.minute):
            end = time(end_hour, t.end_minute or 0)
    return time(hour, t.minute), end


def _to_24(hour: int, meridiem: str | None, literal: bool, period: str | None) -> int:
    if meridiem == "pm":
        return hour if hour == 12 else hour + 12
    if meridiem == "am":
        return 0 if hour == 12 else hour
    if period == "pm" and hour < 12:
        return hour + 12
    if period == "am" or literal:
        return hour
    if period == "late" and 8 <= hour <= 10:
        return hour + 12  # "party at 8" is in the evening
    if 1 <= hour <= 7:
        return hour + 12  # nobody plans practice at 5 in the morning
    return hour


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
    for d in dates:
        event = _event_for(ctx, d, assignment.get(id(d)), noun, plan, tz_name, blanks, dates)
        if event is not None:
            events.append(event)
    if any(e.confidence >= 0.9 and not e.all_day for e in events):
        # Beside a clearly dated and timed event, a weak all-day mention is a side remark
        # ("invites in book bags today").
        events = [e for e in events if not e.all_day or e.cancelled or e.confidence >= 0.65]
    return _merge(events)


_LIST_GLUE = re.compile(r"^\s*(?:&|\+|and|y|und|et|e|,)\s*$", re.I)


def _share_times(dates: list[DateMention], assignment: dict[int, TimeMention], text: str) -> None:
    """'5/24 & 5/25 8am-2pm': days listed together share the hours given after the last."""
    for first, second in reversed(list(zip(dates, dates[1:], strict=False))):
        if id(first) not in assignment and id(second) in assignment and \
                _LIST_GLUE.match(text[first.end:second.start]):
            assignment[id(first)] = assignment[id(second)]


_EN_DAY_EVENT = re.compile(  # "Comic Relief day", "World Book Day", "inset day"
    r"\b(?!(?:every|a|one|the|nice|good|great|long|whole|all|each|same|next|that|this|some|any|"
    r"per|other|busy|lovely|hard|bad|happy|big|first|last|half|full|school|working|rainy|sunny)\b)"
    r"[a-z]+ day\b",
    re.I,
)


def _names_event(g: Grammar, text: str) -> bool:
    """An event noun ("practice", "Elternabend", "fête") in `text`."""
    return bool(g.event_noun.search(text) or (g.t.code == "en" and _EN_DAY_EVENT.search(text)))


def _assign_times(dates: list[DateMention], times: list[TimeMention], text: str) -> dict[int, TimeMention]:
    """Each time goes to the nearest date; each date keeps the closest time it was given."""
    chosen: dict[int, tuple[int, TimeMention]] = {}
    for t in times:
        def distance(d: DateMention, t: TimeMention = t) -> int:
            if t.start >= d.end:
                gap, between = t.start - d.end, text[d.end:t.start]
            else:  # a time before its date: slightly further
                gap, between = (d.start - t.end) + 1, text[t.end:d.start]
            return gap + (2 if any(c in between for c in ",;\n") else 0)
        nearest = min(dates, key=distance)
        gap = distance(nearest)
        if id(nearest) not in chosen or gap < chosen[id(nearest)][0]:
            chosen[id(nearest)] = (gap, t)
    return {key: value[1] for key, value in chosen.items()}


_CLAUSE_BREAK = re.compile(r"[,;:]|\s-\s|\b(?:but|pero|aber|mais|mas|dafür|instead)\b")
_MOVED_FROM = re.compile(r"(?:from|de|del|von|vom|du|do|da|desde)\s*$")
_STRENGTH = {"explicit": 0.5, "numeric": 0.4, "weekday": 0.35, "relative": 0.3,
             "offset": 0.3, "ordinal": 0.3}


def _cancels(ctx: _Context, d: DateMention, s0: int, s1: int, dates: list[DateMention]) -> bool:
    """A cancellation cue in the date's sentence; with two days in it, in the date's own clause
    ("Monday's practice is off, see you Wednesday instead")."""
    if not ctx.g.cancel.search(ctx.low[s0:s1]):
        return False
    if sum(s0 <= other.start < s1 for other in dates) <= 1:
        return True
    c0 = max([s0] + [m.end() + s0 for m in _CLAUSE_BREAK.finditer(ctx.low[s0:d.start])])
    after = _CLAUSE_BREAK.search(ctx.low, d.end, s1)
    return bool(ctx.g.cancel.search(ctx.low[c0:after.start() if after else s1]))


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
    in_past = any(p.search(ctx.work[s0:s1].lower()) for p in ctx.past)
    if not cancelled and not moved_to and in_past:
        return None
    last = d.last or d.day
    if last < ctx.today:
        return None
    strength = _STRENGTH[d.kind] + (0.05 if d.last is not None else 0.0)  # ranges are deliberate
    slot = ctx.low[d.end:d.end + 16]
    if t is None and (d.period or ctx.g.pm.search(slot) or ctx.g.am.search(slot)):
        strength += 0.1  # "Friday night", "tonight": a slot of the day, not just a day
    timed = 0.3 if d.last is None else 0.1  # over several days a time is daily hours
    if ctx.g.deadline.search(sentence) or ctx.g.until.search(ctx.low[max(s0, d.start - 20):d.start]):
        strength -= 0.35  # "payable by 1 Oct", "due Friday": a limit, not a gathering
    if ctx.g.decline.search(ctx.low):
        strength -= 0.3
    # The "what" next to the date counts fully; one elsewhere in the message less
    # ("party on Saturday ... invites in book bags today": today is not the party).
    named = 0.25 if _names_event(ctx.g, sentence) else 0.15 if noun else 0.0
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
    period = _period_near(ctx.low, ctx.g, t.start, t.end, d)
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
    if ctx.text.count("\n") >= 2:  # a flyer: the lines above the date are its headline
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
    for a, b in blanks + places:
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
    if ctx.text.count("\n") >= 2:  # a flyer: the first plain line after the date and time
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
            yield line_no, {"id": record["id"], "events": [e.as_output() for e in events]}


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
