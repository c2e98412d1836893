//! Projections and their snapshots: state derived from a stream, saved at a position so
//! that a replay starts from the latest snapshot instead of entry 0.

use std::error::Error;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{
    Digest, Entry, JournalStore, Payload, PayloadError, ProjectionId, StoreError, StreamHead,
    StreamId,
};

/// How many entries [`replay`] reads at a time.
pub const REPLAY_PAGE: u64 = 4096;

/// A projection's state after it applied entries `0..next_seq` of a stream.
///
/// The snapshot remembers the hash of the last entry it saw, so a replay can tell a
/// snapshot of this journal from one of a journal that was since replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    stream: StreamId,
    next_seq: u64,
    last_hash: Digest,
    state: Payload,
}

impl Snapshot {
    /// The state of a projection that has applied every entry before `head`.
    pub fn new(head: &StreamHead, state: Payload) -> Self {
        Snapshot {
            stream: head.stream().clone(),
            next_seq: head.next_seq(),
            last_hash: *head.last_hash(),
            state,
        }
    }

    /// The stream the projection read.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The first entry the projection has not applied.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The hash of the last entry applied ([`Digest::ZERO`] before any).
    pub fn last_hash(&self) -> &Digest {
        &self.last_hash
    }

    /// The head the projection had reached.
    pub fn head(&self) -> StreamHead {
        StreamHead::at(self.stream.clone(), self.next_seq, self.last_hash)
    }

    /// The projection's state, as JSON.
    pub fn state(&self) -> &Payload {
        &self.state
    }
}

/// An aggregate's state after it applied entries `0..next_seq` of its stream, in the
/// aggregate's own binary format ([`Snapshotted`](crate::Snapshotted)), so that
/// [`Stored::open_from`](crate::Stored::open_from) replays only the entries after it.
///
/// Where a projection's [`Snapshot`] is JSON of at most
/// [`MAX_PAYLOAD_BYTES`](crate::MAX_PAYLOAD_BYTES), this one is bytes of any length: an
/// aggregate such as the membership ledger keeps every posting, so its state grows with
/// its stream. Like a projection's snapshot it is a cache of a replay: it remembers the
/// hash of the last entry applied, and is passed over when that entry changed.
#[derive(Clone, PartialEq, Eq)]
pub struct StateSnapshot {
    stream: StreamId,
    next_seq: u64,
    last_hash: Digest,
    state: Vec<u8>,
}

impl StateSnapshot {
    /// The state, encoded, of an aggregate that has applied every entry before `head`.
    pub fn new(head: &StreamHead, state: Vec<u8>) -> Self {
        StateSnapshot {
            stream: head.stream().clone(),
            next_seq: head.next_seq(),
            last_hash: *head.last_hash(),
            state,
        }
    }

    /// The stream the aggregate lives in.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The first entry the aggregate has not applied.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The hash of the last entry applied ([`Digest::ZERO`] before any).
    pub fn last_hash(&self) -> &Digest {
        &self.last_hash
    }

    /// The encoded state.
    pub fn state(&self) -> &[u8] {
        &self.state
    }
}

impl std::fmt::Debug for StateSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateSnapshot")
            .field("stream", &self.stream)
            .field("next_seq", &self.next_seq)
            .field("last_hash", &self.last_hash)
            .field("state", &format_args!("{} bytes", self.state.len()))
            .finish()
    }
}

/// Where projections and aggregates keep their snapshots: one per projection (or
/// aggregate format) and stream, the latest.
///
/// Saving a snapshot older (by `next_seq`) than the one kept leaves the kept one: two
/// processes replaying the same stream can both save without moving it backwards.
#[async_trait]
pub trait SnapshotStore: Send + Sync {
    /// Keeps `snapshot` as the latest of `projection` over its stream, unless a later one
    /// is already kept.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn save_snapshot(
        &self,
        projection: &ProjectionId,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError>;

