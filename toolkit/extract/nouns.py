"""Whether a piece of text names an event: an event noun of the language ("practice",
"Elternabend", "fête"), or a named day of something ("World Book Day", "Vorlesetag",
"Projektwoche", "día de la fruta")."""

from __future__ import annotations

import re
from functools import lru_cache

from toolkit.extract.rules import Grammar

_DAY_EVENTS = {  # "World Book Day", "el día de la fruta", "Obsttag", "journée du sport", "dia da fruta"
    "es": re.compile(r"\bd[ií]a de(?:l| la| las| los)? \w+", re.I),
    "pt": re.compile(r"\bdia d[aoe]s? \w+", re.I),
    "fr": re.compile(r"\bjournée d(?:u|e la|es|e|')\s?\w+", re.I),
    "de": re.compile(r"\b(?!(?:mon|diens|donners|frei|sams|sonn|all|werk)tag)\w{3,}tag\b"
                     r"|\b(?!(?:nächste|diese|kommende|letzte|ganze)\b)\w{4,}woche\b", re.I),
    # "la semana cultural", "semaine du goût", "semana da leitura": a named week
    "es_week": re.compile(r"\bsemana (?!que\b|pasada|próxima|proxima|siguiente|entera)"
                          r"(?:de(?:l| la)? )?\w{4,}", re.I),
    "fr_week": re.compile(r"\bsemaine (?!prochaine|dernière|derniere|passée|entière)"
                          r"(?:d[eu]s? |de la |d')?\w{4,}", re.I),
    "pt_week": re.compile(r"\bsemana (?!que\b|passada|próxima|proxima|seguinte|inteira)"
                          r"(?:d[aeo]s? )?\w{4,}", re.I),
}
_EN_WEEK_EVENT = re.compile(  # "book week", "science week", "Freshers' week"
    r"\b(?!(?:next|this|last|a|one|the|that|every|each|whole|busy|same|following|two|three)\b)"
    r"[a-z']{3,} week\b", re.I)
_EN_DAY_EVENT = re.compile(  # "Comic Relief day", "World Book Day", "inset day"
    r"\b(?!(?:every|a|one|the|nice|good|great|long|whole|all|each|same|next|that|this|some|any|"
    r"per|other|busy|lovely|hard|bad|happy|big|first|last|half|full|school|working|rainy|sunny)\b)"
    r"[a-z]+ day\b",
    re.I,
)


@lru_cache(maxsize=256)  # asked again of the same words by each step of reading one message
def names_event(g: Grammar, text: str) -> bool:
    """An event noun ("practice", "Elternabend", "fête") in `text`."""
    if g.event_noun.search(text):
        return True
    day_event = _EN_DAY_EVENT if g.t.code == "en" else _DAY_EVENTS.get(g.t.code)
    if day_event and day_event.search(text):
        return True
    week = _EN_WEEK_EVENT if g.t.code == "en" else _DAY_EVENTS.get(f"{g.t.code}_week")
    return bool(week and week.search(text))


