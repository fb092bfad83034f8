"""The editable fields of a proposal: stored start/end as form values and back, validated.

Stored values are ISO dates (all-day) or ISO date-times with an offset; the form shows a day and
a wall-clock time. `original_values` is what the form would write unchanged, so that the
reviewer's edits are exactly the fields that differ from it.
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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
