//! `andel decide`: proposals, votes, proxies and delegations in a database, from a
//! shell. Each subcommand parses its arguments, calls one use case of `andel-service`
//! and prints what it answered (`show`).

mod export;
mod show;

use std::path::{Path, PathBuf};

use andel::decisions::{
    Choice, Command as ProposalCommand, Delegation, DelegationCommand, Electorate, Mark, Receipt,
    Spec, VoterId,
};
use andel::journal::{AuthorId, Digest, TenantId, Timestamp};
use andel::service::{BallotPaper, Cast, Coop};
use andel::store::Location;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};

use crate::Outcome as Exit;
use crate::source::{Create, StoreJournal, tenant_or_default};

/// The largest spec or roll file read.
const MAX_FILE: u64 = 64 << 20;

/// Decide proposals: create, open, vote, delegate, close, result, verify.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
    /// The database: `sqlite:PATH` or `postgres://USER@HOST/DATABASE`.
    #[arg(long, value_name = "LOCATION", global = true)]
    store: Option<Location>,
    /// The tenant (organisation) [default: default].
    #[arg(long, value_name = "NAME", global = true)]
    tenant: Option<TenantId>,
    /// The time of the action, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME", global = true, value_parser = crate::args::time)]
    at: Option<DateTime<Utc>>,
    /// Who records the action (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Draft a proposal from a spec file (TOML; see the book's Decisions chapter).
    Create {
        /// The proposal's id, such as `agm-2027-3` (its stream is `decision.ID`).
        id: String,
        /// The spec file.
        #[arg(long)]
        spec: PathBuf,
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
enum ListFormat {
    /// As published: the text whose SHA-256 the outcome holds.
    List,
    /// A CSV of weighted ballots that `andel tally` counts (motions and elections).
    Csv,
    /// A Pabulib file that `andel tally` counts (participatory budgets).
    Pabulib,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ChoiceArg {
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

pub(crate) fn run(args: Args) -> Result<Exit> {
    if let Sub::CheckCitation { file, root } = &args.command {
        return show::check_citation(&read(file)?, file, root.as_ref());
    }
    let Some(location) = args.store else {
        bail!("`andel decide` needs --store sqlite:PATH or --store postgres://…");
    };
    // Files are read before the database is opened: a bad one leaves nothing behind.
    let spec = match &args.command {
        Sub::Create { spec, .. } => Some(read_spec(spec)?),
        _ => None,
    };
    let create = if spec.is_some() {
        Create::Allowed
    } else {
        Create::Refused
    };
    let journal = StoreJournal::open(location, tenant_or_default(args.tenant)?, create)?;
    let when = When {
        at: args.at.unwrap_or_else(Utc::now),
        recorded_at: Timestamp::new(Utc::now()).context("the clock is off")?,
        by: args.by,
    };
    let result = journal.run(execute(journal.coop(), args.command, spec, when));
    journal.finish(result)
}

/// When a command acts, when it is recorded, and by whom.
struct When {
    at: DateTime<Utc>,
    recorded_at: Timestamp,
    by: Option<AuthorId>,
}

/// Runs one command: the use case, then what it answered, printed.
async fn execute(coop: &Coop, command: Sub, spec: Option<Spec>, when: When) -> Result<Exit> {
    let When {
        at,
        recorded_at,
        by,
    } = when;
    let (id, command) = match command {
        Sub::Create { id, .. } => {
            let spec = spec.context("the spec was read before opening")?;
            let (proposal, events) = coop.draft(&id, spec, at, recorded_at, by).await?;
            return show::recorded(&proposal, &events);
        }
        Sub::Delegate {
            from,
            to,
            topics,
            until,
        } => {
            let delegation = Delegation {
                from,
                to,
                topics: topics.into_iter().collect(),
                since: at,
                until,
            };
            let command = DelegationCommand::Delegate(delegation);
            return show::delegated(&coop.delegate(command, at, recorded_at, by).await?);
        }
        Sub::Revoke { from, topics } => {
            let command = DelegationCommand::Revoke {
                from,
                topics: topics.into_iter().collect(),
            };
            return show::delegated(&coop.delegate(command, at, recorded_at, by).await?);
        }
        Sub::CheckCitation { .. } => bail!("check-citation needs no store"),
        Sub::Schedule { id } => (id, Step::Command(ProposalCommand::Schedule)),
        Sub::Withdraw { id, reason } => (id, Step::Command(ProposalCommand::Withdraw { reason })),
        Sub::Extend { id, closes_at } => (id, Step::Command(ProposalCommand::Extend { closes_at })),
        Sub::Proxy { id, member, holder } => (
            id,
            Step::Command(ProposalCommand::AuthoriseProxy {
                member,
                proxy: holder,
            }),
        ),
        Sub::Open {
            id, roll, as_of, ..
        } => {
            let electorate = match roll {
                Some(file) => Electorate::from_roll_json(&read(&file)?)
                    .with_context(|| format!("in {}", file.display()))?,
                None => coop
                    .membership()
                    .await?
                    .electorate(as_of.unwrap_or(at.date_naive()))?,
            };
            (id, Step::Command(ProposalCommand::Open { electorate }))
        }
        Sub::Vote {
            id,
            voter,
            choice,
            reason,
            proxy_for,
        } => (
            id,
            Step::Cast(BallotPaper {
                voter,
                proxy_for,
                mark: Mark::Choice(choice.into()),
                reason,
            }),
        ),
        Sub::Rank {
            id,
            voter,
            ranking,
            proxy_for,
        } => (
            id,
            Step::Cast(BallotPaper {
                voter,
                proxy_for,
                mark: Mark::Ranking(ranking),
                reason: None,
            }),
        ),
        Sub::Approve {
            id,
            voter,
            projects,
            proxy_for,
        } => (
            id,
            Step::Cast(BallotPaper {
                voter,
                proxy_for,
                mark: Mark::Approvals(projects),
                reason: None,
            }),
        ),
        Sub::Close { id } => (id, Step::Close),
        Sub::Result { id, viewer, json } => (id, Step::Show(Show::Result { viewer, json })),
        Sub::Cite { id } => (id, Step::Show(Show::Cite)),
        Sub::Verify { id } => (id, Step::Show(Show::Verify)),
        Sub::PublishBallots { id, format } => (id, Step::Show(Show::Published(format))),
        Sub::Participation { id } => (id, Step::Show(Show::Participation)),
        Sub::CheckReceipt { id, code } => (id, Step::Show(Show::Receipt(code))),
    };
    let mut proposal = coop.proposal(&id).await?;
    match command {
        Step::Command(command) => {
            let events = proposal.execute(command, at, recorded_at, by).await?;
            show::recorded(&proposal, &events)
        }
        Step::Cast(paper) => match proposal.cast(paper, at, recorded_at, by).await? {
            Cast::Open(events) => show::recorded(&proposal, &events),
            Cast::Secret(receipt) => show::receipt(&id, &receipt),
        },
        Step::Close => {
            let events = proposal.close(at, recorded_at, by).await?;
            show::recorded(&proposal, &events)
        }
        Step::Show(Show::Result { viewer, json }) => {
            show::result(&id, proposal.state(), viewer.as_ref(), json)
        }
        Step::Show(Show::Cite) => crate::json(&proposal.cite().await?),
        Step::Show(Show::Verify) => {
            show::verification(&id, proposal.state(), &proposal.verify().await?)
        }
        Step::Show(Show::Published(format)) => {
            let list = proposal.published().await?;
            let spec = proposal
                .state()
                .spec()
                .context("the proposal has no spec")?;
            crate::print(&export::ballots(&list, spec, format)?)?;
            Ok(Exit::Ok)
        }
        Step::Show(Show::Participation) => show::participation(&id, proposal.state()),
        Step::Show(Show::Receipt(code)) => {
            let found = proposal.find(&code).await?;
            let spec = proposal
                .state()
                .spec()
                .context("the proposal has no spec")?;
            show::found(&id, spec, &code, found.as_ref())
        }
    }
}

/// What a command does to an existing proposal.
enum Step {
    /// A step of its life that needs no more than the proposal.
    Command(ProposalCommand),
    /// A ballot, open or secret as the proposal is.
    Cast(BallotPaper),
    /// The close, with the delegations in force or the ballot box.
    Close,
    /// A question, which changes nothing.
    Show(Show),
}

/// The questions.
enum Show {
    Result { viewer: Option<VoterId>, json: bool },
    Cite,
    Verify,
    Published(ListFormat),
    Participation,
    Receipt(Receipt),
}

/// A proposal spec file: TOML with the fields of `Spec`, unknown keys refused.
fn read_spec(path: &Path) -> Result<Spec> {
    toml::from_str(&read(path)?)
        .with_context(|| format!("{} is not a proposal spec", path.display()))
}

fn read(path: &Path) -> Result<String> {
    crate::files::read_text(path, MAX_FILE)
}
