"""Read each clause of a message: is its date an event, a deadline, a closure, a move, a
cancellation, or nothing (past, chatter, a clock change)?

Every cue is read in the date's own clause (see `extract.clauses`), tense in its core, so a
side clause ("clocks go forward Sat night!", "der Platz ist Donnerstag belegt") can neither
veto nor mistitle the others. An evidence score (kind of date, a time, an event noun, a plan
cue) decides what is left and becomes the confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from toolkit.eventtypes import FoundEvent
from toolkit.extract import learned
from toolkit.extract.clauses import (
    OWN_START,
    THAT_DAY,
    Clause,
    build_clauses,
    core_bounds,
    is_denied,
    segments,
    soft_boundaries,
    was_now,
)
from toolkit.extract.context import Context
from toolkit.extract.lang import TABLES
from toolkit.extract.mentions import (
    DateMention,
    TimeMention,
    find_times,
    named_day,
    period_near,
    resolve_hours,
    safe_date,
)
from toolkit.extract.nouns import names_event
from toolkit.extract.rules import MONEY, Grammar
from toolkit.extract.titles import location_for, location_for_line, place_said_before, rota_title, title_for

THRESHOLD = 0.5  # evidence needed before a date mention counts as an event
_STRENGTH = {"explicit": 0.5, "numeric": 0.4, "weekday": 0.35, "relative": 0.3, "offset": 0.3,
             "ordinal": 0.3, "holiday": 0.35, "weekend": 0.35, "week": 0.3}


# A guess's words, in every language: "maybe", "vielleicht", "a lo mejor", "peut-être"
_MAYBE_WORDS = (r"maybe|perhaps|possibly|vielleicht|eventuell|quizás?|tal vez|a lo mejor|peut-être|talvez|"
                r"se calhar|capaz")


# A poll's count of votes: "5 votos", "6 votes", "3 Stimmen".
_VOTES = re.compile(r"\b\d+\s*(?:votos?|votes?|stimmen|voix)\b")


def _outside_the_poll(ctx: Context, dates: list[DateMention]) -> list[DateMention]:
    """A poll's tally ("¿asado el 17 o el 24?": 17 → 5 votos, 24 → 5 votos): the days on its
    question's line and on lines that count votes are options, not plans; a day said as the
    outcome ("So Wednesday the 14th it is, 7pm at Lou's!") stays."""
    kept = []
    for d in dates:
        start = ctx.low.rfind("\n", 0, d.start) + 1
        end = ctx.low.find("\n", d.end)
        line = ctx.low[start:end if end >= 0 else len(ctx.low)]
        if not _VOTES.search(line) and "?" not in line:
            kept.append(d)
    return kept


# A forwarded text: "Fwd:", "Weitergeleitet:", "Transféré :", "Reenviado:", "Encaminhada:"
_FORWARDED = re.compile(r"^\W*(?:fwd?|forwarded|weitergeleitet|wg|transféré|tr|reenviad[oa]|"
                        r"reencaminhad[oa]|encaminhad[oa]|rv)\b[^:\n]{0,40}:", re.I)
# What news says it is: reported, announced, warned of, by someone for everybody
_NEWS_VERB = re.compile(
    r"\b(?:reports?|reported|announces?|announced|warns?|warning|alerts?|estimates?|"
    r"inform[óa]|anuncia|anunció|alerta|emiti[óo]|emite|estima|advierte|report[óa]|"
    r"kündigt|kündigte|meldet|meldete|warnt|warnung|"
    r"annonce|alerte|vigilance|prévoit|estime|signale|"
    r"anunciou|informou|coloca|prevê|aviso|divulga|divulgou|"
    # what is expected of the crowds and the traffic: "Se esperan más de dos millones de visitantes"
    r"expected|se esperan?|attendus?|erwartet|esperam-se|são esperados)\b", re.I)
# Words that speak to the reader or for the writer's own: a notice, not the news
_ADDRESSED = re.compile(
    r"\b(?:you|your|we|our|us|dear|vous|votre|vos|nous|notre|nos|chers?|ihr|ihre|ihren|euch|euer|"
    r"wir|uns|unser\w*|liebe|sehr geehrte\w*|usted|ustedes|su|sus|nosotros|nuestr[oa]s?|estimad[oa]s?|"
    r"querid[oa]s?|você|vocês|seu|sua|nós|nosso|nossa|prezad[oa]s?|tu|tus|dein\w*)\b", re.I)


def _forwarded_news_end(ctx: Context) -> int:
    """Where a forwarded news item ends ("Weitergeleitet: GDL kündigt Streik ... an.\n– Na toll"),
    or 0: what an agency reports or warns of for everybody is nobody's event; the writer's own
    words after it are read as usual."""
    marker = _FORWARDED.match(ctx.low)
    if marker is None:
        return 0
    line_end = ctx.low.find("\n", marker.end())
    end = line_end if line_end >= 0 else len(ctx.low)
    forwarded = ctx.low[marker.end():end]
    if _NEWS_VERB.search(forwarded) and not _ADDRESSED.search(forwarded):
        return end
    return 0


_LINE_HEAD = re.compile(r"[ \t]*(?:[-–•*·▪►✅🔹]+[ \t]*)?")


def _under_a_named_heading(ctx: Context, clause: Clause) -> bool:
    """The clause opens a line of a list whose first line names the event ("📚 CALENDARIO DE
    EXÁMENES 2º ESO B\nLunes 23 – Matemáticas")."""
    first_end = ctx.text.find("\n")
    if first_end < 0 or clause.start <= first_end or not names_event(ctx.g, ctx.low[:first_end]) \
            or ctx.g.duty.search(ctx.low, 0, first_end) or _RIDE_SHARE.search(ctx.low, 0, first_end):
        return False  # a rota's lines name who is on ("Mar y Jue: Lupita"), read as a rota
    line_start = ctx.text.rfind("\n", 0, clause.start) + 1
    head = _LINE_HEAD.match(ctx.text, line_start)
    return head is not None and not ctx.text[head.end():clause.start].strip()


_QUESTION_MARK = re.compile(r"[?¿]")
# A rota's items run to the first full stop of a sentence (not a date's "9.7.")
# (not the dot of a short abbreviation: "- mer. 10/05 : moi")
_ROTA_OVER = re.compile(r"(?<!\d)(?:(?<!\b[^\W\d_])(?<!\b[^\W\d_]{2})(?<!\b[^\W\d_]{3})\.|[!?])(?=\s|$)")
# Where a rota's heading ends: its first colon or line break, within the first few words
_HEADING_END = re.compile(r"(?<!\d):(?!\d)|\n")


def _a_rota_slot(ctx: Context, clause: Clause) -> bool:
    """The clause is an item of a rota whose heading names it ("rodízio da faxina dessa semana:
    ter (18) banheiro – Gabi, ...", "Putzplan: Bad – Jonas (Sa 9.7.), ...", "Snack rota ...:
    10/15 – Okafor"): each slot is somebody's day, whatever its words."""
    rota = _rota(ctx)
    return rota is not None and rota[1] <= clause.start < rota[2] \
        and not _QUESTION_MARK.search(ctx.low, clause.segment[0], clause.segment[1] + 1)  # "¿Alguien puede?"


def _rota(ctx: Context) -> tuple[int, int, int] | None:
    """Where the message's rota is: its heading's colon or line break, where its items start and
    where they end (the first full stop after them: "... Küche – Jonas (So 17.7.). Und Achtung"),
    or None when the message opens with no heading that names a rota. Once per message."""
    if "rota" not in ctx.memo:
        end = _HEADING_END.search(ctx.low, 0, 120)
        if end is None or ctx.g.duty.search(ctx.low, 0, end.start()) is None:
            ctx.memo["rota"] = None
        else:
            over = _ROTA_OVER.search(ctx.low, end.end())
            ctx.memo["rota"] = (end.start(), end.end(), over.start() if over else len(ctx.low))
    rota: tuple[int, int, int] | None = ctx.memo["rota"]
    return rota


def read_events(ctx: Context, dates: list[DateMention], tz_name: str | None) -> list[FoundEvent]:
    """The events of one message, clause by clause."""
    news_end = _forwarded_news_end(ctx)
    if news_end:
        dates = [d for d in dates if d.start >= news_end]
    if len(_VOTES.findall(ctx.low)) >= 2:
        dates = _outside_the_poll(ctx, dates)
    dates = _moved_spans_split(ctx, dates)
    times = find_times(ctx.work, ctx.g, dates)
    clauses = build_clauses(ctx.text, dates, times, ctx.g)
    blanks = [(x.start, x.end) for x in dates if not x.in_word] + [(x.start, x.end) for x in times]
    blanks += [x.context for x in dates if x.context is not None]
    blanks += [m.span() for m in THAT_DAY.finditer(ctx.low)]  # "nesse dia": a day, not a title
    blanks += [m.span() for m in SAME_TIME.finditer(ctx.low)]  # "gleiche Zeit": an hour, not a title
    message = _Message(plan=bool(ctx.g.plan.search(ctx.low)), noun=names_event(ctx.g, ctx.low),
                       blanks=blanks, tz_name=tz_name, clauses=clauses)
    events: list[FoundEvent] = []
    unnamed: set[int] = set()
    for clause in clauses:
        found = _two_days_as_one(ctx, clause, _read_clause(ctx, clause, message))
        corrected = _corrected(ctx, clause, message.previous, found)
        if corrected is not None:
            events = [e for e in events if e is not message.previous]
            found = [(corrected, True)]
        for event, named in found:
            events.append(event)
            if not named:
                unnamed.add(id(event))
        if found:
            message.previous = found[-1][0]
    events = _old_day_said_before(ctx, _moves_of_an_event(_moves_from_cancellations(ctx, events, unnamed)))
    events = _ended_later(ctx, dates, _closed_until_resumption(ctx, dates, events))
    events = _back_the_same_day(ctx, dates, times, _back_another_day(ctx, dates, events))
    events = _hour_corrected(ctx, dates, times, _rota_shared_hour(ctx, dates, times, events))
    events = _a_stay(ctx, dates, _hour_slots(ctx, dates, times, events))
    events = [e for e in events if not _only_a_birthday(ctx, e)]
    if any(e.confidence >= 0.9 and not e.all_day for e in events):
        # Beside a clearly dated and timed event, a weak all-day mention whose own clause
        # names nothing is a side remark ("invites in book bags today").
        events = [e for e in events if not e.all_day or e.cancelled or e.kind != "event"
                  or e.end is not None or e.confidence >= 0.65 or id(e) not in unnamed]
    return merge(events)


def _old_day_said_before(ctx: Context, events: list[FoundEvent]) -> list[FoundEvent]:
    """'Due to the Memorial Day holiday, Monday May 26 refuse and recycling collection will be
    moved to Tuesday May 27', 'en raison du lundi de Pentecôte (2 juin), la collecte ... est
    décalée au mardi 3 juin': a move with no old day of its own, after a day a few days
    earlier that names no event of its own, moves from that day."""
    moves = [e for e in events if e.moved and e.previous_start is None and not e.cancelled]
    if len(moves) != 1 or _said_at(ctx, moves[0]) < 0:
        return events
    move, at = moves[0], _said_at(ctx, moves[0])
    new_day = date.fromisoformat(move.start[:10])
    for event in events:
        if event is move or not event.all_day or event.cancelled or event.kind != "event" \
                or names_event(ctx.g, event.title.lower()):
            continue
        before = _said_at(ctx, event)
        if 0 <= before < at and not _HARD_STOP.search(ctx.text, before, at) \
                and 0 < (new_day - date.fromisoformat(event.start)).days <= 7:
            moved = replace(move, previous_start=event.start)
            return [moved if e is move else e for e in events  # the day's other unnamed mentions go too
                    if not (e.start == event.start and e.all_day and e.kind == "event" and not e.cancelled
                            and not names_event(ctx.g, e.title.lower()))]
    return events


def _said_at(ctx: Context, event: FoundEvent) -> int:
    """Where the event's evidence (its date, and hour) first stands in the text; -1 if unknown."""
    return ctx.text.find(event.evidence) if event.evidence else -1


def _closed_until_resumption(ctx: Context, dates: list[DateMention],
                             events: list[FoundEvent]) -> list[FoundEvent]:
    """'office closed from Tue 24 Dec, reopening Thu 2 Jan', 'Die Weihnachtsferien beginnen am
    24.12.; Unterrichtsbeginn ist Dienstag, 7.1.': closed days said by their first day end the
    day before things start again, and the day they start again is no event of its own."""
    events = _resumption_after_a_span(ctx, dates, events)
    closures = [e for e in events if e.kind == "closure" and e.all_day and e.end is None
                and not e.cancelled and _closed_from(ctx, e)]
    if not closures:
        return events
    for m in ctx.g.resumes.finditer(ctx.low):
        # the day after the words ("reopening Thu 2 Jan") or just before them ("am 2.1. sind
        # wir wieder da")
        again = next((d for d in dates if d.last is None and 0 <= d.start - m.end() <= 30), None) or \
            next((d for d in dates if d.last is None and 0 <= m.start() - d.end <= 25
                  and not _HARD_STOP.search(ctx.low, d.end, m.start())), None)
        if again is None:
            continue
        before = [e for e in closures if 1 < (again.day - date.fromisoformat(e.start)).days <= 35]
        closure = max(before, key=lambda e: e.start, default=None)  # the closed days just before
        if closure is None:
            continue
        closures.remove(closure)
        ended = replace(closure, end=(again.day - timedelta(days=1)).isoformat())
        events = [ended if e is closure else e for e in _without_the_day_again(ctx, again, events)]
    return events


def _without_the_day_again(ctx: Context, again: DateMention, events: list[FoundEvent]) -> list[FoundEvent]:
    """The events less the all-day one made of the day things start again."""
    said = ctx.text[again.start:again.end]
    return [e for e in events if not (e.kind == "event" and e.all_day and e.start == again.day.isoformat()
                                      and e.evidence is not None and said in e.evidence)]


def _resumption_after_a_span(ctx: Context, dates: list[DateMention],
                             events: list[FoundEvent]) -> list[FoundEvent]:
    """'cerrado del viernes 31 de marzo al lunes 10 de abril. Las clases se reanudan el martes
    11': the day things start again right after closed days said whole is no event."""
    ends = [date.fromisoformat(e.end[:10]) for e in events if e.kind == "closure" and e.end]
    if not ends:
        return events
    for m in ctx.g.resumes.finditer(ctx.low):
        again = next((d for d in dates if d.last is None and 0 <= d.start - m.end() <= 30), None)
        if again is not None and any(0 < (again.day - end).days <= 4 for end in ends):
            events = _without_the_day_again(ctx, again, events)
    return events


_HARD_STOP = re.compile(r"[.!?;\n]")
# "No Hebrew school on 3/28, classes resume 4/4": one day closed, said with its denial
_DENIAL_FIRST = re.compile(r"\W*(?:no|not|kein\w*|pas|sin|não|nao|sem)\b", re.I)


def _closed_from(ctx: Context, closure: FoundEvent) -> bool:
    """Closed days said by their first day: "closed from Tue 24 Dec", "Ferien beginnen am
    24.12.", "fecha a 20", but not a single day said closed ("No school on 3/28")."""
    if not _DENIAL_FIRST.match(closure.title):
        return True
    at = _said_at(ctx, closure)
    return at >= 0 and bool(_FROM_BEFORE.search(ctx.low, max(0, at - 14), at))


# The way back: "... y volvemos el martes 3", "regreso a las 18:00", "back by 5", "Rückkehr
# gegen 17 Uhr", "retour vers 18h". Before a day it ends an all-day outing, before an hour a
# timed one (`_ended_later`, `_return_time`).
_WAY_BACK = (r"volvemos|regresamos|regreso|vuelta|we(?:'re| are| come| get) back|we return|return(?:ing)?|"
             r"(?:gets?|getting|comes?|coming) back|"
             r"back (?:at|by|around|about)|home (?:at|by|around)|r[üu]ckkehr|r[üu]ckfahrt|"
             r"zur[üu]ck (?:um|gegen|ca\.?)|on rentre|nous rentrons|on revient|nous revenons|"
             r"retour(?: prévu)?|rentrée prévue|"
             r"voltamos|regressamos|regresso|retorno|volta|chegada|zrugg")
_BACK_HOME = re.compile(rf"\b(?:{_WAY_BACK})\b", re.I)
_AND_BEFORE = re.compile(r"\b(?:and|y|e|et|und)\s+$", re.I)
# between the first day and "ends": only "and" ("commencent le lundi 9 et se terminent ...")
_AND_THEN = re.compile(r"[\s,]*(?:and|y|e|et|und|dann)?\s*(?:(?:it|they|sie|es|ils|elles)\s+)?", re.I)


def _ended_later(ctx: Context, dates: list[DateMention], events: list[FoundEvent]) -> list[FoundEvent]:
    """'Les examens commencent le lundi 9 et se terminent le vendredi 20': a day said right
    after words that only say something ends is the last day of the all-day event before it."""
    if not any(e.all_day and e.end is None and e.kind == "event" and not e.cancelled for e in events):
        return events  # nothing open to end: the scans below are skipped
    ends = [(m, False) for m in ctx.g.ends.finditer(ctx.low)] \
        + [(m, True) for m in _BACK_HOME.finditer(ctx.low)]
    for m, back in ends:
        last = next((d for d in dates if d.last is None and 0 <= d.start - m.end() <= 12), None)
        if last is None:
            continue
        said = ctx.text[last.start:last.end]
        # "commencent le lundi 9 et se terminent ...": only "and" between; coming back may be
        # said after more words of the same sentence ("salimos el jueves 29 por la mañana con
        # la carreta ... y volvemos el martes 3 de junio")
        before = [e for e in events if e.all_day and e.end is None and e.kind == "event" and not e.cancelled
                  and 0 <= (at := _said_at(ctx, e)) < m.start()
                  and (_AND_THEN.fullmatch(ctx.low, at + len(e.evidence or ""), m.start()) is not None
                       or (back and m.start() - at <= 120 and _AND_BEFORE.search(ctx.low, at, m.start())
                           and not _HARD_STOP.search(ctx.low, at, m.start())))
                  and 0 < (last.day - date.fromisoformat(e.start)).days <= 31]
        if not before:
            continue
        opened = before[-1]
        events = [replace(e, end=last.day.isoformat()) if e is opened else e for e in events
                  if not (e.all_day and e.start == last.day.isoformat() and e.evidence is not None
                          and said in e.evidence and e is not opened)]
    return events


# Before a later day and its hour, the way back: "back Wed 11th around 8pm", "zurück am Sonntag um 18 Uhr"
_BACK_ON = re.compile(rf"\b(?:{_WAY_BACK}|back|zurück|de retour)\b", re.I)
_ARTICLE_BEFORE = re.compile(r"\b(?:le|la|el|the|o|a|der|die|das)\s+$", re.I)


def _back_another_day(ctx: Context, dates: list[DateMention], events: list[FoundEvent]) -> list[FoundEvent]:
    """'salida el domingo 8 a las 7:00 desde el instituto, vuelta el viernes 13 sobre las 19:00':
    the hour of the way back on a later day ends the timed outing said before it in the same
    sentence, one event as 'from Friday 6pm to Sunday 4pm' is; the way back is no event."""
    timed = [e for e in events if not e.all_day and e.end is None and e.kind == "event"
             and not e.cancelled and not e.moved]
    if len(timed) < 2:
        return events
    for m in _BACK_ON.finditer(ctx.low):
        last = next((d for d in dates if d.last is None and 0 <= d.start - m.end() <= 12), None)
        if last is None or _ARTICLE_BEFORE.search(ctx.low, max(0, m.start() - 6), m.start()):
            continue  # "et le retour le samedi 20": the return match, an event of its own
        back = next((e for e in timed
                     if e.start[:10] == last.day.isoformat() and _said_at(ctx, e) >= m.start()), None)
        before = [e for e in timed if e is not back and 0 <= (at := _said_at(ctx, e)) < m.start()
                  and m.start() - at <= 160
                  and (_segment_start(ctx, at + len(e.evidence or " ") - 1) == _segment_start(ctx, m.start())
                       or _next_labelled_line(ctx, at + len(e.evidence or " "), m.start()))
                  and 0 < (last.day - date.fromisoformat(e.start[:10])).days <= 31]
        if back is None or not before:
            continue
        outing = before[-1]
        events = [replace(e, end=back.start) if e is outing else e for e in events if e is not back]
        timed = [replace(e, end=back.start) if e is outing else e for e in timed if e is not back]
    return events


def _next_labelled_line(ctx: Context, after: int, at: int) -> bool:
    """'Saída: sexta 26/5 às 6h ...\nRetorno: domingo 28/5 ...': the way back opens the line
    right after the outing's line."""
    between = ctx.low[after:at]
    return between.count("\n") == 1 and not between.split("\n")[1].strip(" \t•*-")


def _back_the_same_day(ctx: Context, dates: list[DateMention], times: list[TimeMention],
                       events: list[FoundEvent]) -> list[FoundEvent]:
    """'Ski club bus leaves Saturday at 6:15am ... Back at the school lot around 5pm', 'on part
    en train à 7h12, retour par le dernier train vers 22h': an hour said after the way back,
    with no day of its own, ends the timed outing of that day said before it, even in the next
    sentence; the way back is no event."""
    timed = [e for e in events if not e.all_day and e.end is None and e.kind == "event"
             and not e.cancelled]
    if not timed:
        return events
    for m in _BACK_ON.finditer(ctx.low):
        t = next((t for t in times if 0 <= t.start - m.end() <= 40 and t.end_hour is None), None)
        if t is None or "\n" in ctx.low[m.end():t.start] \
                or any(m.start() - 12 <= d.start < t.start for d in dates):
            continue  # "back Wed 11th around 8pm": another day (`_back_another_day`)
        said = {(t.hour % 12, t.minute), (t.hour % 12 + 12, t.minute)}
        back = next((e for e in timed if _clock(e.start) in said), None)
        outing = next((e for e in timed if e is not back and back is not None
                       and e.start[:10] == back.start[:10] and e.start < back.start), None)
        if back is None and len(timed) == 1:  # the hour of the way back made no event of its own
            outing, start = timed[0], datetime.fromisoformat(timed[0].start)
            hour = _later_hour(t, start.time())
            if hour is not None:
                end = datetime.combine(start.date(), hour, tzinfo=start.tzinfo).isoformat()
                return [replace(e, end=end) if e is outing else e for e in events]
        if back is None or outing is None:
            continue
        events = [replace(e, end=back.start) if e is outing else e for e in events if e is not back]
        timed = [e for e in timed if e is not back and e is not outing]
    return events


def _rota_shared_hour(ctx: Context, dates: list[DateMention], times: list[TimeMention],
                      events: list[FoundEvent]) -> list[FoundEvent]:
    """'Turnos pa llevar a los chicos a hockey: lun 20 – Vero, mié 22 – yo, jue 23 – Pao.
    Entrenan 18:30 en el CUBA', 'Planning covoit' (départ 13h45 devant la boulangerie) : -
    mer. 10/05 : moi ...': in a rota, a line with an hour and no day of its own, after the
    slots or as their heading, is the hour (and the place) of every slot, not of the slot next
    to it alone; on a day the rota says is closed nobody drives."""
    rota = _rota(ctx)
    if rota is None or not times:
        return events
    lines = [m.span() for m in re.finditer(r"[^\n]+", ctx.low)]
    shared = [t for t in times if (t.start >= rota[1] and _undated_line(lines, dates, t))
              or (t.end <= rota[0] and _undated_line(lines, dates, t, weekdays_too=True))]
    slots = [e for e in events if e.kind == "event" and not e.cancelled and e.end is None]
    if len({t.hour for t in shared}) != 1 or len(slots) < 2:
        return events
    t = shared[0]
    line = next(ctx.text[a:b] for a, b in lines if a <= t.start < b)
    place = location_for_line(ctx.g, line)
    closed = {e.start[:10] for e in events if e.kind == "closure"}
    hour, _ = resolve_hours(t, None)
    out = []
    for e in events:
        if e in slots and e.start[:10] in closed:
            continue  # "sex 3 – sem aula ... saída 6h50": no ride on a day with no school
        if e in slots:
            day = date.fromisoformat(e.start[:10])
            start = datetime.combine(day, hour, tzinfo=ctx.zone).isoformat()
            e = replace(e, start=start, all_day=False, location=e.location or place)
        out.append(e)
    return out


def _undated_line(lines: list[tuple[int, int]], dates: list[DateMention], t: TimeMention,
                  weekdays_too: bool = False) -> bool:
    """The hour's line names no day; with `weekdays_too`, none but a bare weekday (a rota's
    heading: "Snack sign-up for Saturday games (all games 9am, Verdugo Park field 3)")."""
    a, b = next(((a, b) for a, b in lines if a <= t.start < b), (t.start, t.end))
    return not any(a <= d.start < b and not (weekdays_too and d.kind == "weekday" and d.bare) for d in dates)


def _hour_corrected(ctx: Context, dates: list[DateMention], times: list[TimeMention],
                    events: list[FoundEvent]) -> list[FoundEvent]:
    """'Elternabend am Dienstag um 19 Uhr / Korrektur: 19:30!!', '> Spring working bee ...
    Saturday, 9am / it's 10 not 9': an hour given as a correction, or against the old one, with
    no day of its own, is the new hour of the message's one timed event."""
    timed = [e for e in events if not e.all_day and e.kind == "event" and not e.cancelled]
    if len(timed) != 1:
        return events
    event = timed[0]
    old = datetime.fromisoformat(event.start)
    for index, t in enumerate(times):
        cued = bool(ctx.g.correction.search(ctx.low, max(0, t.start - 18), t.start)
                    or ctx.g.move.search(ctx.low, max(0, t.start - 14), t.start))  # "On avance à 8h30"
        if _NO_LONGER_AT.search(ctx.low, max(0, t.start - 12), t.start) and _ANYMORE.match(ctx.low, t.end) \
                and (t.hour % 12, t.minute) == (old.hour % 12, old.minute) and index + 1 < len(times):
            # "the practice is not at 9 anymore, it's 10:30": the next hour is the new one
            t, cued = times[index + 1], True
        if not cued and any(d.end <= t.start and t.start - d.end <= 40
                               and "\n" not in ctx.low[d.end:t.start] for d in dates):
            continue  # an hour of a day said with it is that day's own
        against = _NOT_THE_HOUR.match(ctx.low, t.end)
        if against is not None and (int(against.group(1)) % 12, int(against.group(2) or 0)) \
                != (old.hour % 12, old.minute):
            against = None  # "not 9" said of another hour than the event's
        if not cued and against is None:
            continue
        hour, _ = resolve_hours(t, "pm" if t.meridiem is None and old.hour >= 12 and t.hour < 12 else None)
        new = old.replace(hour=hour.hour, minute=hour.minute)
        if new == old:
            continue
        moved = replace(event, start=new.isoformat(), end=None, moved=True, previous_start=event.start)
        return [moved if e is event else e for e in events]
    return events


# "not at nine anymore", "nicht mehr um 9", "ya no a las 9", "plus à 9h", "não é mais às 9"
_NO_LONGER_AT = re.compile(r"\b(?:not|no longer|nicht mehr|ya no|plus|não é mais|nicht)\s+"
                           r"(?:at|um|a las|à|às|es a las)?\s*$", re.I)
_ANYMORE = re.compile(r"\s*(?:anymore|any more|mehr|más|plus|mais)?\b", re.I)
# After a new hour, the old one it replaces: "10 not 9", "8.15 now not 9", "19:30 statt 19 Uhr"
_NOT_THE_HOUR = re.compile(
    r"\s*(?:now\s+)?,?\s*(?:not|instead of|rather than|(?:an)?statt(?: um)?|nicht(?: um)?|no(?: a las)?|"
    r"en (?:vez|lugar) de(?: las)?|pas(?: à)?|au lieu de|não(?: às)?|em vez d(?:e|as))\s+"
    r"(\d{1,2})(?:[:.h](\d{2}))?\b", re.I)


def _only_a_birthday(ctx: Context, event: FoundEvent) -> bool:
    """'Oma Gerti hat am Freitag Geburtstag, ruft's sie bitte an', 'mañana está de cumple la tía
    Gladys': somebody's birthday with no hour, no place and no gathering is a reminder to call,
    not an event to go to (a party, a lunch or a cake is one)."""
    return (event.kind == "event" and event.all_day and event.end is None and not event.cancelled
            and event.location is None and _BIRTHDAY.search(event.title) is not None
            and _GATHERING.search(ctx.low) is None)


# A person's birthday, not a festival named so ("Hafengeburtstag vom 7. bis 9. Mai")
_BIRTHDAY = re.compile(r"(?<![^\W\d_])(?:birthday|geburtstag|cumple|anniversaire|anivers[áa]rio|faz anos)",
                       re.I)
# What makes a birthday something to go to, in the five languages
_GATHERING = re.compile(
    r"\b(?:part(?:y|ies)|celebrat\w*|bbq|barbecue|dinner|lunch|brunch|cake|drinks|invit\w*|fiesta|festej\w*|"
    r"celebra\w*|comida|cena|almuerzo|asado|merienda|torta|pastel|feier\w*|fest|einladung|eingeladen|"
    r"kaffee|kuchen|grill\w*|fête|fêter|soirée|goûter|repas|dîner|déjeuner|apéro|gâteau|festa|comemor\w*|"
    r"almoço|jantar|lanche|churrasco|bolo|convite|"
    r"bring|levar|llevar|traer|mitbring\w*|apporte\w*|ramène\w*)\b", re.I)  # "who brings the drinks"


def _a_stay(ctx: Context, dates: list[DateMention], events: list[FoundEvent]) -> list[FoundEvent]:
    """'arrivée samedi 5 août à partir de 16h, départ le samedi 12 avant 10h', 'check-in sábado
    22 às 15h, check-out sábado 29 até às 11h': a stay from its arrival to its departure is one
    event; the departure is no event of its own."""
    arrival = _STAY_ARRIVAL.search(ctx.low)
    if arrival is None:
        return events
    leaving = _STAY_DEPARTURE.search(ctx.low, arrival.end())
    if leaving is None:
        return events
    first = next((d for d in dates if 0 <= d.start - arrival.end() <= 12), None)
    last = next((d for d in dates if 0 <= d.start - leaving.end() <= 12), None)
    if first is None or last is None or not 0 < (last.day - first.day).days <= 31:
        return events
    stay = next((e for e in events if e.start[:10] == first.day.isoformat() and e.kind == "event"
                 and not e.cancelled), None)
    out = next((e for e in events if e.start[:10] == last.day.isoformat() and e.kind == "event"
                and not e.cancelled and e is not stay), None)
    if stay is None or out is None or stay.all_day != out.all_day:
        return events
    return [replace(e, end=out.start) if e is stay else e for e in events if e is not out]


# A stay's two ends: arriving, checking in; then leaving, checking out
_STAY_ARRIVAL = re.compile(r"\b(?:arrival|arriv(?:e|ing)|check[- ]?in|arrivée|anreise|ankunft|llegada|"
                           r"entrada|chegada)\b", re.I)
_STAY_DEPARTURE = re.compile(r"\b(?:departure|leav(?:e|ing)|check[- ]?out|départ|abreise|salida|saída)\b",
                             re.I)


def _what_is_off(ctx: Context, clause: Clause, title: str) -> str | None:
    """'Samedi 11 c'est l'Armistice, pas d'entraînement': what a calling off names after its
    "no" is its title, not the reason said beside it."""
    off = _NO_THING.search(ctx.low, clause.start, clause.end)
    if off is None or off.group(1) in title.lower() or not names_event(ctx.g, off.group(1)):
        return None
    word = ctx.text[off.start(1):off.end(1)]
    return word[:1].upper() + word[1:]


# "no practice", "pas d'entraînement", "kein Training", "no hay ensayo", "não há treino"
_NO_THING = re.compile(r"\b(?:no|pas d['’]|pas de|keine?|kein|sin|no hay|sem|não há|não tem)\s*"
                       r"([^\W\d_][\w-]{2,})", re.I)


def _hour_slots(ctx: Context, dates: list[DateMention], times: list[TimeMention],
                events: list[FoundEvent]) -> list[FoundEvent]:
    """'Schichten am So 10.12.:\n10–12 Uhr: Anke, Jörg\n12–14 Uhr: Merve\n14–16 Uhr: ???':
    under a rota's heading that names one day, each line opening with its own hours is a slot
    of that day, as the first one is; a slot nobody has yet is none."""
    rota = _rota(ctx)
    if rota is None:
        return events
    heading_days = {d.day for d in dates if d.start < rota[1]}
    if len(heading_days) != 1 or any(d.start >= rota[1] for d in dates):
        return events
    first = next((e for e in events if e.kind == "event" and not e.cancelled and not e.all_day), None)
    if first is None:
        return events
    day = heading_days.pop()
    out = list(events)
    for line in re.finditer(r"[^\n]+", ctx.text):
        t = next((t for t in times if t.end_hour is not None and line.start() <= t.start < line.end()
                  and not ctx.text[line.start():t.start].strip(" \t•*-")), None)
        rest = ctx.text[t.end:line.end()] if t is not None else ""
        if t is None or line.start() < rota[1] or _REST_ONLY.fullmatch(rest.strip(" :–-")) \
                or not re.search(r"[^\W\d_]", rest):
            continue  # not a slot line, or one nobody has ("14–16 Uhr: ???")
        start, end = resolve_hours(t, None)
        at = datetime.combine(day, start, tzinfo=ctx.zone).isoformat()
        if end is None or any(e.start == at for e in out):
            continue
        out.append(replace(first, start=at, end=datetime.combine(day, end, tzinfo=ctx.zone).isoformat(),
                           evidence=ctx.text[t.start:t.end]))
    return out


def _clock(iso: str) -> tuple[int, int]:
    moment = datetime.fromisoformat(iso)
    return moment.hour, moment.minute


def _corrected(ctx: Context, clause: Clause, previous: FoundEvent | None,
               found: list[tuple[FoundEvent, bool]]) -> FoundEvent | None:
    """'Book club Thurs Nov 8, 7:30 at Rachel's. Sorry, I mean WEDS Nov 7!!': a day the writer
    gives as a correction, right after the message's event before, is that event's day; it
    keeps the hour, title and place said before unless the correction gives its own hour."""
    if previous is None or len(found) != 1 or previous.cancelled or previous.kind != "event":
        return None
    event = found[0][0]
    first = min(clause.dates, key=lambda d: d.start) if clause.dates else None
    if first is None or event.cancelled or event.kind != "event" or event.start[:10] == previous.start[:10] \
            or not ctx.g.correction.search(ctx.low, clause.segment[0], first.start):
        return None
    day = date.fromisoformat(event.start[:10])
    if not event.all_day or previous.all_day:
        start, end = event.start, event.end
        all_day = event.all_day
    else:  # the day alone: the hour said before stays
        shift = day - date.fromisoformat(previous.start[:10])
        start, end = _shifted_by(previous.start, shift, ctx), None
        if previous.end is not None:
            end = _shifted_by(previous.end, shift, ctx)
        all_day = False
    return replace(previous, start=start, end=end, all_day=all_day,
                   evidence=f"{previous.evidence} … {event.evidence}")


def _shifted_by(stamp: str, shift: timedelta, ctx: Context) -> str:
    """An ISO start or end moved by whole days, at the same wall-clock time in the zone."""
    when = datetime.fromisoformat(stamp)
    return datetime.combine(when.date() + shift, when.time(), tzinfo=ctx.zone).isoformat()


# "from ... to" opening a span, and what joins its two days
_FROM_BEFORE = re.compile(r"\b(?:from|von|vom|del|de|du|do|da)\s+(?:(?:the|el|la|le|dem|der|o|a)\s+)?$", re.I)
_SPAN_JOIN = re.compile(r"\s*(?:to|till|until|-|–|—|al|hasta(?: el)?|bis(?: zum| am)?|au|à|até|ao|a|para)\s+",
                        re.I)


def _moved_spans_split(ctx: Context, dates: list[DateMention]) -> list[DateMention]:
    """'we're pushing February's meeting back a week: from Thu Feb 5 to Thursday Feb 12': after
    a move verb, 'from one day to another' is the old day and the new one, not a span."""
    if not any(d.last is not None for d in dates) or not ctx.g.move.search(ctx.low):
        return dates
    result: list[DateMention] = []
    for d in dates:
        join = _SPAN_JOIN.search(ctx.low, d.start + 3, d.end) if d.last is not None else None
        s0 = next((a for a, b in segments(ctx.text) if a <= d.start < b), 0) if join else 0
        if join is None or d.last is None or not _FROM_BEFORE.search(ctx.low, s0, d.start) \
                or not ctx.g.move.search(ctx.low, s0, d.start):
            result.append(d)
            continue
        result += [replace(d, end=join.start(), last=None),
                   replace(d, start=join.end(), day=d.last, last=None)]
    return result


def _two_days_as_one(ctx: Context, clause: Clause,
                     found: list[tuple[FoundEvent, bool]]) -> list[tuple[FoundEvent, bool]]:
    """'Torneo de pesca sábado 10 y domingo 11': one event over a Saturday and Sunday, listed
    with 'and', is one event across the weekend, as 'este finde ... sábado y domingo' is (closed
    days listed stay one closure each; 'conferences Thursday and Friday' are two days of them)."""
    if len(found) != 2 or len(clause.dates) != 2:
        return found
    (first, named), (second, _) = sorted(found, key=lambda x: x[0].start)
    a, b = sorted(clause.dates, key=lambda d: d.start)
    plain = all(e.kind == "event" and e.all_day and e.end is None and not e.cancelled and not e.moved
                for e in (first, second))
    if not plain or first.title != second.title or not _LIST_GLUE.match(ctx.low[a.end:b.start]):
        return found
    saturday = date.fromisoformat(first.start)
    if saturday.weekday() != 5 or date.fromisoformat(second.start) - saturday != timedelta(days=1):
        return found
    return [(replace(first, end=second.start, evidence=ctx.text[a.start:b.end]), named)]


@dataclass
class _Message:
    plan: bool
    noun: bool
    blanks: list[tuple[int, int]]
    tz_name: str | None
    clauses: list[Clause]
    previous: FoundEvent | None = None  # the last event of the clauses read so far


def _moves_from_cancellations(ctx: Context, events: list[FoundEvent],
                              unnamed: set[int]) -> list[FoundEvent]:
    """'Pas de ramassage vendredi, report à samedi': a day called off and a move with no old day
    of its own, in one message, are one move from that day (as the proposals code reads it); a
    move whose clause names nothing is titled by what was called off ('se repone el 30')."""
    # one day may be said twice ("de mañana viernes", "o sábado seguinte, dia 6"): one each
    off = list({e.start: e for e in events if e.cancelled}.values())
    open_moves = [e for e in events if e.moved and not e.cancelled and e.previous_start is None]
    if len(off) == 1 and not open_moves:
        open_moves = _replacing(ctx, events, off[0])
    if len(off) != 1 or len({e.start for e in open_moves}) != 1:
        return events
    title = open_moves[0].title
    called_off = _called_off(ctx, off[0].title)
    if any(id(e) in unnamed for e in open_moves) or _titled_elsewhere(ctx, open_moves[0]) or (
            names_event(ctx.g, called_off.lower()) and not names_event(ctx.g, title.lower())):
        # "Se cancela la kermés" gives "la kermés"; "Der Schwimmkurs ... fällt aus,
        # Nachholtermin ist Donnerstag" the course, not a heading the make-up day fell back on
        title = called_off or title
    moved = replace(open_moves[0], previous_start=off[0].start, title=title, moved=True,
                    location=open_moves[0].location or off[0].location)
    return [moved] + [e for e in events if not (e.cancelled and e.start == off[0].start)
                      and not any(e is m for m in open_moves)]


# "We'll do it Tues 15th instead", "stattdessen", "à la place": a day given in place of another
_INSTEAD = re.compile(r"\b(?:instead|en su lugar|en cambio|stattdessen|dafür|à la place|em vez disso|"
                      r"no lugar)\b(?!\s+(?:of|de|d['’]|do|da|des))", re.I)  # "instead of Friday": its own


def _replacing(ctx: Context, events: list[FoundEvent], off: FoundEvent) -> list[FoundEvent]:
    """The one event said after a calling off that takes its place, though no word moves it:
    the same thing again ("tomorrow's rehearsal is off ... We'll do it Tues 15th instead", "Le
    spectacle ... est annulé. Il aura lieu le vendredi 16"), on a later day within two months.
    Another thing that day is no replacement ("No training Tuesday. Match Saturday at 10")."""
    after = [e for e in events
             if not e.cancelled and e.kind == "event" and _said_at(ctx, e) > _said_at(ctx, off)]
    if len({e.start for e in after}) != 1:
        return []
    candidate = after[0]
    days = (date.fromisoformat(candidate.start[:10]) - date.fromisoformat(off.start[:10])).days
    if not 0 < days <= 60:
        return []
    at = _said_at(ctx, candidate) + len(candidate.evidence or " ") - 1  # its day, said last
    sentence = next(((a, b) for a, b in segments(ctx.text) if a <= at < b), (at, at))
    said = ctx.low[sentence[0]:sentence[1]]
    if _RESUME_WORD.search(said) or _NEXT_ONE.search(said) or _AS_EVER.search(said):
        return []  # "Back on the 20th", "der nächste ist am 22.", "See everyone next Wednesday",
        # "Übermorgen 18h wie immer": the next one as usual, not a move
    same = candidate.title.lower().strip() == _called_off(ctx, off.title).lower().strip()
    return after if same or _PRONOUN_OPENING.match(candidate.title) or _INSTEAD.search(said) else []


# The next session as ever: "see everyone next Wednesday", "wie immer", "comme d'habitude"
_AS_EVER = re.compile(r"\b(?:see (?:you|everyone|you all|y'all) (?:next|on)|as usual|as normal|wie immer|"
                      r"wie gewohnt|como siempre|como de costumbre|comme d['’]habitude|como sempre|"
                      r"como de costume)\b", re.I)
# A title that opens with who or what was said before: "Il aura lieu", "We'll do it", "Es findet"
_PRONOUN_OPENING = re.compile(r"(?:il|elle|ils|elles|it|we['’]ll|we|es|sie|er|ele|ela|se)\b", re.I)


def _titled_elsewhere(ctx: Context, event: FoundEvent) -> bool:
    """The event's title is not in the sentence that gives its day: its own words named
    nothing, and the title was borrowed from a heading or an earlier event."""
    at = _said_at(ctx, event)
    if at < 0:
        return False
    for start, end in segments(ctx.text):
        if start <= at < end:
            return event.title.lower() not in ctx.low[start:end]
    return False


def _resumes(ctx: Context, clause: Clause, message: _Message) -> bool:
    """The clause only says that what the message called off comes back ("Back on the 20th same
    time 6pm", "Next one is Thursday the 19th", "Nächste Woche Mittwoch dann wieder wie gewohnt",
    "retomamos terça 13", "See everyone next Wednesday")."""
    previous = message.previous
    if previous is None or not previous.cancelled or previous.kind != "event":
        return False
    said = _without_places(ctx, clause, _without_dates(ctx, clause, message))
    rest = _NEXT_ONE.sub(" ", _AS_BEFORE.sub(" ", said))
    words = [w for w in re.findall(r"[^\W\d_]{3,}", rest) if not ctx.g.date_words.fullmatch(w)]
    return not words or bool(_BACK_ONLY.fullmatch(rest)) \
        or bool(ctx.g.sign_off.fullmatch(" ".join(words)))


def _called_off(ctx: Context, title: str) -> str:
    """What a cancellation's title says was called off, without the calling off ("No drumming"
    gives "Drumming")."""
    no_more = _NO_MORE.search(title)  # "Team no training": what is denied follows the denial
    denied = _OFF_AT_END.sub("", title[no_more.end():] if no_more else title, count=1)
    called_off = denied if denied != title else ctx.g.cancel.sub(" ", title)
    called_off = re.sub(r"\s{2,}", " ", called_off).strip(" ,.")
    return called_off[:1].upper() + called_off[1:]


# "Band rehearsal's off", "Chor fällt aus": the calling off said after what is called off.
_OFF_AT_END = re.compile(r"(?:['’]s|\s+(?:is|are|was|has been|ist|wird|est|es|está|é|foi))?\s+"
                         r"(?:off|cancell?ed|called off|postponed|abgesagt|fällt aus|annulée?|"
                         r"cancelad[oa]|suspendid[oa]|suspens[oa])\W*$", re.I)
# The words that deny what follows them: "No drumming", "Não há aulas de português", "Kein Chor".
_NO_MORE = re.compile(r"(?:^\W*|\s)(?:there(?:'s| is| will be) no|no hay|no habrá|"
                      r"não (?:vai )?(?:ter|tem|há|haverá)|nao (?:vai )?(?:ter|tem)|"
                      r"il n['’]y (?:a|aura) pas d[e'’]|pas d[e'’]|kein\w*|no|sem|sin)\s+(?=\w)", re.I)


def _moves_of_an_event(events: list[FoundEvent]) -> list[FoundEvent]:
    """'Sortie ... dimanche, départ à dix heures... finalement reportée au dimanche suivant': an
    event said, then moved with no old day of its own and the same title, is one move from it."""
    open_moves = [e for e in events if e.moved and not e.cancelled and e.previous_start is None]
    if len(open_moves) != 1:
        return events
    move = open_moves[0]
    said = [e for e in events if e is not move and not e.moved and not e.cancelled and e.kind == "event"
            and e.title == move.title and e.start < move.start]
    if len(said) != 1:
        return events
    moved = replace(move, previous_start=said[0].start)
    return [moved if e is move else e for e in events if e is not said[0]]


# ------------------------------------------------------------------------- one clause


def _read_clause(ctx: Context, clause: Clause, message: _Message) -> list[tuple[FoundEvent, bool]]:
    own = ctx.low[clause.start:clause.end]
    if ctx.g.clocks.search(own):
        return []  # a clock-change notice names a night and an hour but is nobody's event
    move = _move_in(ctx, clause)
    old_times = move.old_times if move else []
    # a move's new hours go to its new days ("Donnerstag statt Mittwoch, 20 Uhr")
    days = [d for d in clause.dates if not (move and move.new_dates and move.is_old(d))]
    assignment = assign_times(days, [t for t in clause.times if t not in old_times], ctx.work)
    share_times(clause.dates, assignment, ctx.work)
    results = []
    skip: set[int] = set()
    for d in clause.dates:
        if id(d) in skip:
            continue
        if move and move.is_old(d) and move.new_dates:
            continue  # the old day of a move is no event of its own
        until = _timed_until(ctx, clause, d, assignment)
        if until is not None:
            skip.add(id(until[0]))
        elif (through := _untimed_until(ctx, clause, d, assignment)) is not None:
            skip.add(id(through))
            d = replace(d, end=through.end, last=through.day)  # "ab morgen bis einschließlich Sonntag"
        t = _same_time(ctx, clause, d, message) or assignment.get(id(d))
        for day in _shift_days(ctx, clause, d, t):
            found = _event_for(ctx, clause, day, t, move, message, until)
            if found is not None:
                results.append(found)
    return results


def _shift_days(ctx: Context, clause: Clause, d: DateMention, t: TimeMention | None) -> list[DateMention]:
    """A roster's range of weekdays with one span of hours ("nights Tue-Thu (2100-0715)",
    "Nachtdienst Mo bis Mi, 21:15 bis 6:30") is a shift on each day; anything else is itself
    ("camp Jan 2-4, 9am-3pm daily" stays one event over the days)."""
    if d.last is None or d.kind != "weekday" or t is None or t.end_hour is None \
            or not ctx.g.duty.search(ctx.low):  # the duty is often named once, in the heading
        return [d]
    days = (d.last - d.day).days + 1
    return [replace(d, day=d.day + timedelta(days=n), last=None) for n in range(days)]


# A clause that only says things are back on ("regresamos el miércoles 3", "wieder ab Montag").
_AS_BEFORE = re.compile(r"\b(?:same time|same place|usual time|as usual|misma hora|mismo horario|"
                        r"a la misma hora|mismo lugar|como siempre|como de costumbre|gleiche zeit|"
                        r"zur gleichen zeit|gleicher ort|wie immer|wie gewohnt|même heure|à la même heure|"
                        r"au même \w+|comme d['’]habitude|mesmo horário|mesma hora|no mesmo horário|"
                        r"como sempre|como de costume|dann|then|again|wieder|"
                        # "El jueves normal", "A de quarta mantém-se", "We'll do it Monday instead",
                        # "on se retrouve donc le 29"
                        r"(?:as )?normal(?:ly)?|normalmente|normalement|wie normal|ganz normal|"
                        r"instead|en su lugar|stattdessen|à la place|em vez disso|"
                        r"still on|goes ahead|sigue en pie|se mantiene|mant[ée]m-se|se mant[ée]m|bleibt|"
                        r"maintenue?s?|we['’]ll do it|we do it|on le fait|on le fera|lo hacemos|"
                        r"lo haremos|machen wir es|fazemos|on se retrouve|nos vemos|nos encontramos|"
                        r"treffen wir uns|wir treffen uns|a gente se encontra|donc|alors|entonces|então|"
                        r"(?:the one|la|el|a|o|celle|celui|die|der|das) (?:on|de|del|du|am|do|da)|"
                        r"(?:au |le )?même (?:endroit|lieu)|mismo sitio|mesmo sítio|same spot|same venue)\b",
                        re.I)
# "Next one is Thursday the 19th", "der nächste ist am 22.": the next of what was called off
_NEXT_ONE = re.compile(r"\b(?:(?:the )?next one(?: is)?|(?:der|die|das) nächste(?: ist)?|"
                       r"(?:la|el) (?:próxima|próximo|siguiente)(?: es| será)?|"
                       r"(?:le|la) prochaine?(?: est| sera)?|(?:o|a) próxim[oa](?: é| será)?)\b", re.I)
_BACK_ONLY = re.compile(
    r"\W*(?:(?:we|we're|we are|we['’]ll be|we will be|kids are|school is|school['’]s|classes)\s+)?"
    r"(?:back|return\w*|resume\w*|regresamos|"
    r"vuelve|on se reprend|se reprend|on reprend|"
    r"volvemos|retomamos|regresan|vuelven|se retoman?|zurück|wieder|on reprend|reprise|retour|voltamos|"
    r"retomamos|voltam|regresso|regreso|vuelta|volta|"
    # "reopening Monday 16th", "reabre el lunes", "öffnet wieder am Montag", "réouverture lundi"
    r"re-?open\w*|reabr\w+|réouv\w+|reouv\w+|(?:öffnet|öffnen) wieder|wieder geöffnet|wiedereröffnung)"
    r"(?:\W+(?:el|on|the|le|am|ab|o|a|la|à|au|al|na|no|"
    r"em|de|des|del|do|da|à partir du|a partir del?|after|nach|después|après|depois|at|um|às|as|"
    r"vers))*\W*", re.I)


def _goes_on_again(rest: str) -> bool:
    """The clause says only that things go on again, whatever its subject ("As AEC retomam na",
    "classes resume on"); "vuelven con prueba de mate" says with what."""
    m = _RESUME_WORD.search(rest)
    return m is not None and not re.search(r"[^\W\d_]{4,}", rest[m.end():])


# A guess said of a day ("think the kids might get a snow day tomorrow?", "¿a lo mejor no hay
# clases el lunes?"): with a question, nothing is known yet
_HEDGED = re.compile(rf"\b(?:{_MAYBE_WORDS}|might|may|reckon|think|wonder|ob|igual|est-ce qu|será que|"
                     r"acho que|creo que|je pense)\b", re.I)
# A day off in a rota, said alone
_REST_ONLY = re.compile(r"[\W_]*(?:off|day off|rest(?: day)?|free|descanso|libre|d[ií]a libre|folga|livre|"
                        r"frei|ruhetag|repos|cong[ée]|"
                        # a slot nobody has: "Fri: nobody", "Sex – ninguém", "Fr: niemand"
                        r"(?:nobody|no one|nadie|ninguno|ningu[ée]m|niemand|keiner|personne)"
                        r"(?:\s+(?:yet|todav[ií]a|a[úu]n|ainda|noch|encore))?)[\W_]*", re.I)
# a word that says things go on again, whatever its subject ("As AEC retomam", "classes resume")
_RESUME_WORD = re.compile(r"\b(?:resum\w*|back|retom\w+|repren\w+|reprise|vuelv\w+|volvemos|"
                          r"voltam\w*|regres\w+|re-?open\w*|reabr\w+|réouv\w+|wieder)\b", re.I)
# "et le retour le samedi 20 à la même heure", "same time": the hour of the event before
# "El de noviembre", "o de novembro vai ser", "the one in November", "celui de décembre", "der
# im Dezember": the same thing again, named by its month ("el de Marketing" is another thing).
_THE_ONE_OF = re.compile(r"\W*(?:(?:e|y|and|et|und)\s+)?(?:[^.!?]*\b(?:que|that|dass)\s+)?"
                         r"(?:o de|el de|la de|the one (?:in|for)|celui de|celle de|der im|die im|das im)"
                         r"\s+(\w+)"
                         r"(?:\s+(?:vai ser|será|es|is|est|ist|é|sera))?\W*", re.I)
# "A cantata de Natal é dia 22 às 18h, também lá", "auch dort": the place said before
_THERE_TOO = re.compile(r"\b(?:(?:there|over there) (?:too|as well)|also there|"
                         r"(?:también|tambien) (?:allí|alli|ahí|ahi|allá|alla)|"
                         r"(?:auch|ebenfalls) (?:dort|da)|"
                         r"là(?:-bas)? aussi|(?:também|tambem) (?:lá|ali|aí))(?!\w)", re.I)
# "same venue", "same courts", "la misma iglesia", "am gleichen Ort", "même salle", "mesmo local"
_SAME_NOUN = re.compile(r"\b(?:same|mism[oa]s?|même|mesm[oa]s?|gleiche[nmrs]?|selbe[nmrs]?)\s+"
                        r"([^\W\d_]+)", re.I)


def _same_place(ctx: Context, clause: Clause) -> bool:
    """The clause says its place is the one said before."""
    return says_same_place(ctx.low[clause.start:clause.end], ctx.g)


def says_same_place(low: str, g: Grammar) -> bool:
    """`low` (lower-cased) says the place is the one said before ("same venue", "même salle",
    "auch dort")."""
    if _THERE_TOO.search(low):
        return True
    return any(_PLACE_WORD.fullmatch(m.group(1)) or g.place_noun.fullmatch(m.group(1))
               or g.place_noun.fullmatch(m.group(1).rstrip("s"))
               for m in _SAME_NOUN.finditer(low))


# The words for "place" itself, in every language
_PLACE_WORD = re.compile(r"place|venue|location|spot|ort|platz|stelle|lieu|endroit|salle|lugar|sitio|local|"
                         r"sítio", re.I)


SAME_TIME = re.compile(r"\b(?:(?:at )?the same time|same time|(?:à )?la même heure|même heure|"
                        r"(?:a )?la misma hora|misma hora|(?:zur )?gleichen zeit|gleiche zeit|"
                        r"(?:zur )?(?:gleichen|selben) uhrzeit|gleiche uhrzeit|selbe uhrzeit|même horaire|"
                        r"(?:à |a )?mesma hora|mesmo horário|mesmo horario|"
                        # "mismo lugar y hora", "same place and time", "même lieu et heure"
                        r"mismo lugar y hora|same place and time|même lieu et (?:même )?heure|"
                        r"gleicher ort und (?:gleiche )?zeit|mesmo (?:local|lugar) e (?:hora|horário))\b",
                        re.I)


def _same_time(ctx: Context, clause: Clause, d: DateMention, message: _Message) -> TimeMention | None:
    """The hour of the message's event before, when this clause says 'at the same time'."""
    before = message.previous
    # an hour of the clause's own beats it; one from another sentence ("deutsch dann freitag 6.2.
    # gleiche uhrzeit. ... bitte nicht wieder alle um 7:59 reinrennen") does not
    own = [t for t in clause.times if clause.start <= t.start < clause.end]
    if before is None or own or not SAME_TIME.search(ctx.low, clause.start, clause.end):
        return None
    if before.cancelled:
        # "Thursday's 5pm session is cancelled ... We'll be back next Thursday 25th, same time":
        # a day called off is all-day, but the hour it had was said in its clause
        said = [t for c in message.clauses if c.end <= clause.start for t in c.times
                if c.start <= t.start < c.end]
        return said[-1] if said else None
    if before.all_day:
        return None
    clock = datetime.fromisoformat(before.start)
    end = datetime.fromisoformat(before.end) if before.end and before.end[:10] == before.start[:10] else None
    return TimeMention(d.end, d.end, clock.hour, clock.minute, end.hour if end else None,
                       end.minute if end else None, literal=True)


# ------------------------------------------------------------------------- moves


@dataclass
class _Move:
    """A clause that moves an event: which of its dates and times are old, which new."""

    old_dates: list[DateMention]
    new_dates: list[DateMention]
    old_times: list[TimeMention]
    new_times: list[TimeMention]
    in_clause: bool = True  # False when only the segment's lead says "verschoben"

    def is_old(self, d: DateMention) -> bool:
        return any(d is x for x in self.old_dates)


_SMALL_WORDS = re.compile(r"(?=[acdelnoptuà])"  # the words' first letters: see _NOT_YET
                          r"(?:\b(?:um|at|à|a las|às|as|le|el|am|on|the|den|dem|der|o|la|dia|"
                          r"de las|das|na|no|next|this|coming|diesen|ce|este|esta|próximo|"
                          r"proximo|prochain)\s*)$", re.I)


_DENIED = re.compile(r"(?<![\w])(?:not|no|nicht|pas|non|não|nao)\s*$", re.I)
_DENIED_PT = re.compile(r"(?<![\w])(?:não|nao)\s*$", re.I)  # Portuguese "no" is "on the"


_SET_OFF = re.compile(r"[,:;]")


def _marked(pattern: re.Pattern[str], before: str) -> bool:
    """`pattern` ends `before`, allowing a couple of small words in between ("statt um")."""
    for _ in range(3):
        if pattern.search(before):
            return True
        shorter = _SMALL_WORDS.sub("", before)
        if shorter == before:
            return False
        before = shorter
    return False


_TIME_DENIED = re.compile(r"(?<![\w])(?:not|nicht|net|ned|nöd|pas|no|não|nao)\s+"
                          r"(?:(?:at|um|am|à|a las|a la|às|as|um die)\s+)?$", re.I)


def _move_in(ctx: Context, clause: Clause) -> _Move | None:
    """'moved from Tuesday to Thursday 6pm', 'verlegt auf Mittwoch 17:30', 'um halb acht statt
    um acht', 'el partido de mañana se ha cambiado al domingo': old and new, or None."""
    g = ctx.g
    verb = g.move.search(ctx.low, clause.start, clause.end)
    instead = g.instead.search(ctx.low, clause.start, clause.end)
    lead_verb = clause.lead is not None and g.move.search(ctx.low, *clause.lead)
    # "midterm is oct 22 not oct 21": a day said and denied beside another is corrected
    denial = _DENIED_PT if g.t.code == "pt" else _DENIED
    denied = [d for d in clause.dates if _marked(denial, ctx.low[max(clause.start, d.start - 24):d.start])
              or is_denied(ctx.low, d, g, clause.start)
              or any(was_now(ctx.low, d, x) for x in clause.dates if x.start > d.start)
              or (d is not clause.dates[0] and g.was_on.search(ctx.low, clause.start, d.start))]
    corrected = bool(denied) and len(denied) < len(clause.dates)
    # "d Bandprob isch hüt ned am sibni sondern am halbi achti": an hour denied beside another
    denied_times = [t for t in clause.times if _TIME_DENIED.search(ctx.low, max(clause.start, t.start - 16),
                                                                   t.start)]
    retimed = bool(denied_times) and len(denied_times) < len(clause.times)
    if not (verb or instead or lead_verb or corrected or retimed):
        return None
    move = _Move([], [], [], [], in_clause=bool(verb or instead or corrected or retimed))
    if retimed and not (verb or instead or corrected):
        move.old_times = denied_times
        move.new_times = [t for t in clause.times if t not in denied_times]
        move.new_dates = list(clause.dates)
        return move
    for d in clause.dates:
        # "from 26th" opens with its "from"; "Thu 9th" or "Montag 14.6." opens with its weekday,
        # which marks nothing: the words before the mention are read first
        outside = ctx.low[max(clause.start, d.start - 24):d.start]
        before = outside + ("" if d.kind == "weekday" else _opening(ctx.low[d.start:d.end]))
        if corrected and any(d is x for x in denied):
            move.old_dates.append(d)  # "verschobe: nöd am Friitig sondern am Samschtig"
        elif corrected and not (verb or instead):
            move.new_dates.append(d)
        elif _marked(g.move_old, outside) or _marked(g.move_old, before):
            move.old_dates.append(d)
        elif _marked(g.move_new, outside) or _marked(g.move_new, before):
            move.new_dates.append(d)
        elif verb and d.end <= verb.start() and not instead:
            move.old_dates.append(d)  # "Saturday's match is postponed", "el partido de mañana..."
        else:
            move.new_dates.append(d)
    for t in clause.times:
        if not clause.start <= t.start < clause.end:
            move.new_times.append(t)  # "..., nicht am Montag! Uhrzeit bleibt 18:30": said after it
            continue
        if corrected and not (verb or instead):
            # "ya no es el viernes, es el sábado de 8 de la noche a 8": the hour of the day beside it
            nearest = min(clause.dates, key=lambda x: min(abs(t.start - x.end), abs(x.start - t.end)))
            (move.old_times if move.is_old(nearest) else move.new_times).append(t)
            continue
        if retimed and not corrected:
            # "c'est 8h15 pas 8h, ils ont changé l'horaire": the hour denied is the old one,
            # whatever verb follows
            (move.old_times if t in denied_times else move.new_times).append(t)
            continue
        # a range's mention opens with its preposition ("instead of 10 to 2"): read it as before
        opening = re.match(r"(\D*?)\s*\d", ctx.low[t.start:t.end])
        opens = opening.group(1) if opening else ""
        if t.end_hour is not None and opens.strip() in g.t.from_words:
            opens = ""  # "von 10 bis 12" is a range, not a move "from" 10
        before = ctx.low[max(clause.start, t.start - 24):t.start] + opens
        if _marked(g.move_old, before) and not _marked(g.move_new, before):
            move.old_times.append(t)
        elif _marked(g.move_new, before):
            move.new_times.append(t)
        elif move.new_dates:  # "auf Donnerstag 18 Uhr verlegt": the time goes with its day
            nearest = min(clause.dates, key=lambda x: min(abs(t.start - x.end), abs(x.start - t.end)))
            # "Donnerstag statt Mittwoch, 20 Uhr": an hour set off from the old day is the new one's
            apart = nearest.end <= t.start and bool(_SET_OFF.search(ctx.low, nearest.end, t.start))
            # "thursday instead of wednesday this week at like 7": the one hour, after the day
            # replaced, is the event's ("Donnerstag 19 Uhr statt Mittwoch 20 Uhr" has two)
            replaced = len(clause.times) == 1 and nearest.end <= t.start and instead is not None \
                and instead.end() <= nearest.start
            (move.old_times if move.is_old(nearest) and not apart and not replaced
             else move.new_times).append(t)
        elif verb and t.end <= verb.start() and not instead:
            move.old_times.append(t)  # "Saturday 10am match moved": that was the old time
        else:
            move.new_times.append(t)
    if not move.in_clause and not move.new_dates:
        return None  # a lead's "verschoben" with no day to move to: nothing to read here
    return move


def _opening(mention: str) -> str:
    """A date mention's own leading words ('from 26th', 'vom 12.'): they mark it as a move's old
    or new day as the words before it would."""
    m = re.match(r"(?:[^\W\d_]+\s+){1,2}(?=\d)", mention)
    return " " + m.group(0) if m else ""


def _old_day(old: DateMention, new: DateMention, today: date, direction: str | None = None) -> date:
    """The day moved from, when it is said by a bare weekday or day number. A bare weekday is
    its coming one, today included (an event is moved before it happens): 'reportée au jeudi
    13 avril au lieu de samedi' is this Saturday, not the one after the 13th; 'ya no es el
    miércoles' on a Wednesday is today. A bare day number is the one of that number nearest
    the new day: before it when the move postpones ('vom 12. auf den 19. Juni'), after it when
    it brings forward ('avancée au 4 déc. (au lieu du 11)': 11 December); said plainly, the
    one before unless the one after is clearly nearer."""
    # "nicht am Donnerstag, sondern am Dienstag nächste Woche": the week said after the new
    # day frames the new day, not the one denied before it
    framed_later = old.context is not None and old.context[0] > new.start
    if old.kind == "weekday" and (old.bare or framed_later) and old.last is None:
        coming = today + timedelta(days=(old.day.weekday() - today.weekday()) % 7)
        return coming if coming <= new.day else old.day
    if old.kind != "ordinal" or new.kind != "explicit":
        return old.day
    months = [(new.day.year + (new.day.month + k - 1) // 12, (new.day.month + k - 1) % 12 + 1)
              for k in (-1, 0, 1)]
    days = [d for y, m in months if (d := safe_date(y, m, old.day.day)) is not None]
    earlier, later = [d for d in days if d < new.day], [d for d in days if d > new.day]
    if not earlier or not later:
        return old.day
    before, after = earlier[-1], later[0]
    if direction == "earlier" or (direction is None and (after - new.day) * 2 < (new.day - before)):
        return after
    return before


# Which way a move goes, when it says so: "postponed", "reportée", "adiado" put the new day
# later; "brought forward", "avancée", "vorverlegt", "adelantado" earlier.
_POSTPONED = re.compile(r"\b(?:postponed|pushed back|put back|delayed|moved back|aplazad[oa]s?|"
                        r"pospuest[oa]s?|retrasad[oa]s?|se retrasa|nach hinten|report[ée]e?s?|"
                        r"repouss[ée]e?s?|adiad[oa]s?|atrasad[oa]s?)\b", re.I)
_BROUGHT_FORWARD = re.compile(r"\b(?:brought forward|moved up|moved forward|adelantad[oa]s?|"
                              r"se adelanta|anticipad[oa]s?|vorverlegt|vorgezogen|avanc[ée]e?s?|"
                              r"antecipad[oa]s?|adiantad[oa]s?)\b", re.I)


def _direction(ctx: Context, clause: Clause) -> str | None:
    text = ctx.low[clause.segment[0]:clause.segment[1]]
    if _POSTPONED.search(text):
        return "later"
    if _BROUGHT_FORWARD.search(text):
        return "earlier"
    return None


# A move by a week or two: "um eine Woche verschoben", "reportée d'une semaine", "pushed back a
# week", "aplazado una semana", "adiado uma semana".
_BY_WEEKS = re.compile(r"\b(?:um (?:eine|zwei) wochen?|d['’]une semaine|de deux semaines|"
                       r"(?:by |back )?(?:a|one|two) weeks?|a fortnight|(?:una|dos) semanas?|"
                       r"(?:uma|duas) semanas?)\b", re.I)


def _standing_old_day(ctx: Context, clause: Clause, new: DateMention) -> date | None:
    """'el Body Pump de los martes a las 20:00 pasa al miércoles': a weekly day, said before the
    move verb and read as no date of its own, was the old one; its coming day is what moves."""
    verb = ctx.g.move.search(ctx.low, clause.start, clause.end)
    if verb is None:
        return None
    for m in ctx.g.weekday.finditer(ctx.low, clause.start, verb.start()):
        weekday = ctx.g.weekday_of.get(m.group(0).lower())
        if weekday is None or any(x.start <= m.start() < x.end for x in clause.dates):
            continue
        days = (weekday - ctx.today.weekday()) % 7
        old = ctx.today + timedelta(days=days)
        return old if old != new.day else None
    return None


def _previous_start(ctx: Context, move: _Move, d: DateMention, assignment_time: TimeMention | None,
                    clause: Clause) -> str | None:
    """The old start the text states: the old day (with its old time), or the same day at the
    old time ("um halb acht statt um acht")."""
    day: date | None = _old_day(move.old_dates[0], d, ctx.today, _direction(ctx, clause)) \
        if move.old_dates else _standing_old_day(ctx, clause, d)
    old_time = move.old_times[0] if move.old_times else None
    if day is None and old_time is None:
        # "verschieben wir Sölden um eine Woche, also auf Samstag 3.3.": a week before the new day
        by = _BY_WEEKS.search(ctx.low, clause.segment[0], clause.segment[1])
        if by is None:
            return None
        weeks = 2 if re.search(r"two|zwei|deux|dos|duas|fortnight|quinze|15", by.group(0)) else 1
        return (d.day - timedelta(days=7 * weeks)).isoformat()
    day = day or d.day
    if old_time is None:
        return day.isoformat()
    period = period_near(ctx.low[clause.start:clause.end], ctx.g, old_time.start - clause.start,
                         old_time.end - clause.start, None)
    if period is None and assignment_time is not None and assignment_time.literal \
            and assignment_time.meridiem is None and old_time.meridiem is None:
        # "on Thu 22 Jan at 10:40 has been moved to Tue 17 Feb at 15:20": a 24-hour clock for
        # the new time is the clock of the old one too
        old_time = replace(old_time, literal=True)
    elif period is None and assignment_time is not None:
        new_hour, _ = resolve_hours(assignment_time, None)
        # "moved to 5.45am (not 6.30)": the old hour is on the new one's side of noon when the
        # new one says which side it is
        said = assignment_time.meridiem is not None or assignment_time.literal
        period = ("pm" if new_hour.hour >= 12 else "am") if said \
            else _side_nearest(old_time, new_hour)
    hour, _end = resolve_hours(old_time, period)
    return datetime.combine(day, hour, tzinfo=ctx.zone).isoformat()


def _side_nearest(old_time: TimeMention, new_hour: time) -> str | None:
    """When the new hour's side of noon is only guessed, the old hour's side is the one nearer
    to it: "um halb acht statt um acht" (evening, both), "was Thursday 10:15, now Friday at
    3:40" (10:15 in the morning, not 22:15)."""
    if old_time.meridiem is not None or old_time.literal or not 1 <= old_time.hour <= 12:
        return None
    new_minutes = new_hour.hour * 60 + new_hour.minute
    am = (old_time.hour % 12) * 60 + old_time.minute
    return "am" if abs(am - new_minutes) <= abs(am + 720 - new_minutes) else "pm"


# ------------------------------------------------------------------------- one date


_RANGE_GLUE = re.compile(r"^\s*\)?\s*(?:-|–|—|to|till|until|through|thru|au|al|a|à|bis|até|hasta|"
                         r"jusqu'au|jusqu’au)\s*(?:the\s+|le\s+|el\s+|o\s+|den\s+|zum\s+)?$", re.I)


def _timed_until(ctx: Context, clause: Clause, d: DateMention,
                 assignment: dict[int, TimeMention]) -> tuple[DateMention, TimeMention] | None:
    """'from Friday 6pm to Sunday 4pm', 'du vendredi 18h au dimanche 15h': one event across
    days, not two."""
    later = [x for x in clause.dates if x.start > d.start]
    if not later or d.last is not None:
        return None
    other = later[0]
    # "Thu – on call from 6pm till Fri 8am": the hour between the days is the first day's
    t = assignment.get(id(d)) or next((x for x in clause.times if d.end <= x.start and x.end <= other.start
                                       and _RANGE_GLUE.match(ctx.low[x.end:other.start])), None)
    if t is None:
        return None
    other_time = assignment.get(id(other))
    if other_time is None or other.last is not None or not d.day < other.day:
        return None
    gap_start = max(d.end, t.end) if t.start >= d.end else d.end
    if not _RANGE_GLUE.match(ctx.low[gap_start:other.start]) or (other.day - d.day).days > 14:
        return None
    assignment[id(d)] = t  # the first day starts at its hour, wherever the hour was assigned
    return other, other_time


_FROM_BEFORE = re.compile(r"\b(?:from|ab|vom|von|desde|du|de|a partir d[eo]l?|à partir d[eu]|dès|das|do|"
                          r"starting)\s*$", re.I)
# "closed Monday, December 23 through Friday, January 3": a span with no "from" before it
_THROUGH = re.compile(r"\s*(?:through|thru|bis und mit|jusqu['’]au|hasta el|até (?:ao|o|dia))\s*$", re.I)
_INCLUSIVE = re.compile(r"\s*(?:einschließlich|einschliesslich|inklusive|inclusive|incluido|inclus|"
                        r"incluso|inclusivo)\b", re.I)


def _untimed_until(ctx: Context, clause: Clause, d: DateMention,
                   assignment: dict[int, TimeMention]) -> DateMention | None:
    """'ab morgen bis einschließlich Sonntag', 'from tomorrow until Sunday inclusive', 'closed
    Monday, December 23 through Friday, January 3': two days with no hour, from the one to the
    other, are one span (the later day kept)."""
    if id(d) in assignment or d.last is not None:
        return None
    later = [x for x in clause.dates if x.start > d.start]
    if not later or later[0].last is not None:
        return None
    other = later[0]
    hours = assignment.get(id(other))
    if hours is not None and (hours.end_hour is None or hours.start < other.end):
        return None  # "from Friday until Sunday 6pm" ends then; "Mon 26th to Fri 30th, 8am–6pm" is daily
    gap = _INCLUSIVE.sub(" ", ctx.low[d.end:other.start])
    # two dates each with its day number ("Mo 16.6. bis Fr 20.6.") need no "from" to be a span,
    # unless something moves from the one to the other
    dated = _has_day_number(ctx.work[d.start:d.end]) and _has_day_number(ctx.work[other.start:other.end]) \
        and not ctx.g.move.search(ctx.low, clause.start, clause.end)
    said_from = _FROM_BEFORE.search(ctx.low, max(clause.start, d.start - 12), d.start)
    if not (dated or said_from or _THROUGH.match(gap)):
        return None
    if not _RANGE_GLUE.match(gap) or not 0 < (other.day - d.day).days <= 31:
        return None
    return other


_AHEAD = re.compile(
    r"\b(?:next|upcoming|coming up|this coming|will|próxim[oa]s?|proxim[oa]s?|siguiente|nächste[nrs]?|"
    r"kommende[nrs]?|prochaine?s?|seguinte|is on|are on)\b", re.I
)
# The week just gone, said before a bare weekday of the same clause: that weekday is in it.
_PAST_WEEK = re.compile(r"\b(?:last week|(?:la )?semana pasada|(?:na )?semana passada|"
                        r"letzte woche|vorige woche|vergangene woche|la semaine (?:dernière|passée))\b",
                        re.I)
_TURNS = re.compile(r"[,;]|\b(?:but|mas|pero|aber|mais|sondern|doch)\b", re.I)


# The weekend just gone: its Saturday and Sunday, said later in the sentence, are its days.
_PAST_WEEKEND = re.compile(r"\b(?:last weekend|(?:el )?(?:finde|fin de semana) pasado|"
                           r"(?:no |o )?(?:fim de semana|fds) passado|letztes wochenende|"
                           r"vergangenes wochenende|(?:le )?week-?end (?:dernier|passé))\b", re.I)
_SENTENCE_TURNS = re.compile(r"[.!?;\n]|\b(?:but|mas|pero|aber|mais|sondern|doch|this|next|este|"
                             r"esta|próxim[oa]|dieses|diesen|nächste\w*|ce|cette|prochaine?)\b", re.I)


def _of_past_week(ctx: Context, clause: Clause, d: DateMention) -> bool:
    """A bare weekday after 'last week' in one run of words ('Semana passada ... o jogo de quinta
    foi cancelado'); a comma or a 'but' turns to another week ('..., mas quinta tem treino').
    A Saturday or Sunday after 'last weekend' in the same sentence is that weekend's ('Covered
    the on-call last weekend, got paged at 3am Saturday')."""
    found = [m.end() for m in _PAST_WEEK.finditer(ctx.low, clause.start, d.start)]
    if found and not _TURNS.search(ctx.low, found[-1], d.start):
        return True
    if d.day.weekday() < 5:
        return False
    sentence = max(ctx.low.rfind(mark, 0, d.start) for mark in ".!?\n") + 1
    weekend = [m.end() for m in _PAST_WEEKEND.finditer(ctx.low, sentence, d.start)]
    return bool(weekend) and not _SENTENCE_TURNS.search(ctx.low, weekend[-1], d.start)


_LAST_BEFORE = re.compile(r"\b(?:last|letzten|vorigen|vergangenen)\s+$", re.I)
_LAST_AFTER = re.compile(r"\s+(?:pasado|passado|passada|dernier|passé)\b", re.I)


def _last_weekday(ctx: Context, d: DateMention) -> bool:
    """A weekday called the last one ('got cancelled last Friday', 'el sábado pasado', 'samedi
    dernier'): the one behind us, called off or not, whatever the tables read ahead."""
    if any(c.isdigit() for c in ctx.low[d.start:d.end]):
        return False  # "pour le vendredi 17 dernier délai": a dated day is that date
    return bool(_LAST_BEFORE.search(ctx.low, max(0, d.start - 12), d.start)
                or _LAST_AFTER.match(ctx.low, d.end))


# What has not happened yet is no past: "O IPTU vence dia 15, quem ainda não pagou corre".
# (?=[...]) in front of a list of phrases holds their first letters: one cheap test at each
# position before the many alternatives are tried (same matches, two to three times faster).
_NOT_YET = re.compile(r"(?=[anpt])\b(?:ainda n[ãa]o|todav[ií]a no|a[úu]n no|noch nicht|pas encore|not yet)"
                      r"(?:\s+(?:ha|han|has|have|tem|têm|a|ont))?\s+[^\W\d_]+", re.I)
_PRESENT = re.compile(r"\b(?:is|are|will|'ll|es|son|será|serán|ist|sind|wird|werden|est|sont|sera|"
                      r"seront|é|são|vai|vão|será|hay|há|gibt)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:i'?ll|i will|i can|i'?m going to|i need to|i have to|i must|"
                           r"ich muss|ich werde|je dois|je vais|tengo que|voy a|tenho que|vou)\b", re.I)


def _event_for(ctx: Context, clause: Clause, d: DateMention, t: TimeMention | None,
               move: _Move | None, message: _Message,
               until: tuple[DateMention, TimeMention] | None) -> tuple[FoundEvent, bool] | None:
    g = ctx.g
    own = ctx.low[clause.start:clause.end]
    bounds = core_bounds(ctx.low, d.start, clause, g)
    core = ctx.low[slice(*bounds)]
    moved = bool(move and move.new_dates and not move.is_old(d)) or bool(
        move and not move.new_dates and move.new_times and t is not None)
    moved_here = moved and bool(move and move.in_clause)  # the clause itself says so
    kind, cancelled = _kind_of(ctx, clause, d, own, ignore_moves=moved, t=t)
    if moved and cancelled and move is not None and move.old_dates:
        cancelled = False  # "ya no es el viernes, es el sábado": the calling off is the old day's
    rest = _without_dates(ctx, clause, message).strip()
    repeated = kind == "event" and not cancelled and message.previous is not None \
        and (_only_too(ctx, rest) or _too_before(ctx, clause, rest) or (t is None and _only_listed(rest) and (
            message.previous.cancelled or message.previous.kind == "closure")))
    if repeated and message.previous is not None:
        kind, cancelled = message.previous.kind, message.previous.cancelled  # "..., am Freitag danach auch"
    if kind == "closure" and g.limit.search(ctx.low[max(clause.start, d.start - 20):d.start]):
        return None  # "Ferien bis 12. September": where a closure ends, not a closed day
    if _OWN_ABSENCE.search(_without_dates(ctx, clause, message)):
        return None  # "wir sind ab Montag in den Ferien": a family away, nothing closes
    if move and not moved and move.is_old(d):
        cancelled = True  # "Saturday's match is postponed": that day is off, no new one given
    if cancelled and not move and g.limit.search(ctx.low[max(clause.start, d.start - 20):d.start]):
        return None  # "flight got cancelled so we're stuck in Malaga till Thursday"
    if (cancelled or (kind == "closure" and _HEDGED.search(own))) and not move and _asked(ctx, clause):
        # "Che, ¿se suspendió lo del domingo?", "think the kids might get a snow day tomorrow?":
        # asking, not calling it off or closing
        return None
    if kind == "deadline":  # "to be paid before the 15th": a passive, not a past
        own, core = _PASSIVE.sub(" ", own), _PASSIVE.sub(" ", core)
    # names read as no verbs: "... del colegio San Bartolomé" is no "llegué"
    own_said = ctx.low_unnamed[clause.start:clause.end]
    core_said = ctx.low_unnamed[slice(*bounds)]
    if kind == "deadline":
        own_said, core_said = _PASSIVE.sub(" ", own_said), _PASSIVE.sub(" ", core_said)
    if not cancelled and not moved and _in_past(ctx, own_said, core_said, t) \
            and not (kind == "closure" and not any(p.search(core) for p in ctx.past)):
        return None  # but "school closed Monday ..., notice from the principal just came" is news
    if d.kind == "weekday" and not moved and (_of_past_week(ctx, clause, d) or _last_weekday(ctx, d)):
        return None  # "Semana passada choveu tanto que o jogo de quinta foi cancelado": that week's
    if _MAYBE_BEFORE.search(ctx.low, max(clause.start, d.start - 16), d.start):
        return None  # "next one maybe Tuesday": a guess, neither a plan nor a calling off
    if moved and _IF_SENTENCE.match(ctx.low, clause.segment[0], d.start):
        return None  # "Si y pleut on remet ça à dimanche": a fallback, not a move
    if not cancelled and message.previous is not None and not message.previous.cancelled \
            and _IF_WEATHER.match(ctx.low, clause.segment[0], d.start):
        return None  # "..., 10am-noon. If it pours we'll push to Sunday": the rain day, a fallback
    if not cancelled and _chatter(ctx, clause, d, t, own, message.plan, kind):
        return None
    if t is None and not cancelled and not moved and kind == "event" and _declined(ctx, clause, d):
        return None
    if not cancelled and not moved and kind == "event" and _own_whereabouts(ctx, bounds, d):
        return None  # "Sábado eu só chego 9h30": when the writer arrives, not an event
    last = d.last or d.day
    if last < ctx.today or (until is not None and until[0].day < ctx.today):
        return None
    if kind == "event" and t is None and not moved and not names_event(g, own) \
            and _FROM_DAY.search(ctx.low[max(clause.start, d.start - 16):d.start]):
        return None  # "Rent going up from April 1st": a change from then on
    if not moved and _SINCE.search(ctx.low[max(clause.start, d.start - 12):d.start]):
        return None  # "Depuis lundi le bus passe toutes les 10 minutes": how things are since then
    if t is None and not moved and not cancelled \
            and _REST_ONLY.fullmatch(_without_dates(ctx, clause, message)):
        return None  # a rota's "Miércoles: descanso", "qua – folga", "Wed – off": a day off is no event
    resumes = kind == "event" and not cancelled and _resumes(ctx, clause, message)
    if kind == "event" and t is None and not moved and not cancelled and not resumes \
            and _says_nothing(ctx, clause, message):
        return None  # "..., back Mon 13th April": a day with no words of its own
    if kind == "event" and not moved and not cancelled and not resumes \
            and (t is None or (message.previous is not None and message.previous.kind == "closure")) \
            and _BACK_ONLY.fullmatch(_without_dates(ctx, clause, message)):
        # "Feriado: ..., regresamos el miércoles 3": the day things go on again; after closed
        # days, with its hour too ("não tem aula segunda nem terça, volta quarta depois do meio-dia")
        return None
    if kind == "event" and t is None and not moved and not cancelled and message.previous is not None \
            and message.previous.kind == "closure" and _goes_on_again(_without_dates(ctx, clause, message)):
        # "... encerrada na quinta e na sexta. As AEC retomam na segunda": things go on (but
        # "el lunes 25 vuelven con prueba de mate" names what comes)
        return None
    if d.bare and t is None and not moved and kind == "event" and _RETRO.search(own) \
            and _OF_DAY.search(ctx.low[max(clause.start, d.start - 8):d.start]):
        return None  # "Swim meet results from Saturday are up": the Saturday that was
    if t is None and not moved and kind == "event" and (d.day - ctx.today).days > 90 \
            and _RETRO.search(own) and _OF_FAR_DAY.search(ctx.low[max(clause.start, d.start - 12):d.start]):
        return None  # "Ba' game photos from the 1st of January are up", said in June: that one
    if d.past_day is not None and t is None and not moved and kind == "event" \
            and not _AHEAD.search(own) and not g.plan.search(own) and _means_past_day(ctx, d, own):
        return None  # "photos from the 24th?" said on the 28th
    if d.kind == "week" and t is None and kind == "event" and not cancelled and not moved \
            and (_asked(ctx, clause) or _SOME_DAY_IN_WEEK.search(own)):
        return None  # "nächste Woche mal zum Brocken?", "algún día de la semana que viene": a
        # week asked about, or some day in it, sets no day ("book fair all next week" does)
    # what comes back after a called-off event is named by it ("..., vuelve el 21")
    named_here = names_event(g, own) or kind != "event" or _names_a_feast(ctx, clause, d) or resumes
    # "El picnic de la iglesia es este sábado", "la vacunación del viernes", "Kizomba na sexta,
    # bora?": the sentence's shape says there is a "what", though the tables lack its noun
    shaped = not named_here and _shaped_what(ctx, clause, d)
    named_lead = (clause.lead is not None and names_event(g, ctx.low[clause.lead[0]:clause.lead[1]])) \
        or _under_a_named_heading(ctx, clause) or _a_rota_slot(ctx, clause)
    strength = _STRENGTH[d.kind] + (0.05 if d.last is not None else 0.0)  # ranges are deliberate
    if d.kind == "weekday" and _has_day_number(ctx.work[d.start:d.end]):
        strength = _STRENGTH["explicit"] - 0.05  # "Thursday the 22nd", "jeudi le 18"
    slot = ctx.low[d.end:d.end + 16]
    part_of_day = bool(g.pm.search(slot) or g.am.search(slot))  # "Friday night", "sábado por la tarde"
    if t is None and (part_of_day or d.period):
        strength += 0.1  # "Friday night", "tonight": a slot of the day, not just a day
    limit = g.limit.search(ctx.low[max(clause.start, d.start - 20):d.start]) if kind == "event" else None
    if limit and not (named_here and _FOR_THE_DAY.match(limit.group(0))):
        strength -= 0.35  # "the Wi-Fi is down till Monday": a limit with nothing due ("la carne
        # asada para el domingo": "para" before an event's day is the day it is for)
    if kind == "event" and (_WINDOW.search(own) or _ALTERNATE.search(own)):
        strength -= 0.35  # "registration opens Jan 15", "rain date: May 19": nobody meets then
    if g.decline.search(core):  # "..., so I'll be late to drop off" declines nothing
        strength -= 0.3
    # The "what" next to the date counts fully; one elsewhere in the message less
    # ("party on Saturday ... invites in book bags today": today is not the party).
    named = 0.25 if named_here else 0.2 if (named_lead or clause.borrowed or shaped) \
        else 0.15 if message.noun else 0.0
    # a lead that says "verschoben" names the event for the day it moves to, not the reason's
    # day ("Grillen verschoben – Donnerstag ist Regen angesagt, wir machen Freitag 18 Uhr")
    lead_counts = named_lead and (len(_clauses_in(message, clause.segment)) <= 1
                                  or not (move and not move.in_clause))
    # "will bring it tonight", "but Friday is fine": a day said in passing, with no time, no
    # part of the day, no "what" and no calendar date, plans nothing (unless the model, below,
    # finds a "what" the tables do not know: "Mañana viene el técnico de la caldera")
    in_passing = t is None and not named_here and not shaped and not lead_counts and not cancelled \
        and not resumes \
        and not moved_here \
        and (d.last is None or d.kind in ("weekend", "week")) \
        and d.kind not in ("explicit", "numeric", "holiday") \
        and not _has_day_number(ctx.work[d.start:d.end]) \
        and not part_of_day
    score = strength + (0.3 if t and d.last is None else 0.1 if t else 0.0) + named \
        + (0.1 if message.plan else 0.0)
    if t is not None and t.end_hour is not None:
        score += 0.05
    if kind != "event" or moved_here:
        score = max(score, THRESHOLD + 0.1)
    model = learned.active_model()
    judged = kind == "event" and not cancelled and not moved_here and (
        learned.is_collecting() or (model is not None and (in_passing or score < THRESHOLD + model.band)))
    if in_passing and not judged:
        return None
    # a deadline or closure has no venue; what is called off keeps its own, which a move of it
    # takes ("the hike ... at Arrábida is off, moved to Saturday")
    location = location_for(ctx, clause, d, t, message.blanks) if kind == "event" else None
    if not location and kind == "event" and not cancelled and _same_place(ctx, clause):
        # "Dress rehearsal the Thurs before, same venue", "Generalprobe ... am gleichen Ort"
        location = (message.previous.location if message.previous is not None else None) \
            or place_said_before(ctx, clause.start)
    if location:
        score += 0.1  # a day and a place: "nos vemos el 26 en casa de los abuelos"
    if judged:
        cues = _cues(ctx, clause, d, t, message, score, location is not None, in_passing,
                     named_here=named_here, named_lead=named_lead, part_of_day=part_of_day,
                     limit=limit is not None)
        learned.record(cues, d.day.isoformat())
        if model is not None:
            probability = model.probability(cues)
            if probability < 0.5:
                return None
            score = probability
        elif in_passing or score < THRESHOLD:
            return None
    elif not cancelled and score < THRESHOLD:
        return None
    title = title_for(ctx, clause, d, message.blanks, kind, t.start if t is not None else None)
    if cancelled:
        title = _what_is_off(ctx, clause, title) or title
    rota = _rota(ctx)
    if kind == "event" and not cancelled and (t is None or t.end_hour is None) and rota is not None \
            and _a_rota_slot(ctx, clause):
        # (a shift with its own hours is titled by itself: "Dienstplan: Mo-Mi: ich, Nacht 19-7")
        title = rota_title(ctx, rota[0], title)
    previous = message.previous
    if previous is not None and (resumes or (
            kind == "event" and not cancelled and previous.cancelled
            and (g.sign_off.fullmatch(title.lower().strip(" !.,"))
                 or _NEXT_ONE.fullmatch(title.lower().strip(" !.,"))))):
        # "No drumming this Friday ... Back next Friday 16th same time 4pm", "Não há aulas na
        # sexta; retomamos terça 13 às 15h", "Rehearsal's off tonight ... See everyone next
        # Wednesday": what comes back is what was called off
        title = _called_off(ctx, previous.title) or title
    if repeated and message.previous is not None and kind == "closure":
        title = message.previous.title  # "..., keine Schule, und am Montag ... auch nicht"
    if previous is not None and kind == "event" and not previous.cancelled \
            and (one_of := _THE_ONE_OF.fullmatch(title)) and one_of.group(1).lower() in g.month_of:
        title = previous.title  # "El de noviembre es el jueves 29": the November one of what was said
    end_mention = until[1] if until else t
    evidence_start = min(d.start, t.start) if t else d.start
    evidence_end = max(d.end, end_mention.end) if end_mention else d.end
    common = {
        "title": title,
        "location": location,
        "confidence": min(0.99, round(score, 3)),
        "tz": message.tz_name,
        "lang": g.t.code,
        "cancelled": cancelled,
        "evidence": ctx.text[evidence_start:evidence_end],
        "kind": kind,
        "moved": moved,
        "previous_start": _previous_start(ctx, move, d, t, clause) if move and moved else None,
    }
    named_any = named_here or named_lead
    if t is None or d.last is not None or kind != "event" or cancelled:
        return FoundEvent(start=d.day.isoformat(), end=d.last.isoformat() if d.last else None,
                          all_day=True, **common), named_any  # type: ignore[arg-type]
    period = period_near(own, g, t.start - clause.start, t.end - clause.start, _shifted(d, clause))
    what = own + (" " + message.previous.title.lower() if resumes and message.previous is not None else "")
    if period is None and g.evening_noun.search(what) and not _clock_written(ctx, t):
        period = "late"
    elif period is None and (g.early.search(ctx.low, *_piece_of(ctx, clause, t))
                             or (g.early.search(ctx.low, _segment_start(ctx, t.start), t.end)
                                 and not OWN_START.search(ctx.low, *_piece_of(ctx, clause, t)))):
        # "Bus leaves the clubhouse at 7.15" is the morning's; but in "we play at Delph at 4.15,
        # coach from the bandroom at 1" the coach is another piece's
        period = "early"
    elif period is None and _EARLY_SAID.search(ctx.low, t.end, _segment_end(ctx, t.start)):
        period = "early"  # "crew needed at the slipway by 7 on Saturday, early one!"
    if period == "late" and t.literal and t.meridiem is None and 1 <= t.hour <= 7 \
            and not _clock_written(ctx, t):
        period = "pm"  # "le souper ... c'est samedi à 5h30": supper is not at dawn
    start_time, end_time = resolve_hours(t, period)
    if period is None:
        start_time, end_time = _later_today(ctx, d, t, start_time, end_time)
    start = datetime.combine(d.day, start_time, tzinfo=ctx.zone)
    end: datetime | None
    if until is not None:
        until_time, _ = resolve_hours(until[1], period_near(own, g, until[1].start - clause.start,
                                                            until[1].end - clause.start, None))
        end = datetime.combine(until[0].day, until_time, tzinfo=ctx.zone)
    elif end_time is None and (overnight := _overnight_end(t, start_time)) is not None:
        end = datetime.combine(d.day + timedelta(days=1), overnight, tzinfo=ctx.zone)
    else:
        end = datetime.combine(d.day, end_time, tzinfo=ctx.zone) if end_time else None
    if end is None and (back := _return_time(ctx, clause, t, start_time)) is not None:
        end = datetime.combine(d.day, back, tzinfo=ctx.zone)  # "salida 9:00 y regreso a las 18:00"
    return FoundEvent(start=start.isoformat(), end=end.isoformat() if end else None, all_day=False,
                      **common), named_any  # type: ignore[arg-type]


_RETURN = re.compile(rf"\b(?:{_WAY_BACK})\b[^\d\n.!?;]{{0,32}}$", re.I)  # the way back, then its hour


def _return_time(ctx: Context, clause: Clause, t: TimeMention, start: time) -> time | None:
    """The hour of the way back, said after the start in the same clause, when later."""
    for later in clause.times:
        if later.start > t.end and later.end_hour is None \
                and _RETURN.search(ctx.low, max(clause.start, later.start - 28), later.start):
            return _later_hour(later, start)
    return None


def _later_hour(t: TimeMention, start: time) -> time | None:
    """An hour said after a start on the same day ("retour vers 6" after 9:00 is 18:00), when
    it is later than the start."""
    afternoon = t.meridiem is None and t.hour < start.hour
    hour, _ = resolve_hours(t, "pm" if afternoon else None)
    return hour if hour > start else None


def _overnight_end(t: TimeMention, start: time) -> time | None:
    """The end of a range that runs past midnight ("Wed 11pm-7am", "Freitag 22–6"): an evening
    start and an end written as a morning hour, by am or by the 24-hour clock."""
    if t.end_hour is None or start.hour < 18:
        return None
    if t.end_meridiem == "am" or (t.literal and t.end_meridiem is None and t.end_hour < 12):
        hour = 0 if t.end_meridiem == "am" and t.end_hour == 12 else t.end_hour
        if (hour, t.end_minute or 0) < (start.hour, start.minute):
            return time(hour, t.end_minute or 0)
    return None


def _later_today(ctx: Context, d: DateMention, t: TimeMention, start: time,
                 end: time | None) -> tuple[time, time | None]:
    """'Musikprobe heute erst um halb neun', said at seven in the evening: a bare morning hour
    of today that has already gone by is the evening's, when the evening's is still to come."""
    if d.day != ctx.today or t.meridiem or t.end_meridiem or t.literal or not 1 <= start.hour < 12:
        return start, end
    now = ctx.ref.time().replace(tzinfo=None)
    evening = start.replace(hour=start.hour + 12)
    if start >= now or evening <= now:
        return start, end
    later_end = end.replace(hour=end.hour + 12) if end is not None and end.hour < 12 else end
    return evening, later_end


_RETRO = re.compile(r"\b(?:photos?|pics?|pictures?|videos?|fotos?|bilder|vidéos?|vídeos?|results?|scores?|"
                    # "¿Os acordáis de la excursión del 14?": a day remembered is the day that was
                    r"remember|acord[aá]is|acuerdan|recuerdan|record[aá]is|erinnert|erinnern|souvenez|"
                    r"souviens|lembram|lembra|lembras|"
                    r"highlights|resultados?|ergebnisse?|résultats?|"
                    r"recap|replay|résumé|resumen|resumo|rückblick)\b", re.I)


_FOR_THE_DAY = re.compile(r"(?:para|pour|pra)\b", re.I)
_OF_FAR_DAY = re.compile(r"\b(?:from|of|de|del|vom|von|du|do|da)\s+(?:the\s+)?$", re.I)
_OF_DAY = re.compile(r"\b(?:from|of|de|del|vom|von|du|do|da)\s+$", re.I)


def _means_past_day(ctx: Context, d: DateMention, own: str) -> bool:
    """A bare day number whose last occurrence is much nearer than its next, or that photos
    are asked of, names the day that was."""
    assert d.past_day is not None
    back, ahead = (ctx.today - d.past_day).days, (d.day - ctx.today).days
    return bool(_RETRO.search(own)) or back * 2 <= ahead


def _says_nothing(ctx: Context, clause: Clause, message: _Message) -> bool:
    """The clause is a day and, at most, words of logistics ("back", "départ") or greeting,
    with no lead or heading to say what it is for."""
    if clause.lead is not None or ctx.flyer or clause.borrowed:
        return False
    words = [w for w in re.findall(r"[^\W\d_]{3,}", _without_dates(ctx, clause, message))
             if not ctx.g.date_words.fullmatch(w)]
    return all(ctx.g.logistics.fullmatch(w) for w in words)


def _without_dates(ctx: Context, clause: Clause, message: _Message) -> str:
    """The clause's words with its dates and times taken out ("wir sind ab  für zwei Wochen...")."""
    chars = list(ctx.low[clause.start:clause.end])
    for a, b in message.blanks:
        a, b = max(a, clause.start) - clause.start, min(b, clause.end) - clause.start
        if a < b:
            chars[a:b] = " " * (b - a)
    return re.sub(r"\s+", " ", "".join(chars))


def _without_places(ctx: Context, clause: Clause, words: str) -> str:
    """The clause's words without the place phrases it names ("El jueves normal, 6:30 pm en el
    coliseo"): where it is says nothing of what it is."""
    for m in ctx.g.place.finditer(ctx.text, clause.start, clause.end):
        place = ctx.low[m.start():m.end(1)].strip()
        if place:
            words = words.replace(place, " ")
    return words


def _segment_start(ctx: Context, position: int) -> int:
    return next((a for a, b in segments(ctx.text) if a <= position < b), position)


def _segment_end(ctx: Context, position: int) -> int:
    return next((b for a, b in segments(ctx.text) if a <= position < b), position)


# the day called an early one after its hour: the hour is the morning's ("leave early" is not)
_EARLY_SAID = re.compile(r"\bearly (?:one|start|doors)\b", re.I)


def _clauses_in(message: _Message, segment: tuple[int, int]) -> list[Clause]:
    return [c for c in message.clauses if c.segment == segment and not c.borrowed]


def _names_a_feast(ctx: Context, clause: Clause, d: DateMention) -> bool:
    """A named day in the clause other than the date itself, on that very day: the feast is what
    the day is for ("Samichlaus chunnt am Sunntig" on the 6th of December)."""
    for m in ctx.g.holiday.finditer(ctx.low, clause.start, clause.end):
        if d.start <= m.start() < d.end or ctx.g.greeting.search(ctx.low[max(0, m.start() - 14):m.start()]):
            continue
        rule = ctx.g.holidays.get(m.group(0).lower())
        if rule is not None and named_day(rule, ctx.today, ctx.memo.get("country")) == d.day:
            return True
    return False


def _shaped_what(ctx: Context, clause: Clause, d: DateMention) -> bool:
    """A proposal to the group, or a subject said to be on the day ("X es el sábado")."""
    g = ctx.g
    s0, s1 = clause.segment
    if g.proposal.search(ctx.low, s0, s1):
        return True
    core_start, core_end = core_bounds(ctx.low, d.start, clause, g)
    before = ctx.low[core_start:d.start]
    copula = g.copula_before.search(before)
    if copula and g.own_what.search(before[:copula.start()]):
        return True
    core = ctx.low[core_start:core_end]
    comes = g.comes.search(core)
    return comes is not None and _has_subject(ctx, core_start, core_end, core[comes.end():]) \
        and not learned.first_person(core)


_PRONOUN_SUBJECT = re.compile(r"\s*(?:sie|er|es|wir|ihr|man|du|ich)\b", re.I)


def _has_subject(ctx: Context, start: int, end: int, after_verb: str) -> bool:
    """A noun phrase of its own in the core: a determiner and a noun, or (German writes its
    nouns capitalised) a capitalised noun that is no date word, unless a pronoun after the verb
    is the subject ("Hoffentlich kommt sie morgen")."""
    if ctx.g.own_what.search(ctx.low, start, end):
        return True
    if ctx.g.t.code != "de" or _PRONOUN_SUBJECT.match(after_verb):
        return False
    nouns = re.findall(r"\b[A-ZÄÖÜ][a-zäöüß]{3,}", ctx.text[start:end])
    return any(not ctx.g.date_words.fullmatch(w) for w in nouns)


def _cues(ctx: Context, clause: Clause, d: DateMention, t: TimeMention | None, message: _Message,
          score: float, placed: bool, in_passing: bool, *, named_here: bool, named_lead: bool,
          part_of_day: bool, limit: bool) -> learned.Cues:
    """What the rules saw in a clause they are unsure of, for the learned judge."""
    g = ctx.g
    own = ctx.low[clause.start:clause.end]
    core = ctx.low[slice(*core_bounds(ctx.low, d.start, clause, g))]
    marked = list(own)
    for mention, mark in [(x, "§") for x in clause.dates] + [(x, "¤") for x in clause.times]:
        a, b = max(mention.start, clause.start) - clause.start, min(mention.end, clause.end) - clause.start
        if a < b:
            marked[a:b] = [" "] * (b - a)
            marked[a] = f" {mark} "
    text = re.sub(r"\s+", " ", "".join(marked)).strip()
    words_only = _without_dates(ctx, clause, message)
    s0, s1 = clause.segment
    segment = ctx.low[s0:s1].strip()
    question = ctx.text[s1:s1 + 1] == "?" or segment.endswith("?")
    original = "".join(c if c.strip() else " " for c in ctx.text[clause.start:clause.end])
    flags = {
        "time": t is not None, "time_range": t is not None and t.end_hour is not None,
        "day_range": d.last is not None, "day_number": _has_day_number(ctx.work[d.start:d.end]),
        "part_of_day": part_of_day or d.period is not None, "named_here": named_here,
        "named_lead": named_lead, "borrowed": clause.borrowed, "noun_elsewhere": message.noun,
        "plan_message": message.plan, "plan_here": bool(g.plan.search(core)),
        "proposal": learned.proposal(core, g.t.code), "place": placed,
        "limit": limit, "window": bool(_WINDOW.search(own) or _ALTERNATE.search(own)),
        "decline": bool(g.decline.search(core)), "question": question,
        "asks": question and bool(_ASKS.match(segment)), "first_person": learned.first_person(own),
        "own_what": learned.own_what(words_only, g.t.code), "capitalised": learned.capitalised(original),
        "in_passing": in_passing, "flyer": ctx.flyer, "several_dates": len(message.clauses) > 1,
        "words": min(1.0, len(words_only.split()) / 20), "rule_score": score,
    }
    return learned.Cues(text, g.t.code, d.kind, {k: float(v) for k, v in flags.items()})


def _shifted(d: DateMention, clause: Clause) -> DateMention:
    """The date with its offsets relative to the clause (period_near reads a clause's text)."""
    return DateMention(d.start - clause.start, d.end - clause.start, d.day, d.last, d.kind, d.period)


def _has_day_number(text: str) -> bool:
    return any(c.isdigit() for c in text)


# A sentence that opens with a condition ("If it rains we'll move it to Sunday", "Wenn es
# regnet, verschieben wir auf Sonntag", "Se chover passa para domingo"): what it moves to is a
# fallback. Spanish "se" is a pronoun, and a "si," or "sí" is a yes.
_IF_SENTENCE = re.compile(r"\W*(?:if|in case of|wenn|falls|sollte|si(?=\s+[^\W\d_])|s['’]il|en cas d[e'’]|"
                          r"en caso de|caso|em caso de|"
                          r"se(?=\s+(?:chover|chove|estiver|der|houver|fizer|tiver|nevar|n[aã]o)))\b", re.I)
# a sentence that opens on bad weather names the day the plan falls back on
_IF_WEATHER = re.compile(
    r"\W*(?:if|in case of|wenn|falls|bei|si|s['’]il|en cas d[e'’]|en caso de|caso|em caso de|se)\s+"
    r"(?:[\w'’]+\s+){0,3}?(?:rain\w*|pours?|pouring|wet|weather|storm\w*|snow\w*|llueve|llov\w*|"
    r"lluvia|tormenta|regn\w*|regen\w*|wetter|gewitter|pleut|pleuvoir|pluie|orage\w*|neige\w*|"
    r"chov\w*|chuva|tempo|temps|nevar|neva)\b", re.I)
# "we start ... once the dew's off", "if the game is off": a condition, not a calling off
_ONLY_IF = re.compile(r"\b(?:once|when|until|till|as soon as|if|unless|sobald|wenn|falls|cuando|quand|"
                      r"lorsque|quando|caso)\s+(?:\w+\s+){0,2}$", re.I)


def _kind_of(ctx: Context, clause: Clause, d: DateMention, own: str,
             ignore_moves: bool = False, t: TimeMention | None = None) -> tuple[str, bool]:
    """(kind, cancelled): a closure ("no school", "unterrichtsfrei", "Kita geschlossen"), a
    deadline ("forms due Friday", "Anmeldung bis 4.12. abgeben"), a cancellation ("no practice
    Monday"), or an event. A move's verb ("reportée à jeudi") cancels nothing."""
    g = ctx.g
    live = _LiveCues(ctx, clause, d)
    core_named = names_event(g, ctx.low[live.core[0]:live.core[1]])
    closure_words = list(g.closure.finditer(own))  # scanned once for both lists below
    every_closure = [m.span() for m in closure_words]
    dues = [m.span() for m in g.due.finditer(own)]
    closures = [m.span() for m in closure_words if live.counts(m)
                and not any(a <= m.start() < b for a, b in dues)
                and (live.in_core(m) or not core_named  # "Zeugnisse am Freitag, danach Ferien"
                     or not _THEN.search(own[max(0, m.start() - 28):m.start()]))
                and not _NAME_PART.search(own[max(0, m.start() - 8):m.start()])
                and not _BEFORE_IT.search(own[max(0, m.start() - 16):m.start()])
                and not _frames_the_day(ctx, clause, d, m, own)]
    moves = [m.span() for m in g.move.finditer(own)] if ignore_moves else []
    cancels = [m.span() for m in g.cancel.finditer(own) if live.counts(m)
               and not _CANCEL_HOW.search(own[max(0, m.start() - 20):m.start()])
               and not _ONLY_IF.search(own[max(0, m.start() - 24):m.start()])
               and not _NOT_NEEDED.match(own, m.end())  # "no appointment needed"
               and not _SUPPLY_OFF.search(own, max(0, m.start() - 24), m.end())
               and not _in_an_aside(ctx.low, clause.start + m.start(), live.core)
               and not any(a < m.end() and m.start() < b for a, b in moves + every_closure)]
    lead = ctx.low[clause.lead[0]:clause.lead[1]] if clause.lead else ""
    if lead and not cancels and g.cancel.search(lead) and not g.closure.search(lead) \
            and not g.move.search(lead):
        cancels = [(0, 0)]
    activity_cancel = [c for c in cancels if not any(a < c[1] and c[0] < b for a, b in closures)]
    if activity_cancel and any(_SCHOOL_ITSELF.search(own, max(0, a - 12), b) for a, b in activity_cancel
                               if b > 0):
        return "closure", False  # "Am Montag fällt der Unterricht aus": no school that day
    if activity_cancel and all(clause.start + a >= live.core[1] for a, _b in activity_cancel) \
            and not ignore_moves and _is_deadline(ctx, clause, d, own, t):
        # "las inscripciones hasta el viernes 24, que luego no hay plazas": what happens after
        # the day that is due, not a calling off
        return "deadline", False
    if activity_cancel:
        return "event", True
    if closures and not _CLOSURE_ENDS.search(own):
        return "closure", False
    if not cancels and lead and g.closure.search(lead) and not g.move.search(lead) \
            and not re.search(r"[^\W\d_]{4,}", own.replace(ctx.low[d.start:d.end], " ")):
        return "closure", False  # "school is closed all next week for midterm (Mon 25th – Fri 29th)"
    if not ignore_moves and _is_deadline(ctx, clause, d, own, t):  # "se cambió para el lunes": a move
        return "deadline", False
    return "event", False


def _in_an_aside(low: str, at: int, core: tuple[int, int]) -> bool:
    """'Galette des rois dimanche à 16h, chacun apporte une galette (frangipane svp, pas de
    brioche)': words inside brackets that do not hold the day are a side note; their "no"
    calls nothing off."""
    opened = low.rfind("(", 0, at)
    if opened < 0 or low.find(")", opened, at) >= 0:
        return False
    closed = low.find(")", at)
    return closed >= 0 and "\n" not in low[opened:closed] and not opened <= core[0] < closed


# School itself, not one lesson of it ("der Unterricht", not "der Schwimmunterricht")
_SCHOOL_ITSELF = re.compile(r"(?<!\bde )(?<!\bof )(?<!\bdu )(?<!\bda )(?<!\bdo )(?<!\bvon )"
                            r"(?:^|(?<=[.!?:,]\s)|\b(?:der|die|the|all|las|todas las|el|les|tous les|"
                            r"l['’]|as|todas as|a)\s*)(?:unterricht|schule|school|classes|lessons|"
                            r"clases(?! de)|colegio|cours(?! de)|école|aulas(?! de)|escola)\b", re.I)


_CLOSED_STATE = re.compile(r"(?:ferm|clôtur)ée?s?|fechad[oa]s?|encerrad[oa]s?|cerrad[oa]s?|closed|shut|"
                           r"geschlossen|zu", re.I)


def _frames_the_day(ctx: Context, clause: Clause, d: DateMention, m: re.Match[str], own: str) -> bool:
    """'Bora marcar um churrasco no feriado de Corpus Christi?': a holiday word that only names
    the day, beside an event of the clause's own, is when the event is, not a closed day."""
    gap = ctx.low[clause.start + m.end():d.start]
    if d.start < clause.start + m.end() or not re.fullmatch(r"\s*(?:de|del|of|do|da|du|von)\s+", gap):
        return False
    if _CLOSED_STATE.fullmatch(m.group(0)):
        return False  # "le gan est fermé du mercredi 20 au vendredi 22 pour les fêtes": closed then

    rest = own[:m.start()] + " " + own[m.end():]
    return names_event(ctx.g, rest)


# "Bis Samstag dann", "hasta el sábado entonces", "until Saturday then": a goodbye's "then"
_SEE_YOU_THEN = re.compile(r"\W{0,2}\s*(?:dann|then|entonces|alors|então|entao)\b", re.I)


def _is_deadline(ctx: Context, clause: Clause, d: DateMention, own: str,
                 t: TimeMention | None = None) -> bool:
    g = ctx.g
    if _FIRST_PERSON.search(own, 0, max(0, d.start - clause.start)):
        # "I'll send it by Friday": a promise, not the group's deadline ("RSVP to me by this
        # Friday so I can give the caterer numbers" is the group's: the "I" comes after)
        return False
    if g.whereabouts.search(own, 0, max(0, d.start - clause.start)):
        return False  # "estou em Braga até sexta 🙏": where the writer is until then
    live = _LiveCues(ctx, clause, d)
    if any(live.counts(m) for m in g.due.finditer(own)):
        return True
    before = ctx.low[max(clause.start, d.start - 24):d.start]
    if _SEE_YOU_THEN.match(ctx.low, d.end) and g.limit.search(before):
        return False  # "Bis Samstag dann, schaut bitte auf die Katze!": until then, a goodbye
    if g.due_for.search(before) and g.homework.search(own):
        return True  # "Hausaufgaben für Montag", "deberes para el lunes"
    if t is not None and _marked(g.limit, ctx.low[max(clause.start, t.start - 24):t.start]) \
            and g.task.search(own):
        # "Entrega del proyecto: viernes 5 antes de las 11:59 pm"; but "children must be at the
        # assembly point by 8" is when to arrive, not something due
        return not _ARRIVAL.search(own)
    if t is None and g.limit.search(before) and _PLEASE.search(own) and not _ARRIVAL.search(own):
        return True  # "Put your name beside a slot on the sheet by Fri 6th 🙏": asked for by then
    if t is None and g.limit.search(before) and _MONEY.search(ctx.text, clause.start, clause.end):
        return True  # "La señal (10€) se le da a Luismi hasta el jueves 22": money due by then
    return bool(g.limit.search(before) and g.task.search(own))


_MONEY = re.compile(MONEY, re.I)
# A request to the group, in words or by the folded hands of chat.
_PLEASE = re.compile(r"\b(?:please|pls|plz|bitte|por favor|porfa|s['’]il vous pla[iî]t|svp|merci de|"
                     r"favor de)\b|🙏", re.I)


# Being somewhere by an hour is arriving, not handing anything in.
_ARRIVAL = re.compile(r"\b(?:be|arrive|get|report)\s+(?:at|there|here|in)\b|\b(?:estar|llegar|chegar|"
                      r"être|arriver|ankommen|da sein|dort sein)\b", re.I)


# "School holidays finish next Monday": the day school is back, no closed day.
_CLOSURE_ENDS = re.compile(r"\b(?:finish(?:es)?|end(?:s)?|over|back|terminan?|acaban?|enden|"
                           r"vorbei|finissent|finit|terminam|acabam|reprise|reprennent|vuelta|"
                           r"regreso|volta|retorno)\b", re.I)
_CAUSE = re.compile(r"\b(?:because|due to|owing to|wegen|weil|por|porque|por causa|à cause|a causa|"
                    r"parce que|car|pois|devido)\b", re.I)
# "To cancel reply NO", "para anular llame": an instruction, not a cancellation.
_CANCEL_HOW = re.compile(r"\b(?:to|para|pour|zum|um|si desea|if you need to|if you want to|"
                         r"si vous souhaitez|caso queira|reply \w+ to)\s*$", re.I)
# "Wir sind ab Montag in den Ferien", "we're away from Monday": someone's own absence is
# neither a closure nor anyone's event.
_OWN_ABSENCE = re.compile(
    r"(?=[abeijnosvw])"  # its phrases' first letters: see _NOT_YET
    r"\b(?:we'?re|we are|we'?ll be|i'?m|i am|i'?ll be|wir sind|ich bin|bin ich|sind wir|"
    r"estamos|estoy|estaremos|"
    r"nous sommes|on est|on sera|je suis|je serai|estou|vamos estar|vou estar)\s+(?:\w+\s+){0,4}?"
    # (not a team playing away: "we're away at Brockhurst Rovers, KO 10.30")
    r"(?:away(?!\s+(?:at|to|vs\.?|v\.?|against)\b[^.\n]{0,60}\b(?:ko|kick[- ]?off|match|game|fixture)\b)|"
    r"(?<!drop )(?<!kick )(?<!sign )(?<!take )(?<!day )off|out|on holiday|on vacation|weg|"
    r"verreist|im urlaub|in den ferien|in urlaub|"
    r"de vacaciones|fuera|de viaje|en vacances|absente?s?|partis|de férias|fora|viajando)\b"
    r"|\b(?:ando|andamos|ando de|voy de|vamos de) (?:de )?(?:viaje|vacaciones)\b", re.I)
# "Water's off at the plots Thursday 8am till noon": a supply cut is news, not a calling off.
_SUPPLY_OFF = re.compile(r"\b(?:water|power|electricity|gas|heating|internet|wi-?fi|lights?|supply)"
                         r"(?:['’]s|\s+(?:is|will be|goes|going|gets|to be))?\s+off$", re.I)
_PASSIVE = re.compile(r"\b(?:be|been|être|ser|sein|werden|worden)\s+\w+", re.I)
_THEN = re.compile(r"\b(?:then|after(?:wards)?|danach|anschließend|dann|después|luego|puis|ensuite|"
                   r"depois|a seguir)\b", re.I)
_NOT_NEEDED = re.compile(r"\s*(?:needed|required|necessary|nötig|notwendig|erforderlich|nécessaire|"
                         r"necesari[oa]|necessári[oa]|obligatoire|obligatori[oa])\b", re.I)
# "Rent going up from April 1st": a change from a day on, not something on that day.
_FROM_DAY = re.compile(r"\b(?:from|as of|starting|ab|a partir del?|desde el|à partir du|dès le|"
                       r"a partir de|a partir do)\s*$", re.I)
# A clause that only says "too": it repeats the clause before for its own day.
_ALSO = re.compile(r"(?:(?:am|on|el|le|o|a|the|and|y|und|et|e|danach|after(?:wards)?|después|après|"
                   r"depois|suivant|seguinte)\s+)*"
                   # "y el viernes 13 tampoco": nor that day either, the same as the day before
                   r"(?:auch nicht|auch|too|as well|also|también|tambien|aussi|também não|também|idem|"
                   r"tampoco|non plus|neither|either)\W*", re.I)
# "e também na sexta-feira, dia 11, por ponte": "too" said just before the day, and after it
# only why
_ALSO_BEFORE = re.compile(r"\b(?:auch|too|also|también|tambien|aussi|também)\W*$", re.I)
_ONLY_WHY = re.compile(r"\W*(?:(?:am|on|el|le|o|a|na|no|the|à|au|en)\W*)?"
                       r"(?:(?:por|because of|due to|for|wegen|à cause d[eu]|pour|para|por causa d[aeo]s?)\s+"
                       r"(?:[^\W\d_]+\s*){1,3}\W*)?", re.I)
# "..., und am Montag, Tag der DG, auch nicht", "el lunes tampoco": the same, negated, for its day
_NOT_EITHER = re.compile(r"(?:\W|^)(?:auch nicht|auch kein\w*|tampoco|non plus|também não|tampouco|"
                         r"(?:not|no)(?: \w+){0,3} either|neither)\W*$", re.I)


# "no hay clases el miércoles 21 (Glorias Navales), jueves 22 ni viernes 23 (...)": a day
# listed after a closed day, with at most a list word and a remark in brackets, is closed too
_LISTED_ON = re.compile(r"[\W_]*(?:(?:ni|nor|nem|noch|or|ou|o|and|y|e|et|und)\b[\W_]*)?", re.I)


def _only_listed(rest: str) -> bool:
    return bool(_LISTED_ON.fullmatch(re.sub(r"\([^()]*\)", " ", rest)))


def _too_before(ctx: Context, clause: Clause, rest: str) -> bool:
    """"e também na sexta-feira, dia 11, por ponte": "too" just before the clause, and in it
    only why."""
    return bool(_ALSO_BEFORE.search(ctx.low, max(0, clause.start - 12), clause.start)
                and _ONLY_WHY.fullmatch(rest))


def _only_too(ctx: Context, rest: str) -> bool:
    """The clause only says "too" ("am Freitag danach auch"), or "not ... either" of its day
    with at most the day's name besides ("am Montag, Tag der DG, auch nicht"): it repeats the
    clause before."""
    if _ALSO.fullmatch(rest):
        return True
    m = _NOT_EITHER.search(rest)
    return m is not None and not names_event(ctx.g, rest[:m.start()]) and len(rest[:m.start()].split()) <= 6


_SINCE = re.compile(r"\b(?:since|depuis|desde|seit|seit dem|seit der)\s*$", re.I)
# "letzter Kitatag vor den Ferien", "last day before the holidays": a day before the closure
_BEFORE_IT = re.compile(r"\b(?:vor|before|avant|antes)\s+(?:(?:den|dem|der|the|les|las|los|as|os|el|"
                        r"de|das|dos|del)\s+)?$", re.I)
# "campo de férias" (a word before it: ", da ist die Musikschule zu" names nothing)
_NAME_PART = re.compile(r"\w\s+(?:de|del|do|da|du|des|of|der)\s+$", re.I)


class _LiveCues:
    """A cue counts in the date's own piece, or in another piece of its clause unless that
    piece is about the past ("2nd practice this week is Thursday 6-7pm, 1st was cancelled")."""

    def __init__(self, ctx: Context, clause: Clause, d: DateMention):
        self.ctx, self.clause = ctx, clause
        self.core = core_bounds(ctx.low, d.start, clause, ctx.g)
        self.marks = soft_boundaries(ctx.low, clause.start, clause.end, ctx.g)

    def in_core(self, m: re.Match[str]) -> bool:
        return self.core[0] <= self.clause.start + m.start() < self.core[1]

    def counts(self, m: re.Match[str]) -> bool:
        start = self.clause.start + m.start()
        if self.core[0] <= start < self.core[1]:
            return True
        left = max([self.clause.start] + [b for _a, b in self.marks if b <= start])
        right = min([self.clause.end] + [a for a, _b in self.marks if a > start])
        piece = self.ctx.low[left:right]
        if _CAUSE.search(self.ctx.low[max(self.clause.start, left - 12):left + 12]):
            # "... because of the bank holiday": a reason, not what the day is; but German puts
            # the clause's verb last, after its reason: "Kita am Freitag, wegen Fortbildung geschlossen"
            after = self.ctx.low[start + len(m.group(0)):right]
            return self.ctx.g.t.code == "de" and not after.strip(" .,!;")
        return not any(p.search(piece) for p in self.ctx.past)


_PASTE_FRAME = re.compile(r"^[^:\n'\"«“‘]{0,60}:\s*(?=['\"«“‘])")


def _in_past(ctx: Context, own: str, core: str, t: TimeMention | None) -> bool:
    """Past tense in the date's core, or elsewhere in its clause unless the core looks ahead
    ("the last concert was great, the next one is on May 30"); thanks for a day is past."""
    own, core = _NOT_YET.sub(" ", own), _NOT_YET.sub(" ", core)  # "quem ainda não pagou"
    # "Olha a msg que chegou: 'Lab Fleury: seu exame ... 14/05 às 7h00'": the past of the
    # words that bring a pasted notice is not the notice's
    own, core = _PASTE_FRAME.sub(" ", own), _PASTE_FRAME.sub(" ", core)
    # "Sua consulta foi agendada para 20/07": scheduling said in the past is of a day to come
    own, core = _SCHEDULED.sub(" ", own), _SCHEDULED.sub(" ", core)
    if any(p.search(core) for p in ctx.past):
        return True
    if ctx.g.thanks.search(core) and not _AHEAD.search(own):
        return True
    if _thanked_before(own, core, ctx) and not _AHEAD.search(own):
        return True
    if not any(p.search(own) for p in ctx.past):
        return False
    # "training Thurs half 6 at Sophia Gardens, pitch was waterlogged last week": an event, its
    # day and its hour in one piece are a plan whatever a side piece says of the past
    timed_what = t is not None and ctx.low[t.start:t.end] in core and names_event(ctx.g, core)
    return not (_AHEAD.search(core) or ctx.g.plan.search(core) or _PRESENT.search(core) or timed_what)


_SCHEDULED = re.compile(
    r"(?=[abcfghimopqrstwy'])"  # its phrases' first letters: see _NOT_YET
    r"\b(?:(?:was|were|has been|have been|got) (?:scheduled|booked|rescheduled|moved|confirmed|set|arranged)|"
    r"(?:fue|fueron|ha sido|han sido) (?:agendad|programad|fijad|reprogramad|confirmad|pasad)[oa]s?|"
    r"(?:foi|foram|ficou|ficaram) (?:agendad|marcad|remarcad|confirmad|transferid|adiad|combinad)[oa]s?|"
    r"(?:wurde|wurden|ist|sind) (?:\w+ )?(?:verlegt|angesetzt|festgelegt|terminiert|gebucht|bestätigt)"
    r"(?: worden)?|"
    r"(?:a|ont) été (?:fixé|programmé|reporté|déplacé|confirmé|avancé)e?s?|"
    # said actively: "Die Hausverwaltung hat die Begehung für Mittwoch angekündigt", "le syndic
    # a fixé l'AG au lundi 29", "the school has booked the hall for Friday"
    r"(?:has|have|'ve|had) (?:scheduled|booked|set|fixed|confirmed|announced|arranged|rescheduled)|"
    r"(?:scheduled|booked|announced|rescheduled)|"
    r"angekündigt|anberaumt|angesetzt|festgelegt|terminiert|"
    r"(?:ha|han) (?:fijado|programado|agendado|convocado|anunciado|confirmado)|"
    r"(?:fijó|programó|agendó|convocó|anunció)|"
    r"(?:a|ont) (?:fixé|programmé|annoncé|convoqué|prévu|planifié)|"
    r"(?:marcou|agendou|anunciou|convocou|remarcou|marcaram|agendaram)|"
    # a table or a slot booked by the writer is for a day to come: "reservei o jantar no sábado"
    r"(?:reserv(?:ed|ei|amos|é|ado|ada|ados|adas|iert)|réservée?s?|agendei|agendamos|marquei)|"
    # a plan said to be settled: "Ya quedó el plan del viaje ...: salimos el jueves 11"
    r"(?:ya )?qued(?:ó|o) (?:el plan|todo|listo|definido|confirmado|armado|cerrado)|"
    r"ficou (?:tudo )?(?:combinado|certo|fechado|definido|acertado))\b",
    re.I)


# "10:00", "10.30", "10h00": a two-digit hour with its minutes, as a 24-hour clock writes it.
_CLOCK_WRITTEN = re.compile(r"(?<!\d)\d{2}\s*[:.h]\s*\d{2}(?!\d)")


def _clock_written(ctx: Context, t: TimeMention) -> bool:
    """Outside English a time written in full ('Fiesta del colegio ... desde las 10:00') is what
    the clock will say: no evening noun makes it 22:00 ('fiesta a las 10' still is)."""
    return ctx.g.t.code != "en" and bool(_CLOCK_WRITTEN.search(ctx.text, t.start, t.end))


def _thanked_before(own: str, core: str, ctx: Context) -> bool:
    """'Thanks a million to everyone who helped at the table quiz on Friday': the thanks and
    the day in one sentence, only a 'who'/'that' between them (which cuts the core)."""
    at = own.find(core) if core else -1
    if at <= 0:
        return False
    last = max((m.end() for m in ctx.g.thanks.finditer(own, 0, at)), default=None)
    return last is not None and not re.search(r"[,;:!?.]", own[last:at])


# Chatter around a day that is not a plan: a verdict on a game ("Great effort at training
# tonight", "From Sunday's match, what a game") anywhere in the clause, and a wish ("good luck
# with the test tomorrow", "Bon déménagement le 1er juillet à tous") in the date's own piece.
_VERDICT = re.compile(
    r"(?=[abcefghlnpsw])"  # its phrases' first letters: see _NOT_YET
    r"\b(?:well done|congrat\w*|proud of|what an? (?:game|match|win|performance|result|effort)|"
    r"(?:great|brilliant|super|fantastic|amazing|awesome|fab|lovely|solid|nice) (?:hustle|effort|"
    r"teamwork|work|job|game|match|performance|play(?:ing)?|win|result)|enhorabuena|felicidades|"
    r"herzlichen glückwunsch|bravo|félicitations|parabéns)\b",
    re.I,
)
_WISH = re.compile(
    r"\b(?:good luck|best of luck|suerte|viel glück|toi,? toi,? toi|bonne chance|bon courage|"
    r"boa sorte|bon(?:ne)?s? \w+(?:\W+\w+){0,4}? à (?:tous|toutes|toi|vous))\b",
    re.I,
)
# A day wished well, not planned: "Happy Mother's Day to all the mums, enjoy your Sunday", "Feliz
# día del padre, que lo disfruten hoy domingo", "Feliz dia das mães ... neste domingo"
_GREETED = re.compile(r"^\W*(?:happy|merry|feliz|felices|frohe[sn]?|fröhliche[sn]?|frohes|joyeux|joyeuse|"
                      r"bonne fête|bonnes fêtes|boas festas)\b(?!\s+hour)", re.I)
_ENJOY = re.compile(r"\b(?:enjoy (?:your|the)|have a (?:lovely|great|good|nice|happy)|(?:que )?(?:lo |la )?"
                    r"disfrut(?:en|es|emos)|genie(?:ß|ss)t|profitez|profite bien|aproveitem|aproveite)\b",
                    re.I)
_ALMOST_THE_DAY = re.compile(r"\b(?:(?:ya )?casi(?: es)?|almost|nearly|quase(?: é)?|já é quase|bald ist|"
                             r"endlich|presque|vivement|enfin|por fin(?: es)?|finally)"
                             r"\s+(?:(?:the|el|la|o|a|le)\s+)?$",
                             re.I)
# "needs a ride on the 21st": a lift asked for, not a (bike) ride to put in the calendar.
_FAVOUR = re.compile(r"\b(?:needs?|needed|wants?|could (?:do with|use)|(?:do|give|offer)(?: \w+)?) a "
                     r"(?:ride|lift)\b|\b(?:mitnehmen|llevar a|levar a|emmener)\b"
                     # a shift or day swapped or covered: "anyone wanna swap my Sat 27th?",
                     # "Tauschst du den Mittwoch mit mir?", "Cubro o sábado se ...", "me remplacer"
                     r"|\b(?:swap|tausch\w*|einspring\w*|cubr(?:ir|o|e|en)|cobrir|cubro|cobre|"
                     r"remplac\w*|échang\w*)\b"
                     # a lift offered: "Ich kann Donnerstag fahren", "I can drive on Thursday"
                     r"|\b(?:kann|könnte) (?:\w+ ){0,2}fahren\b|\bcan (?:\w+ ){0,2}drive\b", re.I)
# "Spring registration opens January 15", "tickets go on sale Monday": like a deadline, the
# day a sign-up window opens is a notice, not a gathering.
_WINDOW = re.compile(
    r"\b(?:registrations?|sign[- ]?ups?|enrol(?:l?ment)?s?|bookings?|tickets?|applications?|"
    r"inscripci[oó]n(?:es)?|anmeldung(?:en)?|inscriptions?|inscriç(?:ão|ões)|matr[ií]culas?)\b"
    r"[^.!?\n]{0,25}?\b(?:opens?|go(?:es)? live|(?:go(?:es)? )?on sale|se abren?|abre[mn]?|öffnet|"
    r"startet|beginnt|ouvr(?:e|ent)|(?:est|sont) ouvertes?)\b", re.I,
)
# A fallback day is no event until it is needed.
_ALTERNATE = re.compile(r"\b(?:rain date|backup date|reserve date|fecha alternativa|"
                        r"ausweichtermin|ersatztermin|date de repli|data alternativa)\b", re.I)
# "Tues and Thurs 5:30-7 through November": a standing schedule, not one event.
_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|mär|mai|okt|dez|"
           r"janv|févr|fev|avr|juil|sept|déc|set|out|dez)\w*")
_STANDING = re.compile(
    r"\b(?:through|thru|until|till|til|hasta|bis|jusqu'(?:à|en|au)|até)\s+(?:the\s+end\s+of\s+|"
    r"(?:finales|final|fin) de\s+|ende\s+|(?:la )?fin (?:de |d')?|o fim de\s+|o final de\s+)?"
    + _MONTHS + r"\b", re.I,
)
_EVERY_DAY = re.compile(r"\b(?:every ?day|each day|daily|todos los días|todos los dias|cada día|"
                        r"jeden tag|täglich|tous les jours|chaque jour|todos os dias|cada dia|"
                        r"diariamente)\b", re.I)
_ASKS = re.compile(
    r"\W*(?:(?:hi|hey|hello|morning|quick question|sorry|oigan|oye|hola|hallo|salut|coucou|oi|gente|"
    r"pessoal|kurze frage|frage|una pregunta|pregunta|petite question|question|uma pergunta|pergunta)"
    r"\W+)?(?:is|are|was|were|does|do|did|"
    r"when|what|where|which|any(?:one|body|1) (?:know|knows|remember|heard|sure)|"
    r"does any(?:one|body)|alguien sabe|sab[eé]is si|saben si|sabe alguien|"
    r"se sabe|hay|a qu[eé] hora|qu[eé]|cu[aá]ndo|d[oó]nde|cu[aá]l|"
    r"weiß jemand|wisst ihr|ist|gibt es|wann|wo|um wie viel uhr|welche[rsnm]?|"
    r"est-ce qu|savez-vous|vous savez|y a-t-il|quand|à quelle heure|quel(?:le)?s?|c'est quand|"
    r"alguém sabe|alguem sabe|vocês sabem|tem|vai ter|cadê|quando|que horas|a que horas|onde|"
    r"qual|quelqu'un sait|quelqu’un sait|qqn sait|tu sais si|vous savez si|sabe se|sabes se|"
    r"sab[eé]is si|"
    # whether someone else goes: "Quelqu'un va au marché demain matin ?", "Is anyone going Friday?"
    r"(?:is )?any(?:one|body) going|quelqu['’]un (?:va|ira|y va)|algu[eé]m vai|alguien va|"
    r"geht jemand|fährt jemand|"
    # asking to be told: "Könnt ihr mir sagen, ob am Donnerstag Turnen ist?"
    r"(?:kann|könnt|können|könnte) (?:mir )?(?:jemand|ihr|sie) (?:mir )?sagen|"
    r"(?:can|could) (?:some|any)(?:one|body) tell me|"
    r"(?:alguien )?me (?:puede|podr[ií]a|pod[eé]is|pueden) decir|"
    r"(?:vous pouvez|tu peux|quelqu'un peut|pouvez-vous|peux-tu) me dire|"
    r"(?:algu[eé]m|voc[eê]s?) (?:pode|podem|poderia) me dizer)\b", re.I,
)
# A question for the hour ("À quelle heure finit l'école mercredi ? 11h30 ou 12h ?"): the hours
# that follow are guesses, not a time set.
_ASKS_HOUR = re.compile(r"\b(?:what time|a qu[eé] hora|um wie ?viel uhr|wann genau|à quelle heure|"
                        r"(?:a )?que horas)\b", re.I)
# Whether an event still stands: "¿el asado del domingo sigue en pie?", "is Sunday still on?".
_STILL_ON = re.compile(r"\b(?:still on|still happening|sigue en pie|sigue siendo|steht noch|"
                       r"findet (?:\S+ ){0,4}?noch statt|tient toujours|est toujours prévue?|"
                       r"(?:ainda )?(?:está|tá) de pé|ainda vai rolar)\b", re.I)
# A day not chosen yet: "algún viernes de estos", "some Saturday", "irgendeinen Freitag".
_SOME_DAY = re.compile(r"\b(?:some|any|algún|algun|alguno|cualquier|irgendeine[nm]?|irgendwann|"
                       r"n'importe quel|algum|qualquer|one day|un d[ií]a|un jour|um dia)\s+$", re.I)
# An answer that doubts itself: the hour in it is a guess.
_HEDGE = re.compile(r"\b(?:(?:pero|mas|but|mais|aber) no sé|no estoy segur[oa]|not sure|i think|"
                    r"je (?:ne )?sais pas|pas sûr|não sei|nao sei|acho que|weiß nicht|glaube ich)\b",
                    re.I)
# the asker's own doubt said next: still undecided
_NOT_SURE_YET = re.compile(r"\b(?:weiß (?:es )?noch nicht|don'?t know yet|not sure yet|no sé todavía|"
                           r"todavía no sé|aún no sé|je (?:ne )?sais pas encore|ainda não sei|"
                           r"não sei ainda)\b",
                           re.I)
# An exclamation about a day: "Qué pereza el lunes", "What a week", "Quel match samedi", "Was für ein
# Wetter am Sonntag", "Que jogo domingo".
_EXCLAIM = re.compile(r"\W*(?:qu[eé]|what an?|quel(?:le)?s?|was für(?: ein\w*)?)\s+"
                      r"(?!\w+\s+(?:hora|día|time|jour|tag|heure|horas?|dia)\b)[^\W\d_]+", re.I)
# "Great run this morning team!", "Fantastic game today": a verdict on the day just had.
_VERDICT_BEFORE = re.compile(
    r"\b(?:great|brilliant|fantastic|amazing|awesome|lovely|nice|good|fun|epic|excellent|super|tolle?[nrs]?|"
    r"schöne?[nrs]?|superbe|belle|beau|bonne|ótim[oa]|lind[oa]|buen[oa]|gran|excelente)\s+\w+\s*$", re.I)
# Asking the group to fetch, drive or stand in for someone ("can someone drive Noah to practice
# tmrw?", "Kann jemand am Samstag die Kinder abholen?", "On fait un covoit pour dimanche ?"):
# an errand around a day, no event of its own. Asking who brings what to a party is not one.
_REQUEST = re.compile(
    r"\W*(?:(?:hi|hey|hello|oigan|oye|hola|hallo|salut|coucou|oi|gente|pessoal)\W+)?"
    r"(?:(?:can|could|would|will) (?:some|any)(?:one|body|1)|is any(?:one|body) (?:able|free)|"
    r"(?:has|does) any(?:one|body) (?:got|have) (?:the )?time|"
    r"(?:kann|könnte|würde) (?:jemand|wer)|wer kann|hat (?:\S+ ){0,2}jemand (?:\S+ ){0,3}zeit|"
    r"(?:alguien|algu[eé]m) (?:tiene|tem) tiempo|algu[eé]m tem tempo|quelqu'un a (?:le )?temps|"
    r"(?:alguien|algu[eé]m) (?:puede|podr[ií]a|pode|poderia|"
    r"consegue)|puede alguien|qui[eé]n (?:lleva|puede)|quelqu'un (?:peut|pourrait)|qui peut|"
    r"quem (?:pode|leva))\b", re.I)
_ERRAND = re.compile(
    r"\b(?:drive|pick\w* up|collect|drop\w* off|cover|swap|lift|ride|babysit\w*|"
    r"abhol\w*|hol\w+ ab|mitnehm\w*|fahr\w+|vertret\w*|übernehm\w*|"
    r"llev\w+ a|recog\w+|busc\w+|cubr\w+|cuid\w+|emmen\w+|récupér\w+|ramen\w+|"
    r"remplac\w+|garder|peg(?:a|ar|am|ue)|cobr\w+|carona|boleia|"
    r"help(?: out)?|helfen|mithelfen|ayudar|aider|ajudar|"
    # looking after a home: "die Katze füttern", "water the plants", "regar las plantas"
    r"feed|water|füttern|gießen|giessen|alimentar|regar|nourrir|arroser|dar de comer)\b", re.I)
_RIDE_SHARE = re.compile(r"\b(?:carpool\w*|lift[- ]?share|fahrgemeinschaft\w*|covoit\w*|carona|boleia|"
                         r"avent[oó]n|raite|school run|"
                         r"compartir (?:un )?(?:taxi|uber|coche)|share (?:a|an) (?:cab|taxi|uber|ride))\b",
                         re.I)


# a date said to fall on a weekday: a remark on the calendar, not a plan
# every language's weekday names, longest first ("segunda-feira" before "segunda")
_WEEKDAY_NAMES = "|".join(re.escape(w) for w in sorted(
    {w for table in TABLES.values() for w in table.weekdays}, key=len, reverse=True))
_FALLS_ON = re.compile(r"\b(?:falls? on(?: an?| the)?|lands? on an?|cae en (?:un|sábado|domingo)|"
                       r"cae (?:un|en|el)|fällt (?:dieses jahr |heuer )?auf (?:einen|ein|den)|"
                       r"tombe (?:cette année )?(?:un|sur un|le)|calha (?:a|num|numa|em)|"
                       r"cai (?:num|numa|a|em|no dia)|"
                       # "el 18 cae jueves", "le 1er tombe un samedi" with the weekday right after
                       rf"(?:cae|cai|tombe|fällt auf) (?:en |un |num |numa |einen )?(?:{_WEEKDAY_NAMES}))\b",
                       re.I)


_THIS_MORNING = re.compile(r"this morning|ce matin|esta mañana|esta manhã|hoje de manhã|"
                           r"hoy (?:en|por) la mañana|heute (?:früh|morgen|vormittag)", re.I)


def _chatter(ctx: Context, clause: Clause, d: DateMention, t: TimeMention | None, own: str,
             plan: bool, kind: str = "event") -> bool:
    """Talk around a day that proposes nothing: praise or wishes, a lift asked for, a standing
    weekly schedule, a goodbye ("see you Tuesday!"), or a question about a day with no time
    ("is it mufti day on Friday?")."""
    core = ctx.low[slice(*core_bounds(ctx.low, d.start, clause, ctx.g))]
    if _VERDICT.search(own) or _WISH.search(core) or (t is None and _FAVOUR.search(own)):
        return True  # a wish counts in the date's own piece: "..., bon repos à tous" is no verdict
    if t is None and (_GREETED.match(core) or (_ENJOY.search(core) and not names_event(ctx.g, core))):
        return True  # a greeting's day: wished well, nothing planned on it
    if t is None and d.kind == "weekday" and _ALMOST_THE_DAY.search(ctx.low, max(0, d.start - 16), d.start):
        return True  # "menos mal ya casi es viernes", "nearly Friday!": a day longed for
    if d.kind == "weekday" and d.last is None and _STANDING.search(ctx.low[d.end:clause.end]):
        return True
    if t is None and _FALLS_ON.search(core):
        return True  # "este ano o 1 de dezembro calha a um domingo": which weekday a date is
    if _EVERY_DAY.search(core):
        return True  # "há testes todos os dias": a routine; "camp Jan 2-4, 9-3 daily" is one event
    if t is None and kind == "event" and _only_sign_off(ctx, clause, d):
        return True
    if t is None and d.day == ctx.today and \
            _VERDICT_BEFORE.search(ctx.low[max(clause.start, d.start - 30):d.start]):
        return True  # "Great run this morning team": today's verdict
    if t is None and kind == "event" and d.day == ctx.today and ctx.ref.astimezone(ctx.zone).hour >= 11 \
            and _THIS_MORNING.fullmatch(ctx.low, d.start, d.end):
        return True  # "Riya passed her driving test this morning", said after the morning
    s0, s1 = clause.segment
    segment = ctx.low[s0:s1].strip()
    if t is None and _TURN.search(segment):
        return True  # "Kehrwoche: diese Woche sind Müllers dran, nächste Woche ihr": a rota
    if t is None and _EXCLAIM.match(segment):
        return True  # "Qué calor va a hacer el finde", "Qué buen partido el del domingo"
    if t is None and _SORRY_FOR.search(ctx.low, max(clause.start, d.start - 40), d.start):
        return True  # "Désolé pour samedi, j'étais crevé": an apology about a day announces nothing
    if t is None and _UNDECIDED.search(own):
        return True  # "Vielleicht grillen wir am Wochenende, mal sehen ...", "ya veremos si el domingo ..."
    question = ctx.text[s1:s1 + 1] == "?" or segment.endswith("?") or bool(_ASKS_WHETHER.search(segment))
    if "¿" in segment:
        segment = segment[segment.rindex("¿") + 1:]  # "Qué onda, ¿cenamos el jueves?" asks the last part
    if question and t is None and _RETRO.search(own) and (d.bare or d.past_day is not None):
        return True  # "Hat jemand die Ergebnisse vom Turnier am Samstag?", "Alguém tem as fotos do dia 1?"
    if question and (_RIDE_SHARE.search(own) or (_REQUEST.match(segment) and _ERRAND.search(own))):
        # an errand asked for is none, its hour too ("Kann jemand am Dienstag um 7 die Kinder zur
        # Schule fahren?"), unless a later sentence sets where and when to meet ("... mitnehmen?
        # um 7:30 an der Ecke"): an arrangement
        return t is None or t.start < s1 or not ctx.g.place.search(ctx.low[t.end:t.end + 40])
    if question and (_ASKS_HOUR.search(segment) or (t is None and _STILL_ON.search(segment))):
        return True
    if question and (_DOUBTED.search(segment) or _OR_NOT.search(core)):
        return True  # "Es-tu sûr que l'épluchette c'est samedi?", "¿Pasado mañana hay clases o no?"
    if question and _either_day(ctx, d):
        return True  # "¿Al final el asado es sábado o domingo?": not chosen yet
    if question and t is not None and _either_hour(ctx, t):
        return True  # "Is the procession at 5 or 6 on Friday?": the hour is what is asked
    if question and t is not None and _guessed_hour(ctx, s0):
        return True  # "A que horas fecha ... ao domingo? Às 21h ou às 22h?": guesses
    if _SOME_DAY.search(ctx.low, max(clause.start, d.start - 16), d.start):
        return True
    if question and t is None and _NOT_SURE_YET.search(ctx.low, s1, s1 + 50):
        return True  # "Morgen Abend Stammtisch? Ich weiß noch nicht, ob ich's schaff": undecided
    if question and t is not None and t.start >= s1 and _HEDGE.search(ctx.low, s1, t.end + 40):
        return True  # "¿Mañana hay mariachi ...? Creo que es a las 9 pero no sé": a guess
    # Asking about a day ("is there swimming on Monday?") is not announcing it; a suggestion
    # ("Movie night in two weeks?", "¿cenamos el viernes?") is, so only questions that ask
    # for information count.
    return bool(question and _ASKS.match(segment)) and t is None


_SORRY_FOR = re.compile(r"\b(?:sorry (?:for|about)|désolée?s? pour|pardon pour|perd[oó]n por|"
                        r"disculp[ae]n? por|desculp[ae] (?:por|pelo|pela)|sorry wegen|tut mir leid wegen)"
                        r"\s+(?:[^\W\d_]+\s+){0,2}$", re.I)
# Whether anything happens is left open ("mal sehen wie das Wetter wird"); "let's see who comes"
# asks only who will be there.
_UNDECIDED = re.compile(r"\b(?:mal sehen|mal schauen|let'?s see|we'?ll see|ya veremos|veremos si|on verra|"
                        r"vamos ver se)\b(?!\s+(?:wer|who|qui|quién|quien|quem|cu[aá]nt))"
                        # "genaues Datum weiß i noch ned", "c'est pas encore fixé, probablement fin mars"
                        r"|\b(?:wei(?:ß|ss) (?:i|ich) noch (?:ned|nicht)|noch nicht fix|voraussichtlich|"
                        r"vsl\.|"
                        r"(?:don'?t|do not) know yet|not (?:fixed|set|confirmed) yet|probably|"
                        r"todavía no (?:hay|le ponemos|tenemos) fecha|no sé todavía|probablemente|"
                        r"pas encore fix[ée]e?|je (?:ne )?sais pas encore|probablement|"
                        r"ainda não sei|ainda sem data|provavelmente)\b", re.I)


# the other day may bring its own article ("na sexta ou no sábado?", "or on Sunday?")
_OR_ARTICLE = r"(?:(?:on|the|el|la|am|an|le|no|na|o|a|au|dem)\s+)?"
_OR_AFTER = re.compile(r"\s+(?:or|o|u|oder|ou)\s+" + _OR_ARTICLE, re.I)
_OR_BEFORE = re.compile(r"([^\W\d_]+)\.?\s+(?:or|o|u|oder|ou)\s+" + _OR_ARTICLE + "$", re.I)


# A question asked in a statement: "a mamã pergunta se o batizado é dia 24 ou 31".
_ASKS_WHETHER = re.compile(r"(?=[adfjnopw])"  # its phrases' first letters: see _NOT_YET
                           r"(?:\b(?:asks?|asked|wonder(?:s|ing)?) (?:if|whether)|not sure (?:if|whether)|"
                           r"pregunt[ao]n? si|no sé si|no se sabe si|fragt,? ob|weiß nicht,? ob|"
                           r"demande s['i]|je sais pas si|je ne sais pas si|pergunt[ao]u? se|não sei se|"
                           r"ninguém confirmou|nobody (?:has )?confirmed|no one (?:has )?confirmed|"
                           r"(?:we )?don'?t know (?:yet )?(?:if|whether)|no sabemos (?:todavía |aún )?si|"
                           r"wir wissen (?:noch )?nicht,? ob|on ne sait pas (?:encore )?si|"
                           r"não sabemos (?:ainda )?se)", re.I)
# "Es-tu sûr que l'épluchette c'est samedi?", "¿Pasado mañana hay clases o todavía no?": a day
# doubted or asked about, not announced
_DOUBTED = re.compile(r"\b(?:are you sure|you sure|r u sure|es-tu sûr|t['’]es sûr|êtes-vous sûrs?|"
                      r"wasn['’]t it|no era|no es|war das nicht|war es nicht|c['’]était pas|"
                      r"ce n['’]était pas|"
                      r"não era|não é|nao era|"
                      r"estás segur[oa]|seguro que|bist du sicher|seid ihr sicher|tens certeza|"
                      r"tem certeza)\b", re.I)
_MAYBE_BEFORE = re.compile(rf"\b(?:{_MAYBE_WORDS})\s+"
                           r"(?:(?:on|the|el|la|am|an|le|o|a|na|no|dia)\s+)?$", re.I)
# "or not?" said of the day's own piece ("Is the match on Saturday or not?"), not of another
# ("Match on Saturday at 3, are you coming or not?")
_OR_NOT = re.compile(r"\b(?:or not|o no|o todavía no|o aún no|oder nicht|oder noch nicht|ou pas|ou non|"
                     r"ou não|ou ainda não)\W*$", re.I)
# "dia 24 ou 31", "the 3rd or the 10th": a day number offered with another
_OR_DAY_NUMBER = re.compile(r"\s+(?:or|o|u|oder|ou)\s+(?:(?:dia|el|le|the|den|am|o)\s+)?"
                            r"\d{1,2}(?!\d|[:.h]\d)", re.I)


def _either_day(ctx: Context, d: DateMention) -> bool:
    """A weekday offered with another by 'or' ('sábado o domingo', 'Samstag oder Sonntag'), or a
    day of the month with another ('dia 24 ou 31')."""
    if d.kind != "weekday":
        return d.kind in ("ordinal", "explicit", "numeric") and bool(_OR_DAY_NUMBER.match(ctx.low, d.end))
    after = _OR_AFTER.match(ctx.low, d.end)
    if after and ctx.g.weekday.match(ctx.low, after.end()):
        return True
    before = _OR_BEFORE.search(ctx.low, max(0, d.start - 24), d.start)
    return bool(before and ctx.g.weekday.fullmatch(before.group(1)))


# the other hour may bring its own preposition ("a las 7 o a las 8", "at 5 or at 6")
_OR_HOUR = re.compile(r"\s*(?:h|uhr|am|pm)?\s+(?:or|o|u|oder|ou)\s+"
                      r"(?:(?:at|a\s+las|a\s+la|às|as|um|à|vers)\s+)?"
                      r"(?:(?:half|halb|quarter past)\s+)?\d", re.I)


def _either_hour(ctx: Context, t: TimeMention) -> bool:
    """An hour offered with another by 'or' ('at 5 or 6', 'a las 7 o a las 8', 'um 8 oder 9')."""
    return bool(_OR_HOUR.match(ctx.low, t.end)
                or _OR_HOUR_BEFORE.search(ctx.low, max(0, t.start - 16), t.start))


# "at 6 or half 6": the hour asked about may be the second one offered
_OR_HOUR_BEFORE = re.compile(r"\d\s*(?:h|uhr|am|pm)?\s+(?:or|o|u|oder|ou)\s+"
                             r"(?:(?:at|a\s+las|a\s+la|às|as|um|à|vers)\s+)?$", re.I)


def _guessed_hour(ctx: Context, s0: int) -> bool:
    """Whether the sentence just before this questioned one asked for the hour."""
    before = ctx.low[:s0].rstrip()
    if not before.endswith("?"):
        return False
    start = max(before.rfind(".", 0, len(before) - 1), before.rfind("?", 0, len(before) - 1),
                before.rfind("!", 0, len(before) - 1), before.rfind("\n", 0, len(before) - 1)) + 1
    return bool(_ASKS_HOUR.search(before, start))


# Whose turn it is: a rota of chores or hosts, not an event of the day.
_TURN = re.compile(r"\b(?:(?:sind|ist|seid|bist) \w+ dran|an der reihe|(?:your|our|their|his|her|my) turn|"
                   r"(?:le|les|nos|te|me) toca|c'est (?:ton|votre|leur|notre|mon|son) tour|"
                   r"(?:é|é a) (?:sua |tua |nossa )?vez)\b", re.I)


_ARTICLE_BEFORE = re.compile(r"\b(?:del|de|al|el|la|los|do|da|the|der|die|das|du|le)\s+$")
def _piece_of(ctx: Context, clause: Clause, t: TimeMention) -> tuple[int, int]:
    """The bounds of the piece of the clause (between soft boundaries) the time is in."""
    marks = soft_boundaries(ctx.low, clause.start, clause.end, ctx.g)
    left = max([clause.start] + [b for _a, b in marks if b <= t.start])
    right = min([clause.end] + [a for a, _b in marks if a >= t.end])
    return left, max(right, t.end)


# Between a decline and the day it declines: words, no clause punctuation.
_DECLINE_GAP = re.compile(r"[^,;:.!?\n]{0,24}")


def _own_whereabouts(ctx: Context, core_span: tuple[int, int], d: DateMention) -> bool:
    """The date's own piece (`core_span`) says when the writer comes, goes or is somewhere
    ("yo el jueves salgo de la chamba a las 6", "Je serai là jeudi mais seulement vers 20h")
    and names no event of its own ("I'm back Thursday for the 7pm rehearsal" keeps it)."""
    start, end = core_span
    core = ctx.low[start:end]
    if not ctx.g.whereabouts.search(core):
        return False
    # the day itself and "all day" name nothing ("ab Samstag Mittag", "toute la journée")
    rest = _ALL_DAY_LONG.sub(" ", ctx.low[start:max(start, d.start)] + " " + ctx.low[min(end, d.end):end])
    return not names_event(ctx.g, ctx.g.period_phrase.sub(" ", rest))


_ALL_DAY_LONG = re.compile(r"\b(?:all day|the whole day|toute la journée|todo el día|todo el dia|"
                           r"den ganzen tag|o dia (?:todo|inteiro)|mittags?|midi)\b", re.I)


def _declined(ctx: Context, clause: Clause, d: DateMention) -> bool:
    """The writer declines or doubts the day itself ("Sorry can't make Wednesday", "el domingo
    que viene no voy a poder ir", "Ainda não sei se vou sábado"): their own answer, no event,
    with no hour: "can't do thurs, got the dentist at 4" keeps the dentist's hour, as the sets label it."""
    for m in ctx.g.decline.finditer(ctx.low, clause.start, clause.end):
        if _ARTICLE_BEFORE.search(ctx.low, max(0, m.start() - 8), m.start()):
            continue  # "de los del trabajo el domingo": a noun, no one declines
        if m.end() <= d.start and _DECLINE_GAP.fullmatch(ctx.low[m.end():d.start]):
            return True
        if m.start() >= d.end and _DECLINE_GAP.fullmatch(ctx.low[d.end:m.start()]):
            return True
    return False


# "Some day" in a week: the day is not set yet.
_SOME_DAY_IN_WEEK = re.compile(r"\b(?:some ?day|one day|some time|sometime|at some point|algún día|algun dia|"
                       r"un día|un dia|irgendwann|mal|un jour|un de ces jours|um dia|algum dia)\b", re.I)


def _asked(ctx: Context, clause: Clause) -> bool:
    """The clause's sentence is a question ("is training off on Monday?", "¿se suspendió?")."""
    s0, s1 = clause.segment
    return ctx.text[s1:s1 + 1] == "?" or ctx.low[s0:s1].strip().endswith("?")


def _only_sign_off(ctx: Context, clause: Clause, d: DateMention) -> bool:
    """'Great, see you all Tuesday x', 'Wir sehen uns Donnerstag!': a goodbye with a day."""
    rest = ctx.low[clause.start:d.start] + " " + ctx.low[d.end:clause.end]
    if ctx.g.move.search(rest):
        return False  # "report à samedi" moves something there; no goodbye
    sign = ctx.g.sign_off.search(ctx.low, clause.start, d.start)
    if sign is None:
        return False
    # the goodbye comes right before its day ("see you all Tuesday"), or opens the clause
    # before an event everyone knows ("See you all at the match on Saturday!", "Nos vemos el
    # domingo en la misa"): a goodbye, with no hour, no place of its own
    # (after a few words of assent: "Jo passt, dann sehen wir uns Dienstag beim Training")
    before = ctx.low[clause.start:sign.start()]
    assent = bool(before.strip(" \t\n,.!¡¿?")) and len(before.split()) <= 3 and not names_event(ctx.g, before)
    opens = (not before.strip(" \t\n,.!¡¿?") or assent) \
        and len(re.findall(r"[^\W\d_]{3,}", rest[sign.end() - clause.start:])) <= 4
    if not opens and (names_event(ctx.g, rest) or len(ctx.low[sign.end():d.start].split()) > 2):
        return False
    if ctx.g.place_noun.search(rest) or re.search(r"\b(?:casa|chez|bei|home|ours)\b", rest):
        return False  # "Nos vemos el 26 en casa de los abuelos": a plan with a place
    sign = ctx.g.sign_off.search(rest)
    if sign is None:
        return False
    leftover = ("" if assent else rest[:sign.start()]) + rest[sign.end():]
    return len(re.findall(r"[^\W\d_]{3,}", leftover)) <= 3


# ------------------------------------------------------------------------- helpers


_HARD_BREAK = re.compile(r"[;\n]|(?<![\d\s])\.\s")
# "Tue & Thu", "el martes 27 y el jueves 29", "am Dienstag und am Donnerstag": an article or
# "on" after the "and" is glue too
_LIST_GLUE = re.compile(r"^\.?\s*(?:&|\+|/|and|y|und|et|e|,)\s*"  # "Fri/Sat – Jade & Kasia 5am-2pm"
                        r"(?:(?:on|the|el|la|le|les|am|den|dem|o|a|no|na|dia)\s+)?$", re.I)


def assign_times(dates: list[DateMention], times: list[TimeMention], text: str) -> dict[int, TimeMention]:
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
        if not dates:
            continue
        nearest = min(dates, key=distance)
        gap = distance(nearest)
        if id(nearest) not in chosen or gap < chosen[id(nearest)][0]:
            chosen[id(nearest)] = (gap, t)
    return {key: value[1] for key, value in chosen.items()}


def share_times(dates: list[DateMention], assignment: dict[int, TimeMention], text: str) -> None:
    """'5/24 & 5/25 8am-2pm': days listed together share the hours given after the last."""
    for first, second in reversed(list(zip(dates, dates[1:], strict=False))):
        if id(first) not in assignment and id(second) in assignment and \
                _LIST_GLUE.match(text[first.end:second.start]):
            assignment[id(first)] = assignment[id(second)]


def merge(events: list[FoundEvent]) -> list[FoundEvent]:
    """One event per start; an all-day mention of a day that also has a timed event goes."""
    timed_days = {e.start[:10] for e in events if not e.all_day and not e.cancelled}
    result: list[FoundEvent] = []
    seen: set[tuple[str, str | None, bool, bool]] = set()
    for event in sorted(events, key=lambda e: -e.confidence):
        key = (event.start, event.end, event.all_day, event.cancelled)
        if key in seen or (event.all_day and event.end is None and event.kind == "event"
                           and not event.cancelled and event.start in timed_days):
            continue
        seen.add(key)
        result.append(event)
    return sorted(result, key=lambda e: e.start)


__all__ = ["read_events", "names_event", "merge", "segments"]
