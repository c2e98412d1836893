//! The decisions' use cases: draft and run a proposal, cast a ballot (open or secret,
//! chosen by the proposal), close it with the delegations in force, publish and check
//! a secret ballot's list, cite and verify an outcome; and delegations. For members'
//! own pages: the co-op's proposals listed, one proposal as a member may see it, and a
//! member's delegations.

use andel_decisions::{
    Choice, Citation, Interim, Kind, Mark, Phase, Proposal, ProposalCommand, ProposalError,
    ProposalEvent, ProposalOutcome, Secrecy, Spec, VoterId,
    delegation::{Delegation, DelegationCommand, DelegationEvent, Delegations},
    secret::{
        Ballot, BallotList, Receipt, SecretBallotError, SecretVote, cast_secret, close_secret,
        published_ballots,
    },
};
use andel_journal::{AuthorId, Digest, Stored, StoredError, StreamId, Timestamp, verify};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{Coop, ServiceError};

/// The stream every proposal's id is prefixed with: proposal `agm-3` lives in
/// `decision.agm-3`.
pub const PROPOSAL_PREFIX: &str = "decision.";

/// The stream that holds every member's delegations.
pub const DELEGATIONS_STREAM: &str = "delegations";

/// The stream of proposal `id`.
///
/// # Errors
///
/// An id that cannot name a stream.
pub fn proposal_stream(id: &str) -> Result<StreamId, ServiceError> {
    StreamId::new(format!("{PROPOSAL_PREFIX}{id}")).map_err(|source| ServiceError::ProposalId {
        id: id.to_owned(),
        source,
    })
}

/// A proposal of the co-op, replayed once from its stream.
pub struct StoredProposal<'c> {
    coop: &'c Coop,
    id: String,
    stored: Stored<Proposal>,
}

/// A ballot as a voter, or their proxy holder, casts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotPaper {
    /// Who casts it: the voter, or the holder of their proxy.
    pub voter: VoterId,
    /// The member whose ballot it is, when a proxy holder casts it.
    pub proxy_for: Option<VoterId>,
    /// What it says: a choice, a ranking or approvals, as the proposal takes.
    pub mark: Mark,
    /// Why (open motions and consent decisions that take reasons).
    pub reason: Option<String>,
}

/// What casting recorded.
#[derive(Debug)]
pub enum Cast {
    /// An open ballot: the events recorded with the voter's name.
    Open(Vec<ProposalEvent>),
    /// A secret ballot: participation recorded, the ballot in the box under this
    /// receipt. Show it to the voter once and to nobody else.
    Secret(Receipt),
}

/// Where a receipt's ballot was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// In the box, to be counted at the close.
    InBox(Ballot),
    /// In the published list of the closed ballot, and counted.
    Published(Ballot),
}

/// What verifying a proposal found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalCheck {
    /// The stream does not verify, or a secret ballot's published list does not match
    /// its outcome: why.
    Broken(String),
    /// The stream verifies; the proposal is not closed, so there is nothing to recount.
    NotClosed {
        /// Entries in the stream.
        entries: usize,
    },
    /// The stream verifies, and its ballots were counted again.
    Recounted {
        /// Entries in the stream.
        entries: usize,
        /// A secret ballot's published list: its length and SHA-256.
        published: Option<(usize, Digest)>,
        /// Whether the recount gives the recorded outcome.
        matches: bool,
    },
}

