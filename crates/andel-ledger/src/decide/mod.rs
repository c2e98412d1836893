//! `decide`: a command checked against the statutes and the ledger, answered with the
//! events that carry it out.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use crate::books::{Account, Posting};
use crate::command::Command;
use crate::event::{Correction, Event, ExitCause, Instalment, Payout, Person, Purpose};
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::ledger::{Ledger, Origin};
use crate::member::{MemberRecord, MemberView, Status};
use crate::money::{MoneyError, allocate};
use crate::statutes::{Persons, Statutes};
use crate::surplus;

mod error;
mod exit;
mod membership;
mod money;
mod year;

pub use error::DecideError;

fn money(what: &'static str) -> impl Fn(MoneyError) -> DecideError {
    move |source| DecideError::Amount { what, source }
}

/// Builds the events of one command, numbering transactions as it goes.
struct Draft<'a> {
    ledger: &'a Ledger,
    statutes: &'a Statutes,
    on: NaiveDate,
    events: Vec<Event>,
    next_txn: usize,
}

impl Draft<'_> {
    fn txn(&mut self) -> TxnId {
        let id = TxnId::from_index(self.next_txn);
        self.next_txn += 1;
        id
    }

    /// The two postings that move `amount` from the `credit` account to the `debit`
    /// account, checked against the books.
    fn pair(
        &self,
        debit: (Account, Option<MemberNumber>),
        credit: (Account, Option<MemberNumber>),
        amount: Decimal,
    ) -> Result<Vec<Posting>, DecideError> {
        let postings = vec![
            Posting::debit(debit.0, debit.1, amount),
            Posting::credit(credit.0, credit.1, amount),
        ];
        self.check(&postings)?;
        Ok(postings)
    }

    fn check(&self, postings: &[Posting]) -> Result<(), DecideError> {
        Ok(self
            .ledger
            .books
            .check(postings, self.statutes.currency())?)
    }
}

impl Ledger {
    /// Decides `command`, effective `on`: the events that carry it out, or why it is
    /// refused. Apply the events (in order) to bring the ledger up to date. Nothing is
    /// changed by deciding.
    ///
    /// ```
    /// use andel_ledger::{Command, Event, Ledger, Statutes, event::Person};
    ///
    /// let statutes = Statutes::from_toml(r#"
    ///     name = "Fyrklövern"
    ///     currency = { code = "SEK", scale = 2 }
    ///     [[classes]]
    ///     id = "users"
    ///     name = "User members"
    ///     nominal = "100.00"
    ///     min_shares = 1
    ///     admission = "automatic"
    /// "#)?;
    /// let mut ledger = Ledger::new();
    /// let on = "2026-01-10".parse()?;
    /// for command in [
    ///     Command::AdoptStatutes { statutes: Box::new(statutes) },
    ///     Command::ApplyForMembership { name: "Ada".into(), person: Person::Natural, class: "users".parse()? },
    /// ] {
    ///     for event in ledger.decide(command, on)? {
    ///         ledger.apply(&event)?;
    ///     }
    /// }
    /// let ada = ledger.member(andel_ledger::MemberNumber::new(1).unwrap()).unwrap();
    /// assert_eq!(ada.status_on(on).name(), "admitted"); // until the 100.00 is paid
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The rule the command breaks; see [`DecideError`].
    pub fn decide(&self, command: Command, on: NaiveDate) -> Result<Vec<Event>, DecideError> {
        // A payment retried under its key posts nothing, whatever date it carries.
        if let Command::RecordPayment { key, .. } = &command
            && self.payments.contains_key(key)
            && self.statutes.is_some()
        {
            let statutes = self.statutes.as_ref().ok_or(DecideError::NoStatutes)?;
            let mut draft = Draft {
                ledger: self,
                statutes,
                on,
                events: Vec::new(),
                next_txn: self.txns.len(),
            };
            draft.command(command)?;
            return Ok(draft.events);
        }
        if let Some(latest) = self.latest
            && on < latest
        {
            return Err(DecideError::BackDated { on, latest });
        }
        let statutes = match (&self.statutes, command) {
            (None, Command::AdoptStatutes { statutes }) => {
                statutes.check()?;
                return Ok(vec![Event::StatutesAdopted { on, statutes }]);
            }
            (None, _) => return Err(DecideError::NoStatutes),
            (Some(_), Command::AdoptStatutes { .. }) => return Err(DecideError::StatutesAgain),
            (Some(statutes), command) => (statutes, command),
        };
        let (statutes, command) = statutes;
        let mut draft = Draft {
            ledger: self,
            statutes,
            on,
            events: Vec::new(),
            next_txn: self.txns.len(),
        };
        draft.command(command)?;
        Ok(draft.events)
    }
}

