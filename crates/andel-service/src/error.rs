//! What a use case answers when it cannot do what was asked: one error, whose message
//! names the input that was wrong.

use andel_decisions::{
    CiteError, ElectorateError, ProposalError, delegation::DelegationError,
    secret::SecretBallotError,
};
use andel_journal::{NameError, StoreError, StoredError, StreamId, TenantId};
use andel_ledger::{StoredLedgerError, import::ImportError, money::MoneyError};
use andel_store::OpenError;

/// The commands that write a co-op's first entries, for errors about what is missing.
pub(crate) const STARTERS: &str =
    "`andel ledger init`, `andel decide create` or `andel journal append` (or `import`)";

/// Why a use case could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The database file does not exist, and the use case may not create it.
    #[error("there is no database at {location}; {STARTERS} creates one")]
    NoDatabase {
        /// Where it was looked for.
        location: String,
    },
    /// The tenant holds no entries, and the use case may not start it.
    #[error("there is no tenant `{tenant}` in {location}{}", tenants(.known))]
    NoTenant {
        /// The tenant asked for.
        tenant: TenantId,
        /// The database (without password).
        location: String,
        /// The tenants the database holds.
        known: Vec<TenantId>,
    },
    /// No proposal has this id.
    #[error("there is no proposal `{id}` in {place}{}", proposals(.known))]
    NoProposal {
        /// The id asked for.
        id: String,
        /// The tenant and database.
        place: String,
        /// The proposals the tenant holds.
        known: Vec<String>,
    },
    /// The id cannot name a proposal's stream.
    #[error("`{id}` cannot name a proposal: {source}")]
    ProposalId {
        /// The id given.
        id: String,
        /// Why not.
        source: NameError,
    },
    /// The member number and password do not match an account. (The same answer for
    /// an unknown member and a wrong password, so that it tells a stranger nothing.)
    #[error("that member number and password do not match; check both and try again")]
    SignIn,
    /// The session is unknown or has ended.
    #[error("you are not signed in, or your session has ended; sign in again")]
    SignedOut,
    /// The ledger does not let this person use the co-op's services.
    #[error("member {member} is {status}: only admitted and former members may sign in")]
    NotAllowed {
        /// Who.
        member: andel_ledger::MemberNumber,
        /// Where the ledger says they stand (`applicant`, `refused`).
        status: &'static str,
    },
    /// A password that is refused.
    #[error("{0}")]
    Password(String),
    /// The use case refuses what was asked: the message says why.
    #[error("{0}")]
    Refused(String),
    /// The database could not be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The ledger refused the command, or could not be read.
    #[error(transparent)]
    Ledger(#[from] StoredLedgerError),
    /// The ledger's roll could not be taken.
    #[error(transparent)]
    Roll(#[from] MoneyError),
    /// A members import was refused.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The proposal refused the command, or could not be read.
    #[error(transparent)]
    Proposal(#[from] StoredError<ProposalError, ProposalError>),
    /// The delegations refused the command, or could not be read.
    #[error(transparent)]
    Delegations(#[from] StoredError<DelegationError, std::convert::Infallible>),
    /// A secret ballot could not be cast, closed or published.
    #[error(transparent)]
    Secret(#[from] SecretBallotError),
    /// The roll does not form an electorate.
    #[error(transparent)]
    Electorate(#[from] ElectorateError),
    /// The outcome cannot be cited.
    #[error(transparent)]
    Cite(#[from] CiteError),
    /// The journal does not verify, so what was asked of it cannot be given.
    #[error("`{journal}` does not verify, so it has no {what}: {source}")]
    Unverified {
        /// The journal (a file, or a tenant in a database).
        journal: String,
        /// What was asked: `root`, `proof`.
        what: &'static str,
        /// Where it fails.
        source: Box<crate::journal::Invalid>,
    },
    /// The journal has no stream of this name.
    #[error("the journal has no stream `{stream}`")]
    NoStream {
        /// The stream asked for.
        stream: StreamId,
    },
    /// The journal has no entries.
    #[error("the journal is empty")]
    EmptyJournal,
    /// The journal holds several streams and none was named.
    #[error("the journal holds {} streams; choose one with --stream: {}", .streams.len(), names(.streams))]
    ChooseStream {
        /// The streams it holds.
        streams: Vec<StreamId>,
    },
    /// A stream shorter than the size asked for.
    #[error("`{stream}` has {entries} {}; cannot take the root of {size}", if *.entries == 1 { "entry" } else { "entries" })]
    TooShort {
        /// The stream.
        stream: StreamId,
        /// How many entries it has.
        entries: u64,
        /// The size asked for.
        size: u64,
    },
    /// No entry with this sequence number.
    #[error("`{stream}` has no entry with seq {seq}")]
    NoEntry {
        /// The stream.
        stream: StreamId,
        /// The sequence number asked for.
        seq: u64,
    },
    /// A proof or root for sizes the stream does not have.
    #[error(transparent)]
    Merkle(#[from] andel_journal::merkle::MerkleError),
    /// A journal file could not be read or written.
    #[error(transparent)]
    File(#[from] andel_store::file::FileStoreError),
    /// Output could not be written.
    #[error("cannot write the journal: {0}")]
    Write(#[source] std::io::Error),
    /// The policy book refused the adoption, or could not be read.
    #[error(transparent)]
    Policy(#[from] StoredError<andel_consent::AdoptionError, andel_consent::NotInSequence>),
    /// An erasure could not be recorded, or the erasure journal could not be read.
    #[error(transparent)]
    Erasure(#[from] StoredError<andel_consent::ErasureError, andel_consent::ErasureError>),
    /// An archive could not be written.
    #[error(transparent)]
    ArchiveWrite(#[from] andel_export::WriteError),
    /// The journal could not go into an archive.
    #[error(transparent)]
    ArchiveJournal(#[from] andel_export::JournalSectionError),
    /// The consent book refused the command, or could not be read.
    #[error(transparent)]
    Consent(#[from] StoredError<andel_consent::ConsentError, andel_consent::OutOfOrder>),
    /// A record could not be written as a payload.
    #[error(transparent)]
    Payload(#[from] andel_journal::PayloadError),
    /// A name (a stream, a tenant) is not valid.
    #[error(transparent)]
    Name(#[from] NameError),
}

impl ServiceError {
    /// Whether the use case refused what was asked (a rule of the co-op, an input that
    /// is wrong or names nothing), as opposed to failing (a store, a journal that does
    /// not replay). A refusal is the asker's to mend; a failure is the operator's.
    pub fn is_refusal(&self) -> bool {
        match self {
            ServiceError::NoDatabase { .. }
            | ServiceError::NoTenant { .. }
            | ServiceError::NoProposal { .. }
            | ServiceError::ProposalId { .. }
            | ServiceError::Refused(_)
            | ServiceError::SignIn
            | ServiceError::SignedOut
            | ServiceError::NotAllowed { .. }
            | ServiceError::Password(_)
            | ServiceError::Import(_)
            | ServiceError::Cite(_)
            | ServiceError::NoStream { .. }
            | ServiceError::NoEntry { .. }
            | ServiceError::TooShort { .. } => true,
            ServiceError::Ledger(err) => matches!(err, StoredError::Decide(_)),
            ServiceError::Proposal(err) => matches!(err, StoredError::Decide(_)),
            ServiceError::Delegations(err) => matches!(err, StoredError::Decide(_)),
            ServiceError::Consent(err) => matches!(err, StoredError::Decide(_)),
            ServiceError::Policy(err) => matches!(err, StoredError::Decide(_)),
            ServiceError::Erasure(err) => matches!(err, StoredError::Decide(_)),
            _ => false,
        }
    }
}

fn names(streams: &[StreamId]) -> String {
    let names: Vec<String> = streams.iter().map(|s| format!("`{s}`")).collect();
    names.join(", ")
}

fn tenants(known: &[TenantId]) -> String {
    if known.is_empty() {
        return format!(": it holds no tenant yet; {STARTERS} starts one");
    }
    let names: Vec<String> = known.iter().map(|t| format!("`{t}`")).collect();
    format!("; its tenants are {}", names.join(", "))
}

fn proposals(known: &[String]) -> String {
    if known.is_empty() {
        return ", nor any other; `andel decide create` drafts one".to_owned();
    }
    let names: Vec<String> = known.iter().map(|id| format!("`{id}`")).collect();
    format!("; its proposals are {}", names.join(", "))
}
