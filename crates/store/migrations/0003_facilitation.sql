-- Facilitation: questions and answers with votes, anonymous-to-peers posts,
-- and the facilitator's controls over a discussion (pin, lock, close, slow
-- mode, post-first mode, scheduled prompts, merging).

-- A space's discussion rules, set by its facilitators.
ALTER TABLE spaces ADD COLUMN allow_anonymous INTEGER NOT NULL DEFAULT 0;
-- Seconds a member waits between two posts anywhere in the space; 0: off.
ALTER TABLE spaces ADD COLUMN slow_mode_secs BIGINT NOT NULL DEFAULT 0;
-- 1: new threads start in post-first mode.
ALTER TABLE spaces ADD COLUMN post_first INTEGER NOT NULL DEFAULT 0;

ALTER TABLE threads ADD COLUMN pinned_at BIGINT;
-- A locked thread takes no new replies (except from facilitators).
ALTER TABLE threads ADD COLUMN locked_at BIGINT;
-- A closed thread is finished: no new replies, and the reason is shown.
ALTER TABLE threads ADD COLUMN closed_at BIGINT;
ALTER TABLE threads ADD COLUMN close_reason TEXT;
-- Seconds a member waits between two posts in this thread; 0: off.
ALTER TABLE threads ADD COLUMN slow_mode_secs BIGINT NOT NULL DEFAULT 0;
-- 1: a member sees the other replies only once they have posted their own.
ALTER TABLE threads ADD COLUMN post_first INTEGER NOT NULL DEFAULT 0;
-- A scheduled prompt: only its space's facilitators see it until this time.
-- Set back to NULL when the prompt opens.
ALTER TABLE threads ADD COLUMN opens_at BIGINT;
-- 1: the opening post was written anonymously to peers.
ALTER TABLE threads ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
-- For a question: the accepted answer.
ALTER TABLE threads ADD COLUMN accepted_post_id TEXT REFERENCES posts(id) ON DELETE SET NULL;
-- A thread merged into another keeps its id so links to it still lead there.
ALTER TABLE threads ADD COLUMN merged_into TEXT REFERENCES threads(id) ON DELETE SET NULL;
CREATE INDEX threads_scheduled ON threads (opens_at);

ALTER TABLE posts ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
-- The sum of the votes on an answer, kept with it so answers sort by it.
ALTER TABLE posts ADD COLUMN score BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN endorsed_by TEXT REFERENCES users(id);
ALTER TABLE posts ADD COLUMN endorsed_at BIGINT;
CREATE INDEX posts_by_author ON posts (author_id, created_at);

-- One vote per person per answer, changeable: +1 or -1.
CREATE TABLE post_votes (
    post_id  TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    value    BIGINT NOT NULL,
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
