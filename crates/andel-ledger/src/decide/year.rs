//! The year: the patronage its surplus may be shared by, and the surplus recorded and
//! allocated.

use super::*;

impl Draft<'_> {
    pub(super) fn record_surplus(
        &mut self,
        year: NaiveDate,
        amount: Decimal,
    ) -> Result<(), DecideError> {
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
        let postings = self.pair(
            (Account::Operations, None),
            (Account::Surplus, None),
            amount,
        )?;
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

    pub(super) fn allocate_surplus(
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

    pub(super) fn record_patronage(
        &mut self,
        member: MemberNumber,
        amount: Decimal,
    ) -> Result<(), DecideError> {
        self.require(member, "record patronage", |s| s.is_admitted())?;
        if amount <= Decimal::ZERO {
            return Err(DecideError::Amount {
                what: "patronage",
                source: MoneyError::NotPositive { amount },
            });
        }
        self.events.push(Event::PatronageRecorded {
            on: self.on,
            member,
            amount,
        });
        Ok(())
    }
}
