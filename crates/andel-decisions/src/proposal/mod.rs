//! A proposal's lifecycle as pure `decide` and `apply` over its events: draft,
//! scheduled, open, closed with an outcome, or withdrawn.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use andel_journal::{Aggregate, Digest};
use andel_tally::{
    Approvals, Ballots, CandidateId, Candidates, Method, Options, Outcome as TallyOutcome, Profile,
    TallyError, TieBreak,
};

use crate::delegation::{Resolution, Route, resolve};
use crate::electorate::{Electorate, VoterId};
use crate::rules::{
    Check, Count, MotionResult, Quorum, Size, Threshold, Verdict, decide_motion, quorum_check,
};
use crate::secret::{BallotList, MIN_ANONYMITY, Mark};

mod apply;
mod count;
mod decide;

pub(crate) use count::{count, count_secret};

/// What is being decided, and by which rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Title.
    pub title: String,
    /// The text of the proposal.
    pub body: String,
    /// Who proposes it.
    pub author: VoterId,
    /// Motion or consent.
    pub kind: Kind,
    /// When voting opens.
    pub opens_at: DateTime<Utc>,
    /// When voting closes (exclusive).
    pub closes_at: DateTime<Utc>,
    /// The participation needed, if any.
    #[serde(default)]
    pub quorum: Option<Quorum>,
    /// Whether a voter may change their vote while it is open.
    #[serde(default)]
    pub vote_changes: bool,
    /// Whether votes carry reasons.
    #[serde(default)]
    pub reasons: Reasons,
    /// Topic tags, which choose topic delegations.
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// How many members' proxies one member may hold; 0 (the default) allows none.
    #[serde(default)]
    pub proxies_per_holder: u32,
    /// Who sees the count before the close.
    #[serde(default)]
    pub visibility: Visibility,
    /// Whether ballots are open (who voted what is recorded) or secret.
    #[serde(default)]
    pub secrecy: Secrecy,
    /// The document the proposal adopts if it passes (a data policy, say), by the
    /// SHA-256 of its text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enacts: Option<Enactment>,
}

/// What a proposal adopts when it passes: a document, named by what it is and the
/// SHA-256 of its exact text. The act that carries the decision out (adopting a data
/// policy, say) checks that the text it adopts is the one members voted on.
///
/// ```
/// use andel_decisions::Enactment;
///
/// let policy = "version = 2\n";
/// let enacts = Enactment::of("data-policy", policy.as_bytes());
/// assert!(enacts.is("data-policy", policy.as_bytes()));
/// assert!(!enacts.is("data-policy", b"version = 3\n"));
/// assert!(!enacts.is("charter", policy.as_bytes()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enactment {
    /// What the document is: `data-policy`, `charter`.
    pub document: String,
    /// The SHA-256 of the document's bytes, as `sha256sum` prints it.
    pub sha256: Digest,
}

impl Enactment {
    /// The enactment of `document`'s `text`.
    pub fn of(document: &str, text: &[u8]) -> Self {
        Enactment {
            document: document.to_owned(),
            sha256: Digest::of(text),
        }
    }

    /// Whether this enacts exactly `text` as a `document`.
    pub fn is(&self, document: &str, text: &[u8]) -> bool {
        self.document == document && self.sha256 == Digest::of(text)
    }
}

/// Whether a ballot is open or secret.
///
/// A secret ballot keeps who voted apart from what was voted (see
/// [`cast_secret`](crate::secret::cast_secret)). What it takes follows from that: no changing a
/// vote, no reasons required of objections, no count before the close, no consent
/// decisions (whose blocks are heard by name), and no delegation, whose weight would
/// need the link between a delegate and their ballot. Proxies are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Secrecy {
    /// Each ballot is recorded with its voter.
    #[default]
    Open,
    /// Ballots go to a ballot box under random receipts, apart from who voted.
    Secret,
}

/// Who may see the count while a proposal is open ([`Proposal::interim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone, at any time.
    Live,
    /// A voter, once they have voted.
    AfterVoting,
    /// Nobody until the close.
    #[default]
    AfterClose,
}

