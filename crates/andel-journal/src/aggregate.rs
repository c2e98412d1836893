//! State kept as a stream of events: decided by pure functions, replayed on open,
//! appended atomically, and never forked by two writers.

use std::error::Error;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{
    AuthorId, Draft, Entry, EntryBody, JournalStore, Kind, NameError, Payload, PayloadError,
    ProjectionId, REPLAY_PAGE, RedactionRecord, SnapshotStore, StateSnapshot, StoreError,
    StreamHead, StreamId, Timestamp,
};

/// State that changes only by events: [`decide`](Aggregate::decide) answers a command
/// with events (or a refusal) without changing anything, and
/// [`apply`](Aggregate::apply) folds an event in. The membership ledger and each
/// proposal of a co-op are aggregates; [`Stored`] keeps one in a journal stream.
pub trait Aggregate: Default {
    /// What callers ask for.
    type Command: Clone;
    /// What happened, stored as each entry's payload.
    type Event: Serialize + DeserializeOwned;
    /// What deciding needs besides the command: the effective date, or the time now.
    type At: Copy;
    /// Why a command is refused.
    type Rejection: Error + Send + Sync + 'static;
    /// Why an event cannot be applied (an edited or foreign journal).
    type Invalid: Error + Send + Sync + 'static;

    /// The events that carry out `command` at `at`.
    ///
    /// # Errors
    ///
    /// The command's refusal.
    fn decide(
        &self,
        command: Self::Command,
        at: Self::At,
    ) -> Result<Vec<Self::Event>, Self::Rejection>;

    /// Folds in one event.
    ///
    /// # Errors
    ///
    /// An event that breaks the aggregate's rules.
    fn apply(&mut self, event: &Self::Event) -> Result<(), Self::Invalid>;

    /// The journal entry kind of `event`.
    fn kind(event: &Self::Event) -> &'static str;

    /// Decodes the event held in `payload` by an entry of kind `kind`, as replay reads
    /// it.
    ///
    /// The default reads the payload with the event type's `Deserialize`. An aggregate
    /// with long streams may override it to read faster, knowing the kind before the
    /// payload, but must answer exactly as the default does: the same event, or the
    /// same error.
    ///
    /// # Errors
    ///
    /// When the payload is not one of the aggregate's events.
    fn decode(kind: &str, payload: &Payload) -> Result<Self::Event, serde_json::Error> {
        let _ = kind;
        payload.decode()
    }

    /// What is left of an event of kind `kind` whose entry was erased (its payload
    /// redacted), folded in in its place; `None` when the aggregate cannot do without
    /// the event.
    ///
    /// The default is `None`: a ledger or a ballot box stands on every event, and its
    /// stream does not open once one is erased ([`StoredError::Erased`]). An aggregate
    /// whose events hold what members may have erased (a message, a comment) answers
    /// with a tombstone: an event that keeps the entry's place, so that the ids later
    /// events name stay where they were, and none of its content.
    ///
    /// [`Stored`] folds the tombstone in wherever it reads an erased entry, and replays
    /// the stream from its start when it reads the record of an erasure of an entry it
    /// had already applied (or a snapshot it opened from had), so that no state it
    /// holds keeps what was erased.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use andel_journal::{Aggregate, JournalStore, MemoryStore, Redaction, Stored, StreamId};
    ///
    /// #[derive(Debug, Clone, Default, PartialEq)]
    /// struct Wall(Vec<Option<String>>); // one place per note; `None` once erased
    ///
    /// impl Aggregate for Wall {
    ///     type Command = String;
    ///     type Event = Option<String>;
    ///     type At = ();
    ///     type Rejection = std::convert::Infallible;
    ///     type Invalid = std::convert::Infallible;
    ///     fn decide(&self, note: String, _: ()) -> Result<Vec<Self::Event>, Self::Rejection> {
    ///         Ok(vec![Some(note)])
    ///     }
    ///     fn apply(&mut self, note: &Self::Event) -> Result<(), Self::Invalid> {
    ///         self.0.push(note.clone());
    ///         Ok(())
    ///     }
    ///     fn kind(_: &Self::Event) -> &'static str { "wall.noted" }
    ///     fn erased(_kind: &str) -> Option<Self::Event> { Some(None) }
    /// }
    ///
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// let store = Arc::new(MemoryStore::new());
    /// let stream = StreamId::new("wall")?;
    /// let at = "2026-12-03T09:00:00Z".parse()?;
    /// let mut wall = Stored::<Wall>::open(store.clone(), stream.clone()).await?;
    /// for note in ["hello", "my phone number", "bye"] {
    ///     wall.execute(note.to_string(), (), at, None).await?;
    /// }
    /// store.redact(&stream, 1, Redaction::new("the author deleted it", at)).await?;
    ///
    /// // The open wall forgets the note once it reads of the erasure, as a new one does.
    /// wall.catch_up().await?;
    /// let expected = Wall(vec![Some("hello".into()), None, Some("bye".into())]);
    /// assert_eq!(wall.state(), &expected);
    /// assert_eq!(Stored::<Wall>::open(store, stream).await?.state(), &expected);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn erased(kind: &str) -> Option<Self::Event> {
        let _ = kind;
        None
    }
}

