-- Changes the search index must pick up, written in the transaction of the
-- change: the indexer re-reads each item's current state. `txid` is the
-- writing transaction's id, so a reader can stop below the oldest
-- transaction still running (ids are drawn at insert, not at commit, and
-- commits come out of id order). The key (txid, id) is the reading order;
-- no other index is written per row.
CREATE TABLE search_outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    txid BIGINT NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (txid, id)
);

-- The unique key of bookmarks leads with the entry: lookups of one
-- (user, entry) pair use it either way, and an entry's bookmarks (the
-- search documents to rebuild when its title changes) are then found
-- without an index of their own.
ALTER TABLE bookmarks DROP CONSTRAINT bookmarks_user_id_entry_id_key;
ALTER TABLE bookmarks ADD CONSTRAINT bookmarks_entry_id_user_id_key UNIQUE (entry_id, user_id);
