"""The vector store (`VDB_URL`): one small interface, two SQLite backends, one fast path.

Layout of the store file:
- `vector_models`: one row per embedding model (name, dimension, backend, backend table).
- `embeddings`: every vector as a float32 BLOB keyed by (model, message_id): the source of
  truth, from which a backend index can be rebuilt without running the model again.
- one backend table per model and dimension (a virtual table's dimension is fixed):
  `vec` = sqlite-vec `vec0` (exact cosine scan, filter by rowid inside the scan), or
  `vss` = sqlite-vss `vss0` (Faiss flat L2; the whole index is one BLOB rewritten per commit).

Searches over large stores go through `FastIndex`, a per-process numpy copy of the vectors
with 1-bit codes (sign of each dimension after centring): a Hamming scan picks candidates that
are re-scored exactly in float32. `bench/search.py` measures it against both backends.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from toolkit.config import Settings
from toolkit.errors import ChatbookError
from toolkit.store import db

FAST_MIN_ROWS = 20_000  # below this an exact SQL scan is quick enough and needs no warm-up
RERANK_MIN = 1_000  # candidates from the Hamming scan re-scored exactly, at least
RERANK_PER_K = 20  # ... and at least this many per requested hit
CALIBRATION_QUERIES = 24  # pseudo-queries used to size the re-ranking on the stored vectors
CALIBRATION_RECALL = 0.98  # the recall@10 the calibrated candidate count must reach on them
EXACT_IF_RERANK_ABOVE = 0.05  # share of rows: gathering more candidates costs more than a scan
EXACT_SUBSET_MAX = 50_000  # a filter that leaves fewer rows than this is scanned exactly
SQL_IN_MAX = 20_000  # candidate ids passed to SQL as a JSON array, at most


class VectorStoreError(ChatbookError):
    """The vector store is missing, or was built for another model, dimension or backend."""


# ----------------------------------------------------------------------------- backends


class Backend(Protocol):
    """What a SQLite vector extension must offer; scores are cosine similarities."""

    name: str

    def load(self, conn: db.Connection) -> None: ...

    def create(self, conn: db.Connection, table: str, dim: int) -> None: ...

    def insert(self, conn: db.Connection, table: str, ids: np.ndarray, matrix: np.ndarray) -> None: ...

    def search(
        self, conn: db.Connection, table: str, query: np.ndarray, k: int
    ) -> list[tuple[int, float]]: ...


def load_extension(conn: db.Connection, loader: Any) -> None:
    conn.enable_load_extension(True)
    try:
        loader(conn)
    finally:
        conn.enable_load_extension(False)


class VecBackend:
    """sqlite-vec `vec0`: exact cosine distance; a rowid filter is applied inside the scan."""

    name = "vec"

    def load(self, conn: db.Connection) -> None:
        import sqlite_vec

        load_extension(conn, sqlite_vec.load)

    def create(self, conn: db.Connection, table: str, dim: int) -> None:
        conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} "
            f"USING vec0(embedding float[{dim}] distance_metric=cosine)"
        )

    def insert(self, conn: db.Connection, table: str, ids: np.ndarray, matrix: np.ndarray) -> None:
        conn.executemany(
            f"INSERT INTO {table}(rowid, embedding) VALUES (?, ?)",
            ((int(i), row.tobytes()) for i, row in zip(ids, matrix, strict=True)),
        )

    def search(self, conn: db.Connection, table: str, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        rows = conn.execute(
            f"SELECT rowid, distance FROM {table} WHERE embedding MATCH ? AND k = ?",
            (query.astype(np.float32).tobytes(), min(k, 4096)),
        ).fetchall()
        return [(int(r[0]), 1.0 - float(r[1])) for r in rows]

    def search_within(
        self, conn: db.Connection, table: str, query: np.ndarray, k: int, ids: np.ndarray
    ) -> list[tuple[int, float]]:
        rows = conn.execute(
            f"SELECT rowid, distance FROM {table} WHERE embedding MATCH ? AND k = ? "
            "AND rowid IN (SELECT value FROM json_each(?))",
            (query.astype(np.float32).tobytes(), min(k, 4096), ids_json(ids)),
        ).fetchall()
        return [(int(r[0]), 1.0 - float(r[1])) for r in rows]


class VssBackend:
    """sqlite-vss `vss0` (Faiss flat L2 over normalised vectors, so cos = 1 - d2 / 2).

    Raw float32 BLOBs are always wrapped in `vector_from_raw(?)`: a BLOB that happens to start
    with the bytes `v\\x01` would otherwise be read as sqlite-vss's own vector format.
    """

    name = "vss"

    def load(self, conn: db.Connection) -> None:
        import sqlite_vss

        load_extension(conn, sqlite_vss.load)

    def create(self, conn: db.Connection, table: str, dim: int) -> None:
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING vss0(embedding({dim}))")

    def insert(self, conn: db.Connection, table: str, ids: np.ndarray, matrix: np.ndarray) -> None:
        conn.executemany(
            f"INSERT INTO {table}(rowid, embedding) VALUES (?, vector_from_raw(?))",
            ((int(i), row.tobytes()) for i, row in zip(ids, matrix, strict=True)),
        )

    def search(self, conn: db.Connection, table: str, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        rows = conn.execute(
            f"SELECT rowid, distance FROM {table} "
            "WHERE vss_search(embedding, vss_search_params(vector_from_raw(?), ?))",
            (query.astype(np.float32).tobytes(), k),
        ).fetchall()
        return [(int(r[0]), 1.0 - float(r[1]) / 2.0) for r in rows]


BACKENDS: dict[str, Backend] = {"vec": VecBackend(), "vss": VssBackend()}


def ids_json(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def table_name(model: str, dim: int, backend: str) -> str:
    """A safe, stable SQL identifier per model, dimension and backend."""
    slug = re.sub(r"[^a-z0-9]+", "_", model.lower()).strip("_")[:40] or "model"
    digest = uuid.uuid5(uuid.NAMESPACE_URL, model).hex[:8]
    return f"{backend}_{slug}_{digest}_{dim}"


# ----------------------------------------------------------------------------- fast path


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


_FAST: dict[tuple[str, str], FastIndex] = {}
_FAST_LOCK = threading.Lock()


# ----------------------------------------------------------------------------- the store


@dataclass
class ModelIndex:
    """The vectors of one model in an open store: add, look up by text, search."""

    conn: db.Connection
    path: str
    model: str
    dim: int
    table: str
    backend: Backend
    warnings: list[str] = field(default_factory=list)

    def count(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM embeddings WHERE model = ?", (self.model,)).fetchone()
        return int(row[0])

    def vectors_for_texts(self, shas: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors of texts already embedded (by sha1), so identical texts run once."""
        found: dict[str, np.ndarray] = {}
        wanted = list(shas)
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            rows = self.conn.execute(
                "SELECT text_sha1, vector FROM embeddings WHERE model = ? AND text_sha1 IN "
                "(SELECT value FROM json_each(?)) GROUP BY text_sha1",
                (self.model, "[" + ",".join(f'"{s}"' for s in part) + "]"),
            ).fetchall()
            found.update((r[0], np.frombuffer(r[1], dtype=np.float32)) for r in rows)
        return found

    def add(self, ids: np.ndarray, matrix: np.ndarray, shas: Sequence[str]) -> int:
        """Store vectors for messages that have none yet; one transaction; returns rows added."""
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[1] != self.dim or len(ids) != len(matrix) != len(shas):
            raise VectorStoreError(
                f"vectors of shape {matrix.shape} do not fit model {self.model} (dimension {self.dim})"
            )
        now = db.utc_now()
        with db.transaction(self.conn):
            existing = {
                int(r[0]) for r in self.conn.execute(
                    "SELECT message_id FROM embeddings WHERE model = ? AND message_id IN "
                    "(SELECT value FROM json_each(?))", (self.model, ids_json(ids)),
                )
            }
            keep = np.array([int(i) not in existing for i in ids], dtype=bool)
            if not keep.any():
                return 0
            new_ids, new_matrix = ids[keep], matrix[keep]
            new_shas = [s for s, k in zip(shas, keep, strict=True) if k]
            self.conn.executemany(
                "INSERT INTO embeddings(message_id, model, dim, text_sha1, vector, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                ((int(i), self.model, self.dim, sha, row.tobytes(), now)
                 for i, row, sha in zip(new_ids, new_matrix, new_shas, strict=True)),
            )
            self.backend.insert(self.conn, self.table, new_ids, new_matrix)
        return int(keep.sum())

    def search(
        self, query: np.ndarray, k: int = 10, *, within: np.ndarray | None = None, fast: bool | None = None
    ) -> list[tuple[int, float]]:
        """Top `k` (message id, cosine similarity); `within` restricts to those message ids.

        `fast=None` picks the numpy fast path for stores of FAST_MIN_ROWS vectors or more (and
        whenever it is already warm in this process), the backend's SQL search otherwise.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dim:
            raise VectorStoreError(f"a query of dimension {query.shape[0]} against {self.model} ({self.dim})")
        if k <= 0 or (within is not None and len(within) == 0):
            return []
        if fast is None:
            fast = (self.path, self.model) in _FAST or self.count() >= FAST_MIN_ROWS
        if fast:
            return self.fast_index().search(query, k, within)
        if within is None:
            return self.backend.search(self.conn, self.table, query, k)
        if isinstance(self.backend, VecBackend) and len(within) <= SQL_IN_MAX:
            return self.backend.search_within(self.conn, self.table, query, k, within)
        # vss0 cannot filter inside its search, so a filtered query is scored exactly from the
        # stored vectors of the allowed rows: never a post-filter of a top-k cut.
        return self.exact_within(query, k, within)

    def exact_within(self, query: np.ndarray, k: int, within: np.ndarray) -> list[tuple[int, float]]:
        """Exact cosine over the stored vectors of the allowed messages."""
        ids: list[int] = []
        blobs: list[bytes] = []
        for start in range(0, len(within), 10_000):
            for row in self.conn.execute(
                "SELECT message_id, vector FROM embeddings WHERE model = ? AND message_id IN "
                "(SELECT value FROM json_each(?))", (self.model, ids_json(within[start : start + 10_000])),
            ):
                ids.append(int(row[0]))
                blobs.append(row[1])
        if not ids:
            return []
        matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), self.dim)
        return top_k(np.asarray(ids, dtype=np.int64), matrix @ query, k)

    def similarities(self, message_ids: Sequence[int], query: np.ndarray) -> dict[int, float]:
        """Cosine of `query` with the stored vectors of these messages (those that have one)."""
        if not message_ids:
            return {}
        found = self.exact_within(np.asarray(query, dtype=np.float32), len(message_ids),
                                  np.asarray(message_ids, dtype=np.int64))
        return dict(found)

    def fast_index(self) -> FastIndex:
        """This process's numpy copy, brought up to date with the store (append or reload)."""
        generation = self.conn.execute(
            "SELECT generation FROM vector_models WHERE model = ?", (self.model,)
        ).fetchone()[0]
        max_rowid = int(self.conn.execute("SELECT coalesce(max(rowid), 0) FROM embeddings").fetchone()[0])
        key = (self.path, self.model)
        with _FAST_LOCK:
            index = _FAST.get(key)
            if index is None or index.generation != generation:
                index = FastIndex(generation=generation)
                _FAST[key] = index
            if max_rowid > index.max_rowid:
                ids, matrix = self.load_rows(index.max_rowid)
                index.append(ids, matrix, max_rowid)
            return index

    def load_rows(self, after_rowid: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self.conn.execute(
            # `+model`: keep the planner on the rowid range, not the (model, message_id) index,
            # or a refresh after a few new rows walks every row of the model (0.5 s at 1M).
            "SELECT message_id, vector FROM embeddings WHERE +model = ? AND rowid > ? ORDER BY rowid",
            (self.model, after_rowid),
        ).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), self.dim)
        return ids, matrix.copy()


