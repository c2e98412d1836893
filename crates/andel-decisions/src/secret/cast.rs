//! Casting and closing a secret ballot kept in a journal and a ballot box.

use andel_journal::{AuthorId, Stored, StoredErrorOf, Timestamp};
use chrono::{DateTime, Utc};

use super::{Ballot, BallotBox, BallotBoxError, BallotList, BallotListError, Mark, Receipt};
use crate::electorate::VoterId;
use crate::proposal::{Command, Event, Proposal, Secrecy};

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
/// (checked as any vote is), then puts their ballot in `ballot_box` under a fresh random
/// receipt, which it returns. Show the receipt to the voter and to nobody else; it is
/// kept nowhere but in the box.
///
/// # Errors
///
/// The proposal's refusal (not open, not a voter, voted already, a mark the proposal
/// does not take), a journal failure, or [`SecretBallotError::NotInBox`] when the box
/// failed after participation was recorded.
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
    let command = Command::CastSecret {
        voter: voter.clone(),
        by,
        mark: mark.clone(),
    };
    proposal.execute(command, at, recorded_at, author).await?;
    let weight = proposal
        .state()
        .electorate()
        .and_then(|e| e.weight_of(&voter))
        .unwrap_or_default();
    let ballot = Ballot::new(weight, mark);
    match ballot_box.put(proposal.stream(), &receipt, &ballot).await {
        Ok(()) => Ok(receipt),
        Err(source) => Err(SecretBallotError::NotInBox {
            receipt,
            ballot,
            source,
        }),
    }
}

/// Closes a secret ballot: reads its box and decides with every ballot in it
/// ([`Command::CloseSecret`]), then seals the box ([`BallotBox::seal`]). The outcome
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
) -> Result<Vec<Event>, SecretBallotError> {
    let ballots = BallotList::new(ballot_box.ballots(proposal.stream()).await?)?;
    let command = Command::CloseSecret {
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
