"""Date and time mentions in a message: where they are and what they resolve to.

`find_dates` and `find_times` work on the masked text (see `extract_text.mask_noise`) with the
compiled grammar of one language; `resolve_hours` applies the am/pm rules. Nothing here
decides whether a mention is an event: that is `extract_text`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from functools import cache

from toolkit.extract.alternation import alternation
from toolkit.extract.lang import LangTable
from toolkit.extract.rules import DEFAULT_COUNTRY, NATIONAL_DAYS, THIS_WORDS, Grammar, grammar

_PAST_WINDOW = timedelta(days=60)  # an explicit date this far back is "past", not next year

# ------------------------------------------------------------------------- data shapes


@dataclass
class DateMention:
    """A day (or an inclusive range of days) named at text[start:end]."""

    start: int
    end: int
    day: date
    last: date | None  # inclusive last day of a range
    kind: str  # explicit / numeric / weekday / relative / ordinal / offset
    period: str | None = None  # "pm" when the words themselves say evening ("tonight")
    bare: bool = False  # a weekday with no "next"/"this" and no day number
    week_start: date | None = None  # "next week", "in two weeks": the Monday of that week
    context_only: bool = False  # "this week" frames a weekday but is no day of its own
    past_day: date | None = None  # a bare day number's last occurrence, when only days ago
    context: tuple[int, int] | None = None  # the week that framed this weekday ("next week")
    in_word: bool = False  # the day is part of a word that names the event ("Freitagsgebet")


@dataclass
class TimeMention:
    """A clock time (or range) at text[start:end], before am/pm is applied."""

    start: int
    end: int
    hour: int
    minute: int
    end_hour: int | None = None
    end_minute: int | None = None
    meridiem: str | None = None  # explicit am/pm on the start
    end_meridiem: str | None = None
    literal: bool = False  # 24-hour evidence (18h, 18 Uhr, 07:30, hour >= 13): no inference


# ------------------------------------------------------------------------- date helpers


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, today: date) -> date | None:
    """The nearest sensible year: this year, next year once the date is well past."""
    candidate = safe_date(today.year, month, day)
    if candidate is None:
        return safe_date(today.year + 1, month, day)
    if candidate < today - _PAST_WINDOW:
        return safe_date(today.year + 1, month, day) or candidate
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
        candidate = safe_date(y, m, day)
        if candidate and candidate >= today:
            if weekday is None or candidate.weekday() == weekday:
                return candidate
            fallback = fallback or candidate
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return fallback


def _recent_day_of_month(day: int, today: date) -> date | None:
    """The last date with this day number, when it was at most two weeks ago: "photos from the
    24th?" said on the 28th means the 24th that was (the reader decides, see `extract.reading`)."""
    y, m = today.year, today.month
    for _ in range(2):
        candidate = safe_date(y, m, day)
        if candidate is not None and candidate < today:
            return candidate if (today - candidate).days <= 14 else None
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return None


def _number(word: str, table: LangTable) -> int:
    return int(word) if word.isdigit() else table.numbers.get(word.lower(), 1)


# ------------------------------------------------------------------------- finding dates


_DIGIT = re.compile(r"\d")


class _Spans:
    """Character spans already claimed by a mention, so later patterns skip them."""

    def __init__(self) -> None:
        self.taken: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in self.taken)

    def take(self, a: int, b: int) -> None:
        self.taken.append((a, b))


def find_dates(work: str, g: Grammar, today: date, day_first: bool,
               country: str | None = None) -> list[DateMention]:
    """Every date mention in the masked text, most specific patterns first; `country` (ISO
    3166 code) says which national days are meant ("Independence Day")."""
    spans = _Spans()
    found: list[DateMention] = []
    digit = _DIGIT.search(work) is not None  # most patterns need one: without, they are skipped

    def add(m: re.Match[str], mention: DateMention | None) -> None:
        if mention is not None and spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)
            found.append(mention)

    for m in g.month_range.finditer(work) if digit else ():
        if _moved_between(work, m, g):
            continue  # "se pasa del viernes 9 al sábado 10 de julio": the old day and the new
        d1, mon1, d2, mon2, yr = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        month2 = g.month_of[mon2.lower()]
        month1 = g.month_of[mon1.lower()] if mon1 else month2
        last = _dated(int(d2), month2, _full_year(yr), today)
        first = _dated(int(d1), month1, last.year if last else None, today)
        if first and last and first > last:
            first = safe_date(last.year - 1, month1, int(d1))
        if first and last and _LIST_WORD.search(work[m.end(1):m.start(3)]):
            # "11 and 13 Feb", "el 3 y el 5 de marzo": two days, not a range; "les 27 septembre
            # et 4 octobre": the first keeps its own month
            add(m, DateMention(m.start(), m.end(2) if mon1 else m.end(1), first, None, "explicit"))
            add(m, DateMention(m.start(3), m.end(), last, None, "explicit"))
        elif first and last and (last - first).days <= 62:
            add(m, DateMention(m.start(), m.end(), first, last, "explicit"))
    for m in g.month_first_range.finditer(work) if digit else ():
        month = g.month_of[m.group(1).lower()]
        month2 = g.month_of[m.group(3).lower()] if m.group(3) else month
        first = _dated(int(m.group(2)), month, _full_year(m.group(5)), today)
        last = safe_date(first.year + (month2 < month), month2, int(m.group(4))) if first else None
        if first and last and first < last and (last - first).days <= 62:
            add(m, DateMention(m.start(), m.end(), first, last, "explicit"))
    # "del 15 al 17", "vom 3. bis 5.", "from the 3rd to the 5th"
    for m in g.day_range.finditer(work) if digit else ():
        if g.move.search(work[max(0, m.start() - 30):m.start()]):
            continue  # "moved from the 12th to the 19th" is a move, not a span
        first_number, last_number = int(re.sub(r"\D", "", m.group(1))), int(m.group(2))
        first = _day_of_month(first_number, today)
        if first is not None and first_number < last_number:
            last = safe_date(first.year, first.month, last_number)
            if last is not None and _LIST_WORD.search(work, m.end(1), m.start(2)) \
                    and last_number > first_number + 1:
                # "nos dias 24 e 31 o escritório está fechado": two days, not a span ("dias 13
                # e 14" are one weekend's two days)
                add(m, DateMention(m.start(), m.end(1), first, None, "explicit"))
                add(m, DateMention(m.start(2), m.end(), last, None, "explicit"))
            elif last is not None:
                add(m, DateMention(m.start(), m.end(), first, last, "explicit"))
    for m in g.month_end.finditer(work):  # "by end of June", "a finales de mayo", "Ende Juli"
        if _SPAN_END.search(work[max(0, m.start() - 12):m.start()]):
            continue  # "Tuesdays 6-7pm through the end of March": where a schedule stops
        month = g.month_of[next(v for v in m.groups() if v).lower()]
        last_day = _last_of_month(today.year, month)
        if last_day < today - _PAST_WINDOW:
            last_day = _last_of_month(today.year + 1, month)
        add(m, DateMention(m.start(), m.end(), last_day, None, "explicit"))
    for m in THIS_MONTH_END.finditer(work):  # "até ao fim do mês", "by the end of the month"
        if not _SPAN_END.search(work[max(0, m.start() - 12):m.start()]):
            add(m, DateMention(m.start(), m.end(), _last_of_month(today.year, today.month), None, "explicit"))
    # "le 5 du mois prochain", "am 3. nächsten Monats"
    for m in _NEXT_MONTH_DAY.finditer(work) if digit else ():
        number = 1 if m.group(1).lower() == "1er" else int(re.sub(r"\D", "", m.group(1)))
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        day = safe_date(year, month, number)
        add(m, DateMention(m.start(), m.end(), day, None, "explicit") if day else None)
    for m in g.numeric_range.finditer(work) if digit else ():
        first = _numeric(m.group(1), today, day_first)
        last = _numeric(m.group(2), today, day_first)
        if first and last:
            if last < first:
                last = safe_date(last.year + 1, last.month, last.day)
            if last and 0 < (last - first).days <= 62:
                add(m, DateMention(m.start(), m.end(), first, last, "numeric"))
    for m in g.day_month.finditer(work) if digit else ():
        day = _dated(int(m.group(1)), g.month_of[m.group(2).lower()], _full_year(m.group(3)), today)
        add(m, DateMention(m.start(), m.end(), day, None, "explicit") if day else None)
    for m in g.month_day.finditer(work) if digit else ():
        day = _dated(int(m.group(2)), g.month_of[m.group(1).lower()], _full_year(m.group(3)), today)
        add(m, DateMention(m.start(), m.end(), day, None, "explicit") if day else None)
    for m in g.iso.finditer(work) if digit else ():
        day = safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(m, DateMention(m.start(), m.end(), day, None, "explicit") if day else None)
    for m in g.numeric.finditer(work) if digit else ():
        add(m, _numeric_mention(m, work, g, today, day_first))
    for mention in _agenda_mentions(work, g, today):
        if spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)
            found.append(mention)
    for mention in _holiday_mentions(work, g, today, country or DEFAULT_COUNTRY.get(g.t.code)):
        if spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)  # "Good Friday" is not a Friday
            if mention.kind == "holiday":
                found.append(mention)
    for m in g.weekend.finditer(work):
        add(m, _weekend_mention(m, today))
    for m in g.weekday_day_range.finditer(work) if digit else ():  # "del jueves 9 al sábado 11": one span
        if _moved_between(work, m, g):
            continue  # "lo pasamos del jueves 9 al sábado 11" is a move
        first_number, last_number = int(m.group(2)), int(m.group(4))
        first = _day_of_month(first_number, today, g.weekday_of[m.group(1).lower()])
        if first is None:
            continue
        last = safe_date(first.year, first.month, last_number) if last_number > first_number else \
            safe_date(first.year + (first.month == 12), first.month % 12 + 1, last_number)
        if last is not None and 0 < (last - first).days <= 14 \
                and last.weekday() == g.weekday_of[m.group(3).lower()]:
            add(m, DateMention(m.start(), m.end(), first, last, "explicit"))
    for m in g.weekday_range.finditer(work):
        if _moved_between(work, m, g):
            continue  # "moved from Tuesday to Thursday" is a move, not Tue-Thu
        w1, w2 = g.weekday_of[m.group(1).lower()], g.weekday_of[m.group(2).lower()]
        first = _coming(w1, today, include_today=True)
        last = first + timedelta(days=(w2 - w1) % 7)
        if first != last:
            # "Fri-Sun" is an event; "Monday to Friday" and "open Mon-Sat" are schedules; a
            # roster's "Nachtdienst Mo bis Mi" is a shift each day (see `extract.reading`).
            if ("-" in m.group(0) and not g.opening.search(work)) or g.closure.search(work) \
                    or g.duty.search(work):
                # "Fri-Sun" is an event, "the hagwon's shut Tue to Thu" a closure
                add(m, DateMention(m.start(), m.end(), first, last, "weekday"))
            else:  # claim the span so its weekdays are not read one by one
                spans.take(m.start(), m.end())
    for m in g.next_week_weekday.finditer(work):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        add(m, DateMention(m.start(), m.end(), monday + timedelta(days=g.weekday_of[m.group(1).lower()]),
                           None, "weekday"))
    if g.t.code == "de":
        for m in _DE_DAY_PART.finditer(work):  # "am Freitagabend", "Samstagvormittag"
            weekday = g.weekday_of[m.group(1).lower()]
            evening = m.group(2).lower() in ("abend", "nachmittag", "nacht")
            add(m, DateMention(m.start(), m.end(), _coming(weekday, today, False), None, "weekday",
                               "pm" if evening else None, bare=True))
        for m in _DE_DAY_COMPOUND.finditer(work):  # "Freitagsgebet", "Samstagstraining"
            weekday = g.weekday_of[m.group(1).lower()]
            add(m, DateMention(m.start(), m.end(), _coming(weekday, today, False), None, "weekday",
                               bare=True, in_word=True))
    for m in g.weekday.finditer(work):
        add(m, _weekday_mention(m, work, g, today, spans))
    for m in g.weekday_abbr.finditer(work):
        add(m, _weekday_abbr_mention(m, work, g, today, spans))
    for listed in g.weekday_abbr_list.finditer(work):
        names = [m for m in _ABBREVIATION.finditer(work, listed.start(), listed.end())
                 if m.group(0).lower() in g.weekday_of]
        if g.t.code == "de" and not all(m.group(0)[0].isupper() for m in names):
            continue  # German "do", "so", "mi" are words too, even listed: "Fr+Sa" only
        for m in names:
            if spans.free(m.start(), m.end()):
                add(m, _weekday_alone(m.start(), m.end(), g.weekday_of[m.group(0).lower()], today))
    if g.t.code == "es":
        _spanish_day_letters(work, today, add)
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
            mention = DateMention(m.start(), m.end(), today + timedelta(days=days), None, "offset")
            if unit in g.t.week_units:
                mention.week_start = _monday(today) + timedelta(days=days)
            add(m, mention)
    for m in g.week.finditer(work):
        if _FROM_ON.search(work[max(0, m.start() - 14):m.start()]):
            spans.take(m.start(), m.end())  # "a partir de la semana que viene": a new routine
            continue
        add(m, _week_mention(m, today))
    for m in g.ordinal.finditer(work) if digit else ():
        if _NO_DAY_AFTER.match(work, m.end()):
            continue  # "on the 2nd floor", "the 3rd round": a count, no day
        value = next(v for v in m.groups() if v)
        number = 1 if value.lower() == "1er" else int(value)
        day = _day_of_month(number, today)
        if _MONTHLY.match(work[m.end():m.end() + 30]) or \
                g.recurring.search(work[max(0, m.start() - 16):m.start()]):
            spans.take(m.start(), m.end())  # "bis zum 3. des Monats", "todo dia 10": every month
        elif day is not None:
            add(m, DateMention(m.start(), m.end(), day, None, "ordinal",
                               past_day=_recent_day_of_month(number, today)))
            _add_listed_day(work, m.end(), number, day, add)
    for m in g.instead.finditer(work):  # "17 de novembro (em vez de 24)": the day replaced
        replaced = _REPLACED_NUMBER.match(work, m.end())
        said_of_a_day = any(0 <= m.start() - d.end <= 30 and not re.search(r"\d", work[d.end:m.start()])
                            for d in found)  # not "at 6 instead of 5": an hour
        if replaced and said_of_a_day and 1 <= int(replaced.group(1)) <= 31:
            day = _day_of_month(int(replaced.group(1)), today)
            if day is not None:
                add(replaced, DateMention(replaced.start(1), replaced.end(1), day, None, "ordinal"))
    found.sort(key=lambda d: d.start)
    found = _list_item_heads(found, work, g, today, spans)
    found = [d for d in found if d.kind == "weekday" or not _a_street(work, d, g)]
    found = _spans_from_day_numbers(found, work)
    found = _day_numbers_listed_before(found, work)
    found = _named_days_alone(_weekdays_by_feasts(found, work), work)
    found = _week_of_headings(found, work, today)
    _months_frame_day_numbers(found, work, g, today)
    found = _days_beside_another(found, work, spans)
    found = _weeks_frame_weekdays(found, work, today)
    found = _listed_after_a_dated_item(found, work)
    found = _weekend_lists(found, work)
    found = _weekdays_naming_a_relative_day(found, work)
    found = [d for d in found if not _DENIED_IN_BRACKETS.search(work, max(0, d.start - 24), d.start)]
    return _anchor_weekdays(_absorb_weekdays(found, work), work, g)


