-- Optional media store (ADR-0020): attachments and what extractors found in them.
-- message_id refers to messages.id in SQLite; integrity is enforced by the application.

CREATE TABLE attachments (
    id           BIGSERIAL PRIMARY KEY,
    message_id   BIGINT NOT NULL,
    chat         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    mime         TEXT,
    size_bytes   BIGINT NOT NULL,
    width        INTEGER,
    height       INTEGER,
    exif         JSONB,
    phash        TEXT,
    path         TEXT NOT NULL,          -- where the file lives under ATTACHMENTS_DIR
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (message_id, sha256)
);
CREATE INDEX attachments_sha256 ON attachments(sha256);
CREATE INDEX attachments_phash ON attachments(phash);

CREATE TABLE extractions (
    id                BIGSERIAL PRIMARY KEY,
    attachment_id     BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    extractor         TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'duplicate')),
    ocr_text          TEXT,
    boxes             JSONB,
    result            JSONB,
    confidence        REAL,
    duration_ms       INTEGER,
    error             TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (attachment_id, extractor, extractor_version)
);
CREATE INDEX extractions_status ON extractions(status);
