//! An index of a stream's entries by the members they are about, so that one member's
//! entries in a shared stream (their access records among everyone's) are found without
//! reading everyone else's.
//!
//! The index is derived: it is built from the entries by [`catch_up`], holds no content
//! (only which seq is about whom), can be rebuilt at any time, and verification never
//! reads it. A store drops an entry's rows when the entry is redacted, so that erasure
//! leaves no trace of whom it was about.

use std::ops::Range;

use async_trait::async_trait;

use crate::{Entry, EntryBody, JournalStore, StoreError, StreamId, SubjectId};

/// How many entries [`catch_up`] reads and indexes at a time.
pub const INDEX_CHUNK: u64 = 10_000;

/// Where a store keeps which entries of a stream are about which member.
///
/// Each stream has a mark: every entry before it has been indexed. [`catch_up`] moves
/// it to the stream's head, so a reader calls that first and then [`read_about`]. The
/// trait is dyn-compatible, as [`JournalStore`] is.
///
/// ```
/// use andel_journal::{catch_up, Draft, JournalStore, Kind, MemoryStore, Payload, StoreError, StreamId, SubjectId, SubjectIndex};
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let store = MemoryStore::new();
/// let access = StreamId::new("access")?;
/// let at = "2027-03-01T10:00:00Z".parse()?;
/// let record = |owner: &str| -> Result<Draft, Box<dyn std::error::Error>> {
///     let payload = Payload::from_json_str(&format!(r#"{{"owner":"{owner}"}}"#))?;
///     Ok(Draft::new(Kind::new("access.decided")?, payload, at))
/// };
/// store.append(&access, 0, vec![record("ada")?, record("bo")?, record("ada")?]).await?;
///
/// // Index every entry by the member its payload names.
/// let owner = |body: &andel_journal::EntryBody| -> Result<Vec<SubjectId>, StoreError> {
///     let Some(payload) = body.payload() else { return Ok(Vec::new()) };
///     let value: serde_json::Value = serde_json::from_str(payload.as_str()).expect("JSON");
///     Ok(vec![SubjectId::new(value["owner"].as_str().expect("an owner")).expect("an id")])
/// };
/// assert_eq!(catch_up(&store, &store, &access, owner).await?, 3);
///
/// let ada = store.read_about(&access, &SubjectId::new("ada")?, 0..u64::MAX).await?;
/// assert_eq!(ada.iter().map(|entry| entry.seq()).collect::<Vec<_>>(), [0, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`read_about`]: SubjectIndex::read_about
#[async_trait]
pub trait SubjectIndex: Send + Sync {
    /// The mark of `stream`: every entry before this seq has been indexed (0 for a
    /// stream never indexed).
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn indexed_to(&self, stream: &StreamId) -> Result<u64, StoreError>;

    /// Records that entry `seq` of `stream` is about `subject`, for each row, and moves
    /// the mark to `indexed_to`, all or none. A row already there is kept once; a mark
    /// only moves forward, so two writers indexing the same entries do no harm.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn index(
        &self,
        stream: &StreamId,
        rows: Vec<(SubjectId, u64)>,
        indexed_to: u64,
    ) -> Result<(), StoreError>;

    /// The entries of `stream` with seqs in `range` that are about `subject` and not
    /// redacted, in order, as far as the stream has been indexed.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn read_about(
        &self,
        stream: &StreamId,
        subject: &SubjectId,
        range: Range<u64>,
    ) -> Result<Vec<Entry>, StoreError>;
}

/// Indexes the entries of `stream` from its mark to its head, [`INDEX_CHUNK`] at a time,
/// by the subjects `subjects_of` finds in each (a redacted entry's body has no payload;
/// give it none); returns the new mark, the head as it was read.
///
/// # Errors
///
/// A store failure, or what `subjects_of` returns for an entry it cannot read.
pub async fn catch_up<E>(
    journal: &dyn JournalStore,
    index: &dyn SubjectIndex,
    stream: &StreamId,
    mut subjects_of: impl FnMut(&EntryBody) -> Result<Vec<SubjectId>, E> + Send,
) -> Result<u64, E>
where
    E: From<StoreError> + Send,
{
    let head = journal.head(stream).await?.next_seq();
    let mut from = index.indexed_to(stream).await?;
    while from < head {
        let to = head.min(from.saturating_add(INDEX_CHUNK));
        let bodies = journal.read_bodies(stream, from..to).await?;
        let mut rows = Vec::with_capacity(bodies.len());
        for body in &bodies {
            rows.extend(subjects_of(body)?.into_iter().map(|s| (s, body.seq())));
        }
        index.index(stream, rows, to).await?;
        from = to;
    }
    Ok(head)
}
