//! `decide`: a command checked against the statutes and the ledger, answered with the
//! events that carry it out.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use crate::books::{Account, Posting, PostingError};
use crate::command::Command;
use crate::event::{Correction, Event, ExitCause, Instalment, Payout, Person, Purpose};
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::ledger::{Ledger, Origin};
use crate::member::{MemberRecord, MemberView, Status};
use crate::money::{MoneyError, allocate};
use crate::statutes::{Persons, Statutes};
use crate::surplus;

/// A command the ledger refuses, saying which rule and which input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecideError {
    /// A command before the statutes are adopted.
    #[error("the ledger has no statutes yet: run `init` with the statutes first")]
    NoStatutes,
    /// Statutes adopted twice.
    #[error("the statutes were already adopted")]
    StatutesAgain,
    /// The statutes do not check.
    #[error(transparent)]
    Statutes(#[from] crate::statutes::StatutesError),
    /// A date before the latest entry in the register.
    #[error(
        "{on} is before {latest}, the date of the latest entry: the register is kept in date order; record a correction dated today instead"
    )]
    BackDated {
        /// The command's date.
        on: NaiveDate,
        /// The latest date recorded.
        latest: NaiveDate,
    },
    /// No such member number.
    #[error("there is no member {member}")]
    UnknownMember {
        /// The number.
        member: MemberNumber,
    },
    /// The statutes have no such class.
    #[error("the statutes have no class `{class}`")]
    UnknownClass {
        /// The class.
        class: ClassId,
    },
    /// The member's status does not allow the command.
    #[error("member {member} is {status}, so they cannot {action}")]
    Status {
        /// The member.
        member: MemberNumber,
        /// Their status.
        status: &'static str,
        /// What was asked.
        action: &'static str,
    },
    /// A natural person in a class for legal persons, or the reverse.
    #[error("class `{class}` is for {persons}")]
    Person {
        /// The class.
        class: ClassId,
        /// Who it is for.
        persons: Persons,
    },
    /// A name that is empty or too long.
    #[error("a {what} needs 1 to 200 characters")]
    Text {
        /// Which text.
        what: &'static str,
    },
    /// A class the member does not hold.
    #[error("member {member} holds no shares of class `{class}`")]
    NotInClass {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
    },
    /// A further class where the statutes do not let classes combine.
    #[error("member {member} is in class `{held}`, which cannot be combined with `{class}`")]
    NotCombinable {
        /// The member.
        member: MemberNumber,
        /// The class asked for.
        class: ClassId,
        /// A class already held.
        held: ClassId,
    },
    /// Share counts outside the class's minimum and maximum.
    #[error(
        "member {member} would hold {shares} shares of `{class}`; the statutes allow {min} to {max}"
    )]
    ShareLimit {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
        /// The count they would hold.
        shares: u64,
        /// The class's minimum.
        min: u32,
        /// The class's maximum (or "any number").
        max: String,
    },
    /// A count of zero.
    #[error("the number of {what} must be at least 1")]
    Zero {
        /// Of what.
        what: &'static str,
    },
    /// An amount the currency cannot take.
    #[error("invalid {what}")]
    Amount {
        /// Which amount.
        what: &'static str,
        /// The problem.
        source: MoneyError,
    },
    /// A payment in another currency.
    #[error("the payment is in `{given}`, but the ledger keeps its books in {expected}")]
    WrongCurrency {
        /// The payment's currency.
        given: String,
        /// The ledger's.
        expected: String,
    },
    /// A payment key reused for a different payment.
    #[error("payment key `{key}` was already used for {original}, a different payment")]
    PaymentKeyReused {
        /// The key.
        key: PaymentKey,
        /// The transaction that used it.
        original: TxnId,
    },
    /// More than is owed or due.
    #[error("member {member}: {amount} is more than the {what} ({limit})")]
    Overpayment {
        /// The member.
        member: MemberNumber,
        /// What was asked.
        what: &'static str,
        /// The amount.
        amount: Decimal,
        /// What is owed or due.
        limit: Decimal,
    },
    /// Shares not fully paid where they must be.
    #[error("member {member}'s shares of `{class}` are not fully paid")]
    NotFullyPaid {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
    },
    /// A conversion whose value is not a whole number of the new class's shares.
    #[error(
        "member {member}'s capital of {value} is not a whole number of `{class}` shares at {nominal}"
    )]
    ConversionNotExact {
        /// The member.
        member: MemberNumber,
        /// The class joined.
        class: ClassId,
        /// The capital converted.
        value: Decimal,
        /// The new nominal.
        nominal: Decimal,
    },
    /// An exit before its date.
    #[error("member {member}'s exit takes effect on {exit_on}, not before")]
    ExitNotDue {
        /// The member.
        member: MemberNumber,
        /// When it takes effect.
        exit_on: NaiveDate,
    },
    /// The statutes cap repayment by equity, and no equity was given.
    #[error(
        "the statutes cap repayment by the member's share of equity: give the equity from the annual accounts"
    )]
    EquityRequired,
    /// A redemption due date earlier than the statutes allow.
    #[error("the first instalment may not fall due before {earliest}")]
    RedemptionTooEarly {
        /// The earliest due date.
        earliest: NaiveDate,
    },
    /// A redemption already scheduled, or nothing to redeem.
    #[error("member {member}: {problem}")]
    Redemption {
        /// The member.
        member: MemberNumber,
        /// What is wrong.
        problem: &'static str,
    },
    /// A surplus for a year not yet over, recorded twice, or not recorded.
    #[error("financial year starting {year}: {problem}")]
    Year {
        /// The year's first day.
        year: NaiveDate,
        /// What is wrong.
        problem: &'static str,
    },
    /// A rate outside what the statutes allow.
    #[error("{what} `{value}` must lie between {min} and {max}")]
    Rate {
        /// Which rate.
        what: &'static str,
        /// The value.
        value: Decimal,
        /// The lower bound.
        min: Decimal,
        /// The upper bound.
        max: Decimal,
    },
    /// Reserve and interest together exceed the surplus.
    #[error("reserve {reserve} and interest {interest} exceed the surplus of {surplus}")]
    InterestExceedsSurplus {
        /// To the reserve.
        reserve: Decimal,
        /// Interest.
        interest: Decimal,
        /// The surplus.
        surplus: Decimal,
    },
    /// No class's dues period starts on the date.
    #[error(
        "no class's dues period starts on {date}: periods count from the first day of the financial year"
    )]
    NotAPeriodStart {
        /// The date.
        date: NaiveDate,
    },
    /// No such transaction.
    #[error("there is no transaction {txn}")]
    UnknownTxn {
        /// The number.
        txn: TxnId,
    },
    /// Reversing a reversal: record the original again instead.
    #[error(
        "{txn} is itself a reversal; to restore what it undid, record the original again (a payment under a new key)"
    )]
    ReversalOfReversal {
        /// The reversal.
        txn: TxnId,
    },
    /// Reversing what was already reversed in full.
    #[error("{txn} is already reversed in full")]
    AlreadyReversed {
        /// The transaction.
        txn: TxnId,
    },
    /// A refund larger than what is left of the payment.
    #[error("a refund of {amount} is more than the {refundable} left of payment {txn}")]
    RefundExceedsPayment {
        /// The payment.
        txn: TxnId,
        /// The refund asked for.
        amount: Decimal,
        /// What is left to refund.
        refundable: Decimal,
    },
    /// A partial reversal of something other than a payment, or a refund of one.
    #[error("{txn} is a {kind}: {problem}")]
    NotReversible {
        /// The transaction.
        txn: TxnId,
        /// What it is.
        kind: &'static str,
        /// What to do instead.
        problem: &'static str,
    },
    /// The postings the command would make break double entry (a holding below zero).
    #[error("the books refuse it")]
    Books(#[from] PostingError),
}

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
    /// use andel_ledger::{Command, Event, Ledger, Person, Statutes};
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
    ///     Command::Apply { name: "Ada".into(), person: Person::Natural, class: "users".parse()? },
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
        if let Command::RecordPayment { key, .. } = &command {
            if self.payments.contains_key(key) && self.statutes.is_some() {
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
        }
        if let Some(latest) = self.latest {
            if on < latest {
                return Err(DecideError::BackDated { on, latest });
            }
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

    fn command(&mut self, command: Command) -> Result<(), DecideError> {
        let on = self.on;
        match command {
            Command::AdoptStatutes { .. } => Err(DecideError::StatutesAgain),
            Command::Apply {
                name,
                person,
                class,
            } => self.apply_for(name, person, class),
            Command::Admit { member, class } => self.admit(member, class),
            Command::Refuse { member, reason } => {
                self.require(member, "be refused", |s| *s == Status::Applicant)?;
                text(&reason, "reason")?;
                let class = self.record(member)?.applied_class.clone();
                self.events.push(Event::Refused {
                    on,
                    member,
                    class,
                    reason,
                });
                Ok(())
            }
            Command::Subscribe {
                member,
                class,
                shares,
            } => {
                self.require(member, "subscribe shares", |s| {
                    matches!(
                        s,
                        Status::Admitted
                            | Status::Member
                            | Status::Suspended
                            | Status::Resigning { .. }
                    )
                })?;
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
            Command::Suspend { member, reason } => {
                self.require(member, "be suspended", |s| {
                    matches!(s, Status::Member | Status::Resigning { .. })
                })?;
                text(&reason, "reason")?;
                self.events.push(Event::Suspended { on, member, reason });
                Ok(())
            }
            Command::Reinstate { member } => {
                self.require(member, "be reinstated", |s| *s == Status::Suspended)?;
                self.events.push(Event::Reinstated { on, member });
                Ok(())
            }
            Command::Resign { member } => {
                self.require(member, "resign", |s| {
                    matches!(s, Status::Admitted | Status::Member | Status::Suspended)
                })?;
                let exit_on = exit_date(self.statutes, on);
                self.events.push(Event::Resigned {
                    on,
                    member,
                    exit_on,
                });
                Ok(())
            }
            Command::Exit { member, equity } => {
                let view = self.view(member)?;
                let Some((_, exit_on)) = view.notice else {
                    return Err(DecideError::Status {
                        member,
                        status: view.status_on(on).name(),
                        action: "exit without notice (resign first, or expel)",
                    });
                };
                if view.exit.is_some() {
                    return Err(DecideError::Status {
                        member,
                        status: "exited",
                        action: "exit again",
                    });
                }
                if on < exit_on {
                    return Err(DecideError::ExitNotDue { member, exit_on });
                }
                self.exit(member, ExitCause::Resignation, exit_on, equity)
            }
            Command::Expel {
                member,
                reason,
                equity,
            } => {
                self.require(member, "be expelled", |s| {
                    matches!(
                        s,
                        Status::Admitted
                            | Status::Member
                            | Status::Suspended
                            | Status::Resigning { .. }
                    )
                })?;
                text(&reason, "reason")?;
                self.exit(member, ExitCause::Expulsion { reason }, on, equity)
            }
            Command::ScheduleRedemption {
                member,
                instalments,
                every_months,
                first_due,
            } => self.schedule(member, instalments, every_months, first_due),
            Command::PayRedemption { member, amount } => self.pay_redemption(member, amount),
            Command::ChargeDues { period_start } => self.charge_dues(period_start),
            Command::RecordPatronage { member, amount } => {
                self.require(member, "record patronage", |s| {
                    matches!(
                        s,
                        Status::Admitted
                            | Status::Member
                            | Status::Suspended
                            | Status::Resigning { .. }
                    )
                })?;
                if amount <= Decimal::ZERO {
                    return Err(DecideError::Amount {
                        what: "patronage",
                        source: MoneyError::NotPositive { amount },
                    });
                }
                self.events
                    .push(Event::PatronageRecorded { on, member, amount });
                Ok(())
            }
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
            Command::CloseAccounts { member } => {
                self.require(member, "have their accounts closed", |s| {
                    matches!(s, Status::Exited { .. } | Status::Refused)
                })?;
                if self.ledger.books.is_closed(member) {
                    return Err(DecideError::Status {
                        member,
                        status: "closed",
                        action: "have their accounts closed again",
                    });
                }
                if !self.ledger.books.member_settled(member) {
                    return Err(DecideError::Redemption {
                        member,
                        problem: "still has balances: settle them before closing the accounts",
                    });
                }
                if let Some((year, _)) = self.ledger.surpluses.iter().find(|(_, s)| !s.allocated) {
                    return Err(DecideError::Year {
                        year: *year,
                        problem: "its surplus is not allocated yet, and a closed account could not take its share",
                    });
                }
                self.events.push(Event::AccountsClosed { on, member });
                Ok(())
            }
        }
    }

    fn apply_for(
        &mut self,
        name: String,
        person: Person,
        class: ClassId,
    ) -> Result<(), DecideError> {
        text(&name, "name")?;
        if let Person::Legal { representative } = &person {
            text(representative, "representative")?;
        }
        let rules = self.class(&class)?;
        let fits = admits(rules.persons(), &person);
        if !fits {
            return Err(DecideError::Person {
                class,
                persons: rules.persons(),
            });
        }
        let automatic = rules.admission() == crate::statutes::Admission::Automatic;
        let min = rules.min_shares();
        let member = self.ledger.next_member();
        self.events.push(Event::Applied {
            on: self.on,
            member,
            name,
            person,
            class: class.clone(),
        });
        if automatic {
            self.events.push(Event::Admitted {
                on: self.on,
                member,
                class: class.clone(),
            });
            self.subscription(member, &class, min)?;
        }
        Ok(())
    }

    fn admit(&mut self, member: MemberNumber, class: Option<ClassId>) -> Result<(), DecideError> {
        let record = self.record(member)?;
        let view = record.current();
        let status = view.status_on(self.on);
        let class = match (&status, class) {
            (Status::Applicant, None) => record.applied_class.clone(),
            (Status::Applicant, Some(class)) if class == record.applied_class => class,
            (s, Some(class)) if s.is_member() || *s == Status::Admitted => {
                if view.holding(&class).is_some() {
                    return Err(DecideError::Status {
                        member,
                        status: "already in that class",
                        action: "be admitted to it again",
                    });
                }
                let rules = self.class(&class)?;
                for held in &view.holdings {
                    let held_rules = self.class(&held.class)?;
                    if !rules.combinable() || !held_rules.combinable() {
                        return Err(DecideError::NotCombinable {
                            member,
                            class: class.clone(),
                            held: held.class.clone(),
                        });
                    }
                }
                let fits = admits(rules.persons(), &record.person);
                if !fits {
                    return Err(DecideError::Person {
                        class,
                        persons: rules.persons(),
                    });
                }
                class
            }
            (s, _) => {
                return Err(DecideError::Status {
                    member,
                    status: s.name(),
                    action: "be admitted",
                });
            }
        };
        let min = self.class(&class)?.min_shares();
        self.events.push(Event::Admitted {
            on: self.on,
            member,
            class: class.clone(),
        });
        self.subscription(member, &class, min)
    }

    fn subscribe(
        &mut self,
        member: MemberNumber,
        class: &ClassId,
        shares: u32,
    ) -> Result<(), DecideError> {
        if shares == 0 {
            return Err(DecideError::Zero { what: "shares" });
        }
        let held = self
            .view(member)?
            .holding(class)
            .ok_or_else(|| DecideError::NotInClass {
                member,
                class: class.clone(),
            })?
            .shares;
        let rules = self.class(class)?;
        let total = u64::from(held) + u64::from(shares);
        if rules.max_shares().is_some_and(|max| total > u64::from(max)) {
            return Err(share_limit(member, rules, total));
        }
        self.subscription(member, class, shares)
    }

    fn subscription(
        &mut self,
        member: MemberNumber,
        class: &ClassId,
        shares: u32,
    ) -> Result<(), DecideError> {
        let amount = self
            .class(class)?
            .nominal()
            .checked_mul(Decimal::from(shares))
            .ok_or(DecideError::Amount {
                what: "subscription",
                source: MoneyError::Overflow,
            })?;
        let amount = self
            .statutes
            .currency()
            .at_scale(amount)
            .map_err(money("subscription"))?;
        let postings = vec![
            Posting::debit(Account::SubscriptionsReceivable, Some(member), amount),
            Posting::credit(Account::MemberCapital, Some(member), amount),
        ];
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::SharesSubscribed {
            on: self.on,
            txn,
            member,
            class: class.clone(),
            shares,
            amount,
            postings,
        });
        Ok(())
    }

    fn payment(
        &mut self,
        key: PaymentKey,
        member: MemberNumber,
        purpose: Purpose,
        amount: Decimal,
        currency: &str,
    ) -> Result<(), DecideError> {
        let expected = self.statutes.currency();
        if currency != expected.code() {
            return Err(DecideError::WrongCurrency {
                given: currency.to_owned(),
                expected: expected.code().to_owned(),
            });
        }
        let amount = expected.amount(amount).map_err(money("payment"))?;
        if let Some(&original) = self.ledger.payments.get(&key) {
            let same = self.ledger.txns.get(original.index()).is_some_and(|t| {
                t.amount == amount
                    && matches!(&t.origin, Origin::Payment { member: m, purpose: p, .. } if *m == member && *p == purpose)
            });
            return if same {
                Ok(()) // already recorded: a retried import posts nothing
            } else {
                Err(DecideError::PaymentKeyReused { key, original })
            };
        }
        let view = self.view(member)?;
        let (receivable, limit, what) = match &purpose {
            Purpose::Capital { class } => {
                let holding = view.holding(class).ok_or_else(|| DecideError::NotInClass {
                    member,
                    class: class.clone(),
                })?;
                (
                    Account::SubscriptionsReceivable,
                    holding.subscribed - holding.paid,
                    "unpaid capital",
                )
            }
            Purpose::Dues => (
                Account::DuesReceivable,
                view.dues_outstanding,
                "dues outstanding",
            ),
        };
        if amount > limit {
            return Err(DecideError::Overpayment {
                member,
                what,
                amount,
                limit,
            });
        }
        let postings = vec![
            Posting::debit(Account::Cash, None, amount),
            Posting::credit(receivable, Some(member), amount),
        ];
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::PaymentRecorded {
            on: self.on,
            txn,
            key,
            member,
            purpose,
            amount,
            postings,
        });
        Ok(())
    }

    fn transfer(
        &mut self,
        from: MemberNumber,
        to: MemberNumber,
        class: ClassId,
        shares: u32,
    ) -> Result<(), DecideError> {
        if shares == 0 {
            return Err(DecideError::Zero { what: "shares" });
        }
        if from == to {
            return Err(DecideError::Status {
                member: from,
                status: "both giver and receiver",
                action: "transfer shares to themselves",
            });
        }
        let member_states = |s: &Status| s.is_member();
        let giver = self
            .require(from, "transfer shares", member_states)?
            .clone();
        let receiver = self
            .require(to, "receive shares", |s| {
                s.is_member() || *s == Status::Admitted
            })?
            .clone();
        let rules = self.class(&class)?.clone();
        let held = giver
            .holding(&class)
            .ok_or_else(|| DecideError::NotInClass {
                member: from,
                class: class.clone(),
            })?;
        let got = receiver
            .holding(&class)
            .ok_or_else(|| DecideError::NotInClass {
                member: to,
                class: class.clone(),
            })?;
        let left = u64::from(held.shares).saturating_sub(u64::from(shares));
        if shares > held.shares || left < u64::from(rules.min_shares()) {
            return Err(share_limit(from, &rules, left));
        }
        let total = u64::from(got.shares) + u64::from(shares);
        if rules.max_shares().is_some_and(|max| total > u64::from(max)) {
            return Err(share_limit(to, &rules, total));
        }
        let amount = rules.nominal() * Decimal::from(shares);
        let amount = self
            .statutes
            .currency()
            .at_scale(amount)
            .map_err(money("transfer"))?;
        if held.paid < amount {
            return Err(DecideError::NotFullyPaid {
                member: from,
                class,
            });
        }
        let postings = vec![
            Posting::debit(Account::MemberCapital, Some(from), amount),
            Posting::credit(Account::MemberCapital, Some(to), amount),
        ];
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::SharesTransferred {
            on: self.on,
            txn,
            from,
            to,
            class,
            shares,
            amount,
            postings,
        });
        Ok(())
    }

    fn convert(
        &mut self,
        member: MemberNumber,
        from: ClassId,
        to: ClassId,
    ) -> Result<(), DecideError> {
        let view = self
            .require(member, "convert class", |s| s.is_member())?
            .clone();
        let held = view.holding(&from).ok_or_else(|| DecideError::NotInClass {
            member,
            class: from.clone(),
        })?;
        if view.holding(&to).is_some() {
            return Err(DecideError::Status {
                member,
                status: "already in the target class",
                action: "convert into it",
            });
        }
        let target = self.class(&to)?;
        for other in view.holdings.iter().filter(|h| h.class != from) {
            if !target.combinable() || !self.class(&other.class)?.combinable() {
                return Err(DecideError::NotCombinable {
                    member,
                    class: to.clone(),
                    held: other.class.clone(),
                });
            }
        }
        if held.paid != held.subscribed {
            return Err(DecideError::NotFullyPaid {
                member,
                class: from,
            });
        }
        let shares = held.paid / target.nominal();
        if shares.fract() != Decimal::ZERO {
            return Err(DecideError::ConversionNotExact {
                member,
                class: to,
                value: held.paid,
                nominal: target.nominal(),
            });
        }
        let count = u64::try_from(shares).unwrap_or(u64::MAX);
        let within = count >= u64::from(target.min_shares())
            && target
                .max_shares()
                .is_none_or(|max| count <= u64::from(max));
        let shares = match u32::try_from(count) {
            Ok(shares) if within => shares,
            _ => return Err(share_limit(member, target, count)),
        };
        self.events.push(Event::ClassConverted {
            on: self.on,
            member,
            from,
            to,
            shares,
        });
        Ok(())
    }

    fn exit(
        &mut self,
        member: MemberNumber,
        cause: ExitCause,
        effective: NaiveDate,
        equity: Option<Decimal>,
    ) -> Result<(), DecideError> {
        let view = self.view(member)?;
        let paid = view.paid_capital();
        let unpaid = view.unpaid_capital();
        let currency = self.statutes.currency();
        let repayable = if self.statutes.exit().cap_to_equity_share && paid > Decimal::ZERO {
            let equity = equity.ok_or(DecideError::EquityRequired)?;
            let equity = currency.at_scale(equity).map_err(money("equity"))?;
            // The member's share of all members' paid-in capital on the exit date.
            let total = self.ledger.paid_capital_on(effective).max(paid);
            let share = equity.max(Decimal::ZERO) * paid / total;
            currency.truncate(share).min(paid)
        } else {
            paid
        };
        let forfeited = paid - repayable;
        let mut postings = Vec::new();
        for (amount, to) in [
            (unpaid, Account::SubscriptionsReceivable),
            (repayable, Account::RedemptionsPayable),
        ] {
            if amount > Decimal::ZERO {
                postings.push(Posting::debit(Account::MemberCapital, Some(member), amount));
                postings.push(Posting::credit(to, Some(member), amount));
            }
        }
        if forfeited > Decimal::ZERO {
            postings.push(Posting::debit(
                Account::MemberCapital,
                Some(member),
                forfeited,
            ));
            postings.push(Posting::credit(Account::Reserve, None, forfeited));
        }
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::Exited {
            on: self.on,
            effective,
            txn,
            member,
            cause,
            repayable,
            forfeited,
            cancelled: unpaid,
            postings,
        });
        Ok(())
    }

    fn schedule(
        &mut self,
        member: MemberNumber,
        instalments: u32,
        every_months: u32,
        first_due: Option<NaiveDate>,
    ) -> Result<(), DecideError> {
        let record = self.record(member)?;
        let Some((exit_on, _)) = &record.current().exit else {
            return Err(DecideError::Status {
                member,
                status: record.current().status_on(self.on).name(),
                action: "have capital redeemed before leaving",
            });
        };
        if record.schedule.is_some() {
            return Err(DecideError::Redemption {
                member,
                problem: "a redemption is already scheduled",
            });
        }
        let total = record.repayable_at_exit;
        if total <= Decimal::ZERO {
            return Err(DecideError::Redemption {
                member,
                problem: "no capital is repayable",
            });
        }
        if instalments == 0 {
            return Err(DecideError::Zero {
                what: "instalments",
            });
        }
        if instalments > 1 && every_months == 0 {
            return Err(DecideError::Zero {
                what: "months between instalments",
            });
        }
        let earliest = *exit_on + Months::new(self.statutes.exit().payout_delay_months);
        let first = first_due.unwrap_or(earliest);
        if first < earliest {
            return Err(DecideError::RedemptionTooEarly { earliest });
        }
        let parts = allocate(
            total,
            &vec![Decimal::ONE; instalments as usize],
            self.statutes.currency().scale(),
        )
        .map_err(money("redemption"))?;
        let instalments = parts
            .into_iter()
            .enumerate()
            .map(|(k, amount)| Instalment {
                due_on: first + Months::new(every_months.saturating_mul(k as u32)),
                amount,
            })
            .collect();
        self.events.push(Event::RedemptionScheduled {
            on: self.on,
            member,
            instalments,
        });
        Ok(())
    }

    fn pay_redemption(&mut self, member: MemberNumber, amount: Decimal) -> Result<(), DecideError> {
        let amount = self
            .statutes
            .currency()
            .amount(amount)
            .map_err(money("redemption"))?;
        let record = self.record(member)?;
        let Some(schedule) = &record.schedule else {
            return Err(DecideError::Redemption {
                member,
                problem: "no redemption is scheduled",
            });
        };
        let due: Decimal = schedule
            .iter()
            .filter(|i| i.due_on <= self.on)
            .map(|i| i.amount)
            .sum();
        let remaining = record.current().repayable;
        let paid = record.repayable_at_exit - remaining;
        let limit = (due - paid).min(remaining).max(Decimal::ZERO);
        if amount > limit {
            return Err(DecideError::Overpayment {
                member,
                what: "capital due for repayment",
                amount,
                limit,
            });
        }
        let postings = vec![
            Posting::debit(Account::RedemptionsPayable, Some(member), amount),
            Posting::credit(Account::Cash, None, amount),
        ];
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::RedemptionPaid {
            on: self.on,
            txn,
            member,
            amount,
            postings,
        });
        Ok(())
    }

    fn charge_dues(&mut self, period_start: NaiveDate) -> Result<(), DecideError> {
        let year = self.statutes.financial_year();
        let starts = |class: &crate::statutes::MemberClass| {
            class
                .dues()
                .is_some_and(|d| d.period.starts_on(year, period_start))
        };
        if !self.statutes.classes().iter().any(starts) {
            return Err(DecideError::NotAPeriodStart { date: period_start });
        }
        let due_on = period_start.max(self.on);
        let mut charges = Vec::new();
        for record in &self.ledger.members {
            let view = record.current();
            let status = view.status_on(self.on);
            if !(status.is_member() || status == Status::Admitted)
                || self.ledger.books.is_closed(record.number)
            {
                continue;
            }
            for holding in &view.holdings {
                let class = self.class(&holding.class)?;
                let Some(dues) = class.dues().filter(|_| starts(class)) else {
                    continue;
                };
                let charged = record.charges.iter().any(|c| {
                    !c.reversed && c.class == holding.class && c.period_start == period_start
                });
                if !charged {
                    let grace_until = due_on + chrono::Days::new(u64::from(dues.grace_days));
                    charges.push((
                        record.number,
                        holding.class.clone(),
                        dues.amount,
                        grace_until,
                    ));
                }
            }
        }
        for (member, class, amount, grace_until) in charges {
            let amount = self
                .statutes
                .currency()
                .at_scale(amount)
                .map_err(money("dues"))?;
            let postings = vec![
                Posting::debit(Account::DuesReceivable, Some(member), amount),
                Posting::credit(Account::DuesIncome, None, amount),
            ];
            self.check(&postings)?;
            let txn = self.txn();
            self.events.push(Event::DuesCharged {
                on: self.on,
                txn,
                member,
                class,
                period_start,
                due_on,
                grace_until,
                amount,
                postings,
            });
        }
        Ok(())
    }

    fn record_surplus(&mut self, year: NaiveDate, amount: Decimal) -> Result<(), DecideError> {
        let fy = self.statutes.financial_year();
        let start = fy.start_of(year);
        if self.on <= fy.end_of(year) {
            return Err(DecideError::Year {
                year: start,
                problem: "is not over yet; record its surplus from the adopted accounts",
            });
        }
        if self.ledger.surpluses.contains_key(&start) {
            return Err(DecideError::Year {
                year: start,
                problem: "its surplus is already recorded (reverse it to correct it)",
            });
        }
        let amount = self
            .statutes
            .currency()
            .amount(amount)
            .map_err(money("surplus"))?;
        let postings = vec![
            Posting::debit(Account::Operations, None, amount),
            Posting::credit(Account::Surplus, None, amount),
        ];
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::SurplusRecorded {
            on: self.on,
            txn,
            year: start,
            amount,
            postings,
        });
        Ok(())
    }

    fn allocate_surplus(
        &mut self,
        year: NaiveDate,
        reserve_share: Decimal,
        interest_rate: Decimal,
    ) -> Result<(), DecideError> {
        let fy = self.statutes.financial_year();
        let start = fy.start_of(year);
        let Some(record) = self.ledger.surpluses.get(&start) else {
            return Err(DecideError::Year {
                year: start,
                problem: "has no recorded surplus",
            });
        };
        if record.allocated {
            return Err(DecideError::Year {
                year: start,
                problem: "its surplus is already allocated",
            });
        }
        let rules = self.statutes.capital();
        if reserve_share < rules.min_reserve || reserve_share > Decimal::ONE {
            return Err(DecideError::Rate {
                what: "reserve share",
                value: reserve_share,
                min: rules.min_reserve,
                max: Decimal::ONE,
            });
        }
        if interest_rate < Decimal::ZERO || interest_rate > rules.interest_cap {
            return Err(DecideError::Rate {
                what: "interest rate",
                value: interest_rate,
                min: Decimal::ZERO,
                max: rules.interest_cap,
            });
        }
        let plan = surplus::plan(
            self.ledger,
            self.statutes,
            start,
            record.amount,
            reserve_share,
            interest_rate,
        )?;
        let mut postings = vec![Posting::debit(Account::Surplus, None, record.amount)];
        if plan.reserve > Decimal::ZERO {
            postings.push(Posting::credit(Account::Reserve, None, plan.reserve));
        }
        for (shares, account) in [
            (&plan.interest, Account::InterestPayable),
            (&plan.refunds, Account::RefundsPayable),
        ] {
            for share in shares {
                postings.push(Posting::credit(account, Some(share.member), share.amount));
            }
        }
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::SurplusAllocated {
            on: self.on,
            txn,
            year: start,
            reserve: plan.reserve,
            interest_rate,
            interest: plan.interest,
            refunds: plan.refunds,
            postings,
        });
        Ok(())
    }

    fn pay_allocation(
        &mut self,
        member: MemberNumber,
        what: Payout,
        amount: Decimal,
    ) -> Result<(), DecideError> {
        self.view(member)?;
        let amount = self
            .statutes
            .currency()
            .amount(amount)
            .map_err(money("payout"))?;
        let account = match what {
            Payout::Interest => Account::InterestPayable,
            Payout::Refund => Account::RefundsPayable,
        };
        let limit = self.ledger.books.balance(account, Some(member));
        if amount > limit {
            return Err(DecideError::Overpayment {
                member,
                what: match what {
                    Payout::Interest => "interest payable",
                    Payout::Refund => "refund payable",
                },
                amount,
                limit,
            });
        }
        let postings = vec![
            Posting::debit(account, Some(member), amount),
            Posting::credit(Account::Cash, None, amount),
        ];
        self.check(&postings)?;
        let txn = self.txn();
        self.events.push(Event::AllocationPaid {
            on: self.on,
            txn,
            member,
            what,
            amount,
            postings,
        });
        Ok(())
    }

    fn reverse(
        &mut self,
        txn: TxnId,
        reason: Correction,
        note: String,
        amount: Option<Decimal>,
    ) -> Result<(), DecideError> {
        text(&note, "note")?;
        let original = self
            .ledger
            .txns
            .get(txn.index())
            .ok_or(DecideError::UnknownTxn { txn })?;
        let kind = original.origin.name();
        let refusal = |problem| DecideError::NotReversible { txn, kind, problem };
        match &original.origin {
            Origin::Reversal => return Err(DecideError::ReversalOfReversal { txn }),
            Origin::Transfer => return Err(refusal("transfer the shares back instead")),
            Origin::Exit => {
                return Err(refusal(
                    "an exit stands; if it was a mistake, the person may apply again",
                ));
            }
            Origin::Allocation => return Err(refusal("an allocation stands once recorded")),
            _ => {}
        }
        let is_payment = matches!(original.origin, Origin::Payment { .. });
        if reason == Correction::Refund && !is_payment {
            return Err(refusal(
                "only payments can be refunded; reverse it as a duplicate or an error",
            ));
        }
        let left = original.amount - original.reversed;
        if left <= Decimal::ZERO {
            return Err(DecideError::AlreadyReversed { txn });
        }
        let amount = match amount {
            None => left,
            Some(_) if !is_payment => {
                return Err(refusal("only payments can be reversed in part"));
            }
            Some(amount) => {
                let amount = self
                    .statutes
                    .currency()
                    .amount(amount)
                    .map_err(money("refund"))?;
                if amount > left {
                    return Err(DecideError::RefundExceedsPayment {
                        txn,
                        amount,
                        refundable: left,
                    });
                }
                amount
            }
        };
        let lines = self.ledger.postings_of(original);
        let postings: Vec<Posting> = if amount == original.amount {
            lines.iter().map(Posting::reversed).collect()
        } else {
            // Payments post the same amount on both lines, so the part is exact.
            lines
                .iter()
                .map(|p| Posting {
                    amount,
                    ..p.reversed()
                })
                .collect()
        };
        self.check_reversal(&original.origin, amount)?;
        self.check(&postings)?;
        let id = self.txn();
        self.events.push(Event::Reversed {
            on: self.on,
            txn: id,
            original: txn,
            reason,
            note,
            amount,
            postings,
        });
        Ok(())
    }

    /// What the member views must allow for a reversal, checked before the books so
    /// the error names the holding rather than an account.
    fn check_reversal(&self, origin: &Origin, amount: Decimal) -> Result<(), DecideError> {
        match origin {
            Origin::Payment {
                member,
                purpose: Purpose::Capital { class },
                ..
            } => {
                let view = self.view(*member)?;
                let paid = view.holding(class).map(|h| h.paid).unwrap_or_default();
                if paid < amount {
                    return Err(DecideError::Redemption {
                        member: *member,
                        problem: "the capital this payment paid in has left the holding (exit or transfer), so it cannot be refunded",
                    });
                }
            }
            Origin::Subscription { member, class, .. } => {
                let view = self.view(*member)?;
                let unpaid = view
                    .holding(class)
                    .map(|h| h.subscribed - h.paid)
                    .unwrap_or_default();
                if unpaid < amount {
                    return Err(DecideError::Redemption {
                        member: *member,
                        problem: "these shares are paid in; refund the payment before cancelling the subscription",
                    });
                }
            }
            Origin::Surplus { year }
                if self.ledger.surpluses.get(year).is_some_and(|s| s.allocated) =>
            {
                return Err(DecideError::Year {
                    year: *year,
                    problem: "its surplus is allocated and cannot be reversed",
                });
            }
            _ => {}
        }
        Ok(())
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
