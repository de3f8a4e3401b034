-- A person's own blog: a public community they own, whose blog is theirs.
ALTER TABLE users ADD COLUMN blog_space_id TEXT REFERENCES spaces(id) ON DELETE SET NULL;
