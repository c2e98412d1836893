-- Secret ballots: one row per ballot, under its random receipt and nothing else (no
-- voter, no time, no row id). WITHOUT ROWID keeps the rows in primary-key order, so
-- the table does not record the order in which ballots were cast. Who voted is in
-- andel_journal; nothing links the two tables.
CREATE TABLE andel_ballots (
    tenant   TEXT NOT NULL,
    proposal TEXT NOT NULL,
    receipt  BLOB NOT NULL CHECK (length(receipt) = 15),
    ballot   TEXT NOT NULL,
    PRIMARY KEY (tenant, proposal, receipt)
) WITHOUT ROWID;
