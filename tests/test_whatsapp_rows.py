"""The JSON a batch of parsed messages travels to SQLite in (importer.rows_json): whichever
encoding it picks for the batch's script, SQLite reads back exactly the rows that were made."""

from __future__ import annotations

import json
import random

import pytest

from toolkit.ingest.importer import ASCII_ROWS, WIDE_ROWS, rows_json
from toolkit.store import db
from toolkit.store.messages import INSERT_JSON_SQL

LATIN = "Meet at 5pm? Ça va, très bien 😂 schön mañana"
CYRILLIC = "Встречаемся завтра в пять, хорошо? Да! 👍"
ODD = "tab\there\nline two \u202f\u200e\u200f ‹quoted› \"q\" \\ back \x01 \U0001f468\u200d\U0001f469"


def batch(texts: list[str]) -> list[tuple[object, ...]]:
    """Rows as `ChatImport.new_rows` makes them (sent_at ... content_key)."""
    return [(f"2024-03-14T10:{i % 60:02d}:00", "2024-03-14T09:00:00+00:00", author, author,
             text, "text", None if i % 3 else "IMG-1.jpg", None, i % 2, i + 1, f"key{i}")
            for i, (author, text) in enumerate(
                (("Анна" if i % 2 else "Noah", t) for i, t in enumerate(texts)))]


def read_back(payload: str) -> list[tuple[object, ...]]:
    """The values SQLite extracts from a payload, column by column as INSERT_JSON_SQL does."""
    conn = db.sqlite3.connect(":memory:")
    batch_cte = INSERT_JSON_SQL.split(" INSERT ")[0].replace("?5", "?")
    columns = ", ".join(f"row ->> {i}" for i in range(11))
    select = f"{batch_cte} SELECT {columns} FROM batch ORDER BY place"
    return [tuple(row) for row in conn.execute(select, (payload,)).fetchall()]


@pytest.mark.parametrize("texts", [
    [LATIN] * 40,
    [CYRILLIC] * 40,
    [LATIN, CYRILLIC, ODD] * 20,
    ["plain ascii only"] * 40,
])
def test_rows_read_back_exactly(texts: list[str]) -> None:
    rows = batch(texts)
    assert read_back(rows_json(rows)) == rows


def test_the_batch_script_picks_the_encoding() -> None:
    latin, cyrillic = batch([LATIN] * 40), batch([CYRILLIC] * 40)
    assert rows_json(latin) == ASCII_ROWS(latin)
    assert rows_json(latin).isascii()
    assert rows_json(cyrillic) == WIDE_ROWS(cyrillic)
    assert "Встречаемся" in rows_json(cyrillic)


def test_random_text_survives_both_encodings() -> None:
    rng = random.Random(13)
    texts = ["".join(chr(rng.choice((rng.randint(32, 0xD7FF), rng.randint(0xE000, 0x10FFFF))))
                     for _ in range(rng.randint(1, 30))) for _ in range(300)]
    rows = batch(texts)
    for encode in (ASCII_ROWS, WIDE_ROWS):
        payload = encode(rows)
        assert json.loads(payload) == [list(row) for row in rows]
        assert read_back(payload) == rows
