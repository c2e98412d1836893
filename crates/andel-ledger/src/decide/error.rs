//! Why a command is refused: one variant per rule, naming the input that broke it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::books::PostingError;
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};
use crate::money::MoneyError;
use crate::statutes::Persons;

/// A command the ledger refuses, saying which rule and which input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecideError {
    /// A command before the statutes are adopted.
    #[error("the ledger has no statutes yet: run `init` with the statutes first")]
    NoStatutes,
    /// Statutes adopted twice.
    #[error("the statutes were already adopted")]
    StatutesAgain,
    /// The statutes do not check.
    #[error(transparent)]
    Statutes(#[from] crate::statutes::StatutesError),
    /// A date before the latest entry in the register.
    #[error(
        "{on} is before {latest}, the date of the latest entry: the register is kept in date order; record a correction dated today instead"
    )]
    BackDated {
        /// The command's date.
        on: NaiveDate,
        /// The latest date recorded.
        latest: NaiveDate,
    },
    /// No such member number.
    #[error("there is no member {member}")]
    UnknownMember {
        /// The number.
        member: MemberNumber,
    },
    /// The statutes have no such class.
    #[error("the statutes have no class `{class}`")]
    UnknownClass {
        /// The class.
        class: ClassId,
    },
    /// The member's status does not allow the command.
    #[error("member {member} is {status}, so they cannot {action}")]
    Status {
        /// The member.
        member: MemberNumber,
        /// Their status.
        status: &'static str,
        /// What was asked.
        action: &'static str,
    },
    /// Notice of leaving given a second time.
    #[error("member {member} already gave notice on {given}; their exit takes effect on {exit_on}")]
    NoticeGiven {
        /// The member.
        member: MemberNumber,
        /// When they gave notice.
        given: NaiveDate,
        /// When the exit takes effect.
        exit_on: NaiveDate,
    },
    /// A natural person in a class for legal persons, or the reverse.
    #[error("class `{class}` is for {persons}")]
    Person {
        /// The class.
        class: ClassId,
        /// Who it is for.
        persons: Persons,
    },
    /// A name that is empty or too long.
    #[error("a {what} needs 1 to 200 characters")]
    Text {
        /// Which text.
        what: &'static str,
    },
    /// A class the member does not hold.
    #[error("member {member} holds no shares of class `{class}`")]
    NotInClass {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
    },
    /// A further class where the statutes do not let classes combine.
    #[error("member {member} is in class `{held}`, which cannot be combined with `{class}`")]
    NotCombinable {
        /// The member.
        member: MemberNumber,
        /// The class asked for.
        class: ClassId,
        /// A class already held.
        held: ClassId,
    },
    /// Share counts outside the class's minimum and maximum.
    #[error(
        "member {member} would hold {shares} shares of `{class}`; the statutes allow {min} to {max}"
    )]
    ShareLimit {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
        /// The count they would hold.
        shares: u64,
        /// The class's minimum.
        min: u32,
        /// The class's maximum (or "any number").
        max: String,
    },
    /// A count of zero.
    #[error("the number of {what} must be at least 1")]
    Zero {
        /// Of what.
        what: &'static str,
    },
    /// An amount the currency cannot take.
    #[error("invalid {what}")]
    Amount {
        /// Which amount.
        what: &'static str,
        /// The problem.
        source: MoneyError,
    },
    /// A payment in another currency.
    #[error("the payment is in `{given}`, but the ledger keeps its books in {expected}")]
    WrongCurrency {
        /// The payment's currency.
        given: String,
        /// The ledger's.
        expected: String,
    },
    /// A payment key reused for a different payment.
    #[error("payment key `{key}` was already used for {original}, a different payment")]
    PaymentKeyReused {
        /// The key.
        key: PaymentKey,
        /// The transaction that used it.
        original: TxnId,
    },
    /// More than is owed or due.
    #[error("member {member}: {amount} is more than the {what} ({limit})")]
    Overpayment {
        /// The member.
        member: MemberNumber,
        /// What was asked.
        what: &'static str,
        /// The amount.
        amount: Decimal,
        /// What is owed or due.
        limit: Decimal,
    },
    /// Shares not fully paid where they must be.
    #[error("member {member}'s shares of `{class}` are not fully paid")]
    NotFullyPaid {
        /// The member.
        member: MemberNumber,
        /// The class.
        class: ClassId,
    },
    /// A conversion whose value is not a whole number of the new class's shares.
    #[error(
        "member {member}'s capital of {value} is not a whole number of `{class}` shares at {nominal}"
    )]
    ConversionNotExact {
        /// The member.
        member: MemberNumber,
        /// The class joined.
        class: ClassId,
        /// The capital converted.
        value: Decimal,
        /// The new nominal.
        nominal: Decimal,
    },
    /// An exit before its date.
    #[error("member {member}'s exit takes effect on {exit_on}, not before")]
    ExitNotDue {
        /// The member.
        member: MemberNumber,
        /// When it takes effect.
        exit_on: NaiveDate,
    },
    /// The statutes cap repayment by equity, and no equity was given.
    #[error(
        "the statutes cap repayment by the member's share of equity: give the equity from the annual accounts"
    )]
    EquityRequired,
    /// A redemption due date earlier than the statutes allow.
    #[error("the first instalment may not fall due before {earliest}")]
    RedemptionTooEarly {
        /// The earliest due date.
        earliest: NaiveDate,
    },
    /// A redemption already scheduled, or nothing to redeem.
    #[error("member {member}: {problem}")]
    Redemption {
        /// The member.
        member: MemberNumber,
        /// What is wrong.
        problem: &'static str,
    },
    /// A surplus for a year not yet over, recorded twice, or not recorded.
    #[error("financial year starting {year}: {problem}")]
    Year {
        /// The year's first day.
        year: NaiveDate,
        /// What is wrong.
        problem: &'static str,
    },
    /// A rate outside what the statutes allow.
    #[error("{what} `{value}` must lie between {min} and {max}")]
    Rate {
        /// Which rate.
        what: &'static str,
        /// The value.
        value: Decimal,
        /// The lower bound.
        min: Decimal,
        /// The upper bound.
        max: Decimal,
    },
    /// Reserve and interest together exceed the surplus.
    #[error("reserve {reserve} and interest {interest} exceed the surplus of {surplus}")]
    InterestExceedsSurplus {
        /// To the reserve.
        reserve: Decimal,
        /// Interest.
        interest: Decimal,
        /// The surplus.
        surplus: Decimal,
    },
    /// No class's dues period starts on the date.
    #[error(
        "no class's dues period starts on {date}: periods count from the first day of the financial year"
    )]
    NotAPeriodStart {
        /// The date.
        date: NaiveDate,
    },
    /// Nobody holds a class with dues for the period: there is nobody to charge.
    #[error(
        "nobody to charge dues for the period starting {period_start}: no member admitted on {on} holds a class whose dues start then"
    )]
    NobodyOwesDues {
        /// The period's first day.
        period_start: NaiveDate,
        /// The day of the charge.
        on: NaiveDate,
    },
    /// No such transaction.
    #[error("there is no transaction {txn}")]
    UnknownTxn {
        /// The number.
        txn: TxnId,
    },
    /// Reversing a reversal: record the original again instead.
    #[error(
        "{txn} is itself a reversal; to restore what it undid, record the original again (a payment under a new key)"
    )]
    ReversalOfReversal {
        /// The reversal.
        txn: TxnId,
    },
    /// Reversing what was already reversed in full.
    #[error("{txn} is already reversed in full")]
    AlreadyReversed {
        /// The transaction.
        txn: TxnId,
    },
    /// A refund larger than what is left of the payment.
    #[error("a refund of {amount} is more than the {refundable} left of payment {txn}")]
    RefundExceedsPayment {
        /// The payment.
        txn: TxnId,
        /// The refund asked for.
        amount: Decimal,
        /// What is left to refund.
        refundable: Decimal,
    },
    /// A partial reversal of something other than a payment, or a refund of one.
    #[error("{txn} is a {kind}: {problem}")]
    NotReversible {
        /// The transaction.
        txn: TxnId,
        /// What it is.
        kind: &'static str,
        /// What to do instead.
        problem: &'static str,
    },
    /// The postings the command would make break double entry (a holding below zero).
    #[error("the books refuse it")]
    Books(#[from] PostingError),
}
