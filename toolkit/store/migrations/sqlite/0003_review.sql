-- Review and export support.
-- proposal_keys: every dedupe key that leads to a proposal. A proposal is born with one key
-- (normalised title + start); a fuzzy merge or an edit adds more, so the extractor finding the
-- same event again, under its old or its new wording, never makes a second proposal.
CREATE TABLE proposal_keys (
    key         TEXT PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);
CREATE INDEX proposal_keys_proposal ON proposal_keys(proposal_id);
INSERT INTO proposal_keys(key, proposal_id, created_at)
    SELECT dedupe_key, id, created_at FROM proposals;

-- Cancellations and all-day/timed merges look proposals up by day, whatever their status.
CREATE INDEX proposals_start ON proposals(start);

-- An event never exported may simply disappear on undo; an exported one must be cancelled,
-- or the calendars that imported it keep a ghost.
ALTER TABLE events ADD COLUMN exported_at TEXT;
