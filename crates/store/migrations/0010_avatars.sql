-- A picture a person uploaded for themselves. Without one, a default is
-- drawn from their name.
ALTER TABLE users ADD COLUMN avatar_key TEXT;
ALTER TABLE users ADD COLUMN avatar_type TEXT;
ALTER TABLE users ADD COLUMN avatar_updated_at BIGINT;
