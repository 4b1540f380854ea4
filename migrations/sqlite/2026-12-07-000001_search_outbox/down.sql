DROP INDEX bookmarks_entry_user;
CREATE UNIQUE INDEX bookmarks_user_entry ON bookmarks (user_id, entry_id);
DROP TABLE search_outbox;
