"""The fast path for vector search: one model's vectors on disk, memory-mapped, one row per text.

A search in a fresh process must not load a million vectors from SQLite first, so the fast
path lives in files beside the vector store (`vectors.db.fast/<table>/`) that a search maps
into memory: only the pages a query touches are read, and the page cache keeps them warm for
the next process.

- One row per distinct text (by the `text_sha1` the store keeps): ten messages saying "see you"
  are one row, so they cannot fill a top 10, and a million messages of chat need far fewer
  rows. `members` maps each row back to its messages.
- Three stages, each reading fewer rows and more of each: every row's projection onto the
  store's 64 leading directions (from an SVD of a sample of its rows) picks a pool with one
  small matrix product; the pool is re-scored on the next 64 directions (`tail`), which keeps
  a few candidates; the candidates are re-scored exactly from the float32 vectors. The pool is
  cut from the scan's scores by a threshold taken from a strided sample of them, not a
  partition of every row. (1-bit sign codes, tried first, needed a fifth of the rows to keep
  the true top 10 of e5 queries: e5's vectors share one strong direction, and a question's
  signs differ from its answer's.)
- The pool and the candidates are sized on natural-language queries (`calibration.txt`, in
  five languages, embedded with the model's query encoder), never on stored vectors, which sit
  closer to their neighbours than real questions do. Where the candidates would be more than
  5% of the rows, searches scan exactly.

Files of a snapshot (`v-<id>/`): `vectors.f32` grows by appending, and so do the projected
copies `reduced.<p>.f32` (directions 1-64) and `tail.<p>.f32` (65-128), rewritten with their
`projection.<p>.f32` whenever the store is calibrated again; the message maps are rewritten
per refresh (`*.<seq>.i64`). `current.json` names the snapshot, the counts and the sequences:
a reader trusts only what it names, so an append under way is invisible.
Writers hold `lock` (an advisory file lock). Pure numpy and files: the rows come from
`toolkit.store.vectors` through the caller.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.fsutil import ensure_private_dir, owner_only_umask

RERANK_MIN = 200  # candidates re-scored exactly, at least
RERANK_PER_K = 20  # ... and at least this many per requested hit
CALIBRATION_RECALL = 0.995  # mean recall@10 on the calibration queries the counts must reach
CALIBRATION_MARGIN = 1.25  # then this many more candidates: the calibration queries are a sample
POOL_MARGINS = (2.0, 3.0, 4.0)  # pools this much larger than needed are tried: a larger pool
# can need fewer candidates, and a pool row costs a sixth of a candidate's reads (64 floats, 384)
RECALIBRATE_GROWTH = 1.25  # re-calibrate when the rows grew by this factor since the last time
EXACT_IF_RERANK_ABOVE = 0.05  # share of rows: gathering more candidates costs more than a scan
EXACT_MAX = 20_000  # an index (or a filter's subset) this small is scanned exactly
FORMAT = 4  # bump when the files change shape: older snapshots are rebuilt
REDUCED_DIMS = 64  # leading directions every row is scored in (the pool is picked by them)
TAIL_DIMS = 64  # the next directions, scored for the pool only (the candidates are picked by all)
PROJECTION_SAMPLE = 20_000  # rows the projection's SVD is computed from

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
    pool: int = RERANK_MIN  # rows kept by the scan of the leading directions
    rerank: int = RERANK_MIN  # of those, candidates kept by the tail's and re-scored exactly
    exact: bool = True
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
        self.tail: np.ndarray | None = None
        if meta.projection:
            self.basis = np.fromfile(snap / f"projection.{meta.projection}.f32", dtype=np.float32
                                     ).reshape(REDUCED_DIMS + TAIL_DIMS, meta.dim)
            self.reduced = mapped(snap / f"reduced.{meta.projection}.f32", np.float32,
                                  (meta.rows, REDUCED_DIMS))
            self.tail = mapped(snap / f"tail.{meta.projection}.f32", np.float32, (meta.rows, TAIL_DIMS))
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
        if self.rows <= EXACT_MAX or self.meta.exact or self.reduced is None:
            return top_k(np.arange(self.rows), np.asarray(self.vectors @ query), k)
        return self.approximate(query, k, None)

    def approximate(self, query: np.ndarray, k: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
        """The pool by the leading directions, the candidates by the tail's too, then exact scores."""
        small = dot_rows(self.basis, query) if self.basis is not None else query
        # Sized for a top 10; a deeper top k needs more of both (at 1M rows, recall@50 0.989 with
        # the top 10's counts, 0.996 with twice them).
        scale = max(1.0, (k / 10) ** 0.5)
        pool, fine = self.pool_scores(small, max(int(self.meta.pool * scale), RERANK_PER_K * k), rows)
        wanted = max(int(self.meta.rerank * scale), RERANK_PER_K * k)
        cand = np.sort(pool[best_of(fine, wanted)])  # ascending: the mapped pages in order
        if rows is not None:
            cand = rows[cand]
        return top_k(cand, dot_rows(self.vectors[cand], query), k)

    def pool_scores(self, small: np.ndarray, size: int, rows: np.ndarray | None
                    ) -> tuple[np.ndarray, np.ndarray]:
        """The `size` best positions (into `rows`, or all rows) by the leading directions, ascending,
        and their scores on all projected directions."""
        assert self.reduced is not None and self.tail is not None
        head, rest = small[:REDUCED_DIMS], small[REDUCED_DIMS:]
        rough = dot_rows(self.reduced if rows is None else self.reduced[rows], head)
        pool = np.sort(best_of(rough, size))
        picked = pool if rows is None else rows[pool]
        return pool, rough[pool] + dot_rows(self.tail[picked], rest)


