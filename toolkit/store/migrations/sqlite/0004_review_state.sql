-- Where each reviewer is in each review queue, so a kernel restart (or a reload of the
-- `chatbook review` page) resumes on the same proposal with the same undo history.
-- A queue is identified by its filters and order (canonical JSON in queue_key).

CREATE TABLE review_state (
    reviewer    TEXT NOT NULL,
    queue_key   TEXT NOT NULL,              -- canonical JSON: status, chat, confidence, dates, order
    current_id  INTEGER,                    -- proposal on screen; no foreign key: it may vanish
    queue       TEXT NOT NULL DEFAULT '[]', -- JSON list of proposal ids in queue order
    undo        TEXT NOT NULL DEFAULT '[]', -- JSON list of ids decided here, newest last
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (reviewer, queue_key)
);
