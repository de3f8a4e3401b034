-- A thread a moderator hid (or whose opening post a moderator hid or
-- deleted): it leaves every list, feed and search, and only its author and
-- the space's moderators still find it, until a moderator restores it.

ALTER TABLE threads ADD COLUMN hidden_at BIGINT;
ALTER TABLE threads ADD COLUMN hidden_by TEXT;
