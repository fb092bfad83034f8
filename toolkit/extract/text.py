"""Find calendar events in the text of a chat message (or of an OCR'd flyer).

A rule-based resolver over the language tables in `extract.lang` (compiled by `extract.rules`;
date and time mentions found by `extract.mentions`). Measured off-the-shelf resolvers were weak
on chat text (dateparser finds numbers as dates, Recognizers-Text needs heavy glue and
conflicts with our dependencies), so the package does the whole job itself:

1. a cheap gate skips messages that cannot hold a date (no digit, no date word);
2. the text is repaired (OCR digits: 6:3O, l0am) and masked (phone numbers, prices,
   percentages, durations), keeping character offsets;
3. date mentions are found (ranges, explicit dates, agenda lists under a month heading, named
   days, weekends and weeks, weekdays, relative words, "in two weeks on Tuesday", bare day
   numbers) and then time mentions (am/pm, 24h, 18h30, 18 Uhr, "a las 6", "half 7",
   "quarter past seven", "halb acht", ranges);
4. the message is cut into clauses, one per date (`extract.clauses`), and each clause is read
   on its own (`extract.reading`): past tense, thanks, chatter and clock changes drop a date;
   a closure ("no school") or a deadline ("forms due Friday") sets its kind; a cancellation is
   flagged; a move ("verlegt auf Mittwoch 17:30") gives the new start and the old one;
5. an evidence score (date kind + time + event noun + plan cue) decides event or not, and
   becomes the confidence; the title and place come from the clause (`extract.titles`).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.errors import InputError
from toolkit.eventtypes import FoundEvent
from toolkit.extract.alternation import alternation
from toolkit.extract.context import PASTED_STAMP, Context
from toolkit.extract.lang import TABLES
from toolkit.extract.mentions import THIS_MONTH_END, find_dates, find_times
from toolkit.extract.reading import SAME_TIME, read_events, says_same_place
from toolkit.extract.rules import DEFAULT_COUNTRY, HOLIDAYS, MARKERS, MONEY, Grammar, grammar
from toolkit.extract.threads import is_thread, settled_in_thread
from toolkit.language import LANGUAGES, detect_language, language_confidences
from toolkit.terminal import visible

__all__ = ["extract_events", "detect_language", "extract_file", "may_hold_date", "EXTRACTOR_VERSION"]

EXTRACTOR_VERSION = "text-clauses-2"


# ------------------------------------------------------------------------- text repair


# The look-behinds come after the letter they guard, so the scan jumps from one l, I, | or O
# to the next.
_OCR_ONE = re.compile(r"[lI|](?=\d)(?:(?<![A-Za-z][lI|])|(?<=\d[lI]))")
_OCR_ZERO = re.compile(r"[Oo](?:(?<=\d[Oo])(?=[\d:.hH ]|\b|(?i:am|pm))|(?<=\d[:.hH][Oo]))")
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "\u00a0": " ", "’": "'"})
_DASHED = re.compile("[–—‒\u00a0’]")  # what _DASHES replaces: translating is slow, finding is not


def repair(text: str) -> str:
    """Undo common OCR digit confusions and unify dashes; keeps the length (offsets hold)."""
    if _DASHED.search(text):
        text = text.translate(_DASHES)
    if _DIGIT.search(text):  # both OCR patterns need a digit
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
    r"(?=[\dru$€£¥])"  # what a price can start with, tested first: one test at most positions
    rf"(?:{MONEY}|\d+\s?%|\d+\s?x\s?\d+\b)",
    re.I,
)
_DURATION = re.compile(  # the digit before its look-behind: the scan jumps from digit to digit
    r"\d(?<![:\d.]\d)\d*(?:[.,]\d+)?\s?(?:min(?:ute)?s?|minut[oe]s?|minuten|mins?\.?|hours?|hrs?"
    r"|horas?|heures?|stunden?|std\.?|secs?|seconds?|segundos?|sekunden"
    r"|years?(?: old)?|ans|años|anos|jahren?|months?|mois|meses|monaten?)\b",  # ages, too
    re.I,
)

# How long something took ("j'ai mis 1h20 pour arriver", "took me 1h20", "tardé 1h20"): no hour.
_TOOK = re.compile(r"\b(?:mis|pris|fallu|took|takes|taking|tard[ée]|tarda|tardo|demor(?:ei|ou|a)|levei|levou|"
                   r"leva|brauchte|gebraucht|dauert\w*)\s+(?:me\s+|mir\s+)?(\d{1,2}\s?h\s?\d{2})\b", re.I)

# A distance run in a time ("28km in 2:41", "25 km in 2:18 gelaufen"), a delay ("2h de atraso",
# "1h30 de retard", "2h delay"): lengths of time, no hour.
_RUN_IN = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:km|k|mi|miles|m)\s+(?:in|en|em|à|a)\s+"
                     r"(\d{1,2}[:h]\d{2}(?::\d{2})?)\b"
                     r"|\b(\d{1,2}\s?h(?:\d{2})?)\s+(?:de\s+)?(?:atraso|retraso|retard|verspätung|delay|late)\b",
                     re.I)

# A voice note's length ("[Voice note 0:42]", "🎤 Audio 1:05", "Sprachnachricht 0:37"): no hour.
_VOICE_NOTE = re.compile(r"(?:voice (?:note|message|memo)|audio|áudio|nota de voz|mensaje de voz|"
                         r"sprachnachricht|sprachmemo|message vocal|mensagem de voz|🎤|🎙️?)"
                         r"\W{0,3}(\d{1,2}:\d{2})\b", re.I)

# A room's number after the word for a room ("aula 2.04", "Raum 1.12", "salle 3.05", "room
# 2.14"): floor and room, never a day and month.
_DOTTED_NUMBER = re.compile(r"\d\.\d")  # in every room's number: tested first, it is fast
_DIGIT = re.compile(r"\d")
_ROOM_NUMBER = re.compile(
    r"\b(?:room|classroom|aula|sala|salle|raum|zimmer|saal|klassenraum|salón|salon|salão|salao|"
    r"lab|labor|labo)\s+(\d{1,2}\.\d{2,3})(?!\d|\.\d)",
    re.I,
)

_CLOCK_PREP = re.compile(
    r"(?:\bà|\bàs|\bas|\ba las|\ba la|\bat|\bum|\bvers|\bdès|\bpelas|\bde|\bdas)\s*$", re.I
)


# After a count of hours, these make it an hour of the clock: "8 heures et demie", "6 horas
# da tarde", "11 Uhr"-like "7 horas em ponto". Before it, "the same time" names one:
# "même heure (11 heures)", "mesma hora, 8 horas".
_CLOCK_AFTER = re.compile(
    r"\s*(?:et\s+(?:demie|quart)|moins\s+(?:le\s+)?quart|du\s+(?:matin|soir)|de\s+l'apr[èe]s-midi|"
    r"pile\b|pr[ée]cises?\b|e\s+meia|e\s+um\s+quarto|em\s+ponto|da\s+(?:manh[ãa]|tarde|noite)|"
    r"y\s+(?:media|cuarto)|menos\s+cuarto|en\s+punto|de\s+la\s+(?:ma[ñn]ana|tarde|noche))", re.I)
_SAME_TIME_BEFORE = re.compile(
    r"\b(?:m[êe]me\s+heure|mesm[ao]\s+(?:hora|hor[áa]rio)|mism[ao]\s+(?:hora|horario))\W{0,3}$", re.I)
# "desde las 22 horas", "hasta las 14 horas", "até às 18 horas": the article says an hour of the day.
_CLOCK_ARTICLE = re.compile(r"\b(?:desde|hasta|sobre|hacia|partir de|at[ée]|por volta de)\s+"
                            r"(?:las|as|às|das)\s*$", re.I)
_FROM_CLOCK = re.compile(r"\b(?:from|ab|desde)\s*$", re.I)
_AFTERNOON_HRS = re.compile(r"(?:1[3-9]|2[0-3])\s?hrs?", re.I)
_HOURS = re.compile(r"(\d{1,2})\s?(?:heures?|horas?)", re.I)
# "ça dure 2 heures et demie", "en 3 heures": a duration whatever follows it.
_DURATION_BEFORE = re.compile(r"\b(?:dur\w*|pendant|durant|durante|en|em|por|leva\w*|prend\w*|"
                              r"faut|tarda\w*|plus de|mais de|m[áa]s de|moins de|menos de)\s*$", re.I)


def _clock_hour(text: str, m: re.Match[str]) -> bool:
    """A count of hours that is an hour of the day ("à 20 heures", "às 8 horas", "8 heures et
    demie", "même heure (11 heures)"), not a duration, so the mask keeps it."""
    before = text[max(0, m.start() - 16):m.start()]
    if _CLOCK_PREP.search(before[-8:]) or _CLOCK_ARTICLE.search(before):
        return True
    if _FROM_CLOCK.search(before[-8:]) and _AFTERNOON_HRS.fullmatch(m.group(0)):
        return True  # "from 14hrs": "from 2 hours after lunch" stays a count
    hours = _HOURS.fullmatch(m.group(0))
    if hours is None or int(hours.group(1)) > 24 or _DURATION_BEFORE.search(before):
        return False
    return bool(_CLOCK_AFTER.match(text, m.end()) or _SAME_TIME_BEFORE.search(before))


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


# An earlier message quoted in a reply: a ">" line, or a quotation the rest of the message asks
# about ('"Practice Thursday at 6" - is that still on?'). Its event was proposed when it was
# first said; the reply announces nothing new.
_QUOTE_LINE = re.compile(r"^[ \t]*(?:>|»[ \t]*[^:\n»«]{1,30}:).*$", re.M)  # "> Dan: ...", "» Markus: ..."
# The quoted line's own words: after ">" (and the name that wrote it, if given)
_QUOTED_WORDS = re.compile(r"^[ \t]*(?:>|»)[ \t]*(?:[^:\n»«]{1,30}:[ \t]*)?", re.M)
# A first line that is all a quotation: an earlier message quoted in a reply
_QUOTED_FIRST_LINE = re.compile(r"\A[ \t]*[«\"“„]([^\n«»\"“”„]{4,240})[»\"”“][ \t]*\n")
_QUOTATION = re.compile(r"[\"“”«„]([^\"“”«»„\n]{4,240})[\"“”»]"
                        # single quotes open after a space and close before one (not "can't")
                        r"|(?:(?<=[\s:(])|^)['‘]([^'‘’\n]{4,240})['’](?=[\s,.;:!?)–—-]|$)")

# A question about a day, a year or whether something holds ("anyone know this year's?",
# "¿sigue en pie?", "stimmt das noch?"), in any of the five languages.
_ASKS_WHEN = re.compile(r"\b(?:when|date|still|right|correct|true|sure|confirmed|cu[aá]ndo|fecha|sigue|"
                        r"todav[ií]a|a[uú]n|wann|datum|noch|stimmt|quand|toujours|encore|vrai|"
                        r"quando|data|ainda|certo|confirmad[oa]|year['’]?s?|años?|jahr|jahres|"
                        r"ann[ée]es?|anos?)\b", re.I)


# A verdict on what was quoted: it is over ("c'était génial", "it was great", "war echt schön").
_PAST_VERDICT = re.compile(
    r"\b(?:c['’]était|it was|that was|war|fue|estuvo|foi|tava|estava)\s+(?:\w+\s+)?"
    r"(?:génial|super|top|great|amazing|fun|brilliant|lovely|awesome|fab|toll|schön|klasse|lustig|"
    r"genial|increíble|buenísimo|padrísimo|ótimo|incrível|demais|bom|bien|good|nice|sympa|magnifique)\b",
    re.I)


# "2130-0730", "0600-1400": two 24-hour clock readings, not a phone number.
_CLOCK_SPAN = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d\s*[-–]\s*(?:[01]\d|2[0-3])[0-5]\d")


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _QUOTE_LINE.finditer(text)]
    for m in _QUOTATION.finditer(text):
        outside = text[:m.start()] + text[m.end():]
        # "'Training Saturday 10am' - still on?" asks about what it quotes; a notice pasted after
        # a colon is news when the question is about something else ("Mensagem da UBS: '...'
        # Quem pode levar a vó?"), not when it asks about its day ("...: '...' this year's date?")
        # a notice pasted after a colon, or on lines of its own ("mamá esta es la de Pablo, la
        # llevas tú o voy yo?\n\n"CLÍNICA DENTAL SONRÍE: Le recordamos su cita ...""); a line
        # quoted from the chat is short
        pasted = text[:m.start()].rstrip().endswith(":") or (
            text[:m.start()].endswith("\n") and m.end() - m.start() >= 60)
        if "?" in outside and not (pasted and not _ASKS_WHEN.search(outside)):
            spans.append(m.span())
        elif _PAST_VERDICT.search(outside):
            spans.append(m.span())  # "« RDV samedi 17 à 20h chez Karim » Bon ben c'était génial"
    return spans


