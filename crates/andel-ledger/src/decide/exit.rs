//! Leaving: the exit's settlement, the redemption schedule and its payments.

use super::*;

impl Draft<'_> {
    pub(super) fn exit(
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

    pub(super) fn schedule(
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

    pub(super) fn pay_redemption(
        &mut self,
        member: MemberNumber,
        amount: Decimal,
    ) -> Result<(), DecideError> {
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
        let postings = self.pair(
            (Account::RedemptionsPayable, Some(member)),
            (Account::Cash, None),
            amount,
        )?;
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
}
