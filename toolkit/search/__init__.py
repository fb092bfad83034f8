"""Finding messages by words and by meaning.

Owns the local embedding models and `chatbook embed` (`embed`: multilingual-e5-small by
default), searching the vector store (`vector_index`: the memory-mapped files of `fastpath`
beside the store, one row per distinct text, or the SQL backends), and keyword (FTS5), vector
and hybrid ranking with filters, identical texts collapsed and context (`query`).
Imports `store` and the base modules.
"""
