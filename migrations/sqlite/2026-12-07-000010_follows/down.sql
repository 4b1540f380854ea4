DROP INDEX bookmarks_user_public_time;
DROP INDEX bookmarks_entry_public_time;
ALTER TABLE users DROP COLUMN follower_count;
ALTER TABLE users DROP COLUMN following_count;
DROP TABLE follows;
