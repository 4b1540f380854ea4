-- Back to the unique keys as table constraints.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE entries_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    domain TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    thumbnail_url TEXT,
    favicon_url TEXT,
    bookmark_count BIGINT NOT NULL DEFAULT 0,
    first_bookmarked_at BIGINT,
    listed_at BIGINT,
    hot_score REAL NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    fetch_status TEXT NOT NULL DEFAULT 'pending',
    fetch_attempts INTEGER NOT NULL DEFAULT 0,
    fetch_next_at BIGINT,
    fetched_at BIGINT,
    fetch_error TEXT
);
INSERT INTO entries_rebuilt (id, url, domain, title, summary, thumbnail_url, favicon_url,
        bookmark_count, first_bookmarked_at, listed_at, hot_score, created_at,
        fetch_status, fetch_attempts, fetch_next_at, fetched_at, fetch_error)
    SELECT id, url, domain, title, summary, thumbnail_url, favicon_url,
        bookmark_count, first_bookmarked_at, listed_at, hot_score, created_at,
        fetch_status, fetch_attempts, fetch_next_at, fetched_at, fetch_error
    FROM entries;
-- AUTOINCREMENT never hands out an id again, even of a deleted row: keep
-- the counter as it was (the rename below carries it over).
DELETE FROM sqlite_sequence WHERE name = 'entries_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'entries_rebuilt', seq FROM sqlite_sequence WHERE name = 'entries';
DROP TABLE entries;
ALTER TABLE entries_rebuilt RENAME TO entries;
CREATE INDEX entries_new ON entries (listed_at DESC, id DESC) WHERE listed_at IS NOT NULL;
CREATE INDEX entries_hot ON entries (hot_score DESC, id DESC) WHERE hot_score > 0;
CREATE INDEX entries_site_new ON entries (domain, first_bookmarked_at DESC, id DESC);
CREATE INDEX entries_site_hot ON entries (domain, hot_score DESC, id DESC) WHERE hot_score > 0;
CREATE INDEX entries_fetch_due ON entries (fetch_next_at) WHERE fetch_next_at IS NOT NULL;

CREATE TABLE bookmarks_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    is_private BOOLEAN NOT NULL DEFAULT FALSE,
    read_later BOOLEAN NOT NULL DEFAULT FALSE,
    star_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (user_id, entry_id)
);
INSERT INTO bookmarks_rebuilt (id, user_id, entry_id, domain, comment, tags, is_private,
        read_later, star_count, created_at, updated_at, note)
    SELECT id, user_id, entry_id, domain, comment, tags, is_private,
        read_later, star_count, created_at, updated_at, note
    FROM bookmarks;
DELETE FROM sqlite_sequence WHERE name = 'bookmarks_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'bookmarks_rebuilt', seq FROM sqlite_sequence WHERE name = 'bookmarks';
DROP TABLE bookmarks;
ALTER TABLE bookmarks_rebuilt RENAME TO bookmarks;
CREATE INDEX bookmarks_user_time ON bookmarks (user_id, created_at DESC, id DESC);
CREATE INDEX bookmarks_user_site_time ON bookmarks (user_id, domain, created_at DESC, id DESC);
CREATE INDEX bookmarks_user_read_later ON bookmarks (user_id, created_at DESC, id DESC) WHERE read_later;
CREATE INDEX bookmarks_entry_recent ON bookmarks (entry_id, created_at DESC, id DESC) WHERE NOT is_private AND comment <> '';
CREATE INDEX bookmarks_entry_popular ON bookmarks (entry_id, star_count DESC, created_at DESC, id DESC) WHERE NOT is_private AND comment <> '';
CREATE INDEX bookmarks_public_time ON bookmarks (created_at) WHERE NOT is_private;

COMMIT;
PRAGMA foreign_keys = ON;
