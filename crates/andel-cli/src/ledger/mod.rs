//! `andel ledger`: keep a co-op's membership ledger in a database from a shell. Each
//! subcommand parses its arguments, calls one use case of `andel-service` and prints
//! what it answered (`show`).

mod show;

use std::path::PathBuf;

use andel::journal::{AuthorId, TenantId, Timestamp};
use andel::ledger::{
    ClassId, Command as LedgerCommand, Correction, MemberNumber, PaymentKey, Payout, Person,
    Purpose, Statutes, TxnId,
};
use andel::store::Location;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::Outcome;
use crate::source::{Create, StoreJournal, tenant_or_default};

/// The largest statutes or members file read.
const MAX_FILE: u64 = 16 << 20;

/// Keep the membership ledger: statutes, members, capital, dues, exits, surplus, roll.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Sub,
    /// The database: `sqlite:PATH` or `postgres://USER@HOST/DATABASE`.
    #[arg(long, value_name = "LOCATION", global = true)]
    store: Option<Location>,
    /// The tenant (organisation) whose ledger to use [default: default].
    #[arg(long, value_name = "NAME", global = true)]
    tenant: Option<TenantId>,
    /// The date a change takes effect, `YYYY-MM-DD` [default: today].
    #[arg(long, value_name = "DATE", global = true, value_parser = crate::args::date)]
    on: Option<NaiveDate>,
    /// Who records the change (kept with each entry).
    #[arg(long, value_name = "NAME", global = true)]
    by: Option<AuthorId>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Start a ledger by adopting the statutes (TOML).
    Init {
        /// The statutes file.
        #[arg(long)]
        statutes: PathBuf,
    },
    /// Record an application to a class; the number it gets is printed.
    Apply {
        /// The applicant's name.
        #[arg(long)]
        name: String,
        /// The class.
        #[arg(long)]
        class: ClassId,
        /// The applicant is an organisation.
        #[arg(long, requires = "representative")]
        legal: bool,
        /// Who votes for the organisation.
        #[arg(long, requires = "legal")]
        representative: Option<String>,
    },
    /// Admit an applicant, or a member to a further class.
    Admit {
        /// The member number.
        member: MemberNumber,
        /// A further class for an existing member.
        #[arg(long)]
        class: Option<ClassId>,
    },
    /// Refuse an application.
    Refuse {
        /// The member number.
        member: MemberNumber,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Subscribe further shares.
    Subscribe {
        /// The member number.
        member: MemberNumber,
        /// The class.
        #[arg(long)]
        class: ClassId,
        /// How many shares.
        #[arg(long)]
        shares: u32,
    },
    /// Record a payment of capital or dues; the same --key again records nothing.
    Pay {
        /// The member number.
        member: MemberNumber,
        /// The amount.
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        amount: Decimal,
        /// Its currency code.
        #[arg(long)]
        currency: String,
        /// The idempotency key, such as the bank reference.
        #[arg(long)]
        key: PaymentKey,
        /// Pays subscribed capital of this class.
        #[arg(long, conflicts_with = "dues", required_unless_present = "dues")]
        capital: Option<ClassId>,
        /// Pays dues, oldest first.
        #[arg(long)]
        dues: bool,
    },
    /// Transfer paid-up shares to another member of the class.
    Transfer {
        /// Who gives.
        #[arg(long)]
        from: MemberNumber,
        /// Who receives.
        #[arg(long)]
        to: MemberNumber,
        /// The class.
        #[arg(long)]
        class: ClassId,
        /// How many shares.
        #[arg(long)]
        shares: u32,
    },
    /// Convert a fully paid holding to another class.
    Convert {
        /// The member number.
        member: MemberNumber,
        /// The class left.
        #[arg(long)]
        from: ClassId,
        /// The class joined.
        #[arg(long)]
        to: ClassId,
    },
    /// Suspend a member's rights.
    Suspend {
        /// The member number.
        member: MemberNumber,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// End a suspension.
    Reinstate {
        /// The member number.
        member: MemberNumber,
    },
    /// Record a member's notice; the exit date follows from the statutes.
    Resign {
        /// The member number.
        member: MemberNumber,
    },
    /// Make a resignation take effect.
    Exit {
        /// The member number.
        member: MemberNumber,
        /// The co-op's equity in the annual accounts (when the statutes cap repayment).
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        equity: Option<Decimal>,
    },
    /// Expel a member, with immediate effect.
    Expel {
        /// The member number.
        member: MemberNumber,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The co-op's equity in the annual accounts (when the statutes cap repayment).
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        equity: Option<Decimal>,
    },
    /// Schedule repayment of a former member's capital.
    Redeem {
        /// The member number.
        member: MemberNumber,
        /// How many instalments.
        #[arg(long, default_value_t = 1)]
        instalments: u32,
        /// Months between instalments.
        #[arg(long, default_value_t = 12)]
        every_months: u32,
        /// The first due date (default: exit date plus the statutes' payout delay).
        #[arg(long, value_parser = crate::args::date)]
        first_due: Option<NaiveDate>,
    },
    /// Repay capital that has fallen due.
    PayRedemption {
        /// The member number.
        member: MemberNumber,
        /// The amount.
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        amount: Decimal,
    },
    /// Charge dues for a period to every member whose class has dues.
    ChargeDues {
        /// The period's first day.
        #[arg(long, value_parser = crate::args::date)]
        period_start: NaiveDate,
    },
    /// Record a member's use of the co-op (patronage).
    Patronage {
        /// The member number.
        member: MemberNumber,
        /// How much, in the statutes' patronage basis.
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        amount: Decimal,
    },
    /// Record a financial year's surplus from the adopted accounts.
    RecordSurplus {
        /// Any day of the financial year.
        #[arg(long, value_parser = crate::args::date)]
        year: NaiveDate,
        /// The surplus.
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        amount: Decimal,
    },
    /// Allocate a recorded surplus: reserve, interest on capital, patronage refunds.
    AllocateSurplus {
        /// Any day of the financial year.
        #[arg(long, value_parser = crate::args::date)]
        year: NaiveDate,
        /// The share kept in reserve (`0.3` is 30 %).
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        reserve_share: Decimal,
        /// The yearly interest rate on paid-in capital (`0.02` is 2 %).
        #[arg(long, default_value = "0", value_parser = crate::args::amount, allow_hyphen_values = true)]
        interest_rate: Decimal,
    },
    /// Pay allocated interest or refunds.
    PayAllocation {
        /// The member number.
        member: MemberNumber,
        /// Pays interest.
        #[arg(long, conflicts_with = "refund", required_unless_present = "refund")]
        interest: bool,
        /// Pays a patronage refund.
        #[arg(long)]
        refund: bool,
        /// The amount.
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        amount: Decimal,
    },
    /// Reverse a money transaction (`T12`), or refund part of a payment.
    Reverse {
        /// The transaction.
        txn: TxnId,
        /// Why: refund, duplicate or error.
        #[arg(long, value_enum)]
        reason: Reason,
        /// A note for the auditor.
        #[arg(long)]
        note: String,
        /// Part of a payment to refund (default: all that is left).
        #[arg(long, value_parser = crate::args::amount, allow_hyphen_values = true)]
        amount: Option<Decimal>,
    },
    /// Close a settled former member's accounts.
    Close {
        /// The member number.
        member: MemberNumber,
    },
    /// The register of members as of a date.
    Register {
        /// The date [default: today].
        #[arg(long, value_parser = crate::args::date)]
        as_of: Option<NaiveDate>,
        /// As JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// As CSV.
        #[arg(long)]
        csv: bool,
    },
    /// The voting roll at a record date.
    Roll {
        /// The record date [default: today].
        #[arg(long, value_parser = crate::args::date)]
        as_of: Option<NaiveDate>,
        /// As JSON: the electorate a decision procedure takes.
        #[arg(long)]
        json: bool,
    },
    /// A member's transactions and balances.
    Statement {
        /// The member number.
        member: MemberNumber,
        /// The date [default: today].
        #[arg(long, value_parser = crate::args::date)]
        as_of: Option<NaiveDate>,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Balances of every account as of a date.
    Balances {
        /// The date [default: today].
        #[arg(long, value_parser = crate::args::date)]
        as_of: Option<NaiveDate>,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify the ledger's journal and replay it under the ledger's rules.
    Verify,
    /// Import members from a spreadsheet (CSV): all rows or none.
    ImportMembers {
        /// The CSV file.
        file: PathBuf,
        /// Report what would be created, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Reason {
    Refund,
    Duplicate,
    Error,
}

pub(crate) fn run(args: Args) -> Result<Outcome> {
    let Some(location) = args.store else {
        bail!("`andel ledger` needs --store sqlite:PATH or --store postgres://…");
    };
    // Files are read before the database is opened: a bad one leaves nothing behind.
    let statutes = match &args.command {
        Sub::Init { statutes } => Some(
            Statutes::from_toml(&read(statutes)?)
                .with_context(|| format!("in {}", statutes.display()))?,
        ),
        _ => None,
    };
    let create = if statutes.is_some() {
        Create::Allowed
    } else {
        Create::Refused
    };
    let journal = StoreJournal::open(location, tenant_or_default(args.tenant)?, create)?;
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
) -> Result<Outcome> {
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
        Sub::Verify => return show::verification(&journal.run(coop.check_ledger(&members))?),
        Sub::ImportMembers { file, dry_run } => {
            let text = read(&file)?;
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
        } => LedgerCommand::Apply {
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

fn read(path: &std::path::Path) -> Result<String> {
    crate::files::read_text(path, MAX_FILE)
}
