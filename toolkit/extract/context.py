"""What every step of reading one message shares: its text (repaired, masked, lower-cased),
the language's grammar and the message's own time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from toolkit.extract.rules import Grammar

# A chat line pasted into a message ("[08/10/2024, 09:15:02] Office: ..." or
# "14/10/2024, 18:00 - League: ...") starts with when it was sent, not when anything happens.
_STAMP = (r"^[ \t]*\[?\d{1,4}[./-]\d{1,2}[./-]\d{2,4},?[ \t]+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
          r"(?:[ \t]*[ap]\.?[ \t]?m\.?)?\]?")
_SENDER = r"[ \t]*(?:-[ \t]*)?[^:\n]{1,40}:"
PASTED_STAMP = re.compile(rf"{_STAMP}(?={_SENDER})", re.M | re.I)
PASTED_LINE = re.compile(rf"{_STAMP}{_SENDER}", re.M | re.I)  # stamp and sender, for titles


@dataclass
class Context:
    text: str  # repaired (OCR digits, dashes), same length as the original
    work: str  # `text` with phones, prices, durations and masks blanked
    low: str  # `text` lower-cased
    g: Grammar
    ref: datetime
    zone: tzinfo
    today: date
    past: list[re.Pattern[str]]  # past-tense cues of the languages in the running
    memo: dict[str, Any] = field(default_factory=dict)  # what several events of one message share

    @property
    def flyer(self) -> bool:
        """Several short lines and no pasted chat line: read like a poster."""
        return self.text.count("\n") >= 2 and not PASTED_LINE.search(self.text)

    @property
    def low_unnamed(self) -> str:
        """`low` with the names said inside a sentence blanked ("... del colegio San
        Bartolomé"): a name is no verb, whatever its ending. German is left as it is: there
        every noun is capitalised."""
        if "low_unnamed" not in self.memo:
            chars = list(self.low)
            if self.g.t.code != "de" and len(chars) == len(self.text):
                for m in _MID_SENTENCE_NAME.finditer(self.text):
                    chars[m.start():m.end()] = " " * (m.end() - m.start())
            self.memo["low_unnamed"] = "".join(chars)
        return str(self.memo["low_unnamed"])


# A title-case word after a word (and maybe a comma) on the same line: "colegio San Bartolomé"
_MID_SENTENCE_NAME = re.compile(
    r"(?:(?<=[^\W_][ \t])|(?<=[^\W_],[ \t]))[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+"
    r"(?:[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+)*")
