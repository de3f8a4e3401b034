-- A live document whose stored state cannot be loaded (an update that
-- breaks it, written before updates were checked) is quarantined: its
-- rooms refuse connections, its page keeps its last revision, and admins
-- see it listed until they start it afresh.

ALTER TABLE docs ADD COLUMN quarantined_at BIGINT;
ALTER TABLE docs ADD COLUMN quarantine_reason TEXT;
