-- Which entries of a stream are about which member (the data subject), so that one
-- member's entries in a shared stream, such as their access records in `access`, are
-- found without reading everyone's. Derived from the entries (andel_journal's
-- `catch_up`): it holds no content, can be rebuilt at any time, and a redaction
-- drops its entry's rows. WITHOUT ROWID keeps the rows in key order, so one member's
-- rows lie together.
CREATE TABLE andel_subjects (
    tenant  TEXT    NOT NULL,
    stream  TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    seq     INTEGER NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (tenant, stream, subject, seq)
) WITHOUT ROWID;

-- A redaction finds its entry's rows by seq.
CREATE INDEX andel_subjects_by_seq ON andel_subjects (tenant, stream, seq);

-- How far each stream has been indexed: every entry before next_seq.
CREATE TABLE andel_subject_marks (
    tenant   TEXT    NOT NULL,
    stream   TEXT    NOT NULL,
    next_seq INTEGER NOT NULL CHECK (next_seq >= 0),
    PRIMARY KEY (tenant, stream)
);