class VectorStore:
    """An open vector store file with one backend chosen by `VECTOR_BACKEND`."""

    def __init__(self, conn: db.Connection, path: str, backend: str):
        if backend not in BACKENDS:
            raise VectorStoreError(f"unknown vector backend {backend!r}; use one of {', '.join(BACKENDS)}")
        self.conn = conn
        self.path = path
        self.backend = BACKENDS[backend]
        self.backend_name = backend
        self.loaded: set[str] = set()
        self.use_backend(self.backend)

    def use_backend(self, backend: Backend) -> None:
        if backend.name not in self.loaded:
            backend.load(self.conn)
            self.loaded.add(backend.name)

    def close(self) -> None:
        self.conn.close()

    def models(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT m.model, m.dim, m.backend, m.table_name, m.created_at, "
            "(SELECT count(*) FROM embeddings e WHERE e.model = m.model) AS vectors "
            "FROM vector_models m ORDER BY m.model"
        ).fetchall()
        return db.rows_as_dicts(rows)

    def model_row(self, model: str) -> db.Row | None:
        row: db.Row | None = self.conn.execute(
            "SELECT model, dim, backend, table_name FROM vector_models WHERE model = ?", (model,)
        ).fetchone()
        return row

    def prepare(self, model: str, dim: int) -> ModelIndex:
        """The index to write `model`'s vectors to, created if new.

        A store built with the other backend is rebuilt from the stored vectors (no model run);
        a store of another dimension for the same model name is an error: re-embed with --full.
        """
        row = self.model_row(model)
        warnings: list[str] = []
        if row is not None and row["dim"] != dim:
            raise VectorStoreError(
                f"the vector store {self.path} holds {row['dim']}-dimensional vectors for {model!r}, "
                f"but the model now produces {dim}; run `chatbook embed --full` to re-embed"
            )
        if row is None:
            table = table_name(model, dim, self.backend_name)
            with db.transaction(self.conn):
                self.backend.create(self.conn, table, dim)
                self.conn.execute(
                    "INSERT INTO vector_models(model, dim, backend, table_name, created_at, generation) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (model, dim, self.backend_name, table, db.utc_now(), uuid.uuid4().hex),
                )
        elif row["backend"] != self.backend_name:
            table = self.rebuild(model, dim, row["backend"], row["table_name"])
            warnings.append(
                f"rebuilt the {self.backend_name} index for {model} from stored vectors "
                f"(it was built with {row['backend']})"
            )
        else:
            table = row["table_name"]
        return ModelIndex(self.conn, self.path, model, dim, table, self.backend, warnings)

    def rebuild(self, model: str, dim: int, old_backend: str, old_table: str) -> str:
        """Move `model` to this store's backend, re-indexing the vectors in `embeddings`."""
        self.use_backend(BACKENDS[old_backend])
        table = table_name(model, dim, self.backend_name)
        with db.transaction(self.conn):
            self.conn.execute(f"DROP TABLE IF EXISTS {old_table}")
            self.backend.create(self.conn, table, dim)
            last = 0
            while True:
                rows = self.conn.execute(
                    "SELECT message_id, vector FROM embeddings WHERE model = ? AND message_id > ? "
                    "ORDER BY message_id LIMIT 10000", (model, last),
                ).fetchall()
                if not rows:
                    break
                ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
                matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(-1, dim)
                self.backend.insert(self.conn, table, ids, matrix)
                last = int(ids[-1])
            self.conn.execute(
                "UPDATE vector_models SET backend = ?, table_name = ?, generation = ? WHERE model = ?",
                (self.backend_name, table, uuid.uuid4().hex, model),
            )
        return table

    def index_for(self, model: str, dim: int) -> ModelIndex:
        """The index to search `model` with; explains what to run when it is missing or stale."""
        row = self.model_row(model)
        if row is None:
            others = [m["model"] for m in self.models()]
            hint = f" (it has vectors for {', '.join(others)})" if others else ""
            raise VectorStoreError(
                f"no vectors for model {model!r} in {self.path}{hint}; run `chatbook embed`"
            )
        if row["dim"] != dim:
            raise VectorStoreError(
                f"the vector store {self.path} holds {row['dim']}-dimensional vectors for {model!r}, "
                f"but the model produces {dim}; run `chatbook embed --full` to re-embed"
            )
        if row["backend"] != self.backend_name:
            raise VectorStoreError(
                f"the vectors for {model!r} are indexed with {row['backend']} but VECTOR_BACKEND="
                f"{self.backend_name}; run `chatbook embed` to rebuild the index from stored vectors"
            )
        return ModelIndex(self.conn, self.path, model, dim, row["table_name"], self.backend)

    def drop_model(self, model: str) -> None:
        """Forget every vector of `model` (for a full re-embed)."""
        row = self.model_row(model)
        if row is None:
            return
        self.use_backend(BACKENDS[row["backend"]])
        with db.transaction(self.conn):
            self.conn.execute(f"DROP TABLE IF EXISTS {row['table_name']}")
            self.conn.execute("DELETE FROM embeddings WHERE model = ?", (model,))
            self.conn.execute("DELETE FROM vector_models WHERE model = ?", (model,))
        with _FAST_LOCK:
            _FAST.pop((self.path, model), None)


