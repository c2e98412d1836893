//! What happened: the events a ledger's journal holds, one per entry.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod decode;
mod read;

pub(crate) use decode::decode;

use crate::books::Posting;
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::statutes::Statutes;

/// Something that happened to the register or the books. Every event carries the date
/// it takes effect (`on`); money events carry their transaction number and balanced
/// postings, so the journal alone is the books.
///
/// The JSON form is the event's journal payload, tagged by `type`; the entry's kind is
/// `ledger.` followed by that type (see [`Event::kind`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Event {
    /// The general meeting adopted the statutes: the ledger's first event.
    StatutesAdopted {
        /// Effective date.
        on: NaiveDate,
        /// The statutes.
        statutes: Box<Statutes>,
    },
    /// Someone applied to join a class, and got a member number.
    Applied {
        /// Effective date.
        on: NaiveDate,
        /// Their number.
        member: MemberNumber,
        /// Their name.
        name: String,
        /// A person or an organisation.
        person: Person,
        /// The class applied to.
        class: ClassId,
    },
    /// The application (or a member's wish to join a further class) was granted.
    Admitted {
        /// Effective date.
        on: NaiveDate,
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
    },
    /// The application was refused.
    Refused {
        /// Effective date.
        on: NaiveDate,
        /// The applicant.
        member: MemberNumber,
        /// The class.
        class: ClassId,
        /// Why.
        reason: String,
    },
    /// A member subscribed shares: capital they owe until they pay it.
    SharesSubscribed {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
        /// How many shares.
        shares: u32,
        /// Shares times nominal.
        amount: Decimal,
        /// Debit subscriptions receivable, credit member capital.
        postings: Vec<Posting>,
    },
    /// Money came in from a member, for capital or for dues.
    PaymentRecorded {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The payer's idempotency key.
        key: PaymentKey,
        /// The member.
        member: MemberNumber,
        /// What it pays.
        purpose: Purpose,
        /// The amount.
        amount: Decimal,
        /// Debit cash, credit the receivable.
        postings: Vec<Posting>,
    },
    /// Paid-up shares moved from one member to another of the same class.
    SharesTransferred {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// Who gives.
        from: MemberNumber,
        /// Who receives.
        to: MemberNumber,
        /// The class.
        class: ClassId,
        /// How many shares.
        shares: u32,
        /// Their paid-in value.
        amount: Decimal,
        /// Debit the giver's capital, credit the receiver's.
        postings: Vec<Posting>,
    },
    /// A member's fully paid holding moved to another class at the same value.
    ClassConverted {
        /// Effective date.
        on: NaiveDate,
        /// The member.
        member: MemberNumber,
        /// The class left.
        from: ClassId,
        /// The class joined.
        to: ClassId,
        /// Shares held in the new class.
        shares: u32,
    },
    /// A member's rights were suspended.
    Suspended {
        /// Effective date.
        on: NaiveDate,
        /// The member.
        member: MemberNumber,
        /// Why.
        reason: String,
    },
    /// A suspension ended.
    Reinstated {
        /// Effective date.
        on: NaiveDate,
        /// The member.
        member: MemberNumber,
    },
    /// A member gave notice; the exit takes effect at `exit_on`.
    Resigned {
        /// The day the notice reached the co-op.
        on: NaiveDate,
        /// The member.
        member: MemberNumber,
        /// The year end the exit takes effect.
        exit_on: NaiveDate,
    },
    /// A member left: unpaid subscriptions are cancelled, paid-in capital becomes
    /// repayable up to the cap, and the rest goes to the reserve.
    Exited {
        /// When the exit was recorded (settled).
        on: NaiveDate,
        /// The exit date: the year end named at resignation, or the day of expulsion.
        effective: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The member.
        member: MemberNumber,
        /// Resignation or expulsion.
        cause: ExitCause,
        /// Capital to be repaid.
        repayable: Decimal,
        /// Paid-in capital kept by the co-op (above the member's share of equity).
        forfeited: Decimal,
        /// Subscribed capital never paid, now cancelled.
        cancelled: Decimal,
        /// The postings.
        postings: Vec<Posting>,
    },
    /// Repayment of a former member's capital was scheduled in instalments.
    RedemptionScheduled {
        /// Effective date.
        on: NaiveDate,
        /// The former member.
        member: MemberNumber,
        /// The instalments; their amounts sum to the capital repayable.
        instalments: Vec<Instalment>,
    },
    /// Capital was repaid.
    RedemptionPaid {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The former member.
        member: MemberNumber,
        /// The amount.
        amount: Decimal,
        /// Debit redemptions payable, credit cash.
        postings: Vec<Posting>,
    },
    /// Dues were charged for one period.
    DuesCharged {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The member.
        member: MemberNumber,
        /// The class whose dues these are.
        class: ClassId,
        /// The period's first day.
        period_start: NaiveDate,
        /// The due date.
        due_on: NaiveDate,
        /// The last day before the member loses good standing if unpaid.
        grace_until: NaiveDate,
        /// The amount.
        amount: Decimal,
        /// Debit dues receivable, credit dues income.
        postings: Vec<Posting>,
    },
    /// A member's use of the co-op, in the statutes' patronage basis.
    PatronageRecorded {
        /// Effective date.
        on: NaiveDate,
        /// The member.
        member: MemberNumber,
        /// How much (a quantity, not necessarily money).
        amount: Decimal,
    },
    /// A financial year's surplus, from the adopted annual accounts.
    SurplusRecorded {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The financial year's first day.
        year: NaiveDate,
        /// The surplus.
        amount: Decimal,
        /// Debit operations, credit surplus.
        postings: Vec<Posting>,
    },
    /// A year's surplus was allocated: reserve, interest on capital, patronage refunds.
    SurplusAllocated {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The financial year's first day.
        year: NaiveDate,
        /// To the indivisible reserve.
        reserve: Decimal,
        /// The interest rate applied.
        interest_rate: Decimal,
        /// Interest per member, pro rata by days held.
        interest: Vec<MemberAmount>,
        /// Refunds per member, in proportion to patronage.
        refunds: Vec<MemberAmount>,
        /// Debit surplus, credit the reserve and each member's payables.
        postings: Vec<Posting>,
    },
    /// Allocated interest or refunds were paid to a member.
    AllocationPaid {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The member.
        member: MemberNumber,
        /// Interest or refund.
        what: Payout,
        /// The amount.
        amount: Decimal,
        /// Debit the payable, credit cash.
        postings: Vec<Posting>,
    },
    /// A money event corrected by its mirror image, in full or (payments) in part.
    Reversed {
        /// Effective date.
        on: NaiveDate,
        /// The transaction.
        txn: TxnId,
        /// The transaction corrected.
        original: TxnId,
        /// Why.
        reason: Correction,
        /// Free text for the auditor.
        note: String,
        /// The amount reversed.
        amount: Decimal,
        /// The original's postings, sides swapped, scaled to `amount`.
        postings: Vec<Posting>,
    },
    /// A former member was settled in full; their accounts take no more postings.
    AccountsClosed {
        /// Effective date.
        on: NaiveDate,
        /// The former member.
        member: MemberNumber,
    },
}

