//! Leaving: resignation, expulsion, the exit's settlement, the redemption schedule and
//! its payments, and closing the accounts.

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

    pub(super) fn resign(&mut self, member: MemberNumber) -> Result<(), DecideError> {
        // Before the status: an admitted or suspended member who gave notice still
        // shows that status.
        if let Some((given, exit_on)) = self.view(member)?.notice {
            return Err(DecideError::NoticeGiven {
                member,
                given,
                exit_on,
            });
        }
        self.require(member, "resign", |s| {
            matches!(s, Status::Admitted | Status::Member | Status::Suspended)
        })?;
        let on = self.on;
        let exit_on = exit_date(self.statutes, on);
        self.events.push(Event::Resigned {
            on,
            member,
            exit_on,
        });
        Ok(())
    }

    /// The exit a resignation gave notice of, once its date has come.
    pub(super) fn exit_after_notice(
        &mut self,
        member: MemberNumber,
        equity: Option<Decimal>,
    ) -> Result<(), DecideError> {
        let on = self.on;
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

    /// An expulsion: an exit effective at once, with its reason.
    pub(super) fn expel(
        &mut self,
        member: MemberNumber,
        reason: String,
        equity: Option<Decimal>,
    ) -> Result<(), DecideError> {
        self.require(member, "be expelled", |s| s.is_admitted())?;
        text(&reason, "reason")?;
        self.exit(member, ExitCause::Expulsion { reason }, self.on, equity)
    }

    /// Closing the accounts of a member who left or was refused: only once every
    /// balance is settled and no surplus waits for allocation (a closed account could not
    /// take its share).
    pub(super) fn close_accounts(&mut self, member: MemberNumber) -> Result<(), DecideError> {
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
        self.events.push(Event::AccountsClosed {
            on: self.on,
            member,
        });
        Ok(())
    }
}
