//! `andel decide`: proposals, votes, proxies and delegations in a database, from a
//! shell. Each subcommand parses its arguments, calls one use case of `andel-service`
//! and prints what it answered (`show`).

mod args;
mod show;

use std::path::Path;

use andel::decisions::{
    Electorate, Enactment, Mark, ProposalCommand, Spec, VoterId,
    delegation::{Delegation, DelegationCommand},
    secret::Receipt,
};
use andel::journal::{AuthorId, Timestamp};
use andel::service::{BallotPaper, Cast, Coop, ballots_in};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};

use crate::Exit;
use crate::source::{Create, StoreArg};

use args::{ListFormat, Sub};

/// Decide proposals: create, open, vote, delegate, close, result, verify.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
    #[command(flatten)]
    store: StoreArg,
    /// The time of the action, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME", global = true, value_parser = crate::args::time)]
    at: Option<DateTime<Utc>>,
    /// Who records the action (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
}

pub(crate) fn run(args: Args) -> Result<Exit> {
    if let Sub::CheckCitation { file, root } = &args.command {
        return show::check_citation(&crate::files::read_input(file)?, file, root.as_ref());
    }
    // Files are read before the database is opened: a bad one leaves nothing behind.
    let spec = match &args.command {
        Sub::Create { spec, enacts, .. } => Some(read_spec(spec, enacts.as_deref())?),
        _ => None,
    };
    let create = if spec.is_some() {
        Create::Allowed
    } else {
        Create::Refused
    };
    let journal = args.store.open("andel decide", create)?;
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
                Some(file) => Electorate::from_roll_json(&crate::files::read_input(&file)?)
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
            crate::print(&ballots_in(&list, spec, format.into())?)?;
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
/// The spec at `path`, enacting the file `enacts` names (`DOCUMENT=FILE`) if given.
fn read_spec(path: &Path, enacts: Option<&str>) -> Result<Spec> {
    let mut spec: Spec = toml::from_str(&crate::files::read_input(path)?)
        .with_context(|| format!("{} is not a proposal spec", path.display()))?;
    if let Some(enacts) = enacts {
        let Some((document, file)) = enacts.split_once('=') else {
            bail!(
                "--enacts takes DOCUMENT=FILE, such as data-policy=policy-v2.toml; got `{enacts}`"
            );
        };
        let text = crate::files::read_input(Path::new(file))
            .with_context(|| format!("cannot read {file}, which --enacts names"))?;
        let enactment = Enactment::of(document, text.as_bytes());
        if spec.enacts.as_ref().is_some_and(|e| *e != enactment) {
            bail!(
                "{} already enacts another document than --enacts {enacts}; give one or the other",
                path.display()
            );
        }
        spec.enacts = Some(enactment);
    }
    Ok(spec)
}
