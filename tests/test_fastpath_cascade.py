"""The fast path's three stages (leading directions -> pool, tail -> candidates, exact scores):
recall against an exact scan, the pool cut, appends after calibration, older files rebuilt."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from toolkit.search import fastpath

DIM = 192  # more than the 128 projected directions, so the tail carries its own share


def clustered(n: int, seed: int, clusters: int = 300) -> np.ndarray:
    """Unit rows around centres, like embeddings of many texts on a few topics."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, DIM))
    rows = centres[rng.integers(0, clusters, n)] + 0.5 * rng.normal(size=(n, DIM))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def queries_near(matrix: np.ndarray, seed: int, n: int = 40) -> np.ndarray:
    """Questions near stored rows but not on them (as a question sits apart from its answer)."""
    rng = np.random.default_rng(seed)
    near = matrix[rng.integers(0, len(matrix), n)] + 0.3 * rng.normal(size=(n, DIM))
    return (near / np.linalg.norm(near, axis=1, keepdims=True)).astype(np.float32)


def loader(matrix: np.ndarray):
    ids = np.arange(1, len(matrix) + 1, dtype=np.int64)
    return lambda after: (ids[after:], [f"t{i}" for i in ids[after:]], matrix[after:])


def recall_at_10(index: fastpath.FastIndex, matrix: np.ndarray, query: np.ndarray,
                 rows: np.ndarray | None = None) -> float:
    """Share of the hits whose exact score reaches the exact 10th (ties are not punished)."""
    allowed = np.arange(len(matrix)) if rows is None else rows
    exact = matrix[allowed] @ query
    floor = np.sort(exact)[-10] - 1e-5
    got = index.search(query, 10, rows)
    assert len(got) == 10 and {row for row, _ in got} <= set(allowed.tolist())
    return float(np.mean([float(matrix[row] @ query) >= floor for row, _ in got]))


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[fastpath.FastIndex, np.ndarray]:
    monkeypatch.setattr(fastpath, "EXACT_MAX", 0)  # the staged path on a small store
    matrix = clustered(12_000, seed=4)
    index = fastpath.refresh(tmp_path / "idx", "m", DIM, "g", len(matrix), loader(matrix),
                             lambda: queries_near(matrix, seed=1))
    return index, matrix


@pytest.mark.parametrize(("n", "count"), [(1_000_000, 17_000), (50_000, 200), (9_000, 2_000), (300, 500)])
def test_the_pool_cut_is_the_exact_top_count(n: int, count: int) -> None:
    """The sampled floor only saves a partition: the rows kept are the `count` best."""
    scores = np.random.default_rng(n).normal(size=n).astype(np.float32)
    kept = fastpath.best_of(scores, count)
    assert len(kept) == min(n, count) and len(np.unique(kept)) == len(kept)
    assert np.array_equal(np.sort(scores[kept]), np.sort(scores)[-min(n, count):])


def test_an_unlucky_sample_falls_back_to_every_score() -> None:
    """Where the sampled scores are the highest, the floor lets too few through: all are cut."""
    scores = np.random.default_rng(3).random(200_000).astype(np.float32)
    count = 20_000
    step = count // 64
    scores[::step] += 10.0  # the sample sees only these, fewer than `count`
    kept = fastpath.best_of(scores, count)
    assert np.array_equal(np.sort(scores[kept]), np.sort(scores)[-count:])


def test_staged_search_keeps_recall_on_held_out_queries(built) -> None:
    """Calibrated on one set of questions, the pool and candidates hold the exact top 10 of
    another, for the whole store and for a filter's rows."""
    index, matrix = built
    meta = index.meta
    assert not meta.exact and meta.projection and meta.calibration["queries"] == 40
    assert fastpath.RERANK_MIN <= meta.rerank <= meta.pool < len(matrix)
    held_out = queries_near(matrix, seed=2)
    assert np.mean([recall_at_10(index, matrix, q) for q in held_out]) >= 0.97
    allowed = np.arange(0, len(matrix), 2)
    assert np.mean([recall_at_10(index, matrix, q, allowed) for q in held_out[:10]]) >= 0.97