# ----------------------------------------------------------------------------- helpers


def top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The `k` best (id, score), best first, ties broken by the smaller id."""
    scores = np.asarray(scores)
    if len(scores) == 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    best = part[np.lexsort((ids[part], -scores[part]))]
    return [(int(ids[i]), float(scores[i])) for i in best]


def dot_rows(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """`matrix @ vector` by numpy's own loop, not BLAS: as quick on one core here (a scan of
    projected rows is bound by memory: 11 ms against 13.5 ms for a million 64-d rows), and it
    starts no BLAS threads, which wait for each other on a busy machine (p50 29 ms against
    24 ms at load 3 on 2 cores)."""
    return np.einsum("ij,j->i", matrix, vector)


def best_of(scores: np.ndarray, count: int) -> np.ndarray:
    """The positions of the `count` highest scores, in no order (ties cut anywhere).

    A partition of a million scores costs more than the scan that made them, so a strided sample
    gives a floor that about 1.5x `count` scores pass, and only those are partitioned; when too
    few pass (an unlucky sample), every score is.
    """
    n = len(scores)
    if count >= n:
        return np.arange(n)
    if count * 8 > n:
        return np.argpartition(-scores, count - 1)[:count]
    step = max(1, count // 64)  # about 64 sampled scores above the count-th: a steady floor
    sample = scores[::step]
    above = min(len(sample), int(1.5 * count / step) + 8)
    floor = np.partition(sample, len(sample) - above)[len(sample) - above]
    passed = np.flatnonzero(scores >= floor)
    if len(passed) < count:
        return np.argpartition(-scores, count - 1)[:count]
    return passed[np.argpartition(-scores[passed], count - 1)[:count]]


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
    with owner_only_umask(), open(folder / "lock", "a+") as handle:
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
            projected = vectors @ basis.reshape(REDUCED_DIMS + TAIL_DIMS, meta.dim).T
            for name, part, width in (("reduced", projected[:, :REDUCED_DIMS], REDUCED_DIMS),
                                      ("tail", projected[:, REDUCED_DIMS:], TAIL_DIMS)):
                append_bytes(snap / f"{name}.{meta.projection}.f32", meta.rows * width * 4,
                             np.ascontiguousarray(part, dtype=np.float32).tobytes())
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
                          ("tail.*.f32", meta.projection), ("projection.*.f32", meta.projection)):
        for path in (folder / meta.snapshot).glob(pattern):
            if path.name.split(".")[1] != str(keep):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


def drop(vdb_path: str, table: str) -> None:
    """Forget a model's fast path (its vectors were dropped)."""
    shutil.rmtree(folder_for(vdb_path, table), ignore_errors=True)


# ----------------------------------------------------------------------------- calibration


def calibrate(index: FastIndex, meta: Meta, queries: np.ndarray) -> None:
    """Project the rows anew, then size the pool and the candidates so the mean recall@10 of
    natural queries reaches CALIBRATION_RECALL.

    For each query, the exact top 10 (a row tied with the 10th score counts as found) and the
    rank of each of its rows in the leading directions' scores give the recall at every pool
    size; the smallest that reaches the target, times each of POOL_MARGINS, is a pool to try.
    The same rows' ranks within each query's pool, on all projected directions, size its
    candidates (times CALIBRATION_MARGIN); the pool whose rows and candidates cost the fewest
    reads is kept. When the candidates are more than 5% of the rows, searches scan exactly.
    """
    project(index, meta)
    index = FastIndex(index.folder, meta)
    assert index.basis is not None
    queries = np.asarray(queries, dtype=np.float32)
    smalls = queries @ index.basis.T
    tops: list[np.ndarray] = []
    head_ranks = []
    for start in range(0, len(queries), 16):  # 16 queries per pass over the rows bounds memory
        chunk = slice(start, start + 16)
        scores = np.asarray(index.vectors @ queries[chunk].T).T
        assert index.reduced is not None
        rough = np.asarray(index.reduced @ smalls[chunk, :REDUCED_DIMS].T).T
        for exact, approx in zip(scores, rough, strict=True):
            tops.append(exact_top(exact))
            head_ranks.append(ranks_of(approx, tops[-1]))
    head_reach = reach(np.asarray(head_ranks), index.rows)
    tried = [pool_and_candidates(index, smalls, tops, head_reach, margin) for margin in POOL_MARGINS]
    # reads per query beyond the scan: a pool row's tail, a candidate's vector
    pool, candidates, margin = min(tried, key=lambda t: t[0] * TAIL_DIMS + t[1] * meta.dim)
    meta.pool = pool
    meta.rerank = min(pool, max(RERANK_MIN, int(candidates * CALIBRATION_MARGIN)))
    meta.exact = meta.rerank > EXACT_IF_RERANK_ABOVE * index.rows
    meta.calibrated_rows = index.rows
    meta.calibration = {"queries": len(queries), "target_recall": CALIBRATION_RECALL,
                        "pool_at_target": head_reach, "pool_margin": margin,
                        "candidates_at_target": int(candidates), "margin": CALIBRATION_MARGIN,
                        "projected_dims": REDUCED_DIMS, "tail_dims": TAIL_DIMS}


