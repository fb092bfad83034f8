"""Finding messages by words and by meaning.

Owns the local embedding model and `chatbook embed` (`embed`), searching the vector store
(`vector_index`: the SQL backends, or this process's in-memory copy in `fastpath` for large
stores), and keyword (FTS5), vector and hybrid ranking with filters and context (`query`).
Imports `store` and the base modules.
"""
