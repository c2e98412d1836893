-- Secret ballots: one row per ballot, under its random receipt and nothing else (no
-- voter, no time, no serial). Who voted is in andel_journal; no column links the two
-- tables. PostgreSQL itself still keeps each row's physical place (ctid) and inserting
-- transaction (xmin), which follow the order of casting: see the book's Decisions
-- chapter on what that means for who administers the server.
CREATE TABLE andel_ballots (
    tenant   TEXT COLLATE "C" NOT NULL,
    proposal TEXT COLLATE "C" NOT NULL,
    receipt  BYTEA NOT NULL CHECK (length(receipt) = 15),
    ballot   TEXT NOT NULL,
    PRIMARY KEY (tenant, proposal, receipt)
);
