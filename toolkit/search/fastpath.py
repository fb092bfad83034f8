"""The in-memory fast path for vector search: this process's numpy copy of one model's vectors.

`FastIndex` holds the vectors with 1-bit codes (sign of each dimension after centring): a
Hamming scan picks candidates that are re-scored exactly in float32, and a filter that leaves
few rows is scanned exactly. Copies are kept per (store file, model) and brought up to date
from the store by `refreshed`; `bench/search.py` measures them against both SQL backends.
Pure numpy: the vectors come from `toolkit.store.vectors` through the caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

RERANK_MIN = 1_000  # candidates from the Hamming scan re-scored exactly, at least
RERANK_PER_K = 20  # ... and at least this many per requested hit
CALIBRATION_QUERIES = 24  # pseudo-queries used to size the re-ranking on the stored vectors
CALIBRATION_RECALL = 0.98  # the recall@10 the calibrated candidate count must reach on them
EXACT_IF_RERANK_ABOVE = 0.05  # share of rows: gathering more candidates costs more than a scan
EXACT_SUBSET_MAX = 50_000  # a filter that leaves fewer rows than this is scanned exactly

Key = tuple[str, str]  # (vector store path, model)
RowLoader = Callable[[int], tuple[np.ndarray, np.ndarray]]  # rows after a rowid -> (ids, matrix)


@dataclass
class FastIndex:
    """A numpy copy of one model's vectors plus 1-bit codes, refreshed incrementally.

    Rows live in buffers with spare capacity (grown 1.5x when full), so appending the few
    vectors of an incremental embed copies only those rows, not the whole matrix.
    """

    generation: str = ""
    max_rowid: int = 0
    size: int = 0
    center: np.ndarray | None = None
    rerank: int = RERANK_MIN  # candidates re-scored exactly; sized by calibrate()
    exact: bool = False  # the codes do not discriminate on this data: scan exactly
    buffers: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def ids(self) -> np.ndarray:
        return self.buffers["ids"][: self.size] if self.buffers else np.zeros(0, dtype=np.int64)

    @property
    def matrix(self) -> np.ndarray:
        return self.buffers["matrix"][: self.size]

    @property
    def codes(self) -> np.ndarray:
        return self.buffers["codes"][: self.size]

    @property
    def sorted_ids(self) -> np.ndarray:
        return self.buffers["sorted_ids"][: self.size]

    @property
    def sorted_pos(self) -> np.ndarray:
        return self.buffers["sorted_pos"][: self.size]

    @property
    def nbytes(self) -> int:
        return int(sum(b.nbytes for b in self.buffers.values()))

    def append(self, ids: np.ndarray, matrix: np.ndarray, max_rowid: int) -> None:
        self.max_rowid = max_rowid
        if len(ids) == 0:
            return
        if self.center is None:
            # The centre is fixed at first build: codes of later rows stay comparable.
            self.center = matrix.mean(axis=0).astype(np.float32)
        codes = binary_codes(matrix, self.center)
        start, end = self.size, self.size + len(ids)
        self.reserve(end, matrix.shape[1], codes.shape[1])
        self.buffers["ids"][start:end] = ids
        self.buffers["matrix"][start:end] = matrix
        self.buffers["codes"][start:end] = codes
        if start and ids.min() > self.buffers["sorted_ids"][start - 1] and np.all(np.diff(ids) > 0):
            # New messages have higher ids: the sorted order simply extends.
            self.buffers["sorted_ids"][start:end] = ids
            self.buffers["sorted_pos"][start:end] = np.arange(start, end)
        else:
            order = np.argsort(self.buffers["ids"][:end], kind="stable")
            self.buffers["sorted_pos"][:end] = order
            self.buffers["sorted_ids"][:end] = self.buffers["ids"][:end][order]
        self.size = end
        if start == 0 and end > EXACT_SUBSET_MAX:
            self.calibrate()

    def calibrate(self, seed: int = 0) -> None:
        """Size the re-ranking so recall@10 reaches CALIBRATION_RECALL on these vectors.

        1-bit codes keep neighbours close on real embeddings (clustered, anisotropic) but not
        on uniform random vectors; rather than assume, we measure. The pseudo-queries are
        stored vectors, with their exact duplicates left out of the answer. When the codes
        would need more than 5% of the rows, searches scan exactly instead.
        """
        assert self.center is not None
        rng = np.random.default_rng(seed)
        needed = []
        keep = int(np.ceil(10 * CALIBRATION_RECALL))
        for a in rng.integers(0, self.size, size=CALIBRATION_QUERIES):
            query = self.matrix[a]
            scores = self.matrix @ query
            scores[scores > 0.9999] = -2.0  # the row itself and exact duplicates are too easy
            exact = np.argpartition(-scores, 9)[:10]
            distances = np.bitwise_count(self.codes ^ binary_codes(query[None, :], self.center)[0]).sum(
                axis=1, dtype=np.uint16)
            distances[scores == -2.0] = np.iinfo(np.uint16).max
            order = np.argsort(distances, kind="stable")
            rank = np.empty(self.size, dtype=np.int64)
            rank[order] = np.arange(self.size)
            # candidates needed so that `keep` of the exact top 10 are among them
            needed.append(int(np.sort(rank[exact])[keep - 1]) + 1)
        wanted = int(np.percentile(needed, 90) * 1.5)
        self.rerank = max(RERANK_MIN, wanted)
        self.exact = self.rerank > EXACT_IF_RERANK_ABOVE * self.size

    def reserve(self, rows: int, dim: int, words: int) -> None:
        capacity = len(self.buffers["ids"]) if self.buffers else 0
        if rows <= capacity:
            return
        # Headroom from the start: the next incremental embed must not copy the whole matrix.
        grown = rows + max(1024, rows // 8) if capacity == 0 else max(rows, int(capacity * 1.5))
        shapes = {"ids": (grown,), "matrix": (grown, dim), "codes": (grown, words),
                  "sorted_ids": (grown,), "sorted_pos": (grown,)}
        dtypes = {"ids": np.int64, "matrix": np.float32, "codes": np.uint64,
                  "sorted_ids": np.int64, "sorted_pos": np.int64}
        fresh = {name: np.empty(shape, dtype=dtypes[name]) for name, shape in shapes.items()}
        for name, old in self.buffers.items():
            fresh[name][: self.size] = old[: self.size]
        self.buffers = fresh

    def positions(self, message_ids: np.ndarray) -> np.ndarray:
        """Row positions of those `message_ids` that are in the index."""
        where = np.searchsorted(self.sorted_ids, message_ids)
        where = np.clip(where, 0, max(len(self.sorted_ids) - 1, 0))
        found = self.sorted_ids[where] == message_ids if len(self.sorted_ids) else where < 0
        return self.sorted_pos[where[found]]

    def search(self, query: np.ndarray, k: int, within: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top `k` (message id, cosine) for a normalised query, optionally among `within` ids."""
        if self.size == 0 or k <= 0:
            return []
        if within is not None:
            pos = self.positions(np.asarray(within, dtype=np.int64))
            if len(pos) <= EXACT_SUBSET_MAX or self.exact:
                return top_k(self.ids[pos], self.matrix[pos] @ query, k)
            return self.approximate(query, k, pos)
        if self.size <= EXACT_SUBSET_MAX or self.exact:
            return top_k(self.ids, self.matrix @ query, k)
        return self.approximate(query, k, None)

    def approximate(self, query: np.ndarray, k: int, pos: np.ndarray | None) -> list[tuple[int, float]]:
        """Hamming scan over the 1-bit codes, then exact re-scoring of the best candidates."""
        assert self.center is not None
        qcode = binary_codes(query[None, :], self.center)[0]
        codes = self.codes if pos is None else self.codes[pos]
        distances = np.bitwise_count(codes ^ qcode).sum(axis=1, dtype=np.uint16)
        wanted = min(len(distances), max(self.rerank, RERANK_PER_K * k))
        cand = np.argpartition(distances, wanted - 1)[:wanted] if wanted < len(distances) else None
        rows = (np.arange(len(distances)) if cand is None else cand)
        rows = rows if pos is None else pos[rows]
        return top_k(self.ids[rows], self.matrix[rows] @ query, k)


