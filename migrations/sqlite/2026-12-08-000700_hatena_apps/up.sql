-- Pre-issued OAuth 1.0a credentials of the Hatena-compatible REST API: one
-- row per app a user made. The consumer key and access token are public
-- identifiers; their two secrets are never stored, but derived from
-- `secret_seed` under the server's secret key, so a copy of the database
-- alone cannot sign requests.
CREATE TABLE hatena_apps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    consumer_key TEXT NOT NULL UNIQUE,
    access_token TEXT NOT NULL UNIQUE,
    secret_seed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX hatena_apps_user ON hatena_apps (user_id, id);

-- Nonces of signed requests seen within the timestamp window, so that a
-- replayed request is refused by whichever server process receives it.
-- `sent_at` is the request's oauth_timestamp (seconds); rows older than
-- the window are pruned as new ones arrive.
CREATE TABLE hatena_nonces (
    app_id BIGINT NOT NULL REFERENCES hatena_apps (id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, nonce, sent_at)
);
CREATE INDEX hatena_nonces_sent ON hatena_nonces (app_id, sent_at);
