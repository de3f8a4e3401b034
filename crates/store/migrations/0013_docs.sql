-- Shared documents edited live (Yjs): a wiki page's text while people write
-- it together. A document is a snapshot plus the updates written after it;
-- compaction folds updates into the snapshot.

CREATE TABLE docs (
    id              TEXT PRIMARY KEY,
    space_id        TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    -- The wiki page it is the live text of.
    page_id         TEXT REFERENCES wiki_pages(id) ON DELETE CASCADE,
    -- The merged state of every update up to `snapshot_seq` (Yjs update, v1).
    snapshot        BYTEA NOT NULL,
    snapshot_seq    BIGINT NOT NULL DEFAULT 0,
    -- The wiki revision the text was last in step with.
    base_revision   BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE doc_updates (
    doc_id      TEXT NOT NULL REFERENCES docs(id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    body        BYTEA NOT NULL,
    user_id     TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
