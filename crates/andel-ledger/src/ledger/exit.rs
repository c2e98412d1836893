//! Applying leaving: the notice, the exit's settlement, the redemption schedule and its
//! payments, and the closing of the accounts (decided in `decide/exit.rs`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ApplyError, Ledger, Origin};
use crate::event::{ExitCause, Instalment};
use crate::ids::MemberNumber;

impl Ledger {
    pub(super) fn resigned(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        exit_on: NaiveDate,
    ) -> Result<(), ApplyError> {
        self.records_mut(member)?
            .update(on, |view| view.notice = Some((on, exit_on)));
        Ok(())
    }

    /// The exit empties every holding; what is repayable stays owed until redeemed.
    pub(super) fn exited(
        &mut self,
        on: NaiveDate,
        effective: NaiveDate,
        member: MemberNumber,
        cause: &ExitCause,
        repayable: Decimal,
    ) -> Result<(Origin, Decimal), ApplyError> {
        if effective > on {
            return Err(ApplyError::Member {
                member,
                problem: "cannot have an exit recorded before it takes effect",
            });
        }
        let record = self.records_mut(member)?;
        record.repayable_at_exit = repayable;
        record.update(on, |view| {
            view.exit = Some((effective, cause.clone()));
            for holding in &mut view.holdings {
                holding.shares = 0;
                holding.subscribed = Decimal::ZERO;
                holding.paid = Decimal::ZERO;
            }
            view.effective_since = None;
            view.repayable = repayable;
        });
        Ok((Origin::Exit, repayable))
    }

    /// One schedule per exit, summing to exactly what the exit made repayable.
    pub(super) fn redemption_scheduled(
        &mut self,
        member: MemberNumber,
        instalments: &[Instalment],
    ) -> Result<(), ApplyError> {
        let record = self.records_mut(member)?;
        let total: Decimal = instalments.iter().map(|i| i.amount).sum();
        if total != record.repayable_at_exit || record.schedule.is_some() {
            return Err(ApplyError::Member {
                member,
                problem: "has a redemption schedule that does not match the capital repayable",
            });
        }
        record.schedule = Some(instalments.to_vec());
        Ok(())
    }

    pub(super) fn redemption_paid(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        amount: Decimal,
    ) -> Result<(Origin, Decimal), ApplyError> {
        self.change_figure(
            member,
            on,
            "capital repayable",
            |v| &mut v.repayable,
            -amount,
        )?;
        Ok((Origin::Redemption { member }, amount))
    }

    /// Accounts close only once every balance of the member is settled.
    pub(super) fn accounts_closed(&mut self, member: MemberNumber) -> Result<(), ApplyError> {
        self.known(member)?;
        if !self.books.member_settled(member) {
            return Err(ApplyError::Member {
                member,
                problem: "still has balances, so its accounts cannot close",
            });
        }
        self.books.close(member);
        Ok(())
    }
}