def mask_noise(text: str) -> str:
    """Blank out phone numbers, prices, percentages, durations, rooms' numbers, quoted earlier
    messages and the send stamps of pasted chat lines (same length)."""
    chars = list(text)
    # Cheap tests first: most patterns need a digit, an address an "@", "://" or "www.".
    digit = _DIGIT.search(text) is not None
    address = "@" in text or "://" in text or "www." in text.lower()

    def blank(a: int, b: int) -> None:
        chars[a:b] = " " * (b - a)

    for a, b in _quoted_spans(text):
        blank(a, b)
    for m in PASTED_STAMP.finditer(text) if digit else ():
        blank(m.start(), m.end())
    for m in _PHONE.finditer(text) if digit else ():
        span = m.group(0)
        if _digits(span) >= 7 and not _DASHED_DATE.fullmatch(span.strip()) \
                and not _CLOCK_SPAN.fullmatch(span.strip()):
            blank(m.start(), m.end())
    for m in _URL.finditer(text) if address else ():
        blank(m.start(), m.end())
    for m in _PRICE.finditer(text) if digit else ():
        blank(m.start(), m.end())
    for m in _DURATION.finditer(text) if digit else ():
        if not _clock_hour(text, m):
            blank(m.start(), m.end())
    for m in _ROOM_NUMBER.finditer(text) if _DOTTED_NUMBER.search(text) else ():
        blank(*m.span(1))
    for m in _VOICE_NOTE.finditer(text) if digit else ():
        blank(*m.span(1))
    for m in _TOOK.finditer(text) if digit else ():
        blank(*m.span(1))
    for m in _RUN_IN.finditer(text) if digit else ():
        blank(*m.span(1 if m.group(1) else 2))
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
    for names in HOLIDAYS.values():  # "Heiligabend", "2. Weihnachtstag", "Karfreitag"
        words |= {max(name.split(), key=len) for name in names}
    words |= {"tmrw", "tmr", "hj", "amn", "weekend", "week-end", "finde", "wochenende", "fds",
              "half", "halb", "quarter", "viertel", "dreiviertel", "o'clock"}
    # German weekdays also open compounds: "Mittwochnachmittag", "Freitagsgebet"
    compounds = alternation(w for w in TABLES["de"].weekdays if not w.endswith("s"))
    return re.compile(rf"\d|\b(?:{alternation(words)})\b|\b(?:{compounds})", re.I)