def load_installed_backends(conn: db.Connection) -> None:
    """Load whichever vector backends are installed, so any model's index can be written."""
    conn.enable_load_extension(True)
    try:
        for module in ("sqlite_vec", "sqlite_vss"):
            try:
                __import__(module).load(conn)
            except ImportError:
                continue
    finally:
        conn.enable_load_extension(False)


def delete_embeddings(vdb_path: Path, message_ids: list[int]) -> int:
    """Delete these messages' vectors from `embeddings` and from every model's index table."""
    if not message_ids:
        return 0
    conn = db.connect(vdb_path)
    try:
        load_installed_backends(conn)
        tables = [str(r[0]) for r in conn.execute("SELECT table_name FROM vector_models")]
        deleted = 0
        with db.transaction(conn):
            for start in range(0, len(message_ids), 500):
                chunk = message_ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for table in tables:
                    if db.table_exists(conn, table):
                        conn.execute(f'DELETE FROM "{table}" WHERE rowid IN ({marks})', chunk)
                deleted += conn.execute(
                    f"DELETE FROM embeddings WHERE message_id IN ({marks})", chunk).rowcount
            if deleted and has_column(conn, "vector_models", "generation"):
                # Searches cache vectors in memory keyed by this token: make them reload.
                conn.execute("UPDATE vector_models SET generation = ?", (uuid.uuid4().hex,))
        return deleted
    finally:
        conn.close()


def has_column(conn: db.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f'PRAGMA table_info("{table}")'))


def open_store(settings: Settings, *, create: bool = True) -> VectorStore:
    """Open (and migrate) the vector store at `VDB_URL` with the configured backend."""
    from toolkit.store.connect import open_vectors

    if not create and not settings.vdb_path.exists():
        raise VectorStoreError(f"there is no vector store at {settings.vdb_path}; run `chatbook embed`")
    conn = open_vectors(settings)
    return VectorStore(conn, str(settings.vdb_path), settings.vector_backend)