_ITEM = re.compile(r"[^,;:\n]+")
_ITEM_HEAD = re.compile(r"[ \t•*-]*([^\W\d_]{2,3})\.?(?=[ \t]+[^\W\d_])")


def _list_item_heads(found: list[DateMention], work: str, g: Grammar, today: date,
                     spans: _Spans) -> list[DateMention]:
    """'Mo Nachtdienst 19–7, Di frei, Mi + Do Frühdienst ab 6, Fr Rufbereitschaft': in a list
    of three or more items on one line that open with weekdays, an item opening with a short
    weekday name written as an abbreviation ("Mo", "Fr") names its day, though a plain word
    follows it."""
    added: list[DateMention] = []
    for line in re.finditer(r"[^\n]+", work):
        items = list(_ITEM.finditer(work, line.start(), line.end()))
        if len(items) < 3:
            continue  # most lines: not a list (this runs on every message)
        headed = [m for m in items if any(d.kind == "weekday" and m.start() <= d.start
                                          and not work[m.start():d.start].strip(" \t•*-") for d in found)]
        heads = []
        for item in items:
            head = _ITEM_HEAD.match(work, item.start(), item.end())
            if item not in headed and head is not None and head.group(1)[:1].isupper() \
                    and head.group(1).lower() in g.t.weekday_abbr and spans.free(head.start(1), head.end(1)):
                heads.append(head)
        if len(headed) + len(heads) < 3:
            continue
        for head in heads:
            weekday = g.weekday_of[head.group(1).lower()]
            spans.take(head.start(1), head.end(1))
            added.append(DateMention(head.start(1), head.end(1), _coming(weekday, today, True), None,
                                     "weekday", bare=True))
    return sorted(found + added, key=lambda d: d.start) if added else found


# "de 2 a 6/12", "del 2 al 6/12", "du 2 au 6/12", "from 2 to 6/12", "vom 2. bis 6.12.", "dias
# 13 e 14/04": a bare day number then a date of the same month, one span
_DAY_NUMBER_TO = re.compile(r"\b(?:de|del|do|desde|from|du|vom|dias|días|entre(?: el| o| le)?)"
                            r"\s+(\d{1,2})\.?\s*"
                            r"(?:a|al|ao|à|au|to|till|until|-|–|bis|até|hasta|(?P<list>e|y|et|and|und))\s*"
                            r"(?:(?:el|o|le|the|dia)\s+)?$", re.I)


# "nos dias 10, 12 e 13 de junho", "am 3., 10. und 17. Juni", "the 3rd, 10th and 17th of May",
# "sábados 14, 21 e 28/01": day numbers listed with commas (the last with "and") before the dated one
_LISTED_NUMBERS = re.compile(r"((?:\b\d{1,2}(?:st|nd|rd|th|er|º|\.)?\s*[,/]\s*)+"
                             r"(?:\b\d{1,2}(?:st|nd|rd|th|er|º|\.)?\s+(?:and|y|e|et|und|&)\s+)?)$", re.I)
# "Am Donnerstag und Freitag, 25./26. November": the weekdays said before listed day numbers
_WEEKDAYS_BEFORE = re.compile(r"^[\s,]*(?:(?:and|und|et|y|e|&)\s+)?[\s,]*$", re.I)


def _day_numbers_listed_before(found: list[DateMention], work: str) -> list[DateMention]:
    """Each day number listed with commas just before a date of a month, a day of that month."""
    listed: list[DateMention] = []
    replaced: list[DateMention] = []
    for d in found:
        if d.kind not in ("explicit", "numeric") or d.last is not None:
            continue
        heads = _LISTED_NUMBERS.search(work, max(0, d.start - 30), d.start)
        opening = heads.start() if heads else d.start
        inside = [x for x in found if x is not d and x.start < d.start and x.end > opening]
        if heads is None or any(x.kind != "ordinal" and not (x.kind == "weekday" and x.start < opening)
                                for x in inside):
            continue  # a bare "3rd" read alone was only a guess at its month
        replaced += inside
        days = []
        for m in re.finditer(r"\d{1,2}(?:st|nd|rd|th|er|º|\.)?", heads.group(1)):
            day = safe_date(d.day.year, d.day.month, int(re.sub(r"\D", "", m.group(0))))
            if day is not None and day < d.day:
                at = heads.start() + m.start()
                listed.append(replace(d, start=at, end=at + len(m.group(0)), day=day))
                days.append(day)
        # the weekdays named before the list are its days, not days of their own
        weekdays = {x.weekday() for x in [*days, d.day]}
        replaced += [x for x in found if x.kind == "weekday" and x.bare and x.end <= opening
                     and x.day.weekday() in weekdays and opening - x.end <= 30
                     and _only_weekdays_between(work, x.end, opening, found)]
    if not listed:
        return found
    return sorted([x for x in found if not any(x is r for r in replaced)] + listed, key=lambda x: x.start)


def _only_weekdays_between(work: str, start: int, end: int, found: list[DateMention]) -> bool:
    """Between `start` and `end` only other weekdays and "and" ("Donnerstag und Freitag, ")."""
    between = list(work[start:end])
    for w in found:
        if w.kind == "weekday" and start <= w.start < end:  # "Freitag, 25." reaches into the list
            stop = min(w.end, end)
            between[w.start - start:stop - start] = " " * (stop - w.start)
    return bool(_WEEKDAYS_BEFORE.match("".join(between)))


def _spans_from_day_numbers(found: list[DateMention], work: str) -> list[DateMention]:
    """Each date that closes a span opened by a bare day number, the number's own mention
    ("vom 2." read as a day) taken into the span."""
    spans = [_from_a_day_number(d, work) for d in found]
    widened = [(s.start, s.end) for s, d in zip(spans, found, strict=True) if s is not d]
    return [s for s, d in zip(spans, found, strict=True)
            if s is not d or not any(a <= s.start and s.end <= b for a, b in widened)]


def _from_a_day_number(d: DateMention, work: str) -> DateMention:
    """A date that closes a span opened by a bare day number of its month."""
    if d.kind not in ("numeric", "explicit") or d.last is not None:
        return d
    opening = _DAY_NUMBER_TO.search(work, max(0, d.start - 24), d.start)
    if opening is None:
        return d
    first = safe_date(d.day.year, d.day.month, int(opening.group(1)))
    if first is None or not first < d.day or (opening.group("list") and (d.day - first).days != 1):
        return d  # "dias 13 e 14/04" is a weekend; "de 2 e 9/12" two days apart lists them
    return replace(d, start=opening.start(), day=first, last=d.day)


# "plaza 25 de Mayo", "Rua 7 de Setembro", "Avenida 9 de Julio", "rue du 8 Mai 1945": a street
# or square named after a date names no day
def _a_street(work: str, d: DateMention, g: Grammar) -> bool:
    """A street or square named after a date ("plaza 25 de Mayo", "Rua 7 de Setembro"), or in
    Portuguese a date with its month capitalised after "na" ("Na 25 de Março tava R$ 35")."""
    if _STREET_BEFORE.search(work, max(0, d.start - 16), d.start):
        return True
    na = _NA_BEFORE.search(work, max(0, d.start - 4), d.start)
    return g.t.code == "pt" and d.kind == "explicit" and na is not None \
        and bool(re.search(r"\b[A-ZÇ][a-zç]+", work[d.start:d.end]))


_NA_BEFORE = re.compile(r"\bna\s+$", re.I)
_STREET_BEFORE = re.compile(r"\b(?:plaza|calle|avenida|avda\.?|paseo|rua|praça|praca|largo|travessa|"
                            r"alameda|rue|boulevard|avenue|allée|straße|strasse|street)\s+"
                            r"(?:(?:du|de|del|dos|das|do|da)\s+)?$", re.I)
# "dia 15 e 16", "the 3rd and 4th": a second day number listed right after a day of the month
_LISTED_DAY = re.compile(r"\s*(?:e|y|et|und|and|&|,)\s*(\d{1,2})(?:st|nd|rd|th|er|º|ª|\.)?"
                         r"(?![\d:/]|[.h]\d|\s*(?:h\b|hs\b|uhr|horas?|heures?|am\b|pm\b|o'?clock|"
                         r"de (?:la )?(?:mañana|tarde|noche)|da (?:manhã|tarde|noite)|"
                         r"du (?:matin|soir)))", re.I)


def _add_listed_day(work: str, at: int, number: int, day: date,
                    add: Callable[[re.Match[str], DateMention | None], None]) -> None:
    """The day number listed after `day` (the number `number` of its month), as a day of that
    month: 'Não vai ter aula dia 15 e 16' closes two days."""
    m = _LISTED_DAY.match(work, at)
    if m is None or not number < int(m.group(1)) <= min(31, number + 14):
        return
    listed = safe_date(day.year, day.month, int(m.group(1)))
    if listed is not None:
        glue = m.start() + len(m.group(0)) - len(m.group(0).lstrip())  # "e 16": no title word
        add(m, DateMention(glue, m.end(), listed, None, "ordinal"))


# ------------------------------------------------------------------------- spans of days


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekend_mention(m: re.Match[str], today: date) -> DateMention:
    """'this weekend' is the coming Saturday and Sunday (what is left of it, said on a
    weekend); 'next weekend' the one after."""
    weekday = today.weekday()
    saturday = today + timedelta(days=(5 - weekday) % 7)  # today on a Saturday
    if any(m.groups()):  # next weekend
        saturday += timedelta(days=7 if weekday != 6 else 0)
    first = today if weekday == 6 and not any(m.groups()) else saturday
    last = saturday + timedelta(days=1)
    return DateMention(m.start(), m.end(), first, last if last > first else None, "weekend")


def _week_mention(m: re.Match[str], today: date) -> DateMention:
    """'next week' is Monday to Sunday of that week; 'this week' only frames a weekday."""
    if m.group("next"):
        monday = _monday(today) + timedelta(days=7 * (2 if "after" in m.group(0).lower() else 1))
        return DateMention(m.start(), m.end(), monday, monday + timedelta(days=6), "week",
                           week_start=monday)
    return DateMention(m.start(), m.end(), today, None, "week", week_start=_monday(today),
                       context_only=True)


_SENTENCE_END = re.compile(r"[.!?;\n]")


def _same_sentence(work: str, a: int, b: int) -> bool:
    low, high = min(a, b), max(a, b)
    return not _SENTENCE_END.search(work, low, high)


def _weeks_frame_weekdays(found: list[DateMention], work: str, today: date) -> list[DateMention]:
    """'la semana que viene ... el martes', 'in two weeks on Tuesday', 'diese Woche Mittwoch':
    a bare weekday in the sentence of a week falls in that week, and the week goes."""
    result: list[DateMention] = []
    for mention in found:
        if mention.week_start is None:
            result.append(mention)
            continue
        framed = [d for d in found if d.kind == "weekday" and d.last is None and d.bare
                  and (_same_sentence(work, mention.start, d.start) or _listed_under(work, mention, d))]
        if not framed and not mention.context_only and not any(
                d is not mention and _same_sentence(work, mention.start, d.start) for d in found):
            framed = _listed_in_next_sentence(found, work, mention)
        for weekday in framed:
            day = mention.week_start + timedelta(days=weekday.day.weekday())
            if day < today and mention.context_only:
                # "Wednesday this week" said on a Sunday: nobody plans a day gone by, and
                # a week that many count from Sunday is the coming one
                day += timedelta(days=7)
            weekday.day = day
            weekday.bare = False
            weekday.context = (mention.start, mention.end)
        # "school is closed all next week for midterm (Mon 25th – Fri 29th)": the days said
        # inside the week are the week, more exactly
        dated_inside = any(d is not mention and d.kind != "week" and not d.bare
                           and mention.day <= d.day <= (mention.last or mention.day)
                           and _same_sentence(work, mention.start, d.start) for d in found)
        if not framed and not mention.context_only and not dated_inside:
            result.append(mention)
        for later in [d for d in found if d.kind == "weekday" and d.bare and d.last is None]:
            # "... and Sat opening (6am-2:30). Can anyone swap Saturday??": the same day again
            same = [w for w in framed if w.start < later.start and w.day.weekday() == later.day.weekday()]
            if same:
                later.day, later.bare = same[-1].day, False
    return result