impl Coop {
    /// The ids of the tenant's proposals, in name order.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub async fn proposals(&self) -> Result<Vec<String>, ServiceError> {
        Ok(self
            .streams()
            .await?
            .iter()
            .filter_map(|s| s.as_str().strip_prefix(PROPOSAL_PREFIX))
            .map(str::to_owned)
            .collect())
    }

    /// The proposal `id`, which must exist.
    ///
    /// # Errors
    ///
    /// [`ServiceError::NoProposal`], naming the proposals there are; a store failure or
    /// a stream that does not replay.
    pub async fn proposal(&self, id: &str) -> Result<StoredProposal<'_>, ServiceError> {
        let proposal = self.any_proposal(id).await?;
        if proposal.state().spec().is_none() {
            return Err(ServiceError::NoProposal {
                id: id.to_owned(),
                place: self.to_string(),
                known: self.proposals().await?,
            });
        }
        Ok(proposal)
    }

    /// Drafts proposal `id` from `spec`.
    ///
    /// # Errors
    ///
    /// The proposal's refusal (an id already used, a spec that does not hold), or a
    /// store failure.
    pub async fn draft(
        &self,
        id: &str,
        spec: Spec,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<(StoredProposal<'_>, Vec<ProposalEvent>), ServiceError> {
        let mut proposal = self.any_proposal(id).await?;
        let events = proposal
            .execute(
                ProposalCommand::Draft {
                    spec: Box::new(spec),
                },
                at,
                recorded_at,
                by,
            )
            .await?;
        Ok((proposal, events))
    }

    /// Gives or revokes a delegation.
    ///
    /// # Errors
    ///
    /// The delegations' refusal, or a store failure.
    pub async fn delegate(
        &self,
        command: DelegationCommand,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Vec<DelegationEvent>, ServiceError> {
        let mut book = self.delegations().await?;
        Ok(book.execute(command, at, recorded_at, by).await?)
    }

    async fn delegations(&self) -> Result<Stored<Delegations>, ServiceError> {
        let stream = StreamId::new(DELEGATIONS_STREAM)?;
        Ok(Stored::open(self.journal().clone(), stream).await?)
    }

    async fn any_proposal(&self, id: &str) -> Result<StoredProposal<'_>, ServiceError> {
        let stream = proposal_stream(id)?;
        Ok(StoredProposal {
            coop: self,
            id: id.to_owned(),
            stored: Stored::open(self.journal().clone(), stream).await?,
        })
    }
}

