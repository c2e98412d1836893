-- Journal entries, one row per entry, kept apart per tenant.
-- The payload is the canonical JSON text the commitment hashes, byte for byte, so it is
-- TEXT (jsonb would reorder keys and respell numbers). A redacted entry has neither
-- payload nor salt. Names sort bytewise (COLLATE "C"), as in every other store.
CREATE TABLE andel_journal (
    tenant      TEXT COLLATE "C" NOT NULL,
    stream      TEXT COLLATE "C" NOT NULL,
    seq         BIGINT NOT NULL CHECK (seq >= 0),
    recorded_at TEXT   NOT NULL,
    author      TEXT,
    kind        TEXT   NOT NULL,
    payload     TEXT,
    salt        BYTEA,
    commitment  BYTEA  NOT NULL,
    prev        BYTEA  NOT NULL,
    hash        BYTEA  NOT NULL,
    CHECK ((payload IS NULL) = (salt IS NULL)),
    -- Two writers cannot both add entry n: the second one fails here instead of forking
    -- the chain.
    PRIMARY KEY (tenant, stream, seq)
);

-- The latest snapshot of each projection over each stream.
CREATE TABLE andel_snapshots (
    tenant     TEXT COLLATE "C" NOT NULL,
    projection TEXT COLLATE "C" NOT NULL,
    stream     TEXT COLLATE "C" NOT NULL,
    next_seq   BIGINT NOT NULL CHECK (next_seq >= 0),
    last_hash  BYTEA  NOT NULL,
    state      TEXT   NOT NULL,
    PRIMARY KEY (tenant, projection, stream)
);
