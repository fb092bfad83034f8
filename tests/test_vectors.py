"""The vector store: both SQLite backends and the numpy fast path against a brute-force oracle."""

from __future__ import annotations

import struct
from pathlib import Path

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


def test_fast_path_appends_in_place_and_rebuilds_after_a_drop(settings: Settings) -> None:
    store = open_store(settings)
    index = store.prepare("m", DIM)
    first = unit_rows(100, seed=11)
    index.add(np.arange(1, 101), first, [f"s{i}" for i in range(100)])
    query = first[42]
    assert index.search(query, 1)[0][0] == 43
    before = index.fast_index().meta
    index.add(np.array([500]), query[None, :], ["fresh"])  # an exact copy of the query, another text
    got = index.search(query, 2)
    assert {i for i, _ in got} == {43, 500}
    after = index.fast_index().meta
    assert after.snapshot == before.snapshot and after.rows == 101  # appended, not rebuilt
    store.drop_model("m")
    assert not fastpath.folder_for(store.path, index.table).exists()
    index = store.prepare("m", DIM)
    index.add(np.array([7]), first[:1], ["s0"])
    assert [i for i, _ in index.search(query, 5)] == [7]
    store.close()


def test_identical_texts_are_one_row_named_by_their_newest_message(settings: Settings) -> None:
    """Ten messages of one text cannot fill a top 10: one row, every message a member."""
    store = open_store(settings)
    index = store.prepare("m", DIM)
    rows = unit_rows(20, seed=21)
    same = np.repeat(rows[:1], 10, axis=0)
    index.add(np.arange(1, 11), same, ["see you"] * 10)
    index.add(np.arange(11, 30), rows[1:], [f"t{i}" for i in range(1, 20)])
    got = index.search(rows[0], 10)
    assert len(got) == 10 and len({i for i, _ in got}) == 10
    assert got[0][0] == 10  # the newest of the ten copies stands for them
    assert index.search(rows[0], 1, within=np.array([3, 4, 12]))[0][0] == 4  # newest allowed copy
    assert index.duplicates_of([5])[5].tolist() == list(range(1, 11))
    assert index.fast_index().rows == 20
    store.close()


def test_fast_path_files_survive_the_process_and_ignore_a_torn_append(settings: Settings) -> None:
    """A reader trusts only what current.json names: bytes an interrupted append left are
    invisible, and the next append writes over them."""
    store = open_store(settings)
    index = store.prepare("m", DIM)
    rows = unit_rows(50, seed=5)
    index.add(np.arange(1, 51), rows, [f"t{i}" for i in range(50)])
    meta = index.fast_index().meta
    folder = fastpath.folder_for(store.path, index.table)
    with open(folder / meta.snapshot / "vectors.f32", "ab") as torn:
        torn.write(b"\xff" * (DIM * 4 * 3 + 5))
    reread = FastIndex(folder, fastpath.read_meta(folder))  # as a fresh process would
    assert reread.search(rows[7], 1)[0][0] == 7
    index.add(np.array([60]), rows[7:8] * -1.0, ["opposite"])
    assert index.search(rows[7] * -1.0, 1)[0][0] == 60
    size = (folder / meta.snapshot / "vectors.f32").stat().st_size
    assert size == 51 * DIM * 4
    store.close()


def clustered_loader(matrix: np.ndarray):
    ids = np.arange(1, len(matrix) + 1, dtype=np.int64)
    return lambda after: (ids[after:], [f"t{i}" for i in ids[after:]], matrix[after:])


def test_calibration_on_held_out_queries_reaches_its_recall(tmp_path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Calibrated on one set of natural-like queries, the Hamming path keeps recall@10 on another."""
    monkeypatch.setattr(fastpath, "EXACT_MAX", 0)  # the Hamming path on a small set
    matrix = unit_rows(6000, dim=128, seed=12, clusters=200)

    def queries(seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        near = matrix[rng.integers(0, len(matrix), 40)] + 0.1 * rng.normal(size=(40, 128))
        return (near / np.linalg.norm(near, axis=1, keepdims=True)).astype(np.float32)

    index = fastpath.refresh(tmp_path / "idx", "m", 128, "g1", len(matrix), clustered_loader(matrix),
                             lambda: queries(1))
    assert index.meta.calibration["queries"] == 40 and not index.meta.exact
    assert fastpath.RERANK_MIN <= index.meta.rerank < len(matrix)
    ids = np.arange(1, len(matrix) + 1)
    recalls = []
    for query in queries(2):  # held out: never seen by the calibration
        exact = matrix @ query
        floor = np.sort(exact)[-10] - 1e-6
        got = [row for row, _ in index.search(query, 10)]
        recalls.append(np.mean([exact[row] >= floor for row in got]))
        assert set(got) <= set(range(len(ids)))
    assert np.mean(recalls) >= 0.97


@pytest.mark.parametrize("k", [1, 10, 50])
def test_fast_path_filters_stay_inside_the_allowed_rows(tmp_path, k: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "EXACT_MAX", 0)
    matrix = unit_rows(3000, dim=64, seed=3, clusters=20)
    index = fastpath.refresh(tmp_path / "idx", "m", 64, "g", len(matrix), clustered_loader(matrix),
                             lambda: matrix[:30])
    allowed = np.arange(0, len(matrix), 3)
    got = index.search(matrix[30], k, allowed)
    assert len(got) == k and {row for row, _ in got} <= set(allowed.tolist())


def test_a_store_with_fewer_rows_than_the_files_is_rebuilt(settings: Settings) -> None:
    """A vector store restored from an older backup keeps its generation but has fewer rows:
    the fast path's files must not answer with vectors the store no longer has."""
    store = open_store(settings)
    index = store.prepare("m", DIM)
    rows = unit_rows(50, seed=9)
    index.add(np.arange(1, 51), rows, [f"t{i}" for i in range(50)])
    assert index.search(rows[45], 1)[0][0] == 46
    store.conn.execute("DELETE FROM embeddings WHERE message_id > 40")  # as the older copy had it
    store.conn.commit()
    got = index.search(rows[45], 5)
    assert got and all(message <= 40 for message, _ in got)
    assert index.fast_index().rows == 40
    store.close()


def test_fast_path_files_are_private_whatever_the_umask(settings: Settings) -> None:
    """Chats are personal: the memory-mapped copies of their vectors are owner-only too, also
    when the library is used outside the CLI (which sets umask 077)."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        store = open_store(settings)
        index = store.prepare("m", DIM)
        index.add(np.arange(1, 11), unit_rows(10, seed=3), [f"t{i}" for i in range(10)])
        index.search(unit_rows(1, seed=4)[0], 3)
        root = Path(f"{store.path}.fast")
        store.close()
    finally:
        os.umask(old)
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    assert folders and all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders)
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files and {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == \
        {p.name: 0o600 for p in files}
