//! Verification: recompute every hash and link from genesis and name the first bad entry.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;

use crate::chain::RedactionRecord;
use crate::merkle::Frontier;
use crate::{Content, Digest, Entry, Kind, StreamId, commitment};

/// What is wrong with an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The payload or salt changed: they no longer open the commitment.
    #[error("payload altered: it does not match the entry's commitment")]
    PayloadAltered,
    /// A hashed field (stream, seq, time, author, kind, commitment, prev) or the stored
    /// hash itself changed.
    #[error("entry altered: its fields hash to {computed}, but it records {recorded}")]
    EntryAltered {
        /// The hash the entry records.
        recorded: Digest,
        /// The hash its fields call for.
        computed: Digest,
    },
    /// The entry is consistent in itself but does not link to the entry before it: an
    /// entry before it was changed, replaced, or removed and the rest re-hashed.
    #[error("broken link: prev is {found}, but the previous entry's hash is {expected}")]
    BrokenLink {
        /// The hash of the previous entry in the stream.
        expected: Digest,
        /// The `prev` the entry records.
        found: Digest,
    },
    /// Sequence numbers skip: entries are missing.
    #[error("gap: seq {expected} is missing")]
    Gap {
        /// The first missing sequence number.
        expected: u64,
    },
    /// The entry comes before one that should precede it.
    #[error("reordering: seq {expected} comes later in the input")]
    Reordered {
        /// The sequence number that belongs here, and appears later.
        expected: u64,
    },
    /// The sequence number was already used in this stream.
    #[error("duplicate: seq {found} appears again (the stream was at seq {expected})")]
    Duplicate {
        /// The repeated sequence number.
        found: u64,
        /// The sequence number that belongs here.
        expected: u64,
    },
    /// The entry names another stream than the one it was given for.
    #[error("entry belongs to stream `{found}`")]
    WrongStream {
        /// The stream the entry names.
        found: StreamId,
    },
    /// The kind starts with `andel.`, the prefix of the journal's own records, but is not
    /// one that format version 1 defines (only `andel.redaction`).
    #[error(
        "unknown journal kind `{kind}`: kinds starting with `andel.` are the journal's own, and format version 1 has only `andel.redaction`"
    )]
    UnknownJournalKind {
        /// The kind.
        kind: Kind,
    },
    /// The payload was erased, but no redaction record in the stream says so.
    #[error("payload erased without a redaction record")]
    UnrecordedRedaction,
    /// A redaction record that does not describe an erased entry before it.
    #[error("bad redaction record: {reason}")]
    BadRedactionRecord {
        /// What is wrong with it.
        reason: String,
    },
}

impl Entry {
    /// Checks the entry on its own, without the stream around it: its hash is its
    /// fields', its payload (unless erased) opens its commitment, and a kind of the
    /// journal's own is one the format defines. How one entry taken out of its stream is
    /// checked, with an inclusion proof to place it; [`Verifier`] adds the links.
    ///
    /// ```
    /// use andel_journal::{Draft, Kind, Payload, Problem, StreamHead, StreamId};
    ///
    /// let head = StreamHead::new(StreamId::new("members")?);
    /// let draft = Draft::new(Kind::new("member.admitted")?, Payload::new(&1)?, "2027-01-10T09:00:00Z".parse()?);
    /// let entry = head.seal(0, draft)?;
    /// assert_eq!(entry.check(), Ok(()));
    /// assert_eq!(entry.clone().redacted().check(), Ok(()));
    ///
    /// let mut parts = entry.into_parts();
    /// if let andel_journal::Content::Present { payload, .. } = &mut parts.content {
    ///     *payload = Payload::new(&2)?;
    /// }
    /// let altered = andel_journal::Entry::from_parts(parts);
    /// assert_eq!(altered.check(), Err(Problem::PayloadAltered));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Problem::EntryAltered`], [`Problem::PayloadAltered`] or
    /// [`Problem::UnknownJournalKind`].
    pub fn check(&self) -> Result<(), Problem> {
        let computed = self.computed_hash();
        if computed != *self.hash() {
            return Err(Problem::EntryAltered {
                recorded: *self.hash(),
                computed,
            });
        }
        if let Content::Present { payload, salt } = self.content()
            && commitment(salt, payload) != *self.commitment()
        {
            return Err(Problem::PayloadAltered);
        }
        // A journal kind this version does not define may carry rules it cannot check (as
        // a redaction record does): it comes with a new format version, never unannounced.
        if self.kind().is_reserved() && self.kind() != &Kind::REDACTION {
            return Err(Problem::UnknownJournalKind {
                kind: self.kind().clone(),
            });
        }
        Ok(())
    }
}

