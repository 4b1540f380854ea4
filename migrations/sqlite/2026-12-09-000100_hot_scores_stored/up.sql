-- Hot scores are stored in a form that does not decay
-- (bukuma_domain::hot::stored_score). The hot-score job recomputes every
-- score on its first run, then follows the search outbox and the week's
-- trailing edge from where this row says.
CREATE TABLE hot_progress (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    outbox_txid BIGINT NOT NULL,
    outbox_id BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);
