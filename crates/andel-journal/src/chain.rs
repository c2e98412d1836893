//! Appending to a stream and redacting its entries: the pure rules every store follows.

use serde::{Deserialize, Serialize};

use crate::verify::check_continues;
use crate::{AuthorId, Digest, Draft, Entry, Kind, Payload, Problem, Salt, StreamId, Timestamp};

/// Where a stream stands: the next sequence number and the hash to link to.
///
/// Stores keep one per stream; [`StreamHead::seal`] is how every store turns a draft
/// into an entry, so every store hashes the same way.
///
/// ```
/// use andel_journal::{Draft, Kind, Payload, StreamHead, StreamId};
///
/// let mut head = StreamHead::new(StreamId::new("members")?);
/// let draft = Draft::new(Kind::new("member.admitted")?, Payload::new(&7)?, "2026-11-27T08:00:00Z".parse()?);
/// let entry = head.seal(0, draft)?;
/// head.advance(&entry);
/// assert_eq!((entry.seq(), head.next_seq()), (0, 1));
/// assert_eq!(head.last_hash(), entry.hash());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamHead {
    stream: StreamId,
    next_seq: u64,
    last_hash: Digest,
}

/// Why an append was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppendError {
    /// Someone else appended first: the caller's view of the stream is stale. Re-read
    /// the stream, decide again, and retry with the new sequence number.
    #[error("stream `{stream}` expected next seq {expected} but is at {actual}")]
    Conflict {
        /// The stream.
        stream: StreamId,
        /// The sequence number the caller expected to write.
        expected: u64,
        /// The stream's actual next sequence number.
        actual: u64,
    },
    /// Kinds starting with `andel.` are recorded by the journal itself.
    #[error("kind `{kind}` is reserved for the journal's own entries")]
    ReservedKind {
        /// The kind.
        kind: Kind,
    },
    /// The stream has used every sequence number.
    #[error("stream `{stream}` is full")]
    StreamFull {
        /// The stream.
        stream: StreamId,
    },
    /// An entry sealed elsewhere (being imported) is not sound or does not continue the
    /// stream: it was altered, or belongs after entries the stream does not hold.
    #[error("entry {seq} of stream `{stream}` cannot be imported: {problem}")]
    Invalid {
        /// The stream.
        stream: StreamId,
        /// The entry's sequence number.
        seq: u64,
        /// What is wrong with it.
        problem: Problem,
    },
    /// The operating system could not provide random bytes for a salt.
    #[error("no randomness for a payload salt: {reason}")]
    NoRandomness {
        /// What the operating system said.
        reason: String,
    },
}

impl StreamHead {
    /// The head of an empty stream: next seq 0, linking to [`Digest::ZERO`].
    pub fn new(stream: StreamId) -> Self {
        StreamHead {
            stream,
            next_seq: 0,
            last_hash: Digest::ZERO,
        }
    }

    /// A head as a store recorded it.
    pub fn at(stream: StreamId, next_seq: u64, last_hash: Digest) -> Self {
        StreamHead {
            stream,
            next_seq,
            last_hash,
        }
    }

    /// The stream.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The sequence number the next entry gets; also the number of entries.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The hash the next entry links to.
    pub fn last_hash(&self) -> &Digest {
        &self.last_hash
    }

    /// Seals `draft` as the next entry, if `expected_seq` is the stream's next seq.
    ///
    /// The head does not move: call [`StreamHead::advance`] once the entry is stored.
    ///
    /// # Errors
    ///
    /// [`AppendError::Conflict`] for a stale `expected_seq`; [`AppendError::ReservedKind`]
    /// for an `andel.` kind; [`AppendError::NoRandomness`] if a salt cannot be drawn.
    pub fn seal(&self, expected_seq: u64, draft: Draft) -> Result<Entry, AppendError> {
        if draft.kind.is_reserved() {
            return Err(AppendError::ReservedKind { kind: draft.kind });
        }
        self.seal_any(expected_seq, draft)
    }

    fn seal_any(&self, expected_seq: u64, draft: Draft) -> Result<Entry, AppendError> {
        if expected_seq != self.next_seq {
            return Err(AppendError::Conflict {
                stream: self.stream.clone(),
                expected: expected_seq,
                actual: self.next_seq,
            });
        }
        if self.next_seq == u64::MAX {
            return Err(AppendError::StreamFull {
                stream: self.stream.clone(),
            });
        }
        let salt = match draft.salt {
            Some(salt) => salt,
            None => Salt::random().map_err(|err| AppendError::NoRandomness {
                reason: err.to_string(),
            })?,
        };
        Ok(Entry::seal(
            self.stream.clone(),
            self.next_seq,
            self.last_hash,
            draft,
            salt,
        ))
    }

