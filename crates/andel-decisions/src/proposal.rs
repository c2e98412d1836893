//! A proposal's lifecycle as pure `decide` and `apply` over its events: draft,
//! scheduled, open, closed with an outcome, or withdrawn.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use andel_journal::Aggregate;
use andel_tally::{
    Approvals, Ballots, CandidateId, Candidates, Method, Options, Outcome as TallyOutcome, Profile,
    TallyError, TieBreak,
};

use crate::delegation::{Resolution, Route, resolve};
use crate::electorate::{Electorate, VoterId};
use crate::rules::{
    Check, Count, MotionResult, Quorum, Size, Threshold, Verdict, decide_motion, quorum_check,
};

/// What is being decided, and by which rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[serde(tag = "kind", rename_all = "snake_case")]
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
pub struct Project {
    /// Its name.
    pub name: String,
    /// What it costs.
    pub cost: Decimal,
}

/// The most candidates an election may have.
pub const MAX_CANDIDATES: usize = 1000;

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
pub enum Command {
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
    /// Approve projects (participatory budgets): indexes into the project list.
    Approve {
        /// Who.
        voter: VoterId,
        /// Project indexes.
        projects: Vec<u16>,
    },
    /// Move the deadline later, while open.
    Extend {
        /// The new closing time.
        closes_at: DateTime<Utc>,
    },
    /// Close and decide, with the delegations in force now (see
    /// [`in_force`](crate::in_force)). Closing a closed proposal does nothing.
    Close {
        /// Who delegates to whom, for this proposal.
        delegations: BTreeMap<VoterId, VoterId>,
    },
}

/// What happened to a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
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
    },
    /// The deadline moved later.
    DeadlineExtended {
        /// When.
        at: DateTime<Utc>,
        /// The new closing time.
        closes_at: DateTime<Utc>,
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
        outcome: Box<Outcome>,
    },
}

impl Event {
    /// The journal entry kind: `decision.` and the event's type.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Drafted { .. } => "decision.drafted",
            Event::Scheduled { .. } => "decision.scheduled",
            Event::Withdrawn { .. } => "decision.withdrawn",
            Event::Opened { .. } => "decision.opened",
            Event::Voted { .. } => "decision.voted",
            Event::ProxyAuthorised { .. } => "decision.proxy_authorised",
            Event::Ranked { .. } => "decision.ranked",
            Event::Approved { .. } => "decision.approved",
            Event::DeadlineExtended { .. } => "decision.deadline_extended",
            Event::Closed { .. } => "decision.closed",
        }
    }
}

/// A proposal kept in a journal stream (one stream per proposal, such as
/// `decision.agm-2027-motion-3`): replayed on open, changed by
/// [`Stored::execute`](andel_journal::Stored::execute).
impl Aggregate for Proposal {
    type Command = Command;
    type Event = Event;
    type At = DateTime<Utc>;
    type Rejection = ProposalError;
    type Invalid = ProposalError;

    fn decide(&self, command: Command, now: DateTime<Utc>) -> Result<Vec<Event>, ProposalError> {
        Proposal::decide(self, command, now)
    }

    fn apply(&mut self, event: &Event) -> Result<(), ProposalError> {
        Proposal::apply(self, event)
    }

    fn kind(event: &Event) -> &'static str {
        event.kind()
    }
}

