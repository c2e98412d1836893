//! The arguments of `andel decide`'s subcommands.

use std::path::PathBuf;

use andel::decisions::{Choice, VoterId, secret::Receipt};
use andel::journal::Digest;
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, clap::Subcommand)]
pub(super) enum Sub {
    /// Draft a proposal from a spec file (TOML; see the book's Decisions chapter).
    Create {
        /// The proposal's id, such as `agm-2027-3` (its stream is `decision.ID`).
        id: String,
        /// The spec file.
        #[arg(long)]
        spec: PathBuf,
        /// The document the proposal adopts if it passes, as `DOCUMENT=FILE`
        /// (`data-policy=policy-v2.toml`): the file's SHA-256 goes into the spec, and
        /// citing the decision adopts that text and no other.
        #[arg(long, value_name = "DOCUMENT=FILE")]
        enacts: Option<String>,
    },
    /// Fix a draft for voting at its opening time.
    Schedule {
        /// The proposal.
        id: String,
    },
    /// Withdraw a proposal before it opens.
    Withdraw {
        /// The proposal.
        id: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Open voting, with the electorate from a roll file or from this tenant's ledger.
    Open {
        /// The proposal.
        id: String,
        /// A voting roll (JSON, as `andel ledger roll --json` writes).
        #[arg(
            long,
            conflicts_with = "from_ledger",
            required_unless_present = "from_ledger"
        )]
        roll: Option<PathBuf>,
        /// Take the roll from the ledger in the same store and tenant.
        #[arg(long)]
        from_ledger: bool,
        /// The ledger roll's record date [default: the day of --at].
        #[arg(long, requires = "from_ledger", value_parser = crate::args::date)]
        as_of: Option<NaiveDate>,
    },
    /// Vote yes, no, abstain or block (consent), for yourself or as someone's proxy.
    Vote {
        /// The proposal.
        id: String,
        /// Who votes.
        voter: VoterId,
        /// yes, no, abstain or block.
        #[arg(value_enum)]
        choice: ChoiceArg,
        /// Why.
        #[arg(long)]
        reason: Option<String>,
        /// Vote as the proxy of this member.
        #[arg(long, value_name = "MEMBER")]
        proxy_for: Option<VoterId>,
    },
    /// Rank candidates in an election: indexes from 0, most preferred first (`2,0,1`).
    Rank {
        /// The proposal.
        id: String,
        /// Who votes.
        voter: VoterId,
        /// The ranking; empty for a blank vote.
        #[arg(value_delimiter = ',', num_args = 0..)]
        ranking: Vec<u16>,
        /// Rank as the proxy of this member.
        #[arg(long, value_name = "MEMBER")]
        proxy_for: Option<VoterId>,
    },
    /// Approve projects in a participatory budget: indexes from 0 (`0,2`).
    Approve {
        /// The proposal.
        id: String,
        /// Who votes.
        voter: VoterId,
        /// The projects; empty to approve none.
        #[arg(value_delimiter = ',', num_args = 0..)]
        projects: Vec<u16>,
        /// Approve as the proxy of this member.
        #[arg(long, value_name = "MEMBER")]
        proxy_for: Option<VoterId>,
    },
    /// A member gives their proxy for this proposal.
    Proxy {
        /// The proposal.
        id: String,
        /// Who gives it.
        #[arg(long)]
        member: VoterId,
        /// Who holds it.
        #[arg(long)]
        holder: VoterId,
    },
    /// Move the deadline later.
    Extend {
        /// The proposal.
        id: String,
        /// The new closing time.
        #[arg(long, value_parser = crate::args::time)]
        closes_at: DateTime<Utc>,
    },
    /// Close and decide, following the delegations in force now.
    Close {
        /// The proposal.
        id: String,
    },
    /// Delegate your vote to another member (for all proposals, or by topic).
    Delegate {
        /// Who delegates.
        from: VoterId,
        /// To whom.
        to: VoterId,
        /// Only for proposals with this tag (repeatable).
        #[arg(long = "topic")]
        topics: Vec<String>,
        /// Until when.
        #[arg(long, value_parser = crate::args::time)]
        until: Option<DateTime<Utc>>,
    },
    /// Revoke your delegations (on these topics, or all).
    Revoke {
        /// Who revokes.
        from: VoterId,
        /// Only on this topic (repeatable).
        #[arg(long = "topic")]
        topics: Vec<String>,
    },
    /// The outcome once closed, as text or JSON; while open, the count so far where the
    /// proposal's visibility allows it (`live`, or `after-voting` with --viewer).
    Result {
        /// The proposal.
        id: String,
        /// Who asks, for a proposal whose count is shown to those who have voted.
        #[arg(long, value_name = "MEMBER")]
        viewer: Option<VoterId>,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a citation of the proposal's outcome (JSON): its `Closed` entry with a Merkle
    /// inclusion proof under the stream's root, for later acts to rest on.
    Cite {
        /// The proposal.
        id: String,
    },
    /// Check a citation (no database needed): exit 1 unless it holds, and, with --root,
    /// unless it is under that root.
    CheckCitation {
        /// The citation file.
        file: PathBuf,
        /// The root the checker trusts (hex), such as one `andel journal root` printed.
        #[arg(long)]
        root: Option<Digest>,
    },
    /// Verify the proposal's journal and recount its ballots (a secret ballot's published
    /// list) against its outcome.
    Verify {
        /// The proposal.
        id: String,
    },
    /// Print a closed secret ballot's published list: as published (`list`, whose SHA-256
    /// the outcome holds), or for `andel tally` (`csv` for motions and elections,
    /// `pabulib` for budgets).
    PublishBallots {
        /// The proposal.
        id: String,
        /// The format.
        #[arg(long, value_enum, default_value = "list")]
        format: ListFormat,
    },
    /// Who took part, one voter per line. A secret ballot's list is withheld (exit 1)
    /// while fewer than 3 voters have taken part.
    Participation {
        /// The proposal.
        id: String,
    },
    /// Find your secret ballot by its receipt: exit 1 unless it is in the box (and, once
    /// closed, in the published list).
    CheckReceipt {
        /// The proposal.
        id: String,
        /// The receipt you were shown when you voted.
        code: Receipt,
    },
}

/// How `publish-ballots` writes the list.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum ListFormat {
    /// As published: the text whose SHA-256 the outcome holds.
    List,
    /// A CSV of weighted ballots that `andel tally` counts (motions and elections).
    Csv,
    /// A Pabulib file that `andel tally` counts (participatory budgets).
    Pabulib,
}

impl From<ListFormat> for andel::service::BallotFormat {
    fn from(format: ListFormat) -> Self {
        match format {
            ListFormat::List => Self::List,
            ListFormat::Csv => Self::Csv,
            ListFormat::Pabulib => Self::Pabulib,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum ChoiceArg {
    Yes,
    No,
    Abstain,
    Block,
}

impl From<ChoiceArg> for Choice {
    fn from(choice: ChoiceArg) -> Choice {
        match choice {
            ChoiceArg::Yes => Choice::Yes,
            ChoiceArg::No => Choice::No,
            ChoiceArg::Abstain => Choice::Abstain,
            ChoiceArg::Block => Choice::Block,
        }
    }
}