    /// The latest snapshot of `projection` over `stream`, if any.
    ///
    /// # Errors
    ///
    /// A backend failure, or a stored snapshot that cannot be read back.
    async fn latest_snapshot(
        &self,
        projection: &ProjectionId,
        stream: &StreamId,
    ) -> Result<Option<Snapshot>, StoreError>;

    /// Keeps `snapshot` as the latest state of the aggregate whose format is `format`,
    /// unless a later one is already kept.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn save_state(
        &self,
        format: &ProjectionId,
        snapshot: &StateSnapshot,
    ) -> Result<(), StoreError>;

    /// The latest state saved in `format` for `stream`, if any.
    ///
    /// # Errors
    ///
    /// A backend failure, or a stored snapshot that cannot be read back.
    async fn latest_state(
        &self,
        format: &ProjectionId,
        stream: &StreamId,
    ) -> Result<Option<StateSnapshot>, StoreError>;
}

/// State derived from a stream by applying its entries in order: a register of members,
/// the balances of a ledger, the open proposals.
///
/// The state is saved as JSON in snapshots, so it is `Serialize` and `DeserializeOwned`;
/// `Default` is the state before the first entry.
pub trait Projection: Default + Serialize + DeserializeOwned {
    /// Why an entry could not be applied.
    type Error: Error + Send + Sync + 'static;

    /// Applies the next entry. Redacted entries arrive without a payload; most
    /// projections skip them or the record of their redaction.
    ///
    /// # Errors
    ///
    /// When the entry cannot be applied (say, a payload of the wrong shape).
    fn apply(&mut self, entry: &Entry) -> Result<(), Self::Error>;
}

/// A projection brought up to date by [`replay`].
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed<P> {
    /// The projection's state.
    pub state: P,
    /// Where it stands: the stream's head when the replay ended.
    pub head: StreamHead,
    /// The snapshot's `next_seq` the replay started from, or `None` if it started at 0.
    pub resumed_from: Option<u64>,
}

impl<P: Projection> Replayed<P> {
    /// A snapshot of the state, to save with [`SnapshotStore::save_snapshot`].
    ///
    /// # Errors
    ///
    /// When the state cannot be written as a payload.
    pub fn snapshot(&self) -> Result<Snapshot, PayloadError> {
        Ok(Snapshot::new(&self.head, Payload::new(&self.state)?))
    }
}

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// Reading entries or the snapshot failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The snapshot's state does not decode as the projection's state.
    #[error("snapshot of `{projection}` at seq {next_seq} of `{stream}` does not decode: {reason}")]
    Snapshot {
        /// The projection.
        projection: ProjectionId,
        /// The stream.
        stream: StreamId,
        /// Where the snapshot was taken.
        next_seq: u64,
        /// What the decoder said.
        reason: String,
    },
    /// The store returned entries that do not follow one another.
    #[error("stream `{stream}` skips from seq {expected} to {found} during replay")]
    Gap {
        /// The stream.
        stream: StreamId,
        /// The seq that was due.
        expected: u64,
        /// The seq that came.
        found: u64,
    },
    /// The projection refused an entry.
    #[error("projection `{projection}` cannot apply entry {seq} of `{stream}`: {source}")]
    Apply {
        /// The projection.
        projection: ProjectionId,
        /// The stream.
        stream: StreamId,
        /// The entry.
        seq: u64,
        /// The projection's error.
        source: Box<dyn Error + Send + Sync>,
    },
}

