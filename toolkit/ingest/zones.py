"""Which time zone a chat's export is written in, and where that answer came from.

WhatsApp writes local wall times with no zone. The times are the exporting phone's clock, so
the best witnesses are, in order:

1. **given**: `--tz` at ingest, `chatbook chats set-tz`, a run's `tz` parameter. Never overridden.
2. **phones**: the authors the export names by number (people not in the exporter's contacts,
   written `+34 612 ...`) live somewhere, and a group's members mostly live where it meets.
   Each distinct number is one vote for its country; a country needs a strict majority of at
   least two numbers. Inside the country, `phonenumbers` maps area codes to zones: this
   machine's zone wins if the numbers allow it (a Spanish mobile allows Madrid and the
   Canaries; the machine is the best witness of the exporting phone), then a strict majority
   of the numbers whose area code names a single zone, then any
   zone when the candidates keep the same clocks over the chat's dates (London, Jersey,
   Guernsey), then the zone most of the country lives in where one does (Spain: Madrid, not
   the Canaries). Otherwise the numbers are ambiguous (US numbers from two coasts) and say so.
3. **machine**: this machine's zone (`TZ`, /etc/localtime, /etc/timezone) or CHATBOOK_TZ:
   the exports are yours, made on a phone that is usually where this computer is.
4. **locale**: the export's language, only when the machine's zone is a bare UTC (servers,
   containers) and every country where that language is the majority's official one keeps the
   same clocks: German (DE, AT, CH, LI, LU) decides Europe/Berlin; Spanish, English, French and
   Portuguese span oceans and decide nothing. A language tells what the phone speaks, not
   where it is, which is why it ranks below a real machine zone.
5. **machine** again, UTC included, with a note saying nothing better was known.

A chat's zone is settled at every import: a given zone is kept; an inferred one may improve
as more numbers arrive, but is never replaced by weaker evidence or by this machine's zone of
the day (a laptop travels, the chat does not). When it changes, the chat's messages are re-timed in place; its
proposals follow at the next `chatbook extract` (or at once with `chats set-tz`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.config import Settings
from toolkit.errors import InputError
from toolkit.store import chats, db, messages

MIN_NUMBERS = 2  # one stranger's number says where that person lives, not the group
# Names a machine has when nobody set its zone (servers, containers, CI): no place at all.
GENERIC_UTC = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal",
                         "Etc/Zulu", "Zulu", "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0",
                         "Etc/GMT-0", "GMT0", "GMT+0", "GMT-0", "Etc/Greenwich", "Greenwich"})
# Countries whose zones differ but where one holds the great majority of the people, so a
# number that names no area (a mobile) most likely lives there: Spain's Canaries hold under
# 5 %, Portugal's Azores 2 %, Ecuador's Galapagos, Chile's Easter Island, New Zealand's
# Chatham Islands, China's Xinjiang clock, Ukraine's Crimea, Papua New Guinea's Bougainville
# and Mongolia's west far less than half. Countries without one (US, CA, MX, BR, RU, AU, ID)
# are left ambiguous rather than guessed.
PRINCIPAL_ZONES = {
    "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "EC": "America/Guayaquil",
    "CL": "America/Santiago", "NZ": "Pacific/Auckland", "CN": "Asia/Shanghai",
    "UA": "Europe/Kyiv", "PG": "Pacific/Port_Moresby", "MN": "Asia/Ulaanbaatar",
}
OFFICIAL = ("official", "de_facto_official")
# Bidirectional and other format marks WhatsApp wraps numbers in ("\u202a+34 612 ...\u202c").
_FORMAT_MARKS = dict.fromkeys(
    c for c in range(0x2000, 0x2070) if unicodedata.category(chr(c)) == "Cf"
)
_NUMBER = re.compile(r"^\+\d[\d\s().\-]{5,}\d$")


@dataclass(frozen=True)
class ZoneChoice:
    """A chat's zone, where it came from (given / phones / locale / machine) and why."""

    tz: str
    source: str
    note: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def describe(self) -> str:
        return f"{self.tz} ({self.source}: {self.note})"


@dataclass(frozen=True)
class Verdict:
    """What one kind of evidence says: a zone, or None and the reason it cannot tell."""

    tz: str | None
    note: str


