"""A plan settled across quoted turns: where the conversation leaves it, not where it began.

    > Cata: ¿hacemos aseo general el sábado en la mañana?
    > Nico: el sábado me voy a la playa po, ¿domingo?
    > Cata: ya, domingo a las 10 entonces
    dale, domingo 10 👍

A message that quotes two or more turns of a conversation ("> Name: ...") and answers them
holds one plan, proposed in one turn and changed or confirmed in the later ones. Read as one
text, its days are several events, or none (each turn is a question or a short agreement). Here
each turn is read for its days and hours alone: a turn that names a day moves the plan there
(at the hour it names, else at the plan's hour: "Freitag gleiche Zeit?"); a turn with an hour
and no day gives the plan that hour ("so ab 15 Uhr"); a turn that only declines ("Donnerstag
kann ich nicht") or repeats the plan's weekday ("dänn Mittwuch") leaves it. A bare weekday
falls in the week a turn names ("one night next week?"). The plan keeps the title of the turn
that proposed it, asked or not, and the last place named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from toolkit.eventtypes import FoundEvent
from toolkit.extract.mentions import DateMention, TimeMention, find_dates, find_times, resolve_hours
from toolkit.extract.rules import Grammar
from toolkit.extract.titles import location_for_line

# A quoted turn with its writer's name: "> Cata: ...", "» Markus: ..."
_NAMED_TURN = re.compile(r"^[ \t]*(?:>|»)[ \t]*[^:\n»«>]{1,30}:", re.M)
_TURN_HEAD = re.compile(r"^[ \t]*(?:>|»)[ \t]*(?:[^:\n»«>]{1,30}:[ \t]*)?", re.M)
_QUESTION = re.compile(r"[?¿]")
# A later turn naming a day this far past the plan misread a number ("domingo 10" at 10)
_FARTHEST_CHANGE = timedelta(days=21)

Read = Callable[[str], list[FoundEvent]]
Mask = Callable[[str], str]


@dataclass
class _Turn:
    text: str
    days: list[DateMention]  # in the order said
    hour: time | None
    week: date | None = None  # the Monday of a week the turn names ("one night next week?")


def is_thread(text: str) -> bool:
    """Two or more quoted turns, each with its writer's name."""
    return len(_NAMED_TURN.findall(text)) >= 2


def settled_in_thread(events: list[FoundEvent], text: str, g: Grammar, today: date, day_first: bool,
                      country: str | None, zone: tzinfo, mask: Mask, read: Read) -> list[FoundEvent]:
    """The message's events with its conversation's plan in place of the days its turns named."""
    evening = g.evening_noun.search(text.lower()) is not None
    lines = _TURN_HEAD.sub("", text).splitlines()
    turns = [t for t in (_dated_turn(line, g, today, day_first, country, mask, evening) for line in lines)
             if t is not None]
    _place_in_named_week(turns)
    while turns and not turns[0].days:
        turns.pop(0)  # an hour before any day is said belongs to nothing yet
    if len(turns) < 2:
        return events
    (first_day, first_hour), (day, hour) = _where_it_starts_and_ends(turns, g, today)
    base = _proposal(events, lines, read)
    if base is None:
        return events
    start = datetime.combine(day, hour, tzinfo=zone) if hour else None
    settled = replace(base, start=start.isoformat() if start else day.isoformat(), end=None,
                      all_day=start is None, location=_last_place(turns, g) or base.location,
                      cancelled=False, kind="event")
    if (day, hour) != (first_day, first_hour):
        before = datetime.combine(first_day, first_hour, tzinfo=zone).isoformat() if first_hour \
            else first_day.isoformat()
        settled = replace(settled, moved=True, previous_start=before)
    others = [e for e in events if e.kind != "event"]
    return [settled, *others]


def _place_in_named_week(turns: list[_Turn]) -> None:
    """'pub quiz one night next week? / Thurs works for me': a bare weekday of a thread that
    names a week is that week's."""
    week = next((t.week for t in turns if t.week), None)
    if week is None:
        return
    for d in (d for turn in turns for d in turn.days):
        if _bare(d):
            d.day = week + timedelta(days=d.day.weekday())


def _where_it_starts_and_ends(turns: list[_Turn], g: Grammar,
                              today: date) -> tuple[tuple[date, time | None], tuple[date, time | None]]:
    """The plan's first (day, hour) and its last, turn by turn."""
    day, hour = turns[0].days[-1].day, turns[0].hour
    first = (day, hour)
    for turn in turns[1:]:
        if not turn.days:
            hour = turn.hour or hour  # "so ab 15 Uhr": the plan's hour
            continue
        # a day other than the plan's is a change ("Freitag gleiche Zeit?"); the plan's own
        # day, or its weekday said bare ("dänn Mittwuch"), confirms it or gives it an hour
        changes = [d.day for d in turn.days if d.day != day
                   and not (_bare(d) and d.day.weekday() == day.weekday())
                   and today <= d.day <= day + _FARTHEST_CHANGE]
        if not changes and g.decline.search(turn.text.lower()):
            continue  # "Donnerstag kann ich nicht": the plan stands, changed by nobody yet
        day, hour = (changes[-1] if changes else day), turn.hour or hour
    return first, (day, hour)


def _dated_turn(line: str, g: Grammar, today: date, day_first: bool, country: str | None,
                mask: Mask, evening: bool) -> _Turn | None:
    """The days a turn names and its last hour; a turn with an hour and no day ("so ab 15 Uhr
    an der Badestelle") gives the plan its hour."""
    work = mask(line)
    found = find_dates(work, g, today, day_first, country)
    dates = sorted((d for d in found if d.last is None), key=lambda d: d.start)
    week = next((d.week_start for d in found if d.kind == "week" and d.week_start), None)
    times = find_times(work, g, dates)
    if not dates and not times and week is None:
        return None
    return _Turn(line, dates, _hour(times[-1], evening) if times else None, week)


def _bare(d: DateMention) -> bool:
    return d.kind == "weekday" and d.bare


def _hour(t: TimeMention, evening_plan: bool) -> time:
    """An hour as a chat writes it: "20h", "19:30", "half 7" (evening), and up to 11 in the
    evening when the plan is an evening's ("cena ... a las 9", "pub quiz ... Thursday 8")."""
    bare = t.meridiem is None and not t.literal
    evening = bare and (1 <= t.hour <= 7 or (evening_plan and t.hour <= 11))
    hour, _ = resolve_hours(t, "pm" if evening else None)
    return hour


def _proposal(events: list[FoundEvent], lines: list[str], read: Read) -> FoundEvent | None:
    """What the plan is: the first turn's event as that turn alone reads it (asked or not:
    "pub quiz at the Feathers one night next week?"), else the first of any later turn, else
    the first the whole message reads."""
    for line in lines:
        for said in (line, _QUESTION.sub(" ", line)):
            found = [e for e in read(said) if not e.cancelled and e.kind == "event"]
            if found:
                return found[0]
    return next((e for e in events if not e.cancelled and e.kind == "event"), None)


def _last_place(turns: list[_Turn], g: Grammar) -> str | None:
    """The place the conversation names last ("ok dann Freitag 20 Uhr in der Küche")."""
    places = [place for turn in turns if (place := location_for_line(g, turn.text))]
    return places[-1] if places else None
