//! Money in and out: payments (idempotent by key), dues, allocation payouts and
//! reversals.

use super::*;

impl Draft<'_> {
    pub(super) fn payment(
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
        if self.ledger.books.is_closed(member) {
            return Err(DecideError::Status {
                member,
                status: "closed",
                action: "pay into accounts that are closed",
            });
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
        let postings = self.pair((Account::Cash, None), (receivable, Some(member)), amount)?;
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

    pub(super) fn charge_dues(&mut self, period_start: NaiveDate) -> Result<(), DecideError> {
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
        let mut liable = 0_usize;
        for record in &self.ledger.members {
            let view = record.current();
            let status = view.status_on(self.on);
            if !(status.is_admitted()) || self.ledger.books.is_closed(record.number) {
                continue;
            }
            for holding in &view.holdings {
                let class = self.class(&holding.class)?;
                let Some(dues) = class.dues().filter(|_| starts(class)) else {
                    continue;
                };
                liable += 1;
                let charged = record.charges.iter().any(|c| {
                    !c.reversed && c.class == holding.class && c.period_start == period_start
                });
                if !charged {
                    // The statutes bound the grace (`MAX_GRACE_DAYS`); checked all the
                    // same, as statutes adopted before the bound were not.
                    let grace_until = due_on
                        .checked_add_days(chrono::Days::new(u64::from(dues.grace_days)))
                        .ok_or(DecideError::Amount {
                            what: "dues grace",
                            source: MoneyError::Overflow,
                        })?;
                    charges.push((
                        record.number,
                        holding.class.clone(),
                        dues.amount,
                        grace_until,
                    ));
                }
            }
        }
        if liable == 0 {
            return Err(DecideError::NobodyOwesDues {
                period_start,
                on: self.on,
            });
        }
        for (member, class, amount, grace_until) in charges {
            let amount = self
                .statutes
                .currency()
                .at_scale(amount)
                .map_err(money("dues"))?;
            let postings = self.pair(
                (Account::DuesReceivable, Some(member)),
                (Account::DuesIncome, None),
                amount,
            )?;
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

    pub(super) fn pay_allocation(
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
        let postings = self.pair((account, Some(member)), (Account::Cash, None), amount)?;
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

    pub(super) fn reverse(
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
    pub(super) fn check_reversal(
        &self,
        origin: &Origin,
        amount: Decimal,
    ) -> Result<(), DecideError> {
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