/// The ballots cast so far, by choice: direct ballots only, each at its own weight
/// (delegation is resolved at the close).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Interim {
    /// Per choice.
    pub choices: BTreeMap<Choice, Count>,
    /// Rankings cast, in an election.
    pub rankings: u64,
}

/// The kind of decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Kind {
    /// Yes, no or abstain, passing at a threshold.
    Motion {
        /// The share of yes needed.
        threshold: Threshold,
    },
    /// Passes unless someone blocks (with a reason); abstaining is standing aside.
    Consent,
    /// Voters rank candidates (or options); any ranked-ballot method of `andel-tally`
    /// counts them, each ballot weighted by what it carries.
    Election {
        /// The counting method.
        method: Method,
        /// The candidates or options, in ballot order.
        candidates: Vec<String>,
        /// Seats to fill.
        seats: usize,
        /// How ties are settled.
        #[serde(default)]
        tie_break: TieBreak,
    },
    /// A participatory budget: voters approve projects, and `equal-shares` or
    /// `greedy-budget` funds them within `limit`, each approval weighted by what its
    /// voter carries.
    Budget {
        /// `equal-shares` or `greedy-budget`.
        method: Method,
        /// The projects, in ballot order.
        projects: Vec<Project>,
        /// The money to spend.
        limit: Decimal,
    },
}

/// A project of a participatory budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Its name.
    pub name: String,
    /// What it costs.
    pub cost: Decimal,
}

/// The most candidates an election (or projects a budget) may have: the counting
/// methods' own limit, one number for both crates.
pub use andel_tally::MAX_CANDIDATES;

/// A vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// For (on a consent decision: consent).
    Yes,
    /// Against (motions only).
    No,
    /// Abstain (on a consent decision: stand aside).
    Abstain,
    /// A blocking objection (consent decisions only).
    Block,
}

/// The choice as voters and ballot files write it: `yes`, `no`, `abstain`, `block`.
impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Abstain => "abstain",
            Choice::Block => "block",
        })
    }
}

/// Whether votes carry reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reasons {
    /// No reasons.
    Off,
    /// A reason may be given.
    #[default]
    Optional,
    /// Objections (no, block) must give one.
    RequiredForObjections,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing yet.
    #[default]
    New,
    /// Written, can still be withdrawn.
    Draft,
    /// Fixed, waiting for its opening time.
    Scheduled,
    /// Voting.
    Open,
    /// Decided.
    Closed,
    /// Withdrawn before it opened.
    Withdrawn,
}