/// An [`Aggregate`] whose state can be saved in a [`SnapshotStore`], so that
/// [`Stored::open_from`] replays only the entries after its latest snapshot.
///
/// The encoding is the aggregate's own, and must give back the state it was given:
/// `decode_state(&state.encode_state())` is `Ok(state)`. It must treat its input as
/// hostile: a database can hold anything, and a snapshot that does not decode is passed
/// over (the stream is replayed whole instead), never trusted in part.
pub trait Snapshotted: Aggregate {
    /// Names the encoding and its version, as a [`ProjectionId`]: change it when the
    /// encoding changes, so that snapshots in the old one are passed over and replaced
    /// instead of misread.
    const FORMAT: &'static str;

    /// The state, encoded.
    fn encode_state(&self) -> Vec<u8>;

    /// The state `bytes` encode.
    ///
    /// # Errors
    ///
    /// Bytes that are not a state in [`Snapshotted::FORMAT`], saying what is wrong.
    fn decode_state(bytes: &[u8]) -> Result<Self, String>;
}

/// Where [`Stored::execute_with`] appends the entries a command decided: any
/// [`JournalStore`], or a writer that records something else in the same transaction
/// (a secret ballot's box records the ballot with the voter's participation).
#[async_trait::async_trait]
pub trait Append: Send + Sync {
    /// Seals `drafts` at `expected_seq` of `stream` and appends them, as
    /// [`JournalStore::append`] does.
    ///
    /// # Errors
    ///
    /// As [`JournalStore::append`]: a conflict when another writer was first.
    async fn append(
        &self,
        stream: &StreamId,
        expected_seq: u64,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Entry>, StoreError>;
}

#[async_trait::async_trait]
impl<S: JournalStore + ?Sized> Append for S {
    async fn append(
        &self,
        stream: &StreamId,
        expected_seq: u64,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Entry>, StoreError> {
        JournalStore::append(self, stream, expected_seq, drafts).await
    }
}

/// The store an aggregate was opened on, as the writer of its own appends.
struct Own<'a>(&'a dyn JournalStore);

#[async_trait::async_trait]
impl Append for Own<'_> {
    async fn append(
        &self,
        stream: &StreamId,
        expected_seq: u64,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Entry>, StoreError> {
        self.0.append(stream, expected_seq, drafts).await
    }
}

/// How often [`Stored::execute`] decides again when another writer appended first.
/// Each round at least one writer wins, so this outlasts far more concurrent writers to
/// one stream than a co-op has (three attempts failed one command in ten with eight).
const ATTEMPTS: usize = 64;

/// An [`Aggregate`] whose events live in one stream of a [`JournalStore`]: replayed on
/// open, and changed by appending the events a command decides at the stream's expected
/// sequence number, so two writers never fork it.
pub struct Stored<A> {
    store: Arc<dyn JournalStore>,
    stream: StreamId,
    state: A,
    next_seq: u64,
    opened: Opened,
}

/// What applying one entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applied {
    /// Folded in its event.
    Event,
    /// Folded in the tombstone of its erased event ([`Aggregate::erased`]).
    Tombstone,
    /// Nothing: it is the journal's record of the erasure of this entry.
    ErasureOf(u64),
}