def may_hold_date(text: str) -> bool:
    """The cheap gate: False when the text has no digit, no date word in any language and
    no end of the month said without its name ("até ao fim do mês", "avant la fin du mois":
    a deadline with no digit in it)."""
    # a digit, the commonest reason, is found faster on its own than by the whole gate
    return bool(_DIGIT.search(text) or _gate().search(text) or THIS_MONTH_END.search(text))


# ------------------------------------------------------------------------- language


def choose_language(text: str, lang: str | None) -> list[tuple[str, float]]:
    """Languages to try with their scores, best first: the forced one, or a ranking."""
    if lang:
        code = lang.lower().split("-")[0]
        if code not in TABLES:
            raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
        return [(code, 1.0)]
    # Lingua alone is unsure on a six-word message; the words our tables know for each
    # language ("Juli", "Uhr", "mañana") settle it. When they settle it alone (two words more
    # of one language than of any other), lingua is not asked: it is most of the cost.
    low = text.lower()
    tokens = set(_TOKEN.findall(low))
    hits = {code: min(3, _vocabulary_hits(low, tokens, code)) for code in LANGUAGES}
    ranked = sorted(hits.values(), reverse=True)
    best = max(hits, key=lambda code: hits[code])
    settled = ranked[0] >= 2 and ranked[1] <= ranked[0] - 2
    confidences = {best: 1.0} if settled else language_confidences(text)
    scores = {code: confidences.get(code, 0.0) + 0.3 * hits[code] for code in LANGUAGES}
    return sorted(scores.items(), key=lambda item: -item[1])


