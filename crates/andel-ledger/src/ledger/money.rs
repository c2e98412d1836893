//! Applying money in and out: payments (once per key), dues, allocation payouts and
//! reversals, with the member figures each one moves (decided in `decide/money.rs`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ApplyError, Ledger, Origin};
use crate::event::Purpose;
use crate::ids::{MemberNumber, PaymentKey, TxnId};
use crate::member::{Charge, MemberView};
use crate::statutes::Statutes;

impl Ledger {
    /// A payment is taken once per key, toward capital already subscribed or dues
    /// already charged.
    pub(super) fn payment_recorded(
        &mut self,
        on: NaiveDate,
        (txn, key): (TxnId, &PaymentKey),
        member: MemberNumber,
        purpose: &Purpose,
        amount: Decimal,
        statutes: &Statutes,
    ) -> Result<(Origin, Decimal), ApplyError> {
        if self.payments.contains_key(key) {
            return Err(ApplyError::PaymentKey { key: key.clone() });
        }
        if let Purpose::Capital { class } = purpose {
            self.holding_of(member, class)?;
        }
        self.pay(on, member, purpose, amount, statutes)?;
        self.payments.insert(key.clone(), txn);
        let origin = Origin::Payment {
            member,
            purpose: purpose.clone(),
        };
        Ok((origin, amount))
    }

    /// A dues charge is kept (reversals mark it) and adds to what the member owes.
    pub(super) fn dues_charged(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        charge: Charge,
    ) -> Result<(Origin, Decimal), ApplyError> {
        self.known(member)?;
        let amount = charge.amount;
        self.records_mut(member)?.charges.push(charge);
        self.change_dues(member, on, amount)?;
        Ok((Origin::Dues { member }, amount))
    }

    pub(super) fn allocation_paid(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        amount: Decimal,
    ) -> Result<(Origin, Decimal), ApplyError> {
        self.change_figure(
            member,
            on,
            "allocations payable",
            |v| &mut v.allocations_payable,
            -amount,
        )?;
        Ok((Origin::AllocationPaid { member }, amount))
    }

    pub(super) fn reversed(
        &mut self,
        on: NaiveDate,
        original: TxnId,
        amount: Decimal,
        statutes: &Statutes,
    ) -> Result<(Origin, Decimal), ApplyError> {
        self.undo(on, original, amount, statutes)?;
        Ok((Origin::Reversal, amount))
    }

    pub(super) fn pay(
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

    pub(super) fn change_dues(
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

    /// Changes one of a member's money figures, refusing to take it below zero.
    pub(super) fn change_figure(
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
