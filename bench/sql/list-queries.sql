-- The list queries the bench scenarios exercise, as diesel spells them
-- (columns abbreviated to *), with :user, :entry and :tag bound to a busy user,
-- a popular entry and that user's most used tag. bench/explain.sh runs
-- EXPLAIN QUERY PLAN (SQLite) / EXPLAIN (PostgreSQL) on each.

-- name: 1. hot entries, first page
SELECT * FROM entries WHERE entries.hot_score > 0 ORDER BY entries.hot_score DESC, entries.id DESC LIMIT 21;

-- name: 1c. a site's hot entries, first page
SELECT * FROM entries WHERE entries.hot_score > 0 AND entries.domain = 'hatenablog.com' ORDER BY entries.hot_score DESC, entries.id DESC LIMIT 21;

-- name: 1d. new entries, first page
SELECT * FROM entries WHERE entries.listed_at IS NOT NULL AND entries.bookmark_count > 0 ORDER BY entries.listed_at DESC, entries.id DESC LIMIT 21;

-- name: 1b. card tags of one entry on a page (one query per entry)
SELECT entry_tags.tag FROM entry_tags WHERE entry_tags.entry_id = :entry ORDER BY entry_tags.count DESC, entry_tags.tag_key LIMIT 3;

-- name: 2. popular comments of an entry
SELECT bookmarks.id, bookmarks.comment, users.username FROM bookmarks INNER JOIN users ON users.id = bookmarks.user_id WHERE bookmarks.entry_id = :entry AND NOT bookmarks.is_private AND bookmarks.comment <> '' ORDER BY bookmarks.star_count DESC, bookmarks.created_at DESC, bookmarks.id DESC LIMIT 21;

-- name: 2b. popular comments, a later page (keyset)
SELECT bookmarks.id, bookmarks.comment, users.username FROM bookmarks INNER JOIN users ON users.id = bookmarks.user_id WHERE bookmarks.entry_id = :entry AND NOT bookmarks.is_private AND bookmarks.comment <> '' AND bookmarks.star_count <= 1 AND (bookmarks.star_count < 1 OR (bookmarks.created_at <= 1700000000000000 AND (bookmarks.created_at < 1700000000000000 OR bookmarks.id < 500000))) ORDER BY bookmarks.star_count DESC, bookmarks.created_at DESC, bookmarks.id DESC LIMIT 21;

-- name: 3. a user's public bookmarks with a tag, first page
SELECT bookmarks.*, entries.*, users.username FROM bookmark_tags INNER JOIN (bookmarks INNER JOIN entries ON entries.id = bookmarks.entry_id INNER JOIN users ON users.id = bookmarks.user_id) ON bookmarks.id = bookmark_tags.bookmark_id WHERE bookmark_tags.user_id = :user AND bookmark_tags.tag_key = :tag AND bookmarks.is_private = false ORDER BY bookmark_tags.created_at DESC, bookmark_tags.bookmark_id DESC LIMIT 21;

-- name: 3b. the same, a deep page (keyset cursor)
SELECT bookmarks.*, entries.*, users.username FROM bookmark_tags INNER JOIN (bookmarks INNER JOIN entries ON entries.id = bookmarks.entry_id INNER JOIN users ON users.id = bookmarks.user_id) ON bookmarks.id = bookmark_tags.bookmark_id WHERE bookmark_tags.user_id = :user AND bookmark_tags.tag_key = :tag AND bookmarks.is_private = false AND bookmark_tags.created_at <= 1700000000000000 AND (bookmark_tags.created_at < 1700000000000000 OR bookmark_tags.bookmark_id < 500000) ORDER BY bookmark_tags.created_at DESC, bookmark_tags.bookmark_id DESC LIMIT 21;

-- name: 3c. a user's public bookmarks, no filter
SELECT bookmarks.*, entries.*, users.username FROM bookmarks INNER JOIN entries ON entries.id = bookmarks.entry_id INNER JOIN users ON users.id = bookmarks.user_id WHERE bookmarks.user_id = :user AND bookmarks.is_private = false ORDER BY bookmarks.created_at DESC, bookmarks.id DESC LIMIT 21;

-- name: 4. a user's tags
SELECT user_tags.tag, user_tags.count, user_tags.public_count FROM user_tags WHERE user_tags.user_id = :user;

-- name: 4b. a user's sites
SELECT user_sites.domain, user_sites.count, user_sites.public_count FROM user_sites WHERE user_sites.user_id = :user;

-- name: 5. hot-score job: public bookmarks of the last week
SELECT bookmarks.entry_id, bookmarks.created_at FROM bookmarks WHERE NOT bookmarks.is_private AND bookmarks.created_at > :week_ago;
