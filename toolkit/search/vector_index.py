"""Searching the vector store: the memory-mapped fast path, or the backends' own SQL.

`open_store` opens the vector store (`toolkit.store.vectors`, the SQL) so that its models come
back as `ModelIndex`: a `ModelTable` that can also search. Searches go to the fast path
(`toolkit.search.fastpath`: files beside the store, one row per distinct text, mapped into
memory), brought up to date first when the store has rows it lacks; `fast=False` asks the
backend's SQL instead (sqlite-vec `vec0` or sqlite-vss `vss0`: the benchmark's peers). Dropping
a model also drops its fast path. The split keeps the layering: the store owns the tables,
search owns the ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from toolkit.config import Settings
from toolkit.search import fastpath
from toolkit.search.fastpath import FastIndex, top_k
from toolkit.store.connect import open_vectors
from toolkit.store.vectors import ModelTable, VecBackend, VectorStore, VectorStoreError

SQL_IN_MAX = 20_000  # candidate ids passed to SQL as a JSON array, at most
BACKGROUND_ROWS = 2_048  # rows sampled for a query's background similarity

QueryVectors = Callable[[], np.ndarray]


class ModelIndex(ModelTable):
    """The vectors of one model in an open store: add, look up by text, search.

    `calibration`, when set, gives the natural-language questions (embedded) the fast path is
    calibrated with; the opener sets it (this module does not load models). Without it, a
    large store is scanned exactly until a refresh that has it.
    """

    calibration: QueryVectors | None = None

    def search(
        self, query: np.ndarray, k: int = 10, *, within: np.ndarray | None = None, fast: bool = True
    ) -> list[tuple[int, float]]:
        """Top `k` (message id, cosine similarity); `within` restricts to those message ids.

        On the fast path each hit is a distinct text, named by its newest message (among
        `within`, when given); `duplicates_of` lists the others. `fast=False` asks the backend's
        SQL, which knows nothing of identical texts.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dim:
            raise VectorStoreError(f"a query of dimension {query.shape[0]} against {self.model} ({self.dim})")
        if k <= 0 or (within is not None and len(within) == 0):
            return []
        if fast:
            return self.fast_search(query, k, within)
        if within is None:
            return self.backend.search(self.conn, self.table, query, k)
        if isinstance(self.backend, VecBackend) and len(within) <= SQL_IN_MAX:
            return self.backend.search_within(self.conn, self.table, query, k, within)
        # vss0 cannot filter inside its search, so a filtered query is scored exactly from the
        # stored vectors of the allowed rows: never a post-filter of a top-k cut.
        return self.exact_within(query, k, within)

    def fast_search(self, query: np.ndarray, k: int, within: np.ndarray | None) -> list[tuple[int, float]]:
        index = self.fast_index()
        allowed = None if within is None else np.sort(np.asarray(within, dtype=np.int64))
        rows = None if allowed is None else index.rows_of(allowed)
        hits = []
        for row, score in index.search(query, k, rows):
            members = index.members_of(row)
            if allowed is not None:
                members = members[np.isin(members, allowed, assume_unique=True)]
            if len(members):
                hits.append((int(members[-1]), score))
        return hits

    def duplicates_of(self, message_ids: Sequence[int]) -> dict[int, np.ndarray]:
        """For each message that has a vector, every message with the identical text (itself too)."""
        index = self.fast_index()
        rows = index.rows_of(np.asarray(list(message_ids), dtype=np.int64))
        return {int(m): index.members_of(int(r)) for m, r in zip(message_ids, rows, strict=True) if r >= 0}

    def exact_within(self, query: np.ndarray, k: int, within: np.ndarray) -> list[tuple[int, float]]:
        """Exact cosine over the stored vectors of the allowed messages."""
        ids, matrix = self.stored_vectors(within)
        if not len(ids):
            return []
        return top_k(ids, matrix @ query, k)

    def similarities(self, message_ids: Sequence[int], query: np.ndarray) -> dict[int, float]:
        """Cosine of `query` with the vectors of these messages (those that have one)."""
        if not message_ids:
            return {}
        index = self.fast_index()
        ids = np.asarray(list(message_ids), dtype=np.int64)
        rows = index.rows_of(ids)
        have = rows >= 0
        scores = np.asarray(index.vectors[rows[have]] @ np.asarray(query, dtype=np.float32))
        return {int(m): float(s) for m, s in zip(ids[have], scores, strict=True)}

    def background(self, query: np.ndarray) -> tuple[float, float]:
        """(median, standard deviation) of the query's cosine over a sample of the rows: how
        similar this query finds texts in general, on this model's own scale."""
        index = self.fast_index()
        if index.rows == 0:
            return 0.0, 1.0
        # Eight contiguous blocks spread over the rows: sequential reads of the mapped file, where
        # 2,048 scattered rows cost a page fault each (0.14 s of a fresh process's search).
        block = max(1, min(index.rows, BACKGROUND_ROWS) // 8)
        starts = np.unique(np.linspace(0, max(0, index.rows - block), 8).astype(np.int64))
        query = np.asarray(query, dtype=np.float32)
        scores = np.concatenate([np.asarray(index.vectors[s : s + block]) @ query for s in starts])
        return float(np.median(scores)), float(scores.std()) or 1.0

    def fast_index(self, queries: QueryVectors | None = None) -> FastIndex:
        """The fast path's files, brought up to date with the store first when they lag."""
        folder = fastpath.folder_for(self.path, self.table)
        generation, max_rowid = self.generation(), self.max_rowid()
        index = fastpath.open_index(folder, generation, max_rowid)
        if index is not None:
            return index
        return fastpath.refresh(folder, self.model, self.dim, generation, max_rowid, self.load_rows,
                                queries or self.calibration)


class SearchableStore(VectorStore[ModelIndex]):
    """The vector store with searchable models; dropping a model drops its fast path."""

    def drop_model(self, model: str) -> None:
        """Forget every vector of `model` (for a full re-embed)."""
        row = self.model_row(model)
        super().drop_model(model)
        if row is not None:
            fastpath.drop(self.path, row["table_name"])


def open_store(settings: Settings, *, create: bool = True) -> SearchableStore:
    """Open (and migrate) the vector store at `VDB_URL` with the configured backend."""
    if not create and not settings.vdb_path.exists():
        raise VectorStoreError(f"there is no vector store at {settings.vdb_path}; run `chatbook embed`")
    conn = open_vectors(settings)
    return SearchableStore(conn, str(settings.vdb_path), settings.vector_backend, ModelIndex)