impl Event {
    /// The journal entry kind: `ledger.` and the event's type.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::StatutesAdopted { .. } => "ledger.statutes_adopted",
            Event::Applied { .. } => "ledger.applied",
            Event::Admitted { .. } => "ledger.admitted",
            Event::Refused { .. } => "ledger.refused",
            Event::SharesSubscribed { .. } => "ledger.shares_subscribed",
            Event::PaymentRecorded { .. } => "ledger.payment_recorded",
            Event::SharesTransferred { .. } => "ledger.shares_transferred",
            Event::ClassConverted { .. } => "ledger.class_converted",
            Event::Suspended { .. } => "ledger.suspended",
            Event::Reinstated { .. } => "ledger.reinstated",
            Event::Resigned { .. } => "ledger.resigned",
            Event::Exited { .. } => "ledger.exited",
            Event::RedemptionScheduled { .. } => "ledger.redemption_scheduled",
            Event::RedemptionPaid { .. } => "ledger.redemption_paid",
            Event::DuesCharged { .. } => "ledger.dues_charged",
            Event::PatronageRecorded { .. } => "ledger.patronage_recorded",
            Event::SurplusRecorded { .. } => "ledger.surplus_recorded",
            Event::SurplusAllocated { .. } => "ledger.surplus_allocated",
            Event::AllocationPaid { .. } => "ledger.allocation_paid",
            Event::Reversed { .. } => "ledger.reversed",
            Event::AccountsClosed { .. } => "ledger.accounts_closed",
        }
    }

    /// The date the event takes effect.
    pub fn on(&self) -> NaiveDate {
        match self {
            Event::StatutesAdopted { on, .. }
            | Event::Applied { on, .. }
            | Event::Admitted { on, .. }
            | Event::Refused { on, .. }
            | Event::SharesSubscribed { on, .. }
            | Event::PaymentRecorded { on, .. }
            | Event::SharesTransferred { on, .. }
            | Event::ClassConverted { on, .. }
            | Event::Suspended { on, .. }
            | Event::Reinstated { on, .. }
            | Event::Resigned { on, .. }
            | Event::Exited { on, .. }
            | Event::RedemptionScheduled { on, .. }
            | Event::RedemptionPaid { on, .. }
            | Event::DuesCharged { on, .. }
            | Event::PatronageRecorded { on, .. }
            | Event::SurplusRecorded { on, .. }
            | Event::SurplusAllocated { on, .. }
            | Event::AllocationPaid { on, .. }
            | Event::Reversed { on, .. }
            | Event::AccountsClosed { on, .. } => *on,
        }
    }

    /// Every member the event concerns, in number order, each once: the member it
    /// names, both sides of a transfer, every member a surplus allocation pays, and the
    /// member of every posting. Statutes and surplus records concern no one member.
    ///
    /// ```
    /// use andel_ledger::{Event, MemberNumber};
    ///
    /// let admitted: Event = serde_json::from_str(r#"{"type": "admitted", "on": "2027-01-10", "member": 7, "class": "users"}"#)?;
    /// assert_eq!(admitted.members(), [MemberNumber::new(7).unwrap()]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn members(&self) -> Vec<MemberNumber> {
        let mut members: Vec<MemberNumber> = match self {
            Event::StatutesAdopted { .. }
            | Event::SurplusRecorded { .. }
            | Event::Reversed { .. } => Vec::new(),
            Event::SharesTransferred { from, to, .. } => vec![*from, *to],
            Event::SurplusAllocated {
                interest, refunds, ..
            } => interest.iter().chain(refunds).map(|x| x.member).collect(),
            Event::Applied { member, .. }
            | Event::Admitted { member, .. }
            | Event::Refused { member, .. }
            | Event::SharesSubscribed { member, .. }
            | Event::PaymentRecorded { member, .. }
            | Event::ClassConverted { member, .. }
            | Event::Suspended { member, .. }
            | Event::Reinstated { member, .. }
            | Event::Resigned { member, .. }
            | Event::Exited { member, .. }
            | Event::RedemptionScheduled { member, .. }
            | Event::RedemptionPaid { member, .. }
            | Event::DuesCharged { member, .. }
            | Event::PatronageRecorded { member, .. }
            | Event::AllocationPaid { member, .. }
            | Event::AccountsClosed { member, .. } => vec![*member],
        };
        if let Some((_, postings)) = self.money() {
            members.extend(postings.iter().filter_map(|posting| posting.member));
        }
        members.sort_unstable();
        members.dedup();
        members
    }

    /// The transaction number and postings of a money event.
    pub fn money(&self) -> Option<(TxnId, &[Posting])> {
        match self {
            Event::SharesSubscribed { txn, postings, .. }
            | Event::PaymentRecorded { txn, postings, .. }
            | Event::SharesTransferred { txn, postings, .. }
            | Event::Exited { txn, postings, .. }
            | Event::RedemptionPaid { txn, postings, .. }
            | Event::DuesCharged { txn, postings, .. }
            | Event::SurplusRecorded { txn, postings, .. }
            | Event::SurplusAllocated { txn, postings, .. }
            | Event::AllocationPaid { txn, postings, .. }
            | Event::Reversed { txn, postings, .. } => Some((*txn, postings)),
            _ => None,
        }
    }
}

/// A natural person, or a legal person voting through a representative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Person {
    /// A person.
    Natural,
    /// An organisation.
    Legal {
        /// Who votes for it.
        representative: String,
    },
}

/// What a payment pays for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "for", rename_all = "snake_case", deny_unknown_fields)]
pub enum Purpose {
    /// Subscribed capital of one class.
    Capital {
        /// The class.
        class: ClassId,
    },
    /// Dues, oldest charge first.
    Dues,
}

/// Why a member left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum ExitCause {
    /// Their own notice.
    Resignation,
    /// The co-op's decision.
    Expulsion {
        /// Why.
        reason: String,
    },
}

/// One instalment of a redemption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// When it falls due.
    pub due_on: NaiveDate,
    /// How much.
    pub amount: Decimal,
}

/// An amount for one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAmount {
    /// The member.
    pub member: MemberNumber,
    /// The amount.
    pub amount: Decimal,
}

/// Which allocation a payout settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payout {
    /// Interest on capital.
    Interest,
    /// A patronage refund.
    Refund,
}

/// Why a money event is reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// Money given back (a payment, in full or in part).
    Refund,
    /// The same thing was recorded twice.
    Duplicate,
    /// It should not have been recorded.
    Error,
}
