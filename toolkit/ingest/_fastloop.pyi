"""Type stub of the compiled inner loop (toolkit/ingest/_fastloop.c); see whatsapp.PlainRunner."""

from typing import Any

MARK: str
SPACE: str
PERIOD: str

class Runner:
    splits_here: bool
    def __init__(self, **context: Any) -> None: ...
    def split(self, chunk: str) -> list[str]: ...
    def missed(self, parts: list[str], stride: int) -> bool: ...
    def run(self, out: list[Any], heads_in: list[str], dates_in: list[str], times_in: list[str],
            seconds_in: list[str] | None, bodies: list[str], held: Any, held_body: str,
            line: int, last_date: str, day: str) -> tuple[Any, str, int, str, str]: ...