def _listed_in_next_sentence(found: list[DateMention], work: str, week: DateMention) -> list[DateMention]:
    """'Schedule for next week is up. I've got Mon 2-10, Wed 2-10 and Sat opening': a week said
    in a sentence with no day of its own frames the weekdays listed (two or more) in the next."""
    end = _SENTENCE_END.search(work, week.end)
    if end is None:
        return []
    after = _SENTENCE_END.search(work, end.end())
    while after is not None and after.start() == end.end():  # "?!", ".\n"
        end, after = after, _SENTENCE_END.search(work, after.end())
    stop = after.start() if after is not None else len(work)
    listed = [d for d in found if d.kind == "weekday" and d.last is None and d.bare
              and end.end() <= d.start < stop]
    return listed if len(listed) >= 2 else []


# The day before or after the day said before it: "Générale la veille à midi", "the day after",
# "am Vortag", "al día siguiente", "no dia seguinte".
# (?=[...]) in front of a list of phrases holds their first letters: one cheap test at each
# position before the many alternatives are tried (same matches, two to three times faster).
_EVE = re.compile(r"(?=[aelnt])"
                  r"\b(?:the day before|the eve|la veille|le jour d['’]avant|am vortag|am tag davor|"
                  r"el día anterior|el dia anterior|la víspera|na véspera|no dia anterior)\b", re.I)
_MORROW = re.compile(r"(?=[aelnt])"
                     r"\b(?:the (?:next|following) day|the day after|le lendemain|le jour d['’]après|"
                     r"am folgetag|am tag danach|tags darauf|am nächsten tag|al día siguiente|"
                     r"al dia siguiente|el día después|no dia seguinte)\b", re.I)


_LIST_ITEM = re.compile(r"(?:^|\n)[ \t]*(?:[-•*·▪️►✅🔹]+|\d{1,2}[.)])[ \t]*")


def _listed_after_a_dated_item(found: list[DateMention], work: str) -> list[DateMention]:
    """'• Erev RH dinner Wednesday the 17th ... • Services Thursday morning 9:30': in a list, a
    bare weekday right after an item with a date of its own is the first such day after it, not
    the coming one (said on Wednesday 10th, that Thursday is the 18th)."""
    items = [m.end() for m in _LIST_ITEM.finditer(work)]
    if len(items) < 2:
        return found
    result = list(found)
    for index, d in enumerate(found):
        if d.kind != "weekday" or not d.bare or d.last is not None:
            continue
        item = max((at for at in items if at <= d.start), default=None)
        before = [x for x in found[:index] if not x.bare and not x.context_only and x.last is None
                  and x.day > d.day and any(c.isdigit() for c in work[x.start:x.end])]  # a dated day
        if item is None or not before:
            continue
        anchor = before[-1]
        anchor_item = max((at for at in items if at <= anchor.start), default=None)
        if anchor_item is None or anchor_item == item or work.count("\n", anchor.end, d.start) > 2:
            continue  # the same item, or items far apart
        shift = (d.day.weekday() - anchor.day.weekday()) % 7 or 7
        result[index] = replace(d, day=anchor.day + timedelta(days=shift))
    return result


# "la fête des mères c'est le 4 juin (pas le 28 mai, à cause de la Pentecôte)": a day denied in
# brackets is no day of anything said there (but "(no school Thu 25–Fri 26)" closes those days)
_DENIED_IN_BRACKETS = re.compile(r"\(\s*(?:pas|not|nicht|no|não|nao)"
                                 r"(?:\s+(?:le|la|the|on|on the|am|el|o|a|dia|em|no|na))?\s*$", re.I)
_APPOSITION = re.compile(r"[\s,(–-]{1,4}")


def _weekdays_naming_a_relative_day(found: list[DateMention], work: str) -> list[DateMention]:
    """'heute, Dienstag, bleiben alle Schulen geschlossen', 'mañana, miércoles': a weekday set
    beside 'today' or 'tomorrow' that is that day's own weekday names the same day again; it
    is not the next such weekday a week later."""
    relative = [d for d in found if d.kind == "relative" and d.last is None]
    for w in found if relative else ():
        if w.kind != "weekday" or not w.bare:
            continue
        for r in relative:
            if r.day.weekday() == w.day.weekday() and (_APPOSITION.fullmatch(work, r.end, w.start)
                                                       or _APPOSITION.fullmatch(work, w.end, r.start)):
                w.day = r.day
    return found


def _days_beside_another(found: list[DateMention], work: str, spans: _Spans) -> list[DateMention]:
    """'Concert jeudi 25 juillet à 19h. Générale la veille à midi': the eve (or the morrow) of
    the day said before it; with no day before, nothing."""
    added = []
    for pattern, days in ((_EVE, -1), (_MORROW, 1)):
        for m in pattern.finditer(work):
            before = [d for d in found if d.end <= m.start() and not d.context_only]
            if not before or not spans.free(m.start(), m.end()):
                continue
            anchor = before[-1]
            day = (anchor.last or anchor.day) if days > 0 else anchor.day
            spans.take(m.start(), m.end())
            added.append(DateMention(m.start(), m.end(), day + timedelta(days=days), None, "relative"))
    return sorted(found + added, key=lambda d: d.start) if added else found


def _months_frame_day_numbers(found: list[DateMention], work: str, g: Grammar, today: date) -> None:
    """'El de noviembre es el 29', 'o de novembro vai ser dia 28', 'in November it's the 28th':
    a month named without a day, shortly before a bare day number in the same sentence, is
    that day's month."""
    for mention in found:
        if mention.kind != "ordinal":
            continue
        before = work[max(0, mention.start - 40):mention.start]
        named = None
        for m in _MONTH_ALONE.finditer(before):
            if m.group(1).lower() in g.month_of and not _SENTENCE_END.search(before, m.end()):
                named = m
        if named is None:
            continue
        month = g.month_of[named.group(1).lower()]
        year = today.year + (month < today.month)
        day = safe_date(year, month, mention.day.day)
        if day is not None:
            mention.day, mention.past_day = day, None


_MONTH_ALONE = re.compile(r"\b(?:de|of|in|im|en|em|del|do)\s+([^\W\d_]{3,})\b(?!\s*\d)", re.I)


# "Rota w/c 15th", "week of the 22nd", "Turnos semana del 15", "semaine du 22", "semana de
# 15/10", "Woche vom 22.10.": the week a roster or plan is for, named by one of its days.
_WEEK_OF = re.compile(r"\b(?:w/c|wk/c|week commencing|week beginning|week of|semana del?|semaine du|"
                      r"woche vom|woche ab)\s*(?:the\s+|lunes\s+|lundi\s+|segunda\s+|mon(?:day)?\s+)?"
                      r"(\d{1,2})(?:st|nd|rd|th|er|º|\.)?(?:[./](\d{1,2})\.?)?(?!\d|/|[:.h]\d)", re.I)
# "Dienstplan für KW 43", "Kalenderwoche 43": a week by its ISO number.
_WEEK_NUMBER = re.compile(r"\b(?:KW|Kalenderwoche)\s?(\d{1,2})\b")


def _week_of_headings(found: list[DateMention], work: str, today: date) -> list[DateMention]:
    """A week named by one of its days or its number ('Rota w/c 15th', 'semana de 15/10',
    'Dienstplan KW 43') frames the weekdays after it, across lines (a roster lists a day a
    line), and is no day of its own."""
    weeks: list[tuple[int, int, date]] = []
    for m in _WEEK_OF.finditer(work) if _DIGIT.search(work) else ():  # its day is a number
        day = safe_date(today.year, int(m.group(2)), int(m.group(1))) if m.group(2) \
            else _day_of_month(int(m.group(1)), today - timedelta(days=6))
        if day is not None and day < today - timedelta(days=6):
            day = safe_date(day.year + 1, day.month, day.day)
        if day is not None:
            weeks.append((m.start(), m.end(), _monday(day)))
    for m in _WEEK_NUMBER.finditer(work):
        for year in (today.year, today.year + 1):
            try:
                monday = date.fromisocalendar(year, int(m.group(1)), 1)
            except ValueError:
                continue
            if monday + timedelta(days=6) >= today:
                weeks.append((m.start(), m.end(), monday))
                break
    if not weeks:
        return found
    result = [d for d in found if not any(a <= d.start < b for a, b, _monday_ in weeks)]
    for _a, at, monday in sorted(weeks, key=lambda w: w[1]):
        for weekday in result:
            if weekday.kind != "weekday" or weekday.start < at or weekday.context is not None \
                    or not (weekday.bare or weekday.last is not None):
                continue
            length = (weekday.last - weekday.day) if weekday.last is not None else None
            weekday.day = monday + timedelta(days=weekday.day.weekday())
            if length is not None:
                weekday.last = weekday.day + length
            weekday.bare = False
            weekday.context = (at, at)
    return result


def _listed_under(work: str, week: DateMention, day: DateMention) -> bool:
    """'el aventón esta semana queda así:\n• lun y mié: yo ...', 'Escala da semana que vem ☕\n
    seg e ter: ...': a week said in a heading (ending with a colon, or ending its line) frames
    the weekdays of the lines listed under it."""
    colon = work.find(":", week.end, day.start)
    if colon != -1 and not _SENTENCE_END.search(work, week.end, colon) and "\n" in work[colon:day.start]:
        return True
    line_end = work.find("\n", week.end, day.start)
    return line_end != -1 and not re.search(r"[^\W\d_]", work[week.end:line_end])


_LIST_OF_DAYS = re.compile(r"^[\s,&+/]*(?:and|y|e|und|et|&|\+)?[\s,&+/]*$", re.I)


def _weekend_lists(found: list[DateMention], work: str) -> list[DateMention]:
    """'este finde ... sábado y domingo': the weekend's own days, listed, are that weekend;
    days with plans of their own ('this weekend: Sat 10am football, Sun 2pm BBQ') replace it."""
    result = list(found)
    for weekend in [d for d in found if d.kind == "weekend"]:
        inside = [d for d in found if d.kind == "weekday" and d.last is None and d is not weekend
                  and weekend.day <= d.day <= (weekend.last or weekend.day)
                  and _same_sentence(work, weekend.start, d.start)]
        if not inside:
            continue
        pairs = zip(inside, inside[1:], strict=False)
        listed = all(_LIST_OF_DAYS.match(work[a.end:b.start]) for a, b in pairs)
        if listed and len(inside) == len({d.day for d in inside}) >= 2:
            result = [d for d in result if d not in inside]
        else:
            result = [d for d in result if d is not weekend]
    return result


_BY_FEAST = re.compile(r"\s+(?:(nach|after|después de|despues de|après|apres|depois d[eoa])|"
                       r"(vor|before|antes de|avant))\s+(?:the\s+|dem\s+|der\s+|la\s+|le\s+|l['’]|o\s+|a\s+|"
                       r"el\s+)?$", re.I)


def _weekdays_by_feasts(found: list[DateMention], work: str) -> list[DateMention]:
    """'Am Freitag nach Christi Himmelfahrt', 'the Thursday before Easter': the first such weekday
    after (or last before) the named day, one mention of the two."""
    gone: set[int] = set()
    for weekday, feast in zip(found, found[1:], strict=False):
        m = _BY_FEAST.fullmatch(work, weekday.end, feast.start) if weekday.kind == "weekday" \
            and weekday.last is None and feast.kind == "holiday" else None
        if m is None:
            continue
        if m.group(1) is not None:
            weekday.day = feast.day + timedelta(days=(weekday.day.weekday() - feast.day.weekday()) % 7 or 7)
        else:
            weekday.day = feast.day - timedelta(days=(feast.day.weekday() - weekday.day.weekday()) % 7 or 7)
        weekday.end, weekday.bare = feast.end, False
        gone.add(id(feast))
    return [d for d in found if id(d) not in gone]


def _named_days_alone(found: list[DateMention], work: str) -> list[DateMention]:
    """A named day is the date unless another date shares its sentence ('Am 6.12. kommt der
    Nikolaus', 'Halloween costumes for the party on Friday')."""
    return [d for d in found if d.kind != "holiday" or not any(
        other.kind != "holiday" and (_same_sentence(work, d.start, other.start) or (
            d.in_word and "\n" not in work[min(d.start, other.start):max(d.start, other.start)]))
        and not _CLAUSE_BREAK.search(work, min(d.end, other.end), max(d.start, other.start))
        for other in found)]


# "Christi Himmelfahrt ist schulfrei, am Freitag danach auch": a comma keeps the named day
_CLAUSE_BREAK = re.compile(r"[,;:]|\s[-–]\s")


