//! The ledger's state and `apply`: each event folded in, with the double-entry checks
//! every money event passes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::books::{Books, PostingError};
use crate::event::{Event, Purpose};
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::member::{Charge, Holding, MemberRecord, MemberView};
use crate::statutes::Statutes;

mod exit;
mod membership;
mod money;
mod year;

/// A cooperative's membership ledger: the statutes, every member's history, and the
/// books, all derived from its events.
///
/// Build one by applying events in order ([`Ledger::apply`]), and change it by deciding
/// commands ([`Ledger::decide`]) and applying the events they return. Questions are
/// answered as of a date: [`Ledger::register`], [`Ledger::roll`],
/// [`Ledger::statement`], [`Ledger::balances`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub(crate) statutes: Option<Arc<Statutes>>,
    pub(crate) members: Vec<MemberRecord>,
    pub(crate) txns: Vec<TxnRecord>,
    /// Every transaction's postings, one after another (a transaction holds its range).
    pub(crate) postings: Vec<crate::books::Posting>,
    pub(crate) books: Books,
    pub(crate) payments: HashMap<PaymentKey, TxnId, crate::fx::BuildFx>,
    pub(crate) surpluses: BTreeMap<NaiveDate, SurplusRecord>,
    pub(crate) latest: Option<NaiveDate>,
    pub(crate) events: u64,
    /// All members' paid-in capital after each date it changed, in date order.
    pub(crate) paid_capital: Vec<(NaiveDate, Decimal)>,
}

/// A money transaction, as reversals need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TxnRecord {
    pub(crate) on: NaiveDate,
    pub(crate) origin: Origin,
    /// Where its postings lie in [`Ledger::postings`].
    pub(crate) postings: std::ops::Range<usize>,
    pub(crate) amount: Decimal,
    /// How much of it later reversals undid.
    pub(crate) reversed: Decimal,
}

/// What a transaction was, with what undoing it touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    Subscription {
        member: MemberNumber,
        class: ClassId,
        shares: u32,
    },
    Payment {
        member: MemberNumber,
        purpose: Purpose,
    },
    Transfer,
    Exit,
    Redemption {
        member: MemberNumber,
    },
    Dues {
        member: MemberNumber,
    },
    Surplus {
        year: NaiveDate,
    },
    Allocation,
    AllocationPaid {
        member: MemberNumber,
    },
    Reversal,
}

impl Origin {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Origin::Subscription { .. } => "share subscription",
            Origin::Payment { .. } => "payment",
            Origin::Transfer => "share transfer",
            Origin::Exit => "exit",
            Origin::Redemption { .. } => "redemption payment",
            Origin::Dues { .. } => "dues charge",
            Origin::Surplus { .. } => "surplus",
            Origin::Allocation => "surplus allocation",
            Origin::AllocationPaid { .. } => "allocation payout",
            Origin::Reversal => "reversal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SurplusRecord {
    pub(crate) amount: Decimal,
    pub(crate) txn: TxnId,
    pub(crate) allocated: bool,
}

