"""The fast path for vector search: one model's vectors on disk, memory-mapped, one row per text.

A search in a fresh process must not load a million vectors from SQLite first, so the fast
path lives in files beside the vector store (`vectors.db.fast/<table>/`) that a search maps
into memory: only the pages a query touches are read, and the page cache keeps them warm for
the next process.

- One row per distinct text (by the `text_sha1` the store keeps): ten messages saying "see you"
  are one row, so they cannot fill a top 10, and a million messages of chat need far fewer
  rows. `members` maps each row back to its messages.
- A projection onto the store's 64 leading directions (from an SVD of a sample of its rows)
  picks candidates with one small matrix product; the candidates are re-scored exactly from
  the float32 vectors. (1-bit sign codes, tried first, needed a fifth of the rows to keep the
  true top 10 of e5 queries: e5's vectors share one strong direction, and a question's signs
  differ from its answer's.)
- Coarse cells for unfiltered searches of large stores: the projected rows are grouped by
  spherical k-means (about 1,000 rows a cell), each cell's projected rows copied together in
  cell order. A query scores the cells' centres and scans only the projected rows of the
  nearest cells (a few contiguous runs) for its candidates, instead of every projected row.
  Rows appended after the cells were made are scanned whole until the next calibration.
- The number of candidates and of probed cells are calibrated on natural-language queries
  (`calibration.txt`, in five languages, embedded with the model's query encoder), never on
  stored vectors, which sit closer to their neighbours than real questions do. Where the
  projection would need more than 5% of the rows, filtered searches scan exactly.

Files of a snapshot (`v-<id>/`): `vectors.f32` grows by appending, and so does the projected
copy `reduced.<p>.f32` (rewritten, with its `projection.<p>.f32` and the cells'
`centres.<p>.f32`, `cellreduced.<p>.f32`, `cellrows.<p>.cell` and `celloffsets.<p>.cell`,
whenever the store is calibrated again); the message maps are rewritten per refresh
(`*.<seq>.i64`). `current.json` names the snapshot, the counts and the sequences: a reader
trusts only what it names, so an append under way is invisible.
Writers hold `lock` (an advisory file lock). Pure numpy and files: the rows come from
`toolkit.store.vectors` through the caller.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.fsutil import ensure_private_dir

RERANK_MIN = 200  # candidates from the Hamming scan re-scored exactly, at least
RERANK_PER_K = 20  # ... and at least this many per requested hit
CALIBRATION_RECALL = 0.995  # mean recall@10 on the calibration queries the count must reach
CALIBRATION_MARGIN = 1.25  # then this much more: the calibration queries are a sample
RECALIBRATE_GROWTH = 1.25  # re-calibrate when the rows grew by this factor since the last time
EXACT_IF_RERANK_ABOVE = 0.05  # share of rows: gathering more candidates costs more than a scan
EXACT_MAX = 20_000  # an index (or a filter's subset) this small is scanned exactly
FORMAT = 4  # bump when the files change shape: older snapshots are rebuilt
REDUCED_DIMS = 64  # leading directions the candidates are picked in
PROJECTION_SAMPLE = 20_000  # rows the projection's SVD is computed from
CELL_ROWS = 1_000  # rows per coarse cell, about: 1M rows make 1,000 cells
CELLS_MIN = 16  # fewer cells than this are not worth probing: the projected scan covers all rows
KMEANS_SAMPLE_PER_CELL = 40  # rows per cell the cells' centres are fitted on
KMEANS_ROUNDS = 8
PROBE_GRID = (4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)  # cells probed, tried in turn
# Re-scoring one candidate (a scattered 1.5 KB row) costs about as much as scanning this many
# projected rows (256 B, in order): 3 us against 61 ns at load 6 (1M rows, this machine).
GATHER_COST = 50.0

# (message ids, text sha1s, vectors) of the `embeddings` rows after a rowid, in rowid order
RowLoader = Callable[[int], tuple[np.ndarray, list[str], np.ndarray]]
QueryVectors = Callable[[], np.ndarray]  # the calibration queries, embedded


@dataclass
class Meta:
    """What `current.json` says about a snapshot: the only truth a reader uses."""

    format: int
    model: str
    dim: int
    generation: str
    snapshot: str
    seq: int = 0
    rows: int = 0  # distinct texts (rows of vectors.f32)
    messages: int = 0
    max_rowid: int = 0  # the newest `embeddings` rowid folded in
    projection: int = 0  # the sequence of the projection files; 0 = none yet (exact scans)
    rerank: int = RERANK_MIN
    exact: bool = True
    cells: int = 0  # coarse cells of the projection (same sequence); 0 = the projected scan covers all rows
    clustered_rows: int = 0  # rows filed in cells; rows appended since are scanned whole
    probe: int = 0  # cells probed per query
    cell_rerank: int = RERANK_MIN  # candidates from the probed cells re-scored exactly
    calibrated_rows: int = 0
    calibration: dict[str, Any] = field(default_factory=dict)


class FastIndex:
    """A read-only view of one snapshot, memory-mapped."""

    def __init__(self, folder: Path, meta: Meta):
        self.folder = folder
        self.meta = meta
        snap = folder / meta.snapshot
        self.vectors = mapped(snap / "vectors.f32", np.float32, (meta.rows, meta.dim))
        self.basis: np.ndarray | None = None
        self.reduced: np.ndarray | None = None
        if meta.projection:
            self.basis = np.fromfile(snap / f"projection.{meta.projection}.f32", dtype=np.float32
                                     ).reshape(REDUCED_DIMS, meta.dim)
            self.reduced = mapped(snap / f"reduced.{meta.projection}.f32", np.float32,
                                  (meta.rows, REDUCED_DIMS))
        self.cells: Cells | None = Cells.open(snap, meta) if meta.projection and meta.cells else None
        self.message_ids = mapped(snap / f"message_ids.{meta.seq}.i64", np.int64, (meta.messages,))
        self.message_rows = mapped(snap / f"message_rows.{meta.seq}.i64", np.int64, (meta.messages,))
        self.members = mapped(snap / f"members.{meta.seq}.i64", np.int64, (meta.messages,))
        self.offsets = mapped(snap / f"offsets.{meta.seq}.i64", np.int64, (meta.rows + 1,))

    @property
    def rows(self) -> int:
        return self.meta.rows

    def rows_of(self, message_ids: np.ndarray) -> np.ndarray:
        """The row of each message id (-1 where the message has no vector)."""
        ids = np.asarray(message_ids, dtype=np.int64)
        if not len(self.message_ids) or not len(ids):
            return np.full(len(ids), -1, dtype=np.int64)
        where = np.clip(np.searchsorted(self.message_ids, ids), 0, len(self.message_ids) - 1)
        found = self.message_ids[where] == ids
        return np.where(found, self.message_rows[where], -1)

    def members_of(self, row: int) -> np.ndarray:
        """The message ids whose text is this row's, ascending."""
        return np.asarray(self.members[self.offsets[row] : self.offsets[row + 1]])

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top `k` (row, cosine) for a normalised query, optionally among `rows`."""
        if self.rows == 0 or k <= 0:
            return []
        if rows is not None:
            rows = np.unique(rows[rows >= 0])
            if len(rows) <= EXACT_MAX or self.meta.exact or self.reduced is None:
                return top_k(rows, self.vectors[rows] @ query, k)
            return self.approximate(query, k, rows)
        if self.rows <= EXACT_MAX or self.reduced is None or (self.meta.exact and self.cells is None):
            return top_k(np.arange(self.rows), np.asarray(self.vectors @ query), k)
        return self.approximate(query, k, None)

    def approximate(self, query: np.ndarray, k: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
        """Without a filter and with cells: exact scores over the nearest cells (plus the rows
        appended since they were made). Otherwise: scores in the projected space, then exact
        re-scoring of the best candidates."""
        assert self.reduced is not None and self.basis is not None
        small = self.basis @ query
        if rows is None and self.cells is not None:
            found, rough = self.cells.probe(small, self.meta.probe)
            tail = self.meta.clustered_rows
            if tail < self.rows:  # appended since the cells were made: scanned whole
                found = np.concatenate([found, np.arange(tail, self.rows, dtype=np.int64)])
                rough = np.concatenate([rough, np.asarray(self.reduced[tail:] @ small)])
            return self.rescore(query, found, rough, k, self.meta.cell_rerank)
        every = np.arange(self.rows, dtype=np.int64)
        if rows is None:
            return self.rescore(query, every, np.asarray(self.reduced @ small), k)
        return self.rescore(query, rows, np.asarray(self.reduced[rows] @ small), k)

    def rescore(self, query: np.ndarray, rows: np.ndarray, rough: np.ndarray, k: int,
                keep: int | None = None) -> list[tuple[int, float]]:
        """The best `keep` (by default `meta.rerank`) of `rows` by their projected scores,
        re-scored exactly (all of them when the projection was found to need too many)."""
        wanted = min(len(rough), max(keep or self.meta.rerank, RERANK_PER_K * k))
        if self.meta.exact and keep is None:
            wanted = len(rough)
        if not wanted:
            return []
        cand = np.argpartition(-rough, wanted - 1)[:wanted] if wanted < len(rough) else np.arange(len(rough))
        cand = np.sort(rows[cand])  # ascending: the mapped pages in order
        return top_k(cand, self.vectors[cand] @ query, k)


class Cells:
    """Coarse cells (spherical k-means over the projected rows): each cell's rows and their
    projected copies lie together in cell order, so probing a few cells reads a few runs."""

    def __init__(self, centres: np.ndarray, offsets: np.ndarray, rows: np.ndarray, reduced: np.ndarray):
        self.centres = centres  # cells x REDUCED_DIMS, unit length
        self.offsets = offsets  # cells + 1: cell c holds positions offsets[c]:offsets[c + 1]
        self.rows = rows  # the row at each position
        self.reduced = reduced  # the projected row at each position

    @classmethod
    def open(cls, snap: Path, meta: Meta) -> Cells:
        seq = meta.projection
        centres = np.fromfile(snap / f"centres.{seq}.f32", dtype=np.float32).reshape(meta.cells, REDUCED_DIMS)
        offsets = np.fromfile(snap / f"celloffsets.{seq}.cell", dtype=np.int64)
        return cls(centres, offsets, mapped(snap / f"cellrows.{seq}.cell", np.int64, (meta.clustered_rows,)),
                   mapped(snap / f"cellreduced.{seq}.f32", np.float32, (meta.clustered_rows, REDUCED_DIMS)))

    def probe(self, small: np.ndarray, probe: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, projected scores) of the rows filed in the nearest `probe` cells."""
        scores = self.centres @ small
        if probe < len(scores):
            chosen = np.sort(np.argpartition(-scores, probe - 1)[:probe])
        else:
            chosen = np.arange(len(scores))
        spans = [(int(self.offsets[c]), int(self.offsets[c + 1])) for c in chosen]
        spans = [(a, b) for a, b in spans if b > a]
        if not spans:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.concatenate([self.rows[a:b] for a, b in spans])
        rough = np.concatenate([self.reduced[a:b] for a, b in spans]) @ small
        return rows, rough