/// Checks that `entry` is sound in itself (its hash, its commitment, a kind of the
/// journal's own only if the format defines it) and continues a stream whose next seq is
/// `expected` and whose last hash is `last_hash`.
pub(crate) fn check_continues(
    entry: &Entry,
    expected: u64,
    last_hash: &Digest,
) -> Result<(), Problem> {
    match entry.seq() {
        seq if seq > expected => return Err(Problem::Gap { expected }),
        seq if seq < expected => {
            return Err(Problem::Duplicate {
                found: seq,
                expected,
            });
        }
        _ => {}
    }
    entry.check()?;
    if entry.prev() != last_hash {
        return Err(Problem::BrokenLink {
            expected: *last_hash,
            found: *entry.prev(),
        });
    }
    Ok(())
}

/// Where a problem is: the entry's stream and seq as it records them, and its position
/// in the input (0-based; in a journal file, line `position + 1`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{stream}` seq {seq} (entry {position}): {problem}")]
pub struct VerifyError {
    /// The stream.
    pub stream: StreamId,
    /// The sequence number.
    pub seq: u64,
    /// The entry's position in the input, from 0.
    pub position: u64,
    /// What is wrong.
    pub problem: Problem,
}

/// What verification saw in one stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StreamSummary {
    /// The stream.
    pub stream: StreamId,
    /// Number of entries, which is also the next sequence number.
    pub entries: u64,
    /// How many of them are redacted.
    pub redacted: u64,
    /// The last entry's hash: what the next entry links to.
    pub head: Digest,
    /// The Merkle root over all the stream's entry hashes.
    pub root: Digest,
}

/// What verification saw: every stream, in name order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// One summary per stream.
    pub streams: Vec<StreamSummary>,
}

impl Summary {
    /// The number of entries over all streams.
    pub fn entries(&self) -> u64 {
        self.streams.iter().map(|s| s.entries).sum()
    }

    /// The number of redacted entries over all streams.
    pub fn redacted(&self) -> u64 {
        self.streams.iter().map(|s| s.redacted).sum()
    }

    /// The summary of one stream.
    pub fn stream(&self, stream: &StreamId) -> Option<&StreamSummary> {
        self.streams.iter().find(|s| &s.stream == stream)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} entries in {} stream{} ({} redacted)",
            self.entries(),
            self.streams.len(),
            if self.streams.len() == 1 { "" } else { "s" },
            self.redacted()
        )
    }
}

struct StreamState {
    next_seq: u64,
    last_hash: Digest,
    redacted: u64,
    frontier: Frontier,
    /// Erased entries whose redaction record has not been seen yet: seq → (hash, position).
    unrecorded: BTreeMap<u64, (Digest, u64)>,
}

impl Default for StreamState {
    fn default() -> Self {
        StreamState {
            next_seq: 0,
            last_hash: Digest::ZERO,
            redacted: 0,
            frontier: Frontier::new(),
            unrecorded: BTreeMap::new(),
        }
    }
}

/// Checks entries one at a time, in the order they were read, in memory that grows with
/// the number of streams (and of pending redactions), never with the number of entries.
///
/// Use [`verify`] for entries you have in hand; use a `Verifier` to check while streaming
/// (a file, a database cursor).
///
/// ```
/// use andel_journal::{Draft, Kind, Payload, StreamHead, StreamId, Verifier};
///
/// let head = StreamHead::new(StreamId::new("members")?);
/// let mut drafts = Vec::new();
/// for n in 0..3 {
///     drafts.push(Draft::new(Kind::new("n")?, Payload::new(&n)?, "2026-01-01T00:00:00Z".parse()?));
/// }
/// let entries = head.seal_all(0, drafts)?;
///
/// let mut verifier = Verifier::new();
/// for entry in &entries {
///     verifier.check(entry)?;
/// }
/// let summary = verifier.finish()?;
/// assert_eq!(summary.entries(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct Verifier {
    streams: HashMap<StreamId, StreamState>,
    position: u64,
}