_TOKEN = re.compile(r"\w+")


@cache
def _vocabulary(code: str) -> tuple[frozenset[str], frozenset[str], re.Pattern[str]]:
    """One language's known single words (date and function words; event nouns apart, for
    their plurals) and one pattern for its phrases ("a las", "de la", "fête des voisins") and,
    in German, for event nouns inside compounds ("Kinderturnen")."""
    t = TABLES[code]
    entries: set[str] = set(MARKERS[code])
    for group in (t.weekdays, t.weekday_abbr if code == "en" else {}, t.months, t.relative_days,
                  t.noon_words, t.pm_words, t.am_words):
        entries |= {w.lower() for w in group}
    nouns = {w.lower() for w in t.event_nouns}
    phrases = [w for w in entries | nouns if not _TOKEN.fullmatch(w)]
    if t.compound_nouns:
        compiled = re.compile(rf"(?:{alternation(phrases + list(nouns))})")
    else:
        compiled = re.compile(rf"(?<!\w)(?:{alternation(phrases)})(?!\w)")
    return (frozenset(w for w in entries if _TOKEN.fullmatch(w)),
            frozenset() if t.compound_nouns else frozenset(w for w in nouns if _TOKEN.fullmatch(w)),
            compiled)


def _vocabulary_hits(low: str, tokens: set[str], code: str) -> int:
    """How many distinct words of this language's tables the text holds."""
    words, nouns, phrases = _vocabulary(code)
    found = tokens & words
    found |= {t for t in tokens if t in nouns or (t[-1:] == "s" and (t[:-1] in nouns or t[:-2] in nouns))}
    found |= set(phrases.findall(low))
    return len(found)