# ----------------------------------------------------------------------------- helpers


def top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The `k` best (id, score), best first, ties broken by the smaller id."""
    scores = np.asarray(scores)
    if len(scores) == 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    best = part[np.lexsort((ids[part], -scores[part]))]
    return [(int(ids[i]), float(scores[i])) for i in best]


def mapped(path: Path, dtype: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A read-only memory map of the first `shape` items of `path` (empty arrays need no file)."""
    if int(np.prod(shape)) == 0:
        return np.zeros(shape, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=shape)


def folder_for(vdb_path: str, table: str) -> Path:
    return Path(f"{vdb_path}.fast") / table


def read_meta(folder: Path) -> Meta | None:
    try:
        data = json.loads((folder / "current.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if data.get("format") != FORMAT:
        return None
    return Meta(**data)


def write_meta(folder: Path, meta: Meta) -> None:
    """Replace current.json atomically: readers see the old snapshot or the new, never half."""
    tmp = folder / f"current.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(asdict(meta)), encoding="utf-8")
    os.replace(tmp, folder / "current.json")


@contextlib.contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """One writer at a time per index (an advisory lock; readers never wait)."""
    import fcntl

    ensure_private_dir(folder)  # owner-only, like the store it copies
    with open(folder / "lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ----------------------------------------------------------------------------- building


def is_current(meta: Meta | None, generation: str, max_rowid: int) -> bool:
    """Whether the files hold exactly the store's rows: same generation, same newest rowid (a
    store restored from an older backup has fewer)."""
    return meta is not None and meta.generation == generation and meta.max_rowid == max_rowid


_OPENED: dict[Path, FastIndex] = {}  # this process's open views, reused while current.json holds


def open_index(folder: Path, generation: str, max_rowid: int) -> FastIndex | None:
    """The snapshot in `folder` if it is up to date with the store, else None.

    The view of an unchanged snapshot is kept between searches of a process: its maps stay
    open and their pages stay mapped.
    """
    meta = read_meta(folder)
    if not is_current(meta, generation, max_rowid):
        return None
    assert meta is not None
    cached = _OPENED.get(folder)
    if cached is None or cached.meta != meta:
        cached = _OPENED[folder] = FastIndex(folder, meta)
    return cached


def refresh(
    folder: Path, model: str, dim: int, generation: str, max_rowid: int, load_rows: RowLoader,
    queries: QueryVectors | None,
) -> FastIndex:
    """Bring the snapshot up to date: append new rows, or rebuild when the generation changed."""
    with writer_lock(folder):
        meta = read_meta(folder)
        if is_current(meta, generation, max_rowid):
            assert meta is not None
            return FastIndex(folder, meta)
        if meta is None or meta.generation != generation or meta.dim != dim or meta.max_rowid > max_rowid:
            meta = Meta(FORMAT, model, dim, generation, f"v-{uuid.uuid4().hex[:12]}")
            ensure_private_dir(folder / meta.snapshot)
        appended = append_rows(folder, meta, load_rows(meta.max_rowid), max_rowid)
        if appended.rows > EXACT_MAX and queries is not None and (
            not appended.calibrated_rows or appended.rows >= appended.calibrated_rows * RECALIBRATE_GROWTH
        ):
            calibrate(FastIndex(folder, appended), appended, queries())
        write_meta(folder, appended)
        prune(folder, appended)
        return FastIndex(folder, appended)


def append_rows(
    folder: Path, meta: Meta, loaded: tuple[np.ndarray, list[str], np.ndarray], max_rowid: int
) -> Meta:
    """Fold new `embeddings` rows in: new texts become rows, every message joins its text's row."""
    ids, shas, matrix = loaded
    snap = folder / meta.snapshot
    new = Meta(**asdict(meta))
    new.max_rowid = max_rowid
    shas_path = snap / "shas.txt"
    known: dict[str, int] = {}
    if meta.rows:
        with open(shas_path, encoding="ascii") as handle:
            known = {line.strip(): i for i, line in zip(range(meta.rows), handle, strict=False)}
    fresh_rows: list[int] = []
    fresh_shas: list[str] = []
    row_of = np.empty(len(ids), dtype=np.int64)
    for n, sha in enumerate(map(text_key, shas)):
        row = known.get(sha)
        if row is None:
            row = known[sha] = meta.rows + len(fresh_rows)
            fresh_rows.append(n)
            fresh_shas.append(sha)
        row_of[n] = row
    if fresh_rows:
        vectors = np.ascontiguousarray(matrix[fresh_rows], dtype=np.float32)
        append_bytes(snap / "vectors.f32", meta.rows * meta.dim * 4, vectors.tobytes())
        if meta.projection:
            # New rows use the current projection; the next calibration recomputes it.
            basis = np.fromfile(snap / f"projection.{meta.projection}.f32", dtype=np.float32)
            reduced = vectors @ basis.reshape(REDUCED_DIMS, meta.dim).T
            append_bytes(snap / f"reduced.{meta.projection}.f32", meta.rows * REDUCED_DIMS * 4,
                         np.ascontiguousarray(reduced, dtype=np.float32).tobytes())
        with open(shas_path, "a", encoding="ascii") as handle:
            handle.truncate(meta.rows * 41)  # 40 hex digits and a newline each
            handle.seek(meta.rows * 41)
            handle.write("".join(f"{s}\n" for s in fresh_shas))
    new.rows = meta.rows + len(fresh_rows)
    write_message_maps(snap, meta, new, ids, row_of)
    return new


def text_key(sha: str) -> str:
    """The 40-hex-digit key of a text (the store's sha1; anything else is hashed to one)."""
    if len(sha) == 40 and all(c in "0123456789abcdef" for c in sha):
        return sha
    return hashlib.sha1(sha.encode("utf-8")).hexdigest()


def append_bytes(path: Path, keep: int, data: bytes) -> None:
    """Append after the first `keep` bytes (dropping what an interrupted append left behind)."""
    with open(path, "ab") as handle:
        handle.truncate(keep)
        handle.seek(keep)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_message_maps(snap: Path, old: Meta, new: Meta, ids: np.ndarray, rows: np.ndarray) -> None:
    """Rewrite message -> row (sorted by message) and row -> messages (CSR) under a new sequence."""
    if old.messages:
        before = FastIndex(snap.parent, old)
        all_ids = np.concatenate([np.asarray(before.message_ids), ids])
        all_rows = np.concatenate([np.asarray(before.message_rows), rows])
    else:
        all_ids, all_rows = ids, rows
    order = np.argsort(all_ids, kind="stable")
    all_ids, all_rows = all_ids[order], all_rows[order]
    keep = np.ones(len(all_ids), dtype=bool)
    keep[1:] = all_ids[1:] != all_ids[:-1]  # a message re-added keeps one row
    all_ids, all_rows = all_ids[keep], all_rows[keep]
    by_row = np.lexsort((all_ids, all_rows))
    offsets = np.zeros(new.rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_rows, minlength=new.rows), out=offsets[1:])
    new.seq = old.seq + 1
    new.messages = len(all_ids)
    for name, array in (("message_ids", all_ids), ("message_rows", all_rows),
                        ("members", all_ids[by_row]), ("offsets", offsets)):
        array.astype(np.int64).tofile(snap / f"{name}.{new.seq}.i64")


def prune(folder: Path, meta: Meta) -> None:
    """Remove other snapshots and older message maps (open maps stay valid until closed)."""
    for path in folder.iterdir():
        if path.is_dir() and path.name.startswith("v-") and path.name != meta.snapshot:
            shutil.rmtree(path, ignore_errors=True)
    for pattern, keep in (("*.i64", meta.seq), ("reduced.*.f32", meta.projection),
                          ("projection.*.f32", meta.projection), ("centres.*.f32", meta.projection),
                          ("cellreduced.*.f32", meta.projection), ("*.cell", meta.projection)):
        for path in (folder / meta.snapshot).glob(pattern):
            if path.name.split(".")[1] != str(keep):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


def drop(vdb_path: str, table: str) -> None:
    """Forget a model's fast path (its vectors were dropped)."""
    shutil.rmtree(folder_for(vdb_path, table), ignore_errors=True)


# ----------------------------------------------------------------------------- calibration


def calibrate(index: FastIndex, meta: Meta, queries: np.ndarray) -> None:
    """Project the rows anew and file them in cells, then size the searches so the mean
    recall@10 of natural queries reaches CALIBRATION_RECALL, each with a margin.

    For each query, the exact top 10 (a row tied with the 10th score counts as found) and the
    rank of each of its rows among the projected scores give the recall at every candidate
    count: over every row (filtered searches; when that needs more than 5% of the rows, they
    scan exactly) and over the rows of the nearest cells, for each probe count of a grid. Of
    the (cells, candidates) pairs that reach the target, the cheapest is kept: rows scanned in
    the projection plus GATHER_COST per candidate re-scored.
    """
    project(index, meta)
    cluster(index, meta)
    index = FastIndex(index.folder, meta)
    queries = np.asarray(queries, dtype=np.float32)
    grid = probe_grid(meta.cells)
    needed: dict[int, list[np.ndarray]] = {p: [] for p in grid}
    scanned: dict[int, list[int]] = {p: [] for p in grid}
    for start in range(0, len(queries), 16):  # 16 queries per pass over the rows bounds memory
        chunk = queries[start : start + 16]
        scores = np.asarray(index.vectors @ chunk.T).T
        assert index.reduced is not None and index.basis is not None
        smalls = (index.basis @ chunk.T).T
        rough = np.asarray(index.reduced @ smalls.T).T
        for exact, approx, small in zip(scores, rough, smalls, strict=True):
            for probe, (ranks, rows) in probed_ranks(index, exact, approx, small, grid).items():
                needed[probe].append(ranks)
                scanned[probe].append(rows)
    reaches = {probe: candidates_for(np.asarray(needed[probe]), CALIBRATION_RECALL) for probe in grid}
    every = reaches[grid[-1]] or index.rows  # every cell probed: every row scanned
    meta.rerank = max(RERANK_MIN, int(every * CALIBRATION_MARGIN))
    meta.exact = meta.rerank > EXACT_IF_RERANK_ABOVE * index.rows
    costs = {probe: float(np.mean(scanned[probe])) + GATHER_COST * reach
             for probe, reach in reaches.items() if reach is not None}
    best = min(costs, key=lambda probe: costs[probe]) if costs else grid[-1]
    if not meta.cells or best == grid[-1]:  # probing every cell gains nothing over the plain scan
        meta.cells = meta.probe = 0
    else:
        meta.probe = min(meta.cells, math.ceil(best * CALIBRATION_MARGIN))
        meta.cell_rerank = max(RERANK_MIN, int((reaches[best] or 0) * CALIBRATION_MARGIN))
    meta.calibrated_rows = index.rows
    meta.calibration = {"queries": len(queries), "target_recall": CALIBRATION_RECALL,
                        "candidates_at_target": int(every), "margin": CALIBRATION_MARGIN,
                        "projected_dims": REDUCED_DIMS, "cells": meta.cells,
                        "cells_at_target": best if meta.cells else 0,
                        "cell_candidates_at_target": reaches.get(best) if meta.cells else 0}


def probe_grid(cells: int) -> list[int]:
    """The probe counts the calibration tries, the last one every cell (0: there are none)."""
    return [p for p in PROBE_GRID if p < cells] + [cells]


def probed_ranks(index: FastIndex, exact: np.ndarray, approx: np.ndarray, small: np.ndarray,
                 grid: list[int]) -> dict[int, tuple[np.ndarray, int]]:
    """Per probe count: the candidates needed for each row of the exact top 10 (a row outside
    the probed cells cannot be found: it would need more than every row) and the rows scanned."""
    cells = index.cells
    if cells is None:
        return {grid[-1]: (needed_ranks(exact, approx), index.rows)}
    ranked = np.argsort(-(cells.centres @ small), kind="stable")
    order_of_cell = np.empty(len(ranked), dtype=np.int64)
    order_of_cell[ranked] = np.arange(len(ranked))
    sizes = np.diff(cells.offsets)
    cell_rank = np.full(index.rows, -1, dtype=np.int64)  # rows appended since: always scanned
    cell_rank[np.asarray(cells.rows)] = np.repeat(order_of_cell, sizes)
    floor = np.partition(exact, len(exact) - 10)[len(exact) - 10] - 1e-6
    top = np.flatnonzero(exact >= floor)
    by_score = np.argsort(-approx, kind="stable")
    position = np.empty(index.rows, dtype=np.int64)
    position[by_score] = np.arange(index.rows)
    ranks_sorted = cell_rank[by_score[: int(position[top].max()) + 1]]
    tail = index.rows - len(cells.rows)
    scanned = np.concatenate([[0], np.cumsum(sizes[ranked])]) + tail
    found: dict[int, tuple[np.ndarray, int]] = {}
    for probe in grid:
        before = np.cumsum(ranks_sorted < probe)  # probed rows at or above each projected rank
        ranks = np.where(cell_rank[top] < probe, before[position[top]], index.rows + 1)
        found[probe] = (np.sort(ranks)[:10], int(scanned[min(probe, len(sizes))]))
    return found


def candidates_for(needed: np.ndarray, target: float) -> int | None:
    """The smallest count at which the mean share of found rows reaches `target`."""
    counts = np.unique(needed)
    recall = np.array([(needed <= c).mean() for c in counts])
    enough = recall >= target
    return int(counts[np.argmax(enough)]) if enough.any() else None


def cluster(index: FastIndex, meta: Meta) -> None:
    """File the projected rows in about rows / CELL_ROWS cells (spherical k-means on a sample),
    each cell's rows written together, under the projection's sequence."""
    cells = index.rows // CELL_ROWS
    meta.cells = meta.clustered_rows = meta.probe = 0
    if cells < CELLS_MIN:
        return
    snap = index.folder / meta.snapshot
    reduced = mapped(snap / f"reduced.{meta.projection}.f32", np.float32, (index.rows, REDUCED_DIMS))
    rng = np.random.default_rng(meta.projection)
    sample = np.sort(rng.choice(index.rows, min(index.rows, cells * KMEANS_SAMPLE_PER_CELL), replace=False))
    points = unit(np.asarray(reduced[sample]))
    centres = points[rng.choice(len(points), cells, replace=False)]
    for _ in range(KMEANS_ROUNDS):
        owner = nearest_centre(points, centres)
        counts = np.bincount(owner, minlength=cells)
        sums = np.zeros_like(centres)
        order = np.argsort(owner, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        sums[counts > 0] = np.add.reduceat(points[order], starts[counts > 0], axis=0)
        empty = counts == 0
        sums[empty] = points[rng.choice(len(points), int(empty.sum()), replace=False)]
        centres = unit(sums)
    owner = nearest_centre(reduced, centres)
    order = np.argsort(owner, kind="stable")
    offsets = np.zeros(cells + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=cells), out=offsets[1:])
    seq = meta.projection
    centres.astype(np.float32).tofile(snap / f"centres.{seq}.f32")
    offsets.tofile(snap / f"celloffsets.{seq}.cell")
    order.astype(np.int64).tofile(snap / f"cellrows.{seq}.cell")
    with open(snap / f"cellreduced.{seq}.f32", "wb") as out:
        for s in range(0, index.rows, 100_000):
            out.write(np.ascontiguousarray(reduced[order[s : s + 100_000]], dtype=np.float32).tobytes())
    meta.cells, meta.clustered_rows = cells, index.rows


def nearest_centre(points: np.ndarray, centres: np.ndarray, step: int = 20_000) -> np.ndarray:
    """The index of each point's most similar centre (in steps that bound the score matrix)."""
    return np.concatenate([np.argmax(np.asarray(points[s : s + step]) @ centres.T, axis=1)
                           for s in range(0, len(points), step)])


def unit(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1)).astype(np.float32)


def project(index: FastIndex, meta: Meta) -> None:
    """The store's leading directions (SVD of an even sample of rows) and every row projected
    onto them, written under a new projection sequence."""
    snap = index.folder / meta.snapshot
    sample = np.unique(np.linspace(0, index.rows - 1, min(index.rows, PROJECTION_SAMPLE)).astype(np.int64))
    _, _, vt = np.linalg.svd(np.asarray(index.vectors[sample], dtype=np.float64), full_matrices=False)
    basis = np.ascontiguousarray(vt[:REDUCED_DIMS], dtype=np.float32)
    if basis.shape[0] < REDUCED_DIMS:  # fewer rows than directions: pad with zeros
        basis = np.vstack([basis, np.zeros((REDUCED_DIMS - basis.shape[0], meta.dim), dtype=np.float32)])
    sequence = meta.projection + 1
    basis.tofile(snap / f"projection.{sequence}.f32")
    with open(snap / f"reduced.{sequence}.f32", "wb") as out:
        for start in range(0, index.rows, 100_000):
            part = np.asarray(index.vectors[start : start + 100_000]) @ basis.T
            out.write(np.ascontiguousarray(part, dtype=np.float32).tobytes())
    meta.projection = sequence


def needed_ranks(exact: np.ndarray, approx: np.ndarray) -> np.ndarray:
    """For the exact top 10 of one query, the candidates the projected scores need to include
    each: every row scoring at least as high in the projection (ties may land either side)."""
    floor = np.partition(exact, len(exact) - 10)[len(exact) - 10] - 1e-6
    top = np.flatnonzero(exact >= floor)
    ordered = np.sort(approx)
    ranks = len(approx) - np.searchsorted(ordered, approx[top], side="left")
    return np.sort(ranks)[:10]
