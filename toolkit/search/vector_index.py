"""Searching the vector store: the SQL backends for small stores, the fast path for large ones.

`open_store` opens the vector store (`toolkit.store.vectors`, the SQL) so that its models come
back as `ModelIndex`: a `ModelTable` that can also search, either with the backend's SQL or
with this process's numpy copy (`toolkit.search.fastpath`). Dropping a model also drops that
copy. The split keeps the layering: the store owns the tables, search owns the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from toolkit.config import Settings
from toolkit.search import fastpath
from toolkit.search.fastpath import FastIndex, top_k
from toolkit.store.connect import open_vectors
from toolkit.store.vectors import ModelTable, VecBackend, VectorStore, VectorStoreError

FAST_MIN_ROWS = 20_000  # below this an exact SQL scan is quick enough and needs no warm-up
SQL_IN_MAX = 20_000  # candidate ids passed to SQL as a JSON array, at most


class ModelIndex(ModelTable):
    """The vectors of one model in an open store: add, look up by text, search."""

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
            fast = fastpath.is_warm((self.path, self.model)) or self.count() >= FAST_MIN_ROWS
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
        ids, matrix = self.stored_vectors(within)
        if not len(ids):
            return []
        return top_k(ids, matrix @ query, k)

    def similarities(self, message_ids: Sequence[int], query: np.ndarray) -> dict[int, float]:
        """Cosine of `query` with the stored vectors of these messages (those that have one)."""
        if not message_ids:
            return {}
        found = self.exact_within(np.asarray(query, dtype=np.float32), len(message_ids),
                                  np.asarray(message_ids, dtype=np.int64))
        return dict(found)

    def fast_index(self) -> FastIndex:
        """This process's numpy copy, brought up to date with the store (append or reload)."""
        return fastpath.refreshed((self.path, self.model), self.generation(), self.max_rowid(),
                                  self.load_rows)


class SearchableStore(VectorStore[ModelIndex]):
    """The vector store with searchable models; dropping a model drops its in-memory copy."""

    def drop_model(self, model: str) -> None:
        """Forget every vector of `model` (for a full re-embed)."""
        super().drop_model(model)
        fastpath.forget((self.path, model))


def open_store(settings: Settings, *, create: bool = True) -> SearchableStore:
    """Open (and migrate) the vector store at `VDB_URL` with the configured backend."""
    if not create and not settings.vdb_path.exists():
        raise VectorStoreError(f"there is no vector store at {settings.vdb_path}; run `chatbook embed`")
    conn = open_vectors(settings)
    return SearchableStore(conn, str(settings.vdb_path), settings.vector_backend, ModelIndex)