# An agenda item: at a line start (or after ";" or the heading's colon), a day number, maybe a
# range, then a separator and the item's text ("3rd – phonics workshop", "- 2 : reprise").
_AGENDA_ITEM = re.compile(
    r"(?:^|(?<=[;:])|(?<=\n))[ \t]*(?:[-–•*·▪►+][ \t]*)?(\d{1,2})(?:st|nd|rd|th|º|°|er|\.)?"
    r"(?:[ \t]*(?:-|–|to|al|au|bis|a|à)[ \t]*(\d{1,2})(?:st|nd|rd|th|º|°|\.)?)?"
    r"[ \t]*(?:[-–:|)]|(?<=\.))[ \t]*(?=[^\d\s:.])",
    re.M | re.I,
)


def _agenda_mentions(work: str, g: Grammar, today: date) -> list[DateMention]:
    """Day numbers listed under a month heading ('Dates for Feb:\n3rd - ...; 12th - ...')."""
    mentions: list[DateMention] = []
    headings = list(g.agenda_heading.finditer(work))
    for i, heading in enumerate(headings):
        month = g.month_of[heading.group("month").lower()]
        stop = headings[i + 1].start() if i + 1 < len(headings) else len(work)
        for m in _AGENDA_ITEM.finditer(work, heading.end() - 1, stop):
            if m.start(1) < heading.end() - 1:
                continue
            first = _dated(int(m.group(1)), month, None, today)
            last = safe_date(first.year, month, int(m.group(2))) if first and m.group(2) else None
            if first is None or (last is not None and last <= first):
                continue
            mentions.append(DateMention(m.start(1), m.end(2) if m.group(2) else m.end(1), first, last,
                                        "explicit"))
    return mentions


def _holiday_mentions(work: str, g: Grammar, today: date, country: str | None) -> list[DateMention]:
    """'NYE drinks from 8', 'am 2. Weihnachtstag', 'Karfreitag': a named day, unless it is a
    greeting ('Happy Halloween')."""
    mentions = []
    for m in g.holiday.finditer(work):
        if g.greeting.search(work[max(0, m.start() - 14):m.start()]):
            continue
        when = named_day(g.holidays[m.group(0).lower()], today, country)
        if when is None:
            continue
        # "Marché de Noël", "Procesión del Jueves Santo": part of a name, not the day; its
        # words still are no weekday ("Jueves")
        named = _NAMED_AFTER.search(work[max(0, m.start() - 6):m.start()]) and \
            not g.closure.search(work[max(0, m.start() - 18):m.start()])  # "no feriado de Corpus Christi"
        weekend = _LONG_WEEKEND.match(work, m.end())
        if weekend and when.weekday() in (0, 4):  # "Labor Day weekend": Saturday to Monday
            first, last = (when - timedelta(days=2), when) if when.weekday() == 0 else \
                (when, when + timedelta(days=2))
            mentions.append(DateMention(m.start(), weekend.end(), first, last, "holiday"))
            continue
        mentions.append(DateMention(m.start(), m.end(), when, None, "name" if named else "holiday"))
    if g.holiday_compound is not None:
        for m in g.holiday_compound.finditer(work):  # "Rosenmontagszug", "Nikolausfeier"
            when = named_day(g.holidays[m.group(1).lower()], today, country)
            if when is not None:
                mentions.append(DateMention(m.start(), m.end(), when, None, "holiday", in_word=True))
    return mentions


_NAMED_AFTER = re.compile(r"\b(?:de|del|du|des|d'|do|da|dos|of|der)\s*$", re.I)


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return date(year, month, (h + ell - 7 * m + 114) % 31 + 1)


def _first_advent(year: int) -> date:
    christmas = date(year, 12, 25)
    fourth = christmas - timedelta(days=christmas.weekday() + 1)  # the Sunday before the 25th
    return fourth - timedelta(days=21)


_LONG_WEEKEND = re.compile(r"\s+(?:long\s+)?weekend\b", re.I)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0 Monday) of a month; n = -1 the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def named_day(rule: tuple[object, ...], today: date, country: str | None = None) -> date | None:
    """The next occurrence of a named day: (month, day), ("easter", offset), ("advent",
    offset), ("nth", month, weekday, n) or ("national", name), the country's day."""
    if rule[0] == "national":
        fixed = NATIONAL_DAYS.get(country or "", {}).get(str(rule[1]))
        if fixed is None:
            return None  # "Independence Day" of a country the tables do not know
        rule = fixed
    anchor, number = rule[0], int(rule[1])  # type: ignore[call-overload]
    for year in (today.year, today.year + 1):
        if anchor == "nth":
            when = _nth_weekday(year, number, int(rule[2]), int(rule[3]))  # type: ignore[call-overload]
        elif anchor == "easter":
            when = easter_sunday(year) + timedelta(days=number)
        elif anchor == "advent":
            when = _first_advent(year) + timedelta(days=number)
        else:
            found = safe_date(year, int(anchor), number)  # type: ignore[call-overload]
            if found is None:
                continue
            when = found
        if when >= today - _PAST_WINDOW:
            return when
    return None


def _anchor_weekdays(found: list[DateMention], work: str, g: Grammar) -> list[DateMention]:
    """'Trip from 14.10. to 16.10.; departure Monday 8:00, back Wednesday 15:30': a bare
    weekday after a range of dates means that range's day; after a single date, in its own
    sentence, that week's day ("Sat 14th: BBQ, and Sunday lunch"). A new sentence starts
    from today again ("... im Gemeindehaus. Kuchenspenden bis Freitag")."""
    anchor: DateMention | None = None
    dated: DateMention | None = None
    previous: DateMention | None = None
    unplaced: list[DateMention] = []
    for mention in found:
        if mention.bare and (relative := _RELATIVE_TO_ANOTHER.match(work, mention.end)):
            if previous is None or previous.bare:
                unplaced.append(mention)  # "the Thursday before?" with no day said before it
                continue
            # "Sat 13 April ... Dress rehearsal the Thurs before", "the Sat after (27th)"
            before = relative.group(1).lower() in _BEFORE_WORDS
            days = ((previous.day.weekday() - mention.day.weekday()) % 7 or 7) if before \
                else ((mention.day.weekday() - previous.day.weekday()) % 7 or 7)
            mention.day = previous.day + timedelta(days=-days if before else days)
            mention.bare = False
        if mention.bare and previous is not None and previous.kind == "weekday" and \
                not previous.bare and previous.last is None and \
                _LIST_OF_WEEKDAYS.match(work[previous.end:mention.start]):
            # "next Thursday and Friday": a day listed after a placed weekday is in its week
            mention.day = previous.day + timedelta(days=(mention.day.weekday() - previous.day.weekday()) % 7)
            mention.bare = False
        if mention.bare and previous is not None and not previous.bare and previous.last is None \
                and _THEN_BEFORE.search(work, max(previous.end, mention.start - 24), mention.start):
            # "the meal the Saturday before ..., and then Sunday we're doing a walk": the next
            # such day after the day just placed
            days_on = (mention.day.weekday() - previous.day.weekday()) % 7 or 7
            mention.day = previous.day + timedelta(days=days_on)
            mention.bare = False
        if mention.bare and previous is not None and (after := _AFTER_THAT.match(work, mention.end)):
            # "Christi Himmelfahrt ..., am Freitag danach": the first such weekday after it; the
            # word is the date's ("o sábado seguinte" is no title)
            days_on = (mention.day.weekday() - previous.day.weekday()) % 7 or 7
            mention.day = previous.day + timedelta(days=days_on)
            mention.bare = False
            mention.end = after.end()
        previous = mention
        if mention.kind in ("explicit", "numeric"):
            anchor = dated = mention
        elif mention.kind == "weekday" and not mention.bare \
                and any(c.isdigit() for c in work[mention.start:mention.end]):
            dated = mention  # "Friday 19th": a day as sure as a date, for its eve and its morrow
        elif mention.bare and anchor is not None and not _replaced(work, mention, g):
            # "reportée au jeudi 13 avril, au lieu de samedi": the day replaced is the coming
            # one, not one in the new date's week
            weekday = mention.day.weekday()
            candidate = anchor.day + timedelta(days=(weekday - anchor.day.weekday()) % 7)
            if anchor.last is not None:
                if candidate <= anchor.last and \
                        not _LIMIT_BEFORE.search(work[max(0, mention.start - 12):mention.start]):
                    mention.day = candidate
            elif candidate <= anchor.day + timedelta(days=6) and \
                    _same_sentence(work, _before_full_stop(anchor, work), mention.start) and \
                    not _LIMIT_BEFORE.search(work[max(0, mention.start - 12):mention.start]):
                mention.day = candidate
            elif (near := _near_far_anchor(mention, anchor, work)) is not None:
                mention.day = near
            elif weekday == anchor.day.weekday() and mention.day < anchor.day \
                    and (anchor.day - mention.day).days <= 14:
                # "Schützenfest ... am Samstag, 13.07. ... Festball am Samstagabend": that Saturday
                mention.day = anchor.day
        elif mention.bare and dated is not None and not _replaced(work, mention, g) \
                and not any(0 <= mention.start - other.end <= 2 for other in found) \
                and (near := _near_far_anchor(mention, dated, work)) is not None:
            # "heading to Ennis Friday 19th ... Céilí Saturday night"; "mañana jueves" stays
            # tomorrow
            mention.day = near
    return [d for d in found if d not in unplaced]


def _before_full_stop(mention: DateMention, work: str) -> int:
    """Where a mention ends before a full stop it took in ("am Freitag, 12. November. Am
    Mittwochnachmittag ..."): after a month's whole name the dot ends the sentence."""
    if re.search(r"[^\W\d_]{4,}\.$", work[mention.start:mention.end]):
        return mention.end - 1
    return mention.end


def _replaced(work: str, mention: DateMention, g: Grammar) -> bool:
    """The weekday is what something is instead of ("au lieu de samedi", "statt Samstag")."""
    return any(_ARTICLES_ONLY.fullmatch(work, m.end(), mention.start)
               for m in g.instead.finditer(work, max(0, mention.start - 20), mention.start))


_ARTICLES_ONLY = re.compile(r"\s*(?:(?:the|el|le|o|a|am|dem|vom|du|de|do|da)\s+)?", re.I)


def _near_far_anchor(mention: DateMention, anchor: DateMention, work: str) -> date | None:
    """'Lundi 20 décembre pas de classe ... Kabar dimanche soir' said on the 10th: a bare
    weekday right after a date a week or more away, whose coming one falls a week or more
    before that date, is the one beside it (the eve, the day after), not the coming one."""
    if anchor.last is not None or anchor.day - mention.day < timedelta(days=5) or \
            _LIMIT_BEFORE.search(work[max(0, mention.start - 12):mention.start]):
        return None
    shift = (mention.day.weekday() - anchor.day.weekday() + 3) % 7 - 3  # -3 .. +3 days
    return anchor.day + timedelta(days=shift) if abs(shift) <= 1 else None


_THEN_BEFORE = re.compile(r"\b(?:and then|then|dann|und dann|luego|y luego|después|puis|et puis|ensuite|"
                          r"depois|e depois)\s+(?:(?:on|am|el|le|o|no|na)\s+)?$", re.I)
_AFTER_THAT = re.compile(r"\s*(?:danach|darauf|after(?:wards)?|after that|después|siguiente|après|"
                         r"d'après|suivant|depois|seguinte)\b", re.I)
_LIST_OF_WEEKDAYS = re.compile(r"^\s*(?:,|&|\+|and|or|y|o|und|oder|et|ou|e)\s*$", re.I)
_DE_DAY_PART = re.compile(r"\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)"
                          r"(abend|morgen|nachmittag|vormittag|mittag|nacht)s?\b", re.I)
# A noun led by a weekday names that day's event ("Freitagsgebet", "Sonntagsbrunch"); "montags"
# alone is every Monday, and a part of the day is read by _DE_DAY_PART.
_DE_DAY_COMPOUND = re.compile(r"\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)s?"
                              r"(?!(?:abend|morgen|nachmittag|vormittag|mittag|nacht)s?\b)"
                              r"(?=[a-zäöüß]{3,}\b)[a-zäöüß]+\b", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?\n]\s*)$")
_CLOCK_NEXT = re.compile(r"\s*\d{1,2}(?:[:.]\d{2})?\s*(?:-|–|bis|uhr|h\b|am\b|pm\b)", re.I)
_LIMIT_BEFORE = re.compile(r"\b(?:by|until|till|before|bis|hasta|antes del?|avant|jusqu'à|até|"
                           # "como muy tarde el jueves", "spätestens Donnerstag", "au plus tard jeudi"
                           r"(?:como )?(?:muy )?tarde|latest|spätestens|plus tard|mais tardar)"
                           r"(?:\s+(?:the|el|la|le|o|a|zum|dem|den|am|on))?\s*$", re.I)
_LIST_WORD = re.compile(r"(?<!\bbis )\b(?:and|y|e|et|und)\b(?! mit\b)", re.I)  # not the Swiss "bis und mit"


# The end of the month the message is written in, said without its name.
THIS_MONTH_END = re.compile(
    r"(?=[efmt])"  # the first letters of its phrases: see _EVE
    r"\b(?:(?:the\s+)?end\s+of\s+(?:the|this)\s+month|(?:finales|fin|final)\s+del?\s+(?:este\s+)?mes|"
    r"ende\s+(?:(?:des|dieses)\s+monats|monat)|monatsende|fin\s+(?:du|de\s+ce)\s+mois|"
    r"(?:fim|final)\s+(?:do|deste)\s+m[eê]s)\b", re.I)