impl Verifier {
    /// A verifier that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next entry of the input.
    ///
    /// A sequence number above the expected one is reported as [`Problem::Gap`]: telling
    /// a gap from a reordering needs the rest of the input, which [`verify`] looks at.
    ///
    /// # Errors
    ///
    /// The first problem with this entry. After an error the verifier's state no longer
    /// describes a valid journal: stop there.
    pub fn check(&mut self, entry: &Entry) -> Result<(), VerifyError> {
        let position = self.position;
        self.position += 1;
        let fail = |problem| VerifyError {
            stream: entry.stream().clone(),
            seq: entry.seq(),
            position,
            problem,
        };
        let state = self.streams.entry(entry.stream().clone()).or_default();
        let expected = state.next_seq;
        check_continues(entry, expected, &state.last_hash).map_err(fail)?;
        check_redaction(state, entry, position).map_err(fail)?;
        state.next_seq = expected.saturating_add(1);
        state.last_hash = *entry.hash();
        state.frontier.push(entry.hash());
        Ok(())
    }

    /// Ends the input: checks that every erased entry has its redaction record, and
    /// summarises each stream.
    ///
    /// # Errors
    ///
    /// [`Problem::UnrecordedRedaction`] at the first erased entry (by position) that no
    /// redaction record accounts for.
    pub fn finish(self) -> Result<Summary, VerifyError> {
        let unrecorded = self
            .streams
            .iter()
            .flat_map(|(stream, state)| {
                state
                    .unrecorded
                    .iter()
                    .map(move |(seq, (_, position))| (*position, stream, *seq))
            })
            .min();
        if let Some((position, stream, seq)) = unrecorded {
            return Err(VerifyError {
                stream: stream.clone(),
                seq,
                position,
                problem: Problem::UnrecordedRedaction,
            });
        }
        let mut streams: Vec<StreamSummary> = self
            .streams
            .into_iter()
            .map(|(stream, state)| StreamSummary {
                stream,
                entries: state.next_seq,
                redacted: state.redacted,
                head: state.last_hash,
                root: state.frontier.root(),
            })
            .collect();
        streams.sort_by(|a, b| a.stream.cmp(&b.stream));
        Ok(Summary { streams })
    }
}

fn check_redaction(state: &mut StreamState, entry: &Entry, position: u64) -> Result<(), Problem> {
    let bad = |reason: String| Problem::BadRedactionRecord { reason };
    let is_record = entry.kind() == &Kind::REDACTION;
    match entry.payload() {
        None if is_record => Err(bad("the record itself is erased".into())),
        None => {
            state.redacted += 1;
            state
                .unrecorded
                .insert(entry.seq(), (*entry.hash(), position));
            Ok(())
        }
        Some(payload) if is_record => {
            let record: RedactionRecord = payload
                .decode()
                .map_err(|err| bad(format!("payload is not a redaction record: {err}")))?;
            match state.unrecorded.remove(&record.seq) {
                Some((hash, _)) if hash == record.entry_hash => Ok(()),
                Some((hash, _)) => Err(bad(format!(
                    "it names entry hash {} but seq {} has hash {hash}",
                    record.entry_hash, record.seq
                ))),
                None => Err(bad(format!(
                    "seq {} is not an erased entry before it, or was already accounted for",
                    record.seq
                ))),
            }
        }
        Some(_) => Ok(()),
    }
}

/// Verifies entries in input order, from genesis, and summarises every stream.
///
/// Streams may interleave; each stream's entries must come in sequence order. Checks,
/// per entry: its sequence number follows the previous one of its stream (else
/// [`Problem::Gap`], [`Problem::Reordered`] or [`Problem::Duplicate`]); its hash matches
/// its fields ([`Problem::EntryAltered`]); its payload opens its commitment
/// ([`Problem::PayloadAltered`]); it links to the previous entry
/// ([`Problem::BrokenLink`]); and every erased payload has its redaction record.
///
/// Verification proves the entries are the ones that were appended, from the first up
/// to the last one given. Only a head or root kept elsewhere (published, printed in
/// minutes, held by a member) proves that nothing was cut off or rewritten at the end.
///
/// # Errors
///
/// The first entry that is wrong, by position, with what is wrong with it.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Result<Summary, VerifyError> {
    let mut rest = entries.into_iter();
    let mut verifier = Verifier::new();
    while let Some(entry) = rest.next() {
        if let Err(err) = verifier.check(entry) {
            let later = rest.map(|e| (e.stream().clone(), e.seq()));
            return Err(err.classify_gap(later));
        }
    }
    verifier.finish()
}

impl VerifyError {
    /// A gap whose missing entry turns up `later` in the input is a reordering.
    pub(crate) fn classify_gap(self, later: impl IntoIterator<Item = (StreamId, u64)>) -> Self {
        let Problem::Gap { expected } = self.problem else {
            return self;
        };
        let mut later = later.into_iter();
        if later.any(|(stream, seq)| stream == self.stream && seq == expected) {
            VerifyError {
                problem: Problem::Reordered { expected },
                ..self
            }
        } else {
            self
        }
    }
}
