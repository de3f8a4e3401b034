-- A person's unread notifications, newest first, without reading the read
-- ones: the bell on every page asks for them. (Not a partial index: see
-- 0018.)
CREATE INDEX notifications_unread ON notifications (user_id, read_at, event_seq);
