//! Where secret ballots are kept: the [`BallotBox`] trait and its in-memory backend.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use andel_journal::{Draft, Entry, StoreError, StreamId};
use async_trait::async_trait;

use super::{Ballot, Receipt};

/// Why a ballot box refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BallotBoxError {
    /// A different ballot is already in the box under this receipt.
    #[error("receipt {receipt} already holds a different ballot")]
    Taken {
        /// The receipt.
        receipt: Receipt,
    },
    /// A stored row that is not a ballot (the database was edited).
    #[error("the ballot box of `{proposal}` holds a row that is not a ballot: {problem}")]
    Corrupt {
        /// The proposal's stream.
        proposal: StreamId,
        /// What is wrong.
        problem: String,
    },
    /// The backend failed (a database error, a lost connection).
    #[error("ballot box failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Where secret ballots are kept, one box per proposal (named by its journal stream).
///
/// A box keeps each ballot under its receipt and nothing else: an implementation must
/// not store who cast a ballot, when, or in which order, and must list ballots in
/// receipt order. Ballots are only ever added: there is no update and no delete.
///
/// `andel-store` keeps boxes in SQLite (a `WITHOUT ROWID` table, stored in receipt
/// order) and PostgreSQL; `andel-testkit` has the conformance suite every box must pass.
///
/// ```
/// use andel_decisions::{Choice, Mark, secret::{Ballot, BallotBox, MemoryBallotBox, Receipt}};
/// use andel_journal::StreamId;
///
/// # tokio::runtime::Runtime::new()?.block_on(async {
/// let ballot_box = MemoryBallotBox::new();
/// let proposal = StreamId::new("decision.agm-3")?;
/// let receipt = Receipt::random()?;
/// let ballot = Ballot::new(1.into(), Mark::Choice(Choice::Yes));
/// ballot_box.put(&proposal, &receipt, &ballot).await?;
/// ballot_box.put(&proposal, &receipt, &ballot).await?; // a retry does nothing
/// assert_eq!(ballot_box.find(&proposal, &receipt).await?, Some(ballot));
/// assert_eq!(ballot_box.ballots(&proposal).await?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[async_trait]
pub trait BallotBox: Send + Sync {
    /// Puts `ballot` in the box of `proposal` under `receipt`. Putting the same ballot
    /// under the same receipt again does nothing, so a failed put can be retried.
    ///
    /// # Errors
    ///
    /// [`BallotBoxError::Taken`] if the receipt holds a different ballot; a backend
    /// failure.
    async fn put(
        &self,
        proposal: &StreamId,
        receipt: &Receipt,
        ballot: &Ballot,
    ) -> Result<(), BallotBoxError>;

    /// Every ballot in the box of `proposal`, in receipt order.
    ///
    /// # Errors
    ///
    /// A backend failure, or a stored row that is not a ballot.
    async fn ballots(&self, proposal: &StreamId) -> Result<Vec<(Receipt, Ballot)>, BallotBoxError>;

    /// Seals the box of a closed proposal: rewrites whatever the backend keeps beside
    /// the rows (write-ahead logs, row versions) that could still follow the order of
    /// casting. [`close_secret`](crate::secret::close_secret) calls it after the close. The
    /// default does nothing, which is right for a backend that keeps nothing beside the
    /// rows.
    ///
    /// # Errors
    ///
    /// A backend failure; sealing again is safe.
    async fn seal(&self, proposal: &StreamId) -> Result<(), BallotBoxError> {
        let _ = proposal;
        Ok(())
    }

    /// Appends `participation` (the entries that record who took part) at
    /// `expected_seq` of the proposal's journal stream and puts `ballot` in its box
    /// under `receipt`, in one transaction: both are kept, or neither. A box that shares
    /// a database with the journal does this, so that no crash between the two can
    /// leave a voter marked as having voted whose ballot never reached the box.
    /// [`cast_secret`](crate::secret::cast_secret) uses it, appending to the journal the
    /// proposal was opened on, which must be this database's journal of the same tenant
    /// (as `andel_store::Database::journal` and `ballot_box` give).
    ///
    /// `None` (the default): this box keeps ballots apart from the journal, and the
    /// caller records participation first, then puts the ballot.
    ///
    /// # Errors
    ///
    /// As [`JournalStore::append`](andel_journal::JournalStore::append) (a conflict when
    /// another writer was first: nothing was kept), or a ballot box failure reported as
    /// a store failure.
    async fn record_with_ballot(
        &self,
        proposal: &StreamId,
        expected_seq: u64,
        participation: Vec<Draft>,
        receipt: &Receipt,
        ballot: &Ballot,
    ) -> Option<Result<Vec<Entry>, StoreError>> {
        let _ = (proposal, expected_seq, participation, receipt, ballot);
        None
    }

    /// The ballot under `receipt` in the box of `proposal`.
    ///
    /// # Errors
    ///
    /// As [`BallotBox::ballots`].
    async fn find(
        &self,
        proposal: &StreamId,
        receipt: &Receipt,
    ) -> Result<Option<Ballot>, BallotBoxError>;
}

/// Ballot boxes in memory, for tests and embedding.
#[derive(Debug, Default)]
pub struct MemoryBallotBox {
    boxes: Mutex<BTreeMap<StreamId, BTreeMap<Receipt, Ballot>>>,
}

impl MemoryBallotBox {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<StreamId, BTreeMap<Receipt, Ballot>>> {
        // A panic elsewhere cannot leave a half-written map: every change is one insert.
        self.boxes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl BallotBox for MemoryBallotBox {
    async fn put(
        &self,
        proposal: &StreamId,
        receipt: &Receipt,
        ballot: &Ballot,
    ) -> Result<(), BallotBoxError> {
        let mut boxes = self.lock();
        let ballots = boxes.entry(proposal.clone()).or_default();
        match ballots.get(receipt) {
            Some(held) if held == ballot => Ok(()),
            Some(_) => Err(BallotBoxError::Taken { receipt: *receipt }),
            None => {
                ballots.insert(*receipt, ballot.clone());
                Ok(())
            }
        }
    }

    async fn ballots(&self, proposal: &StreamId) -> Result<Vec<(Receipt, Ballot)>, BallotBoxError> {
        Ok(self
            .lock()
            .get(proposal)
            .map(|b| b.iter().map(|(r, b)| (*r, b.clone())).collect())
            .unwrap_or_default())
    }

    async fn find(
        &self,
        proposal: &StreamId,
        receipt: &Receipt,
    ) -> Result<Option<Ballot>, BallotBoxError> {
        Ok(self
            .lock()
            .get(proposal)
            .and_then(|b| b.get(receipt).cloned()))
    }
}
