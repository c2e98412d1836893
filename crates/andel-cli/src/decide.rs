//! `andel decide`: proposals, votes, proxies and delegations in a database, from a shell.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use andel::decisions::{
    BallotList, Choice, Citation, Command as ProposalCommand, Delegation, DelegationCommand,
    Delegations, Electorate, Kind, MIN_ANONYMITY, Mark, Outcome, Phase, Proposal, Receipt, Secrecy,
    SecretVote, Spec, Visibility, VoterId, cast_secret, close_secret, published_ballots,
};
use andel::journal::{
    Aggregate, AuthorId, Digest, JournalStore, Stored, StreamId, TenantId, Timestamp, verify,
};
use andel::ledger::open_ledger;
use andel::store::Location;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};

use crate::Outcome as Exit;
use crate::source::{Create, StoreJournal, tenant_or_default};

/// The largest spec or roll file read.
const MAX_FILE: u64 = 64 << 20;

/// The stream that holds every member's delegations.
const DELEGATIONS: &str = "delegations";

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
        return check_citation(file, root.as_ref());
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
    let now = args.at.unwrap_or_else(Utc::now);
    let result = execute(&journal, args.command, spec, now, args.by);
    journal.finish(result)
}

/// Runs one decide command on an open journal.
fn execute(
    journal: &StoreJournal,
    command: Sub,
    spec: Option<Spec>,
    now: DateTime<Utc>,
    by: Option<AuthorId>,
) -> Result<Exit> {
    let recorded_at = Timestamp::new(Utc::now()).context("the clock is off")?;
    let store = journal.shared();
    let creating = spec.is_some();
    // Every command but `create` works on a proposal that exists.
    let proposal = |id: &str| -> Result<(StreamId, Stored<Proposal>)> {
        let stream = stream_of(id)?;
        let stored = journal
            .run(Stored::<Proposal>::open(store.clone(), stream.clone()))
            .with_context(|| format!("cannot read proposal `{id}`"))?;
        if !creating && stored.state().spec().is_none() {
            return Err(no_such_proposal(journal, id));
        }
        Ok((stream, stored))
    };
    let secret = |stored: &Stored<Proposal>| {
        stored.state().spec().map(|s| s.secrecy) == Some(Secrecy::Secret)
    };
    if let Some((id, vote, reason)) = secret_vote(&command) {
        let (_, stored) = proposal(id)?;
        if secret(&stored) {
            if reason {
                bail!("`{id}` is a secret ballot, which takes no reasons");
            }
            return cast(journal, stored, id, vote, now, recorded_at, by);
        }
    }
    let (id, command) = match command {
        Sub::PublishBallots { id, format } => {
            let (_, stored) = proposal(&id)?;
            let list = journal.run(published_ballots(&stored, &*journal.ballot_box()))?;
            let spec = stored.state().spec().context("the proposal has no spec")?;
            crate::print(&export(&list, spec, format)?)?;
            return Ok(Exit::Ok);
        }
        Sub::Participation { id } => {
            let (_, stored) = proposal(&id)?;
            let Some(voters) = stored.state().participation() else {
                eprintln!(
                    "withheld: fewer than {MIN_ANONYMITY} voters have taken part in `{id}`, so the list would say how each voted"
                );
                return Ok(Exit::Invalid);
            };
            let mut out = String::new();
            for voter in voters {
                let _ = writeln!(out, "{voter}");
            }
            crate::print(&out)?;
            return Ok(Exit::Ok);
        }
        Sub::CheckReceipt { id, code } => {
            let (stream, stored) = proposal(&id)?;
            return check_receipt(journal, &id, &stream, &stored, &code);
        }
        Sub::Close { id } if secret(&proposal(&id)?.1) => {
            let (_, mut stored) = proposal(&id)?;
            let ballot_box = journal.ballot_box();
            let events = journal.run(close_secret(
                &mut stored,
                &*ballot_box,
                now,
                recorded_at,
                by,
            ))?;
            return report(&id, &stored, &events);
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
                since: now,
                until,
            };
            return delegations(
                journal,
                &store,
                DelegationCommand::Delegate(delegation),
                now,
                recorded_at,
                by,
            );
        }
        Sub::Revoke { from, topics } => {
            let command = DelegationCommand::Revoke {
                from,
                topics: topics.into_iter().collect(),
            };
            return delegations(journal, &store, command, now, recorded_at, by);
        }
        Sub::Result { id, viewer, json } => {
            let (_, stored) = proposal(&id)?;
            return result(&id, stored.state(), viewer.as_ref(), json);
        }
        Sub::CheckCitation { .. } => return unreachable_citation(),
        Sub::Cite { id } => {
            let (stream, _) = proposal(&id)?;
            let entries = journal.run(store.read(&stream, 0..u64::MAX))?;
            let citation = Citation::of(&entries)?;
            crate::print(&(serde_json::to_string_pretty(&citation)? + "\n"))?;
            return Ok(Exit::Ok);
        }
        Sub::Verify { id } => {
            let (stream, stored) = proposal(&id)?;
            return verify_proposal(journal, &id, &stream, &stored);
        }
        Sub::Create { id, .. } => (
            id,
            ProposalCommand::Draft {
                spec: Box::new(spec.context("the spec was read before opening")?),
            },
        ),
        Sub::Schedule { id } => (id, ProposalCommand::Schedule),
        Sub::Withdraw { id, reason } => (id, ProposalCommand::Withdraw { reason }),
        Sub::Open {
            id,
            roll,
            from_ledger,
            as_of,
        } => {
            let electorate = match (roll, from_ledger) {
                (Some(file), _) => Electorate::from_roll_json(&read(&file)?)
                    .with_context(|| format!("in {}", file.display()))?,
                (None, _) => {
                    let ledger = journal.run(open_ledger(store.clone()))?;
                    let roll = ledger.state().roll(as_of.unwrap_or(now.date_naive()))?;
                    Electorate::from_roll_json(&serde_json::to_string(&roll)?)?
                }
            };
            (id, ProposalCommand::Open { electorate })
        }
        Sub::Vote {
            id,
            voter,
            choice,
            reason,
            proxy_for,
        } => (
            id,
            match proxy_for {
                Some(member) => ProposalCommand::VoteByProxy {
                    proxy: voter,
                    member,
                    choice: choice.into(),
                    reason,
                },
                None => ProposalCommand::Vote {
                    voter,
                    choice: choice.into(),
                    reason,
                },
            },
        ),
        Sub::Rank {
            id,
            voter,
            ranking,
            proxy_for,
        } => (
            id,
            match proxy_for {
                Some(member) => ProposalCommand::RankByProxy {
                    proxy: voter,
                    member,
                    ranking,
                },
                None => ProposalCommand::Rank { voter, ranking },
            },
        ),
        Sub::Approve {
            id,
            voter,
            projects,
            proxy_for,
        } => (
            id,
            match proxy_for {
                Some(member) => ProposalCommand::ApproveByProxy {
                    proxy: voter,
                    member,
                    projects,
                },
                None => ProposalCommand::Approve { voter, projects },
            },
        ),
        Sub::Proxy { id, member, holder } => (
            id,
            ProposalCommand::AuthoriseProxy {
                member,
                proxy: holder,
            },
        ),
        Sub::Extend { id, closes_at } => (id, ProposalCommand::Extend { closes_at }),
        Sub::Close { id } => {
            let (_, stored) = proposal(&id)?;
            let tags = stored
                .state()
                .spec()
                .map(|s| s.tags.clone())
                .unwrap_or_default();
            let book = journal.run(Stored::<Delegations>::open(
                store.clone(),
                StreamId::new(DELEGATIONS)?,
            ))?;
            (
                id,
                ProposalCommand::Close {
                    delegations: book.state().in_force(&tags, now),
                },
            )
        }
    };
    let (_, mut stored) = proposal(&id)?;
    let events = journal.run(stored.execute(command, now, recorded_at, by))?;
    report(&id, &stored, &events)
}