# ------------------------------------------------------------------------- main entry


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
        work = _masked_for(masked, g)
        past = [grammar(c).past for c in dict.fromkeys([code, *close])]
        ctx = Context(repaired, work, repaired.lower(), g, ref, zone, ref.date(), past)
        country = message_country(locale, zone) or DEFAULT_COUNTRY.get(code)
        ctx.memo["country"] = country
        day_first = _day_first(locale, code, zone)
        dates = find_dates(work, g, ctx.today, day_first, country)
        thread = is_thread(repaired)  # its quoted turns are masked: their days are read below
        if not dates and not thread and _answers_a_quoted_day(repaired, work, g, ctx.today, day_first):
            # "> Claire : kermesse samedi 17 juin le matin / non c'est l'après-midi ! 14h-18h":
            # a reply that gives hours to the day it quotes is read with that day
            return extract_events(_QUOTED_WORDS.sub("", repaired), ref_time, tz=tz, locale=locale, lang=code)
        if not dates and not thread:
            continue
        # The first language that sees a date decides; a runner-up is only asked when the
        # best guess saw no date at all (a short message in the other language).
        # FoundEvent.tz is an IANA name or None (a bare +05:30 offset has no name).
        events = read_events(ctx, dates, tz or getattr(zone, "key", None)) if dates else []
        if thread:
            return _thread_settled(events, ctx, ref_time, day_first, country, tz=tz, locale=locale, lang=code)
        return _changed_from_quote(events, repaired, ref_time, g, tz=tz, locale=locale, lang=lang)
    return []


def _masked_for(masked: str, g: Grammar) -> str:
    """`mask_noise`'s text with the language's own set phrases blanked too ("bonne soirée")."""
    return masked if g.masks is None else g.masks.sub(lambda m: " " * len(m.group(0)), masked)


def _answers_a_quoted_day(text: str, work: str, g: Grammar, today: date, day_first: bool) -> bool:
    """The reply names no day but gives hours, and the one earlier message it quotes names one."""
    quoted = [m.group(0) for m in _QUOTE_LINE.finditer(text)]
    if len(quoted) != 1 or not find_times(work, g, []):
        return False
    return bool(find_dates(_QUOTED_WORDS.sub("", quoted[0]), g, today, day_first))


def _thread_settled(events: list[FoundEvent], ctx: Context, ref_time: datetime, day_first: bool,
                    country: str | None, **given: Any) -> list[FoundEvent]:
    """The plan of a conversation of quoted turns (`extract.threads`), each turn masked and read
    as a message of its own."""
    def mask(turn: str) -> str:
        return _masked_for(mask_noise(turn), ctx.g)

    def read(turn: str) -> list[FoundEvent]:
        return extract_events(turn, ref_time, **given)

    return settled_in_thread(events, ctx.text, ctx.g, ctx.today, day_first, country, ctx.zone, mask, read)


