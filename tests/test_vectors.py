"""The vector store: both SQLite backends and the numpy fast path against a brute-force oracle."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from toolkit.config import Settings
from toolkit.search import fastpath
from toolkit.search.fastpath import FastIndex
from toolkit.search.vector_index import open_store
from toolkit.store.vectors import VectorStoreError, table_name

DIM = 16
BACKENDS = ["vec", "vss"]


def unit_rows(n: int, dim: int = DIM, seed: int = 0, clusters: int = 0) -> np.ndarray:
    """Normalised float32 rows; with `clusters`, grouped around centres like real embeddings."""
    rng = np.random.default_rng(seed)
    if clusters:
        centres = rng.normal(size=(clusters, dim))
        rows = centres[rng.integers(0, clusters, n)] + 0.35 * rng.normal(size=(n, dim))
    else:
        rows = rng.normal(size=(n, dim))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def oracle(matrix: np.ndarray, ids: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    scores = matrix @ query
    order = np.lexsort((ids, -scores))[:k]
    return [int(ids[i]) for i in order]


def with_backend(settings: Settings, backend: str) -> Settings:
    return settings.with_overrides(vector_backend=backend)


@pytest.fixture
def filled(settings: Settings, request: pytest.FixtureRequest):
    """A store with 300 vectors for model `m` under the requested backend."""
    store = open_store(with_backend(settings, request.param))
    index = store.prepare("m", DIM)
    matrix = unit_rows(300, seed=1)
    ids = np.arange(1000, 1300, dtype=np.int64)
    assert index.add(ids, matrix, [f"sha{i}" for i in ids]) == 300
    yield store, index, ids, matrix
    store.close()


@pytest.mark.parametrize("filled", BACKENDS, indirect=True)
@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_search_matches_brute_force(filled, fast: bool, seed: int) -> None:
    _, index, ids, matrix = filled
    query = unit_rows(1, seed=seed)[0]
    got = index.search(query, 10, fast=fast)
    assert [i for i, _ in got] == oracle(matrix, ids, query, 10)
    expected_scores = sorted((matrix @ query).tolist(), reverse=True)[:10]
    assert [s for _, s in got] == pytest.approx(expected_scores, abs=1e-4)


@pytest.mark.parametrize("filled", BACKENDS, indirect=True)
@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("allowed", [[1000], [1005, 1299, 1100], list(range(1000, 1300, 7))])
def test_search_within_filters_inside_the_scan(filled, fast: bool, allowed: list[int]) -> None:
    _, index, ids, matrix = filled
    query = unit_rows(1, seed=9)[0]
    within = np.asarray(allowed, dtype=np.int64)
    got = index.search(query, 5, within=within, fast=fast)
    keep = np.isin(ids, within)
    assert [i for i, _ in got] == oracle(matrix[keep], ids[keep], query, 5)


@pytest.mark.parametrize("filled", BACKENDS, indirect=True)
def test_add_is_idempotent_and_counts(filled) -> None:
    _, index, ids, matrix = filled
    assert index.add(ids[:10], matrix[:10], ["x"] * 10) == 0
    assert index.count() == 300
    assert index.add(np.array([5], dtype=np.int64), matrix[:1], ["y"]) == 1
    assert index.count() == 301


@pytest.mark.parametrize("filled", ["vec"], indirect=True)
def test_vectors_for_texts_returns_stored_vectors(filled) -> None:
    _, index, ids, matrix = filled
    found = index.vectors_for_texts(["sha1000", "sha1299", "missing"])
    assert set(found) == {"sha1000", "sha1299"}
    assert np.array_equal(found["sha1299"], matrix[-1])


@pytest.mark.parametrize("wrong", [0, 8, 32])
def test_add_rejects_wrong_dimension(settings: Settings, wrong: int) -> None:
    store = open_store(settings)
    index = store.prepare("m", DIM)
    with pytest.raises(VectorStoreError, match="do not fit"):
        index.add(np.array([1]), np.zeros((1, wrong), dtype=np.float32), ["s"])
    store.close()


def test_vss_reads_raw_blobs_that_look_like_its_own_format(settings: Settings) -> None:
    """A float32 BLOB starting with b'v\\x01' must be stored as itself (vector_from_raw)."""
    store = open_store(with_backend(settings, "vss"))
    index = store.prepare("m", DIM)
    tricky = np.ones(DIM, dtype=np.float32) * 0.25
    tricky[0] = struct.unpack("<f", b"v\x01\x80\x3e")[0]  # about 0.25, so the norm stays ~1
    assert tricky.tobytes()[:2] == b"v\x01"
    others = unit_rows(20, seed=2)
    matrix = np.vstack([tricky[None, :], others]).astype(np.float32)
    index.add(np.arange(1, 22), matrix, ["s"] * 21)
    got = index.search(tricky, 1, fast=False)
    assert got[0][0] == 1 and got[0][1] == pytest.approx(1.0, abs=1e-5)
    store.close()


def test_model_and_dimension_mismatch_explain_the_fix(settings: Settings) -> None:
    store = open_store(settings)
    store.prepare("m", DIM)
    with pytest.raises(VectorStoreError, match=r"chatbook embed --full"):
        store.prepare("m", 32)
    with pytest.raises(VectorStoreError, match=r"chatbook embed --full"):
        store.index_for("m", 32)
    with pytest.raises(VectorStoreError, match=r"no vectors for model 'other'.*for m.*chatbook embed"):
        store.index_for("other", DIM)
    store.close()


def test_missing_store_is_explained(settings: Settings) -> None:
    with pytest.raises(VectorStoreError, match=r"no vector store at .*chatbook embed"):
        open_store(settings, create=False)


@pytest.mark.parametrize(("first", "second"), [("vss", "vec"), ("vec", "vss")])
def test_switching_backend_rebuilds_from_stored_vectors(settings: Settings, first: str, second: str) -> None:
    matrix = unit_rows(50, seed=6)
    ids = np.arange(1, 51, dtype=np.int64)
    store = open_store(with_backend(settings, first))
    store.prepare("m", DIM).add(ids, matrix, ["s"] * 50)
    store.close()
    store = open_store(with_backend(settings, second))
    with pytest.raises(VectorStoreError, match=rf"indexed with {first}.*`chatbook embed`"):
        store.index_for("m", DIM)
    index = store.prepare("m", DIM)
    assert index.warnings and "rebuilt" in index.warnings[0]
    assert store.models()[0]["backend"] == second and store.models()[0]["vectors"] == 50
    query = unit_rows(1, seed=7)[0]
    got = store.index_for("m", DIM).search(query, 5, fast=False)
    assert [i for i, _ in got] == oracle(matrix, ids, query, 5)
    store.close()


def test_models_never_mix(settings: Settings) -> None:
    store = open_store(settings)
    a = store.prepare("model-a", DIM)
    b = store.prepare("model/b 'quoted'", 8)
    a.add(np.arange(1, 11), unit_rows(10), ["s"] * 10)
    b.add(np.arange(1, 6), unit_rows(5, dim=8), ["s"] * 5)
    assert a.count() == 10 and b.count() == 5
    assert all(i <= 5 for i, _ in b.search(unit_rows(1, dim=8)[0], 10, fast=False))
    store.drop_model("model-a")
    assert [m["model"] for m in store.models()] == ["model/b 'quoted'"]
    store.close()


@pytest.mark.parametrize(("model", "dim", "backend"), [("all-MiniLM-L6-v2", 384, "vec"),
                                                       ("/tmp/x/my model", 768, "vss"),
                                                       ("'; DROP TABLE x; --", 3, "vec")])
def test_table_names_are_safe_identifiers(model: str, dim: int, backend: str) -> None:
    name = table_name(model, dim, backend)
    assert name.replace("_", "").isalnum() and name.startswith(backend) and name.endswith(str(dim))


def test_fast_index_refreshes_incrementally_and_after_a_full_drop(settings: Settings) -> None:
    store = open_store(settings)
    index = store.prepare("m", DIM)
    first = unit_rows(100, seed=11)
    index.add(np.arange(1, 101), first, ["s"] * 100)
    query = first[42]
    assert index.search(query, 1, fast=True)[0][0] == 43
    warm = fastpath._FAST[(store.path, "m")]
    index.add(np.array([500]), query[None, :], ["s"])  # an exact copy of the query
    got = index.search(query, 2, fast=True)
    assert {i for i, _ in got} == {43, 500}
    assert fastpath._FAST[(store.path, "m")] is warm and len(warm.ids) == 101  # appended in place
    store.drop_model("m")
    index = store.prepare("m", DIM)
    index.add(np.array([7]), first[:1], ["s"])
    assert [i for i, _ in index.search(query, 5, fast=True)] == [7]
    store.close()


@pytest.mark.parametrize("k", [1, 10, 50])
def test_fast_path_recall_on_clustered_vectors(k: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bit codes + exact re-scoring keep recall on embedding-like (clustered) data."""
    monkeypatch.setattr(fastpath, "EXACT_SUBSET_MAX", 0)  # force the Hamming path on a small set
    monkeypatch.setattr(fastpath, "RERANK_MIN", 200)
    matrix = unit_rows(5000, dim=64, seed=12, clusters=40)
    ids = np.arange(1, 5001, dtype=np.int64)
    index = FastIndex()
    index.append(ids, matrix, 5000)
    recalls = []
    for seed in range(20):
        near = matrix[seed * 97] + 0.03 * np.random.default_rng(seed).normal(size=64)
        query = (near / np.linalg.norm(near)).astype(np.float32)
        got = {i for i, _ in index.search(query, k)}
        recalls.append(len(got & set(oracle(matrix, ids, query, k))) / k)
    assert np.mean(recalls) >= 0.9
    within = ids[::3]
    query = matrix[30]
    got_within = index.search(query, k, within)
    assert {i for i, _ in got_within} <= set(within.tolist())
