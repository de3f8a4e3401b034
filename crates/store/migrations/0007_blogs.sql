-- Blogs: a space's posts for the people it serves, with a cover picture, an
-- optional sound file (which makes the post a podcast episode) and a
-- discussion thread for comments.

CREATE TABLE blog_posts (
    id            TEXT PRIMARY KEY,
    space_id      TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id     TEXT NOT NULL REFERENCES users(id),
    -- Unique within the space; the post's address.
    slug          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_html     TEXT NOT NULL,
    -- Uploaded to the same space: a picture, and a sound file.
    cover_file_id TEXT REFERENCES files(id) ON DELETE SET NULL,
    audio_file_id TEXT REFERENCES files(id) ON DELETE SET NULL,
    -- NULL while it is a draft.
    published_at  BIGINT,
    -- Made when the post is first published.
    comments_thread_id TEXT REFERENCES threads(id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (space_id, slug)
);
CREATE INDEX blog_posts_by_space ON blog_posts (space_id, published_at);
CREATE INDEX blog_posts_by_comments ON blog_posts (comments_thread_id);