/// How a [`Stored`] aggregate was opened: from which snapshot, if any, and why a
/// snapshot that was there was passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opened {
    /// The snapshot's `next_seq` the replay started from, or `None` if it started at 0.
    pub resumed_from: Option<u64>,
    /// Why the latest snapshot was not used, when there was one: it ends at an entry
    /// the stream no longer has with that hash, or it does not decode.
    pub passed_over: Option<String>,
    /// The `next_seq` of the snapshot saved after opening, if one was.
    pub saved_at: Option<u64>,
}

/// Why a stored aggregate could not be opened or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoredError<R: Error + 'static, I: Error + 'static> {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The command was refused.
    #[error(transparent)]
    Decide(R),
    /// An entry of the stream is not one of the aggregate's events.
    #[error("entry {seq} of `{stream}` is not an event of this stream: {reason}")]
    Decode {
        /// The stream.
        stream: StreamId,
        /// The entry.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// An entry's event breaks the aggregate's rules.
    #[error("entry {seq} of `{stream}` cannot be applied")]
    Apply {
        /// The stream.
        stream: StreamId,
        /// The entry.
        seq: u64,
        /// The rule.
        source: I,
    },
    /// An entry's payload was erased.
    #[error(
        "entry {seq} of `{stream}` was erased, and this stream's state needs every event: records under legal retention must not be erased"
    )]
    Erased {
        /// The stream.
        stream: StreamId,
        /// The entry.
        seq: u64,
    },
    /// An event could not be written as a payload.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// A stream or kind name the journal refuses.
    #[error(transparent)]
    Name(#[from] NameError),
    /// Other writers kept appending first.
    #[error("other writers kept changing `{stream}`; try again")]
    Busy {
        /// The stream.
        stream: StreamId,
    },
}

/// The error of a [`Stored`] aggregate `A`.
pub type StoredErrorOf<A> = StoredError<<A as Aggregate>::Rejection, <A as Aggregate>::Invalid>;

impl<A: Aggregate> Stored<A> {
    /// Opens the aggregate kept in `stream` of `store`, replaying every entry.
    ///
    /// # Errors
    ///
    /// A store failure, or an entry that is not an event of `A`, breaks its rules, or
    /// was erased.
    pub async fn open(
        store: Arc<dyn JournalStore>,
        stream: StreamId,
    ) -> Result<Self, StoredErrorOf<A>> {
        let mut stored = Stored {
            store,
            stream,
            state: A::default(),
            next_seq: 0,
            opened: Opened::default(),
        };
        stored.catch_up().await?;
        Ok(stored)
    }

    /// How it was opened: from which snapshot, if any.
    pub fn opened(&self) -> &Opened {
        &self.opened
    }

    /// The first entry of the stream not yet applied.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The state as of the latest entry read.
    pub fn state(&self) -> &A {
        &self.state
    }

    /// The store it lives in.
    pub fn store(&self) -> &Arc<dyn JournalStore> {
        &self.store
    }

    /// The stream it lives in.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// Reads and applies the entries other writers appended since.
    ///
    /// # Errors
    ///
    /// As [`Stored::open`].
    pub async fn catch_up(&mut self) -> Result<(), StoredErrorOf<A>> {
        self.catch_up_until(u64::MAX).await
    }

    /// Reads and applies the entries from where it stands up to (not including) `end`;
    /// when they record the erasure of an entry applied before, replays the stream
    /// from its start instead, so that the state keeps nothing that was erased.
    async fn catch_up_until(&mut self, end: u64) -> Result<(), StoredErrorOf<A>> {
        let mut applied = self.next_seq;
        // Each pass again ends only when an erasure came in while it read.
        while self.read_until(end, applied).await? {
            self.state = A::default();
            self.next_seq = 0;
            applied = 0;
            if let Some(resumed) = self.opened.resumed_from.take() {
                self.opened.passed_over = Some(format!(
                    "an entry of `{}` before the snapshot's end (entry {resumed}) was erased after the snapshot was saved",
                    self.stream
                ));
            }
        }
        Ok(())
    }

