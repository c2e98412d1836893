//! The storage trait every journal backend implements, and the in-memory backend.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::{
    AppendError, Draft, Entry, EntryBody, ProjectionId, RedactError, RedactProblem, Redaction,
    Snapshot, SnapshotStore, StateSnapshot, StreamHead, StreamId, SubjectId, SubjectIndex,
};

/// Why a store refused or failed an operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The append was refused; [`AppendError::Conflict`] means retry after re-reading.
    #[error(transparent)]
    Append(#[from] AppendError),
    /// The redaction was refused.
    #[error(transparent)]
    Redact(#[from] RedactError),
    /// The backend failed (a database error, a lost connection).
    #[error("journal store failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// Whether another writer appended first, so that a retry may succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Append(AppendError::Conflict { .. }))
    }
}

/// Where journal entries are kept.
///
/// Every implementation keeps each stream gapless and unforked under concurrent writers:
/// an append names the sequence number it expects to write, and a stale one fails with
/// [`AppendError::Conflict`] instead of forking the chain. Implementations seal entries
/// with [`StreamHead::seal_all`] and [`StreamHead::seal_redaction`], so every store
/// hashes alike. The trait is dyn-compatible: hold stores as `Arc<dyn JournalStore>`.
///
/// ```
/// use andel_journal::{Draft, JournalStore, Kind, MemoryStore, Payload, StreamId};
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let store: std::sync::Arc<dyn JournalStore> = std::sync::Arc::new(MemoryStore::new());
/// let members = StreamId::new("members")?;
/// let draft = Draft::new(Kind::new("member.admitted")?, Payload::new(&7)?, "2026-11-27T08:00:00Z".parse()?);
///
/// let head = store.head(&members).await?;
/// store.append(&members, head.next_seq(), vec![draft.clone()]).await?;
///
/// // A writer with a stale view gets a conflict, never a fork.
/// let stale = store.append(&members, 0, vec![draft]).await.unwrap_err();
/// assert!(stale.is_conflict());
/// assert_eq!(store.read(&members, 0..10).await?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[async_trait]
pub trait JournalStore: Send + Sync {
    /// Appends `drafts` to `stream` as entries `expected_seq`, `expected_seq + 1`, …, all
    /// or none, and returns them.
    ///
    /// # Errors
    ///
    /// [`AppendError::Conflict`] when the stream's next sequence number is not
    /// `expected_seq`; any other [`AppendError`]; a backend failure.
    async fn append(
        &self,
        stream: &StreamId,
        expected_seq: u64,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Entry>, StoreError>;

    /// The entries of `stream` whose sequence numbers fall in `range`, in order. An empty
    /// or unknown stream, or a range past the end, gives fewer entries or none.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn read(&self, stream: &StreamId, range: Range<u64>) -> Result<Vec<Entry>, StoreError>;

    /// The bodies (sequence number, kind, payload) of the entries of `stream` in
    /// `range`, in order: what replaying a stream reads. Backends that can read less
    /// than whole entries override it; this one reads whole entries and keeps their
    /// bodies.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn read_bodies(
        &self,
        stream: &StreamId,
        range: Range<u64>,
    ) -> Result<Vec<EntryBody>, StoreError> {
        let entries = self.read(stream, range).await?;
        Ok(entries.into_iter().map(EntryBody::from).collect())
    }

    /// The head of `stream`: its next sequence number and last hash (for a stream with no
    /// entries, seq 0 and the zero digest).
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn head(&self, stream: &StreamId) -> Result<StreamHead, StoreError>;

    /// Erases the payload and salt of entry `seq` of `stream` and appends the record of
    /// the redaction, in one step; returns the record. A store that is also a
    /// [`SnapshotStore`] drops, in the same step, the snapshots and saved states over
    /// `stream`: caches of a replay that may hold what was erased.
    ///
    /// # Errors
    ///
    /// A [`RedactError`] when there is no such entry, it is already redacted or it is a
    /// redaction record; a backend failure.
    async fn redact(
        &self,
        stream: &StreamId,
        seq: u64,
        redaction: Redaction,
    ) -> Result<Entry, StoreError>;

    /// Appends entries sealed elsewhere (read from a journal file or exported from
    /// another store) exactly as they are, hashes and redactions included, all or none.
    /// They must continue `stream`: [`StreamHead::admit`] says what is checked.
    ///
    /// # Errors
    ///
    /// [`AppendError::Conflict`] when the first entry is not the stream's next seq;
    /// [`AppendError::Invalid`] for an altered or unlinked entry; a backend failure.
    async fn import(&self, stream: &StreamId, entries: Vec<Entry>) -> Result<(), StoreError>;