# ---------------------------------------------------------------------------- zone tables


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """Country code -> its zones, from the tz database's own zone.tab (shipped by `tzdata`)."""
    table: dict[str, list[str]] = {}
    text = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        for code in fields[0].split(","):
            table.setdefault(code, []).append(fields[2])
    return {code: tuple(zones) for code, zones in table.items()}


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def same_clocks(zones: Iterable[str], first: datetime, last: datetime) -> bool:
    """Whether the zones show the same local time at every instant from `first` to `last`
    (checked at every day's noon UTC: clock changes fall on weekends, days apart or not at all)."""
    infos = [ZoneInfo(name) for name in dict.fromkeys(zones)]
    if len(infos) < 2:
        return True
    moment = first
    while moment <= last:
        offsets = {moment.astimezone(info).utcoffset() for info in infos}
        if len(offsets) > 1:
            return False
        moment += timedelta(days=1)
    return True


def checked_span(first: str | None, last: str | None) -> tuple[datetime, datetime]:
    """The instants the chat's times (and the events they announce) fall in: its messages'
    span and a year after, or a year either side of today without messages."""
    now = datetime.now(UTC)
    start = parse_local(first) or now - timedelta(days=366)
    end = parse_local(last) or now
    return start, end + timedelta(days=366)


def parse_local(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    moment = moment.replace(hour=12, minute=0, second=0, microsecond=0)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------- phones


@dataclass(frozen=True)
class Number:
    """One author's number: its country and the zones its area code allows."""

    author: str
    country: str
    zones: tuple[str, ...]


def plain_author(author: str) -> str:
    return author.translate(_FORMAT_MARKS).replace("\u00a0", " ").strip()


def number_of(author: str) -> Number | None:
    """The author as a phone number with a country code, or None (a name, a local number)."""
    text = plain_author(author)
    if not _NUMBER.match(text):
        return None
    import phonenumbers
    from phonenumbers import timezone as number_zones

    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    country = (phonenumbers.region_code_for_number(parsed)
               or phonenumbers.region_code_for_country_code(parsed.country_code or 0))
    if not country or country == "ZZ":
        return None
    zones: tuple[str, ...] = ()
    if phonenumbers.is_valid_number(parsed):
        zones = tuple(z for z in number_zones.time_zones_for_number(parsed) if known_zone(z))
    # A number outside the published ranges (or one with no area) still says its country.
    return Number(author, country, zones or country_zones().get(country, ()))


def numbers_of(authors: Iterable[str]) -> list[Number]:
    """One Number per distinct author written as an international number."""
    found = {}
    for author in authors:
        number = number_of(author)
        if number is not None:
            found[plain_author(author)] = number
    return list(found.values())


def zone_from_phones(authors: Sequence[str], machine_tz: str, first: datetime,
                     last: datetime) -> Verdict:
    """The zone the authors' numbers point to (see the module docstring), or why none."""
    try:
        numbers = numbers_of(authors)
    except ImportError:
        return Verdict(None, "phone numbers not read: install chatbook[extract] (phonenumbers)")
    if len(numbers) < MIN_NUMBERS:
        count = "no author is" if not numbers else "only one author is"
        return Verdict(None, f"{count} written as an international phone number")
    countries = Counter(number.country for number in numbers)
    country, votes = countries.most_common(1)[0]
    if votes * 2 <= len(numbers):
        mix = ", ".join(f"{code} {n}" for code, n in countries.most_common())
        return Verdict(None, f"numbers from several countries ({mix}), none a majority")
    members = [number for number in numbers if number.country == country]
    head = f"{votes} of {len(numbers)} numbers from {country}"
    return zone_in_country(country, members, machine_tz, first, last, head)


def zone_in_country(country: str, members: list[Number], machine_tz: str, first: datetime,
                    last: datetime, head: str) -> Verdict:
    """Which of the country's zones its numbers are in."""
    candidates = list(dict.fromkeys(
        zone for number in members for zone in number.zones
    )) or list(country_zones().get(country, ()))
    if not candidates:
        return Verdict(None, f"{head}, a country with no zone on record")
    if machine_tz in candidates:
        return Verdict(machine_tz, f"{head}; this machine's zone is one of its zones")
    single = Counter(number.zones[0] for number in members if len(number.zones) == 1)
    if single:
        zone, n = single.most_common(1)[0]
        if n * 2 > sum(single.values()):
            return Verdict(zone, f"{head}; {n} of them numbered in {zone}")
    if same_clocks(candidates, first, last):
        principal = PRINCIPAL_ZONES.get(country)
        return Verdict(principal if principal in candidates else candidates[0],
                       f"{head}, whose zones keep the same clocks")
    principal = PRINCIPAL_ZONES.get(country)
    if principal in candidates:
        return Verdict(principal, f"{head}; most of {country} lives in {principal}")
    spread = ", ".join(f"{zone} {n}" for zone, n in single.most_common()) or ", ".join(candidates[:4])
    return Verdict(None, f"{head}, but {country} has several zones ({spread})")


# ---------------------------------------------------------------------------- locale


def zone_from_locale(locale: str | None, first: datetime, last: datetime) -> Verdict:
    """The zone the export's language implies, when every country where it is the majority's
    official language keeps the same clocks; the region part of a locale is not used, as the
    parser guesses it from the date order (dmy English is not only British)."""
    lang = (locale or "").replace("_", "-").split("-")[0].lower()
    if not lang:
        return Verdict(None, "the export's language is unknown")
    try:
        from babel.core import get_global
    except ImportError:
        return Verdict(None, "the export's language not read: install chatbook[extract] (babel)")
    territories = sorted(
        code for code, langs in get_global("territory_languages").items()
        if (info := langs.get(lang)) and info.get("official_status") in OFFICIAL
        and float(info.get("population_percent") or 0) >= 50
    )
    zones = [zone for code in territories for zone in country_zones().get(code, ())]
    if not zones:
        return Verdict(None, f"no country has {lang!r} as its majority's language")
    if not same_clocks(zones, first, last):
        return Verdict(None, f"{lang!r} is spoken in zones with different clocks "
                             f"({', '.join(territories[:6])}{'...' if len(territories) > 6 else ''})")
    home = str(get_global("likely_subtags").get(lang, "")).rsplit("_", 1)[-1]
    zone = next(iter(country_zones().get(home, ())), zones[0])
    return Verdict(zone if zone in zones else zones[0],
                   f"the export is in {lang!r}, spoken as a majority language only where clocks "
                   f"match {zone if zone in zones else zones[0]} ({', '.join(territories)})")


# ---------------------------------------------------------------------------- the choice


def infer_zone(authors: Sequence[str], locale: str | None, default_tz: str, default_note: str,
               first: str | None = None, last: str | None = None) -> ZoneChoice:
    """A chat's zone from its authors and locale, else the default (see the module docstring)."""
    start, end = checked_span(first, last)
    phones = zone_from_phones(authors, default_tz, start, end)
    if phones.tz:
        return ZoneChoice(phones.tz, "phones", phones.note)
    default = ZoneChoice(default_tz, "machine", f"{default_note}; phones: {phones.note}")
    if default_tz not in GENERIC_UTC or default_note == "CHATBOOK_TZ":
        return default
    spoken = zone_from_locale(locale, start, end)
    if spoken.tz:
        return ZoneChoice(spoken.tz, "locale", f"{spoken.note}; phones: {phones.note}")
    return ZoneChoice(default_tz, "machine",
                      f"{default_note}; phones: {phones.note}; locale: {spoken.note}")


def settle_chat_zone(settings: Settings, conn: db.Connection, chat_id: int,
                     given: str | None = None) -> ZoneChoice:
    """Decide and record the chat's zone after an import, inside the caller's transaction.

    A zone given now or before is kept; otherwise it is inferred from everything imported so
    far. When the zone changes, the chat's messages are re-timed in place.
    """
    row = chats.chat_row(conn, chat_id)
    if row is None:
        raise InputError(f"no chat with id {chat_id}")
    if given:
        choice = ZoneChoice(given, "given", "--tz at import")
    elif row["tz_source"] == "given" and row["tz"]:
        choice = ZoneChoice(row["tz"], "given", row["tz_note"] or "given")
    else:
        first, last = chats.span(conn, chat_id)
        choice = infer_zone(chats.authors(conn, chat_id), row["locale"], settings.default_tz,
                            settings.default_tz_note, first, last)
        if not improves(choice, row):
            return ZoneChoice(row["tz"], row["tz_source"], row["tz_note"] or "")
    apply_zone(conn, row, choice)
    return choice


# Evidence ranks: a later import may replace a zone only with one of the same or better rank.
RANKS = {"machine": 0, "locale": 1, "phones": 2, "given": 3}


def improves(choice: ZoneChoice, row: dict[str, Any]) -> bool:
    """Whether an inferred zone should replace the recorded one.

    More numbers may sharpen what the phones said, and phones or a language outrank the
    machine; but the machine's zone never replaces one recorded before (the laptop travelled,
    the chat did not), and weaker or ambiguous evidence never undoes stronger evidence.
    """
    recorded = row["tz_source"]
    if recorded is None or not row["tz"]:
        return True  # unrecorded: imported before zones had sources
    if choice.source == "machine":
        return False
    return RANKS[choice.source] >= RANKS.get(recorded, 0)


def apply_zone(conn: db.Connection, row: dict[str, Any], choice: ZoneChoice) -> int:
    """Record the choice; re-time the chat's messages when the zone changed. Returns how many
    messages were re-timed."""
    chats.record_zone(conn, int(row["id"]), choice.tz, choice.source, choice.note)
    if row["tz"] == choice.tz:
        return 0
    return retime_messages(conn, int(row["id"]), choice.tz)


def retime_messages(conn: db.Connection, chat_id: int, tz: str) -> int:
    """Recompute the UTC time of every message of the chat from its local time in `tz`."""
    converter = LocalToUtc(tz)
    messages.retime_messages(conn, chat_id, converter, 5000)
    return converter.calls


class LocalToUtc:
    """A local wall time (ISO, no offset) in a zone -> the UTC instant as stored."""

    def __init__(self, tz: str):
        self.zone = ZoneInfo(tz)
        self.calls = 0

    def __call__(self, sent_at: str) -> str:
        self.calls += 1
        local = datetime.fromisoformat(sent_at)
        if local.tzinfo is None:
            local = local.replace(tzinfo=self.zone)
        return local.astimezone(UTC).replace(tzinfo=None).isoformat() + "+00:00"


# ---------------------------------------------------------------------------- chats, for people


def set_zone(conn: db.Connection, chat: str, tz: str, note: str) -> tuple[dict[str, Any], int]:
    """Give the chat named `chat` the zone `tz` (source: given), inside the caller's
    transaction; returns its row as it was and how many messages were re-timed."""
    check_zone(tz)
    chat_id = chats.chat_id_named(conn, chat)
    if chat_id is None:
        names = ", ".join(messages.chat_names(conn)[:10]) or "none yet"
        raise InputError(f"no chat named {chat!r} (chats: {names})")
    row = chats.chat_row(conn, chat_id)
    assert row is not None
    return row, apply_zone(conn, row, ZoneChoice(tz, "given", note))


def check_zone(tz: str) -> str:
    if not known_zone(tz):
        raise InputError(f"unknown time zone {tz!r} (use an IANA name like Europe/Madrid)")
    return tz


def list_chats(conn: db.Connection) -> list[dict[str, Any]]:
    """Every chat with its messages, span, zone, where the zone came from, and language."""
    rows = chats.listing(conn)
    for row in rows:
        row["language"] = (row.pop("lang") or detected_language(conn, int(row["id"]))
                           or language_of(row["locale"]))
        row["tz_source"] = row["tz_source"] or "unrecorded"
    return rows


def language_of(locale: str | None) -> str | None:
    """The language part of a locale ('en-GB' -> 'en')."""
    return (locale or "").replace("_", "-").split("-")[0].lower() or None


def detected_language(conn: db.Connection, chat_id: int) -> str | None:
    """The language most of the chat's recent messages are written in (None without lingua)."""
    texts = messages.recent_texts(conn, chat_id)
    if not texts:
        return None
    try:
        from toolkit.language import detect_language

        return language_of(detect_language("\n".join(texts)))
    except ImportError:
        return None


def describe_chats(rows: list[dict[str, Any]]) -> str:
    """The `chatbook chats` table for a terminal."""
    if not rows:
        return "no chats yet (chatbook ingest PATH)"
    width = max(len(row["name"]) for row in rows)
    lines = [f"{'chat':<{width}}  {'messages':>8}  {'zone':<22} {'from':<10} lang"]
    for row in rows:
        lines.append(f"{row['name']:<{width}}  {row['messages']:>8}  {row['tz'] or '-':<22} "
                     f"{row['tz_source']:<10} {row['language'] or '-'}")
        if row["tz_note"]:
            lines.append(f"{'':<{width}}  {'':>8}  why: {row['tz_note']}")
    return "\n".join(lines)