def test_the_tail_narrows_the_pool_to_fewer_candidates(built) -> None:
    """The candidates re-scored exactly are fewer than the pool the leading directions keep."""
    index, _ = built
    assert index.meta.rerank < index.meta.pool
    assert index.tail is not None and index.tail.shape == (index.rows, fastpath.TAIL_DIMS)
    assert index.basis is not None
    assert np.abs(index.tail).sum() > 0  # directions 65-128 of a 192-d store carry scores


def test_rows_appended_after_calibration_are_projected_into_both_files(tmp_path: Path,
                                                                       built) -> None:
    index, matrix = built
    more = clustered(500, seed=9)
    grown = np.concatenate([matrix, more])
    again = fastpath.refresh(index.folder, "m", DIM, "g", len(grown), loader(grown), None)
    assert again.rows == len(grown) and again.meta.projection == index.meta.projection  # not re-projected
    snap = again.folder / again.meta.snapshot
    for name, width in (("reduced", fastpath.REDUCED_DIMS), ("tail", fastpath.TAIL_DIMS)):
        assert (snap / f"{name}.{again.meta.projection}.f32").stat().st_size == len(grown) * width * 4
    assert again.tail is not None and again.basis is not None
    assert np.allclose(again.tail[-500:], more @ again.basis[fastpath.REDUCED_DIMS:].T, atol=1e-5)
    assert again.search(more[123], 1)[0][0] == len(matrix) + 123


def test_files_of_an_older_format_are_rebuilt(built) -> None:
    """A snapshot written before the tail existed is not read: the next refresh builds anew."""
    index, matrix = built
    folder = index.folder
    meta = json.loads((folder / "current.json").read_text())
    old_snapshot = meta["snapshot"]
    meta["format"] = fastpath.FORMAT - 1
    meta.pop("pool")
    (folder / "current.json").write_text(json.dumps(meta))
    (folder / old_snapshot / f"tail.{meta['projection']}.f32").unlink()
    assert fastpath.read_meta(folder) is None
    assert fastpath.open_index(folder, "g", len(matrix)) is None
    fastpath._OPENED.clear()  # as a fresh process
    rebuilt = fastpath.refresh(folder, "m", DIM, "g", len(matrix), loader(matrix),
                               lambda: queries_near(matrix, seed=1))
    assert rebuilt.meta.format == fastpath.FORMAT and rebuilt.meta.snapshot != old_snapshot
    assert not (folder / old_snapshot).exists()
    assert rebuilt.search(matrix[77], 1)[0][0] == 77


def test_a_deeper_top_k_keeps_its_recall(built) -> None:
    """Counts sized for a top 10 are scaled for a top 50 (what a centred search asks for)."""
    index, matrix = built
    recalls = []
    for query in queries_near(matrix, seed=5, n=20):
        exact = matrix @ query
        floor = np.sort(exact)[-50] - 1e-5
        got = index.search(query, 50)
        assert len(got) == 50
        recalls.append(np.mean([float(matrix[row] @ query) >= floor for row, _ in got]))
    assert np.mean(recalls) >= 0.97


def test_ranks_within_a_pool_are_ranks_over_the_pool_alone() -> None:
    """Calibration ranks a query's exact top rows among its pool only; one outside needs all rows."""
    rng = np.random.default_rng(6)
    rows = 4_000
    positions = np.sort(rng.choice(rows, 600, replace=False))
    fine = rng.normal(size=600).astype(np.float32)
    top = np.concatenate([positions[[5, 77, 300]], np.setdiff1d(np.arange(20), positions)[:7]])
    everywhere = np.full(rows, -np.inf, dtype=np.float32)
    everywhere[positions] = fine  # the same ranks, from a score per row of the store
    ranks = fastpath.ranks_in_pool(positions, fine, top, rows)
    assert np.array_equal(ranks, fastpath.ranks_of(everywhere, top))
    assert (ranks == rows).sum() == 7
    assert ranks[0] == 1 + (fine > fine[[5, 77, 300]].max()).sum()
