-- Invite codes for BUKUMA_REGISTRATION=invite. Admins make them; only a
-- hash of the code is kept. A code is good for `max_uses` registrations
-- until it expires or is revoked; `uses` is counted in the registration's
-- own transaction, so it never passes `max_uses`.
CREATE TABLE invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    max_uses BIGINT NOT NULL CHECK (max_uses >= 1),
    uses BIGINT NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
