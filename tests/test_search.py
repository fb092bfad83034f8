"""Keyword, vector and hybrid search over real SQLite files with the real model."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chatdata import FAMILY, SCHOOL, add_messages, embedded_school_and_family, message_id

from toolkit.config import DEFAULT_EMBED_MODEL, Settings
from toolkit.search.embed import embed_new
from toolkit.search.query import (
    QueryError,
    coverage,
    query_terms,
    reciprocal_rank_fusion,
    score_fusion,
    search_messages,
)
from toolkit.store import db
from toolkit.store.messages import fts_expression
from toolkit.store.vectors import VectorStoreError

ROOT = Path(__file__).resolve().parent.parent
DENTIST = "Dentist appointment moved to Tuesday at 3pm, so Mia will miss swimming"
DENTISTA = "El dentista me ha cambiado la cita al martes"
SWIMMING = "Swimming lessons restart next week at the leisure centre"



@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[tuple[Settings, db.Connection]]:
    """Two small chats, embedded once for the tests that only read them."""
    settings, conn = embedded_school_and_family(tmp_path_factory.mktemp("world") / "data")
    yield settings, conn
    conn.close()


@pytest.fixture
def ws(world: tuple[Settings, db.Connection]) -> Settings:
    return world[0]


@pytest.fixture
def chats(world: tuple[Settings, db.Connection]) -> db.Connection:
    return world[1]


@pytest.mark.parametrize("mode", ["keyword", "vector", "hybrid"])
def test_each_mode_finds_the_dentist_message(ws: Settings, chats: db.Connection, mode: str) -> None:
    hits = search_messages(ws, "when is the dentist appointment", mode=mode, k=3)
    # By meaning alone the Spanish "El dentista me ha cambiado la cita" answers as well.
    assert hits and hits[0].text in ({DENTIST, DENTISTA} if mode == "vector" else {DENTIST})
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    found = next(h for h in hits if h.text == DENTIST)
    assert found.chat == "School Parents" and found.author == "Sarah"
    assert mode in hits[0].matched_by or mode == "hybrid"


@pytest.mark.parametrize(("query", "expected"), [
    ("lost coat", "Has anyone seen a navy blue jacket with a fox badge?"),
    ("where should I park the car", "Please use the church car park on Mill Lane"),
    ("money for the excursion", "The school trip to the science museum costs £12, pay by Friday"),
])
def test_vector_finds_meaning_without_shared_words(ws: Settings, chats: db.Connection, query: str,
                                                   expected: str) -> None:
    assert expected in [h.text for h in search_messages(ws, query, mode="vector", k=5)]


def test_hybrid_ranks_what_both_lists_agree_on_first(ws: Settings, chats: db.Connection) -> None:
    hits = search_messages(ws, "swimming lessons", mode="hybrid", k=5)
    assert set(hits[0].matched_by) == {"keyword", "vector"}
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


# Queries spelling FTS5 syntax (columns, prefixes, NOT, NEAR, quotes, brackets), and the messages
# each must find by its words; the others share no word with a message, bar stopwords.
FTS_SYNTAX = {'"unbalanced': set(), "AND": set(), "OR NOT": set(), "NEAR(a b)": set(),
              "text:dentist": {DENTIST, DENTISTA}, "dent*": {DENTIST, DENTISTA},
              "-swimming": {DENTIST, SWIMMING}, "o'brien": set(), "(((": set(), "a OR b AND c": set(),
              "^start": set(), "col:{x}": set(), "SELECT * FROM messages; --": set(),
              "50% off_sale": set(), "\\": set()}


def shares_a_word(text: str, query: str) -> bool:
    """A word of `text` starts with a word of `query` (how FTS5 prefix terms match), any case."""
    words = re.findall(r"\w+", text.casefold())
    return any(w.startswith(q) for q in re.findall(r"\w+", query.casefold()) for w in words)


@pytest.mark.parametrize("query", list(FTS_SYNTAX))
@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_fts_syntax_in_queries_is_just_text(ws: Settings, chats: db.Connection, query: str,
                                            mode: str) -> None:
    """No error, and the words are words: `text:` is no column, `-` no NOT, `*` no wildcard."""
    hits = search_messages(ws, query, mode=mode, k=5)
    expected = FTS_SYNTAX[query]
    if mode == "keyword":
        assert {h.text for h in hits[: len(expected)]} == expected  # what the words find comes first
    else:  # meaning may place a close paraphrase between them, but the word matches are there
        assert expected <= {h.text for h in hits}
    by_words = [h for h in hits if "keyword" in h.matched_by or mode == "keyword"]
    assert all(shares_a_word(h.text, query) for h in by_words), [h.text for h in by_words]
    if mode == "hybrid":  # meaning fills the rest of the page
        assert len(hits) == 5


@pytest.mark.parametrize(("query", "expected"), [
    ("Dentist appointment", '"dentist"* OR "appointment"*'),
    ("the AND of it", '"the" OR "and" OR "of" OR "it"'),  # only stopwords: keep them, as words
    ('say "hi"', '"say" OR "hi"'),
    ("größe café", '"größe"* OR "café"*'),
    ("🎉🎉", ""),
])
def test_fts_expression_quotes_every_term(query: str, expected: str) -> None:
    assert fts_expression(query_terms(query)) == expected


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
@pytest.mark.parametrize("mode", ["keyword", "vector", "hybrid"])
def test_empty_queries_are_explained(ws: Settings, chats: db.Connection, query: str, mode: str) -> None:
    with pytest.raises(QueryError, match="the query is empty"):
        search_messages(ws, query, mode=mode)


def test_huge_queries_are_explained(ws: Settings, chats: db.Connection) -> None:
    with pytest.raises(QueryError, match="characters long; the limit is 2,000"):
        search_messages(ws, "dentist " * 1000)
    long_query = "dentist " * 240  # long is fine
    assert DENTIST in [h.text for h in search_messages(ws, long_query, mode="hybrid", k=2)]


@pytest.mark.parametrize("mode", ["keyword", "vector", "hybrid"])
def test_emoji_only_queries_answer(ws: Settings, chats: db.Connection, mode: str) -> None:
    hits = search_messages(ws, "🎉", mode=mode, k=5)
    if mode != "vector":
        assert hits[0].text == "Happy birthday Mia!! 🎂🎉"
    assert hits and [h.rank for h in hits] == list(range(1, len(hits) + 1))


@pytest.mark.parametrize(("query", "dentist_within"), [
    ("cita con el dentista", 1),  # Spanish: the Spanish chat's dentist message, by words and meaning
    ("Zahnarzttermin", 3),  # German, one compound word: by meaning only
    ("موعد طبيب الأسنان", 3),  # Arabic
    ("歯医者の予約", 3),  # Japanese: the multilingual model reads it too
])
def test_queries_in_any_language(ws: Settings, chats: db.Connection, query: str,
                                 dentist_within: int | None) -> None:
    hits = search_messages(ws, query, mode="hybrid", k=3)
    assert [h.rank for h in hits] == [1, 2, 3] and len({h.message_id for h in hits}) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    if dentist_within:
        assert {DENTIST, DENTISTA} & {h.text for h in hits[:dentist_within]}, [h.text for h in hits]


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"mode": "fuzzy"}, "--mode"),
    ({"k": 0}, "-k"),
    ({"k": 100_000}, "-k"),
    ({"context": -1}, "--context"),
    ({"since": "yesterday"}, "--since: expected a date"),
    ({"until": "2024-13-01"}, "--until: expected a date"),
    ({"since": "2024-10-01", "until": "2024-09-01"}, "is not before"),
    ({"chat": "Nope"}, "no chat named 'Nope'; chats: Familia García, School Parents"),
    ({"author": "Sara"}, "--author: no author named 'Sara'; authors: Sarah, "),  # the closest first
    ({"author": "Sarah", "chat": "Familia García"}, "no author named 'Sarah' in 'Familia García'; authors: "),
])
def test_bad_options_are_explained(ws: Settings, chats: db.Connection, kwargs: dict[str, Any],
                                   error: str) -> None:
    with pytest.raises(QueryError, match=error):
        search_messages(ws, "dentist", **kwargs)


@pytest.mark.parametrize("mode", ["keyword", "vector", "hybrid"])
def test_filters_apply_inside_the_query_not_after_top_k(settings: Settings, db_conn: db.Connection,
                                                        model: Any, mode: str) -> None:
    """60 strong matches in one chat must not hide the single match in the filtered chat."""
    noisy = [("Coach", f"Dentist appointment reminder number {n}: dentist at 3pm", "text") for n in range(60)]
    add_messages(db_conn, "Club", noisy)
    add_messages(db_conn, "Family", [("Mum", "the kids see the dentist on Friday", "text")])
    embed_new(settings)
    for filters in ({"chat": "family"}, {"author": "mum"}):
        hits = search_messages(settings, "dentist appointment", mode=mode, k=3, **filters)
        assert [h.text for h in hits] == ["the kids see the dentist on Friday"]


@pytest.mark.parametrize(("since", "until", "expected"), [
    ("2024-09-02", "2024-09-02", {0, 1, 2, 3}),  # until a date includes that whole day
    ("2024-09-03", None, {4, 5, 6, 7}),
    (None, "2024-09-02T14:00:00", {0, 1, 2}),
    ("2024-09-02T07:00", "2024-09-02T07:00", {1}),
])
@pytest.mark.parametrize("mode", ["keyword", "vector", "hybrid"])
def test_since_until(settings: Settings, db_conn: db.Connection, model: Any, mode: str,
                     since: str | None, until: str | None, expected: set[int]) -> None:
    lines = [("A", f"football practice moved, update {n}", "text") for n in range(8)]
    ids = add_messages(db_conn, "Club", lines, start=datetime(2024, 9, 2, 0, 0), step=timedelta(hours=7))
    embed_new(settings)
    hits = search_messages(settings, "football practice", mode=mode, k=20, since=since, until=until)
    assert {ids.index(h.message_id) for h in hits} == expected


@pytest.mark.parametrize("around", [0, 1, 2, 5])
def test_context_is_the_conversation_around_the_hit(ws: Settings, chats: db.Connection, around: int) -> None:
    hit = search_messages(ws, DENTIST, mode="keyword", k=1, context=around)[0]
    assert hit.message_id == message_id(chats, DENTIST)
    if around == 0:
        assert hit.context == []
        return
    texts = [t for _, t, _ in SCHOOL]
    at = texts.index(DENTIST)
    assert [c["text"] for c in hit.context] == texts[at - around : at + around + 1]
    assert [c["is_hit"] for c in hit.context].count(True) == 1
    assert hit.context[around]["is_hit"]


def test_context_stays_in_the_chat(ws: Settings, chats: db.Connection) -> None:
    first = search_messages(ws, "Welcome back everyone", mode="keyword", k=1, context=3)[0]
    assert first.context[0]["is_hit"] and len(first.context) == 4  # nothing before the first message


def test_as_dict_has_the_cli_fields(ws: Settings, chats: db.Connection) -> None:
    data = search_messages(ws, "dentist", k=1)[0].as_dict()
    assert {"message_id", "chat", "author", "sent_at", "text", "score", "context"} <= set(data)
    assert json.loads(json.dumps(data)) == data


def test_missing_vector_store_is_explained(settings: Settings, db_conn: db.Connection) -> None:
    add_messages(db_conn, "Club", [("A", "dentist", "text")])
    assert search_messages(settings, "dentist", mode="keyword")[0].text == "dentist"
    for mode in ("vector", "hybrid"):
        with pytest.raises(VectorStoreError, match="no vector store at .*run `chatbook embed`"):
            search_messages(settings, "dentist", mode=mode)


def test_vectors_of_another_model_are_explained(ws: Settings, chats: db.Connection) -> None:
    from toolkit.search.embed import resolve_model_path

    other = ws.with_overrides(embed_model=resolve_model_path("all-MiniLM-L6-v2"))
    explained = f"no vectors for model .* has vectors for {DEFAULT_EMBED_MODEL}"
    with pytest.raises(VectorStoreError, match=explained):
        search_messages(other, "dentist", mode="vector")


@pytest.mark.parametrize(("lists", "expected"), [
    ({"keyword": [(1, 9.0), (2, 8.0)], "vector": [(2, 0.9), (3, 0.8)]}, [2, 1, 3]),
    ({"keyword": [], "vector": [(3, 0.9), (4, 0.8)]}, [3, 4]),
    ({"keyword": [(5, 1.0)], "vector": []}, [5]),
    ({"keyword": [(1, 1.0), (2, 1.0)], "vector": [(2, 1.0), (1, 1.0)]}, [1, 2]),  # tie: lower id
])
def test_reciprocal_rank_fusion(lists: dict[str, list[tuple[int, float]]], expected: list[int]) -> None:
    assert [m for m, _, _ in reciprocal_rank_fusion(lists)] == expected


@pytest.mark.slow
def test_cli_embed_and_search(cli, data_dir) -> None:
    """The real CLI in a child process: embed --json, then search --json and the text output."""
    from toolkit.config import load_settings
    from toolkit.store.connect import open_db

    settings = load_settings({"DATA_DIR": str(data_dir)}, cwd=data_dir.parent)
    conn = open_db(settings)
    add_messages(conn, "School Parents", SCHOOL)
    conn.close()
    done = cli("embed", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["stored"] == report["eligible"] > 0 and report["model"] == DEFAULT_EMBED_MODEL
    found = cli("search", "dentist appointment", "-k", "2", "--json", "--context", "1")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits[0]["text"] == DENTIST and len(hits[0]["context"]) == 3
    text = cli("search", "dentist", "--mode", "keyword", "--chat", "school parents")
    assert text.returncode == 0 and ">> " in text.stdout and "Dentist appointment" in text.stdout
    empty = cli("search", "  ")
    assert empty.returncode == 2 and "the query is empty" in empty.stderr and "Traceback" not in empty.stderr
    stranger = cli("search", "dentist", "--author", "Nobody")
    assert stranger.returncode == 2 and "no author named 'Nobody'; authors: " in stranger.stderr
    again = cli("embed", "--json")  # nothing new: no model is loaded
    assert again.returncode == 0 and json.loads(again.stdout)["scanned"] == 0


@pytest.mark.parametrize(("keyword", "cosines", "expected"), [
    ({1: 1.0}, {2: 0.5, 1: 0.4}, [1, 2]),  # 0.4 + 0.3 beats 0.5
    ({1: 0.2}, {2: 0.5, 1: 0.4}, [2, 1]),  # a weak word match does not
    ({}, {3: 0.9, 4: 0.8}, [3, 4]),
    ({5: 1.0}, {}, [5]),
])
def test_score_fusion(keyword: dict[int, float], cosines: dict[int, float], expected: list[int]) -> None:
    fused = score_fusion(keyword, cosines, weight=0.3)
    assert [m for m, _, _ in fused] == expected
    assert all(("keyword" in r) == (m in keyword) for m, _, r in fused)


@pytest.mark.parametrize(("text", "weights", "expected"), [
    ("Dentist appointment on Tuesday", {"dentist": 2.0, "tuesday": 1.0}, 1.0),
    ("the dentists are busy", {"dentist": 2.0, "tuesday": 1.0}, 2 / 3),  # prefix, as FTS5 matches
    ("Café Olé", {"cafe": 1.0}, 1.0),  # diacritics folded like the tokenizer
    ("nothing here", {"dentist": 1.0}, 0.0),
])
def test_coverage(text: str, weights: dict[str, float], expected: float) -> None:
    assert coverage(text, weights) == pytest.approx(expected)


@pytest.mark.parametrize("mode", ["keyword", "vector", "hybrid"])
def test_identical_texts_are_one_hit_with_a_count_and_the_newest_context(
        settings: Settings, db_conn: db.Connection, model: Any, mode: str) -> None:
    """Ten copies of "see you" cannot fill the top 10; the one hit says how many there are and
    shows the newest copy's conversation."""
    lines: list[tuple[str, str, str]] = []
    for n in range(10):
        lines += [("Ana", f"note number {n} for the class", "text"), ("Ben", "see you", "text")]
    lines += [("Carla", "meeting with the teacher on Monday about the school trip", "text")]
    ids = add_messages(db_conn, "Class", lines)
    embed_new(settings)
    hits = search_messages(settings, "see you at the meeting with the teacher", mode=mode, k=10, context=1)
    texts = [h.text for h in hits]
    assert texts.count("see you") <= 1 and len(set(texts)) == len(texts)
    assert "see you" in texts  # every mode finds it: by the word "see" or by meaning
    copy = hits[texts.index("see you")]
    assert copy.count == 10 and copy.message_id == ids[19]  # the newest of the ten
    assert [c["text"] for c in copy.context][:1] == ["note number 9 for the class"]
    assert "meeting with the teacher on Monday about the school trip" in texts[:2]
    newest_two = search_messages(settings, "see you", mode=mode, k=1, since="2024-09-02",
                                 until=sent_on(db_conn, ids[3]))[0]
    assert newest_two.text == "see you" and newest_two.count == 2 and newest_two.message_id == ids[3]


