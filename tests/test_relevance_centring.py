"""e5's centring at search (toolkit.search.query.Centring) and the per-language dev sets it was
chosen on: what is searched is one model's own vectors, centred by that model's own reference
means, and the dev sets never repeat a held-out query."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chatdata import embedded_school_and_family

from toolkit.config import Settings
from toolkit.search import embed, query
from toolkit.search.embed import load_model, reference_centres
from toolkit.search.query import Centring, query_centring, search_messages
from toolkit.store import db

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"



@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, model: Any) -> Iterator[tuple[Settings, db.Connection]]:
    """Two small chats embedded with the default model."""
    settings, conn = embedded_school_and_family(tmp_path_factory.mktemp("centring") / "data")
    yield settings, conn
    conn.close()


def stored(settings: Settings, conn: db.Connection) -> dict[str, np.ndarray]:
    """Each distinct embedded text's stored vector (the configured model's only)."""
    from toolkit.search.vector_index import open_store

    store = open_store(settings, create=False)
    try:
        index = store.index_for(settings.embed_model, load_model(settings.embed_model).dim)
        ids = np.array([r[0] for r in conn.execute("SELECT id FROM messages")], dtype=np.int64)
        have, matrix = index.stored_vectors(ids)
    finally:
        store.close()
    texts = dict(conn.execute("SELECT id, text FROM messages").fetchall())
    return {texts[int(m)]: v for m, v in zip(have, matrix, strict=True)}


def test_centred_scores_are_the_cosine_of_the_centred_vectors() -> None:
    rng = np.random.default_rng(7)
    unit = lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)  # noqa: E731
    axis = unit(rng.normal(size=16))
    passages = unit(axis + 0.4 * rng.normal(size=(30, 16))).astype(np.float32)
    vector = unit(axis + 0.4 * rng.normal(size=16)).astype(np.float32)
    centring = Centring(passage=passages.mean(axis=0), query=0.9 * axis.astype(np.float32), amount=0.5)
    probe = centring.probe(vector)
    got = centring.scores(probe, passages @ probe, passages @ centring.passage)
    centred = unit(passages - 0.5 * centring.passage)
    assert np.allclose(got, centred @ unit(vector - 0.5 * centring.query), atol=1e-5)
    assert not np.allclose(np.argsort(-got), np.argsort(-(passages @ vector)))  # it does re-rank here


def test_vector_search_ranks_by_the_centred_cosine(store: tuple[Settings, db.Connection], model: Any) -> None:
    settings, conn = store
    vectors = stored(settings, conn)
    passage, reference = reference_centres(settings, model)
    centring = Centring(passage, reference, model.centre)
    text = "who is bringing food to the party"
    probe = centring.probe(model.query(text))
    texts = list(vectors)
    matrix = np.stack([vectors[t] for t in texts])
    expected = centring.scores(probe, matrix @ probe, matrix @ passage)
    hits = search_messages(settings, text, mode="vector", k=5, context=0)
    best = sorted(range(len(texts)), key=lambda i: -expected[i])[:5]
    assert [h.text for h in hits] == [texts[i] for i in best]
    assert [h.score for h in hits] == pytest.approx([float(expected[i]) for i in best], abs=1e-5)


def test_centring_off_gives_the_plain_cosine(store: tuple[Settings, db.Connection], model: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    settings, conn = store
    monkeypatch.setattr(query, "CENTRING", False)
    assert query_centring(settings) is None
    vectors = stored(settings, conn)
    vector = model.query("dentist appointment")
    hits = search_messages(settings, "dentist appointment", mode="vector", k=3, context=0)
    assert [h.score for h in hits] == pytest.approx([float(vectors[h.text] @ vector) for h in hits], abs=1e-5)


def test_a_model_without_a_centre_is_not_centred(store: tuple[Settings, db.Connection], model: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = store
    assert query_centring(settings) is not None
    monkeypatch.setattr(model, "centre", 0.0)
    assert query_centring(settings) is None


def test_hybrid_background_is_on_the_centred_scale(store: tuple[Settings, db.Connection], model: Any) -> None:
    """The keyword weight is added to the similarity over the query's background, so the
    background is taken from centred similarities too, over the rows the index samples."""
    settings, _ = store
    index = query.open_vector_index(settings)
    sample = query.background_sample(index)
    vector = model.query("school trip")
    raw = sample @ vector
    assert index.background(vector) == pytest.approx((float(np.median(raw)), float(raw.std())), abs=1e-6)
    centring = query_centring(settings)
    assert centring is not None and len(sample) > 20
    probe = centring.probe(vector)
    scores = centring.scores(probe, sample @ probe, sample @ centring.passage)
    assert query.query_background(settings, vector) == pytest.approx(
        (float(np.median(scores)), float(scores.std())), abs=1e-6)
    assert not np.allclose(scores, raw)


def test_reference_centres_are_kept_beside_the_store(store: tuple[Settings, db.Connection], model: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """embed_new wrote them; a fresh process reads them without a model pass, and other
    questions mean other centres."""
    settings, _ = store
    path = embed.centres_path(settings, model.name)
    assert path.parent == Path(f"{settings.vdb_path}.centres") and path.exists()
    first = reference_centres(settings, model)
    monkeypatch.setattr(embed, "_CENTRES", {})  # as in a new process
    calls: list[int] = []
    monkeypatch.setattr(model, "passages",
                        lambda texts: calls.append(len(texts)) or np.zeros((len(texts), 384)))
    again = reference_centres(settings, model)
    assert not calls and all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    monkeypatch.setattr(embed, "calibration_queries", lambda: ["when is the next parents evening"])
    monkeypatch.setattr(embed, "calibration_vectors", lambda m: np.ones((1, 384), dtype=np.float32))
    changed = reference_centres(settings, model)
    assert calls == [1] and np.array_equal(changed[1], np.ones(384, dtype=np.float32))


@pytest.mark.parametrize("lang", ["en", "es", "de", "fr"])
def test_dev_sets_name_their_corpus_and_repeat_no_held_out_query(lang: str) -> None:
    """Mechanisms are chosen on these; the held-out set is only run at the end."""
    lines = (DATA / f"relevance_dev_{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    corpus = "\n".join(p.read_text(encoding="utf-8")
                       for p in [*(DATA / "relevance_multilingual").glob("*.txt"),
                                 *(ROOT / "data" / "sample").glob("*.txt")])
    held_out = {json.loads(line)["query"].strip().lower()
                for line in (DATA / "relevance_multilingual.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()}
    assert sum(c["mode"] == "same" for c in cases) >= 20
    assert {c["lang"] for c in cases} == {lang} and {c["mode"] for c in cases} <= {"same", "cross"}
    assert all(piece in corpus for c in cases for piece in c["expected"])
    assert not held_out & {c["query"].strip().lower() for c in cases}


def _queries(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_the_cross_language_dev_set_targets_other_languages_and_repeats_no_held_out_query() -> None:
    """40 cross-language paraphrases for choosing mechanisms; neither held-out set is among them."""
    cases = _queries("relevance_dev_cross.jsonl")
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in (DATA / "relevance_multilingual").glob("*.txt"))
    held_out = {c["query"].strip().lower()
                for name in ("relevance_multilingual.jsonl", "relevance_held_out_2.jsonl")
                for c in _queries(name)}
    assert len(cases) == 40 and {c["mode"] for c in cases} == {"cross"}
    assert {c["lang"] for c in cases} == {"en", "es", "de", "fr", "pt"}
    assert all(piece in corpus for c in cases for piece in c["expected"])
    assert not held_out & {c["query"].strip().lower() for c in cases}


def test_the_second_held_out_set_names_its_own_chats() -> None:
    """Its answers are in the five chats written with it, so they were unseen when it was run."""
    cases = _queries("relevance_held_out_2.jsonl")
    chats = "\n".join(p.read_text(encoding="utf-8")
                      for p in (DATA / "relevance_multilingual_2").glob("*.txt"))
    assert sum(c["mode"] == "same" for c in cases) == 75 and sum(c["mode"] == "cross" for c in cases) == 25
    assert all(piece in chats for c in cases for piece in c["expected"])
