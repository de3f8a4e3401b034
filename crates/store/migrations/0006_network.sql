-- Networked learning: follows, blocks, #tags in content, notifications,
-- their delivery preferences, and the job queue that sends email.

-- What a person follows: another person, a space, a thread or a tag.
CREATE TABLE follows (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- `person`, `space`, `thread` or `tag`.
    target_kind TEXT NOT NULL,
    -- A user id, space id, thread id, or the tag itself.
    target      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, target_kind, target)
);
CREATE INDEX follows_by_target ON follows (target_kind, target);

-- `user_id` blocked `blocked_id`: no mentions, messages or notifications
-- from them reach `user_id`.
CREATE TABLE blocks (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
);
CREATE INDEX blocks_by_blocked ON blocks (blocked_id);

-- `#tags` written in posts and wiki pages, kept when the text is written.
-- Where the content is (its thread, its space) is read through the post or
-- page, so moving a thread needs no change here.
CREATE TABLE content_tags (
    -- `post` or `wiki`.
    subject_kind TEXT NOT NULL,
    -- A post id or a wiki page id.
    subject_id   TEXT NOT NULL,
    tag          TEXT NOT NULL,
    PRIMARY KEY (subject_id, tag)
);
CREATE INDEX content_tags_by_tag ON content_tags (tag, subject_kind);

-- One notification per person per event, made from the event log.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_seq  BIGINT NOT NULL,
    -- `reply`, `mention`, `followed`, `accepted`, `review`, `invitation`,
    -- `join_request` (see core::notifications::Kind).
    kind       TEXT NOT NULL,
    -- Who caused it; NULL when they wrote anonymously.
    actor_id   TEXT REFERENCES users(id) ON DELETE SET NULL,
    space_id   TEXT REFERENCES spaces(id) ON DELETE CASCADE,
    -- What to open: a thread, an assignment, an invitation ...
    thread_id  TEXT,
    post_id    TEXT,
    -- What a reader needs to describe it, as a JSON object.
    data       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT,
    -- How the person wanted this kind delivered when it was made:
    -- `app`, `email` or `digest`.
    delivery   TEXT NOT NULL,
    -- Set when a digest carried it (or found it no longer readable).
    digested_at BIGINT,
    UNIQUE (user_id, event_seq)
);
CREATE INDEX notifications_by_user ON notifications (user_id, event_seq);
CREATE INDEX notifications_for_digest ON notifications (delivery, digested_at);

-- How each person wants each kind of notification: `app`, `email`,
-- `digest` or `off`. A missing row means the kind's default.
CREATE TABLE notification_prefs (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    delivery TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- How often a person's digest goes out (`daily`, `weekly` or `never`), and
-- when the last one did.
ALTER TABLE users ADD COLUMN digest_every TEXT NOT NULL DEFAULT 'daily';
ALTER TABLE users ADD COLUMN digest_sent_at BIGINT;

-- Work done after the request that caused it: sending email today.
-- A worker leases a job (`leased_until`, `lease_token`); a worker that dies
-- lets the lease run out and another takes the job over. A job that fails
-- is tried again later (`run_at`) until `attempts` runs out.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    run_at       BIGINT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    leased_until BIGINT,
    lease_token  TEXT,
    done_at      BIGINT,
    -- Set when the job gave up for good.
    failed_at    BIGINT,
    last_error   TEXT
);
CREATE INDEX jobs_due ON jobs (done_at, failed_at, run_at);
