//! `andel ledger`: keep a co-op's membership ledger in a database from a shell. Each
//! subcommand parses its arguments, calls one use case of `andel-service` and prints
//! what it answered (`show`).

mod args;
mod show;

use andel::journal::{AuthorId, Timestamp};
use andel::ledger::{
    Command as LedgerCommand, Statutes,
    event::{Correction, Payout, Person, Purpose},
};
use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::Exit;
use crate::source::{Create, StoreArg, StoreJournal};

use args::{Reason, Sub};

/// Keep the membership ledger: statutes, members, capital, dues, exits, surplus, roll.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
    #[command(flatten)]
    store: StoreArg,
    /// The date a change takes effect, `YYYY-MM-DD` [default: today].
    #[arg(long, value_name = "DATE", global = true, value_parser = crate::args::date)]
    on: Option<NaiveDate>,
    /// Who records the change (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
}

pub(crate) fn run(args: Args) -> Result<Exit> {
    // Files are read before the database is opened: a bad one leaves nothing behind.
    let statutes = match &args.command {
        Sub::Init { statutes } => Some(
            Statutes::from_toml(&crate::files::read_input(statutes)?)
                .with_context(|| format!("in {}", statutes.display()))?,
        ),
        _ => None,
    };
    let create = if statutes.is_some() {
        Create::Allowed
    } else {
        Create::Refused
    };
    let journal = args.store.open("andel ledger", create)?;
    let result = execute(&journal, args.command, statutes, args.on, args.by);
    journal.finish(result)
}

/// Runs one ledger command on an open journal.
fn execute(
    journal: &StoreJournal,
    command: Sub,
    statutes: Option<Statutes>,
    on: Option<NaiveDate>,
    by: Option<AuthorId>,
) -> Result<Exit> {
    let coop = journal.coop();
    let mut members = journal
        .run(coop.membership())
        .with_context(|| format!("cannot read the ledger of {journal}"))?;
    let today = chrono::Utc::now().date_naive();
    let on = on.unwrap_or(today);
    let recorded_at = Timestamp::new(chrono::Utc::now()).context("the clock is off")?;
    let ledger = members.ledger();
    let command = match command {
        Sub::Register { as_of, json, csv } => {
            return show::register(ledger, as_of.unwrap_or(today), json, csv);
        }
        Sub::Roll { as_of, json } => return show::roll(ledger, as_of.unwrap_or(today), json),
        Sub::Statement {
            member,
            as_of,
            json,
        } => return show::statement(ledger, member, as_of.unwrap_or(today), json),
        Sub::Balances { as_of, json } => {
            return show::balances(ledger, as_of.unwrap_or(today), json);
        }
        Sub::Verify => return show::verification(&journal.run(coop.check_ledger())?),
        Sub::Password { member } => {
            let password = password_from_stdin()?;
            journal.run(coop.set_password(member, &password, recorded_at))?;
            crate::print(&format!(
                "password set for member {member}; only its argon2id hash is kept\n"
            ))?;
            return Ok(Exit::Ok);
        }
        Sub::ImportMembers { file, dry_run } => {
            let text = crate::files::read_input(&file)?;
            let plan = journal.run(members.import(&text, dry_run, recorded_at, by))?;
            return show::imported(&plan, dry_run);
        }
        Sub::Init { .. } => LedgerCommand::AdoptStatutes {
            statutes: Box::new(statutes.context("the statutes were read before opening")?),
        },
        Sub::Apply {
            name,
            class,
            legal,
            representative,
        } => LedgerCommand::ApplyForMembership {
            name,
            person: match (legal, representative) {
                (true, Some(representative)) => Person::Legal { representative },
                _ => Person::Natural,
            },
            class,
        },
        Sub::Admit { member, class } => LedgerCommand::Admit { member, class },
        Sub::Refuse { member, reason } => LedgerCommand::Refuse { member, reason },
        Sub::Subscribe {
            member,
            class,
            shares,
        } => LedgerCommand::Subscribe {
            member,
            class,
            shares,
        },
        Sub::Pay {
            member,
            amount,
            currency,
            key,
            capital,
            ..
        } => LedgerCommand::RecordPayment {
            key,
            member,
            purpose: match capital {
                Some(class) => Purpose::Capital { class },
                None => Purpose::Dues,
            },
            amount,
            currency,
        },
        Sub::Transfer {
            from,
            to,
            class,
            shares,
        } => LedgerCommand::Transfer {
            from,
            to,
            class,
            shares,
        },
        Sub::Convert { member, from, to } => LedgerCommand::Convert { member, from, to },
        Sub::Suspend { member, reason } => LedgerCommand::Suspend { member, reason },
        Sub::Reinstate { member } => LedgerCommand::Reinstate { member },
        Sub::Resign { member } => LedgerCommand::Resign { member },
        Sub::Exit { member, equity } => LedgerCommand::Exit { member, equity },
        Sub::Expel {
            member,
            reason,
            equity,
        } => LedgerCommand::Expel {
            member,
            reason,
            equity,
        },
        Sub::Redeem {
            member,
            instalments,
            every_months,
            first_due,
        } => LedgerCommand::ScheduleRedemption {
            member,
            instalments,
            every_months,
            first_due,
        },
        Sub::PayRedemption { member, amount } => LedgerCommand::PayRedemption { member, amount },
        Sub::ChargeDues { period_start } => LedgerCommand::ChargeDues { period_start },
        Sub::Patronage { member, amount } => LedgerCommand::RecordPatronage { member, amount },
        Sub::RecordSurplus { year, amount } => LedgerCommand::RecordSurplus { year, amount },
        Sub::AllocateSurplus {
            year,
            reserve_share,
            interest_rate,
        } => LedgerCommand::AllocateSurplus {
            year,
            reserve_share,
            interest_rate,
        },
        Sub::PayAllocation {
            member,
            interest,
            amount,
            ..
        } => LedgerCommand::PayAllocation {
            member,
            what: if interest {
                Payout::Interest
            } else {
                Payout::Refund
            },
            amount,
        },
        Sub::Reverse {
            txn,
            reason,
            note,
            amount,
        } => LedgerCommand::Reverse {
            txn,
            reason: match reason {
                Reason::Refund => Correction::Refund,
                Reason::Duplicate => Correction::Duplicate,
                Reason::Error => Correction::Error,
            },
            note,
            amount,
        },
        Sub::Close { member } => LedgerCommand::CloseAccounts { member },
    };
    let done = show::already_done(&command);
    let events = journal.run(members.record(command, on, recorded_at, by))?;
    show::recorded(&events, &done)
}

/// The first line of standard input, without its line ending: a password is never an
/// argument, which `ps` and shell histories would show.
fn password_from_stdin() -> Result<String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(4096)
        .read_to_end(&mut bytes)
        .context("cannot read the password from standard input")?;
    let text = String::from_utf8(bytes).context("the password is not UTF-8 text")?;
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        anyhow::bail!(
            "no password on standard input: pipe it in, as `printf '%s\\n' \"$PASSWORD\" | andel ledger password N`"
        );
    }
    Ok(line.to_owned())
}