def pool_and_candidates(index: FastIndex, smalls: np.ndarray, tops: list[np.ndarray], head_reach: int,
                        margin: float) -> tuple[int, int, float]:
    """(pool, candidates the target needs within it, margin) for a pool `margin` x `head_reach`."""
    pool = min(index.rows, max(RERANK_MIN, int(head_reach * margin)))
    pool_ranks = []
    for small, top in zip(smalls, tops, strict=True):
        positions, fine = index.pool_scores(small, pool, None)
        pool_ranks.append(ranks_in_pool(positions, fine, top, index.rows))
    return pool, reach(np.asarray(pool_ranks), index.rows), margin


def ranks_in_pool(positions: np.ndarray, fine: np.ndarray, top: np.ndarray, rows: int) -> np.ndarray:
    """`ranks_of` within a pool (`positions` ascending, their scores `fine`): a row outside the
    pool can never be a candidate, so it needs every row. Sorting the pool's scores only, not
    one per row of the store, keeps calibration quick."""
    where = np.minimum(np.searchsorted(positions, top), len(positions) - 1)
    inside = positions[where] == top
    ranks = np.full(len(top), rows, dtype=np.int64)
    ordered = np.sort(fine)
    ranks[inside] = len(fine) - np.searchsorted(ordered, fine[where[inside]], side="left")
    return np.sort(ranks)[:10]


def reach(ranks: np.ndarray, rows: int) -> int:
    """The smallest count at which the mean share of found rows reaches CALIBRATION_RECALL
    (`ranks`: queries x 10, the count each found row needs), or every row."""
    counts = np.unique(ranks)
    recall = np.array([(ranks <= c).mean() for c in counts])
    enough = recall >= CALIBRATION_RECALL
    return min(rows, int(counts[np.argmax(enough)])) if enough.any() else rows


def project(index: FastIndex, meta: Meta) -> None:
    """The store's leading directions (SVD of an even sample of rows) and every row projected
    onto them, written under a new projection sequence: the first 64 to `reduced`, the next to
    `tail`."""
    snap = index.folder / meta.snapshot
    wanted = REDUCED_DIMS + TAIL_DIMS
    sample = np.unique(np.linspace(0, index.rows - 1, min(index.rows, PROJECTION_SAMPLE)).astype(np.int64))
    _, _, vt = np.linalg.svd(np.asarray(index.vectors[sample], dtype=np.float64), full_matrices=False)
    basis = np.ascontiguousarray(vt[:wanted], dtype=np.float32)
    if basis.shape[0] < wanted:  # fewer rows or dimensions than directions: pad with zeros
        basis = np.vstack([basis, np.zeros((wanted - basis.shape[0], meta.dim), dtype=np.float32)])
    sequence = meta.projection + 1
    basis.tofile(snap / f"projection.{sequence}.f32")
    with open(snap / f"reduced.{sequence}.f32", "wb") as head, \
            open(snap / f"tail.{sequence}.f32", "wb") as tail:
        for start in range(0, index.rows, 100_000):
            part = np.asarray(index.vectors[start : start + 100_000]) @ basis.T
            head.write(np.ascontiguousarray(part[:, :REDUCED_DIMS], dtype=np.float32).tobytes())
            tail.write(np.ascontiguousarray(part[:, REDUCED_DIMS:], dtype=np.float32).tobytes())
    meta.projection = sequence


def exact_top(exact: np.ndarray) -> np.ndarray:
    """The rows of one query's exact top 10, with every row tied with the 10th."""
    floor = np.partition(exact, len(exact) - 10)[len(exact) - 10] - 1e-6
    return np.flatnonzero(exact >= floor)


def ranks_of(approx: np.ndarray, top: np.ndarray) -> np.ndarray:
    """For the rows of an exact top 10, the count of best approximate scores that must be kept to
    include each: every row scoring at least as high (ties may land either side); the 10
    smallest, ascending."""
    ordered = np.sort(approx)
    ranks = len(approx) - np.searchsorted(ordered, approx[top], side="left")
    return np.sort(ranks)[:10]