def sent_on(conn: db.Connection, message: int) -> str:
    return str(conn.execute("SELECT sent_at FROM messages WHERE id = ?", (message,)).fetchone()[0])


def test_emoji_only_messages_do_not_top_foreign_queries(settings: Settings, db_conn: db.Connection,
                                                       model: Any) -> None:
    lines = [("A", "👍", "text")] * 8 + [("B", "🙏", "text")] * 4 + [
        ("C", "La reunión de padres es el martes a las seis", "text"),
        ("D", "Der Kuchenverkauf ist am Freitag", "text"),
    ]
    add_messages(db_conn, "Mixed", lines)
    embed_new(settings)
    for query in ("¿cuándo es la reunión de padres?", "Wann ist der Kuchenverkauf?"):
        top = search_messages(settings, query, mode="vector", k=1)[0]
        assert top.text not in ("👍", "🙏"), query
    thumbs = search_messages(settings, "👍", mode="vector", k=1)[0]
    assert thumbs.text == "👍" and thumbs.count == 8


def load_relevance() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("relevance", ROOT / "bench" / "relevance.py")
    assert spec and spec.loader
    relevance = importlib.util.module_from_spec(spec)
    sys.modules["relevance"] = relevance  # dataclasses look their module up
    spec.loader.exec_module(relevance)
    return relevance


