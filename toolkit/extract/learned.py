"""A small learned judge for the clauses the rules are unsure of: is this day a new event?

The rules of `extract.reading` score each dated clause (the kind of date, a time, an event
noun, a place, a plan cue); most scores are clear. Where they are not (a day with no event
noun and no time, "Mañana viene el técnico de la caldera", "La collecte des encombrants passe
mercredi matin"), this model decides: a logistic regression over the clause's character
n-grams and the rules' own cues, trained on the labelled sets by
`bench/train_clause_model.py` and shipped as `clause_model.npz` beside this file. It runs on
numpy alone, offline, in microseconds per clause; without the file the rules decide alone.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

HASH_BITS = 15  # 32,768 buckets for the character n-grams and words
GRAM_SIZES = (3, 4, 5)
MODEL_FILE = "clause_model.npz"

# The rules' cues the model sees beside the text, in this order (the file records it).
CUE_NAMES = (
    "kind_explicit", "kind_numeric", "kind_weekday", "kind_relative", "kind_offset", "kind_ordinal",
    "kind_holiday", "kind_weekend", "kind_week", "lang_en", "lang_es", "lang_de", "lang_fr", "lang_pt",
    "time", "time_range", "day_range", "day_number", "part_of_day", "named_here", "named_lead",
    "borrowed", "noun_elsewhere", "plan_message", "plan_here", "proposal", "place", "limit",
    "window", "decline", "question", "asks", "first_person", "own_what", "capitalised",
    "in_passing", "flyer", "several_dates", "words", "rule_score",
)


@dataclass
class Cues:
    """What the rules saw in one dated clause; `text` is the clause with its dates and times
    replaced by marks, lower-cased."""

    text: str
    lang: str
    date_kind: str
    flags: dict[str, float] = field(default_factory=dict)

    def vector(self) -> list[float]:
        flags = {**self.flags, f"kind_{self.date_kind}": 1.0, f"lang_{self.lang}": 1.0}
        return [float(flags.get(name, 0.0)) for name in CUE_NAMES]


def text_features(text: str) -> list[int]:
    """Hashed buckets of the words and their character n-grams (a word padded with spaces,
    digits folded to 0), so "kommt" and "viene" count wherever they stand."""
    buckets = []
    size = 1 << HASH_BITS
    for word in re.findall(r"[^\W\d_]+|[§¤]", re.sub(r"\d", "0", text)):
        buckets.append(zlib.crc32(f"w:{word}".encode()) % size)
        padded = f" {word} "
        for n in GRAM_SIZES:
            for i in range(len(padded) - n + 1):
                buckets.append(zlib.crc32(padded[i:i + n].encode()) % size)
    return buckets


def design_row(cues: Cues) -> tuple[list[int], list[float]]:
    """The sparse input of one clause: (indices, values); text buckets first, cues after."""
    buckets = text_features(cues.text)
    counts: dict[int, float] = {}
    for b in buckets:
        counts[b] = counts.get(b, 0.0) + 1.0
    norm = float(np.sqrt(sum(v * v for v in counts.values()))) or 1.0
    indices = list(counts)
    values = [v / norm for v in counts.values()]
    offset = 1 << HASH_BITS
    for i, value in enumerate(cues.vector()):
        if value:
            indices.append(offset + i)
            values.append(value)
    return indices, values


@dataclass(frozen=True)
class ClauseModel:
    weights: Any  # numpy float32 array: HASH buckets + cues
    bias: float
    band: float  # rule scores below THRESHOLD + band (and days said in passing) are unsure
    meta: dict[str, Any]

    def probability(self, cues: Cues) -> float:
        indices, values = design_row(cues)
        z = self.bias + float(np.dot(self.weights[indices], np.asarray(values, dtype=np.float32)))
        return float(1.0 / (1.0 + np.exp(-z)))


@cache
def clause_model() -> ClauseModel | None:
    """The shipped model, or None when the file is absent (the rules then decide alone)."""
    try:
        data = resources.files("toolkit.extract").joinpath(MODEL_FILE).read_bytes()
    except (FileNotFoundError, OSError):
        return None
    import io

    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        if tuple(meta["cues"]) != CUE_NAMES or meta["hash_bits"] != HASH_BITS:
            raise RuntimeError(f"{MODEL_FILE} was trained on other features; run bench/train_clause_model.py")
        return ClauseModel(npz["weights"].astype(np.float32), float(npz["bias"]), float(meta["band"]), meta)


# ------------------------------------------------------------------------- cues from text

# A proposal to the group: "let's", "shall we", "¿cenamos?", "wollen wir", "on se fait", "bora".
_PROPOSAL = {
    "en": r"\b(?:let'?s|shall we|should we|how about|wanna|fancy|anyone (?:up for|keen|fancy|want)|"
          r"who'?s (?:in|up for|keen)|we could)\b",
    "es": r"\b(?!(?:tenemos|estamos|somos|hemos|sabemos|podemos|debemos)\b)\w{3,}(?:amos|emos|imos)\b",
    "de": r"\b(?:wollen wir|sollen wir|lass(?:t)? uns|\w+en wir)\b",
    "fr": r"\b(?:on (?:se )?\w+|ça (?:vous|te) dit|si on|allons)\b",
    "pt": r"\b(?:bora|vamos|que tal|a gente)\b|\b(?!(?:temos|estamos|somos|sabemos|podemos|devemos)\b)"
          r"\w{3,}(?:amos|emos|imos)\b",
}
_FIRST_PERSON = re.compile(r"\b(?:i|i'?m|i'?ll|i'?ve|ich|je|j'|yo|eu|me|mir|mich|moi)\b", re.I)


@cache
def _proposal(lang: str) -> re.Pattern[str]:
    return re.compile(_PROPOSAL[lang], re.I)


def own_what(text: str, lang: str) -> bool:
    from toolkit.extract.rules import grammar

    return bool(grammar(lang).own_what.search(text))


def proposal(text: str, lang: str) -> bool:
    return bool(_proposal(lang).search(text))


def first_person(text: str) -> bool:
    return bool(_FIRST_PERSON.search(text))


def capitalised(original: str) -> bool:
    """A capitalised word after the first: a name or (in German) a noun."""
    words = re.findall(r"[^\W\d_]+", original)
    return any(w[:1].isupper() and len(w) >= 3 for w in words[1:])


# ------------------------------------------------------------------------- training support

_collected: list[tuple[Cues, str]] | None = None
_disabled = False
_trial: ClauseModel | None = None  # a model being evaluated instead of the shipped one


class collecting:
    """Within `with collecting() as sink:`, every clause the model could judge is appended to
    `sink` as (cues, its day) and the rules decide alone (`bench/train_clause_model.py`)."""

    def __enter__(self) -> list[tuple[Cues, str]]:
        global _collected, _disabled
        _collected, _disabled = [], True
        return _collected

    def __exit__(self, *exc: object) -> None:
        global _collected, _disabled
        _collected, _disabled = None, False


class trying:
    """Within `with trying(model):`, extraction uses `model` (None: the rules alone)."""

    def __init__(self, model: ClauseModel | None):
        self.model = model

    def __enter__(self) -> None:
        global _trial, _disabled
        _trial, _disabled = self.model, self.model is None

    def __exit__(self, *exc: object) -> None:
        global _trial, _disabled
        _trial, _disabled = None, False


def active_model() -> ClauseModel | None:
    if _disabled:
        return None
    return _trial if _trial is not None else clause_model()


def is_collecting() -> bool:
    return _collected is not None


def record(cues: Cues, day: str) -> None:
    if _collected is not None:
        _collected.append((cues, day))
