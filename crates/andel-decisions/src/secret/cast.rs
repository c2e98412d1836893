//! Casting and closing a secret ballot kept in a journal and a ballot box.

use std::sync::{Arc, Mutex, PoisonError};

use andel_journal::{
    Append, AuthorId, Draft, Entry, JournalStore, StoreError, Stored, StoredErrorOf, StreamId,
    Timestamp,
};
use chrono::{DateTime, Utc};

use super::{Ballot, BallotBox, BallotBoxError, BallotList, BallotListError, Mark, Receipt};
use crate::electorate::VoterId;
use crate::proposal::{Proposal, ProposalCommand, ProposalEvent, Secrecy};

/// A secret vote: whose it is, who casts it (a proxy holder, or nobody but the voter)
/// and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretVote {
    /// The voter whose ballot it is.
    pub voter: VoterId,
    /// The proxy holder who casts it, if not the voter.
    pub by: Option<VoterId>,
    /// The ballot's mark.
    pub mark: Mark,
}

/// Why a secret ballot could not be cast, closed or published.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretBallotError {
    /// The proposal refused, or its journal failed.
    #[error(transparent)]
    Proposal(#[from] StoredErrorOf<Proposal>),
    /// The ballot box failed.
    #[error(transparent)]
    Box(#[from] BallotBoxError),
    /// The box's ballots do not form a list.
    #[error(transparent)]
    List(#[from] BallotListError),
    /// No randomness for a receipt.
    #[error("no random receipt could be drawn: {0}")]
    Random(getrandom::Error),
    /// Participation was recorded but the ballot did not reach the box: put it again
    /// (the same receipt and ballot) with [`BallotBox::put`].
    #[error(
        "the vote was recorded but its ballot is not in the box yet; put it again under receipt {receipt}: {source}"
    )]
    NotInBox {
        /// The receipt to retry with.
        receipt: Receipt,
        /// The ballot to retry with.
        ballot: Ballot,
        /// Why the box failed.
        source: BallotBoxError,
    },
    /// Not a closed secret ballot, or a box that no longer matches its outcome.
    #[error("{0}")]
    Published(String),
}

/// Casts a secret ballot: records that `vote.voter` took part in the proposal's stream
/// (checked as any vote is) and puts their ballot in `ballot_box` under a fresh random
/// receipt, which it returns. Show the receipt to the voter and to nobody else; it is
/// kept nowhere but in the box.
///
/// Where the box shares the journal's database (the SQLite and PostgreSQL stores), the
/// two are kept in one transaction ([`BallotBox::record_with_ballot`]): a crash keeps
/// both or neither, so a voter is never marked as having voted without their ballot,
/// and one whose cast left no trace simply votes again. Other boxes record
/// participation first, then put the ballot.
///
/// # Errors
///
/// The proposal's refusal (not open, not a voter, voted already, a mark the proposal
/// does not take), a journal failure, or [`SecretBallotError::NotInBox`] when a box
/// apart from the journal failed after participation was recorded.
pub async fn cast_secret(
    proposal: &mut Stored<Proposal>,
    ballot_box: &dyn BallotBox,
    vote: SecretVote,
    at: DateTime<Utc>,
    recorded_at: Timestamp,
    author: Option<AuthorId>,
) -> Result<Receipt, SecretBallotError> {
    let receipt = Receipt::random().map_err(SecretBallotError::Random)?;
    let SecretVote { voter, by, mark } = vote;
    // The weight the voter carries; a voter outside the electorate is refused below.
    let weight = proposal
        .state()
        .electorate()
        .and_then(|e| e.weight_of(&voter))
        .unwrap_or_default();
    let ballot = Ballot::new(weight, mark.clone());
    let command = ProposalCommand::CastSecret { voter, by, mark };
    let casting = Casting {
        journal: Arc::clone(proposal.store()),
        ballot_box,
        receipt,
        ballot,
        unboxed: Mutex::new(None),
    };
    proposal
        .execute_with(command, at, recorded_at, author, &casting)
        .await?;
    let Casting {
        ballot, unboxed, ..
    } = casting;
    match unboxed.into_inner().unwrap_or_else(PoisonError::into_inner) {
        None => Ok(receipt),
        Some(source) => Err(SecretBallotError::NotInBox {
            receipt,
            ballot,
            source,
        }),
    }
}

