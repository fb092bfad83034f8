"""The shape every extractor returns and every later stage consumes: one found event."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("event", "deadline", "closure")


@dataclass(frozen=True)
class FoundEvent:
    """An event found in a message or in the text of an image.

    `start`/`end` are ISO 8601 with offset (e.g. 2025-05-17T10:00:00+01:00), or a plain date
    (2025-05-17) when `all_day`; `end` may be None when the text gives no end.
    """

    title: str
    start: str
    end: str | None
    all_day: bool
    location: str | None
    confidence: float
    tz: str | None = None
    lang: str | None = None
    cancelled: bool = False  # the text cancels this event rather than announcing it
    evidence: str | None = None  # the span of text the event was found in
    kind: str = "event"  # one of KINDS: an event, a deadline (all-day, titled by what is due), a closure
    moved: bool = False  # the text moves an event it refers to; `start` is the new time
    previous_start: str | None = None  # with `moved`: the old start, when the text states it

    def as_output(self) -> dict[str, Any]:
        """The fields of the `extract-events` output contract."""
        return {
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "all_day": self.all_day,
            "location": self.location,
            "confidence": round(self.confidence, 3),
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
