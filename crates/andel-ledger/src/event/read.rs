//! A reader for the one spelling the journal stores: canonical JSON, no whitespace,
//! strings without escapes. It reads an event's payload in one pass over its bytes,
//! with no tokeniser in between, and answers `None` at the first thing it does not
//! expect (whitespace, an escape, a number where a string goes, a key it does not know,
//! a key twice, a value an id refuses); the serde decoders then read the payload and
//! give the answer or the error. Whatever it accepts, they accept too, as the same
//! event: the tests hold it to that.
//!
//! Members are expected in canonical order (keys sorted), so each key is one comparison
//! of bytes rather than a string read and looked up.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::decode::iso_date;
use super::{Correction, Event, ExitCause, Instalment, MemberAmount, Payout, Person, Purpose};
use crate::books::{Account, Posting, Side};
use crate::ids::{ClassId, MemberNumber, PaymentKey, TxnId};

/// The event of type `tag` that `text` holds, or `None` when the serde decoders must
/// read it.
pub(super) fn read(tag: &str, text: &str) -> Option<Event> {
    variant(tag, &mut Reader { text, at: 0 })
}

/// A position in the payload text.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    #[inline]
    fn byte(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    #[inline]
    fn end(&self) -> Option<()> {
        (self.at == self.text.len()).then_some(())
    }

    /// `"key":`, after a `,` unless it is the object's first member.
    #[inline(always)]
    fn key(&mut self, key: &str, first: bool) -> Option<()> {
        let rest = self.text.as_bytes().get(self.at..)?;
        let rest = if first {
            rest
        } else {
            rest.strip_prefix(b",")?
        };
        let rest = rest.strip_prefix(b"\"")?.strip_prefix(key.as_bytes())?;
        rest.strip_prefix(b"\":")?;
        self.at += usize::from(!first) + key.len() + 3;
        Some(())
    }

    /// Whether `"key":` comes next, after a `,`.
    #[inline(always)]
    fn next_is(&self, key: &str) -> bool {
        let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
        rest.strip_prefix(b",\"")
            .and_then(|rest| rest.strip_prefix(key.as_bytes()))
            .is_some_and(|rest| rest.starts_with(b"\":"))
    }

    /// A string without escapes or control characters, as its text.
    #[inline]
    fn string(&mut self) -> Option<&'a str> {
        self.byte(b'"')?;
        let start = self.at;
        let len = self
            .text
            .as_bytes()
            .get(start..)?
            .iter()
            .position(|b| matches!(b, b'"' | b'\\' | 0..=0x1f))?;
        let end = start + len;
        // Only the closing quote ends it; both ends are ASCII, so char boundaries.
        (self.peek_at(end)? == b'"').then_some(())?;
        self.at = end + 1;
        self.text.get(start..end)
    }

    #[inline]
    fn peek_at(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    /// A non-negative integer as JSON writes it (no leading zero, no fraction or
    /// exponent).
    #[inline]
    fn integer(&mut self) -> Option<u64> {
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
            self.at += 1;
        }
        let len = self.at - start;
        let leading_zero = len > 1 && self.peek_at(start) == Some(b'0');
        let ends = matches!(self.peek(), Some(b',' | b'}' | b']'));
        (len > 0 && !leading_zero && ends).then_some(value)
    }
}

/// A value the reader reads.
trait Read: Sized {
    fn read(reader: &mut Reader<'_>) -> Option<Self>;
}

impl Read for NaiveDate {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        iso_date(reader.string()?.as_bytes())
    }
}

impl Read for MemberNumber {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        MemberNumber::new(u32::try_from(reader.integer()?).ok()?)
    }
}

impl Read for TxnId {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        TxnId::new(reader.integer()?)
    }
}

impl Read for u32 {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        u32::try_from(reader.integer()?).ok()
    }
}

impl Read for String {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        reader.string().map(str::to_owned)
    }
}

impl Read for ClassId {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        ClassId::new(reader.string()?).ok()
    }
}

impl Read for PaymentKey {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        PaymentKey::new(reader.string()?).ok()
    }
}

impl Read for Decimal {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        decimal(reader.string()?.as_bytes())
    }
}

