-- Social learning: reactions on posts.

-- One of a small fixed set of reactions (see domain::reactions) per person
-- per post per kind.
CREATE TABLE post_reactions (
    post_id    TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id, kind)
);

-- What people know (skills) and want to learn (interests), as tags.
CREATE TABLE user_tags (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- `skill` or `interest`.
    kind    TEXT NOT NULL,
    tag     TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, tag)
);
CREATE INDEX user_tags_by_tag ON user_tags (kind, tag);
