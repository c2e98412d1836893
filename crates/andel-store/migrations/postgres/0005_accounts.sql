-- Members' sign-in for the co-op's web services (andel-http). Not journal data: a
-- changed password replaces the old hash, and forgetting a member's account removes
-- both tables' rows, with nothing left behind.
--
-- One argon2id hash per member in the PHC string form ($argon2id$v=19$...), never the
-- password.
CREATE TABLE andel_credentials (
    tenant     TEXT COLLATE "C" NOT NULL,
    member     TEXT COLLATE "C" NOT NULL,
    password   TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (tenant, member)
);

-- Signed-in sessions: the SHA-256 of each session's token (the token itself is only in
-- the member's cookie, so a copy of this table signs nobody in), the member, the
-- session's CSRF token, and when it ends.
CREATE TABLE andel_sessions (
    tenant     TEXT COLLATE "C" NOT NULL,
    token_hash BYTEA NOT NULL CHECK (length(token_hash) = 32),
    member     TEXT COLLATE "C" NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant, token_hash)
);

CREATE INDEX andel_sessions_by_member ON andel_sessions (tenant, member);