/// A request to move a proposal on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProposalCommand {
    /// Write the proposal.
    Draft {
        /// The proposal.
        spec: Box<Spec>,
    },
    /// Fix it for voting at its opening time.
    Schedule,
    /// Withdraw it before it opens.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Open voting, with the electorate as it stands now (later changes to the
    /// membership affect only later proposals).
    Open {
        /// The electorate, snapshotted.
        electorate: Electorate,
    },
    /// Vote.
    Vote {
        /// Who.
        voter: VoterId,
        /// Their choice.
        choice: Choice,
        /// Their reason.
        reason: Option<String>,
    },
    /// A member authorises another to vote for them on this proposal (the meeting), as
    /// the bylaws allow: only while open, before the member votes, one proxy per member,
    /// and no holder above the spec's `proxies_per_holder`.
    AuthoriseProxy {
        /// Who gives the proxy.
        member: VoterId,
        /// Who holds it.
        proxy: VoterId,
    },
    /// A proxy holder votes for the member who authorised them; the ballot is the
    /// member's own, recorded with who cast it.
    VoteByProxy {
        /// The holder.
        proxy: VoterId,
        /// The member voted for.
        member: VoterId,
        /// The choice.
        choice: Choice,
        /// The reason.
        reason: Option<String>,
    },
    /// Rank candidates (elections): indexes into the candidate list, most preferred
    /// first. An empty ranking is a blank vote: it takes part but supports nobody.
    Rank {
        /// Who.
        voter: VoterId,
        /// Candidate indexes.
        ranking: Vec<u16>,
    },
    /// A proxy holder ranks candidates for the member who authorised them (see
    /// [`ProposalCommand::VoteByProxy`]).
    RankByProxy {
        /// The holder.
        proxy: VoterId,
        /// The member ranked for.
        member: VoterId,
        /// Candidate indexes, most preferred first.
        ranking: Vec<u16>,
    },
    /// Approve projects (participatory budgets): indexes into the project list.
    Approve {
        /// Who.
        voter: VoterId,
        /// Project indexes.
        projects: Vec<u16>,
    },
    /// A proxy holder approves projects for the member who authorised them (see
    /// [`ProposalCommand::VoteByProxy`]).
    ApproveByProxy {
        /// The holder.
        proxy: VoterId,
        /// The member approved for.
        member: VoterId,
        /// Project indexes.
        projects: Vec<u16>,
    },
    /// Move the deadline later, while open.
    Extend {
        /// The new closing time.
        closes_at: DateTime<Utc>,
    },
    /// Close and decide, with the delegations in force now (see
    /// [`in_force`](crate::delegation::in_force)). Closing a closed proposal does nothing.
    Close {
        /// Who delegates to whom, for this proposal.
        delegations: BTreeMap<VoterId, VoterId>,
    },
    /// Take part in a secret ballot: checked as a vote is, but recorded only as
    /// participation ([`ProposalEvent::Participated`]); the ballot itself goes to the box (see
    /// [`cast_secret`](crate::secret::cast_secret)).
    CastSecret {
        /// The voter whose ballot it is.
        voter: VoterId,
        /// The proxy holder casting it, if not the voter.
        by: Option<VoterId>,
        /// What it says.
        mark: Mark,
    },
    /// Close a secret ballot and count `ballots`, every ballot in its box (see
    /// [`close_secret`](crate::secret::close_secret)). Closing a closed proposal does nothing.
    CloseSecret {
        /// The box's ballots.
        ballots: Box<BallotList>,
    },
}

/// What happened to a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProposalEvent {
    /// Written.
    Drafted {
        /// When.
        at: DateTime<Utc>,
        /// The proposal.
        spec: Box<Spec>,
    },
    /// Fixed for voting.
    Scheduled {
        /// When.
        at: DateTime<Utc>,
    },
    /// Withdrawn.
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: String,
    },
    /// Voting opened with this electorate.
    Opened {
        /// When.
        at: DateTime<Utc>,
        /// The electorate, snapshotted.
        electorate: Electorate,
    },
    /// A vote (replacing the voter's earlier one, where changes are allowed).
    Voted {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        voter: VoterId,
        /// Their choice.
        choice: Choice,
        /// Their reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The proxy holder who cast it, if not the voter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<VoterId>,
    },
    /// A member authorised a proxy holder.
    ProxyAuthorised {
        /// When.
        at: DateTime<Utc>,
        /// Who gave the proxy.
        member: VoterId,
        /// Who holds it.
        proxy: VoterId,
    },
    /// A ranking (replacing the voter's earlier one, where changes are allowed).
    Ranked {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        voter: VoterId,
        /// Candidate indexes, most preferred first.
        ranking: Vec<u16>,
        /// The proxy holder who cast it, if not the voter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<VoterId>,
    },
    /// Projects approved (replacing the voter's earlier approvals, where changes are
    /// allowed).
    Approved {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        voter: VoterId,
        /// Project indexes.
        projects: Vec<u16>,
        /// The proxy holder who cast it, if not the voter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<VoterId>,
    },
    /// The deadline moved later.
    DeadlineExtended {
        /// When.
        at: DateTime<Utc>,
        /// The new closing time.
        closes_at: DateTime<Utc>,
    },
    /// A voter took part in a secret ballot (their ballot is in the box, apart).
    Participated {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        voter: VoterId,
        /// The proxy holder who cast it, if not the voter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<VoterId>,
    },
    /// Voting closed and the proposal was decided.
    Closed {
        /// When.
        at: DateTime<Utc>,
        /// Closed before the deadline because everyone had voted.
        early: bool,
        /// The delegations the count followed.
        delegations: BTreeMap<VoterId, VoterId>,
        /// The outcome.
        outcome: Box<ProposalOutcome>,
    },
}

