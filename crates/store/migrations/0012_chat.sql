-- Chat: a room per space, and who is in it now.

CREATE TABLE chat_messages (
    id          TEXT PRIMARY KEY,
    space_id    TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    edited_at   BIGINT,
    -- A deleted message keeps its place; its words are gone.
    deleted_at  BIGINT,
    deleted_by  TEXT REFERENCES users(id)
);
-- Ids are ULIDs: in a space, their order is the order of writing.
CREATE INDEX chat_messages_by_space ON chat_messages (space_id, id);

-- The processes serving live connections, and until when each counts as
-- alive (each renews its own row every few seconds).
CREATE TABLE live_nodes (
    node_id     TEXT PRIMARY KEY,
    alive_until BIGINT NOT NULL
);

-- Who has a room open, on which node. A node's rows mean nothing once the
-- node stops renewing itself, and are swept away.
CREATE TABLE presence (
    space_id    TEXT NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    node_id     TEXT NOT NULL,
    since       BIGINT NOT NULL,
    PRIMARY KEY (space_id, user_id, node_id)
);