impl Draft<'_> {
    fn record(&self, member: MemberNumber) -> Result<&MemberRecord, DecideError> {
        self.ledger
            .record(member)
            .ok_or(DecideError::UnknownMember { member })
    }

    fn view(&self, member: MemberNumber) -> Result<&MemberView, DecideError> {
        self.record(member).map(MemberRecord::current)
    }

    fn class(&self, class: &ClassId) -> Result<&crate::statutes::MemberClass, DecideError> {
        self.statutes
            .class(class)
            .ok_or_else(|| DecideError::UnknownClass {
                class: class.clone(),
            })
    }

    fn require(
        &self,
        member: MemberNumber,
        action: &'static str,
        allowed: impl Fn(&Status) -> bool,
    ) -> Result<&MemberView, DecideError> {
        let view = self.view(member)?;
        let status = view.status_on(self.on);
        if allowed(&status) {
            Ok(view)
        } else {
            Err(DecideError::Status {
                member,
                status: status.name(),
                action,
            })
        }
    }

    /// Carries out `command`: one method per command, kept with its family (`membership`,
    /// `exit`, `money`, `year`).
    fn command(&mut self, command: Command) -> Result<(), DecideError> {
        match command {
            Command::AdoptStatutes { .. } => Err(DecideError::StatutesAgain),
            Command::ApplyForMembership {
                name,
                person,
                class,
            } => self.apply_for(name, person, class),
            Command::Admit { member, class } => self.admit(member, class),
            Command::Refuse { member, reason } => self.refuse(member, reason),
            Command::Subscribe {
                member,
                class,
                shares,
            } => {
                self.require(member, "subscribe shares", |s| s.is_admitted())?;
                self.subscribe(member, &class, shares)
            }
            Command::RecordPayment {
                key,
                member,
                purpose,
                amount,
                currency,
            } => self.payment(key, member, purpose, amount, &currency),
            Command::Transfer {
                from,
                to,
                class,
                shares,
            } => self.transfer(from, to, class, shares),
            Command::Convert { member, from, to } => self.convert(member, from, to),
            Command::Suspend { member, reason } => self.suspend(member, reason),
            Command::Reinstate { member } => self.reinstate(member),
            Command::Resign { member } => self.resign(member),
            Command::Exit { member, equity } => self.exit_after_notice(member, equity),
            Command::Expel {
                member,
                reason,
                equity,
            } => self.expel(member, reason, equity),
            Command::ScheduleRedemption {
                member,
                instalments,
                every_months,
                first_due,
            } => self.schedule(member, instalments, every_months, first_due),
            Command::PayRedemption { member, amount } => self.pay_redemption(member, amount),
            Command::ChargeDues { period_start } => self.charge_dues(period_start),
            Command::RecordPatronage { member, amount } => self.record_patronage(member, amount),
            Command::RecordSurplus { year, amount } => self.record_surplus(year, amount),
            Command::AllocateSurplus {
                year,
                reserve_share,
                interest_rate,
            } => self.allocate_surplus(year, reserve_share, interest_rate),
            Command::PayAllocation {
                member,
                what,
                amount,
            } => self.pay_allocation(member, what, amount),
            Command::Reverse {
                txn,
                reason,
                note,
                amount,
            } => self.reverse(txn, reason, note, amount),
            Command::CloseAccounts { member } => self.close_accounts(member),
        }
    }
}

/// Whether a class open to `persons` takes `person`.
fn admits(persons: Persons, person: &Person) -> bool {
    matches!(
        (persons, person),
        (Persons::Any, _)
            | (Persons::Natural, Person::Natural)
            | (Persons::Legal, Person::Legal { .. })
    )
}

fn text(value: &str, what: &'static str) -> Result<(), DecideError> {
    if value.trim().is_empty() || value.chars().count() > 200 {
        Err(DecideError::Text { what })
    } else {
        Ok(())
    }
}

fn share_limit(
    member: MemberNumber,
    rules: &crate::statutes::MemberClass,
    shares: u64,
) -> DecideError {
    DecideError::ShareLimit {
        member,
        class: rules.id().clone(),
        shares,
        min: rules.min_shares(),
        max: rules
            .max_shares()
            .map_or_else(|| "any number".to_owned(), |m| m.to_string()),
    }
}

/// The day a resignation given on `notice_on` takes effect: the end of the financial
/// year if the notice came at least the statutes' notice months before it, else the end
/// of the next year.
pub fn exit_date(statutes: &Statutes, notice_on: NaiveDate) -> NaiveDate {
    let fy = statutes.financial_year();
    let year_end = fy.end_of(notice_on);
    let deadline = year_end
        .checked_sub_months(Months::new(statutes.exit().notice_months))
        .unwrap_or(NaiveDate::MIN);
    if notice_on <= deadline {
        year_end
    } else {
        fy.end_of(year_end.succ_opt().unwrap_or(year_end))
    }
}