impl ProposalEvent {
    /// The voters whose act the event records, each once: who voted or took part and
    /// the proxy who did it for them, or who authorised a proxy and the proxy. The
    /// proposal's own steps (drafted, opened, closed and the rest) record the co-op's
    /// acts, not a voter's, and give none.
    ///
    /// ```
    /// use andel_decisions::ProposalEvent;
    ///
    /// let by_proxy: ProposalEvent = serde_json::from_str(
    ///     r#"{"type": "voted", "at": "2027-05-06T10:00:00Z", "voter": "7", "choice": "yes", "by": "3"}"#,
    /// )?;
    /// let voters: Vec<&str> = by_proxy.voters().iter().map(|v| v.as_str()).collect();
    /// assert_eq!(voters, ["3", "7"]);
    ///
    /// let scheduled: ProposalEvent = serde_json::from_str(r#"{"type": "scheduled", "at": "2027-05-01T09:00:00Z"}"#)?;
    /// assert!(scheduled.voters().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn voters(&self) -> Vec<&VoterId> {
        let mut voters = match self {
            ProposalEvent::Voted { voter, by, .. }
            | ProposalEvent::Ranked { voter, by, .. }
            | ProposalEvent::Approved { voter, by, .. }
            | ProposalEvent::Participated { voter, by, .. } => {
                std::iter::once(voter).chain(by).collect()
            }
            ProposalEvent::ProxyAuthorised { member, proxy, .. } => vec![member, proxy],
            ProposalEvent::Drafted { .. }
            | ProposalEvent::Scheduled { .. }
            | ProposalEvent::Withdrawn { .. }
            | ProposalEvent::Opened { .. }
            | ProposalEvent::DeadlineExtended { .. }
            | ProposalEvent::Closed { .. } => Vec::new(),
        };
        voters.sort_unstable();
        voters.dedup();
        voters
    }

    /// The journal entry kind: `decision.` and the event's type.
    pub fn kind(&self) -> &'static str {
        match self {
            ProposalEvent::Drafted { .. } => "decision.drafted",
            ProposalEvent::Scheduled { .. } => "decision.scheduled",
            ProposalEvent::Withdrawn { .. } => "decision.withdrawn",
            ProposalEvent::Opened { .. } => "decision.opened",
            ProposalEvent::Voted { .. } => "decision.voted",
            ProposalEvent::ProxyAuthorised { .. } => "decision.proxy_authorised",
            ProposalEvent::Ranked { .. } => "decision.ranked",
            ProposalEvent::Approved { .. } => "decision.approved",
            ProposalEvent::DeadlineExtended { .. } => "decision.deadline_extended",
            ProposalEvent::Participated { .. } => "decision.participated",
            ProposalEvent::Closed { .. } => "decision.closed",
        }
    }
}

/// A proposal kept in a journal stream (one stream per proposal, such as
/// `decision.agm-2027-motion-3`): replayed on open, changed by
/// [`Stored::execute`](andel_journal::Stored::execute).
impl Aggregate for Proposal {
    type Command = ProposalCommand;
    type Event = ProposalEvent;
    type At = DateTime<Utc>;
    type Rejection = ProposalError;
    type Invalid = ProposalError;

    fn decide(
        &self,
        command: ProposalCommand,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
        Proposal::decide(self, command, now)
    }

    fn apply(&mut self, event: &ProposalEvent) -> Result<(), ProposalError> {
        Proposal::apply(self, event)
    }

    fn kind(event: &ProposalEvent) -> &'static str {
        event.kind()
    }
}

/// How a proposal was decided, with everything needed to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalOutcome {
    /// Passed, failed or no quorum.
    pub verdict: Verdict,
    /// A motion's count, quorum and threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motion: Option<MotionResult>,
    /// A consent decision's count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentResult>,
    /// An election's or a participatory budget's count. step by step, and its quorum check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub election: Option<ElectionResult>,
    /// Members who voted themselves, carried by a delegate, or did not vote.
    pub direct: u64,
    /// Members counted through delegation.
    pub delegated: u64,
    /// Members whose delegation chain looped (void).
    pub void: u64,
    /// A secret ballot's published list: how many ballots, and its SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ballots: Option<BallotSeal>,
}

