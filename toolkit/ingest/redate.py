"""Fixing a chat's stored times in place: a wrong day/month order, or a zone given later.

**Date order.** An export whose dates never pass 12 cannot say whether it is day/month or
month/day, and the parser guesses. When a later import knows better (`--date-order mdy`, or an
export of the same chat whose own dates decide), the rows of every guessed export of that chat
are read again in the right order, in place: each stored date gives back the fields as
written (the order it was read in says which was which), and those fields are read in the
right order. An export whose dates would not all be valid dates in the new order keeps its
reading (its dates decided it). Nothing is added: the re-dated rows are the same messages, and
the export imported next finds them as such.

**Zone.** `--tz` for a known chat recomputes the UTC time of its rows from their local times.

Both run in small transactions (a reviewer never waits long behind them) and are resumable:
a re-dating records how far it got in `chat_redates`, a re-timing in the cursor
`retime:chat:<id>`, and the next import finishes what a crash interrupted before anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from toolkit.ingest.whatsapp import day_from_fields
from toolkit.store import db, history, messages

REDATE_BATCH = 5000
RETIME_PREFIX = "retime:chat:"


@dataclass
class RedateReport:
    """What re-dating one chat did."""

    exports: list[str] = field(default_factory=list)  # re-read in the new order
    kept: list[str] = field(default_factory=list)  # their dates only read one way
    messages: int = 0


class UtcConverter:
    """Local wall time of the export ("YYYY-MM-DDTHH:MM:SS") -> UTC, cached per local hour
    (offsets change only on the hour in practice). A zone whose offset is not a whole number of
    hours (India, Nepal, Newfoundland, central Australia) is cached too: within a local hour the
    UTC minute is the local one less the offset's minutes, in one of two UTC hours."""

    def __init__(self, tz: str):
        self.zone = ZoneInfo(tz)
        self.cache: dict[str, str | None] = {}
        self.split: dict[str, tuple[int, str, str] | None] = {}  # hours of a part-hour offset

    def __call__(self, sent_at: str) -> str:
        prefix = self.cache.get(sent_at[:13], "")
        if prefix:
            return f"{prefix}{sent_at[13:]}+00:00"
        if prefix == "":
            prefix = self.cache[sent_at[:13]] = self._hour_prefix(sent_at[:13])
            if prefix:
                return f"{prefix}{sent_at[13:]}+00:00"
        return self._part_hour(sent_at)

    def _hour_offset(self, hour_key: str) -> tuple[datetime, timedelta] | None:
        """The local hour's start and its one offset, or None when the offset changes inside it
        (Lord Howe moves its clocks at 2:00 by half an hour, the Chathams at 2:45)."""
        local = datetime.fromisoformat(f"{hour_key}:00:00").replace(tzinfo=self.zone)
        offset = local.utcoffset() or timedelta(0)
        if (local + timedelta(minutes=59, seconds=59)).utcoffset() != offset:
            return None
        return local, offset

    def _hour_prefix(self, hour_key: str) -> str | None:
        found = self._hour_offset(hour_key)
        if found is None or found[1].total_seconds() % 3600:
            return None
        local, offset = found
        utc = local.replace(tzinfo=None) - offset
        return utc.isoformat()[:13]

    def _exact(self, sent_at: str) -> str:
        local = datetime.fromisoformat(sent_at).replace(tzinfo=self.zone)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None).isoformat() + "+00:00"

    def _part_hour(self, sent_at: str) -> str:
        """UTC for a local time whose hour's offset has minutes ('+05:30', '-03:30')."""
        key = sent_at[:13]
        if key not in self.split:
            self.split[key] = self._hour_split(key)
        split = self.split[key]
        if split is None:
            return self._exact(sent_at)
        minutes, same_hour, hour_before = split
        minute = int(sent_at[14:16])
        if minute >= minutes:
            return f"{same_hour}:{minute - minutes:02d}{sent_at[16:]}+00:00"
        return f"{hour_before}:{minute - minutes + 60:02d}{sent_at[16:]}+00:00"

    def _hour_split(self, hour_key: str) -> tuple[int, str, str] | None:
        """The offset's minutes past its whole hours, and the two UTC hours a local hour spans."""
        found = self._hour_offset(hour_key)
        if found is None:
            return None
        local, offset = found
        hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
        same_hour = local.replace(tzinfo=None) - timedelta(hours=hours)
        return minutes, same_hour.isoformat()[:13], (same_hour - timedelta(hours=1)).isoformat()[:13]