    /// Seals several drafts in a row, as one batch starting at `expected_seq`.
    ///
    /// # Errors
    ///
    /// As [`StreamHead::seal`]; nothing is sealed if any draft is refused.
    pub fn seal_all(
        &self,
        expected_seq: u64,
        drafts: impl IntoIterator<Item = Draft>,
    ) -> Result<Vec<Entry>, AppendError> {
        let mut head = self.clone();
        let mut sealed = Vec::new();
        for (i, draft) in drafts.into_iter().enumerate() {
            let seq = expected_seq.saturating_add(i as u64);
            let entry = head.seal(seq, draft)?;
            head.advance(&entry);
            sealed.push(entry);
        }
        Ok(sealed)
    }

    /// Checks entries sealed elsewhere (read from a journal file or another store) before
    /// a store appends them as they are: each must be sound in itself and continue the
    /// stream from this head. This is how a journal moves between stores with every hash
    /// unchanged, redacted entries included.
    ///
    /// Whether each erased entry has its redaction record is a property of the whole
    /// stream, which [`verify`](crate::verify) checks, not of one batch.
    ///
    /// # Errors
    ///
    /// [`AppendError::Conflict`] when the first entry is not the stream's next seq;
    /// [`AppendError::Invalid`] naming the first entry that is altered, in another
    /// stream, or does not link to the one before it.
    pub fn admit(&self, entries: &[Entry]) -> Result<(), AppendError> {
        let mut head = self.clone();
        for entry in entries {
            if entry.stream() != &self.stream {
                return Err(AppendError::Invalid {
                    stream: self.stream.clone(),
                    seq: entry.seq(),
                    problem: Problem::WrongStream {
                        found: entry.stream().clone(),
                    },
                });
            }
            if head.next_seq == self.next_seq && entry.seq() != self.next_seq {
                return Err(AppendError::Conflict {
                    stream: self.stream.clone(),
                    expected: entry.seq(),
                    actual: self.next_seq,
                });
            }
            check_continues(entry, head.next_seq, &head.last_hash).map_err(|problem| {
                AppendError::Invalid {
                    stream: self.stream.clone(),
                    seq: entry.seq(),
                    problem,
                }
            })?;
            head.advance(entry);
        }
        Ok(())
    }

    /// Moves the head past a stored entry.
    pub fn advance(&mut self, entry: &Entry) {
        self.next_seq = entry.seq().saturating_add(1);
        self.last_hash = *entry.hash();
    }

    /// Prepares the erasure of `target`: checks that it may be redacted and seals the
    /// entry that records the redaction (kind [`Kind::REDACTION`], payload a
    /// [`RedactionRecord`]) as the stream's next entry.
    ///
    /// The store then does two things in one transaction: appends the returned record
    /// and replaces `target` by [`Entry::redacted`].
    ///
    /// # Errors
    ///
    /// When the target is in another stream, is not yet in the stream, is already
    /// redacted, or is itself a redaction record.
    pub fn seal_redaction(
        &self,
        target: &Entry,
        redaction: Redaction,
    ) -> Result<Entry, RedactError> {
        let refuse = |problem| RedactError {
            stream: target.stream().clone(),
            seq: target.seq(),
            problem,
        };
        if target.stream() != &self.stream || target.seq() >= self.next_seq {
            return Err(refuse(RedactProblem::NotFound));
        }
        if target.is_redacted() {
            return Err(refuse(RedactProblem::AlreadyRedacted));
        }
        if target.kind().is_reserved() {
            return Err(refuse(RedactProblem::JournalRecord));
        }
        let record = RedactionRecord {
            seq: target.seq(),
            entry_hash: *target.hash(),
            reason: redaction.reason,
        };
        let payload =
            Payload::new(&record).map_err(|err| refuse(RedactProblem::Reason(err.to_string())))?;
        let mut draft = Draft::new(Kind::REDACTION, payload, redaction.recorded_at);
        draft.author = redaction.author;
        draft.salt = redaction.salt;
        self.seal_any(self.next_seq, draft)
            .map_err(|err| refuse(RedactProblem::Append(err)))
    }
}

/// A request to erase an entry's payload (GDPR art. 17): when, why, and by whom.
///
/// The reason is recorded in the journal for good: say why in words that hold no
/// personal data ("erasure request, ticket 2026-04"), never what was erased.
///
/// ```
/// use andel_journal::{AuthorId, Redaction};
///
/// let redaction = Redaction::new("erasure request, ticket 2026-04", "2026-04-02T08:00:00Z".parse()?)
///     .by(AuthorId::new("secretary")?);
/// assert_eq!(redaction.reason(), "erasure request, ticket 2026-04");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    reason: String,
    recorded_at: Timestamp,
    author: Option<AuthorId>,
    salt: Option<Salt>,
}

impl Redaction {
    /// A redaction recorded at `recorded_at` for `reason`, by no one in particular.
    pub fn new(reason: impl Into<String>, recorded_at: Timestamp) -> Self {
        Redaction {
            reason: reason.into(),
            recorded_at,
            author: None,
            salt: None,
        }
    }

    /// Names who redacts.
    #[must_use]
    pub fn by(mut self, author: AuthorId) -> Self {
        self.author = Some(author);
        self
    }

