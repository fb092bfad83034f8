"""The regular expressions the text extractor needs, compiled once per language.

The word lists live in `extract_lang`; this module turns them into patterns, and holds the few
per-language regex fragments (deadline, schedule and decline cues, bare day numbers) that are
patterns rather than word lists.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from toolkit.extract.alternation import alternation
from toolkit.extract.lang import TABLES, LangTable

THIS_WORDS = {"this", "este", "esta", "diesen", "dieser", "diese", "ce", "cette", "nesta", "neste", "desta",
              "deste", "nessa", "nesse", "dessa", "desse"}


def _alt(words: Any) -> str:
    return alternation(words)


class Grammar:
    """The regular expressions for one language, compiled once."""

    def __init__(self, t: LangTable):
        self.t = t
        wd = _alt(t.weekdays)
        wd_abbr = _alt(t.weekday_abbr)
        mon = _alt(t.months)
        self.weekday_of = {**{k: v for k, v in t.weekday_abbr.items()}, **t.weekdays}
        self.month_of = t.months
        # the words that run a span of days to its last, that last day included or said so
        # ("bis einschließlich Freitag 2.6.", "bis und mit", "up to and including")
        span_to = (r"(?:-|–|to|till|until|thru|through|up to(?: and including)?|"
                   r"bis(?: einschlie(?:ß|ss)lich| inklusive| inkl\.?| und mit)?|al|au|à|a|até|ao|"
                   r"hasta(?: el)?|jusqu['’]au)")
        sep = rf"(?:{span_to}|às|e|y|und|et|and)"
        day = r"(\d{1,2})(?:st|nd|rd|th|er|º|ª|°)?\.?"
        year = r"(?:,?\s*(?:de\s+|del\s+)?(\d{4}))?"
        self.month_range = re.compile(
            rf"(?:\b(?:from|del|vom|du|de|entre|between)\s+)?\b{day}(?:\s*(?:de\s+|of\s+)?({mon})\.?)?"
            rf"\s*{sep}\s*(?:(?:{wd}|{wd_abbr})\.?,?\s+)?{day}\s*(?:de\s+|of\s+)?({mon})\b\.?{year}",
            re.I,
        )
        self.month_first_range = re.compile(
            rf"\b({mon})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|to|until|through|thru)\s*"
            rf"(?:(?:{wd}|{wd_abbr})\.?,?\s+)?(?:({mon})\.?\s+)?(\d{{1,2}})"
            rf"(?:st|nd|rd|th)?\b(?![.:]\d|\s*(?:am|pm|h\b|uhr)){year}",
            re.I,
        )
        self.day_month = re.compile(
            rf"\b{day}(?:\s*|-)(?:de\s+|of\s+)?({mon})\b\.?(?:-(?=\d{{4}}))?{year}(?!\s*(?::\d|h\d))",
            re.I,
        )
        self.month_day = re.compile(
            rf"\b({mon})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:am|pm|[:.]\d|h\b)){year}",
            re.I,
        )
        num = r"\d{1,2}[./]\d{1,2}(?:[./](?:\d{4}|\d{2}))?\.?"
        self.numeric_range = re.compile(
            rf"(?:\b(?:del|vom|du|de|from|entre|between)\s+)?(?<![\d/.])({num})\s*"
            rf"{span_to}\s*(?:(?:{wd}|{wd_abbr})\.?,?\s+)?({num})(?![\d/])",
            re.I,
        )
        # "del 15 al 17", "vom 3. bis 5.", "du 3 au 5", "de 3 a 5", "from the 3rd to the 5th":
        # day numbers with no month, in this month or the next
        self.day_range = re.compile(DAY_RANGES[t.code], re.I)
        self.month_end = re.compile(MONTH_ENDS[t.code].replace("{mon}", mon), re.I)
        self.iso = re.compile(r"(?<![\d/.:])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
        self.numeric = re.compile(
            r"(?<![\d/.:,])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(\.)?(?![\d/]|[.,]\d)"
        )
        self.weekday_range = re.compile(
            rf"\b({wd}|{wd_abbr})\.?\s*(?:-|to|till|until|thru|through|bis|al|à|a|au|até)\s*({wd}|{wd_abbr})\b\.?",
            re.I,
        )
        # "del jueves 9 al sábado 11", "from Thu 9th to Sat 11th", "vom Do., 9. bis Sa., 11."
        self.weekday_day_range = re.compile(
            rf"\b({wd}|{wd_abbr})\.?,?\s*(?:the\s+|den\s+|le\s+|el\s+|dia\s+)?(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?"
            rf"\s*{span_to}\s*(?:the\s+|den\s+|le\s+|el\s+)?"
            rf"({wd}|{wd_abbr})\.?,?\s*(?:the\s+|den\s+|le\s+|el\s+|dia\s+)?(\d{{1,2}})(?:st|nd|rd|th|er|º)?\b\.?"
            rf"(?![:./h]\d|\s*(?:am|pm|h\b|uhr))",
            re.I,
        )
        self.next_week_weekday = re.compile(
            rf"\b(?:{_alt(t.next_week)})\s*,?\s*(?:am\s+|on\s+|el\s+|le\s+|na\s+|no\s+)?({wd})\b", re.I
        )
        if t.code == "en":  # "this Sat": capitalisation is checked in _weekday_mention
            wd = _alt({**t.weekdays, **t.weekday_abbr})
        next_words = _alt(set(t.next_words) | (THIS_WORDS & set(t.this_words + t.next_words)) | {"this"}
                          if t.code == "en" else set(t.next_words))
        next_after = _alt(t.next_after) if t.next_after else "(?!)"
        self.weekday = re.compile(
            rf"(?:\b({next_words})\s+)?\b({wd})\b\.?(?:\s+({next_after})\b)?"
            rf"(?:\s*,?\s*(?:the\s+|den\s+|der\s+|le\s+|el\s+|dia\s+)?(\d{{1,2}})(?:st|nd|rd|th|er)?\b"
            rf"(?![:./h]\d|\s*(?:am|pm|a\.m|p\.m|h\b|uhr|-\s*\d|/))\.?"
            # "next Friday (19th)": the day number alone in brackets after its weekday
            rf"|\s*\(\s*(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s*\))?",
            re.I,
        )
        # "seg, qua e sex", "lun, mer et ven": short weekdays listed, trusted in lower case
        self.weekday_abbr_list = re.compile(
            rf"\b(?:{wd_abbr})\b\.?(?:\s*(?:,|/|&|\+|\b(?:e|y|et|und|and)\b)\s*\b(?:{wd_abbr})\b\.?)+", re.I)
        self.weekday_abbr = re.compile(
            # "ter (18) banheiro": the day number in brackets, as a rota writes it
            rf"\b({wd_abbr})\b\.?(?=,?\s*\(?\d|\s*:\s|[ \t]+[-–—][ \t])"
            rf"(?:\s*,?\s*\(?(\d{{1,2}})(?:st|nd|rd|th)?\b"
            rf"(?:\)|(?![:./h]\d|\s*(?:am|pm|h\b|uhr|-\s*\d))))?",
            re.I,
        )
        rel = _alt(t.relative_days)
        self.relative = re.compile(rf"(?<![\w-])({rel})(?![\w-])", re.I)
        nums = _alt(t.numbers)
        self.offset = re.compile(
            rf"\b(?:{_alt(t.in_words)})\s+(\d{{1,2}}|{nums})\s+({_alt(t.day_units + t.week_units)})\b",
            re.I,
        )
        self.ordinal = re.compile(ORDINALS[t.code], re.I)
        self.holidays = HOLIDAYS[t.code]
        self.holiday = re.compile(rf"(?<![\w'])(?:{_alt(self.holidays)})(?![\w'])", re.I)
        single_words = [h for h in self.holidays if re.fullmatch(r"[^\W\d_]+", h)]
        self.holiday_compound = re.compile(  # German nouns open with a feast: "Rosenmontagszug"
            rf"(?<![\w'])({_alt(single_words)})s?[a-zäöüß]{{3,}}\b", re.I) if t.compound_nouns else None
        self.greeting = re.compile(GREETINGS, re.I)
        self.masks = re.compile(rf"\b(?:{_alt(t.masks)})\b", re.I) if t.masks else None
        # times. German "7 am Spielplatz" is "at the playground": there am/pm must be attached.
        mer = (r"a\.\s?m\.|p\.\s?m\.|(?<=\d)am|(?<=\d)pm|pm" if t.code == "de"
               else r"a\.?\s?m\.?|p\.?\s?m\.?")
        preps = _alt(t.time_preps)
        ranges = _alt(t.range_words)
        froms = _alt(t.from_words)
        self.time_range = re.compile(
            rf"(?:\b({froms}|{preps})\s+)?(?<![\d/.:])(\d{{1,2}})(?:([:.h])(\d{{2}}))?\s*({mer}|uhr|h)?"
            rf"\s*(?:{ranges})\s*(?:{_APPROX}\s*)?(\d{{1,2}})(?:([:.h])(\d{{2}}))?\s*({mer}|uhr|hrs?|h)?"
            rf"(?![\d/])",
            re.I,
        )
        # "18h", "18h30", "18 h 30", "19hs" outside English (where "2h" is two hours).
        # English "14hrs", "from 18 hrs": only an hour past noon, where no count of hours is meant.
        h_form = r"|\s?(h)(?:rs?|s)?\s?(\d{2})?(?!\w)" if t.code != "en" \
            else r"|(?<=1[3-9]|2[0-3])\s?(h)rs()(?!\w)"
        self.time_marked = re.compile(
            rf"(?<![\d/.:,])(\d{{1,2}})(?:([:.])(\d{{2}})\s*({mer}|uhr|hrs?|h)?"
            + h_form + rf"|\s*({mer}|uhr)(?![a-z]))(?![\d/])",
            re.I,
        )
        self.time_prep = re.compile(
            rf"(?<![\w])(?:{preps})\s+(\d{{1,2}})(?:ish)?(?!\d|[:./,]\d|\s*[-/]\s*\d)"
            rf"(?!\s*(?:days?|weeks?|months?|years?|people|kids|children|games?|rounds?|goals?|laps?)\b)"
            rf"(?:\s*(heures?|horas?|uhr)\b)?", re.I
        )
        self.time_ish = re.compile(r"(?<![\d/.:,])(\d{1,2})\s?ish\b", re.I)  # "5ish"
        self.hour_words = HOUR_WORDS[t.code]
        # Bare articles ("las dos chicas", "as duas meninas") are no clock before a word.
        word_preps = _alt([p for p in t.time_preps if p not in ("las", "as", "by", "de", "a")]
                          + (["am"] if t.code == "de" else []))  # Swiss "am achti": at eight
        article = r"(?:de\s+)?" if t.code == "de" else ""  # dialect "ab de Viere": from four
        self.time_word = re.compile(  # "at five", "a las cinco", "à cinq heures", "um fünf"
            rf"(?<![\w])(?:{word_preps})\s+{article}({_alt(self.hour_words)})(?![\w])"
            rf"(?!\s+(?:of|or|and|more|point|time|stage|year|days?|weeks?|people|kids|minutes?))",
            re.I,
        )
        # "nove da noite", "siete de la tarde", "eight in the evening": the part of the day
        # after an hour in words makes it a clock time without "at"
        self.time_word_part = re.compile(
            rf"(?<![\w])({_alt(self.hour_words)})(?=\s+(?:de la|da|del|du|in the)\s+(?:tarde|mañana|"
            rf"manana|noche|madrugada|manhã|manha|noite|matin|soir|morning|afternoon|evening)\b)",
            re.I,
        )
        self.half_before = (
            re.compile(rf"\b(?:{_alt(t.half_before)})\s+(\d{{1,2}})\b", re.I) if t.half_before else None
        )
        self.half_after = re.compile(rf"^\s*(?:{_alt(t.half_after)})\b", re.I) if t.half_after else None
        self.quarter_after = (
            re.compile(rf"^\s*(?:{_alt(t.quarter_after)})\b", re.I) if t.quarter_after else None
        )
        self.marker = re.compile(rf"(?<![\w])(?:{_alt(MARKERS[t.code])})(?![\w])", re.I)
        # "10am-noon" ends a range, but a noon word joined by a hyphen to a word before it is
        # part of that word: "après-midi", Quebec's "avant-midi" (the morning), "Bruxelles-Midi".
        self.noon = re.compile(rf"(?<![\w])(?<![^\W\d_]{{3}}-)(?:{_alt(t.noon_words)})"
                               rf"(?![\w-])", re.I)
        self.pm = re.compile(rf"(?<![\w])(?:{_alt(t.pm_words)})(?![\w])", re.I)
        self.am = re.compile(rf"(?<![\w])(?:{_alt(t.am_words)})(?![\w])", re.I)
        nouns = _alt(t.event_nouns)
        if t.compound_nouns:
            self.event_noun = re.compile(rf"(?:{nouns})", re.I)
        else:
            self.event_noun = re.compile(rf"(?<![\w])(?:{nouns})(?:e?s)?(?![\w])", re.I)  # plurals
        # an evening noun naming another activity is no evening: "Gig rowing ... at 8"
        self.evening_noun = re.compile(
            rf"(?<![\w])(?:{_alt(t.evening_nouns)})(?!\w*\s+\w+ing\b)", re.I)
        self.move = re.compile(rf"(?<![\w])(?:{'|'.join(t.move_cues)})(?![\w])", re.I)
        self.recurring = re.compile(rf"(?<![\w])(?:{'|'.join(RECURRING[t.code])})"
                                    rf"(?:\s+(?:am|on|el|le|no|na|o|a|dia))?\s*$", re.I)
        self.opening = re.compile(rf"(?<![\w])(?:{'|'.join(OPENING[t.code])})(?![\w])", re.I)
        self.correction = re.compile(rf"(?<![\w])(?:{'|'.join(CORRECTIONS[t.code])})(?![\w])", re.I)
        self.duty = re.compile(rf"(?<![\w])(?:{'|'.join(DUTY[t.code])})(?![\w])", re.I)
        self.until = re.compile(rf"(?<![\w])(?:{'|'.join(UNTIL[t.code])})\s*$", re.I)
        self.decline = re.compile(rf"(?<![\w])(?:{'|'.join(DECLINES[t.code])})(?![\w])", re.I)
        self.whereabouts = re.compile(rf"(?<![\w])(?:{'|'.join(WHEREABOUTS[t.code])})(?![\w])", re.I)
        self.deadline = re.compile(rf"(?<![\w])(?:{'|'.join(DEADLINES[t.code])})(?![\w])", re.I)
        self.plan = re.compile(rf"(?<![\w])(?:{_alt(t.plan_cues)})(?![\w])", re.I)
        self.past = re.compile(rf"(?<![\w'])(?:{'|'.join(t.past_cues)})(?![\w])", re.I)
        cancel = "|".join(c.replace("{nouns}", nouns) for c in t.cancel_cues)
        self.cancel = re.compile(rf"(?<![\w])(?:{cancel})(?![\w])", re.I)
        # A lookahead, so "à 14h au stade" yields both "à 14h..." and "au stade". After an
        # apostrophe ("l'église", Swiss "z'Guarda") a part of the day is no place ("z'Obe").
        self.place = re.compile(
            rf"(?<![\w-])(?=(?:{_alt(t.place_preps)})(?:(?<=['’])(?!(?:obe|nacht|morge|mittag|abig)\b)|\s+)"
            rf"((?:[\w'’.&-]+[ \t]?){{1,6}}))", re.I
        )
        self.place_after_time = re.compile(
            rf"(?<![\w-])(?:{_alt(t.place_preps)})\s*¦+[ \t]*((?:[\w'’.&-]+[ \t]?){{1,5}})", re.I)
        self.place_noun = re.compile(rf"(?:{_alt(t.place_nouns)})(?:e?s)?(?![\w])" if t.compound_nouns
                                     else rf"(?<![\w])(?:{_alt(t.place_nouns)})s?(?![\w])", re.I)
        glue = (t.time_preps + t.from_words + t.range_words + t.day_preps + t.this_words + t.next_words
                + t.next_after + t.place_preps + _GLUE[t.code])
        words = _alt(w for w in glue if w != "-")
        # a glue word left hanging, but not the "in" of "check-in"
        self.dangling = re.compile(rf"(?<![\w-])(?:{words})(?=\s*(?:\s\s|$|[,.;:!?]))", re.I)
        periods = _alt(t.pm_words + t.am_words)
        # "por la noche", or a period word right after a date taken out ("Friday night"),
        # but not the "night" of "movie night".
        self.period_phrase = re.compile(
            rf"(?:(?<![\w])(?:por|de|en|à|a|da|am|in the|this|pela|na)\s+(?:la\s+|l')?|(?<=\s\s)|^\s*)"
            rf"(?:{periods})(?![\w])",
            re.I,
        )
        self.date_words = re.compile(
            rf"(?<![\w])(?:{wd}|{mon}|{rel}|{_alt(t.noon_words)}|{_alt(t.pm_words + t.am_words)})(?![\w])",
            re.I,
        )
        self._compile_clause_cues(t, mon)

    def _compile_clause_cues(self, t: LangTable, mon: str) -> None:
        """The cues a single clause is read with (see the CLOSURES ... SIGN_OFFS tables)."""
        code = t.code

        def words(pattern: str) -> re.Pattern[str]:
            return re.compile(rf"(?<![\w])(?:{pattern})(?![\w])", re.I)

        self.weekend = words(WEEKENDS[code])
        self.week = words(WEEKS[code])
        self.agenda_heading = re.compile(
            rf"^[^\w\n]*(?:(?:{AGENDA_WORDS})\s+)*(?P<month>{mon})\.?(?:\s+(?:\d{{4}}|{AGENDA_WORDS}))*"
            rf"[^\w\n]*(?:[:\n]|$)", re.I | re.M)
        self.closure = words("|".join(CLOSURES[code]))
        self.due = words("|".join(DUE[code]))
        self.limit = re.compile(rf"(?<![\w])(?:{LIMITS[code]})\s*$", re.I)
        self.task = re.compile(rf"(?:{'|'.join(TASKS[code])})(?![\w])", re.I) if t.compound_nouns \
            else words("|".join(TASKS[code]))  # "Zeugnisunterschrift", "Kuchenspenden"
        self.due_for = re.compile(rf"(?<![\w])(?:{DUE_FOR[code]})\s*$", re.I)
        self.homework = words(HOMEWORK)
        self.thanks = words(THANKS[code])
        self.proposal = words(PROPOSALS[code])
        self.own_what = re.compile(OWN_WHAT[code], re.I)
        self.comes = words(COMES[code])
        self.copula_before = re.compile(rf"(?<![\w])(?:{COPULAS[code]})\s*$", re.I)
        self.clocks = re.compile(rf"(?=[bcdhmosuwz])(?:{CLOCKS})", re.I)  # first letters first: faster
        self.move_old = re.compile(rf"(?<![\w])(?:{MOVE_OLD[code]})\s*(?:\(\s*)?$", re.I)
        self.move_new = re.compile(rf"(?<![\w])(?:{MOVE_NEW[code]})\s*$", re.I)
        self.instead = words(INSTEAD[code])
        self.no_longer = words(NO_LONGER[code])
        self.resumes = words(RESUMES[code])
        self.ends = words(ENDS[code])
        self.was_on = re.compile(rf"[^()\n]{{0,60}}\(\s*(?:{WAS_ON[code]})\s*$", re.I)
        self.conjunction = words(CONJUNCTIONS[code])
        self.complementizer = words(COMPLEMENTIZERS[code])
        self.logistics = words(LOGISTICS[code])
        self.early = words(EARLY[code])
        self.sign_off = words(SIGN_OFFS[code])
        nouns = _alt(t.place_nouns)
        cap = r"[A-ZÁÉÍÓÚÀÂÊÔÃÕÇÄÖÜ][\w'’.&-]*"
        link = r"(?:de|do|da|dos|das|del|de la|of|of the|la|le|du|des|der|von|am|an der)"
        self.named_place = re.compile(  # "salle 204", "Praxis Dr. Brandt", "place de la mairie"
            rf"(?<![\w])(?i:{nouns})(?:\s+(?:\d{{1,4}}[a-z]?\b|{cap})(?:\s+(?:{link}\s+|[dl]['’])?{cap}){{0,3}}"
            rf"|\s+(?:de la|de l'|de los|de las|del|de|du|des|da|do|dos|das|der|of the|of)(?:(?<=')|\s+)"
            rf"(?:{cap}(?:\s+(?:{link}\s+|[dl]['’])?{cap}){{0,3}}|[^\W\d_]{{3,}}))"
            + (rf"|(?<![\w]){cap}(?:\s+{cap}){{1,3}}\s+(?i:{nouns})(?![\w])" if code == "en" else "")
            # "Bahnhofstraße 12", "Kirchweg 3a": a street with its house number
            + (r"|(?<![\w])[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer)"
               r"\s+\d{1,4}[a-z]?\b" if code == "de" else ""),
        )
        hour_words = {**HOUR_WORDS[code], **HOUR_WORDS_24[code]}
        self.hour_words_all = hour_words
        hw = rf"\d{{1,2}}|{_alt(hour_words)}"
        self.word_time = re.compile(WORD_TIMES[code].replace("{hw}", hw), re.I) \
            if WORD_TIMES.get(code) else None


# Words left hanging at the end of a title once its date is out ("am Freitag, den").
_GLUE = {
    "en": ("on", "at", "the", "until", "till", "inclusive"),
    "es": ("de", "del", "el", "la", "a las", "hasta", "inclusive", "incluido", "a partir"),
    "de": ("der", "den", "am", "um", "ab", "dem", "bis", "bis einschließlich", "einschließlich", "erst"),
    "fr": ("le", "la", "à", "dès", "de", "du", "jusqu'au", "inclus", "d'ici", "d’ici", "avant"),
    "pt": ("de", "da", "do", "às", "no", "na", "até", "inclusive", "a partir"),
}

# Function words that give a language away in short messages (used only to rank languages).
MARKERS = {
    "en": ("at", "the", "is", "on", "and", "tomorrow", "next", "pm", "am", "we", "you"),
    "es": ("a las", "el", "la", "los", "de la", "es", "hay", "y", "próximo", "del", "hrs"),
    "de": ("uhr", "um", "am", "der", "die", "das", "und", "ist", "vom", "bis", "im", "wir"),
    "fr": ("à", "le", "les", "du", "des", "et", "est", "au", "chez", "prochain", "de l'"),
    "pt": ("às", "das", "no", "na", "do", "da", "é", "e", "tem", "próximo", "dia", "não"),
}

# Before a weekday, these make it a weekly schedule ("every Tuesday"), not one event.
RECURRING = {
    "en": (r"every", r"each", r"every other"),
    "es": (r"todos los", r"todas las", r"cada", r"los"),
    "de": (r"jeden", r"jede", r"immer", r"immer am", r"jeweils"),
    "fr": (r"tous les", r"chaque"),
    "pt": (r"todo", r"toda", r"todos os", r"todas as", r"sempre"),
}
DAY_RANGES = {
    "en": r"\bfrom\s+the\s+(\d{1,2})(?:st|nd|rd|th)\s+(?:to|till|until)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b",
    "es": r"\bdel\s+(\d{1,2})\s+al\s+(\d{1,2})\b(?![:.h/]?\d)",
    "de": r"\bvom\s+(\d{1,2})\.\s*(?:bis(?:\s+zum)?|-)\s*(\d{1,2})\.(?!\d)",
    "fr": r"\bdu\s+(1er|\d{1,2})\s+au\s+(\d{1,2})\b(?![:.h/]?\d)",
    "pt": r"\b(?:do\s+dia|dos\s+dias|dias)\s+(\d{1,2})\s+(?:ao|até\s+o|a|e)\s+(?:dia\s+)?"
          r"(\d{1,2})\b(?![:.h/]?\d)",
}
# "by end of June", "a finales de mayo", "bis Ende Juli", "fin juin", "até ao fim de julho":
# the month's last day.
MONTH_ENDS = {
    "en": r"\b(?:the\s+)?end\s+of\s+({mon})\b",
    "es": r"\b(?:a\s+)?(?:finales|fin|final)\s+de\s+({mon})\b",
    "de": r"\b(?:ende)\s+({mon})\b",
    "fr": r"\b(?:la\s+)?fin\s+(?:de\s+|d['’])?({mon})\b",
    "pt": r"\b(?:o\s+)?(?:fim|final)\s+de\s+({mon})\b",
}
# A noun phrase of the clause's own: a determiner and a word ("el técnico", "la collecte", "die
# Müllabfuhr", "the plumber"), the "what" of a clause whose noun the tables do not know.
OWN_WHAT = {
    "en": r"\b(?:the|a|an|our|my|your|his|her|their)\s+(?!(?:day|week|weekend|time|morning|evening|"
          r"afternoon|night|moment|end|rest|same|way)\b)[a-z][a-z'-]{2,}",
    "es": r"\b(?:el|la|los|las|un|una|unos|unas|mi|mis|tu|su|sus|nuestr[oa]s?)\s+(?!(?:mañana|tarde|"
          r"noche|semana|vez|hora)\b)[a-záéíóúñü]{3,}",
    "de": r"\b(?:der|die|das|den|dem|des|ein|eine|einen|einem|unser|unsere|unseren)\s+(?!(?:woche|"
          r"zeit|abend|morgen|tag)\b)[a-zäöüß]{3,}",
    "fr": r"\b(?:le|la|les|un|une|des|du|mon|ma|mes|notre|nos|votre|vos|leur|leurs)\s+(?!(?:semaine|"
          r"fois|soir|matin|journée|heure)\b)[a-zàâçéèêëîïôûùüÿœ]{3,}|\bl['’][a-zàâçéèêëîïôûùüÿœ]{3,}",
    "pt": r"\b(?:o|a|os|as|um|uma|meu|minha|nosso|nossa|seu|sua)\s+(?!(?:semana|vez|hora|manhã|tarde|"
          r"noite)\b)[a-záàâãéêíóôõúç]{3,}",
}
# A proposal to the group names what it proposes as an event: "Wer hat am Wochenende Lust auf
# eine Radtour?", "Kizomba na sexta no Bahia, bora?", "Tava pensando em ir pra praia no domingo,
# quem topa?", "¿Quién se apunta a la ruta del sábado?".
PROPOSALS = {
    "en": r"let'?s|shall we|how about|anyone (?:up for|keen|fancy|want to)|who'?s (?:up for|keen|coming)|"
          r"who wants to|fancy|wanna",
    "es": r"qui[eé]n se apunta|qui[eé]n(?:es)? se viene|qui[eé]n se prende|qui[eé]n se suma|os apetece|"
          r"les late|te animas|se animan|"
          r"¿?(?:hacemos|quedamos|vamos)\b",
    "de": r"wer hat (?:\w+ ){0,3}lust|hat jemand (?:\w+ ){0,3}lust|habt ihr (?:\w+ ){0,3}lust|"
          r"wer kommt mit|wer ist dabei|wollen wir|lass(?:t)? uns",
    "fr": r"qui est partant|qui vient|qui est dispo|ça vous dit|ça te dit|on pourrait|on se fait|partants?",
    "pt": r"bora|quem topa|quem quer ir|quem vem|quem quer vir|partiu|que tal|tava pensando em|vamos",
}
# "El picnic de la iglesia es este sábado", "Offsite is 2/9", "A inspeção do carro é na sexta":
# a subject said to be on the day is that day's event, whatever its noun. Before the date: the
# copula (and the day's preposition); before that, in the core, a determiner and a noun.
COPULAS = {
    "en": r"(?:is|are|will be|'s)(?:\s+(?:on|at|this|next|the))*",
    "es": r"(?:es|será|son|serán)(?:\s+(?:el|este|esta|la|del|a))*",
    "de": r"(?:ist|sind|wird|findet)(?:\s+(?:am|an|diesen|den|nächsten|nächste|vom|ab))*",
    "fr": r"(?:est|sera|sont|seront|aura lieu)(?:\s+(?:le|ce|du|la))*",
    "pt": r"(?:é|será|são|vai ser|fica)(?:\s+(?:na|no|dia|em|nesta|neste|esta|este|a|o))*",
}
# Someone or something coming on the day is a visit to plan for: "Mañana viene el técnico de la
# caldera", "La collecte des encombrants passe mercredi", "Müllabfuhr kommt erst am Samstag".
COMES = {
    "en": r"(?:is|are) coming|comes|will come|arrives|will arrive|(?:is|are) visiting|"
          r"(?:is|are) calling round",
    "es": r"viene|vienen|vendrá|vendrán|pasa|pasan|pasará|pasarán",
    "de": r"kommt|kommen|kommt erst|ist da|sind da",
    "fr": r"passe|passent|passera|passeront|vient|viennent|viendra|viendront",
    "pt": r"vem|vêm|virá|virão|passa|passam|passará",
}
# Opening hours are not events.
OPENING = {
    "en": (r"open", r"opening hours", r"opening times", r"closes at"),
    "es": (r"abierto", r"horario", r"abrimos"),
    "de": (r"geöffnet", r"öffnungszeiten", r"offen"),
    "fr": (r"ouvert", r"horaires", r"ouverture"),
    "pt": (r"aberto", r"horário", r"funcionamento"),
}
# A duty roster: "nights Tue-Thu (2100-0715)", "Nachtdienst Mo bis Mi", "plantão seg, qua e
# sex". Each day of a range of weekdays given one span of hours is a shift of its own.
DUTY = {
    "en": (r"nights?", r"night shifts?", r"shifts?", r"lates", r"earlies", r"on call", r"rota",
           r"roster", r"on duty", r"rotation"),
    "es": (r"turnos?", r"guardias?", r"de noche", r"de guardia", r"rotación", r"rol de"),
    "de": (r"\w*dienst(?:e|plan)?", r"\w*schicht(?:en)?", r"bereitschaft", r"putzplan", r"ämtliplan"),
    "fr": (r"de nuit", r"de garde", r"d['’]astreinte", r"postes?", r"planning", r"roulement",
           r"tour de rôle"),
    "pt": (r"plant(?:ão|ao|ões|oes)", r"turnos?", r"escala", r"de noite", r"rod[ií]zio"),
}
# The writer corrects a day just said: "Thurs Nov 8 ... Sorry, I mean WEDS Nov 7!!".
CORRECTIONS = {
    # and what a voice note says when it takes a word back ("um acht, äh nee, halb acht")
    "en": (r"i mean", r"i meant", r"correction", r"typo", r"make that", r"no wait", r"scratch that"),
    "es": (r"quise decir", r"quería decir", r"me equivoqué", r"me confundí", r"corrijo",
           r"(?:eh|ah),? no(?=,)"),
    "de": (r"ich meine", r"ich meinte", r"korrektur", r"vertippt", r"verschrieben", r"(?:äh|ähm),? nee"),
    "fr": (r"je voulais dire", r"je veux dire", r"je me suis trompée?", r"correction", r"euh,? non(?=,)"),
    "pt": (r"quis dizer", r"quer dizer", r"quero dizer", r"me enganei", r"errei", r"correção",
           r"corrigindo", r"corrijo", r"(?:ah|é),? não(?=,)"),
}
# Right before a date these make it a limit ("by Friday", "até 30/05"), not an event.
UNTIL = {
    "en": (r"by", r"until", r"till", r"before", r"no later than"),
    "es": (r"hasta(?: el)?", r"antes del?"),
    "de": (r"bis(?: zum| spätestens)?", r"vor dem", r"spätestens"),
    "fr": (r"jusqu'au", r"avant le", r"d'ici"),
    "pt": (r"até(?: o| dia| a)?", r"antes de"),
}
# Someone saying they cannot come is not announcing anything.
DECLINES = {
    "en": (r"can'?t (?:do|make|come|go)", r"cannot (?:do|make|come|go)", r"won'?t be able",
           r"(?:i'?ll|i will|i'?m|we'?re|running|will be) (?:be |running )?late",
           r"not free", r"i'?m busy", r"i'?m working", r"unable to",
           r"not sure (?:if|whether) (?:i|we)(?:'ll| will| can)? (?:make|go|come|do)"),
    "es": (r"no puedo", r"no podemos", r"no me va bien", r"estoy ocupad[oa]", r"trabajo",
           r"no (?:voy|vamos) a poder", r"no s[eé] si (?:voy|vamos|puedo|podemos)",
           r"llego tarde", r"llegaré tarde", r"voy tarde", r"voy con retraso"),
    "de": (r"kann (?:ich )?nicht", r"können (?:wir )?nicht", r"keine zeit", r"muss arbeiten",
           r"(?:ich|wir) (?:kann|können) (?:\S+ ){1,3}nicht",  # "ich kann am Donnerstag nicht"
           r"verspäte mich", r"komme (?:etwas )?(?:später|zu spät)",
           r"(?:weiß|weiss) (?:noch )?nicht,? ob (?:ich|wir)"),
    "fr": (r"je ne peux pas", r"on ne peut pas", r"je peux pas", r"pas dispo", r"je bosse",
           r"je travaille", r"en retard", r"je ne pourrai pas", r"je pourrai pas",
           r"je (?:ne )?sais pas (?:encore )?si (?:je|on)"),
    "pt": (r"não posso", r"nao posso", r"não consigo", r"nao consigo", r"vou trabalhar",
           r"não vou poder", r"nao vou poder", r"n[ãa]o sei (?:ainda )?se (?:vou|vamos|posso)",
           r"estou ocupad[oa]", r"tô ocupad[oa]", r"vou atrasar",
           r"(?:vou )?cheg(?:o|ar) atrasad[oa]"),
}
# The writer's own comings, goings and availability: when they arrive, leave, finish work, are
# somewhere or can only come ("Sábado eu só chego 9h30", "yo el jueves salgo de la chamba a las
# 6", "Je serai là jeudi mais seulement vers 20h", "I kann erst ab Samstag Mittag", "I can only
# do Saturday"). Said in the first person, with no event named beside it, they tell the group
# about the writer, not about an event.
WHEREABOUTS = {
    "en": (r"(?:i|we) (?:can|could) (?:only )?(?:do|make|come)", r"(?:i|we) can only",
           r"(?:i'?m|we'?re) only free", r"(?:i'?m|i am|we'?re|we are) still (?:in|at)",
           r"i(?:'?m| am|'?ll| will| should| can| could)? (?:only |probably |just |not )?(?:be )?"
           r"(?:there|back|arriving|arrive|leaving|leave|finish|finishing|landing|land|"
           r"get(?:ting)? (?:there|in|back|off))",
           r"(?:gotta|got to|have to|need to) (?:bounce|leave|head off|dash)",
           # the writer's own journey: "my flight lands at 6", "mi vuelo llega", "meu voo pousa"
           r"(?:my|our) (?:flight|plane|train|bus|coach|ferry) "
           r"(?:lands|arrives|gets in|leaves|departs|is at)",
           # the writer's own shift: "I'm rostered on at RPA on the 26th", "I'm on nights Friday"
           r"(?:i'?m|i am|i was) (?:rostered|rota'?d|scheduled|down) (?:on|to work)",
           r"(?:i'?m|i am) (?:on (?:shift|nights|lates|earlies|call)|working)"),
    "es": (r"(?:yo )?(?:no )?(?:llego|salgo|vuelvo|regreso|termino|llegaré|saldré|volveré|regresaré)",
           r"(?:estoy|estaré) en", r"s[oó]lo (?:puedo|podemos)", r"sigo en", r"todav[ií]a estoy en",
           r"(?:tengo|tenemos) que estar en",
           # the writer's own trip: "llegamos el sábado y nos quedamos hasta el 31"
           r"(?:llegamos|nos quedamos) (?:\w+ ){0,3}?(?:hasta|el|la)\b",
           r"(?:mi|nuestro) (?:vuelo|avión|avion|tren|bus|micro|colectivo) (?:llega|aterriza|sale)"),
    "de": (r"(?:ich|i) (?:kann|chan|komm\w*|chum\w*|bin|fahr\w*|schaff\w*) (?:\S+ ){0,3}?"
           r"(?:erst|später|spaeter|zurück|weg)",
           r"(?:ich|i) komm\w* (?:\w+ ){0,2}(?:an|zurück|nach)",
           # the verb before its subject once a day or time opens the sentence ("Donnerstag
           # schaff ich erst ab halb neun"), or with the subject left out ("komm so um halb
           # acht dazu", "Bin Sonntag noch bei meinen Eltern")
           r"(?:kann|komm\w*|bin|fahr\w*|schaff\w*) (?:ich|i) (?:\w+ ){0,3}?"
           r"(?:erst|später|spaeter|zurück|weg|dazu)",
           r"komm\w* (?:\w+ ){0,4}?dazu", r"bin (?:\w+ ){0,2}?noch (?:bei|in|im|auf)",
           r"(?:ich|i) bin (?:\S+ ){0,5}?da(?![\w-])",  # "Ich bin Freitag ab 20 Uhr da"
           r"(?:ich|wir|i) (?:kann|können) (?:erst|nur)",
           r"(?:ich bin|wir sind) (?:dann )?noch in",
           r"(?:ich bin|wir sind) (?:\w+ ){0,2}?(?:vom|von|ab|bis)\b",  # "ich bin ja bis Sonntag in Hamburg"
           r"(?:mein|unser) (?:flug|flieger|zug|bus) (?:landet|kommt|geht|fährt|startet)"),
    "fr": (r"je serai là", r"je suis à", r"j['’](?:arrive|arriverai)", r"on (?:arrive|atterrit|rentre)",
           r"je (?:pars|finis|termine|rentre|reviens|quitte|sors)",
           r"je (?:ne )?peux (?:que|qu['’]|seulement)", r"je suis encore (?:à|en|au)",
           r"(?:mon|notre) (?:vol|avion|train|bus|car) (?:atterrit|arrive|part|décolle)"),
    "pt": (r"(?:eu )?(?:só )?(?:chego|saio|volto|chegarei|sairei|voltarei)",
           r"(?:eu )?(?:estou|tô|to|estarei) em", r"s[óo] (?:consigo|posso|vou poder)",
           r"ainda (?:estou|vou estar) (?:em|no|na)",
           r"(?:o )?(?:meu|nosso) (?:voo|avião|aviao|comboio|trem|ônibus|onibus|autocarro) "
           r"(?:pousa|chega|sai|parte|aterra)"),
}
# A deadline is worth knowing but is not an event to attend.
DEADLINES = {
    "en": (r"due", r"deadline", r"rain date", r"backup date", r"hand in", r"handed in",
           r"submit(?:ted)?", r"return(?:ed)? by",
           r"no later than", r"pay by", r"sign up by", r"reply by", r"rsvp by"),
    "es": (r"fecha límite", r"plazo", r"entregar", r"antes del", r"hasta el"),
    "de": (r"abgabe", r"abgeben", r"frist", r"spätestens", r"bis spätestens", r"zurückgeben"),
    "fr": (r"date limite", r"à rendre", r"avant le", r"au plus tard", r"rendre"),
    "pt": (r"prazo", r"entregar", r"até o dia", r"até dia", r"data limite"),
}

# Hours written as words, read only right after a time preposition ("at five").
# "from 9am until approx. 1pm", "de 10 a aprox. 12": a range's end said roughly
_APPROX = (r"(?:approx\.?|approximately|about|around|roughly|ca\.?|circa|aprox\.?|aproximadamente|"
           r"environ|env\.|vers|etwa|ungefähr|ungef\.|gegen|cerca de|por volta de)")

HOUR_WORDS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12},
    "es": {"una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
           "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12},
    "de": {"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
           "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
           # Swiss German writes the hour with an -i, after "am" or "um" ("am achti")
           "eis": 1, "zwöi": 2, "drü": 3, "vieri": 4, "füfi": 5, "föifi": 5, "sächsi": 6,
           "sechsi": 6, "sibni": 7, "siebni": 7, "achti": 8, "nüni": 9, "neuni": 9, "zähni": 10,
           "zehni": 10, "elfi": 11, "ölfi": 11, "zwölfi": 12,
           # and southern German with an -e ("um sechse", "ab de Viere")
           "viere": 4, "fünfe": 5, "sechse": 6, "siebene": 7, "achte": 8, "neune": 9, "zehne": 10,
           "elfe": 11, "zwölfe": 12},
    "fr": {"une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12},
    "pt": {"uma": 1, "duas": 2, "três": 3, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6,
           "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11, "doze": 12},
}

# Named days: fixed (month, day), a day counted from Easter Sunday ("easter", offset) or from
# the first Sunday of Advent, or the n-th weekday of a month ("nth", month, weekday, n; n = -1
# is the last). A named day counts unless another date shares its sentence ("am 6.12. kommt
# der Nikolaus").
HOLIDAYS: dict[str, dict[str, tuple[Any, ...]]] = {
    "en": {"new year's eve": (12, 31), "nye": (12, 31), "new year's day": (1, 1),
           "christmas eve": (12, 24), "christmas day": (12, 25), "boxing day": (12, 26),
           "halloween": (10, 31), "valentine's day": (2, 14), "bonfire night": (11, 5),
           "st patrick's day": (3, 17), "st. patrick's day": (3, 17),
           "good friday": ("easter", -2), "easter sunday": ("easter", 0),
           "easter monday": ("easter", 1), "maundy thursday": ("easter", -3),
           "palm sunday": ("easter", -7), "holy saturday": ("easter", -1), "ash wednesday": ("easter", -46),
           "shrove tuesday": ("easter", -47), "pancake day": ("easter", -47), "mardi gras": ("easter", -47),
           "whit monday": ("easter", 50), "whit sunday": ("easter", 49), "whitsunday": ("easter", 49),
           "whit friday": ("easter", 54), "pentecost": ("easter", 49),
           "labor day": ("nth", 9, 0, 1), "labour day": ("nth", 9, 0, 1),
           "memorial day": ("nth", 5, 0, -1), "thanksgiving": ("nth", 11, 3, 4),
           "thanksgiving day": ("nth", 11, 3, 4), "mlk day": ("nth", 1, 0, 3),
           "martin luther king day": ("nth", 1, 0, 3), "presidents day": ("nth", 2, 0, 3),
           "presidents' day": ("nth", 2, 0, 3), "columbus day": ("nth", 10, 0, 2),
           "indigenous peoples' day": ("nth", 10, 0, 2), "father's day": ("nth", 6, 6, 3),
           "early may bank holiday": ("nth", 5, 0, 1), "spring bank holiday": ("nth", 5, 0, -1),
           "august bank holiday": ("nth", 8, 0, -1), "summer bank holiday": ("nth", 8, 0, -1),
           "independence day": ("national", "independence"), "fourth of july": (7, 4), "juneteenth": (6, 19),
           "veterans day": (11, 11), "remembrance day": (11, 11), "st andrew's day": (11, 30),
           "corpus christi": ("easter", 60), "ascension day": ("easter", 39),
           "heritage day": (9, 24), "freedom day": (4, 27), "youth day": (6, 16),
           "day of reconciliation": (12, 16), "waitangi day": (2, 6), "anzac day": (4, 25),
           "canada day": (7, 1), "australia day": (1, 26)},
    "es": {"nochevieja": (12, 31), "nochebuena": (12, 24), "año nuevo": (1, 1),
           "día de reyes": (1, 6), "dia de reyes": (1, 6), "noche de san juan": (6, 23),
           "halloween": (10, 31), "navidad": (12, 25), "día de navidad": (12, 25),
           "día de todos los santos": (11, 1), "día del pilar": (10, 12),
           "jueves santo": ("easter", -3), "viernes santo": ("easter", -2),
           "domingo de ramos": ("easter", -7), "sábado santo": ("easter", -1),
           "sábado de gloria": ("easter", -1), "domingo de resurrección": ("easter", 0),
           "lunes de pascua": ("easter", 1), "miércoles de ceniza": ("easter", -46),
           # the weekend of Carnival, named by its weekdays (its Monday and Tuesday are said
           # in lists with other days, "el lunes y martes de carnaval", and read as weekdays)
           "sábado de carnaval": ("easter", -50), "domingo de carnaval": ("easter", -49),
           "jueves lardero": ("easter", -52),
           "corpus christi": ("easter", 60), "jueves de corpus": ("easter", 60),
           "día de la independencia": ("national", "independence"),
           "dia de la independencia": ("national", "independence")},
    "de": {"silvester": (12, 31), "heiligabend": (12, 24), "neujahr": (1, 1),
           "nikolaus": (12, 6), "nikolaustag": (12, 6), "samichlaus": (12, 6), "halloween": (10, 31),
           "1. weihnachtstag": (12, 25), "erster weihnachtstag": (12, 25),
           "ersten weihnachtstag": (12, 25), "2. weihnachtstag": (12, 26),
           "zweiter weihnachtstag": (12, 26), "zweiten weihnachtstag": (12, 26),
           # Austria and Switzerland name the 26th after St Stephen
           "stefanitag": (12, 26), "stephanitag": (12, 26), "stephanstag": (12, 26), "stefanstag": (12, 26),
           "1. advent": ("advent", 0), "ersten advent": ("advent", 0),
           "2. advent": ("advent", 7), "3. advent": ("advent", 14), "4. advent": ("advent", 21),
           # Austria: "am 1. Adventsonntag"
           **{f"{n}. advent{s}sonntag": ("advent", 7 * (n - 1)) for n in (1, 2, 3, 4) for s in ("", "s")},
           "ersten adventsonntag": ("advent", 0), "ersten adventssonntag": ("advent", 0),
           "tag der deutschen einheit": (10, 3), "reformationstag": (10, 31),
           "allerheiligen": (11, 1), "valentinstag": (2, 14),
           "gründonnerstag": ("easter", -3), "karfreitag": ("easter", -2),
           "karsamstag": ("easter", -1), "ostersamstag": ("easter", -1), "palmsonntag": ("easter", -7),
           "ostersonntag": ("easter", 0), "ostermontag": ("easter", 1),
           "aschermittwoch": ("easter", -46), "rosenmontag": ("easter", -48),
           "weiberfastnacht": ("easter", -52), "faschingsdienstag": ("easter", -47),
           # Swiss Fasnacht: "Schmudo" (Schmutziger Donnerstag), "Güdismontag", "Güdisdienstag"
           "schmudo": ("easter", -52), "schmutziger donnerstag": ("easter", -52),
           "güdismontag": ("easter", -48), "güdisdienstag": ("easter", -47),
           "fasnachtsmontag": ("easter", -48), "faschingsmontag": ("easter", -48),
           "fastnachtsdienstag": ("easter", -47),
           "christi himmelfahrt": ("easter", 39), "pfingstsonntag": ("easter", 49),
           "pfingstmontag": ("easter", 50), "fronleichnam": ("easter", 60),
           "muttertag": ("nth", 5, 6, 2), "vatertag": ("easter", 39), "erntedank": ("nth", 10, 6, 1)},
    "fr": {"saint-sylvestre": (12, 31), "la saint-sylvestre": (12, 31), "jour de l'an": (1, 1),
           "veille de noël": (12, 24), "halloween": (10, 31), "noël": (12, 25),
           "toussaint": (11, 1), "la toussaint": (11, 1), "saint-valentin": (2, 14),
           "la chandeleur": (2, 2), "vendredi saint": ("easter", -2), "samedi saint": ("easter", -1),
           "dimanche de pâques": ("easter", 0), "lundi de pâques": ("easter", 1),
           "mercredi des cendres": ("easter", -46), "jeudi saint": ("easter", -3),
           "mardi gras": ("easter", -47), "lundi de pentecôte": ("easter", 50),
           "jeudi gras": ("easter", -52), "dimanche gras": ("easter", -49), "lundi gras": ("easter", -48),
           "ascension": ("easter", 39), "fête des mères": ("nth", 5, 6, -1),
           "fête des pères": ("nth", 6, 6, 3), "fête nationale": (7, 14), "armistice": (11, 11),
           "fête-dieu": ("easter", 60), "fête de l'indépendance": ("national", "independence"),
           "jour de l'indépendance": ("national", "independence")},
    "pt": {"véspera de natal": (12, 24), "réveillon": (12, 31), "ano novo": (1, 1),
           "dia de reis": (1, 6), "halloween": (10, 31), "natal": (12, 25),
           "dia de natal": (12, 25), "são joão": (6, 24), "santo antónio": (6, 13),
           "santo antônio": (6, 13), "dia de finados": (11, 2), "dia das crianças": (10, 12),
           "sexta-feira santa": ("easter", -2), "sábado de aleluia": ("easter", -1),
           "domingo de páscoa": ("easter", 0),
           "quarta-feira de cinzas": ("easter", -46), "terça-feira de carnaval": ("easter", -47),
           # the weekend of Carnival, named by its weekdays
           "sábado de carnaval": ("easter", -50), "domingo de carnaval": ("easter", -49),
           "corpus christi": ("easter", 60), "dia da independência": ("national", "independence"),
           "dia da independencia": ("national", "independence")},
}
# A national day ("national", name) is the day of the message's country (its locale's, else its
# zone's): "Independence Day" is 6 August in Jamaica, 4 July in the US. Without a country, the
# language's default country, if it has one.
NATIONAL_DAYS: dict[str, dict[str, tuple[int, int]]] = {
    country: {"independence": (month, day)} for country, (month, day) in {
        "US": (7, 4), "JM": (8, 6), "GH": (3, 6), "NG": (10, 1), "UG": (10, 9), "KE": (12, 12),
        "TT": (8, 31), "MT": (9, 21), "MY": (8, 31), "IN": (8, 15), "PK": (8, 14), "PH": (6, 12),
        "BB": (11, 30), "BS": (7, 10), "GY": (5, 26), "BZ": (9, 21), "ZM": (10, 24), "ZW": (4, 18),
        "TZ": (12, 9), "BW": (9, 30), "NA": (3, 21), "LK": (2, 4), "BD": (3, 26), "CY": (10, 1),
        "FJ": (10, 10),
        "MX": (9, 16), "GT": (9, 15), "HN": (9, 15), "SV": (9, 15), "NI": (9, 15), "CR": (9, 15),
        "PA": (11, 28), "CO": (7, 20), "VE": (7, 5), "EC": (8, 10), "PE": (7, 28), "BO": (8, 6),
        "PY": (5, 15), "UY": (8, 25), "AR": (7, 9), "CL": (9, 18), "DO": (2, 27), "GQ": (10, 12),
        "BR": (9, 7), "MZ": (6, 25), "AO": (11, 11), "CV": (7, 5), "GW": (9, 24), "ST": (7, 12),
        "TL": (11, 28),
        "ML": (9, 22), "SN": (4, 4), "CI": (8, 7), "MG": (6, 26), "BF": (8, 5), "NE": (8, 3),
        "TD": (8, 11), "TG": (4, 27), "BJ": (8, 1), "GA": (8, 17), "CG": (8, 15), "CD": (6, 30),
        "GN": (10, 2), "DZ": (7, 5), "TN": (3, 20), "MA": (11, 18), "HT": (1, 1), "DJ": (6, 27),
        "RW": (7, 1), "BI": (7, 1), "CF": (8, 13), "MR": (11, 28), "KM": (7, 6), "SC": (6, 29),
        "VU": (7, 30),
    }.items()
}
DEFAULT_COUNTRY = {"en": "US"}
# Before a named day these make it a greeting ("Happy Halloween"), not a date.
GREETINGS = (r"(?:happy|merry|feliz|felices|frohe[sn]?|fröhliche[sn]?|frohes|joyeux|joyeuse|bonne|"
             r"boas?|bom|prospero|próspero|gutes?)\s+$")

ORDINALS = {
    "en": r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of)|\bon\s+the\s+(\d{1,2})\b(?![:./]\d)"
          r"|\b(?:on|by|before|until|from)\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of|floor|place|grade))",
    "es": r"\b(?:el|del|al)\s+(?:d[ií]a\s+)?(\d{1,2})(?:º|°)?"
          r"(?!\d|[./:h]\d|\s*(?:am|pm|h\b|hrs|%|/|de\s+la|y\s))",
    "de": r"\b(?:am|vom|den|zum)\s+(\d{1,2})\.(?![\d])",
    "fr": r"\b(?:le|du)\s+(1er|\d{1,2})\b(?![./:h]?\d|h\b|\s*(?:am|pm|%|/))",
    "pt": r"\bdia\s+(\d{1,2})(?:º|°)?(?!\d|[./:h]\d|h\b|\s*(?:am|pm|%|/))",
}


@cache
def grammar(lang: str) -> Grammar:
    return Grammar(TABLES[lang])


# ------------------------------------------------------------------------- clause readings
# Regex fragments for reading one clause of a message (see `extract.clauses`). Each is a
# general cue, not a sentence: a weekend or a week named as a span of days, the words that
# make a day a closure or a deadline, gratitude (a day thanked for is past), a clock change,
# and the markers that tell a move's old day from its new one.

# "this weekend", "este finde", "am Wochenende", "ce week-end", "este fim de semana";
# group 1 set means the weekend after this one.
WEEKENDS = {
    "en": r"(?:(next)|this|the|at the|over the|on the|this coming)\s+weekend",
    "es": r"(?:este|el|(el próximo|el proximo|el siguiente))\s+(?:finde|fin de semana)"
          r"|(?:finde|fin de semana)\s+(que viene)",
    "de": r"(?:am|dieses|diesem|(nächstes|nächsten|kommendes|kommenden))\s+wochenende",
    "fr": r"(?:ce|le|(le prochain|le week-end prochain))\s*week-?end(?:\s+(prochain))?",
    "pt": r"(?:este|neste|no|nesse|(no próximo|no proximo|próximo))\s+(?:fim de semana|fds)"
          r"|fim de semana\s+(que vem)",
}
# A week as a span, or as the frame of a weekday later in the sentence ("la semana que viene
# ... el martes"). Group "next" marks next week; without it the phrase means this week.
WEEKS = {
    "en": r"(?P<next>next week|the week after next)|this week",
    "es": r"(?P<next>la semana que viene|la próxima semana|la proxima semana|la semana próxima)"
          r"|esta semana",
    "de": r"(?P<next>nächste woche|naechste woche|kommende woche|nächsten woche|kommenden woche)"
          r"|diese woche|dieser woche",
    "fr": r"(?P<next>la semaine prochaine|semaine prochaine)|cette semaine",
    "pt": r"(?P<next>semana que vem|a próxima semana|próxima semana|proxima semana|para a semana)"
          r"|esta semana|nesta semana",
}
# An agenda's month heading ("Dates for Feb:", "Termine Dezember:", "Calendrier de mars :"):
# words that may stand beside the month in a heading.
AGENDA_WORDS = (r"dates?|diary|calendar|agenda|key dates|for|in|of|upcoming|termine|im|"
                r"fechas|calendario|de|del|en|próximas|proximas|calendrier|dates|du|en|"
                r"datas|calendário|do|da|no|events?|eventos|événements|veranstaltungen")

# Hours as words beyond twelve, where a language writes them ("vingt heures").
HOUR_WORDS_24 = {
    "fr": {"treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "dix-sept": 17,
           "dix-huit": 18, "dix-neuf": 19, "vingt": 20, "vingt et une": 21, "vingt-et-une": 21,
           "vingt-deux": 22, "vingt-trois": 23},
    "es": {}, "de": {"dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
                     "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20},
    "en": {}, "pt": {},
}
MINUTE_WORDS = {"five": 5, "ten": 10, "twenty": 20, "twenty-five": 25, "twenty five": 25,
                "quarter": 15, "half": 30, "a quarter": 15}

# Portuguese weekdays and days said as words, after "de" in "aula de sexta"
_PT_DAY = r"(?:segunda|terça|terca|quarta|quinta|sexta|s[áa]bado|domingo|hoje|amanh[ãa])"

# Institutions and places whose "no ..." or "closed" makes a closure day, not a cancellation,
# and the holidays that close them.
CLOSURES = {
    "en": (r"no (?:\w+ )?(?:school|classes|lessons|nursery|preschool|college|uni|kindergarten|daycare)",
           r"(?:will (?:remain|stay|be)|remains?|stays?) (?:closed|shut(?! off))",
           r"(?:school|nursery|office|library|pool|gym|surgery|centre|center|shop|club|clubhouse|site|"
           r"college|park|playground|daycare|preschool|building|canteen|camp|hall|museum|clinic)s?"
           r"(?:['’]s| is| are| will be|"
           r"| remains?| will (?:remain|stay)| stays?)? (?:closed|closing|shut)", r"(?:the )?closures?",
           r"no canteen",
           r"closed (?:all day|for the day|for (?:the )?(?:bank )?holiday)",
           r"half[- ]term", r"bank holiday", r"inset day", r"teacher (?:training|work) ?day",
           r"staff (?:training|development) day", r"(?:school|easter|summer|christmas|winter|"
           r"spring|october|february|half term) (?:holidays?|hols|break)", r"hols",
           r"teacher only day", r"pa day", r"pd day", r"(?:pupil|student)[- ]free day",
           r"school's out", r"snow day",
           r"(?:won'?t|will not|doesn'?t|does not) (?:be )?open",  # "the pool won't open"
           r"(?:is|are|will be) closed(?! (?:to|for) (?:traffic|cars|the public (?!all)))",
           # "the hagwon's shut Tue to Thu"
           r"(?:\w+['’]s|is|are|will be) shut(?! (?:off|down|up|in|out))"),
    "es": (r"no hay (?:cole|colegio|clases?(?! de (?!\d))|escuela|guarde|guardería|instituto|insti)",
           r"(?:no|tampoco) (?:habrá|tendremos|tienen|tenemos|hay) "
           r"(?:cole|colegio|clases?(?! de (?!\d))|escuela)",
           r"sin (?:cole|clases?(?! de (?!\d)))", r"no lectivo",
           r"clases(?! de) (?:\w+ )?suspendidas", r"se suspenden las clases(?! de)",
           r"(?:es |será |día )?festivo", r"puente",
           r"vacaciones", r"cierra[n]?", r"cerrad[oa]s?", r"estará cerrad[oa]", r"día libre",
           r"feriado", r"cierre", r"no hay comedor", r"no (?:abre|abren|abrirá|abrirán)",
           r"no hay oficina", r"no hay (?:trabajo|chamba|turno)"),
    "de": (r"unterrichtsfrei", r"schulfrei", r"keine schule", r"kein unterricht",
           r"(?:ist |sind |bleibt |bleiben )?geschlossen", r"bleibt zu", r"hat zu",
           r"(?:ist|sind|bleibt|bleiben|hat|haben)(?: [\w().–-]+){0,6} zu(?=\W*$|\s*[,;.!])",
           r"(?:ist|sind|bleibt|bleiben|haben|hat|macht|machen)(?: \w+){0,3} frei(?=\W*$)",
           r"schließtag", r"\w*ferien", r"feiertag", r"brückentag", r"beweglicher ferientag",
           r"kita(?:-| )?frei", r"studientag", r"pädagogischer tag", r"schulautonome[rn]? tag",
           r"schließung", r"keine mensa", r"(?:öffnet|öffnen) nicht",
           r"(?:isch |sind |blibt )?gschlosse",  # Swiss German
           r"(?:ist |sind |bleibt |bleiben )?(?:\w+ ){0,2}gesperrt"),  # "ganztägig gesperrt"
    "fr": (r"pas d['’ ]?école", r"pas de (?:cours(?! de (?!\d))|classe|crèche|garderie|cantine)",
           r"pas classe", r"fermeture", r"congé(?:s)? d['’]\w+", r"jour de congé",
           r"(?<!la )(?<!à la )(?<!de la )(?<!une )ferme(?:ra|nt)?",
           r"pas cours", r"ni (?:classe|cours|école|cantine)", r"cours (?:\w+ )?suspendus",
           r"fermée?s?", r"vacances", r"férié", r"fériée",
           r"journée pédagogique", r"pont", r"congé", r"n['’](?:ouvre|ouvrent|ouvrira|ouvriront) pas"),
    # "aula de natação" is one lesson; "aula de sexta 17 até quarta" is school on those days
    "pt": (rf"não (?:há|vai ter|tem|haverá|terá|teremos) (?:aulas?(?! d[eao]s? (?!\d|{_PT_DAY}))|escola)",
           rf"sem aulas?(?! d[eao]s? (?!\d|{_PT_DAY}))", r"aulas(?! d[eao]) (?:\w+ )?suspensas",
           rf"nao (?:ha|vai ter|tem) aulas?(?! d[eao]s? (?!\d|{_PT_DAY}))",
           r"feriado", r"férias", r"ferias", r"fechad[oa]s?",
           # "a piscina fecha sexta", not "reunião para fechar os fatos" (closing a deal, a list)
           r"fecha(?:rá|m|r)?(?! (?:o|a|os|as|um|uma) (?!dia\b|partir\b|semana\b)[^\W\d_]{3,})",
           r"recesso", r"ponte", r"não letivo", r"encerrad[oa]s?", r"encerramento",
           r"interrupção letiva", r"pausa letiva", r"não (?:abre|abrem|abrirá|abrirão)",
           r"(?:não (?:há|tem|terá|haverá)|sem) expediente",
           r"(?:vai ficar |fica |ficará |estará )?interditad[oa]s?"),  # "a rua vai ficar interditada"
}
# Said of a day, these make it the day something is due, whatever else the clause says.
DUE = {
    "en": (r"due(?! to\b)", r"deadline", r"no later than", r"closing date", r"last day (?:for|to)",
           r"last date(?: (?:for|to|of))?(?: \w+)?(?: is)?",  # Indian English "last date is 15th"
           r"cut-?off", r"(?:registration|sign[- ]?ups?|entries|applications?|enrol\w*|bookings?)"
           r"(?: [\w'’]+){0,6} clos(?:e|es|ing)",
           r"(?:nominations?|submissions?|rsvps?|orders?|votes?|voting)(?: [\w'’]+){0,4} clos(?:e|es|ing)"),
    "es": (r"fecha límite", r"fecha limite", r"plazo", r"vence[n]?", r"último día para",
           r"a más tardar", r"a mas tardar", r"último día pa", r"ultimo dia pa",
           r"ultimo dia para", r"como (?:muy )?tarde", r"son para", r"es para", r"para entregar",
           r"inscripci\w+(?: [\w'’]+){0,6} (?:se )?cierra\w*", r"cierre de inscripci\w+"),
    "de": (r"abgabe\w*", r"frist", r"spätestens", r"fällig", r"einsendeschluss",
           r"anmeldeschluss", r"letzter tag", r"(?:\w*melde|buchungs|annahme|bestell)schluss"),
    "fr": (r"date limite", r"au plus tard", r"à rendre", r"a rendre", r"dernier délai",
           r"date butoir", r"à remettre", r"doivent être remis", r"doit être remis",
           r"inscriptions?(?: [\w'’-]+){0,10} (?:se )?(?:ferme\w*|clôtur\w*|termine\w*)",
           r"clôture des inscriptions",
           r"à régler", r"à payer", r"à verser", r"à renvoyer", r"à retourner",
           # "sont à apporter d'ici vendredi" (not "c'est à soir")
           r"(?<!c['’])(?<!\bce )(?:est|sont) à (?!l\b|soir\b)\w+(?:er|re|ir)\b"),
    "pt": (r"prazo", r"vence[m]?", r"data limite", r"último dia para", r"ultimo dia para",
           r"para entregar", r"no máximo", r"terminam", r"termina",
           r"inscriç\w+(?: [\w'’]+){0,6} (?:fecha|fecham|encerra|encerram|termina|terminam)\b"),
}
# Homework and the like are due *for* a day ("Hausaufgaben für Montag", "deberes para el lunes").
DUE_FOR = {
    "en": r"for", "es": r"para(?: el)?", "de": r"für|zum|zu", "fr": r"pour(?: le)?",
    "pt": r"para(?: a| o)?|pra",
}
HOMEWORK = (r"homework|assignment|essay|project|deberes|tareas?|trabajo|tp|hausaufgaben?|hausübung|"
            r"referat|devoirs?|exposé|dm|tpc|trabalho de casa|trabalho|dever de casa|redação")

# A limit ("by Friday", "bis 4.12.") is a deadline when the clause names something to do or
# hand in; without one it is a state ("the Wi-Fi is down till Monday").
LIMITS = {
    "en": r"by|until|till|til|before|no later than|(?:at the |at )?latest|by latest",
    "es": r"hasta(?: el| la| a)?|antes(?: del?| de la)?|para el|termina(?:n)? el|by(?: el)?",  # Spanglish
    "de": r"bis(?: zum| spätestens| zur| am)?|vor dem|spätestens",
    "fr": r"avant(?: le| la)?|jusqu'au|jusqu’au|jusqu'à(?: la)?|jusqu’à(?: la)?|"
          r"d'ici(?: la| le| au| à)?|d’ici(?: la| le| au| à)?|"
          r"au plus tard le|pour le",  # "avant la fin du mois"
    "pt": r"até(?: o| dia| a| ao| à)?|antes de|antes do|antes da|terminam?(?: no dia| no| em)?",
}
TASKS = {
    "en": (r"return\w*", r"hand(?:ed)? in", r"send\w*", r"submit\w*", r"pay\w*", r"sign\w*",
           r"regist\w+", r"book\w*", r"reply", r"rsvp", r"apply", r"applications?",
           r"bring(?: in)?", r"complet\w+", r"fill(?:ed)? in", r"order\w*", r"forms?", r"slips?",
           r"permission", r"fees?", r"money", r"homework", r"project", r"essay", r"rent",
           r"enrol\w*", r"deposit", r"consent", r"vote", r"entries", r"entry", r"paid",
           r"must", r"ha(?:ve|s) to", r"needs? to", r"reserv\w+", r"asked (?:us|you|everyone|all)",
           r"dues", r"subs", r"subscriptions?", r"contributions?", r"instal(?:l)?ments?",
           r"confirm\w*", r"upload\w*", r"please", r"pls", r"kindly", r"buy", r"bought", r"tickets?",
           r"nominations?", r"submissions?", r"collect(?:ion|ed)?", r"pick(?:ed)? up"),
    "es": (r"entreg\w+", r"pag\w+", r"envi\w+", r"mand\w+", r"tra(?:e|ed|er|igan)\w*",
           r"devolv\w+", r"apunt\w+", r"inscrib\w+", r"inscripci\w+", r"rellen\w+", r"confirm\w+",
           r"reserv\w+", r"formularios?", r"autorizaci\w+", r"deberes", r"tareas?", r"trabajos?",
           r"hay que", r"tienen? que", r"pedir", r"pidi[oó]", r"piden", r"avis\w+",
           r"alquiler", r"matrícula", r"matricula", r"cuotas?", r"recibos?", r"mensualidad\w*",
           r"colegiatura", r"compr\w+", r"entradas", r"boletos", r"recoger", r"retirar", r"reclam\w+"),
    "de": (r"\w*abgeben", r"abgeben", r"mitgeben", r"mitbringen", r"zahlen", r"bezahlen",
           r"überweisen", r"anmeld\w*", r"einreichen", r"zurück\w+", r"ausfüllen", r"bestell\w+",
           r"buchen", r"anmeldung\w*", r"formular\w*", r"zettel", r"geld", r"hausaufgaben?",
           r"facharbeit", r"beitrag", r"beiträge", r"\w*gebühr\w*", r"miete", r"pacht",
           r"einverständnis\w*", r"unterschr\w+",
           r"\w*spenden", r"mu(?:ss|ß)", r"müssen", r"melden", r"reservier\w*", r"gebeten", r"bittet",
           r"hochladen", r"schicken", r"senden", r"bestätig\w*", r"bitte", r"abgäh", r"abgeh"),
    "fr": (r"rendre", r"remettre", r"remis", r"payer", r"renvoyer", r"rapporter", r"inscri\w+",
           r"envoyer", r"déposer", r"retourner", r"remplir", r"confirmer", r"réserver",
           r"dossiers?", r"formulaires?", r"autorisations?", r"paiements?", r"devoirs", r"réserv\w+",
           r"command\w+", r"il faut", r"doi(?:t|vent)",
           r"loyers?", r"cotisations?", r"fiches?", r"chèques?", r"talons?", r"frais",
           r"renouvel\w+", r"apporter", r"acheter", r"billets?", r"retrait", r"retirer", r"récupérer"),
    "pt": (r"entreg\w+", r"pag\w+", r"envi\w+", r"mand\w+", r"traz\w+", r"trag\w+",
           r"devolv\w+", r"inscrev\w+", r"inscriç\w+", r"inscricoes", r"preench\w+",
           r"confirm\w+", r"reserv\w+", r"formulários?", r"autorizaç\w+", r"trabalhos?",
           r"renda", r"aluguel", r"mensalidades?", r"propinas?", r"boleto", r"quotas?", r"taxas?",
           r"matr[íi]culas?", r"compr\w+", r"ingressos", r"bilhetes", r"ativ(?:e|ar|em)\w*",
           r"t[eê]m de", r"t[eê]m que",
           r"precisa\w*", r"levantad[oa]s?", r"pediu (?:pra|para)", r"pede (?:pra|para)",
           r"avis\w+", r"por favor", r"favor"),
}
# Gratitude or a verdict names a day that has been: "thanks for coming on Saturday".
THANKS = {
    "en": r"thanks?(?! in advance)|thank you(?! in advance)|thx|ty for|cheers for|grateful",
    "es": r"(?<!acción de )(?<!accion de )gracias|agradec\w+",
    "de": r"dank\w*(?! im voraus)|danke(?! im voraus)|merci(?: vielmal)?",  # Swiss "Merci vielmal"
    "fr": r"merci(?! de (?!\w+ (?:venu|être venu)))(?! d['’])(?! par avance| d'avance)|remerci\w+",
    "pt": r"obrigad[oa]s?|valeu|(?<!ação de )agradeç\w+|agradec\w+",
}
# A clock change names a night and an hour but is nobody's event.
CLOCKS = (r"clocks?\b[^.!?\n]{0,20}\b(?:go|goes|going|change|changes|changing|spring|fall|"
          r"falls|back|forward)|daylight saving|summer time (?:starts|ends|begins)|"
          r"british summer time|\bbst\b (?:starts|ends)|"
          r"cambi[ao] de hora|se cambia (?:la|el) (?:hora|reloj)|cambia la hora|"
          r"horario de (?:verano|invierno)|"
          r"zeitumstellung|uhren? (?:werden|wird) (?:\w+ )?(?:umgestellt|vorgestellt|zurückgestellt)|"
          r"sommerzeit|winterzeit|changement d['’]heure|heure d['’](?:été|hiver)|"
          r"on (?:avance|recule) d['’]une heure|"
          r"horário de verão|horario de verao|mudança de hora|muda a hora|hora de verão")
# Inside a move: before a day these mark it as the old one ("instead of Tuesday", "statt
# Donnerstag", "(was Monday)"), or as the new one ("to Thursday", "auf Mittwoch").
MOVE_OLD = {
    "en": r"from|instead of|rather than|not|was|were",
    "es": r"de|del|desde|en vez del?|en lugar del?|era|estaba para el|estaba para|no el",
    "de": r"vom|von|statt|anstatt|anstelle von|war|nicht am|nicht",
    "fr": r"du|de|au lieu du|au lieu de|au lieu|était|pas",
    "pt": r"de|do|da|em vez d[eoa]s?|em lugar d[eoa]s?|era|não",
}
MOVE_NEW = {
    "en": r"to|till|until|for|onto|on to|now|now on",
    "es": r"al|a|para el|para|hasta el|ahora|ahora el",
    "de": r"auf|auf den|zum|nach|jetzt|nun|jetzt am|nun am",
    "fr": r"à|au|a|pour|jusqu'à|maintenant|désormais",
    "pt": r"para|pra|pro|para o|para a|agora|agora é",
}
# "instead of Tuesday", "statt Donnerstag": a move even without a move verb.
INSTEAD = {
    "en": r"instead of|rather than",
    "es": r"en vez del?|en lugar del?",
    "de": r"(?:statt|anstatt|anstelle)(?=\s+\w)",  # not the "statt" of "findet ... statt."
    "fr": r"au lieu de|au lieu du",
    "pt": r"em vez d[eoa]s?|em lugar d[eoa]s?|ao invés d[eoa]s?",
}
# "(ya no es el 10)", "(não é mais dia 24)": the day an event is no longer on.
NO_LONGER = {
    "en": r"no longer(?: on)?",
    "es": r"ya no es(?: el)?",
    "de": r"nicht mehr am",
    "fr": r"ce n['’]est plus(?: le)?",
    "pt": r"já não é(?: dia)?|não é mais(?: dia)?",
}
# "(era sexta 13)", "(estaba para el 5/12)", "(was the 13th)": in a parenthesis after a
# move's new day, the day the event was on before.
WAS_ON = {
    "en": r"was(?: on)?(?: the)?|previously(?: on)?(?: the)?|originally(?: on)?(?: the)?",
    "es": r"era(?: el)?|estaba (?:(?:previst[oa]|programad[oa]|fijad[oa]) )?para(?: el)?|"
          r"antes(?: era)?(?: el)?",
    "de": r"war(?: am)?|vorher(?: am)?|ursprünglich(?: am)?|bisher(?: am)?",
    "fr": r"c['’]était(?: le)?|(?:était )?prévue? (?:le|pour le)|initialement(?: le)?",
    "pt": r"era(?: dia| na| no| a| o)?|estava (?:marcad[oa] )?para(?: dia| o| a)?|antes era(?: dia)?",
}
# "reopening Thu 2 Jan", "Unterrichtsbeginn ist Dienstag, 7.1.", "reprise des cours le 5
# janvier": the day things start again, which ends the closed days said before it.
RESUMES = {
    "en": r"re-?open(?:s|ing)?|back on|(?:we['’]re|we are|we['’]ll be|they['’]re|it['’]s|club['’]s) back|"
          r"school (?:starts|resumes)(?: again)?|(?:classes|school|term) "
          r"(?:resume|resumes|restarts?|starts? again)|resum(?:es|ing)",
    "es": r"reabr\w+|vuelta a (?:clases|las aulas|la escuela)|regreso a (?:clases|las aulas)|"
          r"(?:se )?reanudan?|(?:se )?retoman?|volvemos|vuelven las clases|inicio de clases",
    "de": r"unterrichtsbeginn|wiederbeginn|schulbeginn|unterricht beginnt wieder|"
          r"(?:öffnet|öffnen) wieder|wieder (?:geöffnet|offen|da)|erster schultag",
    "fr": r"rentrée|reprise(?: des cours)?|réouverture|rouvr\w+|reprennent|réouvre",
    "pt": r"volta às aulas|regresso às aulas|reabr\w+|retom\w+|recomeç\w+|reinício|reinicio|"
          r"voltamos|início das aulas",
}
# "commencent le lundi 9 et se terminent le vendredi 20": the last day of what was said before.
ENDS = {
    "en": r"ends?|ending|finish(?:es)?|wraps? up|runs? (?:until|till|through|to)",
    "es": r"termina[n]?|acaba[n]?|finaliza[n]?",
    "de": r"endet|enden|geht bis|gehen bis|dauert bis|dauern bis",
    "fr": r"se termine(?:nt)?|finit|finissent|prend(?:ront|nent)? fin|s['’]achève(?:nt)?",
    "pt": r"termina[m]?|acaba[m]?|vai até|vão até",
}
# A sum of money: "10€", "R$50", "£25", "40 euros" (masked as noise, and a sign of a payment due).
MONEY = (r"(?:R\$|US\$|[$€£¥])\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:€|\$|£|eur(?:os?)?\b|usd\b|"
         r"dollars?\b|pesos?\b|reais\b|real\b|francs?\b|pounds?\b|quid\b)")
# Words that join two clauses of one sentence.
CONJUNCTIONS = {
    "en": r"and|but|then|plus|also|while|whereas|so|and then|after that|because|as|since|cos|coz",
    "es": r"y|e|pero|luego|después|también|mientras|aunque|y luego|porque|ya que|pues|como",
    "de": r"und|aber|dann|danach|sowie|sondern|außerdem|und dann|weil|da(?!\s*(?:[,.!?;]|$))|denn",
    "fr": r"et|mais|puis|ensuite|aussi|alors que|et puis|car|parce que|puisque",
    "pt": r"e|mas|depois|também|enquanto|e depois|porque|pois|já que",
}
# "that"-clauses: a past verb outside them ("decidieron que ...") says nothing of their tense.
COMPLEMENTIZERS = {
    "en": r"that|which|who",
    "es": r"que(?! viene)",
    "de": r"dass|daß",
    "fr": r"que|qu['’]|qui",
    "pt": r"que(?! vem)",
}
# Details of one outing, not an outing of their own ("meet 9.15", "Abfahrt 8:45", "saída às 9h").
LOGISTICS = {
    "en": r"meet(?:ing point)?|arrive|arrival|leave|leaves|leaving|depart\w*|pick[- ]?up|"
          r"drop[- ]?off|doors(?: open)?|ko|kick[- ]?off|warm[- ]?up|back|home|finish\w*|ends?|"
          r"coach(?:es)?|bus|registration|start|starts|begins?|continues|still on|open|opens|reopens?|again|"
          r"(?:must|should|need to|needs to|have to|has to|to) be (?:at|there|here|in)",  # an arrival
    "es": r"salida|salimos|llegada|recogida|vuelta|quedamos|regreso|termina|acaba|calentamiento|"
          r"inicio|empieza|comienzo|comienza|sigue|continúa|continua|abre|abierto|reabre|"
          r"empezamos|comenzamos|arrancamos|arranca",
    "de": r"abfahrt|treffpunkt|treffen|abholung|rückkehr|rückfahrt|ankunft|anpfiff|ende|schluss|"
          r"einlass|aufbau|beginn|start|bleibt|weiterhin|wieder|offen|geöffnet",
    "fr": r"départ|rendez-vous|rdv|retour|arrivée|fin|accueil|coup d'envoi|début|commence|"
          r"chercher|récupérer|continue|reste|rouvre|ouvert|réouverture",
    "pt": r"saída|saida|chegada|volta|regresso|encontro|termina|início|inicio|começa|começo|"
          r"continua|continuam|mantém|mantem|reabre|aberto|abre",
}
# Activities that happen early in the day: a departure, a journey, a fasting blood test, "early"
# itself. Beside one, an hour from 4 to 7 with no am/pm is in the morning ("Bus leaves the
# clubhouse at 7.15", "Blutabnahme morgen um 7", "recogen a las 7:30"); elsewhere it is the
# evening, as the labelled sets show for practices, meetings and parties at "7".
EARLY = {
    "en": r"leav(?:e|es|ing)|depart\w*|bus|coach(?:es)?|flights?|train|ferry|early|fasting|blood tests?|"
          # farm work starts with the day: "harvest crew at 6"
          r"harvest\w*|milking|shearing|sunrise|dawn",
    "es": r"salida|sale|salimos|recog(?:en|emos|ida)|bus|autob[uú]s|micro|vuelo|tren|temprano|"
          r"madrugada|ayunas|an[aá]lisis de sangre|anal[ií]tica|"
          r"cosecha|vendimia|matanza|cuadrilla|ordeñ\w+|amanecer|arrancamos para|partimos|salen",
    "de": r"abfahrt|fährt|fahren|abflug|bus|flug|zug|früh\w*|nüchtern|blutabnahme|blutentnahme|wander\w*|"
          r"ernte|weinlese|melken|sonnenaufgang|morgengrauen",
    "fr": r"départ|on part|nous partons|(?:le|du|en) car|bus|avion|vol|train|tôt|à jeun|prise de sang|"
          r"vendanges?|récolte|moisson|traite|lever du soleil|aube",
    "pt": r"saída|saida|saímos|sai|ônibus|onibus|autocarro|voo|embarque|cedo|madrugada|jejum|"
          r"coleta|exame de sangue|colheita|vindima|ordenha|nascer do sol",
}
# "see you Tuesday!", "nos vemos el martes": a goodbye that names a day, not a plan.
SIGN_OFFS = {
    "en": r"see (?:you|ya|u|y'all|everyone|everybody|all of you)(?: all| guys| there| then)?|c u|cu",
    "es": r"nos vemos|hasta el|hasta|os veo|te veo",
    "de": r"wir sehen uns|sehen wir uns|bis|bis dann|bis zum|man sieht sich|bis bald",
    "fr": r"on se voit|à|a|rendez-vous|on se retrouve",
    "pt": r"vemo-nos|nos vemos|a gente se vê|até|te vejo|vejo vocês",
}

# Times said in words: "half 7" (7:30 in British English), "quarter past seven", "ten to 8",
# "seven o'clock", "halb acht", "Viertel nach zehn", "huit heures et quart", "las ocho menos
# cuarto", "quinze para as oito". Named groups: hour, and one of half / past+amount /
# to+amount / minus.
WORD_TIMES = {
    "en": r"(?<!from )(?<!between )\b(?:(?P<amount>half|(?:a\s+)?quarter|five|ten|twenty(?:[- ]five)?)|"
          r"(?P<digits>\d{1,2})(?=\s+(?:past|after)))\s+"
          r"(?:(?P<past>past|after)|(?P<to>to|till|of))\s+(?P<hour>{hw})\b(?!\s*(?:days?|weeks?|"
          r"months?|people|kids|of|years?|minutes|mins))"
          r"|(?<!and a )(?<!& )\b(?P<half>half)\s+(?P<hour2>{hw})\b(?!\s*(?:hours?|an?\b|days?|"
          r"weeks?|of\b|the\b|way|term|price|time|dozen|[:.]\d|%|x\b|kg|km|miles?|pints?|litres?|"
          r"cups?|points?|marathon|mile|terms?|years?|months?|minutes|mins))"
          r"|\b(?P<hour3>{hw})\s*o['’]?\s*clock\b",
    "de": r"\b(?:halbi?|hoiba?)\s+(?P<halfbefore>{hw})\b"
          r"|\bviertel\s+(?:(?P<past>nach)|(?P<to>vor))\s+(?P<hour>{hw})\b"
          r"|\bdreiviertel\s+(?P<threeq>{hw})\b",
    "fr": r"\b(?P<hour>{hw})\s+heures?\b(?:\s+(?:(?P<quarter>et quart)|(?P<half>et demie?)|"
          r"(?P<minusq>moins le quart)|moins (?P<minus>cinq|dix|vingt|\d{1,2})))?",
    "es": r"\b(?:a\s+)?las\s+(?P<hour>{hw})\s+menos\s+(?:(?P<minusq>cuarto)|(?P<minus>cinco|diez|"
          r"veinte|\d{1,2}))\b",
    "pt": r"\b(?:(?P<minusq>quinze|um quarto)|(?P<minus>cinco|dez|vinte|\d{1,2}))\s+(?:para|pras?)\s+"
          r"(?:as\s+|a\s+)?(?P<hour>{hw})\b",
}
