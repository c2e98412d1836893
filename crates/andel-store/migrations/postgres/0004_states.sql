-- Aggregates' states saved in their own binary format (andel_journal's
-- `StateSnapshot`), so that opening a long stream, such as a large co-op's ledger,
-- replays only the entries after the latest one. A cache of a replay: it holds nothing
-- the journal does not, can be deleted at any time, and is used only while the entry it
-- ends at (next_seq - 1) still has last_hash. `format` names the encoding and its
-- version.
CREATE TABLE andel_states (
    tenant    TEXT COLLATE "C" NOT NULL,
    format    TEXT COLLATE "C" NOT NULL,
    stream    TEXT COLLATE "C" NOT NULL,
    next_seq  BIGINT NOT NULL CHECK (next_seq >= 0),
    last_hash BYTEA  NOT NULL,
    state     BYTEA  NOT NULL,
    PRIMARY KEY (tenant, format, stream)
);