/// Brings a projection up to date with `stream`: starts from its latest snapshot (when
/// the entry it ends at still has the hash it saw) or from entry 0, then applies every
/// later entry in order.
///
/// Replay checks that sequence numbers follow one another; checking hashes and links is
/// [`verify`](crate::verify)'s job.
///
/// ```
/// use andel_journal::{replay, Draft, Entry, JournalStore, Kind, MemoryStore, Payload, Projection, ProjectionId, SnapshotStore, StreamId};
///
/// #[derive(Default, serde::Serialize, serde::Deserialize)]
/// struct Count { admitted: u64 }
///
/// impl Projection for Count {
///     type Error = std::convert::Infallible;
///     fn apply(&mut self, entry: &Entry) -> Result<(), Self::Error> {
///         if entry.kind().as_str() == "member.admitted" { self.admitted += 1 }
///         Ok(())
///     }
/// }
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let store = MemoryStore::new();
/// let members = StreamId::new("members")?;
/// let count = ProjectionId::new("members.count")?;
/// let admitted = || Draft::new(Kind::new("member.admitted").unwrap(), Payload::new(&1).unwrap(), "2026-11-27T08:00:00Z".parse().unwrap());
/// store.append(&members, 0, vec![admitted(), admitted()]).await?;
///
/// let first = replay::<Count, _, _>(&store, &store, &count, &members).await?;
/// store.save_snapshot(&count, &first.snapshot()?).await?;
///
/// store.append(&members, 2, vec![admitted()]).await?;
/// let second = replay::<Count, _, _>(&store, &store, &count, &members).await?;
/// assert_eq!(second.state.admitted, 3);
/// assert_eq!(second.resumed_from, Some(2)); // only entry 2 was read
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A store failure, a snapshot that does not decode, a gap, or an entry the projection
/// refuses.
pub async fn replay<P, J, S>(
    journal: &J,
    snapshots: &S,
    projection: &ProjectionId,
    stream: &StreamId,
) -> Result<Replayed<P>, ReplayError>
where
    P: Projection,
    J: JournalStore + ?Sized,
    S: SnapshotStore + ?Sized,
{
    let (mut state, mut head, resumed_from) =
        match usable_snapshot(journal, snapshots, projection, stream).await? {
            Some(snapshot) => {
                let state =
                    snapshot
                        .state()
                        .decode::<P>()
                        .map_err(|err| ReplayError::Snapshot {
                            projection: projection.clone(),
                            stream: stream.clone(),
                            next_seq: snapshot.next_seq(),
                            reason: err.to_string(),
                        })?;
                (state, snapshot.head(), Some(snapshot.next_seq()))
            }
            None => (P::default(), StreamHead::new(stream.clone()), None),
        };
    loop {
        let start = head.next_seq();
        let page = journal
            .read(stream, start..start.saturating_add(REPLAY_PAGE))
            .await?;
        for entry in &page {
            if entry.seq() != head.next_seq() {
                return Err(ReplayError::Gap {
                    stream: stream.clone(),
                    expected: head.next_seq(),
                    found: entry.seq(),
                });
            }
            state.apply(entry).map_err(|err| ReplayError::Apply {
                projection: projection.clone(),
                stream: stream.clone(),
                seq: entry.seq(),
                source: Box::new(err),
            })?;
            head.advance(entry);
        }
        if (page.len() as u64) < REPLAY_PAGE {
            return Ok(Replayed {
                state,
                head,
                resumed_from,
            });
        }
    }
}

/// The latest snapshot, if the entry it ends at is still in the stream with the hash it
/// saw.
async fn usable_snapshot<J, S>(
    journal: &J,
    snapshots: &S,
    projection: &ProjectionId,
    stream: &StreamId,
) -> Result<Option<Snapshot>, StoreError>
where
    J: JournalStore + ?Sized,
    S: SnapshotStore + ?Sized,
{
    let Some(snapshot) = snapshots.latest_snapshot(projection, stream).await? else {
        return Ok(None);
    };
    let Some(last) = snapshot.next_seq().checked_sub(1) else {
        return Ok(Some(snapshot));
    };
    let anchor = journal.read(stream, last..snapshot.next_seq()).await?;
    let still_there = anchor
        .first()
        .is_some_and(|entry| entry.hash() == snapshot.last_hash());
    Ok(still_there.then_some(snapshot))
}