# A day number of next month: "the 5th of next month", "el 5 del mes que viene", "am 3. nächsten
# Monats", "le 5 du mois prochain", "dia 5 do próximo mês".
_NEXT_MONTH_DAY = re.compile(
    r"(?=[\dadelnot])"  # the first characters it can start with: see _EVE
    r"\b(?:(?:on\s+)?the\s+|(?:el\s+)?(?:d[ií]a\s+)?|(?:am\s+)?|(?:le\s+)?|(?:no\s+)?(?:dia\s+)?)"
    r"(1er|\d{1,2}(?:st|nd|rd|th|\.|º|°)?)\s+"
    r"(?:of\s+next\s+month|del?\s+(?:mes\s+(?:que\s+viene|pr[oó]ximo|siguiente)|pr[oó]ximo\s+mes)|"
    r"(?:des\s+)?(?:nächsten|kommenden)\s+monats|du\s+mois\s+(?:prochain|suivant)|"
    r"d[oe]\s+(?:m[eê]s\s+que\s+vem|pr[oó]ximo\s+m[eê]s|m[eê]s\s+seguinte))\b", re.I)
_SPAN_END = re.compile(r"\b(?:through|thru|durant|pendant|während|hasta|até)\s*$", re.I)


def _moved_between(work: str, m: re.Match[str], g: Grammar) -> bool:
    """A move cue just before a pair of days: they are the old and the new day, not a span. The
    cue may look ahead at the days ("lo pasamos del martes al miércoles")."""
    return any(cue.start() < m.start() for cue in g.move.finditer(work, max(0, m.start() - 30), m.end()))