    /// Reads and applies the entries from where it stands up to (not including) `end`,
    /// saying whether the state now holds something erased: one of them records the
    /// erasure of an entry applied with its content, before `applied` or by this read
    /// (when the erasure came between two of its pages).
    async fn read_until(&mut self, end: u64, applied: u64) -> Result<bool, StoredErrorOf<A>> {
        let mut stale = false;
        let mut tombstones = std::collections::BTreeSet::new();
        let (store, stream) = (Arc::clone(&self.store), self.stream.clone());
        let page_at = |start: u64| {
            store.read_bodies(&stream, start..start.saturating_add(REPLAY_PAGE).min(end))
        };
        let mut start = self.next_seq;
        let mut page = page_at(start).await?;
        loop {
            let full = page.len() as u64 >= REPLAY_PAGE;
            // Ask for the next page before applying this one: a store that reads on a
            // thread of its own (SQLite) reads it while this one is decoded and applied.
            let mut next = match full {
                true => Some(Started::start(page_at(start.saturating_add(REPLAY_PAGE))).await),
                false => None,
            };
            for entry in &page {
                match self.apply_entry(entry)? {
                    Applied::Event => {}
                    Applied::Tombstone => {
                        tombstones.insert(entry.seq());
                    }
                    Applied::ErasureOf(seq) => {
                        stale |= seq < applied || !tombstones.contains(&seq);
                    }
                }
            }
            match next.take() {
                None => return Ok(stale),
                Some(next) => {
                    start = start.saturating_add(REPLAY_PAGE);
                    page = next.finish().await?;
                }
            }
        }
    }

    /// Applies the next entry.
    fn apply_entry(&mut self, entry: &EntryBody) -> Result<Applied, StoredErrorOf<A>> {
        let seq = entry.seq();
        let fail = |reason: String| StoredError::Decode {
            stream: self.stream.clone(),
            seq,
            reason,
        };
        if seq != self.next_seq {
            return Err(fail(format!("expected entry {}", self.next_seq)));
        }
        if entry.kind() == &Kind::REDACTION {
            let record = entry.payload().map(Payload::decode::<RedactionRecord>);
            let Some(Ok(record)) = record else {
                return Err(fail(
                    "the record of an erasure does not say what it erased".into(),
                ));
            };
            self.next_seq += 1;
            return Ok(Applied::ErasureOf(record.seq));
        }
        let mut applied = Applied::Event;
        let event = match entry.payload() {
            Some(payload) => {
                let event = A::decode(entry.kind().as_str(), payload)
                    .map_err(|err| fail(err.to_string()))?;
                if A::kind(&event) != entry.kind().as_str() {
                    return Err(fail(format!(
                        "its kind `{}` does not match its event `{}`",
                        entry.kind(),
                        A::kind(&event)
                    )));
                }
                event
            }
            None => {
                applied = Applied::Tombstone;
                A::erased(entry.kind().as_str()).ok_or_else(|| StoredError::Erased {
                    stream: self.stream.clone(),
                    seq,
                })?
            }
        };
        self.state
            .apply(&event)
            .map_err(|source| StoredError::Apply {
                stream: self.stream.clone(),
                seq,
                source,
            })?;
        self.next_seq += 1;
        Ok(applied)
    }

    /// Decides `command` at `at`, appends its events (recorded at `recorded_at`, by
    /// `author`) and applies them. If another writer appended first, it catches up and
    /// decides again. A command with nothing to do appends nothing.
    ///
    /// # Errors
    ///
    /// The command's refusal, a store failure, or [`StoredError::Busy`] after 64
    /// conflicts in a row.
    pub async fn execute(
        &mut self,
        command: A::Command,
        at: A::At,
        recorded_at: Timestamp,
        author: Option<AuthorId>,
    ) -> Result<Vec<A::Event>, StoredErrorOf<A>>
    where
        A: Clone,
    {
        let store = Arc::clone(&self.store);
        self.execute_in(&[(command, at)], recorded_at, author, &Own(&*store))
            .await
    }

