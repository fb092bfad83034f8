-- Every chat's zone with where it came from; what kind of event a proposal is; and why a
-- message is one of a proposal's sources (issue #11).

-- Where the chat's zone came from: given (--tz, `chatbook chats set-tz`, a run's tz parameter),
-- phones (its authors' international numbers), locale (the export's language) or machine (this
-- machine's zone, or CHATBOOK_TZ). tz_note says why in words ("5 of 6 numbers are +34 ...").
ALTER TABLE chats ADD COLUMN tz_source TEXT
    CHECK (tz_source IN ('given', 'phones', 'locale', 'machine'));
ALTER TABLE chats ADD COLUMN tz_note TEXT;
-- A zone recorded before sources were kept: someone chose it unless it is the old UTC default;
-- a UTC chat stays unrecorded (NULL), and its next import infers its zone again.
UPDATE chats SET tz_source = 'given', tz_note = 'recorded before zone sources were kept'
    WHERE tz IS NOT NULL AND tz NOT IN ('UTC', 'Etc/UTC');

-- An event, a deadline (all-day, titled by what is due) or a closure ("no school"): both the
-- proposal and the accepted event carry it, and the calendar export marks it.
ALTER TABLE proposals ADD COLUMN kind TEXT NOT NULL DEFAULT 'event'
    CHECK (kind IN ('event', 'deadline', 'closure'));
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'event'
    CHECK (kind IN ('event', 'deadline', 'closure'));

-- 1: the proposal is in its chat's zone and moves with it when that zone is changed;
-- 0: a reviewer (or the text itself) chose another zone, which a chat change leaves alone.
ALTER TABLE proposals ADD COLUMN tz_follows_chat INTEGER NOT NULL DEFAULT 1;
UPDATE proposals SET tz_follows_chat = 0
    WHERE tz IS NOT (SELECT c.tz FROM messages m JOIN chats c ON c.id = m.chat_id
                     WHERE m.id = proposals.source_message_id);

-- Why a message is a source: it mentioned the event, updated it (a new time, place or name)
-- or cancelled it. The card shows each with its message.
ALTER TABLE proposal_sources ADD COLUMN role TEXT NOT NULL DEFAULT 'mention'
    CHECK (role IN ('mention', 'update', 'cancel'));
