-- The knowledge repository: wiki pages with revisions, a library of
-- resources with tags and collections, and uploaded files.

CREATE TABLE wiki_pages (
    id            TEXT PRIMARY KEY,
    space_id      TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    -- Unique within the space; `[[Page name]]` links resolve to it.
    slug          TEXT NOT NULL,
    title         TEXT NOT NULL,
    parent_id     TEXT REFERENCES wiki_pages(id) ON DELETE SET NULL,
    -- The newest revision's number; a save based on an older one merges.
    revision      BIGINT NOT NULL DEFAULT 0,
    body          TEXT NOT NULL DEFAULT '',
    body_html     TEXT NOT NULL DEFAULT '',
    -- The addresses its `[[links]]` point at, one per line, so a page view
    -- can mark the missing ones without parsing the text again.
    links         TEXT NOT NULL DEFAULT '',
    -- 1: only facilitators and owners edit.
    protected     INTEGER NOT NULL DEFAULT 0,
    -- The thread of the page's talk page, once someone has started it.
    talk_thread_id TEXT REFERENCES threads(id) ON DELETE SET NULL,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT NOT NULL REFERENCES users(id),
    UNIQUE (space_id, slug)
);
CREATE INDEX wiki_pages_by_parent ON wiki_pages (space_id, parent_id);

-- Every save of a page, kept whole so any two can be compared.
CREATE TABLE wiki_revisions (
    id         TEXT PRIMARY KEY,
    page_id    TEXT NOT NULL REFERENCES wiki_pages(id) ON DELETE CASCADE,
    space_id   TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    number     BIGINT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    author_id  TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (page_id, number)
);
-- Recent changes of a space, newest first.
CREATE INDEX wiki_revisions_by_space ON wiki_revisions (space_id, created_at);

-- Uploaded files. The bytes live in a blob store under `storage_key`.
CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    space_id     TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    uploader_id  TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    -- Sniffed from the content when uploaded, never taken from the name.
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX files_by_space ON files (space_id, created_at);

-- Library items: a link, an uploaded file or an article.
CREATE TABLE library_items (
    id          TEXT PRIMARY KEY,
    space_id    TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    url         TEXT,
    file_id     TEXT REFERENCES files(id),
    -- Markdown: the description of a link or file, the text of an article.
    body        TEXT NOT NULL DEFAULT '',
    body_html   TEXT NOT NULL DEFAULT '',
    -- Space-separated lowercase tags, also in library_tags for filtering.
    tags        TEXT NOT NULL DEFAULT '',
    -- 1: a facilitator suggests it to the space.
    suggested   INTEGER NOT NULL DEFAULT 0,
    author_id   TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX library_items_by_space ON library_items (space_id, updated_at);

CREATE TABLE library_tags (
    item_id  TEXT NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
    space_id TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
);
CREATE INDEX library_tags_by_space ON library_tags (space_id, tag);

-- Collections: ordered reading lists.
CREATE TABLE collections (
    id          TEXT PRIMARY KEY,
    space_id    TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    body_html   TEXT NOT NULL DEFAULT '',
    suggested   INTEGER NOT NULL DEFAULT 0,
    author_id   TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX collections_by_space ON collections (space_id, updated_at);

CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    item_id       TEXT NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    PRIMARY KEY (collection_id, item_id)
);
