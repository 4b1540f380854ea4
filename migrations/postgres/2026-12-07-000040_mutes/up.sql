-- What a user muted (Hatena's 非表示): users whose bookmarks and comments
-- they no longer see, words that hide comments, sites whose entries leave
-- their lists. Private to the user; each list is read whole (a few hundred
-- rows at most), so the key is the only index.
CREATE TABLE user_mutes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    muted_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, muted_id),
    CHECK (user_id <> muted_id)
);

-- The word as matched: NFKC-normalized and lowercased.
CREATE TABLE word_mutes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, word)
);

-- A normalized host name; it covers its subdomains too.
CREATE TABLE site_mutes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, domain)
);

-- Finds the notifications an actor is in, to take them out when the
-- recipient mutes the actor.
CREATE INDEX notification_actors_actor ON notification_actors (actor_id);