/// An event the ledger cannot apply: the journal it came from breaks the ledger's
/// rules (it was not written by [`Ledger::decide`], or it was edited).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// An event before the statutes.
    #[error("the ledger has no statutes yet: its first event must adopt them")]
    NoStatutes,
    /// Statutes adopted twice.
    #[error("the statutes were already adopted")]
    StatutesAgain,
    /// The statutes in the event do not check.
    #[error(transparent)]
    Statutes(#[from] crate::statutes::StatutesError),
    /// An event dated before one already applied.
    #[error(
        "an event dated {on} comes after one dated {latest}: the register is kept in date order"
    )]
    BackDated {
        /// The event's date.
        on: NaiveDate,
        /// The latest date applied.
        latest: NaiveDate,
    },
    /// A member number out of order or unknown.
    #[error("member {member} {problem}")]
    Member {
        /// The number.
        member: MemberNumber,
        /// What is wrong.
        problem: &'static str,
    },
    /// A transaction number out of order or unknown.
    #[error("transaction {txn} {problem}")]
    Txn {
        /// The number.
        txn: TxnId,
        /// What is wrong.
        problem: &'static str,
    },
    /// Postings that break double entry.
    #[error("transaction {txn} breaks double entry")]
    Postings {
        /// The transaction.
        txn: TxnId,
        /// The rule broken.
        source: PostingError,
    },
    /// A payment key used twice.
    #[error("payment key `{key}` is already used")]
    PaymentKey {
        /// The key.
        key: PaymentKey,
    },
    /// A class the member does not hold, or the statutes do not know.
    #[error("member {member} holds no shares of class `{class}`")]
    Holding {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
    },
    /// A holding, schedule or figure would go below zero.
    #[error("member {member}: {what} would go below zero")]
    Negative {
        /// The member.
        member: MemberNumber,
        /// Which figure.
        what: &'static str,
    },
    /// A surplus year recorded twice, allocated before being recorded, and the like.
    #[error("financial year starting {year}: {problem}")]
    Year {
        /// The year's first day.
        year: NaiveDate,
        /// What is wrong.
        problem: &'static str,
    },
}

impl Ledger {
    /// The postings of a recorded transaction.
    pub(crate) fn postings_of(&self, txn: &TxnRecord) -> &[crate::books::Posting] {
        self.postings.get(txn.postings.clone()).unwrap_or(&[])
    }

    /// An empty ledger, waiting for its statutes.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// The statutes, once adopted.
    pub fn statutes(&self) -> Option<&Statutes> {
        self.statutes.as_deref()
    }

    /// How many events were applied.
    pub fn event_count(&self) -> u64 {
        self.events
    }

    /// The books: balances of every account now.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// The number the next applicant gets.
    pub fn next_member(&self) -> MemberNumber {
        MemberNumber::from_index(self.members.len())
    }

    /// The number the next money transaction gets.
    pub fn next_txn(&self) -> TxnId {
        TxnId::from_index(self.txns.len())
    }

