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
    #[allow(clippy::too_many_lines)]
    fn apply_checked(&mut self, event: &Event, statutes: &Statutes) -> Result<(), ApplyError> {
        match event {
            Event::StatutesAdopted { .. } => Err(ApplyError::StatutesAgain),
            Event::Applied {
                on,
                member,
                name,
                person,
                class,
            } => {
                if *member != self.next_member() {
                    return Err(ApplyError::Member {
                        member: *member,
                        problem: "is not the next member number",
                    });
                }
                self.members.push(MemberRecord::new(
                    *member,
                    name,
                    person.clone(),
                    class.clone(),
                    *on,
                ));
                Ok(())
            }
            Event::Admitted { on, member, class } => {
                self.known(*member)?;
                let record = self.records_mut(*member)?;
                record.update(*on, |view| {
                    view.admitted_on.get_or_insert(*on);
                    view.refused_on = None;
                    if view.holding(class).is_none() {
                        view.holdings.push(Holding {
                            class: class.clone(),
                            admitted_on: *on,
                            shares: 0,
                            subscribed: Decimal::ZERO,
                            paid: Decimal::ZERO,
                        });
                    }
                });
                Ok(())
            }
            Event::Refused { on, member, .. } => {
                self.records_mut(*member)?
                    .update(*on, |view| view.refused_on = Some(*on));
                Ok(())
            }
            Event::SharesSubscribed {
                on,
                member,
                class,
                shares,
                amount,
                ..
            } => {
                self.holding_of(*member, class)?;
                self.records_mut(*member)?.update(*on, |view| {
                    if let Some(h) = view.holding_mut(class) {
                        h.shares += shares;
                        h.subscribed += amount;
                    }
                });
                self.push_txn(
                    event,
                    Origin::Subscription {
                        member: *member,
                        class: class.clone(),
                        shares: *shares,
                    },
                    *amount,
                );
                Ok(())
            }
            Event::PaymentRecorded {
                on,
                txn,
                key,
                member,
                purpose,
                amount,
                ..
            } => {
                if self.payments.contains_key(key) {
                    return Err(ApplyError::PaymentKey { key: key.clone() });
                }
                if let Purpose::Capital { class } = purpose {
                    self.holding_of(*member, class)?;
                }
                self.pay(*on, *member, purpose, *amount, statutes)?;
                self.payments.insert(key.clone(), *txn);
                self.push_txn(
                    event,
                    Origin::Payment {
                        member: *member,
                        purpose: purpose.clone(),
                    },
                    *amount,
                );
                Ok(())
            }
            Event::SharesTransferred {
                on,
                from,
                to,
                class,
                shares,
                amount,
                ..
            } => {
                let giver = self.holding_of(*from, class)?;
                self.holding_of(*to, class)?;
                if giver.shares < *shares || giver.paid < *amount {
                    return Err(ApplyError::Negative {
                        member: *from,
                        what: "the holding",
                    });
                }
                self.records_mut(*from)?.update(*on, |view| {
                    if let Some(h) = view.holding_mut(class) {
                        h.shares -= shares;
                        h.subscribed -= amount;
                        h.paid -= amount;
                    }
                    view.refresh_effective(statutes, *on);
                });
                self.records_mut(*to)?.update(*on, |view| {
                    if let Some(h) = view.holding_mut(class) {
                        h.shares += shares;
                        h.subscribed += amount;
                        h.paid += amount;
                    }
                    view.refresh_effective(statutes, *on);
                });
                self.push_txn(event, Origin::Transfer, *amount);
                Ok(())
            }
            Event::ClassConverted {
                on,
                member,
                from,
                to,
                shares,
            } => {
                let old = self.holding_of(*member, from)?.clone();
                self.records_mut(*member)?.update(*on, |view| {
                    view.holdings.retain(|h| &h.class != from);
                    view.holdings.push(Holding {
                        class: to.clone(),
                        admitted_on: *on,
                        shares: *shares,
                        subscribed: old.subscribed,
                        paid: old.paid,
                    });
                    view.refresh_effective(statutes, *on);
                });
                Ok(())
            }
            Event::Suspended { on, member, .. } => {
                self.records_mut(*member)?
                    .update(*on, |view| view.suspended_since = Some(*on));
                Ok(())
            }
            Event::Reinstated { on, member } => {
                self.records_mut(*member)?
                    .update(*on, |view| view.suspended_since = None);
                Ok(())
            }
            Event::Resigned {
                on,
                member,
                exit_on,
            } => {
                self.records_mut(*member)?
                    .update(*on, |view| view.notice = Some((*on, *exit_on)));
                Ok(())
            }
            Event::Exited {
                on,
                effective,
                member,
                cause,
                repayable,
                ..
            } => {
                if effective > on {
                    return Err(ApplyError::Member {
                        member: *member,
                        problem: "cannot have an exit recorded before it takes effect",
                    });
                }
                let record = self.records_mut(*member)?;
                record.repayable_at_exit = *repayable;
                record.update(*on, |view| {
                    view.exit = Some((*effective, cause.clone()));
                    for holding in &mut view.holdings {
                        holding.shares = 0;
                        holding.subscribed = Decimal::ZERO;
                        holding.paid = Decimal::ZERO;
                    }
                    view.effective_since = None;
                    view.repayable = *repayable;
                });
                self.push_txn(event, Origin::Exit, *repayable);
                Ok(())
            }
            Event::RedemptionScheduled {
                member,
                instalments,
                ..
            } => {
                let record = self.records_mut(*member)?;
                let total: Decimal = instalments.iter().map(|i| i.amount).sum();
                if total != record.repayable_at_exit || record.schedule.is_some() {
                    return Err(ApplyError::Member {
                        member: *member,
                        problem: "has a redemption schedule that does not match the capital repayable",
                    });
                }
                record.schedule = Some(instalments.clone());
                Ok(())
            }
            Event::RedemptionPaid {
                on, member, amount, ..
            } => {
                self.change_figure(
                    *member,
                    *on,
                    "capital repayable",
                    |v| &mut v.repayable,
                    -*amount,
                )?;
                self.push_txn(event, Origin::Redemption { member: *member }, *amount);
                Ok(())
            }
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
                self.known(*member)?;
                let record = self.records_mut(*member)?;
                record.charges.push(Charge {
                    txn: *txn,
                    class: class.clone(),
                    period_start: *period_start,
                    grace_until: *grace_until,
                    amount: *amount,
                    reversed: false,
                });
                self.change_dues(*member, *on, *amount)?;
                self.push_txn(event, Origin::Dues { member: *member }, *amount);
                Ok(())
            }
            Event::PatronageRecorded { on, member, amount } => {
                if *amount < Decimal::ZERO {
                    return Err(ApplyError::Negative {
                        member: *member,
                        what: "patronage",
                    });
                }
                self.records_mut(*member)?.patronage.push((*on, *amount));
                Ok(())
            }
            Event::SurplusRecorded {
                txn, year, amount, ..
            } => {
                if self.surpluses.contains_key(year) {
                    return Err(ApplyError::Year {
                        year: *year,
                        problem: "its surplus is already recorded",
                    });
                }
                self.surpluses.insert(
                    *year,
                    SurplusRecord {
                        amount: *amount,
                        txn: *txn,
                        allocated: false,
                    },
                );
                self.push_txn(event, Origin::Surplus { year: *year }, *amount);
                Ok(())
            }
            Event::SurplusAllocated {
                on,
                year,
                interest,
                refunds,
                ..
            } => {
                match self.surpluses.get_mut(year) {
                    Some(record) if !record.allocated => record.allocated = true,
                    _ => {
                        return Err(ApplyError::Year {
                            year: *year,
                            problem: "has no unallocated surplus",
                        });
                    }
                }
                for share in interest.iter().chain(refunds) {
                    self.change_figure(
                        share.member,
                        *on,
                        "allocations payable",
                        |v| &mut v.allocations_payable,
                        share.amount,
                    )?;
                }
                let total = self
                    .surpluses
                    .get(year)
                    .map(|r| r.amount)
                    .unwrap_or_default();
                self.push_txn(event, Origin::Allocation, total);
                Ok(())
            }
            Event::AllocationPaid {
                on, member, amount, ..
            } => {
                self.change_figure(
                    *member,
                    *on,
                    "allocations payable",
                    |v| &mut v.allocations_payable,
                    -*amount,
                )?;
                self.push_txn(event, Origin::AllocationPaid { member: *member }, *amount);
                Ok(())
            }
            Event::Reversed {
                on,
                original,
                amount,
                ..
            } => {
                self.undo(*on, *original, *amount, statutes)?;
                self.push_txn(event, Origin::Reversal, *amount);
                Ok(())
            }
            Event::AccountsClosed { member, .. } => {
                self.known(*member)?;
                if !self.books.member_settled(*member) {
                    return Err(ApplyError::Member {
                        member: *member,
                        problem: "still has balances, so its accounts cannot close",
                    });
                }
                self.books.close(*member);
                Ok(())
            }
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

    fn pay(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        purpose: &Purpose,
        amount: Decimal,
        statutes: &Statutes,
    ) -> Result<(), ApplyError> {
        match purpose {
            Purpose::Capital { class } => {
                let holding = self.holding_of(member, class)?;
                if holding.paid + amount > holding.subscribed
                    || holding.paid + amount < Decimal::ZERO
                {
                    return Err(ApplyError::Negative {
                        member,
                        what: "unpaid capital",
                    });
                }
                self.records_mut(member)?.update(on, |view| {
                    if let Some(h) = view.holding_mut(class) {
                        h.paid += amount;
                    }
                    view.refresh_effective(statutes, on);
                });
                Ok(())
            }
            Purpose::Dues => self.change_dues(member, on, -amount),
        }
    }

    fn change_dues(
        &mut self,
        member: MemberNumber,
        on: NaiveDate,
        change: Decimal,
    ) -> Result<(), ApplyError> {
        let record = self.records_mut(member)?;
        let outstanding = record.current().dues_outstanding + change;
        if outstanding < Decimal::ZERO {
            return Err(ApplyError::Negative {
                member,
                what: "dues outstanding",
            });
        }
        let grace = record.oldest_unpaid_grace(outstanding);
        record.update(on, |view| {
            view.dues_outstanding = outstanding;
            view.grace_until = grace;
        });
        Ok(())
    }

    fn change_figure(
        &mut self,
        member: MemberNumber,
        on: NaiveDate,
        what: &'static str,
        figure: impl Fn(&mut MemberView) -> &mut Decimal,
        change: Decimal,
    ) -> Result<(), ApplyError> {
        let record = self.records_mut(member)?;
        let mut probe = record.current().clone();
        let after = *figure(&mut probe) + change;
        if after < Decimal::ZERO {
            return Err(ApplyError::Negative { member, what });
        }
        record.update(on, |view| *figure(view) = after);
        Ok(())
    }

    /// Undoes `amount` of transaction `original` in the member views (the books are
    /// undone by the reversal's own postings).
    fn undo(
        &mut self,
        on: NaiveDate,
        original: TxnId,
        amount: Decimal,
        statutes: &Statutes,
    ) -> Result<(), ApplyError> {
        let Some(record) = self.txns.get(original.index()) else {
            return Err(ApplyError::Txn {
                txn: original,
                problem: "does not exist",
            });
        };
        if record.reversed + amount > record.amount || matches!(record.origin, Origin::Reversal) {
            return Err(ApplyError::Txn {
                txn: original,
                problem: "cannot be reversed by that much",
            });
        }
        match record.origin.clone() {
            Origin::Subscription {
                member,
                class,
                shares,
            } => {
                let holding = self.holding_of(member, &class)?;
                if holding.shares < shares || holding.subscribed - holding.paid < amount {
                    return Err(ApplyError::Negative {
                        member,
                        what: "unpaid capital",
                    });
                }
                self.records_mut(member)?.update(on, |view| {
                    if let Some(h) = view.holding_mut(&class) {
                        h.shares -= shares;
                        h.subscribed -= amount;
                    }
                });
            }
            Origin::Payment {
                member, purpose, ..
            } => self.pay(on, member, &purpose, -amount, statutes)?,
            Origin::Dues { member } => {
                let record = self.records_mut(member)?;
                if let Some(charge) = record.charges.iter_mut().find(|c| c.txn == original) {
                    charge.reversed = true;
                }
                self.change_dues(member, on, -amount)?;
            }
            Origin::Redemption { member } => {
                self.change_figure(
                    member,
                    on,
                    "capital repayable",
                    |v| &mut v.repayable,
                    amount,
                )?;
            }
            Origin::AllocationPaid { member } => {
                self.change_figure(
                    member,
                    on,
                    "allocations payable",
                    |v| &mut v.allocations_payable,
                    amount,
                )?;
            }
            Origin::Surplus { year } => {
                if self.surpluses.get(&year).is_some_and(|s| s.allocated) {
                    return Err(ApplyError::Year {
                        year,
                        problem: "its surplus is allocated and cannot be reversed",
                    });
                }
                self.surpluses.remove(&year);
            }
            Origin::Transfer | Origin::Exit | Origin::Allocation | Origin::Reversal => {
                return Err(ApplyError::Txn {
                    txn: original,
                    problem: "cannot be reversed",
                });
            }
        }
        if let Some(record) = self.txns.get_mut(original.index()) {
            record.reversed += amount;
        }
        Ok(())
    }
}