/// What a secret ballot's outcome records of its published list ([`BallotList`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotSeal {
    /// Ballots counted.
    pub counted: u64,
    /// Voters who took part whose ballot never reached the box (a box that failed
    /// after their participation was recorded).
    pub missing: u64,
    /// SHA-256 of the list's text ([`BallotList::digest`]).
    pub sha256: Digest,
}

/// A consent decision's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentResult {
    /// Consent.
    pub consent: Count,
    /// Stand aside.
    pub stand_aside: Count,
    /// Blocks, each with its reason.
    pub blocks: Vec<(VoterId, String)>,
    /// The quorum check, if there is a quorum.
    pub quorum: Option<Check>,
}

/// An election's or a participatory budget's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionResult {
    /// The count, with its rounds and ties (see `andel-tally`).
    pub count: Option<TallyOutcome>,
    /// Why it could not be counted, if it could not (nobody ranked anyone, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The quorum check, if there is a quorum.
    pub quorum: Option<Check>,
}

/// A command refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProposalError {
    /// The command does not fit the phase.
    #[error("the proposal is {phase:?}, so it cannot {action}")]
    Phase {
        /// Where it stands.
        phase: Phase,
        /// What was asked.
        action: &'static str,
    },
    /// A spec that does not hold together.
    #[error("the proposal {problem}")]
    Spec {
        /// What is wrong.
        problem: &'static str,
    },
    /// Too early or too late.
    #[error("{action} is possible only {when}")]
    Time {
        /// What was asked.
        action: &'static str,
        /// When it is possible.
        when: String,
    },
    /// Not in the electorate.
    #[error("`{voter}` is not in this proposal's electorate")]
    NotAVoter {
        /// Who.
        voter: VoterId,
    },
    /// Voting again where changes are not allowed.
    #[error("`{voter}` has voted, and this proposal does not allow changing a vote")]
    AlreadyVoted {
        /// Who.
        voter: VoterId,
    },
    /// A choice the kind does not offer.
    #[error("a {kind} does not offer `{choice:?}`")]
    Choice {
        /// The kind.
        kind: &'static str,
        /// The choice.
        choice: Choice,
    },
    /// A proxy the rules do not allow.
    #[error("{problem}")]
    Proxy {
        /// What is wrong.
        problem: String,
    },
    /// A ballot of the wrong kind, or a ranking that is not one.
    #[error("{problem}")]
    Ballot {
        /// What is wrong.
        problem: String,
    },
    /// A reason missing or not wanted.
    #[error("{problem}")]
    Reason {
        /// What is wrong.
        problem: &'static str,
    },
    /// Something a secret ballot cannot do, or a ballot box that does not add up.
    #[error("{problem}")]
    Secrecy {
        /// What is wrong.
        problem: String,
    },
}

/// A proposal's state, folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Proposal {
    phase: Phase,
    spec: Option<Spec>,
    closes_at: Option<DateTime<Utc>>,
    electorate: Option<Electorate>,
    ballots: BTreeMap<VoterId, (Choice, Option<String>)>,
    rankings: BTreeMap<VoterId, Vec<u16>>,
    /// Who took part in a secret ballot, and through which proxy holder.
    participants: BTreeMap<VoterId, Option<VoterId>>,
    /// Member → proxy holder.
    proxies: BTreeMap<VoterId, VoterId>,
    /// The delegations the close followed.
    delegations: BTreeMap<VoterId, VoterId>,
    outcome: Option<ProposalOutcome>,
}

impl Proposal {
    /// Where it stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The proposal's text and rules.
    pub fn spec(&self) -> Option<&Spec> {
        self.spec.as_ref()
    }

    /// The electorate snapshotted at opening.
    pub fn electorate(&self) -> Option<&Electorate> {
        self.electorate.as_ref()
    }

    /// The current deadline.
    pub fn closes_at(&self) -> Option<DateTime<Utc>> {
        self.closes_at
    }

    /// The outcome, once closed.
    pub fn outcome(&self) -> Option<&ProposalOutcome> {
        self.outcome.as_ref()
    }

