//! What a secretary or treasurer asks the ledger to do.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::event::{Correction, Payout, Person, Purpose};
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::statutes::Statutes;

/// A request to change the ledger. [`Ledger::decide`](crate::Ledger::decide) checks
/// it against the statutes and the ledger's state and answers with events, or says
/// what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Adopt the statutes: the first command of every ledger.
    AdoptStatutes {
        /// The statutes.
        statutes: Box<Statutes>,
    },
    /// Someone applies to a class. Where the class admits automatically, they are
    /// admitted at once and subscribe its minimum shares.
    ApplyForMembership {
        /// Their name.
        name: String,
        /// A person or an organisation.
        person: Person,
        /// The class.
        class: ClassId,
    },
    /// The board admits an applicant to the class applied for (`class: None`), or a
    /// member to a further class. The class's minimum shares are subscribed.
    Admit {
        /// The applicant or member.
        member: MemberNumber,
        /// A further class for an existing member.
        class: Option<ClassId>,
    },
    /// The board refuses an application.
    Refuse {
        /// The applicant.
        member: MemberNumber,
        /// Why.
        reason: String,
    },
    /// A member subscribes further shares.
    Subscribe {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
        /// How many.
        shares: u32,
    },
    /// Money came in. Recording it again under the same key does nothing.
    RecordPayment {
        /// The idempotency key (a bank reference).
        key: PaymentKey,
        /// The payer.
        member: MemberNumber,
        /// Capital of a class, or dues.
        purpose: Purpose,
        /// The amount.
        amount: Decimal,
        /// Its currency code, which must be the ledger's.
        currency: String,
    },
    /// Paid-up shares move to another member of the class.
    Transfer {
        /// Who gives.
        from: MemberNumber,
        /// Who receives.
        to: MemberNumber,
        /// The class.
        class: ClassId,
        /// How many.
        shares: u32,
    },
    /// A fully paid holding moves to another class at the same value.
    Convert {
        /// The member.
        member: MemberNumber,
        /// The class left.
        from: ClassId,
        /// The class joined.
        to: ClassId,
    },
    /// Suspend a member's rights.
    Suspend {
        /// The member.
        member: MemberNumber,
        /// Why.
        reason: String,
    },
    /// End a suspension.
    Reinstate {
        /// The member.
        member: MemberNumber,
    },
    /// A member gives notice; the exit date follows from the statutes.
    Resign {
        /// The member.
        member: MemberNumber,
    },
    /// A resignation takes effect (on or after its exit date).
    Exit {
        /// The member.
        member: MemberNumber,
        /// The co-op's equity in the annual accounts, when the statutes cap repayment
        /// by the member's share of it.
        equity: Option<Decimal>,
    },
    /// The co-op expels a member, with immediate effect.
    Expel {
        /// The member.
        member: MemberNumber,
        /// Why.
        reason: String,
        /// The co-op's equity, as for [`Command::Exit`].
        equity: Option<Decimal>,
    },
    /// Schedule repayment of a former member's capital in equal instalments.
    ScheduleRedemption {
        /// The former member.
        member: MemberNumber,
        /// How many instalments (at least 1).
        instalments: u32,
        /// Months between instalments.
        every_months: u32,
        /// The first due date; by default the exit date plus the statutes' payout delay,
        /// and never earlier.
        first_due: Option<NaiveDate>,
    },
    /// Repay capital that has fallen due.
    PayRedemption {
        /// The former member.
        member: MemberNumber,
        /// The amount.
        amount: Decimal,
    },
    /// Charge every member whose class has dues for the period starting `period_start`;
    /// members already charged for it are skipped, so charging again is harmless.
    ChargeDues {
        /// The period's first day.
        period_start: NaiveDate,
    },
    /// Record a member's use of the co-op.
    RecordPatronage {
        /// The member.
        member: MemberNumber,
        /// How much, in the statutes' patronage basis.
        amount: Decimal,
    },
    /// Record a financial year's surplus from the adopted annual accounts.
    RecordSurplus {
        /// Any day of the year.
        year: NaiveDate,
        /// The surplus.
        amount: Decimal,
    },
    /// Allocate a recorded surplus: `reserve_share` to the reserve, interest on paid-in
    /// capital at `interest_rate` pro rata by days held, and the rest as patronage
    /// refunds (to the reserve when nobody recorded patronage that year).
    AllocateSurplus {
        /// Any day of the year.
        year: NaiveDate,
        /// The share kept in reserve, at least the statutes' minimum.
        reserve_share: Decimal,
        /// The yearly interest rate, at most the statutes' cap.
        interest_rate: Decimal,
    },
    /// Pay allocated interest or refunds.
    PayAllocation {
        /// The member.
        member: MemberNumber,
        /// Which.
        what: Payout,
        /// The amount.
        amount: Decimal,
    },
    /// Correct a money event by its mirror image: in full, or for payments in part
    /// (a refund).
    Reverse {
        /// The transaction.
        txn: TxnId,
        /// Why.
        reason: Correction,
        /// Free text for the auditor.
        note: String,
        /// Part of a payment to refund; the whole remainder if `None`.
        amount: Option<Decimal>,
    },
    /// Close a settled former member's accounts.
    CloseAccounts {
        /// The former member.
        member: MemberNumber,
    },
}
