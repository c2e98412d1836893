//! Events in words: one line a secretary or treasurer reads, for every event.

use std::fmt;

use crate::event::{Correction, Event, ExitCause, Payout, Person, Purpose};

/// One line saying what the event recorded, dated, with its transaction when it moved
/// money.
///
/// ```
/// use andel_ledger::{Event, MemberNumber};
///
/// let event = Event::Admitted {
///     on: "2026-01-15".parse().unwrap(),
///     member: MemberNumber::new(1).unwrap(),
///     class: "workers".parse().unwrap(),
/// };
/// assert_eq!(event.to_string(), "2026-01-15: member 1 admitted to `workers`");
/// ```
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.on())?;
        match self {
            Event::StatutesAdopted { statutes, .. } => write!(
                f,
                "statutes of `{}` adopted ({} classes, books in {})",
                statutes.name(),
                statutes.classes().len(),
                statutes.currency()
            ),
            Event::Applied {
                member,
                name,
                class,
                person,
                ..
            } => {
                write!(f, "`{name}` applied to `{class}` as member {member}")?;
                match person {
                    Person::Natural => Ok(()),
                    Person::Legal { representative } => {
                        write!(f, ", represented by `{representative}`")
                    }
                }
            }
            Event::Admitted { member, class, .. } => {
                write!(f, "member {member} admitted to `{class}`")
            }
            Event::Refused { member, reason, .. } => {
                write!(f, "member {member} refused: {reason}")
            }
            Event::SharesSubscribed {
                txn,
                member,
                class,
                shares,
                amount,
                ..
            } => write!(
                f,
                "{txn} member {member} subscribed {shares} `{class}` {} ({amount})",
                plural(*shares, "share", "shares")
            ),
            Event::PaymentRecorded {
                txn,
                member,
                amount,
                key,
                purpose,
                ..
            } => {
                write!(f, "{txn} payment of {amount} from member {member} ")?;
                match purpose {
                    Purpose::Capital { class } => write!(f, "for `{class}` capital")?,
                    Purpose::Dues => write!(f, "for dues")?,
                }
                write!(f, " (key `{key}`)")
            }
            Event::SharesTransferred {
                txn,
                from,
                to,
                class,
                shares,
                amount,
                ..
            } => write!(
                f,
                "{txn} member {from} transferred {shares} `{class}` {} ({amount}) to member {to}",
                plural(*shares, "share", "shares")
            ),
            Event::ClassConverted {
                member,
                from,
                to,
                shares,
                ..
            } => write!(
                f,
                "member {member} converted from `{from}` to `{to}` ({shares} {})",
                plural(*shares, "share", "shares")
            ),
            Event::Suspended { member, reason, .. } => {
                write!(f, "member {member} suspended: {reason}")
            }
            Event::Reinstated { member, .. } => write!(f, "member {member} reinstated"),
            Event::Resigned {
                member, exit_on, ..
            } => write!(
                f,
                "member {member} resigned; the exit takes effect on {exit_on}"
            ),
            Event::Exited {
                txn,
                member,
                effective,
                cause,
                repayable,
                forfeited,
                ..
            } => {
                match cause {
                    ExitCause::Resignation => write!(f, "{txn} member {member} left")?,
                    ExitCause::Expulsion { reason } => {
                        write!(f, "{txn} member {member} expelled ({reason})")?;
                    }
                }
                write!(
                    f,
                    " on {effective}; {repayable} to repay, {forfeited} to the reserve"
                )
            }
            Event::RedemptionScheduled {
                member,
                instalments,
                ..
            } => {
                write!(f, "repayment to member {member} scheduled: ")?;
                for (i, instalment) in instalments.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{} on {}", instalment.amount, instalment.due_on)?;
                }
                Ok(())
            }
            Event::RedemptionPaid {
                txn,
                member,
                amount,
                ..
            } => write!(f, "{txn} repaid {amount} of capital to member {member}"),
            Event::DuesCharged {
                txn,
                member,
                class,
                period_start,
                due_on,
                amount,
                ..
            } => write!(
                f,
                "{txn} member {member} charged {amount} of `{class}` dues for the period from {period_start}, due {due_on}"
            ),
            Event::PatronageRecorded { member, amount, .. } => {
                write!(f, "patronage of {amount} recorded for member {member}")
            }
            Event::SurplusRecorded {
                txn, year, amount, ..
            } => write!(
                f,
                "{txn} surplus of {amount} recorded for the financial year from {year}"
            ),
            Event::SurplusAllocated {
                txn,
                reserve,
                interest,
                refunds,
                ..
            } => write!(
                f,
                "{txn} surplus allocated: {reserve} to the reserve, interest to {} {}, refunds to {} {}",
                interest.len(),
                plural(interest.len(), "member", "members"),
                refunds.len(),
                plural(refunds.len(), "member", "members")
            ),
            Event::AllocationPaid {
                txn,
                member,
                what,
                amount,
                ..
            } => {
                let what = match what {
                    Payout::Interest => "interest",
                    Payout::Refund => "patronage refund",
                };
                write!(f, "{txn} paid {amount} of {what} to member {member}")
            }
            Event::Reversed {
                txn,
                original,
                amount,
                reason,
                ..
            } => {
                let reason = match reason {
                    Correction::Refund => "refund",
                    Correction::Duplicate => "duplicate",
                    Correction::Error => "error",
                };
                write!(f, "{txn} reversed {amount} of {original} ({reason})")
            }
            Event::AccountsClosed { member, .. } => {
                write!(f, "the accounts of member {member} closed")
            }
        }
    }
}

fn plural<'a>(n: impl TryInto<u64>, one: &'a str, many: &'a str) -> &'a str {
    if n.try_into().is_ok_and(|n| n == 1) {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use crate::event::{Event, Payout};
    use crate::ids::{MemberNumber, TxnId};

    #[test]
    fn every_event_reads_as_a_sentence_without_its_kind() {
        let member = MemberNumber::new(3).unwrap();
        let txn = TxnId::from_index(25);
        let on = "2027-05-06".parse().unwrap();
        let recorded = Event::SurplusRecorded {
            on,
            txn,
            year: "2026-01-01".parse().unwrap(),
            amount: "10000.00".parse().unwrap(),
            postings: Vec::new(),
        };
        assert_eq!(
            recorded.to_string(),
            "2027-05-06: T26 surplus of 10000.00 recorded for the financial year from 2026-01-01"
        );
        let paid = Event::AllocationPaid {
            on,
            txn,
            member,
            what: Payout::Refund,
            amount: "5.00".parse().unwrap(),
            postings: Vec::new(),
        };
        assert_eq!(
            paid.to_string(),
            "2027-05-06: T26 paid 5.00 of patronage refund to member 3"
        );
        for event in [recorded, paid] {
            assert!(!event.to_string().contains("ledger."), "{event}");
        }
    }
}
