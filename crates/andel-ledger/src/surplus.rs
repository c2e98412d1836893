//! Allocating a year's surplus: the reserve, interest on capital pro rata by days held,
//! and patronage refunds, each part summing to the cent.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use crate::decide::DecideError;
use crate::event::MemberAmount;
use crate::ledger::Ledger;
use crate::member::MemberRecord;
use crate::money::{MoneyError, allocate};
use crate::statutes::Statutes;

/// How a surplus splits.
pub(crate) struct Plan {
    pub(crate) reserve: Decimal,
    pub(crate) interest: Vec<MemberAmount>,
    pub(crate) refunds: Vec<MemberAmount>,
}

/// Paid-in capital times days held, over the days `start..end`.
pub(crate) fn capital_days(record: &MemberRecord, start: NaiveDate, end: NaiveDate) -> Decimal {
    let mut total = Decimal::ZERO;
    let views = &record.history;
    for (i, (from, view)) in views.iter().enumerate() {
        let mut until = views.get(i + 1).map_or(end, |(next, _)| *next);
        // A resigning member holds their capital through the exit date, not after it,
        // even if the exit is recorded later.
        if let Some((_, exit_on)) = view.notice {
            until = until.min(exit_on.succ_opt().unwrap_or(exit_on));
        }
        let (a, b) = ((*from).max(start), until.min(end));
        if a < b {
            total += view.paid_capital() * Decimal::from((b - a).num_days());
        }
    }
    total
}

/// Splits `amount`, the surplus of the year starting `start`: `reserve_share` of it
/// (rounded down) to the reserve; interest at `rate` on each member's paid-in capital
/// by days held, its total rounded down and split by largest remainder; the rest by
/// patronage recorded in the year, or to the reserve if there was none.
pub(crate) fn plan(
    ledger: &Ledger,
    statutes: &Statutes,
    start: NaiveDate,
    amount: Decimal,
    reserve_share: Decimal,
    rate: Decimal,
) -> Result<Plan, DecideError> {
    let currency = statutes.currency();
    let overflow = |what| DecideError::Amount {
        what,
        source: MoneyError::Overflow,
    };
    let end = start + Months::new(12);
    let year_days = Decimal::from(statutes.financial_year().days_from(start));
    let mut reserve = currency.truncate(
        amount
            .checked_mul(reserve_share)
            .ok_or_else(|| overflow("reserve"))?,
    );
    let open = ledger
        .members
        .iter()
        .filter(|r| !ledger.books.is_closed(r.number));
    let mut exact = Vec::new();
    for record in open.clone() {
        let held = capital_days(record, start, end);
        if held > Decimal::ZERO {
            let interest = held
                .checked_mul(rate)
                .and_then(|x| x.checked_div(year_days))
                .ok_or_else(|| overflow("interest"))?;
            exact.push((record.number, interest));
        }
    }
    let interest_total = currency.truncate(exact.iter().map(|(_, x)| *x).sum());
    if reserve + interest_total > amount {
        return Err(DecideError::InterestExceedsSurplus {
            reserve,
            interest: interest_total,
            surplus: amount,
        });
    }
    let interest = split(interest_total, &exact, currency.scale())?;
    let pool = amount - reserve - interest_total;
    let mut used = Vec::new();
    for record in open {
        let total: Decimal = record
            .patronage
            .iter()
            .filter(|(on, _)| *on >= start && *on < end)
            .map(|(_, x)| *x)
            .sum();
        if total > Decimal::ZERO {
            used.push((record.number, total));
        }
    }
    let refunds = if used.is_empty() {
        reserve += pool;
        Vec::new()
    } else {
        split(pool, &used, currency.scale())?
    };
    Ok(Plan {
        reserve,
        interest,
        refunds,
    })
}

fn split(
    total: Decimal,
    weights: &[(crate::ids::MemberNumber, Decimal)],
    scale: u32,
) -> Result<Vec<MemberAmount>, DecideError> {
    if total.is_zero() || weights.is_empty() {
        return Ok(Vec::new());
    }
    let parts = allocate(
        total,
        &weights.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        scale,
    )
    .map_err(|source| DecideError::Amount {
        what: "allocation",
        source,
    })?;
    Ok(weights
        .iter()
        .zip(parts)
        .filter(|(_, amount)| !amount.is_zero())
        .map(|((member, _), amount)| MemberAmount {
            member: *member,
            amount,
        })
        .collect())
}