# The hits@10 each held-out set reached with the default model over the 15-chat relevance
# corpus (docs/benchmarks.md#search-relevance): per query language for same-language
# paraphrases, then cross-language, then the whole set. #16 asks for 0.90 and 0.80; these are
# below it, and guarded so that nothing falls further.
HELD_OUT_LEVELS = {
    "HELD_OUT": ({"en": 0.6, "es": 1.0, "de": 0.9, "fr": 0.9, "pt": 0.5}, 0.81, 0.79),
    "HELD_OUT_2": ({"en": 0.93, "es": 0.86, "de": 0.8, "fr": 0.73, "pt": 0.8}, 0.36, 0.71),
}


@pytest.mark.slow
def test_relevance_floor_in_every_language(tmp_path, monkeypatch: pytest.MonkeyPatch, model: Any) -> None:
    """The multilingual quality floor (bench/relevance.py prints the same numbers): both
    held-out sets stay at the level they reached (HELD_OUT_LEVELS), and on the English dev set
    hybrid is at least as good as keyword or vector alone. MiniLM, the previous default, fails
    it (Spanish 30% on the first set)."""
    relevance = load_relevance()
    monkeypatch.setattr(relevance, "CACHE", tmp_path)
    settings = relevance.prepared_settings(DEFAULT_EMBED_MODEL)
    for name, (languages, cross_level, overall) in HELD_OUT_LEVELS.items():
        path = getattr(relevance, name)
        held_out = relevance.evaluate(settings, relevance.load_cases(path), path, ("hybrid",))
        assert len([v for vs in held_out.values() for v in vs]) >= 70
        for lang, level in languages.items():
            got = relevance.mean(held_out[("hybrid", lang, "same")], 1)
            assert got >= level - 1e-9, (name, lang, got)
        cross = [v for (_, _, kind), vs in held_out.items() if kind == "cross" for v in vs]
        assert relevance.mean(cross, 1) >= cross_level - 1e-9, name
        assert relevance.mean([v for vs in held_out.values() for v in vs], 1) >= overall - 1e-9, name
    dev = relevance.evaluate(settings, relevance.load_cases(relevance.DEV), relevance.DEV)
    recall = {mode: relevance.mean([v for (m, _, _), vs in dev.items() if m == mode for v in vs], 0)
              for mode in relevance.MODES}
    assert recall["hybrid"] >= max(recall["keyword"], recall["vector"]), recall


