-- Moderation: flags on posts, hidden posts, and a way to read the event log
-- by kind (the audit log is the moderators' and admins' events in it).

-- A moderator hid the post: only its author and the space's moderators
-- still read it; everyone else sees that it was hidden.
ALTER TABLE posts ADD COLUMN hidden_at BIGINT;
ALTER TABLE posts ADD COLUMN hidden_by TEXT REFERENCES users(id);

-- Someone asked the space's moderators to look at a post.
CREATE TABLE flags (
    id          TEXT PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    flagger_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- `spam`, `abuse`, `off_topic`, `inappropriate` or `other`.
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    -- Set when a moderator decided: `hidden`, `dismissed`, `warned` or
    -- `deleted`.
    resolved_at BIGINT,
    resolved_by TEXT REFERENCES users(id),
    resolution  TEXT
);
-- One open flag per person and post.
CREATE UNIQUE INDEX flags_one_open ON flags (post_id, flagger_id) WHERE resolved_at IS NULL;
CREATE INDEX flags_open ON flags (resolved_at, created_at);

-- The audit log reads the newest events of some kinds.
CREATE INDEX events_by_kind ON events (kind, seq);
