//! Append-only, hash-chained, Merkle-rooted journals, with redaction that keeps them
//! verifiable.
//!
//! A cooperative's register, its ballots, its members' consents: each is kept as a
//! journal, so that nobody, not even whoever runs the server, can quietly rewrite what
//! was recorded.
//!
//! - A journal holds **streams**. A stream is a sequence of [`Entry`]s numbered from 0
//!   without gaps. Each entry records its kind, a JSON [`Payload`], when it was recorded
//!   and by whom, and is chained to the previous entry by hash: change any byte of the
//!   past and [`verify`] names the first entry that no longer fits, and why.
//! - The payload is hashed through a salted **commitment**. Erasing payload and salt
//!   (GDPR art. 17, see [`Redaction`]) leaves the commitment, so the chain still verifies;
//!   the erasure itself is recorded as an entry.
//! - Each stream's entry hashes are the leaves of a [`merkle`] tree in the style of
//!   RFC 9162: a short root names the whole stream, an inclusion proof shows that one
//!   entry is in it, a consistency proof shows that a later root only added entries.
//! - A [`JournalStore`] keeps streams; appends name the sequence number they expect, so
//!   concurrent writers get a conflict instead of a fork. [`MemoryStore`] is here; the
//!   SQLite and PostgreSQL stores live in `andel-store`.
//! - A [`SubjectIndex`] finds the entries of a shared stream that are about one member
//!   (their access records among everyone's) without reading the others; [`catch_up`]
//!   keeps it up to date.
//! - A [`Projection`] derives state from a stream; [`replay`] brings it up to date from
//!   its latest [`Snapshot`] in a [`SnapshotStore`].
//! - An [`Aggregate`] (state changed only by events it decides) lives in a stream as
//!   [`Stored`]: replayed on open, appended atomically, retried on conflict. A
//!   [`Snapshotted`] aggregate opens from its latest [`StateSnapshot`] and replays only
//!   the entries after it.
//! - The [`file`](mod@file) module reads and writes the journal file, NDJSON with one entry per
//!   line, in constant memory.
//!
//! The crate does no I/O of its own and has no clock: callers pass `recorded_at`.
//!
//! # Examples
//!
//! Record, verify, redact, and prove an entry's inclusion:
//!
//! ```
//! use andel_journal::{
//!     merkle::MerkleTree, verify, AuthorId, Draft, JournalStore, Kind, MemoryStore, Payload,
//!     Redaction, StreamId,
//! };
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let store = MemoryStore::new();
//! let members = StreamId::new("members")?;
//! let at = "2026-11-27T08:00:00Z".parse()?;
//! let drafts = vec![
//!     Draft::new(Kind::new("member.admitted")?, Payload::from_json_str(r#"{"member":1,"name":"Ada"}"#)?, at),
//!     Draft::new(Kind::new("member.admitted")?, Payload::from_json_str(r#"{"member":2,"name":"Bo"}"#)?, at),
//! ];
//! store.append(&members, 0, drafts).await?;
//!
//! // Bo asks to be forgotten: the payload goes, the chain stays valid.
//! store
//!     .redact(
//!         &members,
//!         1,
//!         Redaction::new("erasure request 2026-11-27", "2026-11-28T08:00:00Z".parse()?)
//!             .by(AuthorId::new("secretary")?),
//!     )
//!     .await?;
//! let entries = store.read(&members, 0..u64::MAX).await?;
//! assert!(entries[1].payload().is_none());
//! let summary = verify(&entries)?;
//! assert_eq!((summary.entries(), summary.redacted()), (3, 1));
//!
//! // Anyone holding the root can check that entry 0 is in the stream.
//! let tree = MerkleTree::from_entry_hashes(entries.iter().map(|e| *e.hash()));
//! let proof = tree.inclusion_proof(0, tree.size())?;
//! proof.verify(entries[0].hash(), &summary.streams[0].root)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//!
//! None: the crate has one job and all of it is always on.

mod aggregate;
mod chain;
mod digest;
mod entry;
pub mod file;
mod id;
pub mod merkle;
mod payload;
mod snapshot;
mod store;
mod subjects;
mod time;
mod verify;

pub use aggregate::{Aggregate, Append, Opened, Snapshotted, Stored, StoredError, StoredErrorOf};
pub use chain::{AppendError, RedactError, RedactProblem, Redaction, RedactionRecord, StreamHead};
pub use digest::{Digest, HexError, Salt};
pub use entry::{Content, Draft, ENTRY_TAG, Entry, EntryBody, EntryParts, PAYLOAD_TAG, commitment};
pub use id::{
    AuthorId, Kind, MAX_ID_LEN, MAX_KIND_LEN, NameError, ProjectionId, RESERVED_KIND_PREFIX,
    StreamId, SubjectId, TenantId,
};
pub use payload::{MAX_EXACT_INTEGER, MAX_PAYLOAD_BYTES, MAX_PAYLOAD_DEPTH, Payload, PayloadError};
pub use snapshot::{
    Projection, REPLAY_PAGE, ReplayError, Replayed, Snapshot, SnapshotStore, StateSnapshot, replay,
};
pub use store::{AppendListener, Appended, JournalStore, MemoryStore, StoreError};
pub use subjects::{INDEX_CHUNK, SubjectIndex, catch_up};
pub use time::{Timestamp, TimestampError};
pub use verify::{Problem, StreamSummary, Summary, Verifier, VerifyError, verify};
