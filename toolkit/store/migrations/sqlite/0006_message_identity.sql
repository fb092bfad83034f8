-- One chat stays one chat across re-exports, edits, fixes and phones (issue #13).

-- Authors as compared: direction marks gone, unusual spaces plain, and a phone number reduced
-- to its digits (with its +), so "+44 7700 900123" written with U+00A0 and with plain spaces
-- is one author. `author` keeps what the export wrote, for display. The Python twin of these
-- expressions is toolkit.store.messages.author_key; both must agree.
ALTER TABLE messages ADD COLUMN author_key TEXT;
UPDATE messages SET author_key = trim(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(
        author,
        char(8206), ''), char(8207), ''), char(8234), ''), char(8235), ''), char(8236), ''),
        char(8237), ''), char(8238), ''), char(8294), ''), char(8295), ''), char(8296), ''),
        char(8297), ''), char(65279), ''), char(1564), ''), char(8203), ''),
        char(160), ' '), char(8239), ' '), char(8199), ' '), char(8201), ' '), char(8202), ' '),
        char(8194), ' '), char(8195), ' '), char(8196), ' '), char(8197), ' '), char(8198), ' '),
        char(8200), ' '), char(12288), ' '), char(9), ' '), char(8287), ' '),
    ' ')
WHERE author IS NOT NULL;
-- A phone number: after removing separators, an optional + and at least five digits.
UPDATE messages SET author_key = (
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(
        author_key,
        ' ', ''), '-', ''), char(8208), ''), char(8209), ''), char(8210), ''), char(8211), ''),
        char(8212), ''), char(8722), ''), '(', ''), ')', ''), '.', ''), '/', '')
)
WHERE author_key IS NOT NULL AND (
    WITH compact(v) AS (SELECT
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(
            author_key,
            ' ', ''), '-', ''), char(8208), ''), char(8209), ''), char(8210), ''), char(8211), ''),
            char(8212), ''), char(8722), ''), '(', ''), ')', ''), '.', ''), '/', ''))
    SELECT (v GLOB '+[0-9][0-9][0-9][0-9][0-9]*' AND NOT substr(v, 2) GLOB '*[^0-9]*')
        OR (v GLOB '[0-9][0-9][0-9][0-9][0-9]*' AND NOT v GLOB '*[^0-9]*')
    FROM compact
);
-- Author filters compare keys without case; nothing queried `author` by exact bytes.
DROP INDEX IF EXISTS messages_author;
CREATE INDEX messages_author_key ON messages(author_key COLLATE NOCASE);

-- Earlier versions of a message: its text before an edit seen in a later export, or before it
-- was deleted. Edited versions can be searched when asked (message_history_fts); deleted
-- text never is (it stays only so that nothing stored is lost and a failed import can undo).
CREATE TABLE message_history (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    edited      INTEGER NOT NULL DEFAULT 0,   -- that version was itself marked edited
    reason      TEXT NOT NULL CHECK (reason IN ('edited', 'deleted')),
    source_file TEXT,                         -- the export that showed that version, if known
    replaced_at TEXT NOT NULL                 -- when chatbook saw the newer version
);
CREATE INDEX message_history_message ON message_history(message_id, id);
CREATE VIRTUAL TABLE message_history_fts USING fts5(
    text, content='message_history', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER message_history_fts_insert AFTER INSERT ON message_history
WHEN new.reason = 'edited' BEGIN
    INSERT INTO message_history_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER message_history_fts_delete AFTER DELETE ON message_history
WHEN old.reason = 'edited' BEGIN
    INSERT INTO message_history_fts(message_history_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
END;

-- Every export a chat was imported from, with the day/month order its dates were read in and
-- whether its own dates decided that order (1), or it was guessed or given (0), or unknown
-- (NULL: imported before this table). A wrong guess is fixed by re-reading the guessed exports'
-- rows in place.
CREATE TABLE chat_exports (
    chat_id        INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    source_file    TEXT NOT NULL,
    date_order     TEXT NOT NULL CHECK (date_order IN ('dmy', 'mdy', 'ymd')),
    order_decisive INTEGER,
    messages       INTEGER NOT NULL DEFAULT 0,
    first          TEXT,
    last           TEXT,
    imported_at    TEXT NOT NULL,
    PRIMARY KEY (chat_id, source_file)
);
INSERT INTO chat_exports (chat_id, source_file, date_order, order_decisive, messages, first,
                          last, imported_at)
SELECT m.chat_id, m.source_file, coalesce(c.date_order, 'dmy'), NULL, count(*), min(m.sent_at),
       max(m.sent_at), max(m.ingested_at)
FROM messages m JOIN chats c ON c.id = m.chat_id
WHERE c.date_order IN ('dmy', 'mdy', 'ymd') OR c.date_order IS NULL
GROUP BY m.chat_id, m.source_file;

-- A re-dating under way (a date order fixed for one export's rows), done in small batches so
-- nobody waits on it: rows with ids up to after_id are done. A crash leaves the row, and the
-- next import finishes the job before anything else.
CREATE TABLE chat_redates (
    chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    source_file TEXT NOT NULL,
    from_order  TEXT NOT NULL CHECK (from_order IN ('dmy', 'mdy', 'ymd')),
    to_order    TEXT NOT NULL CHECK (to_order IN ('dmy', 'mdy', 'ymd')),
    after_id    INTEGER NOT NULL DEFAULT 0,
    started_at  TEXT NOT NULL,
    PRIMARY KEY (chat_id, source_file)
);

-- Names a chat was also known by: a chat merged into another (by `chatbook chats merge`, or
-- automatically when two imports were certainly the same chat) leaves its name here, so the
-- next export under that name goes to the chat it joined.
CREATE TABLE chat_aliases (
    name        TEXT PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX chat_aliases_chat ON chat_aliases(chat_id);