def chat_converter(conn: db.Connection, default_tz: str) -> Callable[[int], Callable[[str], str]]:
    """For the re-dating and re-timing jobs: a chat id -> its local-to-UTC converter."""
    def of(chat_id: int) -> UtcConverter:
        return UtcConverter(messages.chat_zone(conn, chat_id) or default_tz)
    return of


def written_fields(iso_day: str, order: str) -> tuple[int, int, int]:
    """The three date fields as the export wrote them, from a date read in `order`.

    Years in this century are taken as written with two digits: that is how an export whose
    order can be misread writes them (a four-digit year is never a day or a month).
    """
    year, month, day = int(iso_day[:4]), int(iso_day[5:7]), int(iso_day[8:10])
    short = year - 2000 if 2000 <= year < 2100 else year
    if order == "dmy":
        return day, month, short
    if order == "mdy":
        return month, day, short
    return short, month, day


def reread_day(iso_day: str, from_order: str, to_order: str) -> str | None:
    """The date `iso_day` (read in `from_order`) as `to_order` reads the same text; None
    when that is no date."""
    day = day_from_fields(written_fields(iso_day, from_order), to_order)
    return day.isoformat() if day else None


def redate_plan(conn: db.Connection, chat_id: int, to_order: str,
                explicit: bool) -> RedateReport:
    """Start a re-dating of each of the chat's exports that was read in another order by a
    guess (and, when the order is `explicit`, of those imported before exports were
    recorded), if all its dates read validly in `to_order`."""
    report = RedateReport()
    for export in history.exports_of(conn, chat_id):
        from_order, decisive = export["date_order"], export["order_decisive"]
        if from_order == to_order or decisive == 1 or (decisive is None and not explicit):
            continue
        source = export["source_file"]
        days = history.export_dates(conn, chat_id, source)
        if not days or any(reread_day(day, from_order, to_order) is None for day in days):
            report.kept.append(source)
            continue
        with db.transaction(conn):
            history.start_redate(conn, chat_id, source, from_order, to_order)
        report.exports.append(source)
    return report


def run_redates(conn: db.Connection, to_utc_of: Callable[[int], Callable[[str], str]],
                chat_id: int | None = None) -> int:
    """Finish every re-dating under way (of one chat, or all); returns the rows re-dated.

    `to_utc_of(chat_id)` converts a local time of that chat to UTC."""
    done = 0
    for job in history.redates(conn, chat_id):
        to_utc = to_utc_of(int(job["chat_id"]))
        after = int(job["after_id"])
        while True:
            with db.transaction(conn):
                rows = history.redate_rows(conn, job["chat_id"], job["source_file"], after,
                                           REDATE_BATCH)
                if not rows:
                    history.set_export_order(conn, job["chat_id"], job["source_file"],
                                             job["to_order"])
                    history.finish_redate(conn, job["chat_id"], job["source_file"])
                    break
                changes = []
                for message_id, sent_at in rows:
                    day = reread_day(sent_at[:10], job["from_order"], job["to_order"])
                    local = f"{day}{sent_at[10:]}" if day else sent_at
                    changes.append((local, to_utc(local), message_id))
                history.redate_messages(conn, changes)
                after = int(rows[-1]["id"])
                history.advance_redate(conn, job["chat_id"], job["source_file"], after)
                done += len(rows)
    return done


def start_retime(conn: db.Connection, chat_id: int, tz: str) -> None:
    """Give the chat a new zone and mark its rows for re-timing (done by `run_retimes`)."""
    with db.transaction(conn):
        messages.set_chat_tz(conn, chat_id, tz)
        db.set_cursor(conn, f"{RETIME_PREFIX}{chat_id}", 0)


def run_retimes(conn: db.Connection, to_utc_of: Callable[[int], Callable[[str], str]],
                chat_id: int | None = None) -> int:
    """Finish every re-timing under way (of one chat, or all); returns the rows re-timed."""
    done = 0
    for name, after in messages.cursors_with_prefix(conn, RETIME_PREFIX):
        job_chat = int(name[len(RETIME_PREFIX):])
        if chat_id is not None and job_chat != chat_id:
            continue
        to_utc = to_utc_of(job_chat)
        while True:
            with db.transaction(conn):
                rows = messages.chat_times_after(conn, job_chat, after, REDATE_BATCH)
                if not rows:
                    messages.drop_cursor(conn, name)
                    break
                messages.set_utc_times(conn, [(to_utc(sent_at), message_id)
                                              for message_id, sent_at in rows])
                after = int(rows[-1][0])
                db.set_cursor(conn, name, after)
                done += len(rows)
    return done