    /// As [`Stored::execute`], appending through `writer` instead of the store the
    /// aggregate was opened on. `writer` must append to that store's journal (the
    /// entries are read back from it later), and may record more in the same
    /// transaction.
    ///
    /// # Errors
    ///
    /// As [`Stored::execute`].
    pub async fn execute_with(
        &mut self,
        command: A::Command,
        at: A::At,
        recorded_at: Timestamp,
        author: Option<AuthorId>,
        writer: &dyn Append,
    ) -> Result<Vec<A::Event>, StoredErrorOf<A>>
    where
        A: Clone,
    {
        self.execute_in(&[(command, at)], recorded_at, author, writer)
            .await
    }

    /// Decides `commands` in order, each on the state the ones before it left, and
    /// appends all their events in one append: all are recorded, or (on any refusal or
    /// failure) none.
    ///
    /// # Errors
    ///
    /// As [`Stored::execute`].
    pub async fn execute_all(
        &mut self,
        commands: &[(A::Command, A::At)],
        recorded_at: Timestamp,
        author: Option<AuthorId>,
    ) -> Result<Vec<A::Event>, StoredErrorOf<A>>
    where
        A: Clone,
    {
        let store = Arc::clone(&self.store);
        self.execute_in(commands, recorded_at, author, &Own(&*store))
            .await
    }

    async fn execute_in(
        &mut self,
        commands: &[(A::Command, A::At)],
        recorded_at: Timestamp,
        author: Option<AuthorId>,
        writer: &dyn Append,
    ) -> Result<Vec<A::Event>, StoredErrorOf<A>>
    where
        A: Clone,
    {
        for _ in 0..ATTEMPTS {
            // One command decides on the live state; a batch on a scratch copy.
            let mut scratch = (commands.len() > 1).then(|| self.state.clone());
            let mut events = Vec::new();
            for (command, at) in commands {
                let state = scratch.as_ref().unwrap_or(&self.state);
                let decided = state
                    .decide(command.clone(), *at)
                    .map_err(StoredError::Decide)?;
                if let Some(scratch) = scratch.as_mut() {
                    for event in &decided {
                        scratch.apply(event).map_err(|source| StoredError::Apply {
                            stream: self.stream.clone(),
                            seq: self.next_seq + events.len() as u64,
                            source,
                        })?;
                    }
                }
                events.extend(decided);
            }
            if events.is_empty() {
                return Ok(events);
            }
            match self
                .append(&events, recorded_at, author.as_ref(), writer)
                .await
            {
                Ok(()) => return Ok(events),
                Err(StoredError::Store(err)) if err.is_conflict() => self.catch_up().await?,
                Err(err) => return Err(err),
            }
        }
        Err(StoredError::Busy {
            stream: self.stream.clone(),
        })
    }

    /// Appends `events` at the stream's head and applies them.
    async fn append(
        &mut self,
        events: &[A::Event],
        recorded_at: Timestamp,
        author: Option<&AuthorId>,
        writer: &dyn Append,
    ) -> Result<(), StoredErrorOf<A>> {
        let mut drafts = Vec::with_capacity(events.len());
        for event in events {
            let draft = Draft::new(
                Kind::new(A::kind(event))?,
                Payload::new(event)?,
                recorded_at,
            );
            drafts.push(match author {
                Some(author) => draft.by(author.clone()),
                None => draft,
            });
        }
        let entries = writer.append(&self.stream, self.next_seq, drafts).await?;
        for entry in entries {
            // Callers cannot append the journal's records: these are the events.
            self.apply_entry(&EntryBody::from(entry))?;
        }
        Ok(())
    }
}

