"""The regular expressions the text extractor needs, compiled once per language.

The word lists live in `extract_lang`; this module turns them into patterns, and holds the few
per-language regex fragments (deadline, schedule and decline cues, bare day numbers) that are
patterns rather than word lists.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from toolkit.extract.lang import TABLES, LangTable

THIS_WORDS = {"this", "este", "esta", "diesen", "dieser", "diese", "ce", "cette", "nesta", "neste"}


def _alt(words: Any) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


class Grammar:
    """The regular expressions for one language, compiled once."""

    def __init__(self, t: LangTable):
        self.t = t
        wd = _alt(t.weekdays)
        wd_abbr = _alt(t.weekday_abbr)
        mon = _alt(t.months)
        self.weekday_of = {**{k: v for k, v in t.weekday_abbr.items()}, **t.weekdays}
        self.month_of = t.months
        sep = r"(?:-|to|till|until|bis|al|au|a|à|às|até|e|y|und|et|and)"
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
            rf"(?:-|bis|al|au|a|à|to|até|till|until)\s*({num})(?![\d/])",
            re.I,
        )
        self.iso = re.compile(r"(?<![\d/.:])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
        self.numeric = re.compile(
            r"(?<![\d/.:,])(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(\.)?(?![\d/]|[.,]\d)"
        )
        self.weekday_range = re.compile(
            rf"\b({wd}|{wd_abbr})\.?\s*(?:-|to|till|until|thru|through|bis|al|à|a|au|até)\s*({wd}|{wd_abbr})\b\.?",
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
            rf"(?:\s*,?\s*(?:the\s+|den\s+|le\s+|el\s+|dia\s+)?(\d{{1,2}})(?:st|nd|rd|th|er)?\b"
            rf"(?![:./h]\d|\s*(?:am|pm|a\.m|p\.m|h\b|uhr|-\s*\d|/))\.?)?",
            re.I,
        )
        self.weekday_abbr = re.compile(
            rf"\b({wd_abbr})\b\.?(?=,?\s*\d)(?:\s*,?\s*(\d{{1,2}})(?:st|nd|rd|th)?\b"
            rf"(?![:./h]\d|\s*(?:am|pm|h\b|uhr|-\s*\d)))?",
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
            rf"\s*(?:{ranges})\s*(\d{{1,2}})(?:([:.h])(\d{{2}}))?\s*({mer}|uhr|hrs?|h)?(?![\d/])",
            re.I,
        )
        # "18h", "18h30", "18 h 30", "19hs" outside English (where "2h" is two hours).
        h_form = r"|\s?(h)(?:rs?|s)?\s?(\d{2})?(?!\w)" if t.code != "en" else r"|(?!)()()"
        self.time_marked = re.compile(
            rf"(?<![\d/.:,])(\d{{1,2}})(?:([:.])(\d{{2}})\s*({mer}|uhr|hrs?|h)?"
            + h_form + rf"|\s*({mer}|uhr)(?![a-z]))(?![\d/])",
            re.I,
        )
        self.time_prep = re.compile(
            rf"(?<![\w])(?:{preps})\s+(\d{{1,2}})(?:ish)?(?!\d|[:./,]\d|\s*[-/]\s*\d)"
            rf"(?:\s*(heures?|horas?|uhr)\b)?", re.I
        )
        self.time_ish = re.compile(r"(?<![\d/.:,])(\d{1,2})\s?ish\b", re.I)  # "5ish"
        self.hour_words = HOUR_WORDS[t.code]
        # Bare articles ("las dos chicas", "as duas meninas") are no clock before a word.
        word_preps = _alt(p for p in t.time_preps if p not in ("las", "as", "by", "de", "a"))
        self.time_word = re.compile(  # "at five", "a las cinco", "à cinq heures", "um fünf"
            rf"(?<![\w])(?:{word_preps})\s+({_alt(self.hour_words)})(?![\w])"
            rf"(?!\s+(?:of|or|and|more|point|time|stage|year|days?|weeks?|people|kids|minutes?))",
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
        # "10am-noon" ends a range, but the "midi" of "après-midi" is no noon.
        self.noon = re.compile(rf"(?<![\w])(?<!après-)(?<!apres-)(?:{_alt(t.noon_words)})(?![\w-])",
                               re.I)
        self.pm = re.compile(rf"(?<![\w])(?:{_alt(t.pm_words)})(?![\w])", re.I)
        self.am = re.compile(rf"(?<![\w])(?:{_alt(t.am_words)})(?![\w])", re.I)
        nouns = _alt(t.event_nouns)
        if t.compound_nouns:
            self.event_noun = re.compile(rf"(?:{nouns})", re.I)
        else:
            self.event_noun = re.compile(rf"(?<![\w])(?:{nouns})(?:e?s)?(?![\w])", re.I)  # plurals
        self.evening_noun = re.compile(rf"(?<![\w])(?:{_alt(t.evening_nouns)})", re.I)
        self.move = re.compile(rf"(?<![\w])(?:{'|'.join(t.move_cues)})(?![\w])", re.I)
        self.recurring = re.compile(rf"(?<![\w])(?:{'|'.join(RECURRING[t.code])})\s*$", re.I)
        self.opening = re.compile(rf"(?<![\w])(?:{'|'.join(OPENING[t.code])})(?![\w])", re.I)
        self.until = re.compile(rf"(?<![\w])(?:{'|'.join(UNTIL[t.code])})\s*$", re.I)
        self.decline = re.compile(rf"(?<![\w])(?:{'|'.join(DECLINES[t.code])})(?![\w])", re.I)
        self.deadline = re.compile(rf"(?<![\w])(?:{'|'.join(DEADLINES[t.code])})(?![\w])", re.I)
        self.plan = re.compile(rf"(?<![\w])(?:{_alt(t.plan_cues)})(?![\w])", re.I)
        self.past = re.compile(rf"(?<![\w'])(?:{'|'.join(t.past_cues)})(?![\w])", re.I)
        cancel = "|".join(c.replace("{nouns}", nouns) for c in t.cancel_cues)
        self.cancel = re.compile(rf"(?<![\w])(?:{cancel})(?![\w])", re.I)
        # A lookahead, so "à 14h au stade" yields both "à 14h..." and "au stade".
        self.place = re.compile(
            rf"(?<![\w])(?=(?:{_alt(t.place_preps)})\s+((?:[\w'.&-]+[ \t]?){{1,4}}))", re.I
        )
        self.place_noun = re.compile(rf"(?<![\w])(?:{_alt(t.place_nouns)})(?![\w])", re.I)
        glue = (t.time_preps + t.from_words + t.range_words + t.day_preps + t.this_words + t.next_words
                + t.next_after + t.place_preps + ("on", "at", "the", "de", "del", "da", "do", "der", "den",
                                                   "am", "um", "ab", "le", "la", "el", "à", "às", "dès"))
        words = _alt(w for w in glue if w != "-")
        self.dangling = re.compile(rf"(?<![\w])(?:{words})(?=\s*(?:\s\s|$|[,.;:!?]))", re.I)
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
# Opening hours are not events.
OPENING = {
    "en": (r"open", r"opening hours", r"opening times", r"closes at"),
    "es": (r"abierto", r"horario", r"abrimos"),
    "de": (r"geöffnet", r"öffnungszeiten", r"offen"),
    "fr": (r"ouvert", r"horaires", r"ouverture"),
    "pt": (r"aberto", r"horário", r"funcionamento"),
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
           r"not free", r"i'?m busy", r"i'?m working", r"unable to"),
    "es": (r"no puedo", r"no podemos", r"no me va bien", r"estoy ocupad[oa]", r"trabajo"),
    "de": (r"kann (?:ich )?nicht", r"können (?:wir )?nicht", r"keine zeit", r"muss arbeiten"),
    "fr": (r"je ne peux pas", r"on ne peut pas", r"je peux pas", r"pas dispo", r"je bosse",
           r"je travaille"),
    "pt": (r"não posso", r"nao posso", r"não consigo", r"nao consigo", r"vou trabalhar",
           r"estou ocupad[oa]", r"tô ocupad[oa]"),
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
HOUR_WORDS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12},
    "es": {"una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
           "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12},
    "de": {"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
           "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12},
    "fr": {"une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12},
    "pt": {"uma": 1, "duas": 2, "três": 3, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6,
           "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11, "doze": 12},
}

# Named days, used only when a message names no other date ("NYE drinks from 8").
HOLIDAYS = {
    "en": {"new year's eve": (12, 31), "nye": (12, 31), "new year's day": (1, 1),
           "christmas eve": (12, 24), "christmas day": (12, 25), "boxing day": (12, 26),
           "halloween": (10, 31), "valentine's day": (2, 14), "bonfire night": (11, 5)},
    "es": {"nochevieja": (12, 31), "nochebuena": (12, 24), "año nuevo": (1, 1),
           "día de reyes": (1, 6), "noche de san juan": (6, 23), "halloween": (10, 31)},
    "de": {"silvester": (12, 31), "heiligabend": (12, 24), "neujahr": (1, 1),
           "nikolaus": (12, 6), "halloween": (10, 31)},
    "fr": {"saint-sylvestre": (12, 31), "la saint-sylvestre": (12, 31), "jour de l'an": (1, 1),
           "veille de noël": (12, 24), "halloween": (10, 31)},
    "pt": {"véspera de natal": (12, 24), "réveillon": (12, 31), "ano novo": (1, 1),
           "dia de reis": (1, 6), "halloween": (10, 31)},
}
# Before a named day these make it a greeting ("Happy Halloween"), not a date.
GREETINGS = (r"(?:happy|merry|feliz|felices|frohe[sn]?|fröhliche[sn]?|frohes|joyeux|joyeuse|bonne|"
             r"boas?|bom|prospero|próspero|gutes?)\s+$")

ORDINALS = {
    "en": r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of)|\bon\s+the\s+(\d{1,2})\b(?![:./]\d)",
    "es": r"\bel\s+(?:d[ií]a\s+)?(\d{1,2})(?:º|°)?(?!\d|[./:h]\d|\s*(?:am|pm|h\b|hrs|%|/|de\s+la|y\s))",
    "de": r"\bam\s+(\d{1,2})\.(?![\d])",
    "fr": r"\b(?:le|du)\s+(1er|\d{1,2})\b(?![./:h]?\d|h\b|\s*(?:am|pm|%|/))",
    "pt": r"\bdia\s+(\d{1,2})(?:º|°)?(?!\d|[./:h]\d|h\b|\s*(?:am|pm|%|/))",
}


@cache
def grammar(lang: str) -> Grammar:
    return Grammar(TABLES[lang])