    /// Fixes the salt of the redaction record instead of drawing a random one: for
    /// tests and golden vectors.
    #[must_use]
    pub fn with_salt(mut self, salt: Salt) -> Self {
        self.salt = Some(salt);
        self
    }

    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// When.
    pub fn recorded_at(&self) -> Timestamp {
        self.recorded_at
    }

    /// By whom, if named.
    pub fn author(&self) -> Option<&AuthorId> {
        self.author.as_ref()
    }
}

/// The payload of an `andel.redaction` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionRecord {
    /// The redacted entry's sequence number.
    pub seq: u64,
    /// The redacted entry's hash.
    pub entry_hash: Digest,
    /// Why it was redacted.
    pub reason: String,
}

/// Why a redaction was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot redact `{stream}` seq {seq}: {problem}")]
pub struct RedactError {
    /// The stream.
    pub stream: StreamId,
    /// The entry's sequence number.
    pub seq: u64,
    /// What stands in the way.
    pub problem: RedactProblem,
}

/// What stands in the way of a redaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedactProblem {
    /// No such entry.
    #[error("no such entry")]
    NotFound,
    /// Its payload is already erased.
    #[error("it is already redacted")]
    AlreadyRedacted,
    /// It is one of the journal's own records, which hold no personal data.
    #[error("it is the journal's own record")]
    JournalRecord,
    /// The reason cannot be recorded.
    #[error("the reason cannot be recorded: {0}")]
    Reason(String),
    /// The redaction record could not be appended.
    #[error("{0}")]
    Append(AppendError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> StreamId {
        StreamId::new("members").unwrap()
    }

    fn draft(kind: &str, n: u32) -> Draft {
        Draft::new(
            Kind::new(kind).unwrap(),
            Payload::new(&n).unwrap(),
            "2026-11-27T08:00:00Z".parse().unwrap(),
        )
        .with_salt(Salt::from_bytes([n as u8; 32]))
    }

    #[test]
    fn entries_link_and_number_from_zero() {
        let head = StreamHead::new(stream());
        let entries = head.seal_all(0, (0..3).map(|n| draft("a", n))).unwrap();
        assert_eq!(
            entries.iter().map(Entry::seq).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(entries[0].prev(), &Digest::ZERO);
        assert_eq!(entries[1].prev(), entries[0].hash());
        assert_eq!(entries[2].prev(), entries[1].hash());
        for e in &entries {
            assert_eq!(e.computed_hash(), *e.hash());
        }
    }

    #[test]
    fn stale_sequence_is_a_conflict() {
        let mut head = StreamHead::new(stream());
        let first = head.seal(0, draft("a", 0)).unwrap();
        head.advance(&first);
        assert_eq!(
            head.seal(0, draft("a", 1)),
            Err(AppendError::Conflict {
                stream: stream(),
                expected: 0,
                actual: 1
            })
        );
        assert_eq!(
            head.seal(0, draft("a", 1)).unwrap_err().to_string(),
            "stream `members` expected next seq 0 but is at 1"
        );
    }

    #[test]
    fn callers_cannot_append_journal_kinds() {
        let head = StreamHead::new(stream());
        assert_eq!(
            head.seal(0, draft("andel.redaction", 0)),
            Err(AppendError::ReservedKind {
                kind: Kind::REDACTION
            })
        );
    }

    #[test]
    fn redaction_records_what_when_why_and_who() {
        let mut head = StreamHead::new(stream());
        let target = head.seal(0, draft("a", 0)).unwrap();
        head.advance(&target);
        let record = head
            .seal_redaction(
                &target,
                Redaction::new("erasure request", "2026-11-28T00:00:00Z".parse().unwrap())
                    .by(AuthorId::new("dpo").unwrap()),
            )
            .unwrap();
        assert_eq!((record.seq(), record.kind()), (1, &Kind::REDACTION));
        assert_eq!(record.author().map(AuthorId::as_str), Some("dpo"));
        let payload: RedactionRecord = record.payload().unwrap().decode().unwrap();
        assert_eq!(
            payload,
            RedactionRecord {
                seq: 0,
                entry_hash: *target.hash(),
                reason: "erasure request".into()
            }
        );
        let erased = target.clone().redacted();
        assert_eq!(erased.hash(), target.hash());
        assert_eq!(erased.computed_hash(), *target.hash());
        assert_eq!(erased.payload(), None);
    }

    #[test]
    fn refuses_redactions_that_make_no_sense() {
        let mut head = StreamHead::new(stream());
        let target = head.seal(0, draft("a", 0)).unwrap();
        let redaction = Redaction::new("r", "2026-11-28T00:00:00Z".parse().unwrap());
        let problem = |head: &StreamHead, e: &Entry| {
            head.seal_redaction(e, redaction.clone())
                .unwrap_err()
                .problem
        };
        assert_eq!(problem(&head, &target), RedactProblem::NotFound);
        head.advance(&target);
        assert_eq!(
            problem(&head, &target.clone().redacted()),
            RedactProblem::AlreadyRedacted
        );
        let record = head.seal_redaction(&target, redaction.clone()).unwrap();
        head.advance(&record);
        assert_eq!(problem(&head, &record), RedactProblem::JournalRecord);
    }
}
