//! A ledger kept in a journal store: replayed on open, appended to on every command.

use std::sync::Arc;

use andel_journal::{
    AuthorId, Draft, Entry, JournalStore, Kind, NameError, Payload, PayloadError, REPLAY_PAGE,
    StoreError, StreamId, Timestamp,
};
use chrono::NaiveDate;

use crate::command::Command;
use crate::decide::DecideError;
use crate::event::Event;
use crate::ledger::{ApplyError, Ledger};

/// The stream a co-op's ledger lives in, within its tenant's journal.
pub const LEDGER_STREAM: &str = "ledger";

/// How often [`StoredLedger::execute`] decides again when another writer appended first.
const ATTEMPTS: usize = 3;

/// A [`Ledger`] whose events live in a [`JournalStore`] stream: opened by replaying the
/// stream, changed by appending the events a command decides, with the stream's
/// expected sequence number so two writers never fork it.
///
/// ```
/// use std::sync::Arc;
/// use andel_journal::MemoryStore;
/// use andel_ledger::{Command, StoredLedger, Statutes};
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
/// let mut ledger = StoredLedger::open(store.clone()).await?;
/// let at = "2026-01-01T09:00:00Z".parse()?;
/// ledger.execute(Command::AdoptStatutes { statutes: Box::new(statutes) }, "2026-01-01".parse()?, at, None).await?;
///
/// let reopened = StoredLedger::open(store).await?;
/// assert_eq!(reopened.ledger(), ledger.ledger());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StoredLedger {
    store: Arc<dyn JournalStore>,
    stream: StreamId,
    ledger: Ledger,
    next_seq: u64,
}