    /// Every stream with at least one entry, in name order.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn streams(&self) -> Result<Vec<StreamId>, StoreError>;

    /// Starts hearing of appends to this tenant's streams by every process on the same
    /// database, each told once its commit is done: so that a service running as
    /// several processes wakes the others' followers. `None` (the default) from a
    /// store that cannot tell; whoever appends through it then tells its own process.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn listen(&self) -> Result<Option<Box<dyn AppendListener>>, StoreError> {
        Ok(None)
    }
}

/// Hears of appends to a tenant's streams ([`JournalStore::listen`]).
#[async_trait]
pub trait AppendListener: Send {
    /// Waits for the next notice: a stream appended to (after the commit), or
    /// [`Appended::Missed`] when notices may have been lost (the connection to the
    /// database dropped and came back), after which any stream may have changed.
    ///
    /// # Errors
    ///
    /// A backend failure that did not mend.
    async fn next(&mut self) -> Result<Appended, StoreError>;
}

/// A notice from an [`AppendListener`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// Entries were appended to this stream (once or more since the last notice).
    Stream(StreamId),
    /// Notices may have been lost: any stream may have changed.
    Missed,
}

#[derive(Debug)]
struct MemoryStream {
    head: StreamHead,
    entries: Vec<Entry>,
}

/// A [`JournalStore`], [`SnapshotStore`] and [`SubjectIndex`] in memory: for tests, examples and
/// short-lived tools.
#[derive(Debug, Default)]
pub struct MemoryStore {
    streams: Mutex<BTreeMap<StreamId, MemoryStream>>,
    snapshots: Mutex<HashMap<(ProjectionId, StreamId), Snapshot>>,
    states: Mutex<HashMap<(ProjectionId, StreamId), StateSnapshot>>,
    subjects: Mutex<HashMap<StreamId, MemorySubjects>>,
}

/// One stream's subject index: its mark and its rows, ordered by subject, then seq.
#[derive(Debug, Default)]
struct MemorySubjects {
    indexed_to: u64,
    rows: BTreeSet<(SubjectId, u64)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<StreamId, MemoryStream>> {
        lock(&self.streams)
    }
}

/// Appends entries already checked against `current`, the stream's head, under the lock
/// that the check was made under.
fn push(
    streams: &mut BTreeMap<StreamId, MemoryStream>,
    stream: &StreamId,
    current: StreamHead,
    entries: &[Entry],
) {
    let Some(last) = entries.last() else {
        return;
    };
    let slot = streams
        .entry(stream.clone())
        .or_insert_with(|| MemoryStream {
            head: current,
            entries: Vec::new(),
        });
    slot.head.advance(last);
    slot.entries.extend_from_slice(entries);
}

// A panic while holding a lock cannot leave data half-written: every mutation here is a
// single push or assignment after all checks. So a poisoned lock still guards consistent
// data.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl SnapshotStore for MemoryStore {
    async fn save_snapshot(
        &self,
        projection: &ProjectionId,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let mut snapshots = lock(&self.snapshots);
        let key = (projection.clone(), snapshot.stream().clone());
        let kept = snapshots.get(&key).map_or(0, Snapshot::next_seq);
        if snapshot.next_seq() >= kept {
            snapshots.insert(key, snapshot.clone());
        }
        Ok(())
    }

    async fn latest_snapshot(
        &self,
        projection: &ProjectionId,
        stream: &StreamId,
    ) -> Result<Option<Snapshot>, StoreError> {
        let key = (projection.clone(), stream.clone());
        Ok(lock(&self.snapshots).get(&key).cloned())
    }

    async fn save_state(
        &self,
        format: &ProjectionId,
        snapshot: &StateSnapshot,
    ) -> Result<(), StoreError> {
        let mut states = lock(&self.states);
        let key = (format.clone(), snapshot.stream().clone());
        let kept = states.get(&key).map_or(0, StateSnapshot::next_seq);
        if snapshot.next_seq() >= kept {
            states.insert(key, snapshot.clone());
        }
        Ok(())
    }

    async fn latest_state(
        &self,
        format: &ProjectionId,
        stream: &StreamId,
    ) -> Result<Option<StateSnapshot>, StoreError> {
        let key = (format.clone(), stream.clone());
        Ok(lock(&self.states).get(&key).cloned())
    }
}

#[async_trait]
impl JournalStore for MemoryStore {
    async fn append(
        &self,
        stream: &StreamId,
        expected_seq: u64,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut streams = self.lock();
        let current = streams
            .get(stream)
            .map_or_else(|| StreamHead::new(stream.clone()), |s| s.head.clone());
        let sealed = current.seal_all(expected_seq, drafts)?;
        push(&mut streams, stream, current, &sealed);
        Ok(sealed)
    }