impl StoredProposal<'_> {
    /// The proposal's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The proposal as it stands.
    pub fn state(&self) -> &Proposal {
        self.stored.state()
    }

    /// The proposal's stream.
    pub fn stream(&self) -> &StreamId {
        self.stored.stream()
    }

    fn secret(&self) -> bool {
        self.state().spec().map(|s| s.secrecy) == Some(Secrecy::Secret)
    }

    /// Decides `command` at `at` and records its events: for the steps that need no
    /// more than the proposal (schedule, withdraw, open, extend, authorise a proxy).
    ///
    /// # Errors
    ///
    /// The proposal's refusal, or a store failure.
    pub async fn execute(
        &mut self,
        command: ProposalCommand,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Vec<ProposalEvent>, ServiceError> {
        Ok(self.stored.execute(command, at, recorded_at, by).await?)
    }

    /// Casts `paper`: into the ballot box under a fresh receipt if the proposal is a
    /// secret ballot, otherwise as an open vote, ranking or approval recorded with the
    /// voter's name.
    ///
    /// # Errors
    ///
    /// The proposal's refusal (not open, not a voter, voted already, a mark or a reason
    /// the proposal does not take), or a store failure.
    pub async fn cast(
        &mut self,
        paper: BallotPaper,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Cast, ServiceError> {
        if self.secret() {
            if paper.reason.is_some() {
                return Err(refusal(
                    &self.id,
                    "is a secret ballot, which takes no reasons",
                ));
            }
            let vote = match paper.proxy_for {
                Some(member) => SecretVote {
                    voter: member,
                    by: Some(paper.voter),
                    mark: paper.mark,
                },
                None => SecretVote {
                    voter: paper.voter,
                    by: None,
                    mark: paper.mark,
                },
            };
            let ballots = self.coop.ballot_box();
            let receipt =
                cast_secret(&mut self.stored, &**ballots, vote, at, recorded_at, by).await?;
            return Ok(Cast::Secret(receipt));
        }
        let command = open_command(paper);
        Ok(Cast::Open(
            self.execute(command, at, recorded_at, by).await?,
        ))
    }

    /// Closes the proposal and decides it: an open ballot with the delegations in force
    /// at `at` for its tags, a secret one with the ballots in its box (sealing the box).
    /// Closing a closed proposal records nothing.
    ///
    /// # Errors
    ///
    /// The proposal's refusal (too early, a box that does not match who took part), or
    /// a store failure.
    pub async fn close(
        &mut self,
        at: DateTime<Utc>,
        recorded_at: Timestamp,
        by: Option<AuthorId>,
    ) -> Result<Vec<ProposalEvent>, ServiceError> {
        if self.secret() {
            let ballots = self.coop.ballot_box();
            return Ok(close_secret(&mut self.stored, &**ballots, at, recorded_at, by).await?);
        }
        let tags = self
            .state()
            .spec()
            .map(|s| s.tags.clone())
            .unwrap_or_default();
        let delegations = self.coop.delegations().await?.state().in_force(&tags, at);
        self.execute(ProposalCommand::Close { delegations }, at, recorded_at, by)
            .await
    }

    /// A closed secret ballot's published list, checked against its outcome's SHA-256.
    ///
    /// # Errors
    ///
    /// Not a closed secret ballot, a box that no longer matches, or a store failure.
    pub async fn published(&self) -> Result<BallotList, ServiceError> {
        Ok(published_ballots(&self.stored, &**self.coop.ballot_box()).await?)
    }

    /// Finds the ballot under `receipt`: in the box while voting is open, in the
    /// checked published list once closed.
    ///
    /// # Errors
    ///
    /// A store failure, or a published list that does not match the outcome.
    pub async fn find(&self, receipt: &Receipt) -> Result<Option<Found>, ServiceError> {
        if self.state().outcome().is_some() {
            let list = self.published().await?;
            return Ok(list.find(receipt).cloned().map(Found::Published));
        }
        let ballots = self.coop.ballot_box();
        let held = ballots
            .find(self.stream(), receipt)
            .await
            .map_err(andel_decisions::secret::SecretBallotError::from)?;
        Ok(held.map(Found::InBox))
    }

    /// A citation of the closed proposal's outcome: its `Closed` entry with a Merkle
    /// inclusion proof under the stream's root.
    ///
    /// # Errors
    ///
    /// A proposal that is not closed, or a store failure.
    pub async fn cite(&self) -> Result<Citation, ServiceError> {
        let entries = self.coop.journal().read(self.stream(), 0..u64::MAX).await?;
        Ok(Citation::of(&entries)?)
    }

    /// Verifies the proposal's hash chain, then counts its ballots again (a secret
    /// ballot's published list, checked against the outcome's SHA-256) and compares the
    /// result with the recorded outcome.
    ///
    /// # Errors
    ///
    /// A store failure (what is wrong with the proposal is the check's answer).
    pub async fn verify(&self) -> Result<ProposalCheck, ServiceError> {
        let entries = self.coop.journal().read(self.stream(), 0..u64::MAX).await?;
        if let Err(err) = verify(&entries) {
            return Ok(ProposalCheck::Broken(err.to_string()));
        }
        let state = self.state();
        let Some(outcome) = state.outcome() else {
            return Ok(ProposalCheck::NotClosed {
                entries: entries.len(),
            });
        };
        let (recounted, published) = match outcome.ballots {
            Some(seal) => match self.published().await {
                Ok(list) => (
                    state.recount_published(&list).ok(),
                    Some((list.len(), seal.sha256)),
                ),
                Err(err) => return Ok(ProposalCheck::Broken(err.to_string())),
            },
            None => (state.recount(), None),
        };
        Ok(ProposalCheck::Recounted {
            entries: entries.len(),
            published,
            matches: recounted.as_ref() == Some(outcome),
        })
    }
}

/// The open-ballot command that casts `paper`.
fn open_command(paper: BallotPaper) -> ProposalCommand {
    let BallotPaper {
        voter,
        proxy_for,
        mark,
        reason,
    } = paper;
    match (mark, proxy_for) {
        (Mark::Choice(choice), None) => ProposalCommand::Vote {
            voter,
            choice,
            reason,
        },
        (Mark::Choice(choice), Some(member)) => ProposalCommand::VoteByProxy {
            proxy: voter,
            member,
            choice,
            reason,
        },
        (Mark::Ranking(ranking), None) => ProposalCommand::Rank { voter, ranking },
        (Mark::Ranking(ranking), Some(member)) => ProposalCommand::RankByProxy {
            proxy: voter,
            member,
            ranking,
        },
        (Mark::Approvals(projects), None) => ProposalCommand::Approve { voter, projects },
        (Mark::Approvals(projects), Some(member)) => ProposalCommand::ApproveByProxy {
            proxy: voter,
            member,
            projects,
        },
    }
}

fn refusal(id: &str, problem: &str) -> ServiceError {
    ServiceError::Refused(format!("`{id}` {problem}"))
}
