-- Bumped when a user changes their password: access tokens carry the
-- generation they were issued in, and older ones stop working at once.
ALTER TABLE users ADD COLUMN session_gen BIGINT NOT NULL DEFAULT 0;
