//! Applying the year: patronage, and the surplus recorded and allocated (decided in
//! `decide/year.rs` and `decide/mod.rs`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ApplyError, Ledger, Origin, SurplusRecord};
use crate::event::MemberAmount;
use crate::ids::{MemberNumber, TxnId};

impl Ledger {
    pub(super) fn patronage_recorded(
        &mut self,
        on: NaiveDate,
        member: MemberNumber,
        amount: Decimal,
    ) -> Result<(), ApplyError> {
        if amount < Decimal::ZERO {
            return Err(ApplyError::Negative {
                member,
                what: "patronage",
            });
        }
        self.records_mut(member)?.patronage.push((on, amount));
        Ok(())
    }

    /// One surplus per financial year, waiting to be allocated.
    pub(super) fn surplus_recorded(
        &mut self,
        txn: TxnId,
        year: NaiveDate,
        amount: Decimal,
    ) -> Result<(Origin, Decimal), ApplyError> {
        if self.surpluses.contains_key(&year) {
            return Err(ApplyError::Year {
                year,
                problem: "its surplus is already recorded",
            });
        }
        self.surpluses.insert(
            year,
            SurplusRecord {
                amount,
                txn,
                allocated: false,
            },
        );
        Ok((Origin::Surplus { year }, amount))
    }

    /// A year's surplus is allocated once; each member's interest and refund becomes
    /// payable to them.
    pub(super) fn surplus_allocated(
        &mut self,
        on: NaiveDate,
        year: NaiveDate,
        interest: &[MemberAmount],
        refunds: &[MemberAmount],
    ) -> Result<(Origin, Decimal), ApplyError> {
        match self.surpluses.get_mut(&year) {
            Some(record) if !record.allocated => record.allocated = true,
            _ => {
                return Err(ApplyError::Year {
                    year,
                    problem: "has no unallocated surplus",
                });
            }
        }
        for share in interest.iter().chain(refunds) {
            self.change_figure(
                share.member,
                on,
                "allocations payable",
                |v| &mut v.allocations_payable,
                share.amount,
            )?;
        }
        let total = self
            .surpluses
            .get(&year)
            .map(|r| r.amount)
            .unwrap_or_default();
        Ok((Origin::Allocation, total))
    }
}
