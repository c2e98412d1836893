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

/// One line of the co-op's list of proposals ([`Coop::proposal_summaries`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSummary {
    /// The proposal's id (its stream is `decision.ID`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// `motion`, `consent`, `election` or `budget`, as a spec names its kind.
    pub kind: &'static str,
    /// Where it stands.
    pub phase: Phase,
    /// Open or secret ballot.
    pub secrecy: Secrecy,
    /// When voting opens.
    pub opens_at: DateTime<Utc>,
    /// When voting closes: the spec's time, or a later one the deadline moved to.
    pub closes_at: DateTime<Utc>,
}

/// A proposal as one voter may see it at one time ([`StoredProposal::seen_by`]): its
/// text and rules, where it stands, whether they may vote, and the count only when the
/// proposal shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSight {
    /// The text and rules, as drafted.
    pub spec: Spec,
    /// Where it stands.
    pub phase: Phase,
    /// When voting closes: the spec's time, or a later one the deadline moved to.
    pub closes_at: DateTime<Utc>,
    /// How many voters the electorate snapshotted at the opening has, and their total
    /// weight; `None` before it opens.
    pub electorate: Option<(usize, Decimal)>,
    /// Whether the voter may cast a ballot now, or the proposal's reason why not (not
    /// open, past the deadline, not in the electorate, voted already where votes
    /// cannot change).
    pub vote: Result<(), ProposalError>,
    /// The direct ballots so far, while voting is open, where the spec's visibility
    /// shows them to this voter ([`Proposal::interim`]): never for a secret ballot.
    pub interim: Option<Interim>,
    /// The outcome, once closed.
    pub outcome: Option<ProposalOutcome>,
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

    /// The co-op's proposals, newest first (the latest opening time first, then by id),
    /// each with what a list shows of it. Drafts and withdrawn proposals are listed too,
    /// with their phase.
    ///
    /// # Errors
    ///
    /// A store failure or a stream that does not replay.
    pub async fn proposal_summaries(&self) -> Result<Vec<ProposalSummary>, ServiceError> {
        let mut summaries = Vec::new();
        for id in self.proposals().await? {
            let proposal = self.any_proposal(&id).await?;
            let state = proposal.state();
            let Some(spec) = state.spec() else {
                continue;
            };
            summaries.push(ProposalSummary {
                title: spec.title.clone(),
                kind: kind_name(&spec.kind),
                phase: state.phase(),
                secrecy: spec.secrecy,
                opens_at: spec.opens_at,
                closes_at: state.closes_at().unwrap_or(spec.closes_at),
                id,
            });
        }
        summaries.sort_by(|a, b| b.opens_at.cmp(&a.opens_at).then_with(|| a.id.cmp(&b.id)));
        Ok(summaries)
    }

    /// The delegations `from` has given that have not ended at `at` (revoked, or past
    /// their `until`), oldest first: those they may still revoke.
    ///
    /// # Errors
    ///
    /// A store failure or a stream that does not replay.
    pub async fn delegations_from(
        &self,
        from: &VoterId,
        at: DateTime<Utc>,
    ) -> Result<Vec<Delegation>, ServiceError> {
        let book = self.delegations().await?;
        Ok(book
            .state()
            .all()
            .iter()
            .filter(|d| d.from == *from && d.until.is_none_or(|until| at < until))
            .cloned()
            .collect())
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
            let receipt = cast_secret(&mut self.stored, &**ballots, vote, at, recorded_at, by)
                .await
                .map_err(secret_error)?;
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
            return close_secret(&mut self.stored, &**ballots, at, recorded_at, by)
                .await
                .map_err(secret_error);
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
    /// An open ballot, which gives no receipts; a store failure, or a published list
    /// that does not match the outcome.
    pub async fn find(&self, receipt: &Receipt) -> Result<Option<Found>, ServiceError> {
        if !self.secret() {
            return Err(refusal(
                &self.id,
                "is an open ballot, which gives no receipts: its ballots are recorded with their voters",
            ));
        }
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

    /// The proposal as `voter` may see it at `at`: its spec, phase and deadline, the
    /// size of its electorate, whether `voter` may vote now (as the proposal itself would
    /// answer a ballot: open, before the deadline, in the electorate, not voted yet or
    /// votes may change), the count so far only where the spec's visibility shows it to
    /// them, and the outcome once closed. Nothing is recorded.
    ///
    /// ```
    /// # use andel_decisions::{Kind, ProposalCommand, ProposalError, Spec, Electorate, Voter, rules::Threshold};
    /// # use andel_service::{Access, Coop};
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// # let dir = tempfile::tempdir()?;
    /// # let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
    /// # let coop = Coop::open(&location, "solrosen".parse()?, Access::Start).await?;
    /// # let now = "2027-05-01T09:00:00Z".parse()?;
    /// # let spec = Spec {
    /// #     title: "Open a second shop".into(), body: String::new(), author: "1".parse()?,
    /// #     kind: Kind::Motion { threshold: Threshold::SIMPLE_MAJORITY },
    /// #     opens_at: "2027-05-06T09:00:00Z".parse()?, closes_at: "2027-05-06T17:00:00Z".parse()?,
    /// #     quorum: None, vote_changes: false, reasons: Default::default(), tags: Default::default(),
    /// #     proxies_per_holder: 0, visibility: Default::default(), secrecy: Default::default(),
    /// #     enacts: None,
    /// # };
    /// # let (mut shop, _) = coop.draft("shop", spec, "2027-05-01T09:00:00Z".parse()?, now, None).await?;
    /// # shop.execute(ProposalCommand::Schedule, "2027-05-01T09:00:00Z".parse()?, now, None).await?;
    /// let electorate = Electorate::new(["1", "2"].map(|v| Voter { id: v.parse().unwrap(), weight: 1.into(), college: None }))?;
    /// shop.execute(ProposalCommand::Open { electorate }, "2027-05-06T09:00:00Z".parse()?, now, None).await?;
    ///
    /// let seen = shop.seen_by(&"1".parse()?, "2027-05-06T10:00:00Z".parse()?)?;
    /// assert!(seen.vote.is_ok());
    /// assert_eq!(seen.interim, None); // the count is shown only after the close
    /// let stranger = shop.seen_by(&"9".parse()?, "2027-05-06T10:00:00Z".parse()?)?;
    /// assert!(matches!(stranger.vote, Err(ProposalError::NotAVoter { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A proposal that was never drafted (which [`Coop::proposal`] does not give).
    pub fn seen_by(
        &self,
        voter: &VoterId,
        at: DateTime<Utc>,
    ) -> Result<ProposalSight, ServiceError> {
        let state = self.state();
        let Some(spec) = state.spec() else {
            return Err(refusal(&self.id, "has not been drafted"));
        };
        let outcome = state.outcome().cloned();
        Ok(ProposalSight {
            spec: spec.clone(),
            phase: state.phase(),
            closes_at: state.closes_at().unwrap_or(spec.closes_at),
            electorate: state.electorate().map(|e| (e.len(), e.total_weight())),
            vote: self.may_vote(spec, voter, at),
            interim: if outcome.is_none() {
                state.interim(Some(voter))
            } else {
                None
            },
            outcome,
        })
    }

    /// Whether `voter` may cast a ballot at `at`: the proposal decides a blank ballot
    /// of theirs (abstain, an empty ranking or no approvals, which every proposal of
    /// its kind takes), and nothing is recorded.
    fn may_vote(
        &self,
        spec: &Spec,
        voter: &VoterId,
        at: DateTime<Utc>,
    ) -> Result<(), ProposalError> {
        let mark = match spec.kind {
            Kind::Motion { .. } | Kind::Consent => Mark::Choice(Choice::Abstain),
            Kind::Election { .. } => Mark::Ranking(Vec::new()),
            Kind::Budget { .. } => Mark::Approvals(Vec::new()),
        };
        let command = if self.secret() {
            ProposalCommand::CastSecret {
                voter: voter.clone(),
                by: None,
                mark,
            }
        } else {
            open_command(BallotPaper {
                voter: voter.clone(),
                proxy_for: None,
                mark,
                reason: None,
            })
        };
        self.state().decide(command, at).map(drop)
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

/// A secret ballot's error, with the proposal's refusal reported as an open ballot's
/// is: the voter's to mend, not the operator's.
fn secret_error(err: SecretBallotError) -> ServiceError {
    match err {
        SecretBallotError::Proposal(StoredError::Decide(refused)) => {
            ServiceError::Proposal(StoredError::Decide(refused))
        }
        other => ServiceError::Secret(other),
    }
}

/// How a spec names its kind.
fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Motion { .. } => "motion",
        Kind::Consent => "consent",
        Kind::Election { .. } => "election",
        Kind::Budget { .. } => "budget",
    }
}

fn refusal(id: &str, problem: &str) -> ServiceError {
    ServiceError::Refused(format!("`{id}` {problem}"))
}
