-- Entry categories: each entry in one of eight (0–7, the order of
-- `bukuma_domain::Category::ALL`), chosen by the classifier (`auto`),
-- by agreeing users' suggestions (`user`) or by an admin (`admin`).
-- NULL until first classified.
ALTER TABLE entries ADD COLUMN category INTEGER;
ALTER TABLE entries ADD COLUMN category_source TEXT NOT NULL DEFAULT 'auto';
-- When the entry became due to be (re)classified: at creation (0), when
-- its page's metadata arrived, when its public count passed a milestone;
-- NULL when classified since. Existing entries are due (the backfill).
ALTER TABLE entries ADD COLUMN category_due BIGINT DEFAULT 0;
CREATE INDEX entries_category_due ON entries (id) WHERE category_due IS NOT NULL;
-- The hot and new lists of one category, as the partial indexes of the
-- whole lists (see 2026-12-03-000001_entry_lists_partial).
CREATE INDEX entries_category_hot ON entries (category, hot_score DESC, id DESC) WHERE hot_score > 0;
CREATE INDEX entries_category_new ON entries (category, listed_at DESC, id DESC) WHERE listed_at IS NOT NULL;

-- One suggestion per user and entry; a new one replaces theirs.
CREATE TABLE category_suggestions (
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, user_id)
);
-- Counting a user's suggestions of the last day (the limit).
CREATE INDEX category_suggestions_user ON category_suggestions (user_id, updated_at);

-- Every change of an entry's category or of its source.
CREATE TABLE category_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    from_category INTEGER,
    to_category INTEGER NOT NULL,
    source TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX category_history_entry ON category_history (entry_id, id);
-- The corrections the classifier is retrained with.
CREATE INDEX category_history_corrections ON category_history (id) WHERE source <> 'auto';