def test_e5_passages_on_parallel_engine_calls_equal_one_call(model: Any) -> None:
    """Passages dealt out to two one-thread engine calls come back in order, equal to the
    engine's own single call (the model is shared by both calls)."""
    import numpy as np

    texts = [f"{t} ({i})" for i, (_, t, _) in enumerate((SCHOOL + FAMILY) * 3)][:80]
    before = model.workers
    try:
        model.set_threads(2)
        parallel = model.passages(texts)
    finally:
        model.set_threads(before)
    single = np.asarray(model.model.passage(texts), dtype=np.float32)
    assert parallel.shape == (80, 384) and parallel.dtype == np.float32
    assert np.sum(parallel * single, axis=1).min() > 0.9999
    assert np.argmax(parallel @ single.T, axis=1).tolist() == list(range(80))  # nothing swapped


def test_portuguese_dev_set_names_messages_of_the_portuguese_chat() -> None:
    """Every query of the Portuguese dev set is Portuguese and expects text of the Portuguese
    chat, and none is a held-out query (choices are made on it, never on the held-out set)."""
    relevance = load_relevance()
    cases = relevance.load_cases(relevance.DEV_PT)
    chat = (ROOT / "tests" / "data" / "relevance_multilingual" / "WhatsApp Chat com Pais do 3º ano.txt"
            ).read_text(encoding="utf-8")
    held_out = {c.query for c in relevance.load_cases(relevance.HELD_OUT)}
    assert len(cases) >= 20 and all(c.lang == "pt" and c.kind == "same" for c in cases)
    assert all(piece in chat for c in cases for piece in c.expected)
    assert not held_out & {c.query for c in cases}
