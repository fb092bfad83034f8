-- Vector store (VDB_URL): which message has a vector for which model. The vectors themselves
-- live in backend tables (sqlite-vec / sqlite-vss) created per model and dimension by
-- toolkit.vectors, because a virtual table's dimension is fixed at creation.

CREATE TABLE vector_models (
    model       TEXT PRIMARY KEY,
    dim         INTEGER NOT NULL,
    backend     TEXT NOT NULL,           -- 'vec' or 'vss'
    table_name  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE embeddings (
    message_id  INTEGER NOT NULL,          -- messages.id in the primary store
    model       TEXT NOT NULL REFERENCES vector_models(model) ON DELETE CASCADE,
    dim         INTEGER NOT NULL,
    text_sha1   TEXT NOT NULL,           -- identical texts are embedded once
    vector      BLOB NOT NULL,           -- float32, normalised; the source of truth for rebuilds
    created_at  TEXT NOT NULL,
    PRIMARY KEY (model, message_id)
);
CREATE INDEX embeddings_text ON embeddings(model, text_sha1);