impl<A: Snapshotted> Stored<A> {
    /// Opens the aggregate kept in `stream` of `store` from its latest snapshot in
    /// `snapshots`, replaying only the entries after it; then, when more than
    /// `save_after` entries had to be replayed, saves a snapshot of where it stands.
    ///
    /// A snapshot is used only if the entry it ends at is still in the stream with the
    /// hash it saw, and if it decodes; otherwise the stream is replayed from entry 0 (and
    /// [`Opened::passed_over`] says why). Either way the state is the one a full replay
    /// gives, as long as the snapshot store holds what was saved: it is a cache, which
    /// [`Stored::check_snapshot`] holds against a full replay.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use andel_journal::{Aggregate, MemoryStore, Snapshotted, Stored, StreamId};
    ///
    /// #[derive(Debug, Clone, Default, PartialEq)]
    /// struct Count(u64);
    ///
    /// impl Aggregate for Count {
    ///     type Command = u64;
    ///     type Event = u64;
    ///     type At = ();
    ///     type Rejection = std::convert::Infallible;
    ///     type Invalid = std::convert::Infallible;
    ///     fn decide(&self, n: u64, _: ()) -> Result<Vec<u64>, Self::Rejection> { Ok(vec![n]) }
    ///     fn apply(&mut self, n: &u64) -> Result<(), Self::Invalid> { self.0 += n; Ok(()) }
    ///     fn kind(_: &u64) -> &'static str { "count.added" }
    /// }
    ///
    /// impl Snapshotted for Count {
    ///     const FORMAT: &'static str = "count.v1";
    ///     fn encode_state(&self) -> Vec<u8> { self.0.to_le_bytes().to_vec() }
    ///     fn decode_state(bytes: &[u8]) -> Result<Self, String> {
    ///         Ok(Count(u64::from_le_bytes(bytes.try_into().map_err(|_| "not 8 bytes")?)))
    ///     }
    /// }
    ///
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// let store = Arc::new(MemoryStore::new());
    /// let stream = StreamId::new("count")?;
    /// let at = "2026-12-03T09:00:00Z".parse()?;
    /// let mut count = Stored::<Count>::open(store.clone(), stream.clone()).await?;
    /// for n in 1..=10 {
    ///     count.execute(n, (), at, None).await?;
    /// }
    ///
    /// // The first open replays all ten entries and saves a snapshot (more than 5).
    /// let first = Stored::<Count>::open_from(store.clone(), &*store, stream.clone(), 5).await?;
    /// assert_eq!((first.opened().resumed_from, first.opened().saved_at), (None, Some(10)));
    ///
    /// // The next starts from it, and has what a full replay has.
    /// let second = Stored::<Count>::open_from(store.clone(), &*store, stream, 5).await?;
    /// assert_eq!(second.opened().resumed_from, Some(10));
    /// assert_eq!(second.state(), &Count(55));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Stored::open`], a [`Snapshotted::FORMAT`] that is not a valid
    /// [`ProjectionId`], or a failure to save the snapshot.
    pub async fn open_from(
        store: Arc<dyn JournalStore>,
        snapshots: &dyn SnapshotStore,
        stream: StreamId,
        save_after: u64,
    ) -> Result<Self, StoredErrorOf<A>> {
        let format = ProjectionId::new(A::FORMAT)?;
        let mut stored = Stored {
            store,
            stream,
            state: A::default(),
            next_seq: 0,
            opened: Opened::default(),
        };
        if let Some(snapshot) = snapshots.latest_state(&format, &stored.stream).await? {
            match stored.usable(&snapshot).await? {
                Ok(state) => {
                    stored.state = state;
                    stored.next_seq = snapshot.next_seq();
                    stored.opened.resumed_from = Some(snapshot.next_seq());
                }
                Err(why) => stored.opened.passed_over = Some(why),
            }
        }
        let resumed = stored.opened.resumed_from;
        stored.catch_up().await?;
        // From the snapshot, or from entry 0 when an entry before its end was erased
        // since: then a new snapshot replaces the one that holds what was erased.
        let start = stored.opened.resumed_from.unwrap_or(0);
        let erased_since = resumed.is_some() && stored.opened.resumed_from.is_none();
        if stored.next_seq - start > save_after || erased_since {
            stored.save_snapshot(snapshots).await?;
            stored.opened.saved_at = Some(stored.next_seq);
        }
        Ok(stored)
    }

    /// Saves a snapshot of the state as it stands, for [`Stored::open_from`].
    ///
    /// # Errors
    ///
    /// A store failure, or a [`Snapshotted::FORMAT`] that is not a valid
    /// [`ProjectionId`].
    pub async fn save_snapshot(
        &self,
        snapshots: &dyn SnapshotStore,
    ) -> Result<(), StoredErrorOf<A>> {
        let format = ProjectionId::new(A::FORMAT)?;
        let head = self.head().await?;
        snapshots
            .save_state(
                &format,
                &StateSnapshot::new(&head, self.state.encode_state()),
            )
            .await?;
        Ok(())
    }

