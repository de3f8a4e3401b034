-- Learning activities a facilitator runs: team sets, assignments with
-- submissions and peer review, and research quests.

-- A team formed by a team set.
ALTER TABLE spaces ADD COLUMN team_set_id TEXT;

-- A way of splitting a community's members into teams: formed at random
-- (`auto`, `size` people per team) or chosen by members (`choose`, at most
-- `size` per team).
CREATE TABLE team_sets (
    id         TEXT PRIMARY KEY,
    space_id   TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    mode       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX team_sets_by_space ON team_sets (space_id);

-- A community facilitator with rows here facilitates only these teams.
CREATE TABLE facilitator_scopes (
    community_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id      TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    PRIMARY KEY (community_id, user_id, team_id)
);

CREATE TABLE assignments (
    id              TEXT PRIMARY KEY,
    space_id        TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    opens_at        BIGINT NOT NULL,
    due_at          BIGINT NOT NULL,
    -- `space` (every member), `people` (assignment_people) or `teams` (a team set).
    audience        TEXT NOT NULL,
    team_set_id     TEXT REFERENCES team_sets(id) ON DELETE SET NULL,
    -- 1: one submission per team, written together.
    per_team        INTEGER NOT NULL DEFAULT 0,
    -- Peer review: reviewers per submission (0: none), and whether authors
    -- see who reviewed them.
    reviewers       BIGINT NOT NULL DEFAULT 0,
    anonymous_reviews INTEGER NOT NULL DEFAULT 0,
    -- JSON: [{"name": "...", "levels": ["...", ...]}, ...]
    rubric          TEXT NOT NULL DEFAULT '[]',
    reviews_allocated_at BIGINT,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX assignments_by_space ON assignments (space_id, due_at);

CREATE TABLE assignment_people (
    assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (assignment_id, user_id)
);

CREATE TABLE submissions (
    id            TEXT PRIMARY KEY,
    assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    -- Who last saved it.
    author_id     TEXT NOT NULL REFERENCES users(id),
    team_id       TEXT REFERENCES spaces(id) ON DELETE SET NULL,
    -- The person's id, or the team's for a team submission: one each.
    owner_key     TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    submitted_at  BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (assignment_id, owner_key)
);

-- A facilitator's feedback on a submission.
CREATE TABLE submission_comments (
    id            TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    author_id     TEXT NOT NULL REFERENCES users(id),
    body          TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE reviews (
    id            TEXT PRIMARY KEY,
    assignment_id TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    reviewer_id   TEXT NOT NULL REFERENCES users(id),
    -- JSON: [{"level": 2, "comment": "..."}, ...], one per rubric criterion.
    scores        TEXT NOT NULL DEFAULT '[]',
    comment       TEXT NOT NULL DEFAULT '',
    assigned_at   BIGINT NOT NULL,
    submitted_at  BIGINT,
    UNIQUE (submission_id, reviewer_id)
);
CREATE INDEX reviews_by_reviewer ON reviews (reviewer_id);

-- A research quest: a question, seed sources and angles, and findings.
CREATE TABLE quests (
    id           TEXT PRIMARY KEY,
    space_id     TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    question     TEXT NOT NULL,
    body         TEXT NOT NULL,
    body_html    TEXT NOT NULL,
    wiki_page_id TEXT REFERENCES wiki_pages(id) ON DELETE SET NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL
);

CREATE TABLE quest_sources (
    id              TEXT PRIMARY KEY,
    quest_id        TEXT NOT NULL REFERENCES quests(id) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    -- `library` (an item), `link` (a URL) or `angle` (a line of inquiry).
    kind            TEXT NOT NULL,
    library_item_id TEXT REFERENCES library_items(id) ON DELETE SET NULL,
    url             TEXT,
    title           TEXT NOT NULL,
    claimed_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    claimed_at      BIGINT
);

CREATE TABLE quest_findings (
    id         TEXT PRIMARY KEY,
    quest_id   TEXT NOT NULL REFERENCES quests(id) ON DELETE CASCADE,
    source_id  TEXT REFERENCES quest_sources(id) ON DELETE SET NULL,
    author_id  TEXT NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
