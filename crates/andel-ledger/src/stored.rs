//! The ledger kept in a journal store: a [`Stored`] aggregate in the `ledger` stream.

use std::sync::Arc;

use andel_journal::{
    Aggregate, JournalStore, Payload, SnapshotStore, Stored, StoredError, StreamId,
};
use chrono::NaiveDate;

use crate::command::Command;
use crate::decide::DecideError;
use crate::event::Event;
use crate::ledger::{ApplyError, Ledger};

/// The stream a co-op's ledger lives in, within its tenant's journal.
pub const LEDGER_STREAM: &str = "ledger";

/// A [`Ledger`] whose events live in a [`JournalStore`]: see [`open_ledger`].
pub type StoredLedger = Stored<Ledger>;

/// Why a stored ledger could not be opened or changed.
pub type StoredLedgerError = StoredError<DecideError, ApplyError>;

impl Aggregate for Ledger {
    type Command = Command;
    type Event = Event;
    type At = NaiveDate;
    type Rejection = DecideError;
    type Invalid = ApplyError;

    fn decide(&self, command: Command, on: NaiveDate) -> Result<Vec<Event>, DecideError> {
        Ledger::decide(self, command, on)
    }

    fn apply(&mut self, event: &Event) -> Result<(), ApplyError> {
        Ledger::apply(self, event)
    }

    fn kind(event: &Event) -> &'static str {
        event.kind()
    }

    /// Reads the payload straight into the event its kind names, without the generic
    /// tree serde builds for a tagged enum; anything that does not read that way is left
    /// to `Event`'s own `Deserialize`, which gives the answer and the error.
    fn decode(kind: &str, payload: &Payload) -> Result<Event, serde_json::Error> {
        match crate::event::decode(kind, payload.as_str()) {
            Some(event) => Ok(event),
            None => payload.decode(),
        }
    }
}

/// Opens the ledger in the [`LEDGER_STREAM`] stream of `store`, replaying it. Change it
/// with [`Stored::execute`] (one command) or [`Stored::execute_all`] (a batch recorded
/// whole or not at all); two writers never fork it.
///
/// ```
/// use std::sync::Arc;
/// use andel_journal::MemoryStore;
/// use andel_ledger::{open_ledger, Command, Statutes};
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let store = Arc::new(MemoryStore::new());
/// let statutes = Statutes::from_toml(r#"
///     name = "Fyrklövern"
///     currency = { code = "EUR", scale = 2 }
///     [[classes]]
///     id = "users"
///     name = "Users"
///     nominal = "20.00"
///     min_shares = 1
/// "#)?;
/// let mut ledger = open_ledger(store.clone()).await?;
/// let at = "2026-01-01T09:00:00Z".parse()?;
/// ledger.execute(Command::AdoptStatutes { statutes: Box::new(statutes) }, "2026-01-01".parse()?, at, None).await?;
///
/// let reopened = open_ledger(store).await?;
/// assert_eq!(reopened.state(), ledger.state());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A store failure, or an entry that is not a ledger event, breaks its rules, or was
/// erased (bookkeeping records are kept under legal retention).
pub async fn open_ledger(store: Arc<dyn JournalStore>) -> Result<StoredLedger, StoredLedgerError> {
    Stored::open(store, StreamId::new(LEDGER_STREAM)?).await
}

/// How many events [`open_ledger_from`] replays, beyond its latest snapshot, before it
/// saves a new one: about 10 ms of replay on the CI machine.
pub const SNAPSHOT_AFTER: u64 = 10_000;

/// Opens the ledger as [`open_ledger`] does, starting from its latest snapshot in
/// `snapshots` when the entry the snapshot ends at is still in the stream with the hash
/// it saw, and replaying only the events after it. When more than [`SNAPSHOT_AFTER`]
/// events had to be replayed, it saves a new snapshot.
///
/// The snapshot is a cache of a replay in a format of the ledger's own
/// (`ledger.state.v1`); [`Stored::opened`] says whether one was used, and
/// [`Stored::check_snapshot`] holds it against a full replay (`andel verify` does).
///
/// ```
/// use std::sync::Arc;
/// use andel_journal::MemoryStore;
/// use andel_ledger::{open_ledger, open_ledger_from, Command, Statutes};
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let store = Arc::new(MemoryStore::new());
/// let statutes = Statutes::from_toml(r#"
///     name = "Fyrklövern"
///     currency = { code = "EUR", scale = 2 }
///     [[classes]]
///     id = "users"
///     name = "Users"
///     nominal = "20.00"
///     min_shares = 1
/// "#)?;
/// let mut ledger = open_ledger(store.clone()).await?;
/// let at = "2026-01-01T09:00:00Z".parse()?;
/// ledger.execute(Command::AdoptStatutes { statutes: Box::new(statutes) }, "2026-01-01".parse()?, at, None).await?;
///
/// // Save a snapshot, then open from it: nothing is left to replay.
/// ledger.save_snapshot(&*store).await?;
/// let reopened = open_ledger_from(store.clone(), &*store).await?;
/// assert_eq!(reopened.opened().resumed_from, Some(1));
/// assert_eq!(reopened.state(), ledger.state());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`open_ledger`], or a failure to save the snapshot.
pub async fn open_ledger_from(
    store: Arc<dyn JournalStore>,
    snapshots: &dyn SnapshotStore,
) -> Result<StoredLedger, StoredLedgerError> {
    Stored::open_from(
        store,
        snapshots,
        StreamId::new(LEDGER_STREAM)?,
        SNAPSHOT_AFTER,
    )
    .await
}