    /// Holds the latest snapshot in `snapshots` against this aggregate's state, which
    /// must have been replayed from entry 0 ([`Stored::open`]): `Ok(None)` when there is
    /// no snapshot or it agrees with the replay, `Ok(Some(why))` when it does not.
    ///
    /// # Errors
    ///
    /// A store failure, or a [`Snapshotted::FORMAT`] that is not a valid
    /// [`ProjectionId`].
    pub async fn check_snapshot(
        &self,
        snapshots: &dyn SnapshotStore,
    ) -> Result<Option<String>, StoredErrorOf<A>>
    where
        A: PartialEq,
    {
        let format = ProjectionId::new(A::FORMAT)?;
        let Some(snapshot) = snapshots.latest_state(&format, &self.stream).await? else {
            return Ok(None);
        };
        let at = snapshot.next_seq();
        if at > self.next_seq {
            // Saved by a process that has read further; the next open checks it.
            return Ok(None);
        }
        let state = match self.usable(&snapshot).await? {
            Ok(state) => state,
            Err(why) => return Ok(Some(why)),
        };
        let mut replayed = Stored {
            store: Arc::clone(&self.store),
            stream: self.stream.clone(),
            state: A::default(),
            next_seq: 0,
            opened: Opened::default(),
        };
        replayed.catch_up_until(at).await?;
        Ok((replayed.state != state).then(|| {
            format!(
                "the snapshot at entry {at} of `{}` differs from a replay of the entries before it",
                self.stream
            )
        }))
    }

    /// The state `snapshot` holds, or why it cannot be used: the entry it ends at is not
    /// in the stream with the hash it saw, or its bytes do not decode.
    async fn usable(&self, snapshot: &StateSnapshot) -> Result<Result<A, String>, StoreError> {
        let at = snapshot.next_seq();
        if let Some(last) = at.checked_sub(1) {
            let anchor = self.store.read(&self.stream, last..at).await?;
            let still_there = anchor
                .first()
                .is_some_and(|entry| entry.hash() == snapshot.last_hash());
            if !still_there {
                return Ok(Err(format!(
                    "the snapshot ends at entry {last} of `{}`, which the stream no longer has with the hash it saw",
                    self.stream
                )));
            }
        }
        Ok(A::decode_state(snapshot.state()).map_err(|why| {
            format!(
                "the snapshot at entry {at} of `{}` does not decode as `{}`: {why}",
                self.stream,
                A::FORMAT
            )
        }))
    }

    /// The stream's head where this aggregate stands.
    async fn head(&self) -> Result<StreamHead, StoreError> {
        let Some(last) = self.next_seq.checked_sub(1) else {
            return Ok(StreamHead::new(self.stream.clone()));
        };
        let entries = self.store.read(&self.stream, last..self.next_seq).await?;
        let entry = entries.first().ok_or_else(|| {
            StoreError::Backend(
                format!(
                    "entry {last} of `{}` was applied but is not in the store",
                    self.stream
                )
                .into(),
            )
        })?;
        Ok(StreamHead::at(
            self.stream.clone(),
            self.next_seq,
            *entry.hash(),
        ))
    }
}

/// A future polled once, so that the work it hands to another thread is under way while
/// the caller does something else; finished later.
enum Started<F: Future> {
    Ready(F::Output),
    Pending(F),
}

impl<F: Future + Unpin> Started<F> {
    async fn start(mut future: F) -> Self {
        std::future::poll_fn(|cx| {
            Poll::Ready(match Pin::new(&mut future).poll(cx) {
                Poll::Ready(output) => Some(output),
                Poll::Pending => None,
            })
        })
        .await
        .map_or(Started::Pending(future), Started::Ready)
    }

    async fn finish(self) -> F::Output {
        match self {
            Started::Ready(output) => output,
            Started::Pending(future) => future.await,
        }
    }
}
