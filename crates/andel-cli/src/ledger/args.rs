//! The arguments of `andel ledger`'s subcommands.

use std::path::PathBuf;

use andel::ledger::{ClassId, MemberNumber, PaymentKey, TxnId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Debug, clap::Subcommand)]
pub(super) enum Sub {
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
    /// Set a member's password for the co-op's web services, read from the first line
    /// of standard input (never from the command line, where others could see it). At
    /// least 15 characters; only its argon2id hash is kept.
    Password {
        /// The member number.
        member: MemberNumber,
    },
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
pub(super) enum Reason {
    Refund,
    Duplicate,
    Error,
}
