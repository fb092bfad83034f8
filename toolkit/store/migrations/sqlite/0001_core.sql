-- Core schema of the primary store (ADR-0020): chats, messages + FTS5, proposals, events,
-- agent messages, and the operational metadata (cursors, runs, counters, outbox).

CREATE TABLE chats (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    tz          TEXT,                      -- IANA zone the export's local times are in
    locale      TEXT,                      -- e.g. en-GB; drives day/month order in extraction
    date_order  TEXT,                      -- dmy / mdy / ymd as detected or forced at ingest
    lang        TEXT,                      -- dominant language, detected
    created_at  TEXT NOT NULL
);

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    chat_id       INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    sent_at       TEXT NOT NULL,           -- local time as written in the export, ISO, seconds
    sent_at_utc   TEXT,                    -- the same instant in UTC, when the zone is known
    author        TEXT,                    -- NULL for system messages without an actor
    text          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN
                    ('text', 'system', 'media', 'deleted', 'poll', 'location', 'contact',
                     'view_once', 'call')),
    media         TEXT,                    -- file name as written in the export
    attachment_sha256 TEXT,                -- content address of the copied media file
    edited        INTEGER NOT NULL DEFAULT 0,
    source_file   TEXT NOT NULL,
    source_line   INTEGER NOT NULL,
    content_key   TEXT NOT NULL UNIQUE,    -- makes re-import idempotent
    ingested_at   TEXT NOT NULL
);
CREATE INDEX messages_chat_time ON messages(chat_id, sent_at, id);
CREATE INDEX messages_author ON messages(author);
CREATE INDEX messages_kind ON messages(kind);
CREATE INDEX messages_sha ON messages(attachment_sha256) WHERE attachment_sha256 IS NOT NULL;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE proposals (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    start             TEXT NOT NULL,       -- ISO with offset, or a date when all_day
    end               TEXT,
    all_day           INTEGER NOT NULL DEFAULT 0,
    tz                TEXT,
    location          TEXT,
    confidence        REAL NOT NULL DEFAULT 0,
    status            TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'accepted', 'edited', 'rejected', 'cancelled')),
    source_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    extraction_id     INTEGER,             -- Postgres extractions.id; integrity is app-enforced
    extractor         TEXT,
    extractor_version TEXT,
    dedupe_key        TEXT NOT NULL UNIQUE,  -- same event from several messages -> one proposal
    flagged           TEXT,                -- e.g. 'possibly cancelled by message 123'
    reject_reason     TEXT,
    version           INTEGER NOT NULL DEFAULT 1,  -- optimistic locking for reviewers
    reviewed_by       TEXT,
    reviewed_at       TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX proposals_status ON proposals(status, start);
CREATE INDEX proposals_message ON proposals(source_message_id);
CREATE INDEX proposals_extraction ON proposals(extraction_id) WHERE extraction_id IS NOT NULL;

CREATE TABLE proposal_sources (
    proposal_id   INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    message_id    INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    extraction_id INTEGER,
    created_at    TEXT NOT NULL,
    UNIQUE (proposal_id, message_id, extraction_id)
);
CREATE INDEX proposal_sources_message ON proposal_sources(message_id);

CREATE TABLE proposal_audit (          -- append-only trail of review decisions
    id          INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals(id),
    action      TEXT NOT NULL,
    before      TEXT,                    -- JSON
    after       TEXT,                    -- JSON
    reviewer    TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX proposal_audit_proposal ON proposal_audit(proposal_id, id);
CREATE TRIGGER proposal_audit_no_update BEFORE UPDATE ON proposal_audit BEGIN
    SELECT RAISE(ABORT, 'proposal_audit is append-only');
END;
CREATE TRIGGER proposal_audit_no_delete BEFORE DELETE ON proposal_audit BEGIN
    SELECT RAISE(ABORT, 'proposal_audit is append-only');
END;

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,      -- stable iCalendar UID
    proposal_id INTEGER UNIQUE REFERENCES proposals(id),
    chat_id     INTEGER REFERENCES chats(id),
    title       TEXT NOT NULL,
    start       TEXT NOT NULL,
    end         TEXT,
    all_day     INTEGER NOT NULL DEFAULT 0,
    tz          TEXT,
    location    TEXT,
    sequence    INTEGER NOT NULL DEFAULT 0,  -- bumped on every edit (RFC 5545 SEQUENCE)
    status      TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX events_start ON events(start);

CREATE TABLE agent_messages (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER REFERENCES chats(id),
    event_id    INTEGER REFERENCES events(id),
    kind        TEXT NOT NULL CHECK (kind IN ('confirmation', 'digest', 'cancellation')),
    lang        TEXT,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent')),
    period      TEXT,                      -- digests: the ISO week they cover
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (kind, event_id, chat_id, period)
);

CREATE TABLE etl_cursors (
    name        TEXT PRIMARY KEY,          -- e.g. 'embed:all-MiniLM-L6-v2', 'extract:text'
    value       INTEGER NOT NULL,          -- highest message id processed
    updated_at  TEXT NOT NULL
);

CREATE TABLE pipeline_runs (
    id              TEXT PRIMARY KEY,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    parameters      TEXT NOT NULL,         -- JSON, secrets redacted
    toolkit_version TEXT NOT NULL,
    git_commit      TEXT,
    notebooks       TEXT NOT NULL DEFAULT '[]',  -- JSON: name, status, seconds, output paths
    output_dir      TEXT,
    error           TEXT
);
CREATE INDEX pipeline_runs_started ON pipeline_runs(started_at);

CREATE TABLE counters (
    name        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);

CREATE TABLE outbox (                  -- cross-store writes (to Postgres) not done yet
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,         -- JSON
    dedupe_key    TEXT NOT NULL UNIQUE,  -- draining twice must not write twice
    created_at    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    done_at       TEXT
);
CREATE INDEX outbox_pending ON outbox(id) WHERE done_at IS NULL;