/// Appends a voter's participation and puts their ballot: in one transaction where the
/// box can (see [`BallotBox::record_with_ballot`]), otherwise one after the other,
/// keeping a failed put for the caller to report.
struct Casting<'a> {
    journal: Arc<dyn JournalStore>,
    ballot_box: &'a dyn BallotBox,
    receipt: Receipt,
    ballot: Ballot,
    unboxed: Mutex<Option<BallotBoxError>>,
}

#[async_trait::async_trait]
impl Append for Casting<'_> {
    async fn append(
        &self,
        stream: &StreamId,
        expected_seq: u64,
        drafts: Vec<Draft>,
    ) -> Result<Vec<Entry>, StoreError> {
        if let Some(recorded) = self
            .ballot_box
            .record_with_ballot(
                stream,
                expected_seq,
                drafts.clone(),
                &self.receipt,
                &self.ballot,
            )
            .await
        {
            return recorded;
        }
        let entries = self.journal.append(stream, expected_seq, drafts).await?;
        if let Err(err) = self
            .ballot_box
            .put(stream, &self.receipt, &self.ballot)
            .await
        {
            *self.unboxed.lock().unwrap_or_else(PoisonError::into_inner) = Some(err);
        }
        Ok(entries)
    }
}

/// Closes a secret ballot: reads its box and decides with every ballot in it
/// ([`ProposalCommand::CloseSecret`]), then seals the box ([`BallotBox::seal`]). The outcome
/// holds the SHA-256 of the published list. Closing a closed proposal records nothing
/// and seals again.
///
/// # Errors
///
/// As the proposal's close (too early; a box holding more ballots than voters took
/// part, or weights nobody who took part carries), or a store failure. If only the
/// sealing failed, the proposal is closed: close again to seal.
pub async fn close_secret(
    proposal: &mut Stored<Proposal>,
    ballot_box: &dyn BallotBox,
    at: DateTime<Utc>,
    recorded_at: Timestamp,
    author: Option<AuthorId>,
) -> Result<Vec<ProposalEvent>, SecretBallotError> {
    let ballots = BallotList::new(ballot_box.ballots(proposal.stream()).await?)?;
    let command = ProposalCommand::CloseSecret {
        ballots: Box::new(ballots),
    };
    let events = proposal.execute(command, at, recorded_at, author).await?;
    ballot_box.seal(proposal.stream()).await?;
    Ok(events)
}

/// The published ballot list of a closed secret ballot: the box's ballots, checked
/// against the SHA-256 its outcome recorded.
///
/// # Errors
///
/// [`SecretBallotError::Published`] if the proposal is not a closed secret ballot or
/// the box no longer matches its outcome (a ballot was added or changed after the
/// close); a store failure.
pub async fn published_ballots(
    proposal: &Stored<Proposal>,
    ballot_box: &dyn BallotBox,
) -> Result<BallotList, SecretBallotError> {
    let state = proposal.state();
    let secret = state.spec().map(|s| s.secrecy) == Some(Secrecy::Secret);
    let Some(seal) = state.outcome().and_then(|o| o.ballots.as_ref()) else {
        return Err(SecretBallotError::Published(format!(
            "`{}` is not a closed secret ballot{}",
            proposal.stream(),
            if secret { " yet" } else { "" }
        )));
    };
    let list = BallotList::new(ballot_box.ballots(proposal.stream()).await?)?;
    let digest = list.digest();
    if digest != seal.sha256 {
        return Err(SecretBallotError::Published(format!(
            "the ballot box of `{}` no longer matches its outcome: the outcome recorded {} ballots with SHA-256 {}, the box holds {} with SHA-256 {digest}",
            proposal.stream(),
            seal.counted,
            seal.sha256,
            list.len()
        )));
    }
    Ok(list)
}
