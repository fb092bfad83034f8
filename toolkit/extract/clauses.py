"""A message read clause by clause: each date gets its own stretch of text.

Chat messages pack several things into one line ("Football Sat 10am at Riverside, and the
Under 10s play away Sunday"; "Mercredi 18 : piscine annulée, jeudi 19 : sortie cinéma à 14h").
Reading cues over the whole message lets one part veto or mistitle another, so the resolver
reads each date in its own *clause*:

1. the text is cut into *segments* at hard breaks (line ends, ";", sentence ends);
2. inside a segment, two dates that are separated by a comma, a dash, a colon, a parenthesis
   or a conjunction ("and", "y", "und", "et", "e", "mas") get separate clauses, cut at the last
   such boundary before the second date; dates with only list glue between them ("24.12. und
   31.12.", "from Tuesday to Thursday") share one;
3. text before a segment's first date, set off by a boundary, is the segment's *lead* ("Grillen
   verschoben –", "Choir, Tuesday 7pm and Thursday 6pm"): a shared fallback for titles and for
   cues, never part of one clause's own words;
4. a time with no date of its own joins the clause before it, or starts a clause of its own on
   the same day when it names an event of its own ("sábado a las 9:30 y partido a las 12:00").

The *core* of a date is the smallest piece around it (boundaries and "that"-words cut it):
tense is read there, so "decidieron que la fiesta es el 31" is not past.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from toolkit.extract.lang import TABLES
from toolkit.extract.mentions import DateMention, TimeMention
from toolkit.extract.rules import Grammar

# A hard break: a line end, ";", or a sentence end ("." after a word, not in "4.12." or "Dr.").
# The look-behinds sit after the "." they guard (same test, one character later) so the
# engine jumps from one break character to the next instead of trying each at every position.
_ABBREVIATIONS = r"(?<!\bdr\.)(?<!\bmr\.)(?<!\bmrs\.)(?<!\bms\.)(?<!\bst\.)(?<!\bsr\.)(?<!\bsra\.)" \
                 r"(?<!\bprof\.)(?<!\bca\.)(?<!\bnr\.)(?<!\bno\.)(?<!\bvs\.)(?<!\bbzw\.)(?<!\betc\.)" \
                 r"(?<!\bav\.)(?<!\bsta\.)(?<!\bmme\.)(?<!\bmlle\.)(?<!\bdra\.)(?<!\bsra\.)" \
                 r"(?<!\bapprox\.)(?<!\baprox\.)(?<!\benv\.)(?<!\bungef\.)" \
                 r"(?<!(?<![\w'’])[a-z]\.)"  # "chez M."; "b'y." ends
_HARD = re.compile(rf"\n|;|[!?…]+(?=\s|$)|\.(?<![\d\s.]\.){_ABBREVIATIONS}(?=\s|$)", re.I)
# A sentence that ends on a clock time or a year ("... at 10:40. To cancel reply NO"); a dotted
# German date ("4.12. Nikolausbasteln") ends none.
_AFTER_TIME = re.compile(r"\.(?:(?<=[:h]\d\d\.)|(?<=\d{4}\.)|(?<=\d[ap]m\.)|(?<=\d [ap]m\.)|(?<=\dhs\.)"
                         r"|(?<=\d hs\.))"  # look-behinds after the ".": scanned for fast
                         r"(?=\s+[A-ZÁÉÍÓÚÀÂÊÔÃÕÇÄÖÜ])")
# "... at Riverside Park field 2. Bring water": a number ends the sentence too, unless it is a
# German day ("am 4. Dezember") or an agenda line's date ("- 4.12. Nikolausbasteln").
_AFTER_NUMBER = re.compile(r"\.(?<=\d\.)(?=\s+([A-ZÁÉÍÓÚÀÂÊÔÃÕÇÄÖÜ]\w*))")  # "." first: scanned for fast
# An emoji closes a chat sentence as a full stop would ("thunderstorm ⛈️ See you Tuesday").
_AFTER_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF][\uFE0F\U0001F3FB-\U0001F3FF]*"
                          r"(?=\s+(?:[A-ZÁÉÍÓÚÀÂÊÔÃÕÇÄÖÜ]|(?:who|anyone|any1|quién|quien|alguien|wer|jemand|"
                          r"qui|quelqu|quem|alguém|alguem)\b))")  # "... 🙏🏽 who's carpooling?" asks anew
_DAY_PREP = re.compile(r"(?:\b(?:am|vom|bis|zum|den|dem|ab|bis zum|le|el|dia)\s+|^[\s\-–•*·]*)\d{1,2}$", re.I)
_MONTH_WORDS = frozenset(m for table in TABLES.values() for m in table.months)
_WEEKDAY_WORDS = frozenset(w for table in TABLES.values() for w in (*table.weekdays, *table.weekday_abbr))
# Soft boundaries inside a sentence.
_SOFT_MARKS = re.compile(r",|:(?!\d)|\s[-–—]\s|\s[-–—](?=\S)(?<!\d\s[-–—])|[()]|\s/\s")
# "le 14 juillet et le 15 août", "am 24. und am 31.": an article or "on" after the "and" is glue
# too, and so is the dot of a German ordinal day ("am 2. und 3. Februar")
_GLUE_ONLY = re.compile(r"^\.?[\s,&+/()-]*(?:(?:and|y|e|und|et|or|o|ou|oder|&)[\s,&+/()-]*"
                        r"(?:(?:on|the|el|la|le|les|am|den|dem|o|a|no|na|dia)\s+)?)?$", re.I)

# "nicht am Freitag, sondern am Samstag", "not Friday but Saturday", "no el viernes sino el
# sábado": the day denied and the one put in its place are one correction, read together.
_BUT_INSTEAD = re.compile(r"^[\s,;]*(?:sondern|but(?: rather)?|sino|mais(?: plutôt)?|mas(?: sim)?|"
                          r"but instead)\s+(?:(?:erst|only|recién|seulement|só)\s+)?"
                          r"(?:(?:on|the|el|la|le|am|an|den|dem|o|a|no|na|en|au)\s+)?$", re.I)
# Between the denial and the day only small words ("not on the", "no es el", "não é na").
_SMALL = r"(?:[^\W\d_]{1,3}|this|next|coming|diesen|dieses|este|esta|cette|próximo|proxima|próxima)"
# "n'aura pas lieu jeudi 24 mais ...", "will not take place on Thursday but ...": taking place denied
_NOT = r"(?:not|nicht|net|ned|nöd|pas|não|nao)(?:\s+(?:lieu|lugar|take place|happen|stattfinden))?"
_DENIED_BEFORE = {
    False: re.compile(rf"(?<![\w]){_NOT}(?:\s+{_SMALL}){{0,2}}\s+$", re.I),
    # Spanish "no" denies with a word after it ("no es el jueves"); in Portuguese "no" is "on the"
    # ("no sábado") and in English "no school on Friday" is a closure, not a denied day
    True: re.compile(rf"(?<![\w])(?:{_NOT}(?:\s+{_SMALL}){{0,2}}|"
                     rf"no(?:\s+{_SMALL}){{1,2}})\s+$", re.I),
}


# "la misa es el jueves 27 a las 7 de la noche, no el martes": the day, its hour, then the one it is not
_SET_OFF_ONLY = re.compile(r"^[^.!?;\n]{0,40}?[,;!–—-]\s*(?:not|nicht|net|ned|nöd|pas|no|não|nao)\b", re.I)
# "No school on Thursday, and not on Friday either": a second closed day, not a correction
_EITHER = re.compile(r"\s*(?:either|too|auch nicht|auch|tampoco|non plus|também não|também)\b", re.I)


def is_denied(low: str, d: DateMention, g: Grammar, floor: int = 0) -> bool:
    """The words just before `d`, from `floor` on, deny it ("not on Thursday", "no es el
    jueves", "nicht am")."""
    return bool(_DENIED_BEFORE[g.t.code == "es"].search(low, max(floor, d.start - 20), d.start))


_RESTATED = re.compile(r"^[^.!?;\n]{0,30}?[,;]\s*(?:c['’]est|es|ist|it['’]s|it is|é|será|sera|wird)\s+"
                       r"(?:(?:le|el|la|am|on|o|a|na|no|en|the)\s+)?$", re.I)
# "era quinta, agora é segunda", "it was Thursday, now it's Monday": the day before and the one now
_WAS_BEFORE = re.compile(rf"(?<![\w])(?:was|were|era|war|était|c['’]était)(?:\s+{_SMALL}){{0,2}}\s+$", re.I)
# the old day's hour may stand between: "was Thursday 10:15, now Friday June 11 at 3:40"
_NOW_BETWEEN = re.compile(r"^[\s,;]*(?:(?:at|um|à|a las|às|as)?\s*\d{1,2}(?:[:.h]\d{2})?\s*"
                          r"(?:[ap]\.?m\.?|h|uhr)?[\s,;]*)?(?:(?:but|mas|pero|aber|mais)\s+)?"
                          r"(?:now|agora|ahora|jetzt|nun|maintenant|désormais)"
                          r"(?:\s+(?:it['’]s|it is|é|es|ist|is|c['’]est|será|sera|wird|fica))?"
                          r"(?:\s+(?:on|the|el|la|le|am|an|den|dem|o|a|no|na|en|au|dia))?\s*$", re.I)


def was_now(low: str, previous: DateMention, current: DateMention) -> bool:
    """`previous` was the day and `current` is the day now ("era quinta, agora é segunda")."""
    return bool(_NOW_BETWEEN.match(low[previous.end:current.start])) \
        and bool(_WAS_BEFORE.search(low, max(0, previous.start - 16), previous.start))


# "passa de sexta-feira, 8, para segunda-feira, 11": after a move verb, the day it goes to
# "to" before a move's new day, with an article that may follow it
_TO = r"(?:para|pra|pro|to|al|a|à|au|auf|zum|nach)\s+(?:(?:o|a|el|la|le|the|den)\s+)?$"
# "Thu – on call from 6pm till Fri 8am": an hour, then the day its stretch runs to
_TIMED_TILL_DAY = re.compile(r"\d[^\n.;!?]{0,12}?\b(?:till|until|til|to|bis|jusqu['’](?:à|au)|hasta|até)\s+$",
                             re.I)
_TO_NEW_DAY = re.compile(r"^[\s,)]*" + _TO, re.I)  # "de quinta (18/11) para sábado"


# "Votre rendez-vous du jeudi 22 janvier ... a été déplacé au mardi 17 février": the day of the
# thing moved, a move verb, and the day it goes to
_DAY_OF = re.compile(r"\b(?:du|del|vom|of|from|do|da)\s+(?:(?:the|le|el|dem)\s+)?$", re.I)
_MOVED_TO = re.compile(r"\b" + _TO, re.I)


def _moved_from_the_day_of(low: str, previous: DateMention, current: DateMention, g: Grammar) -> bool:
    between = low[previous.end:current.start]
    return len(between) <= 90 and bool(_DAY_OF.search(low, max(0, previous.start - 12), previous.start)
                                       and g.move.search(between) and _MOVED_TO.search(between))


def _a_correction(low: str, previous: DateMention, current: DateMention, g: Grammar) -> bool:
    """`previous` is denied and `current` put in its place ("nicht am Freitag, sondern ...",
    "c'est pas vendredi le souper, c'est samedi", "ya no es el miércoles, es el jueves")."""
    between = low[previous.end:current.start]
    return ((bool(_BUT_INSTEAD.match(between)) or bool(_RESTATED.match(between))
             or _moved_after(between, g))
            and is_denied(low, previous, g)) or was_now(low, previous, current)


def _replaced_day(low: str, previous: DateMention, current: DateMention, g: Grammar) -> bool:
    """`current` is the day `previous` replaces, said right after it in passing ("avancée au 4
    déc. à 19h15 (au lieu du 11)", "passou para dia 17 (em vez de 24)", "(ya no es el 10)",
    "(era sexta 13)"):
    one clause, so the move knows both days and the hour stays with the new one."""
    if current.start - previous.end > 60:
        return False
    if g.was_on.match(low, previous.end, current.start):
        return True  # "passou para quinta, dia 12, 18h30, no Bar Brahma (era sexta 13)"
    if current.start - previous.end > 40:
        return False
    # the marker may end inside the mention ("au lieu du 11": the mention is "du 11")
    marker = g.instead.search(low, previous.end, current.end)
    if marker is None and current.kind == "ordinal":  # "(ya no es el 10)"; a weekday reads on its own
        marker = g.no_longer.search(low, previous.end, current.end)
    return marker is not None and marker.start() < current.start \
        and bool(_ONLY_ARTICLE.fullmatch(low[marker.end():current.start].strip(" (")))


# "statt am Montag", "au lieu du 11", "en vez del jueves": an article or "on" before the day replaced
_ONLY_ARTICLE = re.compile(r"(?:am|an|on|the|le|la|el|o|a|dem|den|der|de|du|del|do|da|no|na)?", re.I)


def _moved_after(between: str, g: Grammar) -> bool:
    """'la reunión no es el sábado, la pasaron pal domingo': after the denied day, set off by a
    comma, a move verb leads to the day put in its place."""
    comma = re.match(r"[^.!?;\n]{0,30}?[,;]\s*", between)
    return comma is not None and len(between) <= 60 and bool(g.move.search(between, comma.end()))


_THEN = re.compile(r"\b(?:then|after(?:wards)?|danach|anschließend|dann|después|luego|puis|ensuite|"
                   r"depois|a seguir)\b", re.I)


@dataclass
class Clause:
    """One date's stretch of a message (or a time's, borrowing the date before it)."""

    start: int
    end: int
    segment: tuple[int, int]
    dates: list[DateMention]
    times: list[TimeMention] = field(default_factory=list)
    lead: tuple[int, int] | None = None  # the segment's shared lead, if set apart
    borrowed: bool = False  # a time that names its own event, on the date of the clause before
    extras: list[tuple[int, int]] = field(default_factory=list)  # time-only lines it took in

    def text(self, source: str) -> str:
        return source[self.start:self.end]


@lru_cache(maxsize=64)  # asked for again by every clause and title of one message
def segments(text: str) -> list[tuple[int, int]]:
    """The hard-broken pieces of `text` (lines, sentences, ';'-separated items)."""
    bounds, start = [], 0
    breaks = sorted([*(m for m in _HARD.finditer(text) if not _cut_short(text, m)),
                     *_AFTER_TIME.finditer(text), *_AFTER_EMOJI.finditer(text),
                     *(m for m in _AFTER_NUMBER.finditer(text) if _ends_sentence(text, m))],
                    key=lambda m: m.start())
    for m in breaks:
        if m.start() < start:
            continue
        if m.start() > start:
            bounds.append((start, m.start()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return [(a, b) for a, b in bounds if text[a:b].strip()]


_DAY_AND_MONTH_BEFORE = re.compile(r"\d{1,2}(?:st|nd|rd|th|er|º)?\.?\s+([^\W\d_]+)$")


def _cut_short(text: str, m: re.Match[str]) -> bool:
    """The '.' of a word cut short ends no sentence: a month after its day ("4 déc. à 19h15")
    or a weekday before its date ("Chlausabend: Fr. 6.12. ab 19 Uhr", "Sat. 7th")."""
    return _month_cut_short(text, m) or _weekday_cut_short(text, m)


_WORD_BEFORE = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,4}$")


def _weekday_cut_short(text: str, m: re.Match[str]) -> bool:
    if text[m.start():m.start() + 1] != "." or not _DIGIT_NEXT.match(text, m.end()):
        return False
    before = _WORD_BEFORE.search(text, max(0, m.start() - 5), m.start())
    return before is not None and before.group(0).lower() in _WEEKDAY_WORDS


_DIGIT_NEXT = re.compile(r"[ \t]*\d")


def _month_cut_short(text: str, m: re.Match[str]) -> bool:
    """The '.' of a month cut short after its day ("4 déc. à 19h15", "12 Oct. at 6") ends no
    sentence when a small letter or a digit follows."""
    if text[m.start():m.start() + 1] != ".":
        return False
    before = _DAY_AND_MONTH_BEFORE.search(text, max(0, m.start() - 16), m.start())
    return before is not None and before.group(1).lower() in _MONTH_WORDS \
        and _SENTENCE_GOES_ON.match(text, m.end()) is not None


# After "4 déc." the sentence goes on with a digit or a short small word ("à 19h15", "at 6",
# "um 8", "de 9 a 12", "(au lieu du 11)"), not with a new sentence ("1 Feb. thoughts?").
_SENTENCE_GOES_ON = re.compile(r"\s*(?:\d|\(|[a-zà-ÿ]{1,3}\b)")


# "Bitte bis 20.5. Bescheid geben": after "bitte" German keeps its verb for the end
_PLEASE_VERB_LAST = re.compile(r"\bbitte\b[^.!?]*$", re.I)


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    """A '.' after a number before a capital: not a German day or an agenda line's date."""
    if m.group(1).lower().rstrip(".") in _MONTH_WORDS:
        return False  # "am 4. Dezember"
    line_start = text.rfind("\n", 0, m.start()) + 1
    before = text[line_start:m.start()]
    token = before.split()[-1] if before.split() else ""
    if re.fullmatch(r"\d{1,2}\.\d{1,2}", token):
        # a dotted date heads what follows ("- 4.12. Nikolausbasteln", "Di 21.10. Elternabend")
        # unless it closes a sentence ("vom 14.10. bis 16.10. Abfahrt am Montag")
        previous = before[:len(before) - len(token)].rstrip()
        word = previous.split()[-1].lower().strip(".,") if previous.split() else ""
        return bool(previous.strip(" -–•*·:,")) and word not in _WEEKDAY_WORDS \
            and not previous.endswith((":", ",", "-", "–")) and not _PLEASE_VERB_LAST.search(previous)
    return not _DAY_PREP.search(before)


@lru_cache(maxsize=256)
def soft_boundaries(low: str, start: int, end: int, g: Grammar) -> tuple[tuple[int, int], ...]:
    """Spans of the boundaries between clauses of one sentence: punctuation and conjunctions.
    A tuple: the answer is cached and shared, so no caller may change it."""
    found = [(m.start(), m.end()) for m in _SOFT_MARKS.finditer(low, start, end)]
    found += [(m.start(), m.end()) for m in g.conjunction.finditer(low, start, end)]
    return tuple(sorted(found))


def core_bounds(low: str, position: int, clause: Clause, g: Grammar) -> tuple[int, int]:
    """The smallest piece around `position`: soft boundaries and 'that'-words cut it."""
    cuts = (*soft_boundaries(low, clause.start, clause.end, g),
            *_complementizers(low, clause.start, clause.end, g))
    left, right = clause.start, clause.end
    for a, b in cuts:
        if b <= position:
            left = max(left, b)
        elif a >= position:
            right = min(right, a)
    return left, right


@lru_cache(maxsize=256)  # asked again for each cue of each date of a clause
def _complementizers(low: str, start: int, end: int, g: Grammar) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in g.complementizer.finditer(low, start, end))


def build_clauses(text: str, dates: list[DateMention], times: list[TimeMention],
                  g: Grammar) -> list[Clause]:
    """Cut the message into clauses, one per date (or date list / move), plus time-only ones."""
    low = text.lower()
    clauses: list[Clause] = []
    loose_times: list[tuple[int, list[TimeMention]]] = []  # (segment index, times) with no date
    segs = segments(text)
    pieces: list[tuple[int, int]] = []  # the segments, a heading day's hours set apart
    for index, (s0, s1) in enumerate(segs):
        pieces.append((s0, s1))
        own_dates = [d for d in dates if s0 <= d.start < s1]
        own_times = [t for t in times if s0 <= t.start < s1]
        if not own_dates:
            if own_times:
                loose_times.append((len(clauses), own_times))
            continue
        previous = segs[index - 1] if index else None
        head = _head_for_the_day_before(low, s0, own_dates[0], own_times, clauses, previous, g)
        if head is not None:
            # "final plan for thursday!! dinner at Aunt Carol's at 4pm, ... and Friday ...": the
            # hours before the segment's first day are the heading day's
            loose_times.append((len(clauses), [t for t in own_times if t.start < head]))
            own_times = [t for t in own_times if t.start >= head]
            pieces[-1:] = [(s0, head), (head, s1)]
            s0 = head
        clauses.extend(_split_segment(low, s0, s1, own_dates, own_times, g))
    for position, loose in loose_times:
        _place_loose_times(low, pieces, clauses, position, loose, g)
    result: list[Clause] = []
    for clause in clauses:
        for piece in _split_on_own_events(low, _drop_call_ups(low, clause, g), g):
            result.extend(_split_off_closure(low, piece, g))
    return result


def _split_segment(low: str, s0: int, s1: int, dates: list[DateMention], times: list[TimeMention],
                   g: Grammar) -> list[Clause]:
    marks = soft_boundaries(low, s0, s1, g)
    groups: list[list[DateMention]] = [[dates[0]]]
    cuts: list[tuple[int, int]] = []
    for previous, current in zip(dates, dates[1:], strict=False):
        between = [m for m in marks if previous.end <= m[0] and m[1] <= current.start]
        if not between or _GLUE_ONLY.match(low[previous.end:current.start]) \
                or _same_day_again(previous, current) \
                or _a_correction(low, previous, current, g) \
                or _replaced_day(low, previous, current, g) \
                or (_TO_NEW_DAY.match(low[previous.end:current.start])
                    and (move := g.move.search(low, s0, current.start)) is not None
                    and move.start() < previous.start) \
                or _moved_from_the_day_of(low, previous, current, g) \
                or _TIMED_TILL_DAY.search(low, previous.end, current.start) \
                or (_SET_OFF_ONLY.match(low[previous.end:current.start]) and is_denied(low, current, g)
                    and not _EITHER.match(low, current.end) and not g.move.search(low, s0, current.start)):
            # "der Elternabend ist am Dienstag, nicht am Montag!": the day, then the one it is not
            groups[-1].append(current)
            continue
        cuts.append(between[-1])
        groups.append([current])
    lead = None
    first_start = s0
    before = [m for m in marks if m[1] <= dates[0].start]
    if before and len(groups) > 1 and low[s0:before[-1][0]].strip(" -–—:,("):
        lead = (s0, before[-1][0])
        first_start = before[-1][1]
    clauses = []
    starts = [first_start] + [b for _a, b in cuts]
    ends = [a for a, _b in cuts] + [s1]
    for group, start, end in zip(groups, starts, ends, strict=True):
        own = [t for t in times if start <= t.start < end or (lead and lead[0] <= t.start < lead[1]
                                                               and group is groups[0])]
        clauses.append(Clause(start, end, (s0, s1), group, own, lead))
    return clauses


def _head_for_the_day_before(low: str, s0: int, first: DateMention, times: list[TimeMention],
                             clauses: list[Clause], previous: tuple[int, int] | None,
                             g: Grammar) -> int | None:
    """Where the segment's own part begins when its opening hours, set off by a conjunction
    before its first day, belong to a short heading day said just before ("plan for thursday!!")
    that has no hour of its own; else None."""
    if previous is None or not clauses or clauses[-1].times or clauses[-1].segment != previous:
        return None
    if len(low[previous[0]:previous[1]].split()) > 8:
        return None
    cuts = [b for a, b in soft_boundaries(low, s0, first.start, g)
            if g.conjunction.fullmatch(low[a:b].strip(" ,"))]
    if not cuts or not any(t.start < cuts[-1] for t in times):
        return None
    return cuts[-1]


def _same_day_again(previous: DateMention, current: DateMention) -> bool:
    """"zu Christi Himmelfahrt, am 22. Mai": the same day said again, by another name."""
    return previous.day == current.day and previous.last is None and current.last is None \
        and previous.kind != current.kind


def _names_own_event(low: str, start: int, end: int, g: Grammar) -> bool:
    """The piece names an event of its own: not a part of the one before ("races start 9:30",
    "Einlass 19 Uhr") nor what closes ("street closed to cars from 2")."""
    piece = low[start:end]
    if _THERE_WILL_BE.match(piece) and not g.logistics.search(piece) and not g.closure.search(piece):
        return True  # "..., vai ter quadrilha às 20h": a thing there will be, whatever its noun
    noun = g.event_noun.search(piece)
    return noun is not None and not g.logistics.fullmatch(noun.group(0).strip()) \
        and not _CLOSED.fullmatch(noun.group(0).strip()) \
        and not g.logistics.search(piece) and not g.closure.search(piece)


# "There will be X": a piece that says what there will be names it, whether or not the tables
# know its noun ("vai ter quadrilha", "habrá piñata", "il y aura un bal", "es gibt Feuerwerk").
_THERE_WILL_BE = re.compile(
    r"\W*(?:(?:and|y|e|et|und|then|luego|depois|después|puis|danach)\s+)?"
    r"(?:vai ter|vai haver|haverá|there(?:'ll| will) be|habrá|va a haber|il y aura|es gibt)\s+"
    r"(?:(?:a|an|the|um|uma|o|un|una|une|des|du|de la|le|la|el|ein|eine|einen)\s+)?[^\W\d_]{4,}", re.I)
# "Then X": what comes next that day is a thing of its own, whether or not the tables know its
# noun ("..., then the reception at the Grand Hotel from 7pm", "puis vin d'honneur au Cercle à
# 18h30", "y luego la recepción en el Salón Los Arcos", "danach Sektempfang im Schlossgarten")
_THEN_A_THING = re.compile(
    r"\W*(?:and\s+then|then|followed by|afterwards|y luego|luego|y después|después|seguido de|"
    r"puis|ensuite|suivi d[eu']|und danach|danach|anschließend|und dann|e depois|depois|seguido de)\s+"
    r"(?:(?:a|an|the|um|uma|o|a|un|una|une|des|du|de la|le|la|l['’]|el|los|las|ein|eine|einen|der|die|das|"
    r"den|dem|os|as)\s*)?(?!(?:we|you|they|on|nous|vous|wir|ihr|nós|eles|ellos|nosotros|at|um|à|a las|às)\b)"
    r"[^\W\d_]{3,}", re.I)
# The tables count "closed" as a "what" (a closed day is news); no event of its own in a piece
_CLOSED = re.compile(r"closed|cerrad[oa]s?|fermée?s?|geschlossen|fechad[oa]s?", re.I)


_PARENTHESES = re.compile(r"\([^()]*\)")


def _named_before(low: str, segs: list[tuple[int, int]], before: list[Clause], loose: list[TimeMention],
                  g: Grammar) -> Clause | None:
    """'Der Räbeliechtli-Umzug ist am Freitag, 12. November. Am Mittwochnachmittag schnitzen wir
    ... Der Umzug startet um 18 Uhr': an hour whose sentence names an event said earlier with
    its day goes to that day, not to the day said just before it."""
    span = _segment_of(segs, loose[0].start)
    nouns = {m.group(0).lower() for m in g.event_noun.finditer(low, *span)}
    if not nouns or len(before) < 2:
        return None
    for clause in reversed(before[:-1]):
        said = low[clause.start:clause.end]
        if clause.dates and any(re.search(rf"{re.escape(noun)}\b", said) for noun in nouns) \
                and not any(re.search(rf"{re.escape(noun)}\b", low[c.start:c.end])
                            for c in before[before.index(clause) + 1:] for noun in nouns):
            return clause
    return None


def _place_loose_times(low: str, segs: list[tuple[int, int]], clauses: list[Clause], position: int,
                       loose: list[TimeMention], g: Grammar) -> None:
    """A segment with times and no date: its times belong to the clause before (a flyer's
    "10am - 2pm" line, "Coach leaves at 8:15"), or after when it comes first."""
    if not clauses:
        return
    host = clauses[position - 1] if position > 0 else clauses[0]
    host = _named_before(low, segs, clauses[:position], loose, g) or host
    span = _segment_of(segs, loose[0].start)
    if len(loose) == 1 and position > 1 and (_SHARED.search(low, *span) or _ONLY_A_START.fullmatch(
            low[span[0]:loose[0].start])):
        # ("lundi 14/6 français, mardi 15/6 mathématiques, jeudi 17/6 éveil. Début à 8h30
        # précises": a start said alone after a list of days is each day's)
        # "Bangla Sun 15 Aug, English Mon 16 Aug, Maths Wed 18 Aug. All exams start at 10": the
        # hour said of them all goes to each listed day before it that has none
        hosts = [c for c in clauses[:position] if not c.times and not _closes(low, c, g)]
        if len(hosts) > 1:
            span = _segment_of(segs, loose[0].start)
            for clause in hosts:
                clause.times.append(loose[0])
                clause.extras.append(span)
            return
    s0, s1 = _segment_of(segs, loose[0].start)
    if all(s0 <= t.start < s1 for t in loose):
        # "Concentração às 8h45 no Estádio do Bessa, primeiro jogo às 9h30": one hour for it
        loose = _without_call_ups(low, loose, s0, s1, g)
    for t in loose:
        span = _segment_of(segs, t.start)
        if g.past.search(_PARENTHESES.sub(" ", low[span[0]:span[1]])) and not g.move.search(low, *span):
            # "Cup Day yesterday was madness, the tram was packed by 10am": that hour was (but
            # "New departure 11:50am (was 9:05am)" is to come)
            continue
        # "Le 22 mai, pas d'école. Défilé à 9h au Lamentin": a closed day has no hour of its
        # own, so a time after it is something else happening that day
        closed_host = not host.times and _closes(low, host, g) and not g.closure.search(low, *span)
        # "Sat's league match is off. Instead we'll do nets at the club 2-5pm": what replaces
        # the day called off happens that day
        replaces = bool(_INSTEAD_OPENING.match(low, span[0]) and g.cancel.search(low, host.start, host.end))
        # "Colônia de férias termina na sexta 30/01! Festa de encerramento nesse dia às 16h":
        # something of its own that day, whatever the day before it was said to be
        that_day = bool(THAT_DAY.search(low, *span) and g.event_noun.search(low, *span))
        if (host.times and _names_own_event(low, *span, g)) or closed_host or replaces or that_day:
            s0, s1 = _segment_of(segs, t.start)
            clauses.append(Clause(s0, s1, (s0, s1), list(host.dates[:1]), [t], borrowed=True))
        else:
            host.times.append(t)
            span = _segment_of(segs, t.start)
            if span not in host.extras:
                host.extras.append(span)


# The day said before, named again without its date.
THAT_DAY = re.compile(r"\b(?:(?:on )?(?:that|the same) day|ese (?:mismo )?día|el mismo día|"
                      r"an (?:dem|diesem) tag|am (?:selben|gleichen) tag|"
                      r"ce jour-là|le même jour|ce même jour|"
                      r"n(?:esse|este|o mesmo) (?:mesmo )?dia)\b", re.I)
_INSTEAD_OPENING = re.compile(r"\W*(?:instead|stattdessen|dafür|en su lugar|en cambio|à la place|"
                              r"em vez disso|no lugar disso)\b", re.I)
# Words that say an hour holds for every day listed before ("All exams start at 10", "Toujours
# 16h30 devant l'école", "Immer um 7", "siempre a las 5").
# A sentence that only says when things start: "Début à", "Start:", "Beginn jeweils um", "Inicio a las"
_ONLY_A_START = re.compile(r"\W*(?:début|debut|start(?:s|ing)?(?: time)?|beginn|beginnt|inicio|comienzo|"
                           r"empieza|in[íi]cio|come[çc]a|commence)(?:\s+(?:at|à|a las|às|um|é|es|est))?\W*",
                           re.I)
_SHARED = re.compile(r"\b(?:all|both|every|each|always|todos|todas|ambos|ambas|cada|siempre|alle|beide|"
                     r"jede[nrs]?|immer|jeweils|tous|toutes|les deux|chaque|toujours|todos os|todas as|"
                     r"sempre)\b", re.I)


def _closes(low: str, clause: Clause, g: Grammar) -> bool:
    return g.closure.search(low, clause.start, clause.end) is not None


def _split_off_closure(low: str, clause: Clause, g: Grammar) -> list[Clause]:
    """'El 15 no hay clases, los chicos desfilan a las 8', 'Desfile segunda 20/9 às 9h, não tem
    aula': a closed day and a timed event on it, in one clause, are two clauses; the closure has
    no hour, the time belongs to the other piece (cut at the boundary between them)."""
    if len(clause.dates) != 1 or not clause.times:
        return [clause]
    closure = g.closure.search(low, clause.start, clause.end)
    if closure is None or _THEN.search(low, max(clause.start, closure.start() - 28), closure.start()):
        return [clause]  # "Zeugnisverteilung um 9 Uhr, danach Sommerferien!": when they begin
    marks = soft_boundaries(low, clause.start, clause.end, g)
    times = sorted(clause.times, key=lambda t: t.start)
    if times[0].start >= closure.end():
        between = [m for m in marks if m[0] >= closure.end() and m[1] <= times[0].start]
        if not between:
            return [clause]
        a, b = between[0]
        if g.resumes.search(low, b, clause.dates[0].start):
            # "No club over the summer break, we're back Tues 14 Jan, 7pm": the day it comes back
            # is not a day it is off
            return [Clause(b, clause.end, clause.segment, list(clause.dates), list(times), None)]
        return [Clause(clause.start, a, clause.segment, clause.dates, [], clause.lead, clause.borrowed),
                Clause(b, clause.end, clause.segment, list(clause.dates), list(times), None, borrowed=True)]
    if times[-1].end <= closure.start():
        between = [m for m in marks if m[0] >= times[-1].end and m[1] <= closure.start()]
        if not between:
            return [clause]
        a, b = between[-1]
        return [Clause(clause.start, a, clause.segment, clause.dates, list(times), clause.lead,
                       clause.borrowed),
                Clause(b, clause.end, clause.segment, list(clause.dates), [], None, borrowed=True)]
    return [clause]


def _segment_of(segs: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for s0, s1 in segs:
        if s0 <= position < s1:
            return s0, s1
    return position, position


def _split_on_own_events(low: str, clause: Clause, g: Grammar) -> list[Clause]:
    """'Entrenamiento el sábado a las 9:30 y partido a las 12:00': a second time whose own
    piece names an event is a second event that day, with its own title and place."""
    if len(clause.dates) != 1 or len(clause.times) < 2:
        return [clause]
    marks = soft_boundaries(low, clause.start, clause.end, g)
    pieces: list[Clause] = [clause]
    for t in sorted(clause.times, key=lambda x: x.start)[1:]:
        current = pieces[-1]
        if t.start < clause.dates[0].end:
            continue
        before = [m for m in marks if current.start < m[0] and m[1] <= t.start
                  and m[0] >= max(clause.dates[0].end, *(x.end for x in current.times if x.start < t.start))]
        # the nearest boundary after which the piece names its event ("..., e almoço coletivo
        # depois à uma hora": not the "depois" right before the hour)
        end = _next_mark(marks, t.end, clause.end)
        cut = next((m for m in reversed(before) if _names_own_event(low, m[1], end, g)
                    or (_THEN_A_THING.match(low, m[0], end) and t.start < clause.segment[1]
                        and not g.logistics.search(low, m[1], end) and not g.closure.search(low, m[1], end))),
                   None)
        if cut is None:
            continue
        kept = [x for x in current.times if x.start < cut[0]]
        if not kept:
            continue
        if all(_check_in(low, x, marks, clause.start) for x in kept):
            # "Regatta ... Sat the 29th, check in by 6:30am, first race 7:15": the hour to be
            # there by is no event; the event's own hour is the later one
            _carry_morning(kept, [x for x in current.times if x.start >= cut[1]])
            pieces[-1] = Clause(current.start, current.end, current.segment, current.dates,
                                [x for x in current.times if x not in kept], current.lead, current.borrowed)
            continue
        moved = [x for x in current.times if x.start >= cut[1]]
        _carry_morning(kept, moved, low, g)
        pieces[-1] = Clause(current.start, cut[0], current.segment, current.dates, kept, current.lead,
                            current.borrowed)
        pieces.append(Clause(cut[1], current.end, current.segment, list(clause.dates), moved,
                             None, borrowed=True))
    return pieces


# Beside an hour, these make it a call-up: the hour to be somewhere by, not the event's own.
_CALL_UP_WORDS = (
    r"check[- ]?in|meet(?:ing point)?|(?:we['’]re |we are )?meeting(?= (?:at|outside|by|in front)\b)|"
    r"assemble|assembly|be there|call[- ]?time|warm[- ]?up|"
    r"treffpunkt|treffen uns|aufstellung|antreten|besammlung|einlaufen|einspielen|aufwärmen|"
    r"concentraci[oó]n|convocatoria|citaci[oó]n|citad[oa]s|convocad[oa]s|llegar|llegada|calentamiento|concentra[çc][ãa]o|aquecimento|"
    r"ponto de encontro|punto de encuentro|quedamos|rendez-vous|rdv|convocation|échauffement|"
    # a carpool's departure, beside the event's own start: "salimos a las 6:30 ..., el primer
    # partido es a las 8:00", "ich fahr um 8 ... los. Erstes Spiel ist um 9:30"
    r"leaving|we leave|departure|salimos|salida|saímos|saindo|saída|partimos|départ|abfahrt|"
    r"fahr(?:e|en)?(?= (?:[\w-]+ ){0,5}los\b)")
_CHECK_IN_CUE = re.compile(rf"\b(?:{_CALL_UP_WORDS})\b[^,;]*$", re.I)
_CALL_UP = re.compile(rf"\b(?:{_CALL_UP_WORDS})\b", re.I)
# Beside an hour, these make it the event's own start: "kick off 10.30", "for a 7pm start",
# "Anpfiff erstes Spiel 9:30", "primeiro jogo às 9h30", "races start 9:30".
OWN_START = re.compile(
    r"\b(?:kick[- ]?off|ko|tip[- ]?off|puck drop|throws? in|first (?:match|game|race|bout)|races?|game|match|"
    r"partido|jogo|spiel|"
    r"racing|starts?|begins?|anpfiff|ansto(?:ß|ss)|spielbeginn|beginn|beginnt|erstes spiel|abmarsch|"
    r"coup d'envoi|d[ée]but|commence|premier match|saque|inicio|comienza|empieza|primer partido|"
    r"in[íi]cio|come[çc]a|primeiro jogo|pontap[ée] de sa[íi]da)\b", re.I)


def _drop_call_ups(low: str, clause: Clause, g: Grammar) -> Clause:
    """'Meet at the clubhouse 9.15, kick off 10.30', 'call time 6pm for a 7pm start': an event
    starts at its own hour; the hour to be there by stays in its evidence, not its start."""
    kept = _without_call_ups(low, clause.times, clause.start, clause.end, g)
    if len(kept) == len(clause.times):
        return clause
    return Clause(clause.start, clause.end, clause.segment, clause.dates, kept, clause.lead,
                  clause.borrowed, clause.extras)


def _without_call_ups(low: str, times: list[TimeMention], start: int, end: int,
                      g: Grammar) -> list[TimeMention]:
    """The hours of one stretch of text less its call-ups, when it also says the event's own
    start; otherwise all of them (a call-up alone is the only hour there is)."""
    if len(times) < 2:
        return times
    marks = soft_boundaries(low, start, end, g)
    ordered = sorted(times, key=lambda t: t.start)
    roles = [_hour_role(low, ordered, index, marks, start, end) for index in range(len(ordered))]
    if "call-up" not in roles or "start" not in roles:
        return times
    call_ups = [t for t, role in zip(ordered, roles, strict=True) if role == "call-up"]
    kept = [t for t in times if t not in call_ups]
    _carry_morning(call_ups, kept)
    return kept


def _hour_role(low: str, times: list[TimeMention], index: int, marks: Sequence[tuple[int, int]],
               start: int, end: int) -> str | None:
    """What the words right beside an hour (up to the next hour or boundary) make it."""
    t = times[index]
    left = max([start, *(b for _a, b in marks if b <= t.start)]
               + ([times[index - 1].end] if index else []))
    right = min([end, *(a for a, _b in marks if a >= t.end)]
                + ([times[index + 1].start] if index + 1 < len(times) else []))
    before, after = low[left:t.start], low[t.end:right]
    if _CALL_UP.search(before) or _CALL_UP.match(after.lstrip()):
        return "call-up"
    if OWN_START.search(before) or OWN_START.match(after.lstrip()):
        return "start"
    return None


def _check_in(low: str, t: TimeMention, marks: Sequence[tuple[int, int]], start: int) -> bool:
    """The hour's own piece says when to be there ("check in by 6:30am", "Treffpunkt 8:45")."""
    piece_start = max([b for _a, b in marks if b <= t.start] + [start])
    return bool(_CHECK_IN_CUE.search(low[piece_start:t.start]))


def _carry_morning(kept: list[TimeMention], moved: list[TimeMention], low: str = "",
                   g: Grammar | None = None) -> None:
    """'check in by 6:30am, first race 7:15': a later hour of the same morning keeps its am;
    'misa a las 5 de la tarde, y luego la recepción a partir de las 8': a later hour of the same
    afternoon keeps its pm."""
    morning = [x for x in kept if x.meridiem == "am"]
    afternoon = [x for x in kept
                 if x.meridiem == "pm" or (g is not None and not x.literal and _said_pm(low, x, g))]
    for x in moved:
        if morning and x.meridiem is None and not x.literal and morning[-1].hour <= x.hour < 12:
            x.meridiem = "am"
        elif afternoon and x.meridiem is None and not x.literal and afternoon[-1].hour % 12 < x.hour < 12:
            x.meridiem = "pm"


# The small words between an hour and its part of the day: "5 de la tarde", "7 in the evening"
_TO_PART_OF_DAY = re.compile(r"\s+(?:(?:de|da|del|in|the|la|du|am|at)\s+){0,2}")


def _said_pm(low: str, t: TimeMention, g: Grammar) -> bool:
    """The hour is followed by words for the afternoon or evening ("a las 5 de la tarde")."""
    gap = _TO_PART_OF_DAY.match(low, t.end)
    return gap is not None and g.pm.match(low, gap.end()) is not None


def _next_mark(marks: Sequence[tuple[int, int]], position: int, default: int) -> int:
    return next((a for a, _b in marks if a >= position), default)
