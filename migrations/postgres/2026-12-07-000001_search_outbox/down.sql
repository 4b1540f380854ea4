ALTER TABLE bookmarks DROP CONSTRAINT bookmarks_entry_id_user_id_key;
ALTER TABLE bookmarks ADD CONSTRAINT bookmarks_user_id_entry_id_key UNIQUE (user_id, entry_id);
DROP TABLE search_outbox;