def _last_of_month(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def _dated(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None:
        return safe_date(year, month, day)
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
    r"(?:\b(?:on|the|el|le|am|em|no|dia|dias|días|du|del|al|ao|vom|den|dem|e|y|et|and|und|until|till|by|from|for|due|"
    r"hasta|ab|zum|zur|avant|antes|before|jusqu'au|au|bis|até|para|pour|für|a|à|desde|"
    r"spätestens|latest|au plus tard|a más tardar)\b|[,\n(]|^)\s*$",
    re.I,
)


# A line's start, with its bullet and a short weekday ("- mer. "), before a date heading the line;
# then the separator or the name that follows such a heading
_LIST_LINE_HEAD = re.compile(r"(?:^|\n)[ \t]*(?:[-–•*·▪>]+[ \t]*)?(?:[^\W\d_]{2,4}\.?[ \t]*)?$")
_LIST_LINE_NEXT = re.compile(r"[ \t]*(?:[:–—-]|→|[ \t][^\W\d_])")


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
        if _FRACTION_AFTER.match(after) and not (sep == "." and trailing):
            return None  # "2/3 der Schüler"; but "am 28.01. Der Elternabend ..." is a date
        nearby_time = bool(re.search(r"\d\s*(?:am|pm|h\b|uhr|[:.h]\d\d)|\b(?:at|um|à|às|a las)\s+\d",
                                     after + " " + before, re.I))
        # "Nicht Fr 2.3., sondern Mo 5.3.": a short weekday written as one counts as well
        short = re.search(r"(?-i:\b([A-ZÁÉÍÓÚ][a-zäöüáéíóúç]{1,2}))\.?,?\s*$", before)
        weekday_before = bool(g.date_words.search(before)) or (
            short is not None and short.group(1).lower() in g.t.weekday_abbr)
        # "Picture day retakes 10/8, order forms ...": a date closing an event's name
        named_before = bool(re.match(r"[,;.!)]|\s*$|\s*\n", after)) and \
            bool(g.event_noun.search(work[max(0, m.start() - 30):m.start()]))
        # "Meldeschluss ist der 10.8.!", "deadline 10/8", "vence 10/8": what is due says date
        due_before = bool(g.due.search(work[max(0, m.start() - 24):m.start()]))
        # "- mer. 10/05 : Sandrine", "6.5. Brunner": a date heading a line of a list, as in a rota
        item_head = bool(_LIST_LINE_HEAD.search(before)) and bool(_LIST_LINE_NEXT.match(after))
        # "prazo para pagar: 19/5 (sexta)": its weekday after it
        said_after = _WEEKDAY_AFTER.match(after)
        weekday_after = said_after is not None and said_after.group(1).lower() in g.weekday_of
        if not (_DATE_CONTEXT_BEFORE.search(before) or nearby_time or weekday_before or named_before
                or due_before or item_head or weekday_after or _short_weekday_before(work, m.start(), g)):
            return None
        day_value = _dated(day, month, None, today)
    else:
        if not 1990 <= year <= 2100:
            return None
        day_value = safe_date(year, month, day)
    if day_value is None:
        return None
    # "seg 5/6 – matemática", "mer. 10/05": the short weekday before is part of the date, not a title
    return DateMention(_short_weekday_before(work, m.start(), g) or m.start(), m.end(), day_value, None,
                       "numeric")


_SHORT_DAY_BEFORE = re.compile(r"(?:^|(?<=[\s(•*-]))([^\W\d_]{2,4})\.?,?[ \t]*$")
_WEEKDAY_AFTER = re.compile(r"\s*[,(]\s*([^\W\d_]+)")


def _short_weekday_before(work: str, at: int, g: Grammar) -> int | None:
    """Where a short weekday written right before a date starts ("seg 5/6", "mer. 10/05")."""
    short = _SHORT_DAY_BEFORE.search(work, max(0, at - 8), at)
    if short is None or short.group(1).lower() not in g.t.weekday_abbr:
        return None
    return short.start(1)


# "the Thurs before", "el viernes de antes (25)", "le vendredi d'avant", "a sexta anterior"
_RELATIVE_TO_ANOTHER = re.compile(r"\s+(before|after|beforehand|afterwards|de antes|anterior|d['’]avant|"
                                  r"précédent|davor|de después|d['’]après)"
                                  r"\s*(?:[?.!,;(]|$|(?=\d|(?:à|a|at|um|às|as|a las)\s+\d)"
                                  # "the Saturday before at the Anchor": where, not before what
                                  r"|(?=(?:at|in|en|au|im|am|bei|no|na|chez)\s))", re.I)
_BEFORE_WORDS = {"before", "beforehand", "de antes", "anterior", "d'avant", "d’avant", "précédent", "davor"}
# "na Quinta da Bacalhoa", "na quinta dos meus sogros": a farm, not a Thursday ("quinta de manhã" is)
_ESTATE_NAME = re.compile(r"\s+d[aeo]s?\s+(?:[A-ZÁÉÍÓÚÂÊÔÃÕÇ]|(?!manh|tarde|noite|madrugada|semana|m[êe]s\b)"
                          r"(?:meus?|minhas?|teus?|tuas?|seus?|suas?|nossos?|nossas?)\b)")
_SAINT_BEFORE = re.compile(r"(?-i:\b(?:Santo|San|Santa|São|Sao|Saint|Sainte|St\.?|Ste\.?|Sankt))\s+$")


# a number after a weekday followed by another as its range's end: "Sunday 11 to 3", "Sunday 10-2"
# A capitalised word (not the sentence's first) just before a weekday, and a plain word after it
_IN_A_NAME = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+\s+$")
_NAME_GOES_ON_WORD = re.compile(
    r"\s+(?!(?:at|from|night|morning|afternoon|evening|noon|is|was|will|and|or|to|till|until|before|"
    r"after|the|this|next|week|for|in|on|we|you|by|only|then|please|pls|instead|not|again|if|too|"
    r"lunch|dinner|tea|brunch|arvo|nite|eve)\b)[a-z]{3,}\b")
_NO_DAY_AFTER = re.compile(r"\s*(?:floor|storey|story|level|row|grade|place|prize|round|half|period|"
                           r"etage|étage|stock|stockwerk|piso|andar|planta|rang|fila|lugar|vez|fois|mal|"
                           # "20h em segunda chamada", "a sexta série": the ordinal, no weekday
                           r"chamada|convocat[oó]ria|s[ée]rie|edi[çc][ãa]o|fase|op[çc][ãa]o|parte|volta|"
                           r"m[ãa]o|etapa|jornada)\b", re.I)
# Portuguese weekdays that are also ordinals ("segunda chamada", "quinta vez")
_ORDINAL_WEEKDAYS = {"segunda", "terça", "terca", "quarta", "quinta", "sexta"}
_A_WEEKDAY = re.compile(r"\b(?:on a|an einem|a un|un|une|num|numa|einem)\s+$", re.I)
# The words that run a range up to noon: "9 to noon", "de 10 hasta mediodía", "bis zum Mittag"
_UP_TO = (r"(?:-|–|to|until|till|'?til|à|a|ao|al|bis(?: zum| um)?|até(?: ao| o)?|hasta(?: el| la)?|"
          r"jusqu['’]à)")
_CLOCK_WORD_AFTER = re.compile(r"\s*(?:o['’]?clock|uhr|heures?|horas?|h\b|hs\b)", re.I)
_HOURS_AFTER = re.compile(r"\s*(?:-|–|to|till|until|bis|à|a|até)\s*(\d{1,2})(?:[:.]\d\d)?\s*(?:am|pm|h|uhr)?"
                          r"(?![\d/.]|\s*(?:st|nd|rd|th)\b)", re.I)


def _hours_after(work: str, at: int, number: int) -> bool:
    """'this Sunday 11 to 3', 'Sonntag 14 bis 18 Uhr': the number and what follows are a span
    of hours; 'le samedi 24 à 15h' is a day and an hour (24, or 20 to 15, spans no hours)."""
    m = _HOURS_AFTER.match(work, at)
    return m is not None and number <= 23 and (number <= 12 or int(m.group(1)) > number)


_UP_TO_AFTER = re.compile(rf"\s*{_UP_TO}\s*", re.I)


def _runs_to_noon(work: str, at: int, g: Grammar) -> bool:
    """'Saturday 8 til noon': what follows the number runs it up to noon (a morning hour's
    range; 'mercredi 13 à midi' is the 13th at noon)."""
    to = _UP_TO_AFTER.match(work, at)
    return to is not None and to.end() > at and g.noon.match(work, to.end()) is not None


def _weekday_mention(m: re.Match[str], work: str, g: Grammar, today: date,
                     spans: _Spans) -> DateMention | None:
    modifier, name, after, number = m.group(1), m.group(2), m.group(3), m.group(4) or m.group(5)
    weekday = g.weekday_of[name.lower()]
    if not number and name.lower() in _ORDINAL_WEEKDAYS and _NO_DAY_AFTER.match(work, m.end(2)):
        return None  # "20h em segunda chamada", "a quinta vez": an ordinal, no weekday
    if name[:1].isupper() and not modifier and _SAINT_BEFORE.search(work, max(0, m.start(2) - 8), m.start(2)):
        return None  # "el templo de Santo Domingo", "São Domingos": a saint's name, no Sunday
    if g.t.code == "pt" and not modifier and not number and _ESTATE_NAME.match(work, m.end(2)):
        return None  # "almoço na Quinta da Bacalhoa": a country estate, no Thursday
    around = work[max(0, m.start() - 8):m.start()] + "|" + work[m.end():m.end() + 10]
    if g.t.code == "en" and name.lower() in g.t.weekday_abbr and not name[0].isupper() \
            and not _DAY_CONTEXT.search(around):
        return None  # "sat" and "sun" are words too, unless the context says day
    if g.t.code == "en" and not modifier and name.lower() in g.t.weekday_abbr and name[:1].isupper() \
            and _IN_A_NAME.search(work, 0, m.start(2)) and _NAME_GOES_ON_WORD.match(work, m.end(2)):
        return None  # "the Midnight Sun complex": "Sun" inside a name is no Sunday
    if not modifier and _A_WEEKDAY.search(work, max(0, m.start(2) - 12), m.start(2)):
        return None  # "8 on a Saturday is brutal", "un sábado cualquiera": any such day, not one
    if g.recurring.search(work[max(0, m.start() - 16):m.start()]) or _GERMAN_EVERY.fullmatch(name) \
            or _MONTHLY.match(work[m.end():m.end() + 30]):
        return None  # "every Tuesday", "dienstags", "first Tuesday of the month": a schedule
    if _LISTED_HABIT.search(work[max(0, m.start() - 30):m.start()]):
        return None  # "los martes y jueves", "every Tuesday and Thursday"
    if g.t.code == "fr" and not number and _FRENCH_HABIT.search(work[max(0, m.start() - 4):m.start()]) \
            and not _RELATIVE_TO_ANOTHER.match(work, m.end()):
        # "le mardi" with no date is every Tuesday; "mardi" or "le mardi 16" is one, and so is
        # "le samedi d'avant"
        return None
    if not number and _RELATIVE_TO_ANOTHER.match(work, m.end()) \
            and re.search(r"\b(?:the|el|le|o|a|am|al)\s+$", work[max(0, m.start(2) - 5):m.start(2)], re.I):
        # "Dress rehearsal the Thurs before": before another day, never the coming one; placed
        # by the day said before it, or dropped (`_anchor_weekdays`)
        return _weekday_alone(m.start(), m.end(), weekday, today)
    start, end = m.start(), m.end()
    if not spans.free(start, end):
        # "Wednesday 28 May": the number belongs to an explicit date already found; keep
        # the weekday alone so it can join that date.
        start, end, number, after = m.start(2), m.end(2), None, None
    if number and (_CLOCK_WORD_AFTER.match(work, m.end())
                   or (5 <= int(number) <= 11 and _runs_to_noon(work, m.end(), g))):
        # "open again Tuesday 8 o'clock", "Saturday 8 til noon": the number is the hour, not the 8th
        end, number, after = m.end(2), None, None
        start = min(start, end)
    if number:
        day = _day_of_month(int(number), today, weekday)
        if day is not None and (day - today).days > 31 and not after \
                and _hours_after(work, m.end(), int(number)):
            # "this Sunday 11 to 3" said in June: no 11th is a Sunday soon, so 11 is an hour
            end, number, day = m.end(2), None, None
        if day is not None:
            return DateMention(start, end, day, None, "weekday")
    # A bare "Wednesday" said on a Wednesday means next week (today would be "today");
    # only "this Wednesday" can be today. "Next Wednesday" is the first one after today.
    is_this = bool(modifier) and modifier.lower() in THIS_WORDS
    day = _coming(weekday, today, include_today=is_this and not after)
    if g.t.code == "fr" and not number and (week := _FR_WEEK_AFTER.match(work, end)):
        # "samedi en huit", "jeudi en quinze": a week (two) after the coming one
        weeks = 2 if week.group(1) == "quinze" else 1
        return DateMention(start, week.end(), day + timedelta(days=7 * weeks), None, "weekday")
    if g.t.code == "en" and not number and (week := _WEEK_AFTER.match(work, end)):
        # "Friday week", "Saturday fortnight", "the Saturday after next": a week (two) after the
        # coming one
        weeks = 2 if week.group(1).lower() == "fortnight" else 1
        return DateMention(start, week.end(), day + timedelta(days=7 * weeks), None, "weekday")
    if g.t.code == "de" and not number and not modifier \
            and (after_next := _AFTER_NEXT_DE.search(work, max(0, start - 16), start)):
        # "übernächsten Dienstag": the one a week after the coming one
        return DateMention(after_next.start(), end, day + timedelta(days=7), None, "weekday")
    if g.t.code == "en" and not number and not modifier \
            and (week := _WEEK_BEFORE.search(work, max(0, start - 24), start)):
        # "a fortnight on Saturday", "a week on Tuesday": the same, said the other way round
        weeks = 2 if week.group(1).lower() == "fortnight" else 1
        return DateMention(week.start(), end, day + timedelta(days=7 * weeks), None, "weekday")
    return DateMention(start, end, day, None, "weekday", bare=not (modifier or after))


def _weekday_abbr_mention(m: re.Match[str], work: str, g: Grammar, today: date,
                          spans: _Spans) -> DateMention | None:
    name, number = m.group(1), m.group(2)
    # a list line's head: "Sa: Fassanstich um 12", "qua – folga"
    before_colon = not number and bool(_HEAD_MARK.match(work, m.end()))
    at_line_start = _LIST_LINE_START.search(work[:m.start()]) is not None
    if before_colon and not at_line_start:
        return None  # "Sa:" names a day only as a list item's head ("- Sa: Fassanstich um 12")
    if not name[0].isupper() and not before_colon and not _weekday_agrees(name, number, g, today):
        # "do", "so", "mar", "ter": only trusted when written as an abbreviation, at the head
        # of a list line ("qui: Rafa 6h-14h") or with a day number that agrees ("mié 17")
        return None
    if not number and _SENTENCE_START.search(work[:m.start()]) and _CLOCK_NEXT.match(work, m.end()):
        return None  # "... Kuchenverkauf? So 10-12 Uhr": a sentence's "So" before a time is no Sunday
    weekday = g.weekday_of[name.lower()]
    start, end = m.start(), m.end()
    if not spans.free(start, end):  # "So, 6. Juli": the number belongs to the explicit date
        start, end, number = m.start(1), m.end(1), None
    if number and (_CLOCK_WORD_AFTER.match(work, m.end())
                   or (5 <= int(number) <= 11 and _runs_to_noon(work, m.end(), g))):
        # "open again Tuesday 8 o'clock", "Saturday 8 til noon": the number is the hour, not the 8th
        end, number = m.end(2), None
        start = min(start, end)
    if number:
        day = _day_of_month(int(number), today, weekday)
        return DateMention(start, end, day, None, "weekday") if day else None
    return DateMention(start, end, _coming(weekday, today, True), None, "weekday", bare=True)


_HEAD_MARK = re.compile(r"\s*:|[ \t]+[-–—][ \t]")
_REPLACED_NUMBER = re.compile(r"\s*(?:the\s+|el\s+|le\s+|o\s+|dia\s+)?(\d{1,2})(?:st|nd|rd|th|er|º)?"
                              r"(?![\d:/]|[.,h]\d|\s*(?:h\b|hs\b|am\b|pm\b|uhr|%|€|\$|euros?|min))", re.I)


_ABBREVIATION = re.compile(r"[^\W\d_]+")


# A Spanish rota's days by their letters, a line each: "L y M: Rocío de 6 a 14", "X: Manu".
_DAY_LETTER_LINE = re.compile(r"^[ \t•*-]*([LMXJVSD])(?:\s*(?:y|,|/|-)\s*([LMXJVSD]))?\s*:", re.M)
_DAY_LETTERS = {"L": 0, "M": 1, "X": 2, "J": 3, "V": 4, "S": 5, "D": 6}


def _spanish_day_letters(work: str, today: date,
                         add: Callable[[re.Match[str], DateMention | None], None]) -> None:
    """Lines headed by a weekday's letter (L M X J V S D), two or more of them: a rota."""
    lines = list(_DAY_LETTER_LINE.finditer(work))
    if len(lines) < 2:
        return
    for m in lines:
        for group in (1, 2):
            if m.group(group):
                add(m, _weekday_alone(m.start(group), m.end(group), _DAY_LETTERS[m.group(group)], today))


def _weekday_alone(start: int, end: int, weekday: int, today: date) -> DateMention:
    """A weekday said alone at text[start:end]: the next one (said on that day, a week on);
    a week or a day said beside it may place it yet (`_week_of_headings`, `_anchor_weekdays`)."""
    return DateMention(start, end, _coming(weekday, today, False), None, "weekday", bare=True)


def _weekday_agrees(name: str, number: str | None, g: Grammar, today: date) -> bool:
    """A lower-case abbreviation with a day number ("mié 17", "mar 16 et mer 17", "qua 24") is
    a day when the number's next date, within two months, falls on that weekday: "ter 3 filhos"
    or "mar 5" said of something else agree by chance one time in seven, and they need a
    capital. German is left out: "so 20 Leute", "do 5 Runden" are common words before numbers."""
    if not number or g.t.code == "de":
        return False
    day = _day_of_month(int(number), today, g.weekday_of[name.lower()])
    return day is not None and day.weekday() == g.weekday_of[name.lower()] \
        and (day - today).days <= 62


_LIST_LINE_START = re.compile(r"(?:^|\n)[ \t]*(?:[-•*·–]\s*)?$")
_FROM_ON = re.compile(r"\b(?:a partir de|desde|from|starting|beginning|ab|à partir de|dès|"
                      r"a partir da|a partir do)\s*$", re.I)
_AFTER_NEXT_DE = re.compile(r"\b(?:am\s+)?(?:übernächsten|übernächster|übernächste|uebernaechsten)\s+$", re.I)
_FR_WEEK_AFTER = re.compile(r"\s+en\s+(huit|quinze)\b", re.I)
_WEEK_BEFORE = re.compile(r"\b(?:a|one)\s+(week|fortnight)\s+(?:on|from)\s+$", re.I)
_WEEK_AFTER = re.compile(r"\s+(week|fortnight|after next)\b(?!\s*(?:end|day|s\b))", re.I)
_DAY_CONTEXT = re.compile(
    r"(?:\b(?:on|this|next|every|till|until)\s*|\d\s*|,\s*)\|"
    r"|\|\s*(?:morning|afternoon|evening|night|am\b|pm\b|\d|,|$)", re.I
)
_LISTED_HABIT = re.compile(
    r"\b(?:los|todos los|todas las|every|each|tous les|le|todas as|todos os|às|aos|jeden)\s+\w+"
    r"\s*(?:,|\b(?:y|e|and|et|und)\b)\s*(?:le\s+|el\s+|a\s+)?$", re.I
)
_FRENCH_HABIT = re.compile(r"\ble\s+$", re.I)
_MONTHLY = re.compile(
    r"\s*(?:of (?:every|each|the) month|every month|de cada mes|de chaque mois|de cada mês|do mês|"
    r"im monat|jeden monats?|des monats|del mes|du mois|todos los meses|tous les mois|todo mês|"
    r"todos os meses)", re.I
)
_GERMAN_EVERY = re.compile(r"(?:mon|diens|mitt|donners|frei|sams|sonn)tags", re.I)
_GLUE = re.compile(r"^[\s,.(]*(?:the|den|le|el|la|o|a|dia|día|,|\s)*[\s,.]*$", re.I)  # "sábado, dia 10"


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


# A bare hour with its part of the day after it is a clock time without any preposition:
# "Ensayo ... el domingo, 4 de la tarde en la cancha" (the part of the day then sets am/pm).
_PART_OF_DAY_AFTER = re.compile(
    r"(?<![\w/.:,])(\d{1,2})\s+(?:de la|da|del|in the)\s+(?:tarde|mañana|manana|noche|manhã|manha"
    r"|noite|madrugada|morning|afternoon|evening)\b", re.I)


# Two bare hours joined by a dash, with nothing after that makes them a date or a score.
_BARE_HOURS = re.compile(r"(?<![\d.:/])(\d{1,2})\s*-\s*(\d{1,2})(?![\d.:/]|\s*(?:h\b|uhr|am\b|pm\b))", re.I)


def _roster_lines(work: str, dates: list[DateMention]) -> list[tuple[int, int]]:
    """The rest of each line a weekday heads with a colon ("Lun: Lucía 7-15", "Mié y jue: Dani
    7-15"): on a roster, its two bare numbers are the shift's hours."""
    lines = []
    for d in dates:
        if d.kind != "weekday":
            continue
        line_end = work.find("\n", d.end)
        line_end = len(work) if line_end == -1 else line_end
        if _LIST_LINE_START.search(work, 0, d.start):
            head = _ROSTER_HEAD.search(work, d.end, d.end + 16)  # "Lun:", "Mon + Tue – earlies (7–3)"
            if head is not None and head.start() < line_end:
                lines.append((head.end(), line_end))
        elif _ITEM_START.search(work, 0, d.start) and _weekday_items_on_line(work, d, dates) >= 3:
            # "Mo Nachtdienst 19–7, Di frei, ...": a roster written as one line of items
            item_end = _ITEM_END.search(work, d.end)
            lines.append((d.end, item_end.start() if item_end else len(work)))
    return lines


_ITEM_START = re.compile(r"[,;:][ \t•*-]*$")
_ITEM_END = re.compile(r"[,;\n]")


def _weekday_items_on_line(work: str, d: DateMention, dates: list[DateMention]) -> int:
    """How many weekdays open items of `d`'s line."""
    line_start = work.rfind("\n", 0, d.start) + 1
    line_end = work.find("\n", d.end)
    line_end = len(work) if line_end == -1 else line_end
    return sum(1 for x in dates if x.kind == "weekday" and line_start <= x.start < line_end
               and (x.start == line_start or _ITEM_START.search(work, line_start, x.start)
                    or not work[line_start:x.start].strip(" \t•*-")))


_ROSTER_HEAD = re.compile(r":|[ \t]-[ \t]")


def find_times(work: str, g: Grammar, dates: list[DateMention]) -> list[TimeMention]:
    """Clock times and time ranges that are not part of a date."""
    spans = _Spans()
    for d in dates:
        spans.take(d.start, d.end)
    found: list[TimeMention] = []
    digit = _DIGIT.search(work) is not None  # most patterns need one: without, they are skipped
    for m in _ACADEMIC_QUARTER.finditer(work) if digit else ():  # "10 c.t." is 10:15, "10 s.t." 10:00 sharp
        if spans.free(m.start(), m.end()):
            spans.take(m.start(), m.end())
            minute = 15 if m.group(2).lower() == "c" else 0
            found.append(TimeMention(m.start(), m.end(), int(m.group(1)), minute, literal=True))
    for m in _BETWEEN_AND.finditer(work) if digit else ():  # "entre 2 y 4 de la tarde": a span, not 4 o'clock
        if spans.free(m.start(), m.end()):
            spans.take(m.start(), m.end())
            found.append(TimeMention(m.start(), m.end(), int(m.group(1)), int(m.group(2) or 0),
                                     end_hour=int(m.group(3)), end_minute=int(m.group(4) or 0)))
    if g.t.code == "en":
        for m in _FOR_START.finditer(work) if digit else ():  # "doors 6.45 for 7": the event starts at 7
            first = int(m.group(1)) * 60 + int(m.group(2))
            second = int(m.group(3)) * 60 + int(m.group(4) or 0)
            if 0 < second - first <= 60 and spans.free(m.start(), m.end()):
                spans.take(m.start(), m.end())
                found.append(TimeMention(m.start(3), m.end(), int(m.group(3)), int(m.group(4) or 0),
                                         meridiem=_meridiem(m.group(5))))
        for m in _EN_FOUR_DIGITS.finditer(work) if digit else ():  # "training Monday 15th at 1900": 19:00
            if spans.free(m.start(1), m.end()):
                spans.take(m.start(1), m.end())
                found.append(TimeMention(m.start(1), m.end(), int(m.group(1)), int(m.group(2)),
                                         literal=True))
    for start, end in _roster_lines(work, dates):  # "Lun: Lucía 7-15", "Do: Goran 19-7"
        for m in _BARE_HOURS.finditer(work, start, end):
            first, last = int(m.group(1)), int(m.group(2))
            if first <= 24 and last <= 24 and first != last and spans.free(m.start(), m.end()):
                spans.take(m.start(), m.end())
                if first <= 12 and last <= 12:  # a shift on the 12-hour clock
                    if first <= 5:
                        first, last = first + 12, last + 12  # "lates (2-10)": 14-22
                    elif last < first:
                        last += 12  # "earlies (7-3)": a morning shift to 3 in the afternoon
                found.append(TimeMention(m.start(), m.end(), first, 0, end_hour=last, end_minute=0,
                                         literal=True))
    for worded in _word_times(work, g):
        if spans.free(worded.start, worded.end):
            spans.take(worded.start, worded.end)
            found.append(worded)
    if g.t.code == "de":
        for m in _SWISS_HOUR.finditer(work) if digit else ():  # "am 8i", "um 7i": Swiss German hours
            if spans.free(m.start(), m.end()) and 1 <= int(m.group(1)) <= 12:
                spans.take(m.start(), m.end())
                found.append(TimeMention(m.start(1), m.end(), int(m.group(1)), 0))
    for m in g.time_range.finditer(work) if digit else ():
        mention = _range_mention(m, work, dates)
        if mention and spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)
            found.append(mention)
    if g.half_before is not None:
        for m in g.half_before.finditer(work) if digit else ():
            hour = int(m.group(1))
            if 1 <= hour <= 12 and spans.free(m.start(), m.end()):
                spans.take(m.start(), m.end())
                found.append(TimeMention(m.start(), m.end(), hour - 1 if hour > 1 else 12, 30))
    for m in g.time_marked.finditer(work) if digit else ():
        mention = _marked_mention(m)
        if mention and spans.free(mention.start, mention.end):
            spans.take(mention.start, mention.end)
            found.append(_with_fraction(mention, work, g))
    for m in g.time_prep.finditer(work) if digit else ():
        hour = int(m.group(1))
        if 0 <= hour <= 24 and spans.free(m.start(1), m.end(1)):
            spans.take(m.start(1), m.end(1))
            # "à 10 heures" is a 24-hour clock reading
            literal = m.group(2) is not None and _hour_word_is_24h(hour, m.group(2))
            found.append(_with_fraction(TimeMention(m.start(1), m.end(), hour % 24, 0, literal=literal),
                                        work, g))
    for m in g.time_word.finditer(work):
        if m.group(1).lower() in _ARTICLE_ONES and _NOUN_NEXT.match(work, m.end(1)):
            continue  # "remise à une date ultérieure": an article, not one o'clock
        if _name_goes_on(work, m.start(1), m.end(1), g):
            continue  # "à Trois-Îlets", "no Forte das Cinco Pontas": a number in a place's name
        if spans.free(m.start(1), m.end(1)):
            hour = g.hour_words[m.group(1).lower()]
            mention = TimeMention(m.start(1), m.end(1), hour, 0)
            minutes = _EN_MINUTE_WORDS.match(work, m.end(1)) if g.t.code == "en" else None
            if minutes:  # "at ten thirty", "at two fifteen"
                mention.minute = _EN_MINUTES[minutes.group(1).lower().replace("-", " ")]
                mention.end = minutes.end()
            worded_end = _word_range_after(work, m.end(1), g)
            if worded_end is not None and spans.free(m.end(1), worded_end[1]):
                mention.end_hour, mention.end_minute, mention.end = worded_end[0] % 24, 0, worded_end[1]
            spans.take(mention.start, mention.end)
            found.append(_with_fraction(mention, work, g))
    for m in g.time_word_part.finditer(work):  # "nove da noite": no "às"
        if spans.free(m.start(1), m.end(1)) and not _name_goes_on(work, m.start(1), m.end(1), g):
            spans.take(m.start(1), m.end(1))
            found.append(TimeMention(m.start(1), m.end(1), g.hour_words[m.group(1).lower()], 0))
    for m in _PART_OF_DAY_AFTER.finditer(work) if digit else ():  # "4 de la tarde", "7 da manhã": no "a las"
        hour = int(m.group(1))
        if 1 <= hour <= 12 and spans.free(m.start(1), m.end(1)):
            spans.take(m.start(1), m.end(1))
            found.append(TimeMention(m.start(1), m.end(1), hour, 0))
    for m in g.time_ish.finditer(work) if digit else ():
        hour = int(m.group(1))
        if 1 <= hour <= 12 and spans.free(m.start(), m.end()):
            spans.take(m.start(), m.end())
            found.append(TimeMention(m.start(), m.end(), hour, 0))
    for m in g.noon.finditer(work):
        if spans.free(m.start(), m.end()):
            spans.take(m.start(), m.end())
            found.append(_with_fraction(TimeMention(m.start(), m.end(), 12, 0, literal=True), work, g))
    if g.t.code == "en":
        for m in _EN_PAST_TO.finditer(work) if digit else ():
            if spans.free(m.start(), m.end()):
                spans.take(m.start(), m.end())
                found.append(_past_to(m))
    # "it's 10 not 9", "c'est 8 pas 9": two clock hours
    for m in _HOUR_NOT_HOUR.finditer(work) if digit else ():
        for group in (1, 2):
            if spans.free(m.start(group), m.end(group)):
                spans.take(m.start(group), m.end(group))
                found.append(TimeMention(m.start(group), m.end(group), int(m.group(group)), 0))
    for m in _FOUR_DIGIT_RANGE.finditer(work) if digit else ():  # "night shift 2130-0730", "0600-1400"
        opening, closing = m.group(1) + m.group(2), m.group(3) + m.group(4)
        if spans.free(m.start(), m.end()) and (
                "0" in (opening[0], closing[0]) or closing < opening  # "2028-2029" is years
                or _CLOCK_PREP.search(work, max(0, m.start() - 8), m.start())
                or any(0 <= m.start() - d.end <= 20 for d in dates)):
            spans.take(m.start(), m.end())
            found.append(TimeMention(m.start(), m.end(), int(m.group(1)), int(m.group(2)),
                                     end_hour=int(m.group(3)), end_minute=int(m.group(4)), literal=True))
    # "Friday 1930", "heute um 1930": a clock, no colon
    for m in _FOUR_DIGITS.finditer(work) if digit else ():
        if spans.free(m.start(), m.end()) and (
                _CLOCK_PREP.search(work, max(0, m.start() - 8), m.start())
                or any(0 <= m.start() - d.end <= 2 for d in dates)
                # "..., 1800 in the galley": a clock set off by a comma before a place
                or (dates and work[max(0, m.start() - 2):m.start()] == ", "
                    and _PLACE_AFTER_CLOCK.match(work, m.end()))):
            spans.take(m.start(), m.end())
            found.append(TimeMention(m.start(), m.end(), int(m.group(1)), int(m.group(2)), literal=True))
    for t in found:  # "19:30\nViernes": the line break belongs to no one
        t.end = t.start + len(work[t.start:t.end].rstrip())
    found.sort(key=lambda t: t.start)
    found = _ranges_to_noon(found, work, g, spans)  # "von 9 bis Mittag" has its start
    # "Unterricht bis 11:30", "working till 6": an end with no start is not the event's time.
    found = [t for t in found
             if t.end_hour is not None or not _UNTIL_BEFORE.search(work[max(0, t.start - 12):t.start])]
    _read_24_hour_habit(found, work, g)
    return found


