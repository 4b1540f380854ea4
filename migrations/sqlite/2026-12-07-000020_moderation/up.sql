-- Moderation: reports of comments, entries and users, grouped per target
-- into cases an admin resolves, and an append-only log of every action.

-- A suspended user cannot sign in or use tokens; their comments are hidden.
ALTER TABLE users ADD COLUMN suspended_at BIGINT;
-- The few suspended users, for excluding their comments by id.
CREATE INDEX users_suspended ON users (id) WHERE suspended_at IS NOT NULL;

-- An admin hid this entry: it leaves every public list, feed and search.
ALTER TABLE entries ADD COLUMN hidden_at BIGINT;

-- An admin hid this bookmark's comment: only its owner still sees it.
ALTER TABLE bookmarks ADD COLUMN hidden_at BIGINT;

-- The comment lists index only the comments anyone may see, so that hiding
-- one takes it out of the index its list reads.
DROP INDEX bookmarks_entry_recent;
DROP INDEX bookmarks_entry_popular;
CREATE INDEX bookmarks_entry_recent ON bookmarks (entry_id, created_at DESC, id DESC)
    WHERE NOT is_private AND comment <> '' AND hidden_at IS NULL;
CREATE INDEX bookmarks_entry_popular ON bookmarks (entry_id, star_count DESC, created_at DESC, id DESC)
    WHERE NOT is_private AND comment <> '' AND hidden_at IS NULL;

-- One case per reported target (kind 'comment' = a bookmark id, 'entry',
-- 'user'): the admin queue lists cases, newest report first, and a
-- resolution closes every open report of the case. A new report reopens it.
CREATE TABLE report_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    open_count BIGINT NOT NULL DEFAULT 0,
    report_count BIGINT NOT NULL DEFAULT 0,
    last_reported_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT,
    resolution TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX report_cases_target ON report_cases (target_kind, target_id);
CREATE INDEX report_cases_queue ON report_cases (status, last_reported_at DESC, id DESC);

-- One report per reporter and case.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES report_cases (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE UNIQUE INDEX reports_reporter_case ON reports (reporter_id, case_id);
-- Counting a reporter's reports of the last hour (the rate limit).
CREATE INDEX reports_reporter_time ON reports (reporter_id, created_at);
CREATE INDEX reports_case ON reports (case_id, id);

-- Every moderation action, never changed or deleted (triggers refuse it).
-- No foreign keys: the log outlives what it names.
CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    case_id BIGINT,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE TRIGGER moderation_log_no_update BEFORE UPDATE ON moderation_log
BEGIN
    SELECT RAISE(ABORT, 'moderation_log is append-only');
END;
CREATE TRIGGER moderation_log_no_delete BEFORE DELETE ON moderation_log
BEGIN
    SELECT RAISE(ABORT, 'moderation_log is append-only');
END;