/// Why a stored ledger could not be opened or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoredLedgerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The command was refused.
    #[error(transparent)]
    Decide(#[from] DecideError),
    /// An entry of the stream is not a ledger event.
    #[error("entry {seq} of `{stream}` is not a ledger event: {reason}")]
    Decode {
        /// The stream.
        stream: StreamId,
        /// The entry.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// An entry's event breaks the ledger's rules.
    #[error("entry {seq} of `{stream}` cannot be applied")]
    Apply {
        /// The stream.
        stream: StreamId,
        /// The entry.
        seq: u64,
        /// The rule.
        source: ApplyError,
    },
    /// An entry's payload was erased.
    #[error(
        "entry {seq} of `{stream}` was erased; a ledger needs every event (bookkeeping records are kept under legal retention)"
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
    #[error("other writers kept changing the ledger; try again")]
    Busy,
}

impl StoredLedger {
    /// Opens the ledger in the [`LEDGER_STREAM`] stream of `store`, replaying it.
    ///
    /// # Errors
    ///
    /// A store failure, or an entry that is not a ledger event or breaks its rules.
    pub async fn open(store: Arc<dyn JournalStore>) -> Result<Self, StoredLedgerError> {
        Self::open_stream(store, StreamId::new(LEDGER_STREAM)?).await
    }

    /// Opens the ledger kept in `stream`.
    ///
    /// # Errors
    ///
    /// As [`StoredLedger::open`].
    pub async fn open_stream(
        store: Arc<dyn JournalStore>,
        stream: StreamId,
    ) -> Result<Self, StoredLedgerError> {
        let mut stored = StoredLedger {
            store,
            stream,
            ledger: Ledger::new(),
            next_seq: 0,
        };
        stored.catch_up().await?;
        Ok(stored)
    }

    /// The ledger as of the latest entry read.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The stream it lives in.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// Reads and applies the entries other writers appended since.
    ///
    /// # Errors
    ///
    /// As [`StoredLedger::open`].
    pub async fn catch_up(&mut self) -> Result<(), StoredLedgerError> {
        loop {
            let start = self.next_seq;
            let page = self
                .store
                .read(&self.stream, start..start.saturating_add(REPLAY_PAGE))
                .await?;
            for entry in &page {
                self.apply_entry(entry)?;
            }
            if (page.len() as u64) < REPLAY_PAGE {
                return Ok(());
            }
        }
    }

    fn apply_entry(&mut self, entry: &Entry) -> Result<(), StoredLedgerError> {
        let seq = entry.seq();
        let fail = |reason: String| StoredLedgerError::Decode {
            stream: self.stream.clone(),
            seq,
            reason,
        };
        if seq != self.next_seq {
            return Err(fail(format!("expected entry {}", self.next_seq)));
        }
        // The journal's own record of an erasure is not a ledger event.
        if entry.kind().as_str() == "andel.redaction" {
            self.next_seq += 1;
            return Ok(());
        }
        let Some(payload) = entry.payload() else {
            return Err(StoredLedgerError::Erased {
                stream: self.stream.clone(),
                seq,
            });
        };
        let event: Event = payload.decode().map_err(|err| fail(err.to_string()))?;
        if event.kind() != entry.kind().as_str() {
            return Err(fail(format!(
                "its kind `{}` does not match its event `{}`",
                entry.kind(),
                event.kind()
            )));
        }
        self.ledger
            .apply(&event)
            .map_err(|source| StoredLedgerError::Apply {
                stream: self.stream.clone(),
                seq,
                source,
            })?;
        self.next_seq += 1;
        Ok(())
    }

    /// Decides `commands` in order, each on the ledger as the ones before it left it,
    /// and appends all their events in one append: all of them are recorded, or (on any
    /// refusal or failure) none.
    ///
    /// # Errors
    ///
    /// The first refusal (nothing is appended), a store failure, or
    /// [`StoredLedgerError::Busy`] after three conflicts in a row.
    pub async fn execute_all(
        &mut self,
        commands: &[(Command, NaiveDate)],
        recorded_at: Timestamp,
        author: Option<AuthorId>,
    ) -> Result<Vec<Event>, StoredLedgerError> {
        for _ in 0..ATTEMPTS {
            let mut scratch = self.ledger.clone();
            let mut events = Vec::new();
            for (command, on) in commands {
                for event in scratch.decide(command.clone(), *on)? {
                    scratch
                        .apply(&event)
                        .map_err(|source| StoredLedgerError::Apply {
                            stream: self.stream.clone(),
                            seq: self.next_seq + events.len() as u64,
                            source,
                        })?;
                    events.push(event);
                }
            }
            if events.is_empty() {
                return Ok(events);
            }
            match self.append(&events, recorded_at, author.as_ref()).await {
                Ok(()) => return Ok(events),
                Err(StoredLedgerError::Store(err)) if err.is_conflict() => self.catch_up().await?,
                Err(err) => return Err(err),
            }
        }
        Err(StoredLedgerError::Busy)
    }

    /// Appends `events` at the stream's head and applies them.
    async fn append(
        &mut self,
        events: &[Event],
        recorded_at: Timestamp,
        author: Option<&AuthorId>,
    ) -> Result<(), StoredLedgerError> {
        let mut drafts = Vec::with_capacity(events.len());
        for event in events {
            let draft = Draft::new(Kind::new(event.kind())?, Payload::new(event)?, recorded_at);
            drafts.push(match author {
                Some(author) => draft.by(author.clone()),
                None => draft,
            });
        }
        let entries = self
            .store
            .append(&self.stream, self.next_seq, drafts)
            .await?;
        for entry in &entries {
            self.apply_entry(entry)?;
        }
        Ok(())
    }

    /// Decides `command` effective `on`, appends its events (recorded at `recorded_at`,
    /// by `author`) and applies them. If another writer appended first, it catches up and
    /// decides again. A command with nothing to do (a payment recorded before under the
    /// same key) appends nothing and returns no events.
    ///
    /// # Errors
    ///
    /// The command's refusal, a store failure, or [`StoredLedgerError::Busy`] after
    /// three conflicts in a row.
    pub async fn execute(
        &mut self,
        command: Command,
        on: NaiveDate,
        recorded_at: Timestamp,
        author: Option<AuthorId>,
    ) -> Result<Vec<Event>, StoredLedgerError> {
        for _ in 0..ATTEMPTS {
            let events = self.ledger.decide(command.clone(), on)?;
            if events.is_empty() {
                return Ok(events);
            }
            match self.append(&events, recorded_at, author.as_ref()).await {
                Ok(()) => return Ok(events),
                Err(StoredLedgerError::Store(err)) if err.is_conflict() => self.catch_up().await?,
                Err(err) => return Err(err),
            }
        }
        Err(StoredLedgerError::Busy)
    }
}