/// A decimal as the journal writes it, `-?digits(.digits)?` with at most 18 digits and
/// no leading zero; `Decimal`'s own parser reads anything else. Trailing zeros count:
/// `500.00` has scale 2, as `Decimal` reads it.
pub(super) fn decimal(text: &[u8]) -> Option<Decimal> {
    let (negative, text) = match text {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, text),
    };
    let (whole, fraction) = match text.iter().position(|b| *b == b'.') {
        Some(dot) => (text.get(..dot)?, text.get(dot + 1..)?),
        None => (text, &[][..]),
    };
    let digits_only = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    let fraction_ok = fraction.is_empty() || digits_only(fraction);
    let dot_without_digits = fraction.is_empty() && whole.len() < text.len();
    if !digits_only(whole) || !fraction_ok || dot_without_digits {
        return None;
    }
    if (whole.len() > 1 && whole.first() == Some(&b'0')) || whole.len() + fraction.len() > 18 {
        return None;
    }
    let mantissa = whole
        .iter()
        .chain(fraction)
        .fold(0i64, |value, digit| value * 10 + i64::from(digit - b'0'));
    // `-0.00` keeps its sign in `Decimal`; leave it to the parser.
    if negative && mantissa == 0 {
        return None;
    }
    let mantissa = if negative { -mantissa } else { mantissa };
    Decimal::try_new(mantissa, u32::try_from(fraction.len()).ok()?).ok()
}

impl<T: Read> Read for Vec<T> {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        reader.byte(b'[')?;
        let mut items = Vec::new();
        if reader.byte(b']').is_some() {
            return Some(items);
        }
        loop {
            items.push(T::read(reader)?);
            match reader.peek()? {
                b',' => reader.at += 1,
                b']' => {
                    reader.at += 1;
                    return Some(items);
                }
                _ => return None,
            }
        }
    }
}

impl Read for Account {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        Some(match reader.string()? {
            "cash" => Account::Cash,
            "operations" => Account::Operations,
            "subscriptions_receivable" => Account::SubscriptionsReceivable,
            "dues_receivable" => Account::DuesReceivable,
            "member_capital" => Account::MemberCapital,
            "redemptions_payable" => Account::RedemptionsPayable,
            "interest_payable" => Account::InterestPayable,
            "refunds_payable" => Account::RefundsPayable,
            "reserve" => Account::Reserve,
            "surplus" => Account::Surplus,
            "dues_income" => Account::DuesIncome,
            _ => return None,
        })
    }
}

impl Read for Side {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        Some(match reader.string()? {
            "debit" => Side::Debit,
            "credit" => Side::Credit,
            _ => return None,
        })
    }
}

impl Read for Payout {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        Some(match reader.string()? {
            "interest" => Payout::Interest,
            "refund" => Payout::Refund,
            _ => return None,
        })
    }
}

impl Read for Correction {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        Some(match reader.string()? {
            "refund" => Correction::Refund,
            "duplicate" => Correction::Duplicate,
            "error" => Correction::Error,
            _ => return None,
        })
    }
}

/// An object whose members, in canonical order, are the given keys, each read by
/// its [`Read`]: `{"amount":"1.00","due_on":"2027-01-01"}`.
macro_rules! members {
    ($reader:ident, $( $key:ident ),+) => {
        let mut first = true;
        $reader.byte(b'{')?;
        $(
            $reader.key(stringify!($key), first)?;
            let $key = Read::read($reader)?;
            first = false;
        )+
        let _ = first;
        $reader.byte(b'}')?;
    };
}

impl Read for Posting {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        reader.byte(b'{')?;
        reader.key("account", true)?;
        let account = Read::read(reader)?;
        reader.key("amount", false)?;
        let amount = Read::read(reader)?;
        let member = match reader.next_is("member") {
            true => {
                reader.key("member", false)?;
                Some(Read::read(reader)?)
            }
            false => None,
        };
        reader.key("side", false)?;
        let side = Read::read(reader)?;
        reader.byte(b'}')?;
        Some(Posting {
            account,
            member,
            side,
            amount,
        })
    }
}

impl Read for Instalment {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        members!(reader, amount, due_on);
        Some(Instalment { due_on, amount })
    }
}

impl Read for MemberAmount {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        members!(reader, amount, member);
        Some(MemberAmount { member, amount })
    }
}

impl Read for Person {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        reader.byte(b'{')?;
        reader.key("kind", true)?;
        let person = match reader.string()? {
            "natural" => Person::Natural,
            "legal" => {
                reader.key("representative", false)?;
                Person::Legal {
                    representative: Read::read(reader)?,
                }
            }
            _ => return None,
        };
        reader.byte(b'}')?;
        Some(person)
    }
}

impl Read for Purpose {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        reader.byte(b'{')?;
        let class = match reader.key("class", true) {
            Some(()) => Some(ClassId::read(reader)?),
            None => None,
        };
        reader.key("for", class.is_none())?;
        let purpose = match (reader.string()?, class) {
            ("dues", None) => Purpose::Dues,
            ("capital", Some(class)) => Purpose::Capital { class },
            _ => return None,
        };
        reader.byte(b'}')?;
        Some(purpose)
    }
}

impl Read for ExitCause {
    fn read(reader: &mut Reader<'_>) -> Option<Self> {
        reader.byte(b'{')?;
        reader.key("by", true)?;
        let cause = match reader.string()? {
            "resignation" => ExitCause::Resignation,
            "expulsion" => {
                reader.key("reason", false)?;
                ExitCause::Expulsion {
                    reason: Read::read(reader)?,
                }
            }
            _ => return None,
        };
        reader.byte(b'}')?;
        Some(cause)
    }
}