    async fn read(&self, stream: &StreamId, range: Range<u64>) -> Result<Vec<Entry>, StoreError> {
        let streams = self.lock();
        let Some(s) = streams.get(stream) else {
            return Ok(Vec::new());
        };
        let within = within(&range, s.entries.len());
        Ok(s.entries[within].to_vec())
    }

    async fn read_bodies(
        &self,
        stream: &StreamId,
        range: Range<u64>,
    ) -> Result<Vec<EntryBody>, StoreError> {
        let streams = self.lock();
        let Some(s) = streams.get(stream) else {
            return Ok(Vec::new());
        };
        let within = within(&range, s.entries.len());
        let body = |entry: &Entry| {
            EntryBody::new(entry.seq(), entry.kind().clone(), entry.payload().cloned())
        };
        Ok(s.entries[within].iter().map(body).collect())
    }

    async fn head(&self, stream: &StreamId) -> Result<StreamHead, StoreError> {
        Ok(self
            .lock()
            .get(stream)
            .map_or_else(|| StreamHead::new(stream.clone()), |s| s.head.clone()))
    }

    async fn redact(
        &self,
        stream: &StreamId,
        seq: u64,
        redaction: Redaction,
    ) -> Result<Entry, StoreError> {
        let mut streams = self.lock();
        let not_found = || RedactError {
            stream: stream.clone(),
            seq,
            problem: RedactProblem::NotFound,
        };
        let s = streams.get_mut(stream).ok_or_else(not_found)?;
        let index = usize::try_from(seq).map_err(|_| not_found())?;
        let target = s.entries.get(index).ok_or_else(not_found)?;
        let record = s.head.seal_redaction(target, redaction)?;
        let erased = target.clone().redacted();
        s.entries[index] = erased;
        s.head.advance(&record);
        s.entries.push(record.clone());
        if let Some(subjects) = lock(&self.subjects).get_mut(stream) {
            subjects.rows.retain(|(_, about)| *about != seq);
        }
        lock(&self.snapshots).retain(|(_, over), _| over != stream);
        lock(&self.states).retain(|(_, over), _| over != stream);
        Ok(record)
    }

    async fn import(&self, stream: &StreamId, entries: Vec<Entry>) -> Result<(), StoreError> {
        let mut streams = self.lock();
        let current = streams
            .get(stream)
            .map_or_else(|| StreamHead::new(stream.clone()), |s| s.head.clone());
        current.admit(&entries)?;
        push(&mut streams, stream, current, &entries);
        Ok(())
    }

    async fn streams(&self) -> Result<Vec<StreamId>, StoreError> {
        Ok(self.lock().keys().cloned().collect())
    }
}

#[async_trait]
impl SubjectIndex for MemoryStore {
    async fn indexed_to(&self, stream: &StreamId) -> Result<u64, StoreError> {
        Ok(lock(&self.subjects)
            .get(stream)
            .map_or(0, |subjects| subjects.indexed_to))
    }

    async fn index(
        &self,
        stream: &StreamId,
        rows: Vec<(SubjectId, u64)>,
        indexed_to: u64,
    ) -> Result<(), StoreError> {
        let mut all = lock(&self.subjects);
        let subjects = all.entry(stream.clone()).or_default();
        subjects.rows.extend(rows);
        subjects.indexed_to = subjects.indexed_to.max(indexed_to);
        Ok(())
    }

    async fn read_about(
        &self,
        stream: &StreamId,
        subject: &SubjectId,
        range: Range<u64>,
    ) -> Result<Vec<Entry>, StoreError> {
        let seqs: Vec<u64> = match lock(&self.subjects).get(stream) {
            Some(subjects) if range.start < range.end => subjects
                .rows
                .range((subject.clone(), range.start)..(subject.clone(), range.end))
                .map(|(_, seq)| *seq)
                .collect(),
            _ => return Ok(Vec::new()),
        };
        let streams = self.lock();
        let Some(s) = streams.get(stream) else {
            return Ok(Vec::new());
        };
        Ok(seqs
            .into_iter()
            .filter_map(|seq| s.entries.get(usize::try_from(seq).ok()?))
            .filter(|entry| !entry.is_redacted())
            .cloned()
            .collect())
    }
}

/// The part of `range` that lies within `0..len`.
fn within(range: &Range<u64>, len: usize) -> Range<usize> {
    let start = usize::try_from(range.start).unwrap_or(len).min(len);
    let end = usize::try_from(range.end).unwrap_or(len).clamp(start, len);
    start..end
}
