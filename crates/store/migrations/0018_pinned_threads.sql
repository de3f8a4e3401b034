-- A space's pinned threads, read apart from the others so that each part of
-- a thread list follows an index (see threads::threads_in_space). Not a
-- partial index: SQLite re-prepares a statement whose bound values it
-- compared with a partial index's condition, at every execution, and this
-- table is read by the hottest statements.
CREATE INDEX threads_pinned ON threads (space_id, pinned_at, id);
