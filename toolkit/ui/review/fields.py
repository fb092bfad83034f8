"""The editable fields of a proposal: stored start/end as form values and back, validated.

Stored values are ISO dates (all-day) or ISO date-times with an offset; the form shows a day and
a wall-clock time as text a person types ("Sat 5 Dec 2026", "14:30" or "2:30pm"): plain text
fields keep Tab moving from field to field, where the browser's date and time pickers trap it in
their segments. `original_values` is what the form would write unchanged, so that the
reviewer's edits are exactly the fields that differ from it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
WEEKDAYS = {name: number for number, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
    ("sun", "sunday"))) for name in names}
DAY_EXAMPLE = "like 5 Dec 2026, Sat 5 Dec or 2026-12-05"
TIME_EXAMPLE = "like 14:30, 2:30pm or 9am"
CLOCK = re.compile(r"^(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def day_text(day: date | None) -> str:
    """A day as the form shows it: 'Sat 5 Dec 2026' (the weekday makes a wrong day obvious)."""
    return f"{day:%a} {day.day} {day:%b %Y}" if day else ""


def clock_text(clock: clock_time | None) -> str:
    return f"{clock:%H:%M}" if clock else ""


def parse_day_text(text: str, *, near: date | None = None) -> date | None:
    """A typed day: ISO, '5 Dec 2026', 'Dec 5', 'Sat 5 Dec', '5/12/2026' (day first); None if empty.

    A missing year is the one of `near` (the day the field held). A weekday that does not match
    the date is an error, so a slip of one day never goes unnoticed.
    """
    value = text.strip().lower().replace(",", " ")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    words = re.findall(r"[a-z]+|\d+", value)
    weekday = WEEKDAYS.get(words[0]) if words else None
    if weekday is not None:
        words = words[1:]
    numbers = [int(w) for w in words if w.isdigit()]
    months = [MONTHS[w] for w in words if w in MONTHS]
    others = [w for w in words if not w.isdigit() and w not in MONTHS
              and w not in ("st", "nd", "rd", "th", "of")]
    if others or len(months) > 1:
        raise ValueError(f"cannot read {text.strip()!r} as a day; write it {DAY_EXAMPLE}")
    if months:
        month, rest = months[0], numbers
    elif len(numbers) == 3 and numbers[0] > 31:  # 2026/12/05
        month, rest = numbers[1], [numbers[2], numbers[0]]
    elif len(numbers) in (2, 3):
        month, rest = numbers[1], [numbers[0], *numbers[2:]]
    else:
        raise ValueError(f"cannot read {text.strip()!r} as a day; write it {DAY_EXAMPLE}")
    if not 1 <= len(rest) <= 2:
        raise ValueError(f"cannot read {text.strip()!r} as a day; write it {DAY_EXAMPLE}")
    day_number = rest[0]
    year = rest[1] if len(rest) == 2 else (near or date.today()).year
    year = year + 2000 if year < 100 else year
    try:
        found = date(year, month, day_number)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a day of the calendar") from None
    if weekday is not None and found.weekday() != weekday:
        raise ValueError(f"{day_text(found)} is a {found:%A}, not a "
                         f"{date(2024, 1, 1 + weekday):%A}; check the day")
    return found


def parse_clock_text(text: str) -> clock_time | None:
    """A typed time: '14:30', '14.30', '14h30', '1430', '2pm', '2:30 pm'; None if empty."""
    value = text.strip().lower().replace(" ", "")
    if not value:
        return None
    if value in ("noon", "midday"):
        return clock_time(12, 0)
    if value == "midnight":
        return clock_time(0, 0)
    if re.fullmatch(r"\d{3,4}", value):
        value = f"{value[:-2]}:{value[-2:]}"
    found = CLOCK.match(value)
    if not found:
        raise ValueError(f"cannot read {text.strip()!r} as a time; write it {TIME_EXAMPLE}")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    half = (found.group(3) or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text.strip()!r}: with am or pm the hour is 1 to 12")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{text.strip()!r} is not a time of day; write it {TIME_EXAMPLE}")
    return clock_time(hour, minute)


def split_when(value: str | None) -> tuple[date | None, clock_time | None]:
    """A stored start/end as (day, wall-clock time as written); a date alone is all-day."""
    if not value:
        return None, None
    if len(value) == 10:
        return date.fromisoformat(value), None
    moment = datetime.fromisoformat(value)
    return moment.date(), moment.time().replace(microsecond=0)


def join_when(day: date | None, clock: clock_time | None, *, all_day: bool, zone: str | None,
              reference: str | None) -> str | None:
    """Form values back to the stored form: a date, or ISO with the offset of the event's zone.

    The zone is the proposal's IANA zone; without one, the offset the value was written with.
    """
    if day is None:
        return None
    if all_day:
        return day.isoformat()
    if clock is None:
        raise ValueError("a time is needed unless the event is all-day")
    naive = datetime.combine(day, clock.replace(tzinfo=None, microsecond=0))
    tzinfo: Any = None
    if zone:
        try:
            tzinfo = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            tzinfo = None
    if tzinfo is None and reference and len(reference) > 10:
        tzinfo = datetime.fromisoformat(reference).tzinfo
    if tzinfo is None:
        tzinfo = ZoneInfo("UTC")
    return naive.replace(tzinfo=tzinfo).isoformat(timespec="seconds")


def instant(value: str) -> datetime:
    """A stored start/end as a naive UTC moment, so starts and ends of any offset compare."""
    if len(value) == 10:
        return datetime.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=None) if moment.tzinfo is None else \
        moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def form_values(p: dict[str, Any], *, title: str, all_day: bool, start_day: date | None,
                start_clock: clock_time | None, end_day: date | None,
                end_clock: clock_time | None, location: str) -> dict[str, Any]:
    """The form of proposal `p` as stored values; ValueError with a message a person can act on."""
    title = title.strip()
    if not title:
        raise ValueError("The title must not be empty.")
    all_day = bool(all_day)
    if start_day is None:
        raise ValueError("The start needs a day.")
    if not all_day and start_clock is None:
        raise ValueError("The start needs a time (or tick All day).")
    start = join_when(start_day, start_clock, all_day=all_day,
                      zone=p.get("tz"), reference=p["start"])
    end = None
    if end_day is not None:
        if not all_day and end_clock is None:
            raise ValueError("The end needs a time, or clear its day.")
        end = join_when(end_day, end_clock, all_day=all_day, zone=p.get("tz"),
                        reference=p.get("end") or p["start"])
    if end is not None and start is not None and instant(end) < instant(start):
        raise ValueError("The end is before the start.")
    return {"title": title, "start": start, "end": end, "all_day": all_day,
            "location": location.strip() or None}


def original_values(p: dict[str, Any]) -> dict[str, Any]:
    """Proposal `p` as the form would write it unchanged (so formatting is not a change)."""
    all_day = bool(p["all_day"])
    start_day, start_clock = split_when(p["start"])
    end_day, end_clock = split_when(p.get("end"))
    return {
        "title": (p["title"] or "").strip(),
        "start": join_when(start_day, start_clock, all_day=all_day, zone=p.get("tz"),
                           reference=p["start"]) if start_clock or all_day else p["start"],
        "end": join_when(end_day, end_clock, all_day=all_day, zone=p.get("tz"),
                         reference=p.get("end")) if p.get("end") and (end_clock or all_day)
        else p.get("end"),
        "all_day": all_day,
        "location": (p.get("location") or "").strip() or None,
    }


def changed_fields(values: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """The fields of `values` that differ from `original`."""
    return {name: value for name, value in values.items() if value != original[name]}