/// Prints what was recorded, and the outcome if it closed.
fn report(id: &str, stored: &Stored<Proposal>, events: &[andel::decisions::Event]) -> Result<Exit> {
    let mut out = String::new();
    if events.is_empty() {
        out.push_str("nothing to record: already done\n");
    }
    for event in events {
        let _ = writeln!(out, "{}: {}", id, Proposal::kind(event));
    }
    if let (Some(outcome), Some(spec)) = (
        stored.state().outcome().filter(|_| !events.is_empty()),
        stored.state().spec(),
    ) {
        out.push_str(&summary(outcome, spec));
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// The ballot a `vote`, `rank` or `approve` casts, as a secret vote, with whether it
/// gave a reason (which a secret ballot refuses).
fn secret_vote(command: &Sub) -> Option<(&str, SecretVote, bool)> {
    let (id, voter, by, mark, reason) = match command {
        Sub::Vote {
            id,
            voter,
            choice,
            reason,
            proxy_for: Some(member),
        } => (
            id,
            member,
            Some(voter),
            Mark::Choice((*choice).into()),
            reason.is_some(),
        ),
        Sub::Vote {
            id,
            voter,
            choice,
            reason,
            proxy_for: None,
        } => (
            id,
            voter,
            None,
            Mark::Choice((*choice).into()),
            reason.is_some(),
        ),
        Sub::Rank {
            id,
            voter,
            ranking,
            proxy_for,
        } => match proxy_for {
            Some(member) => (
                id,
                member,
                Some(voter),
                Mark::Ranking(ranking.clone()),
                false,
            ),
            None => (id, voter, None, Mark::Ranking(ranking.clone()), false),
        },
        Sub::Approve {
            id,
            voter,
            projects,
            proxy_for,
        } => match proxy_for {
            Some(member) => (
                id,
                member,
                Some(voter),
                Mark::Approvals(projects.clone()),
                false,
            ),
            None => (id, voter, None, Mark::Approvals(projects.clone()), false),
        },
        _ => return None,
    };
    let vote = SecretVote {
        voter: voter.clone(),
        by: by.cloned(),
        mark,
    };
    Some((id, vote, reason))
}

/// Verifies the proposal's hash chain, then recounts its ballots (a secret ballot's
/// published list, checked against the outcome's SHA-256) and compares.
fn verify_proposal(
    journal: &StoreJournal,
    id: &str,
    stream: &StreamId,
    stored: &Stored<Proposal>,
) -> Result<Exit> {
    let entries = journal.run(journal.store().read(stream, 0..u64::MAX))?;
    if let Err(err) = verify(&entries) {
        eprintln!("invalid: {err}");
        return Ok(Exit::Invalid);
    }
    let state = stored.state();
    let Some(outcome) = state.outcome() else {
        crate::print(&format!(
            "ok: {} entries verify; `{id}` is not closed yet\n",
            entries.len()
        ))?;
        return Ok(Exit::Ok);
    };
    let (recounted, what) = match outcome.ballots {
        Some(seal) => match journal.run(published_ballots(stored, &*journal.ballot_box())) {
            Ok(list) => (
                state.recount_published(&list).ok(),
                format!(
                    "the {} published ballots (SHA-256 {})",
                    list.len(),
                    seal.sha256
                ),
            ),
            Err(err) => {
                eprintln!("invalid: {err}");
                return Ok(Exit::Invalid);
            }
        },
        None => (state.recount(), "the ballots".to_owned()),
    };
    if recounted.as_ref() != Some(outcome) {
        eprintln!("invalid: recounting {what} of `{id}` does not give its recorded outcome");
        return Ok(Exit::Invalid);
    }
    crate::print(&format!(
        "ok: {} entries verify, and recounting {what} gives the recorded outcome ({:?})\n",
        entries.len(),
        outcome.verdict
    ))?;
    Ok(Exit::Ok)
}

/// Casts a secret ballot and shows its receipt, once.
fn cast(
    journal: &StoreJournal,
    mut stored: Stored<Proposal>,
    id: &str,
    vote: SecretVote,
    now: DateTime<Utc>,
    recorded_at: Timestamp,
    by: Option<AuthorId>,
) -> Result<Exit> {
    let ballot_box = journal.ballot_box();
    let receipt = journal.run(cast_secret(
        &mut stored,
        &*ballot_box,
        vote,
        now,
        recorded_at,
        by,
    ))?;
    crate::print(&format!(
        "{id}: decision.participated\nreceipt: {receipt}\n\
         Keep the receipt to yourself: it is shown only now, and it finds your ballot in the \
         published list (`andel decide check-receipt {id} RECEIPT`).\n"
    ))?;
    Ok(Exit::Ok)
}

fn check_receipt(
    journal: &StoreJournal,
    id: &str,
    stream: &StreamId,
    stored: &Stored<Proposal>,
    code: &Receipt,
) -> Result<Exit> {
    let ballot_box = journal.ballot_box();
    let spec = stored.state().spec().context("the proposal has no spec")?;
    let closed = stored.state().outcome().is_some();
    let found = if closed {
        let list = journal.run(published_ballots(stored, &*ballot_box))?;
        list.find(code).cloned()
    } else {
        journal.run(ballot_box.find(stream, code))?
    };
    let Some(ballot) = found else {
        eprintln!("invalid: no ballot of `{id}` has receipt {code}");
        return Ok(Exit::Invalid);
    };
    let place = if closed {
        "the published list, and was counted"
    } else {
        "the ballot box, to be counted at the close"
    };
    crate::print(&format!(
        "ok: receipt {code} is in {place}: {} (weight {})\n",
        describe(spec, ballot.mark()),
        ballot.weight()
    ))?;
    Ok(Exit::Ok)
}

/// A mark in words: the choice, or the names it ranks or approves.
fn describe(spec: &Spec, mark: &Mark) -> String {
    let names: Vec<&str> = match &spec.kind {
        Kind::Election { candidates, .. } => candidates.iter().map(String::as_str).collect(),
        Kind::Budget { projects, .. } => projects.iter().map(|p| p.name.as_str()).collect(),
        _ => Vec::new(),
    };
    let named = |items: &[u16]| -> String {
        let listed: Vec<&str> = items
            .iter()
            .map(|i| names.get(usize::from(*i)).copied().unwrap_or("?"))
            .collect();
        if listed.is_empty() {
            "nobody".to_owned()
        } else {
            listed.join(", ")
        }
    };
    match mark {
        Mark::Choice(_) => mark.to_string(),
        Mark::Ranking(items) => format!("ranked {}", named(items)),
        Mark::Approvals(items) => format!("approved {}", named(items)),
    }
}

/// The published list in `format`.
fn export(list: &BallotList, spec: &Spec, format: ListFormat) -> Result<String> {
    let mut out = String::new();
    match (format, &spec.kind) {
        (ListFormat::List, _) => return Ok(list.to_text()),
        (ListFormat::Csv, Kind::Motion { .. }) => {
            out.push_str("candidates,yes,no,abstain\n");
            for (_, ballot) in list.iter() {
                let _ = writeln!(out, "{},{}", ballot.weight(), ballot.mark());
            }
        }
        (ListFormat::Csv, Kind::Election { candidates, .. }) => {
            let header: Vec<String> = candidates.iter().map(|c| csv_field(c)).collect();
            let _ = writeln!(out, "candidates,{}", header.join(","));
            for (_, ballot) in list.iter() {
                let Mark::Ranking(ranking) = ballot.mark() else {
                    continue;
                };
                let _ = write!(out, "{}", ballot.weight());
                for i in ranking {
                    let name = candidates.get(usize::from(*i)).map_or("", String::as_str);
                    let _ = write!(out, ",{}", csv_field(name));
                }
                out.push('\n');
            }
        }
        (
            ListFormat::Pabulib,
            Kind::Budget {
                projects, limit, ..
            },
        ) => {
            let _ = write!(
                out,
                "META\nkey;value\nbudget;{limit}\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n"
            );
            for (i, project) in projects.iter().enumerate() {
                let name = project.name.replace([';', '\n'], " ");
                let _ = writeln!(out, "{i};{};{name}", project.cost);
            }
            out.push_str("VOTES\nvoter_id;vote;weight\n");
            for (receipt, ballot) in list.iter() {
                let Mark::Approvals(approved) = ballot.mark() else {
                    continue;
                };
                let approved: Vec<String> = approved.iter().map(u16::to_string).collect();
                let _ = writeln!(out, "{receipt};{};{}", approved.join(","), ballot.weight());
            }
        }
        (ListFormat::Csv, Kind::Budget { .. }) => {
            bail!("a participatory budget's ballots go to `andel tally` as --format pabulib")
        }
        (ListFormat::Pabulib, _) => bail!("only a participatory budget is written as pabulib"),
        (ListFormat::Csv, _) => bail!("this kind of proposal has no CSV of ballots"),
    }
    Ok(out)
}

/// A CSV field, quoted when it must be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '=']) || text.trim() != text {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `CheckCitation` is answered before the store is opened.
fn unreachable_citation() -> Result<Exit> {
    bail!("check-citation needs no store")
}

fn check_citation(file: &std::path::Path, root: Option<&Digest>) -> Result<Exit> {
    let citation: Citation = serde_json::from_str(&read(file)?)
        .with_context(|| format!("{} is not a citation", file.display()))?;
    match citation.check() {
        Err(err) => {
            eprintln!("invalid: {err}");
            Ok(Exit::Invalid)
        }
        Ok(_) if root.is_some_and(|r| *r != citation.root) => {
            eprintln!(
                "invalid: the citation is under root {}, not the one given",
                citation.root
            );
            Ok(Exit::Invalid)
        }
        Ok(cited) => {
            crate::print(&format!(
                "ok: entry {} of `{}` records {:?}, under root {}\n",
                cited.seq, cited.stream, cited.outcome.verdict, citation.root
            ))?;
            Ok(Exit::Ok)
        }
    }
}

fn delegations(
    journal: &StoreJournal,
    store: &Arc<dyn JournalStore>,
    command: DelegationCommand,
    now: DateTime<Utc>,
    recorded_at: Timestamp,
    by: Option<AuthorId>,
) -> Result<Exit> {
    let mut book = journal.run(Stored::<Delegations>::open(
        store.clone(),
        StreamId::new(DELEGATIONS)?,
    ))?;
    let events = journal.run(book.execute(command, now, recorded_at, by))?;
    for event in &events {
        crate::print(&format!("{}\n", Delegations::kind(event)))?;
    }
    Ok(Exit::Ok)
}

fn summary(outcome: &Outcome, spec: &Spec) -> String {
    let mut out = format!(
        "verdict: {:?} ({} voted, {} through delegation, {} void)\n",
        outcome.verdict, outcome.direct, outcome.delegated, outcome.void
    );
    if let Some(motion) = &outcome.motion {
        let _ = writeln!(
            out,
            "yes {} ({} people), no {}, abstain {}",
            motion.yes.weight, motion.yes.people, motion.no.weight, motion.abstain.weight
        );
        if let Some(q) = &motion.quorum {
            let _ = writeln!(
                out,
                "quorum: {} (got {}): {}",
                q.rule,
                q.got,
                if q.met { "met" } else { "not met" }
            );
        }
        let t = &motion.threshold;
        let _ = writeln!(
            out,
            "threshold: {} (got {}): {}",
            t.rule,
            t.got,
            if t.met { "met" } else { "not met" }
        );
    }
    if let Some(consent) = &outcome.consent {
        let _ = writeln!(
            out,
            "consent {}, stand aside {}, blocks {}",
            consent.consent.people,
            consent.stand_aside.people,
            consent.blocks.len()
        );
        for (who, reason) in &consent.blocks {
            let _ = writeln!(out, "block by {who}: {reason}");
        }
    }
    if let Some(seal) = &outcome.ballots {
        let _ = writeln!(
            out,
            "secret ballot: {} ballots counted, {} missing; published list SHA-256 {}",
            seal.counted, seal.missing, seal.sha256
        );
    }
    if let Some(election) = &outcome.election {
        match (&election.count, &election.problem) {
            (Some(count), _) => {
                let (names, what) = match &spec.kind {
                    Kind::Budget { projects, .. } => {
                        (projects.iter().map(|p| p.name.as_str()).collect(), "funded")
                    }
                    Kind::Election { candidates, .. } => {
                        (candidates.iter().map(String::as_str).collect(), "elected")
                    }
                    _ => (Vec::new(), "elected"),
                };
                let chosen: Vec<&str> = count
                    .elected
                    .iter()
                    .map(|c| names.get(c.index()).copied().unwrap_or("?"))
                    .collect();
                let chosen = if chosen.is_empty() {
                    "nobody".to_owned()
                } else {
                    chosen.join(", ")
                };
                let _ = writeln!(out, "{what}: {chosen}");
            }
            (None, Some(problem)) => {
                let _ = writeln!(out, "not counted: {problem}");
            }
            (None, None) => {}
        }
    }
    out
}

fn result(id: &str, proposal: &Proposal, viewer: Option<&VoterId>, json: bool) -> Result<Exit> {
    if let Some(outcome) = proposal.outcome() {
        let spec = proposal.spec().context("a closed proposal has a spec")?;
        if json {
            crate::print(&(serde_json::to_string_pretty(outcome)? + "\n"))?;
        } else {
            crate::print(&summary(outcome, spec))?;
        }
        return Ok(Exit::Ok);
    }
    let phase = phase_name(proposal.phase());
    let Some(interim) = proposal.interim(viewer) else {
        let spec = proposal.spec().context("an existing proposal has a spec")?;
        let why = match (spec.secrecy, spec.visibility, viewer) {
            (Secrecy::Secret, ..) => "a secret ballot is counted only at the close",
            (_, Visibility::AfterVoting, None) => {
                "its count is shown to voters who have voted: give --viewer MEMBER"
            }
            (_, Visibility::AfterVoting, Some(_)) => {
                "its count is shown to voters who have voted, and the viewer has not"
            }
            _ if proposal.phase() != Phase::Open => "voting has not opened",
            _ => "its count is shown only after the close",
        };
        bail!("proposal `{id}` is {phase}, not closed, and {why}");
    };
    if json {
        crate::print(&(serde_json::to_string_pretty(&interim)? + "\n"))?;
        return Ok(Exit::Ok);
    }
    let mut out =
        format!("`{id}` is {phase}; the direct ballots so far (delegations count at the close):\n");
    for (choice, count) in &interim.choices {
        let _ = writeln!(
            out,
            "{choice} {} ({} {})",
            count.weight,
            count.people,
            if count.people == 1 {
                "person"
            } else {
                "people"
            }
        );
    }
    if interim.choices.is_empty() && interim.rankings == 0 {
        out.push_str("no ballots yet\n");
    }
    if interim.rankings > 0 {
        let _ = writeln!(out, "{} ballots ranked or approved", interim.rankings);
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// A phase as a person says it.
fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::New => "not drafted",
        Phase::Draft => "a draft",
        Phase::Scheduled => "scheduled",
        Phase::Open => "open",
        Phase::Closed => "closed",
        Phase::Withdrawn => "withdrawn",
    }
}

/// The proposal's stream: `decision.ID`.
fn stream_of(id: &str) -> Result<StreamId> {
    StreamId::new(format!("decision.{id}"))
        .with_context(|| format!("`{id}` cannot name a proposal"))
}

/// The error for a proposal that does not exist, naming those that do.
fn no_such_proposal(journal: &StoreJournal, id: &str) -> anyhow::Error {
    let streams = match journal.run(journal.store().streams()) {
        Ok(streams) => streams,
        Err(err) => return err.into(),
    };
    let known: Vec<String> = streams
        .iter()
        .filter_map(|s| s.as_str().strip_prefix("decision."))
        .map(|id| format!("`{id}`"))
        .collect();
    if known.is_empty() {
        anyhow::anyhow!(
            "there is no proposal `{id}` in {journal}, nor any other; `andel decide create` drafts one"
        )
    } else {
        anyhow::anyhow!(
            "there is no proposal `{id}` in {journal}; its proposals are {}",
            known.join(", ")
        )
    }
}

/// A proposal spec file: TOML with the fields of `Spec`, unknown keys refused.
fn read_spec(path: &std::path::Path) -> Result<Spec> {
    toml::from_str(&read(path)?)
        .with_context(|| format!("{} is not a proposal spec", path.display()))
}

fn read(path: &std::path::Path) -> Result<String> {
    crate::files::read_text(path, MAX_FILE)
}
