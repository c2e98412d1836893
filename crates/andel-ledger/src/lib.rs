//! A cooperative's membership ledger: who the members are, what they hold and owe,
//! and who may vote, as of any date, in exact double entry.
//!
//! The ledger is the register a co-op keeps by law, kept as events in an
//! [`andel_journal`] stream, so nothing in it is ever rewritten:
//!
//! - [`Statutes`] (read from TOML) declare the member classes with their shares and
//!   prices, the currency, the financial year, exit notice and repayment, dues, and the
//!   voting rule: one member one vote, or weighted colleges.
//! - [`Ledger::decide`] checks a [`Command`] (admit, subscribe, record a payment,
//!   resign, allocate a surplus, reverse a mistake…) against the statutes and the state,
//!   and answers with [`Event`]s or a [`DecideError`] naming the rule broken.
//!   [`Ledger::apply`] folds events in, checking every money event's postings: debits
//!   equal credits, nothing below zero, nothing posted to a closed account.
//! - Status is derived from events at a date, never stored as truth:
//!   [`Ledger::register`], [`Ledger::roll`] and [`Ledger::balances`] answer "as of"
//!   any date, and the roll is plain data a decision procedure can take as its
//!   electorate.
//! - Money is [`rust_decimal::Decimal`] at the currency's scale. Rounding happens at
//!   named points only ([`Currency::truncate`](money::Currency::truncate)), and every split (surplus, interest,
//!   instalments, college weights) uses [`allocate`](money::allocate), whose parts sum exactly.
//! - [`open_ledger`] keeps the events in any [`JournalStore`](andel_journal::JournalStore):
//!   memory, SQLite or PostgreSQL.
//! - [`import`] reads a spreadsheet of members (CSV) into commands, all or nothing.
//!
//! The crate does no I/O of its own and has no clock: callers pass dates.
//!
//! # Examples
//!
//! A worker co-op admits Ada, who pays her share; on the record date she is on the roll.
//!
//! ```
//! use andel_ledger::{Command, Ledger, MemberNumber, PaymentKey, Statutes, event::{Person, Purpose}};
//!
//! let statutes = Statutes::from_toml(r#"
//!     name = "Kooperativet Verkstan"
//!     currency = { code = "SEK", scale = 2 }
//!     [[classes]]
//!     id = "workers"
//!     name = "Worker members"
//!     nominal = "500.00"
//!     min_shares = 1
//! "#)?;
//! let mut ledger = Ledger::new();
//! let mut run = |command, on: &str| -> Result<(), Box<dyn std::error::Error>> {
//!     for event in ledger.decide(command, on.parse()?)? {
//!         ledger.apply(&event)?;
//!     }
//!     Ok(())
//! };
//! let ada = MemberNumber::new(1).unwrap();
//! run(Command::AdoptStatutes { statutes: Box::new(statutes) }, "2026-01-01")?;
//! run(Command::ApplyForMembership { name: "Ada".into(), person: Person::Natural, class: "workers".parse()? }, "2026-01-05")?;
//! run(Command::Admit { member: ada, class: None }, "2026-01-12")?;
//! run(Command::RecordPayment {
//!     key: PaymentKey::new("bank-2026-0042")?,
//!     member: ada,
//!     purpose: Purpose::Capital { class: "workers".parse()? },
//!     amount: "500".parse()?,
//!     currency: "SEK".into(),
//! }, "2026-01-20")?;
//!
//! let roll = ledger.roll("2026-03-01".parse()?)?;
//! assert_eq!(roll.voters.len(), 1);
//! assert!(ledger.roll("2026-01-15".parse()?)?.voters.is_empty()); // not paid yet then
//! assert_eq!(ledger.register("2026-03-01".parse()?).rows[0].paid_in.to_string(), "500.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Feature flags
//!
//! None.

pub mod books;
mod command;
mod decide;
mod describe;
pub mod event;
mod fx;
mod ids;
pub mod import;
mod ledger;
mod member;
pub mod money;
pub mod query;
mod snapshot;
pub mod statutes;
mod stored;
mod surplus;

pub use command::Command;
pub use decide::{DecideError, exit_date};
pub use event::Event;
pub use ids::{ClassId, IdError, MemberNumber, PaymentKey, TxnId};
pub use ledger::{ApplyError, Ledger};
pub use member::{Holding, MemberView, Status};
pub use statutes::Statutes;
pub use stored::{
    LEDGER_STREAM, SNAPSHOT_AFTER, StoredLedger, StoredLedgerError, open_ledger, open_ledger_from,
};