    /// The date of the latest event: new events may not be dated earlier.
    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.latest
    }

    /// The member numbered `member`, as of now.
    pub fn member(&self, member: MemberNumber) -> Option<&MemberView> {
        self.record(member).map(MemberRecord::current)
    }

    /// The member's name.
    pub fn member_name(&self, member: MemberNumber) -> Option<&str> {
        self.record(member).map(|r| &*r.name)
    }

    pub(crate) fn record(&self, member: MemberNumber) -> Option<&MemberRecord> {
        self.members.get(member.index())
    }

    /// Folds one event into the ledger.
    ///
    /// Events from [`Ledger::decide`] always apply. An event that does not (from an
    /// edited or foreign journal) may leave the ledger half-changed: stop there and
    /// discard it, as a replay does.
    ///
    /// # Errors
    ///
    /// An event that breaks the ledger's rules: out of date order, before the
    /// statutes, numbered out of turn, naming an unknown member, or with postings that do
    /// not balance, post to a closed account or take a holding below zero.
    pub fn apply(&mut self, event: &Event) -> Result<(), ApplyError> {
        let on = event.on();
        if let Some(latest) = self.latest
            && on < latest
        {
            return Err(ApplyError::BackDated { on, latest });
        }
        let statutes = match (&self.statutes, event) {
            (None, Event::StatutesAdopted { statutes, .. }) => {
                statutes.check()?;
                self.statutes = Some(Arc::new((**statutes).clone()));
                self.finish(on);
                return Ok(());
            }
            (None, _) => return Err(ApplyError::NoStatutes),
            (Some(_), Event::StatutesAdopted { .. }) => return Err(ApplyError::StatutesAgain),
            (Some(statutes), _) => Arc::clone(statutes),
        };
        self.check_money(event, &statutes)?;
        self.apply_checked(event, &statutes)?;
        if let Some((_, postings)) = event.money() {
            self.books.post(postings);
            self.note_paid_capital(on);
        }
        self.finish(on);
        Ok(())
    }

    fn note_paid_capital(&mut self, on: NaiveDate) {
        let total = self.books.total(crate::books::Account::MemberCapital)
            - self
                .books
                .total(crate::books::Account::SubscriptionsReceivable);
        match self.paid_capital.last_mut() {
            Some((_, last)) if *last == total => {}
            Some((date, last)) if *date == on => *last = total,
            _ => self.paid_capital.push((on, total)),
        }
    }

    /// All members' paid-in capital at the end of `date`.
    pub fn paid_capital_on(&self, date: NaiveDate) -> Decimal {
        let after = self.paid_capital.partition_point(|(on, _)| *on <= date);
        after
            .checked_sub(1)
            .map_or(Decimal::ZERO, |i| self.paid_capital[i].1)
    }

    fn finish(&mut self, on: NaiveDate) {
        self.latest = Some(on);
        self.events += 1;
    }

    fn check_money(&self, event: &Event, statutes: &Statutes) -> Result<(), ApplyError> {
        let Some((txn, postings)) = event.money() else {
            return Ok(());
        };
        if txn != self.next_txn() {
            return Err(ApplyError::Txn {
                txn,
                problem: "is out of turn",
            });
        }
        self.books
            .check(postings, statutes.currency())
            .map_err(|source| ApplyError::Postings { txn, source })
    }

    fn known(&self, member: MemberNumber) -> Result<(), ApplyError> {
        if self.record(member).is_some() {
            Ok(())
        } else {
            Err(ApplyError::Member {
                member,
                problem: "has not applied",
            })
        }
    }

    fn push_txn(&mut self, event: &Event, origin: Origin, amount: Decimal) {
        if let Some((_, postings)) = event.money() {
            let start = self.postings.len();
            self.postings.extend_from_slice(postings);
            self.txns.push(TxnRecord {
                on: event.on(),
                origin,
                postings: start..self.postings.len(),
                amount,
                reversed: Decimal::ZERO,
            });
        }
    }

    fn records_mut(&mut self, member: MemberNumber) -> Result<&mut MemberRecord, ApplyError> {
        self.members
            .get_mut(member.index())
            .ok_or(ApplyError::Member {
                member,
                problem: "has not applied",
            })
    }

    /// Applies an event whose date and postings passed the checks; every member-level
    /// check runs before anything changes.
    ///
    /// Money events move member figures and record a transaction (kept for reversals);
    /// the others change member records only. Each event's handler sits with its family,
    /// beside the `decide` module of the same name (`membership`, `exit`, `money`,
    /// `year`).
    fn apply_checked(&mut self, event: &Event, statutes: &Statutes) -> Result<(), ApplyError> {
        match self.apply_money(event, statutes)? {
            Some((origin, amount)) => {
                self.push_txn(event, origin, amount);
                Ok(())
            }
            None => self.apply_records(event, statutes),
        }
    }

    /// Applies a money event (one with postings), answering with the transaction to
    /// record; `None`, having changed nothing, for any other event.
    fn apply_money(
        &mut self,
        event: &Event,
        statutes: &Statutes,
    ) -> Result<Option<(Origin, Decimal)>, ApplyError> {
        let txn = match event {
            Event::SharesSubscribed {
                on,
                member,
                class,
                shares,
                amount,
                ..
            } => self.subscribed(*on, *member, class, *shares, *amount)?,
            Event::PaymentRecorded {
                on,
                txn,
                key,
                member,
                purpose,
                amount,
                ..
            } => self.payment_recorded(*on, (*txn, key), *member, purpose, *amount, statutes)?,
            Event::SharesTransferred {
                on,
                from,
                to,
                class,
                shares,
                amount,
                ..
            } => self.transferred(*on, (*from, *to), class, *shares, *amount, statutes)?,
            Event::Exited {
                on,
                effective,
                member,
                cause,
                repayable,
                ..
            } => self.exited(*on, *effective, *member, cause, *repayable)?,
            Event::RedemptionPaid {
                on, member, amount, ..
            } => self.redemption_paid(*on, *member, *amount)?,
            Event::DuesCharged {
                on,
                txn,
                member,
                class,
                period_start,
                grace_until,
                amount,
                ..
            } => {
                let charge = Charge {
                    txn: *txn,
                    class: class.clone(),
                    period_start: *period_start,
                    grace_until: *grace_until,
                    amount: *amount,
                    reversed: false,
                };
                self.dues_charged(*on, *member, charge)?
            }
            Event::SurplusRecorded {
                txn, year, amount, ..
            } => self.surplus_recorded(*txn, *year, *amount)?,
            Event::SurplusAllocated {
                on,
                year,
                interest,
                refunds,
                ..
            } => self.surplus_allocated(*on, *year, interest, refunds)?,
            Event::AllocationPaid {
                on, member, amount, ..
            } => self.allocation_paid(*on, *member, *amount)?,
            Event::Reversed {
                on,
                original,
                amount,
                ..
            } => self.reversed(*on, *original, *amount, statutes)?,
            Event::StatutesAdopted { .. }
            | Event::Applied { .. }
            | Event::Admitted { .. }
            | Event::Refused { .. }
            | Event::ClassConverted { .. }
            | Event::Suspended { .. }
            | Event::Reinstated { .. }
            | Event::Resigned { .. }
            | Event::RedemptionScheduled { .. }
            | Event::PatronageRecorded { .. }
            | Event::AccountsClosed { .. } => return Ok(None),
        };
        Ok(Some(txn))
    }

    /// Applies an event without money: it changes member records only.
    fn apply_records(&mut self, event: &Event, statutes: &Statutes) -> Result<(), ApplyError> {
        match event {
            Event::StatutesAdopted { .. } => Err(ApplyError::StatutesAgain),
            Event::Applied {
                on,
                member,
                name,
                person,
                class,
            } => self.applied(*on, *member, name, person, class),
            Event::Admitted { on, member, class } => self.admitted(*on, *member, class),
            Event::Refused { on, member, .. } => self.refused(*on, *member),
            Event::ClassConverted {
                on,
                member,
                from,
                to,
                shares,
            } => self.converted(*on, *member, from, to, *shares, statutes),
            Event::Suspended { on, member, .. } => self.suspended(*on, *member),
            Event::Reinstated { on, member } => self.reinstated(*on, *member),
            Event::Resigned {
                on,
                member,
                exit_on,
            } => self.resigned(*on, *member, *exit_on),
            Event::RedemptionScheduled {
                member,
                instalments,
                ..
            } => self.redemption_scheduled(*member, instalments),
            Event::PatronageRecorded { on, member, amount } => {
                self.patronage_recorded(*on, *member, *amount)
            }
            Event::AccountsClosed { member, .. } => self.accounts_closed(*member),
            // Applied by `apply_money`.
            Event::SharesSubscribed { .. }
            | Event::PaymentRecorded { .. }
            | Event::SharesTransferred { .. }
            | Event::Exited { .. }
            | Event::RedemptionPaid { .. }
            | Event::DuesCharged { .. }
            | Event::SurplusRecorded { .. }
            | Event::SurplusAllocated { .. }
            | Event::AllocationPaid { .. }
            | Event::Reversed { .. } => Ok(()),
        }
    }

    fn holding_of(&self, member: MemberNumber, class: &ClassId) -> Result<&Holding, ApplyError> {
        self.known(member)?;
        self.record(member)
            .and_then(|r| r.current().holding(class))
            .ok_or_else(|| ApplyError::Holding {
                member,
                class: class.clone(),
            })
    }
}
