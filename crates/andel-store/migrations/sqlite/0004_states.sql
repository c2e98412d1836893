-- Aggregates' states saved in their own binary format (andel_journal's
-- `StateSnapshot`), so that opening a long stream, such as a large co-op's ledger,
-- replays only the entries after the latest one. A cache of a replay: it holds nothing
-- the journal does not, can be deleted at any time, and is used only while the entry it
-- ends at (next_seq - 1) still has last_hash. `format` names the encoding and its
-- version.
CREATE TABLE andel_states (
    tenant    TEXT    NOT NULL,
    format    TEXT    NOT NULL,
    stream    TEXT    NOT NULL,
    next_seq  INTEGER NOT NULL CHECK (next_seq >= 0),
    last_hash BLOB    NOT NULL,
    state     BLOB    NOT NULL,
    PRIMARY KEY (tenant, format, stream)
);
