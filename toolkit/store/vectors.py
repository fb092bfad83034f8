"""The vector store (`VDB_URL`): one small interface, two SQLite backends.

Layout of the store file:
- `vector_models`: one row per embedding model (name, dimension, backend, backend table,
  and a generation token that changes whenever vectors are dropped or re-indexed).
- `embeddings`: every vector as a float32 BLOB keyed by (model, message_id): the source of
  truth, from which a backend index can be rebuilt without running the model again.
- one backend table per model and dimension (a virtual table's dimension is fixed):
  `vec` = sqlite-vec `vec0` (exact cosine scan, filter by rowid inside the scan), or
  `vss` = sqlite-vss `vss0` (Faiss flat L2; the whole index is one BLOB rewritten per commit).

This module is the SQL: `VectorStore` and one `ModelTable` per model. Searching (and the
in-memory fast path over large stores) is `toolkit.search.vector_index`, which opens the store
with its own `ModelTable` subclass; the store layer never imports search.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from toolkit.errors import ChatbookError
from toolkit.store import db


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
        import sqlite_vec  # the optional `embed` extra; loaded only for the backend in use

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
        import sqlite_vss  # the optional `embed` extra; loaded only for the backend in use

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


# ----------------------------------------------------------------------------- the store


@dataclass
class ModelTable:
    """The vectors of one model in an open store: add, count, read back (SQL only)."""

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

    def stored_vectors(self, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(message ids, matrix) of the stored vectors of these messages (those that have one)."""
        ids: list[int] = []
        blobs: list[bytes] = []
        for start in range(0, len(within), 10_000):
            for row in self.conn.execute(
                "SELECT message_id, vector FROM embeddings WHERE model = ? AND message_id IN "
                "(SELECT value FROM json_each(?))", (self.model, ids_json(within[start : start + 10_000])),
            ):
                ids.append(int(row[0]))
                blobs.append(row[1])
        matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), self.dim)
        return np.asarray(ids, dtype=np.int64), matrix

    def generation(self) -> str:
        """A token that changes whenever this model's vectors are dropped or re-indexed."""
        return str(self.conn.execute(
            "SELECT generation FROM vector_models WHERE model = ?", (self.model,)
        ).fetchone()[0])

    def max_rowid(self) -> int:
        """The newest `embeddings` row: rows past a copy's high-water mark are new to it."""
        return int(self.conn.execute("SELECT coalesce(max(rowid), 0) FROM embeddings").fetchone()[0])

    def load_rows(self, after_rowid: int) -> tuple[np.ndarray, list[str], np.ndarray]:
        """(message ids, text sha1s, vectors) of this model's rows after `after_rowid`, in rowid order."""
        rows = self.conn.execute(
            # `+model`: keep the planner on the rowid range, not the (model, message_id) index,
            # or a refresh after a few new rows walks every row of the model (0.5 s at 1M).
            "SELECT message_id, text_sha1, vector FROM embeddings "
            "WHERE +model = ? AND rowid > ? ORDER BY rowid",
            (self.model, after_rowid),
        ).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        shas = [str(r[1]) for r in rows]
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), self.dim)
        return ids, shas, matrix


TableT = TypeVar("TableT", bound=ModelTable)


class VectorStore(Generic[TableT]):
    """An open vector store file with one backend chosen by `VECTOR_BACKEND`.

    `prepare` and `index_for` hand out `table_type` objects: a `ModelTable` subclass, so the
    search layer gets its searchable index without this layer importing it.
    """

    def __init__(self, conn: db.Connection, path: str, backend: str, table_type: type[TableT]):
        if backend not in BACKENDS:
            raise VectorStoreError(f"unknown vector backend {backend!r}; use one of {', '.join(BACKENDS)}")
        self.conn = conn
        self.path = path
        self.backend = BACKENDS[backend]
        self.backend_name = backend
        self.table_type = table_type
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

    def prepare(self, model: str, dim: int) -> TableT:
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
        return self.table_type(self.conn, self.path, model, dim, table, self.backend, warnings)

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

    def index_for(self, model: str, dim: int) -> TableT:
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
        return self.table_type(self.conn, self.path, model, dim, row["table_name"], self.backend)

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


def embedded_at(vdb_path: Path, message_ids: list[int]) -> dict[int, str]:
    """When each of these messages was embedded (any model; the latest), by message id."""
    if not message_ids or not vdb_path.exists():
        return {}
    conn = db.connect(vdb_path, readonly=True)
    try:
        found: dict[int, str] = {}
        for start in range(0, len(message_ids), 500):
            chunk = message_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for message_id, created in conn.execute(
                    f"SELECT message_id, max(created_at) FROM embeddings WHERE message_id IN "
                    f"({marks}) GROUP BY message_id", chunk):
                found[int(message_id)] = str(created)
        return found
    finally:
        conn.close()


def has_column(conn: db.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f'PRAGMA table_info("{table}")'))