def binary_codes(matrix: np.ndarray, center: np.ndarray) -> np.ndarray:
    """Sign bits of (vector - centre), packed into uint64 words (padded to 64 bits)."""
    bits = np.packbits(matrix > center, axis=1)
    pad = (-bits.shape[1]) % 8
    if pad:
        bits = np.pad(bits, ((0, 0), (0, pad)))
    return np.ascontiguousarray(bits).view(np.uint64)


def top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    if len(scores) == 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    best = part[np.lexsort((ids[part], -scores[part]))]
    return [(int(ids[i]), float(scores[i])) for i in best]


_FAST: dict[Key, FastIndex] = {}
_FAST_LOCK = threading.Lock()


def is_warm(key: Key) -> bool:
    """Whether this process already holds a copy (then searching it costs no warm-up)."""
    return key in _FAST


def refreshed(key: Key, generation: str, max_rowid: int, load_rows: RowLoader) -> FastIndex:
    """The copy for `key`, reloaded when the store's generation changed, else appended to."""
    with _FAST_LOCK:
        index = _FAST.get(key)
        if index is None or index.generation != generation:
            index = FastIndex(generation=generation)
            _FAST[key] = index
        if max_rowid > index.max_rowid:
            ids, matrix = load_rows(index.max_rowid)
            index.append(ids, matrix, max_rowid)
        return index


def forget(key: Key) -> None:
    """Drop the copy (its model was dropped from the store)."""
    with _FAST_LOCK:
        _FAST.pop(key, None)
