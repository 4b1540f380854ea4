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

-- name: 11. the followees' feed, first page (:user follows 200 people)
-- only: postgres
WITH heads AS MATERIALIZED (SELECT f.followee_id AS uid, h.created_at AS head FROM follows f CROSS JOIN LATERAL (SELECT x.created_at FROM bookmarks x WHERE x.user_id = f.followee_id AND NOT x.is_private AND x.created_at <= 9223372036854775807 AND (x.created_at < 9223372036854775807 OR x.id < 9223372036854775807) ORDER BY x.created_at DESC, x.id DESC LIMIT 1) h WHERE f.follower_id = :user AND NOT EXISTS (SELECT 1 FROM user_mutes m WHERE m.user_id = f.follower_id AND m.muted_id = f.followee_id)), bound AS (SELECT COALESCE((SELECT head FROM heads ORDER BY head DESC LIMIT 1 OFFSET 20), -9223372036854775808) AS t) SELECT b.id, b.created_at FROM bound, heads CROSS JOIN LATERAL (SELECT x.id AS id, x.created_at FROM bookmarks x WHERE x.user_id = heads.uid AND NOT x.is_private AND x.created_at <= 9223372036854775807 AND (x.created_at < 9223372036854775807 OR x.id < 9223372036854775807) AND x.created_at >= bound.t ORDER BY x.created_at DESC, x.id DESC LIMIT 21) b WHERE heads.head >= bound.t ORDER BY b.created_at DESC, b.id DESC LIMIT 21;

-- name: 11. the followees' feed, first page (:user follows 200 people)
-- only: sqlite
WITH heads AS MATERIALIZED (SELECT f.followee_id AS uid, (SELECT x.created_at FROM bookmarks x WHERE x.user_id = f.followee_id AND NOT x.is_private AND x.created_at <= 9223372036854775807 AND (x.created_at < 9223372036854775807 OR x.id < 9223372036854775807) ORDER BY x.created_at DESC, x.id DESC LIMIT 1) AS head FROM follows f WHERE f.follower_id = :user AND NOT EXISTS (SELECT 1 FROM user_mutes m WHERE m.user_id = f.follower_id AND m.muted_id = f.followee_id)), bound AS (SELECT COALESCE((SELECT head FROM heads WHERE head IS NOT NULL ORDER BY head DESC LIMIT 1 OFFSET 20), -9223372036854775808) AS t) SELECT b.id AS id, b.created_at AS created_at FROM heads, bound, bookmarks b WHERE heads.head >= bound.t AND b.id IN (SELECT x.id FROM bookmarks x WHERE x.user_id = heads.uid AND NOT x.is_private AND x.created_at <= 9223372036854775807 AND (x.created_at < 9223372036854775807 OR x.id < 9223372036854775807) AND x.created_at >= bound.t ORDER BY x.created_at DESC, x.id DESC LIMIT 21) ORDER BY b.created_at DESC, b.id DESC LIMIT 21;

-- name: 12. my hot entries, first page: the window of each followee's last week
-- only: postgres
WITH w AS MATERIALIZED (SELECT f.followee_id AS uid, x.entry_id, x.created_at FROM follows f CROSS JOIN LATERAL (SELECT b.entry_id, b.created_at FROM bookmarks b WHERE b.user_id = f.followee_id AND NOT b.is_private AND b.created_at >= :week_ago AND b.hidden_at IS NULL ORDER BY b.created_at DESC, b.id DESC LIMIT 20) x WHERE f.follower_id = :user AND NOT EXISTS (SELECT 1 FROM user_mutes m WHERE m.user_id = f.follower_id AND m.muted_id = f.followee_id) AND NOT EXISTS (SELECT 1 FROM users s WHERE s.id = f.followee_id AND s.suspended_at IS NOT NULL)), ranked AS (SELECT w.entry_id, count(*) AS n FROM w GROUP BY w.entry_id) SELECT r.entry_id, r.n, e.hot_score FROM ranked r JOIN entries e ON e.id = r.entry_id AND e.hidden_at IS NULL ORDER BY r.n DESC, e.hot_score DESC, r.entry_id DESC LIMIT 21;

-- name: 12. my hot entries, first page: the window of each followee's last week
-- only: sqlite
WITH w AS MATERIALIZED (SELECT f.followee_id AS uid, b.entry_id, b.created_at FROM follows f, bookmarks b WHERE f.follower_id = :user AND NOT EXISTS (SELECT 1 FROM user_mutes m WHERE m.user_id = f.follower_id AND m.muted_id = f.followee_id) AND b.id IN (SELECT x.id FROM bookmarks x WHERE x.user_id = f.followee_id AND NOT x.is_private AND x.created_at >= :week_ago AND x.hidden_at IS NULL ORDER BY x.created_at DESC, x.id DESC LIMIT 20) AND NOT EXISTS (SELECT 1 FROM users s WHERE s.id = f.followee_id AND s.suspended_at IS NOT NULL)), ranked AS (SELECT w.entry_id, count(*) AS n FROM w GROUP BY w.entry_id) SELECT r.entry_id, r.n, e.hot_score FROM ranked r JOIN entries e ON e.id = r.entry_id AND e.hidden_at IS NULL ORDER BY r.n DESC, e.hot_score DESC, r.entry_id DESC LIMIT 21;

-- name: 13. the unread-notification count
SELECT notification_counts.unread FROM notification_counts WHERE notification_counts.user_id = :user;