/// [`variant`]: for each event type but the statutes (read once per ledger), its
/// members in canonical order: those whose keys sort before `type`, then (after `+`)
/// those after.
macro_rules! variants {
    ($(
        $variant:ident $tag:literal
            { $( $field:ident : $ty:ty ),* $(,)? }
            $( + { $( $after:ident : $after_ty:ty ),* $(,)? } )?
    )*) => {
        fn variant(tag: &str, reader: &mut Reader<'_>) -> Option<Event> {
            match tag {
                $( $tag => {
                    let mut first = true;
                    reader.byte(b'{')?;
                    $(
                        reader.key(stringify!($field), first)?;
                        let $field: $ty = Read::read(reader)?;
                        first = false;
                    )*
                    reader.key("type", first)?;
                    // The payload's tag must be the kind's; the serde decoders report
                    // a mismatch.
                    (reader.string()? == $tag).then_some(())?;
                    $($(
                        reader.key(stringify!($after), false)?;
                        let $after: $after_ty = Read::read(reader)?;
                    )*)?
                    reader.byte(b'}')?;
                    reader.end()?;
                    Some(Event::$variant { $( $field, )* $($( $after, )*)? })
                } )*
                _ => None,
            }
        }
    };
}

variants! {
    Applied "applied" {
        class: ClassId, member: MemberNumber, name: String, on: NaiveDate, person: Person,
    }
    Admitted "admitted" { class: ClassId, member: MemberNumber, on: NaiveDate }
    Refused "refused" { class: ClassId, member: MemberNumber, on: NaiveDate, reason: String }
    SharesSubscribed "shares_subscribed" {
        amount: Decimal, class: ClassId, member: MemberNumber, on: NaiveDate,
        postings: Vec<Posting>, shares: u32, txn: TxnId,
    }
    PaymentRecorded "payment_recorded" {
        amount: Decimal, key: PaymentKey, member: MemberNumber, on: NaiveDate,
        postings: Vec<Posting>, purpose: Purpose, txn: TxnId,
    }
    SharesTransferred "shares_transferred" {
        amount: Decimal, class: ClassId, from: MemberNumber, on: NaiveDate,
        postings: Vec<Posting>, shares: u32, to: MemberNumber, txn: TxnId,
    }
    ClassConverted "class_converted" {
        from: ClassId, member: MemberNumber, on: NaiveDate, shares: u32, to: ClassId,
    }
    Suspended "suspended" { member: MemberNumber, on: NaiveDate, reason: String }
    Reinstated "reinstated" { member: MemberNumber, on: NaiveDate }
    Resigned "resigned" { exit_on: NaiveDate, member: MemberNumber, on: NaiveDate }
    Exited "exited" {
        cancelled: Decimal, cause: ExitCause, effective: NaiveDate, forfeited: Decimal,
        member: MemberNumber, on: NaiveDate, postings: Vec<Posting>, repayable: Decimal,
        txn: TxnId,
    }
    RedemptionScheduled "redemption_scheduled" {
        instalments: Vec<Instalment>, member: MemberNumber, on: NaiveDate,
    }
    RedemptionPaid "redemption_paid" {
        amount: Decimal, member: MemberNumber, on: NaiveDate, postings: Vec<Posting>,
        txn: TxnId,
    }
    DuesCharged "dues_charged" {
        amount: Decimal, class: ClassId, due_on: NaiveDate, grace_until: NaiveDate,
        member: MemberNumber, on: NaiveDate, period_start: NaiveDate, postings: Vec<Posting>,
        txn: TxnId,
    }
    PatronageRecorded "patronage_recorded" {
        amount: Decimal, member: MemberNumber, on: NaiveDate,
    }
    SurplusRecorded "surplus_recorded" {
        amount: Decimal, on: NaiveDate, postings: Vec<Posting>, txn: TxnId,
    } + { year: NaiveDate }
    SurplusAllocated "surplus_allocated" {
        interest: Vec<MemberAmount>, interest_rate: Decimal, on: NaiveDate,
        postings: Vec<Posting>, refunds: Vec<MemberAmount>, reserve: Decimal, txn: TxnId,
    } + { year: NaiveDate }
    AllocationPaid "allocation_paid" {
        amount: Decimal, member: MemberNumber, on: NaiveDate, postings: Vec<Posting>,
        txn: TxnId,
    } + { what: Payout }
    Reversed "reversed" {
        amount: Decimal, note: String, on: NaiveDate, original: TxnId,
        postings: Vec<Posting>, reason: Correction, txn: TxnId,
    }
    AccountsClosed "accounts_closed" { member: MemberNumber, on: NaiveDate }
}