/// How a proposal was decided, with everything needed to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
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
    /// Member → proxy holder.
    proxies: BTreeMap<VoterId, VoterId>,
    /// The delegations the close followed.
    delegations: BTreeMap<VoterId, VoterId>,
    outcome: Option<Outcome>,
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
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The count so far, if `viewer` may see it now: always once closed (see
    /// [`Proposal::outcome`]); while open, as the spec's [`Visibility`] says (`None` for a
    /// viewer who is nobody in particular).
    pub fn interim(&self, viewer: Option<&VoterId>) -> Option<Interim> {
        let spec = self.spec.as_ref()?;
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
    pub fn recount(&self) -> Option<Outcome> {
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

    /// The ballots cast so far (open ballots: who voted what).
    pub fn ballots(&self) -> &BTreeMap<VoterId, (Choice, Option<String>)> {
        &self.ballots
    }

    /// The rankings cast so far, in an election.
    pub fn rankings(&self) -> &BTreeMap<VoterId, Vec<u16>> {
        &self.rankings
    }

    fn has_voted(&self, voter: &VoterId) -> bool {
        self.ballots.contains_key(voter) || self.rankings.contains_key(voter)
    }

    /// Decides `command` at `now`: the events that carry it out, or why not.
    ///
    /// # Errors
    ///
    /// See [`ProposalError`].
    pub fn decide(
        &self,
        command: Command,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let phase_error = |action| ProposalError::Phase {
            phase: self.phase,
            action,
        };
        match command {
            Command::Draft { spec } => {
                if self.phase != Phase::New {
                    return Err(phase_error("be drafted again"));
                }
                check_spec(&spec)?;
                Ok(vec![Event::Drafted { at: now, spec }])
            }
            Command::Schedule => {
                if self.phase != Phase::Draft {
                    return Err(phase_error("be scheduled"));
                }
                Ok(vec![Event::Scheduled { at: now }])
            }
            Command::Withdraw { reason } => {
                if !matches!(self.phase, Phase::Draft | Phase::Scheduled) {
                    return Err(phase_error("be withdrawn (only before it opens)"));
                }
                if reason.trim().is_empty() {
                    return Err(ProposalError::Reason {
                        problem: "a withdrawal needs a reason",
                    });
                }
                Ok(vec![Event::Withdrawn { at: now, reason }])
            }
            Command::Open { electorate } => {
                let spec = self.spec_in(Phase::Scheduled, "open")?;
                if now < spec.opens_at {
                    return Err(ProposalError::Time {
                        action: "opening",
                        when: format!("from {}", spec.opens_at),
                    });
                }
                if electorate.is_empty() {
                    return Err(ProposalError::Spec {
                        problem: "cannot open with nobody to vote",
                    });
                }
                Ok(vec![Event::Opened {
                    at: now,
                    electorate,
                }])
            }
            Command::Vote {
                voter,
                choice,
                reason,
            } => self.vote(voter, choice, reason, None, now),
            Command::AuthoriseProxy { member, proxy } => self.authorise(member, proxy, now),
            Command::VoteByProxy {
                proxy,
                member,
                choice,
                reason,
            } => {
                if self.proxies.get(&member) != Some(&proxy) {
                    return Err(ProposalError::Proxy {
                        problem: format!("`{proxy}` holds no proxy from `{member}`"),
                    });
                }
                self.vote(member, choice, reason, Some(proxy), now)
            }
            Command::Rank { voter, ranking } => self.rank(voter, ranking, now),
            Command::Approve { voter, projects } => self.approve(voter, projects, now),
            Command::Extend { closes_at } => {
                self.spec_in(Phase::Open, "have its deadline extended")?;
                let current = self.closes_at.unwrap_or(now);
                if closes_at <= current || now >= current {
                    return Err(ProposalError::Time {
                        action: "extending the deadline",
                        when: format!("to a time after {current}, before it passes"),
                    });
                }
                Ok(vec![Event::DeadlineExtended { at: now, closes_at }])
            }
            Command::Close { delegations } => {
                if self.phase == Phase::Closed {
                    return Ok(Vec::new()); // closing is idempotent
                }
                let spec = self.spec_in(Phase::Open, "close")?;
                let electorate = self.electorate.as_ref().ok_or(phase_error("close"))?;
                let deadline = self.closes_at.unwrap_or(spec.closes_at);
                let everyone = electorate.voters().all(|v| self.has_voted(&v.id));
                if now < deadline && !everyone {
                    return Err(ProposalError::Time {
                        action: "closing",
                        when: format!("from {deadline}, or once every voter has voted"),
                    });
                }
                let outcome = count(
                    spec,
                    electorate,
                    &self.ballots,
                    &self.rankings,
                    &delegations,
                );
                Ok(vec![Event::Closed {
                    at: now,
                    early: now < deadline,
                    delegations,
                    outcome: Box::new(outcome),
                }])
            }
        }
    }

    fn spec_in(&self, phase: Phase, action: &'static str) -> Result<&Spec, ProposalError> {
        match &self.spec {
            Some(spec) if self.phase == phase => Ok(spec),
            _ => Err(ProposalError::Phase {
                phase: self.phase,
                action,
            }),
        }
    }

    fn authorise(
        &self,
        member: VoterId,
        proxy: VoterId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take proxies")?;
        let refuse = |problem: String| Err(ProposalError::Proxy { problem });
        if spec.proxies_per_holder == 0 {
            return refuse("this proposal takes no proxies".to_owned());
        }
        for who in [&member, &proxy] {
            if !self.electorate.as_ref().is_some_and(|e| e.contains(who)) {
                return Err(ProposalError::NotAVoter { voter: who.clone() });
            }
        }
        if member == proxy {
            return refuse(format!("`{member}` cannot hold their own proxy"));
        }
        if self.has_voted(&member) {
            return refuse(format!("`{member}` has already voted"));
        }
        if let Some(holder) = self.proxies.get(&member) {
            return refuse(format!(
                "`{member}` has already given their proxy to `{holder}`"
            ));
        }
        let held = self.proxies.values().filter(|h| **h == proxy).count();
        if held >= spec.proxies_per_holder as usize {
            let noun = if held == 1 { "proxy" } else { "proxies" };
            return refuse(format!(
                "`{proxy}` already holds {held} {noun}, the most the rules allow"
            ));
        }
        Ok(vec![Event::ProxyAuthorised {
            at: now,
            member,
            proxy,
        }])
    }

    fn vote(
        &self,
        voter: VoterId,
        choice: Choice,
        reason: Option<String>,
        by: Option<VoterId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let deadline = self.closes_at.unwrap_or(spec.closes_at);
        if now >= deadline {
            return Err(ProposalError::Time {
                action: "voting",
                when: format!("before {deadline}"),
            });
        }
        if !self.electorate.as_ref().is_some_and(|e| e.contains(&voter)) {
            return Err(ProposalError::NotAVoter { voter });
        }
        if self.ballots.contains_key(&voter) && !spec.vote_changes {
            return Err(ProposalError::AlreadyVoted { voter });
        }
        let (kind, allowed, objection) = match spec.kind {
            Kind::Motion { .. } => ("motion", choice != Choice::Block, choice == Choice::No),
            Kind::Consent => (
                "consent decision",
                choice != Choice::No,
                choice == Choice::Block,
            ),
            Kind::Election { .. } => {
                return Err(ProposalError::Ballot {
                    problem: "an election takes rankings: use `Rank`".to_owned(),
                });
            }
            Kind::Budget { .. } => {
                return Err(ProposalError::Ballot {
                    problem: "a participatory budget takes approvals: use `Approve`".to_owned(),
                });
            }
        };
        if !allowed {
            return Err(ProposalError::Choice { kind, choice });
        }
        let reason = reason.filter(|r| !r.trim().is_empty());
        match (spec.reasons, &reason) {
            (Reasons::Off, Some(_)) => {
                return Err(ProposalError::Reason {
                    problem: "this proposal takes no reasons",
                });
            }
            (Reasons::RequiredForObjections, None) if objection => {
                return Err(ProposalError::Reason {
                    problem: "an objection needs a reason",
                });
            }
            _ => {}
        }
        if choice == Choice::Block && reason.is_none() {
            return Err(ProposalError::Reason {
                problem: "a block needs a reason",
            });
        }
        Ok(vec![Event::Voted {
            at: now,
            voter,
            choice,
            reason,
            by,
        }])
    }

    fn rank(
        &self,
        voter: VoterId,
        ranking: Vec<u16>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let Kind::Election { candidates, .. } = &spec.kind else {
            return Err(ProposalError::Ballot {
                problem: "only an election takes rankings".to_owned(),
            });
        };
        let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
        self.list(voter, ranking, &names, "candidate", now)
            .map(|(voter, ranking)| {
                vec![Event::Ranked {
                    at: now,
                    voter,
                    ranking,
                }]
            })
    }

    fn approve(
        &self,
        voter: VoterId,
        projects: Vec<u16>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let Kind::Budget { projects: all, .. } = &spec.kind else {
            return Err(ProposalError::Ballot {
                problem: "only a participatory budget takes approvals".to_owned(),
            });
        };
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        self.list(voter, projects, &names, "project", now)
            .map(|(voter, projects)| {
                vec![Event::Approved {
                    at: now,
                    voter,
                    projects,
                }]
            })
    }

    /// Checks a ranking or an approval list of indexes below `len`, none twice, from a
    /// voter who may vote now.
    fn list(
        &self,
        voter: VoterId,
        items: Vec<u16>,
        names: &[&str],
        what: &str,
        now: DateTime<Utc>,
    ) -> Result<(VoterId, Vec<u16>), ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let deadline = self.closes_at.unwrap_or(spec.closes_at);
        if now >= deadline {
            return Err(ProposalError::Time {
                action: "voting",
                when: format!("before {deadline}"),
            });
        }
        if !self.electorate.as_ref().is_some_and(|e| e.contains(&voter)) {
            return Err(ProposalError::NotAVoter { voter });
        }
        if self.rankings.contains_key(&voter) && !spec.vote_changes {
            return Err(ProposalError::AlreadyVoted { voter });
        }
        for (i, c) in items.iter().enumerate() {
            let Some(name) = names.get(usize::from(*c)) else {
                return Err(ProposalError::Ballot {
                    problem: format!(
                        "there is no {what} {c}: the {what}s are 0 to {}",
                        names.len() - 1
                    ),
                });
            };
            if items[..i].contains(c) {
                return Err(ProposalError::Ballot {
                    problem: format!("{what} {c} (`{name}`) is listed twice"),
                });
            }
        }
        Ok((voter, items))
    }

    /// Folds in one event.
    ///
    /// # Errors
    ///
    /// An event that does not fit the phase (from an edited or foreign journal).
    pub fn apply(&mut self, event: &Event) -> Result<(), ProposalError> {
        let expect = |phase: Phase, want: Phase, action| {
            if phase == want {
                Ok(())
            } else {
                Err(ProposalError::Phase { phase, action })
            }
        };
        match event {
            Event::Drafted { spec, .. } => {
                expect(self.phase, Phase::New, "be drafted")?;
                self.spec = Some((**spec).clone());
                self.closes_at = Some(spec.closes_at);
                self.phase = Phase::Draft;
            }
            Event::Scheduled { .. } => {
                expect(self.phase, Phase::Draft, "be scheduled")?;
                self.phase = Phase::Scheduled;
            }
            Event::Withdrawn { .. } => {
                if !matches!(self.phase, Phase::Draft | Phase::Scheduled) {
                    return Err(ProposalError::Phase {
                        phase: self.phase,
                        action: "be withdrawn",
                    });
                }
                self.phase = Phase::Withdrawn;
            }
            Event::Opened { electorate, .. } => {
                expect(self.phase, Phase::Scheduled, "open")?;
                self.electorate = Some(electorate.clone());
                self.phase = Phase::Open;
            }
            Event::Voted {
                voter,
                choice,
                reason,
                ..
            } => {
                expect(self.phase, Phase::Open, "take votes")?;
                self.ballots
                    .insert(voter.clone(), (*choice, reason.clone()));
            }
            Event::ProxyAuthorised { member, proxy, .. } => {
                expect(self.phase, Phase::Open, "take proxies")?;
                self.proxies.insert(member.clone(), proxy.clone());
            }
            Event::Ranked { voter, ranking, .. }
            | Event::Approved {
                voter,
                projects: ranking,
                ..
            } => {
                expect(self.phase, Phase::Open, "take votes")?;
                self.rankings.insert(voter.clone(), ranking.clone());
            }
            Event::DeadlineExtended { closes_at, .. } => {
                expect(self.phase, Phase::Open, "have its deadline extended")?;
                self.closes_at = Some(*closes_at);
            }
            Event::Closed {
                outcome,
                delegations,
                ..
            } => {
                expect(self.phase, Phase::Open, "close")?;
                self.delegations = delegations.clone();
                self.outcome = Some((**outcome).clone());
                self.phase = Phase::Closed;
            }
        }
        Ok(())
    }
}

fn check_spec(spec: &Spec) -> Result<(), ProposalError> {
    if spec.title.trim().is_empty() || spec.title.chars().count() > 300 {
        return Err(ProposalError::Spec {
            problem: "needs a title of 1 to 300 characters",
        });
    }
    if spec.closes_at <= spec.opens_at {
        return Err(ProposalError::Spec {
            problem: "must close after it opens",
        });
    }
    if let Kind::Election {
        method,
        candidates,
        seats,
        ..
    } = &spec.kind
    {
        if matches!(
            method,
            Method::Score | Method::Star | Method::EqualShares | Method::GreedyBudget
        ) {
            return Err(ProposalError::Spec {
                problem: "needs a ranked-ballot method (score, STAR and budget methods take other ballots)",
            });
        }
        let mut names = BTreeSet::new();
        if candidates.len() < 2
            || candidates.len() > MAX_CANDIDATES
            || !candidates
                .iter()
                .all(|c| !c.trim().is_empty() && names.insert(c))
        {
            return Err(ProposalError::Spec {
                problem: "needs 2 to 1000 candidates with distinct, non-empty names",
            });
        }
        if *seats == 0 || *seats > candidates.len() {
            return Err(ProposalError::Spec {
                problem: "needs between 1 seat and as many seats as candidates",
            });
        }
    }
    if let Kind::Budget {
        method,
        projects,
        limit,
    } = &spec.kind
    {
        if !matches!(method, Method::EqualShares | Method::GreedyBudget) {
            return Err(ProposalError::Spec {
                problem: "needs a budget method: `equal-shares` or `greedy-budget`",
            });
        }
        let mut names = BTreeSet::new();
        let valid = (1..=MAX_CANDIDATES).contains(&projects.len())
            && projects.iter().all(|p| {
                !p.name.trim().is_empty() && names.insert(&p.name) && p.cost > Decimal::ZERO
            });
        if !valid || *limit <= Decimal::ZERO {
            return Err(ProposalError::Spec {
                problem: "needs 1 to 1000 projects with distinct names and positive costs, and a positive limit",
            });
        }
    }
    Ok(())
}

/// Counts the ballots, delegation followed, under the spec's rules.
pub(crate) fn count(
    spec: &Spec,
    electorate: &Electorate,
    ballots: &BTreeMap<VoterId, (Choice, Option<String>)>,
    rankings: &BTreeMap<VoterId, Vec<u16>>,
    delegations: &BTreeMap<VoterId, VoterId>,
) -> Outcome {
    let voted: BTreeSet<VoterId> = ballots.keys().chain(rankings.keys()).cloned().collect();
    let resolution = resolve(electorate, delegations, &voted);
    let (mut direct, mut delegated, mut void) = (0, 0, 0);
    for route in resolution.routes.values() {
        match route {
            Route::Direct => direct += 1,
            Route::Delegated { .. } => delegated += 1,
            Route::Cycle => void += 1,
            Route::NotVoting => {}
        }
    }
    let people = &resolution.carried_people;
    let mut by_choice: BTreeMap<Choice, Count> = BTreeMap::new();
    let mut blocks = Vec::new();
    for (voter, (choice, reason)) in ballots {
        let weight = carried(&resolution, voter);
        let n = people.get(voter).copied().unwrap_or(0);
        by_choice.entry(*choice).or_default().add(n, weight);
        if *choice == Choice::Block {
            blocks.push((voter.clone(), reason.clone().unwrap_or_default()));
        }
    }
    let get = |c: Choice| by_choice.get(&c).copied().unwrap_or_default();
    let size = Size {
        people: electorate.len() as u64,
        weight: electorate.total_weight(),
    };
    let (verdict, motion, consent, election) = match &spec.kind {
        Kind::Motion { threshold } => {
            let overall = spec.quorum.filter(|q| !q.per_class);
            let mut result = decide_motion(
                get(Choice::Yes),
                get(Choice::No),
                get(Choice::Abstain),
                size,
                overall,
                *threshold,
            );
            if let Some(check) = class_quorum(spec.quorum, electorate, &resolution) {
                if !check.met {
                    result.outcome = Verdict::NoQuorum;
                }
                result.quorum = Some(check);
            }
            (result.outcome, Some(result), None, None)
        }
        Kind::Election {
            method,
            candidates,
            seats,
            tie_break,
        } => {
            let mut taking_part = Count::default();
            for voter in rankings.keys() {
                taking_part.add(
                    people.get(voter).copied().unwrap_or(0),
                    carried(&resolution, voter),
                );
            }
            let quorum = class_quorum(spec.quorum, electorate, &resolution)
                .or_else(|| spec.quorum.map(|q| quorum_check(q, taking_part, size)));
            let options = Options {
                seats: *seats,
                tie_break: *tie_break,
            };
            let counted = tally(candidates, rankings, &resolution)
                .and_then(|profile| andel_tally::count(&profile, *method, options));
            let (verdict, count, problem) = match (&quorum, counted) {
                (Some(q), counted) if !q.met => (Verdict::NoQuorum, counted.ok(), None),
                (_, Ok(outcome)) if outcome.complete => (Verdict::Elected, Some(outcome), None),
                (_, Ok(outcome)) => (Verdict::Tie, Some(outcome), None),
                (_, Err(err)) => (Verdict::Failed, None, Some(err.to_string())),
            };
            let result = ElectionResult {
                count,
                problem,
                quorum,
            };
            (verdict, None, None, Some(result))
        }
        Kind::Budget {
            method,
            projects,
            limit,
        } => {
            let mut taking_part = Count::default();
            for voter in rankings.keys() {
                taking_part.add(
                    people.get(voter).copied().unwrap_or(0),
                    carried(&resolution, voter),
                );
            }
            let quorum = class_quorum(spec.quorum, electorate, &resolution)
                .or_else(|| spec.quorum.map(|q| quorum_check(q, taking_part, size)));
            let counted = budget(projects, *limit, rankings, &resolution).and_then(|ballots| {
                andel_tally::count_ballots(&ballots, *method, Options::default())
            });
            let (verdict, count, problem) = match (&quorum, counted) {
                (Some(q), counted) if !q.met => (Verdict::NoQuorum, counted.ok(), None),
                (_, Ok(outcome)) if outcome.complete => (Verdict::Elected, Some(outcome), None),
                (_, Ok(outcome)) => (Verdict::Tie, Some(outcome), None),
                (_, Err(err)) => (Verdict::Failed, None, Some(err.to_string())),
            };
            let result = ElectionResult {
                count,
                problem,
                quorum,
            };
            (verdict, None, None, Some(result))
        }
        Kind::Consent => {
            let taking_part = Count {
                people: [Choice::Yes, Choice::Abstain, Choice::Block]
                    .map(|c| get(c).people)
                    .iter()
                    .sum(),
                weight: [Choice::Yes, Choice::Abstain, Choice::Block]
                    .map(|c| get(c).weight)
                    .iter()
                    .sum(),
            };
            let quorum = class_quorum(spec.quorum, electorate, &resolution)
                .or_else(|| spec.quorum.map(|q| quorum_check(q, taking_part, size)));
            let verdict = match (&quorum, blocks.is_empty()) {
                (Some(q), _) if !q.met => Verdict::NoQuorum,
                (_, true) => Verdict::Passed,
                (_, false) => Verdict::Failed,
            };
            let result = ConsentResult {
                consent: get(Choice::Yes),
                stand_aside: get(Choice::Abstain),
                blocks,
                quorum,
            };
            (verdict, None, Some(result), None)
        }
    };
    Outcome {
        verdict,
        motion,
        consent,
        election,
        direct,
        delegated,
        void,
    }
}

/// With a quorum per class, whether each class of the electorate (voters without a class
/// form one together) reached the share: its members counted, directly or by delegation,
/// against its size. `None` without a per-class quorum.
fn class_quorum(
    quorum: Option<Quorum>,
    electorate: &Electorate,
    resolution: &Resolution,
) -> Option<Check> {
    let quorum = quorum.filter(|q| q.per_class)?;
    let mut classes: BTreeMap<&str, (Count, Size)> = BTreeMap::new();
    for voter in electorate.voters() {
        let class = voter.class.as_deref().unwrap_or("");
        let entry = classes.entry(class).or_insert((
            Count::default(),
            Size {
                people: 0,
                weight: Decimal::ZERO,
            },
        ));
        entry.1.people += 1;
        entry.1.weight += voter.weight;
        if matches!(
            resolution.routes.get(&voter.id),
            Some(Route::Direct | Route::Delegated { .. })
        ) {
            entry.0.add(1, voter.weight);
        }
    }
    let mut met = true;
    let mut parts = Vec::new();
    let mut got = Decimal::ZERO;
    for (class, (taking_part, size)) in &classes {
        let check = quorum_check(quorum, *taking_part, *size);
        met &= check.met;
        got += check.got;
        let name = if class.is_empty() { "no class" } else { class };
        parts.push(format!(
            "{name} {} of {}",
            check.got,
            match quorum.basis {
                crate::rules::Basis::People => Decimal::from(size.people),
                crate::rules::Basis::Weight => size.weight,
            }
        ));
    }
    Some(Check {
        rule: format!(
            "at least {} of each class takes part ({})",
            quorum.share,
            parts.join(", ")
        ),
        got,
        met,
    })
}

/// The approvals as budget ballots, each weighted by the weight its voter carries.
fn budget(
    projects: &[Project],
    limit: Decimal,
    approvals: &BTreeMap<VoterId, Vec<u16>>,
    resolution: &Resolution,
) -> Result<Ballots, TallyError> {
    let mut builder = Approvals::builder(Candidates::new(projects.iter().map(|p| p.name.clone()))?);
    for (voter, approved) in approvals {
        builder.add(
            approved.iter().map(|&c| CandidateId(c)),
            carried(resolution, voter),
        )?;
    }
    Ok(Ballots::Budget {
        approvals: builder.build(),
        budget: andel_tally::Budget {
            limit,
            costs: projects.iter().map(|p| p.cost).collect(),
        },
    })
}

/// The rankings as a profile, each weighted by the weight its voter carries.
fn tally(
    candidates: &[String],
    rankings: &BTreeMap<VoterId, Vec<u16>>,
    resolution: &Resolution,
) -> Result<Profile, TallyError> {
    let mut profile = Profile::builder(Candidates::new(candidates.iter().cloned())?);
    let mut order = Vec::new();
    for (voter, ranking) in rankings {
        order.clear();
        order.extend(ranking.iter().map(|&c| CandidateId(c)));
        profile.add_order(&order, carried(resolution, voter))?;
    }
    Ok(profile.build())
}

fn carried(resolution: &Resolution, voter: &VoterId) -> Decimal {
    resolution.carried.get(voter).copied().unwrap_or_default()
}
