-- Related entries ("people who bookmarked this also bookmarked"), computed
-- in the background from co-bookmarking and shared tags: each entry's
-- list as last computed, best first. Reads join the entries again, so a
-- list may name entries that have since been hidden or lost their last
-- public bookmark; those are left out when it is read.
CREATE TABLE related_entries (
    entry_id BIGINT NOT NULL,
    rank BIGINT NOT NULL,
    related_entry_id BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (entry_id, rank)
);

-- Entries whose list has been computed (perhaps empty), and when: an
-- entry without a row has none yet. The oldest lists are refreshed first.
CREATE TABLE related_computed (
    entry_id BIGINT PRIMARY KEY,
    computed_at BIGINT NOT NULL
);
CREATE INDEX related_computed_age ON related_computed (computed_at, entry_id);

-- Entries whose list is to be computed (again), oldest mark first.
-- `spread`: when the list is recomputed, the entries that enter or leave
-- it are marked too (without spreading further), so that co-bookmarking
-- shows on both sides.
CREATE TABLE related_dirty (
    entry_id BIGINT PRIMARY KEY,
    marked_at BIGINT NOT NULL,
    spread BOOLEAN NOT NULL
);
CREATE INDEX related_dirty_age ON related_dirty (marked_at, entry_id);

-- How far the job has read the search outbox (whose entry rows name the
-- entries whose public bookmarks changed): one row.
CREATE TABLE related_progress (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    outbox_txid BIGINT NOT NULL,
    outbox_id BIGINT NOT NULL
);
