-- Changes the search index must pick up, written in the transaction of the
-- change: the indexer re-reads each item's current state. SQLite has one
-- writer at a time, so rows commit in id order: `txid` stays 0 and the
-- rowid alone is the reading order (no index on (txid, id) needed).
-- AUTOINCREMENT: a purged table must not hand out an id again, or rows
-- written after a purge would sort before a reader's cursor.
CREATE TABLE search_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    txid BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- The unique key of bookmarks leads with the entry: lookups of one
-- (user, entry) pair use it either way, and an entry's bookmarks (the
-- search documents to rebuild when its title changes) are then found
-- without an index of their own.
DROP INDEX bookmarks_user_entry;
CREATE UNIQUE INDEX bookmarks_entry_user ON bookmarks (entry_id, user_id);
