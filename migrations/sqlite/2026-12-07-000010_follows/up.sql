-- One-way follows (Hatena's お気に入り): no approval. The key serves "does
-- A follow B" and the feed's list of followees; the two indexes give each
-- side's list newest first, keyed (created_at, other id) for keyset pages.
CREATE TABLE follows (
    follower_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
) WITHOUT ROWID;
CREATE INDEX follows_followers ON follows (followee_id, created_at DESC, follower_id DESC);
CREATE INDEX follows_following ON follows (follower_id, created_at DESC, followee_id DESC);

-- Kept equal to the rows of follows in the transaction that changes them.
ALTER TABLE users ADD COLUMN following_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN follower_count BIGINT NOT NULL DEFAULT 0;

-- Everyone who bookmarked an entry publicly, with or without a comment,
-- newest first (Hatena's full list of who bookmarked).
CREATE INDEX bookmarks_entry_public_time ON bookmarks (entry_id, created_at DESC, id DESC) WHERE NOT is_private;

-- A user's public bookmarks newest first, for the feed of their followers
-- and "my hot entries": each followee's next page is a short range of this
-- index, which holds every column those queries read (no table lookups,
-- where bookmarks_user_time would need one per row to skip private ones).
CREATE INDEX bookmarks_user_public_time ON bookmarks (user_id, created_at DESC, id DESC) WHERE NOT is_private;
