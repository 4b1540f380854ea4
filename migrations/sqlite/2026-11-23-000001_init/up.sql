-- Timestamps are microseconds since the Unix epoch (UTC) in BIGINT columns:
-- identical semantics on both backends and exact keyset comparisons.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    username_lower TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    bio TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'user',
    password_hash TEXT NOT NULL,
    bookmark_count BIGINT NOT NULL DEFAULT 0,
    public_bookmark_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE entries (
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
CREATE INDEX entries_new ON entries (listed_at DESC, id DESC);
CREATE INDEX entries_hot ON entries (hot_score DESC, id DESC);
CREATE INDEX entries_site_new ON entries (domain, first_bookmarked_at DESC, id DESC);
CREATE INDEX entries_site_hot ON entries (domain, hot_score DESC, id DESC);
CREATE INDEX entries_fetch_due ON entries (fetch_next_at) WHERE fetch_next_at IS NOT NULL;

CREATE TABLE bookmarks (
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
    UNIQUE (user_id, entry_id)
);
CREATE INDEX bookmarks_user_time ON bookmarks (user_id, created_at DESC, id DESC);
CREATE INDEX bookmarks_user_site_time ON bookmarks (user_id, domain, created_at DESC, id DESC);
CREATE INDEX bookmarks_user_read_later ON bookmarks (user_id, created_at DESC, id DESC) WHERE read_later;
CREATE INDEX bookmarks_entry_recent ON bookmarks (entry_id, created_at DESC, id DESC) WHERE NOT is_private AND comment <> '';
CREATE INDEX bookmarks_entry_popular ON bookmarks (entry_id, star_count DESC, created_at DESC, id DESC) WHERE NOT is_private AND comment <> '';
CREATE INDEX bookmarks_public_time ON bookmarks (created_at) WHERE NOT is_private;

-- The tags of each bookmark, one row per tag, for filtering by tag.
CREATE TABLE bookmark_tags (
    bookmark_id BIGINT NOT NULL REFERENCES bookmarks (id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    is_private BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (bookmark_id, tag_key)
);
CREATE INDEX bookmark_tags_user_tag_time ON bookmark_tags (user_id, tag_key, created_at DESC, bookmark_id DESC);

-- Per-user tag counts (all bookmarks and public ones), kept equal to bookmark_tags.
CREATE TABLE user_tags (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    tag TEXT NOT NULL,
    count BIGINT NOT NULL,
    public_count BIGINT NOT NULL,
    PRIMARY KEY (user_id, tag_key)
);

-- Per-user domain counts for the "sites" sidebar.
CREATE TABLE user_sites (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    count BIGINT NOT NULL,
    public_count BIGINT NOT NULL,
    PRIMARY KEY (user_id, domain)
);

-- Per-entry counts of public bookmarks carrying a tag (tag pages, card tags).
CREATE TABLE entry_tags (
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    tag TEXT NOT NULL,
    count BIGINT NOT NULL,
    first_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, tag_key)
);
CREATE INDEX entry_tags_tag_time ON entry_tags (tag_key, first_at DESC, entry_id DESC);

CREATE TABLE stars (
    bookmark_id BIGINT NOT NULL REFERENCES bookmarks (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (bookmark_id, user_id)
);
CREATE INDEX stars_user ON stars (user_id);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Leases so that only one server instance runs each background job at a time.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
