"""Which of chatbook's five languages (en, es, de, fr, pt) a text is written in, with lingua.

Used by the extractor (which rules to apply), by the agent (which language to write back in)
and wherever a chat's language is recorded.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

LANGUAGES = ("en", "es", "de", "fr", "pt")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """Built once, on first use: loading the five language models takes about a second."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.SPANISH, Language.GERMAN, Language.FRENCH, Language.PORTUGUESE
    ).with_preloaded_language_models().build()  # lazy per-call loading costs ~1 ms a message


def language_confidences(text: str) -> dict[str, float]:
    """Lingua's confidence for each of our five languages (ISO 639-1 codes)."""
    values = _detector().compute_language_confidence_values(text)
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}


def detect_language(text: str) -> str:
    """The most likely of en/es/de/fr/pt for `text`; English when there is nothing to go on."""
    confidences = language_confidences(text)
    if not confidences:
        return "en"
    return max(confidences.items(), key=lambda item: item[1])[0]


@lru_cache(maxsize=1)
def _trigram_detector() -> Any:
    """Lingua on trigrams alone: a tenth of the load time, and as sure as the full models on a
    text of thousands of characters (a chat's sample), where it is used."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.SPANISH, Language.GERMAN, Language.FRENCH, Language.PORTUGUESE
    ).with_low_accuracy_mode().build()


def chat_language(texts: list[str]) -> str:
    """The language most of these messages are written in (a chat's, at ingest): each
    message votes for its language, weighted by its length; English when nothing can tell."""
    votes: dict[str, float] = {}
    detector = _trigram_detector()
    for text, language in zip(texts, detector.detect_languages_in_parallel_of(texts), strict=True):
        if language is not None:
            code = language.iso_code_639_1.name.lower()
            votes[code] = votes.get(code, 0.0) + len(text)
    return max(votes.items(), key=lambda item: item[1])[0] if votes else "en"