def _read_24_hour_habit(times: list[TimeMention], work: str, g: Grammar) -> None:
    """Where people write the 24-hour clock (Spanish, German, French, Portuguese), an evening
    is "19:30"; so "a las 7:30" or "um 6:45", written with minutes, is the morning, unless the
    message itself writes am/pm. Hours below 5 stay in the afternoon ("de 2:30 a 4")."""
    if g.t.code == "en" or any(t.meridiem or t.end_meridiem for t in times):
        return
    for t in times:
        written = work[t.start:t.end]
        if t.meridiem is None and 5 <= t.hour <= 7 and re.search(rf"\b{t.hour}[:.]\d\d", written):
            t.literal = True


_ARTICLE_ONES = {"une", "un", "una", "uma", "um", "eine", "ein"}
# a word after "une"/"uma" that is no noun ("lá pela uma no sítio"): the hour, not an article
_NOUN_NEXT = re.compile(r"\s+(?!(?:y|e|et|und|heures?|horas?|uhr|de la|da|del|du|pm|am|h|no|na|em|en|el|"
                        r"in|at|au|aux|al|im|beim|bei|chez|por|pour|para|pra|on|con|com|avec|mit|ou|"
                        r"or|oder|o|y media|e meia|et demie)\b)[^\W\d_]{2,}", re.I)
_UNTIL_BEFORE = re.compile(
    # a lower-case "end": "West End 8:15" is a place's name before an hour
    r"\b(?:bis|until|till|til|hasta|jusqu'à|jusqu'a|até|(?-i:ends?|ending)|finish(?:es)?|finishing|"
    r"schluss|ende|endet|termina|terminan|acaba|acaban|fin|finit|fim|terminam?)"
    r"(?:\s+(?:um|las|la|às|as|at|à|a))?\s*$", re.I
)
_TO_NOON = re.compile(rf"^\s*{_UP_TO}\s*$", re.I)
_AND_NOON = re.compile(r"^\s*(?:and|et|e|y|und)\s*$", re.I)
_BETWEEN = re.compile(r"\b(?:between|entre|zwischen)\s*$", re.I)
# "Sat July 10, 9 to noon": a bare morning hour whose range ends at noon is a time after all
_BARE_HOUR_TO = re.compile(rf"(?<![\d/.:,])(\d{{1,2}})(?:[:.h](\d{{2}}))?\s*{_UP_TO}\s*$", re.I)
_BETWEEN_HOUR_AND = re.compile(r"\b(?:between|entre|zwischen)\s+(\d{1,2})(?:[:.h](\d{2}))?\s*"
                               r"(?:and|et|e|y|und)\s*$", re.I)  # "between 10 and noon"


def _ranges_to_noon(times: list[TimeMention], work: str, g: Grammar, spans: _Spans) -> list[TimeMention]:
    """'de 9h à midi', '10am-noon', 'das 9h ao meio-dia', 'entre 9h et midi', '9 to noon': noon
    ends the range."""
    result: list[TimeMention] = []
    for t in times:
        previous = result[-1] if result else None
        noon = g.noon.fullmatch(work[t.start:t.end]) is not None
        if noon and previous is not None and previous.end_hour is None and (
                _TO_NOON.match(work[previous.end:t.start])
                or (_AND_NOON.match(work[previous.end:t.start])
                    and _BETWEEN.search(work, max(0, previous.start - 10), previous.start))):
            previous.end_hour, previous.end_minute, previous.end = 12, t.minute, t.end
            continue
        bare = (_BARE_HOUR_TO.search(work, max(0, t.start - 12), t.start)
                or _BETWEEN_HOUR_AND.search(work, max(0, t.start - 20), t.start)) if noon else None
        if bare and 5 <= int(bare.group(1)) <= 11 and spans.free(bare.start(), bare.end()) \
                and (previous is None or previous.end <= bare.start()):
            minute = int(bare.group(2)) if bare.group(2) else 0
            mention = TimeMention(bare.start(1), t.end, int(bare.group(1)), minute, literal=True)
            mention.end_hour, mention.end_minute = 12, t.minute
            result.append(mention)
            continue
        result.append(t)
    return result


_MINUTES = {"five": 5, "cinq": 5, "cinco": 5, "ten": 10, "dix": 10, "diez": 10, "dez": 10,
            "twenty": 20, "vingt": 20, "veinte": 20, "vinte": 20, "twenty-five": 25,
            "twenty five": 25, "quarter": 15, "a quarter": 15, "half": 30}
_RANGE_AFTER = re.compile(
    r"^\s*(?:-|–|to|till|until|til|bis|à|a|al|até|hasta)\s*(\d{1,2})(?:[:.h](\d{2}))?\s*"
    r"(a\.?m\.?|p\.?m\.?|uhr|h)?(?![\d/])", re.I)


def _hour_value(text: str, g: Grammar) -> int:
    return int(text) if text.isdigit() else g.hour_words_all[text.lower()]


