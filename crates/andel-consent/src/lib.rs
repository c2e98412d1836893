//! Members own the data and decide its use.
//!
//! Every resource a service keeps has an owner: the member who provided it, or several
//! jointly ([`Owners`]); the co-op owns nothing. What the data may be used for is a
//! [`Policy`] the members adopt by decision, checked before any vote against the
//! service's [`Schema`] and the [`Charter`], which no policy may contradict (advertising,
//! profiling for it and sale to third parties are never permitted). Policies are
//! adopted only by citing a passed decision ([`PolicyBook`]); the charter changes the
//! same way at its own, higher threshold ([`CharterBook`]). Consents are the
//! events of a journal stream ([`ConsentBook`]): given, refused, withdrawn (one step, as
//! easy as giving) and expired, with receipts in the Kantara and DPV shapes.
//!
//! [`evaluate`] decides one access: the charter beats every rule, a forbid beats every
//! permit, and what no rule permits is refused; the [`Decision`] names the rules that
//! decided, the policy version, the consents relied on and the duties attached, in a
//! sentence a member can read and as JSON. [`permission_diff`] shows members what a
//! proposed policy changes before they vote on it.
//!
//! The crate does no I/O and has no clock: callers pass `now`.
//!
//! # Examples
//!
//! A kanban co-op permits usage statistics over at least ten members who consented:
//!
//! ```
//! use andel_consent::*;
//! use andel_journal::Aggregate;
//!
//! let schema = Schema::new().kind("card".parse()?, Action::ALL);
//! let policy = Policy::from_toml("policy.toml", r#"
//!     version = 2
//!     [[rule]]
//!     id = "usage-stats"
//!     effect = "permit"
//!     principal = "service:stats"
//!     actions = ["process"]
//!     resource = { kind = "card", relation = "any" }
//!     purposes = ["aggregate-statistics"]
//!     conditions = { consent = true, min_aggregate = 10 }
//! "#, &schema, &Charter::default())?;
//!
//! let at = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
//! let ada: MemberId = "ada".parse()?;
//! let mut consents = ConsentBook::default();
//! let give = ConsentCommand::Give { member: ada.clone(), purpose: Purpose::AggregateStatistics, expires: None };
//! for event in consents.decide(give, at("2027-01-05T08:00:00Z"))? {
//!     consents.apply(&event)?;
//! }
//!
//! let request = Request {
//!     principal: Principal::Service { name: "stats".parse()?, acting_for: None },
//!     action: Action::Process,
//!     resource: Resource::new("card".parse()?, "c7".parse()?, Owners::one(ada)),
//!     purpose: Purpose::AggregateStatistics,
//!     at: at("2027-02-01T12:00:00Z"),
//!     aggregate_of: Some(40),
//! };
//! let decision = evaluate(&request, &policy, &Charter::default(), &consents);
//! assert!(decision.allowed);
//! assert_eq!(decision.consents.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//!
//! None.

mod adoption;
mod audit;
mod charter;
mod charter_book;
mod check;
mod consent;
mod diff;
mod erasure;
mod evaluate;
mod ids;
mod organisation;
mod policy;
mod resource;
mod vocab;

pub use adoption::{
    AdoptedPolicy, Adoption, AdoptionError, Amendment, DecisionRef, NotInSequence, POLICY_DOCUMENT,
    POLICY_STREAM, PolicyBook, PolicyEvent,
};
pub use audit::{ACCESS_KIND, AUDIT_STREAM, AccessRecord, TransparencyReport};
pub use charter::{Charter, SURVEILLANCE};
pub use charter_book::{
    AmendedCharter, CHARTER_DOCUMENT, CHARTER_STREAM, CharterAmendment, CharterBook, CharterEvent,
};
pub use check::{MAX_POLICY_BYTES, MAX_RULES, PolicyErrors, PolicyProblem};
pub use consent::{
    CONSENT_STREAM, ConsentBook, ConsentCommand, ConsentError, ConsentEvent, ConsentStep,
    Controller, OutOfOrder, Receipt, Standing,
};
pub use diff::{Access, Change, permission_diff};
pub use erasure::{
    ERASURE_STREAM, EntryRef, Erased, ErasureBook, ErasureDue, ErasureError, ErasureEvent,
    ErasureReason, erasures_due,
};
pub use evaluate::{
    Basis, ConsentLookup, ConsentRef, Decision, Principal, Request, Unmet, evaluate,
};
pub use ids::{MemberId, NameError, ResourceId, ResourceKind, Role, RuleId, ServiceName};
pub use organisation::{
    PolicyBooks, evaluate_within, organisation_policy_document, organisation_policy_stream,
};
pub use policy::{Conditions, Duty, Effect, Policy, Principals, Resources, Rule, Schema};
pub use resource::{NoOwner, Owners, Relation, Resource};
pub use vocab::{Action, DataCategory, LegalBasis, Purpose, UnknownTerm};
