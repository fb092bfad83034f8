"""A plan settled across quoted turns: where the conversation leaves it, not where it began.

    > Cata: ¿hacemos aseo general el sábado en la mañana?
    > Nico: el sábado me voy a la playa po, ¿domingo?
    > Cata: ya, domingo a las 10 entonces
    dale, domingo 10 👍

A message that quotes two or more turns of a conversation ("> Name: ...") and answers them
holds one plan, proposed in one turn and changed or confirmed in the later ones. Read as one
text, its days are several events, or none (each turn is a question or a short agreement). Here
each turn is read for its days and hours alone: a turn that names a day moves the plan there
(at the hour it names, else at the plan's hour: "Freitag gleiche Zeit?"); a turn that only
declines ("Donnerstag kann ich nicht") or repeats the plan's weekday ("dänn Mittwuch")
leaves it. The plan keeps the title of the turn that proposed it and the last place named.
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
# A later turn naming a day this far past the plan misread a number ("domingo 10" at 10)
_FARTHEST_CHANGE = timedelta(days=21)

Read = Callable[[str], list[FoundEvent]]
Mask = Callable[[str], str]


@dataclass
class _Turn:
    text: str
    days: list[DateMention]  # in the order said
    hour: time | None


def is_thread(text: str) -> bool:
    """Two or more quoted turns, each with its writer's name."""
    return len(_NAMED_TURN.findall(text)) >= 2


def settled_in_thread(events: list[FoundEvent], text: str, g: Grammar, today: date, day_first: bool,
                      country: str | None, zone: tzinfo, mask: Mask, read: Read) -> list[FoundEvent]:
    """The message's events with its conversation's plan in place of the days its turns named."""
    turns = [t for t in (_dated_turn(line, g, today, day_first, country, mask)
                         for line in _TURN_HEAD.sub("", text).splitlines()) if t is not None]
    if len(turns) < 2:
        return events
    day, hour = turns[0].days[-1].day, turns[0].hour
    first_day, first_hour = day, hour
    for turn in turns[1:]:
        # a day other than the plan's is a change ("Freitag gleiche Zeit?"); the plan's own
        # day, or its weekday said bare ("dänn Mittwuch"), confirms it or gives it an hour
        changes = [d.day for d in turn.days if d.day != day
                   and not (_bare(d) and d.day.weekday() == day.weekday())
                   and today <= d.day <= day + _FARTHEST_CHANGE]
        if not changes and g.decline.search(turn.text.lower()):
            continue  # "Donnerstag kann ich nicht": the plan stands, changed by nobody yet
        day, hour = (changes[-1] if changes else day), turn.hour or hour
    base = _proposal(events, turns, read)
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


def _dated_turn(line: str, g: Grammar, today: date, day_first: bool, country: str | None,
                mask: Mask) -> _Turn | None:
    """The days a turn names, and its last hour."""
    work = mask(line)
    dates = sorted((d for d in find_dates(work, g, today, day_first, country) if d.last is None),
                   key=lambda d: d.start)
    if not dates:
        return None
    times = find_times(work, g, dates)
    return _Turn(line, dates, _hour(times[-1]) if times else None)


def _bare(d: DateMention) -> bool:
    return d.kind == "weekday" and d.bare


def _hour(t: TimeMention) -> time:
    """An hour as a chat writes it: "20h", "19:30", "à 8" (evening), "half 7" (evening)."""
    evening = t.meridiem is None and not t.literal and 1 <= t.hour <= 7
    hour, _ = resolve_hours(t, "pm" if evening else None)
    return hour


def _proposal(events: list[FoundEvent], turns: list[_Turn], read: Read) -> FoundEvent | None:
    """What the plan is: the first turn's event as that turn alone reads it, else the first of
    any turn, else the first the whole message reads."""
    for turn in turns:
        found = [e for e in read(turn.text) if not e.cancelled and e.kind == "event"]
        if found:
            return found[0]
    return next((e for e in events if not e.cancelled and e.kind == "event"), None)


def _last_place(turns: list[_Turn], g: Grammar) -> str | None:
    """The place the conversation names last ("ok dann Freitag 20 Uhr in der Küche")."""
    places = [place for turn in turns if (place := location_for_line(g, turn.text))]
    return places[-1] if places else None