def _changed_from_quote(events: list[FoundEvent], text: str, ref_time: datetime, g: Grammar,
                        **given: Any) -> list[FoundEvent]:
    """'> Dan: Five-a-side Thursday 7pm at Goals Sheffield' then 'they've shifted us to Friday,
    same time. Same place.': a move in the reply is a move of the quoted plan, which lends it
    the old start, its title, and its hour and place where the reply keeps them."""
    lines = [m.group(0) for m in _QUOTE_LINE.finditer(text)]
    first = _QUOTED_FIRST_LINE.match(text) if not lines else None
    if first is not None:
        lines = [first.group(1)]  # "« Répète de la chorale mardi 19h30 ... »\n➡️ Finalement ..."
    if not lines:
        return events
    reply = _QUOTE_LINE.sub(" ", text) if first is None else text[first.end():]
    low = reply.lower()
    same_hour, same_place = bool(SAME_TIME.search(low)), says_same_place(low, g)
    moves = [e for e in events if e.moved and not e.cancelled and e.previous_start is None]
    if not moves and not (same_hour or same_place):
        return events  # nothing in the reply changes the plan: no need to read the quote
    quoted = "\n".join(_QUOTED_WORDS.sub("", line) for line in lines)
    plans = [e for e in extract_events(quoted, ref_time, **given) if not e.cancelled]
    if len(plans) != 1:
        return events
    plan = plans[0]
    if not moves:
        # "Finalement on la fait jeudi, même heure ... Même salle.": the reply's one other day
        others = [e for e in events if not e.cancelled and e.start[:10] != plan.start[:10]]
        if len(others) != 1:
            return events
        moves = others
        events = [e for e in events if e.start != plan.start]  # the plan as quoted is gone
    moved = {id(e) for e in moves}
    return [_as_moved_plan(e, plan, same_hour or not re.search(r"\d", reply), same_place)
            if id(e) in moved else e for e in events]


def _as_moved_plan(event: FoundEvent, plan: FoundEvent, keeps_hour: bool, keeps_place: bool) -> FoundEvent:
    """The quoted plan, at the reply's new day (and the plan's hour and place when the reply
    keeps them, or says none of its own)."""
    start, end, all_day = event.start, event.end, event.all_day
    if event.all_day and not plan.all_day and keeps_hour:
        hour = datetime.fromisoformat(plan.start)
        start = datetime.combine(datetime.fromisoformat(event.start).date(), hour.timetz()).isoformat()
        end, all_day = None, False
    location = event.location
    if keeps_place or location is None:
        location = plan.location or location
    return replace(event, title=plan.title, start=start, end=end, all_day=all_day, location=location,
                   previous_start=plan.start, kind="event", moved=True)


def _zone(tz: str | None, ref_time: datetime) -> tzinfo:
    """The IANA zone asked for, else the reference time's own zone (or its fixed offset)."""
    if tz:
        try:
            return _zone_named(tz)
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


@cache  # held here: ZoneInfo's own cache lets all but the last few zones go and reads them again
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def message_country(locale: str | None, zone: tzinfo) -> str | None:
    """The message's country (ISO 3166): its locale's ("en-JM"), else its zone's
    ("America/Jamaica"), else None. It says which national days are meant."""
    if locale:
        parts = locale.replace("_", "-").split("-")
        if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha():
            return parts[1].upper()
    return _zone_countries().get(str(getattr(zone, "key", "")))


@cache
def _zone_countries() -> dict[str, str]:
    """Zone name -> country code, from the tz database's zone.tab (the tzdata package, else the
    system's copy); empty when neither is there."""
    text = ""
    try:
        from importlib.resources import files

        text = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ImportError, OSError):
        try:
            text = Path("/usr/share/zoneinfo/zone.tab").read_text(encoding="utf-8")
        except OSError:
            return {}
    countries = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            countries[fields[2]] = fields[0]
    return countries


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


def event_output(event: FoundEvent) -> dict[str, Any]:
    """One event of the output: the contract's fields, its kind (event / deadline / closure),
    and for a move the new start's `moved: true` with the old start when the text gives it."""
    output = {**event.as_output(), "kind": event.kind}
    if event.moved:
        output["moved"] = True
        output["previous_start"] = event.previous_start
    return output


