//! Democratic decision procedures for cooperatives: who may vote, who carries whose
//! vote, and whether a proposal passed under the co-op's own rules.
//!
//! - An [`Electorate`] is plain data: voters, weights, classes. Anyone can build one;
//!   the membership ledger's voting roll reads straight in
//!   ([`Electorate::from_roll_json`]), so this crate does not depend on the ledger. A
//!   proposal snapshots its electorate when it opens.
//! - Liquid delegation ([`resolve`](delegation::resolve)): chains are followed, a
//!   cycle is void, a direct vote overrides, and weight is conserved.
//!   [`in_force`](delegation::in_force) picks each member's delegation for a proposal
//!   (topic before general, time-boxed, revocable).
//! - [`Quorum`](rules::Quorum) and [`Threshold`](rules::Threshold) are exact
//!   [`Fraction`](rules::Fraction)s of people or weight, of votes cast or of the
//!   electorate, inclusive or not; [`decide_motion`](rules::decide_motion) explains its
//!   checks.
//! - A [`Proposal`] moves through its lifecycle by pure [`Proposal::decide`] and
//!   [`Proposal::apply`] over [`ProposalEvent`]s: draft, scheduled, open, closed (passed,
//!   failed, no quorum) or withdrawn.
//!
//! - Secret ballots keep who voted (a [`ProposalEvent::Participated`] in the proposal's
//!   stream) apart from what was voted (a [`Ballot`](secret::Ballot) in a
//!   [`BallotBox`](secret::BallotBox) under a random [`Receipt`](secret::Receipt) only
//!   its voter sees): [`cast_secret`](secret::cast_secret),
//!   [`close_secret`](secret::close_secret), and the published
//!   [`BallotList`](secret::BallotList) whose SHA-256 the outcome holds and which anyone
//!   can recount ([`Proposal::recount_published`]).
//! - A closed proposal's [`Citation`] (its `Closed` entry with a Merkle inclusion proof)
//!   lets a later act prove it rests on a decision that passed.
//!
//! The crate does no I/O and has no clock: callers pass `now`.
//!
//! # Examples
//!
//! A motion at two thirds, with one member delegating:
//!
//! ```
//! use std::collections::BTreeMap;
//! use andel_decisions::*;
//! use andel_decisions::rules::{Basis, Fraction, Quorum, Threshold, Verdict};
//!
//! let id = |s: &str| -> VoterId { s.parse().unwrap() };
//! let t = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
//! let electorate = Electorate::new(["ada", "bo", "cy"].map(|v| Voter { id: id(v), weight: 1.into(), college: None }))?;
//! let spec = Spec {
//!     title: "Adopt the 2027 budget".into(),
//!     body: "…".into(),
//!     author: id("ada"),
//!     kind: Kind::Motion { threshold: Threshold::at_least(Fraction::TWO_THIRDS) },
//!     opens_at: t("2027-05-01T09:00:00Z"),
//!     closes_at: t("2027-05-08T09:00:00Z"),
//!     quorum: Some(Quorum { share: Fraction::HALF, basis: Basis::People, per_college: false }),
//!     vote_changes: false,
//!     reasons: Reasons::Optional,
//!     tags: Default::default(),
//!     proxies_per_holder: 0,
//!     visibility: Visibility::AfterClose,
//!     secrecy: Secrecy::Open,
//!     enacts: None,
//! };
//! let mut proposal = Proposal::default();
//! let mut run = |command, at: &str| -> Result<(), Box<dyn std::error::Error>> {
//!     for event in proposal.decide(command, t(at))? {
//!         proposal.apply(&event)?;
//!     }
//!     Ok(())
//! };
//! run(ProposalCommand::Draft { spec: Box::new(spec) }, "2027-04-20T09:00:00Z")?;
//! run(ProposalCommand::Schedule, "2027-04-21T09:00:00Z")?;
//! run(ProposalCommand::Open { electorate }, "2027-05-01T09:00:00Z")?;
//! run(ProposalCommand::Vote { voter: id("ada"), choice: Choice::Yes, reason: None }, "2027-05-02T09:00:00Z")?;
//! run(ProposalCommand::Vote { voter: id("bo"), choice: Choice::No, reason: None }, "2027-05-02T10:00:00Z")?;
//! // Cy delegates to Ada: two yes against one no is exactly two thirds.
//! let delegations = BTreeMap::from([(id("cy"), id("ada"))]);
//! run(ProposalCommand::Close { delegations }, "2027-05-08T09:00:00Z")?;
//! assert_eq!(proposal.outcome().unwrap().verdict, Verdict::Passed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//!
//! None.

mod citation;
pub mod delegation;
mod electorate;
mod proposal;
pub mod rules;
pub mod secret;

pub use citation::{Citation, CiteError, Cited, CitedEntry};
pub use electorate::{
    Electorate, ElectorateError, MAX_ELECTORATE_BYTES, MAX_ROLL_BYTES, Voter, VoterId,
};
pub use proposal::BallotSeal;
pub use proposal::{
    Choice, ConsentResult, ElectionResult, Enactment, Interim, Kind, MAX_CANDIDATES, Phase,
    Project, Proposal, ProposalCommand, ProposalError, ProposalEvent, ProposalOutcome, Reasons,
    Secrecy, Spec, Visibility,
};
pub use secret::Mark;
