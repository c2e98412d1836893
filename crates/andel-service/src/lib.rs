//! The application layer of Andel: a co-op's use cases over its stores, called alike by
//! the `andel` command and by an HTTP service, so that neither holds domain or storage
//! logic of its own.
//!
//! A use case opens the tenant's data ([`Coop::open`], which tells a mistyped database
//! or tenant from a new one), replays the stream it needs once, decides with the domain
//! crates and records the events: the ledger's commands through [`Membership`], a
//! proposal's life through [`StoredProposal`] (which chooses between an open and a
//! secret ballot, and closes with the delegations in force). It owns the stream names
//! ([`proposal_stream`], [`DELEGATIONS_STREAM`], the ledger's `ledger`).
//!
//! # Examples
//!
//! A co-op admits a member and takes its roll as the electorate of a motion:
//!
//! ```
//! use andel_decisions::{Choice, Kind, Mark, ProposalCommand, Spec, rules::Threshold};
//! use andel_journal::Timestamp;
//! use andel_ledger::{Command as Ledger, Statutes, event::{Person, Purpose}};
//! use andel_service::{Access, BallotPaper, Cast, Coop};
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let dir = tempfile::tempdir()?;
//! let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
//! let coop = Coop::open(&location, "solrosen".parse()?, Access::Start).await?;
//! let now = Timestamp::new("2027-01-01T00:00:00Z".parse()?)?;
//!
//! let mut members = coop.membership().await?;
//! let statutes = Statutes::from_toml(r#"
//! name = "Solrosen"
//! currency = { code = "SEK", scale = 2 }
//! [[classes]]
//! id = "members"
//! name = "Members"
//! nominal = "100.00"
//! min_shares = 1
//! admission = "automatic"
//! "#)?;
//! members.record(Ledger::AdoptStatutes { statutes: Box::new(statutes) }, "2027-01-01".parse()?, now, None).await?;
//! members.record(Ledger::ApplyForMembership { name: "Alva".into(), person: Person::Natural, class: "members".parse()? }, "2027-01-10".parse()?, now, None).await?;
//! members.record(Ledger::RecordPayment {
//!     key: "bank-1".parse()?, member: "1".parse()?,
//!     purpose: Purpose::Capital { class: "members".parse()? },
//!     amount: 100.into(), currency: "SEK".into(),
//! }, "2027-01-10".parse()?, now, None).await?;
//! let electorate = members.electorate("2027-04-30".parse()?)?;
//!
//! let spec = Spec {
//!     title: "Open a second shop".into(), body: String::new(), author: "1".parse()?,
//!     kind: Kind::Motion { threshold: Threshold::SIMPLE_MAJORITY },
//!     opens_at: "2027-05-06T09:00:00Z".parse()?, closes_at: "2027-05-06T17:00:00Z".parse()?,
//!     quorum: None, vote_changes: false, reasons: Default::default(), tags: Default::default(),
//!     proxies_per_holder: 0, visibility: Default::default(), secrecy: Default::default(),
//!     enacts: None,
//! };
//! let (mut shop, _) = coop.draft("shop", spec, "2027-05-01T09:00:00Z".parse()?, now, None).await?;
//! shop.execute(ProposalCommand::Schedule, "2027-05-01T09:00:00Z".parse()?, now, None).await?;
//! shop.execute(ProposalCommand::Open { electorate }, "2027-05-06T09:00:00Z".parse()?, now, None).await?;
//! let paper = BallotPaper { voter: "1".parse()?, proxy_for: None, mark: Mark::Choice(Choice::Yes), reason: None };
//! assert!(matches!(shop.cast(paper, "2027-05-06T10:00:00Z".parse()?, now, None).await?, Cast::Open(_)));
//! shop.close("2027-05-06T17:00:00Z".parse()?, now, None).await?;
//! assert!(shop.state().outcome().is_some());
//!
//! // Another process finds the proposal by its id; a mistyped one is an error that
//! // lists those there are.
//! let err = coop.proposal("shpo").await.err().ok_or("no such proposal")?;
//! assert_eq!(err.to_string(), format!("there is no proposal `shpo` in {coop}; its proposals are `shop`"));
//! coop.close().await;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod accounts;
mod archive;
mod archive_check;
mod ballots;
mod charters;
mod consents;
mod coop;
pub mod demo;
mod error;
mod journal;
mod member_archive;
mod member_import;
mod membership;
mod policies;
mod proposals;

pub use accounts::{
    PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, SESSION_HOURS, Session, SignedIn, Standing,
};
pub use archive::{ArchiveImport, StreamPlan};
pub use archive_check::verify_archive;
pub use ballots::{BallotFormat, ballots_in};
pub use charters::CharterChange;
pub use coop::{Access, Coop};
pub use error::ServiceError;
pub use journal::{Exported, Imported, Invalid, Journal, Root};
pub use member_archive::ServiceData;
pub use member_import::{
    IMPORTED_ENTRY, IMPORTED_FILE, IMPORTED_PREFIX, ImportedEntry, ImportedFile, MemberImport,
    ModuleImport, Origin, imported_stream,
};
pub use membership::{LedgerCheck, Membership, electorate};
pub use policies::{PolicyAdoption, PolicyFile};
pub use proposals::{
    BallotPaper, Cast, DELEGATIONS_STREAM, Found, PROPOSAL_PREFIX, ProposalCheck, ProposalSight,
    ProposalSummary, StoredProposal, proposal_stream,
};
