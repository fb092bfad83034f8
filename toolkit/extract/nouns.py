"""Whether a piece of text names an event: an event noun of the language ("practice",
"Elternabend", "fête"), or a named day of something ("World Book Day", "Vorlesetag",
"Projektwoche", "día de la fruta")."""

from __future__ import annotations

import re

from toolkit.extract.rules import Grammar

_DAY_EVENTS = {  # "World Book Day", "el día de la fruta", "Obsttag", "journée du sport", "dia da fruta"
    "es": re.compile(r"\bd[ií]a de(?:l| la| las| los)? \w+", re.I),
    "pt": re.compile(r"\bdia d[aoe]s? \w+", re.I),
    "fr": re.compile(r"\bjournée d(?:u|e la|es|e|')\s?\w+", re.I),
    "de": re.compile(r"\b(?!(?:mon|diens|donners|frei|sams|sonn|all|werk)tag)\w{3,}tag\b"
                     r"|\b(?!(?:nächste|diese|kommende|letzte|ganze)\b)\w{4,}woche\b", re.I),
}
_EN_DAY_EVENT = re.compile(  # "Comic Relief day", "World Book Day", "inset day"
    r"\b(?!(?:every|a|one|the|nice|good|great|long|whole|all|each|same|next|that|this|some|any|"
    r"per|other|busy|lovely|hard|bad|happy|big|first|last|half|full|school|working|rainy|sunny)\b)"
    r"[a-z]+ day\b",
    re.I,
)


def names_event(g: Grammar, text: str) -> bool:
    """An event noun ("practice", "Elternabend", "fête") in `text`."""
    if g.event_noun.search(text):
        return True
    day_event = _EN_DAY_EVENT if g.t.code == "en" else _DAY_EVENTS.get(g.t.code)
    return bool(day_event and day_event.search(text))


