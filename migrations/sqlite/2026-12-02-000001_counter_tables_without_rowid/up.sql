-- The tag, counter and star tables become WITHOUT ROWID: each was a rowid
-- table plus the index of its primary key, two B-trees written on every
-- change and read one after the other. Keyed by their primary key, a row is
-- written once and read where the key leads (a user's tags, an entry's
-- tags, a bookmark's stars), and the file is smaller.
-- Nothing references these tables, so each is rebuilt and renamed in place.

CREATE TABLE bookmark_tags_new (
    bookmark_id BIGINT NOT NULL REFERENCES bookmarks (id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    is_private BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (bookmark_id, tag_key)
) WITHOUT ROWID;
INSERT INTO bookmark_tags_new (bookmark_id, tag_key, user_id, is_private, created_at)
    SELECT bookmark_id, tag_key, user_id, is_private, created_at FROM bookmark_tags;
DROP TABLE bookmark_tags;
ALTER TABLE bookmark_tags_new RENAME TO bookmark_tags;
CREATE INDEX bookmark_tags_user_tag_time ON bookmark_tags (user_id, tag_key, created_at DESC, bookmark_id DESC);

CREATE TABLE user_tags_new (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    tag TEXT NOT NULL,
    count BIGINT NOT NULL,
    public_count BIGINT NOT NULL,
    PRIMARY KEY (user_id, tag_key)
) WITHOUT ROWID;
INSERT INTO user_tags_new (user_id, tag_key, tag, count, public_count)
    SELECT user_id, tag_key, tag, count, public_count FROM user_tags;
DROP TABLE user_tags;
ALTER TABLE user_tags_new RENAME TO user_tags;

CREATE TABLE user_sites_new (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    count BIGINT NOT NULL,
    public_count BIGINT NOT NULL,
    PRIMARY KEY (user_id, domain)
) WITHOUT ROWID;
INSERT INTO user_sites_new (user_id, domain, count, public_count)
    SELECT user_id, domain, count, public_count FROM user_sites;
DROP TABLE user_sites;
ALTER TABLE user_sites_new RENAME TO user_sites;

CREATE TABLE entry_tags_new (
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    tag TEXT NOT NULL,
    count BIGINT NOT NULL,
    first_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, tag_key)
) WITHOUT ROWID;
INSERT INTO entry_tags_new (entry_id, tag_key, tag, count, first_at)
    SELECT entry_id, tag_key, tag, count, first_at FROM entry_tags;
DROP TABLE entry_tags;
ALTER TABLE entry_tags_new RENAME TO entry_tags;
CREATE INDEX entry_tags_tag_time ON entry_tags (tag_key, first_at DESC, entry_id DESC);
CREATE INDEX entry_tags_entry_rank ON entry_tags (entry_id, count DESC, tag_key);

CREATE TABLE stars_new (
    bookmark_id BIGINT NOT NULL REFERENCES bookmarks (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (bookmark_id, user_id)
) WITHOUT ROWID;
INSERT INTO stars_new (bookmark_id, user_id, created_at)
    SELECT bookmark_id, user_id, created_at FROM stars;
DROP TABLE stars;
ALTER TABLE stars_new RENAME TO stars;
CREATE INDEX stars_user ON stars (user_id);