    /// The count so far, if `viewer` may see it now: always once closed (see
    /// [`Proposal::outcome`]); while open, as the spec's [`Visibility`] says (`None` for a
    /// viewer who is nobody in particular). Never for a secret ballot, whose only count
    /// is its outcome.
    pub fn interim(&self, viewer: Option<&VoterId>) -> Option<Interim> {
        let spec = self.spec.as_ref()?;
        if spec.secrecy == Secrecy::Secret {
            return None; // a secret ballot is counted only at the close
        }
        let visible = match (self.phase, spec.visibility) {
            (Phase::Closed, _) | (Phase::Open, Visibility::Live) => true,
            (Phase::Open, Visibility::AfterVoting) => viewer.is_some_and(|v| self.has_voted(v)),
            _ => false,
        };
        if !visible {
            return None;
        }
        let electorate = self.electorate.as_ref()?;
        let mut interim = Interim::default();
        for (voter, (choice, _)) in &self.ballots {
            let weight = electorate.weight_of(voter).unwrap_or_default();
            interim.choices.entry(*choice).or_default().add(1, weight);
        }
        interim.rankings = self.rankings.len() as u64;
        Some(interim)
    }

    /// The outcome counted again from the recorded ballots and the delegations the close
    /// followed, to compare with [`Proposal::outcome`]: equal unless the recorded outcome
    /// was altered (or counted by other rules).
    pub fn recount(&self) -> Option<ProposalOutcome> {
        let (Phase::Closed, Some(spec), Some(electorate)) =
            (self.phase, &self.spec, &self.electorate)
        else {
            return None;
        };
        Some(count(
            spec,
            electorate,
            &self.ballots,
            &self.rankings,
            &self.delegations,
        ))
    }

    /// Counts a closed secret ballot's published list again, after checking that it is
    /// the list the outcome sealed: equal to [`Proposal::outcome`] unless the recorded
    /// outcome was altered.
    ///
    /// # Errors
    ///
    /// Not a closed secret ballot, or a list whose SHA-256 differs from the outcome's.
    pub fn recount_published(&self, list: &BallotList) -> Result<ProposalOutcome, ProposalError> {
        let refuse = |problem: String| Err(ProposalError::Secrecy { problem });
        let (Some(spec), Some(electorate), Some(outcome)) =
            (&self.spec, &self.electorate, &self.outcome)
        else {
            return refuse("the proposal is not closed".to_owned());
        };
        let Some(seal) = outcome.ballots else {
            return refuse("the proposal is not a secret ballot".to_owned());
        };
        let digest = list.digest();
        if digest != seal.sha256 {
            return refuse(format!(
                "this ballot list's SHA-256 is {digest}, but the outcome published {}",
                seal.sha256
            ));
        }
        let participants = self.participants.keys().cloned().collect();
        Ok(count_secret(spec, electorate, &participants, list, digest))
    }

    /// Who took part: the voters of an open ballot, the participation of a secret one.
    /// `None` for a secret ballot in which fewer than [`MIN_ANONYMITY`] voters took part,
    /// whose list would say too much about how each voted.
    pub fn participation(&self) -> Option<Vec<&VoterId>> {
        if self.spec.as_ref()?.secrecy == Secrecy::Secret {
            return (self.participants.len() >= MIN_ANONYMITY)
                .then(|| self.participants.keys().collect());
        }
        let mut voters: Vec<&VoterId> = self.ballots.keys().chain(self.rankings.keys()).collect();
        voters.sort();
        voters.dedup();
        Some(voters)
    }

    /// The ballots cast so far (open ballots: who voted what).
    pub fn ballots(&self) -> &BTreeMap<VoterId, (Choice, Option<String>)> {
        &self.ballots
    }

    /// The rankings cast so far, in an election.
    pub fn rankings(&self) -> &BTreeMap<VoterId, Vec<u16>> {
        &self.rankings
    }

    fn has_voted(&self, voter: &VoterId) -> bool {
        self.ballots.contains_key(voter)
            || self.rankings.contains_key(voter)
            || self.participants.contains_key(voter)
    }
}
