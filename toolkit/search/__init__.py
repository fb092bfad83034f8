"""Finding messages by words and by meaning.

Owns the local embedding model and `chatbook embed` (`embed`), and keyword (FTS5), vector and
hybrid ranking with filters and context (`query`). Imports `store` and the base modules.
"""