def _word_times(work: str, g: Grammar) -> list[TimeMention]:
    """Times in words ("half 7", "quarter past seven", "halb acht", "huit heures et quart"),
    with an end when a range follows ("half 10 till 1")."""
    if g.word_time is None:
        return []
    found = []
    for m in g.word_time.finditer(work):
        if _name_goes_on(work, m.start(), m.end(), g):
            continue  # a number opening a place's name: "à Trois-Îlets", "Sept-Îles"
        parts = {k: v for k, v in m.groupdict().items() if v}
        hour_text = parts.get("hour") or parts.get("hour2") or parts.get("hour3") \
            or parts.get("halfbefore") or parts.get("threeq")
        if hour_text is None:
            continue
        hour, minute = _hour_value(hour_text, g), 0
        if not 0 <= hour <= 24:
            continue
        if "halfbefore" in parts:  # "halb acht" = 7:30
            hour, minute = hour - 1, 30
        elif "threeq" in parts:  # "dreiviertel acht" = 7:45
            hour, minute = hour - 1, 45
        elif "half" in parts and "hour2" in parts:  # British "half 7" = 7:30
            minute = 30
        elif "amount" in parts or "digits" in parts:
            amount = (parts.get("amount") or parts["digits"]).lower()
            minutes = int(amount) if amount.isdigit() else _MINUTES.get(amount, 0)
            if not 0 < minutes < 60:
                continue
            hour, minute = (hour, minutes) if "past" in parts else (hour - 1, 60 - minutes)
        elif "past" in parts or "to" in parts:  # German "Viertel nach / vor"
            hour, minute = (hour, 15) if "past" in parts else (hour - 1, 45)
        elif "quarter" in parts:
            minute = 15
        elif "half" in parts:
            minute = 30
        elif "minusq" in parts:
            hour, minute = hour - 1, 45
        elif "minus" in parts:
            amount = parts["minus"].lower()
            minutes = int(amount) if amount.isdigit() else _MINUTES.get(amount, 0)
            if not 0 < minutes < 60:
                continue
            hour, minute = hour - 1, 60 - minutes
        if hour == 0 and minute:
            hour = 12  # "quarter to one", "halb eins": before one in the day, not after midnight
        # "vingt heures", "huit heures du matin": the French clock counts to 24
        literal = hour >= 13 or (g.t.code == "fr" and "heure" in m.group(0).lower())
        mention = TimeMention(m.start(), m.end(), hour % 24, minute, literal=literal)
        if g.t.code == "fr" and m.group(0).lower().rstrip().endswith(("heure", "heures")) \
                and (said_minutes := _FR_WORD_MINUTES.match(work, m.end())) is not None:
            # "dix-neuf heures trente": the minutes said in words after the hour
            mention.minute, mention.end = _FR_MINUTES[said_minutes.group(1).lower()], said_minutes.end()
        if g.t.code == "en" and (said := _MERIDIEM_AFTER.match(work, m.end())) is not None:
            # "quarter to six am": the words' own am or pm
            mention.meridiem, mention.end = _meridiem(said.group(1)), m.end() + len(said.group(0).rstrip())
        if (tail := _RANGE_AFTER.match(work[m.end():m.end() + 16])) is not None:
            mention.end_hour, mention.end_minute = int(tail.group(1)) % 24, int(tail.group(2) or 0)
            mention.end_meridiem = _meridiem(tail.group(3))
            mention.end = m.end() + tail.end()
        elif (worded_end := _word_range_after(work, m.end(), g)) is not None:
            mention.end_hour, mention.end_minute, mention.end = worded_end[0] % 24, 0, worded_end[1]
        found.append(mention)
    return found


_SWISS_HOUR = re.compile(r"\b(?:am|um|ab|gäge)\s+(\d{1,2})i\b", re.I)
_FOUR_DIGITS = re.compile(r"(?<![\d/.:,-])([01]\d|2[0-3])([0-5]\d)(?![\d/.:,]\d|\s*(?:hrs?\b|h\b)?\s*(?:-|–))"
                          r"(?=\s*(?:hrs?|h|uhr)?\b)", re.I)
_ACADEMIC_QUARTER = re.compile(r"(?<![\d.:])([01]?\d|2[0-3])(?:\s*uhr)?\s+([cs])\.\s?t\.(?!\w)", re.I)
_BETWEEN_AND = re.compile(r"\bentre\s+(?:las\s+)?(1[0-9]|2[0-3]|[1-9])(?:[:.](\d{2}))?\s+y\s+(?:las\s+)?"
                          r"(1[0-9]|2[0-3]|[1-9])(?:[:.](\d{2}))?\b(?![.,]\d|\s*(?:personas|niños|euros?|€|%|años))",
                          re.I)
_HOUR_NOT_HOUR = re.compile(r"\b(?:it['’]?s|it is|c['’]est|es|ist|é)\s+(1[0-2]|[1-9])\s+"
                            r"(?:not|pas|no|nicht|não)\s+(1[0-2]|[1-9])\b"
                            r"(?![.,:]\d|\s*(?:people|kids|children|euros?|€|\$|%|pm|am))", re.I)
_FOUR_DIGIT_RANGE = re.compile(r"(?<![\d/.:,-])([01]\d|2[0-3])([0-5]\d)\s*[-–]\s*([01]\d|2[0-3])([0-5]\d)"
                               r"(?![\d/.:,-])(?:\s*(?:hrs?|h)\b)?", re.I)
_PLACE_AFTER_CLOCK = re.compile(r"\s+(?:in|at|@|im|am|en|à|no|na)\s+(?:the\s+)?[^\W\d_]", re.I)
_CLOCK_PREP = re.compile(r"\b(?:at|um|ab|a las|à|às|as|from|von|de|by)\s*$|@\s*$", re.I)
_FR_MINUTES = {"cinq": 5, "dix": 10, "quinze": 15, "vingt": 20, "vingt-cinq": 25, "trente": 30,
               "trente-cinq": 35, "quarante": 40, "quarante-cinq": 45, "cinquante": 50,
               "cinquante-cinq": 55}
_FR_WORD_MINUTES = re.compile(r"\s+(" + "|".join(sorted(_FR_MINUTES, key=len, reverse=True)) + r")\b", re.I)
_MERIDIEM_AFTER = re.compile(r"\s*([ap]\.?m\.?)(?![\w])", re.I)


@cache
def _word_range_tail(code: str) -> re.Pattern[str]:
    words = alternation(grammar(code).hour_words_all)
    return re.compile(rf"\s*(?:-|to|till|until|bis|à|a|às|al|até|hasta)\s+({words})(?![\w-])", re.I)


def _word_range_after(work: str, at: int, g: Grammar) -> tuple[int, int] | None:
    """'das sete às dez da manhã', 'de ocho a diez': the hour in words a range ends on."""
    m = _word_range_tail(g.t.code).match(work, at)
    return (g.hour_words_all[m.group(1).lower()], m.end()) if m else None


# British "6.45 for 7": gather at the first time for a start at the second.
_FOR_START = re.compile(r"(?<![\d.:])(\d{1,2})[.:](\d{2})\s+for\s+(\d{1,2})(?:[.:](\d{2}))?\s*"
                        r"(a\.?m\.?|p\.?m\.?)?(?![\d:.]\d)", re.I)
# The 24-hour clock without a colon, after "at" only ("from 2020" is a year), in quarters.
_EN_FOUR_DIGITS = re.compile(r"(?<![\w])(?:at|@)\s*([01]\d|2[0-3])(00|15|30|45)"
                             r"(?:\s*(?:hrs?|hours))?(?![\w/.:,]\d|\w)", re.I)
_NAME_GOES_ON = re.compile(r"-[^\W\d_]")  # "Trois-Îlets", "Sept-Îles", "Quatre-Bornes"
_CAPITAL_NEXT = re.compile(r"[ \t]+[^\W\d_a-zà-ÿ]")


def _name_goes_on(work: str, start: int, end: int, g: Grammar) -> bool:
    """A number word that is part of a name: joined to the next word ("Trois-Îlets"), or
    capitalised with a capitalised word after it ("Forte das Cinco Pontas", "Sete Lagoas"); not
    in German, where every noun is capitalised ("Viertel vor achti Prob")."""
    return bool(_NAME_GOES_ON.match(work, end)) or \
        (not g.t.compound_nouns and work[start:start + 1].isupper() and start > 0
         and work[:start].strip()[-1:] not in ".!?\n" and bool(_CAPITAL_NEXT.match(work, end)))


# "half past 11", "quarter to 8", "10 past 6"; but "9 to 1" with digits is a range of hours
_EN_MINUTES = {"five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25, "thirty": 30,
               "thirty five": 35, "forty": 40, "forty five": 45, "fifty": 50, "fifty five": 55}
_EN_MINUTE_WORDS = re.compile(r"\s+(twenty[- ]five|thirty[- ]five|forty[- ]five|fifty[- ]five|fifteen|"
                              r"thirty|forty|fifty|twenty|ten|five)\b(?!\s+(?:minutes?|mins?|people|kids))",
                              re.I)
_EN_PAST_TO = re.compile(r"\b(?:(half|quarter)\s+(past|to)|(\d{1,2})\s+(past))\s+(\d{1,2})\b", re.I)


def _past_to(m: re.Match[str]) -> TimeMention:
    """'half past 11', 'quarter to 8', '10 past 6'."""
    amount = (m.group(1) or m.group(3)).lower()
    direction, hour_text = (m.group(2) or m.group(4)).lower(), m.group(5)
    minutes = 30 if amount == "half" else 15 if amount == "quarter" else min(int(amount), 59)
    hour = int(hour_text) % 24
    if direction == "to":
        hour, minutes = (hour - 1) % 24, 60 - minutes
    return TimeMention(m.start(), m.end(), hour, minutes % 60)


def _meridiem(text: str | None) -> str | None:
    if not text:
        return None
    letter = text.lower().replace(".", "").strip()[:1]
    return "am" if letter == "a" else "pm" if letter == "p" else None


def _hour_word_is_24h(hour: int, word: str | None) -> bool:
    """'18 Uhr', '10 heures', '7 horas' read the 24-hour clock, but 'um 2 Uhr' after church is
    said as people speak: a whole hour from one to four o'clock with 'Uhr' is not night-time
    evidence (the morning ones say 'früh' or 'morgens')."""
    return not (word is not None and word.lower() == "uhr" and 1 <= hour <= 4)


def _is_24h(suffix: str | None, sep: str | None, hour_text: str) -> bool:
    literal_suffix = suffix is not None and suffix.lower() in ("uhr", "h", "hr", "hrs")
    leading_zero = len(hour_text) == 2 and hour_text[0] == "0"  # "07:30" is morning
    return literal_suffix or sep == "h" or int(hour_text) >= 13 or leading_zero


_SCORE_VERB = re.compile(
    r"\b(?:won|lost|beat|drew|score[ds]?|ganamos|ganhamos|perdimos|perdemos|gewonnen|verloren|"
    r"gagné|perdu|ganó|ganhou|perdeu|empate|empatamos)\b", re.I
)


_AND_ONLY = re.compile(r"(?:\(?\s*)?(?:and|und|et|e|y)", re.I)


def _range_mention(m: re.Match[str], work: str, dates: list[DateMention]) -> TimeMention | None:
    prep, h1, s1, m1, suf1, h2, s2, m2, suf2 = m.groups()
    hour1, hour2 = int(h1), int(h2)
    min1, min2 = int(m1 or 0), int(m2 or 0)
    if hour1 > 24 or hour2 > 24 or min1 > 59 or min2 > 59:
        return None
    marked = any((s1, s2, suf1, suf2))
    if not marked and not prep and hour2 < hour1 <= 9:
        return None  # "ganamos 4 a 2", "3 à 1": a score, not hours; "now 9 to 1" is hours
    if _SCORE_VERB.search(work[max(0, m.start() - 20):m.start()]):
        return None
    start = m.start(2)
    follows_date = any(0 <= start - d.end <= 3 for d in dates)
    if not (marked or prep or follows_date):
        return None  # "3-1" and "10 to 12" alone are scores or quantities
    joined = work[m.end(2) + len(m1 or "") + (1 if s1 else 0):m.start(6)].strip(" ")
    if not (marked or prep) and _AND_ONLY.fullmatch(joined):
        return None  # "sábado e domingo (14 e 15)": two days listed; "entre 14 e 15" is hours
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
        literal = mer is None and _hour_word_is_24h(hour, bare_suffix)  # "18 Uhr"
    if hour > 24 or minute > 59 or (mer and not 1 <= hour <= 12):
        return None
    if hour == 24 and minute == 0 and not sep:
        return None  # "guardias de 24 h", "abierto 24h": a length, not midnight ("24:00" is)
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


def period_near(low: str, g: Grammar, start: int, end: int, date_mention: DateMention | None) -> str | None:
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
        # after an afternoon hour on the 24-hour clock the end is on it too: "piquet le soir
        # (18h–7h)" ends at 7 in the morning, not at 19h
        end_hour = _to_24(t.end_hour, t.end_meridiem, t.literal,
                          None if t.literal and t.meridiem is None and t.hour >= 13 else period)
        end_value = end_hour + (t.end_minute or 0) / 60
        if t.meridiem is None and t.end_meridiem == "pm" and hour < 12 and hour + 12 < end_value:
            hour += 12  # "5-7pm" is 17-19; "10-1pm" stays 10-13
        elif t.meridiem is None and t.end_meridiem == "am" and hour > 12:
            hour -= 12
        elif t.meridiem is None and t.end_meridiem is None and t.end_hour == 12 and t.hour in (10, 11) \
                and hour > 12 and period != "pm":
            # "party 10:30-12:30": a short range that ends at noon is the morning's (a party is
            # in the evening only by default; "film night 9-12", "soirée de 9 à 12" run to midnight)
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
    if period == "early" and 4 <= hour <= 7:
        return hour  # "bus leaves at 7.15": a departure's 7 is the morning's
    if period == "late" and 8 <= hour <= 10:
        return hour + 12  # "party at 8" is in the evening
    if 1 <= hour <= 7:
        return hour + 12  # nobody plans practice at 5 in the morning
    return hour
