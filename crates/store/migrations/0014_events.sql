-- Events: live sessions scheduled in a space, who is coming, and the one
-- reminder each sends. The table is `calendar_events` because `events` is
-- the event log. An event's shared notes are a live document (`docs`, id
-- `event:{event id}`), so they need no column here.

CREATE TABLE calendar_events (
    id               TEXT PRIMARY KEY,
    space_id         TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    description_html TEXT NOT NULL,
    starts_at        BIGINT NOT NULL,
    ends_at          BIGINT NOT NULL,
    -- Where it happens: a room, an address to join at, or both.
    place            TEXT,
    link             TEXT,
    created_by       TEXT NOT NULL REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    -- Bumped by every change a calendar should pick up (iCalendar SEQUENCE).
    revision         BIGINT NOT NULL DEFAULT 0,
    cancelled_at     BIGINT,
    -- When the reminder went out; moving the start clears it, so the
    -- reminder comes again before the new time.
    reminded_at      BIGINT,
    -- The wiki page the notes became, once someone turned them into one.
    notes_page_id    TEXT REFERENCES wiki_pages(id) ON DELETE SET NULL
);
CREATE INDEX calendar_events_by_space ON calendar_events (space_id, starts_at);
-- The reminder sweep reads only events not yet reminded.
CREATE INDEX calendar_events_to_remind ON calendar_events (starts_at) WHERE reminded_at IS NULL;

CREATE TABLE event_rsvps (
    event_id   TEXT NOT NULL REFERENCES calendar_events(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- `yes`, `maybe` or `no`.
    answer     TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_rsvps_by_user ON event_rsvps (user_id);

-- A person's calendar address is signed with this number; raising it makes
-- every address given out before stop working.
ALTER TABLE users ADD COLUMN calendar_epoch BIGINT NOT NULL DEFAULT 0;
