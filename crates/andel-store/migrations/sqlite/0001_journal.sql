-- Journal entries, one row per entry, kept apart per tenant.
-- The payload is the canonical JSON text the commitment hashes, byte for byte, so it is
-- TEXT and never re-encoded. A redacted entry has neither payload nor salt.
CREATE TABLE andel_journal (
    tenant      TEXT    NOT NULL,
    stream      TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    recorded_at TEXT    NOT NULL,
    author      TEXT,
    kind        TEXT    NOT NULL,
    payload     TEXT,
    salt        BLOB,
    commitment  BLOB    NOT NULL,
    prev        BLOB    NOT NULL,
    hash        BLOB    NOT NULL,
    CHECK ((payload IS NULL) = (salt IS NULL)),
    -- Two writers cannot both add entry n: the second one fails here instead of forking
    -- the chain.
    UNIQUE (tenant, stream, seq)
);

-- The latest snapshot of each projection over each stream.
CREATE TABLE andel_snapshots (
    tenant     TEXT    NOT NULL,
    projection TEXT    NOT NULL,
    stream     TEXT    NOT NULL,
    next_seq   INTEGER NOT NULL CHECK (next_seq >= 0),
    last_hash  BLOB    NOT NULL,
    state      TEXT    NOT NULL,
    PRIMARY KEY (tenant, projection, stream)
);