def output_record(message_id: Any, events: list[FoundEvent]) -> dict[str, Any]:
    """One output line. A cancellation is not an event ("no practice Monday"): it goes under
    `cancelled` (only when there is one), so `events` holds announcements only."""
    record: dict[str, Any] = {"id": message_id,
                              "events": [event_output(e) for e in events if not e.cancelled]}
    cancelled = [event_output(e) for e in events if e.cancelled]
    if cancelled:
        record["cancelled"] = cancelled
    return record


def _result_for(raw: str, path: Path, line_no: int) -> dict[str, Any] | InputError:
    """One input line's output record, or the InputError that names it."""
    try:
        record = _parse_line(raw, path, line_no)
        events = extract_events(record["text"], record["ref_time"], tz=record.get("tz"),
                                locale=record.get("locale"), lang=record.get("lang"))
    except InputError as error:
        return error
    except ValueError as error:  # unknown zone or language in that line
        return InputError(str(error), path, line_no)
    return output_record(record["id"], events)


_CHUNK_LINES = 1000  # lines per job when several processes share the work
_PARALLEL_BYTES = 512 * 1024  # below this a second process costs more than it saves


def _chunks(handle: Any) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for line_no, raw in enumerate(handle, start=1):
        if raw.strip():
            chunk.append((line_no, raw))
            if len(chunk) == _CHUNK_LINES:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _chunk_results(path_text: str, chunk: list[tuple[int, str]]) -> list[tuple[int, Any]]:
    """A worker's share. An error travels as (reason,): InputError keeps no fields in a pickle."""
    path = Path(path_text)
    results: list[tuple[int, Any]] = []
    for line_no, raw in chunk:
        result = _result_for(raw, path, line_no)
        results.append((line_no, (result.reason,) if isinstance(result, InputError) else result))
    return results


def default_workers() -> int:
    """One process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def iter_results(input_path: str | Path, workers: int = 1
                 ) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """(line number, output record or the InputError for that line), in input order. With
    `workers` > 1 and a large file, chunks of lines go to that many processes."""
    path = Path(input_path)
    try:
        handle = path.open(encoding="utf-8")
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path) from error
    with handle:
        if workers <= 1 or size < _PARALLEL_BYTES:
            for chunk in _chunks(handle):
                for line_no, raw in chunk:
                    yield line_no, _result_for(raw, path, line_no)
            return
        yield from _parallel_results(path, _chunks(handle), workers)


def _parallel_results(path: Path, chunks: Iterator[list[tuple[int, str]]],
                      workers: int) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    # Forked workers share the language models the parent loads once; elsewhere each loads them.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    extract_events("warm up: load the language models", datetime.now().astimezone())
    pending: deque[Future[list[tuple[int, Any]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in chunks:
            pending.append(pool.submit(_chunk_results, str(path), chunk))
            if len(pending) >= 2 * workers:  # a bounded read-ahead keeps memory flat
                yield from _unpacked(path, pending.popleft().result())
        while pending:
            yield from _unpacked(path, pending.popleft().result())


def _unpacked(path: Path, results: list[tuple[int, Any]]
              ) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    for line_no, result in results:
        yield line_no, InputError(result[0], path, line_no) if isinstance(result, tuple) else result


def _to_stderr(error: InputError) -> None:
    """One line per bad input line; the file name and the reason quote the input, so its
    control characters are shown as escapes, never sent to the terminal raw."""
    print(f"chatbook: {visible(str(error))}", file=sys.stderr)


def extract_file(input_path: str | Path, output_path: str | Path,
                 on_error: Callable[[InputError], None] = _to_stderr,
                 workers: int | None = None) -> dict[str, Any]:
    """Run the extractor over a JSONL file; bad lines go to `on_error` (stderr) and are counted.

    `workers` processes share a large file (default: one per core; the output keeps the input's
    order). The output is written to a temporary file beside the target and renamed at the end,
    so a crash never leaves a half-written output. Raises InputError (naming the first bad
    line) after processing everything else when any line was bad.
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
        processes = default_workers() if workers is None else workers
        for _line_no, result in iter_results(input_path, processes):
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
